//! What a stretch of timeline says, summarised: one accumulator and one
//! renderer for the end of `watch` and for `wifidiag report`.
//!
//! [`Summary::observe`] folds one [`Record`] in and keeps nothing of it but
//! counts and a bounded number of rows, so `report` streams a log of any
//! size in constant memory: the lists of outages and patterns keep their
//! first [`MAX_ROWS`] rows (the counts stay exact), and signal statistics are
//! kept for at most [`MAX_BSSIDS`] access points.

use super::event::{Cause, Initiator, Kind, Millis, Record};
use super::read::ReadStats;
use crate::escape::terminal_safe;
use crate::model::MacAddr;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

/// The schema identifier of the `report --json` document.
pub const SCHEMA: &str = "wifidiag.report/2";

/// Rows kept per list (outages, patterns); the counts stay exact.
pub const MAX_ROWS: usize = 1000;
/// Access points whose signal statistics are kept.
pub const MAX_BSSIDS: usize = 256;
/// Host names kept (from the runs' start records).
pub const MAX_HOSTS: usize = 16;

/// One outage as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutageLine {
    pub start: Millis,
    pub duration_ms: u64,
    pub target: String,
    pub cause: Cause,
    pub summary: String,
}

/// Disconnects by reason code and initiator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: u16,
    pub reason_name: String,
    pub by: Initiator,
    pub count: u64,
}

/// A roaming pattern the watch reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternLine {
    pub ts: Millis,
    pub pathology: String,
    pub summary: String,
}

/// Sampled signal of one access point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SignalStats {
    pub samples: u64,
    pub min_dbm: i32,
    pub mean_dbm: f64,
    pub max_dbm: i32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct SignalAcc {
    samples: u64,
    sum: i64,
    min: i32,
    max: i32,
}

/// Everything the summary says. Serialized as part of `wifidiag.report/2`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Watch runs (`start` records).
    pub runs: u64,
    /// The machines the runs were on, as their start records say.
    pub hosts: BTreeSet<String>,
    pub first_ts: Option<Millis>,
    pub last_ts: Option<Millis>,
    /// Records folded in.
    pub events: u64,
    /// Every outage, counted.
    pub outage_count: u64,
    /// The first [`MAX_ROWS`] outages.
    pub outages: Vec<OutageLine>,
    /// Outages per cause.
    pub causes: BTreeMap<&'static str, u64>,
    pub disconnects: Vec<ReasonCount>,
    pub roams: u64,
    pub pattern_count: u64,
    pub patterns: Vec<PatternLine>,
    pub interface_removals: u64,
    /// Sleeps of the laptop seen by the watch, and their total length.
    pub suspends: u64,
    pub suspended_ms: u64,
    /// Signal per access point (from `sample` records).
    pub signal: BTreeMap<MacAddr, SignalStats>,
    /// Why the last run stopped.
    pub stop_reason: Option<String>,
    /// Lines the watch could not write to its log (disk full); only known
    /// at the end of a watch, 0 in a report.
    #[serde(skip)]
    pub log_lines_lost: u64,
    #[serde(skip)]
    signal_acc: BTreeMap<MacAddr, SignalAcc>,
    #[serde(skip)]
    reasons: BTreeMap<(u16, u8), (String, u64)>,
}

impl Summary {
    /// Folds one record in.
    pub fn observe(&mut self, r: &Record) {
        self.events += 1;
        if self.first_ts.is_none_or(|f| r.ts < f) {
            self.first_ts = Some(r.ts);
        }
        if self.last_ts.is_none_or(|l| r.ts > l) {
            self.last_ts = Some(r.ts);
        }
        match &r.kind {
            Kind::Start { hostname: host, .. } => {
                self.runs += 1;
                if let Some(h) = host {
                    if self.hosts.len() < MAX_HOSTS {
                        self.hosts.insert(h.clone());
                    }
                }
            }
            Kind::Stop { reason, .. } => self.stop_reason = Some(reason.clone()),
            Kind::Outage {
                target,
                start,
                duration_ms,
                cause,
                summary,
                ..
            } => {
                self.outage_count += 1;
                *self.causes.entry(cause.label()).or_default() += 1;
                if self.outages.len() < MAX_ROWS {
                    self.outages.push(OutageLine {
                        start: *start,
                        duration_ms: *duration_ms,
                        target: target.clone(),
                        cause: *cause,
                        summary: summary.clone(),
                    });
                }
            }
            Kind::Disconnected {
                reason,
                reason_name,
                by,
                ..
            } => {
                let key = (*reason, *by as u8);
                let entry = self
                    .reasons
                    .entry(key)
                    .or_insert_with(|| (reason_name.to_string(), 0));
                entry.1 += 1;
            }
            Kind::Roamed { .. } => self.roams += 1,
            Kind::Pathology { pathology, summary } => {
                self.pattern_count += 1;
                if self.patterns.len() < MAX_ROWS {
                    self.patterns.push(PatternLine {
                        ts: r.ts,
                        pathology: pathology.to_string(),
                        summary: summary.clone(),
                    });
                }
            }
            Kind::InterfaceRemoved { .. } => self.interface_removals += 1,
            Kind::Suspended { duration_ms, .. } => {
                self.suspends += 1;
                self.suspended_ms = self.suspended_ms.saturating_add(*duration_ms);
            }
            Kind::Sample {
                connected: true,
                bssid: Some(b),
                signal_dbm: Some(s),
                ..
            } if self.signal_acc.len() < MAX_BSSIDS || self.signal_acc.contains_key(b) => {
                let e = self.signal_acc.entry(*b).or_insert(SignalAcc {
                    samples: 0,
                    sum: 0,
                    min: *s,
                    max: *s,
                });
                e.samples += 1;
                e.sum = e.sum.saturating_add(i64::from(*s));
                e.min = e.min.min(*s);
                e.max = e.max.max(*s);
            }
            _ => {}
        }
    }

    /// Folds in the summary of what comes after this one (the next part of
    /// a file read in parallel, or the next file): the same as having
    /// observed its records after these.
    pub fn merge(&mut self, later: Summary) {
        self.runs += later.runs;
        for h in later.hosts {
            if self.hosts.len() < MAX_HOSTS {
                self.hosts.insert(h);
            }
        }
        self.first_ts = match (self.first_ts, later.first_ts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_ts = self.last_ts.max(later.last_ts);
        self.events += later.events;
        self.outage_count += later.outage_count;
        let room = MAX_ROWS.saturating_sub(self.outages.len());
        self.outages.extend(later.outages.into_iter().take(room));
        for (cause, n) in later.causes {
            *self.causes.entry(cause).or_default() += n;
        }
        for (key, (name, n)) in later.reasons {
            self.reasons.entry(key).or_insert_with(|| (name, 0)).1 += n;
        }
        self.roams += later.roams;
        self.pattern_count += later.pattern_count;
        let room = MAX_ROWS.saturating_sub(self.patterns.len());
        self.patterns.extend(later.patterns.into_iter().take(room));
        self.interface_removals += later.interface_removals;
        self.suspends += later.suspends;
        self.suspended_ms = self.suspended_ms.saturating_add(later.suspended_ms);
        for (b, a) in later.signal_acc {
            if let Some(e) = self.signal_acc.get_mut(&b) {
                e.samples += a.samples;
                e.sum = e.sum.saturating_add(a.sum);
                e.min = e.min.min(a.min);
                e.max = e.max.max(a.max);
            } else if self.signal_acc.len() < MAX_BSSIDS {
                self.signal_acc.insert(b, a);
            }
        }
        if later.stop_reason.is_some() {
            self.stop_reason = later.stop_reason;
        }
        self.log_lines_lost += later.log_lines_lost;
    }

    /// Settles the derived fields (disconnect table, signal means) after
    /// the last [`observe`](Self::observe).
    pub fn finish(&mut self) {
        self.disconnects = self
            .reasons
            .iter()
            .map(|(&(reason, by), (name, count))| ReasonCount {
                reason,
                reason_name: name.clone(),
                by: if by == Initiator::Ap as u8 {
                    Initiator::Ap
                } else {
                    Initiator::Local
                },
                count: *count,
            })
            .collect();
        self.signal = self
            .signal_acc
            .iter()
            .map(|(b, a)| {
                (
                    *b,
                    SignalStats {
                        samples: a.samples,
                        min_dbm: a.min,
                        mean_dbm: crate::output::round_to(
                            a.sum as f64 / a.samples.max(1) as f64,
                            1,
                        ),
                        max_dbm: a.max,
                    },
                )
            })
            .collect();
    }
}

/// The `wifidiag report --json` document.
#[derive(Debug, Serialize)]
pub struct ReportDoc<'a> {
    #[serde(flatten)]
    pub envelope: crate::output::Envelope,
    pub files: Vec<String>,
    /// How the files' lines were classified.
    pub lines: &'a ReadStats,
    #[serde(flatten)]
    pub summary: &'a Summary,
}

fn seconds(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The human summary: one renderer for the end of `watch` and for `report`.
/// Every string that came from a log, the kernel or the network goes
/// through [`terminal_safe`] first.
pub fn render(out: &mut dyn Write, s: &Summary, styled: bool) -> io::Result<()> {
    use crate::report::table::{new_table, SafeRows};
    let period = match (s.first_ts, s.last_ts) {
        (Some(a), Some(b)) => format!("from {} to {}", a.rfc3339(), b.rfc3339()),
        _ => "no records".into(),
    };
    writeln!(
        out,
        "{} run(s), {} event(s), {period}; {} outage(s), {} roam(s), {} interface removal(s)",
        s.runs, s.events, s.outage_count, s.roams, s.interface_removals
    )?;
    if !s.hosts.is_empty() {
        let hosts: Vec<String> = s
            .hosts
            .iter()
            .map(|h| terminal_safe(h).into_owned())
            .collect();
        writeln!(out, "Recorded on: {}", hosts.join(", "))?;
    }
    if let Some(reason) = &s.stop_reason {
        writeln!(out, "Last run stopped: {}", terminal_safe(reason))?;
    }
    if s.log_lines_lost > 0 {
        writeln!(
            out,
            "{} line(s) could not be written to the log (disk full or I/O errors)",
            s.log_lines_lost
        )?;
    }
    if s.suspends > 0 {
        writeln!(
            out,
            "The laptop slept {} time(s), {} in all (not counted as outages)",
            s.suspends,
            seconds(s.suspended_ms)
        )?;
    }
    if s.outage_count == 0 {
        writeln!(out, "No outage.")?;
    } else {
        let causes: Vec<String> = s.causes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(out, "Outages by cause: {}", causes.join(", "))?;
        let mut t = new_table(
            styled,
            &["Start", "Duration", "Target", "Cause", "What happened"],
        );
        for o in &s.outages {
            t.add_safe_row(vec![
                o.start.rfc3339(),
                seconds(o.duration_ms),
                o.target.clone(),
                o.cause.label().to_string(),
                o.summary.clone(),
            ]);
        }
        writeln!(out, "{t}")?;
        not_listed(out, s.outage_count, s.outages.len(), "outage")?;
    }
    if !s.disconnects.is_empty() {
        let mut t = new_table(styled, &["Disconnect reason", "By", "Count"]);
        for d in &s.disconnects {
            t.add_safe_row(vec![
                format!("{} ({})", d.reason, d.reason_name),
                match d.by {
                    Initiator::Ap => "access point".to_string(),
                    Initiator::Local => "this laptop".to_string(),
                },
                d.count.to_string(),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !s.signal.is_empty() {
        let mut t = new_table(styled, &["BSSID", "Samples", "Min", "Average", "Max"]);
        for (bssid, st) in &s.signal {
            t.add_safe_row(vec![
                bssid.to_string(),
                st.samples.to_string(),
                format!("{} dBm", st.min_dbm),
                format!("{:.0} dBm", st.mean_dbm),
                format!("{} dBm", st.max_dbm),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for p in &s.patterns {
        writeln!(
            out,
            "Pattern at {}: {}",
            p.ts.rfc3339(),
            terminal_safe(&p.summary)
        )?;
    }
    not_listed(out, s.pattern_count, s.patterns.len(), "pattern")
}

/// The line under a list cut at [`MAX_ROWS`]: how many more there were.
fn not_listed(out: &mut dyn Write, total: u64, listed: usize, what: &str) -> io::Result<()> {
    match total.checked_sub(listed as u64) {
        Some(more) if more > 0 => writeln!(out, "… and {more} more {what}(s) not listed"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
