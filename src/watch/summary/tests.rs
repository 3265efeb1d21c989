use super::*;
use crate::watch::event::Evidence;

const AP1: MacAddr = MacAddr([2, 0, 0, 0, 0, 0]);

fn at(ms: u64, kind: Kind) -> Record {
    Record::new(Millis(ms), Some("wlan0"), kind)
}

fn outage(ms: u64, cause: Cause, summary: &str) -> Record {
    at(
        ms,
        Kind::Outage {
            target: "emr:443".into(),
            start: Millis(ms - 3000),
            end: Millis(ms),
            duration_ms: 3000,
            cause,
            evidence: vec![Evidence {
                ts: Millis(ms - 3000),
                kind: Kind::CqmBeaconLoss,
            }],
            summary: summary.into(),
        },
    )
}

fn start(ms: u64, host: &str) -> Record {
    at(
        ms,
        Kind::Start {
            version: "0.1.0".into(),
            hostname: Some(host.into()),
            site: None,
            targets: vec!["emr:443".into()],
            interval_ms: 1000,
            gateway: None,
        },
    )
}

fn sample(ms: u64, signal: i32) -> Record {
    at(
        ms,
        Kind::Sample {
            connected: true,
            bssid: Some(AP1),
            channel: Some(6),
            signal_dbm: Some(signal),
            tx_bitrate_mbps: None,
            tx_packets: None,
            tx_retries: None,
            tx_failed: None,
            beacon_loss: None,
        },
    )
}

fn fold(records: &[Record]) -> Summary {
    let mut s = Summary::default();
    records.iter().for_each(|r| s.observe(r));
    s.finish();
    s
}

#[test]
fn counts_runs_outages_causes_reasons_patterns_and_signal() {
    let s = fold(&[
        start(1_000, "laptop-7"),
        at(60_000, Kind::disconnected(Some(AP1), 3, Initiator::Ap)),
        at(62_000, Kind::Link { up: true }),
        outage(63_000, Cause::Wifi, "s1"),
        sample(64_000, -50),
        sample(65_000, -60),
        at(
            300_000,
            Kind::Stop {
                reason: "--for 5m elapsed".into(),
                outages: 1,
            },
        ),
        start(300_100, "laptop-7"),
        at(360_000, Kind::disconnected(Some(AP1), 3, Initiator::Ap)),
        at(361_000, Kind::disconnected(Some(AP1), 3, Initiator::Local)),
        at(362_000, Kind::disconnected(Some(AP1), 15, Initiator::Local)),
        outage(480_000, Cause::Lan, "s2"),
        outage(540_000, Cause::Wifi, "s3"),
        at(
            570_000,
            Kind::Pathology {
                pathology: "repeated_disconnects".into(),
                summary: "3 in 10 min".into(),
            },
        ),
        at(580_000, Kind::InterfaceRemoved { name: None }),
        at(
            590_000,
            Kind::Suspended {
                since: Millis(580_000),
                duration_ms: 10_000,
            },
        ),
    ]);
    assert_eq!((s.runs, s.events), (2, 16));
    assert_eq!(s.hosts.iter().collect::<Vec<_>>(), ["laptop-7"]);
    assert_eq!(
        (s.first_ts, s.last_ts),
        (Some(Millis(1_000)), Some(Millis(590_000)))
    );
    assert_eq!(s.outage_count, 3);
    assert_eq!(s.causes.get("wifi"), Some(&2));
    assert_eq!(s.causes.get("lan"), Some(&1));
    assert_eq!(s.outages[0].summary, "s1");
    let reasons: Vec<(u16, Initiator, u64)> = s
        .disconnects
        .iter()
        .map(|d| (d.reason, d.by, d.count))
        .collect();
    assert_eq!(
        reasons,
        [
            (3, Initiator::Ap, 2),
            (3, Initiator::Local, 1),
            (15, Initiator::Local, 1)
        ]
    );
    assert_eq!((s.pattern_count, s.interface_removals), (1, 1));
    assert_eq!((s.suspends, s.suspended_ms), (1, 10_000));
    assert_eq!(
        s.signal.get(&AP1),
        Some(&SignalStats {
            samples: 2,
            min_dbm: -60,
            mean_dbm: -55.0,
            max_dbm: -50
        })
    );
    assert_eq!(s.stop_reason.as_deref(), Some("--for 5m elapsed"));
}

#[test]
fn rows_are_bounded_and_counts_stay_exact() {
    let mut s = Summary::default();
    for i in 0..(MAX_ROWS as u64 + 50) {
        s.observe(&outage(10_000 + i, Cause::Server, "x"));
    }
    for b in 0..(MAX_BSSIDS as u32 + 10) {
        let mut r = sample(1, -40);
        if let Kind::Sample { bssid, .. } = &mut r.kind {
            let [x, y, z, w] = b.to_be_bytes();
            *bssid = Some(MacAddr([2, 0, x, y, z, w]));
        }
        s.observe(&r);
    }
    s.finish();
    assert_eq!(s.outage_count, MAX_ROWS as u64 + 50);
    assert_eq!(s.outages.len(), MAX_ROWS);
    assert_eq!(s.signal.len(), MAX_BSSIDS);
    let mut text = Vec::new();
    render(&mut text, &s, false).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("… and 50 more outage(s) not listed"),
        "{text}"
    );
}

#[test]
fn nothing_hostile_reaches_the_terminal() {
    let mut forged = outage(
        63_000,
        Cause::Server,
        "ok\x1b]0;pwned\x07\n| 1970 | forged | row |",
    );
    if let Kind::Outage { target, .. } = &mut forged.kind {
        *target = "emr\x1b[2J:443".into();
    }
    let mut reason = at(60_000, Kind::disconnected(None, 3, Initiator::Ap));
    if let Kind::Disconnected { reason_name, .. } = &mut reason.kind {
        *reason_name = "evil\x1b[31m".into();
    }
    let patt = at(
        61_000,
        Kind::Pathology {
            pathology: "ping_pong".into(),
            summary: "p\u{202e}olleh".into(),
        },
    );
    let stop = at(
        62_000,
        Kind::Stop {
            reason: "sig\rnal".into(),
            outages: 0,
        },
    );
    let s = fold(&[start(0, "host\x1b[8m"), reason, patt, stop, forged]);
    let mut text = Vec::new();
    render(&mut text, &s, false).unwrap();
    let text = String::from_utf8(text).unwrap();
    for bad in ['\x1b', '\x07', '\r', '\u{202e}'] {
        assert!(!text.contains(bad), "{bad:?} in {text}");
    }
    assert!(
        !text.lines().any(|l| l.starts_with("| 1970 | forged")),
        "a forged table row: {text}"
    );
    assert!(text.contains("\\x1b]0;pwned"), "{text}");
}

#[test]
fn an_empty_summary_renders() {
    let s = fold(&[]);
    let mut text = Vec::new();
    render(&mut text, &s, false).unwrap();
    assert!(String::from_utf8(text).unwrap().contains("No outage."));
}

/// Two summaries merged say what one summary of all the records says.
#[test]
fn merging_is_observing_in_order() {
    let records = vec![
        start(1_000, "laptop-7"),
        at(60_000, Kind::disconnected(Some(AP1), 3, Initiator::Ap)),
        outage(63_000, Cause::Wifi, "s1"),
        sample(64_000, -50),
        at(
            65_000,
            Kind::Stop {
                reason: "a".into(),
                outages: 1,
            },
        ),
        start(300_100, "laptop-8"),
        at(360_000, Kind::disconnected(Some(AP1), 3, Initiator::Ap)),
        sample(361_000, -70),
        outage(480_000, Cause::Lan, "s2"),
        at(
            490_000,
            Kind::Stop {
                reason: "b".into(),
                outages: 1,
            },
        ),
    ];
    let whole = fold(&records);
    for cut in 0..=records.len() {
        let mut first = Summary::default();
        records[..cut].iter().for_each(|r| first.observe(r));
        let mut second = Summary::default();
        records[cut..].iter().for_each(|r| second.observe(r));
        first.merge(second);
        first.finish();
        assert_eq!(first, whole, "cut at {cut}");
    }
}

/// Issue 9 item 8: lines a full disk kept out of the log are said in the
/// summary at the end of the watch, not only on stderr when it happened.
#[test]
fn lines_lost_to_the_log_are_in_the_summary() {
    let mut s = fold(&[start(0, "laptop-7")]);
    let render_text = |s: &Summary| {
        let mut text = Vec::new();
        render(&mut text, s, false).unwrap();
        String::from_utf8(text).unwrap()
    };
    assert!(!render_text(&s).contains("could not be written"));
    s.log_lines_lost = 4;
    let text = render_text(&s);
    assert!(
        text.contains("4 line(s) could not be written to the log"),
        "{text}"
    );
}

fn start_at(ms: u64, host: &str, site: Option<&str>, iface: &str) -> Record {
    Record::new(
        Millis(ms),
        Some(iface),
        Kind::Start {
            version: "0.1.0".into(),
            hostname: Some(host.into()),
            site: site.map(Into::into),
            targets: vec!["emr:443".into()],
            interval_ms: 1000,
            gateway: None,
        },
    )
}

const DAY: u64 = 86_400_000;
/// 2026-12-01T00:00:00Z.
const DEC1: u64 = 1_796_083_200_000;

/// Logs of two laptops at two sites over two days: grouped by machine,
/// site, interface and UTC day, the same whether a file is read whole or
/// in parts, and records before any start in a file are no one's.
#[test]
fn reports_across_machines_group_by_host_site_interface_and_day() {
    let laptop_a = vec![
        start_at(DEC1 + 1000, "reception", Some("north"), "wlan0"),
        outage(DEC1 + 10_000, Cause::Wifi, "a"),
        outage(DEC1 + DAY + 10_000, Cause::Server, "b"),
        outage(DEC1 + DAY + 20_000, Cause::Server, "c"),
    ];
    let laptop_b = vec![
        // A log cut at its head: no start before this outage.
        outage(DEC1 + 5000, Cause::Lan, "cut"),
        start_at(DEC1 + 6000, "exam-2", Some("south"), "wlan0"),
        outage(DEC1 + 60_000, Cause::Dns, "d"),
    ];
    let whole = |parts: &[&[Record]]| {
        let mut total = Summary::default();
        for file in parts {
            let mut s = Summary::default();
            for r in file.iter() {
                s.observe(r);
            }
            s.end_of_file();
            total.merge(s);
        }
        total.finish();
        total
    };
    let s = whole(&[&laptop_a, &laptop_b]);
    let row = |host: Option<&str>, day: u64| {
        s.groups
            .iter()
            .find(|g| g.host.as_deref() == host && g.day == utc_day(Millis(DEC1 + day * DAY)))
            .unwrap_or_else(|| panic!("no row {host:?} day {day}: {:#?}", s.groups))
    };
    let a1 = row(Some("reception"), 0);
    assert_eq!(
        (a1.runs, a1.outages, a1.site.as_deref()),
        (1, 1, Some("north"))
    );
    assert_eq!(a1.day, "2026-12-01");
    let a2 = row(Some("reception"), 1);
    assert_eq!((a2.runs, a2.outages, a2.downtime_ms), (0, 2, 6000));
    assert_eq!(a2.causes.get("server"), Some(&2));
    let b1 = row(Some("exam-2"), 0);
    assert_eq!((b1.outages, b1.site.as_deref()), (1, Some("south")));
    let cut = row(None, 0);
    assert_eq!(cut.causes.get("lan"), Some(&1));
    assert_eq!(s.groups.len(), 4);

    // The same file read in two parts (the second starting mid-run) gives
    // the same groups.
    let mut first = Summary::default();
    for r in &laptop_a[..2] {
        first.observe(r);
    }
    let mut second = Summary::default();
    for r in &laptop_a[2..] {
        second.observe(r);
    }
    first.merge(second);
    first.end_of_file();
    first.finish();
    let one = whole(&[&laptop_a]);
    assert_eq!(first.groups, one.groups);

    // The page has the per machine table, most troubled first.
    let mut page = Vec::new();
    render(&mut page, &s, false).unwrap();
    let page = String::from_utf8(page).unwrap();
    let table = page
        .split("Per machine")
        .nth(1)
        .expect("a per machine table");
    let reception = table.find("reception").unwrap();
    let exam = table.find("exam-2").unwrap();
    assert!(reception < exam, "{table}");
    assert!(
        table.contains("3 (1 wifi, 2 server)") || table.contains("3 (2 server, 1 wifi)"),
        "{table}"
    );
}
