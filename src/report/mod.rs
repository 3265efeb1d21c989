//! Reports: model values → versioned JSON documents and human tables.
//!
//! Each command has its own report type with `#[derive(Serialize)]`, built
//! from model values, so the JSON schema changes only when a report type is
//! changed on purpose (and its schema version with it). Renderers write to
//! any [`std::io::Write`] so tests print into a `Vec<u8>`.

pub mod channels;
pub mod interfaces;
pub mod scan;
pub mod status;
pub mod table;
