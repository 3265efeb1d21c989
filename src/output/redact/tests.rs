use super::*;
use std::collections::HashSet;

fn fixed(seed: u8) -> Redactor {
    let mut key = [0u8; KEY_LEN];
    for (i, k) in key.iter_mut().enumerate() {
        *k = seed.wrapping_mul(31).wrapping_add(i as u8);
    }
    Redactor::from_key(key)
}

#[test]
fn identities_get_consistent_pseudonyms_and_ipv4_stays() {
    let r = fixed(1);
    let mut doc = serde_json::json!({
        "hostname": "reception-laptop",
        "interfaces": [{"mac": "02:00:00:0A:0B:0C", "ssid": "Dr Smith's clinic", "gateway": "10.77.0.1",
                        "bssid": "00:1b:63:00:00:00", "notes": [{"message": "kept"}]}],
        "bss": [{"bssid": "00:1b:63:00:00:00", "ssid": null}],
        "contributors": [{"bssids": ["02:00:00:00:01:00"], "ssids": ["cafe"]}],
        "summary": "the access point 00:1B:63:00:00:00 deauthenticated this laptop",
    });
    r.apply(&mut doc);
    let text = doc.to_string().to_lowercase();
    for secret in [
        "reception-laptop",
        "dr smith",
        "0a:0b:0c",
        "00:1b:63",
        "cafe",
        "02:00:00:00:01:00",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert_eq!(doc["interfaces"][0]["gateway"], "10.77.0.1");
    assert!(doc["bss"][0]["ssid"].is_null(), "hidden stays hidden");
    // A hidden SSID sent as NULs stays hidden, without its length.
    assert_eq!(r.ssid("\\x00\\x00\\x00"), "");
    assert_eq!(r.ssid(""), "");
    assert!(r.ssid("\\x00a").starts_with("ssid-"));
    // A pseudonym is a locally administered unicast MAC.
    let b = doc["bss"][0]["bssid"].as_str().unwrap().to_string();
    let parsed = parse_mac(&b).expect("a MAC-shaped pseudonym");
    assert_eq!(parsed.0[0] & 0x03, 0x02, "{b}");
    // The same BSSID gets the same pseudonym everywhere, summaries included,
    // whatever its case.
    assert_eq!(doc["interfaces"][0]["bssid"], b.as_str());
    assert!(doc["summary"].as_str().unwrap().contains(&b), "{doc}");
    assert!(doc["hostname"].as_str().unwrap().starts_with("host-"));
    assert_eq!(doc["hostname"].as_str().unwrap().len(), "host-".len() + 12);
    let ssid = doc["contributors"][0]["ssids"][0].as_str().unwrap();
    assert!(
        ssid.starts_with("ssid-") && ssid.len() == "ssid-".len() + 12,
        "{ssid}"
    );
    assert_eq!(doc["interfaces"][0]["notes"][0]["message"], "kept");
}

#[test]
fn text_without_identifiers_is_unchanged() {
    let r = fixed(2);
    for t in [
        "",
        "no mac here",
        "10.77.1.10:8443 unreachable",
        "Café 02:00",
        "zz:zz:zz:zz:zz:zz",
        "at 22:37:39.123, then 2026-11-27T22:37:39.123Z",
        "loopback ::1 and :: and ::ffff:10.0.0.1 stay",
        "a deadbeef word, a:b, 1:2:3",
        "ends with a colon: 10.0.0.1.",
    ] {
        assert_eq!(r.redact_text(t), t);
    }
}

/// Counts the distinct pseudonyms `f` gives `n` inputs.
fn collisions(inputs: &[String], f: impl Fn(&str) -> String) -> usize {
    let set: HashSet<String> = inputs.iter().map(|s| f(s)).collect();
    inputs.len() - set.len()
}

#[test]
fn ssid_pseudonyms_do_not_collide() {
    let ssids: Vec<String> = (0..300).map(|i| format!("Clinic-Guest-{i}")).collect();
    let (mut now, mut old_width) = (0, 0);
    for seed in 0..200u8 {
        let r = fixed(seed);
        now += collisions(&ssids, |s| r.ssid(s));
        // The same trials at the 16 bits `ssid-xxxx` had: the test has the
        // power to see the problem.
        old_width += collisions(&ssids, |s| r.ssid(s)[..9].to_string());
    }
    assert_eq!(now, 0, "SSID pseudonyms collided");
    assert!(
        old_width > 50,
        "16-bit pseudonyms collided only {old_width} times"
    );
}

#[test]
fn bssid_pseudonyms_do_not_collide() {
    // 10,000 access points of one vendor (one OUI), as on a campus.
    let bssids: Vec<String> = (0..10_000u32)
        .map(|i| {
            let [_, a, b, c] = i.to_be_bytes();
            format!("00:1b:63:{a:02x}:{b:02x}:{c:02x}")
        })
        .collect();
    let r = fixed(7);
    assert_eq!(collisions(&bssids, |m| r.mac(m)), 0);
    // Vendor prefix kept + 24 hashed bits (the old scheme) collides.
    let old = collisions(&bssids, |m| format!("{}{}", &m[..9], &r.mac(m)[9..]));
    assert!(old > 0, "the 24-bit control saw no collision");
}

#[test]
fn ipv6_interface_identifiers_are_redacted_prefix_kept() {
    let r = fixed(3);
    // EUI-64 from MAC 00:1b:63:aa:bb:cc, a stable-privacy address, link-local EUI-64.
    let eui = "2001:db8:1:2:21b:63ff:feaa:bbcc";
    let private = "2001:db8:1:2:8d1c:2b3e:44f1:9a07";
    let link_local = "fe80::21b:63ff:feaa:bbcc";
    let mut doc = serde_json::json!({
        "ipv6": [format!("{eui}/64"), format!("{private}/64"), format!("{link_local}/64")],
        "gateway": "fe80::1",
        "resolvers": ["10.77.0.1", "::1"],
        "summary": format!("DNS via [{eui}]:53 failed; {private}. and {link_local}%wlan0"),
    });
    r.apply(&mut doc);
    let text = doc.to_string();
    for secret in ["feaa:bbcc", "21b:63ff", "8d1c", "9a07", "fe80::1\""] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let redacted_eui = r.ipv6(eui.parse().unwrap()).to_string();
    assert!(redacted_eui.starts_with("2001:db8:1:2:"), "{redacted_eui}");
    assert_eq!(doc["ipv6"][0], format!("{redacted_eui}/64"));
    let redacted_ll = r.ipv6(link_local.parse().unwrap()).to_string();
    assert!(redacted_ll.starts_with("fe80::"), "{redacted_ll}");
    // The same address gets the same pseudonym in fields and in text.
    let summary = doc["summary"].as_str().unwrap();
    assert!(
        summary.contains(&format!("[{redacted_eui}]:53")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("{redacted_ll}%wlan0")),
        "{summary}"
    );
    assert!(summary.contains(&format!("{}. and", r.ipv6(private.parse().unwrap()))));
    assert_eq!(doc["resolvers"], serde_json::json!(["10.77.0.1", "::1"]));
    // The same identifier on another network gets an unrelated pseudonym.
    let other = r.ipv6("2001:db8:9:9:21b:63ff:feaa:bbcc".parse().unwrap());
    assert_ne!(
        other.octets()[8..],
        r.ipv6(eui.parse().unwrap()).octets()[8..]
    );
}

#[test]
fn macs_in_text_and_wlx_names() {
    let r = fixed(4);
    let m = r.mac("00:1b:63:aa:bb:cc");
    let pseudo_digits: String = m.split(':').collect();
    assert_eq!(
        r.redact_text("roamed to 00:1B:63:AA:BB:CC: gap 80 ms (bssid=00:1b:63:aa:bb:cc)."),
        format!("roamed to {m}: gap 80 ms (bssid={m}).")
    );
    assert_eq!(
        r.redact_text("wlx001b63aabbcc is down"),
        format!("wlx{pseudo_digits} is down")
    );
    // A log file named after the interface (the dot joins the run).
    assert_eq!(
        r.redact_text("/var/log/wifidiag/wlx001b63aabbcc.jsonl, wlx001b63aabbcc."),
        format!("/var/log/wifidiag/wlx{pseudo_digits}.jsonl, wlx{pseudo_digits}.")
    );
    // Twelve hex digits that are not after "wlx" are not a MAC.
    assert_eq!(r.redact_text("id 001b63aabbcc"), "id 001b63aabbcc");
}

#[test]
fn same_key_same_pseudonyms_different_key_different() {
    let (a, b, c) = (fixed(9), fixed(9), fixed(10));
    assert_eq!(a.mac("00:1b:63:aa:bb:cc"), b.mac("00:1b:63:aa:bb:cc"));
    assert_eq!(a.ssid("clinic"), b.ssid("clinic"));
    assert_ne!(a.mac("00:1b:63:aa:bb:cc"), c.mac("00:1b:63:aa:bb:cc"));
    assert_ne!(a.ssid("clinic"), c.ssid("clinic"));
    // Domains are separate: a host named like an SSID gets another value.
    assert_ne!(a.ssid("x")[5..], a.hostname("x")[5..]);
    assert_eq!(format!("{a:?}"), "Redactor { key: <hidden> }");
}

// --- key files --------------------------------------------------------------

struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("wifidiag-redact-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

#[test]
fn key_file_is_created_private_and_gives_stable_pseudonyms() {
    let dir = TempDir::new("create");
    let path = dir.0.join("redact.key");
    let first = Redactor::from_key_file(&path).unwrap();
    assert_eq!(mode_of(&path), 0o600);
    assert_eq!(std::fs::read(&path).unwrap().len(), KEY_LEN);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(&dir.0).unwrap().count(), 1);
    let second = Redactor::from_key_file(&path).unwrap();
    let bssid = "00:1b:63:aa:bb:cc";
    assert_eq!(first.mac(bssid), second.mac(bssid));
    assert_eq!(first.ssid("clinic"), second.ssid("clinic"));
    let other = Redactor::from_key_file(&dir.0.join("other.key")).unwrap();
    assert_ne!(first.mac(bssid), other.mac(bssid));
    // The key is the file's content.
    let key: [u8; KEY_LEN] = std::fs::read(&path).unwrap().try_into().unwrap();
    assert_eq!(Redactor::from_key(key).ssid("clinic"), first.ssid("clinic"));
}

#[test]
fn unsafe_key_files_are_refused_with_usage_status() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("refuse");
    let good = dir.0.join("good.key");
    Redactor::from_key_file(&good).unwrap();

    let link = dir.0.join("link.key");
    std::os::unix::fs::symlink(&good, &link).unwrap();
    let dangling = dir.0.join("dangling.key");
    std::os::unix::fs::symlink(dir.0.join("nowhere"), &dangling).unwrap();

    let exposed = dir.0.join("exposed.key");
    std::fs::write(&exposed, [7u8; KEY_LEN]).unwrap();
    std::fs::set_permissions(&exposed, std::fs::Permissions::from_mode(0o640)).unwrap();

    let short = dir.0.join("short.key");
    std::fs::write(&short, b"not a key").unwrap();
    std::fs::set_permissions(&short, std::fs::Permissions::from_mode(0o600)).unwrap();

    let fifo = dir.0.join("fifo.key");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);

    let cases: [(&Path, &str); 7] = [
        (&link, "symbolic link"),
        (&dangling, "symbolic link"),
        (&exposed, "chmod 600"),
        (&short, "is 9 bytes, not 32"),
        (&fifo, "not a regular file"),
        (&dir.0, "not a regular file"),
        (&dir.0.join("missing-dir/x.key"), "No such file"),
    ];
    for (path, expected) in cases {
        let err = Redactor::from_key_file(path).expect_err(&path.display().to_string());
        let msg = err.to_string();
        assert!(msg.contains(expected), "{}: {msg}", path.display());
        assert!(!msg.contains('\n'), "{msg}");
        assert_eq!(err.exit_code(), ExitCode::Usage, "{msg}");
    }
    // A key written by another user (only root can set that up here).
    let foreign = dir.0.join("foreign.key");
    std::fs::write(&foreign, [7u8; KEY_LEN]).unwrap();
    std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o600)).unwrap();
    if std::os::unix::fs::chown(&foreign, Some(65534), None).is_ok() {
        let err = Redactor::from_key_file(&foreign).unwrap_err();
        assert!(err.to_string().contains("belongs to user 65534"), "{err}");
        assert_eq!(err.exit_code(), ExitCode::Usage);
    } else {
        eprintln!("not root: the foreign-owner case is not exercised");
    }
    // A stale temporary file of this pid does not block creation.
    let fresh = dir.0.join("fresh.key");
    std::fs::write(
        dir.0.join(format!(".fresh.key.tmp{}", std::process::id())),
        b"stale",
    )
    .unwrap();
    Redactor::from_key_file(&fresh).unwrap();
    assert_eq!(std::fs::read(&fresh).unwrap().len(), KEY_LEN);
    // The dangling symlink was not followed to create a file.
    assert!(!dir.0.join("nowhere").exists());
    // The refused files are untouched.
    assert_eq!(mode_of(&exposed), 0o640);
}

#[test]
fn unreadable_key_file_is_a_permission_error() {
    // Root reads any file, so the errno mapping is tested directly.
    let path = Path::new("/k");
    for errno in [libc::EACCES, libc::EPERM] {
        let err = KeyFileError::from_io(path, std::io::Error::from_raw_os_error(errno));
        assert_eq!(err.exit_code(), ExitCode::PermissionDenied, "{err}");
    }
    let err = KeyFileError::from_io(path, std::io::Error::from_raw_os_error(libc::ELOOP));
    assert_eq!(err.exit_code(), ExitCode::Usage);
}
