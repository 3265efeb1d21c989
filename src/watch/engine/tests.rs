//! The engine driven by scripted sequences: no kernel, no socket, no clock.
//! Times are ms from an arbitrary origin; probes every second, as
//! `watch --interval 1s` does.

use super::*;
use crate::model::Dbm;
use crate::watch::event::Cause;
use crate::watch::probe::ProbeMethod;

const IF: u32 = 3;
const AP1: MacAddr = MacAddr([2, 0, 0, 0, 0, 0]);
const AP2: MacAddr = MacAddr([2, 0, 0, 0, 1, 0]);
const SERVER: &str = "10.77.1.10:8443";
const GW: &str = "10.77.0.1";

struct Script {
    engine: Engine,
    published: Vec<Record>,
}

impl Script {
    fn new() -> Script {
        Script::with(EngineConfig {
            iface: "wlan1".into(),
            targets: vec![SERVER.into()],
            interval_ms: 1000,
            sample_every_ms: 0,
            thresholds: Thresholds::default(),
            patterns: PathologyThresholds::default(),
            host: Some("laptop-7".into()),
            site: Some("north".into()),
        })
    }

    fn with(config: EngineConfig) -> Script {
        let view = InterfaceView {
            ifindex: Some(IF),
            phy: Some(0),
            freq: Some(Mhz(2412)),
            ssid: Some("clinic".into()),
        };
        let mut s = Script {
            engine: Engine::new(config, view, Some(GW.parse().unwrap())),
            published: Vec::new(),
        };
        s.engine.start(Millis(0), Some(AP1), &mut s.published);
        s
    }

    fn feed(&mut self, input: Input) -> &mut Script {
        self.engine.handle(input, &mut self.published);
        self
    }

    fn kernel(&mut self, ms: u64, e: KernelEvent) -> &mut Script {
        self.feed(Input::Kernel(Millis(ms), e))
    }

    /// A connect as the edge delivers it: the interface's channel first.
    fn connect(&mut self, ms: u64, bssid: MacAddr, freq: u32) -> &mut Script {
        self.feed(Input::Interface(
            Millis(ms),
            InterfaceView {
                ifindex: Some(IF),
                phy: Some(0),
                freq: Some(Mhz(freq)),
                ssid: Some("clinic".into()),
            },
        ));
        self.kernel(
            ms,
            KernelEvent::Connect {
                ifindex: IF,
                bssid: Some(bssid),
                status: 0,
            },
        )
    }

    fn disconnect(&mut self, ms: u64, by_ap: bool) -> &mut Script {
        self.kernel(
            ms,
            KernelEvent::Disconnect {
                ifindex: IF,
                reason: 3,
                by_ap,
            },
        )
    }

    fn probe(
        &mut self,
        ms: u64,
        role: ProbeRole,
        target: &str,
        outcome: ProbeOutcome,
    ) -> &mut Script {
        let result = ProbeResult {
            method: match role {
                ProbeRole::Gateway => ProbeMethod::IcmpRaw,
                ProbeRole::Dns => ProbeMethod::Dns,
                ProbeRole::Target => ProbeMethod::Tcp,
            },
            outcome,
            rtt_ms: (outcome == ProbeOutcome::Ok).then_some(1.5),
            detail: match outcome {
                ProbeOutcome::Refused => Some("connection refused".into()),
                ProbeOutcome::NotPermitted => Some("no ICMP socket: needs CAP_NET_RAW".into()),
                ProbeOutcome::Failed => Some("NXDOMAIN".into()),
                _ => None,
            },
        };
        self.feed(Input::Probe(Millis(ms), role, target.into(), result))
    }

    /// One probe round: the gateway, then the target.
    fn round(&mut self, ms: u64, gateway: ProbeOutcome, target: ProbeOutcome) -> &mut Script {
        self.probe(ms, ProbeRole::Gateway, GW, gateway).probe(
            ms + 5,
            ProbeRole::Target,
            SERVER,
            target,
        )
    }

    fn sample(&mut self, ms: u64, bssid: MacAddr, signal: i32) -> &mut Script {
        let st = StationInfo {
            bssid: Some(bssid),
            signal: Some(Dbm(signal)),
            tx_packets: Some(100 + ms as u32),
            tx_retries: Some(1),
            tx_failed: Some(0),
            beacon_loss: Some(0),
            ..StationInfo::default()
        };
        self.feed(Input::Sample(Millis(ms), Some(st)))
    }

    fn kinds(&self, name: &str) -> Vec<&Kind> {
        self.published
            .iter()
            .map(|r| &r.kind)
            .filter(|k| k.name() == name)
            .collect()
    }

    /// The server's outages (the gateway's own are tracked too).
    fn outages(&self) -> Vec<(Cause, String)> {
        self.kinds("outage")
            .into_iter()
            .filter_map(|k| match k {
                Kind::Outage {
                    cause,
                    summary,
                    target,
                    ..
                } => (target == SERVER).then(|| (*cause, summary.clone())),
                _ => unreachable!(),
            })
            .collect()
    }
}

use ProbeOutcome::{NotPermitted, Ok as Up, Refused, Timeout};

#[test]
fn start_record_names_the_host_targets_and_gateway() {
    let s = Script::new();
    let Kind::Start {
        hostname,
        targets,
        gateway,
        ..
    } = &s.published[0].kind
    else {
        panic!("{:?}", s.published)
    };
    assert_eq!(hostname.as_deref(), Some("laptop-7"));
    assert_eq!(targets, &[SERVER.to_string()]);
    assert_eq!(gateway.map(|g| g.to_string()).as_deref(), Some(GW));
}

#[test]
fn a_refusing_server_behind_a_healthy_gateway_is_server() {
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, Up, Up);
    for t in [2_000, 3_000, 4_000] {
        s.round(t, Up, Refused);
    }
    s.round(5_000, Up, Up);
    let outages = s.outages();
    assert_eq!(outages.len(), 1, "{:?}", s.published);
    assert_eq!(outages[0].0, Cause::Server);
    assert!(
        outages[0].1.contains("refused the connection"),
        "{}",
        outages[0].1
    );
    assert_eq!(s.engine.outages(), 1);
}

#[test]
fn a_silent_gateway_with_a_healthy_link_is_lan() {
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, Up, Up);
    for t in [2_000, 3_000, 4_000] {
        s.sample(t - 100, AP1, -50).round(t, Timeout, Timeout);
    }
    s.round(5_000, Up, Up);
    assert_eq!(s.outages()[0].0, Cause::Lan, "{:?}", s.outages());
}

#[test]
fn a_weak_link_with_a_silent_gateway_is_wifi_degraded() {
    let mut s = Script::new();
    s.sample(500, AP1, -85).round(1_000, Up, Up);
    for t in [2_000, 3_000, 4_000] {
        s.sample(t - 100, AP1, -86).round(t, Timeout, Timeout);
    }
    s.round(5_000, Up, Up);
    assert_eq!(s.outages()[0].0, Cause::WifiDegraded, "{:?}", s.outages());
}

#[test]
fn a_name_that_does_not_resolve_is_dns() {
    let mut s = Script::new();
    s.round(1_000, Up, Up);
    for t in [2_000, 3_000, 4_000] {
        s.probe(t, ProbeRole::Gateway, GW, Up)
            .probe(t + 2, ProbeRole::Dns, SERVER, ProbeOutcome::Failed)
            .probe(t + 5, ProbeRole::Target, SERVER, ProbeOutcome::Failed);
    }
    s.round(5_000, Up, Up);
    assert_eq!(s.outages()[0].0, Cause::Dns, "{:?}", s.outages());
}

#[test]
fn a_deauth_and_a_reconnect_elsewhere_is_wifi_with_a_roam_and_its_gap() {
    let mut s = Script::new();
    s.sample(500, AP1, -60).round(1_000, Up, Up);
    s.kernel(
        1_400,
        KernelEvent::MgmtFrame {
            ifindex: IF,
            deauth: true,
            bssid: Some(AP1),
            reason: 3,
            from_ap: true,
        },
    )
    .disconnect(1_410, true);
    s.round(2_000, Timeout, Timeout)
        .round(3_000, Timeout, Timeout);
    s.connect(3_500, AP2, 2437);
    s.round(4_000, Up, Up).sample(4_010, AP2, -50);
    let outages = s.outages();
    assert_eq!(outages.len(), 1);
    assert_eq!(outages[0].0, Cause::Wifi);
    assert!(outages[0].1.contains("deauthenticated"), "{}", outages[0].1);
    let roams = s.kinds("roamed");
    let Some(Kind::Roamed {
        from_bssid,
        to_bssid,
        from_channel,
        to_channel,
        signal_before_dbm,
        gap_ms,
        ..
    }) = roams.first()
    else {
        panic!("no roam in {:?}", s.published)
    };
    assert_eq!((*from_bssid, *to_bssid), (Some(AP1), Some(AP2)));
    assert_eq!((*from_channel, *to_channel), (Some(1), Some(6)));
    assert_eq!((*signal_before_dbm, *gap_ms), (Some(-60), 3_500 - 1_400));
}

#[test]
fn a_roam_carries_the_signal_of_the_first_sample_on_the_new_access_point() {
    // The roam is known at the connect, the new link's signal only at the
    // next sample: the `roamed` record waits for that sample.
    let mut s = Script::new();
    s.sample(500, AP1, -78).round(1_000, Up, Up);
    s.disconnect(1_400, false);
    s.connect(1_600, AP2, 2437);
    s.sample(1_700, AP2, -47);
    let roams = s.kinds("roamed");
    let Some(Kind::Roamed {
        from_bssid,
        to_bssid,
        signal_before_dbm,
        signal_after_dbm,
        gap_ms,
        ..
    }) = roams.first()
    else {
        panic!("no roam in {:?}", s.published)
    };
    assert_eq!((*from_bssid, *to_bssid), (Some(AP1), Some(AP2)));
    assert_eq!(
        (*signal_before_dbm, *signal_after_dbm),
        (Some(-78), Some(-47))
    );
    assert_eq!(*gap_ms, 200);
}

#[test]
fn a_fast_roam_carries_the_signal_of_the_first_sample_on_the_new_access_point() {
    let mut s = Script::new();
    s.sample(500, AP1, -76);
    s.kernel(
        900,
        KernelEvent::Roam {
            ifindex: IF,
            bssid: Some(AP2),
            freq: Some(Mhz(2437)),
        },
    );
    // The link's channel follows the roam at once, before any sample.
    s.sample(1_000, AP2, -52);
    let roams = s.kinds("roamed");
    assert!(
        matches!(
            roams.first(),
            Some(Kind::Roamed {
                to_bssid: Some(AP2),
                to_channel: Some(6),
                signal_before_dbm: Some(-76),
                signal_after_dbm: Some(-52),
                gap_ms: 0,
                ..
            })
        ),
        "{:?}",
        s.published
    );
    assert!(s.published.iter().any(|r| matches!(
        r.kind,
        Kind::Sample {
            channel: Some(6),
            ..
        }
    )));
}

#[test]
fn a_roam_without_a_later_sample_is_published_when_the_watch_stops() {
    let mut s = Script::new();
    s.sample(500, AP1, -70);
    s.disconnect(1_400, false);
    s.connect(1_600, AP2, 2437);
    assert!(s.kinds("roamed").is_empty(), "waits for a sample on AP2");
    s.engine.finish(Millis(1_650), "--for", &mut s.published);
    let names: Vec<&str> = s.published.iter().map(|r| r.kind.name()).collect();
    assert_eq!(&names[names.len() - 2..], ["roamed", "stop"]);
    assert!(matches!(
        s.kinds("roamed")[0],
        Kind::Roamed {
            signal_before_dbm: Some(-70),
            signal_after_dbm: None,
            ..
        }
    ));
}

#[test]
fn no_gateway_measurement_is_unknown() {
    let mut s = Script::new();
    // The default route went away: no gateway to probe.
    s.kernel(
        500,
        KernelEvent::DefaultRoute {
            ifindex: Some(IF),
            gateway: Some(GW.parse().unwrap()),
            metric: None,
            added: false,
        },
    );
    assert_eq!(s.engine.gateway(), None);
    for t in [1_000, 2_000, 3_000] {
        s.probe(t, ProbeRole::Target, SERVER, Timeout);
    }
    s.probe(4_000, ProbeRole::Target, SERVER, Up);
    assert_eq!(s.outages()[0].0, Cause::Unknown);
}

/// Issue 9 item 1: an unprivileged watch cannot send ICMP; those failed
/// sends are not measurements of the gateway.
#[test]
fn a_gateway_probe_that_could_not_be_sent_does_not_make_it_lan() {
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, NotPermitted, Up);
    for t in [2_000, 3_000, 4_000] {
        s.sample(t - 100, AP1, -50).round(t, NotPermitted, Refused);
    }
    s.round(5_000, NotPermitted, Up);
    let outages = s.outages();
    assert_eq!(outages[0].0, Cause::Server, "{outages:?}");
    assert!(
        outages[0].1.contains("could not be probed"),
        "{}",
        outages[0].1
    );
    assert!(
        !outages[0].1.contains("did not answer either"),
        "{}",
        outages[0].1
    );

    // A timeout, with no gateway measurement at all, cannot be placed.
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, NotPermitted, Up);
    for t in [2_000, 3_000, 4_000] {
        s.sample(t - 100, AP1, -50).round(t, NotPermitted, Timeout);
    }
    s.round(5_000, NotPermitted, Up);
    let outages = s.outages();
    assert_eq!(outages[0].0, Cause::Unknown, "{outages:?}");
    assert!(
        outages[0].1.contains("could not be probed"),
        "{}",
        outages[0].1
    );
}

#[test]
fn an_outage_still_open_at_the_end_is_closed_then() {
    let mut s = Script::new();
    s.round(1_000, Up, Up)
        .round(2_000, Up, Refused)
        .round(3_000, Up, Refused);
    s.engine.finish(Millis(3_500), "signal", &mut s.published);
    assert_eq!(s.outages().len(), 1);
    let Some(Kind::Stop { reason, outages }) = s.kinds("stop").first().copied() else {
        panic!()
    };
    assert_eq!((reason.as_str(), *outages), ("signal", 1));
}

#[test]
fn probes_are_published_on_a_change_and_samples_every_sample_every() {
    let mut s = Script::with(EngineConfig {
        sample_every_ms: 60_000,
        ..Script::new().engine.config
    });
    for t in (1_000..=5_000).step_by(1_000) {
        s.sample(t - 100, AP1, -50).round(t, Up, Up);
    }
    s.round(6_000, Up, Refused)
        .round(7_000, Up, Refused)
        .round(8_000, Up, Up);
    s.sample(61_000, AP1, -50);
    // gateway ok once; target ok, failed, ok
    assert_eq!(s.kinds("probe").len(), 4, "{:?}", s.kinds("probe"));
    assert_eq!(s.kinds("sample").len(), 2);
}

/// Issue 14 (metrics): a sink that reports the current state sees every
/// sample and probe result, also those the log leaves out, exactly once,
/// and only when it asked.
#[test]
fn unpublished_samples_and_probes_are_kept_only_when_asked() {
    let config = EngineConfig {
        sample_every_ms: 60_000,
        ..Script::new().engine.config
    };
    let mut quiet = Script::with(config.clone());
    quiet.sample(900, AP1, -50).sample(1_900, AP1, -50);
    let mut none = Vec::new();
    quiet.engine.take_unpublished(&mut none);
    assert!(none.is_empty(), "{none:?}");

    let mut s = Script::with(config);
    s.engine.keep_unpublished();
    for t in (1_000..=3_000).step_by(1_000) {
        s.sample(t - 100, AP1, -50).round(t, Up, Up);
    }
    let mut kept = Vec::new();
    s.engine.take_unpublished(&mut kept);
    let names: Vec<_> = kept.iter().map(|r| r.kind.name()).collect();
    // The first sample and each probe's first result were published.
    assert_eq!(
        names,
        ["sample", "probe", "probe", "sample", "probe", "probe"]
    );
    assert!(kept
        .iter()
        .all(|r| !s.published.contains(r) && r.iface.as_deref() == Some("wlan1")));
    let mut again = Vec::new();
    s.engine.take_unpublished(&mut again);
    assert!(again.is_empty(), "{again:?}");
}

/// Issue 9 item 12: samples carry the channel the laptop is on.
#[test]
fn samples_carry_the_current_channel() {
    let mut s = Script::new();
    s.sample(1_000, AP1, -50);
    s.disconnect(2_000, true)
        .connect(2_100, AP2, 5180)
        .sample(3_000, AP2, -55);
    let channels: Vec<Option<u16>> = s
        .kinds("sample")
        .iter()
        .map(|k| match k {
            Kind::Sample { channel, .. } => *channel,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(channels, [Some(1), Some(36)]);
}

#[test]
fn the_interface_going_and_coming_back() {
    let mut s = Script::new();
    s.kernel(
        1_000,
        KernelEvent::InterfaceDel {
            ifindex: Some(IF),
            name: Some("wlan1".into()),
        },
    );
    assert_eq!(s.engine.ifindex(), None);
    // No samples of an interface that is not there.
    s.sample(1_500, AP1, -50);
    assert!(s.kinds("sample").is_empty());
    s.feed(Input::Interface(
        Millis(2_000),
        InterfaceView {
            ifindex: Some(7),
            phy: Some(1),
            freq: None,
            ssid: None,
        },
    ))
    .kernel(
        2_000,
        KernelEvent::InterfaceNew {
            ifindex: Some(7),
            name: Some("wlan1".into()),
        },
    );
    assert_eq!((s.engine.ifindex(), s.engine.phy()), (Some(7), Some(1)));
    assert_eq!(s.kinds("interface_removed").len(), 1);
    assert_eq!(s.kinds("interface_added").len(), 1);
}

#[test]
fn events_of_other_interfaces_are_ignored() {
    let mut s = Script::new();
    s.kernel(
        1_000,
        KernelEvent::Disconnect {
            ifindex: IF + 1,
            reason: 3,
            by_ap: true,
        },
    );
    assert!(s.kinds("disconnected").is_empty());
}

#[test]
fn the_default_route_moves_the_gateway() {
    let mut s = Script::new();
    s.kernel(
        1_000,
        KernelEvent::DefaultRoute {
            ifindex: Some(IF),
            gateway: Some("10.77.0.254".parse().unwrap()),
            metric: None,
            added: true,
        },
    );
    assert_eq!(
        s.engine.gateway().map(|g| g.to_string()).as_deref(),
        Some("10.77.0.254")
    );
    // Removing a route that is not ours changes nothing.
    s.kernel(
        2_000,
        KernelEvent::DefaultRoute {
            ifindex: Some(IF),
            gateway: Some("10.99.0.1".parse().unwrap()),
            metric: None,
            added: false,
        },
    );
    assert_eq!(
        s.engine.gateway().map(|g| g.to_string()).as_deref(),
        Some("10.77.0.254")
    );
}

/// Seen in the lab under NetworkManager (tests/lab/scenarios/stack-nm):
/// when it reconnects it first adds the default route with a penalised
/// metric (20600: connectivity not yet checked), then the real one (600)
/// via the same gateway, then deletes the penalised one. The deletion took
/// the gateway away: watch stopped probing it and its outage stayed open
/// until the end of the watch, although the route was there.
#[test]
fn a_second_route_via_the_same_gateway_keeps_it_when_the_first_goes() {
    let gw: IpAddr = GW.parse().unwrap();
    let route = |metric: u32, added: bool| KernelEvent::DefaultRoute {
        ifindex: Some(IF),
        gateway: Some(gw),
        metric: Some(metric),
        added,
    };
    let mut s = Script::new();
    // Deactivated: NetworkManager removes the route the watch started with.
    s.kernel(1_000, route(600, false));
    assert_eq!(s.engine.gateway(), None);
    s.kernel(4_000, route(20_600, true));
    s.kernel(4_010, route(600, true));
    s.kernel(4_020, route(20_600, false));
    assert_eq!(s.engine.gateway(), Some(gw));
    let routes: Vec<Option<IpAddr>> = s
        .published
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::DefaultRoute { gateway } => Some(*gateway),
            _ => None,
        })
        .collect();
    assert_eq!(routes, vec![None, Some(gw)], "{:?}", s.published);
    // The last route going is the gateway going.
    s.kernel(5_000, route(600, false));
    assert_eq!(s.engine.gateway(), None);
}

#[test]
fn ping_pong_and_repeated_disconnects_are_found() {
    let mut s = Script::new();
    for (i, (ap, f)) in [(AP2, 2437), (AP1, 2412), (AP2, 2437), (AP1, 2412)]
        .into_iter()
        .enumerate()
    {
        let t = 1_000 + i as u64 * 10_000;
        s.disconnect(t, true).connect(t + 300, ap, f);
    }
    s.feed(Input::Tick(Millis(45_000)));
    let found: Vec<String> = s
        .kinds("pathology")
        .iter()
        .map(|k| match k {
            Kind::Pathology { pathology, .. } => pathology.to_string(),
            _ => unreachable!(),
        })
        .collect();
    assert!(found.contains(&"ping_pong".to_string()), "{found:?}");
    assert!(
        found.contains(&"repeated_disconnects".to_string()),
        "{found:?}"
    );
    // Reported once, not on every tick.
    let n = found.len();
    s.feed(Input::Tick(Millis(46_000)));
    assert_eq!(s.kinds("pathology").len(), n);
}

#[test]
fn a_slow_roam_is_found() {
    let mut s = Script::new();
    s.disconnect(1_000, true).connect(6_000, AP2, 2437);
    s.sample(6_500, AP2, -50);
    s.feed(Input::Tick(Millis(7_000)));
    let kinds = s.kinds("pathology");
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, Kind::Pathology { pathology, .. } if pathology == "slow_roam")),
        "{kinds:?}"
    );
}

#[test]
fn a_sticky_client_is_found_from_samples_and_the_scan_cache() {
    let mut s = Script::new();
    for t in (0..=40_000).step_by(1_000) {
        s.sample(t, AP1, -82);
    }
    s.feed(Input::Scan(
        Millis(40_000),
        vec![
            (AP1, Some("clinic".into()), -82),
            (AP2, Some("clinic".into()), -55),
        ],
    ));
    s.feed(Input::Tick(Millis(40_500)));
    let kinds = s.kinds("pathology");
    assert!(
        kinds.iter().any(
            |k| matches!(k, Kind::Pathology { pathology, .. } if pathology == "sticky_client")
        ),
        "{kinds:?}"
    );
}

/// Issue 9 item 15: a sleep is a `suspended` interval, not an outage, not
/// a roam gap.
#[test]
fn a_sleep_is_not_an_outage_nor_a_roam_gap() {
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, Up, Up);
    // Lid closed: the kernel disconnects, the watch stops seeing anything.
    s.disconnect(1_500, false);
    // Lid opened ten minutes later.
    s.feed(Input::Suspended {
        since: Millis(1_600),
        until: Millis(601_600),
    });
    // Reassociating takes a few seconds: the first probes fail.
    s.round(602_000, Timeout, Timeout)
        .round(603_000, Timeout, Timeout)
        .round(604_000, Timeout, Timeout);
    s.connect(604_500, AP2, 2437);
    s.round(605_000, Up, Up);
    assert!(s.outages().is_empty(), "{:?}", s.outages());
    assert!(s.kinds("roamed").is_empty(), "{:?}", s.kinds("roamed"));
    let Some(Kind::Suspended { since, duration_ms }) = s.kinds("suspended").first().copied() else {
        panic!("{:?}", s.published)
    };
    assert_eq!((*since, *duration_ms), (Millis(1_600), 600_000));
    // After the resume, outages count again.
    s.round(606_000, Up, Refused)
        .round(607_000, Up, Refused)
        .round(608_000, Up, Up);
    assert_eq!(s.outages().len(), 1);
}

/// The order a real suspend delivers (seen in the lab's console: cfg80211's
/// `wiphy_suspend`, which leaves every network when no WoWLAN is set, runs
/// during the device suspend, after user space is frozen): the watch reads
/// the sleep's deauth and disconnect only after the wake, stamped then, and
/// may notice the clocks first. That loss belongs to the sleep: the
/// reassociation after it, to another access point here, is not a roam.
#[test]
fn the_sleeps_disconnect_read_after_the_wake_is_not_a_roam() {
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, Up, Up);
    s.feed(Input::Suspended {
        since: Millis(1_600),
        until: Millis(31_600),
    });
    s.kernel(
        31_610,
        KernelEvent::MgmtFrame {
            ifindex: IF,
            deauth: true,
            bssid: Some(AP1),
            reason: 3,
            from_ap: false,
        },
    )
    .disconnect(31_611, false);
    s.round(32_000, Timeout, Timeout)
        .round(33_000, Timeout, Timeout);
    s.connect(34_500, AP2, 2437);
    s.round(35_000, Up, Up).sample(35_010, AP2, -50);
    assert!(s.kinds("roamed").is_empty(), "{:?}", s.kinds("roamed"));
    assert!(s.outages().is_empty(), "{:?}", s.outages());
    assert_eq!(s.kinds("suspended").len(), 1);
    // The loss itself stays on the record, and once the laptop is back a
    // loss is the start of a roam again.
    assert_eq!(s.kinds("disconnected").len(), 1);
    s.disconnect(40_000, true).connect(41_000, AP1, 2412);
    s.sample(41_500, AP1, -50);
    assert_eq!(s.kinds("roamed").len(), 1, "{:?}", s.published);
}

/// With WoWLAN the association survives the sleep: once a probe answered
/// after the wake, a loss is a real one again and the reconnection
/// elsewhere is a roam.
#[test]
fn a_loss_after_the_laptop_is_back_is_a_roam_again() {
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, Up, Up);
    s.feed(Input::Suspended {
        since: Millis(1_600),
        until: Millis(31_600),
    });
    s.round(32_000, Up, Up);
    s.disconnect(33_000, true).connect(34_000, AP2, 2437);
    s.sample(34_500, AP2, -50);
    assert_eq!(s.kinds("roamed").len(), 1, "{:?}", s.published);
}

#[test]
fn an_outage_open_when_the_laptop_slept_ends_where_the_sleep_began() {
    let mut s = Script::new();
    s.round(1_000, Up, Refused).round(2_000, Up, Refused);
    s.feed(Input::Suspended {
        since: Millis(2_500),
        until: Millis(60_000),
    });
    let outages = s.kinds("outage");
    let Some(Kind::Outage {
        end, duration_ms, ..
    }) = outages.first().copied()
    else {
        panic!("{:?}", s.published)
    };
    assert_eq!((*end, *duration_ms), (Millis(2_500), 1_495));
}

#[test]
fn a_clock_step_is_recorded_and_changes_nothing_else() {
    let mut s = Script::new();
    s.round(1_000, Up, Up);
    s.feed(Input::ClockStep(Millis(1_500), 3_600_000));
    s.round(2_000, Up, Up);
    assert_eq!(s.kinds("clock_step").len(), 1);
    assert!(s.outages().is_empty());
    assert!(!s.engine.has_open_outage());
}

#[test]
fn the_status_line_is_terminal_safe() {
    let mut s = Script::new();
    s.sample(500, AP1, -50);
    s.probe(1_000, ProbeRole::Target, "evil\x1b]0;x\x07", Up);
    let text = s.engine.status_text();
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.contains("wlan1 02:00:00:00:00:00 -50 dBm"), "{text}");
}

/// A probe result queued just before the laptop froze is handled after the
/// sleep was noticed: its success, stamped before the wake, must not end
/// the grace, or the failures of the reassociation become an outage.
#[test]
fn a_success_from_before_the_sleep_does_not_end_the_grace() {
    let mut s = Script::new();
    s.sample(500, AP1, -50).round(1_000, Up, Up);
    s.feed(Input::Suspended {
        since: Millis(1_600),
        until: Millis(601_600),
    });
    // Queued before the freeze, read after the wake.
    s.round(1_500, Up, Up);
    s.round(602_000, Timeout, Timeout)
        .round(603_000, Timeout, Timeout)
        .round(604_000, Timeout, Timeout);
    s.connect(604_500, AP1, 2412);
    s.round(605_000, Up, Up);
    assert!(s.outages().is_empty(), "{:?}", s.outages());
}

/// Issue 15: a `--scan-every` scan becomes one `scan` record, stamped with
/// the interface; the timeline the verdicts read does not keep it.
#[test]
fn a_scan_to_record_is_published_as_a_scan_record() {
    let mut s = Script::new();
    let heard = vec![crate::watch::event::ScanHeard {
        bssid: AP2,
        ssid: Some("Cafe".into()),
        freq_mhz: Mhz(2412),
        channel: Some(1),
        width_mhz: 20,
        center_freq_mhz: Mhz(2412),
        center_freq2_mhz: None,
        signal_dbm: Some(-60),
        utilization_pct: None,
        associated: false,
    }];
    s.feed(Input::ScanRecord(Millis(5_000), true, heard.clone()));
    let scans = s.kinds("scan");
    assert_eq!(
        scans,
        vec![&Kind::Scan {
            fresh: true,
            bsses: heard
        }]
    );
    let last = s.published.last().unwrap();
    assert_eq!(last.iface.as_deref(), Some("wlan1"));
    assert!(!s.engine.timeline.iter().any(|r| r.kind.name() == "scan"));
}
