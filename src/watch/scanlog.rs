//! When `watch --scan-every` writes a `scan` record: pure, so the schedule
//! is tested without a radio.
//!
//! One scan is triggered at start and then once per `--scan-every` period,
//! and each trigger gives at most one `scan` record: a month of logs stays
//! small (one record per period, not one per 10 s cache read). The record
//! holds what was heard *since the trigger*: the kernel keeps a network it
//! has not heard for 30 s, so older entries would count a neighbour that
//! has gone quiet as present.
//!
//! - The scan completed: the record is written at once.
//! - It did not complete within the watch's wait (a full scan takes
//!   seconds; the watch waits one `--interval`): the record is written at
//!   the next cache read (10 s on, at least [`SETTLE`] after the trigger),
//!   when the scan has finished, with the entries heard since the trigger.
//!   No new scan is triggered before that record is written.
//! - The watch could not scan (no `CAP_NET_ADMIN`, or the driver aborted
//!   it): the kernel's cache is written at once, marked `fresh: false`
//!   (what other programs' scans heard in the last 30 s).

use std::time::Duration;

/// How long after a trigger that has not reported completion the cache is
/// read for the record anyway: less than the 10 s between cache reads, so
/// it is the next one (a full scan takes a few seconds).
pub const SETTLE: Duration = Duration::from_secs(8);

/// What became of a triggered scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Triggered {
    /// The kernel announced the results.
    Completed,
    /// Still running when the watch stopped waiting.
    Running,
    /// Refused (no permission) or aborted: only the cache is there.
    NotScanned,
}

/// What the `scan` record should hold, when one is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// Our own scan's results (false: the kernel's cache).
    pub fresh: bool,
    /// Keep only entries heard within this (since the trigger); `None`:
    /// keep the whole cache.
    pub max_age: Option<Duration>,
}

/// The schedule; times are the watch's elapsed time.
#[derive(Debug, Clone, Default)]
pub struct ScanLog {
    last_trigger: Option<Duration>,
    /// A trigger whose record is not written yet: when, and how it went.
    pending: Option<(Duration, Triggered)>,
}

impl ScanLog {
    /// Whether a scan should be triggered now: at start, then once per
    /// `every`, and never while the last one's record is still to be
    /// written (call [`ScanLog::record_due`] first at each cache read).
    pub fn trigger_due(&self, now: Duration, every: Duration) -> bool {
        self.pending.is_none()
            && self
                .last_trigger
                .is_none_or(|t| now.saturating_sub(t) >= every)
    }

    /// A scan was triggered at `at` and went as told.
    pub fn triggered(&mut self, at: Duration, how: Triggered) {
        self.last_trigger = Some(at);
        self.pending = Some((at, how));
    }

    /// Called at each read of the scan cache: whether to write a `scan`
    /// record from it now, and what to keep. At most once per trigger.
    pub fn record_due(&mut self, now: Duration) -> Option<Due> {
        let (at, how) = self.pending?;
        let since = now.saturating_sub(at);
        let due = match how {
            Triggered::Completed => Due {
                fresh: true,
                max_age: Some(since),
            },
            Triggered::Running if since >= SETTLE => Due {
                fresh: true,
                max_age: Some(since),
            },
            Triggered::Running => return None,
            Triggered::NotScanned => Due {
                fresh: false,
                max_age: None,
            },
        };
        self.pending = None;
        Some(due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn s(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_scan_at_start_then_one_per_period() {
        let mut log = ScanLog::default();
        assert!(
            log.trigger_due(s(0), s(300)),
            "a cron run of 5 min must scan once"
        );
        log.triggered(s(0), Triggered::Completed);
        assert!(log.record_due(s(0)).is_some());
        assert!(!log.trigger_due(s(10), s(300)));
        assert!(!log.trigger_due(s(299), s(300)));
        assert!(log.trigger_due(s(300), s(300)));
    }

    #[test]
    fn a_completed_scan_is_recorded_once_with_what_was_heard_since() {
        let mut log = ScanLog::default();
        assert_eq!(log.record_due(s(0)), None, "nothing triggered yet");
        log.triggered(s(20), Triggered::Completed);
        assert_eq!(
            log.record_due(s(23)),
            Some(Due {
                fresh: true,
                max_age: Some(s(3))
            })
        );
        // The cache is read every 10 s: those reads write nothing more.
        for t in [30, 40, 50, 310] {
            assert_eq!(log.record_due(s(t)), None, "at {t} s");
        }
    }

    #[test]
    fn a_scan_still_running_is_recorded_once_it_has_settled() {
        let mut log = ScanLog::default();
        log.triggered(s(0), Triggered::Running);
        assert_eq!(log.record_due(s(1)), None);
        assert_eq!(log.record_due(s(7)), None);
        assert_eq!(
            log.record_due(s(11)),
            Some(Due {
                fresh: true,
                max_age: Some(s(11))
            })
        );
        assert_eq!(log.record_due(s(21)), None);
    }

    /// Seen in the lab: with `--scan-every 10s` each new trigger replaced
    /// the one still settling, and no record was ever written.
    #[test]
    fn a_scan_still_settling_is_recorded_before_the_next_trigger() {
        let mut log = ScanLog::default();
        log.triggered(s(0), Triggered::Running);
        assert!(
            !log.trigger_due(s(10), s(10)),
            "its record is not written yet"
        );
        assert!(log.record_due(s(10)).is_some());
        assert!(log.trigger_due(s(10), s(10)));
    }

    #[test]
    fn without_a_scan_of_its_own_the_cache_is_recorded_as_not_fresh() {
        let mut log = ScanLog::default();
        log.triggered(s(0), Triggered::NotScanned);
        assert_eq!(
            log.record_due(s(1)),
            Some(Due {
                fresh: false,
                max_age: None
            })
        );
        assert_eq!(log.record_due(s(11)), None);
    }
}
