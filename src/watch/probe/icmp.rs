//! ICMP echo over sockets: choosing between unprivileged datagram
//! ("ping") and raw sockets, sending one request and waiting for what
//! [`super::icmp_packet`] recognises as its answer.

use super::icmp_packet::{classify_reply, echo_request, Expect, Reply};
use super::result::{ProbeMethod, ProbeOutcome, ProbeResult};
use super::target::not_probed;
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV6, UdpSocket};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Decides once per address family which ICMP socket this process may use,
/// and sends echo requests with it.
///
/// Keep one `Prober` for the whole watch: detection opens (and closes) up to
/// four sockets, which is cheap but pointless to repeat every second.
#[derive(Debug, Clone)]
pub struct Prober {
    v4: Result<ProbeMethod, String>,
    v6: Result<ProbeMethod, String>,
}

impl Default for Prober {
    fn default() -> Self {
        Prober::new()
    }
}

impl Prober {
    /// Detects, for IPv4 and IPv6, whether a datagram ICMP socket can be
    /// opened, else a raw one; remembers why when neither can.
    pub fn new() -> Prober {
        Prober {
            v4: detect_icmp(false),
            v6: detect_icmp(true),
        }
    }

    /// The ICMP method this process uses for the family, or `None` when it
    /// cannot send ICMP echo at all (probes then report `NotPermitted`).
    pub fn icmp_method(&self, v6: bool) -> Option<ProbeMethod> {
        self.slot(v6).as_ref().ok().copied()
    }

    /// Why ICMP is impossible for the family, when it is.
    pub fn icmp_unavailable_reason(&self, v6: bool) -> Option<&str> {
        self.slot(v6).as_ref().err().map(String::as_str)
    }

    /// One echo request to `addr`, waiting for its reply until `timeout`.
    pub fn icmp_echo(&mut self, addr: IpAddr, timeout: Duration) -> ProbeResult {
        self.icmp_echo_scoped(addr, 0, timeout)
    }

    /// Like [`Prober::icmp_echo`], with the IPv6 scope (interface index) a
    /// link-local address needs — an IPv6 default gateway is usually
    /// `fe80::…` on the route's interface. Ignored for IPv4.
    pub fn icmp_echo_scoped(
        &mut self,
        addr: IpAddr,
        scope_id: u32,
        timeout: Duration,
    ) -> ProbeResult {
        let v6 = addr.is_ipv6();
        let method = match self.slot(v6) {
            Ok(method) => *method,
            Err(reason) => {
                return ProbeResult::new(
                    ProbeMethod::IcmpRaw,
                    ProbeOutcome::NotPermitted,
                    reason.clone(),
                )
            }
        };
        let result = echo(method, addr, scope_id, timeout);
        if result.outcome == ProbeOutcome::NotPermitted {
            // The permission changed under us (ping_group_range edited,
            // capability dropped): decide again, and retry once if another
            // method is now possible.
            let fresh = detect_icmp(v6);
            *self.slot_mut(v6) = fresh.clone();
            if let Ok(other) = fresh {
                if other != method {
                    return echo(other, addr, scope_id, timeout);
                }
            }
        }
        result
    }

    fn slot(&self, v6: bool) -> &Result<ProbeMethod, String> {
        if v6 {
            &self.v6
        } else {
            &self.v4
        }
    }

    fn slot_mut(&mut self, v6: bool) -> &mut Result<ProbeMethod, String> {
        if v6 {
            &mut self.v6
        } else {
            &mut self.v4
        }
    }
}

/// ICMP echo: one request, waiting for the matching reply until `timeout`.
///
/// Detects the usable ICMP socket kind for this one call; a long-running
/// caller should keep a [`Prober`] instead.
pub fn icmp_echo(addr: IpAddr, timeout: Duration) -> ProbeResult {
    match detect_icmp(addr.is_ipv6()) {
        Ok(method) => echo(method, addr, 0, timeout),
        Err(reason) => ProbeResult::new(ProbeMethod::IcmpRaw, ProbeOutcome::NotPermitted, reason),
    }
}

/// ICMP echo with an explicit socket kind ([`ProbeMethod::IcmpDatagram`] or
/// [`ProbeMethod::IcmpRaw`]); `NotPermitted` when this process may not open
/// it. Any other method is a caller bug and yields `Failed`.
pub fn icmp_echo_with(method: ProbeMethod, addr: IpAddr, timeout: Duration) -> ProbeResult {
    echo(method, addr, 0, timeout)
}

/// Tries a datagram, then a raw ICMP socket for the family.
fn detect_icmp(v6: bool) -> Result<ProbeMethod, String> {
    let datagram = match open_icmp(ProbeMethod::IcmpDatagram, v6) {
        Ok(_) => return Ok(ProbeMethod::IcmpDatagram),
        Err(e) => e,
    };
    let raw = match open_icmp(ProbeMethod::IcmpRaw, v6) {
        Ok(_) => return Ok(ProbeMethod::IcmpRaw),
        Err(e) => e,
    };
    Err(open_failure_detail(v6, &datagram, &raw))
}

fn open_icmp(method: ProbeMethod, v6: bool) -> io::Result<Socket> {
    let (domain, protocol) = if v6 {
        (Domain::IPV6, Protocol::ICMPV6)
    } else {
        (Domain::IPV4, Protocol::ICMPV4)
    };
    let kind = match method {
        ProbeMethod::IcmpRaw => Type::RAW,
        _ => Type::DGRAM,
    };
    Socket::new(domain, kind, Some(protocol))
}

/// The `NotPermitted` text when neither socket kind could be opened: what
/// to change, not an errno.
fn open_failure_detail(v6: bool, datagram: &io::Error, raw: &io::Error) -> String {
    let family = if v6 { "ICMPv6" } else { "ICMP" };
    if [datagram, raw]
        .iter()
        .all(|e| e.raw_os_error() == Some(libc::EAFNOSUPPORT))
    {
        return format!("cannot send {family}: IPv6 is disabled on this host");
    }
    let permission = |e: &io::Error| matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM));
    if permission(datagram) && permission(raw) {
        return format!(
            "cannot send {family}: group {} is outside net.ipv4.ping_group_range ({}) \
             and the process lacks CAP_NET_RAW; run as root or widen ping_group_range",
            effective_gid(),
            ping_group_range()
        );
    }
    format!("cannot open an {family} socket: datagram: {datagram}; raw: {raw}")
}

/// The sysctl's two numbers ("1 0" = nobody, the usual default), or "?".
fn ping_group_range() -> String {
    std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range")
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn effective_gid() -> u32 {
    // SAFETY: getegid has no preconditions and cannot fail.
    unsafe { libc::getegid() }
}

/// One echo request with the given socket kind; the whole exchange, from
/// opening the socket to matching the reply.
fn echo(method: ProbeMethod, addr: IpAddr, scope_id: u32, timeout: Duration) -> ProbeResult {
    if !matches!(method, ProbeMethod::IcmpDatagram | ProbeMethod::IcmpRaw) {
        return ProbeResult::new(
            method,
            ProbeOutcome::Failed,
            format!("{method} is not an ICMP method"),
        );
    }
    if let Some(why) = not_probed(addr) {
        return ProbeResult::new(method, ProbeOutcome::Failed, why);
    }
    // ::ffff:a.b.c.d is an IPv4 host: ping it with ICMP, not ICMPv6.
    let addr = addr.to_canonical();
    let v6 = addr.is_ipv6();
    let dest = match addr {
        IpAddr::V4(_) => SocketAddr::new(addr, 0),
        IpAddr::V6(a) => {
            if is_unicast_link_local(a) && scope_id == 0 {
                return ProbeResult::new(
                    method,
                    ProbeOutcome::Failed,
                    "link-local IPv6 address needs an interface (scope id)",
                );
            }
            SocketAddr::V6(SocketAddrV6::new(a, 0, 0, scope_id))
        }
    };
    let socket = match open_icmp(method, v6) {
        Ok(s) => s,
        Err(e) if e.raw_os_error() == Some(libc::EAFNOSUPPORT) => {
            return ProbeResult::new(
                method,
                ProbeOutcome::NotPermitted,
                "IPv6 is disabled on this host",
            )
        }
        Err(e) if matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM)) => {
            let detail = match method {
                ProbeMethod::IcmpDatagram => format!(
                    "no ICMP datagram socket: group {} is outside net.ipv4.ping_group_range ({})",
                    effective_gid(),
                    ping_group_range()
                ),
                _ => "no raw ICMP socket: needs CAP_NET_RAW (root)".to_string(),
            };
            return ProbeResult::new(method, ProbeOutcome::NotPermitted, detail);
        }
        Err(e) => {
            return ProbeResult::new(
                method,
                ProbeOutcome::Failed,
                format!("cannot open ICMP socket: {e}"),
            )
        }
    };
    let datagram = method == ProbeMethod::IcmpDatagram;
    if datagram {
        // Without IP_RECVERR a ping socket drops "host/net unreachable"
        // errors (the kernel counts them as soft); with it they come back as
        // EHOSTUNREACH/ENETUNREACH from recv. Best effort: if refused, we
        // only lose that distinction (the probe then times out).
        let _ = set_recv_err(&socket, v6);
    }
    // std's UdpSocket is a thin wrapper over any datagram-style fd: it gives
    // us connect/send/recv_from with timeouts into a plain, initialised
    // buffer, without unsafe code of our own. It sends no UDP.
    let socket = UdpSocket::from(socket);

    // Datagram sockets: the kernel owns the identifier (the socket's "port")
    // and hands us only replies to it. Raw sockets see every ICMP packet of
    // the host, so we use our own identifier and check it.
    let expect = Expect {
        v6,
        ip_header: !datagram && !v6,
        id: if datagram {
            None
        } else {
            Some(process_ident())
        },
        seq: next_sequence(),
        dest: addr,
        payload: payload(),
    };
    let request = echo_request(v6, expect.id.unwrap_or(0), expect.seq, &expect.payload);

    let started = Instant::now();
    let sent = if datagram {
        // Connected, so that errors for this destination are reported on
        // this socket. Raw sockets must stay unconnected: connecting would
        // also filter out the routers' "unreachable" messages.
        socket.connect(dest).and_then(|()| socket.send(&request))
    } else {
        socket.send_to(&request, dest)
    };
    if let Err(e) = sent {
        return ProbeResult::from_io(method, &e);
    }

    let deadline = started + timeout;
    let mut buf = [0u8; 2048];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return timed_out(method, timeout);
        }
        if let Err(e) = socket.set_read_timeout(Some(left.max(Duration::from_millis(1)))) {
            return ProbeResult::from_io(method, &e);
        }
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                let packet = buf.get(..n).unwrap_or_default();
                match classify_reply(packet, from.ip(), &expect) {
                    Reply::Echo => return ProbeResult::success(method, started),
                    Reply::Error { outcome, text } => {
                        return ProbeResult::new(
                            method,
                            outcome,
                            format!("{text} (reported by {})", from.ip()),
                        );
                    }
                    Reply::Unrelated => continue,
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return timed_out(method, timeout)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return ProbeResult::from_io(method, &e),
        }
    }
}

fn timed_out(method: ProbeMethod, timeout: Duration) -> ProbeResult {
    ProbeResult::new(
        method,
        ProbeOutcome::Timeout,
        format!("no reply within {} ms", timeout.as_millis()),
    )
}

pub(super) fn is_unicast_link_local(a: Ipv6Addr) -> bool {
    a.segments()[0] & 0xffc0 == 0xfe80
}

/// Turns on IP_RECVERR / IPV6_RECVERR (socket2 has no wrapper for it).
fn set_recv_err(socket: &Socket, v6: bool) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let (level, name) = if v6 {
        (libc::IPPROTO_IPV6, libc::IPV6_RECVERR)
    } else {
        (libc::IPPROTO_IP, libc::IP_RECVERR)
    };
    let on: libc::c_int = 1;
    // SAFETY: the fd is open for the lifetime of `socket`; the option value
    // points at a live c_int and its exact size is passed.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// The identifier of our raw-socket echo requests: the low bits of the
/// process id, as ping(8) does, so they are recognisable in a capture.
fn process_ident() -> u16 {
    (std::process::id() & 0xffff) as u16
}

/// Sequence numbers, process-wide so that concurrent probes (threads, or
/// several `Prober`s) never share one; they wrap after 65535.
fn next_sequence() -> u16 {
    static SEQUENCE: AtomicU16 = AtomicU16::new(1);
    SEQUENCE.fetch_add(1, Ordering::Relaxed)
}

/// The 16-byte echo payload: a marker plus a per-process random token, so a
/// raw socket does not mistake another program's reply (same pid in another
/// namespace, same sequence) for ours.
fn payload() -> [u8; 16] {
    static TOKEN: OnceLock<u64> = OnceLock::new();
    let token = *TOKEN.get_or_init(|| {
        let mut h = RandomState::new().build_hasher();
        h.write_u32(std::process::id());
        h.finish()
    });
    let mut p = [0u8; 16];
    p[..8].copy_from_slice(b"wifidiag");
    p[8..].copy_from_slice(&token.to_be_bytes());
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use std::net::Ipv6Addr;

    const DEST4: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 77, 1, 10));

    #[test]
    fn link_local_needs_a_scope() {
        let r = icmp_echo_with(
            ProbeMethod::IcmpRaw,
            "fe80::1".parse().unwrap(),
            Duration::from_millis(10),
        );
        assert_eq!(r.outcome, ProbeOutcome::Failed);
        assert!(r.detail.unwrap().contains("scope"));
        let r = icmp_echo_with(ProbeMethod::Tcp, DEST4, Duration::from_millis(10));
        assert_eq!(r.outcome, ProbeOutcome::Failed);
    }

    #[test]
    fn sequence_numbers_increase() {
        let a = next_sequence();
        let b = next_sequence();
        assert_ne!(a, b);
    }

    #[test]
    fn no_echo_to_an_address_that_is_not_one_host() {
        for method in [ProbeMethod::IcmpRaw, ProbeMethod::IcmpDatagram] {
            for text in [
                "224.0.0.1",
                "255.255.255.255",
                "ff02::1",
                "::ffff:224.0.0.1",
            ] {
                let r = icmp_echo_with(method, text.parse().unwrap(), Duration::from_millis(10));
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

    // --- Against this host's kernel ------------------------------------------
    //
    // What the process may do depends on who runs the tests: as root a raw
    // socket always works, and a datagram ("ping") socket only when gid 0 is
    // inside net.ipv4.ping_group_range; as a plain user it is the other way
    // round, or neither. The assertions accept exactly those possibilities.

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
}
