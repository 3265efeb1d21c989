//! The probes of a diagnosis (an edge: sockets and the clock), made with
//! `watch`'s probe functions: once per round, an ICMP echo to the gateway;
//! per target, a TCP connect to its port (an ICMP echo when it has none)
//! and, when it has a port, an ICMP echo to its host (a host that answers
//! ping but not its port is behind a firewall that drops the port); the
//! target's name is looked up in the first round and every
//! [`Plan::lookup_every`] rounds after (each lookup is a DNS measurement).
//!
//! Traffic stays small: at the default one round a second for 30 s, one
//! gateway ping and two small probes per target a second.

use super::http::{
    judge, parse_reply, reply_is_whole, request, HttpReply, HttpUrl, MAX_REPLY_BYTES,
};
use super::{PortalEvidence, ProbeEvidence, TargetProbes};
use crate::watch::probe::{resolve, tcp_connect, Prober, Schedule, Target};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// What to probe and for how long.
#[derive(Debug, Clone)]
pub struct Plan {
    pub gateway: Option<IpAddr>,
    /// The interface index, for an IPv6 link-local gateway's scope.
    pub ifindex: u32,
    pub targets: Vec<Target>,
    pub duration: Duration,
    pub interval: Duration,
    /// Look names up again every this many rounds.
    pub lookup_every: u32,
}

/// Runs the plan to its end (blocking) and returns every result.
/// `progress` is called after each round with the time elapsed.
pub fn run(plan: &Plan, mut progress: impl FnMut(Duration)) -> ProbeEvidence {
    let mut prober = Prober::new();
    let timeout = Duration::from_secs(1).min(plan.interval.max(Duration::from_millis(300)));
    let lookup_timeout = Duration::from_secs(2);
    let mut gateway = plan.gateway.map(|g| (g, Vec::new()));
    let mut targets: Vec<TargetProbes> = plan
        .targets
        .iter()
        .map(|t| TargetProbes {
            spec: t.to_string(),
            host: t.host.clone(),
            port: t.port,
            address: t.ip(),
            ..TargetProbes::default()
        })
        .collect();
    let schedule = Schedule::new(plan.interval);
    let started = Instant::now();
    let mut planned = started;
    let mut round: u32 = 0;
    while started.elapsed() < plan.duration {
        let round_start = Instant::now();
        if let Some((addr, results)) = &mut gateway {
            results.push(prober.icmp_echo_scoped(*addr, plan.ifindex, timeout));
        }
        for (t, spec) in targets.iter_mut().zip(&plan.targets) {
            if spec.ip().is_none() && round % plan.lookup_every.max(1) == 0 {
                let (result, addrs) = resolve(&spec.host, lookup_timeout);
                if let Some(first) = addrs.first() {
                    t.address = Some(*first);
                }
                t.dns.push(result);
            }
            let Some(addr) = t.address else {
                continue;
            };
            match t.port {
                Some(port) => {
                    t.connect
                        .push(tcp_connect(SocketAddr::new(addr, port), timeout));
                    t.ping.push(prober.icmp_echo(addr, timeout));
                }
                None => t.connect.push(prober.icmp_echo(addr, timeout)),
            }
        }
        round += 1;
        let now = Instant::now();
        progress(now - started);
        let next = schedule.next(planned, round_start, now);
        planned = next;
        if started.elapsed() >= plan.duration {
            break;
        }
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    ProbeEvidence {
        duration_ms: started.elapsed().as_millis() as u64,
        gateway,
        targets,
    }
}

/// The captive-portal probe: looks the URL's host up, then one GET of the
/// URL ([`super::http`]), all within `timeout` (the lookup gets at most
/// 2 s of it). Nothing but this one request is sent.
pub fn portal(url: &HttpUrl, response: &str, timeout: Duration) -> PortalEvidence {
    let started = Instant::now();
    let shown = url.to_string();
    let (lookup, addrs) = resolve(&url.host, timeout.min(Duration::from_secs(2)));
    let Some(&address) = addrs.first() else {
        return PortalEvidence::NotResolved {
            url: shown,
            detail: lookup.detail.unwrap_or_else(|| "no address".into()),
        };
    };
    let left = timeout.saturating_sub(started.elapsed());
    match http_get(SocketAddr::new(address, url.port), url, left) {
        Ok((reply, rtt_ms)) => PortalEvidence::Answered {
            url: shown,
            address,
            status: reply.status,
            location_host: reply.location_host(),
            judged: judge(&reply, response),
            rtt_ms,
        },
        Err(detail) => PortalEvidence::NoAnswer {
            url: shown,
            address,
            detail,
        },
    }
}

/// One HTTP GET of `url` at `addr`: connects, sends [`request`], reads
/// until the server closes, the reply is whole, [`MAX_REPLY_BYTES`] have
/// come or `timeout` is over. Returns the reply and the time to it in ms.
pub fn http_get(
    addr: SocketAddr,
    url: &HttpUrl,
    timeout: Duration,
) -> Result<(HttpReply, f64), String> {
    use std::io::{Read, Write};
    let deadline = Instant::now() + timeout;
    let left = || {
        deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    };
    if let Some(why) = crate::watch::probe::target::not_probed(addr.ip()) {
        return Err(why);
    }
    let started = Instant::now();
    let mut stream = std::net::TcpStream::connect_timeout(&addr, left()).map_err(|e| {
        if e.kind() == std::io::ErrorKind::TimedOut {
            format!(
                "no answer on port {} within {} ms",
                addr.port(),
                timeout.as_millis()
            )
        } else {
            format!(
                "port {}: {}",
                addr.port(),
                crate::watch::probe::result::classify_io_error(&e).1
            )
        }
    })?;
    stream
        .set_write_timeout(Some(left()))
        .and_then(|()| stream.write_all(&request(url)))
        .map_err(|e| format!("sending the request: {e}"))?;
    let mut bytes = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        if Instant::now() >= deadline {
            break;
        }
        if let Err(e) = stream.set_read_timeout(Some(left())) {
            return Err(format!("reading the reply: {e}"));
        }
        match stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                let room = MAX_REPLY_BYTES - bytes.len();
                bytes.extend_from_slice(&chunk[..n.min(room)]);
                if bytes.len() >= MAX_REPLY_BYTES || reply_is_whole(&bytes) {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break
            }
            Err(e) => return Err(format!("reading the reply: {e}")),
        }
    }
    let rtt_ms = started.elapsed().as_secs_f64() * 1000.0;
    match parse_reply(&bytes)? {
        Some(reply) => Ok((reply, rtt_ms)),
        None if bytes.is_empty() => Err(format!(
            "connected, but no reply within {} ms",
            timeout.as_millis()
        )),
        None => Err("the reply stopped before its header ended".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::http::Judged;
    use std::io::{Read, Write};
    use std::net::{Ipv4Addr, TcpListener};

    /// A one-shot server on loopback: reads the request, sends `reply`
    /// (after `delay`), closes; returns its URL and the request it got.
    fn serve(reply: &'static [u8], delay: Duration) -> (HttpUrl, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut req = vec![0u8; 2048];
            let n = s.read(&mut req).unwrap();
            std::thread::sleep(delay);
            let _ = s.write_all(reply);
            String::from_utf8_lossy(&req[..n]).into_owned()
        });
        let url = HttpUrl::parse(&format!("http://127.0.0.1:{port}/check")).unwrap();
        (url, server)
    }

    #[test]
    fn a_known_answer_a_redirect_and_silence_over_real_sockets() {
        let (url, server) = serve(
            b"HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\nNetworkManager is online\n",
            Duration::ZERO,
        );
        let e = portal(&url, "NetworkManager is online", Duration::from_secs(3));
        let request = server.join().unwrap();
        assert!(request.starts_with("GET /check HTTP/1.1\r\n"), "{request}");
        assert!(
            matches!(
                &e,
                PortalEvidence::Answered {
                    status: 200,
                    judged: Judged::Expected,
                    ..
                }
            ),
            "{e:?}"
        );

        let (url, server) = serve(
            b"HTTP/1.1 302 Found\r\nLocation: http://portal.guest.lan/login?mac=02:00:00:00:02:00\r\n\r\n",
            Duration::ZERO,
        );
        let e = portal(&url, "", Duration::from_secs(3));
        server.join().unwrap();
        match &e {
            PortalEvidence::Answered {
                status: 302,
                judged: Judged::Portal,
                location_host: Some(h),
                ..
            } => assert_eq!(h, "portal.guest.lan"),
            other => panic!("{other:?}"),
        }

        // A server that takes the connection and says nothing in time.
        let (url, server) = serve(b"", Duration::from_millis(900));
        let e = portal(&url, "", Duration::from_millis(300));
        server.join().unwrap();
        assert!(
            matches!(&e, PortalEvidence::NoAnswer { detail, .. } if detail.contains("no reply")),
            "{e:?}"
        );
    }

    #[test]
    fn a_closed_port_is_no_answer() {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = HttpUrl::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let e = portal(&url, "", Duration::from_secs(1));
        assert!(
            matches!(&e, PortalEvidence::NoAnswer { detail, .. } if detail.contains("refused")),
            "{e:?}"
        );
    }
}
