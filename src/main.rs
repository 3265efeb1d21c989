//! The `wifidiag` binary: parses the command line, runs one command, and
//! turns every failure into one `wifidiag: ...` line and a documented exit
//! code (see `wifidiag::exit`). It holds no logic of its own.

mod commands;

use clap::Parser;
use std::io::{self, IsTerminal};
use wifidiag::cli::{Cli, Command};
use wifidiag::output::{use_style, Redactor};
use wifidiag::{Error, ExitCode};

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version are "errors" to clap that go to stdout.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::Usage.into()
            } else {
                ExitCode::Success.into()
            };
        }
    };
    match run(&cli) {
        Ok(code) => code.into(),
        Err(err) if is_broken_pipe(&err) => ExitCode::Success.into(),
        Err(err) => {
            eprintln!("wifidiag: {err:#}");
            err.downcast_ref::<Error>()
                .map_or(ExitCode::Failure, Error::exit_code)
                .into()
        }
    }
}

/// A reader that closed the pipe (`wifidiag ... | head`) is not a failure.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    // --redact-key implies --redact; its file is checked before any work.
    let redact = match &cli.global.redact_key {
        Some(path) => match Redactor::from_key_file(path) {
            Ok(r) => Some(r),
            Err(err) => {
                eprintln!("wifidiag: {err}");
                return Ok(err.exit_code());
            }
        },
        None => cli.global.redact.then(Redactor::default),
    };
    let opts = commands::Output {
        json: cli.global.json,
        redact,
        styled: use_style(
            cli.global.color,
            stdout.is_terminal(),
            std::env::var("NO_COLOR").ok().as_deref(),
        ),
    };
    // Buffered: a scan table is a thousand small writes. Every command
    // flushes when done, and watch after each record.
    let mut out = io::BufWriter::new(stdout.lock());
    match &cli.command {
        Command::Diagnose(args) => commands::diagnose(&mut out, &opts, args),
        Command::Interfaces(_) => commands::interfaces(&mut out, &opts),
        Command::Status(args) => commands::status(&mut out, &opts, args),
        Command::Scan(args) => commands::scan(&mut out, &opts, args),
        Command::Channels(args) => commands::channels(&mut out, &opts, args),
        Command::Watch(args) => commands::watch(&mut out, &opts, args),
        Command::Report(args) => commands::report(&mut out, &opts, args),
        Command::History(args) => commands::history(&mut out, &opts, args),
    }
}
