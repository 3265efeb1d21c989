//! wifidiag: tells a technician *why* a Wi-Fi client keeps losing its server.
//!
//! The crate is split so that the pure core never sees the kernel:
//!
//! - [`model`] and [`freq`] are plain data types and the arithmetic over them
//!   (channels, bands, units). Everything else speaks these types.
//! - [`nl`] is the only module that talks to the kernel (nl80211 over generic
//!   netlink). It returns [`model`] types and typed [`Error`]s, never netlink
//!   structures, so the layers above can be tested with recorded data.
//! - [`ie`] decodes a BSS's raw information elements (beacon / probe
//!   response) and derives its security, PHY generation and channel.
//! - [`report`] turns model values into versioned JSON documents and human
//!   tables, writing to any [`std::io::Write`].
//! - [`cli`] is the clap definition (shared with the man page generator), and
//!   [`exit`] the documented exit codes.
//!
//! The binary (`src/main.rs`) only glues these together.

pub mod channels;
pub mod cli;
pub mod error;
pub mod escape;
pub mod exit;
pub mod freq;
#[doc(hidden)]
pub mod fuzz;
pub mod health;
pub mod ie;
pub mod model;
pub mod nl;
pub mod output;
pub mod report;
pub mod scan;
pub mod watch;

pub use error::{Error, Result};
pub use exit::ExitCode;
