"""Write external_recording.npz: a recording made outside infoscope, with numpy only, in the
documented layout (README "Recordings"): `hidden` [trial, time, unit] float32, `labels`
[trial] (stimulus angle, radians), `outputs` [trial, time, n_out]; no sidecar, no inputs or
targets. 48 trials x 30 steps x 12 units. Units 0-3 respond to cos/sin of the angle from
step 10 on (after "stimulus onset"); the others are noise only. Run from this directory:

    python3 make_external_recording.py
"""
import numpy as np

rng = np.random.default_rng(2024)
trials, steps, units = 48, 30, 12
labels = rng.uniform(0.0, 2.0 * np.pi, size=trials)
hidden = 0.3 * rng.standard_normal((trials, steps, units))
onset = 10
tuning = np.stack([np.cos(labels), np.sin(labels), -np.cos(labels), -np.sin(labels)], axis=1)
hidden[:, onset:, :4] += 2.0 * tuning[:, None, :]
outputs = np.tanh(hidden[:, :, :2] @ np.array([[1.0, 0.5], [-0.5, 1.0]]))
np.savez(
    "external_recording.npz",
    hidden=hidden.astype(np.float32),
    labels=labels,
    outputs=outputs.astype(np.float32),
)
