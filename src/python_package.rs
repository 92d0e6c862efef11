//! Run-time libraries that ship inside Python packages (`pylsl` carries liblsl, `brainflow` its
//! libBoardController): the folder of a package as a given Python imports it, so a user who installed the
//! package with pip needs nothing else.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The folder of the Python package `package` (a plain module name) as `python` imports it (with its own
/// `PYTHONPATH`), or why not, in words that name the Python.
pub fn package_dir(python: &OsStr, package: &str) -> Result<PathBuf, String> {
    let shown = python.to_string_lossy();
    if package.is_empty()
        || !package
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!("`{package}` is not a Python module name"));
    }
    let script = format!("import os, {package}; print(os.path.dirname({package}.__file__))");
    let out = Command::new(python)
        .args(["-c", &script])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("`{shown}` cannot run: {e}"))?;
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || dir.is_empty() {
        return Err(format!("`{shown}` cannot import {package}"));
    }
    Ok(PathBuf::from(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_standard_package_and_says_why_not_otherwise() {
        let json = package_dir(OsStr::new("python3"), "json").unwrap();
        assert!(json.join("__init__.py").is_file(), "{}", json.display());
        let e = package_dir(OsStr::new("python3"), "no_such_package_here").unwrap_err();
        assert_eq!(e, "`python3` cannot import no_such_package_here");
        let e = package_dir(OsStr::new("/nonexistent/python3"), "json").unwrap_err();
        assert!(e.starts_with("`/nonexistent/python3` cannot run: "), "{e}");
        let e = package_dir(OsStr::new("python3"), "os; import sys").unwrap_err();
        assert!(e.contains("not a Python module name"), "{e}");
    }
}
