//! The watch probes against this host's real kernel: loopback ICMP (both
//! socket kinds), TCP to a listener, a closed port and an unroutable
//! address, and the system resolver.
//!
//! What the process may do depends on who runs the tests: as root a raw
//! socket always works, and a datagram ("ping") socket only when gid 0 is
//! inside net.ipv4.ping_group_range; as a plain user it is the other way
//! round, or neither. The assertions accept exactly those possibilities.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener};
use std::time::{Duration, Instant};
use wifidiag::watch::probe::{
    icmp_echo, icmp_echo_with, resolve, tcp_connect, ProbeMethod, ProbeOutcome, Prober,
};

const TIMEOUT: Duration = Duration::from_millis(900);

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Whether this namespace has ::1 (IPv6 may be disabled in a container).
fn has_ipv6_loopback() -> bool {
    std::net::UdpSocket::bind((Ipv6Addr::LOCALHOST, 0)).is_ok()
}

fn loopbacks() -> Vec<IpAddr> {
    let mut v = vec![IpAddr::V4(Ipv4Addr::LOCALHOST)];
    if has_ipv6_loopback() {
        v.push(IpAddr::V6(Ipv6Addr::LOCALHOST));
    }
    v
}

#[test]
fn datagram_icmp_to_loopback_is_ok_or_not_permitted() {
    for addr in loopbacks() {
        let r = icmp_echo_with(ProbeMethod::IcmpDatagram, addr, TIMEOUT);
        assert_eq!(r.method, ProbeMethod::IcmpDatagram);
        match r.outcome {
            ProbeOutcome::Ok => assert!(r.rtt_ms.is_some(), "{addr}: {r:?}"),
            ProbeOutcome::NotPermitted => {
                let detail = r.detail.unwrap_or_default();
                assert!(detail.contains("ping_group_range"), "{addr}: {detail}");
            }
            _ => panic!("{addr}: {r:?}"),
        }
    }
}

#[test]
fn raw_icmp_to_loopback() {
    for addr in loopbacks() {
        let r = icmp_echo_with(ProbeMethod::IcmpRaw, addr, TIMEOUT);
        assert_eq!(r.method, ProbeMethod::IcmpRaw);
        if is_root() {
            assert_eq!(r.outcome, ProbeOutcome::Ok, "{addr}: {r:?}");
            assert!(r.rtt_ms.is_some_and(|ms| ms >= 0.0), "{addr}: {r:?}");
        } else {
            assert!(
                matches!(r.outcome, ProbeOutcome::Ok | ProbeOutcome::NotPermitted),
                "{addr}: {r:?}"
            );
        }
    }
}

#[test]
fn prober_picks_a_method_and_pings_loopback() {
    let mut prober = Prober::new();
    for addr in loopbacks() {
        let v6 = addr.is_ipv6();
        match prober.icmp_method(v6) {
            Some(method) => {
                assert!(matches!(
                    method,
                    ProbeMethod::IcmpDatagram | ProbeMethod::IcmpRaw
                ));
                // Several in a row: fresh sequence numbers each time.
                for _ in 0..3 {
                    let r = prober.icmp_echo(addr, TIMEOUT);
                    assert_eq!(r.outcome, ProbeOutcome::Ok, "{addr}: {r:?}");
                    assert_eq!(r.method, method);
                }
            }
            None => {
                assert!(!is_root(), "root can always open a raw socket");
                assert!(prober.icmp_unavailable_reason(v6).is_some());
                let r = prober.icmp_echo(addr, TIMEOUT);
                assert_eq!(r.outcome, ProbeOutcome::NotPermitted, "{r:?}");
            }
        }
    }
    if is_root() {
        assert!(prober.icmp_method(false).is_some());
    }
    // The one-shot function agrees.
    let r = icmp_echo(IpAddr::V4(Ipv4Addr::LOCALHOST), TIMEOUT);
    assert!(
        matches!(r.outcome, ProbeOutcome::Ok | ProbeOutcome::NotPermitted),
        "{r:?}"
    );
}

#[test]
fn tcp_connect_to_a_listener() {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let r = tcp_connect(addr, TIMEOUT);
    assert_eq!(r.outcome, ProbeOutcome::Ok, "{r:?}");
    assert_eq!(r.method, ProbeMethod::Tcp);
    assert!(r.rtt_ms.is_some(), "{r:?}");
    assert!(r.ok());
}

#[test]
fn tcp_connect_to_a_closed_port_is_refused() {
    let port = {
        let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        l.local_addr().expect("local addr").port()
    };
    let r = tcp_connect(SocketAddr::from((Ipv4Addr::LOCALHOST, port)), TIMEOUT);
    assert_eq!(r.outcome, ProbeOutcome::Refused, "{r:?}");
    assert_eq!(r.detail.as_deref(), Some("connection refused"));
    assert!(!r.ok());
}

#[test]
fn tcp_connect_to_an_unroutable_address_gives_up_in_time() {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): nothing should answer there.
    // Not .1: some sandboxes put their own gateway (which answers with RST)
    // at 192.0.2.1. A network that proxies every TCP connection (accepting
    // them all) would fail this test; that is the network, not the probe.
    let started = Instant::now();
    let r = tcp_connect(
        SocketAddr::from((Ipv4Addr::new(192, 0, 2, 77), 9)),
        Duration::from_millis(200),
    );
    let took = started.elapsed();
    assert!(
        matches!(r.outcome, ProbeOutcome::Timeout | ProbeOutcome::Unreachable),
        "{r:?}"
    );
    assert!(took < Duration::from_secs(1), "took {took:?}");
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
