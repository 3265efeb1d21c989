//! Table styling shared by the human renderers.

use comfy_table::{presets, ContentArrangement, Table};

/// A table with the project's look: box drawing and terminal-width fitting
/// when styled; plain ASCII, unwrapped, when not (pipes, files, `NO_COLOR`).
pub fn new_table(styled: bool, header: &[&str]) -> Table {
    let mut table = Table::new();
    if styled {
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic);
    } else {
        table
            .load_style(presets::ASCII_MARKDOWN)
            .set_content_arrangement(ContentArrangement::Disabled)
            .force_no_tty();
    }
    table.set_header(header.iter().copied());
    table
}

/// The cell text for a missing value.
pub const NONE: &str = "-";
