use super::timeline::{MarkKind, Timeline, MAX_POINTS, MAX_ROWS};
use super::*;
use crate::watch::event::{Millis, Record};

/// 2026-12-03T08:00:00Z
const T0: u64 = 1_796_284_800_000;

fn ts(ms: u64) -> String {
    Millis(T0 + ms).rfc3339()
}

fn rec(line: &str) -> Record {
    serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"))
}

fn sample(ms: u64, dbm: i32) -> Record {
    rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"sample","connected":true,"bssid":"02:00:00:00:00:01","channel":1,"signal_dbm":{dbm},"tx_bitrate_mbps":null,"tx_packets":null,"tx_retries":null,"tx_failed":null,"beacon_loss":null}}"#,
        ts(ms)
    ))
}

fn probe(ms: u64, target: &str, rtt: Option<u32>) -> Record {
    let (ok, outcome, rtt) = match rtt {
        Some(r) => ("true", "ok", r.to_string()),
        None => ("false", "timeout", "null".to_string()),
    };
    rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"probe","target":{},"role":"target","method":"tcp","outcome":"{outcome}","ok":{ok},"rtt_ms":{rtt},"detail":null}}"#,
        ts(ms),
        serde_json::to_string(target).unwrap()
    ))
}

fn outage(start: u64, end: u64, cause: &str, target: &str, summary: &str) -> Record {
    rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"outage","target":{},"start":"{}","end":"{}","duration_ms":{},"cause":"{cause}","evidence":[{{"ts":"{}","kind":"probe","target":{},"role":"target","method":"tcp","outcome":"refused","ok":false,"rtt_ms":null,"detail":"connection refused"}}],"summary":{}}}"#,
        ts(end),
        serde_json::to_string(target).unwrap(),
        ts(start),
        ts(end),
        end - start,
        ts(start),
        serde_json::to_string(target).unwrap(),
        serde_json::to_string(summary).unwrap()
    ))
}

fn disconnect(ms: u64) -> Record {
    rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"deauth","bssid":"02:00:00:00:00:01","reason":3,"reason_name":"deauth_leaving","by":"ap"}}"#,
        ts(ms)
    ))
}

fn roam(ms: u64) -> Record {
    rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"roamed","from_bssid":"02:00:00:00:00:01","to_bssid":"02:00:00:00:01:00","from_channel":1,"to_channel":6,"signal_before_dbm":-71,"signal_after_dbm":-48,"gap_ms":0}}"#,
        ts(ms)
    ))
}

fn fold(records: &[Record]) -> (Summary, Timeline) {
    let mut s = Summary::default();
    let mut t = Timeline::default();
    for r in records {
        s.observe(r);
        t.observe(r);
    }
    s.finish();
    (s, t)
}

fn page(records: &[Record]) -> String {
    let (s, t) = fold(records);
    render(&Page {
        files: &["watch.jsonl".to_string()],
        summary: &s,
        timeline: &t,
        diagnoses: &[],
        channels: &[],
        generated: "2026-12-03T09:00:00.000Z".into(),
    })
}

/// 100 s of samples once a second, two outages (lan at 20-30 s, server at
/// 60-65 s), a deauth at 40 s and a roam at 41 s.
fn known() -> Vec<Record> {
    let mut r: Vec<Record> = (0..=100)
        .map(|i| sample(i * 1000, -50 - (i % 7) as i32))
        .collect();
    r.push(outage(
        20_000,
        30_000,
        "lan",
        "10.0.0.5",
        "the gateway did not answer",
    ));
    r.push(outage(60_000, 65_000, "server", "10.0.0.5", "refused"));
    r.push(disconnect(40_000));
    r.push(roam(41_000));
    r
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

#[test]
fn the_chart_draws_one_band_per_outage_at_its_time_coloured_by_cause() {
    let (_, t) = fold(&known());
    let svg = chart::chart(&t).into_string();
    assert_eq!(count(&svg, "<svg "), 1);
    assert_eq!(count(&svg, r#"<rect class="band "#), 2, "{svg}");
    // The plot is 830 units wide from x=150 over 100 s: 8.3 per second.
    assert!(
        svg.contains(r##"<rect class="band lan" x="316.0" y="28.0" width="83.00""##),
        "{svg}"
    );
    assert!(
        svg.contains(r##"<rect class="band server" x="648.0" y="28.0" width="41.50""##),
        "{svg}"
    );
    assert!(svg.contains(r##"fill="#c9b3e6""##), "lan's colour");
    assert!(svg.contains(r##"fill="#f2dc7a""##), "server's colour");
    // The legend names the two causes seen, and only those.
    assert_eq!(count(&svg, r#"<rect class="swatch "#), 2);
    // One signal line through the 101 samples, unbroken.
    assert_eq!(count(&svg, r#"<path class="series signal""#), 1);
    let d = svg
        .split(r#"<path class="series signal" d=""#)
        .nth(1)
        .unwrap();
    let d = &d[..d.find('"').unwrap()];
    assert_eq!(count(d, "M"), 1);
    assert_eq!(count(d, "L"), 100);
    // The markers, each with its title.
    assert_eq!(count(&svg, r#"<g class="mark disconnect">"#), 1);
    assert_eq!(count(&svg, r#"<g class="mark roam">"#), 1);
    assert!(svg.contains("deauthenticated by 02:00:00:00:00:01: reason 3 (deauth_leaving)"));
    // The axis: a tick every 15 s from 08:00:00.
    assert!(
        svg.contains(">08:00:00<") && svg.contains(">08:01:30<"),
        "{svg}"
    );
    assert_eq!(count(&svg, r#"text-anchor="middle""#), 7);
}

#[test]
fn probes_draw_a_lane_per_target_with_losses_marked() {
    let mut r = known();
    for i in 0..50 {
        let rtt = if (20..25).contains(&i) {
            None
        } else {
            Some(10 + (i % 3) as u32)
        };
        r.push(probe(i * 2000, "server.example:443", rtt));
    }
    let (_, t) = fold(&r);
    let svg = chart::chart(&t).into_string();
    assert_eq!(count(&svg, r#"<g class="lane target">"#), 1);
    assert_eq!(count(&svg, r#"<path class="loss""#), 5);
    assert!(svg.contains("5 of 50 lost"));
    // The latency line breaks over the 10 s without an answer.
    let d = svg
        .split(r#"<path class="series latency" d=""#)
        .nth(1)
        .unwrap();
    let d = &d[..d.find('"').unwrap()];
    assert_eq!(count(d, "M"), 2, "{d}");
}

#[test]
fn a_month_of_samples_stays_within_the_points_of_a_series() {
    let mut t = Timeline::default();
    // 30 days, one sample every 10 s.
    for i in 0..259_200u64 {
        t.observe(&sample(i * 10_000, -60));
    }
    assert!(t.signal.len() <= MAX_POINTS, "{}", t.signal.len());
    assert!(t.signal.len() > MAX_POINTS / 2, "{}", t.signal.len());
    let n: u64 = t.signal.cells().map(|(_, s)| s.n).sum();
    assert_eq!(n, 259_200, "every sample is counted in a cell");
    let svg = chart::chart(&t).into_string();
    assert!(svg.len() < 100_000, "{}", svg.len());
}

#[test]
fn tables_keep_their_first_rows_and_exact_counts() {
    let mut t = Timeline::default();
    for i in 0..(MAX_ROWS as u64 + 500) {
        t.observe(&outage(i * 60_000, i * 60_000 + 5_000, "wifi", "s", "x"));
        t.observe(&roam(i * 60_000 + 10_000));
    }
    assert_eq!(t.outages.len(), MAX_ROWS);
    assert_eq!(t.outage_count, MAX_ROWS as u64 + 500);
    assert_eq!(t.roams.len(), MAX_ROWS);
    assert_eq!(t.roam_count, MAX_ROWS as u64 + 500);
    let banded: u64 = t.bands["wifi"].cells().map(|(_, m)| m.count).sum();
    assert_eq!(banded, MAX_ROWS as u64 + 500);
    assert!(t.bands["wifi"].len() <= MAX_POINTS);
    let roams: u64 = t.marks[&MarkKind::Roam].cells().map(|(_, m)| m.count).sum();
    assert_eq!(roams, MAX_ROWS as u64 + 500);
}

#[test]
fn coarse_bands_shade_the_time_in_outage_not_their_span() {
    // 10,000 outages of 1 s, one every 10 s: 10 % of the time.
    let mut t = Timeline::default();
    for i in 0..10_000u64 {
        t.observe(&outage(i * 10_000, i * 10_000 + 1_000, "wifi", "s", "x"));
    }
    assert!(t.bands["wifi"].len() <= MAX_POINTS);
    let shaded: u64 = t.bands["wifi"].cells().map(|(_, m)| m.total_ms).sum();
    assert_eq!(shaded, 10_000 * 1_000);
    let svg = chart::chart(&t).into_string();
    let widths: f64 = svg
        .split(r#"<rect class="band wifi" "#)
        .skip(1)
        .map(|r| {
            let w = r.split("width=\"").nth(1).unwrap();
            w[..w.find('"').unwrap()].parse::<f64>().unwrap()
        })
        .sum();
    let plot = chart::PLOT_W;
    assert!(
        widths > plot * 0.08 && widths < plot * 0.12,
        "the bands cover {widths} of {plot}"
    );
}

#[test]
fn merging_parts_is_folding_them_in_order() {
    let mut all = known();
    for i in 0..3000u64 {
        all.push(probe(i * 700, "a", Some((i % 40) as u32)));
        all.push(sample(i * 700 + 3, -40 - (i % 30) as i32));
    }
    let (_, whole) = fold(&all);
    for cut in [0, 1, 104, 3000, all.len()] {
        let (_, mut first) = fold(&all[..cut]);
        let (_, second) = fold(&all[cut..]);
        first.merge(second);
        assert_eq!(first, whole, "cut at {cut}");
    }
}

#[test]
fn every_string_from_a_log_is_escaped() {
    let evil = r#"<script>alert("x")</script> & 'q' "><img src=x onerror=alert(1)>"#;
    let mut r = known();
    r.push(rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"start","version":"0.1.0","hostname":{},"targets":[],"interval_ms":1000,"gateway":null}}"#,
        ts(0),
        serde_json::to_string(evil).unwrap()
    )));
    r.push(rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"connected","bssid":null,"freq_mhz":2412,"channel":1,"ssid":{},"status":0,"status_name":"success"}}"#,
        ts(1),
        serde_json::to_string(evil).unwrap()
    )));
    r.push(rec(&format!(
        r#"{{"ts":"{}","iface":"wlan0","kind":"pathology","pathology":"ping_pong","summary":{}}}"#,
        ts(2),
        serde_json::to_string(evil).unwrap()
    )));
    r.push(outage(70_000, 71_000, "dns", evil, evil));
    r.push(probe(5_000, evil, None));
    let html = page(&r);
    assert_eq!(count(&html, "<script"), 0, "{html}");
    assert_eq!(count(&html, "<img"), 0);
    assert!(!html.contains(r#"""><img"#));
    assert!(html
        .contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'q' &quot;&gt;&lt;img"));
    // In the title, the meta line, the verdicts, the tables and the chart's titles.
    assert!(
        count(&html, "&lt;script&gt;") >= 8,
        "{}",
        count(&html, "&lt;script&gt;")
    );
}

#[test]
fn the_page_leads_with_the_headline_and_verdicts_and_has_no_script_or_link() {
    let html = page(&known());
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    let headline = html.find("2 outages in 1 min 40 s of log: 1 local network, 1 server.");
    let chart = html.find("<svg ");
    let tables = html.find("<table>");
    assert!(headline.is_some(), "{html}");
    assert!(headline < chart && chart < tables);
    assert_eq!(count(&html, "<li style=\"border-left-color:"), 2);
    assert!(html.contains("@media print"));
    for external in ["<script", "<link", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(external), "{external}");
    }
}

#[test]
fn headlines() {
    let (s, t) = fold(&[sample(0, -50)]);
    assert_eq!(headline(&s, &t), "No outage in 0.0 s of log.");
    let (s, t) = fold(&[
        sample(0, -50),
        outage(1000, 2000, "wifi", "a", "x"),
        outage(3000, 4000, "lan", "a", "x"),
        outage(5000, 3_605_000, "lan", "a", "x"),
    ]);
    assert_eq!(
        headline(&s, &t),
        "3 outages in 1 h 0 min of log: 2 local network, 1 Wi-Fi."
    );
    assert_eq!(human_ms(6613), "6.6 s");
    assert_eq!(human_ms(192_000), "3 min 12 s");
    assert_eq!(human_ms(3 * 86_400_000 + 4 * 3_600_000), "3 d 4 h");
}

#[test]
fn a_point_alone_is_drawn_as_a_dot_and_an_empty_lane_says_so() {
    let (_, t) = fold(&[
        sample(0, -50),
        sample(1000, -50),
        sample(90_000, -60),
        probe(100_000, "a", Some(3)),
    ]);
    let svg = chart::chart(&t).into_string();
    let d = svg
        .split(r#"<path class="series signal" d=""#)
        .nth(1)
        .unwrap();
    let d = &d[..d.find('"').unwrap()];
    assert_eq!(count(d, "M"), 2, "{d}");
    assert!(d.ends_with("l0.1,0"), "{d}");
    let d = svg
        .split(r#"<path class="series latency" d=""#)
        .nth(1)
        .unwrap();
    let d = &d[..d.find('"').unwrap()];
    assert!(d.starts_with('M') && d.ends_with("l0.1,0"), "{d}");
    assert!(svg.contains(">no disconnect, roam or interface event<"));
}

#[test]
fn an_empty_timeline_draws_no_chart() {
    assert_eq!(chart::chart(&Timeline::default()).into_string(), "");
}

#[test]
fn a_diagnose_document_is_told_from_a_log_and_shown_escaped() {
    use super::diagnosis::{looks_like_document, render, section};
    let line = br#"{"schema":"wifidiag.event/1","ts":"2026-12-03T08:25:18.630Z","kind":"start"}"#;
    assert!(!looks_like_document(line));
    assert!(looks_like_document(
        b"{\n  \"schema\": \"wifidiag.diagnose/1\",\n"
    ));
    assert!(looks_like_document(
        br#"{"schema":"wifidiag.diagnose/1","checks":[]}"#
    ));
    let report = serde_json::json!({"schema": "wifidiag.report/2"});
    assert_eq!(section("r.json".into(), &report), None);
    let doc = serde_json::json!({
        "schema": "wifidiag.diagnose/1",
        "hostname": "<script>h</script>",
        "headline": {"text": "a \"quoted\" <i>headline</i> & more", "cause": "lan", "confidence": "high"},
        "checks": [
            {"area": "network", "title": "Gateway", "target": "10.0.0.1", "status": "fail",
             "finding": "<img src=x>", "next_step": "check the <switch>"},
            {"area": "link", "title": "Association", "status": "ok", "finding": "fine",
             "next_step": "not shown when ok"}
        ]
    });
    let d = section("d.json".into(), &doc).unwrap();
    assert_eq!(d.checks.len(), 2);
    assert_eq!(d.checks[0].title, "Gateway 10.0.0.1");
    let html = render(&d).into_string();
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<switch"));
    assert!(
        html.contains("a &quot;quoted&quot; &lt;i&gt;headline&lt;/i&gt; &amp; more"),
        "{html}"
    );
    assert!(html.contains("→ check the &lt;switch&gt;"));
    assert!(!html.contains("not shown when ok"));
    assert!(html.contains("local network"));
}

#[test]
fn a_channels_document_draws_a_bar_per_allowed_channel_of_each_band() {
    use super::channels::{band_chart, section};
    let ch = |c: u64, band: &str, score: f64, allowed: bool| serde_json::json!({"channel": c, "band": band, "score": score, "bss_count": 2, "allowed": allowed});
    let doc = serde_json::json!({
        "schema": "wifidiag.channels/1",
        "channels": [
            ch(36, "5GHz", 0.2, true), ch(40, "5GHz", 0.3, true), ch(144, "5GHz", 0.1, false),
            ch(1, "2.4GHz", 2.25, true), ch(6, "2.4GHz", 0.25, true), ch(11, "2.4GHz", 1.0, true)
        ],
        "recommendations": [{"band": "2.4GHz", "channel": 6, "current_channel": 1, "reasons": ["move <now>"]}],
        "own_network": [{"band": "2.4GHz", "channel": 1}]
    });
    let s = section("c.json".into(), &doc).unwrap();
    // The band of our network first; the disallowed channel left out.
    assert_eq!(s.bands[0].band, "2.4GHz");
    assert_eq!(
        (s.bands[0].current, s.bands[0].recommended),
        (Some(1), Some(6))
    );
    assert_eq!(s.bands[1].bars.len(), 2);
    assert_eq!(s.bands[1].current, None);
    let svg = band_chart(&s.bands[0]).into_string();
    assert_eq!(count(&svg, r#"<rect class="bar""#), 1);
    assert_eq!(count(&svg, r#"<rect class="bar current""#), 1);
    assert_eq!(count(&svg, r#"<rect class="bar recommended""#), 1);
    // Scores 2.25, 0.25, 1 on a 0..5 axis 120 high: heights 54, 6, 24.
    assert!(
        svg.contains(r#"height="54.0""#)
            && svg.contains(r#"height="6.0""#)
            && svg.contains(r#"height="24.0""#),
        "{svg}"
    );
    let html = super::channels::render(&s).into_string();
    assert!(html.contains("move &lt;now&gt;"));
    assert_eq!(
        section(
            "x".into(),
            &serde_json::json!({"schema": "wifidiag.diagnose/1"})
        ),
        None
    );
}

#[test]
fn a_document_is_redacted_in_its_free_text_too() {
    let r = crate::output::Redactor::from_key([7; crate::output::KEY_LEN]);
    let mut doc = serde_json::json!({
        "schema": "wifidiag.diagnose/1",
        "hostname": "laptop-7",
        "own_ssid": "ClinicNet",
        "checks": [{
            "title": "Association", "status": "ok",
            "finding": "associated with \"ClinicNet\" (00:1b:63:aa:bb:cc) from laptop-7",
            "evidence": [{"name": "ssid", "value": "ClinicNet"}, {"name": "bssid", "value": "00:1b:63:aa:bb:cc"}]
        }]
    });
    super::diagnosis::redact_document(&r, &mut doc);
    let text = doc.to_string();
    for secret in ["ClinicNet", "laptop-7", "00:1b:63:aa:bb:cc"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains(&r.ssid("ClinicNet")), "{text}");
}
