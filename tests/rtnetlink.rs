//! The rtnetlink edge against the host's real kernel: every Linux network
//! namespace has a loopback link, and (unless someone removed it) 127.0.0.1/8.

use std::net::{IpAddr, Ipv4Addr};

#[test]
fn loopback_is_listed_with_its_address() {
    let state = wifidiag::nl::ip_state().expect("rtnetlink dumps");
    let lo = state
        .links
        .iter()
        .find(|l| l.name.as_deref() == Some("lo"))
        .unwrap_or_else(|| panic!("no lo in {:?}", state.links));
    assert!(lo.admin_up, "lo is down: {lo:?}");
    let lo_addrs: Vec<_> = state.addresses_of(lo.ifindex).collect();
    assert!(
        lo_addrs
            .iter()
            .any(|a| a.address == IpAddr::V4(Ipv4Addr::LOCALHOST) && a.prefix_len == 8),
        "{lo_addrs:?}"
    );
    // Every address belongs to a listed link.
    for addr in &state.addresses {
        assert!(state.link(addr.ifindex).is_some(), "orphan {addr:?}");
    }
}
