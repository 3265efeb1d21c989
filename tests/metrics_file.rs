//! `--metrics-file` is readable by node_exporter's user whatever the
//! watch's umask (the example unit runs with `UMask=0027`). Its own test
//! binary: the umask is per process, and here no other test runs beside it.

use std::os::unix::fs::PermissionsExt;
use wifidiag::watch::metrics::MetricsFile;

#[test]
fn the_metrics_file_is_0644_whatever_the_umask() {
    let dir = std::env::temp_dir().join(format!("wifidiag-metrics-umask-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.join("wifidiag.prom");
    // SAFETY: umask has no preconditions; this binary runs this test alone.
    let old = unsafe { libc::umask(0o077) };
    let written = MetricsFile::open(&path).map(|f| f.write("wifidiag_build_info 1\n"));
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    written.unwrap().unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "{mode:o}");
    std::fs::remove_dir_all(&dir).unwrap();
}
