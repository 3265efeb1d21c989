//! ICMP and ICMPv6 echo packets: building a request, the RFC 1071
//! checksum, and deciding what a received packet means for our request
//! (our reply, an error quoting our request, or someone else's traffic).
//! Pure byte work: no sockets, never panics on any input.

use super::result::ProbeOutcome;
use std::net::IpAddr;

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
pub(crate) fn checksum(data: &[u8]) -> u16 {
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
pub(crate) fn echo_request(v6: bool, id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
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
pub(crate) struct Expect {
    pub(crate) v6: bool,
    /// Raw IPv4 sockets deliver the IP header before the ICMP message.
    pub(crate) ip_header: bool,
    /// The identifier to check; `None` when the kernel owns it (datagram).
    pub(crate) id: Option<u16>,
    pub(crate) seq: u16,
    pub(crate) dest: IpAddr,
    /// The payload we sent; a reply must echo it.
    pub(crate) payload: [u8; 16],
}

/// What a received packet means for our request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
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
pub(crate) fn classify_reply(packet: &[u8], from: IpAddr, expect: &Expect) -> Reply {
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
            && body.starts_with(&expect.payload);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

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

    /// Any 16 bytes do: the socket side puts a per-process token here.
    const PAYLOAD: [u8; 16] = *b"wifidiag-test-01";

    fn expect(v6: bool, raw: bool) -> Expect {
        Expect {
            v6,
            ip_header: raw && !v6,
            id: raw.then_some(0x4242),
            seq: 7,
            dest: if v6 { dest6() } else { DEST4 },
            payload: PAYLOAD,
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
        let mut p = echo_request(v6, id, seq, &PAYLOAD);
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
        own.extend(echo_request(false, 0x4242, 7, &PAYLOAD));
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
        pkt.extend(echo_request(false, id, seq, &PAYLOAD).into_iter().take(8));
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
            pkt.extend(echo_request(true, 0x4242, seq, &PAYLOAD));
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
            pkt.extend(echo_request(true, 0x4242, 7, &PAYLOAD));
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
}
