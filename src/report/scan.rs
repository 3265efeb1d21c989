//! `wifidiag scan`: the `wifidiag.scan/1` document and its tables.

use super::table::{new_table, SafeRows, NONE};
use crate::freq::Band;
use crate::model::{MacAddr, Mhz, Ssid};
use crate::output::round_to;
use crate::output::{Envelope, Redact, Redactor};
use crate::scan::{BssView, ChannelSummary};
use serde::Serialize;
use std::io::{self, Write};

/// The schema identifier of this document.
pub const SCHEMA: &str = "wifidiag.scan/1";

/// cfg80211 drops scan entries not refreshed for this long
/// (`IEEE80211_SCAN_RESULT_EXPIRE`).
pub const KERNEL_EXPIRY_MS: u32 = 30_000;

/// The notice for results that are the kernel's cache: why, then what is
/// shown instead.
pub fn cached_notice(why: &str) -> String {
    format!(
        "{why}; showing the kernel's cached scan results instead (entries not seen for {} s \
         are dropped by the kernel; see each entry's age)",
        KERNEL_EXPIRY_MS / 1000
    )
}

/// The `wifidiag scan --json` document.
#[derive(Debug, Serialize)]
pub struct ScanReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub interface: String,
    /// True when this run triggered a scan that completed; false for the
    /// kernel's cached results (see `notice`).
    pub fresh: bool,
    /// `"active"` or `"passive"` (`--passive`): how this run's scan looked
    /// for networks; `None` (null) when the results are the kernel's cache.
    pub scan_mode: Option<&'static str>,
    /// Why the results are not fresh, or what else the reader must know.
    pub notice: Option<String>,
    pub bss: Vec<BssEntry>,
    pub channels: Vec<ChannelEntry>,
}

/// One BSS in [`ScanReport`].
#[derive(Debug, Serialize)]
pub struct BssEntry {
    pub bssid: MacAddr,
    /// Null for a hidden network.
    pub ssid: Option<Ssid>,
    pub hidden: bool,
    pub freq_mhz: Mhz,
    pub channel: Option<u16>,
    pub band: Option<Band>,
    pub width_mhz: u32,
    pub center_freq_mhz: Mhz,
    pub center_freq2_mhz: Option<Mhz>,
    pub signal_dbm: Option<i32>,
    pub security: &'static str,
    /// `b`, `a`, `g`, `n`, `ac`, `ax`, `be`.
    pub phy: Option<&'static str>,
    pub station_count: Option<u16>,
    pub channel_utilization_pct: Option<f64>,
    /// Admission capacity in units of 32 µs per second.
    pub admission_capacity: Option<u16>,
    pub country: Option<String>,
    /// 802.11r fast transition (mobility domain advertised).
    pub ft: bool,
    /// 802.11k neighbour reports.
    pub rrm_neighbor_report: bool,
    /// 802.11v BSS transition management.
    pub bss_transition: bool,
    pub associated: bool,
    pub age_ms: Option<u32>,
    /// Physical radio index: BSSes with the same value are virtual networks of one radio.
    pub radio: usize,
    /// Malformed or truncated elements found while decoding.
    pub element_issues: usize,
}

impl From<&BssView> for BssEntry {
    fn from(v: &BssView) -> Self {
        BssEntry {
            bssid: v.bssid,
            ssid: v.ssid.clone(),
            hidden: v.ssid.is_none(),
            freq_mhz: v.freq,
            channel: v.channel,
            band: v.band,
            width_mhz: v.width_mhz,
            center_freq_mhz: v.center_freq,
            center_freq2_mhz: v.center_freq2,
            signal_dbm: v.signal.map(|d| d.0),
            security: v.security.label(),
            phy: v.generation.map(|g| g.label()),
            station_count: v.station_count,
            channel_utilization_pct: v.channel_utilization_pct.map(|x| round_to(x, 1)),
            admission_capacity: v.admission_capacity,
            country: v.country.clone(),
            ft: v.ft,
            rrm_neighbor_report: v.rrm_neighbor_report,
            bss_transition: v.bss_transition,
            associated: v.associated,
            age_ms: v.age_ms,
            radio: v.radio,
            element_issues: v.element_issues,
        }
    }
}

/// One channel in [`ScanReport`].
#[derive(Debug, Serialize)]
pub struct ChannelEntry {
    pub band: Band,
    pub channel: u16,
    pub freq_mhz: Mhz,
    pub bss_count: usize,
    pub radio_count: usize,
    pub strongest_dbm: Option<i32>,
    pub max_utilization_pct: Option<f64>,
}

impl From<&ChannelSummary> for ChannelEntry {
    fn from(c: &ChannelSummary) -> Self {
        ChannelEntry {
            band: c.band,
            channel: c.channel,
            freq_mhz: c.freq,
            bss_count: c.bss_count,
            radio_count: c.radio_count,
            strongest_dbm: c.strongest.map(|d| d.0),
            max_utilization_pct: c.max_utilization_pct.map(|x| round_to(x, 1)),
        }
    }
}

impl Redact for ScanReport {
    fn redact(&mut self, r: &Redactor) {
        self.envelope.redact(r);
        self.interface = r.redact_text(&self.interface);
        self.notice = self.notice.as_deref().map(|n| r.redact_text(n));
        for b in &mut self.bss {
            b.bssid = r.mac_addr(b.bssid);
            b.ssid = b.ssid.as_ref().map(|s| r.ssid_value(s));
        }
    }
}

impl ScanReport {
    /// The BSS table (strongest first), then the per-channel summary.
    pub fn write_human(&self, out: &mut impl Write, styled: bool) -> io::Result<()> {
        if self.bss.is_empty() {
            writeln!(
                out,
                "No networks found on {}.",
                crate::escape::terminal_safe(&self.interface)
            )?;
            return Ok(());
        }
        let mut table = new_table(
            styled,
            &[
                "", "BSSID", "SSID", "Ch", "Width", "Signal", "Security", "PHY", "Load", "Radio",
                "Age",
            ],
        );
        for b in &self.bss {
            table.add_safe_row(vec![
                if b.associated { "*" } else { "" }.to_string(),
                b.bssid.to_string(),
                b.ssid
                    .as_ref()
                    .map_or_else(|| "(hidden)".into(), Ssid::escaped),
                match (b.channel, b.band) {
                    (Some(ch), Some(band)) => format!("{ch} {band}"),
                    _ => format!("{} MHz", b.freq_mhz.0),
                },
                if b.center_freq_mhz == b.freq_mhz {
                    format!("{}", b.width_mhz)
                } else {
                    format!("{} @{}", b.width_mhz, b.center_freq_mhz.0)
                },
                b.signal_dbm.map_or(NONE.into(), |d| format!("{d} dBm")),
                b.security.to_string(),
                b.phy.unwrap_or(NONE).to_string(),
                match (b.station_count, b.channel_utilization_pct) {
                    (Some(st), Some(u)) => format!("{st} sta, {u:.0} %"),
                    _ => NONE.into(),
                },
                format!("#{}", b.radio),
                b.age_ms.map_or(NONE.into(), age_text),
            ]);
        }
        writeln!(out, "{table}")?;
        writeln!(out)?;
        let mut channels = new_table(
            styled,
            &[
                "Band",
                "Channel",
                "BSSes",
                "Radios",
                "Strongest",
                "Max load",
            ],
        );
        for c in &self.channels {
            channels.add_safe_row(vec![
                c.band.to_string(),
                c.channel.to_string(),
                c.bss_count.to_string(),
                c.radio_count.to_string(),
                c.strongest_dbm.map_or(NONE.into(), |d| format!("{d} dBm")),
                c.max_utilization_pct
                    .map_or(NONE.into(), |u| format!("{u:.0} %")),
            ]);
        }
        writeln!(out, "{channels}")?;
        writeln!(
            out,
            "* = this laptop's access point. Width \"80 @5210\" = 80 MHz centred on 5210 MHz. \
             Load = stations and channel utilisation the AP advertises (BSS Load)."
        )?;
        if let Some(notice) = &self.notice {
            writeln!(out, "Note: {}", crate::escape::terminal_safe(notice))?;
        }
        Ok(())
    }
}

fn age_text(ms: u32) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.0} s", f64::from(ms) / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bss(bssid: [u8; 6], ssid: Option<&str>, associated: bool) -> BssEntry {
        BssEntry {
            bssid: MacAddr(bssid),
            ssid: ssid.map(|s| Ssid(s.as_bytes().to_vec())),
            hidden: ssid.is_none(),
            freq_mhz: Mhz(2437),
            channel: Some(6),
            band: Some(Band::Ghz2_4),
            width_mhz: 20,
            center_freq_mhz: Mhz(2437),
            center_freq2_mhz: None,
            signal_dbm: Some(-60),
            security: "WPA2-PSK",
            phy: Some("n"),
            station_count: Some(3),
            channel_utilization_pct: Some(12.5),
            admission_capacity: None,
            country: Some("US".into()),
            ft: false,
            rrm_neighbor_report: false,
            bss_transition: false,
            associated,
            age_ms: Some(120),
            radio: 0,
            element_issues: 0,
        }
    }

    #[test]
    fn redaction_hides_identities_in_the_table_too() {
        let report = ScanReport {
            envelope: Envelope {
                schema: SCHEMA,
                tool_version: "t",
                timestamp: "2026-11-27T00:00:00.000Z".into(),
                hostname: Some("reception-laptop".into()),
            },
            interface: "wlx001b63aabbcc".into(),
            fresh: true,
            scan_mode: Some("active"),
            notice: None,
            bss: vec![
                bss([0, 0x1b, 0x63, 1, 2, 3], Some("Dr Smith's clinic"), true),
                bss([2, 0, 0, 0, 1, 0], Some("Cafe Guest"), false),
                bss([2, 0, 0, 0, 2, 0], None, false),
            ],
            channels: vec![],
        };
        let render = |r: &ScanReport| {
            let mut buf = Vec::new();
            r.write_human(&mut buf, false).unwrap();
            String::from_utf8(buf).unwrap()
        };
        let (table, json) = super::super::check_redaction(
            report,
            render,
            &[
                "reception-laptop",
                "00:1b:63:01:02:03",
                "02:00:00:00:01:00",
                "02:00:00:00:02:00",
                "Smith",
                "Cafe Guest",
                "001b63aabbcc",
            ],
        );
        for b in json["bss"].as_array().unwrap() {
            let v = b["bssid"].as_str().unwrap();
            assert!(table.contains(v), "{v} not in\n{table}");
        }
        let ssid = json["bss"][0]["ssid"].as_str().unwrap();
        assert!(ssid.starts_with("ssid-") && table.contains(ssid), "{table}");
        assert!(json["bss"][2]["ssid"].is_null() && table.contains("(hidden)"));
    }
}
