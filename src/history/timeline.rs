//! From facts to a timeline, episodes and counts. Pure.
//!
//! One event is often told several times: the kernel logs the
//! deauthentication, wpa_supplicant its `CTRL-EVENT-DISCONNECTED`,
//! NetworkManager the device's state change. [`Timeline::push`] merges facts
//! of one kind told within [`MERGE_WINDOW_US`] into one [`Event`] that
//! lists who told it. [`Timeline::finish`] then finds the episodes (what a
//! user lived as "the EMR was down") with a verdict where the evidence
//! allows it, the roams, the roaming patterns, and counts per day and per
//! access point.

use super::{Connectivity, Fact, FactKind, Origin};
use crate::model::MacAddr;
use crate::watch::event::{Cause, Initiator, Kind, Millis, Record};
use crate::watch::pathology::{self, PathologyThresholds};
use crate::watch::reason::{reason_name, status_name};
use std::collections::BTreeMap;

/// Facts of one kind this close in time are one event.
pub const MERGE_WINDOW_US: u64 = 2_000_000;
/// A reconnect to another access point this soon after a loss is a roam.
pub const ROAM_GAP_US: u64 = 15_000_000;
/// A driver error this long before a loss is named as its likely cause.
pub const DRIVER_ERROR_WINDOW_US: u64 = 10_000_000;

/// One event, told by one or more programs.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub usec: u64,
    pub iface: Option<String>,
    pub kind: FactKind,
    /// Who told it, in the order they did.
    pub origins: Vec<Origin>,
    /// The first line that told it, as written.
    pub message: String,
}

/// What kind of merge two facts allow.
fn class(kind: &FactKind) -> Option<u8> {
    Some(match kind {
        FactKind::Deauth { .. } | FactKind::Disassoc { .. } | FactKind::Disconnected { .. } => 1,
        FactKind::Connected { .. } => 2,
        FactKind::Connecting { .. } => 3,
        FactKind::BeaconLoss { .. } => 4,
        FactKind::AuthRejected { .. } => 5,
        FactKind::AssocRejected { .. } => 6,
        FactKind::WrongKey { .. } => 7,
        FactKind::Roamed { .. } => 8,
        FactKind::DriverError { .. } => 9,
        _ => return None,
    })
}

fn bssid_of(kind: &FactKind) -> Option<MacAddr> {
    match kind {
        FactKind::Connecting { bssid }
        | FactKind::Connected { bssid, .. }
        | FactKind::Disconnected { bssid, .. }
        | FactKind::Deauth { bssid, .. }
        | FactKind::Disassoc { bssid, .. }
        | FactKind::BeaconLoss { bssid }
        | FactKind::AuthRejected { bssid, .. }
        | FactKind::AssocRejected { bssid, .. } => *bssid,
        FactKind::Roamed { to, .. } => *to,
        _ => None,
    }
}

fn compatible<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

/// Combines a second telling into the event's kind: what either says.
fn combine(into: &mut FactKind, other: &FactKind) {
    use FactKind as F;
    match (into.clone(), other) {
        // A frame with its reason is more precise than "disconnected".
        (
            F::Disconnected { bssid, reason, by },
            F::Deauth {
                bssid: b2,
                reason: r2,
                by: by2,
            },
        )
        | (
            F::Disconnected { bssid, reason, by },
            F::Disassoc {
                bssid: b2,
                reason: r2,
                by: by2,
            },
        ) => {
            let reason = reason.unwrap_or(*r2);
            let by = by.unwrap_or(*by2);
            let bssid = bssid.or(*b2);
            *into = match other {
                F::Deauth { .. } => F::Deauth { bssid, reason, by },
                _ => F::Disassoc { bssid, reason, by },
            };
        }
        (F::Deauth { bssid, reason, by }, F::Disconnected { bssid: b2, .. }) => {
            *into = F::Deauth {
                bssid: bssid.or(*b2),
                reason,
                by,
            };
        }
        (F::Disassoc { bssid, reason, by }, F::Disconnected { bssid: b2, .. }) => {
            *into = F::Disassoc {
                bssid: bssid.or(*b2),
                reason,
                by,
            };
        }
        (
            F::Disconnected { bssid, reason, by },
            F::Disconnected {
                bssid: b2,
                reason: r2,
                by: by2,
            },
        ) => {
            *into = F::Disconnected {
                bssid: bssid.or(*b2),
                reason: reason.or(*r2),
                by: by.or(*by2),
            };
        }
        (
            F::Connected { bssid, ssid },
            F::Connected {
                bssid: b2,
                ssid: s2,
            },
        ) => {
            *into = F::Connected {
                bssid: bssid.or(*b2),
                ssid: ssid.or_else(|| s2.clone()),
            };
        }
        (F::Connecting { bssid }, F::Connecting { bssid: b2 }) => {
            *into = F::Connecting {
                bssid: bssid.or(*b2),
            };
        }
        (F::BeaconLoss { bssid }, F::BeaconLoss { bssid: b2 }) => {
            *into = F::BeaconLoss {
                bssid: bssid.or(*b2),
            };
        }
        (F::WrongKey { ssid }, F::WrongKey { ssid: s2 }) => {
            *into = F::WrongKey {
                ssid: ssid.or_else(|| s2.clone()),
            };
        }
        _ => {}
    }
}

/// Builds the timeline from facts in time order.
#[derive(Debug, Default)]
pub struct Timeline {
    events: Vec<Event>,
    /// The BSSID each interface last started to join (the kernel's
    /// "associated" does not name it).
    joining: BTreeMap<String, (u64, MacAddr)>,
    /// Facts read, for the counts.
    pub facts: u64,
}

impl Timeline {
    pub fn new() -> Timeline {
        Timeline::default()
    }

    /// Adds one fact, told at `usec` by `origin` in `message`.
    pub fn push(&mut self, usec: u64, origin: Origin, fact: Fact, message: &str) {
        self.facts += 1;
        let Fact { iface, mut kind } = fact;
        if let (Some(name), FactKind::Connecting { bssid: Some(b) }) = (&iface, &kind) {
            self.joining.insert(name.clone(), (usec, *b));
        }
        if let (
            Some(name),
            FactKind::Connected {
                bssid: bssid @ None,
                ..
            },
        ) = (&iface, &mut kind)
        {
            if let Some((at, b)) = self.joining.get(name) {
                if usec.saturating_sub(*at) <= 30_000_000 {
                    *bssid = Some(*b);
                }
            }
        }
        if let Some(c) = class(&kind) {
            for e in self.events.iter_mut().rev() {
                if usec.saturating_sub(e.usec) > MERGE_WINDOW_US {
                    break;
                }
                if class(&e.kind) == Some(c)
                    && compatible(&e.iface, &iface)
                    && compatible(&bssid_of(&e.kind), &bssid_of(&kind))
                    && !e.origins.contains(&origin)
                {
                    combine(&mut e.kind, &kind);
                    if e.iface.is_none() {
                        e.iface = iface;
                    }
                    e.origins.push(origin);
                    return;
                }
            }
        }
        self.events.push(Event {
            usec,
            iface,
            kind,
            origins: vec![origin],
            message: message.to_string(),
        });
    }

    /// The events so far, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Episodes, roams, patterns and counts over the events; `extra` are
    /// episodes found elsewhere (the outages of `watch` logs).
    pub fn finish(mut self, extra: Vec<Episode>) -> History {
        self.events.sort_by_key(|e| e.usec);
        let roams = find_roams(&self.events);
        let mut episodes = find_episodes(&self.events);
        merge_watch_outages(&mut episodes, extra);
        episodes.sort_by_key(|e| e.start_usec);
        let patterns = patterns(&self.events, &roams);
        let days = per_day(&self.events, &episodes, &roams);
        let access_points = per_ap(&self.events, &roams);
        History {
            events: self.events,
            roams,
            episodes,
            patterns,
            days,
            access_points,
        }
    }
}

/// A change of access point.
#[derive(Debug, Clone, PartialEq)]
pub struct Roam {
    pub usec: u64,
    pub iface: Option<String>,
    pub from: Option<MacAddr>,
    pub to: Option<MacAddr>,
    /// Time without an access point (0 for a roam the stack reported as
    /// one without a disconnect).
    pub gap_us: u64,
}

/// What a user lived as one outage.
#[derive(Debug, Clone, PartialEq)]
pub struct Episode {
    pub start_usec: u64,
    /// `None`: not over by the end of the period (or of the logs).
    pub end_usec: Option<u64>,
    pub cause: Cause,
    pub iface: Option<String>,
    /// One sentence: what happened, who said so.
    pub summary: String,
    /// The events behind the verdict (indexes into `History::events`), or
    /// none for an episode from a `watch` log.
    pub evidence: Vec<usize>,
    /// What would be needed to say more (for `unknown`).
    pub missing: Vec<String>,
    /// `journal` or `watch` (the probes of a `watch --log` file).
    pub from_watch_log: bool,
}

/// Everything `history` found.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub events: Vec<Event>,
    pub roams: Vec<Roam>,
    pub episodes: Vec<Episode>,
    pub patterns: Vec<pathology::Finding>,
    pub days: Vec<DayCount>,
    pub access_points: Vec<ApCount>,
}

fn is_loss(kind: &FactKind) -> bool {
    matches!(
        kind,
        FactKind::Deauth { .. } | FactKind::Disassoc { .. } | FactKind::Disconnected { .. }
    )
}

/// This laptop leaving by its own choice: a local deauthentication or
/// disassociation, or disconnect, with reason 3 ("leaving") or 8
/// ("leaving the BSS").
fn is_deliberate_leave(kind: &FactKind) -> bool {
    let (reason, by) = match kind {
        FactKind::Deauth { reason, by, .. } | FactKind::Disassoc { reason, by, .. } => {
            (Some(*reason), Some(*by))
        }
        FactKind::Disconnected { reason, by, .. } => (*reason, *by),
        _ => return false,
    };
    by == Some(Initiator::Local) && matches!(reason, Some(3 | 8))
}

fn find_roams(events: &[Event]) -> Vec<Roam> {
    let mut roams = Vec::new();
    // Per interface: the current AP, and the last loss (time, AP).
    let mut current: BTreeMap<Option<String>, MacAddr> = BTreeMap::new();
    let mut lost: BTreeMap<Option<String>, (u64, Option<MacAddr>)> = BTreeMap::new();
    for e in events {
        let key = e.iface.clone();
        match &e.kind {
            k if is_loss(k) => {
                let from = bssid_of(k).or_else(|| current.get(&key).copied());
                lost.insert(key.clone(), (e.usec, from));
                current.remove(&key);
            }
            FactKind::Roamed { from, to } => {
                roams.push(Roam {
                    usec: e.usec,
                    iface: key.clone(),
                    from: from.or_else(|| current.get(&key).copied()),
                    to: *to,
                    gap_us: 0,
                });
                if let Some(t) = to {
                    current.insert(key, *t);
                }
            }
            FactKind::Connected { bssid: Some(b), .. } => {
                if let Some(prev) = current.get(&key) {
                    // A new AP without a loss in between: reassociation.
                    if prev != b {
                        roams.push(Roam {
                            usec: e.usec,
                            iface: key.clone(),
                            from: Some(*prev),
                            to: Some(*b),
                            gap_us: 0,
                        });
                    }
                } else if let Some((at, from)) = lost.remove(&key) {
                    let gap = e.usec.saturating_sub(at);
                    if gap <= ROAM_GAP_US && from.is_some_and(|f| f != *b) {
                        roams.push(Roam {
                            usec: e.usec,
                            iface: key.clone(),
                            from,
                            to: Some(*b),
                            gap_us: gap,
                        });
                    }
                }
                current.insert(key, *b);
            }
            _ => {}
        }
    }
    // A stack that reports its roam and a connect for it: once.
    roams.dedup_by(|b, a| {
        b.iface == a.iface && b.to == a.to && b.usec.saturating_sub(a.usec) <= MERGE_WINDOW_US
    });
    roams
}

fn secs(us: u64) -> String {
    format!("{:.1} s", us as f64 / 1e6)
}

fn mac(b: Option<MacAddr>) -> String {
    b.map_or_else(|| "the access point".to_string(), |b| b.to_string())
}

/// The loss in words: "deauthenticated by 02:… (reason 3: …)".
fn loss_words(kind: &FactKind) -> String {
    let (what, bssid, reason, by) = match kind {
        FactKind::Deauth { bssid, reason, by } => {
            ("deauthenticated", *bssid, Some(*reason), Some(*by))
        }
        FactKind::Disassoc { bssid, reason, by } => {
            ("disassociated", *bssid, Some(*reason), Some(*by))
        }
        FactKind::Disconnected { bssid, reason, by } => ("disconnected", *bssid, *reason, *by),
        _ => return String::new(),
    };
    let who = match by {
        Some(Initiator::Ap) => format!("by {}", mac(bssid)),
        Some(Initiator::Local) => format!("from {} by this laptop", mac(bssid)),
        None => format!("from {}", mac(bssid)),
    };
    match reason {
        Some(r) => format!("{what} {who} (reason {r}: {})", reason_name(r)),
        None => format!("{what} {who}"),
    }
}

fn find_episodes(events: &[Event]) -> Vec<Episode> {
    let mut out = Vec::new();
    // Wi-Fi: a loss, until the next connect on that interface.
    let mut i = 0;
    let mut covered_until: BTreeMap<Option<String>, u64> = BTreeMap::new();
    while i < events.len() {
        let e = &events[i];
        if !(is_loss(&e.kind) || matches!(e.kind, FactKind::BeaconLoss { .. })) {
            i += 1;
            continue;
        }
        if covered_until.get(&e.iface).is_some_and(|&u| e.usec <= u) {
            i += 1;
            continue;
        }
        let mut evidence = vec![i];
        let mut end = None;
        let mut loss: Option<&FactKind> = is_loss(&e.kind).then_some(&e.kind);
        let mut beacon_loss = matches!(e.kind, FactKind::BeaconLoss { .. });
        let mut reconnected_to = None;
        for (j, f) in events.iter().enumerate().skip(i + 1) {
            if !compatible(&f.iface, &e.iface) {
                continue;
            }
            match &f.kind {
                FactKind::Connected { bssid, .. } => {
                    end = Some(f.usec);
                    reconnected_to = Some(*bssid);
                    evidence.push(j);
                    break;
                }
                FactKind::Roamed { to, .. } => {
                    end = Some(f.usec);
                    reconnected_to = Some(*to);
                    evidence.push(j);
                    break;
                }
                k if is_loss(k) && loss.is_none() => {
                    loss = Some(k);
                    evidence.push(j);
                }
                FactKind::BeaconLoss { .. } => {
                    beacon_loss = true;
                }
                FactKind::AuthRejected { .. }
                | FactKind::AssocRejected { .. }
                | FactKind::WrongKey { .. } => evidence.push(j),
                _ => {}
            }
        }
        // A beacon loss the stack rode out without a disconnect is not an
        // outage: only a loss opens an episode.
        if loss.is_none() {
            i += 1;
            continue;
        }
        let loss_kind = loss.expect("checked");
        let driver = events[..i]
            .iter()
            .rev()
            .take_while(|d| e.usec.saturating_sub(d.usec) <= DRIVER_ERROR_WINDOW_US)
            .find_map(|d| match &d.kind {
                FactKind::DriverError { driver, detail } => Some(format!("{driver}: {detail}")),
                _ => None,
            });
        // The laptop leaving on purpose (Wi-Fi off, suspend, shutdown, the
        // connection manager deactivating) is no outage, unless the radio
        // lost the AP or the driver failed just before.
        if is_deliberate_leave(loss_kind) && !beacon_loss && driver.is_none() {
            i += 1;
            continue;
        }
        let mut summary = String::new();
        if beacon_loss {
            summary.push_str("the access point stopped being heard (beacon loss), then ");
        }
        summary.push_str(&loss_words(loss_kind));
        if let Some(d) = &driver {
            summary.push_str(&format!(", shortly after a driver error ({d})"));
        }
        let from = bssid_of(loss_kind);
        match (end, reconnected_to) {
            (Some(t), Some(to)) => {
                let gap_us = t.saturating_sub(e.usec);
                let gap = secs(gap_us);
                if to.is_some() && to != from && gap_us <= ROAM_GAP_US {
                    summary.push_str(&format!("; roamed to {} after {gap}", mac(to)));
                } else if to.is_some() && to != from {
                    // Too long for a roam (roams[] leaves it out too).
                    summary.push_str(&format!(
                        "; reconnected to another access point, {}, after {gap}",
                        mac(to)
                    ));
                } else {
                    summary.push_str(&format!("; reconnected after {gap}"));
                }
            }
            _ => summary.push_str("; not reconnected by the end of the logs"),
        }
        covered_until.insert(e.iface.clone(), end.unwrap_or(u64::MAX));
        out.push(Episode {
            start_usec: e.usec,
            end_usec: end,
            cause: Cause::Wifi,
            iface: e.iface.clone(),
            summary,
            evidence,
            missing: vec![],
            from_watch_log: false,
        });
        i += 1;
    }
    let in_wifi_episode = |usec: u64, out: &[Episode]| {
        out.iter().any(|ep| {
            ep.cause == Cause::Wifi
                && usec >= ep.start_usec
                && ep.end_usec.is_none_or(|end| usec <= end)
        })
    };
    let wifi_eps = out.clone();
    // Failures to join and to get an address, outside a loss episode: each
    // a moment (the logs say when it failed, not when it was over).
    const NO_LEASE: &str = "the network behind the access point (DHCP server, VLAN, switch) \
                            did not answer";
    for (i, e) in events.iter().enumerate() {
        let (cause, summary) = match &e.kind {
            FactKind::AuthRejected { bssid, status } => (
                Cause::Wifi,
                format!(
                    "{} refused authentication (status {status}: {})",
                    mac(*bssid),
                    status_name(*status)
                ),
            ),
            FactKind::AssocRejected { bssid, status } => (
                Cause::Wifi,
                format!(
                    "{} refused association (status {status}: {})",
                    mac(*bssid),
                    status_name(*status)
                ),
            ),
            FactKind::WrongKey { ssid } => (
                Cause::Wifi,
                format!(
                    "the 4-way handshake with {} failed as a wrong passphrase does",
                    ssid.as_deref()
                        .map_or("the network".to_string(), |s| format!("'{s}'"))
                ),
            ),
            // NetworkManager 1.42+ logs a DHCP timeout only as this state
            // change (its "DHCP failing" line is trace level).
            FactKind::DeviceState {
                to,
                reason: Some(r),
                ..
            } if to == "failed" && r == "ip-config-unavailable" => (
                Cause::Lan,
                format!(
                    "associated, but NetworkManager got no IP configuration \
                     (ip-config-unavailable: no DHCP lease): {NO_LEASE}"
                ),
            ),
            FactKind::DhcpFailed { detail } => (
                Cause::Lan,
                format!("associated, but no DHCP lease ({detail}): {NO_LEASE}"),
            ),
            _ => continue,
        };
        if in_wifi_episode(e.usec, &wifi_eps) {
            continue;
        }
        out.push(Episode {
            start_usec: e.usec,
            end_usec: Some(e.usec),
            cause,
            iface: e.iface.clone(),
            summary,
            evidence: vec![i],
            missing: vec![],
            from_watch_log: false,
        });
    }
    // NetworkManager's connectivity check failing while Wi-Fi stayed up.
    let mut open: Option<(usize, u64, Connectivity)> = None;
    for (i, e) in events.iter().enumerate() {
        let FactKind::Connectivity { state } = e.kind else {
            continue;
        };
        match (state, open) {
            (Connectivity::Limited | Connectivity::Portal | Connectivity::None, None) => {
                open = Some((i, e.usec, state));
            }
            (Connectivity::Full, Some((start_i, start, was))) => {
                open = None;
                if in_wifi_episode(start, &wifi_eps) {
                    continue;
                }
                out.push(connectivity_episode(
                    start_i,
                    start,
                    Some(e.usec),
                    was,
                    i,
                    e.iface.clone(),
                ));
            }
            _ => {}
        }
    }
    if let Some((start_i, start, was)) = open {
        if !in_wifi_episode(start, &wifi_eps) {
            let mut ep = connectivity_episode(
                start_i,
                start,
                None,
                was,
                start_i,
                events[start_i].iface.clone(),
            );
            ep.summary.push_str("; not restored by the end of the logs");
            out.push(ep);
        }
    }
    out
}

/// The outages of `watch` logs join the episodes the system logs gave. One
/// that overlaps an episode of the logs is the same outage seen from the
/// probes' side: it does not count twice. It gives an `unknown` episode its
/// verdict (the probes say which of gateway, DNS and server failed) and
/// adds its target and cause to the summary of any other.
fn merge_watch_outages(episodes: &mut Vec<Episode>, outages: Vec<Episode>) {
    let overlaps = |a: &Episode, b: &Episode| {
        let a_end = a.end_usec.unwrap_or(u64::MAX);
        let b_end = b.end_usec.unwrap_or(u64::MAX);
        a.start_usec <= b_end && b.start_usec <= a_end && compatible(&a.iface, &b.iface)
    };
    let logs = episodes.len();
    for outage in outages {
        match episodes[..logs].iter_mut().find(|ep| overlaps(ep, &outage)) {
            Some(ep) => {
                if ep.cause == Cause::Unknown {
                    ep.cause = outage.cause;
                    ep.missing.clear();
                }
                ep.summary.push_str(&format!(
                    "; watch's probes: {} ({})",
                    outage.summary,
                    outage.cause.label()
                ));
            }
            None => episodes.push(outage),
        }
    }
}

fn connectivity_episode(
    start_i: usize,
    start: u64,
    end: Option<u64>,
    was: Connectivity,
    end_i: usize,
    iface: Option<String>,
) -> Episode {
    let what = match was {
        Connectivity::Portal => "a captive portal answered NetworkManager's connectivity check",
        Connectivity::None => "NetworkManager saw no connectivity at all",
        _ => "NetworkManager's connectivity check failed (limited connectivity)",
    };
    let mut evidence = vec![start_i];
    if end_i != start_i {
        evidence.push(end_i);
    }
    Episode {
        start_usec: start,
        end_usec: end,
        cause: Cause::Unknown,
        iface,
        summary: format!(
            "{what} while Wi-Fi stayed connected{}",
            end.map_or(String::new(), |t| format!(", for {}", secs(t - start)))
        ),
        evidence,
        missing: vec![
            "probes of the gateway, DNS and the server at that time (the journal has none): \
             run `wifidiag watch --log FILE` and pass the file with --log to tell which failed"
                .into(),
        ],
        from_watch_log: false,
    }
}

/// The watch's roaming patterns over the period, from the same records
/// `watch` would have written.
fn patterns(events: &[Event], roams: &[Roam]) -> Vec<pathology::Finding> {
    let mut records: Vec<Record> = Vec::new();
    let ms = |us: u64| Millis(us / 1000);
    for e in events.iter().filter(|e| !is_deliberate_leave(&e.kind)) {
        let kind = match &e.kind {
            FactKind::Connected { bssid, ssid } => Kind::Connected {
                bssid: *bssid,
                freq_mhz: None,
                channel: None,
                ssid: ssid.clone(),
                status: 0,
                status_name: "success".into(),
            },
            FactKind::Deauth { bssid, reason, by } => Kind::Deauth {
                bssid: *bssid,
                reason: *reason,
                reason_name: reason_name(*reason).into(),
                by: *by,
            },
            FactKind::Disassoc { bssid, reason, by } => Kind::Disassoc {
                bssid: *bssid,
                reason: *reason,
                reason_name: reason_name(*reason).into(),
                by: *by,
            },
            FactKind::Disconnected { bssid, reason, by } => Kind::Disconnected {
                bssid: *bssid,
                reason: reason.unwrap_or(0),
                reason_name: reason_name(reason.unwrap_or(0)).into(),
                by: by.unwrap_or(Initiator::Local),
            },
            _ => continue,
        };
        records.push(Record {
            ts: ms(e.usec),
            iface: e.iface.clone(),
            kind,
        });
    }
    for r in roams {
        records.push(Record {
            ts: ms(r.usec),
            iface: r.iface.clone(),
            kind: Kind::Roamed {
                from_bssid: r.from,
                to_bssid: r.to,
                from_channel: None,
                to_channel: None,
                signal_before_dbm: None,
                signal_after_dbm: None,
                gap_ms: r.gap_us / 1000,
            },
        });
    }
    records.sort_by_key(|r| r.ts);
    let th = PathologyThresholds::default();
    let mut found = pathology::ping_pong(&records, &th);
    found.extend(pathology::repeated_disconnects(&records, &th));
    found.extend(pathology::slow_roams(&records, &th));
    found.sort_by_key(|f| f.at);
    found
}

/// One day's counts (the day in UTC: `YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DayCount {
    pub day: String,
    pub disconnects: u32,
    pub roams: u32,
    pub failed_joins: u32,
    pub episodes: u32,
    pub downtime_us: u64,
}

/// One access point's counts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApCount {
    pub bssid: Option<MacAddr>,
    pub connects: u32,
    pub disconnects_by_ap: u32,
    pub disconnects_local: u32,
    pub roams_from: u32,
    pub roams_to: u32,
    /// Reason codes of its disconnects, with their counts.
    pub reasons: BTreeMap<u16, u32>,
    pub failed_joins: u32,
}

/// `YYYY-MM-DD` of a time (UTC).
pub fn day_of(usec: u64) -> String {
    let t = Millis(usec / 1000).rfc3339();
    t.get(..10).unwrap_or("").to_string()
}

fn per_day(events: &[Event], episodes: &[Episode], roams: &[Roam]) -> Vec<DayCount> {
    let mut days: BTreeMap<String, DayCount> = BTreeMap::new();
    let day = day_of;
    for e in events {
        let d = day(e.usec);
        let c = days.entry(d.clone()).or_insert_with(|| DayCount {
            day: d,
            ..Default::default()
        });
        match e.kind {
            ref k if is_loss(k) && !is_deliberate_leave(k) => c.disconnects += 1,
            FactKind::AuthRejected { .. }
            | FactKind::AssocRejected { .. }
            | FactKind::WrongKey { .. } => c.failed_joins += 1,
            _ => {}
        }
    }
    for r in roams {
        let d = day(r.usec);
        days.entry(d.clone())
            .or_insert_with(|| DayCount {
                day: d,
                ..Default::default()
            })
            .roams += 1;
    }
    for ep in episodes {
        let d = day(ep.start_usec);
        let c = days.entry(d.clone()).or_insert_with(|| DayCount {
            day: d,
            ..Default::default()
        });
        c.episodes += 1;
        if let Some(end) = ep.end_usec {
            c.downtime_us += end.saturating_sub(ep.start_usec);
        }
    }
    days.into_values().collect()
}

fn per_ap(events: &[Event], roams: &[Roam]) -> Vec<ApCount> {
    let mut aps: BTreeMap<Option<MacAddr>, ApCount> = BTreeMap::new();
    fn entry(aps: &mut BTreeMap<Option<MacAddr>, ApCount>, b: Option<MacAddr>) -> &mut ApCount {
        aps.entry(b).or_insert_with(|| ApCount {
            bssid: b,
            ..Default::default()
        })
    }
    for e in events {
        match &e.kind {
            FactKind::Connected { bssid, .. } => entry(&mut aps, *bssid).connects += 1,
            k @ (FactKind::Deauth { .. }
            | FactKind::Disassoc { .. }
            | FactKind::Disconnected { .. }) => {
                let (bssid, reason, by) = match k {
                    FactKind::Deauth { bssid, reason, by }
                    | FactKind::Disassoc { bssid, reason, by } => {
                        (*bssid, Some(*reason), Some(*by))
                    }
                    FactKind::Disconnected { bssid, reason, by } => (*bssid, *reason, *by),
                    _ => unreachable!(),
                };
                let c = entry(&mut aps, bssid);
                if by == Some(Initiator::Ap) {
                    c.disconnects_by_ap += 1;
                } else {
                    c.disconnects_local += 1;
                }
                if let Some(r) = reason {
                    *c.reasons.entry(r).or_default() += 1;
                }
            }
            FactKind::AuthRejected { bssid, .. } | FactKind::AssocRejected { bssid, .. } => {
                entry(&mut aps, *bssid).failed_joins += 1
            }
            _ => {}
        }
    }
    for r in roams {
        entry(&mut aps, r.from).roams_from += 1;
        entry(&mut aps, r.to).roams_to += 1;
    }
    let mut out: Vec<ApCount> = aps.into_values().filter(|a| a.bssid.is_some()).collect();
    out.sort_by_key(|a| {
        std::cmp::Reverse(a.disconnects_by_ap + a.disconnects_local + a.failed_joins)
    });
    out
}

#[cfg(test)]
mod tests;
