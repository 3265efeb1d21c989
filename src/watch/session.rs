//! The watch loop: listeners, sampler, prober and the one consumer that
//! puts everything on the timeline.
//!
//! Threads, each doing one blocking thing, feed one channel:
//! - the nl80211 listener (mlme, scan, config, regulatory multicast groups),
//! - the rtnetlink listener (links, addresses, routes),
//! - the prober (gateway ICMP, DNS, targets; one packet per target per
//!   interval, every timeout shorter than the interval).
//!
//! Events are stamped when the listener receives them, so the log's times
//! are the kernel's moments, not when the loop got round to them. The main
//! thread samples the link every interval, tracks outages, classifies them
//! when they close, looks for roaming pathologies, and writes records to
//! the outputs. It never reconfigures the interface and triggers no scans
//! unless `scan_every` asks for it.

use super::event::{Crossing, Initiator, Kind, Millis, ProbeRole, Record};
use super::log::{EventLog, LogError};
use super::pathology::{self, PathologyThresholds, RoamTracker, ScanSnapshot};
use super::probe::{self, ProbeResult, Prober, Target};
use super::verdict::{self, OutageTracker, Thresholds, Transition};
use crate::error::{Error, Result};
use crate::model::{MacAddr, StationInfo};
use crate::nl::events::{self, RawEvent};
use crate::nl::{self, Nl80211};
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Everything the watch is told.
#[derive(Debug, Clone)]
pub struct WatchConfig {
    pub iface: Option<String>,
    pub targets: Vec<Target>,
    pub interval: Duration,
    /// Stop after this long; `None` = until SIGINT/SIGTERM.
    pub duration: Option<Duration>,
    pub json: bool,
    /// Pseudonyms for MACs, SSIDs and the host in JSON and the log.
    pub redact: bool,
    /// Only outages, patterns and the summary on stdout.
    pub quiet: bool,
    pub log: Option<PathBuf>,
    /// How long to wait for another watch's lock on the log.
    pub lock_wait: Duration,
    /// Opt-in: trigger a scan this often (off-channel time!).
    pub scan_every: Option<Duration>,
    /// How often a link sample is written out (every sample is kept in
    /// memory for the verdicts).
    pub sample_every: Duration,
    pub thresholds: Thresholds,
    pub patterns: PathologyThresholds,
    /// Draw a status line on stderr (a terminal).
    pub status_line: bool,
}

/// What the watch saw, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct WatchSummary {
    pub outages: Vec<Record>,
    pub disconnects_by_reason: BTreeMap<u16, usize>,
    pub roams: usize,
    /// Per BSSID: (min, sum, count, max) of sampled signal.
    pub signal: BTreeMap<MacAddr, (i32, i64, u64, i32)>,
    pub patterns: Vec<Record>,
    pub stop_reason: String,
}

enum Msg {
    Kernel(Millis, RawEvent),
    Probe(Millis, ProbeRole, String, ProbeResult),
    ListenerFailed(&'static str, String),
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_signal_handlers() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

/// Where records go: stdout (human or JSON Lines) and the log file.
struct Outputs<'a> {
    out: &'a mut dyn Write,
    log: Option<EventLog>,
    json: bool,
    redact: Option<crate::output::Redactor>,
    quiet: bool,
    status_line: bool,
    status_drawn: bool,
    /// The log refused lines (disk full) and has not taken one since.
    log_failing: bool,
}

impl Outputs<'_> {
    /// Writes a record everywhere it belongs.
    fn emit(&mut self, record: &Record) -> Result<(), WatchError> {
        let important = matches!(record.kind, Kind::Outage { .. } | Kind::Pathology { .. });
        let show = !self.quiet || important;
        let json = (self.log.is_some() || (self.json && show)).then(|| match &self.redact {
            Some(r) => {
                let mut v = record.to_json_value();
                r.apply(&mut v);
                v.to_string()
            }
            None => record.to_json_line(),
        });
        if let (Some(log), Some(line)) = (&mut self.log, &json) {
            // A full disk must not end the watch: count, warn once, go on,
            // and say so when the log takes lines again.
            let notice = match log.append(line) {
                Ok(()) if self.log_failing => {
                    self.log_failing = false;
                    Some(format!(
                        "logging resumed; {} line(s) were lost",
                        log.dropped()
                    ))
                }
                Ok(()) => None,
                Err(e) if e.is_transient() && !self.log_failing => {
                    self.log_failing = true;
                    Some(format!(
                        "cannot write to {}: {e}; watching goes on, {} line(s) not logged so far",
                        log.path().display(),
                        log.dropped()
                    ))
                }
                Err(e) if e.is_transient() => None,
                Err(e) => return Err(WatchError::Log(e)),
            };
            if let Some(notice) = notice {
                self.clear_status();
                eprintln!("wifidiag: {notice}");
            }
        }
        if !show {
            return Ok(());
        }
        self.clear_status();
        let line = match json.filter(|_| self.json) {
            Some(line) => line,
            None => record.to_human(),
        };
        writeln!(self.out, "{line}").map_err(WatchError::Output)?;
        self.out.flush().map_err(WatchError::Output)
    }

    fn status(&mut self, text: &str) {
        if self.status_line {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{text}");
            let _ = err.flush();
            self.status_drawn = true;
        }
    }

    fn clear_status(&mut self) {
        if self.status_drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
            self.status_drawn = false;
        }
    }
}

/// Why a watch ended early.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Wifi(#[from] Error),
    #[error(transparent)]
    Log(LogError),
    #[error("writing to standard output: {0}")]
    Output(std::io::Error),
}

/// The interface being watched, as known now.
struct Watched {
    name: String,
    ifindex: Option<u32>,
    phy: u32,
    ssid: Option<String>,
}

/// Runs the watch until `--for` elapses or a signal arrives.
pub fn run(config: &WatchConfig, out: &mut dyn Write) -> Result<WatchSummary, WatchError> {
    let nl = Nl80211::open()?;
    let iface = crate::model::pick_station(nl.interfaces()?, config.iface.as_deref())?;
    let mut watched = Watched {
        name: iface.name.clone().unwrap_or_default(),
        ifindex: iface.ifindex,
        phy: iface.phy,
        ssid: iface.ssid.as_ref().map(|s| s.escaped()),
    };
    let log = match &config.log {
        Some(path) => Some(EventLog::open(path, config.lock_wait).map_err(WatchError::Log)?),
        None => None,
    };
    let mut outputs = Outputs {
        out,
        log,
        json: config.json,
        redact: config.redact.then(crate::output::Redactor::default),
        quiet: config.quiet,
        status_line: config.status_line,
        status_drawn: false,
        log_failing: false,
    };
    install_signal_handlers();

    let (tx, rx) = mpsc::channel::<Msg>();
    spawn_nl80211_listener(tx.clone());
    spawn_rtnetlink_listener(tx.clone());
    let ip = nl::ip_state()?;
    let gateway = watched
        .ifindex
        .and_then(|i| ip.default_route_via(i))
        .or_else(|| ip.default_route())
        .and_then(|r| r.gateway);
    let shared_gateway = Arc::new(Mutex::new(gateway));
    spawn_prober(tx, config, Arc::clone(&shared_gateway), watched.ifindex);

    let mut engine = Engine::new(config);
    let start = Record::new(
        Millis::now(),
        Some(&watched.name),
        Kind::Start {
            version: env!("CARGO_PKG_VERSION"),
            targets: config.targets.iter().map(|t| t.to_string()).collect(),
            interval_ms: config.interval.as_millis() as u64,
            gateway,
        },
    );
    engine.push(start, &mut outputs)?;
    // What the laptop is connected to now, so the first loss has a "from".
    if let Some(index) = watched.ifindex {
        if let Ok(Some(st)) = nl.station(index) {
            let channel = iface.freq.and_then(|f| f.channel()).map(|c| c.number);
            engine.roams.set_current(st.bssid, channel);
        }
    }

    let begun = Instant::now();
    let mut next_tick = Instant::now();
    let mut last_scan_snapshot: Option<Instant> = None;
    let mut last_scan_trigger = Instant::now();
    let stop_reason;
    loop {
        if STOP.load(Ordering::SeqCst) {
            stop_reason = "signal".to_string();
            break;
        }
        if config.duration.is_some_and(|d| begun.elapsed() >= d) {
            stop_reason = format!(
                "--for {} elapsed",
                humantime::format_duration(config.duration.unwrap_or_default())
            );
            break;
        }
        let now = Instant::now();
        if now >= next_tick {
            next_tick = now + config.interval;
            engine.sample(&nl, &watched, &mut outputs)?;
            if last_scan_snapshot.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
                last_scan_snapshot = Some(Instant::now());
                if let (Some(every), Some(index)) = (config.scan_every, watched.ifindex) {
                    if last_scan_trigger.elapsed() >= every {
                        last_scan_trigger = Instant::now();
                        let freqs = nl
                            .phy_channels(watched.phy)
                            .map(|c| crate::scan::scan_frequencies(&c, None))
                            .unwrap_or_default();
                        let _ = nl.trigger_scan(index, &freqs, config.interval);
                    }
                }
                engine.snapshot_scan(&nl, &watched);
            }
            engine.patterns(&watched, &mut outputs)?;
            engine.draw_status(&watched, &mut outputs);
        }
        let wait = next_tick
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(200));
        match rx.recv_timeout(wait) {
            Ok(msg) => engine.handle(msg, &nl, &mut watched, &shared_gateway, &mut outputs)?,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                stop_reason = "all listeners ended".into();
                break;
            }
        }
    }
    engine.finish(&watched, &stop_reason, &mut outputs)?;
    outputs.clear_status();
    engine.summary.stop_reason = stop_reason;
    Ok(engine.summary)
}

/// The single consumer's state.
struct Engine {
    thresholds: Thresholds,
    patterns: PathologyThresholds,
    timeline: Vec<Record>,
    tracker: OutageTracker,
    roams: RoamTracker,
    last_counters: Option<(Option<MacAddr>, StationInfo)>,
    last_probe_ok: BTreeMap<(String, &'static str), bool>,
    last_sample_written: Option<Instant>,
    sample_every: Duration,
    scans: Vec<ScanSnapshot>,
    reported_patterns: HashSet<(Millis, &'static str)>,
    summary: WatchSummary,
    last_status: BTreeMap<String, (bool, Option<f64>)>,
    last_signal: Option<i32>,
    last_bssid: Option<MacAddr>,
    carrier: Option<bool>,
}

/// How much timeline the verdicts may look back at.
const TIMELINE_KEEP_MS: u64 = 30 * 60_000;

impl Engine {
    fn new(config: &WatchConfig) -> Engine {
        Engine {
            thresholds: config.thresholds,
            patterns: config.patterns,
            timeline: Vec::new(),
            tracker: OutageTracker::default(),
            roams: RoamTracker::default(),
            last_counters: None,
            last_probe_ok: BTreeMap::new(),
            last_sample_written: None,
            sample_every: config.sample_every,
            scans: Vec::new(),
            reported_patterns: HashSet::new(),
            summary: WatchSummary::default(),
            last_status: BTreeMap::new(),
            last_signal: None,
            last_bssid: None,
            carrier: None,
        }
    }

    /// Adds a record to the timeline and writes it out.
    fn push(&mut self, record: Record, outputs: &mut Outputs<'_>) -> Result<(), WatchError> {
        self.write(&record, outputs)?;
        self.keep(record);
        Ok(())
    }

    fn write(&mut self, record: &Record, outputs: &mut Outputs<'_>) -> Result<(), WatchError> {
        match &record.kind {
            Kind::Disconnected { reason, .. } => {
                *self
                    .summary
                    .disconnects_by_reason
                    .entry(*reason)
                    .or_default() += 1
            }
            Kind::Roamed { .. } => self.summary.roams += 1,
            Kind::Outage { .. } => self.summary.outages.push(record.clone()),
            Kind::Pathology { .. } => self.summary.patterns.push(record.clone()),
            _ => {}
        }
        outputs.emit(record)
    }

    fn keep(&mut self, record: Record) {
        let horizon = Millis(record.ts.0.saturating_sub(TIMELINE_KEEP_MS));
        self.timeline.push(record);
        if self.timeline.first().is_some_and(|r| r.ts < horizon) {
            self.timeline.retain(|r| r.ts >= horizon);
        }
    }

    fn handle(
        &mut self,
        msg: Msg,
        nl: &Nl80211,
        watched: &mut Watched,
        gateway: &Arc<Mutex<Option<IpAddr>>>,
        outputs: &mut Outputs<'_>,
    ) -> Result<(), WatchError> {
        match msg {
            Msg::Kernel(ts, event) => self.kernel(ts, event, nl, watched, gateway, outputs),
            Msg::Probe(ts, role, target, result) => {
                self.probe(ts, role, target, result, watched, outputs)
            }
            Msg::ListenerFailed(which, why) => {
                outputs.clear_status();
                eprintln!("wifidiag: the {which} listener stopped: {why}; events from it are no longer seen");
                Ok(())
            }
        }
    }

    fn kernel(
        &mut self,
        ts: Millis,
        event: RawEvent,
        nl: &Nl80211,
        watched: &mut Watched,
        gateway: &Arc<Mutex<Option<IpAddr>>>,
        outputs: &mut Outputs<'_>,
    ) -> Result<(), WatchError> {
        let ours = |i: u32| watched.ifindex == Some(i);
        let name = watched.name.clone();
        let rec = |kind| Record::new(ts, Some(&name), kind);
        let kind = match event {
            RawEvent::Connect {
                ifindex,
                bssid,
                status,
            } if ours(ifindex) => {
                // The connect event carries no channel: read it now.
                let iface = nl
                    .interfaces()
                    .ok()
                    .and_then(|l| l.into_iter().find(|i| i.ifindex == Some(ifindex)));
                let freq = iface.as_ref().and_then(|i| i.freq);
                let ssid = iface
                    .as_ref()
                    .and_then(|i| i.ssid.as_ref())
                    .map(|s| s.escaped());
                if ssid.is_some() {
                    watched.ssid = ssid.clone();
                }
                Some(Kind::connected(bssid, freq, ssid, status))
            }
            RawEvent::Roam {
                ifindex,
                bssid: Some(to),
                freq,
            } if ours(ifindex) => Some(self.roams.fast_roam(to, freq)),
            RawEvent::Disconnect {
                ifindex,
                reason,
                by_ap,
            } if ours(ifindex) => Some(Kind::disconnected(
                self.last_bssid,
                reason,
                if by_ap {
                    Initiator::Ap
                } else {
                    Initiator::Local
                },
            )),
            RawEvent::MgmtFrame {
                ifindex,
                deauth,
                bssid,
                reason,
                from_ap,
            } if ours(ifindex) => {
                let by = if from_ap {
                    Initiator::Ap
                } else {
                    Initiator::Local
                };
                Some(if deauth {
                    Kind::deauth(bssid, reason, by)
                } else {
                    Kind::disassoc(bssid, reason, by)
                })
            }
            RawEvent::CqmRssi {
                ifindex,
                low,
                level,
            } if ours(ifindex) => Some(Kind::CqmRssi {
                crossing: if low { Crossing::Low } else { Crossing::High },
                signal_dbm: level,
            }),
            RawEvent::CqmPacketLoss { ifindex, packets } if ours(ifindex) => {
                Some(Kind::CqmPacketLoss { packets })
            }
            RawEvent::CqmBeaconLoss { ifindex } if ours(ifindex) => Some(Kind::CqmBeaconLoss),
            RawEvent::InterfaceDel { ifindex, name: n }
                if ifindex.is_some() && ifindex == watched.ifindex
                    || n.as_deref() == Some(&watched.name) =>
            {
                watched.ifindex = None;
                self.last_counters = None;
                Some(Kind::InterfaceRemoved {
                    name: n.or(Some(name.clone())),
                })
            }
            RawEvent::InterfaceNew {
                ifindex,
                name: Some(n),
            } if n == watched.name && watched.ifindex.is_none() => {
                watched.ifindex = ifindex;
                if let Some(i) = nl.interfaces().ok().and_then(|l| {
                    l.into_iter()
                        .find(|i| i.name.as_deref() == Some(n.as_str()))
                }) {
                    watched.ifindex = i.ifindex;
                    watched.phy = i.phy;
                }
                Some(Kind::InterfaceAdded { name: Some(n) })
            }
            RawEvent::Link {
                ifindex,
                carrier,
                removed: false,
                ..
            } if ours(ifindex) => {
                let changed = self.carrier.is_some_and(|c| c != carrier);
                self.carrier = Some(carrier);
                changed.then_some(Kind::Link { up: carrier })
            }
            RawEvent::Address {
                ifindex,
                address,
                prefix_len,
                added,
            } if ours(ifindex) => {
                let address = format!("{address}/{prefix_len}");
                Some(if added {
                    Kind::AddressAdded { address }
                } else {
                    Kind::AddressRemoved { address }
                })
            }
            RawEvent::DefaultRoute {
                ifindex,
                gateway: gw,
                added,
            } if ifindex.is_none() || ifindex == watched.ifindex => {
                let new = if added { gw } else { None };
                let mut shared = gateway.lock().unwrap_or_else(|e| e.into_inner());
                if *shared == new {
                    None
                } else {
                    if added || *shared == gw {
                        *shared = new;
                    }
                    Some(Kind::DefaultRoute { gateway: new })
                }
            }
            _ => None,
        };
        let Some(kind) = kind else {
            return Ok(());
        };
        let record = rec(kind);
        let roam = self.roams.observe(&record);
        if let Kind::Connected { bssid, .. }
        | Kind::Roamed {
            to_bssid: bssid, ..
        } = &record.kind
        {
            self.last_bssid = *bssid;
        }
        self.push(record, outputs)?;
        if let Some(roam) = roam {
            self.push(rec(roam), outputs)?;
        }
        Ok(())
    }

    fn probe(
        &mut self,
        ts: Millis,
        role: ProbeRole,
        target: String,
        result: ProbeResult,
        watched: &Watched,
        outputs: &mut Outputs<'_>,
    ) -> Result<(), WatchError> {
        let ok = result.ok();
        let not_possible = result.outcome == probe::ProbeOutcome::NotPermitted;
        let record = Record::new(
            ts,
            Some(&watched.name),
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
        // Probe lines are written when a target's state changes; every
        // result is kept for the verdicts.
        let changed = self.last_probe_ok.insert((target.clone(), role_key), ok) != Some(ok);
        if changed {
            self.write(&record, outputs)?;
        }
        self.keep(record);
        // A probe that could not be made says nothing about the target.
        if not_possible || role == ProbeRole::Dns {
            return Ok(());
        }
        match self.tracker.observe(&target, ok, ts, &self.thresholds) {
            Some(Transition::Closed(outage)) => self.close(outage, watched, outputs),
            _ => Ok(()),
        }
    }

    fn close(
        &mut self,
        outage: verdict::Outage,
        watched: &Watched,
        outputs: &mut Outputs<'_>,
    ) -> Result<(), WatchError> {
        let v = verdict::classify(&outage, &self.timeline, &self.thresholds);
        let record = Record::new(outage.end, Some(&watched.name), v.into_kind(&outage));
        self.push(record, outputs)
    }

    fn sample(
        &mut self,
        nl: &Nl80211,
        watched: &Watched,
        outputs: &mut Outputs<'_>,
    ) -> Result<(), WatchError> {
        let Some(index) = watched.ifindex else {
            return Ok(());
        };
        let station = match nl.station(index) {
            Ok(s) => s,
            // Gone between two ticks: the interface-removed event says so.
            Err(Error::InterfaceGone { .. } | Error::InterfaceDown { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let ts = Millis::now();
        let delta = |now: Option<u32>, before: Option<u32>| match (now, before) {
            (Some(n), Some(b)) if n >= b => Some(n - b),
            (Some(_), _) => None,
            _ => None,
        };
        let kind = match &station {
            Some(st) => {
                let prev = self
                    .last_counters
                    .as_ref()
                    .filter(|(b, _)| *b == st.bssid)
                    .map(|(_, s)| s.clone());
                let p = prev.as_ref();
                let signal = st.signal.or(st.signal_avg).map(|d| d.0);
                self.roams.signal(signal);
                self.last_signal = signal;
                if self.last_bssid.is_none() {
                    self.last_bssid = st.bssid;
                }
                if let (Some(b), Some(s)) = (st.bssid, signal) {
                    let e = self.summary.signal.entry(b).or_insert((s, 0, 0, s));
                    e.0 = e.0.min(s);
                    e.1 += i64::from(s);
                    e.2 += 1;
                    e.3 = e.3.max(s);
                }
                Kind::Sample {
                    connected: true,
                    bssid: st.bssid,
                    channel: None,
                    signal_dbm: signal,
                    tx_bitrate_mbps: st.tx_bitrate.as_ref().and_then(|r| r.mbps),
                    tx_packets: delta(st.tx_packets, p.and_then(|p| p.tx_packets)),
                    tx_retries: delta(st.tx_retries, p.and_then(|p| p.tx_retries)),
                    tx_failed: delta(st.tx_failed, p.and_then(|p| p.tx_failed)),
                    beacon_loss: delta(st.beacon_loss, p.and_then(|p| p.beacon_loss)),
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
        let record = Record::new(ts, Some(&watched.name), kind);
        let due = self
            .last_sample_written
            .is_none_or(|t| t.elapsed() >= self.sample_every);
        if due {
            self.last_sample_written = Some(Instant::now());
            self.write(&record, outputs)?;
        }
        self.keep(record);
        Ok(())
    }

    fn snapshot_scan(&mut self, nl: &Nl80211, watched: &Watched) {
        let Some(index) = watched.ifindex else { return };
        let Ok(bsses) = nl.scan_dump(index) else {
            return;
        };
        let views = crate::scan::analyse(&bsses);
        self.scans.push(ScanSnapshot {
            at: Millis::now(),
            bsses: views
                .iter()
                .filter_map(|v| Some((v.bssid, v.ssid.as_ref().map(|s| s.escaped()), v.signal?.0)))
                .collect(),
        });
        if self.scans.len() > 3 {
            self.scans.remove(0);
        }
    }

    fn patterns(&mut self, watched: &Watched, outputs: &mut Outputs<'_>) -> Result<(), WatchError> {
        let found = pathology::all(
            &self.timeline,
            &self.scans,
            watched.ssid.as_deref(),
            &self.patterns,
        );
        for f in found {
            if self.reported_patterns.insert((f.at, f.pathology)) {
                let r = Record::new(f.at, Some(&watched.name), f.into_kind());
                self.push(r, outputs)?;
            }
        }
        Ok(())
    }

    fn draw_status(&self, watched: &Watched, outputs: &mut Outputs<'_>) {
        if !outputs.status_line {
            return;
        }
        let mut parts = vec![format!(
            "{} {}",
            watched.name,
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
        parts.push(format!("outages {}", self.summary.outages.len()));
        outputs.status(&parts.join(" | "));
    }

    /// Closes what is still open and writes the stop record.
    fn finish(
        &mut self,
        watched: &Watched,
        reason: &str,
        outputs: &mut Outputs<'_>,
    ) -> Result<(), WatchError> {
        for outage in self.tracker.open_outages(Millis::now()) {
            self.close(outage, watched, outputs)?;
        }
        let stop = Record::new(
            Millis::now(),
            Some(&watched.name),
            Kind::Stop {
                reason: reason.to_string(),
                outages: self.summary.outages.len(),
            },
        );
        self.push(stop, outputs)
    }
}

/// The nl80211 listener thread: its own runtime, the multicast groups.
fn spawn_nl80211_listener(tx: Sender<Msg>) {
    std::thread::spawn(move || {
        let failed = |why: String| {
            let _ = tx.send(Msg::ListenerFailed("nl80211", why));
        };
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        {
            Ok(r) => r,
            Err(e) => return failed(e.to_string()),
        };
        runtime.block_on(async {
            use futures::StreamExt;
            use wl_nl80211::Nl80211MulticastGroup as G;
            let (connection, _handle, mut messages) = match wl_nl80211::new_multicast_connection(&[
                G::Mlme,
                G::Scan,
                G::Config,
                G::Regulatory,
            ]) {
                Ok(c) => c,
                Err(e) => return failed(e.to_string()),
            };
            tokio::spawn(connection);
            while let Some((msg, _)) = messages.next().await {
                let ts = Millis::now();
                let (_, payload) = msg.into_parts();
                let wl_nl80211::packet_core::NetlinkPayload::InnerMessage(raw) = payload else {
                    continue;
                };
                let Ok(genl) = raw.parse_into_genlmsg::<wl_nl80211::Nl80211Message>() else {
                    continue;
                };
                if let Some(event) = events::from_nl80211(&genl.payload) {
                    if tx.send(Msg::Kernel(ts, event)).is_err() {
                        return;
                    }
                }
            }
            failed("the multicast socket closed".into());
        });
    });
}

/// The rtnetlink listener thread: a plain blocking socket.
fn spawn_rtnetlink_listener(tx: Sender<Msg>) {
    use netlink_packet_route::RouteNetlinkMessage;
    use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr as NlAddr};
    use wl_nl80211::packet_core::{NetlinkMessage, NetlinkPayload};
    std::thread::spawn(move || {
        let failed = |why: String| {
            let _ = tx.send(Msg::ListenerFailed("rtnetlink", why));
        };
        let mut socket = match Socket::new(NETLINK_ROUTE) {
            Ok(s) => s,
            Err(e) => return failed(e.to_string()),
        };
        if let Err(e) = socket.bind(&NlAddr::new(0, 0)) {
            return failed(e.to_string());
        }
        for group in [
            events::RTNLGRP_LINK,
            events::RTNLGRP_IPV4_IFADDR,
            events::RTNLGRP_IPV6_IFADDR,
            events::RTNLGRP_IPV4_ROUTE,
            events::RTNLGRP_IPV6_ROUTE,
        ] {
            if let Err(e) = socket.add_membership(group) {
                return failed(e.to_string());
            }
        }
        loop {
            let (data, _) = match socket.recv_from_full() {
                Ok(d) => d,
                Err(e) => return failed(e.to_string()),
            };
            let ts = Millis::now();
            let mut offset = 0;
            while offset < data.len() {
                let Ok(msg) = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&data[offset..])
                else {
                    break;
                };
                let len = msg.header.length as usize;
                if let NetlinkPayload::InnerMessage(inner) = &msg.payload {
                    if let Some(event) = events::from_rtnetlink(inner) {
                        if tx.send(Msg::Kernel(ts, event)).is_err() {
                            return;
                        }
                    }
                }
                if len == 0 {
                    break;
                }
                offset += len;
            }
        }
    });
}

/// The prober thread: gateway, DNS, targets, every interval; each probe's
/// timeout is shorter than the interval so a round never overruns.
fn spawn_prober(
    tx: Sender<Msg>,
    config: &WatchConfig,
    gateway: Arc<Mutex<Option<IpAddr>>>,
    ifindex: Option<u32>,
) {
    let interval = config.interval;
    let targets = config.targets.clone();
    std::thread::spawn(move || {
        let mut prober = Prober::new();
        // The round must fit the interval: split it among the probes.
        let probes_per_round = 1 + 2 * targets.len() as u32;
        let timeout = (interval.mul_f64(0.8) / probes_per_round).max(Duration::from_millis(100));
        let mut next = Instant::now();
        loop {
            next += interval;
            let send = |role, target: String, result| {
                tx.send(Msg::Probe(Millis::now(), role, target, result))
                    .is_ok()
            };
            let gw = *gateway.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(gw) = gw {
                let result = match gw {
                    IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80 => {
                        prober.icmp_echo_scoped(gw, ifindex.unwrap_or(0), timeout)
                    }
                    _ => prober.icmp_echo(gw, timeout),
                };
                if !send(ProbeRole::Gateway, gw.to_string(), result) {
                    return;
                }
            }
            for target in &targets {
                let label = target.to_string();
                let (dns, addrs) = probe::resolve(&target.host, timeout);
                if target.ip().is_none() && !send(ProbeRole::Dns, label.clone(), dns.clone()) {
                    return;
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
                    (Some(ip), Some(port)) => {
                        probe::tcp_connect(SocketAddr::new(*ip, port), timeout)
                    }
                    (Some(ip), None) => prober.icmp_echo(*ip, timeout),
                };
                if !send(ProbeRole::Target, label, result) {
                    return;
                }
            }
            if STOP.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
    });
}
