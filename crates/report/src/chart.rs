//! Line charts: curves over time or training steps, with shaded bound bands, reference lines,
//! task epochs, scattered markers and error bars; linear or logarithmic axes. Points that are not finite
//! (or not positive on a logarithmic axis) break a line, or are left out of a scatter, rather
//! than reach the drawing library.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::format;
use crate::legend::{self, Dash, Entry, Glyph, Shape, draw_marker_px, err, point_fill};
use crate::style::{self, GREY, GRID_BOLD, GRID_LIGHT};

/// One line.
#[derive(Clone, Debug)]
pub(crate) struct Series {
    /// Legend label; `None` keeps it out of the legend.
    pub label: Option<String>,
    /// Colour.
    pub color: RGBColor,
    /// Stroke.
    pub dash: Dash,
    /// Width, px.
    pub width: u32,
    /// `(x, y)` in display units; non-finite values are gaps.
    pub points: Vec<(f64, f64)>,
}

/// Markers without a line: the points of a scatter, drawn over the bands and under the lines.
#[derive(Clone, Debug)]
pub(crate) struct Scatter {
    /// Legend label; `None` keeps it out of the legend.
    pub label: Option<String>,
    /// Fill and outline colour.
    pub color: RGBColor,
    /// Marker shape.
    pub shape: Shape,
    /// `(x, y)` in display units; points that cannot be placed are left out.
    pub points: Vec<(f64, f64)>,
}

/// A shaded region between two curves with the same x values (a lower and an upper bound).
#[derive(Clone, Debug)]
pub(crate) struct Band {
    /// Colour (drawn translucent).
    pub color: RGBColor,
    /// `(x, lower)` per point.
    pub lower: Vec<(f64, f64)>,
    /// `(x, upper)` per point.
    pub upper: Vec<(f64, f64)>,
}

/// Vertical error bars (a mean ± its spread), one per point, each with short caps; drawn over
/// the scatters and under the lines.
#[derive(Clone, Debug)]
pub(crate) struct ErrorBars {
    /// Colour.
    pub color: RGBColor,
    /// `(x, lower, upper)` per bar in display units; a bar that cannot be placed is left out.
    pub bars: Vec<(f64, f64, f64)>,
}

/// A labelled horizontal reference line (a ceiling such as H(X)).
#[derive(Clone, Debug)]
pub(crate) struct HLine {
    /// Label, drawn at the line's right end and in the legend.
    pub label: String,
    /// Height in display units.
    pub y: f64,
}

/// A task epoch on the x axis.
#[derive(Clone, Debug)]
pub(crate) struct Epoch {
    /// Its name, written at the top of the band.
    pub name: String,
    /// Start, x units.
    pub x0: f64,
    /// End, x units.
    pub x1: f64,
}

/// A line chart.
#[derive(Clone, Debug, Default)]
pub(crate) struct LineChart {
    /// X axis label (with its unit).
    pub x_desc: String,
    /// Y axis label (with its unit).
    pub y_desc: String,
    /// Logarithmic x axis.
    pub x_log: bool,
    /// Logarithmic y axis.
    pub y_log: bool,
    /// The lines.
    pub series: Vec<Series>,
    /// Shaded bands, drawn under the lines.
    pub bands: Vec<Band>,
    /// Scattered markers, drawn under the lines.
    pub scatter: Vec<Scatter>,
    /// Error bars, drawn over the markers and under the lines.
    pub errors: Vec<ErrorBars>,
    /// Reference lines.
    pub hlines: Vec<HLine>,
    /// Task epochs, shaded behind everything.
    pub epochs: Vec<Epoch>,
    /// A fixed x range (otherwise from the data).
    pub x_range: Option<(f64, f64)>,
    /// A fixed y range (otherwise from the data).
    pub y_range: Option<(f64, f64)>,
    /// Whether a linear y range includes 0.
    pub y_from_zero: bool,
    /// A note written in the middle of the plot (e.g. "no finite values").
    pub note: Option<String>,
}

/// Where a chart's legend goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum LegendAt {
    /// A strip this many px wide at the right.
    Right(u32),
    /// Rows under the chart in this many columns.
    Below(usize),
}

impl LineChart {
    /// Whether `(x, y)` can be placed on this chart's axes.
    pub(crate) fn valid(&self, (x, y): (f64, f64)) -> bool {
        x.is_finite() && y.is_finite() && (!self.x_log || x > 0.0) && (!self.y_log || y > 0.0)
    }

    /// All x values that should fit on the axis.
    fn xs(&self) -> Vec<f64> {
        let mut xs: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        xs.extend(self.bands.iter().flat_map(|b| b.upper.iter().map(|p| p.0)));
        xs.extend(
            self.scatter
                .iter()
                .flat_map(|s| s.points.iter().map(|p| p.0)),
        );
        xs.extend(self.errors.iter().flat_map(|e| e.bars.iter().map(|b| b.0)));
        xs
    }

    /// All y values that should fit on the axis.
    fn ys(&self) -> Vec<f64> {
        let mut ys: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().filter(|p| p.0.is_finite()).map(|p| p.1))
            .collect();
        ys.extend(
            self.bands
                .iter()
                .flat_map(|b| b.lower.iter().chain(&b.upper).map(|p| p.1)),
        );
        ys.extend(
            self.scatter
                .iter()
                .flat_map(|s| s.points.iter().filter(|p| p.0.is_finite()).map(|p| p.1)),
        );
        ys.extend(self.errors.iter().flat_map(|e| {
            e.bars
                .iter()
                .filter(|b| b.0.is_finite())
                .flat_map(|b| [b.1, b.2])
        }));
        ys.extend(self.hlines.iter().map(|h| h.y));
        ys
    }

    /// The x range: fixed, or the data's, padded.
    pub(crate) fn x_bounds(&self) -> (f64, f64) {
        self.x_range.unwrap_or_else(|| {
            let xs = self.xs();
            if self.x_log {
                format::log_range(xs)
            } else {
                // Time axes start where the data start: no padding beyond the data's ends.
                match format::finite_min_max(xs.iter().copied()) {
                    Some((lo, hi)) if format::increasing(lo, hi) => (lo, hi),
                    _ => {
                        let (lo, hi) = format::linear_range(xs, false);
                        let pad = (hi - lo) / 1.1 * 0.05;
                        (lo + pad, hi - pad)
                    }
                }
            }
        })
    }

    /// The y range: fixed, or the data's, padded.
    pub(crate) fn y_bounds(&self) -> (f64, f64) {
        self.y_range.unwrap_or_else(|| {
            if self.y_log {
                format::log_range(self.ys())
            } else {
                format::linear_range(self.ys(), self.y_from_zero)
            }
        })
    }

    /// The legend rows: labelled series, then labelled scatters, then reference lines.
    pub(crate) fn legend_entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = self
            .series
            .iter()
            .filter_map(|s| {
                let label = s.label.clone()?;
                let glyph = Glyph::Line {
                    color: s.color,
                    dash: s.dash,
                    width: s.width,
                };
                Some(Entry { label, glyph })
            })
            .collect();
        entries.extend(self.scatter.iter().filter_map(|s| {
            let label = s.label.clone()?;
            let glyph = Glyph::Point {
                color: s.color,
                shape: s.shape,
            };
            Some(Entry { label, glyph })
        }));
        entries.extend(self.hlines.iter().map(|h| Entry {
            label: h.label.clone(),
            glyph: Glyph::Line {
                color: GREY,
                dash: Dash::Dashed,
                width: 1,
            },
        }));
        entries
    }

    /// Splits `points` into runs of valid points.
    fn runs(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let mut runs = vec![];
        let mut current = vec![];
        for &p in points {
            if self.valid(p) {
                current.push(p);
            } else if !current.is_empty() {
                runs.push(std::mem::take(&mut current));
            }
        }
        if !current.is_empty() {
            runs.push(current);
        }
        runs
    }
}

/// Draws `chart` with `title` into `area`, its legend at `legend_at`.
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    title: &str,
    legend_at: LegendAt,
) -> Result<(), String> {
    let entries = chart.legend_entries();
    let body = titled(area, title)?;
    let top = top_margin(&chart.epochs);
    let (width, height) = body.dim_in_pixel();
    let (plot_area, legend_area, columns) = match legend_at {
        LegendAt::Right(w) => {
            let (a, b) = body.split_horizontally(width.saturating_sub(w) as i32);
            (a, b.margin(top, 0, 0, 0), 1)
        }
        LegendAt::Below(columns) => {
            let h = legend::height(entries.len(), columns);
            let (a, b) = body.split_vertically(height.saturating_sub(h) as i32);
            (a, b.margin(0, 0, 70, 10), columns)
        }
    };
    let (x, y) = (chart.x_bounds(), chart.y_bounds());
    let (a, c) = (&plot_area, chart);
    match (chart.x_log, chart.y_log) {
        (false, false) => plot(a, c, x.0..x.1, y.0..y.1, x, y),
        (true, false) => plot(a, c, (x.0..x.1).log_scale(), y.0..y.1, x, y),
        (false, true) => plot(a, c, x.0..x.1, (y.0..y.1).log_scale(), x, y),
        (true, true) => plot(a, c, (x.0..x.1).log_scale(), (y.0..y.1).log_scale(), x, y),
    }?;
    legend::draw(&legend_area, &entries, columns)
}

/// Draws `title` at the top of `area`, shortened with "…" to fit its width, and returns the
/// area below it.
pub(crate) fn titled<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    let title_style = style::bold(19.0);
    let room = area.dim_in_pixel().0.saturating_sub(16);
    let title = legend::fit(area, title, &title_style, room)?;
    area.margin(8, 0, 0, 0)
        .titled(&title, title_style)
        .map_err(err)
}

/// The space above a plot: room for the epoch names when there are epochs.
pub(crate) fn top_margin(epochs: &[Epoch]) -> i32 {
    if epochs.is_empty() { 10 } else { 30 }
}

/// Writes each epoch's name centred above its span, shortened to fit: `spans` are
/// `(name, left, right)` and `top` is the plot's top edge, all in absolute pixels.
pub(crate) fn epoch_names<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    spans: &[(String, i32, i32)],
    top: i32,
) -> Result<(), String> {
    let (bx, by) = area.get_base_pixel();
    let label_style = style::anchored(14.0, HPos::Center, VPos::Bottom);
    for (name, left, right) in spans {
        if right - left < 8 {
            continue;
        }
        let name = legend::fit(area, name, &label_style, (right - left - 4) as u32)?;
        let at = ((left + right) / 2 - bx, top - by - 4);
        area.draw(&Text::new(name, at, label_style.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// The plot itself, on coordinates `xs` × `ys` spanning `x` × `y`.
fn plot<DB, X, Y>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
    xs: X,
    ys: Y,
    x: (f64, f64),
    y: (f64, f64),
) -> Result<(), String>
where
    DB: DrawingBackend,
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut ctx = ChartBuilder::on(area)
        .margin(12)
        .margin_top(top_margin(&chart.epochs))
        .margin_right(20)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(xs, ys)
        .map_err(err)?;
    ctx.configure_mesh()
        .x_desc(chart.x_desc.as_str())
        .y_desc(chart.y_desc.as_str())
        .axis_desc_style(style::text(17.0))
        .label_style(style::text(15.0))
        .x_label_formatter(&|v| axis_tick(*v, x, chart.x_log))
        .y_label_formatter(&|v| axis_tick(*v, y, chart.y_log))
        .x_labels(9)
        .y_labels(8)
        .bold_line_style(GRID_BOLD.stroke_width(1))
        .light_line_style(GRID_LIGHT.stroke_width(1))
        .draw()
        .map_err(err)?;
    let pa = ctx.plotting_area();
    let mut spans = vec![];
    for (i, epoch) in chart.epochs.iter().enumerate() {
        let (x0, x1) = (epoch.x0.max(x.0), epoch.x1.min(x.1));
        if !format::increasing(x0, x1) || (chart.x_log && x0 <= 0.0) {
            continue;
        }
        pa.draw(&Rectangle::new(
            [(x0, y.0), (x1, y.1)],
            style::epoch_shade(i).mix(0.75).filled(),
        ))
        .map_err(err)?;
        pa.draw(&PathElement::new(
            vec![(x0, y.0), (x0, y.1)],
            GRID_BOLD.stroke_width(1),
        ))
        .map_err(err)?;
        let (left, _) = ctx.backend_coord(&(x0, y.1));
        let (right, _) = ctx.backend_coord(&(x1, y.1));
        spans.push((epoch.name.clone(), left, right));
    }
    for band in &chart.bands {
        draw_band(pa, chart, band)?;
    }
    for h in chart.hlines.iter().filter(|h| chart.valid((x.0, h.y))) {
        draw_path(
            pa,
            vec![(x.0, h.y), (x.1, h.y)],
            Dash::Dashed,
            GREY.stroke_width(1),
        )?;
        let label = EmptyElement::at((x.1, h.y))
            + Text::new(
                h.label.clone(),
                (-6, -4),
                style::anchored(14.0, HPos::Right, VPos::Bottom).color(&GREY),
            );
        pa.draw(&label).map_err(err)?;
    }
    let (bx, by) = area.get_base_pixel();
    let inside = |&(px, py): &(f64, f64)| {
        chart.valid((px, py)) && px >= x.0 && px <= x.1 && py >= y.0 && py <= y.1
    };
    for scatter in &chart.scatter {
        for p in scatter.points.iter().filter(|p| inside(p)) {
            let (px, py) = ctx.backend_coord(p);
            draw_marker_px(
                area,
                (px - bx, py - by),
                scatter.shape,
                point_fill(scatter.color),
                scatter.color,
            )?;
        }
    }
    for errors in &chart.errors {
        draw_error_bars(area, &|p| ctx.backend_coord(&p), chart, errors, (x, y))?;
    }
    for series in &chart.series {
        for run in chart.runs(&series.points) {
            if run.len() == 1 {
                pa.draw(&Circle::new(run[0], 3, series.color.filled()))
                    .map_err(err)?;
            } else {
                draw_path(
                    pa,
                    run,
                    series.dash,
                    series.color.stroke_width(series.width),
                )?;
            }
        }
    }
    if let Some(note) = &chart.note {
        let at = (mid_of(x, chart.x_log), mid_of(y, chart.y_log));
        let text = Text::new(
            note.clone(),
            at,
            style::anchored(16.0, HPos::Center, VPos::Center),
        );
        pa.draw(&text).map_err(err)?;
    }
    let top = ctx.backend_coord(&(x.0, y.1)).1;
    epoch_names(area, &spans, top)
}

/// Draws `errors` of `chart` (spanning `x` × `y`) inside `area`, `to_px` placing a data point
/// in absolute pixels: each bar clipped to the y range, with caps where its ends are inside it.
fn draw_error_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    to_px: &dyn Fn((f64, f64)) -> (i32, i32),
    chart: &LineChart,
    errors: &ErrorBars,
    (x, y): ((f64, f64), (f64, f64)),
) -> Result<(), String> {
    let (bx, by) = area.get_base_pixel();
    let stroke = errors.color.stroke_width(2);
    for &(px, lo, hi) in &errors.bars {
        if !(chart.valid((px, lo)) && chart.valid((px, hi))) || px < x.0 || px > x.1 {
            continue;
        }
        let (lo, hi) = (lo.min(hi), lo.max(hi));
        let (a, b) = (lo.max(y.0), hi.min(y.1));
        if a > b {
            continue;
        }
        let (cx, bottom) = to_px((px, a));
        let (_, top) = to_px((px, b));
        let (cx, bottom, top) = (cx - bx, bottom - by, top - by);
        area.draw(&PathElement::new(vec![(cx, bottom), (cx, top)], stroke))
            .map_err(err)?;
        for (end, at) in [(lo, bottom), (hi, top)] {
            if end >= y.0 && end <= y.1 {
                area.draw(&PathElement::new(vec![(cx - 5, at), (cx + 5, at)], stroke))
                    .map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The tick label of `v` on an axis spanning `range`, logarithmic when `log`.
fn axis_tick(v: f64, range: (f64, f64), log: bool) -> String {
    if log {
        format::tick(v)
    } else {
        format::linear_tick(v, range)
    }
}

/// The middle of a range, geometric on a logarithmic axis.
fn mid_of((lo, hi): (f64, f64), log: bool) -> f64 {
    if log {
        (lo * hi).sqrt()
    } else {
        0.5 * (lo + hi)
    }
}

/// Consecutive `(lower, upper)` points of a band that can all be placed.
type BandRun = Vec<((f64, f64), (f64, f64))>;

/// Fills `band` where both of its bounds can be placed, as one polygon per run.
fn draw_band<DB, CT>(
    area: &DrawingArea<DB, CT>,
    chart: &LineChart,
    band: &Band,
) -> Result<(), String>
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    let mut run: BandRun = vec![];
    let pairs = band.lower.iter().zip(&band.upper);
    let fill = band.color.mix(0.16).filled();
    let flush = |run: &mut BandRun| -> Result<(), String> {
        if run.len() >= 2 {
            let mut outline: Vec<(f64, f64)> = run.iter().map(|(_, u)| *u).collect();
            outline.extend(run.iter().rev().map(|(l, _)| *l));
            area.draw(&Polygon::new(outline, fill)).map_err(err)?;
        }
        run.clear();
        Ok(())
    };
    for (&lo, &hi) in pairs {
        if chart.valid(lo) && chart.valid(hi) {
            run.push((lo, hi));
        } else {
            flush(&mut run)?;
        }
    }
    flush(&mut run)
}

/// Draws a path in data coordinates with the given stroke.
pub(crate) fn draw_path<DB, CT>(
    area: &DrawingArea<DB, CT>,
    points: Vec<(f64, f64)>,
    dash: Dash,
    stroke: ShapeStyle,
) -> Result<(), String>
where
    DB: DrawingBackend,
    CT: CoordTranslate<From = (f64, f64)>,
{
    match dash {
        Dash::Solid => area.draw(&PathElement::new(points, stroke)),
        Dash::Dashed => area.draw(&DashedPathElement::new(points, 7, 4, stroke)),
        Dash::Dotted => area.draw(&DashedPathElement::new(points, 2, 3, stroke)),
    }
    .map_err(err)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::render::{FigureSpec, Kind, to_figure};

    /// Whether `svg` has a `<text>` element reading `text`.
    pub(crate) fn has_text(svg: &str, text: &str) -> bool {
        svg.split("<text").skip(1).any(|rest| {
            rest.split_once('>')
                .and_then(|(_, body)| body.split_once("</text>"))
                .is_some_and(|(body, _)| body.trim() == text)
        })
    }

    /// The SVG of `chart` drawn alone.
    fn svg_of(chart: LineChart) -> String {
        assert!(crate::font::ensure_registered().is_ok());
        let spec = FigureSpec {
            name: "scatter".to_owned(),
            title: "a scatter".to_owned(),
            caption: String::new(),
            size: (700, 420),
            kind: Kind::Line(chart),
        };
        match to_figure(&spec) {
            Ok(f) => f.svg,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_scatter_draws_markers_without_lines_and_skips_what_it_cannot_place() {
        let color = RGBColor(0x12, 0x34, 0x56);
        let chart = LineChart {
            x_desc: "x (m)".to_owned(),
            y_desc: "y (s)".to_owned(),
            scatter: vec![Scatter {
                label: Some("points".to_owned()),
                color,
                shape: Shape::Circle,
                points: vec![
                    (0.0, 0.0),
                    (1.0, 2.0),
                    (f64::NAN, 1.0),
                    (2.0, f64::INFINITY),
                ],
            }],
            ..LineChart::default()
        };
        assert_eq!(chart.legend_entries().len(), 1);
        let svg = svg_of(chart);
        let tags: Vec<&str> = svg.split('<').filter(|t| t.contains("#123456")).collect();
        // Two placed points and the legend's marker, each a disc and its outline: no line.
        assert_eq!(tags.len(), 6, "{tags:?}");
        assert!(tags.iter().all(|t| t.starts_with("circle")), "{tags:?}");
        assert!(has_text(&svg, "points"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn error_bars_set_the_axis_and_are_clipped_to_a_fixed_range() {
        let color = RGBColor(0x12, 0x34, 0x56);
        let bars = ErrorBars {
            color,
            bars: vec![(1.0, 1.0, 3.0), (2.0, 2.0, 9.0), (f64::NAN, 0.0, 1.0)],
        };
        let chart = LineChart {
            errors: vec![bars],
            ..LineChart::default()
        };
        let (y0, y1) = chart.y_bounds();
        assert!(y0 <= 1.0 && y1 >= 9.0);
        let strokes = |svg: &str| svg.matches("stroke=\"#123456\"").count();
        // Two bars, each a vertical line and two caps; the NaN bar is left out.
        assert_eq!(strokes(&svg_of(chart.clone())), 6);
        // The second bar reaches above a fixed range: clipped, without its upper cap.
        let fixed = LineChart {
            y_range: Some((0.0, 5.0)),
            ..chart
        };
        assert_eq!(strokes(&svg_of(fixed)), 5);
    }

    #[test]
    fn scatter_points_set_the_axes_and_outside_points_are_left_out() {
        let scatter = |points| Scatter {
            label: None,
            color: RGBColor(0x12, 0x34, 0x56),
            shape: Shape::Square,
            points,
        };
        let chart = LineChart {
            scatter: vec![scatter(vec![(1.0, 10.0), (3.0, 30.0)])],
            ..LineChart::default()
        };
        let (x0, x1) = chart.x_bounds();
        let (y0, y1) = chart.y_bounds();
        assert!(x0 <= 1.0 && x1 >= 3.0 && y0 <= 10.0 && y1 >= 30.0);
        assert!(chart.legend_entries().is_empty());
        let fixed = LineChart {
            x_range: Some((0.0, 2.0)),
            ..chart
        };
        let svg = svg_of(fixed);
        // A square is a filled polygon and its closed outline.
        assert_eq!(svg.matches("#123456").count(), 2);
    }
}
