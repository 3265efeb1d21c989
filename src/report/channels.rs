//! `wifidiag channels`: the `wifidiag.channels/1` document and its tables.

use super::table::{new_table, SafeRows, NONE};
use crate::channels::observe::when_present;
use crate::channels::{on_20mhz_grid, ChannelAnalysis, Contribution, Radio};
use crate::freq::{Band, Channel};
use crate::model::{MacAddr, Mhz, Ssid};
use crate::neighbourhood::{Coverage, Method};
use crate::output::round_to;
use crate::output::{Envelope, Redact, Redactor};
use crate::watch::event::Millis;
use crate::watch::read::ReadStats;
use serde::Serialize;
use std::io::{self, Write};

/// The schema identifier of this document.
pub const SCHEMA: &str = "wifidiag.channels/1";

/// The `wifidiag channels --json` document.
#[derive(Debug, Serialize)]
pub struct ChannelsReport {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub interface: String,
    /// `scan` (this run scanned) or `log` (`--from-log`: the scans of
    /// watch logs; see `logs`).
    pub source: &'static str,
    /// What the logs held, with `--from-log`; null otherwise.
    pub logs: Option<LogSource>,
    /// The network treated as the user's own (excluded from interference).
    pub own_ssid: Option<Ssid>,
    pub width_mhz: u32,
    pub samples: usize,
    /// False when the scans were the kernel's cache (see `notice`).
    pub fresh: bool,
    pub notice: Option<String>,
    /// How the neighbourhood was surveyed and how complete it is; null
    /// when no scan was made.
    pub scan: Option<ScanCoverageEntry>,
    /// Overall confidence: `high`, `medium`, `low`.
    pub confidence: &'static str,
    /// Inputs that were missing or weak, in words.
    pub missing: Vec<String>,
    pub recommendations: Vec<RecommendationEntry>,
    /// Every channel of the phy in 2.4/5/6 GHz; lower score = better.
    pub channels: Vec<ChannelEntry>,
    /// The user's own access points (each contends with the others).
    pub own_network: Vec<RadioEntry>,
    /// A channel for each of your access points heard, by band.
    pub plan: Vec<PlanEntryJson>,
    /// The plan moves no access point (the current channels are already as
    /// good, within the switching margin); also true without a plan.
    pub plan_unchanged: bool,
}

/// How the neighbourhood was surveyed (see [`crate::neighbourhood`]),
/// over every sample.
#[derive(Debug, Serialize)]
pub struct ScanCoverageEntry {
    /// `passive-dwell`, `repeated` or `cached` (`cached` when any sample
    /// could not scan).
    pub mode: &'static str,
    /// Scan rounds made, over all samples.
    pub rounds: u32,
    /// Channels each round covered.
    pub channels: usize,
    /// Dwell per channel set by wifidiag; null when the driver chose it.
    pub dwell_ms: Option<u32>,
    /// Every sample's last round added no BSSID.
    pub stable: bool,
    /// Why the (last) survey stopped: `stable`, `budget`, `max-rounds`,
    /// `refused`, `timed-out`.
    pub stopped: &'static str,
    /// BSSes and hidden BSSes heard, and radios carrying a hidden network.
    pub bssids: usize,
    pub hidden_bsses: usize,
    pub hidden_radios: usize,
    /// Time the surveys took, in milliseconds.
    pub elapsed_ms: u64,
}

impl ScanCoverageEntry {
    fn new(surveys: &[Coverage], radios: &[Radio]) -> Option<Self> {
        let last = surveys.last()?;
        let cached = surveys.iter().any(|c| c.method == Method::Cached);
        Some(ScanCoverageEntry {
            mode: if cached {
                Method::Cached.label()
            } else {
                surveys[0].method.label()
            },
            rounds: surveys.iter().map(|c| c.rounds).sum(),
            channels: surveys.iter().map(|c| c.channels).max().unwrap_or(0),
            dwell_ms: surveys[0].dwell_ms,
            stable: surveys.iter().all(|c| c.stable),
            stopped: last.stop.label(),
            bssids: radios.iter().map(|r| r.bssids.len()).sum(),
            hidden_bsses: radios.iter().map(|r| r.hidden_bsses).sum(),
            hidden_radios: radios.iter().filter(|r| r.hidden_bsses > 0).count(),
            elapsed_ms: surveys.iter().map(|c| c.elapsed.as_millis() as u64).sum(),
        })
    }

    /// The page's one line about it.
    fn line(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let heard = format!(
            "{} heard, {}",
            plural(self.bssids, "BSS", "BSSes"),
            plural(self.hidden_radios, "hidden radio", "hidden radios")
        );
        if self.mode == Method::Cached.label() {
            return format!(
                "Neighbourhood: the kernel's cached scan results, not a survey: hidden networks may be missing; {heard}."
            );
        }
        let how = format!(
            "{} over {}{}",
            plural(
                self.rounds as usize,
                "passive scan round",
                "passive scan rounds"
            ),
            plural(self.channels, "channel", "channels"),
            self.dwell_ms
                .map_or(String::new(), |d| format!(" ({d} ms per channel)"))
        );
        if self.stable {
            format!("Neighbourhood: complete: {how}, the last one heard nothing new; {heard}.")
        } else {
            format!(
                "Neighbourhood: maybe incomplete: {how}, still growing when the {} ran out: hidden \
                 networks may be missing; {heard}.",
                if self.stopped == "max-rounds" {
                    "rounds"
                } else {
                    "time"
                }
            )
        }
    }
}

/// The scans `--from-log` scored from.
#[derive(Debug, Clone, Serialize)]
pub struct LogSource {
    /// The logs read, in order.
    pub files: Vec<String>,
    /// `scan` records used (each one sample).
    pub samples: usize,
    /// Distinct local days with a sample.
    pub days: usize,
    pub first_ts: Option<Millis>,
    pub last_ts: Option<Millis>,
    /// Distinct BSSIDs heard.
    pub bss_count: usize,
    /// Samples that were the kernel's cache (the watch could not scan).
    pub cached_samples: usize,
    /// The lines read and skipped, as `wifidiag.report/2` counts them.
    pub lines: ReadStats,
    /// The period in the reader's local time, for the page.
    #[serde(skip)]
    pub span_text: String,
}

/// One access point's channel in the plan.
#[derive(Debug, Serialize)]
pub struct PlanEntryJson {
    /// The radio's first BSSID.
    pub bssid: MacAddr,
    /// Index into `own_network`.
    pub radio: usize,
    pub band: Band,
    pub current_channel: u16,
    pub channel: u16,
    /// What the access point suffers now, and with the plan.
    pub current_score: f64,
    pub score: f64,
    /// `current_score - score`.
    pub gain: f64,
    pub reasons: Vec<String>,
}

/// One recommendation.
#[derive(Debug, Serialize)]
pub struct RecommendationEntry {
    pub band: Band,
    pub channel: u16,
    pub width_mhz: u32,
    pub current_channel: Option<u16>,
    pub score: f64,
    pub current_score: Option<f64>,
    pub confidence: &'static str,
    pub reasons: Vec<String>,
    /// The radios that weigh most on the recommended channel.
    pub contributors: Vec<ContributorEntry>,
}

/// One channel's rating.
#[derive(Debug, Serialize)]
pub struct ChannelEntry {
    pub channel: u16,
    pub freq_mhz: Mhz,
    pub band: Band,
    /// Null when no valid block of the requested width has this primary.
    pub score: Option<f64>,
    pub bss_count: usize,
    pub radio_count: usize,
    pub strongest_dbm: Option<i32>,
    pub utilization_pct: Option<f64>,
    pub busy_pct: Option<f64>,
    pub dfs: bool,
    pub no_ir: bool,
    pub psc: bool,
    pub allowed: bool,
    pub contributors: Vec<ContributorEntry>,
    /// Considered by the recommendation and the plan.
    pub candidate: bool,
    /// What weighs on it, in words.
    pub summary: String,
}

/// A neighbour radio's share of a score.
#[derive(Debug, Serialize)]
pub struct ContributorEntry {
    pub bssids: Vec<MacAddr>,
    pub ssids: Vec<Ssid>,
    pub hidden_bsses: usize,
    pub channel: Option<u16>,
    pub width_mhz: u32,
    pub signal_dbm: Option<i32>,
    pub utilization_pct: Option<f64>,
    pub presence: f64,
    /// From logs: per local hour 0..23, the share of that hour's samples
    /// it was heard in (null where no sample fell); null for a live run.
    pub presence_by_hour: Option<Vec<Option<f64>>>,
    /// From logs, when it is heard only part of the day: the local hours it
    /// is there ("11:00–14:00"); null otherwise.
    pub present_hours: Option<String>,
    pub overlap: f64,
    pub weight: f64,
    /// One of your own access points (they contend like neighbours).
    pub own: bool,
}

/// A radio of the user's own network.
#[derive(Debug, Serialize)]
pub struct RadioEntry {
    pub bssids: Vec<MacAddr>,
    pub ssids: Vec<Ssid>,
    pub band: Option<Band>,
    pub channel: Option<u16>,
    pub width_mhz: u32,
    pub signal_dbm: Option<i32>,
    /// Share of the samples it was heard in, and by hour (see
    /// `contributors[]`).
    pub presence: f64,
    pub presence_by_hour: Option<Vec<Option<f64>>>,
    pub present_hours: Option<String>,
}

/// A radio's presence by hour, rounded, and the hours it is there.
fn hourly(r: &Radio) -> (Option<Vec<Option<f64>>>, Option<String>) {
    match &r.presence_by_hour {
        Some(h) => (
            Some(h.iter().map(|p| p.map(|p| round_to(p, 2))).collect()),
            when_present(h),
        ),
        None => (None, None),
    }
}

fn contributor(radios: &[Radio], c: &Contribution) -> ContributorEntry {
    let r = &radios[c.radio];
    let (presence_by_hour, present_hours) = hourly(r);
    ContributorEntry {
        bssids: r.bssids.clone(),
        ssids: r.ssids.clone(),
        hidden_bsses: r.hidden_bsses,
        channel: r.channel.map(|c| c.number),
        width_mhz: r.width_mhz,
        signal_dbm: r.signal.map(|d| d.0),
        utilization_pct: r.utilization_pct.map(|u| round_to(u, 1)),
        presence: round_to(r.presence, 2),
        presence_by_hour,
        present_hours,
        overlap: round_to(c.overlap, 2),
        weight: round_to(c.weight, 2),
        own: r.own,
    }
}

/// What the command knows besides the analysis.
pub struct ChannelsContext {
    pub envelope: Envelope,
    pub interface: String,
    /// With `--from-log`: what the logs held.
    pub logs: Option<LogSource>,
    pub own_ssid: Option<Ssid>,
    pub width_mhz: u32,
    pub samples: usize,
    pub fresh: bool,
    pub notice: Option<String>,
    /// The coverage of each sample's survey; empty when nothing was
    /// scanned.
    pub scan: Vec<Coverage>,
}

impl Redact for ChannelsReport {
    fn redact(&mut self, r: &Redactor) {
        let text = |t: &mut String| *t = r.redact_text(t);
        let radio = |bssids: &mut Vec<MacAddr>, ssids: &mut Vec<Ssid>| {
            bssids.iter_mut().for_each(|b| *b = r.mac_addr(*b));
            ssids.iter_mut().for_each(|s| *s = r.ssid_value(s));
        };
        self.envelope.redact(r);
        text(&mut self.interface);
        if let Some(logs) = &mut self.logs {
            logs.files.iter_mut().for_each(text);
            logs.lines.first_other_schema.iter_mut().for_each(text);
        }
        self.own_ssid = self.own_ssid.as_ref().map(|s| r.ssid_value(s));
        self.notice.iter_mut().for_each(text);
        self.missing.iter_mut().for_each(text);
        let contributors = self
            .recommendations
            .iter_mut()
            .flat_map(|rec| {
                rec.reasons.iter_mut().for_each(text);
                rec.contributors.iter_mut()
            })
            .chain(
                self.channels
                    .iter_mut()
                    .flat_map(|c| c.contributors.iter_mut()),
            );
        for c in contributors {
            radio(&mut c.bssids, &mut c.ssids);
        }
        for c in &mut self.channels {
            text(&mut c.summary);
        }
        for o in &mut self.own_network {
            radio(&mut o.bssids, &mut o.ssids);
        }
        for p in &mut self.plan {
            p.bssid = r.mac_addr(p.bssid);
            p.reasons.iter_mut().for_each(text);
        }
    }
}

impl ChannelsReport {
    pub fn new(ctx: ChannelsContext, a: &ChannelAnalysis) -> Self {
        ChannelsReport {
            envelope: ctx.envelope,
            interface: ctx.interface,
            source: if ctx.logs.is_some() { "log" } else { "scan" },
            logs: ctx.logs,
            own_ssid: ctx.own_ssid,
            width_mhz: ctx.width_mhz,
            samples: ctx.samples,
            fresh: ctx.fresh,
            notice: ctx.notice,
            scan: ScanCoverageEntry::new(&ctx.scan, &a.radios),
            confidence: a.confidence.label(),
            missing: a.missing.clone(),
            recommendations: a
                .recommendations
                .iter()
                .map(|r| RecommendationEntry {
                    band: r.band,
                    channel: r.channel,
                    width_mhz: r.width_mhz,
                    current_channel: r.current_channel,
                    score: r.score,
                    current_score: r.current_score,
                    confidence: r.confidence.label(),
                    reasons: r.reasons.clone(),
                    contributors: r
                        .contributors
                        .iter()
                        .map(|c| contributor(&a.radios, c))
                        .collect(),
                })
                .collect(),
            channels: a
                .channels
                .iter()
                .map(|c| ChannelEntry {
                    channel: c.channel.number,
                    freq_mhz: c.freq,
                    band: c.channel.band,
                    score: c.score,
                    bss_count: c.bss_count,
                    radio_count: c.radio_count,
                    strongest_dbm: c.strongest.map(|d| d.0),
                    utilization_pct: c.utilization_pct.map(|u| round_to(u, 1)),
                    busy_pct: c.busy_pct,
                    dfs: c.dfs,
                    no_ir: c.no_ir,
                    psc: c.psc,
                    allowed: c.allowed,
                    contributors: c
                        .contributors
                        .iter()
                        .map(|x| contributor(&a.radios, x))
                        .collect(),
                    candidate: c.candidate,
                    summary: c.summary.clone(),
                })
                .collect(),
            own_network: a
                .radios
                .iter()
                .filter(|r| r.own)
                .map(|r| {
                    let (presence_by_hour, present_hours) = hourly(r);
                    RadioEntry {
                        bssids: r.bssids.clone(),
                        ssids: r.ssids.clone(),
                        band: r.channel.map(|c| c.band),
                        channel: r.channel.map(|c| c.number),
                        width_mhz: r.width_mhz,
                        signal_dbm: r.signal.map(|d| d.0),
                        presence: round_to(r.presence, 2),
                        presence_by_hour,
                        present_hours,
                    }
                })
                .collect(),
            plan: a
                .plan
                .iter()
                .map(|p| PlanEntryJson {
                    bssid: a.radios[p.radio].bssids[0],
                    radio: a.radios[..p.radio].iter().filter(|r| r.own).count(),
                    band: p.band,
                    current_channel: p.current_channel,
                    channel: p.channel,
                    current_score: p.current_score,
                    score: p.score,
                    gain: p.gain,
                    reasons: p.reasons.clone(),
                })
                .collect(),
            plan_unchanged: a.plan_unchanged,
        }
    }

    /// The page a technician reads: the plan (or recommendation) first,
    /// then for each band the network uses its current channels and the
    /// best alternatives with what weighs on them; a line for each other
    /// band; the full per-channel tables only with `all`.
    pub fn write_human(&self, out: &mut impl Write, styled: bool, all: bool) -> io::Result<()> {
        let safe = |t: &str| crate::escape::terminal_safe(t).into_owned();
        let own = self.own_ssid.as_ref().map_or_else(
            || "none given".to_string(),
            |s| format!("\"{}\"", s.escaped()),
        );
        match &self.logs {
            Some(logs) => writeln!(
                out,
                "Channels from the scans of {} watch log{} ({} scan{} over {} day{}, {}; {} MHz width, own network: {own}); lower score = less congested.",
                logs.files.len(),
                if logs.files.len() == 1 { "" } else { "s" },
                logs.samples,
                if logs.samples == 1 { "" } else { "s" },
                logs.days,
                if logs.days == 1 { "" } else { "s" },
                safe(&logs.span_text),
                self.width_mhz
            )?,
            None => writeln!(
                out,
                "Channels seen from {} ({} sample{}, {} MHz width, own network: {own}); lower score = less congested.",
                safe(&self.interface),
                self.samples,
                if self.samples == 1 { "" } else { "s" },
                self.width_mhz
            )?,
        }
        if let Some(scan) = &self.scan {
            writeln!(out, "{}", scan.line())?;
        }
        let bands = [Band::Ghz2_4, Band::Ghz5, Band::Ghz6];
        let used: Vec<Band> = bands
            .into_iter()
            .filter(|b| self.own_network.iter().any(|o| o.band == Some(*b)))
            .collect();
        // Without a network of ours, every band is worth a look.
        let shown: Vec<Band> = if used.is_empty() {
            bands.to_vec()
        } else {
            used.clone()
        };

        // What to do: the plan where two or more of ours share a band,
        // else the recommendation.
        for &band in &shown {
            let plan: Vec<&PlanEntryJson> = self.plan.iter().filter(|p| p.band == band).collect();
            if plan.len() >= 2 {
                writeln!(out)?;
                self.write_plan(out, band, &plan)?;
            } else if let Some(r) = self.recommendations.iter().find(|r| r.band == band) {
                writeln!(out)?;
                let current = r.current_channel.map_or(String::new(), |c| {
                    format!(
                        " (now {c}, score {:.2})",
                        r.current_score.unwrap_or_default()
                    )
                });
                writeln!(
                    out,
                    "{}: recommend channel {} at {} MHz, score {:.2}{current}, confidence {}",
                    r.band, r.channel, r.width_mhz, r.score, r.confidence
                )?;
                for reason in &r.reasons {
                    writeln!(out, "  - {}", safe(reason))?;
                }
            }
        }

        // Per band: where we are and the best alternatives.
        for &band in &shown {
            self.write_alternatives(out, styled, band)?;
        }
        if self.logs.is_some() {
            self.write_part_time(out, &shown)?;
        }
        if !used.is_empty() {
            // Bands the radio has (or, from logs, that were heard at all).
            let others: Vec<Band> = bands
                .into_iter()
                .filter(|b| !used.contains(b) && self.channels.iter().any(|c| c.band == *b))
                .collect();
            if !others.is_empty() {
                writeln!(out)?;
            }
            for band in others {
                let heard = self
                    .channels
                    .iter()
                    .filter(|c| c.band == band)
                    .map(|c| c.radio_count)
                    .sum::<usize>();
                let best = self
                    .recommendations
                    .iter()
                    .find(|r| r.band == band)
                    .map_or(String::new(), |r| {
                        format!("; quietest channel {} (score {:.2})", r.channel, r.score)
                    });
                writeln!(
                    out,
                    "{band}: not used by your network; {heard} neighbour radio{} heard{best}{}",
                    if heard == 1 { "" } else { "s" },
                    if all {
                        ""
                    } else {
                        " (--all lists every channel)"
                    }
                )?;
            }
        }
        if all {
            self.write_full_tables(out, styled)?;
        }
        if !self.missing.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "Confidence {}; missing or weak inputs:",
                self.confidence
            )?;
            for m in &self.missing {
                writeln!(out, "  - {}", safe(m))?;
            }
        }
        if let Some(notice) = &self.notice {
            writeln!(out, "Note: {}", safe(notice))?;
        }
        writeln!(out, "How scores are computed: docs/channel-scoring.md")
    }

    fn write_plan(
        &self,
        out: &mut impl Write,
        band: Band,
        plan: &[&PlanEntryJson],
    ) -> io::Result<()> {
        let moves = plan
            .iter()
            .filter(|p| p.channel != p.current_channel)
            .count();
        let now: f64 = plan.iter().map(|p| p.current_score).sum();
        let then: f64 = plan.iter().map(|p| p.score).sum();
        if moves == 0 {
            writeln!(
                out,
                "{band}: plan for your {} access points: keep every channel, no other plan is clearly \
                 better (total score {now:.2}); confidence {}",
                plan.len(),
                self.confidence
            )?;
        } else {
            writeln!(
                out,
                "{band}: plan for your {} access points: move {moves} of them, total score {now:.2} → \
                 {then:.2}; confidence {}",
                plan.len(),
                self.confidence
            )?;
        }
        for p in plan {
            let what = if p.channel == p.current_channel {
                format!("stay on {}, score {:.2}", p.channel, p.score)
            } else {
                format!(
                    "{} → {}, score {:.2} → {:.2}",
                    p.current_channel, p.channel, p.current_score, p.score
                )
            };
            writeln!(out, "  {}  {what}", p.bssid)?;
            for reason in &p.reasons {
                writeln!(out, "    - {}", crate::escape::terminal_safe(reason))?;
            }
        }
        Ok(())
    }

    /// From logs: the neighbours of the shown bands heard only part of the
    /// time, how often and when (the loudest first, a few).
    fn write_part_time(&self, out: &mut impl Write, bands: &[Band]) -> io::Result<()> {
        let mut seen: Vec<&ContributorEntry> = Vec::new();
        for c in self.channels.iter().filter(|c| bands.contains(&c.band)) {
            for x in &c.contributors {
                if !x.own
                    && x.presence < PART_TIME
                    && !seen.iter().any(|s| s.bssids.first() == x.bssids.first())
                {
                    seen.push(x);
                }
            }
        }
        if seen.is_empty() {
            return Ok(());
        }
        seen.sort_by_key(|x| std::cmp::Reverse(x.signal_dbm.unwrap_or(i32::MIN)));
        writeln!(out)?;
        writeln!(
            out,
            "Heard only part of the time (each weighs by its share of the scans):"
        )?;
        for x in seen.iter().take(PART_TIME_SHOWN) {
            let name = x
                .ssids
                .first()
                .map_or_else(|| "hidden".to_string(), |s| format!("\"{}\"", s.escaped()));
            let line = format!(
                "  {} {name} on {}{}: present in {:.0} % of the scans{}",
                x.bssids.first().map_or(String::new(), |b| b.to_string()),
                x.channel.map_or("?".into(), |c| c.to_string()),
                x.signal_dbm
                    .map_or(String::new(), |s| format!(" at {s} dBm")),
                x.presence * 100.0,
                x.present_hours
                    .as_ref()
                    .map_or(String::new(), |h| format!(", {h}"))
            );
            writeln!(out, "{}", crate::escape::terminal_safe(&line))?;
        }
        if seen.len() > PART_TIME_SHOWN {
            writeln!(
                out,
                "  … and {} more (--json lists them)",
                seen.len() - PART_TIME_SHOWN
            )?;
        }
        Ok(())
    }

    /// The channels of ours in the band and the best few candidates.
    fn write_alternatives(&self, out: &mut impl Write, styled: bool, band: Band) -> io::Result<()> {
        let ours: Vec<u16> = self
            .own_network
            .iter()
            .filter(|o| o.band == Some(band))
            .filter_map(|o| o.channel)
            .collect();
        let now = self
            .recommendations
            .iter()
            .find(|r| r.band == band)
            .and_then(|r| r.current_channel);
        let mut best: Vec<&ChannelEntry> = self
            .channels
            .iter()
            .filter(|c| c.band == band && c.candidate && c.score.is_some())
            .filter(|c| !ours.contains(&c.channel))
            .collect();
        if best.is_empty() && ours.is_empty() {
            return Ok(());
        }
        best.sort_by(|a, b| {
            a.score
                .unwrap_or_default()
                .total_cmp(&b.score.unwrap_or_default())
                .then(a.channel.cmp(&b.channel))
        });
        let mut rows: Vec<&ChannelEntry> = self
            .channels
            .iter()
            .filter(|c| c.band == band && ours.contains(&c.channel))
            .collect();
        rows.extend(best.into_iter().take(ALTERNATIVES));
        writeln!(out)?;
        writeln!(
            out,
            "{band}: {} and the best alternatives{}:",
            match ours.len() {
                0 => "no access point of yours heard".to_string(),
                1 => "your channel".to_string(),
                _ => "your channels".to_string(),
            },
            now.filter(|_| ours.len() > 1)
                .map_or(String::new(), |n| format!(
                    " (scores for your access point on {n}, the one this laptop uses)"
                ))
        )?;
        let mut table = new_table(styled, &["Ch", "Score", "Flags", "What weighs on it"]);
        for c in rows {
            table.add_safe_row(vec![
                c.channel.to_string(),
                c.score.map_or(NONE.into(), |s| format!("{s:.2}")),
                self.flags(c).join(", "),
                c.summary.clone(),
            ]);
        }
        writeln!(out, "{table}")
    }

    fn flags(&self, c: &ChannelEntry) -> Vec<&'static str> {
        let mut flags = Vec::new();
        if !c.allowed {
            flags.push("not allowed");
        }
        if c.dfs {
            flags.push("DFS");
        }
        if c.no_ir {
            flags.push("no-IR");
        }
        if c.psc {
            flags.push("PSC");
        }
        if self
            .own_network
            .iter()
            .any(|o| o.band == Some(c.band) && o.channel == Some(c.channel))
        {
            flags.push("yours");
        }
        flags
    }

    /// Every allowed or crowded 20 MHz channel of every band (`--all`).
    fn write_full_tables(&self, out: &mut impl Write, styled: bool) -> io::Result<()> {
        for band in [Band::Ghz2_4, Band::Ghz5, Band::Ghz6] {
            let rows: Vec<&ChannelEntry> = self
                .channels
                .iter()
                .filter(|c| c.band == band && (c.allowed || c.bss_count > 0))
                // 5/10 MHz and centre-only channel numbers stay in the JSON.
                .filter(|c| {
                    on_20mhz_grid(Channel {
                        band,
                        number: c.channel,
                    })
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            writeln!(out)?;
            let mut table = new_table(
                styled,
                &[
                    "Band",
                    "Ch",
                    "Score",
                    "BSSes",
                    "Radios",
                    "Strongest",
                    "Load",
                    "Busy",
                    "Flags",
                ],
            );
            for c in rows {
                table.add_safe_row(vec![
                    band.to_string(),
                    c.channel.to_string(),
                    c.score.map_or(NONE.into(), |s| format!("{s:.2}")),
                    c.bss_count.to_string(),
                    c.radio_count.to_string(),
                    c.strongest_dbm.map_or(NONE.into(), |d| format!("{d} dBm")),
                    c.utilization_pct
                        .map_or(NONE.into(), |u| format!("{u:.0} %")),
                    c.busy_pct.map_or(NONE.into(), |b| format!("{b:.0} %")),
                    self.flags(c).join(", "),
                ]);
            }
            writeln!(out, "{table}")?;
        }
        Ok(())
    }
}

/// How many alternatives per band the page shows besides your channels.
pub const ALTERNATIVES: usize = 3;
/// From logs, a neighbour heard in less than this share of the scans is
/// listed under "Heard only part of the time", at most
/// [`PART_TIME_SHOWN`] of them.
pub const PART_TIME: f64 = crate::channels::PART_TIME_PRESENCE;
pub const PART_TIME_SHOWN: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    fn contributor(bssid: [u8; 6], ssid: &str) -> ContributorEntry {
        ContributorEntry {
            bssids: vec![MacAddr(bssid)],
            ssids: vec![Ssid(ssid.as_bytes().to_vec())],
            hidden_bsses: 0,
            channel: Some(6),
            width_mhz: 20,
            signal_dbm: Some(-60),
            utilization_pct: None,
            presence: 0.3,
            presence_by_hour: None,
            present_hours: Some("12:00–13:00".into()),
            overlap: 1.0,
            weight: 0.8,
            own: false,
        }
    }

    #[test]
    fn redaction_hides_identities_in_the_text_too() {
        let report = ChannelsReport {
            envelope: Envelope {
                schema: SCHEMA,
                tool_version: "t",
                timestamp: "2026-11-27T00:00:00.000Z".into(),
                hostname: Some("reception-laptop".into()),
            },
            interface: "wlx001b63aabbcc".into(),
            source: "log",
            logs: Some(LogSource {
                files: vec!["/var/log/wifidiag/wlx001b63aabbcc.jsonl".into()],
                samples: 10,
                days: 1,
                first_ts: None,
                last_ts: None,
                bss_count: 2,
                cached_samples: 0,
                lines: ReadStats::default(),
                span_text: "2026-11-27".into(),
            }),
            own_ssid: Some(Ssid(b"Dr Smith's clinic".to_vec())),
            width_mhz: 20,
            samples: 1,
            fresh: true,
            notice: None,
            scan: None,
            confidence: "high",
            missing: vec![],
            recommendations: vec![RecommendationEntry {
                band: Band::Ghz2_4,
                channel: 1,
                width_mhz: 20,
                current_channel: Some(6),
                score: 0.1,
                current_score: Some(1.2),
                confidence: "high",
                reasons: vec![
                    "another access point of your own network (00:1b:63:00:00:07) already \
                     uses channel 11"
                        .into(),
                ],
                contributors: vec![contributor([2, 0, 0, 0, 1, 0], "Cafe Guest")],
            }],
            channels: vec![ChannelEntry {
                channel: 6,
                freq_mhz: Mhz(2437),
                band: Band::Ghz2_4,
                score: Some(1.2),
                bss_count: 1,
                radio_count: 1,
                strongest_dbm: Some(-60),
                utilization_pct: None,
                busy_pct: None,
                dfs: false,
                no_ir: false,
                psc: false,
                allowed: true,
                contributors: vec![contributor([2, 0, 0, 0, 1, 0], "Cafe Guest")],
                candidate: true,
                summary: "your access point 00:1b:63:00:00:07 at -50 dBm".into(),
            }],
            own_network: vec![RadioEntry {
                bssids: vec![MacAddr([0, 0x1b, 0x63, 0, 0, 7])],
                ssids: vec![Ssid(b"Dr Smith's clinic".to_vec())],
                band: Some(Band::Ghz2_4),
                channel: Some(6),
                width_mhz: 20,
                signal_dbm: Some(-50),
                presence: 1.0,
                presence_by_hour: None,
                present_hours: None,
            }],
            plan: vec![PlanEntryJson {
                bssid: MacAddr([0, 0x1b, 0x63, 0, 0, 7]),
                radio: 0,
                band: Band::Ghz2_4,
                current_channel: 6,
                channel: 1,
                current_score: 1.2,
                score: 0.1,
                gain: 1.1,
                reasons: vec![
                    "move from channel 6 to 1: your access point 00:1b:63:00:00:07".into(),
                ],
            }],
            plan_unchanged: false,
        };
        let render = |r: &ChannelsReport| {
            let mut buf = Vec::new();
            r.write_human(&mut buf, false, true).unwrap();
            String::from_utf8(buf).unwrap()
        };
        let (text, json) = super::super::check_redaction(
            report,
            render,
            &[
                "reception-laptop",
                "00:1b:63:00:00:07",
                "02:00:00:00:01:00",
                "Smith",
                "Cafe Guest",
                "001b63aabbcc",
            ],
        );
        let own = json["own_ssid"].as_str().unwrap();
        assert!(own.starts_with("ssid-") && text.contains(own), "{text}");
        let own_bssid = json["own_network"][0]["bssids"][0].as_str().unwrap();
        assert!(text.contains(own_bssid), "{own_bssid} not in\n{text}");
    }
}
