//! The `--log FILE` event log: JSON Lines that survive cron, overlap, a
//! full disk and log rotation.
//!
//! `wifidiag watch --for 5m --log /var/log/wifidiag/events.jsonl` is meant
//! to run from cron or a systemd timer, usually as root, every five minutes.
//! Two runs therefore overlap briefly at each boundary, the disk of a clinic
//! laptop does fill up, logrotate renames the file, and the machine does
//! lose power. The log is the evidence a technician reads afterwards, so
//! this module's one job is that **nothing already logged is ever lost or
//! corrupted**, that every line is either a complete JSON object or
//! recognisably not one, and that root's writes never land anywhere but the
//! file the path names.
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
//! - **No symbolic link anywhere in the path.** The path is opened one
//!   component at a time from `/` (a relative path is taken from the current
//!   directory's real path, `getcwd`), each directory with `O_PATH` relative
//!   to the one before, and the file relative to its directory. Each step
//!   uses `openat2(2)` with `RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`;
//!   where `openat2` is missing (kernel before 5.6: `ENOSYS`) or filtered
//!   (seccomp: `EPERM`) it falls back to `openat(2)` with `O_NOFOLLOW`,
//!   which refuses the same thing for a single name. A symlink in any
//!   component, the last one included, is refused with
//!   [`LogError::Symlink`] naming that component: with `/tmp/x ->
//!   /root-only-dir`, root's `--log /tmp/x/file` would otherwise append into
//!   the root-only directory. Each step opens the object the previous step
//!   checked (descriptors, not names), so a directory swapped for a
//!   symlink between two steps is still caught.
//! - **No directory another user could tamper with.** Every directory
//!   walked through, `/` included, is refused ([`LogError::UnsafeDirectory`])
//!   if
//!   1. it is owned by anyone but root or the user running wifidiag (its
//!      owner can always rename or replace what is in it, sticky bit or
//!      not), or
//!   2. it is writable by everyone (`mode & 0o002`), or by its group
//!      (`mode & 0o020`), and does not have the sticky bit (`+t`, as `/tmp`
//!      has). One exception to the group part: a directory *above* the one
//!      holding the log, owned by root, whose group is a system group
//!      (gid < 1000), such as Ubuntu's `/var/log` (`root:syslog 0775`). That
//!      group can only swap entries for directories it owns (refused by rule
//!      1 one step further down) or for other root directories; the log's own
//!      directory must not be group-writable.
//!
//!   Whoever can write to a directory without the sticky bit can rename,
//!   remove and create entries in it: they could swap the log file (or a
//!   directory below) for a hard link to another file, or for one of their
//!   own, between two of root's appends. With the sticky bit only an
//!   entry's owner (or the directory's owner, or root) may rename or remove
//!   it, so files root created there stay root's. The rule is the one
//!   OpenSSH's `StrictModes` applies, plus the sticky exception; it does not
//!   trust group membership for the log's own directory: keep the log in a
//!   directory only its writer can write, e.g. `/var/log/wifidiag` created
//!   `0750`).
//! - **Only a regular file.** FIFOs, devices, sockets and directories are
//!   refused ([`LogError::NotRegularFile`]): the name is `fstatat`ed before
//!   it is opened (opening a device can have side effects), and the file is
//!   opened non-blocking and `fstat`ed before anything is written, so a FIFO
//!   cannot hang the run.
//! - **Created `0640`** (owner read/write, group read), reduced by the
//!   umask as always. The mode of an existing file is never changed.
//! - **A failed write leaves no partial line.** If `write(2)` fails or
//!   writes only part of the line (disk full, file too large, I/O error),
//!   the writer `ftruncate`s the file back to the size it had before that
//!   write and returns [`LogError::Write`]. This only ever removes the
//!   partial tail the writer itself just wrote: it holds the writers' lock,
//!   measured the size with `fstat` just before writing, and truncates only
//!   if the file then grew by exactly the number of bytes the kernel says it
//!   wrote. (A `write(2)` that fails outright has, by its contract, written
//!   nothing, so there is nothing to remove.) If the rollback is impossible,
//!   [`LogError::WriteNotRolledBack`] says so and the next line starts on a
//!   fresh line.
//! - **A full disk is survivable.** After a failed write the log stays
//!   usable: the next [`EventLog::append`] simply tries again, so logging
//!   resumes by itself once space is freed. [`LogError::is_transient`] tells
//!   such failures (disk full, quota, file size limit, I/O error) from the
//!   ones that will not go away by waiting, and [`EventLog::dropped`]
//!   counts the lines that could not be written.
//! - **A torn tail is fenced off.** If the file does not end with `\n` when
//!   it is opened (an earlier run was killed mid-line by power loss, or
//!   another program wrote to it), the writer first appends a lone `\n` so
//!   its first line is not glued to the fragment, and reports it through
//!   [`EventLog::repaired_tail`]. Readers ([`super::read`]) skip and count
//!   the fragment as one corrupt line.
//!
//! # Log rotation
//!
//! Before every append the writer compares the file its descriptor holds
//! (`fstat`) with the file the name now denotes in the log's directory
//! (`fstatat`, not following symlinks). If the name is gone or names
//! another file (different device or inode: logrotate's default `create`
//! mode renamed ours), it opens the name again under the same rules as
//! [`EventLog::open`] (no symlink, regular file only, created `0640`, the
//! directory re-checked, a torn tail fenced off) and appends there; the
//! lines already written stay in the rotated file. The writers' lock is
//! untouched by rotation (it lives on the lock file, which a `*.jsonl`
//! pattern does not rotate), so the writer keeps it throughout. If the
//! reopen is refused (a symlink was planted at the name), the append fails
//! with that error and nothing is written anywhere. logrotate's
//! `copytruncate` mode needs nothing special: the inode stays the same and
//! `O_APPEND` writes continue at the new end of the truncated file, leaving
//! no hole. The directory is the one opened at start: if the directory
//! itself is renamed, the writer follows it. `examples/logrotate` has a
//! stanza.
//!
//! # Overlapping runs (locking)
//!
//! The documented behaviour, for the man page and README:
//!
//! > While `wifidiag watch --log FILE` runs, it holds an exclusive lock
//! > (`flock`) on `FILE.lock`, beside FILE. A second run given the same FILE
//! > does not fail at once: it waits, logging nothing, for up to
//! > `--lock-wait` (default 10m), and takes over the file as soon as the
//! > first run exits. Each run's lines are therefore contiguous in the file,
//! > never interleaved or duplicated. If the lock is still held when the
//! > wait runs out, the second run exits with status 7 and an error naming
//! > the process that holds the lock ("log file FILE is in use by another
//! > wifidiag writer (pid N) ..."). When several runs wait at once, they
//! > take over one after another, in no particular order. Readers of FILE
//! > (`tail -f`, backups, `flock -s FILE`) never hold up a writer.
//!
//! The lock is an advisory `flock(2)` on a separate lock file, `FILE.lock`
//! in the log's directory, not on the log itself: a reader that takes a
//! shared `flock` on a world- or group-readable log (some backup tools do)
//! would otherwise lock every writer out. The lock file is opened under the
//! same rules as the log (no symlink anywhere, regular file only) and
//! created `0600`: `flock` needs only an open descriptor, so anyone who can
//! open the lock file can hold it; `0600` keeps that to its owner and root,
//! i.e. to writers. It holds no data, is never truncated and never removed
//! (removing it would let a new run lock a new file while an old run still
//! holds the old one); if someone removes or replaces it while a writer
//! waits, the writer notices under the lock and starts over on the new one.
//!
//! The lock is taken before the log is opened and released when the
//! [`EventLog`] is dropped or the process exits (including a crash: the
//! kernel releases it, so a stale lock cannot block later runs). Waiting
//! polls `LOCK_NB` every few milliseconds. The holder's pid is
//! informational only: it is looked up in `/proc/locks` (the `FLOCK WRITE`
//! entry on the lock file's inode) when the wait expires, which needs no pid
//! written into the file and cannot go stale; it is `None` when the kernel
//! does not show it (another pid namespace, `/proc` not mounted, the holder
//! exited a moment earlier).
//!
//! # Limits
//!
//! The lock only excludes other `flock` users of `FILE.lock`, i.e. other
//! `wifidiag` runs; an unrelated program appending to the log is not
//! excluded (its bytes are never removed by the rollback, though). The
//! directory checks trust root and the running user, and assume the
//! directories' owners and modes do not change while the log is open (the
//! log's own directory is re-checked at each rotation). On NFS, Linux
//! emulates `flock` with byte-range locks and write errors may surface only
//! at close; keep the log on a local filesystem.

use std::ffi::{CStr, CString, OsStr};
use std::fs::{self, File};
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::exit::ExitCode;

/// Permission bits of a newly created log file, before the umask.
pub const CREATE_MODE: u32 = 0o640;

/// Permission bits of a newly created lock file, before the umask: only its
/// owner (a writer) may open it, so only writers can hold it.
pub const LOCK_MODE: u32 = 0o600;

/// What is appended to the log's file name to name its lock file.
pub const LOCK_SUFFIX: &str = ".lock";

/// How often a waiting writer retries the lock.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// How many times [`EventLog::open`] starts over on a lock file that was
/// replaced while it waited for it, before giving up.
const MAX_REOPENS: u32 = 8;

/// Why the event log could not be opened or appended to.
///
/// Every message is one line and says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// A component of the path (the file itself or a directory on the way)
    /// is a symbolic link.
    #[error(
        "refusing to log to {}: {} is a symbolic link, and symlinks are refused anywhere in \
         the path (one could redirect root's writes); give --log a path without symlinks",
        .path.display(), .link.display()
    )]
    Symlink {
        path: PathBuf,
        /// The component that is a symlink, as a path from `/`.
        link: PathBuf,
    },

    /// A directory on the path can be modified by another user.
    #[error(
        "refusing to log to {}: directory {} {reason}, so another user could swap the log file \
         under this one; keep --log in a directory only root (or you) can modify",
        .path.display(), .dir.display()
    )]
    UnsafeDirectory {
        path: PathBuf,
        dir: PathBuf,
        /// What makes it unsafe, e.g. "is owned by uid 1000".
        reason: String,
    },

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

    /// A directory on the path does not exist.
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
        "cannot lock log file {} (through {}{LOCK_SUFFIX}): {source}; keep the --log file on a local filesystem",
        .path.display(), .path.display()
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
    /// user or sits in a directory another user could modify,
    /// [`ExitCode::Failure`] otherwise.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            LogError::Busy { .. } => ExitCode::LogBusy,
            LogError::PermissionDenied { .. } | LogError::UnsafeDirectory { .. } => {
                ExitCode::PermissionDenied
            }
            _ => ExitCode::Failure,
        }
    }

    /// Whether waiting may cure it: the line was not written because the
    /// disk is full, a quota or the file size limit was reached, or the
    /// device reported an I/O error (also when reopening a rotated log
    /// failed for one of these reasons). The log stays usable: a later
    /// [`EventLog::append`] tries again. Everything else (a symlink or a
    /// special file planted at the path, permissions, a bug) is not.
    pub fn is_transient(&self) -> bool {
        match self {
            LogError::Write { source, .. } | LogError::WriteNotRolledBack { source, .. } => {
                transient_io(source)
            }
            LogError::Open { source, .. } => transient_io(source),
            _ => false,
        }
    }
}

/// The I/O errors a full or failing disk produces.
fn transient_io(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::WriteZero
        || matches!(
            err.raw_os_error(),
            Some(
                libc::ENOSPC
                    | libc::EDQUOT
                    | libc::EFBIG
                    | libc::EIO
                    | libc::EAGAIN
                    | libc::EINTR
                    | libc::ENOMEM
            )
        )
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
/// Holds an exclusive `flock` on `FILE.lock` from [`EventLog::open`] until
/// it is dropped; see the module documentation for what that means to a
/// second writer.
#[derive(Debug)]
pub struct EventLog {
    file: File,
    /// The log's directory, as opened (and checked) by `open`.
    dir: OwnedFd,
    /// The log's name in `dir`.
    name: CString,
    /// Holds the writers' lock; never written.
    _lock: File,
    path: PathBuf,
    /// Where `dir` is, for messages.
    dir_shown: PathBuf,
    resolver: Resolver,
    repaired_tail: bool,
    /// A failed write left bytes we could not remove, or a reopened file
    /// ends in a torn line: start the next line with a `\n` (in the same
    /// single write).
    dirty_tail: bool,
    dropped: u64,
}

impl EventLog {
    /// Opens `path` for appending, creating it with mode `0640` (less the
    /// umask) if it does not exist, and takes the writers' exclusive lock
    /// on `path.lock` (created `0600`).
    ///
    /// If another writer holds the lock, waits up to `wait` for it (polling;
    /// nothing is written meanwhile) and returns [`LogError::Busy`] if it is
    /// still held then. `Duration::ZERO` tries once; `Duration::MAX` waits
    /// forever.
    ///
    /// Refuses a symlink anywhere in the path ([`LogError::Symlink`]), a
    /// directory another user could modify ([`LogError::UnsafeDirectory`])
    /// and anything but a regular file ([`LogError::NotRegularFile`]),
    /// without writing anything. Never truncates. If the file's last byte
    /// is not `\n`, appends one before returning and reports it through
    /// [`EventLog::repaired_tail`].
    pub fn open(path: &Path, wait: Duration) -> Result<EventLog, LogError> {
        EventLog::open_with(path, wait, Resolver::detect())
    }

    fn open_with(path: &Path, wait: Duration, resolver: Resolver) -> Result<EventLog, LogError> {
        let start = Instant::now();
        let deadline = start.checked_add(wait);
        let mut reopens = 0;
        let (dir, dir_shown, name, lock) = loop {
            let (dir, dir_shown, name) = open_parent(path, resolver)?;
            // Refuse a symlink or special file at the name before creating
            // a lock file beside it (`open_regular_at` checks again).
            if let Ok(st) = stat_at(dir.as_fd(), &name) {
                let shown = dir_shown.join(OsStr::from_bytes(name.to_bytes()));
                require_regular(st.st_mode, path, &shown)?;
            }
            let mut lock_name = name.as_bytes().to_vec();
            lock_name.extend_from_slice(LOCK_SUFFIX.as_bytes());
            let lock_name = CString::new(lock_name).expect("a path component has no NUL");
            let lock = open_regular_at(
                dir.as_fd(),
                &lock_name,
                path,
                &dir_shown,
                LOCK_MODE,
                resolver,
            )?;
            lock_exclusive(&lock, path, start, deadline)?;
            // Under the lock: is this still the lock file the name denotes?
            // Someone may have removed or replaced it while we waited.
            if names_file(dir.as_fd(), &lock_name, &lock).map_err(|e| open_err(path, e))? {
                break (dir, dir_shown, name, lock);
            }
            reopens += 1;
            if reopens > MAX_REOPENS {
                return Err(open_err(
                    path,
                    io::Error::other("its lock file kept being replaced while waiting for it"),
                ));
            }
        };
        let file = open_regular_at(dir.as_fd(), &name, path, &dir_shown, CREATE_MODE, resolver)?;
        let mut log = EventLog {
            file,
            dir,
            name,
            _lock: lock,
            path: path.to_path_buf(),
            dir_shown,
            resolver,
            repaired_tail: false,
            dirty_tail: false,
            dropped: 0,
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
    /// First follows a rotation (see the module documentation): if the path
    /// no longer names the open file, reopens it. Then adds the `\n` and
    /// writes the whole line with one `write(2)`; on `Ok` the line is in
    /// the kernel. Rejects anything that is not one JSON object, or that
    /// contains a newline, with [`LogError::InvalidEvent`] and writes
    /// nothing. On [`LogError::Write`] nothing of this event is in the file
    /// and earlier lines are intact; the log stays usable, so a later append
    /// succeeds once space is freed. Every failed call adds one to
    /// [`EventLog::dropped`].
    pub fn append(&mut self, json: &str) -> Result<(), LogError> {
        let result = self.try_append(json);
        if result.is_err() {
            self.dropped += 1;
        }
        result
    }

    fn try_append(&mut self, json: &str) -> Result<(), LogError> {
        if let Err(reason) = check_event(json) {
            return Err(LogError::InvalidEvent {
                path: self.path.clone(),
                reason,
            });
        }
        self.follow_rotation()?;
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

    /// How many lines [`EventLog::append`] could not write since the log
    /// was opened (each failed call counts once).
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Reopens the log's name if it no longer denotes our file.
    fn follow_rotation(&mut self) -> Result<(), LogError> {
        let ours = self.file.metadata().map_err(|e| open_err(&self.path, e))?;
        if ours.nlink() > 0
            && names_file(self.dir.as_fd(), &self.name, &self.file)
                .map_err(|e| open_err(&self.path, e))?
        {
            return Ok(());
        }
        check_dir(self.dir.as_fd(), &self.path, &self.dir_shown, true)?;
        let file = open_regular_at(
            self.dir.as_fd(),
            &self.name,
            &self.path,
            &self.dir_shown,
            CREATE_MODE,
            self.resolver,
        )?;
        self.file = file;
        // The new file is someone else's until now: fence off a torn tail
        // in the same write as our next line. (Our own unremovable fragment,
        // if any, stayed in the rotated file.)
        self.dirty_tail = !self.ends_with_newline()?;
        Ok(())
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

/// For another file written by root beside the log (the `--metrics-file`):
/// opens the directory that will hold `path` under the log's rules (no
/// symlink anywhere in the path, no directory another user could modify;
/// see the module documentation) and refuses a symlink or special file at
/// the name itself. Returns the directory, where it is (absolute, for
/// messages) and the file's name in it.
pub(crate) fn open_checked_dir(path: &Path) -> Result<(OwnedFd, PathBuf, CString), LogError> {
    let (dir, shown, name) = open_parent(path, Resolver::detect())?;
    match stat_at(dir.as_fd(), &name) {
        Ok(st) => {
            let file = shown.join(OsStr::from_bytes(name.to_bytes()));
            require_regular(st.st_mode, path, &file)?;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(open_err(path, e)),
    }
    Ok((dir, shown, name))
}

/// Creates the new file `name` in `dir` for writing (`O_EXCL`: never an
/// existing file, never through a symlink), with permission bits `mode`
/// less the umask.
pub(crate) fn create_new_at(dir: BorrowedFd<'_>, name: &CStr, mode: u32) -> io::Result<File> {
    open_step(
        dir,
        name,
        libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL,
        mode,
        Resolver::detect(),
    )
    .map(File::from)
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

/// How one path component is opened without following a symlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolver {
    /// `openat2(2)` with `RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS`,
    /// falling back to `NoFollow` on `ENOSYS`/`EPERM`.
    Openat2,
    /// `openat(2)` with `O_NOFOLLOW`.
    NoFollow,
}

/// Set once `openat2` turned out to be missing or filtered.
static OPENAT2_UNAVAILABLE: AtomicBool = AtomicBool::new(false);

impl Resolver {
    fn detect() -> Resolver {
        if OPENAT2_UNAVAILABLE.load(Ordering::Relaxed) {
            Resolver::NoFollow
        } else {
            Resolver::Openat2
        }
    }
}

/// `struct open_how` of `linux/openat2.h` (libc's is `non_exhaustive`).
#[repr(C)]
struct OpenHow {
    flags: u64,
    mode: u64,
    resolve: u64,
}

/// Opens the single name `name` relative to `dir` without following a
/// symlink: a symlink fails with `ELOOP` (or `ENOTDIR` with
/// `O_DIRECTORY`).
fn open_step(
    dir: BorrowedFd<'_>,
    name: &CStr,
    flags: libc::c_int,
    mode: u32,
    resolver: Resolver,
) -> io::Result<OwnedFd> {
    if resolver == Resolver::Openat2 && !OPENAT2_UNAVAILABLE.load(Ordering::Relaxed) {
        let how = OpenHow {
            flags: (flags | libc::O_CLOEXEC) as u64,
            mode: if flags & libc::O_CREAT != 0 {
                u64::from(mode)
            } else {
                0
            },
            resolve: libc::RESOLVE_NO_SYMLINKS | libc::RESOLVE_NO_MAGICLINKS,
        };
        // SAFETY: `name` is NUL-terminated and `how` is a valid open_how of
        // the size passed, both alive for the call; `dir` is an open fd.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dir.as_raw_fd(),
                name.as_ptr(),
                &how as *const OpenHow,
                std::mem::size_of::<OpenHow>(),
            )
        };
        if rc >= 0 {
            // SAFETY: the kernel returned a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(rc as RawFd) });
        }
        let err = io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::ENOSYS) => OPENAT2_UNAVAILABLE.store(true, Ordering::Relaxed),
            Some(libc::EPERM) => {
                // A seccomp filter, or a real EPERM? openat tells: if it
                // succeeds, openat2 is filtered.
                let fallback = openat_nofollow(dir, name, flags, mode);
                if fallback.is_ok() {
                    OPENAT2_UNAVAILABLE.store(true, Ordering::Relaxed);
                }
                return fallback;
            }
            _ => return Err(err),
        }
    }
    openat_nofollow(dir, name, flags, mode)
}

fn openat_nofollow(
    dir: BorrowedFd<'_>,
    name: &CStr,
    flags: libc::c_int,
    mode: u32,
) -> io::Result<OwnedFd> {
    loop {
        // SAFETY: `name` is NUL-terminated and alive for the call; `dir` is
        // an open descriptor; the mode is passed as the variadic argument.
        let fd = unsafe {
            libc::openat(
                dir.as_raw_fd(),
                name.as_ptr(),
                flags | libc::O_NOFOLLOW | libc::O_CLOEXEC,
                mode as libc::c_uint,
            )
        };
        if fd >= 0 {
            // SAFETY: a new descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

fn stat_fd(fd: BorrowedFd<'_>) -> io::Result<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `st` is valid for writes of one `stat`; `fd` is open.
    if unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstat succeeded, so it filled `st`.
    Ok(unsafe { st.assume_init() })
}

/// `fstatat(dir, name, AT_SYMLINK_NOFOLLOW)`.
fn stat_at(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated, `st` valid for writes; `dir` is open.
    let rc = unsafe {
        libc::fstatat(
            dir.as_raw_fd(),
            name.as_ptr(),
            st.as_mut_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fstatat succeeded, so it filled `st`.
    Ok(unsafe { st.assume_init() })
}

fn c_name(name: &OsStr, path: &Path) -> Result<CString, LogError> {
    CString::new(name.as_bytes()).map_err(|_| {
        open_err(
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "the path contains a NUL byte"),
        )
    })
}

/// Opens the directory that will hold `path`'s file, one component at a
/// time from `/`, refusing symlinks and unsafe directories on the way.
/// Returns the directory, where it is (absolute, for messages) and the
/// file's name in it.
fn open_parent(path: &Path, resolver: Resolver) -> Result<(OwnedFd, PathBuf, CString), LogError> {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        // getcwd: the current directory's real path, free of symlinks.
        std::env::current_dir()
            .map_err(|e| open_err(path, e))?
            .join(path)
    };
    let (Some(name), Some(parent)) = (absolute.file_name(), absolute.parent()) else {
        return Err(LogError::NotRegularFile {
            path: path.to_path_buf(),
            kind: "a directory",
        });
    };
    let name = c_name(name, path)?;
    let mut shown = PathBuf::from("/");
    // SAFETY: a constant NUL-terminated path; O_PATH opens without access checks.
    let root = unsafe {
        libc::open(
            c"/".as_ptr(),
            libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    if root < 0 {
        return Err(open_err(path, io::Error::last_os_error()));
    }
    // SAFETY: a new descriptor that nothing else owns.
    let mut dir = unsafe { OwnedFd::from_raw_fd(root) };
    check_dir(dir.as_fd(), path, &shown, false)?;
    for component in parent.components() {
        let step: &OsStr = match component {
            Component::Normal(step) => step,
            Component::ParentDir => OsStr::new(".."),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => continue,
        };
        shown.push(step);
        let c_step = c_name(step, path)?;
        let next = open_step(
            dir.as_fd(),
            &c_step,
            libc::O_PATH | libc::O_DIRECTORY,
            0,
            resolver,
        )
        .map_err(|err| dir_step_error(err, dir.as_fd(), &c_step, path, &shown))?;
        let st = stat_fd(next.as_fd()).map_err(|e| open_err(path, e))?;
        match st.st_mode & libc::S_IFMT {
            libc::S_IFDIR => {}
            libc::S_IFLNK => {
                return Err(LogError::Symlink {
                    path: path.to_path_buf(),
                    link: shown,
                })
            }
            _ => return Err(not_a_directory(path, &shown)),
        }
        check_dir(next.as_fd(), path, &shown, false)?;
        dir = next;
    }
    // The directory that holds the log answers to the stricter rule.
    check_dir(dir.as_fd(), path, &shown, true)?;
    Ok((dir, shown, name))
}

fn not_a_directory(path: &Path, shown: &Path) -> LogError {
    open_err(
        path,
        io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is not a directory", shown.display()),
        ),
    )
}

/// What a failed step into directory `name` (shown as `shown`) means.
fn dir_step_error(
    err: io::Error,
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    shown: &Path,
) -> LogError {
    match err.raw_os_error() {
        Some(libc::ELOOP | libc::ENOTDIR) => match stat_at(dir, name) {
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFLNK => LogError::Symlink {
                path: path.to_path_buf(),
                link: shown.to_path_buf(),
            },
            Ok(_) => not_a_directory(path, shown),
            Err(_) => open_err(path, err),
        },
        Some(libc::ENOENT) => LogError::MissingDirectory {
            path: path.to_path_buf(),
            dir: shown.to_path_buf(),
        },
        Some(libc::EACCES | libc::EPERM) => LogError::PermissionDenied {
            path: path.to_path_buf(),
            source: err,
        },
        _ => open_err(path, err),
    }
}

/// Refuses directory `dir` (shown as `shown`) if another user could modify
/// it; `holds_log` for the directory the log itself is in.
fn check_dir(
    dir: BorrowedFd<'_>,
    path: &Path,
    shown: &Path,
    holds_log: bool,
) -> Result<(), LogError> {
    let st = stat_fd(dir).map_err(|e| open_err(path, e))?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    match unsafe_dir_reason(st.st_uid, st.st_gid, st.st_mode, me, holds_log) {
        None => Ok(()),
        Some(reason) => Err(LogError::UnsafeDirectory {
            path: path.to_path_buf(),
            dir: shown.to_path_buf(),
            reason,
        }),
    }
}

/// Groups below this are the system's (Debian's and Ubuntu's
/// `SYS_GID_MAX` is 999), not people's.
const SYSTEM_GID_MAX: u32 = 1000;

/// Why a directory owned by `owner`:`group` with `mode` is unsafe to hold a
/// log written by user `me`, if it is (the rule in the module docs): owned
/// by someone other than root and `me`, or writable by group or others
/// without the sticky bit.
fn unsafe_dir_reason(
    owner: u32,
    group: u32,
    mode: u32,
    me: u32,
    holds_log: bool,
) -> Option<String> {
    if owner != 0 && owner != me {
        return Some(format!("is owned by uid {owner}"));
    }
    if mode & libc::S_ISVTX != 0 {
        return None;
    }
    if mode & 0o002 != 0 {
        return Some("is writable by everyone without the sticky bit".into());
    }
    // Above the log's own directory, a root directory writable by a system
    // group (Ubuntu's /var/log is root:syslog 0775) is tolerated: that
    // group can only swap entries for ones it owns or for other root
    // directories, and every directory below is checked again.
    if !holds_log && owner == 0 && group < SYSTEM_GID_MAX {
        return None;
    }
    if mode & 0o020 != 0 {
        return Some(format!(
            "is writable by its group (gid {group}) without the sticky bit"
        ));
    }
    None
}

/// The kind of file `mode` describes, unless it is a regular file.
fn special_kind(mode: u32) -> Option<&'static str> {
    match mode & libc::S_IFMT {
        libc::S_IFREG => None,
        libc::S_IFDIR => Some("a directory"),
        libc::S_IFIFO => Some("a FIFO (named pipe)"),
        libc::S_IFCHR => Some("a character device"),
        libc::S_IFBLK => Some("a block device"),
        libc::S_IFSOCK => Some("a socket"),
        libc::S_IFLNK => Some("a symbolic link"),
        _ => Some("a special file"),
    }
}

/// Refuses anything but a regular file at `shown`.
fn require_regular(mode: u32, path: &Path, shown: &Path) -> Result<(), LogError> {
    if mode & libc::S_IFMT == libc::S_IFLNK {
        return Err(LogError::Symlink {
            path: path.to_path_buf(),
            link: shown.to_path_buf(),
        });
    }
    match special_kind(mode) {
        None => Ok(()),
        Some(kind) => Err(LogError::NotRegularFile {
            path: shown.to_path_buf(),
            kind,
        }),
    }
}

/// Opens regular file `name` in `dir` for read + append, creating it with
/// `mode`: refuses a symlink or special file before opening it (opening a
/// device can have side effects), then re-checks on the descriptor, so a
/// swap between the two checks is still caught.
fn open_regular_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    dir_shown: &Path,
    mode: u32,
    resolver: Resolver,
) -> Result<File, LogError> {
    let shown = dir_shown.join(OsStr::from_bytes(name.to_bytes()));
    if let Ok(st) = stat_at(dir, name) {
        require_regular(st.st_mode, path, &shown)?;
    }
    // Missing (we create it) or not inspectable: the open says precisely.
    open_checked_at(dir, name, path, dir_shown, mode, resolver)
}

/// The open of [`open_regular_at`] without its pre-check: never blocks on
/// a FIFO, never follows a symlink, insists on a regular file.
fn open_checked_at(
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    dir_shown: &Path,
    mode: u32,
    resolver: Resolver,
) -> Result<File, LogError> {
    let shown = dir_shown.join(OsStr::from_bytes(name.to_bytes()));
    let flags = libc::O_RDWR | libc::O_APPEND | libc::O_CREAT | libc::O_NONBLOCK | libc::O_NOCTTY;
    let fd = open_step(dir, name, flags, mode, resolver)
        .map_err(|err| file_open_error(err, dir, name, path, &shown, dir_shown))?;
    let file = File::from(fd);
    let st = stat_fd(file.as_fd()).map_err(|e| open_err(path, e))?;
    require_regular(st.st_mode, path, &shown)?;
    clear_nonblocking(&file).map_err(|source| open_err(path, source))?;
    Ok(file)
}

fn file_open_error(
    err: io::Error,
    dir: BorrowedFd<'_>,
    name: &CStr,
    path: &Path,
    shown: &Path,
    dir_shown: &Path,
) -> LogError {
    let mode_now = stat_at(dir, name).ok().map(|st| st.st_mode);
    match err.raw_os_error() {
        Some(libc::ELOOP) => LogError::Symlink {
            path: path.to_path_buf(),
            link: shown.to_path_buf(),
        },
        Some(libc::EISDIR | libc::ENXIO | libc::ENODEV | libc::ETXTBSY) => {
            match mode_now.and_then(special_kind) {
                Some(kind) => LogError::NotRegularFile {
                    path: shown.to_path_buf(),
                    kind,
                },
                None => open_err(path, err),
            }
        }
        Some(libc::EACCES | libc::EPERM) => LogError::PermissionDenied {
            path: path.to_path_buf(),
            source: err,
        },
        Some(libc::ENOENT) => LogError::MissingDirectory {
            path: path.to_path_buf(),
            dir: dir_shown.to_path_buf(),
        },
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

/// Whether `name` in `dir` is (still) `file`: not removed, renamed or
/// replaced. Does not follow a symlink at `name`.
fn names_file(dir: BorrowedFd<'_>, name: &CStr, file: &File) -> io::Result<bool> {
    let ours = file.metadata()?;
    match stat_at(dir, name) {
        Ok(named) => Ok(named.st_dev == ours.dev() && named.st_ino == ours.ino()),
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
pub(crate) fn flock_holder(table: &str, dev: u64, ino: u64) -> Option<u32> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::OpenOptions;
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

    /// Opens `path` as the log's file without the pre-check on its name.
    fn open_checked(path: &Path) -> Result<File, LogError> {
        let (dir, shown, name) = open_parent(path, Resolver::detect())?;
        open_checked_at(
            dir.as_fd(),
            &name,
            path,
            &shown,
            CREATE_MODE,
            Resolver::detect(),
        )
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
            matches!(&err, LogError::Symlink { path, link: named } if *path == link && *named == link),
            "{err:?}"
        );
        assert!(err.to_string().contains(&*link.to_string_lossy()), "{err}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");

        // The descriptor-level guard alone refuses it too.
        let err = open_checked(&link).unwrap_err();
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
        assert!(!dir.join("fifo.lock").exists(), "a lock file beside a FIFO");
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
        let err = open_checked(&fifo).unwrap_err();
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

        let (events, stats) = crate::watch::read::json_objects(&path).unwrap();
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

        // The first writer followed the rename too (its second line is in
        // the new file), and the waiter's lines come after it.
        assert_eq!(lines_of(&rotated), vec![event("first", 0)]);
        assert_eq!(lines_of(&path), vec![event("first", 1), event("second", 0)]);
    }

    /// `target`, relative to the current directory (`../..` up to `/`).
    fn relative_to_cwd(target: &Path) -> PathBuf {
        let cwd = std::env::current_dir().unwrap();
        let mut rel = PathBuf::new();
        for _ in cwd.components().skip(1) {
            rel.push("..");
        }
        rel.join(target.strip_prefix("/").unwrap())
    }

    #[test]
    fn a_symlink_in_any_directory_of_the_path_is_refused() {
        let dir = Scratch::new("parent-link");
        let private = dir.join("private");
        fs::create_dir(&private).unwrap();
        fs::set_permissions(&private, fs::Permissions::from_mode(0o700)).unwrap();
        fs::create_dir(private.join("deeper")).unwrap();
        let link = dir.join("x");
        std::os::unix::fs::symlink(&private, &link).unwrap();

        for path in [
            link.join("events.jsonl"),
            link.join("deeper").join("events.jsonl"),
            relative_to_cwd(&link.join("events.jsonl")),
        ] {
            let err = EventLog::open(&path, Duration::ZERO).unwrap_err();
            assert!(
                matches!(&err, LogError::Symlink { .. }),
                "{path:?}: {err:?}"
            );
            // The message names the symlinked directory, not just the file.
            let text = err.to_string();
            assert!(text.contains("/x"), "{text}");
            assert!(text.contains("symbolic link"), "{text}");
        }
        assert!(!private.join("events.jsonl").exists());
        assert!(!private.join("deeper").join("events.jsonl").exists());
        assert!(!private.join("events.jsonl.lock").exists());
    }

    #[test]
    fn both_resolvers_refuse_a_symlinked_directory_and_accept_a_plain_path() {
        let dir = Scratch::new("resolvers");
        fs::create_dir(dir.join("real")).unwrap();
        std::os::unix::fs::symlink(dir.join("real"), dir.join("link")).unwrap();
        for resolver in [Resolver::Openat2, Resolver::NoFollow] {
            let linked = dir.join("link").join("events.jsonl");
            let err = EventLog::open_with(&linked, Duration::ZERO, resolver).unwrap_err();
            match &err {
                LogError::Symlink { link, .. } => assert_eq!(*link, dir.join("link")),
                other => panic!("{resolver:?}: expected Symlink, got {other:?}"),
            }
            // The final component too.
            std::os::unix::fs::symlink(dir.join("real/x"), dir.join("real/final.jsonl")).ok();
            let err = EventLog::open_with(&dir.join("real/final.jsonl"), Duration::ZERO, resolver)
                .unwrap_err();
            assert!(
                matches!(err, LogError::Symlink { .. }),
                "{resolver:?}: {err:?}"
            );
            assert!(!dir.join("real/x").exists());

            let plain = dir.join("real").join("events.jsonl");
            let mut log = EventLog::open_with(&plain, Duration::ZERO, resolver).unwrap();
            log.append(&event(&format!("{resolver:?}"), 0)).unwrap();
        }
        assert!(!dir.join("real").join("events.jsonl.lock").is_symlink());
        assert_eq!(
            lines_of(&dir.join("real").join("events.jsonl")),
            vec![event("Openat2", 0), event("NoFollow", 0)]
        );
    }

    #[test]
    fn the_unsafe_directory_rule() {
        let me = 1000;
        // Root's and my own directories, not writable by others: fine.
        assert_eq!(unsafe_dir_reason(0, 0, 0o040755, me, true), None);
        assert_eq!(unsafe_dir_reason(me, 100, 0o040700, me, true), None);
        assert_eq!(unsafe_dir_reason(0, 4, 0o040750, me, true), None);
        // Sticky and world-writable, owned by root (like /tmp): fine.
        assert_eq!(unsafe_dir_reason(0, 0, 0o041777, me, true), None);
        assert_eq!(unsafe_dir_reason(0, 0, 0o041770, me, true), None);
        // Writable by others without the sticky bit.
        let world = unsafe_dir_reason(0, 0, 0o040777, me, true).unwrap();
        assert!(world.contains("everyone"), "{world}");
        assert!(unsafe_dir_reason(0, 0, 0o040757, me, true).is_some());
        let group = unsafe_dir_reason(0, 104, 0o040775, me, true).unwrap();
        assert!(group.contains("gid 104"), "{group}");
        assert!(unsafe_dir_reason(me, 0, 0o040770, me, true).is_some());
        // Another user's directory, sticky or not.
        let other = unsafe_dir_reason(1001, 1001, 0o040755, me, true).unwrap();
        assert_eq!(other, "is owned by uid 1001");
        assert!(unsafe_dir_reason(1001, 0, 0o041777, me, true).is_some());
        // Above the log's directory, a root directory writable by a system
        // group (Ubuntu's /var/log, root:syslog 0775) is tolerated; by a
        // people's group, or by everyone, or the log's own, it is not.
        assert_eq!(unsafe_dir_reason(0, 104, 0o040775, me, false), None);
        assert!(unsafe_dir_reason(0, 1001, 0o040775, me, false).is_some());
        assert!(unsafe_dir_reason(0, 104, 0o040777, me, false).is_some());
        assert!(unsafe_dir_reason(1001, 104, 0o040775, me, false).is_some());
        // Root trusts only root's directories.
        assert!(unsafe_dir_reason(1000, 1000, 0o040700, 0, true).is_some());
    }

    #[test]
    fn a_waiter_starts_over_on_a_replaced_lock_file() {
        let dir = Scratch::new("lock-replaced");
        let path = dir.join("events.jsonl");
        let lock = dir.join("events.jsonl.lock");
        let mut first = EventLog::open(&path, Duration::ZERO).unwrap();
        first.append(&event("first", 0)).unwrap();
        let waiter_path = path.clone();
        let waiter = thread::spawn(move || {
            let mut second = EventLog::open(&waiter_path, Duration::from_secs(60))?;
            second.append(&event("second", 0))?;
            Ok::<_, LogError>(second)
        });
        thread::sleep(Duration::from_millis(200));
        fs::remove_file(&lock).unwrap();
        drop(first);
        let second = waiter.join().expect("writer thread").unwrap();
        // The waiter holds the lock file the name denotes now (had it kept
        // the removed one, this third writer would get in beside it).
        assert!(lock.exists());
        let err = EventLog::open(&path, Duration::ZERO).unwrap_err();
        assert!(matches!(err, LogError::Busy { .. }), "{err:?}");
        drop(second);
        assert_eq!(lines_of(&path), vec![event("first", 0), event("second", 0)]);
    }

    #[test]
    fn a_relative_path_without_symlinks_is_fine() {
        let dir = Scratch::new("relative");
        let path = relative_to_cwd(&dir.join("events.jsonl"));
        let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
        log.append(&event("rel", 0)).unwrap();
        drop(log);
        assert_eq!(lines_of(&dir.join("events.jsonl")), vec![event("rel", 0)]);
    }

    #[test]
    fn a_directory_others_can_write_to_is_refused_unless_sticky() {
        let dir = Scratch::new("unsafe-dir");
        let open = |mode: u32, name: &str| {
            let sub = dir.join(name);
            fs::create_dir(&sub).unwrap();
            fs::set_permissions(&sub, fs::Permissions::from_mode(mode)).unwrap();
            (
                sub.clone(),
                EventLog::open(&sub.join("events.jsonl"), Duration::ZERO),
            )
        };
        for (mode, name) in [(0o777, "world"), (0o775, "group"), (0o757, "other")] {
            let (sub, result) = open(mode, name);
            let err = result.unwrap_err();
            let text = err.to_string();
            assert!(text.contains(&*sub.to_string_lossy()), "{mode:o}: {text}");
            assert!(text.contains("sticky"), "{mode:o}: {text}");
            assert_eq!(err.exit_code(), ExitCode::PermissionDenied, "{mode:o}");
            assert!(!sub.join("events.jsonl").exists(), "{mode:o}");
            // An unsafe directory above the log's own directory counts too,
            // except root's own one writable by a system group (gid 0 here,
            // when the test runs as root): that is Ubuntu's /var/log.
            fs::create_dir(sub.join("inner")).unwrap();
            let deeper = sub.join("inner").join("events.jsonl");
            // SAFETY: geteuid has no preconditions.
            let root = unsafe { libc::geteuid() } == 0;
            if name == "group" && root {
                EventLog::open(&deeper, Duration::ZERO).unwrap();
            } else {
                let err = EventLog::open(&deeper, Duration::ZERO).unwrap_err();
                assert!(err.to_string().contains(&*sub.to_string_lossy()), "{err}");
            }
        }
        // Sticky (like /tmp) and owner-only directories are fine.
        for (mode, name) in [(0o1777, "sticky"), (0o755, "plain"), (0o700, "private")] {
            let (_, result) = open(mode, name);
            result.unwrap_or_else(|e| panic!("{mode:o}: {e}"));
        }
    }

    #[test]
    fn a_directory_owned_by_another_user_is_refused_even_if_sticky() {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: needs root to give a directory to another user");
            return;
        }
        let dir = Scratch::new("other-owner");
        for (mode, name) in [(0o755, "plain"), (0o1777, "sticky")] {
            let sub = dir.join(name);
            fs::create_dir(&sub).unwrap();
            fs::set_permissions(&sub, fs::Permissions::from_mode(mode)).unwrap();
            std::os::unix::fs::chown(&sub, Some(65534), Some(65534)).unwrap();
            let err = EventLog::open(&sub.join("events.jsonl"), Duration::ZERO).unwrap_err();
            let text = err.to_string();
            assert!(text.contains("owned by uid 65534"), "{mode:o}: {text}");
            assert!(!sub.join("events.jsonl").exists());
        }
    }

    #[test]
    fn a_rotated_log_is_reopened_before_the_next_append() {
        let dir = Scratch::new("rotate-live");
        let path = dir.join("events.jsonl");
        let rotated = dir.join("events.jsonl.1");
        let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
        log.append(&event("a", 0)).unwrap();
        // logrotate `create`: rename, then a new empty file at the path.
        fs::rename(&path, &rotated).unwrap();
        fs::write(&path, "").unwrap();
        log.append(&event("a", 1)).unwrap();
        // Renamed without a replacement: the writer creates the file.
        fs::rename(&path, dir.join("events.jsonl.2")).unwrap();
        log.append(&event("a", 2)).unwrap();
        // Removed outright.
        fs::remove_file(&path).unwrap();
        log.append(&event("a", 3)).unwrap();
        assert_eq!(lines_of(&rotated), vec![event("a", 0)]);
        assert_eq!(lines_of(&dir.join("events.jsonl.2")), vec![event("a", 1)]);
        assert_eq!(lines_of(&path), vec![event("a", 3)]);
        assert_eq!(log.dropped(), 0);
    }

    #[test]
    fn a_rotation_that_plants_a_symlink_is_refused() {
        let dir = Scratch::new("rotate-link");
        let path = dir.join("events.jsonl");
        let target = dir.join("target");
        fs::write(&target, "precious\n").unwrap();
        let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
        log.append(&event("a", 0)).unwrap();
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        let err = log.append(&event("a", 1)).unwrap_err();
        assert!(matches!(err, LogError::Symlink { .. }), "{err:?}");
        assert!(!err.is_transient());
        assert_eq!(log.dropped(), 1);
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");
    }

    #[test]
    fn a_copytruncated_log_continues_at_its_new_end() {
        let dir = Scratch::new("copytruncate");
        let path = dir.join("events.jsonl");
        let mut log = EventLog::open(&path, Duration::ZERO).unwrap();
        log.append(&event("a", 0)).unwrap();
        log.append(&event("a", 1)).unwrap();
        // logrotate `copytruncate`: copy, then truncate the same inode.
        fs::copy(&path, dir.join("events.jsonl.1")).unwrap();
        OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        log.append(&event("a", 2)).unwrap();
        // No hole of NUL bytes where the old lines were.
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{}\n", event("a", 2))
        );
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
    fn messages_are_one_line_and_name_the_cause() {
        let path = PathBuf::from("/var/log/wifidiag/events.jsonl");
        let os = io::Error::from_raw_os_error;
        let errors = [
            LogError::Symlink {
                path: path.clone(),
                link: PathBuf::from("/var/log/wifidiag"),
            },
            LogError::UnsafeDirectory {
                path: path.clone(),
                dir: PathBuf::from("/var/log"),
                reason: "is owned by uid 1000".into(),
            },
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
        assert!(errors[0]
            .to_string()
            .contains("/var/log/wifidiag is a symbolic link"));
        assert!(errors[1]
            .to_string()
            .contains("directory /var/log is owned by uid 1000"));
        assert!(errors[3].to_string().contains("(pid 4242)"));
        assert!(errors[3].to_string().contains("1s 500ms"));
        assert!(errors[5]
            .to_string()
            .contains("run as root or choose a writable --log path"));
        assert!(errors[10]
            .to_string()
            .starts_with("disk full while appending to"));
        assert!(errors[11].to_string().starts_with("short write (disk full"));
        assert_eq!(errors[5].exit_code(), ExitCode::PermissionDenied);
        assert_eq!(errors[1].exit_code(), ExitCode::PermissionDenied);
        assert_eq!(errors[3].exit_code(), ExitCode::LogBusy);
        assert_eq!(errors[10].exit_code(), ExitCode::Failure);
        // Only the write failures a full disk causes are worth waiting out.
        let transient: Vec<bool> = errors.iter().map(LogError::is_transient).collect();
        let mut expected = vec![false; errors.len()];
        expected[10] = true;
        expected[11] = true;
        assert_eq!(transient, expected);
        for errno in [libc::ENOSPC, libc::EDQUOT, libc::EFBIG, libc::EIO] {
            let write = LogError::Write {
                path: path.clone(),
                source: os(errno),
            };
            assert!(write.is_transient(), "{write}");
            // Reopening a rotated log on a full disk fails the same way.
            let open = LogError::Open {
                path: path.clone(),
                source: os(errno),
            };
            assert!(open.is_transient(), "{open}");
        }
        for errno in [libc::EBADF, libc::EROFS, libc::EINVAL] {
            let write = LogError::Write {
                path: path.clone(),
                source: os(errno),
            };
            assert!(!write.is_transient(), "{write}");
        }
    }
}
