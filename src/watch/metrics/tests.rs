//! The accumulator over scripted records, the renderer's exact text, the
//! escaping, and the sink's write-failure handling.

use super::*;
use crate::model::MacAddr;
use crate::watch::probe::result::{ProbeMethod, ProbeOutcome};

const AP: MacAddr = MacAddr([2, 0, 0, 0, 0, 1]);

fn rec(ms: u64, kind: Kind) -> Record {
    Record::new(Millis(ms), Some("wlan0"), kind)
}

fn sample(ms: u64, signal: Option<i32>, retries: u32) -> Record {
    rec(
        ms,
        Kind::Sample {
            connected: signal.is_some(),
            bssid: signal.map(|_| AP),
            channel: signal.map(|_| 6),
            signal_dbm: signal,
            tx_bitrate_mbps: None,
            tx_packets: signal.map(|_| 10),
            tx_retries: signal.map(|_| retries),
            tx_failed: signal.map(|_| 1),
            beacon_loss: signal.map(|_| 0),
        },
    )
}

fn probe(ms: u64, role: ProbeRole, target: &str, rtt_ms: Option<f64>) -> Record {
    rec(
        ms,
        Kind::Probe {
            target: target.into(),
            role,
            method: ProbeMethod::Tcp,
            outcome: if rtt_ms.is_some() {
                ProbeOutcome::Ok
            } else {
                ProbeOutcome::Timeout
            },
            ok: rtt_ms.is_some(),
            rtt_ms,
            detail: None,
        },
    )
}

fn outage(start: u64, end: u64, cause: Cause) -> Record {
    rec(
        end,
        Kind::Outage {
            target: "server:443".into(),
            start: Millis(start),
            end: Millis(end),
            duration_ms: end - start,
            cause,
            evidence: vec![],
            summary: String::new(),
        },
    )
}

fn fold(records: &[Record]) -> Metrics {
    let mut m = Metrics::default();
    records.iter().for_each(|r| m.observe(r));
    m
}

#[test]
fn the_accumulator_adds_up_samples_outages_disconnects_roams_and_probes() {
    let m = fold(&[
        sample(1_000, Some(-60), 2),
        sample(2_000, Some(-64), 3),
        probe(2_100, ProbeRole::Target, "server:443", Some(12.5)),
        rec(3_000, Kind::disconnected(Some(AP), 3, Initiator::Ap)),
        rec(3_000, Kind::deauth(Some(AP), 3, Initiator::Ap)),
        rec(3_500, Kind::disconnected(Some(AP), 3, Initiator::Ap)),
        rec(4_000, Kind::disconnected(None, 42, Initiator::Local)),
        sample(4_100, None, 0),
        probe(4_200, ProbeRole::Target, "server:443", None),
        outage(2_500, 6_000, Cause::Wifi),
        outage(7_000, 9_000, Cause::Server),
        outage(10_000, 12_000, Cause::Server),
        rec(
            12_500,
            Kind::Roamed {
                from_bssid: Some(AP),
                to_bssid: None,
                from_channel: None,
                to_channel: None,
                signal_before_dbm: None,
                signal_after_dbm: None,
                gap_ms: 0,
            },
        ),
    ]);
    assert_eq!(m.interface.as_deref(), Some("wlan0"));
    assert_eq!(m.connected, Some(false));
    // Not associated: no signal, rather than the last one seen.
    assert_eq!(m.signal_dbm, None);
    assert_eq!((m.tx_packets, m.tx_retries, m.tx_failed), (20, 5, 2));
    assert_eq!(m.outages, [1, 0, 0, 0, 2, 0]);
    // The deauth is not counted again; 42 is not a defined reason code.
    let d: Vec<_> = m
        .disconnects
        .iter()
        .map(|((r, by), n)| (r.as_str(), *by, *n))
        .collect();
    assert_eq!(d, [("3", "ap", 2), ("other", "local", 1)]);
    assert_eq!(m.roams, 1);
    assert_eq!(
        m.probes.get(&("target", "server:443".to_string())),
        Some(&ProbeState {
            up: false,
            rtt_seconds: None
        })
    );
    assert_eq!(m.last_outage_start, Some(Millis(10_000)));
}

#[test]
fn a_new_gateway_replaces_the_old_ones_series() {
    let m = fold(&[
        probe(1_000, ProbeRole::Gateway, "10.0.0.1", Some(1.0)),
        probe(1_000, ProbeRole::Target, "a:80", Some(1.0)),
        probe(1_000, ProbeRole::Target, "b:80", Some(1.0)),
        probe(1_000, ProbeRole::Dns, "a:80", Some(1.0)),
        probe(1_000, ProbeRole::Dns, "b:80", Some(1.0)),
        probe(2_000, ProbeRole::Gateway, "10.0.9.1", Some(2.0)),
        probe(2_000, ProbeRole::Dns, "a:80", Some(1.0)),
    ]);
    let keys: Vec<_> = m.probes.keys().map(|(r, t)| format!("{r} {t}")).collect();
    // Each named target has its own lookup: those are not replaced.
    assert_eq!(
        keys,
        [
            "dns a:80",
            "dns b:80",
            "gateway 10.0.9.1",
            "target a:80",
            "target b:80"
        ]
    );
}

#[test]
fn reason_labels_are_a_closed_set() {
    assert_eq!(reason_label(3), "3");
    assert_eq!(reason_label(71), "71");
    assert_eq!(reason_label(0), "other");
    assert_eq!(reason_label(40), "other");
    assert_eq!(reason_label(9999), "other");
    // Every code maps to 1..=71 or "other": at most 72 values.
    let distinct: std::collections::BTreeSet<_> = (0..=u16::MAX).map(reason_label).collect();
    assert!(distinct
        .iter()
        .all(|l| l == "other" || l.parse::<u16>().is_ok_and(|n| (1..=71).contains(&n))));
    assert!(distinct.len() <= 72, "{}", distinct.len());
}

#[test]
fn the_renderer_writes_this_exact_text() {
    let m = fold(&[
        sample(1_000, Some(-61), 4),
        probe(1_100, ProbeRole::Gateway, "192.168.1.1", Some(2.5)),
        probe(1_100, ProbeRole::Target, "server:443", None),
        rec(2_000, Kind::disconnected(Some(AP), 15, Initiator::Local)),
        outage(1_234_567, 1_240_000, Cause::Server),
    ]);
    let expected = r#"# HELP wifidiag_build_info The wifidiag version that wrote this file; always 1.
# TYPE wifidiag_build_info gauge
wifidiag_build_info{version="1.2.3"} 1
# HELP wifidiag_connected Whether the interface was associated at the last sample (1) or not (0).
# TYPE wifidiag_connected gauge
wifidiag_connected{interface="wlan0"} 1
# HELP wifidiag_signal_dbm Signal of the access point at the last sample, in dBm.
# TYPE wifidiag_signal_dbm gauge
wifidiag_signal_dbm{interface="wlan0"} -61
# HELP wifidiag_tx_packets_total Frames sent since the watch started.
# TYPE wifidiag_tx_packets_total counter
wifidiag_tx_packets_total{interface="wlan0"} 10
# HELP wifidiag_tx_retries_total Frame retransmissions since the watch started.
# TYPE wifidiag_tx_retries_total counter
wifidiag_tx_retries_total{interface="wlan0"} 4
# HELP wifidiag_tx_failed_total Frames never acknowledged since the watch started.
# TYPE wifidiag_tx_failed_total counter
wifidiag_tx_failed_total{interface="wlan0"} 1
# HELP wifidiag_beacon_loss_total Beacon losses the driver reported since the watch started.
# TYPE wifidiag_beacon_loss_total counter
wifidiag_beacon_loss_total{interface="wlan0"} 0
# HELP wifidiag_outages_total Outages since the watch started, by the verdict's cause.
# TYPE wifidiag_outages_total counter
wifidiag_outages_total{interface="wlan0",cause="wifi"} 0
wifidiag_outages_total{interface="wlan0",cause="wifi_degraded"} 0
wifidiag_outages_total{interface="wlan0",cause="lan"} 0
wifidiag_outages_total{interface="wlan0",cause="dns"} 0
wifidiag_outages_total{interface="wlan0",cause="server"} 1
wifidiag_outages_total{interface="wlan0",cause="unknown"} 0
# HELP wifidiag_disconnects_total Losses of association since the watch started, by 802.11 reason code and by whom (ap, local).
# TYPE wifidiag_disconnects_total counter
wifidiag_disconnects_total{interface="wlan0",reason="15",by="local"} 1
# HELP wifidiag_roams_total Changes of access point since the watch started.
# TYPE wifidiag_roams_total counter
wifidiag_roams_total{interface="wlan0"} 0
# HELP wifidiag_probe_up Whether the last probe of the target answered (1) or not (0).
# TYPE wifidiag_probe_up gauge
wifidiag_probe_up{interface="wlan0",role="gateway",target="192.168.1.1"} 1
wifidiag_probe_up{interface="wlan0",role="target",target="server:443"} 0
# HELP wifidiag_probe_rtt_seconds Round trip of the last probe of the target, in seconds (absent when it failed).
# TYPE wifidiag_probe_rtt_seconds gauge
wifidiag_probe_rtt_seconds{interface="wlan0",role="gateway",target="192.168.1.1"} 0.0025
# HELP wifidiag_last_outage_timestamp_seconds When the last outage began, in seconds since the Unix epoch.
# TYPE wifidiag_last_outage_timestamp_seconds gauge
wifidiag_last_outage_timestamp_seconds{interface="wlan0"} 1234.567
"#;
    assert_eq!(render(&m, "1.2.3"), expected);
}

#[test]
fn label_values_are_escaped() {
    assert_eq!(escape_label_value("a\\b\"c\nd é"), "a\\\\b\\\"c\\nd é");
    let m = fold(&[probe(
        1,
        ProbeRole::Target,
        "we\"ird\\name\nx:80",
        Some(1.0),
    )]);
    let text = render(&m, "v");
    assert!(
        text.contains(r#"target="we\"ird\\name\nx:80"} 1"#),
        "{text}"
    );
    // Every line is one sample or one comment: no raw newline got through.
    assert!(text
        .lines()
        .all(|l| l.starts_with("# ") || l.starts_with("wifidiag_")));
}

/// A buffer standing in for the file, failing while `fail` says so.
#[derive(Default)]
struct Buffer {
    writes: Vec<String>,
    fail: bool,
}

impl MetricsOut for &mut Buffer {
    fn replace(&mut self, text: &str) -> Result<(), WriteError> {
        if self.fail {
            return Err(WriteError {
                step: "writing the temporary file",
                source: io::Error::from_raw_os_error(libc::ENOSPC),
            });
        }
        self.writes.push(text.to_string());
        Ok(())
    }

    fn shown(&self) -> String {
        "buffer".into()
    }
}

#[test]
fn the_sink_writes_on_samples_probes_and_outages_and_survives_failed_writes() {
    let mut buf = Buffer::default();
    {
        let mut sink = MetricsSink::new(&mut buf);
        assert!(sink.wants_unpublished());
        // Unpublished: folded in, no write.
        sink.observe(&sample(1_000, Some(-50), 1));
        assert_eq!(sink.out.writes.len(), 0);
        sink.record(&rec(1_500, Kind::disconnected(Some(AP), 3, Initiator::Ap)))
            .unwrap();
        assert_eq!(sink.out.writes.len(), 0);
        sink.record(&sample(2_000, Some(-55), 2)).unwrap();
        assert_eq!(sink.out.writes.len(), 1);
        assert!(sink.out.writes[0].contains("wifidiag_tx_retries_total{interface=\"wlan0\"} 3\n"));
        sink.out.fail = true;
        sink.record(&outage(2_000, 5_000, Cause::Server)).unwrap();
        sink.record(&sample(6_000, Some(-55), 0)).unwrap();
        assert_eq!(sink.failed_writes(), 2);
        sink.out.fail = false;
        sink.finish().unwrap();
        assert_eq!(sink.failed_writes(), 2);
    }
    assert_eq!(buf.writes.len(), 2);
    // The outage that could not be written is in the next write.
    assert!(
        buf.writes[1].contains("cause=\"server\"} 1\n"),
        "{}",
        buf.writes[1]
    );
}

#[test]
fn a_refusal_names_the_metrics_option() {
    let e = LogError::Symlink {
        path: "/tmp/x/m.prom".into(),
        link: "/tmp/x".into(),
    };
    let text = refusal_message(&e);
    assert!(text.contains("--metrics-file"), "{text}");
    assert!(!text.contains("--log"), "{text}");
    assert!(
        text.starts_with("refusing to write metrics to /tmp/x/m.prom"),
        "{text}"
    );
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wifidiag-metrics-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn the_file_is_replaced_whole_and_no_temporary_file_is_left() {
    let dir = temp_dir("replace");
    let path = dir.join("wifidiag.prom");
    let file = MetricsFile::open(&path).unwrap();
    file.write("a 1\n").unwrap();
    file.write("b 2\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "b 2\n");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["wifidiag.prom"]);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode & 0o044,
        0o044,
        "node_exporter's user must read it: {mode:o}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_symlink_at_the_path_or_on_the_way_is_refused() {
    let dir = temp_dir("symlink");
    let real = dir.join("real");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, dir.join("link")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", dir.join("m.prom")).unwrap();
    for path in [dir.join("link/m.prom"), dir.join("m.prom")] {
        match MetricsFile::open(&path) {
            Err(e @ LogError::Symlink { .. }) => {
                assert!(refusal_message(&e).contains("symbolic link"))
            }
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
