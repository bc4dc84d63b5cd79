//! Histograms of counts: over time (peak times of the active neurons, with task epochs) or over
//! integers (attractor periods).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::chart::{Epoch, epoch_names, titled, top_margin};
use crate::format;
use crate::legend::err;
use crate::style::{self, GRID_BOLD, GRID_LIGHT};

/// Bars of counts over `[x0, x1)` bins.
#[derive(Clone, Debug)]
pub(crate) struct Histogram {
    /// X axis label (with unit).
    pub x_desc: String,
    /// Y axis label (with unit).
    pub y_desc: String,
    /// `(x0, x1, count)` per bin.
    pub bins: Vec<(f64, f64, usize)>,
    /// Task epochs, shaded behind the bars.
    pub epochs: Vec<Epoch>,
    /// The x range.
    pub x_range: (f64, f64),
    /// Whether the x axis counts whole numbers (only integer ticks are labelled).
    pub x_integer: bool,
    /// A fixed top of the y axis (shared between panels), otherwise from the counts.
    pub y_max: Option<f64>,
    /// Bar colour.
    pub color: RGBColor,
    /// A note written in the middle of the plot (e.g. "no active neurons").
    pub note: Option<String>,
}

impl Histogram {
    /// The top of the y axis: a little above the largest count, at least 1.
    pub(crate) fn top(&self) -> f64 {
        self.y_max.unwrap_or_else(|| {
            let max = self.bins.iter().map(|b| b.2).max().unwrap_or(0);
            (max.max(1) as f64 * 1.12).max(1.0)
        })
    }
}

/// Draws `hist` with `title` into `area`.
pub(crate) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    hist: &Histogram,
    title: &str,
) -> Result<(), String> {
    let (x0, x1) = hist.x_range;
    let (x0, x1) = if x1 > x0 { (x0, x1) } else { (x0, x0 + 1.0) };
    let top = hist.top();
    let body = titled(area, title)?;
    let mut ctx = ChartBuilder::on(&body)
        .margin(12)
        .margin_top(top_margin(&hist.epochs))
        .margin_right(20)
        .x_label_area_size(52)
        .y_label_area_size(78)
        .build_cartesian_2d(x0..x1, 0.0..top)
        .map_err(err)?;
    let integer = |v: &f64| {
        if (v - v.round()).abs() < 1e-9 {
            format::trim(*v, 0)
        } else {
            String::new()
        }
    };
    ctx.configure_mesh()
        .x_desc(hist.x_desc.as_str())
        .y_desc(hist.y_desc.as_str())
        .axis_desc_style(style::text(17.0))
        .label_style(style::text(15.0))
        .x_label_formatter(&|v| {
            if hist.x_integer {
                integer(v)
            } else {
                format::tick(*v)
            }
        })
        .y_label_formatter(&integer)
        .x_labels(9)
        .y_labels(6)
        .disable_x_mesh()
        .bold_line_style(GRID_BOLD.stroke_width(1))
        .light_line_style(GRID_LIGHT.stroke_width(1))
        .draw()
        .map_err(err)?;
    let pa = ctx.plotting_area();
    let mut spans = vec![];
    for (i, epoch) in hist.epochs.iter().enumerate() {
        let (e0, e1) = (epoch.x0.max(x0), epoch.x1.min(x1));
        if !format::increasing(e0, e1) {
            continue;
        }
        pa.draw(&Rectangle::new(
            [(e0, 0.0), (e1, top)],
            style::epoch_shade(i).mix(0.75).filled(),
        ))
        .map_err(err)?;
        spans.push((
            epoch.name.clone(),
            ctx.backend_coord(&(e0, top)).0,
            ctx.backend_coord(&(e1, top)).0,
        ));
    }
    for &(b0, b1, count) in hist.bins.iter().filter(|b| b.2 > 0) {
        let bar = [(b0.max(x0), 0.0), (b1.min(x1), count as f64)];
        pa.draw(&Rectangle::new(bar, hist.color.mix(0.85).filled()))
            .map_err(err)?;
        pa.draw(&Rectangle::new(bar, WHITE.stroke_width(1)))
            .map_err(err)?;
    }
    if let Some(note) = &hist.note {
        let text = Text::new(
            note.clone(),
            (0.5 * (x0 + x1), 0.5 * top),
            style::anchored(16.0, HPos::Center, VPos::Center),
        );
        pa.draw(&text).map_err(err)?;
    }
    epoch_names(&body, &spans, ctx.backend_coord(&(x0, top)).1)
}
