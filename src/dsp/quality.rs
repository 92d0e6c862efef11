//! Signal quality per channel, in plain words: is this electrode worth looking at?
//!
//! Measures: baseline noise (5th percentile of the 100 ms RMS envelope: the quietest moments), activity (95th
//! percentile), mains hum as an RMS amplitude (see [`HumMeter`]),
//! clipping (share of samples sitting at the channel's extreme value) and resolution (how many distinct
//! values the channel took: a flat or disconnected channel shows only a few ADC steps).

use serde::{Deserialize, Serialize};

/// Mains hum RMS (uV) from the per-epoch hum powers (uV^2) summed with each epoch's length as weight.
pub fn hum_rms(weighted_hum_power: f64, frames: u64) -> f64 {
    if frames == 0 {
        0.0
    } else {
        (weighted_hum_power / frames as f64).max(0.0).sqrt()
    }
}

/// Variance (uV^2) in a band from an unscaled one-sided Welch periodogram of periodic-Hann segments of
/// `segment` samples (Parseval: `2 * sum(P) / (N * 3N/8)`), counting bins from `low` to `high` Hz.
pub fn band_variance(power: &[f64], segment: usize, df: f64, low: f64, high: f64) -> f64 {
    let sum: f64 = power
        .iter()
        .enumerate()
        .filter(|(k, _)| {
            let f = *k as f64 * df;
            f >= low && f <= high
        })
        .map(|(_, p)| p)
        .sum();
    let n = segment as f64;
    2.0 * sum / (n * 3.0 * n / 8.0)
}

pub use super::hum::HumMeter;

/// The verdict shown before a set and in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Usable as it is.
    Good,
    /// Usable, but something should be fixed (hum, clipping, a weak signal).
    CheckElectrode,
    /// No usable EMG on this channel.
    Unusable,
}

impl Verdict {
    /// Plain words for the UI.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::CheckElectrode => "check electrode",
            Verdict::Unusable => "unusable",
        }
    }
}

/// Thresholds (uV and fractions); chosen from SENIAM practice and checked on the real recordings in
/// tests/data/real.
pub mod limits {
    /// Below this 95th-percentile envelope a channel never showed EMG: flat, dead or off the muscle.
    pub const FLAT_ACTIVITY_UV: f64 = 5.0;
    /// Below this the EMG is weak: move the electrode over the muscle belly.
    pub const WEAK_ACTIVITY_UV: f64 = 15.0;
    /// Mains hum RMS above which the signal is drowned.
    pub const HUM_UNUSABLE_UV: f64 = 100.0;
    /// Mains hum RMS above which the skin preparation or reference electrode needs attention.
    pub const HUM_CHECK_UV: f64 = 30.0;
    /// Share of clipped samples that makes a channel unusable.
    pub const CLIP_UNUSABLE: f64 = 0.05;
    /// Share of clipped samples worth a warning.
    pub const CLIP_CHECK: f64 = 0.01;
}

/// Quality measures of one channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelQuality {
    /// 5th percentile of the RMS envelope, uV.
    pub baseline_noise_uv: f64,
    /// 95th percentile of the RMS envelope, uV.
    pub activity_uv: f64,
    /// RMS of the mains hum (before the notch), uV.
    pub mains_hum_uv: f64,
    /// Mains hum power / 20-450 Hz band power (before the notch).
    pub mains_hum_ratio: f64,
    /// Share of samples at the channel's extreme value (0..1).
    pub clipped_fraction: f64,
    /// Distinct raw values seen (capped at 1000).
    pub distinct_values: usize,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in plain words.
    pub reason: String,
    /// Median frequency of the filtered signal over the last second, Hz (live fatigue trend; `None` offline
    /// and for a silent second).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_frequency_hz: Option<f64>,
}

/// Applies the limits to the measures.
pub fn judge(activity_uv: f64, hum_uv: f64, clipped: f64) -> (Verdict, String) {
    use limits::*;
    if activity_uv < FLAT_ACTIVITY_UV {
        return (
            Verdict::Unusable,
            format!("no EMG: the envelope never rises above {activity_uv:.1} uV"),
        );
    }
    if clipped > CLIP_UNUSABLE {
        return (
            Verdict::Unusable,
            format!(
                "{:.1} % of samples clipped: lower the gain",
                clipped * 100.0
            ),
        );
    }
    if hum_uv > HUM_UNUSABLE_UV {
        return (
            Verdict::Unusable,
            format!("mains hum of {hum_uv:.0} uV drowns the EMG"),
        );
    }
    if hum_uv > HUM_CHECK_UV {
        return (
            Verdict::CheckElectrode,
            format!("mains hum of {hum_uv:.0} uV: prepare the skin, check the reference"),
        );
    }
    if clipped > CLIP_CHECK {
        return (
            Verdict::CheckElectrode,
            format!("{:.1} % of samples clipped", clipped * 100.0),
        );
    }
    if activity_uv < WEAK_ACTIVITY_UV {
        return (
            Verdict::CheckElectrode,
            format!("weak EMG ({activity_uv:.1} uV): move over the muscle belly"),
        );
    }
    (Verdict::Good, "good signal".into())
}

/// Streaming counters for clipping and resolution of one channel: fixed memory, no allocation per sample
/// (it also runs in the DSP thread).
#[derive(Clone, Debug)]
pub struct RawTracker {
    min: f32,
    max: f32,
    at_min: u64,
    at_max: u64,
    total: u64,
    distinct: DistinctCounter,
}

impl Default for RawTracker {
    fn default() -> Self {
        Self {
            min: 0.0,
            max: 0.0,
            at_min: 0,
            at_max: 0,
            total: 0,
            distinct: DistinctCounter::default(),
        }
    }
}

/// Distinct values tracked before counting stops (enough to tell a flat channel from a live one).
const DISTINCT_CAP: usize = 1000;
const DISTINCT_SLOTS: usize = 2048;

/// Counts distinct f32 bit patterns up to [`DISTINCT_CAP`] in a fixed open-addressing table.
#[derive(Clone, Debug)]
struct DistinctCounter {
    slots: Box<[u32; DISTINCT_SLOTS]>,
    used: Box<[bool; DISTINCT_SLOTS]>,
    count: usize,
}

impl Default for DistinctCounter {
    fn default() -> Self {
        Self {
            slots: Box::new([0; DISTINCT_SLOTS]),
            used: Box::new([false; DISTINCT_SLOTS]),
            count: 0,
        }
    }
}

impl DistinctCounter {
    /// No more values are counted.
    fn full(&self) -> bool {
        self.count >= DISTINCT_CAP
    }

    #[inline]
    fn insert(&mut self, bits: u32) {
        if self.count >= DISTINCT_CAP {
            return;
        }
        let mut i = (bits.wrapping_mul(0x9E37_79B1) >> 21) as usize % DISTINCT_SLOTS;
        loop {
            if !self.used[i] {
                self.used[i] = true;
                self.slots[i] = bits;
                self.count += 1;
                return;
            }
            if self.slots[i] == bits {
                return;
            }
            i = (i + 1) % DISTINCT_SLOTS;
        }
    }

    fn clear(&mut self) {
        self.used.fill(false);
        self.count = 0;
    }
}

/// A block's smallest and largest finite values, how many samples equal each, and how many are finite.
#[derive(Clone, Copy, Debug)]
struct Extremes {
    lo: f32,
    at_lo: u64,
    hi: f32,
    at_hi: u64,
    finite: u64,
}

/// The [`Extremes`] of `values` (`None` when no value is finite). On x86-64 with AVX, eight values at a
/// time through registers (one pass for the extremes, one for how often each occurs; both in the
/// first-level cache for a chunk); elsewhere a plain scan. A zero extreme keeps the sign of the first such
/// value met, as a running comparison would.
fn extremes(values: &[f32]) -> Option<Extremes> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        return unsafe { extremes_avx(values) };
    }
    extremes_scan(values)
}

/// The plain scan: what [`extremes`] must equal.
fn extremes_scan(values: &[f32]) -> Option<Extremes> {
    let mut e: Option<Extremes> = None;
    for &v in values.iter().filter(|v| v.is_finite()) {
        let e = e.get_or_insert(Extremes {
            lo: v,
            at_lo: 0,
            hi: v,
            at_hi: 0,
            finite: 0,
        });
        if v < e.lo {
            (e.lo, e.at_lo) = (v, 0);
        }
        if v > e.hi {
            (e.hi, e.at_hi) = (v, 0);
        }
        e.at_lo += (v == e.lo) as u64;
        e.at_hi += (v == e.hi) as u64;
        e.finite += 1;
    }
    e
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn extremes_avx(values: &[f32]) -> Option<Extremes> {
    use std::arch::x86_64::*;
    let lanes = values.chunks_exact(8);
    let rest = lanes.remainder();
    // SAFETY: every load reads one whole chunk of eight values (`chunks_exact`); the stores write arrays
    // of eight.
    let (lo, hi, finite) = unsafe {
        let abs = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fff_ffff));
        let inf = _mm256_set1_ps(f32::INFINITY);
        let minus_inf = _mm256_set1_ps(f32::NEG_INFINITY);
        let (mut lo, mut hi, mut finite) = (inf, minus_inf, 0u64);
        for lane in lanes.clone() {
            let v = _mm256_loadu_ps(lane.as_ptr());
            // Finite: |v| below infinity (false for NaN).
            let ok = _mm256_cmp_ps::<_CMP_LT_OQ>(_mm256_and_ps(v, abs), inf);
            lo = _mm256_min_ps(lo, _mm256_blendv_ps(inf, v, ok));
            hi = _mm256_max_ps(hi, _mm256_blendv_ps(minus_inf, v, ok));
            finite += _mm256_movemask_ps(ok).count_ones() as u64;
        }
        let (mut l, mut h) = ([0.0f32; 8], [0.0f32; 8]);
        _mm256_storeu_ps(l.as_mut_ptr(), lo);
        _mm256_storeu_ps(h.as_mut_ptr(), hi);
        let mut lo = l.into_iter().fold(f32::INFINITY, f32::min);
        let mut hi = h.into_iter().fold(f32::NEG_INFINITY, f32::max);
        for &v in rest.iter().filter(|v| v.is_finite()) {
            (lo, hi, finite) = (lo.min(v), hi.max(v), finite + 1);
        }
        (lo, hi, finite)
    };
    if finite == 0 {
        return None;
    }
    // SAFETY: as above.
    let (mut at_lo, mut at_hi) = unsafe {
        let (l, h) = (_mm256_set1_ps(lo), _mm256_set1_ps(hi));
        let (mut at_lo, mut at_hi) = (0u64, 0u64);
        for lane in lanes {
            let v = _mm256_loadu_ps(lane.as_ptr());
            at_lo += _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_EQ_OQ>(v, l)).count_ones() as u64;
            at_hi += _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_EQ_OQ>(v, h)).count_ones() as u64;
        }
        (at_lo, at_hi)
    };
    for &v in rest {
        at_lo += (v == lo) as u64;
        at_hi += (v == hi) as u64;
    }
    let first_equal = |x: f32| values.iter().copied().find(|v| *v == x).unwrap_or(x);
    Some(Extremes {
        lo: if lo == 0.0 { first_equal(lo) } else { lo },
        at_lo,
        hi: if hi == 0.0 { first_equal(hi) } else { hi },
        at_hi,
        finite,
    })
}

impl RawTracker {
    /// Counts one raw sample.
    #[inline]
    pub fn add(&mut self, v: f32) {
        if !v.is_finite() {
            return;
        }
        if self.total == 0 || v < self.min {
            self.min = v;
            self.at_min = 0;
        }
        if self.total == 0 || v > self.max {
            self.max = v;
            self.at_max = 0;
        }
        if v == self.min {
            self.at_min += 1;
        }
        if v == self.max {
            self.at_max += 1;
        }
        self.total += 1;
        self.distinct.insert(v.to_bits());
    }

    /// Counts every sample of `values`, as [`Self::add`] one by one would: the running minimum's count is
    /// the number of samples equal to the final minimum, so a block's extremes and their counts merge.
    pub fn add_all(&mut self, values: &[f32]) {
        let Some(Extremes {
            lo,
            at_lo,
            hi,
            at_hi,
            finite,
        }) = extremes(values)
        else {
            return;
        };
        if self.total == 0 || lo < self.min {
            (self.min, self.at_min) = (lo, at_lo);
        } else if lo == self.min {
            self.at_min += at_lo;
        }
        if self.total == 0 || hi > self.max {
            (self.max, self.at_max) = (hi, at_hi);
        } else if hi == self.max {
            self.at_max += at_hi;
        }
        self.total += finite;
        for &v in values {
            if self.distinct.full() {
                break;
            }
            if v.is_finite() {
                self.distinct.insert(v.to_bits());
            }
        }
    }

    /// Forgets everything (a new window).
    pub fn reset(&mut self) {
        self.total = 0;
        self.at_min = 0;
        self.at_max = 0;
        self.distinct.clear();
    }

    /// Share of samples at the extremes, counting an extreme only when it repeats (a railed ADC), so a
    /// single peak is not called clipping.
    pub fn clipped_fraction(&self) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let railed = |n: u64| {
            if n > 2 && n as f64 > 1e-3 * self.total as f64 {
                n
            } else {
                0
            }
        };
        let n = if self.min == self.max {
            0
        } else {
            railed(self.at_min) + railed(self.at_max)
        };
        n as f64 / self.total as f64
    }

    /// Distinct values seen (capped).
    pub fn distinct_values(&self) -> usize {
        self.distinct.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_tracker_counts_distinct_values_and_railed_extremes() {
        let mut t = RawTracker::default();
        for i in 0..10_000 {
            t.add((i % 37) as f32);
        }
        assert_eq!(t.distinct_values(), 37);
        // 0 and 36 each hold 1/37 of the samples: railed.
        assert!((t.clipped_fraction() - 2.0 / 37.0).abs() < 1e-3);
        let mut many = RawTracker::default();
        for i in 0..100_000 {
            many.add(i as f32 * 0.5);
        }
        assert_eq!(many.distinct_values(), DISTINCT_CAP);
        assert_eq!(many.clipped_fraction(), 0.0);
        many.reset();
        assert_eq!(many.distinct_values(), 0);
    }

    /// The lane-wise extremes against a plain scan: ragged lengths, signed zeros (the first one met keeps
    /// its sign), infinities and NaN ignored, an extreme repeated in several lanes.
    #[test]
    fn extremes_equal_a_plain_scan() {
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            seed >> 8
        };
        for len in [0, 1, 5, 8, 9, 63, 64, 65, 1000] {
            for kind in 0..4 {
                let values: Vec<f32> = (0..len)
                    .map(|_| match (kind, next() % 13) {
                        (_, 0) => f32::NAN,
                        (_, 1) => f32::NEG_INFINITY,
                        (1, _) => [0.0, -0.0][(next() % 2) as usize],
                        (2, k) => (k % 3) as f32 - 1.0,
                        (_, k) => k as f32 * 0.25 - (next() % 5) as f32,
                    })
                    .collect();
                let finite: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
                let got = extremes(&values);
                let portable = extremes_scan(&values);
                let Some(&first) = finite.first() else {
                    assert!(got.is_none() && portable.is_none());
                    continue;
                };
                let lo = finite
                    .iter()
                    .copied()
                    .fold(first, |a, v| if v < a { v } else { a });
                let hi = finite
                    .iter()
                    .copied()
                    .fold(first, |a, v| if v > a { v } else { a });
                for e in [got.unwrap(), portable.unwrap()] {
                    assert_eq!(e.lo.to_bits(), lo.to_bits(), "len {len} kind {kind}");
                    assert_eq!(e.hi.to_bits(), hi.to_bits(), "len {len} kind {kind}");
                    assert_eq!(e.at_lo, finite.iter().filter(|v| **v == lo).count() as u64);
                    assert_eq!(e.at_hi, finite.iter().filter(|v| **v == hi).count() as u64);
                    assert_eq!(e.finite, finite.len() as u64);
                }
            }
        }
    }

    #[test]
    fn raw_tracker_in_blocks_equals_sample_by_sample() {
        // A railed signal: repeated extremes, new extremes arriving late, NaN and infinities ignored.
        let values: Vec<f32> = (0..5000)
            .map(|i| match i {
                17 => f32::NAN,
                18 => f32::INFINITY,
                _ if i > 4000 => -7.0,
                _ => ((i * 37 % 101) as f32 - 50.0).clamp(-40.0, 40.0),
            })
            .collect();
        let mut one = RawTracker::default();
        values.iter().for_each(|v| one.add(*v));
        for block in [1, 7, 256, 5000] {
            let mut blocks = RawTracker::default();
            values.chunks(block).for_each(|c| blocks.add_all(c));
            assert_eq!(
                blocks.clipped_fraction(),
                one.clipped_fraction(),
                "block {block}"
            );
            assert_eq!(
                blocks.distinct_values(),
                one.distinct_values(),
                "block {block}"
            );
            assert_eq!(
                (
                    blocks.min,
                    blocks.max,
                    blocks.at_min,
                    blocks.at_max,
                    blocks.total
                ),
                (one.min, one.max, one.at_min, one.at_max, one.total)
            );
        }
        assert!(one.clipped_fraction() > 0.0);
    }

    #[test]
    fn hum_of_many_epochs_equals_each_epoch_alone_to_the_bit() {
        // Epochs are measured two at a time; every sum must stay what it is alone (an odd count and a
        // short last epoch take the single-epoch path).
        let mut meter = HumMeter::new(2000, 2000.0, 50.0, 450.0);
        let mut state = 11u64;
        let mut noise = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u32 << 24) as f32 - 0.5) * 40.0
        };
        let epochs: Vec<Vec<f32>> = [2000, 2000, 2000, 2000, 1234]
            .iter()
            .map(|&n| (0..n).map(|_| noise()).collect())
            .collect();
        let views: Vec<&[f32]> = epochs.iter().map(Vec::as_slice).collect();
        let mut together = vec![0.0; views.len()];
        meter.power_many(&views, &mut together);
        for (e, epoch) in epochs.iter().enumerate() {
            let alone = meter.power(&epoch.iter().map(|v| *v as f64).collect::<Vec<_>>());
            assert_eq!(together[e].to_bits(), alone.to_bits(), "epoch {e}");
        }
    }

    #[test]
    fn hum_meter_equals_a_direct_dft_in_double_precision() {
        use std::f64::consts::PI;
        let (fs, n) = (2000.0, 2000);
        let mut state = 5u64;
        let x: Vec<f64> = (0..n)
            .map(|i| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let t = i as f64 / fs;
                20.0 * (2.0 * PI * 50.0 * t + 0.4).sin()
                    + 5.0 * (2.0 * PI * 150.0 * t).sin()
                    + 30.0 * (((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5)
            })
            .collect();
        // The definition, term by term: weighted squared amplitudes of Hann-windowed DFTs at each probe.
        let w: Vec<f64> = (0..n)
            .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos())
            .collect();
        let wsum: f64 = w.iter().sum();
        let mut expected = 0.0;
        for line in [50.0, 150.0, 250.0] {
            for (d, weight) in [
                (0.0, 1.0),
                (-5.0, -1.0 / 6.0),
                (-4.0, -1.0 / 6.0),
                (-3.0, -1.0 / 6.0),
            ]
            .into_iter()
            .chain([(3.0, -1.0 / 6.0), (4.0, -1.0 / 6.0), (5.0, -1.0 / 6.0)])
            {
                let f: f64 = line + d;
                let (mut re, mut im) = (0.0, 0.0);
                for i in 0..n {
                    let ph = 2.0 * PI * f * i as f64 / fs;
                    re += x[i] * w[i] * ph.cos();
                    im -= x[i] * w[i] * ph.sin();
                }
                let a = 2.0 * (re * re + im * im).sqrt() / wsum;
                expected += weight * a * a / 2.0;
            }
        }
        let got = HumMeter::new(n, fs, 50.0, 450.0).power(&x);
        // 20 uV and 5 uV lines: 200 + 12.5 uV^2, less the little noise that falls under them.
        assert!((expected - 212.5).abs() < 5.0, "{expected}");
        assert!(
            (got - expected).abs() < 1e-4 * expected,
            "{got} vs {expected}"
        );
    }

    #[test]
    fn live_monitor_measures_a_known_hum() {
        // A 20 uV-amplitude 50 Hz line (14.1 uV RMS, 200 uV^2) in white noise of 10 uV RMS (100 uV^2, of which
        // 43 % falls in 20-450 Hz): hum ratio about 200 / 243.
        let fs = 2000.0;
        let mut m = QualityMonitor::new(1, fs, 20.0, 450.0, 50.0);
        let mut out = crate::dsp::FrameOutput::default();
        let mut state = 99u64;
        let mut judged = 0;
        for n in 0..(3.0 * fs) as usize {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = (((state >> 11) as f64 / (1u64 << 53) as f64) - 0.5) * 10.0 * 12f64.sqrt();
            let x = 20.0 * (2.0 * std::f64::consts::PI * 50.0 * n as f64 / fs).sin() + noise;
            out.bandpassed[0] = x as f32;
            out.envelope[0] = 17.0;
            if m.push(&[x as f32], &out) {
                m.judge();
                judged += 1;
            }
        }
        assert_eq!(judged, 3);
        let q = &m.latest()[0];
        assert!((q.mains_hum_uv - 14.14).abs() < 2.0, "{q:?}");
        assert!((q.mains_hum_ratio - 0.82).abs() < 0.08, "{q:?}");
        assert_eq!(q.verdict, Verdict::Good, "{q:?}");
    }

    #[test]
    fn verdicts_in_plain_words() {
        assert_eq!(judge(2.0, 1.0, 0.0).0, Verdict::Unusable);
        assert_eq!(judge(80.0, 150.0, 0.0).0, Verdict::Unusable);
        assert_eq!(judge(80.0, 40.0, 0.0).0, Verdict::CheckElectrode);
        assert_eq!(judge(80.0, 5.0, 0.02).0, Verdict::CheckElectrode);
        assert_eq!(judge(10.0, 5.0, 0.0).0, Verdict::CheckElectrode);
        assert_eq!(judge(80.0, 5.0, 0.0).0, Verdict::Good);
    }
}

/// Seconds of signal the live quality check looks back over.
pub const LIVE_WINDOW_S: f64 = 5.0;
/// Envelope samples per second kept for the live percentiles.
const LIVE_ENVELOPE_RATE: f64 = 20.0;

/// Live signal quality, per channel, over the last [`LIVE_WINDOW_S`] seconds, re-judged every second with
/// the same measures and limits as the offline report. Buffers are sized when it is made; per sample it
/// only copies values.
#[derive(Debug)]
pub struct QualityMonitor {
    channels: usize,
    epoch_len: usize,
    filled: usize,
    welch: super::spectrum::Welch,
    df: f64,
    band_edges: (f64, f64),
    hum_meter: HumMeter,
    bandpassed: Vec<Vec<f64>>,
    raw: Vec<RawTracker>,
    /// Per channel: hum power of the last epochs (ring).
    hum: Vec<Vec<f64>>,
    /// Per channel: 20-450 Hz band power of the last epochs (ring).
    band: Vec<Vec<f64>>,
    /// Per channel: decimated envelope over the window (ring) and a scratch copy for percentiles.
    envelope: Vec<Vec<f32>>,
    scratch: Vec<f32>,
    env_pos: usize,
    env_every: usize,
    epoch: usize,
    latest: Vec<ChannelQuality>,
}

impl QualityMonitor {
    /// A monitor for `channels` channels at `fs` Hz with the band-pass edges in force and the mains frequency.
    pub fn new(channels: usize, fs: f64, low_hz: f64, high_hz: f64, mains_hz: f64) -> Self {
        let welch = super::spectrum::Welch::for_rate(fs);
        let df = fs / welch.segment() as f64;
        let epochs = LIVE_WINDOW_S.round() as usize;
        let env_len = (LIVE_WINDOW_S * LIVE_ENVELOPE_RATE).round() as usize;
        let epoch_len = (fs.round() as usize).max(welch.segment());
        Self {
            channels,
            epoch_len,
            filled: 0,
            df,
            band_edges: (low_hz, high_hz),
            hum_meter: HumMeter::new(epoch_len, fs, mains_hz, high_hz),
            bandpassed: vec![Vec::with_capacity(epoch_len); channels],
            raw: vec![RawTracker::default(); channels],
            hum: vec![vec![0.0; epochs]; channels],
            band: vec![vec![0.0; epochs]; channels],
            envelope: vec![vec![0.0; env_len]; channels],
            scratch: vec![0.0; env_len],
            env_pos: 0,
            env_every: ((fs / LIVE_ENVELOPE_RATE).round() as usize).max(1),
            epoch: 0,
            latest: Vec::new(),
            welch,
        }
    }

    /// Adds one frame: the raw values and the chain's output for them. Returns true once a second of signal
    /// is complete; then call [`Self::judge`] (the caller chooses when, so the spectral work never delays the
    /// display). Frames pushed while a full second waits to be judged are not used.
    #[inline]
    pub fn push(&mut self, raw: &[f32], out: &super::FrameOutput) -> bool {
        if self.filled >= self.epoch_len {
            return true;
        }
        for c in 0..self.channels {
            self.raw[c].add(raw.get(c).copied().unwrap_or(0.0));
            self.bandpassed[c].push(out.bandpassed[c] as f64);
        }
        if self.filled.is_multiple_of(self.env_every) {
            for c in 0..self.channels {
                self.envelope[c][self.env_pos] = out.envelope[c];
            }
            self.env_pos = (self.env_pos + 1) % self.scratch.len();
        }
        self.filled += 1;
        self.filled >= self.epoch_len
    }

    /// Judges the completed second (spectra, hum, percentiles); [`Self::latest`] has the result. Does nothing
    /// until a second is complete.
    pub fn judge(&mut self) {
        if self.filled < self.epoch_len {
            return;
        }
        self.close_epoch();
    }

    fn close_epoch(&mut self) {
        let slot = self.epoch % self.hum[0].len().max(1);
        let mut judged = Vec::with_capacity(self.channels);
        for c in 0..self.channels {
            let hum = self.hum_meter.power(&self.bandpassed[c]);
            let segment = self.welch.segment();
            let (band, mdf) = match self.welch.psd(&self.bandpassed[c]) {
                Some(power) => (
                    band_variance(
                        power,
                        segment,
                        self.df,
                        self.band_edges.0,
                        self.band_edges.1,
                    ),
                    super::spectrum::band_frequencies(
                        power,
                        self.df,
                        self.band_edges.0,
                        self.band_edges.1,
                    )
                    .map(|f| f.mdf_hz),
                ),
                None => (0.0, None),
            };
            self.band[c][slot] = band;
            self.hum[c][slot] = hum;
            self.bandpassed[c].clear();
            let epochs_seen = (self.epoch + 1).min(self.hum[c].len());
            let hum_sum: f64 = self.hum[c].iter().sum::<f64>() * self.epoch_len as f64;
            let hum_uv = hum_rms(hum_sum, (epochs_seen * self.epoch_len) as u64);
            self.scratch.copy_from_slice(&self.envelope[c]);
            self.scratch.sort_unstable_by(|a, b| a.total_cmp(b));
            let pct = |q: f64| {
                self.scratch[((q * (self.scratch.len() - 1) as f64).round()) as usize] as f64
            };
            let (activity, baseline) = (pct(0.95), pct(0.05));
            let clipped = self.raw[c].clipped_fraction();
            let (verdict, reason) = judge(activity, hum_uv, clipped);
            judged.push(ChannelQuality {
                baseline_noise_uv: baseline,
                activity_uv: activity,
                mains_hum_uv: hum_uv,
                mains_hum_ratio: {
                    let band: f64 = self.band[c].iter().sum();
                    if band > 0.0 {
                        (self.hum[c].iter().sum::<f64>() / band).max(0.0)
                    } else {
                        0.0
                    }
                },
                clipped_fraction: clipped,
                distinct_values: self.raw[c].distinct_values(),
                verdict,
                reason,
                median_frequency_hz: mdf,
            });
            if slot + 1 == self.hum[c].len() {
                // A new window for clipping and resolution.
                self.raw[c].reset();
            }
        }
        self.latest = judged;
        self.epoch += 1;
        self.filled = 0;
    }

    /// The latest judgement per channel (empty until the first second has passed).
    pub fn latest(&self) -> &[ChannelQuality] {
        &self.latest
    }
}
