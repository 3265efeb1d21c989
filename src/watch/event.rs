//! The timeline's items and their `wifidiag.event/1` JSON form.
//!
//! Everything `watch` observes becomes a [`Record`] stamped with a wall
//! clock time in milliseconds: kernel events (nl80211, rtnetlink), periodic
//! link samples, probe results, and what the analysis derives from them
//! (outages with verdicts, roaming pathologies). One serde representation
//! serves the human stream, `--json`, the `--log` file and the evidence
//! embedded in outages, so a reader parses one schema.

use crate::model::{MacAddr, Mhz};
use crate::output::rfc3339_millis;
use crate::watch::probe::result::{ProbeMethod, ProbeOutcome};
use crate::watch::reason::{reason_name, status_name};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod flat;

/// The schema of every log line.
pub const SCHEMA: &str = "wifidiag.event/1";

/// Wall-clock time in milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Millis(pub u64);

impl Millis {
    pub fn now() -> Millis {
        Millis::from(SystemTime::now())
    }

    pub fn rfc3339(self) -> String {
        rfc3339_millis(UNIX_EPOCH + Duration::from_millis(self.0))
    }

    pub fn since(self, earlier: Millis) -> u64 {
        self.0.saturating_sub(earlier.0)
    }
}

impl From<SystemTime> for Millis {
    fn from(t: SystemTime) -> Millis {
        Millis(
            t.duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
        )
    }
}

impl Serialize for Millis {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

/// Reads back what [`Serialize`] wrote: an RFC 3339 UTC time
/// (`2026-11-28T22:37:39.123Z`; any number of fraction digits, or none).
impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Millis, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Millis;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an RFC 3339 UTC timestamp")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Millis, E> {
                humantime::parse_rfc3339(v)
                    .map(Millis::from)
                    .map_err(|e| E::custom(format_args!("bad timestamp {v:?}: {e}")))
            }
        }
        d.deserialize_str(V)
    }
}

/// Text that is usually a constant of this program (a reason code's name)
/// but is owned when read back from a log.
pub type Text = Cow<'static, str>;

/// Who ended a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Initiator {
    /// The access point (deauth/disassoc received, or "disconnected by AP").
    Ap,
    /// This laptop (the supplicant, the driver, or the user).
    Local,
}

pub use crate::watch::probe::result::ProbeRole;

/// Direction of a CQM RSSI threshold crossing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Crossing {
    Low,
    High,
}

/// One item of evidence quoted by an outage: a shortened record
/// (`{"ts":…,"kind":…,fields…}`).
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub ts: Millis,
    pub kind: Kind,
}

/// An outage's cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// Association lost, a roam gap, or a deauth/disassoc overlapping it.
    Wifi,
    /// Still associated, but the gateway failed too while the link was weak
    /// (low signal, rising retries, beacon loss).
    WifiDegraded,
    /// Associated with a healthy link, but the gateway did not answer.
    Lan,
    /// The gateway answered but the target's name did not resolve.
    Dns,
    /// The gateway answered, the name resolved, the target did not answer.
    Server,
    Unknown,
}

impl Cause {
    pub fn label(self) -> &'static str {
        match self {
            Cause::Wifi => "wifi",
            Cause::WifiDegraded => "wifi_degraded",
            Cause::Lan => "lan",
            Cause::Dns => "dns",
            Cause::Server => "server",
            Cause::Unknown => "unknown",
        }
    }
}

/// Every kind of record, with its fields. Written flat into its record,
/// with `kind` as tag (see the `flat` module).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The watch began (targets and settings, for readers of the log).
    Start {
        version: Text,
        /// The machine the watch ran on (what a report of the log names).
        hostname: Option<String>,
        /// The site the machine belongs to (`watch --site`), so a report over
        /// many machines' logs can group by it. Absent when not given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        site: Option<String>,
        targets: Vec<String>,
        interval_ms: u64,
        gateway: Option<IpAddr>,
    },
    /// The watch ended.
    Stop {
        reason: String,
        outages: usize,
    },
    Connected {
        bssid: Option<MacAddr>,
        freq_mhz: Option<Mhz>,
        channel: Option<u16>,
        ssid: Option<String>,
        status: u16,
        status_name: Text,
    },
    ConnectFailed {
        bssid: Option<MacAddr>,
        status: u16,
        status_name: Text,
    },
    Disconnected {
        bssid: Option<MacAddr>,
        reason: u16,
        reason_name: Text,
        by: Initiator,
    },
    Deauth {
        bssid: Option<MacAddr>,
        reason: u16,
        reason_name: Text,
        by: Initiator,
    },
    Disassoc {
        bssid: Option<MacAddr>,
        reason: u16,
        reason_name: Text,
        by: Initiator,
    },
    /// A change of access point: a fast roam (`NL80211_CMD_ROAM`) or a
    /// disconnect followed by a connect elsewhere (`gap_ms` > 0).
    Roamed {
        from_bssid: Option<MacAddr>,
        to_bssid: Option<MacAddr>,
        from_channel: Option<u16>,
        to_channel: Option<u16>,
        signal_before_dbm: Option<i32>,
        signal_after_dbm: Option<i32>,
        gap_ms: u64,
    },
    CqmRssi {
        crossing: Crossing,
        signal_dbm: Option<i32>,
    },
    CqmPacketLoss {
        packets: u32,
    },
    CqmBeaconLoss,
    Link {
        up: bool,
    },
    AddressAdded {
        address: String,
    },
    AddressRemoved {
        address: String,
    },
    DefaultRoute {
        gateway: Option<IpAddr>,
    },
    InterfaceAdded {
        name: Option<String>,
    },
    InterfaceRemoved {
        name: Option<String>,
    },
    /// The periodic link sample; counters are deltas since the last sample.
    Sample {
        connected: bool,
        bssid: Option<MacAddr>,
        channel: Option<u16>,
        signal_dbm: Option<i32>,
        tx_bitrate_mbps: Option<f64>,
        tx_packets: Option<u32>,
        tx_retries: Option<u32>,
        tx_failed: Option<u32>,
        beacon_loss: Option<u32>,
    },
    Probe {
        target: String,
        role: ProbeRole,
        method: ProbeMethod,
        outcome: ProbeOutcome,
        ok: bool,
        rtt_ms: Option<f64>,
        detail: Option<String>,
    },
    Outage {
        target: String,
        start: Millis,
        end: Millis,
        duration_ms: u64,
        cause: Cause,
        evidence: Vec<Evidence>,
        summary: String,
    },
    Pathology {
        pathology: Text,
        summary: String,
    },
    /// The laptop slept (lid closed, suspend): from `since` to this
    /// record's time. Nothing in this interval is an outage or a roam gap.
    Suspended {
        since: Millis,
        duration_ms: u64,
    },
    /// The wall clock was stepped (NTP, the user) by `offset_ms`; durations
    /// are measured on a steady clock and are not affected.
    ClockStep {
        offset_ms: i64,
    },
    /// What one scan heard (`watch --scan-every`: at most one per period):
    /// the evidence `channels --from-log` scores from. `fresh` is false when
    /// the watch could not scan itself (no `CAP_NET_ADMIN`, aborted) and
    /// these are the kernel's cached results (heard within 30 s).
    Scan {
        fresh: bool,
        bsses: Vec<ScanHeard>,
    },
}

/// One BSS of a `scan` record: what the channel scoring needs of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScanHeard {
    pub bssid: MacAddr,
    /// Escaped like every SSID ([`crate::model::Ssid::escaped`]); `None`
    /// for a hidden network.
    pub ssid: Option<String>,
    pub freq_mhz: Mhz,
    pub channel: Option<u16>,
    pub width_mhz: u32,
    pub center_freq_mhz: Mhz,
    pub center_freq2_mhz: Option<Mhz>,
    pub signal_dbm: Option<i32>,
    /// BSS Load utilisation, when advertised.
    pub utilization_pct: Option<f64>,
    /// This laptop is associated with it.
    pub associated: bool,
}

impl From<&crate::scan::BssView> for ScanHeard {
    fn from(v: &crate::scan::BssView) -> ScanHeard {
        ScanHeard {
            bssid: v.bssid,
            ssid: v.ssid.as_ref().map(|s| s.escaped()),
            freq_mhz: v.freq,
            channel: v.channel,
            width_mhz: v.width_mhz,
            center_freq_mhz: v.center_freq,
            center_freq2_mhz: v.center_freq2,
            signal_dbm: v.signal.map(|d| d.0),
            utilization_pct: v.channel_utilization_pct,
            associated: v.associated,
        }
    }
}

impl Kind {
    /// The `kind` tag as written in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Start { .. } => "start",
            Kind::Stop { .. } => "stop",
            Kind::Connected { .. } => "connected",
            Kind::ConnectFailed { .. } => "connect_failed",
            Kind::Disconnected { .. } => "disconnected",
            Kind::Deauth { .. } => "deauth",
            Kind::Disassoc { .. } => "disassoc",
            Kind::Roamed { .. } => "roamed",
            Kind::CqmRssi { .. } => "cqm_rssi",
            Kind::CqmPacketLoss { .. } => "cqm_packet_loss",
            Kind::CqmBeaconLoss => "cqm_beacon_loss",
            Kind::Link { .. } => "link",
            Kind::AddressAdded { .. } => "address_added",
            Kind::AddressRemoved { .. } => "address_removed",
            Kind::DefaultRoute { .. } => "default_route",
            Kind::InterfaceAdded { .. } => "interface_added",
            Kind::InterfaceRemoved { .. } => "interface_removed",
            Kind::Sample { .. } => "sample",
            Kind::Probe { .. } => "probe",
            Kind::Outage { .. } => "outage",
            Kind::Pathology { .. } => "pathology",
            Kind::Suspended { .. } => "suspended",
            Kind::ClockStep { .. } => "clock_step",
            Kind::Scan { .. } => "scan",
        }
    }

    pub fn disconnected(bssid: Option<MacAddr>, reason: u16, by: Initiator) -> Kind {
        Kind::Disconnected {
            bssid,
            reason,
            reason_name: reason_name(reason).into(),
            by,
        }
    }

    pub fn deauth(bssid: Option<MacAddr>, reason: u16, by: Initiator) -> Kind {
        Kind::Deauth {
            bssid,
            reason,
            reason_name: reason_name(reason).into(),
            by,
        }
    }

    pub fn disassoc(bssid: Option<MacAddr>, reason: u16, by: Initiator) -> Kind {
        Kind::Disassoc {
            bssid,
            reason,
            reason_name: reason_name(reason).into(),
            by,
        }
    }

    pub fn connected(
        bssid: Option<MacAddr>,
        freq: Option<Mhz>,
        ssid: Option<String>,
        status: u16,
    ) -> Kind {
        if status != 0 {
            return Kind::ConnectFailed {
                bssid,
                status,
                status_name: status_name(status).into(),
            };
        }
        Kind::Connected {
            bssid,
            freq_mhz: freq,
            channel: freq.and_then(Mhz::channel).map(|c| c.number),
            ssid,
            status,
            status_name: status_name(status).into(),
        }
    }

    /// Whether this is a loss of association (the Wi-Fi side failing).
    pub fn is_link_loss(&self) -> bool {
        matches!(
            self,
            Kind::Disconnected { .. }
                | Kind::Deauth { .. }
                | Kind::Disassoc { .. }
                | Kind::Link { up: false }
        )
    }
}

/// One record of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub ts: Millis,
    pub iface: Option<String>,
    pub kind: Kind,
}

/// A record as a log line: the schema first.
struct Line<'a> {
    schema: &'static str,
    record: &'a Record,
}

impl Serialize for Line<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("schema", self.schema)?;
        map.serialize_entry("ts", &self.record.ts)?;
        map.serialize_entry("iface", &self.record.iface)?;
        self.record.kind.serialize(flat::FlatKind(&mut map))?;
        map.end()
    }
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("ts", &self.ts)?;
        map.serialize_entry("iface", &self.iface)?;
        self.kind.serialize(flat::FlatKind(&mut map))?;
        map.end()
    }
}

impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("ts", &self.ts)?;
        self.kind.serialize(flat::FlatKind(&mut map))?;
        map.end()
    }
}

/// Takes the kind and time out of a flat object, or says what is missing.
fn required<E: serde::de::Error>(f: flat::Flat<'_>) -> Result<(Millis, Option<String>, Kind), E> {
    let ts = f.ts.ok_or_else(|| E::missing_field("ts"))?;
    match f.kind {
        Some(Ok(kind)) => Ok((ts, f.iface, kind)),
        Some(Err(name)) => Err(E::custom(format_args!("unknown kind {name:?}"))),
        None => Err(E::missing_field("kind")),
    }
}

/// Any `schema` is accepted here; [`LineParse`] is the reader that checks it.
impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Record, D::Error> {
        let (ts, iface, kind) = required(d.deserialize_map(flat::FlatVisitor)?)?;
        Ok(Record { ts, iface, kind })
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Evidence, D::Error> {
        let (ts, _, kind) = required(d.deserialize_map(flat::FlatVisitor)?)?;
        Ok(Evidence { ts, kind })
    }
}

/// What one JSON object of a log is, read in one pass.
#[derive(Debug, Clone, PartialEq)]
pub enum LineParse {
    /// A `wifidiag.event/1` record; `unknown_fields` keys were skipped.
    Event { record: Record, unknown_fields: u32 },
    /// An object of another schema (or none): `schema` names it.
    OtherSchema { schema: Option<String> },
    /// Our schema, but a kind this version does not know (a newer writer).
    UnknownKind { kind: String },
}

impl<'de> Deserialize<'de> for LineParse {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<LineParse, D::Error> {
        let f = d.deserialize_map(flat::FlatVisitor)?;
        if f.schema.as_deref() != Some(SCHEMA) {
            return Ok(LineParse::OtherSchema {
                schema: f.schema.map(Cow::into_owned),
            });
        }
        if let Some(Err(kind)) = f.kind {
            return Ok(LineParse::UnknownKind { kind });
        }
        let unknown_fields = f.unknown_fields;
        let (ts, iface, kind) = required(f)?;
        Ok(LineParse::Event {
            record: Record { ts, iface, kind },
            unknown_fields,
        })
    }
}

impl Record {
    pub fn new(ts: Millis, iface: Option<&str>, kind: Kind) -> Record {
        Record {
            ts,
            iface: iface.map(str::to_string),
            kind,
        }
    }

    /// The log line as a JSON value (for redaction).
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(Line {
            schema: SCHEMA,
            record: self,
        })
        .unwrap_or_default()
    }

    /// One JSON object without newlines: a `wifidiag.event/1` log line.
    pub fn to_json_line(&self) -> String {
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string(&Line {
            schema: SCHEMA,
            record: self,
        })
        .unwrap_or_default()
    }

    /// This record with what identifies the site, the machine or its users
    /// replaced by the redactor's pseudonyms (through its JSON form, so the
    /// same rules cover the log, `--json` and the human stream). `None` if
    /// the redacted form is not a record any more, which the tests rule out
    /// for every kind: callers must then drop the record, never print the
    /// original.
    pub fn redacted(&self, redactor: &crate::output::Redactor) -> Option<Record> {
        let mut value = self.to_json_value();
        redactor.apply(&mut value);
        serde_json::from_value(value).ok()
    }

    pub fn evidence(&self) -> Evidence {
        Evidence {
            ts: self.ts,
            kind: self.kind.clone(),
        }
    }

    /// One human line: `hh:mm:ss.mmm iface text`, safe for a terminal
    /// whatever the record holds (it may come from a hostile file).
    pub fn to_human(&self) -> String {
        let time = self.ts.rfc3339();
        let clock = time.get(11..23).unwrap_or(&time);
        let iface = self.iface.as_deref().unwrap_or("-");
        let line = format!("{clock} {iface} {}", describe(&self.kind));
        crate::escape::terminal_safe(&line).into_owned()
    }
}

fn mac(m: &Option<MacAddr>) -> String {
    m.map_or_else(|| "?".into(), |m| m.to_string())
}

fn opt_ch(c: Option<u16>) -> String {
    c.map_or_else(|| "?".into(), |c| c.to_string())
}

/// The human text of a record.
pub fn describe(kind: &Kind) -> String {
    match kind {
        Kind::Start {
            targets,
            interval_ms,
            gateway,
            ..
        } => format!(
            "watching {} every {interval_ms} ms (gateway {})",
            if targets.is_empty() {
                "the gateway only".to_string()
            } else {
                targets.join(", ")
            },
            gateway.map_or("unknown".into(), |g| g.to_string())
        ),
        Kind::Stop { reason, outages } => format!("stopped ({reason}); {outages} outage(s)"),
        Kind::Connected {
            bssid,
            channel,
            ssid,
            ..
        } => format!(
            "connected to {} on channel {}{}",
            mac(bssid),
            opt_ch(*channel),
            ssid.as_ref()
                .map_or(String::new(), |s| format!(" (\"{s}\")"))
        ),
        Kind::ConnectFailed {
            bssid,
            status,
            status_name,
        } => {
            format!(
                "connection to {} failed: status {status} ({status_name})",
                mac(bssid)
            )
        }
        Kind::Disconnected {
            bssid,
            reason,
            reason_name,
            by,
        } => format!(
            "disconnected from {} by {}: reason {reason} ({reason_name})",
            mac(bssid),
            by_text(*by)
        ),
        Kind::Deauth {
            bssid,
            reason,
            reason_name,
            by,
        } => format!(
            "deauthenticated {} {}: reason {reason} ({reason_name})",
            if *by == Initiator::Ap { "by" } else { "from" },
            mac(bssid)
        ),
        Kind::Disassoc {
            bssid,
            reason,
            reason_name,
            by,
        } => format!(
            "disassociated {} {}: reason {reason} ({reason_name})",
            if *by == Initiator::Ap { "by" } else { "from" },
            mac(bssid)
        ),
        Kind::Roamed {
            from_bssid,
            to_bssid,
            from_channel,
            to_channel,
            signal_before_dbm,
            signal_after_dbm,
            gap_ms,
        } => {
            let sig = |s: &Option<i32>| s.map_or("?".into(), |s| format!("{s} dBm"));
            format!(
                "roamed {} (ch {}, {}) → {} (ch {}, {}), gap {gap_ms} ms",
                mac(from_bssid),
                opt_ch(*from_channel),
                sig(signal_before_dbm),
                mac(to_bssid),
                opt_ch(*to_channel),
                sig(signal_after_dbm)
            )
        }
        Kind::CqmRssi {
            crossing,
            signal_dbm,
        } => format!(
            "signal went {} the connection manager's threshold{}",
            if *crossing == Crossing::Low {
                "below"
            } else {
                "above"
            },
            signal_dbm.map_or(String::new(), |s| format!(" ({s} dBm)"))
        ),
        Kind::CqmPacketLoss { packets } => {
            format!("{packets} packets to the AP unacknowledged (CQM packet loss)")
        }
        Kind::CqmBeaconLoss => "beacons from the AP lost (CQM beacon loss)".into(),
        Kind::Link { up } => format!("link {}", if *up { "up" } else { "down" }),
        Kind::AddressAdded { address } => format!("address {address} added"),
        Kind::AddressRemoved { address } => format!("address {address} removed"),
        Kind::DefaultRoute { gateway } => match gateway {
            Some(g) => format!("default route via {g}"),
            None => "default route removed".into(),
        },
        Kind::InterfaceAdded { name } => {
            format!("interface {} added", name.as_deref().unwrap_or("?"))
        }
        Kind::InterfaceRemoved { name } => {
            format!("interface {} removed", name.as_deref().unwrap_or("?"))
        }
        Kind::Sample {
            connected,
            bssid,
            signal_dbm,
            tx_bitrate_mbps,
            tx_retries,
            tx_failed,
            beacon_loss,
            ..
        } => {
            if !connected {
                return "sample: not associated".into();
            }
            format!(
                "sample: {} {} {} retries +{} failed +{} beacon loss +{}",
                mac(bssid),
                signal_dbm.map_or("?".into(), |s| format!("{s} dBm")),
                tx_bitrate_mbps.map_or("?".into(), |r| format!("{r:.1} Mbit/s")),
                tx_retries.unwrap_or(0),
                tx_failed.unwrap_or(0),
                beacon_loss.unwrap_or(0)
            )
        }
        Kind::Probe {
            target,
            role,
            ok,
            rtt_ms,
            detail,
            outcome,
            ..
        } => {
            let role = match role {
                ProbeRole::Gateway => "gateway",
                ProbeRole::Dns => "dns",
                ProbeRole::Target => "target",
            };
            if *ok {
                format!(
                    "{role} {target} ok{}",
                    rtt_ms.map_or(String::new(), |r| format!(" {r:.1} ms"))
                )
            } else {
                format!(
                    "{role} {target} FAILED: {}",
                    detail
                        .clone()
                        .unwrap_or_else(|| format!("{outcome:?}").to_lowercase())
                )
            }
        }
        Kind::Outage { summary, cause, .. } => format!("OUTAGE [{}] {summary}", cause.label()),
        Kind::Pathology { pathology, summary } => format!("PATTERN [{pathology}] {summary}"),
        Kind::Suspended { since, duration_ms } => format!(
            "the laptop slept from {} for {:.1} s (not an outage)",
            since.rfc3339(),
            *duration_ms as f64 / 1000.0
        ),
        Kind::ClockStep { offset_ms } => {
            format!("the wall clock was stepped by {offset_ms:+} ms (durations are unaffected)")
        }
        Kind::Scan { fresh, bsses } => format!(
            "scan: {} BSS{} heard{}",
            bsses.len(),
            if bsses.len() == 1 { "" } else { "es" },
            if *fresh {
                ""
            } else {
                " (the kernel's cached results)"
            }
        ),
    }
}

fn by_text(by: Initiator) -> &'static str {
    match by {
        Initiator::Ap => "the access point",
        Initiator::Local => "this laptop",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_carry_schema_ts_kind_iface() {
        let r = Record::new(
            Millis(1_795_905_459_123),
            Some("wlan1"),
            Kind::deauth(Some(MacAddr([2, 0, 0, 0, 0, 0])), 3, Initiator::Ap),
        );
        let line = r.to_json_line();
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["schema"], "wifidiag.event/1");
        assert_eq!(v["ts"], "2026-11-28T22:37:39.123Z");
        assert_eq!(v["kind"], "deauth");
        assert_eq!(v["iface"], "wlan1");
        assert_eq!(v["reason"], 3);
        assert_eq!(v["by"], "ap");
        assert_eq!(v["bssid"], "02:00:00:00:00:00");
        assert_eq!(r.kind.name(), "deauth");
    }

    #[test]
    fn connect_with_a_failure_status_is_connect_failed() {
        let k = Kind::connected(None, Some(Mhz(2437)), None, 17);
        assert_eq!(k.name(), "connect_failed");
        let k = Kind::connected(None, Some(Mhz(2437)), Some("clinic".into()), 0);
        let Kind::Connected { channel, .. } = &k else {
            panic!("{k:?}")
        };
        assert_eq!(*channel, Some(6));
    }

    #[test]
    fn human_lines() {
        let r = Record::new(
            Millis(1_795_905_459_123),
            Some("wlan1"),
            Kind::disconnected(Some(MacAddr([2, 0, 0, 0, 0, 0])), 3, Initiator::Ap),
        );
        assert_eq!(
            r.to_human(),
            "22:37:39.123 wlan1 disconnected from 02:00:00:00:00:00 by the access point: reason 3 \
             (deauthenticated because the station (or AP) is leaving)"
        );
    }

    #[test]
    fn every_kind_names_itself_as_serialized() {
        let kinds = vec![
            Kind::CqmBeaconLoss,
            Kind::Link { up: false },
            Kind::DefaultRoute { gateway: None },
            Kind::Pathology {
                pathology: "ping_pong".into(),
                summary: "x".into(),
            },
            Kind::CqmRssi {
                crossing: Crossing::Low,
                signal_dbm: Some(-80),
            },
        ];
        for k in kinds {
            let v = serde_json::to_value(Record::new(Millis(0), None, k.clone())).unwrap();
            assert_eq!(v["kind"], k.name());
        }
    }

    /// One record of every kind, as the watch writes them.
    fn one_of_each() -> Vec<Kind> {
        use crate::watch::probe::{ProbeMethod, ProbeOutcome};
        let ap = Some(MacAddr([2, 0, 0, 0, 1, 0]));
        vec![
            Kind::Start {
                version: "0.1.0".into(),
                hostname: Some("laptop-7".into()),
                site: Some("north".into()),
                targets: vec!["emr:443".into(), "10.0.0.9".into()],
                interval_ms: 1000,
                gateway: Some("fe80::1".parse().unwrap()),
            },
            Kind::Stop {
                reason: "--for 5m elapsed".into(),
                outages: 2,
            },
            Kind::connected(ap, Some(Mhz(5180)), Some("clinic \"A\"".into()), 0),
            Kind::connected(ap, None, None, 17),
            Kind::disconnected(ap, 3, Initiator::Ap),
            Kind::deauth(None, 7, Initiator::Local),
            Kind::disassoc(ap, 8, Initiator::Ap),
            Kind::Roamed {
                from_bssid: ap,
                to_bssid: Some(MacAddr([2, 0, 0, 0, 2, 0])),
                from_channel: Some(1),
                to_channel: Some(36),
                signal_before_dbm: Some(-81),
                signal_after_dbm: None,
                gap_ms: 2300,
            },
            Kind::CqmRssi {
                crossing: Crossing::High,
                signal_dbm: None,
            },
            Kind::CqmPacketLoss { packets: 50 },
            Kind::CqmBeaconLoss,
            Kind::Link { up: false },
            Kind::AddressAdded {
                address: "10.77.0.23/24".into(),
            },
            Kind::AddressRemoved {
                address: "2001:db8::1/64".into(),
            },
            Kind::DefaultRoute { gateway: None },
            Kind::InterfaceAdded {
                name: Some("wlan1".into()),
            },
            Kind::InterfaceRemoved { name: None },
            Kind::Sample {
                connected: true,
                bssid: ap,
                channel: Some(6),
                signal_dbm: Some(-55),
                tx_bitrate_mbps: Some(86.7),
                tx_packets: Some(12),
                tx_retries: Some(0),
                tx_failed: None,
                beacon_loss: Some(0),
            },
            Kind::Probe {
                target: "emr:443".into(),
                role: ProbeRole::Target,
                method: ProbeMethod::Tcp,
                outcome: ProbeOutcome::Refused,
                ok: false,
                rtt_ms: None,
                detail: Some("connection refused".into()),
            },
            Kind::Outage {
                target: "emr:443".into(),
                start: Millis(1_795_905_459_000),
                end: Millis(1_795_905_462_500),
                duration_ms: 3500,
                cause: Cause::WifiDegraded,
                evidence: vec![
                    Evidence {
                        ts: Millis(1_795_905_459_000),
                        kind: Kind::CqmBeaconLoss,
                    },
                    Evidence {
                        ts: Millis(1_795_905_459_100),
                        kind: Kind::disconnected(ap, 4, Initiator::Local),
                    },
                ],
                summary: "emr:443 unreachable for 3.5 s: …".into(),
            },
            Kind::Pathology {
                pathology: "sticky_client".into(),
                summary: "stayed on a weak AP".into(),
            },
            Kind::Suspended {
                since: Millis(1_795_905_000_000),
                duration_ms: 600_000,
            },
            Kind::ClockStep {
                offset_ms: -3_600_000,
            },
            Kind::Scan {
                fresh: true,
                bsses: vec![
                    ScanHeard {
                        bssid: MacAddr([2, 0, 0, 0, 1, 0]),
                        ssid: Some("clinic \\x0a".into()),
                        freq_mhz: Mhz(2412),
                        channel: Some(1),
                        width_mhz: 20,
                        center_freq_mhz: Mhz(2412),
                        center_freq2_mhz: None,
                        signal_dbm: Some(-48),
                        utilization_pct: Some(31.4),
                        associated: true,
                    },
                    ScanHeard {
                        bssid: MacAddr([2, 0, 0, 0, 2, 0]),
                        ssid: None,
                        freq_mhz: Mhz(5180),
                        channel: Some(36),
                        width_mhz: 80,
                        center_freq_mhz: Mhz(5210),
                        center_freq2_mhz: None,
                        signal_dbm: None,
                        utilization_pct: None,
                        associated: false,
                    },
                ],
            },
        ]
    }

    #[test]
    fn every_kind_round_trips_through_its_log_line() {
        for (i, kind) in one_of_each().into_iter().enumerate() {
            let r = Record::new(Millis(1_795_905_459_123 + i as u64), Some("wlan1"), kind);
            let line = r.to_json_line();
            match serde_json::from_str::<LineParse>(&line) {
                Ok(LineParse::Event {
                    record,
                    unknown_fields,
                }) => {
                    assert_eq!(record, r, "{line}");
                    assert_eq!(unknown_fields, 0, "{line}");
                }
                other => panic!("{line} read back as {other:?}"),
            }
            // And through a JSON value (the redaction path).
            let back: Record = serde_json::from_value(r.to_json_value()).unwrap();
            assert_eq!(back, r);
        }
    }

    #[test]
    fn every_kind_writes_schema_ts_iface_kind_first() {
        for kind in one_of_each() {
            let line = Record::new(Millis(0), Some("wlan1"), kind).to_json_line();
            assert!(
                line.starts_with(r#"{"schema":"wifidiag.event/1","ts":"1970-01-01T00:00:00.000Z","iface":"wlan1","kind":""#),
                "{line}"
            );
        }
    }

    #[test]
    fn every_kind_stays_a_record_when_redacted_and_loses_its_identities() {
        let redactor = crate::output::Redactor::default();
        for kind in one_of_each() {
            let r = Record::new(Millis(1_795_905_459_123), Some("wlan1"), kind);
            let red = r
                .redacted(&redactor)
                .unwrap_or_else(|| panic!("{}", r.to_json_line()));
            let line = red.to_json_line();
            for secret in [
                "02:00:00:00:01:00",
                "02:00:00:00:02:00",
                "laptop-7",
                "clinic",
                "fe80::1\"",
                "2001:db8::1/",
            ] {
                assert!(!line.contains(secret), "{secret} in {line}");
            }
            assert_eq!(red.kind.name(), r.kind.name());
            assert_eq!(red.ts, r.ts);
        }
    }
}
