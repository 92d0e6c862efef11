//! What the analysis pass hands an envelope sink: a run of consecutive frames' envelopes, channel by
//! channel, straight from the pass's own planes (once per chunk of about a thousand frames, not per frame).

use crate::block::MAX_CHANNELS;

/// A run of consecutive frames' RMS envelopes (uV), channel by channel.
#[derive(Clone, Copy, Debug)]
pub struct EnvelopeRun<'a> {
    planes: &'a [f32],
    plane: usize,
    channels: usize,
    frames: usize,
    first: u64,
}

impl<'a> EnvelopeRun<'a> {
    /// `frames` frames of `channels` channels, channel `c`'s at `planes[c * plane..][..frames]`, the first
    /// being frame `first` of the recording. Panics, like slice indexing, if `planes` is too short.
    pub fn new(
        planes: &'a [f32],
        plane: usize,
        channels: usize,
        frames: usize,
        first: u64,
    ) -> Self {
        assert!(channels == 0 || planes.len() >= (channels - 1) * plane + frames);
        Self {
            planes,
            plane,
            channels,
            frames,
            first,
        }
    }

    /// The recording's frame number of the run's first frame.
    pub fn first_frame(&self) -> u64 {
        self.first
    }

    /// Frames in the run.
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Channels per frame.
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Channel `c`'s envelope over the run.
    pub fn channel(&self, c: usize) -> &'a [f32] {
        &self.planes[c * self.plane..c * self.plane + self.frames]
    }

    /// Calls `f` with every frame's envelopes (all channels) in order, stopping at the first error.
    pub fn for_each_frame<E>(&self, mut f: impl FnMut(&[f32]) -> Result<(), E>) -> Result<(), E> {
        let channels = self.channels.min(MAX_CHANNELS);
        let mut frame = [0.0f32; MAX_CHANNELS];
        for i in 0..self.frames {
            for (c, v) in frame.iter_mut().enumerate().take(channels) {
                *v = self.planes[c * self.plane + i];
            }
            f(&frame[..channels])?;
        }
        Ok(())
    }

    /// Channel `c`'s smallest and largest value in each piece of the run that lies in one bucket of
    /// `bucket` frames (buckets counted from the recording's first frame), in order:
    /// `f(starts_a_bucket, smallest, largest)`. What an overview or a printed plot draws per column.
    pub fn bucket_extremes(&self, c: usize, bucket: u64, mut f: impl FnMut(bool, f32, f32)) {
        let bucket = bucket.max(1);
        let values = self.channel(c);
        let mut i = 0;
        while i < values.len() {
            let at = (self.first + i as u64) % bucket;
            let end = (i as u64 + (bucket - at)).min(values.len() as u64) as usize;
            let piece = &values[i..end];
            let (lo, hi) = piece
                .iter()
                .fold((piece[0], piece[0]), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
            f(at == 0, lo, hi);
            i = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bucket extremes equal those of a frame-by-frame walk, whatever the run's start and length.
    #[test]
    fn bucket_extremes_equal_a_frame_by_frame_walk() {
        let (channels, plane, frames) = (3, 50, 47);
        let planes: Vec<f32> = (0..channels * plane)
            .map(|i| ((i * 37) % 101) as f32)
            .collect();
        for first in [0u64, 1, 6, 7, 13] {
            for bucket in [1u64, 2, 7, 100] {
                let run = EnvelopeRun::new(&planes, plane, channels, frames, first);
                for c in 0..channels {
                    let mut got = Vec::new();
                    run.bucket_extremes(c, bucket, |start, lo, hi| got.push((start, lo, hi)));
                    let mut want: Vec<(bool, f32, f32)> = Vec::new();
                    for (i, &v) in run.channel(c).iter().enumerate() {
                        let start = (first + i as u64).is_multiple_of(bucket);
                        match want.last_mut() {
                            Some(last) if !start => {
                                (last.1, last.2) = (last.1.min(v), last.2.max(v))
                            }
                            _ => want.push((start || want.is_empty(), v, v)),
                        }
                    }
                    // The first piece starts a bucket only if the run starts on a bucket's edge.
                    if let Some(w) = want.first_mut() {
                        w.0 = first.is_multiple_of(bucket);
                    }
                    assert_eq!(got, want, "first {first} bucket {bucket} channel {c}");
                }
                let mut seen = Vec::new();
                run.for_each_frame(|f| {
                    seen.push(f.to_vec());
                    Ok::<(), ()>(())
                })
                .unwrap();
                assert_eq!(seen.len(), frames);
                assert_eq!(seen[5][2], planes[2 * plane + 5]);
            }
        }
    }
}
