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
//!
//! A probe goes to one host. Broadcast, multicast and unspecified addresses
//! (and `0.0.0.0/8`, and their IPv4-mapped IPv6 forms) are refused when a
//! target is parsed, dropped from a name's lookup answer (a name left with
//! none fails its DNS probe with a `detail` saying so), and refused again by
//! [`icmp_echo`] and [`tcp_connect`] themselves, so no packet is ever sent
//! there ([`target::unprobeable`]).
//!
//! # Layout
//!
//! Pure (no sockets, no lookups, no clock of their own; unit-tested with
//! tables and recorded packets):
//!
//! - [`target`]: parsing `--target` and `--targets-file` text into
//!   [`Target`]s, within [`target::MAX_TARGETS`]; which addresses are never
//!   probed. Its one I/O function, [`target::read_targets_file`], reads the
//!   file with a size cap and refuses anything but a regular file.
//! - [`result`]: [`ProbeMethod`], [`ProbeOutcome`], [`ProbeResult`],
//!   [`ProbeRole`], and the mapping of socket errors to outcomes.
//! - [`icmp_packet`]: echo request encoding, the Internet checksum, and
//!   recognising a reply or an ICMP error that quotes our request.
//!
//! These three import nothing from the files below: `grep -n '^use super'
//! target.rs result.rs icmp_packet.rs` shows only `icmp_packet.rs` using
//! `super::result`.
//!
//! I/O:
//!
//! - [`icmp`]: datagram and raw ICMP sockets ([`Prober`], [`icmp_echo`]).
//! - [`tcp`]: the TCP connect probe, [`tcp_connect`].
//! - [`dns`]: [`resolve`] through the system resolver, with a timeout.
//! - [`scheduler`]: the prober thread ([`spawn`]): when rounds run
//!   ([`Schedule`], pure) and how long each probe may take
//!   ([`probe_timeout`], pure).
//!
//! The items keep their paths from when this was one file:
//!
//! ```no_run
//! use std::net::{IpAddr, Ipv4Addr, SocketAddr};
//! use std::time::Duration;
//! use wifidiag::watch::probe::{
//!     icmp_echo, resolve, tcp_connect, ProbeMethod, ProbeOutcome, ProbeResult, ProbeRole,
//!     Prober, Target,
//! };
//!
//! let target = Target::parse("emr.clinic.lan:443").unwrap();
//! let (lookup, addrs): (ProbeResult, Vec<IpAddr>) = resolve(&target.host, Duration::from_secs(1));
//! if let (Some(ip), Some(port)) = (addrs.first(), target.port) {
//!     let r = tcp_connect(SocketAddr::new(*ip, port), Duration::from_secs(1));
//!     assert_eq!(r.method, ProbeMethod::Tcp);
//! }
//! let gateway = IpAddr::V4(Ipv4Addr::new(10, 77, 1, 1));
//! let r = Prober::new().icmp_echo(gateway, Duration::from_secs(1));
//! let _ = (lookup.outcome == ProbeOutcome::Ok, r.ok(), ProbeRole::Gateway);
//! let _ = icmp_echo(gateway, Duration::from_secs(1));
//! ```

pub mod dns;
pub mod icmp;
pub mod icmp_packet;
pub mod result;
pub mod scheduler;
pub mod target;
pub mod tcp;

pub use dns::resolve;
pub use icmp::{icmp_echo, icmp_echo_with, Prober};
pub use result::{ProbeMethod, ProbeOutcome, ProbeResult, ProbeRole};
pub use scheduler::{probe_timeout, spawn, ProbePlan, Schedule};
pub use target::Target;
pub use tcp::tcp_connect;
