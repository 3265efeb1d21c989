//! What the tool shows, derived from decoded [`Elements`]: pure functions.

use super::elements::{HtOperation, SecondaryChannelOffset, VhtOperation};
use super::{Akm, Elements, MultipleBssid, Rsn};
use crate::freq::{self, Band, Channel};
use crate::model::{MacAddr, Ssid};
use std::fmt;

// ================================================================ security

/// The security of a BSS as people name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    Open,
    Owe,
    OpenOweTransition,
    Wep,
    WpaPsk,
    WpaEnterprise,
    WpaWpa2Psk,
    WpaWpa2Enterprise,
    Wpa2Psk,
    Wpa2Enterprise,
    Wpa3Sae,
    /// WPA3-Personal transition mode: PSK and SAE offered together.
    Wpa2PskWpa3Sae,
    Wpa3Enterprise,
    Wpa2Wpa3Enterprise,
    /// An RSN/WPA element whose AKMs are all unrecognised (or absent).
    Unknown,
}

impl Security {
    /// The label shown in tables and JSON.
    pub fn label(self) -> &'static str {
        match self {
            Security::Open => "Open",
            Security::Owe => "OWE",
            Security::OpenOweTransition => "Open (OWE transition)",
            Security::Wep => "WEP",
            Security::WpaPsk => "WPA-PSK",
            Security::WpaEnterprise => "WPA-Enterprise",
            Security::WpaWpa2Psk => "WPA/WPA2-PSK",
            Security::WpaWpa2Enterprise => "WPA/WPA2-Enterprise",
            Security::Wpa2Psk => "WPA2-PSK",
            Security::Wpa2Enterprise => "WPA2-Enterprise",
            Security::Wpa3Sae => "WPA3-SAE",
            Security::Wpa2PskWpa3Sae => "WPA2-PSK/WPA3-SAE",
            Security::Wpa3Enterprise => "WPA3-Enterprise",
            Security::Wpa2Wpa3Enterprise => "WPA2/WPA3-Enterprise",
            Security::Unknown => "Unknown",
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The AKM families the rules below speak of.
#[derive(Default)]
struct AkmSet {
    /// SAE, FT-SAE, SAE-EXT-KEY, FT-SAE-EXT-KEY.
    sae: bool,
    /// PSK, FT-PSK, PSK-SHA256, PSK-SHA384, FT-PSK-SHA384.
    psk: bool,
    /// 802.1X, FT-802.1X and the FILS AKMs (EAP-based, WPA2 generation).
    eap: bool,
    /// 802.1X-SHA256.
    eap_sha256: bool,
    /// Suite B (11), Suite B 192 (12), FT-802.1X-SHA384 (13), 802.1X-SHA384 (23).
    eap_suite_b: bool,
    owe: bool,
}

impl AkmSet {
    fn of(akms: &[Akm]) -> Self {
        let mut s = AkmSet::default();
        for akm in akms {
            match akm {
                Akm::Sae | Akm::FtSae | Akm::SaeExtKey | Akm::FtSaeExtKey => s.sae = true,
                Akm::Psk | Akm::FtPsk | Akm::PskSha256 | Akm::PskSha384 | Akm::FtPskSha384 => {
                    s.psk = true
                }
                Akm::Ieee8021x
                | Akm::FtIeee8021x
                | Akm::FilsSha256
                | Akm::FilsSha384
                | Akm::FtFilsSha256
                | Akm::FtFilsSha384 => s.eap = true,
                Akm::Ieee8021xSha256 => s.eap_sha256 = true,
                Akm::SuiteB | Akm::SuiteB192 | Akm::FtIeee8021xSha384 | Akm::Ieee8021xSha384 => {
                    s.eap_suite_b = true
                }
                Akm::Owe => s.owe = true,
                Akm::Tdls | Akm::ApPeerKey | Akm::Pasn | Akm::Other(_) => {}
            }
        }
        s
    }
}

/// The security label of a BSS from its elements and the Privacy bit of
/// its Capability Information.
///
/// Rules, in order:
///
/// 1. No RSN and no WPA element: Privacy set → `WEP`; otherwise an OWE
///    Transition Mode element → `Open (OWE transition)`; otherwise `Open`.
/// 2. WPA element only: PSK → `WPA-PSK`; 802.1X → `WPA-Enterprise`;
///    else `Unknown`.
/// 3. RSN element (AKMs default to 802.1X when the element ends before its
///    AKM list, as the standard says), first match wins:
///    - any SAE AKM: with a PSK AKM too → `WPA2-PSK/WPA3-SAE`, else
///      `WPA3-SAE`;
///    - any PSK AKM → `WPA2-PSK`, or `WPA/WPA2-PSK` when a WPA element
///      offers PSK as well;
///    - any 802.1X-family AKM. "WPA3 part" = a Suite-B AKM (11, 12, 13, 23)
///      or 802.1X-SHA256 (5) with MFP capable; "plain" = 802.1X (1),
///      FT-802.1X (3) or FILS. Plain and a WPA3 part →
///      `WPA2/WPA3-Enterprise`; no plain and (Suite-B, or 802.1X-SHA256
///      with MFP required) → `WPA3-Enterprise`; otherwise `WPA2-Enterprise`
///      (`WPA/WPA2-Enterprise` when a WPA element offers 802.1X too);
///    - OWE (18) → `OWE`;
///    - otherwise `Unknown`.
///
///    A BSS offering both personal and enterprise AKMs is labelled by its
///    personal ones. The Privacy bit is not consulted when an RSN or WPA
///    element is present.
pub fn security(el: &Elements, privacy: bool) -> Security {
    match (&el.rsn, &el.wpa) {
        (None, None) => {
            if privacy {
                Security::Wep
            } else if el.owe_transition.is_some() {
                Security::OpenOweTransition
            } else {
                Security::Open
            }
        }
        (None, Some(wpa)) => {
            let w = AkmSet::of(&wpa.effective_akms());
            if w.psk {
                Security::WpaPsk
            } else if w.eap {
                Security::WpaEnterprise
            } else {
                Security::Unknown
            }
        }
        (Some(rsn), wpa) => rsn_security(rsn, wpa.as_ref()),
    }
}

fn rsn_security(rsn: &Rsn, wpa: Option<&Rsn>) -> Security {
    let s = AkmSet::of(&rsn.effective_akms());
    let w = wpa.map(|w| AkmSet::of(&w.effective_akms()));
    if s.sae {
        return if s.psk {
            Security::Wpa2PskWpa3Sae
        } else {
            Security::Wpa3Sae
        };
    }
    if s.psk {
        return if w.is_some_and(|w| w.psk) {
            Security::WpaWpa2Psk
        } else {
            Security::Wpa2Psk
        };
    }
    if s.eap || s.eap_sha256 || s.eap_suite_b {
        let wpa3_part = s.eap_suite_b || (s.eap_sha256 && rsn.mfp_capable());
        let wpa3_only = s.eap_suite_b || (s.eap_sha256 && rsn.mfp_required());
        return if s.eap && wpa3_part {
            Security::Wpa2Wpa3Enterprise
        } else if !s.eap && wpa3_only {
            Security::Wpa3Enterprise
        } else if w.is_some_and(|w| w.eap) {
            Security::WpaWpa2Enterprise
        } else {
            Security::Wpa2Enterprise
        };
    }
    if s.owe {
        return Security::Owe;
    }
    Security::Unknown
}

// ============================================================== generation

/// The newest 802.11 PHY a BSS announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PhyGeneration {
    B,
    A,
    G,
    N,
    Ac,
    Ax,
    Be,
    /// 60 GHz (DMG/EDMG): not decoded further.
    Ad,
}

impl PhyGeneration {
    /// `"b"`, `"a"`, `"g"`, `"n"`, `"ac"`, `"ax"`, `"be"`, `"ad"`.
    pub fn label(self) -> &'static str {
        match self {
            PhyGeneration::B => "b",
            PhyGeneration::A => "a",
            PhyGeneration::G => "g",
            PhyGeneration::N => "n",
            PhyGeneration::Ac => "ac",
            PhyGeneration::Ax => "ax",
            PhyGeneration::Be => "be",
            PhyGeneration::Ad => "ad",
        }
    }
}

impl fmt::Display for PhyGeneration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The PHY generation of a BSS on `band`.
///
/// EHT Capabilities or Operation → `be`; HE → `ax`; VHT (capabilities or
/// operation) outside 2.4 GHz → `ac` (VHT elements in 2.4 GHz are the
/// vendor "256-QAM" extension of HT, so they count as `n` there); HT → `n`.
/// Otherwise by band: 2.4 GHz with any OFDM rate → `g`, else `b` (also
/// when there are no rates); 5 GHz → `a`; 6 GHz → `ax` (6 GHz requires HE
/// at least); 60 GHz → `ad`.
pub fn generation(el: &Elements, band: Band) -> PhyGeneration {
    if band == Band::Ghz60 {
        return PhyGeneration::Ad;
    }
    if el.eht_capabilities.is_some() || el.eht_operation.is_some() {
        return PhyGeneration::Be;
    }
    if band == Band::Ghz6 || el.he_capabilities.is_some() || el.he_operation.is_some() {
        return PhyGeneration::Ax;
    }
    let vht = el.vht_capabilities.is_some() || el.vht_operation.is_some();
    if vht && band != Band::Ghz2_4 {
        return PhyGeneration::Ac;
    }
    if vht || el.ht_capabilities.is_some() || el.ht_operation.is_some() {
        return PhyGeneration::N;
    }
    match band {
        Band::Ghz2_4 if el.rates.iter().any(|r| r.is_ofdm()) => PhyGeneration::G,
        Band::Ghz2_4 => PhyGeneration::B,
        _ => PhyGeneration::A,
    }
}

// ======================================================= operating channel

/// Which element the operating channel was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelSource {
    /// EHT Operation Information (EHT Operation element).
    Eht,
    /// 6 GHz Operation Information (HE Operation element).
    He6Ghz,
    /// VHT Operation element.
    Vht,
    /// VHT Operation Information inside the HE Operation element.
    HeVht,
    /// HT Operation element.
    Ht,
    /// Nothing usable: 20 MHz at the primary frequency.
    Primary,
}

/// The whole channel a BSS operates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperatingChannel {
    pub width_mhz: u32,
    /// Centre of the whole channel (for 80+80: of the primary segment).
    pub center_freq_mhz: u32,
    /// 80+80 MHz: centre of the second 80 MHz segment.
    pub center_freq2_mhz: Option<u32>,
    pub source: ChannelSource,
}

/// The operating channel of a BSS whose primary 20 MHz channel is at
/// `primary_freq_mhz`.
///
/// Sources, first consistent one wins:
/// 1. EHT Operation Information (5 and 6 GHz): 20/40/80/160/320 MHz.
/// 2. HE 6 GHz Operation Information (6 GHz): 20/40/80/160/80+80 MHz.
/// 3. VHT Operation (5 GHz), or, without that element, the VHT Operation
///    Information inside HE Operation. Width 0 defers to HT.
/// 4. HT Operation (2.4 and 5 GHz): secondary channel Above → 40 MHz centred
///    at primary + 10 MHz, Below → primary − 10 MHz. The 40 MHz claim also
///    needs the STA Channel Width bit ("any width"): the standard defines
///    0 there as "20 MHz channel width", which an AP uses when it has
///    fallen back to 20 MHz (20/40 coexistence) while keeping its
///    secondary channel offset. The element's primary channel must be the
///    primary's channel number.
/// 5. 20 MHz centred on the primary.
///
/// Centre-segment convention (VHT width 1, HE 6 GHz, EHT): 20/40/80 MHz are
/// centred on CCFS0. 160 MHz: when CCFS1 is non-zero it is the 160 MHz
/// centre and |CCFS1 − CCFS0| must be 8 (CCFS0 being the primary 80 MHz);
/// a CCFS1 more than 16 channels from CCFS0 means 80+80 (not for EHT);
/// CCFS1 = 0 means the 160 MHz centre is CCFS0. 320 MHz: centre CCFS1 when
/// non-zero (|CCFS1 − CCFS0| must be 16), else CCFS0. VHT width 1 with
/// CCFS1 = 0 is 80 MHz, unless the HT Operation's CCFS2 (extended NSS
/// bandwidth) gives the 160/80+80 centre. VHT width 2 is 160 MHz centred on
/// CCFS0, width 3 is 80+80 with segments CCFS0 and CCFS1.
///
/// Consistency: every centre must be a centre of that width on the band's
/// channel raster (5 GHz: the 802.11 channel lists, e.g. 42/58/.../171 for
/// 80 MHz, 50/114/163 for 160 MHz, no 320 MHz; 6 GHz: channel number ≡ 3
/// mod 8, 7 mod 16, 15 mod 32, 31 mod 32 for 40/80/160/320 MHz; 2.4 GHz:
/// 20/40 MHz only), every 20 MHz subchannel of the block must be a real
/// channel of the band, and the primary must be one of those subchannels
/// (for 80+80: of the first segment). The HE 6 GHz primary channel field
/// must match the primary. A claim that fails falls through to the next source.
/// A primary that is not a known channel centre gives 20 MHz at the
/// primary.
pub fn operating_channel(el: &Elements, primary_freq_mhz: u32) -> OperatingChannel {
    let primary20 = OperatingChannel {
        width_mhz: 20,
        center_freq_mhz: primary_freq_mhz,
        center_freq2_mhz: None,
        source: ChannelSource::Primary,
    };
    let Some(primary) = freq::channel_of(primary_freq_mhz) else {
        return primary20;
    };
    let ctx = Ctx {
        band: primary.band,
        primary: primary_freq_mhz,
        primary_number: primary.number,
    };
    let high_band = matches!(ctx.band, Band::Ghz5 | Band::Ghz6);

    let eht = || {
        let info = el.eht_operation?.info?;
        let width = match info.channel_width {
            0 => 20,
            1 => 40,
            2 => 80,
            3 => 160,
            4 => 320,
            _ => return None,
        };
        ctx.segments(width, info.ccfs0, info.ccfs1, false, ChannelSource::Eht)
    };
    let he6 = || {
        let info = el.he_operation?.six_ghz?;
        if u16::from(info.primary_channel) != ctx.primary_number {
            return None;
        }
        let width = [20, 40, 80, 160][usize::from(info.channel_width & 0b11)];
        ctx.segments(width, info.ccfs0, info.ccfs1, true, ChannelSource::He6Ghz)
    };
    let vht = || {
        let (op, source) = match (
            el.vht_operation,
            el.he_operation.and_then(|h| h.vht_operation),
        ) {
            (Some(op), _) => (op, ChannelSource::Vht),
            (None, Some(op)) => (op, ChannelSource::HeVht),
            (None, None) => return None,
        };
        ctx.vht(op, el.ht_operation.map_or(0, |h| h.ccfs2), source)
    };
    let ht = || ctx.ht(el.ht_operation?);

    let mut found = None;
    if high_band {
        found = found.or_else(eht);
    }
    if ctx.band == Band::Ghz6 {
        found = found.or_else(he6);
    }
    if ctx.band == Band::Ghz5 {
        found = found.or_else(vht);
    }
    if matches!(ctx.band, Band::Ghz2_4 | Band::Ghz5) {
        found = found.or_else(ht);
    }
    found.unwrap_or(primary20)
}

/// The primary channel, for the consistency checks.
struct Ctx {
    band: Band,
    primary: u32,
    primary_number: u16,
}

impl Ctx {
    /// Centre frequency of channel `number` in the primary's band.
    fn freq(&self, number: u8) -> Option<u32> {
        freq::freq_of(Channel {
            band: self.band,
            number: u16::from(number),
        })
    }

    /// Whether the primary 20 MHz channel is one of the 20 MHz subchannels
    /// of a `width` MHz block centred at `center`.
    fn holds_primary(&self, center: u32, width: u32) -> bool {
        if width == 20 {
            return center == self.primary;
        }
        let half = width / 2;
        let d = self.primary.abs_diff(center);
        d < half && (half - d) % 20 == 10
    }

    /// Whether `width` MHz centred at `center` is a channel of the band's
    /// raster whose 20 MHz subchannels are all real channels.
    fn on_raster(&self, center: u32, width: u32) -> bool {
        let Some(ch) = freq::channel_of(center).filter(|c| c.band == self.band) else {
            return false;
        };
        let n = ch.number;
        let raster = match (self.band, width) {
            (_, 20) => true,
            (Band::Ghz2_4, 40) => true,
            (Band::Ghz5, 40) => [
                38, 46, 54, 62, 102, 110, 118, 126, 134, 142, 151, 159, 167, 175,
            ]
            .contains(&n),
            (Band::Ghz5, 80) => [42, 58, 106, 122, 138, 155, 171].contains(&n),
            (Band::Ghz5, 160) => [50, 114, 163].contains(&n),
            (Band::Ghz6, 40) => n % 8 == 3,
            (Band::Ghz6, 80) => n % 16 == 7,
            (Band::Ghz6, 160) => n % 32 == 15,
            // Both 320 MHz channelizations (320-1 and 320-2).
            (Band::Ghz6, 320) => n % 32 == 31,
            _ => false,
        };
        let lowest = (center + 10).checked_sub(width / 2);
        raster
            && lowest.is_some_and(|low| {
                (0..width / 20)
                    .all(|k| freq::channel_of(low + 20 * k).is_some_and(|c| c.band == self.band))
            })
    }

    /// A contiguous block of `width` centred on channel `center`.
    fn block(&self, width: u32, center: u8, source: ChannelSource) -> Option<OperatingChannel> {
        let c = self.freq(center)?;
        (self.on_raster(c, width) && self.holds_primary(c, width)).then_some(OperatingChannel {
            width_mhz: width,
            center_freq_mhz: c,
            center_freq2_mhz: None,
            source,
        })
    }

    /// 80+80: primary segment at `seg0`, the other at `seg1`, apart.
    fn eighty_plus_eighty(
        &self,
        seg0: u8,
        seg1: u8,
        source: ChannelSource,
    ) -> Option<OperatingChannel> {
        if seg0.abs_diff(seg1) <= 16 {
            return None;
        }
        let first = self.block(80, seg0, source)?;
        let second = self.freq(seg1).filter(|&f| self.on_raster(f, 80))?;
        Some(OperatingChannel {
            width_mhz: 160,
            center_freq2_mhz: Some(second),
            ..first
        })
    }

    /// The CCFS0/CCFS1 convention of VHT (width 1), HE 6 GHz and EHT.
    fn segments(
        &self,
        width: u32,
        ccfs0: u8,
        ccfs1: u8,
        allow_80p80: bool,
        source: ChannelSource,
    ) -> Option<OperatingChannel> {
        match width {
            160 if ccfs1 != 0 => {
                let d = ccfs0.abs_diff(ccfs1);
                if d == 8 {
                    self.block(80, ccfs0, source)?;
                    self.block(160, ccfs1, source)
                } else if allow_80p80 {
                    self.eighty_plus_eighty(ccfs0, ccfs1, source)
                } else {
                    None
                }
            }
            320 if ccfs1 != 0 => {
                if ccfs0.abs_diff(ccfs1) != 16 {
                    return None;
                }
                self.block(160, ccfs0, source)?;
                self.block(320, ccfs1, source)
            }
            _ => self.block(width, ccfs0, source),
        }
    }

    fn vht(
        &self,
        op: VhtOperation,
        ht_ccfs2: u8,
        source: ChannelSource,
    ) -> Option<OperatingChannel> {
        match op.channel_width {
            1 if op.ccfs1 != 0 => self.segments(160, op.ccfs0, op.ccfs1, true, source),
            1 => (ht_ccfs2 != 0)
                .then(|| self.segments(160, op.ccfs0, ht_ccfs2, true, source))
                .flatten()
                .or_else(|| self.block(80, op.ccfs0, source)),
            2 => self.block(160, op.ccfs0, source),
            3 => self.eighty_plus_eighty(op.ccfs0, op.ccfs1, source),
            _ => None,
        }
    }

    fn ht(&self, op: HtOperation) -> Option<OperatingChannel> {
        if u16::from(op.primary_channel) != self.primary_number || !op.any_width {
            return None;
        }
        let center = match op.secondary_offset {
            SecondaryChannelOffset::Above => self.primary + 10,
            SecondaryChannelOffset::Below => self.primary.checked_sub(10)?,
            SecondaryChannelOffset::None | SecondaryChannelOffset::Reserved => return None,
        };
        (self.on_raster(center, 40) && self.holds_primary(center, 40)).then_some(OperatingChannel {
            width_mhz: 40,
            center_freq_mhz: center,
            center_freq2_mhz: None,
            source: ChannelSource::Ht,
        })
    }
}

// ======================================================== multiple BSSID

/// The BSSIDs (and SSIDs) of the nontransmitted BSSs of a Multiple BSSID
/// element sent by `transmitter`.
///
/// 802.11 9.4.2.45: BSSID(i) is the transmitted BSSID with its n least
/// significant bits replaced by ((those bits) + i) mod 2^n, n being the
/// MaxBSSID Indicator and i the profile's Multiple BSSID-Index. Profiles
/// without an index, or with i = 0 or i ≥ 2^n, are skipped; so is the
/// whole element when n is not 1..=8 (the index is one octet).
pub fn nontransmitted_bssids(
    transmitter: MacAddr,
    mbssid: &MultipleBssid,
) -> Vec<(MacAddr, Option<Ssid>)> {
    let n = u32::from(mbssid.max_bssid_indicator);
    if !(1..=8).contains(&n) {
        return Vec::new();
    }
    let modulus = 1u64 << n;
    let mask = modulus - 1;
    let mut wide = [0u8; 8];
    wide[2..].copy_from_slice(&transmitter.0);
    let base = u64::from_be_bytes(wide);
    mbssid
        .profiles
        .iter()
        .filter_map(|p| {
            let i = u64::from(p.bssid_index()?);
            if i == 0 || i >= modulus {
                return None;
            }
            let value = (base & !mask) | (((base & mask) + i) & mask);
            let bytes = value.to_be_bytes();
            let mut mac = [0u8; 6];
            mac.copy_from_slice(&bytes[2..]);
            Some((MacAddr(mac), p.ssid().cloned()))
        })
        .collect()
}
