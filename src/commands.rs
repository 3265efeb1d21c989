//! One function per command: read through the kernel edge, build the
//! report with the pure core, print it. Part of the binary, not the library.

use anyhow::Context;
use std::io::IsTerminal;
use std::io::Write;
use std::net::IpAddr;
use wifidiag::channels::ChannelInputs;
use wifidiag::cli::{ChannelsArgs, ReportArgs, ScanArgs, StatusArgs, WatchArgs};
use wifidiag::model::{parse_resolv_conf, pick_station, select_interfaces, IfType, Ssid};
use wifidiag::nl::{self, Nl80211, ScanOutcome};
use wifidiag::output::{write_json_doc, Envelope, Redactor};
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

pub fn interfaces(out: &mut impl Write, opts: &Output) -> anyhow::Result<ExitCode> {
    let nl = Nl80211::open()?;
    let list = nl.interfaces()?;
    let report = InterfacesReport::new(Envelope::now(interfaces::SCHEMA), &list);
    if opts.json {
        write_json_doc(out, &report, opts.redact.as_ref())
    } else {
        report.write_table(out, opts.styled)
    }
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
    if opts.json {
        write_json_doc(out, &report, opts.redact.as_ref())
    } else {
        report.write_human(out, opts.styled)
    }
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
        let freqs = wifidiag::scan::scan_frequencies(&nl.phy_channels(iface.phy)?, band);
        let spinner = progress::spinner(&format!("scanning on {name}"));
        let outcome = scan_once(&nl, ifindex, &freqs, args.timeout);
        drop(spinner);
        outcome?
    };
    if let Some(notice) = &notice {
        eprintln!("wifidiag: {notice}");
    }

    let mut views = wifidiag::scan::analyse(&nl.scan_dump(ifindex)?);
    views = wifidiag::scan::filter(views, args.band.map(Into::into), args.ssid.as_deref());
    wifidiag::scan::sort_by_signal(&mut views);
    let channels = wifidiag::scan::channel_summary(&views);
    let report = ScanReport {
        envelope: Envelope::now(scan_report::SCHEMA),
        interface: name,
        fresh,
        notice,
        bss: views.iter().map(BssEntry::from).collect(),
        channels: channels.iter().map(ChannelEntry::from).collect(),
    };
    if opts.json {
        write_json_doc(out, &report, opts.redact.as_ref())
    } else {
        report.write_human(out, opts.styled)
    }
    .context("writing the scan results")?;
    out.flush().context("writing the scan results")?;
    Ok(ExitCode::Success)
}

/// Triggers one scan and says whether its results are fresh, and if not why.
/// Only errors other than "not permitted" fail.
fn scan_once(
    nl: &Nl80211,
    ifindex: u32,
    freqs: &[u32],
    timeout: std::time::Duration,
) -> wifidiag::Result<(bool, Option<String>)> {
    if freqs.is_empty() {
        // No channel of the requested band on this radio: nothing to scan.
        return Ok((true, None));
    }
    Ok(match nl.trigger_scan(ifindex, freqs, timeout) {
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
    let nl = Nl80211::open()?;
    let iface = pick_station(nl.interface_dump()?, args.iface.as_deref())?;
    let name = iface.name.clone().unwrap_or_default();
    let ifindex = iface.ifindex.context("the interface has no index")?;
    let phy_channels = nl.phy_channels(iface.phy)?;
    let freqs = wifidiag::scan::scan_frequencies(&phy_channels, None);

    let total = args.samples as usize;
    let bar = progress::bar(total as u64, &format!("scanning on {name}"));
    let mut samples = Vec::with_capacity(total);
    let mut fresh = true;
    let mut notice = None;
    for i in 0..total {
        if i > 0 {
            std::thread::sleep(args.interval);
        }
        // Once a scan is refused, the rest are too: use the cache.
        let started = std::time::Instant::now();
        if fresh {
            let (ok, why) = scan_once(&nl, ifindex, &freqs, args.timeout)?;
            if !ok {
                fresh = false;
                notice = why;
            }
        }
        let mut views = wifidiag::scan::analyse(&nl.scan_dump(ifindex)?);
        if fresh {
            // The kernel keeps entries up to 30 s: after a fresh scan, one
            // older than the scan is a network that has gone quiet.
            wifidiag::scan::drop_older_than(&mut views, started.elapsed());
        }
        samples.push(views);
        bar.inc();
    }
    drop(bar);
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
        survey: &survey,
        own_ssid: own_ssid.as_ref(),
        width_mhz: args.width.mhz(),
        fresh,
    });
    let report = ChannelsReport::new(
        ChannelsContext {
            envelope: Envelope::now(channels_report::SCHEMA),
            interface: name,
            own_ssid,
            width_mhz: args.width.mhz(),
            samples: total,
            fresh,
            notice,
        },
        &analysis,
    );
    if opts.json {
        write_json_doc(out, &report, opts.redact.as_ref())
    } else {
        report.write_human(out, opts.styled)
    }
    .context("writing the channel ratings")?;
    out.flush().context("writing the channel ratings")?;
    Ok(ExitCode::Success)
}

fn cached_notice(why: &str) -> String {
    format!(
        "{why}; showing the kernel's cached scan results instead (entries not seen for {} s \
         are dropped by the kernel; see each entry's age)",
        scan_report::KERNEL_EXPIRY_MS / 1000
    )
}

/// The resolvers of /etc/resolv.conf; none when it is missing or unreadable
/// (the report then shows an empty list rather than failing).
fn read_resolvers() -> Vec<IpAddr> {
    std::fs::read_to_string("/etc/resolv.conf")
        .map(|text| parse_resolv_conf(&text))
        .unwrap_or_default()
}

pub fn watch(out: &mut impl Write, opts: &Output, args: &WatchArgs) -> anyhow::Result<ExitCode> {
    use wifidiag::watch::pathology::PathologyThresholds;
    use wifidiag::watch::probe::target::{collect_targets, read_targets_file, TargetsFileError};
    use wifidiag::watch::session::{self, WatchConfig, WatchError};
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
        interval: args.interval.max(std::time::Duration::from_millis(100)),
        duration: args.duration,
        json: opts.json,
        redact: opts.redact.is_some(),
        quiet: args.quiet,
        log: args.log.clone(),
        lock_wait: args.lock_wait,
        scan_every: args.scan_every,
        sample_every: args.sample_every,
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
        status_line: !args.quiet && !opts.json && std::io::stderr().is_terminal(),
    };
    let summary = match session::run(&config, out) {
        Ok(s) => s,
        Err(WatchError::Wifi(e)) => return Err(e.into()),
        Err(WatchError::Log(e)) => {
            eprintln!("wifidiag: {e}");
            return Ok(
                if matches!(e, wifidiag::watch::log::LogError::Busy { .. }) {
                    ExitCode::LogBusy
                } else {
                    e.exit_code()
                },
            );
        }
        Err(WatchError::Output(e)) => return Err(e).context("writing the watch output"),
    };
    if !opts.json {
        write_watch_summary(out, &summary, opts.styled).context("writing the summary")?;
    }
    out.flush().context("writing the summary")?;
    Ok(if summary.outages.is_empty() {
        ExitCode::Success
    } else {
        ExitCode::OutageObserved
    })
}

/// The end-of-watch tables: outages, disconnects by reason, roams, signal.
fn write_watch_summary(
    out: &mut impl Write,
    s: &wifidiag::watch::session::WatchSummary,
    styled: bool,
) -> std::io::Result<()> {
    use wifidiag::report::table::new_table;
    use wifidiag::watch::event::Kind;
    writeln!(out)?;
    writeln!(out, "Summary ({})", s.stop_reason)?;
    if s.outages.is_empty() {
        writeln!(out, "No outage.")?;
    } else {
        let mut t = new_table(
            styled,
            &["Start", "Duration", "Target", "Cause", "What happened"],
        );
        for o in &s.outages {
            if let Kind::Outage {
                target,
                start,
                duration_ms,
                cause,
                summary,
                ..
            } = &o.kind
            {
                t.add_row(vec![
                    start.rfc3339(),
                    format!("{:.1} s", *duration_ms as f64 / 1000.0),
                    target.clone(),
                    cause.label().to_string(),
                    summary.clone(),
                ]);
            }
        }
        writeln!(out, "{t}")?;
    }
    if !s.disconnects_by_reason.is_empty() {
        let mut t = new_table(styled, &["Disconnect reason", "Count"]);
        for (reason, n) in &s.disconnects_by_reason {
            t.add_row(vec![
                format!(
                    "{reason} ({})",
                    wifidiag::watch::reason::reason_name(*reason)
                ),
                n.to_string(),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    writeln!(out, "Roams: {}", s.roams)?;
    if !s.signal.is_empty() {
        let mut t = new_table(styled, &["BSSID", "Samples", "Min", "Average", "Max"]);
        for (bssid, (min, sum, n, max)) in &s.signal {
            t.add_row(vec![
                bssid.to_string(),
                n.to_string(),
                format!("{min} dBm"),
                format!("{:.0} dBm", *sum as f64 / (*n).max(1) as f64),
                format!("{max} dBm"),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for p in &s.patterns {
        if let Kind::Pathology { summary, .. } = &p.kind {
            writeln!(out, "Pattern: {summary}")?;
        }
    }
    Ok(())
}

pub fn report(out: &mut impl Write, opts: &Output, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    use wifidiag::report::table::new_table;
    use wifidiag::watch::summary::{self, ReportDoc};
    let (lines, stats) = wifidiag::watch::log::read_events(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    if stats.corrupt > 0 {
        eprintln!(
            "wifidiag: skipped {} line(s) of {} that are not complete JSON events (first at line {})",
            stats.corrupt,
            args.file.display(),
            stats.first_corrupt_line.unwrap_or(0)
        );
    }
    let s = summary::summarize(&lines);
    if opts.json {
        let doc = ReportDoc {
            envelope: Envelope::now(summary::SCHEMA),
            file: args.file.display().to_string(),
            lines: &stats,
            summary: &s,
        };
        write_json_doc(out, &doc, opts.redact.as_ref()).context("writing the report")?;
        out.flush().context("writing the report")?;
        return Ok(ExitCode::Success);
    }
    writeln!(
        out,
        "{}: {} run(s), {} event(s), from {} to {}; {} outage(s), {} roam(s), {} interface removal(s)",
        args.file.display(),
        s.runs,
        s.events,
        s.first_ts.as_deref().unwrap_or("-"),
        s.last_ts.as_deref().unwrap_or("-"),
        s.outages.len(),
        s.roams,
        s.interface_removals
    )?;
    if !s.causes.is_empty() {
        let causes: Vec<String> = s.causes.iter().map(|(c, n)| format!("{c} {n}")).collect();
        writeln!(out, "Outages by cause: {}", causes.join(", "))?;
    }
    if !s.outages.is_empty() {
        let mut t = new_table(
            opts.styled,
            &["Start", "Duration", "Target", "Cause", "What happened"],
        );
        for o in &s.outages {
            t.add_row(vec![
                o.start.clone().unwrap_or_default(),
                o.duration_ms
                    .map_or("-".into(), |d| format!("{:.1} s", d as f64 / 1000.0)),
                o.target.clone().unwrap_or_default(),
                o.cause.clone().unwrap_or_default(),
                o.summary.clone().unwrap_or_default(),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    if !s.disconnects.is_empty() {
        let mut t = new_table(opts.styled, &["Disconnect reason", "Count"]);
        for d in &s.disconnects {
            t.add_row(vec![
                format!("{} ({})", d.reason, d.reason_name.as_deref().unwrap_or("?")),
                d.count.to_string(),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for p in &s.patterns {
        writeln!(
            out,
            "Pattern at {}: {}",
            p.ts.as_deref().unwrap_or("-"),
            p.summary.as_deref().unwrap_or("")
        )?;
    }
    out.flush()?;
    Ok(ExitCode::Success)
}
