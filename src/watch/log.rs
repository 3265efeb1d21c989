//! The `--log FILE` event log: JSON Lines that survive cron, overlap and a
//! full disk.
//!
//! `wifidiag watch --for 5m --log /var/log/wifidiag/events.jsonl` is meant
//! to run from cron or a systemd timer, usually as root, every five minutes.
//! Two runs therefore overlap briefly at each boundary, the disk of a clinic
//! laptop does fill up, and the machine does lose power. The log is the
//! evidence a technician reads afterwards, so this module's one job is that
//! **nothing already logged is ever lost or corrupted**, and that every line
//! is either a complete JSON object or recognisably not one.
//!
//! # Guarantees
//!
//! - **One event, one line, one `write(2)`.** [`EventLog::append`] writes
//!   the JSON object and its `\n` with a single `write(2)` on an `O_APPEND`
//!   descriptor. There is no userspace buffer: when `append` returns `Ok`,
//!   the line is in the kernel (not necessarily on disk; there is no
//!   `fsync`).
//! - **Never truncates what is there.** The file is opened without
//!   `O_TRUNC` and only ever appended to. The single exception is the
//!   rollback below, which removes only bytes this writer has just written.
//! - **Only a regular file.** The final path component must not be a
//!   symbolic link (`O_NOFOLLOW`): a symlink planted in a log directory would
//!   otherwise redirect root's writes. FIFOs, devices, sockets and
//!   directories are refused too (the file is opened non-blocking and
//!   `fstat`ed before anything is written, so a FIFO cannot hang the run).
//!   Directory components of the path are followed as usual.
//! - **Created `0640`** (owner read/write, group read), reduced by the
//!   umask as always. The mode of an existing file is never changed.
//! - **A failed write leaves no partial line.** If `write(2)` fails or
//!   writes only part of the line (disk full, file too large, I/O error),
//!   the writer `ftruncate`s the file back to the size it had before that
//!   write and returns [`LogError::Write`]. This only ever removes the
//!   partial tail the writer itself just wrote: it holds the exclusive lock,
//!   measured the size with `fstat` just before writing, and truncates only
//!   if the file then grew by exactly the number of bytes the kernel says it
//!   wrote. (A `write(2)` that fails outright has, by its contract, written
//!   nothing, so there is nothing to remove.) If the rollback is impossible,
//!   [`LogError::WriteNotRolledBack`] says so and the next line starts on a
//!   fresh line.
//! - **A torn tail is fenced off.** If the file does not end with `\n` when
//!   it is opened (an earlier run was killed mid-line by power loss, or
//!   another program wrote to it), the writer first appends a lone `\n` so
//!   its first line is not glued to the fragment, and reports it through
//!   [`EventLog::repaired_tail`]. Readers ([`read_events`]) skip and count
//!   the fragment as one corrupt line.
//!
//! # Overlapping runs (locking)
//!
//! The documented behaviour, for the man page and README:
//!
//! > While `wifidiag watch --log FILE` runs, it holds an exclusive lock
//! > (`flock`) on FILE. A second run given the same FILE does not fail at
//! > once: it waits, logging nothing, for up to `--lock-wait` (default 10m),
//! > and takes over the file as soon as the first run exits. Each run's lines
//! > are therefore contiguous in the file, never interleaved or duplicated.
//! > If the lock is still held when the wait runs out, the second run exits
//! > with status 7 and an error naming the process that holds the lock ("log
//! > file FILE is in use by another wifidiag writer (pid N) ..."). When
//! > several runs wait at once, they take over one after another, in no
//! > particular order.
//!
//! The lock is an advisory `flock(2)` on the log file itself, taken before
//! the first byte is written and released when the [`EventLog`] is dropped
//! or the process exits (including a crash: the kernel releases it, so a
//! stale lock cannot block later runs). Waiting polls `LOCK_NB` every few
//! milliseconds. The holder's pid is informational only: it is looked up in
//! `/proc/locks` when the wait expires, which needs no sidecar file and
//! cannot go stale; it is `None` when the kernel does not show it (another
//! pid namespace, `/proc` not mounted, the holder exited a moment earlier).
//! If the file is renamed or removed (log rotation) while a writer waits
//! for it, the writer reopens the path once it gets the lock, so it never
//! appends to a file that is no longer the log.
//!
//! # Limits
//!
//! The lock only excludes other `flock` users, i.e. other `wifidiag` runs;
//! an unrelated program appending to the same file is not excluded (its
//! bytes are never removed by the rollback, though). On NFS, Linux emulates
//! `flock` with byte-range locks and write errors may surface only at
//! close; keep the log on a local filesystem.

use std::fs::{self, File, FileType, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileExt, FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::exit::ExitCode;

/// Permission bits of a newly created log file, before the umask.
pub const CREATE_MODE: u32 = 0o640;

/// Lines longer than this are counted as corrupt by [`read_events`] without
/// being held in memory (an event is a few hundred bytes).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// How often a waiting writer retries the lock.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// How many times [`EventLog::open`] reopens a path whose file was replaced
/// while it waited for the lock, before giving up.
const MAX_REOPENS: u32 = 8;

/// Why the event log could not be opened or appended to.
///
/// Every message is one line and says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The final path component is a symbolic link.
    #[error(
        "refusing to log to {}: it is a symbolic link; give --log the path of a regular file",
        .path.display()
    )]
    Symlink { path: PathBuf },

    /// The path names a directory, FIFO, device or socket.
    #[error(
        "refusing to log to {}: it is {kind}, not a regular file; give --log the path of a regular file",
        .path.display()
    )]
    NotRegularFile { path: PathBuf, kind: &'static str },

    /// Another writer held the lock for the whole wait.
    #[error(
        "log file {} is in use by another wifidiag writer{} and stayed locked for {}; \
         let that run finish, or give this run its own --log file",
        .path.display(), holder_text(.holder), wait_text(.waited)
    )]
    Busy {
        path: PathBuf,
        /// The pid holding the lock, when the kernel shows it (informational).
        holder: Option<u32>,
        waited: Duration,
    },

    /// The file cannot be opened (or created) by this user.
    #[error(
        "permission denied opening {} for appending: run as root or choose a writable --log path",
        .path.display()
    )]
    PermissionDenied { path: PathBuf, source: io::Error },

    /// The directory the file should be created in does not exist.
    #[error(
        "cannot create {}: directory {} does not exist; create it or choose another --log path",
        .path.display(), .dir.display()
    )]
    MissingDirectory { path: PathBuf, dir: PathBuf },

    /// Opening or inspecting the file failed for another reason.
    #[error("cannot open log file {}: {source}", .path.display())]
    Open { path: PathBuf, source: io::Error },

    /// The filesystem refused the lock itself (not "someone else holds it").
    #[error(
        "cannot lock log file {}: {source}; keep the --log file on a local filesystem",
        .path.display()
    )]
    Lock { path: PathBuf, source: io::Error },

    /// The caller passed something that is not one single-line JSON object.
    #[error(
        "refusing to append to {}: the event is not a single-line JSON object ({reason}); \
         this is a wifidiag bug",
        .path.display()
    )]
    InvalidEvent { path: PathBuf, reason: &'static str },

    /// The write failed; nothing of it is left in the file.
    #[error(
        "{} while appending to {}: {source}; the event was not logged and earlier lines are intact",
        write_cause(.source), .path.display()
    )]
    Write { path: PathBuf, source: io::Error },

    /// The write failed part-way and its fragment could not be removed.
    #[error(
        "{} while appending to {}: {source}; its partial line could not be removed ({repair}), \
         readers will skip it as one corrupt line",
        write_cause(.source), .path.display()
    )]
    WriteNotRolledBack {
        path: PathBuf,
        source: io::Error,
        repair: io::Error,
    },
}

impl LogError {
    /// The process exit code a command should end with for this error:
    /// [`ExitCode::LogBusy`] when another writer kept the lock,
    /// [`ExitCode::PermissionDenied`] when the file cannot be opened by this
    /// user, [`ExitCode::Failure`] otherwise.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            LogError::Busy { .. } => ExitCode::LogBusy,
            LogError::PermissionDenied { .. } => ExitCode::PermissionDenied,
            _ => ExitCode::Failure,
        }
    }
}

fn holder_text(holder: &Option<u32>) -> String {
    holder.map_or_else(String::new, |pid| format!(" (pid {pid})"))
}

fn wait_text(waited: &Duration) -> String {
    let millis = Duration::from_millis(u64::try_from(waited.as_millis()).unwrap_or(u64::MAX));
    humantime::format_duration(millis).to_string()
}

/// The first words of a write error: what a technician should look at.
fn write_cause(err: &io::Error) -> &'static str {
    match err.raw_os_error() {
        Some(libc::ENOSPC) => "disk full",
        Some(libc::EDQUOT) => "disk quota exceeded",
        Some(libc::EFBIG) => "file size limit reached",
        Some(libc::EIO) => "I/O error (failing disk?)",
        _ if err.kind() == io::ErrorKind::WriteZero => "short write (disk full or file size limit)",
        _ => "write failed",
    }
}

/// An open, locked event log.
///
/// Holds an exclusive `flock` on the file from [`EventLog::open`] until it
/// is dropped; see the module documentation for what that means to a second
/// writer.
#[derive(Debug)]
pub struct EventLog {
    file: File,
    path: PathBuf,
    repaired_tail: bool,
    /// A failed write left bytes we could not remove: start the next line
    /// with a `\n` (in the same single write).
    dirty_tail: bool,
}

impl EventLog {
    /// Opens `path` for appending, creating it with mode `0640` (less the
    /// umask) if it does not exist, and takes its exclusive lock.
    ///
    /// If another writer holds the lock, waits up to `wait` for it (polling;
    /// nothing is written meanwhile) and returns [`LogError::Busy`] if it is
    /// still held then. `Duration::ZERO` tries once; `Duration::MAX` waits
    /// forever.
    ///
    /// Refuses a symlink ([`LogError::Symlink`]) and anything but a regular
    /// file ([`LogError::NotRegularFile`]) without writing to it. Never
    /// truncates. If the file's last byte is not `\n`, appends one before
    /// returning and reports it through [`EventLog::repaired_tail`].
    pub fn open(path: &Path, wait: Duration) -> Result<EventLog, LogError> {
        let start = Instant::now();
        let deadline = start.checked_add(wait);
        let mut reopens = 0;
        let file = loop {
            refuse_special(path)?;
            let file = open_regular(path)?;
            lock_exclusive(&file, path, start, deadline)?;
            // Under the lock: is this still the file the path names? It may
            // have been rotated away or replaced while we waited.
            if is_current(&file, path).map_err(|source| open_err(path, source))? {
                break file;
            }
            reopens += 1;
            if reopens > MAX_REOPENS {
                return Err(open_err(
                    path,
                    io::Error::other("the file kept being replaced while waiting for its lock"),
                ));
            }
        };
        let mut log = EventLog {
            file,
            path: path.to_path_buf(),
            repaired_tail: false,
            dirty_tail: false,
        };
        if !log.ends_with_newline()? {
            log.write_once(b"\n")?;
            log.repaired_tail = true;
        }
        Ok(log)
    }

    /// Appends one event: `json` must be a single JSON object serialized
    /// without newlines (as `serde_json::to_string` produces).
    ///
    /// Adds the `\n` and writes the whole line with one `write(2)`; on `Ok`
    /// the line is in the kernel. Rejects anything that is not one JSON
    /// object, or that contains a newline, with [`LogError::InvalidEvent`]
    /// and writes nothing. On [`LogError::Write`] nothing of this event is
    /// in the file and earlier lines are intact; the log stays usable, so a
    /// later append can succeed once space is freed.
    pub fn append(&mut self, json: &str) -> Result<(), LogError> {
        if let Err(reason) = check_event(json) {
            return Err(LogError::InvalidEvent {
                path: self.path.clone(),
                reason,
            });
        }
        let mut line = Vec::with_capacity(json.len() + 2);
        if self.dirty_tail {
            line.push(b'\n');
        }
        line.extend_from_slice(json.as_bytes());
        line.push(b'\n');
        self.write_once(&line)?;
        self.dirty_tail = false;
        Ok(())
    }

    /// The path the log was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether [`EventLog::open`] found the file ending in a torn line and
    /// appended a `\n` to fence it off (worth a warning: an earlier run was
    /// interrupted mid-line).
    pub fn repaired_tail(&self) -> bool {
        self.repaired_tail
    }

    fn ends_with_newline(&self) -> Result<bool, LogError> {
        let len = self
            .file
            .metadata()
            .map_err(|source| open_err(&self.path, source))?
            .len();
        if len == 0 {
            return Ok(true);
        }
        let mut last = [0u8; 1];
        self.file
            .read_exact_at(&mut last, len - 1)
            .map_err(|source| open_err(&self.path, source))?;
        Ok(last[0] == b'\n')
    }

    /// Writes `buf` with exactly one successful `write(2)` call, or removes
    /// whatever part of it landed and reports why.
    fn write_once(&mut self, buf: &[u8]) -> Result<(), LogError> {
        let before = self
            .file
            .metadata()
            .map_err(|source| self.write_err(source))?
            .len();
        let written = loop {
            match (&self.file).write(buf) {
                // EINTR means nothing was written; try the same write again.
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match written {
            Ok(n) if n == buf.len() => Ok(()),
            Ok(n) => {
                let source = io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!("only {n} of {} bytes were written", buf.len()),
                );
                Err(self.roll_back(before, n as u64, source))
            }
            // write(2) reports an error only when it wrote nothing.
            Err(source) => Err(self.write_err(source)),
        }
    }

    /// Removes the `written` bytes a short write appended at `before`, if
    /// and only if they are exactly the file's growth since then.
    fn roll_back(&mut self, before: u64, written: u64, source: io::Error) -> LogError {
        let repaired = match self.file.metadata() {
            Ok(meta) if meta.len() == before + written => self.file.set_len(before),
            Ok(meta) => Err(io::Error::other(format!(
                "the file is {} bytes, not the expected {}: something else wrote to it",
                meta.len(),
                before + written
            ))),
            Err(err) => Err(err),
        };
        match repaired {
            Ok(()) => self.write_err(source),
            Err(repair) => {
                self.dirty_tail = true;
                LogError::WriteNotRolledBack {
                    path: self.path.clone(),
                    source,
                    repair,
                }
            }
        }
    }

    fn write_err(&self, source: io::Error) -> LogError {
        LogError::Write {
            path: self.path.clone(),
            source,
        }
    }
}

/// `Err(reason)` unless `json` is one JSON object on one line.
fn check_event(json: &str) -> Result<(), &'static str> {
    if json.contains('\n') {
        return Err("it contains a newline");
    }
    if !json.trim_start().starts_with('{') {
        return Err("it does not start with '{'");
    }
    serde_json::from_str::<serde::de::IgnoredAny>(json)
        .map(|_| ())
        .map_err(|_| "it is not valid JSON")
}

fn open_err(path: &Path, source: io::Error) -> LogError {
    LogError::Open {
        path: path.to_path_buf(),
        source,
    }
}

/// Refuses a symlink or special file before opening it (opening a device
/// can have side effects). `open_regular` re-checks on the descriptor, so
/// a swap between the two checks is still caught.
fn refuse_special(path: &Path) -> Result<(), LogError> {
    match fs::symlink_metadata(path) {
        Ok(meta) => require_regular(path, meta.file_type()),
        // Missing (we create it) or not inspectable: open() says precisely.
        Err(_) => Ok(()),
    }
}

fn require_regular(path: &Path, kind: FileType) -> Result<(), LogError> {
    if kind.is_symlink() {
        Err(LogError::Symlink {
            path: path.to_path_buf(),
        })
    } else if kind.is_file() {
        Ok(())
    } else {
        Err(LogError::NotRegularFile {
            path: path.to_path_buf(),
            kind: kind_name(kind),
        })
    }
}

fn kind_name(kind: FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a special file"
    }
}

/// Opens (creating `0640`) for read + append without following a final
/// symlink and without blocking on a FIFO, then insists on a regular file.
fn open_regular(path: &Path) -> Result<File, LogError> {
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .mode(CREATE_MODE)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|err| classify_open_error(path, err))?;
    let meta = file.metadata().map_err(|source| open_err(path, source))?;
    require_regular(path, meta.file_type())?;
    clear_nonblocking(&file).map_err(|source| open_err(path, source))?;
    Ok(file)
}

fn classify_open_error(path: &Path, err: io::Error) -> LogError {
    let kind_now = fs::symlink_metadata(path).ok().map(|m| m.file_type());
    match err.raw_os_error() {
        Some(libc::ELOOP) if kind_now.is_some_and(|k| k.is_symlink()) => LogError::Symlink {
            path: path.to_path_buf(),
        },
        Some(libc::EISDIR | libc::ENXIO | libc::ENODEV) => match kind_now {
            Some(kind) if !kind.is_file() => LogError::NotRegularFile {
                path: path.to_path_buf(),
                kind: kind_name(kind),
            },
            _ => open_err(path, err),
        },
        Some(libc::EACCES | libc::EPERM) => LogError::PermissionDenied {
            path: path.to_path_buf(),
            source: err,
        },
        Some(libc::ENOENT) => {
            let dir = match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                _ => PathBuf::from("."),
            };
            LogError::MissingDirectory {
                path: path.to_path_buf(),
                dir,
            }
        }
        _ => open_err(path, err),
    }
}

/// `O_NONBLOCK` only guarded the open against FIFOs; writes to a regular
/// file should block as usual.
fn clear_nonblocking(file: &File) -> io::Result<()> {
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is open for the lifetime of `file`; F_GETFL/F_SETFL take
    // and return plain integers.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Takes the exclusive `flock`, polling until `deadline` (`None`: forever).
fn lock_exclusive(
    file: &File,
    path: &Path,
    start: Instant,
    deadline: Option<Instant>,
) -> Result<(), LogError> {
    loop {
        // SAFETY: `file` keeps the descriptor open; flock takes no pointers.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EWOULDBLOCK) => {}
            _ => {
                return Err(LogError::Lock {
                    path: path.to_path_buf(),
                    source: err,
                })
            }
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return Err(LogError::Busy {
                path: path.to_path_buf(),
                holder: lock_holder(file),
                waited: now.duration_since(start),
            });
        }
        let nap = deadline.map_or(LOCK_POLL, |d| d.duration_since(now).min(LOCK_POLL));
        thread::sleep(nap);
    }
}

/// Whether `file` is still the file `path` names (not unlinked or renamed).
fn is_current(file: &File, path: &Path) -> io::Result<bool> {
    let ours = file.metadata()?;
    if ours.nlink() == 0 {
        return Ok(false);
    }
    match fs::symlink_metadata(path) {
        Ok(named) => Ok(named.dev() == ours.dev() && named.ino() == ours.ino()),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err),
    }
}

/// The pid holding the exclusive `flock` on `file`, from `/proc/locks`.
fn lock_holder(file: &File) -> Option<u32> {
    let meta = file.metadata().ok()?;
    let table = fs::read_to_string("/proc/locks").ok()?;
    flock_holder(&table, meta.dev(), meta.ino())
}

/// Finds the writer of an `flock` on inode `ino` of device `dev` in the text
/// of `/proc/locks`, e.g. `1: FLOCK  ADVISORY  WRITE 4242 fe:00:1234 0 EOF`
/// (device numbers in hex, inode in decimal; `->` lines are waiters).
///
/// An exact device match wins. Some filesystems (btrfs subvolumes,
/// overlayfs) show a different device in `/proc/locks` than `stat` does, so
/// failing that, a single pid holding a lock on the same inode number is
/// accepted.
fn flock_holder(table: &str, dev: u64, ino: u64) -> Option<u32> {
    let (major, minor) = dev_major_minor(dev);
    let mut same_inode: Option<u32> = None;
    let mut ambiguous = false;
    for line in table.lines() {
        let mut fields = line.split_whitespace().skip(1);
        if fields.next() != Some("FLOCK") {
            continue; // a POSIX/OFD lock, a lease, or a waiter ("->")
        }
        let (Some(_), Some("WRITE"), Some(pid), Some(id)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Some(pid) = pid.parse::<u32>().ok().filter(|&p| p > 0) else {
            continue; // holder in another pid namespace
        };
        let mut parts = id.split(':');
        let (Some(maj), Some(min), Some(inode), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if inode.parse::<u64>().ok() != Some(ino) {
            continue;
        }
        let exact = u32::from_str_radix(maj, 16).ok() == Some(major)
            && u32::from_str_radix(min, 16).ok() == Some(minor);
        if exact {
            return Some(pid);
        }
        match same_inode {
            Some(seen) if seen != pid => ambiguous = true,
            _ => same_inode = Some(pid),
        }
    }
    if ambiguous {
        None
    } else {
        same_inode
    }
}

/// Splits a Linux `dev_t` as glibc's `major()`/`minor()` do.
fn dev_major_minor(dev: u64) -> (u32, u32) {
    let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0x0000_0fff);
    let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0x0000_00ff);
    // Both masks keep at most 32 bits.
    (major as u32, minor as u32)
}

/// What [`read_events`] found, line by line.
///
/// `lines == parsed + corrupt + blank` always holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReadStats {
    /// Lines in the file, counting a final line without `\n`.
    pub lines: usize,
    /// Lines that are one JSON object (returned as events).
    pub parsed: usize,
    /// Lines that are not: torn by a crash, garbage, invalid UTF-8, not an
    /// object, or longer than [`MAX_LINE_BYTES`].
    pub corrupt: usize,
    /// Empty or whitespace-only lines (skipped, not an error).
    pub blank: usize,
    /// 1-based number of the first corrupt line.
    pub first_corrupt_line: Option<usize>,
}

impl ReadStats {
    fn count_corrupt(&mut self, line: usize) {
        self.corrupt += 1;
        self.first_corrupt_line.get_or_insert(line);
    }
}

/// Reads every event from a JSON Lines log, skipping and counting the lines
/// that are not a JSON object.
///
/// Never panics on the content: garbage, invalid UTF-8, deeply nested or
/// over-long lines are counted in [`ReadStats::corrupt`] (an over-long line
/// is never held in memory whole). Errors only if the file cannot be opened
/// or read. A reader racing a writer may see the line being written as
/// corrupt; read again after the writer exits for a settled count.
pub fn read_events(path: &Path) -> io::Result<(Vec<serde_json::Value>, ReadStats)> {
    read_events_from(BufReader::new(File::open(path)?))
}

/// [`read_events`] over any buffered reader (for tests and `report`).
pub fn read_events_from<R: BufRead>(
    mut reader: R,
) -> io::Result<(Vec<serde_json::Value>, ReadStats)> {
    let mut events = Vec::new();
    let mut stats = ReadStats::default();
    let mut line = Vec::new();
    while let Some(overlong) = next_line(&mut reader, &mut line, MAX_LINE_BYTES)? {
        stats.lines += 1;
        let text = line.trim_ascii();
        if overlong {
            stats.count_corrupt(stats.lines);
        } else if text.is_empty() {
            stats.blank += 1;
        } else {
            match serde_json::from_slice::<serde_json::Value>(text) {
                Ok(value) if value.is_object() => {
                    events.push(value);
                    stats.parsed += 1;
                }
                _ => stats.count_corrupt(stats.lines),
            }
        }
    }
    Ok((events, stats))
}

/// Reads the next line (without its `\n`) into `line`, keeping at most `cap`
/// bytes. `None` at end of input, else `Some(true)` if the line was longer
/// than `cap` (then `line` holds only a prefix and must not be trusted).
fn next_line<R: BufRead>(
    reader: &mut R,
    line: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<bool>> {
    line.clear();
    let mut any = false;
    let mut overlong = false;
    loop {
        let chunk = match reader.fill_buf() {
            Ok(chunk) => chunk,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(overlong));
        }
        any = true;
        let newline = chunk.iter().position(|&b| b == b'\n');
        let body = &chunk[..newline.unwrap_or(chunk.len())];
        if !overlong {
            if line.len() + body.len() > cap {
                overlong = true;
                line.clear();
            } else {
                line.extend_from_slice(body);
            }
        }
        let used = body.len() + usize::from(newline.is_some());
        reader.consume(used);
        if newline.is_some() {
            return Ok(Some(overlong));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::PermissionsExt;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A scratch directory removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "wifidiag-log-{}-{name}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            fs::create_dir_all(&dir).expect("create scratch dir");
            Scratch(dir)
        }

        fn join(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn event(writer: &str, seq: usize) -> String {
        serde_json::json!({ "writer": writer, "seq": seq }).to_string()
    }

    fn lines_of(path: &Path) -> Vec<String> {
        fs::read_to_string(path)
            .expect("read log")
            .lines()
            .map(str::to_string)
            .collect()
    }

    fn mkfifo(path: &Path) {
        let c = CString::new(path.as_os_str().as_bytes()).expect("no NUL in path");
        // SAFETY: `c` is a valid NUL-terminated path for the call's duration.
        let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
        assert_eq!(rc, 0, "mkfifo: {}", io::Error::last_os_error());
    }

    #[test]
    fn appends_survive_reopen_in_order_and_new_file_is_0640() {
        let dir = Scratch::new("reopen");
        let path = dir.join("events.jsonl");
        {
            let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
            assert_eq!(log.path(), path);
            assert!(!log.repaired_tail());
            log.append(&event("a", 0)).unwrap();
            log.append(&event("a", 1)).unwrap();
        }
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // The umask can only remove bits from 0640 (tests share one umask).
        assert_eq!(mode & !CREATE_MODE, 0, "mode {mode:o} has bits beyond 0640");
        assert_eq!(mode & 0o600, 0o600, "owner must read and write: {mode:o}");
        {
            let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
            assert!(!log.repaired_tail());
            log.append(&event("b", 2)).unwrap();
        }
        let expected = vec![event("a", 0), event("a", 1), event("b", 2)];
        assert_eq!(lines_of(&path), expected);
        assert!(fs::read(&path).unwrap().ends_with(b"\n"));
    }

    #[test]
    fn the_mode_of_an_existing_file_is_left_alone() {
        let dir = Scratch::new("mode");
        let path = dir.join("events.jsonl");
        fs::write(&path, "").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o604)).unwrap();
        let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
        log.append(&event("a", 0)).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o604);
    }

    #[test]
    fn a_symlink_is_refused_and_its_target_untouched() {
        let dir = Scratch::new("symlink");
        let target = dir.join("target");
        fs::write(&target, "precious\n").unwrap();
        let link = dir.join("events.jsonl");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = EventLog::open(&link, Duration::ZERO).unwrap_err();
        assert!(
            matches!(&err, LogError::Symlink { path } if *path == link),
            "{err:?}"
        );
        assert!(err.to_string().contains(&*link.to_string_lossy()), "{err}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");

        // The descriptor-level guard (O_NOFOLLOW) alone refuses it too.
        let err = open_regular(&link).unwrap_err();
        assert!(matches!(err, LogError::Symlink { .. }), "{err:?}");

        // A dangling symlink must not create its target.
        let missing = dir.join("missing");
        let dangling = dir.join("dangling.jsonl");
        std::os::unix::fs::symlink(&missing, &dangling).unwrap();
        let err = EventLog::open(&dangling, Duration::ZERO).unwrap_err();
        assert!(matches!(err, LogError::Symlink { .. }), "{err:?}");
        assert!(!missing.exists());
    }

    #[test]
    fn directories_fifos_and_devices_are_refused() {
        let dir = Scratch::new("special");
        let err = EventLog::open(&dir.0, Duration::ZERO).unwrap_err();
        assert!(
            matches!(
                err,
                LogError::NotRegularFile {
                    kind: "a directory",
                    ..
                }
            ),
            "{err:?}"
        );

        let fifo = dir.join("fifo");
        mkfifo(&fifo);
        let err = EventLog::open(&fifo, Duration::ZERO).unwrap_err();
        assert!(
            matches!(
                err,
                LogError::NotRegularFile {
                    kind: "a FIFO (named pipe)",
                    ..
                }
            ),
            "{err:?}"
        );
        // Even past the lstat pre-check, opening a reader-less FIFO must
        // neither block nor succeed.
        let err = open_regular(&fifo).unwrap_err();
        assert!(matches!(err, LogError::NotRegularFile { .. }), "{err:?}");

        let err = EventLog::open(Path::new("/dev/null"), Duration::ZERO).unwrap_err();
        assert!(
            matches!(
                err,
                LogError::NotRegularFile {
                    kind: "a character device",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_missing_directory_is_named() {
        let dir = Scratch::new("missing-dir");
        let path = dir.join("nope").join("events.jsonl");
        let err = EventLog::open(&path, Duration::ZERO).unwrap_err();
        match &err {
            LogError::MissingDirectory { dir: named, .. } => {
                assert_eq!(*named, dir.join("nope"))
            }
            other => panic!("expected MissingDirectory, got {other:?}"),
        }
        assert!(!dir.join("nope").exists());
    }

    #[test]
    fn existing_content_is_kept_and_a_torn_tail_is_fenced_off() {
        let dir = Scratch::new("tail");
        let path = dir.join("events.jsonl");
        let old = "{\"old\":1}\n{\"old\":2}\n{\"torn\":";
        fs::write(&path, old).unwrap();
        {
            let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
            assert!(log.repaired_tail());
            log.append(&event("new", 0)).unwrap();
        }
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text, format!("{old}\n{}\n", event("new", 0)));

        let (events, stats) = read_events(&path).unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(stats.corrupt, 1);
        assert_eq!(stats.first_corrupt_line, Some(3));

        // Once repaired, a reopen has nothing to repair and keeps it all.
        let log = EventLog::open(&path, Duration::ZERO).unwrap();
        assert!(!log.repaired_tail());
        drop(log);
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn invalid_events_are_refused_without_writing() {
        let dir = Scratch::new("invalid");
        let path = dir.join("events.jsonl");
        let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
        log.append(&event("a", 0)).unwrap();
        let pretty = serde_json::to_string_pretty(&serde_json::json!({"a": 1})).unwrap();
        for bad in [
            pretty.as_str(),
            "{\"a\":1}\n{\"b\":2}",
            "[1,2]",
            "42",
            "{\"a\":",
            "",
        ] {
            let err = log.append(bad).unwrap_err();
            assert!(
                matches!(err, LogError::InvalidEvent { .. }),
                "{bad:?}: {err:?}"
            );
        }
        log.append(&event("a", 1)).unwrap();
        drop(log);
        assert_eq!(lines_of(&path), vec![event("a", 0), event("a", 1)]);
    }

    #[test]
    fn a_second_writer_waits_reports_the_holder_then_takes_over() {
        let dir = Scratch::new("lock");
        let path = dir.join("events.jsonl");
        let mut first = EventLog::open(&path, Duration::ZERO).unwrap();
        first.append(&event("first", 0)).unwrap();

        let started = Instant::now();
        let err = EventLog::open(&path, Duration::from_millis(200)).unwrap_err();
        let elapsed = started.elapsed();
        match &err {
            LogError::Busy { holder, waited, .. } => {
                assert_eq!(*holder, Some(std::process::id()), "{err}");
                assert!(*waited >= Duration::from_millis(200), "{waited:?}");
            }
            other => panic!("expected Busy, got {other:?}"),
        }
        assert!(elapsed >= Duration::from_millis(200) && elapsed < Duration::from_secs(20));
        let message = err.to_string();
        assert!(
            message.contains(&format!("(pid {})", std::process::id())),
            "{message}"
        );
        assert!(!message.contains('\n'));
        // The waiter wrote nothing.
        assert_eq!(lines_of(&path), vec![event("first", 0)]);

        let patient_path = path.clone();
        let patient = thread::spawn(move || {
            let mut second = EventLog::open(&patient_path, Duration::from_secs(60))?;
            second.append(&event("second", 0))?;
            second.append(&event("second", 1))?;
            Ok::<_, LogError>(())
        });
        thread::sleep(Duration::from_millis(300));
        // Still ours while the patient writer waits.
        first.append(&event("first", 1)).unwrap();
        drop(first);
        patient.join().expect("writer thread").unwrap();

        let expected = vec![
            event("first", 0),
            event("first", 1),
            event("second", 0),
            event("second", 1),
        ];
        assert_eq!(lines_of(&path), expected);
    }

    #[test]
    fn a_waiter_follows_the_path_when_the_file_is_rotated() {
        let dir = Scratch::new("rotate");
        let path = dir.join("events.jsonl");
        let rotated = dir.join("events.jsonl.1");
        let mut first = EventLog::open(&path, Duration::ZERO).unwrap();
        first.append(&event("first", 0)).unwrap();

        let waiter_path = path.clone();
        let waiter = thread::spawn(move || {
            let mut second = EventLog::open(&waiter_path, Duration::from_secs(60))?;
            second.append(&event("second", 0))?;
            Ok::<_, LogError>(())
        });
        thread::sleep(Duration::from_millis(200));
        // logrotate without copytruncate: rename; the old writer keeps its file.
        fs::rename(&path, &rotated).unwrap();
        first.append(&event("first", 1)).unwrap();
        drop(first);
        waiter.join().expect("writer thread").unwrap();

        assert_eq!(
            lines_of(&rotated),
            vec![event("first", 0), event("first", 1)]
        );
        assert_eq!(lines_of(&path), vec![event("second", 0)]);
    }

    #[test]
    fn proc_locks_lines_name_the_holder() {
        // fe:00 is major 254, minor 0.
        let dev = 254 << 8;
        let table = "\
1: POSIX  ADVISORY  WRITE 11 fe:00:777 0 EOF
2: FLOCK  ADVISORY  READ  12 fe:00:777 0 EOF
2: -> FLOCK  ADVISORY  WRITE 13 fe:00:777 0 EOF
3: FLOCK  ADVISORY  WRITE 14 fe:00:778 0 EOF
4: FLOCK  ADVISORY  WRITE 15 fe:00:777 0 EOF
garbage line
5: FLOCK ADVISORY WRITE notapid fe:00:777 0 EOF
";
        assert_eq!(flock_holder(table, dev, 777), Some(15));
        assert_eq!(flock_holder(table, dev, 999), None);
        // Another device, same inode number: accepted only if unambiguous.
        assert_eq!(flock_holder(table, 8 << 8, 777), Some(15));
        let two =
            "1: FLOCK ADVISORY WRITE 5 00:2a:9 0 EOF\n2: FLOCK ADVISORY WRITE 6 00:2b:9 0 EOF\n";
        assert_eq!(flock_holder(two, 8 << 8, 9), None);
        assert_eq!(flock_holder(two, 0x2b, 9), Some(6));
        assert_eq!(flock_holder("", dev, 777), None);
    }

    #[test]
    fn dev_numbers_split_like_glibc() {
        assert_eq!(dev_major_minor(0xfe00), (0xfe, 0));
        assert_eq!(dev_major_minor(0x0801), (8, 1));
        // Minor above 255 (anonymous devices, e.g. btrfs): bits 8.. sit at 20..
        assert_eq!(dev_major_minor(0x0010_0000 | 0x2a), (0, 0x12a));
    }

    #[test]
    fn read_events_counts_every_kind_of_line() {
        let mut data = Vec::new();
        data.extend_from_slice(b"{\"n\":1}\n");
        data.extend_from_slice(b"\n"); // blank
        data.extend_from_slice(b"{\"n\":2,\"s\":\"\xff\xfe\"}\n"); // invalid UTF-8 in a string
        data.extend_from_slice(b"\x00\x01\x02\xc3\x28 binary\n"); // garbage
        data.extend_from_slice(b"{\"n\":3}\r\n"); // CRLF is fine
        data.extend_from_slice(b"[1,2,3]\n"); // JSON, not an object
        data.extend_from_slice(&vec![b'['; 100_000]); // deep nesting
        data.push(b'\n');
        data.extend_from_slice(b"{\"long\":\"");
        data.extend_from_slice(&vec![b'x'; MAX_LINE_BYTES + 10]);
        data.extend_from_slice(b"\"}\n"); // over-long
        data.extend_from_slice(b"   \t \n"); // blank
        data.extend_from_slice(b"{\"n\":4}\n");
        data.extend_from_slice(b"{\"n\":5,\"tor"); // torn final line, no newline
        let (events, stats) = read_events_from(io::Cursor::new(data)).unwrap();
        let ns: Vec<_> = events.iter().map(|e| e["n"].as_u64().unwrap()).collect();
        assert_eq!(ns, vec![1, 3, 4]);
        assert_eq!(
            stats,
            ReadStats {
                lines: 11,
                parsed: 3,
                corrupt: 6,
                blank: 2,
                first_corrupt_line: Some(3),
            }
        );
        assert_eq!(stats.lines, stats.parsed + stats.corrupt + stats.blank);
    }

    #[test]
    fn read_events_on_empty_and_tiny_inputs() {
        let read = |bytes: &[u8]| read_events_from(io::Cursor::new(bytes.to_vec())).unwrap().1;
        assert_eq!(read(b""), ReadStats::default());
        assert_eq!(read(b"\n").blank, 1);
        let one = read(b"{}");
        assert_eq!((one.lines, one.parsed), (1, 1));
        // A line of exactly the cap is still read.
        let mut exact = b"{\"x\":\"".to_vec();
        exact.resize(MAX_LINE_BYTES - 2, b'y');
        exact.extend_from_slice(b"\"}");
        assert_eq!(exact.len(), MAX_LINE_BYTES);
        assert_eq!(read(&exact).parsed, 1);
    }

    #[test]
    fn read_events_reports_a_missing_file() {
        let dir = Scratch::new("read-missing");
        let err = read_events(&dir.join("absent.jsonl")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
    }

    #[test]
    fn messages_are_one_line_and_name_the_cause() {
        let path = PathBuf::from("/var/log/wifidiag/events.jsonl");
        let os = io::Error::from_raw_os_error;
        let errors = [
            LogError::Symlink { path: path.clone() },
            LogError::NotRegularFile {
                path: path.clone(),
                kind: "a directory",
            },
            LogError::Busy {
                path: path.clone(),
                holder: Some(4242),
                waited: Duration::from_millis(1500),
            },
            LogError::Busy {
                path: path.clone(),
                holder: None,
                waited: Duration::ZERO,
            },
            LogError::PermissionDenied {
                path: path.clone(),
                source: os(libc::EACCES),
            },
            LogError::MissingDirectory {
                path: path.clone(),
                dir: PathBuf::from("/var/log/wifidiag"),
            },
            LogError::Open {
                path: path.clone(),
                source: os(libc::EROFS),
            },
            LogError::Lock {
                path: path.clone(),
                source: os(libc::ENOLCK),
            },
            LogError::InvalidEvent {
                path: path.clone(),
                reason: "it contains a newline",
            },
            LogError::Write {
                path: path.clone(),
                source: os(libc::ENOSPC),
            },
            LogError::WriteNotRolledBack {
                path: path.clone(),
                source: io::Error::new(io::ErrorKind::WriteZero, "only 3 of 9 bytes were written"),
                repair: os(libc::EIO),
            },
        ];
        for err in &errors {
            let text = err.to_string();
            assert!(!text.contains('\n'), "multi-line message: {text}");
            assert!(text.contains("/var/log/wifidiag/events.jsonl"), "{text}");
        }
        assert!(errors[2].to_string().contains("(pid 4242)"));
        assert!(errors[2].to_string().contains("1s 500ms"));
        assert!(errors[4]
            .to_string()
            .contains("run as root or choose a writable --log path"));
        assert!(errors[9]
            .to_string()
            .starts_with("disk full while appending to"));
        assert!(errors[10].to_string().starts_with("short write (disk full"));
        assert_eq!(errors[4].exit_code(), ExitCode::PermissionDenied);
        assert_eq!(errors[2].exit_code(), ExitCode::LogBusy);
        assert_eq!(errors[9].exit_code(), ExitCode::Failure);
    }
}
