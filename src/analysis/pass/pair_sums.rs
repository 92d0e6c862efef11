//! The pairs' per-frame sums, four pairs side by side (one lane each), so a frame's additions and its
//! Rudolph indices run as vector operations. Each lane adds in the same order as the frame-by-frame reference
//! (`reference.rs`, tests only) does, so the sums are bit-identical to it.

use super::chunk::Chunk;
use super::{PairPass, Setup};
use crate::dsp::MusclePair;
use crate::dsp::cocontraction::{ratio_f32, rudolph};

/// Pairs per group (one 256-bit vector of doubles).
const LANES: usize = 4;
type Lanes = [f64; LANES];

/// The running sums of up to [`LANES`] pairs, lane `k` for the group's pair `k`.
#[derive(Default)]
struct Sums {
    window_ag: Lanes,
    window_ant: Lanes,
    epoch_ag: Lanes,
    epoch_ant: Lanes,
    epoch_rudolph: Lanes,
    total_rudolph: Lanes,
    total_ratio: Lanes,
}

impl Sums {
    /// Takes the running sums of `passes` (at most [`LANES`]).
    fn load(passes: &[PairPass]) -> Self {
        let mut s = Self::default();
        for (k, p) in passes.iter().enumerate() {
            s.window_ag[k] = p.window_ag;
            s.window_ant[k] = p.window_ant;
            s.epoch_ag[k] = p.epoch_ag;
            s.epoch_ant[k] = p.epoch_ant;
            s.epoch_rudolph[k] = p.epoch_rudolph;
            s.total_rudolph[k] = p.total_rudolph;
            s.total_ratio[k] = p.total_ratio;
        }
        s
    }

    /// Gives the running sums back to `passes`.
    fn store(&self, passes: &mut [PairPass]) {
        for (k, p) in passes.iter_mut().enumerate() {
            p.window_ag = self.window_ag[k];
            p.window_ant = self.window_ant[k];
            p.epoch_ag = self.epoch_ag[k];
            p.epoch_ant = self.epoch_ant[k];
            p.epoch_rudolph = self.epoch_rudolph[k];
            p.total_rudolph = self.total_rudolph[k];
            p.total_ratio = self.total_ratio[k];
        }
    }

    /// Adds one frame's envelopes, Rudolph index and ratio to every lane.
    #[inline(always)]
    fn add(&mut self, ag: &Lanes, ant: &Lanes, ratio: &Lanes) {
        for k in 0..LANES {
            self.window_ag[k] += ag[k];
            self.window_ant[k] += ant[k];
            self.epoch_ag[k] += ag[k];
            self.epoch_ant[k] += ant[k];
            let r = rudolph(ag[k], ant[k]);
            self.epoch_rudolph[k] += r;
            self.total_rudolph[k] += r;
            self.total_ratio[k] += ratio[k];
        }
    }
}

/// Takes in every frame of `chunk` for each pair `(k, pair)` of `pairs` (its statistics in `passes`),
/// closing windows and epochs on the way (both counted from the recording's first frame).
pub(super) fn absorb_all(
    passes: &mut [PairPass],
    pairs: &[(usize, MusclePair)],
    chunk: &Chunk,
    setup: &Setup,
) {
    for (passes, pairs) in passes.chunks_mut(LANES).zip(pairs.chunks(LANES)) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU supports AVX, checked just above.
            unsafe { absorb_group_avx(passes, pairs, chunk, setup) };
            continue;
        }
        absorb_group(passes, pairs, chunk, setup);
    }
}

/// [`absorb_group`] compiled with AVX (four doubles per instruction).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn absorb_group_avx(
    passes: &mut [PairPass],
    pairs: &[(usize, MusclePair)],
    chunk: &Chunk,
    setup: &Setup,
) {
    absorb_group(passes, pairs, chunk, setup);
}

/// [`absorb_all`] for one group of at most [`LANES`] pairs. Unused lanes repeat the first pair; their sums
/// are never stored.
#[inline(always)]
fn absorb_group(
    passes: &mut [PairPass],
    pairs: &[(usize, MusclePair)],
    chunk: &Chunk,
    setup: &Setup,
) {
    let Some(&(_, first_pair)) = pairs.first() else {
        return;
    };
    let (window, epoch) = (setup.window_len as u64, setup.epoch_len as u64);
    // Frames left until the current window and epoch end (counted from the recording's start).
    let mut to_window = window - chunk.first % window;
    let mut to_epoch = epoch - chunk.first % epoch;
    let mut ag_runs = [chunk.envelope_of(first_pair.agonist); LANES];
    let mut ant_runs = [chunk.envelope_of(first_pair.antagonist); LANES];
    for (k, (_, p)) in pairs.iter().enumerate() {
        ag_runs[k] = chunk.envelope_of(p.agonist);
        ant_runs[k] = chunk.envelope_of(p.antagonist);
    }
    let mut sums = Sums::load(passes);
    for f in 0..chunk.frames {
        let (mut ag, mut ant, mut ratio): (Lanes, Lanes, Lanes) = Default::default();
        for k in 0..LANES {
            let (a, b) = (ag_runs[k][f], ant_runs[k][f]);
            (ag[k], ant[k]) = (a as f64, b as f64);
            // The live chain's ratio, worked out from the same two envelopes.
            ratio[k] = ratio_f32(a, b) as f64;
        }
        sums.add(&ag, &ant, &ratio);
        to_window -= 1;
        if to_window == 0 {
            sums.store(passes);
            passes.iter_mut().for_each(PairPass::close_window);
            sums = Sums::load(passes);
            to_window = window;
        }
        to_epoch -= 1;
        if to_epoch == 0 {
            sums.store(passes);
            passes
                .iter_mut()
                .for_each(|ps| ps.close_epoch(setup.epoch_len));
            sums = Sums::load(passes);
            to_epoch = epoch;
        }
    }
    sums.store(passes);
}
