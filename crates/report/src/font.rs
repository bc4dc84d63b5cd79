//! The one embedded font, registered with plotters' `ab_glyph` text engine once per process.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

use crate::ReportError;

/// The font family every text element of a figure names. It is also the key under which the
/// embedded font is registered, so text measurement and the SVG's `font-family` agree.
pub(crate) const FAMILY: &str = "DejaVu Sans, sans-serif";

/// DejaVu Sans 2.37 (Bitstream Vera licence: `assets/DejaVuSans-LICENSE.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// The embedded font, parsed once for the PNG backend's text.
static GLYPHS: OnceLock<Option<ab_glyph::FontRef<'static>>> = OnceLock::new();

/// The embedded font as an `ab_glyph` font (`None` if it does not parse, in which case
/// [`ensure_registered`] has already failed).
pub(crate) fn glyphs() -> Option<&'static ab_glyph::FontRef<'static>> {
    GLYPHS
        .get_or_init(|| ab_glyph::FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// The outcome of the one registration.
static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();

/// Registers the embedded font under [`FAMILY`] and under `"sans-serif"` (plotters' default
/// family, in case a default style slips through), once.
///
/// # Errors
///
/// [`ReportError::Font`] when the font bytes cannot be parsed.
pub(crate) fn ensure_registered() -> Result<(), ReportError> {
    REGISTERED
        .get_or_init(|| {
            for name in [FAMILY, "sans-serif"] {
                for style in [FontStyle::Normal, FontStyle::Bold] {
                    register_font(name, style, FONT_BYTES).map_err(|_| {
                        "the embedded DejaVuSans.ttf is not a valid OpenType font".to_owned()
                    })?;
                }
            }
            Ok(())
        })
        .clone()
        .map_err(|detail| ReportError::Font { detail })
}
