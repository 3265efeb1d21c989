//! Name resolution through the system resolver, with a timeout.

use super::result::{ProbeMethod, ProbeOutcome, ProbeResult};
use super::target::unprobeable;
use std::net::{IpAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Lookups still running in abandoned resolver threads; past this many,
/// `resolve` reports a timeout without starting another, so a dead DNS
/// server cannot pile up threads at one lookup per second.
const MAX_LINGERING_LOOKUPS: usize = 8;
static LOOKUPS_IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Resolves a host name with the system resolver (getaddrinfo through std,
/// so /etc/hosts, nsswitch and resolv.conf apply, as for every other program
/// on the laptop), giving up after `timeout`.
///
/// The lookup runs on a helper thread because getaddrinfo cannot be
/// cancelled: when the timeout passes, the thread is left to finish on its
/// own (glibc's own resolver timeout, typically 5 s per server and attempt)
/// and its answer is dropped. At most 8 such lookups run at once; beyond
/// that, `resolve` answers `Timeout` at once without starting another.
///
/// IP literals return `Ok` at once without a lookup (and without `rtt_ms`).
/// Addresses are returned without duplicates, in the resolver's order.
pub fn resolve(host: &str, timeout: Duration) -> (ProbeResult, Vec<IpAddr>) {
    let method = ProbeMethod::Dns;
    if let Ok(ip) = host.parse::<IpAddr>() {
        return match usable_addresses([ip]) {
            Ok(ips) => (
                ProbeResult::new(method, ProbeOutcome::Ok, "IP literal, no lookup"),
                ips,
            ),
            Err(why) => (
                ProbeResult::new(method, ProbeOutcome::Failed, why),
                Vec::new(),
            ),
        };
    }
    if host.is_empty() {
        return (
            ProbeResult::new(method, ProbeOutcome::Failed, "empty host name"),
            Vec::new(),
        );
    }
    if LOOKUPS_IN_FLIGHT.fetch_add(1, Ordering::SeqCst) >= MAX_LINGERING_LOOKUPS {
        LOOKUPS_IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        return (
            ProbeResult::new(
                method,
                ProbeOutcome::Timeout,
                "earlier lookups are still stuck in the system resolver; not starting another",
            ),
            Vec::new(),
        );
    }

    /// Decrements the in-flight count however the thread ends.
    struct InFlight;
    impl Drop for InFlight {
        fn drop(&mut self) {
            LOOKUPS_IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        }
    }

    let (tx, rx) = mpsc::channel();
    let name = host.to_string();
    let started = Instant::now();
    let spawned = std::thread::Builder::new()
        .name("wifidiag-dns".into())
        .spawn(move || {
            let _in_flight = InFlight;
            let answer = (name.as_str(), 0u16)
                .to_socket_addrs()
                .map(|addrs| addrs.map(|a| a.ip()).collect::<Vec<_>>());
            // The receiver is gone when we timed out; nothing to do then.
            let _ = tx.send(answer);
        });
    if let Err(e) = spawned {
        // The closure (and its guard) never ran.
        LOOKUPS_IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
        return (
            ProbeResult::new(
                method,
                ProbeOutcome::Failed,
                format!("cannot start resolver thread: {e}"),
            ),
            Vec::new(),
        );
    }

    match rx.recv_timeout(timeout) {
        Ok(Ok(found)) => match usable_addresses(found) {
            Ok(ips) => (ProbeResult::success(method, started), ips),
            Err(why) => {
                let mut result = ProbeResult::new(method, ProbeOutcome::Failed, why);
                result.rtt_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
                (result, Vec::new())
            }
        },
        Ok(Err(e)) => {
            let mut result = ProbeResult::new(
                method,
                ProbeOutcome::Failed,
                lookup_error_text(&e.to_string()),
            );
            result.rtt_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
            (result, Vec::new())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => (
            ProbeResult::new(
                method,
                ProbeOutcome::Timeout,
                format!("no answer within {} ms", timeout.as_millis()),
            ),
            Vec::new(),
        ),
        Err(mpsc::RecvTimeoutError::Disconnected) => (
            ProbeResult::new(
                method,
                ProbeOutcome::Failed,
                "resolver thread ended without an answer",
            ),
            Vec::new(),
        ),
    }
}

/// The addresses of a lookup that a probe may go to: without duplicates,
/// in the resolver's order, and without broadcast, multicast or unspecified
/// addresses (see [`unprobeable`]), so that a name pointing at one never
/// makes the watch send a packet there. The error is the probe's `detail`
/// when nothing is left.
fn usable_addresses(found: impl IntoIterator<Item = IpAddr>) -> Result<Vec<IpAddr>, String> {
    let mut ips: Vec<IpAddr> = Vec::new();
    let mut dropped: Vec<(IpAddr, &str)> = Vec::new();
    for ip in found {
        if ips.contains(&ip) || dropped.iter().any(|&(d, _)| d == ip) {
            continue;
        }
        match unprobeable(ip) {
            Some(why) => dropped.push((ip, why)),
            None => ips.push(ip),
        }
    }
    if !ips.is_empty() {
        return Ok(ips);
    }
    if dropped.is_empty() {
        return Err("name has no addresses".into());
    }
    const SHOWN: usize = 3;
    let mut reasons: Vec<String> = dropped
        .iter()
        .take(SHOWN)
        .map(|(ip, why)| format!("{ip} is {why}"))
        .collect();
    if dropped.len() > SHOWN {
        reasons.push(format!("and {} more", dropped.len() - SHOWN));
    }
    Err(format!(
        "no address that can be probed: {}; not probed (a probe goes to one host)",
        reasons.join(", ")
    ))
}

/// Short text for a failed getaddrinfo, from std's error message
/// ("failed to lookup address information: <gai_strerror text>").
///
/// std does not expose the EAI code, so the text is matched; it is English
/// because Rust programs never call setlocale, so glibc stays in the C locale.
fn lookup_error_text(message: &str) -> String {
    let reason = message
        .strip_prefix("failed to lookup address information: ")
        .unwrap_or(message);
    let lower = reason.to_ascii_lowercase();
    if lower.contains("name or service not known") {
        "NXDOMAIN: name not found (not in DNS or /etc/hosts)".into()
    } else if lower.contains("no address associated") {
        "NODATA: the name exists but has no address".into()
    } else if lower.contains("temporary failure") {
        "DNS server did not answer or failed (SERVFAIL or unreachable)".into()
    } else {
        format!("lookup failed: {reason}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn lookup_errors_in_words() {
        let nx =
            lookup_error_text("failed to lookup address information: Name or service not known");
        assert!(nx.starts_with("NXDOMAIN"), "{nx}");
        let nodata = lookup_error_text(
            "failed to lookup address information: No address associated with hostname",
        );
        assert!(nodata.starts_with("NODATA"), "{nodata}");
        let again = lookup_error_text(
            "failed to lookup address information: Temporary failure in name resolution",
        );
        assert!(again.contains("did not answer"), "{again}");
        assert_eq!(lookup_error_text("weird"), "lookup failed: weird");
    }

    #[test]
    fn lookup_answers_lose_unprobeable_addresses() {
        let ip = |t: &str| -> IpAddr { t.parse().unwrap() };
        // Duplicates go, the order stays, unicast survives next to the rest.
        assert_eq!(
            usable_addresses([
                ip("224.0.0.1"),
                ip("10.0.0.2"),
                ip("ff02::1"),
                ip("10.0.0.2"),
                ip("2001:db8::1"),
                ip("0.0.0.0"),
            ]),
            Ok(vec![ip("10.0.0.2"), ip("2001:db8::1")])
        );
        // Nothing left: one line saying what was dropped and why.
        let table: &[(&[&str], &[&str])] = &[
            (
                &["224.0.0.1"],
                &["224.0.0.1 is a multicast address", "not probed"],
            ),
            (
                &["255.255.255.255", "255.255.255.255", "::"],
                &["255.255.255.255 is the broadcast", ":: is the unspecified"],
            ),
            (&["::ffff:239.0.0.1"], &["multicast"]),
            (
                &[
                    "224.0.0.1",
                    "224.0.0.2",
                    "224.0.0.3",
                    "224.0.0.4",
                    "224.0.0.5",
                ],
                &["224.0.0.3", "and 2 more"],
            ),
            (&[], &["name has no addresses"]),
        ];
        for &(found, needles) in table {
            let err = usable_addresses(found.iter().map(|t| ip(t)))
                .expect_err(&format!("{found:?} kept an address"));
            for needle in needles {
                assert!(err.contains(needle), "{found:?}: {err:?} lacks {needle:?}");
            }
            assert!(!err.contains('\n'));
        }
    }

    #[test]
    fn an_unprobeable_literal_is_neither_resolved_nor_returned() {
        for text in ["224.0.0.1", "ff02::1", "255.255.255.255", "0.0.0.0", "::"] {
            let (r, ips) = resolve(text, Duration::ZERO);
            assert_eq!(r.outcome, ProbeOutcome::Failed, "{text}: {r:?}");
            assert!(ips.is_empty(), "{text}: {ips:?}");
            assert!(r.detail.is_some_and(|d| d.contains("not probed")), "{text}");
        }
    }

    #[test]
    fn resolve_localhost() {
        let (r, ips) = resolve("localhost", Duration::from_secs(5));
        assert_eq!(r.outcome, ProbeOutcome::Ok, "{r:?}");
        assert_eq!(r.method, ProbeMethod::Dns);
        assert!(
            ips.iter().any(|ip| ip.is_loopback()),
            "localhost resolved to {ips:?}"
        );
        // No duplicates.
        let mut sorted = ips.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ips.len(), "{ips:?}");
    }

    #[test]
    fn resolve_a_name_that_cannot_exist() {
        // .invalid is reserved (RFC 6761): it never resolves. Where no DNS server
        // answers at all, the lookup may also run into our timeout.
        let (r, ips) = resolve("no-such-host.invalid", Duration::from_secs(5));
        assert!(ips.is_empty(), "{ips:?}");
        assert!(
            matches!(r.outcome, ProbeOutcome::Failed | ProbeOutcome::Timeout),
            "{r:?}"
        );
        assert!(r.detail.is_some_and(|d| !d.is_empty()));
    }

    #[test]
    fn resolve_ip_literals_without_lookup() {
        for (text, ip) in [
            ("10.77.1.10", IpAddr::V4(Ipv4Addr::new(10, 77, 1, 10))),
            ("fe80::1", "fe80::1".parse().unwrap()),
        ] {
            // A zero timeout would make any real lookup time out.
            let (r, ips) = resolve(text, Duration::ZERO);
            assert_eq!(r.outcome, ProbeOutcome::Ok, "{text}: {r:?}");
            assert_eq!(ips, vec![ip]);
            assert_eq!(r.rtt_ms, None);
        }
    }
}
