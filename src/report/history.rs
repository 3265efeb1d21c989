//! `wifidiag history`: the `wifidiag.history/1` document and the human view.

use crate::history::timeline::{Event, History};
use crate::history::{Connectivity, FactKind};
use crate::output::Envelope;
use crate::report::table::{new_table, SafeRows, NONE};
use crate::watch::event::{Initiator, Millis};
use crate::watch::reason::{reason_name, status_name};
use serde_json::{json, Map, Value};
use std::io::{self, Write};

pub const SCHEMA: &str = "wifidiag.history/1";

/// What was read, for the document's `sources`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// `journal`, `syslog`, `kmsg` or `watch_log`.
    pub source: &'static str,
    pub path: Option<String>,
    pub entries: u64,
    pub malformed: u64,
}

/// Everything the document and the view say.
pub struct HistoryReport<'a> {
    pub envelope: Envelope,
    pub interface: Option<&'a str>,
    pub since_usec: u64,
    pub until_usec: u64,
    pub sources: &'a [SourceInfo],
    pub history: &'a History,
}

fn ts(usec: u64) -> String {
    Millis(usec / 1000).rfc3339()
}

fn mac(b: &Option<crate::model::MacAddr>) -> Value {
    b.map_or(Value::Null, |b| Value::String(b.to_string()))
}

fn by(b: Option<Initiator>) -> Value {
    match b {
        Some(Initiator::Ap) => json!("ap"),
        Some(Initiator::Local) => json!("local"),
        None => Value::Null,
    }
}

/// The kind tag and fields of an event (`kind` names match `watch`'s
/// records where they exist).
pub fn kind_fields(kind: &FactKind) -> (&'static str, Value) {
    match kind {
        FactKind::Connecting { bssid } => ("connecting", json!({ "bssid": mac(bssid) })),
        FactKind::Connected { bssid, ssid } => {
            ("connected", json!({ "bssid": mac(bssid), "ssid": ssid }))
        }
        FactKind::Disconnected {
            bssid,
            reason,
            by: b,
        } => (
            "disconnected",
            json!({ "bssid": mac(bssid), "reason": reason,
                    "reason_name": reason.map(reason_name), "by": by(*b) }),
        ),
        FactKind::Deauth {
            bssid,
            reason,
            by: b,
        } => (
            "deauth",
            json!({ "bssid": mac(bssid), "reason": reason, "reason_name": reason_name(*reason),
                    "by": by(Some(*b)) }),
        ),
        FactKind::Disassoc {
            bssid,
            reason,
            by: b,
        } => (
            "disassoc",
            json!({ "bssid": mac(bssid), "reason": reason, "reason_name": reason_name(*reason),
                    "by": by(Some(*b)) }),
        ),
        FactKind::BeaconLoss { bssid } => ("beacon_loss", json!({ "bssid": mac(bssid) })),
        FactKind::Signal {
            dbm,
            below_threshold,
        } => (
            "signal",
            json!({ "signal_dbm": dbm, "below_threshold": below_threshold }),
        ),
        FactKind::AuthRejected { bssid, status } => (
            "auth_rejected",
            json!({ "bssid": mac(bssid), "status": status, "status_name": status_name(*status) }),
        ),
        FactKind::AssocRejected { bssid, status } => (
            "assoc_rejected",
            json!({ "bssid": mac(bssid), "status": status, "status_name": status_name(*status) }),
        ),
        FactKind::WrongKey { ssid } => ("wrong_key", json!({ "ssid": ssid })),
        FactKind::Roamed { from, to } => (
            "roamed",
            json!({ "from_bssid": mac(from), "to_bssid": mac(to) }),
        ),
        FactKind::DhcpFailed { detail } => ("dhcp_failed", json!({ "detail": detail })),
        FactKind::Connectivity { state } => (
            "connectivity",
            json!({ "state": connectivity_label(*state) }),
        ),
        FactKind::DeviceState { from, to, reason } => (
            "device_state",
            json!({ "from": from, "to": to, "reason": reason }),
        ),
        FactKind::DriverError { driver, detail } => (
            "driver_error",
            json!({ "driver": driver, "detail": detail }),
        ),
    }
}

pub fn connectivity_label(c: Connectivity) -> &'static str {
    match c {
        Connectivity::None => "none",
        Connectivity::Limited => "limited",
        Connectivity::Portal => "portal",
        Connectivity::Full => "full",
        Connectivity::Unknown => "unknown",
    }
}

fn event_json(e: &Event) -> Value {
    let (kind, fields) = kind_fields(&e.kind);
    let mut m = Map::new();
    m.insert("ts".into(), json!(ts(e.usec)));
    m.insert("iface".into(), json!(e.iface));
    m.insert("kind".into(), json!(kind));
    if let Value::Object(f) = fields {
        m.extend(f);
    }
    m.insert(
        "told_by".into(),
        json!(e.origins.iter().map(|o| o.label()).collect::<Vec<_>>()),
    );
    m.insert("message".into(), json!(e.message));
    Value::Object(m)
}

/// The document, in its field order.
#[derive(serde::Serialize)]
pub struct HistoryDoc<'a> {
    #[serde(flatten)]
    envelope: &'a Envelope,
    interface: Value,
    period: Value,
    sources: Value,
    episodes: Value,
    roams: Value,
    patterns: Value,
    days: Value,
    access_points: Value,
    events: Value,
}

impl HistoryReport<'_> {
    /// The `wifidiag.history/1` document (envelope first, then the
    /// fields in the documented order).
    pub fn to_json(&self) -> HistoryDoc<'_> {
        let h = self.history;
        let extra = json!({
            "interface": self.interface,
            "period": { "since": ts(self.since_usec), "until": ts(self.until_usec) },
            "sources": self.sources.iter().map(|s| json!({
                "source": s.source, "path": s.path, "entries": s.entries, "malformed": s.malformed,
            })).collect::<Vec<_>>(),
            "episodes": h.episodes.iter().map(|ep| json!({
                "start": ts(ep.start_usec),
                "end": ep.end_usec.map(ts),
                "duration_ms": ep.end_usec.map(|e| e.saturating_sub(ep.start_usec) / 1000),
                "cause": ep.cause.label(),
                "iface": ep.iface,
                "summary": ep.summary,
                "evidence": ep.evidence,
                "missing": ep.missing,
                "source": if ep.from_watch_log { "watch_log" } else { "logs" },
            })).collect::<Vec<_>>(),
            "roams": h.roams.iter().map(|r| json!({
                "ts": ts(r.usec), "iface": r.iface, "from_bssid": mac(&r.from),
                "to_bssid": mac(&r.to), "gap_ms": r.gap_us / 1000,
            })).collect::<Vec<_>>(),
            "patterns": h.patterns.iter().map(|p| json!({
                "ts": p.at.rfc3339(), "pathology": p.pathology, "summary": p.summary,
            })).collect::<Vec<_>>(),
            "days": h.days.iter().map(|d| json!({
                "day": d.day, "disconnects": d.disconnects, "roams": d.roams,
                "failed_joins": d.failed_joins, "episodes": d.episodes,
                "downtime_ms": d.downtime_us / 1000,
            })).collect::<Vec<_>>(),
            "access_points": h.access_points.iter().map(|a| json!({
                "bssid": mac(&a.bssid), "connects": a.connects,
                "disconnects_by_ap": a.disconnects_by_ap, "disconnects_local": a.disconnects_local,
                "roams_from": a.roams_from, "roams_to": a.roams_to, "failed_joins": a.failed_joins,
                "reasons": a.reasons.iter().map(|(r, n)| json!({
                    "reason": r, "reason_name": reason_name(*r), "count": n,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "events": h.events.iter().map(event_json).collect::<Vec<_>>(),
        });
        let Value::Object(mut m) = extra else {
            unreachable!("json! of an object")
        };
        let mut take = |k: &str| m.remove(k).unwrap_or(Value::Null);
        HistoryDoc {
            envelope: &self.envelope,
            interface: take("interface"),
            period: take("period"),
            sources: take("sources"),
            episodes: take("episodes"),
            roams: take("roams"),
            patterns: take("patterns"),
            days: take("days"),
            access_points: take("access_points"),
            events: take("events"),
        }
    }

    /// The human view; `local` formats a time for people (local zone).
    pub fn render(
        &self,
        out: &mut impl Write,
        styled: bool,
        local: &dyn Fn(u64) -> String,
    ) -> io::Result<()> {
        let h = self.history;
        let read: Vec<String> = self
            .sources
            .iter()
            .map(|s| match &s.path {
                Some(p) => format!("{} {p} ({} entries)", s.source, s.entries),
                None => format!("{} ({} entries)", s.source, s.entries),
            })
            .collect();
        writeln!(
            out,
            "History{} from {} to {}; read: {}",
            self.interface.map_or(String::new(), |i| format!(" of {i}")),
            local(self.since_usec),
            local(self.until_usec),
            read.join(", ")
        )?;
        let malformed: u64 = self.sources.iter().map(|s| s.malformed).sum();
        if malformed > 0 {
            writeln!(
                out,
                "{malformed} entries could not be read and were skipped"
            )?;
        }
        if h.episodes.is_empty() {
            writeln!(
                out,
                "No outage in the logs: no disconnect, failed join, DHCP failure or lost \
                 connectivity ({} Wi-Fi events).",
                h.events.len()
            )?;
        } else {
            writeln!(out, "\nOutages ({}):", h.episodes.len())?;
            let mut t = new_table(styled, &["Start", "Duration", "Verdict", "What happened"]);
            for ep in &h.episodes {
                t.add_safe_row(vec![
                    local(ep.start_usec),
                    ep.end_usec.map_or("not over".to_string(), |e| {
                        format!("{:.1} s", e.saturating_sub(ep.start_usec) as f64 / 1e6)
                    }),
                    ep.cause.label().to_string(),
                    if ep.missing.is_empty() {
                        ep.summary.clone()
                    } else {
                        format!("{} (missing: {})", ep.summary, ep.missing.join("; "))
                    },
                ]);
            }
            writeln!(out, "{t}")?;
        }
        if !h.roams.is_empty() {
            writeln!(out, "\nRoams ({}):", h.roams.len())?;
            let mut t = new_table(styled, &["Time", "From", "To", "Gap"]);
            for r in &h.roams {
                t.add_safe_row(vec![
                    local(r.usec),
                    r.from.map_or(NONE.into(), |b| b.to_string()),
                    r.to.map_or(NONE.into(), |b| b.to_string()),
                    format!("{:.1} s", r.gap_us as f64 / 1e6),
                ]);
            }
            writeln!(out, "{t}")?;
        }
        for p in &h.patterns {
            writeln!(out, "Pattern: {}", crate::escape::terminal_safe(&p.summary))?;
        }
        if !h.days.is_empty() {
            writeln!(out, "\nPer day (UTC):")?;
            let mut t = new_table(
                styled,
                &[
                    "Day",
                    "Disconnects",
                    "Roams",
                    "Failed joins",
                    "Outages",
                    "Downtime",
                ],
            );
            for d in &h.days {
                t.add_safe_row(vec![
                    d.day.clone(),
                    d.disconnects.to_string(),
                    d.roams.to_string(),
                    d.failed_joins.to_string(),
                    d.episodes.to_string(),
                    format!("{:.1} s", d.downtime_us as f64 / 1e6),
                ]);
            }
            writeln!(out, "{t}")?;
        }
        if !h.access_points.is_empty() {
            writeln!(out, "\nPer access point:")?;
            let mut t = new_table(
                styled,
                &[
                    "BSSID",
                    "Connects",
                    "Dropped by AP",
                    "Left by laptop",
                    "Roams out/in",
                    "Failed joins",
                    "Reasons",
                ],
            );
            for a in &h.access_points {
                let reasons: Vec<String> = a
                    .reasons
                    .iter()
                    .map(|(r, n)| format!("{r} ({}) ×{n}", reason_name(*r)))
                    .collect();
                t.add_safe_row(vec![
                    a.bssid.map_or(NONE.into(), |b| b.to_string()),
                    a.connects.to_string(),
                    a.disconnects_by_ap.to_string(),
                    a.disconnects_local.to_string(),
                    format!("{}/{}", a.roams_from, a.roams_to),
                    a.failed_joins.to_string(),
                    if reasons.is_empty() {
                        NONE.into()
                    } else {
                        reasons.join(", ")
                    },
                ]);
            }
            writeln!(out, "{t}")?;
        }
        Ok(())
    }
}
