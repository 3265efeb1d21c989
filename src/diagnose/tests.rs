//! Scripted evidence: a healthy clinic, then one thing broken at a time;
//! each test asserts the failing check and the headline's cause.

use super::*;
use crate::channels::{self, ChannelInputs};
use crate::freq::{self, Band};
use crate::ie::{PhyGeneration, Security};
use crate::model::{Dbm, MacAddr, Mhz, OperState, Ssid};
use crate::report::status::Regulatory;
use crate::watch::probe::{ProbeMethod, ProbeOutcome, ProbeResult, Target};
use std::net::{IpAddr, Ipv4Addr};

const GW: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 77, 0, 1));
const SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 77, 1, 10));

fn mac(last: u8) -> MacAddr {
    MacAddr([2, 0, 0, 0, 1, last])
}

fn bss(last: u8, chan: u16, signal: i32, ssid: &str) -> BssView {
    let f = if chan <= 14 {
        2407 + 5 * u32::from(chan)
    } else {
        5000 + 5 * u32::from(chan)
    };
    BssView {
        bssid: mac(last),
        ssid: (!ssid.is_empty()).then(|| Ssid(ssid.as_bytes().to_vec())),
        freq: Mhz(f),
        channel: freq::channel_of(f).map(|c| c.number),
        band: freq::channel_of(f).map(|c| c.band),
        width_mhz: 20,
        center_freq: Mhz(f),
        center_freq2: None,
        signal: Some(Dbm(signal)),
        security: Security::Wpa2Psk,
        generation: Some(PhyGeneration::N),
        station_count: None,
        channel_utilization_pct: None,
        admission_capacity: None,
        country: Some("DE".into()),
        ft: false,
        rrm_neighbor_report: false,
        bss_transition: false,
        associated: false,
        age_ms: Some(100),
        radio: usize::from(last),
        element_issues: 0,
    }
}

fn iface() -> InterfaceStatus {
    InterfaceStatus {
        name: Some("wlan0".into()),
        ifindex: Some(3),
        mac: Some(MacAddr([2, 0, 0, 0, 0, 0x10])),
        phy: 0,
        mode: crate::model::IfType::Station,
        oper_state: Some(OperState::Up),
        connected: true,
        ssid: Some(Ssid(b"clinic".to_vec())),
        bssid: Some(mac(1)),
        freq_mhz: Some(Mhz(2437)),
        channel: Some(6),
        band: Some(Band::Ghz2_4),
        width_mhz: Some(20),
        center_freq_mhz: Some(Mhz(2437)),
        signal_dbm: Some(-48),
        signal_avg_dbm: Some(-48),
        chain_signal_dbm: vec![],
        beacon_signal_avg_dbm: None,
        noise_dbm: Some(-95),
        snr_db: Some(47),
        tx_bitrate_mbps: Some(65.0),
        rx_bitrate_mbps: Some(65.0),
        tx_bitrate: Some(crate::report::status::Bitrate {
            mbps: Some(65.0),
            generation: Some(crate::model::RateGeneration::Ht),
            mcs: Some(7),
            nss: Some(1),
            width_mhz: Some(20),
            guard_interval_ns: None,
        }),
        rx_bitrate: None,
        expected_throughput_mbps: None,
        tx_packets: Some(1000),
        rx_packets: Some(1000),
        tx_retries: Some(10),
        tx_failed: Some(0),
        tx_retry_pct: Some(1.0),
        tx_failed_pct: Some(0.0),
        beacon_loss: Some(0),
        beacon_rx: Some(600),
        connected_time_s: Some(300),
        inactive_time_ms: Some(10),
        regulatory: Some(Regulatory {
            country: "DE".into(),
            dfs_region: None,
        }),
        ipv4: vec!["10.77.0.100/24".into()],
        ipv6: vec![],
        gateway: Some(GW),
        gateway_iface: Some("wlan0".into()),
        notes: vec![],
    }
}

fn probe(method: ProbeMethod, outcome: ProbeOutcome, rtt: f64) -> ProbeResult {
    ProbeResult {
        method,
        outcome,
        rtt_ms: (outcome == ProbeOutcome::Ok).then_some(rtt),
        detail: match outcome {
            ProbeOutcome::Ok => None,
            ProbeOutcome::Refused => Some("connection refused".into()),
            ProbeOutcome::Timeout => Some("no answer within 1000 ms".into()),
            _ => Some(outcome.as_str().into()),
        },
    }
}

fn series(method: ProbeMethod, outcome: ProbeOutcome, n: usize) -> Vec<ProbeResult> {
    (0..n).map(|_| probe(method, outcome, 2.0)).collect()
}

fn phy_channels() -> Vec<crate::model::PhyChannel> {
    let mut v: Vec<crate::model::PhyChannel> = (1..=13)
        .map(|n| crate::model::PhyChannel {
            freq: Mhz(2407 + 5 * n),
            ..Default::default()
        })
        .collect();
    for (f, radar) in [(5180, false), (5200, false), (5260, true), (5280, true)] {
        v.push(crate::model::PhyChannel {
            freq: Mhz(f),
            radar,
            ..Default::default()
        });
    }
    v
}

fn analyse(bsses: &[BssView], phy: &[crate::model::PhyChannel]) -> Option<ChannelAnalysis> {
    let samples = vec![bsses.to_vec()];
    let own = Ssid(b"clinic".to_vec());
    Some(channels::analyse(ChannelInputs {
        phy_channels: phy,
        samples: &samples,
        observed: None,
        survey: &[],
        own_ssid: Some(&own),
        width_mhz: 20,
        fresh: true,
        complete: true,
    }))
}

/// A healthy clinic: our AP on 6 at −48 dBm, a quiet neighbour on 1, the
/// gateway and the EMR server answering every probe.
fn clinic() -> Evidence {
    let mut ours = bss(1, 6, -48, "clinic");
    ours.associated = true;
    let bsses = vec![ours, bss(20, 1, -75, "cafe")];
    let phy = phy_channels();
    let channels = analyse(&bsses, &phy);
    let target = Target::parse("emr.clinic.lan:8443").unwrap();
    Evidence {
        iface: iface(),
        power_save: Some(false),
        scan: ScanEvidence {
            fresh: true,
            asked_cached: false,
            complete: true,
            notice: None,
            method: "passive scan of 17 channels".into(),
            bsses,
        },
        phy_channels: phy,
        channels,
        resolvers: vec![GW],
        probes: ProbeEvidence {
            duration_ms: 30_000,
            gateway: Some((GW, series(ProbeMethod::IcmpRaw, ProbeOutcome::Ok, 30))),
            targets: vec![TargetProbes {
                spec: target.to_string(),
                host: target.host.clone(),
                port: target.port,
                dns: series(ProbeMethod::Dns, ProbeOutcome::Ok, 6),
                address: Some(SERVER),
                connect: series(ProbeMethod::Tcp, ProbeOutcome::Ok, 30),
                ping: series(ProbeMethod::IcmpRaw, ProbeOutcome::Ok, 30),
            }],
        },
        portal: PortalEvidence::Answered {
            url: http::DEFAULT_URL.into(),
            address: "198.51.100.7".parse().unwrap(),
            status: 200,
            location_host: None,
            judged: http::Judged::Expected,
            rtt_ms: 40.0,
        },
        history: Past::Read {
            source: "journal".into(),
            hours: 24,
            disconnects: 0,
            roams: 0,
            outages: vec![],
        },
        watch_logs: None,
    }
}

fn check<'a>(d: &'a Diagnosis, id: &str) -> &'a Check {
    d.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id} in {:#?}", d.checks))
}

fn failing(d: &Diagnosis) -> Vec<&str> {
    d.checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.id)
        .collect()
}

#[test]
fn a_healthy_clinic_passes_every_check() {
    let d = diagnose(&clinic());
    let bad: Vec<(&str, Status, &str)> = d
        .checks
        .iter()
        .filter(|c| c.status != Status::Ok)
        .map(|c| (c.id, c.status, c.finding.as_str()))
        .collect();
    // The only checks that may not run: the 5 GHz one (the laptop is on
    // 2.4 GHz with nothing of its network on 5 GHz is "ok"), DFS on 2.4.
    assert!(
        bad.iter()
            .all(|(id, s, _)| *s == Status::NotRun && *id == "radio.dfs"),
        "{bad:#?}"
    );
    assert!(!d.failed());
    assert_eq!(d.headline.cause, None);
    assert_eq!(d.headline.confidence, Confidence::High);
    assert!(
        d.headline.text.starts_with("Everything works"),
        "{}",
        d.headline.text
    );
}

#[test]
fn not_associated_is_wifi() {
    let mut e = clinic();
    e.iface.connected = false;
    e.iface.ipv4.clear();
    e.iface.gateway = None;
    e.probes.gateway = None;
    let d = diagnose(&e);
    assert_eq!(check(&d, "link.associated").status, Status::Fail);
    assert_eq!(d.headline.cause, Some(Cause::Wifi));
    // Everything after the link is not judged as a failure of its own.
    assert_eq!(check(&d, "net.address").status, Status::NotRun);
    assert_eq!(check(&d, "net.route").status, Status::NotRun);
}

#[test]
fn gateway_down_is_lan() {
    let mut e = clinic();
    e.probes.gateway = Some((GW, series(ProbeMethod::IcmpRaw, ProbeOutcome::Timeout, 30)));
    let t = &mut e.probes.targets[0];
    t.connect = series(ProbeMethod::Tcp, ProbeOutcome::Timeout, 30);
    t.ping = series(ProbeMethod::IcmpRaw, ProbeOutcome::Timeout, 30);
    let d = diagnose(&e);
    assert_eq!(check(&d, "net.gateway").status, Status::Fail);
    assert_eq!(d.headline.cause, Some(Cause::Lan));
    assert_eq!(d.headline.confidence, Confidence::High);
    assert_eq!(d.headline.because, vec!["net.gateway:10.77.0.1"]);
    assert!(
        d.headline
            .text
            .starts_with("The Wi-Fi link is fine, but the gateway 10.77.0.1 answered 0 of 30"),
        "{}",
        d.headline.text
    );
}

#[test]
fn a_gateway_losing_pings_on_a_weak_link_is_the_wifi() {
    let mut e = clinic();
    e.iface.signal_avg_dbm = Some(-84);
    let mut pings = series(ProbeMethod::IcmpRaw, ProbeOutcome::Ok, 20);
    pings.extend(series(ProbeMethod::IcmpRaw, ProbeOutcome::Timeout, 10));
    e.probes.gateway = Some((GW, pings));
    let d = diagnose(&e);
    assert_eq!(failing(&d)[..2], ["link.signal", "net.gateway"]);
    assert_eq!(d.headline.cause, Some(Cause::WifiDegraded));
}

#[test]
fn unprivileged_gateway_probe_is_not_a_failure() {
    let mut e = clinic();
    e.probes.gateway = Some((
        GW,
        series(ProbeMethod::IcmpRaw, ProbeOutcome::NotPermitted, 30),
    ));
    e.probes.targets[0].connect = series(ProbeMethod::Tcp, ProbeOutcome::Refused, 30);
    e.probes.targets[0].ping = series(ProbeMethod::IcmpRaw, ProbeOutcome::NotPermitted, 30);
    let d = diagnose(&e);
    assert_eq!(check(&d, "net.gateway").status, Status::NotRun);
    assert_eq!(d.headline.cause, Some(Cause::Server));
    // The gateway was not measured: not "high".
    assert_eq!(d.headline.confidence, Confidence::Medium);
}

#[test]
fn a_wrong_dns_server_is_dns() {
    let mut e = clinic();
    e.resolvers = vec!["10.77.1.53".parse().unwrap()];
    let t = &mut e.probes.targets[0];
    t.dns = vec![
        ProbeResult {
            method: ProbeMethod::Dns,
            outcome: ProbeOutcome::Failed,
            rtt_ms: Some(1.0),
            detail: Some("NXDOMAIN: name or service not known".into()),
        };
        6
    ];
    t.address = None;
    t.connect.clear();
    t.ping.clear();
    let d = diagnose(&e);
    assert_eq!(failing(&d), ["net.dns"]);
    assert_eq!(check(&d, "net.target").status, Status::NotRun);
    assert_eq!(d.headline.cause, Some(Cause::Dns));
    assert_eq!(d.headline.confidence, Confidence::High);
    assert!(d.headline.text.contains("NXDOMAIN"), "{}", d.headline.text);
}

#[test]
fn no_dns_server_at_all_is_dns() {
    let mut e = clinic();
    e.resolvers.clear();
    let d = diagnose(&e);
    assert_eq!(failing(&d), ["net.dns_servers"]);
    assert_eq!(d.headline.cause, Some(Cause::Dns));
}

#[test]
fn a_refusing_server_is_server() {
    let mut e = clinic();
    e.probes.targets[0].connect = series(ProbeMethod::Tcp, ProbeOutcome::Refused, 30);
    let d = diagnose(&e);
    assert_eq!(failing(&d), ["net.target"]);
    assert_eq!(check(&d, "net.firewall").status, Status::Ok);
    assert_eq!(d.headline.cause, Some(Cause::Server));
    assert_eq!(d.headline.confidence, Confidence::High);
    assert!(
        d.headline.text.starts_with(
            "The Wi-Fi link, the gateway and DNS are fine; emr.clinic.lan:8443 refused 30 of 30"
        ),
        "{}",
        d.headline.text
    );
}

#[test]
fn a_dropped_port_while_the_host_pings_is_a_firewall() {
    let mut e = clinic();
    e.probes.targets[0].connect = series(ProbeMethod::Tcp, ProbeOutcome::Timeout, 30);
    let d = diagnose(&e);
    assert_eq!(failing(&d), ["net.target", "net.firewall"]);
    assert_eq!(d.headline.cause, Some(Cause::Server));
    assert_eq!(d.headline.because, vec!["net.firewall:emr.clinic.lan:8443"]);
    assert!(
        d.headline.text.contains("a firewall drops the port"),
        "{}",
        d.headline.text
    );
}

#[test]
fn a_dead_host_is_not_called_a_firewall() {
    let mut e = clinic();
    e.probes.targets[0].connect = series(ProbeMethod::Tcp, ProbeOutcome::Timeout, 30);
    e.probes.targets[0].ping = series(ProbeMethod::IcmpRaw, ProbeOutcome::Timeout, 30);
    let d = diagnose(&e);
    assert_eq!(check(&d, "net.firewall").status, Status::NotRun);
    assert_eq!(d.headline.because, vec!["net.target:emr.clinic.lan:8443"]);
}

#[test]
fn a_congested_channel_with_a_clearly_better_one() {
    let mut e = clinic();
    // Three strong, busy neighbours on our channel 6; 1 and 11 quiet.
    let mut ours = bss(1, 6, -48, "clinic");
    ours.associated = true;
    let mut bsses = vec![ours];
    for (i, s) in [(0x30u8, -45), (0x60, -50), (0x90, -52)] {
        let mut b = bss(i, 6, s, &format!("n{i}"));
        b.channel_utilization_pct = Some(60.0);
        b.station_count = Some(10);
        bsses.push(b);
    }
    e.channels = analyse(&bsses, &e.phy_channels);
    e.scan.bsses = bsses;
    let d = diagnose(&e);
    let c = check(&d, "radio.congestion");
    assert_eq!(c.status, Status::Fail, "{c:#?}");
    assert_eq!(d.headline.cause, Some(Cause::WifiDegraded));
    assert!(
        d.headline
            .text
            .starts_with("The network answers now, but channel 6 is congested"),
        "{}",
        d.headline.text
    );
}

#[test]
fn a_sticky_client_on_a_weak_ap() {
    let mut e = clinic();
    e.iface.signal_avg_dbm = Some(-76);
    let mut ours = bss(1, 6, -76, "clinic");
    ours.associated = true;
    let bsses = vec![ours, bss(2, 11, -40, "clinic")];
    e.channels = analyse(&bsses, &e.phy_channels);
    e.scan.bsses = bsses;
    let d = diagnose(&e);
    let c = check(&d, "radio.sticky");
    assert_eq!(c.status, Status::Fail, "{c:#?}");
    assert!(c.finding.contains("36 dB stronger"), "{}", c.finding);
    assert_eq!(d.headline.cause, Some(Cause::WifiDegraded));
    assert_eq!(d.headline.because, vec!["radio.sticky"]);
    // A strong link with a stronger one near is only worth a look.
    e.iface.signal_avg_dbm = Some(-55);
    e.scan.bsses[0].signal = Some(Dbm(-55));
    let d = diagnose(&e);
    assert_eq!(check(&d, "radio.sticky").status, Status::Warn);
}

#[test]
fn the_same_network_on_5ghz() {
    let mut e = clinic();
    e.scan.bsses.push(bss(3, 36, -55, "clinic"));
    let d = diagnose(&e);
    assert_eq!(check(&d, "radio.band").status, Status::Warn);
    assert!(!d.failed());
}

#[test]
fn overlap_dfs_security_and_country() {
    let mut e = clinic();
    e.iface.channel = Some(3);
    e.iface.freq_mhz = Some(Mhz(2422));
    e.scan.bsses[0].security = Security::WpaWpa2Psk;
    e.iface.regulatory = Some(Regulatory {
        country: "00".into(),
        dfs_region: None,
    });
    let d = diagnose(&e);
    assert_eq!(check(&d, "radio.overlap").status, Status::Warn);
    assert_eq!(check(&d, "link.security").status, Status::Warn);
    assert_eq!(check(&d, "radio.country").status, Status::Warn);
    let mut e = clinic();
    e.iface.channel = Some(52);
    e.iface.freq_mhz = Some(Mhz(5260));
    e.iface.band = Some(Band::Ghz5);
    let d = diagnose(&e);
    assert_eq!(check(&d, "radio.dfs").status, Status::Warn);
    assert_eq!(check(&d, "radio.overlap").status, Status::NotRun);
}

#[test]
fn link_counters() {
    let mut e = clinic();
    e.iface.tx_retries = Some(300);
    let d = diagnose(&e);
    assert_eq!(check(&d, "link.retries").status, Status::Warn);
    e.iface.tx_failed = Some(50);
    let d = diagnose(&e);
    assert_eq!(check(&d, "link.retries").status, Status::Fail);
    e.iface.tx_packets = Some(10);
    let d = diagnose(&e);
    assert_eq!(check(&d, "link.retries").status, Status::NotRun);
    let mut e = clinic();
    e.iface.beacon_loss = Some(4);
    if let Some(b) = &mut e.iface.tx_bitrate {
        b.mcs = Some(8); // HT MCS 8 = MCS 0 on two streams
    }
    let d = diagnose(&e);
    assert_eq!(check(&d, "link.beacon_loss").status, Status::Warn);
    assert_eq!(check(&d, "link.bitrate").status, Status::Warn);
    e.iface.snr_db = Some(12);
    assert_eq!(check(&diagnose(&e), "link.snr").status, Status::Warn);
}

#[test]
fn dormant_link_fails_association() {
    let mut e = clinic();
    e.iface.oper_state = Some(OperState::Dormant);
    let d = diagnose(&e);
    assert_eq!(failing(&d)[0], "link.associated");
    assert_eq!(d.headline.cause, Some(Cause::Wifi));
}

#[test]
fn no_address_is_lan() {
    let mut e = clinic();
    e.iface.ipv4.clear();
    e.iface.gateway = None;
    e.probes.gateway = None;
    let d = diagnose(&e);
    assert_eq!(failing(&d)[..2], ["net.address", "net.route"]);
    assert_eq!(d.headline.cause, Some(Cause::Lan));
}

#[test]
fn past_outages_warn_then_fail() {
    let mut e = clinic();
    let outage = |cause| PastOutage {
        start_ms: 1,
        duration_ms: Some(5000),
        cause,
        summary: "deauthenticated by the access point (reason 7)".into(),
    };
    e.history = Past::Read {
        source: "journal".into(),
        hours: 24,
        disconnects: 1,
        roams: 0,
        outages: vec![outage(Cause::Wifi)],
    };
    let d = diagnose(&e);
    assert_eq!(check(&d, "past.system_logs").status, Status::Warn);
    assert_eq!(d.headline.confidence, Confidence::Low);
    e.history = Past::Read {
        source: "journal".into(),
        hours: 24,
        disconnects: 3,
        roams: 1,
        outages: vec![outage(Cause::Wifi), outage(Cause::Wifi), outage(Cause::Lan)],
    };
    let d = diagnose(&e);
    let c = check(&d, "past.system_logs");
    assert_eq!(c.status, Status::Fail);
    assert!(
        c.finding
            .starts_with("3 outages in the last 24 h (journal): 2 wifi, 1 lan"),
        "{}",
        c.finding
    );
    assert_eq!(d.headline.cause, Some(Cause::Wifi));
    assert!(
        d.headline
            .text
            .starts_with("Everything answers now, but 3 outages"),
        "{}",
        d.headline.text
    );
    e.history = Past::NotRun("the journal is not readable by this user".into());
    assert_eq!(
        check(&diagnose(&e), "past.system_logs").status,
        Status::NotRun
    );
}

#[test]
fn a_cached_scan_warns_and_says_why() {
    let mut e = clinic();
    e.scan.fresh = false;
    e.scan.notice = Some("scanning needs CAP_NET_ADMIN".into());
    let d = diagnose(&e);
    let c = check(&d, "radio.scan");
    assert_eq!(c.status, Status::Warn);
    assert!(c.finding.contains("CAP_NET_ADMIN"));
    let mut e = clinic();
    e.scan.complete = false;
    assert_eq!(check(&diagnose(&e), "radio.scan").status, Status::Warn);
}

fn portal_reply(status: u16, location_host: Option<&str>, judged: http::Judged) -> PortalEvidence {
    PortalEvidence::Answered {
        url: http::DEFAULT_URL.into(),
        address: GW,
        status,
        location_host: location_host.map(str::to_string),
        judged,
        rtt_ms: 3.0,
    }
}

#[test]
fn a_captive_portal_holding_the_server_is_the_cause_not_the_server() {
    let mut e = clinic();
    // The portal answers every name with its own address, where nothing
    // listens on the server's port.
    e.portal = portal_reply(302, Some("portal.guest.lan"), http::Judged::Portal);
    let t = &mut e.probes.targets[0];
    t.address = Some(GW);
    t.connect = series(ProbeMethod::Tcp, ProbeOutcome::Refused, 30);
    let d = diagnose(&e);
    let c = check(&d, "net.portal");
    assert_eq!(c.status, Status::Fail, "{c:#?}");
    assert!(
        c.finding
            .contains("redirected to portal.guest.lan (HTTP 302)"),
        "{}",
        c.finding
    );
    // The server check fails too, but the portal explains it.
    assert_eq!(check(&d, "net.target").status, Status::Fail);
    assert_eq!(d.headline.cause, Some(Cause::Lan));
    assert_eq!(d.headline.because, vec!["net.portal"]);
    assert_eq!(d.headline.confidence, Confidence::High);
    assert!(
        d.headline
            .text
            .starts_with("The Wi-Fi link and the gateway are fine, but a captive portal"),
        "{}",
        d.headline.text
    );
}

#[test]
fn a_captive_portal_the_servers_get_past_only_warns() {
    let mut e = clinic();
    e.portal = portal_reply(511, None, http::Judged::Portal);
    let d = diagnose(&e);
    let c = check(&d, "net.portal");
    assert_eq!(c.status, Status::Warn, "{c:#?}");
    assert!(c.finding.contains("511"), "{}", c.finding);
    assert!(!d.failed());
    assert_eq!(d.headline.cause, Some(Cause::Lan));
    // Without a server to check, nothing shows the traffic gets through.
    e.probes.targets.clear();
    assert_eq!(check(&diagnose(&e), "net.portal").status, Status::Fail);
}

#[test]
fn no_way_to_the_internet_leaves_the_portal_check_not_run() {
    let mut e = clinic();
    for (portal, words) in [
        (
            PortalEvidence::NotResolved {
                url: http::DEFAULT_URL.into(),
                detail: "NXDOMAIN".into(),
            },
            "did not resolve (NXDOMAIN)",
        ),
        (
            PortalEvidence::NoAnswer {
                url: http::DEFAULT_URL.into(),
                address: "198.51.100.7".parse().unwrap(),
                detail: "no answer on port 80 within 5000 ms".into(),
            },
            "did not answer (no answer on port 80",
        ),
        (PortalEvidence::Off, "--portal-url none"),
    ] {
        e.portal = portal;
        let d = diagnose(&e);
        let c = check(&d, "net.portal");
        assert_eq!(c.status, Status::NotRun, "{c:#?}");
        assert!(c.finding.contains(words), "{}", c.finding);
        assert!(
            d.headline.text.starts_with("Everything works"),
            "{}",
            d.headline.text
        );
    }
}

#[test]
fn a_web_filter_is_a_warning_without_a_cause() {
    let mut e = clinic();
    e.portal = portal_reply(403, None, http::Judged::Other);
    let d = diagnose(&e);
    let c = check(&d, "net.portal");
    assert_eq!((c.status, c.cause), (Status::Warn, None), "{c:#?}");
    assert!(c.finding.contains("HTTP 403"), "{}", c.finding);
}
