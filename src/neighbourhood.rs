//! A complete survey of the radio neighbourhood: every access point in
//! range, hidden ones included, with a statement of how complete it is.
//!
//! A hidden access point answers no broadcast probe request: it is only
//! heard through its beacons, one every beacon interval (100 TU = 102.4 ms
//! almost everywhere). A scan that dwells less than that on a channel
//! misses it part of the time. So the survey
//!
//! - listens (passive scans: it transmits nothing), with a dwell of
//!   [`DWELL_TU`] (a beacon interval plus margin) where the driver lets the
//!   dwell be set (`NL80211_EXT_FEATURE_SET_SCAN_DWELL`): method
//!   [`Method::PassiveDwell`];
//! - else relies on the driver's own passive dwell (mac80211's software
//!   scan: 111 ms, barely one beacon interval) and repeats the scan: method
//!   [`Method::Repeated`];
//! - in both cases repeats rounds until a round adds no BSSID
//!   ([`QUIET_ROUNDS`]), within a time budget: another round starts only
//!   when it is expected to end within the budget (the longest round so far
//!   is the estimate), and never more than [`MAX_ROUNDS`];
//! - without the privilege to scan, reads the kernel's cached results and
//!   says so: method [`Method::Cached`].
//!
//! The decisions ("should we scan again, is the set stable, what do we
//! claim") are [`Tracker`] and [`next_step`], pure over the rounds' results;
//! [`survey`] is the thin edge that triggers the scans.

use crate::error::{Error, Result};
use crate::model::MacAddr;
use crate::nl::{Nl80211, ScanMode, ScanOutcome};
use crate::scan::{self, BssView};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// The dwell asked of drivers that take one, in TU (1.024 ms): one beacon
/// interval (100 TU) plus 20 % for the channel switch and beacon jitter.
pub const DWELL_TU: u16 = 120;
/// Rounds in a row that must add no BSSID before the set is called stable.
/// One is enough for a passive round, whose dwell covers a beacon interval:
/// a second one that hears nothing new means none was missed by chance.
pub const QUIET_ROUNDS: u32 = 1;
/// A bound on the rounds whatever the budget: a neighbourhood that keeps
/// growing after this many is moving (a phone hotspot passing by), not
/// being missed.
pub const MAX_ROUNDS: u32 = 6;

/// How the neighbourhood was surveyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Passive scans with a dwell of [`DWELL_TU`] set through nl80211.
    PassiveDwell,
    /// Passive scans with the driver's own dwell, repeated until stable.
    Repeated,
    /// No scan was permitted: the kernel's cached results.
    Cached,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::PassiveDwell => "passive-dwell",
            Method::Repeated => "repeated",
            Method::Cached => "cached",
        }
    }
}

/// How one scan round ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundOutcome {
    Completed,
    /// Aborted by the driver or another program: partial results.
    Aborted,
    /// Not complete within the time left.
    TimedOut,
    /// Not permitted (no `CAP_NET_ADMIN`).
    Refused,
}

impl From<ScanOutcome> for RoundOutcome {
    fn from(o: ScanOutcome) -> Self {
        match o {
            ScanOutcome::Completed => RoundOutcome::Completed,
            ScanOutcome::Aborted => RoundOutcome::Aborted,
            ScanOutcome::TimedOut => RoundOutcome::TimedOut,
        }
    }
}

/// Why the survey stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The last [`QUIET_ROUNDS`] rounds added no BSSID.
    Stable,
    /// Another round would not end within the budget.
    Budget,
    /// [`MAX_ROUNDS`] rounds were made and the set still grew.
    MaxRounds,
    /// A scan was refused: the cache is all there is.
    Refused,
    /// The last round timed out (the budget is spent).
    TimedOut,
}

impl Stop {
    pub fn label(self) -> &'static str {
        match self {
            Stop::Stable => "stable",
            Stop::Budget => "budget",
            Stop::MaxRounds => "max-rounds",
            Stop::Refused => "refused",
            Stop::TimedOut => "timed-out",
        }
    }
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Scan,
    Stop(Stop),
}

/// The rounds so far: the BSSIDs heard (hidden ones apart), how many
/// rounds in a row added none, the longest round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tracker {
    heard: BTreeSet<MacAddr>,
    hidden: BTreeSet<MacAddr>,
    rounds: u32,
    completed: u32,
    quiet: u32,
    longest: Duration,
    last: Option<RoundOutcome>,
}

impl Tracker {
    /// Records one round: its outcome, how long it took and the BSSIDs it
    /// heard (`true` for a hidden one). Returns how many are new. Only a
    /// completed round that adds nothing counts as quiet: an aborted one
    /// may have skipped channels.
    pub fn record(
        &mut self,
        outcome: RoundOutcome,
        took: Duration,
        heard: impl IntoIterator<Item = (MacAddr, bool)>,
    ) -> usize {
        let mut added = 0;
        for (bssid, hidden) in heard {
            if self.heard.insert(bssid) {
                added += 1;
            }
            if hidden {
                self.hidden.insert(bssid);
            }
        }
        self.last = Some(outcome);
        if outcome == RoundOutcome::Refused {
            return added;
        }
        self.rounds += 1;
        self.longest = self.longest.max(took);
        if outcome == RoundOutcome::Completed {
            // The first completed round is the baseline, never quiet.
            if added == 0 && self.completed > 0 {
                self.quiet += 1;
            } else {
                self.quiet = 0;
            }
            self.completed += 1;
        } else {
            self.quiet = 0;
        }
        added
    }

    /// Scan rounds made (a refused trigger is none).
    pub fn rounds(&self) -> u32 {
        self.rounds
    }

    /// Whether the last [`QUIET_ROUNDS`] completed rounds added no BSSID.
    pub fn stable(&self) -> bool {
        self.quiet >= QUIET_ROUNDS
    }

    pub fn bssids(&self) -> usize {
        self.heard.len()
    }

    pub fn hidden_bssids(&self) -> usize {
        self.hidden.len()
    }
}

/// Scan again or stop, given the rounds so far, the time spent and the
/// budget.
pub fn next_step(t: &Tracker, elapsed: Duration, budget: Duration) -> Next {
    match t.last {
        None => return Next::Scan,
        Some(RoundOutcome::Refused) => return Next::Stop(Stop::Refused),
        Some(RoundOutcome::TimedOut) => return Next::Stop(Stop::TimedOut),
        Some(_) => {}
    }
    if t.stable() {
        Next::Stop(Stop::Stable)
    } else if t.rounds >= MAX_ROUNDS {
        Next::Stop(Stop::MaxRounds)
    } else if elapsed + t.longest > budget {
        Next::Stop(Stop::Budget)
    } else {
        Next::Scan
    }
}

/// What the survey claims about its own completeness.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub method: Method,
    /// Scan rounds made (0 when cached).
    pub rounds: u32,
    /// Channels (frequencies) each round covered.
    pub channels: usize,
    /// The dwell per channel set through nl80211, in milliseconds; `None`
    /// when the driver chose it.
    pub dwell_ms: Option<u32>,
    /// The last round(s) added no BSSID.
    pub stable: bool,
    pub stop: Stop,
    /// BSSIDs heard over all rounds, and how many of them hidden.
    pub bssids: usize,
    pub hidden_bssids: usize,
    /// Whether at least one round completed (the results are fresh).
    pub fresh: bool,
    pub elapsed: Duration,
}

impl Coverage {
    /// The coverage of a tracker's rounds.
    pub fn of(
        t: &Tracker,
        method: Method,
        channels: usize,
        stop: Stop,
        elapsed: Duration,
    ) -> Coverage {
        let method = if t.rounds == 0 {
            Method::Cached
        } else {
            method
        };
        Coverage {
            method,
            rounds: t.rounds,
            channels,
            dwell_ms: (method == Method::PassiveDwell).then_some(tu_to_ms(DWELL_TU)),
            stable: t.stable(),
            stop,
            bssids: t.bssids(),
            hidden_bssids: t.hidden_bssids(),
            fresh: t.completed > 0,
            elapsed,
        }
    }
}

/// TU (1024 µs) to whole milliseconds, rounded down.
pub fn tu_to_ms(tu: u16) -> u32 {
    u32::from(tu) * 1024 / 1000
}

/// Merges the rounds' views: one entry per BSSID, the latest view of it,
/// regrouped into radios.
pub fn union_views(rounds: Vec<Vec<BssView>>) -> Vec<BssView> {
    let mut by_bssid: BTreeMap<MacAddr, BssView> = BTreeMap::new();
    for round in rounds {
        for v in round {
            by_bssid.insert(v.bssid, v);
        }
    }
    let mut views: Vec<BssView> = by_bssid.into_values().collect();
    scan::group_radios(&mut views, &[]);
    views
}

/// The survey's result: every BSS heard (one view per BSSID) and the
/// coverage statement.
#[derive(Debug, Clone)]
pub struct Survey {
    pub views: Vec<BssView>,
    pub coverage: Coverage,
    /// Why the results are not fresh or not complete, in words (for
    /// stderr and the document's `notice`).
    pub notice: Option<String>,
}

/// Surveys the neighbourhood of interface `ifindex` on `freqs` (MHz, from
/// [`crate::scan::scan_frequencies`]) within `budget` (see the module
/// documentation). Only errors other than "not permitted" fail; without
/// the privilege the kernel's cache is returned with method `cached`.
pub fn survey(nl: &Nl80211, ifindex: u32, freqs: &[u32], budget: Duration) -> Result<Survey> {
    let started = Instant::now();
    if freqs.is_empty() {
        // No channel to scan on this radio: nothing can be heard.
        let t = Tracker::default();
        let mut coverage = Coverage::of(&t, Method::Repeated, 0, Stop::Stable, Duration::ZERO);
        coverage.fresh = true;
        return Ok(Survey {
            views: Vec::new(),
            coverage,
            notice: None,
        });
    }
    let phy = nl
        .interface_dump()?
        .into_iter()
        .find(|i| i.ifindex == Some(ifindex))
        .map(|i| i.phy);
    let mut method = match phy {
        Some(phy) if nl.scan_dwell_supported(phy).unwrap_or(false) => Method::PassiveDwell,
        _ => Method::Repeated,
    };
    let mut tracker = Tracker::default();
    let mut rounds: Vec<Vec<BssView>> = Vec::new();
    let mut failure = None;
    let stop = loop {
        match next_step(&tracker, started.elapsed(), budget) {
            Next::Stop(stop) => break stop,
            Next::Scan => {}
        }
        let round_started = Instant::now();
        let left = budget
            .saturating_sub(started.elapsed())
            .max(Duration::from_secs(1));
        let dwell = (method == Method::PassiveDwell).then_some(DWELL_TU);
        let outcome = match nl.trigger_scan_dwell(ifindex, freqs, ScanMode::Passive, dwell, left) {
            Ok(o) => RoundOutcome::from(o),
            Err(Error::PermissionDenied { .. }) => RoundOutcome::Refused,
            // A driver that advertises the dwell but refuses this one:
            // fall back to its own dwell.
            Err(Error::Netlink { .. }) if method == Method::PassiveDwell => {
                method = Method::Repeated;
                continue;
            }
            Err(err) => return Err(err),
        };
        let mut views = scan::analyse(&nl.scan_dump(ifindex)?);
        if outcome != RoundOutcome::Refused {
            // The kernel keeps entries 30 s: one older than this round is
            // a network that was not heard in it.
            scan::drop_older_than(&mut views, round_started.elapsed());
        }
        if outcome != RoundOutcome::Completed {
            failure = Some(outcome);
        }
        tracker.record(
            outcome,
            round_started.elapsed(),
            views.iter().map(|v| (v.bssid, v.ssid.is_none())),
        );
        rounds.push(views);
    };
    let coverage = Coverage::of(&tracker, method, freqs.len(), stop, started.elapsed());
    let notice = notice_for(&coverage, failure, budget);
    Ok(Survey {
        views: union_views(rounds),
        coverage,
        notice,
    })
}

/// The notice for a survey that is not fresh, or not known to be complete.
pub fn notice_for(c: &Coverage, failure: Option<RoundOutcome>, budget: Duration) -> Option<String> {
    if !c.fresh {
        let why = match failure {
            Some(RoundOutcome::Refused) | None => {
                "not permitted to trigger a scan (needs CAP_NET_ADMIN: run as root)".to_string()
            }
            Some(RoundOutcome::Aborted) => {
                "the scan was aborted by the driver or another program".to_string()
            }
            Some(RoundOutcome::TimedOut) | Some(RoundOutcome::Completed) => format!(
                "the scan did not complete within {}",
                humantime::format_duration(budget)
            ),
        };
        return Some(crate::report::scan::cached_notice(&why));
    }
    if c.stable {
        return None;
    }
    Some(format!(
        "the neighbourhood was still growing after {} scan round{} ({}): hidden networks \
         may be missing; allow more time with --timeout",
        c.rounds,
        if c.rounds == 1 { "" } else { "s" },
        match c.stop {
            Stop::MaxRounds => format!("at most {MAX_ROUNDS}"),
            _ => format!("within {}", humantime::format_duration(budget)),
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mac(n: u8) -> MacAddr {
        MacAddr([2, 0, 0, 0, n, 0])
    }
    const S: Duration = Duration::from_secs(10);
    const BUDGET: Duration = Duration::from_secs(30);

    fn round(t: &mut Tracker, heard: &[(u8, bool)]) -> usize {
        t.record(
            RoundOutcome::Completed,
            S,
            heard.iter().map(|&(n, h)| (mac(n), h)),
        )
    }

    #[test]
    fn the_first_round_is_never_stable_the_next_quiet_one_is() {
        let mut t = Tracker::default();
        assert_eq!(next_step(&t, Duration::ZERO, BUDGET), Next::Scan);
        assert_eq!(round(&mut t, &[(1, false), (2, false)]), 2);
        assert!(!t.stable());
        assert_eq!(next_step(&t, S, BUDGET), Next::Scan);
        assert_eq!(round(&mut t, &[(1, false), (2, false)]), 0);
        assert!(t.stable());
        assert_eq!(next_step(&t, 2 * S, BUDGET), Next::Stop(Stop::Stable));
        let c = Coverage::of(&t, Method::Repeated, 38, Stop::Stable, 2 * S);
        assert_eq!(
            (
                c.method,
                c.rounds,
                c.stable,
                c.bssids,
                c.hidden_bssids,
                c.fresh
            ),
            (Method::Repeated, 2, true, 2, 0, true)
        );
        assert_eq!(c.dwell_ms, None);
        assert_eq!(notice_for(&c, None, BUDGET), None);
    }

    #[test]
    fn a_hidden_bssid_heard_late_is_growth_and_counted() {
        let mut t = Tracker::default();
        round(&mut t, &[(1, false), (3, true)]);
        // The second hidden access point's beacon fell into this round only.
        assert_eq!(round(&mut t, &[(1, false), (4, true)]), 1);
        assert!(!t.stable());
        assert_eq!(next_step(&t, 2 * S, Duration::from_secs(40)), Next::Scan);
        // Missing one already heard is no growth: the union keeps it.
        assert_eq!(round(&mut t, &[(1, false), (3, true)]), 0);
        assert!(t.stable());
        assert_eq!((t.bssids(), t.hidden_bssids()), (3, 2));
    }

    #[test]
    fn another_round_starts_only_if_it_fits_the_budget() {
        let mut t = Tracker::default();
        round(&mut t, &[(1, false)]);
        round(&mut t, &[(1, false), (2, false)]);
        // 20 s spent, rounds take 10 s: a third fits in 30 s exactly...
        assert_eq!(next_step(&t, 2 * S, BUDGET), Next::Scan);
        // ...but not when 21 s are spent.
        let late = 2 * S + Duration::from_secs(1);
        assert_eq!(next_step(&t, late, BUDGET), Next::Stop(Stop::Budget));
        let c = Coverage::of(&t, Method::Repeated, 38, Stop::Budget, late);
        assert!(!c.stable && c.fresh);
        let notice = notice_for(&c, None, BUDGET).unwrap();
        assert!(
            notice.contains("still growing after 2 scan rounds"),
            "{notice}"
        );
    }

    #[test]
    fn rounds_are_bounded_even_with_time_left() {
        let mut t = Tracker::default();
        for n in 0..MAX_ROUNDS as u8 {
            round(&mut t, &[(n, false)]);
        }
        assert_eq!(
            next_step(&t, Duration::ZERO, Duration::from_secs(3600)),
            Next::Stop(Stop::MaxRounds)
        );
    }

    #[test]
    fn an_aborted_round_is_not_quiet() {
        let mut t = Tracker::default();
        round(&mut t, &[(1, false)]);
        t.record(RoundOutcome::Aborted, S, [(mac(1), false)]);
        assert!(!t.stable());
        assert_eq!(next_step(&t, 2 * S, BUDGET), Next::Scan);
        round(&mut t, &[(1, false)]);
        assert!(t.stable());
    }

    #[test]
    fn a_refused_scan_is_the_cache() {
        let mut t = Tracker::default();
        t.record(
            RoundOutcome::Refused,
            Duration::ZERO,
            [(mac(1), false), (mac(2), true)],
        );
        assert_eq!(
            next_step(&t, Duration::ZERO, BUDGET),
            Next::Stop(Stop::Refused)
        );
        let c = Coverage::of(&t, Method::Repeated, 38, Stop::Refused, Duration::ZERO);
        assert_eq!(
            (c.method, c.rounds, c.stable, c.fresh),
            (Method::Cached, 0, false, false)
        );
        assert_eq!(c.hidden_bssids, 1);
        let notice = notice_for(&c, Some(RoundOutcome::Refused), BUDGET).unwrap();
        assert!(
            notice.starts_with("not permitted to trigger a scan"),
            "{notice}"
        );
    }

    #[test]
    fn a_timed_out_round_ends_the_survey() {
        let mut t = Tracker::default();
        t.record(RoundOutcome::TimedOut, BUDGET, [(mac(1), false)]);
        assert_eq!(next_step(&t, BUDGET, BUDGET), Next::Stop(Stop::TimedOut));
        let c = Coverage::of(&t, Method::Repeated, 38, Stop::TimedOut, BUDGET);
        assert!(!c.fresh);
        let notice = notice_for(&c, Some(RoundOutcome::TimedOut), BUDGET).unwrap();
        assert!(
            notice.starts_with("the scan did not complete within 30s"),
            "{notice}"
        );
    }

    #[test]
    fn the_dwell_is_a_beacon_interval_and_more() {
        // 100 TU = 102.4 ms is the beacon interval of nearly every AP.
        assert!(tu_to_ms(DWELL_TU) > 102);
        let mut t = Tracker::default();
        round(&mut t, &[(1, false)]);
        let c = Coverage::of(&t, Method::PassiveDwell, 38, Stop::Budget, S);
        assert_eq!(c.dwell_ms, Some(122));
    }

    #[test]
    fn the_union_keeps_each_bssid_once_with_its_latest_view() {
        use crate::model::{Dbm, Mhz, ScanBss};
        let b = |n: u8, signal: i32| ScanBss {
            bssid: Some(mac(n)),
            freq: Some(Mhz(2437)),
            signal: Some(Dbm(signal)),
            ies: vec![0, 0],
            ..Default::default()
        };
        let first = scan::analyse(&[b(1, -50), b(3, -60)]);
        let second = scan::analyse(&[b(1, -45), b(4, -70)]);
        let views = union_views(vec![first, second]);
        let got: Vec<(u8, i32)> = views
            .iter()
            .map(|v| (v.bssid.0[4], v.signal.unwrap().0))
            .collect();
        assert_eq!(got, [(1, -45), (3, -60), (4, -70)]);
        assert!(views.iter().all(|v| v.ssid.is_none()));
        // Three radios, numbered afresh.
        let radios: BTreeSet<usize> = views.iter().map(|v| v.radio).collect();
        assert_eq!(radios.len(), 3);
    }
}
