//! The kernel edge: nl80211 over generic netlink.
//!
//! This is the only module that sees netlink types. It opens one nl80211
//! session, issues requests through wl-nl80211 and converts every reply into
//! the plain [`crate::model`] types, so nothing above it needs a kernel to be
//! tested. Errors are classified into [`crate::Error`] here, where the errno
//! still means something (ENOENT from the generic-netlink controller means
//! "no nl80211 family", not "file not found").

mod convert;

pub use convert::interface_from_attrs;

use crate::error::{Error, Result};
use crate::model::WirelessInterface;
use futures::TryStreamExt;
use wl_nl80211::{Nl80211Error, Nl80211Handle, Nl80211Message};

/// An open nl80211 session.
///
/// wl-nl80211 is asynchronous; wifidiag's commands are sequential, so the
/// session owns a current-thread runtime and exposes blocking methods. The
/// netlink connection task runs whenever a request is being awaited.
pub struct Nl80211 {
    runtime: tokio::runtime::Runtime,
    handle: Nl80211Handle,
}

impl Nl80211 {
    /// Opens a session and checks that the kernel has nl80211 at all.
    ///
    /// Fails with [`Error::NoWirelessStack`] on a kernel built without
    /// cfg80211 (or with no Wi-Fi driver loaded), which is how a machine
    /// without wireless looks from userspace.
    pub fn open() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(Error::Socket)?;
        let handle = runtime.block_on(async {
            let (connection, handle, _unsolicited) =
                wl_nl80211::new_connection().map_err(|err| {
                    if err.raw_os_error() == Some(libc_errno::EPROTONOSUPPORT) {
                        Error::NoWirelessStack
                    } else {
                        Error::Socket(err)
                    }
                })?;
            tokio::spawn(connection);
            handle
                .handle
                .resolve_family::<Nl80211Message>()
                .await
                .map_err(classify_resolve_error)?;
            Ok::<_, Error>(handle)
        })?;
        Ok(Nl80211 { runtime, handle })
    }

    /// Every wireless interface in this network namespace
    /// (`NL80211_CMD_GET_INTERFACE` dump, as `iw dev` shows).
    pub fn interfaces(&self) -> Result<Vec<WirelessInterface>> {
        let operation = "interface dump";
        let handle = self.handle.clone();
        let messages = self.runtime.block_on(async move {
            let stream = handle.interface().get(Vec::new()).execute().await;
            stream.try_collect::<Vec<_>>().await
        });
        let messages = messages.map_err(|err| classify_request_error(operation, err))?;
        let mut interfaces: Vec<WirelessInterface> = messages
            .iter()
            .filter_map(|msg| interface_from_attrs(&msg.payload.attributes))
            .collect();
        interfaces.sort_by(|a, b| (a.phy, a.ifindex, &a.name).cmp(&(b.phy, b.ifindex, &b.name)));
        Ok(interfaces)
    }
}

/// errno values we classify; kept local rather than pulling in libc for four
/// constants that are fixed by the Linux ABI.
mod libc_errno {
    pub const EPERM: i32 = 1;
    pub const ENOENT: i32 = 2;
    pub const EACCES: i32 = 13;
    pub const EPROTONOSUPPORT: i32 = 93;
}

fn classify_resolve_error(err: genetlink::GenetlinkError) -> Error {
    match &err {
        genetlink::GenetlinkError::NetlinkError(io)
            if io.raw_os_error() == Some(libc_errno::ENOENT) =>
        {
            Error::NoWirelessStack
        }
        _ => Error::Netlink {
            operation: "family lookup",
            detail: describe_genetlink(&err),
        },
    }
}

fn describe_genetlink(err: &genetlink::GenetlinkError) -> String {
    match err {
        genetlink::GenetlinkError::NetlinkError(io) => io.to_string(),
        other => other.to_string(),
    }
}

fn classify_request_error(operation: &'static str, err: Nl80211Error) -> Error {
    match &err {
        Nl80211Error::NetlinkError(msg) => {
            let errno = msg.raw_code().abs();
            if errno == libc_errno::EPERM || errno == libc_errno::EACCES {
                Error::PermissionDenied {
                    operation,
                    hint: "run as root or grant CAP_NET_ADMIN",
                }
            } else {
                Error::Netlink {
                    operation,
                    detail: msg.to_io().to_string(),
                }
            }
        }
        other => Error::Netlink {
            operation,
            detail: other.to_string(),
        },
    }
}
