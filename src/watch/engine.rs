//! The watch's state machine, without any I/O.
//!
//! [`Engine`] is fed [`Input`]s — kernel events, probe results, link
//! samples, scan snapshots, what the edge looked up about the interface,
//! the laptop's sleeps and clock steps, and the passing of time — and
//! answers with the [`Record`]s to publish. It keeps the timeline the
//! verdicts read, tracks outages and roams, looks for roaming pathologies,
//! and decides which records are worth writing (probe results when a
//! target's state changes, samples every `sample_every`). It never touches
//! a socket, file, signal or terminal: [`super::session`] is the edge that
//! reads the kernel and the clocks and fans the records out to the sinks,
//! and the tests drive the engine with scripted sequences.
//!
//! Time is whatever the inputs say. The edge stamps them with a steady
//! clock anchored to the wall clock at start (so an NTP step neither
//! creates nor stretches an outage) and reports sleeps as
//! [`Input::Suspended`].

use super::event::{Crossing, Initiator, Kind, Millis, ProbeRole, Record, ScanHeard};
use super::pathology::{self, PathologyThresholds, RoamTracker, ScanSnapshot};
use super::probe::result::{ProbeOutcome, ProbeResult};
use super::verdict::{self, OutageTracker, Thresholds, Transition};
use crate::model::{KernelEvent, MacAddr, Mhz, StationInfo};
use std::collections::{BTreeMap, HashSet};
use std::net::IpAddr;

/// What the engine is told at start.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The watched interface's name.
    pub iface: String,
    /// The targets as given (for the start record).
    pub targets: Vec<String>,
    pub interval_ms: u64,
    /// How often a sample is published (every sample feeds the verdicts).
    pub sample_every_ms: u64,
    pub thresholds: Thresholds,
    pub patterns: PathologyThresholds,
    /// The machine's name, for the start record.
    pub host: Option<String>,
    /// `watch --site`.
    pub site: Option<String>,
}

/// The watched interface as the edge found it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InterfaceView {
    pub ifindex: Option<u32>,
    pub phy: Option<u32>,
    /// The operating frequency (the associated channel).
    pub freq: Option<Mhz>,
    /// The connected SSID, already escaped.
    pub ssid: Option<String>,
}

/// One thing that happened, as the edge saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A kernel event. For `Connect` and `InterfaceNew` the edge sends an
    /// [`Input::Interface`] just before, with the channel and SSID.
    Kernel(Millis, KernelEvent),
    /// What the edge looked up about the watched interface.
    Interface(Millis, InterfaceView),
    /// One probe's result.
    Probe(Millis, ProbeRole, String, ProbeResult),
    /// A link sample: the station (`None`: not associated).
    Sample(Millis, Option<StationInfo>),
    /// The kernel's scan cache: (BSSID, SSID, signal) of what it heard.
    Scan(Millis, Vec<(MacAddr, Option<String>, i32)>),
    /// What one `--scan-every` scan heard, to be written as a `scan`
    /// record (`fresh`: our own scan, not the kernel's cache).
    ScanRecord(Millis, bool, Vec<ScanHeard>),
    /// The laptop slept from `since` to the input's time.
    Suspended { since: Millis, until: Millis },
    /// The wall clock was stepped by this many milliseconds.
    ClockStep(Millis, i64),
    /// Time passes: look for patterns.
    Tick(Millis),
}

/// After a sleep, failures are not counted until the laptop is back: the
/// association returns and a probe succeeds, or this long has passed.
pub const RESUME_GRACE_MS: u64 = 60_000;

/// How much timeline the verdicts may look back at.
const TIMELINE_KEEP_MS: u64 = 30 * 60_000;

/// The watch's state.
pub struct Engine {
    config: EngineConfig,
    view: InterfaceView,
    gateway: Option<IpAddr>,
    /// The default routes of our interface (or of none) known to exist:
    /// (gateway, metric); the metric of the one found at start is unknown.
    /// Several can exist at once (NetworkManager adds a route via the same
    /// gateway with another metric before deleting the old one), so one
    /// deletion must not take the gateway away while another remains.
    routes: Vec<(Option<IpAddr>, Option<u32>)>,
    timeline: Vec<Record>,
    tracker: OutageTracker,
    roams: RoamTracker,
    last_counters: Option<(Option<MacAddr>, StationInfo)>,
    last_probe_ok: BTreeMap<(String, &'static str), bool>,
    last_sample_published: Option<Millis>,
    scans: Vec<ScanSnapshot>,
    reported_patterns: HashSet<(Millis, String)>,
    last_status: BTreeMap<String, (bool, Option<f64>)>,
    last_signal: Option<i32>,
    last_bssid: Option<MacAddr>,
    channel: Option<u16>,
    carrier: Option<bool>,
    /// The interface was removed and has not come back.
    gone: bool,
    /// After a sleep (woke at `.0`), until a probe stamped after the wake
    /// succeeds or `.1`: failed probes are not counted, and results stamped
    /// before the wake (queued while the watch froze) count for nothing.
    resuming: Option<(Millis, Millis)>,
    /// After a sleep (woke at `.0`), until the association is seen again or
    /// `.1`: a loss of association read now was the sleep's. The kernel
    /// leaves every network as it suspends (cfg80211 does, without WoWLAN),
    /// when the watch is already frozen, so it reads that loss only after
    /// the wake, stamped then, possibly after it noticed the sleep.
    sleep_loss: Option<(Millis, Millis)>,
    outages: usize,
    /// Samples and probe results that were not published, for a sink that
    /// wants every one (the metrics file); `None` unless asked for.
    unpublished: Option<Vec<Record>>,
}

impl Engine {
    /// A new engine for `view` (the interface at start, with its current
    /// association if any) and the gateway known at start.
    pub fn new(config: EngineConfig, view: InterfaceView, gateway: Option<IpAddr>) -> Engine {
        let channel = view.freq.and_then(Mhz::channel).map(|c| c.number);
        Engine {
            config,
            view,
            gateway,
            routes: gateway.map(|g| (Some(g), None)).into_iter().collect(),
            timeline: Vec::new(),
            tracker: OutageTracker::default(),
            roams: RoamTracker::default(),
            last_counters: None,
            last_probe_ok: BTreeMap::new(),
            last_sample_published: None,
            unpublished: None,
            scans: Vec::new(),
            reported_patterns: HashSet::new(),
            last_status: BTreeMap::new(),
            last_signal: None,
            last_bssid: None,
            channel,
            carrier: None,
            gone: false,
            resuming: None,
            sleep_loss: None,
            outages: 0,
        }
    }

    /// The `start` record; `bssid` is the association at start, if any.
    pub fn start(&mut self, ts: Millis, bssid: Option<MacAddr>, out: &mut Vec<Record>) {
        self.roams.set_current(bssid, self.channel);
        self.last_bssid = bssid;
        let kind = Kind::Start {
            version: env!("CARGO_PKG_VERSION").into(),
            hostname: self.config.host.clone(),
            site: self.config.site.clone(),
            targets: self.config.targets.clone(),
            interval_ms: self.config.interval_ms,
            gateway: self.gateway,
        };
        self.publish(self.record(ts, kind), out);
    }

    /// From now on, keeps every sample and probe result that is not
    /// published (samples between two `sample_every`, probe results that
    /// did not change a target's state) for [`Engine::take_unpublished`].
    /// A sink that reports the link's current state (the metrics file)
    /// needs each one; the log does not.
    pub fn keep_unpublished(&mut self) {
        self.unpublished.get_or_insert_with(Vec::new);
    }

    /// Moves the unpublished samples and probe results kept since the last
    /// call into `out` (nothing unless [`Engine::keep_unpublished`] was
    /// called).
    pub fn take_unpublished(&mut self, out: &mut Vec<Record>) {
        if let Some(kept) = self.unpublished.as_mut() {
            out.append(kept);
        }
    }

    fn unpublished(&mut self, record: &Record) {
        if let Some(kept) = self.unpublished.as_mut() {
            kept.push(record.clone());
        }
    }

    /// The watched interface's index now (`None` while it is gone).
    pub fn ifindex(&self) -> Option<u32> {
        self.view.ifindex.filter(|_| !self.gone)
    }

    /// The watched interface's phy now.
    pub fn phy(&self) -> Option<u32> {
        self.view.phy
    }

    /// Keeps `routes` in step with one route event. A deletion removes the
    /// route with that gateway and metric (an unknown metric matches any);
    /// deleting a route the engine never knew of changes nothing.
    fn route_changed(&mut self, gateway: Option<IpAddr>, metric: Option<u32>, added: bool) {
        let same = |r: &(Option<IpAddr>, Option<u32>)| r.0 == gateway && r.1 == metric;
        if added {
            self.routes.retain(|r| !same(r));
            self.routes.push((gateway, metric));
        } else if let Some(i) = self.routes.iter().position(same).or_else(|| {
            self.routes
                .iter()
                .position(|r| r.0 == gateway && (r.1.is_none() || metric.is_none()))
        }) {
            self.routes.remove(i);
        }
    }

    /// The gateway of the preferred known route: the lowest metric (unknown
    /// counts as the highest), the most recently added on a tie.
    fn preferred_gateway(&self) -> Option<IpAddr> {
        let mut best: Option<&(Option<IpAddr>, Option<u32>)> = None;
        for r in &self.routes {
            if best.is_none_or(|b| r.1.unwrap_or(u32::MAX) <= b.1.unwrap_or(u32::MAX)) {
                best = Some(r);
            }
        }
        best.and_then(|r| r.0)
    }

    /// The gateway to probe now (it follows the default route).
    pub fn gateway(&self) -> Option<IpAddr> {
        self.gateway
    }

    /// Whether a target is in an outage now.
    pub fn has_open_outage(&self) -> bool {
        !self.tracker.open_outages(Millis(0)).is_empty()
    }

    /// Outages published so far.
    pub fn outages(&self) -> usize {
        self.outages
    }

    /// Feeds one input; the records to publish are appended to `out`.
    pub fn handle(&mut self, input: Input, out: &mut Vec<Record>) {
        match input {
            Input::Kernel(ts, event) => self.kernel(ts, event, out),
            Input::Interface(_, view) => {
                if view.freq.is_some() {
                    self.channel = view.freq.and_then(Mhz::channel).map(|c| c.number);
                }
                self.view = InterfaceView {
                    ifindex: view.ifindex.or(self.view.ifindex),
                    phy: view.phy.or(self.view.phy),
                    freq: view.freq.or(self.view.freq),
                    ssid: view.ssid.or(self.view.ssid.take()),
                };
            }
            Input::Probe(ts, role, target, result) => self.probe(ts, role, target, result, out),
            Input::Sample(ts, station) => self.sample(ts, station, out),
            Input::Scan(ts, bsses) => {
                self.scans.push(ScanSnapshot { at: ts, bsses });
                if self.scans.len() > 3 {
                    self.scans.remove(0);
                }
            }
            // Evidence for `channels --from-log`, not for the verdicts: not
            // kept on the timeline.
            Input::ScanRecord(ts, fresh, bsses) => {
                out.push(self.record(ts, Kind::Scan { fresh, bsses }));
            }
            Input::Suspended { since, until } => self.suspended(since, until, out),
            Input::ClockStep(ts, offset_ms) => {
                self.publish(self.record(ts, Kind::ClockStep { offset_ms }), out);
            }
            Input::Tick(_) => self.patterns(out),
        }
    }

    /// Closes what is still open and publishes the stop record.
    pub fn finish(&mut self, ts: Millis, reason: &str, out: &mut Vec<Record>) {
        if let Some(roam) = self.roams.flush() {
            self.publish(self.record(ts, roam), out);
        }
        for outage in self.tracker.open_outages(ts) {
            self.close(outage, out);
        }
        let stop = Kind::Stop {
            reason: reason.to_string(),
            outages: self.outages,
        };
        self.publish(self.record(ts, stop), out);
    }

    /// One line of live status: the link, each probe's last result, the
    /// outage count.
    pub fn status_text(&self) -> String {
        let mut parts = vec![format!(
            "{} {}",
            self.config.iface,
            match (self.last_bssid, self.last_signal) {
                (Some(b), Some(s)) => format!("{b} {s} dBm"),
                _ => "not associated".into(),
            }
        )];
        for (what, (ok, rtt)) in &self.last_status {
            parts.push(match (ok, rtt) {
                (true, Some(r)) => format!("{what} {r:.0} ms"),
                (true, None) => format!("{what} ok"),
                (false, _) => format!("{what} FAIL"),
            });
        }
        parts.push(format!("outages {}", self.outages));
        crate::escape::terminal_safe(&parts.join(" | ")).into_owned()
    }

    fn record(&self, ts: Millis, kind: Kind) -> Record {
        Record::new(ts, Some(&self.config.iface), kind)
    }

    /// Publishes a record and keeps it on the timeline.
    fn publish(&mut self, record: Record, out: &mut Vec<Record>) {
        if matches!(record.kind, Kind::Outage { .. }) {
            self.outages += 1;
        }
        out.push(record.clone());
        self.keep(record);
    }

    fn keep(&mut self, record: Record) {
        let horizon = Millis(record.ts.0.saturating_sub(TIMELINE_KEEP_MS));
        self.timeline.push(record);
        if self.timeline.first().is_some_and(|r| r.ts < horizon) {
            self.timeline.retain(|r| r.ts >= horizon);
        }
    }

    fn ours(&self, ifindex: u32) -> bool {
        self.ifindex() == Some(ifindex)
    }

    fn kernel(&mut self, ts: Millis, event: KernelEvent, out: &mut Vec<Record>) {
        let by = |ap: bool| if ap { Initiator::Ap } else { Initiator::Local };
        let kind = match event {
            KernelEvent::Connect {
                ifindex,
                bssid,
                status,
            } if self.ours(ifindex) => Some(Kind::connected(
                bssid,
                self.view.freq,
                self.view.ssid.clone(),
                status,
            )),
            KernelEvent::Roam {
                ifindex,
                bssid: Some(to),
                freq,
            } if self.ours(ifindex) => {
                if freq.is_some() {
                    self.view.freq = freq;
                }
                // The link is on the new access point now; its `roamed`
                // record waits for the first sample there.
                self.last_bssid = Some(to);
                self.channel = freq
                    .and_then(Mhz::channel)
                    .map(|c| c.number)
                    .or(self.channel);
                self.sleep_loss = None;
                self.roams.fast_roam(to, freq)
            }
            KernelEvent::Disconnect {
                ifindex,
                reason,
                by_ap,
            } if self.ours(ifindex) => Some(Kind::disconnected(self.last_bssid, reason, by(by_ap))),
            KernelEvent::MgmtFrame {
                ifindex,
                deauth,
                bssid,
                reason,
                from_ap,
            } if self.ours(ifindex) => Some(if deauth {
                Kind::deauth(bssid, reason, by(from_ap))
            } else {
                Kind::disassoc(bssid, reason, by(from_ap))
            }),
            KernelEvent::CqmRssi {
                ifindex,
                low,
                level,
            } if self.ours(ifindex) => Some(Kind::CqmRssi {
                crossing: if low { Crossing::Low } else { Crossing::High },
                signal_dbm: level,
            }),
            KernelEvent::CqmPacketLoss { ifindex, packets } if self.ours(ifindex) => {
                Some(Kind::CqmPacketLoss { packets })
            }
            KernelEvent::CqmBeaconLoss { ifindex } if self.ours(ifindex) => {
                Some(Kind::CqmBeaconLoss)
            }
            KernelEvent::InterfaceDel { ifindex, name }
                if !self.gone
                    && (ifindex.is_some() && ifindex == self.view.ifindex
                        || name.as_deref() == Some(&self.config.iface)) =>
            {
                self.gone = true;
                self.view.ifindex = None;
                self.last_counters = None;
                Some(Kind::InterfaceRemoved {
                    name: name.or(Some(self.config.iface.clone())),
                })
            }
            KernelEvent::InterfaceNew {
                ifindex,
                name: Some(n),
            } if n == self.config.iface && self.gone => {
                self.gone = false;
                self.view.ifindex = self.view.ifindex.or(ifindex);
                Some(Kind::InterfaceAdded { name: Some(n) })
            }
            KernelEvent::Link {
                ifindex,
                carrier,
                removed: false,
                ..
            } if self.ours(ifindex) => {
                let changed = self.carrier.is_some_and(|c| c != carrier);
                self.carrier = Some(carrier);
                changed.then_some(Kind::Link { up: carrier })
            }
            KernelEvent::Address {
                ifindex,
                address,
                prefix_len,
                added,
            } if self.ours(ifindex) => {
                let address = format!("{address}/{prefix_len}");
                Some(if added {
                    Kind::AddressAdded { address }
                } else {
                    Kind::AddressRemoved { address }
                })
            }
            KernelEvent::DefaultRoute {
                ifindex,
                gateway: gw,
                metric,
                added,
            } if ifindex.is_none() || ifindex == self.view.ifindex => {
                self.route_changed(gw, metric, added);
                let new = self.preferred_gateway();
                (self.gateway != new).then(|| {
                    self.gateway = new;
                    Kind::DefaultRoute { gateway: new }
                })
            }
            _ => None,
        };
        let Some(kind) = kind else { return };
        let record = self.record(ts, kind);
        let roam = self.roams.observe(&record);
        if let Some((_, deadline)) = self.sleep_loss {
            if ts >= deadline || matches!(record.kind, Kind::Connected { .. } | Kind::Roamed { .. })
            {
                self.sleep_loss = None;
            } else if record.kind.is_link_loss() {
                // The sleep's loss: what reconnects next is not a roam.
                self.roams.forget_loss();
            }
        }
        if let Kind::Connected { bssid, channel, .. } = &record.kind {
            self.last_bssid = *bssid;
            self.channel = *channel;
        }
        self.publish(record, out);
        if let Some(roam) = roam {
            self.publish(self.record(ts, roam), out);
        }
    }

    fn probe(
        &mut self,
        ts: Millis,
        role: ProbeRole,
        target: String,
        result: ProbeResult,
        out: &mut Vec<Record>,
    ) {
        let ok = result.ok();
        let not_possible = result.outcome == ProbeOutcome::NotPermitted;
        let record = self.record(
            ts,
            Kind::Probe {
                target: target.clone(),
                role,
                method: result.method,
                outcome: result.outcome,
                ok,
                rtt_ms: result.rtt_ms,
                detail: result.detail.clone(),
            },
        );
        let role_key = match role {
            ProbeRole::Gateway => "gateway",
            ProbeRole::Dns => "dns",
            ProbeRole::Target => "target",
        };
        self.last_status
            .insert(format!("{role_key} {target}"), (ok, result.rtt_ms));
        // Probe lines are published when a target's state changes; every
        // result is kept for the verdicts.
        let changed = self.last_probe_ok.insert((target.clone(), role_key), ok) != Some(ok);
        if changed {
            out.push(record.clone());
        } else {
            self.unpublished(&record);
        }
        self.keep(record);
        // A probe that could not be made says nothing about the target.
        if not_possible || role == ProbeRole::Dns {
            return;
        }
        if ok && self.sleep_loss.is_some_and(|(woke, _)| ts >= woke) {
            // Reachable after the wake: still associated, a loss is news.
            self.sleep_loss = None;
        }
        if let Some((woke, until)) = self.resuming {
            // Back from a sleep: the first success after the wake ends the
            // grace; until then failures are the resume itself, not an
            // outage, and a result from before the sleep is stale.
            if ts >= until || (ok && ts >= woke) {
                self.resuming = None;
            } else {
                return;
            }
        }
        if let Some(Transition::Closed(outage)) =
            self.tracker
                .observe(&target, ok, ts, &self.config.thresholds)
        {
            self.close(outage, out);
        }
    }

    fn close(&mut self, outage: verdict::Outage, out: &mut Vec<Record>) {
        let v = verdict::classify(&outage, &self.timeline, &self.config.thresholds);
        let record = self.record(outage.end, v.into_kind(&outage));
        self.publish(record, out);
    }

    fn sample(&mut self, ts: Millis, station: Option<StationInfo>, out: &mut Vec<Record>) {
        if self.ifindex().is_none() {
            return;
        }
        let delta = |now: Option<u32>, before: Option<u32>| match (now, before) {
            (Some(n), Some(b)) if n >= b => Some(n - b),
            _ => None,
        };
        if let Some(st) = &station {
            // The first sample on a roam's new access point completes it.
            let signal = st.signal.or(st.signal_avg).map(|d| d.0);
            if let Some(roam) = self.roams.sample(st.bssid, signal) {
                self.publish(self.record(ts, roam), out);
            }
        }
        let kind = match &station {
            Some(st) => {
                let prev = self
                    .last_counters
                    .as_ref()
                    .filter(|(b, _)| *b == st.bssid)
                    .map(|(_, s)| s);
                let signal = st.signal.or(st.signal_avg).map(|d| d.0);
                self.last_signal = signal;
                if self.last_bssid.is_none() {
                    self.last_bssid = st.bssid;
                }
                Kind::Sample {
                    connected: true,
                    bssid: st.bssid,
                    channel: self.channel,
                    signal_dbm: signal,
                    tx_bitrate_mbps: st.tx_bitrate.as_ref().and_then(|r| r.mbps),
                    tx_packets: delta(st.tx_packets, prev.and_then(|p| p.tx_packets)),
                    tx_retries: delta(st.tx_retries, prev.and_then(|p| p.tx_retries)),
                    tx_failed: delta(st.tx_failed, prev.and_then(|p| p.tx_failed)),
                    beacon_loss: delta(st.beacon_loss, prev.and_then(|p| p.beacon_loss)),
                }
            }
            None => Kind::Sample {
                connected: false,
                bssid: None,
                channel: None,
                signal_dbm: None,
                tx_bitrate_mbps: None,
                tx_packets: None,
                tx_retries: None,
                tx_failed: None,
                beacon_loss: None,
            },
        };
        self.last_counters = station.map(|s| (s.bssid, s));
        let record = self.record(ts, kind);
        let due = self
            .last_sample_published
            .is_none_or(|t| ts.since(t) >= self.config.sample_every_ms || ts < t);
        if due {
            self.last_sample_published = Some(ts);
            out.push(record.clone());
        } else {
            self.unpublished(&record);
        }
        self.keep(record);
    }

    /// A sleep: recorded as such; what it broke is not an outage. Open
    /// failure counts are forgotten (no outage spans a sleep), a loss of
    /// association before it, or read right after it, is not the start of a
    /// roam gap, and failures right after it are not counted until the
    /// laptop is back.
    fn suspended(&mut self, since: Millis, until: Millis, out: &mut Vec<Record>) {
        // An outage already open when the laptop went to sleep was real:
        // it ends where the watch stopped seeing anything.
        if let Some(roam) = self.roams.flush() {
            self.publish(self.record(since, roam), out);
        }
        for outage in self.tracker.open_outages(since) {
            self.close(outage, out);
        }
        self.tracker = OutageTracker::default();
        self.roams.forget_loss();
        self.last_counters = None;
        self.resuming = Some((until, Millis(until.0.saturating_add(RESUME_GRACE_MS))));
        self.sleep_loss = Some((until, Millis(until.0.saturating_add(RESUME_GRACE_MS))));
        let kind = Kind::Suspended {
            since,
            duration_ms: until.since(since),
        };
        self.publish(self.record(until, kind), out);
    }

    fn patterns(&mut self, out: &mut Vec<Record>) {
        let found = pathology::all(
            &self.timeline,
            &self.scans,
            self.view.ssid.as_deref(),
            &self.config.patterns,
        );
        for f in found {
            if self
                .reported_patterns
                .insert((f.at, f.pathology.to_string()))
            {
                let r = self.record(f.at, f.into_kind());
                self.publish(r, out);
            }
        }
    }
}

#[cfg(test)]
mod tests;
