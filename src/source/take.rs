//! The first frames of a source: a bounded stretch of an endless simulator, or a recording up to a set's
//! end (the filters are causal, so nothing after that moment changes what came before).

use super::{FrameGenerator, SourceError, StreamInfo};
use crate::task::CancelToken;

/// At most `left` frames of `inner`, ending early once `cancel` (if any) is cancelled.
pub struct Take<S> {
    inner: S,
    left: u64,
    cancel: Option<CancelToken>,
}

impl<S: FrameGenerator> Take<S> {
    /// The first `frames` frames of `inner`.
    pub fn new(inner: S, frames: u64) -> Self {
        Self {
            inner,
            left: frames,
            cancel: None,
        }
    }

    /// Ends the stream as soon as `cancel` is cancelled.
    pub fn cancelled_by(mut self, cancel: CancelToken) -> Self {
        self.cancel = Some(cancel);
        self
    }

    fn stopped(&self) -> bool {
        self.left == 0 || self.cancel.as_ref().is_some_and(CancelToken::is_cancelled)
    }
}

impl<S: FrameGenerator> FrameGenerator for Take<S> {
    fn info(&self) -> &StreamInfo {
        self.inner.info()
    }

    fn next_frame(&mut self, frame: &mut [f32]) -> Result<bool, SourceError> {
        if self.stopped() {
            return Ok(false);
        }
        let more = self.inner.next_frame(frame)?;
        if more {
            self.left -= 1;
        }
        Ok(more)
    }

    fn next_frames(&mut self, out: &mut [f32]) -> Result<usize, SourceError> {
        if self.stopped() {
            return Ok(0);
        }
        let channels = self.info().channels().max(1);
        let want = ((out.len() / channels) as u64).min(self.left) as usize;
        let got = self.inner.next_frames(&mut out[..want * channels])?;
        self.left -= got as u64;
        Ok(got)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::simulator::{SimConfig, Simulator};

    #[test]
    fn delivers_exactly_the_first_frames_in_blocks_or_one_by_one() {
        let sim = || Simulator::new(SimConfig::default()).unwrap();
        let mut blocks = Take::new(sim(), 1000);
        let mut one_by_one = Take::new(sim(), 1000);
        let mut a = vec![0.0f32; 4 * 300];
        let mut b = [0.0f32; 4];
        let mut total = 0;
        loop {
            let n = blocks.next_frames(&mut a).unwrap();
            if n == 0 {
                break;
            }
            for f in a.chunks_exact(4).take(n) {
                assert!(one_by_one.next_frame(&mut b).unwrap());
                assert_eq!(f, b);
            }
            total += n;
        }
        assert_eq!(total, 1000);
        assert!(!one_by_one.next_frame(&mut b).unwrap());
        // A task's token is cancelled once the task is dropped (wait() drops it).
        let cancel = crate::task::Task::spawn("take", |t| t.clone())
            .wait(std::time::Duration::from_secs(10))
            .unwrap();
        let mut stopped = Take::new(sim(), 1000).cancelled_by(cancel);
        assert_eq!(stopped.next_frames(&mut a).unwrap(), 0);
    }
}
