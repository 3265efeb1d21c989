//! `wifidiag report FILE`: what a `watch --log` file says, summarised.
//!
//! The log is read leniently ([`super::log::read_events`]): corrupt lines
//! (torn by a crash, edited by hand) are skipped and counted, never fatal.
//! The summary is a pure function of the parsed lines, so it is tested with
//! hand-made lines; lines of another schema or an unknown kind are ignored,
//! which keeps old readers working when new kinds appear.

use super::log::ReadStats;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The schema identifier of the report document.
pub const SCHEMA: &str = "wifidiag.report/1";

/// One outage as the log recorded it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutageLine {
    pub start: Option<String>,
    pub duration_ms: Option<u64>,
    pub target: Option<String>,
    pub cause: Option<String>,
    pub summary: Option<String>,
}

/// Disconnects by reason code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: u64,
    pub reason_name: Option<String>,
    pub count: usize,
}

/// A roaming pattern the watch reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatternLine {
    pub ts: Option<String>,
    pub pathology: Option<String>,
    pub summary: Option<String>,
}

/// Everything `report` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogSummary {
    /// Watch runs (start records) in the file.
    pub runs: usize,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
    pub events: usize,
    pub outages: Vec<OutageLine>,
    /// Outages per cause.
    pub causes: BTreeMap<String, usize>,
    pub disconnects: Vec<ReasonCount>,
    pub roams: usize,
    pub patterns: Vec<PatternLine>,
    /// Interface removals (driver crash, unplugged adapter).
    pub interface_removals: usize,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Summarises the parsed lines of a `wifidiag.event/1` log.
pub fn summarize(lines: &[Value]) -> LogSummary {
    let mut s = LogSummary {
        runs: 0,
        first_ts: None,
        last_ts: None,
        events: 0,
        outages: Vec::new(),
        causes: BTreeMap::new(),
        disconnects: Vec::new(),
        roams: 0,
        patterns: Vec::new(),
        interface_removals: 0,
    };
    let mut reasons: BTreeMap<u64, (Option<String>, usize)> = BTreeMap::new();
    for v in lines {
        if v.get("schema").and_then(Value::as_str) != Some(super::event::SCHEMA) {
            continue;
        }
        s.events += 1;
        if let Some(ts) = text(v, "ts") {
            if s.first_ts.as_ref().is_none_or(|f| ts < *f) {
                s.first_ts = Some(ts.clone());
            }
            if s.last_ts.as_ref().is_none_or(|l| ts > *l) {
                s.last_ts = Some(ts);
            }
        }
        match v.get("kind").and_then(Value::as_str) {
            Some("start") => s.runs += 1,
            Some("outage") => {
                let cause = text(v, "cause");
                *s.causes
                    .entry(cause.clone().unwrap_or_else(|| "unknown".into()))
                    .or_default() += 1;
                s.outages.push(OutageLine {
                    start: text(v, "start"),
                    duration_ms: v.get("duration_ms").and_then(Value::as_u64),
                    target: text(v, "target"),
                    cause,
                    summary: text(v, "summary"),
                });
            }
            Some("disconnected") => {
                let reason = v.get("reason").and_then(Value::as_u64).unwrap_or(0);
                let entry = reasons.entry(reason).or_insert((text(v, "reason_name"), 0));
                entry.1 += 1;
            }
            Some("roamed") => s.roams += 1,
            Some("pathology") => s.patterns.push(PatternLine {
                ts: text(v, "ts"),
                pathology: text(v, "pathology"),
                summary: text(v, "summary"),
            }),
            Some("interface_removed") => s.interface_removals += 1,
            _ => {}
        }
    }
    s.disconnects = reasons
        .into_iter()
        .map(|(reason, (reason_name, count))| ReasonCount {
            reason,
            reason_name,
            count,
        })
        .collect();
    s
}

/// The `wifidiag report --json` document.
#[derive(Debug, Serialize)]
pub struct ReportDoc<'a> {
    #[serde(flatten)]
    pub envelope: crate::output::Envelope,
    pub file: String,
    /// Lines read, parsed, skipped as corrupt, blank.
    pub lines: &'a ReadStats,
    #[serde(flatten)]
    pub summary: &'a LogSummary,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn line(kind: &str, ts: &str, extra: Value) -> Value {
        let mut v = json!({"schema": "wifidiag.event/1", "ts": ts, "kind": kind, "iface": "wlan0"});
        if let (Some(map), Some(add)) = (v.as_object_mut(), extra.as_object()) {
            map.extend(add.clone());
        }
        v
    }

    #[test]
    fn counts_runs_outages_causes_reasons_and_patterns() {
        let lines = vec![
            line("start", "2026-11-27T10:00:00.000Z", json!({})),
            line(
                "disconnected",
                "2026-11-27T10:01:00.000Z",
                json!({"reason": 3, "reason_name": "leaving"}),
            ),
            line("roamed", "2026-11-27T10:01:02.000Z", json!({})),
            line(
                "outage",
                "2026-11-27T10:01:03.000Z",
                json!({"cause": "wifi", "target": "emr:443", "duration_ms": 3000, "summary": "s1", "start": "2026-11-27T10:01:00.000Z"}),
            ),
            line("stop", "2026-11-27T10:05:00.000Z", json!({})),
            line("start", "2026-11-27T10:05:00.100Z", json!({})),
            line(
                "disconnected",
                "2026-11-27T10:06:00.000Z",
                json!({"reason": 3, "reason_name": "leaving"}),
            ),
            line(
                "disconnected",
                "2026-11-27T10:07:00.000Z",
                json!({"reason": 15, "reason_name": "4-way handshake timeout"}),
            ),
            line(
                "outage",
                "2026-11-27T10:08:00.000Z",
                json!({"cause": "lan"}),
            ),
            line(
                "outage",
                "2026-11-27T10:09:00.000Z",
                json!({"cause": "wifi"}),
            ),
            line(
                "pathology",
                "2026-11-27T10:09:30.000Z",
                json!({"pathology": "repeated_disconnects", "summary": "3 in 10 min"}),
            ),
            line("interface_removed", "2026-11-27T10:09:40.000Z", json!({})),
            json!({"schema": "other/1", "kind": "outage"}),
            line("future_kind", "2026-11-27T10:09:50.000Z", json!({})),
        ];
        let s = summarize(&lines);
        assert_eq!(s.runs, 2);
        assert_eq!(s.events, 13);
        assert_eq!(s.first_ts.as_deref(), Some("2026-11-27T10:00:00.000Z"));
        assert_eq!(s.last_ts.as_deref(), Some("2026-11-27T10:09:50.000Z"));
        assert_eq!(s.outages.len(), 3);
        assert_eq!(s.causes.get("wifi"), Some(&2));
        assert_eq!(s.causes.get("lan"), Some(&1));
        assert_eq!(s.outages[0].summary.as_deref(), Some("s1"));
        assert_eq!(
            s.disconnects,
            vec![
                ReasonCount {
                    reason: 3,
                    reason_name: Some("leaving".into()),
                    count: 2
                },
                ReasonCount {
                    reason: 15,
                    reason_name: Some("4-way handshake timeout".into()),
                    count: 1
                },
            ]
        );
        assert_eq!(s.roams, 1);
        assert_eq!(s.patterns.len(), 1);
        assert_eq!(s.interface_removals, 1);
    }

    #[test]
    fn empty_log() {
        let s = summarize(&[]);
        assert_eq!((s.runs, s.events, s.outages.len()), (0, 0, 0));
        assert!(s.first_ts.is_none());
    }
}
