//! The summary of one set: reps, which reps were good, peak and mean activation, time at or above the target
//! line, co-contraction (Falconer & Winter and Rudolph), fatigue, and a 1-10 activation score.
//!
//! There is one summary of a set, computed from the recording: `analysis` runs the full-rate chain over
//! the session from its first frame and hands this module the set's envelope points (the target muscle and
//! the competing one) and the set's median-frequency slope. The live summary, the history row, review and
//! `innervate analyze` all come from [`summarize`] on the same points, so they agree exactly.
//!
//! Reps follow the rep rule in [`super::rules`]: a burst of the target muscle's envelope above
//! [`ACTIVE_FRACTION`] of the target line, found by [`RepDetector`]. A rep is **good** when the target muscle
//! was the prime mover: its envelope reached the target line, and the competing muscle did not take over.
//! For an antagonist that means its mean envelope over the rep stayed at most `ratio_limit` times the
//! target muscle's (and the set reports the co-contraction index); for a synergist it means the target
//! did at least `share_limit_pct` of the work ([`super::share::target_share`], in %MVC when both muscles
//! are calibrated, else in uV, and the summary says which).

use super::rules::ACTIVE_FRACTION;
use super::setup::Role;
use super::share::{ShareUnit, target_share};
use crate::dsp::cocontraction::{falconer_winter, rudolph};
use crate::dsp::edges::{Envelope, refine};
use crate::dsp::fatigue::FatigueTrend;
use crate::dsp::reps::{DetectedRep, RepDetector, RepDetectorConfig};
use serde::{Deserialize, Serialize};

/// Slack when matching point times to rep boundaries, s (far below the 5 ms point spacing).
const TIME_EPS: f64 = 1e-6;

/// One envelope point of the set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SetPoint {
    /// Stream time, s.
    pub t: f64,
    /// Target muscle envelope, uV.
    pub target_uv: f32,
    /// Competing muscle's envelope (antagonist or synergist), uV, when one is recorded.
    pub competing_uv: Option<f32>,
}

/// What [`summarize`] needs about a set.
#[derive(Clone, Copy, Debug)]
pub struct SetInput<'a> {
    /// The set's envelope points, in time order.
    pub points: &'a [SetPoint],
    /// The target muscle's MVC reference, uV, when calibrated.
    pub target_mvc_uv: Option<f64>,
    /// The competing muscle's MVC reference, uV, when calibrated: a synergist's share is in %MVC when both
    /// muscles are calibrated (co-contraction and the ratio are computed on the envelopes in uV, as in the
    /// live view).
    pub competing_mvc_uv: Option<f64>,
    /// How the competing muscle competes: [`Role::Synergist`] is judged by the target's share, anything
    /// else as an antagonist.
    pub competing_role: Role,
    /// With a synergist: the target's share of the work (%) below which a rep is not good.
    pub share_limit_pct: f64,
    /// The target line, uV.
    pub target_level_uv: f64,
    /// Antagonist/target mean envelope ratio above which a rep is not good.
    pub ratio_limit: f64,
    /// The envelope's RMS window, s (its delay, half of it, is taken off rep times).
    pub rms_window_s: f64,
    /// The target muscle's fatigue trend over the set's active epochs.
    pub fatigue: FatigueTrend,
}

/// One rep of the set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepSummary {
    /// Onset, s from stream start (corrected for the envelope delay).
    pub onset_s: f64,
    /// Offset, s from stream start (corrected for the envelope delay).
    pub offset_s: f64,
    /// Duration, s.
    pub duration_s: f64,
    /// Highest target envelope in the rep, uV.
    pub peak_uv: f64,
    /// Highest target envelope in the rep, %MVC (with an MVC only).
    pub peak_pct_mvc: Option<f64>,
    /// Mean target envelope over the rep, %MVC (with an MVC only).
    pub mean_pct_mvc: Option<f64>,
    /// Time the target envelope spent at or above the target line during the rep, s.
    pub time_above_target_s: f64,
    /// Falconer & Winter co-contraction index over the rep, % (with an antagonist only).
    pub cci_pct: Option<f64>,
    /// Mean antagonist envelope / mean target envelope over the rep (with an antagonist only).
    pub mean_ratio: Option<f64>,
    /// Mean target envelope over the rep, uV.
    #[serde(default)]
    pub mean_uv: f64,
    /// Rudolph co-contraction index averaged over the rep (with an antagonist only).
    #[serde(default)]
    pub rudolph: Option<f64>,
    /// The target's share of the work over the rep, % (with a synergist only; the unit is the set's
    /// [`SetSummary::share_unit`]).
    #[serde(default)]
    pub target_share_pct: Option<f64>,
    /// The target muscle was the prime mover: it reached the target line and the antagonist ratio (or the
    /// target's share against a synergist) stayed within its limit.
    pub good: bool,
}

/// Whether a summary is of a training set or of an activation drill ([`super::drill`]): the same kind the
/// history stores with the row.
pub use super::history_db::SetKind;

/// The summary of one set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetSummary {
    /// From the first to the last point, s.
    pub duration_s: f64,
    /// Reps detected.
    pub reps: usize,
    /// Good reps (see [`RepSummary::good`]).
    pub good_reps: usize,
    /// Highest target envelope, %MVC (with an MVC only).
    pub peak_pct_mvc: Option<f64>,
    /// Highest target envelope, uV: over the reps, or over the whole set when there were none.
    pub peak_uv: f64,
    /// Mean target envelope over all reps, %MVC (with an MVC and at least one rep only).
    pub mean_pct_mvc: Option<f64>,
    /// Time the target envelope spent at or above the target line over the whole set, s.
    pub time_above_target_s: f64,
    /// Falconer & Winter co-contraction index over all reps, % (with an antagonist only).
    pub cci_pct: Option<f64>,
    /// The target's share of the work over all reps, target / (target + synergist), % (with a synergist
    /// only; in a drill with any competing muscle, whose activity counts against isolation); in the unit
    /// [`Self::share_unit`] says.
    #[serde(default)]
    pub target_share_pct: Option<f64>,
    /// What the share compared: %MVC when both muscles were calibrated, else microvolts.
    #[serde(default)]
    pub share_unit: Option<ShareUnit>,
    /// How the competing muscle competed (antagonist or synergist); `None` without one.
    #[serde(default)]
    pub competitor_role: Option<Role>,
    /// A training set or an activation drill.
    #[serde(default)]
    pub kind: SetKind,
    /// Mean target envelope over all reps, uV (0 without reps).
    #[serde(default)]
    pub mean_uv: f64,
    /// Rudolph co-contraction index averaged over all reps (with an antagonist only).
    #[serde(default)]
    pub rudolph: Option<f64>,
    /// Median-frequency slope over the set's active epochs, Hz per minute (negative means fatigue); `None`
    /// when too few epochs make it unreliable (see `fatigue`).
    pub fatigue_slope_hz_per_min: Option<f64>,
    /// The fatigue trend behind the slope: epochs used, span, reliability.
    #[serde(default)]
    pub fatigue: FatigueTrend,
    /// Activation score 1-10 ([`activation_score`], [`SCORE_FORMULA`]).
    pub score: u8,
    /// The reps, in order.
    pub rep_list: Vec<RepSummary>,
    /// The target line the set was done against, uV (the score compares the peak with it).
    #[serde(default)]
    pub target_level_uv: f64,
}

impl SetSummary {
    /// The competing muscle in a few words: "CCI 12 %" against an antagonist, "target share 72 % in %MVC"
    /// (or "... share in µV, not calibrated") against a synergist, "CCI n/a" without one.
    pub fn competitor_text(&self) -> String {
        match (self.competitor_role, self.target_share_pct) {
            (Some(Role::Synergist), Some(share)) => format!(
                "target share {share:.0} % {}",
                self.share_unit.map_or("", ShareUnit::words)
            ),
            _ => match self.cci_pct {
                Some(c) => format!("CCI {c:.0} %"),
                None => "CCI n/a".into(),
            },
        }
    }
}

/// How [`activation_score`] is computed, in words (for a tooltip and the README).
pub const SCORE_FORMULA: &str = "Activation score (1 to 10) = 1 + 9 x (0.4 x good reps + 0.3 x peak reached \
    + 0.2 x competitor quiet + 0.1 x time under tension), rounded. Good reps: the share of reps in which the \
    target muscle reached the target line while the antagonist stayed within its ratio limit (or, against a \
    synergist, the target did at least its share of the work). Peak reached: \
    the set's highest target-muscle activation as a share of the target line (the same as peak %MVC over \
    target %MVC), at most 1. Competitor quiet: 1 minus the set's co-contraction index (Falconer & Winter) \
    divided by 100, at least 0, against an antagonist; the target's share of the work divided by 100 against \
    a synergist; 1 when no competing muscle is recorded. Time under tension: the time the target \
    muscle spent at or above the target line as a share of half the set's duration, at most 1. A set without \
    reps scores 1.";

/// A cleaned point: finite time, finite non-negative envelopes.
#[derive(Clone, Copy, Debug)]
struct Point {
    t: f64,
    target: f64,
    competing: Option<f64>,
}

/// Sums over a run of points.
#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    n: usize,
    sum_target: f64,
    peak: f64,
    above: usize,
    /// Sums over the points that carry an antagonist value.
    paired: usize,
    paired_target: f64,
    paired_antagonist: f64,
    paired_rudolph: f64,
}

impl Acc {
    fn add(&mut self, p: &Point, level: Option<f64>) {
        self.n += 1;
        self.sum_target += p.target;
        self.peak = self.peak.max(p.target);
        if level.is_some_and(|l| p.target >= l) {
            self.above += 1;
        }
        if let Some(a) = p.competing {
            self.paired += 1;
            self.paired_target += p.target;
            self.paired_antagonist += a;
            self.paired_rudolph += rudolph(p.target, a);
        }
    }

    fn merge(&mut self, o: &Acc) {
        self.n += o.n;
        self.sum_target += o.sum_target;
        self.peak = self.peak.max(o.peak);
        self.above += o.above;
        self.paired += o.paired;
        self.paired_target += o.paired_target;
        self.paired_antagonist += o.paired_antagonist;
        self.paired_rudolph += o.paired_rudolph;
    }

    fn rudolph(&self) -> Option<f64> {
        (self.paired > 0).then(|| self.paired_rudolph / self.paired as f64)
    }

    fn cci(&self) -> Option<f64> {
        (self.paired > 0).then(|| falconer_winter(self.paired_target, self.paired_antagonist))
    }

    fn mean_ratio(&self) -> Option<f64> {
        (self.paired > 0 && self.paired_target > 0.0)
            .then(|| self.paired_antagonist / self.paired_target)
    }

    fn mean_target(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum_target / self.n as f64)
    }

    /// The target's share of the work over the points that carry a competing value.
    fn share(&self, mvc: (Option<f64>, Option<f64>)) -> Option<super::share::Share> {
        let n = self.paired as f64;
        (self.paired > 0)
            .then(|| {
                target_share(
                    self.paired_target / n,
                    self.paired_antagonist / n,
                    mvc.0,
                    mvc.1,
                )
            })
            .flatten()
    }
}

/// `Some(x)` when `x` is finite and positive.
fn positive(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite() && *v > 0.0)
}

/// The typical time between points: the median positive step (0 with fewer than two points).
fn time_step(points: &[Point]) -> f64 {
    let mut steps: Vec<f64> = points
        .windows(2)
        .map(|w| w[1].t - w[0].t)
        .filter(|d| *d > 0.0 && d.is_finite())
        .collect();
    if steps.is_empty() {
        return 0.0;
    }
    steps.sort_by(f64::total_cmp);
    steps[steps.len() / 2]
}

/// The target values when the points are `dt` apart (to a microsecond), else `None`.
fn evenly_spaced(points: &[Point], dt: f64) -> Option<Vec<f32>> {
    let even = dt > 0.0
        && points
            .windows(2)
            .all(|w| ((w[1].t - w[0].t) - dt).abs() <= TIME_EPS);
    even.then(|| points.iter().map(|p| p.target as f32).collect())
}

/// Summarises a set (see the module notes); never panics, whatever the points hold: points with a
/// non-finite time or target value are left out, non-finite antagonist values count as missing, and without
/// a positive target line no reps are detected.
pub fn summarize(input: &SetInput) -> SetSummary {
    let mut points: Vec<Point> = input
        .points
        .iter()
        .filter(|p| p.t.is_finite() && p.target_uv.is_finite())
        .map(|p| Point {
            t: p.t,
            target: f64::from(p.target_uv).max(0.0),
            competing: p
                .competing_uv
                .filter(|a| a.is_finite())
                .map(|a| f64::from(a).max(0.0)),
        })
        .collect();
    points.sort_by(|a, b| a.t.total_cmp(&b.t));

    let level = positive(Some(input.target_level_uv));
    let mvc = positive(input.target_mvc_uv);
    let synergist = input.competing_role == Role::Synergist;
    let mvcs = (mvc, positive(input.competing_mvc_uv));
    let pct = |uv: f64| mvc.map(|m| 100.0 * uv / m);
    let rms_window_s = if input.rms_window_s.is_finite() && input.rms_window_s >= 0.0 {
        input.rms_window_s
    } else {
        0.0
    };
    let dt = time_step(&points);
    let (first_t, last_t) = match (points.first(), points.last()) {
        (Some(f), Some(l)) => (f.t, l.t),
        _ => (0.0, 0.0),
    };

    // Reps by the rep rule (the live counter uses the same rule on the display points).
    let mut detected: Vec<DetectedRep> = Vec::new();
    let mut delay = 0.0;
    if let Some(level) = level {
        let config = RepDetectorConfig::new(ACTIVE_FRACTION * level, rms_window_s);
        delay = config.envelope_delay_s;
        let mut detector = RepDetector::new(config);
        detected.extend(points.iter().filter_map(|p| detector.push(p.t, p.target)));
        if !points.is_empty() {
            detected.extend(detector.flush(last_t));
        }
        // Edges where the activity crosses the threshold (see `dsp::edges`), when the points are evenly
        // spaced as the recording's are.
        if let Some(values) = evenly_spaced(&points, dt) {
            let env = Envelope {
                values: &values,
                t0: first_t,
                dt,
                window_s: rms_window_s,
            };
            let threshold = ACTIVE_FRACTION * level;
            for rep in &mut detected {
                *rep = refine(*rep, &env, threshold);
            }
        }
    }

    // Each rep covers the envelope points from its first crossing up to (not including) the first point of
    // the closing run below the threshold; a rep cut off by the end of the set keeps its last point.
    let mut set_acc = Acc::default();
    let mut rep_list = Vec::with_capacity(detected.len());
    for rep in &detected {
        let lo = rep.onset_s + delay - TIME_EPS;
        let hi = rep.offset_s + delay;
        let to_end = hi >= last_t - TIME_EPS;
        let mut acc = Acc::default();
        for p in points
            .iter()
            .filter(|p| p.t >= lo && (p.t < hi - TIME_EPS || (to_end && p.t <= hi + TIME_EPS)))
        {
            acc.add(p, level);
        }
        set_acc.merge(&acc);
        let reached = level.is_some_and(|l| acc.n > 0 && acc.peak >= l);
        // An antagonist is judged by its ratio and CCI, a synergist by the target's share of the work.
        let (mean_ratio, share) = if synergist {
            (None, acc.share(mvcs))
        } else {
            (acc.mean_ratio(), None)
        };
        let within = if synergist {
            share.is_none_or(|s| !s.taking_over(input.share_limit_pct))
        } else {
            mean_ratio.is_none_or(|r| r <= input.ratio_limit)
        };
        let good = reached && within;
        rep_list.push(RepSummary {
            onset_s: rep.onset_s,
            offset_s: rep.offset_s,
            duration_s: rep.duration_s(),
            peak_uv: acc.peak,
            peak_pct_mvc: pct(acc.peak),
            mean_pct_mvc: acc.mean_target().and_then(pct),
            time_above_target_s: acc.above as f64 * dt,
            cci_pct: acc.cci().filter(|_| !synergist),
            mean_ratio,
            mean_uv: acc.mean_target().unwrap_or(0.0),
            rudolph: acc.rudolph().filter(|_| !synergist),
            target_share_pct: share.map(|s| s.pct),
            good,
        });
    }

    let peak_uv = if rep_list.is_empty() {
        points.iter().map(|p| p.target).fold(0.0, f64::max)
    } else {
        set_acc.peak
    };
    let above = level.map_or(0, |l| points.iter().filter(|p| p.target >= l).count());
    let share = set_acc.share(mvcs).filter(|_| synergist);
    let has_competitor = points.iter().any(|p| p.competing.is_some());
    let mut summary = SetSummary {
        duration_s: (last_t - first_t).max(0.0),
        reps: rep_list.len(),
        good_reps: rep_list.iter().filter(|r| r.good).count(),
        peak_pct_mvc: pct(peak_uv),
        peak_uv,
        mean_pct_mvc: set_acc.mean_target().and_then(pct),
        time_above_target_s: above as f64 * dt,
        cci_pct: set_acc.cci().filter(|_| !synergist),
        target_share_pct: share.map(|s| s.pct),
        share_unit: share.map(|s| s.unit),
        competitor_role: has_competitor.then_some(if synergist {
            Role::Synergist
        } else {
            Role::Antagonist
        }),
        kind: SetKind::Set,
        mean_uv: set_acc.mean_target().unwrap_or(0.0),
        rudolph: set_acc.rudolph().filter(|_| !synergist),
        fatigue_slope_hz_per_min: input.fatigue.slope_hz_per_min.filter(|s| s.is_finite()),
        fatigue: input.fatigue,
        score: 1,
        rep_list,
        target_level_uv: level.unwrap_or(0.0),
    };
    summary.score = activation_score(&summary);
    summary
}

/// `x` clamped to 0..=1, with anything non-finite counting as 0.
fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// The activation score, 1 to 10, from the summary's own fields ([`SCORE_FORMULA`] says it in words):
/// `1 + round(9 * (0.4 * good/reps + 0.3 * min(peak/target line, 1) + 0.2 * quiet
/// + 0.1 * min(time above target / (duration/2), 1)))`, and 1 without reps; quiet is
/// `1 - min(CCI/100, 1)` against an antagonist and `share/100` against a synergist.
pub fn activation_score(s: &SetSummary) -> u8 {
    if s.reps == 0 {
        return 1;
    }
    let good = unit(s.good_reps as f64 / s.reps as f64);
    let peak = if s.target_level_uv > 0.0 {
        unit(s.peak_uv / s.target_level_uv)
    } else {
        0.0
    };
    let quiet = match (s.competitor_role, s.target_share_pct, s.cci_pct) {
        (Some(Role::Synergist), Some(share), _) => unit(share / 100.0),
        (_, _, Some(c)) if c.is_finite() => 1.0 - unit(c / 100.0),
        _ => 1.0,
    };
    let tension = if s.duration_s > 0.0 {
        unit(s.time_above_target_s / (0.5 * s.duration_s))
    } else {
        0.0
    };
    let x = 0.4 * good + 0.3 * peak + 0.2 * quiet + 0.1 * tension;
    (1.0 + (9.0 * x).round()).clamp(1.0, 10.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEVEL: f64 = 180.0;
    const MVC: f64 = 300.0;
    const REST_UV: f64 = 5.0;
    /// Rep timeline: 1 s rest, then per rep 0.5 s rise, 2 s plateau, 0.5 s fall, 1 s rest.
    const REP_PERIOD: f64 = 4.0;
    const LEAD: f64 = 1.0;

    /// Target envelope at time `t` for reps peaking at `peak` (uV), and the rep index when inside one.
    fn target_at(t: f64, reps: usize, peak: f64) -> (f64, Option<usize>) {
        let r = t - LEAD;
        if r < 0.0 || r >= reps as f64 * REP_PERIOD {
            return (REST_UV, None);
        }
        let i = (r / REP_PERIOD) as usize;
        let u = r - i as f64 * REP_PERIOD;
        let v = if u < 0.5 {
            REST_UV + (peak - REST_UV) * u / 0.5
        } else if u < 2.5 {
            peak
        } else if u < 3.0 {
            peak - (peak - REST_UV) * (u - 2.5) / 0.5
        } else {
            REST_UV
        };
        (v, (u < 3.0).then_some(i))
    }

    /// A set of `reps` reps at 100 points per second; `antagonist(rep, target)` gives the antagonist value.
    fn make_set(
        reps: usize,
        peak: f64,
        antagonist: impl Fn(Option<usize>, f64) -> Option<f64>,
    ) -> Vec<SetPoint> {
        let end = LEAD + reps as f64 * REP_PERIOD + 1.0;
        (0..(end * 100.0) as usize)
            .map(|k| {
                let t = k as f64 / 100.0;
                let (v, rep) = target_at(t, reps, peak);
                SetPoint {
                    t,
                    target_uv: v as f32,
                    competing_uv: antagonist(rep, v).map(|a| a as f32),
                }
            })
            .collect()
    }

    fn input(points: &[SetPoint], mvc: Option<f64>) -> SetInput<'_> {
        SetInput {
            points,
            target_mvc_uv: mvc,
            competing_mvc_uv: None,
            competing_role: Role::Antagonist,
            share_limit_pct: 60.0,
            target_level_uv: LEVEL,
            ratio_limit: 0.3,
            rms_window_s: 0.1,
            fatigue: FatigueTrend {
                slope_hz_per_min: Some(-4.5),
                ..FatigueTrend::default()
            },
        }
    }

    #[test]
    fn eight_clean_reps_are_eight_good_reps_and_a_high_score() {
        let points = make_set(8, 1.3 * LEVEL, |_, _| None);
        let s = summarize(&input(&points, Some(MVC)));
        assert_eq!(s.reps, 8, "{s:#?}");
        assert_eq!(s.good_reps, 8);
        assert!(s.score >= 8, "score {}", s.score);
        assert_eq!(s.score, activation_score(&s));
        assert_eq!(s.cci_pct, None);
        assert_eq!(s.fatigue_slope_hz_per_min, Some(-4.5));
        assert!((s.peak_uv - 1.3 * LEVEL).abs() < 0.01);
        assert!((s.peak_pct_mvc.unwrap() - 130.0 * LEVEL / MVC).abs() < 0.01);
        let mean = s.mean_pct_mvc.unwrap();
        assert!(mean > 50.0 && mean < 130.0 * LEVEL / MVC, "{mean}");
        assert!((s.duration_s - 33.99).abs() < 1e-9);
        // Above the line: the 2 s plateau plus the top of each ramp (about 0.12 s each side).
        for (i, r) in s.rep_list.iter().enumerate() {
            let start = LEAD + i as f64 * REP_PERIOD;
            assert!(
                r.onset_s > start - 0.1 && r.onset_s < start + 0.2,
                "{i}: {r:?}"
            );
            assert!(
                r.offset_s > start + 2.6 && r.offset_s < start + 3.0,
                "{i}: {r:?}"
            );
            assert!((r.duration_s - (r.offset_s - r.onset_s)).abs() < 1e-12);
            assert!((2.1..2.4).contains(&r.time_above_target_s), "{i}: {r:?}");
            assert!(r.good && r.cci_pct.is_none() && r.mean_ratio.is_none());
        }
        let in_reps: f64 = s.rep_list.iter().map(|r| r.time_above_target_s).sum();
        assert!((s.time_above_target_s - in_reps).abs() < 1e-9);

        // A quiet antagonist electrode changes nothing but the CCI.
        let points = make_set(8, 1.3 * LEVEL, |_, _| Some(3.0));
        let q = summarize(&input(&points, Some(MVC)));
        assert_eq!((q.reps, q.good_reps), (8, 8));
        assert!(q.cci_pct.unwrap() < 5.0, "{:?}", q.cci_pct);
        assert!(q.score >= 8);
    }

    #[test]
    fn antagonist_taking_over_every_other_rep_halves_the_good_reps() {
        let clean = summarize(&input(
            &make_set(8, 1.3 * LEVEL, |_, _| Some(3.0)),
            Some(MVC),
        ));
        let points = make_set(8, 1.3 * LEVEL, |rep, target| match rep {
            Some(i) if i % 2 == 1 => Some(0.8 * target),
            _ => Some(3.0),
        });
        let s = summarize(&input(&points, Some(MVC)));
        assert_eq!(s.reps, 8);
        assert_eq!(s.good_reps, 4);
        for (i, r) in s.rep_list.iter().enumerate() {
            assert_eq!(r.good, i % 2 == 0, "{i}: {r:?}");
            let ratio = r.mean_ratio.unwrap();
            if i % 2 == 1 {
                assert!((ratio - 0.8).abs() < 0.01, "{ratio}");
                // 200 * 0.8 / 1.8
                assert!((r.cci_pct.unwrap() - 88.9).abs() < 0.5, "{r:?}");
            } else {
                assert!(ratio < 0.1, "{ratio}");
            }
        }
        assert!(s.cci_pct.unwrap() > 40.0, "{:?}", s.cci_pct);
        assert!(s.score < clean.score, "{} vs {}", s.score, clean.score);
        assert!(s.score >= 2);
    }

    #[test]
    fn reps_that_miss_the_target_line_are_not_good() {
        // Reps at 80 % of the line: counted (well above the 25 % threshold) but the target was not reached.
        let points = make_set(6, 0.8 * LEVEL, |_, _| None);
        let s = summarize(&input(&points, Some(MVC)));
        assert_eq!((s.reps, s.good_reps), (6, 0));
        assert_eq!(s.time_above_target_s, 0.0);
        let full = summarize(&input(&make_set(6, 1.3 * LEVEL, |_, _| None), Some(MVC)));
        assert!(s.score < full.score);
        // 1 + round(9 * (0 + 0.3 * 0.8 + 0.2 + 0)) = 1 + round(3.96) = 5
        assert_eq!(s.score, 5);
    }

    #[test]
    fn rest_only_gives_no_reps_and_score_one() {
        let points = make_set(0, LEVEL, |_, _| Some(4.0));
        let s = summarize(&input(&points, Some(MVC)));
        assert_eq!((s.reps, s.good_reps, s.score), (0, 0, 1));
        assert!(s.rep_list.is_empty());
        assert_eq!(s.peak_uv, REST_UV);
        assert_eq!(s.mean_pct_mvc, None);
        assert_eq!(s.cci_pct, None);
        assert!(s.duration_s > 1.0);
    }

    #[test]
    fn without_mvc_the_percentages_are_none_but_the_score_is_not() {
        let points = make_set(8, 1.3 * LEVEL, |rep, t| {
            rep.map(|i| if i == 0 { 0.5 * t } else { 2.0 })
        });
        let with = summarize(&input(&points, Some(MVC)));
        for mvc in [None, Some(0.0), Some(f64::NAN), Some(-3.0)] {
            let s = summarize(&input(&points, mvc));
            assert_eq!(s.peak_pct_mvc, None);
            assert_eq!(s.mean_pct_mvc, None);
            assert!(
                s.rep_list
                    .iter()
                    .all(|r| r.peak_pct_mvc.is_none() && r.mean_pct_mvc.is_none())
            );
            assert_eq!((s.reps, s.good_reps), (8, 7));
            assert_eq!(s.score, with.score);
            assert!((2..=10).contains(&s.score));
        }
    }

    #[test]
    fn a_set_ending_mid_rep_still_counts_it() {
        let mut points = make_set(3, 1.3 * LEVEL, |_, _| None);
        // Cut in the plateau of the third rep.
        points.retain(|p| p.t < LEAD + 2.0 * REP_PERIOD + 1.5);
        let s = summarize(&input(&points, Some(MVC)));
        assert_eq!(s.reps, 3);
        let last = s.rep_list.last().unwrap();
        assert!(
            (last.offset_s - (points.last().unwrap().t - 0.05)).abs() < 1e-9,
            "{last:?}"
        );
        assert!(last.good);
    }

    #[test]
    fn empty_and_nan_input_do_not_panic() {
        let empty = summarize(&input(&[], Some(MVC)));
        assert_eq!((empty.reps, empty.score, empty.duration_s), (0, 1, 0.0));
        assert_eq!(empty.peak_uv, 0.0);

        let mut points = make_set(4, 1.3 * LEVEL, |_, _| Some(3.0));
        points[150].t = f64::NAN;
        points[300].target_uv = f32::NAN;
        points[301].target_uv = f32::INFINITY;
        points[302].competing_uv = Some(f32::NAN);
        points[303].target_uv = -50.0;
        points.push(SetPoint {
            t: f64::INFINITY,
            target_uv: 1e9,
            competing_uv: None,
        });
        let s = summarize(&input(&points, Some(MVC)));
        assert_eq!((s.reps, s.good_reps), (4, 4));
        assert!(s.peak_uv.is_finite() && s.cci_pct.unwrap().is_finite());

        let all_nan = vec![
            SetPoint {
                t: f64::NAN,
                target_uv: f32::NAN,
                competing_uv: Some(f32::NAN),
            };
            50
        ];
        for pts in [&all_nan[..], &points[..], &[]] {
            let weird = SetInput {
                points: pts,
                target_mvc_uv: Some(f64::NAN),
                competing_mvc_uv: Some(f64::INFINITY),
                competing_role: Role::Synergist,
                share_limit_pct: f64::NAN,
                target_level_uv: f64::NAN,
                ratio_limit: f64::NAN,
                rms_window_s: f64::NAN,
                fatigue: FatigueTrend {
                    slope_hz_per_min: Some(f64::NAN),
                    ..FatigueTrend::default()
                },
            };
            let s = summarize(&weird);
            assert_eq!((s.reps, s.score), (0, 1));
            assert_eq!(s.fatigue_slope_hz_per_min, None);
            assert!((1..=10).contains(&activation_score(&s)));
        }
        // A zero or negative target line finds no reps rather than calling everything a rep.
        for level in [0.0, -10.0] {
            let s = summarize(&SetInput {
                target_level_uv: level,
                ..input(&points, None)
            });
            assert_eq!((s.reps, s.score), (0, 1));
        }
        // NaN ratio limit: nothing with an antagonist counts as good, still no panic.
        let s = summarize(&SetInput {
            ratio_limit: f64::NAN,
            ..input(&points, None)
        });
        assert_eq!((s.reps, s.good_reps), (4, 0));
    }

    #[test]
    fn unsorted_points_are_put_in_time_order() {
        let mut points = make_set(3, 1.3 * LEVEL, |_, _| None);
        let sorted = summarize(&input(&points, Some(MVC)));
        points.reverse();
        assert_eq!(summarize(&input(&points, Some(MVC))), sorted);
    }

    fn summary(reps: usize, good: usize, peak: f64, cci: Option<f64>, above: f64) -> SetSummary {
        SetSummary {
            duration_s: 20.0,
            reps,
            good_reps: good,
            peak_pct_mvc: None,
            peak_uv: peak,
            mean_pct_mvc: None,
            time_above_target_s: above,
            cci_pct: cci,
            target_share_pct: None,
            share_unit: None,
            competitor_role: cci.map(|_| Role::Antagonist),
            kind: SetKind::Set,
            mean_uv: 0.0,
            rudolph: None,
            fatigue_slope_hz_per_min: None,
            fatigue: FatigueTrend::default(),
            score: 0,
            rep_list: Vec::new(),
            target_level_uv: 100.0,
        }
    }

    #[test]
    fn activation_score_follows_the_formula() {
        // 1 + round(9 * (0.4 * 0.5 + 0.3 * 0.9 + 0.2 * 0.5 + 0.1 * 0.5)) = 1 + round(5.58) = 7
        assert_eq!(activation_score(&summary(4, 2, 90.0, Some(50.0), 5.0)), 7);
        assert_eq!(activation_score(&summary(5, 5, 250.0, None, 20.0)), 10);
        assert_eq!(activation_score(&summary(5, 5, 250.0, Some(0.0), 20.0)), 10);
        // Everything wrong but some reps: 1 + round(9 * 0.0) = 1.
        assert_eq!(activation_score(&summary(5, 0, 0.0, Some(180.0), 0.0)), 1);
        assert_eq!(activation_score(&summary(0, 0, 250.0, None, 20.0)), 1);
        // Nonsense in the fields stays in range.
        let mut s = summary(3, 7, f64::NAN, Some(f64::NAN), f64::INFINITY);
        s.duration_s = f64::NAN;
        assert!((1..=10).contains(&activation_score(&s)));
        s.target_level_uv = 0.0;
        assert!((1..=10).contains(&activation_score(&s)));
    }

    #[test]
    fn a_synergist_is_judged_by_the_targets_share_not_by_co_contraction() {
        // Reps 1, 3, 5, 7: the synergist does as much as the target (share 50 %); the others 10 % of it.
        let points = make_set(8, 1.3 * LEVEL, |rep, target| match rep {
            Some(i) if i % 2 == 1 => Some(target),
            Some(_) => Some(0.1 * target),
            None => Some(3.0),
        });
        let synergist = |mvcs: (Option<f64>, Option<f64>)| SetInput {
            competing_role: Role::Synergist,
            competing_mvc_uv: mvcs.1,
            ..input(&points, mvcs.0)
        };
        let s = summarize(&synergist((Some(MVC), None)));
        assert_eq!((s.reps, s.good_reps), (8, 4));
        assert_eq!(s.competitor_role, Some(Role::Synergist));
        assert_eq!((s.cci_pct, s.rudolph), (None, None));
        // Only one muscle calibrated: the share is in microvolts, and says so.
        assert_eq!(s.share_unit, Some(ShareUnit::Microvolts));
        for (i, r) in s.rep_list.iter().enumerate() {
            let share = r.target_share_pct.unwrap();
            let expected = if i % 2 == 1 { 50.0 } else { 100.0 / 1.1 };
            assert!((share - expected).abs() < 1.0, "{i}: {share}");
            assert_eq!(r.good, i % 2 == 0, "{i}: {r:?}");
            assert!(r.cci_pct.is_none() && r.mean_ratio.is_none());
        }
        let share = s.target_share_pct.unwrap();
        assert!(share > 60.0 && share < 70.0, "{share}");
        // Score: the quiet term is share / 100.
        let quiet = share / 100.0;
        let x = 0.4 * 0.5
            + 0.3 * 1.0
            + 0.2 * quiet
            + 0.1 * unit(s.time_above_target_s / (0.5 * s.duration_s));
        assert_eq!(s.score, (1.0 + (9.0 * x).round()) as u8);

        // Both calibrated: in %MVC. A synergist with half the target's MVC doubles its part of the work.
        let s = summarize(&synergist((Some(MVC), Some(MVC / 2.0))));
        assert_eq!(s.share_unit, Some(ShareUnit::PctMvc));
        let r = &s.rep_list[1];
        assert!(
            (r.target_share_pct.unwrap() - 100.0 / 3.0).abs() < 1.0,
            "{r:?}"
        );
        // A lower limit lets the 50 % reps pass.
        let lenient = summarize(&SetInput {
            share_limit_pct: 40.0,
            ..synergist((Some(MVC), None))
        });
        assert_eq!(lenient.good_reps, 8);
        // The same recording judged as an antagonist keeps its ratio and CCI, and no share.
        let a = summarize(&input(&points, Some(MVC)));
        assert_eq!(a.competitor_role, Some(Role::Antagonist));
        assert!(a.cci_pct.is_some() && a.target_share_pct.is_none() && a.share_unit.is_none());
    }

    #[test]
    fn summaries_stored_before_synergists_and_drills_still_read() {
        let points = make_set(2, 1.3 * LEVEL, |_, _| Some(3.0));
        let s = summarize(&input(&points, Some(MVC)));
        let mut value = serde_json::to_value(&s).unwrap();
        let map = value.as_object_mut().unwrap();
        for k in ["target_share_pct", "share_unit", "competitor_role", "kind"] {
            map.remove(k).unwrap();
        }
        let old: SetSummary = serde_json::from_value(value).unwrap();
        assert_eq!(old.kind, SetKind::Set);
        assert_eq!((old.target_share_pct, old.competitor_role), (None, None));
        assert_eq!(
            SetKind::parse(SetKind::Drill.as_str()),
            Some(SetKind::Drill)
        );
        assert_eq!(SetKind::parse("rep"), None);
    }

    #[test]
    fn summary_round_trips_through_json() {
        let points = make_set(2, 1.3 * LEVEL, |_, _| Some(3.0));
        let s = summarize(&input(&points, Some(MVC)));
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<SetSummary>(&text).unwrap(), s);
        assert!(SCORE_FORMULA.contains("0.4 x good reps") && SCORE_FORMULA.contains("scores 1"));
    }
}
