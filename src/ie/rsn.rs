//! RSN element (9.4.2.24) and the pre-standard WPA vendor element, which
//! shares its layout after the 4-octet OUI + type header.

use super::id;
use super::reader::Reader;

/// A cipher suite selector (Table 9-149).
///
/// Suites are decoded relative to the OUI of the element they came from:
/// `00-0F-AC` in RSN, `00-50-F2` in WPA. Any other suite (vendor-specific or
/// an unassigned type) is [`Cipher::Other`] with the four octets packed
/// big-endian (`OUI << 8 | type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cipher {
    /// 0: use the group cipher suite (pairwise only).
    UseGroup,
    Wep40,
    Tkip,
    /// CCMP-128 (AES).
    Ccmp,
    Wep104,
    /// BIP-CMAC-128 (group management).
    BipCmac128,
    /// Group addressed traffic not allowed.
    GroupNotAllowed,
    /// GCMP-128.
    Gcmp,
    Gcmp256,
    Ccmp256,
    BipGmac128,
    BipGmac256,
    BipCmac256,
    Other(u32),
}

impl Cipher {
    fn from_rsn_type(t: u8, raw: u32) -> Cipher {
        match t {
            0 => Cipher::UseGroup,
            1 => Cipher::Wep40,
            2 => Cipher::Tkip,
            4 => Cipher::Ccmp,
            5 => Cipher::Wep104,
            6 => Cipher::BipCmac128,
            7 => Cipher::GroupNotAllowed,
            8 => Cipher::Gcmp,
            9 => Cipher::Gcmp256,
            10 => Cipher::Ccmp256,
            11 => Cipher::BipGmac128,
            12 => Cipher::BipGmac256,
            13 => Cipher::BipCmac256,
            _ => Cipher::Other(raw),
        }
    }

    fn from_wpa_type(t: u8, raw: u32) -> Cipher {
        match t {
            0 => Cipher::UseGroup,
            1 => Cipher::Wep40,
            2 => Cipher::Tkip,
            4 => Cipher::Ccmp,
            5 => Cipher::Wep104,
            _ => Cipher::Other(raw),
        }
    }

    /// Short name as tools print it (`CCMP`, `GCMP-256`, ...).
    pub fn label(self) -> String {
        match self {
            Cipher::UseGroup => "use-group".into(),
            Cipher::Wep40 => "WEP-40".into(),
            Cipher::Tkip => "TKIP".into(),
            Cipher::Ccmp => "CCMP".into(),
            Cipher::Wep104 => "WEP-104".into(),
            Cipher::BipCmac128 => "BIP-CMAC-128".into(),
            Cipher::GroupNotAllowed => "group-not-allowed".into(),
            Cipher::Gcmp => "GCMP".into(),
            Cipher::Gcmp256 => "GCMP-256".into(),
            Cipher::Ccmp256 => "CCMP-256".into(),
            Cipher::BipGmac128 => "BIP-GMAC-128".into(),
            Cipher::BipGmac256 => "BIP-GMAC-256".into(),
            Cipher::BipCmac256 => "BIP-CMAC-256".into(),
            Cipher::Other(raw) => format_suite(raw),
        }
    }
}

/// An authentication and key management suite selector (Table 9-151).
/// Same OUI rules as [`Cipher`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Akm {
    /// 1: IEEE 802.1X (WPA2-Enterprise).
    Ieee8021x,
    /// 2: PSK.
    Psk,
    /// 3: FT over IEEE 802.1X.
    FtIeee8021x,
    /// 4: FT PSK.
    FtPsk,
    /// 5: IEEE 802.1X with SHA-256 key derivation.
    Ieee8021xSha256,
    /// 6: PSK with SHA-256 key derivation.
    PskSha256,
    /// 7: TDLS.
    Tdls,
    /// 8: SAE.
    Sae,
    /// 9: FT over SAE.
    FtSae,
    /// 10: AP PeerKey.
    ApPeerKey,
    /// 11: IEEE 802.1X Suite B (SHA-256).
    SuiteB,
    /// 12: IEEE 802.1X Suite B 192-bit (SHA-384).
    SuiteB192,
    /// 13: FT over IEEE 802.1X with SHA-384.
    FtIeee8021xSha384,
    /// 14: FILS SHA-256.
    FilsSha256,
    /// 15: FILS SHA-384.
    FilsSha384,
    /// 16: FT over FILS SHA-256.
    FtFilsSha256,
    /// 17: FT over FILS SHA-384.
    FtFilsSha384,
    /// 18: Opportunistic Wireless Encryption.
    Owe,
    /// 19: FT PSK with SHA-384.
    FtPskSha384,
    /// 20: PSK with SHA-384.
    PskSha384,
    /// 21: PASN.
    Pasn,
    /// 23: IEEE 802.1X with SHA-384.
    Ieee8021xSha384,
    /// 24: SAE with group-dependent hash (SAE-EXT-KEY).
    SaeExtKey,
    /// 25: FT over SAE-EXT-KEY.
    FtSaeExtKey,
    Other(u32),
}

impl Akm {
    fn from_rsn_type(t: u8, raw: u32) -> Akm {
        match t {
            1 => Akm::Ieee8021x,
            2 => Akm::Psk,
            3 => Akm::FtIeee8021x,
            4 => Akm::FtPsk,
            5 => Akm::Ieee8021xSha256,
            6 => Akm::PskSha256,
            7 => Akm::Tdls,
            8 => Akm::Sae,
            9 => Akm::FtSae,
            10 => Akm::ApPeerKey,
            11 => Akm::SuiteB,
            12 => Akm::SuiteB192,
            13 => Akm::FtIeee8021xSha384,
            14 => Akm::FilsSha256,
            15 => Akm::FilsSha384,
            16 => Akm::FtFilsSha256,
            17 => Akm::FtFilsSha384,
            18 => Akm::Owe,
            19 => Akm::FtPskSha384,
            20 => Akm::PskSha384,
            21 => Akm::Pasn,
            23 => Akm::Ieee8021xSha384,
            24 => Akm::SaeExtKey,
            25 => Akm::FtSaeExtKey,
            _ => Akm::Other(raw),
        }
    }

    fn from_wpa_type(t: u8, raw: u32) -> Akm {
        match t {
            1 => Akm::Ieee8021x,
            2 => Akm::Psk,
            _ => Akm::Other(raw),
        }
    }

    /// Short name (`PSK`, `SAE`, `FT-802.1X`, ...).
    pub fn label(self) -> String {
        let s = match self {
            Akm::Ieee8021x => "802.1X",
            Akm::Psk => "PSK",
            Akm::FtIeee8021x => "FT-802.1X",
            Akm::FtPsk => "FT-PSK",
            Akm::Ieee8021xSha256 => "802.1X-SHA256",
            Akm::PskSha256 => "PSK-SHA256",
            Akm::Tdls => "TDLS",
            Akm::Sae => "SAE",
            Akm::FtSae => "FT-SAE",
            Akm::ApPeerKey => "AP-PeerKey",
            Akm::SuiteB => "802.1X-SuiteB",
            Akm::SuiteB192 => "802.1X-SuiteB-192",
            Akm::FtIeee8021xSha384 => "FT-802.1X-SHA384",
            Akm::FilsSha256 => "FILS-SHA256",
            Akm::FilsSha384 => "FILS-SHA384",
            Akm::FtFilsSha256 => "FT-FILS-SHA256",
            Akm::FtFilsSha384 => "FT-FILS-SHA384",
            Akm::Owe => "OWE",
            Akm::FtPskSha384 => "FT-PSK-SHA384",
            Akm::PskSha384 => "PSK-SHA384",
            Akm::Pasn => "PASN",
            Akm::Ieee8021xSha384 => "802.1X-SHA384",
            Akm::SaeExtKey => "SAE-EXT-KEY",
            Akm::FtSaeExtKey => "FT-SAE-EXT-KEY",
            Akm::Other(raw) => return format_suite(raw),
        };
        s.to_string()
    }
}

/// `00-0f-ac:8` style rendering of an unknown suite.
fn format_suite(raw: u32) -> String {
    let [a, b, c, t] = raw.to_be_bytes();
    format!("{a:02x}-{b:02x}-{c:02x}:{t}")
}

/// Which element an [`Rsn`] came from; it fixes the suite OUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsnKind {
    /// The RSN element (48), suites under `00-0F-AC`.
    Rsn,
    /// The WPA vendor element (221, `00-50-F2` type 1), suites under `00-50-F2`.
    Wpa,
}

/// A decoded RSN (or WPA) element.
///
/// Every field after Version is optional in the standard: the element may
/// end after any complete field. A field that was not in the element is
/// `None`; [`Rsn::effective_akms`] applies the standard's default (802.1X)
/// when the AKM list is absent. When a count claims more suites than the
/// body holds, the complete suites are kept and a `Malformed` issue is
/// recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rsn {
    pub kind: RsnKind,
    pub version: u16,
    pub group_cipher: Option<Cipher>,
    pub pairwise_ciphers: Option<Vec<Cipher>>,
    pub akm_suites: Option<Vec<Akm>>,
    /// RSN Capabilities field (little-endian u16).
    pub capabilities: Option<u16>,
    pub pmkid_count: Option<u16>,
    pub group_mgmt_cipher: Option<Cipher>,
}

impl Rsn {
    /// Management Frame Protection Required (RSN Capabilities bit 7).
    pub fn mfp_required(&self) -> bool {
        self.capabilities.is_some_and(|c| c & (1 << 7) != 0)
    }

    /// Management Frame Protection Capable (RSN Capabilities bit 6).
    pub fn mfp_capable(&self) -> bool {
        self.capabilities.is_some_and(|c| c & (1 << 6) != 0)
    }

    /// The AKM suites, or the standard's default (IEEE 802.1X) when the
    /// element ended before the AKM Suite Count.
    pub fn effective_akms(&self) -> Vec<Akm> {
        match &self.akm_suites {
            Some(list) => list.clone(),
            None => vec![Akm::Ieee8021x],
        }
    }
}

/// Why an RSN body could not be fully decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RsnProblem {
    /// Shorter than the Version field: nothing decoded.
    TooShort,
    /// A count or field ran past the body: what was complete is kept.
    Malformed,
}

/// Decodes an RSN body (for WPA: the body after OUI + type).
pub(crate) fn parse_rsn(body: &[u8], kind: RsnKind) -> (Option<Rsn>, Option<RsnProblem>) {
    let mut r = Reader::new(body);
    let Some(version) = r.u16_le() else {
        return (None, Some(RsnProblem::TooShort));
    };
    let mut rsn = Rsn {
        kind,
        version,
        group_cipher: None,
        pairwise_ciphers: None,
        akm_suites: None,
        capabilities: None,
        pmkid_count: None,
        group_mgmt_cipher: None,
    };
    let problem = fill_optional(&mut r, &mut rsn, kind);
    (Some(rsn), problem)
}

/// A suite count (u16) and that many 4-octet suites: the suites read and
/// whether the list was complete; `None` when even the count is missing.
fn suite_list<T>(r: &mut Reader<'_>, decode: impl Fn([u8; 4]) -> T) -> Option<(Vec<T>, bool)> {
    let n = r.u16_le()?;
    let mut list = Vec::new();
    for _ in 0..n {
        match r.array::<4>() {
            Some(s) => list.push(decode(s)),
            None => return Some((list, false)),
        }
    }
    Some((list, true))
}

/// Reads the optional fields in order; stops at the clean end of the body
/// (`None`) or at the first incomplete field (`Some(Malformed)`).
fn fill_optional(r: &mut Reader<'_>, rsn: &mut Rsn, kind: RsnKind) -> Option<RsnProblem> {
    let bad = Some(RsnProblem::Malformed);
    let suite = |r: &mut Reader<'_>| r.array::<4>();

    if r.is_empty() {
        return None;
    }
    let Some(g) = suite(r) else { return bad };
    rsn.group_cipher = Some(cipher(g, kind));

    if r.is_empty() {
        return None;
    }
    let Some((list, complete)) = suite_list(r, |s| cipher(s, kind)) else {
        return bad;
    };
    rsn.pairwise_ciphers = Some(list);
    if !complete {
        return bad;
    }

    if r.is_empty() {
        return None;
    }
    let Some((list, complete)) = suite_list(r, |s| akm(s, kind)) else {
        return bad;
    };
    rsn.akm_suites = Some(list);
    if !complete {
        return bad;
    }

    if r.is_empty() {
        return None;
    }
    let Some(caps) = r.u16_le() else { return bad };
    rsn.capabilities = Some(caps);

    if r.is_empty() {
        return None;
    }
    let Some(n) = r.u16_le() else { return bad };
    rsn.pmkid_count = Some(n);
    if r.skip(usize::from(n) * 16).is_none() {
        return bad;
    }

    if r.is_empty() {
        return None;
    }
    let Some(g) = suite(r) else { return bad };
    rsn.group_mgmt_cipher = Some(cipher(g, kind));
    // Anything after is future extension: ignored.
    None
}

fn split(s: [u8; 4]) -> ([u8; 3], u8, u32) {
    ([s[0], s[1], s[2]], s[3], u32::from_be_bytes(s))
}

fn cipher(s: [u8; 4], kind: RsnKind) -> Cipher {
    let (oui, t, raw) = split(s);
    match kind {
        RsnKind::Rsn if oui == id::OUI_IEEE80211 => Cipher::from_rsn_type(t, raw),
        RsnKind::Wpa if oui == id::OUI_MICROSOFT => Cipher::from_wpa_type(t, raw),
        _ => Cipher::Other(raw),
    }
}

fn akm(s: [u8; 4], kind: RsnKind) -> Akm {
    let (oui, t, raw) = split(s);
    match kind {
        RsnKind::Rsn if oui == id::OUI_IEEE80211 => Akm::from_rsn_type(t, raw),
        RsnKind::Wpa if oui == id::OUI_MICROSOFT => Akm::from_wpa_type(t, raw),
        _ => Akm::Other(raw),
    }
}
