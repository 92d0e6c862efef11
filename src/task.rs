//! Background work for the window: one small task type whose result the UI polls each frame, so a slow
//! job (connecting to a board, reading an hour-long session, writing an export) never blocks drawing.
//! Dropping a [`Task`] asks the job to stop; the job sees it through its [`CancelToken`].

use crossbeam_channel::{Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Handed to the job: whether the task was dropped (stop early), and where to report progress.
#[derive(Clone, Debug)]
pub struct CancelToken {
    cancelled: Arc<AtomicBool>,
    progress: Arc<AtomicU32>,
}

impl CancelToken {
    /// True once the [`Task`] was dropped or cancelled: the result will not be read, so stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Reports how far the job is, 0..=1 (read by [`Task::progress`]).
    pub fn set_progress(&self, fraction: f32) {
        let f = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.progress.store(f.to_bits(), Ordering::Relaxed);
    }
}

/// What polling a task found.
#[derive(Debug)]
pub enum Poll<T> {
    /// Still running.
    Running,
    /// Finished with this result (returned once).
    Done(T),
    /// The job panicked or its thread could not start; the reason in plain words.
    Lost(String),
}

/// A job running on its own thread; poll it from the UI, drop it to cancel.
#[derive(Debug)]
pub struct Task<T> {
    result: Receiver<T>,
    token: CancelToken,
    finished: bool,
}

impl<T: Send + 'static> Task<T> {
    /// Starts `job` on a thread named `innervate-NAME`.
    pub fn spawn(name: &str, job: impl FnOnce(&CancelToken) -> T + Send + 'static) -> Self {
        let (tx, rx): (Sender<T>, Receiver<T>) = crossbeam_channel::bounded(1);
        let token = CancelToken {
            cancelled: Arc::new(AtomicBool::new(false)),
            progress: Arc::new(AtomicU32::new(0f32.to_bits())),
        };
        let job_token = token.clone();
        // If the thread cannot start, `tx` is dropped with the closure and polling reports it as lost.
        let _ = std::thread::Builder::new()
            .name(format!("innervate-{name}"))
            .spawn(move || {
                let out = job(&job_token);
                let _ = tx.send(out);
            });
        Self {
            result: rx,
            token,
            finished: false,
        }
    }

    /// Never blocks: the result once it is there.
    pub fn poll(&mut self) -> Poll<T> {
        if self.finished {
            return Poll::Lost("the result was already taken".into());
        }
        match self.result.try_recv() {
            Ok(v) => {
                self.finished = true;
                Poll::Done(v)
            }
            Err(TryRecvError::Empty) => Poll::Running,
            Err(TryRecvError::Disconnected) => {
                self.finished = true;
                Poll::Lost("the background job stopped without a result".into())
            }
        }
    }

    /// Waits up to `timeout` for the result (tests and shutdown; never from the UI thread's frame).
    pub fn wait(mut self, timeout: std::time::Duration) -> Option<T> {
        let v = self.result.recv_timeout(timeout).ok();
        self.finished = true;
        v
    }

    /// The job's last reported progress, 0..=1.
    pub fn progress(&self) -> f32 {
        f32::from_bits(self.token.progress.load(Ordering::Relaxed))
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.token.cancelled.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn result_is_polled_once_and_progress_is_seen() {
        let mut task = Task::spawn("test", |t| {
            t.set_progress(0.5);
            7
        });
        let until = Instant::now() + Duration::from_secs(5);
        let v = loop {
            match task.poll() {
                Poll::Done(v) => break v,
                Poll::Running if Instant::now() < until => std::thread::yield_now(),
                other => panic!("unexpected {other:?}"),
            }
        };
        assert_eq!(v, 7);
        assert_eq!(task.progress(), 0.5);
        assert!(matches!(task.poll(), Poll::Lost(_)));
    }

    #[test]
    fn dropping_cancels_the_job() {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let task = Task::spawn("cancel", move |t| {
            while !t.is_cancelled() {
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = tx.send(());
        });
        drop(task);
        assert!(rx.recv_timeout(Duration::from_secs(5)).is_ok());
    }

    #[test]
    fn a_panicking_job_is_reported_lost() {
        let mut task: Task<u8> = Task::spawn("panic", |_| panic!("boom"));
        let until = Instant::now() + Duration::from_secs(5);
        loop {
            match task.poll() {
                Poll::Lost(_) => break,
                Poll::Running if Instant::now() < until => std::thread::yield_now(),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}
