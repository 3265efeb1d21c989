//! Information elements of a BSS (beacon / probe response), decoded.
//!
//! `wifidiag scan` gets, for every BSS of an nl80211 scan dump, the raw
//! information elements: a sequence of TLVs (element id: 1 octet, length:
//! 1 octet, body). [`parse`] decodes the elements the tool uses into plain
//! types ([`Elements`]); the [`mod@derive`] functions turn those into what the
//! tool shows (security label, PHY generation, operating channel, the
//! BSSIDs of a multiple-BSSID set).
//!
//! The input is untrusted radio data. Parsing is lenient and total: it never
//! panics and never reads outside the buffer, whatever the bytes. Problems
//! are recorded in [`Elements::issues`] instead:
//!
//! - [`IssueKind::Truncated`]: an element's length runs past the end of the
//!   buffer (or only its id is left). Parsing stops there.
//! - [`IssueKind::TooShort`]: the body is shorter than the element's fixed
//!   part. The element is ignored.
//! - [`IssueKind::Duplicate`]: an element that must appear once appeared
//!   again. The first occurrence is kept, even if it was itself unusable.
//! - [`IssueKind::Malformed`]: the fixed part was there but an inner field
//!   is inconsistent (an SSID longer than 32 octets, an RSN suite count
//!   larger than the body, an announced optional field missing). What was
//!   complete is kept.
//!
//! Octets after the fields a decoder knows are accepted silently: the
//! standard lets elements grow at the end. Unknown elements are skipped;
//! every complete element is listed in [`Elements::ids`].
//!
//! Field layouts follow IEEE Std 802.11-2020 (clause 9.4.2) with the
//! 802.11ax (HE) and 802.11be (EHT) amendments; bit positions of HE/EHT
//! Operation were checked against hostapd's `HE_OPERATION_*` / `EHT_OPER_*`.

pub mod derive;
pub mod elements;
pub mod id;
pub(crate) mod reader;
pub mod rsn;

#[cfg(test)]
mod tests;

pub use derive::{
    generation, nontransmitted_bssids, operating_channel, security, ChannelSource,
    OperatingChannel, PhyGeneration, Security,
};
pub use elements::{
    BssLoad, Country, CountryEnvironment, EhtCapabilities, EhtOperation, EhtOperationInfo,
    ExtendedCapabilities, He6GhzOperation, HeCapabilities, HeOperation, HtCapabilities,
    HtOperation, MobilityDomain, MultipleBssid, MultipleBssidIndex, NontransmittedProfile,
    OperatingTriplet, OweTransition, Rate, Rsnx, SecondaryChannelOffset, SubbandTriplet,
    VhtCapabilities, VhtOperation,
};
pub use rsn::{Akm, Cipher, Rsn, RsnKind};

use crate::model::Ssid;
use reader::Reader;

/// An element as it appeared: its id and, for id 255, its extension id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ElementRef {
    pub id: u8,
    pub ext_id: Option<u8>,
}

/// What was wrong with an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueKind {
    /// The length runs past the buffer; parsing stopped here.
    Truncated,
    /// The body is shorter than the element's fixed part; element ignored.
    TooShort,
    /// A once-only element appeared again; the first one is kept.
    Duplicate,
    /// An inner field is inconsistent; what was complete is kept.
    Malformed,
}

/// A problem found while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ElementIssue {
    pub id: u8,
    /// The extension id for id 255, when the body had one.
    pub ext_id: Option<u8>,
    /// Offset of the element's id octet in the buffer given to the parser
    /// (for a multiple-BSSID profile: in the profile's body).
    pub offset: usize,
    pub kind: IssueKind,
}

/// The decoded elements of one BSS. Absent elements are `None` / empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Elements {
    /// Every complete element, in order of appearance (for debugging).
    pub ids: Vec<ElementRef>,
    pub issues: Vec<ElementIssue>,
    /// SSID (0): raw octets, at most 32 (longer is `Malformed`, cut to 32).
    pub ssid: Option<Ssid>,
    /// Supported Rates (1) then Extended Supported Rates (50).
    pub rates: Vec<Rate>,
    /// BSS membership selectors from the rates elements (127 HT PHY,
    /// 126 VHT PHY, 123 SAE H2E only, 122 HE PHY, 121 EHT PHY, ...).
    pub selectors: Vec<u8>,
    /// DSSS Parameter Set (3): the channel number.
    pub ds_channel: Option<u8>,
    pub country: Option<Country>,
    pub bss_load: Option<BssLoad>,
    pub ht_capabilities: Option<HtCapabilities>,
    pub ht_operation: Option<HtOperation>,
    pub vht_capabilities: Option<VhtCapabilities>,
    pub vht_operation: Option<VhtOperation>,
    pub he_capabilities: Option<HeCapabilities>,
    pub he_operation: Option<HeOperation>,
    pub eht_capabilities: Option<EhtCapabilities>,
    pub eht_operation: Option<EhtOperation>,
    /// RSN element (48).
    pub rsn: Option<Rsn>,
    /// WPA vendor element (221, 00-50-F2 type 1).
    pub wpa: Option<Rsn>,
    pub rsnx: Option<Rsnx>,
    /// OWE Transition Mode vendor element (221, 50-6F-9A type 28).
    pub owe_transition: Option<OweTransition>,
    /// A WMM/WME vendor element (221, 00-50-F2 type 2) is present.
    pub wmm: bool,
    /// Mobility Domain (54): 802.11r fast transition.
    pub mobility_domain: Option<MobilityDomain>,
    pub extended_capabilities: Option<ExtendedCapabilities>,
    /// RM Enabled Capabilities (70) announce Neighbor Report (802.11k).
    pub rm_neighbor_report: bool,
    /// Extended Capabilities (127) announce BSS Transition (802.11v).
    pub bss_transition: bool,
    /// Multiple BSSID elements (71), decoded at the top level only.
    pub multiple_bssid: Vec<MultipleBssid>,
    /// Multiple BSSID-Index (85): found inside nontransmitted profiles.
    pub multiple_bssid_index: Option<MultipleBssidIndex>,
}

impl Elements {
    /// Shorthand: the 802.11r mobility domain identifier.
    pub fn mdid(&self) -> Option<u16> {
        self.mobility_domain.map(|m| m.mdid)
    }
}

/// Decodes a buffer of information elements. Never fails and never panics.
pub fn parse(ies: &[u8]) -> Elements {
    parse_at_depth(ies, 0)
}

/// Nesting depth below which Multiple BSSID profiles are decoded. A profile
/// (depth 1) never legitimately holds another Multiple BSSID element, so
/// any found there is listed in `ids` but not descended into.
const MAX_DEPTH: u8 = 1;

fn parse_at_depth(ies: &[u8], depth: u8) -> Elements {
    let mut p = Parser {
        el: Elements::default(),
        seen: [false; 256],
        seen_ext: [false; 256],
        seen_wpa: false,
        seen_owe: false,
        depth,
        current: ElementRef {
            id: 0,
            ext_id: None,
        },
        offset: 0,
    };
    let mut pos = 0usize;
    while let Some(&id) = ies.get(pos) {
        let header_end = pos.saturating_add(2);
        let body = ies
            .get(pos + 1)
            .and_then(|&len| ies.get(header_end..header_end + usize::from(len)));
        let Some(body) = body else {
            let ext_id = if id == id::EXTENSION {
                ies.get(header_end).copied()
            } else {
                None
            };
            p.el.issues.push(ElementIssue {
                id,
                ext_id,
                offset: pos,
                kind: IssueKind::Truncated,
            });
            break;
        };
        p.offset = pos;
        p.element(id, body);
        pos = header_end + body.len();
    }
    p.el
}

struct Parser {
    el: Elements,
    seen: [bool; 256],
    seen_ext: [bool; 256],
    seen_wpa: bool,
    seen_owe: bool,
    depth: u8,
    current: ElementRef,
    offset: usize,
}

/// Elements decoded here that the standard allows once per frame.
fn once_only(id: u8) -> bool {
    use id::*;
    matches!(
        id,
        SSID | SUPPORTED_RATES
            | DS_PARAMETER_SET
            | COUNTRY
            | BSS_LOAD
            | HT_CAPABILITIES
            | RSN
            | EXTENDED_SUPPORTED_RATES
            | MOBILITY_DOMAIN
            | HT_OPERATION
            | RM_ENABLED_CAPABILITIES
            | MULTIPLE_BSSID_INDEX
            | EXTENDED_CAPABILITIES
            | VHT_CAPABILITIES
            | VHT_OPERATION
            | RSNX
    )
}

fn once_only_ext(ext_id: u8) -> bool {
    use id::*;
    matches!(
        ext_id,
        EXT_HE_CAPABILITIES | EXT_HE_OPERATION | EXT_EHT_OPERATION | EXT_EHT_CAPABILITIES
    )
}

impl Parser {
    fn note(&mut self, kind: Option<IssueKind>) {
        if let Some(kind) = kind {
            self.el.issues.push(ElementIssue {
                id: self.current.id,
                ext_id: self.current.ext_id,
                offset: self.offset,
                kind,
            });
        }
    }

    /// Stores a decoded value and notes its issue.
    fn put<T>(
        &mut self,
        (value, issue): elements::Decoded<T>,
        slot: fn(&mut Elements) -> &mut Option<T>,
    ) {
        if let Some(v) = value {
            *slot(&mut self.el) = Some(v);
        }
        self.note(issue);
    }

    fn element(&mut self, id: u8, body: &[u8]) {
        let ext_id = if id == id::EXTENSION {
            body.first().copied()
        } else {
            None
        };
        self.current = ElementRef { id, ext_id };
        self.el.ids.push(self.current);

        if id == id::EXTENSION {
            match body.split_first() {
                Some((&ext, rest)) => self.extension(ext, rest),
                None => self.note(Some(IssueKind::TooShort)),
            }
            return;
        }
        if once_only(id) {
            if self.seen[usize::from(id)] {
                self.note(Some(IssueKind::Duplicate));
                return;
            }
            self.seen[usize::from(id)] = true;
        }
        match id {
            id::SSID => self.put(elements::ssid(body), |e| &mut e.ssid),
            id::SUPPORTED_RATES | id::EXTENDED_SUPPORTED_RATES => {
                let issue = elements::rates(body, &mut self.el.rates, &mut self.el.selectors);
                self.note(issue);
            }
            id::DS_PARAMETER_SET => self.put(elements::ds_channel(body), |e| &mut e.ds_channel),
            id::COUNTRY => self.put(elements::country(body), |e| &mut e.country),
            id::BSS_LOAD => self.put(elements::bss_load(body), |e| &mut e.bss_load),
            id::HT_CAPABILITIES => {
                self.put(elements::ht_capabilities(body), |e| &mut e.ht_capabilities)
            }
            id::HT_OPERATION => self.put(elements::ht_operation(body), |e| &mut e.ht_operation),
            id::VHT_CAPABILITIES => self.put(elements::vht_capabilities(body), |e| {
                &mut e.vht_capabilities
            }),
            id::VHT_OPERATION => self.put(elements::vht_operation(body), |e| &mut e.vht_operation),
            id::RSN => {
                let (rsn, problem) = rsn::parse_rsn(body, RsnKind::Rsn);
                self.put((rsn, problem.map(rsn_issue)), |e| &mut e.rsn);
            }
            id::RSNX => self.put(elements::rsnx(body), |e| &mut e.rsnx),
            id::MOBILITY_DOMAIN => {
                self.put(elements::mobility_domain(body), |e| &mut e.mobility_domain)
            }
            id::RM_ENABLED_CAPABILITIES => {
                let (v, issue) = elements::rm_neighbor_report(body);
                self.el.rm_neighbor_report = v.unwrap_or(false);
                self.note(issue);
            }
            id::EXTENDED_CAPABILITIES => {
                let (v, issue) = elements::extended_capabilities(body);
                self.el.bss_transition = v.as_ref().is_some_and(|c| c.bss_transition());
                self.el.extended_capabilities = v;
                self.note(issue);
            }
            id::MULTIPLE_BSSID_INDEX => self.put(elements::multiple_bssid_index(body), |e| {
                &mut e.multiple_bssid_index
            }),
            id::MULTIPLE_BSSID if self.depth < MAX_DEPTH => self.multiple_bssid(body),
            id::VENDOR_SPECIFIC => self.vendor(body),
            _ => {}
        }
    }

    fn extension(&mut self, ext: u8, body: &[u8]) {
        if once_only_ext(ext) {
            if self.seen_ext[usize::from(ext)] {
                self.note(Some(IssueKind::Duplicate));
                return;
            }
            self.seen_ext[usize::from(ext)] = true;
        }
        match ext {
            id::EXT_HE_CAPABILITIES => {
                self.put(elements::he_capabilities(body), |e| &mut e.he_capabilities)
            }
            id::EXT_HE_OPERATION => self.put(elements::he_operation(body), |e| &mut e.he_operation),
            id::EXT_EHT_CAPABILITIES => self.put(elements::eht_capabilities(body), |e| {
                &mut e.eht_capabilities
            }),
            id::EXT_EHT_OPERATION => {
                self.put(elements::eht_operation(body), |e| &mut e.eht_operation)
            }
            _ => {}
        }
    }

    fn vendor(&mut self, body: &[u8]) {
        let mut r = Reader::new(body);
        let Some(oui) = r.array::<3>() else {
            self.note(Some(IssueKind::TooShort));
            return;
        };
        let Some(vtype) = r.u8() else { return };
        let rest = r.remaining();
        match (oui, vtype) {
            (id::OUI_MICROSOFT, id::VENDOR_TYPE_WPA) => {
                if std::mem::replace(&mut self.seen_wpa, true) {
                    self.note(Some(IssueKind::Duplicate));
                    return;
                }
                let (wpa, problem) = rsn::parse_rsn(rest, RsnKind::Wpa);
                self.put((wpa, problem.map(rsn_issue)), |e| &mut e.wpa);
            }
            (id::OUI_MICROSOFT, id::VENDOR_TYPE_WMM) => self.el.wmm = true,
            (id::OUI_WFA, id::VENDOR_TYPE_OWE_TRANSITION) => {
                if std::mem::replace(&mut self.seen_owe, true) {
                    self.note(Some(IssueKind::Duplicate));
                    return;
                }
                self.put(elements::owe_transition(rest), |e| &mut e.owe_transition);
            }
            _ => {}
        }
    }

    /// Multiple BSSID: MaxBSSID Indicator, then subelements (TLVs). Each
    /// Nontransmitted BSSID Profile (subelement 0) is parsed recursively;
    /// other subelements (vendor specific) are skipped. A subelement whose
    /// length runs past the element is `Malformed` and ends the element.
    fn multiple_bssid(&mut self, body: &[u8]) {
        let Some((&max_bssid_indicator, mut rest)) = body.split_first() else {
            self.note(Some(IssueKind::TooShort));
            return;
        };
        let mut mb = MultipleBssid {
            max_bssid_indicator,
            profiles: Vec::new(),
        };
        let mut issue = None;
        while let Some((&sub_id, after_id)) = rest.split_first() {
            let sub = after_id
                .split_first()
                .and_then(|(&len, tail)| tail.split_at_checked(usize::from(len)));
            let Some((sub_body, tail)) = sub else {
                issue = Some(IssueKind::Malformed);
                break;
            };
            if sub_id == id::SUB_NONTRANSMITTED_PROFILE {
                mb.profiles.push(NontransmittedProfile {
                    elements: parse_at_depth(sub_body, self.depth + 1),
                });
            }
            rest = tail;
        }
        self.el.multiple_bssid.push(mb);
        self.note(issue);
    }
}

fn rsn_issue(p: rsn::RsnProblem) -> IssueKind {
    match p {
        rsn::RsnProblem::TooShort => IssueKind::TooShort,
        rsn::RsnProblem::Malformed => IssueKind::Malformed,
    }
}
