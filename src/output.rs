//! Output decisions shared by every command: styling and JSON envelopes.

use crate::cli::ColorChoice;
use serde::Serialize;
use std::time::SystemTime;

/// Whether to style output (colour, box drawing).
///
/// `auto` styles only a terminal, and never when `NO_COLOR` is set to a
/// non-empty value (<https://no-color.org>). Pure so it can be tested.
pub fn use_style(choice: ColorChoice, is_terminal: bool, no_color: Option<&str>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && no_color.is_none_or(str::is_empty),
    }
}

/// The fields every JSON document starts with.
#[derive(Debug, Clone, Serialize)]
pub struct Envelope {
    /// `wifidiag.<kind>/<major>`: bumped only on incompatible change.
    pub schema: &'static str,
    pub tool_version: &'static str,
    /// RFC 3339, UTC, milliseconds.
    pub timestamp: String,
    /// The machine the report is about; `null` when it cannot be read.
    pub hostname: Option<String>,
}

impl Envelope {
    /// An envelope stamped now, for this host.
    pub fn now(schema: &'static str) -> Self {
        Envelope {
            schema,
            tool_version: env!("CARGO_PKG_VERSION"),
            timestamp: rfc3339_millis(SystemTime::now()),
            hostname: hostname(),
        }
    }
}

/// `x` rounded to `decimals` places, for numbers shown to people and in JSON
/// (31.372… % → 31.4).
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (x * scale).round() / scale
}

/// `2026-11-27T22:37:39.123Z`.
pub fn rfc3339_millis(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

fn hostname() -> Option<String> {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = raw.trim();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn styling_decision() {
        use ColorChoice::*;
        let cases = [
            (Auto, true, None, true),
            (Auto, true, Some(""), true),
            (Auto, true, Some("1"), false),
            (Auto, false, None, false),
            (Always, false, Some("1"), true),
            (Never, true, None, false),
        ];
        for (choice, tty, no_color, expected) in cases {
            assert_eq!(
                use_style(choice, tty, no_color),
                expected,
                "{choice:?} tty={tty} NO_COLOR={no_color:?}"
            );
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc_millis() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_795_905_459_123);
        assert_eq!(rfc3339_millis(t), "2026-11-28T22:37:39.123Z");
    }
}

/// `--redact`: pseudonyms for what identifies a site or a person in JSON
/// that leaves the machine (support tickets, shared logs).
///
/// - MAC addresses and BSSIDs keep their first three octets (the vendor,
///   useful for diagnosis) and get the last three from a keyed hash;
/// - SSIDs become `ssid-xxxx`, the host name `host-xxxx`;
/// - MAC addresses inside free text (summaries, reasons) are replaced the
///   same way, so a summary still matches its fields.
///
/// The key is random per run: one document is consistent in itself (the
/// same BSSID always gets the same pseudonym), but two runs cannot be
/// joined. IP addresses and target names are kept: they are what a ticket
/// about reachability is about.
pub struct Redactor {
    key: std::collections::hash_map::RandomState,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor {
            key: std::collections::hash_map::RandomState::new(),
        }
    }
}

const MAC_KEYS: &[&str] = &["mac", "bssid", "bssids", "from_bssid", "to_bssid"];
const SSID_KEYS: &[&str] = &["ssid", "ssids", "own_ssid"];

impl Redactor {
    fn hash(&self, text: &str) -> u64 {
        use std::hash::BuildHasher;
        self.key.hash_one(text)
    }

    /// `02:00:00:0a:0b:0c` → `02:00:00:` + three hashed octets.
    pub fn mac(&self, mac: &str) -> String {
        let h = self.hash(&mac.to_ascii_lowercase()).to_be_bytes();
        match mac.get(..9) {
            Some(oui) if is_mac(mac) => format!(
                "{}{:02x}:{:02x}:{:02x}",
                oui.to_ascii_lowercase(),
                h[0],
                h[1],
                h[2]
            ),
            _ => format!("redacted-{:04x}", u16::from_be_bytes([h[0], h[1]])),
        }
    }

    pub fn ssid(&self, ssid: &str) -> String {
        format!("ssid-{:04x}", self.hash(&format!("ssid:{ssid}")) & 0xffff)
    }

    /// Rewrites a JSON document in place.
    pub fn apply(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let k = key.as_str();
                    if MAC_KEYS.contains(&k) {
                        self.each_string(v, &|s| self.mac(s));
                    } else if SSID_KEYS.contains(&k) {
                        self.each_string(v, &|s| self.ssid(s));
                    } else if k == "hostname" {
                        self.each_string(v, &|s| {
                            format!("host-{:04x}", self.hash(&format!("host:{s}")) & 0xffff)
                        });
                    } else {
                        self.apply(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.apply(v)),
            Value::String(s) => *s = self.text(s),
            _ => {}
        }
    }

    fn each_string(&self, value: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
        use serde_json::Value;
        match value {
            Value::String(s) => *s = f(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.each_string(v, f)),
            _ => {}
        }
    }

    /// Replaces every MAC address in free text.
    pub fn text(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            if i + 17 <= text.len()
                && text.is_char_boundary(i)
                && text.is_char_boundary(i + 17)
                && is_mac(&text[i..i + 17])
            {
                out.push_str(&self.mac(&text[i..i + 17]));
                i += 17;
                continue;
            }
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8().max(1);
        }
        out
    }
}

fn is_mac(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 17
        && b.iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b':'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// Writes `doc` as one pretty JSON document (redacted when asked) and a newline.
pub fn write_json_doc<T: Serialize>(
    out: &mut impl std::io::Write,
    doc: &T,
    redact: Option<&Redactor>,
) -> std::io::Result<()> {
    match redact {
        Some(r) => {
            let mut value = serde_json::to_value(doc)?;
            r.apply(&mut value);
            serde_json::to_writer_pretty(&mut *out, &value)?;
        }
        None => serde_json::to_writer_pretty(&mut *out, doc)?,
    }
    writeln!(out)
}

#[cfg(test)]
mod redact_tests {
    use super::*;

    #[test]
    fn identities_get_stable_pseudonyms_and_ips_stay() {
        let r = Redactor::default();
        let mut doc = serde_json::json!({
            "hostname": "reception-laptop",
            "interfaces": [{"mac": "02:00:00:0A:0B:0C", "ssid": "Dr Smith's clinic", "gateway": "10.77.0.1",
                            "bssid": "02:00:00:00:00:00", "notes": [{"message": "kept"}]}],
            "bss": [{"bssid": "02:00:00:00:00:00", "ssid": null}],
            "contributors": [{"bssids": ["02:00:00:00:01:00"], "ssids": ["cafe"]}],
            "summary": "the access point 02:00:00:00:00:00 deauthenticated this laptop",
        });
        r.apply(&mut doc);
        let text = doc.to_string();
        for secret in [
            "reception-laptop",
            "Dr Smith",
            "0a:0b:0c",
            "02:00:00:00:00:00",
            "cafe",
            "02:00:00:00:01:00",
        ] {
            assert!(
                !text.to_lowercase().contains(&secret.to_lowercase()),
                "{secret} leaked: {text}"
            );
        }
        assert_eq!(doc["interfaces"][0]["gateway"], "10.77.0.1");
        assert!(doc["interfaces"][0]["mac"]
            .as_str()
            .unwrap()
            .starts_with("02:00:00:"));
        assert!(doc["bss"][0]["ssid"].is_null(), "hidden stays hidden");
        // The same BSSID gets the same pseudonym everywhere, summaries included.
        let b = doc["bss"][0]["bssid"].as_str().unwrap().to_string();
        assert_eq!(doc["interfaces"][0]["bssid"], b.as_str());
        assert!(doc["summary"].as_str().unwrap().contains(&b));
        assert!(doc["hostname"].as_str().unwrap().starts_with("host-"));
        assert!(doc["contributors"][0]["ssids"][0]
            .as_str()
            .unwrap()
            .starts_with("ssid-"));
    }

    #[test]
    fn text_without_macs_is_unchanged() {
        let r = Redactor::default();
        for t in [
            "",
            "no mac here",
            "10.77.1.10:8443 unreachable",
            "Café 02:00",
            "zz:zz:zz:zz:zz:zz",
        ] {
            assert_eq!(r.text(t), t);
        }
    }
}
