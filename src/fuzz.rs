//! Entry points for the coverage-guided fuzz targets in `fuzz/`
//! (cargo-fuzz, see `docs/fuzzing.md`). Not an API: hidden from the docs and
//! free to change.
//!
//! Each function takes the fuzzer's bytes, runs the code that reads them in
//! the tool (the same functions, not copies) and checks what must hold for
//! any input. A panic, here or below, is a bug: the tool reads these bytes
//! from the kernel, the network or files that anyone may have written.

use crate::escape;
use crate::model::ScanBss;
use crate::nl;
use crate::output::redact::Redactor;
use crate::output::Envelope;
use crate::report::scan::{BssEntry, ChannelEntry, ScanReport};
use crate::watch::event::{LineParse, Record};
use crate::watch::probe::icmp_packet::{classify_reply, echo_request, Expect, Reply};
use crate::watch::probe::target::{collect_targets, targets_file_specs, Target};
use crate::watch::read::LogReader;
use crate::watch::summary::{self, Summary};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;

/// A fixed envelope: [`Envelope::now`] would read the host name per input.
fn envelope(schema: &'static str) -> Envelope {
    Envelope {
        schema,
        tool_version: "fuzz",
        timestamp: "1970-01-01T00:00:00.000Z".into(),
        hostname: None,
    }
}

/// A key for the redaction checks (any key will do).
fn redactor() -> Redactor {
    Redactor::from_key([0x5a; crate::output::redact::KEY_LEN])
}

/// Terminal output must never carry a control character from the input.
fn assert_terminal_safe(text: &str) {
    assert!(
        !text.chars().any(|c| c != '\n' && escape::is_unsafe(c)),
        "unsafe character in terminal output: {text:?}"
    );
}

/// An error is one line for the user.
fn assert_one_line(text: &str) {
    assert!(!text.contains('\n'), "a multi-line error: {text:?}");
}

/// The information elements of one BSS: [`crate::ie::parse`] and every
/// derivation `wifidiag scan` makes from them.
pub fn ie(data: &[u8]) {
    use crate::freq::Band;
    use crate::ie;
    // The first two bytes choose the frequency the BSS was heard on (the
    // derivations compare the elements with it); the rest are the elements.
    let (freq, ies) = match data {
        [a, b, rest @ ..] => (u32::from(u16::from_le_bytes([*a, *b])), rest),
        _ => (2412, data),
    };
    let el = ie::parse(ies);
    for band in [Band::Ghz2_4, Band::Ghz5, Band::Ghz6] {
        let _ = ie::generation(&el, band);
    }
    let _ = ie::security(&el, false).label();
    let _ = ie::security(&el, true).label();
    let _ = ie::operating_channel(&el, freq);
    let bssid = crate::model::MacAddr([2, 0, 0, 0, 0, 1]);
    for mbssid in &el.multiple_bssid {
        let _ = ie::nontransmitted_bssids(bssid, mbssid);
    }
    if let Some(rsn) = &el.rsn {
        let _ = rsn.effective_akms();
    }
    // A scan of it: the view and its channel. (The table and the JSON are
    // the `nl80211` target's: rendering would take most of the time here.)
    let bss = ScanBss {
        bssid: Some(bssid),
        freq: Some(crate::model::Mhz(freq)),
        capability: Some(0x0011),
        ies: ies.to_vec(),
        ..ScanBss::default()
    };
    let views = crate::scan::analyse(&[bss]);
    let _ = crate::scan::channel_summary(&views);
    let _: Vec<BssEntry> = views.iter().map(BssEntry::from).collect();
}

/// The views, channel summary, table and JSON `wifidiag scan` makes of
/// decoded scan results.
fn scan_report(bsses: &[ScanBss]) {
    let views = crate::scan::analyse(bsses);
    let channels = crate::scan::channel_summary(&views);
    let report = ScanReport {
        envelope: envelope("wifidiag.scan/1"),
        interface: "wlan0".into(),
        fresh: true,
        scan_mode: Some("active"),
        notice: None,
        bss: views.iter().map(BssEntry::from).collect(),
        channels: channels.iter().map(ChannelEntry::from).collect(),
    };
    let mut table = Vec::new();
    report
        .write_human(&mut table, false)
        .expect("writing to memory");
    assert_terminal_safe(std::str::from_utf8(&table).expect("the table is UTF-8"));
    serde_json::to_vec(&report).expect("a scan report serializes");
}

/// One datagram of nl80211 replies as the request socket reads it (the
/// netlink header included), converted into our types by every converter
/// the tool has, and read as a multicast event.
pub fn nl80211(data: &[u8]) {
    // Answer for the sequence number of the first message, so that its
    // replies are taken as ours.
    let seq = data
        .get(8..12)
        .map_or(0, |s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]));
    let mut replies = Vec::new();
    if let Err(e) = nl::genl::read_replies(data, seq, &mut replies) {
        assert_one_line(&nl::genl_error("fuzz", e).to_string());
    }
    let mut bsses = Vec::new();
    let mut channels = Vec::new();
    for msg in &replies {
        let _ = nl::events::from_nl80211(msg);
        let attrs = &msg.attributes;
        let _ = nl::interface_from_attrs(attrs);
        let _ = nl::station_from_attrs(attrs);
        let _ = nl::survey_from_attrs(attrs);
        let _ = nl::reg_domain_from_attrs(attrs);
        nl::phy_channels_from_attrs(attrs, &mut channels);
        bsses.extend(nl::scan_bss_from_attrs(attrs));
    }
    for band in [None, Some(crate::freq::Band::Ghz2_4)] {
        let _ = crate::scan::scan_frequencies(&channels, band);
    }
    if !bsses.is_empty() {
        scan_report(&bsses);
    }
}

/// One datagram from an rtnetlink socket: multicast events (`watch`) and
/// the link, address and route dumps (`status`, `watch`).
pub fn rtnetlink(data: &[u8]) {
    nl::listen::rtnetlink_datagram(data, |event| {
        let _ = format!("{event:?}");
        true
    });
    let mut replies = Vec::new();
    if let Err(e) = nl::route::read_dump_datagram("fuzz dump", data, &mut replies) {
        assert_one_line(&e.to_string());
    }
    let state = nl::route::ip_state_from(replies.clone(), replies.clone(), replies);
    let _ = state.default_route();
    for link in &state.links {
        let _ = state.addresses_of(link.ifindex).count();
    }
}

/// A `--log` file: every record the reader hands out, through `report`
/// (redaction, summary, table and JSON), and each record written back
/// reads back equal.
pub fn log_lines(data: &[u8]) {
    let mut reader = LogReader::new(data);
    let redactor = redactor();
    let mut summary = Summary::default();
    while let Some(record) = reader.next_record().expect("reading memory") {
        check_record(&record);
        let mut v = record.to_json_value();
        redactor.apply(&mut v);
        let record = serde_json::from_value(v).unwrap_or(record);
        summary.observe(&record);
    }
    let stats = reader.stats();
    assert_eq!(
        stats.lines,
        stats.events
            + stats.blank
            + stats.corrupt
            + stats.invalid
            + stats.other_schema
            + stats.unknown_kind,
        "{stats:?}"
    );
    summary.finish();
    let mut table = Vec::new();
    summary::render(&mut table, &summary, false).expect("writing to memory");
    assert_terminal_safe(std::str::from_utf8(&table).expect("the table is UTF-8"));
    let doc = summary::ReportDoc {
        envelope: envelope(summary::SCHEMA),
        files: vec!["fuzz.jsonl".into()],
        lines: stats,
        summary: &summary,
    };
    serde_json::to_vec(&doc).expect("a report serializes");
}

/// One log line parsed on its own, as `report` parses each line.
pub fn log_line(data: &[u8]) {
    if let Ok(LineParse::Event { record, .. }) = serde_json::from_slice::<LineParse>(data) {
        check_record(&record);
    }
}

/// A record written back as a line reads back equal, and its human line is
/// safe for a terminal.
fn check_record(record: &Record) {
    let line = record.to_json_line();
    assert!(!line.contains('\n'), "a log line with a newline: {line:?}");
    match serde_json::from_str::<LineParse>(&line) {
        Ok(LineParse::Event {
            record: again,
            unknown_fields: 0,
        }) => assert_eq!(&again, record, "{line}"),
        other => panic!("{line} read back as {other:?}"),
    }
    assert_terminal_safe(&record.to_human());
}

/// `--target` values and `--targets-file` text.
pub fn targets(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for spec in std::iter::once(text).chain(text.lines()) {
        match Target::parse(spec) {
            // The canonical text reads back as the same target.
            Ok(target) => assert_eq!(
                Target::parse(&target.to_string()).as_ref(),
                Ok(&target),
                "{spec:?} -> {target}"
            ),
            Err(why) => assert!(!why.contains('\n'), "a multi-line error: {why:?}"),
        }
    }
    let _ = targets_file_specs(text);
    if let Err(why) = collect_targets(&[], Some((Path::new("targets"), text))) {
        assert!(!why.contains('\n'), "a multi-line error: {why:?}");
    }
}

/// The captive-portal check's HTTP: the input as a `--portal-url` and as
/// the reply a server (or a portal) sent.
pub fn portal_http(data: &[u8]) {
    use crate::diagnose::http::{self, HttpUrl, Judged};
    if let Ok(text) = std::str::from_utf8(data) {
        match HttpUrl::parse(text) {
            // The canonical text reads back as the same URL, and the
            // request is one head: no line break from the URL gets in.
            Ok(url) => {
                assert_eq!(
                    HttpUrl::parse(&url.to_string()).as_ref(),
                    Ok(&url),
                    "{text:?}"
                );
                let request = String::from_utf8(http::request(&url)).expect("ASCII request");
                assert_eq!(request.matches("\r\n\r\n").count(), 1, "{request:?}");
                assert_eq!(request.matches('\n').count(), 7, "{request:?}");
            }
            Err(why) => assert!(!why.contains('\n'), "a multi-line error: {why:?}"),
        }
    }
    let _ = http::reply_is_whole(data);
    if let Ok(Some(reply)) = http::parse_reply(data) {
        assert!(reply.body.len() <= data.len());
        if let Some(host) = reply.location_host() {
            // Only a host's characters: no query, no path, nothing for a
            // terminal to act on.
            assert!(
                host.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':')),
                "{host:?}"
            );
        }
        for expect in ["", http::DEFAULT_RESPONSE] {
            let judged = http::judge(&reply, expect);
            if judged == Judged::Expected {
                assert!((200..300).contains(&reply.status), "{reply:?}");
            }
        }
    }
}

/// A packet read from an ICMP socket, against the request we sent.
///
/// The first byte chooses the kind of socket (IPv6, raw IPv4 with the IP
/// header, a kernel-owned identifier) and whether the packet came from the
/// destination; then the identifier and sequence number; the rest is the
/// packet.
pub fn icmp(data: &[u8]) {
    let Some((&[flags, id0, id1, seq0, seq1], packet)) = data.split_first_chunk::<5>() else {
        return;
    };
    let v6 = flags & 1 != 0;
    let dest = if v6 {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 10))
    } else {
        IpAddr::V4(Ipv4Addr::new(10, 77, 1, 10))
    };
    let other = if v6 {
        IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1))
    } else {
        IpAddr::V4(Ipv4Addr::new(10, 77, 0, 1))
    };
    let expect = Expect {
        v6,
        ip_header: !v6 && flags & 2 != 0,
        id: (flags & 4 == 0).then(|| u16::from_be_bytes([id0, id1])),
        seq: u16::from_be_bytes([seq0, seq1]),
        dest,
        payload: *b"wifidiag-fuzz-16",
    };
    let from = if flags & 8 == 0 { dest } else { other };
    let _ = classify_reply(packet, from, &expect);

    // Our own request, answered: always recognised as our echo reply.
    let id = expect.id.unwrap_or(0x4242);
    let mut reply = echo_request(v6, id, expect.seq, &expect.payload);
    reply[0] = if v6 { 129 } else { 0 };
    if expect.ip_header {
        let mut ip = vec![0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0];
        ip.extend([10, 77, 1, 10, 10, 77, 0, 99]);
        ip.extend(reply);
        reply = ip;
    }
    assert_eq!(classify_reply(&reply, dest, &expect), Reply::Echo);
}

/// Text files the tool reads: `/etc/resolv.conf`, `/proc/locks`.
pub fn proc_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crate::model::parse_resolv_conf(text);
    // Device and inode from the first line, so that matches are reachable.
    let (dev, ino) = text
        .lines()
        .next()
        .and_then(|l| l.split_once(' '))
        .and_then(|(d, i)| Some((d.parse().ok()?, i.parse().ok()?)))
        .unwrap_or((0xfe01, 1234));
    let _ = crate::watch::log::flock_holder(text, dev, ino);
}

/// One log message through `history`'s parsers, as each of the programs
/// it reads (the kernel, wpa_supplicant, NetworkManager, iwd): the same
/// text, since anyone's SSID can be in any of their lines. What a fact
/// carries comes from the line: its interface name and texts are in it.
pub fn history_parse(data: &[u8]) {
    use crate::history::{parse::parse, FactKind, LogLine, Origin};
    let message = String::from_utf8_lossy(data);
    for origin in [
        Origin::Kernel,
        Origin::WpaSupplicant,
        Origin::NetworkManager,
        Origin::Iwd,
    ] {
        let line = LogLine {
            usec: 0,
            origin,
            message: &message,
        };
        let Some(fact) = parse(&line) else {
            continue;
        };
        if let Some(iface) = &fact.iface {
            assert!(
                !iface.is_empty() && message.contains(iface.as_str()),
                "{iface:?} not in {message:?}"
            );
        }
        let texts: Vec<&str> = match &fact.kind {
            FactKind::DeviceState { from, to, reason } => {
                let mut texts = vec![from.as_str(), to.as_str()];
                texts.extend(reason.as_deref());
                texts
            }
            FactKind::DriverError { detail, .. } => vec![detail.as_str()],
            _ => vec![],
        };
        for text in texts {
            assert!(message.contains(text), "{text:?} not in {message:?}");
        }
    }
    history_sources(data);
}

/// The same bytes as `history`'s sources hand them over: a line of
/// `journalctl -o json`, a line of a syslog file (RFC 3339 or traditional
/// time, at the edges of the years and offsets the reader uses) and a
/// `/dev/kmsg` record. The message a source gives back is text of the
/// line.
fn history_sources(data: &[u8]) {
    use crate::history::source::{journal_line, kmsg_record, parse_rfc3339, syslog_line};
    let _ = journal_line(data);
    let text = String::from_utf8_lossy(data);
    let _ = parse_rfc3339(&text);
    for (year, offset) in [(2026, 0), (1970, 14 * 3600), (9999, -12 * 3600)] {
        if let Some((_, _, message)) = syslog_line(&text, year, offset) {
            assert!(text.contains(message), "{message:?} not in {text:?}");
        }
    }
    if let Some((_, message)) = kmsg_record(&text) {
        assert!(text.contains(message), "{message:?} not in {text:?}");
    }
}

/// Redaction of free text and of JSON documents (summaries, notes, log
/// lines: text that came from the kernel, the network or a log file).
pub fn redact(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let r = redactor();
    let out = r.redact_text(text);
    // No MAC address of the input is left in the output: compared as whole
    // words (a word "aa:bb:cc:dd:ee:ff" of the input is none of the output's
    // words) so that digits next to a pseudonym, which may spell any MAC,
    // do not count. A word that is the pseudonym of one of the input's MACs
    // may appear (the fuzzer learns pseudonyms from these comparisons).
    let pseudonyms: Vec<String> = macs(text, false).iter().map(|m| r.mac(m)).collect();
    let left = macs(&out, true);
    for mac in macs(text, true) {
        if !pseudonyms.contains(&mac) {
            assert!(!left.contains(&mac), "{mac} left in {out:?}");
        }
    }
    let _ = r.mac(text);
    let _ = r.ssid(text);
    let _ = r.hostname(text);
    assert_terminal_safe(&escape::terminal_safe(text));
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) {
        r.apply(&mut value);
    }
}

/// The MAC addresses (`aa:bb:cc:dd:ee:ff`, any case; in lower case) of a
/// text, from left to right, not overlapping; with `words`, only those
/// neither preceded by a hex digit, ':' or '.' nor followed by a hex digit.
fn macs(text: &str, words: bool) -> Vec<String> {
    let b = text.as_bytes();
    let is_mac = |w: &[u8]| {
        w.iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b':'
            } else {
                c.is_ascii_hexdigit()
            }
        })
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i + 17 <= b.len() {
        if !is_mac(&b[i..i + 17]) {
            i += 1;
            continue;
        }
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + 17);
        let word = !before.is_some_and(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
            && !after.is_some_and(|c| c.is_ascii_hexdigit());
        if word || !words {
            out.push(text[i..i + 17].to_ascii_lowercase());
        }
        i += 17;
    }
    out
}

/// One record of every kind, as the tool writes them: the seed of the log
/// targets (`fuzz/seed` writes it out through the test below).
pub fn sample_records() -> Vec<Record> {
    use crate::model::{MacAddr, Mhz};
    use crate::watch::event::{Cause, Crossing, Initiator, Kind, Millis};
    use crate::watch::probe::{ProbeMethod, ProbeOutcome, ProbeRole};
    let ap = Some(MacAddr([0x02, 0, 0, 0, 0x01, 0]));
    let ap2 = Some(MacAddr([0x02, 0, 0, 0, 0x02, 0]));
    let gw = Some(IpAddr::V4(Ipv4Addr::new(10, 77, 0, 1)));
    let probe = |ok: bool| Kind::Probe {
        target: "emr.clinic.lan:443".into(),
        role: ProbeRole::Target,
        method: ProbeMethod::Tcp,
        outcome: if ok {
            ProbeOutcome::Ok
        } else {
            ProbeOutcome::Timeout
        },
        ok,
        rtt_ms: ok.then_some(1.25),
        detail: (!ok).then(|| "no answer within 1000 ms".into()),
    };
    let kinds = vec![
        Kind::Start {
            version: "0.1.0".into(),
            hostname: Some("reception-1".into()),
            site: Some("clinic-north".into()),
            targets: vec!["emr.clinic.lan:443".into(), "10.77.1.10".into()],
            interval_ms: 1000,
            gateway: gw,
        },
        Kind::connected(ap, Some(Mhz(2412)), Some("clinic".into()), 0),
        Kind::connected(ap2, Some(Mhz(5180)), None, 17),
        Kind::Sample {
            connected: true,
            bssid: ap,
            channel: Some(1),
            signal_dbm: Some(-71),
            tx_bitrate_mbps: Some(65.0),
            tx_packets: Some(120),
            tx_retries: Some(14),
            tx_failed: Some(1),
            beacon_loss: Some(0),
        },
        probe(true),
        Kind::CqmRssi {
            crossing: Crossing::Low,
            signal_dbm: Some(-80),
        },
        Kind::CqmPacketLoss { packets: 50 },
        Kind::CqmBeaconLoss,
        Kind::deauth(ap, 3, Initiator::Ap),
        Kind::disassoc(ap, 8, Initiator::Local),
        Kind::disconnected(ap, 7, Initiator::Ap),
        Kind::Link { up: false },
        Kind::AddressRemoved {
            address: "10.77.0.23/24".into(),
        },
        Kind::DefaultRoute { gateway: None },
        probe(false),
        Kind::Roamed {
            from_bssid: ap,
            to_bssid: ap2,
            from_channel: Some(1),
            to_channel: Some(36),
            signal_before_dbm: Some(-78),
            signal_after_dbm: Some(-55),
            gap_ms: 2300,
        },
        Kind::Link { up: true },
        Kind::AddressAdded {
            address: "fe80::ff:fe00:100/64".into(),
        },
        Kind::DefaultRoute { gateway: gw },
        Kind::InterfaceRemoved {
            name: Some("wlan0".into()),
        },
        Kind::InterfaceAdded {
            name: Some("wlx020000000100".into()),
        },
        Kind::Outage {
            target: "emr.clinic.lan:443".into(),
            start: Millis(1_795_905_461_000),
            end: Millis(1_795_905_465_000),
            duration_ms: 4000,
            cause: Cause::Wifi,
            evidence: vec![crate::watch::event::Evidence {
                ts: Millis(1_795_905_461_500),
                kind: Kind::deauth(ap, 3, Initiator::Ap),
            }],
            summary: "deauthenticated by 02:00:00:00:01:00 (reason 3)".into(),
        },
        Kind::Pathology {
            pathology: "ping_pong".into(),
            summary: "roamed 02:00:00:00:01:00 <-> 02:00:00:00:02:00 3 times in 60 s".into(),
        },
        Kind::Suspended {
            since: Millis(1_795_905_470_000),
            duration_ms: 60_000,
        },
        Kind::ClockStep { offset_ms: -3600 },
        Kind::Scan {
            fresh: true,
            bsses: vec![crate::watch::event::ScanHeard {
                bssid: crate::model::MacAddr([2, 0, 0, 0, 3, 0]),
                ssid: Some("Cafe \\x1b[31m".into()),
                freq_mhz: Mhz(2437),
                channel: Some(6),
                width_mhz: 20,
                center_freq_mhz: Mhz(2437),
                center_freq2_mhz: None,
                signal_dbm: Some(-61),
                utilization_pct: Some(12.5),
                associated: false,
            }],
        },
        Kind::Stop {
            reason: "--for elapsed".into(),
            outages: 1,
        },
    ];
    kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| {
            Record::new(
                Millis(1_795_905_459_123 + 500 * i as u64),
                Some("wlan0"),
                kind,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::watch::event::Kind;

    /// Fails to compile when a kind is added: add it to [`sample_records`].
    fn kind_number(kind: &Kind) -> usize {
        match kind {
            Kind::Start { .. } => 0,
            Kind::Stop { .. } => 1,
            Kind::Connected { .. } => 2,
            Kind::ConnectFailed { .. } => 3,
            Kind::Disconnected { .. } => 4,
            Kind::Deauth { .. } => 5,
            Kind::Disassoc { .. } => 6,
            Kind::Roamed { .. } => 7,
            Kind::CqmRssi { .. } => 8,
            Kind::CqmPacketLoss { .. } => 9,
            Kind::CqmBeaconLoss => 10,
            Kind::Link { .. } => 11,
            Kind::AddressAdded { .. } => 12,
            Kind::AddressRemoved { .. } => 13,
            Kind::DefaultRoute { .. } => 14,
            Kind::InterfaceAdded { .. } => 15,
            Kind::InterfaceRemoved { .. } => 16,
            Kind::Sample { .. } => 17,
            Kind::Probe { .. } => 18,
            Kind::Outage { .. } => 19,
            Kind::Pathology { .. } => 20,
            Kind::Suspended { .. } => 21,
            Kind::ClockStep { .. } => 22,
            Kind::Scan { .. } => 23,
        }
    }

    /// The log seed has every kind, and passes the fuzz targets' checks.
    /// With `WIFIDIAG_FUZZ_SEED_LOG=FILE` it also writes the log to FILE
    /// (what `fuzz/seed` does).
    #[test]
    fn sample_records_cover_every_kind() {
        let records = sample_records();
        let mut seen = [false; 24];
        for r in &records {
            seen[kind_number(&r.kind)] = true;
        }
        assert!(seen.iter().all(|s| *s), "{seen:?}");
        let log: String = records.iter().map(|r| r.to_json_line() + "\n").collect();
        log_lines(log.as_bytes());
        let mut reader = LogReader::new(log.as_bytes());
        let mut read = Vec::new();
        while let Some(r) = reader.next_record().unwrap() {
            read.push(r);
        }
        assert_eq!(read, records);
        if let Some(path) = std::env::var_os("WIFIDIAG_FUZZ_SEED_LOG") {
            std::fs::write(path, log).expect("writing the seed log");
        }
    }
}
