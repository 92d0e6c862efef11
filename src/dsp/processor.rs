//! The per-sample chain for all channels and pairs: band-pass -> notch -> RMS envelope -> co-contraction.

use super::MusclePair;
use super::cocontraction::{CoContraction, PairTracker};
use super::config::{DspConfig, DspError, EffectiveDsp};
use super::envelope::RmsEnvelope;
use super::sos_filter::SosFilter;
use crate::block::{MAX_CHANNELS, SampleBlock};

/// Most pairs a processor tracks.
pub const MAX_PAIRS: usize = MAX_CHANNELS / 2;

/// What the chain produced for one frame. Fixed-size so nothing is allocated per sample.
#[derive(Clone, Copy, Debug, Default)]
pub struct FrameOutput {
    /// Band-passed, notched signal per channel, uV.
    pub filtered: [f32; MAX_CHANNELS],
    /// RMS envelope per channel, uV.
    pub envelope: [f32; MAX_CHANNELS],
    /// Co-contraction per pair, in the order the pairs were given.
    pub pairs: [CoContraction; MAX_PAIRS],
}

/// Stateful processing of a multi-channel stream. State is kept across blocks, so block boundaries never
/// show in the output.
#[derive(Clone, Debug)]
pub struct Processor {
    config: DspConfig,
    effective: EffectiveDsp,
    channels: usize,
    bandpass: Vec<SosFilter>,
    notch: Vec<SosFilter>,
    envelopes: Vec<RmsEnvelope>,
    pairs: Vec<MusclePair>,
    trackers: Vec<PairTracker>,
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
            bandpass: vec![SosFilter::new(&effective.bandpass_sos); channels],
            notch: vec![SosFilter::new(&effective.notch_sos); channels],
            envelopes: vec![RmsEnvelope::new(effective.envelope_window_samples); channels],
            trackers: vec![PairTracker::new(effective.cci_window_samples); pairs.len()],
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
        self.notch = vec![SosFilter::new(&effective.notch_sos); self.channels];
        self.config = config;
        self.effective = effective;
        Ok(())
    }

    /// Runs one frame (one value per channel; missing values read as 0) through the chain.
    #[inline]
    pub fn process_frame(&mut self, frame: &[f32]) -> &FrameOutput {
        for c in 0..self.channels {
            let x = frame.get(c).copied().unwrap_or(0.0) as f64;
            let y = self.notch[c].process(self.bandpass[c].process(x));
            self.out.filtered[c] = y as f32;
            self.out.envelope[c] = self.envelopes[c].push(y) as f32;
        }
        for (i, (pair, tracker)) in self.pairs.iter().zip(self.trackers.iter_mut()).enumerate() {
            self.out.pairs[i] = tracker.push(
                self.out.envelope[pair.agonist] as f64,
                self.out.envelope[pair.antagonist] as f64,
            );
        }
        &self.out
    }

    /// Runs every frame of `block`, handing each output to `sink` with its stream sample index.
    #[inline]
    pub fn process_block(&mut self, block: &SampleBlock, mut sink: impl FnMut(u64, &FrameOutput)) {
        for (i, frame) in block.frames().enumerate() {
            let out = self.process_frame(frame);
            sink(block.first_sample + i as u64, out);
        }
    }
}
