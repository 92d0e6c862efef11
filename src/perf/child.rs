//! Runs a child process and measures what it cost: wall time and peak resident memory (from `wait4`'s
//! resource usage of that one child, so nothing else the parent started is counted).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Instant;

/// A child process that ran to the end successfully.
#[derive(Clone, Debug, PartialEq)]
pub struct ChildCost {
    /// From just before it was started until it was reaped, s.
    pub wall_s: f64,
    /// Its peak resident memory (`ru_maxrss`), kB.
    pub max_rss_kb: u64,
    /// What it wrote to standard output.
    pub stdout: Vec<u8>,
}

/// Why a child could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum ChildError {
    /// It could not be started or waited for.
    #[error("{what}: {source}")]
    Io {
        /// The command, in words.
        what: String,
        /// The error.
        source: std::io::Error,
    },
    /// It ran but did not succeed.
    #[error("{what} failed ({status}): {stderr}")]
    Failed {
        /// The command, in words.
        what: String,
        /// Exit code or signal.
        status: String,
        /// The end of its standard error.
        stderr: String,
    },
}

/// Runs `cmd` to its end (standard output captured, standard error kept for the error message) and
/// measures it; `what` names it in errors.
pub fn measure(what: &str, cmd: &mut Command) -> Result<ChildCost, ChildError> {
    let io = |source| ChildError::Io {
        what: what.to_string(),
        source,
    };
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(io)?;
    let mut stderr_pipe = child.stderr.take();
    let stderr = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(pipe) = stderr_pipe.as_mut() {
            let _ = pipe.read_to_end(&mut text);
        }
        text
    });
    let mut stdout = Vec::new();
    if let Some(mut pipe) = child.stdout.take() {
        pipe.read_to_end(&mut stdout).map_err(io)?;
    }
    let (status, usage) = wait4(child.id()).map_err(io)?;
    let wall_s = start.elapsed().as_secs_f64();
    let stderr = stderr.join().unwrap_or_default();
    if !exited_ok(status) {
        let text = String::from_utf8_lossy(&stderr);
        let tail: String = text
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join(" | ");
        return Err(ChildError::Failed {
            what: what.to_string(),
            status: describe(status),
            stderr: tail,
        });
    }
    Ok(ChildCost {
        wall_s,
        max_rss_kb: usage.ru_maxrss.max(0) as u64,
        stdout,
    })
}

/// Reaps child `pid`, returning its wait status and its own resource usage.
fn wait4(pid: u32) -> std::io::Result<(libc::c_int, libc::rusage)> {
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our own child that nobody else waits for; both pointers are valid for writes.
        let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
        if r == pid as libc::pid_t {
            return Ok((status, usage));
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

fn exited_ok(status: libc::c_int) -> bool {
    libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
}

fn describe(status: libc::c_int) -> String {
    if libc::WIFEXITED(status) {
        format!("exit code {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        format!("killed by signal {}", libc::WTERMSIG(status))
    } else {
        format!("wait status {status}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_child_and_reports_its_failure() {
        let ok = measure("echo", Command::new("sh").args(["-c", "echo hi"])).unwrap();
        assert_eq!(ok.stdout, b"hi\n");
        assert!(ok.max_rss_kb > 0 && ok.wall_s > 0.0);
        let err = measure(
            "fail",
            Command::new("sh").args(["-c", "echo oops >&2; exit 3"]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("exit code 3") && err.contains("oops"), "{err}");
    }
}
