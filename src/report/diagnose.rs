//! `wifidiag diagnose`: the `wifidiag.diagnose/1` document and the verdict
//! page.

use crate::diagnose::{Area, Check, Diagnosis, Evidence, Status};
use crate::output::Envelope;
use crate::report::table::new_table;
use serde::Serialize;
use std::io::{self, Write};

pub const SCHEMA: &str = "wifidiag.diagnose/1";

/// How many checks came out each way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub ok: usize,
    pub warn: usize,
    pub fail: usize,
    pub not_run: usize,
}

impl Counts {
    pub fn of(checks: &[Check]) -> Counts {
        let mut c = Counts::default();
        for check in checks {
            match check.status {
                Status::Ok => c.ok += 1,
                Status::Warn => c.warn += 1,
                Status::Fail => c.fail += 1,
                Status::NotRun => c.not_run += 1,
            }
        }
        c
    }
}

/// How the neighbourhood was heard, in the document.
#[derive(Debug, Clone, Serialize)]
pub struct ScanSummary {
    pub fresh: bool,
    pub method: String,
    pub notice: Option<String>,
    pub bsses: usize,
    pub hidden_bsses: usize,
}

/// The document.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnoseReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub interface: Option<String>,
    /// The whole run, in milliseconds.
    pub duration_ms: u64,
    /// How long the probes ran.
    pub probe_duration_ms: u64,
    pub targets: Vec<String>,
    /// `ok` when no check failed, `problem` otherwise (the exit status
    /// says the same).
    pub result: &'static str,
    pub headline: crate::diagnose::Headline,
    pub counts: Counts,
    pub scan: ScanSummary,
    pub checks: Vec<Check>,
}

impl DiagnoseReport {
    pub fn new(envelope: Envelope, e: &Evidence, d: Diagnosis, duration_ms: u64) -> Self {
        DiagnoseReport {
            envelope,
            interface: e.iface.name.clone(),
            duration_ms,
            probe_duration_ms: e.probes.duration_ms,
            targets: e.probes.targets.iter().map(|t| t.spec.clone()).collect(),
            result: if d.failed() { "problem" } else { "ok" },
            counts: Counts::of(&d.checks),
            scan: ScanSummary {
                fresh: e.scan.fresh,
                method: e.scan.method.clone(),
                notice: e.scan.notice.clone(),
                bsses: e.scan.bsses.len(),
                hidden_bsses: e.scan.bsses.iter().filter(|b| b.ssid.is_none()).count(),
            },
            headline: d.headline,
            checks: d.checks,
        }
    }

    /// The verdict page: the headline, then each area's checks with their
    /// findings and, for what is not ok, the next step.
    pub fn render(&self, out: &mut impl Write, styled: bool) -> io::Result<()> {
        let safe = |s: &str| crate::escape::terminal_safe(s).into_owned();
        writeln!(
            out,
            "Diagnosis of {} over {} s",
            safe(self.interface.as_deref().unwrap_or("-")),
            self.probe_duration_ms / 1000
        )?;
        writeln!(out)?;
        writeln!(out, "{}", safe(&self.headline.text))?;
        let cause = self
            .headline
            .cause
            .map_or("none found".to_string(), |c| c.label().to_string());
        writeln!(
            out,
            "Cause: {cause} (confidence: {})",
            self.headline.confidence.label()
        )?;
        for area in [Area::Link, Area::Radio, Area::Network, Area::Past] {
            let checks: Vec<&Check> = self.checks.iter().filter(|c| c.area == area).collect();
            if checks.is_empty() {
                continue;
            }
            writeln!(out)?;
            let mut table = new_table(styled, &[area.title(), "", ""]);
            for c in checks {
                let title = match &c.target {
                    Some(t) => format!("{} {t}", c.title),
                    None => c.title.to_string(),
                };
                let mut finding = c.finding.clone();
                if let (Some(next), Status::Warn | Status::Fail) = (&c.next_step, c.status) {
                    finding.push_str(&format!("\n→ {next}"));
                }
                // Escaped line by line (not with `SafeRows`): the finding
                // and its next step stay two lines of one cell.
                let label = match c.status {
                    Status::Fail => "FAIL",
                    s => s.label(),
                };
                table.add_row(vec![
                    label.to_string(),
                    safe(&title),
                    finding.split('\n').map(safe).collect::<Vec<_>>().join("\n"),
                ]);
            }
            writeln!(out, "{table}")?;
        }
        writeln!(out)?;
        let n = self.counts;
        writeln!(
            out,
            "{} ok, {} warn, {} failed, {} not run. {}",
            n.ok,
            n.warn,
            n.fail,
            n.not_run,
            if self.scan.fresh {
                String::new()
            } else {
                "The radio checks used the kernel's cached scan. ".to_string()
            } + "Evidence and thresholds: wifidiag diagnose --json"
        )?;
        Ok(())
    }
}
