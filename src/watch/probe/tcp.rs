//! The TCP connect probe.

use super::result::{ProbeMethod, ProbeOutcome, ProbeResult};
use super::target::not_probed;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// TCP connect with a timeout (non-blocking connect, then poll), closed at
/// once without sending anything.
///
/// The close is an orderly FIN, so the server sees a client that connected
/// and left — at worst one line in its log per interval. `rtt_ms` is the
/// handshake time. A connect abandoned at the timeout sends nothing more.
pub fn tcp_connect(addr: SocketAddr, timeout: Duration) -> ProbeResult {
    let method = ProbeMethod::Tcp;
    if let Some(why) = not_probed(addr.ip()) {
        return ProbeResult::new(method, ProbeOutcome::Failed, why);
    }
    let socket = match Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)) {
        Ok(s) => s,
        Err(e) => {
            return ProbeResult::new(
                method,
                ProbeOutcome::Failed,
                format!("cannot open TCP socket: {e}"),
            )
        }
    };
    let started = Instant::now();
    match socket.connect_timeout(&addr.into(), timeout) {
        Ok(()) => ProbeResult::success(method, started),
        Err(e) => {
            let mut result = ProbeResult::from_io(method, &e);
            if result.outcome == ProbeOutcome::Timeout {
                result.detail = Some(format!("no answer within {} ms", timeout.as_millis()));
            }
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpListener};

    #[test]
    fn no_connect_to_an_address_that_is_not_one_host() {
        for text in [
            "224.0.0.1:80",
            "255.255.255.255:80",
            "[ff02::1]:80",
            "0.0.0.0:80",
            "[::]:80",
        ] {
            let r = tcp_connect(text.parse().unwrap(), Duration::from_millis(10));
            assert_eq!(r.outcome, ProbeOutcome::Failed, "{text}: {r:?}");
            assert!(
                r.detail
                    .as_deref()
                    .is_some_and(|d| d.contains("not probed")),
                "{text}: {r:?}"
            );
        }
    }

    const TIMEOUT: Duration = Duration::from_millis(900);

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
}
