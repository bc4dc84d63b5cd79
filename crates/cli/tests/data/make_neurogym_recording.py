"""Write neurogym_recording.npz and its hand-written sidecar neurogym_recording.json: a
recording shaped as a PyTorch RNN trained on a neurogym task exports it (issue #16), with numpy
only. 40 trials x 12 steps x 10 units:

- `hidden` float16 [trial, time, unit]; unit 9 never moves (a dead ReLU);
- `inputs` [trial, time, 4]: a fixation input that is 1 at every step (constant across trials),
  an unused channel that is always 0, and cos/sin of the stimulus during steps 3-6;
- `targets` int64 [trial, time]: 0 (fixate) until step 8, then 1 + the stimulus quadrant;
- `mask` float32 [trial, time]: per-step loss weights;
- `labels` [trial]: the stimulus angle, radians;
- an extra array `trial_id` infoscope does not know;
- the sidecar has no schema_version, dt in ms, notes as a plain string and unknown fields.

Run from this directory:

    python3 make_neurogym_recording.py
"""
import json

import numpy as np

rng = np.random.default_rng(16)
trials, steps, units = 40, 12, 10
theta = rng.uniform(0.0, 2.0 * np.pi, size=trials)
inputs = np.zeros((trials, steps, 4))
inputs[:, :, 0] = 1.0
inputs[:, 3:7, 2] = np.cos(theta)[:, None]
inputs[:, 3:7, 3] = np.sin(theta)[:, None]
hidden = 0.2 * rng.standard_normal((trials, steps, units))
hidden[:, 3:, 0] += np.cos(theta)[:, None]
hidden[:, 3:, 1] += np.sin(theta)[:, None]
hidden = np.maximum(hidden, 0.0)
hidden[:, :, 9] = 0.0
targets = np.zeros((trials, steps), dtype=np.int64)
targets[:, 8:] = 1 + (theta // (np.pi / 2)).astype(np.int64)[:, None]
mask = np.ones((trials, steps), dtype=np.float32)
mask[:, 8:] = 5.0
np.savez(
    "neurogym_recording.npz",
    hidden=hidden.astype(np.float16),
    inputs=inputs,
    targets=targets,
    mask=mask,
    labels=theta,
    trial_id=np.arange(trials),
)
with open("neurogym_recording.json", "w") as f:
    json.dump(
        {
            "dt": 100,
            "task": "GoTask-v0",
            "notes": "exported by a training script",
            "optimizer": {"name": "adam", "lr": 1e-3},
        },
        f,
        indent=1,
    )
