//! `watch --metrics-file PATH`: the watch's state in the Prometheus text
//! exposition format, for node_exporter's textfile collector.
//!
//! Three parts:
//! - [`Metrics`], the pure accumulator: records in, counters and gauges
//!   out. It is fed every published record and every sample and probe
//!   result the log leaves out ([`super::sink::Sink::observe`]), so the
//!   counters add up every interval's deltas and the probe gauges are the
//!   last result, not the last change;
//! - [`render`], the pure renderer to the text format (HELP and TYPE
//!   lines, label values escaped);
//! - [`MetricsFile`] and [`MetricsSink`], the edge: the file is replaced
//!   atomically (a temporary file in the same directory, `fsync`, `rename`)
//!   so node_exporter never reads half of it.
//!
//! # Metrics
//!
//! Every series but `wifidiag_build_info` carries `interface` (the watched
//! interface). Counters count from the start of this watch: a new watch
//! (the next cron or timer run) starts them at 0 again, which Prometheus'
//! `rate()` and `increase()` treat as a counter reset.
//!
//! | name | type | labels | what |
//! |---|---|---|---|
//! | `wifidiag_build_info` | gauge | `version` | always 1 |
//! | `wifidiag_connected` | gauge | | 1 if associated at the last sample, else 0 |
//! | `wifidiag_signal_dbm` | gauge | | signal at the last sample (absent while not associated) |
//! | `wifidiag_tx_packets_total` | counter | | frames sent |
//! | `wifidiag_tx_retries_total` | counter | | retransmissions |
//! | `wifidiag_tx_failed_total` | counter | | frames never acknowledged |
//! | `wifidiag_beacon_loss_total` | counter | | beacon losses the driver reported |
//! | `wifidiag_outages_total` | counter | `cause` | outages, by verdict (every cause present, 0 included) |
//! | `wifidiag_disconnects_total` | counter | `reason`, `by` | losses of association |
//! | `wifidiag_roams_total` | counter | | changes of access point |
//! | `wifidiag_probe_up` | gauge | `role`, `target` | 1 if the last probe answered, else 0 |
//! | `wifidiag_probe_rtt_seconds` | gauge | `role`, `target` | the last probe's round trip (absent when it failed) |
//! | `wifidiag_last_outage_timestamp_seconds` | gauge | | start of the last outage, Unix time (absent before the first) |
//!
//! # Bounded label cardinality
//!
//! Every label takes its values from a closed set, so one laptop exports at
//! most a few hundred series whatever happens on its network:
//! - `cause`: `wifi`, `wifi_degraded`, `lan`, `dns`, `server`, `unknown`;
//! - `by`: `ap`, `local`;
//! - `reason`: the 802.11 reason code as a number, for the codes the
//!   standard defines (1 to 71, [`reason_label`]), and `other` for any
//!   other value: at most 72 values;
//! - `role`: `gateway`, `dns`, `target`;
//! - `target`: a `--target` (at most 32, watch's own cap; with role
//!   `target`, and `dns` for the lookup of a name), or the one current
//!   gateway: a gateway that changes (a new DHCP lease) replaces the old
//!   one's series rather than adding to them. At most 65 probe series;
//! - `interface`: the one interface watched; `version`: this build.
//!
//! With `--redact`, the records are redacted before any sink sees them, so
//! the labels are too (a `wlx…` interface name, an IPv6 gateway).
//!
//! # Writes
//!
//! The file is written when the watch starts, with every published sample
//! (`--sample-every`, default 60 s; 0s: every `--interval`), every probe
//! state change and outage, and when the watch ends. A failed write does
//! not end the watch: one warning, the failures are counted, and the next
//! write tries again.

use super::event::{Cause, Initiator, Kind, Millis, ProbeRole, Record};
use super::log::{self, LogError};
use super::reason::reason_name;
use super::sink::{Sink, SinkError};
use std::collections::BTreeMap;
use std::ffi::CString;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Permission bits of the metrics file, whatever the umask (the example
/// unit's `UMask=0027` would make it unreadable): node_exporter runs as its
/// own user (`prometheus` on Debian) and must read it, and it serves the
/// content to whoever can scrape it anyway.
pub const FILE_MODE: u32 = 0o644;

/// Every cause, in the order the file lists them.
const CAUSES: [Cause; 6] = [
    Cause::Wifi,
    Cause::WifiDegraded,
    Cause::Lan,
    Cause::Dns,
    Cause::Server,
    Cause::Unknown,
];

/// The `reason` label of an 802.11 reason code: the number for a code the
/// standard defines, `other` for anything else (a closed set).
pub fn reason_label(code: u16) -> String {
    if reason_name(code) == reason_name(0) {
        "other".into()
    } else {
        code.to_string()
    }
}

fn by_label(by: Initiator) -> &'static str {
    match by {
        Initiator::Ap => "ap",
        Initiator::Local => "local",
    }
}

fn role_label(role: ProbeRole) -> &'static str {
    match role {
        ProbeRole::Gateway => "gateway",
        ProbeRole::Dns => "dns",
        ProbeRole::Target => "target",
    }
}

/// The last result of one probe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProbeState {
    pub up: bool,
    /// Seconds; `None` when the probe failed.
    pub rtt_seconds: Option<f64>,
}

/// What the metrics file says, accumulated from the records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    pub interface: Option<String>,
    /// At the last sample; `None` before the first.
    pub connected: Option<bool>,
    pub signal_dbm: Option<i32>,
    pub tx_packets: u64,
    pub tx_retries: u64,
    pub tx_failed: u64,
    pub beacon_loss: u64,
    /// Indexed like [`CAUSES`].
    pub outages: [u64; 6],
    /// (reason label, by) → count.
    pub disconnects: BTreeMap<(String, &'static str), u64>,
    pub roams: u64,
    /// (role, target) → the last result.
    pub probes: BTreeMap<(&'static str, String), ProbeState>,
    pub last_outage_start: Option<Millis>,
}

impl Metrics {
    /// Folds in one record (published or not).
    pub fn observe(&mut self, record: &Record) {
        if self.interface.is_none() {
            self.interface.clone_from(&record.iface);
        }
        match &record.kind {
            Kind::Sample {
                connected,
                signal_dbm,
                tx_packets,
                tx_retries,
                tx_failed,
                beacon_loss,
                ..
            } => {
                self.connected = Some(*connected);
                self.signal_dbm = signal_dbm.filter(|_| *connected);
                for (total, delta) in [
                    (&mut self.tx_packets, tx_packets),
                    (&mut self.tx_retries, tx_retries),
                    (&mut self.tx_failed, tx_failed),
                    (&mut self.beacon_loss, beacon_loss),
                ] {
                    *total = total.saturating_add(u64::from(delta.unwrap_or(0)));
                }
            }
            Kind::Outage { cause, start, .. } => {
                if let Some(i) = CAUSES.iter().position(|c| c == cause) {
                    self.outages[i] += 1;
                }
                self.last_outage_start =
                    Some(self.last_outage_start.map_or(*start, |t| t.max(*start)));
            }
            // The kernel's disconnect follows any deauth or disassoc, so
            // counting it alone counts each loss once.
            Kind::Disconnected { reason, by, .. } => {
                *self
                    .disconnects
                    .entry((reason_label(*reason), by_label(*by)))
                    .or_default() += 1;
            }
            Kind::Roamed { .. } => self.roams += 1,
            Kind::Probe {
                target,
                role,
                ok,
                rtt_ms,
                ..
            } => {
                let role = role_label(*role);
                // One gateway at a time: a new one (a new lease) replaces
                // the old one's series. Lookups and probes are per target.
                if role == "gateway" {
                    self.probes
                        .retain(|(r, t), _| *r != "gateway" || t == target);
                }
                self.probes.insert(
                    (role, target.clone()),
                    ProbeState {
                        up: *ok,
                        rtt_seconds: rtt_ms
                            .filter(|ms| *ok && ms.is_finite() && *ms >= 0.0)
                            .map(|ms| ms / 1000.0),
                    },
                );
            }
            _ => {}
        }
    }
}

/// A label value in the exposition format: backslash, double quote and
/// newline escaped.
pub fn escape_label_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One metric family being written.
struct Family<'a> {
    out: &'a mut String,
    name: &'static str,
}

impl Family<'_> {
    fn sample(&mut self, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        self.out.push_str(self.name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label_value(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {value}");
    }
}

fn family<'a>(out: &'a mut String, name: &'static str, kind: &str, help: &str) -> Family<'a> {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
    Family { out, name }
}

/// Unix time in seconds, to the millisecond.
fn seconds(t: Millis) -> String {
    format!("{}.{:03}", t.0 / 1000, t.0 % 1000)
}

/// The metrics in the Prometheus text exposition format (version 0.0.4).
pub fn render(m: &Metrics, version: &str) -> String {
    let mut out = String::new();
    let iface = m.interface.as_deref().unwrap_or("");
    let i = ("interface", iface);
    family(
        &mut out,
        "wifidiag_build_info",
        "gauge",
        "The wifidiag version that wrote this file; always 1.",
    )
    .sample(&[("version", version)], 1);
    if let Some(connected) = m.connected {
        family(
            &mut out,
            "wifidiag_connected",
            "gauge",
            "Whether the interface was associated at the last sample (1) or not (0).",
        )
        .sample(&[i], u8::from(connected));
    }
    if let Some(dbm) = m.signal_dbm {
        family(
            &mut out,
            "wifidiag_signal_dbm",
            "gauge",
            "Signal of the access point at the last sample, in dBm.",
        )
        .sample(&[i], dbm);
    }
    for (name, help, value) in [
        (
            "wifidiag_tx_packets_total",
            "Frames sent since the watch started.",
            m.tx_packets,
        ),
        (
            "wifidiag_tx_retries_total",
            "Frame retransmissions since the watch started.",
            m.tx_retries,
        ),
        (
            "wifidiag_tx_failed_total",
            "Frames never acknowledged since the watch started.",
            m.tx_failed,
        ),
        (
            "wifidiag_beacon_loss_total",
            "Beacon losses the driver reported since the watch started.",
            m.beacon_loss,
        ),
    ] {
        family(&mut out, name, "counter", help).sample(&[i], value);
    }
    let mut f = family(
        &mut out,
        "wifidiag_outages_total",
        "counter",
        "Outages since the watch started, by the verdict's cause.",
    );
    for (cause, n) in CAUSES.iter().zip(m.outages) {
        f.sample(&[i, ("cause", cause.label())], n);
    }
    if !m.disconnects.is_empty() {
        let mut f = family(
            &mut out,
            "wifidiag_disconnects_total",
            "counter",
            "Losses of association since the watch started, by 802.11 reason code and by whom (ap, local).",
        );
        for ((reason, by), n) in &m.disconnects {
            f.sample(&[i, ("reason", reason), ("by", by)], n);
        }
    }
    family(
        &mut out,
        "wifidiag_roams_total",
        "counter",
        "Changes of access point since the watch started.",
    )
    .sample(&[i], m.roams);
    if !m.probes.is_empty() {
        let mut f = family(
            &mut out,
            "wifidiag_probe_up",
            "gauge",
            "Whether the last probe of the target answered (1) or not (0).",
        );
        for ((role, target), state) in &m.probes {
            f.sample(&[i, ("role", role), ("target", target)], u8::from(state.up));
        }
    }
    if m.probes.values().any(|p| p.rtt_seconds.is_some()) {
        let mut f = family(
            &mut out,
            "wifidiag_probe_rtt_seconds",
            "gauge",
            "Round trip of the last probe of the target, in seconds (absent when it failed).",
        );
        for ((role, target), state) in &m.probes {
            if let Some(rtt) = state.rtt_seconds {
                f.sample(&[i, ("role", role), ("target", target)], rtt);
            }
        }
    }
    if let Some(start) = m.last_outage_start {
        family(
            &mut out,
            "wifidiag_last_outage_timestamp_seconds",
            "gauge",
            "When the last outage began, in seconds since the Unix epoch.",
        )
        .sample(&[i], seconds(start));
    }
    out
}

/// Why a write of the metrics file failed.
#[derive(Debug, thiserror::Error)]
#[error("{step}: {source}")]
pub struct WriteError {
    step: &'static str,
    #[source]
    source: io::Error,
}

/// The metrics file, replaced whole on every write.
///
/// Opened under the `--log` file's path rules (no symlink anywhere in the
/// path, no directory another user could modify, a regular file or
/// nothing at the name); its directory is kept open, so every write lands
/// in the directory that was checked.
#[derive(Debug)]
pub struct MetricsFile {
    dir: OwnedFd,
    name: CString,
    /// The temporary file's name in `dir`: hidden, and not `*.prom`, so the
    /// textfile collector never reads it.
    temp: CString,
    path: PathBuf,
}

impl MetricsFile {
    /// Checks `path` (see the type's documentation); writes nothing.
    pub fn open(path: &Path) -> Result<MetricsFile, LogError> {
        let (dir, _, name) = log::open_checked_dir(path)?;
        let mut temp = b".".to_vec();
        temp.extend_from_slice(name.as_bytes());
        temp.extend_from_slice(format!(".{}.tmp", std::process::id()).as_bytes());
        let temp = CString::new(temp).expect("a path component has no NUL");
        Ok(MetricsFile {
            dir,
            name,
            temp,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the file's content with `text`: written to a new temporary
    /// file beside it, `fsync`ed, then renamed over it, so a reader sees
    /// the old file or the new one, never a part. On failure the temporary
    /// file is removed and the old file is untouched.
    pub fn write(&self, text: &str) -> Result<(), WriteError> {
        let result = self.try_write(text);
        if result.is_err() {
            self.unlink_temp();
        }
        result
    }

    fn try_write(&self, text: &str) -> Result<(), WriteError> {
        let fail = |step| move |source| WriteError { step, source };
        let mut file = match log::create_new_at(self.dir.as_fd(), &self.temp, FILE_MODE) {
            // Left over by an earlier run with our pid, killed mid-write.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                self.unlink_temp();
                log::create_new_at(self.dir.as_fd(), &self.temp, FILE_MODE)
            }
            other => other,
        }
        .map_err(fail("creating the temporary file"))?;
        file.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))
            .map_err(fail("setting the temporary file's mode"))?;
        file.write_all(text.as_bytes())
            .map_err(fail("writing the temporary file"))?;
        file.sync_all()
            .map_err(fail("syncing the temporary file"))?;
        drop(file);
        let fd = self.dir.as_raw_fd();
        // SAFETY: both names are NUL-terminated and alive for the call;
        // `fd` is the open directory.
        let rc = unsafe { libc::renameat(fd, self.temp.as_ptr(), fd, self.name.as_ptr()) };
        if rc != 0 {
            return Err(fail("renaming it into place")(io::Error::last_os_error()));
        }
        Ok(())
    }

    fn unlink_temp(&self) {
        // SAFETY: a NUL-terminated name relative to the open directory.
        unsafe { libc::unlinkat(self.dir.as_raw_fd(), self.temp.as_ptr(), 0) };
    }
}

/// Where the rendered text goes: the file, or a test's buffer.
pub trait MetricsOut {
    fn replace(&mut self, text: &str) -> Result<(), WriteError>;
    /// For messages.
    fn shown(&self) -> String;
}

impl MetricsOut for MetricsFile {
    fn replace(&mut self, text: &str) -> Result<(), WriteError> {
        self.write(text)
    }

    fn shown(&self) -> String {
        self.path.display().to_string()
    }
}

/// The `--metrics-file` sink: accumulates every record and rewrites the
/// file at the moments the module documentation lists. A failed write
/// never ends the watch: it warns once, counts, and tries again next time.
pub struct MetricsSink<O: MetricsOut> {
    out: O,
    metrics: Metrics,
    version: &'static str,
    failing: bool,
    failed: u64,
}

impl<O: MetricsOut> MetricsSink<O> {
    pub fn new(out: O) -> Self {
        MetricsSink {
            out,
            metrics: Metrics::default(),
            version: env!("CARGO_PKG_VERSION"),
            failing: false,
            failed: 0,
        }
    }

    /// Writes that failed, in all.
    pub fn failed_writes(&self) -> u64 {
        self.failed
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    fn write(&mut self) {
        match self.out.replace(&render(&self.metrics, self.version)) {
            Ok(()) => {
                if self.failing {
                    self.failing = false;
                    eprintln!(
                        "wifidiag: the metrics file {} is written again; {} write(s) failed",
                        self.out.shown(),
                        self.failed
                    );
                }
            }
            Err(e) => {
                self.failed += 1;
                if !self.failing {
                    self.failing = true;
                    eprintln!(
                        "wifidiag: cannot write the metrics file {}: {e}; watching goes on and \
                         the next sample tries again",
                        self.out.shown()
                    );
                }
            }
        }
    }
}

/// Whether a published record rewrites the file.
fn writes_file(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Start { .. } | Kind::Sample { .. } | Kind::Probe { .. } | Kind::Outage { .. }
    )
}

impl<O: MetricsOut> Sink for MetricsSink<O> {
    fn record(&mut self, record: &Record) -> Result<(), SinkError> {
        self.metrics.observe(record);
        if writes_file(&record.kind) {
            self.write();
        }
        Ok(())
    }

    fn wants_unpublished(&self) -> bool {
        true
    }

    fn observe(&mut self, record: &Record) {
        self.metrics.observe(record);
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.write();
        Ok(())
    }
}

/// A `--log` path refusal, worded for `--metrics-file` (the rules and the
/// checks are the log's; only the option's name differs).
pub fn refusal_message(e: &LogError) -> String {
    e.to_string()
        .replace("refusing to log to", "refusing to write metrics to")
        .replace("the log file", "the metrics file")
        .replace("--log", "--metrics-file")
}

#[cfg(test)]
mod tests;
