use super::*;
use crate::model::MacAddr;
use crate::watch::event::{Initiator, Kind, Millis};
use std::io::Cursor;

fn read_all(bytes: &[u8]) -> (Vec<Record>, ReadStats) {
    let mut r = LogReader::new(Cursor::new(bytes.to_vec()));
    let mut out = Vec::new();
    while let Some(rec) = r.next_record().unwrap() {
        out.push(rec);
    }
    (out, r.stats().clone())
}

fn line(r: &Record) -> String {
    r.to_json_line() + "\n"
}

fn deauth(ts: u64) -> Record {
    Record::new(
        Millis(ts),
        Some("wlan1"),
        Kind::deauth(Some(MacAddr([2, 0, 0, 0, 1, 0])), 3, Initiator::Ap),
    )
}

#[test]
fn what_is_written_is_what_is_read() {
    let records = vec![deauth(1_795_905_459_123), deauth(1_795_905_460_000)];
    let text: String = records.iter().map(line).collect();
    let (back, stats) = read_all(text.as_bytes());
    assert_eq!(back, records);
    assert_eq!((stats.lines, stats.events, stats.skipped()), (2, 2, 0));
}

#[test]
fn every_line_is_classified_and_counted() {
    let good = line(&deauth(1_795_905_459_123));
    let mut data = Vec::new();
    data.extend_from_slice(good.as_bytes()); // 1 event
    data.extend_from_slice(b"\n"); // 2 blank
    data.extend_from_slice(b"{\"n\":2,\"s\":\"\xff\xfe\"}\n"); // 3 corrupt: invalid UTF-8
    data.extend_from_slice(b"\x00\x01\x02\xc3\x28 binary\n"); // 4 corrupt: garbage
    data.extend_from_slice(good.trim_end().as_bytes()); // 5 event, CRLF
    data.extend_from_slice(b"\r\n");
    data.extend_from_slice(b"[1,2,3]\n"); // 6 corrupt: not an object
    data.extend_from_slice(&vec![b'['; 100_000]); // 7 corrupt: deep nesting
    data.push(b'\n');
    data.extend_from_slice(b"{\"long\":\"");
    data.extend_from_slice(&vec![b'x'; MAX_LINE_BYTES + 10]);
    data.extend_from_slice(b"\"}\n"); // 8 corrupt: over-long
    data.extend_from_slice(b"{\"schema\":\"wifidiag.event/2\",\"ts\":\"2026-11-28T22:37:39.123Z\",\"kind\":\"deauth\"}\n"); // 9 other schema
    data.extend_from_slice(b"{\"level\":\"info\",\"kind\":\"deauth\",\"reason\":\"x\"}\n"); // 10 other (no schema)
    data.extend_from_slice(b"{\"schema\":\"wifidiag.event/1\",\"ts\":\"2026-11-28T22:37:39.123Z\",\"kind\":\"teleported\",\"to\":\"mars\"}\n"); // 11 unknown kind
    data.extend_from_slice(
        b"{\"schema\":\"wifidiag.event/1\",\"ts\":\"2026-11-28T22:37:39.123Z\",\"kind\":\"disconnected\",\"bssid\":null,\"reason\":\"3\",\"reason_name\":\"x\",\"by\":\"ap\"}\n",
    ); // 12 invalid: reason as a string
    data.extend_from_slice(
        b"{\"schema\":\"wifidiag.event/1\",\"ts\":\"2026-11-28T22:37:39.123Z\",\"kind\":\"cqm_packet_loss\",\"packets\":1e20}\n",
    ); // 13 invalid: a float for a count
    data.extend_from_slice(
        b"{\"schema\":\"wifidiag.event/1\",\"ts\":\"2026-11-28T22:37:39.123Z\",\"kind\":\"link\",\"up\":true,\"new_field\":[1]}\n",
    ); // 14 event with an unknown field
    data.extend_from_slice(b"{\"schema\":\"wifidiag.event/1\",\"ts\":\"2026-11-28T22:37:"); // 15 torn, no newline
    let (records, stats) = read_all(&data);
    assert_eq!(records.len(), 3);
    assert_eq!(records[2].kind, Kind::Link { up: true });
    assert_eq!(
        stats,
        ReadStats {
            lines: 15,
            events: 3,
            blank: 1,
            corrupt: 6,
            invalid: 2,
            other_schema: 2,
            unknown_kind: 1,
            unknown_fields: 1,
            first_corrupt_line: Some(3),
            first_invalid_line: Some(12),
            first_other_schema: Some("wifidiag.event/2".into()),
        }
    );
    assert_eq!(stats.lines, stats.events + stats.blank + stats.skipped());
}

#[test]
fn envelope_fields_may_come_in_any_order() {
    let text = b"{\"reason\":3,\"kind\":\"deauth\",\"by\":\"local\",\"bssid\":null,\"reason_name\":\"r\",\"iface\":\"wlan0\",\"ts\":\"2026-11-28T22:37:39.123Z\",\"schema\":\"wifidiag.event/1\"}\n";
    let (records, stats) = read_all(text);
    assert_eq!(stats.events, 1, "{stats:?}");
    assert_eq!(records[0].iface.as_deref(), Some("wlan0"));
    assert_eq!(records[0].ts, Millis(1_795_905_459_123));
    let Kind::Deauth { by, reason, .. } = &records[0].kind else {
        panic!("{:?}", records[0])
    };
    assert_eq!((*by, *reason), (Initiator::Local, 3));
}

#[test]
fn a_record_without_time_is_invalid() {
    let text = b"{\"schema\":\"wifidiag.event/1\",\"kind\":\"cqm_beacon_loss\"}\n";
    let (_, stats) = read_all(text);
    assert_eq!((stats.invalid, stats.first_invalid_line), (1, Some(1)));
}

#[test]
fn empty_and_exact_cap_inputs() {
    assert_eq!(read_all(b"").1, ReadStats::default());
    assert_eq!(read_all(b"\n").1.blank, 1);
    // A line of exactly the cap is still read (and is another program's).
    let mut exact = b"{\"x\":\"".to_vec();
    exact.resize(MAX_LINE_BYTES - 2, b'y');
    exact.extend_from_slice(b"\"}");
    assert_eq!(exact.len(), MAX_LINE_BYTES);
    assert_eq!(read_all(&exact).1.other_schema, 1);
}

#[test]
fn open_refuses_what_is_not_a_regular_file() {
    let err = |p: &str| match open(Path::new(p)) {
        Err(e) => e,
        Ok(_) => panic!("{p} was accepted"),
    };
    assert!(matches!(
        err("/dev/zero"),
        OpenError::NotRegular {
            what: "a device",
            ..
        }
    ));
    assert!(matches!(
        err("/"),
        OpenError::NotRegular {
            what: "a directory",
            ..
        }
    ));
    let dir = std::env::temp_dir().join(format!("wifidiag-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let e = err(fifo.to_str().unwrap());
    assert!(
        matches!(e, OpenError::NotRegular { what: "a FIFO", .. }),
        "{e}"
    );
    assert_eq!(e.exit_code(), crate::ExitCode::Usage);
    let missing = err(dir.join("absent").to_str().unwrap());
    assert_eq!(missing.exit_code(), crate::ExitCode::Failure);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A file read in parts side by side gives the records and counts of a
/// read from start to end, line numbers included.
#[test]
fn a_file_read_in_parts_is_read_whole() {
    let dir = std::env::temp_dir().join(format!("wifidiag-fold-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("events.jsonl");
    let mut data = Vec::new();
    for i in 0..300u64 {
        data.extend_from_slice(line(&deauth(1_795_905_459_000 + i)).as_bytes());
        if i % 97 == 5 {
            data.extend_from_slice(b"{\"torn\":\n");
        }
        if i % 89 == 7 {
            data.extend_from_slice(b"\n");
        }
    }
    data.extend_from_slice(b"{\"schema\":\"wifidiag.event/1\",\"kind\":\"link\",\"up\":1}\n");
    std::fs::write(&path, &data).unwrap();
    let (whole, whole_stats) = read_all(&data);
    for parts in [1, 2, 3, 7, 64] {
        let got = fold_parts(&path, Some(parts), Vec::new, |v: &mut Vec<Record>, r| {
            v.push(r)
        })
        .unwrap();
        assert_eq!(got.len() as u64, parts);
        let mut records = Vec::new();
        let mut stats = ReadStats::default();
        for (part, part_stats) in got {
            records.extend(part);
            stats.append(&part_stats);
        }
        assert_eq!(records, whole, "{parts} parts");
        assert_eq!(stats, whole_stats, "{parts} parts");
    }
    assert_eq!(whole_stats.first_corrupt_line, Some(7));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parts_start_at_line_starts() {
    let dir = std::env::temp_dir().join(format!("wifidiag-bounds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("lines");
    let data = b"a\nbb\n\nccc\ndddd\n\n\ne";
    std::fs::write(&path, data).unwrap();
    let file = File::open(&path).unwrap();
    for parts in 1..12 {
        let b = line_bounds(&file, data.len() as u64, parts).unwrap();
        assert_eq!(b.len() as u64, parts + 1);
        assert_eq!((b[0], *b.last().unwrap()), (0, data.len() as u64));
        assert!(b.windows(2).all(|w| w[0] <= w[1]), "{b:?}");
        assert!(
            b.iter()
                .all(|&x| x == 0 || x == data.len() as u64 || data[x as usize - 1] == b'\n'),
            "{b:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A log a real watch wrote in the lab (tests/fixtures/watch/README.md)
/// reads back whole, and its summary says what happened.
#[test]
fn the_recorded_lab_log_reads_back_whole() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/watch/lab-watch.jsonl");
    let mut reader = open(&path).unwrap();
    let mut summary = crate::watch::summary::Summary::default();
    while let Some(r) = reader.next_record().unwrap() {
        // Every record is written back exactly as it was read.
        let again: Record = serde_json::from_str(&r.to_json_line()).unwrap();
        assert_eq!(again, r);
        summary.observe(&r);
    }
    summary.finish();
    let stats = reader.stats();
    assert_eq!(
        (stats.skipped(), stats.blank, stats.unknown_fields),
        (0, 0, 0),
        "{stats:?}"
    );
    assert_eq!(stats.events, stats.lines);
    assert_eq!(summary.runs, 1);
    assert_eq!(summary.causes.get("server"), Some(&1));
    assert_eq!(summary.causes.get("lan"), Some(&3));
    assert_eq!(summary.causes.get("wifi"), Some(&3));
    assert_eq!(summary.roams, 1);
    assert_eq!(summary.patterns[0].pathology, "slow_roam");
}

/// The same reader serves `report`, `history --log`, `diagnose --log` and
/// `channels --from-log`: its messages name no command.
#[test]
fn open_errors_name_no_command() {
    let dir = std::env::temp_dir();
    let e = open(&dir).err().expect("a directory is refused");
    let text = e.to_string();
    for command in ["report", "history", "diagnose", "channels"] {
        assert!(!text.contains(command), "{text}");
    }
    assert!(text.contains("not a regular file"), "{text}");
}

/// A float in a log line reads back as the same number when written again
/// (the log_line fuzz target found 6.566666666666667e+74 read as
/// 6.566666666666666e74 by serde_json's default, not correctly rounded,
/// float parser).
#[test]
fn floats_read_back_exactly() {
    let text = r#"{"schema":"wifidiag.event/1","ts":"2026-11-28T22:37:40.623Z","iface":"wlan0","kind":"sample","connected":true,"bssid":null,"channel":null,"signal_dbm":-71,"tx_bitrate_mbps":6.566666666666667e+74,"tx_packets":null,"tx_retries":null,"tx_failed":1,"beacon_loss":0}
"#;
    let (first, _) = read_all(text.as_bytes());
    assert_eq!(first.len(), 1);
    let again: String = first.iter().map(line).collect();
    let (second, _) = read_all(again.as_bytes());
    assert_eq!(second, first, "{again}");
    assert!(again.contains("6.566666666666667e+74"), "{again}");
}
