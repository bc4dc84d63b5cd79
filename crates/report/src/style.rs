//! Colours, text styles and the sequential and diverging colour maps shared by every figure.

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

/// A diverging blue–white–red scale (ColorBrewer's RdBu, reversed), sampled at eleven equally
/// spaced points: negative values blue, zero white, positive values red.
const DIVERGING: [(u8, u8, u8); 11] = [
    (0x05, 0x30, 0x61),
    (0x21, 0x66, 0xac),
    (0x43, 0x93, 0xc3),
    (0x92, 0xc5, 0xde),
    (0xd1, 0xe5, 0xf0),
    (0xf7, 0xf7, 0xf7),
    (0xfd, 0xdb, 0xc7),
    (0xf4, 0xa5, 0x82),
    (0xd6, 0x60, 0x4d),
    (0xb2, 0x18, 0x2b),
    (0x67, 0x00, 0x1f),
];

/// The viridis colour at `t` in `[0, 1]` (clamped; NaN maps to the low end), linearly
/// interpolated between the samples.
pub(crate) fn viridis(t: f64) -> RGBColor {
    interpolate(&VIRIDIS, t)
}

/// The diverging colour at `t` in `[0, 1]` (clamped; NaN maps to the middle, white): 0 is dark
/// blue, ½ white, 1 dark red.
pub(crate) fn diverging(t: f64) -> RGBColor {
    interpolate(&DIVERGING, if t.is_nan() { 0.5 } else { t })
}

/// The colour at `t` in `[0, 1]` of a map sampled at equally spaced `samples` (at least two).
fn interpolate(samples: &[(u8, u8, u8)], t: f64) -> RGBColor {
    let t = if t.is_nan() { 0.0 } else { t.clamp(0.0, 1.0) };
    let scaled = t * (samples.len() - 1) as f64;
    let i = (scaled.floor() as usize).min(samples.len() - 2);
    let f = scaled - i as f64;
    let (a, b) = (samples[i], samples[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + f * (f64::from(y) - f64::from(x))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diverging_is_white_at_zero_and_tells_signs_apart() {
        assert_eq!(diverging(0.5), RGBColor(0xf7, 0xf7, 0xf7));
        assert_eq!(diverging(f64::NAN), diverging(0.5));
        let (neg, pos) = (diverging(0.1), diverging(0.9));
        assert!(neg.2 > neg.0, "negative values are blue: {neg:?}");
        assert!(pos.0 > pos.2, "positive values are red: {pos:?}");
        assert_eq!(diverging(-3.0), diverging(0.0));
        assert_eq!(diverging(7.0), RGBColor(0x67, 0x00, 0x1f));
    }

    #[test]
    fn viridis_keeps_its_ends() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xfd, 0xe7, 0x25));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }
}
