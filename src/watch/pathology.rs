//! Roaming pathologies: patterns over the timeline that explain "it keeps
//! dropping" even when each single event looks harmless. Pure functions
//! over [`Record`]s, with documented default thresholds (CLI flags set them).
//!
//! Also [`RoamTracker`], which turns the kernel's connect/disconnect events
//! into `roamed` records with the gap and the signal before and after.

use super::event::{Kind, Millis, Record};
use crate::model::{MacAddr, Mhz};

/// Default thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathologyThresholds {
    /// A→B→A within this window is ping-pong roaming.
    pub ping_pong_window_ms: u64,
    /// This many disconnects…
    pub repeated_disconnects: usize,
    /// …within this window.
    pub repeated_window_ms: u64,
    /// Sticky client: signal below this…
    pub sticky_signal_dbm: i32,
    /// …for longer than this…
    pub sticky_duration_ms: u64,
    /// …while a same-SSID access point at least this much stronger was in
    /// the last scan.
    pub sticky_margin_db: i32,
    /// A roam whose gap (time without association) exceeds this is slow.
    pub slow_roam_ms: u64,
}

impl Default for PathologyThresholds {
    fn default() -> Self {
        PathologyThresholds {
            ping_pong_window_ms: 60_000,
            repeated_disconnects: 3,
            repeated_window_ms: 10 * 60_000,
            sticky_signal_dbm: -75,
            sticky_duration_ms: 30_000,
            sticky_margin_db: 8,
            slow_roam_ms: 2_000,
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub at: Millis,
    /// `ping_pong`, `repeated_disconnects`, `sticky_client`, `slow_roam`.
    pub pathology: &'static str,
    pub summary: String,
}

impl Finding {
    pub fn into_kind(self) -> Kind {
        Kind::Pathology {
            pathology: self.pathology.into(),
            summary: self.summary,
        }
    }
}

fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The access points connected to, in order: `connected` and `roamed`.
/// A roam with a gap follows the `connected` record of the same moment,
/// and a reconnect to the same access point is not a move: consecutive
/// entries of one BSSID count once.
fn associations(records: &[Record]) -> Vec<(Millis, MacAddr)> {
    let mut out: Vec<(Millis, MacAddr)> = Vec::new();
    for r in records {
        let b = match &r.kind {
            Kind::Connected { bssid: Some(b), .. } => *b,
            Kind::Roamed {
                to_bssid: Some(b), ..
            } => *b,
            _ => continue,
        };
        if out.last().is_none_or(|(_, last)| *last != b) {
            out.push((r.ts, b));
        }
    }
    out
}

/// A→B→A within the window (each triple reported once).
pub fn ping_pong(records: &[Record], th: &PathologyThresholds) -> Vec<Finding> {
    let assoc = associations(records);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 2 < assoc.len() {
        let (t0, a) = assoc[i];
        let (_, b) = assoc[i + 1];
        let (t2, c) = assoc[i + 2];
        if a != b && a == c && t2.since(t0) <= th.ping_pong_window_ms {
            out.push(Finding {
                at: t2,
                pathology: "ping_pong",
                summary: format!(
                    "ping-pong roaming: {a} → {b} → {a} within {}; the two access points are \
                     heard about equally here — lower their power or adjust roaming thresholds",
                    secs(t2.since(t0))
                ),
            });
            i += 2;
        } else {
            i += 1;
        }
    }
    out
}

/// N disconnects within the window (one finding per burst). A deauth and
/// the disconnect the kernel reports for it within a second count once.
pub fn repeated_disconnects(records: &[Record], th: &PathologyThresholds) -> Vec<Finding> {
    let mut times: Vec<Millis> = Vec::new();
    for r in records.iter().filter(|r| r.kind.is_link_loss()) {
        if times.last().is_none_or(|&last| r.ts.since(last) > 1_000) {
            times.push(r.ts);
        }
    }
    let n = th.repeated_disconnects.max(2);
    let mut out = Vec::new();
    let mut i = 0;
    while i + n <= times.len() {
        let (first, last) = (times[i], times[i + n - 1]);
        if last.since(first) <= th.repeated_window_ms {
            // Extend the burst as far as it goes, then report it once.
            let mut j = i + n - 1;
            while j + 1 < times.len() && times[j + 1].since(first) <= th.repeated_window_ms {
                j += 1;
            }
            out.push(Finding {
                at: times[j],
                pathology: "repeated_disconnects",
                summary: format!(
                    "{} disconnects within {} (threshold {} in {} min)",
                    j - i + 1,
                    secs(times[j].since(first)),
                    n,
                    th.repeated_window_ms / 60_000
                ),
            });
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Roams whose gap exceeds the threshold.
pub fn slow_roams(records: &[Record], th: &PathologyThresholds) -> Vec<Finding> {
    records
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Roamed {
                from_bssid,
                to_bssid,
                gap_ms,
                ..
            } if *gap_ms > th.slow_roam_ms => Some(Finding {
                at: r.ts,
                pathology: "slow_roam",
                summary: format!(
                    "slow roam: {} without an access point between {} and {} (threshold {}); \
                     fast roaming (802.11r) or a lower roaming threshold would shorten it",
                    secs(*gap_ms),
                    from_bssid.map_or("?".into(), |b| b.to_string()),
                    to_bssid.map_or("?".into(), |b| b.to_string()),
                    secs(th.slow_roam_ms)
                ),
            }),
            _ => None,
        })
        .collect()
}

/// What the kernel's cached scan showed at one moment, for sticky-client
/// detection: (BSSID, SSID, signal dBm).
#[derive(Debug, Clone, PartialEq)]
pub struct ScanSnapshot {
    pub at: Millis,
    pub bsses: Vec<(MacAddr, Option<String>, i32)>,
}

/// Signal below the threshold for longer than the duration while a
/// same-SSID access point at least `margin` dB stronger was in the latest
/// scan: the laptop clings to a distant access point.
pub fn sticky_client(
    records: &[Record],
    scans: &[ScanSnapshot],
    ssid: Option<&str>,
    th: &PathologyThresholds,
) -> Vec<Finding> {
    let Some(ssid) = ssid else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut weak_since: Option<(Millis, MacAddr)> = None;
    let mut reported = false;
    for r in records {
        let Kind::Sample {
            connected,
            bssid,
            signal_dbm,
            ..
        } = &r.kind
        else {
            continue;
        };
        let (Some(bssid), Some(signal), true) = (*bssid, *signal_dbm, *connected) else {
            weak_since = None;
            reported = false;
            continue;
        };
        if signal >= th.sticky_signal_dbm || weak_since.is_some_and(|(_, b)| b != bssid) {
            weak_since = None;
            reported = false;
            if signal >= th.sticky_signal_dbm {
                continue;
            }
        }
        let (since, _) = *weak_since.get_or_insert((r.ts, bssid));
        if reported || r.ts.since(since) < th.sticky_duration_ms {
            continue;
        }
        let latest = scans.iter().rev().find(|s| s.at <= r.ts);
        let better = latest.and_then(|s| {
            s.bsses
                .iter()
                .filter(|(b, s, sig)| {
                    *b != bssid
                        && s.as_deref() == Some(ssid)
                        && *sig >= signal + th.sticky_margin_db
                })
                .max_by_key(|(_, _, sig)| *sig)
        });
        if let Some((other, _, other_signal)) = better {
            out.push(Finding {
                at: r.ts,
                pathology: "sticky_client",
                summary: format!(
                    "sticky client: {} at {signal} dBm on {bssid} while {other} of the same network \
                     was heard at {other_signal} dBm; the laptop does not roam soon enough",
                    secs(r.ts.since(since)),
                ),
            });
            reported = true;
        }
    }
    out
}

/// All pathologies, in time order.
pub fn all(
    records: &[Record],
    scans: &[ScanSnapshot],
    ssid: Option<&str>,
    th: &PathologyThresholds,
) -> Vec<Finding> {
    let mut found = ping_pong(records, th);
    found.extend(repeated_disconnects(records, th));
    found.extend(slow_roams(records, th));
    found.extend(sticky_client(records, scans, ssid, th));
    found.sort_by_key(|f| f.at);
    found
}

/// Turns connect/disconnect events into `roamed` records.
///
/// mac80211 with wpa_supplicant reports a change of access point either as
/// `NL80211_CMD_ROAM` (fast transition, no gap) or as a disconnect followed
/// by a connect elsewhere. The tracker remembers the last association and
/// its signal; a connect to a different BSSID within `max_gap_ms` of the
/// loss is a roam with that gap.
///
/// A roam is complete only with the first link sample on the new access
/// point, whose signal is its `signal_after_dbm` (the connect or roam event
/// carries none): until then it is pending, and a later loss, connect or
/// the end of the watch publishes it as it is.
#[derive(Debug, Default)]
pub struct RoamTracker {
    current: Option<(MacAddr, Option<u16>)>,
    lost: Option<(Millis, MacAddr, Option<u16>, Option<i32>)>,
    last_signal: Option<i32>,
    pending: Option<Kind>,
}

impl RoamTracker {
    /// How long after a loss a connect still counts as a roam.
    pub const MAX_GAP_MS: u64 = 60_000;

    /// The latest signal from a link sample.
    fn signal(&mut self, signal: Option<i32>) {
        if signal.is_some() {
            self.last_signal = signal;
        }
    }

    /// A link sample: returns the pending roam, completed with this signal,
    /// when the sample was taken on the roam's new access point and has a
    /// signal (the first one after an association may not).
    pub fn sample(&mut self, bssid: Option<MacAddr>, signal: Option<i32>) -> Option<Kind> {
        self.signal(signal);
        match &mut self.pending {
            Some(Kind::Roamed {
                to_bssid,
                signal_after_dbm,
                ..
            }) if bssid.is_some() && bssid == *to_bssid && signal.is_some() => {
                *signal_after_dbm = signal;
                self.pending.take()
            }
            _ => None,
        }
    }

    /// The pending roam as it is (no sample on the new access point came).
    pub fn flush(&mut self) -> Option<Kind> {
        self.pending.take()
    }

    /// Feeds an event. A connect elsewhere soon after a loss starts a roam
    /// (pending until [`RoamTracker::sample`]); returns a roam still pending
    /// from before, which this event ends.
    pub fn observe(&mut self, record: &Record) -> Option<Kind> {
        match &record.kind {
            k if k.is_link_loss() => {
                if let Some((bssid, channel)) = self.current.take() {
                    self.lost = Some((record.ts, bssid, channel, self.last_signal));
                }
                self.pending.take()
            }
            Kind::Connected {
                bssid: Some(to),
                channel,
                ..
            } => {
                let earlier = self.pending.take();
                let lost = self.lost.take();
                self.current = Some((*to, *channel));
                if let Some((t, from, from_ch, before)) = lost {
                    if from != *to && record.ts.since(t) <= Self::MAX_GAP_MS {
                        self.pending = Some(Kind::Roamed {
                            from_bssid: Some(from),
                            to_bssid: Some(*to),
                            from_channel: from_ch,
                            to_channel: *channel,
                            signal_before_dbm: before,
                            signal_after_dbm: None,
                            gap_ms: record.ts.since(t),
                        });
                    }
                }
                earlier
            }
            _ => None,
        }
    }

    /// A fast roam reported by the kernel (`NL80211_CMD_ROAM`): pending
    /// like any roam; returns a roam still pending from before.
    pub fn fast_roam(&mut self, to: MacAddr, freq: Option<Mhz>) -> Option<Kind> {
        let earlier = self.pending.take();
        let from = self.current.take();
        let channel = freq.and_then(Mhz::channel).map(|c| c.number);
        self.current = Some((to, channel));
        self.lost = None;
        self.pending = Some(Kind::Roamed {
            from_bssid: from.map(|f| f.0),
            to_bssid: Some(to),
            from_channel: from.and_then(|f| f.1),
            to_channel: channel,
            signal_before_dbm: self.last_signal,
            signal_after_dbm: None,
            gap_ms: 0,
        });
        earlier
    }

    /// Forgets a loss of association that has not been followed by a
    /// connect (the laptop slept: what follows is not a roam).
    pub fn forget_loss(&mut self) {
        self.lost = None;
    }

    /// The association known at start (from `status`), so the first loss
    /// knows what was lost.
    pub fn set_current(&mut self, bssid: Option<MacAddr>, channel: Option<u16>) {
        self.current = bssid.map(|b| (b, channel));
    }
}

#[cfg(test)]
mod tests;
