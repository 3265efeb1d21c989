//! `--redact` and `--redact-key`: pseudonyms for what identifies a site, a
//! machine or a person in output that leaves the machine (support tickets,
//! shared logs).
//!
//! What is replaced, everywhere (JSON fields, human tables, free text such
//! as summaries and notes):
//!
//! - **MAC addresses and BSSIDs** become another MAC address, all of whose
//!   bits come from the keyed hash except two: the "locally administered"
//!   bit is set and the multicast bit cleared, so the pseudonym is a valid
//!   unicast MAC that no vendor owns (46 hashed bits). The vendor prefix
//!   (OUI) is *not* kept: with it only 24 bits would be left and
//!   pseudonyms of one vendor's access points collide (among a campus's
//!   10,000 BSSIDs of one vendor, about three pairs would share one), and
//!   for randomised MAC addresses the "prefix" is random, i.e. an
//!   identifier in itself. A pseudonym is a
//!   MAC so that consumers parsing MACs keep working; whether a document is
//!   redacted shows in its `ssid-…`/`host-…` values.
//! - A **`wlx…` interface name** (systemd names USB adapters after their
//!   MAC) gets the pseudonym of that MAC.
//! - **SSIDs** become `ssid-` and 12 hex digits (48 bits); a hidden SSID
//!   (empty or NULs) becomes the empty SSID. The **host name** becomes
//!   `host-` and 12 hex digits.
//! - **IPv6 addresses** keep their /64 prefix and get a keyed pseudonym as
//!   interface identifier (the low 64 bits): EUI-64 identifiers contain the
//!   MAC address, and stable-privacy or temporary ones still single out the
//!   machine within its network. The prefix is the network's, shared by
//!   every machine on the link, and a technician needs it to see which
//!   network an address is on or that the site was renumbered (it locates
//!   the site about as precisely as a public IPv4 address does, and IPv4
//!   addresses are kept). Link-local addresses are redacted the same way
//!   (`fe80::` stays, the identifier, usually EUI-64 or stable, does not);
//!   the loopback `::1`, the unspecified `::` and IPv4-mapped addresses
//!   (`::ffff:a.b.c.d`, treated as the IPv4 address they are) identify
//!   nothing and are kept.
//!
//! What is kept: IPv4 addresses and target names (a reachability ticket is
//! about them: which server, which gateway), channels, signal levels,
//! counters, reasons.
//!
//! Pseudonyms come from HMAC-SHA256 under a 256-bit key, with a separate
//! domain per kind (a MAC and an SSID with the same text do not get related
//! pseudonyms). Without the key, a pseudonym cannot be linked to its
//! original, not even by hashing candidate MACs or SSIDs (a plain hash could
//! be reversed that way: the MACs of one vendor are only 2^24). The key is
//! random per run by default, so two runs cannot be joined; `--redact-key
//! FILE` keeps it in a file (32 random bytes, created 0600) so that the same
//! access point gets the same pseudonym in every run that uses that file
//! (cron logs that are compared across days).
//!
//! All widths are at least 46 bits: among 10,000 BSSIDs or 300 SSIDs the
//! chance that two share a pseudonym is below one in a million.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};

use crate::exit::ExitCode;
use crate::model::{MacAddr, Ssid};

/// The length of a key and of a `--redact-key` file, in bytes.
pub const KEY_LEN: usize = 32;

/// Replaces identities with keyed pseudonyms; see the [module docs](self).
#[derive(Clone)]
pub struct Redactor {
    key: [u8; KEY_LEN],
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never appears in debug output or panics.
        f.write_str("Redactor { key: <hidden> }")
    }
}

/// A fresh random key: one run is consistent in itself, two runs cannot be joined.
impl Default for Redactor {
    fn default() -> Self {
        let mut key = [0u8; KEY_LEN];
        if fill_random(&mut key).is_err() {
            // Both getrandom(2) and /dev/urandom failed: std's own
            // OS-seeded hasher keys are the last resort.
            use std::hash::BuildHasher;
            let state = std::collections::hash_map::RandomState::new();
            for (i, chunk) in key.chunks_mut(8).enumerate() {
                chunk.copy_from_slice(&state.hash_one(i).to_le_bytes());
            }
        }
        Redactor { key }
    }
}

/// Report structures that can replace their identities in place, so that
/// the human table and the JSON document are rendered from the same
/// redacted values and cannot disagree.
pub trait Redact {
    fn redact(&mut self, r: &Redactor);
}

/// JSON keys whose string values are MAC addresses / BSSIDs.
const MAC_KEYS: &[&str] = &["mac", "bssid", "bssids", "from_bssid", "to_bssid"];
/// JSON keys whose string values are SSIDs.
const SSID_KEYS: &[&str] = &["ssid", "ssids", "own_ssid"];

impl Redactor {
    /// A redactor with a fixed key (tests, and [`Redactor::from_key_file`]).
    pub fn from_key(key: [u8; KEY_LEN]) -> Self {
        Redactor { key }
    }

    /// HMAC-SHA256(key, domain ‖ 0 ‖ data).
    fn prf(&self, domain: &str, data: &[u8]) -> [u8; 32] {
        // HMAC accepts keys of any length: this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// The pseudonym of a MAC address: a locally administered unicast MAC
    /// with 46 keyed bits.
    pub fn mac_addr(&self, mac: MacAddr) -> MacAddr {
        let h = self.prf("mac", &mac.0);
        let mut out = [0u8; 6];
        out.copy_from_slice(&h[..6]);
        out[0] = (out[0] & 0xfc) | 0x02;
        MacAddr(out)
    }

    /// The pseudonym of a MAC address written as text (any case); text
    /// that is not a MAC becomes `redacted-` and 12 hex digits.
    pub fn mac(&self, text: &str) -> String {
        match parse_mac(text) {
            Some(mac) => self.mac_addr(mac).to_string(),
            None => format!(
                "redacted-{}",
                hex(&self.prf("mac-text", text.as_bytes())[..6])
            ),
        }
    }

    /// `ssid-` and 12 hex digits, from the SSID as it is printed
    /// ([`Ssid::escaped`]). A hidden SSID (empty or only NULs) becomes the
    /// empty SSID: still hidden, without the length it may reveal.
    pub fn ssid(&self, escaped: &str) -> String {
        let nuls = escaped.len() % 4 == 0 && escaped.as_bytes().chunks(4).all(|c| c == b"\\x00");
        if nuls {
            return String::new();
        }
        format!("ssid-{}", hex(&self.prf("ssid", escaped.as_bytes())[..6]))
    }

    /// [`Redactor::ssid`] for a typed SSID.
    pub fn ssid_value(&self, ssid: &Ssid) -> Ssid {
        Ssid(self.ssid(&ssid.escaped()).into_bytes())
    }

    /// `host-` and 12 hex digits.
    pub fn hostname(&self, name: &str) -> String {
        format!("host-{}", hex(&self.prf("host", name.as_bytes())[..6]))
    }

    /// `site-` and 12 hex digits: a site label (`watch --site`) names the
    /// clinic as surely as its SSID.
    pub fn site(&self, name: &str) -> String {
        format!("site-{}", hex(&self.prf("site", name.as_bytes())[..6]))
    }

    /// The same /64 prefix with a keyed interface identifier; loopback,
    /// unspecified and IPv4-mapped addresses are returned unchanged.
    pub fn ipv6(&self, addr: Ipv6Addr) -> Ipv6Addr {
        if addr.is_loopback() || addr.is_unspecified() || addr.to_ipv4_mapped().is_some() {
            return addr;
        }
        let mut octets = addr.octets();
        // The whole address is hashed, not only the identifier: the same
        // EUI-64 identifier on two networks gets unrelated pseudonyms.
        let h = self.prf("ipv6", &octets);
        octets[8..].copy_from_slice(&h[..8]);
        Ipv6Addr::from(octets)
    }

    /// [`Redactor::ipv6`] for any address: IPv4 is kept.
    pub fn ip(&self, addr: IpAddr) -> IpAddr {
        match addr {
            IpAddr::V4(_) => addr,
            IpAddr::V6(v6) => IpAddr::V6(self.ipv6(v6)),
        }
    }

    /// Rewrites a JSON document in place: MAC, BSSID, SSID and host name
    /// fields by their key, and every other string as free text
    /// ([`Redactor::redact_text`]).
    pub fn apply(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                for (key, v) in map.iter_mut() {
                    let k = key.as_str();
                    if MAC_KEYS.contains(&k) {
                        each_string(v, &|s| self.mac(s));
                    } else if SSID_KEYS.contains(&k) {
                        each_string(v, &|s| self.ssid(s));
                    } else if matches!(k, "hostname" | "host" | "hosts") {
                        each_string(v, &|s| self.hostname(s));
                    } else if k == "site" {
                        each_string(v, &|s| self.site(s));
                    } else {
                        self.apply(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.apply(v)),
            Value::String(s) => *s = self.redact_text(s),
            _ => {}
        }
    }

    /// Replaces, in free text, every MAC address (with the pseudonym its
    /// field gets), every IPv6 address (see [`Redactor::ipv6`]) and the MAC
    /// inside a `wlx…` interface name. Everything else is kept byte for byte.
    pub fn redact_text(&self, text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < bytes.len() {
            if is_token_byte(bytes[i]) {
                // Token bytes are ASCII, so these are char boundaries.
                let start = i;
                while i < bytes.len() && is_token_byte(bytes[i]) {
                    i += 1;
                }
                self.redact_token(&text[..start], &text[start..i], &mut out);
            } else {
                let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
        out
    }

    /// One maximal run of hex digits, colons and dots.
    fn redact_token(&self, before: &str, token: &str, out: &mut String) {
        // The token itself, then without trailing '.'/':' (end of a
        // sentence, "ADDRESS: refused").
        let mut end = token.len();
        loop {
            let candidate = &token[..end];
            if let Some(mac) = parse_mac(candidate) {
                out.push_str(&self.mac_addr(mac).to_string());
                out.push_str(&token[end..]);
                return;
            }
            if candidate.bytes().filter(|&b| b == b':').count() >= 2 {
                if let Ok(v6) = candidate.parse::<Ipv6Addr>() {
                    out.push_str(&self.ipv6(v6).to_string());
                    out.push_str(&token[end..]);
                    return;
                }
            }
            match candidate.as_bytes().last() {
                Some(b'.' | b':') if end > 1 => end -= 1,
                _ => break,
            }
        }
        // `wlx…`, also followed by dots or colons (`wlx001b63aabbcc.jsonl`,
        // a log named after the interface).
        let digits = token.trim_end_matches(['.', ':']);
        if before.ends_with("wlx")
            && digits.len() == 12
            && digits.bytes().all(|b| b.is_ascii_hexdigit())
        {
            if let Some(mac) = parse_mac_digits(digits) {
                out.push_str(&hex(&self.mac_addr(mac).0));
                out.push_str(&token[12..]);
                return;
            }
        }
        // MACs embedded in a longer run ("02:00:00:00:00:01:" handled
        // above; "…:02:00:00:00:00:01" here).
        let mut i = 0;
        while i < token.len() {
            if let Some(mac) = token.get(i..i + 17).and_then(parse_mac) {
                out.push_str(&self.mac_addr(mac).to_string());
                i += 17;
            } else {
                out.push_str(&token[i..i + 1]);
                i += 1;
            }
        }
    }
}

fn each_string(value: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
    use serde_json::Value;
    match value {
        Value::String(s) => *s = f(s),
        Value::Array(items) => items.iter_mut().for_each(|v| each_string(v, f)),
        _ => {}
    }
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || b == b':' || b == b'.'
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `aa:bb:cc:dd:ee:ff`, any case, exactly.
fn parse_mac(s: &str) -> Option<MacAddr> {
    let b = s.as_bytes();
    if b.len() != 17 || (2..17).step_by(3).any(|i| b[i] != b':') {
        return None;
    }
    let digits: String = s.split(':').collect();
    parse_mac_digits(&digits)
}

/// Twelve hex digits.
fn parse_mac_digits(s: &str) -> Option<MacAddr> {
    if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; 6];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(MacAddr(out))
}

// ---------------------------------------------------------------------------
// --redact-key FILE

/// Why a `--redact-key` file cannot be used. Each is one line for the user.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("the redaction key {} is a symbolic link: refused (name the file itself)", .0.display())]
    Symlink(PathBuf),
    #[error("the redaction key {} is not a regular file: refused", .0.display())]
    NotRegular(PathBuf),
    #[error(
        "the redaction key {} belongs to user {owner}, not to this user ({euid}): refused \
         (a key someone else wrote is a key someone else knows)",
        .path.display()
    )]
    Foreign {
        path: PathBuf,
        owner: u32,
        euid: u32,
    },
    #[error(
        "the redaction key {} can be read or written by group or others (mode {mode:04o}): \
         refused; it must be private: chmod 600 {}",
        .path.display(), .path.display()
    )]
    Exposed { path: PathBuf, mode: u32 },
    #[error(
        "the redaction key {} is {len} bytes, not {KEY_LEN}: not a key written by wifidiag \
         (remove it and a new key is created, which changes every pseudonym)",
        .path.display()
    )]
    WrongSize { path: PathBuf, len: u64 },
    #[error("the redaction key {}: permission denied ({source})", .path.display())]
    PermissionDenied {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the redaction key {}: {source}", .path.display())]
    BadPath {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the redaction key {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl KeyFileError {
    /// Unusable file or path: a usage error (2); unreadable or not
    /// creatable for lack of permission: 5; anything else: 1.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            KeyFileError::Symlink(_)
            | KeyFileError::NotRegular(_)
            | KeyFileError::Foreign { .. }
            | KeyFileError::Exposed { .. }
            | KeyFileError::WrongSize { .. }
            | KeyFileError::BadPath { .. } => ExitCode::Usage,
            KeyFileError::PermissionDenied { .. } => ExitCode::PermissionDenied,
            KeyFileError::Io { .. } => ExitCode::Failure,
        }
    }

    fn from_io(path: &Path, source: std::io::Error) -> KeyFileError {
        let path = path.to_path_buf();
        match source.raw_os_error() {
            Some(libc::ELOOP) => KeyFileError::Symlink(path),
            Some(libc::EACCES | libc::EPERM) => KeyFileError::PermissionDenied { path, source },
            Some(libc::ENOENT | libc::ENOTDIR | libc::EISDIR | libc::ENAMETOOLONG) => {
                KeyFileError::BadPath { path, source }
            }
            _ => KeyFileError::Io { path, source },
        }
    }
}

impl Redactor {
    /// The redactor of `--redact-key FILE`: the key in FILE, which is
    /// created (32 random bytes, mode 0600) when it does not exist.
    ///
    /// An existing FILE is refused when it is a symbolic link, not a
    /// regular file, accessible to group or others, or not 32 bytes long.
    /// A new key appears under its name only complete (written to a
    /// temporary file created `O_CREAT|O_EXCL|O_NOFOLLOW` 0600, then
    /// hard-linked), so two runs starting together agree on one key.
    pub fn from_key_file(path: &Path) -> Result<Redactor, KeyFileError> {
        match read_key(path) {
            Err(KeyFileError::BadPath { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                create_key(path)
            }
            other => other.map(Redactor::from_key),
        }
    }
}

fn read_key(path: &Path) -> Result<[u8; KEY_LEN], KeyFileError> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        // O_NONBLOCK: opening a FIFO must not hang; it is refused below.
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| KeyFileError::from_io(path, e))?;
    let meta = file
        .metadata()
        .map_err(|e| KeyFileError::from_io(path, e))?;
    let owned = path.to_path_buf();
    if !meta.is_file() {
        return Err(KeyFileError::NotRegular(owned));
    }
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    if meta.uid() != euid {
        return Err(KeyFileError::Foreign {
            path: owned,
            owner: meta.uid(),
            euid,
        });
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(KeyFileError::Exposed { path: owned, mode });
    }
    if meta.len() != KEY_LEN as u64 {
        return Err(KeyFileError::WrongSize {
            path: owned,
            len: meta.len(),
        });
    }
    let mut key = [0u8; KEY_LEN];
    file.read_exact(&mut key)
        .map_err(|e| KeyFileError::from_io(path, e))?;
    Ok(key)
}

fn create_key(path: &Path) -> Result<Redactor, KeyFileError> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut key = [0u8; KEY_LEN];
    fill_random(&mut key).map_err(|e| KeyFileError::from_io(path, e))?;
    let name = path.file_name().ok_or_else(|| KeyFileError::BadPath {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
    })?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let open_tmp = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true) // O_CREAT | O_EXCL
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&tmp)
    };
    let written = (|| {
        let mut file = match open_tmp() {
            // Left by a run of the same pid that crashed: remove it (a
            // symlink there is removed, never followed) and try once more.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                std::fs::remove_file(&tmp)?;
                open_tmp()?
            }
            other => other?,
        };
        // Exactly 0600 whatever the umask.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        file.write_all(&key)?;
        file.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(KeyFileError::from_io(path, e));
    }
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            if let Some(dir) = path.parent() {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                // The new name survives a crash: the key must not change.
                if let Ok(d) = std::fs::File::open(dir) {
                    let _ = d.sync_all();
                }
            }
            Ok(Redactor::from_key(key))
        }
        // Another run created it first (or a symlink sits there): use
        // what is there, with every check.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key(path).map(Redactor::from_key)
        }
        // A file system without hard links (FAT): create the key in place.
        Err(e) if matches!(e.raw_os_error(), Some(libc::EPERM | libc::EOPNOTSUPP)) => {
            create_key_in_place(path, &key)
        }
        Err(e) => Err(KeyFileError::from_io(path, e)),
    }
}

/// [`create_key`] where hard links are not supported: `O_CREAT|O_EXCL|
/// O_NOFOLLOW` on the name itself (a run starting at the same instant may
/// then see a short file and say so).
fn create_key_in_place(path: &Path, key: &[u8; KEY_LEN]) -> Result<Redactor, KeyFileError> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path);
    let mut file = match created {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return read_key(path).map(Redactor::from_key)
        }
        Err(e) => return Err(KeyFileError::from_io(path, e)),
    };
    let written = file
        .set_permissions(std::fs::Permissions::from_mode(0o600))
        .and_then(|()| file.write_all(key))
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(path);
        return Err(KeyFileError::from_io(path, e));
    }
    Ok(Redactor::from_key(*key))
}

/// Fills `buf` from getrandom(2), else /dev/urandom.
fn fill_random(buf: &mut [u8]) -> std::io::Result<()> {
    let mut filled = 0;
    while filled < buf.len() {
        // SAFETY: the pointer and length describe the unfilled tail of `buf`.
        let n =
            unsafe { libc::getrandom(buf[filled..].as_mut_ptr().cast(), buf.len() - filled, 0) };
        if n > 0 {
            filled += n as usize;
            continue;
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::ENOSYS) => {
                use std::io::Read;
                return std::fs::File::open("/dev/urandom")?.read_exact(&mut buf[filled..]);
            }
            _ => return Err(err),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
