//! The kernel's own nl80211 replies, recorded in the lab
//! (`tests/lab/record-fixtures`, see `tests/fixtures/nl80211/README.md`),
//! decoded with wl-nl80211's parser and this crate's converters and checked
//! against the ground truth the recording scenario configured.
//!
//! Each fixture is one netlink message (header included) per line as hex;
//! `#` lines are comments naming the command, kernel and ground truth. The
//! BSSIDs and interface names are read from those comments.

use super::{
    interface_from_attrs, phy_channels_from_attrs, reg_domain_from_attrs, scan_bss_from_attrs,
    station_from_attrs, survey_from_attrs,
};
use crate::freq::Band;
use crate::model::{Dbm, DfsRegion, IfType, MacAddr, Mhz, PhyChannel, Ssid};
use crate::scan::{analyse, channel_summary, BssView};
use wl_nl80211::packet_core::{NetlinkMessage, NetlinkPayload};
use wl_nl80211::packet_generic::GenlMessage;
use wl_nl80211::{Nl80211Attr, Nl80211Command, Nl80211Message};

const INTERFACE_DUMP: &str = include_str!("../../tests/fixtures/nl80211/interface-dump.hex");
const STATION_DUMP: &str = include_str!("../../tests/fixtures/nl80211/station-dump.hex");
const SCAN_DUMP: &str = include_str!("../../tests/fixtures/nl80211/scan-dump.hex");
const SURVEY_DUMP: &str = include_str!("../../tests/fixtures/nl80211/survey-dump.hex");
const REG_GET: &str = include_str!("../../tests/fixtures/nl80211/reg-get.hex");
const WIPHY_DUMP: &str = include_str!("../../tests/fixtures/nl80211/wiphy-dump.hex");

const ALL: [(&str, &str, Nl80211Command); 6] = [
    (
        "interface-dump",
        INTERFACE_DUMP,
        Nl80211Command::NewInterface,
    ),
    ("station-dump", STATION_DUMP, Nl80211Command::NewStation),
    ("scan-dump", SCAN_DUMP, Nl80211Command::NewScanResults),
    ("survey-dump", SURVEY_DUMP, Nl80211Command::NewSurveyResults),
    ("reg-get", REG_GET, Nl80211Command::GetReg),
    ("wiphy-dump", WIPHY_DUMP, Nl80211Command::NewWiphy),
];

fn unhex(line: &str) -> Vec<u8> {
    assert!(line.len() % 2 == 0, "odd hex line");
    (0..line.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&line[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// Every message of a fixture, decoded as wifidiag receives it.
fn decode(fixture: &str) -> Vec<Result<NetlinkMessage<GenlMessage<Nl80211Message>>, String>> {
    fixture
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| NetlinkMessage::deserialize(&unhex(l.trim())).map_err(|e| e.to_string()))
        .collect()
}

/// The nl80211 messages of a fixture (panics on anything else).
fn messages(fixture: &str) -> Vec<Nl80211Message> {
    decode(fixture)
        .into_iter()
        .map(|msg| match msg.expect("decodes").payload {
            NetlinkPayload::InnerMessage(genl) => genl.payload,
            other => panic!("not an nl80211 message: {other:?}"),
        })
        .collect()
}

/// The attribute lists of a fixture's messages.
fn attrs(fixture: &str) -> Vec<Vec<Nl80211Attr>> {
    messages(fixture)
        .into_iter()
        .map(|m| m.attributes)
        .collect()
}

/// The whitespace-separated word after `key` in the first comment line
/// holding it (`# ... station wlan5 mac ...` → `word_after(_, "station")`).
fn word_after<'a>(fixture: &'a str, key: &str) -> &'a str {
    fixture
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let at = words.iter().position(|w| *w == key)?;
            words.get(at + 1).copied()
        })
        .unwrap_or_else(|| panic!("no '{key} ...' in the fixture's header"))
}

fn mac(text: &str) -> MacAddr {
    let bytes: Vec<u8> = text
        .split(':')
        .map(|b| u8::from_str_radix(b, 16).expect("MAC octet"))
        .collect();
    MacAddr(bytes.try_into().expect("6 octets"))
}

/// The BSSID the scan fixture's header gives for an SSID (`# bss MAC NAME ...`).
fn bssid_of(name: &str) -> MacAddr {
    let line = SCAN_DUMP
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            w.len() > 3 && w[1] == "bss" && w[3] == name
        })
        .unwrap_or_else(|| panic!("no 'bss MAC {name}' in the scan fixture's header"));
    mac(line.split_whitespace().nth(2).expect("MAC"))
}

fn scan_views() -> Vec<BssView> {
    let bsses: Vec<_> = attrs(SCAN_DUMP)
        .iter()
        .filter_map(|a| scan_bss_from_attrs(a))
        .collect();
    analyse(&bsses)
}

fn view(views: &[BssView], bssid: MacAddr) -> &BssView {
    views
        .iter()
        .find(|v| v.bssid == bssid)
        .unwrap_or_else(|| panic!("{bssid} not in the scan fixture"))
}

#[test]
fn every_line_of_every_fixture_decodes() {
    for (name, fixture, cmd) in ALL {
        let decoded = decode(fixture);
        assert!(!decoded.is_empty(), "{name}: no messages");
        for (i, msg) in decoded.into_iter().enumerate() {
            let msg = msg.unwrap_or_else(|e| panic!("{name} line {i}: {e}"));
            let NetlinkPayload::InnerMessage(genl) = msg.payload else {
                panic!("{name} line {i}: not an nl80211 message");
            };
            assert_eq!(genl.payload.cmd, cmd, "{name} line {i}");
        }
    }
}

#[test]
fn scan_dump_matches_the_configured_neighbourhood() {
    let views = scan_views();
    assert_eq!(
        views.len(),
        7,
        "clinic, clinic-sae, clinic-5g, hidden, 3 x cafe"
    );

    let clinic = view(&views, bssid_of("clinic"));
    assert_eq!(clinic.ssid, Some(Ssid(b"clinic".to_vec())));
    assert_eq!(
        (clinic.freq, clinic.channel, clinic.band),
        (Mhz(2412), Some(1), Some(Band::Ghz2_4))
    );
    assert_eq!(clinic.width_mhz, 20);
    assert_eq!(clinic.security.label(), "WPA2-PSK");
    assert_eq!(clinic.station_count, Some(12));
    // bss_load_test=12:80:20: utilisation octet 80 of 255 = 31.4 %.
    let pct = clinic.channel_utilization_pct.expect("BSS Load");
    assert!((pct - 80.0 * 100.0 / 255.0).abs() < 1e-9 && (pct * 10.0).round() == 314.0);
    assert_eq!(clinic.admission_capacity, Some(20));
    assert!(clinic.associated);
    assert!(clinic.signal.is_some_and(|s| s.0 < 0));

    let sae = view(&views, bssid_of("clinic-sae"));
    assert_eq!(sae.ssid, Some(Ssid(b"clinic-sae".to_vec())));
    assert_eq!((sae.freq, sae.channel), (Mhz(2462), Some(11)));
    assert_eq!(sae.security.label(), "WPA3-SAE");
    assert!(!sae.associated);
    assert_eq!(sae.station_count, None);

    let five = view(&views, bssid_of("clinic-5g"));
    assert_eq!(
        (five.freq, five.channel, five.band),
        (Mhz(5180), Some(36), Some(Band::Ghz5))
    );
    assert_eq!((five.width_mhz, five.center_freq), (80, Mhz(5210)));
    assert_eq!(five.generation.map(|g| g.label()), Some("ac"));
    assert_eq!(five.security.label(), "WPA2-PSK");
    assert_eq!(five.country.as_deref(), Some("US"));

    let hidden = view(&views, bssid_of("(hidden)"));
    assert_eq!(hidden.ssid, None);
    assert_eq!((hidden.freq, hidden.channel), (Mhz(2437), Some(6)));
    assert_eq!(hidden.security.label(), "WPA2-PSK");

    let cafes: Vec<&BssView> = ["cafe", "cafe-2", "cafe-3"]
        .iter()
        .map(|name| view(&views, bssid_of(name)))
        .collect();
    for (cafe, name) in cafes.iter().zip(["cafe", "cafe-2", "cafe-3"]) {
        assert_eq!(cafe.ssid, Some(Ssid(name.as_bytes().to_vec())));
        assert_eq!(cafe.security.label(), "Open");
        assert_eq!(cafe.channel, Some(6));
        assert_eq!(
            cafe.radio, cafes[0].radio,
            "{name}: one radio for the three cafe SSIDs"
        );
    }
    assert_ne!(
        hidden.radio, cafes[0].radio,
        "the hidden network is another radio"
    );

    let summary = channel_summary(&views);
    let ch = |band, n| {
        summary
            .iter()
            .find(|c| c.band == band && c.channel == n)
            .unwrap_or_else(|| panic!("no channel {n}"))
    };
    let ch6 = ch(Band::Ghz2_4, 6);
    assert_eq!((ch6.bss_count, ch6.radio_count), (4, 2));
    let ch1 = ch(Band::Ghz2_4, 1);
    assert_eq!((ch1.bss_count, ch1.radio_count), (1, 1));
    assert_eq!(ch1.max_utilization_pct, clinic.channel_utilization_pct);
    assert_eq!(
        (ch(Band::Ghz2_4, 11).bss_count, ch(Band::Ghz5, 36).bss_count),
        (1, 1)
    );
}

#[test]
fn station_dump_is_the_link_to_the_clinic_ap() {
    let stations: Vec<_> = attrs(STATION_DUMP)
        .iter()
        .filter_map(|a| station_from_attrs(a))
        .collect();
    assert_eq!(stations.len(), 1);
    let sta = &stations[0];
    assert_eq!(sta.bssid, Some(mac(word_after(STATION_DUMP, "bss"))));
    assert_eq!(sta.bssid, Some(bssid_of("clinic")));
    assert!(
        sta.signal.is_some_and(|s| s.0 < 0 && s.0 > -100),
        "{:?}",
        sta.signal
    );
    let tx = sta.tx_bitrate.as_ref().expect("tx bitrate");
    assert!(tx.mbps.is_some_and(|m| m > 0.0));
    assert!(sta.rx_packets.is_some_and(|p| p > 0));
    assert!(sta.connected_time_s.is_some());
}

#[test]
fn survey_dump_has_the_operating_channel() {
    let survey: Vec<_> = attrs(SURVEY_DUMP)
        .iter()
        .filter_map(|a| survey_from_attrs(a))
        .collect();
    let freqs: Vec<u32> = survey.iter().map(|e| e.freq.0).collect();
    assert!(freqs.contains(&2412), "{freqs:?}");
    let ours = survey.iter().find(|e| e.freq == Mhz(2412)).expect("2412");
    // mac80211_hwsim reports a fixed noise floor and the time it spent on
    // each channel, but never NL80211_SURVEY_INFO_IN_USE (see the next test).
    assert_eq!(ours.noise, Some(Dbm(-92)));
    assert!(ours.active_ms.is_some_and(|t| t > 0) && ours.busy_ms.is_some());
    assert!(survey.iter().all(|e| !e.in_use && e.noise.is_some()));
}

/// The recorded 2412 MHz survey entry with the `NL80211_SURVEY_INFO_IN_USE`
/// flag (3 in nl80211.h) that hwsim never sends, added to its bytes.
#[test]
fn survey_in_use_flag_is_decoded() {
    const ATTR_SURVEY_INFO: u16 = 84;
    let line = SURVEY_DUMP
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            let a = attrs(l);
            survey_from_attrs(&a[0]).is_some_and(|e| e.freq == Mhz(2412))
        })
        .expect("a 2412 MHz entry");
    let mut bytes = unhex(line);
    let mut at = 16 + 4; // netlink header, genl header
    while u16::from_le_bytes([bytes[at + 2], bytes[at + 3]]) & 0x3fff != ATTR_SURVEY_INFO {
        at += (usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]])) + 3) & !3;
    }
    let nest_len = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    let flag = [4u8, 0, 3, 0]; // nla_len 4, nla_type IN_USE, no payload
    bytes.splice(at + usize::from(nest_len)..at + usize::from(nest_len), flag);
    bytes[at..at + 2].copy_from_slice(&(nest_len + 4).to_le_bytes());
    let total = u32::from_le_bytes(bytes[..4].try_into().unwrap()) + 4;
    bytes[..4].copy_from_slice(&total.to_le_bytes());
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();

    let entry = survey_from_attrs(&attrs(&hex)[0]).expect("still a survey entry");
    assert_eq!((entry.freq, entry.in_use), (Mhz(2412), true));
    assert_eq!(entry.noise, Some(Dbm(-92)));
}

#[test]
fn reg_get_is_the_country_an_ap_set() {
    let domains: Vec<_> = attrs(REG_GET)
        .iter()
        .filter_map(|a| reg_domain_from_attrs(a))
        .collect();
    assert_eq!(domains.len(), 1);
    assert_eq!(domains[0].country, word_after(REG_GET, "country"));
    assert_eq!(domains[0].country, "US");
    assert_eq!(domains[0].dfs_region, Some(DfsRegion::Fcc));
    assert!(!domains[0].self_managed);
}

#[test]
fn interface_dump_has_the_client_station_on_channel_1() {
    let interfaces: Vec<_> = attrs(INTERFACE_DUMP)
        .iter()
        .filter_map(|a| interface_from_attrs(a))
        .collect();
    let name = word_after(INTERFACE_DUMP, "station");
    let client = interfaces
        .iter()
        .find(|i| i.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{name} not in {interfaces:?}"));
    assert_eq!(client.if_type, IfType::Station);
    assert_eq!(client.mac, Some(mac(word_after(INTERFACE_DUMP, "mac"))));
    assert_eq!(client.freq, Some(Mhz(2412)));
    assert_eq!(
        (client.width_mhz, client.center_freq),
        (Some(20), Some(Mhz(2412)))
    );
    assert!(client.ifindex.is_some());
    assert_eq!(client.txpower_mbm, Some(3000));
    // Kernel 6.1 puts no NL80211_ATTR_SSID in the dump for a connection made
    // with authenticate/associate (wpa_supplicant on mac80211): the reason
    // `Nl80211::interfaces` reads it from the associated scan entry.
    assert_eq!(client.ssid, None);
    // The hwsim radio's P2P device: a wdev without a netdev.
    assert!(interfaces
        .iter()
        .any(|i| i.if_type == IfType::P2pDevice && i.ifindex.is_none() && i.phy == client.phy));
}

#[test]
fn wiphy_dump_lists_the_channels_with_us_rules() {
    let mut channels: Vec<PhyChannel> = Vec::new();
    for a in attrs(WIPHY_DUMP) {
        phy_channels_from_attrs(&a, &mut channels);
    }
    let at = |f: u32| {
        channels
            .iter()
            .find(|c| c.freq == Mhz(f))
            .unwrap_or_else(|| panic!("{f} MHz not in the wiphy dump"))
    };
    for usable in [2412, 2437, 2462, 5180] {
        let c = at(usable);
        assert!(!c.disabled && !c.radar, "{c:?}");
        assert!(c.max_power_mbm.is_some());
    }
    // US: 5250-5330 and 5490-5730 MHz need radar detection; 2.4 GHz 12-14 are off.
    for dfs in [5260, 5300, 5500, 5700] {
        assert!(at(dfs).radar, "{:?}", at(dfs));
    }
    assert!(at(2484).disabled);
}
