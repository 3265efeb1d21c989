//! Element identifiers (IEEE Std 802.11-2020 Table 9-92, amended by
//! 802.11ax/be) for the elements this module decodes.
//!
//! Elements with id [`EXTENSION`] carry their real identity in the first body
//! octet (the Element ID Extension); those are the `EXT_*` constants.

/// SSID (9.4.2.2).
pub const SSID: u8 = 0;
/// Supported Rates and BSS Membership Selectors (9.4.2.3).
pub const SUPPORTED_RATES: u8 = 1;
/// DSSS Parameter Set (9.4.2.4): the current channel.
pub const DS_PARAMETER_SET: u8 = 3;
/// Country (9.4.2.9).
pub const COUNTRY: u8 = 7;
/// BSS Load (9.4.2.27).
pub const BSS_LOAD: u8 = 11;
/// HT Capabilities (9.4.2.55).
pub const HT_CAPABILITIES: u8 = 45;
/// RSN (9.4.2.24).
pub const RSN: u8 = 48;
/// Extended Supported Rates and BSS Membership Selectors (9.4.2.12).
pub const EXTENDED_SUPPORTED_RATES: u8 = 50;
/// Mobility Domain (9.4.2.46), 802.11r fast transition.
pub const MOBILITY_DOMAIN: u8 = 54;
/// HT Operation (9.4.2.56).
pub const HT_OPERATION: u8 = 61;
/// RM Enabled Capabilities (9.4.2.44), 802.11k.
pub const RM_ENABLED_CAPABILITIES: u8 = 70;
/// Multiple BSSID (9.4.2.45).
pub const MULTIPLE_BSSID: u8 = 71;
/// Nontransmitted BSSID Capability (9.4.2.71), inside a Multiple BSSID profile.
pub const NONTRANSMITTED_BSSID_CAPABILITY: u8 = 83;
/// Multiple BSSID-Index (9.4.2.73), inside a Multiple BSSID profile.
pub const MULTIPLE_BSSID_INDEX: u8 = 85;
/// Extended Capabilities (9.4.2.26).
pub const EXTENDED_CAPABILITIES: u8 = 127;
/// VHT Capabilities (9.4.2.157).
pub const VHT_CAPABILITIES: u8 = 191;
/// VHT Operation (9.4.2.158).
pub const VHT_OPERATION: u8 = 192;
/// Vendor Specific (9.4.2.25): OUI (3 octets) then vendor content.
pub const VENDOR_SPECIFIC: u8 = 221;
/// RSN Extension (9.4.2.241).
pub const RSNX: u8 = 244;
/// Element ID Extension present: the first body octet is the extension id.
pub const EXTENSION: u8 = 255;

/// HE Capabilities (extension 35, 9.4.2.248).
pub const EXT_HE_CAPABILITIES: u8 = 35;
/// HE Operation (extension 36, 9.4.2.249).
pub const EXT_HE_OPERATION: u8 = 36;
/// EHT Operation (extension 106, 802.11be 9.4.2.311).
pub const EXT_EHT_OPERATION: u8 = 106;
/// EHT Capabilities (extension 108, 802.11be 9.4.2.313).
pub const EXT_EHT_CAPABILITIES: u8 = 108;

/// Subelement id of a Nontransmitted BSSID Profile inside Multiple BSSID.
pub const SUB_NONTRANSMITTED_PROFILE: u8 = 0;

/// Microsoft / WFA legacy OUI used by WPA (type 1) and WMM (type 2).
pub const OUI_MICROSOFT: [u8; 3] = [0x00, 0x50, 0xf2];
/// Vendor type of the WPA element under [`OUI_MICROSOFT`].
pub const VENDOR_TYPE_WPA: u8 = 1;
/// Vendor type of the WMM/WME element under [`OUI_MICROSOFT`].
pub const VENDOR_TYPE_WMM: u8 = 2;
/// Wi-Fi Alliance OUI.
pub const OUI_WFA: [u8; 3] = [0x50, 0x6f, 0x9a];
/// Vendor type of the OWE Transition Mode element under [`OUI_WFA`].
pub const VENDOR_TYPE_OWE_TRANSITION: u8 = 28;
/// IEEE 802.11 OUI of RSN cipher and AKM suites.
pub const OUI_IEEE80211: [u8; 3] = [0x00, 0x0f, 0xac];

/// BSS membership selectors (Table 9-80), carried in the rates elements with
/// the basic-rate bit set.
pub mod selector {
    /// EHT PHY required (802.11be).
    pub const EHT_PHY: u8 = 121;
    /// HE PHY required.
    pub const HE_PHY: u8 = 122;
    /// SAE hash-to-element only.
    pub const SAE_H2E_ONLY: u8 = 123;
    /// Enhanced Protocol Discovery.
    pub const EPD: u8 = 124;
    /// GLK.
    pub const GLK: u8 = 125;
    /// VHT PHY required.
    pub const VHT_PHY: u8 = 126;
    /// HT PHY required.
    pub const HT_PHY: u8 = 127;
}
