//! Typed errors of the library.
//!
//! Each variant names what failed in words a technician can act on; the
//! binary prints it once as `wifidiag: <message>` and exits with
//! [`Error::exit_code`]. Raw errno values never reach the user unexplained.

use crate::exit::ExitCode;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The generic-netlink controller does not know the nl80211 family.
    #[error(
        "no wireless stack: this kernel does not provide nl80211 \
         (no cfg80211 Wi-Fi driver is loaded); \
         on a machine without Wi-Fi hardware, try the lab: tests/lab/demo"
    )]
    NoWirelessStack,

    /// nl80211 answered but listed no wireless interface.
    #[error("no wireless interface: the kernel's nl80211 lists none")]
    NoInterface,

    /// The interface the user named is not a wireless interface we can see.
    #[error("no wireless interface named {name:?} (wireless interfaces here: {available})")]
    InterfaceNotFound { name: String, available: String },

    /// The kernel refused an operation for lack of privilege.
    #[error("permission denied: {operation}: {hint}")]
    PermissionDenied {
        operation: &'static str,
        hint: &'static str,
    },

    /// The interface disappeared between listing and asking (ENODEV).
    #[error(
        "{operation}: the wireless interface went away (unplugged, driver reloaded or renamed)"
    )]
    InterfaceGone { operation: &'static str },

    /// The interface exists but is administratively down (ENETDOWN).
    #[error("{operation}: the wireless interface is down; bring it up (ip link set IFACE up) or start the connection manager")]
    InterfaceDown { operation: &'static str },

    /// A netlink socket could not be opened at all.
    #[error("cannot open a netlink socket: {0}")]
    Socket(#[source] std::io::Error),

    /// A netlink request failed for a reason we do not classify further.
    #[error("nl80211 {operation} failed: {detail}")]
    Netlink {
        operation: &'static str,
        detail: String,
    },
}

impl Error {
    /// The documented process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::NoWirelessStack => ExitCode::NoWirelessStack,
            Error::NoInterface | Error::InterfaceNotFound { .. } | Error::InterfaceGone { .. } => {
                ExitCode::NoInterface
            }
            Error::InterfaceDown { .. } => ExitCode::Failure,
            Error::PermissionDenied { .. } => ExitCode::PermissionDenied,
            Error::Socket(_) | Error::Netlink { .. } => ExitCode::Failure,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_line() {
        let errors = [
            Error::NoWirelessStack,
            Error::NoInterface,
            Error::InterfaceNotFound {
                name: "wlan9".into(),
                available: "wlan0".into(),
            },
            Error::PermissionDenied {
                operation: "trigger scan",
                hint: "run as root",
            },
            Error::Netlink {
                operation: "interface dump",
                detail: "Device or resource busy (os error 16)".into(),
            },
        ];
        for err in errors {
            let text = err.to_string();
            assert!(!text.contains('\n'), "multi-line message: {text}");
            assert!(!text.is_empty());
        }
    }

    #[test]
    fn exit_codes_follow_the_cause() {
        assert_eq!(
            Error::NoWirelessStack.exit_code(),
            ExitCode::NoWirelessStack
        );
        assert_eq!(Error::NoInterface.exit_code(), ExitCode::NoInterface);
        assert_eq!(
            Error::PermissionDenied {
                operation: "x",
                hint: "y"
            }
            .exit_code(),
            ExitCode::PermissionDenied
        );
        assert_eq!(
            Error::Netlink {
                operation: "x",
                detail: "y".into()
            }
            .exit_code(),
            ExitCode::Failure
        );
    }
}
