//! The chunks the reading thread lends the workers, and how a worker picks its channels out of one.

use crossbeam_channel::Sender;

/// Frames per chunk handed to the workers.
pub(super) const CHUNK_FRAMES: usize = 4096;
/// Frames per tile when a worker gathers its channels.
const TILE_FRAMES: usize = 64;

/// A chunk of the recording and the chain's output, frame by frame as the chain made it (frame `f`,
/// channel `c` at `f * channels + c`; pair `k`'s ratio at `f * pairs + k`). Each worker gathers its own
/// channels, so the reading thread only copies.
#[derive(Default)]
pub(super) struct Chunk {
    /// Frame number of the chunk's first frame.
    pub(super) first: u64,
    pub(super) frames: usize,
    pub(super) channels: usize,
    pub(super) pairs: usize,
    pub(super) raw: Vec<f32>,
    pub(super) bandpassed: Vec<f32>,
    pub(super) filtered: Vec<f32>,
    pub(super) envelope: Vec<f32>,
    pub(super) ratio: Vec<f32>,
}

impl Chunk {
    pub(super) fn new(channels: usize, pairs: usize) -> Self {
        let n = channels * CHUNK_FRAMES;
        Self {
            first: 0,
            frames: 0,
            channels,
            pairs,
            raw: vec![0.0; n],
            bandpassed: vec![0.0; n],
            filtered: vec![0.0; n],
            envelope: vec![0.0; n],
            // At least one slot per frame, so frames zip with it even without pairs.
            ratio: vec![0.0; pairs.max(1) * CHUNK_FRAMES],
        }
    }
}

/// Picks one of a [`Gathered`]'s arrays.
type Field = fn(&mut Gathered) -> &mut Vec<f32>;

/// One channel's consecutive frames of a chunk, gathered by a worker.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) raw: Vec<f32>,
    pub(super) bandpassed: Vec<f32>,
    pub(super) filtered: Vec<f32>,
    pub(super) envelope: Vec<f32>,
}

impl Gathered {
    /// Copies channels `mine` of `chunk` out of its frames into `into` (one per channel), reading each of
    /// the chunk's arrays once.
    pub(super) fn gather(chunk: &Chunk, mine: &[usize], into: &mut [Gathered]) {
        let arrays: [(&[f32], Field); 4] = [
            (&chunk.raw, |g| &mut g.raw),
            (&chunk.bandpassed, |g| &mut g.bandpassed),
            (&chunk.filtered, |g| &mut g.filtered),
            (&chunk.envelope, |g| &mut g.envelope),
        ];
        for (from, field) in arrays {
            let mut outs: Vec<&mut [f32]> = into
                .iter_mut()
                .map(|g| {
                    let v = field(g);
                    v.resize(chunk.frames, 0.0);
                    v.as_mut_slice()
                })
                .collect();
            // In tiles of frames small enough to stay in the first-level cache while every channel of
            // the share is picked out of them.
            let frames = &from[..chunk.frames * chunk.channels];
            for (t, tile) in frames.chunks(TILE_FRAMES * chunk.channels).enumerate() {
                let start = t * TILE_FRAMES;
                for (o, c) in outs.iter_mut().zip(mine) {
                    let o = &mut o[start..start + tile.len() / chunk.channels];
                    for (v, frame) in o.iter_mut().zip(tile.chunks_exact(chunk.channels)) {
                        *v = frame[*c];
                    }
                }
            }
        }
    }

    pub(super) fn slices(&self) -> Slices<'_> {
        Slices {
            raw: &self.raw,
            bandpassed: &self.bandpassed,
            filtered: &self.filtered,
            envelope: &self.envelope,
        }
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
