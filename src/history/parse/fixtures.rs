//! Every line of the journals recorded in the lab
//! (tests/fixtures/journal/{wpa,nm,iwd}.json, `journalctl -o json`; see the
//! README.md there for what happened when) through [`parse`], and the facts
//! that README says must be found.

use super::parse;
use crate::history::{Fact, FactKind, LogLine, Origin};
use crate::model::MacAddr;
use crate::watch::event::Initiator;

const AP1: MacAddr = MacAddr([2, 0, 0, 0, 0, 0]);
const AP6: MacAddr = MacAddr([2, 0, 0, 0, 1, 0]);

/// One journal entry that `history` reads.
struct Entry {
    usec: u64,
    origin: Origin,
    message: String,
}

/// What one recorded journal holds: its entries and the scenario's steps
/// (`SYSLOG_IDENTIFIER=lab-scenario`).
struct Journal {
    entries: Vec<Entry>,
    steps: Vec<(u64, String)>,
}

fn journal(stack: &str) -> Journal {
    let path = format!(
        "{}/tests/fixtures/journal/{stack}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut entries = Vec::new();
    let mut steps = Vec::new();
    for line in text.lines() {
        let object: serde_json::Value = serde_json::from_str(line).expect(line);
        let field = |name: &str| object.get(name).and_then(|v| v.as_str());
        let usec: u64 = field("__REALTIME_TIMESTAMP").unwrap().parse().unwrap();
        // A MESSAGE that is not UTF-8 is an array of bytes in journalctl's
        // JSON; the recorded journals have none.
        let message = field("MESSAGE").expect(line).to_owned();
        let identifier = field("SYSLOG_IDENTIFIER").unwrap_or("");
        if identifier == "lab-scenario" {
            steps.push((usec, message));
            continue;
        }
        let origin = if field("_TRANSPORT") == Some("kernel") {
            Origin::Kernel
        } else {
            match Origin::from_identifier(identifier) {
                Some(origin) => origin,
                None => continue,
            }
        };
        entries.push(Entry {
            usec,
            origin,
            message,
        });
    }
    Journal { entries, steps }
}

impl Journal {
    /// Every fact, with its time and origin.
    fn facts(&self) -> Vec<(u64, Origin, Fact)> {
        self.entries
            .iter()
            .filter_map(|e| {
                let line = LogLine {
                    usec: e.usec,
                    origin: e.origin,
                    message: &e.message,
                };
                parse(&line).map(|fact| (e.usec, e.origin, fact))
            })
            .collect()
    }

    /// When the step whose message ends with `suffix` was done.
    fn step(&self, suffix: &str) -> u64 {
        self.steps
            .iter()
            .find(|(_, m)| m.ends_with(suffix))
            .unwrap_or_else(|| panic!("no step {suffix:?}"))
            .0
    }

    /// The facts from `from` (inclusive) to `to` (exclusive).
    fn between(&self, from: u64, to: u64) -> Vec<(Origin, Fact)> {
        self.facts()
            .into_iter()
            .filter(|(usec, _, _)| (from..to).contains(usec))
            .map(|(_, origin, fact)| (origin, fact))
            .collect()
    }
}

fn has(facts: &[(Origin, Fact)], origin: Origin, iface: Option<&str>, kind: FactKind) -> bool {
    facts
        .iter()
        .any(|(o, f)| *o == origin && f.iface.as_deref() == iface && f.kind == kind)
}

fn assert_has(facts: &[(Origin, Fact)], origin: Origin, iface: Option<&str>, kind: FactKind) {
    assert!(
        has(facts, origin, iface, kind.clone()),
        "{origin:?} {iface:?} {kind:?} not in {facts:#?}"
    );
}

/// The steps every stack went through, checked on one journal: `ours` are
/// the facts its connection manager must give for the AP switched off.
fn common_steps(j: &Journal, iface: &str) -> Vec<(Origin, Fact)> {
    let k = Origin::Kernel;
    // The server stopping is not in the journal: no fact at all then.
    let quiet = j.between(j.step("server down"), j.step("server up"));
    assert_eq!(quiet, vec![], "facts while only the server was down");

    // The AP switched off, and the stack reconnecting to the other one.
    let off = j.between(
        j.step("(02:00:00:00:00:00) disabled"),
        j.step("by the stack"),
    );
    assert_has(
        &off,
        k,
        Some(iface),
        FactKind::Deauth {
            bssid: Some(AP1),
            reason: 3,
            by: Initiator::Ap,
        },
    );
    assert_has(
        &off,
        k,
        Some(iface),
        FactKind::Connecting { bssid: Some(AP6) },
    );
    assert_has(
        &off,
        k,
        Some(iface),
        FactKind::Connected {
            bssid: None,
            ssid: None,
        },
    );

    // Nobody roamed, in the whole journal.
    assert!(
        !j.facts()
            .iter()
            .any(|(_, _, f)| matches!(f.kind, FactKind::Roamed { .. })),
        "a roam"
    );
    off
}

#[test]
fn wpa_supplicant_journal() {
    let j = journal("wpa");
    let w = Origin::WpaSupplicant;
    let off = common_steps(&j, "wlan2");
    assert_has(
        &off,
        w,
        Some("wlan2"),
        FactKind::Disconnected {
            bssid: Some(AP1),
            reason: Some(3),
            by: Some(Initiator::Ap),
        },
    );
    assert_has(
        &off,
        w,
        Some("wlan2"),
        FactKind::Connecting { bssid: Some(AP6) },
    );
    assert_has(
        &off,
        w,
        Some("wlan2"),
        FactKind::Connected {
            bssid: Some(AP6),
            ssid: None,
        },
    );
    // The fading AP: a low-signal alarm from bgscan's threshold.
    let fade = j.between(j.step("20 -> 0 dBm"), j.step("no roam within 45 s"));
    assert_has(
        &fade,
        w,
        Some("wlan2"),
        FactKind::Signal {
            dbm: -50,
            below_threshold: Some(true),
        },
    );
    // The first connection, before any step.
    let start = j.between(
        0,
        j.step("associated with 02:00:00:00:00:00 (ap1), 10.77.0.100/24"),
    );
    assert_has(
        &start,
        w,
        Some("wlan2"),
        FactKind::Connected {
            bssid: Some(AP1),
            ssid: None,
        },
    );
}

#[test]
fn network_manager_journal() {
    let j = journal("nm");
    let (k, w, n) = (
        Origin::Kernel,
        Origin::WpaSupplicant,
        Origin::NetworkManager,
    );
    // The wpa stack's stop, written after its journald had gone.
    let first = j.between(
        0,
        j.step("associated with 02:00:00:00:00:00 (ap1), 10.77.0.100/24"),
    );
    assert_has(
        &first,
        k,
        Some("wlan2"),
        FactKind::Deauth {
            bssid: Some(AP6),
            reason: 3,
            by: Initiator::Local,
        },
    );
    // NetworkManager's view of the first connection.
    assert_has(
        &first,
        n,
        Some("wlan3"),
        FactKind::Connected {
            bssid: None,
            ssid: Some("clinic".into()),
        },
    );
    assert_has(
        &first,
        n,
        None,
        FactKind::Connectivity {
            state: crate::history::Connectivity::Full,
        },
    );
    assert_has(
        &first,
        n,
        Some("wlan3"),
        FactKind::DeviceState {
            from: "secondaries".into(),
            to: "activated".into(),
            reason: None,
        },
    );

    let off = common_steps(&j, "wlan3");
    assert_has(
        &off,
        w,
        Some("wlan3"),
        FactKind::Disconnected {
            bssid: Some(AP1),
            reason: Some(3),
            by: Some(Initiator::Ap),
        },
    );
    assert_has(
        &off,
        n,
        Some("wlan3"),
        FactKind::Disconnected {
            bssid: None,
            reason: None,
            by: None,
        },
    );
    assert_has(
        &off,
        w,
        Some("wlan3"),
        FactKind::Connected {
            bssid: Some(AP6),
            ssid: None,
        },
    );
    // wpa_supplicant reconnected within half a second: the activation never
    // dropped, so no device state change then.
    assert!(
        !off.iter()
            .any(|(_, f)| matches!(f.kind, FactKind::DeviceState { .. })),
        "{off:#?}"
    );

    let fade = j.between(j.step("20 -> 0 dBm"), j.step("no roam within 45 s"));
    assert_has(
        &fade,
        w,
        Some("wlan3"),
        FactKind::Signal {
            dbm: -50,
            below_threshold: Some(true),
        },
    );

    // The stack stopping.
    let stop = j.between(j.step("nm: stopping the stack"), u64::MAX);
    assert_has(
        &stop,
        n,
        Some("wlan3"),
        FactKind::DeviceState {
            from: "activated".into(),
            to: "deactivating".into(),
            reason: Some("unmanaged".into()),
        },
    );
    assert_has(
        &stop,
        k,
        Some("wlan3"),
        FactKind::Deauth {
            bssid: Some(AP6),
            reason: 3,
            by: Initiator::Local,
        },
    );
    assert_has(
        &stop,
        w,
        Some("wlan3"),
        FactKind::Disconnected {
            bssid: Some(AP6),
            reason: Some(3),
            by: Some(Initiator::Local),
        },
    );
    assert_has(
        &stop,
        n,
        None,
        FactKind::Connectivity {
            state: crate::history::Connectivity::None,
        },
    );
}

#[test]
fn iwd_journal() {
    let j = journal("iwd");
    let i = Origin::Iwd;
    let off = common_steps(&j, "wlan4");
    assert_has(
        &off,
        i,
        None,
        FactKind::Disconnected {
            bssid: None,
            reason: Some(3),
            by: Some(Initiator::Ap),
        },
    );
    let stop = j.between(j.step("iwd: stopping the stack"), u64::MAX);
    assert_has(
        &stop,
        Origin::Kernel,
        Some("wlan4"),
        FactKind::Deauth {
            bssid: Some(AP6),
            reason: 3,
            by: Initiator::Local,
        },
    );
    // iwd 2.3 says nothing else we read: its capability dump at start is
    // most of its lines.
    let from_iwd = j.facts().into_iter().filter(|(_, o, _)| *o == i).count();
    assert_eq!(from_iwd, 1);
}

/// `ORIGIN IFACE Kind`, the kind's name without its fields.
fn brief(origin: Origin, fact: &Fact) -> String {
    let kind = format!("{:?}", fact.kind);
    let name = kind.split([' ', '{', '(']).next().unwrap_or("").to_owned();
    format!(
        "{} {} {name}",
        origin.label(),
        fact.iface.as_deref().unwrap_or("-")
    )
}

#[test]
fn every_fact_of_every_journal_in_order() {
    // Every fact each journal gives, in order, against the README's
    // account: a parser that starts taking a line it should not, or stops
    // taking one, shows here.
    let connect = |iface: &str, wpa: bool| {
        let mut lines = vec![format!("kernel {iface} Connecting")];
        if wpa {
            lines.push(format!("wpa_supplicant {iface} Connecting"));
        }
        lines.push(format!("kernel {iface} Connected"));
        if wpa {
            lines.push(format!("wpa_supplicant {iface} Connected"));
        }
        lines
    };
    let signal = |iface: &str| format!("wpa_supplicant {iface} Signal");
    let mut wpa = connect("wlan2", true);
    wpa.push(signal("wlan2"));
    wpa.extend([
        "kernel wlan2 Deauth".to_owned(),
        "wpa_supplicant wlan2 Disconnected".to_owned(),
    ]);
    wpa.extend(connect("wlan2", true));
    wpa.extend(std::iter::repeat_n(signal("wlan2"), 5));

    let device = |n: usize| std::iter::repeat_n("NetworkManager wlan3 DeviceState".to_owned(), n);
    let mut nm = vec!["kernel wlan2 Deauth".to_owned()];
    nm.extend(device(7));
    let mut first = connect("wlan3", true);
    first.push("NetworkManager wlan3 Connected".to_owned());
    nm.extend(first);
    nm.extend(device(1));
    nm.push(signal("wlan3"));
    nm.extend(device(3));
    nm.extend([
        "NetworkManager - Connectivity".to_owned(),
        "NetworkManager - Connectivity".to_owned(),
        signal("wlan3"),
        "kernel wlan3 Deauth".to_owned(),
        "wpa_supplicant wlan3 Disconnected".to_owned(),
        "NetworkManager wlan3 Disconnected".to_owned(),
    ]);
    nm.extend(connect("wlan3", true));
    nm.extend(std::iter::repeat_n(signal("wlan3"), 3));
    nm.extend(device(2));
    nm.extend([
        "kernel wlan3 Deauth".to_owned(),
        "wpa_supplicant wlan3 Disconnected".to_owned(),
        "NetworkManager - Connectivity".to_owned(),
    ]);

    let mut iwd = connect("wlan4", false);
    iwd.extend([
        "kernel wlan4 Deauth".to_owned(),
        "iwd - Disconnected".to_owned(),
        // The first try at the other AP timed out (kernel "authentication
        // with ... timed out", not a fact); the second one made it.
        "kernel wlan4 Connecting".to_owned(),
    ]);
    iwd.extend(connect("wlan4", false));
    iwd.push("kernel wlan4 Deauth".to_owned());

    for (stack, expected) in [("wpa", wpa), ("nm", nm), ("iwd", iwd)] {
        let facts: Vec<String> = journal(stack)
            .facts()
            .iter()
            .map(|(_, origin, fact)| brief(*origin, fact))
            .collect();
        assert_eq!(facts, expected, "{stack}");
    }
}
