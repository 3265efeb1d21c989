//! A `wifidiag.diagnose/1` document given to `report --html`: what of it
//! the page shows (its headline and checks), read from its JSON form
//! (already redacted by the caller when asked), tolerant of fields a newer
//! version adds.

use maud::{html, Markup};
use serde_json::Value;

/// The schema this section reads.
pub const SCHEMA: &str = crate::report::diagnose::SCHEMA;

/// Checks shown per document (a diagnosis has a few dozen).
pub const MAX_CHECKS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub area: String,
    pub status: String,
    pub title: String,
    pub finding: String,
    pub next_step: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosisSection {
    /// The file it was read from, as shown.
    pub source: String,
    pub timestamp: Option<String>,
    pub hostname: Option<String>,
    pub interface: Option<String>,
    pub result: Option<String>,
    pub headline: String,
    pub cause: Option<String>,
    pub confidence: Option<String>,
    pub checks: Vec<CheckRow>,
}

/// Whether the start of a file looks like a JSON document rather than a log
/// of JSON lines: pretty-printed (`{` alone on the first line), or a first
/// line naming the diagnose or channels schema.
pub fn looks_like_document(head: &[u8]) -> bool {
    let first = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    first.trim() == "{" || first.contains(SCHEMA) || first.contains(super::channels::SCHEMA)
}

/// Redacts a document read for the page: the generic JSON redaction
/// ([`Redactor::apply`](crate::output::Redactor::apply)), and then the SSIDs
/// and host names its fields name (`ssid`, `ssids`, `own_ssid`, `hostname`,
/// and evidence items named `ssid` or `hostname`) wherever they appear in
/// its free text too (a finding such as `associated with "clinic"`), by the
/// same pseudonyms. Names shorter than 3 bytes are left in free text (they
/// would rewrite every word holding them).
pub fn redact_document(r: &crate::output::Redactor, doc: &mut Value) {
    let mut names: Vec<(String, String)> = Vec::new();
    collect_names(r, doc, &mut names);
    names.sort_by_key(|(plain, _)| std::cmp::Reverse(plain.len()));
    names.dedup();
    r.apply(doc);
    replace_names(doc, &names);
}

fn collect_names(r: &crate::output::Redactor, v: &Value, names: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            let named = map.get("name").and_then(Value::as_str);
            for (k, item) in map {
                let kind = match (k.as_str(), named) {
                    ("ssid" | "ssids" | "own_ssid", _) | ("value", Some("ssid")) => Some(true),
                    ("hostname", _) | ("value", Some("hostname")) => Some(false),
                    _ => None,
                };
                match kind {
                    Some(is_ssid) => {
                        let strings: Vec<&str> = match item {
                            Value::String(s) => vec![s.as_str()],
                            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                            _ => Vec::new(),
                        };
                        for s in strings.into_iter().filter(|s| s.len() >= 3) {
                            if names.len() < 1000 {
                                let pseudo = if is_ssid { r.ssid(s) } else { r.hostname(s) };
                                names.push((s.to_string(), pseudo));
                            }
                        }
                    }
                    None => collect_names(r, item, names),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_names(r, i, names)),
        _ => {}
    }
}

fn replace_names(v: &mut Value, names: &[(String, String)]) {
    match v {
        Value::String(s) => {
            for (plain, pseudo) in names {
                if s.contains(plain.as_str()) {
                    *s = s.replace(plain.as_str(), pseudo);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| replace_names(i, names)),
        Value::Object(map) => map.values_mut().for_each(|i| replace_names(i, names)),
        _ => {}
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// The section of a document, or `None` when it is not a
/// `wifidiag.diagnose/1` document.
pub fn section(source: String, doc: &Value) -> Option<DiagnosisSection> {
    if doc.get("schema").and_then(Value::as_str) != Some(SCHEMA) {
        return None;
    }
    let headline = doc.get("headline").unwrap_or(&Value::Null);
    let checks = doc
        .get("checks")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .take(MAX_CHECKS)
                .map(|c| CheckRow {
                    area: text(c, "area").unwrap_or_default(),
                    status: text(c, "status").unwrap_or_default(),
                    title: match (text(c, "title"), text(c, "target")) {
                        (Some(t), Some(target)) => format!("{t} {target}"),
                        (t, _) => t.unwrap_or_default(),
                    },
                    finding: text(c, "finding").unwrap_or_default(),
                    next_step: text(c, "next_step"),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(DiagnosisSection {
        source,
        timestamp: text(doc, "timestamp"),
        hostname: text(doc, "hostname"),
        interface: text(doc, "interface"),
        result: text(doc, "result"),
        headline: text(headline, "text").unwrap_or_default(),
        cause: text(headline, "cause"),
        confidence: text(headline, "confidence"),
        checks,
    })
}

fn status_label(s: &str) -> &str {
    match s {
        "ok" => "ok",
        "warn" => "warning",
        "fail" => "FAIL",
        "not_run" => "not run",
        other => other,
    }
}

/// The section as the page shows it.
pub fn render(d: &DiagnosisSection) -> Markup {
    html! {
        section class="diagnosis" {
            h2 { "Diagnosis" @if let Some(t) = &d.timestamp { " of " (t) } }
            p class="meta" {
                "From " (d.source)
                @if let Some(h) = &d.hostname { ", on " (h) }
                @if let Some(i) = &d.interface { ", interface " (i) }
                @if let Some(r) = &d.result { ": " (r) }
            }
            p class="headline" { (d.headline) }
            @if d.cause.is_some() || d.confidence.is_some() {
                p {
                    "Cause: "
                    @match &d.cause {
                        Some(c) => { span class="cause" style={ "background:" (super::chart::cause_fill(c)) } { (super::chart::cause_name(c)) } }
                        None => "none found",
                    }
                    @if let Some(c) = &d.confidence { " (confidence: " (c) ")" }
                }
            }
            @if !d.checks.is_empty() {
                table {
                    thead { tr { th { "Area" } th { "Check" } th { "Status" } th { "Finding, and what to do" } } }
                    tbody {
                        @for c in &d.checks {
                            tr {
                                td { (c.area) }
                                td { (c.title) }
                                td { span class={ "status " (c.status) } { (status_label(&c.status)) } }
                                td {
                                    (c.finding)
                                    @if let (Some(next), "warn" | "fail") = (&c.next_step, c.status.as_str()) {
                                        br; "→ " (next)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
