//! Reachability probes for `wifidiag watch`: ICMP echo, TCP connect and
//! name resolution, one small packet (or one lookup) per target per interval.
//!
//! Why each probe exists: a Wi-Fi laptop that "loses its server" may have lost
//! the radio link, the gateway, DNS, or only the server's service. Probing the
//! gateway (ICMP), the name (system resolver) and the service (TCP connect, or
//! ICMP when no port is known) separately lets the verdict tell these apart.
//! The outcomes therefore keep distinctions a plain "ok/failed" would lose:
//! [`ProbeOutcome::Refused`] means the host answered (it is up, the service is
//! not), [`ProbeOutcome::Unreachable`] means something on the path said "no
//! route", and [`ProbeOutcome::NotPermitted`] means *this laptop* could not
//! send the probe at all — never a failure of the target.
//!
//! ICMP without root: the tool runs as root from cron but also as a plain
//! user, so it prefers the kernel's unprivileged ICMP datagram ("ping")
//! sockets, which are allowed when the process's group is inside
//! `net.ipv4.ping_group_range` (that sysctl also governs ICMPv6), and falls
//! back to raw sockets, which need `CAP_NET_RAW`. [`Prober`] decides once per
//! address family which of the two this process may use.
//!
//! Every probe gets its own socket: at one probe per second the cost is nil,
//! and a fresh socket can never hand us a late reply or a stale error from an
//! earlier probe. Probes never panic; everything that can go wrong becomes an
//! outcome with a short human `detail`.

use serde::{Deserialize, Serialize};
use socket2::{Domain, Protocol, Socket, Type};
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV6, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicU16, AtomicUsize, Ordering};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------

/// A probe target: a host name or IP literal, with an optional TCP port.
///
/// `host` is canonical: IP literals in their standard text form (IPv6
/// compressed, without brackets), names in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub host: String,
    pub port: Option<u16>,
}

impl Target {
    /// Parses `HOST`, `HOST:PORT`, `[V6]`, `[V6]:PORT` or a bare IPv6
    /// literal (which then has no port: `fe80::1` is an address, not
    /// `fe80:` port 1).
    ///
    /// The error is one line naming what is wrong, for the command line.
    /// IPv6 zone ids (`fe80::1%wlan0`) are rejected: a target is probed by
    /// address only; the gateway probe, which needs a zone, passes the
    /// interface through [`Prober::icmp_echo_scoped`] instead.
    pub fn parse(s: &str) -> Result<Target, String> {
        let text = s.trim();
        if text.is_empty() {
            return Err("empty target: give HOST or HOST:PORT".into());
        }
        if text.contains("://") || text.contains('/') {
            return Err(format!(
                "target {text:?} looks like a URL: give HOST or HOST:PORT (e.g. emr.clinic.lan:443)"
            ));
        }
        if text.contains('%') {
            return Err(format!(
                "target {text:?}: IPv6 zone ids (%interface) are not supported; use a global address or a name"
            ));
        }

        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (inside, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("target {text:?}: missing ']' after the IPv6 address"))?;
            let v6: Ipv6Addr = inside
                .parse()
                .map_err(|_| format!("target {text:?}: {inside:?} is not an IPv6 address"))?;
            let port = match after {
                "" => None,
                _ => match after.strip_prefix(':') {
                    Some(p) => Some(parse_port(text, p)?),
                    None => {
                        return Err(format!(
                            "target {text:?}: expected ':PORT' after ']', found {after:?}"
                        ))
                    }
                },
            };
            (v6.to_string(), port)
        } else if text.matches(':').count() > 1 {
            // Several colons and no brackets: only a bare IPv6 literal fits.
            let v6: Ipv6Addr = text.parse().map_err(|_| {
                format!(
                    "target {text:?} is not an IPv6 address; write [ADDRESS]:PORT to give a port"
                )
            })?;
            (v6.to_string(), None)
        } else if let Some((host, port)) = text.split_once(':') {
            (canonical_host(text, host)?, Some(parse_port(text, port)?))
        } else {
            (canonical_host(text, text)?, None)
        };
        Ok(Target { host, port })
    }

    /// The host as an IP address, when it is a literal (no lookup needed).
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

impl fmt::Display for Target {
    /// Canonical text that [`Target::parse`] reads back: `host`, `host:port`,
    /// a bare IPv6 literal, or `[v6]:port`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.host.contains(':'), self.port) {
            (true, Some(port)) => write!(f, "[{}]:{port}", self.host),
            (false, Some(port)) => write!(f, "{}:{port}", self.host),
            (_, None) => f.write_str(&self.host),
        }
    }
}

fn parse_port(target: &str, port: &str) -> Result<u16, String> {
    match port.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(format!(
            "target {target:?}: invalid port {port:?} (expected 1-65535)"
        )),
    }
}

/// Validates an IPv4 literal or a host name (RFC 1123 labels; `_` allowed,
/// as internal names sometimes use it) and returns its canonical form.
fn canonical_host(target: &str, host: &str) -> Result<String, String> {
    if host.is_empty() {
        return Err(format!("target {target:?}: empty host before ':PORT'"));
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = name.split('.').collect();
    // All-numeric dotted text is meant as an IPv4 address; getaddrinfo would
    // read "10.1" or "300.1.1.1" in surprising ways, so refuse it here.
    if labels
        .iter()
        .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!(
            "target {target:?}: {host:?} is not a valid IPv4 address"
        ));
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if name.len() > 253 || !labels.iter().all(label_ok) {
        return Err(format!(
            "target {target:?}: {host:?} is not a valid host name or IP address"
        ));
    }
    Ok(host.to_ascii_lowercase())
}

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/// How a probe was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeMethod {
    /// ICMP echo over an unprivileged datagram ("ping") socket.
    IcmpDatagram,
    /// ICMP echo over a raw socket (needs CAP_NET_RAW).
    IcmpRaw,
    /// TCP connect, closed right after the handshake.
    Tcp,
    /// Name resolution through the system resolver.
    Dns,
}

impl ProbeMethod {
    /// The serialized name (`icmp_datagram`, `icmp_raw`, `tcp`, `dns`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeMethod::IcmpDatagram => "icmp_datagram",
            ProbeMethod::IcmpRaw => "icmp_raw",
            ProbeMethod::Tcp => "tcp",
            ProbeMethod::Dns => "dns",
        }
    }
}

impl fmt::Display for ProbeMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeOutcome {
    /// Echo reply, TCP handshake completed, or the name resolved.
    Ok,
    /// No answer before the probe's timeout.
    Timeout,
    /// The host answered with a refusal (TCP RST, or an ICMP port/protocol
    /// unreachable from the host itself): the host is up, the service is not.
    Refused,
    /// The path said "no route": ICMP destination unreachable or time
    /// exceeded, EHOSTUNREACH, ENETUNREACH, ENETDOWN.
    Unreachable,
    /// The probe went wrong in another way (`detail` says how): NXDOMAIN,
    /// blocked by a local firewall, no usable source address, ...
    Failed,
    /// This process could not send the probe at all (no ICMP socket allowed,
    /// or the address family is disabled). Says nothing about the target.
    NotPermitted,
}

impl ProbeOutcome {
    /// The serialized name (`ok`, `timeout`, `refused`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeOutcome::Ok => "ok",
            ProbeOutcome::Timeout => "timeout",
            ProbeOutcome::Refused => "refused",
            ProbeOutcome::Unreachable => "unreachable",
            ProbeOutcome::Failed => "failed",
            ProbeOutcome::NotPermitted => "not_permitted",
        }
    }
}

impl fmt::Display for ProbeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one probe.
///
/// When no ICMP socket kind is possible at all, `method` is
/// [`ProbeMethod::IcmpRaw`], the last one tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    pub method: ProbeMethod,
    pub outcome: ProbeOutcome,
    /// Round-trip (or handshake, or lookup) time; only when it was measured.
    pub rtt_ms: Option<f64>,
    /// Short human text: "connection refused", "no route to host", "NXDOMAIN: ...".
    pub detail: Option<String>,
}

impl ProbeResult {
    /// True when the target answered as hoped.
    pub fn ok(&self) -> bool {
        self.outcome == ProbeOutcome::Ok
    }

    fn new(method: ProbeMethod, outcome: ProbeOutcome, detail: impl Into<String>) -> ProbeResult {
        ProbeResult {
            method,
            outcome,
            rtt_ms: None,
            detail: Some(detail.into()),
        }
    }

    fn success(method: ProbeMethod, started: Instant) -> ProbeResult {
        ProbeResult {
            method,
            outcome: ProbeOutcome::Ok,
            rtt_ms: Some(started.elapsed().as_secs_f64() * 1000.0),
            detail: None,
        }
    }

    fn from_io(method: ProbeMethod, err: &io::Error) -> ProbeResult {
        let (outcome, detail) = classify_io_error(err);
        ProbeResult::new(method, outcome, detail)
    }
}

// ---------------------------------------------------------------------------
// ICMP echo
// ---------------------------------------------------------------------------

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
    };
    let request = echo_request(v6, expect.id.unwrap_or(0), expect.seq, &payload());

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

fn is_unicast_link_local(a: Ipv6Addr) -> bool {
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

// ---------------------------------------------------------------------------
// ICMP packets (pure)
// ---------------------------------------------------------------------------

const ICMP4_ECHO_REPLY: u8 = 0;
const ICMP4_DEST_UNREACH: u8 = 3;
const ICMP4_ECHO_REQUEST: u8 = 8;
const ICMP4_TIME_EXCEEDED: u8 = 11;
const ICMP6_DEST_UNREACH: u8 = 1;
const ICMP6_TIME_EXCEEDED: u8 = 3;
const ICMP6_ECHO_REQUEST: u8 = 128;
const ICMP6_ECHO_REPLY: u8 = 129;
const IPV6_HEADER_LEN: usize = 40;
const IPPROTO_ICMP: u8 = 1;
const IPPROTO_ICMPV6: u8 = 58;

/// The RFC 1071 Internet checksum (one's complement of the one's complement
/// sum of 16-bit words; an odd last byte is padded with zero).
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut words = data.chunks_exact(2);
    for w in &mut words {
        sum += u32::from(u16::from_be_bytes([w[0], w[1]]));
    }
    if let [last] = words.remainder() {
        sum += u32::from(*last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An echo request: type, code 0, checksum, identifier, sequence, payload.
///
/// The ICMPv4 checksum is filled in (raw sockets send it as is; ping sockets
/// recompute it anyway). The ICMPv6 checksum covers a pseudo-header with the
/// source address we do not know; the kernel always computes it for ICMPv6
/// sockets, so it stays zero here.
fn echo_request(v6: bool, id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut packet = Vec::with_capacity(8 + payload.len());
    packet.push(if v6 {
        ICMP6_ECHO_REQUEST
    } else {
        ICMP4_ECHO_REQUEST
    });
    packet.push(0);
    packet.extend_from_slice(&[0, 0]);
    packet.extend_from_slice(&id.to_be_bytes());
    packet.extend_from_slice(&seq.to_be_bytes());
    packet.extend_from_slice(payload);
    if !v6 {
        let sum = checksum(&packet);
        packet[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    packet
}

/// What we sent, to recognise what comes back.
#[derive(Debug, Clone)]
struct Expect {
    v6: bool,
    /// Raw IPv4 sockets deliver the IP header before the ICMP message.
    ip_header: bool,
    /// The identifier to check; `None` when the kernel owns it (datagram).
    id: Option<u16>,
    seq: u16,
    dest: IpAddr,
}

/// What a received packet means for our request.
#[derive(Debug, Clone, PartialEq)]
enum Reply {
    /// The echo reply to our request.
    Echo,
    /// An ICMP error about our request (unreachable, time exceeded).
    Error {
        outcome: ProbeOutcome,
        text: &'static str,
    },
    /// Anything else: someone else's traffic, our own request on loopback,
    /// truncated or garbled bytes.
    Unrelated,
}

/// Interprets one packet read from an ICMP socket. Never panics: every
/// length is checked, and anything that does not match is `Unrelated`.
fn classify_reply(packet: &[u8], from: IpAddr, expect: &Expect) -> Reply {
    let icmp = if expect.ip_header {
        match skip_ipv4_header(packet, IPPROTO_ICMP) {
            Some(rest) => rest,
            None => return Reply::Unrelated,
        }
    } else {
        packet
    };
    let Some(&[kind, code, _, _, id0, id1, seq0, seq1]) = icmp.get(..8) else {
        return Reply::Unrelated;
    };
    let id = u16::from_be_bytes([id0, id1]);
    let seq = u16::from_be_bytes([seq0, seq1]);
    let body = &icmp[8..];

    let echo_reply = if expect.v6 {
        ICMP6_ECHO_REPLY
    } else {
        ICMP4_ECHO_REPLY
    };
    if kind == echo_reply {
        let ours = seq == expect.seq
            && expect.id.is_none_or(|want| want == id)
            && from == expect.dest
            && body.starts_with(&payload());
        return if ours { Reply::Echo } else { Reply::Unrelated };
    }

    let text = match (expect.v6, kind) {
        (false, ICMP4_DEST_UNREACH) => unreachable_text_v4(code),
        (false, ICMP4_TIME_EXCEEDED) | (true, ICMP6_TIME_EXCEEDED) => (
            ProbeOutcome::Unreachable,
            "time exceeded in transit (routing loop?)",
        ),
        (true, ICMP6_DEST_UNREACH) => unreachable_text_v6(code),
        _ => return Reply::Unrelated,
    };
    // An error quotes the offending packet: its IP header, then at least the
    // first 8 bytes of our echo request.
    if !embeds_our_request(body, expect) {
        return Reply::Unrelated;
    }
    // "Port/protocol unreachable" proves the host up only when the host
    // itself says it; from a router or firewall it is a reject on the path.
    let outcome = match text.0 {
        ProbeOutcome::Refused if from != expect.dest => ProbeOutcome::Unreachable,
        other => other,
    };
    Reply::Error {
        outcome,
        text: text.1,
    }
}

/// The payload after an IPv4 header carrying `protocol`, if well formed.
fn skip_ipv4_header(packet: &[u8], protocol: u8) -> Option<&[u8]> {
    let first = *packet.first()?;
    let ihl = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || ihl < 20 || *packet.get(9)? != protocol {
        return None;
    }
    packet.get(ihl..)
}

/// Whether an ICMP error body quotes our echo request to our destination.
fn embeds_our_request(body: &[u8], expect: &Expect) -> bool {
    let (inner, dest) = if expect.v6 {
        // IPv6 header: next header at 6, destination at 24..40. (An
        // extension header before ICMPv6 is not expected on our request.)
        if body.get(6) != Some(&IPPROTO_ICMPV6) {
            return false;
        }
        let Some(dest) = body.get(24..40).and_then(|d| <[u8; 16]>::try_from(d).ok()) else {
            return false;
        };
        (body.get(IPV6_HEADER_LEN..), IpAddr::from(dest))
    } else {
        let Some(dest) = body.get(16..20).and_then(|d| <[u8; 4]>::try_from(d).ok()) else {
            return false;
        };
        (skip_ipv4_header(body, IPPROTO_ICMP), IpAddr::from(dest))
    };
    let Some(inner) = inner.and_then(|i| i.get(..8)) else {
        return false;
    };
    let request = if expect.v6 {
        ICMP6_ECHO_REQUEST
    } else {
        ICMP4_ECHO_REQUEST
    };
    dest == expect.dest
        && inner[0] == request
        && u16::from_be_bytes([inner[6], inner[7]]) == expect.seq
        && expect
            .id
            .is_none_or(|want| u16::from_be_bytes([inner[4], inner[5]]) == want)
}

fn unreachable_text_v4(code: u8) -> (ProbeOutcome, &'static str) {
    use ProbeOutcome::{Refused, Unreachable};
    match code {
        0 => (Unreachable, "network unreachable"),
        1 => (Unreachable, "host unreachable"),
        2 => (Refused, "protocol unreachable"),
        3 => (Refused, "port unreachable"),
        4 => (Unreachable, "fragmentation needed (path MTU)"),
        6 | 11 => (
            Unreachable,
            "destination network unknown or unreachable for this service",
        ),
        7 | 12 => (
            Unreachable,
            "destination host unknown or unreachable for this service",
        ),
        9 | 10 | 13 => (Unreachable, "administratively prohibited (firewall)"),
        _ => (Unreachable, "destination unreachable"),
    }
}

fn unreachable_text_v6(code: u8) -> (ProbeOutcome, &'static str) {
    use ProbeOutcome::{Refused, Unreachable};
    match code {
        0 => (Unreachable, "no route to destination"),
        1 => (Unreachable, "administratively prohibited (firewall)"),
        2 => (Unreachable, "beyond scope of source address"),
        3 => (Unreachable, "address unreachable"),
        4 => (Refused, "port unreachable"),
        5 => (Unreachable, "source address failed ingress/egress policy"),
        6 => (Unreachable, "reject route to destination"),
        _ => (Unreachable, "destination unreachable"),
    }
}

/// Maps a socket error to an outcome and a short text. Kernel errno values
/// come from connect/send/recv (on ping sockets, ICMP errors arrive this
/// way too); std's own timeouts carry no errno. On a ping socket,
/// ECONNREFUSED stands for an ICMP port/protocol unreachable whose sender we
/// cannot see, so it may be a firewall rather than the host.
fn classify_io_error(err: &io::Error) -> (ProbeOutcome, String) {
    use ProbeOutcome::{Failed, Refused, Timeout, Unreachable};
    let Some(errno) = err.raw_os_error() else {
        return match err.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => (Timeout, "timed out".into()),
            _ => (Failed, err.to_string()),
        };
    };
    let (outcome, text) = match errno {
        libc::ECONNREFUSED => (Refused, "connection refused"),
        libc::ENOPROTOOPT => (Refused, "protocol unreachable"),
        libc::EHOSTUNREACH => (Unreachable, "no route to host"),
        libc::ENETUNREACH => (Unreachable, "network unreachable"),
        libc::ENETDOWN => (Unreachable, "network is down"),
        libc::EHOSTDOWN => (Unreachable, "host is down"),
        libc::ETIMEDOUT | libc::EAGAIN => (Timeout, "timed out"),
        libc::EPERM | libc::EACCES => (
            Failed,
            "blocked locally (firewall rule, or a broadcast address)",
        ),
        libc::EADDRNOTAVAIL => (Failed, "no usable local address"),
        libc::ECONNRESET => (Failed, "connection reset"),
        libc::EMSGSIZE => (Failed, "message too long (path MTU)"),
        libc::EPROTO => (Failed, "protocol error (ICMP parameter problem)"),
        libc::EINVAL => (Failed, "invalid address for this socket"),
        _ => return (Failed, io::Error::from_raw_os_error(errno).to_string()),
    };
    (outcome, text.to_string())
}

// ---------------------------------------------------------------------------
// TCP
// ---------------------------------------------------------------------------

/// TCP connect with a timeout (non-blocking connect, then poll), closed at
/// once without sending anything.
///
/// The close is an orderly FIN, so the server sees a client that connected
/// and left — at worst one line in its log per interval. `rtt_ms` is the
/// handshake time. A connect abandoned at the timeout sends nothing more.
pub fn tcp_connect(addr: SocketAddr, timeout: Duration) -> ProbeResult {
    let method = ProbeMethod::Tcp;
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

// ---------------------------------------------------------------------------
// DNS
// ---------------------------------------------------------------------------

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
        return (
            ProbeResult::new(method, ProbeOutcome::Ok, "IP literal, no lookup"),
            vec![ip],
        );
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
        Ok(Ok(found)) => {
            let mut ips: Vec<IpAddr> = Vec::with_capacity(found.len());
            for ip in found {
                if !ips.contains(&ip) {
                    ips.push(ip);
                }
            }
            if ips.is_empty() {
                let mut result =
                    ProbeResult::new(method, ProbeOutcome::Failed, "name has no addresses");
                result.rtt_ms = Some(started.elapsed().as_secs_f64() * 1000.0);
                (result, ips)
            } else {
                (ProbeResult::success(method, started), ips)
            }
        }
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

    // --- Target ---------------------------------------------------------

    #[test]
    fn target_parse_table() {
        let ok: &[(&str, &str, Option<u16>, &str)] = &[
            ("10.77.1.10", "10.77.1.10", None, "10.77.1.10"),
            (
                "10.77.1.10:8080",
                "10.77.1.10",
                Some(8080),
                "10.77.1.10:8080",
            ),
            (
                "emr.clinic.lan:443",
                "emr.clinic.lan",
                Some(443),
                "emr.clinic.lan:443",
            ),
            ("EMR.Clinic.LAN", "emr.clinic.lan", None, "emr.clinic.lan"),
            ("  pacs  ", "pacs", None, "pacs"),
            ("host.lan.", "host.lan.", None, "host.lan."),
            ("file_srv-2", "file_srv-2", None, "file_srv-2"),
            ("[fe80::1]:8443", "fe80::1", Some(8443), "[fe80::1]:8443"),
            ("[2001:DB8:0:0::1]", "2001:db8::1", None, "2001:db8::1"),
            ("fe80::1", "fe80::1", None, "fe80::1"),
            ("::1", "::1", None, "::1"),
            (
                "[::ffff:10.0.0.1]:22",
                "::ffff:10.0.0.1",
                Some(22),
                "[::ffff:10.0.0.1]:22",
            ),
        ];
        for &(input, host, port, display) in ok {
            let t = Target::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(t.host, host, "{input:?}");
            assert_eq!(t.port, port, "{input:?}");
            assert_eq!(t.to_string(), display, "{input:?}");
            assert_eq!(
                Target::parse(&t.to_string()),
                Ok(t.clone()),
                "round trip {input:?}"
            );
        }

        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("   ", "empty"),
            ("host:", "invalid port"),
            ("host:0", "invalid port"),
            ("host:65536", "invalid port"),
            ("host:http", "invalid port"),
            (":443", "empty host"),
            ("[fe80::1", "missing ']'"),
            ("[fe80::1]443", "expected ':PORT'"),
            ("[emr.lan]:443", "not an IPv6 address"),
            ("fe80::1:443x", "not an IPv6 address"),
            ("fe80::1%wlan0", "zone"),
            ("https://emr.lan", "URL"),
            ("300.1.1.1", "not a valid IPv4"),
            ("10.1", "not a valid IPv4"),
            ("bad host", "not a valid host"),
            ("-lead.lan", "not a valid host"),
            ("a..b", "not a valid host"),
            ("é.lan", "not a valid host"),
        ];
        for &(input, needle) in bad {
            match Target::parse(input) {
                Ok(t) => panic!("{input:?} accepted as {t:?}"),
                Err(e) => {
                    assert!(e.contains(needle), "{input:?}: {e:?} lacks {needle:?}");
                    assert!(!e.contains('\n'));
                }
            }
        }
    }

    #[test]
    fn target_ip_is_only_for_literals() {
        assert_eq!(
            Target::parse("10.0.0.1:80").unwrap().ip(),
            Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
        );
        assert_eq!(Target::parse("emr.lan").unwrap().ip(), None);
    }

    // --- Serialization ----------------------------------------------------

    #[test]
    fn enums_serialize_as_snake_case() {
        let r = ProbeResult::new(ProbeMethod::IcmpDatagram, ProbeOutcome::NotPermitted, "x");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["method"], "icmp_datagram");
        assert_eq!(json["outcome"], "not_permitted");
        assert_eq!(json["rtt_ms"], serde_json::Value::Null);
        for m in [
            ProbeMethod::IcmpDatagram,
            ProbeMethod::IcmpRaw,
            ProbeMethod::Tcp,
            ProbeMethod::Dns,
        ] {
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        use ProbeOutcome::*;
        for o in [Ok, Timeout, Refused, Unreachable, Failed, NotPermitted] {
            assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
        }
        assert!(!r.ok());
    }

    // --- Checksum and request building ------------------------------------

    #[test]
    fn checksum_of_known_packets() {
        // RFC 1071's worked example: the sum of these words is ddf2, so the
        // checksum is its complement.
        assert_eq!(
            checksum(&[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]),
            !0xddf2
        );
        // An echo request "08 00 cksum 12 34 00 01" + "abcd": hand sum
        // 0800+1234+0001+6162+6364 = defb -> checksum 2104.
        let packet = [
            0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01, b'a', b'b', b'c', b'd',
        ];
        assert_eq!(checksum(&packet), 0x2104);
        // Odd length pads with zero.
        assert_eq!(checksum(&[0xff]), !0xff00);
        assert_eq!(checksum(&[]), 0xffff);
    }

    #[test]
    fn echo_request_layout_and_valid_checksum() {
        let p = echo_request(false, 0x1234, 1, b"abcd");
        assert_eq!(
            p,
            [0x08, 0, 0x21, 0x04, 0x12, 0x34, 0, 1, b'a', b'b', b'c', b'd']
        );
        // A packet including its own checksum sums to zero.
        assert_eq!(checksum(&p), 0);
        let p6 = echo_request(true, 7, 0xbeef, &[]);
        assert_eq!(p6, [128, 0, 0, 0, 0, 7, 0xbe, 0xef]);
    }

    // --- Reply parsing ----------------------------------------------------

    const DEST4: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 77, 1, 10));
    const ROUTER4: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 77, 1, 1));

    fn dest6() -> IpAddr {
        "2001:db8::10".parse().unwrap()
    }

    fn expect(v6: bool, raw: bool) -> Expect {
        Expect {
            v6,
            ip_header: raw && !v6,
            id: raw.then_some(0x4242),
            seq: 7,
            dest: if v6 { dest6() } else { DEST4 },
        }
    }

    fn ipv4_header(src: [u8; 4], dst: [u8; 4], protocol: u8) -> Vec<u8> {
        let mut h = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, protocol, 0, 0];
        h.extend_from_slice(&src);
        h.extend_from_slice(&dst);
        h
    }

    fn ipv6_header(dst: IpAddr) -> Vec<u8> {
        let mut h = vec![0x60, 0, 0, 0, 0, 0, IPPROTO_ICMPV6, 64];
        h.extend_from_slice(&[0; 16]);
        match dst {
            IpAddr::V6(a) => h.extend_from_slice(&a.octets()),
            IpAddr::V4(_) => unreachable!(),
        }
        h
    }

    fn echo_reply(v6: bool, id: u16, seq: u16) -> Vec<u8> {
        let mut p = echo_request(v6, id, seq, &payload());
        p[0] = if v6 {
            ICMP6_ECHO_REPLY
        } else {
            ICMP4_ECHO_REPLY
        };
        p
    }

    #[test]
    fn echo_reply_matches_id_seq_source_and_payload() {
        // Raw IPv4: IP header first.
        let e = expect(false, true);
        let mut pkt = ipv4_header([10, 77, 1, 10], [10, 77, 1, 99], IPPROTO_ICMP);
        pkt.extend(echo_reply(false, 0x4242, 7));
        assert_eq!(classify_reply(&pkt, DEST4, &e), Reply::Echo);
        // Same packet from another host, or with another id / seq: not ours.
        assert_eq!(classify_reply(&pkt, ROUTER4, &e), Reply::Unrelated);
        let mut other_id = ipv4_header([10, 77, 1, 10], [10, 77, 1, 99], IPPROTO_ICMP);
        other_id.extend(echo_reply(false, 0x4243, 7));
        assert_eq!(classify_reply(&other_id, DEST4, &e), Reply::Unrelated);
        let mut other_seq = ipv4_header([10, 77, 1, 10], [10, 77, 1, 99], IPPROTO_ICMP);
        other_seq.extend(echo_reply(false, 0x4242, 8));
        assert_eq!(classify_reply(&other_seq, DEST4, &e), Reply::Unrelated);
        // Someone else's payload.
        let mut foreign = pkt.clone();
        let last = foreign.len() - 1;
        foreign[last] ^= 0xff;
        assert_eq!(classify_reply(&foreign, DEST4, &e), Reply::Unrelated);
        // Our own request seen on loopback is not a reply.
        let mut own = ipv4_header([127, 0, 0, 1], [127, 0, 0, 1], IPPROTO_ICMP);
        own.extend(echo_request(false, 0x4242, 7, &payload()));
        assert_eq!(classify_reply(&own, DEST4, &e), Reply::Unrelated);
    }

    #[test]
    fn datagram_replies_ignore_the_kernel_owned_id() {
        let e = expect(false, false);
        let pkt = echo_reply(false, 0x9999, 7);
        assert_eq!(classify_reply(&pkt, DEST4, &e), Reply::Echo);
        assert_eq!(
            classify_reply(&echo_reply(false, 0x9999, 6), DEST4, &e),
            Reply::Unrelated
        );
        let e6 = expect(true, false);
        assert_eq!(
            classify_reply(&echo_reply(true, 1, 7), dest6(), &e6),
            Reply::Echo
        );
    }

    #[test]
    fn raw_icmpv6_reply_has_no_ip_header() {
        let e = expect(true, true);
        assert_eq!(
            classify_reply(&echo_reply(true, 0x4242, 7), dest6(), &e),
            Reply::Echo
        );
        assert_eq!(
            classify_reply(&echo_reply(true, 0x4241, 7), dest6(), &e),
            Reply::Unrelated
        );
        // An ICMPv4 echo reply type (0) means nothing on an ICMPv6 socket.
        assert_eq!(
            classify_reply(&echo_reply(false, 0x4242, 7), dest6(), &e),
            Reply::Unrelated
        );
    }

    /// A raw IPv4 "destination unreachable" from the router, quoting an echo
    /// request with the given id/seq to `dst`.
    fn unreach_v4(code: u8, id: u16, seq: u16, dst: [u8; 4]) -> Vec<u8> {
        let mut pkt = ipv4_header([10, 77, 1, 1], [10, 77, 1, 99], IPPROTO_ICMP);
        pkt.extend_from_slice(&[ICMP4_DEST_UNREACH, code, 0, 0, 0, 0, 0, 0]);
        pkt.extend(ipv4_header([10, 77, 1, 99], dst, IPPROTO_ICMP));
        pkt.extend(echo_request(false, id, seq, &payload()).into_iter().take(8));
        pkt
    }

    #[test]
    fn dest_unreachable_embedding_our_request() {
        let e = expect(false, true);
        assert_eq!(
            classify_reply(&unreach_v4(1, 0x4242, 7, [10, 77, 1, 10]), ROUTER4, &e),
            Reply::Error {
                outcome: ProbeOutcome::Unreachable,
                text: "host unreachable"
            }
        );
        // Port unreachable from the host itself: up, but refusing.
        assert_eq!(
            classify_reply(&unreach_v4(3, 0x4242, 7, [10, 77, 1, 10]), DEST4, &e),
            Reply::Error {
                outcome: ProbeOutcome::Refused,
                text: "port unreachable"
            }
        );
        // The same from a router or firewall on the path proves nothing
        // about the host.
        assert_eq!(
            classify_reply(&unreach_v4(3, 0x4242, 7, [10, 77, 1, 10]), ROUTER4, &e),
            Reply::Error {
                outcome: ProbeOutcome::Unreachable,
                text: "port unreachable"
            }
        );
        // About someone else's request: another id, seq or destination.
        for pkt in [
            unreach_v4(1, 0x4243, 7, [10, 77, 1, 10]),
            unreach_v4(1, 0x4242, 9, [10, 77, 1, 10]),
            unreach_v4(1, 0x4242, 7, [10, 77, 1, 11]),
        ] {
            assert_eq!(classify_reply(&pkt, ROUTER4, &e), Reply::Unrelated);
        }
        // Time exceeded is reported the same way.
        let mut te = unreach_v4(0, 0x4242, 7, [10, 77, 1, 10]);
        te[20] = ICMP4_TIME_EXCEEDED;
        assert!(matches!(
            classify_reply(&te, ROUTER4, &e),
            Reply::Error {
                outcome: ProbeOutcome::Unreachable,
                ..
            }
        ));
    }

    #[test]
    fn icmpv6_dest_unreachable_embedding_our_request() {
        let e = expect(true, true);
        let router: IpAddr = "fe80::1".parse().unwrap();
        let build = |seq: u16, dst: IpAddr| {
            let mut pkt = vec![ICMP6_DEST_UNREACH, 3, 0, 0, 0, 0, 0, 0];
            pkt.extend(ipv6_header(dst));
            pkt.extend(echo_request(true, 0x4242, seq, &payload()));
            pkt
        };
        assert_eq!(
            classify_reply(&build(7, dest6()), router, &e),
            Reply::Error {
                outcome: ProbeOutcome::Unreachable,
                text: "address unreachable"
            }
        );
        assert_eq!(
            classify_reply(&build(8, dest6()), router, &e),
            Reply::Unrelated
        );
        let other: IpAddr = "2001:db8::11".parse().unwrap();
        assert_eq!(
            classify_reply(&build(7, other), router, &e),
            Reply::Unrelated
        );
    }

    #[test]
    fn truncated_and_garbage_input_never_panics() {
        let full = unreach_v4(1, 0x4242, 7, [10, 77, 1, 10]);
        let mut reply = ipv4_header([10, 77, 1, 10], [10, 77, 1, 99], IPPROTO_ICMP);
        reply.extend(echo_reply(false, 0x4242, 7));
        let v6_full = {
            let mut pkt = vec![ICMP6_DEST_UNREACH, 0, 0, 0, 0, 0, 0, 0];
            pkt.extend(ipv6_header(dest6()));
            pkt.extend(echo_request(true, 0x4242, 7, &payload()));
            pkt
        };
        for v6 in [false, true] {
            for raw in [false, true] {
                let e = expect(v6, raw);
                for source in [&full, &reply, &v6_full] {
                    for len in 0..source.len() {
                        let _ = classify_reply(&source[..len], DEST4, &e);
                    }
                }
                // IHL claiming more than the packet, IHL below 5, wrong version.
                for first in [0x4f, 0x41, 0x65, 0x00, 0xff] {
                    let mut pkt = full.clone();
                    pkt[0] = first;
                    let _ = classify_reply(&pkt, DEST4, &e);
                }
                // Pseudo-random garbage.
                let mut x: u32 = 0x1234_5678;
                for len in 0..300 {
                    let garbage: Vec<u8> = (0..len)
                        .map(|_| {
                            x ^= x << 13;
                            x ^= x >> 17;
                            x ^= x << 5;
                            x as u8
                        })
                        .collect();
                    assert_ne!(classify_reply(&garbage, DEST4, &e), Reply::Echo);
                }
            }
        }
        // A truncated echo reply (payload cut) is not accepted.
        let e = expect(false, true);
        assert_eq!(
            classify_reply(&reply[..reply.len() - 1], DEST4, &e),
            Reply::Unrelated
        );
    }

    // --- Errno mapping ------------------------------------------------------

    #[test]
    fn errno_to_outcome() {
        let table = [
            (
                libc::ECONNREFUSED,
                ProbeOutcome::Refused,
                "connection refused",
            ),
            (
                libc::EHOSTUNREACH,
                ProbeOutcome::Unreachable,
                "no route to host",
            ),
            (
                libc::ENETUNREACH,
                ProbeOutcome::Unreachable,
                "network unreachable",
            ),
            (libc::ENETDOWN, ProbeOutcome::Unreachable, "network is down"),
            (libc::ETIMEDOUT, ProbeOutcome::Timeout, "timed out"),
            (libc::EPERM, ProbeOutcome::Failed, "blocked locally"),
            (
                libc::EADDRNOTAVAIL,
                ProbeOutcome::Failed,
                "no usable local address",
            ),
        ];
        for (errno, outcome, text) in table {
            let (o, t) = classify_io_error(&io::Error::from_raw_os_error(errno));
            assert_eq!(o, outcome, "errno {errno}");
            assert!(t.contains(text), "errno {errno}: {t}");
        }
        // Unknown errno: Failed with the system's text.
        let (o, t) = classify_io_error(&io::Error::from_raw_os_error(libc::EBADF));
        assert_eq!(o, ProbeOutcome::Failed);
        assert!(!t.is_empty());
        // std's own timeout (no errno).
        let (o, _) = classify_io_error(&io::ErrorKind::TimedOut.into());
        assert_eq!(o, ProbeOutcome::Timeout);
    }

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
}
