//! The per-sample chain for all channels and pairs: band-pass -> notch -> RMS envelope -> co-contraction.

use super::MusclePair;
use super::bank::{FilterBank, LANES, Lanes, RmsBank};
use super::cocontraction::{CoContraction, PairBank};
use super::config::{DspConfig, DspError, EffectiveDsp};
use crate::block::{BLOCK_FRAMES, MAX_CHANNELS, SampleBlock};

/// One frame's values spread over the lanes (missing channels read as 0).
#[inline(always)]
fn lanes_of(frame: &[f32], channels: usize) -> Lanes {
    let mut x: Lanes = [0.0; LANES];
    for (lane, v) in x.iter_mut().zip(frame.iter().take(channels)) {
        *lane = *v as f64;
    }
    x
}

/// Most pairs a processor tracks.
pub const MAX_PAIRS: usize = MAX_CHANNELS / 2;

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
    trackers: PairBank,
    out: FrameOutput,
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
        if pairs.len() > MAX_PAIRS {
            return Err(DspError::Invalid(format!("at most {MAX_PAIRS} pairs")));
        }
        if let Some(p) = pairs
            .iter()
            .find(|p| p.agonist >= channels || p.antagonist >= channels)
        {
            return Err(DspError::Invalid(format!(
                "pair {}:{} names a channel beyond the {channels} there are",
                p.agonist + 1,
                p.antagonist + 1
            )));
        }
        let effective = config.effective(fs)?;
        Ok(Self {
            bandpass: FilterBank::new(&effective.bandpass_sos),
            notch: FilterBank::new(&effective.notch_sos),
            envelopes: RmsBank::new(effective.envelope_window_samples),
            trackers: PairBank::new(effective.cci_window_samples),
            pairs: pairs.to_vec(),
            config: config.clone(),
            effective,
            channels,
            out: FrameOutput::default(),
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
        for (out, y) in self.out.bandpassed.iter_mut().zip(bandpassed) {
            *out = *y as f32;
        }
        for (out, y) in self.out.filtered.iter_mut().zip(filtered) {
            *out = *y as f32;
        }
        self.envelopes.push(filtered, &mut self.out.envelope);
        if !self.pairs.is_empty() {
            let mut agonist = [0.0; MAX_PAIRS];
            let mut antagonist = [0.0; MAX_PAIRS];
            for (k, pair) in self.pairs.iter().enumerate() {
                agonist[k] = self.out.envelope[pair.agonist] as f64;
                antagonist[k] = self.out.envelope[pair.antagonist] as f64;
            }
            self.trackers
                .push(&agonist, &antagonist, &mut self.out.pairs);
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

    #[inline(always)]
    fn process_block_portable(
        &mut self,
        block: &SampleBlock,
        mut sink: impl FnMut(u64, &FrameOutput),
    ) {
        let n = block.len();
        let mut filtered = [[0.0; LANES]; BLOCK_FRAMES];
        for (lanes, frame) in filtered.iter_mut().zip(block.frames()) {
            *lanes = lanes_of(frame, self.channels);
        }
        self.bandpass.process_frames(&mut filtered[..n]);
        let bandpassed = filtered;
        self.notch.process_frames(&mut filtered[..n]);
        for i in 0..n {
            self.finish_frame(&bandpassed[i], &filtered[i]);
            sink(block.first_sample + i as u64, &self.out);
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx")]
    fn process_block_avx(&mut self, block: &SampleBlock, sink: impl FnMut(u64, &FrameOutput)) {
        self.process_block_portable(block, sink);
    }
}
