//! Numbers over a series of probe results: how many were sent, lost,
//! refused, and the round-trip times. A probe this laptop could not send
//! (`not_permitted`) is no measurement and counts nowhere but in
//! [`Stats::not_sent`].

use crate::watch::probe::{ProbeOutcome, ProbeResult};

/// Summary of one series of probes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stats {
    /// Probes that were really sent (a measurement each).
    pub sent: usize,
    pub ok: usize,
    /// Sent and not answered as hoped, whatever the outcome.
    pub failed: usize,
    pub timeouts: usize,
    pub refused: usize,
    pub unreachable: usize,
    /// `failed` outcomes (NXDOMAIN, a local firewall, ...).
    pub other: usize,
    /// Probes that could not be sent at all.
    pub not_sent: usize,
    pub median_ms: Option<f64>,
    pub max_ms: Option<f64>,
    /// The detail of the last failure, for the finding's words.
    pub last_detail: Option<String>,
    /// The detail of the last probe that could not be sent.
    pub not_sent_detail: Option<String>,
}

impl Stats {
    pub fn of(results: &[ProbeResult]) -> Stats {
        let mut s = Stats::default();
        let mut rtts = Vec::new();
        for r in results {
            match r.outcome {
                ProbeOutcome::NotPermitted => {
                    s.not_sent += 1;
                    s.not_sent_detail = r.detail.clone();
                    continue;
                }
                ProbeOutcome::Ok => {
                    s.ok += 1;
                    if let Some(ms) = r.rtt_ms {
                        rtts.push(ms);
                    }
                }
                ProbeOutcome::Timeout => s.timeouts += 1,
                ProbeOutcome::Refused => s.refused += 1,
                ProbeOutcome::Unreachable => s.unreachable += 1,
                ProbeOutcome::Failed => s.other += 1,
            }
            s.sent += 1;
            if r.outcome != ProbeOutcome::Ok {
                s.failed += 1;
                s.last_detail = r.detail.clone().or(Some(r.outcome.as_str().into()));
            }
        }
        rtts.sort_by(f64::total_cmp);
        s.median_ms = median(&rtts);
        s.max_ms = rtts.last().copied();
        s
    }

    /// Lost share in percent of the probes sent; `None` when none was.
    pub fn loss_pct(&self) -> Option<f64> {
        (self.sent > 0).then(|| self.failed as f64 * 100.0 / self.sent as f64)
    }

    /// Every probe sent failed.
    pub fn all_failed(&self) -> bool {
        self.sent > 0 && self.ok == 0
    }
}

/// The median of sorted values.
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::probe::ProbeMethod;

    fn r(outcome: ProbeOutcome, rtt: Option<f64>) -> ProbeResult {
        ProbeResult {
            method: ProbeMethod::Tcp,
            outcome,
            rtt_ms: rtt,
            detail: None,
        }
    }

    #[test]
    fn not_permitted_is_no_measurement() {
        let s = Stats::of(&[
            r(ProbeOutcome::NotPermitted, None),
            r(ProbeOutcome::NotPermitted, None),
        ]);
        assert_eq!((s.sent, s.failed, s.not_sent), (0, 0, 2));
        assert_eq!(s.loss_pct(), None);
        assert!(!s.all_failed());
    }

    #[test]
    fn loss_and_median() {
        let s = Stats::of(&[
            r(ProbeOutcome::Ok, Some(3.0)),
            r(ProbeOutcome::Ok, Some(1.0)),
            r(ProbeOutcome::Timeout, None),
            r(ProbeOutcome::Ok, Some(10.0)),
            r(ProbeOutcome::Refused, None),
        ]);
        assert_eq!((s.sent, s.ok, s.failed), (5, 3, 2));
        assert_eq!((s.timeouts, s.refused), (1, 1));
        assert_eq!(s.loss_pct(), Some(40.0));
        assert_eq!(s.median_ms, Some(3.0));
        assert_eq!(s.max_ms, Some(10.0));
        let even = Stats::of(&[
            r(ProbeOutcome::Ok, Some(2.0)),
            r(ProbeOutcome::Ok, Some(4.0)),
        ]);
        assert_eq!(even.median_ms, Some(3.0));
    }
}
