//! Scoring an activation drill ([`super::drill`]): per hold, how high the target held (mean envelope against
//! its target line, %MVC when calibrated), how steadily (coefficient of variation), and how quiet the
//! competing muscle stayed (the target's share of the work, [`super::share::target_share`], the same function
//! as the live gauge and the set summary). The first second of each hold is left out: that is the time it
//! takes to reach the level, not holding it. A drill's result converts to a [`SetSummary`] of kind
//! [`SetKind::Drill`], so it can be logged like a set.

use super::drill::{DrillConfig, DrillEnd};
use super::setup::Role;
use super::share::{Share, ShareUnit, target_share};
use super::summary::{RepSummary, SetKind, SetSummary};
use crate::dsp::fatigue::FatigueTrend;
use serde::{Deserialize, Serialize};

/// Seconds at the start of each hold that are not scored (at most a quarter of the hold).
pub const SETTLE_S: f64 = 1.0;
/// A CV at or above this (%) counts as not steady at all.
pub const UNSTEADY_CV_PCT: f64 = 50.0;
/// A hold is good when its mean reaches this fraction of the target line...
pub const GOOD_LEVEL_FRACTION: f64 = 0.9;
/// ... its CV stays at or below this (%), and the target keeps its share of the work.
pub const GOOD_CV_PCT: f64 = 20.0;
/// The longest step between points counted as time above the line, s (a gap in the stream is not time).
const MAX_STEP_S: f64 = 0.1;

/// How [`DrillSummary::score`] is computed, in words (for a tooltip and the README).
pub const DRILL_SCORE_FORMULA: &str = "Drill score (1 to 10) = 1 + 9 x (0.4 x level + 0.3 x steadiness + \
    0.3 x quiet), rounded. Level: the target's mean activation over the holds as a share of its target line \
    (the same as mean %MVC over target %MVC), at most 1. Steadiness: 1 minus the holds' mean coefficient of \
    variation divided by 50 %, at least 0. Quiet: against a competing muscle, 2 x the target's share of the \
    work - 1 (a share of 100 % gives 1, 50 % or less gives 0); 1 without one. The first second of each hold \
    is not scored. A drill without scored points scores 1.";

/// What a drill is scored against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrillContext {
    /// The target line, uV.
    pub target_level_uv: f64,
    /// The target's MVC, uV, when calibrated.
    pub target_mvc_uv: Option<f64>,
    /// How the competing muscle competes, if one is recorded.
    pub competing_role: Option<Role>,
    /// The competing muscle's MVC, uV, when calibrated.
    pub competing_mvc_uv: Option<f64>,
    /// The target's share of the work (%) below which a hold is not good.
    pub share_limit_pct: f64,
}

impl DrillContext {
    /// A target alone, without calibration, against a line of `target_level_uv`.
    pub fn uncalibrated(target_level_uv: f64) -> Self {
        Self {
            target_level_uv,
            target_mvc_uv: None,
            competing_role: None,
            competing_mvc_uv: None,
            share_limit_pct: super::share::DEFAULT_SHARE_LIMIT_PCT,
        }
    }

    fn pct(&self, uv: f64) -> Option<f64> {
        positive(self.target_mvc_uv).map(|m| 100.0 * uv / m)
    }

    fn share(&self, target_uv: f64, competing_uv: f64) -> Option<Share> {
        target_share(
            target_uv,
            competing_uv,
            self.target_mvc_uv,
            self.competing_mvc_uv,
        )
    }
}

fn positive(x: Option<f64>) -> Option<f64> {
    x.filter(|v| v.is_finite() && *v > 0.0)
}

/// `x` clamped to 0..=1, anything non-finite counting as 0.
fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Running sums over one hold.
#[derive(Clone, Debug, Default)]
pub struct HoldAcc {
    first_t: Option<f64>,
    last_t: f64,
    n: usize,
    sum: f64,
    sum_sq: f64,
    peak: f64,
    above_s: f64,
    prev_t: Option<f64>,
    paired: usize,
    paired_target: f64,
    paired_competing: f64,
}

impl HoldAcc {
    /// Adds a point at stream time `t`, `into_s` seconds into a hold of `hold_s`; points in the settling
    /// time only mark the hold's span.
    pub fn add(
        &mut self,
        t: f64,
        into_s: f64,
        hold_s: f64,
        target_uv: f64,
        competing_uv: Option<f64>,
        ctx: &DrillContext,
    ) {
        self.first_t.get_or_insert(t);
        self.last_t = t;
        let prev = self.prev_t.replace(t);
        if into_s < SETTLE_S.min(0.25 * hold_s) || !target_uv.is_finite() {
            return;
        }
        let v = target_uv.max(0.0);
        self.n += 1;
        self.sum += v;
        self.sum_sq += v * v;
        self.peak = self.peak.max(v);
        if let Some(p) = prev
            && ctx.target_level_uv > 0.0
            && v >= ctx.target_level_uv
        {
            self.above_s += (t - p).clamp(0.0, MAX_STEP_S);
        }
        if let Some(c) = competing_uv.filter(|c| c.is_finite()) {
            self.paired += 1;
            self.paired_target += v;
            self.paired_competing += c.max(0.0);
        }
    }

    fn mean(&self) -> Option<f64> {
        (self.n > 0).then(|| self.sum / self.n as f64)
    }

    /// Population coefficient of variation, %.
    fn cv_pct(&self) -> Option<f64> {
        let mean = self.mean()?;
        if self.n < 2 || mean <= 0.0 {
            return None;
        }
        let var = (self.sum_sq / self.n as f64 - mean * mean).max(0.0);
        Some(100.0 * var.sqrt() / mean)
    }

    fn share(&self, ctx: &DrillContext) -> Option<Share> {
        let n = self.paired as f64;
        (self.paired > 0)
            .then(|| ctx.share(self.paired_target / n, self.paired_competing / n))
            .flatten()
    }
}

/// One scored hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HoldResult {
    /// First point of the hold, stream time s.
    pub onset_s: f64,
    /// Last point of the hold, stream time s.
    pub offset_s: f64,
    /// Mean target envelope over the scored part, uV.
    pub mean_uv: f64,
    /// The same in %MVC, when calibrated.
    pub mean_pct_mvc: Option<f64>,
    /// Highest target envelope, uV.
    pub peak_uv: f64,
    /// Coefficient of variation of the target envelope, % (lower is steadier).
    pub cv_pct: Option<f64>,
    /// The target's share of the work against the competing muscle, %.
    pub target_share_pct: Option<f64>,
    /// Time at or above the target line, s.
    pub time_above_target_s: f64,
    /// Level reached, steady, and the competing muscle quiet (see [`GOOD_CV_PCT`]).
    pub good: bool,
}

/// A drill's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillSummary {
    /// How it was run.
    pub config: DrillConfig,
    /// Why it ended.
    pub end: DrillEnd,
    /// From its first to its last point, s.
    pub duration_s: f64,
    /// The holds that were scored, in order.
    pub holds: Vec<HoldResult>,
    /// Mean target envelope over all scored points, uV.
    pub mean_uv: f64,
    /// The same in %MVC, when calibrated.
    pub mean_pct_mvc: Option<f64>,
    /// Highest target envelope, uV.
    pub peak_uv: f64,
    /// Mean of the holds' coefficients of variation, %.
    pub cv_pct: Option<f64>,
    /// Mean competing envelope over the scored points, uV.
    pub competing_mean_uv: Option<f64>,
    /// The target's share of the work over all holds, %.
    pub target_share_pct: Option<f64>,
    /// What the share compared.
    pub share_unit: Option<ShareUnit>,
    /// How the competing muscle competes, if one is recorded.
    pub competitor_role: Option<Role>,
    /// The target line, uV.
    pub target_level_uv: f64,
    /// Drill score 1-10 ([`DRILL_SCORE_FORMULA`]).
    pub score: u8,
}

impl DrillSummary {
    /// Scores the holds of a drill that lasted `duration_s` and ended for `end`.
    pub fn from_holds(
        config: &DrillConfig,
        ctx: &DrillContext,
        accs: &[HoldAcc],
        duration_s: f64,
        end: DrillEnd,
    ) -> Self {
        let level = positive(Some(ctx.target_level_uv));
        let scored: Vec<&HoldAcc> = accs.iter().filter(|a| a.n > 0).collect();
        let holds: Vec<HoldResult> = scored
            .iter()
            .map(|a| {
                let mean = a.mean().unwrap_or(0.0);
                let cv = a.cv_pct();
                let share = a.share(ctx);
                let high = level.is_some_and(|l| mean >= GOOD_LEVEL_FRACTION * l);
                let steady = cv.is_some_and(|c| c <= GOOD_CV_PCT);
                let quiet = share.is_none_or(|s| !s.taking_over(ctx.share_limit_pct));
                HoldResult {
                    onset_s: a.first_t.unwrap_or(0.0),
                    offset_s: a.last_t,
                    mean_uv: mean,
                    mean_pct_mvc: ctx.pct(mean),
                    peak_uv: a.peak,
                    cv_pct: cv,
                    target_share_pct: share.map(|s| s.pct),
                    time_above_target_s: a.above_s,
                    good: high && steady && quiet,
                }
            })
            .collect();
        let n: usize = scored.iter().map(|a| a.n).sum();
        let mean_uv = if n > 0 {
            scored.iter().map(|a| a.sum).sum::<f64>() / n as f64
        } else {
            0.0
        };
        let cvs: Vec<f64> = holds.iter().filter_map(|h| h.cv_pct).collect();
        let cv_pct = (!cvs.is_empty()).then(|| cvs.iter().sum::<f64>() / cvs.len() as f64);
        let paired: usize = scored.iter().map(|a| a.paired).sum();
        let (pt, pc) = scored.iter().fold((0.0, 0.0), |(t, c), a| {
            (t + a.paired_target, c + a.paired_competing)
        });
        let share = (paired > 0)
            .then(|| ctx.share(pt / paired as f64, pc / paired as f64))
            .flatten();
        let mut summary = DrillSummary {
            config: *config,
            end,
            duration_s: if duration_s.is_finite() {
                duration_s.max(0.0)
            } else {
                0.0
            },
            holds,
            mean_uv,
            mean_pct_mvc: (n > 0).then(|| ctx.pct(mean_uv)).flatten(),
            peak_uv: scored.iter().map(|a| a.peak).fold(0.0, f64::max),
            cv_pct,
            competing_mean_uv: (paired > 0).then(|| pc / paired as f64),
            target_share_pct: share.map(|s| s.pct),
            share_unit: share.map(|s| s.unit),
            competitor_role: ctx.competing_role.filter(|_| paired > 0),
            target_level_uv: level.unwrap_or(0.0),
            score: 1,
        };
        summary.score = drill_score(&summary);
        summary
    }

    /// The drill as a set summary of kind [`SetKind::Drill`], each hold a "rep", so it is logged like a set.
    pub fn to_set_summary(&self) -> SetSummary {
        let mvc_scale = self
            .mean_pct_mvc
            .filter(|_| self.mean_uv > 0.0)
            .map(|p| p / self.mean_uv);
        let pct = |uv: f64| mvc_scale.map(|k| k * uv);
        SetSummary {
            duration_s: self.duration_s,
            reps: self.holds.len(),
            good_reps: self.holds.iter().filter(|h| h.good).count(),
            peak_pct_mvc: pct(self.peak_uv),
            peak_uv: self.peak_uv,
            mean_pct_mvc: self.mean_pct_mvc,
            time_above_target_s: self.holds.iter().map(|h| h.time_above_target_s).sum(),
            cci_pct: None,
            target_share_pct: self.target_share_pct,
            share_unit: self.share_unit,
            competitor_role: self.competitor_role,
            kind: SetKind::Drill,
            mean_uv: self.mean_uv,
            rudolph: None,
            fatigue_slope_hz_per_min: None,
            fatigue: FatigueTrend::default(),
            score: self.score,
            rep_list: self
                .holds
                .iter()
                .map(|h| RepSummary {
                    onset_s: h.onset_s,
                    offset_s: h.offset_s,
                    duration_s: (h.offset_s - h.onset_s).max(0.0),
                    peak_uv: h.peak_uv,
                    peak_pct_mvc: pct(h.peak_uv),
                    mean_pct_mvc: h.mean_pct_mvc,
                    time_above_target_s: h.time_above_target_s,
                    cci_pct: None,
                    mean_ratio: None,
                    mean_uv: h.mean_uv,
                    rudolph: None,
                    target_share_pct: h.target_share_pct,
                    good: h.good,
                })
                .collect(),
            target_level_uv: self.target_level_uv,
        }
    }
}

/// The drill score, 1 to 10, from the summary's own fields ([`DRILL_SCORE_FORMULA`] says it in words).
pub fn drill_score(s: &DrillSummary) -> u8 {
    if s.holds.is_empty() {
        return 1;
    }
    let level = if s.target_level_uv > 0.0 {
        unit(s.mean_uv / s.target_level_uv)
    } else {
        0.0
    };
    let steady = s.cv_pct.map_or(0.0, |cv| 1.0 - unit(cv / UNSTEADY_CV_PCT));
    let quiet = s
        .target_share_pct
        .map_or(1.0, |share| unit(2.0 * share / 100.0 - 1.0));
    let x = 0.4 * level + 0.3 * steady + 0.3 * quiet;
    (1.0 + (9.0 * x).round()).clamp(1.0, 10.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::drill::Drill;

    const LINE: f64 = 200.0;

    fn config() -> DrillConfig {
        DrillConfig {
            holds: 3,
            hold_s: 10.0,
            rest_s: 5.0,
            countdown_s: 3.0,
        }
    }

    fn context(competing: Option<Role>) -> DrillContext {
        DrillContext {
            target_level_uv: LINE,
            target_mvc_uv: Some(400.0),
            competing_role: competing,
            competing_mvc_uv: Some(200.0),
            share_limit_pct: 60.0,
        }
    }

    /// Runs a whole drill at 100 points/s; `target(t)` and `competing(t)` give the envelopes, uV.
    fn run(
        ctx: DrillContext,
        target: impl Fn(f64) -> f64,
        competing: impl Fn(f64) -> Option<f64>,
    ) -> DrillSummary {
        let mut d = Drill::new(config(), ctx, 600.0);
        let mut k = 0;
        while !d.is_done() {
            let t = k as f64 * 0.01;
            d.push(t, target(t), competing(t));
            k += 1;
            assert!(k < 10_000, "the drill never ended");
        }
        d.summary()
    }

    /// A steady hold at `level` uV with a slow ripple of `ripple` (fraction), rest at 5 uV in between.
    fn hold(level: f64, ripple: f64) -> impl Fn(f64) -> f64 {
        move |t: f64| {
            let (phase, _) = config().phase_at(t);
            match phase {
                crate::training::drill::DrillPhase::Hold(_) => {
                    level * (1.0 + ripple * (2.0 * std::f64::consts::PI * 0.7 * t).sin())
                }
                _ => 5.0,
            }
        }
    }

    #[test]
    fn a_steady_hold_scores_higher_than_an_unsteady_one() {
        let steady = run(context(None), hold(LINE, 0.02), |_| None);
        let shaky = run(context(None), hold(LINE, 0.6), |_| None);
        assert_eq!(steady.holds.len(), 3);
        assert_eq!(steady.end, DrillEnd::Completed);
        // A sine of amplitude a has a CV of a / sqrt(2).
        let cv = steady.cv_pct.unwrap();
        assert!((cv - 2.0 / 2f64.sqrt()).abs() < 0.3, "{cv}");
        let cv = shaky.cv_pct.unwrap();
        assert!((cv - 60.0 / 2f64.sqrt()).abs() < 3.0, "{cv}");
        assert!(steady.holds.iter().all(|h| h.good));
        assert!(shaky.holds.iter().all(|h| !h.good));
        // Level 1, steady ~0.97, quiet 1: 1 + round(9 * 0.99) = 10.
        assert_eq!(steady.score, 10);
        // Level 1, steadiness 1 - 42.4/50 = 0.15, quiet 1: 1 + round(9 * 0.745) = 8.
        assert_eq!(shaky.score, 8);
        assert!(steady.score > shaky.score);
        // The mean is the hold level, in %MVC against an MVC of 400 uV.
        assert!((steady.mean_uv - LINE).abs() < 1.0, "{}", steady.mean_uv);
        assert!((steady.mean_pct_mvc.unwrap() - 50.0).abs() < 0.3);
        // The first second of each hold is left out: each hold is scored over about 9 s.
        for h in &steady.holds {
            assert!((h.offset_s - h.onset_s - 9.99).abs() < 0.02, "{h:?}");
            assert!(
                h.time_above_target_s > 3.0 && h.time_above_target_s < 6.0,
                "{h:?}"
            );
        }
    }

    #[test]
    fn a_quiet_competitor_scores_higher_than_one_doing_the_work() {
        let ctx = context(Some(Role::Synergist));
        let quiet = run(ctx, hold(LINE, 0.02), |_| Some(10.0));
        // 50 %MVC target against 50 %MVC synergist (100 uV of a 200 uV MVC): a 50 % share.
        let busy = run(ctx, hold(LINE, 0.02), |t| {
            matches!(
                config().phase_at(t).0,
                crate::training::drill::DrillPhase::Hold(_)
            )
            .then_some(100.0)
        });
        let share = quiet.target_share_pct.unwrap();
        assert!((share - 50.0 / 55.0 * 100.0).abs() < 0.5, "{share}");
        assert_eq!(quiet.share_unit, Some(ShareUnit::PctMvc));
        assert!((busy.target_share_pct.unwrap() - 50.0).abs() < 0.5);
        assert!(quiet.holds.iter().all(|h| h.good));
        assert!(
            busy.holds.iter().all(|h| !h.good),
            "the synergist took over"
        );
        // Quiet: 2 x 0.909 - 1 = 0.82; busy: 0.
        assert_eq!(quiet.score, 9);
        assert_eq!(busy.score, 7);
        assert_eq!(busy.competitor_role, Some(Role::Synergist));
        // Before calibration the share is in microvolts.
        let uv = run(
            DrillContext {
                target_mvc_uv: None,
                ..ctx
            },
            hold(LINE, 0.02),
            |_| Some(10.0),
        );
        assert_eq!(uv.share_unit, Some(ShareUnit::Microvolts));
        assert!((uv.target_share_pct.unwrap() - 200.0 / 210.0 * 100.0).abs() < 0.5);
        assert_eq!(uv.mean_pct_mvc, None);
    }

    #[test]
    fn a_drill_is_logged_as_a_set_summary_of_kind_drill() {
        let d = run(context(Some(Role::Antagonist)), hold(LINE, 0.02), |_| {
            Some(20.0)
        });
        let s = d.to_set_summary();
        assert_eq!(s.kind, SetKind::Drill);
        assert_eq!((s.reps, s.good_reps), (3, 3));
        assert_eq!(s.score, d.score);
        assert_eq!(s.competitor_role, Some(Role::Antagonist));
        assert_eq!(s.target_share_pct, d.target_share_pct);
        assert!((s.peak_pct_mvc.unwrap() - 100.0 * d.peak_uv / 400.0).abs() < 1e-9);
        assert_eq!(s.rep_list.len(), 3);
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"kind\":\"drill\""), "{text}");
        assert!(DRILL_SCORE_FORMULA.contains("0.4 x level"));
    }

    #[test]
    fn a_weak_hold_or_nothing_at_all_scores_low() {
        let weak = run(context(None), hold(0.25 * LINE, 0.02), |_| None);
        // Level 0.25, steady ~0.97, quiet 1: 1 + round(9 * 0.69) = 7.
        assert_eq!(weak.score, 7);
        assert!(weak.holds.iter().all(|h| !h.good));
        let nothing = run(context(None), |_| f64::NAN, |_| None);
        assert_eq!((nothing.holds.len(), nothing.score), (0, 1));
        assert_eq!(nothing.to_set_summary().reps, 0);
        let no_line = run(
            DrillContext {
                target_level_uv: 0.0,
                ..context(None)
            },
            hold(LINE, 0.02),
            |_| None,
        );
        assert!((1..=10).contains(&no_line.score));
    }
}
