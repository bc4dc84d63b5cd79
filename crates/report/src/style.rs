//! Colours, text styles and the sequential colour map shared by every figure.

use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBColor, TextStyle};

use crate::font::FAMILY;

/// Text colour.
pub(crate) const INK: RGBColor = RGBColor(30, 30, 30);
/// Reference lines (ceilings, SNR = 1).
pub(crate) const GREY: RGBColor = RGBColor(120, 120, 120);
/// Major grid lines.
pub(crate) const GRID_BOLD: RGBColor = RGBColor(218, 218, 218);
/// Minor grid lines.
pub(crate) const GRID_LIGHT: RGBColor = RGBColor(240, 240, 240);
/// Non-finite cells of a heatmap.
pub(crate) const MISSING: RGBColor = RGBColor(205, 205, 205);

/// A qualitative, colour-blind-safe palette (Okabe–Ito, then two Tableau colours).
const PALETTE: [RGBColor; 9] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(230, 159, 0),   // orange
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(148, 103, 189), // purple
    RGBColor(140, 86, 75),   // brown
    RGBColor(0, 0, 0),       // black
];

/// The `i`-th colour of the palette, cycling.
pub(crate) fn palette(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Shades of the task-epoch bands, alternating.
pub(crate) fn epoch_shade(i: usize) -> RGBColor {
    if i.is_multiple_of(2) {
        RGBColor(236, 236, 236)
    } else {
        RGBColor(247, 247, 247)
    }
}

/// A text style of the embedded font at `size` (plotters units: the SVG font size is
/// `size / 1.24` px).
pub(crate) fn text(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::Name(FAMILY),
        size,
        FontStyle::Normal,
    ))
    .color(&INK)
}

/// [`text`] in bold.
pub(crate) fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from(FontDesc::new(
        FontFamily::Name(FAMILY),
        size,
        FontStyle::Bold,
    ))
    .color(&INK)
}

/// [`text`] anchored at `h`, `v`.
pub(crate) fn anchored(size: f64, h: HPos, v: VPos) -> TextStyle<'static> {
    text(size).pos(Pos::new(h, v))
}

/// Viridis (matplotlib's), sampled at nine equally spaced points.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (0x44, 0x01, 0x54),
    (0x47, 0x2c, 0x7a),
    (0x3b, 0x51, 0x8b),
    (0x2c, 0x71, 0x8e),
    (0x21, 0x90, 0x8d),
    (0x27, 0xad, 0x81),
    (0x5c, 0xc8, 0x63),
    (0xaa, 0xdc, 0x32),
    (0xfd, 0xe7, 0x25),
];

/// The viridis colour at `t` in `[0, 1]` (clamped; NaN maps to the low end), linearly
/// interpolated between the samples.
pub(crate) fn viridis(t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let scaled = t * (VIRIDIS.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(VIRIDIS.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + f * (f64::from(y) - f64::from(x))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}
