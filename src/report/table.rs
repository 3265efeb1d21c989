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

/// Adding rows whose text may come from the kernel, a file or the network:
/// every cell goes through [`crate::escape::terminal_safe`] first, so no
/// cell can move the cursor, restyle the terminal or start a row of its own.
pub trait SafeRows {
    fn add_safe_row(&mut self, cells: Vec<String>) -> &mut Self;
}

impl SafeRows for Table {
    fn add_safe_row(&mut self, cells: Vec<String>) -> &mut Self {
        self.add_row(
            cells
                .into_iter()
                .map(|c| crate::escape::terminal_safe(&c).into_owned()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_cell_cannot_forge_a_row_or_restyle() {
        let mut t = new_table(false, &["Interface", "Note"]);
        t.add_safe_row(vec!["wlan\x1b[2J0".into(), "ok\n| forged | row |".into()]);
        let text = t.to_string();
        assert!(!text.contains('\x1b'), "{text}");
        assert_eq!(text.lines().count(), 3, "{text}");
    }
}
