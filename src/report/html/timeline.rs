//! What the page's timeline chart and tables need of a log, gathered by a
//! pure accumulator folded over the records as `report` streams them.
//!
//! Memory is bounded whatever the size of the log: every series of the
//! chart lives on a [`Grid`] of at most [`MAX_POINTS`] cells whose width
//! doubles whenever it would hold more (a month of samples keeps ~2,000
//! points per series, a minute keeps every sample), and the tables keep
//! their first [`MAX_ROWS`] rows while their counts stay exact (like
//! [`Summary`](crate::watch::summary::Summary)).

use crate::watch::event::{describe, Cause, Evidence, Kind, Millis, Record};
use crate::watch::probe::result::ProbeRole;
use std::collections::BTreeMap;

/// Cells kept per series of the chart.
pub const MAX_POINTS: usize = 2000;
/// Probe targets drawn (one lane each); the others are counted.
pub const MAX_TARGETS: usize = 8;
/// Rows kept per table (outages, roams); the counts stay exact.
pub const MAX_ROWS: usize = 1000;
/// Evidence items quoted per outage row.
pub const MAX_EVIDENCE: usize = 8;
/// Network names kept (from `connected` records).
pub const MAX_SSIDS: usize = 16;

/// What a cell of a [`Grid`] holds: it absorbs a later cell of the same
/// span (earlier data stays first).
pub trait Cell {
    fn absorb(&mut self, later: Self);
}

/// A series on a time grid of at most [`MAX_POINTS`] cells, `1 << shift`
/// milliseconds wide each. Cell keys are `ts >> shift`, so coarsening
/// (one more bit of shift) merges pairs of cells exactly, and two grids of
/// different widths merge after the finer one is coarsened.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid<C> {
    shift: u32,
    cells: BTreeMap<u64, C>,
}

impl<C> Default for Grid<C> {
    fn default() -> Self {
        Grid {
            shift: 0,
            cells: BTreeMap::new(),
        }
    }
}

impl<C: Cell> Grid<C> {
    /// The width of a cell in milliseconds.
    pub fn width_ms(&self) -> u64 {
        1u64 << self.shift
    }

    /// The cells: (start of the cell in ms since the epoch, cell).
    pub fn cells(&self) -> impl Iterator<Item = (u64, &C)> {
        self.cells.iter().map(move |(k, c)| (k << self.shift, c))
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn add(&mut self, ts: Millis, cell: C) {
        let key = ts.0 >> self.shift;
        match self.cells.entry(key) {
            std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().absorb(cell),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(cell);
            }
        }
        self.fit();
    }

    /// Coarsens until the grid holds at most [`MAX_POINTS`] cells.
    fn fit(&mut self) {
        while self.cells.len() > MAX_POINTS && self.shift < 63 {
            self.coarsen_to(self.shift + 1);
        }
    }

    fn coarsen_to(&mut self, shift: u32) {
        if shift <= self.shift {
            return;
        }
        let by = shift - self.shift;
        let old = std::mem::take(&mut self.cells);
        for (k, c) in old {
            match self.cells.entry(k >> by) {
                std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().absorb(c),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(c);
                }
            }
        }
        self.shift = shift;
    }

    /// Folds in the grid of what comes after this one.
    pub fn merge(&mut self, mut later: Grid<C>) {
        let shift = self.shift.max(later.shift);
        self.coarsen_to(shift);
        later.coarsen_to(shift);
        for (k, c) in later.cells {
            match self.cells.entry(k) {
                std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().absorb(c),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(c);
                }
            }
        }
        self.fit();
    }
}

/// Values of one cell: count, sum, extremes (signal in dBm, latency in ms),
/// and how many probes of the cell were lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stat {
    pub n: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub lost: u64,
}

impl Stat {
    pub fn value(v: f64) -> Stat {
        Stat {
            n: 1,
            sum: v,
            min: v,
            max: v,
            lost: 0,
        }
    }

    pub fn loss() -> Stat {
        Stat {
            n: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            lost: 1,
        }
    }

    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }
}

impl Cell for Stat {
    fn absorb(&mut self, later: Stat) {
        self.n += later.n;
        self.sum += later.sum;
        self.min = self.min.min(later.min);
        self.max = self.max.max(later.max);
        self.lost += later.lost;
    }
}

/// Events of one cell: how many, and what the first one was (its text is
/// the marker's or the band's `<title>`).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub count: u64,
    pub first: String,
    /// The end of the latest event of the cell (bands: the outage's end).
    pub end: Millis,
    /// The start of the earliest event of the cell.
    pub start: Millis,
    /// The events' lengths added up (bands: time in outage, which over a
    /// long log is much less than `end - start` of a cell).
    pub total_ms: u64,
}

impl Mark {
    pub fn new(start: Millis, end: Millis, first: String) -> Mark {
        Mark {
            count: 1,
            first,
            end,
            start,
            total_ms: end.since(start),
        }
    }
}

impl Cell for Mark {
    fn absorb(&mut self, later: Mark) {
        self.count += later.count;
        self.total_ms = self.total_ms.saturating_add(later.total_ms);
        if later.start < self.start {
            self.start = later.start;
        }
        if later.end > self.end {
            self.end = later.end;
        }
    }
}

/// The probes of one target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetSeries {
    pub role: Option<ProbeRole>,
    pub probes: u64,
    pub lost: u64,
    pub latency: Grid<Stat>,
}

/// Marker kinds under the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    /// Disconnect, deauth, disassoc.
    Disconnect,
    Roam,
    /// Interface added/removed, link up/down.
    Interface,
}

/// An outage as the page's table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutageRow {
    pub start: Millis,
    pub duration_ms: u64,
    pub target: String,
    pub cause: Cause,
    pub summary: String,
    /// The evidence quoted, one short line each (at most [`MAX_EVIDENCE`]).
    pub evidence: Vec<String>,
    /// Evidence items not quoted.
    pub more_evidence: usize,
}

/// A roam as the page's table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoamRow {
    pub ts: Millis,
    pub from: String,
    pub to: String,
    pub signal: String,
    pub gap_ms: u64,
}

/// Outages of one cause, counted exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CauseTotal {
    pub count: u64,
    pub total_ms: u64,
}

/// Everything the page draws that the summary does not keep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    pub first_ts: Option<Millis>,
    pub last_ts: Option<Millis>,
    /// Signal of the associated access point (`sample` records).
    pub signal: Grid<Stat>,
    /// Probe results per target (the first [`MAX_TARGETS`] by name order
    /// of arrival); probes of other targets are counted in `other_probes`.
    pub targets: BTreeMap<String, TargetSeries>,
    pub other_probes: u64,
    /// Outage bands per cause.
    pub bands: BTreeMap<&'static str, Grid<Mark>>,
    pub causes: BTreeMap<&'static str, CauseTotal>,
    pub marks: BTreeMap<MarkKind, Grid<Mark>>,
    pub outage_count: u64,
    pub outages: Vec<OutageRow>,
    pub roam_count: u64,
    pub roams: Vec<RoamRow>,
    /// Networks connected to (escaped SSIDs, as logged).
    pub ssids: Vec<String>,
}

/// A time of day with milliseconds, UTC (the page says so).
pub fn clock(ts: Millis) -> String {
    let s = ts.rfc3339();
    // 2026-12-03T08:25:27.437Z → 08:25:27.437
    s.get(11..23).map_or(s.clone(), str::to_string)
}

fn opt_mac(m: &Option<crate::model::MacAddr>) -> String {
    m.map_or_else(|| "?".to_string(), |m| m.to_string())
}

fn evidence_line(e: &Evidence) -> String {
    format!("{} {}", clock(e.ts), describe(&e.kind))
}

impl Timeline {
    /// Folds one record in.
    pub fn observe(&mut self, r: &Record) {
        if self.first_ts.is_none_or(|f| r.ts < f) {
            self.first_ts = Some(r.ts);
        }
        if self.last_ts.is_none_or(|l| r.ts > l) {
            self.last_ts = Some(r.ts);
        }
        match &r.kind {
            Kind::Sample {
                connected: true,
                signal_dbm: Some(s),
                ..
            } => self.signal.add(r.ts, Stat::value(f64::from(*s))),
            Kind::Probe {
                target,
                role,
                ok,
                rtt_ms,
                ..
            } => {
                if self.targets.len() >= MAX_TARGETS && !self.targets.contains_key(target) {
                    self.other_probes += 1;
                    return;
                }
                let t = self.targets.entry(target.clone()).or_default();
                t.role = Some(*role);
                t.probes += 1;
                let stat = match (ok, rtt_ms) {
                    (true, Some(ms)) => Stat::value(*ms),
                    (true, None) => return,
                    (false, _) => {
                        t.lost += 1;
                        Stat::loss()
                    }
                };
                t.latency.add(r.ts, stat);
            }
            Kind::Outage {
                target,
                start,
                end,
                duration_ms,
                cause,
                evidence,
                summary,
            } => {
                self.outage_count += 1;
                let total = self.causes.entry(cause.label()).or_default();
                total.count += 1;
                total.total_ms = total.total_ms.saturating_add(*duration_ms);
                let end = (*end).max(*start);
                self.bands.entry(cause.label()).or_default().add(
                    *start,
                    Mark::new(
                        *start,
                        end,
                        format!(
                            "{} outage of {target} at {}, {:.1} s: {summary}",
                            cause.label(),
                            clock(*start),
                            *duration_ms as f64 / 1000.0
                        ),
                    ),
                );
                if self.outages.len() < MAX_ROWS {
                    self.outages.push(OutageRow {
                        start: *start,
                        duration_ms: *duration_ms,
                        target: target.clone(),
                        cause: *cause,
                        summary: summary.clone(),
                        evidence: evidence
                            .iter()
                            .take(MAX_EVIDENCE)
                            .map(evidence_line)
                            .collect(),
                        more_evidence: evidence.len().saturating_sub(MAX_EVIDENCE),
                    });
                }
            }
            Kind::Disconnected { .. } | Kind::Deauth { .. } | Kind::Disassoc { .. } => {
                self.mark(MarkKind::Disconnect, r.ts, describe(&r.kind))
            }
            Kind::Roamed {
                from_bssid,
                to_bssid,
                from_channel,
                to_channel,
                signal_before_dbm,
                signal_after_dbm,
                gap_ms,
            } => {
                self.roam_count += 1;
                self.mark(MarkKind::Roam, r.ts, describe(&r.kind));
                if self.roams.len() < MAX_ROWS {
                    let side = |m: &Option<crate::model::MacAddr>, c: &Option<u16>| match c {
                        Some(c) => format!("{} (channel {c})", opt_mac(m)),
                        None => opt_mac(m),
                    };
                    let dbm = |d: &Option<i32>| d.map_or("?".to_string(), |d| format!("{d} dBm"));
                    self.roams.push(RoamRow {
                        ts: r.ts,
                        from: side(from_bssid, from_channel),
                        to: side(to_bssid, to_channel),
                        signal: format!("{} → {}", dbm(signal_before_dbm), dbm(signal_after_dbm)),
                        gap_ms: *gap_ms,
                    });
                }
            }
            Kind::InterfaceAdded { name } | Kind::InterfaceRemoved { name } => {
                let what = format!(
                    "{} {}",
                    r.kind.name().replace('_', " "),
                    name.as_deref().or(r.iface.as_deref()).unwrap_or("")
                );
                self.mark(MarkKind::Interface, r.ts, what.trim_end().to_string())
            }
            Kind::Link { .. } => self.mark(MarkKind::Interface, r.ts, describe(&r.kind)),
            Kind::Connected { ssid: Some(s), .. }
                if self.ssids.len() < MAX_SSIDS && !self.ssids.contains(s) =>
            {
                self.ssids.push(s.clone());
            }
            _ => {}
        }
    }

    fn mark(&mut self, kind: MarkKind, ts: Millis, what: String) {
        let text = format!("{} {what}", clock(ts));
        self.marks
            .entry(kind)
            .or_default()
            .add(ts, Mark::new(ts, ts, text));
    }

    /// Folds in the timeline of what comes after this one (the next part
    /// of a file read in parallel, or the next file).
    pub fn merge(&mut self, later: Timeline) {
        self.first_ts = match (self.first_ts, later.first_ts) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_ts = self.last_ts.max(later.last_ts);
        self.signal.merge(later.signal);
        for (name, t) in later.targets {
            if let Some(mine) = self.targets.get_mut(&name) {
                mine.role = mine.role.or(t.role);
                mine.probes += t.probes;
                mine.lost += t.lost;
                mine.latency.merge(t.latency);
            } else if self.targets.len() < MAX_TARGETS {
                self.targets.insert(name, t);
            } else {
                self.other_probes += t.probes;
            }
        }
        self.other_probes += later.other_probes;
        for (cause, g) in later.bands {
            self.bands.entry(cause).or_default().merge(g);
        }
        for (cause, t) in later.causes {
            let mine = self.causes.entry(cause).or_default();
            mine.count += t.count;
            mine.total_ms = mine.total_ms.saturating_add(t.total_ms);
        }
        for (kind, g) in later.marks {
            self.marks.entry(kind).or_default().merge(g);
        }
        self.outage_count += later.outage_count;
        let room = MAX_ROWS.saturating_sub(self.outages.len());
        self.outages.extend(later.outages.into_iter().take(room));
        self.roam_count += later.roam_count;
        let room = MAX_ROWS.saturating_sub(self.roams.len());
        self.roams.extend(later.roams.into_iter().take(room));
        for s in later.ssids {
            if self.ssids.len() < MAX_SSIDS && !self.ssids.contains(&s) {
                self.ssids.push(s);
            }
        }
    }

    /// The time span the chart covers: the records' and the outages' own.
    pub fn span(&self) -> Option<(u64, u64)> {
        let mut lo = self.first_ts?.0;
        let mut hi = self.last_ts?.0;
        for g in self.bands.values() {
            for (_, m) in g.cells() {
                lo = lo.min(m.start.0);
                hi = hi.max(m.end.0);
            }
        }
        Some((lo, hi.max(lo + 1)))
    }
}
