//! The chunks the reading thread lends the workers: each channel's frames side by side in its own plane,
//! so a worker reads its channels' runs as they are, with nothing to pick out.

use crossbeam_channel::Sender;

/// Frames per chunk handed to the workers.
pub(super) const CHUNK_FRAMES: usize = 1024;
/// Distance between two channels' planes, floats: one cache line more than a chunk, so the reading
/// thread's writes to the channels of one frame fall in different cache sets (planes exactly 16 KiB apart
/// would all map to the same few sets of the first-level cache and evict each other).
pub(super) const PLANE: usize = CHUNK_FRAMES + 16;

/// A chunk of the recording and the chain's output, channel by channel: channel `c`'s frame `f` at
/// `c * PLANE + f` in each array.
#[derive(Default)]
pub(super) struct Chunk {
    /// Frame number of the chunk's first frame.
    pub(super) first: u64,
    pub(super) frames: usize,
    pub(super) raw: Vec<f32>,
    pub(super) bandpassed: Vec<f32>,
    pub(super) filtered: Vec<f32>,
    pub(super) envelope: Vec<f32>,
}

impl Chunk {
    pub(super) fn new(channels: usize) -> Self {
        let n = channels * PLANE;
        Self {
            first: 0,
            frames: 0,
            raw: vec![0.0; n],
            bandpassed: vec![0.0; n],
            filtered: vec![0.0; n],
            envelope: vec![0.0; n],
        }
    }

    /// Channel `c`'s frames of the chunk.
    pub(super) fn slices(&self, c: usize) -> Slices<'_> {
        let run = c * PLANE..c * PLANE + self.frames;
        Slices {
            raw: &self.raw[run.clone()],
            bandpassed: &self.bandpassed[run.clone()],
            filtered: &self.filtered[run.clone()],
            envelope: &self.envelope[run],
        }
    }

    /// Channel `c`'s envelope over the chunk's frames.
    pub(super) fn envelope_of(&self, c: usize) -> &[f32] {
        &self.envelope[c * PLANE..c * PLANE + self.frames]
    }
}

/// One channel's consecutive frames.
pub(super) struct Slices<'a> {
    pub(super) raw: &'a [f32],
    pub(super) bandpassed: &'a [f32],
    pub(super) filtered: &'a [f32],
    pub(super) envelope: &'a [f32],
}

/// A chunk lent to the workers: when the last of them lets go, it goes back to the pool.
pub(super) struct Loan {
    pub(super) chunk: Chunk,
    pub(super) home: Sender<Chunk>,
}

impl Drop for Loan {
    fn drop(&mut self) {
        let _ = self.home.try_send(std::mem::take(&mut self.chunk));
    }
}
