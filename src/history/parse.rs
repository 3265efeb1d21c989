//! One log message to at most one [`Fact`]. Pure; one submodule per
//! program's wording, each pattern with the source file its wording comes
//! from.
//!
//! The parsers read text that others shaped (an SSID is in many lines, and
//! anyone can name an access point), so they are total: any input gives a
//! fact or `None`, never a panic. They are also on the hot path of reading a
//! whole journal: a line that is not ours is turned down with a few prefix
//! comparisons and `find`s, and nothing is allocated for it.

mod driver;
mod iwd;
mod kernel;
mod nm;
mod wpa;

#[cfg(test)]
mod fixtures;

use super::{Fact, LogLine, Origin};
use crate::model::MacAddr;

/// What `line` says, if it is a line `history` understands.
pub fn parse(line: &LogLine<'_>) -> Option<Fact> {
    let message = line.message;
    match line.origin {
        Origin::Kernel => kernel::parse(message).or_else(|| driver::parse(message)),
        Origin::WpaSupplicant => wpa::parse(message),
        Origin::NetworkManager => nm::parse(message),
        Origin::Iwd => iwd::parse(message),
    }
}

/// `IFACE: rest`, where IFACE is a possible Linux interface name (1 to 15
/// bytes, none of them a space, `/` or `:`: the kernel's `dev_valid_name`).
/// The kernel's mac80211 (`sdata_info`: `"%s: "` with the interface name)
/// and wpa_supplicant (`wpa_msg`: the same) prefix their lines so.
fn split_iface(message: &str) -> Option<(&str, &str)> {
    let at = message.find(": ")?;
    let name = &message[..at];
    if !valid_iface(name) {
        return None;
    }
    Some((name, &message[at + 2..]))
}

fn valid_iface(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && !name
            .bytes()
            .any(|b| b == b' ' || b == b'/' || b == b':' || b.is_ascii_control())
}

/// A MAC address as `%pM` / `MACSTR` print it (`02:00:00:00:0a:ff`) at the
/// start of `text`, and what follows it.
fn mac_prefix(text: &str) -> Option<(MacAddr, &str)> {
    let bytes = text.as_bytes();
    if bytes.len() < 17 {
        return None;
    }
    let mut octets = [0u8; 6];
    for (i, octet) in octets.iter_mut().enumerate() {
        let at = i * 3;
        let high = hex_digit(bytes[at])?;
        let low = hex_digit(bytes[at + 1])?;
        if i < 5 && bytes[at + 2] != b':' {
            return None;
        }
        *octet = high << 4 | low;
    }
    // The 17 bytes checked above are ASCII, so 17 is a character boundary.
    Some((MacAddr(octets), &text[17..]))
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The decimal digits at the start of `text` as a `T` (`None` if there are
/// none or the number does not fit), and what follows them.
fn uint_prefix<T: std::str::FromStr>(text: &str) -> Option<(T, &str)> {
    let end = text
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    // At most 20 digits (u64::MAX): longer is not a number we want, and
    // `parse` would only fail on it after reading it all.
    if end == 0 || end > 20 {
        return None;
    }
    let value = text[..end].parse().ok()?;
    Some((value, &text[end..]))
}

/// Like [`uint_prefix`], with an optional `-`.
fn int_prefix(text: &str) -> Option<(i32, &str)> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (value, rest) = uint_prefix::<i32>(digits)?;
    let value = if digits.len() == text.len() {
        value
    } else {
        -value
    };
    Some((value, rest))
}

/// A whole text that is a decimal number.
fn uint_exact<T: std::str::FromStr>(text: &str) -> Option<T> {
    match uint_prefix(text)? {
        (value, "") => Some(value),
        _ => None,
    }
}

/// Undo wpa_supplicant's `printf_encode` (src/utils/common.c, used by
/// `wpa_ssid_txt` for every SSID it logs): `\\`, `\"`, `\e`, `\n`, `\r`,
/// `\t` and `\xHH`. When the bytes are not UTF-8 (or a sequence is not one
/// of those) the text is kept as printed: escaped, and still one line.
fn decode_printf_escapes(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let decoded = match bytes.get(i + 1) {
            Some(b'\\') => Some((b'\\', 2)),
            Some(b'"') => Some((b'"', 2)),
            Some(b'e') => Some((0x1b, 2)),
            Some(b'n') => Some((b'\n', 2)),
            Some(b'r') => Some((b'\r', 2)),
            Some(b't') => Some((b'\t', 2)),
            Some(b'x') => match (bytes.get(i + 2), bytes.get(i + 3)) {
                (Some(&h), Some(&l)) => match (hex_digit(h), hex_digit(l)) {
                    (Some(h), Some(l)) => Some((h << 4 | l, 4)),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        match decoded {
            Some((byte, len)) => {
                out.push(byte);
                i += len;
            }
            None => return text.to_owned(),
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Undo NetworkManager's `nm_utils_buf_utf8safe_escape` (libnm-glib-aux,
/// used for the SSIDs it logs): `\\` and `\ooo` (three octal digits). As
/// above, the text is kept as printed when that does not give UTF-8.
fn decode_octal_escapes(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
            continue;
        }
        let octal = |at: usize| match bytes.get(at) {
            Some(&b @ b'0'..=b'7') => Some(u32::from(b - b'0')),
            _ => None,
        };
        match (octal(i + 1), octal(i + 2), octal(i + 3)) {
            (Some(a), Some(b), Some(c)) if a <= 3 => {
                // a <= 3: at most 0o377, one byte.
                out.push((a << 6 | b << 3 | c) as u8);
                i += 4;
            }
            _ => return text.to_owned(),
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mac_address_is_read_in_either_case_and_nothing_else_is() {
        let (mac, rest) = mac_prefix("02:00:0A:bc:ff:00 (Reason").unwrap();
        assert_eq!(mac, MacAddr([2, 0, 0x0a, 0xbc, 0xff, 0]));
        assert_eq!(rest, " (Reason");
        assert_eq!(mac_prefix("02:00:0a:bc:ff:0"), None);
        assert_eq!(mac_prefix("02-00-0a-bc-ff-00"), None);
        assert_eq!(mac_prefix("02:00:0a:bc:ff:0g"), None);
        assert_eq!(mac_prefix("+2:00:0a:bc:ff:00"), None);
        // Multi-byte characters right after the 17th byte are no problem.
        assert!(mac_prefix("02:00:0a:bc:ff:00é").is_some());
        assert_eq!(mac_prefix("é2:00:0a:bc:ff:00"), None);
    }

    #[test]
    fn numbers_are_decimal_digits_that_fit() {
        assert_eq!(uint_prefix::<u16>("3=DEAUTH"), Some((3, "=DEAUTH")));
        assert_eq!(uint_prefix::<u16>("65536"), None);
        assert_eq!(uint_prefix::<u16>("+3"), None);
        assert_eq!(uint_prefix::<u16>(""), None);
        assert_eq!(uint_prefix::<u64>("99999999999999999999999"), None);
        assert_eq!(int_prefix("-50 noise"), Some((-50, " noise")));
        assert_eq!(int_prefix("-"), None);
        assert_eq!(int_prefix("--5"), None);
        assert_eq!(uint_exact::<u16>("15"), Some(15));
        assert_eq!(uint_exact::<u16>("15 "), None);
    }

    #[test]
    fn interface_names_follow_the_kernels_rules() {
        assert_eq!(
            split_iface("wlan0: associated"),
            Some(("wlan0", "associated"))
        );
        assert_eq!(
            split_iface("p2p-dev-wlan3: CTRL-EVENT-DSCP-POLICY clear_all"),
            Some(("p2p-dev-wlan3", "CTRL-EVENT-DSCP-POLICY clear_all"))
        );
        assert_eq!(split_iface("iwlwifi 0000:00:14.3: Queue 2 is stuck"), None);
        assert_eq!(split_iface("a-name-of-16-byt: x"), None);
        assert_eq!(split_iface(": x"), None);
        assert_eq!(split_iface("associated"), None);
    }

    #[test]
    fn wpa_supplicant_ssid_escapes_are_undone_when_they_give_utf8() {
        // Escapes as printf_encode (hostap src/utils/common.c) writes them.
        assert_eq!(decode_printf_escapes("clinic"), "clinic");
        assert_eq!(decode_printf_escapes(r#"a\"b\\c"#), r#"a"b\c"#);
        assert_eq!(decode_printf_escapes(r"caf\xc3\xa9"), "café");
        assert_eq!(decode_printf_escapes(r"tab\there"), "tab\there");
        // Not UTF-8, or not an escape printf_encode writes: kept as printed.
        assert_eq!(decode_printf_escapes(r"bad\xff"), r"bad\xff");
        assert_eq!(decode_printf_escapes(r"odd\q"), r"odd\q");
        assert_eq!(decode_printf_escapes(r"cut\x4"), r"cut\x4");
        assert_eq!(decode_printf_escapes("end\\"), "end\\");
    }

    #[test]
    fn network_manager_ssid_escapes_are_undone_when_they_give_utf8() {
        assert_eq!(decode_octal_escapes(r"caf\303\251"), "café");
        assert_eq!(decode_octal_escapes(r"a\\b"), r"a\b");
        assert_eq!(decode_octal_escapes(r"bad\377"), r"bad\377");
        assert_eq!(decode_octal_escapes(r"big\777"), r"big\777");
        assert_eq!(decode_octal_escapes(r"cut\30"), r"cut\30");
    }
}
