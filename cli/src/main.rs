//! The `mas-health` command line.

#[path = "mod.rs"]
mod cli;
mod gopher;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Like other command-line tools, stop quietly when the reader of our output goes away
    // (`mas-health eval ... | head`) instead of failing on the next write.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args = cli::Cli::parse();
    quiet_output_failures();
    match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            eprintln!("error: {}", cli::printable(&chain_text(&e)));
            ExitCode::from(cli::EXIT_USAGE)
        }
        // Only a failed write to standard output gets here (see below): exit 2, one line said.
        Err(_) => ExitCode::from(cli::EXIT_USAGE),
    }
}

/// The error and its causes on one line, as `{:#}` prints them, except a cause whose text the
/// line already ends with (library errors name their cause in their own text, so anyhow's
/// chain would say it twice).
fn chain_text(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.is_empty() {
            line = text;
        } else if !line.ends_with(&text) {
            line = format!("{line}: {text}");
        }
    }
    line
}

/// `println!` panics when standard output cannot be written (a full disk, a closed descriptor).
/// That is a usage error, not a bug: say it in one line; any other panic keeps Rust's report.
fn quiet_output_failures() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        match text.strip_prefix("failed printing to stdout: ") {
            Some(why) => eprintln!("error: cannot write the output: {why}"),
            None => {
                default(info);
                std::process::exit(101);
            }
        }
    }));
}
