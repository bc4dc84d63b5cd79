//! The parameters of the nearest-neighbour estimators and the checked estimators they turn
//! into: [`KsgParams`] → [`Ksg`], [`KozachenkoLeonenkoParams`] → [`KozachenkoLeonenko`]. The
//! algorithms are in `ksg.rs` and `kl.rs`.

use serde::{Deserialize, Serialize};

use super::SearchMethod;
use super::prepare::{Noise, Ties};
use crate::error::{EstimatorError, Result, ensure_param};

/// Which KSG estimator (Kraskov, Stögbauer & Grassberger 2004, eqs. 8 and 9). Serialised as
/// the number `1` or `2`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum KsgAlgorithm {
    /// Algorithm 1: one radius, the max-norm distance to the k-th neighbour; strict counts.
    #[default]
    One,
    /// Algorithm 2: per-marginal radii, the extents of the k nearest neighbours; non-strict
    /// counts. Lower bias at large MI, slightly higher variance.
    Two,
}

impl From<KsgAlgorithm> for u8 {
    fn from(a: KsgAlgorithm) -> Self {
        match a {
            KsgAlgorithm::One => 1,
            KsgAlgorithm::Two => 2,
        }
    }
}

impl TryFrom<u8> for KsgAlgorithm {
    type Error = EstimatorError;

    fn try_from(v: u8) -> Result<Self> {
        match v {
            1 => Ok(Self::One),
            2 => Ok(Self::Two),
            other => Err(EstimatorError::InvalidParameter {
                name: "algorithm",
                reason: format!("unknown KSG algorithm {other}; expected 1 or 2"),
            }),
        }
    }
}

/// Unchecked parameters of [`Ksg`]. Defaults: `k = 3` (NPEET's and scikit-learn's default,
/// SPEC.md §1.3), algorithm 1, Theiler window 0 (each point excludes only itself),
/// `normalize = false`, `noise = None`, `seed = 0` (seeds the noise and the tie jitter),
/// `search = Auto`, `ties = jitter` (tied columns get seeded jitter of 1e-10 of their spread;
/// [`Ties`]).
/// [`KsgParams::jidt_compatible`] sets JIDT's defaults: z-scoring and Gaussian noise of
/// standard deviation 1e-8 (JIDT's `NOISE_LEVEL_TO_ADD`, after MILCA).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KsgParams {
    /// The number of neighbours (≥ 1).
    pub k: usize,
    /// Algorithm 1 or 2.
    pub algorithm: KsgAlgorithm,
    /// Theiler window `w`: samples `j` with `|i − j| ≤ w` are never neighbours of sample `i`
    /// (for time series whose neighbouring samples are correlated). `0`: only `i` itself.
    pub theiler: usize,
    /// z-score every column before the search.
    pub normalize: bool,
    /// Noise added to break ties (after z-scoring); also given as its standard deviation.
    #[serde(deserialize_with = "crate::spec::compact_noise")]
    pub noise: Noise,
    /// Seed of the noise stream.
    pub seed: u64,
    /// The neighbour-search backend (results are identical for all).
    pub search: SearchMethod,
    /// How tied values are treated ([`Ties`]; default: seeded jitter of the tied columns).
    pub ties: Ties,
}

impl Default for KsgParams {
    fn default() -> Self {
        Self {
            k: 3,
            algorithm: KsgAlgorithm::One,
            theiler: 0,
            normalize: false,
            noise: Noise::None,
            seed: 0,
            search: SearchMethod::Auto,
            ties: Ties::Jitter,
        }
    }
}

/// The consuming setters of the neighbour-search settings every kNN estimator shares (`k`,
/// `normalize`, `noise`, `seed`, `search`; with `theiler` the window's too), for every
/// parameter type that has them.
macro_rules! neighbour_setters {
    (theiler) => {
        /// Set the Theiler window.
        #[must_use]
        pub fn theiler(mut self, w: usize) -> Self {
            self.theiler = w;
            self
        }

        $crate::knn::hyperparams::neighbour_setters!();
    };
    () => {
        /// Set the number of neighbours.
        #[must_use]
        pub fn k(mut self, k: usize) -> Self {
            self.k = k;
            self
        }

        /// z-score every column before the search.
        #[must_use]
        pub fn normalize(mut self, normalize: bool) -> Self {
            self.normalize = normalize;
            self
        }

        /// Add noise before the search (off by default).
        #[must_use]
        pub fn noise(mut self, noise: Noise) -> Self {
            self.noise = noise;
            self
        }

        /// Seed of the noise stream.
        #[must_use]
        pub fn seed(mut self, seed: u64) -> Self {
            self.seed = seed;
            self
        }

        /// Force a neighbour-search backend.
        #[must_use]
        pub fn search(mut self, search: SearchMethod) -> Self {
            self.search = search;
            self
        }
    };
}
pub(crate) use neighbour_setters;

impl KsgParams {
    neighbour_setters!(theiler);

    /// Choose algorithm 1 or 2.
    #[must_use]
    pub fn algorithm(mut self, algorithm: KsgAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// How tied values are treated ([`Ties`]).
    #[must_use]
    pub fn ties(mut self, ties: Ties) -> Self {
        self.ties = ties;
        self
    }

    /// JIDT's defaults: z-scoring and Gaussian noise of standard deviation 1e-8.
    #[must_use]
    pub fn jidt_compatible(self) -> Self {
        self.normalize(true).noise(Noise::Gaussian { std: 1e-8 })
    }

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `k` for `k = 0`, or `noise` for a noise
    /// level that is not finite and positive.
    pub fn check(self) -> Result<Ksg> {
        ensure_param!(self.k >= 1, "k", "k must be at least 1, got {}", self.k);
        check_noise(self.noise)?;
        Ok(Ksg { params: self })
    }
}

/// The Kraskov–Stögbauer–Grassberger estimator of I(X;Y) and, with algorithm 1, of I(X;Y|Z)
/// (Frenzel & Pompe 2007), in nats. SPEC.md §1.3.
///
/// With $\varepsilon_i$ the max-norm distance from $z_i = (x_i, y_i)$ to its $k$-th nearest
/// neighbour (points inside the Theiler window excluded):
///
/// - **Algorithm 1** (eq. 8): $n_x(i) = \#\{j : \lVert x_i - x_j \rVert_\infty < \varepsilon_i\}$
///   (strictly less), likewise $n_y$, and
///   $\hat I = \psi(k) + \psi(N) - \langle \psi(n_x + 1) + \psi(n_y + 1) \rangle$.
/// - **Algorithm 2** (eq. 9): $\varepsilon_x(i)$, $\varepsilon_y(i)$ are the largest marginal
///   distances among the $k$ nearest neighbours (ties in the joint distance broken by the
///   lower sample index), $n_x(i) = \#\{j : \lVert x_i - x_j \rVert_\infty \le
///   \varepsilon_x(i)\}$, and $\hat I = \psi(k) - 1/k + \psi(N) - \langle \psi(n_x) +
///   \psi(n_y) \rangle$. The $-1/k$ assumes both marginal extents are set by neighbours at a
///   positive distance; a sample whose $\varepsilon_x(i)$ or $\varepsilon_y(i)$ is zero (a
///   constant or discrete marginal) would be off by about $-1/k$ (I(X; constant) = −0.31 at
///   k = 3), so it takes algorithm 1's local value instead (same $\varepsilon_i$), with a
///   warning and the diagnostic `zero_extent_fraction`.
/// - **Conditional** (algorithm 1 only; the space is $(x, y, z)$):
///   $\hat I(X;Y|Z) = \psi(k) - \langle \psi(n_{xz}+1) + \psi(n_{yz}+1) - \psi(n_z+1) \rangle$.
///
/// **Theiler window.** With a window $w$, sample $i$ has only $M_i = N - 1 - \#\{j \ne i :
/// |i - j| \le w\}$ candidate neighbours, so the $\psi(N)$ of the formulas (the joint and
/// marginal probability masses are estimated among the candidates) is $\psi(M_i + 1)$ per sample.
/// Keeping $\psi(N)$ biased independent series upward by about $\ln(N / (N - 2w))$ (+0.20 nats at
/// N = 1000, w = 100). The conditional form has no such term.
///
/// Counting is exact (no epsilon shrink, no added noise unless asked for; tied columns are
/// jittered under the default [`Ties::Jitter`] and reported).
///
/// **Zero distances.** Where $\varepsilon_i = 0$ (at least $k$ exact duplicates of sample $i$
/// in the joint space: discrete, saturated or rounded data kept with [`Ties::Gao`], or a
/// variable that is constant) the formulas above are meaningless. Such samples follow Gao,
/// Kannan, Oh & Viswanath (NeurIPS 2017, Algorithm 1): $k$ is replaced by $\tilde k_i$, the
/// number of samples at distance zero *including sample $i$ itself*, and the marginal counts
/// include the points at distance zero ($\le 0$); for MI the local value is
/// $\psi(\tilde k_i) + \psi(N) - \psi(n_x(i)+1) - \psi(n_y(i)+1)$. The paper writes $\log N$
/// where we keep KSG's $\psi(N)$ (they differ by $1/(2N) + O(N^{-2})$); with $\psi(N)$ a pair of
/// constant variables gives exactly 0. On purely discrete data this approaches the plug-in
/// estimate. The fraction of such samples is the diagnostic `zero_distance_fraction`, with a
/// warning.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ksg {
    pub(crate) params: KsgParams,
}

impl Ksg {
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> KsgParams {
        KsgParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> KsgParams {
        self.params
    }
}

/// Unchecked parameters of [`KozachenkoLeonenko`]. Defaults: `k = 3`, Theiler window 0,
/// `normalize = false`, `noise = None`, `seed = 0` (used only with noise), `search = Auto`:
/// the same names and meanings as [`KsgParams`], so that KSG's entropy (which is this
/// estimator's) honours every KSG setting but the algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KozachenkoLeonenkoParams {
    /// The number of neighbours (≥ 1).
    pub k: usize,
    /// Theiler window `w`: samples `j` with `|i − j| ≤ w` are never neighbours of sample `i`.
    pub theiler: usize,
    /// z-score every column before the search (the entropy is then that of the standardised
    /// variable: $h(X) - \sum_j \ln \sigma_j$).
    pub normalize: bool,
    /// Noise added to break ties (after z-scoring); also given as its standard deviation.
    #[serde(deserialize_with = "crate::spec::compact_noise")]
    pub noise: Noise,
    /// Seed of the noise stream.
    pub seed: u64,
    /// The neighbour-search backend (results are identical for all).
    pub search: SearchMethod,
}

impl Default for KozachenkoLeonenkoParams {
    fn default() -> Self {
        Self {
            k: 3,
            theiler: 0,
            normalize: false,
            noise: Noise::None,
            seed: 0,
            search: SearchMethod::Auto,
        }
    }
}

impl KozachenkoLeonenkoParams {
    neighbour_setters!(theiler);

    /// Validate the parameters.
    ///
    /// # Errors
    /// [`EstimatorError::InvalidParameter`] named `k` for `k = 0`, or `noise` for a noise
    /// level that is not finite and positive.
    pub fn check(self) -> Result<KozachenkoLeonenko> {
        ensure_param!(self.k >= 1, "k", "k must be at least 1, got {}", self.k);
        check_noise(self.noise)?;
        Ok(KozachenkoLeonenko { params: self })
    }
}

/// Kozachenko–Leonenko differential entropy with the max-norm (Kraskov et al. 2004, eq. 20),
/// in nats:
///
/// $$\hat H = \psi(N) - \psi(k) + d \ln 2 + \frac{d}{N} \sum_i \ln \varepsilon_i$$
///
/// with $\varepsilon_i$ the max-norm distance to the $k$-th neighbour (the max-norm ball of
/// radius $\varepsilon$ has volume $(2\varepsilon)^d$). A zero distance (duplicate samples)
/// makes the estimate $-\infty$; it is refused with a typed error naming the fraction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KozachenkoLeonenko {
    pub(crate) params: KozachenkoLeonenkoParams,
}

impl KozachenkoLeonenko {
    /// Unchecked parameters with their defaults.
    #[must_use]
    pub fn params() -> KozachenkoLeonenkoParams {
        KozachenkoLeonenkoParams::default()
    }

    /// The validated parameters.
    #[must_use]
    pub fn config(&self) -> KozachenkoLeonenkoParams {
        self.params
    }
}

/// A noise level must be finite and positive.
pub(crate) fn check_noise(noise: Noise) -> Result<()> {
    if let Noise::Gaussian { std } = noise {
        ensure_param!(
            std.is_finite() && std > 0.0,
            "noise",
            "the noise standard deviation must be finite and > 0, got {std}"
        );
    }
    Ok(())
}
