//! Using wifidiag as a library: list the wireless interfaces and print the
//! connected ones in one line each.
//!
//!     cargo run --example list_interfaces
//!
//! On a machine without a wireless stack this prints the same one-line
//! cause the `wifidiag` binary prints, and exits with the same code.

use wifidiag::nl::Nl80211;

fn main() -> std::process::ExitCode {
    let result = Nl80211::open().and_then(|nl| nl.interfaces());
    let interfaces = match result {
        Ok(list) => list,
        Err(err) => {
            eprintln!("list_interfaces: {err}");
            return err.exit_code().into();
        }
    };
    for iface in &interfaces {
        let name = iface.name.as_deref().unwrap_or("(no netdev)");
        match (&iface.ssid, iface.freq.and_then(|f| f.channel())) {
            (Some(ssid), Some(channel)) => println!(
                "{name}: {} on \"{ssid}\", channel {} ({})",
                iface.if_type.label(),
                channel.number,
                channel.band
            ),
            _ => println!("{name}: {} (not connected)", iface.if_type.label()),
        }
    }
    std::process::ExitCode::SUCCESS
}
