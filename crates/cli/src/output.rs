//! Standard output for people and pipes: `outln!` writes a line to the locked stdout; a
//! closed pipe (`infoscope methods | head -1`) ends the process quietly instead of panicking
//! as `println!` does, and any other write error is one `error:` line.

use std::io::{self, Write};

/// Writes one formatted line to stdout (see the module docs). Used instead of `println!`.
macro_rules! outln {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// Writes `args` and a newline to stdout; see the module docs for errors.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    if let Err(err) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        stdout_failed(&err);
    }
}

/// Ends the process after a failed write to stdout: quietly with status 0 for a closed pipe
/// (the reader has all it wanted), else with one `error:` line and status 1.
pub fn stdout_failed(err: &io::Error) -> ! {
    if err.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    // stderr may be gone too; nothing more to do then.
    let _ = writeln!(io::stderr(), "error: writing to standard output: {err}");
    std::process::exit(1);
}
