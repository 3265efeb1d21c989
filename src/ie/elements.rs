//! Plain types of the decoded elements and the per-element body decoders.
//!
//! Each decoder takes the element body (after id and length; for extension
//! elements, after the extension id) and returns what it could decode plus
//! at most one problem. Trailing octets beyond the fields a decoder knows
//! are accepted and ignored: the standard lets elements grow at the end.

use super::reader::Reader;
use super::IssueKind;
use crate::model::{MacAddr, Ssid};

/// What a body decoder returns: the value (if any) and a problem (if any).
pub(crate) type Decoded<T> = (Option<T>, Option<IssueKind>);

fn ok<T>(v: T) -> Decoded<T> {
    (Some(v), None)
}

fn too_short<T>() -> Decoded<T> {
    (None, Some(IssueKind::TooShort))
}

/// Highest spatial stream count a VHT/HE MCS map (2 bits per stream,
/// `3` = not supported) declares; 0 when none.
pub fn streams_from_mcs_map(map: u16) -> u8 {
    (0..8u8)
        .rev()
        .find(|&ss| (map >> (2 * ss)) & 0b11 != 0b11)
        .map_or(0, |ss| ss + 1)
}

// ---------------------------------------------------------------- SSID (0)

/// Longest SSID the standard allows.
pub const SSID_MAX_LEN: usize = 32;

pub(crate) fn ssid(body: &[u8]) -> Decoded<Ssid> {
    if body.len() > SSID_MAX_LEN {
        let first = body.get(..SSID_MAX_LEN).unwrap_or(body);
        (Some(Ssid(first.to_vec())), Some(IssueKind::Malformed))
    } else {
        ok(Ssid(body.to_vec()))
    }
}

// ------------------------------------------------------------ Rates (1, 50)

/// One supported rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rate {
    /// The rate in units of 500 kb/s (2 = 1 Mb/s, 108 = 54 Mb/s).
    pub units_500kbps: u8,
    /// Part of the BSS basic rate set (bit 7 of the octet).
    pub basic: bool,
}

impl Rate {
    /// The rate in kb/s.
    pub fn kbps(self) -> u32 {
        u32::from(self.units_500kbps) * 500
    }

    /// A DSSS/CCK rate of 802.11b: 1, 2, 5.5 or 11 Mb/s.
    pub fn is_cck(self) -> bool {
        matches!(self.units_500kbps, 2 | 4 | 11 | 22)
    }

    /// An OFDM rate of 802.11a/g: 6, 9, 12, 18, 24, 36, 48 or 54 Mb/s.
    pub fn is_ofdm(self) -> bool {
        matches!(self.units_500kbps, 12 | 18 | 24 | 36 | 48 | 72 | 96 | 108)
    }
}

/// Splits a rates body into rates and BSS membership selectors. A selector
/// is an octet with bit 7 set whose low 7 bits are a selector value (121 and
/// up: no legacy rate is that fast). Returns `TooShort` for an empty body.
pub(crate) fn rates(
    body: &[u8],
    rates: &mut Vec<Rate>,
    selectors: &mut Vec<u8>,
) -> Option<IssueKind> {
    if body.is_empty() {
        return Some(IssueKind::TooShort);
    }
    for &b in body {
        let value = b & 0x7f;
        let basic = b & 0x80 != 0;
        if basic && value >= super::id::selector::EHT_PHY {
            selectors.push(value);
        } else {
            rates.push(Rate {
                units_500kbps: value,
                basic,
            });
        }
    }
    None
}

// -------------------------------------------------------------- DS (3)

pub(crate) fn ds_channel(body: &[u8]) -> Decoded<u8> {
    match body.first() {
        Some(&ch) => ok(ch),
        None => too_short(),
    }
}

// ---------------------------------------------------------- Country (7)

/// The third octet of the country string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountryEnvironment {
    /// `' '`: indoor and outdoor.
    Any,
    /// `'O'`: outdoor only.
    Outdoor,
    /// `'I'`: indoor only.
    Indoor,
    /// `'X'`: non-country entity.
    NonCountry,
    /// Anything else (e.g. 0x04: the global operating class table applies).
    Other(u8),
}

impl CountryEnvironment {
    fn from_octet(b: u8) -> Self {
        match b {
            b' ' => CountryEnvironment::Any,
            b'O' => CountryEnvironment::Outdoor,
            b'I' => CountryEnvironment::Indoor,
            b'X' => CountryEnvironment::NonCountry,
            other => CountryEnvironment::Other(other),
        }
    }
}

/// A subband triplet: a run of channels and their power limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubbandTriplet {
    pub first_channel: u8,
    pub num_channels: u8,
    /// Maximum transmit power in dBm (a signed octet).
    pub max_tx_power_dbm: i8,
}

/// An operating triplet (first octet ≥ 201): the following subband
/// triplets are channel numbers of this operating class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperatingTriplet {
    pub extension_id: u8,
    pub operating_class: u8,
    pub coverage_class: u8,
}

/// Country element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// The two-letter code; printable ASCII kept, anything else (and `\`)
    /// written as `\xNN`, so it is always safe to print.
    pub code: String,
    pub environment: CountryEnvironment,
    pub subbands: Vec<SubbandTriplet>,
    pub operating_triplets: Vec<OperatingTriplet>,
}

/// First octet value from which a triplet is an operating triplet.
const OPERATING_EXTENSION_MIN: u8 = 201;

pub(crate) fn country(body: &[u8]) -> Decoded<Country> {
    let mut r = Reader::new(body);
    let Some([a, b, env]) = r.array::<3>() else {
        return too_short();
    };
    let mut code = String::new();
    for byte in [a, b] {
        if byte.is_ascii_graphic() && byte != b'\\' {
            code.push(char::from(byte));
        } else {
            code.push_str(&format!("\\x{byte:02x}"));
        }
    }
    let mut c = Country {
        code,
        environment: CountryEnvironment::from_octet(env),
        subbands: Vec::new(),
        operating_triplets: Vec::new(),
    };
    // One or two octets left over are padding (the element is padded to an
    // even length): ignored.
    while let Some([x, y, z]) = r.array::<3>() {
        if x >= OPERATING_EXTENSION_MIN {
            c.operating_triplets.push(OperatingTriplet {
                extension_id: x,
                operating_class: y,
                coverage_class: z,
            });
        } else {
            c.subbands.push(SubbandTriplet {
                first_channel: x,
                num_channels: y,
                max_tx_power_dbm: i8::from_le_bytes([z]),
            });
        }
    }
    ok(c)
}

// --------------------------------------------------------- BSS Load (11)

/// BSS Load element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BssLoad {
    pub station_count: u16,
    /// Share of time the AP sensed the medium busy, scaled to 0..=255.
    pub channel_utilization: u8,
    /// Remaining admission-control medium time, in units of 32 µs/s.
    pub admission_capacity: u16,
}

impl BssLoad {
    /// Channel utilisation in percent (0.0..=100.0).
    pub fn utilization_pct(&self) -> f64 {
        f64::from(self.channel_utilization) * 100.0 / 255.0
    }
}

pub(crate) fn bss_load(body: &[u8]) -> Decoded<BssLoad> {
    let mut r = Reader::new(body);
    match (r.u16_le(), r.u8(), r.u16_le()) {
        (Some(station_count), Some(channel_utilization), Some(admission_capacity)) => ok(BssLoad {
            station_count,
            channel_utilization,
            admission_capacity,
        }),
        _ => too_short(),
    }
}

// --------------------------------------------------- HT Capabilities (45)

/// HT Capabilities element (26 octets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HtCapabilities {
    /// HT Capability Information field.
    pub cap_info: u16,
    /// Supported Channel Width Set (bit 1): 20 and 40 MHz.
    pub supports_40mhz: bool,
    /// Short GI for 20 MHz (bit 5).
    pub short_gi_20: bool,
    /// Short GI for 40 MHz (bit 6).
    pub short_gi_40: bool,
    /// Rx MCS bitmask (MCS 0..76), first 10 octets of the MCS set.
    pub rx_mcs_bitmask: [u8; 10],
    /// Spatial streams: 1 + index of the highest non-empty octet among
    /// the first four of the bitmask (MCS 0-7, 8-15, 16-23, 24-31).
    pub max_spatial_streams: u8,
}

const HT_CAP_LEN: usize = 26;

pub(crate) fn ht_capabilities(body: &[u8]) -> Decoded<HtCapabilities> {
    if body.len() < HT_CAP_LEN {
        return too_short();
    }
    let mut r = Reader::new(body);
    let (Some(cap_info), Some(_ampdu), Some(rx_mcs_bitmask)) =
        (r.u16_le(), r.u8(), r.array::<10>())
    else {
        return too_short();
    };
    let max_spatial_streams = (0..4u8)
        .rev()
        .find(|&i| rx_mcs_bitmask[usize::from(i)] != 0)
        .map_or(0, |i| i + 1);
    ok(HtCapabilities {
        cap_info,
        supports_40mhz: cap_info & (1 << 1) != 0,
        short_gi_20: cap_info & (1 << 5) != 0,
        short_gi_40: cap_info & (1 << 6) != 0,
        rx_mcs_bitmask,
        max_spatial_streams,
    })
}

// ------------------------------------------------------ HT Operation (61)

/// Secondary Channel Offset (HT Operation Information bits 0-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecondaryChannelOffset {
    /// SCN (0): no secondary channel.
    None,
    /// SCA (1): secondary channel above the primary.
    Above,
    /// SCB (3): secondary channel below the primary.
    Below,
    /// 2: reserved.
    Reserved,
}

/// HT Operation element (22 octets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HtOperation {
    pub primary_channel: u8,
    pub secondary_offset: SecondaryChannelOffset,
    /// STA Channel Width (bit 2): any width in the supported set may be
    /// used; 0 means the BSS currently restricts itself to 20 MHz.
    pub any_width: bool,
    /// Channel Center Frequency Segment 2 (information bits 13-20), used
    /// with VHT extended-NSS-bandwidth signalling of 160/80+80 MHz.
    pub ccfs2: u8,
}

const HT_OP_LEN: usize = 22;

pub(crate) fn ht_operation(body: &[u8]) -> Decoded<HtOperation> {
    if body.len() < HT_OP_LEN {
        return too_short();
    }
    let mut r = Reader::new(body);
    let (Some(primary_channel), Some(info0), Some(op_mode)) = (r.u8(), r.u8(), r.u16_le()) else {
        return too_short();
    };
    let secondary_offset = match info0 & 0b11 {
        0 => SecondaryChannelOffset::None,
        1 => SecondaryChannelOffset::Above,
        3 => SecondaryChannelOffset::Below,
        _ => SecondaryChannelOffset::Reserved,
    };
    ok(HtOperation {
        primary_channel,
        secondary_offset,
        any_width: info0 & (1 << 2) != 0,
        // Bits 13-20 of the information field = bits 5-12 of octets 1-2.
        ccfs2: ((op_mode >> 5) & 0xff) as u8,
    })
}

// -------------------------------------------------- VHT Capabilities (191)

/// VHT Capabilities element (12 octets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VhtCapabilities {
    pub cap_info: u32,
    /// Supported Channel Width Set (bits 2-3): 0 = up to 80 MHz,
    /// 1 = 160 MHz, 2 = 160 and 80+80 MHz.
    pub supported_channel_width_set: u8,
    /// Short GI for 80 MHz (bit 5).
    pub short_gi_80: bool,
    /// Short GI for 160 and 80+80 MHz (bit 6).
    pub short_gi_160: bool,
    /// Rx VHT-MCS Map.
    pub rx_mcs_map: u16,
    pub max_spatial_streams: u8,
}

impl VhtCapabilities {
    pub fn supports_160mhz(&self) -> bool {
        matches!(self.supported_channel_width_set, 1 | 2)
    }
}

const VHT_CAP_LEN: usize = 12;

pub(crate) fn vht_capabilities(body: &[u8]) -> Decoded<VhtCapabilities> {
    if body.len() < VHT_CAP_LEN {
        return too_short();
    }
    let mut r = Reader::new(body);
    let (Some(cap_info), Some(rx_mcs_map)) = (r.u32_le(), r.u16_le()) else {
        return too_short();
    };
    ok(VhtCapabilities {
        cap_info,
        supported_channel_width_set: ((cap_info >> 2) & 0b11) as u8,
        short_gi_80: cap_info & (1 << 5) != 0,
        short_gi_160: cap_info & (1 << 6) != 0,
        rx_mcs_map,
        max_spatial_streams: streams_from_mcs_map(rx_mcs_map),
    })
}

// ----------------------------------------------------- VHT Operation (192)

/// VHT Operation element (5 octets), or the 3-octet VHT Operation
/// Information carried inside HE Operation (then `basic_mcs_nss` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VhtOperation {
    /// 0: 20 or 40 MHz (see HT Operation), 1: 80, 160 or 80+80 MHz,
    /// 2: 160 MHz (deprecated), 3: 80+80 MHz (deprecated).
    pub channel_width: u8,
    pub ccfs0: u8,
    pub ccfs1: u8,
    pub basic_mcs_nss: Option<u16>,
}

const VHT_OP_LEN: usize = 5;

pub(crate) fn vht_operation(body: &[u8]) -> Decoded<VhtOperation> {
    if body.len() < VHT_OP_LEN {
        return too_short();
    }
    let mut r = Reader::new(body);
    match (r.array::<3>(), r.u16_le()) {
        (Some([channel_width, ccfs0, ccfs1]), Some(mcs)) => ok(VhtOperation {
            channel_width,
            ccfs0,
            ccfs1,
            basic_mcs_nss: Some(mcs),
        }),
        _ => too_short(),
    }
}

// --------------------------------------------- HE Capabilities (ext 35)

/// HE Capabilities element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeCapabilities {
    pub mac_cap: [u8; 6],
    pub phy_cap: [u8; 11],
    /// Channel Width Set (PHY capabilities bits 1-7).
    pub channel_width_set: u8,
    /// Rx HE-MCS Map for ≤ 80 MHz.
    pub rx_mcs_map_80: u16,
    pub max_spatial_streams: u8,
}

impl HeCapabilities {
    /// 40 MHz in 2.4 GHz (channel width set bit 0).
    pub fn supports_40mhz_2g(&self) -> bool {
        self.channel_width_set & 0b1 != 0
    }
    /// 160 MHz in 5/6 GHz (channel width set bit 2).
    pub fn supports_160mhz(&self) -> bool {
        self.channel_width_set & 0b100 != 0
    }
    /// 80+80 MHz in 5/6 GHz (channel width set bit 3).
    pub fn supports_80p80mhz(&self) -> bool {
        self.channel_width_set & 0b1000 != 0
    }
}

/// MAC (6) + PHY (11) + Rx/Tx HE-MCS maps for ≤ 80 MHz (4).
const HE_CAP_LEN: usize = 21;

pub(crate) fn he_capabilities(body: &[u8]) -> Decoded<HeCapabilities> {
    if body.len() < HE_CAP_LEN {
        return too_short();
    }
    let mut r = Reader::new(body);
    let (Some(mac_cap), Some(phy_cap), Some(rx_mcs_map_80), Some(_tx)) =
        (r.array::<6>(), r.array::<11>(), r.u16_le(), r.u16_le())
    else {
        return too_short();
    };
    let channel_width_set = phy_cap[0] >> 1;
    let caps = HeCapabilities {
        mac_cap,
        phy_cap,
        channel_width_set,
        rx_mcs_map_80,
        max_spatial_streams: streams_from_mcs_map(rx_mcs_map_80),
    };
    // The 160 and 80+80 MCS maps (4 octets each) follow when announced.
    let extra = 4 * (usize::from(caps.supports_160mhz()) + usize::from(caps.supports_80p80mhz()));
    let issue = r.skip(extra).is_none().then_some(IssueKind::Malformed);
    (Some(caps), issue)
}

// ------------------------------------------------ HE Operation (ext 36)

/// HE Operation Parameters bit: VHT Operation Information present.
pub const HE_OP_VHT_INFO_PRESENT: u32 = 1 << 14;
/// HE Operation Parameters bit: Co-Hosted BSS (Max Co-Hosted BSSID
/// Indicator present).
pub const HE_OP_COHOSTED_BSS: u32 = 1 << 15;
/// HE Operation Parameters bit: 6 GHz Operation Information present.
pub const HE_OP_6GHZ_INFO_PRESENT: u32 = 1 << 17;

/// 6 GHz Operation Information inside HE Operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct He6GhzOperation {
    pub primary_channel: u8,
    /// The raw Control octet.
    pub control: u8,
    /// Control bits 0-1: 0 = 20, 1 = 40, 2 = 80, 3 = 160 or 80+80 MHz.
    pub channel_width: u8,
    /// Control bit 2.
    pub duplicate_beacon: bool,
    /// Control bits 3-5 (0 = indoor AP, 1 = standard power AP, ...).
    pub regulatory_info: u8,
    pub ccfs0: u8,
    pub ccfs1: u8,
    /// Minimum rate in Mb/s.
    pub min_rate: u8,
}

/// HE Operation element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeOperation {
    /// HE Operation Parameters (24 bits).
    pub params: u32,
    /// BSS Color (bits 0-5 of the BSS Color Information octet).
    pub bss_color: u8,
    /// BSS Color Disabled (bit 7).
    pub bss_color_disabled: bool,
    pub basic_mcs_nss: u16,
    pub vht_operation: Option<VhtOperation>,
    pub max_cohosted_bssid_indicator: Option<u8>,
    pub six_ghz: Option<He6GhzOperation>,
}

/// Parameters (3) + BSS color (1) + basic HE-MCS and NSS set (2).
const HE_OP_LEN: usize = 6;

pub(crate) fn he_operation(body: &[u8]) -> Decoded<HeOperation> {
    if body.len() < HE_OP_LEN {
        return too_short();
    }
    let mut r = Reader::new(body);
    let (Some(params), Some(color), Some(basic_mcs_nss)) = (r.u24_le(), r.u8(), r.u16_le()) else {
        return too_short();
    };
    let mut op = HeOperation {
        params,
        bss_color: color & 0x3f,
        bss_color_disabled: color & 0x80 != 0,
        basic_mcs_nss,
        vht_operation: None,
        max_cohosted_bssid_indicator: None,
        six_ghz: None,
    };
    if params & HE_OP_VHT_INFO_PRESENT != 0 {
        let Some([channel_width, ccfs0, ccfs1]) = r.array::<3>() else {
            return (Some(op), Some(IssueKind::Malformed));
        };
        op.vht_operation = Some(VhtOperation {
            channel_width,
            ccfs0,
            ccfs1,
            basic_mcs_nss: None,
        });
    }
    if params & HE_OP_COHOSTED_BSS != 0 {
        let Some(n) = r.u8() else {
            return (Some(op), Some(IssueKind::Malformed));
        };
        op.max_cohosted_bssid_indicator = Some(n);
    }
    if params & HE_OP_6GHZ_INFO_PRESENT != 0 {
        let Some([primary_channel, control, ccfs0, ccfs1, min_rate]) = r.array::<5>() else {
            return (Some(op), Some(IssueKind::Malformed));
        };
        op.six_ghz = Some(He6GhzOperation {
            primary_channel,
            control,
            channel_width: control & 0b11,
            duplicate_beacon: control & 0b100 != 0,
            regulatory_info: (control >> 3) & 0b111,
            ccfs0,
            ccfs1,
            min_rate,
        });
    }
    ok(op)
}

// ------------------------------------------- EHT Capabilities (ext 108)

/// EHT Capabilities element (presence and a few bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EhtCapabilities {
    pub mac_cap: u16,
    pub phy_cap: [u8; 9],
}

impl EhtCapabilities {
    /// Support for 320 MHz in 6 GHz (PHY capabilities bit 1).
    pub fn supports_320mhz(&self) -> bool {
        self.phy_cap[0] & 0b10 != 0
    }
}

/// MAC (2) + PHY (9); the MCS/NSS set and PPE thresholds are not decoded.
const EHT_CAP_LEN: usize = 11;

pub(crate) fn eht_capabilities(body: &[u8]) -> Decoded<EhtCapabilities> {
    let mut r = Reader::new(body);
    match (r.u16_le(), r.array::<9>()) {
        (Some(mac_cap), Some(phy_cap)) if body.len() >= EHT_CAP_LEN => {
            ok(EhtCapabilities { mac_cap, phy_cap })
        }
        _ => too_short(),
    }
}

// ---------------------------------------------- EHT Operation (ext 106)

/// EHT Operation Parameters bit 0: EHT Operation Information present.
pub const EHT_OP_INFO_PRESENT: u8 = 1 << 0;
/// EHT Operation Parameters bit 1: Disabled Subchannel Bitmap present.
pub const EHT_OP_DISABLED_SUBCHANNEL_BITMAP_PRESENT: u8 = 1 << 1;

/// EHT Operation Information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EhtOperationInfo {
    pub control: u8,
    /// Control bits 0-2: 0 = 20, 1 = 40, 2 = 80, 3 = 160, 4 = 320 MHz.
    pub channel_width: u8,
    pub ccfs0: u8,
    pub ccfs1: u8,
    /// Punctured 20 MHz subchannels (bit 0 = lowest).
    pub disabled_subchannel_bitmap: Option<u16>,
}

/// EHT Operation element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EhtOperation {
    pub params: u8,
    pub basic_mcs_nss: [u8; 4],
    pub info: Option<EhtOperationInfo>,
}

/// Parameters (1) + basic EHT-MCS and NSS set (4).
const EHT_OP_LEN: usize = 5;

pub(crate) fn eht_operation(body: &[u8]) -> Decoded<EhtOperation> {
    if body.len() < EHT_OP_LEN {
        return too_short();
    }
    let mut r = Reader::new(body);
    let (Some(params), Some(basic_mcs_nss)) = (r.u8(), r.array::<4>()) else {
        return too_short();
    };
    let mut op = EhtOperation {
        params,
        basic_mcs_nss,
        info: None,
    };
    if params & EHT_OP_INFO_PRESENT != 0 {
        let Some([control, ccfs0, ccfs1]) = r.array::<3>() else {
            return (Some(op), Some(IssueKind::Malformed));
        };
        let mut info = EhtOperationInfo {
            control,
            channel_width: control & 0b111,
            ccfs0,
            ccfs1,
            disabled_subchannel_bitmap: None,
        };
        let mut issue = None;
        if params & EHT_OP_DISABLED_SUBCHANNEL_BITMAP_PRESENT != 0 {
            match r.u16_le() {
                Some(bitmap) => info.disabled_subchannel_bitmap = Some(bitmap),
                None => issue = Some(IssueKind::Malformed),
            }
        }
        op.info = Some(info);
        return (Some(op), issue);
    }
    ok(op)
}

// ------------------------------------------------------------ RSNX (244)

/// RSN Extension element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rsnx {
    /// SAE hash-to-element (bit 5 of the first octet).
    pub sae_h2e: bool,
    /// SAE-PK (bit 6).
    pub sae_pk: bool,
    /// Protected TWT (bit 4).
    pub protected_twt: bool,
    /// The raw capability octets.
    pub raw: Vec<u8>,
}

pub(crate) fn rsnx(body: &[u8]) -> Decoded<Rsnx> {
    let Some(&first) = body.first() else {
        return too_short();
    };
    ok(Rsnx {
        sae_h2e: first & (1 << 5) != 0,
        sae_pk: first & (1 << 6) != 0,
        protected_twt: first & (1 << 4) != 0,
        raw: body.to_vec(),
    })
}

// ------------------------------------------------- Mobility Domain (54)

/// Mobility Domain element (802.11r).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MobilityDomain {
    /// Mobility Domain Identifier.
    pub mdid: u16,
    /// Fast BSS Transition over DS (FT capability and policy bit 0).
    pub ft_over_ds: bool,
    /// Resource Request Protocol capability (bit 1).
    pub resource_request: bool,
}

pub(crate) fn mobility_domain(body: &[u8]) -> Decoded<MobilityDomain> {
    let mut r = Reader::new(body);
    match (r.u16_le(), r.u8()) {
        (Some(mdid), Some(policy)) => ok(MobilityDomain {
            mdid,
            ft_over_ds: policy & 0b1 != 0,
            resource_request: policy & 0b10 != 0,
        }),
        _ => too_short(),
    }
}

// ---------------------------------------- RM Enabled Capabilities (70)

const RM_CAP_LEN: usize = 5;

/// Returns whether Neighbor Report is enabled (bit 1 of the first octet).
pub(crate) fn rm_neighbor_report(body: &[u8]) -> Decoded<bool> {
    match body.first() {
        Some(&b) if body.len() >= RM_CAP_LEN => ok(b & 0b10 != 0),
        _ => too_short(),
    }
}

// ------------------------------------------ Extended Capabilities (127)

/// Extended Capabilities element: a little-endian bit field of any length.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtendedCapabilities(pub Vec<u8>);

impl ExtendedCapabilities {
    /// Bit `n` (bits past the end of the field are 0).
    pub fn bit(&self, n: usize) -> bool {
        self.0.get(n / 8).is_some_and(|b| b & (1 << (n % 8)) != 0)
    }

    /// BSS Transition (bit 19, 802.11v).
    pub fn bss_transition(&self) -> bool {
        self.bit(19)
    }
}

pub(crate) fn extended_capabilities(body: &[u8]) -> Decoded<ExtendedCapabilities> {
    if body.is_empty() {
        return too_short();
    }
    ok(ExtendedCapabilities(body.to_vec()))
}

// ------------------------------------------- Multiple BSSID-Index (85)

/// Multiple BSSID-Index element (inside a nontransmitted BSSID profile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MultipleBssidIndex {
    /// The BSSID index *i* of the formula in 9.4.2.45.
    pub index: u8,
    /// DTIM Period and Count: present in beacons, absent in probe responses.
    pub dtim_period: Option<u8>,
    pub dtim_count: Option<u8>,
}

pub(crate) fn multiple_bssid_index(body: &[u8]) -> Decoded<MultipleBssidIndex> {
    let mut r = Reader::new(body);
    let Some(index) = r.u8() else {
        return too_short();
    };
    let (dtim_period, dtim_count) = match r.array::<2>() {
        Some([p, c]) => (Some(p), Some(c)),
        None => (None, None),
    };
    ok(MultipleBssidIndex {
        index,
        dtim_period,
        dtim_count,
    })
}

// ---------------------------------------------- OWE Transition (vendor)

/// OWE Transition Mode element (WFA vendor element, type 28): points from
/// the open BSS to its hidden OWE twin and back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OweTransition {
    pub bssid: MacAddr,
    pub ssid: Ssid,
    /// Operating class and channel of the other BSS, when given.
    pub band_and_channel: Option<(u8, u8)>,
}

/// `body` is after OUI and vendor type.
pub(crate) fn owe_transition(body: &[u8]) -> Decoded<OweTransition> {
    let mut r = Reader::new(body);
    let (Some(bssid), Some(len)) = (r.array::<6>(), r.u8()) else {
        return too_short();
    };
    let Some(ssid) = r.take(usize::from(len)) else {
        return (None, Some(IssueKind::Malformed));
    };
    let band_and_channel = r.array::<2>().map(|[b, c]| (b, c));
    let issue = (ssid.len() > SSID_MAX_LEN).then_some(IssueKind::Malformed);
    (
        Some(OweTransition {
            bssid: MacAddr(bssid),
            ssid: Ssid(ssid.get(..SSID_MAX_LEN).unwrap_or(ssid).to_vec()),
            band_and_channel,
        }),
        issue,
    )
}

// ------------------------------------------------- Multiple BSSID (71)

/// A Nontransmitted BSSID Profile subelement: the elements of one hidden
/// (nontransmitted) BSS, decoded with the same lenient parser. Elements
/// the profile does not repeat are inherited from the transmitting BSS
/// (9.4.2.45); that merge is left to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NontransmittedProfile {
    pub elements: super::Elements,
}

impl NontransmittedProfile {
    pub fn ssid(&self) -> Option<&Ssid> {
        self.elements.ssid.as_ref()
    }

    /// The BSSID index from the profile's Multiple BSSID-Index element.
    pub fn bssid_index(&self) -> Option<u8> {
        self.elements.multiple_bssid_index.map(|m| m.index)
    }
}

/// Multiple BSSID element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipleBssid {
    /// MaxBSSID Indicator *n*: up to 2^n BSSIDs share the transmitter's
    /// upper 48 − n bits.
    pub max_bssid_indicator: u8,
    pub profiles: Vec<NontransmittedProfile>,
}
