//! What the radio reports: the link to the access point (station info),
//! bitrates, the channel survey, scan results and the regulatory domain.
//! Plain values; the kernel edge fills them in.

use super::{Dbm, MacAddr, Mhz};
use serde::Serialize;

/// The 802.11 generation a bitrate was negotiated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RateGeneration {
    /// Legacy (CCK/OFDM) rates: no MCS.
    #[serde(rename = "legacy")]
    Legacy,
    /// 802.11n (Wi-Fi 4).
    #[serde(rename = "HT")]
    Ht,
    /// 802.11ac (Wi-Fi 5).
    #[serde(rename = "VHT")]
    Vht,
    /// 802.11ax (Wi-Fi 6/6E).
    #[serde(rename = "HE")]
    He,
    /// 802.11be (Wi-Fi 7).
    #[serde(rename = "EHT")]
    Eht,
}

impl RateGeneration {
    pub fn label(self) -> &'static str {
        match self {
            RateGeneration::Legacy => "legacy",
            RateGeneration::Ht => "HT",
            RateGeneration::Vht => "VHT",
            RateGeneration::He => "HE",
            RateGeneration::Eht => "EHT",
        }
    }
}

/// A negotiated tx or rx bitrate (`NL80211_STA_INFO_TX_BITRATE` / `RX_`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RateInfo {
    /// Bitrate in Mbit/s (the kernel reports 100 kbit/s units).
    pub mbps: Option<f64>,
    pub generation: Option<RateGeneration>,
    /// MCS index within the generation.
    pub mcs: Option<u8>,
    /// Spatial streams (VHT/HE/EHT; HT encodes them in the MCS index).
    pub nss: Option<u8>,
    pub width_mhz: Option<u32>,
    /// Guard interval in nanoseconds (800 long, 400 short; HE/EHT 800/1600/3200).
    pub guard_interval_ns: Option<u32>,
}

/// The station entry of the access point we are associated with
/// (`NL80211_CMD_GET_STATION` on a managed interface).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StationInfo {
    /// The peer: the access point's BSSID.
    pub bssid: Option<MacAddr>,
    pub signal: Option<Dbm>,
    pub signal_avg: Option<Dbm>,
    /// Per-antenna-chain signal, when the driver reports it.
    pub chain_signal: Vec<Dbm>,
    pub chain_signal_avg: Vec<Dbm>,
    pub beacon_signal_avg: Option<Dbm>,
    pub tx_bitrate: Option<RateInfo>,
    pub rx_bitrate: Option<RateInfo>,
    /// The driver's expected throughput, kbit/s.
    pub expected_throughput_kbps: Option<u32>,
    pub tx_packets: Option<u32>,
    pub rx_packets: Option<u32>,
    pub tx_bytes: Option<u64>,
    pub rx_bytes: Option<u64>,
    pub tx_retries: Option<u32>,
    pub tx_failed: Option<u32>,
    pub beacon_loss: Option<u32>,
    pub beacon_rx: Option<u64>,
    pub connected_time_s: Option<u32>,
    pub inactive_time_ms: Option<u32>,
}

/// One channel of a survey dump (`NL80211_CMD_GET_SURVEY`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SurveyEntry {
    pub freq: Mhz,
    /// The channel the radio is operating on now.
    pub in_use: bool,
    pub noise: Option<Dbm>,
    /// Time the radio spent on the channel, ms.
    pub active_ms: Option<u64>,
    /// Time the medium was sensed busy, ms.
    pub busy_ms: Option<u64>,
    pub ext_busy_ms: Option<u64>,
    pub rx_ms: Option<u64>,
    pub tx_ms: Option<u64>,
}

impl SurveyEntry {
    /// The fraction of time the channel was busy with others' traffic,
    /// `(busy − tx) / (active − tx)` as hostapd's ACS computes it; `None`
    /// when the driver does not report busy/active time.
    pub fn busy_fraction(&self) -> Option<f64> {
        let active = self.active_ms?;
        let busy = self.busy_ms?;
        let tx = self.tx_ms.unwrap_or(0);
        let denominator = active.checked_sub(tx).filter(|&d| d > 0)?;
        let numerator = busy.saturating_sub(tx);
        Some((numerator as f64 / denominator as f64).clamp(0.0, 1.0))
    }
}

/// Our relation to a BSS in the scan results (`NL80211_BSS_STATUS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BssStatus {
    Authenticated,
    Associated,
    IbssJoined,
}

/// One BSS from the kernel's scan results (`NL80211_CMD_GET_SCAN` dump).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanBss {
    pub bssid: Option<MacAddr>,
    pub freq: Option<Mhz>,
    pub signal: Option<Dbm>,
    /// How long ago the kernel last received a frame from this BSS, ms.
    pub seen_ms_ago: Option<u32>,
    pub status: Option<BssStatus>,
    /// Capability information field (privacy bit = 0x0010).
    pub capability: Option<u16>,
    pub beacon_interval_tu: Option<u16>,
    /// The information elements of the last frame (probe response or beacon).
    pub ies: Vec<u8>,
    /// The information elements of the last beacon, when the kernel has one.
    pub beacon_ies: Option<Vec<u8>>,
}

impl ScanBss {
    /// The capability field's privacy bit: encryption is required.
    pub fn privacy(&self) -> bool {
        self.capability.is_some_and(|c| c & 0x0010 != 0)
    }
}

/// One channel a phy supports, with its regulatory flags
/// (`NL80211_BAND_ATTR_FREQS` of a wiphy dump).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PhyChannel {
    pub freq: Mhz,
    /// Not usable at all here (regulatory or hardware).
    pub disabled: bool,
    /// No initiating radiation: may be scanned passively but an access
    /// point may not start on it without first detecting another one.
    pub no_ir: bool,
    /// Radar detection (DFS) required before use.
    pub radar: bool,
    pub indoor_only: bool,
    /// Maximum transmit power, mBm.
    pub max_power_mbm: Option<u32>,
    pub no_ht40_minus: bool,
    pub no_ht40_plus: bool,
    pub no_80mhz: bool,
    pub no_160mhz: bool,
    pub no_320mhz: bool,
}

/// The regulatory domain in force (`NL80211_CMD_GET_REG`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegDomain {
    /// ISO 3166 alpha-2 country, or `00` for the world domain.
    pub country: String,
    /// `FCC`, `ETSI`, `JP`, or unset.
    pub dfs_region: Option<DfsRegion>,
    /// Whether this is the phy's own (self-managed or driver-hint) domain.
    pub self_managed: bool,
}

/// The DFS region of a regulatory domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DfsRegion {
    #[serde(rename = "FCC")]
    Fcc,
    #[serde(rename = "ETSI")]
    Etsi,
    #[serde(rename = "JP")]
    Jp,
}

impl DfsRegion {
    pub fn label(self) -> &'static str {
        match self {
            DfsRegion::Fcc => "FCC",
            DfsRegion::Etsi => "ETSI",
            DfsRegion::Jp => "JP",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_fraction_excludes_own_transmissions() {
        let entry = SurveyEntry {
            active_ms: Some(1000),
            busy_ms: Some(600),
            tx_ms: Some(200),
            ..Default::default()
        };
        assert_eq!(entry.busy_fraction(), Some(0.5));
    }

    #[test]
    fn busy_fraction_needs_active_and_busy() {
        let missing_busy = SurveyEntry {
            active_ms: Some(1000),
            ..Default::default()
        };
        assert_eq!(missing_busy.busy_fraction(), None);
        let all_tx = SurveyEntry {
            active_ms: Some(100),
            busy_ms: Some(100),
            tx_ms: Some(100),
            ..Default::default()
        };
        assert_eq!(all_tx.busy_fraction(), None);
        let busy_over_active = SurveyEntry {
            active_ms: Some(100),
            busy_ms: Some(150),
            ..Default::default()
        };
        assert_eq!(busy_over_active.busy_fraction(), Some(1.0));
    }

    #[test]
    fn privacy_bit() {
        let bss = ScanBss {
            capability: Some(0x0411),
            ..Default::default()
        };
        assert!(bss.privacy());
        assert!(!ScanBss::default().privacy());
    }
}
