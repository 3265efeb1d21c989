//! The headline: the most likely cause, from the checks.
//!
//! The path from the laptop to its server is a chain (Wi-Fi link, address
//! and route, gateway, DNS, the server's port), and a broken link explains
//! everything after it: a dead gateway also makes the server unreachable.
//! So the rule walks the chain in order and the first failing link of it is
//! the cause; the checks before it that passed *by measurement* make the
//! verdict confident, ones that could not run make it less so. With the
//! whole chain answering, a failing radio check (congestion, a weak or
//! sticky link) is next, then the past. With nothing failing, the first
//! warning is named, with low confidence.
//!
//! A captive portal that fails (it holds the servers' traffic too) comes
//! right after the gateway: what fails behind it is its doing.
//!
//! Causes are `watch`'s: `wifi`, `wifi_degraded`, `lan`, `dns`, `server`.

use super::{Area, Check, Confidence, Evidence, Headline, Status};
use crate::watch::event::Cause;

fn key(c: &Check) -> String {
    match &c.target {
        Some(t) => format!("{}:{t}", c.id),
        None => c.id.to_string(),
    }
}

fn failing<'a>(checks: &'a [Check], id: &str) -> Option<&'a Check> {
    checks
        .iter()
        .find(|c| c.id == id && c.status == Status::Fail)
}

fn status(checks: &[Check], id: &str) -> Option<Status> {
    checks.iter().find(|c| c.id == id).map(|c| c.status)
}

fn lower_case_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn sentence(prefix: &str, c: &Check) -> String {
    let next = c
        .next_step
        .as_deref()
        .map(|n| format!(" — {n}"))
        .unwrap_or_default();
    let body = if prefix.is_empty() {
        let mut s = c.finding.clone();
        if let Some(first) = s.get(..1) {
            let up = first.to_uppercase();
            s.replace_range(..1, &up);
        }
        s
    } else {
        lower_case_first(&c.finding)
    };
    format!("{prefix}{body}{next}.")
}

/// The link counts as weak when a link or radio check that points at the
/// radio failed, or the signal itself warned.
fn link_weak(checks: &[Check]) -> Option<&Check> {
    checks
        .iter()
        .filter(|c| matches!(c.area, Area::Link | Area::Radio))
        .find(|c| {
            c.cause == Some(Cause::WifiDegraded)
                && (c.status == Status::Fail || (c.id == "link.signal" && c.status == Status::Warn))
        })
}

/// "The Wi-Fi link, the gateway and DNS are fine; " for the layers below
/// `upto` that answered by measurement.
fn fine_below(checks: &[Check], upto: Layer) -> (String, bool) {
    let mut fine = Vec::new();
    let mut all_measured = true;
    let link_ok =
        status(checks, "link.associated") == Some(Status::Ok) && link_weak(checks).is_none();
    if link_ok {
        fine.push("the Wi-Fi link");
    } else {
        all_measured = false;
    }
    if upto > Layer::Gateway {
        match status(checks, "net.gateway") {
            Some(Status::Ok | Status::Warn) => fine.push("the gateway"),
            _ => all_measured = false,
        }
    }
    if upto > Layer::Dns {
        let dns: Vec<Status> = checks
            .iter()
            .filter(|c| c.id == "net.dns")
            .map(|c| c.status)
            .collect();
        if dns.iter().any(|s| matches!(s, Status::Ok | Status::Warn)) {
            fine.push("DNS");
        }
    }
    let text = match fine.as_slice() {
        [] => String::new(),
        [one] => format!("{} is fine; ", capital(one)),
        [init @ .., last] => format!("{} and {last} are fine; ", capital(&init.join(", "))),
    };
    (text, all_measured)
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Gateway,
    Dns,
    Server,
}

/// Picks the headline from the checks (see the module docs for the rule).
pub fn decide(checks: &[Check], e: &Evidence) -> Headline {
    let make = |text: String, cause, confidence, because: Vec<&Check>| Headline {
        text,
        cause,
        confidence,
        because: because.into_iter().map(key).collect(),
    };
    // 1. No link at all.
    if let Some(c) = failing(checks, "link.associated") {
        return make(
            sentence("", c),
            Some(Cause::Wifi),
            Confidence::High,
            vec![c],
        );
    }
    // 2. No address or no route: the LAN's services (DHCP) failed.
    for id in ["net.address", "net.route"] {
        if let Some(c) = failing(checks, id) {
            return make(
                sentence("The Wi-Fi link is up, but ", c),
                Some(Cause::Lan),
                Confidence::High,
                vec![c],
            );
        }
    }
    // 3. The gateway.
    if let Some(c) = failing(checks, "net.gateway") {
        if let Some(weak) = link_weak(checks) {
            return make(
                format!(
                    "{} {}",
                    sentence("", c).trim_end_matches('.'),
                    format_args!(
                        "while the Wi-Fi link is poor ({}): the Wi-Fi is the likely cause.",
                        weak.finding
                    )
                ),
                Some(Cause::WifiDegraded),
                Confidence::Medium,
                vec![c, weak],
            );
        }
        return lan_failure(checks, c, Layer::Gateway);
    }
    // 3b. A captive portal holds the traffic past the gateway: the DNS and
    // server failures behind it are its doing (a portal often answers every
    // name with its own address).
    if let Some(c) = failing(checks, "net.portal") {
        return lan_failure(checks, c, Layer::Dns);
    }
    // 4. DNS, then 5. the server (a firewall dropping its port first: the
    // more specific). Confident when everything before answered by
    // measurement.
    let after_gateway = [
        (Layer::Dns, Cause::Dns, ["net.dns_servers", "net.dns"]),
        (Layer::Server, Cause::Server, ["net.firewall", "net.target"]),
    ];
    for (layer, cause, ids) in after_gateway {
        if let Some(c) = ids.iter().find_map(|id| failing(checks, id)) {
            let (prefix, measured) = fine_below(checks, layer);
            let gateway_measured = status(checks, "net.gateway") == Some(Status::Ok);
            let confidence = if measured && gateway_measured {
                Confidence::High
            } else {
                Confidence::Medium
            };
            return make(sentence(&prefix, c), Some(cause), confidence, vec![c]);
        }
    }
    // 6. Everything answers, but the radio is in a bad way.
    let radio_fail = checks.iter().find(|c| {
        matches!(c.area, Area::Link | Area::Radio) && c.status == Status::Fail && c.cause.is_some()
    });
    if let Some(c) = radio_fail {
        let answered = network_answered(checks, e);
        let prefix = if answered {
            "The network answers now, but "
        } else {
            ""
        };
        return make(sentence(prefix, c), c.cause, Confidence::Medium, vec![c]);
    }
    // 7. The past.
    if let Some(c) = checks
        .iter()
        .find(|c| c.area == Area::Past && c.status == Status::Fail)
    {
        return make(
            sentence("Everything answers now, but ", c),
            c.cause,
            Confidence::Medium,
            vec![c],
        );
    }
    // 8. Nothing failed: the first warning that points somewhere.
    let warn = checks
        .iter()
        .find(|c| c.status == Status::Warn && c.cause.is_some())
        .or_else(|| checks.iter().find(|c| c.status == Status::Warn));
    if let Some(c) = warn {
        return make(
            sentence("Nothing failed; worth a look: ", c),
            c.cause,
            Confidence::Low,
            vec![c],
        );
    }
    let not_run = checks
        .iter()
        .any(|c| c.area == Area::Network && c.status == Status::NotRun && c.id == "net.gateway");
    let targets = e.probes.targets.len();
    let text = match (targets, e.probes.duration_ms / 1000) {
        (0, s) => format!(
            "Everything works: the Wi-Fi link is good and the gateway answered for {s} s \
             (give --target for the server)."
        ),
        (_, s) => format!(
            "Everything works: the Wi-Fi link is good, the gateway and every target answered \
             for {s} s."
        ),
    };
    Headline {
        text,
        cause: None,
        confidence: if not_run {
            Confidence::Medium
        } else {
            Confidence::High
        },
        because: Vec::new(),
    }
}

/// A failing check of the local network (`lan`): "The Wi-Fi link [and the
/// gateway] is/are fine, but ...", confident when those answered by
/// measurement.
fn lan_failure(checks: &[Check], c: &Check, upto: Layer) -> Headline {
    let (prefix, measured) = fine_below(checks, upto);
    Headline {
        text: sentence(&prefix.replace(" fine; ", " fine, but "), c),
        cause: Some(Cause::Lan),
        confidence: if measured {
            Confidence::High
        } else {
            Confidence::Medium
        },
        because: vec![key(c)],
    }
}

/// The gateway and every target answered (none failed, at least one ran).
fn network_answered(checks: &[Check], _e: &Evidence) -> bool {
    let net: Vec<&Check> = checks
        .iter()
        .filter(|c| matches!(c.id, "net.gateway" | "net.target"))
        .collect();
    !net.is_empty()
        && net
            .iter()
            .all(|c| matches!(c.status, Status::Ok | Status::Warn | Status::NotRun))
        && net.iter().any(|c| c.status == Status::Ok)
}
