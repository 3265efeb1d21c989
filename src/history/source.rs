//! Where `history` reads the lines: the systemd journal through
//! `journalctl -o json` (run with an argument vector, never a shell), else
//! the syslog files, else the kernel's ring buffer. The line formats are
//! parsed by pure functions ([`journal_line`], [`syslog_line`],
//! [`kmsg_record`]); only the spawning and file opening here touch the
//! system.

use super::{LogLine, Origin};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The period asked for, in microseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub since_usec: u64,
    pub until_usec: u64,
}

impl Period {
    pub fn contains(&self, usec: u64) -> bool {
        usec >= self.since_usec && usec <= self.until_usec
    }
}

/// What reading a source counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceStats {
    /// Entries or lines read.
    pub entries: u64,
    /// Entries that could not be read (not JSON, no timestamp, not UTF-8
    /// where text was needed): skipped and counted, never fatal.
    pub malformed: u64,
}

/// Why no source could be read.
#[derive(Debug)]
pub enum SourceError {
    /// The journal exists but this user may only read their own part of it.
    JournalNotPermitted {
        uid: u32,
    },
    /// A syslog file or the ring buffer exists but is not readable.
    NotPermitted {
        path: PathBuf,
    },
    /// A syslog file that is not a regular file (a device never ends, a
    /// FIFO blocks): refused before a byte is read.
    NotRegular {
        path: PathBuf,
        what: &'static str,
    },
    /// journalctl ran but failed.
    Journalctl {
        detail: String,
    },
    /// Neither a journal, nor syslog files, nor the ring buffer.
    NoSource,
    Io {
        what: String,
        err: std::io::Error,
    },
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::JournalNotPermitted { uid } => write!(
                f,
                "not permitted to read the system journal as uid {uid} (journalctl shows only this \
                 user's own entries): run as root, or add the user to the systemd-journal group \
                 (usermod -aG systemd-journal USER, then log in again)"
            ),
            SourceError::NotPermitted { path } => write!(
                f,
                "not permitted to read {}: run as root, or add the user to the adm group",
                path.display()
            ),
            SourceError::NotRegular { path, what } => write!(
                f,
                "refusing to read {}: it is {what}, not a regular file (history reads the syslog \
                 files of --syslog-dir)",
                path.display()
            ),
            SourceError::Journalctl { detail } => write!(f, "journalctl failed: {detail}"),
            SourceError::NoSource => write!(
                f,
                "no log to read: no systemd journal, no /var/log/syslog, kern.log or messages, \
                 and no kernel ring buffer"
            ),
            SourceError::Io { what, err } => write!(f, "{what}: {err}"),
        }
    }
}

impl SourceError {
    pub fn exit_code(&self) -> crate::ExitCode {
        match self {
            SourceError::JournalNotPermitted { .. } | SourceError::NotPermitted { .. } => {
                crate::ExitCode::PermissionDenied
            }
            SourceError::NotRegular { .. } => crate::ExitCode::Usage,
            _ => crate::ExitCode::Failure,
        }
    }
}

// --- the journal -------------------------------------------------------------

/// The journal's directories: persistent and volatile.
const JOURNAL_DIRS: [&str; 2] = ["/var/log/journal", "/run/log/journal"];

/// Whether this machine keeps a systemd journal.
pub fn journal_present() -> bool {
    JOURNAL_DIRS
        .iter()
        .any(|d| std::fs::read_dir(d).is_ok_and(|mut it| it.next().is_some()))
}

/// The `journalctl` arguments for the period: JSON, only the fields used,
/// and matches that keep the kernel and the three programs (the journal
/// applies them with its indexes, which is what makes it fast).
pub fn journalctl_args(period: Period, directory: Option<&Path>) -> Vec<String> {
    let mut args = vec![
        "--output=json".to_string(),
        "--output-fields=MESSAGE,SYSLOG_IDENTIFIER,_TRANSPORT".to_string(),
        "--no-pager".to_string(),
        "--quiet".to_string(),
        format!("--since=@{}", period.since_usec / 1_000_000),
        // --until is inclusive to the second: one more, the exact bound is
        // applied to every entry.
        format!("--until=@{}", period.until_usec / 1_000_000 + 1),
    ];
    if let Some(dir) = directory {
        args.push(format!("--directory={}", dir.display()));
    }
    args.push("_TRANSPORT=kernel".to_string());
    for origin in [Origin::WpaSupplicant, Origin::NetworkManager, Origin::Iwd] {
        args.push("+".to_string());
        args.push(format!(
            "SYSLOG_IDENTIFIER={}",
            origin.syslog_identifier().unwrap_or_default()
        ));
    }
    args
}

/// One entry of `journalctl -o json`, the fields `history` uses.
#[derive(serde::Deserialize)]
struct JournalEntry<'a> {
    #[serde(rename = "__REALTIME_TIMESTAMP", borrow)]
    realtime: std::borrow::Cow<'a, str>,
    #[serde(rename = "MESSAGE", default)]
    message: Option<JournalText<'a>>,
    #[serde(rename = "SYSLOG_IDENTIFIER", default, borrow)]
    identifier: Option<std::borrow::Cow<'a, str>>,
    #[serde(rename = "_TRANSPORT", default, borrow)]
    transport: Option<std::borrow::Cow<'a, str>>,
}

/// A journal field: a string, or (not valid UTF-8) an array of bytes, or
/// (the field repeated) an array of those.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum JournalText<'a> {
    Text(#[serde(borrow)] std::borrow::Cow<'a, str>),
    Bytes(Vec<u8>),
    Other(serde::de::IgnoredAny),
}

/// A journal entry `history` could not read (not JSON, no timestamp).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// A parsed journal entry: time, origin and message, when the entry is one
/// `history` reads.
pub fn journal_line(line: &[u8]) -> Result<Option<(u64, Origin, String)>, Malformed> {
    let entry: JournalEntry = serde_json::from_slice(line).map_err(|_| Malformed)?;
    let usec: u64 = entry.realtime.parse().map_err(|_| Malformed)?;
    let origin = if entry.transport.as_deref() == Some("kernel") {
        Origin::Kernel
    } else {
        match entry
            .identifier
            .as_deref()
            .and_then(Origin::from_identifier)
        {
            Some(o) => o,
            None => return Ok(None),
        }
    };
    let message = match entry.message {
        Some(JournalText::Text(t)) => t.into_owned(),
        Some(JournalText::Bytes(b)) => String::from_utf8_lossy(&b).into_owned(),
        _ => return Ok(None),
    };
    Ok(Some((usec, origin, message)))
}

/// Runs journalctl over the period and hands each line to `each`.
pub fn read_journal(
    period: Period,
    directory: Option<&Path>,
    mut each: impl FnMut(&LogLine<'_>),
) -> Result<SourceStats, SourceError> {
    let mut child = Command::new("journalctl")
        .args(journalctl_args(period, directory))
        .env("SYSTEMD_COLORS", "0")
        .env_remove("SYSTEMD_PAGER")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| SourceError::Io {
            what: "cannot run journalctl".into(),
            err,
        })?;
    let stderr = child.stderr.take().expect("piped");
    // stderr is read on a thread so a chatty journalctl cannot block on it.
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = BufReader::new(stderr)
            .take(64 * 1024)
            .read_to_string(&mut text);
        text
    });
    let mut stats = SourceStats::default();
    let mut reader = BufReader::with_capacity(256 * 1024, child.stdout.take().expect("piped"));
    let mut buf = Vec::with_capacity(4096);
    loop {
        buf.clear();
        let n = reader
            .read_until(b'\n', &mut buf)
            .map_err(|err| SourceError::Io {
                what: "reading journalctl's output".into(),
                err,
            })?;
        if n == 0 {
            break;
        }
        stats.entries += 1;
        match journal_line(&buf) {
            Ok(Some((usec, origin, message))) if period.contains(usec) => each(&LogLine {
                usec,
                origin,
                message: &message,
            }),
            Ok(_) => {}
            Err(Malformed) => stats.malformed += 1,
        }
    }
    let status = child.wait().map_err(|err| SourceError::Io {
        what: "waiting for journalctl".into(),
        err,
    })?;
    let err_text = err_reader.join().unwrap_or_default();
    if journal_denied(&err_text) {
        return Err(SourceError::JournalNotPermitted { uid: current_uid() });
    }
    if !status.success() {
        let detail = err_text.lines().next().unwrap_or("").trim().to_string();
        return Err(SourceError::Journalctl {
            detail: if detail.is_empty() {
                status.to_string()
            } else {
                detail
            },
        });
    }
    Ok(stats)
}

/// journalctl's words when it shows an unprivileged user only their own
/// entries (it still exits 0).
pub fn journal_denied(stderr: &str) -> bool {
    stderr.contains("not seeing messages from other users and the system")
        || stderr.contains("No journal files were opened due to insufficient permissions")
}

fn current_uid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|rest| rest.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(u32::MAX)
}

// --- syslog files --------------------------------------------------------------

/// The syslog files, oldest first, that exist (compressed rotations are not
/// read: their lines are days old and `history` says which files it read).
pub fn syslog_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for base in ["syslog", "messages", "kern.log"] {
        let rotated = dir.join(format!("{base}.1"));
        let current = dir.join(base);
        if current.exists() {
            if rotated.exists() {
                files.push(rotated);
            }
            files.push(current);
            // One family is enough: kern.log repeats syslog's kernel lines.
            break;
        }
    }
    files
}

/// A syslog line: RFC 3339 (`2026-12-03T09:27:52.932123+00:00 host prog[pid]: msg`,
/// rsyslog's default on Debian 12) or traditional (`Dec  3 09:27:52 host
/// prog[pid]: msg`, `year` supplies the year it lacks, local time taken as
/// UTC offset `utc_offset_s`). Kernel messages may carry a `[  12.345678] `
/// uptime prefix, which is dropped.
pub fn syslog_line(line: &str, year: i32, utc_offset_s: i64) -> Option<(u64, Origin, &str)> {
    let (usec, rest) = if line.as_bytes().first()?.is_ascii_digit() {
        let (stamp, rest) = line.split_once(' ')?;
        (parse_rfc3339(stamp)?, rest)
    } else {
        let stamp = line.get(..15)?;
        let usec = parse_traditional(stamp, year, utc_offset_s)?;
        (usec, line.get(16..)?)
    };
    let (_host, rest) = rest.split_once(' ')?;
    let (tag, message) = rest.split_once(": ")?;
    let program = tag.split('[').next()?;
    let origin = Origin::from_identifier(program)?;
    let message = if origin == Origin::Kernel {
        strip_uptime(message)
    } else {
        message
    };
    Some((usec, origin, message))
}

fn strip_uptime(message: &str) -> &str {
    if let Some(rest) = message.strip_prefix('[') {
        if let Some((inside, after)) = rest.split_once("] ") {
            if inside
                .trim()
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.')
            {
                return after;
            }
        }
    }
    message
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[allow(clippy::too_many_arguments)] // a civil time's fields, in order
fn to_usec(
    y: i64,
    mo: i64,
    d: i64,
    h: i64,
    mi: i64,
    s: i64,
    frac_us: i64,
    offset_s: i64,
) -> Option<u64> {
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset_s;
    u64::try_from(secs)
        .ok()?
        .checked_mul(1_000_000)?
        .checked_add(frac_us as u64)
}

/// `2026-12-03T09:27:52.932123+00:00` (or `Z`, or no fraction).
pub fn parse_rfc3339(s: &str) -> Option<u64> {
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    if s.get(4..5)? != "-" || s.get(7..8)? != "-" || s.get(10..11)? != "T" {
        return None;
    }
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = s.get(19..)?;
    let mut frac_us = 0i64;
    if let Some(f) = rest.strip_prefix('.') {
        let digits = f.bytes().take_while(u8::is_ascii_digit).count();
        let ds = &f[..digits];
        let mut us = 0i64;
        for (i, b) in ds.bytes().take(6).enumerate() {
            us += i64::from(b - b'0') * 10i64.pow(5 - i as u32);
        }
        frac_us = us;
        rest = &f[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let hh: i64 = rest.get(1..3)?.parse().ok()?;
            let mm: i64 = rest.get(4..6)?.parse().ok()?;
            if rest.len() != 6 || rest.get(3..4)? != ":" {
                return None;
            }
            sign * (hh * 3600 + mm * 60)
        }
    };
    to_usec(y, mo, d, h, mi, sec, frac_us, offset)
}

/// `Dec  3 09:27:52` in the given year and UTC offset.
pub fn parse_traditional(s: &str, year: i32, utc_offset_s: i64) -> Option<u64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mo = MONTHS.iter().position(|m| s.get(..3) == Some(*m))? as i64 + 1;
    let d: i64 = s.get(4..6)?.trim_start().parse().ok()?;
    let h: i64 = s.get(7..9)?.parse().ok()?;
    let mi: i64 = s.get(10..12)?.parse().ok()?;
    let sec: i64 = s.get(13..15)?.parse().ok()?;
    to_usec(i64::from(year), mo, d, h, mi, sec, 0, utc_offset_s)
}

/// Syslog lines longer than this are skipped and counted as malformed
/// without being held in memory (rsyslog's default limit is 8 KiB).
pub const MAX_SYSLOG_LINE_BYTES: usize = 64 * 1024;

/// Opens a syslog file for reading: a regular file only. The open is
/// non-blocking, so a FIFO cannot hang it.
fn open_syslog(path: &Path) -> Result<std::fs::File, SourceError> {
    use std::os::unix::fs::OpenOptionsExt;
    let io = |what: &str, err: std::io::Error| SourceError::Io {
        what: format!("{what} {}", path.display()),
        err,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::PermissionDenied => SourceError::NotPermitted {
                path: path.to_path_buf(),
            },
            _ => io("cannot open", err),
        })?;
    let kind = file
        .metadata()
        .map_err(|err| io("cannot open", err))?
        .file_type();
    match crate::watch::probe::target::not_regular(kind) {
        None => Ok(file),
        Some(what) => Err(SourceError::NotRegular {
            path: path.to_path_buf(),
            what,
        }),
    }
}

/// Reads the syslog files and hands each line of the period to `each`.
pub fn read_syslog(
    files: &[PathBuf],
    period: Period,
    year: i32,
    mut each: impl FnMut(&LogLine<'_>),
) -> Result<SourceStats, SourceError> {
    let mut stats = SourceStats::default();
    let mut buf = Vec::new();
    for path in files {
        let file = open_syslog(path)?;
        let mut reader = BufReader::with_capacity(256 * 1024, file);
        loop {
            let overlong =
                crate::watch::read::next_line(&mut reader, &mut buf, MAX_SYSLOG_LINE_BYTES)
                    .map_err(|err| SourceError::Io {
                        what: format!("reading {}", path.display()),
                        err,
                    })?;
            let Some(overlong) = overlong else {
                break;
            };
            stats.entries += 1;
            let text = match std::str::from_utf8(&buf) {
                Ok(text) if !overlong => text,
                _ => {
                    stats.malformed += 1;
                    continue;
                }
            };
            if let Some((usec, origin, message)) = syslog_line(text, year, 0) {
                if period.contains(usec) {
                    each(&LogLine {
                        usec,
                        origin,
                        message,
                    });
                }
            }
        }
    }
    Ok(stats)
}

// --- the kernel ring buffer ------------------------------------------------------

/// A `/dev/kmsg` record (`PRI,SEQ,USEC,FLAGS;message`): microseconds since
/// boot and the message.
pub fn kmsg_record(record: &str) -> Option<(u64, &str)> {
    let (head, message) = record.split_once(';')?;
    let mut fields = head.split(',');
    let _pri = fields.next()?;
    let _seq = fields.next()?;
    let usec: u64 = fields.next()?.parse().ok()?;
    Some((usec, message.lines().next().unwrap_or("")))
}

/// Reads the kernel's ring buffer (what is left of it) without blocking:
/// kernel lines only, dated by the boot time `boot_usec` (wall clock).
pub fn read_kmsg(
    boot_usec: u64,
    period: Period,
    mut each: impl FnMut(&LogLine<'_>),
) -> Result<SourceStats, SourceError> {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000;
    let path = PathBuf::from("/dev/kmsg");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(O_NONBLOCK)
        .open(&path)
        .map_err(|err| match err.kind() {
            std::io::ErrorKind::PermissionDenied => {
                SourceError::NotPermitted { path: path.clone() }
            }
            std::io::ErrorKind::NotFound => SourceError::NoSource,
            _ => SourceError::Io {
                what: "cannot open /dev/kmsg".into(),
                err,
            },
        })?;
    let mut stats = SourceStats::default();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                stats.entries += 1;
                let Some((usec, message)) =
                    std::str::from_utf8(&buf[..n]).ok().and_then(kmsg_record)
                else {
                    stats.malformed += 1;
                    continue;
                };
                let at = boot_usec + usec;
                if period.contains(at) {
                    each(&LogLine {
                        usec: at,
                        origin: Origin::Kernel,
                        message,
                    });
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => break,
            // A record overwritten while we read: the next read goes on.
            Err(err) if err.raw_os_error() == Some(32) => continue,
            Err(err) if err.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(SourceError::NotPermitted { path })
            }
            Err(err) => {
                return Err(SourceError::Io {
                    what: "reading /dev/kmsg".into(),
                    err,
                })
            }
        }
    }
    Ok(stats)
}

/// The wall-clock time of the boot, from `/proc/stat`'s `btime` (seconds).
pub fn boot_time_usec() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let secs: u64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Some(secs * 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_entries_of_the_kernel_and_the_three_programs() {
        let k = br#"{"__REALTIME_TIMESTAMP":"1764754087047000","_TRANSPORT":"kernel","MESSAGE":"wlan2: deauthenticated from 02:00:00:00:00:00 (Reason: 3=DEAUTH_LEAVING)","__CURSOR":"s=1"}"#;
        assert_eq!(
            journal_line(k),
            Ok(Some((
                1_764_754_087_047_000,
                Origin::Kernel,
                "wlan2: deauthenticated from 02:00:00:00:00:00 (Reason: 3=DEAUTH_LEAVING)".into()
            )))
        );
        let w = br#"{"__REALTIME_TIMESTAMP":"5","SYSLOG_IDENTIFIER":"wpa_supplicant","_TRANSPORT":"stdout","MESSAGE":"wlan2: CTRL-EVENT-BEACON-LOSS"}"#;
        assert_eq!(journal_line(w).unwrap().unwrap().1, Origin::WpaSupplicant);
        // Not UTF-8: journalctl writes the bytes as an array.
        let b =
            br#"{"__REALTIME_TIMESTAMP":"5","SYSLOG_IDENTIFIER":"iwd","MESSAGE":[104,105,255]}"#;
        assert_eq!(journal_line(b).unwrap().unwrap().2, "hi\u{fffd}");
        // Someone else's entry; a broken line; a line without its time.
        let other = br#"{"__REALTIME_TIMESTAMP":"5","SYSLOG_IDENTIFIER":"sshd","MESSAGE":"x"}"#;
        assert_eq!(journal_line(other), Ok(None));
        assert_eq!(journal_line(b"{\"__REALTIME"), Err(Malformed));
        assert_eq!(
            journal_line(br#"{"MESSAGE":"x","_TRANSPORT":"kernel"}"#),
            Err(Malformed)
        );
    }

    #[test]
    fn journalctl_gets_one_argument_per_match_and_no_shell() {
        let args = journalctl_args(
            Period {
                since_usec: 1_764_720_000_123_456,
                until_usec: 1_764_806_400_000_000,
            },
            Some(Path::new("/mnt/laptop/journal")),
        );
        assert!(args.contains(&"--directory=/mnt/laptop/journal".to_string()));
        assert!(args.contains(&"--since=@1764720000".to_string()));
        assert!(args.contains(&"--until=@1764806401".to_string()));
        let tail: Vec<&str> = args
            .iter()
            .skip_while(|a| a.starts_with("--"))
            .map(String::as_str)
            .collect();
        assert_eq!(
            tail,
            [
                "_TRANSPORT=kernel",
                "+",
                "SYSLOG_IDENTIFIER=wpa_supplicant",
                "+",
                "SYSLOG_IDENTIFIER=NetworkManager",
                "+",
                "SYSLOG_IDENTIFIER=iwd"
            ]
        );
    }

    #[test]
    fn journalctl_hint_for_unprivileged_users_is_a_permission_error() {
        // systemd 252's wording (journalctl.c, "Hint: You are currently not
        // seeing messages from other users and the system.").
        assert!(journal_denied(
            "Hint: You are currently not seeing messages from other users and the system.\n      Users in groups 'adm', 'systemd-journal' can see all messages.\n"
        ));
        assert!(!journal_denied("-- No entries --\n"));
    }

    #[test]
    fn syslog_lines_in_both_formats() {
        let l = "2026-12-03T09:28:07.047123+01:00 reception kernel: [  123.456789] wlan0: deauthenticated from 02:00:00:00:00:00 (Reason: 3=DEAUTH_LEAVING)";
        let (usec, origin, msg) = syslog_line(l, 2026, 0).unwrap();
        assert_eq!(origin, Origin::Kernel);
        assert_eq!(
            msg,
            "wlan0: deauthenticated from 02:00:00:00:00:00 (Reason: 3=DEAUTH_LEAVING)"
        );
        assert_eq!(usec, parse_rfc3339("2026-12-03T08:28:07.047123Z").unwrap());
        let t = "Dec  3 09:28:07 reception wpa_supplicant[812]: wlan0: CTRL-EVENT-BEACON-LOSS";
        let (usec, origin, msg) = syslog_line(t, 2026, 0).unwrap();
        assert_eq!(
            (origin, msg),
            (Origin::WpaSupplicant, "wlan0: CTRL-EVENT-BEACON-LOSS")
        );
        assert_eq!(usec, parse_rfc3339("2026-12-03T09:28:07Z").unwrap());
        assert_eq!(
            syslog_line("Dec  3 09:28:07 reception sshd[1]: hello", 2026, 0),
            None
        );
        assert_eq!(syslog_line("garbage", 2026, 0), None);
        assert_eq!(syslog_line("", 2026, 0), None);
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.5Z"), Some(1_500_000));
        assert_eq!(
            parse_rfc3339("2000-03-01T00:00:00+00:00"),
            Some(951_868_800_000_000)
        );
        assert_eq!(
            parse_rfc3339("2000-03-01T01:00:00+01:00"),
            Some(951_868_800_000_000)
        );
        assert_eq!(parse_rfc3339("2000-13-01T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2000-03-01 00:00:00Z"), None);
    }

    #[test]
    fn kmsg_records() {
        assert_eq!(
            kmsg_record("6,1234,32456789,-;wlan0: associated\n SUBSYSTEM=ieee80211"),
            Some((32_456_789, "wlan0: associated"))
        );
        assert_eq!(kmsg_record("nonsense"), None);
    }
}
