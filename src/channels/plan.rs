//! A channel plan for every access point of the user's network heard from
//! here (docs/channel-scoring.md, "The plan").
//!
//! Each of our access points suffers the neighbours on its channel and our
//! other access points on theirs. The plan is the assignment of primary
//! channels (at the requested width) that minimises the sum of what our
//! access points suffer; among the plans within a small tolerance of the
//! best, the one that moves the fewest access points. Bands are planned
//! apart (they do not interfere). The search is exhaustive over a pruned
//! candidate list per access point (branch and bound), so it stays fast.

use super::{
    block_for, candidates, overlap, radio_weight, rating, Block, ChannelRating, Radio,
    CLEARLY_BETTER_ABS, SWITCH_MARGIN_ABS, SWITCH_MARGIN_RATIO,
};
use crate::freq::{self, Band, Channel};
use crate::model::{Mhz, PhyChannel};
use crate::output::round_to;
use std::collections::BTreeMap;

/// Each access point considers its current channel and the band's best
/// channels by neighbour score: one more than there are of our access
/// points in the band (so that each can have its own), at least this many.
pub const MIN_CANDIDATES: usize = 4;
/// The branch-and-bound search stops after this many nodes per band and
/// keeps the best plan found so far (and says so): with the bounds, eight
/// access points take far fewer.
pub const MAX_NODES: u64 = 1_000_000;

/// What the plan is computed from (all of it made by `analyse`).
pub(super) struct PlanInputs<'a> {
    pub(super) radios: &'a [Radio],
    pub(super) channels: &'a [ChannelRating],
    /// Per scored channel: its block and its score from neighbours and
    /// survey busy time alone.
    pub(super) blocks: &'a BTreeMap<Channel, (Block, f64)>,
    pub(super) allowed: &'a BTreeMap<Channel, &'a PhyChannel>,
    pub(super) width_mhz: u32,
}

/// One access point's channel in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEntry {
    /// Index into `ChannelAnalysis::radios`.
    pub radio: usize,
    pub band: Band,
    pub current_channel: u16,
    pub channel: u16,
    /// What this access point suffers on its current channel with the
    /// current assignment, and on its planned channel with the plan.
    pub current_score: f64,
    pub score: f64,
    /// `current_score − score`: positive when the plan helps this AP.
    pub gain: f64,
    pub reasons: Vec<String>,
}

/// One access point in the search.
struct Ap {
    radio: usize,
    current: usize,
    /// Candidate channels; `current` indexes the current one.
    cands: Vec<Channel>,
    /// Neighbour score (plus the DFS/non-PSC penalty) per candidate.
    base: Vec<f64>,
    /// Same without the penalty (what the AP suffers).
    plain: Vec<f64>,
}

/// The plan for every band with an access point of ours, and a sentence
/// when the search of a band was cut short.
pub(super) fn plan(input: &PlanInputs<'_>) -> (Vec<PlanEntry>, Option<String>) {
    let mut out = Vec::new();
    let mut note = None;
    for band in [Band::Ghz2_4, Band::Ghz5, Band::Ghz6] {
        let ours: Vec<usize> = input
            .radios
            .iter()
            .enumerate()
            .filter(|(_, r)| r.own && r.channel.is_some_and(|c| c.band == band))
            .map(|(i, _)| i)
            .collect();
        if ours.is_empty() {
            continue;
        }
        let (entries, cut_short) = plan_band(input, band, &ours);
        out.extend(entries);
        if cut_short {
            note = Some(format!(
                "the channel plan for {} of your access points on {band} is the best found in \
                 {MAX_NODES} search steps, not necessarily the best there is",
                ours.len()
            ));
        }
    }
    (out, note)
}

/// Extra cost of moving onto a channel with a drawback: DFS on 5 GHz (a
/// radar check before use, and a forced move when radar appears), non-PSC on
/// 6 GHz. An AP already there pays nothing.
fn penalty(c: &ChannelRating) -> f64 {
    match c.channel.band {
        Band::Ghz5 if c.dfs => CLEARLY_BETTER_ABS,
        Band::Ghz6 if !c.psc => CLEARLY_BETTER_ABS,
        _ => 0.0,
    }
}

fn plan_band(input: &PlanInputs<'_>, band: Band, ours: &[usize]) -> (Vec<PlanEntry>, bool) {
    let neighbour_score = |c: Channel| input.blocks.get(&c).map(|(_, s)| *s);
    // The band's candidates, best first by neighbour score (+ penalty).
    let mut pool: Vec<(Channel, f64)> = candidates(band, input.channels, input.allowed)
        .into_iter()
        .filter_map(|n| {
            let c = Channel { band, number: n };
            let r = rating(input.channels, band, n)?;
            Some((c, neighbour_score(c)? + penalty(r)))
        })
        .collect();
    pool.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));

    let k = pool.len().min(MIN_CANDIDATES.max(ours.len() + 1));
    let aps: Vec<Ap> = ours
        .iter()
        .map(|&i| make_ap(input, i, &pool[..k]))
        .collect();

    // Pair costs: pair[i][j][a][b] = what j on its candidate b costs i on
    // its candidate a (and the other way round), for i < j.
    let moved: Vec<Vec<Option<Radio>>> = aps
        .iter()
        .map(|ap| {
            ap.cands
                .iter()
                .map(|&c| moved_radio(input, ap.radio, c))
                .collect()
        })
        .collect();
    let n = aps.len();
    let weight: Vec<f64> = aps
        .iter()
        .map(|ap| radio_weight(&input.radios[ap.radio]))
        .collect();
    let suffer = |i: usize, a: usize, j: usize, b: usize| -> f64 {
        // What AP j on candidate b weighs on AP i on candidate a.
        let Some((block, _)) = input.blocks.get(&aps[i].cands[a]) else {
            return 0.0;
        };
        moved[j][b]
            .as_ref()
            .map_or(0.0, |r| weight[j] * overlap(r, block))
    };
    let mut pair: Vec<Vec<Vec<f64>>> = vec![Vec::new(); n * n];
    for i in 0..n {
        for j in i + 1..n {
            pair[i * n + j] = (0..aps[i].cands.len())
                .map(|a| {
                    (0..aps[j].cands.len())
                        .map(|b| suffer(i, a, j, b) + suffer(j, b, i, a))
                        .collect()
                })
                .collect();
        }
    }
    let search = Search::new(&aps, &pair, &weight);
    let current: Vec<usize> = aps.iter().map(|ap| ap.current).collect();
    let best_cost = search.run(&Goal::Cheapest).map_or(0.0, |(_, c, _)| c);
    let threshold =
        (best_cost + SWITCH_MARGIN_ABS).max(best_cost / (1.0 - SWITCH_MARGIN_RATIO)) + 1e-9;
    let chosen = search
        .run(&Goal::FewestMoves(threshold))
        .map_or_else(|| current.clone(), |(_, _, p)| p);
    let cut_short = search.cut_short();

    // What each AP suffers under an assignment (no penalty).
    let suffered = |assign: &[usize], i: usize| -> f64 {
        let mut s = aps[i].plain[assign[i]];
        for j in 0..n {
            if j != i {
                s += suffer(i, assign[i], j, assign[j]);
            }
        }
        s
    };
    let entries = (0..n)
        .map(|i| {
            let ap = &aps[i];
            let cur = ap.cands[ap.current];
            let new = ap.cands[chosen[i]];
            let current_score = round_to(suffered(&current, i), 2);
            let score = round_to(suffered(&chosen, i), 2);
            let contenders = |assign: &[usize]| -> Vec<(usize, Option<Channel>)> {
                (0..n)
                    .filter(|&j| j != i && suffer(i, assign[i], j, assign[j]) >= 0.01)
                    .map(|j| (aps[j].radio, Some(aps[j].cands[assign[j]])))
                    .collect()
            };
            let words = |c: Channel, assign: &[usize]| {
                rating(input.channels, band, c.number).map_or_else(
                    || "not rated".to_string(),
                    |r| super::describe_with(r, input.radios, &contenders(assign)),
                )
            };
            let mut reasons = Vec::new();
            if new == cur {
                let then = words(cur, &chosen);
                let now = words(cur, &current);
                reasons.push(if now == then {
                    format!("stay on channel {}: {then}", cur.number)
                } else {
                    // Another AP of ours leaves this channel.
                    format!("stay on channel {}: {now} → {then}", cur.number)
                });
            } else {
                reasons.push(format!(
                    "move from channel {} to {}: {} → {}",
                    cur.number,
                    new.number,
                    words(cur, &current),
                    words(new, &chosen)
                ));
                if let Some(r) = rating(input.channels, band, new.number) {
                    if r.dfs {
                        reasons.push(format!(
                            "channel {} is a DFS channel: the access point listens for radar for 60 s \
                             (10 min on 5600–5650 MHz) before using it, and leaves it if radar appears",
                            new.number
                        ));
                    }
                    if r.no_ir {
                        reasons.push(format!(
                            "this laptop's regulatory domain marks channel {} no-IR (passive only): \
                             check the access point's country setting allows it",
                            new.number
                        ));
                    }
                    if band == Band::Ghz6 && !r.psc {
                        reasons.push(format!(
                            "channel {} is not a preferred scanning channel (PSC): clients that scan \
                             only PSC channels find it more slowly",
                            new.number
                        ));
                    }
                }
            }
            PlanEntry {
                radio: ap.radio,
                band,
                current_channel: cur.number,
                channel: new.number,
                current_score,
                score,
                gain: round_to(current_score - score, 2),
                reasons,
            }
        })
        .collect();
    (entries, cut_short)
}

/// The AP with its candidates: the pool's channels, and its current one.
fn make_ap(input: &PlanInputs<'_>, radio: usize, pool: &[(Channel, f64)]) -> Ap {
    let current = input.radios[radio]
        .channel
        .expect("own radios in a band have a channel");
    let mut cands: Vec<Channel> = pool.iter().map(|(c, _)| *c).collect();
    if !cands.contains(&current) {
        cands.push(current);
    }
    cands.sort();
    let neighbour = |c: &Channel| input.blocks.get(c).map(|(_, s)| *s);
    let pen = |c: &Channel| {
        if *c == current {
            0.0
        } else {
            rating(input.channels, c.band, c.number).map_or(0.0, penalty)
        }
    };
    // A current channel that cannot carry the width (no block) is no
    // option: it costs as much as anything can.
    let plain: Vec<f64> = cands.iter().map(|c| neighbour(c).unwrap_or(1e6)).collect();
    let base = cands.iter().zip(&plain).map(|(c, p)| p + pen(c)).collect();
    Ap {
        radio,
        current: cands.iter().position(|c| *c == current).unwrap_or(0),
        cands,
        base,
        plain,
    }
}

/// Our radio as it would be on `c` at the planned width.
fn moved_radio(input: &PlanInputs<'_>, radio: usize, c: Channel) -> Option<Radio> {
    let block = match input.blocks.get(&c) {
        Some((b, _)) => b.clone(),
        None => block_for(c, input.width_mhz, input.allowed)?,
    };
    let mut r = input.radios[radio].clone();
    r.freq = Mhz(freq::freq_of(c)?);
    r.channel = Some(c);
    r.width_mhz = input.width_mhz;
    r.center_freq = Mhz(((block.low + block.high) / 2.0).round() as u32);
    r.center_freq2 = None;
    Some(r)
}

/// Branch and bound over the assignments. The bound of a partial plan is
/// its cost plus, for each AP not yet placed, the least it can add given
/// the APs already placed (its cheapest candidate with their weight on it).
struct Search<'a> {
    aps: &'a [Ap],
    pair: &'a [Vec<Vec<f64>>],
    n: usize,
    /// Nodes visited so far (see [`MAX_NODES`]).
    nodes: std::cell::Cell<u64>,
    /// least_weight[i]: the lightest of the APs from i on.
    least_weight: Vec<f64>,
}

/// What the search is after.
enum Goal {
    /// The lowest cost.
    Cheapest,
    /// The fewest moves among plans costing at most this, then the lowest
    /// cost.
    FewestMoves(f64),
}

/// The best plan found: moves, cost, assignment.
type Found = Option<(usize, f64, Vec<usize>)>;

impl<'a> Search<'a> {
    fn new(aps: &'a [Ap], pair: &'a [Vec<Vec<f64>>], weight: &[f64]) -> Self {
        let n = aps.len();
        let mut least_weight = vec![f64::INFINITY; n + 1];
        for i in (0..n).rev() {
            least_weight[i] = least_weight[i + 1].min(weight[i]);
        }
        Search {
            aps,
            pair,
            n,
            nodes: std::cell::Cell::new(0),
            least_weight,
        }
    }

    /// A second lower bound of what the APs from `from` on add: two of them
    /// on one channel cost each other at least twice the lightest weight,
    /// so the k-th one on a channel adds at least (k − 1) × that. Counts,
    /// per channel, the least any of them pays there alone.
    fn crowd_bound(&self, from: usize, acc: &[Vec<f64>], except: Option<usize>) -> f64 {
        let m = self.n - from - usize::from(except.is_some());
        if m < 2 {
            return 0.0;
        }
        let mut alone: Vec<(Channel, f64)> = (from..self.n)
            .filter(|&j| Some(j) != except)
            .flat_map(|j| {
                self.aps[j]
                    .cands
                    .iter()
                    .copied()
                    .zip(acc[j].iter().copied())
            })
            .collect();
        alone.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        alone.dedup_by(|later, first| later.0 == first.0);
        let step = 2.0 * self.least_weight[from];
        let mut costs: Vec<f64> = alone
            .iter()
            .flat_map(|&(_, v)| (0..m).map(move |k| v + step * k as f64))
            .collect();
        costs.sort_by(f64::total_cmp);
        costs.iter().take(m).sum()
    }

    /// Whether the node budget ran out: the result is then the best plan
    /// found until then.
    fn cut_short(&self) -> bool {
        self.nodes.get() >= MAX_NODES
    }

    /// What AP `j` on `b` costs with AP `i` on `a` (i < j).
    fn pair_cost(&self, i: usize, a: usize, j: usize, b: usize) -> f64 {
        self.pair[i * self.n + j][a][b]
    }

    fn run(&self, goal: &Goal) -> Found {
        let mut found = None;
        let mut assign = vec![0; self.n];
        // acc[j][b]: what AP j on candidate b adds given the APs placed.
        let mut acc: Vec<Vec<f64>> = self.aps.iter().map(|ap| ap.base.clone()).collect();
        self.walk(goal, 0, 0.0, 0, &mut assign, &mut acc, &mut found);
        found
    }

    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        goal: &Goal,
        i: usize,
        cost: f64,
        moves: usize,
        assign: &mut Vec<usize>,
        acc: &mut Vec<Vec<f64>>,
        found: &mut Found,
    ) {
        const EPS: f64 = 1e-9;
        if i == self.n {
            let better = match (goal, found.as_ref()) {
                (_, None) => true,
                (Goal::Cheapest, Some((_, c, _))) => cost < c - EPS,
                (Goal::FewestMoves(_), Some((m, c, _))) => {
                    moves < *m || (moves == *m && cost < c - EPS)
                }
            };
            if better {
                *found = Some((moves, cost, assign.clone()));
            }
            return;
        }
        if self.cut_short() {
            return;
        }
        self.nodes.set(self.nodes.get() + 1);
        let ap = &self.aps[i];
        // Cheapest first (the current channel first when moves count), so
        // that a good plan is found early and bounds the rest.
        let mut order: Vec<(usize, f64)> = acc[i].iter().copied().enumerate().collect();
        let stay_first = matches!(goal, Goal::FewestMoves(_));
        order.sort_by(|x, y| {
            let later = |a: usize| stay_first && a != ap.current;
            later(x.0)
                .cmp(&later(y.0))
                .then(x.1.total_cmp(&y.1))
                .then(x.0.cmp(&y.0))
        });
        for (a, add) in order {
            let c = cost + add;
            let m = moves + usize::from(a != ap.current);
            if matches!((goal, found.as_ref()), (Goal::FewestMoves(_), Some((bm, _, _))) if m > *bm)
            {
                continue;
            }
            // Place i on a: the later APs feel it.
            let mut lower = c;
            for (j, later) in acc.iter_mut().enumerate().skip(i + 1) {
                let mut least = f64::INFINITY;
                for (b, v) in later.iter_mut().enumerate() {
                    *v += self.pair_cost(i, a, j, b);
                    least = least.min(*v);
                }
                lower += least;
            }
            let additive = lower;
            lower = lower.max(c + self.crowd_bound(i + 1, acc, None));
            let pruned = match (goal, found.as_ref()) {
                (Goal::Cheapest, Some((_, best, _))) => lower >= best - EPS,
                (Goal::Cheapest, None) => false,
                (Goal::FewestMoves(limit), best) => {
                    // A later AP must move when staying alone breaks the
                    // limit: the plan moves at least that many more.
                    let forced = (i + 1..self.n)
                        .filter(|&j| {
                            let least = acc[j].iter().copied().fold(f64::INFINITY, f64::min);
                            let stay = acc[j][self.aps[j].current];
                            additive - least + stay > limit + EPS
                                || c + stay + self.crowd_bound(i + 1, acc, Some(j)) > limit + EPS
                        })
                        .count();
                    let at_least = m + forced;
                    lower > *limit
                        || best.is_some_and(|(bm, bc, _)| {
                            at_least > *bm || (at_least == *bm && lower >= bc - EPS)
                        })
                }
            };
            if !pruned {
                assign[i] = a;
                self.walk(goal, i + 1, c, m, assign, acc, found);
            }
            for (j, later) in acc.iter_mut().enumerate().skip(i + 1) {
                for (b, v) in later.iter_mut().enumerate() {
                    *v -= self.pair_cost(i, a, j, b);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every assignment, the slow way: (cost, moves) of each.
    fn all_plans(aps: &[Ap], pair: &[Vec<Vec<f64>>]) -> Vec<(f64, usize, Vec<usize>)> {
        let n = aps.len();
        let mut out = Vec::new();
        let mut assign = vec![0; n];
        loop {
            let mut cost: f64 = (0..n).map(|i| aps[i].base[assign[i]]).sum();
            for i in 0..n {
                for j in i + 1..n {
                    cost += pair[i * n + j][assign[i]][assign[j]];
                }
            }
            let moves = (0..n).filter(|&i| assign[i] != aps[i].current).count();
            out.push((cost, moves, assign.clone()));
            let mut k = 0;
            loop {
                if k == n {
                    return out;
                }
                assign[k] += 1;
                if assign[k] < aps[k].cands.len() {
                    break;
                }
                assign[k] = 0;
                k += 1;
            }
        }
    }

    /// The branch and bound finds what trying every plan finds, on random
    /// networks built like real ones (same channel: overlap 1; the next
    /// channel: part of it).
    #[test]
    fn branch_and_bound_agrees_with_trying_every_plan() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 10_000) as f64 / 10_000.0
        };
        for round in 0..300 {
            let n = 1 + round % 5;
            let chans = 3 + round % 4;
            let base_of: Vec<f64> = (0..chans).map(|_| (rnd() * 3.0).floor() / 2.0).collect();
            let weight: Vec<f64> = (0..n).map(|_| 0.2 + rnd()).collect();
            let aps: Vec<Ap> = (0..n)
                .map(|i| {
                    let current = (rnd() * chans as f64) as usize % chans;
                    Ap {
                        radio: i,
                        current,
                        cands: (0..chans)
                            .map(|c| Channel {
                                band: Band::Ghz5,
                                number: 36 + 4 * c as u16,
                            })
                            .collect(),
                        base: (0..chans)
                            .map(|c| base_of[c] + if c == current { 0.0 } else { 0.25 })
                            .collect(),
                        plain: base_of.clone(),
                    }
                })
                .collect();
            let ov = |a: usize, b: usize| match a.abs_diff(b) {
                0 => 1.0,
                1 => 0.3,
                _ => 0.0,
            };
            let mut pair = vec![Vec::new(); n * n];
            for i in 0..n {
                for j in i + 1..n {
                    pair[i * n + j] = (0..chans)
                        .map(|a| {
                            (0..chans)
                                .map(|b| (weight[i] + weight[j]) * ov(a, b))
                                .collect()
                        })
                        .collect();
                }
            }
            let search = Search::new(&aps, &pair, &weight);
            let plans = all_plans(&aps, &pair);
            let best = plans.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
            let (_, found, _) = search.run(&Goal::Cheapest).unwrap();
            assert!(
                (found - best).abs() < 1e-9,
                "round {round}: {found} vs {best}"
            );
            let limit = best + 0.3;
            let fewest = plans
                .iter()
                .filter(|p| p.0 <= limit)
                .map(|p| p.1)
                .min()
                .unwrap();
            let cheapest_of_fewest = plans
                .iter()
                .filter(|p| p.0 <= limit && p.1 == fewest)
                .map(|p| p.0)
                .fold(f64::INFINITY, f64::min);
            let (moves, cost, _) = search.run(&Goal::FewestMoves(limit)).unwrap();
            assert_eq!(moves, fewest, "round {round}");
            assert!((cost - cheapest_of_fewest).abs() < 1e-9, "round {round}");
            assert!(!search.cut_short());
        }
    }
}
