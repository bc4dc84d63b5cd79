//! The `infoscope` command-line tool: estimate information in files of network activity.
//!
//! Parsing and printing only; every number comes from the library crates (DESIGN.md §1).

mod args;
mod balanced_run;
mod demo;
mod estimate;
mod experiment;
mod flux;
mod flux_run;
mod guard;
mod methods;
mod network;
mod output;
mod pairwise;
mod progress;
mod rate;
mod report;
mod spec_args;

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::Mutex;

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
    // No panic reaches the user as a backtrace: the hook keeps the message quiet, and the
    // command's panic (also one from a worker thread) becomes one `error:` line.
    panic::set_hook(Box::new(|info| {
        let text = panic_text(info.payload());
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        if let Ok(mut first) = PANIC.lock()
            && first.is_none()
        {
            *first = Some(format!("{text}{at}"));
        }
    }));
    let result = match panic::catch_unwind(AssertUnwindSafe(|| run(cli.command))) {
        Ok(result) => result,
        Err(payload) => {
            let text = PANIC
                .lock()
                .ok()
                .and_then(|mut m| m.take())
                .unwrap_or_else(|| panic_text(payload.as_ref()));
            eprintln!("error: internal error: {text} (please report this at {REPORT_URL})");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line: the whole cause chain, joined by ": ".
            let text = format!("{err:#}");
            eprintln!("error: {}", one_line(&text));
            // A bad option is a usage error, as clap's are.
            if err.chain().any(|e| e.is::<spec_args::UsageError>()) {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Where internal errors are to be reported.
const REPORT_URL: &str = "https://github.com/infoscope/infoscope/issues";

/// The first panic's message and location, recorded by the panic hook.
static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Run one subcommand.
fn run(command: Command) -> anyhow::Result<()> {
    // The tests' way to check the safety net above (no command is known to panic).
    if std::env::var_os("INFOSCOPE_TEST_PANIC").is_some() {
        panic!("a test of the panic safety net (INFOSCOPE_TEST_PANIC is set)");
    }
    match command {
        Command::Estimate(args) => estimate::run(&args),
        Command::Pairwise(args) => pairwise::run(&args),
        Command::Methods(args) => methods::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Train(args) => network::train(&args),
        Command::Record(args) => network::record(&args),
        Command::Run(args) => experiment::run(&args),
        Command::Analyze(args) => experiment::analyze(&args),
        Command::Flux(args) => flux::run(&args),
        Command::Rate(args) => rate::run(&args),
    }
}

/// A panic's message, on one line.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` on one line: line breaks (of a parser's report, say) and the spaces around them
/// become one space.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
