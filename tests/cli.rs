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
