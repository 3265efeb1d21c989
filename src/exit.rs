//! The documented exit codes.
//!
//! Scripts and cron jobs branch on these, so they are part of the interface:
//! a value never changes meaning once released. The same table is printed by
//! `wifidiag --help` and in the man page (see [`EXIT_CODES_HELP`]).

/// How a `wifidiag` run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// The command did what was asked.
    Success = 0,
    /// An unexpected failure (netlink I/O, a kernel reply we could not use, ...).
    Failure = 1,
    /// The command line was invalid.
    Usage = 2,
    /// The kernel has no wireless stack: the nl80211 netlink family does not exist.
    NoWirelessStack = 3,
    /// nl80211 exists but there is no wireless interface (or not the one named).
    NoInterface = 4,
    /// The operation needs a privilege this process does not have.
    PermissionDenied = 5,
    /// `watch` saw at least one outage (it ran to the end normally), or
    /// `history` found one in the logs.
    OutageObserved = 6,
    /// `watch --log`: another watch held the log file longer than `--lock-wait`.
    LogBusy = 7,
    /// `report`: no wifidiag event in the files; `channels --from-log`: no
    /// `scan` record in them.
    NoEvents = 8,
    /// `diagnose`: at least one check failed.
    ProblemFound = 9,
}

impl ExitCode {
    /// Every code, in numeric order (used by the documentation test).
    pub const ALL: [ExitCode; 10] = [
        ExitCode::Success,
        ExitCode::Failure,
        ExitCode::Usage,
        ExitCode::NoWirelessStack,
        ExitCode::NoInterface,
        ExitCode::PermissionDenied,
        ExitCode::OutageObserved,
        ExitCode::LogBusy,
        ExitCode::NoEvents,
        ExitCode::ProblemFound,
    ];

    /// The numeric process exit status.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code.code())
    }
}

/// The exit-code table shown at the end of `--help` and in the man page.
pub const EXIT_CODES_HELP: &str = "\
EXIT STATUS:
  0  success
  1  unexpected failure (netlink I/O, unusable kernel reply)
  2  invalid command line
  3  no wireless stack: the kernel has no nl80211 (no cfg80211/Wi-Fi driver)
  4  no wireless interface, or the named interface does not exist
  5  permission denied for the requested operation
  6  watch: at least one outage was observed; history: at least one outage was found
  7  watch --log: another watch kept the log file locked longer than --lock-wait
  8  report: no wifidiag event in the files read; channels --from-log: no scan record in them
  9  diagnose: at least one check failed";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_ordered() {
        let codes: Vec<u8> = ExitCode::ALL.iter().map(|c| c.code()).collect();
        let expected: Vec<u8> = (0..ExitCode::ALL.len() as u8).collect();
        assert_eq!(codes, expected);
    }

    #[test]
    fn help_table_documents_every_code() {
        for code in ExitCode::ALL {
            let line = format!("\n  {}  ", code.code());
            assert!(
                EXIT_CODES_HELP.contains(&line),
                "exit code {} ({code:?}) missing from EXIT_CODES_HELP",
                code.code()
            );
        }
    }
}
