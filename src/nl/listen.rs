//! The kernel's multicast event streams: nl80211 (MLME, scan, config,
//! regulatory) and rtnetlink (links, addresses, routes), each read on a
//! thread of its own and decoded by [`super::events`] into our own
//! [`KernelEvent`]s.

use super::events;
use crate::model::KernelEvent;

/// What a listener hands to its callback.
#[derive(Debug, Clone, PartialEq)]
pub enum Heard {
    Event(KernelEvent),
    /// The listener stopped (which one, why); nothing more comes from it.
    Failed(&'static str, String),
}

/// Listens to nl80211's multicast groups until `emit` returns false.
pub fn spawn_nl80211(mut emit: impl FnMut(Heard) -> bool + Send + 'static) {
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                emit(Heard::Failed("nl80211", e.to_string()));
                return;
            }
        };
        let why = runtime.block_on(async {
            use futures::StreamExt;
            use wl_nl80211::Nl80211MulticastGroup as G;
            let (connection, _handle, mut messages) = match wl_nl80211::new_multicast_connection(&[
                G::Mlme,
                G::Scan,
                G::Config,
                G::Regulatory,
            ]) {
                Ok(c) => c,
                Err(e) => return Some(e.to_string()),
            };
            tokio::spawn(connection);
            while let Some((msg, _)) = messages.next().await {
                let (_, payload) = msg.into_parts();
                let wl_nl80211::packet_core::NetlinkPayload::InnerMessage(raw) = payload else {
                    continue;
                };
                let Some(message) = super::guard::parse_event(&raw) else {
                    continue;
                };
                if let Some(event) = events::from_nl80211(&message) {
                    if !emit(Heard::Event(event)) {
                        return None;
                    }
                }
            }
            Some("the multicast socket closed".into())
        });
        if let Some(why) = why {
            emit(Heard::Failed("nl80211", why));
        }
    });
}

/// Listens to rtnetlink's link, address and route groups until `emit`
/// returns false.
pub fn spawn_rtnetlink(mut emit: impl FnMut(Heard) -> bool + Send + 'static) {
    use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr as NlAddr};
    std::thread::spawn(move || {
        let mut socket = match Socket::new(NETLINK_ROUTE) {
            Ok(s) => s,
            Err(e) => {
                emit(Heard::Failed("rtnetlink", e.to_string()));
                return;
            }
        };
        if let Err(e) = socket.bind(&NlAddr::new(0, 0)) {
            {
                emit(Heard::Failed("rtnetlink", e.to_string()));
                return;
            };
        }
        for group in [
            events::RTNLGRP_LINK,
            events::RTNLGRP_IPV4_IFADDR,
            events::RTNLGRP_IPV6_IFADDR,
            events::RTNLGRP_IPV4_ROUTE,
            events::RTNLGRP_IPV6_ROUTE,
        ] {
            if let Err(e) = socket.add_membership(group) {
                {
                    emit(Heard::Failed("rtnetlink", e.to_string()));
                    return;
                };
            }
        }
        loop {
            let (data, _) = match socket.recv_from_full() {
                Ok(d) => d,
                Err(e) => {
                    emit(Heard::Failed("rtnetlink", e.to_string()));
                    return;
                }
            };
            if !rtnetlink_datagram(&data, |event| emit(Heard::Event(event))) {
                return;
            }
        }
    });
}

/// Decodes one datagram of rtnetlink multicast messages, handing each event
/// to `emit`; false as soon as `emit` does (stop listening). Undecodable
/// bytes end the datagram, not the listener. Pure: the fuzz target
/// `rtnetlink` feeds it arbitrary bytes.
pub(crate) fn rtnetlink_datagram(data: &[u8], mut emit: impl FnMut(KernelEvent) -> bool) -> bool {
    use netlink_packet_route::RouteNetlinkMessage;
    use wl_nl80211::packet_core::{NetlinkMessage, NetlinkPayload};
    let mut offset = 0;
    while offset < data.len() {
        let Ok(msg) = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&data[offset..]) else {
            break;
        };
        let len = msg.header.length as usize;
        if let NetlinkPayload::InnerMessage(inner) = &msg.payload {
            if let Some(event) = events::from_rtnetlink(inner) {
                if !emit(event) {
                    return false;
                }
            }
        }
        if len == 0 {
            break;
        }
        offset += len;
    }
    true
}
