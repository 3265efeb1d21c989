//! The checks of `wifidiag diagnose`, each a pure function over the
//! [`Evidence`]. Every threshold is a constant here, quoted by the check in
//! its `threshold` text and listed in `docs/json.md`.
//!
//! Sources of the thresholds: the signal, SNR and retry limits are the
//! health notes' (see [`crate::health`]: the field rules of thumb enterprise
//! vendors and iwd use); the loss and latency limits follow ChromeOS's
//! network diagnostics routines (a gateway that loses pings, DNS or HTTPS
//! "significantly above" the expected latency) with numbers fitted to a
//! clinic's LAN, where the server is one hop behind the gateway.

use super::series::Stats;
use super::{Area, Check, Evidence, Fact, Past, Status, TargetProbes};
use crate::freq::Band;
use crate::health::{
    rate_pct, HIGH_FAILED_PCT, HIGH_RETRY_PCT, LOW_SNR_DB, MIN_PACKETS_FOR_RATES,
    UNUSABLE_SIGNAL_DBM, WEAK_SIGNAL_DBM,
};
use crate::ie::Security;
use crate::model::RateGeneration;
use crate::scan::BssView;
use crate::watch::event::Cause;
use serde_json::{json, Value};

/// A gateway that loses this share of its pings (or more) fails.
pub const GATEWAY_FAIL_LOSS_PCT: f64 = 20.0;
/// ... and one that loses this share warns (2 of 30 on Wi-Fi is already
/// unusual: a healthy link retries at the MAC layer and loses none).
pub const GATEWAY_WARN_LOSS_PCT: f64 = 5.0;
/// Median round trip to the gateway above which the link is slow.
pub const GATEWAY_SLOW_MS: f64 = 100.0;
/// Median lookup time above which DNS is slow (ChromeOS's DnsLatency
/// calls 400 ms "significantly above expected").
pub const DNS_SLOW_MS: f64 = 300.0;
/// A target whose connects fail this share (or more) fails.
pub const TARGET_FAIL_LOSS_PCT: f64 = 20.0;
/// Median TCP handshake above which the server is slow to answer.
pub const CONNECT_SLOW_MS: f64 = 300.0;
/// Another access point of the same network this much stronger means the
/// laptop holds on to a worse one (a "sticky client").
pub const STRONGER_AP_DB: i32 = 10;
/// A channel scoring this much (about one and a half strong, busy
/// neighbour radios on it) is congested ...
pub const CONGESTED_SCORE: f64 = 1.5;
/// ... when a channel better by this much is free to move to.
pub const CLEARLY_BETTER_BY: f64 = 1.0;
/// The same network on 5/6 GHz at least this loud is worth being on.
pub const GOOD_ENOUGH_DBM: i32 = -67;
/// Outages in the past hours at which the past check fails (one warns).
pub const PAST_FAIL_OUTAGES: usize = 3;
/// MCS indexes (per stream) at or below this are the two slowest
/// modulations (BPSK/QPSK 1/2): the radio has fallen back to them.
pub const LOW_MCS: u8 = 1;

fn fact(name: &'static str, value: impl Into<Value>, unit: Option<&'static str>) -> Fact {
    Fact {
        name,
        value: value.into(),
        unit,
    }
}

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

/// A check builder: fill in what applies.
struct C(Check);

impl C {
    fn new(id: &'static str, area: Area, title: &'static str) -> C {
        C(Check {
            id,
            area,
            title,
            target: None,
            status: Status::Ok,
            finding: String::new(),
            evidence: Vec::new(),
            threshold: None,
            next_step: None,
            cause: None,
        })
    }
    fn target(mut self, t: &str) -> C {
        self.0.target = Some(t.to_string());
        self
    }
    fn threshold(mut self, t: impl Into<String>) -> C {
        self.0.threshold = Some(t.into());
        self
    }
    fn fact(mut self, f: Fact) -> C {
        self.0.evidence.push(f);
        self
    }
    fn ok(self, finding: impl Into<String>) -> Check {
        self.status(Status::Ok, finding, None, None)
    }
    fn not_run(self, why: impl Into<String>) -> Check {
        self.status(Status::NotRun, why, None, None)
    }
    fn warn(self, finding: impl Into<String>, next: &str, cause: Option<Cause>) -> Check {
        self.status(Status::Warn, finding, Some(next), cause)
    }
    fn fail(self, finding: impl Into<String>, next: &str, cause: Option<Cause>) -> Check {
        self.status(Status::Fail, finding, Some(next), cause)
    }
    fn status(
        mut self,
        status: Status,
        finding: impl Into<String>,
        next: Option<&str>,
        cause: Option<Cause>,
    ) -> Check {
        self.0.status = status;
        self.0.finding = finding.into();
        self.0.next_step = next.map(str::to_string);
        self.0.cause = cause;
        self.0
    }
}

/// Every check, in the order of the path: link, radio, network, past.
pub fn run(e: &Evidence) -> Vec<Check> {
    let mut checks = vec![association(e)];
    if e.iface.connected {
        checks.extend([
            signal(e),
            snr(e),
            retries(e),
            beacon_loss(e),
            bitrate(e),
            security(e),
            power_save(e),
        ]);
    }
    checks.extend([
        scan_coverage(e),
        congestion(e),
        overlap_24(e),
        sticky(e),
        band(e),
        dfs(e),
        country(e),
    ]);
    checks.extend([address(e), route(e), dns_servers(e), gateway(e)]);
    for t in &e.probes.targets {
        checks.push(target_dns(t));
        checks.push(target_connect(t));
        if t.port.is_some() {
            checks.push(firewall(e, t));
        }
    }
    checks.push(portal(e));
    checks.push(past(
        "past.system_logs",
        "Disconnects and outages in the system logs",
        &e.history,
    ));
    if let Some(logs) = &e.watch_logs {
        checks.push(past("past.watch_logs", "Outages in the watch logs", logs));
    }
    checks
}

/// The associated access point's scan entry.
fn link_bss(e: &Evidence) -> Option<&BssView> {
    e.scan.bsses.iter().find(|b| b.associated).or_else(|| {
        let bssid = e.iface.bssid?;
        e.scan.bsses.iter().find(|b| b.bssid == bssid)
    })
}

fn current_signal(e: &Evidence) -> Option<i32> {
    e.iface
        .signal_avg_dbm
        .or(e.iface.signal_dbm)
        .or_else(|| link_bss(e).and_then(|b| b.signal).map(|d| d.0))
}

fn ssid_text(e: &Evidence) -> String {
    e.iface.ssid.as_ref().map_or_else(
        || "(hidden)".to_string(),
        |s| format!("\"{}\"", s.escaped()),
    )
}

fn association(e: &Evidence) -> Check {
    let i = &e.iface;
    let c = C::new("link.associated", Area::Link, "Association")
        .fact(fact("connected", i.connected, None))
        .fact(fact(
            "ssid",
            opt(i.ssid.as_ref().map(|s| s.escaped())),
            None,
        ))
        .fact(fact("bssid", opt(i.bssid.map(|b| b.to_string())), None))
        .fact(fact("channel", opt(i.channel), None))
        .fact(fact("freq", opt(i.freq_mhz.map(|f| f.0)), Some("MHz")))
        .fact(fact("connected_time", opt(i.connected_time_s), Some("s")));
    if !i.connected {
        return c.fail(
            "the laptop is not associated with any access point",
            "check that Wi-Fi is on and the network is in range (wifidiag scan), then look at \
             the connection manager's log (wifidiag history)",
            Some(Cause::Wifi),
        );
    }
    let dormant = i.oper_state == Some(crate::model::OperState::Dormant);
    if dormant {
        return c.fail(
            "associated but not authorised: the key exchange has not completed, no traffic passes",
            "check the password or certificate, then the connection manager's log (wifidiag history)",
            Some(Cause::Wifi),
        );
    }
    let bssid = i.bssid.map(|b| format!(" ({b})")).unwrap_or_default();
    let channel = i
        .channel
        .map(|ch| format!(" on channel {ch}"))
        .unwrap_or_default();
    let time = i
        .connected_time_s
        .map(|s| format!(" for {}", human_secs(u64::from(s))))
        .unwrap_or_default();
    c.ok(format!(
        "associated with {}{bssid}{channel}{time}",
        ssid_text(e)
    ))
}

fn signal(e: &Evidence) -> Check {
    let s = current_signal(e);
    let c = C::new("link.signal", Area::Link, "Signal strength")
        .fact(fact("signal", opt(s), Some("dBm")))
        .threshold(format!(
            "weak below {WEAK_SIGNAL_DBM} dBm, unusable below {UNUSABLE_SIGNAL_DBM} dBm"
        ));
    match s {
        None => c.not_run("the driver reports no signal for this link"),
        Some(s) if s < UNUSABLE_SIGNAL_DBM => c.fail(
            format!("the signal is {s} dBm: too weak for steady traffic, the link will drop"),
            "move the laptop closer to an access point, or add one where it is used",
            Some(Cause::WifiDegraded),
        ),
        Some(s) if s < WEAK_SIGNAL_DBM => c.warn(
            format!("the signal is weak: {s} dBm"),
            "expect slow speeds and drops here; check the access point's placement",
            Some(Cause::WifiDegraded),
        ),
        Some(s) => c.ok(format!("{s} dBm")),
    }
}

fn snr(e: &Evidence) -> Check {
    let i = &e.iface;
    let c = C::new("link.snr", Area::Link, "Signal to noise")
        .fact(fact("noise", opt(i.noise_dbm), Some("dBm")))
        .fact(fact("snr", opt(i.snr_db), Some("dB")))
        .threshold(format!("low below {LOW_SNR_DB} dB"));
    match i.snr_db {
        None => c.not_run("the driver reports no noise floor, so no signal-to-noise ratio"),
        Some(snr) if snr < LOW_SNR_DB => c.warn(
            format!("the signal-to-noise ratio is {snr} dB: noise limits the link to slow rates"),
            "look for interference (microwave ovens, cordless phones, other networks on the \
             channel: wifidiag channels)",
            Some(Cause::WifiDegraded),
        ),
        Some(snr) => c.ok(format!("{snr} dB")),
    }
}

fn retries(e: &Evidence) -> Check {
    let i = &e.iface;
    let retry = rate_pct(i.tx_retries, i.tx_packets);
    let failed = rate_pct(i.tx_failed, i.tx_packets);
    let c = C::new("link.retries", Area::Link, "Retries and lost frames")
        .fact(fact("tx_packets", opt(i.tx_packets), None))
        .fact(fact("tx_retries", opt(i.tx_retries), None))
        .fact(fact("tx_failed", opt(i.tx_failed), None))
        .fact(fact("tx_retry_pct", opt(retry.map(round1)), Some("%")))
        .fact(fact("tx_failed_pct", opt(failed.map(round1)), Some("%")))
        .threshold(format!(
            "retries above {HIGH_RETRY_PCT}% of frames, or frames lost after all retries above \
             {HIGH_FAILED_PCT}%, counted from {MIN_PACKETS_FOR_RATES} frames"
        ));
    let (Some(retry), Some(failed)) = (retry, failed) else {
        return c.not_run(format!(
            "too few frames sent since the association (fewer than {MIN_PACKETS_FOR_RATES}) \
             to judge, or the driver does not count them"
        ));
    };
    let next = "the air is busy or the link marginal: check the channel (wifidiag channels) \
                and the signal";
    if failed > HIGH_FAILED_PCT {
        c.fail(
            format!("{failed:.1}% of frames were lost after every retry ({retry:.1}% retried)"),
            next,
            Some(Cause::WifiDegraded),
        )
    } else if retry > HIGH_RETRY_PCT {
        c.warn(
            format!("{retry:.1}% of frames needed a retry"),
            next,
            Some(Cause::WifiDegraded),
        )
    } else {
        c.ok(format!("{retry:.1}% retried, {failed:.1}% lost"))
    }
}

fn beacon_loss(e: &Evidence) -> Check {
    let i = &e.iface;
    let c = C::new("link.beacon_loss", Area::Link, "Beacon loss")
        .fact(fact("beacon_loss", opt(i.beacon_loss), None))
        .fact(fact("beacon_rx", opt(i.beacon_rx), None))
        .threshold("any beacon loss event since the association");
    match i.beacon_loss {
        None => c.not_run("the driver does not count beacon losses"),
        Some(0) => c.ok("no beacon loss since the association"),
        Some(n) => c.warn(
            format!("the access point's beacons were lost {n} times since the association"),
            "the link fades or the channel is jammed at times: check signal and channel",
            Some(Cause::WifiDegraded),
        ),
    }
}

fn bitrate(e: &Evidence) -> Check {
    let i = &e.iface;
    let c = C::new("link.bitrate", Area::Link, "Transmit rate")
        .fact(fact("tx_bitrate", opt(i.tx_bitrate_mbps), Some("Mbit/s")))
        .fact(fact(
            "tx_mcs",
            opt(i.tx_bitrate.as_ref().and_then(|b| b.mcs)),
            None,
        ))
        .fact(fact(
            "expected_throughput",
            opt(i.expected_throughput_mbps),
            Some("Mbit/s"),
        ))
        .threshold(format!(
            "MCS {LOW_MCS} or lower (the two slowest modulations), or a legacy rate of 6 \
             Mbit/s or less on an HT/VHT/HE capable link"
        ));
    let Some(rate) = &i.tx_bitrate else {
        return c.not_run("the driver reports no transmit rate");
    };
    let text = rate.describe();
    let low = match (rate.generation, rate.mcs) {
        (Some(RateGeneration::Legacy) | None, _) => rate.mbps.is_some_and(|m| m <= 6.0),
        // HT numbers MCS across streams (8 per stream).
        (Some(RateGeneration::Ht), Some(mcs)) => mcs % 8 <= LOW_MCS,
        (Some(_), Some(mcs)) => mcs <= LOW_MCS,
        (Some(_), None) => false,
    };
    if low {
        c.warn(
            format!("the laptop sends at {text}: the radio has fallen back to its slowest rates"),
            "slow rates come from a weak or noisy link: check signal, retries and the channel",
            Some(Cause::WifiDegraded),
        )
    } else {
        c.ok(text)
    }
}

fn security(e: &Evidence) -> Check {
    let c = C::new("link.security", Area::Link, "Security").threshold(
        "open networks, WEP and WPA (TKIP) warn: anyone nearby can read or break into the \
         traffic of patient records",
    );
    let Some(bss) = link_bss(e) else {
        return c.not_run("the access point was not in the scan results");
    };
    let label = bss.security.label();
    let c = c.fact(fact("security", label, None));
    let next = "move the network to WPA2 or WPA3 (AES/CCMP) on the access point";
    match bss.security {
        Security::Open => c.warn(
            "the network is open: traffic is not encrypted on the air",
            next,
            None,
        ),
        Security::Wep => c.warn("WEP is broken in minutes", next, None),
        Security::WpaPsk | Security::WpaEnterprise => {
            c.warn(format!("{label} (TKIP) is obsolete and slow"), next, None)
        }
        Security::WpaWpa2Psk | Security::WpaWpa2Enterprise => c.warn(
            format!("{label}: the old WPA (TKIP) is still offered beside WPA2"),
            "turn off WPA/TKIP on the access point (WPA2-only, AES)",
            None,
        ),
        _ => c.ok(label),
    }
}

fn power_save(e: &Evidence) -> Check {
    let c = C::new("link.power_save", Area::Link, "Power save")
        .fact(fact("power_save", opt(e.power_save), None))
        .threshold("read only; shown because it adds latency to incoming traffic");
    match e.power_save {
        None => c.not_run("the driver does not report its power save state"),
        Some(true) => c.ok(
            "on: frames for the laptop wait at the access point until it wakes (up to one \
             beacon interval, about 100 ms); normal on battery",
        ),
        Some(false) => c.ok("off"),
    }
}

fn scan_coverage(e: &Evidence) -> Check {
    let heard = e.scan.bsses.len();
    let hidden = e.scan.bsses.iter().filter(|b| b.ssid.is_none()).count();
    let c = C::new("radio.scan", Area::Radio, "Neighbourhood heard")
        .fact(fact("fresh", e.scan.fresh, None))
        .fact(fact("method", e.scan.method.clone(), None))
        .fact(fact("bsses", heard, None))
        .fact(fact("hidden_bsses", hidden, None))
        .threshold("a fresh scan of every channel; the kernel's cache otherwise");
    let what = format!(
        "{heard} {} heard ({hidden} hidden), {}",
        if heard == 1 { "network" } else { "networks" },
        e.scan.method
    );
    if !e.scan.fresh && e.scan.asked_cached {
        return c.ok(format!("{what}, as asked (--cached)"));
    }
    if !e.scan.fresh {
        let why = e.scan.notice.clone().unwrap_or_default();
        return c.warn(
            format!("no fresh scan ({why}): the radio checks rest on the kernel's cache, {what}"),
            "run diagnose as root (or with CAP_NET_ADMIN) for a fresh scan",
            None,
        );
    }
    if !e.scan.complete {
        return c.warn(
            format!("{what}: some networks (hidden ones first) may be missing"),
            "run diagnose again with a longer --for, or wifidiag channels --timeout 60s",
            None,
        );
    }
    c.ok(what)
}

fn congestion(e: &Evidence) -> Check {
    let c = C::new("radio.congestion", Area::Radio, "Channel congestion").threshold(format!(
        "the channel scores {CONGESTED_SCORE} or more (lower is better: about one and a half \
         strong, busy neighbours) and another scores at least {CLEARLY_BETTER_BY} less"
    ));
    let (Some(a), Some(band)) = (&e.channels, e.iface.band) else {
        return c.not_run("no channel analysis: not associated or nothing heard");
    };
    let Some(rec) = a.recommendations.iter().find(|r| r.band == band) else {
        return c.not_run(format!(
            "no channel could be rated in the {} band",
            band.label()
        ));
    };
    let Some(current) = e.iface.channel.or(rec.current_channel) else {
        return c.not_run("the current channel is unknown");
    };
    let current_score = rec.current_score.or_else(|| {
        a.channels
            .iter()
            .find(|r| r.channel.band == band && r.channel.number == current)
            .and_then(|r| r.score)
    });
    let c = c
        .fact(fact("channel", current, None))
        .fact(fact("score", opt(current_score.map(round1)), None))
        .fact(fact("best_channel", rec.channel, None))
        .fact(fact("best_score", round1(rec.score), None))
        .fact(fact("confidence", rec.confidence.label(), None));
    let Some(score) = current_score else {
        return c.not_run(format!("channel {current} could not be rated"));
    };
    let reason = rec.reasons.first().cloned().unwrap_or_default();
    if rec.channel != current && score >= CONGESTED_SCORE && score - rec.score >= CLEARLY_BETTER_BY
    {
        c.fail(
            format!(
                "channel {current} is congested (score {score:.1}); channel {} scores {:.1}",
                rec.channel, rec.score
            ),
            &format!(
                "move the access point to channel {} ({reason})",
                rec.channel
            ),
            Some(Cause::WifiDegraded),
        )
    } else if rec.channel != current {
        c.warn(
            format!(
                "channel {current} scores {score:.1}; channel {} would be better ({:.1})",
                rec.channel, rec.score
            ),
            &format!("consider channel {} for the access point", rec.channel),
            None,
        )
    } else {
        c.ok(format!(
            "channel {current} scores {score:.1}, the best there is in the {} band",
            band.label()
        ))
    }
}

fn overlap_24(e: &Evidence) -> Check {
    let c = C::new("radio.overlap", Area::Radio, "2.4 GHz channel overlap").threshold(
        "on 2.4 GHz only 1, 6 and 11 (or 1, 5, 9, 13 where channel 13 is allowed) do not \
         overlap each other",
    );
    let (Some(Band::Ghz2_4), Some(ch)) = (e.iface.band, e.iface.channel) else {
        return c.not_run("the laptop is not on 2.4 GHz");
    };
    let c = c.fact(fact("channel", ch, None));
    let thirteen = e
        .phy_channels
        .iter()
        .any(|p| p.freq.0 == 2472 && !p.disabled);
    let clean = matches!(ch, 1 | 6 | 11) || (thirteen && matches!(ch, 5 | 9 | 13));
    if clean {
        c.ok(format!(
            "channel {ch} does not overlap its neighbours' plan"
        ))
    } else {
        c.warn(
            format!("channel {ch} overlaps both 1/6/11 neighbours next to it"),
            "move the access point to 1, 6 or 11 (wifidiag channels says which)",
            Some(Cause::WifiDegraded),
        )
    }
}

/// BSSes of the laptop's network other than the one it is on.
fn same_network<'a>(e: &'a Evidence) -> impl Iterator<Item = &'a BssView> + 'a {
    let ssid = e.iface.ssid.clone();
    let own = e.iface.bssid;
    e.scan
        .bsses
        .iter()
        .filter(move |b| ssid.is_some() && b.ssid == ssid && Some(b.bssid) != own && !b.associated)
}

fn sticky(e: &Evidence) -> Check {
    let c = C::new("radio.sticky", Area::Radio, "A stronger access point").threshold(format!(
        "another access point of the same network {STRONGER_AP_DB} dB or more stronger"
    ));
    let Some(current) = current_signal(e).filter(|_| e.iface.connected) else {
        return c.not_run("not associated, or no signal reported");
    };
    let best = same_network(e)
        .filter_map(|b| Some((b, b.signal?.0)))
        .max_by_key(|(_, s)| *s);
    let c = c.fact(fact("signal", current, Some("dBm")));
    let Some((bss, s)) = best else {
        return c.ok("no other access point of this network heard");
    };
    let c = c
        .fact(fact("stronger_bssid", bss.bssid.to_string(), None))
        .fact(fact("stronger_signal", s, Some("dBm")))
        .fact(fact("stronger_channel", opt(bss.channel), None));
    let gap = s - current;
    if gap < STRONGER_AP_DB {
        return c.ok(format!(
            "the best other access point of this network ({s} dBm) is not clearly stronger"
        ));
    }
    let finding = format!(
        "the laptop stays on an access point at {current} dBm while {} of the same network \
         is heard at {s} dBm ({gap} dB stronger)",
        bss.bssid
    );
    let next = "the laptop does not roam: reconnect it to test, update its Wi-Fi driver, enable \
                802.11k/v on the access points or raise their minimum RSSI";
    if current < WEAK_SIGNAL_DBM {
        c.fail(finding, next, Some(Cause::WifiDegraded))
    } else {
        c.warn(finding, next, None)
    }
}

fn band(e: &Evidence) -> Check {
    let c = C::new("radio.band", Area::Radio, "5 GHz available").threshold(format!(
        "the laptop is on 2.4 GHz while its network is heard on 5 or 6 GHz at {GOOD_ENOUGH_DBM} \
         dBm or better"
    ));
    if e.iface.band != Some(Band::Ghz2_4) {
        return c.not_run("the laptop is not on 2.4 GHz");
    }
    let better = same_network(e)
        .filter(|b| matches!(b.band, Some(Band::Ghz5 | Band::Ghz6)))
        .filter_map(|b| Some((b, b.signal?.0)))
        .filter(|(_, s)| *s >= GOOD_ENOUGH_DBM)
        .max_by_key(|(_, s)| *s);
    match better {
        None => c.ok("the network is not heard well on 5 or 6 GHz here"),
        Some((b, s)) => c
            .fact(fact("bssid", b.bssid.to_string(), None))
            .fact(fact("channel", opt(b.channel), None))
            .fact(fact("signal", s, Some("dBm")))
            .warn(
                format!(
                    "the laptop uses 2.4 GHz although its network is heard on {} channel {} at \
                     {s} dBm",
                    b.band.map_or("5GHz", Band::label),
                    b.channel.unwrap_or(0)
                ),
                "5 GHz has more, less crowded channels: enable band steering on the access \
                 points or prefer 5 GHz in the laptop's Wi-Fi settings",
                None,
            ),
    }
}

fn dfs(e: &Evidence) -> Check {
    let c = C::new("radio.dfs", Area::Radio, "Radar (DFS) channel").threshold(
        "a channel that needs radar detection: a radar makes the access point leave it, and \
         clients lose the link for up to a minute",
    );
    let Some(freq) = e.iface.freq_mhz.filter(|_| e.iface.connected) else {
        return c.not_run("not associated");
    };
    let radar = e
        .phy_channels
        .iter()
        .find(|p| p.freq == freq)
        .map(|p| p.radar);
    let c = c.fact(fact("dfs", opt(radar), None));
    match radar {
        None => c.not_run("the channel is not in the radio's channel list"),
        Some(true) => c.warn(
            format!(
                "channel {} needs radar detection (DFS)",
                e.iface.channel.unwrap_or(0)
            ),
            "if outages come at random, move the access point to a non-DFS channel \
             (36-48 or 149-165)",
            None,
        ),
        Some(false) => c.ok("not a radar (DFS) channel"),
    }
}

fn country(e: &Evidence) -> Check {
    let laptop = e.iface.regulatory.as_ref().map(|r| r.country.clone());
    let ap = link_bss(e).and_then(|b| b.country.clone());
    let c = C::new("radio.country", Area::Radio, "Regulatory domain")
        .fact(fact("laptop", opt(laptop.clone()), None))
        .fact(fact("access_point", opt(ap.clone()), None))
        .threshold("the laptop's regulatory domain is the access point's country");
    match (laptop, ap) {
        (None, _) => c.not_run("the laptop's regulatory domain is unknown"),
        (_, None) => c.not_run("the access point advertises no country"),
        (Some(l), Some(a)) if l == a => c.ok(format!("both {l}")),
        (Some(l), Some(a)) if l == "00" => c.warn(
            format!("the laptop uses the world domain (00), the access point {a}: the laptop may not use every channel"),
            &format!("set the laptop's country to {a} (e.g. in the connection manager, or cfg80211's ieee80211_regdom)"),
            None,
        ),
        (Some(l), Some(a)) => c.warn(
            format!("the laptop's domain is {l}, the access point says {a}"),
            "set the same country on both, so both allow the same channels and power",
            None,
        ),
    }
}

fn address(e: &Evidence) -> Check {
    let i = &e.iface;
    let global6: Vec<&String> = i.ipv6.iter().filter(|a| !a.starts_with("fe80")).collect();
    let c = C::new("net.address", Area::Network, "Address")
        .fact(fact("ipv4", i.ipv4.clone(), None))
        .fact(fact("ipv6", i.ipv6.clone(), None))
        .threshold("an IPv4 address or a global IPv6 address on the interface");
    if i.ipv4.is_empty() && global6.is_empty() {
        if !i.connected {
            return c.not_run("not associated");
        }
        return c.fail(
            "the interface has no address: DHCP did not answer",
            "check the DHCP server (often the router or firewall) and its address pool",
            Some(Cause::Lan),
        );
    }
    let mut all: Vec<&String> = i.ipv4.iter().collect();
    all.extend(global6);
    let list: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
    c.ok(list.join(", "))
}

fn route(e: &Evidence) -> Check {
    let i = &e.iface;
    let c = C::new("net.route", Area::Network, "Default route")
        .fact(fact("gateway", opt(i.gateway.map(|g| g.to_string())), None))
        .fact(fact("gateway_iface", opt(i.gateway_iface.clone()), None))
        .threshold("a default route");
    match (i.gateway, &i.gateway_iface) {
        (None, _) if !i.connected => c.not_run("not associated"),
        (None, _) => c.fail(
            "no default route: the laptop knows no gateway",
            "check the DHCP server's router option, or the laptop's static settings",
            Some(Cause::Lan),
        ),
        (Some(g), Some(via)) if Some(via) != i.name.as_ref() => c.warn(
            format!("the default route to {g} goes through {via}, not the Wi-Fi"),
            "another interface (cable, VPN) carries the traffic: test with it unplugged",
            None,
        ),
        (Some(g), _) => c.ok(format!("via {g}")),
    }
}

fn dns_servers(e: &Evidence) -> Check {
    let list: Vec<String> = e.resolvers.iter().map(|a| a.to_string()).collect();
    let c = C::new("net.dns_servers", Area::Network, "DNS servers")
        .fact(fact("resolvers", list.clone(), None))
        .threshold("at least one name server in /etc/resolv.conf");
    if list.is_empty() {
        return c.fail(
            "no DNS server is configured: no name can be resolved",
            "check the DHCP server's DNS option or the laptop's DNS settings",
            Some(Cause::Dns),
        );
    }
    let local = e.resolvers.iter().any(|a| a.is_loopback());
    let note = if local {
        " (a local resolver: it forwards to the network's servers)"
    } else {
        ""
    };
    c.ok(format!("{}{note}", list.join(", ")))
}

fn series_facts(c: C, s: &Stats) -> C {
    c.fact(fact("sent", s.sent, None))
        .fact(fact("answered", s.ok, None))
        .fact(fact("lost_pct", opt(s.loss_pct().map(round1)), Some("%")))
        .fact(fact("median", opt(s.median_ms.map(round1)), Some("ms")))
        .fact(fact("max", opt(s.max_ms.map(round1)), Some("ms")))
}

fn gateway(e: &Evidence) -> Check {
    let c = C::new("net.gateway", Area::Network, "Gateway").threshold(format!(
        "fails at {GATEWAY_FAIL_LOSS_PCT}% pings lost, warns at {GATEWAY_WARN_LOSS_PCT}% lost \
         or a median round trip above {GATEWAY_SLOW_MS} ms"
    ));
    let Some((addr, results)) = &e.probes.gateway else {
        return c.not_run("no gateway to probe");
    };
    let s = Stats::of(results);
    let c = series_facts(c.target(&addr.to_string()), &s);
    if s.sent == 0 {
        return c.not_run(format!(
            "the gateway {addr} could not be pinged from this laptop ({}): run as root, or \
             allow ICMP sockets (net.ipv4.ping_group_range)",
            s.not_sent_detail.as_deref().unwrap_or("not permitted")
        ));
    }
    let loss = s.loss_pct().unwrap_or(0.0);
    let median = s.median_ms.unwrap_or(0.0);
    let next = "look at the gateway (router/firewall) and the network between the access point \
                and it";
    if loss >= GATEWAY_FAIL_LOSS_PCT {
        c.fail(
            format!(
                "the gateway {addr} answered {} of {} pings{}",
                s.ok,
                s.sent,
                detail(&s)
            ),
            next,
            Some(Cause::Lan),
        )
    } else if loss >= GATEWAY_WARN_LOSS_PCT {
        c.warn(
            format!(
                "the gateway {addr} dropped {} of {} pings",
                s.failed, s.sent
            ),
            next,
            Some(Cause::Lan),
        )
    } else if median > GATEWAY_SLOW_MS {
        c.warn(
            format!("the gateway {addr} answers slowly: median {median:.0} ms"),
            "slow answers on the first hop come from a busy channel or a busy gateway",
            Some(Cause::WifiDegraded),
        )
    } else {
        c.ok(format!(
            "{addr} answered {} of {} pings, median {median:.1} ms",
            s.ok, s.sent
        ))
    }
}

fn detail(s: &Stats) -> String {
    s.last_detail
        .as_deref()
        .map(|d| format!(" ({d})"))
        .unwrap_or_default()
}

fn target_dns(t: &TargetProbes) -> Check {
    let c = C::new("net.dns", Area::Network, "Name resolution")
        .target(&t.spec)
        .threshold(format!(
            "every lookup answers; a median above {DNS_SLOW_MS} ms is slow"
        ));
    if t.dns.is_empty() {
        return c.not_run(format!("{} is an address: nothing to resolve", t.host));
    }
    let s = Stats::of(&t.dns);
    let c = series_facts(c, &s).fact(fact("address", opt(t.address.map(|a| a.to_string())), None));
    let next = "check which DNS server the laptop uses (net.dns_servers) and that it knows the \
                clinic's names";
    if s.all_failed() {
        c.fail(
            format!("{} did not resolve{}", t.host, detail(&s)),
            next,
            Some(Cause::Dns),
        )
    } else if s.failed > 0 {
        c.warn(
            format!(
                "{} failed to resolve {} of {} times{}",
                t.host,
                s.failed,
                s.sent,
                detail(&s)
            ),
            next,
            Some(Cause::Dns),
        )
    } else if s.median_ms.is_some_and(|m| m > DNS_SLOW_MS) {
        c.warn(
            format!(
                "{} resolves slowly: median {:.0} ms",
                t.host,
                s.median_ms.unwrap_or(0.0)
            ),
            "a slow DNS server delays every new connection: check the DNS server",
            Some(Cause::Dns),
        )
    } else {
        let addr = t.address.map(|a| format!(" to {a}")).unwrap_or_default();
        c.ok(format!("{} resolved{addr}", t.host))
    }
}

fn target_connect(t: &TargetProbes) -> Check {
    let (title, what) = if t.port.is_some() {
        ("Server connection", "connections")
    } else {
        ("Server ping", "pings")
    };
    let c = C::new("net.target", Area::Network, title)
        .target(&t.spec)
        .threshold(format!(
            "fails at {TARGET_FAIL_LOSS_PCT}% failed, warns at any failure or a median above \
             {CONNECT_SLOW_MS} ms"
        ));
    let Some(addr) = t.address else {
        return c.not_run(format!("{} did not resolve, so it was not probed", t.host));
    };
    let s = Stats::of(&t.connect);
    let c = series_facts(c, &s)
        .fact(fact("address", addr.to_string(), None))
        .fact(fact("refused", s.refused, None))
        .fact(fact("timeouts", s.timeouts, None));
    if s.sent == 0 {
        return c.not_run(format!(
            "{} could not be probed from this laptop ({})",
            t.spec,
            s.not_sent_detail.as_deref().unwrap_or("not permitted")
        ));
    }
    let loss = s.loss_pct().unwrap_or(0.0);
    if s.refused > 0 && s.refused * 2 >= s.failed && loss >= TARGET_FAIL_LOSS_PCT {
        return c.fail(
            format!(
                "{} refused {} of {} connections: the host is up but nothing listens on port {}",
                t.spec,
                s.refused,
                s.sent,
                t.port.unwrap_or(0)
            ),
            "start (or restart) the server's service, and check it listens on that port",
            Some(Cause::Server),
        );
    }
    if loss >= TARGET_FAIL_LOSS_PCT {
        return c.fail(
            format!(
                "{} answered {} of {} {what}{}",
                t.spec,
                s.ok,
                s.sent,
                detail(&s)
            ),
            "check the server and any firewall between the gateway and it",
            Some(Cause::Server),
        );
    }
    if s.failed > 0 {
        return c.warn(
            format!("{} failed {} of {} {what}", t.spec, s.failed, s.sent),
            "check the server's load and the path to it",
            Some(Cause::Server),
        );
    }
    let median = s.median_ms.unwrap_or(0.0);
    if median > CONNECT_SLOW_MS {
        return c.warn(
            format!("{} answers slowly: median {median:.0} ms", t.spec),
            "the server or the path to it is slow",
            Some(Cause::Server),
        );
    }
    c.ok(format!(
        "{} answered {} of {} {what}, median {median:.1} ms",
        t.spec, s.ok, s.sent
    ))
}

fn firewall(e: &Evidence, t: &TargetProbes) -> Check {
    let c = C::new("net.firewall", Area::Network, "Firewall on the port")
        .target(&t.spec)
        .threshold(
            "the port's connects time out (no answer, not even a refusal) while the host \
             answers ping and the gateway answers",
        );
    let port = t.port.unwrap_or(0);
    if t.address.is_none() {
        return c.not_run(format!("{} did not resolve", t.host));
    }
    let tcp = Stats::of(&t.connect);
    let ping = Stats::of(&t.ping);
    let gw = e.probes.gateway.as_ref().map(|(_, r)| Stats::of(r));
    let c = c
        .fact(fact("connect_timeouts", tcp.timeouts, None))
        .fact(fact("connects", tcp.sent, None))
        .fact(fact("pings_answered", ping.ok, None))
        .fact(fact("pings", ping.sent, None));
    if tcp.sent == 0 {
        return c.not_run("the port was not probed");
    }
    if tcp.timeouts == 0 {
        return c.ok(format!(
            "port {port} answers (or refuses) every connect: nothing drops it"
        ));
    }
    let gateway_ok = gw.as_ref().is_some_and(|g| g.ok > 0 && !g.all_failed());
    if ping.ok > 0 && gateway_ok && tcp.timeouts * 2 >= tcp.sent {
        return c.fail(
            format!(
                "{} answers ping but {} of {} connects to port {port} got no answer at all: \
                 a firewall drops the port",
                t.host, tcp.timeouts, tcp.sent
            ),
            &format!(
                "allow TCP port {port} to {} in the firewall (gateway, server or the network \
                 between)",
                t.host
            ),
            Some(Cause::Server),
        );
    }
    if ping.sent == 0 {
        return c.not_run(
            "the host could not be pinged, so a dropped port cannot be told from a dead host",
        );
    }
    if ping.ok == 0 {
        return c.not_run(format!(
            "{} answers neither ping nor port {port}: a dead host or a firewall dropping \
             everything, which cannot be told apart from here",
            t.host
        ));
    }
    c.ok(format!(
        "{} of {} connects timed out, but not steadily: no sign of a firewall",
        tcp.timeouts, tcp.sent
    ))
}

/// Whether the user's servers are held: none was given (nothing shows the
/// laptop's traffic gets through), or one of them failed a probe.
fn servers_held(e: &Evidence) -> bool {
    e.probes.targets.is_empty()
        || e.probes.targets.iter().any(|t| {
            let dns = Stats::of(&t.dns);
            let connect = Stats::of(&t.connect);
            dns.failed > 0 || t.address.is_none() || connect.failed > 0 || connect.sent == 0
        })
}

fn portal(e: &Evidence) -> Check {
    use super::http::Judged;
    use super::PortalEvidence as P;
    let c = C::new("net.portal", Area::Network, "Captive portal").threshold(
        "the connectivity-check URL gets its known answer (NetworkManager's rule); a redirect, \
         a 511 or another page instead is a captive portal: it fails when the servers given \
         are held too (or none was given), else warns",
    );
    let (url, address, status, location_host, judged, rtt_ms) = match &e.portal {
        P::Off => return c.not_run("turned off (--portal-url none)"),
        P::NotResolved { url, detail } => {
            return c.fact(fact("url", url.clone(), None)).not_run(format!(
                "{url} did not resolve ({detail}): this network has no way to the internet's \
                 names, so a captive portal cannot be tested"
            ))
        }
        P::NoAnswer {
            url,
            address,
            detail,
        } => {
            return c
                .fact(fact("url", url.clone(), None))
                .fact(fact("address", address.to_string(), None))
                .not_run(format!(
                    "{url} did not answer ({detail}): no way to the internet from here, so a \
                     captive portal cannot be tested"
                ))
        }
        P::Answered {
            url,
            address,
            status,
            location_host,
            judged,
            rtt_ms,
        } => (url, address, *status, location_host, *judged, *rtt_ms),
    };
    let c = c
        .fact(fact("url", url.clone(), None))
        .fact(fact("address", address.to_string(), None))
        .fact(fact("http_status", status, None))
        .fact(fact("redirect_host", opt(location_host.clone()), None))
        .fact(fact("time", round1(rtt_ms), Some("ms")));
    match judged {
        Judged::Expected => c.ok(format!(
            "{url} gave its known answer (HTTP {status}): nothing intercepts web traffic"
        )),
        Judged::Portal => {
            let to = location_host
                .as_deref()
                .map(|h| format!(" to {h}"))
                .unwrap_or_default();
            let what = if (300..400).contains(&status) {
                format!("redirected{to} (HTTP {status})")
            } else if status == 511 {
                "answered 511 Network Authentication Required".to_string()
            } else {
                format!("answered another page (HTTP {status})")
            };
            let finding =
                format!("a captive portal holds this laptop's web traffic: {url} was {what}");
            let next = "open a web browser and sign in on the portal's page, or join the \
                        clinic's own network (this may be a guest network)";
            if servers_held(e) {
                c.fail(finding, next, Some(Cause::Lan))
            } else {
                c.warn(
                    format!("{finding}; the servers given still answer"),
                    next,
                    Some(Cause::Lan),
                )
            }
        }
        Judged::Other => c.warn(
            format!(
                "{url} answered HTTP {status} instead of its known answer: a proxy or a web \
                 filter stands between this laptop and the internet"
            ),
            "check the proxy's or the web filter's rules for this laptop",
            None,
        ),
    }
}

fn past(id: &'static str, title: &'static str, p: &Past) -> Check {
    let c = C::new(id, Area::Past, title).threshold(format!(
        "one outage warns, {PAST_FAIL_OUTAGES} or more fail"
    ));
    let (source, hours, disconnects, roams, outages) = match p {
        Past::NotRun(why) => return c.not_run(why.clone()),
        Past::Read {
            source,
            hours,
            disconnects,
            roams,
            outages,
        } => (source, hours, disconnects, roams, outages),
    };
    let mut by_cause: Vec<(Cause, usize)> = Vec::new();
    for o in outages {
        match by_cause.iter_mut().find(|(c, _)| *c == o.cause) {
            Some((_, n)) => *n += 1,
            None => by_cause.push((o.cause, 1)),
        }
    }
    by_cause.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let causes: serde_json::Map<String, Value> = by_cause
        .iter()
        .map(|(c, n)| (c.label().to_string(), json!(n)))
        .collect();
    let c = c
        .fact(fact("source", source.clone(), None))
        .fact(fact("hours", *hours, Some("h")))
        .fact(fact("disconnects", *disconnects, None))
        .fact(fact("roams", *roams, None))
        .fact(fact("outages", outages.len(), None))
        .fact(fact("by_cause", Value::Object(causes), None));
    let span = format!("in the last {hours} h ({source})");
    if outages.is_empty() {
        return c.ok(format!(
            "no outage {span}; {disconnects} disconnects, {roams} roams"
        ));
    }
    let list: Vec<String> = by_cause
        .iter()
        .map(|(c, n)| format!("{n} {}", c.label()))
        .collect();
    let top = by_cause.first().map(|(c, _)| *c);
    let last = outages
        .last()
        .map(|o| o.summary.clone())
        .unwrap_or_default();
    let finding = format!(
        "{} outages {span}: {}; the last: {last}",
        outages.len(),
        list.join(", ")
    );
    let next = "read the outages with wifidiag history (or report for watch logs), and \
                leave wifidiag watch running to catch the next one";
    if outages.len() >= PAST_FAIL_OUTAGES {
        c.fail(finding, next, top)
    } else {
        c.warn(finding, next, top)
    }
}

fn round1(x: f64) -> f64 {
    crate::output::round_to(x, 1)
}

/// `3 min`, `2 h 5 min`, `45 s`.
pub fn human_secs(s: u64) -> String {
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}
