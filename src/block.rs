//! Fixed-size sample blocks: the unit that travels from a source to the DSP thread and the recorder.
//!
//! A block is plain data of a fixed size so the lock-free ring between the reader and the DSP thread can
//! hold blocks by value: nothing is allocated once the ring exists.

/// Most channels any source may deliver (OpenBCI Cyton + Daisy has 16).
pub const MAX_CHANNELS: usize = 16;
/// Frames (one sample per channel) a block can hold.
pub const BLOCK_FRAMES: usize = 64;

/// Up to [`BLOCK_FRAMES`] frames of up to [`MAX_CHANNELS`] channels, interleaved frame by frame, in microvolts.
///
/// `first_sample` is the stream's sample index of the first frame: the sample index is the clock. A jump in
/// it between consecutive blocks means samples were lost (a gap).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SampleBlock {
    /// Stream sample index of frame 0.
    pub first_sample: u64,
    channels: u8,
    frames: u16,
    data: [f32; MAX_CHANNELS * BLOCK_FRAMES],
}

impl SampleBlock {
    /// An empty block for `channels` channels (clamped to 1..=[`MAX_CHANNELS`]) starting at `first_sample`.
    pub fn new(first_sample: u64, channels: usize) -> Self {
        Self {
            first_sample,
            channels: channels.clamp(1, MAX_CHANNELS) as u8,
            frames: 0,
            data: [0.0; MAX_CHANNELS * BLOCK_FRAMES],
        }
    }

    /// Number of channels in every frame.
    pub fn channels(&self) -> usize {
        self.channels as usize
    }

    /// Number of frames held.
    pub fn len(&self) -> usize {
        self.frames as usize
    }

    /// True when no frame is held.
    pub fn is_empty(&self) -> bool {
        self.frames == 0
    }

    /// True when no more frames fit.
    pub fn is_full(&self) -> bool {
        self.len() == BLOCK_FRAMES
    }

    /// Stream index one past the last frame.
    pub fn end_sample(&self) -> u64 {
        self.first_sample + self.frames as u64
    }

    /// Appends one frame; extra values are ignored and missing ones read as 0. Returns false (and stores
    /// nothing) when the block is full.
    pub fn push_frame(&mut self, frame: &[f32]) -> bool {
        if self.is_full() {
            return false;
        }
        let c = self.channels();
        let start = self.len() * c;
        let n = frame.len().min(c);
        self.data[start..start + n].copy_from_slice(&frame[..n]);
        self.data[start + n..start + c].fill(0.0);
        self.frames += 1;
        true
    }

    /// Appends the whole frames of `interleaved` (this block's channel count per frame) that fit, in one
    /// copy; returns how many frames were taken. A trailing partial frame is ignored.
    pub fn push_interleaved(&mut self, interleaved: &[f32]) -> usize {
        let c = self.channels();
        let n = (interleaved.len() / c).min(BLOCK_FRAMES - self.len());
        let start = self.len() * c;
        self.data[start..start + n * c].copy_from_slice(&interleaved[..n * c]);
        self.frames += n as u16; // n <= BLOCK_FRAMES, which fits
        n
    }

    /// Frame `i` (one value per channel). Panics if `i >= len()`, like slice indexing.
    pub fn frame(&self, i: usize) -> &[f32] {
        assert!(i < self.len(), "frame index out of range");
        let c = self.channels();
        &self.data[i * c..(i + 1) * c]
    }

    /// All frames, interleaved.
    pub fn interleaved(&self) -> &[f32] {
        &self.data[..self.len() * self.channels()]
    }

    /// Iterates over frames.
    pub fn frames(&self) -> impl Iterator<Item = &[f32]> {
        self.interleaved().chunks_exact(self.channels())
    }

    /// Empties the block and moves it to start at `first_sample`.
    pub fn reset(&mut self, first_sample: u64) {
        self.first_sample = first_sample;
        self.frames = 0;
    }
}

/// Merges small blocks into full ones, so a queue sized in blocks holds a known duration of signal.
///
/// A block that does not continue where the previous one ended (a gap) closes the pending block early.
#[derive(Debug)]
pub struct BlockCoalescer {
    pending: SampleBlock,
}

impl BlockCoalescer {
    /// A coalescer for blocks of `channels` channels.
    pub fn new(channels: usize) -> Self {
        Self {
            pending: SampleBlock::new(0, channels),
        }
    }

    /// Adds `block`; calls `emit` with each block that became full (or was closed by a gap).
    pub fn push(&mut self, block: &SampleBlock, mut emit: impl FnMut(&SampleBlock)) {
        if !self.pending.is_empty() && block.first_sample != self.pending.end_sample() {
            emit(&self.pending);
            self.pending.reset(block.first_sample);
        }
        if self.pending.is_empty() {
            self.pending.reset(block.first_sample);
        }
        for frame in block.frames() {
            self.pending.push_frame(frame);
            if self.pending.is_full() {
                emit(&self.pending);
                let next = self.pending.end_sample();
                self.pending.reset(next);
            }
        }
    }

    /// Emits what is pending, if anything.
    pub fn flush(&mut self, mut emit: impl FnMut(&SampleBlock)) {
        if !self.pending.is_empty() {
            emit(&self.pending);
            let next = self.pending.end_sample();
            self.pending.reset(next);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interleaved_frames_go_in_whole_and_as_far_as_they_fit() {
        let mut b = SampleBlock::new(0, 2);
        assert_eq!(b.push_interleaved(&[1.0, 2.0, 3.0, 4.0, 5.0]), 2);
        assert_eq!(b.interleaved(), &[1.0, 2.0, 3.0, 4.0]);
        let many: Vec<f32> = (0..2 * BLOCK_FRAMES + 6).map(|v| v as f32).collect();
        assert_eq!(b.push_interleaved(&many), BLOCK_FRAMES - 2);
        assert!(b.is_full());
        assert_eq!(
            b.frame(BLOCK_FRAMES - 1),
            &many[2 * BLOCK_FRAMES - 6..2 * BLOCK_FRAMES - 4]
        );
        assert_eq!(b.push_interleaved(&many), 0);
    }

    #[test]
    fn push_and_read_frames() {
        let mut b = SampleBlock::new(10, 3);
        assert!(b.push_frame(&[1.0, 2.0, 3.0]));
        assert!(b.push_frame(&[4.0]));
        assert_eq!(b.len(), 2);
        assert_eq!(b.frame(1), &[4.0, 0.0, 0.0]);
        assert_eq!(b.end_sample(), 12);
        for _ in 2..BLOCK_FRAMES {
            assert!(b.push_frame(&[0.0; 3]));
        }
        assert!(!b.push_frame(&[9.0; 3]));
    }

    #[test]
    fn coalescer_fills_blocks_and_splits_at_gaps() {
        let mut c = BlockCoalescer::new(1);
        let mut out = Vec::new();
        let mut next = 0u64;
        for size in [5usize, 50, 30, 7] {
            let mut b = SampleBlock::new(next, 1);
            for i in 0..size {
                b.push_frame(&[(next + i as u64) as f32]);
            }
            next += size as u64;
            c.push(&b, |x| out.push(*x));
        }
        // A gap: 3 samples missing.
        let mut b = SampleBlock::new(next + 3, 1);
        b.push_frame(&[-1.0]);
        c.push(&b, |x| out.push(*x));
        c.flush(|x| out.push(*x));
        let lens: Vec<usize> = out.iter().map(|b| b.len()).collect();
        assert_eq!(lens, vec![64, 28, 1]);
        assert_eq!(out[1].first_sample, 64);
        assert_eq!(out[2].first_sample, 95);
        let values: Vec<f32> = out[..2]
            .iter()
            .flat_map(|b| b.interleaved().to_vec())
            .collect();
        assert!(values.iter().enumerate().all(|(i, v)| *v == i as f32));
    }
}
