//! Probe targets: parsing `HOST`, `HOST:PORT`, `[V6]:PORT` from the command
//! line and the targets file into canonical [`Target`]s, within the limits
//! ([`MAX_TARGETS`], [`MAX_TARGETS_FILE_BYTES`]). Pure, but for one thin
//! function that reads the targets file ([`read_targets_file`]); no
//! sockets, no lookups.

use std::fmt;
use std::fs::FileType;
use std::io::{self, Read};
use std::net::{IpAddr, Ipv6Addr};
use std::path::Path;

/// A probe target: a host name or IP literal, with an optional TCP port.
///
/// `host` is canonical: IP literals in their standard text form (IPv6
/// compressed, without brackets), names in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    pub host: String,
    pub port: Option<u16>,
}

impl Target {
    /// Parses `HOST`, `HOST:PORT`, `[V6]`, `[V6]:PORT` or a bare IPv6
    /// literal (which then has no port: `fe80::1` is an address, not
    /// `fe80:` port 1).
    ///
    /// The error is one line naming what is wrong, for the command line.
    /// IPv6 zone ids (`fe80::1%wlan0`) are rejected: a target is probed by
    /// address only; the gateway probe, which needs a zone, passes the
    /// interface through [`super::Prober::icmp_echo_scoped`] instead.
    pub fn parse(s: &str) -> Result<Target, String> {
        let text = s.trim();
        if text.is_empty() {
            return Err("empty target: give HOST or HOST:PORT".into());
        }
        if text.contains("://") || text.contains('/') {
            return Err(format!(
                "target {text:?} looks like a URL: give HOST or HOST:PORT (e.g. emr.clinic.lan:443)"
            ));
        }
        if text.contains('%') {
            return Err(format!(
                "target {text:?}: IPv6 zone ids (%interface) are not supported; use a global address or a name"
            ));
        }

        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (inside, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("target {text:?}: missing ']' after the IPv6 address"))?;
            let v6: Ipv6Addr = inside
                .parse()
                .map_err(|_| format!("target {text:?}: {inside:?} is not an IPv6 address"))?;
            let port = match after {
                "" => None,
                _ => match after.strip_prefix(':') {
                    Some(p) => Some(parse_port(text, p)?),
                    None => {
                        return Err(format!(
                            "target {text:?}: expected ':PORT' after ']', found {after:?}"
                        ))
                    }
                },
            };
            (v6.to_string(), port)
        } else if text.matches(':').count() > 1 {
            // Several colons and no brackets: only a bare IPv6 literal fits.
            let v6: Ipv6Addr = text.parse().map_err(|_| {
                format!(
                    "target {text:?} is not an IPv6 address; write [ADDRESS]:PORT to give a port"
                )
            })?;
            (v6.to_string(), None)
        } else if let Some((host, port)) = text.split_once(':') {
            (canonical_host(text, host)?, Some(parse_port(text, port)?))
        } else {
            (canonical_host(text, text)?, None)
        };
        if let Some(why) = host.parse().ok().and_then(unprobeable) {
            return Err(format!(
                "target {text:?}: {host} is {why}; a probe goes to one host: give its unicast address or name"
            ));
        }
        Ok(Target { host, port })
    }

    /// The host as an IP address, when it is a literal (no lookup needed).
    pub fn ip(&self) -> Option<IpAddr> {
        self.host.parse().ok()
    }
}

impl fmt::Display for Target {
    /// Canonical text that [`Target::parse`] reads back: `host`, `host:port`,
    /// a bare IPv6 literal, or `[v6]:port`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.host.contains(':'), self.port) {
            (true, Some(port)) => write!(f, "[{}]:{port}", self.host),
            (false, Some(port)) => write!(f, "{}:{port}", self.host),
            (_, None) => f.write_str(&self.host),
        }
    }
}

fn parse_port(target: &str, port: &str) -> Result<u16, String> {
    match port.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(format!(
            "target {target:?}: invalid port {port:?} (expected 1-65535)"
        )),
    }
}

/// Validates an IPv4 literal or a host name (RFC 1123 labels; `_` allowed,
/// as internal names sometimes use it) and returns its canonical form.
fn canonical_host(target: &str, host: &str) -> Result<String, String> {
    if host.is_empty() {
        return Err(format!("target {target:?}: empty host before ':PORT'"));
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(ip.to_string());
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = name.split('.').collect();
    // All-numeric dotted text is meant as an IPv4 address; getaddrinfo would
    // read "10.1" or "300.1.1.1" in surprising ways, so refuse it here.
    if labels
        .iter()
        .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!(
            "target {target:?}: {host:?} is not a valid IPv4 address"
        ));
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if name.len() > 253 || !labels.iter().all(label_ok) {
        return Err(format!(
            "target {target:?}: {host:?} is not a valid host name or IP address"
        ));
    }
    Ok(host.to_ascii_lowercase())
}

/// Why `ip` can never be probed, or `None` for an address that can: a
/// probe is one packet to one host, and an answer from "everyone" (or from
/// nobody in particular) would say nothing about a server.
///
/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are judged as the IPv4
/// address they stand for. A subnet's directed broadcast (`10.1.1.255/24`)
/// cannot be told from a host address without the route; the kernel refuses
/// to send to it (EACCES, reported as "blocked locally").
pub fn unprobeable(ip: IpAddr) -> Option<&'static str> {
    match ip.to_canonical() {
        IpAddr::V4(v4) if v4.is_broadcast() => Some("the broadcast address"),
        IpAddr::V4(v4) if v4.is_multicast() => Some("a multicast address"),
        IpAddr::V4(v4) if v4.is_unspecified() => Some("the unspecified address"),
        IpAddr::V4(v4) if v4.octets()[0] == 0 => {
            Some("in 0.0.0.0/8 (\"this network\"), never a destination")
        }
        IpAddr::V6(v6) if v6.is_multicast() => Some("a multicast address"),
        IpAddr::V6(v6) if v6.is_unspecified() => Some("the unspecified address"),
        _ => None,
    }
}

/// The `detail` of a probe not sent because `ip` is not one host.
pub fn not_probed(ip: IpAddr) -> Option<String> {
    unprobeable(ip).map(|why| format!("{ip} is {why}; not probed (a probe goes to one host)"))
}

/// The most targets one watch probes: `--target` and `--targets-file`
/// together.
///
/// Every target costs a lookup and one packet (or one TCP handshake) per
/// interval, and all of a round's probes share the interval
/// ([`super::probe_timeout`]); at 32 targets and the default 1 s interval the
/// per-probe timeout is already at its 100 ms floor. One packet per target
/// per interval keeps the probe traffic small; a list of hundreds of hosts
/// is a scanner, not a watch of the servers one laptop needs.
pub const MAX_TARGETS: usize = 32;

/// The largest `--targets-file` read: 64 KiB. The longest valid target (a
/// 253-character name, a port) takes 260 bytes, so 32 of them fit in
/// 8.3 KiB; the rest leaves ample room for comments. Reading stops at the
/// limit whatever size the file claims.
pub const MAX_TARGETS_FILE_BYTES: u64 = 64 * 1024;

/// Why a targets file could not be read.
#[derive(Debug)]
pub enum TargetsFileError {
    /// Not a file to read targets from: not a regular file, too large, not
    /// UTF-8 text. A usage error.
    Unusable(String),
    /// Opening or reading failed (missing file, permission denied, ...).
    Io {
        message: String,
        kind: io::ErrorKind,
    },
}

impl fmt::Display for TargetsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetsFileError::Unusable(message) | TargetsFileError::Io { message, .. } => {
                f.write_str(message)
            }
        }
    }
}

/// Reads a `--targets-file`: a regular file of at most
/// [`MAX_TARGETS_FILE_BYTES`] of UTF-8 text.
///
/// Opened with `O_NONBLOCK`, so that a FIFO without a writer cannot hang
/// the open, then checked with `fstat` on the open descriptor (no race with
/// a rename) before a byte is read: a FIFO, a device such as `/dev/zero`, a
/// directory or a socket is refused. A symlink to a regular file is read:
/// the file is only read, never written, and a linked configuration file is
/// ordinary.
pub fn read_targets_file(path: &Path) -> Result<String, TargetsFileError> {
    use std::os::unix::fs::OpenOptionsExt;
    let shown = path.display();
    let io_error = |e: io::Error| TargetsFileError::Io {
        message: format!("--targets-file {shown}: {e}"),
        kind: e.kind(),
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    if let Some(kind) = not_regular(meta.file_type()) {
        return Err(TargetsFileError::Unusable(format!(
            "--targets-file {shown} is {kind}, not a regular file: give a text file of HOST[:PORT] lines"
        )));
    }
    let too_large = || {
        TargetsFileError::Unusable(format!(
            "--targets-file {shown} is larger than {} KiB, the limit for a list of at most {MAX_TARGETS} targets",
            MAX_TARGETS_FILE_BYTES / 1024
        ))
    };
    if meta.len() > MAX_TARGETS_FILE_BYTES {
        return Err(too_large());
    }
    // The size can lie (a file still growing, files under /proc): read one
    // byte past the limit to notice, never more.
    let mut bytes = Vec::new();
    file.take(MAX_TARGETS_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_TARGETS_FILE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        TargetsFileError::Unusable(format!(
            "--targets-file {shown} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// What a file that is not a regular file is, in words; `None` for a
/// regular file. (`history` says it of syslog files too.)
pub(crate) fn not_regular(kind: FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_file() {
        None
    } else if kind.is_dir() {
        Some("a directory")
    } else if kind.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if kind.is_char_device() {
        Some("a character device")
    } else if kind.is_block_device() {
        Some("a block device")
    } else if kind.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

/// The target specs of a targets file's text with their line numbers
/// (from 1): one `HOST[:PORT]` per line; `#` starts a comment; blank lines
/// are skipped.
pub fn targets_file_specs(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.split('#').next().unwrap_or("").trim()))
        .filter(|(_, spec)| !spec.is_empty())
        .collect()
}

/// All targets of a watch: the `--target` values, then the lines of the
/// targets file (its path and text). At most [`MAX_TARGETS`] in all,
/// counted before anything is parsed. The error is one line naming the
/// limit, or the bad target (and its file and line).
pub fn collect_targets(cli: &[String], file: Option<(&Path, &str)>) -> Result<Vec<Target>, String> {
    let from_file = file.map(|(path, text)| (path, targets_file_specs(text)));
    let total = cli.len() + from_file.as_ref().map_or(0, |(_, specs)| specs.len());
    if total > MAX_TARGETS {
        let source = match &from_file {
            Some((path, _)) => format!("--target and --targets-file {}", path.display()),
            None => "--target".to_string(),
        };
        return Err(format!(
            "{total} targets from {source}, at most {MAX_TARGETS} are allowed: \
             one packet per target per interval keeps the probe traffic small"
        ));
    }
    let mut targets = Vec::with_capacity(total);
    for spec in cli {
        let target =
            Target::parse(spec).map_err(|why| format!("invalid target {spec:?}: {why}"))?;
        targets.push(target);
    }
    if let Some((path, specs)) = from_file {
        for (line, spec) in specs {
            let target = Target::parse(spec).map_err(|why| {
                format!(
                    "invalid target {spec:?} ({} line {line}): {why}",
                    path.display()
                )
            })?;
            targets.push(target);
        }
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    // --- Target ---------------------------------------------------------

    #[test]
    fn target_parse_table() {
        let ok: &[(&str, &str, Option<u16>, &str)] = &[
            ("10.77.1.10", "10.77.1.10", None, "10.77.1.10"),
            (
                "10.77.1.10:8080",
                "10.77.1.10",
                Some(8080),
                "10.77.1.10:8080",
            ),
            (
                "emr.clinic.lan:443",
                "emr.clinic.lan",
                Some(443),
                "emr.clinic.lan:443",
            ),
            ("EMR.Clinic.LAN", "emr.clinic.lan", None, "emr.clinic.lan"),
            ("  pacs  ", "pacs", None, "pacs"),
            ("host.lan.", "host.lan.", None, "host.lan."),
            ("file_srv-2", "file_srv-2", None, "file_srv-2"),
            ("[fe80::1]:8443", "fe80::1", Some(8443), "[fe80::1]:8443"),
            ("[2001:DB8:0:0::1]", "2001:db8::1", None, "2001:db8::1"),
            ("fe80::1", "fe80::1", None, "fe80::1"),
            ("::1", "::1", None, "::1"),
            (
                "[::ffff:10.0.0.1]:22",
                "::ffff:10.0.0.1",
                Some(22),
                "[::ffff:10.0.0.1]:22",
            ),
        ];
        for &(input, host, port, display) in ok {
            let t = Target::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(t.host, host, "{input:?}");
            assert_eq!(t.port, port, "{input:?}");
            assert_eq!(t.to_string(), display, "{input:?}");
            assert_eq!(
                Target::parse(&t.to_string()),
                Ok(t.clone()),
                "round trip {input:?}"
            );
        }

        let bad: &[(&str, &str)] = &[
            ("", "empty"),
            ("   ", "empty"),
            ("host:", "invalid port"),
            ("host:0", "invalid port"),
            ("host:65536", "invalid port"),
            ("host:http", "invalid port"),
            (":443", "empty host"),
            ("[fe80::1", "missing ']'"),
            ("[fe80::1]443", "expected ':PORT'"),
            ("[emr.lan]:443", "not an IPv6 address"),
            ("fe80::1:443x", "not an IPv6 address"),
            ("fe80::1%wlan0", "zone"),
            ("https://emr.lan", "URL"),
            ("300.1.1.1", "not a valid IPv4"),
            ("10.1", "not a valid IPv4"),
            ("bad host", "not a valid host"),
            ("-lead.lan", "not a valid host"),
            ("a..b", "not a valid host"),
            ("é.lan", "not a valid host"),
        ];
        for &(input, needle) in bad {
            match Target::parse(input) {
                Ok(t) => panic!("{input:?} accepted as {t:?}"),
                Err(e) => {
                    assert!(e.contains(needle), "{input:?}: {e:?} lacks {needle:?}");
                    assert!(!e.contains('\n'));
                }
            }
        }
    }

    #[test]
    fn target_ip_is_only_for_literals() {
        assert_eq!(
            Target::parse("10.0.0.1:80").unwrap().ip(),
            Some(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)))
        );
        assert_eq!(Target::parse("emr.lan").unwrap().ip(), None);
    }

    #[test]
    fn broadcast_multicast_and_unspecified_targets_are_refused() {
        // (input, the words the one-line message must contain)
        let refused: &[(&str, &str)] = &[
            ("255.255.255.255", "broadcast"),
            ("255.255.255.255:80", "broadcast"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250:1900", "multicast"),
            ("ff02::1", "multicast"),
            ("[ff02::1]:443", "multicast"),
            ("ff05::1:3", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("0.0.0.0:443", "unspecified"),
            ("::", "unspecified"),
            ("[::]:80", "unspecified"),
            ("0.1.2.3", "0.0.0.0/8"),
            ("0.255.255.255:22", "0.0.0.0/8"),
            // The same, written as IPv4-mapped IPv6 addresses.
            ("::ffff:255.255.255.255", "broadcast"),
            ("[::ffff:224.0.0.1]:80", "multicast"),
            ("::ffff:0.0.0.0", "unspecified"),
            ("[::ffff:0.1.2.3]:22", "0.0.0.0/8"),
        ];
        for &(input, needle) in refused {
            match Target::parse(input) {
                Ok(t) => panic!("{input:?} accepted as {t:?}"),
                Err(e) => {
                    assert!(e.contains(needle), "{input:?}: {e:?} lacks {needle:?}");
                    assert!(e.contains("one host"), "{input:?}: {e:?}");
                    assert!(!e.contains('\n'));
                }
            }
        }
        // Neighbours of the refused ranges stay targets.
        for ok in [
            "1.0.0.0",
            "223.255.255.255",
            "10.77.1.255",
            "255.255.255.254",
            "ff::1",
            "fe80::1",
            "::1",
            "::ffff:10.0.0.1",
            "[2001:db8::1]:443",
        ] {
            assert!(Target::parse(ok).is_ok(), "{ok:?} refused");
        }
    }

    #[test]
    fn unprobeable_addresses() {
        let table: &[(&str, Option<&str>)] = &[
            ("255.255.255.255", Some("broadcast")),
            ("224.0.0.251", Some("multicast")),
            ("0.0.0.0", Some("unspecified")),
            ("0.0.0.7", Some("0.0.0.0/8")),
            ("::", Some("unspecified")),
            ("ff02::fb", Some("multicast")),
            ("::ffff:239.1.1.1", Some("multicast")),
            ("10.0.0.1", None),
            ("2001:db8::1", None),
            ("::1", None),
        ];
        for &(text, want) in table {
            let ip: IpAddr = text.parse().unwrap();
            let got = unprobeable(ip);
            match want {
                None => assert_eq!(got, None, "{text}"),
                Some(needle) => assert!(
                    got.is_some_and(|why| why.contains(needle)),
                    "{text}: {got:?}"
                ),
            }
        }
    }

    // --- Targets file and limits --------------------------------------------

    #[test]
    fn targets_file_lines_skip_comments_and_blanks() {
        let text = "# clinic servers\n\nemr.clinic.lan:443  # the EMR\n   \n10.77.1.10\r\n#pacs\n[2001:db8::1]:22";
        assert_eq!(
            targets_file_specs(text),
            vec![
                (3, "emr.clinic.lan:443"),
                (5, "10.77.1.10"),
                (7, "[2001:db8::1]:22")
            ]
        );
        assert!(targets_file_specs("").is_empty());
        assert!(targets_file_specs("# only\n\n").is_empty());
    }

    #[test]
    fn targets_from_the_command_line_and_a_file() {
        let file = Path::new("/etc/wifidiag/targets");
        let cli = vec!["10.77.1.10:8443".to_string()];
        let got = collect_targets(&cli, Some((file, "emr.lan:443\n# x\npacs\n"))).unwrap();
        let shown: Vec<String> = got.iter().map(Target::to_string).collect();
        assert_eq!(shown, ["10.77.1.10:8443", "emr.lan:443", "pacs"]);
        assert_eq!(collect_targets(&[], None).unwrap(), vec![]);

        // An invalid line is named by file and line number.
        let err = collect_targets(&cli, Some((file, "emr.lan\n\nbad host\n"))).unwrap_err();
        assert!(err.contains("/etc/wifidiag/targets line 3"), "{err}");
        assert!(err.contains("not a valid host"), "{err}");
        let err = collect_targets(&["224.0.0.1".to_string()], None).unwrap_err();
        assert!(err.contains("multicast"), "{err}");
    }

    #[test]
    fn at_most_max_targets_in_all() {
        let many = |n: usize| -> Vec<String> { (1..=n).map(|i| format!("10.0.0.{i}")).collect() };
        let file = Path::new("targets.txt");
        assert_eq!(
            collect_targets(&many(MAX_TARGETS), None).unwrap().len(),
            MAX_TARGETS
        );
        // (command line, file lines, accepted)
        for (cli, lines, ok) in [
            (MAX_TARGETS + 1, 0, false),
            (0, MAX_TARGETS + 1, false),
            (20, MAX_TARGETS - 20, true),
            (20, MAX_TARGETS - 19, false),
            (0, 200_000, false),
        ] {
            let text = many(lines).join("\n");
            let result = collect_targets(&many(cli), (lines > 0).then_some((file, text.as_str())));
            match (ok, result) {
                (true, Ok(t)) => assert_eq!(t.len(), cli + lines),
                (false, Err(e)) => {
                    assert!(e.contains(&format!("{} targets", cli + lines)), "{e}");
                    assert!(e.contains(&format!("at most {MAX_TARGETS}")), "{e}");
                    assert_eq!(e.contains("targets.txt"), lines > 0, "{e}");
                    assert!(!e.contains('\n'));
                }
                (ok, r) => panic!("{cli} + {lines}: expected ok={ok}, got {r:?}"),
            }
        }
    }

    #[test]
    fn file_kinds_in_words() {
        use std::os::unix::fs::FileTypeExt;
        let dev_zero = std::fs::metadata("/dev/zero").unwrap().file_type();
        assert!(dev_zero.is_char_device());
        assert_eq!(not_regular(dev_zero), Some("a character device"));
        let dir = std::fs::metadata("/").unwrap().file_type();
        assert_eq!(not_regular(dir), Some("a directory"));
        let cargo = std::fs::metadata(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .unwrap()
            .file_type();
        assert_eq!(not_regular(cargo), None);
    }
}
