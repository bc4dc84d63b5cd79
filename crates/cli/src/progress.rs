//! The progress of the experiment runs on stderr: a bar on a terminal, one line per step
//! otherwise, and the stage lines the flux and balanced runs share.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar on stderr, drawn on a terminal and hidden otherwise (where steps print lines).
pub struct Progress {
    bar: ProgressBar,
    tty: bool,
}

impl Progress {
    /// A bar of `len` steps.
    pub fn new(len: u64) -> Self {
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
        Self { bar, tty }
    }

    /// Stage `index` of `total` starts.
    pub fn stage(&self, name: &str, index: usize, total: usize) {
        self.bar.suspend(|| eprintln!("[{index}/{total}] {name}"));
    }

    /// A stage finished after `seconds`.
    pub fn done(&self, name: &str, seconds: f64) {
        self.bar.finish_and_clear();
        eprintln!("      {name}: {seconds:.1} s");
    }

    /// `done` of `total` networks, `resumed` of them read back from an earlier run.
    pub fn networks(&self, done: usize, total: usize, resumed: usize) {
        self.set(total as u64, done as u64, "networks".to_owned());
        if resumed > 0 && done == resumed {
            self.bar
                .suspend(|| eprintln!("      {resumed} networks read back"));
        }
        self.line(&format!("networks {done}/{total}"));
    }

    /// `position` of `len`: the bar's `message` on a terminal, else `line` on its own.
    pub fn step(&self, len: u64, position: u64, message: String, line: String) {
        self.set(len, position, message);
        self.line(&line);
    }

    fn set(&self, len: u64, position: u64, message: String) {
        self.bar.set_length(len);
        self.bar.set_position(position);
        self.bar.set_message(message);
    }

    /// `line` on stderr when there is no bar to show the step.
    fn line(&self, line: &str) {
        if !self.tty {
            eprintln!("      {line}");
        }
    }
}
