//! `report --bundle OUT.tar.gz`: everything a ticket needs in one archive:
//! the page, the JSON and text reports, the documents given (`diagnose`,
//! `channels`), the log records around each outage, and a README for
//! whoever opens it. Built in memory (every part is bounded) and written by
//! the caller whole or not at all.
//!
//! Redaction is the caller's: every part arrives already redacted when
//! `--redact` was given (the records one by one, the documents as
//! `--json --redact` would print them), so nothing here sees a secret.

use crate::watch::summary::OutageLine;
use std::io::{self, Write};

/// Outages whose surroundings go into `excerpts.jsonl`.
pub const MAX_EXCERPT_OUTAGES: usize = 50;
/// Lines of `excerpts.jsonl` at most (about 2 MB).
pub const MAX_EXCERPT_LINES: usize = 5000;
/// How much before and after an outage its excerpt reaches, in ms.
pub const EXCERPT_MARGIN_MS: u64 = 60_000;

/// The time windows (ms since the epoch) around the first outages.
pub fn windows(outages: &[OutageLine]) -> Vec<(u64, u64)> {
    outages
        .iter()
        .take(MAX_EXCERPT_OUTAGES)
        .map(|o| {
            (
                o.start.0.saturating_sub(EXCERPT_MARGIN_MS),
                o.start
                    .0
                    .saturating_add(o.duration_ms)
                    .saturating_add(EXCERPT_MARGIN_MS),
            )
        })
        .collect()
}

/// The excerpt lines, bounded.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Excerpts {
    pub text: Vec<u8>,
    pub lines: usize,
    /// The limit cut it short.
    pub truncated: bool,
}

impl Excerpts {
    /// Adds one record's JSON as a line; `false` once the limit is reached
    /// (the caller stops reading).
    pub fn push(&mut self, record: &serde_json::Value) -> bool {
        if self.lines >= MAX_EXCERPT_LINES {
            self.truncated = true;
            return false;
        }
        if serde_json::to_writer(&mut self.text, record).is_ok() {
            self.text.push(b'\n');
            self.lines += 1;
        }
        true
    }
}

/// What goes into the archive.
pub struct Bundle<'a> {
    pub generated: String,
    pub redacted: bool,
    /// The logs read (names as shown in the report).
    pub logs: &'a [String],
    pub report_json: &'a [u8],
    pub report_txt: &'a [u8],
    pub page: &'a [u8],
    /// File name and document.
    pub documents: &'a [(String, &'a serde_json::Value)],
    pub excerpts: &'a Excerpts,
}

impl Bundle<'_> {
    /// The archive's files, in order: name and content.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![
            ("README.txt".to_string(), self.readme().into_bytes()),
            ("report.html".to_string(), self.page.to_vec()),
            ("report.json".to_string(), self.report_json.to_vec()),
            ("report.txt".to_string(), self.report_txt.to_vec()),
            ("excerpts.jsonl".to_string(), self.excerpts.text.clone()),
        ];
        for (i, (name, doc)) in self.documents.iter().enumerate() {
            let safe: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let mut text = serde_json::to_vec_pretty(doc).unwrap_or_default();
            text.push(b'\n');
            files.push((format!("documents/{}-{safe}", i + 1), text));
        }
        files
    }

    /// The README for the reader of the ticket.
    pub fn readme(&self) -> String {
        let mut s = String::new();
        s.push_str("wifidiag report bundle\n======================\n\n");
        s.push_str(&format!(
            "Made by wifidiag {} on {} (UTC) from {} log file(s){}.\n\n",
            env!("CARGO_PKG_VERSION"),
            self.generated,
            self.logs.len(),
            if self.documents.is_empty() {
                String::new()
            } else {
                format!(" and {} document(s)", self.documents.len())
            }
        ));
        s.push_str(if self.redacted {
            "REDACTED: MAC addresses, BSSIDs, SSIDs, host names, site labels and IPv6 \
             interface identifiers are replaced by keyed pseudonyms (the same thing has the \
             same pseudonym in every file here). IPv4 addresses and target names are kept: \
             the ticket is about them.\n\n"
        } else {
            "NOT REDACTED: this archive names the networks, access points and machines. Make \
             it with --redact before it leaves the site.\n\n"
        });
        s.push_str(
            "Start with report.html (open it in any browser; no script, nothing fetched).\n\n\
             Files:\n\
             - report.html     the page: outages by cause, a timeline chart, the tables\n\
             - report.txt      the same summary as text\n\
             - report.json     the summary as JSON (schema wifidiag.report/2)\n",
        );
        s.push_str(&format!(
            "- excerpts.jsonl  the log records from a minute before to a minute after each \
             outage ({} line(s){}; schema wifidiag.event/1, one JSON object per line)\n",
            self.excerpts.lines,
            if self.excerpts.truncated {
                format!(", cut at {MAX_EXCERPT_LINES}")
            } else {
                String::new()
            }
        ));
        if !self.documents.is_empty() {
            s.push_str("- documents/     the diagnose and channels documents given\n");
        }
        s.push_str("\nLogs read:\n");
        for l in self.logs {
            s.push_str(&format!("- {l}\n"));
        }
        s.push_str(
            "\nThe schemas are described in docs/json.md of wifidiag's source, and in \
             its man pages (wifidiag-report(1), wifidiag-watch(1)).\n",
        );
        s
    }

    /// The archive: a gzip-compressed tar of [`Bundle::files`] under one
    /// directory, regular files of mode 0644 stamped with the time given.
    pub fn tar_gz_at(&self, mtime: u64) -> io::Result<Vec<u8>> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        for (name, content) in self.files() {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            header.set_mtime(mtime);
            header.set_entry_type(tar::EntryType::Regular);
            tar.append_data(
                &mut header,
                format!("wifidiag-report/{name}"),
                content.as_slice(),
            )?;
        }
        let mut gz = tar.into_inner()?;
        gz.flush()?;
        gz.finish()
    }

    /// [`Bundle::tar_gz_at`] now.
    pub fn tar_gz(&self) -> io::Result<Vec<u8>> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.tar_gz_at(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::event::{Cause, Millis};

    fn outage(start: u64, duration_ms: u64) -> OutageLine {
        OutageLine {
            start: Millis(start),
            duration_ms,
            target: "emr:443".into(),
            cause: Cause::Server,
            summary: "x".into(),
        }
    }

    #[test]
    fn windows_reach_a_minute_around_each_outage_and_are_bounded() {
        let w = windows(&[outage(1_000_000, 5000)]);
        assert_eq!(w, [(940_000, 1_065_000)]);
        let many: Vec<OutageLine> = (0..80).map(|i| outage(i * 1000, 1)).collect();
        assert_eq!(windows(&many).len(), MAX_EXCERPT_OUTAGES);
    }

    #[test]
    fn excerpts_stop_at_their_limit_and_say_so() {
        let mut e = Excerpts::default();
        let v = serde_json::json!({"kind": "sample"});
        for _ in 0..MAX_EXCERPT_LINES {
            assert!(e.push(&v));
        }
        assert!(!e.push(&v));
        assert!(e.truncated);
        assert_eq!(e.lines, MAX_EXCERPT_LINES);
    }

    #[test]
    fn the_archive_holds_every_file_under_one_directory() {
        let doc = serde_json::json!({"schema": "wifidiag.diagnose/1"});
        let docs = vec![("diag nose.json".to_string(), &doc)];
        let mut ex = Excerpts::default();
        ex.push(&serde_json::json!({"kind": "outage"}));
        let b = Bundle {
            generated: "2026-12-03T12:00:00.000Z".into(),
            redacted: true,
            logs: &["events.jsonl".to_string()],
            report_json: b"{}\n",
            report_txt: b"summary\n",
            page: b"<!DOCTYPE html>",
            documents: &docs,
            excerpts: &ex,
        };
        let bytes = b.tar_gz_at(1_796_083_200).unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut names = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            assert_eq!(entry.header().mode().unwrap(), 0o644);
            let mut body = String::new();
            std::io::Read::read_to_string(&mut entry, &mut body).unwrap();
            let name = entry.path().unwrap().display().to_string();
            if name.ends_with("README.txt") {
                assert!(body.contains("REDACTED"), "{body}");
                assert!(
                    body.contains("excerpts.jsonl") && body.contains("1 line(s)"),
                    "{body}"
                );
            }
            names.push(name);
        }
        assert_eq!(
            names,
            [
                "wifidiag-report/README.txt",
                "wifidiag-report/report.html",
                "wifidiag-report/report.json",
                "wifidiag-report/report.txt",
                "wifidiag-report/excerpts.jsonl",
                "wifidiag-report/documents/1-diag_nose.json",
            ]
        );
        // The same content at the same time is the same archive.
        assert_eq!(bytes, b.tar_gz_at(1_796_083_200).unwrap());
    }
}
