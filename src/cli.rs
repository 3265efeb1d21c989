//! The command-line definition.
//!
//! Kept in the library so that the man page in `man/` can be generated from
//! the very same definition (see `tests/man.rs`) and cannot drift from it.

use crate::exit::EXIT_CODES_HELP;
use clap::{Args, Parser, Subcommand, ValueEnum};

const LONG_ABOUT: &str = "\
wifidiag tells a technician why a Wi-Fi client keeps losing its server. \
It reads the wireless state straight from the kernel (nl80211), and reports \
it as tables for people or as versioned JSON for tickets and scripts.

It only observes: it never reconfigures the interface it measures.";

/// Top-level command line.
#[derive(Debug, Parser)]
#[command(
    name = "wifidiag",
    version,
    about = "Tell why a Wi-Fi client keeps losing its server",
    long_about = LONG_ABOUT,
    after_long_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print one JSON document (versioned schema) instead of a table
    #[arg(long, global = true)]
    pub json: bool,

    /// When to use colour and table styling
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = ColorChoice::Auto,
        long_help = "When to use colour and table styling. 'auto' styles output only when \
                     standard output is a terminal and the NO_COLOR environment variable \
                     is unset or empty."
    )]
    pub color: ColorChoice,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the wireless interfaces the kernel knows
    #[command(
        long_about = "List the wireless interfaces the kernel knows, from an nl80211 \
                      interface dump (as `iw dev` shows): name, interface index, phy, \
                      type, MAC address, and the SSID, frequency and channel when the \
                      interface is connected or serving a network.\n\n\
                      Exits with status 4 when nl80211 exists but lists no interface, \
                      and 3 when the kernel has no wireless stack at all."
    )]
    Interfaces(InterfacesArgs),
}

/// Arguments of `wifidiag interfaces`.
#[derive(Debug, Args)]
pub struct InterfacesArgs {}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn json_is_accepted_before_and_after_the_command() {
        let after = Cli::try_parse_from(["wifidiag", "interfaces", "--json"]).unwrap();
        let before = Cli::try_parse_from(["wifidiag", "--json", "interfaces"]).unwrap();
        assert!(after.global.json && before.global.json);
    }

    #[test]
    fn a_command_is_required() {
        assert!(Cli::try_parse_from(["wifidiag"]).is_err());
    }
}
