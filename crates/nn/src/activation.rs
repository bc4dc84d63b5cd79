//! Activation functions of the recurrent networks and their derivatives.
//!
//! [`Activation`] names the five nonlinearities of Yang et al. (2019) (`network.py`,
//! `LeakyRNNCell`): softplus, ReLU, tanh, `retanh` $= \tanh(\mathrm{relu}(x))$ and `power`
//! $= \mathrm{relu}(x)^2$. Each has a scalar form ([`Activation::apply`],
//! [`Activation::derivative`]), an `f64` reference form for tests and finite-difference checks,
//! and slice forms that the networks call once per time step.
//!
//! Derivatives are taken with respect to the *pre-activation* $x$ and, at the kinks of ReLU,
//! `retanh` and `power`, follow TensorFlow: the derivative at exactly $0$ is $0$. NaN inputs
//! propagate to NaN outputs, so a diverging network shows up as a non-finite loss.
//!
//! Softplus and [`sigmoid`] use branch-free polynomial forms of $e^{-|x|}$ and $\ln(1 + e)$
//! (relative error below $3 \cdot 10^{-7}$, a few ulp), so their loops vectorise; tanh is the
//! standard library's. The slice forms run through [`vectorize`], which compiles a kernel for
//! AVX2 + FMA when the CPU has it (pulp's runtime dispatch). Rust never contracts `a * b + c`
//! into an FMA nor reorders float operations, so the SIMD width never changes a result.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A pointwise nonlinearity $f$ of a recurrent network.
///
/// Serialised (serde, TOML, JSON) and parsed ([`FromStr`]) by its lowercase name:
/// `"softplus"`, `"relu"`, `"tanh"`, `"retanh"`, `"power"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// $f(x) = \ln(1 + e^x)$, evaluated stably as $\max(x, 0) + \ln(1 + e^{-|x|})$;
    /// $f'(x) = \sigma(x)$. The activation of the paper's main networks (the default).
    #[default]
    Softplus,
    /// $f(x) = \max(x, 0)$; $f'(x) = \mathbb 1_{x > 0}$.
    Relu,
    /// $f(x) = \tanh x$; $f'(x) = 1 - \tanh^2 x$.
    Tanh,
    /// $f(x) = \tanh(\max(x, 0))$; $f'(x) = \mathbb 1_{x > 0}\,(1 - \tanh^2 x)$.
    Retanh,
    /// $f(x) = \max(x, 0)^2$; $f'(x) = 2 \max(x, 0)$.
    Power,
}

/// The string given to [`Activation::from_str`] names no activation.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("unknown activation `{given}`; expected one of: softplus, relu, tanh, retanh, power")]
pub struct ParseActivationError {
    /// The string that was given.
    pub given: String,
}

/// Two slices passed to a slice form of [`Activation`] differ in length.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error("activation slices differ in length: {pre} pre-activations, {out} outputs")]
pub struct LengthMismatch {
    /// Length of the pre-activation slice.
    pub pre: usize,
    /// Length of the output slice.
    pub out: usize,
}

impl Activation {
    /// Every activation, in declaration order.
    pub const ALL: [Self; 5] = [
        Self::Softplus,
        Self::Relu,
        Self::Tanh,
        Self::Retanh,
        Self::Power,
    ];

    /// The lowercase name used in configuration files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Softplus => "softplus",
            Self::Relu => "relu",
            Self::Tanh => "tanh",
            Self::Retanh => "retanh",
            Self::Power => "power",
        }
    }

    /// $f(x)$.
    #[inline]
    #[must_use]
    pub fn apply(self, x: f32) -> f32 {
        self.value_and_derivative(x).0
    }

    /// $f'(x)$, the derivative with respect to the pre-activation $x$.
    #[inline]
    #[must_use]
    pub fn derivative(self, pre: f32) -> f32 {
        self.value_and_derivative(pre).1
    }

    /// $(f(x), f'(x))$ in one evaluation (they share the exponential or the tanh).
    #[inline]
    #[must_use]
    pub fn value_and_derivative(self, x: f32) -> (f32, f32) {
        match self {
            Self::Softplus => softplus_vd(x),
            Self::Relu => relu_vd(x),
            Self::Tanh => tanh_vd(x),
            Self::Retanh => retanh_vd(x),
            Self::Power => power_vd(x),
        }
    }

    /// $f(x)$ in `f64`: the reference form for finite-difference checks.
    #[must_use]
    pub fn apply_f64(self, x: f64) -> f64 {
        let relu = if x < 0.0 { 0.0 } else { x };
        match self {
            Self::Softplus => relu + (-x.abs()).exp().ln_1p(),
            Self::Relu => relu,
            Self::Tanh => x.tanh(),
            Self::Retanh => relu.tanh(),
            Self::Power => relu * relu,
        }
    }

    /// $f'(x)$ in `f64`: the reference form for finite-difference checks.
    #[must_use]
    pub fn derivative_f64(self, x: f64) -> f64 {
        let step = if x > 0.0 { 1.0 } else { 0.0 };
        match self {
            Self::Softplus => {
                let e = (-x.abs()).exp();
                if x >= 0.0 {
                    1.0 / (1.0 + e)
                } else {
                    e / (1.0 + e)
                }
            }
            Self::Relu => step,
            Self::Tanh => 1.0 - x.tanh().powi(2),
            Self::Retanh => step * (1.0 - x.tanh().powi(2)),
            Self::Power => 2.0 * step * x,
        }
    }

    /// Replace every element $x$ of `xs` by $f(x)$.
    pub fn apply_in_place(self, xs: &mut [f32]) {
        vectorize(ApplyKernel { act: self, xs });
    }

    /// Write $f(x)$ into `values` and overwrite each pre-activation $x$ in `pre_then_deriv` by
    /// $f'(x)$: the forward pass of a layer that keeps its derivative for backpropagation.
    ///
    /// # Errors
    /// [`LengthMismatch`] when the slices differ in length (nothing is written then).
    pub fn value_and_derivative_in_place(
        self,
        pre_then_deriv: &mut [f32],
        values: &mut [f32],
    ) -> Result<(), LengthMismatch> {
        if pre_then_deriv.len() != values.len() {
            return Err(LengthMismatch {
                pre: pre_then_deriv.len(),
                out: values.len(),
            });
        }
        vectorize(FusedKernel {
            act: self,
            pre_then_deriv,
            values,
        });
        Ok(())
    }
}

/// A computation to compile for the widest SIMD instruction set the CPU offers; see
/// [`vectorize`].
pub trait SimdKernel {
    /// What the computation returns.
    type Output;

    /// Run the computation. Mark implementations `#[inline(always)]`: only code inlined into
    /// the dispatched function is compiled with the wider instruction set.
    fn run(self) -> Self::Output;
}

/// Run `kernel` inside a function compiled for x86-64-v3 (AVX2, FMA) when the CPU supports it,
/// and for the baseline target otherwise (pulp's runtime dispatch; the check is a cached
/// load). Loops inlined into [`SimdKernel::run`] are auto-vectorised 8 lanes wide, and no
/// SSE/AVX transition penalties arise between them and faer's AVX matrix kernels.
pub fn vectorize<K: SimdKernel>(kernel: K) -> K::Output {
    struct Dispatch<K>(K);
    impl<K: SimdKernel> pulp::WithSimd for Dispatch<K> {
        type Output = K::Output;

        #[inline(always)]
        fn with_simd<S: pulp::Simd>(self, _simd: S) -> Self::Output {
            self.0.run()
        }
    }
    pulp::Arch::new().dispatch(Dispatch(kernel))
}

struct ApplyKernel<'a> {
    act: Activation,
    xs: &'a mut [f32],
}

impl SimdKernel for ApplyKernel<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let xs = self.xs;
        match self.act {
            Activation::Softplus => xs.iter_mut().for_each(|x| *x = softplus_vd(*x).0),
            Activation::Relu => xs.iter_mut().for_each(|x| *x = relu(*x)),
            Activation::Tanh => xs.iter_mut().for_each(|x| *x = x.tanh()),
            Activation::Retanh => xs.iter_mut().for_each(|x| *x = retanh_vd(*x).0),
            Activation::Power => xs.iter_mut().for_each(|x| *x = power_vd(*x).0),
        }
    }
}

struct FusedKernel<'a> {
    act: Activation,
    pre_then_deriv: &'a mut [f32],
    values: &'a mut [f32],
}

impl SimdKernel for FusedKernel<'_> {
    type Output = ();

    #[inline(always)]
    fn run(self) {
        let (p, v) = (self.pre_then_deriv, self.values);
        match self.act {
            Activation::Softplus => fused(p, v, softplus_vd),
            Activation::Relu => fused(p, v, relu_vd),
            Activation::Tanh => fused(p, v, tanh_vd),
            Activation::Retanh => fused(p, v, retanh_vd),
            Activation::Power => fused(p, v, power_vd),
        }
    }
}

/// One monomorphised loop per activation, so the `match` is outside the hot loop.
#[inline(always)]
fn fused(pre_then_deriv: &mut [f32], values: &mut [f32], vd: impl Fn(f32) -> (f32, f32)) {
    for (p, v) in pre_then_deriv.iter_mut().zip(values.iter_mut()) {
        let (value, deriv) = vd(*p);
        *v = value;
        *p = deriv;
    }
}

/// `max(x, 0)` that lets NaN through (`f32::max` would turn NaN into 0).
#[inline(always)]
fn relu(x: f32) -> f32 {
    if x < 0.0 { 0.0 } else { x }
}

/// The logistic function $\sigma(z) = 1 / (1 + e^{-z})$, without overflow for any $z$ and with
/// full relative accuracy for large negative $z$ (down to $\approx 10^{-38}$).
#[inline]
#[must_use]
pub fn sigmoid(z: f32) -> f32 {
    let e = exp_nonpositive(-z.abs());
    let inv = 1.0 / (1.0 + e);
    if z >= 0.0 { inv } else { e * inv }
}

/// $e^y$ for $y \le 0$, branch-free so that loops over it vectorise (the libm `expf` call
/// cannot, and switching between it and the surrounding code costs more than the math).
///
/// Cody–Waite reduction $y = n \ln 2 + r$, $|r| \le \ln 2 / 2$, then the degree-7 Taylor
/// polynomial of $e^r$ (truncation $< 6 \cdot 10^{-9}$ relative) and $2^n$ from the exponent
/// bits. Arguments below $-87$ are clamped there, so the result never becomes subnormal
/// (it is then $\approx 1.6 \cdot 10^{-38}$ instead of smaller). NaN propagates.
#[inline(always)]
fn exp_nonpositive(y: f32) -> f32 {
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // 1.5 · 2^23: adding and subtracting it rounds to the nearest integer.
    const ROUND: f32 = 12_582_912.0;
    let y = if y < -87.0 { -87.0 } else { y };
    // t = ROUND + n exactly, so n sits in the low bits of t's representation.
    let t = y * std::f32::consts::LOG2_E + ROUND;
    let n = t - ROUND;
    let r = (y - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (1.0 / 2.0
                + r * (1.0 / 6.0
                    + r * (1.0 / 24.0
                        + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0)))))));
    // 2^n from the exponent bits; n ∈ [-126, 0] here, so the exponent n + 127 is valid (a
    // NaN argument gives some finite scale, and the NaN survives in p).
    let scale = f32::from_bits(t.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127) << 23);
    p * scale
}

/// $\ln(1 + e)$ for $e \in [0, 1]$, branch-free, with full relative accuracy for tiny $e$.
///
/// $\ln(1 + e) = 2\,\mathrm{atanh}(s)$ with $s = e / (2 + e)$, or, above $e = \sqrt2 - 1$,
/// $\ln 2 + 2\,\mathrm{atanh}(s)$ with $s = (e - 1) / (e + 3)$; either way $|s| \le 0.172$,
/// and the atanh series to $s^9$ leaves a truncation error $< 3 \cdot 10^{-9}$ relative.
#[inline(always)]
fn ln_1p_unit(e: f32) -> f32 {
    let upper = e > std::f32::consts::SQRT_2 - 1.0;
    let num = if upper { e - 1.0 } else { e };
    let den = if upper { e + 3.0 } else { e + 2.0 };
    let offset = if upper { std::f32::consts::LN_2 } else { 0.0 };
    let s = num / den;
    let z = s * s;
    let series = 2.0 + z * (2.0 / 3.0 + z * (2.0 / 5.0 + z * (2.0 / 7.0 + z * (2.0 / 9.0))));
    offset + s * series
}

#[inline(always)]
fn softplus_vd(x: f32) -> (f32, f32) {
    // e ∈ (0, 1]: no overflow for any x.
    let e = exp_nonpositive(-x.abs());
    let value = relu(x) + ln_1p_unit(e);
    let inv = 1.0 / (1.0 + e);
    let deriv = if x >= 0.0 { inv } else { e * inv };
    (value, deriv)
}

#[inline(always)]
fn relu_vd(x: f32) -> (f32, f32) {
    (relu(x), if x > 0.0 { 1.0 } else { 0.0 })
}

#[inline(always)]
fn tanh_vd(x: f32) -> (f32, f32) {
    let t = x.tanh();
    (t, 1.0 - t * t)
}

#[inline(always)]
fn retanh_vd(x: f32) -> (f32, f32) {
    let t = relu(x).tanh();
    (t, if x > 0.0 { 1.0 - t * t } else { 0.0 })
}

#[inline(always)]
fn power_vd(x: f32) -> (f32, f32) {
    let r = relu(x);
    (r * r, 2.0 * r)
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Activation {
    type Err = ParseActivationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == s)
            .ok_or_else(|| ParseActivationError {
                given: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str_display_and_serde() {
        for a in Activation::ALL {
            assert_eq!(a.to_string().parse::<Activation>(), Ok(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert_eq!(serde_json::from_str::<Activation>(&json).unwrap(), a);
        }
        assert_eq!(Activation::default(), Activation::Softplus);
    }

    #[test]
    fn unknown_name_lists_the_options() {
        let err = "sigmoid".parse::<Activation>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("sigmoid"), "{msg}");
        for a in Activation::ALL {
            assert!(msg.contains(a.name()), "{msg}");
        }
    }

    #[test]
    fn values_match_closed_forms() {
        let xs = [-30.0_f32, -3.0, -0.5, 0.0, 0.25, 2.0, 30.0];
        for &x in &xs {
            let xd = f64::from(x);
            let softplus = xd.exp().ln_1p();
            assert!(
                (f64::from(Activation::Softplus.apply(x)) - softplus).abs()
                    < 1e-6 * (1.0 + softplus)
            );
            assert_eq!(Activation::Relu.apply(x), x.max(0.0));
            assert_eq!(Activation::Power.apply(x), x.max(0.0).powi(2));
            assert_eq!(Activation::Retanh.apply(x), x.max(0.0).tanh());
            assert_eq!(Activation::Tanh.apply(x), x.tanh());
        }
        // No overflow for large |x|, tiny values stay accurate in relative terms.
        assert_eq!(Activation::Softplus.apply(200.0), 200.0);
        let tiny = Activation::Softplus.apply(-20.0);
        assert!((f64::from(tiny) / (-20.0_f64).exp() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn derivatives_match_central_differences() {
        let h = 1e-6;
        for a in Activation::ALL {
            for &x in &[-2.5_f64, -0.3, 0.2, 0.7, 1.9] {
                let fd = (a.apply_f64(x + h) - a.apply_f64(x - h)) / (2.0 * h);
                assert!((a.derivative_f64(x) - fd).abs() < 1e-7, "{a} at {x}");
                #[allow(clippy::cast_possible_truncation)]
                let d32 = f64::from(a.derivative(x as f32));
                assert!((d32 - fd).abs() < 1e-5, "{a} f32 at {x}: {d32} vs {fd}");
            }
            // TensorFlow's convention at the kink.
            if a != Activation::Softplus && a != Activation::Tanh {
                assert_eq!(a.derivative(0.0), 0.0);
            }
        }
    }

    #[test]
    fn fast_kernels_are_accurate_to_a_few_ulp() {
        let mut worst_exp = 0.0_f64;
        let mut worst_ln = 0.0_f64;
        let mut worst_sig = 0.0_f64;
        for i in 0..=200_000 {
            let y = -87.0 * f64::from(i) / 200_000.0;
            #[allow(clippy::cast_possible_truncation)]
            let y32 = y as f32;
            let exact = f64::from(y32).exp();
            worst_exp = worst_exp.max((f64::from(exp_nonpositive(y32)) - exact).abs() / exact);
            let e = f64::from(i) / 200_000.0;
            #[allow(clippy::cast_possible_truncation)]
            let e32 = e as f32;
            let exact = f64::from(e32).ln_1p();
            if e32 > 0.0 {
                worst_ln = worst_ln.max((f64::from(ln_1p_unit(e32)) - exact).abs() / exact);
            }
            let z = (f64::from(i) - 100_000.0) / 2_000.0;
            #[allow(clippy::cast_possible_truncation)]
            let z32 = z as f32;
            let exact = 1.0 / (1.0 + (-f64::from(z32)).exp());
            worst_sig = worst_sig.max((f64::from(sigmoid(z32)) - exact).abs() / exact);
        }
        assert!(worst_exp < 3e-7, "exp: {worst_exp}");
        assert!(worst_ln < 3e-7, "ln_1p: {worst_ln}");
        assert!(worst_sig < 3e-7, "sigmoid: {worst_sig}");
        assert_eq!(ln_1p_unit(0.0), 0.0);
        assert!((exp_nonpositive(0.0) - 1.0).abs() <= f32::EPSILON);
        assert!(exp_nonpositive(-1000.0) > 0.0 && exp_nonpositive(-1000.0) < 2e-38);
        assert!(exp_nonpositive(f32::NAN).is_nan());
        assert!(sigmoid(-200.0) > 0.0 && sigmoid(-200.0) < 2e-38);
        assert_eq!(sigmoid(200.0), 1.0);
    }

    #[test]
    fn nan_propagates() {
        for a in Activation::ALL {
            assert!(a.apply(f32::NAN).is_nan(), "{a}");
        }
    }

    #[test]
    fn slice_forms_agree_with_scalars() {
        let xs: Vec<f32> = (0..50).map(|i| (i as f32 - 25.0) * 0.3).collect();
        for a in Activation::ALL {
            let mut applied = xs.clone();
            a.apply_in_place(&mut applied);
            let mut deriv = xs.clone();
            let mut values = vec![0.0; xs.len()];
            a.value_and_derivative_in_place(&mut deriv, &mut values)
                .unwrap();
            for (i, &x) in xs.iter().enumerate() {
                assert_eq!(applied[i], a.apply(x));
                assert_eq!(values[i], a.apply(x));
                assert_eq!(deriv[i], a.derivative(x));
            }
        }
        let err = Activation::Relu
            .value_and_derivative_in_place(&mut [0.0; 3], &mut [0.0; 2])
            .unwrap_err();
        assert_eq!(err, LengthMismatch { pre: 3, out: 2 });
    }
}
