//! Checks on raw nl80211 attributes before wl-nl80211 parses them.
//!
//! wl-nl80211 0.8's parser indexes some attributes without checking their
//! length first, and panics (the release build aborts) on a short one. The
//! kernel never sends such attributes, but a reply or event is still bytes
//! from outside this process: these checks turn them into decode errors.
//! Each rule names the wl-nl80211 code it protects; found by the `nl80211`
//! fuzz target (`fuzz/`, docs/fuzzing.md).

use genetlink::message::RawGenlMessage;
use wl_nl80211::Nl80211Message;

/// `NL80211_ATTR_MAC_ADDRS`: nested MAC addresses, each copied with
/// `value()[..ETH_ALEN]` (wl-nl80211 `attr.rs`, `MacAddressNlas::parse`).
const NL80211_ATTR_MAC_ADDRS: u16 = 166;
const ETH_ALEN: usize = 6;
const NLA_TYPE_MASK: u16 = 0x3fff;
const NLMSG_HDRLEN: usize = 16;
const GENL_HDRLEN: usize = 4;
/// netlink's own message types (noop, error, done, overrun): the only ones
/// netlink-packet-core does not hand to the nl80211 parser (type 0 and the
/// reserved 5 to 15 go to it like any family's).
const NLMSG_OWN_TYPES: std::ops::RangeInclusive<u16> = 1..=4;

/// The attributes of `buf` as (type without flags, payload), as netlink
/// lays them out (4-byte header, 4-byte alignment); stops at the first one
/// that does not fit (the parser rejects it).
fn attributes(buf: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = buf;
    std::iter::from_fn(move || {
        let len = usize::from(u16::from_ne_bytes([*rest.first()?, *rest.get(1)?]));
        let kind = u16::from_ne_bytes([*rest.get(2)?, *rest.get(3)?]) & NLA_TYPE_MASK;
        let payload = rest.get(4..len)?;
        rest = rest.get(len.next_multiple_of(4)..).unwrap_or(&[]);
        Some((kind, payload))
    })
}

/// Why wl-nl80211 must not parse these nl80211 attributes, if it must not.
pub(crate) fn unsafe_attributes(attrs: &[u8]) -> Option<&'static str> {
    for (kind, payload) in attributes(attrs) {
        if kind == NL80211_ATTR_MAC_ADDRS
            && attributes(payload).any(|(_, mac)| mac.len() < ETH_ALEN)
        {
            return Some("NL80211_ATTR_MAC_ADDRS holds an address shorter than 6 bytes");
        }
    }
    None
}

/// [`unsafe_attributes`] for the netlink message at the start of `data`
/// (header included); netlink's own messages (error, done) are not parsed as
/// nl80211.
pub(crate) fn unsafe_message(data: &[u8]) -> Option<&'static str> {
    let len = u32::from_ne_bytes(data.get(..4)?.try_into().ok()?) as usize;
    let kind = u16::from_ne_bytes(data.get(4..6)?.try_into().ok()?);
    if NLMSG_OWN_TYPES.contains(&kind) {
        return None;
    }
    let end = len.min(data.len());
    unsafe_attributes(data.get(NLMSG_HDRLEN + GENL_HDRLEN..end)?)
}

/// `NL80211_ATTR_IFINDEX`.
const NL80211_ATTR_IFINDEX: u16 = 3;

/// The command of an nl80211 event and the interface it names, read from the
/// raw attributes without the full parse (which a single attribute it cannot
/// decode would fail): enough to follow a scan's start and end.
pub(crate) fn event_cmd_ifindex(raw: &RawGenlMessage) -> (u8, Option<u32>) {
    let ifindex = attributes(&raw.payload)
        .find(|(kind, _)| *kind == NL80211_ATTR_IFINDEX)
        .and_then(|(_, v)| Some(u32::from_ne_bytes(v.get(..4)?.try_into().ok()?)));
    (raw.header.cmd, ifindex)
}

/// A multicast nl80211 message, parsed when that is safe.
pub(crate) fn parse_event(raw: &RawGenlMessage) -> Option<Nl80211Message> {
    if unsafe_attributes(&raw.payload).is_some() {
        return None;
    }
    raw.parse_into_genlmsg::<Nl80211Message>()
        .ok()
        .map(|genl| genl.payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use wl_nl80211::packet_generic::GenlHeader;

    /// `NL80211_ATTR_MAC_ADDRS` with one address of `len` bytes.
    fn mac_addrs(len: u16) -> Vec<u8> {
        let mut a = Vec::new();
        a.extend((8 + len).next_multiple_of(4).to_ne_bytes());
        a.extend(NL80211_ATTR_MAC_ADDRS.to_ne_bytes());
        a.extend((4 + len).to_ne_bytes());
        a.extend(1u16.to_ne_bytes());
        a.extend((0..len).map(|i| i as u8));
        a.resize(a.len().next_multiple_of(4), 0);
        a
    }

    fn event(attrs: Vec<u8>) -> RawGenlMessage {
        RawGenlMessage::new(GenlHeader { cmd: 3, version: 1 }, attrs, 0x20)
    }

    #[test]
    fn events_with_whole_addresses_parse() {
        let msg = parse_event(&event(mac_addrs(6))).expect("parses");
        assert_eq!(msg.attributes.len(), 1);
    }

    /// The multicast path of the panic the `nl80211` fuzz target found.
    #[test]
    fn an_event_with_a_short_address_is_dropped_not_a_panic() {
        assert!(parse_event(&event(mac_addrs(2))).is_none());
        assert!(unsafe_attributes(&mac_addrs(5)).is_some());
        assert!(unsafe_attributes(&mac_addrs(6)).is_none());
    }
}
