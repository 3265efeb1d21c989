//! The command-line definition.
//!
//! Kept in the library so that the man page in `man/` can be generated from
//! the very same definition (see `tests/man.rs`) and cannot drift from it.

use crate::exit::EXIT_CODES_HELP;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::time::Duration;

const LONG_ABOUT: &str = "\
wifidiag tells a technician why a Wi-Fi client keeps losing its server. \
It reads the wireless state straight from the kernel (nl80211), and reports \
it as tables for people or as versioned JSON for tickets and scripts.

Start with `wifidiag diagnose --target YOUR-SERVER:PORT`: one run of about 35 \
seconds checks the link, the radio, the network path and the last 24 hours, \
and names the most likely cause. The other commands show each part in depth.

It only observes: it never reconfigures the interface it measures.";

/// Top-level command line.
#[derive(Debug, Parser)]
#[command(
    name = "wifidiag",
    version,
    about = "Tell why a Wi-Fi client keeps losing its server",
    long_about = LONG_ABOUT,
    after_long_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print one JSON document (versioned schema) instead of a table
    #[arg(long, global = true)]
    pub json: bool,

    /// Replace MAC addresses, BSSIDs, SSIDs, the host name and IPv6 interface
    /// identifiers with pseudonyms, in tables, JSON and logs (for support tickets)
    #[arg(
        long,
        global = true,
        long_help = "Replace what identifies the site, the machine or its users with keyed \
                     pseudonyms, in the tables, in JSON output and in --log lines alike: \
                     MAC addresses and BSSIDs become locally administered MACs with 46 keyed \
                     bits (the vendor prefix is not kept), SSIDs ssid-xxxxxxxxxxxx, the host \
                     name host-xxxxxxxxxxxx, a wlx<MAC> interface name wlx<pseudonym>, and \
                     every IPv6 address keeps its /64 prefix but gets a keyed interface \
                     identifier (the low 64 bits can contain the MAC or single out the \
                     machine; ::1 and IPv4-mapped addresses are kept). MACs and IPv6 \
                     addresses inside summaries and notes get the same pseudonyms as in \
                     their fields. IPv4 addresses and target names are kept: a reachability \
                     ticket is about them. The key is random per run, so one report is \
                     consistent in itself but two runs cannot be joined; see --redact-key."
    )]
    pub redact: bool,

    /// Like --redact, with the key kept in FILE so that pseudonyms are the
    /// same in every run (created, mode 0600, when missing)
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        long_help = "Like --redact (implies it), with a stable key: the same access point, \
                     network or address gets the same pseudonym in every run that uses FILE, \
                     so logs written by cron on different days can be correlated. When FILE \
                     does not exist it is created with 32 random bytes, mode 0600. An \
                     existing FILE is refused (exit status 2) when it is a symbolic link, not \
                     a regular file, owned by another user, readable or writable by group or \
                     others, or not 32 bytes long; exit status 5 when it cannot be read for lack of permission. \
                     Whoever holds the key can test guesses (\"is ssid-… the SSID clinic?\"): \
                     keep it on the machine, never attach it to a ticket."
    )]
    pub redact_key: Option<std::path::PathBuf>,

    /// When to use colour and table styling
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        long_help = "When to use colour and table styling. 'auto' styles output only when \
                     standard output is a terminal and the NO_COLOR environment variable \
                     is unset or empty."
    )]
    pub color: ColorChoice,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start here: check the link, the radio, the network and the past; one verdict
    #[command(long_about = DIAGNOSE_LONG_ABOUT)]
    Diagnose(DiagnoseArgs),

    /// List the wireless interfaces the kernel knows
    #[command(
        long_about = "List the wireless interfaces the kernel knows, from an nl80211 \
                      interface dump (as `iw dev` shows): name, interface index, phy, \
                      type, MAC address, and the SSID, frequency and channel when the \
                      interface is connected or serving a network.\n\n\
                      Exits with status 4 when nl80211 exists but lists no interface, \
                      and 3 when the kernel has no wireless stack at all."
    )]
    Interfaces(InterfacesArgs),

    /// Show how each wireless interface is connected right now
    #[command(
        long_about = "Show how each wireless interface (or the one named) is connected \
                      right now: the access point (SSID, BSSID), channel and width, signal \
                      and noise, negotiated bitrates, retries, failures and beacon loss, \
                      the regulatory domain, the IP addresses, default gateway and DNS \
                      resolvers, and health notes with the thresholds they were judged by.\n\n\
                      Reads only; needs no privilege."
    )]
    Status(StatusArgs),

    /// List the networks around: a fresh scan, decoded completely
    #[command(
        long_about = "List the networks (BSSes) around, from a fresh scan: BSSID, SSID, \
                      channel, real operating width and centre frequency (from the HT/VHT/HE/EHT \
                      operation elements), signal, security, PHY generation, advertised load \
                      (BSS Load), country, and which BSSes are virtual networks of one physical \
                      radio; then a per-channel summary.\n\n\
                      Triggering a scan needs CAP_NET_ADMIN (root). Without it, or with \
                      --cached, the kernel's cached results are shown instead and the output \
                      says so; the kernel forgets entries it has not refreshed for 30 s, so \
                      each entry's age is shown."
    )]
    Scan(ScanArgs),

    /// Rate every channel's congestion and recommend the best one per band
    #[command(
        long_about = "Rate every channel the radio's regulatory domain allows by how \
                      congested it is, and recommend the best channel per band for the \
                      requested width, with the reasons, the current channel of your own \
                      network, and how sure the recommendation is.\n\n\
                      The evidence: the neighbour radios from scans (their real spectrum, \
                      signal strength, advertised BSS Load, and how often they were seen \
                      over --samples surveys), and the driver's survey busy time when it \
                      reports one. Each survey hears the whole neighbourhood, hidden networks \
                      included (they answer no probe, only their beacons tell of them): it \
                      listens (passive scans, nothing transmitted) and repeats the scan until \
                      one hears no new access point, within --timeout; the page and the JSON \
                      say how many rounds it took and whether the set was stable. Your own access points (the connected SSID, or --ssid) \
                      contend with each other like neighbours; a plan gives each of them a \
                      channel, moving as few as possible. Lower score = less \
                      congested; the model is documented in docs/channel-scoring.md.\n\n\
                      The page shows the plan (or recommendation), then for each band your \
                      network uses its current channel and the best alternatives; --all adds \
                      the full per-channel table of every band, --json has everything.\n\n\
                      Triggering scans needs CAP_NET_ADMIN (root); without it the kernel's \
                      cached results are used and the confidence drops.\n\n\
                      --from-log FILE... scores from the scans that watch --scan-every \
                      recorded in its logs instead, on any machine: no scan, no netlink, no \
                      interface needed. Each neighbour then weighs by the share of the logged \
                      scans it was heard in, and the page says when (local hours) a neighbour \
                      heard only part of the time is there. Exit status 8 when the logs hold \
                      no scan record."
    )]
    Channels(ChannelsArgs),

    /// Watch Wi-Fi events and reachability; give every outage a verdict
    #[command(long_about = WATCH_LONG_ABOUT)]
    Watch(WatchArgs),

    /// Summarise a `watch --log` file: runs, outages by cause, disconnects, patterns
    #[command(
        long_about = "Summarise a log written by `wifidiag watch --log`: how many runs \
                      and over which period, every outage with its cause and summary, outages \
                      per cause, disconnects by reason, roams, roaming patterns and interface \
                      removals.\n\n\
                      The files are read as a stream (memory does not grow with their size). \
                      Lines it cannot use are skipped and counted, never fatal: lines that are \
                      not JSON objects (torn by a crash or power loss, edited by hand), \
                      wifidiag.event/1 lines with a field of the wrong type, lines of another \
                      schema and kinds this version does not know; the counts and the first \
                      such line are reported on standard error and in the JSON. Unknown fields \
                      of a known kind are ignored. Everything the log says is escaped before it \
                      reaches a terminal.\n\n\
                      Refused: a FILE that is not a regular file (a FIFO would block, a device \
                      such as /dev/zero never ends), with exit status 2 before anything is read; \
                      a FILE this user may not read exits 5. Files that hold no wifidiag event \
                      at all exit 8."
    )]
    Report(ReportArgs),

    /// What happened before anyone was watching: outages rebuilt from the logs
    #[command(long_about = HISTORY_LONG_ABOUT)]
    History(HistoryArgs),
}

// ---------------------------------------------------------------------------
// Duration flags
// ---------------------------------------------------------------------------

/// The range a duration flag accepts, checked while the command line is
/// parsed (so a bad value is a usage error, exit status 2, and the code that
/// uses the value never sees one that could overflow its arithmetic).
///
/// Every duration flag of every command goes through [`DurationRange::parser`];
/// the bounds are written down next to each flag with the reason for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationRange {
    pub min: Duration,
    pub max: Duration,
}

impl DurationRange {
    /// `min..=max`.
    pub const fn new(min: Duration, max: Duration) -> Self {
        DurationRange { min, max }
    }

    /// Parses a human duration (`500ms`, `30s`, `5m`, `2h 30m`, `1d`) and
    /// checks it against the range. The error is one line that names the
    /// range; clap prefixes it with the flag and the value.
    pub fn parse(&self, text: &str) -> Result<Duration, String> {
        let range = format!("{}..{}", short(self.min), short(self.max));
        let value = humantime::parse_duration(text).map_err(|e| {
            format!("not a duration ({e}); expected one in {range}, e.g. 500ms, 30s, 5m, 2h")
        })?;
        if value < self.min || value > self.max {
            return Err(format!("out of range: expected a duration in {range}"));
        }
        Ok(value)
    }

    /// The range as a clap value parser.
    pub fn parser(
        self,
    ) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
        move |text: &str| self.parse(text)
    }
}

/// A duration in the largest unit that divides it, in a form the parser
/// reads back (`0s`, `100ms`, `30s`, `5m`, `1h`, `366d`).
fn short(d: Duration) -> String {
    const UNITS: [(u64, &str); 4] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
    ];
    let ms = d.as_millis();
    if ms == 0 {
        return "0s".into();
    }
    for (unit, name) in UNITS {
        if ms % u128::from(unit) == 0 {
            return format!("{}{name}", ms / u128::from(unit));
        }
    }
    format!("{ms}ms")
}

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}
const fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}
const fn mins(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}
const fn hours(n: u64) -> Duration {
    Duration::from_secs(n * 3600)
}
const fn days(n: u64) -> Duration {
    Duration::from_secs(n * 86_400)
}

/// `watch --interval`.
pub const WATCH_INTERVAL: DurationRange = DurationRange::new(ms(100), hours(1));
/// `watch --for`.
pub const WATCH_FOR: DurationRange = DurationRange::new(secs(1), days(366));
/// `watch --lock-wait`.
pub const WATCH_LOCK_WAIT: DurationRange = DurationRange::new(secs(0), days(1));
/// `watch --scan-every`.
pub const WATCH_SCAN_EVERY: DurationRange = DurationRange::new(secs(10), days(1));
/// `watch --sample-every`.
pub const WATCH_SAMPLE_EVERY: DurationRange = DurationRange::new(secs(0), days(1));
/// `watch --ping-pong-window`, `--disconnect-window`, `--sticky-for`: the
/// roaming patterns are found in the events watch keeps in memory, the last
/// 30 minutes; a longer window could never fill.
pub const WATCH_PATTERN_WINDOW: DurationRange = DurationRange::new(secs(1), mins(30));
/// `watch --slow-roam`.
pub const WATCH_SLOW_ROAM: DurationRange = DurationRange::new(ms(100), mins(10));
/// `channels --interval`.
pub const CHANNELS_INTERVAL: DurationRange = DurationRange::new(secs(0), hours(1));
/// `diagnose --for`: long enough for a few probes, short enough to stay
/// one command a technician waits for.
pub const DIAGNOSE_FOR: DurationRange = DurationRange::new(secs(3), mins(10));
/// `scan --timeout` and `channels --timeout`.
pub const SCAN_TIMEOUT: DurationRange = DurationRange::new(secs(1), mins(10));

const DIAGNOSE_LONG_ABOUT: &str = "\
The technician's first command: in about 45 seconds it checks the Wi-Fi link, \
the radio neighbourhood, the network path to the gateway, DNS and your \
servers, and what the system's logs say about the last 24 hours, then prints \
one verdict: a headline naming the most likely cause (wifi, wifi_degraded, \
lan, dns or server, as `watch` names them) with its confidence, and every \
check with its result (ok, warn, fail, or not run and why), its evidence in \
numbers, the threshold it was judged by and the next step.

Checks: the link (association, signal, signal-to-noise, retries and lost \
frames, beacon loss, transmit rate, security, power save, read only); the \
radio (a fresh scan of every channel; the channel's congestion against the \
best one, 2.4 GHz overlap, a stronger access point of the same network, the \
network on 5 GHz, a radar (DFS) channel, the regulatory domain against the \
access point's country); the network (address, default route, DNS servers, \
the gateway's ping loss and latency, and for each --target its name \
resolution, its TCP connects, and a firewall dropping its port while the host \
answers ping); the past (disconnects and outages in the journal, syslog or \
the kernel's ring buffer over --since, and the outages of --log files).

The probes run for --for (30 s) while the scan runs: one ICMP echo to the \
gateway a second, and per target one TCP connect and one ICMP echo a second, \
with a name lookup every 5 seconds. Scanning needs CAP_NET_ADMIN (root); \
without it the kernel's cached scan is used and the page says so. ICMP needs \
CAP_NET_RAW or net.ipv4.ping_group_range; without it the gateway check does \
not run (it is never counted as a failure). Reading the whole journal needs \
root or the systemd-journal group.

Exit status 0 when no check failed (warnings allowed), 9 when at least one \
did.";

/// Arguments of `wifidiag diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The wireless interface (default: the connected station interface, else the first)
    pub iface: Option<String>,

    /// A server to check, HOST or HOST:PORT (repeat for several; at most 8)
    ///
    /// With a port, TCP connects to it and ICMP echoes to the host tell a
    /// stopped service (refused), a firewall dropping the port (no answer
    /// while the host pings) and a dead host apart. Without a port, ICMP only.
    #[arg(long = "target", value_name = "HOST[:PORT]")]
    pub targets: Vec<String>,

    /// How long to probe (3s..10m)
    ///
    /// At least 3 s: fewer probes say nothing about loss. At most 10 minutes:
    /// longer is a watch (`wifidiag watch --for`), not a diagnosis.
    #[arg(long = "for", value_name = "DURATION", default_value = "30s", value_parser = DIAGNOSE_FOR.parser())]
    pub duration: Duration,

    /// Use the kernel's cached scan instead of scanning (quicker, and the
    /// radio never leaves its channel)
    #[arg(long)]
    pub cached: bool,

    /// How far back to read the system's logs (same forms as history --since)
    #[arg(long, value_name = "WHEN", default_value = "24h")]
    pub since: String,

    /// Add the outages of these `watch --log` files to the past
    #[arg(long = "log", value_name = "FILE")]
    pub logs: Vec<std::path::PathBuf>,

    /// The captive-portal check's URL (plain http://), or `none` to skip it
    ///
    /// One GET of a URL whose answer is known, as NetworkManager's
    /// connectivity check makes (give it the same `uri` as the laptops'
    /// NetworkManager, if they have one): a redirect, a 511 or another page
    /// instead means a captive portal. A network with no way to the
    /// internet leaves the check not run.
    #[arg(long, value_name = "URL|none", default_value = crate::diagnose::http::DEFAULT_URL)]
    pub portal_url: String,

    /// The body the portal check's URL answers with (its start); empty
    /// means the URL answers 204 No Content (NetworkManager's `response`)
    ///
    /// Defaults to "NetworkManager is online" for the default URL and to
    /// empty for any other.
    #[arg(long, value_name = "TEXT")]
    pub portal_response: Option<String>,
}

/// `watch --site`: a short printable label.
fn parse_site(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 64 {
        return Err("a site label is 1 to 64 characters".into());
    }
    if s.chars().any(|c| c.is_control()) {
        return Err("a site label has no control characters".into());
    }
    Ok(s.to_string())
}

/// Arguments of `wifidiag report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The log files written by `watch --log`, or directories of them (one
    /// summary over all of them)
    ///
    /// A directory stands for the files directly in it, by name (hidden
    /// files, FILE.lock and compressed rotations left out), so the logs of
    /// many laptops collected in one place are read in one go: the summary
    /// then has a table per machine, site and interface, and the JSON
    /// `groups[]` per day.
    #[arg(required = true, value_name = "FILE|DIR")]
    pub files: Vec<std::path::PathBuf>,

    /// Also write the report as one self-contained HTML page to this file:
    /// the outages by cause, a timeline chart (signal, probes, outages
    /// shaded by cause, disconnects and roams) and the tables; no script,
    /// no network, printable. A `wifidiag.diagnose/1` document (`diagnose
    /// --json`) given among the FILEs becomes a section of the page (its
    /// headline and checks), a `wifidiag.channels/1` one (`channels --json`)
    /// a bar chart of the score per channel with the current and the
    /// recommended channel; without one, the logs' own `scan` records
    /// (`watch --scan-every`) make that chart, scored as `channels
    /// --from-log` scores them. With --redact the whole page is redacted
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<std::path::PathBuf>,

    /// Also write everything for a ticket in one archive (.tar.gz): the
    /// page, the JSON and text reports, the documents given, the log
    /// records around each outage, and a README for the reader. With
    /// --redact every file in it is redacted
    #[arg(long, value_name = "OUT.tar.gz")]
    pub bundle: Option<std::path::PathBuf>,
}

const HISTORY_LONG_ABOUT: &str = "\
Rebuild what happened to the Wi-Fi from what the kernel, wpa_supplicant, \
NetworkManager and iwd logged: every disconnect with its reason code and who \
initiated it, beacon loss, roams and their gaps, rejected authentications and \
associations, wrong passphrases, DHCP failures, NetworkManager's connectivity \
changes and driver or firmware errors. The same event told by several programs \
is counted once. Outages get a verdict where the logs allow it (wifi, lan) and \
`unknown` with what is missing where they do not; roaming patterns, counts per \
day and per access point follow.

Reads the systemd journal through journalctl (with --journal-dir, a journal \
copied from another machine), else /var/log/syslog (or messages, kern.log), \
else the kernel's ring buffer. The probes of `wifidiag watch --log` files given \
with --log add the gateway, DNS and server verdicts the system logs cannot give.

Reading the whole journal needs root or membership of the systemd-journal (or \
adm) group; without it history says so and exits 5.";

/// Where `history` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistorySource {
    /// The journal if this machine keeps one (or --journal-dir), else syslog, else the kernel ring buffer
    Auto,
    Journal,
    Syslog,
    /// The kernel's ring buffer (/dev/kmsg): kernel lines only, since boot
    Kmsg,
}

/// Arguments of `wifidiag history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only this wireless interface (default: all)
    pub iface: Option<String>,

    /// Start of the period: a duration before now (24h, 3d; at most 100y), a local time
    /// ("2026-12-03 10:40", 10:40 for today, 2026-12-03) or RFC 3339
    #[arg(long, value_name = "WHEN", default_value = "24h")]
    pub since: String,

    /// End of the period (same forms as --since)
    #[arg(long, value_name = "WHEN", default_value = "now")]
    pub until: String,

    /// Add the outages of these `watch --log` files (their probes tell the gateway, DNS and server apart)
    #[arg(long = "log", value_name = "FILE")]
    pub logs: Vec<std::path::PathBuf>,

    /// Where to read
    #[arg(long, value_enum, default_value_t = HistorySource::Auto)]
    pub source: HistorySource,

    /// Read the journal files in this directory (journalctl --directory), e.g. one copied from the laptop
    #[arg(long, value_name = "DIR")]
    pub journal_dir: Option<std::path::PathBuf>,

    /// The directory of the syslog files for --source syslog
    #[arg(long, value_name = "DIR", default_value = "/var/log")]
    pub syslog_dir: std::path::PathBuf,
}

const WATCH_LONG_ABOUT: &str = "\
Watch the Wi-Fi link and the reachability of the gateway, DNS and your servers \
on one timeline, and give every outage a verdict with its evidence.

Events (from the kernel, as they happen): connect, disconnect, deauth and \
disassoc with their reason and who sent them, roams (from, to, gap), the \
connection manager's CQM signal and loss events, link up/down, addresses, \
default route, interface removed/added. Every --interval: a link sample \
(signal, bitrate, retries, failures, beacon loss) and probes: the default \
gateway (ICMP echo), DNS for each target name, and each target (TCP connect \
when a port is given, ICMP otherwise); one packet per target per interval.

An outage opens after --fail-after consecutive failed probes of a target and \
closes with the next success. Its cause is one of: wifi (association lost, \
roam gap, deauth/disassoc overlapping it), wifi_degraded (still associated \
but the gateway failed too, with weak signal, many retries or beacon loss), \
lan (associated with a healthy link but the gateway did not answer), dns (the \
name did not resolve while the gateway answered), server (gateway fine, \
target not), unknown. Roaming patterns are reported too: ping_pong, \
repeated_disconnects, sticky_client, slow_roam.

It only observes: it never changes the interface's settings (CQM thresholds, \
power save, regulatory) and triggers no scan unless --scan-every is given.

--log FILE appends one JSON object per line (schema wifidiag.event/1) with a \
single write on an O_APPEND descriptor; the file is created 0640 and never \
truncated. Refused, because each could redirect root's writes or let another \
user swap the file: a symbolic link anywhere in the path (the file or any \
directory on the way), a directory on the way owned by someone other than root \
or the running user, or writable by its group or by everyone without the \
sticky bit, and anything but a regular file (exit status 5 for a directory \
others can modify). A second watch on the same log (cron overlap) waits for the \
first to finish, up to --lock-wait, then takes over; it exits with status 7, \
naming the holder's pid, if the wait runs out. The writers' lock is FILE.lock \
beside the log (created 0600), so readers of FILE never hold up a writer. A \
full disk does not end the watch: the lines that cannot be written are \
counted, reported once on stderr, and logging resumes when space returns. A \
log renamed by logrotate is noticed before the next line and reopened (see \
examples/logrotate). Exit status 6 means at least one outage was observed.";

/// Arguments of `wifidiag watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The wireless interface (default: the connected station interface)
    pub iface: Option<String>,

    /// A label for the site this laptop is at, written in the log's start
    /// record (e.g. a clinic's name): `report` over many laptops' logs
    /// groups by it (1 to 64 printable characters; redacted by --redact)
    #[arg(long, value_name = "LABEL", value_parser = parse_site)]
    pub site: Option<String>,

    /// A server to probe: HOST or HOST:PORT (TCP) — repeatable
    ///
    /// At most 32 targets in all, counting --targets-file (one packet per
    /// target per interval keeps the probe traffic small). A probe goes to
    /// one host: broadcast, multicast and unspecified addresses
    /// (255.255.255.255, 224.0.0.0/4, ff00::/8, 0.0.0.0/8, ::, and their
    /// ::ffff: forms) are refused, and are never probed when a name resolves
    /// to them.
    #[arg(long = "target", value_name = "HOST[:PORT]")]
    pub targets: Vec<String>,

    /// Read more targets from a file: one `HOST[:PORT]` per line, # comments
    ///
    /// A regular file of at most 64 KiB (a FIFO, a device or a directory is
    /// refused); its targets count towards the limit of 32.
    #[arg(long, value_name = "FILE")]
    pub targets_file: Option<std::path::PathBuf>,

    /// Time between samples and probe rounds (100ms..1h)
    ///
    /// At least 100ms: a probe round is split among the probes and none waits
    /// less than 100ms for its answer, so a shorter interval would only flood
    /// the network with overlapping rounds. At most 1h: an outage is timed to
    /// the interval, and an hour between probes times nothing.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = WATCH_INTERVAL.parser())]
    pub interval: Duration,

    /// Stop after this long (1s..366d; default: until Ctrl-C or SIGTERM)
    ///
    /// Up to a year (366d): a longer watch belongs in a timer or cron job that
    /// starts a fresh one (see examples/).
    #[arg(long = "for", value_name = "DURATION", value_parser = WATCH_FOR.parser())]
    pub duration: Option<Duration>,

    /// Append every event as JSON Lines to FILE (cron-safe; no symlinks or
    /// directories others can modify in its path; locks FILE.lock)
    #[arg(long, value_name = "FILE")]
    pub log: Option<std::path::PathBuf>,

    /// Keep FILE up to date in the Prometheus text format, for
    /// node_exporter's textfile collector (replaced atomically; same path
    /// rules as --log)
    ///
    /// Rewritten at start, with every written sample (--sample-every), every
    /// probe state change and outage, and at the end, through a temporary
    /// file and a rename in the same directory, so a reader never sees half
    /// of it. Mode 0644 whatever the umask (node_exporter runs as its own
    /// user). A failed write warns once and is retried; it never ends the
    /// watch. README: "Metrics for Prometheus" lists the metrics.
    #[arg(long, value_name = "FILE")]
    pub metrics_file: Option<std::path::PathBuf>,

    /// How long to wait for another watch that holds the --log file (0s..1d)
    ///
    /// 0s gives up at once. At most a day: a watch that has held the log for
    /// a day is stuck, and waiting longer would only pile up cron runs.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = WATCH_LOCK_WAIT.parser())]
    pub lock_wait: Duration,

    /// Print only outages, roaming patterns and the summary
    #[arg(long, short)]
    pub quiet: bool,

    /// Consecutive failed probes that open an outage
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub fail_after: u32,

    /// Opt-in: trigger a scan this often (costs off-channel time; 10s..1d)
    ///
    /// At least 10s: every scan takes the radio off its channel for a moment,
    /// which disturbs the very link being measured, and watch reads the scan
    /// results every 10s anyway. At most a day: rarer scans say nothing about
    /// the neighbours during an outage. The first scan is at start; each
    /// scan is written once as a `scan` record (what was heard), which
    /// `channels --from-log` scores channels from.
    #[arg(long, value_name = "DURATION", value_parser = WATCH_SCAN_EVERY.parser())]
    pub scan_every: Option<Duration>,

    /// How often a link sample is written out (all are used for verdicts; 0s..1d)
    ///
    /// 0s writes every sample (one per --interval). At most a day: a sample a
    /// day is no record of the link.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = WATCH_SAMPLE_EVERY.parser())]
    pub sample_every: Duration,

    /// Ping-pong: A→B→A within this window (1s..30m)
    ///
    /// Roaming patterns are found in the events watch keeps in memory, the
    /// last 30 minutes, so a longer window could never fill; under a second
    /// no roam completes.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = WATCH_PATTERN_WINDOW.parser())]
    pub ping_pong_window: Duration,

    /// Repeated disconnects: this many…
    #[arg(long, default_value_t = 3)]
    pub disconnects: usize,

    /// …within this window (1s..30m)
    ///
    /// Watch keeps the last 30 minutes of events in memory: a longer window
    /// could never fill.
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = WATCH_PATTERN_WINDOW.parser())]
    pub disconnect_window: Duration,

    /// Sticky client: signal below this (dBm)…
    #[arg(long, default_value_t = -75, allow_hyphen_values = true)]
    pub sticky_signal: i32,

    /// …for longer than this… (1s..30m)
    ///
    /// Watch keeps the last 30 minutes of events in memory: a longer span
    /// could never be seen whole.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = WATCH_PATTERN_WINDOW.parser())]
    pub sticky_for: Duration,

    /// …while a same-SSID AP this many dB stronger was in the last scan
    #[arg(long, default_value_t = 8)]
    pub sticky_margin: i32,

    /// Slow roam: more than this without an access point (100ms..10m)
    ///
    /// A good roam takes tens of milliseconds, so under 100ms every roam
    /// would be slow; ten minutes without an access point is a disconnect,
    /// not a roam.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = WATCH_SLOW_ROAM.parser())]
    pub slow_roam: Duration,
}

/// `--width` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WidthArg {
    #[value(name = "20")]
    W20,
    #[value(name = "40")]
    W40,
    #[value(name = "80")]
    W80,
    #[value(name = "160")]
    W160,
}

impl WidthArg {
    pub fn mhz(self) -> u32 {
        match self {
            WidthArg::W20 => 20,
            WidthArg::W40 => 40,
            WidthArg::W80 => 80,
            WidthArg::W160 => 160,
        }
    }
}

/// Arguments of `wifidiag channels`.
#[derive(Debug, Args)]
pub struct ChannelsArgs {
    /// The wireless interface (default: the connected station interface, else the first)
    pub iface: Option<String>,

    /// Number of surveys to combine (neighbours that come and go count by how often they were heard)
    ///
    /// Each survey is complete on its own: passive scans repeated until one
    /// hears no new access point (see --timeout). A neighbour heard in 2 of 4
    /// surveys counts half.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub samples: u32,

    /// Listen only: send no probe requests (the default now; kept for scripts)
    ///
    /// Every survey listens (passive scans), so that hidden networks, which
    /// answer no probe request, are heard by their beacons; this flag changes
    /// nothing.
    #[arg(long)]
    pub passive: bool,

    /// Pause between surveys (0s..1h)
    ///
    /// 0s surveys back to back. At most an hour: samples further apart describe
    /// different situations, not one channel's congestion.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = CHANNELS_INTERVAL.parser())]
    pub interval: Duration,

    /// Your own network's SSID (default: the SSID the interface is connected to)
    #[arg(long)]
    pub ssid: Option<String>,

    /// Channel width to recommend for
    #[arg(long, value_enum, default_value_t = WidthArg::W20)]
    pub width: WidthArg,

    /// Also print the full per-channel table of every band
    ///
    /// By default the page shows only the bands your network uses: the plan
    /// (or recommendation), your current channels and the best alternatives.
    #[arg(long)]
    pub all: bool,

    /// Score from the scans recorded in watch logs instead of scanning
    ///
    /// Reads the `scan` records that `watch --scan-every --log FILE` wrote,
    /// streaming (a month of logs is fine): no scan is triggered and no
    /// netlink socket opened, so it runs on any machine. The channels the
    /// radio may use are not in the logs: 2.4 GHz 1-11 (12-13 when heard),
    /// 5 GHz 36-64, 100-144 (DFS from 52) and 149-165 when 5 GHz was heard,
    /// 6 GHz when heard are assumed. Presence by hour is in the local time
    /// of this machine (set TZ for the site's zone).
    #[arg(
        long = "from-log",
        value_name = "FILE",
        num_args = 1..,
        conflicts_with_all = ["iface", "samples", "passive", "interval", "timeout"]
    )]
    pub from_log: Vec<std::path::PathBuf>,

    /// Time allowed for each survey (1s..10m)
    ///
    /// A survey scans every channel, then again, until a scan hears no new
    /// access point; another scan starts only when it is expected to end
    /// within this time (the longest scan so far is the estimate), and a scan
    /// not complete by then ends the survey. A full passive scan takes about
    /// 13s in the lab's emulator while associated, so the default allows the
    /// two a stable survey needs there.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = SCAN_TIMEOUT.parser())]
    pub timeout: Duration,
}

/// `--band` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BandArg {
    #[value(name = "2.4")]
    Ghz2_4,
    #[value(name = "5")]
    Ghz5,
    #[value(name = "6")]
    Ghz6,
}

impl From<BandArg> for crate::freq::Band {
    fn from(b: BandArg) -> Self {
        match b {
            BandArg::Ghz2_4 => crate::freq::Band::Ghz2_4,
            BandArg::Ghz5 => crate::freq::Band::Ghz5,
            BandArg::Ghz6 => crate::freq::Band::Ghz6,
        }
    }
}

/// Arguments of `wifidiag scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The wireless interface (default: the connected station interface, else the first)
    pub iface: Option<String>,

    /// Show the kernel's cached results; never trigger a scan
    #[arg(long)]
    pub cached: bool,

    /// Listen only: send no probe requests (finds hidden networks reliably)
    ///
    /// Each channel is listened to for about a beacon interval instead of
    /// probed: the scan takes longer (and keeps the radio off its own channel
    /// longer), but transmits nothing and hears every beaconing network,
    /// including hidden ones an active scan can miss.
    #[arg(long, conflicts_with = "cached")]
    pub passive: bool,

    /// Only this band
    #[arg(long, value_enum)]
    pub band: Option<BandArg>,

    /// Scan only these frequencies, in MHz (comma-separated or repeated)
    ///
    /// Like `iw scan freq`: the channels of your own network, say, for a
    /// quick look. The results shown are narrowed to them too. Each must be a
    /// channel the radio has and may use here.
    #[arg(long = "freq", value_name = "MHZ", value_delimiter = ',', conflicts_with = "cached",
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub freqs: Vec<u32>,

    /// Only networks with this SSID (exact match)
    #[arg(long)]
    pub ssid: Option<String>,

    /// How long to wait for the scan to complete (1s..10m)
    ///
    /// A scan of every channel takes seconds (about 8s in an emulator); a
    /// driver that has not finished after 10 minutes never will.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = SCAN_TIMEOUT.parser())]
    pub timeout: Duration,
}

/// Arguments of `wifidiag status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The wireless interface (default: all)
    pub iface: Option<String>,
}

/// Arguments of `wifidiag interfaces`.
#[derive(Debug, Args)]
pub struct InterfacesArgs {}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn json_is_accepted_before_and_after_the_command() {
        let after = Cli::try_parse_from(["wifidiag", "interfaces", "--json"]).unwrap();
        let before = Cli::try_parse_from(["wifidiag", "--json", "interfaces"]).unwrap();
        assert!(after.global.json && before.global.json);
    }

    #[test]
    fn redact_key_is_global_and_takes_a_file() {
        let cli =
            Cli::try_parse_from(["wifidiag", "status", "--redact-key", "/var/lib/k"]).unwrap();
        assert_eq!(
            cli.global.redact_key.as_deref(),
            Some(std::path::Path::new("/var/lib/k"))
        );
        assert!(!cli.global.redact, "implied by main, not by clap");
        assert!(Cli::try_parse_from(["wifidiag", "--redact-key", "status"]).is_err());
    }

    #[test]
    fn a_command_is_required() {
        assert!(Cli::try_parse_from(["wifidiag"]).is_err());
    }

    /// `(command, --flag)` of every argument whose value is a `Duration`,
    /// found by asking clap, so a new duration flag cannot slip past the
    /// checks below.
    fn duration_flags() -> Vec<(String, String)> {
        let cli = Cli::command();
        let mut found = Vec::new();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                if arg.get_value_parser().type_id() == std::any::TypeId::of::<Duration>() {
                    let long = arg.get_long().expect("duration flags are long options");
                    found.push((sub.get_name().to_string(), format!("--{long}")));
                }
            }
        }
        found
    }

    /// Parses `wifidiag SUB [FILE] FLAG VALUE`.
    fn parse_flag(sub: &str, flag: &str, value: &str) -> Result<Cli, clap::Error> {
        let mut argv = vec!["wifidiag", sub];
        if sub == "report" {
            argv.push("events.jsonl");
        }
        argv.extend([flag, value]);
        Cli::try_parse_from(argv)
    }

    #[test]
    fn every_duration_flag_is_found() {
        let mut names: Vec<String> = duration_flags()
            .into_iter()
            .map(|(sub, flag)| format!("{sub} {flag}"))
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "channels --interval",
                "channels --timeout",
                "diagnose --for",
                "scan --timeout",
                "watch --disconnect-window",
                "watch --for",
                "watch --interval",
                "watch --lock-wait",
                "watch --ping-pong-window",
                "watch --sample-every",
                "watch --scan-every",
                "watch --slow-roam",
                "watch --sticky-for",
            ]
        );
    }

    #[test]
    fn every_duration_flag_refuses_an_overflowing_value_and_names_its_range() {
        for (sub, flag) in duration_flags() {
            for huge in [
                "300000000000y",
                "18446744073709551615s",
                "99999999999999999999999d",
            ] {
                let err = parse_flag(&sub, &flag, huge)
                    .err()
                    .unwrap_or_else(|| panic!("{sub} {flag} {huge} was accepted"));
                assert_eq!(
                    err.kind(),
                    clap::error::ErrorKind::ValueValidation,
                    "{sub} {flag}"
                );
                let text = err.to_string();
                let first = text.lines().next().unwrap_or_default();
                assert!(first.contains(&flag), "{first}");
                // The range is in the message and in the flag's help.
                let range = first
                    .split_whitespace()
                    .find(|w| w.contains(".."))
                    .unwrap_or_else(|| panic!("{sub} {flag}: no range in {first:?}"))
                    .trim_end_matches([',', ';']);
                let sc = Cli::command();
                let sc = sc.find_subcommand(&sub).unwrap();
                let arg = sc
                    .get_arguments()
                    .find(|a| a.get_long() == Some(&flag[2..]))
                    .unwrap();
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                assert!(
                    help.contains(&format!("{range})")) || help.contains(&format!("{range};")),
                    "{sub} {flag}: help {help:?} does not state the range {range}"
                );
                assert!(
                    arg.get_long_help().is_some(),
                    "{sub} {flag}: the long help explains why the range is what it is"
                );
            }
        }
    }

    #[test]
    fn every_duration_flag_accepts_its_bounds_and_refuses_just_outside() {
        for (sub, flag) in duration_flags() {
            let err = parse_flag(&sub, &flag, "300000000000y")
                .err()
                .unwrap()
                .to_string();
            let range = err
                .split_whitespace()
                .find(|w| w.contains(".."))
                .unwrap()
                .trim_end_matches([',', ';'])
                .to_string();
            let (lo, hi) = range.split_once("..").unwrap();
            for ok in [lo, hi] {
                assert!(
                    parse_flag(&sub, &flag, ok).is_ok(),
                    "{sub} {flag} {ok} refused"
                );
            }
            let lo = humantime::parse_duration(lo).unwrap();
            let hi = humantime::parse_duration(hi).unwrap();
            let above = format!("{}ms", hi.as_millis() + 1);
            assert!(
                parse_flag(&sub, &flag, &above).is_err(),
                "{sub} {flag} {above}"
            );
            if !lo.is_zero() {
                let below = format!("{}ms", lo.as_millis() - 1);
                assert!(
                    parse_flag(&sub, &flag, &below).is_err(),
                    "{sub} {flag} {below}"
                );
            }
        }
    }

    #[test]
    fn range_boundaries() {
        let r = DurationRange::new(Duration::from_millis(100), Duration::from_secs(3600));
        assert_eq!(r.parse("100ms"), Ok(Duration::from_millis(100)));
        assert_eq!(r.parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(r.parse("59m 60s"), Ok(Duration::from_secs(3600)));
        assert_eq!(r.parse("1.5s"), Ok(Duration::from_millis(1500)));
        for bad in ["99ms", "0s", "3600001ms", "1h 1ms", "2h"] {
            let err = r.parse(bad).unwrap_err();
            assert_eq!(
                err, "out of range: expected a duration in 100ms..1h",
                "{bad}"
            );
        }
    }

    #[test]
    fn overflowing_and_garbage_values_are_errors_not_panics() {
        let r = WATCH_INTERVAL;
        for bad in [
            "300000000000y",
            "584942417356y",
            "18446744073709551615s",
            "18446744073709551616s",
            "99999999999999999999999999999999999d",
            "",
            " ",
            "1",
            "s",
            "abc",
            "-1s",
            "1 fortnight",
            "1s;rm",
            "\u{1b}[2J",
        ] {
            let err = r.parse(bad).unwrap_err();
            assert!(err.contains("100ms..1h"), "{bad:?}: {err}");
            assert!(!err.contains('\n'), "one line: {err:?}");
        }
        assert!(r
            .parse("1 fortnight")
            .unwrap_err()
            .starts_with("not a duration ("));
    }

    #[test]
    fn a_range_is_written_in_the_largest_whole_unit() {
        assert_eq!(short(Duration::ZERO), "0s");
        assert_eq!(short(Duration::from_millis(100)), "100ms");
        assert_eq!(short(Duration::from_millis(1500)), "1500ms");
        assert_eq!(short(Duration::from_secs(90)), "90s");
        assert_eq!(short(Duration::from_secs(600)), "10m");
        assert_eq!(short(Duration::from_secs(3600)), "1h");
        assert_eq!(short(Duration::from_secs(366 * 86_400)), "366d");
        // What it writes, the parser reads back.
        for d in [100, 1500, 90_000, 600_000, 3_600_000, 366 * 86_400_000] {
            let d = Duration::from_millis(d);
            assert_eq!(humantime::parse_duration(&short(d)).unwrap(), d);
        }
    }
}
