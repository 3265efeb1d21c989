//! Runs the real binary. On failure each test prints the command, its exit
//! status, stdout and stderr, so a CI log alone explains it.

use std::path::Path;
use std::process::{Command, Output};

fn wifidiag(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_wifidiag"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run wifidiag");
    eprintln!(
        "$ wifidiag {}\nstatus: {:?}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// cfg80211 registers `/sys/class/ieee80211` when it is present; used only to
/// decide which of the two documented outcomes to expect.
fn kernel_has_wireless() -> bool {
    Path::new("/sys/class/ieee80211").exists()
}

#[test]
fn version_and_help() {
    let out = wifidiag(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("wifidiag {}\n", env!("CARGO_PKG_VERSION"))
    );

    let out = wifidiag(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("interfaces"), "{help}");
    assert!(help.contains("EXIT STATUS"), "{help}");
}

#[test]
fn usage_errors_exit_2() {
    for args in [&["--no-such-flag"][..], &[], &["frobnicate"]] {
        let out = wifidiag(args);
        assert_eq!(out.status.code(), Some(2), "args {args:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn interfaces_without_wireless_stack_is_one_clear_line() {
    if kernel_has_wireless() {
        eprintln!("this kernel has a wireless stack; covered by the lab scenarios");
        return;
    }
    for args in [&["interfaces"][..], &["interfaces", "--json"]] {
        let out = wifidiag(args);
        assert_eq!(
            out.status.code(),
            Some(3),
            "documented exit code for no nl80211"
        );
        assert!(out.stdout.is_empty(), "nothing on stdout");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
        assert!(
            stderr.starts_with("wifidiag: no wireless stack"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked") && !stderr.contains("os error"));
    }
}

#[test]
fn interfaces_with_wireless_stack_prints_a_document() {
    if !kernel_has_wireless() {
        eprintln!("no wireless stack here; see the lab scenarios");
        return;
    }
    let out = wifidiag(&["interfaces", "--json"]);
    assert!(matches!(out.status.code(), Some(0 | 4)));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "wifidiag.interfaces/1");
    assert!(doc["interfaces"].is_array());
}

#[test]
fn report_summarises_a_log_and_counts_corrupt_lines() {
    let dir = std::env::temp_dir().join(format!("wifidiag-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("events.jsonl");
    let lines = [
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:00.000Z","kind":"start","iface":"wlan0"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:00.000Z","kind":"disconnected","iface":"wlan0","reason":3,"reason_name":"leaving","by":"ap"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:03.000Z","kind":"outage","iface":"wlan0","target":"10.77.1.10:8443","cause":"wifi","duration_ms":3000,"summary":"the AP left"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:04.0"#, // torn by a crash
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:05:00.000Z","kind":"stop","iface":"wlan0"}"#,
    ];
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let path = log.to_str().unwrap();

    let out = wifidiag(&["report", path, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "a corrupt line is skipped, not fatal"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "wifidiag.report/1");
    assert_eq!(doc["lines"]["corrupt"], 1);
    assert_eq!(doc["lines"]["first_corrupt_line"], 4);
    assert_eq!(doc["lines"]["parsed"], 4);
    assert_eq!(doc["runs"], 1);
    assert_eq!(doc["causes"]["wifi"], 1);
    assert_eq!(doc["outages"][0]["summary"], "the AP left");
    assert_eq!(doc["disconnects"][0]["reason"], 3);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("skipped 1 line(s)") && stderr.contains("line 4"),
        "{stderr}"
    );

    let out = wifidiag(&["report", path]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("1 run(s)") && text.contains("1 outage(s)"),
        "{text}"
    );
    assert!(text.contains("Outages by cause: wifi 1"), "{text}");

    let missing = wifidiag(&["report", dir.join("nope.jsonl").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8(missing.stderr)
        .unwrap()
        .starts_with("wifidiag: reading"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the real binary once per argument list and expects a usage error:
/// exit 2, nothing on stdout, one line on stderr containing every needle.
fn expect_usage_error(args: &[&str], needles: &[&str]) {
    let out = wifidiag(args);
    assert_eq!(out.status.code(), Some(2), "args {args:?}");
    assert!(out.stdout.is_empty(), "args {args:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: {stderr:?} lacks {needle:?}"
        );
    }
    assert!(!stderr.contains("panicked"));
}

#[test]
fn watch_refuses_targets_that_are_not_one_host() {
    // Parsed before any kernel access, so this holds with or without Wi-Fi.
    for (target, word) in [
        ("255.255.255.255", "broadcast"),
        ("224.0.0.1:80", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("[::]:443", "unspecified"),
        ("0.1.2.3", "0.0.0.0/8"),
        ("::ffff:255.255.255.255", "broadcast"),
    ] {
        expect_usage_error(&["watch", "--target", target, "--for", "1s"], &[word]);
    }
}
