//! Cross-process guarantees of the `--log` event log (`wifidiag::watch::log`).
//!
//! The properties that matter for cron are about *processes*: overlapping
//! runs, a run killed by a file-size limit. Each test therefore re-executes
//! this test binary as small child writers: `child_entry` does nothing in a
//! normal run, and plays the role named by `WIFIDIAG_EVENT_LOG_CHILD` when a
//! test spawns it. A child reports one `RESULT {json}` line on stdout.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};
use wifidiag::watch::log::{EventLog, LogError};
use wifidiag::watch::read::json_objects as read_events;

const ROLE: &str = "WIFIDIAG_EVENT_LOG_CHILD";
const PATH: &str = "WIFIDIAG_EVENT_LOG_PATH";
const ID: &str = "WIFIDIAG_EVENT_LOG_ID";
const LINES: &str = "WIFIDIAG_EVENT_LOG_LINES";
const WAIT_MS: &str = "WIFIDIAG_EVENT_LOG_WAIT_MS";
const FSIZE: &str = "WIFIDIAG_EVENT_LOG_FSIZE";
const LINE_LEN: usize = 100;

// ---------------------------------------------------------------- children

/// The child side. A no-op unless this binary was spawned as a child.
#[test]
fn child_entry() {
    let Ok(role) = env::var(ROLE) else {
        return;
    };
    let result = match role.as_str() {
        "writer" => child_writer(),
        "fsize" => child_fsize(),
        "fsize-resume" => child_fsize_resume(),
        other => json!({ "ok": false, "kind": "bad role", "message": other }),
    };
    println!("RESULT {result}");
    std::process::exit(0);
}

fn var<T: std::str::FromStr>(name: &str) -> T {
    env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("child needs {name}"))
}

fn kind(err: &LogError) -> &'static str {
    match err {
        LogError::Symlink { .. } => "Symlink",
        LogError::UnsafeDirectory { .. } => "UnsafeDirectory",
        LogError::NotRegularFile { .. } => "NotRegularFile",
        LogError::Busy { .. } => "Busy",
        LogError::PermissionDenied { .. } => "PermissionDenied",
        LogError::MissingDirectory { .. } => "MissingDirectory",
        LogError::Open { .. } => "Open",
        LogError::Lock { .. } => "Lock",
        LogError::InvalidEvent { .. } => "InvalidEvent",
        LogError::Write { .. } => "Write",
        LogError::WriteNotRolledBack { .. } => "WriteNotRolledBack",
    }
}

fn failure(err: &LogError, appended: usize) -> Value {
    let holder = match err {
        LogError::Busy { holder, .. } => *holder,
        _ => None,
    };
    json!({
        "ok": false,
        "kind": kind(err),
        "message": err.to_string(),
        "holder": holder,
        "appended": appended,
    })
}

/// A line of exactly `LINE_LEN` bytes including its newline.
fn padded_event(id: &str, seq: usize) -> String {
    let base =
        json!({ "writer": id, "pid": std::process::id(), "seq": seq, "pad": "" }).to_string();
    let pad = "x".repeat(LINE_LEN - 1 - base.len());
    let line =
        json!({ "writer": id, "pid": std::process::id(), "seq": seq, "pad": pad }).to_string();
    assert_eq!(line.len(), LINE_LEN - 1);
    line
}

/// Opens the log (waiting up to WAIT_MS) and appends LINES events slowly
/// enough that unserialised writers would interleave.
fn child_writer() -> Value {
    let path = PathBuf::from(var::<String>(PATH));
    let id: String = var(ID);
    let lines: usize = var(LINES);
    let wait = Duration::from_millis(var(WAIT_MS));
    let mut log = match EventLog::open(&path, wait) {
        Ok(log) => log,
        Err(err) => return failure(&err, 0),
    };
    for seq in 0..lines {
        if let Err(err) = log.append(&padded_event(&id, seq)) {
            return failure(&err, seq);
        }
        thread::sleep(Duration::from_millis(1));
    }
    json!({ "ok": true, "appended": lines, "repaired_tail": log.repaired_tail() })
}

/// Under RLIMIT_FSIZE = FSIZE bytes, appends until the log refuses.
fn child_fsize() -> Value {
    let path = PathBuf::from(var::<String>(PATH));
    let limit: u64 = var(FSIZE);
    // SAFETY: plain libc calls with valid arguments; the child is
    // single-purpose and exits right after.
    unsafe {
        // Without this, crossing the limit kills the process (SIGXFSZ)
        // instead of failing the write with EFBIG.
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        let lim = libc::rlimit {
            rlim_cur: limit as libc::rlim_t,
            rlim_max: limit as libc::rlim_t,
        };
        if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
            return json!({ "ok": false, "kind": "setrlimit", "message": std::io::Error::last_os_error().to_string() });
        }
    }
    let mut log = match EventLog::open(&path, Duration::ZERO) {
        Ok(log) => log,
        Err(err) => return failure(&err, 0),
    };
    for seq in 0..10_000 {
        if let Err(err) = log.append(&padded_event("fsize", seq)) {
            // The log stays usable: a second attempt fails cleanly too.
            let again = log
                .append(&padded_event("fsize", seq))
                .err()
                .map(|e| kind(&e));
            let mut result = failure(&err, seq);
            result["again"] = json!(again);
            return result;
        }
    }
    json!({ "ok": true, "appended": 10_000 })
}

/// Under a soft RLIMIT_FSIZE of FSIZE bytes, appends until the log refuses,
/// tries LINES more appends (all refused), then lifts the limit (as when
/// space is freed) and appends LINES more.
fn child_fsize_resume() -> Value {
    let path = PathBuf::from(var::<String>(PATH));
    let limit: u64 = var(FSIZE);
    let more: usize = var(LINES);
    let set_limit = |soft: libc::rlim_t| {
        let lim = libc::rlimit {
            rlim_cur: soft,
            rlim_max: libc::RLIM_INFINITY,
        };
        // SAFETY: `lim` is a valid rlimit for the call's duration.
        unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &lim) }
    };
    // SAFETY: ignoring SIGXFSZ turns the kill into an EFBIG write error.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    let mut log = match EventLog::open(&path, Duration::ZERO) {
        Ok(log) => log,
        Err(err) => return failure(&err, 0),
    };
    if set_limit(limit as libc::rlim_t) != 0 {
        return json!({ "ok": false, "kind": "setrlimit" });
    }
    let mut seq = 0;
    let first = loop {
        match log.append(&padded_event("resume", seq)) {
            Ok(()) => seq += 1,
            Err(err) => break err,
        }
        if seq > 10_000 {
            return json!({ "ok": false, "kind": "the limit never hit" });
        }
    };
    let written_before = seq;
    let mut refused = Vec::new();
    for _ in 0..more {
        seq += 1;
        refused.push(
            log.append(&padded_event("resume", seq))
                .err()
                .map(|e| (kind(&e), e.is_transient())),
        );
    }
    let dropped_while_full = log.dropped();
    if set_limit(libc::RLIM_INFINITY) != 0 {
        return json!({ "ok": false, "kind": "setrlimit" });
    }
    let mut resumed = 0;
    for _ in 0..more {
        seq += 1;
        if log.append(&padded_event("resume", seq)).is_ok() {
            resumed += 1;
        }
    }
    json!({
        "ok": true,
        "written_before": written_before,
        "first_kind": kind(&first),
        "first_transient": first.is_transient(),
        "refused": refused,
        "dropped_while_full": dropped_while_full,
        "dropped_at_end": log.dropped(),
        "resumed": resumed,
    })
}

// ------------------------------------------------------------------ parent

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = env::temp_dir().join(format!(
            "wifidiag-event-log-{}-{name}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn spawn_child(role: &str, path: &Path, vars: &[(&str, String)]) -> Child {
    Command::new(env::current_exe().expect("test binary path"))
        .args([
            "--exact",
            "child_entry",
            "--nocapture",
            "--test-threads=1",
            "--quiet",
        ])
        .env(ROLE, role)
        .env(PATH, path)
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child writer")
}

fn child_result(child: Child) -> Value {
    let out = child.wait_with_output().expect("wait for child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .unwrap_or_else(|| {
            panic!(
                "child printed no RESULT (status {:?}); stdout: {stdout}; stderr: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        });
    serde_json::from_str(line).expect("child RESULT is JSON")
}

#[test]
fn overlapping_runs_wait_for_each_other_and_never_interleave() {
    const CHILDREN: usize = 5;
    const EACH: usize = 40;
    let dir = Scratch::new("overlap");
    let path = dir.0.join("events.jsonl");

    // The parent is the run already in progress.
    let mut parent = EventLog::open(&path, Duration::ZERO).unwrap();
    parent
        .append(&json!({ "writer": "parent", "seq": 0 }).to_string())
        .unwrap();

    let mut children: Vec<Child> = (0..CHILDREN)
        .map(|i| {
            spawn_child(
                "writer",
                &path,
                &[
                    (ID, format!("child-{i}")),
                    (LINES, EACH.to_string()),
                    (WAIT_MS, "120000".into()),
                ],
            )
        })
        .collect();

    // While the parent holds the lock the children wait and log nothing.
    thread::sleep(Duration::from_millis(500));
    for child in &mut children {
        assert!(
            child.try_wait().unwrap().is_none(),
            "a child finished while the parent held the lock"
        );
    }
    parent
        .append(&json!({ "writer": "parent", "seq": 1 }).to_string())
        .unwrap();
    let (_, stats) = read_events(&path).unwrap();
    assert_eq!(
        stats.lines, 2,
        "children wrote while the parent held the lock"
    );
    drop(parent);

    for child in children {
        let result = child_result(child);
        assert_eq!(result["ok"], true, "{result}");
        assert_eq!(result["repaired_tail"], false, "{result}");
    }

    let (events, stats) = read_events(&path).unwrap();
    assert_eq!(stats.corrupt, 0, "{stats:?}");
    assert_eq!(stats.blank, 0, "{stats:?}");
    assert_eq!(stats.objects as usize, 2 + CHILDREN * EACH, "{stats:?}");
    assert!(fs::read(&path).unwrap().ends_with(b"\n"));

    // The parent's two lines first, then one contiguous run per child.
    let writers: Vec<&str> = events
        .iter()
        .map(|e| e["writer"].as_str().unwrap())
        .collect();
    assert_eq!(&writers[..2], ["parent", "parent"]);
    let mut runs: Vec<(&str, Vec<u64>)> = Vec::new();
    for event in &events[2..] {
        let writer = event["writer"].as_str().unwrap();
        let seq = event["seq"].as_u64().unwrap();
        match runs.last_mut() {
            Some((w, seqs)) if *w == writer => seqs.push(seq),
            _ => runs.push((writer, vec![seq])),
        }
    }
    let mut seen = BTreeMap::new();
    for (writer, seqs) in &runs {
        assert!(
            seen.insert(*writer, seqs.len()).is_none(),
            "{writer}'s lines are split into several runs (interleaved)"
        );
        let expected: Vec<u64> = (0..EACH as u64).collect();
        assert_eq!(
            seqs, &expected,
            "{writer}'s lines are incomplete or out of order"
        );
    }
    assert_eq!(seen.len(), CHILDREN, "runs: {seen:?}");
}

#[test]
fn a_run_that_cannot_get_the_lock_in_time_names_the_holder() {
    let dir = Scratch::new("busy");
    let path = dir.0.join("events.jsonl");
    let mut parent = EventLog::open(&path, Duration::ZERO).unwrap();
    parent
        .append(&json!({ "writer": "parent", "seq": 0 }).to_string())
        .unwrap();

    let child = spawn_child(
        "writer",
        &path,
        &[
            (ID, "late".into()),
            (LINES, "3".into()),
            (WAIT_MS, "300".into()),
        ],
    );
    let result = child_result(child);
    assert_eq!(result["ok"], false, "{result}");
    assert_eq!(result["kind"], "Busy", "{result}");
    assert_eq!(result["holder"], std::process::id(), "{result}");
    let message = result["message"].as_str().unwrap();
    assert!(message.contains(&*path.to_string_lossy()), "{message}");
    assert!(
        message.contains(&format!("(pid {})", std::process::id())),
        "{message}"
    );

    drop(parent);
    let (events, stats) = read_events(&path).unwrap();
    assert_eq!(
        (stats.lines, events.len()),
        (1, 1),
        "the late run wrote something"
    );
}

#[test]
fn a_short_write_at_the_size_limit_leaves_only_complete_lines() {
    let dir = Scratch::new("fsize");
    let path = dir.0.join("events.jsonl");
    // Ten lines fit; the eleventh crosses the limit half-way (short write).
    let limit = 10 * LINE_LEN + LINE_LEN / 2;
    let result = child_result(spawn_child("fsize", &path, &[(FSIZE, limit.to_string())]));
    assert_eq!(result["kind"], "Write", "{result}");
    assert_eq!(result["appended"], 10, "{result}");
    assert_eq!(result["again"], "Write", "{result}");
    let message = result["message"].as_str().unwrap();
    assert!(message.contains("file size limit"), "{message}");
    assert!(message.contains("earlier lines are intact"), "{message}");

    let bytes = fs::read(&path).unwrap();
    assert_eq!(
        bytes.len(),
        10 * LINE_LEN,
        "the partial line was not removed"
    );
    assert!(bytes.ends_with(b"\n"));
    let (events, stats) = read_events(&path).unwrap();
    assert_eq!((stats.lines, stats.objects, stats.corrupt), (10, 10, 0));
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (0..10).collect::<Vec<_>>());

    // A run starting at the limit: the write fails outright (EFBIG) and the
    // file, earlier runs' lines included, is untouched.
    let before = fs::read(&path).unwrap();
    let result = child_result(spawn_child(
        "fsize",
        &path,
        &[(FSIZE, before.len().to_string())],
    ));
    assert_eq!(result["kind"], "Write", "{result}");
    assert_eq!(result["appended"], 0, "{result}");
    assert!(
        result["message"]
            .as_str()
            .unwrap()
            .starts_with("file size limit reached"),
        "{result}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn a_run_killed_mid_line_is_fenced_off_by_the_next_run() {
    let dir = Scratch::new("torn");
    let path = dir.0.join("events.jsonl");
    let torn = format!(
        "{}\n{{\"writer\":\"killed\",\"se",
        padded_event("before", 0)
    );
    fs::write(&path, &torn).unwrap();

    let result = child_result(spawn_child(
        "writer",
        &path,
        &[
            (ID, "next".into()),
            (LINES, "2".into()),
            (WAIT_MS, "0".into()),
        ],
    ));
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["repaired_tail"], true, "{result}");

    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(&format!("{torn}\n")),
        "existing bytes changed"
    );
    let (events, stats) = read_events(&path).unwrap();
    assert_eq!((stats.lines, stats.objects, stats.corrupt), (4, 3, 1));
    assert_eq!(stats.first_corrupt_line, Some(2));
    assert_eq!(events[1]["writer"], "next");
}

#[test]
fn a_write_refused_at_the_size_limit_is_transient_counted_and_retried() {
    let dir = Scratch::new("resume");
    let path = dir.0.join("events.jsonl");
    // Five lines fit; the sixth crosses the limit half-way (short write).
    let limit = 5 * LINE_LEN + LINE_LEN / 2;
    let result = child_result(spawn_child(
        "fsize-resume",
        &path,
        &[(FSIZE, limit.to_string()), (LINES, "3".into())],
    ));
    assert_eq!(result["ok"], true, "{result}");
    assert_eq!(result["written_before"], 5, "{result}");
    assert_eq!(result["first_kind"], "Write", "{result}");
    assert_eq!(result["first_transient"], true, "{result}");
    assert_eq!(
        result["refused"],
        json!([["Write", true], ["Write", true], ["Write", true]]),
        "{result}"
    );
    assert_eq!(result["dropped_while_full"], 4, "{result}");
    assert_eq!(result["resumed"], 3, "{result}");
    assert_eq!(result["dropped_at_end"], 4, "{result}");

    // Only complete lines: the five before, none of the four refused, the
    // three after the limit was lifted.
    let (events, stats) = read_events(&path).unwrap();
    assert_eq!(
        (stats.lines, stats.objects, stats.corrupt),
        (8, 8, 0),
        "{stats:?}"
    );
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, vec![0, 1, 2, 3, 4, 9, 10, 11]);
}

#[test]
fn a_reader_holding_a_shared_flock_on_the_log_does_not_block_the_writer() {
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::PermissionsExt;
    let dir = Scratch::new("reader-lock");
    let path = dir.0.join("events.jsonl");
    fs::write(&path, "").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    // A reader (tail, a backup tool, `flock -s`) takes a shared lock.
    let reader = fs::File::open(&path).unwrap();
    // SAFETY: `reader` keeps the descriptor open; flock takes no pointers.
    let rc = unsafe { libc::flock(reader.as_raw_fd(), libc::LOCK_SH | libc::LOCK_NB) };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());

    let mut log = EventLog::open(&path, Duration::ZERO).unwrap_or_else(|e| panic!("{e}"));
    log.append(&json!({ "writer": "w", "seq": 0 }).to_string())
        .unwrap();
    drop(log);
    let (events, _) = read_events(&path).unwrap();
    assert_eq!(events.len(), 1);
    // The writers' lock lives beside the log, readable only by its owner,
    // so a reader cannot take it.
    let lock = dir.0.join("events.jsonl.lock");
    let mode = fs::metadata(&lock).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "lock file mode {mode:o}");
    drop(reader);
}
