//! `wifidiag status`: the `wifidiag.status/1` document and its rendering.
//!
//! [`InterfaceStatus::build`] is a pure function of what the kernel edge
//! read (interface, station entry, survey, regulatory domain, IP state,
//! resolvers), so every field and every note is tested without a radio.

use super::table::{new_table, SafeRows, NONE};
use crate::freq::Band;
use crate::health::{self, LinkFacts, Note};
use crate::model::{
    DfsRegion, IfType, IpState, MacAddr, Mhz, OperState, RateGeneration, RateInfo, RegDomain, Ssid,
    StationInfo, SurveyEntry, WirelessInterface,
};
use crate::output::round_to;
use crate::output::{Envelope, Redact, Redactor};
use serde::Serialize;
use std::io::{self, Write};
use std::net::IpAddr;

/// The schema identifier of this document.
pub const SCHEMA: &str = "wifidiag.status/1";

/// The `wifidiag status --json` document.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// DNS resolvers from /etc/resolv.conf (machine-wide).
    pub resolvers: Vec<IpAddr>,
    pub interfaces: Vec<InterfaceStatus>,
}

/// A negotiated bitrate in the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bitrate {
    pub mbps: Option<f64>,
    /// `legacy`, `HT`, `VHT`, `HE`, `EHT`.
    pub generation: Option<RateGeneration>,
    pub mcs: Option<u8>,
    pub nss: Option<u8>,
    pub width_mhz: Option<u32>,
    pub guard_interval_ns: Option<u32>,
}

impl From<&RateInfo> for Bitrate {
    fn from(r: &RateInfo) -> Self {
        Bitrate {
            mbps: r.mbps,
            generation: r.generation,
            mcs: r.mcs,
            nss: r.nss,
            width_mhz: r.width_mhz,
            guard_interval_ns: r.guard_interval_ns,
        }
    }
}

impl Bitrate {
    /// `"866.7 Mbit/s VHT-MCS 9 2SS 80 MHz SGI"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(mbps) = self.mbps {
            parts.push(format!("{mbps:.1} Mbit/s"));
        }
        match (self.generation, self.mcs) {
            (Some(g), Some(mcs)) => parts.push(format!("{}-MCS {mcs}", g.label())),
            (Some(g), None) => parts.push(g.label().to_string()),
            _ => {}
        }
        if let Some(nss) = self.nss {
            parts.push(format!("{nss}SS"));
        }
        if let Some(w) = self.width_mhz {
            parts.push(format!("{w} MHz"));
        }
        if let Some(gi) = self.guard_interval_ns {
            parts.push(format!("GI {gi} ns"));
        }
        if parts.is_empty() {
            NONE.into()
        } else {
            parts.join(" ")
        }
    }
}

/// Regulatory domain in the document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regulatory {
    pub country: String,
    pub dfs_region: Option<DfsRegion>,
}

/// One interface in [`StatusReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterfaceStatus {
    pub name: Option<String>,
    pub ifindex: Option<u32>,
    pub mac: Option<MacAddr>,
    pub phy: u32,
    pub mode: IfType,
    pub oper_state: Option<OperState>,
    pub connected: bool,
    pub ssid: Option<Ssid>,
    pub bssid: Option<MacAddr>,
    pub freq_mhz: Option<Mhz>,
    pub channel: Option<u16>,
    pub band: Option<Band>,
    pub width_mhz: Option<u32>,
    pub center_freq_mhz: Option<Mhz>,
    pub signal_dbm: Option<i32>,
    pub signal_avg_dbm: Option<i32>,
    pub chain_signal_dbm: Vec<i32>,
    pub beacon_signal_avg_dbm: Option<i32>,
    pub noise_dbm: Option<i32>,
    pub snr_db: Option<i32>,
    pub tx_bitrate_mbps: Option<f64>,
    pub rx_bitrate_mbps: Option<f64>,
    pub tx_bitrate: Option<Bitrate>,
    pub rx_bitrate: Option<Bitrate>,
    pub expected_throughput_mbps: Option<f64>,
    pub tx_packets: Option<u32>,
    pub rx_packets: Option<u32>,
    pub tx_retries: Option<u32>,
    pub tx_failed: Option<u32>,
    /// Retries as a percentage of transmitted packets (null below 50 packets).
    pub tx_retry_pct: Option<f64>,
    pub tx_failed_pct: Option<f64>,
    pub beacon_loss: Option<u32>,
    pub beacon_rx: Option<u64>,
    pub connected_time_s: Option<u32>,
    pub inactive_time_ms: Option<u32>,
    pub regulatory: Option<Regulatory>,
    /// `address/prefix`.
    pub ipv4: Vec<String>,
    pub ipv6: Vec<String>,
    /// The default gateway through this interface, else the machine's.
    pub gateway: Option<IpAddr>,
    /// The interface the machine's preferred default route uses.
    pub gateway_iface: Option<String>,
    pub notes: Vec<Note>,
}

/// What the kernel edge read for one interface.
#[derive(Debug, Clone, Copy)]
pub struct StatusInputs<'a> {
    pub iface: &'a WirelessInterface,
    pub station: Option<&'a StationInfo>,
    pub survey: &'a [SurveyEntry],
    pub regulatory: Option<&'a RegDomain>,
    pub ip: &'a IpState,
}

impl InterfaceStatus {
    pub fn build(input: StatusInputs<'_>) -> Self {
        let StatusInputs {
            iface,
            station,
            survey,
            regulatory,
            ip,
        } = input;
        // A managed interface has a station entry only for the AP it is associated with.
        let connected = station.is_some();
        let channel = iface.freq.and_then(Mhz::channel);
        let link = iface.ifindex.and_then(|i| ip.link(i));
        let noise = survey
            .iter()
            .find(|s| s.in_use || Some(s.freq) == iface.freq)
            .and_then(|s| s.noise);
        let signal = station.and_then(|s| s.signal.or(s.signal_avg));
        let snr = match (signal, noise) {
            (Some(s), Some(n)) if connected => Some(s.0 - n.0),
            _ => None,
        };
        let (mut ipv4, mut ipv6) = (Vec::new(), Vec::new());
        for addr in iface.ifindex.iter().flat_map(|&i| ip.addresses_of(i)) {
            let text = format!("{}/{}", addr.address, addr.prefix_len);
            match addr.address {
                IpAddr::V4(_) => ipv4.push(text),
                IpAddr::V6(_) => ipv6.push(text),
            }
        }
        let own_route = iface.ifindex.and_then(|i| ip.default_route_via(i));
        let route = own_route.or_else(|| ip.default_route());
        let gateway_iface = route
            .and_then(|r| r.ifindex)
            .and_then(|i| ip.link(i))
            .and_then(|l| l.name.clone());

        let st = |f: fn(&StationInfo) -> Option<u32>| station.and_then(f);
        let tx_packets = st(|s| s.tx_packets);
        let tx_retries = st(|s| s.tx_retries);
        let tx_failed = st(|s| s.tx_failed);
        let facts = LinkFacts {
            connected,
            dormant: link.is_some_and(|l| l.oper_state == OperState::Dormant),
            signal_dbm: signal.map(|s| s.0),
            snr_db: snr,
            tx_packets,
            tx_retries,
            tx_failed,
            beacon_loss: st(|s| s.beacon_loss),
            connected_time_s: st(|s| s.connected_time_s),
            has_ipv4: !ipv4.is_empty(),
            has_default_route: own_route.is_some(),
        };
        // Notes are about client links; an AP or monitor interface gets none.
        let notes = if iface.if_type == IfType::Station {
            health::link_notes(&facts)
        } else {
            Vec::new()
        };

        InterfaceStatus {
            name: iface.name.clone(),
            ifindex: iface.ifindex,
            mac: iface.mac,
            phy: iface.phy,
            mode: iface.if_type,
            oper_state: link.map(|l| l.oper_state),
            connected,
            ssid: iface.ssid.clone(),
            bssid: station.and_then(|s| s.bssid),
            freq_mhz: iface.freq,
            channel: channel.map(|c| c.number),
            band: channel.map(|c| c.band),
            width_mhz: iface.width_mhz,
            center_freq_mhz: iface.center_freq,
            signal_dbm: station.and_then(|s| s.signal).map(|d| d.0),
            signal_avg_dbm: station.and_then(|s| s.signal_avg).map(|d| d.0),
            chain_signal_dbm: station
                .map(|s| s.chain_signal.iter().map(|d| d.0).collect())
                .unwrap_or_default(),
            beacon_signal_avg_dbm: station.and_then(|s| s.beacon_signal_avg).map(|d| d.0),
            noise_dbm: noise.map(|n| n.0),
            snr_db: snr,
            tx_bitrate_mbps: station.and_then(|s| s.tx_bitrate.as_ref()?.mbps),
            rx_bitrate_mbps: station.and_then(|s| s.rx_bitrate.as_ref()?.mbps),
            tx_bitrate: station
                .and_then(|s| s.tx_bitrate.as_ref())
                .map(Bitrate::from),
            rx_bitrate: station
                .and_then(|s| s.rx_bitrate.as_ref())
                .map(Bitrate::from),
            expected_throughput_mbps: station
                .and_then(|s| s.expected_throughput_kbps)
                .map(|k| f64::from(k) / 1000.0),
            tx_packets,
            rx_packets: st(|s| s.rx_packets),
            tx_retries,
            tx_failed,
            tx_retry_pct: health::rate_pct(tx_retries, tx_packets).map(|x| round_to(x, 1)),
            tx_failed_pct: health::rate_pct(tx_failed, tx_packets).map(|x| round_to(x, 1)),
            beacon_loss: facts.beacon_loss,
            beacon_rx: station.and_then(|s| s.beacon_rx),
            connected_time_s: facts.connected_time_s,
            inactive_time_ms: st(|s| s.inactive_time_ms),
            regulatory: regulatory.map(|r| Regulatory {
                country: r.country.clone(),
                dfs_region: r.dfs_region,
            }),
            ipv4,
            ipv6,
            gateway: route.and_then(|r| r.gateway),
            gateway_iface,
            notes,
        }
    }
}

impl Redact for StatusReport {
    fn redact(&mut self, r: &Redactor) {
        self.envelope.redact(r);
        for ip in &mut self.resolvers {
            *ip = r.ip(*ip);
        }
        for s in &mut self.interfaces {
            s.redact(r);
        }
    }
}

impl Redact for InterfaceStatus {
    fn redact(&mut self, r: &Redactor) {
        let text = |t: &mut String| *t = r.redact_text(t);
        self.name.iter_mut().for_each(text);
        self.mac = self.mac.map(|m| r.mac_addr(m));
        self.ssid = self.ssid.as_ref().map(|s| r.ssid_value(s));
        self.bssid = self.bssid.map(|m| r.mac_addr(m));
        // IPv4 is kept; the text pass is what the JSON redaction does too.
        self.ipv4.iter_mut().for_each(text);
        self.ipv6.iter_mut().for_each(text);
        self.gateway = self.gateway.map(|g| r.ip(g));
        self.gateway_iface.iter_mut().for_each(text);
        for note in &mut self.notes {
            text(&mut note.message);
        }
    }
}

impl StatusReport {
    /// Writes one two-column table per interface, then its notes.
    pub fn write_human(&self, out: &mut impl Write, styled: bool) -> io::Result<()> {
        for (i, s) in self.interfaces.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            let title = format!(
                "{} ({}, phy{})",
                crate::escape::terminal_safe(s.name.as_deref().unwrap_or(NONE)),
                s.mode.label(),
                s.phy
            );
            let mut table = new_table(styled, &[title.as_str(), ""]);
            let mut row = |k: &str, v: String| {
                table.add_safe_row(vec![k.to_string(), v]);
            };
            row("MAC", opt(s.mac));
            row(
                "State",
                s.oper_state.map_or(NONE.into(), |o| o.label().into()),
            );
            if s.connected {
                row("SSID", s.ssid.as_ref().map_or(NONE.into(), |x| x.escaped()));
                row("BSSID", opt(s.bssid));
                row("Channel", channel_text(s));
                row("Signal", signal_text(s));
                if let Some(noise) = s.noise_dbm {
                    row("Noise / SNR", format!("{noise} dBm / {} dB", opt(s.snr_db)));
                }
                row(
                    "Tx rate",
                    s.tx_bitrate.as_ref().map_or(NONE.into(), Bitrate::describe),
                );
                row(
                    "Rx rate",
                    s.rx_bitrate.as_ref().map_or(NONE.into(), Bitrate::describe),
                );
                if let Some(t) = s.expected_throughput_mbps {
                    row("Expected throughput", format!("{t:.1} Mbit/s"));
                }
                row("Tx packets", opt(s.tx_packets));
                row("Tx retries", count_pct(s.tx_retries, s.tx_retry_pct));
                row("Tx failed", count_pct(s.tx_failed, s.tx_failed_pct));
                row("Beacon loss", opt(s.beacon_loss));
                row("Beacons received", opt(s.beacon_rx));
                row(
                    "Connected for",
                    s.connected_time_s.map_or(NONE.into(), duration_text),
                );
                row(
                    "Inactive",
                    s.inactive_time_ms
                        .map_or(NONE.into(), |ms| format!("{ms} ms")),
                );
            } else if s.mode == IfType::Station {
                row("Connection", "not associated".into());
            } else if s.ssid.is_some() {
                row("SSID", s.ssid.as_ref().map_or(NONE.into(), |x| x.escaped()));
                row("Channel", channel_text(s));
            }
            if let Some(reg) = &s.regulatory {
                let dfs = reg
                    .dfs_region
                    .map_or(String::new(), |d| format!(" (DFS {})", d.label()));
                row("Regulatory", format!("{}{dfs}", reg.country));
            }
            row("IPv4", list_text(&s.ipv4));
            if !s.ipv6.is_empty() {
                row("IPv6", list_text(&s.ipv6));
            }
            let gw = match (&s.gateway, &s.gateway_iface) {
                (Some(g), Some(dev)) => format!("{g} via {dev}"),
                (Some(g), None) => g.to_string(),
                _ => NONE.into(),
            };
            row("Default gateway", gw);
            row(
                "DNS resolvers",
                list_text(
                    &self
                        .resolvers
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>(),
                ),
            );
            writeln!(out, "{table}")?;
            for note in &s.notes {
                let message = crate::escape::terminal_safe(&note.message);
                writeln!(out, "  [{}] {message}", note.severity.label())?;
            }
        }
        if self.interfaces.is_empty() {
            writeln!(out, "No wireless interfaces.")?;
        }
        Ok(())
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| NONE.into(), |v| v.to_string())
}

fn list_text(items: &[String]) -> String {
    if items.is_empty() {
        NONE.into()
    } else {
        items.join(", ")
    }
}

fn channel_text(s: &InterfaceStatus) -> String {
    let mut text = match (s.channel, s.band, s.freq_mhz) {
        (Some(ch), Some(band), Some(f)) => format!("{ch} ({band}, {} MHz)", f.0),
        (_, _, Some(f)) => format!("{} MHz", f.0),
        _ => return NONE.into(),
    };
    if let Some(w) = s.width_mhz {
        text.push_str(&format!(", width {w} MHz"));
        if let Some(c) = s.center_freq_mhz.filter(|c| Some(*c) != s.freq_mhz) {
            text.push_str(&format!(" centred on {} MHz", c.0));
        }
    }
    text
}

fn signal_text(s: &InterfaceStatus) -> String {
    let mut text = opt(s.signal_dbm.map(|d| format!("{d} dBm")));
    if let Some(avg) = s.signal_avg_dbm {
        text.push_str(&format!(" (average {avg} dBm)"));
    }
    if s.chain_signal_dbm.len() > 1 {
        let chains: Vec<String> = s.chain_signal_dbm.iter().map(|c| c.to_string()).collect();
        text.push_str(&format!(" chains [{}]", chains.join(", ")));
    }
    text
}

fn count_pct(count: Option<u32>, pct: Option<f64>) -> String {
    match (count, pct) {
        (Some(c), Some(p)) => format!("{c} ({p:.1} %)"),
        (Some(c), None) => c.to_string(),
        _ => NONE.into(),
    }
}

fn duration_text(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h} h {m} min")
    } else if m > 0 {
        format!("{m} min {s} s")
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dbm, DefaultRoute, IfAddress, LinkState};

    fn iface() -> WirelessInterface {
        WirelessInterface {
            name: Some("wlan1".into()),
            ifindex: Some(5),
            phy: 1,
            if_type: IfType::Station,
            mac: Some(MacAddr([2, 0, 0, 0, 1, 0])),
            ssid: Some(Ssid(b"clinic".to_vec())),
            freq: Some(Mhz(2437)),
            width_mhz: Some(20),
            center_freq: Some(Mhz(2437)),
            txpower_mbm: None,
        }
    }

    fn station() -> StationInfo {
        StationInfo {
            bssid: Some(MacAddr([2, 0, 0, 0, 0, 0])),
            signal: Some(Dbm(-74)),
            signal_avg: Some(Dbm(-73)),
            tx_packets: Some(200),
            tx_retries: Some(40),
            tx_failed: Some(0),
            beacon_loss: Some(0),
            tx_bitrate: Some(RateInfo {
                mbps: Some(65.0),
                generation: Some(RateGeneration::Ht),
                mcs: Some(7),
                nss: Some(1),
                width_mhz: Some(20),
                guard_interval_ns: Some(800),
            }),
            connected_time_s: Some(125),
            ..Default::default()
        }
    }

    fn ip() -> IpState {
        IpState {
            links: vec![LinkState {
                ifindex: 5,
                name: Some("wlan1".into()),
                admin_up: true,
                carrier: true,
                oper_state: OperState::Up,
            }],
            addresses: vec![IfAddress {
                ifindex: 5,
                address: "10.77.0.100".parse().unwrap(),
                prefix_len: 24,
            }],
            default_routes: vec![DefaultRoute {
                gateway: Some("10.77.0.1".parse().unwrap()),
                ifindex: Some(5),
                metric: None,
            }],
        }
    }

    #[test]
    fn connected_station_fields() {
        let (iface, station, ip) = (iface(), station(), ip());
        let survey = [SurveyEntry {
            freq: Mhz(2437),
            in_use: true,
            noise: Some(Dbm(-92)),
            ..Default::default()
        }];
        let s = InterfaceStatus::build(StatusInputs {
            iface: &iface,
            station: Some(&station),
            survey: &survey,
            regulatory: None,
            ip: &ip,
        });
        assert!(s.connected);
        assert_eq!(s.channel, Some(6));
        assert_eq!(s.band, Some(Band::Ghz2_4));
        assert_eq!(s.bssid, Some(MacAddr([2, 0, 0, 0, 0, 0])));
        assert_eq!(s.signal_dbm, Some(-74));
        assert_eq!(s.noise_dbm, Some(-92));
        assert_eq!(s.snr_db, Some(18));
        assert_eq!(s.tx_bitrate_mbps, Some(65.0));
        assert_eq!(s.tx_retry_pct, Some(20.0));
        assert_eq!(s.ipv4, ["10.77.0.100/24"]);
        assert_eq!(s.gateway, Some("10.77.0.1".parse().unwrap()));
        assert_eq!(s.gateway_iface.as_deref(), Some("wlan1"));
        let codes: Vec<_> = s.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, ["weak_signal", "low_snr", "high_retries"]);
    }

    #[test]
    fn not_associated_station() {
        let mut iface = iface();
        iface.ssid = None;
        iface.freq = None;
        let ip = IpState::default();
        let s = InterfaceStatus::build(StatusInputs {
            iface: &iface,
            station: None,
            survey: &[],
            regulatory: None,
            ip: &ip,
        });
        assert!(!s.connected);
        assert_eq!(s.signal_dbm, None);
        assert_eq!(s.notes.len(), 1);
        assert_eq!(s.notes[0].code, "not_connected");
        let report = StatusReport {
            envelope: Envelope {
                schema: SCHEMA,
                tool_version: "t",
                timestamp: "t".into(),
                hostname: None,
            },
            resolvers: vec![],
            interfaces: vec![s],
        };
        let mut buf = Vec::new();
        report.write_human(&mut buf, false).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("not associated"), "{text}");
        assert!(text.contains("[warning] Not associated"), "{text}");
    }

    #[test]
    fn json_has_the_contract_fields() {
        let (iface, station, ip) = (iface(), station(), ip());
        let s = InterfaceStatus::build(StatusInputs {
            iface: &iface,
            station: Some(&station),
            survey: &[],
            regulatory: Some(&RegDomain {
                country: "US".into(),
                dfs_region: Some(DfsRegion::Fcc),
                self_managed: false,
            }),
            ip: &ip,
        });
        let doc = serde_json::to_value(&s).unwrap();
        for key in [
            "name",
            "ifindex",
            "mac",
            "connected",
            "ssid",
            "bssid",
            "freq_mhz",
            "channel",
            "width_mhz",
            "signal_dbm",
            "tx_bitrate_mbps",
            "rx_bitrate_mbps",
            "tx_retries",
            "tx_failed",
            "beacon_loss",
            "ipv4",
            "gateway",
        ] {
            assert!(doc.get(key).is_some(), "missing {key}: {doc}");
        }
        assert_eq!(doc["regulatory"]["country"], "US");
        assert_eq!(doc["regulatory"]["dfs_region"], "FCC");
        assert_eq!(doc["tx_bitrate"]["generation"], "HT");
        assert_eq!(doc["mode"], "station");
        assert!(doc["noise_dbm"].is_null());
    }

    #[test]
    fn redaction_hides_identities_in_the_table_too() {
        let (iface, station) = (iface(), station());
        let mut ip = ip();
        // SLAAC EUI-64 (contains the MAC 02:00:00:00:01:00), a stable
        // privacy address and a link-local one; a link-local IPv6 router.
        for a in [
            "2001:db8:77:1:0:ff:fe00:100",
            "2001:db8:77:1:8d1c:2b3e:44f1:9a07",
            "fe80::ff:fe00:100",
        ] {
            ip.addresses.push(IfAddress {
                ifindex: 5,
                address: a.parse().unwrap(),
                prefix_len: 64,
            });
        }
        ip.default_routes[0].gateway = Some("fe80::21b:63ff:feaa:bbcc".parse().unwrap());
        let mut status = InterfaceStatus::build(StatusInputs {
            iface: &iface,
            station: Some(&station),
            survey: &[],
            regulatory: None,
            ip: &ip,
        });
        status.notes.push(Note {
            severity: crate::health::Severity::Warning,
            code: "test",
            message: "deauthenticated by 02:00:00:00:00:00".into(),
        });
        let report = StatusReport {
            envelope: Envelope {
                schema: SCHEMA,
                tool_version: "t",
                timestamp: "2026-11-27T00:00:00.000Z".into(),
                hostname: Some("reception-laptop".into()),
            },
            resolvers: vec![
                "10.77.0.1".parse().unwrap(),
                "2001:db8:77:1::53".parse().unwrap(),
            ],
            interfaces: vec![status],
        };
        let render = |r: &StatusReport| {
            let mut buf = Vec::new();
            r.write_human(&mut buf, false).unwrap();
            String::from_utf8(buf).unwrap()
        };
        let (table, json) = super::super::check_redaction(
            report,
            render,
            &[
                "reception-laptop",
                "02:00:00:00:01:00",
                "02:00:00:00:00:00",
                "clinic",
                ":ff:fe00:100",
                "8d1c:2b3e",
                "feaa:bbcc",
                "2001:db8:77:1::53",
            ],
        );
        let s = &json["interfaces"][0];
        for key in ["mac", "bssid", "ssid", "gateway"] {
            let v = s[key].as_str().unwrap();
            assert!(table.contains(v), "{key} {v} not in\n{table}");
        }
        for v in s["ipv6"].as_array().unwrap() {
            let v = v.as_str().unwrap();
            assert!(table.contains(v), "{v} not in\n{table}");
        }
        // What a reachability ticket is about stays.
        assert!(table.contains("10.77.0.100/24") && table.contains("10.77.0.1, 2001:db8:77:1:"));
        assert!(s["ipv6"][2].as_str().unwrap().starts_with("fe80::"));
    }

    #[test]
    fn bitrate_description() {
        let b = Bitrate {
            mbps: Some(866.7),
            generation: Some(RateGeneration::Vht),
            mcs: Some(9),
            nss: Some(2),
            width_mhz: Some(80),
            guard_interval_ns: Some(400),
        };
        assert_eq!(b.describe(), "866.7 Mbit/s VHT-MCS 9 2SS 80 MHz GI 400 ns");
    }
}
