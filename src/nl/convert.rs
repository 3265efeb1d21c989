//! nl80211 attributes → model types.
//!
//! Pure functions over already-decoded attributes, so they are unit-tested
//! with attribute lists (and, from the lab, recorded replies) instead of a
//! kernel.

use crate::model::{
    BssStatus, Dbm, DfsRegion, IfType, MacAddr, Mhz, PhyChannel, RateGeneration, RateInfo,
    RegDomain, ScanBss, Ssid, StationInfo, SurveyEntry, WirelessInterface,
};
use wl_nl80211::packet_core::Nla;
use wl_nl80211::{
    Nl80211Attr, Nl80211BandInfo, Nl80211BssInfo, Nl80211ChannelWidth, Nl80211EhtGi,
    Nl80211FrequencyInfo, Nl80211HeGi, Nl80211InterfaceType, Nl80211RateInfo, Nl80211StationInfo,
    Nl80211SurveyInfo,
};

/// `NL80211_SURVEY_INFO_IN_USE`: a flag wl-nl80211 leaves undecoded.
const SURVEY_INFO_IN_USE: u16 = 3;
/// `NL80211_ATTR_REG_ALPHA2`, `NL80211_ATTR_DFS_REGION` and
/// `NL80211_ATTR_WIPHY_SELF_MANAGED_REG`: regulatory attributes wl-nl80211
/// leaves undecoded (nl80211.h).
const ATTR_REG_ALPHA2: u16 = 33;
/// `NL80211_ATTR_PS_STATE` (u32: 0 disabled, 1 enabled); wl-nl80211 0.8 leaves it raw.
const ATTR_PS_STATE: u16 = 93;
const ATTR_DFS_REGION: u16 = 146;
const ATTR_WIPHY_SELF_MANAGED_REG: u16 = 220;

/// Builds a [`WirelessInterface`] from one `NL80211_CMD_NEW_INTERFACE` reply.
///
/// Returns `None` when the reply lacks the wiphy index, which every real
/// interface carries: such a message is not an interface description.
pub fn interface_from_attrs(attrs: &[Nl80211Attr]) -> Option<WirelessInterface> {
    let mut phy = None;
    let mut iface = WirelessInterface {
        name: None,
        ifindex: None,
        phy: 0,
        if_type: IfType::Unspecified,
        mac: None,
        ssid: None,
        freq: None,
        width_mhz: None,
        center_freq: None,
        txpower_mbm: None,
    };
    for attr in attrs {
        match attr {
            Nl80211Attr::Wiphy(p) => phy = Some(*p),
            Nl80211Attr::IfName(name) => iface.name = Some(name.clone()),
            Nl80211Attr::IfIndex(index) => iface.ifindex = Some(*index),
            Nl80211Attr::IfType(t) => iface.if_type = if_type(*t),
            Nl80211Attr::Mac(mac) => iface.mac = Some(MacAddr(*mac)),
            Nl80211Attr::SsidRaw(raw) => iface.ssid = Some(Ssid(raw.clone())),
            // The parser always gives SsidRaw; accept a string-only SSID too.
            Nl80211Attr::Ssid(text) if iface.ssid.is_none() => {
                iface.ssid = Some(Ssid(text.as_bytes().to_vec()))
            }
            Nl80211Attr::WiphyFreq(freq) => iface.freq = Some(Mhz(*freq)),
            Nl80211Attr::ChannelWidth(width) => iface.width_mhz = width_mhz(*width),
            Nl80211Attr::CenterFreq1(freq) => iface.center_freq = Some(Mhz(*freq)),
            Nl80211Attr::WiphyTxPowerLevel(mbm) => iface.txpower_mbm = Some(*mbm),
            _ => {}
        }
    }
    iface.phy = phy?;
    Some(iface)
}

/// Builds a [`StationInfo`] from one `NL80211_CMD_NEW_STATION` reply.
pub fn station_from_attrs(attrs: &[Nl80211Attr]) -> Option<StationInfo> {
    let mut station = StationInfo::default();
    let mut found = false;
    for attr in attrs {
        match attr {
            Nl80211Attr::Mac(mac) => station.bssid = Some(MacAddr(*mac)),
            Nl80211Attr::StationInfo(infos) => {
                found = true;
                for info in infos {
                    apply_station_info(&mut station, info);
                }
            }
            _ => {}
        }
    }
    found.then_some(station)
}

fn apply_station_info(s: &mut StationInfo, info: &Nl80211StationInfo) {
    // mac80211 reports the signal of the last frame received from the AP,
    // 0 when none has been yet (right after an association: seen in the
    // lab as a 0 dBm sample on the new AP before its first beacon). No
    // Wi-Fi client hears an AP at 0 dBm or louder: that is "not measured".
    let dbm = |v: &i8| (*v < 0).then(|| Dbm(i32::from(*v)));
    let chains = |v: &Vec<i8>| v.iter().map(|c| Dbm(i32::from(*c))).collect();
    match info {
        Nl80211StationInfo::Signal(v) => s.signal = dbm(v),
        Nl80211StationInfo::SignalAvg(v) => s.signal_avg = dbm(v),
        Nl80211StationInfo::BeaconSignalAvg(v) => s.beacon_signal_avg = dbm(v),
        Nl80211StationInfo::ChainSignal(v) => s.chain_signal = chains(v),
        Nl80211StationInfo::ChainSignalAvg(v) => s.chain_signal_avg = chains(v),
        Nl80211StationInfo::TxBitrate(rate) => s.tx_bitrate = Some(rate_from_attrs(rate)),
        Nl80211StationInfo::RxBitrate(rate) => s.rx_bitrate = Some(rate_from_attrs(rate)),
        Nl80211StationInfo::ExpectedThroughput(v) => s.expected_throughput_kbps = Some(*v),
        Nl80211StationInfo::TxPackets(v) => s.tx_packets = Some(*v),
        Nl80211StationInfo::RxPackets(v) => s.rx_packets = Some(*v),
        // The 64-bit counters win over the 32-bit ones when both are sent.
        Nl80211StationInfo::TxBytes64(v) => s.tx_bytes = Some(*v),
        Nl80211StationInfo::RxBytes64(v) => s.rx_bytes = Some(*v),
        Nl80211StationInfo::TxBytes(v) if s.tx_bytes.is_none() => s.tx_bytes = Some(u64::from(*v)),
        Nl80211StationInfo::RxBytes(v) if s.rx_bytes.is_none() => s.rx_bytes = Some(u64::from(*v)),
        Nl80211StationInfo::TxRetries(v) => s.tx_retries = Some(*v),
        Nl80211StationInfo::TxFailed(v) => s.tx_failed = Some(*v),
        Nl80211StationInfo::BeaconLoss(v) => s.beacon_loss = Some(*v),
        Nl80211StationInfo::BeaconRx(v) => s.beacon_rx = Some(*v),
        Nl80211StationInfo::ConnectedTime(v) => s.connected_time_s = Some(*v),
        Nl80211StationInfo::InactiveTime(v) => s.inactive_time_ms = Some(*v),
        _ => {}
    }
}

/// Decodes a nested `NL80211_STA_INFO_*_BITRATE`.
pub fn rate_from_attrs(attrs: &[Nl80211RateInfo]) -> RateInfo {
    let mut rate = RateInfo::default();
    let mut bitrate16 = None;
    let mut short_gi = false;
    for attr in attrs {
        match attr {
            Nl80211RateInfo::Bitrate32(v) => rate.mbps = Some(f64::from(*v) / 10.0),
            Nl80211RateInfo::Bitrate(v) => bitrate16 = Some(f64::from(*v) / 10.0),
            Nl80211RateInfo::Mcs(m) => {
                rate.generation = Some(RateGeneration::Ht);
                rate.mcs = Some(*m);
                // HT MCS 0-31 encode the stream count: 8 MCS per stream.
                if *m < 32 {
                    rate.nss = Some(m / 8 + 1);
                }
            }
            Nl80211RateInfo::VhtMcs(m) => set_gen_mcs(&mut rate, RateGeneration::Vht, *m),
            Nl80211RateInfo::HeMcs(m) => set_gen_mcs(&mut rate, RateGeneration::He, *m),
            Nl80211RateInfo::EhtMcs(m) => set_gen_mcs(&mut rate, RateGeneration::Eht, *m),
            Nl80211RateInfo::VhtNss(n) | Nl80211RateInfo::HeNss(n) | Nl80211RateInfo::EhtNss(n) => {
                rate.nss = Some(*n)
            }
            Nl80211RateInfo::MhzWidth(w) => rate.width_mhz = Some(*w),
            Nl80211RateInfo::MhzWidth80Plus80 => rate.width_mhz = Some(160),
            Nl80211RateInfo::ShortGi => short_gi = true,
            Nl80211RateInfo::HeGi(gi) => rate.guard_interval_ns = he_gi_ns(*gi),
            Nl80211RateInfo::EhtGi(gi) => rate.guard_interval_ns = eht_gi_ns(*gi),
            _ => {}
        }
    }
    if rate.mbps.is_none() {
        rate.mbps = bitrate16;
    }
    if rate.generation.is_none() && rate.mbps.is_some() {
        rate.generation = Some(RateGeneration::Legacy);
    }
    if matches!(
        rate.generation,
        Some(RateGeneration::Ht | RateGeneration::Vht)
    ) {
        rate.guard_interval_ns = Some(if short_gi { 400 } else { 800 });
    }
    // The kernel omits the width attribute for 20 MHz.
    if rate.width_mhz.is_none() && rate.generation.is_some_and(|g| g != RateGeneration::Legacy) {
        rate.width_mhz = Some(20);
    }
    rate
}

fn set_gen_mcs(rate: &mut RateInfo, generation: RateGeneration, mcs: u8) {
    rate.generation = Some(generation);
    rate.mcs = Some(mcs);
}

fn he_gi_ns(gi: Nl80211HeGi) -> Option<u32> {
    match gi {
        Nl80211HeGi::Usec0_8 => Some(800),
        Nl80211HeGi::Usec1_6 => Some(1600),
        Nl80211HeGi::Usec3_2 => Some(3200),
        Nl80211HeGi::Other(_) => None,
    }
}

fn eht_gi_ns(gi: Nl80211EhtGi) -> Option<u32> {
    match gi {
        Nl80211EhtGi::Usec0_8 => Some(800),
        Nl80211EhtGi::Usec1_6 => Some(1600),
        Nl80211EhtGi::Usec3_2 => Some(3200),
        Nl80211EhtGi::Other(_) => None,
    }
}

/// Builds a [`SurveyEntry`] from one `NL80211_CMD_NEW_SURVEY_RESULTS` reply.
pub fn survey_from_attrs(attrs: &[Nl80211Attr]) -> Option<SurveyEntry> {
    let infos = attrs.iter().find_map(|attr| match attr {
        Nl80211Attr::SurveyInfo(infos) => Some(infos),
        _ => None,
    })?;
    let mut entry = SurveyEntry::default();
    let mut freq = None;
    for info in infos {
        match info {
            Nl80211SurveyInfo::Frequency(f) => freq = Some(Mhz(*f)),
            Nl80211SurveyInfo::Noise(n) => entry.noise = Some(Dbm(i32::from(*n))),
            Nl80211SurveyInfo::ActiveTime(v) => entry.active_ms = Some(*v),
            Nl80211SurveyInfo::BusyTime(v) => entry.busy_ms = Some(*v),
            Nl80211SurveyInfo::ExtensionBusyTime(v) => entry.ext_busy_ms = Some(*v),
            Nl80211SurveyInfo::TimeRx(v) => entry.rx_ms = Some(*v),
            Nl80211SurveyInfo::TimeTx(v) => entry.tx_ms = Some(*v),
            Nl80211SurveyInfo::Other(nla) if nla.kind() == SURVEY_INFO_IN_USE => {
                entry.in_use = true
            }
            _ => {}
        }
    }
    entry.freq = freq?;
    Some(entry)
}

/// Builds a [`ScanBss`] from one `NL80211_CMD_NEW_SCAN_RESULTS` dump reply.
pub fn scan_bss_from_attrs(attrs: &[Nl80211Attr]) -> Option<ScanBss> {
    let infos = attrs.iter().find_map(|attr| match attr {
        Nl80211Attr::Bss(infos) => Some(infos),
        _ => None,
    })?;
    let mut bss = ScanBss::default();
    let mut probe_ies = None;
    for info in infos {
        match info {
            Nl80211BssInfo::Bssid(mac) => bss.bssid = Some(MacAddr(*mac)),
            Nl80211BssInfo::Frequency(f) => bss.freq = Some(Mhz(*f)),
            Nl80211BssInfo::SignalMbm(mbm) => bss.signal = Some(Dbm::from_mbm(*mbm)),
            Nl80211BssInfo::SeenMsAgo(ms) => bss.seen_ms_ago = Some(*ms),
            Nl80211BssInfo::Status(status) => bss.status = bss_status(*status),
            Nl80211BssInfo::Capability(cap) => bss.capability = Some(cap.bits()),
            Nl80211BssInfo::BeaconInterval(tu) => bss.beacon_interval_tu = Some(*tu),
            Nl80211BssInfo::RawInformationElements(ies) => bss.ies = ies.clone(),
            Nl80211BssInfo::RawProbeResponseInformationElements(ies) => {
                probe_ies = Some(ies.clone())
            }
            Nl80211BssInfo::RawBeaconInformationElements(ies) => bss.beacon_ies = Some(ies.clone()),
            _ => {}
        }
    }
    if bss.ies.is_empty() {
        if let Some(ies) = probe_ies.or_else(|| bss.beacon_ies.clone()) {
            bss.ies = ies;
        }
    }
    bss.bssid?;
    Some(bss)
}

fn bss_status(status: u32) -> Option<BssStatus> {
    match status {
        0 => Some(BssStatus::Authenticated),
        1 => Some(BssStatus::Associated),
        2 => Some(BssStatus::IbssJoined),
        _ => None,
    }
}

/// Adds the channels of one (split) wiphy dump message to `out`.
pub fn phy_channels_from_attrs(attrs: &[Nl80211Attr], out: &mut Vec<PhyChannel>) {
    for attr in attrs {
        let Nl80211Attr::WiphyBands(bands) = attr else {
            continue;
        };
        for band in bands {
            for info in &band.info {
                let Nl80211BandInfo::Freqs(freqs) = info else {
                    continue;
                };
                for freq in freqs {
                    let mut ch = PhyChannel::default();
                    let mut have_freq = false;
                    for flag in &freq.info {
                        match flag {
                            Nl80211FrequencyInfo::Freq(f) => {
                                ch.freq = Mhz(*f);
                                have_freq = true;
                            }
                            Nl80211FrequencyInfo::Disabled => ch.disabled = true,
                            Nl80211FrequencyInfo::NoIr => ch.no_ir = true,
                            Nl80211FrequencyInfo::Radar => ch.radar = true,
                            Nl80211FrequencyInfo::IndoorOnly => ch.indoor_only = true,
                            Nl80211FrequencyInfo::MaxTxPower(p) => ch.max_power_mbm = Some(*p),
                            Nl80211FrequencyInfo::NoHt40Minus => ch.no_ht40_minus = true,
                            Nl80211FrequencyInfo::NoHt40Plus => ch.no_ht40_plus = true,
                            Nl80211FrequencyInfo::No80Mhz => ch.no_80mhz = true,
                            Nl80211FrequencyInfo::No160Mhz => ch.no_160mhz = true,
                            Nl80211FrequencyInfo::No320Mhz => ch.no_320mhz = true,
                            _ => {}
                        }
                    }
                    if have_freq && !out.iter().any(|c| c.freq == ch.freq) {
                        out.push(ch);
                    }
                }
            }
        }
    }
}

/// The power save state from a `NL80211_CMD_GET_POWER_SAVE` reply (`iw dev
/// X get power_save`); `None` when the reply does not carry it.
pub fn power_save_from_attrs(attrs: &[Nl80211Attr]) -> Option<bool> {
    attrs.iter().find_map(|attr| match attr {
        Nl80211Attr::Other(nla) if nla.kind() == ATTR_PS_STATE && nla.value_len() == 4 => {
            let mut value = [0u8; 4];
            nla.emit_value(&mut value);
            Some(u32::from_ne_bytes(value) != 0)
        }
        _ => None,
    })
}

/// Builds a [`RegDomain`] from a `NL80211_CMD_GET_REG` reply.
pub fn reg_domain_from_attrs(attrs: &[Nl80211Attr]) -> Option<RegDomain> {
    let mut country = None;
    let mut dfs_region = None;
    let mut self_managed = false;
    for attr in attrs {
        let Nl80211Attr::Other(nla) = attr else {
            continue;
        };
        let mut value = vec![0u8; nla.value_len()];
        nla.emit_value(&mut value);
        match nla.kind() {
            ATTR_REG_ALPHA2 => {
                // A NUL-terminated two-letter code ("00" = world).
                let code: Vec<u8> = value.iter().copied().take_while(|&b| b != 0).collect();
                if code.len() == 2 && code.iter().all(u8::is_ascii_alphanumeric) {
                    country = Some(String::from_utf8_lossy(&code).into_owned());
                }
            }
            ATTR_DFS_REGION => {
                dfs_region = match value.first() {
                    Some(1) => Some(DfsRegion::Fcc),
                    Some(2) => Some(DfsRegion::Etsi),
                    Some(3) => Some(DfsRegion::Jp),
                    _ => None,
                }
            }
            ATTR_WIPHY_SELF_MANAGED_REG => self_managed = true,
            _ => {}
        }
    }
    Some(RegDomain {
        country: country?,
        dfs_region,
        self_managed,
    })
}

fn if_type(t: Nl80211InterfaceType) -> IfType {
    match t {
        Nl80211InterfaceType::Station => IfType::Station,
        Nl80211InterfaceType::Ap => IfType::Ap,
        Nl80211InterfaceType::ApVlan => IfType::ApVlan,
        Nl80211InterfaceType::Adhoc => IfType::Adhoc,
        Nl80211InterfaceType::Monitor => IfType::Monitor,
        Nl80211InterfaceType::MeshPoint => IfType::MeshPoint,
        Nl80211InterfaceType::P2pClient => IfType::P2pClient,
        Nl80211InterfaceType::P2pGo => IfType::P2pGo,
        Nl80211InterfaceType::P2pDevice => IfType::P2pDevice,
        Nl80211InterfaceType::Ocb => IfType::Ocb,
        Nl80211InterfaceType::Nan => IfType::Nan,
        Nl80211InterfaceType::Wds => IfType::Wds,
        Nl80211InterfaceType::Unspecified => IfType::Unspecified,
        Nl80211InterfaceType::Other(_) => IfType::Other,
    }
}

/// Operating width in MHz; 80+80 is reported as its total, 160.
fn width_mhz(width: Nl80211ChannelWidth) -> Option<u32> {
    match width {
        Nl80211ChannelWidth::NoHt20 => Some(20),
        Nl80211ChannelWidth::Mhz80Plus80 => Some(160),
        Nl80211ChannelWidth::Mhz(mhz) => Some(mhz),
        Nl80211ChannelWidth::Other(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_attr(kind: u16, value: &[u8]) -> Nl80211Attr {
        use wl_nl80211::packet_core::{DefaultNla, NlaBuffer, Parseable};
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&((4 + value.len()) as u16).to_ne_bytes());
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(value);
        Nl80211Attr::Other(DefaultNla::parse(&NlaBuffer::new(&bytes)).unwrap())
    }

    #[test]
    fn power_save_state() {
        let on = vec![Nl80211Attr::IfIndex(3), raw_attr(93, &1u32.to_ne_bytes())];
        assert_eq!(power_save_from_attrs(&on), Some(true));
        let off = vec![raw_attr(93, &0u32.to_ne_bytes())];
        assert_eq!(power_save_from_attrs(&off), Some(false));
        assert_eq!(power_save_from_attrs(&[Nl80211Attr::IfIndex(3)]), None);
        // A short value is not read past its end.
        assert_eq!(power_save_from_attrs(&[raw_attr(93, &[1])]), None);
    }

    #[test]
    fn connected_station() {
        let attrs = vec![
            Nl80211Attr::IfIndex(5),
            Nl80211Attr::IfName("wlan1".into()),
            Nl80211Attr::Wiphy(1),
            Nl80211Attr::IfType(Nl80211InterfaceType::Station),
            Nl80211Attr::Wdev(0x100000001),
            Nl80211Attr::Mac([2, 0, 0, 0, 1, 0]),
            Nl80211Attr::SsidRaw(b"clinic".to_vec()),
            Nl80211Attr::Ssid("clinic".into()),
            Nl80211Attr::WiphyFreq(2437),
            Nl80211Attr::ChannelWidth(Nl80211ChannelWidth::NoHt20),
            Nl80211Attr::CenterFreq1(2437),
            Nl80211Attr::WiphyTxPowerLevel(2000),
        ];
        let iface = interface_from_attrs(&attrs).unwrap();
        assert_eq!(iface.name.as_deref(), Some("wlan1"));
        assert_eq!(iface.ifindex, Some(5));
        assert_eq!(iface.phy, 1);
        assert_eq!(iface.if_type, IfType::Station);
        assert_eq!(iface.mac, Some(MacAddr([2, 0, 0, 0, 1, 0])));
        assert_eq!(iface.ssid, Some(Ssid(b"clinic".to_vec())));
        assert_eq!(iface.freq, Some(Mhz(2437)));
        assert_eq!(iface.width_mhz, Some(20));
        assert_eq!(iface.center_freq, Some(Mhz(2437)));
        assert_eq!(iface.txpower_mbm, Some(2000));
    }

    #[test]
    fn a_signal_of_0_dbm_is_not_measured_yet() {
        // mac80211 right after an association, before the first frame
        // from the new AP (seen in the lab's roam-fade scenario).
        let station = |signal: i8| {
            station_from_attrs(&[
                Nl80211Attr::Mac([2, 0, 0, 0, 1, 0]),
                Nl80211Attr::StationInfo(vec![
                    Nl80211StationInfo::Signal(signal),
                    Nl80211StationInfo::SignalAvg(signal),
                ]),
            ])
            .unwrap()
        };
        assert_eq!(station(0).signal, None);
        assert_eq!(station(0).signal_avg, None);
        assert_eq!(station(-45).signal, Some(Dbm(-45)));
    }

    #[test]
    fn idle_station_has_no_ssid_or_channel() {
        let attrs = vec![
            Nl80211Attr::IfIndex(3),
            Nl80211Attr::IfName("wlan0".into()),
            Nl80211Attr::Wiphy(0),
            Nl80211Attr::IfType(Nl80211InterfaceType::Station),
        ];
        let iface = interface_from_attrs(&attrs).unwrap();
        assert_eq!(iface.ssid, None);
        assert_eq!(iface.freq, None);
        assert_eq!(iface.width_mhz, None);
    }

    #[test]
    fn raw_ssid_wins_over_string_and_keeps_invalid_bytes() {
        let attrs = vec![
            Nl80211Attr::Wiphy(0),
            Nl80211Attr::SsidRaw(vec![b'a', 0xff]),
        ];
        let iface = interface_from_attrs(&attrs).unwrap();
        assert_eq!(iface.ssid.unwrap().escaped(), "a\\xff");
    }

    #[test]
    fn reply_without_wiphy_is_not_an_interface() {
        let attrs = vec![Nl80211Attr::IfIndex(3), Nl80211Attr::IfName("x".into())];
        assert_eq!(interface_from_attrs(&attrs), None);
    }

    #[test]
    fn widths() {
        assert_eq!(width_mhz(Nl80211ChannelWidth::Mhz(80)), Some(80));
        assert_eq!(width_mhz(Nl80211ChannelWidth::Mhz(320)), Some(320));
        assert_eq!(width_mhz(Nl80211ChannelWidth::Mhz80Plus80), Some(160));
        assert_eq!(width_mhz(Nl80211ChannelWidth::Other(99)), None);
    }
}
