//! The kernel edge: nl80211 over generic netlink, rtnetlink dumps
//! (`route`) and the multicast event listeners ([`listen`], decoded by
//! [`events`]).
//!
//! This is the only module that sees netlink types. It opens one nl80211
//! session, issues requests through wl-nl80211 and converts every reply and
//! event into the plain [`crate::model`] types, so nothing above it needs a
//! kernel to be tested. Links, addresses and default routes are parsed in
//! one place, `route`, for the dumps and the events alike. Errors are classified into [`crate::Error`] here, where the errno
//! still means something (ENOENT from the generic-netlink controller means
//! "no nl80211 family", not "file not found").

mod convert;
pub mod events;
#[cfg(test)]
mod fixtures;
pub(crate) mod genl;
mod guard;
pub mod listen;
pub(crate) mod route;

pub use route::ip_state;

pub use convert::{
    interface_from_attrs, phy_channels_from_attrs, power_save_from_attrs, rate_from_attrs,
    reg_domain_from_attrs, scan_bss_from_attrs, station_from_attrs, survey_from_attrs,
};

use crate::error::{Error, Result};
use crate::model::{
    BssStatus, IfType, PhyChannel, RegDomain, ScanBss, StationInfo, SurveyEntry, WirelessInterface,
};
use futures::{StreamExt, TryStreamExt};
use std::time::Duration;
use wl_nl80211::packet_core::{ErrorMessage, NetlinkMessage, NetlinkPayload};
use wl_nl80211::{
    Nl80211Attr, Nl80211Command, Nl80211Error, Nl80211ExtFeature, Nl80211Message,
    Nl80211MulticastGroup,
};

/// How a scan request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutcome {
    /// The kernel announced new results for the interface.
    Completed,
    /// The scan was aborted (by the driver or another user of the radio);
    /// the cache holds whatever was collected.
    Aborted,
    /// Neither arrived within the timeout.
    TimedOut,
}

/// How a triggered scan looks for networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScanMode {
    /// Send a wildcard probe request on each channel (where the regulatory
    /// domain allows it) and listen briefly: fast, but it transmits, and a
    /// hidden network is only found if its beacon falls into the short dwell.
    #[default]
    Active,
    /// Transmit nothing, only listen for beacons on each channel for about a
    /// beacon interval: slower, finds hidden networks reliably, and leaves
    /// the air as it was.
    Passive,
}

/// An open nl80211 session.
///
/// Requests and dumps go over a blocking generic-netlink socket
/// (`genl::GenlSocket`); only [`Nl80211::trigger_scan`], which waits for
/// an event, starts wl-nl80211's async machinery.
pub struct Nl80211 {
    sock: genl::GenlSocket,
}

impl Nl80211 {
    /// Opens a session and checks that the kernel has nl80211 at all.
    ///
    /// Fails with [`Error::NoWirelessStack`] on a kernel built without
    /// cfg80211 (or with no Wi-Fi driver loaded), which is how a machine
    /// without wireless looks from userspace.
    pub fn open() -> Result<Self> {
        let sock = genl::GenlSocket::open().map_err(|err| match err {
            genl::GenlError::NoFamily => Error::NoWirelessStack,
            genl::GenlError::Io(io) if io.raw_os_error() == Some(libc_errno::EPROTONOSUPPORT) => {
                Error::NoWirelessStack
            }
            other => genl_error("family lookup", other),
        })?;
        Ok(Nl80211 { sock })
    }

    /// Every wireless interface in this network namespace
    /// (`NL80211_CMD_GET_INTERFACE` dump, as `iw dev` shows), with the SSID
    /// of connected stations filled in (see [`Nl80211::interface_dump`]).
    pub fn interfaces(&self) -> Result<Vec<WirelessInterface>> {
        let mut interfaces = self.interface_dump()?;
        for iface in &mut interfaces {
            self.fill_station_ssid(iface)?;
        }
        Ok(interfaces)
    }

    /// The interface dump alone: on older kernels a station's SSID is
    /// missing (a connected station still has its frequency). Commands that
    /// read the scan cache anyway use this and take the SSID from there,
    /// instead of reading the cache twice.
    pub fn interface_dump(&self) -> Result<Vec<WirelessInterface>> {
        let messages = self.dump("interface dump", Nl80211Command::GetInterface, vec![])?;
        let mut interfaces: Vec<WirelessInterface> = messages
            .iter()
            .filter_map(|msg| interface_from_attrs(&msg.attributes))
            .collect();
        interfaces.sort_by(|a, b| (a.phy, a.ifindex, &a.name).cmp(&(b.phy, b.ifindex, &b.name)));
        Ok(interfaces)
    }

    /// Kernels before 6.x report `NL80211_ATTR_SSID` in the interface dump
    /// only for connections made with `NL80211_CMD_CONNECT`, not for the
    /// authenticate/associate path wpa_supplicant uses with mac80211. The
    /// SSID is then read, as `iw dev X link` does, from the scan entry the
    /// kernel marks as associated.
    fn fill_station_ssid(&self, iface: &mut WirelessInterface) -> Result<()> {
        let station = matches!(iface.if_type, IfType::Station | IfType::P2pClient);
        let (Some(ifindex), true, None) = (iface.ifindex, station, &iface.ssid) else {
            return Ok(());
        };
        let bsses = match self.scan_dump(ifindex) {
            Ok(bsses) => bsses,
            // The interface may vanish or go down between the two dumps.
            Err(Error::InterfaceGone { .. } | Error::InterfaceDown { .. }) => return Ok(()),
            Err(err) => return Err(err),
        };
        iface.ssid = bsses
            .iter()
            .find(|bss| bss.status == Some(BssStatus::Associated))
            .and_then(|bss| crate::ie::parse(&bss.ies).ssid);
        Ok(())
    }

    /// The station entry of the access point a managed interface is
    /// associated with (`iw dev X station dump`); `None` when not associated.
    pub fn station(&self, ifindex: u32) -> Result<Option<StationInfo>> {
        let messages = self.dump(
            "station dump",
            Nl80211Command::GetStation,
            vec![Nl80211Attr::IfIndex(ifindex)],
        )?;
        Ok(messages
            .iter()
            .find_map(|msg| station_from_attrs(&msg.attributes)))
    }

    /// The channel survey of the interface's radio (`iw dev X survey dump`).
    pub fn survey(&self, ifindex: u32) -> Result<Vec<SurveyEntry>> {
        let messages = self.dump(
            "survey dump",
            Nl80211Command::GetSurvey,
            vec![Nl80211Attr::IfIndex(ifindex)],
        )?;
        Ok(messages
            .iter()
            .filter_map(|msg| survey_from_attrs(&msg.attributes))
            .collect())
    }

    /// The kernel's cached scan results for the interface
    /// (`iw dev X scan dump`). Never triggers a scan.
    pub fn scan_dump(&self, ifindex: u32) -> Result<Vec<ScanBss>> {
        let messages = self.dump(
            "scan dump",
            Nl80211Command::GetScan,
            vec![Nl80211Attr::IfIndex(ifindex)],
        )?;
        Ok(messages
            .iter()
            .filter_map(|msg| scan_bss_from_attrs(&msg.attributes))
            .collect())
    }

    /// Triggers a scan on the interface and waits until the kernel reports
    /// new results (or an abort) for it, at most `timeout`.
    ///
    /// The scan multicast group is joined *before* the trigger is sent, on a
    /// socket of its own, so the completion cannot be missed. When another
    /// scan is running on the radio (EBUSY: the connection manager's, often
    /// on a few channels only), its end is awaited and ours triggered then,
    /// all within `timeout`. An end the kernel announces before it announced
    /// the start of ours belongs to an earlier scan and is not taken for
    /// ours. Lacking `CAP_NET_ADMIN` gives
    /// [`Error::PermissionDenied`]; the caller decides to fall back to the
    /// cache.
    ///
    /// `freqs` limits the scan to those frequencies (MHz); empty scans every
    /// channel the radio supports. The kernel rejects a frequency the phy
    /// does not have, so pass only ones from [`Nl80211::phy_channels`].
    pub fn trigger_scan(
        &self,
        ifindex: u32,
        freqs: &[u32],
        mode: ScanMode,
        timeout: Duration,
    ) -> Result<ScanOutcome> {
        self.trigger_scan_dwell(ifindex, freqs, mode, None, timeout)
    }

    /// [`Nl80211::trigger_scan`] with a dwell per channel in TU
    /// (`NL80211_ATTR_MEASUREMENT_DURATION`), which cfg80211 accepts only
    /// from drivers that advertise it (see [`Nl80211::scan_dwell_supported`]);
    /// `None` leaves the dwell to the driver.
    pub fn trigger_scan_dwell(
        &self,
        ifindex: u32,
        freqs: &[u32],
        mode: ScanMode,
        dwell_tu: Option<u16>,
        timeout: Duration,
    ) -> Result<ScanOutcome> {
        const EBUSY: i32 = 16;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(Error::Socket)?;
        runtime.block_on(async move {
            let (connection, _events_handle, mut events) =
                wl_nl80211::new_multicast_connection(&[Nl80211MulticastGroup::Scan])
                    .map_err(Error::Socket)?;
            tokio::spawn(connection);
            let (request_connection, handle, _) =
                wl_nl80211::new_connection().map_err(Error::Socket)?;
            tokio::spawn(request_connection);
            let deadline = tokio::time::Instant::now() + timeout;

            loop {
                let mut trigger = wl_nl80211::Nl80211Scan::new(ifindex);
                if !freqs.is_empty() {
                    trigger = trigger.scan_frequencies(freqs.to_vec());
                }
                trigger = trigger.passive(mode == ScanMode::Passive);
                if let Some(tu) = dwell_tu {
                    trigger = trigger.duration(tu);
                }
                let acks = handle.scan().trigger(trigger.build()).execute().await;
                let busy = match acks.try_collect::<Vec<_>>().await {
                    Ok(_) => false,
                    Err(Nl80211Error::NetlinkError(msg)) if errno(&msg) == EBUSY => true,
                    Err(err) => return Err(classify_request_error("scan trigger", err)),
                };
                // Waiting out someone else's scan, any end will do; for
                // ours, only an end after our start.
                let outcome =
                    tokio::time::timeout_at(deadline, next_scan_end(&mut events, ifindex, !busy))
                        .await
                        .unwrap_or(ScanOutcome::TimedOut);
                // Someone else's scan (the connection manager's, often on
                // fewer channels) ended: now ours can run.
                if busy && outcome != ScanOutcome::TimedOut {
                    continue;
                }
                return Ok(outcome);
            }
        })
    }

    /// The channels `phy` supports, with their current regulatory flags
    /// (`iw phy phyN channels`), ordered by frequency.
    pub fn phy_channels(&self, phy: u32) -> Result<Vec<PhyChannel>> {
        let messages = self.dump(
            "wiphy dump",
            Nl80211Command::GetWiphy,
            vec![Nl80211Attr::SplitWiphyDump],
        )?;
        let mut channels = Vec::new();
        for msg in &messages {
            let attrs = &msg.attributes;
            if attrs
                .iter()
                .any(|a| matches!(a, Nl80211Attr::Wiphy(p) if *p == phy))
            {
                phy_channels_from_attrs(attrs, &mut channels);
            }
        }
        channels.sort_by_key(|c| c.freq);
        Ok(channels)
    }

    /// Whether power save is on for the interface (`iw dev X get
    /// power_save`); `None` when the driver does not say. Reads only.
    pub fn power_save(&self, ifindex: u32) -> Result<Option<bool>> {
        let message = Nl80211Message {
            cmd: Nl80211Command::GetPowerSave,
            attributes: vec![Nl80211Attr::IfIndex(ifindex)],
        };
        let replies = self
            .sock
            .request(message, false)
            .map_err(|err| genl_error("power save query", err))?;
        Ok(replies
            .iter()
            .find_map(|msg| power_save_from_attrs(&msg.attributes)))
    }

    /// Whether the driver of `phy` lets a scan's dwell per channel be set
    /// (`NL80211_EXT_FEATURE_SET_SCAN_DWELL`; mac80211_hwsim and mac80211's
    /// software scan do not advertise it, several full-MAC firmwares do).
    pub fn scan_dwell_supported(&self, phy: u32) -> Result<bool> {
        let messages = self.dump(
            "wiphy dump",
            Nl80211Command::GetWiphy,
            vec![Nl80211Attr::SplitWiphyDump],
        )?;
        Ok(messages.iter().any(|msg| {
            let attrs = &msg.attributes;
            attrs
                .iter()
                .any(|a| matches!(a, Nl80211Attr::Wiphy(p) if *p == phy))
                && allows_scan_dwell(attrs)
        }))
    }

    /// The regulatory domain that applies to `phy` (`iw reg get`): the phy's
    /// own domain when it is self-managed, otherwise the global one.
    pub fn regulatory(&self, phy: u32) -> Result<Option<RegDomain>> {
        let message = Nl80211Message {
            cmd: Nl80211Command::GetReg,
            attributes: vec![Nl80211Attr::Wiphy(phy)],
        };
        let replies = self
            .sock
            .request(message, false)
            .map_err(|err| genl_error("regulatory query", err))?;
        Ok(replies
            .iter()
            .find_map(|msg| reg_domain_from_attrs(&msg.attributes)))
    }

    /// Runs one dump and collects its replies, classifying any failure.
    fn dump(
        &self,
        operation: &'static str,
        cmd: Nl80211Command,
        attributes: Vec<Nl80211Attr>,
    ) -> Result<Vec<Nl80211Message>> {
        self.sock
            .request(Nl80211Message { cmd, attributes }, true)
            .map_err(|err| genl_error(operation, err))
    }
}

/// Whether a wiphy message's extended features include setting the scan
/// dwell.
fn allows_scan_dwell(attrs: &[Nl80211Attr]) -> bool {
    attrs.iter().any(|a| {
        matches!(a, Nl80211Attr::ExtFeatures(features)
            if features.contains(&Nl80211ExtFeature::SetScanDwell))
    })
}

/// The errno of an `NLMSG_ERROR` (the kernel sends it negated). Not
/// netlink-packet-core's `abs()`/`to_io()`, which overflow for `i32::MIN`
/// (a panic where overflow checks are on): the code is whatever the
/// message says.
pub(crate) fn errno(msg: &ErrorMessage) -> i32 {
    msg.raw_code().saturating_abs()
}

/// The errno's text ("Device or resource busy (os error 16)").
pub(crate) fn errno_text(msg: &ErrorMessage) -> String {
    std::io::Error::from_raw_os_error(errno(msg)).to_string()
}

pub(crate) fn genl_error(operation: &'static str, err: genl::GenlError) -> Error {
    match err {
        genl::GenlError::Kernel(e) => classify_request_error(operation, e),
        genl::GenlError::NoFamily => Error::NoWirelessStack,
        genl::GenlError::Io(io) => Error::Netlink {
            operation,
            detail: io.to_string(),
        },
        genl::GenlError::Decode(detail) => Error::Netlink { operation, detail },
    }
}

/// Waits for the end of a scan on `ifindex`: new results or an abort.
async fn next_scan_end<S>(events: &mut S, ifindex: u32, after_start: bool) -> ScanOutcome
where
    S: futures::Stream<
            Item = (
                NetlinkMessage<genetlink::message::RawGenlMessage>,
                netlink_sys::SocketAddr,
            ),
        > + Unpin,
{
    let mut watch = ScanWatch::new(ifindex, after_start);
    while let Some((msg, _)) = events.next().await {
        let (_, payload) = msg.into_parts();
        let NetlinkPayload::InnerMessage(raw) = payload else {
            continue;
        };
        let (cmd, index) = guard::event_cmd_ifindex(&raw);
        if let Some(outcome) = watch.on_event(cmd, index) {
            return outcome;
        }
    }
    ScanOutcome::TimedOut
}

/// Follows one interface's scan through the scan multicast group's events.
#[derive(Debug)]
struct ScanWatch {
    ifindex: u32,
    /// Whether the kernel has announced a scan start since we listened (an
    /// end before it is the end of an earlier scan, not ours).
    started: bool,
}

impl ScanWatch {
    const TRIGGER_SCAN: u8 = 33;
    const NEW_SCAN_RESULTS: u8 = 34;
    const SCAN_ABORTED: u8 = 35;

    /// `after_start`: only an end after a start counts (waiting for our own
    /// scan); otherwise any end does (waiting out someone else's).
    fn new(ifindex: u32, after_start: bool) -> Self {
        ScanWatch {
            ifindex,
            started: !after_start,
        }
    }

    /// The outcome this event settles, if any.
    fn on_event(&mut self, cmd: u8, ifindex: Option<u32>) -> Option<ScanOutcome> {
        if ifindex != Some(self.ifindex) {
            return None;
        }
        match cmd {
            Self::TRIGGER_SCAN => {
                self.started = true;
                None
            }
            Self::NEW_SCAN_RESULTS if self.started => Some(ScanOutcome::Completed),
            Self::SCAN_ABORTED if self.started => Some(ScanOutcome::Aborted),
            _ => None,
        }
    }
}

#[cfg(test)]
mod scan_watch_tests {
    use super::*;

    #[test]
    fn the_scan_dwell_needs_the_extended_feature() {
        let with = |features: Vec<Nl80211ExtFeature>| {
            allows_scan_dwell(&[Nl80211Attr::Wiphy(0), Nl80211Attr::ExtFeatures(features)])
        };
        assert!(with(vec![
            Nl80211ExtFeature::VhtIbss,
            Nl80211ExtFeature::SetScanDwell
        ]));
        // mac80211_hwsim in the lab: VHT_IBSS only.
        assert!(!with(vec![Nl80211ExtFeature::VhtIbss]));
        assert!(!allows_scan_dwell(&[Nl80211Attr::Wiphy(0)]));
    }

    #[test]
    fn our_scan_ends_only_after_its_start() {
        let mut w = ScanWatch::new(7, true);
        // The end of the scan that was running before ours was triggered.
        assert_eq!(w.on_event(ScanWatch::NEW_SCAN_RESULTS, Some(7)), None);
        assert_eq!(w.on_event(ScanWatch::TRIGGER_SCAN, Some(7)), None);
        assert_eq!(
            w.on_event(ScanWatch::NEW_SCAN_RESULTS, Some(7)),
            Some(ScanOutcome::Completed)
        );
    }

    #[test]
    fn other_interfaces_and_commands_are_ignored() {
        let mut w = ScanWatch::new(7, true);
        assert_eq!(w.on_event(ScanWatch::TRIGGER_SCAN, Some(8)), None);
        assert_eq!(w.on_event(ScanWatch::NEW_SCAN_RESULTS, Some(7)), None);
        assert_eq!(w.on_event(ScanWatch::TRIGGER_SCAN, None), None);
        assert_eq!(w.on_event(ScanWatch::NEW_SCAN_RESULTS, Some(7)), None);
        assert_eq!(w.on_event(ScanWatch::TRIGGER_SCAN, Some(7)), None);
        assert_eq!(w.on_event(46, Some(7)), None);
        assert_eq!(w.on_event(ScanWatch::NEW_SCAN_RESULTS, Some(8)), None);
        assert_eq!(
            w.on_event(ScanWatch::SCAN_ABORTED, Some(7)),
            Some(ScanOutcome::Aborted)
        );
    }

    #[test]
    fn waiting_out_another_scan_takes_any_end() {
        let mut w = ScanWatch::new(7, false);
        assert_eq!(
            w.on_event(ScanWatch::NEW_SCAN_RESULTS, Some(7)),
            Some(ScanOutcome::Completed)
        );
    }
}

/// errno values we classify; kept local rather than pulling in libc for four
/// constants that are fixed by the Linux ABI.
mod libc_errno {
    pub const EPERM: i32 = 1;
    pub const ENODEV: i32 = 19;
    pub const ENETDOWN: i32 = 100;
    pub const EACCES: i32 = 13;
    pub const EPROTONOSUPPORT: i32 = 93;
}

fn classify_request_error(operation: &'static str, err: Nl80211Error) -> Error {
    match &err {
        Nl80211Error::NetlinkError(msg) => {
            let errno = errno(msg);
            if errno == libc_errno::EPERM || errno == libc_errno::EACCES {
                Error::PermissionDenied {
                    operation,
                    hint: "run as root or grant CAP_NET_ADMIN",
                }
            } else if errno == libc_errno::ENODEV {
                Error::InterfaceGone { operation }
            } else if errno == libc_errno::ENETDOWN {
                Error::InterfaceDown { operation }
            } else {
                Error::Netlink {
                    operation,
                    detail: errno_text(msg),
                }
            }
        }
        other => Error::Netlink {
            operation,
            detail: other.to_string(),
        },
    }
}
