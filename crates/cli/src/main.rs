//! The `infoscope` command-line tool: estimate information in files of network activity.
//!
//! Parsing and printing only; every number comes from the library crates (DESIGN.md §1).

mod args;
mod demo;
mod estimate;
mod experiment;
mod methods;
mod network;
mod pairwise;
mod report;
mod spec_args;

use std::process::ExitCode;

use clap::Parser as _;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version print in full to stdout.
        Err(err) if !err.use_stderr() => err.exit(),
        // Usage errors: clap's first line ("error: ..."), then exit code 2.
        Err(err) => {
            let text = err.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{first} (see `infoscope --help`)");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Estimate(args) => estimate::run(&args),
        Command::Pairwise(args) => pairwise::run(&args),
        Command::Methods(args) => methods::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Train(args) => network::train(&args),
        Command::Record(args) => network::record(&args),
        Command::Run(args) => experiment::run(&args),
        Command::Analyze(args) => experiment::analyze(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line: the whole cause chain, joined by ": ".
            eprintln!("error: {err:#}");
            // A bad option is a usage error, as clap's are.
            if err.chain().any(|e| e.is::<spec_args::UsageError>()) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
