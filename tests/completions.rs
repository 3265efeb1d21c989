//! Shell completions in `completions/` (bash, zsh, fish) are generated from
//! the clap definition, like the man pages; this test fails when they drift
//! and checks that they work. Regenerate with:
//!
//!     WIFIDIAG_UPDATE_COMPLETIONS=1 cargo test --test completions

use clap::CommandFactory;
use clap_complete::Shell;
use std::path::PathBuf;
use std::process::Command;
use wifidiag::cli::Cli;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("completions")
}

fn render(shell: Shell) -> (String, Vec<u8>) {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "wifidiag", &mut buf);
    let file = match shell {
        Shell::Bash => "wifidiag.bash",
        Shell::Zsh => "_wifidiag",
        Shell::Fish => "wifidiag.fish",
        _ => unreachable!(),
    };
    (file.to_string(), buf)
}

#[test]
fn completions_match_the_cli_definition() {
    let update = std::env::var_os("WIFIDIAG_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        let (file, text) = render(shell);
        let path = dir().join(&file);
        if update {
            std::fs::create_dir_all(dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(text.as_slice()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "completions out of date: {stale:?}; run `WIFIDIAG_UPDATE_COMPLETIONS=1 cargo test --test completions`"
    );
}

/// Runs bash's completion function as bash would for the words typed, and
/// returns what it offers.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = dir().join("wifidiag.bash");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE=\"${{COMP_WORDS[*]}}\"\nCOMP_POINT=${{#COMP_LINE}}\n_wifidiag wifidiag '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words[words.len() - 1],
        words.get(words.len().wrapping_sub(2)).copied().unwrap_or("")
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_and_flags() {
    let syntax = Command::new("bash")
        .args(["-n"])
        .arg(dir().join("wifidiag.bash"))
        .status()
        .expect("bash -n");
    assert!(syntax.success());
    let commands = bash_complete(&["wifidiag", "dia"]);
    assert_eq!(commands, ["diagnose"], "{commands:?}");
    let flags = bash_complete(&["wifidiag", "diagnose", "--ta"]);
    assert_eq!(flags, ["--target"], "{flags:?}");
    let watch = bash_complete(&["wifidiag", "watch", "--metr"]);
    assert_eq!(watch, ["--metrics-file"], "{watch:?}");
}

/// zsh and fish check their files' syntax when installed (the Debian
/// packages zsh and fish); the test says so when they are not.
#[test]
fn zsh_and_fish_parse_their_files() {
    for (shell, file, args) in [
        ("zsh", "_wifidiag", vec!["-n"]),
        ("fish", "wifidiag.fish", vec!["--no-execute"]),
    ] {
        match Command::new(shell)
            .args(&args)
            .arg(dir().join(file))
            .output()
        {
            Ok(out) => assert!(
                out.status.success(),
                "{shell}: {}",
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => eprintln!("{shell} is not installed: its completion file was not parsed"),
        }
    }
}
