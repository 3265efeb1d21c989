//! The prober thread: one round (gateway, then DNS and the probe of each
//! target) every interval.
//!
//! When rounds run is decided by [`Schedule`] and how long each probe may
//! wait by [`probe_timeout`]; both are pure and unit-tested with scripted
//! instants. The thread itself only sleeps, probes and hands results on.

use super::dns::resolve;
use super::icmp::{is_unicast_link_local, Prober};
use super::result::{ProbeResult, ProbeRole};
use super::target::Target;
use super::tcp::tcp_connect;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the prober does: which targets, how often, and the interface whose
/// index scopes a link-local IPv6 gateway.
#[derive(Debug, Clone)]
pub struct ProbePlan {
    pub interval: Duration,
    pub targets: Vec<Target>,
    pub ifindex: Option<u32>,
}

/// Probes gateway, DNS and targets every interval on a thread of its own,
/// until `emit` returns false or `stop` is set. `gateway` is updated by the
/// caller when the default route changes.
pub fn spawn(
    plan: ProbePlan,
    gateway: Arc<Mutex<Option<IpAddr>>>,
    stop: &'static AtomicBool,
    mut emit: impl FnMut(ProbeRole, String, ProbeResult) -> bool + Send + 'static,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut prober = Prober::new();
        let timeout = probe_timeout(plan.interval, plan.targets.len());
        let schedule = Schedule::new(plan.interval);
        let mut planned = Instant::now();
        loop {
            let started = Instant::now();
            let gw = *gateway.lock().unwrap_or_else(|e| e.into_inner());
            if !round(&mut prober, &plan, gw, timeout, &mut emit) {
                return;
            }
            if stop.load(Ordering::SeqCst) {
                return;
            }
            planned = schedule.next(planned, started, Instant::now());
            std::thread::sleep(planned.saturating_duration_since(Instant::now()));
        }
    })
}

/// One round: the gateway, then each target (its name's lookup, then the
/// probe proper). False when `emit` wants no more results.
fn round(
    prober: &mut Prober,
    plan: &ProbePlan,
    gateway: Option<IpAddr>,
    timeout: Duration,
    emit: &mut impl FnMut(ProbeRole, String, ProbeResult) -> bool,
) -> bool {
    if let Some(gw) = gateway {
        let result = match gw {
            IpAddr::V6(v6) if is_unicast_link_local(v6) => {
                prober.icmp_echo_scoped(gw, plan.ifindex.unwrap_or(0), timeout)
            }
            _ => prober.icmp_echo(gw, timeout),
        };
        if !emit(ProbeRole::Gateway, gw.to_string(), result) {
            return false;
        }
    }
    for target in &plan.targets {
        let label = target.to_string();
        let (dns, addrs) = resolve(&target.host, timeout);
        if target.ip().is_none() && !emit(ProbeRole::Dns, label.clone(), dns.clone()) {
            return false;
        }
        let result = match (addrs.first(), target.port) {
            (None, _) => ProbeResult {
                method: dns.method,
                outcome: dns.outcome,
                rtt_ms: None,
                detail: Some(format!(
                    "name did not resolve: {}",
                    dns.detail.clone().unwrap_or_default()
                )),
            },
            (Some(ip), Some(port)) => tcp_connect(SocketAddr::new(*ip, port), timeout),
            (Some(ip), None) => prober.icmp_echo(*ip, timeout),
        };
        if !emit(ProbeRole::Target, label, result) {
            return false;
        }
    }
    true
}

/// The timeout of each probe in a round of `targets` targets: the round
/// (the gateway, then a lookup and a probe per target) must fit in 80 % of
/// the interval, but no probe gets less than 100 ms, below which a healthy
/// but distant server would look down. With many targets and a short
/// interval the floor wins and a round of timeouts can overrun the
/// interval; [`Schedule`] then starts the next round late, never early.
pub fn probe_timeout(interval: Duration, targets: usize) -> Duration {
    let probes_per_round = u32::try_from(targets)
        .unwrap_or(u32::MAX)
        .saturating_mul(2)
        .saturating_add(1);
    (interval.mul_f64(0.8) / probes_per_round).max(Duration::from_millis(100))
}

/// When the next round starts.
///
/// Rounds are meant to start an interval apart. A round that ran late —
/// it overran the interval (every probe timing out), or the thread woke up
/// late — moves the schedule: the lost time is not repaid by rounds started
/// back to back, which would be a burst of probes (TCP connects to a server
/// that has just recovered) exactly when it hurts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    interval: Duration,
}

impl Schedule {
    pub fn new(interval: Duration) -> Schedule {
        Schedule { interval }
    }

    /// The start of the round after the one that was planned for `planned`,
    /// started at `started` and ended at `now`.
    ///
    /// The answer is never before `now` (no round is owed) and never less
    /// than an interval after `started` (two rounds never start closer than
    /// the interval). On time, it is `planned + interval`, give or take the
    /// thread's wake-up delay, which moves the schedule like any lateness.
    pub fn next(&self, planned: Instant, started: Instant, now: Instant) -> Instant {
        (planned.max(started) + self.interval).max(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn on_time_rounds_keep_the_interval() {
        let t0 = Instant::now();
        let s = Schedule::new(SECOND);
        assert_eq!(s.next(t0, t0, t0 + ms(300)), t0 + SECOND);
        // A round that takes exactly the interval: the next one starts now.
        assert_eq!(s.next(t0, t0, t0 + SECOND), t0 + SECOND);
    }

    #[test]
    fn an_overrun_round_is_followed_from_now_not_repaid() {
        let t0 = Instant::now();
        let s = Schedule::new(SECOND);
        // The round planned for t0 took 3.5 s (every probe timed out): the
        // next deadline is not t0 + 1 s, which is already past.
        assert_eq!(s.next(t0, t0, t0 + ms(3500)), t0 + ms(3500));
    }

    #[test]
    fn a_late_start_moves_the_schedule() {
        let t0 = Instant::now();
        let s = Schedule::new(SECOND);
        // Planned for t0, woke up at t0 + 900 ms, done 50 ms later: the next
        // round is an interval after that start, not 100 ms later.
        assert_eq!(s.next(t0, t0 + ms(900), t0 + ms(950)), t0 + ms(1900));
    }

    /// Runs the prober's loop over scripted round durations: each round
    /// starts at its deadline or, when the previous round is still running
    /// then, when that one ends (a thread cannot sleep into the past).
    fn simulate(s: &Schedule, durations: &[Duration]) -> Vec<(Instant, Instant)> {
        let t0 = Instant::now();
        let mut planned = t0;
        let mut clock = t0;
        let mut rounds = Vec::new();
        for &d in durations {
            let started = planned.max(clock);
            let ended = started + d;
            rounds.push((started, ended));
            clock = ended;
            planned = s.next(planned, started, ended);
        }
        rounds
    }

    #[test]
    fn no_burst_after_an_outage() {
        let s = Schedule::new(SECOND);
        // Three rounds of timeouts at 3.5 s each (10.5 s of lag in all), then
        // the server recovers and rounds take 10 ms.
        let mut durations = vec![ms(3500); 3];
        durations.extend([ms(10); 8]);
        let rounds = simulate(&s, &durations);
        for pair in rounds.windows(2) {
            let ((start_a, end_a), (start_b, _)) = (pair[0], pair[1]);
            assert!(
                start_b - start_a >= SECOND,
                "two rounds {:?} apart",
                start_b - start_a
            );
            assert!(start_b >= end_a, "a round started before the last ended");
        }
        // After the recovery, exactly one round per interval.
        let recovered: Vec<_> = rounds[3..].iter().map(|r| r.0).collect();
        for pair in recovered.windows(2) {
            assert_eq!(pair[1] - pair[0], SECOND);
        }
    }

    #[test]
    fn timeouts_split_the_interval_among_the_probes() {
        // (interval, targets, expected per-probe timeout)
        let table = [
            (SECOND, 0, ms(800)),
            (SECOND, 1, ms(800) / 3),
            (SECOND, 3, ms(800) / 7),
            // The 100 ms floor.
            (SECOND, 4, ms(100)),
            (SECOND, 32, ms(100)),
            (Duration::from_secs(10), 1, ms(8000) / 3),
            (Duration::from_secs(10), 32, ms(8000) / 65),
            (ms(100), 0, ms(100)),
            // Absurd counts saturate instead of overflowing.
            (SECOND, usize::MAX, ms(100)),
        ];
        for (interval, targets, want) in table {
            let got = probe_timeout(interval, targets);
            assert_eq!(got, want, "interval {interval:?}, {targets} targets");
            // Above the floor, a whole round of timeouts fits in 80 %.
            if got > ms(100) {
                let probes = 1 + 2 * targets as u32;
                assert!(got * probes <= interval.mul_f64(0.8));
            }
        }
    }
}
