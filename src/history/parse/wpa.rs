//! wpa_supplicant (hostap; `wpa_msg` prefixes `"%s: "` with the interface
//! name). Wordings from the hostap tree (wpa_supplicant/events.c, sme.c,
//! wpa_supplicant.c; the event names from src/common/wpa_ctrl.h).

use super::{decode_printf_escapes, int_prefix, mac_prefix, split_iface, uint_prefix};
use crate::history::{Fact, FactKind};
use crate::watch::event::Initiator;

pub(super) fn parse(message: &str) -> Option<Fact> {
    if let Some((iface, rest)) = split_iface(message) {
        if let Some(kind) = kind(rest) {
            return Some(Fact {
                iface: Some(iface.to_owned()),
                kind,
            });
        }
    }
    // Without an interface (a line written with wpa_printf, or a
    // supplicant whose messages lack one).
    kind(message).map(|kind| Fact { iface: None, kind })
}

fn kind(rest: &str) -> Option<FactKind> {
    if let Some(event) = rest.strip_prefix("CTRL-EVENT-") {
        return ctrl_event(event);
    }
    match *rest.as_bytes().first()? {
        // sme.c sme_associate / wpa_supplicant.c wpas_start_assoc_cb:
        // "Trying to associate with " MACSTR " (SSID='%s' freq=%d MHz)", or
        // "Trying to associate with SSID '%s'" (a driver that picks the BSS).
        b'T' => {
            let after = rest.strip_prefix("Trying to associate with ")?;
            if after.starts_with("SSID '") {
                return Some(FactKind::Connecting { bssid: None });
            }
            let (bssid, tail) = mac_prefix(after)?;
            tail.starts_with(" (SSID='")
                .then_some(FactKind::Connecting { bssid: Some(bssid) })
        }
        // events.c wpa_supplicant_event_disassoc_finish: "WPA: 4-Way
        // Handshake failed - pre-shared key may be incorrect".
        b'W' => (rest == "WPA: 4-Way Handshake failed - pre-shared key may be incorrect")
            .then_some(FactKind::WrongKey { ssid: None }),
        _ => None,
    }
}

/// What follows `CTRL-EVENT-`.
fn ctrl_event(event: &str) -> Option<FactKind> {
    match *event.as_bytes().first()? {
        b'C' => {
            // wpa_supplicant.c wpa_supplicant_set_state: WPA_EVENT_CONNECTED
            // "- Connection to " MACSTR " completed [id=%d id_str=%s%s]%s".
            let after = event.strip_prefix("CONNECTED - Connection to ")?;
            let (bssid, tail) = mac_prefix(after)?;
            tail.starts_with(" completed")
                .then_some(FactKind::Connected {
                    bssid: Some(bssid),
                    ssid: None,
                })
        }
        b'D' => {
            // events.c wpa_supplicant_event_disassoc (and sme.c):
            // WPA_EVENT_DISCONNECTED "bssid=" MACSTR " reason=%d%s" with
            // " locally_generated=1" when this side ended it. Otherwise the
            // AP's deauthentication or disassociation ended it.
            let after = event.strip_prefix("DISCONNECTED bssid=")?;
            let (bssid, tail) = mac_prefix(after)?;
            let (reason, tail) = uint_prefix::<u16>(tail.strip_prefix(" reason=")?)?;
            let by = match tail {
                "" => Initiator::Ap,
                " locally_generated=1" => Initiator::Local,
                _ => return None,
            };
            Some(FactKind::Disconnected {
                bssid: Some(bssid),
                reason: Some(reason),
                by: Some(by),
            })
        }
        b'B' => {
            // events.c EVENT_BEACON_LOSS: WPA_EVENT_BEACON_LOSS (the define
            // ends with a space; nothing follows it).
            let tail = event.strip_prefix("BEACON-LOSS")?;
            (tail.trim_end().is_empty()).then_some(FactKind::BeaconLoss { bssid: None })
        }
        b'S' => {
            if let Some(after) = event.strip_prefix("SIGNAL-CHANGE above=") {
                // events.c EVENT_SIGNAL_CHANGE: WPA_EVENT_SIGNAL_CHANGE
                // "above=%d signal=%d noise=%d txrate=%lu" (bgscan's or the
                // driver's CQM threshold: above=0 is below it).
                let (above, tail) = uint_prefix::<u8>(after)?;
                let (dbm, tail) = int_prefix(tail.strip_prefix(" signal=")?)?;
                if !(tail.is_empty() || tail.starts_with(' ')) {
                    return None;
                }
                let below_threshold = match above {
                    0 => Some(true),
                    1 => Some(false),
                    _ => None,
                };
                return Some(FactKind::Signal {
                    dbm,
                    below_threshold,
                });
            }
            // wpa_supplicant.c wpas_auth_failed: WPA_EVENT_TEMP_DISABLED
            // "id=%d ssid=\"%s\" auth_failures=%u duration=%d reason=%s",
            // the SSID through wpa_ssid_txt. The reason is the last field,
            // the SSID (escaped, so without a bare `"`) before
            // auth_failures.
            let after = event.strip_prefix("SSID-TEMP-DISABLED id=")?;
            let reason_at = after.rfind(" reason=")?;
            if &after[reason_at + 8..] != "WRONG_KEY" {
                return None;
            }
            let ssid_at = after.find(" ssid=\"")? + 7;
            let ssid_end = after.rfind("\" auth_failures=")?;
            let ssid =
                (ssid_at <= ssid_end).then(|| decode_printf_escapes(&after[ssid_at..ssid_end]));
            Some(FactKind::WrongKey { ssid })
        }
        b'A' => {
            if let Some(after) = event.strip_prefix("ASSOC-REJECT ") {
                // events.c EVENT_ASSOC_REJECT: WPA_EVENT_ASSOC_REJECT
                // "bssid=" MACSTR " status_code=%u%s..." (" timeout", ...),
                // or "status_code=%u..." when the BSSID is unknown.
                let (bssid, tail) = match after.strip_prefix("bssid=") {
                    Some(b) => {
                        let (bssid, tail) = mac_prefix(b)?;
                        (Some(bssid), tail.strip_prefix(' ')?)
                    }
                    None => (None, after),
                };
                let (status, _) = uint_prefix::<u16>(tail.strip_prefix("status_code=")?)?;
                return Some(FactKind::AssocRejected { bssid, status });
            }
            // sme.c sme_event_auth / sme_sae_auth: WPA_EVENT_AUTH_REJECT
            // MACSTR " auth_type=%u auth_transaction=%u status_code=%u%s%s"
            // (" ie=..." may follow).
            let after = event.strip_prefix("AUTH-REJECT ")?;
            let (bssid, tail) = mac_prefix(after)?;
            let tail = tail.strip_prefix(" auth_type=")?;
            let at = tail.find(" status_code=")?;
            let (status, _) = uint_prefix::<u16>(&tail[at + 13..])?;
            Some(FactKind::AuthRejected {
                bssid: Some(bssid),
                status,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MacAddr;

    const AP: MacAddr = MacAddr([2, 0, 0, 0, 1, 0]);

    fn kind_of(message: &str) -> Option<FactKind> {
        let fact = parse(&format!("wlan0: {message}"))?;
        assert_eq!(fact.iface.as_deref(), Some("wlan0"));
        Some(fact.kind)
    }

    // Lines built from the format strings of the hostap tree
    // (wpa_supplicant 2.10 as recorded in tests/fixtures/journal, and the
    // current tree read): the function named in each test.

    #[test]
    fn connected_and_trying_to_associate() {
        // wpa_supplicant.c wpa_supplicant_set_state; sme.c sme_associate.
        assert_eq!(
            kind_of(
                "CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:01:00 completed [id=0 id_str=]"
            ),
            Some(FactKind::Connected {
                bssid: Some(AP),
                ssid: None
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-CONNECTED - Connection to 02:00:00:00:01:00 completed (reauth) [id=0 id_str=]"),
            Some(FactKind::Connected {
                bssid: Some(AP),
                ssid: None
            })
        );
        assert_eq!(
            kind_of("Trying to associate with 02:00:00:00:01:00 (SSID='clinic' freq=2437 MHz)"),
            Some(FactKind::Connecting { bssid: Some(AP) })
        );
        assert_eq!(
            kind_of("Trying to associate with SSID 'clinic'"),
            Some(FactKind::Connecting { bssid: None })
        );
        // The SME's authentication step before it is the same attempt.
        assert_eq!(
            kind_of(
                "SME: Trying to authenticate with 02:00:00:00:01:00 (SSID='clinic' freq=2437 MHz)"
            ),
            None
        );
    }

    #[test]
    fn disconnected_by_the_ap_or_locally() {
        // events.c wpa_supplicant_event_disassoc.
        assert_eq!(
            kind_of("CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:01:00 reason=3"),
            Some(FactKind::Disconnected {
                bssid: Some(AP),
                reason: Some(3),
                by: Some(Initiator::Ap)
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:01:00 reason=4 locally_generated=1"),
            Some(FactKind::Disconnected {
                bssid: Some(AP),
                reason: Some(4),
                by: Some(Initiator::Local)
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:01:00 reason=4 something=else"),
            None
        );
        assert_eq!(
            kind_of("CTRL-EVENT-DISCONNECTED bssid=02:00:00:00:01:00"),
            None
        );
    }

    #[test]
    fn beacon_loss_and_signal_changes() {
        // events.c EVENT_BEACON_LOSS and EVENT_SIGNAL_CHANGE.
        assert_eq!(
            kind_of("CTRL-EVENT-BEACON-LOSS "),
            Some(FactKind::BeaconLoss { bssid: None })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-BEACON-LOSS"),
            Some(FactKind::BeaconLoss { bssid: None })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-SIGNAL-CHANGE above=0 signal=-50 noise=-92 txrate=1000"),
            Some(FactKind::Signal {
                dbm: -50,
                below_threshold: Some(true)
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-SIGNAL-CHANGE above=1 signal=-30 noise=-92 txrate=130000"),
            Some(FactKind::Signal {
                dbm: -30,
                below_threshold: Some(false)
            })
        );
        assert_eq!(kind_of("CTRL-EVENT-SIGNAL-CHANGE above=1 signal=x"), None);
    }

    #[test]
    fn rejections_by_the_ap() {
        // events.c EVENT_ASSOC_REJECT; sme.c sme_event_auth.
        assert_eq!(
            kind_of("CTRL-EVENT-ASSOC-REJECT bssid=02:00:00:00:01:00 status_code=17"),
            Some(FactKind::AssocRejected {
                bssid: Some(AP),
                status: 17
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-ASSOC-REJECT bssid=02:00:00:00:01:00 status_code=1 timeout=auth"),
            Some(FactKind::AssocRejected {
                bssid: Some(AP),
                status: 1
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-ASSOC-REJECT status_code=16"),
            Some(FactKind::AssocRejected {
                bssid: None,
                status: 16
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-AUTH-REJECT 02:00:00:00:01:00 auth_type=0 auth_transaction=2 status_code=1"),
            Some(FactKind::AuthRejected {
                bssid: Some(AP),
                status: 1
            })
        );
        assert_eq!(
            kind_of("CTRL-EVENT-AUTH-REJECT 02:00:00:00:01:00 auth_type=3 auth_transaction=1 status_code=77 ie=ff"),
            Some(FactKind::AuthRejected {
                bssid: Some(AP),
                status: 77
            })
        );
    }

    #[test]
    fn a_wrong_passphrase() {
        // events.c wpa_supplicant_event_disassoc_finish;
        // wpa_supplicant.c wpas_auth_failed.
        assert_eq!(
            kind_of("WPA: 4-Way Handshake failed - pre-shared key may be incorrect"),
            Some(FactKind::WrongKey { ssid: None })
        );
        assert_eq!(
            kind_of(
                "CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid=\"clinic\" auth_failures=1 duration=10 reason=WRONG_KEY"
            ),
            Some(FactKind::WrongKey {
                ssid: Some("clinic".into())
            })
        );
        // The SSID is printf-escaped: decoded where that gives text.
        assert_eq!(
            kind_of(
                r#"CTRL-EVENT-SSID-TEMP-DISABLED id=2 ssid="caf\xc3\xa9 \"x\" auth_failures=9 reason=WRONG_KEY" auth_failures=2 duration=20 reason=WRONG_KEY"#
            ),
            Some(FactKind::WrongKey {
                ssid: Some(r#"café "x" auth_failures=9 reason=WRONG_KEY"#.into())
            })
        );
        // Other reasons to disable a network are not a wrong key.
        assert_eq!(
            kind_of(
                "CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid=\"clinic\" auth_failures=1 duration=10 reason=CONN_FAILED"
            ),
            None
        );
        assert_eq!(
            kind_of(
                r#"CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid="reason=WRONG_KEY" auth_failures=1 duration=10 reason=AUTH_FAILED"#
            ),
            None
        );
    }

    #[test]
    fn lines_without_an_interface_and_other_lines() {
        assert_eq!(
            parse("CTRL-EVENT-BEACON-LOSS ").map(|f| f.iface),
            Some(None)
        );
        for line in [
            "Successfully initialized wpa_supplicant",
            "wlan2: CTRL-EVENT-SUBNET-STATUS-UPDATE status=0",
            "wlan2: Associated with 02:00:00:00:00:00",
            "wlan2: WPA: Key negotiation completed with 02:00:00:00:00:00 [PTK=CCMP GTK=CCMP]",
            "BSSID 02:00:00:00:00:00 ignore list count incremented to 2, ignoring for 10 seconds",
            "p2p-dev-wlan3: CTRL-EVENT-DSCP-POLICY clear_all",
            "nl80211: deinit ifname=wlan3 disabled_11b_rates=0",
            "wlan0: CTRL-EVENT-",
            "wlan0: CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid=\" reason=WRONG_KEY",
            "",
        ] {
            assert_eq!(parse(line), None, "{line:?}");
        }
    }
}
