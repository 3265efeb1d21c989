//! Outages and their verdicts.
//!
//! [`OutageTracker`] turns each target's probe results into outages:
//! `fail_after` consecutive failures open one (starting at the first
//! failure), the next success closes it. [`classify`] then reads the
//! timeline around the outage — Wi-Fi events, link samples, gateway and DNS
//! probes — and decides which part failed, quoting the records it rests on
//! and writing one sentence a clinic manager understands.

use super::event::{Cause, Crossing, Evidence, Initiator, Kind, Millis, ProbeRole, Record};
use super::probe::result::ProbeOutcome;
use crate::model::MacAddr;
use std::collections::BTreeMap;

/// The thresholds of the verdicts; the defaults are documented in the man
/// page and README.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Consecutive failed probes that open an outage.
    pub fail_after: u32,
    /// How long before an outage's first failed probe a Wi-Fi event still
    /// counts as its cause (a deauth just before the probe that noticed it).
    pub lookback_ms: u64,
    /// Signal below this (dBm) makes a link "degraded".
    pub weak_signal_dbm: i32,
    /// Retries above this share of transmitted packets make it "degraded".
    pub retry_pct: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            fail_after: 2,
            lookback_ms: 5_000,
            weak_signal_dbm: crate::health::WEAK_SIGNAL_DBM,
            retry_pct: crate::health::HIGH_RETRY_PCT,
        }
    }
}

/// An outage of one target: from its first failed probe to its first
/// successful one after that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outage {
    pub target: String,
    pub start: Millis,
    pub end: Millis,
}

#[derive(Debug, Default)]
struct TargetState {
    consecutive_failures: u32,
    first_failure: Option<Millis>,
    open: bool,
}

/// Follows each target's probe results.
#[derive(Debug, Default)]
pub struct OutageTracker {
    targets: BTreeMap<String, TargetState>,
}

/// What one probe result changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// The target just crossed `fail_after` failures: an outage is open.
    Opened { target: String, start: Millis },
    /// A success ended an open outage.
    Closed(Outage),
}

impl OutageTracker {
    pub fn observe(
        &mut self,
        target: &str,
        ok: bool,
        ts: Millis,
        th: &Thresholds,
    ) -> Option<Transition> {
        let state = self.targets.entry(target.to_string()).or_default();
        if ok {
            let was_open = state.open;
            let start = state.first_failure;
            *state = TargetState::default();
            return match (was_open, start) {
                (true, Some(start)) => Some(Transition::Closed(Outage {
                    target: target.to_string(),
                    start,
                    end: ts,
                })),
                _ => None,
            };
        }
        state.consecutive_failures += 1;
        state.first_failure.get_or_insert(ts);
        if !state.open && state.consecutive_failures >= th.fail_after.max(1) {
            state.open = true;
            return Some(Transition::Opened {
                target: target.to_string(),
                start: state.first_failure.unwrap_or(ts),
            });
        }
        None
    }

    /// Outages still open (at the end of the watch), closed at `now`.
    pub fn open_outages(&self, now: Millis) -> Vec<Outage> {
        self.targets
            .iter()
            .filter(|(_, s)| s.open)
            .filter_map(|(t, s)| {
                Some(Outage {
                    target: t.clone(),
                    start: s.first_failure?,
                    end: now,
                })
            })
            .collect()
    }
}

/// A classified outage.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub cause: Cause,
    pub evidence: Vec<Evidence>,
    pub summary: String,
}

impl Verdict {
    /// The `outage` record for the log.
    pub fn into_kind(self, outage: &Outage) -> Kind {
        Kind::Outage {
            target: outage.target.clone(),
            start: outage.start,
            end: outage.end,
            duration_ms: outage.end.since(outage.start),
            cause: self.cause,
            evidence: self.evidence,
            summary: self.summary,
        }
    }
}

fn seconds(ms: u64) -> String {
    if ms < 10_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} s", (ms + 500) / 1000)
    }
}

fn mac(m: &Option<MacAddr>) -> String {
    m.map_or_else(|| "an unknown access point".into(), |m| m.to_string())
}

/// Decides why `outage` happened from the records of the timeline.
pub fn classify(outage: &Outage, timeline: &[Record], th: &Thresholds) -> Verdict {
    let from = Millis(outage.start.0.saturating_sub(th.lookback_ms));
    let during = |r: &&Record| r.ts >= outage.start && r.ts <= outage.end;
    let around = |r: &&Record| r.ts >= from && r.ts <= outage.end;
    let duration = seconds(outage.end.since(outage.start));
    let what = format!("{} unreachable for {duration}", outage.target);

    // 1. The Wi-Fi link itself went away.
    let losses: Vec<&Record> = timeline
        .iter()
        .filter(around)
        .filter(|r| {
            r.kind.is_link_loss()
                || matches!(r.kind, Kind::InterfaceRemoved { .. })
                || matches!(r.kind, Kind::Roamed { gap_ms, .. } if gap_ms > 0)
                || matches!(
                    r.kind,
                    Kind::Sample {
                        connected: false,
                        ..
                    }
                )
        })
        .collect();
    if let Some(first) = losses.first() {
        let reconnect = timeline
            .iter()
            .filter(|r| r.ts >= first.ts)
            .find(|r| matches!(r.kind, Kind::Connected { .. } | Kind::Roamed { .. }));
        let mut evidence: Vec<Evidence> = losses
            .iter()
            .filter(|r| !matches!(r.kind, Kind::Sample { .. }))
            .take(4)
            .map(|r| r.evidence())
            .collect();
        if evidence.is_empty() {
            evidence.push(first.evidence());
        }
        if let Some(r) = reconnect {
            if !evidence.iter().any(|e| e.ts == r.ts && e.kind == r.kind) {
                evidence.push(r.evidence());
            }
        }
        let cause_text = loss_text(&first.kind);
        let after = match reconnect.map(|r| (&r.kind, r.ts.since(first.ts))) {
            Some((Kind::Connected { bssid, channel, .. }, gap)) => format!(
                "; it reconnected to {} on channel {} after {}",
                mac(bssid),
                channel.map_or("?".into(), |c| c.to_string()),
                seconds(gap)
            ),
            Some((
                Kind::Roamed {
                    to_bssid,
                    to_channel,
                    gap_ms,
                    ..
                },
                _,
            )) => format!(
                "; it roamed to {} on channel {} after {}",
                mac(to_bssid),
                to_channel.map_or("?".into(), |c| c.to_string()),
                seconds(*gap_ms)
            ),
            _ => "; it had not reconnected when the watch saw the target again".into(),
        };
        return Verdict {
            cause: Cause::Wifi,
            evidence,
            summary: format!("{what}: {cause_text}{after}"),
        };
    }

    // 2. Still associated: did the gateway answer meanwhile? Only real
    // measurements count: a probe this process was not allowed to send
    // (no CAP_NET_RAW, no ping_group_range) says nothing about the gateway.
    let unsent = |r: &&&Record| {
        matches!(
            r.kind,
            Kind::Probe {
                outcome: ProbeOutcome::NotPermitted,
                ..
            }
        )
    };
    let gateway_all: Vec<&Record> = timeline
        .iter()
        .filter(during)
        .filter(|r| {
            matches!(
                r.kind,
                Kind::Probe {
                    role: ProbeRole::Gateway,
                    ..
                }
            )
        })
        .collect();
    let gateway_unprobed = gateway_all.iter().find(unsent).map(|r| match &r.kind {
        Kind::Probe { target, detail, .. } => format!(
            "; the gateway {target} could not be probed ({})",
            detail.as_deref().unwrap_or("not permitted")
        ),
        _ => String::new(),
    });
    let gateway_probes: Vec<&Record> = gateway_all.iter().filter(|r| !unsent(r)).copied().collect();
    let gateway_ok = gateway_probes
        .iter()
        .filter(|r| matches!(r.kind, Kind::Probe { ok: true, .. }))
        .count();
    let gateway_failed = gateway_probes.len() - gateway_ok;
    let target_probe = timeline
        .iter()
        .filter(during)
        .find(|r| matches!(&r.kind, Kind::Probe { role: ProbeRole::Target, target, ok: false, .. } if *target == outage.target));
    let gateway_target = matches!(
        timeline
            .iter()
            .filter(during)
            .find(|r| matches!(&r.kind, Kind::Probe { target, .. } if *target == outage.target)),
        Some(Record {
            kind: Kind::Probe {
                role: ProbeRole::Gateway,
                ..
            },
            ..
        })
    );

    if gateway_failed > 0 && gateway_failed >= gateway_ok {
        let first_gw_fail = gateway_probes
            .iter()
            .find(|r| matches!(r.kind, Kind::Probe { ok: false, .. }))
            .map(|r| r.evidence());
        let gw_name = match gateway_probes.first().map(|r| &r.kind) {
            Some(Kind::Probe { target, .. }) => target.clone(),
            _ => "the gateway".into(),
        };
        let degradation = degradation(timeline, from, outage.end, th);
        let mut evidence: Vec<Evidence> = first_gw_fail.into_iter().collect();
        if let Some(r) = target_probe.filter(|_| !gateway_target) {
            evidence.push(r.evidence());
        }
        let last_sample = timeline.iter().rev().filter(around).find(|r| {
            matches!(
                r.kind,
                Kind::Sample {
                    connected: true,
                    ..
                }
            )
        });
        let gw_part = if gateway_target {
            String::new()
        } else {
            format!(" while the gateway {gw_name} did not answer either")
        };
        if !degradation.signs.is_empty() {
            evidence.extend(degradation.records.iter().map(|r| r.evidence()));
            return Verdict {
                cause: Cause::WifiDegraded,
                evidence,
                summary: format!(
                    "{what}{gw_part}; the laptop stayed associated but the Wi-Fi link was degraded ({})",
                    degradation.signs.join(", ")
                ),
            };
        }
        let link = match last_sample {
            Some(
                r @ Record {
                    kind:
                        Kind::Sample {
                            bssid, signal_dbm, ..
                        },
                    ..
                },
            ) => {
                evidence.push(r.evidence());
                format!(
                    "the Wi-Fi link stayed healthy (associated to {}{})",
                    mac(bssid),
                    signal_dbm.map_or(String::new(), |s| format!(", signal {s} dBm"))
                )
            }
            _ => "the laptop stayed associated".into(),
        };
        return Verdict {
            cause: Cause::Lan,
            evidence,
            summary: format!(
                "{what}{gw_part}; {link}: the local network (gateway/firewall) failed, not the Wi-Fi"
            ),
        };
    }

    // 3. The gateway answered (or was not probed): DNS, then the server.
    let dns_failure = timeline.iter().filter(during).find(
        |r| matches!(&r.kind, Kind::Probe { role: ProbeRole::Dns, target, ok: false, .. } if *target == outage.target),
    );
    if let Some(dns) = dns_failure {
        let detail = match &dns.kind {
            Kind::Probe {
                detail: Some(d), ..
            } => format!(" ({d})"),
            _ => String::new(),
        };
        let mut evidence = vec![dns.evidence()];
        evidence.extend(
            gateway_probes
                .iter()
                .find(|r| matches!(r.kind, Kind::Probe { ok: true, .. }))
                .map(|r| r.evidence()),
        );
        return Verdict {
            cause: Cause::Dns,
            evidence,
            summary: format!(
                "{what}: its name did not resolve{detail} while the gateway answered: DNS failed, not the Wi-Fi or the server"
            ),
        };
    }
    // A refusal is an answer from the server's machine: the path to it
    // worked, whether or not the gateway could be probed.
    let refused = matches!(
        target_probe.map(|r| &r.kind),
        Some(Kind::Probe {
            outcome: ProbeOutcome::Refused,
            ..
        })
    );
    let unprobed_note = gateway_unprobed.unwrap_or_default();
    if gateway_ok > 0 || refused {
        let mut evidence: Vec<Evidence> = target_probe.iter().map(|r| r.evidence()).collect();
        evidence.extend(
            gateway_probes
                .iter()
                .find(|r| matches!(r.kind, Kind::Probe { ok: true, .. }))
                .map(|r| r.evidence()),
        );
        let how = match target_probe.map(|r| &r.kind) {
            Some(Kind::Probe {
                outcome, detail, ..
            }) => match outcome {
                ProbeOutcome::Refused => {
                    "the server refused the connection (the machine is up, its service is not)"
                        .to_string()
                }
                ProbeOutcome::Timeout => "the server did not answer".to_string(),
                _ => format!(
                    "the server failed ({})",
                    detail.clone().unwrap_or_else(|| "no answer".into())
                ),
            },
            _ => "the server did not answer".into(),
        };
        return Verdict {
            cause: Cause::Server,
            evidence,
            summary: if gateway_ok > 0 {
                format!("{what}: the Wi-Fi and the gateway were fine, but {how}")
            } else {
                format!("{what}: the Wi-Fi was fine and {how}{unprobed_note}")
            },
        };
    }
    let evidence = target_probe.iter().map(|r| r.evidence()).collect();
    Verdict {
        cause: Cause::Unknown,
        evidence,
        summary: if unprobed_note.is_empty() {
            format!("{what}: no Wi-Fi event and no gateway measurement to tell where it failed")
        } else {
            format!("{what}: no Wi-Fi event and no gateway measurement to tell where it failed{unprobed_note}")
        },
    }
}

fn loss_text(kind: &Kind) -> String {
    match kind {
        Kind::Deauth {
            bssid,
            reason,
            reason_name,
            by: Initiator::Ap,
        } => format!(
            "the access point {} deauthenticated this laptop (reason {reason}, {reason_name})",
            mac(bssid)
        ),
        Kind::Disassoc {
            bssid,
            reason,
            reason_name,
            by: Initiator::Ap,
        } => format!(
            "the access point {} disassociated this laptop (reason {reason}, {reason_name})",
            mac(bssid)
        ),
        Kind::Disconnected {
            bssid,
            reason,
            reason_name,
            by: Initiator::Ap,
        } => format!(
            "the access point {} disconnected this laptop (reason {reason}, {reason_name})",
            mac(bssid)
        ),
        Kind::Deauth {
            bssid,
            reason,
            reason_name,
            ..
        }
        | Kind::Disassoc {
            bssid,
            reason,
            reason_name,
            ..
        }
        | Kind::Disconnected {
            bssid,
            reason,
            reason_name,
            ..
        } => format!(
            "this laptop left the access point {} (reason {reason}, {reason_name})",
            mac(bssid)
        ),
        Kind::Link { up: false } => "the Wi-Fi link went down".into(),
        Kind::InterfaceRemoved { name } => format!(
            "the Wi-Fi interface {} disappeared (unplugged, driver crash or reload)",
            name.as_deref().unwrap_or("")
        ),
        Kind::Roamed {
            from_bssid,
            to_bssid,
            gap_ms,
            ..
        } => format!(
            "the laptop moved from access point {} to {} and was off the air for {}",
            mac(from_bssid),
            mac(to_bssid),
            seconds(*gap_ms)
        ),
        Kind::Sample {
            connected: false, ..
        } => "the laptop was not associated with any access point".into(),
        other => super::event::describe(other),
    }
}

struct Degradation<'a> {
    signs: Vec<String>,
    records: Vec<&'a Record>,
}

/// Signs that the (still associated) link was bad between `from` and `to`.
fn degradation<'a>(
    timeline: &'a [Record],
    from: Millis,
    to: Millis,
    th: &Thresholds,
) -> Degradation<'a> {
    let mut signs = Vec::new();
    let mut records = Vec::new();
    let window = timeline.iter().filter(|r| r.ts >= from && r.ts <= to);
    let mut weakest: Option<(&Record, i32)> = None;
    let (mut packets, mut retries, mut lost_beacons) = (0u64, 0u64, 0u64);
    let mut retry_record = None;
    let mut beacon_record = None;
    for r in window {
        match &r.kind {
            Kind::Sample {
                connected: true,
                signal_dbm,
                tx_packets,
                tx_retries,
                beacon_loss,
                ..
            } => {
                if let Some(s) = *signal_dbm {
                    if weakest.is_none_or(|(_, w)| s < w) {
                        weakest = Some((r, s));
                    }
                }
                packets += u64::from(tx_packets.unwrap_or(0));
                if tx_retries.unwrap_or(0) > 0 {
                    retries += u64::from(tx_retries.unwrap_or(0));
                    retry_record.get_or_insert(r);
                }
                if beacon_loss.unwrap_or(0) > 0 {
                    lost_beacons += u64::from(beacon_loss.unwrap_or(0));
                    beacon_record.get_or_insert(r);
                }
            }
            Kind::CqmRssi {
                crossing: Crossing::Low,
                ..
            }
            | Kind::CqmBeaconLoss
            | Kind::CqmPacketLoss { .. } => {
                signs.push(super::event::describe(&r.kind));
                records.push(r);
            }
            _ => {}
        }
    }
    if let Some((r, s)) = weakest.filter(|(_, s)| *s < th.weak_signal_dbm) {
        signs.insert(
            0,
            format!("signal {s} dBm, below {} dBm", th.weak_signal_dbm),
        );
        records.insert(0, r);
    }
    if packets >= u64::from(crate::health::MIN_PACKETS_FOR_RATES) {
        let pct = retries as f64 * 100.0 / packets as f64;
        if pct > th.retry_pct {
            signs.push(format!(
                "{pct:.0} % of packets retried, above {} %",
                th.retry_pct
            ));
            records.extend(retry_record);
        }
    }
    if lost_beacons > 0 {
        signs.push(format!("{lost_beacons} beacon loss event(s)"));
        records.extend(beacon_record);
    }
    Degradation { signs, records }
}

#[cfg(test)]
mod tests;
