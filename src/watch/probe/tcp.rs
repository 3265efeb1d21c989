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
}
