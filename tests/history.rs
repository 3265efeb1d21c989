//! `wifidiag history` end to end over syslog files (the fallback when a
//! machine keeps no journal): the real binary, a temporary /var/log. The
//! journal path is covered by tests/history-recorded (real journal files)
//! and the lab scenario `history`.

use std::process::{Command, Output};

fn wifidiag(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_wifidiag"))
        .args(args)
        .env("TZ", "UTC")
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

/// `wifidiag GLOBAL... history --source syslog --syslog-dir DIR --since S
/// --until U EXTRA...` over the hour of the recorded laptop's syslog.
fn history_over(dir: &tempdir::Dir, global: &[&str], until: &str, extra: &[&str]) -> Output {
    let d = dir.path().to_str().unwrap();
    let mut args: Vec<&str> = global.to_vec();
    args.extend(["history", "--source", "syslog", "--syslog-dir", d]);
    args.extend(["--since", "2026-12-03T09:00:00Z", "--until", until]);
    args.extend(extra);
    wifidiag(&args)
}

const HOUR_END: &str = "2026-12-03T10:00:00Z";

/// A laptop's syslog (rsyslog's RFC 3339 format, Debian 12) around an AP
/// that went away (the lab's interface and times, as in
/// tests/fixtures/journal/watch-wpa.jsonl): the kernel's and wpa_supplicant's own words, with an
/// sshd line between them that is not ours. The rotated file holds the
/// association.
fn syslog_dir(test: &str) -> tempdir::Dir {
    let dir = tempdir::Dir::new(test);
    std::fs::write(
        dir.path().join("syslog.1"),
        "2026-12-03T09:27:50.100000+00:00 reception kernel: [  101.000001] wlan2: authenticate with 02:00:00:00:00:00\n\
         2026-12-03T09:27:50.200000+00:00 reception kernel: [  101.100001] wlan2: associated\n\
         2026-12-03T09:27:50.300000+00:00 reception wpa_supplicant[812]: wlan2: CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:00:00 completed [id=0 id_str=]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("syslog"),
        "2026-12-03T09:28:07.047000+00:00 reception kernel: [  118.000001] wlan2: deauthenticated from 02:00:00:00:00:00 (Reason: 3=DEAUTH_LEAVING)\n\
         2026-12-03T09:28:07.050000+00:00 reception wpa_supplicant[812]: wlan2: CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:00:00 reason=3\n\
         2026-12-03T09:28:08.000000+00:00 reception sshd[990]: Accepted publickey for admin from 10.0.0.5 port 51234 ssh2\n\
         2026-12-03T09:28:09.900000+00:00 reception kernel: [  120.800001] wlan2: authenticate with 02:00:00:00:01:00\n\
         2026-12-03T09:28:10.000000+00:00 reception kernel: [  120.900001] wlan2: associated\n\
         2026-12-03T09:28:10.007000+00:00 reception wpa_supplicant[812]: wlan2: CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:01:00 completed [id=0 id_str=]\n",
    )
    .unwrap();
    dir
}

/// A temporary directory removed on drop (std only); one name per test
/// (the tests of one binary run side by side in one process).
mod tempdir {
    pub struct Dir(std::path::PathBuf);
    impl Dir {
        pub fn new(name: &str) -> Dir {
            let p = std::env::temp_dir().join(format!("wifidiag-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &std::path::Path {
            &self.0
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

#[test]
fn syslog_files_give_the_outage_the_roam_and_the_counts() {
    let dir = syslog_dir("outage");
    let out = history_over(&dir, &["--json"], HOUR_END, &[]);
    assert_eq!(out.status.code(), Some(6), "an outage was found");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "wifidiag.history/1");
    assert_eq!(doc["sources"][0]["source"], "syslog");
    assert_eq!(doc["sources"][0]["entries"], 9);
    let eps = doc["episodes"].as_array().unwrap();
    assert_eq!(eps.len(), 1, "{eps:#?}");
    assert_eq!(eps[0]["cause"], "wifi");
    assert_eq!(eps[0]["start"], "2026-12-03T09:28:07.047Z");
    assert_eq!(eps[0]["duration_ms"], 2953);
    let summary = eps[0]["summary"].as_str().unwrap();
    assert!(
        summary.contains("deauthenticated by 02:00:00:00:00:00 (reason 3"),
        "{summary}"
    );
    assert!(summary.contains("roamed to 02:00:00:00:01:00"), "{summary}");
    let deauth: Vec<_> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "deauth")
        .collect();
    assert_eq!(
        deauth.len(),
        1,
        "the kernel's and the supplicant's telling are one event"
    );
    assert_eq!(
        deauth[0]["told_by"],
        serde_json::json!(["kernel", "wpa_supplicant"])
    );
    assert_eq!(doc["roams"][0]["gap_ms"], 2953);
    assert_eq!(doc["days"][0]["day"], "2026-12-03");
}

#[test]
fn the_period_bounds_what_is_read() {
    let dir = syslog_dir("period");
    // Only the association, before the loss.
    let out = history_over(&dir, &["--json"], "2026-12-03T09:28:00Z", &[]);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["episodes"].as_array().unwrap().len(), 0);
    let events: Vec<_> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["told_by"].as_array().unwrap().len(),
            )
        })
        .collect();
    // The kernel's "authenticate with", then one connect told twice (the
    // kernel's "associated" takes its BSSID from the line before).
    assert_eq!(events, [("connecting", 1), ("connected", 2)]);
}

#[test]
fn redacted_history_hides_the_bssids() {
    let dir = syslog_dir("redacted");
    let out = history_over(&dir, &["--json", "--redact"], HOUR_END, &[]);
    assert_eq!(out.status.code(), Some(6));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("02:00:00:00:00:00"), "{text}");
    assert!(!text.contains("02:00:00:00:01:00"), "{text}");
    let out = history_over(&dir, &["--redact", "--color", "never"], HOUR_END, &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Outages (1)"), "{text}");
    assert!(!text.contains("02:00:00:00:00:00"), "{text}");
}

#[test]
fn bad_periods_are_usage_errors() {
    for args in [
        &["history", "--since", "yesterday-ish"][..],
        // Issue 9 item 5: once wrapped round to a year before now.
        &["history", "--since", "584543y"][..],
        &["history", "--until", "300000000000y"][..],
        &[
            "history",
            "--since",
            "2026-12-03T10:00:00Z",
            "--until",
            "2026-12-03T09:00:00Z",
        ][..],
    ] {
        let out = wifidiag(args);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("wifidiag: --"));
    }
}

#[test]
fn no_syslog_files_is_said() {
    let dir = tempdir::Dir::new("history-empty");
    let out = wifidiag(&[
        "history",
        "--source",
        "syslog",
        "--syslog-dir",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no log to read"));
}

#[test]
fn a_watch_log_adds_the_outages_the_system_logs_cannot_see() {
    // The watch log recorded in the lab under the wpa stack
    // (tests/fixtures/journal/watch-wpa.jsonl): the server down at 09:27:56
    // (nothing of it in any system log), then the AP switched off at 09:28:07.
    let dir = syslog_dir("watch-log");
    let log = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/journal/watch-wpa.jsonl"
    );
    let out = history_over(&dir, &["--json"], HOUR_END, &["--log", log]);
    assert_eq!(out.status.code(), Some(6));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let eps: Vec<_> = doc["episodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["cause"].as_str().unwrap(), e["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        eps,
        [("server", "watch_log"), ("wifi", "logs")],
        "the Wi-Fi outage counts once"
    );
    let wifi = doc["episodes"][1]["summary"].as_str().unwrap();
    assert!(
        wifi.contains("reason 3") && wifi.contains("watch's probes: "),
        "{wifi}"
    );
    assert_eq!(doc["sources"][1]["source"], "watch_log");
}

/// Issue 9 item 4, for `history`'s syslog files: what is not a regular file
/// (a device would never end, a FIFO would block) is refused before a byte
/// is read, with exit status 2 and one line.
#[test]
fn a_syslog_that_is_not_a_regular_file_is_refused() {
    let dir = tempdir::Dir::new("history-not-regular");
    let syslog = dir.path().join("syslog");
    let d = dir.path().to_str().unwrap();
    let args = ["history", "--source", "syslog", "--syslog-dir", d];
    let refused = |what: &str| {
        let out = wifidiag(&args);
        assert_eq!(out.status.code(), Some(2), "{what}");
        assert!(out.stdout.is_empty(), "{what}");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(
            err.contains(&format!("it is {what}, not a regular file")),
            "{what}: {err}"
        );
    };
    std::os::unix::fs::symlink("/dev/null", &syslog).unwrap();
    refused("a character device");
    std::fs::remove_file(&syslog).unwrap();
    std::fs::create_dir(&syslog).unwrap();
    refused("a directory");
    std::fs::remove_dir(&syslog).unwrap();
    let status = Command::new("mkfifo").arg(&syslog).status().unwrap();
    assert!(status.success());
    refused("a FIFO (named pipe)");
}

/// A syslog line longer than the reader's cap is skipped and counted, never
/// held in memory (a file without a newline must not be read whole).
#[test]
fn an_overlong_syslog_line_is_skipped_and_counted() {
    let dir = syslog_dir("history-overlong");
    let rotated = dir.path().join("syslog.1");
    let mut text = std::fs::read(&rotated).unwrap();
    text.extend(std::iter::repeat_n(b'x', 2 << 20));
    text.push(b'\n');
    std::fs::write(&rotated, text).unwrap();
    let out = history_over(&dir, &["--json"], HOUR_END, &[]);
    assert_eq!(out.status.code(), Some(6), "the outage is still found");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sources"][0]["entries"], 10, "{}", doc["sources"]);
    assert_eq!(doc["sources"][0]["malformed"], 1, "{}", doc["sources"]);
    assert_eq!(doc["roams"][0]["gap_ms"], 2953, "{}", doc["roams"]);
}
