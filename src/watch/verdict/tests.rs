//! Recorded sequences → verdicts. Times are ms from an arbitrary origin;
//! probes every second, as `watch --interval 1s` does.

use super::*;
use crate::model::Mhz;
use crate::watch::probe::{ProbeMethod, ProbeOutcome};

const AP1: MacAddr = MacAddr([2, 0, 0, 0, 0, 0]);
const AP2: MacAddr = MacAddr([2, 0, 0, 0, 1, 0]);
const SERVER: &str = "10.77.1.10:8443";
const GW: &str = "10.77.0.1";

fn at(ms: u64, kind: Kind) -> Record {
    Record::new(Millis(ms), Some("wlan1"), kind)
}

fn probe(ms: u64, role: ProbeRole, target: &str, outcome: ProbeOutcome) -> Record {
    let ok = outcome == ProbeOutcome::Ok;
    at(
        ms,
        Kind::Probe {
            target: target.into(),
            role,
            method: match role {
                ProbeRole::Target => ProbeMethod::Tcp,
                ProbeRole::Dns => ProbeMethod::Dns,
                ProbeRole::Gateway => ProbeMethod::IcmpRaw,
            },
            outcome,
            ok,
            rtt_ms: ok.then_some(1.2),
            detail: match outcome {
                ProbeOutcome::Refused => Some("connection refused".into()),
                ProbeOutcome::Failed => Some("NXDOMAIN".into()),
                _ => None,
            },
        },
    )
}

fn sample(ms: u64, signal: i32, packets: u32, retries: u32, beacon_loss: u32) -> Record {
    at(
        ms,
        Kind::Sample {
            connected: true,
            bssid: Some(AP1),
            channel: Some(1),
            signal_dbm: Some(signal),
            tx_bitrate_mbps: Some(65.0),
            tx_packets: Some(packets),
            tx_retries: Some(retries),
            tx_failed: Some(0),
            beacon_loss: Some(beacon_loss),
        },
    )
}

/// Runs the tracker over the target's probes and classifies every outage.
fn verdicts(timeline: &[Record], target: &str) -> Vec<(Outage, Verdict)> {
    let th = Thresholds::default();
    let mut tracker = OutageTracker::default();
    let mut out = Vec::new();
    for r in timeline {
        if let Kind::Probe {
            target: t,
            ok,
            role,
            ..
        } = &r.kind
        {
            if t == target && *role != ProbeRole::Dns {
                if let Some(Transition::Closed(o)) = tracker.observe(t, *ok, r.ts, &th) {
                    let v = classify(&o, timeline, &th);
                    out.push((o, v));
                }
            }
        }
    }
    out
}

#[test]
fn tracker_opens_after_consecutive_failures_and_closes_on_success() {
    let th = Thresholds::default();
    let mut t = OutageTracker::default();
    assert_eq!(
        t.observe("x", false, Millis(1000), &th),
        None,
        "one loss is not an outage"
    );
    assert_eq!(t.observe("x", true, Millis(2000), &th), None);
    assert_eq!(t.observe("x", false, Millis(3000), &th), None);
    assert_eq!(
        t.observe("x", false, Millis(4000), &th),
        Some(Transition::Opened {
            target: "x".into(),
            start: Millis(3000)
        })
    );
    assert_eq!(t.observe("x", false, Millis(5000), &th), None);
    assert_eq!(t.open_outages(Millis(5500)).len(), 1);
    assert_eq!(
        t.observe("x", true, Millis(6000), &th),
        Some(Transition::Closed(Outage {
            target: "x".into(),
            start: Millis(3000),
            end: Millis(6000)
        }))
    );
    assert!(t.open_outages(Millis(7000)).is_empty());
}

#[test]
fn deauth_then_reconnect_elsewhere_is_wifi() {
    let mut tl = vec![
        sample(0, -50, 100, 1, 0),
        probe(0, ProbeRole::Target, SERVER, ProbeOutcome::Ok),
        at(1_400, Kind::deauth(Some(AP1), 3, Initiator::Ap)),
        at(1_410, Kind::disconnected(Some(AP1), 3, Initiator::Ap)),
    ];
    for s in 2..14 {
        tl.push(probe(
            s * 1000,
            ProbeRole::Gateway,
            GW,
            ProbeOutcome::Unreachable,
        ));
        tl.push(probe(
            s * 1000,
            ProbeRole::Target,
            SERVER,
            ProbeOutcome::Unreachable,
        ));
    }
    tl.push(at(
        13_500,
        Kind::connected(Some(AP2), Some(Mhz(2437)), Some("clinic".into()), 0),
    ));
    tl.push(probe(14_000, ProbeRole::Target, SERVER, ProbeOutcome::Ok));
    let v = verdicts(&tl, SERVER);
    assert_eq!(v.len(), 1);
    let (o, verdict) = &v[0];
    assert_eq!((o.start, o.end), (Millis(2000), Millis(14000)));
    assert_eq!(verdict.cause, Cause::Wifi);
    assert_eq!(
        verdict.summary,
        "10.77.1.10:8443 unreachable for 12 s: the access point 02:00:00:00:00:00 deauthenticated \
         this laptop (reason 3, deauthenticated because the station (or AP) is leaving); it \
         reconnected to 02:00:00:00:01:00 on channel 6 after 12 s"
    );
    let kinds: Vec<&str> = verdict.evidence.iter().map(|e| e.kind.name()).collect();
    assert_eq!(kinds, ["deauth", "disconnected", "connected"]);
}

#[test]
fn gateway_down_with_a_healthy_link_is_lan() {
    let mut tl = Vec::new();
    for s in 0..10 {
        let down = (3..7).contains(&s);
        let o = if down {
            ProbeOutcome::Timeout
        } else {
            ProbeOutcome::Ok
        };
        tl.push(sample(s * 1000, -48, 80, 2, 0));
        tl.push(probe(s * 1000, ProbeRole::Gateway, GW, o));
        tl.push(probe(s * 1000, ProbeRole::Target, SERVER, o));
    }
    let v = verdicts(&tl, SERVER);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1.cause, Cause::Lan, "{}", v[0].1.summary);
    assert!(v[0]
        .1
        .summary
        .contains("the gateway 10.77.0.1 did not answer either"));
    assert!(v[0].1.summary.contains("signal -48 dBm"));
    assert!(v[0]
        .1
        .summary
        .ends_with("the local network (gateway/firewall) failed, not the Wi-Fi"));
    // The gateway's own outage is lan too, without "did not answer either".
    let g = verdicts(&tl, GW);
    assert_eq!(g[0].1.cause, Cause::Lan);
    assert!(!g[0].1.summary.contains("either"), "{}", g[0].1.summary);
}

#[test]
fn gateway_down_on_a_weak_busy_link_is_wifi_degraded() {
    let mut tl = Vec::new();
    for s in 0..10 {
        let down = (3..7).contains(&s);
        let o = if down {
            ProbeOutcome::Timeout
        } else {
            ProbeOutcome::Ok
        };
        // The signal sinks and retries climb while still associated.
        let (signal, retries, bl) = if down { (-82, 40, 1) } else { (-60, 2, 0) };
        tl.push(sample(s * 1000, signal, 100, retries, bl));
        tl.push(probe(s * 1000, ProbeRole::Gateway, GW, o));
        tl.push(probe(s * 1000, ProbeRole::Target, SERVER, o));
    }
    tl.push(at(
        3_200,
        Kind::CqmRssi {
            crossing: Crossing::Low,
            signal_dbm: Some(-81),
        },
    ));
    let v = verdicts(&tl, SERVER);
    assert_eq!(v[0].1.cause, Cause::WifiDegraded, "{}", v[0].1.summary);
    let s = &v[0].1.summary;
    assert!(s.contains("signal -82 dBm, below -70 dBm"), "{s}");
    assert!(s.contains("% of packets retried"), "{s}");
    assert!(s.contains("beacon loss"), "{s}");
    assert!(s.contains("threshold"), "the CQM event is quoted: {s}");
}

#[test]
fn names_that_do_not_resolve_are_dns() {
    let mut tl = Vec::new();
    for s in 0..8 {
        let down = (2..5).contains(&s);
        tl.push(probe(s * 1000, ProbeRole::Gateway, GW, ProbeOutcome::Ok));
        if down {
            tl.push(probe(
                s * 1000,
                ProbeRole::Dns,
                "emr.clinic.lan:443",
                ProbeOutcome::Failed,
            ));
            tl.push(probe(
                s * 1000,
                ProbeRole::Target,
                "emr.clinic.lan:443",
                ProbeOutcome::Failed,
            ));
        } else {
            tl.push(probe(
                s * 1000,
                ProbeRole::Dns,
                "emr.clinic.lan:443",
                ProbeOutcome::Ok,
            ));
            tl.push(probe(
                s * 1000,
                ProbeRole::Target,
                "emr.clinic.lan:443",
                ProbeOutcome::Ok,
            ));
        }
    }
    let v = verdicts(&tl, "emr.clinic.lan:443");
    assert_eq!(v[0].1.cause, Cause::Dns, "{}", v[0].1.summary);
    assert!(v[0].1.summary.contains("did not resolve (NXDOMAIN)"));
}

#[test]
fn refused_connections_with_a_healthy_gateway_are_server() {
    let mut tl = Vec::new();
    for s in 0..8 {
        let down = (2..6).contains(&s);
        tl.push(sample(s * 1000, -45, 60, 0, 0));
        tl.push(probe(s * 1000, ProbeRole::Gateway, GW, ProbeOutcome::Ok));
        let o = if down {
            ProbeOutcome::Refused
        } else {
            ProbeOutcome::Ok
        };
        tl.push(probe(s * 1000, ProbeRole::Target, SERVER, o));
    }
    let v = verdicts(&tl, SERVER);
    assert_eq!(v[0].1.cause, Cause::Server);
    assert_eq!(
        v[0].1.summary,
        "10.77.1.10:8443 unreachable for 4.0 s: the Wi-Fi and the gateway were fine, but the \
         server refused the connection (the machine is up, its service is not)"
    );
}

#[test]
fn without_gateway_measurements_the_cause_is_unknown() {
    let mut tl = Vec::new();
    for s in 0..6 {
        let o = if (1..4).contains(&s) {
            ProbeOutcome::Timeout
        } else {
            ProbeOutcome::Ok
        };
        tl.push(probe(s * 1000, ProbeRole::Target, SERVER, o));
    }
    let v = verdicts(&tl, SERVER);
    assert_eq!(v[0].1.cause, Cause::Unknown);
}

#[test]
fn a_wifi_event_long_before_the_outage_is_not_its_cause() {
    let mut tl = vec![
        at(0, Kind::deauth(Some(AP1), 3, Initiator::Ap)),
        at(500, Kind::connected(Some(AP2), Some(Mhz(2437)), None, 0)),
    ];
    for s in 20..26 {
        let o = if (21..24).contains(&s) {
            ProbeOutcome::Refused
        } else {
            ProbeOutcome::Ok
        };
        tl.push(probe(s * 1000, ProbeRole::Gateway, GW, ProbeOutcome::Ok));
        tl.push(probe(s * 1000, ProbeRole::Target, SERVER, o));
    }
    assert_eq!(verdicts(&tl, SERVER)[0].1.cause, Cause::Server);
}

#[test]
fn interface_removed_is_wifi_without_reconnect() {
    let mut tl = vec![at(
        900,
        Kind::InterfaceRemoved {
            name: Some("wlan1".into()),
        },
    )];
    for s in 1..5 {
        let o = if s < 4 {
            ProbeOutcome::Unreachable
        } else {
            ProbeOutcome::Ok
        };
        tl.push(probe(s * 1000, ProbeRole::Target, SERVER, o));
    }
    let v = verdicts(&tl, SERVER);
    assert_eq!(v[0].1.cause, Cause::Wifi);
    assert!(v[0].1.summary.contains("disappeared"), "{}", v[0].1.summary);
    assert!(
        v[0].1.summary.contains("had not reconnected"),
        "{}",
        v[0].1.summary
    );
}

#[test]
fn outage_record_has_the_log_fields() {
    let o = Outage {
        target: SERVER.into(),
        start: Millis(1000),
        end: Millis(35_000),
    };
    let v = Verdict {
        cause: Cause::Server,
        evidence: vec![],
        summary: "s".into(),
    };
    let r = Record::new(Millis(35_000), Some("wlan1"), v.into_kind(&o));
    let j: serde_json::Value = serde_json::from_str(&r.to_json_line()).unwrap();
    assert_eq!(j["kind"], "outage");
    assert_eq!(j["target"], SERVER);
    assert_eq!(j["duration_ms"], 34_000);
    assert_eq!(j["cause"], "server");
    assert!(j["start"].as_str().unwrap().ends_with("01.000Z"));
    assert!(j["evidence"].is_array());
    assert_eq!(j["summary"], "s");
}
