//! What the history plot shows: one metric of each set over the days.

use super::SetRecord;
use serde::{Deserialize, Serialize};
use std::time::SystemTime;

/// A quantity of a set that the history plot can show over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// The set's overall score.
    Score,
    /// Peak activation of the target muscle in % of MVC.
    PeakPctMvc,
    /// Co-contraction index with the antagonist, in percent.
    Cci,
    /// Median-frequency slope in Hz per minute.
    FatigueSlope,
}

impl Metric {
    /// Every metric, in the order a menu shows them.
    pub const ALL: [Metric; 4] = [
        Metric::Score,
        Metric::PeakPctMvc,
        Metric::Cci,
        Metric::FatigueSlope,
    ];

    /// The name shown on the plot axis and in menus, with its unit.
    pub fn label(self) -> &'static str {
        match self {
            Metric::Score => "Score",
            Metric::PeakPctMvc => "Peak (% MVC)",
            Metric::Cci => "Co-contraction (CCI %)",
            Metric::FatigueSlope => "Fatigue slope (Hz/min)",
        }
    }

    /// This metric's value for one set, or `None` when the set does not have it
    /// (no calibration, no antagonist, no fatigue estimate).
    pub fn value(self, r: &SetRecord) -> Option<f64> {
        match self {
            Metric::Score => Some(f64::from(r.score)),
            Metric::PeakPctMvc => r.peak_pct_mvc,
            Metric::Cci => r.cci_pct,
            Metric::FatigueSlope => r.fatigue_slope_hz_per_min,
        }
    }
}

/// Points for the history plot: x = days since the earliest record (fractional),
/// y = the metric. Sets without the metric (or with a non-finite value) and sets whose
/// `started_at` cannot be read as RFC 3339 UTC are left out; the rest keep the order of
/// `records`.
pub fn series(records: &[SetRecord], metric: Metric) -> Vec<(f64, f64)> {
    let times: Vec<Option<SystemTime>> =
        records.iter().map(|r| parse_time(&r.started_at)).collect();
    let Some(first) = times.iter().flatten().min().copied() else {
        return Vec::new();
    };
    records
        .iter()
        .zip(&times)
        .filter_map(|(r, t)| {
            let t = (*t)?;
            let y = metric.value(r).filter(|y| y.is_finite())?;
            let days = t.duration_since(first).ok()?.as_secs_f64() / 86_400.0;
            Some((days, y))
        })
        .collect()
}

/// Reads an RFC 3339 UTC time (`2025-03-01T17:04:05Z`, fractions and a space instead of
/// `T` allowed).
pub(crate) fn parse_time(s: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(s.trim()).ok()
}
