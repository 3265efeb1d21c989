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
/// Rows of the per machine, site, interface and day table; what comes after
/// is counted in [`Summary::groups_dropped`]. A hundred laptops over a
/// month is 3,000 rows.
pub const MAX_GROUPS: usize = 10_000;

/// Who and when a group is: the machine and site of the run a record
/// belongs to (its `start` record), its interface, its UTC day.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct GroupKey {
    host: Option<String>,
    site: Option<String>,
    iface: Option<String>,
    day: String,
}

/// The counts of one group.
#[derive(Debug, Clone, Default, PartialEq)]
struct GroupAcc {
    runs: u64,
    outages: u64,
    causes: BTreeMap<&'static str, u64>,
    downtime_ms: u64,
    disconnects: u64,
    roams: u64,
}

impl GroupAcc {
    fn add(&mut self, o: &GroupAcc) {
        self.runs += o.runs;
        self.outages += o.outages;
        for (c, n) in &o.causes {
            *self.causes.entry(c).or_default() += n;
        }
        self.downtime_ms = self.downtime_ms.saturating_add(o.downtime_ms);
        self.disconnects += o.disconnects;
        self.roams += o.roams;
    }
}

/// One row of the per machine, site, interface and day table (`groups[]`
/// of `wifidiag.report/2`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    pub host: Option<String>,
    pub site: Option<String>,
    pub iface: Option<String>,
    /// UTC day, `YYYY-MM-DD`.
    pub day: String,
    pub runs: u64,
    pub outages: u64,
    pub causes: BTreeMap<&'static str, u64>,
    /// Outage time (the sum of the outages' durations; overlapping outages
    /// of several targets count each).
    pub downtime_ms: u64,
    pub disconnects: u64,
    pub roams: u64,
}

/// The UTC day of a time.
fn utc_day(ts: Millis) -> String {
    let t = ts.rfc3339();
    t.get(..10).unwrap_or(&t).to_string()
}

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
    /// Per machine, site, interface and UTC day (see [`GroupRow`]), in that
    /// order; at most [`MAX_GROUPS`] rows.
    pub groups: Vec<GroupRow>,
    /// Records that would have opened a group past [`MAX_GROUPS`].
    pub groups_dropped: u64,
    /// Lines the watch could not write to its log (disk full); only known
    /// at the end of a watch, 0 in a report.
    #[serde(skip)]
    pub log_lines_lost: u64,
    #[serde(skip)]
    signal_acc: BTreeMap<MacAddr, SignalAcc>,
    #[serde(skip)]
    reasons: BTreeMap<(u16, u8), (String, u64)>,
    #[serde(skip)]
    group_acc: BTreeMap<GroupKey, GroupAcc>,
    /// The host and site of the last `start` folded in: later records are
    /// that run's.
    #[serde(skip)]
    current: Option<(Option<String>, Option<String>)>,
    /// Records before the first `start` of this summary (a part of a file
    /// read in parallel begins mid-run): by interface and day, settled by
    /// [`Summary::merge`] (the run before) or [`Summary::end_of_file`].
    #[serde(skip)]
    pending: BTreeMap<(Option<String>, String), GroupAcc>,
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
        self.count_group(r);
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

    /// Adds what a record counts for to its group.
    fn count_group(&mut self, r: &Record) {
        let (day, delta) = match &r.kind {
            Kind::Start { hostname, site, .. } => {
                self.current = Some((hostname.clone(), site.clone()));
                (
                    utc_day(r.ts),
                    GroupAcc {
                        runs: 1,
                        ..GroupAcc::default()
                    },
                )
            }
            Kind::Outage {
                start,
                duration_ms,
                cause,
                ..
            } => {
                let mut g = GroupAcc {
                    outages: 1,
                    downtime_ms: *duration_ms,
                    ..GroupAcc::default()
                };
                g.causes.insert(cause.label(), 1);
                (utc_day(*start), g)
            }
            Kind::Disconnected { .. } => (
                utc_day(r.ts),
                GroupAcc {
                    disconnects: 1,
                    ..GroupAcc::default()
                },
            ),
            Kind::Roamed { .. } => (
                utc_day(r.ts),
                GroupAcc {
                    roams: 1,
                    ..GroupAcc::default()
                },
            ),
            _ => return,
        };
        match &self.current {
            Some((host, site)) => {
                let key = GroupKey {
                    host: host.clone(),
                    site: site.clone(),
                    iface: r.iface.clone(),
                    day,
                };
                self.add_group(key, &delta);
            }
            None => self
                .pending
                .entry((r.iface.clone(), day))
                .or_default()
                .add(&delta),
        }
    }

    fn add_group(&mut self, key: GroupKey, delta: &GroupAcc) {
        if let Some(g) = self.group_acc.get_mut(&key) {
            g.add(delta);
        } else if self.group_acc.len() < MAX_GROUPS {
            self.group_acc.insert(key, delta.clone());
        } else {
            self.groups_dropped += 1;
        }
    }

    /// Settles the records that came before any `start` in this file: their
    /// run is unknown (a log cut at its head), so their machine is too.
    /// Call it before merging the next file, whose first records belong to
    /// no run of this one.
    pub fn end_of_file(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        for ((iface, day), g) in pending {
            let key = GroupKey {
                host: None,
                site: None,
                iface,
                day,
            };
            self.add_group(key, &g);
        }
        self.current = None;
    }

    /// Folds in the summary of what comes after this one (the next part of
    /// a file read in parallel, or the next file after
    /// [`Summary::end_of_file`]): the same as having observed its records
    /// after these.
    pub fn merge(&mut self, later: Summary) {
        // What the later part saw before its first start belongs to the
        // run this part ended in.
        for ((iface, day), g) in later.pending {
            match &self.current {
                Some((host, site)) => {
                    let key = GroupKey {
                        host: host.clone(),
                        site: site.clone(),
                        iface,
                        day,
                    };
                    self.add_group(key, &g);
                }
                None => self.pending.entry((iface, day)).or_default().add(&g),
            }
        }
        for (key, g) in later.group_acc {
            self.add_group(key, &g);
        }
        self.groups_dropped += later.groups_dropped;
        if later.current.is_some() {
            self.current = later.current;
        }
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

    /// Settles the derived fields (disconnect table, signal means, groups)
    /// after the last [`observe`](Self::observe).
    pub fn finish(&mut self) {
        self.end_of_file();
        self.groups = self
            .group_acc
            .iter()
            .map(|(k, g)| GroupRow {
                host: k.host.clone(),
                site: k.site.clone(),
                iface: k.iface.clone(),
                day: k.day.clone(),
                runs: g.runs,
                outages: g.outages,
                causes: g.causes.clone(),
                downtime_ms: g.downtime_ms,
                disconnects: g.disconnects,
                roams: g.roams,
            })
            .collect();
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
    not_listed(out, s.pattern_count, s.patterns.len(), "pattern")?;
    render_machines(out, s, styled)
}

/// Per machine, site and interface, over all days (`groups[]` has the
/// days): only when the logs are of more than one machine or interface, or
/// name a site.
fn render_machines(out: &mut dyn Write, s: &Summary, styled: bool) -> io::Result<()> {
    use crate::report::table::{new_table, SafeRows};
    // (host, site, interface) → counts over the days, and the days.
    type Machine<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let mut machines: BTreeMap<Machine<'_>, (GroupAcc, BTreeSet<&str>)> = BTreeMap::new();
    for g in &s.groups {
        let key = (g.host.as_deref(), g.site.as_deref(), g.iface.as_deref());
        let e = machines.entry(key).or_default();
        e.0.add(&GroupAcc {
            runs: g.runs,
            outages: g.outages,
            causes: g.causes.clone(),
            downtime_ms: g.downtime_ms,
            disconnects: g.disconnects,
            roams: g.roams,
        });
        e.1.insert(g.day.as_str());
    }
    let sites = s.groups.iter().any(|g| g.site.is_some());
    if machines.len() < 2 && !sites {
        return Ok(());
    }
    let mut t = new_table(
        styled,
        &[
            "Machine",
            "Site",
            "Interface",
            "Days",
            "Runs",
            "Outages",
            "Downtime",
            "Disconnects",
            "Roams",
        ],
    );
    // Most troubled first: outages, then downtime.
    let mut rows: Vec<_> = machines.into_iter().collect();
    rows.sort_by(|a, b| {
        (b.1 .0.outages, b.1 .0.downtime_ms).cmp(&(a.1 .0.outages, a.1 .0.downtime_ms))
    });
    for ((host, site, iface), (g, days)) in rows {
        let causes: Vec<String> = g.causes.iter().map(|(c, n)| format!("{n} {c}")).collect();
        t.add_safe_row(vec![
            host.unwrap_or("?").to_string(),
            site.unwrap_or("-").to_string(),
            iface.unwrap_or("-").to_string(),
            days.len().to_string(),
            g.runs.to_string(),
            if causes.is_empty() {
                "0".into()
            } else {
                format!("{} ({})", g.outages, causes.join(", "))
            },
            seconds(g.downtime_ms),
            g.disconnects.to_string(),
            g.roams.to_string(),
        ]);
    }
    writeln!(out, "Per machine (per day in the JSON's groups[]):")?;
    writeln!(out, "{t}")?;
    if s.groups_dropped > 0 {
        writeln!(
            out,
            "… {} record(s) of further machines or days not grouped (over {MAX_GROUPS} rows)",
            s.groups_dropped
        )?;
    }
    Ok(())
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
