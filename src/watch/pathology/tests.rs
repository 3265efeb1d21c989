//! Recorded sequences, including what the lab cannot produce (signals
//! below −50 dBm, many roams).

use super::*;
use crate::watch::event::Initiator;

const A: MacAddr = MacAddr([2, 0, 0, 0, 0, 0]);
const B: MacAddr = MacAddr([2, 0, 0, 0, 1, 0]);
const C: MacAddr = MacAddr([2, 0, 0, 0, 2, 0]);

fn at(ms: u64, kind: Kind) -> Record {
    Record::new(Millis(ms), Some("wlan0"), kind)
}

fn conn(ms: u64, b: MacAddr, freq: u32) -> Record {
    at(
        ms,
        Kind::connected(Some(b), Some(Mhz(freq)), Some("clinic".into()), 0),
    )
}

fn loss(ms: u64, b: MacAddr) -> Record {
    at(ms, Kind::disconnected(Some(b), 3, Initiator::Ap))
}

fn sample(ms: u64, b: MacAddr, signal: i32) -> Record {
    at(
        ms,
        Kind::Sample {
            connected: true,
            bssid: Some(b),
            channel: Some(1),
            signal_dbm: Some(signal),
            tx_bitrate_mbps: None,
            tx_packets: None,
            tx_retries: None,
            tx_failed: None,
            beacon_loss: None,
        },
    )
}

#[test]
fn ping_pong_within_the_window_only() {
    let th = PathologyThresholds::default();
    let quick = [
        conn(0, A, 2412),
        conn(20_000, B, 2437),
        conn(45_000, A, 2412),
    ];
    let f = ping_pong(&quick, &th);
    assert_eq!(f.len(), 1);
    assert!(f[0]
        .summary
        .contains("02:00:00:00:00:00 → 02:00:00:00:01:00 → 02:00:00:00:00:00 within 45.0 s"));
    let slow = [
        conn(0, A, 2412),
        conn(40_000, B, 2437),
        conn(100_000, A, 2412),
    ];
    assert!(ping_pong(&slow, &th).is_empty());
    let onward = [
        conn(0, A, 2412),
        conn(10_000, B, 2437),
        conn(20_000, C, 2462),
    ];
    assert!(ping_pong(&onward, &th).is_empty());
    // Roamed records count as associations too.
    let roams = [
        conn(0, A, 2412),
        at(
            5_000,
            Kind::Roamed {
                from_bssid: Some(A),
                to_bssid: Some(B),
                from_channel: Some(1),
                to_channel: Some(6),
                signal_before_dbm: None,
                signal_after_dbm: None,
                gap_ms: 0,
            },
        ),
        at(
            9_000,
            Kind::Roamed {
                from_bssid: Some(B),
                to_bssid: Some(A),
                from_channel: Some(6),
                to_channel: Some(1),
                signal_before_dbm: None,
                signal_after_dbm: None,
                gap_ms: 0,
            },
        ),
    ];
    assert_eq!(ping_pong(&roams, &th).len(), 1);
}

#[test]
fn repeated_disconnects_are_counted_per_burst() {
    let th = PathologyThresholds::default();
    let mut r = Vec::new();
    // Four drops in 6 minutes, each reported as deauth + disconnect.
    for m in [0u64, 2, 4, 6] {
        r.push(at(m * 60_000, Kind::deauth(Some(A), 3, Initiator::Ap)));
        r.push(loss(m * 60_000 + 20, A));
    }
    // One more an hour later: not part of the burst.
    r.push(loss(3_600_000, A));
    let f = repeated_disconnects(&r, &th);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].summary.starts_with("4 disconnects within 360.0 s"),
        "{}",
        f[0].summary
    );
    assert!(
        repeated_disconnects(&r[..4], &th).is_empty(),
        "two drops are not a pattern"
    );
}

#[test]
fn slow_roams_over_the_threshold() {
    let th = PathologyThresholds::default();
    let mk = |gap| {
        at(
            1000,
            Kind::Roamed {
                from_bssid: Some(A),
                to_bssid: Some(B),
                from_channel: Some(1),
                to_channel: Some(6),
                signal_before_dbm: Some(-78),
                signal_after_dbm: None,
                gap_ms: gap,
            },
        )
    };
    assert!(slow_roams(&[mk(800)], &th).is_empty());
    let f = slow_roams(&[mk(6_500)], &th);
    assert_eq!(f[0].pathology, "slow_roam");
    assert!(f[0].summary.contains("6.5 s"));
}

#[test]
fn sticky_client_needs_weak_signal_time_and_a_better_ap() {
    let th = PathologyThresholds::default();
    let scans = [ScanSnapshot {
        at: Millis(0),
        bsses: vec![
            (A, Some("clinic".into()), -80),
            (B, Some("clinic".into()), -55),
            (C, Some("cafe".into()), -40),
        ],
    }];
    let weak: Vec<Record> = (0..=40).map(|s| sample(s * 1000, A, -80)).collect();
    let f = sticky_client(&weak, &scans, Some("clinic"), &th);
    assert_eq!(f.len(), 1, "reported once per weak stretch");
    assert!(
        f[0].summary
            .contains("at -80 dBm on 02:00:00:00:00:00 while 02:00:00:00:01:00"),
        "{}",
        f[0].summary
    );
    assert_eq!(f[0].at, Millis(30_000));
    // Too short a stretch.
    assert!(sticky_client(&weak[..20], &scans, Some("clinic"), &th).is_empty());
    // No same-SSID AP that much stronger (C is another network).
    let no_better = [ScanSnapshot {
        at: Millis(0),
        bsses: vec![
            (B, Some("clinic".into()), -76),
            (C, Some("cafe".into()), -40),
        ],
    }];
    assert!(sticky_client(&weak, &no_better, Some("clinic"), &th).is_empty());
    // A good sample in between restarts the clock.
    let mut broken = weak.clone();
    broken[25] = sample(25_000, A, -60);
    assert!(sticky_client(&broken, &scans, Some("clinic"), &th).is_empty());
}

#[test]
fn roam_tracker_builds_roams_from_disconnect_and_connect() {
    let mut t = RoamTracker::default();
    assert_eq!(t.observe(&conn(0, A, 2412)), None);
    assert_eq!(t.sample(Some(A), Some(-77)), None);
    assert_eq!(t.observe(&loss(10_000, A)), None);
    // The roam waits for a sample on the new access point.
    assert_eq!(t.observe(&conn(12_500, B, 2437)), None);
    assert_eq!(t.sample(Some(A), Some(-80)), None, "a sample of another AP");
    // mac80211's first station dump on the new AP may have heard nothing
    // from it yet: no signal, so the roam waits for the next sample.
    assert_eq!(t.sample(Some(B), None), None, "a sample without a signal");
    let k = t.sample(Some(B), Some(-51)).expect("a roam");
    assert_eq!(
        k,
        Kind::Roamed {
            from_bssid: Some(A),
            to_bssid: Some(B),
            from_channel: Some(1),
            to_channel: Some(6),
            signal_before_dbm: Some(-77),
            signal_after_dbm: Some(-51),
            gap_ms: 2_500
        }
    );
    // Reconnecting to the same AP is not a roam.
    t.observe(&loss(20_000, B));
    assert_eq!(t.observe(&conn(21_000, B, 2437)), None);
    assert_eq!(t.flush(), None);
    // A fast roam, ended unsampled by a loss: published as it is.
    assert_eq!(t.fast_roam(A, Some(Mhz(2412))), None);
    let k = t.observe(&loss(30_000, A)).expect("the pending roam");
    assert!(
        matches!(k, Kind::Roamed { from_bssid: Some(f), to_bssid: Some(to), gap_ms: 0, signal_after_dbm: None, .. } if f == B && to == A)
    );
}

#[test]
fn all_sorts_findings_by_time() {
    let th = PathologyThresholds::default();
    let r = [
        conn(0, A, 2412),
        at(
            1_000,
            Kind::Roamed {
                from_bssid: Some(A),
                to_bssid: Some(B),
                from_channel: None,
                to_channel: None,
                signal_before_dbm: None,
                signal_after_dbm: None,
                gap_ms: 5_000,
            },
        ),
        conn(30_000, A, 2412),
    ];
    let f = all(&r, &[], None, &th);
    let names: Vec<_> = f.iter().map(|x| x.pathology).collect();
    assert_eq!(names, ["slow_roam", "ping_pong"]);
}

/// The watch writes a `connected` and a `roamed` record at the same moment
/// for a roam with a gap: one move, not two (ping-pong went unseen).
#[test]
fn a_roam_with_a_gap_counts_once_for_ping_pong() {
    let th = PathologyThresholds::default();
    let roam = |ms: u64, from: MacAddr, to: MacAddr| {
        at(
            ms,
            Kind::Roamed {
                from_bssid: Some(from),
                to_bssid: Some(to),
                from_channel: Some(1),
                to_channel: Some(6),
                signal_before_dbm: None,
                signal_after_dbm: None,
                gap_ms: 300,
            },
        )
    };
    let records = [
        conn(1_000, B, 2437),
        roam(1_000, A, B),
        conn(11_000, A, 2412),
        roam(11_000, B, A),
        conn(21_000, B, 2437),
        roam(21_000, A, B),
    ];
    assert_eq!(ping_pong(&records, &th).len(), 1);
}
