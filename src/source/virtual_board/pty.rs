//! The pseudo-terminal the board lives on, and the udev-like symlink to it.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// A pseudo-terminal pair; the master is ours, the slave's path is what a host opens.
pub(super) struct Pty {
    master: OwnedFd,
    // Held open so the master never sees a hang-up between host connections.
    _slave: OwnedFd,
    path: PathBuf,
}

impl Pty {
    /// A new pty in raw mode, its master non-blocking.
    pub fn open() -> std::io::Result<Self> {
        let mut master = 0;
        let mut slave = 0;
        // SAFETY: openpty writes two descriptors; the name, termios and window size pointers may be null.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: openpty succeeded, so both are open descriptors we now own.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        // Raw mode on the slave: no echo, no line editing, no CR/LF translation of binary data.
        // SAFETY: tcgetattr/tcsetattr on an open tty descriptor with a termios we own.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(slave.as_raw_fd(), &mut t) == 0 {
                libc::cfmakeraw(&mut t);
                libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t);
            }
            let flags = libc::fcntl(master.as_raw_fd(), libc::F_GETFL);
            libc::fcntl(master.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
        let mut name = [0 as libc::c_char; 128];
        // SAFETY: the buffer is large enough and NUL-terminated by ttyname_r on success.
        let rc = unsafe { libc::ttyname_r(slave.as_raw_fd(), name.as_mut_ptr(), name.len()) };
        if rc != 0 {
            return Err(std::io::Error::from_raw_os_error(rc));
        }
        // SAFETY: ttyname_r wrote a NUL-terminated string into `name`.
        let path = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) }
            .to_string_lossy()
            .into_owned();
        Ok(Self {
            master,
            _slave: slave,
            path: PathBuf::from(path),
        })
    }

    /// The slave's path, what a host opens.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads what the host wrote, without waiting; 0 when there is nothing.
    pub fn read(&self, buf: &mut [u8]) -> usize {
        // SAFETY: reading into a buffer we own from a descriptor we own.
        let n = unsafe { libc::read(self.master.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
        n.max(0) as usize
    }

    /// Writes what fits without waiting: the bytes written, or the error (`WouldBlock` when the host's
    /// side is full).
    pub fn write(&self, bytes: &[u8]) -> std::io::Result<usize> {
        // SAFETY: writing from a slice we own to a descriptor we own.
        let n = unsafe { libc::write(self.master.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        if n > 0 {
            Ok(n as usize)
        } else {
            Err(std::io::Error::last_os_error())
        }
    }

    /// Waits up to `ms` milliseconds for room to write.
    pub fn wait_writable(&self, ms: i32) {
        let mut pfd = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: one pollfd we own.
        unsafe { libc::poll(&mut pfd, 1, ms) };
    }
}

/// Points `link` at `target`, replacing any old link in one step (a host never sees it missing).
pub(super) fn point_link(link: &Path, target: &Path) -> std::io::Result<()> {
    let tmp = link.with_extension("new-link");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)?;
    std::fs::rename(&tmp, link)
}
