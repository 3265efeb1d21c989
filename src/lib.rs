//! wifidiag: tells a technician *why* a Wi-Fi client keeps losing its server.
//!
//! The crate keeps a pure core apart from thin edges that do I/O:
//!
//! - [`model`] and [`freq`] are plain data types and the arithmetic over them
//!   (channels, bands, units, kernel events). Everything else speaks these
//!   types.
//! - [`nl`] is the kernel edge: nl80211 over generic netlink, rtnetlink
//!   dumps, and the multicast listeners (`nl::listen`). It returns [`model`]
//!   types and typed [`Error`]s, never netlink structures, and parses
//!   links, addresses and routes in one place (`nl::route`) for dumps and
//!   events alike, so the layers above can be tested with recorded data.
//! - [`ie`] decodes a BSS's raw information elements (beacon / probe
//!   response) and derives its security, PHY generation and channel.
//! - [`scan`], [`channels`] and [`health`] are pure analysis of what the
//!   kernel reported; [`neighbourhood`] decides how many scans make the
//!   neighbourhood complete (pure) and runs them (`neighbourhood::survey`).
//! - [`watch`] is the watch: a pure engine (`watch::engine`) fed kernel
//!   events, probe results and samples, whose records go to sinks
//!   (`watch::sink`: the terminal, JSON Lines, the `--log` file, the
//!   summary, and `watch::metrics`, the `--metrics-file`). Its edges are
//!   `watch::session` (kernel, clocks, signals), `watch::probe`
//!   (ICMP/TCP/DNS sockets; packet encoding and target parsing are pure),
//!   `watch::log` (the cron-safe writer) and `watch::read` (the typed,
//!   streaming reader `report` uses).
//! - [`report`] turns model values into versioned JSON documents and human
//!   tables, writing to any [`std::io::Write`]; [`output`] holds what every
//!   command shares (styling, envelopes, redaction) and [`escape`] makes
//!   untrusted text safe for a terminal.
//! - [`cli`] is the clap definition (shared with the man page generator), and
//!   [`exit`] the documented exit codes.
//!
//! The binary (`src/main.rs`, `src/commands.rs`) only glues these together.

pub mod channels;
pub mod cli;
pub mod diagnose;
pub mod error;
pub mod escape;
pub mod exit;
pub mod freq;
#[doc(hidden)]
pub mod fuzz;
pub mod health;
pub mod history;
pub mod ie;
pub mod model;
pub mod neighbourhood;
pub mod nl;
pub mod output;
pub mod report;
pub mod scan;
pub mod watch;

pub use error::{Error, Result};
pub use exit::ExitCode;
