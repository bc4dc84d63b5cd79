//! Writes a report of the test fixture (two synthetic networks), for looking at it in a browser
//! (`scripts/check_report_browser.sh`).
//!
//! `cargo run -p infoscope-report --example fixture_report -- OUTDIR [--nats] [--png] [--degenerate]`
//!
//! `--degenerate` adds networks whose numbers are NaN, infinite, empty or one step long.

#[path = "../tests/fixture/mod.rs"]
mod fixture;

use std::path::PathBuf;
use std::process::ExitCode;

use infoscope_report::{ReportOptions, Unit, write_report};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: fixture_report OUTDIR [--nats] [--png] [--degenerate]");
        return ExitCode::from(2);
    };
    let mut results = fixture::results();
    let mut options = ReportOptions {
        title: "infoscope report (synthetic fixture)".to_owned(),
        ..ReportOptions::default()
    };
    for flag in args {
        match flag.as_str() {
            "--nats" => options.unit = Unit::Nats,
            "--png" => options.png = true,
            "--degenerate" => {
                results.networks.push(fixture::degenerate_network());
                results.networks.push(fixture::empty_network());
            }
            other => {
                eprintln!("unknown flag {other}");
                return ExitCode::from(2);
            }
        }
    }
    match write_report(&results, &dir, &options) {
        Ok(files) => {
            println!("{}", files.html.display());
            for f in files.figures {
                println!("{}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
