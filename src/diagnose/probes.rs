//! The probes of a diagnosis (an edge: sockets and the clock), made with
//! `watch`'s probe functions: once per round, an ICMP echo to the gateway;
//! per target, a TCP connect to its port (an ICMP echo when it has none)
//! and, when it has a port, an ICMP echo to its host (a host that answers
//! ping but not its port is behind a firewall that drops the port); the
//! target's name is looked up in the first round and every
//! [`Plan::lookup_every`] rounds after (each lookup is a DNS measurement).
//!
//! Traffic stays small: at the default one round a second for 30 s, one
//! gateway ping and two small probes per target a second.

use super::{ProbeEvidence, TargetProbes};
use crate::watch::probe::{resolve, tcp_connect, Prober, Schedule, Target};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// What to probe and for how long.
#[derive(Debug, Clone)]
pub struct Plan {
    pub gateway: Option<IpAddr>,
    /// The interface index, for an IPv6 link-local gateway's scope.
    pub ifindex: u32,
    pub targets: Vec<Target>,
    pub duration: Duration,
    pub interval: Duration,
    /// Look names up again every this many rounds.
    pub lookup_every: u32,
}

/// Runs the plan to its end (blocking) and returns every result.
/// `progress` is called after each round with the time elapsed.
pub fn run(plan: &Plan, mut progress: impl FnMut(Duration)) -> ProbeEvidence {
    let mut prober = Prober::new();
    let timeout = Duration::from_secs(1).min(plan.interval.max(Duration::from_millis(300)));
    let lookup_timeout = Duration::from_secs(2);
    let mut gateway = plan.gateway.map(|g| (g, Vec::new()));
    let mut targets: Vec<TargetProbes> = plan
        .targets
        .iter()
        .map(|t| TargetProbes {
            spec: t.to_string(),
            host: t.host.clone(),
            port: t.port,
            address: t.ip(),
            ..TargetProbes::default()
        })
        .collect();
    let schedule = Schedule::new(plan.interval);
    let started = Instant::now();
    let mut planned = started;
    let mut round: u32 = 0;
    while started.elapsed() < plan.duration {
        let round_start = Instant::now();
        if let Some((addr, results)) = &mut gateway {
            results.push(prober.icmp_echo_scoped(*addr, plan.ifindex, timeout));
        }
        for (t, spec) in targets.iter_mut().zip(&plan.targets) {
            if spec.ip().is_none() && round % plan.lookup_every.max(1) == 0 {
                let (result, addrs) = resolve(&spec.host, lookup_timeout);
                if let Some(first) = addrs.first() {
                    t.address = Some(*first);
                }
                t.dns.push(result);
            }
            let Some(addr) = t.address else {
                continue;
            };
            match t.port {
                Some(port) => {
                    t.connect
                        .push(tcp_connect(SocketAddr::new(addr, port), timeout));
                    t.ping.push(prober.icmp_echo(addr, timeout));
                }
                None => t.connect.push(prober.icmp_echo(addr, timeout)),
            }
        }
        round += 1;
        let now = Instant::now();
        progress(now - started);
        let next = schedule.next(planned, round_start, now);
        planned = next;
        if started.elapsed() >= plan.duration {
            break;
        }
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    ProbeEvidence {
        duration_ms: started.elapsed().as_millis() as u64,
        gateway,
        targets,
    }
}
