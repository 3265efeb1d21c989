//! `wifidiag scan`: the `wifidiag.scan/1` document and its tables.

use super::table::{new_table, NONE};
use crate::freq::Band;
use crate::model::{MacAddr, Mhz, Ssid};
use crate::output::round_to;
use crate::output::Envelope;
use crate::scan::{BssView, ChannelSummary};
use serde::Serialize;
use std::io::{self, Write};

/// The schema identifier of this document.
pub const SCHEMA: &str = "wifidiag.scan/1";

/// cfg80211 drops scan entries not refreshed for this long
/// (`IEEE80211_SCAN_RESULT_EXPIRE`).
pub const KERNEL_EXPIRY_MS: u32 = 30_000;

/// The `wifidiag scan --json` document.
#[derive(Debug, Serialize)]
pub struct ScanReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub interface: String,
    /// True when this run triggered a scan that completed; false for the
    /// kernel's cached results (see `notice`).
    pub fresh: bool,
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

impl ScanReport {
    /// The BSS table (strongest first), then the per-channel summary.
    pub fn write_human(&self, out: &mut impl Write, styled: bool) -> io::Result<()> {
        if self.bss.is_empty() {
            writeln!(out, "No networks found on {}.", self.interface)?;
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
            table.add_row(vec![
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
            channels.add_row(vec![
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
            writeln!(out, "Note: {notice}")?;
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
