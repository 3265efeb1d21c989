//! Where the watch's records go: one small trait, one type per output.
//!
//! The session hands every published [`Record`] to each [`Sink`] it was
//! given, in order: the human stream or JSON Lines on standard output, the
//! `--log` file, the summary accumulator and the `--metrics-file`
//! ([`super::metrics`]). A sink that fails for good ends the watch with its
//! error; a sink that can recover (a full disk) says so itself and goes on.

use super::event::{Kind, Record};
use super::log::{EventLog, LogError};
use super::summary::Summary;
use std::io::{self, Write};

/// Why a sink gave up.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("writing to standard output: {0}")]
    Output(#[source] io::Error),
    #[error(transparent)]
    Log(LogError),
}

/// An output of the watch.
pub trait Sink {
    /// Takes one published record.
    fn record(&mut self, record: &Record) -> Result<(), SinkError>;

    /// Whether this sink wants [`Sink::observe`]: every sample and probe
    /// result, also those that are not published.
    fn wants_unpublished(&self) -> bool {
        false
    }

    /// Takes one sample or probe result that was not published (only if
    /// [`Sink::wants_unpublished`]): the log leaves them out, a sink that
    /// reports the current state (the metrics file) needs them.
    fn observe(&mut self, _record: &Record) {}

    /// A one-line live status; only a sink drawing on a terminal shows it.
    fn status(&mut self, _text: &str) {}

    /// Removes the live status before something else is printed.
    fn clear_status(&mut self) {}

    /// The watch is over.
    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

/// Outages and patterns are printed even with `--quiet`.
fn important(record: &Record) -> bool {
    matches!(record.kind, Kind::Outage { .. } | Kind::Pathology { .. })
}

/// Records as human lines, and a live status line on stderr when it is a
/// terminal.
pub struct HumanSink<W: Write> {
    out: W,
    quiet: bool,
    status_line: bool,
    drawn: bool,
}

impl<W: Write> HumanSink<W> {
    pub fn new(out: W, quiet: bool, status_line: bool) -> Self {
        HumanSink {
            out,
            quiet,
            status_line,
            drawn: false,
        }
    }
}

impl<W: Write> Sink for HumanSink<W> {
    fn record(&mut self, record: &Record) -> Result<(), SinkError> {
        if self.quiet && !important(record) {
            return Ok(());
        }
        self.clear_status();
        writeln!(self.out, "{}", record.to_human()).map_err(SinkError::Output)?;
        self.out.flush().map_err(SinkError::Output)
    }

    fn status(&mut self, text: &str) {
        if self.status_line {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
            self.drawn = true;
        }
    }

    fn clear_status(&mut self) {
        if self.drawn {
            let mut err = io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.drawn = false;
        }
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.clear_status();
        self.out.flush().map_err(SinkError::Output)
    }
}

/// Records as `wifidiag.event/1` JSON Lines.
pub struct JsonSink<W: Write> {
    out: W,
    quiet: bool,
}

impl<W: Write> JsonSink<W> {
    pub fn new(out: W, quiet: bool) -> Self {
        JsonSink { out, quiet }
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn record(&mut self, record: &Record) -> Result<(), SinkError> {
        if self.quiet && !important(record) {
            return Ok(());
        }
        writeln!(self.out, "{}", record.to_json_line()).map_err(SinkError::Output)?;
        self.out.flush().map_err(SinkError::Output)
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.out.flush().map_err(SinkError::Output)
    }
}

/// Every record into the `--log` file.
///
/// A failed append that can heal (disk full, quota, file too large, I/O
/// error) does not end the watch: the line is dropped and counted by the
/// log, one warning goes to stderr, and when appends work again one more
/// line says how many were lost. Anything else ends the watch.
pub struct LogSink {
    log: EventLog,
    failing: bool,
}

impl LogSink {
    pub fn new(log: EventLog) -> LogSink {
        LogSink {
            log,
            failing: false,
        }
    }

    /// Lines that could not be written, in all.
    pub fn dropped(&self) -> u64 {
        self.log.dropped()
    }
}

impl Sink for LogSink {
    fn record(&mut self, record: &Record) -> Result<(), SinkError> {
        match self.log.append(&record.to_json_line()) {
            Ok(()) => {
                if self.failing {
                    self.failing = false;
                    eprintln!(
                        "wifidiag: logging resumed; {} line(s) were lost",
                        self.log.dropped()
                    );
                }
                Ok(())
            }
            Err(e) if e.is_transient() => {
                if !self.failing {
                    self.failing = true;
                    eprintln!(
                        "wifidiag: cannot write to {}: {e}; watching goes on, {} line(s) not logged so far",
                        self.log.path().display(),
                        self.log.dropped()
                    );
                }
                Ok(())
            }
            Err(e) => Err(SinkError::Log(e)),
        }
    }
}

/// The summary folds in every published record.
impl Sink for Summary {
    fn record(&mut self, record: &Record) -> Result<(), SinkError> {
        self.observe(record);
        Ok(())
    }
}
