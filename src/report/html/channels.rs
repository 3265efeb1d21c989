//! A `wifidiag.channels/1` document given to `report --html`: the channel
//! picture, a bar per channel of each band (its score: lower is better),
//! the current channel and the recommended one marked, with the reasons.

use super::chart::nice_ceiling;
use maud::{html, Markup};
use serde_json::Value;

pub const SCHEMA: &str = "wifidiag.channels/1";
/// Channels drawn per band (6 GHz has 59 at 20 MHz).
pub const MAX_BARS: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub channel: u64,
    pub score: f64,
    pub bss_count: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BandChart {
    pub band: String,
    pub bars: Vec<Bar>,
    pub current: Option<u64>,
    pub recommended: Option<u64>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChannelsSection {
    pub source: String,
    pub timestamp: Option<String>,
    pub hostname: Option<String>,
    pub own_ssid: Option<String>,
    pub confidence: Option<String>,
    pub bands: Vec<BandChart>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The section of a document, or `None` when it is not a
/// `wifidiag.channels/1` document.
pub fn section(source: String, doc: &Value) -> Option<ChannelsSection> {
    if doc.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
        return None;
    }
    let mut bands: Vec<BandChart> = Vec::new();
    for c in list(doc, "channels") {
        if c.get("allowed").and_then(Value::as_bool) == Some(false) {
            continue;
        }
        let (Some(band), Some(channel), Some(score)) = (
            text(c, "band"),
            c.get("channel").and_then(Value::as_u64),
            c.get("score").and_then(Value::as_f64),
        ) else {
            continue;
        };
        let i = match bands.iter().position(|b| b.band == band) {
            Some(i) => i,
            None => {
                bands.push(BandChart {
                    band,
                    bars: Vec::new(),
                    current: None,
                    recommended: None,
                    reasons: Vec::new(),
                });
                bands.len() - 1
            }
        };
        if bands[i].bars.len() < MAX_BARS {
            bands[i].bars.push(Bar {
                channel,
                score,
                bss_count: c.get("bss_count").and_then(Value::as_u64).unwrap_or(0),
            });
        }
    }
    for b in &mut bands {
        for r in list(doc, "recommendations") {
            if text(r, "band").as_deref() == Some(&b.band) {
                b.recommended = r.get("channel").and_then(Value::as_u64);
                b.current = r.get("current_channel").and_then(Value::as_u64);
                b.reasons = list(r, "reasons")
                    .iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect();
            }
        }
        if b.current.is_none() {
            b.current = list(doc, "own_network")
                .iter()
                .find(|n| text(n, "band").as_deref() == Some(&b.band))
                .and_then(|n| n.get("channel").and_then(Value::as_u64));
        }
    }
    // The bands our network is on, or has a recommendation for, first.
    bands.sort_by_key(|b| b.current.is_none() && b.recommended.is_none());
    Some(ChannelsSection {
        source,
        timestamp: text(doc, "timestamp"),
        hostname: text(doc, "hostname"),
        own_ssid: text(doc, "own_ssid"),
        confidence: text(doc, "confidence"),
        bands,
    })
}

const W: f64 = 1000.0;
const X0: f64 = 60.0;
const PW: f64 = 920.0;
const TOP: f64 = 24.0;
const PH: f64 = 120.0;

/// One band's bar chart.
pub fn band_chart(b: &BandChart) -> Markup {
    let n = b.bars.len().max(1) as f64;
    let slot = PW / n;
    let max = nice_ceiling(b.bars.iter().map(|x| x.score).fold(0.1, f64::max));
    let y = |v: f64| TOP + PH - (v.max(0.0) / max) * PH;
    // Labels every channel when they fit, else every other one.
    let every = if slot >= 16.0 { 1 } else { 2 };
    let f = |v: f64| format!("{v:.1}");
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="channels" role="img"
            viewBox={ "0 0 " (W) " " (TOP + PH + 34.0) } aria-label={ "Score per channel, " (b.band) } {
            title { "Score per channel, " (b.band) " (lower is better)" }
            text class="tick" x="4" y="14" { (b.band) ": score per channel, lower is better" }
            line class="grid" x1=(f(X0)) x2=(f(X0 + PW)) y1=(f(y(max))) y2=(f(y(max))) {}
            text class="tick" x=(f(X0 - 4.0)) y=(f(y(max) + 4.0)) text-anchor="end" { (format!("{max}")) }
            text class="tick" x=(f(X0 - 4.0)) y=(f(y(0.0) + 4.0)) text-anchor="end" { "0" }
            @for (i, bar) in b.bars.iter().enumerate() {
                @let x = X0 + i as f64 * slot + slot * 0.15;
                @let class = if Some(bar.channel) == b.recommended { "bar recommended" }
                    else if Some(bar.channel) == b.current { "bar current" } else { "bar" };
                // A marked channel scoring about 0 (the usual recommendation)
                // still shows its colour.
                @let h = (TOP + PH - y(bar.score)).max(if class == "bar" { 0.5 } else { 3.0 });
                rect class=(class) x=(f(x)) y=(f(TOP + PH - h)) width=(f(slot * 0.7))
                    height=(f(h)) {
                    title {
                        "channel " (bar.channel) ": score " (format!("{:.2}", bar.score)) ", "
                        (bar.bss_count) " network(s) heard"
                        @if Some(bar.channel) == b.current { " (current)" }
                        @if Some(bar.channel) == b.recommended { " (recommended)" }
                    }
                }
                @if i % every == 0 || Some(bar.channel) == b.current || Some(bar.channel) == b.recommended {
                    text class="tick ch" x=(f(x + slot * 0.35)) y=(f(TOP + PH + 13.0)) text-anchor="middle" { (bar.channel) }
                }
            }
            line class="axis-line" x1=(f(X0)) x2=(f(X0 + PW)) y1=(f(TOP + PH)) y2=(f(TOP + PH)) {}
            g class="legend" {
                rect class="key current" x=(f(X0)) y=(f(TOP + PH + 20.0)) width="12" height="10" {}
                text class="tick" x=(f(X0 + 16.0)) y=(f(TOP + PH + 29.0)) { "current channel" }
                rect class="key recommended" x=(f(X0 + 130.0)) y=(f(TOP + PH + 20.0)) width="12" height="10" {}
                text class="tick" x=(f(X0 + 146.0)) y=(f(TOP + PH + 29.0)) { "recommended" }
            }
        }
    }
}

/// The section as the page shows it.
pub fn render(c: &ChannelsSection) -> Markup {
    html! {
        section class="channels" {
            h2 { "Channels" @if let Some(t) = &c.timestamp { " at " (t) } }
            p class="meta" {
                "From " (c.source)
                @if let Some(h) = &c.hostname { ", on " (h) }
                @if let Some(s) = &c.own_ssid { "; the network: " (s) }
                @if let Some(k) = &c.confidence { "; confidence: " (k) }
            }
            @for b in &c.bands {
                @if !b.bars.is_empty() {
                    (band_chart(b))
                    @for r in &b.reasons { p { (r) } }
                }
            }
        }
    }
}
