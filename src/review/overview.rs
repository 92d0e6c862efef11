//! The whole recording at screen resolution: per channel and per bucket of frames, the raw minimum and
//! maximum and the envelope's peak. Built in one pass with fixed memory; drawing pools it further to the
//! visible range and the plot's width.

use super::{MAX_OVERVIEW_POINTS, OVERVIEW_RATE_HZ};
use crate::analysis::EnvelopeRun;

/// One channel of the overview.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OverviewChannel {
    /// Lowest raw sample per bucket, uV.
    pub raw_min: Vec<f32>,
    /// Highest raw sample per bucket, uV.
    pub raw_max: Vec<f32>,
    /// Highest RMS envelope value per bucket, uV.
    pub envelope: Vec<f32>,
}

/// The recording at overview resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Overview {
    /// Frames per bucket.
    pub bucket_frames: u64,
    /// Sample rate, Hz.
    pub sample_rate: f64,
    /// Per channel.
    pub channels: Vec<OverviewChannel>,
}

/// Frames per bucket for a recording of `frames` frames: 100 points per second, fewer for long recordings
/// so no channel holds more than [`MAX_OVERVIEW_POINTS`].
pub fn bucket_frames(frames: u64, sample_rate: f64) -> u64 {
    let fine = (sample_rate / OVERVIEW_RATE_HZ).round().max(1.0) as u64;
    let fit = frames.div_ceil(MAX_OVERVIEW_POINTS as u64).max(1);
    fine.max(fit)
}

/// Collects raw min/max per bucket, frame by frame.
#[derive(Debug)]
pub struct Builder {
    bucket: u64,
    sample_rate: f64,
    in_bucket: u64,
    channels: Vec<OverviewChannel>,
}

impl Builder {
    /// A builder for `channels` channels with `bucket` frames per point.
    pub fn new(channels: usize, bucket: u64, sample_rate: f64) -> Self {
        Self {
            bucket: bucket.max(1),
            sample_rate,
            in_bucket: 0,
            channels: vec![OverviewChannel::default(); channels],
        }
    }

    /// Takes one frame of raw samples.
    pub fn push_raw(&mut self, frame: &[f32]) {
        let start = self.in_bucket == 0;
        for (ch, &v) in self.channels.iter_mut().zip(frame) {
            if start {
                ch.raw_min.push(v);
                ch.raw_max.push(v);
            } else if let (Some(lo), Some(hi)) = (ch.raw_min.last_mut(), ch.raw_max.last_mut()) {
                *lo = lo.min(v);
                *hi = hi.max(v);
            }
        }
        self.in_bucket = (self.in_bucket + 1) % self.bucket;
    }

    /// Takes `frames` frames of `channels` interleaved raw samples.
    pub fn push_block(&mut self, samples: &[f32], channels: usize) {
        for frame in samples.chunks_exact(channels.max(1)) {
            self.push_raw(frame);
        }
    }

    /// The overview of the raw signal alone (its envelope tracks empty until [`Overview::set_envelope`]).
    pub fn finish_raw(self) -> Overview {
        Overview {
            bucket_frames: self.bucket,
            sample_rate: self.sample_rate,
            channels: self.channels,
        }
    }

    /// The overview, with the envelope collected alongside.
    pub fn finish(self, envelope: EnvelopeBuckets) -> Overview {
        let mut o = self.finish_raw();
        o.set_envelope(envelope);
        o
    }
}

/// Collects the envelope's peak per bucket, frame by frame.
#[derive(Debug)]
pub struct EnvelopeBuckets {
    bucket: u64,
    channels: Vec<Vec<f32>>,
}

impl EnvelopeBuckets {
    /// For `channels` channels with `bucket` frames per point.
    pub fn new(channels: usize, bucket: u64) -> Self {
        Self {
            bucket: bucket.max(1),
            channels: vec![Vec::new(); channels],
        }
    }

    /// Takes a run of frames' envelopes (all channels), the next after those taken so far.
    pub fn push_run(&mut self, run: &EnvelopeRun<'_>) {
        for (c, ch) in self.channels.iter_mut().enumerate().take(run.channels()) {
            run.bucket_extremes(c, self.bucket, |start, _, hi| match ch.last_mut() {
                Some(last) if !start => *last = last.max(hi),
                _ => ch.push(hi),
            });
        }
    }
}

/// Which track of a channel to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Track {
    /// Raw minimum.
    RawMin,
    /// Raw maximum.
    RawMax,
    /// Envelope.
    Envelope,
}

impl Overview {
    /// Seconds per point.
    pub fn step_s(&self) -> f64 {
        self.bucket_frames as f64 / self.sample_rate
    }

    /// Adds the envelope's tracks (collected by the analysis pass over the same frames).
    pub fn set_envelope(&mut self, envelope: EnvelopeBuckets) {
        for (ch, env) in self.channels.iter_mut().zip(envelope.channels) {
            ch.envelope = env;
            // Both sides saw the same frames; trim defensively so every track has the same length.
            let n = ch.raw_min.len().min(ch.envelope.len());
            ch.raw_min.truncate(n);
            ch.raw_max.truncate(n);
            ch.envelope.truncate(n);
        }
    }

    /// True once the envelope's tracks are in (the raw tracks come first).
    pub fn has_envelope(&self) -> bool {
        self.channels.iter().any(|c| !c.envelope.is_empty())
    }

    /// Points per channel.
    pub fn len(&self) -> usize {
        self.channels.first().map_or(0, |c| c.raw_min.len())
    }

    /// True when the recording held no frames.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The points of one track between `t0` and `t1` seconds, pooled to at most `max_points` (minimum for
    /// [`Track::RawMin`], maximum otherwise, so no peak disappears when zoomed out). `(time, value)` pairs.
    pub fn visible(
        &self,
        channel: usize,
        track: Track,
        t0: f64,
        t1: f64,
        max_points: usize,
    ) -> Vec<[f64; 2]> {
        let Some(ch) = self.channels.get(channel) else {
            return Vec::new();
        };
        let data = match track {
            Track::RawMin => &ch.raw_min,
            Track::RawMax => &ch.raw_max,
            Track::Envelope => &ch.envelope,
        };
        let step = self.step_s();
        if data.is_empty()
            || t1.partial_cmp(&t0) != Some(std::cmp::Ordering::Greater)
            || max_points == 0
        {
            return Vec::new();
        }
        let first = ((t0 / step).floor().max(0.0) as usize).min(data.len());
        let last = ((t1 / step).ceil().max(0.0) as usize + 1).min(data.len());
        let span = &data[first..last];
        let pool = span.len().div_ceil(max_points).max(1);
        span.chunks(pool)
            .enumerate()
            .map(|(k, chunk)| {
                let v = match track {
                    Track::RawMin => chunk.iter().copied().fold(f32::INFINITY, f32::min),
                    _ => chunk.iter().copied().fold(f32::NEG_INFINITY, f32::max),
                };
                [(first + k * pool) as f64 * step, v as f64]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_recordings_stay_within_the_point_budget() {
        assert_eq!(bucket_frames(2000, 2000.0), 20);
        let hour = 3600 * 2000;
        let b = bucket_frames(hour, 2000.0);
        assert!(hour.div_ceil(b) as usize <= MAX_OVERVIEW_POINTS);
    }

    #[test]
    fn buckets_keep_the_extremes_and_pooling_keeps_peaks() {
        let mut b = Builder::new(1, 4, 400.0);
        let mut e = EnvelopeBuckets::new(1, 4);
        for i in 0..10 {
            let v = if i == 5 { 9.0 } else { i as f32 * 0.1 };
            b.push_raw(&[v]);
            e.push_run(&EnvelopeRun::new(&[v.abs()], 1, 1, 1, i));
        }
        let o = b.finish(e);
        assert_eq!(o.len(), 3);
        assert_eq!(o.channels[0].raw_max, vec![0.3, 9.0, 0.90000004]);
        assert_eq!(o.channels[0].raw_min, vec![0.0, 0.4, 0.8]);
        let pooled = o.visible(0, Track::Envelope, 0.0, 1.0, 1);
        assert_eq!(pooled, vec![[0.0, 9.0]]);
        let window = o.visible(0, Track::RawMin, 0.011, 0.02, 10);
        assert_eq!(window.first().map(|p| p[1]), Some(0.4f32 as f64));
    }
}
