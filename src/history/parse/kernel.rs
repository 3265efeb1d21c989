//! The kernel's mac80211 (`net/mac80211/mlme.c`, Linux 6.1 to 6.7 read;
//! `sdata_info` prefixes `"%s: "` with the interface name, and `link_info`
//! adds `[link N] ` on a multi-link connection).

use super::{mac_prefix, split_iface, uint_prefix};
use crate::history::{Fact, FactKind};
use crate::watch::event::Initiator;

pub(super) fn parse(message: &str) -> Option<Fact> {
    let (iface, rest) = split_iface(message)?;
    let kind = kind(strip_link(rest))?;
    Some(Fact {
        iface: Some(iface.to_owned()),
        kind,
    })
}

/// Without `link_info`'s `[link N] ` (mlme.c of 6.1 and later, multi-link).
fn strip_link(rest: &str) -> &str {
    let Some(after) = rest.strip_prefix("[link ") else {
        return rest;
    };
    match after.find("] ") {
        Some(at) if at <= 2 && after[..at].bytes().all(|b| b.is_ascii_digit()) => &after[at + 2..],
        _ => rest,
    }
}

fn kind(rest: &str) -> Option<FactKind> {
    let first = *rest.as_bytes().first()?;
    match first {
        // mlme.c ieee80211_mgd_auth: "authenticate with %pM\n" (6.1),
        // "authenticate with %pM (local address=%pM)\n" (6.7).
        b'a' => {
            if let Some(after) = rest.strip_prefix("authenticate with ") {
                let (bssid, tail) = mac_prefix(after)?;
                if !(tail.is_empty() || tail.starts_with(" (local address=")) {
                    return None;
                }
                return Some(FactKind::Connecting { bssid: Some(bssid) });
            }
            // mlme.c ieee80211_rx_mgmt_assoc_resp: "associated\n".
            if rest == "associated" {
                return Some(FactKind::Connected {
                    bssid: None,
                    ssid: None,
                });
            }
            None
        }
        b'd' => {
            // mlme.c ieee80211_rx_mgmt_deauth: "deauthenticated from %pM
            // (Reason: %u=%s)\n", and "deauthenticated from %pM while
            // associating (Reason: %u=%s)\n".
            if let Some(after) = rest.strip_prefix("deauthenticated from ") {
                let (bssid, tail) = mac_prefix(after)?;
                let tail = tail.strip_prefix(" while associating").unwrap_or(tail);
                let reason = reason_code(tail)?;
                return Some(FactKind::Deauth {
                    bssid: Some(bssid),
                    reason,
                    by: Initiator::Ap,
                });
            }
            // mlme.c ieee80211_rx_mgmt_disassoc: "disassociated from %pM
            // (Reason: %u=%s)\n".
            if let Some(after) = rest.strip_prefix("disassociated from ") {
                let (bssid, tail) = mac_prefix(after)?;
                let reason = reason_code(tail)?;
                return Some(FactKind::Disassoc {
                    bssid: Some(bssid),
                    reason,
                    by: Initiator::Ap,
                });
            }
            // mlme.c ieee80211_mgd_deauth: "deauthenticating from %pM by
            // local choice (Reason: %u=%s)\n".
            if let Some(after) = rest.strip_prefix("deauthenticating from ") {
                let (bssid, tail) = mac_prefix(after)?;
                let reason = reason_code(tail.strip_prefix(" by local choice")?)?;
                return Some(FactKind::Deauth {
                    bssid: Some(bssid),
                    reason,
                    by: Initiator::Local,
                });
            }
            // mlme.c ieee80211_mgd_disassoc: "disassociating from %pM by
            // local choice (Reason: %u=%s)\n".
            if let Some(after) = rest.strip_prefix("disassociating from ") {
                let (bssid, tail) = mac_prefix(after)?;
                let reason = reason_code(tail.strip_prefix(" by local choice")?)?;
                return Some(FactKind::Disassoc {
                    bssid: Some(bssid),
                    reason,
                    by: Initiator::Local,
                });
            }
            None
        }
        b'C' => {
            // mlme.c ieee80211_sta_connection_lost path
            // (ieee80211_beacon_connection_loss_work): "Connection to AP %pM
            // lost\n".
            let after = rest.strip_prefix("Connection to AP ")?;
            let (bssid, tail) = mac_prefix(after)?;
            (tail == " lost").then_some(FactKind::BeaconLoss { bssid: Some(bssid) })
        }
        b'N' => {
            // mlme.c ieee80211_sta_work (mlme_dbg, with
            // CONFIG_MAC80211_MLME_DEBUG): "No probe response from AP %pM
            // after %dms, disconnecting.\n" and "No ack for nullfunc frame
            // to AP %pM, disconnecting.\n". The "try %d/%i" lines before
            // them are not a loss yet.
            let after = rest
                .strip_prefix("No probe response from AP ")
                .or_else(|| rest.strip_prefix("No ack for nullfunc frame to AP "))?;
            let (bssid, tail) = mac_prefix(after)?;
            tail.ends_with(", disconnecting.")
                .then_some(FactKind::BeaconLoss { bssid: Some(bssid) })
        }
        b'F' => {
            // mlme.c ieee80211_sta_work (mlme_dbg): "Failed to send nullfunc
            // to AP %pM after %dms, disconnecting\n".
            let after = rest.strip_prefix("Failed to send nullfunc to AP ")?;
            let (bssid, tail) = mac_prefix(after)?;
            tail.ends_with(", disconnecting")
                .then_some(FactKind::BeaconLoss { bssid: Some(bssid) })
        }
        b'R' => {
            // mlme.c ieee80211_rx_mgmt_assoc_resp: "RX %sssocResp from %pM
            // (capab=0x%x status=%d aid=%d)\n" ("A" or "Rea"). A non-zero
            // status is a refusal, except 30 (REFUSED_TEMPORARILY: the AP
            // asks to come back later, and mac80211 does).
            let after = rest
                .strip_prefix("RX AssocResp from ")
                .or_else(|| rest.strip_prefix("RX ReassocResp from "))?;
            let (bssid, tail) = mac_prefix(after)?;
            let tail = tail.strip_prefix(" (capab=0x")?;
            let at = tail.find(" status=")?;
            let (status, tail) = uint_prefix::<u16>(&tail[at + 8..])?;
            if !tail.starts_with(" aid=") || status == 0 || status == 30 {
                return None;
            }
            Some(FactKind::AssocRejected {
                bssid: Some(bssid),
                status,
            })
        }
        b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
            // mlme.c ieee80211_rx_mgmt_auth: "%pM denied authentication
            // (status %d)\n".
            let (bssid, tail) = mac_prefix(rest)?;
            let tail = tail.strip_prefix(" denied authentication (status ")?;
            let (status, tail) = uint_prefix::<u16>(tail)?;
            (tail == ")").then_some(FactKind::AuthRejected {
                bssid: Some(bssid),
                status,
            })
        }
        _ => None,
    }
}

/// ` (Reason: %u=%s)` (mlme.c, the name from
/// `ieee80211_get_reason_code_string`): the code.
fn reason_code(tail: &str) -> Option<u16> {
    let (code, after) = uint_prefix::<u16>(tail.strip_prefix(" (Reason: ")?)?;
    after.starts_with('=').then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MacAddr;

    const AP: MacAddr = MacAddr([2, 0, 0, 0, 1, 0]);

    fn kind_of(message: &str) -> Option<FactKind> {
        let fact = parse(message)?;
        assert_eq!(fact.iface.as_deref(), Some("wlan0"));
        Some(fact.kind)
    }

    // Lines below are built from the format strings of net/mac80211/mlme.c
    // (Linux 6.1 as recorded in tests/fixtures/journal, 6.7 read), with the
    // reason names of ieee80211_get_reason_code_string (net/mac80211/main.c).

    #[test]
    fn authenticate_with_is_connecting_in_6_1_and_6_7_wording() {
        let expected = Some(FactKind::Connecting { bssid: Some(AP) });
        assert_eq!(
            kind_of("wlan0: authenticate with 02:00:00:00:01:00"),
            expected
        );
        assert_eq!(
            kind_of("wlan0: authenticate with 02:00:00:00:01:00 (local address=02:00:00:00:04:00)"),
            expected
        );
        assert_eq!(
            kind_of("wlan0: authenticate with 02:00:00:00:01:00 again"),
            None
        );
        // Not the start of an attempt: the frames and outcome around it.
        assert_eq!(
            kind_of("wlan0: send auth to 02:00:00:00:01:00 (try 1/3)"),
            None
        );
        assert_eq!(kind_of("wlan0: authenticated"), None);
        assert_eq!(
            kind_of("wlan0: associate with 02:00:00:00:01:00 (try 1/3)"),
            None
        );
    }

    #[test]
    fn associated_is_connected_without_a_bssid() {
        assert_eq!(
            kind_of("wlan0: associated"),
            Some(FactKind::Connected {
                bssid: None,
                ssid: None
            })
        );
        assert_eq!(kind_of("wlan0: associated!"), None);
    }

    #[test]
    fn deauth_and_disassoc_from_the_ap_and_by_local_choice() {
        assert_eq!(
            kind_of("wlan0: deauthenticated from 02:00:00:00:01:00 (Reason: 3=DEAUTH_LEAVING)"),
            Some(FactKind::Deauth {
                bssid: Some(AP),
                reason: 3,
                by: Initiator::Ap
            })
        );
        assert_eq!(
            kind_of(
                "wlan0: deauthenticated from 02:00:00:00:01:00 while associating (Reason: 15=4WAY_HANDSHAKE_TIMEOUT)"
            ),
            Some(FactKind::Deauth {
                bssid: Some(AP),
                reason: 15,
                by: Initiator::Ap
            })
        );
        assert_eq!(
            kind_of(
                "wlan0: disassociated from 02:00:00:00:01:00 (Reason: 8=DISASSOC_STA_HAS_LEFT)"
            ),
            Some(FactKind::Disassoc {
                bssid: Some(AP),
                reason: 8,
                by: Initiator::Ap
            })
        );
        assert_eq!(
            kind_of(
                "wlan0: deauthenticating from 02:00:00:00:01:00 by local choice (Reason: 3=DEAUTH_LEAVING)"
            ),
            Some(FactKind::Deauth {
                bssid: Some(AP),
                reason: 3,
                by: Initiator::Local
            })
        );
        assert_eq!(
            kind_of(
                "wlan0: disassociating from 02:00:00:00:01:00 by local choice (Reason: 4=DISASSOC_DUE_TO_INACTIVITY)"
            ),
            Some(FactKind::Disassoc {
                bssid: Some(AP),
                reason: 4,
                by: Initiator::Local
            })
        );
        // A reason that is not a u16, or no reason: not ours.
        assert_eq!(
            kind_of("wlan0: deauthenticated from 02:00:00:00:01:00 (Reason: 70000=X)"),
            None
        );
        assert_eq!(
            kind_of("wlan0: deauthenticated from 02:00:00:00:01:00"),
            None
        );
        assert_eq!(
            kind_of("wlan0: deauthenticating from 02:00:00:00:01:00 (Reason: 3=DEAUTH_LEAVING)"),
            None
        );
    }

    #[test]
    fn the_ap_no_longer_heard_is_beacon_loss() {
        let expected = Some(FactKind::BeaconLoss { bssid: Some(AP) });
        assert_eq!(
            kind_of("wlan0: Connection to AP 02:00:00:00:01:00 lost"),
            expected
        );
        assert_eq!(
            kind_of(
                "wlan0: No probe response from AP 02:00:00:00:01:00 after 500ms, disconnecting."
            ),
            expected
        );
        assert_eq!(
            kind_of("wlan0: No ack for nullfunc frame to AP 02:00:00:00:01:00, disconnecting."),
            expected
        );
        assert_eq!(
            kind_of(
                "wlan0: Failed to send nullfunc to AP 02:00:00:00:01:00 after 500ms, disconnecting"
            ),
            expected
        );
        // The retries before giving up are not a loss.
        assert_eq!(
            kind_of("wlan0: No probe response from AP 02:00:00:00:01:00 after 500ms, try 1/2"),
            None
        );
        assert_eq!(
            kind_of("wlan0: No ack for nullfunc frame to AP 02:00:00:00:01:00, try 1/2"),
            None
        );
    }

    #[test]
    fn a_refused_association_response_is_assoc_rejected() {
        assert_eq!(
            kind_of("wlan0: RX AssocResp from 02:00:00:00:01:00 (capab=0x411 status=17 aid=0)"),
            Some(FactKind::AssocRejected {
                bssid: Some(AP),
                status: 17
            })
        );
        assert_eq!(
            kind_of("wlan0: RX ReassocResp from 02:00:00:00:01:00 (capab=0x431 status=1 aid=0)"),
            Some(FactKind::AssocRejected {
                bssid: Some(AP),
                status: 1
            })
        );
        assert_eq!(
            kind_of(
                "wlan0: [link 1] RX AssocResp from 02:00:00:00:01:00 (capab=0x411 status=17 aid=0)"
            ),
            Some(FactKind::AssocRejected {
                bssid: Some(AP),
                status: 17
            })
        );
        // Success, and "come back later" (mac80211 does), are not refusals.
        assert_eq!(
            kind_of("wlan0: RX AssocResp from 02:00:00:00:01:00 (capab=0x411 status=0 aid=1)"),
            None
        );
        assert_eq!(
            kind_of("wlan0: RX AssocResp from 02:00:00:00:01:00 (capab=0x411 status=30 aid=0)"),
            None
        );
    }

    #[test]
    fn a_refused_authentication_is_auth_rejected() {
        assert_eq!(
            kind_of("wlan0: 02:00:00:00:01:00 denied authentication (status 17)"),
            Some(FactKind::AuthRejected {
                bssid: Some(AP),
                status: 17
            })
        );
        assert_eq!(
            kind_of("wlan0: 02:00:00:00:01:00 denied authentication (status 17"),
            None
        );
    }

    #[test]
    fn other_kernel_lines_are_not_ours() {
        for line in [
            "IPv6: ADDRCONF(NETDEV_CHANGE): wlan2: link becomes ready",
            "br0: port 2(wlan0) entered disabled state",
            "device wlan0 left promiscuous mode",
            "wlan0: authentication with 02:00:00:00:01:00 timed out",
            "NET: Registered PF_ALG protocol family",
            "",
            ": ",
            "wlan0: ",
            "wlan0: [link 9",
            "wlan0: 02:00",
        ] {
            assert_eq!(parse(line), None, "{line:?}");
        }
    }
}
