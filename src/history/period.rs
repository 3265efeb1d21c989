//! `--since` / `--until` values. Pure: the caller supplies "now" and the
//! conversion of a local civil time (the time zone is the system's).

/// A point in time as the user wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// `24h`, `3d`, `90min`: that long before now.
    Ago(std::time::Duration),
    /// RFC 3339 with `Z` or an offset: an absolute time (µs since the epoch).
    Absolute(u64),
    /// `2026-12-03`, `2026-12-03 10:40`, `2026-12-03T10:40:05`, or `10:40`
    /// (today): a civil time in the local time zone.
    Local {
        year: i32,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    },
    /// `10:40`, `today`, `yesterday 16:00`: a local time of the day this
    /// many days back (midnight when no time is given).
    DayTime {
        days_ago: u32,
        hour: u32,
        minute: u32,
        second: u32,
    },
    Now,
}

/// The longest duration before now `--since`/`--until` take: 100 years
/// (humantime's `100y`), far beyond any journal, and far inside the µs
/// arithmetic of [`resolve`].
pub const MAX_AGO: std::time::Duration = std::time::Duration::from_secs(36_525 * 86_400);

/// Parses a `--since`/`--until` value.
pub fn parse_when(s: &str) -> Result<When, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("now") {
        return Ok(When::Now);
    }
    if s.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && s.bytes().any(|b| b.is_ascii_alphabetic())
        && !s.contains('-')
        && !s.contains(':')
    {
        let ago = humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e}"))?;
        if ago > MAX_AGO {
            return Err(format!(
                "{s:?}: out of range: a duration before now is at most 100y (give a date for \
                 anything older)"
            ));
        }
        return Ok(When::Ago(ago));
    }
    if let Some(usec) = super::source::parse_rfc3339(s) {
        return Ok(When::Absolute(usec));
    }
    let bad = || {
        format!(
            "{s:?} is not a time: use a duration before now (24h, 3d), a local date and time \
             (2026-12-03, \"2026-12-03 10:40\", 10:40 for today, today, yesterday) or \
             RFC 3339 \
             (2026-12-03T09:40:00Z)"
        )
    };
    // "DATE TIME", or ISO's "DATETTIME" (a 'T' after the date's digits).
    let split = s.split_once(' ').or_else(|| {
        s.get(10..11)
            .filter(|t| *t == "T")
            .map(|_| (&s[..10], &s[11..]))
    });
    let (date, time) = match split {
        Some((d, t)) => (Some(d), Some(t)),
        None if s.contains(':') => (None, Some(s)),
        None => (Some(s), None),
    };
    let (hour, minute, second) = match time {
        None => (0, 0, 0),
        Some(t) => {
            let parts: Vec<&str> = t.split(':').collect();
            let num = |p: Option<&&str>, max: u32| -> Option<u32> {
                let p = p?;
                (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse().ok())
                    .flatten()
                    .filter(|v| *v <= max)
            };
            if !(2..=3).contains(&parts.len()) {
                return Err(bad());
            }
            (
                num(parts.first(), 23).ok_or_else(bad)?,
                num(parts.get(1), 59).ok_or_else(bad)?,
                if parts.len() == 3 {
                    num(parts.get(2), 59).ok_or_else(bad)?
                } else {
                    0
                },
            )
        }
    };
    let days_ago = match date.map(str::to_ascii_lowercase).as_deref() {
        None | Some("today") => Some(0),
        Some("yesterday") => Some(1),
        _ => None,
    };
    if let Some(days_ago) = days_ago {
        return Ok(When::DayTime {
            days_ago,
            hour,
            minute,
            second,
        });
    }
    let date = date.unwrap_or_default();
    let d: Vec<&str> = date.split('-').collect();
    if d.len() != 3 || d[0].len() != 4 || d[1].len() != 2 || d[2].len() != 2 {
        return Err(bad());
    }
    let year: i32 = d[0].parse().map_err(|_| bad())?;
    let month: u32 = d[1].parse().map_err(|_| bad())?;
    let day: u32 = d[2].parse().map_err(|_| bad())?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(bad());
    }
    Ok(When::Local {
        year,
        month,
        day,
        hour,
        minute,
        second,
    })
}

/// The time a [`When`] names, in µs since the epoch. `local` converts a
/// local civil time (y, mo, d, h, mi, s) to seconds since the epoch;
/// `today` gives today's local date.
pub fn resolve(
    when: When,
    now_usec: u64,
    today: (i32, u32, u32),
    local: &dyn Fn(i32, u32, u32, u32, u32, u32) -> Option<i64>,
) -> Result<u64, String> {
    let civil = |y, mo, d, h, mi, s| {
        local(y, mo, d, h, mi, s)
            .and_then(|secs| u64::try_from(secs).ok())
            .map(|secs| secs * 1_000_000)
            .ok_or_else(|| {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} is not a local time here")
            })
    };
    match when {
        When::Now => Ok(now_usec),
        When::Ago(d) => {
            Ok(now_usec.saturating_sub(u64::try_from(d.as_micros()).unwrap_or(u64::MAX)))
        }
        When::Absolute(usec) => Ok(usec),
        When::Local {
            year,
            month,
            day,
            hour,
            minute,
            second,
        } => civil(year, month, day, hour, minute, second),
        When::DayTime {
            days_ago,
            hour,
            minute,
            second,
        } => {
            // Days of 24 h back from today's time (an hour off across the
            // night the clocks change).
            let t = civil(today.0, today.1, today.2, hour, minute, second)?;
            Ok(t.saturating_sub(u64::from(days_ago) * 86_400_000_000))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_forms_a_technician_types() {
        assert_eq!(
            parse_when("24h"),
            Ok(When::Ago(Duration::from_secs(86_400)))
        );
        assert_eq!(
            parse_when("3d"),
            Ok(When::Ago(Duration::from_secs(3 * 86_400)))
        );
        assert_eq!(parse_when("now"), Ok(When::Now));
        let day_time = |days_ago, hour, minute, second| {
            Ok(When::DayTime {
                days_ago,
                hour,
                minute,
                second,
            })
        };
        assert_eq!(parse_when("Yesterday"), day_time(1, 0, 0, 0));
        assert_eq!(parse_when("Today"), day_time(0, 0, 0, 0));
        assert_eq!(
            parse_when("2026-12-03T10:40:05"),
            Ok(When::Local {
                year: 2026,
                month: 12,
                day: 3,
                hour: 10,
                minute: 40,
                second: 5
            })
        );
        assert_eq!(parse_when("today 10:00"), day_time(0, 10, 0, 0));
        assert_eq!(parse_when("yesterday 16:30:05"), day_time(1, 16, 30, 5));
        assert_eq!(
            parse_when("2026-12-03T09:40:00Z"),
            Ok(When::Absolute(1_796_290_800_000_000))
        );
        assert_eq!(
            parse_when("2026-12-03 10:40"),
            Ok(When::Local {
                year: 2026,
                month: 12,
                day: 3,
                hour: 10,
                minute: 40,
                second: 0
            })
        );
        assert_eq!(
            parse_when("2026-12-03"),
            Ok(When::Local {
                year: 2026,
                month: 12,
                day: 3,
                hour: 0,
                minute: 0,
                second: 0
            })
        );
        assert_eq!(parse_when("10:40:05"), day_time(0, 10, 40, 5));
        for bad in [
            "",
            "yesterday-ish",
            "2026-13-01",
            "25:00",
            "10:4",
            "2026-12-03 10",
            "3 parsecs",
        ] {
            assert!(parse_when(bad).is_err(), "{bad:?}");
        }
    }

    /// Issue 9 item 5, for `history`: a duration before now has a range,
    /// and one too large for µs never wraps round to a recent time.
    #[test]
    fn a_duration_before_now_has_a_range() {
        assert_eq!(
            parse_when("100y"),
            Ok(When::Ago(Duration::from_secs(36_525 * 86_400)))
        );
        for huge in ["101y", "584543y", "300000000000y", "18446744073709551615s"] {
            let err = parse_when(huge).expect_err(huge);
            assert!(err.contains("at most 100y"), "{huge}: {err}");
        }
        // Whatever reaches resolve, the period starts no later than the
        // epoch it cannot go before (584,543 years wrapped to 2025 once).
        let far = When::Ago(Duration::from_secs(584_543 * 31_557_600));
        let local = |_, _, _, _, _, _| None;
        assert_eq!(
            resolve(far, 1_796_294_400_000_000, (2026, 12, 3), &local),
            Ok(0)
        );
    }

    #[test]
    fn resolving_uses_now_and_the_local_zone() {
        // A zone one hour east of UTC.
        let local = |y, mo, d, h, mi, s| {
            let utc = super::super::source::parse_rfc3339(&format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"
            ))?;
            Some((utc / 1_000_000) as i64 - 3600)
        };
        let now = 1_796_294_400_000_000; // 2026-12-03T10:40:00Z
        assert_eq!(
            resolve(
                When::Ago(Duration::from_secs(3600)),
                now,
                (2026, 12, 3),
                &local
            ),
            Ok(now - 3_600_000_000)
        );
        assert_eq!(
            resolve(parse_when("10:40").unwrap(), now, (2026, 12, 3), &local),
            Ok(now - 3_600_000_000)
        );
    }
}
