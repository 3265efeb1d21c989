//! `wifidiag diagnose`: the technician's one command. Everything the other
//! commands measure (the link, the radio neighbourhood, the network path to
//! the gateway, DNS and the user's servers, and the past 24 hours) is
//! gathered once by the edge (`src/commands.rs`, [`probes`]) into an
//! [`Evidence`] value; this module judges it.
//!
//! Pure: [`checks::run`] turns the evidence into named [`Check`]s, each with
//! a status (ok / warn / fail / not run, with why not), its evidence in
//! numbers, the threshold it was judged by and the next step for a
//! technician; [`headline::decide`] picks the most likely cause from the
//! checks, in `watch`'s vocabulary of causes, with a confidence. No socket,
//! file or clock is touched here: unit tests feed scripted evidence.
//!
//! Every threshold is a named constant in [`checks`], quoted by the check
//! that uses it and listed in `docs/json.md`.

pub mod checks;
pub mod headline;
pub mod http;
pub mod probes;
pub mod series;

#[cfg(test)]
mod tests;

use crate::channels::ChannelAnalysis;
use crate::model::PhyChannel;
use crate::report::status::InterfaceStatus;
use crate::scan::BssView;
use crate::watch::event::Cause;
use crate::watch::probe::ProbeResult;
use serde::Serialize;
use std::net::IpAddr;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    /// Not run: the evidence it needs could not be gathered (`finding`
    /// says why).
    NotRun,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::NotRun => "not run",
        }
    }
}

/// Which part of the path a check looks at, in the order of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// The laptop's association with its access point.
    Link,
    /// The channels and access points around.
    Radio,
    /// Address, route, gateway, DNS and the user's servers.
    Network,
    /// What happened before this run: the system logs, `watch` logs.
    Past,
}

impl Area {
    pub fn title(self) -> &'static str {
        match self {
            Area::Link => "Wi-Fi link",
            Area::Radio => "Radio neighbourhood",
            Area::Network => "Network",
            Area::Past => "Past 24 hours",
        }
    }
}

/// One number (or word) a check was judged on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub name: &'static str,
    pub value: serde_json::Value,
    /// `dBm`, `ms`, `%`, ... ; `None` for counts and words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'static str>,
}

/// One named check and its result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Stable identifier for scripts (`link.signal`, `net.gateway`, ...).
    /// Checks about one target carry it in `target`, not in the id.
    pub id: &'static str,
    pub area: Area,
    pub title: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub status: Status,
    /// One sentence with the numbers: what was measured and what it means
    /// (for `not_run`: why it did not run).
    pub finding: String,
    pub evidence: Vec<Fact>,
    /// The rule it was judged by, in words with the numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
    /// What a technician does next, when the check is not ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    /// The cause a problem here points to (`watch`'s vocabulary).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

/// How sure the headline is (the same scale as `channels`' recommendations).
pub use crate::channels::Confidence;

/// The verdict at the top of the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// One sentence for the technician.
    pub text: String,
    /// The most likely cause; `None` when nothing is wrong.
    pub cause: Option<Cause>,
    pub confidence: Confidence,
    /// The checks the headline rests on (ids, with the target when any).
    pub because: Vec<String>,
}

/// The probes of one target over the run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TargetProbes {
    /// As given (`emr.clinic.lan:443`).
    pub spec: String,
    pub host: String,
    pub port: Option<u16>,
    /// Lookups of the name; empty for an IP literal.
    pub dns: Vec<ProbeResult>,
    /// The address probed (the first usable one the name resolved to).
    pub address: Option<IpAddr>,
    /// TCP connects to the port (ICMP echoes when no port was given).
    pub connect: Vec<ProbeResult>,
    /// ICMP echoes to the host while its port is probed: tells a dead
    /// host from a port a firewall drops. Empty when no port was given.
    pub ping: Vec<ProbeResult>,
}

/// What the probes measured over the run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProbeEvidence {
    /// How long the probes ran, in milliseconds.
    pub duration_ms: u64,
    /// The default gateway and its ICMP echoes; `None` without a gateway.
    pub gateway: Option<(IpAddr, Vec<ProbeResult>)>,
    pub targets: Vec<TargetProbes>,
}

/// The captive-portal probe: one GET of the connectivity-check URL
/// ([`http`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PortalEvidence {
    /// Not made (`--portal-url none`).
    #[default]
    Off,
    /// The URL's host did not resolve (`detail`: the lookup's error).
    NotResolved { url: String, detail: String },
    /// Resolved, but no HTTP reply came (refused, timed out, not HTTP).
    NoAnswer {
        url: String,
        address: IpAddr,
        detail: String,
    },
    /// A reply came.
    Answered {
        url: String,
        address: IpAddr,
        status: u16,
        /// A redirect's host (never its query: it may carry the MAC).
        location_host: Option<String>,
        judged: http::Judged,
        rtt_ms: f64,
    },
}

/// How the neighbourhood was heard.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScanEvidence {
    /// Fresh scans were made by this run (else the kernel's cache).
    pub fresh: bool,
    /// The user asked for the cache (`--cached`): not a shortcoming.
    pub asked_cached: bool,
    /// The survey's last round heard nothing new (hidden networks
    /// included); false when it was still growing at the end of its time.
    pub complete: bool,
    /// Why not, or anything else to say about the scan.
    pub notice: Option<String>,
    /// How (`passive`, `active`, `cached`, ...), in words for the report.
    pub method: String,
    /// The last decoded scan (merged over the run's scans).
    pub bsses: Vec<BssView>,
}

/// One outage from the past.
#[derive(Debug, Clone, PartialEq)]
pub struct PastOutage {
    pub start_ms: u64,
    pub duration_ms: Option<u64>,
    pub cause: Cause,
    pub summary: String,
}

/// What the logs of the last hours say.
#[derive(Debug, Clone, PartialEq)]
pub enum Past {
    /// Could not be read (why).
    NotRun(String),
    Read {
        /// `journal`, `syslog`, `kmsg`, `watch_log`.
        source: String,
        hours: u32,
        disconnects: usize,
        roams: usize,
        outages: Vec<PastOutage>,
    },
}

/// Everything a diagnosis is judged on: plain data gathered by the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The interface as `status` describes it (link, station counters,
    /// addresses, gateway, regulatory domain, health notes).
    pub iface: InterfaceStatus,
    /// Power save (read only); `None` when the driver does not say.
    pub power_save: Option<bool>,
    pub scan: ScanEvidence,
    pub phy_channels: Vec<PhyChannel>,
    /// `channels`' analysis of the scan; `None` when nothing was heard.
    pub channels: Option<ChannelAnalysis>,
    /// DNS servers from /etc/resolv.conf.
    pub resolvers: Vec<IpAddr>,
    pub probes: ProbeEvidence,
    pub portal: PortalEvidence,
    /// The system logs (journal, syslog or kmsg) over the last hours.
    pub history: Past,
    /// The `--log` files given (`None` when none was).
    pub watch_logs: Option<Past>,
}

/// The judged result: checks and headline.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    pub headline: Headline,
    pub checks: Vec<Check>,
}

impl Diagnosis {
    /// Whether any check failed (the exit status says so).
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }
}

/// Judges the evidence: every check, then the headline.
pub fn diagnose(e: &Evidence) -> Diagnosis {
    let checks = checks::run(e);
    let headline = headline::decide(&checks, e);
    Diagnosis { headline, checks }
}
