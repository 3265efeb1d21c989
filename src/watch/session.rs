//! The watch's edge: the kernel, the clocks, the probes and the signals,
//! around the pure [`Engine`].
//!
//! Threads, each doing one blocking thing, feed one channel:
//! - the nl80211 and rtnetlink listeners ([`crate::nl::listen`]),
//! - the prober (gateway ICMP, DNS, targets; one packet per target per
//!   interval, every timeout shorter than the interval).
//!
//! Each input is stamped when it is received, on the [`SteadyClock`], so
//! the log's times are the kernel's moments, not when the loop got round to
//! them. The main thread samples the link every interval, reads the scan
//! cache every 10 s, looks up the interface after a connect, watches the
//! clocks for sleeps and steps, feeds all of it to the engine and hands
//! what the engine publishes to every [`Sink`]. It never reconfigures the
//! interface and triggers no scans unless `scan_every` asks for it: then
//! one at start and one per period, each written as one `scan` record
//! ([`super::scanlog`] decides when and what).

use super::clock::{self, Clocks, SteadyClock};
use super::engine::{Engine, EngineConfig, Input, InterfaceView};
use super::event::{Millis, ProbeRole, Record, ScanHeard};
use super::pathology::PathologyThresholds;
use super::probe::{self, ProbeResult, Target};
use super::scanlog::{ScanLog, Triggered};
use super::sink::{Sink, SinkError};
use super::verdict::Thresholds;
use crate::error::{Error, Result};
use crate::model::{KernelEvent, WirelessInterface};
use crate::nl::listen::{self, Heard};
use crate::nl::{self, Nl80211};
use crate::output::Redactor;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
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
    /// Opt-in: trigger a scan this often (off-channel time!).
    pub scan_every: Option<Duration>,
    /// How often a link sample is published (every sample is kept in
    /// memory for the verdicts).
    pub sample_every: Duration,
    pub thresholds: Thresholds,
    pub patterns: PathologyThresholds,
    /// `--site`: a label for the start record.
    pub site: Option<String>,
}

enum Msg {
    Kernel(Millis, KernelEvent),
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

/// Why a watch ended early.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Wifi(#[from] Error),
    #[error(transparent)]
    Sink(#[from] SinkError),
}

/// Hands records to every sink, redacted first when asked.
struct Fanout<'a, 'b> {
    sinks: &'a mut [&'b mut dyn Sink],
    redact: Option<&'a Redactor>,
}

impl Fanout<'_, '_> {
    fn send(&mut self, records: &mut Vec<Record>) -> Result<(), SinkError> {
        for record in records.drain(..) {
            let record = match self.redact {
                Some(r) => match record.redacted(r) {
                    Some(red) => red,
                    // Fail closed: never the unredacted record.
                    None => {
                        self.notice(&format!(
                            "a {} record could not be redacted and was not written",
                            record.kind.name()
                        ));
                        continue;
                    }
                },
                None => record,
            };
            for sink in self.sinks.iter_mut() {
                sink.record(&record)?;
            }
        }
        Ok(())
    }

    /// Hands the engine's unpublished samples and probe results to the
    /// sinks that want them, redacted first like everything else.
    fn observe(&mut self, engine: &mut Engine, kept: &mut Vec<Record>) {
        engine.take_unpublished(kept);
        for record in kept.drain(..) {
            let record = match self.redact {
                Some(r) => match record.redacted(r) {
                    Some(red) => red,
                    None => continue,
                },
                None => record,
            };
            for sink in self.sinks.iter_mut().filter(|s| s.wants_unpublished()) {
                sink.observe(&record);
            }
        }
    }

    fn status(&mut self, text: &str) {
        let text = match self.redact {
            Some(r) => r.redact_text(text),
            None => text.to_string(),
        };
        self.sinks.iter_mut().for_each(|s| s.status(&text));
    }

    fn notice(&mut self, text: &str) {
        self.sinks.iter_mut().for_each(|s| s.clear_status());
        eprintln!("wifidiag: {text}");
    }
}

/// What the watch found at start.
fn interface_view(iface: &WirelessInterface) -> InterfaceView {
    InterfaceView {
        ifindex: iface.ifindex,
        phy: Some(iface.phy),
        freq: iface.freq,
        ssid: iface.ssid.as_ref().map(|s| s.escaped()),
    }
}

/// Runs the watch until `--for` elapses or a signal arrives, handing every
/// published record to `sinks`. Returns why it stopped.
pub fn run(
    config: &WatchConfig,
    sinks: &mut [&mut dyn Sink],
    redact: Option<&Redactor>,
) -> Result<String, WatchError> {
    let nl = Nl80211::open()?;
    let iface = crate::model::pick_station(nl.interfaces()?, config.iface.as_deref())?;
    let name = iface.name.clone().unwrap_or_default();
    let mut out = Fanout { sinks, redact };
    install_signal_handlers();

    let mut clocks = Clocks::now();
    let steady = SteadyClock::new(clocks);
    let (tx, rx) = mpsc::channel::<Msg>();
    for spawn in [listen::spawn_nl80211, listen::spawn_rtnetlink] {
        let tx = tx.clone();
        let clock = steady.clone();
        spawn(Box::new(move |heard| {
            let msg = match heard {
                Heard::Event(e) => Msg::Kernel(clock.now(), e),
                Heard::Failed(which, why) => Msg::ListenerFailed(which, why),
            };
            tx.send(msg).is_ok()
        }));
    }
    let ip = nl::ip_state()?;
    let gateway = iface
        .ifindex
        .and_then(|i| ip.default_route_via(i))
        .or_else(|| ip.default_route())
        .and_then(|r| r.gateway);
    let shared_gateway = Arc::new(Mutex::new(gateway));
    let plan = probe::ProbePlan {
        interval: config.interval,
        targets: config.targets.clone(),
        ifindex: iface.ifindex,
    };
    let clock = steady.clone();
    probe::spawn(
        plan,
        Arc::clone(&shared_gateway),
        &STOP,
        move |role, target, result| {
            tx.send(Msg::Probe(clock.now(), role, target, result))
                .is_ok()
        },
    );

    let mut engine = Engine::new(
        EngineConfig {
            iface: name.clone(),
            targets: config.targets.iter().map(|t| t.to_string()).collect(),
            interval_ms: config.interval.as_millis() as u64,
            sample_every_ms: config.sample_every.as_millis() as u64,
            thresholds: config.thresholds,
            patterns: config.patterns,
            host: crate::output::Envelope::now("").hostname,
            site: config.site.clone(),
        },
        interface_view(&iface),
        gateway,
    );
    if out.sinks.iter().any(|s| s.wants_unpublished()) {
        engine.keep_unpublished();
    }
    let mut records = Vec::new();
    let mut kept = Vec::new();
    // What the laptop is connected to now, so the first loss has a "from".
    let bssid = match iface.ifindex {
        Some(index) => nl.station(index).ok().flatten().and_then(|st| st.bssid),
        None => None,
    };
    engine.start(steady.at(clocks), bssid, &mut records);
    out.send(&mut records)?;

    let begun = Instant::now();
    let mut next_tick = Instant::now();
    let mut last_scan_snapshot: Option<Instant> = None;
    let mut scan_log = ScanLog::default();
    let mut pending_step: i64 = 0;
    let stop_reason = loop {
        if STOP.load(Ordering::SeqCst) {
            break "signal".to_string();
        }
        if let Some(d) = config.duration.filter(|d| begun.elapsed() >= *d) {
            break format!("--for {} elapsed", humantime::format_duration(d));
        }
        // Sleeps and clock steps, before anything stamped after them.
        let now_clocks = Clocks::now();
        let change = clock::observe(clocks, now_clocks);
        clocks = now_clocks;
        if let Some(slept) = change.slept_ms {
            let until = steady.at(now_clocks);
            let since = Millis(until.0.saturating_sub(slept));
            engine.handle(Input::Suspended { since, until }, &mut records);
        }
        if let Some(step) = change.stepped_ms {
            pending_step += step;
        }
        if pending_step != 0 && !engine.has_open_outage() {
            engine.handle(
                Input::ClockStep(steady.at(now_clocks), pending_step),
                &mut records,
            );
            steady.reanchor(now_clocks);
            pending_step = 0;
        }
        let now = Instant::now();
        if now >= next_tick {
            // From now: a late tick moves the schedule, it is not repaid.
            next_tick = now + config.interval;
            if let Some(index) = engine.ifindex() {
                let station = match nl.station(index) {
                    Ok(s) => s,
                    // Gone between two ticks: the interface-removed event says so.
                    Err(Error::InterfaceGone { .. } | Error::InterfaceDown { .. }) => None,
                    Err(e) => return Err(e.into()),
                };
                engine.handle(Input::Sample(steady.now(), station), &mut records);
            }
            if last_scan_snapshot.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
                last_scan_snapshot = Some(Instant::now());
                if let Some(index) = engine.ifindex() {
                    // The cache for the sticky-client check, and the record
                    // of the last scan once it has settled.
                    if let Ok(bsses) = nl.scan_dump(index) {
                        let views = crate::scan::analyse(&bsses);
                        let heard = views
                            .iter()
                            .filter_map(|v| {
                                Some((v.bssid, v.ssid.as_ref().map(|s| s.escaped()), v.signal?.0))
                            })
                            .collect();
                        engine.handle(Input::Scan(steady.now(), heard), &mut records);
                        record_scan(
                            &mut scan_log,
                            begun.elapsed(),
                            views,
                            &mut engine,
                            &steady,
                            &mut records,
                        );
                    }
                    if let (Some(every), Some(phy)) = (config.scan_every, engine.phy()) {
                        if scan_log.trigger_due(begun.elapsed(), every) {
                            let at = begun.elapsed();
                            let freqs = nl
                                .phy_channels(phy)
                                .map(|c| crate::scan::scan_frequencies(&c, None))
                                .unwrap_or_default();
                            let how = match nl.trigger_scan(
                                index,
                                &freqs,
                                crate::nl::ScanMode::Active,
                                config.interval,
                            ) {
                                Ok(crate::nl::ScanOutcome::Completed) => Triggered::Completed,
                                Ok(crate::nl::ScanOutcome::TimedOut) => Triggered::Running,
                                Ok(crate::nl::ScanOutcome::Aborted) | Err(_) => {
                                    Triggered::NotScanned
                                }
                            };
                            scan_log.triggered(at, how);
                            // Completed or impossible: the record now.
                            if how != Triggered::Running {
                                if let Ok(bsses) = nl.scan_dump(index) {
                                    let views = crate::scan::analyse(&bsses);
                                    record_scan(
                                        &mut scan_log,
                                        begun.elapsed(),
                                        views,
                                        &mut engine,
                                        &steady,
                                        &mut records,
                                    );
                                }
                            }
                        }
                    }
                }
            }
            engine.handle(Input::Tick(steady.now()), &mut records);
            out.observe(&mut engine, &mut kept);
            out.send(&mut records)?;
            out.status(&engine.status_text());
        }
        let wait = next_tick
            .saturating_duration_since(Instant::now())
            .min(Duration::from_millis(200));
        match rx.recv_timeout(wait) {
            Ok(Msg::Kernel(ts, event)) => {
                if let Some(view) = lookup_for(&nl, &engine, &name, &event) {
                    engine.handle(Input::Interface(ts, view), &mut records);
                }
                engine.handle(Input::Kernel(ts, event), &mut records);
                *shared_gateway.lock().unwrap_or_else(|e| e.into_inner()) = engine.gateway();
            }
            Ok(Msg::Probe(ts, role, target, result)) => {
                engine.handle(Input::Probe(ts, role, target, result), &mut records);
            }
            Ok(Msg::ListenerFailed(which, why)) => {
                out.notice(&format!(
                    "the {which} listener stopped: {why}; events from it are no longer seen"
                ));
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break "all listeners ended".into(),
        }
        out.observe(&mut engine, &mut kept);
        out.send(&mut records)?;
    };
    STOP.store(true, Ordering::SeqCst);
    engine.finish(steady.now(), &stop_reason, &mut records);
    out.send(&mut records)?;
    for sink in out.sinks.iter_mut() {
        sink.finish()?;
    }
    Ok(stop_reason)
}

/// Hands the engine a `scan` record of `views` when one is due.
fn record_scan(
    scan_log: &mut ScanLog,
    elapsed: Duration,
    mut views: Vec<crate::scan::BssView>,
    engine: &mut Engine,
    steady: &SteadyClock,
    records: &mut Vec<Record>,
) {
    if let Some(due) = scan_log.record_due(elapsed) {
        if let Some(age) = due.max_age {
            crate::scan::drop_older_than(&mut views, age);
        }
        let heard = views.iter().map(ScanHeard::from).collect();
        engine.handle(Input::ScanRecord(steady.now(), due.fresh, heard), records);
    }
}

/// The kernel event needs what only a dump says: after a connect, the
/// channel and SSID; after the interface came back, its index and phy.
fn lookup_for(
    nl: &Nl80211,
    engine: &Engine,
    name: &str,
    event: &KernelEvent,
) -> Option<InterfaceView> {
    let wanted = match event {
        KernelEvent::Connect { ifindex, .. } if engine.ifindex() == Some(*ifindex) => true,
        KernelEvent::InterfaceNew { name: Some(n), .. } => n == name && engine.ifindex().is_none(),
        // (The engine is told the new index before the event itself.)
        _ => false,
    };
    if !wanted {
        return None;
    }
    let list = nl.interfaces().ok()?;
    list.iter()
        .find(|i| i.name.as_deref() == Some(name))
        .map(interface_view)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MacAddr;
    use crate::watch::event::{Initiator, Kind};
    use crate::watch::sink::{HumanSink, JsonSink};

    /// Issue 9 item 11: `--redact` covers the human stream too, not only
    /// the JSON and the log: the fan-out redacts before any sink sees a
    /// record.
    #[test]
    fn every_sink_gets_the_redacted_record() {
        let mac = MacAddr([0x00, 0x1b, 0x63, 0xaa, 0xbb, 0xcc]);
        let redactor = Redactor::from_key([7; crate::output::KEY_LEN]);
        let (mut human, mut json) = (Vec::new(), Vec::new());
        {
            let mut h = HumanSink::new(&mut human, false, false);
            let mut j = JsonSink::new(&mut json, false);
            let mut sinks: [&mut dyn Sink; 2] = [&mut h, &mut j];
            let mut out = Fanout {
                sinks: &mut sinks,
                redact: Some(&redactor),
            };
            let mut records = vec![Record {
                ts: Millis(1_000),
                iface: Some("wlan0".into()),
                kind: Kind::disconnected(Some(mac), 3, Initiator::Ap),
            }];
            out.send(&mut records).unwrap();
        }
        let pseudonym = redactor.mac_addr(mac).to_string();
        for (name, text) in [("human", human), ("json", json)] {
            let text = String::from_utf8(text).unwrap();
            assert!(!text.contains("00:1b:63:aa:bb:cc"), "{name}: {text}");
            assert!(text.contains(&pseudonym), "{name}: {text}");
        }
    }

    /// Issue 14: `--redact` covers the metrics labels, for published
    /// records and for the unpublished ones the metrics sink observes.
    #[test]
    fn the_metrics_labels_are_redacted() {
        use crate::watch::metrics::{MetricsOut, MetricsSink, WriteError};
        struct Last(String);
        impl MetricsOut for &mut Last {
            fn replace(&mut self, text: &str) -> Result<(), WriteError> {
                self.0 = text.to_string();
                Ok(())
            }
            fn shown(&self) -> String {
                "test".into()
            }
        }
        let redactor = Redactor::from_key([9; crate::output::KEY_LEN]);
        let iface = "wlx001b63aabbcc";
        let v6 = "2001:db8:1:2:21b:63ff:feaa:bbcc";
        let probe = |ms| Record {
            ts: Millis(ms),
            iface: Some(iface.into()),
            kind: Kind::Probe {
                target: v6.into(),
                role: ProbeRole::Gateway,
                method: crate::watch::probe::ProbeMethod::IcmpRaw,
                outcome: crate::watch::probe::result::ProbeOutcome::Ok,
                ok: true,
                rtt_ms: Some(1.0),
                detail: None,
            },
        };
        let mut last = Last(String::new());
        {
            let mut m = MetricsSink::new(&mut last);
            let mut sinks: [&mut dyn Sink; 1] = [&mut m];
            let mut out = Fanout {
                sinks: &mut sinks,
                redact: Some(&redactor),
            };
            let config = EngineConfig {
                iface: iface.into(),
                targets: vec![],
                interval_ms: 1000,
                sample_every_ms: 60_000,
                thresholds: Thresholds::default(),
                patterns: PathologyThresholds::default(),
                host: None,
                site: None,
            };
            let mut engine = Engine::new(config, InterfaceView::default(), None);
            // An unpublished result (as the engine keeps it), then a
            // published one that writes the file.
            let mut kept = vec![probe(2_000)];
            out.observe(&mut engine, &mut kept);
            out.send(&mut vec![probe(1_000)]).unwrap();
        }
        assert!(last.0.contains("wifidiag_probe_up"), "{}", last.0);
        assert!(!last.0.contains(iface), "{}", last.0);
        assert!(!last.0.contains("feaa:bbcc"), "{}", last.0);
    }
}
