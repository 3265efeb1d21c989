//! Table-driven tests of the scoring model (docs/channel-scoring.md).

use super::*;
use crate::ie::{PhyGeneration, Security};

fn ch(band: Band, number: u16) -> Channel {
    Channel { band, number }
}

fn phy(freqs: &[u32]) -> Vec<PhyChannel> {
    freqs
        .iter()
        .map(|&f| PhyChannel {
            freq: Mhz(f),
            ..Default::default()
        })
        .collect()
}

/// 2.4 GHz channels 1..=11 (US-like), or 1..=13 (EU-like).
fn phy_2g(thirteen: bool) -> Vec<PhyChannel> {
    let last = if thirteen { 13 } else { 11 };
    phy(&(1..=last).map(|n| 2407 + 5 * n).collect::<Vec<_>>())
}

/// A neighbour BSS: MAC last two octets, primary freq, width/centre, signal, load.
fn bss(
    mac: [u8; 2],
    freq: u32,
    width: u32,
    centre: u32,
    signal: i32,
    util: Option<f64>,
    ssid: &str,
) -> BssView {
    BssView {
        bssid: MacAddr([2, 0, 0, 0, mac[0], mac[1]]),
        ssid: (!ssid.is_empty()).then(|| Ssid(ssid.as_bytes().to_vec())),
        freq: Mhz(freq),
        channel: freq::channel_of(freq).map(|c| c.number),
        band: freq::channel_of(freq).map(|c| c.band),
        width_mhz: width,
        center_freq: Mhz(centre),
        center_freq2: None,
        signal: Some(Dbm(signal)),
        security: Security::Wpa2Psk,
        generation: Some(PhyGeneration::N),
        station_count: util.map(|_| 5),
        channel_utilization_pct: util,
        admission_capacity: None,
        country: None,
        ft: false,
        rrm_neighbor_report: false,
        bss_transition: false,
        associated: false,
        age_ms: Some(100),
        radio: 0,
        element_issues: 0,
    }
}

fn g20(mac: [u8; 2], chan: u16, signal: i32, ssid: &str) -> BssView {
    let f = 2407 + 5 * u32::from(chan);
    bss(mac, f, 20, f, signal, None, ssid)
}

fn inputs<'a>(
    phy: &'a [PhyChannel],
    samples: &'a [Vec<BssView>],
    own: Option<&'a Ssid>,
) -> ChannelInputs<'a> {
    ChannelInputs {
        phy_channels: phy,
        samples,
        observed: None,
        survey: &[],
        own_ssid: own,
        width_mhz: 20,
        fresh: true,
        complete: true,
    }
}

fn score(a: &ChannelAnalysis, band: Band, n: u16) -> f64 {
    a.channels
        .iter()
        .find(|c| c.channel == ch(band, n))
        .and_then(|c| c.score)
        .unwrap_or_else(|| panic!("no score for {band} {n}"))
}

fn rec(a: &ChannelAnalysis, band: Band) -> &Recommendation {
    a.recommendations
        .iter()
        .find(|r| r.band == band)
        .unwrap_or_else(|| panic!("no {band} recommendation"))
}

#[test]
fn signal_weight_is_in_milliwatts_and_saturates() {
    let cases = [
        (-40, 0.999),
        (-60, 0.969),
        (-75, 0.5),
        (-85, 0.091),
        (-95, 0.0099),
    ];
    for (dbm, expected) in cases {
        let w = signal_weight(Some(Dbm(dbm)));
        assert!(
            (w - expected).abs() < 0.001,
            "{dbm} dBm → {w}, expected {expected}"
        );
    }
    // −40 dBm counts far more than −85 dBm.
    assert!(signal_weight(Some(Dbm(-40))) > 10.0 * signal_weight(Some(Dbm(-85))));
}

#[test]
fn load_factor_uses_bss_load_when_advertised() {
    assert_eq!(load_factor(None), LOAD_UNKNOWN);
    assert_eq!(load_factor(Some(0.0)), 0.5);
    assert_eq!(load_factor(Some(80.0)), 1.3);
    assert_eq!(load_factor(Some(250.0)), 1.5);
}

#[test]
fn co_channel_weighs_more_than_adjacent_and_1_6_do_not_overlap() {
    let phy = phy_2g(false);
    let samples = vec![vec![g20([1, 0], 1, -50, "neighbour")]];
    let a = analyse(inputs(&phy, &samples, None));
    let expected = [
        (1, 1.0),
        (2, 17.0 / 22.0),
        (3, 12.0 / 22.0),
        (5, 2.0 / 22.0),
        (6, 0.0),
    ];
    let full = signal_weight(Some(Dbm(-50))) * LOAD_UNKNOWN;
    for (n, share) in expected {
        let s = score(&a, Band::Ghz2_4, n);
        assert!(
            (s - round_to(full * share, 2)).abs() < 0.011,
            "channel {n}: {s} vs {}",
            full * share
        );
    }
    assert!(score(&a, Band::Ghz2_4, 1) > score(&a, Band::Ghz2_4, 3));
}

#[test]
fn recommends_6_when_1_and_11_are_crowded() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let samples = vec![vec![
        g20([0, 0], 1, -35, "clinic"), // ours
        g20([1, 0], 1, -45, "neighbour-a"),
        g20([2, 0], 1, -60, "neighbour-b"),
        g20([3, 0], 11, -50, "neighbour-c"),
        g20([4, 0], 11, -55, "neighbour-d"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    let r = rec(&a, Band::Ghz2_4);
    assert_eq!(r.channel, 6);
    assert_eq!(r.current_channel, Some(1));
    assert!(r.score < r.current_score.unwrap());
    assert!(
        r.reasons[0].starts_with("move from channel 1 to 6"),
        "{:?}",
        r.reasons
    );
    assert!(
        r.reasons[0].contains("2 neighbour radios"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn stays_on_the_current_channel_when_it_is_best() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let samples = vec![vec![
        g20([0, 0], 6, -35, "clinic"),
        g20([1, 0], 1, -45, "neighbour-a"),
        g20([3, 0], 11, -50, "neighbour-c"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    let r = rec(&a, Band::Ghz2_4);
    assert_eq!((r.channel, r.current_channel), (6, Some(6)));
    assert!(
        r.reasons[0].starts_with("stay on channel 6"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn small_gains_do_not_justify_a_move() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    // Channel 1 has one weak neighbour (weight 0.24); 6 and 11 are empty:
    // the gain is more than a tie but below the switching margin.
    let samples = vec![vec![
        g20([0, 0], 1, -35, "clinic"),
        g20([1, 0], 1, -80, "far"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    let r = rec(&a, Band::Ghz2_4);
    assert_eq!(r.channel, 1);
    assert!(
        r.reasons[0].contains("not clearly better"),
        "{:?}",
        r.reasons
    );
}

#[test]
fn own_network_and_its_virtual_ssids_are_excluded() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let samples = vec![vec![
        g20([0, 0], 1, -30, "clinic"),
        g20([0, 1], 1, -30, "clinic-guest"), // our AP's guest SSID
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    assert_eq!(score(&a, Band::Ghz2_4, 1), 0.0);
    assert_eq!(a.radios.len(), 1);
    assert!(a.radios[0].own);
    // Without knowing the own SSID, the same radio is interference.
    let b = analyse(inputs(&phy, &samples, None));
    assert!(score(&b, Band::Ghz2_4, 1) > 0.9);
}

#[test]
fn virtual_ssids_of_one_radio_count_once() {
    let phy = phy_2g(false);
    let one_radio = vec![vec![
        g20([5, 0], 6, -50, "a"),
        g20([5, 1], 6, -50, "b"),
        g20([5, 2], 6, -50, "c"),
    ]];
    let three_radios = vec![vec![
        g20([5, 0], 6, -50, "a"),
        g20([6, 0], 6, -50, "b"),
        g20([7, 0], 6, -50, "c"),
    ]];
    let a = analyse(inputs(&phy, &one_radio, None));
    let b = analyse(inputs(&phy, &three_radios, None));
    let c6 = a
        .channels
        .iter()
        .find(|c| c.channel == ch(Band::Ghz2_4, 6))
        .unwrap();
    assert_eq!((c6.bss_count, c6.radio_count), (3, 1));
    assert!((score(&b, Band::Ghz2_4, 6) - 3.0 * score(&a, Band::Ghz2_4, 6)).abs() < 0.02);
}

#[test]
fn wide_neighbours_occupy_several_20_mhz_channels() {
    let phy = phy(&[5180, 5200, 5220, 5240, 5260, 5280]);
    // An 80 MHz neighbour with primary 36 (5180), centred on 5210.
    let samples = vec![vec![bss([1, 0], 5180, 80, 5210, -50, None, "wide")]];
    let a = analyse(inputs(&phy, &samples, None));
    let full = score(&a, Band::Ghz5, 36);
    assert!(full > 0.9);
    for n in [40, 44, 48] {
        // Its secondary channels: half weight for a 20 MHz candidate.
        let s = score(&a, Band::Ghz5, n);
        assert!(
            (s - round_to(full * SECONDARY_OVERLAP, 2)).abs() < 0.011,
            "channel {n}: {s}"
        );
    }
    assert_eq!(score(&a, Band::Ghz5, 52), 0.0);

    // A 40 MHz neighbour on 2.4 GHz (primary 1, secondary 5, centre 2422)
    // covers channels 1–9 with decreasing overlap and leaves 11 alone.
    let phy = phy_2g(false);
    let samples = vec![vec![bss([2, 0], 2412, 40, 2422, -50, None, "ht40")]];
    let a = analyse(inputs(&phy, &samples, None));
    assert!(score(&a, Band::Ghz2_4, 5) > score(&a, Band::Ghz2_4, 6));
    assert!(
        score(&a, Band::Ghz2_4, 6) > 0.3,
        "a 40 MHz neighbour on 1+5 reaches 6"
    );
    assert!(score(&a, Band::Ghz2_4, 9) < 0.1);
    assert_eq!(score(&a, Band::Ghz2_4, 11), 0.0);
}

#[test]
fn wider_candidate_blocks_collect_everything_inside() {
    let phy = phy(&[5180, 5200, 5220, 5240, 5260, 5280, 5300, 5320]);
    let samples = vec![vec![bss([1, 0], 5220, 20, 5220, -50, None, "on-44")]];
    let mut input = inputs(&phy, &samples, None);
    input.width_mhz = 80;
    let a = analyse(input);
    // Every primary of the 36–48 block sees the neighbour on 44; 52–64 not.
    for n in [36, 40, 44, 48] {
        assert!(score(&a, Band::Ghz5, n) > 0.9, "channel {n}");
    }
    for n in [52, 56, 60, 64] {
        assert_eq!(score(&a, Band::Ghz5, n), 0.0, "channel {n}");
    }
    assert_eq!(rec(&a, Band::Ghz5).width_mhz, 80);
    assert_eq!(rec(&a, Band::Ghz5).channel, 52);
}

#[test]
fn dfs_only_when_clearly_better() {
    let mut phy = phy(&[5180, 5200, 5260, 5280]);
    for c in phy.iter_mut().filter(|c| c.freq.0 >= 5260) {
        c.radar = true;
    }
    // 36 is busy, 40 a little, 52/56 (DFS) empty.
    let little = vec![vec![
        bss([1, 0], 5180, 20, 5180, -50, None, "x"),
        bss([2, 0], 5200, 20, 5200, -88, None, "y"),
    ]];
    let a = analyse(inputs(&phy, &little, None));
    let r = rec(&a, Band::Ghz5);
    assert_eq!(
        r.channel, 40,
        "a small gain does not justify DFS: {:?}",
        r.reasons
    );

    let busy = vec![vec![
        bss([1, 0], 5180, 20, 5180, -50, None, "x"),
        bss([2, 0], 5200, 20, 5200, -50, None, "y"),
    ]];
    let b = analyse(inputs(&phy, &busy, None));
    let r = rec(&b, Band::Ghz5);
    assert_eq!(r.channel, 52);
    assert!(
        r.reasons
            .iter()
            .any(|s| s.contains("DFS") && s.contains("radar")),
        "{:?}",
        r.reasons
    );
    let c52 = b
        .channels
        .iter()
        .find(|c| c.channel == ch(Band::Ghz5, 52))
        .unwrap();
    assert!(c52.dfs);
}

#[test]
fn no_ir_channels_only_when_nothing_else_and_flagged() {
    // 40 is passive-only here: 44 wins although 40 is as quiet.
    let mut phy = phy(&[5180, 5200, 5220]);
    phy[1].no_ir = true;
    let busy36 = vec![vec![bss([1, 0], 5180, 20, 5180, -50, None, "x")]];
    let a = analyse(inputs(&phy, &busy36, None));
    assert_eq!(rec(&a, Band::Ghz5).channel, 44);
    let c40 = a
        .channels
        .iter()
        .find(|c| c.channel == ch(Band::Ghz5, 40))
        .unwrap();
    assert!(c40.no_ir && c40.allowed);
    // World domain: every channel passive-only: still a recommendation, flagged.
    for c in phy.iter_mut() {
        c.no_ir = true;
    }
    let b = analyse(inputs(&phy, &busy36, None));
    let r = rec(&b, Band::Ghz5);
    assert_eq!(r.channel, 40);
    assert!(
        r.reasons.iter().any(|s| s.contains("no-IR")),
        "{:?}",
        r.reasons
    );
}

#[test]
fn a_block_inherits_dfs_and_no_ir_from_its_members() {
    // 149–161 plain; 165–177 with 169–177 passive-only (US U-NII-4).
    let mut phy = phy(&[5745, 5765, 5785, 5805, 5825, 5845, 5865, 5885]);
    for c in phy.iter_mut().filter(|c| c.freq.0 >= 5845) {
        c.no_ir = true;
    }
    phy[1].radar = true; // pretend 153 needs DFS
    let busy149 = vec![vec![bss([1, 0], 5745, 20, 5745, -40, None, "x")]];
    let mut input = inputs(&phy, &busy149, None);
    input.width_mhz = 80;
    let a = analyse(input);
    let c = |n| {
        a.channels
            .iter()
            .find(|c| c.channel == ch(Band::Ghz5, n))
            .unwrap()
    };
    assert!(c(165).no_ir, "165's 80 MHz block reaches the no-IR 169–177");
    assert!(
        c(149).dfs && c(161).dfs,
        "the block 149–161 contains DFS 153"
    );
    assert!(!c(165).dfs);
    // 165 is quiet but its block is passive-only; 149 is busy: 149's block
    // is the only one without no-IR.
    assert_eq!(rec(&a, Band::Ghz5).channel, 149);
}

#[test]
fn only_20mhz_grid_channels_are_recommended() {
    // hwsim lists 5 MHz-step channels (171, 172, …) above 165: not primaries.
    let phy = phy(&[5745, 5855, 5860]);
    let busy149 = vec![vec![bss([1, 0], 5745, 20, 5745, -40, None, "x")]];
    let a = analyse(inputs(&phy, &busy149, None));
    assert_eq!(rec(&a, Band::Ghz5).channel, 149);
    assert!(on_20mhz_grid(ch(Band::Ghz5, 173)) && !on_20mhz_grid(ch(Band::Ghz5, 171)));
    assert!(on_20mhz_grid(ch(Band::Ghz6, 5)) && !on_20mhz_grid(ch(Band::Ghz6, 3)));
}

#[test]
fn near_equal_scores_tie_to_the_lower_channel() {
    let phy = phy(&[5180, 5200, 5220]);
    let mut survey: Vec<SurveyEntry> = phy
        .iter()
        .map(|c| SurveyEntry {
            freq: c.freq,
            active_ms: Some(1000),
            busy_ms: Some(120),
            ..Default::default()
        })
        .collect();
    survey[0].busy_ms = Some(125); // 36 a hair busier: noise, not a reason
    let empty = [vec![]];
    let mut input = inputs(&phy, &empty, None);
    input.survey = &survey;
    assert_eq!(rec(&analyse(input), Band::Ghz5).channel, 36);
}

#[test]
fn upper_5ghz_blocks_align_on_channel_149() {
    let phy = phy(&[5745, 5765, 5785, 5805, 5825]);
    let empty = [vec![]];
    for width in [20, 40, 80] {
        let mut input = inputs(&phy, &empty, None);
        input.width_mhz = width;
        let a = analyse(input);
        for n in [149, 153, 157, 161] {
            assert_eq!(score(&a, Band::Ghz5, n), 0.0, "channel {n} at {width} MHz");
        }
        let c165 = a
            .channels
            .iter()
            .find(|c| c.channel == ch(Band::Ghz5, 165))
            .unwrap();
        // 165 pairs with 169/173/177, absent here: only 20 MHz is possible.
        assert_eq!(c165.score.is_some(), width == 20, "165 at {width} MHz");
    }
}

#[test]
fn six_ghz_prefers_psc_channels() {
    // Channels 1, 5 (PSC), 9, 21 (PSC).
    let phy = phy(&[5955, 5975, 5995, 6055]);
    let a = analyse(inputs(&phy, &[vec![]], None));
    let r = rec(&a, Band::Ghz6);
    assert_eq!(r.channel, 5, "all empty: the first PSC channel");
    assert!(
        a.channels
            .iter()
            .find(|c| c.channel == ch(Band::Ghz6, 21))
            .unwrap()
            .psc
    );
}

#[test]
fn channel_13_joins_the_plan_where_allowed() {
    let crowded = vec![vec![
        g20([1, 0], 1, -45, "a"),
        g20([2, 0], 6, -45, "b"),
        g20([3, 0], 11, -45, "c"),
    ]];
    let us = analyse(inputs(&phy_2g(false), &crowded, None));
    assert!([1, 6, 11].contains(&rec(&us, Band::Ghz2_4).channel));
    let eu = analyse(inputs(&phy_2g(true), &crowded, None));
    assert_eq!(rec(&eu, Band::Ghz2_4).channel, 13);
    // Disabled 13 (e.g. regulatory) is not a candidate.
    let mut phy = phy_2g(true);
    phy[12].disabled = true;
    let c = analyse(inputs(&phy, &crowded, None));
    assert_ne!(rec(&c, Band::Ghz2_4).channel, 13);
    let c13 = c
        .channels
        .iter()
        .find(|c| c.channel == ch(Band::Ghz2_4, 13))
        .unwrap();
    assert!(!c13.allowed && c13.score.is_none());
}

#[test]
fn missing_inputs_lower_the_confidence() {
    let phy = phy_2g(false);
    let one = vec![vec![g20([1, 0], 1, -50, "a")]];
    let a = analyse(inputs(&phy, &one, None));
    // One sample and no survey: two steps down.
    assert_eq!(a.confidence, Confidence::Low);
    assert!(a.missing.iter().any(|m| m.contains("no survey busy time")));
    assert!(a.missing.iter().any(|m| m.contains("single survey")));
    assert!(a.missing.iter().any(|m| m.contains("BSS Load")));

    let survey: Vec<SurveyEntry> = phy
        .iter()
        .map(|c| SurveyEntry {
            freq: c.freq,
            active_ms: Some(1000),
            busy_ms: Some(if c.freq.0 == 2412 { 500 } else { 100 }),
            ..Default::default()
        })
        .collect();
    let three = vec![one[0].clone(), one[0].clone(), one[0].clone()];
    let mut input = inputs(&phy, &three, None);
    input.survey = &survey;
    let b = analyse(input);
    assert_eq!(b.confidence, Confidence::High);
    let c1 = b
        .channels
        .iter()
        .find(|c| c.channel == ch(Band::Ghz2_4, 1))
        .unwrap();
    assert_eq!(c1.busy_pct, Some(50.0));
    // Busy time adds to the score: 50 % busy weighs BUSY_WEIGHT / 2.
    let without = score(&a, Band::Ghz2_4, 1);
    assert!((c1.score.unwrap() - (without + BUSY_WEIGHT * 0.5)).abs() < 0.011);

    input.fresh = false;
    assert_eq!(analyse(input).confidence, Confidence::Medium);

    // A survey still growing when its time ran out is one step down too,
    // and says so; for the cache (not fresh) it is no extra step.
    input.fresh = true;
    input.complete = false;
    let unstable = analyse(input);
    assert_eq!(unstable.confidence, Confidence::Medium);
    assert!(
        unstable
            .missing
            .iter()
            .any(|m| m.contains("still heard new networks")),
        "{:?}",
        unstable.missing
    );
    input.fresh = false;
    assert_eq!(analyse(input).confidence, Confidence::Medium);
}

#[test]
fn advertised_load_raises_the_weight() {
    let phy = phy_2g(false);
    let idle = vec![vec![bss([1, 0], 2412, 20, 2412, -50, Some(0.0), "a")]];
    let busy = vec![vec![bss([1, 0], 2412, 20, 2412, -50, Some(90.0), "a")]];
    let unknown = vec![vec![bss([1, 0], 2412, 20, 2412, -50, None, "a")]];
    let s =
        |samples: &Vec<Vec<BssView>>| score(&analyse(inputs(&phy, samples, None)), Band::Ghz2_4, 1);
    assert!(s(&idle) < s(&unknown) && s(&unknown) < s(&busy));
}

#[test]
fn neighbours_that_come_and_go_count_by_presence() {
    let phy = phy_2g(false);
    let steady = g20([1, 0], 1, -50, "steady");
    let flaky = g20([2, 0], 11, -50, "flaky");
    let samples = vec![
        vec![steady.clone(), flaky.clone()],
        vec![steady.clone()],
        vec![steady.clone()],
        vec![steady],
    ];
    let a = analyse(inputs(&phy, &samples, None));
    let flaky_radio = a.radios.iter().find(|r| r.ssids[0].0 == b"flaky").unwrap();
    assert_eq!(flaky_radio.presence, 0.25);
    assert!((score(&a, Band::Ghz2_4, 11) * 4.0 - score(&a, Band::Ghz2_4, 1)).abs() < 0.03);
}

#[test]
fn signal_is_averaged_in_milliwatts_over_samples() {
    let phy = phy_2g(false);
    let samples = vec![
        vec![g20([1, 0], 1, -40, "a")],
        vec![g20([1, 0], 1, -60, "a")],
    ];
    let a = analyse(inputs(&phy, &samples, None));
    // mean(1e-4, 1e-6) mW = 5.05e-5 mW = −43 dBm (not the −50 of a dB average)
    assert_eq!(a.radios[0].signal, Some(Dbm(-43)));
}

#[test]
fn current_channel_is_the_associated_access_point() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let mut front = g20([0, 0], 1, -40, "clinic");
    front.associated = true;
    let back = g20([9, 0], 6, -35, "clinic"); // stronger, but not ours now
    let samples = vec![vec![front, back, g20([1, 0], 1, -45, "cafe")]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    let r = rec(&a, Band::Ghz2_4);
    assert_eq!(r.current_channel, Some(1));
    // Not 6: the back AP there contends like a neighbour; 11 is free.
    assert_eq!(r.channel, 11, "{:?}", r.reasons);
}

/// The lab's demo clinic: our "front" AP (associated) on 1, our "back" AP on
/// 6 at −30 dBm, a café radio with two SSIDs on 1, a pharmacy radio with
/// three on 11. Moving front onto 6 would make our two APs contend for every
/// frame: the back AP must weigh on 6 like a neighbour would.
#[test]
fn own_access_points_contend_with_each_other() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let mut front = g20([0, 0], 1, -30, "clinic");
    front.associated = true;
    let samples = vec![vec![
        front,
        g20([1, 0], 6, -30, "clinic"), // back
        g20([2, 0], 1, -30, "cafe-guest"),
        g20([2, 1], 1, -30, "cafe-guest-2"),
        g20([3, 0], 11, -30, "pharmacy"),
        g20([3, 1], 11, -30, "pharmacy-2"),
        g20([3, 2], 11, -30, "pharmacy-3"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    let r = rec(&a, Band::Ghz2_4);
    assert_eq!(r.current_channel, Some(1));
    assert_ne!(r.channel, 6, "{:?}", r.reasons);
    // The back AP weighs on 6 like the café does on 1; front itself
    // weighs on nothing.
    assert!(score(&a, Band::Ghz2_4, 6) > 0.9, "{:?}", a.channels);
    assert!((score(&a, Band::Ghz2_4, 6) - score(&a, Band::Ghz2_4, 1)).abs() < 0.05);
    let back = a
        .radios
        .iter()
        .position(|r| r.own && !r.associated)
        .unwrap();
    let six = a
        .channels
        .iter()
        .find(|c| c.channel == ch(Band::Ghz2_4, 6))
        .unwrap();
    assert!(six.contributors.iter().any(|c| c.radio == back));
    let front = a.radios.iter().position(|r| r.associated).unwrap();
    assert!(a
        .channels
        .iter()
        .all(|c| c.contributors.iter().all(|x| x.radio != front)));
}

fn plan_of(a: &ChannelAnalysis, mac: [u8; 2]) -> &plan::PlanEntry {
    let bssid = MacAddr([2, 0, 0, 0, mac[0], mac[1]]);
    a.plan
        .iter()
        .find(|p| a.radios[p.radio].bssids.contains(&bssid))
        .unwrap_or_else(|| panic!("{bssid} not in the plan {:?}", a.plan))
}

#[test]
fn plan_keeps_the_demo_clinic_as_it_is() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let mut front = g20([0, 0], 1, -30, "clinic");
    front.associated = true;
    let samples = vec![vec![
        front,
        g20([1, 0], 6, -30, "clinic"),
        g20([2, 0], 1, -30, "cafe-guest"),
        g20([2, 1], 1, -30, "cafe-guest-2"),
        g20([3, 0], 11, -30, "pharmacy"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    assert_eq!(a.plan.len(), 2, "{:?}", a.plan);
    assert!(a.plan_unchanged, "{:?}", a.plan);
    assert_eq!(plan_of(&a, [0, 0]).channel, 1);
    assert_eq!(plan_of(&a, [1, 0]).channel, 6);
    for p in &a.plan {
        assert_eq!(p.gain, 0.0);
        assert!(
            p.reasons[0].starts_with("stay on channel"),
            "{:?}",
            p.reasons
        );
    }
}

#[test]
fn plan_spreads_three_access_points_over_1_6_11() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let samples = vec![vec![
        g20([0, 0], 1, -40, "clinic"),
        g20([1, 0], 1, -45, "clinic"),
        g20([2, 0], 6, -50, "clinic"),
        g20([5, 0], 1, -70, "cafe"),
        g20([6, 0], 11, -70, "pharmacy"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    assert_eq!(a.plan.len(), 3, "{:?}", a.plan);
    let mut planned: Vec<u16> = a.plan.iter().map(|p| p.channel).collect();
    planned.sort();
    assert_eq!(planned, [1, 6, 11], "{:?}", a.plan);
    assert!(!a.plan_unchanged);
    // Only one AP moves (one of the two on 1), and it gains.
    let moved: Vec<&plan::PlanEntry> = a
        .plan
        .iter()
        .filter(|p| p.channel != p.current_channel)
        .collect();
    assert_eq!(moved.len(), 1, "{:?}", a.plan);
    assert_eq!((moved[0].current_channel, moved[0].channel), (1, 11));
    assert!(moved[0].gain > 0.5, "{:?}", moved[0]);
    assert!(
        moved[0].reasons[0].starts_with("move from channel 1 to 11")
            && moved[0].reasons[0].contains("your access point"),
        "{:?}",
        moved[0].reasons
    );
    // The one on 6 stays, and is told so.
    assert!(plan_of(&a, [2, 0]).reasons[0].starts_with("stay on channel 6"));
    // The one staying on 1 gains too, as the other leaves it.
    let stays = a
        .plan
        .iter()
        .find(|p| p.current_channel == 1 && p.channel == 1)
        .unwrap();
    assert!(stays.gain > 0.5, "{stays:?}");
    assert!(
        stays.reasons[0].contains("your access point") && stays.reasons[0].contains(" → "),
        "{:?}",
        stays.reasons
    );
}

#[test]
fn plan_moves_nobody_for_a_small_gain() {
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    // Our APs on 1 and 11; channel 1 has a weak neighbour (0.24), 6 is
    // free: moving the AP on 1 to 6 would gain less than the margin.
    let samples = vec![vec![
        g20([0, 0], 1, -35, "clinic"),
        g20([1, 0], 11, -35, "clinic"),
        g20([5, 0], 1, -80, "far"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    assert!(a.plan_unchanged, "{:?}", a.plan);
    // A loud neighbour on 1 is worth the move to 6.
    let samples = vec![vec![
        g20([0, 0], 1, -35, "clinic"),
        g20([1, 0], 11, -35, "clinic"),
        g20([5, 0], 1, -40, "loud"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    assert!(!a.plan_unchanged);
    assert_eq!(plan_of(&a, [0, 0]).channel, 6, "{:?}", a.plan);
    assert_eq!(plan_of(&a, [1, 0]).channel, 11, "{:?}", a.plan);
}

/// 5 GHz US-like: 36–48 and 149–165 plain, 52–64 and 100–144 DFS.
fn phy_5g() -> Vec<PhyChannel> {
    let mut out = Vec::new();
    for n in (36..=64)
        .step_by(4)
        .chain((100..=144).step_by(4))
        .chain((149..=165).step_by(4))
    {
        out.push(PhyChannel {
            freq: Mhz(5000 + 5 * n),
            radar: (52..=144).contains(&n),
            ..Default::default()
        });
    }
    out
}

fn a20(mac: [u8; 2], chan: u32, signal: i32, ssid: &str) -> BssView {
    let f = 5000 + 5 * chan;
    bss(mac, f, 20, f, signal, None, ssid)
}

#[test]
fn plan_keeps_each_band_and_avoids_dfs_moves() {
    let mut phy = phy_2g(false);
    phy.extend(phy_5g());
    let own = Ssid(b"clinic".to_vec());
    let samples = vec![vec![
        a20([0, 0], 36, -40, "clinic"),
        a20([1, 0], 36, -40, "clinic"),
        g20([2, 0], 1, -40, "clinic"),
        a20([5, 0], 40, -40, "n40"),
        a20([6, 0], 44, -40, "n44"),
        a20([7, 0], 48, -40, "n48"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    assert_eq!(a.plan.len(), 3);
    assert_eq!(plan_of(&a, [2, 0]).band, Band::Ghz2_4);
    assert_eq!(plan_of(&a, [2, 0]).channel, 1);
    let five: Vec<u16> = a
        .plan
        .iter()
        .filter(|p| p.band == Band::Ghz5)
        .map(|p| p.channel)
        .collect();
    // One stays on 36, the other leaves for a quiet non-DFS channel.
    assert!(five.contains(&36), "{:?}", a.plan);
    assert!(
        five.iter().any(|&c| (149..=165).contains(&c)),
        "{:?}",
        a.plan
    );
}

/// Not a test of speed (no timing assertion): prints how long the plan of
/// eight access points takes, for BENCHMARKS.md.
/// `cargo test --release --lib plan_time_for_eight -- --ignored --nocapture`
#[test]
#[ignore]
fn plan_time_for_eight_access_points() {
    let mut phy = phy_2g(false);
    phy.extend(phy_5g());
    let own = Ssid(b"clinic".to_vec());
    let mut two = Vec::new();
    let mut five = Vec::new();
    for i in 0..8u8 {
        two.push(g20(
            [i, 0],
            [1, 6, 11][usize::from(i) % 3],
            -40 - i32::from(i) * 4,
            "clinic",
        ));
        two.push(g20([i + 20, 0], u16::from(i) + 1, -60, "neighbour"));
        five.push(a20([i + 40, 0], 36, -40 - i32::from(i) * 4, "clinic"));
        five.push(a20([i + 60, 0], 36 + 4 * u32::from(i), -60, "neighbour"));
    }
    for (name, samples) in [("2.4 GHz", vec![two]), ("5 GHz", vec![five])] {
        let started = std::time::Instant::now();
        let a = analyse(inputs(&phy, &samples, Some(&own)));
        let took = started.elapsed();
        assert_eq!(a.plan.len(), 8);
        println!(
            "analyse + plan, 8 APs on {name}: {:.1} ms; plan {:?}",
            took.as_secs_f64() * 1000.0,
            a.plan.iter().map(|p| p.channel).collect::<Vec<_>>()
        );
    }
}

/// The demo clinic's page, without `--all`: the plan first, the 2.4 GHz
/// channels of ours and the best alternatives, one line for each band the
/// clinic does not use; on one screen (≤ 40 lines).
#[test]
fn the_demo_clinic_page_fits_on_one_screen() {
    use crate::output::Envelope;
    use crate::report::channels::{ChannelsContext, ChannelsReport};
    // Channels 1–11 as in the lab (12 and 13 are passive in its world
    // domain, so the plan is 1/6/11).
    let mut phy = phy_2g(false);
    phy.extend(phy_5g());
    // The 6 GHz band, passive only, as in the lab's world domain.
    phy.extend((1..=233).step_by(4).map(|n| PhyChannel {
        freq: Mhz(5950 + 5 * n),
        no_ir: true,
        ..Default::default()
    }));
    let own = Ssid(b"clinic".to_vec());
    let mut front = g20([0, 0], 1, -30, "clinic");
    front.associated = true;
    let samples = vec![vec![
        front,
        g20([1, 0], 6, -30, "clinic"),
        g20([2, 0], 1, -30, "cafe-guest"),
        g20([2, 1], 1, -30, "cafe-guest-2"),
        g20([3, 0], 11, -30, "pharmacy"),
        g20([3, 1], 11, -30, "pharmacy-2"),
        g20([3, 2], 11, -30, "pharmacy-3"),
        a20([4, 0], 36, -27, "dental-5g"),
    ]];
    let a = analyse(inputs(&phy, &samples, Some(&own)));
    let report = |all: bool| {
        let r = ChannelsReport::new(
            ChannelsContext {
                envelope: Envelope {
                    schema: crate::report::channels::SCHEMA,
                    tool_version: "t",
                    timestamp: "2026-12-03T00:00:00.000Z".into(),
                    hostname: None,
                },
                interface: "wlan5".into(),
                logs: None,
                own_ssid: Some(own.clone()),
                width_mhz: 20,
                samples: 1,
                fresh: true,
                notice: None,
                scan: Vec::new(),
            },
            &a,
        );
        let mut buf = Vec::new();
        r.write_human(&mut buf, false, all).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let page = report(false);
    let lines: Vec<&str> = page.lines().collect();
    assert!(lines.len() <= 40, "{} lines:\n{page}", lines.len());
    // The plan comes first, before any table.
    let plan = lines
        .iter()
        .position(|l| l.contains("plan for your 2 access points"))
        .unwrap();
    let table = lines.iter().position(|l| l.starts_with('|')).unwrap();
    assert!(plan < table, "{page}");
    assert!(page.contains("keep every channel"), "{page}");
    // One line for each unused band, no 5/6 GHz table or recommendation.
    for band in ["5GHz", "6GHz"] {
        let about: Vec<&&str> = lines.iter().filter(|l| l.contains(band)).collect();
        assert_eq!(about.len(), 1, "{band}:\n{page}");
        assert!(about[0].contains("not used by your network"), "{page}");
    }
    // Ours (1 and 6) and the best alternatives of 2.4 GHz, with reasons.
    let rows: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("| ") && !l.contains("Ch "))
        .collect();
    assert!(rows.len() >= 3 && rows.len() <= 5, "{page}");
    assert!(
        rows[0].starts_with("| 1 ") && rows[0].contains("yours"),
        "{page}"
    );
    assert!(
        rows[1].starts_with("| 6 ") && rows[1].contains("yours"),
        "{page}"
    );
    assert!(page.contains("one neighbour radio at -30 dBm"), "{page}");
    // --all adds every channel of every band.
    let everything = report(true);
    assert!(everything.lines().count() > 80, "{everything}");
    assert!(everything.contains("| 6GHz "), "{everything}");
}

/// A hidden access point (no SSID) is a contender like any other radio: it
/// weighs on its channel exactly as a visible one with the same signal, is
/// never taken for one of ours, and the coverage counts it.
#[test]
fn a_hidden_radio_weighs_like_a_visible_one_and_is_counted() {
    use crate::neighbourhood::{Coverage, Method, Stop, Tracker};
    use crate::output::Envelope;
    use crate::report::channels::{ChannelsContext, ChannelsReport};
    let phy = phy_2g(false);
    let own = Ssid(b"clinic".to_vec());
    let mut mine = g20([0, 0], 1, -30, "clinic");
    mine.associated = true;
    let hidden = vec![vec![
        mine.clone(),
        g20([1, 0], 6, -40, ""),
        g20([2, 0], 11, -40, ""),
    ]];
    let visible = vec![vec![
        mine,
        g20([1, 0], 6, -40, "staff"),
        g20([2, 0], 11, -40, "devices"),
    ]];
    let h = analyse(inputs(&phy, &hidden, Some(&own)));
    let v = analyse(inputs(&phy, &visible, Some(&own)));
    for n in [6, 11] {
        assert!(score(&h, Band::Ghz2_4, n) > 0.5, "channel {n}");
        assert_eq!(score(&h, Band::Ghz2_4, n), score(&v, Band::Ghz2_4, n));
    }
    assert_eq!(h.radios.iter().filter(|r| r.own).count(), 1);
    assert_eq!(h.radios.iter().filter(|r| r.hidden_bsses == 1).count(), 2);

    let mut t = Tracker::default();
    for _ in 0..2 {
        t.record(
            crate::neighbourhood::RoundOutcome::Completed,
            std::time::Duration::from_secs(13),
            hidden[0].iter().map(|b| (b.bssid, b.ssid.is_none())),
        );
    }
    let coverage = Coverage::of(
        &t,
        Method::Repeated,
        38,
        Stop::Stable,
        std::time::Duration::from_secs(26),
    );
    let report = ChannelsReport::new(
        ChannelsContext {
            envelope: Envelope {
                schema: crate::report::channels::SCHEMA,
                tool_version: "t",
                timestamp: "2026-12-03T00:00:00.000Z".into(),
                hostname: None,
            },
            interface: "wlan4".into(),
            logs: None,
            own_ssid: Some(own.clone()),
            width_mhz: 20,
            samples: 1,
            fresh: true,
            notice: None,
            scan: vec![coverage],
        },
        &h,
    );
    let json = serde_json::to_value(&report).unwrap();
    let scan = &json["scan"];
    assert_eq!(scan["mode"], "repeated");
    assert_eq!(scan["rounds"], 2);
    assert_eq!(scan["stable"], true);
    assert_eq!(scan["stopped"], "stable");
    assert_eq!(scan["hidden_radios"], 2);
    assert_eq!(scan["hidden_bsses"], 2);
    assert_eq!(scan["bssids"], 3);
    assert!(scan["dwell_ms"].is_null());
    let mut page = Vec::new();
    report.write_human(&mut page, false, false).unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains(
            "Neighbourhood: complete: 2 passive scan rounds over 38 channels, the last one \
             heard nothing new; 3 BSSes heard, 2 hidden radios."
        ),
        "{page}"
    );
}

/// The page says when the survey could not be complete.
#[test]
fn an_unstable_or_cached_survey_says_hidden_networks_may_be_missing() {
    use crate::neighbourhood::{Coverage, Method, RoundOutcome, Stop, Tracker};
    use crate::output::Envelope;
    use crate::report::channels::{ChannelsContext, ChannelsReport};
    let phy = phy_2g(false);
    let samples = vec![vec![g20([1, 0], 6, -40, "")]];
    let a = analyse(inputs(&phy, &samples, None));
    let page = |c: Coverage| {
        let r = ChannelsReport::new(
            ChannelsContext {
                envelope: Envelope {
                    schema: crate::report::channels::SCHEMA,
                    tool_version: "t",
                    timestamp: "2026-12-03T00:00:00.000Z".into(),
                    hostname: None,
                },
                interface: "wlan4".into(),
                logs: None,
                own_ssid: None,
                width_mhz: 20,
                samples: 1,
                fresh: c.fresh,
                notice: None,
                scan: vec![c],
            },
            &a,
        );
        let mut buf = Vec::new();
        r.write_human(&mut buf, false, false).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let s = std::time::Duration::from_secs(13);
    let mut t = Tracker::default();
    t.record(RoundOutcome::Completed, s, [(samples[0][0].bssid, true)]);
    let one = page(Coverage::of(&t, Method::Repeated, 11, Stop::Budget, s));
    assert!(
        one.contains(
            "Neighbourhood: maybe incomplete: 1 passive scan round over 11 channels, still \
             growing when the time ran out: hidden networks may be missing; 1 BSS heard, 1 hidden radio."
        ),
        "{one}"
    );
    let mut refused = Tracker::default();
    refused.record(RoundOutcome::Refused, s, [(samples[0][0].bssid, true)]);
    let cached = page(Coverage::of(
        &refused,
        Method::Repeated,
        11,
        Stop::Refused,
        s,
    ));
    assert!(
        cached.contains("Neighbourhood: the kernel's cached scan results, not a survey"),
        "{cached}"
    );
}

/// Issue 15: from logs, a neighbour weighs by the share of samples it was
/// heard in, and its presence is told by local hour of the day.
#[test]
fn a_neighbour_heard_in_one_sample_of_ten_weighs_a_tenth() {
    use observe::{Observations, SampleTime};
    let phy = phy_2g(false);
    let always = g20([1, 0], 1, -50, "Pharmacy");
    let lunch = g20([2, 0], 11, -50, "Cafe");
    let mut o = Observations::default();
    for i in 0..10u8 {
        let hour = 8 + i; // 08:00 … 17:00, one scan an hour
        let mut scan = vec![always.clone()];
        if hour == 12 {
            scan.push(lunch.clone());
        }
        let when = SampleTime {
            ts_ms: 1_796_000_000_000 + u64::from(i) * 3_600_000,
            hour,
            day: 20261203,
        };
        o.add(&scan, Some(when));
    }
    let a = analyse(ChannelInputs {
        observed: Some(&o),
        ..inputs(&phy, &[], None)
    });
    let weight_on = |n: u16, mac: u8| {
        a.channels
            .iter()
            .find(|c| c.channel == ch(Band::Ghz2_4, n))
            .unwrap()
            .contributors
            .iter()
            .find(|c| a.radios[c.radio].bssids[0].0[4] == mac)
            .unwrap()
            .weight
    };
    let (w_always, w_lunch) = (weight_on(1, 1), weight_on(11, 2));
    assert!(
        (w_lunch - w_always / 10.0).abs() < 0.01,
        "always-on {w_always}, lunch-only {w_lunch}"
    );
    let cafe = a.radios.iter().find(|r| r.bssids[0].0[4] == 2).unwrap();
    assert!((cafe.presence - 0.1).abs() < 1e-9);
    let by_hour = cafe.presence_by_hour.expect("hours from log samples");
    assert_eq!(by_hour[12], Some(1.0));
    assert_eq!(by_hour[9], Some(0.0));
    assert_eq!(by_hour[3], None, "no sample at 03:00");
    assert_eq!(
        observe::when_present(&by_hour).as_deref(),
        Some("12:00–13:00")
    );
    let pharmacy = a.radios.iter().find(|r| r.bssids[0].0[4] == 1).unwrap();
    assert_eq!(pharmacy.presence, 1.0);
    assert_eq!(
        observe::when_present(&pharmacy.presence_by_hour.unwrap()),
        None
    );
    // Ten samples on one day: two steps short of high confidence.
    assert_eq!(a.confidence, Confidence::Low);
    // The café there a tenth of the time weighs on 11 far less than the
    // pharmacy always on 1.
    assert!(score(&a, Band::Ghz2_4, 11) < score(&a, Band::Ghz2_4, 1));
}

#[test]
fn log_confidence_grows_with_samples_and_days() {
    use observe::{Observations, SampleTime};
    let phy = phy_2g(false);
    let conf = |samples: usize, days: u32| {
        let mut o = Observations::default();
        for i in 0..samples {
            let when = SampleTime {
                ts_ms: i as u64 * 300_000,
                hour: (i % 24) as u8,
                day: 20261201 + (i as u32 % days),
            };
            o.add(&[g20([1, 0], 1, -50, "x")], Some(when));
        }
        analyse(ChannelInputs {
            observed: Some(&o),
            ..inputs(&phy, &[], None)
        })
        .confidence
    };
    assert_eq!(conf(20, 1), Confidence::Low);
    assert_eq!(conf(LOG_CONFIDENT_SAMPLES, 1), Confidence::Medium);
    assert_eq!(conf(20, LOG_CONFIDENT_DAYS as u32), Confidence::Medium);
    assert_eq!(
        conf(LOG_CONFIDENT_SAMPLES, LOG_CONFIDENT_DAYS as u32),
        Confidence::High
    );
}
