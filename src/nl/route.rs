//! The IP side of the kernel edge: links, addresses and default routes over
//! rtnetlink, decoded with netlink-packet-route.
//!
//! These are three small dumps done once per command, so a blocking socket
//! is enough; the replies become plain [`crate::model::IpState`] values.

use crate::error::{Error, Result};
use crate::model::{DefaultRoute, IfAddress, IpState, LinkState, OperState};
use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage, State};
use netlink_packet_route::route::{RouteAddress, RouteAttribute, RouteHeader, RouteMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};
use std::net::IpAddr;
use wl_nl80211::packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_DUMP, NLM_F_REQUEST,
};

/// Reads links, addresses and default routes of this network namespace.
pub fn ip_state() -> Result<IpState> {
    let links = dump(
        "link dump",
        RouteNetlinkMessage::GetLink(LinkMessage::default()),
    )?;
    let addresses = dump(
        "address dump",
        RouteNetlinkMessage::GetAddress(AddressMessage::default()),
    )?;
    let mut routes = Vec::new();
    for family in [AddressFamily::Inet, AddressFamily::Inet6] {
        let mut request = RouteMessage::default();
        request.header.address_family = family;
        routes.extend(dump("route dump", RouteNetlinkMessage::GetRoute(request))?);
    }
    Ok(ip_state_from(links, addresses, routes))
}

/// The IP state from the replies of the link, address and route dumps.
pub(crate) fn ip_state_from(
    links: Vec<RouteNetlinkMessage>,
    addresses: Vec<RouteNetlinkMessage>,
    routes: Vec<RouteNetlinkMessage>,
) -> IpState {
    let links = links
        .into_iter()
        .filter_map(|msg| match msg {
            RouteNetlinkMessage::NewLink(link) => Some(link_state(&link)),
            _ => None,
        })
        .collect();
    let addresses = addresses
        .into_iter()
        .filter_map(|msg| match msg {
            RouteNetlinkMessage::NewAddress(addr) => if_address(&addr),
            _ => None,
        })
        .collect();
    let mut default_routes: Vec<DefaultRoute> = routes
        .into_iter()
        .filter_map(|msg| match msg {
            RouteNetlinkMessage::NewRoute(route) => default_route(&route),
            _ => None,
        })
        .collect();
    default_routes.sort_by_key(|r: &DefaultRoute| (r.gateway.is_none(), r.metric.unwrap_or(0)));
    IpState {
        links,
        addresses,
        default_routes,
    }
}

pub(super) fn link_state(link: &LinkMessage) -> LinkState {
    let mut state = LinkState {
        ifindex: link.header.index,
        name: None,
        admin_up: link.header.flags.contains(LinkFlags::Up),
        carrier: link.header.flags.contains(LinkFlags::LowerUp),
        oper_state: OperState::Unknown,
    };
    for attr in &link.attributes {
        match attr {
            LinkAttribute::IfName(name) => state.name = Some(name.clone()),
            LinkAttribute::OperState(s) => state.oper_state = oper_state(*s),
            _ => {}
        }
    }
    state
}

fn oper_state(state: State) -> OperState {
    match state {
        State::Up => OperState::Up,
        State::Down => OperState::Down,
        State::Dormant => OperState::Dormant,
        State::LowerLayerDown => OperState::LowerLayerDown,
        State::NotPresent => OperState::NotPresent,
        State::Testing => OperState::Testing,
        _ => OperState::Unknown,
    }
}

pub(super) fn if_address(msg: &AddressMessage) -> Option<IfAddress> {
    // IFA_LOCAL is the interface's own address on point-to-point links;
    // IFA_ADDRESS otherwise (for IPv6 only IFA_ADDRESS is sent).
    let mut address = None;
    let mut local = None;
    for attr in &msg.attributes {
        match attr {
            AddressAttribute::Address(ip) => address = Some(*ip),
            AddressAttribute::Local(ip) => local = Some(*ip),
            _ => {}
        }
    }
    Some(IfAddress {
        ifindex: msg.header.index,
        address: local.or(address)?,
        prefix_len: msg.header.prefix_len,
    })
}

/// A default route of the main table; `None` for any other route.
pub(super) fn default_route(route: &RouteMessage) -> Option<DefaultRoute> {
    let header = &route.header;
    if header.destination_prefix_length != 0 || header.table != RouteHeader::RT_TABLE_MAIN {
        return None;
    }
    let mut entry = DefaultRoute {
        gateway: None,
        ifindex: None,
        metric: None,
    };
    for attr in &route.attributes {
        match attr {
            RouteAttribute::Gateway(RouteAddress::Inet(ip)) => {
                entry.gateway = Some(IpAddr::V4(*ip))
            }
            RouteAttribute::Gateway(RouteAddress::Inet6(ip)) => {
                entry.gateway = Some(IpAddr::V6(*ip))
            }
            RouteAttribute::Oif(index) => entry.ifindex = Some(*index),
            RouteAttribute::Priority(metric) => entry.metric = Some(*metric),
            RouteAttribute::Table(table) if *table != u32::from(RouteHeader::RT_TABLE_MAIN) => {
                return None
            }
            _ => {}
        }
    }
    Some(entry)
}

/// Sends one dump request and collects the replies until `NLMSG_DONE`.
fn dump(operation: &'static str, request: RouteNetlinkMessage) -> Result<Vec<RouteNetlinkMessage>> {
    let io_error = |err: std::io::Error| Error::Netlink {
        operation,
        detail: err.to_string(),
    };
    let mut socket = Socket::new(NETLINK_ROUTE).map_err(Error::Socket)?;
    socket.bind_auto().map_err(Error::Socket)?;
    socket
        .connect(&SocketAddr::new(0, 0))
        .map_err(Error::Socket)?;

    let mut message = NetlinkMessage::new(NetlinkHeader::default(), NetlinkPayload::from(request));
    message.header.flags = NLM_F_REQUEST | NLM_F_DUMP;
    message.header.sequence_number = 1;
    message.finalize();
    let mut buf = vec![0u8; message.buffer_len()];
    message.serialize(&mut buf);
    socket.send(&buf, 0).map_err(io_error)?;

    let mut replies = Vec::new();
    loop {
        let (data, _) = socket.recv_from_full().map_err(io_error)?;
        if read_dump_datagram(operation, &data, &mut replies)? || data.is_empty() {
            return Ok(replies);
        }
    }
}

/// Decodes one datagram of a dump's replies: appends its messages to
/// `replies`, true once `NLMSG_DONE` ended the dump. Pure: the fuzz target
/// `rtnetlink` feeds it arbitrary bytes.
pub(crate) fn read_dump_datagram(
    operation: &'static str,
    data: &[u8],
    replies: &mut Vec<RouteNetlinkMessage>,
) -> Result<bool> {
    let mut offset = 0;
    while offset < data.len() {
        let reply =
            NetlinkMessage::<RouteNetlinkMessage>::deserialize(&data[offset..]).map_err(|err| {
                Error::Netlink {
                    operation,
                    detail: format!("undecodable reply: {err}"),
                }
            })?;
        let length = reply.header.length as usize;
        match reply.payload {
            NetlinkPayload::Done(_) => return Ok(true),
            NetlinkPayload::Error(err) if err.code.is_some() => {
                return Err(Error::Netlink {
                    operation,
                    detail: super::errno_text(&err),
                });
            }
            NetlinkPayload::InnerMessage(inner) => replies.push(inner),
            _ => {}
        }
        if length == 0 {
            break;
        }
        offset += length;
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `NLMSG_ERROR` message (netlink header, error code, the quoted
    /// request's header) with sequence number 1.
    pub(crate) fn error_message(code: i32) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend(36u32.to_ne_bytes());
        m.extend(2u16.to_ne_bytes()); // NLMSG_ERROR
        m.extend(0u16.to_ne_bytes());
        m.extend(1u32.to_ne_bytes());
        m.extend(0u32.to_ne_bytes());
        m.extend(code.to_ne_bytes());
        m.extend([0; 16]);
        m
    }

    #[test]
    fn a_dump_error_is_the_errno_text() {
        let mut replies = Vec::new();
        let err = read_dump_datagram("link dump", &error_message(-16), &mut replies).unwrap_err();
        assert!(err.to_string().contains("busy"), "EBUSY expected in {err}");
    }

    /// Found by the `rtnetlink` fuzz target: netlink-packet-core's
    /// `ErrorMessage::to_io` negates the code, which overflows for
    /// `i32::MIN` (a panic wherever overflow checks are on).
    #[test]
    fn an_error_code_of_i32_min_is_an_error_not_a_panic() {
        let mut replies = Vec::new();
        let err =
            read_dump_datagram("link dump", &error_message(i32::MIN), &mut replies).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("link dump failed"), "{text}");
        assert!(!text.contains('\n'), "{text}");
        assert!(replies.is_empty());
    }
}
