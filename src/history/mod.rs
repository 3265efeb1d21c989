//! `wifidiag history`: what happened before anyone was watching.
//!
//! The kernel, `wpa_supplicant`, NetworkManager and iwd already log every
//! disconnect, reason code, roam, rejection and connectivity change to the
//! journal (or syslog). `history` reads those lines back and rebuilds the
//! timeline `watch` would have recorded, then episodes with a verdict where
//! the evidence allows it.
//!
//! Like `watch`, a pure core with I/O at the edge:
//! - [`parse`] (pure): one log message, with who wrote it, to at most one
//!   [`Fact`]. Each program's wording has its own submodule.
//! - `source` (edge): `journalctl -o json` run with an argument vector, the
//!   syslog files, the kernel ring buffer; yields [`LogLine`]s.
//! - `timeline` (pure): facts in time order to events (the same event told
//!   by the kernel and by the supplicant is one), episodes and counts.

pub mod parse;
pub mod period;
pub mod source;
pub mod timeline;

use crate::model::MacAddr;
use crate::watch::event::Initiator;

/// The program that wrote a log line, as the journal names it
/// (`SYSLOG_IDENTIFIER`, or `_TRANSPORT=kernel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    Kernel,
    WpaSupplicant,
    NetworkManager,
    Iwd,
}

impl Origin {
    /// The journal's `SYSLOG_IDENTIFIER` of the program (`None` for the
    /// kernel, which is matched by `_TRANSPORT=kernel`).
    pub fn syslog_identifier(self) -> Option<&'static str> {
        match self {
            Origin::Kernel => None,
            Origin::WpaSupplicant => Some("wpa_supplicant"),
            Origin::NetworkManager => Some("NetworkManager"),
            Origin::Iwd => Some("iwd"),
        }
    }

    /// The origin of a syslog identifier, if it is one `history` reads.
    pub fn from_identifier(id: &str) -> Option<Origin> {
        match id {
            "kernel" => Some(Origin::Kernel),
            "wpa_supplicant" => Some(Origin::WpaSupplicant),
            "NetworkManager" => Some(Origin::NetworkManager),
            "iwd" => Some(Origin::Iwd),
            _ => None,
        }
    }

    /// Short name for tables and JSON.
    pub fn label(self) -> &'static str {
        match self {
            Origin::Kernel => "kernel",
            Origin::WpaSupplicant => "wpa_supplicant",
            Origin::NetworkManager => "NetworkManager",
            Origin::Iwd => "iwd",
        }
    }
}

/// One log line from any source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLine<'a> {
    /// Wall-clock time, microseconds since the Unix epoch (the journal's
    /// `__REALTIME_TIMESTAMP`).
    pub usec: u64,
    pub origin: Origin,
    /// The message as the program wrote it (the journal's `MESSAGE`),
    /// without syslog prefixes.
    pub message: &'a str,
}

/// What one log line says, in the timeline's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The wireless interface the line is about, when it names one.
    pub iface: Option<String>,
    pub kind: FactKind,
}

/// NetworkManager's view of reaching the internet (its connectivity check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connectivity {
    /// No network connection at all.
    None,
    /// Connected, but the check failed (no internet, or the server down).
    Limited,
    /// A captive portal answered the check.
    Portal,
    Full,
    Unknown,
}

/// Every kind of fact the parsers recognise.
#[derive(Debug, Clone, PartialEq)]
pub enum FactKind {
    /// An attempt to join an access point began (kernel `authenticate
    /// with`, wpa_supplicant `Trying to associate with`, iwd connecting).
    Connecting { bssid: Option<MacAddr> },
    /// Associated and (for a protected network) keys in place.
    Connected {
        bssid: Option<MacAddr>,
        ssid: Option<String>,
    },
    /// The connection ended (wpa_supplicant `CTRL-EVENT-DISCONNECTED`, iwd
    /// disconnect). `by` is `Local` for `locally_generated=1`.
    Disconnected {
        bssid: Option<MacAddr>,
        reason: Option<u16>,
        by: Option<Initiator>,
    },
    /// A deauthentication frame: received from the AP (`by: Ap`) or sent by
    /// this laptop (`by: Local`, "deauthenticating ... by local choice").
    Deauth {
        bssid: Option<MacAddr>,
        reason: u16,
        by: Initiator,
    },
    /// A disassociation frame, like [`FactKind::Deauth`].
    Disassoc {
        bssid: Option<MacAddr>,
        reason: u16,
        by: Initiator,
    },
    /// The AP stopped being heard (kernel "Connection to AP ... lost",
    /// `CTRL-EVENT-BEACON-LOSS`, "No probe response from AP", "No ack for
    /// nullfunc frame").
    BeaconLoss { bssid: Option<MacAddr> },
    /// A signal report (`CTRL-EVENT-SIGNAL-CHANGE above=0|1 signal=N`):
    /// `below_threshold` is `Some(true)` for a low-signal alarm.
    Signal {
        dbm: i32,
        below_threshold: Option<bool>,
    },
    /// The AP refused authentication (status code).
    AuthRejected { bssid: Option<MacAddr>, status: u16 },
    /// The AP refused association (status code).
    AssocRejected { bssid: Option<MacAddr>, status: u16 },
    /// The 4-way handshake failed in the way a wrong passphrase does
    /// ("pre-shared key may be incorrect", `reason=WRONG_KEY`).
    WrongKey { ssid: Option<String> },
    /// A roam the connection manager reports itself (iwd, NetworkManager).
    Roamed {
        from: Option<MacAddr>,
        to: Option<MacAddr>,
    },
    /// No DHCP lease: request timed out or failed.
    DhcpFailed { detail: String },
    /// NetworkManager's connectivity state changed.
    Connectivity { state: Connectivity },
    /// A NetworkManager device state change (kept as evidence: it says
    /// whether the connection dropped for the user, and why).
    DeviceState {
        from: String,
        to: String,
        reason: Option<String>,
    },
    /// The wireless driver or firmware failed (firmware crash and
    /// restart, stuck queue, command timeout).
    DriverError { driver: String, detail: String },
}
