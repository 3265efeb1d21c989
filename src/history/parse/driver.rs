//! Wireless driver and firmware failures in the kernel log. Most drivers
//! print through `dev_err`/`dev_info` (`"DRIVER DEVICE: text"`, e.g.
//! `iwlwifi 0000:00:14.3: Queue 2 is stuck 5 6`); each wording below names
//! the driver source it comes from.

use crate::history::{Fact, FactKind};

pub(super) fn parse(message: &str) -> Option<Fact> {
    let (driver, detail) = driver_error(message)?;
    Some(Fact {
        iface: None,
        kind: FactKind::DriverError {
            driver: driver.to_owned(),
            detail: detail.to_owned(),
        },
    })
}

/// The driver's name and what it said, for a line that is a driver or
/// firmware failure.
fn driver_error(message: &str) -> Option<(&str, &str)> {
    // rtw88 (drivers/net/wireless/realtek/rtw88/main.c, __fw_recovery_work):
    // WARN(1, "firmware crash, start reset and recover\n"), printed without
    // a device prefix (a kernel WARNING with a backtrace follows).
    if message == "firmware crash, start reset and recover" {
        return Some(("rtw88", message));
    }
    // ath9k prints through ath_printk (drivers/net/wireless/ath/main.c):
    // "ath: %s: %pV" with the wiphy name. ath9k/xmit.c ath_drain_all_txq:
    // "Failed to stop TX DMA, queues=0x%03x!\n" (ath_err before Linux 4.x,
    // ath_dbg RESET since).
    if let Some(after) = message.strip_prefix("ath: ") {
        let (phy, text) = after.split_once(": ")?;
        if phy.starts_with("phy") && text.starts_with("Failed to stop TX DMA, queues=") {
            return Some(("ath9k", text));
        }
        return None;
    }
    let (driver, rest) = message.split_once(' ')?;
    if !plausible_driver(driver) {
        return None;
    }
    let (device, text) = rest.split_once(": ")?;
    // A bus address (0000:00:14.3, 1-1:1.0) or a wiphy name (phy0).
    if device.is_empty() || device.len() > 64 || device.contains(' ') {
        return None;
    }
    let failure = match driver.as_bytes().first()? {
        b'i' if driver == "iwlwifi" => iwlwifi(text),
        // mac80211 (net/mac80211/main.c ieee80211_restart_hw): wiphy_info(
        // "Hardware restart was requested\n"), so "ieee80211 phy0: ...": the
        // driver asked mac80211 to restart the hardware (firmware restart).
        b'i' if driver == "ieee80211" => {
            return (device.starts_with("phy") && text == "Hardware restart was requested")
                .then_some(("mac80211", text));
        }
        b'a' => ath(driver, text),
        b'm' => driver.starts_with("mt7") && mt76(text),
        b'r' => driver.starts_with("rtw89") && text.starts_with("SER catches error: "),
        _ => false,
    };
    failure.then_some((driver, text))
}

/// A kernel module's name as `dev_printk` prints it (`iwlwifi`,
/// `ath10k_pci`, `mt7921e`, `rtw89_8852ae`).
fn plausible_driver(name: &str) -> bool {
    (2..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// iwlwifi (drivers/net/wireless/intel/iwlwifi, as in backport-iwlwifi for
/// Linux 6.7; IWL_ERR is dev_err).
fn iwlwifi(text: &str) -> bool {
    // pcie/rx.c iwl_pcie_irq_handler / iwl_pcie_irq_msix_handler:
    // "Microcode SW error detected. Restarting 0x%X.\n" (the first with two
    // spaces before "Restarting") and "Hardware error detected. Restarting.\n"
    // (two spaces in the legacy handler).
    text.starts_with("Microcode SW error detected.")
        || text.starts_with("Hardware error detected.")
        // queue/tx.c iwl_txq_stuck_timer: "Queue %d is stuck %d %d\n".
        || (text.starts_with("Queue ") && text.contains(" is stuck"))
        // queue/tx.c iwl_trans_txq_send_hcmd_sync: "Error sending %s: time
        // out after %dms.\n" and "FW error in SYNC CMD %s\n".
        || (text.starts_with("Error sending ") && text.contains(": time out after "))
        || text.starts_with("FW error in SYNC CMD ")
        // mvm/ops.c iwl_mvm_nic_restart: "Firmware error during
        // reconfiguration - reprobe!\n".
        || text.starts_with("Firmware error during reconfiguration")
}

/// ath10k and ath11k.
fn ath(driver: &str, text: &str) -> bool {
    // ath10k pci.c ath10k_pci_fw_dump_work (and snoc.c, sdio.c):
    // ath10k_err("firmware crashed! (guid %s)\n"); the driver is ath10k_pci,
    // ath10k_sdio, ath10k_snoc or ath10k_usb.
    (driver.starts_with("ath10k") && text.starts_with("firmware crashed!"))
        // ath11k mhi.c ath11k_mhi_op_status_cb: ath11k_warn("firmware
        // crashed: MHI_CB_SYS_ERROR\n") and "firmware crashed:
        // MHI_CB_EE_RDDM\n"; the driver is ath11k_pci (or ath11k_ahb).
        || (driver.starts_with("ath11k") && text.starts_with("firmware crashed: "))
}

/// mt76 (drivers/net/wireless/mediatek/mt76): mt7921/mt792x mcu.c, mt7915,
/// mt7996 and mt7615 `*_mcu_parse_response`: dev_err("Message %08x (seq %d)
/// timeout\n") when the firmware does not answer (mt7921 then resets the
/// chip). The driver is mt7921e, mt7921u, mt7921s, mt7925e, mt7915e, ...
fn mt76(text: &str) -> bool {
    text.starts_with("Message ") && text.contains(" (seq ") && text.ends_with(") timeout")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(message: &str) -> Option<(String, String)> {
        let fact = parse(message)?;
        assert_eq!(fact.iface, None);
        match fact.kind {
            FactKind::DriverError { driver, detail } => Some((driver, detail)),
            other => panic!("not a driver error: {other:?}"),
        }
    }

    fn pair(driver: &str, detail: &str) -> Option<(String, String)> {
        Some((driver.to_owned(), detail.to_owned()))
    }

    #[test]
    fn iwlwifi_firmware_errors_stuck_queues_and_command_timeouts() {
        // iwlwifi pcie/rx.c (both handlers), queue/tx.c, mvm/ops.c.
        for text in [
            "Microcode SW error detected. Restarting 0x2000000.",
            "Microcode SW error detected.  Restarting 0x82000000.",
            "Hardware error detected. Restarting.",
            "Queue 2 is stuck 5 6",
            "Error sending TX_CMD: time out after 2000ms.",
            "FW error in SYNC CMD MAC_CONTEXT_CMD",
            "Firmware error during reconfiguration - reprobe!",
        ] {
            let line = format!("iwlwifi 0000:00:14.3: {text}");
            assert_eq!(error_of(&line), pair("iwlwifi", text), "{line}");
        }
        // iwlwifi's ordinary lines are not failures.
        assert_eq!(
            error_of("iwlwifi 0000:00:14.3: Detected Intel(R) Wi-Fi 6 AX201 160MHz, REV=0x354"),
            None
        );
        assert_eq!(
            error_of("iwlwifi 0000:00:14.3: loaded firmware version 77.ad46c98b.0 QuZ-a0-hr-b0-77.ucode op_mode iwlmvm"),
            None
        );
    }

    #[test]
    fn ath10k_and_ath11k_firmware_crashes() {
        // ath10k pci.c ath10k_pci_fw_dump_work; ath11k mhi.c
        // ath11k_mhi_op_status_cb.
        assert_eq!(
            error_of("ath10k_pci 0000:02:00.0: firmware crashed! (guid 6ebd4d35-4e4f-4ee8-95fd-2ee5f4b5b21c)"),
            pair(
                "ath10k_pci",
                "firmware crashed! (guid 6ebd4d35-4e4f-4ee8-95fd-2ee5f4b5b21c)"
            )
        );
        assert_eq!(
            error_of("ath11k_pci 0000:01:00.0: firmware crashed: MHI_CB_EE_RDDM"),
            pair("ath11k_pci", "firmware crashed: MHI_CB_EE_RDDM")
        );
        assert_eq!(
            error_of("ath11k_pci 0000:01:00.0: failed to start core: -110"),
            None
        );
    }

    #[test]
    fn ath9k_tx_dma_stop_failure() {
        // ath/main.c ath_printk prefix, ath9k/xmit.c ath_drain_all_txq.
        assert_eq!(
            error_of("ath: phy0: Failed to stop TX DMA, queues=0x004!"),
            pair("ath9k", "Failed to stop TX DMA, queues=0x004!")
        );
        assert_eq!(error_of("ath: phy0: ASPM enabled"), None);
        assert_eq!(error_of("ath: EEPROM regdomain: 0x0"), None);
    }

    #[test]
    fn mt76_firmware_message_timeouts() {
        // mt76 mt792x/mt7921 mcu.c *_mcu_parse_response.
        assert_eq!(
            error_of("mt7921e 0000:01:00.0: Message 00020007 (seq 1) timeout"),
            pair("mt7921e", "Message 00020007 (seq 1) timeout")
        );
        assert_eq!(
            error_of("mt7921e 0000:01:00.0: Message 00020007 (seq 1) answered"),
            None
        );
    }

    #[test]
    fn realtek_and_mac80211_restarts() {
        // rtw88 main.c __fw_recovery_work; rtw89 ser.c rtw89_ser_notify;
        // mac80211 main.c ieee80211_restart_hw.
        assert_eq!(
            error_of("firmware crash, start reset and recover"),
            pair("rtw88", "firmware crash, start reset and recover")
        );
        assert_eq!(
            error_of("rtw89_8852ae 0000:02:00.0: SER catches error: 0x1000"),
            pair("rtw89_8852ae", "SER catches error: 0x1000")
        );
        assert_eq!(
            error_of("ieee80211 phy0: Hardware restart was requested"),
            pair("mac80211", "Hardware restart was requested")
        );
        assert_eq!(
            error_of("ieee80211 phy0: Selected rate control algorithm 'minstrel_ht'"),
            None
        );
    }

    #[test]
    fn other_kernel_lines_are_not_driver_errors() {
        for line in [
            "usb 1-1: new high-speed USB device number 2 using xhci_hcd",
            "e1000e 0000:00:1f.6 eth0: NIC Link is Up 1000 Mbps Full Duplex",
            "Queue 2 is stuck",
            "iwlwifi: Queue 2 is stuck",
            "ath:",
            "ath: phy0",
            "",
            " ",
        ] {
            assert_eq!(parse(line), None, "{line:?}");
        }
    }
}
