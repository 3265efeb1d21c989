//! Text from a file, the kernel or the network, made safe for a terminal.
//!
//! A log line, an SSID or a server's error message can carry control
//! characters: an escape sequence that sets the terminal's title or clears
//! the screen, a carriage return or newline that forges a table row, or a
//! Unicode direction override that makes text read backwards. Every such
//! string goes through [`terminal_safe`] before it is printed for a person;
//! JSON output needs nothing (serde escapes control characters).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls and
/// DEL (`is_control`), and the invisible characters that change how the
/// text around them is laid out (bidirectional embeddings, overrides and
/// isolates, direction marks, line and paragraph separators).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every [unsafe](is_unsafe) character written as an escape
/// (`\x1b`, `\n`, `\u{202e}`); borrowed when there is none.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        let cases = [
            ("plain text", "plain text"),
            ("\x1b]0;pwned\x07title", "\\x1b]0;pwned\\x07title"),
            ("\x1b[2Jclear", "\\x1b[2Jclear"),
            ("row\n| forged | row |", "row\\n| forged | row |"),
            ("cr\rover", "cr\\rover"),
            ("\u{9b}31mC1 CSI", "\\x9b31mC1 CSI"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
            ("del\x7f", "del\\x7f"),
            ("café ✓", "café ✓"),
        ];
        for (input, expected) in cases {
            assert_eq!(terminal_safe(input), expected, "{input:?}");
        }
        assert!(matches!(terminal_safe("ok"), Cow::Borrowed(_)));
    }
}
