//! NetworkManager (its `_LOGI`/`_LOGW` lines; 1.30, 1.42 and the current
//! tree read, files under src/core/). In the journal a message starts with
//! the level and NetworkManager's own timestamp:
//! `<info>  [1764754188.1234] device (wlan3): state change: ...`.

use super::{decode_octal_escapes, valid_iface};
use crate::history::{Connectivity, Fact, FactKind};

pub(super) fn parse(message: &str) -> Option<Fact> {
    let body = strip_level_and_time(message);
    match *body.as_bytes().first()? {
        b'd' => {
            if let Some(after) = body.strip_prefix("device (") {
                let (iface, text) = after.split_once("): ")?;
                if !valid_iface(iface) {
                    return None;
                }
                return device(text).map(|kind| Fact {
                    iface: Some(iface.to_owned()),
                    kind,
                });
            }
            dhcp(body)
        }
        // nm-manager.c nm_manager_update_state (1.30, 1.42) /
        // _manager_update_state (current): "NetworkManager state is now
        // %s%s" (" (ASLEEP)" or " (NETWORKING OFF)" may follow).
        b'm' => {
            let state = body.strip_prefix("manager: NetworkManager state is now ")?;
            let state = state.split(' ').next().unwrap_or(state);
            let state = manager_state(state)?;
            Some(Fact {
                iface: None,
                kind: FactKind::Connectivity { state },
            })
        }
        _ => None,
    }
}

/// Without `<info>  [1764754188.1234] ` (nm-logging.c: the level in angle
/// brackets, padded, then the time in brackets).
fn strip_level_and_time(message: &str) -> &str {
    let Some(after) = message.strip_prefix('<') else {
        return message;
    };
    let Some(end) = after.find('>').filter(|&end| end <= 8) else {
        return message;
    };
    let after = after[end + 1..].trim_start_matches(' ');
    match after
        .strip_prefix('[')
        .and_then(|time| time.find("] ").map(|end| &time[end + 2..]))
    {
        Some(body) => body,
        None => after,
    }
}

/// What follows `device (IFACE): `.
fn device(text: &str) -> Option<FactKind> {
    match *text.as_bytes().first()? {
        b's' => {
            if let Some(after) = text.strip_prefix("state change: ") {
                // nm-device.c nm_device_state_changed / _set_state_full:
                // "state change: %s -> %s (reason '%s', sys-iface-state:
                // '%s')" (1.30, 1.42; managed-type: in the current tree).
                let (from, after) = after.split_once(" -> ")?;
                let (to, after) = after.split_once(" (reason '")?;
                let (reason, _) = after.split_once('\'')?;
                if from.is_empty() || to.is_empty() || from.contains(' ') || to.contains(' ') {
                    return None;
                }
                return Some(FactKind::DeviceState {
                    from: from.to_owned(),
                    to: to.to_owned(),
                    reason: (reason != "none").then(|| reason.to_owned()),
                });
            }
            // nm-device-wifi.c supplicant_iface_state_cb: "supplicant
            // interface state: %s -> %s%s" (" (simulated signal)"). Leaving
            // `completed` is the link going: wpa_supplicant disconnected
            // (evidence where wpa_supplicant itself does not log; when it
            // does, the timeline merges the two). The other transitions
            // are steps of a connection attempt.
            let after = text.strip_prefix("supplicant interface state: completed -> ")?;
            let to = after.split(' ').next().unwrap_or(after);
            (!to.is_empty() && to != "completed").then_some(FactKind::Disconnected {
                bssid: None,
                reason: None,
                by: None,
            })
        }
        b'A' => {
            let after = text.strip_prefix("Activation: (wifi) ")?;
            // nm-device-wifi.c supplicant_iface_state_is_completed (1.30:
            // supplicant_iface_state_cb): "Activation: (wifi) Stage 2 of 5
            // (Device Configure) successful. Connected to wireless network
            // %s", the SSID from _nm_utils_ssid_to_string: `"escaped"`,
            // `"" (hidden)`, or `(empty)`.
            if let Some(ssid) = after.strip_prefix(
                "Stage 2 of 5 (Device Configure) successful. Connected to wireless network ",
            ) {
                let ssid = ssid
                    .strip_prefix('"')
                    .and_then(|s| s.rfind('"').map(|end| &s[..end]))
                    .filter(|s| !s.is_empty())
                    .map(decode_octal_escapes);
                return Some(FactKind::Connected { bssid: None, ssid });
            }
            // nm-device-wifi.c: "psk mismatch reported by supplicant, ..."
            // and "SAE password mismatch reported by supplicant, ..."
            // (current; supplicant_iface_notify_wpa_psk_mismatch_cb /
            // _sae_mismatch_cb), and NetworkManager's own guess in
            // handle_8021x_or_psk_auth_fail: "disconnected during
            // association, asking for new key" (1.30, 1.42, current) and
            // "new connection disconnected during association, asking for
            // new key" (current).
            let wrong_key = after.starts_with("psk mismatch reported by supplicant")
                || after.starts_with("SAE password mismatch reported by supplicant")
                || after == "disconnected during association, asking for new key"
                || after == "new connection disconnected during association, asking for new key";
            wrong_key.then_some(FactKind::WrongKey { ssid: None })
        }
        b'c' => {
            // nm-device.c concheck_update_state (_LOGD: only with
            // level=DEBUG for CONCHECK): "connectivity state changed from
            // %s to %s", nm-connectivity.c's names.
            let after = text.strip_prefix("connectivity state changed from ")?;
            let (_, to) = after.split_once(" to ")?;
            let state = match to {
                "NONE" => Connectivity::None,
                "LIMITED" => Connectivity::Limited,
                "PORTAL" => Connectivity::Portal,
                "FULL" => Connectivity::Full,
                "UNKNOWN" => Connectivity::Unknown,
                _ => return None,
            };
            Some(FactKind::Connectivity { state })
        }
        _ => None,
    }
}

/// NetworkManager's overall state as a connectivity (nm-manager.c
/// `_nm_state_to_string`). CONNECTED_SITE is a default route without the
/// internet (the connectivity check failed, or has not answered yet, or a
/// portal); CONNECTED_LOCAL has no default route. CONNECTING and
/// DISCONNECTING are steps, not a connectivity.
fn manager_state(state: &str) -> Option<Connectivity> {
    Some(match state {
        "CONNECTED_GLOBAL" => Connectivity::Full,
        "CONNECTED_SITE" | "CONNECTED_LOCAL" => Connectivity::Limited,
        "DISCONNECTED" | "ASLEEP" | "DISABLED" => Connectivity::None,
        "UNKNOWN" => Connectivity::Unknown,
        _ => return None,
    })
}

/// `dhcp4 (IFACE): ...` / `dhcp6 (IFACE): ...` (src/core/dhcp/
/// nm-dhcp-client-logging.h: "dhcp%s (%s): ").
fn dhcp(body: &str) -> Option<Fact> {
    let after = body.strip_prefix("dhcp")?;
    let family = match after.as_bytes().first()? {
        b'4' => "dhcp4",
        b'6' => "dhcp6",
        _ => return None,
    };
    let (iface, text) = after[1..].strip_prefix(" (")?.split_once("): ")?;
    if !valid_iface(iface) || !dhcp_failure(text) {
        return None;
    }
    Some(Fact {
        iface: Some(iface.to_owned()),
        kind: FactKind::DhcpFailed {
            detail: format!("{family}: {text}"),
        },
    })
}

fn dhcp_failure(text: &str) -> bool {
    // nm-dhcp-client.c (1.30) transaction_timeout: _LOGW("request timed
    // out"); the client's end: _LOGW("client died abnormally").
    if text == "request timed out" || text == "client died abnormally" {
        return true;
    }
    let Some(change) = text.strip_prefix("state changed ") else {
        return false;
    };
    // nm-dhcp-client.c (1.42, current) _nm_dhcp_client_notify: "state
    // changed %s%s%s%s" with "new lease" or "no lease" (the lease lost).
    if change.starts_with("no lease") {
        return true;
    }
    // nm-dhcp-client.c (1.30) nm_dhcp_client_set_state: "state changed %s
    // -> %s%s%s%s" (", address=..." may follow), the states of state_table.
    let Some((_, to)) = change.split_once(" -> ") else {
        return false;
    };
    let to = to.split(',').next().unwrap_or(to);
    matches!(to, "timeout" | "fail" | "expire")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(message: &str) -> Option<Fact> {
        parse(&format!("<info>  [1764754188.1234] {message}"))
    }

    fn kind_of(message: &str) -> Option<FactKind> {
        fact(message).map(|f| f.kind)
    }

    #[test]
    fn the_level_and_timestamp_are_optional() {
        let bare = "manager: NetworkManager state is now CONNECTED_GLOBAL";
        let expected = Some(FactKind::Connectivity {
            state: Connectivity::Full,
        });
        assert_eq!(parse(bare).map(|f| f.kind), expected);
        assert_eq!(
            parse(&format!("<warn>  [1.2] {bare}")).map(|f| f.kind),
            expected
        );
        assert_eq!(parse(&format!("<info> {bare}")).map(|f| f.kind), expected);
        assert_eq!(parse("<info>  [1.2"), None);
        assert_eq!(parse("<"), None);
        assert_eq!(parse("<info"), None);
    }

    #[test]
    fn device_state_changes_in_1_30_1_42_and_current_wording() {
        // nm-device.c: sys-iface-state (1.30, 1.42), managed-type (current).
        let expected = FactKind::DeviceState {
            from: "activated".into(),
            to: "failed".into(),
            reason: Some("supplicant-disconnect".into()),
        };
        let f = fact(
            "device (wlan3): state change: activated -> failed (reason 'supplicant-disconnect', sys-iface-state: 'managed')",
        )
        .unwrap();
        assert_eq!(f.iface.as_deref(), Some("wlan3"));
        assert_eq!(f.kind, expected);
        assert_eq!(
            kind_of(
                "device (wlan3): state change: activated -> failed (reason 'supplicant-disconnect', managed-type: 'full')"
            ),
            Some(expected)
        );
        assert_eq!(
            kind_of(
                "device (wlan0): state change: ip-config -> failed (reason 'ip-config-unavailable', sys-iface-state: 'managed')"
            ),
            Some(FactKind::DeviceState {
                from: "ip-config".into(),
                to: "failed".into(),
                reason: Some("ip-config-unavailable".into()),
            })
        );
        assert_eq!(
            kind_of("device (wlan3): state change: prepare -> config (reason 'none', sys-iface-state: 'managed')"),
            Some(FactKind::DeviceState {
                from: "prepare".into(),
                to: "config".into(),
                reason: None,
            })
        );
        assert_eq!(
            kind_of("device (wlan3): state change: prepare -> config"),
            None
        );
    }

    #[test]
    fn the_supplicant_leaving_completed_is_a_disconnect() {
        // nm-device-wifi.c supplicant_iface_state_cb.
        assert_eq!(
            kind_of("device (wlan3): supplicant interface state: completed -> disconnected"),
            Some(FactKind::Disconnected {
                bssid: None,
                reason: None,
                by: None
            })
        );
        assert_eq!(
            kind_of("device (wlan3): supplicant interface state: completed -> scanning (simulated signal)"),
            Some(FactKind::Disconnected {
                bssid: None,
                reason: None,
                by: None
            })
        );
        for steps in [
            "device (wlan3): supplicant interface state: disconnected -> scanning",
            "device (wlan3): supplicant interface state: 4way_handshake -> completed",
            "device (p2p-dev-wlan3): supplicant management interface state: completed -> disconnected",
        ] {
            assert_eq!(kind_of(steps), None, "{steps}");
        }
    }

    #[test]
    fn connected_to_a_wireless_network_with_its_ssid() {
        // nm-device-wifi.c, the SSID through _nm_utils_ssid_to_string
        // (libnm-glib-aux/nm-shared-utils.c).
        assert_eq!(
            kind_of(
                "device (wlan3): Activation: (wifi) Stage 2 of 5 (Device Configure) successful. Connected to wireless network \"clinic\""
            ),
            Some(FactKind::Connected {
                bssid: None,
                ssid: Some("clinic".into())
            })
        );
        assert_eq!(
            kind_of(
                r#"device (wlan3): Activation: (wifi) Stage 2 of 5 (Device Configure) successful. Connected to wireless network "caf\303\251 "x"""#
            ),
            Some(FactKind::Connected {
                bssid: None,
                ssid: Some(r#"café "x""#.into())
            })
        );
        assert_eq!(
            kind_of(
                "device (wlan3): Activation: (wifi) Stage 2 of 5 (Device Configure) successful. Connected to wireless network (empty)"
            ),
            Some(FactKind::Connected {
                bssid: None,
                ssid: None
            })
        );
    }

    #[test]
    fn a_wrong_key_as_network_manager_tells_it() {
        // nm-device-wifi.c (current: psk/SAE mismatch; 1.30 on:
        // handle_8021x_or_psk_auth_fail).
        for text in [
            "psk mismatch reported by supplicant, asking for new key",
            "psk mismatch reported by supplicant, retrying connection",
            "SAE password mismatch reported by supplicant, asking for new key",
            "disconnected during association, asking for new key",
            "new connection disconnected during association, asking for new key",
        ] {
            assert_eq!(
                kind_of(&format!("device (wlan0): Activation: (wifi) {text}")),
                Some(FactKind::WrongKey { ssid: None }),
                "{text}"
            );
        }
        assert_eq!(
            kind_of("device (wlan0): Activation: (wifi) disconnected during association, retrying connection"),
            None
        );
    }

    #[test]
    fn connectivity_from_the_manager_state_and_the_debug_check() {
        // nm-manager.c _nm_state_to_string; nm-connectivity.c names.
        for (state, expected) in [
            ("CONNECTED_GLOBAL", Some(Connectivity::Full)),
            ("CONNECTED_SITE", Some(Connectivity::Limited)),
            ("CONNECTED_LOCAL", Some(Connectivity::Limited)),
            ("DISCONNECTED", Some(Connectivity::None)),
            ("DISCONNECTED (ASLEEP)", Some(Connectivity::None)),
            ("UNKNOWN", Some(Connectivity::Unknown)),
            ("CONNECTING", None),
            ("DISCONNECTING", None),
        ] {
            assert_eq!(
                kind_of(&format!("manager: NetworkManager state is now {state}")),
                expected.map(|state| FactKind::Connectivity { state }),
                "{state}"
            );
        }
        assert_eq!(
            kind_of("device (wlan0): connectivity state changed from FULL to LIMITED"),
            Some(FactKind::Connectivity {
                state: Connectivity::Limited
            })
        );
        assert_eq!(
            kind_of("device (wlan0): connectivity state changed from FULL to PORTAL"),
            Some(FactKind::Connectivity {
                state: Connectivity::Portal
            })
        );
    }

    #[test]
    fn dhcp_failures_in_1_30_and_1_42_wording() {
        // nm-dhcp-client.c: 1.30 transaction_timeout and state_table; 1.42
        // and current _nm_dhcp_client_notify.
        for (text, detail) in [
            (
                "dhcp4 (wlan0): request timed out",
                "dhcp4: request timed out",
            ),
            (
                "dhcp4 (wlan0): state changed unknown -> timeout",
                "dhcp4: state changed unknown -> timeout",
            ),
            (
                "dhcp6 (wlan0): state changed bound -> expire",
                "dhcp6: state changed bound -> expire",
            ),
            (
                "dhcp4 (wlan0): state changed bound -> fail",
                "dhcp4: state changed bound -> fail",
            ),
            (
                "dhcp4 (wlan0): client died abnormally",
                "dhcp4: client died abnormally",
            ),
            (
                "dhcp4 (wlan0): state changed no lease",
                "dhcp4: state changed no lease",
            ),
        ] {
            let f = fact(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(f.iface.as_deref(), Some("wlan0"));
            assert_eq!(
                f.kind,
                FactKind::DhcpFailed {
                    detail: detail.into()
                }
            );
        }
        for text in [
            "dhcp4 (wlan0): state changed new lease, address=10.77.0.100",
            "dhcp4 (wlan0): state changed unknown -> bound, address=10.77.0.100",
            "dhcp4 (wlan0): activation: beginning transaction (timeout in 45 seconds)",
            "dhcp: init: Using DHCP client 'internal'",
            "dhcp4 (wlan0)",
            "dhcp5 (wlan0): request timed out",
        ] {
            assert_eq!(kind_of(text), None, "{text}");
        }
    }

    #[test]
    fn other_lines_are_not_ours() {
        for text in [
            "device (wlan3): Activation: starting connection 'lab-client' (cfef4635-bf2b-3afd-b993-9d2923056d71)",
            "device (wlan3): driver supports Access Point (AP) mode",
            "manager: (wlan3): new 802.11 Wi-Fi device (/org/freedesktop/NetworkManager/Devices/2)",
            "policy: auto-activating connection 'lab-client' (cfef4635-bf2b-3afd-b993-9d2923056d71)",
            "device (a name far too long): state change: a -> b (reason 'x')",
            "device (",
            "",
        ] {
            assert_eq!(kind_of(text), None, "{text}");
        }
    }
}
