//! The progress bar of the experiment runs on stderr: drawn on a terminal, hidden otherwise
//! (where the runs print one line per step instead).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar of `len` steps and whether stderr is a terminal (it is hidden when not).
pub fn bar(len: u64) -> (ProgressBar, bool) {
    let tty = std::io::stderr().is_terminal();
    let bar = ProgressBar::new(len);
    if tty {
        bar.set_style(
            ProgressStyle::with_template("  {bar:30} {pos}/{len} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    (bar, tty)
}
