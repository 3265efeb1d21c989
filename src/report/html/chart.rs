//! The timeline chart: pure functions from a [`Timeline`] to inline SVG.
//!
//! Written with the same markup macro as the page (every string from a log
//! is escaped by it), with our own small geometry: one lane for the signal,
//! one per probe target (latency as a line, losses as marks), one for
//! disconnects, roams and interface events, outages as bands across all of
//! them coloured by cause, a time axis in UTC and a legend.

use super::timeline::{Grid, Mark, MarkKind, Stat, Timeline};
use maud::{html, Markup};

/// The SVG's user units.
pub const WIDTH: f64 = 1000.0;
/// Where the plot starts (lane labels sit left of it) and its width.
pub const PLOT_X: f64 = 150.0;
pub const PLOT_W: f64 = 830.0;
const LEGEND_H: f64 = 28.0;
const SIGNAL_H: f64 = 120.0;
const TARGET_H: f64 = 64.0;
const LANE_GAP: f64 = 10.0;
const EVENTS_H: f64 = 48.0;
const AXIS_H: f64 = 28.0;

/// The causes in the order the legend lists them: (label, name, fill).
pub const CAUSES: [(&str, &str, &str); 6] = [
    ("wifi", "Wi-Fi", "#f4a6a6"),
    ("wifi_degraded", "Wi-Fi degraded", "#f9c98f"),
    ("lan", "local network", "#c9b3e6"),
    ("dns", "DNS", "#9fdde6"),
    ("server", "server", "#f2dc7a"),
    ("unknown", "unknown", "#cfcfcf"),
];

/// The band colour of a cause.
pub fn cause_fill(label: &str) -> &'static str {
    CAUSES
        .iter()
        .find(|c| c.0 == label)
        .map_or("#cfcfcf", |c| c.2)
}

/// The human name of a cause.
pub fn cause_name(label: &str) -> &str {
    CAUSES.iter().find(|c| c.0 == label).map_or(label, |c| c.1)
}

/// Maps times (ms since the epoch) to x.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub lo: u64,
    pub hi: u64,
}

impl Scale {
    pub fn x(&self, t: u64) -> f64 {
        let span = (self.hi - self.lo).max(1) as f64;
        PLOT_X + (t.saturating_sub(self.lo)) as f64 / span * PLOT_W
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// A path through the cells' means, broken where the series has a gap
/// (no cell for more than three times the usual spacing).
fn line_path(g: &Grid<Stat>, scale: Scale, y: impl Fn(f64) -> f64) -> String {
    let pts: Vec<(u64, f64)> = g
        .cells()
        .filter_map(|(t, s)| s.mean().map(|m| (t + g.width_ms() / 2, m)))
        .collect();
    let mut gaps: Vec<u64> = pts.windows(2).map(|w| w[1].0 - w[0].0).collect();
    gaps.sort_unstable();
    let usual = gaps
        .get(gaps.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(0);
    let limit = (usual * 3).max(g.width_ms() * 3);
    let mut d = String::with_capacity(pts.len() * 14);
    let mut prev: Option<u64> = None;
    // A point alone between gaps is drawn as a dot (a round cap on a
    // line 0.1 long), or it would not show at all.
    let mut alone = false;
    for (t, v) in &pts {
        let cmd = match prev {
            Some(p) if t - p <= limit => 'L',
            _ => 'M',
        };
        if cmd == 'M' && alone {
            d.push_str("l0.1,0");
        }
        alone = cmd == 'M';
        d.push(cmd);
        d.push_str(&f(scale.x(*t)));
        d.push(',');
        d.push_str(&f(y(*v)));
        prev = Some(*t);
    }
    if alone {
        d.push_str("l0.1,0");
    }
    d
}

/// Nice steps for the time axis, in ms.
const STEPS: [u64; 20] = [
    1_000,
    2_000,
    5_000,
    10_000,
    15_000,
    30_000,
    60_000,
    120_000,
    300_000,
    600_000,
    900_000,
    1_800_000,
    3_600_000,
    7_200_000,
    10_800_000,
    21_600_000,
    43_200_000,
    86_400_000,
    172_800_000,
    604_800_000,
];

/// The axis ticks: (time, label), at most about 8.
pub fn ticks(scale: Scale) -> Vec<(u64, String)> {
    let span = scale.hi - scale.lo;
    let step = STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 8)
        .unwrap_or(span / 8 + 1);
    let first = scale.lo.div_ceil(step) * step;
    (0..)
        .map(|i| first + i * step)
        .take_while(|t| *t <= scale.hi)
        .map(|t| {
            let s = crate::watch::event::Millis(t).rfc3339();
            // 2026-12-03T08:25:27.437Z
            let label = if span >= 2 * 86_400_000 {
                if step >= 86_400_000 {
                    s[5..10].to_string()
                } else {
                    format!("{} {}", &s[5..10], &s[11..16])
                }
            } else if step < 60_000 {
                s[11..19].to_string()
            } else {
                s[11..16].to_string()
            };
            (t, label)
        })
        .collect()
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A marker's or band's tooltip: the event, or how many the cell holds.
fn title(m: &Mark, one: &str, many: &str) -> String {
    if m.count == 1 {
        m.first.clone()
    } else {
        format!(
            "{} between {} and {} (UTC); the first: {}",
            plural(m.count, one, many),
            super::timeline::clock(m.start),
            super::timeline::clock(m.end),
            m.first
        )
    }
}

/// The chart of a timeline; empty when it has no records.
pub fn chart(t: &Timeline) -> Markup {
    let Some((lo, hi)) = t.span() else {
        return html! {};
    };
    let scale = Scale { lo, hi };
    let lanes_top = LEGEND_H;
    let signal_top = lanes_top;
    let targets_top = signal_top + SIGNAL_H + LANE_GAP;
    let events_top = targets_top + t.targets.len() as f64 * (TARGET_H + LANE_GAP);
    let lanes_bottom = events_top + EVENTS_H;
    let height = lanes_bottom + AXIS_H;

    // Signal: -90..-20 dBm, widened to what was seen.
    let (mut smin, mut smax) = (-90.0f64, -20.0f64);
    for (_, s) in t.signal.cells() {
        if s.n > 0 {
            smin = smin.min((s.min / 10.0).floor() * 10.0);
            smax = smax.max((s.max / 10.0).ceil() * 10.0);
        }
    }
    let sy = |v: f64| signal_top + SIGNAL_H - (v - smin) / (smax - smin) * SIGNAL_H;
    let causes_seen: Vec<_> = CAUSES
        .iter()
        .filter(|c| t.bands.contains_key(c.0))
        .collect();
    let legend_marks = [
        (MarkKind::Disconnect, "disconnect"),
        (MarkKind::Roam, "roam"),
        (MarkKind::Interface, "interface/link"),
    ];

    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"
            viewBox={ "0 0 " (WIDTH) " " (f(height)) }
            aria-label="Timeline: signal, probes, outages by cause, disconnects and roams" {
            title { "Timeline of the watch (UTC)" }
            // Legend: the causes seen, then the markers.
            g class="legend" {
                @for (x, item) in legend_layout(&causes_seen, &legend_marks) {
                    @match item {
                        LegendItem::Cause(label, name, fill) => {
                            rect class={ "swatch " (label) } x=(f(x)) y="6" width="14" height="14" fill=(fill) {}
                            text x=(f(x + 18.0)) y="18" { (name) " outage" }
                        }
                        LegendItem::Mark(kind, name) => {
                            (marker(kind, x + 7.0, 13.0))
                            text x=(f(x + 16.0)) y="18" { (name) }
                        }
                    }
                }
            }
            // Bands first, under everything else.
            g class="bands" {
                @for (label, grid) in band_order(t) {
                    @for (_, m) in grid.cells() {
                        @let x = scale.x(m.start.0);
                        // A cell of many outages is as wide as their time
                        // added up, not as the span from the first to the
                        // last (that would shade a whole month).
                        // One outage alone stays visible however short.
                        @let w = (scale.x(m.start.0 + m.total_ms.min(m.end.since(m.start))) - x)
                            .max(if m.count == 1 { 1.5 } else { 0.01 });
                        rect class={ "band " (label) } x=(f(x)) y=(f(lanes_top)) width=(format!("{w:.2}"))
                            height=(f(lanes_bottom - lanes_top)) fill=(cause_fill(label)) {
                            title { (title(m, "outage", "outages")) }
                        }
                    }
                }
            }
            // The signal lane.
            g class="lane signal" {
                rect class="frame" x=(f(PLOT_X)) y=(f(signal_top)) width=(f(PLOT_W)) height=(f(SIGNAL_H)) {}
                text class="lane-label" x="8" y=(f(signal_top + 16.0)) { "Signal (dBm)" }
                @for v in [smax, (smax + smin) / 2.0, smin] {
                    line class="grid" x1=(f(PLOT_X)) x2=(f(PLOT_X + PLOT_W)) y1=(f(sy(v))) y2=(f(sy(v))) {}
                    text class="tick" x=(f(PLOT_X - 4.0)) y=(f(sy(v) + 4.0)) text-anchor="end" { (format!("{v:.0}")) }
                }
                @if !t.signal.is_empty() {
                    path class="series signal" d=(line_path(&t.signal, scale, sy)) {}
                } @else {
                    text class="none" x=(f(PLOT_X + 8.0)) y=(f(signal_top + SIGNAL_H / 2.0)) { "no signal samples" }
                }
            }
            // One lane per probe target.
            @for (i, (name, series)) in t.targets.iter().enumerate() {
                @let top = targets_top + i as f64 * (TARGET_H + LANE_GAP);
                @let max = series.latency.cells().filter(|(_, s)| s.n > 0)
                    .map(|(_, s)| s.sum / s.n as f64).fold(1.0f64, f64::max);
                @let ceiling = nice_ceiling(max);
                @let ly = |v: f64| top + TARGET_H - (v.min(ceiling) / ceiling) * (TARGET_H - 12.0);
                g class="lane target" {
                    rect class="frame" x=(f(PLOT_X)) y=(f(top)) width=(f(PLOT_W)) height=(f(TARGET_H)) {}
                    text class="lane-label" x="8" y=(f(top + 16.0)) { (short(name, 20)) title { (name) } }
                    text class="lane-sub" x="8" y=(f(top + 31.0)) {
                        (role_name(series.role)) ", latency (ms)"
                    }
                    text class="lane-sub" x="8" y=(f(top + 46.0)) {
                        (series.lost) " of " (series.probes) " lost"
                    }
                    text class="tick" x=(f(PLOT_X - 4.0)) y=(f(ly(ceiling) + 4.0)) text-anchor="end" { (format!("{ceiling:.0}")) }
                    text class="tick" x=(f(PLOT_X - 4.0)) y=(f(ly(0.0))) text-anchor="end" { "0" }
                    path class="series latency" d=(line_path(&series.latency, scale, ly)) {}
                    @for (start, s) in series.latency.cells().filter(|(_, s)| s.lost > 0) {
                        @let x = scale.x(start + series.latency.width_ms() / 2);
                        path class="loss" d={ "M" (f(x - 3.0)) "," (f(top + 2.0)) "L" (f(x + 3.0)) "," (f(top + 8.0))
                            "M" (f(x + 3.0)) "," (f(top + 2.0)) "L" (f(x - 3.0)) "," (f(top + 8.0)) } {
                            title { (plural(s.lost, "probe", "probes")) " lost" }
                        }
                    }
                }
            }
            // Disconnects, roams, interface events: one row each.
            g class="lane events" {
                rect class="frame" x=(f(PLOT_X)) y=(f(events_top)) width=(f(PLOT_W)) height=(f(EVENTS_H)) {}
                text class="lane-label" x="8" y=(f(events_top + 16.0)) { "Events" }
                @if t.marks.is_empty() {
                    text class="none" x=(f(PLOT_X + 8.0)) y=(f(events_top + EVENTS_H / 2.0 + 4.0)) { "no disconnect, roam or interface event" }
                }
                @for (row, (kind, _)) in legend_marks.iter().enumerate() {
                    @if let Some(grid) = t.marks.get(kind) {
                        @for (_, m) in grid.cells() {
                            g class={ "mark " (mark_class(*kind)) } {
                                title { (title(m, mark_one(*kind), mark_many(*kind))) }
                                (marker(*kind, scale.x(m.start.0), events_top + 9.0 + row as f64 * 15.0))
                            }
                        }
                    }
                }
            }
            // The time axis.
            g class="axis" {
                @for (tick, label) in ticks(scale) {
                    line class="grid" x1=(f(scale.x(tick))) x2=(f(scale.x(tick))) y1=(f(lanes_top)) y2=(f(lanes_bottom + 4.0)) {}
                    text class="tick" x=(f(scale.x(tick))) y=(f(lanes_bottom + 18.0)) text-anchor="middle" { (label) }
                }
                text class="tick" x="8" y=(f(lanes_bottom + 18.0)) { "UTC" }
            }
        }
    }
}

/// The causes' bands, the one with the most time in outage first, so the
/// shorter ones are drawn over it and stay visible.
fn band_order(t: &Timeline) -> Vec<(&'static str, &Grid<Mark>)> {
    let mut bands: Vec<_> = t.bands.iter().map(|(c, g)| (*c, g)).collect();
    bands.sort_by_key(|(c, _)| std::cmp::Reverse(t.causes.get(c).map_or(0, |n| n.total_ms)));
    bands
}

enum LegendItem<'a> {
    Cause(&'a str, &'a str, &'a str),
    Mark(MarkKind, &'a str),
}

/// The legend's items left to right, each as wide as its text (about
/// 7 units a character at the chart's 12 px).
fn legend_layout<'a>(
    causes: &[&'a (&'a str, &'a str, &'a str)],
    marks: &[(MarkKind, &'a str)],
) -> Vec<(f64, LegendItem<'a>)> {
    let mut x = PLOT_X;
    let mut out = Vec::new();
    for (label, name, fill) in causes.iter().copied() {
        out.push((x, LegendItem::Cause(label, name, fill)));
        x += 18.0 + 7.0 * (name.chars().count() + " outage".len()) as f64 + 18.0;
    }
    for (kind, name) in marks {
        out.push((x, LegendItem::Mark(*kind, name)));
        x += 16.0 + 7.0 * name.chars().count() as f64 + 18.0;
    }
    out
}

fn mark_class(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Disconnect => "disconnect",
        MarkKind::Roam => "roam",
        MarkKind::Interface => "interface",
    }
}

fn mark_one(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Disconnect => "disconnect",
        MarkKind::Roam => "roam",
        MarkKind::Interface => "interface event",
    }
}

fn mark_many(k: MarkKind) -> &'static str {
    match k {
        MarkKind::Disconnect => "disconnects",
        MarkKind::Roam => "roams",
        MarkKind::Interface => "interface events",
    }
}

/// A marker's symbol centred on (x, y): a red triangle for a disconnect, a
/// blue diamond for a roam, a grey square for an interface event.
fn marker(k: MarkKind, x: f64, y: f64) -> Markup {
    match k {
        MarkKind::Disconnect => html! {
            path class="sym disconnect" d={ "M" (f(x - 5.0)) "," (f(y - 5.0)) "L" (f(x + 5.0)) "," (f(y - 5.0)) "L" (f(x)) "," (f(y + 5.0)) "Z" } {}
        },
        MarkKind::Roam => html! {
            path class="sym roam" d={ "M" (f(x)) "," (f(y - 6.0)) "L" (f(x + 5.0)) "," (f(y)) "L" (f(x)) "," (f(y + 6.0)) "L" (f(x - 5.0)) "," (f(y)) "Z" } {}
        },
        MarkKind::Interface => html! {
            rect class="sym interface" x=(f(x - 4.0)) y=(f(y - 4.0)) width="8" height="8" {}
        },
    }
}

fn role_name(r: Option<crate::watch::probe::result::ProbeRole>) -> &'static str {
    use crate::watch::probe::result::ProbeRole;
    match r {
        Some(ProbeRole::Gateway) => "gateway",
        Some(ProbeRole::Dns) => "DNS",
        Some(ProbeRole::Target) | None => "target",
    }
}

/// At most `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n - 1).collect();
        out.push('…');
        out
    }
}

/// 1, 2 or 5 times a power of ten, at least `v`.
pub fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v > 1e12 {
        return 1e12;
    }
    let mut p = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            if m * p >= v {
                return m * p;
            }
        }
        p *= 10.0;
    }
}
