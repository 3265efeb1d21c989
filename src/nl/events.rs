//! Kernel events for `wifidiag watch`: nl80211 multicast (mlme, scan,
//! config, regulatory) and rtnetlink multicast (links, addresses, routes).
//!
//! Only listens: joining multicast groups changes nothing on the interface
//! (no CQM thresholds are set; those belong to the connection manager).
//! Each message is converted at once into a [`KernelEvent`] — plain data the
//! watch loop turns into timeline records — so the conversion functions are
//! testable with constructed messages.

use crate::model::{MacAddr, Mhz};
use netlink_packet_route::address::AddressMessage;
use netlink_packet_route::link::LinkMessage;
use netlink_packet_route::route::RouteMessage;
use netlink_packet_route::RouteNetlinkMessage;
use wl_nl80211::packet_core::Nla;
use wl_nl80211::{
    Nl80211Attr, Nl80211Command, Nl80211CqmAttr, Nl80211CqmRssiThresholdEvent, Nl80211Message,
};

/// `NL80211_ATTR_DISCONNECTED_BY_AP` (flag), undecoded by wl-nl80211.
const ATTR_DISCONNECTED_BY_AP: u16 = 71;
/// `NL80211_ATTR_CQM_PKT_LOSS_EVENT` and `_BEACON_LOSS_EVENT`, undecoded.
const CQM_PKT_LOSS_EVENT: u16 = 4;
const CQM_BEACON_LOSS_EVENT: u16 = 8;

/// The rtnetlink multicast groups watched (`RTNLGRP_*`).
pub const RTNLGRP_LINK: u32 = 1;
pub const RTNLGRP_IPV4_IFADDR: u32 = 5;
pub const RTNLGRP_IPV4_ROUTE: u32 = 7;
pub const RTNLGRP_IPV6_IFADDR: u32 = 9;
pub const RTNLGRP_IPV6_ROUTE: u32 = 11;

pub use crate::model::KernelEvent;

fn ifindex(attrs: &[Nl80211Attr]) -> Option<u32> {
    attrs.iter().find_map(|a| match a {
        Nl80211Attr::IfIndex(i) => Some(*i),
        _ => None,
    })
}

fn mac(attrs: &[Nl80211Attr]) -> Option<MacAddr> {
    attrs.iter().find_map(|a| match a {
        Nl80211Attr::Mac(m) => Some(MacAddr(*m)),
        _ => None,
    })
}

fn has_other(attrs: &[Nl80211Attr], kind: u16) -> bool {
    attrs
        .iter()
        .any(|a| matches!(a, Nl80211Attr::Other(nla) if nla.kind() == kind))
}

/// Decodes one nl80211 multicast message; `None` for messages the watch
/// does not use.
pub fn from_nl80211(msg: &Nl80211Message) -> Option<KernelEvent> {
    let attrs = &msg.attributes;
    let name = || {
        attrs.iter().find_map(|a| match a {
            Nl80211Attr::IfName(n) => Some(n.clone()),
            _ => None,
        })
    };
    Some(match msg.cmd {
        Nl80211Command::Connect => KernelEvent::Connect {
            ifindex: ifindex(attrs)?,
            bssid: mac(attrs),
            status: attrs
                .iter()
                .find_map(|a| match a {
                    Nl80211Attr::StatusCode(code) => Some(u16::from(*code)),
                    _ => None,
                })
                .unwrap_or(0),
        },
        Nl80211Command::Roam => KernelEvent::Roam {
            ifindex: ifindex(attrs)?,
            bssid: mac(attrs),
            freq: attrs.iter().find_map(|a| match a {
                Nl80211Attr::WiphyFreq(f) => Some(Mhz(*f)),
                _ => None,
            }),
        },
        Nl80211Command::Disconnect => KernelEvent::Disconnect {
            ifindex: ifindex(attrs)?,
            reason: attrs
                .iter()
                .find_map(|a| match a {
                    Nl80211Attr::ReasonCode(r) => Some(*r),
                    _ => None,
                })
                .unwrap_or(0),
            by_ap: has_other(attrs, ATTR_DISCONNECTED_BY_AP),
        },
        Nl80211Command::Deauthenticate | Nl80211Command::Disassociate => {
            let frame = attrs.iter().find_map(|a| match a {
                Nl80211Attr::Frame(f) => Some(f.as_slice()),
                _ => None,
            })?;
            let (bssid, reason, from_ap) = mgmt_frame_fields(frame)?;
            KernelEvent::MgmtFrame {
                ifindex: ifindex(attrs)?,
                deauth: msg.cmd == Nl80211Command::Deauthenticate,
                bssid,
                reason,
                from_ap,
            }
        }
        Nl80211Command::NotifyCqm => {
            let ifindex = ifindex(attrs)?;
            let cqm = attrs.iter().find_map(|a| match a {
                Nl80211Attr::Cqm(c) => Some(c),
                _ => None,
            })?;
            cqm_event(ifindex, cqm)?
        }
        Nl80211Command::NewInterface => KernelEvent::InterfaceNew {
            ifindex: ifindex(attrs),
            name: name(),
        },
        Nl80211Command::DelInterface => KernelEvent::InterfaceDel {
            ifindex: ifindex(attrs),
            name: name(),
        },
        Nl80211Command::NewScanResults => KernelEvent::ScanDone {
            ifindex: ifindex(attrs)?,
        },
        Nl80211Command::RegChange => KernelEvent::RegChange,
        _ => return None,
    })
}

/// From a deauthentication or disassociation frame: the BSSID (address 3),
/// the reason code, and whether the access point sent it (source address =
/// BSSID) rather than this laptop.
pub fn mgmt_frame_fields(frame: &[u8]) -> Option<(Option<MacAddr>, u16, bool)> {
    let addr =
        |at: usize| -> Option<MacAddr> { Some(MacAddr(frame.get(at..at + 6)?.try_into().ok()?)) };
    let source = addr(10)?;
    let bssid = addr(16)?;
    let reason = u16::from_le_bytes(frame.get(24..26)?.try_into().ok()?);
    Some((Some(bssid), reason, source == bssid))
}

fn cqm_event(ifindex: u32, cqm: &[Nl80211CqmAttr]) -> Option<KernelEvent> {
    let mut level = None;
    let mut crossing = None;
    for attr in cqm {
        match attr {
            Nl80211CqmAttr::RssiThresholdEvent(e) => {
                crossing = match e {
                    Nl80211CqmRssiThresholdEvent::Low => Some(true),
                    Nl80211CqmRssiThresholdEvent::High => Some(false),
                    Nl80211CqmRssiThresholdEvent::Other(_) => None,
                }
            }
            Nl80211CqmAttr::RssiLevel(l) => level = Some(*l),
            Nl80211CqmAttr::Other(nla) if nla.kind() == CQM_PKT_LOSS_EVENT => {
                let mut v = vec![0u8; nla.value_len()];
                nla.emit_value(&mut v);
                let packets = v
                    .get(..4)
                    .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
                return Some(KernelEvent::CqmPacketLoss { ifindex, packets });
            }
            Nl80211CqmAttr::Other(nla) if nla.kind() == CQM_BEACON_LOSS_EVENT => {
                return Some(KernelEvent::CqmBeaconLoss { ifindex });
            }
            _ => {}
        }
    }
    Some(KernelEvent::CqmRssi {
        ifindex,
        low: crossing?,
        level,
    })
}

/// Decodes one rtnetlink multicast message.
pub fn from_rtnetlink(msg: &RouteNetlinkMessage) -> Option<KernelEvent> {
    match msg {
        RouteNetlinkMessage::NewLink(link) => Some(link_event(link, false)),
        RouteNetlinkMessage::DelLink(link) => Some(link_event(link, true)),
        RouteNetlinkMessage::NewAddress(a) => address_event(a, true),
        RouteNetlinkMessage::DelAddress(a) => address_event(a, false),
        RouteNetlinkMessage::NewRoute(r) => route_event(r, true),
        RouteNetlinkMessage::DelRoute(r) => route_event(r, false),
        _ => None,
    }
}

// Links, addresses and routes are read by the same functions as the
// dumps `status` makes (route.rs), so an event and a dump never disagree.

fn link_event(link: &LinkMessage, removed: bool) -> KernelEvent {
    let state = super::route::link_state(link);
    KernelEvent::Link {
        ifindex: state.ifindex,
        name: state.name,
        carrier: state.carrier,
        removed,
    }
}

fn address_event(msg: &AddressMessage, added: bool) -> Option<KernelEvent> {
    let a = super::route::if_address(msg)?;
    Some(KernelEvent::Address {
        ifindex: a.ifindex,
        address: a.address,
        prefix_len: a.prefix_len,
        added,
    })
}

fn route_event(route: &RouteMessage, added: bool) -> Option<KernelEvent> {
    let r = super::route::default_route(route)?;
    Some(KernelEvent::DefaultRoute {
        ifindex: r.ifindex,
        gateway: r.gateway,
        metric: r.metric,
        added,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(cmd: Nl80211Command, attributes: Vec<Nl80211Attr>) -> Nl80211Message {
        Nl80211Message { cmd, attributes }
    }

    /// A deauth frame: FC, duration, DA, SA, BSSID, seq, reason.
    fn deauth_frame(sa: [u8; 6], bssid: [u8; 6], reason: u16) -> Vec<u8> {
        let mut f = vec![0xc0, 0x00, 0x00, 0x00];
        f.extend([2, 0, 0, 0, 1, 0]); // DA: the laptop
        f.extend(sa);
        f.extend(bssid);
        f.extend([0x10, 0x00]);
        f.extend(reason.to_le_bytes());
        f
    }

    #[test]
    fn deauth_from_the_ap_and_from_us() {
        let ap = [2, 0, 0, 0, 0, 0];
        let me = [2, 0, 0, 0, 1, 0];
        let from_ap = msg(
            Nl80211Command::Deauthenticate,
            vec![
                Nl80211Attr::IfIndex(5),
                Nl80211Attr::Frame(deauth_frame(ap, ap, 3)),
            ],
        );
        assert_eq!(
            from_nl80211(&from_ap),
            Some(KernelEvent::MgmtFrame {
                ifindex: 5,
                deauth: true,
                bssid: Some(MacAddr(ap)),
                reason: 3,
                from_ap: true
            })
        );
        let ours = msg(
            Nl80211Command::Disassociate,
            vec![
                Nl80211Attr::IfIndex(5),
                Nl80211Attr::Frame(deauth_frame(me, ap, 8)),
            ],
        );
        assert_eq!(
            from_nl80211(&ours),
            Some(KernelEvent::MgmtFrame {
                ifindex: 5,
                deauth: false,
                bssid: Some(MacAddr(ap)),
                reason: 8,
                from_ap: false
            })
        );
        // A truncated frame is ignored, not a panic.
        let short = msg(
            Nl80211Command::Deauthenticate,
            vec![
                Nl80211Attr::IfIndex(5),
                Nl80211Attr::Frame(vec![0xc0, 0, 0]),
            ],
        );
        assert_eq!(from_nl80211(&short), None);
    }

    #[test]
    fn connect_disconnect_roam() {
        let c = msg(
            Nl80211Command::Connect,
            vec![
                Nl80211Attr::IfIndex(3),
                Nl80211Attr::Mac([2, 0, 0, 0, 0, 0]),
            ],
        );
        assert_eq!(
            from_nl80211(&c),
            Some(KernelEvent::Connect {
                ifindex: 3,
                bssid: Some(MacAddr([2, 0, 0, 0, 0, 0])),
                status: 0
            })
        );
        let d = msg(
            Nl80211Command::Disconnect,
            vec![Nl80211Attr::IfIndex(3), Nl80211Attr::ReasonCode(3)],
        );
        assert_eq!(
            from_nl80211(&d),
            Some(KernelEvent::Disconnect {
                ifindex: 3,
                reason: 3,
                by_ap: false
            })
        );
        let r = msg(
            Nl80211Command::Roam,
            vec![
                Nl80211Attr::IfIndex(3),
                Nl80211Attr::Mac([2, 0, 0, 0, 1, 0]),
                Nl80211Attr::WiphyFreq(2437),
            ],
        );
        assert_eq!(
            from_nl80211(&r),
            Some(KernelEvent::Roam {
                ifindex: 3,
                bssid: Some(MacAddr([2, 0, 0, 0, 1, 0])),
                freq: Some(Mhz(2437))
            })
        );
        // Unused commands and messages without an interface are skipped.
        assert_eq!(
            from_nl80211(&msg(
                Nl80211Command::TriggerScan,
                vec![Nl80211Attr::IfIndex(3)]
            )),
            None
        );
        assert_eq!(from_nl80211(&msg(Nl80211Command::Connect, vec![])), None);
    }

    #[test]
    fn cqm_rssi_crossing() {
        let m = msg(
            Nl80211Command::NotifyCqm,
            vec![
                Nl80211Attr::IfIndex(3),
                Nl80211Attr::Cqm(vec![
                    Nl80211CqmAttr::RssiThresholdEvent(Nl80211CqmRssiThresholdEvent::Low),
                    Nl80211CqmAttr::RssiLevel(-81),
                ]),
            ],
        );
        assert_eq!(
            from_nl80211(&m),
            Some(KernelEvent::CqmRssi {
                ifindex: 3,
                low: true,
                level: Some(-81)
            })
        );
    }

    fn route(table_attr: Option<u32>, gateway: &str, oif: u32) -> RouteMessage {
        use netlink_packet_route::route::{RouteAddress, RouteAttribute, RouteHeader};
        let mut r = RouteMessage::default();
        r.header.table = RouteHeader::RT_TABLE_MAIN;
        r.header.destination_prefix_length = 0;
        match gateway.parse::<std::net::IpAddr>().unwrap() {
            std::net::IpAddr::V4(ip) => r
                .attributes
                .push(RouteAttribute::Gateway(RouteAddress::Inet(ip))),
            std::net::IpAddr::V6(ip) => r
                .attributes
                .push(RouteAttribute::Gateway(RouteAddress::Inet6(ip))),
        }
        r.attributes.push(RouteAttribute::Oif(oif));
        if let Some(t) = table_attr {
            r.attributes.push(RouteAttribute::Table(t));
        }
        r
    }

    /// A route event and a route dump read routes with one function: the
    /// event used to skip the `RTA_TABLE` check the dump makes.
    #[test]
    fn default_route_events_follow_the_dump_rules() {
        let main = RouteNetlinkMessage::NewRoute(route(None, "10.77.0.1", 3));
        assert_eq!(
            from_rtnetlink(&main),
            Some(KernelEvent::DefaultRoute {
                ifindex: Some(3),
                gateway: Some("10.77.0.1".parse().unwrap()),
                metric: None,
                added: true
            })
        );
        let v6 = RouteNetlinkMessage::DelRoute(route(None, "fe80::1", 3));
        assert!(matches!(
            from_rtnetlink(&v6),
            Some(KernelEvent::DefaultRoute { added: false, gateway: Some(g), .. }) if g.is_ipv6()
        ));
        let other_table = RouteNetlinkMessage::NewRoute(route(Some(1000), "10.99.0.1", 3));
        assert_eq!(from_rtnetlink(&other_table), None);
        let mut not_default = route(None, "10.77.0.1", 3);
        not_default.header.destination_prefix_length = 24;
        assert_eq!(
            from_rtnetlink(&RouteNetlinkMessage::NewRoute(not_default)),
            None
        );
    }
}
