//! Issue #16: size checks before allocation. Archive members that declare or inflate to far
//! more than they hold, and the memory budget (`INFOSCOPE_MAX_MEMORY`), checked in a child
//! process so that no test changes this process's environment.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use infoscope_io::{ArraySource, IoError, read_array};
use tempfile::TempDir;

use crate::common::npy_bytes;

/// Set in the child process that runs a test under a small memory budget.
const CHILD: &str = "INFOSCOPE_IO_TEST_CHILD";

/// Runs the test `name` (this binary's path, e.g. `bomb::x`) again in a child process with
/// `INFOSCOPE_MAX_MEMORY=limit`; true in the child, where the caller does the real work.
fn in_child_with_budget(name: &str, limit: &str) -> bool {
    if std::env::var_os(CHILD).is_some() {
        return true;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env(infoscope_budget::MEMORY_LIMIT_VAR, limit)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test:\n{stdout}"
    );
    false
}

/// A one-member archive whose member is `header` followed by `zeros` zero bytes, deflated.
fn deflated_npz(path: &Path, member: &str, header: &[u8], zeros: usize) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(member, options).unwrap();
    zip.write_all(header).unwrap();
    let block = vec![0_u8; 1 << 20];
    let mut left = zeros;
    while left > 0 {
        let n = left.min(block.len());
        zip.write_all(&block[..n]).unwrap();
        left -= n;
    }
    zip.finish().unwrap();
}

/// A small archive (about 1 kB on disk) whose member declares `[200000, 10000]` float64
/// (16 GB) is refused by a 1 GB budget before anything is inflated or allocated.
#[test]
fn zip_bomb_declaring_16_gb_is_refused_by_the_budget() {
    if !in_child_with_budget(
        "bomb::zip_bomb_declaring_16_gb_is_refused_by_the_budget",
        "1G",
    ) {
        return;
    }
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bomb.npz");
    deflated_npz(
        &path,
        "hidden.npy",
        &npy_bytes("<f8", false, &[200_000, 10_000], &[]),
        1 << 20,
    );
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);
    let start = std::time::Instant::now();
    let err = read_array(&ArraySource::with_key(&path, "hidden")).unwrap_err();
    let elapsed = start.elapsed();
    match &err {
        IoError::TooLarge { key, source, .. } => {
            assert_eq!(key.as_deref(), Some("hidden"));
            assert_eq!(source.limit, "1.1 GB");
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let msg = err.to_string();
    for part in [
        "bomb.npz:hidden",
        "[200000, 10000]",
        "16.0 GB",
        "INFOSCOPE_MAX_MEMORY",
    ] {
        assert!(msg.contains(part), "{part} missing in: {msg}");
    }
    assert!(elapsed.as_secs() < 5, "took {elapsed:?}");
}

/// The same shape without a small budget: the member's declared size (header + 1 MB) does not
/// match the 16 GB its header implies, so it is refused as corrupt, before inflating.
#[test]
fn member_smaller_than_its_header_implies_is_truncated() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("short.npz");
    deflated_npz(
        &path,
        "hidden.npy",
        &npy_bytes("<f8", false, &[20_000, 1_000], &[]),
        1 << 20,
    );
    let err = read_array(&ArraySource::with_key(&path, "hidden")).unwrap_err();
    match &err {
        IoError::Corrupt { detail, .. } => {
            assert!(
                detail.contains("'hidden'") && detail.contains("truncated"),
                "{detail}"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

/// A member that inflates to 64 MB behind a header for ten values is refused as soon as the
/// declared size disagrees with the header, without inflating it.
#[test]
fn member_longer_than_its_header_implies_is_refused() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("long.npz");
    deflated_npz(
        &path,
        "x.npy",
        &npy_bytes("<f8", false, &[10], &[]),
        64 << 20,
    );
    let err = read_array(&ArraySource::new(&path)).unwrap_err();
    match &err {
        IoError::Corrupt { detail, .. } => {
            assert!(
                detail.contains("'x'") && detail.contains("unexpected bytes"),
                "{detail}"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

/// When the archive also lies about the member's size (it declares exactly what the header
/// implies, but the stream inflates to 64 MB more), reading stops one byte past the declared
/// data and refuses the member.
#[test]
fn member_with_a_forged_size_is_not_inflated_past_its_header() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("forged.npz");
    let header = npy_bytes("<f8", false, &[10], &[]);
    deflated_npz(&path, "x.npy", &header, 64 << 20);
    let honest = u32::try_from(header.len() + 80).unwrap().to_le_bytes();
    let mut bytes = std::fs::read(&path).unwrap();
    // The uncompressed size: offset 22 of the local header, 24 of the central directory entry
    // (the member is below 4 GiB, so zip64 extras carry no size).
    patch_sizes(&mut bytes, &[0x50, 0x4b, 0x03, 0x04], 22, honest);
    patch_sizes(&mut bytes, &[0x50, 0x4b, 0x01, 0x02], 24, honest);
    std::fs::write(&path, bytes).unwrap();
    let err = read_array(&ArraySource::new(&path)).unwrap_err();
    match &err {
        IoError::Corrupt { detail, .. } => {
            assert!(
                detail.contains("more data than the header declares"),
                "{detail}"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

/// Writes `value` at `offset` into every record that starts with `signature`.
fn patch_sizes(bytes: &mut [u8], signature: &[u8], offset: usize, value: [u8; 4]) {
    let starts: Vec<usize> = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == signature)
        .map(|(i, _)| i)
        .collect();
    assert!(!starts.is_empty());
    for start in starts {
        bytes[start + offset..start + offset + 4].copy_from_slice(&value);
    }
}
