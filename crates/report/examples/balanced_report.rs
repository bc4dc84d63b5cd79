//! Runs the tiny balanced-network experiment of the tests and writes its report, for looking
//! at it in a browser (`scripts/check_report_browser.sh`).
//!
//! `cargo run -p infoscope-report --example balanced_report -- OUTDIR [--nats] [--png]`

#[path = "../tests/balanced_fixture/mod.rs"]
mod balanced_fixture;

use std::path::PathBuf;
use std::process::ExitCode;

use infoscope_report::{ReportOptions, Unit, write_balanced_report};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: balanced_report OUTDIR [--nats] [--png]");
        return ExitCode::from(2);
    };
    let mut options = ReportOptions {
        title: "infoscope balanced report (tiny experiment)".to_owned(),
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
    let results = match balanced_fixture::run() {
        Ok(results) => results,
        Err(e) => {
            eprintln!("error: the balanced experiment failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    match write_balanced_report(&results, &dir, &options) {
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
