//! # infoscope-report
//!
//! Brief overview: turns `infoscope-analysis` Results into figures (SVG/PNG) and one
//! self-contained HTML page. It never recomputes a number. The renderers arrive with the report
//! issue; today the crate holds its place in the workspace and its dependency on the Results.
#![deny(missing_docs)]

pub use infoscope_analysis as analysis;
