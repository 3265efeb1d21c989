//! Frequencies, channels and bands.
//!
//! The kernel reports frequencies (MHz); people talk in channel numbers, and
//! a channel number means nothing without its band (channel 1 exists in
//! 2.4 GHz and 6 GHz). These pure functions are the one place where the
//! mapping lives. The numbering follows IEEE 802.11 (Annex E) as the
//! kernel's `ieee80211_freq_khz_to_channel()` applies it.

use serde::Serialize;
use std::fmt;

/// A Wi-Fi band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Band {
    #[serde(rename = "2.4GHz")]
    Ghz2_4,
    #[serde(rename = "5GHz")]
    Ghz5,
    #[serde(rename = "6GHz")]
    Ghz6,
    #[serde(rename = "60GHz")]
    Ghz60,
}

impl Band {
    /// The label used in tables and JSON (`"2.4GHz"`, `"5GHz"`, ...).
    pub fn label(self) -> &'static str {
        match self {
            Band::Ghz2_4 => "2.4GHz",
            Band::Ghz5 => "5GHz",
            Band::Ghz6 => "6GHz",
            Band::Ghz60 => "60GHz",
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A channel: its band and its number within that band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Channel {
    pub band: Band,
    pub number: u16,
}

/// The channel whose centre is `freq_mhz`, or `None` for a frequency that is
/// not a channel centre of any band we know.
pub fn channel_of(freq_mhz: u32) -> Option<Channel> {
    let on_grid = |base: u32, lo: u32, hi: u32| -> Option<u16> {
        if (lo..=hi).contains(&freq_mhz) && (freq_mhz - base) % 5 == 0 {
            u16::try_from((freq_mhz - base) / 5).ok()
        } else {
            None
        }
    };
    let (band, number) = match freq_mhz {
        2484 => (Band::Ghz2_4, 14),
        2412..=2472 => (Band::Ghz2_4, on_grid(2407, 2412, 2472)?),
        // 4.9 GHz public-safety / Japanese channels 182..196.
        4910..=4980 => (Band::Ghz5, on_grid(4000, 4910, 4980)?),
        // Up to channel 177 (U-NII-4); 182..196 above mean 4.9 GHz, as in the kernel.
        5150..=5895 => (Band::Ghz5, on_grid(5000, 5150, 5895)?),
        5935 => (Band::Ghz6, 2),
        // 6 GHz channel numbers on the 5955 MHz grid are odd (20/40/80/160/320
        // MHz centres alike); channel 2 is the lone exception above.
        5955..=7115 => match on_grid(5950, 5955, 7115)? {
            n if n % 2 == 1 => (Band::Ghz6, n),
            _ => return None,
        },
        58320..=69120 if (freq_mhz - 58320) % 2160 == 0 => (
            Band::Ghz60,
            u16::try_from((freq_mhz - 58320) / 2160 + 1).ok()?,
        ),
        _ => return None,
    };
    Some(Channel { band, number })
}

/// The centre frequency of `channel`, the inverse of [`channel_of`].
pub fn freq_of(channel: Channel) -> Option<u32> {
    let n = u32::from(channel.number);
    let freq = match channel.band {
        Band::Ghz2_4 if n == 14 => 2484,
        Band::Ghz2_4 if (1..=13).contains(&n) => 2407 + 5 * n,
        Band::Ghz5 if (182..=196).contains(&n) => 4000 + 5 * n,
        Band::Ghz5 if (30..=179).contains(&n) => 5000 + 5 * n,
        Band::Ghz6 if n == 2 => 5935,
        Band::Ghz6 if (1..=233).contains(&n) && n % 2 == 1 => 5950 + 5 * n,
        Band::Ghz60 if (1..=6).contains(&n) => 58320 + 2160 * (n - 1),
        _ => return None,
    };
    // Round-trip so that only real channel centres come back.
    (channel_of(freq) == Some(channel)).then_some(freq)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(band: Band, number: u16) -> Option<Channel> {
        Some(Channel { band, number })
    }

    #[test]
    fn known_channel_centres() {
        let cases = [
            (2412, ch(Band::Ghz2_4, 1)),
            (2437, ch(Band::Ghz2_4, 6)),
            (2462, ch(Band::Ghz2_4, 11)),
            (2472, ch(Band::Ghz2_4, 13)),
            (2484, ch(Band::Ghz2_4, 14)),
            (5180, ch(Band::Ghz5, 36)),
            (5500, ch(Band::Ghz5, 100)),
            (5825, ch(Band::Ghz5, 165)),
            (5885, ch(Band::Ghz5, 177)),
            (4920, ch(Band::Ghz5, 184)),
            (5935, ch(Band::Ghz6, 2)),
            (5955, ch(Band::Ghz6, 1)),
            (6115, ch(Band::Ghz6, 33)),
            (7115, ch(Band::Ghz6, 233)),
            (58320, ch(Band::Ghz60, 1)),
            (60480, ch(Band::Ghz60, 2)),
        ];
        for (freq, expected) in cases {
            assert_eq!(channel_of(freq), expected, "freq {freq}");
        }
    }

    #[test]
    fn off_grid_or_unknown_frequencies_have_no_channel() {
        for freq in [
            0, 2400, 2413, 2485, 3000, 5181, 5910, 5940, 5960, 7120, 45000, 59000,
        ] {
            assert_eq!(channel_of(freq), None, "freq {freq}");
        }
    }

    #[test]
    fn freq_of_inverts_channel_of() {
        for freq in (2400..7200).chain([58320, 60480, 62640]) {
            if let Some(channel) = channel_of(freq) {
                assert_eq!(freq_of(channel), Some(freq), "{channel:?}");
            }
        }
        assert_eq!(
            freq_of(Channel {
                band: Band::Ghz2_4,
                number: 15
            }),
            None
        );
        assert_eq!(
            freq_of(Channel {
                band: Band::Ghz5,
                number: 0
            }),
            None
        );
    }

    #[test]
    fn band_labels_match_json() {
        for band in [Band::Ghz2_4, Band::Ghz5, Band::Ghz6, Band::Ghz60] {
            let json = serde_json::to_string(&band).unwrap();
            assert_eq!(json, format!("\"{}\"", band.label()));
        }
    }
}
