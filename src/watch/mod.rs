//! `wifidiag watch`: Wi-Fi events, link samples and reachability probes on
//! one timeline, and a verdict for every outage.
//!
//! The pure core — the event model ([`event`]), outage tracking and
//! verdicts ([`verdict`]), roaming pathologies ([`pathology`]) — is tested
//! with recorded sequences, including signals the lab cannot produce. The
//! I/O edges are [`probe`] (ICMP, TCP, DNS) and [`log`] (cron-safe JSON
//! Lines); the nl80211/rtnetlink event sources live in [`crate::nl`].

pub mod clock;
pub mod engine;
pub mod event;
pub mod log;
pub mod pathology;
pub mod probe;
pub mod read;
pub mod reason;
pub mod session;
pub mod sink;
pub mod summary;
pub mod verdict;
