//! Tests of the element parser and the derived values. Element bytes are
//! built by hand from the layouts in IEEE Std 802.11-2020 clause 9.4.2 (and
//! the 802.11ax/be amendments); each byte group is commented.

use super::*;
use crate::freq::Band;
use crate::model::MacAddr;

// ------------------------------------------------------------ builders

/// One element: id, length, body.
fn el(id: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![id, u8::try_from(body.len()).expect("body fits")];
    v.extend_from_slice(body);
    v
}

/// One extension element: id 255, length, extension id, body.
fn ext(ext_id: u8, body: &[u8]) -> Vec<u8> {
    let mut b = vec![ext_id];
    b.extend_from_slice(body);
    el(id::EXTENSION, &b)
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// HT Capabilities body (26 octets).
fn ht_cap_body(cap_info: u16, streams: usize) -> Vec<u8> {
    let mut b = cap_info.to_le_bytes().to_vec(); // HT Capability Information
    b.push(0x17); // A-MPDU Parameters
    let mut mcs = [0u8; 16]; // Supported MCS Set: Rx MCS bitmask (10), highest rate (2), Tx (1), reserved (3)
    for m in mcs.iter_mut().take(streams) {
        *m = 0xff;
    }
    b.extend_from_slice(&mcs);
    b.extend_from_slice(&[0, 0]); // HT Extended Capabilities
    b.extend_from_slice(&[0; 4]); // Transmit Beamforming Capabilities
    b.push(0); // ASEL Capabilities
    b
}

/// HT Operation body (22 octets).
fn ht_op_body(primary: u8, info0: u8, ccfs2: u8) -> Vec<u8> {
    let mut b = vec![primary, info0]; // Primary Channel, Information octet 1
    b.extend_from_slice(&(u16::from(ccfs2) << 5).to_le_bytes()); // Information octets 2-3 (CCFS2 = bits 13-20)
    b.extend_from_slice(&[0, 0]); // Information octets 4-5
    b.extend_from_slice(&[0xff; 16]); // Basic HT-MCS Set
    b
}

/// VHT Capabilities body (12 octets).
fn vht_cap_body(cap_info: u32, rx_map: u16) -> Vec<u8> {
    let mut b = cap_info.to_le_bytes().to_vec(); // VHT Capabilities Information
    b.extend_from_slice(&rx_map.to_le_bytes()); // Rx VHT-MCS Map
    b.extend_from_slice(&[0, 0]); // Rx Highest Supported Long GI Data Rate
    b.extend_from_slice(&rx_map.to_le_bytes()); // Tx VHT-MCS Map
    b.extend_from_slice(&[0, 0]); // Tx Highest Supported Long GI Data Rate
    b
}

/// VHT Operation body (5 octets).
fn vht_op_body(width: u8, ccfs0: u8, ccfs1: u8) -> Vec<u8> {
    vec![width, ccfs0, ccfs1, 0xfc, 0xff] // Channel Width, CCFS0, CCFS1, Basic VHT-MCS and NSS Set
}

/// HE Capabilities body after the extension id (21 octets, +4 for 160 MHz).
fn he_cap_body(width_set: u8, rx_map: u16) -> Vec<u8> {
    let mut b = vec![0x01, 0x00, 0x00, 0x00, 0x00, 0x00]; // HE MAC Capabilities
    let mut phy = [0u8; 11]; // HE PHY Capabilities: Channel Width Set in bits 1-7
    phy[0] = width_set << 1;
    b.extend_from_slice(&phy);
    b.extend_from_slice(&rx_map.to_le_bytes()); // Rx HE-MCS Map <= 80 MHz
    b.extend_from_slice(&rx_map.to_le_bytes()); // Tx HE-MCS Map <= 80 MHz
    if width_set & 0b100 != 0 {
        b.extend_from_slice(&rx_map.to_le_bytes()); // Rx HE-MCS Map 160 MHz
        b.extend_from_slice(&rx_map.to_le_bytes()); // Tx HE-MCS Map 160 MHz
    }
    b
}

/// HE Operation body after the extension id.
fn he_op_body(vht: Option<[u8; 3]>, cohosted: Option<u8>, six: Option<[u8; 5]>) -> Vec<u8> {
    let mut params = 0u32;
    if vht.is_some() {
        params |= 1 << 14;
    }
    if cohosted.is_some() {
        params |= 1 << 15;
    }
    if six.is_some() {
        params |= 1 << 17;
    }
    let mut b = params.to_le_bytes()[..3].to_vec(); // HE Operation Parameters (3)
    b.push(0x05); // BSS Color Information: color 5
    b.extend_from_slice(&[0xfc, 0xff]); // Basic HE-MCS and NSS Set
    if let Some(v) = vht {
        b.extend_from_slice(&v); // VHT Operation Information
    }
    if let Some(c) = cohosted {
        b.push(c); // Max Co-Hosted BSSID Indicator
    }
    if let Some(s) = six {
        b.extend_from_slice(&s); // 6 GHz Operation Information
    }
    b
}

/// EHT Operation body after the extension id.
fn eht_op_body(info: Option<[u8; 3]>, bitmap: Option<u16>) -> Vec<u8> {
    let params = u8::from(info.is_some()) | (u8::from(bitmap.is_some()) << 1);
    let mut b = vec![params]; // EHT Operation Parameters
    b.extend_from_slice(&[0x11, 0x11, 0x11, 0x11]); // Basic EHT-MCS And Nss Set
    if let Some(i) = info {
        b.extend_from_slice(&i); // Control, CCFS0, CCFS1
    }
    if let Some(m) = bitmap {
        b.extend_from_slice(&m.to_le_bytes()); // Disabled Subchannel Bitmap
    }
    b
}

/// EHT Capabilities body after the extension id.
fn eht_cap_body(phy0: u8) -> Vec<u8> {
    let mut b = vec![0x00, 0x00]; // EHT MAC Capabilities
    let mut phy = [0u8; 9]; // EHT PHY Capabilities
    phy[0] = phy0;
    b.extend_from_slice(&phy);
    b.extend_from_slice(&[0x22, 0x22, 0x22]); // Supported EHT-MCS and NSS Set (<= 80 MHz)
    b
}

const OUI_RSN: [u8; 3] = [0x00, 0x0f, 0xac];
const OUI_MS: [u8; 3] = [0x00, 0x50, 0xf2];

fn suite(oui: [u8; 3], t: u8) -> [u8; 4] {
    [oui[0], oui[1], oui[2], t]
}

/// An RSN-layout body: version, group, pairwise list, AKM list, caps.
fn rsn_body_with(oui: [u8; 3], group: u8, pairwise: &[u8], akms: &[u8], caps: u16) -> Vec<u8> {
    let mut b = 1u16.to_le_bytes().to_vec(); // Version
    b.extend_from_slice(&suite(oui, group)); // Group Data Cipher Suite
    b.extend_from_slice(&(pairwise.len() as u16).to_le_bytes()); // Pairwise Cipher Suite Count
    for &p in pairwise {
        b.extend_from_slice(&suite(oui, p)); // Pairwise Cipher Suite
    }
    b.extend_from_slice(&(akms.len() as u16).to_le_bytes()); // AKM Suite Count
    for &a in akms {
        b.extend_from_slice(&suite(oui, a)); // AKM Suite
    }
    b.extend_from_slice(&caps.to_le_bytes()); // RSN Capabilities
    b
}

fn rsn_el(akms: &[u8], caps: u16) -> Vec<u8> {
    el(id::RSN, &rsn_body_with(OUI_RSN, 4, &[4], akms, caps))
}

fn wpa_el(akms: &[u8]) -> Vec<u8> {
    let mut b = vec![0x00, 0x50, 0xf2, 0x01]; // OUI 00-50-F2, type 1 (WPA)
    b.extend(rsn_body_with(OUI_MS, 2, &[2], akms, 0));
    el(id::VENDOR_SPECIFIC, &b)
}

fn owe_transition_el(bssid: [u8; 6], ssid: &[u8]) -> Vec<u8> {
    let mut b = vec![0x50, 0x6f, 0x9a, 0x1c]; // OUI 50-6F-9A, type 28 (OWE Transition Mode)
    b.extend_from_slice(&bssid); // BSSID
    b.push(ssid.len() as u8); // SSID Length
    b.extend_from_slice(ssid); // SSID
    el(id::VENDOR_SPECIFIC, &b)
}

const MFPC: u16 = 1 << 6;
const MFPR: u16 = 1 << 7;

// ------------------------------------------- generic per-element table

struct Case {
    name: &'static str,
    /// A valid element.
    valid: Vec<u8>,
    /// Another valid element of the same kind, decoding differently.
    variant: Vec<u8>,
    /// The element's identity prefix of the body (extension id, OUI+type):
    /// the "zero-length" element keeps it and nothing more.
    header: Vec<u8>,
    field: fn(&Elements) -> Option<String>,
    /// The element may only appear once.
    once: bool,
    /// Trailing octets leave the decoded value unchanged.
    overlong_same: bool,
    /// A zero-length body is valid (SSID).
    zero_ok: bool,
}

fn dbg<T: std::fmt::Debug>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(|v| format!("{v:?}"))
}

fn cases() -> Vec<Case> {
    let mut full_rsn = rsn_body_with(OUI_RSN, 4, &[4], &[2], 0);
    full_rsn.extend_from_slice(&[0, 0]); // PMKID Count 0
    full_rsn.extend_from_slice(&suite(OUI_RSN, 6)); // Group Management Cipher Suite: BIP-CMAC-128
    let mut full_wpa = vec![0x00, 0x50, 0xf2, 0x01];
    full_wpa.extend_from_slice(&full_rsn);
    let profile = cat(&[el(0, b"guest"), el(85, &[1, 1, 0])]);
    let mut mbssid = vec![3, 0, profile.len() as u8]; // MaxBSSID Indicator, subelement 0, length
    mbssid.extend_from_slice(&profile);
    let mut owe = vec![0x50, 0x6f, 0x9a, 0x1c];
    owe.extend_from_slice(&[2, 0, 0, 0, 0, 1, 3, b'o', b'w', b'e']);
    vec![
        Case {
            name: "ssid",
            valid: el(0, b"clinic"),
            variant: el(0, b"other"),
            header: vec![],
            field: |e| e.ssid.as_ref().map(|s| s.escaped()),
            once: true,
            overlong_same: false,
            zero_ok: true,
        },
        Case {
            name: "supported rates",
            valid: el(1, &[0x82, 0x84, 0x8b, 0x96]),
            variant: el(1, &[0x0c]),
            header: vec![],
            field: |e| (!e.rates.is_empty()).then(|| format!("{:?}", e.rates)),
            once: true,
            overlong_same: false,
            zero_ok: false,
        },
        Case {
            name: "extended supported rates",
            valid: el(50, &[0x0c, 0x12, 0x18, 0x24]),
            variant: el(50, &[0x30]),
            header: vec![],
            field: |e| (!e.rates.is_empty()).then(|| format!("{:?}", e.rates)),
            once: true,
            overlong_same: false,
            zero_ok: false,
        },
        Case {
            name: "ds parameter set",
            valid: el(3, &[6]),
            variant: el(3, &[11]),
            header: vec![],
            field: |e| dbg(&e.ds_channel),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "country",
            valid: el(7, &[b'U', b'S', b' ', 1, 11, 30]),
            variant: el(7, &[b'D', b'E', b' ', 1, 13, 20]),
            header: vec![],
            field: |e| dbg(&e.country),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "bss load",
            valid: el(11, &[3, 0, 51, 0x10, 0x00]),
            variant: el(11, &[0, 0, 0, 0, 0]),
            header: vec![],
            field: |e| dbg(&e.bss_load),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "ht capabilities",
            valid: el(45, &ht_cap_body(0x006f, 2)),
            variant: el(45, &ht_cap_body(0, 1)),
            header: vec![],
            field: |e| dbg(&e.ht_capabilities),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "ht operation",
            valid: el(61, &ht_op_body(36, 0x05, 0)),
            variant: el(61, &ht_op_body(40, 0x07, 0)),
            header: vec![],
            field: |e| dbg(&e.ht_operation),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "vht capabilities",
            valid: el(191, &vht_cap_body(0x0000_0032, 0xfffa)),
            variant: el(191, &vht_cap_body(0x0000_0004, 0xfffe)),
            header: vec![],
            field: |e| dbg(&e.vht_capabilities),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "vht operation",
            valid: el(192, &vht_op_body(1, 42, 0)),
            variant: el(192, &vht_op_body(0, 0, 0)),
            header: vec![],
            field: |e| dbg(&e.vht_operation),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "rsn",
            valid: el(48, &full_rsn),
            variant: rsn_el(&[8], MFPC | MFPR),
            header: vec![],
            field: |e| dbg(&e.rsn),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "wpa",
            valid: el(221, &full_wpa),
            variant: wpa_el(&[1]),
            header: vec![0x00, 0x50, 0xf2, 0x01],
            field: |e| dbg(&e.wpa),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "rsnx",
            valid: el(244, &[0x20]),
            variant: el(244, &[0x00]),
            header: vec![],
            field: |e| {
                e.rsnx
                    .as_ref()
                    .map(|r| format!("{} {}", r.sae_h2e, r.sae_pk))
            },
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "owe transition",
            valid: el(221, &owe),
            variant: owe_transition_el([4; 6], b"x"),
            header: vec![0x50, 0x6f, 0x9a, 0x1c],
            field: |e| dbg(&e.owe_transition),
            once: true,
            // Two trailing octets are the optional band and channel info.
            overlong_same: false,
            zero_ok: false,
        },
        Case {
            name: "mobility domain",
            valid: el(54, &[0x34, 0x12, 0x01]),
            variant: el(54, &[0, 0, 0]),
            header: vec![],
            field: |e| dbg(&e.mobility_domain),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "rm enabled capabilities",
            valid: el(70, &[0x02, 0, 0, 0, 0]),
            variant: el(70, &[0, 0, 0, 0, 0]),
            header: vec![],
            field: |e| e.rm_neighbor_report.then(|| "neighbor report".into()),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "extended capabilities",
            valid: el(127, &[0, 0, 0x08]),
            variant: el(127, &[0]),
            header: vec![],
            field: |e| e.bss_transition.then(|| "bss transition".into()),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "multiple bssid",
            valid: el(71, &mbssid),
            variant: el(71, &[2]),
            header: vec![],
            field: |e| (!e.multiple_bssid.is_empty()).then(|| format!("{:?}", e.multiple_bssid)),
            once: false,
            overlong_same: false,
            zero_ok: false,
        },
        Case {
            name: "multiple bssid-index",
            valid: el(85, &[1, 1, 0]),
            variant: el(85, &[2]),
            header: vec![],
            field: |e| dbg(&e.multiple_bssid_index),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "he capabilities",
            valid: ext(35, &he_cap_body(0b0110, 0xfffa)),
            variant: ext(35, &he_cap_body(0b0010, 0xfffe)),
            header: vec![35],
            field: |e| dbg(&e.he_capabilities),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "he operation",
            valid: ext(36, &he_op_body(None, None, Some([1, 2, 7, 0, 6]))),
            variant: ext(36, &he_op_body(None, None, None)),
            header: vec![36],
            field: |e| dbg(&e.he_operation),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "eht capabilities",
            valid: ext(108, &eht_cap_body(0x02)),
            variant: ext(108, &eht_cap_body(0x00)),
            header: vec![108],
            field: |e| dbg(&e.eht_capabilities),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
        Case {
            name: "eht operation",
            valid: ext(106, &eht_op_body(Some([4, 15, 31]), Some(0))),
            variant: ext(106, &eht_op_body(None, None)),
            header: vec![106],
            field: |e| dbg(&e.eht_operation),
            once: true,
            overlong_same: true,
            zero_ok: false,
        },
    ]
}

#[test]
fn every_element_valid_zero_truncated_overlong_repeated() {
    for c in cases() {
        let name = c.name;
        let id = c.valid[0];

        // Valid: decoded, no issue.
        let e = parse(&c.valid);
        let value = (c.field)(&e);
        assert!(value.is_some(), "{name}: valid not decoded: {e:?}");
        assert!(e.issues.is_empty(), "{name}: {:?}", e.issues);
        assert_eq!(e.ids.len(), 1, "{name}");

        // Zero-length body (keeping only the identity header).
        let e = parse(&el(id, &c.header));
        if c.zero_ok {
            assert!((c.field)(&e).is_some(), "{name}: zero-length is valid");
            assert!(e.issues.is_empty(), "{name}");
        } else {
            assert_eq!((c.field)(&e), None, "{name}: zero-length decoded");
            assert_eq!(e.issues.len(), 1, "{name}: {:?}", e.issues);
            assert_eq!(e.issues[0].kind, IssueKind::TooShort, "{name}");
            assert_eq!(e.issues[0].id, id, "{name}");
        }

        // Truncated: the length runs one octet past the buffer.
        let cut = &c.valid[..c.valid.len() - 1];
        let e = parse(cut);
        assert_eq!((c.field)(&e), None, "{name}: truncated decoded");
        assert_eq!(e.issues.len(), 1, "{name}");
        assert_eq!(e.issues[0].kind, IssueKind::Truncated, "{name}");
        assert_eq!((e.issues[0].id, e.issues[0].offset), (id, 0), "{name}");
        assert!(e.ids.is_empty(), "{name}");

        // Overlong: two extra octets inside the element are accepted.
        let mut long = c.valid.clone();
        long[1] += 2;
        long.extend_from_slice(&[0x00, 0x00]);
        let e = parse(&long);
        assert!((c.field)(&e).is_some(), "{name}: overlong not decoded");
        assert!(e.issues.is_empty(), "{name}: overlong {:?}", e.issues);
        if c.overlong_same {
            assert_eq!((c.field)(&e), value, "{name}: overlong changed the value");
        }

        // Repeated: the first one is kept.
        let twice = cat(&[c.valid.clone(), c.variant.clone()]);
        let e = parse(&twice);
        assert_eq!(e.ids.len(), 2, "{name}");
        if c.once {
            assert_eq!((c.field)(&e), value, "{name}: first not kept");
            assert_eq!(e.issues.len(), 1, "{name}: {:?}", e.issues);
            assert_eq!(e.issues[0].kind, IssueKind::Duplicate, "{name}");
            assert_eq!(e.issues[0].offset, c.valid.len(), "{name}");
        } else {
            assert!(e.issues.is_empty(), "{name}");
        }
    }
}

// ------------------------------------------------- element by element

#[test]
fn empty_and_header_only_buffers() {
    assert_eq!(parse(&[]), Elements::default());
    for lone in [[0u8].as_slice(), &[255], &[221]] {
        let e = parse(lone);
        assert_eq!(e.issues.len(), 1);
        assert_eq!(e.issues[0].kind, IssueKind::Truncated);
        assert_eq!(e.issues[0].id, lone[0]);
    }
    // An extension element whose length runs past still names its ext id.
    let e = parse(&[255, 10, 36, 0]);
    assert_eq!(e.issues[0].ext_id, Some(36));
    // A zero-length extension element has no ext id.
    let e = parse(&[255, 0]);
    assert_eq!(e.issues[0].kind, IssueKind::TooShort);
    assert_eq!(
        e.ids,
        vec![ElementRef {
            id: 255,
            ext_id: None
        }]
    );
}

#[test]
fn parsing_stops_at_the_truncated_element_and_keeps_earlier_ones() {
    let buf = cat(&[el(0, b"a"), el(3, &[6]), vec![45, 26, 1, 2, 3]]);
    let e = parse(&buf);
    assert_eq!(e.ssid, Some(Ssid(b"a".to_vec())));
    assert_eq!(e.ds_channel, Some(6));
    assert_eq!(e.ht_capabilities, None);
    assert_eq!(
        e.issues,
        vec![ElementIssue {
            id: 45,
            ext_id: None,
            offset: 6,
            kind: IssueKind::Truncated
        }]
    );
}

#[test]
fn unknown_elements_are_skipped_but_listed() {
    let buf = cat(&[el(5, &[0, 1, 0, 0]), ext(200, &[1, 2]), el(3, &[1])]);
    let e = parse(&buf);
    assert_eq!(
        e.ids,
        vec![
            ElementRef {
                id: 5,
                ext_id: None
            },
            ElementRef {
                id: 255,
                ext_id: Some(200)
            },
            ElementRef {
                id: 3,
                ext_id: None
            },
        ]
    );
    assert_eq!(e.ds_channel, Some(1));
    assert!(e.issues.is_empty());
}

#[test]
fn ssid_hidden_long_and_escaped() {
    assert!(parse(&el(0, &[])).ssid.unwrap().is_hidden());
    assert!(parse(&el(0, &[0, 0, 0, 0])).ssid.unwrap().is_hidden());
    let e = parse(&el(0, &[b'x'; 40]));
    assert_eq!(e.ssid, Some(Ssid(vec![b'x'; 32])));
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);
    let e = parse(&el(0, b"a\x1b[2Jb"));
    assert_eq!(e.ssid.unwrap().escaped(), "a\\x1b[2Jb");
}

#[test]
fn rates_and_selectors() {
    let buf = cat(&[
        // Supported Rates: 1(B) 2(B) 5.5(B) 11(B) 6 9 12 18 Mb/s
        el(1, &[0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24]),
        // Extended Supported Rates: 24 36 48 54, then selectors HT PHY, SAE H2E only
        el(50, &[0x30, 0x48, 0x60, 0x6c, 0x80 | 127, 0x80 | 123]),
    ]);
    let e = parse(&buf);
    assert_eq!(e.rates.len(), 12);
    assert_eq!(
        e.rates[0],
        Rate {
            units_500kbps: 2,
            basic: true
        }
    );
    assert_eq!(e.rates[2].kbps(), 5500);
    assert!(!e.rates[4].basic);
    assert_eq!(e.rates[11].kbps(), 54_000);
    assert_eq!(e.selectors, vec![127, 123]);
}

#[test]
fn country_code_environment_and_triplets() {
    let body = [
        b'D', b'E', b'I', // Country string: "DE", indoor
        36, 4, 23, // subband: channels 36..48, 23 dBm
        201, 128, 0, // operating triplet: extension id 201, class 128, coverage 0
        100, 11, 0xfb, // subband: channels 100.., -5 dBm (signed)
        0,    // padding to an even length
    ];
    let c = parse(&el(7, &body)).country.unwrap();
    assert_eq!(c.code, "DE");
    assert_eq!(c.environment, CountryEnvironment::Indoor);
    assert_eq!(
        c.subbands,
        vec![
            SubbandTriplet {
                first_channel: 36,
                num_channels: 4,
                max_tx_power_dbm: 23
            },
            SubbandTriplet {
                first_channel: 100,
                num_channels: 11,
                max_tx_power_dbm: -5
            },
        ]
    );
    assert_eq!(
        c.operating_triplets,
        vec![OperatingTriplet {
            extension_id: 201,
            operating_class: 128,
            coverage_class: 0
        }]
    );
    // A non-printable code is escaped; 0x04 environment is kept raw.
    let c = parse(&el(7, &[0x1b, b'\\', 0x04])).country.unwrap();
    assert_eq!(c.code, "\\x1b\\x5c");
    assert_eq!(c.environment, CountryEnvironment::Other(4));
    assert!(c.subbands.is_empty());
}

#[test]
fn bss_load_fields_and_percent() {
    // Station Count 0x0102, Channel Utilization 255, Available Admission Capacity 0x3040
    let b = parse(&el(11, &[0x02, 0x01, 255, 0x40, 0x30]))
        .bss_load
        .unwrap();
    assert_eq!(b.station_count, 0x0102);
    assert_eq!(b.admission_capacity, 0x3040);
    assert_eq!(b.utilization_pct(), 100.0);
    let b = parse(&el(11, &[0, 0, 51, 0, 0])).bss_load.unwrap();
    assert!((b.utilization_pct() - 20.0).abs() < 1e-9);
    assert_eq!(
        parse(&el(11, &[0, 0, 51, 0])).issues[0].kind,
        IssueKind::TooShort
    );
}

#[test]
fn ht_capabilities_fields() {
    // LDPC, 40 MHz, SMPS disabled, SGI20, SGI40; MCS 0-23 (3 streams)
    let h = parse(&el(45, &ht_cap_body(0x006f, 3)))
        .ht_capabilities
        .unwrap();
    assert!(h.supports_40mhz && h.short_gi_20 && h.short_gi_40);
    assert_eq!(h.max_spatial_streams, 3);
    let h = parse(&el(45, &ht_cap_body(0x0020, 1)))
        .ht_capabilities
        .unwrap();
    assert!(!h.supports_40mhz && h.short_gi_20 && !h.short_gi_40);
    assert_eq!(h.max_spatial_streams, 1);
    let e = parse(&el(45, &ht_cap_body(0, 1)[..25]));
    assert_eq!(e.issues[0].kind, IssueKind::TooShort);
}

#[test]
fn ht_operation_fields() {
    let cases = [
        (0x00, SecondaryChannelOffset::None, false),
        (0x05, SecondaryChannelOffset::Above, true),
        (0x07, SecondaryChannelOffset::Below, true),
        (0x03, SecondaryChannelOffset::Below, false),
        (0x02, SecondaryChannelOffset::Reserved, false),
    ];
    for (info0, offset, any) in cases {
        let h = parse(&el(61, &ht_op_body(6, info0, 0)))
            .ht_operation
            .unwrap();
        assert_eq!(h.primary_channel, 6);
        assert_eq!(
            (h.secondary_offset, h.any_width),
            (offset, any),
            "{info0:#x}"
        );
    }
    let h = parse(&el(61, &ht_op_body(36, 0x05, 50)))
        .ht_operation
        .unwrap();
    assert_eq!(h.ccfs2, 50);
}

#[test]
fn vht_fields() {
    // 160 MHz supported (width set 1 in bits 2-3), SGI80, SGI160; MCS map 4 streams
    let v = parse(&el(191, &vht_cap_body(0x0000_0064, 0xffaa)))
        .vht_capabilities
        .unwrap();
    assert_eq!(v.supported_channel_width_set, 1);
    assert!(v.supports_160mhz() && v.short_gi_80 && v.short_gi_160);
    assert_eq!(v.max_spatial_streams, 4);
    let op = parse(&el(192, &vht_op_body(1, 42, 50)))
        .vht_operation
        .unwrap();
    assert_eq!((op.channel_width, op.ccfs0, op.ccfs1), (1, 42, 50));
    assert_eq!(op.basic_mcs_nss, Some(0xfffc));
    assert_eq!(elements::streams_from_mcs_map(0xffff), 0);
    assert_eq!(elements::streams_from_mcs_map(0x0000), 8);
}

#[test]
fn he_capabilities_fields() {
    let h = parse(&ext(35, &he_cap_body(0b0110, 0xfffa)))
        .he_capabilities
        .unwrap();
    assert!(h.supports_160mhz() && !h.supports_80p80mhz() && !h.supports_40mhz_2g());
    assert_eq!(h.max_spatial_streams, 2);
    // 160 MHz announced but its MCS maps missing: kept, Malformed.
    let mut body = he_cap_body(0b0110, 0xfffa);
    body.truncate(21);
    let e = parse(&ext(35, &body));
    assert!(e.he_capabilities.is_some());
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);
    assert_eq!(e.issues[0].ext_id, Some(35));
}

#[test]
fn he_operation_optional_fields() {
    let e = parse(&ext(
        36,
        &he_op_body(Some([1, 42, 0]), Some(3), Some([37, 0x0b, 39, 47, 6])),
    ));
    let h = e.he_operation.unwrap();
    assert!(e.issues.is_empty());
    assert_eq!(h.bss_color, 5);
    assert!(!h.bss_color_disabled);
    assert_eq!(
        h.vht_operation.map(|v| (v.channel_width, v.ccfs0)),
        Some((1, 42))
    );
    assert_eq!(h.max_cohosted_bssid_indicator, Some(3));
    let six = h.six_ghz.unwrap();
    assert_eq!(six.primary_channel, 37);
    assert_eq!(six.channel_width, 3);
    assert!(!six.duplicate_beacon);
    assert_eq!(six.regulatory_info, 1);
    assert_eq!((six.ccfs0, six.ccfs1, six.min_rate), (39, 47, 6));

    // Only the 6 GHz info: it follows the fixed part directly.
    let h = parse(&ext(36, &he_op_body(None, None, Some([1, 0x06, 7, 0, 6]))))
        .he_operation
        .unwrap();
    let six = h.six_ghz.unwrap();
    assert_eq!(
        (six.channel_width, six.duplicate_beacon, six.ccfs0),
        (2, true, 7)
    );

    // Bit 17 announced but the 5 octets are missing: fixed part kept.
    let mut body = he_op_body(None, None, Some([1, 2, 7, 0, 6]));
    body.truncate(8);
    let e = parse(&ext(36, &body));
    assert_eq!(e.he_operation.unwrap().six_ghz, None);
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);
}

#[test]
fn eht_fields() {
    let o = parse(&ext(106, &eht_op_body(Some([4, 15, 31]), Some(0x0003))))
        .eht_operation
        .unwrap();
    let info = o.info.unwrap();
    assert_eq!((info.channel_width, info.ccfs0, info.ccfs1), (4, 15, 31));
    assert_eq!(info.disabled_subchannel_bitmap, Some(3));
    let o = parse(&ext(106, &eht_op_body(None, None)))
        .eht_operation
        .unwrap();
    assert_eq!(o.info, None);
    // Info announced but missing.
    let e = parse(&ext(106, &[0x01, 0, 0, 0, 0]));
    assert_eq!(e.eht_operation.unwrap().info, None);
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);
    // Bitmap announced but missing: info kept.
    let e = parse(&ext(106, &[0x03, 0, 0, 0, 0, 2, 7, 0]));
    assert!(e.eht_operation.unwrap().info.is_some());
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);

    let c = parse(&ext(108, &eht_cap_body(0x02)))
        .eht_capabilities
        .unwrap();
    assert!(c.supports_320mhz());
}

#[test]
fn rsn_full_and_partial() {
    let mut body = rsn_body_with(OUI_RSN, 4, &[4, 9], &[2, 8, 0x63], MFPC);
    body.extend_from_slice(&1u16.to_le_bytes()); // PMKID Count
    body.extend_from_slice(&[0xaa; 16]); // PMKID
    body.extend_from_slice(&suite(OUI_RSN, 6)); // Group Management Cipher Suite
    let r = parse(&el(48, &body)).rsn.unwrap();
    assert_eq!(r.kind, RsnKind::Rsn);
    assert_eq!(r.version, 1);
    assert_eq!(r.group_cipher, Some(Cipher::Ccmp));
    assert_eq!(
        r.pairwise_ciphers,
        Some(vec![Cipher::Ccmp, Cipher::Gcmp256])
    );
    assert_eq!(
        r.akm_suites,
        Some(vec![Akm::Psk, Akm::Sae, Akm::Other(0x000f_ac63)])
    );
    assert!(r.mfp_capable() && !r.mfp_required());
    assert_eq!(r.pmkid_count, Some(1));
    assert_eq!(r.group_mgmt_cipher, Some(Cipher::BipCmac128));

    // Version only: valid, everything else absent, AKM defaults to 802.1X.
    let e = parse(&el(48, &[1, 0]));
    let r = e.rsn.unwrap();
    assert!(e.issues.is_empty());
    assert_eq!(r.group_cipher, None);
    assert_eq!(r.effective_akms(), vec![Akm::Ieee8021x]);

    // Ends after the group cipher.
    let e = parse(&el(48, &[1, 0, 0x00, 0x0f, 0xac, 4]));
    assert_eq!(e.rsn.unwrap().group_cipher, Some(Cipher::Ccmp));
    assert!(e.issues.is_empty());

    // Pairwise count 3 but one suite: the complete one is kept, Malformed.
    let e = parse(&el(48, &[1, 0, 0, 0x0f, 0xac, 4, 3, 0, 0, 0x0f, 0xac, 4]));
    let r = e.rsn.unwrap();
    assert_eq!(r.pairwise_ciphers, Some(vec![Cipher::Ccmp]));
    assert_eq!(r.akm_suites, None);
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);

    // AKM count 0x0100 with one suite present.
    let mut body = rsn_body_with(OUI_RSN, 4, &[4], &[2], 0);
    body.truncate(body.len() - 2); // drop capabilities
    let n = body.len();
    body[n - 6] = 0x00; // AKM Suite Count low octet
    body[n - 5] = 0x01; // AKM Suite Count high octet
    let e = parse(&el(48, &body));
    assert_eq!(e.rsn.unwrap().akm_suites, Some(vec![Akm::Psk]));
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);

    // Half a capabilities field.
    let mut body = rsn_body_with(OUI_RSN, 4, &[4], &[2], 0);
    body.pop();
    let e = parse(&el(48, &body));
    assert_eq!(e.rsn.unwrap().capabilities, None);
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);

    // One-octet body: too short for Version.
    assert_eq!(parse(&el(48, &[1])).issues[0].kind, IssueKind::TooShort);

    // A suite with a foreign OUI is Other.
    let body = rsn_body_with([0x00, 0x10, 0x18], 4, &[4], &[2], 0);
    let r = parse(&el(48, &body)).rsn.unwrap();
    assert_eq!(r.group_cipher, Some(Cipher::Other(0x0010_1804)));
    assert_eq!(r.akm_suites, Some(vec![Akm::Other(0x0010_1802)]));
}

#[test]
fn wpa_vendor_element() {
    let e = parse(&wpa_el(&[2]));
    let w = e.wpa.unwrap();
    assert_eq!(w.kind, RsnKind::Wpa);
    assert_eq!(w.group_cipher, Some(Cipher::Tkip));
    assert_eq!(w.akm_suites, Some(vec![Akm::Psk]));
    assert!(e.rsn.is_none());
    // RSN-OUI suites inside WPA are not WPA suites.
    let mut b = vec![0x00, 0x50, 0xf2, 0x01];
    b.extend(rsn_body_with(OUI_RSN, 4, &[4], &[2], 0));
    let w = parse(&el(221, &b)).wpa.unwrap();
    assert_eq!(w.group_cipher, Some(Cipher::Other(0x000f_ac04)));
    // WMM and an unrelated vendor element.
    let e = parse(&cat(&[
        el(221, &[0x00, 0x50, 0xf2, 0x02, 0x01, 0x01, 0x00]),
        el(221, &[0x00, 0x10, 0x18, 0x02, 0x00]),
        el(221, &[0x00, 0x10]),
    ]));
    assert!(e.wmm);
    assert_eq!(e.issues.len(), 1);
    assert_eq!(e.issues[0].kind, IssueKind::TooShort);
}

#[test]
fn rsnx_owe_mobility_rm_extcaps() {
    let e = parse(&cat(&[
        el(244, &[0x60]),                   // RSNX: SAE H2E (bit 5), SAE-PK (bit 6)
        el(54, &[0xcd, 0xab, 0x01]),        // Mobility Domain: MDID 0xabcd, FT over DS
        el(70, &[0x73, 0, 0, 0, 0]),        // RM Enabled Capabilities: neighbor report (bit 1)
        el(127, &[0x04, 0x00, 0x08, 0x00]), // Extended Capabilities: bit 2, bit 19
    ]));
    let x = e.rsnx.as_ref().unwrap();
    assert!(x.sae_h2e && x.sae_pk && !x.protected_twt);
    assert_eq!(e.mdid(), Some(0xabcd));
    assert!(e.mobility_domain.unwrap().ft_over_ds);
    assert!(e.rm_neighbor_report);
    assert!(e.bss_transition);
    let caps = e.extended_capabilities.as_ref().unwrap();
    assert!(caps.bit(2) && caps.bit(19) && !caps.bit(20) && !caps.bit(500));

    let mut b = vec![0x50, 0x6f, 0x9a, 0x1c];
    b.extend_from_slice(&[2, 0, 0, 0, 0, 9]); // BSSID
    b.push(5); // SSID Length
    b.extend_from_slice(b"h-owe"); // SSID
    b.extend_from_slice(&[0x73, 36]); // Band Info (operating class), Channel Info
    let o = parse(&el(221, &b)).owe_transition.unwrap();
    assert_eq!(o.bssid, MacAddr([2, 0, 0, 0, 0, 9]));
    assert_eq!(o.ssid, Ssid(b"h-owe".to_vec()));
    assert_eq!(o.band_and_channel, Some((0x73, 36)));
    // SSID length past the end: Malformed, not decoded.
    let mut b = vec![0x50, 0x6f, 0x9a, 0x1c, 2, 0, 0, 0, 0, 9, 20];
    b.extend_from_slice(b"abc");
    let e = parse(&el(221, &b));
    assert_eq!(e.owe_transition, None);
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);
}

#[test]
fn multiple_bssid_profiles_and_bssids() {
    let p1 = cat(&[
        el(83, &[0x11, 0x04]), // Nontransmitted BSSID Capability
        el(0, b"guest"),       // SSID
        el(85, &[1, 1, 0]),    // Multiple BSSID-Index: 1, DTIM period 1, count 0
        rsn_el(&[8], MFPC | MFPR),
    ]);
    let p2 = cat(&[el(0, b"iot"), el(85, &[3])]);
    let p3 = cat(&[el(0, b"no-index")]);
    let mut body = vec![2]; // MaxBSSID Indicator n = 2
    for p in [&p1, &p2, &p3] {
        body.push(0); // Nontransmitted BSSID Profile subelement
        body.push(p.len() as u8);
        body.extend_from_slice(p);
    }
    body.extend_from_slice(&[221, 3, 0x00, 0x10, 0x18]); // vendor subelement: skipped
    let e = parse(&el(71, &body));
    assert!(e.issues.is_empty(), "{:?}", e.issues);
    let mb = &e.multiple_bssid[0];
    assert_eq!(mb.max_bssid_indicator, 2);
    assert_eq!(mb.profiles.len(), 3);
    assert_eq!(mb.profiles[0].bssid_index(), Some(1));
    assert_eq!(security(&mb.profiles[0].elements, true), Security::Wpa3Sae);

    // Transmitter ...:0e, n = 2: low bits 0b10; i=1 → 0b11, i=3 → 0b01.
    let tx = MacAddr([0x02, 0x11, 0x22, 0x33, 0x44, 0x0e]);
    assert_eq!(
        nontransmitted_bssids(tx, mb),
        vec![
            (
                MacAddr([0x02, 0x11, 0x22, 0x33, 0x44, 0x0f]),
                Some(Ssid(b"guest".to_vec()))
            ),
            (
                MacAddr([0x02, 0x11, 0x22, 0x33, 0x44, 0x0d]),
                Some(Ssid(b"iot".to_vec()))
            ),
        ]
    );
    // n = 8 wraps within the last octet only.
    let mb8 = MultipleBssid {
        max_bssid_indicator: 8,
        profiles: mb.profiles.clone(),
    };
    let tx = MacAddr([0x02, 0x11, 0x22, 0x33, 0x44, 0xfe]);
    let got = nontransmitted_bssids(tx, &mb8);
    assert_eq!(got[0].0, MacAddr([0x02, 0x11, 0x22, 0x33, 0x44, 0xff]));
    assert_eq!(got[1].0, MacAddr([0x02, 0x11, 0x22, 0x33, 0x44, 0x01]));
    // Index out of range for n = 1 (i = 3 ≥ 2), and n = 0 / n > 8: nothing.
    let mb1 = MultipleBssid {
        max_bssid_indicator: 1,
        profiles: mb.profiles.clone(),
    };
    assert_eq!(nontransmitted_bssids(tx, &mb1).len(), 1);
    for n in [0, 9, 255] {
        let m = MultipleBssid {
            max_bssid_indicator: n,
            profiles: mb.profiles.clone(),
        };
        assert!(nontransmitted_bssids(tx, &m).is_empty());
    }
}

#[test]
fn multiple_bssid_truncated_subelement_and_bounded_nesting() {
    // Subelement length 50 with 3 octets: Malformed, element kept.
    let e = parse(&el(71, &[3, 0, 50, 0, 1, b'a']));
    assert_eq!(e.multiple_bssid[0].profiles.len(), 0);
    assert_eq!(e.issues[0].kind, IssueKind::Malformed);
    assert_eq!(e.issues[0].id, 71);

    // A profile with a truncated element: the issue is the profile's own.
    let e = parse(&el(71, &[3, 0, 3, 0, 9, b'a']));
    let p = &e.multiple_bssid[0].profiles[0];
    assert_eq!(p.elements.issues[0].kind, IssueKind::Truncated);
    assert!(e.issues.is_empty());

    // A Multiple BSSID inside a profile is listed but not descended into.
    let inner = el(71, &[1, 0, 2, 0, 0]);
    let mut body = vec![3, 0, inner.len() as u8];
    body.extend_from_slice(&inner);
    let e = parse(&el(71, &body));
    let p = &e.multiple_bssid[0].profiles[0];
    assert!(p.elements.multiple_bssid.is_empty());
    assert_eq!(p.elements.ids[0].id, 71);
}

// ------------------------------------------------------ whole beacon

/// A hostapd-like 5 GHz beacon: channel 36, VHT 80 MHz, WPA2-PSK.
fn hostapd_beacon() -> Vec<u8> {
    let mut rsn = rsn_body_with(OUI_RSN, 4, &[4], &[2], 0x000c); // caps: 16 PTKSA replay counters
    rsn.truncate(rsn.len()); // version .. capabilities, as hostapd sends without PMF
    cat(&[
        el(0, b"clinic-ap"),
        // Supported Rates: 6(B) 9 12(B) 18 24(B) 36 48 54
        el(1, &[0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c]),
        el(3, &[36]),
        // Country: "DE", any environment; 36+4 @23 dBm, 52+4 @20, 100+11 @27
        el(7, &[b'D', b'E', b' ', 36, 4, 23, 52, 4, 20, 100, 11, 27]),
        // BSS Load: 3 stations, 51/255 busy, 0 admission capacity
        el(11, &[3, 0, 51, 0, 0]),
        el(45, &ht_cap_body(0x006f, 2)),
        el(61, &ht_op_body(36, 0x05, 0)),
        // Extended Capabilities: extended channel switching (2), BSS transition (19), opmode notif (62)
        el(127, &[0x04, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x40]),
        el(48, &rsn),
        el(191, &vht_cap_body(0x0000_0032, 0xfffa)),
        el(192, &vht_op_body(1, 42, 0)),
        // WMM parameter element
        el(
            221,
            &[
                0x00, 0x50, 0xf2, 0x02, 0x01, 0x01, 0x80, 0x00, 0x03, 0xa4, 0x00, 0x00, 0x27, 0xa4,
                0x00, 0x00, 0x42, 0x43, 0x5e, 0x00, 0x62, 0x32, 0x2f, 0x00,
            ],
        ),
    ])
}

#[test]
fn realistic_hostapd_beacon() {
    let e = parse(&hostapd_beacon());
    assert!(e.issues.is_empty(), "{:?}", e.issues);
    assert_eq!(e.ids.len(), 12);
    assert_eq!(e.ssid.as_ref().unwrap().escaped(), "clinic-ap");
    assert_eq!(e.rates.len(), 8);
    assert_eq!(e.rates.iter().filter(|r| r.basic).count(), 3);
    assert!(e.selectors.is_empty());
    assert_eq!(e.ds_channel, Some(36));
    let c = e.country.as_ref().unwrap();
    assert_eq!(
        (c.code.as_str(), c.environment),
        ("DE", CountryEnvironment::Any)
    );
    assert_eq!(c.subbands.len(), 3);
    let load = e.bss_load.unwrap();
    assert_eq!(load.station_count, 3);
    assert!((load.utilization_pct() - 20.0).abs() < 1e-9);
    let ht = e.ht_capabilities.unwrap();
    assert!(ht.supports_40mhz && ht.short_gi_40);
    assert_eq!(ht.max_spatial_streams, 2);
    let op = e.ht_operation.unwrap();
    assert_eq!(op.primary_channel, 36);
    assert_eq!(op.secondary_offset, SecondaryChannelOffset::Above);
    assert!(op.any_width);
    assert!(e.bss_transition);
    assert!(!e.rm_neighbor_report);
    let rsn = e.rsn.as_ref().unwrap();
    assert_eq!(rsn.group_cipher, Some(Cipher::Ccmp));
    assert_eq!(rsn.pairwise_ciphers, Some(vec![Cipher::Ccmp]));
    assert_eq!(rsn.akm_suites, Some(vec![Akm::Psk]));
    assert!(!rsn.mfp_capable());
    assert_eq!(e.vht_capabilities.unwrap().max_spatial_streams, 2);
    assert_eq!(e.vht_operation.unwrap().ccfs0, 42);
    assert!(e.wmm);

    assert_eq!(security(&e, true).label(), "WPA2-PSK");
    assert_eq!(generation(&e, Band::Ghz5).label(), "ac");
    assert_eq!(
        operating_channel(&e, 5180),
        OperatingChannel {
            width_mhz: 80,
            center_freq_mhz: 5210,
            center_freq2_mhz: None,
            source: ChannelSource::Vht
        }
    );
}

// ------------------------------------------------------------ security

#[test]
fn security_labels() {
    let owe_tr = owe_transition_el([2, 0, 0, 0, 0, 1], b"hidden-owe");
    let version_group_only = el(48, &[1, 0, 0x00, 0x0f, 0xac, 4]);
    let cases: Vec<(&str, Vec<Vec<u8>>, bool, &str)> = vec![
        ("nothing", vec![], false, "Open"),
        ("privacy only", vec![], true, "WEP"),
        (
            "owe transition open side",
            vec![owe_tr.clone()],
            false,
            "Open (OWE transition)",
        ),
        ("owe", vec![rsn_el(&[18], MFPC | MFPR), owe_tr], true, "OWE"),
        ("wpa psk", vec![wpa_el(&[2])], true, "WPA-PSK"),
        ("wpa eap", vec![wpa_el(&[1])], true, "WPA-Enterprise"),
        ("wpa unknown", vec![wpa_el(&[9])], true, "Unknown"),
        (
            "mixed psk",
            vec![rsn_el(&[2], 0), wpa_el(&[2])],
            true,
            "WPA/WPA2-PSK",
        ),
        (
            "mixed eap",
            vec![rsn_el(&[1], 0), wpa_el(&[1])],
            true,
            "WPA/WPA2-Enterprise",
        ),
        ("wpa2 psk", vec![rsn_el(&[2], 0)], true, "WPA2-PSK"),
        ("wpa2 ft-psk", vec![rsn_el(&[2, 4], 0)], true, "WPA2-PSK"),
        (
            "wpa2 psk-sha256",
            vec![rsn_el(&[6], MFPC)],
            true,
            "WPA2-PSK",
        ),
        ("wpa2 eap", vec![rsn_el(&[1], 0)], true, "WPA2-Enterprise"),
        (
            "wpa2 eap+ft",
            vec![rsn_el(&[1, 3], MFPC)],
            true,
            "WPA2-Enterprise",
        ),
        (
            "eap-sha256 without mfp",
            vec![rsn_el(&[5], 0)],
            true,
            "WPA2-Enterprise",
        ),
        (
            "eap-sha256 mfp capable only",
            vec![rsn_el(&[5], MFPC)],
            true,
            "WPA2-Enterprise",
        ),
        (
            "akm list absent → 802.1X",
            vec![version_group_only],
            true,
            "WPA2-Enterprise",
        ),
        ("sae", vec![rsn_el(&[8], MFPC | MFPR)], true, "WPA3-SAE"),
        (
            "sae ext key + ft",
            vec![rsn_el(&[24, 25], MFPC | MFPR)],
            true,
            "WPA3-SAE",
        ),
        (
            "sae transition",
            vec![rsn_el(&[2, 8], MFPC)],
            true,
            "WPA2-PSK/WPA3-SAE",
        ),
        (
            "ft sae transition",
            vec![rsn_el(&[4, 9], MFPC)],
            true,
            "WPA2-PSK/WPA3-SAE",
        ),
        (
            "wpa3 eap sha256",
            vec![rsn_el(&[5], MFPC | MFPR)],
            true,
            "WPA3-Enterprise",
        ),
        (
            "wpa3 suite b 192",
            vec![rsn_el(&[12], MFPC | MFPR)],
            true,
            "WPA3-Enterprise",
        ),
        (
            "wpa3 suite b",
            vec![rsn_el(&[11], MFPC | MFPR)],
            true,
            "WPA3-Enterprise",
        ),
        (
            "wpa3 eap sha384",
            vec![rsn_el(&[23], MFPC | MFPR)],
            true,
            "WPA3-Enterprise",
        ),
        (
            "wpa3 ft sha384",
            vec![rsn_el(&[13], MFPC | MFPR)],
            true,
            "WPA3-Enterprise",
        ),
        (
            "wpa2/3 eap transition",
            vec![rsn_el(&[1, 5], MFPC)],
            true,
            "WPA2/WPA3-Enterprise",
        ),
        (
            "wpa2/3 eap + suite b",
            vec![rsn_el(&[1, 12], MFPC)],
            true,
            "WPA2/WPA3-Enterprise",
        ),
        ("unknown akm", vec![rsn_el(&[99], 0)], true, "Unknown"),
        ("empty akm list", vec![rsn_el(&[], 0)], true, "Unknown"),
        ("psk beats eap", vec![rsn_el(&[1, 2], 0)], true, "WPA2-PSK"),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (name, parts, privacy, label) in cases {
        let e = parse(&cat(&parts));
        assert!(e.issues.is_empty(), "{name}: {:?}", e.issues);
        let s = security(&e, privacy);
        assert_eq!(s.label(), label, "{name}");
        assert_eq!(s.to_string(), label);
        seen.insert(label);
    }
    assert_eq!(seen.len(), 15, "every label covered: {seen:?}");
}

// ---------------------------------------------------------- generation

#[test]
fn generation_table() {
    let cck = el(1, &[0x82, 0x84, 0x8b, 0x96]);
    let ofdm = cat(&[cck.clone(), el(50, &[0x0c, 0x12, 0x18, 0x24])]);
    let ht = el(45, &ht_cap_body(0x006f, 2));
    let ht_op = el(61, &ht_op_body(6, 0, 0));
    let vht = el(191, &vht_cap_body(0x32, 0xfffa));
    let vht_op = el(192, &vht_op_body(1, 42, 0));
    let he = ext(35, &he_cap_body(0b0010, 0xfffa));
    let he_op = ext(36, &he_op_body(None, None, None));
    let eht = ext(108, &eht_cap_body(0));
    let eht_op = ext(106, &eht_op_body(None, None));
    let cases: Vec<(Vec<Vec<u8>>, Band, &str)> = vec![
        (vec![], Band::Ghz2_4, "b"),
        (vec![cck.clone()], Band::Ghz2_4, "b"),
        (vec![ofdm.clone()], Band::Ghz2_4, "g"),
        (vec![ofdm.clone(), ht.clone()], Band::Ghz2_4, "n"),
        (vec![ofdm.clone(), ht_op], Band::Ghz2_4, "n"),
        (
            vec![ofdm.clone(), ht.clone(), vht.clone()],
            Band::Ghz2_4,
            "n",
        ),
        (
            vec![ofdm.clone(), ht.clone(), he.clone()],
            Band::Ghz2_4,
            "ax",
        ),
        (
            vec![ofdm.clone(), he_op.clone(), eht.clone()],
            Band::Ghz2_4,
            "be",
        ),
        (vec![], Band::Ghz5, "a"),
        (vec![ofdm.clone()], Band::Ghz5, "a"),
        (vec![ht.clone()], Band::Ghz5, "n"),
        (vec![ht.clone(), vht], Band::Ghz5, "ac"),
        (vec![vht_op], Band::Ghz5, "ac"),
        (vec![he_op.clone()], Band::Ghz5, "ax"),
        (vec![he.clone(), eht_op.clone()], Band::Ghz5, "be"),
        (vec![], Band::Ghz6, "ax"),
        (vec![he, he_op], Band::Ghz6, "ax"),
        (vec![eht_op], Band::Ghz6, "be"),
        (vec![eht], Band::Ghz6, "be"),
        (vec![ht], Band::Ghz60, "ad"),
    ];
    for (i, (parts, band, label)) in cases.into_iter().enumerate() {
        let e = parse(&cat(&parts));
        assert_eq!(generation(&e, band).label(), label, "case {i} {band}");
    }
}

// --------------------------------------------------- operating channel

/// Name, elements, primary MHz, expected (width, centre, centre2, source).
type ChannelCase = (
    &'static str,
    Vec<Vec<u8>>,
    u32,
    (u32, u32, Option<u32>, ChannelSource),
);

#[test]
fn operating_channel_table() {
    use ChannelSource as S;
    let ht = |p, info0| el(61, &ht_op_body(p, info0, 0));
    let vht = |w, c0, c1| el(192, &vht_op_body(w, c0, c1));
    let he6 = |six: [u8; 5]| ext(36, &he_op_body(None, None, Some(six)));
    let eht = |ctrl, c0, c1| ext(106, &eht_op_body(Some([ctrl, c0, c1]), None));
    #[rustfmt::skip]
    let cases: Vec<ChannelCase> = vec![
        ("nothing", vec![], 2437, (20, 2437, None, S::Primary)),
        ("primary off grid", vec![ht(1, 0x05)], 2413, (20, 2413, None, S::Primary)),
        ("2.4 HT20", vec![ht(6, 0x00)], 2437, (20, 2437, None, S::Primary)),
        ("2.4 HT40+", vec![ht(1, 0x05)], 2412, (40, 2422, None, S::Ht)),
        ("2.4 HT40-", vec![ht(11, 0x07)], 2462, (40, 2452, None, S::Ht)),
        ("HT40+ without any-width bit", vec![ht(1, 0x01)], 2412, (20, 2412, None, S::Primary)),
        ("HT40+ off the band (ch 13)", vec![ht(13, 0x05)], 2472, (20, 2472, None, S::Primary)),
        ("HT40- below the band (ch 1)", vec![ht(1, 0x07)], 2412, (20, 2412, None, S::Primary)),
        ("HT primary mismatch", vec![ht(6, 0x05)], 2412, (20, 2412, None, S::Primary)),
        ("HT reserved offset", vec![ht(1, 0x06)], 2412, (20, 2412, None, S::Primary)),
        ("5 GHz HT40+", vec![ht(36, 0x05)], 5180, (40, 5190, None, S::Ht)),
        ("5 GHz VHT80", vec![ht(36, 0x05), vht(1, 42, 0)], 5180, (80, 5210, None, S::Vht)),
        ("VHT80 primary ch 48", vec![ht(48, 0x07), vht(1, 42, 0)], 5240, (80, 5210, None, S::Vht)),
        ("VHT160 via CCFS1", vec![ht(36, 0x05), vht(1, 42, 50)], 5180, (160, 5250, None, S::Vht)),
        ("VHT160 deprecated width 2", vec![ht(36, 0x05), vht(2, 50, 0)], 5180, (160, 5250, None, S::Vht)),
        ("VHT80+80", vec![ht(36, 0x05), vht(1, 42, 106)], 5180, (160, 5210, Some(5530), S::Vht)),
        ("VHT80+80 deprecated width 3", vec![ht(36, 0x05), vht(3, 42, 106)], 5180, (160, 5210, Some(5530), S::Vht)),
        ("VHT160 ext NSS via HT CCFS2", vec![el(61, &ht_op_body(36, 0x05, 50)), vht(1, 42, 0)], 5180, (160, 5250, None, S::Vht)),
        ("VHT width 0 defers to HT", vec![ht(36, 0x05), vht(0, 0, 0)], 5180, (40, 5190, None, S::Ht)),
        ("VHT80 centre not around primary", vec![ht(36, 0x05), vht(1, 58, 0)], 5180, (40, 5190, None, S::Ht)),
        ("VHT CCFS1 4 apart", vec![ht(36, 0x05), vht(1, 42, 46)], 5180, (40, 5190, None, S::Ht)),
        ("VHT centre not a channel", vec![ht(36, 0x05), vht(1, 43, 0)], 5180, (40, 5190, None, S::Ht)),
        ("VHT160 primary outside", vec![ht(36, 0x05), vht(1, 42, 34)], 5180, (40, 5190, None, S::Ht)),
        ("VHT unknown width", vec![vht(7, 42, 0)], 5180, (20, 5180, None, S::Primary)),
        ("VHT in 2.4 GHz ignored", vec![ht(1, 0x05), vht(1, 3, 0)], 2412, (40, 2422, None, S::Ht)),
        ("HE op VHT info", vec![ext(36, &he_op_body(Some([1, 42, 0]), None, None))], 5180, (80, 5210, None, S::HeVht)),
        ("VHT element beats HE VHT info", vec![vht(1, 42, 50), ext(36, &he_op_body(Some([1, 42, 0]), None, None))], 5180, (160, 5250, None, S::Vht)),
        ("6 GHz HE 20", vec![he6([1, 0, 1, 0, 6])], 5955, (20, 5955, None, S::He6Ghz)),
        ("6 GHz HE 40", vec![he6([1, 1, 3, 0, 6])], 5955, (40, 5965, None, S::He6Ghz)),
        ("6 GHz HE 80", vec![he6([1, 2, 7, 0, 6])], 5955, (80, 5985, None, S::He6Ghz)),
        ("6 GHz HE 160", vec![he6([1, 3, 7, 15, 6])], 5955, (160, 6025, None, S::He6Ghz)),
        ("6 GHz HE 160 primary ch 37", vec![he6([37, 3, 39, 47, 6])], 6135, (160, 6185, None, S::He6Ghz)),
        ("6 GHz HE 80+80", vec![he6([1, 3, 7, 39, 6])], 5955, (160, 5985, Some(6145), S::He6Ghz)),
        ("6 GHz HE with cohosted + VHT info before", vec![ext(36, &he_op_body(Some([0, 0, 0]), Some(2), Some([5, 2, 7, 0, 6])))], 5975, (80, 5985, None, S::He6Ghz)),
        ("6 GHz HE primary mismatch", vec![he6([5, 2, 7, 0, 6])], 5955, (20, 5955, None, S::Primary)),
        ("6 GHz HE 80 wrong centre", vec![he6([1, 2, 23, 0, 6])], 5955, (20, 5955, None, S::Primary)),
        ("6 GHz EHT 320", vec![he6([1, 3, 7, 15, 6]), eht(4, 15, 31)], 5955, (320, 6105, None, S::Eht)),
        ("6 GHz EHT 320 (320-2 channelization)", vec![eht(4, 47, 63)], 6135, (320, 6265, None, S::Eht)),
        ("6 GHz EHT 320 not around primary", vec![he6([1, 3, 7, 15, 6]), eht(4, 47, 63)], 5955, (160, 6025, None, S::He6Ghz)),
        ("6 GHz EHT 320 CCFS gap wrong", vec![he6([1, 2, 7, 0, 6]), eht(4, 7, 31)], 5955, (80, 5985, None, S::He6Ghz)),
        ("6 GHz EHT 160", vec![eht(3, 7, 15)], 5955, (160, 6025, None, S::Eht)),
        ("6 GHz EHT 160 no 80+80", vec![eht(3, 7, 39)], 5955, (20, 5955, None, S::Primary)),
        ("6 GHz EHT unknown width", vec![he6([1, 2, 7, 0, 6]), eht(5, 7, 0)], 5955, (80, 5985, None, S::He6Ghz)),
        ("5 GHz EHT 160", vec![ht(36, 0x05), vht(1, 42, 0), eht(3, 42, 50)], 5180, (160, 5250, None, S::Eht)),
        ("5 GHz EHT without info", vec![ht(36, 0x05), vht(1, 42, 0), ext(106, &eht_op_body(None, None))], 5180, (80, 5210, None, S::Vht)),
        ("EHT ignored in 2.4 GHz", vec![ht(1, 0x05), eht(1, 3, 0)], 2412, (40, 2422, None, S::Ht)),
        ("HT ignored in 6 GHz", vec![ht(1, 0x05)], 5955, (20, 5955, None, S::Primary)),
        ("5 GHz EHT 320 does not exist", vec![ht(36, 0x05), eht(4, 50, 66)], 5180, (40, 5190, None, S::Ht)),
        ("5 GHz 80 off the raster (ch 46)",
            vec![ht(44, 0x05), vht(1, 46, 0)],
            5220,
            (40, 5230, None, S::Ht),
        ),
        ("5 GHz HT40 off the raster (36 below)", vec![ht(36, 0x07)], 5180, (20, 5180, None, S::Primary)),
        ("6 GHz 80 past the band edge", vec![he6([233, 2, 231, 0, 6])], 7115, (20, 7115, None, S::Primary)),
        ("VHT80 in UNII-3", vec![ht(149, 0x05), vht(1, 155, 0)], 5745, (80, 5775, None, S::Vht)),
        ("VHT80+80 second segment off raster", vec![ht(36, 0x05), vht(3, 42, 100)], 5180, (40, 5190, None, S::Ht)),
    ];
    for (name, parts, primary, (width, center, center2, source)) in cases {
        let e = parse(&cat(&parts));
        assert!(e.issues.is_empty(), "{name}: {:?}", e.issues);
        let got = operating_channel(&e, primary);
        let want = OperatingChannel {
            width_mhz: width,
            center_freq_mhz: center,
            center_freq2_mhz: center2,
            source,
        };
        assert_eq!(got, want, "{name}");
    }
}

// ----------------------------------------------------- no-panic fuzz

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// Ids worth generating: everything the parser decodes, and its neighbours.
const FUZZ_IDS: [u8; 22] = [
    0, 1, 3, 7, 11, 45, 48, 50, 54, 61, 70, 71, 83, 85, 127, 191, 192, 221, 244, 255, 2, 99,
];
const FUZZ_EXT_IDS: [u8; 5] = [35, 36, 106, 108, 1];

fn random_element(rng: &mut XorShift) -> Vec<u8> {
    let id = FUZZ_IDS[rng.below(FUZZ_IDS.len())];
    let len = rng.below(40);
    let mut body: Vec<u8> = (0..len).map(|_| rng.byte()).collect();
    match id {
        255 if !body.is_empty() => body[0] = FUZZ_EXT_IDS[rng.below(FUZZ_EXT_IDS.len())],
        221 if body.len() >= 4 => {
            let heads = [
                [0x00, 0x50, 0xf2, 0x01],
                [0x00, 0x50, 0xf2, 0x02],
                [0x50, 0x6f, 0x9a, 0x1c],
            ];
            body[..4].copy_from_slice(&heads[rng.below(3)]);
        }
        48 if body.len() >= 2 => {
            body[0] = 1;
            body[1] = 0;
        }
        71 if body.len() >= 3 => {
            body[1] = 0;
            body[2] = rng.byte() % (body.len() as u8);
        }
        _ => {}
    }
    let mut v = vec![id, body.len() as u8];
    // Sometimes lie about the length.
    if rng.below(8) == 0 {
        v[1] = rng.byte();
    }
    v.extend(body);
    v
}

fn exercise(buf: &[u8], rng: &mut XorShift) {
    let e = parse(buf);
    for privacy in [false, true] {
        let _ = security(&e, privacy).label();
    }
    for band in [Band::Ghz2_4, Band::Ghz5, Band::Ghz6, Band::Ghz60] {
        let _ = generation(&e, band).label();
    }
    let random_freq = 2400 + rng.below(4800) as u32;
    for primary in [
        2412,
        2437,
        2472,
        2484,
        5180,
        5500,
        5825,
        5955,
        6135,
        7115,
        0,
        random_freq,
    ] {
        let oc = operating_channel(&e, primary);
        assert!([20, 40, 80, 160, 320].contains(&oc.width_mhz), "{oc:?}");
        if oc.source == ChannelSource::Primary {
            assert_eq!((oc.width_mhz, oc.center_freq_mhz), (20, primary));
        } else {
            let half = oc.width_mhz / 2;
            let seg = if oc.center_freq2_mhz.is_some() {
                40
            } else {
                half
            };
            assert!(
                primary.abs_diff(oc.center_freq_mhz) < seg,
                "primary {primary} outside {oc:?}"
            );
            assert!(
                crate::freq::channel_of(oc.center_freq_mhz).is_some(),
                "{oc:?}"
            );
        }
    }
    let tx = MacAddr([rng.byte(), 0, 0, 0, rng.byte(), rng.byte()]);
    for mb in &e.multiple_bssid {
        for (mac, _) in nontransmitted_bssids(tx, mb) {
            assert_eq!(mac.0[..4], tx.0[..4]);
        }
        for p in &mb.profiles {
            let _ = security(&p.elements, true);
            let _ = operating_channel(&p.elements, 5180);
        }
    }
    if let Some(s) = &e.ssid {
        assert!(s.0.len() <= 32);
    }
}

#[test]
fn fuzz_never_panics() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let seeds = [
        hostapd_beacon(),
        cat(&[
            el(0, b"six"),
            ext(35, &he_cap_body(0b0110, 0xfffa)),
            ext(
                36,
                &he_op_body(Some([1, 42, 0]), Some(3), Some([1, 3, 7, 15, 6])),
            ),
            ext(108, &eht_cap_body(0x02)),
            ext(106, &eht_op_body(Some([4, 15, 31]), Some(1))),
            rsn_el(&[8, 24], MFPC | MFPR),
            el(244, &[0x20]),
            el(71, &[3, 0, 9, 0, 5, b'g', b'u', b'e', b's', b't', 85, 0]),
            owe_transition_el([2; 6], b"x"),
            wpa_el(&[2]),
        ]),
    ];
    for round in 0..200_000u32 {
        let buf: Vec<u8> = match round % 4 {
            // Random bytes.
            0 => {
                let len = rng.below(600);
                (0..len).map(|_| rng.byte()).collect()
            }
            // A sequence of plausible elements, some with lying lengths.
            1 => {
                let n = rng.below(20);
                let mut b = Vec::new();
                for _ in 0..n {
                    b.extend(random_element(&mut rng));
                }
                b
            }
            // A real-looking beacon, mutated.
            2 => {
                let mut b = seeds[rng.below(seeds.len())].clone();
                for _ in 0..1 + rng.below(6) {
                    let i = rng.below(b.len());
                    b[i] = rng.byte();
                }
                b
            }
            // A real-looking beacon, truncated (and sometimes extended).
            _ => {
                let mut b = seeds[rng.below(seeds.len())].clone();
                b.truncate(rng.below(b.len() + 1));
                if rng.below(2) == 0 {
                    b.extend(random_element(&mut rng));
                }
                b
            }
        };
        exercise(&buf, &mut rng);
    }
}
