//! What the training log answers, as pure functions over history rows (the `innervate history` commands
//! and the insights screen call these, so both show the same numbers):
//!
//! - [`rank_exercises`]: which exercise works a muscle hardest, by the median over sets of each set's peak
//!   activation (then the mean of the sets' mean activation), with the competing muscle's CCI or the
//!   target's share, the number of sets and the days they span.
//! - [`feel_vs_measured`]: how well the felt activation (1-10, written after a set) matches the measured
//!   activation score (1-10, [`super::summary::activation_score`]), and whether the gap shrinks week by week.
//! - [`activation_by_load`]: an exercise's activation per load and week, to see it rise at the same load.
//!
//! Units are never mixed: a comparison is in %MVC when every set in it has an MVC reference, and in
//! microvolts otherwise (then every set is compared by its microvolts, and the report says why).

use super::history_db::{ActivationUnit, CompetitorRole, Load, SetKind, SetRecord};
use serde::Serialize;
use std::collections::BTreeMap;

/// Felt and measured scores this far apart or more (on the 1-10 scale) count as a disagreement.
pub const DISAGREE_POINTS: i32 = 2;

/// The unit a comparison is made in, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitChoice {
    /// %MVC or microvolts.
    pub unit: ActivationUnit,
    /// Sets compared that have no MVC reference (the reason for microvolts when not 0).
    pub sets_without_mvc: usize,
    /// In words, e.g. "%MVC (every set has an MVC)".
    pub reason: String,
}

/// %MVC when every set has it, microvolts otherwise.
pub fn choose_unit(sets: &[&SetRecord]) -> UnitChoice {
    let without = sets.iter().filter(|r| r.peak_pct_mvc.is_none()).count();
    if without == 0 {
        UnitChoice {
            unit: ActivationUnit::PctMvc,
            sets_without_mvc: 0,
            reason: "%MVC (every set has an MVC reference)".into(),
        }
    } else {
        UnitChoice {
            unit: ActivationUnit::Microvolts,
            sets_without_mvc: without,
            reason: format!(
                "uV ({without} of {} sets have no MVC reference, so every set is compared in microvolts)",
                sets.len()
            ),
        }
    }
}

/// A set's peak activation in `unit`.
pub fn peak_in(r: &SetRecord, unit: ActivationUnit) -> Option<f64> {
    match unit {
        ActivationUnit::PctMvc => r.peak_pct_mvc,
        ActivationUnit::Microvolts => Some(r.peak_uv),
    }
    .filter(|v| v.is_finite())
}

/// A set's mean activation in its reps, in `unit` (absent in rows from before format 2 for microvolts).
pub fn mean_in(r: &SetRecord, unit: ActivationUnit) -> Option<f64> {
    match unit {
        ActivationUnit::PctMvc => r.mean_pct_mvc,
        ActivationUnit::Microvolts => r.mean_uv,
    }
    .filter(|v| v.is_finite())
}

/// Lowest, quartiles, median and highest of some values (for a bar with its spread).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// Lowest.
    pub min: f64,
    /// First quartile.
    pub q1: f64,
    /// Median.
    pub median: f64,
    /// Third quartile.
    pub q3: f64,
    /// Highest.
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (non-finite ones left out), or `None` when none is left.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Option<Self> {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Self {
            min: v[0],
            q1: quantile(&v, 0.25),
            median: quantile(&v, 0.5),
            q3: quantile(&v, 0.75),
            max: v[v.len() - 1],
        })
    }
}

/// Linear-interpolated quantile of sorted, non-empty `v` (the median of an even count is the mean of the
/// middle two).
fn quantile(v: &[f64], p: f64) -> f64 {
    let pos = p * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// Median of `values` (non-finite left out).
pub fn median(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    Spread::of(values).map(|s| s.median)
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .filter(|x| x.is_finite())
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// One exercise in a muscle's ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExerciseRank {
    /// The exercise.
    pub exercise: String,
    /// Sets of it with the muscle as target.
    pub sets: usize,
    /// Median over sets of the set's peak activation (the ranking key).
    pub median_peak: f64,
    /// The spread of the sets' peaks.
    pub peak_spread: Spread,
    /// Mean over sets of the set's mean activation in its reps (the tie-breaker), if the sets have it.
    pub mean_activation: Option<f64>,
    /// The competing muscle's role in most of these sets, if there was one.
    pub competitor_role: Option<CompetitorRole>,
    /// Median co-contraction index with an antagonist, percent.
    pub median_cci_pct: Option<f64>,
    /// Median share of the work the target did against a synergist, percent.
    pub median_share_pct: Option<f64>,
    /// Day of the first set (`YYYY-MM-DD`).
    pub first_day: String,
    /// Day of the last set.
    pub last_day: String,
}

/// Every exercise a muscle was the target in, best first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranking {
    /// The muscle.
    pub muscle: String,
    /// The unit every number is in.
    pub unit: UnitChoice,
    /// Best first.
    pub exercises: Vec<ExerciseRank>,
    /// Activation drills of the muscle, left out (they are not exercises).
    pub drills_left_out: usize,
}

/// Ranks the exercises `muscle` was the target in (sets of other muscles in `records` are ignored).
pub fn rank_exercises(records: &[SetRecord], muscle: &str) -> Ranking {
    let of_muscle: Vec<&SetRecord> = records.iter().filter(|r| r.muscle == muscle).collect();
    let drills = of_muscle
        .iter()
        .filter(|r| r.kind == SetKind::Drill)
        .count();
    let sets: Vec<&SetRecord> = of_muscle
        .into_iter()
        .filter(|r| r.kind == SetKind::Set)
        .collect();
    let unit = choose_unit(&sets);
    let mut by_exercise: BTreeMap<&str, Vec<&SetRecord>> = BTreeMap::new();
    for r in &sets {
        by_exercise.entry(&r.exercise).or_default().push(r);
    }
    let mut exercises: Vec<ExerciseRank> = by_exercise
        .into_iter()
        .filter_map(|(exercise, rs)| {
            let peak_spread = Spread::of(rs.iter().filter_map(|r| peak_in(r, unit.unit)))?;
            let mut roles: BTreeMap<&str, (usize, CompetitorRole)> = BTreeMap::new();
            for role in rs.iter().filter_map(|r| r.competitor_role) {
                roles.entry(role.as_str()).or_insert((0, role)).0 += 1;
            }
            Some(ExerciseRank {
                exercise: exercise.to_owned(),
                sets: rs.len(),
                median_peak: peak_spread.median,
                peak_spread,
                mean_activation: mean(rs.iter().filter_map(|r| mean_in(r, unit.unit))),
                competitor_role: roles.values().max_by_key(|(n, _)| *n).map(|(_, r)| *r),
                median_cci_pct: median(rs.iter().filter_map(|r| r.cci_pct)),
                median_share_pct: median(rs.iter().filter_map(|r| r.target_share_pct)),
                first_day: day(&rs[0].started_at),
                last_day: day(&rs[rs.len() - 1].started_at),
            })
        })
        .collect();
    exercises.sort_by(|a, b| {
        b.median_peak
            .total_cmp(&a.median_peak)
            .then_with(|| {
                let m = |e: &ExerciseRank| e.mean_activation.unwrap_or(f64::NEG_INFINITY);
                m(b).total_cmp(&m(a))
            })
            .then_with(|| a.exercise.cmp(&b.exercise))
    });
    Ranking {
        muscle: muscle.to_owned(),
        unit,
        exercises,
        drills_left_out: drills,
    }
}

/// The day part (`YYYY-MM-DD`) of an RFC 3339 time.
pub fn day(started_at: &str) -> String {
    started_at.get(..10).unwrap_or(started_at).to_owned()
}

/// The Monday (`YYYY-MM-DD`) of the week `started_at` falls in (UTC), or `None` for an unreadable time.
pub fn week_of(started_at: &str) -> Option<String> {
    let days = days_since_epoch(started_at.get(..10)?)?;
    // 1970-01-01 was a Thursday: three days after a Monday.
    let monday = days - (days + 3).rem_euclid(7);
    Some(date_of_day(monday))
}

/// Days from 1970-01-01 to the date `YYYY-MM-DD`.
pub fn days_since_epoch(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(crate::calendar::days_from_civil(y, m, d))
}

/// The date `YYYY-MM-DD` `days` after 1970-01-01 (the inverse of [`days_since_epoch`]).
pub fn date_of_day(days: i64) -> String {
    let (y, m, d) = crate::calendar::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Least-squares slope of `(x, y)` points, or `None` with fewer than two distinct x.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (points.len() >= 2 && sxx > 0.0).then(|| sxy / sxx)
}

/// Felt against measured for one set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeelPoint {
    /// When the set started.
    pub started_at: String,
    /// The exercise.
    pub exercise: String,
    /// Felt activation, 1-10.
    pub felt: u8,
    /// Measured activation score, 1-10.
    pub score: u8,
    /// `felt - score`: positive when the muscle felt more worked than measured.
    pub gap: i32,
}

/// The gap in one week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeelWeek {
    /// The week's Monday.
    pub week: String,
    /// Sets with a felt score that week.
    pub sets: usize,
    /// Mean of `felt - score`.
    pub mean_gap: f64,
    /// Mean of `|felt - score|`: how far off the feel was, either way.
    pub mean_abs_gap: f64,
    /// Sets whose feel disagreed ([`DISAGREE_POINTS`] or more).
    pub disagreements: usize,
}

/// How well a muscle's felt activation matches the measurement, over time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeelReport {
    /// The muscle.
    pub muscle: String,
    /// Every set with a felt score, oldest first.
    pub points: Vec<FeelPoint>,
    /// Sets of the muscle with no felt score (not compared).
    pub sets_without_felt: usize,
    /// Sets where feel and measurement disagree by [`DISAGREE_POINTS`] or more.
    pub disagreements: usize,
    /// Of those, sets that felt better than measured.
    pub felt_higher: usize,
    /// Of those, sets that felt worse than measured.
    pub felt_lower: usize,
    /// Mean `|felt - score|` over all sets.
    pub mean_abs_gap: Option<f64>,
    /// Mean `felt - score` over all sets (positive: feel overrates).
    pub mean_gap: Option<f64>,
    /// Week by week, oldest first.
    pub weeks: Vec<FeelWeek>,
    /// Change of the weekly mean `|gap|` per week (least squares; negative: the feel is learned).
    pub abs_gap_trend_per_week: Option<f64>,
}

/// Felt against measured activation for the sets (and drills) of `muscle`.
pub fn feel_vs_measured(records: &[SetRecord], muscle: &str) -> FeelReport {
    let of_muscle: Vec<&SetRecord> = records.iter().filter(|r| r.muscle == muscle).collect();
    let points: Vec<FeelPoint> = of_muscle
        .iter()
        .filter_map(|r| {
            let felt = r.log.felt?;
            Some(FeelPoint {
                started_at: r.started_at.clone(),
                exercise: r.exercise.clone(),
                felt,
                score: r.score,
                gap: i32::from(felt) - i32::from(r.score),
            })
        })
        .collect();
    let disagree = |p: &FeelPoint| p.gap.abs() >= DISAGREE_POINTS;
    let mut weeks: BTreeMap<String, Vec<&FeelPoint>> = BTreeMap::new();
    for p in &points {
        if let Some(w) = week_of(&p.started_at) {
            weeks.entry(w).or_default().push(p);
        }
    }
    let weeks: Vec<FeelWeek> = weeks
        .into_iter()
        .map(|(week, ps)| FeelWeek {
            sets: ps.len(),
            mean_gap: mean(ps.iter().map(|p| f64::from(p.gap))).unwrap_or(0.0),
            mean_abs_gap: mean(ps.iter().map(|p| f64::from(p.gap.abs()))).unwrap_or(0.0),
            disagreements: ps.iter().filter(|p| disagree(p)).count(),
            week,
        })
        .collect();
    let trend: Vec<(f64, f64)> = weeks
        .iter()
        .filter_map(|w| Some((days_since_epoch(&w.week)? as f64 / 7.0, w.mean_abs_gap)))
        .collect();
    FeelReport {
        muscle: muscle.to_owned(),
        sets_without_felt: of_muscle.len() - points.len(),
        disagreements: points.iter().filter(|p| disagree(p)).count(),
        felt_higher: points.iter().filter(|p| p.gap >= DISAGREE_POINTS).count(),
        felt_lower: points.iter().filter(|p| p.gap <= -DISAGREE_POINTS).count(),
        mean_abs_gap: mean(points.iter().map(|p| f64::from(p.gap.abs()))),
        mean_gap: mean(points.iter().map(|p| f64::from(p.gap))),
        abs_gap_trend_per_week: slope(&trend),
        weeks,
        points,
    }
}

/// An exercise's activation at one load in one week.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadCell {
    /// The target muscle.
    pub muscle: String,
    /// The load in kg (what cells are grouped by).
    pub load_kg: f64,
    /// The load as typed in the first set of the cell.
    pub load: Load,
    /// The week's Monday.
    pub week: String,
    /// Sets in the cell.
    pub sets: usize,
    /// Median of the sets' peak activation.
    pub median_peak: f64,
    /// Mean of the sets' mean activation.
    pub mean_activation: Option<f64>,
}

/// Activation against load over time for one exercise.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadReport {
    /// The exercise.
    pub exercise: String,
    /// The unit every number is in.
    pub unit: UnitChoice,
    /// By muscle, then load (lightest first), then week (oldest first).
    pub cells: Vec<LoadCell>,
    /// Sets of the exercise without a logged load (not shown).
    pub sets_without_load: usize,
}

/// The sets of `exercise` (drills left out: they carry no load), and of those the ones with a logged load.
fn exercise_sets<'a>(
    records: &'a [SetRecord],
    exercise: &str,
) -> (Vec<&'a SetRecord>, Vec<&'a SetRecord>) {
    let sets: Vec<&SetRecord> = records
        .iter()
        .filter(|r| r.exercise == exercise && r.kind == SetKind::Set)
        .collect();
    let loaded = sets
        .iter()
        .copied()
        .filter(|r| r.log.load.is_some())
        .collect();
    (sets, loaded)
}

/// What loads are grouped by: loads within 5 g are the same load (45 lb and 20.41 kg typed apart stay
/// apart).
pub fn load_key(load: Load) -> i64 {
    (load.kg() * 200.0).round() as i64
}

/// Activation per muscle, load and week for the sets of `exercise`.
pub fn activation_by_load(records: &[SetRecord], exercise: &str) -> LoadReport {
    let (sets, loaded) = exercise_sets(records, exercise);
    let unit = choose_unit(&loaded);
    let mut groups: BTreeMap<(String, i64, String), Vec<&SetRecord>> = BTreeMap::new();
    for r in &loaded {
        let (Some(load), Some(week)) = (r.log.load, week_of(&r.started_at)) else {
            continue;
        };
        let key = (r.muscle.clone(), load_key(load), week);
        groups.entry(key).or_default().push(r);
    }
    let cells = groups
        .into_iter()
        .filter_map(|((muscle, _, week), rs)| {
            let load = rs[0].log.load?;
            Some(LoadCell {
                muscle,
                load_kg: load.kg(),
                load,
                week,
                sets: rs.len(),
                median_peak: median(rs.iter().filter_map(|r| peak_in(r, unit.unit)))?,
                mean_activation: mean(rs.iter().filter_map(|r| mean_in(r, unit.unit))),
            })
        })
        .collect();
    LoadReport {
        exercise: exercise.to_owned(),
        unit,
        cells,
        sets_without_load: sets.len() - loaded.len(),
    }
}

/// One set behind a [`LoadReport`]'s cells: when, at what load, and its peak activation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LoadPoint {
    /// The target muscle.
    pub muscle: String,
    /// The load, as typed.
    pub load: Load,
    /// When the set started.
    pub started_at: String,
    /// The set's peak activation in the report's unit.
    pub peak: f64,
}

/// The sets [`activation_by_load`] groups into cells, one by one, oldest first, in `unit` (the report's).
pub fn load_points(records: &[SetRecord], exercise: &str, unit: ActivationUnit) -> Vec<LoadPoint> {
    let (_, loaded) = exercise_sets(records, exercise);
    loaded
        .into_iter()
        .filter_map(|r| {
            Some(LoadPoint {
                muscle: r.muscle.clone(),
                load: r.log.load?,
                started_at: r.started_at.clone(),
                peak: peak_in(r, unit)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::history_db::{LoadUnit, SetContext, SetLog};

    fn set(day: &str, exercise: &str, muscle: &str, peak: f64, pct: Option<f64>) -> SetRecord {
        let c = SetContext::new(&format!("{day}T10:00:00Z"), exercise, muscle);
        SetRecord {
            id: None,
            started_at: c.started_at,
            exercise: c.exercise,
            muscle: c.muscle,
            antagonist: None,
            session_wav: None,
            set_in_session: 1,
            duration_s: 30.0,
            reps: 8,
            good_reps: 8,
            peak_pct_mvc: pct,
            peak_uv: peak,
            mean_pct_mvc: pct.map(|p| p / 2.0),
            time_above_target_s: 1.0,
            cci_pct: None,
            fatigue_slope_hz_per_min: None,
            score: 5,
            mean_uv: Some(peak / 2.0),
            kind: SetKind::Set,
            activation_unit: if pct.is_some() {
                ActivationUnit::PctMvc
            } else {
                ActivationUnit::Microvolts
            },
            competitor_role: None,
            target_share_pct: None,
            log: SetLog::default(),
        }
    }

    #[test]
    fn ranking_by_median_peak_in_one_unit() {
        let mut rs = vec![
            set("2025-03-01", "Curl", "Biceps", 300.0, Some(60.0)),
            set("2025-03-02", "Curl", "Biceps", 310.0, Some(70.0)),
            set("2025-03-03", "Curl", "Biceps", 320.0, Some(90.0)),
            set("2025-03-04", "Curl", "Biceps", 330.0, Some(100.0)),
            set("2025-03-01", "Chin-up", "Biceps", 500.0, Some(75.0)),
            set("2025-03-02", "Chin-up", "Lats", 999.0, Some(99.0)),
        ];
        let mut drill = set("2025-03-05", "Drill", "Biceps", 900.0, Some(99.0));
        drill.kind = SetKind::Drill;
        rs.push(drill);
        let mut cci = rs[0].clone();
        cci.cci_pct = Some(12.0);
        cci.competitor_role = Some(CompetitorRole::Antagonist);
        rs[0] = cci;
        let r = rank_exercises(&rs, "Biceps");
        assert_eq!(r.unit.unit, ActivationUnit::PctMvc);
        assert_eq!(r.drills_left_out, 1);
        let names: Vec<_> = r.exercises.iter().map(|e| e.exercise.as_str()).collect();
        // Curl's median of 60, 70, 90, 100 is 80 > Chin-up's 75.
        assert_eq!(names, ["Curl", "Chin-up"]);
        let curl = &r.exercises[0];
        assert_eq!((curl.median_peak, curl.sets), (80.0, 4));
        assert_eq!((curl.peak_spread.min, curl.peak_spread.max), (60.0, 100.0));
        assert_eq!(curl.peak_spread.q1, 67.5);
        assert_eq!(curl.mean_activation, Some(40.0));
        assert_eq!(curl.median_cci_pct, Some(12.0));
        assert_eq!(curl.competitor_role, Some(CompetitorRole::Antagonist));
        assert_eq!(
            (curl.first_day.as_str(), curl.last_day.as_str()),
            ("2025-03-01", "2025-03-04")
        );

        // One set without an MVC: everything in microvolts, and Chin-up (500 uV) leads.
        rs.push(set("2025-03-06", "Row", "Biceps", 100.0, None));
        let r = rank_exercises(&rs, "Biceps");
        assert_eq!(r.unit.unit, ActivationUnit::Microvolts);
        assert_eq!(r.unit.sets_without_mvc, 1);
        assert!(r.unit.reason.contains("1 of 6"), "{}", r.unit.reason);
        let names: Vec<_> = r.exercises.iter().map(|e| e.exercise.as_str()).collect();
        assert_eq!(names, ["Chin-up", "Curl", "Row"]);
        assert_eq!(r.exercises[1].median_peak, 315.0);
        assert!(rank_exercises(&rs, "Nobody").exercises.is_empty());
    }

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(
            week_of("2025-03-05T23:00:00Z").as_deref(),
            Some("2025-03-03")
        );
        assert_eq!(
            week_of("2025-03-03T00:00:00Z").as_deref(),
            Some("2025-03-03")
        );
        assert_eq!(
            week_of("2025-03-02T12:00:00Z").as_deref(),
            Some("2025-02-24")
        );
        assert_eq!(
            week_of("1970-01-01T00:00:00Z").as_deref(),
            Some("1969-12-29")
        );
        assert_eq!(
            week_of("2024-02-29T00:00:00Z").as_deref(),
            Some("2024-02-26")
        );
        assert_eq!(week_of("yesterday"), None);
        assert_eq!(days_since_epoch("2000-03-01"), Some(11_017));
    }

    #[test]
    fn feel_gap_counts_and_shrinks() {
        let mut rs = Vec::new();
        // Week 1: felt 9 vs score 5 (gap 4) and 2 vs 5 (-3); week 2: 6 vs 5 (1); week 3: 5 vs 5.
        for (day, felt) in [
            ("2025-03-03", 9),
            ("2025-03-04", 2),
            ("2025-03-10", 6),
            ("2025-03-17", 5),
        ] {
            let mut r = set(day, "Curl", "Biceps", 300.0, None);
            r.log.felt = Some(felt);
            rs.push(r);
        }
        rs.push(set("2025-03-18", "Curl", "Biceps", 300.0, None));
        let f = feel_vs_measured(&rs, "Biceps");
        assert_eq!(f.points.len(), 4);
        assert_eq!(f.sets_without_felt, 1);
        assert_eq!((f.disagreements, f.felt_higher, f.felt_lower), (2, 1, 1));
        assert_eq!(f.mean_abs_gap, Some(2.0));
        assert_eq!(f.mean_gap, Some(0.5));
        let weekly: Vec<_> = f
            .weeks
            .iter()
            .map(|w| (w.week.as_str(), w.mean_abs_gap))
            .collect();
        assert_eq!(
            weekly,
            [
                ("2025-03-03", 3.5),
                ("2025-03-10", 1.0),
                ("2025-03-17", 0.0)
            ]
        );
        // Least squares over (0, 3.5), (1, 1), (2, 0): -1.75 per week.
        assert!((f.abs_gap_trend_per_week.unwrap() + 1.75).abs() < 1e-9);
    }

    #[test]
    fn activation_by_load_groups_kg_and_lb() {
        let mut rs = Vec::new();
        for (day, value, unit, peak) in [
            ("2025-03-03", 20.0, LoadUnit::Kg, 50.0),
            ("2025-03-04", 20.0, LoadUnit::Kg, 60.0),
            ("2025-03-11", 20.0 / KG, LoadUnit::Lb, 70.0),
            ("2025-03-12", 30.0, LoadUnit::Kg, 80.0),
        ] {
            let mut r = set(day, "Curl", "Biceps", peak * 5.0, Some(peak));
            r.log.load = Some(Load { value, unit });
            rs.push(r);
        }
        rs.push(set("2025-03-12", "Curl", "Biceps", 1.0, None));
        let l = activation_by_load(&rs, "Curl");
        assert_eq!(
            l.unit.unit,
            ActivationUnit::PctMvc,
            "sets without a load do not count"
        );
        assert_eq!(l.sets_without_load, 1);
        let cells: Vec<_> = l
            .cells
            .iter()
            .map(|c| (c.load_kg.round(), c.week.as_str(), c.median_peak))
            .collect();
        assert_eq!(
            cells,
            [
                (20.0, "2025-03-03", 55.0),
                (20.0, "2025-03-10", 70.0),
                (30.0, "2025-03-10", 80.0)
            ]
        );
        assert_eq!(l.cells[1].load.unit, LoadUnit::Lb);
        // The points are the cells' sets, one by one, in the report's unit.
        let points = load_points(&rs, "Curl", l.unit.unit);
        let peaks: Vec<_> = points.iter().map(|p| p.peak).collect();
        assert_eq!(peaks, [50.0, 60.0, 70.0, 80.0]);
        assert_eq!(load_key(points[0].load), load_key(points[2].load));
        assert_eq!(
            date_of_day(days_since_epoch("2025-03-12").unwrap()),
            "2025-03-12"
        );
        // A drill of the exercise is neither a cell nor a set without a load.
        let mut drill = set("2025-03-13", "Curl", "Biceps", 1.0, Some(1.0));
        drill.kind = SetKind::Drill;
        rs.push(drill);
        assert_eq!(activation_by_load(&rs, "Curl"), l);
    }

    const KG: f64 = crate::training::history_db::KG_PER_LB;
}
