//! Kernel events as plain data: what `nl`'s listeners decode from nl80211
//! and rtnetlink multicast messages, and what the watch engine is fed.

use super::{MacAddr, Mhz};
use std::net::IpAddr;

/// One kernel event, decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum KernelEvent {
    Connect {
        ifindex: u32,
        bssid: Option<MacAddr>,
        status: u16,
    },
    Roam {
        ifindex: u32,
        bssid: Option<MacAddr>,
        freq: Option<Mhz>,
    },
    Disconnect {
        ifindex: u32,
        reason: u16,
        by_ap: bool,
    },
    /// A deauthentication/disassociation frame (received, or sent by us).
    MgmtFrame {
        ifindex: u32,
        deauth: bool,
        bssid: Option<MacAddr>,
        reason: u16,
        from_ap: bool,
    },
    CqmRssi {
        ifindex: u32,
        low: bool,
        level: Option<i32>,
    },
    CqmPacketLoss {
        ifindex: u32,
        packets: u32,
    },
    CqmBeaconLoss {
        ifindex: u32,
    },
    InterfaceNew {
        ifindex: Option<u32>,
        name: Option<String>,
    },
    InterfaceDel {
        ifindex: Option<u32>,
        name: Option<String>,
    },
    ScanDone {
        ifindex: u32,
    },
    RegChange,
    Link {
        ifindex: u32,
        name: Option<String>,
        carrier: bool,
        removed: bool,
    },
    Address {
        ifindex: u32,
        address: IpAddr,
        prefix_len: u8,
        added: bool,
    },
    DefaultRoute {
        ifindex: Option<u32>,
        gateway: Option<IpAddr>,
        /// The route's priority; two default routes via one gateway differ
        /// only in it (NetworkManager swaps a penalised one for another).
        metric: Option<u32>,
        added: bool,
    },
}
