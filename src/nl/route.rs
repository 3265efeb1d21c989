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
    )?
    .into_iter()
    .filter_map(|msg| match msg {
        RouteNetlinkMessage::NewLink(link) => Some(link_state(&link)),
        _ => None,
    })
    .collect();

    let addresses = dump(
        "address dump",
        RouteNetlinkMessage::GetAddress(AddressMessage::default()),
    )?
    .into_iter()
    .filter_map(|msg| match msg {
        RouteNetlinkMessage::NewAddress(addr) => if_address(&addr),
        _ => None,
    })
    .collect();

    let mut default_routes = Vec::new();
    for family in [AddressFamily::Inet, AddressFamily::Inet6] {
        let mut request = RouteMessage::default();
        request.header.address_family = family;
        for msg in dump("route dump", RouteNetlinkMessage::GetRoute(request))? {
            if let RouteNetlinkMessage::NewRoute(route) = msg {
                default_routes.extend(default_route(&route));
            }
        }
    }
    default_routes.sort_by_key(|r: &DefaultRoute| (r.gateway.is_none(), r.metric.unwrap_or(0)));

    Ok(IpState {
        links,
        addresses,
        default_routes,
    })
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
        let mut offset = 0;
        while offset < data.len() {
            let reply = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&data[offset..])
                .map_err(|err| Error::Netlink {
                    operation,
                    detail: format!("undecodable reply: {err}"),
                })?;
            let length = reply.header.length as usize;
            match reply.payload {
                NetlinkPayload::Done(_) => return Ok(replies),
                NetlinkPayload::Error(err) if err.code.is_some() => {
                    return Err(io_error(err.to_io()));
                }
                NetlinkPayload::InnerMessage(inner) => replies.push(inner),
                _ => {}
            }
            if length == 0 {
                break;
            }
            offset += length;
        }
        if data.is_empty() {
            return Ok(replies);
        }
    }
}
