//! What the scans heard, merged as they come: per BSSID how often it was
//! heard, how loud, and (for samples read from watch logs) at which hours of
//! the day. Memory grows with the number of distinct BSSIDs, never with the
//! number of samples, so a month of logs is folded in one pass.
//!
//! A live `channels` run adds its `--samples` scans without times; `channels
//! --from-log` adds every `scan` record of the logs with its local hour and
//! day (docs/channel-scoring.md, "From days of logs").

use crate::freq::{self, Band, Channel};
use crate::ie::Security;
use crate::model::{Dbm, MacAddr, Mhz, PhyChannel, Ssid};
use crate::scan::BssView;
use crate::watch::event::ScanHeard;
use std::collections::{BTreeMap, BTreeSet};

/// An hour counts as one in which a radio is present (for the "when" text)
/// when it was heard in at least this share of that hour's samples.
pub const HOUR_PRESENT: f64 = 0.5;

/// A sample's place in time, in the reader's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleTime {
    /// Milliseconds since the epoch (UTC).
    pub ts_ms: u64,
    /// Local hour of the day, 0..24.
    pub hour: u8,
    /// The local date as `yyyymmdd` (distinct days are counted).
    pub day: u32,
}

/// One BSSID over every sample.
#[derive(Debug, Clone)]
pub(super) struct Seen {
    /// The last view of it (its load: the last advertised).
    pub(super) view: BssView,
    pub(super) samples: usize,
    pub(super) mw: f64,
    pub(super) with_signal: usize,
    pub(super) hours: [u32; 24],
}

/// Every sample so far, merged.
#[derive(Debug, Clone, Default)]
pub struct Observations {
    /// Scans merged.
    pub samples: usize,
    pub(super) by_bssid: BTreeMap<MacAddr, Seen>,
    /// Samples per local hour, when the samples have times (logs).
    pub sample_hours: Option<[u32; 24]>,
    /// Distinct local days with a sample.
    pub days: BTreeSet<u32>,
    pub first_ts_ms: Option<u64>,
    pub last_ts_ms: Option<u64>,
    /// Some BSS advertised BSS Load.
    pub any_load: bool,
    /// Samples that were the kernel's cache rather than a scan of our own.
    pub cached_samples: usize,
}

impl Observations {
    /// The scans of a live run.
    pub fn from_samples(samples: &[Vec<BssView>]) -> Observations {
        let mut o = Observations::default();
        for s in samples {
            o.add(s, None);
        }
        o
    }

    /// Adds one scan; `when` for samples read from logs.
    pub fn add(&mut self, sample: &[BssView], when: Option<SampleTime>) {
        self.samples += 1;
        if let Some(t) = when {
            let hours = self.sample_hours.get_or_insert([0; 24]);
            hours[usize::from(t.hour % 24)] += 1;
            self.days.insert(t.day);
            self.first_ts_ms = Some(self.first_ts_ms.map_or(t.ts_ms, |f| f.min(t.ts_ms)));
            self.last_ts_ms = Some(self.last_ts_ms.map_or(t.ts_ms, |l| l.max(t.ts_ms)));
        }
        // A BSSID listed twice in one scan counts once.
        let mut counted: BTreeSet<MacAddr> = BTreeSet::new();
        for v in sample {
            if !counted.insert(v.bssid) {
                continue;
            }
            let entry = self.by_bssid.entry(v.bssid).or_insert_with(|| Seen {
                view: v.clone(),
                samples: 0,
                mw: 0.0,
                with_signal: 0,
                hours: [0; 24],
            });
            entry.samples += 1;
            if let Some(s) = v.signal {
                entry.mw += s.milliwatts();
                entry.with_signal += 1;
            }
            let load = v
                .channel_utilization_pct
                .or(entry.view.channel_utilization_pct);
            entry.view = BssView {
                channel_utilization_pct: load,
                associated: entry.view.associated || v.associated,
                ..v.clone()
            };
            if let Some(t) = when {
                entry.hours[usize::from(t.hour % 24)] += 1;
            }
            self.any_load |= v.channel_utilization_pct.is_some();
        }
    }

    /// Merges what a later part of the logs saw (everything in `later`
    /// comes after everything here, as parts of a file read side by side
    /// do): the same result as adding its samples one by one after ours.
    pub fn merge(&mut self, later: Observations) {
        self.samples += later.samples;
        if let Some(theirs) = later.sample_hours {
            let ours = self.sample_hours.get_or_insert([0; 24]);
            for (o, t) in ours.iter_mut().zip(theirs) {
                *o += t;
            }
        }
        self.days.extend(later.days);
        self.first_ts_ms = match (self.first_ts_ms, later.first_ts_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_ts_ms = match (self.last_ts_ms, later.last_ts_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.any_load |= later.any_load;
        self.cached_samples += later.cached_samples;
        for (bssid, seen) in later.by_bssid {
            match self.by_bssid.entry(bssid) {
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(seen);
                }
                std::collections::btree_map::Entry::Occupied(mut e) => {
                    let ours = e.get_mut();
                    let load = seen
                        .view
                        .channel_utilization_pct
                        .or(ours.view.channel_utilization_pct);
                    ours.view = BssView {
                        channel_utilization_pct: load,
                        associated: ours.view.associated || seen.view.associated,
                        ..seen.view
                    };
                    ours.samples += seen.samples;
                    ours.mw += seen.mw;
                    ours.with_signal += seen.with_signal;
                    for (o, t) in ours.hours.iter_mut().zip(seen.hours) {
                        *o += t;
                    }
                }
            }
        }
    }

    /// Adds one `scan` record of a watch log.
    pub fn add_record(&mut self, fresh: bool, bsses: &[ScanHeard], when: SampleTime) {
        let views: Vec<BssView> = bsses.iter().map(view_of).collect();
        if !fresh {
            self.cached_samples += 1;
        }
        self.add(&views, Some(when));
    }

    /// Distinct BSSIDs heard.
    pub fn bss_count(&self) -> usize {
        self.by_bssid.len()
    }
}

/// A share of samples per local hour (`None` where no sample fell).
pub fn presence_by_hour(heard: &[u32; 24], samples: &[u32; 24]) -> [Option<f64>; 24] {
    let mut out = [None; 24];
    for h in 0..24 {
        if samples[h] > 0 {
            out[h] = Some(f64::from(heard[h]) / f64::from(samples[h]));
        }
    }
    out
}

/// When a radio heard part of the time is there, as local hour ranges
/// ("11:00–14:00", end exclusive): the runs of hours in which it was heard
/// in at least [`HOUR_PRESENT`] of the samples, round midnight too. `None`
/// when that is every hour sampled (always there) or none.
pub fn when_present(by_hour: &[Option<f64>; 24]) -> Option<String> {
    let present: Vec<bool> = by_hour
        .iter()
        .map(|p| p.is_some_and(|p| p >= HOUR_PRESENT))
        .collect();
    let sampled = by_hour.iter().filter(|p| p.is_some()).count();
    let count = present.iter().filter(|p| **p).count();
    if count == 0 || count == sampled {
        return None;
    }
    // Start the walk at an hour where it is absent so no run is cut in two.
    let start = (0..24).find(|&h| !present[h])?;
    let mut runs = Vec::new();
    let mut run: Option<usize> = None;
    for i in 1..=24 {
        let h = (start + i) % 24;
        match (present[h], run) {
            (true, None) => run = Some(h),
            (false, Some(from)) => {
                runs.push(format!("{from:02}:00–{h:02}:00"));
                run = None;
            }
            _ => {}
        }
    }
    Some(runs.join(", "))
}

/// A `scan` record's BSS as the scoring's view of it (the fields the log
/// does not keep are left empty).
pub fn view_of(b: &ScanHeard) -> BssView {
    let channel = freq::channel_of(b.freq_mhz.0);
    BssView {
        bssid: b.bssid,
        ssid: b
            .ssid
            .as_deref()
            .map(Ssid::from_escaped)
            .filter(|s| !s.is_hidden()),
        freq: b.freq_mhz,
        channel: b.channel.or(channel.map(|c| c.number)),
        band: channel.map(|c| c.band),
        width_mhz: b.width_mhz.max(20),
        center_freq: b.center_freq_mhz,
        center_freq2: b.center_freq2_mhz,
        signal: b.signal_dbm.map(Dbm),
        security: Security::Unknown,
        generation: None,
        station_count: None,
        channel_utilization_pct: b.utilization_pct,
        admission_capacity: None,
        country: None,
        ft: false,
        rrm_neighbor_report: false,
        bss_transition: false,
        associated: b.associated,
        age_ms: None,
        radio: 0,
        element_issues: 0,
    }
}

/// The channels assumed allowed when scoring from logs, which do not say
/// what the laptop's radio and regulatory domain allow: 2.4 GHz 1–11, and
/// 12–13 when a network was heard on either; 5 GHz (when a 5 GHz network was
/// heard) 36–64, 100–144 and 149–165, with radar detection (DFS) on 52–144
/// as nearly every regulatory domain requires; 6 GHz (when heard) 1–233.
pub fn assumed_phy_channels(o: &Observations) -> Vec<PhyChannel> {
    let heard: BTreeSet<Channel> = o
        .by_bssid
        .values()
        .filter_map(|s| s.view.freq.channel())
        .collect();
    let heard_band = |band: Band| heard.iter().any(|c| c.band == band);
    let mut numbers: Vec<(Band, u16, bool)> = (1..=11).map(|n| (Band::Ghz2_4, n, false)).collect();
    if heard
        .iter()
        .any(|c| c.band == Band::Ghz2_4 && c.number >= 12)
    {
        numbers.extend([(Band::Ghz2_4, 12, false), (Band::Ghz2_4, 13, false)]);
    }
    if heard_band(Band::Ghz5) {
        let five = (36..=64).step_by(4).chain((100..=144).step_by(4));
        numbers.extend(five.map(|n| (Band::Ghz5, n, (52..=144).contains(&n))));
        numbers.extend((149..=165).step_by(4).map(|n| (Band::Ghz5, n, false)));
    }
    if heard_band(Band::Ghz6) {
        numbers.extend((1..=233).step_by(4).map(|n| (Band::Ghz6, n, false)));
    }
    numbers
        .into_iter()
        .filter_map(|(band, number, radar)| {
            Some(PhyChannel {
                freq: Mhz(freq::freq_of(Channel { band, number })?),
                radar,
                ..Default::default()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parts merged in order are the samples added in order.
    #[test]
    fn merging_parts_is_adding_their_samples_in_turn() {
        let heard =
            |bssid: u8, freq: u32, signal: i32, load: Option<f64>, associated: bool| ScanHeard {
                bssid: MacAddr([2, 0, 0, 0, bssid, 0]),
                ssid: Some(format!("net{bssid}")),
                freq_mhz: Mhz(freq),
                channel: freq::channel_of(freq).map(|c| c.number),
                width_mhz: 20,
                center_freq_mhz: Mhz(freq),
                center_freq2_mhz: None,
                signal_dbm: Some(signal),
                utilization_pct: load,
                associated,
            };
        let scans: Vec<(bool, Vec<ScanHeard>)> = (0..12u8)
            .map(|i| {
                let mut bsses = vec![heard(1, 2412, -40 - i32::from(i), None, i < 6)];
                if i % 3 == 0 {
                    bsses.push(heard(2, 2437, -60, Some(f64::from(i) * 10.0), false));
                }
                if i > 7 {
                    bsses.push(heard(3, 5180, -70, None, false));
                }
                (i != 4, bsses)
            })
            .collect();
        let when = |i: usize| SampleTime {
            ts_ms: 1_764_000_000_000 + i as u64 * 3_600_000,
            hour: (i % 24) as u8,
            day: 20261201 + (i / 10) as u32,
        };
        let mut whole = Observations::default();
        for (i, (fresh, b)) in scans.iter().enumerate() {
            whole.add_record(*fresh, b, when(i));
        }
        for split in [0, 1, 5, 11, 12] {
            let (mut a, mut b) = (Observations::default(), Observations::default());
            for (i, (fresh, s)) in scans.iter().enumerate() {
                let part = if i < split { &mut a } else { &mut b };
                part.add_record(*fresh, s, when(i));
            }
            a.merge(b);
            assert_eq!(
                (
                    a.samples,
                    &a.sample_hours,
                    &a.days,
                    a.first_ts_ms,
                    a.last_ts_ms
                ),
                (
                    whole.samples,
                    &whole.sample_hours,
                    &whole.days,
                    whole.first_ts_ms,
                    whole.last_ts_ms
                ),
                "split at {split}"
            );
            assert_eq!(
                (a.any_load, a.cached_samples),
                (whole.any_load, whole.cached_samples)
            );
            assert_eq!(a.by_bssid.len(), whole.by_bssid.len());
            for (bssid, w) in &whole.by_bssid {
                let m = &a.by_bssid[bssid];
                assert_eq!(
                    (&m.view, m.samples, m.with_signal, m.hours),
                    (&w.view, w.samples, w.with_signal, w.hours),
                    "{bssid} split at {split}"
                );
                assert!(
                    (m.mw - w.mw).abs() <= w.mw * 1e-12,
                    "{bssid} split at {split}"
                );
            }
        }
    }

    #[test]
    fn hours_present_are_named_as_ranges() {
        let mut by_hour = [Some(0.0); 24];
        by_hour[11..14].fill(Some(0.9));
        assert_eq!(when_present(&by_hour).as_deref(), Some("11:00–14:00"));
        // Round midnight, and an hour without samples breaks nothing.
        let mut by_hour = [Some(0.0); 24];
        for h in [22, 23, 0, 1] {
            by_hour[h] = Some(1.0);
        }
        by_hour[5] = None;
        assert_eq!(when_present(&by_hour).as_deref(), Some("22:00–02:00"));
        // Always there, never there: nothing to say.
        assert_eq!(when_present(&[Some(1.0); 24]), None);
        assert_eq!(when_present(&[Some(0.2); 24]), None);
        let mut some = [None; 24];
        some[9] = Some(1.0);
        assert_eq!(when_present(&some), None, "every sampled hour");
    }

    #[test]
    fn presence_by_hour_is_a_share_of_that_hours_samples() {
        let mut heard = [0; 24];
        let mut samples = [0; 24];
        samples[12] = 12;
        heard[12] = 3;
        samples[3] = 12;
        let p = presence_by_hour(&heard, &samples);
        assert_eq!(p[12], Some(0.25));
        assert_eq!(p[3], Some(0.0));
        assert_eq!(p[4], None);
    }

    #[test]
    fn assumed_channels_follow_the_bands_heard() {
        let mut o = Observations::default();
        let only_2g = assumed_phy_channels(&o);
        assert_eq!(only_2g.len(), 11);
        let heard = |freq: u32| ScanHeard {
            bssid: MacAddr([2, 0, 0, 0, 0, freq as u8]),
            ssid: None,
            freq_mhz: Mhz(freq),
            channel: None,
            width_mhz: 20,
            center_freq_mhz: Mhz(freq),
            center_freq2_mhz: None,
            signal_dbm: Some(-60),
            utilization_pct: None,
            associated: false,
        };
        let t = SampleTime {
            ts_ms: 0,
            hour: 0,
            day: 20261203,
        };
        o.add_record(true, &[heard(2472), heard(5260)], t);
        let chans = assumed_phy_channels(&o);
        let has = |f: u32| chans.iter().find(|c| c.freq == Mhz(f));
        assert!(has(2472).is_some(), "13 heard: 12 and 13 assumed allowed");
        assert!(has(5260).is_some_and(|c| c.radar), "52 is a DFS channel");
        assert!(has(5180).is_some_and(|c| !c.radar));
        assert!(has(5955).is_none(), "no 6 GHz network heard");
    }
}
