//! What a probe found: its method, outcome and details, and what it was
//! for ([`ProbeRole`]). Pure data plus the errno-to-outcome mapping; no
//! sockets.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::io;
use std::time::Instant;

/// What a probe was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeRole {
    Gateway,
    Dns,
    Target,
}

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

    pub(super) fn new(
        method: ProbeMethod,
        outcome: ProbeOutcome,
        detail: impl Into<String>,
    ) -> ProbeResult {
        ProbeResult {
            method,
            outcome,
            rtt_ms: None,
            detail: Some(detail.into()),
        }
    }

    pub(super) fn success(method: ProbeMethod, started: Instant) -> ProbeResult {
        ProbeResult {
            method,
            outcome: ProbeOutcome::Ok,
            rtt_ms: Some(started.elapsed().as_secs_f64() * 1000.0),
            detail: None,
        }
    }

    pub(super) fn from_io(method: ProbeMethod, err: &io::Error) -> ProbeResult {
        let (outcome, detail) = classify_io_error(err);
        ProbeResult::new(method, outcome, detail)
    }
}

/// Maps a socket error to an outcome and a short text. Kernel errno values
/// come from connect/send/recv (on ping sockets, ICMP errors arrive this
/// way too); std's own timeouts carry no errno. On a ping socket,
/// ECONNREFUSED stands for an ICMP port/protocol unreachable whose sender we
/// cannot see, so it may be a firewall rather than the host.
pub fn classify_io_error(err: &io::Error) -> (ProbeOutcome, String) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
