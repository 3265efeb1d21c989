//! Scan analysis: raw scan results → what a technician reads.
//!
//! For each BSS the information elements are decoded ([`crate::ie`]) into
//! security, PHY generation, real operating width and centre frequency, BSS
//! Load and country; BSSes that are virtual networks of one physical radio
//! are grouped so that counts are of radios, not SSIDs; and a per-channel
//! summary is computed. Pure: the input is [`ScanBss`] values.

use crate::freq::Band;
use crate::ie::{self, PhyGeneration, Security};
use crate::model::{BssStatus, Dbm, MacAddr, Mhz, PhyChannel, ScanBss, Ssid};
use std::collections::BTreeMap;

/// One BSS, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct BssView {
    pub bssid: MacAddr,
    /// `None` for a hidden network (empty or all-NUL SSID).
    pub ssid: Option<Ssid>,
    pub freq: Mhz,
    pub channel: Option<u16>,
    pub band: Option<Band>,
    pub width_mhz: u32,
    pub center_freq: Mhz,
    /// Second segment of an 80+80 MHz channel.
    pub center_freq2: Option<Mhz>,
    pub signal: Option<Dbm>,
    pub security: Security,
    pub generation: Option<PhyGeneration>,
    pub station_count: Option<u16>,
    pub channel_utilization_pct: Option<f64>,
    pub admission_capacity: Option<u16>,
    /// ISO country code from the Country element.
    pub country: Option<String>,
    /// 802.11r (FT), 802.11k (neighbour reports), 802.11v (BSS transition).
    pub ft: bool,
    pub rrm_neighbor_report: bool,
    pub bss_transition: bool,
    pub associated: bool,
    pub age_ms: Option<u32>,
    /// Index of the physical radio this BSS belongs to (see [`group_radios`]).
    pub radio: usize,
    /// Problems found while decoding its elements.
    pub element_issues: usize,
}

/// Decodes every BSS and groups them into radios. BSSes without a BSSID or
/// frequency (never sent by a sane kernel) are skipped.
pub fn analyse(bsses: &[ScanBss]) -> Vec<BssView> {
    let mut views: Vec<BssView> = Vec::with_capacity(bsses.len());
    let mut mbssid_links: Vec<(MacAddr, MacAddr)> = Vec::new();
    for bss in bsses {
        let (Some(bssid), Some(freq)) = (bss.bssid, bss.freq) else {
            continue;
        };
        let el = ie::parse(&bss.ies);
        let channel = freq.channel();
        let op = ie::operating_channel(&el, freq.0);
        for mbssid in &el.multiple_bssid {
            for (other, _) in ie::nontransmitted_bssids(bssid, mbssid) {
                mbssid_links.push((bssid, other));
            }
        }
        views.push(BssView {
            bssid,
            ssid: el.ssid.clone().filter(|s| !s.is_hidden()),
            freq,
            channel: channel.map(|c| c.number),
            band: channel.map(|c| c.band),
            width_mhz: op.width_mhz,
            center_freq: Mhz(op.center_freq_mhz),
            center_freq2: op.center_freq2_mhz.map(Mhz),
            signal: bss.signal,
            security: ie::security(&el, bss.privacy()),
            generation: channel.map(|c| ie::generation(&el, c.band)),
            station_count: el.bss_load.map(|l| l.station_count),
            channel_utilization_pct: el.bss_load.map(|l| l.utilization_pct()),
            admission_capacity: el.bss_load.map(|l| l.admission_capacity),
            country: el.country.as_ref().map(|c| c.code.clone()),
            ft: el.mobility_domain.is_some(),
            rrm_neighbor_report: el.rm_neighbor_report,
            bss_transition: el.bss_transition,
            associated: bss.status == Some(BssStatus::Associated),
            age_ms: bss.seen_ms_ago,
            radio: 0,
            element_issues: el.issues.len(),
        });
    }
    group_radios(&mut views, &mbssid_links);
    views
}

/// How far apart (as 48-bit numbers, locally-administered bit ignored) two
/// BSSIDs on one channel may be and still be virtual BSSes of one radio.
/// Vendors derive the extra BSSIDs from the radio's base address by
/// counting up in the low bits (hostapd by default within a mask of 16).
pub const SAME_RADIO_MAC_SPAN: u64 = 16;

/// Assigns [`BssView::radio`]: two BSSes share a radio when one lists the
/// other in a Multiple BSSID element, or when they are on the same channel
/// and their BSSIDs differ by less than [`SAME_RADIO_MAC_SPAN`]. Radios are
/// numbered 0.. in order of first appearance.
pub fn group_radios(views: &mut [BssView], mbssid_links: &[(MacAddr, MacAddr)]) {
    let n = views.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let as_number = |mac: MacAddr| -> u64 {
        let mut bytes = mac.0;
        bytes[0] &= !0x02; // the locally-administered bit varies per vendor
        bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    };
    for i in 0..n {
        for j in (i + 1)..n {
            let same_channel = views[i].freq == views[j].freq;
            let close =
                as_number(views[i].bssid).abs_diff(as_number(views[j].bssid)) < SAME_RADIO_MAC_SPAN;
            if same_channel && close {
                union(&mut parent, i, j);
            }
        }
    }
    for (tx, other) in mbssid_links {
        let a = views.iter().position(|v| v.bssid == *tx);
        let b = views.iter().position(|v| v.bssid == *other);
        if let (Some(a), Some(b)) = (a, b) {
            union(&mut parent, a, b);
        }
    }
    let mut numbering: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, view) in views.iter_mut().enumerate() {
        let root = find(&mut parent, i);
        let next = numbering.len();
        view.radio = *numbering.entry(root).or_insert(next);
    }
}

/// The summary of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSummary {
    pub band: Band,
    pub channel: u16,
    pub freq: Mhz,
    pub bss_count: usize,
    pub radio_count: usize,
    pub strongest: Option<Dbm>,
    /// The highest channel utilisation any BSS on it advertises.
    pub max_utilization_pct: Option<f64>,
}

/// Per primary channel: BSSes, distinct radios, strongest signal and the
/// highest advertised utilisation; ordered by band then channel.
pub fn channel_summary(views: &[BssView]) -> Vec<ChannelSummary> {
    let mut by_channel: BTreeMap<(Band, u16), Vec<&BssView>> = BTreeMap::new();
    for v in views {
        if let (Some(band), Some(channel)) = (v.band, v.channel) {
            by_channel.entry((band, channel)).or_default().push(v);
        }
    }
    by_channel
        .into_iter()
        .map(|((band, channel), list)| {
            let mut radios: Vec<usize> = list.iter().map(|v| v.radio).collect();
            radios.sort_unstable();
            radios.dedup();
            ChannelSummary {
                band,
                channel,
                freq: list[0].freq,
                bss_count: list.len(),
                radio_count: radios.len(),
                strongest: list.iter().filter_map(|v| v.signal).max(),
                max_utilization_pct: list
                    .iter()
                    .filter_map(|v| v.channel_utilization_pct)
                    .reduce(f64::max),
            }
        })
        .collect()
}

/// The frequencies to scan: every channel of the phy in the bands wifidiag
/// understands (2.4, 5 and 6 GHz; `band` narrows it to one) that is not
/// disabled. Skipping the rest (sub-GHz S1G, 60 GHz) shortens the scan, and
/// with it the time the radio is off its channel.
pub fn scan_frequencies(channels: &[PhyChannel], band: Option<Band>) -> Vec<u32> {
    channels
        .iter()
        .filter(|c| !c.disabled)
        .filter(|c| match c.freq.channel() {
            Some(ch) => match band {
                Some(b) => ch.band == b,
                None => matches!(ch.band, Band::Ghz2_4 | Band::Ghz5 | Band::Ghz6),
            },
            None => false,
        })
        .map(|c| c.freq.0)
        .collect()
}

/// The user's `--freq` list checked against the phy: each must be one of
/// its channels in a band wifidiag understands and not disabled. Duplicates
/// are dropped, the order is the phy's.
pub fn requested_frequencies(channels: &[PhyChannel], wanted: &[u32]) -> Result<Vec<u32>, String> {
    let usable = scan_frequencies(channels, None);
    if let Some(bad) = wanted.iter().find(|f| !usable.contains(f)) {
        let why = if channels.iter().any(|c| c.freq.0 == *bad && c.disabled) {
            "is disabled on this radio here (regulatory domain or hardware)"
        } else {
            "is not a 2.4, 5 or 6 GHz channel of this radio"
        };
        return Err(format!("--freq {bad}: {bad} MHz {why}"));
    }
    Ok(usable.into_iter().filter(|f| wanted.contains(f)).collect())
}

/// Keeps the BSSes matching the user's `--band` / `--ssid` filters.
pub fn filter(views: Vec<BssView>, band: Option<Band>, ssid: Option<&str>) -> Vec<BssView> {
    views
        .into_iter()
        .filter(|v| band.is_none() || v.band == band)
        .filter(|v| match ssid {
            None => true,
            Some(want) => v.ssid.as_ref().is_some_and(|s| s.0 == want.as_bytes()),
        })
        .collect()
}

/// Slack for the kernel's age bookkeeping (it counts from the last frame's
/// arrival, the caller from before the trigger).
pub const AGE_SLACK_MS: u64 = 1_000;

/// Removes the BSSes the kernel last heard more than `max_age` ago (plus
/// [`AGE_SLACK_MS`]); the associated BSS is always kept.
pub fn drop_older_than(views: &mut Vec<BssView>, max_age: std::time::Duration) {
    let limit = max_age.as_millis() as u64 + AGE_SLACK_MS;
    views.retain(|v| v.associated || v.age_ms.is_none_or(|age| u64::from(age) <= limit));
}

/// Strongest first; BSSes without a signal last; ties by BSSID for a stable order.
pub fn sort_by_signal(views: &mut [BssView]) {
    views.sort_by(|a, b| {
        b.signal
            .map(|d| d.0)
            .unwrap_or(i32::MIN)
            .cmp(&a.signal.map(|d| d.0).unwrap_or(i32::MIN))
            .then(a.bssid.cmp(&b.bssid))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(id: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![id, body.len() as u8];
        v.extend_from_slice(body);
        v
    }

    /// SSID + (optionally) BSS Load + RSN WPA2-PSK/CCMP.
    fn ies(ssid: &[u8], load: Option<(u16, u8)>, wpa2: bool) -> Vec<u8> {
        let mut v = el(0, ssid);
        v.extend(el(1, &[0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24]));
        if let Some((stations, util)) = load {
            let s = stations.to_le_bytes();
            v.extend(el(11, &[s[0], s[1], util, 0x14, 0x00]));
        }
        if wpa2 {
            v.extend(el(
                48,
                &[
                    1, 0, // version
                    0x00, 0x0f, 0xac, 4, // group CCMP
                    1, 0, 0x00, 0x0f, 0xac, 4, // pairwise CCMP
                    1, 0, 0x00, 0x0f, 0xac, 2, // AKM PSK
                    0, 0, // capabilities
                ],
            ));
        }
        v
    }

    fn bss(mac: [u8; 6], freq: u32, signal: i32, ies: Vec<u8>) -> ScanBss {
        ScanBss {
            bssid: Some(MacAddr(mac)),
            freq: Some(Mhz(freq)),
            signal: Some(Dbm(signal)),
            seen_ms_ago: Some(120),
            capability: Some(0x0411),
            ies,
            ..Default::default()
        }
    }

    #[test]
    fn decodes_ssid_security_and_load() {
        let views = analyse(&[bss(
            [2, 0, 0, 0, 3, 0],
            2412,
            -45,
            ies(b"clinic", Some((12, 204)), true),
        )]);
        let v = &views[0];
        assert_eq!(v.ssid, Some(Ssid(b"clinic".to_vec())));
        assert_eq!(v.channel, Some(1));
        assert_eq!(v.band, Some(Band::Ghz2_4));
        assert_eq!(v.width_mhz, 20);
        assert_eq!(v.center_freq, Mhz(2412));
        assert_eq!(v.security.label(), "WPA2-PSK");
        assert_eq!(v.station_count, Some(12));
        assert_eq!(v.channel_utilization_pct, Some(80.0));
        assert_eq!(v.admission_capacity, Some(20));
        assert_eq!(v.age_ms, Some(120));
        assert!(!v.associated);
    }

    #[test]
    fn hidden_ssid_is_none() {
        for hidden in [&b""[..], &[0, 0, 0, 0][..]] {
            let views = analyse(&[bss([2, 0, 0, 0, 3, 0], 2437, -50, ies(hidden, None, false))]);
            assert_eq!(views[0].ssid, None);
        }
    }

    #[test]
    fn virtual_bsses_of_one_radio_are_grouped() {
        let views = analyse(&[
            // One radio with three SSIDs on channel 1 (consecutive BSSIDs).
            bss([2, 0, 0, 0, 4, 0], 2412, -40, ies(b"guest", None, false)),
            bss([2, 0, 0, 0, 4, 1], 2412, -40, ies(b"office", None, true)),
            // Same radio, locally-administered bit cleared (vendors differ).
            bss([0, 0, 0, 0, 4, 2], 2412, -41, ies(b"voip", None, true)),
            // Another radio on the same channel (far-away BSSID).
            bss([2, 0, 0, 0, 5, 0], 2412, -70, ies(b"neighbour", None, true)),
            // Close BSSID but another channel: another radio.
            bss([2, 0, 0, 0, 4, 3], 2437, -60, ies(b"guest", None, false)),
        ]);
        let radios: Vec<usize> = views.iter().map(|v| v.radio).collect();
        assert_eq!(radios, [0, 0, 0, 1, 2]);
        let summary = channel_summary(&views);
        let ch1 = summary.iter().find(|c| c.channel == 1).unwrap();
        assert_eq!((ch1.bss_count, ch1.radio_count), (4, 2));
        assert_eq!(ch1.strongest, Some(Dbm(-40)));
        let ch6 = summary.iter().find(|c| c.channel == 6).unwrap();
        assert_eq!((ch6.bss_count, ch6.radio_count), (1, 1));
    }

    #[test]
    fn multiple_bssid_element_groups_far_bssids() {
        // Transmitter lists a nontransmitted profile; with max-BSSID
        // indicator 4 the profile with index 3 is base ^ low bits + 3.
        let mut tx_ies = ies(b"main", None, true);
        let profile_body = [
            el(83, &[0x00, 0x00, 0x00, 0x00]), // nontransmitted capability (id 83)
            el(0, b"hidden-office"),
            el(85, &[3]), // Multiple BSSID-Index 3
        ]
        .concat();
        let mut sub = vec![0u8, profile_body.len() as u8];
        sub.extend(profile_body);
        let mut body = vec![4u8];
        body.extend(sub);
        tx_ies.extend(el(71, &body));
        let views = analyse(&[
            bss([2, 0, 0, 0, 7, 0x10], 5180, -50, tx_ies),
            bss(
                [2, 0, 0, 0, 7, 0x13],
                5180,
                -50,
                ies(b"hidden-office", None, true),
            ),
            bss([2, 0, 0, 0, 9, 0], 5180, -60, ies(b"other", None, true)),
        ]);
        assert_eq!(views[0].radio, views[1].radio);
        assert_ne!(views[0].radio, views[2].radio);
    }

    #[test]
    fn associated_and_filters() {
        let mut mine = bss([2, 0, 0, 0, 0, 0], 2437, -30, ies(b"clinic", None, true));
        mine.status = Some(BssStatus::Associated);
        let other5 = bss([2, 0, 0, 0, 8, 0], 5180, -60, ies(b"clinic", None, true));
        let other = bss([2, 0, 0, 0, 9, 0], 2462, -60, ies(b"cafe", None, false));
        let views = analyse(&[other, mine, other5]);
        assert!(views.iter().any(|v| v.associated && v.channel == Some(6)));
        let clinic = filter(views.clone(), None, Some("clinic"));
        assert_eq!(clinic.len(), 2);
        let five = filter(views.clone(), Some(Band::Ghz5), None);
        assert_eq!(five.len(), 1);
        let mut sorted = views;
        sort_by_signal(&mut sorted);
        assert_eq!(sorted[0].signal, Some(Dbm(-30)));
    }

    #[test]
    fn scan_frequencies_skip_disabled_and_unknown_bands() {
        let ch = |f: u32, disabled: bool| PhyChannel {
            freq: Mhz(f),
            disabled,
            ..Default::default()
        };
        let phy = [
            ch(904, false), // S1G: not ours
            ch(2412, false),
            ch(2484, true), // disabled by regulatory
            ch(5180, false),
            ch(5955, false),
            ch(58320, false), // 60 GHz
        ];
        assert_eq!(scan_frequencies(&phy, None), [2412, 5180, 5955]);
        assert_eq!(scan_frequencies(&phy, Some(Band::Ghz5)), [5180]);
        assert_eq!(scan_frequencies(&phy, Some(Band::Ghz6)), [5955]);

        assert_eq!(
            requested_frequencies(&phy, &[5955, 2412, 2412]),
            Ok(vec![2412, 5955])
        );
        let disabled = requested_frequencies(&phy, &[2412, 2484]).unwrap_err();
        assert!(disabled.contains("2484 MHz is disabled"), "{disabled}");
        for absent in [2437, 904, 58320] {
            let err = requested_frequencies(&phy, &[absent]).unwrap_err();
            assert!(err.contains("not a 2.4, 5 or 6 GHz channel"), "{err}");
        }
    }

    #[test]
    fn stale_entries_are_dropped_but_not_our_own() {
        let mut fresh = bss([2, 0, 0, 0, 1, 0], 2412, -50, ies(b"a", None, false));
        fresh.seen_ms_ago = Some(4_000);
        let mut stale = bss([2, 0, 0, 0, 2, 0], 2412, -50, ies(b"b", None, false));
        stale.seen_ms_ago = Some(20_000);
        let mut ours = bss([2, 0, 0, 0, 3, 0], 2412, -50, ies(b"c", None, false));
        ours.seen_ms_ago = Some(25_000);
        ours.status = Some(BssStatus::Associated);
        let mut views = analyse(&[fresh, stale, ours]);
        drop_older_than(&mut views, std::time::Duration::from_secs(5));
        let kept: Vec<u8> = views.iter().map(|v| v.bssid.0[4]).collect();
        assert_eq!(kept, [1, 3]);
    }

    #[test]
    fn open_network_without_privacy() {
        let mut open = bss([2, 0, 0, 0, 3, 0], 2412, -45, ies(b"free", None, false));
        open.capability = Some(0x0401);
        assert_eq!(analyse(&[open])[0].security.label(), "Open");
    }
}
