//! Reports: model values → versioned JSON documents and human tables.
//!
//! Each command has its own report type with `#[derive(Serialize)]`, built
//! from model values, so the JSON schema changes only when a report type is
//! changed on purpose (and its schema version with it). Renderers write to
//! any [`std::io::Write`] so tests print into a `Vec<u8>`.

pub mod bundle;
pub mod channels;
pub mod diagnose;
pub mod history;
pub mod html;
pub mod interfaces;
pub mod scan;
pub mod status;
pub mod table;

/// The check every report's redaction passes: the redacted structure
/// serialises to exactly what the generic JSON redaction
/// ([`Redactor::apply`](crate::output::Redactor::apply)) makes of the
/// original, and neither its JSON nor its human view contains a secret.
#[cfg(test)]
pub(crate) fn check_redaction<R: crate::output::Redact + serde::Serialize>(
    mut report: R,
    render: impl Fn(&R) -> String,
    secrets: &[&str],
) -> (String, serde_json::Value) {
    let r = crate::output::Redactor::from_key([42; crate::output::KEY_LEN]);
    let plain = render(&report);
    for secret in secrets {
        assert!(
            plain.to_lowercase().contains(&secret.to_lowercase())
                || serde_json::to_string(&report).unwrap().contains(secret),
            "the test input lacks {secret}"
        );
    }
    let mut expected = serde_json::to_value(&report).unwrap();
    r.apply(&mut expected);
    report.redact(&r);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json, expected,
        "the table's values differ from the JSON redaction"
    );
    let human = render(&report);
    let json_text = json.to_string().to_lowercase();
    for secret in secrets {
        let secret = secret.to_lowercase();
        assert!(
            !human.to_lowercase().contains(&secret),
            "{secret} in the table:\n{human}"
        );
        assert!(
            !json_text.contains(&secret),
            "{secret} in the JSON: {json_text}"
        );
    }
    (human, json)
}
