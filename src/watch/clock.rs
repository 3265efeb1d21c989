//! The watch's clock: steady time on the wall clock's scale, and the
//! laptop's sleeps and the wall clock's steps told apart from outages.
//!
//! Three kernel clocks are read together ([`Clocks::now`]):
//! `CLOCK_REALTIME` (the wall clock: NTP or a person may step it),
//! `CLOCK_MONOTONIC` (steady, stops while the machine sleeps) and
//! `CLOCK_BOOTTIME` (steady, keeps counting during sleep). Between two
//! readings, BOOTTIME advancing more than MONOTONIC means the machine slept
//! for the difference; the wall clock moving differently from BOOTTIME means
//! it was stepped. [`observe`] is that comparison, a pure function.
//!
//! Records are stamped with [`SteadyClock`]: the wall clock at start plus
//! BOOTTIME elapsed since, re-anchored to the wall clock after a step only
//! when no outage is open, so a step neither creates nor stretches one.

use super::event::Millis;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// Differences below this are jitter between the three readings.
pub const TOLERANCE_MS: i64 = 1_000;

/// One reading of the three clocks, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    pub wall_ms: i64,
    pub mono_ms: i64,
    pub boot_ms: i64,
}

fn read(clock: libc::clockid_t) -> i64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a valid out-pointer; these clocks exist
    // on every Linux the tool supports (2.6.39+), and cannot fail then.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec
        .saturating_mul(1000)
        .saturating_add(ts.tv_nsec / 1_000_000)
}

impl Clocks {
    pub fn now() -> Clocks {
        Clocks {
            wall_ms: read(libc::CLOCK_REALTIME),
            mono_ms: read(libc::CLOCK_MONOTONIC),
            boot_ms: read(libc::CLOCK_BOOTTIME),
        }
    }
}

/// What happened between two readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Change {
    /// The machine slept this long.
    pub slept_ms: Option<u64>,
    /// The wall clock was stepped by this much (sleep excluded).
    pub stepped_ms: Option<i64>,
}

/// Compares two readings of the clocks.
pub fn observe(before: Clocks, now: Clocks) -> Change {
    let boot = now.boot_ms - before.boot_ms;
    let mono = now.mono_ms - before.mono_ms;
    let wall = now.wall_ms - before.wall_ms;
    let slept = boot - mono;
    let stepped = wall - boot;
    Change {
        slept_ms: (slept > TOLERANCE_MS).then_some(slept as u64),
        stepped_ms: (stepped.abs() > TOLERANCE_MS).then_some(stepped),
    }
}

/// Steady time on the wall clock's scale, shared by the threads that stamp
/// what they see.
#[derive(Debug, Clone)]
pub struct SteadyClock {
    /// Wall time minus BOOTTIME at the last anchoring.
    offset_ms: Arc<AtomicI64>,
}

impl SteadyClock {
    /// Anchored to the wall clock of `now`.
    pub fn new(now: Clocks) -> SteadyClock {
        SteadyClock {
            offset_ms: Arc::new(AtomicI64::new(now.wall_ms - now.boot_ms)),
        }
    }

    /// The steady time of a reading.
    pub fn at(&self, c: Clocks) -> Millis {
        Millis((c.boot_ms + self.offset_ms.load(Ordering::Relaxed)).max(0) as u64)
    }

    /// Now, on the steady clock.
    pub fn now(&self) -> Millis {
        self.at(Clocks::now())
    }

    /// Follows the wall clock again from `now` on.
    pub fn reanchor(&self, now: Clocks) {
        self.offset_ms
            .store(now.wall_ms - now.boot_ms, Ordering::Relaxed);
    }

    /// How far the wall clock is from this clock at `now`.
    pub fn drift_ms(&self, now: Clocks) -> i64 {
        now.wall_ms - self.at(now).0 as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(wall_ms: i64, mono_ms: i64, boot_ms: i64) -> Clocks {
        Clocks {
            wall_ms,
            mono_ms,
            boot_ms,
        }
    }

    #[test]
    fn normal_time_passing_is_neither_sleep_nor_step() {
        let a = c(1_000_000, 50_000, 60_000);
        let b = c(1_001_000, 51_000, 61_000);
        assert_eq!(observe(a, b), Change::default());
        // Jitter between the three readings is tolerated.
        let b = c(1_001_300, 51_000, 61_000);
        assert_eq!(observe(a, b), Change::default());
    }

    #[test]
    fn a_sleep_is_boottime_running_ahead_of_monotonic() {
        let a = c(1_000_000, 50_000, 60_000);
        // Slept 10 minutes: wall and boottime moved 600 s, monotonic 0.2 s.
        let b = c(1_600_200, 50_200, 660_200);
        assert_eq!(
            observe(a, b),
            Change {
                slept_ms: Some(600_000),
                stepped_ms: None
            }
        );
    }

    #[test]
    fn a_step_is_the_wall_clock_moving_alone() {
        let a = c(1_000_000, 50_000, 60_000);
        let b = c(1_000_000 + 3_600_000 + 200, 50_200, 60_200);
        assert_eq!(
            observe(a, b),
            Change {
                slept_ms: None,
                stepped_ms: Some(3_600_000)
            }
        );
        let back = c(1_000_000 - 5_000 + 200, 50_200, 60_200);
        assert_eq!(observe(a, back).stepped_ms, Some(-5_000));
    }

    #[test]
    fn the_steady_clock_ignores_a_step_until_reanchored() {
        let start = c(1_000_000, 50_000, 60_000);
        let clock = SteadyClock::new(start);
        assert_eq!(clock.at(start), Millis(1_000_000));
        let stepped = c(1_000_000 + 3_600_000 + 1_000, 51_000, 61_000);
        assert_eq!(clock.at(stepped), Millis(1_001_000));
        assert_eq!(clock.drift_ms(stepped), 3_600_000);
        clock.reanchor(stepped);
        assert_eq!(clock.at(stepped), Millis(1_000_000 + 3_600_000 + 1_000));
        // A sleep is on the steady clock too (boottime counts it).
        let woke = c(1_000_000 + 3_600_000 + 601_000, 51_000, 661_000);
        assert_eq!(clock.drift_ms(woke), 0);
    }
}
