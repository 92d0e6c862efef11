//! The per-sample chain for all channels and pairs: band-pass -> notch -> RMS envelope -> co-contraction.

use super::MusclePair;
use super::bank::{FilterBank, LANES, Lanes, RmsBank};
use super::cocontraction::{CoContraction, PairBank, PairValues};
use super::config::{DspConfig, DspError, EffectiveDsp};
use crate::block::{BLOCK_FRAMES, MAX_CHANNELS, SampleBlock};

/// One frame's values spread over the lanes (missing channels read as 0).
#[inline(always)]
fn lanes_of(frame: &[f32], channels: usize) -> Lanes {
    // Full frames (the common 16-channel case) convert as one fixed-size array.
    if let Ok(full) = <&[f32; LANES]>::try_from(frame) {
        return full.map(f64::from);
    }
    let mut x: Lanes = [0.0; LANES];
    for (lane, v) in x.iter_mut().zip(frame.iter().take(channels)) {
        *lane = *v as f64;
    }
    x
}

/// Most pairs a processor tracks.
pub const MAX_PAIRS: usize = MAX_CHANNELS / 2;

/// One frame's values in `f32`, as the outputs carry them.
#[inline(always)]
fn f32_lanes(x: &Lanes) -> [f32; LANES] {
    x.map(|v| v as f32)
}

/// Each pair lane's agonist and antagonist envelope, gathered from one frame's envelopes. Lanes beyond the
/// pairs given read channel 0: the bank tracks them, and their values are never handed out.
#[inline(always)]
fn gather_pairs(
    envelope: &[f32; LANES],
    pairs: &PairLanes,
    agonist: &mut [f32; MAX_PAIRS],
    antagonist: &mut [f32; MAX_PAIRS],
) {
    for k in 0..MAX_PAIRS {
        // The mask only spares a bounds check: every index is below the channel count (checked in `new`).
        agonist[k] = envelope[pairs.agonist[k] as usize % LANES];
        antagonist[k] = envelope[pairs.antagonist[k] as usize % LANES];
    }
}

/// Hands out the values of the pairs given (the other lanes of `out` keep their zeros).
#[inline(always)]
fn copy_pairs(values: &PairValues, len: usize, out: &mut [CoContraction; MAX_PAIRS]) {
    if len == MAX_PAIRS {
        *out = values.to_pairs();
    } else {
        for (k, o) in out.iter_mut().enumerate().take(len) {
            *o = values.get(k);
        }
    }
}

/// The pairs' channel indices as fixed-size lanes.
#[derive(Clone, Copy, Debug, Default)]
struct PairLanes {
    len: usize,
    agonist: [u8; MAX_PAIRS],
    antagonist: [u8; MAX_PAIRS],
}

/// Room for one block in flight: its samples as lanes, and every frame's output (boxed with the processor,
/// so a block allocates nothing and fills no stack arrays).
#[derive(Clone)]
struct BlockScratch {
    lanes: [Lanes; BLOCK_FRAMES],
    pairs: [PairValues; BLOCK_FRAMES],
    out: [FrameOutput; BLOCK_FRAMES],
}

impl std::fmt::Debug for BlockScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlockScratch")
    }
}

/// What the chain produced for one frame. Fixed-size so nothing is allocated per sample.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameOutput {
    /// Band-passed signal before the notch, per channel, uV (for measuring mains hum).
    pub bandpassed: [f32; MAX_CHANNELS],
    /// Band-passed, notched signal per channel, uV.
    pub filtered: [f32; MAX_CHANNELS],
    /// RMS envelope per channel, uV.
    pub envelope: [f32; MAX_CHANNELS],
    /// Co-contraction per pair, in the order the pairs were given.
    pub pairs: [CoContraction; MAX_PAIRS],
}

/// Whether a processor for `channels` channels can track `pairs`: at most [`MAX_PAIRS`], each naming
/// channels that exist.
pub fn check_pairs(channels: usize, pairs: &[MusclePair]) -> Result<(), DspError> {
    if pairs.len() > MAX_PAIRS {
        return Err(DspError::Invalid(format!("at most {MAX_PAIRS} pairs")));
    }
    match pairs
        .iter()
        .find(|p| p.agonist >= channels || p.antagonist >= channels)
    {
        Some(p) => Err(DspError::Invalid(format!(
            "pair {}:{} names a channel beyond the {channels} there are",
            p.agonist + 1,
            p.antagonist + 1
        ))),
        None => Ok(()),
    }
}

/// Stateful processing of a multi-channel stream. State is kept across blocks, so block boundaries never
/// show in the output. All channels run in lock-step lanes (see [`super::bank`]).
#[derive(Clone, Debug)]
pub struct Processor {
    config: DspConfig,
    effective: EffectiveDsp,
    channels: usize,
    bandpass: FilterBank,
    notch: FilterBank,
    envelopes: RmsBank,
    pairs: Vec<MusclePair>,
    pair_lanes: PairLanes,
    trackers: PairBank,
    out: FrameOutput,
    block: Box<BlockScratch>,
}

impl Processor {
    /// A processor for `channels` channels at `fs` Hz; pairs referring to missing channels are an error.
    pub fn new(
        channels: usize,
        fs: f64,
        config: &DspConfig,
        pairs: &[MusclePair],
    ) -> Result<Self, DspError> {
        if !(1..=MAX_CHANNELS).contains(&channels) {
            return Err(DspError::Invalid(format!(
                "{channels} channels; 1 to {MAX_CHANNELS} are supported"
            )));
        }
        check_pairs(channels, pairs)?;
        let effective = config.effective(fs)?;
        let mut pair_lanes = PairLanes {
            len: pairs.len(),
            ..PairLanes::default()
        };
        for (k, p) in pairs.iter().enumerate() {
            // Both are below `channels` <= MAX_CHANNELS = 16 (checked above), so they fit a u8.
            pair_lanes.agonist[k] = p.agonist as u8;
            pair_lanes.antagonist[k] = p.antagonist as u8;
        }
        Ok(Self {
            bandpass: FilterBank::new(&effective.bandpass_sos),
            notch: FilterBank::new(&effective.notch_sos),
            envelopes: RmsBank::new(effective.envelope_window_samples),
            trackers: PairBank::new(effective.cci_window_samples),
            pairs: pairs.to_vec(),
            pair_lanes,
            config: config.clone(),
            effective,
            channels,
            out: FrameOutput::default(),
            block: Box::new(BlockScratch {
                lanes: [[0.0; LANES]; BLOCK_FRAMES],
                pairs: [PairValues::default(); BLOCK_FRAMES],
                out: [FrameOutput::default(); BLOCK_FRAMES],
            }),
        })
    }

    /// The parameters in force (for reports and sidecars).
    pub fn effective(&self) -> &EffectiveDsp {
        &self.effective
    }

    /// The parameters as set.
    pub fn config(&self) -> &DspConfig {
        &self.config
    }

    /// Number of channels.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// The pairs tracked.
    pub fn pairs(&self) -> &[MusclePair] {
        &self.pairs
    }

    /// Switches the mains notch on or off (or changes its frequency), keeping every other state.
    /// This designs new filters, so it allocates: call it on a user action, not per sample.
    pub fn set_notch(&mut self, notch: super::NotchConfig) -> Result<(), DspError> {
        let mut config = self.config.clone();
        config.notch = notch;
        let effective = config.effective(self.effective.sample_rate_hz)?;
        self.notch = FilterBank::new(&effective.notch_sos);
        self.config = config;
        self.effective = effective;
        Ok(())
    }

    /// Runs one frame (one value per channel; missing values read as 0) through the chain.
    #[inline(always)]
    pub fn process_frame(&mut self, frame: &[f32]) -> &FrameOutput {
        let mut x: [Lanes; 1] = [lanes_of(frame, self.channels)];
        self.bandpass.process_frames(&mut x);
        let bandpassed = x[0];
        self.notch.process_frames(&mut x);
        self.finish_frame(&bandpassed, &x[0]);
        &self.out
    }

    /// Envelope, pair indices and the output record for one frame that has been filtered.
    #[inline(always)]
    fn finish_frame(&mut self, bandpassed: &Lanes, filtered: &Lanes) {
        self.out.bandpassed = f32_lanes(bandpassed);
        self.out.filtered = f32_lanes(filtered);
        self.envelopes.push(filtered, &mut self.out.envelope);
        if self.pair_lanes.len > 0 {
            let mut agonist = [0.0; MAX_PAIRS];
            let mut antagonist = [0.0; MAX_PAIRS];
            gather_pairs(
                &self.out.envelope,
                &self.pair_lanes,
                &mut agonist,
                &mut antagonist,
            );
            let mut values = PairValues::default();
            self.trackers
                .push_frames(std::iter::once((agonist, antagonist, &mut values)));
            copy_pairs(&values, self.pair_lanes.len, &mut self.out.pairs);
        }
    }

    /// Runs every frame of `block`, handing each output to `sink` with its stream sample index.
    ///
    /// On x86-64 CPUs with AVX the same loop runs compiled for AVX (twice the lanes per instruction, and
    /// enough registers for the 16 channels). It uses no fused multiply-add, so the output is bit-identical
    /// either way.
    #[inline]
    pub fn process_block(&mut self, block: &SampleBlock, sink: impl FnMut(u64, &FrameOutput)) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU supports AVX, checked just above.
            unsafe { self.process_block_avx(block, sink) };
            return;
        }
        self.process_block_portable(block, sink);
    }

    /// Runs `block` through the chain like [`Self::process_block`] and hands `sink` the block's outputs all
    /// at once, frame `i` at index `i` (for callers that rearrange them, e.g. channel by channel).
    #[inline]
    pub fn process_block_all(&mut self, block: &SampleBlock, sink: impl FnOnce(&[FrameOutput])) {
        self.process_block(block, |_, _| {});
        sink(&self.block.out[..block.len()]);
    }

    /// The block path: each stage runs over the whole block before the next (band-pass, notch, envelopes,
    /// pairs), its state held in registers, writing straight into the block's output records; then the
    /// sink sees every frame in order. Per lane the arithmetic is that of [`Processor::process_frame`].
    #[inline(always)]
    fn process_block_portable(
        &mut self,
        block: &SampleBlock,
        mut sink: impl FnMut(u64, &FrameOutput),
    ) {
        let n = block.len();
        let scratch = &mut *self.block;
        let lanes = &mut scratch.lanes[..n];
        let outs = &mut scratch.out[..n];
        for (x, frame) in lanes.iter_mut().zip(block.frames()) {
            *x = lanes_of(frame, self.channels);
        }
        self.bandpass.process_frames(lanes);
        for (out, x) in outs.iter_mut().zip(lanes.iter()) {
            out.bandpassed = f32_lanes(x);
        }
        self.notch.process_frames(lanes);
        for (out, x) in outs.iter_mut().zip(lanes.iter()) {
            out.filtered = f32_lanes(x);
        }
        self.envelopes
            .push_frames(lanes.iter().zip(outs.iter_mut().map(|o| &mut o.envelope)));
        if self.pair_lanes.len > 0 {
            let values = &mut scratch.pairs[..n];
            let pairs = &self.pair_lanes;
            self.trackers
                .push_frames(outs.iter().zip(values.iter_mut()).map(|(out, v)| {
                    let (mut a, mut b) = ([0.0; MAX_PAIRS], [0.0; MAX_PAIRS]);
                    gather_pairs(&out.envelope, pairs, &mut a, &mut b);
                    (a, b, v)
                }));
            for (out, v) in outs.iter_mut().zip(values.iter()) {
                copy_pairs(v, self.pair_lanes.len, &mut out.pairs);
            }
        }
        for (i, out) in outs.iter().enumerate() {
            sink(block.first_sample + i as u64, out);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    fn process_block_avx(&mut self, block: &SampleBlock, sink: impl FnMut(u64, &FrameOutput)) {
        self.process_block_portable(block, sink);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(out: &FrameOutput) -> Vec<u32> {
        let mut v: Vec<u32> = out
            .bandpassed
            .iter()
            .chain(&out.filtered)
            .chain(&out.envelope)
            .map(|x| x.to_bits())
            .collect();
        for p in &out.pairs {
            v.extend([p.ratio.to_bits(), p.cci.to_bits(), p.rudolph.to_bits()]);
        }
        v
    }

    /// The block path (stage by stage over a block) equals the frame path bit for bit, every field of
    /// every frame, for full and partial channel counts, pairs in any order and blocks of any size.
    #[test]
    fn block_path_is_bit_identical_to_the_frame_path() {
        let cases: [(usize, &[(usize, usize)]); 4] = [
            (
                16,
                &[
                    (0, 1),
                    (2, 3),
                    (4, 5),
                    (6, 7),
                    (8, 9),
                    (10, 11),
                    (12, 13),
                    (14, 15),
                ],
            ),
            (5, &[(4, 0), (1, 3), (2, 2)]),
            (8, &[]),
            (1, &[(0, 0)]),
        ];
        for (channels, pairs) in cases {
            let pairs: Vec<MusclePair> = pairs
                .iter()
                .map(|&(agonist, antagonist)| MusclePair {
                    agonist,
                    antagonist,
                })
                .collect();
            let cfg = DspConfig::default();
            let mut by_frame = Processor::new(channels, 2000.0, &cfg, &pairs).unwrap();
            let mut by_block = by_frame.clone();
            let mut seed = 7u64;
            let mut next = move || {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (seed >> 33) as usize
            };
            let mut n = 0usize;
            while n < 3000 {
                let size = 1 + next() % BLOCK_FRAMES;
                let mut block = SampleBlock::new(n as u64, channels);
                for f in n..n + size {
                    // Bursts and silences (exact zeros), so sums rise and fall back to zero.
                    let on = (f / 400) % 2 == 0;
                    let frame: Vec<f32> = (0..channels)
                        .map(|c| {
                            if on || c % 2 == 1 {
                                ((next() % 2001) as f32 - 1000.0) * 0.05 * (c + 1) as f32
                            } else {
                                0.0
                            }
                        })
                        .collect();
                    block.push_frame(&frame);
                }
                let mut expected = Vec::new();
                for i in 0..block.len() {
                    expected.push(bits(by_frame.process_frame(block.frame(i))));
                }
                let mut k = 0;
                by_block.process_block(&block, |index, out| {
                    assert_eq!(index, n as u64 + k as u64);
                    assert_eq!(bits(out), expected[k], "{channels} ch, frame {}", n + k);
                    k += 1;
                });
                assert_eq!(k, block.len());
                n += size;
            }
        }
    }
}
