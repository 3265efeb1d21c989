//! Channel congestion scoring and recommendations: the model behind
//! `wifidiag channels`, documented in `docs/channel-scoring.md`.
//!
//! Pure: it takes the phy's channel list (with regulatory flags), one or
//! more decoded scans, an optional survey and the user's own SSID, and
//! returns a score per channel (lower is better), the contributors behind
//! each score, and one recommendation per band with its reasons. Every
//! constant below is a documented weight; change the document with it.

use crate::freq::{self, Band, Channel};
use crate::model::{Dbm, MacAddr, Mhz, PhyChannel, Ssid, SurveyEntry};
use crate::output::round_to;
use crate::scan::{self, BssView};
use observe::Observations;
use std::collections::BTreeMap;

/// Received power (dBm) at which a neighbour counts half: the signal weight
/// is `P / (P + P_ref)` in milliwatts, so a strong neighbour counts ~1
/// (it wins contention every time it talks), −75 dBm counts 0.5 and
/// −85 dBm 0.09.
pub const SIGNAL_REFERENCE_DBM: f64 = -75.0;
/// The load factor is `LOAD_BASE + utilisation` (0..1) when the neighbour
/// advertises BSS Load, and [`LOAD_UNKNOWN`] (= an assumed 50 % load) when
/// it does not.
pub const LOAD_BASE: f64 = 0.5;
pub const LOAD_UNKNOWN: f64 = 1.0;
/// Weight of a 5/6 GHz neighbour whose primary 20 MHz channel lies outside
/// the candidate block but whose wider channel overlaps it: it uses our
/// spectrum only when it transmits at full width.
pub const SECONDARY_OVERLAP: f64 = 0.5;
/// On 2.4 GHz a transmission occupies about 22 MHz (the DSSS/OFDM spectral
/// mask), so channels 5 MHz apart overlap partly.
pub const MASK_2G_MHZ: u32 = 22;
/// Score added for a channel measured 100 % busy by the survey (the
/// equivalent of two strong, fully loaded neighbour radios).
pub const BUSY_WEIGHT: f64 = 2.0;
/// A different channel is recommended only when it beats the current one
/// by this much (absolute) and by [`SWITCH_MARGIN_RATIO`] (relative):
/// moving an access point disconnects everyone, so a small gain is no
/// reason to move.
pub const SWITCH_MARGIN_ABS: f64 = 0.3;
pub const SWITCH_MARGIN_RATIO: f64 = 0.2;
/// Scores closer than this are a tie (survey busy time jitters by a few
/// tenths of a percent between channels); ties go to the lower channel.
pub const TIE_TOLERANCE: f64 = 0.05;
/// A DFS channel (5 GHz) or a non-PSC channel (6 GHz) is recommended over
/// the best preferred channel only when it is better by this much.
pub const CLEARLY_BETTER_ABS: f64 = 0.5;
/// From logs, the words for a channel say how often a neighbour heard in
/// less than this share of the scans was there, and when.
pub const PART_TIME_PRESENCE: f64 = 0.9;

/// What the scoring is given.
#[derive(Debug, Clone, Copy)]
pub struct ChannelInputs<'a> {
    /// The phy's channels with their regulatory flags.
    pub phy_channels: &'a [PhyChannel],
    /// One decoded scan per sample (`--samples N`).
    pub samples: &'a [Vec<BssView>],
    /// Samples already merged (`--from-log`): used instead of `samples`.
    pub observed: Option<&'a Observations>,
    /// Survey of the radio; may be empty.
    pub survey: &'a [SurveyEntry],
    /// The user's own network: excluded from interference, shown apart.
    pub own_ssid: Option<&'a Ssid>,
    /// The width to recommend for (20, 40, 80, 160).
    pub width_mhz: u32,
    /// Whether the scans were fresh (triggered by this run).
    pub fresh: bool,
    /// Whether every survey ended with a round that heard nothing new
    /// (`neighbourhood::Coverage::stable`); true for the cache and logs,
    /// where there is no survey to judge.
    pub complete: bool,
}

/// How sure a recommendation (or `diagnose`'s headline) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// A neighbour radio, merged over all samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Radio {
    pub bssids: Vec<MacAddr>,
    pub ssids: Vec<Ssid>,
    pub hidden_bsses: usize,
    pub freq: Mhz,
    pub channel: Option<Channel>,
    pub width_mhz: u32,
    pub center_freq: Mhz,
    pub center_freq2: Option<Mhz>,
    /// Mean (in mW) of the signal over the samples it was seen in.
    pub signal: Option<Dbm>,
    pub utilization_pct: Option<f64>,
    /// Share of the samples it was seen in (0..1].
    pub presence: f64,
    /// Per local hour of the day, the share of that hour's samples it was
    /// heard in (`None`: no sample in that hour); only for samples read
    /// from logs.
    pub presence_by_hour: Option<[Option<f64>; 24]>,
    /// Part of the user's own network (own SSID, or a virtual BSS of a
    /// radio that serves it).
    pub own: bool,
    /// This laptop is associated with one of its BSSes.
    pub associated: bool,
}

/// One radio's share of a channel's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Index into [`ChannelAnalysis::radios`].
    pub radio: usize,
    pub overlap: f64,
    pub weight: f64,
}

/// The rating of one 20 MHz channel (as primary of a block of the width).
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelRating {
    pub channel: Channel,
    pub freq: Mhz,
    /// Lower is better; `None` when no valid block of the width starts here.
    pub score: Option<f64>,
    /// BSSes / neighbour radios whose primary is this channel.
    pub bss_count: usize,
    pub radio_count: usize,
    pub strongest: Option<Dbm>,
    /// Highest BSS Load utilisation advertised on this primary channel.
    pub utilization_pct: Option<f64>,
    /// Survey busy percentage, when measured.
    pub busy_pct: Option<f64>,
    pub dfs: bool,
    pub no_ir: bool,
    /// Usable at all under the current regulatory domain.
    pub allowed: bool,
    /// 6 GHz preferred scanning channel.
    pub psc: bool,
    /// Sorted by weight, largest first.
    pub contributors: Vec<Contribution>,
    /// A candidate of the recommendation and the plan (2.4 GHz: 1/6/11 or
    /// 1/5/9/13; 5/6 GHz: the 20 MHz grid; passive-only ones only when
    /// nothing else is left).
    pub candidate: bool,
    /// What weighs on it, in words (see [`describe_channel`]).
    pub summary: String,
}

/// The recommendation for one band.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub band: Band,
    pub channel: u16,
    pub width_mhz: u32,
    /// The primary channel of the user's network in this band, if seen.
    pub current_channel: Option<u16>,
    pub score: f64,
    pub current_score: Option<f64>,
    pub confidence: Confidence,
    /// Plain sentences: why this channel, what it improves, what to watch.
    pub reasons: Vec<String>,
    /// The radios that weigh most on the recommended channel.
    pub contributors: Vec<Contribution>,
}

/// Everything `wifidiag channels` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelAnalysis {
    pub radios: Vec<Radio>,
    pub channels: Vec<ChannelRating>,
    pub recommendations: Vec<Recommendation>,
    /// A channel for each of the user's access points heard (see
    /// [`plan::plan`]), by band, then by radio.
    pub plan: Vec<plan::PlanEntry>,
    /// No access point of the plan moves.
    pub plan_unchanged: bool,
    /// Inputs that were missing or weak, in words.
    pub missing: Vec<String>,
    pub confidence: Confidence,
}

/// Signal weight in 0..1 (see [`SIGNAL_REFERENCE_DBM`]).
pub fn signal_weight(signal: Option<Dbm>) -> f64 {
    // A BSS without a reported signal was still heard: count it as a
    // reference-level neighbour rather than ignore it.
    let dbm = signal.map_or(SIGNAL_REFERENCE_DBM, |s| f64::from(s.0));
    let p = 10f64.powf(dbm / 10.0);
    let p_ref = 10f64.powf(SIGNAL_REFERENCE_DBM / 10.0);
    p / (p + p_ref)
}

/// Load factor (see [`LOAD_BASE`]).
pub fn load_factor(utilization_pct: Option<f64>) -> f64 {
    utilization_pct.map_or(LOAD_UNKNOWN, |u| LOAD_BASE + (u / 100.0).clamp(0.0, 1.0))
}

/// The spectrum (MHz, low..high) a radio occupies.
fn radio_spectrum(r: &Radio) -> Vec<(f64, f64)> {
    let half_mask = f64::from(MASK_2G_MHZ) / 2.0;
    let is_2g = r.channel.is_some_and(|c| c.band == Band::Ghz2_4);
    let half = f64::from(r.width_mhz) / 2.0;
    let centre = f64::from(r.center_freq.0);
    let mut out = vec![if is_2g {
        // The outer 20 MHz sub-channels spill over like a 20 MHz one does.
        (
            centre - half - (half_mask - 10.0),
            centre + half + (half_mask - 10.0),
        )
    } else {
        (centre - half, centre + half)
    }];
    if let Some(c2) = r.center_freq2 {
        // 80+80: width counts both segments; each segment is 80 MHz.
        let c2 = f64::from(c2.0);
        out = vec![(centre - 40.0, centre + 40.0), (c2 - 40.0, c2 + 40.0)];
    }
    out
}

/// A candidate block: its primary and the 20 MHz channels it spans.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    primary: Channel,
    low: f64,
    high: f64,
    members: Vec<Channel>,
}

/// The block of `width` with `primary` as primary channel, or `None` when
/// the width is not a valid bonding for it (or a member is not allowed).
fn block_for(
    primary: Channel,
    width: u32,
    allowed: &BTreeMap<Channel, &PhyChannel>,
) -> Option<Block> {
    let pf = freq::freq_of(primary)?;
    let (low, high, members): (f64, f64, Vec<Channel>) = match (primary.band, width) {
        (Band::Ghz2_4, 20) => {
            let half = f64::from(MASK_2G_MHZ) / 2.0;
            (f64::from(pf) - half, f64::from(pf) + half, vec![primary])
        }
        (Band::Ghz2_4, 40) => {
            // HT40+ when the channel four above exists, else HT40−.
            let up = Channel {
                band: primary.band,
                number: primary.number + 4,
            };
            let down = primary.number.checked_sub(4).map(|n| Channel {
                band: primary.band,
                number: n,
            });
            let flags = allowed.get(&primary)?;
            let second = if allowed.contains_key(&up) && !flags.no_ht40_plus {
                up
            } else {
                down.filter(|d| allowed.contains_key(d) && !flags.no_ht40_minus)?
            };
            let sf = freq::freq_of(second)?;
            let centre = f64::from(pf + sf) / 2.0;
            (centre - 21.0, centre + 21.0, vec![primary, second])
        }
        (Band::Ghz2_4, _) => return None,
        (band, w) if matches!(w, 20 | 40 | 80 | 160 | 320) => {
            // 5 and 6 GHz blocks are aligned: 5 GHz blocks start at 5170 MHz
            // + k·w (channel 36 is 5170–5190) up to channel 144, and at
            // 5735 MHz + k·w from channel 149 on (U-NII-3/4 sit 5 MHz off the
            // lower grid); 6 GHz blocks at 5945 MHz + k·w (channel 1 is
            // 5945–5965).
            let base = match band {
                Band::Ghz5 if pf >= 5735 => 5735,
                Band::Ghz5 => 5170,
                _ => 5945,
            };
            if pf < base {
                return None;
            }
            let offset = (pf - base) / w * w;
            let low = base + offset;
            let members: Vec<Channel> = (0..w / 20)
                .filter_map(|i| freq::channel_of(low + 10 + 20 * i))
                .collect();
            if members.len() as u32 != w / 20 || !members.iter().all(|m| m.band == band) {
                return None;
            }
            (f64::from(low), f64::from(low + w), members)
        }
        _ => return None,
    };
    // Every member must be usable, and the width must not be forbidden.
    for m in &members {
        let flags = allowed.get(m)?;
        let forbidden = match width {
            80 => flags.no_80mhz,
            160 => flags.no_160mhz,
            320 => flags.no_320mhz,
            _ => false,
        };
        if forbidden {
            return None;
        }
    }
    Some(Block {
        primary,
        low,
        high,
        members,
    })
}

/// How much of a radio's activity lands in a block (0..1).
fn overlap(r: &Radio, block: &Block) -> f64 {
    let Some(rc) = r.channel else { return 0.0 };
    if rc.band != block.primary.band {
        return 0.0;
    }
    let spectrum = radio_spectrum(r);
    let width: f64 = spectrum.iter().map(|(lo, hi)| hi - lo).sum();
    let shared: f64 = spectrum
        .iter()
        .map(|(lo, hi)| (hi.min(block.high) - lo.max(block.low)).max(0.0))
        .sum();
    if shared <= 0.0 || width <= 0.0 {
        return 0.0;
    }
    if rc.band == Band::Ghz2_4 {
        // Overlapping masks: the share of its energy in our channel.
        return (shared / width).clamp(0.0, 1.0);
    }
    // 5/6 GHz channels are orthogonal: the neighbour's primary always
    // carries its traffic, its secondaries only at full width.
    let primary = f64::from(r.freq.0);
    if primary > block.low && primary < block.high {
        1.0
    } else {
        SECONDARY_OVERLAP
    }
}

/// Merges the samples into radios (presence, mean signal, max load) and
/// marks the user's own network.
pub fn merge_radios(samples: &[Vec<BssView>], own_ssid: Option<&Ssid>) -> Vec<Radio> {
    radios_of(&Observations::from_samples(samples), own_ssid)
}

/// The radios of everything observed: per BSSID its presence (share of the
/// samples it was heard in) and mean signal (in mW), grouped into radios.
pub fn radios_of(o: &Observations, own_ssid: Option<&Ssid>) -> Vec<Radio> {
    let n = o.samples.max(1) as f64;
    let mut merged: Vec<BssView> = Vec::new();
    let mut presence: BTreeMap<MacAddr, (f64, [u32; 24])> = BTreeMap::new();
    for (bssid, seen) in &o.by_bssid {
        let mut view = seen.view.clone();
        if seen.with_signal > 0 {
            let mean = seen.mw / seen.with_signal as f64;
            view.signal = Some(Dbm((10.0 * mean.log10()).round() as i32));
        }
        presence.insert(*bssid, (seen.samples as f64 / n, seen.hours));
        merged.push(view);
    }
    scan::group_radios(&mut merged, &[]);
    let mut radios: BTreeMap<usize, (Radio, [u32; 24])> = BTreeMap::new();
    for v in &merged {
        let (r, hours) = radios.entry(v.radio).or_insert_with(|| {
            (
                Radio {
                    bssids: Vec::new(),
                    ssids: Vec::new(),
                    hidden_bsses: 0,
                    freq: v.freq,
                    channel: v.freq.channel(),
                    width_mhz: v.width_mhz,
                    center_freq: v.center_freq,
                    center_freq2: v.center_freq2,
                    signal: None,
                    utilization_pct: None,
                    presence: 0.0,
                    presence_by_hour: None,
                    own: false,
                    associated: false,
                },
                [0; 24],
            )
        });
        r.associated |= v.associated;
        r.bssids.push(v.bssid);
        match &v.ssid {
            Some(s) => {
                if own_ssid == Some(s) {
                    r.own = true;
                }
                r.ssids.push(s.clone());
            }
            None => r.hidden_bsses += 1,
        }
        r.signal = r.signal.max(v.signal);
        if v.width_mhz > r.width_mhz {
            r.width_mhz = v.width_mhz;
            r.center_freq = v.center_freq;
            r.center_freq2 = v.center_freq2;
        }
        r.utilization_pct = match (r.utilization_pct, v.channel_utilization_pct) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let (p, h) = presence[&v.bssid];
        // The radio is there when any of its BSSes is: the best-heard one
        // stands for it, hour by hour too.
        r.presence = r.presence.max(p);
        for (mine, theirs) in hours.iter_mut().zip(h) {
            *mine = (*mine).max(theirs);
        }
    }
    radios
        .into_values()
        .map(|(mut r, hours)| {
            r.presence_by_hour = o
                .sample_hours
                .map(|samples| observe::presence_by_hour(&hours, &samples));
            r
        })
        .collect()
}

/// The own access point a band's channel scores are computed for: the one
/// this laptop is associated with, else the strongest of ours in the band.
pub fn subject_radio(radios: &[Radio], band: Band) -> Option<usize> {
    radios
        .iter()
        .enumerate()
        .filter(|(_, r)| r.own && r.channel.is_some_and(|c| c.band == band))
        .max_by_key(|(_, r)| (r.associated, r.signal))
        .map(|(i, _)| i)
}

/// Scores every channel and recommends one per band.
pub fn analyse(input: ChannelInputs<'_>) -> ChannelAnalysis {
    let live;
    let observed = match input.observed {
        Some(o) => o,
        None => {
            live = Observations::from_samples(input.samples);
            &live
        }
    };
    let radios = radios_of(observed, input.own_ssid);
    let allowed: BTreeMap<Channel, &PhyChannel> = input
        .phy_channels
        .iter()
        .filter(|c| !c.disabled)
        .filter_map(|c| Some((c.freq.channel()?, c)))
        .filter(|(ch, _)| matches!(ch.band, Band::Ghz2_4 | Band::Ghz5 | Band::Ghz6))
        .collect();

    let busy_of = |freq: Mhz| -> Option<f64> {
        input
            .survey
            .iter()
            .find(|s| s.freq == freq)
            .and_then(|s| s.busy_fraction())
    };

    // Per band, the own access point being scored for: it alone is left
    // out; our other access points contend like any neighbour.
    let subject: BTreeMap<Band, usize> = [Band::Ghz2_4, Band::Ghz5, Band::Ghz6]
        .into_iter()
        .filter_map(|band| Some((band, subject_radio(&radios, band)?)))
        .collect();

    let mut channels = Vec::new();
    // Per scored channel: its block and its score from neighbours alone
    // (every own access point left out), for the plan.
    let mut blocks: BTreeMap<Channel, (Block, f64)> = BTreeMap::new();
    for phy in input.phy_channels {
        let Some(ch) = phy.freq.channel() else {
            continue;
        };
        if !matches!(ch.band, Band::Ghz2_4 | Band::Ghz5 | Band::Ghz6) {
            continue;
        }
        let on_primary: Vec<&Radio> = radios
            .iter()
            .filter(|r| !r.own && r.channel == Some(ch))
            .collect();
        let block = (!phy.disabled)
            .then(|| block_for(ch, input.width_mhz, &allowed))
            .flatten();
        let mut contributors = Vec::new();
        let mut score = None;
        if let Some(block) = &block {
            let mut total = 0.0;
            let mut neighbours = 0.0;
            for (i, r) in radios.iter().enumerate() {
                if subject.get(&ch.band) == Some(&i) {
                    continue;
                }
                let ov = overlap(r, block);
                if ov <= 0.0 {
                    continue;
                }
                let weight = ov * radio_weight(r);
                total += weight;
                if !r.own {
                    neighbours += weight;
                }
                contributors.push(Contribution {
                    radio: i,
                    overlap: ov,
                    weight,
                });
            }
            let busy: Vec<f64> = block
                .members
                .iter()
                .filter_map(|m| busy_of(Mhz(freq::freq_of(*m)?)))
                .collect();
            if !busy.is_empty() {
                let b = BUSY_WEIGHT * busy.iter().sum::<f64>() / busy.len() as f64;
                total += b;
                neighbours += b;
            }
            score = Some(round_to(total, 2));
            blocks.insert(ch, (block.clone(), neighbours));
        }
        contributors.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        channels.push(ChannelRating {
            channel: ch,
            freq: phy.freq,
            score,
            bss_count: on_primary.iter().map(|r| r.bssids.len()).sum(),
            radio_count: on_primary.len(),
            strongest: on_primary.iter().filter_map(|r| r.signal).max(),
            utilization_pct: on_primary
                .iter()
                .filter_map(|r| r.utilization_pct)
                .reduce(f64::max),
            busy_pct: busy_of(phy.freq).map(|b| round_to(b * 100.0, 2)),
            // A wide block needs DFS (or is passive-only) when any of its
            // 20 MHz members does.
            dfs: block_flag(&block, &allowed, phy.radar, |c| c.radar),
            no_ir: block_flag(&block, &allowed, phy.no_ir, |c| c.no_ir),
            allowed: !phy.disabled,
            psc: ch.band == Band::Ghz6 && ch.number % 16 == 5,
            contributors,
            candidate: false,
            summary: String::new(),
        });
    }
    for band in [Band::Ghz2_4, Band::Ghz5, Band::Ghz6] {
        let cands = candidates(band, &channels, &allowed);
        for c in channels.iter_mut().filter(|c| c.channel.band == band) {
            c.candidate = cands.contains(&c.channel.number);
        }
    }
    let summaries: Vec<String> = channels
        .iter()
        .map(|c| describe_channel(&channels, &radios, c.channel.band, c.channel.number))
        .collect();
    for (c, text) in channels.iter_mut().zip(summaries) {
        c.summary = text;
    }

    let (missing, confidence) = assess_inputs(&input, observed, &channels);
    let recommendations = [Band::Ghz2_4, Band::Ghz5, Band::Ghz6]
        .into_iter()
        .filter_map(|band| recommend(band, &input, &radios, &channels, &allowed, confidence))
        .collect();
    let (plan, plan_note) = plan::plan(&plan::PlanInputs {
        radios: &radios,
        channels: &channels,
        blocks: &blocks,
        allowed: &allowed,
        width_mhz: input.width_mhz,
    });
    let mut missing = missing;
    missing.extend(plan_note);
    let plan_unchanged = plan.iter().all(|p| p.channel == p.current_channel);
    ChannelAnalysis {
        radios,
        channels,
        recommendations,
        plan,
        plan_unchanged,
        missing,
        confidence,
    }
}

/// What one radio weighs on a channel it fully overlaps: signal × load ×
/// presence.
fn radio_weight(r: &Radio) -> f64 {
    signal_weight(r.signal) * load_factor(r.utilization_pct) * r.presence
}

fn block_flag(
    block: &Option<Block>,
    allowed: &BTreeMap<Channel, &PhyChannel>,
    own: bool,
    flag: impl Fn(&PhyChannel) -> bool,
) -> bool {
    own || block
        .iter()
        .flat_map(|b| &b.members)
        .any(|m| allowed.get(m).is_some_and(|c| flag(c)))
}

/// From logs, confidence is high only with at least this many samples
/// over at least [`LOG_CONFIDENT_DAYS`] distinct days; one step down for
/// each that is short (both: low). A neighbour that comes at lunch or on
/// market days shows only over many samples and several days.
pub const LOG_CONFIDENT_SAMPLES: usize = 100;
pub const LOG_CONFIDENT_DAYS: usize = 5;

/// Which inputs were missing, and the confidence that follows: start at
/// high, one step down for each of: results not fresh; a single sample;
/// a survey still hearing new networks when its time ran out; no survey
/// busy time. Two or more steps down is low. From logs: one step
/// down for fewer than [`LOG_CONFIDENT_SAMPLES`] samples, one for fewer
/// than [`LOG_CONFIDENT_DAYS`] days.
fn assess_inputs(
    input: &ChannelInputs<'_>,
    observed: &Observations,
    channels: &[ChannelRating],
) -> (Vec<String>, Confidence) {
    let mut missing = Vec::new();
    let mut steps = 0;
    if input.observed.is_some() {
        let (n, days) = (observed.samples, observed.days.len());
        if n < LOG_CONFIDENT_SAMPLES {
            steps += 1;
            missing.push(format!(
                "{n} scan{} in the logs: {LOG_CONFIDENT_SAMPLES} or more make the presence of \
                 neighbours that come and go reliable (watch --scan-every over longer)",
                if n == 1 { "" } else { "s" }
            ));
        }
        if days < LOG_CONFIDENT_DAYS {
            steps += 1;
            missing.push(format!(
                "scans from {days} day{} only: neighbours of some days of the week may be missed \
                 ({LOG_CONFIDENT_DAYS} or more distinct days give high confidence)",
                if days == 1 { "" } else { "s" }
            ));
        }
        if observed.cached_samples > 0 {
            missing.push(format!(
                "{} of the {n} logged scans were the kernel's cache (the watch could not scan: \
                 run it as root for scans of its own)",
                observed.cached_samples
            ));
        }
        missing.push(
            "the logs hold no survey busy time: the score rests on the neighbours heard"
                .to_string(),
        );
        missing.push(
            "the logs do not say which channels this laptop's radio and regulatory domain allow: \
             assumed 2.4 GHz 1–11 (12–13 when heard), 5 GHz 36–64, 100–144 (DFS from 52) and \
             149–165 when 5 GHz was heard, 6 GHz when heard"
                .to_string(),
        );
    } else {
        if !input.fresh {
            steps += 1;
            missing.push(
                "the scan results were the kernel's cache, not a fresh scan (run as root for a fresh one)"
                    .to_string(),
            );
        }
        if input.fresh && !input.complete {
            steps += 1;
            missing.push(
                "the survey still heard new networks when its time ran out: some (hidden ones \
                 first) may be missing (use a longer --timeout)"
                    .to_string(),
            );
        }
        if observed.samples < 2 {
            steps += 1;
            missing.push(
                "a single survey: neighbours that come and go may be missed (use --samples 5)"
                    .to_string(),
            );
        }
        if channels.iter().all(|c| c.busy_pct.is_none()) {
            steps += 1;
            missing.push(
                "no survey busy time from the driver: the score rests on the neighbours seen"
                    .to_string(),
            );
        }
    }
    if !observed.any_load {
        missing.push(format!(
            "no neighbour advertises BSS Load: their load is assumed at {:.0} %",
            (LOAD_UNKNOWN - LOAD_BASE) * 100.0
        ));
    }
    let confidence = match steps {
        0 => Confidence::High,
        1 => Confidence::Medium,
        _ => Confidence::Low,
    };
    (missing, confidence)
}

/// Candidate primaries of a band for the recommendation.
fn candidates(
    band: Band,
    channels: &[ChannelRating],
    allowed: &BTreeMap<Channel, &PhyChannel>,
) -> Vec<u16> {
    let scored: Vec<&ChannelRating> = channels
        .iter()
        .filter(|c| c.channel.band == band && c.score.is_some())
        .collect();
    let mut cands: Vec<&ChannelRating> = match band {
        Band::Ghz2_4 => {
            // The non-overlapping plans: 1/6/11 everywhere; 1/5/9/13 too
            // where the regulatory domain allows channel 13.
            // A no-IR channel 13 (world domain) is no basis for that plan.
            let thirteen = allowed
                .get(&Channel { band, number: 13 })
                .is_some_and(|c| !c.no_ir);
            let mut plan = vec![1, 6, 11];
            if thirteen {
                plan.extend([5, 9, 13]);
            }
            scored
                .into_iter()
                .filter(|c| plan.contains(&c.channel.number))
                .collect()
        }
        _ => scored
            .into_iter()
            .filter(|c| on_20mhz_grid(c.channel))
            .collect(),
    };
    // Passive-only channels only when nothing else is left (in the world
    // domain every 5 GHz channel is no-IR until a country is known).
    if cands.iter().any(|c| !c.no_ir) {
        cands.retain(|c| !c.no_ir);
    }
    cands.into_iter().map(|c| c.channel.number).collect()
}

/// Whether a channel number is a 20 MHz channel an access point can use as
/// primary: 5 GHz 36, 40, … 144 and 149, 153, … 177; 6 GHz 1, 5, 9, …
/// (not the 5/10 MHz or 40/80 MHz centre numbers in between).
pub fn on_20mhz_grid(ch: Channel) -> bool {
    match ch.band {
        Band::Ghz2_4 => true,
        Band::Ghz5 => match ch.number {
            32..=144 => ch.number % 4 == 0,
            149..=177 => ch.number % 4 == 1,
            _ => false,
        },
        Band::Ghz6 => ch.number % 4 == 1,
        Band::Ghz60 => false,
    }
}

fn rating(channels: &[ChannelRating], band: Band, number: u16) -> Option<&ChannelRating> {
    channels
        .iter()
        .find(|c| c.channel.band == band && c.channel.number == number)
}

fn recommend(
    band: Band,
    input: &ChannelInputs<'_>,
    radios: &[Radio],
    channels: &[ChannelRating],
    allowed: &BTreeMap<Channel, &PhyChannel>,
    confidence: Confidence,
) -> Option<Recommendation> {
    let cands = candidates(band, channels, allowed);
    if cands.is_empty() {
        return None;
    }
    let score_of = |n: u16| {
        rating(channels, band, n)
            .and_then(|c| c.score)
            .unwrap_or(f64::MAX)
    };
    let best_by = |filter: &dyn Fn(&ChannelRating) -> bool| -> Option<u16> {
        cands
            .iter()
            .copied()
            .filter(|&n| rating(channels, band, n).is_some_and(filter))
            .fold(None, |best: Option<u16>, n| match best {
                // Scores within TIE_TOLERANCE are equal: measurement noise
                // must not decide; the lower channel number wins the tie.
                Some(b) if score_of(n) >= score_of(b) - TIE_TOLERANCE => Some(b),
                _ => Some(n),
            })
    };
    let mut reasons = Vec::new();
    let overall = best_by(&|_| true)?;
    let mut best = overall;
    match band {
        Band::Ghz5 => {
            if let Some(plain) = best_by(&|c| !c.dfs) {
                if score_of(overall) + CLEARLY_BETTER_ABS < score_of(plain) {
                    reasons.push(format!(
                        "channel {overall} is a DFS channel: the access point must listen for radar \
                         for 60 s (10 min on 5600–5650 MHz) before using it, and leaves it if radar \
                         appears; chosen because it is clearly quieter than the best non-DFS channel {plain}"
                    ));
                } else {
                    best = plain;
                }
            } else {
                reasons.push(format!(
                    "every usable channel here is a DFS channel: expect a radar check (CAC) before channel {overall} comes up"
                ));
            }
        }
        Band::Ghz6 => {
            if let Some(psc) = best_by(&|c| c.psc) {
                if score_of(overall) + CLEARLY_BETTER_ABS < score_of(psc) {
                    reasons.push(format!(
                        "channel {overall} is not a preferred scanning channel (PSC): clients that scan only PSC channels find it more slowly"
                    ));
                } else {
                    best = psc;
                }
            }
        }
        _ => {}
    }

    // The user's network in this band: the access point this laptop is
    // associated with, else the strongest one.
    let current = subject_radio(radios, band).and_then(|i| radios[i].channel);
    let current_channel = current.map(|c| c.number);
    let current_score = current_channel.and_then(|n| rating(channels, band, n)?.score);

    let mut channel = best;
    if let (Some(cur), Some(cur_score)) = (current_channel, current_score) {
        let gain = cur_score - score_of(best);
        let worth_it = gain > SWITCH_MARGIN_ABS && gain > SWITCH_MARGIN_RATIO * cur_score;
        if cur == best || !worth_it {
            channel = cur;
            reasons.clear();
            reasons.push(if cur == best {
                format!("stay on channel {cur}: it is already the best {band} channel for {} MHz", input.width_mhz)
            } else {
                format!(
                    "stay on channel {cur}: the best alternative, channel {best}, is not clearly better \
                     (score {:.2} vs {:.2}); moving would disconnect every client for little gain",
                    score_of(best),
                    cur_score
                )
            });
        } else {
            reasons.insert(
                0,
                format!(
                    "move from channel {cur} to {best}: {} → {}",
                    describe_channel(channels, radios, band, cur),
                    describe_channel(channels, radios, band, best)
                ),
            );
        }
    } else {
        reasons.insert(
            0,
            format!(
                "channel {best} is the quietest {band} channel for {} MHz: {}",
                input.width_mhz,
                describe_channel(channels, radios, band, best)
            ),
        );
    }
    let chosen = rating(channels, band, channel)?;
    if chosen.no_ir {
        reasons.push(format!(
            "this laptop's regulatory domain marks channel {channel} no-IR (passive only): check the \
             access point's country setting allows it"
        ));
    }
    // Own access points already on the chosen channel would share it.
    let own_there: Vec<String> = radios
        .iter()
        .filter(|r| {
            r.own
                && r.channel == Some(chosen.channel)
                && Some(chosen.channel.number) != current_channel
        })
        .map(|r| r.bssids[0].to_string())
        .collect();
    if !own_there.is_empty() {
        reasons.push(format!(
            "another access point of your own network ({}) already uses channel {channel}: neighbouring \
             access points of one network should use different channels",
            own_there.join(", ")
        ));
    }
    Some(Recommendation {
        band,
        channel,
        width_mhz: input.width_mhz,
        current_channel,
        score: chosen.score.unwrap_or_default(),
        current_score,
        confidence,
        reasons,
        contributors: chosen.contributors.iter().take(3).cloned().collect(),
    })
}

/// "3 neighbour radios, strongest −42 dBm, 55 % advertised load" for the
/// radios that weigh on a channel.
pub fn describe_channel(
    channels: &[ChannelRating],
    radios: &[Radio],
    band: Band,
    number: u16,
) -> String {
    let Some(c) = rating(channels, band, number) else {
        return "not rated".into();
    };
    let ours: Vec<(usize, Option<Channel>)> = c
        .contributors
        .iter()
        .filter(|x| x.weight >= 0.01 && radios[x.radio].own)
        .map(|x| (x.radio, radios[x.radio].channel))
        .collect();
    describe_with(c, radios, &ours)
}

/// The words of [`describe_channel`], with the given own access points
/// (radio index, the channel it is or would be on) as the own contenders.
fn describe_with(c: &ChannelRating, radios: &[Radio], ours: &[(usize, Option<Channel>)]) -> String {
    let weighing: Vec<&Radio> = c
        .contributors
        .iter()
        .filter(|x| x.weight >= 0.01)
        .map(|x| &radios[x.radio])
        .filter(|r| !r.own)
        .collect();
    let mut text = match weighing.len() {
        0 => "no neighbour radio".to_string(),
        1 => {
            let r = weighing[0];
            format!(
                "one neighbour radio{}",
                r.signal
                    .map_or(String::new(), |s| format!(" at {} dBm", s.0))
            )
        }
        n => format!(
            "{n} neighbour radios{}",
            weighing
                .iter()
                .filter_map(|r| r.signal)
                .max()
                .map_or(String::new(), |s| format!(", strongest {} dBm", s.0))
        ),
    };
    // From logs: how much of the time the neighbours were there, when
    // that was not always.
    let part_time: Vec<String> = weighing
        .iter()
        .filter(|r| r.presence_by_hour.is_some() && r.presence < PART_TIME_PRESENCE)
        .map(|r| {
            let when = r
                .presence_by_hour
                .as_ref()
                .and_then(observe::when_present)
                .map_or(String::new(), |h| format!(", {h}"));
            if weighing.len() == 1 {
                format!("present in {:.0} % of the scans{when}", r.presence * 100.0)
            } else {
                format!(
                    "{} present in {:.0} % of the scans{when}",
                    r.bssids[0],
                    r.presence * 100.0
                )
            }
        })
        .collect();
    if !part_time.is_empty() {
        text.push_str(&format!(" ({})", part_time.join("; ")));
    }
    let co_channel = weighing
        .iter()
        .filter(|r| r.channel == Some(c.channel))
        .count();
    if co_channel > 0 && co_channel < weighing.len() {
        text.push_str(&format!(
            " ({co_channel} on the channel itself, the rest overlapping)"
        ));
    }
    for &(i, on) in ours {
        let r = &radios[i];
        text.push_str(&format!(
            ", your access point {}{}{}",
            r.bssids[0],
            on.filter(|own| *own != c.channel)
                .map_or(String::new(), |own| format!(" on channel {}", own.number)),
            r.signal
                .map_or(String::new(), |s| format!(" at {} dBm", s.0))
        ));
    }
    if let Some(u) = weighing
        .iter()
        .filter_map(|r| r.utilization_pct)
        .reduce(f64::max)
    {
        text.push_str(&format!(", {u:.0} % advertised load"));
    }
    if let Some(b) = c.busy_pct {
        text.push_str(&format!(", {b:.0} % busy in the survey"));
    }
    text
}

pub mod observe;
pub mod plan;
#[cfg(test)]
mod tests;
