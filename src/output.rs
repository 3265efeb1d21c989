//! Output decisions shared by every command: styling, JSON envelopes and
//! redaction ([`Redactor`]).

use crate::cli::ColorChoice;
use serde::Serialize;
use std::time::SystemTime;

pub mod redact;
pub use redact::{KeyFileError, Redact, Redactor, KEY_LEN};

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

impl Redact for Envelope {
    fn redact(&mut self, r: &Redactor) {
        if let Some(h) = &mut self.hostname {
            *h = r.hostname(h);
        }
    }
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
