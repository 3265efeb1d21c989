//! Plain data types of the pure core.
//!
//! The kernel edge ([`crate::nl`]) fills these in; reports, scoring and
//! correlation read them. They carry units in their types (newtypes) so that
//! a frequency cannot be mistaken for a channel number or a dBm value.

use crate::freq::{self, Channel};
use serde::{Serialize, Serializer};
use std::fmt;

mod event;
mod ip;
mod radio;
pub use event::KernelEvent;
pub use ip::*;
pub use radio::*;

/// A 48-bit IEEE MAC address (also a BSSID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

impl Serialize for MacAddr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for MacAddr {
    type Err = String;

    /// `02:00:00:0a:bc:ff` (either case), as [`fmt::Display`] writes it.
    fn from_str(text: &str) -> Result<MacAddr, String> {
        let bad = || format!("not a MAC address: {text:?}");
        let mut octets = [0u8; 6];
        let mut parts = text.split(':');
        for octet in &mut octets {
            let part = parts.next().ok_or_else(bad)?;
            if part.len() != 2 {
                return Err(bad());
            }
            *octet = u8::from_str_radix(part, 16).map_err(|_| bad())?;
        }
        match parts.next() {
            None => Ok(MacAddr(octets)),
            Some(_) => Err(bad()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for MacAddr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MacAddr, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A signal or noise level in dBm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Dbm(pub i32);

impl Dbm {
    /// From the kernel's mBm (1/100 dBm), rounded to the nearest dBm.
    pub fn from_mbm(mbm: i32) -> Dbm {
        Dbm((f64::from(mbm) / 100.0).round() as i32)
    }

    /// The power in milliwatts (for summing or weighting signals).
    pub fn milliwatts(self) -> f64 {
        10f64.powf(f64::from(self.0) / 10.0)
    }
}

impl fmt::Display for Dbm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} dBm", self.0)
    }
}

/// A frequency in MHz.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Mhz(pub u32);

impl Mhz {
    /// The channel centred on this frequency, if it is one.
    pub fn channel(self) -> Option<Channel> {
        freq::channel_of(self.0)
    }
}

impl fmt::Display for Mhz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} MHz", self.0)
    }
}

/// An SSID: up to 32 arbitrary octets.
///
/// IEEE 802.11 does not promise UTF-8, and an SSID is chosen by whoever runs
/// the access point, so it is untrusted input: it is kept as bytes and only
/// shown through [`Ssid::escaped`], which cannot emit control characters
/// (no terminal escape sequences, no line breaks in logs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ssid(pub Vec<u8>);

impl Ssid {
    /// A hidden network advertises an empty SSID or one of only NUL octets.
    pub fn is_hidden(&self) -> bool {
        self.0.iter().all(|&b| b == 0)
    }

    /// Reads back what [`Ssid::escaped`] wrote (a log's SSID): `\\` is a
    /// backslash, `\xNN` a byte; any other text is taken as it is.
    pub fn from_escaped(text: &str) -> Ssid {
        let b = text.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\\' {
                if b.get(i + 1) == Some(&b'\\') {
                    out.push(b'\\');
                    i += 2;
                    continue;
                }
                let hex = b
                    .get(i + 2..i + 4)
                    .and_then(|h| std::str::from_utf8(h).ok());
                if b.get(i + 1) == Some(&b'x') {
                    if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        out.push(byte);
                        i += 4;
                        continue;
                    }
                }
            }
            out.push(b[i]);
            i += 1;
        }
        Ssid(out)
    }

    /// The SSID as safe text: valid UTF-8 is kept except control characters
    /// and backslashes; everything else is written as `\xNN`.
    pub fn escaped(&self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    c if crate::escape::is_unsafe(c) => {
                        let mut buf = [0u8; 4];
                        for byte in c.encode_utf8(&mut buf).bytes() {
                            out.push_str(&format!("\\x{byte:02x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        }
        out
    }
}

impl fmt::Display for Ssid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.escaped())
    }
}

impl Serialize for Ssid {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.escaped())
    }
}

/// The nl80211 interface type (`NL80211_IFTYPE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IfType {
    Station,
    Ap,
    ApVlan,
    Adhoc,
    Monitor,
    MeshPoint,
    P2pClient,
    P2pGo,
    P2pDevice,
    Ocb,
    Nan,
    Wds,
    Unspecified,
    Other,
}

impl IfType {
    /// The name used in tables and JSON (`station`, `ap`, ...).
    pub fn label(self) -> &'static str {
        match self {
            IfType::Station => "station",
            IfType::Ap => "ap",
            IfType::ApVlan => "ap_vlan",
            IfType::Adhoc => "adhoc",
            IfType::Monitor => "monitor",
            IfType::MeshPoint => "mesh_point",
            IfType::P2pClient => "p2p_client",
            IfType::P2pGo => "p2p_go",
            IfType::P2pDevice => "p2p_device",
            IfType::Ocb => "ocb",
            IfType::Nan => "nan",
            IfType::Wds => "wds",
            IfType::Unspecified => "unspecified",
            IfType::Other => "other",
        }
    }
}

/// One wireless interface as the kernel's nl80211 interface dump shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WirelessInterface {
    /// Interface name (`wlan0`); `None` for a netdev-less wdev (P2P device).
    pub name: Option<String>,
    pub ifindex: Option<u32>,
    /// The wiphy index (`phyN`).
    pub phy: u32,
    pub if_type: IfType,
    pub mac: Option<MacAddr>,
    /// The SSID of the current BSS (station) or the served one (AP); `None`
    /// when not connected / not beaconing.
    pub ssid: Option<Ssid>,
    /// Operating (primary channel) frequency, when on a channel.
    pub freq: Option<Mhz>,
    /// Operating channel width in MHz, when on a channel.
    pub width_mhz: Option<u32>,
    /// Centre frequency of the whole operating channel.
    pub center_freq: Option<Mhz>,
    /// Transmit power in mBm (1/100 dBm), when reported.
    pub txpower_mbm: Option<u32>,
}

/// The interfaces a command should look at: the one named (an error naming
/// the available ones when it does not exist), or all of them; an empty
/// list is [`crate::Error::NoInterface`].
pub fn select_interfaces(
    all: Vec<WirelessInterface>,
    name: Option<&str>,
) -> crate::Result<Vec<WirelessInterface>> {
    if all.is_empty() {
        return Err(crate::Error::NoInterface);
    }
    let Some(name) = name else {
        return Ok(all);
    };
    let available = all
        .iter()
        .filter_map(|i| i.name.as_deref())
        .collect::<Vec<_>>()
        .join(", ");
    let chosen: Vec<_> = all
        .into_iter()
        .filter(|i| i.name.as_deref() == Some(name))
        .collect();
    if chosen.is_empty() {
        return Err(crate::Error::InterfaceNotFound {
            name: name.to_string(),
            available,
        });
    }
    Ok(chosen)
}

/// The interface a command works on when the user may name one: the one
/// named, else the connected station interface, else the first station.
pub fn pick_station(
    all: Vec<WirelessInterface>,
    name: Option<&str>,
) -> crate::Result<WirelessInterface> {
    let mut candidates = select_interfaces(all, name)?;
    if name.is_some() {
        return Ok(candidates.remove(0));
    }
    candidates.retain(|i| i.ifindex.is_some() && i.if_type == IfType::Station);
    candidates.sort_by_key(|i| i.ssid.is_none());
    candidates
        .into_iter()
        .next()
        .ok_or(crate::Error::NoInterface)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escaped_ssid_reads_back_to_its_bytes() {
        let cases: [&[u8]; 6] = [
            b"clinic",
            b"Dr \\x41's \\ net",
            b"\x1b[31mred\n",
            &[0xff, 0xfe, b'a'],
            "caf\u{e9} \u{202e}".as_bytes(),
            b"",
        ];
        for bytes in cases {
            let ssid = Ssid(bytes.to_vec());
            assert_eq!(
                Ssid::from_escaped(&ssid.escaped()),
                ssid,
                "{}",
                ssid.escaped()
            );
        }
    }

    fn named(name: &str) -> WirelessInterface {
        WirelessInterface {
            name: Some(name.into()),
            ifindex: Some(1),
            phy: 0,
            if_type: IfType::Station,
            mac: None,
            ssid: None,
            freq: None,
            width_mhz: None,
            center_freq: None,
            txpower_mbm: None,
        }
    }

    #[test]
    fn interface_selection() {
        let all = vec![named("wlan0"), named("wlan1")];
        assert_eq!(select_interfaces(all.clone(), None).unwrap().len(), 2);
        let one = select_interfaces(all.clone(), Some("wlan1")).unwrap();
        assert_eq!(one[0].name.as_deref(), Some("wlan1"));
        let err = select_interfaces(all, Some("wlp3s0")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no wireless interface named \"wlp3s0\" (wireless interfaces here: wlan0, wlan1)"
        );
        assert!(matches!(
            select_interfaces(vec![], None),
            Err(crate::Error::NoInterface)
        ));
    }

    #[test]
    fn pick_station_prefers_the_connected_one() {
        let mut ap = named("wlan0");
        ap.if_type = IfType::Ap;
        let idle = named("wlan1");
        let mut connected = named("wlan2");
        connected.ssid = Some(Ssid(b"clinic".to_vec()));
        let all = vec![ap, idle, connected];
        assert_eq!(
            pick_station(all.clone(), None).unwrap().name.as_deref(),
            Some("wlan2")
        );
        assert_eq!(
            pick_station(all.clone(), Some("wlan0"))
                .unwrap()
                .name
                .as_deref(),
            Some("wlan0")
        );
        assert!(matches!(
            pick_station(all[..1].to_vec(), None),
            Err(crate::Error::NoInterface)
        ));
    }

    #[test]
    fn mac_formats_lowercase_colon_separated() {
        let mac = MacAddr([0x02, 0x00, 0x00, 0x0a, 0xBC, 0xff]);
        assert_eq!(mac.to_string(), "02:00:00:0a:bc:ff");
        assert_eq!(
            serde_json::to_string(&mac).unwrap(),
            "\"02:00:00:0a:bc:ff\""
        );
    }

    #[test]
    fn ssid_escapes_control_invalid_and_backslash() {
        let cases: [(&[u8], &str); 7] = [
            (b"clinic", "clinic"),
            ("Café Ærø".as_bytes(), "Café Ærø"),
            (b"a\x1b[31mred", "a\\x1b[31mred"),
            (b"two\nlines", "two\\x0alines"),
            (b"bad\xff\xfeutf8", "bad\\xff\\xfeutf8"),
            (b"back\\slash", "back\\\\slash"),
            (b"\xc2\x85nel", "\\xc2\\x85nel"), // U+0085 NEXT LINE is a control
        ];
        for (raw, expected) in cases {
            assert_eq!(Ssid(raw.to_vec()).escaped(), expected, "{raw:?}");
        }
    }

    #[test]
    fn escaping_is_unambiguous_for_literal_backslash_x() {
        // The text `\xff` typed as an SSID must not look like the byte 0xff.
        let typed = Ssid(b"\\xff".to_vec()).escaped();
        let byte = Ssid(vec![0xff]).escaped();
        assert_ne!(typed, byte);
    }

    #[test]
    fn hidden_ssids() {
        assert!(Ssid(vec![]).is_hidden());
        assert!(Ssid(vec![0, 0, 0]).is_hidden());
        assert!(!Ssid(b"x".to_vec()).is_hidden());
    }
}
