//! `wifidiag watch`: Wi-Fi events, link samples and reachability probes on
//! one timeline, and a verdict for every outage.
//!
//! The pure core, tested with scripted and recorded sequences (including
//! signals the lab cannot produce):
//! - [`engine`]: the state machine, fed [`engine::Input`]s and answering
//!   with the [`event::Record`]s to publish;
//! - [`event`]: the record type, written to the log and read back as the
//!   same type (`wifidiag.event/1`);
//! - [`verdict`] (outages and their causes), [`pathology`] (roaming
//!   patterns), [`summary`] (one accumulator and renderer for the end of a
//!   watch and for `report`), [`clock`] (sleeps and clock steps, told apart
//!   from outages), [`reason`] (802.11 reason and status codes).
//!
//! The edges: [`session`] (the loop around the engine: kernel reads and
//! listeners, clocks, signals), [`sink`] (where records go), [`probe`]
//! (ICMP, TCP, DNS), [`log`] (the cron-safe JSON Lines writer),
//! [`metrics`] (the Prometheus textfile) and [`read`] (the streaming
//! reader).

pub mod clock;
pub mod engine;
pub mod event;
pub mod log;
pub mod metrics;
pub mod pathology;
pub mod probe;
pub mod read;
pub mod reason;
pub mod scanlog;
pub mod session;
pub mod sink;
pub mod summary;
pub mod verdict;
