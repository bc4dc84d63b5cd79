//! The neuron × time heatmap of per-neuron MI, with its colour bar and the task epochs.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::chart::{Epoch, draw_path, epoch_names, titled, top_margin};
use crate::format;
use crate::legend::{Dash, err};
use crate::style::{self, GRID_BOLD, MISSING};

/// Colour levels: cells of equal level next to each other are drawn as one rectangle.
const LEVELS: f64 = 96.0;
/// Width of the colour-bar strip, px.
const BAR_STRIP: u32 = 140;

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

    /// The colour scale's range: from min(0, smallest) to the largest finite value.
    fn scale(&self) -> (f64, f64) {
        let (lo, hi) =
            format::finite_min_max(self.rows.iter().flatten().copied()).unwrap_or((0.0, 1.0));
        let lo = lo.min(0.0);
        if hi > lo { (lo, hi) } else { (lo, lo + 1.0) }
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

/// The colour of the placeholder rectangle (not a viridis colour, so it cannot clash).
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
        .x_labels(9)
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
    let plot_top = ctx.backend_coord(&(0.0, n_rows as f64)).1;
    epoch_names(&main, &spans, plot_top)?;
    rank_ticks(&main, n_rows, |row_centre| {
        ctx.backend_coord(&(0.0, row_centre))
    })?;
    draw_bar(&bar, &map.bar_desc, (lo, hi), top)
}

/// Labels rows by rank from the top (1 = top row) at round steps, left of the plot.
fn rank_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    n_rows: usize,
    to_px: impl Fn(f64) -> (i32, i32),
) -> Result<(), String> {
    let step = [
        1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000,
    ]
    .into_iter()
    .find(|s| n_rows / s <= 8)
    .unwrap_or(n_rows.div_ceil(8).max(1));
    let (bx, by) = area.get_base_pixel();
    let label_style = style::anchored(14.0, HPos::Right, VPos::Center);
    let ranks: std::collections::BTreeSet<usize> = std::iter::once(1)
        .chain((step..=n_rows).step_by(step))
        .collect();
    for rank in ranks {
        let (px, py) = to_px(n_rows as f64 - rank as f64 + 0.5);
        let (px, py) = (px - bx, py - by);
        area.draw(&PathElement::new(
            vec![(px - 5, py), (px, py)],
            style::INK.stroke_width(1),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            rank.to_string(),
            (px - 8, py),
            label_style.clone(),
        ))
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
            pa.draw(&Rectangle::new(corners, colour(row[start]).filled()))?;
            start = end;
        }
    }
    Ok(())
}

/// Replaces the placeholder rectangle of an SVG drawn with [`Cells::Placeholder`] by an
/// `<image>` holding the cells as a PNG data URI (one pixel per cell, scaled without
/// smoothing), which keeps large matrices small.
pub(crate) fn embed_cells(svg: &str, map: &Heatmap) -> Result<String, String> {
    let marker = format!(
        "fill=\"#{:02X}{:02X}{:02X}\"",
        PLACEHOLDER.0, PLACEHOLDER.1, PLACEHOLDER.2
    );
    let at = svg
        .find(&marker)
        .ok_or("the heatmap placeholder is missing")?;
    let start = svg[..at]
        .rfind("<rect")
        .ok_or("the heatmap placeholder is not a rect")?;
    let end = at
        + svg[at..]
            .find("/>")
            .ok_or("the heatmap placeholder is not closed")?
        + 2;
    let tag = &svg[start..end];
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
            let c = colour(*l);
            pixels.extend([c.0, c.1, c.2]);
        }
    }
    if levels.is_empty() {
        pixels.extend(std::iter::repeat_n([MISSING.0, MISSING.1, MISSING.2], n_cols).flatten());
    }
    let png = crate::render::encode_png(&pixels, (n_cols as u32, n_rows as u32))?;
    let image = format!(
        "<image x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" href=\"data:image/png;base64,{}\"/>",
        attr("x")?,
        attr("y")?,
        attr("width")?,
        attr("height")?,
        format::base64(&png)
    );
    Ok(format!("{}{image}{}", &svg[..start], &svg[end..]))
}

/// The colour of a level (grey for a missing value).
fn colour(level: Option<i64>) -> RGBColor {
    level.map_or(MISSING, |l| style::viridis(l as f64 / LEVELS))
}

/// The colour level of `v` on the scale `lo..hi`.
fn level(v: f64, lo: f64, hi: f64) -> i64 {
    (((v - lo) / (hi - lo)).clamp(0.0, 1.0) * LEVELS).round() as i64
}

/// A vertical colour bar for the range `lo..hi`, labelled `desc`, `top` px below the top of
/// `area` (to line up with the plot beside it).
pub(crate) fn draw_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    desc: &str,
    (lo, hi): (f64, f64),
    top: i32,
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
            style::viridis(0.5 * (f0 + f1)).filled(),
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
