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

/// `--interval 300000000000y` used to pass parsing and abort on the first
/// `Instant + interval`. Parsing refuses it now, before any netlink is
/// opened, so the outcome is the same on every machine.
#[test]
fn an_overflowing_duration_is_a_usage_error_not_an_abort() {
    for args in [
        &["watch", "--interval", "300000000000y"][..],
        &["watch", "--for", "300000000000y"],
        &["scan", "--timeout", "300000000000y"],
    ] {
        let out = wifidiag(args);
        assert_eq!(out.status.code(), Some(2), "usage error for {args:?}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(!stderr.contains("panicked") && !stderr.contains("overflow"));
        // One error line naming the value, the flag and the range (clap adds
        // its "For more information, try '--help'." hint below it).
        let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{stderr}");
        assert!(errors[0].contains("300000000000y"), "{stderr}");
        assert!(errors[0].contains(args[1]), "{stderr}");
    }
    let out = wifidiag(&["watch", "--interval", "300000000000y"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("100ms..1h"), "{stderr}");
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
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:00.000Z","iface":"wlan0","kind":"start","version":"0.1.0","hostname":"laptop-7","targets":["10.77.1.10:8443"],"interval_ms":1000,"gateway":"10.77.0.1"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:00.000Z","iface":"wlan0","kind":"disconnected","bssid":null,"reason":3,"reason_name":"leaving","by":"ap"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:03.000Z","iface":"wlan0","kind":"outage","target":"10.77.1.10:8443","start":"2026-11-27T10:01:00.000Z","end":"2026-11-27T10:01:03.000Z","duration_ms":3000,"cause":"wifi","evidence":[{"ts":"2026-11-27T10:01:00.000Z","kind":"cqm_beacon_loss"}],"summary":"the AP left"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:04.0"#, // torn by a crash
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:02:00.000Z","iface":"wlan0","kind":"disconnected","bssid":null,"reason":"3","reason_name":"x","by":"ap"}"#, // wrong type
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:05:00.000Z","iface":"wlan0","kind":"stop","reason":"signal","outages":1}"#,
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
    assert_eq!(doc["schema"], "wifidiag.report/2");
    assert_eq!(
        doc["hostname"], "laptop-7",
        "the log's machine, not the reader's"
    );
    assert_eq!(doc["lines"]["corrupt"], 1);
    assert_eq!(doc["lines"]["first_corrupt_line"], 4);
    assert_eq!(doc["lines"]["invalid"], 1);
    assert_eq!(doc["lines"]["first_invalid_line"], 5);
    assert_eq!(doc["lines"]["events"], 4);
    assert_eq!(doc["runs"], 1);
    assert_eq!(doc["causes"]["wifi"], 1);
    assert_eq!(doc["outages"][0]["summary"], "the AP left");
    assert_eq!(doc["disconnects"][0]["reason"], 3);
    assert_eq!(doc["disconnects"][0]["count"], 1);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("skipped 1 line(s)") && stderr.contains("line 4"),
        "{stderr}"
    );
    assert!(
        stderr.contains("wrong type") && stderr.contains("line 5"),
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
        .starts_with("wifidiag: cannot read"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 9 item 10: a file with nothing of ours is not a clean report.
#[test]
fn report_of_a_file_without_events_says_so_with_its_own_status() {
    let dir = std::env::temp_dir().join(format!("wifidiag-report-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("garbage.jsonl");
    std::fs::write(&garbage, "hello\n{\"level\":\"info\"}\n\x01\x02\n").unwrap();
    let out = wifidiag(&["report", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no wifidiag event"), "{stderr}");
    let out = wifidiag(&["report", "/dev/zero"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a device is refused, not read forever"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 9 item 2: what a log says reaches a terminal escaped.
#[test]
fn report_escapes_what_the_log_says() {
    let dir = std::env::temp_dir().join(format!("wifidiag-report-esc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("events.jsonl");
    let line = r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:03.000Z","iface":"wlan0","kind":"outage","target":"emr\u001b]0;pwned\u0007:443","start":"2026-11-27T10:01:00.000Z","end":"2026-11-27T10:01:03.000Z","duration_ms":3000,"cause":"server","evidence":[],"summary":"fine\n| 1970 | forged |\u001b[2J"}"#;
    std::fs::write(&log, format!("{line}\n")).unwrap();
    let out = wifidiag(&["report", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(
        !text.lines().any(|l| l.starts_with("| 1970 | forged")),
        "{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 9 item 11: `report --redact` redacts the human summary too, not
/// only the JSON document (which is redacted once more as a whole).
#[test]
fn report_redacts_the_table_too() {
    let dir = std::env::temp_dir().join(format!("wifidiag-report-redact-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("events.jsonl");
    std::fs::write(
        &log,
        concat!(
            r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:00.000Z","iface":"wlan0","kind":"start","version":"0.1.0","hostname":"laptop-7","targets":[],"interval_ms":1000,"gateway":null}"#,
            "\n",
            r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:03.000Z","iface":"wlan0","kind":"outage","target":"10.77.1.10:8443","start":"2026-11-27T10:01:00.000Z","end":"2026-11-27T10:01:03.000Z","cause":"wifi","duration_ms":3000,"evidence":[],"summary":"the access point 00:1b:63:aa:bb:cc deauthenticated this laptop (2001:db8:1:2:21b:63ff:feaa:bbcc)"}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = wifidiag(&["--redact", "report", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("10.77.1.10:8443"), "{text}");
    for leak in ["00:1b:63:aa:bb:cc", "feaa:bbcc", "laptop-7"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn redact_key_gives_the_same_pseudonyms_in_every_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("wifidiag-redact-key-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("events.jsonl");
    std::fs::write(
        &log,
        concat!(
            r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:00.000Z","iface":"wlan0","kind":"start","version":"0.1.0","hostname":"laptop-7","targets":[],"interval_ms":1000,"gateway":null}"#,
            "\n",
            r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:03.000Z","iface":"wlan0","kind":"outage","target":"10.77.1.10:8443","start":"2026-11-27T10:01:00.000Z","end":"2026-11-27T10:01:03.000Z","cause":"wifi","duration_ms":3000,"evidence":[],"summary":"the access point 00:1b:63:aa:bb:cc deauthenticated this laptop (2001:db8:1:2:21b:63ff:feaa:bbcc)"}"#,
            "\n"
        ),
    )
    .unwrap();
    let key = dir.join("redact.key");
    let summary_with = |key: &Path| {
        let out = wifidiag(&[
            "report",
            log.to_str().unwrap(),
            "--json",
            "--redact-key",
            key.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["outages"][0]["summary"].as_str().unwrap().to_string()
    };
    let first = summary_with(&key);
    assert!(
        !first.contains("00:1b:63:aa:bb:cc") && !first.contains("feaa:bbcc"),
        "{first}"
    );
    assert!(first.contains("10.77.1.10") || first.contains("2001:db8:1:2:"));
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(summary_with(&key), first, "same key file, same pseudonyms");
    assert_ne!(summary_with(&dir.join("other.key")), first);

    // Unsafe key files: one clear line, exit 2, nothing on stdout.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = dir.join("link.key");
    std::os::unix::fs::symlink(dir.join("other.key"), &link).unwrap();
    for (bad, why) in [(&key, "chmod 600"), (&link, "symbolic link")] {
        let out = wifidiag(&[
            "report",
            log.to_str().unwrap(),
            "--redact-key",
            bad.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("wifidiag: the redaction key ") && err.contains(why),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
    }
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

/// A fresh directory for one test's files.
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("wifidiag-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn watch_with_targets_file(path: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "watch",
        "--targets-file",
        path.to_str().unwrap(),
        "--for",
        "1s",
    ];
    args.extend_from_slice(extra);
    wifidiag(&args)
}

#[test]
fn targets_file_must_be_a_regular_file() {
    // /dev/zero: once read to the end (2 GB a second, without end).
    expect_usage_error(
        &["watch", "--targets-file", "/dev/zero", "--for", "1s"],
        &["/dev/zero", "a character device", "not a regular file"],
    );
    let dir = scratch_dir("targets-kinds");
    expect_usage_error(
        &[
            "watch",
            "--targets-file",
            dir.to_str().unwrap(),
            "--for",
            "1s",
        ],
        &["a directory"],
    );

    // A FIFO with no writer: opening it for reading used to block for ever.
    // Should the open block again, the helper below becomes its writer and
    // hands it one valid target, so the test fails on the exit status
    // instead of hanging.
    let fifo = dir.join("targets.fifo");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo has no other precondition.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    let writer_path = fifo.clone();
    std::thread::spawn(move || {
        use std::io::Write;
        if let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(writer_path) {
            let _ = w.write_all(b"127.0.0.1\n");
        }
    });
    let out = watch_with_targets_file(&fifo, &[]);
    assert_eq!(out.status.code(), Some(2), "a FIFO is refused");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(
        stderr.contains("targets.fifo") && stderr.contains("a FIFO"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn targets_file_size_is_capped() {
    const LIMIT: usize = 64 * 1024;
    let dir = scratch_dir("targets-size");
    // Exactly at the limit: one target and comments. Accepted (whatever the
    // watch itself then finds: no Wi-Fi here, or a short watch).
    let mut text = String::from("127.0.0.1\n");
    let line = "# padding padding padding padding padding padding padding padding\n";
    while LIMIT - text.len() > line.len() {
        text.push_str(line);
    }
    match LIMIT - text.len() {
        1 => text.push('\n'),
        room => text.push_str(&format!("#{}\n", "-".repeat(room - 2))),
    }
    assert_eq!(text.len(), LIMIT);
    let at_limit = dir.join("at-limit");
    std::fs::write(&at_limit, &text).unwrap();
    let out = watch_with_targets_file(&at_limit, &[]);
    assert_ne!(out.status.code(), Some(2), "a file at the limit is read");

    // One byte more: refused, naming the file and the limit.
    let over = dir.join("over-limit");
    std::fs::write(&over, text + "\n").unwrap();
    expect_usage_error(
        &[
            "watch",
            "--targets-file",
            over.to_str().unwrap(),
            "--for",
            "1s",
        ],
        &["over-limit", "64 KiB"],
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn targets_are_capped_at_32_in_all() {
    let dir = scratch_dir("targets-count");
    // Loopback addresses: harmless should a watch really start.
    let lines = |n: usize| -> String { (1..=n).map(|i| format!("127.0.0.{i}\n")).collect() };
    let file = dir.join("targets");

    // Far more (the review tried 200k; the size cap alone stops that many).
    let big: String = (0..6000).map(|i| format!("h{i}\n")).collect();
    assert!(big.len() < 64 * 1024);
    std::fs::write(&file, &big).unwrap();
    expect_usage_error(
        &[
            "watch",
            "--targets-file",
            file.to_str().unwrap(),
            "--for",
            "1s",
        ],
        &["6000 targets", "at most 32"],
    );

    // 33 from the file alone, and 20 + 13 from both sources.
    std::fs::write(&file, lines(33)).unwrap();
    expect_usage_error(
        &[
            "watch",
            "--targets-file",
            file.to_str().unwrap(),
            "--for",
            "1s",
        ],
        &["33 targets", "at most 32", "targets-count"],
    );
    let mut args: Vec<String> = (1..=20)
        .flat_map(|i| ["--target".to_string(), format!("127.0.1.{i}")])
        .collect();
    std::fs::write(&file, lines(13)).unwrap();
    args.extend(["--targets-file", file.to_str().unwrap(), "--for", "1s"].map(String::from));
    let argv: Vec<&str> = std::iter::once("watch")
        .chain(args.iter().map(String::as_str))
        .collect();
    expect_usage_error(&argv, &["33 targets", "at most 32"]);

    // 20 + 12 = 32: accepted.
    std::fs::write(&file, lines(12)).unwrap();
    let out = wifidiag(&argv);
    assert_ne!(out.status.code(), Some(2), "32 targets are allowed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn watch_help_states_the_target_limits_in_force() {
    use wifidiag::watch::probe::target::{MAX_TARGETS, MAX_TARGETS_FILE_BYTES};
    let out = wifidiag(&["watch", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains(&format!("At most {MAX_TARGETS} targets")),
        "{help}"
    );
    assert!(
        help.contains(&format!("at most {} KiB", MAX_TARGETS_FILE_BYTES / 1024)),
        "{help}"
    );
}

/// Issue 9 item 10: a log the reader may not read is exit 5 (permission),
/// as documented, not 1. Needs a user who cannot read it: run as root,
/// the test drops to uid 65534 with setpriv (util-linux).
#[test]
fn report_of_an_unreadable_log_is_a_permission_error() {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 || Command::new("setpriv").arg("--version").output().is_err()
    {
        eprintln!("skipped: needs root and setpriv to read as another user");
        return;
    }
    let dir = std::env::temp_dir().join(format!("wifidiag-report-perm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = dir.join("events.jsonl");
    std::fs::write(&log, "{}\n").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_wifidiag"))
        .args(["report", log.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("permission denied"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 14: `--metrics-file` is refused under the `--log` rules before the
/// watch starts (no Wi-Fi needed to see it): a symlink in the path or at
/// the name, and a directory. One line naming the option, nothing written
/// through the link.
#[test]
fn metrics_file_refuses_symlinks_like_the_log() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch_dir("metrics-refused");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let real = dir.join("real");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, dir.join("link")).unwrap();
    std::os::unix::fs::symlink(real.join("target.prom"), dir.join("named.prom")).unwrap();
    for (path, why) in [
        (dir.join("link/wifidiag.prom"), "symbolic link"),
        (dir.join("named.prom"), "symbolic link"),
        (real.clone(), "a directory"),
    ] {
        let out = wifidiag(&[
            "watch",
            "--metrics-file",
            path.to_str().unwrap(),
            "--for",
            "1s",
        ]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{path:?}: {stderr}");
        assert!(out.stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
        assert!(
            stderr.starts_with("wifidiag: refusing to write metrics to ") && stderr.contains(why),
            "{stderr}"
        );
        assert!(!stderr.contains("--log"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_dir(&real).unwrap().count(),
        0,
        "nothing written"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A `scan` record as `watch --scan-every` writes it: (BSSID, SSID, MHz,
/// dBm, associated) per BSS.
fn scan_line(ts: &str, bsses: &[(&str, &str, u32, i32, bool)]) -> String {
    let bsses: Vec<serde_json::Value> = bsses
        .iter()
        .map(|(bssid, ssid, freq, signal, associated)| {
            serde_json::json!({
                "bssid": bssid, "ssid": ssid, "freq_mhz": freq,
                "channel": (freq - 2407) / 5, "width_mhz": 20,
                "center_freq_mhz": freq, "center_freq2_mhz": null,
                "signal_dbm": signal, "utilization_pct": null, "associated": associated
            })
        })
        .collect();
    serde_json::json!({
        "schema": "wifidiag.event/1", "ts": ts, "iface": "wlan0", "kind": "scan",
        "fresh": true, "bsses": bsses
    })
    .to_string()
}

fn channels_from_log(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_wifidiag"))
        .arg("channels")
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("run wifidiag");
    eprintln!(
        "$ TZ=UTC wifidiag channels {}\nstatus: {:?}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Issue 15: `channels --from-log` scores from the scans of watch logs, on
/// a machine without Wi-Fi (no netlink: this host has no nl80211), and a
/// neighbour heard in one scan of ten weighs a tenth, at the hour it was
/// there.
#[test]
fn channels_from_log_scores_the_logged_scans() {
    let dir = scratch_dir("fromlog");
    let own = ("02:00:00:00:01:00", "clinic", 2412, -40, true);
    let pharmacy = ("02:00:00:00:03:00", "Pharmacy", 2437, -50, false);
    let cafe = ("02:00:00:00:02:00", "Cafe", 2462, -50, false);
    let mut files = Vec::new();
    for (day, hours) in [("01", 8..13), ("02", 8..13)] {
        let mut lines = vec![r#"{"schema":"wifidiag.event/1","ts":"2026-12-01T07:59:00.000Z","iface":"wlan0","kind":"start","version":"0.1.0","hostname":"reception","targets":[],"interval_ms":1000,"gateway":null}"#.to_string()];
        for h in hours {
            let ts = format!("2026-12-{day}T{h:02}:00:00.000Z");
            let heard = if day == "02" && h == 12 {
                vec![own, pharmacy, cafe]
            } else {
                vec![own, pharmacy]
            };
            lines.push(scan_line(&ts, &heard));
        }
        lines.push(r#"{"schema":"wifidiag.event/1","ts":"2026-12-0"#.into()); // torn
        let path = dir.join(format!("day{day}.jsonl"));
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        files.push(path.to_str().unwrap().to_string());
    }
    let mut args: Vec<&str> = vec!["--from-log"];
    args.extend(files.iter().map(String::as_str));
    args.push("--json");
    let out = channels_from_log(&args);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "wifidiag.channels/1");
    assert_eq!(doc["source"], "log");
    assert_eq!(doc["samples"], 10);
    assert_eq!(doc["logs"]["samples"], 10);
    assert_eq!(doc["logs"]["days"], 2);
    assert_eq!(doc["logs"]["first_ts"], "2026-12-01T08:00:00.000Z");
    assert_eq!(doc["logs"]["last_ts"], "2026-12-02T12:00:00.000Z");
    assert_eq!(doc["logs"]["lines"]["corrupt"], 2);
    assert_eq!(
        doc["own_ssid"], "clinic",
        "the SSID associated in the scans"
    );
    let contributor = |channel: u64, bssid: &str| -> serde_json::Value {
        doc["channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["band"] == "2.4GHz" && c["channel"] == channel)
            .and_then(|c| {
                c["contributors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["bssids"][0] == bssid)
                    .cloned()
            })
            .unwrap_or_else(|| panic!("no {bssid} on {channel}"))
    };
    let (c, p) = (contributor(11, cafe.0), contributor(6, pharmacy.0));
    assert_eq!(c["presence"], 0.1);
    assert_eq!(p["presence"], 1.0);
    let (wc, wp) = (c["weight"].as_f64().unwrap(), p["weight"].as_f64().unwrap());
    assert!((wc - wp / 10.0).abs() <= 0.01, "café {wc}, pharmacy {wp}");
    assert_eq!(c["present_hours"], "12:00–13:00");
    assert_eq!(
        c["presence_by_hour"][12], 0.5,
        "heard at noon on one day of two"
    );
    assert_eq!(c["presence_by_hour"][8], 0.0);
    assert!(c["presence_by_hour"][3].is_null(), "no scan at 03:00");
    assert!(p["present_hours"].is_null(), "always there");
    let rec = &doc["recommendations"][0];
    assert_eq!(rec["band"], "2.4GHz");
    assert_eq!(rec["current_channel"], 1);
    assert_eq!(rec["confidence"], "low", "10 scans over 2 days");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("skipped 1 line(s)"), "{stderr}");

    // The page says where the scores come from and when the café is there.
    let out = channels_from_log(&args[..args.len() - 1]);
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains("from the scans of 2 watch logs (10 scans over 2 days"),
        "{page}"
    );
    assert!(
        page.contains("\"Cafe\" on 11 at -50 dBm: present in 10 % of the scans, 12:00–13:00"),
        "{page}"
    );

    // Redacted: no name or address of the logs is left.
    let mut redacted = args.clone();
    redacted.push("--redact");
    let out = channels_from_log(&redacted);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"own_ssid\": \"ssid-"), "{text}");
    for secret in [
        "Cafe",
        "Pharmacy",
        "clinic",
        "02:00:00:00:02:00",
        "reception",
    ] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // `report` reads the same logs, scan records included, and ignores them.
    let out = wifidiag(&["report", &files[0], "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["lines"]["events"], 6);
    assert_eq!(report["lines"]["unknown_kind"], 0);
    assert_eq!(report["outage_count"], 0);

    // No scan record at all: a clear line and its own status.
    let bare = dir.join("bare.jsonl");
    std::fs::write(&bare, r#"{"schema":"wifidiag.event/1","ts":"2026-12-01T07:59:00.000Z","iface":"wlan0","kind":"stop","reason":"signal","outages":0}"#.to_string() + "\n").unwrap();
    let out = channels_from_log(&["--from-log", bare.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(8));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no scan record") && stderr.contains("--scan-every"),
        "{stderr}"
    );
    // No scanning option goes with it.
    let out = channels_from_log(&["--from-log", bare.to_str().unwrap(), "--samples", "3"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `report DIR`: the logs of several laptops collected in one directory,
/// grouped by machine, site, interface and day; `--site` is accepted by
/// watch and redacted like a host name.
#[test]
fn report_over_a_directory_groups_by_machine_and_site() {
    let dir = scratch_dir("fleet");
    let line = |ts: &str, kind: &str| {
        format!(r#"{{"schema":"wifidiag.event/1","ts":"{ts}","iface":"wlan0",{kind}}}"#)
    };
    let start = |ts: &str, host: &str, site: &str| {
        line(
            ts,
            &format!(
                r#""kind":"start","version":"0.1.0","hostname":"{host}","site":"{site}","targets":["emr:443"],"interval_ms":1000,"gateway":null"#
            ),
        )
    };
    let outage = |ts: &str, cause: &str| {
        line(
            ts,
            &format!(
                r#""kind":"outage","target":"emr:443","start":"{ts}","end":"{ts}","duration_ms":4000,"cause":"{cause}","evidence":[],"summary":"x""#
            ),
        )
    };
    std::fs::write(
        dir.join("laptop-a.jsonl"),
        [
            start("2026-12-01T08:00:00.000Z", "reception", "north"),
            outage("2026-12-01T09:00:00.000Z", "wifi"),
            outage("2026-12-02T09:00:00.000Z", "wifi"),
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("laptop-b.jsonl"),
        [
            start("2026-12-01T08:00:00.000Z", "exam-2", "south"),
            outage("2026-12-01T10:00:00.000Z", "server"),
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    // Left out: the writer's lock, a compressed rotation, a hidden file.
    std::fs::write(dir.join("laptop-a.jsonl.lock"), "").unwrap();
    std::fs::write(dir.join("old.jsonl.1.gz"), [0x1f, 0x8b]).unwrap();
    std::fs::write(dir.join(".wifidiag.prom.tmp"), "x").unwrap();

    let out = wifidiag(&["report", dir.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{files:?}");
    assert_eq!(doc["lines"]["corrupt"], 0);
    let groups = doc["groups"].as_array().unwrap();
    let find = |host: &str, day: &str| {
        groups
            .iter()
            .find(|g| g["host"] == host && g["day"] == day)
            .unwrap_or_else(|| panic!("no {host} {day} in {groups:#?}"))
    };
    assert_eq!(find("reception", "2026-12-01")["site"], "north");
    assert_eq!(find("reception", "2026-12-02")["causes"]["wifi"], 1);
    assert_eq!(find("exam-2", "2026-12-01")["causes"]["server"], 1);
    assert_eq!(find("exam-2", "2026-12-01")["downtime_ms"], 4000);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("skipped 1 compressed log"), "{stderr}");

    let text = wifidiag(&["report", dir.to_str().unwrap()]);
    let page = String::from_utf8(text.stdout).unwrap();
    assert!(page.contains("Per machine"), "{page}");
    assert!(
        page.contains("reception") && page.contains("north"),
        "{page}"
    );

    let red = wifidiag(&["report", dir.to_str().unwrap(), "--json", "--redact"]);
    let red = String::from_utf8(red.stdout).unwrap();
    for secret in ["north", "south", "reception", "exam-2"] {
        assert!(!red.contains(secret), "{secret} in {red}");
    }
    assert!(red.contains("\"site\": \"site-"), "{red}");

    // watch --site: checked while the command line is parsed (clap's usage
    // error, exit 2), before any kernel access.
    let long = "x".repeat(65);
    for bad in ["", long.as_str(), "a\u{7}b"] {
        let out = wifidiag(&["watch", "--site", bad]);
        assert_eq!(out.status.code(), Some(2), "--site {bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("site label"), "{err}");
    }
}

/// Issue 13: `report --html` writes one self-contained page of a real lab
/// log (three causes shaded), and the text report on stdout stays as it was.
#[test]
fn report_html_writes_a_self_contained_page_and_keeps_the_text_report() {
    let dir = scratch_dir("report-html");
    let page = dir.join("report.html");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/watch/lab-watch.jsonl"
    );
    let plain = wifidiag(&["report", fixture]);
    let out = wifidiag(&["report", fixture, "--html", page.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, plain.stdout, "the text report is unchanged");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("7 outages in"), "{html}");
    for cause in ["wifi", "lan", "server"] {
        assert!(
            html.contains(&format!("<rect class=\"band {cause}\"")),
            "no {cause} band"
        );
    }
    assert!(!html.contains("<script") && !html.contains("href=") && !html.contains("src="));
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("report.html")]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 13: an unwritable page is one line and the documented failure status.
#[test]
fn report_html_to_an_unwritable_place_is_one_line() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/watch/lab-watch.jsonl"
    );
    let out = wifidiag(&["report", fixture, "--html", "/nonexistent-dir/report.html"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("/nonexistent-dir/report.html"), "{err}");
}

/// Issue 13: `--redact` covers the whole page: no MAC, BSSID, SSID, host
/// name or address of the log appears anywhere in it.
#[test]
fn report_html_redacts_the_whole_page() {
    let dir = scratch_dir("report-html-redact");
    let log = dir.join("events.jsonl");
    let lines = [
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:00.000Z","iface":"wlan0","kind":"start","version":"0.1.0","hostname":"laptop-7","targets":["emr.clinic.lan:443","10.77.1.10"],"interval_ms":1000,"gateway":"10.77.0.1"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:00.100Z","iface":"wlan0","kind":"connected","bssid":"00:1b:63:aa:bb:cc","freq_mhz":2412,"channel":1,"ssid":"ClinicPrivate","status":0,"status_name":"success"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:01.000Z","iface":"wlan0","kind":"sample","connected":true,"bssid":"00:1b:63:aa:bb:cc","channel":1,"signal_dbm":-61,"tx_bitrate_mbps":54.0,"tx_packets":3,"tx_retries":0,"tx_failed":0,"beacon_loss":0}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:02.000Z","iface":"wlan0","kind":"probe","target":"10.77.1.10","role":"target","method":"icmp_raw","outcome":"ok","ok":true,"rtt_ms":3.2,"detail":null}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:03.000Z","iface":"wlan0","kind":"deauth","bssid":"00:1b:63:aa:bb:cc","reason":3,"reason_name":"deauth_leaving","by":"ap"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:04.000Z","iface":"wlan0","kind":"roamed","from_bssid":"00:1b:63:aa:bb:cc","to_bssid":"00:1b:63:dd:ee:ff","from_channel":1,"to_channel":6,"signal_before_dbm":-75,"signal_after_dbm":-50,"gap_ms":120}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:00:05.000Z","iface":"wlan0","kind":"address_added","address":"2001:db8:1:2:21b:63ff:feaa:bbcc"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:03.000Z","iface":"wlan0","kind":"outage","target":"10.77.1.10","start":"2026-11-27T10:01:00.000Z","end":"2026-11-27T10:01:03.000Z","cause":"wifi","duration_ms":3000,"evidence":[{"ts":"2026-11-27T10:01:00.000Z","kind":"deauth","bssid":"00:1b:63:aa:bb:cc","reason":3,"reason_name":"deauth_leaving","by":"ap"}],"summary":"the access point 00:1b:63:aa:bb:cc deauthenticated this laptop (2001:db8:1:2:21b:63ff:feaa:bbcc)"}"#,
        r#"{"schema":"wifidiag.event/1","ts":"2026-11-27T10:01:04.000Z","iface":"wlan0","kind":"pathology","pathology":"ping_pong","summary":"roamed between 00:1b:63:aa:bb:cc and 00:1b:63:dd:ee:ff"}"#,
    ];
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let page = dir.join("page.html");
    let out = wifidiag(&[
        "report",
        log.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let plain = std::fs::read_to_string(&page).unwrap().to_lowercase();
    let secrets = [
        "00:1b:63:aa:bb:cc",
        "00:1b:63:dd:ee:ff",
        "clinicprivate",
        "laptop-7",
        "feaa:bbcc",
    ];
    for s in secrets {
        assert!(
            plain.contains(s),
            "the test input lacks {s} on the plain page"
        );
    }
    let out = wifidiag(&[
        "--redact",
        "report",
        log.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let redacted = std::fs::read_to_string(&page).unwrap().to_lowercase();
    assert!(redacted.contains("<rect class=\"band wifi\""));
    for s in secrets {
        assert!(!redacted.contains(s), "{s} on the redacted page");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 13: a `wifidiag.diagnose/1` document is accepted beside the logs
/// by `report --html`: its headline and checks become a section of the page.
#[test]
fn report_html_takes_a_diagnose_document_too() {
    let dir = scratch_dir("report-html-diagnose");
    let doc = dir.join("diagnose.json");
    std::fs::write(
        &doc,
        r#"{
  "schema": "wifidiag.diagnose/1",
  "tool_version": "0.1.0",
  "timestamp": "2026-12-03T10:00:00.000Z",
  "hostname": "laptop-7",
  "interface": "wlan0",
  "duration_ms": 31000,
  "probe_duration_ms": 30000,
  "targets": ["10.77.1.10:8443"],
  "result": "problem",
  "headline": {"text": "Channel 6 is congested <b>now</b>: move to channel 1", "cause": "wifi_degraded", "confidence": "medium", "because": ["radio.congestion"]},
  "counts": {"ok": 1, "warn": 0, "fail": 1, "not_run": 0},
  "scan": {"fresh": true, "method": "passive", "notice": null, "bsses": 4, "hidden_bsses": 0},
  "checks": [
    {"id": "link.associated", "area": "link", "title": "Association", "status": "ok", "finding": "associated on channel 6 for 2 min", "evidence": []},
    {"id": "radio.congestion", "area": "radio", "title": "Channel congestion", "status": "fail", "finding": "channel 6 scores 2.2", "next_step": "move the access point to channel 1", "evidence": []}
  ]
}
"#,
    )
    .unwrap();
    let page = dir.join("page.html");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/watch/lab-watch.jsonl"
    );
    // Alone: the page is the diagnosis.
    let out = wifidiag(&[
        "report",
        doc.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "no line is skipped as corrupt");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("Channel 6 is congested &lt;b&gt;now&lt;/b&gt;: move to channel 1"),
        "{html}"
    );
    assert!(
        html.contains("Channel congestion") && html.contains("move the access point to channel 1")
    );
    assert!(html.contains("class=\"status fail\""));
    // Beside a log: both.
    let out = wifidiag(&[
        "report",
        fixture,
        doc.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Channel congestion") && html.contains("<rect class=\"band server\""));
    // Redacted: the host name goes.
    let out = wifidiag(&[
        "--redact",
        "report",
        doc.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Channel congestion") && !html.contains("laptop-7"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 13: a `wifidiag.channels/1` document among the files draws the
/// channel picture: a score per channel as bars, current and recommended.
#[test]
fn report_html_draws_the_channels_of_a_channels_document() {
    let dir = scratch_dir("report-html-channels");
    let doc = dir.join("channels.json");
    let ch = |c: u16, f: u32, score: f64| {
        format!(
            r#"{{"channel": {c}, "freq_mhz": {f}, "band": "2.4GHz", "score": {score}, "bss_count": 1, "radio_count": 1, "strongest_dbm": -50, "utilization_pct": null, "busy_pct": null, "dfs": false, "no_ir": false, "psc": false, "allowed": true, "contributors": []}}"#
        )
    };
    std::fs::write(
        &doc,
        format!(
            r#"{{
  "schema": "wifidiag.channels/1",
  "timestamp": "2026-12-03T10:00:00.000Z",
  "hostname": "laptop-7",
  "interface": "wlan0",
  "own_ssid": "<b>clinic</b>",
  "width_mhz": 20,
  "confidence": "high",
  "recommendations": [{{"band": "2.4GHz", "channel": 6, "width_mhz": 20, "current_channel": 1, "score": 0.25, "current_score": 2.25, "confidence": "high", "reasons": ["move from channel 1 to 6"], "contributors": []}}],
  "channels": [{}, {}, {}],
  "own_network": [{{"bssids": ["02:00:00:00:00:00"], "ssids": ["clinic"], "band": "2.4GHz", "channel": 1, "width_mhz": 20, "signal_dbm": -30}}]
}}
"#,
            ch(1, 2412, 2.25),
            ch(6, 2437, 0.25),
            ch(11, 2462, 1.0)
        ),
    )
    .unwrap();
    let page = dir.join("page.html");
    let out = wifidiag(&[
        "report",
        doc.to_str().unwrap(),
        "--html",
        page.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<rect class=\"bar").count(), 3, "{html}");
    assert!(html.contains("<rect class=\"bar current\""));
    assert!(html.contains("<rect class=\"bar recommended\""));
    assert!(html.contains("move from channel 1 to 6"));
    assert!(html.contains("&lt;b&gt;clinic&lt;/b&gt;") && !html.contains("<b>clinic"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 13's channel picture from the watch logs themselves: their `scan`
/// records (`watch --scan-every`) become the bar chart, scored as
/// `channels --from-log` scores them, when no channels document is given;
/// with --redact no BSSID of them is on the page.
#[test]
fn report_html_draws_the_channels_of_the_logs_scan_records() {
    let dir = scratch_dir("report-html-logscans");
    let own = ("02:00:00:00:01:00", "clinic", 2412, -40, true);
    let busy = ("02:00:00:00:03:00", "Pharmacy", 2412, -45, false);
    let busy2 = ("02:00:00:00:04:00", "Lab", 2412, -50, false);
    let mut lines = vec![r#"{"schema":"wifidiag.event/1","ts":"2026-12-01T07:59:00.000Z","iface":"wlan0","kind":"start","version":"0.1.0","hostname":"reception","targets":[],"interval_ms":1000,"gateway":null}"#.to_string()];
    for h in 8..14 {
        lines.push(scan_line(
            &format!("2026-12-01T{h:02}:00:00.000Z"),
            &[own, busy, busy2],
        ));
    }
    let log = dir.join("watch.jsonl");
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let page = dir.join("page.html");
    let run = |redact: bool| {
        let mut args = vec![];
        if redact {
            args.push("--redact");
        }
        args.extend([
            "report",
            log.to_str().unwrap(),
            "--html",
            page.to_str().unwrap(),
        ]);
        let out = wifidiag(&args);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        std::fs::read_to_string(&page).unwrap()
    };
    let html = run(false);
    // 2.4 GHz 1..11 assumed, each a bar; ours on 1, a quieter one marked.
    assert!(html.matches("<rect class=\"bar").count() >= 11, "{html}");
    assert!(html.contains("<rect class=\"bar current\""), "{html}");
    assert!(html.contains("<rect class=\"bar recommended\""), "{html}");
    assert!(html.contains("the scan records of the logs"), "{html}");
    let html = run(true);
    assert!(html.contains("<rect class=\"bar current\""), "{html}");
    for secret in [
        "02:00:00:00:03:00",
        "02:00:00:00:04:00",
        "Pharmacy",
        ">clinic<",
    ] {
        assert!(!html.contains(secret), "{secret} on the redacted page");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Issue 13: `report --bundle` packs the page, the reports, the records
/// around each outage and a README; with `--redact` no file in it names an
/// access point, a network or the machine (checked in every file, and the
/// same bundle without `--redact` does name them: the search can fail).
#[test]
fn report_bundle_holds_everything_and_redaction_holds_in_every_file() {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/watch/lab-watch.jsonl"
    );
    let secrets = [
        "02:00:00:00:00:00",
        "02:00:00:00:01:00",
        "wifidiag-lab",
        "\"clinic\"",
    ];
    for redact in [false, true] {
        let dir = scratch_dir(if redact { "bundle-red" } else { "bundle" });
        let bundle = dir.join("ticket.tar.gz");
        let mut args = vec!["report", fixture, "--bundle", bundle.to_str().unwrap()];
        if redact {
            args.push("--redact");
        }
        let out = wifidiag(&args);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let unpack = Command::new("tar")
            .args([
                "-xzf",
                bundle.to_str().unwrap(),
                "-C",
                dir.to_str().unwrap(),
            ])
            .status()
            .expect("tar");
        assert!(unpack.success());
        let root = dir.join("wifidiag-report");
        let mut found = Vec::new();
        for name in [
            "README.txt",
            "report.html",
            "report.json",
            "report.txt",
            "excerpts.jsonl",
        ] {
            let text =
                std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!text.is_empty(), "{name} is empty");
            for s in secrets {
                if text.contains(s) {
                    found.push(format!("{name}: {s}"));
                }
            }
        }
        let excerpts = std::fs::read_to_string(root.join("excerpts.jsonl")).unwrap();
        assert!(
            excerpts.lines().any(|l| l.contains("\"kind\":\"outage\"")),
            "the outages' own records are among the excerpts"
        );
        if redact {
            assert!(found.is_empty(), "redacted bundle still names: {found:?}");
        } else {
            assert!(
                found.iter().any(|f| f.starts_with("excerpts.jsonl")),
                "without --redact the excerpts name the access points: {found:?}"
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A portal URL the check cannot use is refused before anything is
/// measured (no wireless stack is needed to see it).
#[test]
fn diagnose_refuses_a_portal_url_it_cannot_check() {
    for url in [
        "https://nmcheck.gnome.org/",
        "http://user:pw@check/",
        "http://check:0/",
        "nmcheck.gnome.org",
    ] {
        let out = wifidiag(&["diagnose", "--portal-url", url]);
        assert_eq!(out.status.code(), Some(2), "{url}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.starts_with("wifidiag: --portal-url ") && stderr.lines().count() == 1,
            "{url}: {stderr}"
        );
    }
}
