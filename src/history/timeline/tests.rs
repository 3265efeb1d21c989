use super::*;

const AP1: MacAddr = MacAddr([2, 0, 0, 0, 0, 0]);
const AP6: MacAddr = MacAddr([2, 0, 0, 0, 1, 0]);
const T0: u64 = 1_764_754_000_000_000;

fn fact(iface: &str, kind: FactKind) -> Fact {
    Fact {
        iface: Some(iface.into()),
        kind,
    }
}

fn at(s: f64) -> u64 {
    T0 + (s * 1e6) as u64
}

/// The AP going away under wpa_supplicant, as the recorded journal tells
/// it: the kernel's deauth, the supplicant's disconnect, the join of the
/// other AP (kernel "authenticate with", "associated"; supplicant
/// CONNECTED).
fn ap_goes_away(t: &mut Timeline) {
    t.push(
        at(0.0),
        Origin::Kernel,
        fact("wlan2", FactKind::Connecting { bssid: Some(AP1) }),
        "wlan2: authenticate with 02:00:00:00:00:00",
    );
    t.push(
        at(0.1),
        Origin::Kernel,
        fact(
            "wlan2",
            FactKind::Connected {
                bssid: None,
                ssid: None,
            },
        ),
        "wlan2: associated",
    );
    t.push(
        at(0.2),
        Origin::WpaSupplicant,
        fact(
            "wlan2",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "CTRL-EVENT-CONNECTED",
    );
    t.push(
        at(10.0),
        Origin::Kernel,
        fact(
            "wlan2",
            FactKind::Deauth {
                bssid: Some(AP1),
                reason: 3,
                by: Initiator::Ap,
            },
        ),
        "wlan2: deauthenticated from 02:00:00:00:00:00 (Reason: 3=DEAUTH_LEAVING)",
    );
    t.push(
        at(10.01),
        Origin::WpaSupplicant,
        fact(
            "wlan2",
            FactKind::Disconnected {
                bssid: Some(AP1),
                reason: Some(3),
                by: None,
            },
        ),
        "CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:00:00 reason=3",
    );
    t.push(
        at(12.5),
        Origin::Kernel,
        fact("wlan2", FactKind::Connecting { bssid: Some(AP6) }),
        "wlan2: authenticate with 02:00:00:00:01:00",
    );
    t.push(
        at(12.6),
        Origin::Kernel,
        fact(
            "wlan2",
            FactKind::Connected {
                bssid: None,
                ssid: None,
            },
        ),
        "wlan2: associated",
    );
    t.push(
        at(12.7),
        Origin::WpaSupplicant,
        fact(
            "wlan2",
            FactKind::Connected {
                bssid: Some(AP6),
                ssid: None,
            },
        ),
        "CTRL-EVENT-CONNECTED",
    );
}

#[test]
fn one_event_told_by_the_kernel_and_the_supplicant_is_one() {
    let mut t = Timeline::new();
    ap_goes_away(&mut t);
    let kinds: Vec<_> = t
        .events()
        .iter()
        .map(|e| (&e.kind, e.origins.clone()))
        .collect();
    assert_eq!(kinds.len(), 5, "{kinds:#?}");
    // The kernel's "associated" got its BSSID from "authenticate with".
    assert_eq!(
        t.events()[1].kind,
        FactKind::Connected {
            bssid: Some(AP1),
            ssid: None
        }
    );
    assert_eq!(
        t.events()[1].origins,
        [Origin::Kernel, Origin::WpaSupplicant]
    );
    assert_eq!(
        t.events()[2].kind,
        FactKind::Deauth {
            bssid: Some(AP1),
            reason: 3,
            by: Initiator::Ap
        }
    );
    assert_eq!(
        t.events()[2].origins,
        [Origin::Kernel, Origin::WpaSupplicant]
    );
}

#[test]
fn the_loss_and_the_reconnect_elsewhere_are_a_wifi_episode_and_a_roam_with_its_gap() {
    let mut t = Timeline::new();
    ap_goes_away(&mut t);
    let h = t.finish(vec![]);
    assert_eq!(h.roams.len(), 1);
    assert_eq!(h.roams[0].from, Some(AP1));
    assert_eq!(h.roams[0].to, Some(AP6));
    assert_eq!(h.roams[0].gap_us, 2_600_000);
    assert_eq!(h.episodes.len(), 1, "{:#?}", h.episodes);
    let ep = &h.episodes[0];
    assert_eq!(ep.cause, Cause::Wifi);
    assert_eq!((ep.start_usec, ep.end_usec), (at(10.0), Some(at(12.6))));
    assert!(
        ep.summary
            .contains("deauthenticated by 02:00:00:00:00:00 (reason 3"),
        "{}",
        ep.summary
    );
    assert!(
        ep.summary
            .contains("roamed to 02:00:00:00:01:00 after 2.6 s"),
        "{}",
        ep.summary
    );
    // Counts: one disconnect that day, one roam; per AP.
    assert_eq!(h.days.len(), 1);
    assert_eq!(
        (h.days[0].disconnects, h.days[0].roams, h.days[0].episodes),
        (1, 1, 1)
    );
    assert_eq!(h.days[0].downtime_us, 2_600_000);
    let ap1 = h
        .access_points
        .iter()
        .find(|a| a.bssid == Some(AP1))
        .unwrap();
    assert_eq!(
        (ap1.connects, ap1.disconnects_by_ap, ap1.roams_from),
        (1, 1, 1)
    );
    assert_eq!(ap1.reasons.get(&3), Some(&1));
    // A slow roam (2.6 s > 2 s) is a pattern.
    assert!(
        h.patterns.iter().any(|p| p.pathology == "slow_roam"),
        "{:?}",
        h.patterns
    );
}

#[test]
fn a_loss_without_reconnect_stays_open() {
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    t.push(
        at(5.0),
        Origin::Kernel,
        fact("wlan0", FactKind::BeaconLoss { bssid: Some(AP1) }),
        "Connection to AP lost",
    );
    t.push(
        at(5.1),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Disconnected {
                bssid: Some(AP1),
                reason: Some(4),
                by: Some(Initiator::Local),
            },
        ),
        "",
    );
    let h = t.finish(vec![]);
    assert_eq!(h.episodes.len(), 1);
    assert_eq!(h.episodes[0].end_usec, None);
    assert!(
        h.episodes[0]
            .summary
            .starts_with("the access point stopped being heard (beacon loss)"),
        "{}",
        h.episodes[0].summary
    );
    assert!(
        h.episodes[0]
            .summary
            .ends_with("not reconnected by the end of the logs"),
        "{}",
        h.episodes[0].summary
    );
    assert!(h.roams.is_empty());
}

#[test]
fn a_driver_error_before_the_loss_is_named() {
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    t.push(
        at(4.0),
        Origin::Kernel,
        Fact {
            iface: None,
            kind: FactKind::DriverError {
                driver: "iwlwifi".into(),
                detail: "Microcode SW error detected".into(),
            },
        },
        "",
    );
    t.push(
        at(5.0),
        Origin::Kernel,
        fact(
            "wlan0",
            FactKind::Deauth {
                bssid: Some(AP1),
                reason: 3,
                by: Initiator::Local,
            },
        ),
        "",
    );
    t.push(
        at(9.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    let h = t.finish(vec![]);
    assert_eq!(h.episodes.len(), 1);
    assert!(
        h.episodes[0]
            .summary
            .contains("iwlwifi: Microcode SW error detected"),
        "{}",
        h.episodes[0].summary
    );
    assert!(
        h.episodes[0].summary.contains("reconnected after 4.0 s"),
        "{}",
        h.episodes[0].summary
    );
    assert!(h.roams.is_empty(), "a reconnect to the same AP is no roam");
}

#[test]
fn connectivity_lost_while_associated_is_unknown_with_what_is_missing() {
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    t.push(
        at(30.0),
        Origin::NetworkManager,
        fact(
            "wlan0",
            FactKind::Connectivity {
                state: Connectivity::Limited,
            },
        ),
        "",
    );
    t.push(
        at(90.0),
        Origin::NetworkManager,
        fact(
            "wlan0",
            FactKind::Connectivity {
                state: Connectivity::Full,
            },
        ),
        "",
    );
    let h = t.finish(vec![]);
    assert_eq!(h.episodes.len(), 1);
    let ep = &h.episodes[0];
    assert_eq!(ep.cause, Cause::Unknown);
    assert_eq!((ep.start_usec, ep.end_usec), (at(30.0), Some(at(90.0))));
    assert!(ep.missing[0].contains("watch --log"), "{:?}", ep.missing);
}

#[test]
fn rejections_and_dhcp_are_episodes_of_their_own() {
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::AssocRejected {
                bssid: Some(AP1),
                status: 17,
            },
        ),
        "",
    );
    t.push(
        at(20.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::WrongKey {
                ssid: Some("clinic".into()),
            },
        ),
        "",
    );
    t.push(
        at(40.0),
        Origin::NetworkManager,
        fact(
            "wlan0",
            FactKind::DhcpFailed {
                detail: "request timed out".into(),
            },
        ),
        "",
    );
    let h = t.finish(vec![]);
    let causes: Vec<_> = h.episodes.iter().map(|e| e.cause).collect();
    assert_eq!(causes, [Cause::Wifi, Cause::Wifi, Cause::Lan]);
    assert!(
        h.episodes[0]
            .summary
            .contains("refused association (status 17"),
        "{}",
        h.episodes[0].summary
    );
    assert!(h.episodes[1].summary.contains("wrong passphrase"));
    assert_eq!(h.days[0].failed_joins, 2);
}

#[test]
fn ping_pong_and_repeated_disconnects_over_the_period() {
    let mut t = Timeline::new();
    let mut s = 0.0;
    for ap in [AP1, AP6, AP1, AP6] {
        t.push(
            at(s),
            Origin::WpaSupplicant,
            fact(
                "wlan0",
                FactKind::Connected {
                    bssid: Some(ap),
                    ssid: None,
                },
            ),
            "",
        );
        t.push(
            at(s + 5.0),
            Origin::WpaSupplicant,
            fact(
                "wlan0",
                FactKind::Disconnected {
                    bssid: Some(ap),
                    reason: Some(4),
                    by: Some(Initiator::Ap),
                },
            ),
            "",
        );
        s += 6.0;
    }
    let h = t.finish(vec![]);
    let names: Vec<_> = h.patterns.iter().map(|p| p.pathology).collect();
    assert!(names.contains(&"ping_pong"), "{names:?}");
    assert!(names.contains(&"repeated_disconnects"), "{names:?}");
}

#[test]
fn network_managers_ip_config_failure_is_a_dhcp_outage() {
    // NetworkManager 1.42 (nm-device.c): "state change: ip-config -> failed
    // (reason 'ip-config-unavailable', ...)" is all it logs at info level.
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::NetworkManager,
        fact(
            "wlan0",
            FactKind::DeviceState {
                from: "ip-config".into(),
                to: "failed".into(),
                reason: Some("ip-config-unavailable".into()),
            },
        ),
        "",
    );
    let h = t.finish(vec![]);
    assert_eq!(h.episodes.len(), 1);
    assert_eq!(h.episodes[0].cause, Cause::Lan);
    assert!(h.episodes[0].summary.contains("no DHCP lease"));
}

fn watch_outage(start: f64, end: f64, cause: Cause, summary: &str) -> Episode {
    Episode {
        start_usec: at(start),
        end_usec: Some(at(end)),
        cause,
        iface: Some("wlan0".into()),
        summary: summary.into(),
        evidence: vec![],
        missing: vec![],
        from_watch_log: true,
    }
}

#[test]
fn watch_outages_give_unknown_episodes_their_verdict_and_never_count_twice() {
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    t.push(
        at(30.0),
        Origin::NetworkManager,
        fact(
            "wlan0",
            FactKind::Connectivity {
                state: Connectivity::Limited,
            },
        ),
        "",
    );
    t.push(
        at(90.0),
        Origin::NetworkManager,
        fact(
            "wlan0",
            FactKind::Connectivity {
                state: Connectivity::Full,
            },
        ),
        "",
    );
    t.push(
        at(200.0),
        Origin::Kernel,
        fact(
            "wlan0",
            FactKind::Deauth {
                bssid: Some(AP1),
                reason: 3,
                by: Initiator::Ap,
            },
        ),
        "",
    );
    t.push(
        at(203.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP6),
                ssid: None,
            },
        ),
        "",
    );
    let h = t.finish(vec![
        // The gateway did not answer while NetworkManager saw limited connectivity.
        watch_outage(
            25.0,
            85.0,
            Cause::Lan,
            "10.77.0.1: the gateway did not answer",
        ),
        // The same Wi-Fi outage as the deauth.
        watch_outage(
            200.2,
            203.5,
            Cause::Wifi,
            "10.77.1.10:8443: association lost",
        ),
        // One the system logs have nothing of.
        watch_outage(300.0, 310.0, Cause::Server, "10.77.1.10:8443: refused"),
    ]);
    let causes: Vec<_> = h
        .episodes
        .iter()
        .map(|e| (e.cause, e.from_watch_log))
        .collect();
    assert_eq!(
        causes,
        [
            (Cause::Lan, false),
            (Cause::Wifi, false),
            (Cause::Server, true)
        ]
    );
    assert!(h.episodes[0].missing.is_empty());
    assert!(
        h.episodes[0]
            .summary
            .contains("watch's probes: 10.77.0.1: the gateway did not answer (lan)"),
        "{}",
        h.episodes[0].summary
    );
    assert!(
        h.episodes[1].summary.contains("reason 3"),
        "{}",
        h.episodes[1].summary
    );
    assert!(
        h.episodes[1].summary.contains("association lost (wifi)"),
        "{}",
        h.episodes[1].summary
    );
}

#[test]
fn leaving_on_purpose_is_no_outage_unless_something_failed_first() {
    // The connection manager stopping (the recorded journals' last lines):
    // "deauthenticating from ... by local choice (Reason: 3=DEAUTH_LEAVING)".
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    t.push(
        at(5.0),
        Origin::Kernel,
        fact(
            "wlan0",
            FactKind::Deauth {
                bssid: Some(AP1),
                reason: 3,
                by: Initiator::Local,
            },
        ),
        "",
    );
    t.push(
        at(6.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    t.push(
        at(8.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Disconnected {
                bssid: Some(AP1),
                reason: Some(8),
                by: Some(Initiator::Local),
            },
        ),
        "",
    );
    let h = t.finish(vec![]);
    assert!(h.episodes.is_empty(), "{:#?}", h.episodes);
    assert_eq!(h.days[0].disconnects, 0);
    assert!(h.patterns.is_empty());
    // The same leave after beacon loss is the Wi-Fi failing.
    let mut t = Timeline::new();
    t.push(
        at(1.0),
        Origin::WpaSupplicant,
        fact(
            "wlan0",
            FactKind::Connected {
                bssid: Some(AP1),
                ssid: None,
            },
        ),
        "",
    );
    t.push(
        at(4.0),
        Origin::Kernel,
        fact("wlan0", FactKind::BeaconLoss { bssid: Some(AP1) }),
        "",
    );
    t.push(
        at(5.0),
        Origin::Kernel,
        fact(
            "wlan0",
            FactKind::Deauth {
                bssid: Some(AP1),
                reason: 3,
                by: Initiator::Local,
            },
        ),
        "",
    );
    let h = t.finish(vec![]);
    assert_eq!(h.episodes.len(), 1);
}

/// A reconnect to another access point after longer than a roam may take
/// is not told as a roam in the episode either (roams[] and the summary
/// agree).
#[test]
fn a_late_reconnect_elsewhere_is_no_roam_in_the_summary_either() {
    let mut t = Timeline::new();
    let connected = |b| FactKind::Connected {
        bssid: Some(b),
        ssid: None,
    };
    t.push(
        at(0.0),
        Origin::WpaSupplicant,
        fact("wlan2", connected(AP1)),
        "CONNECTED",
    );
    t.push(
        at(10.0),
        Origin::Kernel,
        fact(
            "wlan2",
            FactKind::Deauth {
                bssid: Some(AP1),
                reason: 3,
                by: Initiator::Ap,
            },
        ),
        "deauthenticated",
    );
    t.push(
        at(30.7),
        Origin::WpaSupplicant,
        fact("wlan2", connected(AP6)),
        "CONNECTED",
    );
    let h = t.finish(vec![]);
    assert!(h.roams.is_empty(), "{:?}", h.roams);
    assert_eq!(h.episodes.len(), 1);
    let s = &h.episodes[0].summary;
    assert!(!s.contains("roamed"), "{s}");
    assert!(
        s.contains("reconnected to another access point, 02:00:00:00:01:00, after 20.7 s"),
        "{s}"
    );
}
