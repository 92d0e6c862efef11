//! Fatigue as the slope of the median frequency, from the epochs in which the muscle works only.
//!
//! At rest an epoch's MDF is the noise floor's, not the muscle's: mixing rest epochs into the regression
//! drags a slope towards zero or flips its sign. So an epoch enters only when the muscle is active for at
//! least [`MIN_ACTIVE_FRACTION`] of it (its envelope above its rep or activity threshold), and a slope is
//! given as a number only when it rests on at least [`MIN_EPOCHS`] such epochs spanning [`MIN_SPAN_S`] at a
//! sample rate of at least [`MIN_RATE_HZ`]; otherwise it is reported as unreliable. The live trend, the set
//! summary, the channel report and the history all use [`fatigue_trend`].

use serde::{Deserialize, Serialize};

/// Share of an epoch the muscle must be active for its MDF to count.
pub const MIN_ACTIVE_FRACTION: f64 = 0.5;
/// Fewest active epochs for a reliable slope.
pub const MIN_EPOCHS: usize = 10;
/// Shortest span (first to last active epoch's centre) for a reliable slope, s.
pub const MIN_SPAN_S: f64 = 20.0;
/// Lowest sample rate at which spectral numbers are trusted, Hz.
pub const MIN_RATE_HZ: f64 = 1000.0;

/// One epoch's spectral reading.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochMdf {
    /// The epoch's centre, s.
    pub mid_s: f64,
    /// Its median frequency, Hz (`None` when silent).
    pub mdf_hz: Option<f64>,
    /// Share of the epoch the muscle was active, 0..=1.
    pub active_fraction: f64,
}

/// The fatigue trend over a run of epochs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FatigueTrend {
    /// MDF slope, Hz per minute (negative = fatiguing); only when [`Self::reliable`].
    pub slope_hz_per_min: Option<f64>,
    /// The slope fitted through the active epochs even when it is not reliable (for experts, never shown
    /// as the result).
    pub fitted_hz_per_min: Option<f64>,
    /// Active epochs the fit used.
    pub epochs_used: usize,
    /// From the first to the last active epoch's centre, s.
    pub span_s: f64,
    /// Enough active epochs over a long enough span at a high enough sample rate.
    pub reliable: bool,
}

impl FatigueTrend {
    /// How a person reads it: "-12.3 Hz/min (24 epochs)" or "unreliable (4 active epochs)".
    pub fn describe(&self) -> String {
        match self.slope_hz_per_min {
            Some(s) => format!("{s:+.1} Hz/min ({} epochs)", self.epochs_used),
            None => format!("unreliable ({} active epochs)", self.epochs_used),
        }
    }
}

/// The trend from `epochs` recorded at `sample_rate_hz` (see the module notes).
pub fn fatigue_trend(
    epochs: impl IntoIterator<Item = EpochMdf>,
    sample_rate_hz: f64,
) -> FatigueTrend {
    let points: Vec<(f64, f64)> = epochs
        .into_iter()
        .filter(|e| e.active_fraction >= MIN_ACTIVE_FRACTION && e.mid_s.is_finite())
        .filter_map(|e| e.mdf_hz.filter(|m| m.is_finite()).map(|m| (e.mid_s, m)))
        .collect();
    let span_s = match (points.first(), points.last()) {
        (Some(a), Some(b)) => b.0 - a.0,
        _ => 0.0,
    };
    let minutes: Vec<(f64, f64)> = points.iter().map(|&(t, m)| (t / 60.0, m)).collect();
    let fitted = super::spectrum::slope(&minutes);
    let reliable = fitted.is_some()
        && points.len() >= MIN_EPOCHS
        && span_s >= MIN_SPAN_S
        && sample_rate_hz >= MIN_RATE_HZ;
    FatigueTrend {
        slope_hz_per_min: fitted.filter(|_| reliable),
        fitted_hz_per_min: fitted,
        epochs_used: points.len(),
        span_s,
        reliable,
    }
}

/// Share of `envelope` at or above `threshold` (0 for an empty slice).
pub fn active_fraction(envelope: &[f32], threshold: f64) -> f64 {
    if envelope.is_empty() {
        return 0.0;
    }
    let on = envelope.iter().filter(|v| **v as f64 >= threshold).count();
    on as f64 / envelope.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epoch(t: f64, mdf: f64, active: f64) -> EpochMdf {
        EpochMdf {
            mid_s: t,
            mdf_hz: Some(mdf),
            active_fraction: active,
        }
    }

    #[test]
    fn rest_epochs_do_not_enter_the_slope() {
        // Working epochs fall 1 Hz per second (-60 Hz/min); rest epochs sit at a noise floor of 40 Hz.
        let mut epochs: Vec<EpochMdf> = (0..30)
            .map(|k| epoch(k as f64, 120.0 - k as f64, 0.8))
            .collect();
        epochs.extend((30..60).map(|k| epoch(k as f64, 40.0, 0.1)));
        let t = fatigue_trend(epochs, 2000.0);
        assert!(t.reliable && t.epochs_used == 30);
        assert!((t.slope_hz_per_min.unwrap() + 60.0).abs() < 1e-9, "{t:?}");
        assert!(t.describe().starts_with("-60.0 Hz/min"));
    }

    #[test]
    fn too_few_epochs_a_short_span_or_a_low_rate_is_unreliable() {
        let few: Vec<EpochMdf> = (0..9)
            .map(|k| epoch(3.0 * k as f64, 100.0 - k as f64, 1.0))
            .collect();
        let t = fatigue_trend(few, 2000.0);
        assert!(!t.reliable && t.slope_hz_per_min.is_none() && t.fitted_hz_per_min.is_some());
        assert!(t.describe().starts_with("unreliable"));
        let short: Vec<EpochMdf> = (0..15).map(|k| epoch(k as f64, 100.0, 1.0)).collect();
        assert!(!fatigue_trend(short.clone(), 2000.0).reliable);
        let long: Vec<EpochMdf> = (0..25).map(|k| epoch(k as f64, 100.0, 1.0)).collect();
        assert!(fatigue_trend(long.clone(), 2000.0).reliable);
        assert!(!fatigue_trend(long, 500.0).reliable);
        assert_eq!(fatigue_trend(Vec::new(), 2000.0), FatigueTrend::default());
    }

    #[test]
    fn active_fraction_counts_at_or_above() {
        assert_eq!(active_fraction(&[1.0, 2.0, 3.0, 4.0], 3.0), 0.5);
        assert_eq!(active_fraction(&[], 1.0), 0.0);
    }
}
