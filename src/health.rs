//! Health notes: plain-language findings about one wireless link, each with
//! the threshold it was judged by, so a technician can act on it and a
//! reader can check it.
//!
//! The thresholds are the common field rules of thumb (they match what
//! enterprise Wi-Fi vendors and iwd use for "weak" and roaming decisions):
//! they are constants here, documented in `docs/json.md`, and every note
//! quotes the number it compared against.

use serde::Serialize;

/// Below this the link is weak: rate drops, roaming and drops become likely.
pub const WEAK_SIGNAL_DBM: i32 = -70;
/// Below this the link is unusable for steady traffic.
pub const UNUSABLE_SIGNAL_DBM: i32 = -80;
/// Share of transmitted frames that needed a retry above which the air is
/// congested or the link marginal.
pub const HIGH_RETRY_PCT: f64 = 10.0;
/// Share of frames that failed after all retries above which traffic is lost.
pub const HIGH_FAILED_PCT: f64 = 1.0;
/// Signal-to-noise ratio below which only low rates are reliable.
pub const LOW_SNR_DB: i32 = 20;
/// Fewer transmitted packets than this make retry percentages meaningless.
pub const MIN_PACKETS_FOR_RATES: u32 = 50;

/// How much a note matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub severity: Severity,
    /// Stable identifier for scripts (`weak_signal`, `high_retries`, ...).
    pub code: &'static str,
    /// What was seen, the threshold, and what it means for the user.
    pub message: String,
}

/// The facts about a link the notes are judged on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkFacts {
    pub connected: bool,
    /// `IF_OPER_DORMANT`: associated but not yet authorised.
    pub dormant: bool,
    pub signal_dbm: Option<i32>,
    pub snr_db: Option<i32>,
    pub tx_packets: Option<u32>,
    pub tx_retries: Option<u32>,
    pub tx_failed: Option<u32>,
    pub beacon_loss: Option<u32>,
    pub connected_time_s: Option<u32>,
    pub has_ipv4: bool,
    pub has_default_route: bool,
}

/// `part` as a percentage of `whole`, when `whole` is large enough to mean something.
pub fn rate_pct(part: Option<u32>, whole: Option<u32>) -> Option<f64> {
    let whole = whole.filter(|&w| w >= MIN_PACKETS_FOR_RATES)?;
    Some(f64::from(part?) * 100.0 / f64::from(whole))
}

/// The notes for one link, most severe first.
pub fn link_notes(f: &LinkFacts) -> Vec<Note> {
    let mut notes = Vec::new();
    let mut note = |severity, code, message: String| {
        notes.push(Note {
            severity,
            code,
            message,
        })
    };
    if !f.connected {
        note(
            Severity::Warning,
            "not_connected",
            "Not associated with any access point: this laptop has no Wi-Fi link right now.".into(),
        );
        return notes;
    }
    if f.dormant {
        note(
            Severity::Warning,
            "not_authorized",
            "Associated but the link is dormant (not yet authorised): the key exchange with the \
             access point has not completed, so no traffic passes."
                .into(),
        );
    }
    if let Some(signal) = f.signal_dbm {
        if signal < UNUSABLE_SIGNAL_DBM {
            note(
                Severity::Critical,
                "unusable_signal",
                format!(
                    "Signal {signal} dBm is below {UNUSABLE_SIGNAL_DBM} dBm: the link is unusable \
                     for steady traffic and will drop; move closer to the access point or add one."
                ),
            );
        } else if signal < WEAK_SIGNAL_DBM {
            note(
                Severity::Warning,
                "weak_signal",
                format!(
                    "Signal {signal} dBm is weak (below {WEAK_SIGNAL_DBM} dBm): expect lower \
                     speeds, roaming attempts and occasional drops."
                ),
            );
        }
    }
    if let Some(snr) = f.snr_db.filter(|&snr| snr < LOW_SNR_DB) {
        note(
            Severity::Warning,
            "low_snr",
            format!(
                "Signal-to-noise ratio {snr} dB is below {LOW_SNR_DB} dB: noise or interference \
                 limits the link to low rates."
            ),
        );
    }
    if let Some(pct) = rate_pct(f.tx_failed, f.tx_packets).filter(|&p| p > HIGH_FAILED_PCT) {
        note(
            Severity::Critical,
            "high_tx_failed",
            format!(
                "{pct:.1} % of transmitted packets were lost after all retries (above \
                 {HIGH_FAILED_PCT} %): applications see this as stalls and timeouts."
            ),
        );
    }
    if let Some(pct) = rate_pct(f.tx_retries, f.tx_packets).filter(|&p| p > HIGH_RETRY_PCT) {
        note(
            Severity::Warning,
            "high_retries",
            format!(
                "{pct:.1} % of transmitted packets needed retries (above {HIGH_RETRY_PCT} %): \
                 the channel is congested or the link is marginal."
            ),
        );
    }
    if let Some(lost) = f.beacon_loss.filter(|&n| n > 0) {
        let since = f
            .connected_time_s
            .map(|s| format!(" in {s} s connected"))
            .unwrap_or_default();
        note(
            Severity::Warning,
            "beacon_loss",
            format!(
                "{lost} beacon loss event(s){since}: the access point went unheard for a while \
                 (interference, distance or an overloaded access point); each can precede a \
                 disconnect."
            ),
        );
    }
    if !f.has_ipv4 {
        note(
            Severity::Warning,
            "no_ipv4",
            "No IPv4 address on this interface: DHCP has not answered (or is not configured), \
             so servers cannot be reached over Wi-Fi."
                .into(),
        );
    }
    if !f.has_default_route {
        note(
            Severity::Warning,
            "no_default_route",
            "No default route through this interface: traffic to servers outside the local \
             subnet will not use the Wi-Fi link."
                .into(),
        );
    }
    notes.sort_by_key(|n| std::cmp::Reverse(n.severity));
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> LinkFacts {
        LinkFacts {
            connected: true,
            signal_dbm: Some(-55),
            snr_db: Some(40),
            tx_packets: Some(1000),
            tx_retries: Some(20),
            tx_failed: Some(0),
            beacon_loss: Some(0),
            connected_time_s: Some(600),
            has_ipv4: true,
            has_default_route: true,
            ..Default::default()
        }
    }

    fn codes(facts: &LinkFacts) -> Vec<&'static str> {
        link_notes(facts).iter().map(|n| n.code).collect()
    }

    #[test]
    fn healthy_link_has_no_notes() {
        assert!(link_notes(&healthy()).is_empty());
    }

    #[test]
    fn signal_thresholds() {
        let cases = [
            (-70, vec![]),
            (-71, vec!["weak_signal"]),
            (-80, vec!["weak_signal"]),
            (-81, vec!["unusable_signal"]),
        ];
        for (signal, expected) in cases {
            let facts = LinkFacts {
                signal_dbm: Some(signal),
                ..healthy()
            };
            assert_eq!(codes(&facts), expected, "signal {signal}");
        }
    }

    #[test]
    fn notes_quote_their_threshold() {
        let facts = LinkFacts {
            signal_dbm: Some(-75),
            ..healthy()
        };
        let notes = link_notes(&facts);
        assert!(notes[0].message.contains("-75 dBm"));
        assert!(notes[0].message.contains("-70 dBm"));
    }

    #[test]
    fn retry_and_failure_rates() {
        let facts = LinkFacts {
            tx_packets: Some(1000),
            tx_retries: Some(150),
            tx_failed: Some(20),
            ..healthy()
        };
        assert_eq!(codes(&facts), ["high_tx_failed", "high_retries"]);
        let msg = &link_notes(&facts)[1].message;
        assert!(msg.starts_with("15.0 %"), "{msg}");
    }

    #[test]
    fn rates_need_enough_packets() {
        let facts = LinkFacts {
            tx_packets: Some(10),
            tx_retries: Some(9),
            tx_failed: Some(5),
            ..healthy()
        };
        assert!(codes(&facts).is_empty());
        assert_eq!(rate_pct(Some(9), Some(10)), None);
        assert_eq!(rate_pct(Some(5), Some(50)), Some(10.0));
    }

    #[test]
    fn beacon_loss_snr_and_ip() {
        let facts = LinkFacts {
            beacon_loss: Some(3),
            snr_db: Some(12),
            has_ipv4: false,
            has_default_route: false,
            ..healthy()
        };
        assert_eq!(
            codes(&facts),
            ["low_snr", "beacon_loss", "no_ipv4", "no_default_route"]
        );
    }

    #[test]
    fn disconnected_link_says_only_that() {
        let facts = LinkFacts {
            connected: false,
            ..Default::default()
        };
        assert_eq!(codes(&facts), ["not_connected"]);
    }

    #[test]
    fn severities_sort_most_severe_first() {
        let facts = LinkFacts {
            signal_dbm: Some(-85),
            dormant: true,
            ..healthy()
        };
        let notes = link_notes(&facts);
        assert_eq!(notes[0].severity, Severity::Critical);
        assert_eq!(notes[1].code, "not_authorized");
    }
}
