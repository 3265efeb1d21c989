//! One function per command: read through the kernel edge, build the
//! report with the pure core, print it. Part of the binary, not the library.

use anyhow::Context;
use std::io::IsTerminal;
use std::io::Write;
use std::net::IpAddr;
use wifidiag::channels::ChannelInputs;
use wifidiag::cli::{ChannelsArgs, ReportArgs, ScanArgs, StatusArgs, WatchArgs};
use wifidiag::model::{parse_resolv_conf, pick_station, select_interfaces, IfType, Ssid};
use wifidiag::nl::{self, Nl80211, ScanMode, ScanOutcome};
use wifidiag::output::{write_json_doc, Envelope, Redact, Redactor};
use wifidiag::report::channels::{self as channels_report, ChannelsContext, ChannelsReport};
use wifidiag::report::interfaces::{self, InterfacesReport};
use wifidiag::report::scan::{self as scan_report, BssEntry, ChannelEntry, ScanReport};
use wifidiag::report::status::{self, InterfaceStatus, StatusInputs, StatusReport};
use wifidiag::{Error, ExitCode};

mod progress {
    use indicatif::{ProgressBar, ProgressStyle};
    use std::io::IsTerminal;
    use std::time::Duration;

    /// A spinner on stderr while something slow runs, only when stderr is
    /// a terminal (never in cron logs or pipes). Cleared when dropped.
    pub struct Spinner(Option<ProgressBar>);

    impl Drop for Spinner {
        fn drop(&mut self) {
            if let Some(bar) = self.0.take() {
                bar.finish_and_clear();
            }
        }
    }

    /// A progress bar of `total` steps on stderr, only on a terminal and
    /// only when there is more than one step.
    pub fn bar(total: u64, message: &str) -> Bar {
        if total < 2 || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(250));
        Bar(Some(bar))
    }

    /// See [`bar`]; cleared when dropped.
    pub struct Bar(Option<ProgressBar>);

    impl Bar {
        pub fn inc(&self) {
            if let Some(bar) = &self.0 {
                bar.inc(1);
            }
        }
    }

    impl Drop for Bar {
        fn drop(&mut self) {
            if let Some(bar) = self.0.take() {
                bar.finish_and_clear();
            }
        }
    }

    impl Spinner {
        /// The step now running.
        pub fn set_message(&self, message: &str) {
            if let Some(bar) = &self.0 {
                bar.set_message(message.to_string());
            }
        }

        /// A finished step, printed above the spinner (a step list).
        pub fn done(&self, step: &str) {
            if let Some(bar) = &self.0 {
                bar.println(format!("  done: {step}"));
            }
        }
    }

    pub fn spinner(message: &str) -> Spinner {
        if !std::io::stderr().is_terminal() {
            return Spinner(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(Some(bar))
    }
}

/// Output settings shared by every command.
pub struct Output {
    pub json: bool,
    pub styled: bool,
    pub redact: Option<Redactor>,
}

/// Redacts the report when asked, then writes it as JSON or as the human
/// view: both renderers see the same redacted values, so a table can never
/// show what the JSON hides.
fn write_report<W: Write, R: Redact + serde::Serialize>(
    out: &mut W,
    opts: &Output,
    mut report: R,
    human: impl FnOnce(&R, &mut W, bool) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(r) = &opts.redact {
        report.redact(r);
    }
    if opts.json {
        write_json_doc(out, &report, None)
    } else {
        human(&report, out, opts.styled)
    }
}

pub fn interfaces(out: &mut impl Write, opts: &Output) -> anyhow::Result<ExitCode> {
    let nl = Nl80211::open()?;
    let list = nl.interfaces()?;
    let report = InterfacesReport::new(Envelope::now(interfaces::SCHEMA), &list);
    write_report(out, opts, report, InterfacesReport::write_table)
        .context("writing the interface list")?;
    out.flush().context("writing the interface list")?;
    if list.is_empty() {
        // The document above already says "none"; the exit code lets
        // scripts tell that apart from a machine with interfaces.
        eprintln!("wifidiag: {}", Error::NoInterface);
        return Ok(ExitCode::NoInterface);
    }
    Ok(ExitCode::Success)
}

pub fn status(out: &mut impl Write, opts: &Output, args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let nl = Nl80211::open()?;
    // A wdev without a netdev (P2P device) has no link, address or route:
    // it is listed by `interfaces`, not described here.
    let netdevs = nl
        .interfaces()?
        .into_iter()
        .filter(|i| i.ifindex.is_some())
        .collect();
    let chosen = select_interfaces(netdevs, args.iface.as_deref())?;
    let ip = nl::ip_state()?;
    let resolvers = read_resolvers();
    let mut statuses = Vec::new();
    for iface in &chosen {
        let ifindex = iface.ifindex;
        let is_station = iface.if_type == IfType::Station;
        let station = match ifindex.filter(|_| is_station) {
            Some(index) => nl.station(index)?,
            None => None,
        };
        // Survey and regulatory data are optional extras: a driver that
        // does not support them must not fail the whole status.
        let survey = ifindex
            .map(|index| nl.survey(index).unwrap_or_default())
            .unwrap_or_default();
        let regulatory = nl.regulatory(iface.phy).ok().flatten();
        statuses.push(InterfaceStatus::build(StatusInputs {
            iface,
            station: station.as_ref(),
            survey: &survey,
            regulatory: regulatory.as_ref(),
            ip: &ip,
        }));
    }
    let report = StatusReport {
        envelope: Envelope::now(status::SCHEMA),
        resolvers,
        interfaces: statuses,
    };
    write_report(out, opts, report, |r, out, styled| {
        r.write_human(out, styled)
    })
    .context("writing the status")?;
    out.flush().context("writing the status")?;
    Ok(ExitCode::Success)
}

pub fn scan(out: &mut impl Write, opts: &Output, args: &ScanArgs) -> anyhow::Result<ExitCode> {
    let nl = Nl80211::open()?;
    let iface = pick_station(nl.interface_dump()?, args.iface.as_deref())?;
    let name = iface.name.clone().unwrap_or_default();
    let ifindex = iface.ifindex.context("the interface has no index")?;

    let (fresh, notice) = if args.cached {
        (false, Some(cached_notice("--cached was given")))
    } else {
        let band = args.band.map(Into::into);
        let phy_channels = nl.phy_channels(iface.phy)?;
        let mut freqs = wifidiag::scan::scan_frequencies(&phy_channels, band);
        if !args.freqs.is_empty() {
            match wifidiag::scan::requested_frequencies(&phy_channels, &args.freqs) {
                Ok(wanted) => freqs.retain(|f| wanted.contains(f)),
                Err(why) => {
                    eprintln!("wifidiag: {why}");
                    return Ok(ExitCode::Usage);
                }
            }
        }
        let spinner = progress::spinner(&format!("scanning on {name}"));
        let started = std::time::Instant::now();
        let outcome = scan_once(&nl, ifindex, &freqs, scan_mode(args.passive), args.timeout);
        drop(spinner);
        let (fresh, notice) = outcome?;
        let took = started.elapsed();
        if fresh && took >= LONG_SCAN {
            (true, Some(long_scan_notice(took)))
        } else {
            (fresh, notice)
        }
    };
    if let Some(notice) = &notice {
        eprintln!("wifidiag: {notice}");
    }

    let mut views = wifidiag::scan::analyse(&nl.scan_dump(ifindex)?);
    views = wifidiag::scan::filter(views, args.band.map(Into::into), args.ssid.as_deref());
    if !args.freqs.is_empty() {
        views.retain(|v| args.freqs.contains(&v.freq.0));
    }
    wifidiag::scan::sort_by_signal(&mut views);
    let channels = wifidiag::scan::channel_summary(&views);
    let report = ScanReport {
        envelope: Envelope::now(scan_report::SCHEMA),
        interface: name,
        fresh,
        scan_mode: fresh.then_some(if args.passive { "passive" } else { "active" }),
        notice,
        bss: views.iter().map(BssEntry::from).collect(),
        channels: channels.iter().map(ChannelEntry::from).collect(),
    };
    write_report(out, opts, report, |r, out, styled| {
        r.write_human(out, styled)
    })
    .context("writing the scan results")?;
    out.flush().context("writing the scan results")?;
    Ok(ExitCode::Success)
}

fn scan_mode(passive: bool) -> ScanMode {
    if passive {
        ScanMode::Passive
    } else {
        ScanMode::Active
    }
}

/// Triggers one scan and says whether its results are fresh, and if not why.
/// Only errors other than "not permitted" fail.
fn scan_once(
    nl: &Nl80211,
    ifindex: u32,
    freqs: &[u32],
    mode: ScanMode,
    timeout: std::time::Duration,
) -> wifidiag::Result<(bool, Option<String>)> {
    if freqs.is_empty() {
        // No channel of the requested band on this radio: nothing to scan.
        return Ok((true, None));
    }
    Ok(match nl.trigger_scan(ifindex, freqs, mode, timeout) {
        Ok(ScanOutcome::Completed) => (true, None),
        Ok(ScanOutcome::Aborted) => (
            false,
            Some(cached_notice(
                "the scan was aborted by the driver or another program",
            )),
        ),
        Ok(ScanOutcome::TimedOut) => (
            false,
            Some(cached_notice(&format!(
                "the scan did not complete within {}",
                humantime::format_duration(timeout)
            ))),
        ),
        Err(Error::PermissionDenied { .. }) => (
            false,
            Some(cached_notice(
                "not permitted to trigger a scan (needs CAP_NET_ADMIN: run as root)",
            )),
        ),
        Err(err) => return Err(err),
    })
}

pub fn channels(
    out: &mut impl Write,
    opts: &Output,
    args: &ChannelsArgs,
) -> anyhow::Result<ExitCode> {
    if !args.from_log.is_empty() {
        return channels_from_log(out, opts, args);
    }
    let nl = Nl80211::open()?;
    let iface = pick_station(nl.interface_dump()?, args.iface.as_deref())?;
    let name = iface.name.clone().unwrap_or_default();
    let ifindex = iface.ifindex.context("the interface has no index")?;
    let phy_channels = nl.phy_channels(iface.phy)?;
    let freqs = wifidiag::scan::scan_frequencies(&phy_channels, None);

    // Each sample is a survey of the whole neighbourhood, hidden networks
    // included: passive scans repeated until one hears nothing new, within
    // --timeout (see wifidiag::neighbourhood).
    let total = args.samples as usize;
    let bar = progress::bar(total as u64, &format!("scanning on {name}"));
    let spinner = (total == 1).then(|| progress::spinner(&format!("surveying from {name}")));
    let mut samples = Vec::with_capacity(total);
    let mut surveys = Vec::with_capacity(total);
    let mut notice = None;
    for i in 0..total {
        if i > 0 {
            std::thread::sleep(args.interval);
        }
        let survey = wifidiag::neighbourhood::survey(&nl, ifindex, &freqs, args.timeout)?;
        notice = notice.or(survey.notice);
        surveys.push(survey.coverage);
        samples.push(survey.views);
        bar.inc();
    }
    drop(spinner);
    drop(bar);
    let fresh = surveys.iter().all(|c| c.fresh);
    if let Some(n) = &notice {
        eprintln!("wifidiag: {n}");
    }
    // Our network: the one named, else the one the laptop is associated
    // with (the interface dump may lack the SSID; the scan has it).
    let own_ssid = match &args.ssid {
        Some(s) => Some(Ssid(s.as_bytes().to_vec())),
        None => iface.ssid.clone().or_else(|| {
            samples
                .iter()
                .flatten()
                .find(|v| v.associated)
                .and_then(|v| v.ssid.clone())
        }),
    };
    // The survey accumulates over the scans just made; a driver without
    // one leaves it empty and the analysis says so.
    let survey = nl.survey(ifindex).unwrap_or_default();
    let analysis = wifidiag::channels::analyse(ChannelInputs {
        phy_channels: &phy_channels,
        samples: &samples,
        observed: None,
        survey: &survey,
        own_ssid: own_ssid.as_ref(),
        width_mhz: args.width.mhz(),
        fresh,
        complete: surveys.iter().all(|c| c.stable || !c.fresh),
    });
    let report = ChannelsReport::new(
        ChannelsContext {
            envelope: Envelope::now(channels_report::SCHEMA),
            interface: name,
            logs: None,
            own_ssid,
            width_mhz: args.width.mhz(),
            samples: total,
            fresh,
            notice,
            scan: surveys,
        },
        &analysis,
    );
    write_report(out, opts, report, |r, out, styled| {
        r.write_human(out, styled, args.all)
    })
    .context("writing the channel ratings")?;
    out.flush().context("writing the channel ratings")?;
    Ok(ExitCode::Success)
}

/// The `scan` records of watch logs, gathered for `channels --from-log`
/// and `report --html`.
#[derive(Default)]
struct LoggedScans {
    observed: wifidiag::channels::observe::Observations,
    iface: Option<String>,
    /// The SSIDs this laptop was associated with, by scans (few keys).
    associated: std::collections::BTreeMap<String, usize>,
}

impl LoggedScans {
    /// Adds a record if it is a `scan` one.
    fn add(&mut self, record: &wifidiag::watch::event::Record) {
        let wifidiag::watch::event::Kind::Scan { fresh, bsses } = &record.kind else {
            return;
        };
        self.observed
            .add_record(*fresh, bsses, sample_time(record.ts));
        if self.iface.is_none() {
            self.iface.clone_from(&record.iface);
        }
        for ssid in bsses
            .iter()
            .filter(|b| b.associated)
            .filter_map(|b| b.ssid.as_ref())
        {
            *self.associated.entry(ssid.clone()).or_default() += 1;
        }
    }

    /// Merges what a later part of the logs gathered (see
    /// [`wifidiag::channels::observe::Observations::merge`]).
    fn merge(&mut self, later: LoggedScans) {
        self.observed.merge(later.observed);
        if self.iface.is_none() {
            self.iface = later.iface;
        }
        for (ssid, n) in later.associated {
            *self.associated.entry(ssid).or_default() += n;
        }
    }

    /// The `wifidiag.channels/1` document of these scans (`source: log`):
    /// the analysis `channels --from-log` prints.
    fn report(
        &self,
        files: Vec<String>,
        lines: wifidiag::watch::read::ReadStats,
        ssid: Option<&str>,
        width_mhz: u32,
    ) -> ChannelsReport {
        use wifidiag::channels::observe;
        use wifidiag::report::channels::LogSource;
        use wifidiag::watch::event::Millis;
        let observed = &self.observed;
        // Our network: the one named, else the one the laptop was
        // associated with in most scans.
        let own_ssid = match ssid {
            Some(s) => Some(Ssid(s.as_bytes().to_vec())),
            None => self
                .associated
                .iter()
                .max_by_key(|(_, n)| **n)
                .map(|(s, _)| Ssid::from_escaped(s)),
        };
        let phy_channels = observe::assumed_phy_channels(observed);
        let analysis = wifidiag::channels::analyse(ChannelInputs {
            phy_channels: &phy_channels,
            samples: &[],
            observed: Some(observed),
            survey: &[],
            own_ssid: own_ssid.as_ref(),
            width_mhz,
            fresh: false,
            complete: true,
        });
        let day_text = |ms: Option<u64>| {
            ms.map_or_else(String::new, |ms| {
                let t = local_time_text(ms * 1000);
                t.get(..16).unwrap_or(&t).to_string()
            })
        };
        let logs = LogSource {
            files,
            samples: observed.samples,
            days: observed.days.len(),
            first_ts: observed.first_ts_ms.map(Millis),
            last_ts: observed.last_ts_ms.map(Millis),
            bss_count: observed.bss_count(),
            cached_samples: observed.cached_samples,
            lines,
            span_text: format!(
                "{} to {}",
                day_text(observed.first_ts_ms),
                day_text(observed.last_ts_ms)
            ),
        };
        ChannelsReport::new(
            ChannelsContext {
                envelope: Envelope::now(channels_report::SCHEMA),
                interface: self.iface.clone().unwrap_or_default(),
                logs: Some(logs),
                own_ssid,
                width_mhz,
                samples: observed.samples,
                fresh: false,
                notice: None,
                scan: Vec::new(),
            },
            &analysis,
        )
    }
}

/// `channels --from-log`: scores from the `scan` records of watch logs,
/// read one record at a time with `report`'s reader. Opens no netlink
/// socket and triggers nothing.
fn channels_from_log(
    out: &mut impl Write,
    opts: &Output,
    args: &ChannelsArgs,
) -> anyhow::Result<ExitCode> {
    use wifidiag::watch::read::{self, ReadStats};

    let mut scans = LoggedScans::default();
    let mut stats = ReadStats::default();
    for path in &args.from_log {
        let mut reader = match read::open(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("wifidiag: {e}");
                return Ok(e.exit_code());
            }
        };
        while let Some(record) = reader.next_record().context("reading a watch log")? {
            scans.add(&record);
        }
        warn_skipped(path, reader.stats());
        stats.add(reader.stats());
    }
    if scans.observed.samples == 0 {
        eprintln!(
            "wifidiag: no scan record in {} ({} line(s) read, {} event(s)): record scans with \
             watch --scan-every DURATION --log FILE",
            if args.from_log.len() == 1 {
                "the file"
            } else {
                "the files"
            },
            stats.lines,
            stats.events
        );
        return Ok(ExitCode::NoEvents);
    }
    let files = args
        .from_log
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    let report = scans.report(files, stats, args.ssid.as_deref(), args.width.mhz());
    write_report(out, opts, report, |r, out, styled| {
        r.write_human(out, styled, args.all)
    })
    .context("writing the channel ratings")?;
    out.flush().context("writing the channel ratings")?;
    Ok(ExitCode::Success)
}

/// A log record's time as a sample of the day: local hour and date.
fn sample_time(ts: wifidiag::watch::event::Millis) -> wifidiag::channels::observe::SampleTime {
    let (hour, day) = local_tm((ts.0 / 1000) as i64).map_or((0, 19700101), |tm| {
        (
            tm.tm_hour.clamp(0, 23) as u8,
            ((tm.tm_year + 1900).max(0) as u32) * 10_000
                + (tm.tm_mon as u32 + 1) * 100
                + tm.tm_mday as u32,
        )
    });
    wifidiag::channels::observe::SampleTime {
        ts_ms: ts.0,
        hour,
        day,
    }
}

/// A scan this long outlives the first channels' results: the kernel drops
/// an entry 30 s after it last heard the network, counted from the moment
/// it was heard, not from the end of the scan.
const LONG_SCAN: std::time::Duration = std::time::Duration::from_secs(25);

fn long_scan_notice(took: std::time::Duration) -> String {
    format!(
        "the scan took {} s, close to the {} s the kernel keeps a result: networks heard \
         early in it may be missing; narrow it with --band or --freq",
        took.as_secs(),
        scan_report::KERNEL_EXPIRY_MS / 1000
    )
}

fn cached_notice(why: &str) -> String {
    scan_report::cached_notice(why)
}

/// The resolvers of /etc/resolv.conf; none when it is missing or unreadable
/// (the report then shows an empty list rather than failing).
fn read_resolvers() -> Vec<IpAddr> {
    std::fs::read_to_string("/etc/resolv.conf")
        .map(|text| parse_resolv_conf(&text))
        .unwrap_or_default()
}

pub fn watch(out: &mut impl Write, opts: &Output, args: &WatchArgs) -> anyhow::Result<ExitCode> {
    use wifidiag::watch::log::EventLog;
    use wifidiag::watch::metrics::{self, MetricsFile, MetricsSink};
    use wifidiag::watch::pathology::PathologyThresholds;
    use wifidiag::watch::probe::target::{collect_targets, read_targets_file, TargetsFileError};
    use wifidiag::watch::session::{self, WatchConfig, WatchError};
    use wifidiag::watch::sink::{HumanSink, JsonSink, LogSink, Sink, SinkError};
    use wifidiag::watch::summary::{self, Summary};
    use wifidiag::watch::verdict::Thresholds;

    let file_text = match &args.targets_file {
        Some(path) => match read_targets_file(path) {
            Ok(text) => Some((path.as_path(), text)),
            Err(e) => {
                eprintln!("wifidiag: {e}");
                return Ok(match e {
                    TargetsFileError::Unusable(_) => ExitCode::Usage,
                    TargetsFileError::Io {
                        kind: std::io::ErrorKind::PermissionDenied,
                        ..
                    } => ExitCode::PermissionDenied,
                    TargetsFileError::Io { .. } => ExitCode::Failure,
                });
            }
        },
        None => None,
    };
    let targets = match collect_targets(
        &args.targets,
        file_text
            .as_ref()
            .map(|(path, text)| (*path, text.as_str())),
    ) {
        Ok(targets) => targets,
        Err(why) => {
            eprintln!("wifidiag: {why}");
            return Ok(ExitCode::Usage);
        }
    };
    let config = WatchConfig {
        iface: args.iface.clone(),
        targets,
        // At least 100 ms: the --interval parser (cli::WATCH_INTERVAL) refuses less.
        interval: args.interval,
        duration: args.duration,
        scan_every: args.scan_every,
        sample_every: args.sample_every,
        site: args.site.clone(),
        thresholds: Thresholds {
            fail_after: args.fail_after,
            ..Thresholds::default()
        },
        patterns: PathologyThresholds {
            ping_pong_window_ms: args.ping_pong_window.as_millis() as u64,
            repeated_disconnects: args.disconnects,
            repeated_window_ms: args.disconnect_window.as_millis() as u64,
            sticky_signal_dbm: args.sticky_signal,
            sticky_duration_ms: args.sticky_for.as_millis() as u64,
            sticky_margin_db: args.sticky_margin,
            slow_roam_ms: args.slow_roam.as_millis() as u64,
        },
    };
    // The log is opened (and locked) before anything else happens, so a
    // second run waits here, logging nothing.
    let mut log = match &args.log {
        Some(path) => match EventLog::open(path, args.lock_wait) {
            Ok(log) => Some(LogSink::new(log)),
            Err(e) => {
                eprintln!("wifidiag: {e}");
                return Ok(e.exit_code());
            }
        },
        None => None,
    };
    // Checked before the watch starts: a refused path is a usage mistake
    // to report now, not an hour into a watch.
    let mut metrics_sink = match &args.metrics_file {
        Some(path) => match MetricsFile::open(path) {
            Ok(file) => Some(MetricsSink::new(file)),
            Err(e) => {
                eprintln!("wifidiag: {}", metrics::refusal_message(&e));
                return Ok(e.exit_code());
            }
        },
        None => None,
    };
    let mut summary = Summary::default();
    let status_line = !args.quiet && !opts.json && std::io::stderr().is_terminal();
    let mut stdout_sink: Box<dyn Sink + '_> = if opts.json {
        Box::new(JsonSink::new(&mut *out, args.quiet))
    } else {
        Box::new(HumanSink::new(&mut *out, args.quiet, status_line))
    };
    let mut sinks: Vec<&mut dyn Sink> = vec![stdout_sink.as_mut()];
    if let Some(log) = log.as_mut() {
        sinks.push(log);
    }
    if let Some(m) = metrics_sink.as_mut() {
        sinks.push(m);
    }
    sinks.push(&mut summary);
    let result = session::run(&config, &mut sinks, opts.redact.as_ref());
    drop(sinks);
    drop(stdout_sink);
    let dropped = log.as_ref().map_or(0, |l| l.dropped());
    match result {
        Ok(_) => {}
        Err(WatchError::Wifi(e)) => return Err(e.into()),
        Err(WatchError::Sink(SinkError::Log(e))) => {
            eprintln!("wifidiag: {e}");
            return Ok(e.exit_code());
        }
        Err(WatchError::Sink(SinkError::Output(e))) => {
            return Err(e).context("writing the watch output")
        }
    }
    summary.finish();
    summary.log_lines_lost = dropped;
    if !opts.json {
        writeln!(out)?;
        write!(out, "Summary: ")?;
        summary::render(out, &summary, opts.styled).context("writing the summary")?;
    }
    out.flush().context("writing the summary")?;
    Ok(if summary.outage_count == 0 {
        ExitCode::Success
    } else {
        ExitCode::OutageObserved
    })
}

pub fn report(out: &mut impl Write, opts: &Output, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    use wifidiag::report::html::timeline::Timeline;
    use wifidiag::watch::read::{self, ReadStats};
    use wifidiag::watch::summary::{self, ReportDoc, Summary};
    let mut summary = Summary::default();
    // The page's series and rows, gathered only when a page is asked for.
    let mut timeline = (args.html.is_some() || args.bundle.is_some()).then(Timeline::default);
    let want_page = timeline.is_some();
    // The page's state of one part of a file: its timeline, and its `scan`
    // records folded as channels --from-log folds them (for the channel
    // chart when no channels document is given; memory grows with the
    // BSSIDs heard, not the records).
    let init = || {
        (
            Summary::default(),
            want_page.then(|| (Timeline::default(), LoggedScans::default())),
        )
    };
    let observe = |(s, page): &mut (Summary, Option<(Timeline, LoggedScans)>),
                   r: &wifidiag::watch::event::Record| {
        s.observe(r);
        if let Some((t, scans)) = page {
            t.observe(r);
            scans.add(r);
        }
    };
    let mut logged_scans = LoggedScans::default();
    let mut stats = ReadStats::default();
    let files = match read::expand_dirs(&args.files) {
        Ok((files, compressed)) => {
            if compressed > 0 {
                eprintln!(
                    "wifidiag: skipped {compressed} compressed log(s) in the directories given (decompress them to include them)"
                );
            }
            files
        }
        Err(e) => {
            eprintln!("wifidiag: {e}");
            return Ok(e.exit_code());
        }
    };
    let mut diagnoses = Vec::new();
    let mut channel_docs = Vec::new();
    let mut documents: Vec<(std::path::PathBuf, serde_json::Value)> = Vec::new();
    let mut logs = Vec::new();
    for path in &files {
        // A diagnose or channels document given for the page is shown, not
        // read as a log.
        if want_page {
            match read_page_doc(path, opts.redact.as_ref()) {
                Some((PageDoc::Diagnose(d), json)) => {
                    diagnoses.push(d);
                    documents.push((path.clone(), json));
                    continue;
                }
                Some((PageDoc::Channels(c), json)) => {
                    channel_docs.push(c);
                    documents.push((path.clone(), json));
                    continue;
                }
                None => {}
            }
        }
        logs.push(path);
        // Large files are read in parts side by side; a record that cannot
        // be redacted is left out (fail closed).
        let parts = match read::fold_file(path, init, |s, record| match &opts.redact {
            Some(r) => {
                if let Some(red) = record.redacted(r) {
                    observe(s, &red);
                }
            }
            None => observe(s, &record),
        }) {
            Ok(parts) => parts,
            Err(e) => {
                eprintln!("wifidiag: {e}");
                return Ok(e.exit_code());
            }
        };
        let mut file_stats = ReadStats::default();
        let mut file = Summary::default();
        for ((part, part_page), part_stats) in parts {
            file.merge(part);
            if let (Some(t), Some((p, scans))) = (timeline.as_mut(), part_page) {
                t.merge(p);
                logged_scans.merge(scans);
            }
            file_stats.append(&part_stats);
        }
        // The next file's first records belong to no run of this one.
        file.end_of_file();
        summary.merge(file);
        warn_skipped(path, &file_stats);
        stats.add(&file_stats);
    }
    summary.finish();
    let mut envelope = Envelope::now(summary::SCHEMA);
    // The machine the logs describe, not the one reading them.
    envelope.hostname = match summary.hosts.len() {
        1 => summary.hosts.iter().next().cloned(),
        _ => None,
    };
    let doc = ReportDoc {
        envelope,
        files: logs.iter().map(|f| f.display().to_string()).collect(),
        lines: &stats,
        summary: &summary,
    };
    let mut json = Vec::new();
    write_json_doc(&mut json, &doc, opts.redact.as_ref()).context("writing the report")?;
    let mut text = Vec::new();
    let names: Vec<String> = logs
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            let name = match &opts.redact {
                Some(r) => r.redact_text(&name),
                None => name,
            };
            wifidiag::escape::terminal_safe(&name).into_owned()
        })
        .collect();
    write!(text, "{}: ", names.join(", "))?;
    if opts.json {
        out.write_all(&json)?;
    } else {
        out.write_all(&text)?;
        summary::render(out, &summary, opts.styled)?;
    }
    summary::render(&mut text, &summary, false)?;
    out.flush()?;
    // The channel chart from the logs' scan records, when no channels
    // document was given for it.
    if want_page && channel_docs.is_empty() && logged_scans.observed.samples > 0 {
        let mut report = logged_scans.report(names.clone(), stats.clone(), None, 20);
        // The logs' machine and time, not the reader's.
        report.envelope.hostname = match summary.hosts.len() {
            1 => summary.hosts.iter().next().cloned(),
            _ => None,
        };
        if let Some(last) = logged_scans.observed.last_ts_ms {
            report.envelope.timestamp = wifidiag::watch::event::Millis(last).rfc3339();
        }
        if let Some(r) = &opts.redact {
            report.redact(r);
        }
        let json = serde_json::to_value(&report).context("the channels of the logs")?;
        if let Some(section) = wifidiag::report::html::channels::section(
            "the scan records of the logs (as channels --from-log scores them)".into(),
            &json,
        ) {
            channel_docs.push(section);
            documents.push(("channels-from-logs.json".into(), json));
        }
    }
    let page = timeline.as_ref().map(|timeline| {
        wifidiag::report::html::render(&wifidiag::report::html::Page {
            files: &names,
            summary: &summary,
            timeline,
            diagnoses: &diagnoses,
            channels: &channel_docs,
            generated: wifidiag::watch::event::Millis::now().rfc3339(),
        })
    });
    if let (Some(dest), Some(page)) = (&args.html, &page) {
        if let Err(e) = write_whole_file(dest, page.as_bytes()) {
            eprintln!(
                "wifidiag: cannot write the page {}: {e}",
                wifidiag::escape::terminal_safe(&dest.display().to_string())
            );
            return Ok(ExitCode::Failure);
        }
    }
    if let (Some(dest), Some(page)) = (&args.bundle, &page) {
        let excerpts = match outage_excerpts(&logs, &summary, opts.redact.as_ref()) {
            Ok(e) => e,
            Err(e) => {
                eprintln!("wifidiag: {e}");
                return Ok(e.exit_code());
            }
        };
        let bundle = wifidiag::report::bundle::Bundle {
            generated: wifidiag::watch::event::Millis::now().rfc3339(),
            redacted: opts.redact.is_some(),
            logs: &names,
            report_json: &json,
            report_txt: &text,
            page: page.as_bytes(),
            documents: &documents
                .iter()
                .map(|(path, doc)| {
                    let name = path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "document.json".into());
                    let name = match &opts.redact {
                        Some(r) => r.redact_text(&name),
                        None => name,
                    };
                    (name, doc)
                })
                .collect::<Vec<_>>(),
            excerpts: &excerpts,
        };
        let bytes = bundle.tar_gz().context("building the bundle")?;
        if let Err(e) = write_whole_file(dest, &bytes) {
            eprintln!(
                "wifidiag: cannot write the bundle {}: {e}",
                wifidiag::escape::terminal_safe(&dest.display().to_string())
            );
            return Ok(ExitCode::Failure);
        }
    }
    if stats.events == 0 && diagnoses.is_empty() && channel_docs.is_empty() {
        eprintln!(
            "wifidiag: no wifidiag event in {} ({} line(s) read): is this a log written by watch --log?",
            if files.len() == 1 { "the file" } else { "the files" },
            stats.lines
        );
        return Ok(ExitCode::NoEvents);
    }
    Ok(ExitCode::Success)
}

/// The log records around the outages the summary lists (the first
/// [`wifidiag::report::bundle::MAX_EXCERPT_OUTAGES`]), from a minute before
/// each to a minute after, as JSON Lines (redacted record by record when
/// asked), at most [`wifidiag::report::bundle::MAX_EXCERPT_LINES`] lines.
fn outage_excerpts(
    logs: &[&std::path::PathBuf],
    summary: &wifidiag::watch::summary::Summary,
    redact: Option<&Redactor>,
) -> Result<wifidiag::report::bundle::Excerpts, wifidiag::watch::read::OpenError> {
    use wifidiag::report::bundle::{windows, Excerpts};
    let windows = windows(&summary.outages);
    let mut ex = Excerpts::default();
    for path in logs {
        let mut reader = wifidiag::watch::read::open(path)?;
        while let Ok(Some(record)) = reader.next_record() {
            if !windows
                .iter()
                .any(|(a, b)| record.ts.0 >= *a && record.ts.0 <= *b)
            {
                continue;
            }
            let record = match redact {
                Some(r) => match record.redacted(r) {
                    Some(red) => red,
                    None => continue,
                },
                None => record,
            };
            if !ex.push(&record.to_json_value()) {
                return Ok(ex);
            }
        }
    }
    Ok(ex)
}

/// Diagnose documents larger than this are not documents we wrote.
const MAX_DIAGNOSE_DOC: u64 = 16 << 20;

/// A document `report --html` shows beside the logs.
enum PageDoc {
    Diagnose(wifidiag::report::html::diagnosis::DiagnosisSection),
    Channels(wifidiag::report::html::channels::ChannelsSection),
}

/// The page's section of `path` if it is a `wifidiag.diagnose/1` or
/// `wifidiag.channels/1` document (redacted as `--json --redact` would be);
/// `None` for anything else, which is then read as a log (and refused or
/// counted as such).
fn read_page_doc(
    path: &std::path::Path,
    redact: Option<&wifidiag::output::Redactor>,
) -> Option<(PageDoc, serde_json::Value)> {
    use std::io::Read;
    use wifidiag::report::html::diagnosis;
    // Only regular files: a FIFO would block here (the log reader refuses it).
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_DIAGNOSE_DOC {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = [0u8; 4096];
    let n = file.read(&mut head).ok()?;
    if !diagnosis::looks_like_document(&head[..n]) {
        return None;
    }
    let mut doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let mut source = path.display().to_string();
    if let Some(r) = redact {
        diagnosis::redact_document(r, &mut doc);
        source = r.redact_text(&source);
    }
    let section = match diagnosis::section(source.clone(), &doc) {
        Some(d) => Some(PageDoc::Diagnose(d)),
        None => wifidiag::report::html::channels::section(source, &doc).map(PageDoc::Channels),
    }?;
    Some((section, doc))
}

/// Writes a file whole or not at all: into a temporary file beside it,
/// then renamed over it (a reader never sees half a page).
fn write_whole_file(dest: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let name = dest
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, dest));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// One line on stderr for each kind of line a report skipped.
fn warn_skipped(path: &std::path::Path, s: &wifidiag::watch::read::ReadStats) {
    let file = wifidiag::escape::terminal_safe(&path.display().to_string()).into_owned();
    if s.corrupt > 0 {
        eprintln!(
            "wifidiag: {file}: skipped {} line(s) that are not complete JSON objects (first at line {})",
            s.corrupt,
            s.first_corrupt_line.unwrap_or(0)
        );
    }
    if s.invalid > 0 {
        eprintln!(
            "wifidiag: {file}: skipped {} wifidiag.event/1 line(s) with fields of the wrong type or missing (first at line {})",
            s.invalid,
            s.first_invalid_line.unwrap_or(0)
        );
    }
    if s.other_schema > 0 {
        eprintln!(
            "wifidiag: {file}: skipped {} line(s) of another schema ({}): written by another program or a newer wifidiag",
            s.other_schema,
            wifidiag::escape::terminal_safe(s.first_other_schema.as_deref().unwrap_or("none"))
        );
    }
    if s.unknown_kind > 0 {
        eprintln!(
            "wifidiag: {file}: skipped {} event(s) of kinds this version does not know (a newer wifidiag wrote them)",
            s.unknown_kind
        );
    }
}

pub fn history(
    out: &mut impl Write,
    opts: &Output,
    args: &wifidiag::cli::HistoryArgs,
) -> anyhow::Result<ExitCode> {
    use wifidiag::history::{period, source};
    use wifidiag::report::history::HistoryReport;

    let now_usec = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    let resolve = |flag: &str, text: &str| -> Result<u64, String> {
        let when = period::parse_when(text).map_err(|e| format!("--{flag} {e}"))?;
        period::resolve(when, now_usec, local_today(now_usec), &local_to_epoch)
            .map_err(|e| format!("--{flag}: {e}"))
    };
    let (since, until) = match (resolve("since", &args.since), resolve("until", &args.until)) {
        (Ok(s), Ok(u)) if s <= u => (s, u),
        (Ok(_), Ok(_)) => {
            eprintln!("wifidiag: --since is after --until");
            return Ok(ExitCode::Usage);
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("wifidiag: {e}");
            return Ok(ExitCode::Usage);
        }
    };
    let span = source::Period {
        since_usec: since,
        until_usec: until,
    };

    // Outages of watch logs first: a bad file is found before the journal is read.
    let (extra, mut infos) =
        match watch_log_episodes(&args.logs, span, args.iface.as_deref(), opts)? {
            Ok(r) => r,
            Err(code) => return Ok(code),
        };
    let redact = opts.redact.as_ref();
    let source = SystemLogs {
        source: args.source,
        journal_dir: args.journal_dir.as_deref(),
        syslog_dir: &args.syslog_dir,
    };
    let (history, info) = match read_system_logs(
        &source,
        span,
        args.iface.as_deref(),
        redact,
        now_usec,
        extra,
    ) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wifidiag: {e}");
            return Ok(e.exit_code());
        }
    };
    if info.malformed > 0 {
        eprintln!(
            "wifidiag: {}: skipped {} entries that could not be read",
            info.source, info.malformed
        );
    }
    infos.insert(0, info);
    let mut envelope = Envelope::now(wifidiag::report::history::SCHEMA);
    if let (Some(r), Some(h)) = (redact, envelope.hostname.as_mut()) {
        *h = r.hostname(h);
    }
    let report = HistoryReport {
        envelope,
        interface: args.iface.as_deref(),
        since_usec: since,
        until_usec: until,
        sources: &infos,
        history: &history,
    };
    if opts.json {
        write_json_doc(out, &report.to_json(), redact).context("writing the history")?;
    } else {
        report
            .render(out, opts.styled, &local_time_text)
            .context("writing the history")?;
    }
    out.flush()?;
    Ok(if history.episodes.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::OutageObserved
    })
}

/// Where `history` (and `diagnose`) read the system's logs.
struct SystemLogs<'a> {
    source: wifidiag::cli::HistorySource,
    journal_dir: Option<&'a std::path::Path>,
    syslog_dir: &'a std::path::Path,
}

/// Outages of watch logs as history episodes, and what was read.
type LogEpisodes = (
    Vec<wifidiag::history::timeline::Episode>,
    Vec<wifidiag::report::history::SourceInfo>,
);

/// The outages of `watch --log` files within `span` (and on `iface` when
/// given), as history episodes. `Err` carries the exit status after the
/// message is printed.
fn watch_log_episodes(
    logs: &[std::path::PathBuf],
    span: wifidiag::history::source::Period,
    iface: Option<&str>,
    opts: &Output,
) -> anyhow::Result<Result<LogEpisodes, ExitCode>> {
    use wifidiag::history::timeline;
    use wifidiag::report::history::SourceInfo;
    let mut extra = Vec::new();
    let mut infos = Vec::new();
    for path in logs {
        let mut reader = match wifidiag::watch::read::open(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("wifidiag: {e}");
                return Ok(Err(e.exit_code()));
            }
        };
        while let Some(record) = reader.next_record().context("reading a watch log")? {
            let record = match &opts.redact {
                Some(r) => match record.redacted(r) {
                    Some(red) => red,
                    None => continue,
                },
                None => record,
            };
            if let wifidiag::watch::event::Kind::Outage {
                start,
                end,
                cause,
                summary,
                target,
                ..
            } = &record.kind
            {
                let (start_us, end_us) = (start.0 * 1000, end.0 * 1000);
                let iface_ok =
                    iface.is_none() || record.iface.is_none() || record.iface.as_deref() == iface;
                if iface_ok && end_us >= span.since_usec && start_us <= span.until_usec {
                    extra.push(timeline::Episode {
                        start_usec: start_us,
                        end_usec: Some(end_us),
                        cause: *cause,
                        iface: record.iface.clone(),
                        summary: format!("{target}: {summary}"),
                        evidence: vec![],
                        missing: vec![],
                        from_watch_log: true,
                    });
                }
            }
        }
        let stats = reader.stats();
        warn_skipped(path, stats);
        infos.push(SourceInfo {
            source: "watch_log",
            path: Some(path.display().to_string()),
            entries: stats.lines,
            malformed: stats.skipped(),
        });
    }
    Ok(Ok((extra, infos)))
}

/// Reads the system's logs over `span` (the journal, syslog files or the
/// kernel's ring buffer, as `source` says) into a history, with the
/// `extra` episodes (from watch logs) merged in.
fn read_system_logs(
    source: &SystemLogs<'_>,
    span: wifidiag::history::source::Period,
    iface: Option<&str>,
    redact: Option<&Redactor>,
    now_usec: u64,
    extra: Vec<wifidiag::history::timeline::Episode>,
) -> Result<
    (
        wifidiag::history::timeline::History,
        wifidiag::report::history::SourceInfo,
    ),
    wifidiag::history::source::SourceError,
> {
    use wifidiag::cli::HistorySource;
    use wifidiag::history::{parse, source as src, timeline};
    let mut tl = timeline::Timeline::new();
    let mut each = |line: &wifidiag::history::LogLine<'_>| {
        let Some(mut fact) = parse::parse(line) else {
            return;
        };
        if iface.is_some() && fact.iface.is_some() && fact.iface.as_deref() != iface {
            return;
        }
        let message = match redact {
            Some(r) => {
                redact_fact(&mut fact, r);
                String::new()
            }
            None => line.message.to_string(),
        };
        tl.push(line.usec, line.origin, fact, &message);
    };
    let use_journal = match source.source {
        HistorySource::Journal => true,
        HistorySource::Auto => source.journal_dir.is_some() || src::journal_present(),
        _ => false,
    };
    let syslog = src::syslog_files(source.syslog_dir);
    let (name, path, stats) = if use_journal {
        src::read_journal(span, source.journal_dir, &mut each).map(|s| {
            let path = source.journal_dir.map(|d| d.display().to_string());
            ("journal", path, s)
        })?
    } else if source.source == HistorySource::Syslog
        || (source.source == HistorySource::Auto && !syslog.is_empty())
    {
        if syslog.is_empty() {
            return Err(src::SourceError::NoSource);
        }
        let year = local_today(now_usec).0;
        src::read_syslog(&syslog, span, year, &mut each).map(|s| {
            let names: Vec<String> = syslog.iter().map(|p| p.display().to_string()).collect();
            ("syslog", Some(names.join(" ")), s)
        })?
    } else {
        match src::boot_time_usec() {
            Some(boot) => src::read_kmsg(boot, span, &mut each).map(|s| ("kmsg", None, s))?,
            None => return Err(src::SourceError::NoSource),
        }
    };
    let info = wifidiag::report::history::SourceInfo {
        source: name,
        path,
        entries: stats.entries,
        malformed: stats.malformed,
    };
    Ok((tl.finish(extra), info))
}

/// Pseudonyms for what identifies the network in a fact (MACs in free text
/// are redacted with the document; SSIDs only here).
fn redact_fact(fact: &mut wifidiag::history::Fact, r: &Redactor) {
    use wifidiag::history::FactKind as F;
    let m = |b: &mut Option<wifidiag::model::MacAddr>| {
        if let Some(x) = b {
            *x = r.mac_addr(*x);
        }
    };
    match &mut fact.kind {
        F::Connecting { bssid }
        | F::Disconnected { bssid, .. }
        | F::Deauth { bssid, .. }
        | F::Disassoc { bssid, .. }
        | F::BeaconLoss { bssid }
        | F::AuthRejected { bssid, .. }
        | F::AssocRejected { bssid, .. } => m(bssid),
        F::Connected { bssid, ssid } => {
            m(bssid);
            if let Some(s) = ssid {
                *s = r.ssid(s);
            }
        }
        F::WrongKey { ssid } => {
            if let Some(s) = ssid {
                *s = r.ssid(s);
            }
        }
        F::Roamed { from, to } => {
            m(from);
            m(to);
        }
        F::DriverError { detail, .. } | F::DhcpFailed { detail } => *detail = r.redact_text(detail),
        F::DeviceState { reason, .. } => {
            if let Some(x) = reason {
                *x = r.redact_text(x);
            }
        }
        F::Signal { .. } | F::Connectivity { .. } => {}
    }
}

/// The broken-down local time of `secs` since the epoch.
fn local_tm(secs: i64) -> Option<libc::tm> {
    let t: libc::time_t = secs;
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: localtime_r writes only into `tm`, which lives on our stack.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    ok.then_some(tm)
}

/// Today's local date.
fn local_today(now_usec: u64) -> (i32, u32, u32) {
    local_tm((now_usec / 1_000_000) as i64).map_or((1970, 1, 1), |tm| {
        (tm.tm_year + 1900, (tm.tm_mon + 1) as u32, tm.tm_mday as u32)
    })
}

/// A local civil time to seconds since the epoch (the system's time zone).
fn local_to_epoch(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    tm.tm_year = y - 1900;
    tm.tm_mon = mo as i32 - 1;
    tm.tm_mday = d as i32;
    tm.tm_hour = h as i32;
    tm.tm_min = mi as i32;
    tm.tm_sec = s as i32;
    tm.tm_isdst = -1;
    // SAFETY: mktime reads and normalises `tm` only.
    let t = unsafe { libc::mktime(&mut tm) };
    (t != -1).then_some(t)
}

/// A time for people: local, to the second, with the zone.
fn local_time_text(usec: u64) -> String {
    match local_tm((usec / 1_000_000) as i64) {
        Some(tm) => {
            let zone = if tm.tm_zone.is_null() {
                String::new()
            } else {
                // SAFETY: tm_zone points to a NUL-terminated static string.
                unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }
                    .to_string_lossy()
                    .into_owned()
            };
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} {zone}",
                tm.tm_year + 1900,
                tm.tm_mon + 1,
                tm.tm_mday,
                tm.tm_hour,
                tm.tm_min,
                tm.tm_sec
            )
            .trim_end()
            .to_string()
        }
        None => wifidiag::watch::event::Millis(usec / 1000).rfc3339(),
    }
}

/// The least time the survey of the neighbourhood gets, even with a short
/// `--for` (two rounds of a passive scan of every channel take about 25 s
/// while associated).
const DIAGNOSE_MIN_SURVEY_SECS: u64 = 30;

/// How many targets `diagnose` probes at most (each costs two probes a
/// second for the whole run).
const DIAGNOSE_MAX_TARGETS: usize = 8;

pub fn diagnose(
    out: &mut impl Write,
    opts: &Output,
    args: &wifidiag::cli::DiagnoseArgs,
) -> anyhow::Result<ExitCode> {
    use std::time::{Duration, Instant};
    use wifidiag::diagnose::{self, probes, Evidence, Past, ScanEvidence};
    use wifidiag::history::{period, source};
    use wifidiag::report::diagnose::DiagnoseReport;
    use wifidiag::watch::probe::Target;

    let run_started = Instant::now();
    let mut targets = Vec::new();
    for spec in &args.targets {
        match Target::parse(spec) {
            Ok(t) if !targets.contains(&t) => targets.push(t),
            Ok(_) => {}
            Err(why) => {
                eprintln!("wifidiag: {why}");
                return Ok(ExitCode::Usage);
            }
        }
    }
    let portal_url = if args.portal_url.eq_ignore_ascii_case("none") {
        None
    } else {
        match diagnose::http::HttpUrl::parse(&args.portal_url) {
            Ok(u) => Some(u),
            Err(why) => {
                eprintln!("wifidiag: --portal-url {why}");
                return Ok(ExitCode::Usage);
            }
        }
    };
    let portal_response = args.portal_response.clone().unwrap_or_else(|| {
        if args.portal_url == diagnose::http::DEFAULT_URL {
            diagnose::http::DEFAULT_RESPONSE.to_string()
        } else {
            String::new()
        }
    });
    if targets.len() > DIAGNOSE_MAX_TARGETS {
        eprintln!(
            "wifidiag: {} targets given; diagnose checks at most {DIAGNOSE_MAX_TARGETS} (use watch --targets-file for more)",
            targets.len()
        );
        return Ok(ExitCode::Usage);
    }
    let now_usec = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64);
    let since = match period::parse_when(&args.since)
        .map_err(|e| format!("--since {e}"))
        .and_then(|w| {
            period::resolve(w, now_usec, local_today(now_usec), &local_to_epoch)
                .map_err(|e| format!("--since: {e}"))
        }) {
        Ok(s) if s <= now_usec => s,
        Ok(_) => {
            eprintln!("wifidiag: --since is in the future");
            return Ok(ExitCode::Usage);
        }
        Err(e) => {
            eprintln!("wifidiag: {e}");
            return Ok(ExitCode::Usage);
        }
    };
    let span = source::Period {
        since_usec: since,
        until_usec: now_usec,
    };
    // A bad --log file is found before anything is measured.
    let (log_episodes, _) = match watch_log_episodes(&args.logs, span, None, opts)? {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };

    // The link as `status` reads it.
    let nl = Nl80211::open()?;
    // `interfaces` (not the bare dump): it completes the SSID from the
    // scan cache when the dump lacks it.
    let iface = pick_station(nl.interfaces()?, args.iface.as_deref())?;
    let name = iface.name.clone().unwrap_or_default();
    let ifindex = iface.ifindex.context("the interface has no index")?;
    let steps = progress::spinner(&format!("diagnosing {name}: reading the link"));
    let ip = nl::ip_state()?;
    let station = nl.station(ifindex)?;
    let regulatory = nl.regulatory(iface.phy).ok().flatten();
    let power_save = nl.power_save(ifindex).ok().flatten();
    let phy_channels = nl.phy_channels(iface.phy)?;
    let resolvers = read_resolvers();
    steps.done("read the link, addresses and routes");

    // The probes run on their own thread while the radio is scanned.
    let gateway_addr = InterfaceStatus::build(StatusInputs {
        iface: &iface,
        station: station.as_ref(),
        survey: &[],
        regulatory: regulatory.as_ref(),
        ip: &ip,
    })
    .gateway;
    let plan = probes::Plan {
        gateway: gateway_addr,
        ifindex,
        targets,
        duration: args.duration,
        interval: Duration::from_secs(1),
        lookup_every: 5,
    };
    steps.set_message(&format!(
        "diagnosing {name}: probing for {} and scanning",
        humantime::format_duration(args.duration)
    ));
    let prober = std::thread::spawn(move || probes::run(&plan, |_| {}));
    // The portal check beside them: one lookup and one GET, at most 5 s.
    let portal = std::thread::spawn(move || match portal_url {
        Some(url) => probes::portal(&url, &portal_response, Duration::from_secs(5)),
        None => diagnose::PortalEvidence::Off,
    });

    let freqs = wifidiag::scan::scan_frequencies(&phy_channels, None);
    let (bsses, fresh, complete, notice, method) = if args.cached {
        (
            wifidiag::scan::analyse(&nl.scan_dump(ifindex)?),
            false,
            true,
            Some("--cached was given".to_string()),
            "the kernel's cached scan".to_string(),
        )
    } else {
        // Passive rounds until a round hears nothing new (hidden networks
        // answer no probe request), within the probes' time: the survey
        // runs beside them, so it costs the diagnosis nothing extra.
        let budget = args
            .duration
            .max(Duration::from_secs(DIAGNOSE_MIN_SURVEY_SECS));
        let s = wifidiag::neighbourhood::survey(&nl, ifindex, &freqs, budget)?;
        let c = &s.coverage;
        let method = match c.method {
            wifidiag::neighbourhood::Method::Cached => "the kernel's cached scan".to_string(),
            _ => format!(
                "{} passive scan round{} of {} channels in {:.0} s, {}",
                c.rounds,
                if c.rounds == 1 { "" } else { "s" },
                c.channels,
                c.elapsed.as_secs_f64(),
                if c.stable {
                    "complete (the last round heard nothing new)"
                } else if c.rounds <= 1 {
                    "maybe incomplete (no time for a second round to confirm it)"
                } else {
                    "maybe incomplete (still growing when time ran out)"
                }
            ),
        };
        (s.views, c.fresh, c.stable || !c.fresh, s.notice, method)
    };
    steps.done(&format!("heard {} networks: {method}", bsses.len()));
    let survey = nl.survey(ifindex).unwrap_or_default();

    steps.set_message(&format!("diagnosing {name}: reading the system's logs"));
    let history = match read_system_logs(
        &SystemLogs {
            source: wifidiag::cli::HistorySource::Auto,
            journal_dir: None,
            syslog_dir: std::path::Path::new("/var/log"),
        },
        span,
        Some(&name),
        opts.redact.as_ref(),
        now_usec,
        Vec::new(),
    ) {
        Ok((h, info)) => past_of(&h, info.source, span),
        Err(e) => Past::NotRun(e.to_string()),
    };
    let watch_logs = (!args.logs.is_empty()).then(|| {
        let h = wifidiag::history::timeline::Timeline::new().finish(log_episodes);
        past_of(&h, "watch_log", span)
    });

    steps.done("read the system's logs");
    steps.set_message(&format!("diagnosing {name}: probing"));
    let mut probes = prober
        .join()
        .map_err(|_| anyhow::anyhow!("the probe thread failed"))?;
    let mut portal = portal
        .join()
        .map_err(|_| anyhow::anyhow!("the portal check's thread failed"))?;
    drop(steps);
    // The link as it is after the probes: its transmit rate is then that of
    // their data frames, not of an idle link's last management frame (sent
    // at the lowest rate), and the counters include the run.
    let station = match nl.station(ifindex) {
        Ok(s) => s.or(station),
        Err(_) => station,
    };
    let mut status = InterfaceStatus::build(StatusInputs {
        iface: &iface,
        station: station.as_ref(),
        survey: &survey,
        regulatory: regulatory.as_ref(),
        ip: &ip,
    });

    // Redacted before anything is judged, so that every sentence is built
    // from pseudonyms (the JSON pass below then finds nothing left).
    let mut bsses = bsses;
    let mut own_ssid = status.ssid.clone();
    if let Some(r) = &opts.redact {
        status.redact(r);
        own_ssid = own_ssid.map(|s| r.ssid_value(&s));
        for b in &mut bsses {
            b.bssid = r.mac_addr(b.bssid);
            b.ssid = b.ssid.as_ref().map(|s| r.ssid_value(s));
        }
        if let Some((g, _)) = &mut probes.gateway {
            *g = r.ip(*g);
        }
        for t in &mut probes.targets {
            t.address = t.address.map(|a| r.ip(a));
        }
        if let diagnose::PortalEvidence::NoAnswer { address, .. }
        | diagnose::PortalEvidence::Answered { address, .. } = &mut portal
        {
            *address = r.ip(*address);
        }
    }
    let channels = (!bsses.is_empty()).then(|| {
        let samples = vec![bsses.clone()];
        wifidiag::channels::analyse(ChannelInputs {
            phy_channels: &phy_channels,
            samples: &samples,
            observed: None,
            survey: &survey,
            own_ssid: own_ssid.as_ref(),
            width_mhz: status.width_mhz.unwrap_or(20).min(20),
            fresh,
            complete,
        })
    });
    let evidence = Evidence {
        iface: status,
        power_save,
        scan: ScanEvidence {
            fresh,
            asked_cached: args.cached,
            complete,
            notice,
            method,
            bsses,
        },
        phy_channels,
        channels,
        resolvers,
        probes,
        portal,
        history,
        watch_logs,
    };
    let diagnosis = diagnose::diagnose(&evidence);
    let failed = diagnosis.failed();
    let mut envelope = Envelope::now(wifidiag::report::diagnose::SCHEMA);
    if let Some(r) = &opts.redact {
        envelope.redact(r);
    }
    let report = DiagnoseReport::new(
        envelope,
        &evidence,
        diagnosis,
        run_started.elapsed().as_millis() as u64,
    );
    if opts.json {
        write_json_doc(out, &report, opts.redact.as_ref()).context("writing the diagnosis")?;
    } else {
        report
            .render(out, opts.styled)
            .context("writing the diagnosis")?;
    }
    out.flush().context("writing the diagnosis")?;
    Ok(if failed {
        ExitCode::ProblemFound
    } else {
        ExitCode::Success
    })
}

/// The past as `diagnose` judges it: counts and outages of a history.
fn past_of(
    h: &wifidiag::history::timeline::History,
    source: &str,
    span: wifidiag::history::source::Period,
) -> wifidiag::diagnose::Past {
    let hours = ((span.until_usec - span.since_usec) / 3_600_000_000).max(1) as u32;
    wifidiag::diagnose::Past::Read {
        source: source.to_string(),
        hours,
        disconnects: h.days.iter().map(|d| d.disconnects as usize).sum(),
        roams: h.roams.len(),
        outages: h
            .episodes
            .iter()
            .map(|e| wifidiag::diagnose::PastOutage {
                start_ms: e.start_usec / 1000,
                duration_ms: e
                    .end_usec
                    .map(|end| end.saturating_sub(e.start_usec) / 1000),
                cause: e.cause,
                summary: e.summary.clone(),
            })
            .collect(),
    }
}
