//! Runs the tiny flux experiment of the tests and writes its report, for looking at it in a
//! browser (`scripts/check_report_browser.sh`).
//!
//! `cargo run -p infoscope-report --example flux_report -- OUTDIR [--nats] [--png]`

#[path = "../tests/flux_fixture/mod.rs"]
mod flux_fixture;

use std::path::PathBuf;
use std::process::ExitCode;

use infoscope_report::{ReportOptions, Unit, write_flux_report};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: flux_report OUTDIR [--nats] [--png]");
        return ExitCode::from(2);
    };
    let mut options = ReportOptions {
        title: "infoscope flux report (tiny experiment)".to_owned(),
        ..ReportOptions::default()
    };
    for flag in args {
        match flag.as_str() {
            "--nats" => options.unit = Unit::Nats,
            "--png" => options.png = true,
            other => {
                eprintln!("unknown flag {other}");
                return ExitCode::from(2);
            }
        }
    }
    let results = match flux_fixture::run() {
        Ok(results) => results,
        Err(e) => {
            eprintln!("error: the flux experiment failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    match write_flux_report(&results, &dir, &options) {
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
