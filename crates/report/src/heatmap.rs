//! Heatmaps with a colour bar: the neuron × time map of per-neuron MI (viridis, task epochs,
//! rows by rank) and weight matrices (a diverging scale symmetric around 0, rows and columns
//! named by neuron, the diagonal blocks of a permutation structure outlined).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::chart::{Epoch, draw_path, epoch_names, titled, top_margin};
use crate::format;
use crate::legend::{Dash, err};
use crate::style::{self, GRID_BOLD, INK, MISSING};

/// Colour levels: cells of equal level next to each other are drawn as one rectangle.
const LEVELS: f64 = 96.0;
/// Width of the colour-bar strip, px.
const BAR_STRIP: u32 = 140;

/// How values map to colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum ColorScale {
    /// Viridis from the low to the high end of the range (MI and other non-negative values).
    #[default]
    Sequential,
    /// Blue–white–red over a range symmetric around 0, white at 0 (signed values such as
    /// weights).
    Diverging,
}

impl ColorScale {
    /// The colour at `t` in `[0, 1]` of the range.
    pub(crate) fn color(self, t: f64) -> RGBColor {
        match self {
            Self::Sequential => style::viridis(t),
            Self::Diverging => style::diverging(t),
        }
    }
}

/// Names of the rows (top first) and columns (left first), written beside the cells' centres:
/// a matrix, instead of a time axis and ranked rows.
#[derive(Clone, Debug)]
pub(crate) struct CellLabels {
    /// One name per row.
    pub rows: Vec<String>,
    /// One name per column.
    pub columns: Vec<String>,
}

/// A matrix drawn as coloured cells, rows top to bottom.
#[derive(Clone, Debug)]
pub(crate) struct Heatmap {
    /// X axis label (with unit).
    pub x_desc: String,
    /// Y axis label.
    pub y_desc: String,
    /// Colour-bar label (with unit).
    pub bar_desc: String,
    /// The x width of one column (the time step, ms).
    pub dx: f64,
    /// The rows, top first, in display units; non-finite cells are drawn grey.
    pub rows: Vec<Vec<f64>>,
    /// The number of leading rows of the first group (the active neurons), when the rows come
    /// in two groups; a white line separates them.
    pub split: Option<usize>,
    /// Task epochs: boundaries drawn as lines, names above the plot.
    pub epochs: Vec<Epoch>,
    /// The colour scale.
    pub colors: ColorScale,
    /// A fixed colour range (shared between panels); otherwise from the values: min(0,
    /// smallest) to the largest for [`ColorScale::Sequential`], ±(largest magnitude) for
    /// [`ColorScale::Diverging`].
    pub range: Option<(f64, f64)>,
    /// Row and column names (a matrix); `None`: the x axis is time in steps of `dx`, the rows
    /// are ranked from the top.
    pub labels: Option<CellLabels>,
    /// Sizes of square diagonal blocks, top-left first, outlined (the cycles of a permutation
    /// structure); empty for none.
    pub blocks: Vec<usize>,
}

impl Heatmap {
    /// The number of columns: the longest row's length, at least 1.
    fn n_cols(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0).max(1)
    }

    /// The colour level of every cell (`None` for a missing or non-finite value), rows padded
    /// to [`Heatmap::n_cols`].
    fn levels(&self) -> Vec<Vec<Option<i64>>> {
        let (lo, hi) = self.scale();
        let n_cols = self.n_cols();
        self.rows
            .iter()
            .map(|row| {
                (0..n_cols)
                    .map(|t| {
                        row.get(t)
                            .copied()
                            .filter(|v| v.is_finite())
                            .map(|v| level(v, lo, hi))
                    })
                    .collect()
            })
            .collect()
    }

    /// The colour scale's range: the fixed one when it is finite and increasing, otherwise
    /// from the finite values (see [`Heatmap::range`]).
    pub(crate) fn scale(&self) -> (f64, f64) {
        if let Some(range) = self
            .range
            .filter(|(lo, hi)| lo.is_finite() && hi.is_finite() && format::increasing(*lo, *hi))
        {
            return range;
        }
        let (lo, hi) =
            format::finite_min_max(self.rows.iter().flatten().copied()).unwrap_or((0.0, 1.0));
        match self.colors {
            ColorScale::Sequential => {
                let lo = lo.min(0.0);
                if hi > lo { (lo, hi) } else { (lo, lo + 1.0) }
            }
            ColorScale::Diverging => {
                let m = lo.abs().max(hi.abs());
                if m > 0.0 { (-m, m) } else { (-1.0, 1.0) }
            }
        }
    }

    /// The colour of a level (grey for a missing value).
    fn colour(&self, level: Option<i64>) -> RGBColor {
        level.map_or(MISSING, |l| self.colors.color(l as f64 / LEVELS))
    }
}

/// How the cells are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cells {
    /// One rectangle per run of equal colour (bitmaps).
    Rectangles,
    /// A [`PLACEHOLDER`]-coloured rectangle, for [`embed_cells`] to replace (SVG).
    Placeholder,
}

/// The colour of the placeholder rectangle (on no colour scale, so it cannot clash).
const PLACEHOLDER: RGBColor = RGBColor(1, 2, 3);

/// Draws `map` with `title` into `area`, its cells as `cells_as` says.
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    map: &Heatmap,
    title: &str,
    cells_as: Cells,
) -> Result<(), String> {
    let body = titled(area, title)?;
    let top = top_margin(&map.epochs);
    let (width, _) = body.dim_in_pixel();
    let (main, bar) = body.split_horizontally(width.saturating_sub(BAR_STRIP) as i32);
    let n_rows = map.rows.len().max(1);
    let n_cols = map.n_cols();
    let x_max = n_cols as f64 * map.dx;
    let (lo, hi) = map.scale();
    let labelled = map.labels.is_some();
    let mut ctx = ChartBuilder::on(&main)
        .margin(12)
        .margin_top(top)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(0.0..x_max, 0.0..n_rows as f64)
        .map_err(err)?;
    ctx.configure_mesh()
        .disable_mesh()
        .x_desc(map.x_desc.as_str())
        .y_desc(map.y_desc.as_str())
        .axis_desc_style(style::text(17.0))
        .label_style(style::text(15.0))
        .x_label_formatter(&|v| format::tick(*v))
        .x_labels(if labelled { 0 } else { 9 })
        .y_labels(0)
        .draw()
        .map_err(err)?;
    let pa = ctx.plotting_area();
    let cells = [(0.0, 0.0), (x_max, n_rows as f64)];
    match cells_as {
        // One placeholder rectangle, replaced by an embedded image of the cells afterwards.
        Cells::Placeholder => pa.draw(&Rectangle::new(cells, PLACEHOLDER.filled())),
        Cells::Rectangles => draw_cells(pa, map, n_cols),
    }
    .map_err(err)?;
    if let Some(split) = map.split.filter(|s| *s > 0 && *s < map.rows.len()) {
        let y = (n_rows - split) as f64;
        draw_path(
            pa,
            vec![(0.0, y), (x_max, y)],
            Dash::Solid,
            WHITE.stroke_width(2),
        )?;
    }
    let mut spans = vec![];
    for epoch in &map.epochs {
        let (x0, x1) = (epoch.x0.max(0.0), epoch.x1.min(x_max));
        if !format::increasing(x0, x1) {
            continue;
        }
        if x0 > 0.0 {
            draw_path(
                pa,
                vec![(x0, 0.0), (x0, n_rows as f64)],
                Dash::Dashed,
                WHITE.stroke_width(1),
            )?;
        }
        let (left, _) = ctx.backend_coord(&(x0, n_rows as f64));
        let (right, _) = ctx.backend_coord(&(x1, n_rows as f64));
        spans.push((epoch.name.clone(), left, right));
    }
    let mut start = 0;
    for &size in map.blocks.iter().filter(|s| **s > 0) {
        let end = (start + size).min(n_rows).min(n_cols);
        if end <= start {
            break;
        }
        let corners = [
            (start as f64 * map.dx, (n_rows - end) as f64),
            (end as f64 * map.dx, (n_rows - start) as f64),
        ];
        pa.draw(&Rectangle::new(corners, INK.stroke_width(2)))
            .map_err(err)?;
        start = end;
    }
    let plot_top = ctx.backend_coord(&(0.0, n_rows as f64)).1;
    epoch_names(&main, &spans, plot_top)?;
    let row_px = |row_centre| ctx.backend_coord(&(0.0, row_centre));
    match &map.labels {
        None => {
            let step = tick_step(n_rows);
            let ranks: std::collections::BTreeSet<usize> = std::iter::once(1)
                .chain((step..=n_rows).step_by(step))
                .collect();
            let ticks = ranks
                .into_iter()
                .map(|rank| (n_rows as f64 - rank as f64 + 0.5, rank.to_string()));
            row_ticks(&main, ticks, row_px)?;
        }
        Some(labels) => {
            let step = tick_step(n_rows);
            let ticks = (0..n_rows)
                .step_by(step)
                .filter_map(|r| Some(((n_rows - r) as f64 - 0.5, labels.rows.get(r)?.clone())));
            row_ticks(&main, ticks, row_px)?;
            let step = tick_step(n_cols);
            let ticks = (0..n_cols).step_by(step).filter_map(|c| {
                let px = ctx.backend_coord(&((c as f64 + 0.5) * map.dx, 0.0));
                Some((px, labels.columns.get(c)?.clone()))
            });
            column_ticks(&main, ticks)?;
        }
    }
    draw_bar(&bar, &map.bar_desc, (lo, hi), top, map.colors)
}

/// A round step between labelled rows (or columns) so that at most about eight of `n` are
/// labelled.
fn tick_step(n: usize) -> usize {
    [
        1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000,
    ]
    .into_iter()
    .find(|s| n / s <= 8)
    .unwrap_or(n.div_ceil(8).max(1))
}

/// Writes `(row centre, label)` ticks left of the plot; `to_px` places a row centre.
fn row_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ticks: impl Iterator<Item = (f64, String)>,
    to_px: impl Fn(f64) -> (i32, i32),
) -> Result<(), String> {
    let (bx, by) = area.get_base_pixel();
    let label_style = style::anchored(14.0, HPos::Right, VPos::Center);
    for (centre, label) in ticks {
        let (px, py) = to_px(centre);
        let (px, py) = (px - bx, py - by);
        area.draw(&PathElement::new(
            vec![(px - 5, py), (px, py)],
            INK.stroke_width(1),
        ))
        .map_err(err)?;
        area.draw(&Text::new(label, (px - 8, py), label_style.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// Writes `(absolute pixel of a column's bottom centre, label)` ticks under the plot.
fn column_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ticks: impl Iterator<Item = ((i32, i32), String)>,
) -> Result<(), String> {
    let (bx, by) = area.get_base_pixel();
    let label_style = style::anchored(14.0, HPos::Center, VPos::Top);
    for ((px, py), label) in ticks {
        let (px, py) = (px - bx, py - by);
        area.draw(&PathElement::new(
            vec![(px, py), (px, py + 5)],
            INK.stroke_width(1),
        ))
        .map_err(err)?;
        area.draw(&Text::new(label, (px, py + 8), label_style.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// Draws the cells as rectangles, one per run of equal colour within a row.
fn draw_cells<DB, CT>(
    pa: &DrawingArea<DB, CT>,
    map: &Heatmap,
    n_cols: usize,
) -> Result<(), plotters::drawing::DrawingAreaErrorKind<DB::ErrorType>>
where
    DB: DrawingBackend,
    CT: plotters::coord::CoordTranslate<From = (f64, f64)>,
{
    let n_rows = map.rows.len().max(1);
    for (r, row) in map.levels().iter().enumerate() {
        let (y0, y1) = ((n_rows - r - 1) as f64, (n_rows - r) as f64);
        let mut start = 0;
        while start < n_cols {
            let mut end = start + 1;
            while end < n_cols && row[end] == row[start] {
                end += 1;
            }
            let corners = [(start as f64 * map.dx, y0), (end as f64 * map.dx, y1)];
            pa.draw(&Rectangle::new(corners, map.colour(row[start]).filled()))?;
            start = end;
        }
    }
    Ok(())
}

/// Replaces the placeholder rectangles of an SVG drawn with [`Cells::Placeholder`], in the
/// order they were drawn, by an `<image>` each holding the cells of the matching map of `maps`
/// as a PNG data URI (one pixel per cell, scaled without smoothing), which keeps large
/// matrices small.
pub(crate) fn embed_cells(svg: &str, maps: &[&Heatmap]) -> Result<String, String> {
    let marker = format!(
        "fill=\"#{:02X}{:02X}{:02X}\"",
        PLACEHOLDER.0, PLACEHOLDER.1, PLACEHOLDER.2
    );
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    for map in maps {
        let at = rest
            .find(&marker)
            .ok_or("a heatmap placeholder is missing")?;
        let start = rest[..at]
            .rfind("<rect")
            .ok_or("the heatmap placeholder is not a rect")?;
        let end = at
            + rest[at..]
                .find("/>")
                .ok_or("the heatmap placeholder is not closed")?
            + 2;
        out.push_str(&rest[..start]);
        out.push_str(&cells_image(&rest[start..end], map)?);
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The `<image>` of `map`'s cells in the place of the placeholder rectangle `tag`.
fn cells_image(tag: &str, map: &Heatmap) -> Result<String, String> {
    let attr = |name: &str| -> Result<&str, String> {
        let key = format!(" {name}=\"");
        let from = tag
            .find(&key)
            .ok_or(format!("placeholder without {name}"))?
            + key.len();
        let len = tag[from..]
            .find('"')
            .ok_or(format!("placeholder {name} unterminated"))?;
        Ok(&tag[from..from + len])
    };
    let n_cols = map.n_cols();
    let n_rows = map.rows.len().max(1);
    let mut pixels = Vec::with_capacity(n_cols * n_rows * 3);
    let levels = map.levels();
    for row in &levels {
        for l in row {
            let c = map.colour(*l);
            pixels.extend([c.0, c.1, c.2]);
        }
    }
    if levels.is_empty() {
        pixels.extend(std::iter::repeat_n([MISSING.0, MISSING.1, MISSING.2], n_cols).flatten());
    }
    let png = crate::render::encode_png(&pixels, (n_cols as u32, n_rows as u32))?;
    Ok(format!(
        "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{}\"/>",
        attr("x")?,
        attr("y")?,
        attr("width")?,
        attr("height")?,
        format::base64(&png)
    ))
}

/// The colour level of `v` on the scale `lo..hi`.
fn level(v: f64, lo: f64, hi: f64) -> i64 {
    (((v - lo) / (hi - lo)).clamp(0.0, 1.0) * LEVELS).round() as i64
}

/// A vertical colour bar of `colors` for the range `lo..hi`, labelled `desc`, `top` px below
/// the top of `area` (to line up with the plot beside it).
pub(crate) fn draw_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    desc: &str,
    (lo, hi): (f64, f64),
    top: i32,
    colors: ColorScale,
) -> Result<(), String> {
    let mut ctx = ChartBuilder::on(area)
        .margin(12)
        .margin_top(top)
        .margin_left(4)
        .margin_right(4)
        .x_label_area_size(52)
        .right_y_label_area_size(72)
        .build_cartesian_2d(0.0..1.0, lo..hi)
        .map_err(err)?;
    ctx.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_desc(desc)
        .axis_desc_style(style::text(15.0))
        .label_style(style::text(13.0))
        .y_label_formatter(&|v| format::tick(*v))
        .y_labels(6)
        .draw()
        .map_err(err)?;
    let steps = 128;
    let pa = ctx.plotting_area();
    for i in 0..steps {
        let f0 = i as f64 / steps as f64;
        let f1 = (i + 1) as f64 / steps as f64;
        let (y0, y1) = (lo + f0 * (hi - lo), lo + f1 * (hi - lo));
        pa.draw(&Rectangle::new(
            [(0.0, y0), (1.0, y1)],
            colors.color(0.5 * (f0 + f1)).filled(),
        ))
        .map_err(err)?;
    }
    pa.draw(&Rectangle::new(
        [(0.0, lo), (1.0, hi)],
        GRID_BOLD.stroke_width(1),
    ))
    .map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::tests::has_text;
    use crate::render::{FigureSpec, Kind, Panel, to_figure};

    fn matrix(rows: Vec<Vec<f64>>, colors: ColorScale, range: Option<(f64, f64)>) -> Heatmap {
        let n = rows.len();
        let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
        Heatmap {
            x_desc: "from (index)".to_owned(),
            y_desc: "to (index)".to_owned(),
            bar_desc: "W (dimensionless)".to_owned(),
            dx: 1.0,
            rows,
            split: None,
            epochs: vec![],
            colors,
            range,
            labels: Some(CellLabels {
                rows: names.clone(),
                columns: names,
            }),
            blocks: vec![2, 1],
        }
    }

    #[test]
    fn a_diverging_scale_is_symmetric_and_white_at_zero() {
        let map = matrix(vec![vec![-1.0, 0.0, 3.0]; 3], ColorScale::Diverging, None);
        assert_eq!(map.scale(), (-3.0, 3.0));
        let levels = map.levels();
        assert_eq!(map.colour(levels[0][1]), style::diverging(0.5));
        let (neg, pos) = (map.colour(levels[0][0]), map.colour(levels[0][2]));
        assert!(neg.2 > neg.0 && pos.0 > pos.2, "{neg:?} {pos:?}");
        assert_eq!(map.colour(None), MISSING);
        let fixed = matrix(vec![vec![0.5]], ColorScale::Diverging, Some((-2.0, 2.0)));
        assert_eq!(fixed.scale(), (-2.0, 2.0));
        let zeros = matrix(vec![vec![0.0]], ColorScale::Diverging, None);
        assert_eq!(zeros.scale(), (-1.0, 1.0));
        let sequential = matrix(vec![vec![1.0, 2.0]], ColorScale::Sequential, None);
        assert_eq!(sequential.scale(), (0.0, 2.0));
    }

    #[test]
    fn every_heatmap_panel_gets_its_own_image_and_labels() {
        assert!(crate::font::ensure_registered().is_ok());
        let panels = vec![
            (
                "a".to_owned(),
                Panel::Heatmap(matrix(
                    vec![vec![1.0, -1.0, 0.0]; 3],
                    ColorScale::Diverging,
                    None,
                )),
            ),
            (
                "b".to_owned(),
                Panel::Heatmap(matrix(vec![vec![0.0, 2.0]; 2], ColorScale::Diverging, None)),
            ),
        ];
        let spec = FigureSpec {
            name: "grid".to_owned(),
            title: "two matrices".to_owned(),
            caption: String::new(),
            size: (900, 400),
            kind: Kind::Grid { columns: 2, panels },
        };
        let svg = match to_figure(&spec) {
            Ok(f) => f.svg,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(svg.matches("<image ").count(), 2);
        assert!(!svg.contains("#010203"), "every placeholder replaced");
        for name in ["n0", "n1", "n2"] {
            assert!(has_text(&svg, name), "{name}");
        }
        // One matrix too many for the placeholders drawn is an error, not a panic.
        let map = matrix(vec![vec![1.0]], ColorScale::Diverging, None);
        assert!(embed_cells(&svg, &[&map]).is_err());
    }
}
