//! Writing files so a crash never leaves half of one: every JSON file Innervate keeps (session sidecars,
//! exercise setups, profiles, settings) goes through [`write_json_atomic`].

use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `value` as pretty JSON to `path` atomically: a temporary file next to it is written and synced,
/// renamed over `path`, and the folder is synced so the rename itself survives a power cut. A reader sees
/// either the old file or the new one, never a mix. Missing parent folders are created.
pub fn write_json_atomic<T: Serialize + ?Sized>(path: &Path, value: &T) -> std::io::Result<()> {
    let mut text = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    text.push(b'\n');
    write_atomic(path, &text)
}

/// Writes `bytes` to `path` atomically (see [`write_json_atomic`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = parent_dir(path);
    std::fs::create_dir_all(&dir)?;
    let tmp = temp_path(path);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(&dir);
    Ok(())
}

/// The folder holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `NAME.tmp` next to `path` (the extension is kept so two files of one stem never share a temp file).
fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Syncs a folder's entries (the rename); a platform that cannot open folders skips it.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_creates_folders_replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.json");
        write_json_atomic(&path, &vec![1, 2, 3]).unwrap();
        let back: Vec<i32> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(back, vec![1, 2, 3]);
        write_json_atomic(&path, &vec![4]).unwrap();
        let back: Vec<i32> = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(back, vec![4]);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("file.json")]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file.json");
        write_json_atomic(&path, "old").unwrap();
        // The temp file's name is taken by a folder: the write fails, the old file stays whole.
        std::fs::create_dir(dir.path().join("file.json.tmp")).unwrap();
        assert!(write_json_atomic(&path, "new").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "\"old\"\n");
    }
}
