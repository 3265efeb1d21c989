//! iwd (src/netdev.c, src/station.c; 2.3 as in the lab, and the
//! `iwd_notice` lines of 2.15 and later: `l_notice("event: " EVENT ", "
//! ...)`, src/iwd.h). iwd's lines do not name the interface.

use super::{mac_prefix, uint_exact, uint_prefix};
use crate::history::{Fact, FactKind};
use crate::watch::event::Initiator;

pub(super) fn parse(message: &str) -> Option<Fact> {
    let kind = match *message.as_bytes().first()? {
        b'R' => disconnect_event(message)?,
        b'e' => notice(message.strip_prefix("event: ")?)?,
        b'4' => handshake_failed(message)?,
        _ => return None,
    };
    Some(Fact { iface: None, kind })
}

/// netdev.c netdev_disconnect_event (2.3 and current): l_info("Received
/// Deauthentication event, reason: %hu, from_ap: %s") for nl80211's
/// disconnect event, as wpa_supplicant's CTRL-EVENT-DISCONNECTED.
fn disconnect_event(message: &str) -> Option<FactKind> {
    let after = message.strip_prefix("Received Deauthentication event, reason: ")?;
    let (reason, tail) = uint_prefix::<u16>(after)?;
    let by = match tail.strip_prefix(", from_ap: ")? {
        "true" => Initiator::Ap,
        "false" => Initiator::Local,
        _ => return None,
    };
    Some(FactKind::Disconnected {
        bssid: None,
        reason: Some(reason),
        by: Some(by),
    })
}

/// What follows `event: ` (iwd 2.15 and later).
fn notice(event: &str) -> Option<FactKind> {
    let (name, args) = event.split_once(", ")?;
    match name {
        // station.c station_disconnect_event / station_connect_cb:
        // iwd_notice(IWD_NOTICE_DISCONNECT_INFO, "reason: %u").
        "disconnect-info" => {
            let reason = uint_exact::<u16>(args.strip_prefix("reason: ")?)?;
            Some(FactKind::Disconnected {
                bssid: None,
                reason: Some(reason),
                by: None,
            })
        }
        // station.c __station_connect_network: iwd_notice(
        // IWD_NOTICE_CONNECT_INFO, "ssid: %s, bss: "MAC", signal: %d, load:
        // %d/255"). The SSID is printed raw, so the BSS is found from the
        // end.
        "connect-info" => {
            let at = args.rfind(", bss: ")?;
            let (bssid, tail) = mac_prefix(&args[at + 7..])?;
            tail.starts_with(", signal: ")
                .then_some(FactKind::Connecting { bssid: Some(bssid) })
        }
        // station.c station_enter_state: iwd_notice(IWD_NOTICE_STATE, "old:
        // %s, new: %s"), the names of station_state_to_string. Back to
        // connected from a roaming state is a roam done; from a connecting
        // state, a connection made.
        "state" => {
            let (old, new) = args.strip_prefix("old: ")?.split_once(", new: ")?;
            if new != "connected" {
                return None;
            }
            match old {
                "roaming" | "ft-roaming" | "fw-roaming" => Some(FactKind::Roamed {
                    from: None,
                    to: None,
                }),
                "connecting" | "connecting (auto)" | "connecting (netconfig)" => {
                    Some(FactKind::Connected {
                        bssid: None,
                        ssid: None,
                    })
                }
                _ => None,
            }
        }
        // station.c station_retry_with_status: iwd_notice(
        // IWD_NOTICE_CONNECT_FAILED, "status: %u") after the AP refused the
        // authentication or the association (iwd does not say which;
        // counted as the association), and station_retry_with_reason:
        // "reason: %u" after a failed handshake.
        "connect-failed" => {
            if let Some(status) = args.strip_prefix("status: ") {
                return Some(FactKind::AssocRejected {
                    bssid: None,
                    status: uint_exact(status)?,
                });
            }
            handshake_reason(uint_exact(args.strip_prefix("reason: ")?)?)
        }
        _ => None,
    }
}

/// netdev.c netdev_handshake_failed (2.3): l_error("4-Way handshake failed
/// for ifindex: %d, reason: %u"); iwd then deauthenticates with that
/// reason.
fn handshake_failed(message: &str) -> Option<FactKind> {
    let after = message.strip_prefix("4-Way handshake failed for ifindex: ")?;
    let (_, tail) = uint_prefix::<u32>(after)?;
    handshake_reason(uint_exact(tail.strip_prefix(", reason: ")?)?)
}

/// A failed handshake's reason code: 2 (PREV_AUTH_NOT_VALID) and 23
/// (IEEE8021X_FAILED) are the ones station.c station_retry_with_reason
/// takes for a wrong password, and 15 (4WAY_HANDSHAKE_TIMEOUT) is how a
/// wrong PSK shows (the AP drops message 2; wpa_supplicant's
/// could_be_psk_mismatch counts it too). Any other ends the attempt from
/// this side.
fn handshake_reason(reason: u16) -> Option<FactKind> {
    Some(match reason {
        2 | 15 | 23 => FactKind::WrongKey { ssid: None },
        _ => FactKind::Disconnected {
            bssid: None,
            reason: Some(reason),
            by: Some(Initiator::Local),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MacAddr;

    fn kind_of(message: &str) -> Option<FactKind> {
        let fact = parse(message)?;
        assert_eq!(fact.iface, None);
        Some(fact.kind)
    }

    #[test]
    fn the_disconnect_event_in_2_3_and_current_wording() {
        // netdev.c netdev_disconnect_event (2.3, as recorded in
        // tests/fixtures/journal/iwd.json; unchanged in 2.22).
        assert_eq!(
            kind_of("Received Deauthentication event, reason: 3, from_ap: true"),
            Some(FactKind::Disconnected {
                bssid: None,
                reason: Some(3),
                by: Some(Initiator::Ap)
            })
        );
        assert_eq!(
            kind_of("Received Deauthentication event, reason: 4, from_ap: false"),
            Some(FactKind::Disconnected {
                bssid: None,
                reason: Some(4),
                by: Some(Initiator::Local)
            })
        );
        assert_eq!(
            kind_of("Received Deauthentication event, reason: 4, from_ap: maybe"),
            None
        );
    }

    #[test]
    fn notices_of_2_15_and_later() {
        // station.c (iwd 2.22) iwd_notice calls.
        assert_eq!(
            kind_of("event: disconnect-info, reason: 3"),
            Some(FactKind::Disconnected {
                bssid: None,
                reason: Some(3),
                by: None
            })
        );
        assert_eq!(
            kind_of("event: connect-info, ssid: clinic, bss: 02:00:00:00:01:00, signal: -30, load: 0/255"),
            Some(FactKind::Connecting {
                bssid: Some(MacAddr([2, 0, 0, 0, 1, 0]))
            })
        );
        // An SSID that looks like the rest of the line.
        assert_eq!(
            kind_of(
                "event: connect-info, ssid: x, bss: 02:00:00:00:00:99, signal: 1, bss: 02:00:00:00:01:00, signal: -30, load: 0/255"
            ),
            Some(FactKind::Connecting {
                bssid: Some(MacAddr([2, 0, 0, 0, 1, 0]))
            })
        );
        assert_eq!(
            kind_of("event: state, old: roaming, new: connected"),
            Some(FactKind::Roamed {
                from: None,
                to: None
            })
        );
        assert_eq!(
            kind_of("event: state, old: ft-roaming, new: connected"),
            Some(FactKind::Roamed {
                from: None,
                to: None
            })
        );
        assert_eq!(
            kind_of("event: state, old: connecting (auto), new: connected"),
            Some(FactKind::Connected {
                bssid: None,
                ssid: None
            })
        );
        assert_eq!(kind_of("event: state, old: connected, new: roaming"), None);
        assert_eq!(
            kind_of("event: state, old: connected, new: disconnecting"),
            None
        );
        assert_eq!(
            kind_of("event: connect-failed, status: 17"),
            Some(FactKind::AssocRejected {
                bssid: None,
                status: 17
            })
        );
        assert_eq!(
            kind_of("event: connect-failed, reason: 15"),
            Some(FactKind::WrongKey { ssid: None })
        );
        assert_eq!(
            kind_of("event: connect-failed, reason: 1"),
            Some(FactKind::Disconnected {
                bssid: None,
                reason: Some(1),
                by: Some(Initiator::Local)
            })
        );
        assert_eq!(kind_of("event: roam-scan"), None);
        assert_eq!(kind_of("event: connect-timeout, reason: 2"), None);
    }

    #[test]
    fn the_handshake_failure_of_2_3() {
        // netdev.c netdev_handshake_failed (2.3).
        assert_eq!(
            kind_of("4-Way handshake failed for ifindex: 5, reason: 15"),
            Some(FactKind::WrongKey { ssid: None })
        );
        assert_eq!(
            kind_of("4-Way handshake failed for ifindex: 5, reason: 14"),
            Some(FactKind::Disconnected {
                bssid: None,
                reason: Some(14),
                by: Some(Initiator::Local)
            })
        );
        assert_eq!(kind_of("4-Way handshake failed for ifindex: 5"), None);
    }

    #[test]
    fn other_lines_are_not_ours() {
        for line in [
            "Wireless daemon version 2.3",
            "connect event timed out, reason=2",
            "Unexpected connection related event -- is another supplicant running?",
            "\tPermanent Address: 02:00:00:00:04:00",
            "event: ",
            "event: state",
            "event: state, old: connected",
            "",
        ] {
            assert_eq!(parse(line), None, "{line:?}");
        }
    }
}
