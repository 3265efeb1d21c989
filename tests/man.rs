//! The man pages in `man/` are generated from the clap definition; this test
//! fails when they drift. Regenerate with:
//!
//!     WIFIDIAG_UPDATE_MAN=1 cargo test --test man

use clap::CommandFactory;
use std::path::PathBuf;
use wifidiag::cli::Cli;

/// Renders `wifidiag.1` and one `wifidiag-<command>.1` per subcommand.
fn render_all() -> Vec<(String, Vec<u8>)> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut pages = Vec::new();
    let mut render = |name: String, cmd: clap::Command| {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd)
            .title(name.to_uppercase())
            .render(&mut buf)
            .expect("render man page");
        pages.push((format!("{name}.1"), buf));
    };
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("wifidiag-{}", sub.get_name());
        // clap names are 'static; a leaked string per page is fine in a test.
        let static_name: &'static str = Box::leak(name.clone().into_boxed_str());
        let page_cmd = sub
            .clone()
            .name(static_name)
            .bin_name(format!("wifidiag {}", sub.get_name()));
        render(name, page_cmd);
    }
    render("wifidiag".into(), cmd);
    pages.sort();
    pages
}

#[test]
fn man_pages_match_the_cli_definition() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    let update = std::env::var_os("WIFIDIAG_UPDATE_MAN").is_some();
    let mut stale = Vec::new();
    for (file, page) in render_all() {
        let path = dir.join(&file);
        if update {
            std::fs::write(&path, &page).expect("write man page");
        } else if std::fs::read(&path).ok().as_deref() != Some(page.as_slice()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "man pages out of date: {stale:?}; run `WIFIDIAG_UPDATE_MAN=1 cargo test --test man`"
    );
}

#[test]
fn man_page_documents_exit_status() {
    let pages = render_all();
    let (_, main) = pages.iter().find(|(f, _)| f == "wifidiag.1").unwrap();
    let text = String::from_utf8_lossy(main);
    for code in wifidiag::ExitCode::ALL {
        assert!(
            text.contains(&format!("  {}  ", code.code())),
            "exit code {} missing from the man page",
            code.code()
        );
    }
}
