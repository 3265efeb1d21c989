//! `wifidiag report --html`: one self-contained HTML5 page for the ticket.
//!
//! Inline CSS (with a print stylesheet) and inline SVG, no script and no
//! external resource. The markup is written with `maud`, which escapes
//! every spliced value by default: no string from a log, the kernel or the
//! network can open a tag or an attribute. The data comes from two pure
//! accumulators folded over the records as `report` streams them, the
//! [`Summary`] (shared with the text and JSON reports) and the
//! [`Timeline`](timeline::Timeline) (the chart's decimated series and the
//! tables' rows), both bounded in memory whatever the size of the log.

pub mod channels;
pub mod chart;
pub mod diagnosis;
pub mod timeline;

use crate::watch::event::Initiator;
use crate::watch::summary::Summary;
use chart::{cause_fill, cause_name, CAUSES};
use maud::{html, Markup, DOCTYPE};
use timeline::{clock, Timeline};

/// What the page is made of.
pub struct Page<'a> {
    /// The logs read, as they should be shown (redacted if asked).
    pub files: &'a [String],
    pub summary: &'a Summary,
    pub timeline: &'a Timeline,
    /// `wifidiag.diagnose/1` documents given beside the logs.
    pub diagnoses: &'a [diagnosis::DiagnosisSection],
    /// `wifidiag.channels/1` documents given beside the logs.
    pub channels: &'a [channels::ChannelsSection],
    /// When the page was made (RFC 3339).
    pub generated: String,
}

/// A duration for people: "6.6 s", "3 min 12 s", "2 h 5 min", "3 d 4 h".
pub fn human_ms(ms: u64) -> String {
    let s = ms / 1000;
    if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{} h {} min", s / 3600, s % 3600 / 60)
    } else {
        format!("{} d {} h", s / 86_400, s % 86_400 / 3600)
    }
}

/// What a cause means, for the verdicts.
fn cause_meaning(label: &str) -> &'static str {
    match label {
        "wifi" => "the laptop lost its association (a disconnect, a deauthentication or a roam gap)",
        "wifi_degraded" => "the laptop stayed associated but the link was too weak to carry traffic (low signal, retries, beacon loss)",
        "lan" => "the Wi-Fi link was healthy but the gateway did not answer: the local network failed",
        "dns" => "the gateway answered but the server's name did not resolve",
        "server" => "the Wi-Fi and the gateway were fine; the server itself did not answer",
        _ => "the evidence was not enough to say",
    }
}

/// The headline: outages by cause in one sentence.
pub fn headline(s: &Summary, t: &Timeline) -> String {
    let watched = match (s.first_ts, s.last_ts) {
        (Some(a), Some(b)) => format!(" in {} of log", human_ms(b.since(a))),
        _ => String::new(),
    };
    if t.outage_count == 0 {
        return format!("No outage{watched}.");
    }
    let mut parts: Vec<(u64, String)> = t
        .causes
        .iter()
        .map(|(c, n)| (n.count, format!("{} {}", n.count, cause_name(c))))
        .collect();
    parts.sort_by_key(|p| std::cmp::Reverse(p.0));
    let list: Vec<String> = parts.into_iter().map(|p| p.1).collect();
    format!(
        "{} outage{}{watched}: {}.",
        t.outage_count,
        if t.outage_count == 1 { "" } else { "s" },
        list.join(", ")
    )
}

const CSS: &str = r#"
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1d1d1f; background: #fff; margin: 0 auto; padding: 24px 28px 48px; max-width: 1180px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
.meta { color: #555; margin: 0 0 16px; font-size: .92em; }
.headline { font-size: 1.25em; font-weight: 600; margin: 10px 0; }
ul.verdicts { padding-left: 0; list-style: none; margin: 0; }
ul.verdicts li { margin: 6px 0; padding: 6px 10px; border-left: 6px solid #ccc; background: #fafafa; }
.cause { display: inline-block; padding: 0 7px; border-radius: 4px; font-weight: 600; white-space: nowrap; }
.example { color: #444; font-size: .92em; }
svg.chart { width: 100%; height: auto; display: block; font: 12px "DejaVu Sans", system-ui, sans-serif; }
svg.chart .frame { fill: none; stroke: #999; stroke-width: 1; }
svg.chart .grid { stroke: #e3e3e3; stroke-width: 1; }
svg.chart .tick { fill: #555; font-size: 11px; }
svg.chart .lane-label { fill: #222; font-weight: 600; }
svg.chart .lane-sub { fill: #555; font-size: 11px; }
svg.chart .none { fill: #888; font-style: italic; }
svg.chart .series { fill: none; stroke-width: 1.6; stroke-linejoin: round; stroke-linecap: round; }
svg.chart .series.signal { stroke: #1f5fbf; }
svg.chart .series.latency { stroke: #2a7d3b; }
svg.chart .loss { stroke: #c0162c; stroke-width: 1.8; fill: none; }
svg.chart .sym.disconnect { fill: #c0162c; }
svg.chart .sym.roam { fill: #1f5fbf; }
svg.chart .sym.interface { fill: #666; }
.note { color: #666; font-size: .85em; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 4px; font-size: .92em; }
th, td { border: 1px solid #ddd; padding: 4px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; white-space: nowrap; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; }
ul.evidence { margin: 4px 0 0; padding-left: 18px; color: #444; font-size: .9em; }
svg.channels { width: 100%; height: auto; display: block; margin: 6px 0; font: 12px "DejaVu Sans", system-ui, sans-serif; }
svg.channels .bar { fill: #9fb3cc; }
svg.channels .current { fill: #e07b7b; }
svg.channels .recommended { fill: #3a9d5d; }
svg.channels .tick { fill: #444; font-size: 11px; }
svg.channels .tick.ch { font-size: 10px; }
svg.channels .grid { stroke: #e3e3e3; }
svg.channels .axis-line { stroke: #999; }
.status { font-weight: 600; white-space: nowrap; }
.status.fail { color: #b00020; }
.status.warn { color: #9a5b00; }
.status.ok { color: #2a7d3b; }
footer { margin-top: 32px; color: #777; font-size: .85em; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { font-size: 10pt; padding: 0; max-width: none; }
  h2 { break-after: avoid; }
  tr, ul.verdicts li, svg.chart { break-inside: avoid; }
  ul.verdicts li { background: none; }
  th { background: none; }
  .cause, svg.chart rect { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"#;

fn cause_chip(label: &str) -> Markup {
    html! { span class="cause" style={ "background:" (cause_fill(label)) } { (cause_name(label)) } }
}

fn more(total: u64, listed: usize, what: &str) -> Markup {
    let more = total.saturating_sub(listed as u64);
    html! {
        @if more > 0 {
            p class="note" { "… and " (more) " more " (what) " not listed (the counts above are exact)." }
        }
    }
}

/// The whole page.
pub fn render(p: &Page) -> String {
    let s = p.summary;
    let t = p.timeline;
    let period = match (s.first_ts, s.last_ts) {
        (Some(a), Some(b)) => format!("{} to {} (UTC)", a.rfc3339(), b.rfc3339()),
        _ => "no records".into(),
    };
    let mut hosts: Vec<&str> = s.hosts.iter().map(String::as_str).collect();
    let doc_hosts = p.diagnoses.iter().map(|d| d.hostname.as_deref());
    let doc_hosts = doc_hosts.chain(p.channels.iter().map(|c| c.hostname.as_deref()));
    for h in doc_hosts.flatten() {
        if !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    let logs = s.events > 0;
    let title = if hosts.is_empty() {
        "Wi-Fi report".to_string()
    } else {
        format!("Wi-Fi report: {}", hosts.join(", "))
    };
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "wifidiag " (env!("CARGO_PKG_VERSION")) };
                title { (title) }
                style { (maud::PreEscaped(CSS)) }
            }
            body {
                header {
                    h1 { (title) }
                    @if logs {
                    p class="meta" {
                        (period) br;
                        (s.runs) " watch run(s), " (s.events) " event(s) from " (p.files.join(", "))
                        @if !t.ssids.is_empty() {
                            br; "Networks: " (t.ssids.join(", "))
                        }
                    }
                    }
                }
                @if !logs {
                    @for d in p.diagnoses {
                        (diagnosis::render(d))
                    }
                    @for c in p.channels {
                        (channels::render(c))
                    }
                }
                @if logs {
                section id="verdicts" {
                    h2 { "What happened" }
                    p class="headline" { (headline(s, t)) }
                    @if !t.causes.is_empty() {
                        ul class="verdicts" {
                            @for (label, _, fill) in CAUSES.iter().filter(|c| t.causes.contains_key(c.0)) {
                                @let n = t.causes[label];
                                li style={ "border-left-color:" (fill) } {
                                    (cause_chip(label)) " "
                                    (n.count) " outage" @if n.count != 1 { "s" } ", " (human_ms(n.total_ms)) " in all: "
                                    (cause_meaning(label)) "."
                                    @if let Some(o) = t.outages.iter().find(|o| o.cause.label() == *label) {
                                        br; span class="example" { "For example, at " (clock(o.start)) ": " (o.summary) }
                                    }
                                }
                            }
                        }
                    }
                    @if s.suspends > 0 {
                        p { "The laptop slept " (s.suspends) " time(s), " (human_ms(s.suspended_ms)) " in all (not counted as outages)." }
                    }
                    @if let Some(r) = &s.stop_reason {
                        p class="note" { "The last run stopped: " (r) }
                    }
                }
                section id="timeline" {
                    h2 { "Timeline" }
                    (chart::chart(t))
                    p class="note" {
                        "Times in UTC. Shaded bands are outages, coloured by cause; hover a band or a marker for what it was. "
                        "Each series keeps at most " (timeline::MAX_POINTS) " points: over a long log a point is the mean of its span, "
                        "and a band is as wide as the time in outage within its span."
                        @if t.other_probes > 0 {
                            " " (t.other_probes) " probe(s) of targets beyond the first " (timeline::MAX_TARGETS) " are not drawn."
                        }
                    }
                }
                @for d in p.diagnoses {
                    (diagnosis::render(d))
                }
                section id="outages" {
                    h2 { "Outages (" (t.outage_count) ")" }
                    @if t.outages.is_empty() {
                        p { "No outage." }
                    } @else {
                        table {
                            thead { tr { th { "Start (UTC)" } th { "Duration" } th { "Target" } th { "Cause" } th { "What happened, and the evidence" } } }
                            tbody {
                                @for o in &t.outages {
                                    tr {
                                        td class="when" { (o.start.rfc3339()) }
                                        td class="num" { (human_ms(o.duration_ms)) }
                                        td { (o.target) }
                                        td { (cause_chip(o.cause.label())) }
                                        td {
                                            (o.summary)
                                            @if !o.evidence.is_empty() {
                                                ul class="evidence" {
                                                    @for e in &o.evidence { li { (e) } }
                                                    @if o.more_evidence > 0 { li { "… " (o.more_evidence) " more" } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        (more(t.outage_count, t.outages.len(), "outage(s)"))
                    }
                }
                section id="disconnects" {
                    h2 { "Disconnect reasons" }
                    @if s.disconnects.is_empty() {
                        p { "No disconnect." }
                    } @else {
                        table {
                            thead { tr { th { "Reason" } th { "By" } th { "Count" } } }
                            tbody {
                                @for d in &s.disconnects {
                                    tr {
                                        td { (d.reason) " (" (d.reason_name) ")" }
                                        td { @match d.by { Initiator::Ap => "the access point", Initiator::Local => "this laptop" } }
                                        td class="num" { (d.count) }
                                    }
                                }
                            }
                        }
                    }
                }
                section id="roams" {
                    h2 { "Roams (" (t.roam_count) ")" }
                    @if t.roams.is_empty() {
                        p { "No roam." }
                    } @else {
                        table {
                            thead { tr { th { "Time (UTC)" } th { "From" } th { "To" } th { "Signal" } th { "Gap" } } }
                            tbody {
                                @for r in &t.roams {
                                    tr {
                                        td class="when" { (r.ts.rfc3339()) }
                                        td { (r.from) }
                                        td { (r.to) }
                                        td { (r.signal) }
                                        td class="num" { (r.gap_ms) " ms" }
                                    }
                                }
                            }
                        }
                        (more(t.roam_count, t.roams.len(), "roam(s)"))
                    }
                }
                section id="patterns" {
                    h2 { "Roaming patterns (" (s.pattern_count) ")" }
                    @if s.patterns.is_empty() {
                        p { "No pattern." }
                    } @else {
                        table {
                            thead { tr { th { "Time (UTC)" } th { "Pattern" } th { "What the watch saw" } } }
                            tbody {
                                @for pat in &s.patterns {
                                    tr { td class="when" { (pat.ts.rfc3339()) } td { (pat.pathology) } td { (pat.summary) } }
                                }
                            }
                        }
                        (more(s.pattern_count, s.patterns.len(), "pattern(s)"))
                    }
                }
                @for c in p.channels {
                    (channels::render(c))
                }
                @if !s.signal.is_empty() {
                    section id="signal" {
                        h2 { "Signal per access point" }
                        table {
                            thead { tr { th { "BSSID" } th { "Samples" } th { "Min" } th { "Average" } th { "Max" } } }
                            tbody {
                                @for (bssid, st) in &s.signal {
                                    tr {
                                        td { (bssid.to_string()) }
                                        td class="num" { (st.samples) }
                                        td class="num" { (st.min_dbm) " dBm" }
                                        td class="num" { (format!("{:.0}", st.mean_dbm)) " dBm" }
                                        td class="num" { (st.max_dbm) " dBm" }
                                    }
                                }
                            }
                        }
                    }
                }
                }
                footer {
                    "Made by wifidiag " (env!("CARGO_PKG_VERSION")) " on " (p.generated)
                    ". The page needs no network and no script."
                }
            }
        }
    };
    markup.into_string()
}

#[cfg(test)]
mod tests;
