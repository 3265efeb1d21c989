//! IEEE 802.11 reason codes (802.11-2020 Table 9-49) and status codes, in
//! words a technician can read in a log.

/// The short name of a deauthentication/disassociation reason code.
pub fn reason_name(code: u16) -> &'static str {
    match code {
        1 => "unspecified",
        2 => "previous authentication no longer valid",
        3 => "deauthenticated because the station (or AP) is leaving",
        4 => "disassociated due to inactivity",
        5 => "AP unable to handle all associated stations",
        6 => "class 2 frame received from a non-authenticated station",
        7 => "class 3 frame received from a non-associated station",
        8 => "disassociated because the station is leaving the BSS",
        9 => "station requesting (re)association is not authenticated",
        10 => "power capability element unacceptable",
        11 => "supported channels element unacceptable",
        12 => "disassociated due to BSS transition management",
        13 => "invalid element",
        14 => "message integrity (MIC) failure",
        15 => "4-way handshake timeout",
        16 => "group key handshake timeout",
        17 => "4-way handshake element differs from (re)association",
        18 => "invalid group cipher",
        19 => "invalid pairwise cipher",
        20 => "invalid AKMP",
        21 => "unsupported RSNE version",
        22 => "invalid RSNE capabilities",
        23 => "IEEE 802.1X authentication failed",
        24 => "cipher suite rejected by security policy",
        25 => "TDLS teardown: peer unreachable",
        26 => "TDLS teardown: unspecified",
        27 => "session terminated by SSP request",
        28 => "no SSP roaming agreement",
        29 => "bad cipher or AKM for SSP",
        30 => "not authorized in this location",
        31 => "service change precludes TS",
        32 => "unspecified QoS-related reason",
        33 => "not enough bandwidth for this station",
        34 => "too many frames not acknowledged (poor channel conditions)",
        35 => "transmitting outside the TXOP limits",
        36 => "requesting station is leaving the BSS",
        37 => "requesting station no longer uses the mechanism",
        38 => "setup required for the mechanism",
        39 => "request timed out",
        45 => "peer station does not support the cipher suite",
        46 => "authorized access limit reached",
        47 => "external service requirements",
        48 => "invalid FT action frame count",
        49 => "invalid PMKID",
        50 => "invalid MDE",
        51 => "invalid FTE",
        52 => "mesh peering cancelled",
        53 => "mesh maximum peers reached",
        54 => "mesh configuration policy violation",
        55 => "mesh close received",
        56 => "mesh maximum retries",
        57 => "mesh confirm timeout",
        58 => "mesh invalid GTK",
        59 => "mesh inconsistent parameters",
        60 => "mesh invalid security capability",
        61 => "mesh path error: no proxy information",
        62 => "mesh path error: no forwarding information",
        63 => "mesh path error: destination unreachable",
        64 => "MAC address already exists in the MBSS",
        65 => "mesh channel switch: regulatory requirements",
        66 => "mesh channel switch: unspecified",
        67 => "transmission link establishment failed",
        68 => "alternative channel occupied",
        71 => "poor RSSI conditions",
        _ => "unknown reason",
    }
}

/// Whether a reason code points at the radio link itself (as opposed to
/// policy, security or the AP's management decisions).
pub fn reason_is_link_quality(code: u16) -> bool {
    matches!(code, 4 | 34 | 71)
}

/// The short name of an association status code (0 = success).
pub fn status_name(code: u16) -> &'static str {
    match code {
        0 => "success",
        1 => "unspecified failure",
        10 => "cannot support all requested capabilities",
        12 => "association denied for a reason outside the standard",
        13 => "authentication algorithm not supported",
        15 => "authentication rejected: challenge failure",
        16 => "authentication timed out",
        17 => "AP unable to handle more associated stations",
        30 => "rejected temporarily; try again later",
        31 => "robust management frame policy violation",
        37 => "request declined",
        40 => "invalid element",
        41 => "invalid group cipher",
        42 => "invalid pairwise cipher",
        43 => "invalid AKMP",
        53 => "invalid PMKID",
        72 => "SAE: anti-clogging token required",
        77 => "SAE: finite cyclic group not supported",
        82 => "denied: BSS transition management in progress",
        _ => "unknown status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes_have_names() {
        assert_eq!(
            reason_name(3),
            "deauthenticated because the station (or AP) is leaving"
        );
        assert_eq!(reason_name(15), "4-way handshake timeout");
        assert_eq!(reason_name(4), "disassociated due to inactivity");
        assert_eq!(reason_name(999), "unknown reason");
        assert_eq!(status_name(0), "success");
        assert_eq!(
            status_name(17),
            "AP unable to handle more associated stations"
        );
    }

    #[test]
    fn every_defined_reason_is_one_line() {
        for code in 0..=u16::from(u8::MAX) {
            assert!(!reason_name(code).contains('\n'));
        }
        assert!(reason_is_link_quality(34) && !reason_is_link_quality(3));
    }
}
