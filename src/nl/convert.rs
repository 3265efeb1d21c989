//! nl80211 attributes → model types.
//!
//! Pure functions over already-decoded attributes, so they are unit-tested
//! with attribute lists (and, from the lab, recorded replies) instead of a
//! kernel.

use crate::model::{IfType, MacAddr, Mhz, Ssid, WirelessInterface};
use wl_nl80211::{Nl80211Attr, Nl80211ChannelWidth, Nl80211InterfaceType};

/// Builds a [`WirelessInterface`] from one `NL80211_CMD_NEW_INTERFACE` reply.
///
/// Returns `None` when the reply lacks the wiphy index, which every real
/// interface carries: such a message is not an interface description.
pub fn interface_from_attrs(attrs: &[Nl80211Attr]) -> Option<WirelessInterface> {
    let mut phy = None;
    let mut iface = WirelessInterface {
        name: None,
        ifindex: None,
        phy: 0,
        if_type: IfType::Unspecified,
        mac: None,
        ssid: None,
        freq: None,
        width_mhz: None,
        center_freq: None,
        txpower_mbm: None,
    };
    for attr in attrs {
        match attr {
            Nl80211Attr::Wiphy(p) => phy = Some(*p),
            Nl80211Attr::IfName(name) => iface.name = Some(name.clone()),
            Nl80211Attr::IfIndex(index) => iface.ifindex = Some(*index),
            Nl80211Attr::IfType(t) => iface.if_type = if_type(*t),
            Nl80211Attr::Mac(mac) => iface.mac = Some(MacAddr(*mac)),
            Nl80211Attr::SsidRaw(raw) => iface.ssid = Some(Ssid(raw.clone())),
            // The parser always gives SsidRaw; accept a string-only SSID too.
            Nl80211Attr::Ssid(text) if iface.ssid.is_none() => {
                iface.ssid = Some(Ssid(text.as_bytes().to_vec()))
            }
            Nl80211Attr::WiphyFreq(freq) => iface.freq = Some(Mhz(*freq)),
            Nl80211Attr::ChannelWidth(width) => iface.width_mhz = width_mhz(*width),
            Nl80211Attr::CenterFreq1(freq) => iface.center_freq = Some(Mhz(*freq)),
            Nl80211Attr::WiphyTxPowerLevel(mbm) => iface.txpower_mbm = Some(*mbm),
            _ => {}
        }
    }
    iface.phy = phy?;
    Some(iface)
}

fn if_type(t: Nl80211InterfaceType) -> IfType {
    match t {
        Nl80211InterfaceType::Station => IfType::Station,
        Nl80211InterfaceType::Ap => IfType::Ap,
        Nl80211InterfaceType::ApVlan => IfType::ApVlan,
        Nl80211InterfaceType::Adhoc => IfType::Adhoc,
        Nl80211InterfaceType::Monitor => IfType::Monitor,
        Nl80211InterfaceType::MeshPoint => IfType::MeshPoint,
        Nl80211InterfaceType::P2pClient => IfType::P2pClient,
        Nl80211InterfaceType::P2pGo => IfType::P2pGo,
        Nl80211InterfaceType::P2pDevice => IfType::P2pDevice,
        Nl80211InterfaceType::Ocb => IfType::Ocb,
        Nl80211InterfaceType::Nan => IfType::Nan,
        Nl80211InterfaceType::Wds => IfType::Wds,
        Nl80211InterfaceType::Unspecified => IfType::Unspecified,
        Nl80211InterfaceType::Other(_) => IfType::Other,
    }
}

/// Operating width in MHz; 80+80 is reported as its total, 160.
fn width_mhz(width: Nl80211ChannelWidth) -> Option<u32> {
    match width {
        Nl80211ChannelWidth::NoHt20 => Some(20),
        Nl80211ChannelWidth::Mhz80Plus80 => Some(160),
        Nl80211ChannelWidth::Mhz(mhz) => Some(mhz),
        Nl80211ChannelWidth::Other(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connected_station() {
        let attrs = vec![
            Nl80211Attr::IfIndex(5),
            Nl80211Attr::IfName("wlan1".into()),
            Nl80211Attr::Wiphy(1),
            Nl80211Attr::IfType(Nl80211InterfaceType::Station),
            Nl80211Attr::Wdev(0x100000001),
            Nl80211Attr::Mac([2, 0, 0, 0, 1, 0]),
            Nl80211Attr::SsidRaw(b"clinic".to_vec()),
            Nl80211Attr::Ssid("clinic".into()),
            Nl80211Attr::WiphyFreq(2437),
            Nl80211Attr::ChannelWidth(Nl80211ChannelWidth::NoHt20),
            Nl80211Attr::CenterFreq1(2437),
            Nl80211Attr::WiphyTxPowerLevel(2000),
        ];
        let iface = interface_from_attrs(&attrs).unwrap();
        assert_eq!(iface.name.as_deref(), Some("wlan1"));
        assert_eq!(iface.ifindex, Some(5));
        assert_eq!(iface.phy, 1);
        assert_eq!(iface.if_type, IfType::Station);
        assert_eq!(iface.mac, Some(MacAddr([2, 0, 0, 0, 1, 0])));
        assert_eq!(iface.ssid, Some(Ssid(b"clinic".to_vec())));
        assert_eq!(iface.freq, Some(Mhz(2437)));
        assert_eq!(iface.width_mhz, Some(20));
        assert_eq!(iface.center_freq, Some(Mhz(2437)));
        assert_eq!(iface.txpower_mbm, Some(2000));
    }

    #[test]
    fn idle_station_has_no_ssid_or_channel() {
        let attrs = vec![
            Nl80211Attr::IfIndex(3),
            Nl80211Attr::IfName("wlan0".into()),
            Nl80211Attr::Wiphy(0),
            Nl80211Attr::IfType(Nl80211InterfaceType::Station),
        ];
        let iface = interface_from_attrs(&attrs).unwrap();
        assert_eq!(iface.ssid, None);
        assert_eq!(iface.freq, None);
        assert_eq!(iface.width_mhz, None);
    }

    #[test]
    fn raw_ssid_wins_over_string_and_keeps_invalid_bytes() {
        let attrs = vec![
            Nl80211Attr::Wiphy(0),
            Nl80211Attr::SsidRaw(vec![b'a', 0xff]),
        ];
        let iface = interface_from_attrs(&attrs).unwrap();
        assert_eq!(iface.ssid.unwrap().escaped(), "a\\xff");
    }

    #[test]
    fn reply_without_wiphy_is_not_an_interface() {
        let attrs = vec![Nl80211Attr::IfIndex(3), Nl80211Attr::IfName("x".into())];
        assert_eq!(interface_from_attrs(&attrs), None);
    }

    #[test]
    fn widths() {
        assert_eq!(width_mhz(Nl80211ChannelWidth::Mhz(80)), Some(80));
        assert_eq!(width_mhz(Nl80211ChannelWidth::Mhz(320)), Some(320));
        assert_eq!(width_mhz(Nl80211ChannelWidth::Mhz80Plus80), Some(160));
        assert_eq!(width_mhz(Nl80211ChannelWidth::Other(99)), None);
    }
}
