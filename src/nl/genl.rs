//! A blocking generic-netlink socket for nl80211 requests and dumps.
//!
//! Most of what wifidiag asks nl80211 is a dump answered at once; an async
//! runtime adds nothing there but start-up time (measured in
//! BENCHMARKS.md). This socket resolves the family once, sends one request
//! at a time and reads until the kernel says done, decoding with
//! wl-nl80211's own message types. The async machinery is kept for what
//! needs to wait on events (a scan trigger and its completion).

use netlink_sys::{protocols::NETLINK_GENERIC, Socket, SocketAddr};
use std::cell::Cell;
use std::io;
use wl_nl80211::packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
};
use wl_nl80211::packet_generic::ctrl::nlas::GenlCtrlAttrs;
use wl_nl80211::packet_generic::ctrl::{GenlCtrl, GenlCtrlCmd};
use wl_nl80211::packet_generic::GenlMessage;
use wl_nl80211::{Nl80211Error, Nl80211Message};

/// The generic-netlink controller's fixed family id.
const GENL_ID_CTRL: u16 = 0x10;

/// What can go wrong below the nl80211 layer.
#[derive(Debug)]
pub enum GenlError {
    /// The socket itself (open, send, receive).
    Io(io::Error),
    /// The kernel answered with an error for the request.
    Kernel(Nl80211Error),
    /// The controller does not know the family (no nl80211 here).
    NoFamily,
    /// A reply that did not decode.
    Decode(String),
}

pub struct GenlSocket {
    socket: Socket,
    family: u16,
    seq: Cell<u32>,
}

impl GenlSocket {
    /// Opens a socket and resolves the nl80211 family id.
    pub fn open() -> Result<GenlSocket, GenlError> {
        let mut socket = Socket::new(NETLINK_GENERIC).map_err(GenlError::Io)?;
        socket.bind_auto().map_err(GenlError::Io)?;
        socket
            .connect(&SocketAddr::new(0, 0))
            .map_err(GenlError::Io)?;
        let mut this = GenlSocket {
            socket,
            family: 0,
            seq: Cell::new(1),
        };
        this.family = this.resolve("nl80211")?;
        Ok(this)
    }

    fn next_seq(&self) -> u32 {
        let seq = self.seq.get();
        self.seq.set(seq.wrapping_add(1));
        seq
    }

    fn resolve(&self, name: &str) -> Result<u16, GenlError> {
        let mut genl = GenlMessage::from_payload(GenlCtrl {
            cmd: GenlCtrlCmd::GetFamily,
            nlas: vec![GenlCtrlAttrs::FamilyName(name.to_string())],
        });
        genl.finalize();
        genl.set_resolved_family_id(GENL_ID_CTRL);
        let mut msg = NetlinkMessage::new(NetlinkHeader::default(), NetlinkPayload::from(genl));
        msg.header.flags = NLM_F_REQUEST;
        msg.header.sequence_number = self.next_seq();
        msg.finalize();
        let mut buf = vec![0u8; msg.buffer_len()];
        msg.serialize(&mut buf);
        self.socket.send(&buf, 0).map_err(GenlError::Io)?;
        let (data, _) = self.socket.recv_from_full().map_err(GenlError::Io)?;
        let reply = NetlinkMessage::<GenlMessage<GenlCtrl>>::deserialize(&data)
            .map_err(|e| GenlError::Decode(e.to_string()))?;
        match reply.payload {
            NetlinkPayload::InnerMessage(genl) => genl
                .payload
                .nlas
                .iter()
                .find_map(|a| match a {
                    GenlCtrlAttrs::FamilyId(id) => Some(*id),
                    _ => None,
                })
                .ok_or(GenlError::NoFamily),
            // ENOENT: the controller has no such family.
            NetlinkPayload::Error(e) if super::errno(&e) == 2 => Err(GenlError::NoFamily),
            NetlinkPayload::Error(e) => Err(GenlError::Kernel(Nl80211Error::NetlinkError(e))),
            _ => Err(GenlError::Decode(
                "unexpected reply to the family lookup".into(),
            )),
        }
    }

    /// Sends one nl80211 message and collects the replies: until
    /// `NLMSG_DONE` for a dump, until the acknowledgement otherwise.
    pub fn request(
        &self,
        message: Nl80211Message,
        dump: bool,
    ) -> Result<Vec<Nl80211Message>, GenlError> {
        let mut genl = GenlMessage::from_payload(message);
        genl.finalize();
        genl.set_resolved_family_id(self.family);
        let mut msg = NetlinkMessage::new(NetlinkHeader::default(), NetlinkPayload::from(genl));
        msg.header.flags = NLM_F_REQUEST | if dump { NLM_F_DUMP } else { NLM_F_ACK };
        let seq = self.next_seq();
        msg.header.sequence_number = seq;
        msg.finalize();
        let mut buf = vec![0u8; msg.buffer_len()];
        msg.serialize(&mut buf);
        self.socket.send(&buf, 0).map_err(GenlError::Io)?;

        let mut replies = Vec::new();
        loop {
            let (data, _) = self.socket.recv_from_full().map_err(GenlError::Io)?;
            if data.is_empty() || read_replies(&data, seq, &mut replies)? {
                return Ok(replies);
            }
        }
    }
}

/// Decodes one datagram of replies to the request numbered `seq`: appends
/// its nl80211 messages to `replies` and says whether the exchange is over
/// (`NLMSG_DONE` of a dump, the acknowledgement of a request). Other
/// sequence numbers are ignored. Pure: the fuzz target `nl80211` feeds it
/// arbitrary bytes.
pub(crate) fn read_replies(
    data: &[u8],
    seq: u32,
    replies: &mut Vec<Nl80211Message>,
) -> Result<bool, GenlError> {
    let mut offset = 0;
    while offset < data.len() {
        if let Some(why) = super::guard::unsafe_message(&data[offset..]) {
            return Err(GenlError::Decode(why.into()));
        }
        let reply = NetlinkMessage::<GenlMessage<Nl80211Message>>::deserialize(&data[offset..])
            .map_err(|e| GenlError::Decode(e.to_string()))?;
        let length = reply.header.length as usize;
        let ours = reply.header.sequence_number == seq;
        match reply.payload {
            NetlinkPayload::Done(_) if ours => return Ok(true),
            NetlinkPayload::Error(e) if ours => {
                return match e.code {
                    // The acknowledgement of a non-dump request.
                    None => Ok(true),
                    Some(_) => Err(GenlError::Kernel(Nl80211Error::NetlinkError(e))),
                };
            }
            NetlinkPayload::InnerMessage(genl) if ours => replies.push(genl.payload),
            _ => {}
        }
        if length == 0 {
            return Ok(true);
        }
        offset += length;
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `NLMSG_ERROR` reply (netlink header, error code, the quoted
    /// request's header) to the request numbered 7.
    fn error_reply(code: i32) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend(36u32.to_ne_bytes());
        m.extend(2u16.to_ne_bytes()); // NLMSG_ERROR
        m.extend(0u16.to_ne_bytes());
        m.extend(7u32.to_ne_bytes());
        m.extend(0u32.to_ne_bytes());
        m.extend(code.to_ne_bytes());
        m.extend([0; 16]);
        m
    }

    fn error_text(code: i32) -> String {
        let mut replies = Vec::new();
        match read_replies(&error_reply(code), 7, &mut replies) {
            Err(e) => super::super::genl_error("station dump", e).to_string(),
            Ok(done) => panic!("no error (done: {done})"),
        }
    }

    #[test]
    fn a_kernel_error_is_the_errno_text() {
        let text = error_text(-16);
        assert!(text.contains("busy"), "{text}");
    }

    /// Found by the `nl80211` fuzz target's sibling `rtnetlink`:
    /// netlink-packet-core negates the code to print it, which overflows
    /// for `i32::MIN` (a panic wherever overflow checks are on).
    #[test]
    fn an_error_code_of_i32_min_is_an_error_not_a_panic() {
        let text = error_text(i32::MIN);
        assert!(text.contains("station dump failed"), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }

    /// An nl80211 reply to request 7 with one `NL80211_ATTR_MAC_ADDRS`
    /// holding one address of `len` bytes.
    fn mac_addrs_reply(len: u16) -> Vec<u8> {
        mac_addrs_message(0x20, len)
    }

    /// The same with another netlink message type.
    fn mac_addrs_message(kind: u16, len: u16) -> Vec<u8> {
        let mut inner = Vec::new();
        inner.extend((4 + len).to_ne_bytes());
        inner.extend(1u16.to_ne_bytes());
        inner.extend((0..len).map(|i| i as u8));
        inner.resize(inner.len().next_multiple_of(4), 0);
        let mut attr = Vec::new();
        attr.extend((4 + inner.len() as u16).to_ne_bytes());
        attr.extend(166u16.to_ne_bytes()); // NL80211_ATTR_MAC_ADDRS (nested)
        attr.extend(inner);
        let mut m = Vec::new();
        m.extend((20 + attr.len() as u32).to_ne_bytes());
        m.extend(kind.to_ne_bytes()); // 0x20: the nl80211 family
        m.extend(0u16.to_ne_bytes());
        m.extend(7u32.to_ne_bytes());
        m.extend(0u32.to_ne_bytes());
        m.extend([3, 1, 0, 0]); // NL80211_CMD_NEW_WIPHY, version 1
        m.extend(attr);
        m
    }

    #[test]
    fn mac_addrs_of_six_bytes_decode() {
        let mut replies = Vec::new();
        read_replies(&mac_addrs_reply(6), 7, &mut replies).unwrap();
        assert_eq!(replies.len(), 1);
    }

    /// Found by the `nl80211` fuzz target: wl-nl80211 0.8 copies
    /// `value()[..6]` of each address without checking its length.
    #[test]
    fn a_short_mac_address_is_a_decode_error_not_a_panic() {
        let mut replies = Vec::new();
        match read_replies(&mac_addrs_reply(4), 7, &mut replies) {
            Err(GenlError::Decode(why)) => assert!(why.contains("MAC_ADDRS"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert!(replies.is_empty());
    }

    /// Found by the long run of the `nl80211` fuzz target: netlink-packet-core
    /// hands every message type but 1 to 4 (noop, error, done, overrun) to
    /// the nl80211 parser, type 0 included; the check skipped types below 16.
    #[test]
    fn a_short_mac_address_in_a_message_of_type_0_is_a_decode_error() {
        let mut replies = Vec::new();
        match read_replies(&mac_addrs_message(0, 2), 7, &mut replies) {
            Err(GenlError::Decode(why)) => assert!(why.contains("MAC_ADDRS"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
