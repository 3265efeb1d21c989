//! The command-line definition.
//!
//! Kept in the library so that the man page in `man/` can be generated from
//! the very same definition (see `tests/man.rs`) and cannot drift from it.

use crate::exit::EXIT_CODES_HELP;
use clap::{Args, Parser, Subcommand, ValueEnum};

const LONG_ABOUT: &str = "\
wifidiag tells a technician why a Wi-Fi client keeps losing its server. \
It reads the wireless state straight from the kernel (nl80211), and reports \
it as tables for people or as versioned JSON for tickets and scripts.

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

    /// Replace MAC addresses, BSSIDs, SSIDs and the host name in JSON output
    /// and logs with pseudonyms (for support tickets)
    #[arg(
        long,
        global = true,
        long_help = "Replace what identifies the site in JSON output and --log lines with \
                     pseudonyms: MAC addresses and BSSIDs keep their vendor prefix (first three \
                     octets) and get hashed last octets, SSIDs become ssid-xxxx, the host name \
                     host-xxxx; MACs inside summaries are replaced the same way. The key is \
                     random per run, so one report is consistent in itself but two runs cannot \
                     be joined. IP addresses and target names are kept. Human tables are not \
                     redacted."
    )]
    pub redact: bool,

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
                      over --samples scans), and the driver's survey busy time when it \
                      reports one. Your own network (the connected SSID, or --ssid) is \
                      excluded from the interference and shown apart. Lower score = less \
                      congested; the model is documented in docs/channel-scoring.md.\n\n\
                      Triggering scans needs CAP_NET_ADMIN (root); without it the kernel's \
                      cached results are used and the confidence drops."
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
                      Lines that do not parse (torn by a crash or power loss, edited by hand) \
                      are skipped and counted; the count and the first such line are reported \
                      on standard error and in the JSON. Lines of unknown kinds are ignored."
    )]
    Report(ReportArgs),
}

/// Arguments of `wifidiag report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The log file written by `watch --log`
    pub file: std::path::PathBuf,
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

    /// A server to probe: HOST or HOST:PORT (TCP) — repeatable
    #[arg(long = "target", value_name = "HOST[:PORT]")]
    pub targets: Vec<String>,

    /// Read more targets from a file: one HOST[:PORT] per line, # comments
    #[arg(long, value_name = "FILE")]
    pub targets_file: Option<std::path::PathBuf>,

    /// Time between samples and probe rounds
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    pub interval: std::time::Duration,

    /// Stop after this long (default: until Ctrl-C or SIGTERM)
    #[arg(long = "for", value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub duration: Option<std::time::Duration>,

    /// Append every event as JSON Lines to FILE (cron-safe; no symlinks or
    /// directories others can modify in its path; locks FILE.lock)
    #[arg(long, value_name = "FILE")]
    pub log: Option<std::path::PathBuf>,

    /// How long to wait for another watch that holds the --log file
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    pub lock_wait: std::time::Duration,

    /// Print only outages, roaming patterns and the summary
    #[arg(long, short)]
    pub quiet: bool,

    /// Consecutive failed probes that open an outage
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub fail_after: u32,

    /// Opt-in: trigger a scan this often (costs off-channel time)
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub scan_every: Option<std::time::Duration>,

    /// How often a link sample is written out (all are used for verdicts)
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    pub sample_every: std::time::Duration,

    /// Ping-pong: A→B→A within this window
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    pub ping_pong_window: std::time::Duration,

    /// Repeated disconnects: this many…
    #[arg(long, default_value_t = 3)]
    pub disconnects: usize,

    /// …within this window
    #[arg(long, default_value = "10m", value_parser = humantime::parse_duration)]
    pub disconnect_window: std::time::Duration,

    /// Sticky client: signal below this (dBm)…
    #[arg(long, default_value_t = -75, allow_hyphen_values = true)]
    pub sticky_signal: i32,

    /// …for longer than this…
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub sticky_for: std::time::Duration,

    /// …while a same-SSID AP this many dB stronger was in the last scan
    #[arg(long, default_value_t = 8)]
    pub sticky_margin: i32,

    /// Slow roam: more than this without an access point
    #[arg(long, default_value = "2s", value_parser = humantime::parse_duration)]
    pub slow_roam: std::time::Duration,
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

    /// Number of scans to combine (neighbours that come and go count by how often they were seen)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub samples: u32,

    /// Pause between scans
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration)]
    pub interval: std::time::Duration,

    /// Your own network's SSID (default: the SSID the interface is connected to)
    #[arg(long)]
    pub ssid: Option<String>,

    /// Channel width to recommend for
    #[arg(long, value_enum, default_value_t = WidthArg::W20)]
    pub width: WidthArg,

    /// How long to wait for each scan to complete
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,
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

    /// Only this band
    #[arg(long, value_enum)]
    pub band: Option<BandArg>,

    /// Only networks with this SSID (exact match)
    #[arg(long)]
    pub ssid: Option<String>,

    /// How long to wait for the scan to complete
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub timeout: std::time::Duration,
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
    fn a_command_is_required() {
        assert!(Cli::try_parse_from(["wifidiag"]).is_err());
    }
}
