//! `wifidiag interfaces`: the `wifidiag.interfaces/1` document and its table.

use super::table::{new_table, SafeRows, NONE};
use crate::freq::Band;
use crate::model::{IfType, MacAddr, Mhz, Ssid, WirelessInterface};
use crate::output::{Envelope, Redact, Redactor};
use serde::Serialize;
use std::io::{self, Write};

/// The schema identifier of this document.
pub const SCHEMA: &str = "wifidiag.interfaces/1";

/// The `wifidiag interfaces --json` document.
#[derive(Debug, Serialize)]
pub struct InterfacesReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub interfaces: Vec<InterfaceEntry>,
}

/// One interface in [`InterfacesReport`].
#[derive(Debug, Serialize)]
pub struct InterfaceEntry {
    pub name: Option<String>,
    pub ifindex: Option<u32>,
    pub phy: u32,
    #[serde(rename = "type")]
    pub if_type: IfType,
    pub mac: Option<MacAddr>,
    pub ssid: Option<Ssid>,
    pub freq_mhz: Option<Mhz>,
    pub channel: Option<u16>,
    pub band: Option<Band>,
    pub width_mhz: Option<u32>,
    pub center_freq_mhz: Option<Mhz>,
    pub txpower_dbm: Option<f64>,
}

impl From<&WirelessInterface> for InterfaceEntry {
    fn from(iface: &WirelessInterface) -> Self {
        let channel = iface.freq.and_then(Mhz::channel);
        InterfaceEntry {
            name: iface.name.clone(),
            ifindex: iface.ifindex,
            phy: iface.phy,
            if_type: iface.if_type,
            mac: iface.mac,
            ssid: iface.ssid.clone(),
            freq_mhz: iface.freq,
            channel: channel.map(|c| c.number),
            band: channel.map(|c| c.band),
            width_mhz: iface.width_mhz,
            center_freq_mhz: iface.center_freq,
            txpower_dbm: iface.txpower_mbm.map(|mbm| f64::from(mbm) / 100.0),
        }
    }
}

impl Redact for InterfacesReport {
    fn redact(&mut self, r: &Redactor) {
        self.envelope.redact(r);
        for e in &mut self.interfaces {
            e.name = e.name.as_deref().map(|n| r.redact_text(n));
            e.mac = e.mac.map(|m| r.mac_addr(m));
            e.ssid = e.ssid.as_ref().map(|s| r.ssid_value(s));
        }
    }
}

impl InterfacesReport {
    pub fn new(envelope: Envelope, interfaces: &[WirelessInterface]) -> Self {
        InterfacesReport {
            envelope,
            interfaces: interfaces.iter().map(InterfaceEntry::from).collect(),
        }
    }

    /// Writes the human table.
    pub fn write_table(&self, out: &mut impl Write, styled: bool) -> io::Result<()> {
        if self.interfaces.is_empty() {
            return writeln!(out, "No wireless interfaces.");
        }
        let mut table = new_table(
            styled,
            &[
                "Interface",
                "Index",
                "Phy",
                "Type",
                "MAC",
                "SSID",
                "Frequency",
                "Channel",
            ],
        );
        for entry in &self.interfaces {
            table.add_safe_row(vec![
                entry.name.clone().unwrap_or_else(|| NONE.into()),
                opt(entry.ifindex),
                format!("phy{}", entry.phy),
                entry.if_type.label().to_string(),
                opt(entry.mac),
                entry.ssid.as_ref().map_or_else(|| NONE.into(), ssid_cell),
                opt(entry.freq_mhz),
                match (entry.channel, entry.band, entry.width_mhz) {
                    (Some(ch), Some(band), Some(w)) => format!("{ch} ({band}, {w} MHz)"),
                    (Some(ch), Some(band), None) => format!("{ch} ({band})"),
                    _ => NONE.into(),
                },
            ]);
        }
        writeln!(out, "{table}")
    }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| NONE.into(), |v| v.to_string())
}

fn ssid_cell(ssid: &Ssid) -> String {
    if ssid.is_hidden() {
        "(hidden)".into()
    } else {
        ssid.escaped()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        Envelope {
            schema: SCHEMA,
            tool_version: "0.0.0-test",
            timestamp: "2026-11-27T00:00:00.000Z".into(),
            hostname: Some("reception-laptop".into()),
        }
    }

    fn sample() -> Vec<WirelessInterface> {
        vec![
            WirelessInterface {
                name: Some("wlan0".into()),
                ifindex: Some(3),
                phy: 0,
                if_type: IfType::Station,
                mac: Some(MacAddr([2, 0, 0, 0, 0, 0])),
                ssid: Some(Ssid(b"clinic".to_vec())),
                freq: Some(Mhz(5180)),
                width_mhz: Some(80),
                center_freq: Some(Mhz(5210)),
                txpower_mbm: Some(2000),
            },
            WirelessInterface {
                name: Some("wlan1".into()),
                ifindex: Some(4),
                phy: 1,
                if_type: IfType::Station,
                mac: Some(MacAddr([2, 0, 0, 0, 1, 0])),
                ssid: None,
                freq: None,
                width_mhz: None,
                center_freq: None,
                txpower_mbm: None,
            },
        ]
    }

    #[test]
    fn json_document_follows_the_schema() {
        let report = InterfacesReport::new(envelope(), &sample());
        let mut buf = Vec::new();
        crate::output::write_json_doc(&mut buf, &report, None).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(doc["schema"], "wifidiag.interfaces/1");
        assert_eq!(doc["hostname"], "reception-laptop");
        let first = &doc["interfaces"][0];
        assert_eq!(first["name"], "wlan0");
        assert_eq!(first["ifindex"], 3);
        assert_eq!(first["phy"], 0);
        assert_eq!(first["type"], "station");
        assert_eq!(first["mac"], "02:00:00:00:00:00");
        assert_eq!(first["ssid"], "clinic");
        assert_eq!(first["freq_mhz"], 5180);
        assert_eq!(first["channel"], 36);
        assert_eq!(first["band"], "5GHz");
        assert_eq!(first["width_mhz"], 80);
        assert_eq!(first["center_freq_mhz"], 5210);
        assert_eq!(first["txpower_dbm"], 20.0);
        let idle = &doc["interfaces"][1];
        for key in [
            "ssid",
            "freq_mhz",
            "channel",
            "band",
            "width_mhz",
            "txpower_dbm",
        ] {
            assert!(idle[key].is_null(), "{key} should be null: {idle}");
        }
    }

    #[test]
    fn plain_table_lists_each_interface() {
        let report = InterfacesReport::new(envelope(), &sample());
        let mut buf = Vec::new();
        report.write_table(&mut buf, false).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.contains("| wlan0 "), "{text}");
        assert!(text.contains("36 (5GHz, 80 MHz)"), "{text}");
        assert!(text.contains("| wlan1 "), "{text}");
        assert!(
            !text.contains('\u{1b}'),
            "escape codes in plain output: {text}"
        );
    }

    #[test]
    fn redaction_hides_identities_in_the_table_too() {
        let mut list = sample();
        list.push(WirelessInterface {
            name: Some("wlx001b63aabbcc".into()),
            mac: Some(MacAddr([0x00, 0x1b, 0x63, 0xaa, 0xbb, 0xcc])),
            ssid: Some(Ssid(b"Dr Smith's clinic".to_vec())),
            ..list[1].clone()
        });
        let report = InterfacesReport::new(envelope(), &list);
        let render = |r: &InterfacesReport| {
            let mut buf = Vec::new();
            r.write_table(&mut buf, false).unwrap();
            String::from_utf8(buf).unwrap()
        };
        let (table, json) = super::super::check_redaction(
            report,
            render,
            &[
                "reception-laptop",
                "02:00:00:00:00:00",
                "02:00:00:00:01:00",
                "00:1b:63:aa:bb:cc",
                "001b63aabbcc",
                "clinic",
            ],
        );
        // The table shows the JSON's pseudonyms, not blanks.
        let first = &json["interfaces"][0];
        for key in ["mac", "ssid"] {
            let v = first[key].as_str().unwrap();
            assert!(table.contains(v), "{key} {v} not in\n{table}");
        }
        assert!(first["ssid"].as_str().unwrap().starts_with("ssid-"));
        assert!(table.contains(json["interfaces"][2]["name"].as_str().unwrap()));
        assert!(json["hostname"].as_str().unwrap().starts_with("host-"));
    }

    #[test]
    fn empty_list_says_so() {
        let report = InterfacesReport::new(envelope(), &[]);
        let mut buf = Vec::new();
        report.write_table(&mut buf, false).unwrap();
        assert_eq!(String::from_utf8(buf).unwrap(), "No wireless interfaces.\n");
    }
}
