//! Reading `--log` files back: typed, streamed, lenient, bounded.
//!
//! A log is JSON Lines of [`Record`]s, written by [`super::log`]. It is read
//! back into the very type that was written ([`LineParse`], one pass, no
//! intermediate JSON value) and handed out one record at a time, so the
//! reader's memory does not grow with the file.
//!
//! # Schema evolution
//!
//! Every line carries `"schema":"wifidiag.event/1"`. The major number
//! changes only when an existing field changes meaning or type; new kinds and
//! new fields keep `/1`. So a reader of this version:
//!
//! - uses every `wifidiag.event/1` line whose kind it knows, **skipping
//!   fields it does not know** (counted in [`ReadStats::unknown_fields`]);
//! - skips and counts lines of a **kind it does not know**
//!   ([`ReadStats::unknown_kind`]): a newer writer's;
//! - skips and counts JSON objects of **another schema**, or of none
//!   ([`ReadStats::other_schema`]): a `/2` log, or another program's lines;
//! - skips and counts **invalid** lines: our schema and a known kind, but a
//!   field of the wrong type or missing (`"reason":"3"`, `1e20` for a
//!   count) ([`ReadStats::invalid`], with the first line number);
//! - skips and counts **corrupt** lines: not a JSON object at all (torn by a
//!   crash, garbage, invalid UTF-8, over [`MAX_LINE_BYTES`]).
//!
//! None of these is fatal; only an I/O error ends the read.

use super::event::{LineParse, Record};
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Lines longer than this are counted as corrupt without being held in
/// memory (an event is a few hundred bytes; an outage with evidence a few
/// kilobytes).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// What the reader found, line by line.
///
/// `lines == events + blank + corrupt + invalid + other_schema +
/// unknown_kind` always holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReadStats {
    /// Lines read, counting a final line without `\n`.
    pub lines: u64,
    /// `wifidiag.event/1` records used.
    pub events: u64,
    /// Empty or whitespace-only lines.
    pub blank: u64,
    /// Not a JSON object (torn, garbage, invalid UTF-8, over-long).
    pub corrupt: u64,
    /// Our schema and a known kind, but fields of the wrong type or missing.
    pub invalid: u64,
    /// JSON objects of another schema, or with none.
    pub other_schema: u64,
    /// Our schema, a kind this version does not know.
    pub unknown_kind: u64,
    /// Records used although they had fields this version does not know.
    pub unknown_fields: u64,
    /// 1-based number of the first corrupt line.
    pub first_corrupt_line: Option<u64>,
    /// 1-based number of the first invalid line.
    pub first_invalid_line: Option<u64>,
    /// The first foreign schema seen (`null` when the objects had none).
    pub first_other_schema: Option<String>,
}

impl ReadStats {
    /// Folds in the counts of the part of the same file that follows this
    /// one: its line numbers continue this part's.
    pub fn append(&mut self, later: &ReadStats) {
        let offset = self.lines;
        let shift = |n: Option<u64>| n.map(|n| n + offset);
        let mut later = later.clone();
        later.first_corrupt_line = shift(later.first_corrupt_line);
        later.first_invalid_line = shift(later.first_invalid_line);
        self.add(&later);
    }

    /// Folds another reader's counts in (a second file).
    pub fn add(&mut self, other: &ReadStats) {
        self.lines += other.lines;
        self.events += other.events;
        self.blank += other.blank;
        self.corrupt += other.corrupt;
        self.invalid += other.invalid;
        self.other_schema += other.other_schema;
        self.unknown_kind += other.unknown_kind;
        self.unknown_fields += other.unknown_fields;
        self.first_corrupt_line = self.first_corrupt_line.or(other.first_corrupt_line);
        self.first_invalid_line = self.first_invalid_line.or(other.first_invalid_line);
        if self.first_other_schema.is_none() {
            self.first_other_schema
                .clone_from(&other.first_other_schema);
        }
    }

    /// Lines skipped for any reason but blankness.
    pub fn skipped(&self) -> u64 {
        self.corrupt + self.invalid + self.other_schema + self.unknown_kind
    }
}

/// Streams the records of one log.
pub struct LogReader<R> {
    reader: R,
    line: Vec<u8>,
    stats: ReadStats,
}

impl<R: BufRead> LogReader<R> {
    pub fn new(reader: R) -> LogReader<R> {
        LogReader {
            reader,
            line: Vec::with_capacity(1024),
            stats: ReadStats::default(),
        }
    }

    /// The next record, skipping (and counting) every line that is not one.
    /// `Ok(None)` at the end of the input.
    pub fn next_record(&mut self) -> io::Result<Option<Record>> {
        loop {
            // Most lines lie whole in the reader's buffer: parse them there.
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(None);
            }
            if let Some(end) = buf.iter().position(|&b| b == b'\n') {
                let record = classify(&mut self.stats, &buf[..end], end > MAX_LINE_BYTES);
                self.reader.consume(end + 1);
                if record.is_some() {
                    return Ok(record);
                }
                continue;
            }
            // A line longer than what is buffered, or the last one without
            // a newline: gathered (at most MAX_LINE_BYTES of it) first.
            let Some(overlong) = next_line(&mut self.reader, &mut self.line, MAX_LINE_BYTES)?
            else {
                return Ok(None);
            };
            if let Some(record) = classify(&mut self.stats, &self.line, overlong) {
                return Ok(Some(record));
            }
        }
    }

    pub fn stats(&self) -> &ReadStats {
        &self.stats
    }
}

/// Counts one line in `stats` and returns its record, if it is one.
fn classify(stats: &mut ReadStats, line: &[u8], overlong: bool) -> Option<Record> {
    stats.lines += 1;
    let n = stats.lines;
    let corrupt = |stats: &mut ReadStats| {
        stats.corrupt += 1;
        stats.first_corrupt_line.get_or_insert(n);
        None
    };
    let other = |stats: &mut ReadStats, schema: Option<String>| {
        stats.other_schema += 1;
        if stats.first_other_schema.is_none() {
            stats.first_other_schema = schema;
        }
        None
    };
    let text = line.trim_ascii();
    if overlong {
        return corrupt(stats);
    }
    if text.is_empty() {
        stats.blank += 1;
        return None;
    }
    // The whole line is checked once (strings a reader skips would not be),
    // so invalid UTF-8 is always corrupt and the parser need not check each
    // string again.
    let Ok(text) = std::str::from_utf8(text) else {
        return corrupt(stats);
    };
    match serde_json::from_str::<LineParse>(text) {
        Ok(LineParse::Event {
            record,
            unknown_fields,
        }) => {
            stats.events += 1;
            stats.unknown_fields += u64::from(unknown_fields > 0);
            Some(record)
        }
        Ok(LineParse::OtherSchema { schema }) => other(stats, schema),
        Ok(LineParse::UnknownKind { .. }) => {
            stats.unknown_kind += 1;
            None
        }
        // An object whose fields did not fit: ours, or another program's
        // that happens to have a `kind`?
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            match schema_of(text.as_bytes()) {
                Some(Some(s)) if s == super::event::SCHEMA => {
                    stats.invalid += 1;
                    stats.first_invalid_line.get_or_insert(n);
                    None
                }
                Some(schema) => other(stats, schema),
                None => corrupt(stats),
            }
        }
        Err(_) => corrupt(stats),
    }
}

/// `Some(schema)` when `text` is a JSON object (`schema` its string
/// `schema` field, if any); `None` when it is not an object.
fn schema_of(text: &[u8]) -> Option<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Head {
        schema: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_slice(text).ok()?;
    Some(head.schema.and_then(|v| v.as_str().map(str::to_string)))
}

/// Why a log could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("cannot read {path}: permission denied (the log is readable by its owner and group: run as root or as a member of the log's group)")]
    Permission { path: String },
    #[error("refusing to read {path}: it is {what}, not a regular file (a log written by watch --log is one)")]
    NotRegular { path: String, what: &'static str },
}

impl OpenError {
    pub fn exit_code(&self) -> crate::ExitCode {
        match self {
            OpenError::Permission { .. } => crate::ExitCode::PermissionDenied,
            OpenError::NotRegular { .. } => crate::ExitCode::Usage,
            OpenError::Io { .. } => crate::ExitCode::Failure,
        }
    }
}

/// The logs to read for `report FILE|DIR…`: each directory is replaced by
/// the files directly in it (not below), sorted by name, so a directory of
/// logs collected from many laptops is read in one go. Left out of a
/// directory: hidden files (a metrics file's temporary), `FILE.lock` (the
/// writer's lock), compressed rotations (`.gz`, `.xz`, `.zst`, `.bz2`:
/// counted in the second value, to be said) and anything not a regular
/// file. A path given by name is kept as it is (and refused later if it is
/// not a regular file).
pub fn expand_dirs(
    paths: &[std::path::PathBuf],
) -> Result<(Vec<std::path::PathBuf>, usize), OpenError> {
    let mut out = Vec::new();
    let mut compressed = 0;
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let shown = path.display().to_string();
        let entries = std::fs::read_dir(path).map_err(|source| match source.kind() {
            io::ErrorKind::PermissionDenied => OpenError::Permission {
                path: shown.clone(),
            },
            _ => OpenError::Io {
                path: shown.clone(),
                source,
            },
        })?;
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let regular = entry.file_type().is_ok_and(|t| t.is_file());
            if !regular || name.starts_with('.') || name.ends_with(".lock") {
                continue;
            }
            if [".gz", ".xz", ".zst", ".bz2"]
                .iter()
                .any(|x| name.ends_with(x))
            {
                compressed += 1;
                continue;
            }
            files.push(entry.path());
        }
        files.sort();
        out.extend(files);
    }
    Ok((out, compressed))
}

/// Opens a log for reading: a regular file only. A FIFO would block and a
/// device such as `/dev/zero` never ends, so both are refused before a byte
/// is read (the open itself is non-blocking, so a FIFO cannot hang it).
pub fn open(path: &Path) -> Result<LogReader<BufReader<File>>, OpenError> {
    let (file, _) = open_regular(path)?;
    Ok(LogReader::new(BufReader::with_capacity(1 << 16, file)))
}

/// The file and its size, if it is a regular file.
fn open_regular(path: &Path) -> Result<(File, u64), OpenError> {
    let shown = path.display().to_string();
    let io = |source: io::Error| OpenError::Io {
        path: shown.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|source| match source.kind() {
            io::ErrorKind::PermissionDenied => OpenError::Permission {
                path: shown.clone(),
            },
            _ => io(source),
        })?;
    let meta = file.metadata().map_err(io)?;
    let kind = meta.file_type();
    let what = if kind.is_file() {
        return Ok((file, meta.len()));
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(OpenError::NotRegular { path: shown, what })
}

/// Files smaller than this are read by one thread.
const PARALLEL_MIN_BYTES: u64 = 8 << 20;

/// Reads every record of the log at `path`, folding each into a state of
/// its own per part of the file: a large file is cut into as many parts as
/// there are CPUs (at most 4), at line boundaries, read side by side. The
/// states come back in file order with their parts' line counts, for the
/// caller to merge ([`ReadStats::append`] keeps line numbers right).
pub fn fold_file<S: Send>(
    path: &Path,
    init: impl Fn() -> S + Sync,
    fold: impl Fn(&mut S, Record) + Sync,
) -> Result<Vec<(S, ReadStats)>, FoldError> {
    fold_parts(path, None, init, fold)
}

/// [`fold_file`] with the number of parts chosen (tests), or by size.
fn fold_parts<S: Send>(
    path: &Path,
    parts: Option<u64>,
    init: impl Fn() -> S + Sync,
    fold: impl Fn(&mut S, Record) + Sync,
) -> Result<Vec<(S, ReadStats)>, FoldError> {
    let (file, size) = open_regular(path)?;
    let cpus = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4) as u64;
    let parts = parts.unwrap_or(if size >= PARALLEL_MIN_BYTES { cpus } else { 1 });
    let bounds = line_bounds(&file, size, parts)
        .map_err(|e| FoldError::Read(path.display().to_string(), e))?;
    let read_part = |file: &File, (start, end): (u64, u64)| -> io::Result<(S, ReadStats)> {
        // pread at a position of its own: the parts share one descriptor
        // (a dup would share its offset too).
        let part = Part {
            file,
            pos: start,
            end,
        };
        let mut reader = LogReader::new(BufReader::with_capacity(1 << 16, part));
        let mut state = init();
        while let Some(record) = reader.next_record()? {
            fold(&mut state, record);
        }
        Ok((state, reader.stats))
    };
    let results: Vec<io::Result<(S, ReadStats)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .windows(2)
            .skip(1)
            .map(|w| {
                let (file, read_part) = (&file, &read_part);
                scope.spawn(move || read_part(file, (w[0], w[1])))
            })
            .collect();
        // The first part on this thread, the others meanwhile.
        let mut all = vec![read_part(&file, (bounds[0], bounds[1]))];
        all.extend(handles.into_iter().map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(io::Error::other("a reader thread panicked")))
        }));
        all
    });
    results
        .into_iter()
        .collect::<io::Result<Vec<_>>>()
        .map_err(|e| FoldError::Read(path.display().to_string(), e))
}

/// The bytes `pos..end` of a file, read with `pread`.
struct Part<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl io::Read for Part<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let want = buf.len().min(self.end.saturating_sub(self.pos) as usize);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// Why [`fold_file`] failed.
#[derive(Debug, thiserror::Error)]
pub enum FoldError {
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("reading {0}: {1}")]
    Read(String, #[source] io::Error),
}

impl FoldError {
    pub fn exit_code(&self) -> crate::ExitCode {
        match self {
            FoldError::Open(e) => e.exit_code(),
            FoldError::Read(..) => crate::ExitCode::Failure,
        }
    }
}

/// `parts + 1` offsets cutting `0..size` into `parts` pieces that each
/// start at the beginning of a line (after a `\n`); pieces may be empty.
fn line_bounds(file: &File, size: u64, parts: u64) -> io::Result<Vec<u64>> {
    use std::os::unix::fs::FileExt;
    let mut bounds = vec![0];
    let mut buf = vec![0u8; 64 << 10];
    for i in 1..parts {
        let mut at = (size * i / parts).max(*bounds.last().unwrap_or(&0));
        // The piece starts after the first newline at or after `at - 1`.
        at = at.saturating_sub(1);
        let start = loop {
            let n = file.read_at(&mut buf, at)?;
            if n == 0 {
                break size;
            }
            if let Some(p) = buf[..n].iter().position(|&b| b == b'\n') {
                break at + p as u64 + 1;
            }
            at += n as u64;
        };
        bounds.push(start.min(size));
    }
    bounds.push(size);
    Ok(bounds)
}

/// How [`json_objects`] classified the lines of a file.
///
/// `lines == objects + corrupt + blank` always holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObjectCounts {
    pub lines: u64,
    /// Lines that are one JSON object.
    pub objects: u64,
    /// Lines that are not (torn, garbage, invalid UTF-8, over-long).
    pub corrupt: u64,
    pub blank: u64,
    /// 1-based number of the first corrupt line.
    pub first_corrupt_line: Option<u64>,
}

/// Every line of a file that is one JSON object, as a value, whatever its
/// schema or kind: for checking the file itself (the log writer's
/// guarantees: whole lines, nothing torn), not what it means.
pub fn json_objects(path: &Path) -> io::Result<(Vec<serde_json::Value>, ObjectCounts)> {
    let mut reader = BufReader::new(File::open(path)?);
    let mut values = Vec::new();
    let mut counts = ObjectCounts::default();
    let mut line = Vec::new();
    while let Some(overlong) = next_line(&mut reader, &mut line, MAX_LINE_BYTES)? {
        counts.lines += 1;
        let text = line.trim_ascii();
        match serde_json::from_slice::<serde_json::Value>(text) {
            _ if text.is_empty() && !overlong => counts.blank += 1,
            Ok(v) if v.is_object() && !overlong => {
                values.push(v);
                counts.objects += 1;
            }
            _ => {
                counts.corrupt += 1;
                counts.first_corrupt_line.get_or_insert(counts.lines);
            }
        }
    }
    Ok((values, counts))
}

/// Reads the next line (without its `\n`) into `line`, keeping at most `cap`
/// bytes. `None` at end of input, else `Some(true)` if the line was longer
/// than `cap` (then `line` holds only a prefix and must not be trusted).
pub(crate) fn next_line<R: BufRead>(
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
mod tests;
