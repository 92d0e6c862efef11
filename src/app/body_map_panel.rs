//! The body map panels: beside the live view (live activation, the target's edge, the competing muscle
//! when it takes over, the live symmetry of left/right pairs) and under a set summary (each recorded muscle
//! by its peak or its mean, both in its label, and the set's symmetry of left/right pairs).

use super::body_map::{self, RegionPaint};
use super::body_map_live::{activation_colour, channel_regions, live_paints, live_symmetry};
use super::live::LiveState;
use super::theme::{MUSCLE_IDLE, TARGET_LINE, WARNING};
use super::training::Training;
use crate::analysis::MarkedSetReport;
use crate::training::setup::{Role, Side};
use egui::{RichText, Ui, Vec2};

/// The live panel: the map, the symmetry of the setup's left/right pairs, and the muscles not on the map.
pub fn live(ui: &mut Ui, live: &mut LiveState, training: &Training) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Body map").strong());
        if ui.small_button("Hide body map").clicked() {
            live.show_body_map = false;
        }
    });
    let paints = live_paints(live, training);
    let width = ui.available_width();
    body_map::show(ui, "live", Vec2::new(width, width * 1.05), &paints, false);
    for s in live_symmetry(live, training.setup.as_ref()) {
        ui.label(format!(
            "{} L/R symmetry index {:.0} % ({})",
            s.muscle, s.index_pct, s.unit
        ));
    }
    let off_map: Vec<&str> = live
        .muscles
        .iter()
        .filter(|m| channel_regions(&m.name, Side::None).is_empty())
        .map(|m| m.name.as_str())
        .collect();
    if !off_map.is_empty() {
        ui.label(
            RichText::new(format!("Not on the map: {}", off_map.join(", ")))
                .small()
                .weak(),
        );
    }
}

/// Which number of a finished set colours the map.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetMetric {
    /// The highest envelope point, against the target line.
    #[default]
    Peak,
    /// The mean envelope, against the target line.
    Mean,
}

/// Paints for a finished set, from its report (the numbers review and `analyze` show): every recorded
/// muscle by `metric` (its peak or its mean over the set) against the set's target line (%MVC where
/// calibrated), each region's label carrying both; the target muscle with the target's edge and its
/// summary's numbers; the competing muscle in the warning colour when it took over (the share under its
/// limit, or the CCI over the ratio limit's equivalent), with its CCI or share in words.
pub fn set_paints(report: &MarkedSetReport, sides: &[Side], metric: SetMetric) -> Vec<RegionPaint> {
    let s = &report.summary;
    let plan = &report.plan;
    let side = |c: usize| sides.get(c).copied().unwrap_or_default();
    // (peak, mean, unit, line) of channel `c`: %MVC against the plan's %MVC where both exist, else uV.
    let levels = |c: usize| -> Option<(f64, f64, &'static str, f64)> {
        let (pk_pct, mn_pct, pk_uv, mn_uv) = if c == plan.target {
            (s.peak_pct_mvc, s.mean_pct_mvc, s.peak_uv, s.mean_uv)
        } else {
            let m = report.muscles.iter().find(|m| m.channel == c)?;
            (m.peak_pct_mvc, m.mean_pct_mvc, m.peak_uv, m.mean_uv)
        };
        Some(match (pk_pct.zip(mn_pct), plan.target_pct_mvc) {
            (Some((p, m)), Some(line)) => (p, m, "%MVC", line),
            _ => (pk_uv, mn_uv, "µV", s.target_level_uv),
        })
    };
    let mut channels: Vec<(usize, String)> = vec![(plan.target, report.target_name.clone())];
    channels.extend(
        report
            .muscles
            .iter()
            .filter(|m| m.channel != plan.target)
            .map(|m| (m.channel, m.name.clone())),
    );
    if let (Some(c), Some(name)) = (plan.competing, &report.competing_name)
        && !channels.iter().any(|(k, _)| *k == c)
    {
        channels.push((c, name.clone()));
    }
    let took_over = match plan.competing_role {
        Role::Synergist => s
            .target_share_pct
            .is_some_and(|sh| sh < plan.share_limit_pct),
        _ => s
            .cci_pct
            .is_some_and(|cci| cci > cci_limit(plan.ratio_limit)),
    };
    let mut paints = Vec::new();
    for (c, name) in channels {
        let (fill, mut value) = match levels(c) {
            Some((peak, mean, unit, line)) => {
                let shown = match metric {
                    SetMetric::Peak => peak,
                    SetMetric::Mean => mean,
                };
                (
                    activation_colour(shown as f32, line as f32),
                    format!("peak {peak:.0} {unit}, mean {mean:.0} {unit}"),
                )
            }
            None => (MUSCLE_IDLE, String::new()),
        };
        let competing = Some(c) == plan.competing;
        let (fill, edge) = if c == plan.target {
            value += ", target muscle";
            (fill, Some(TARGET_LINE))
        } else if competing {
            value = [value, s.competitor_text()].join(", ");
            (if took_over { WARNING } else { fill }, None)
        } else {
            (fill, None)
        };
        for (muscle, side) in channel_regions(&name, side(c)) {
            paints.push(RegionPaint {
                muscle,
                side,
                fill,
                edge,
                value: value.clone(),
            });
        }
    }
    paints
}

/// The Falconer & Winter index two envelopes in the ratio `r` (antagonist / agonist) give: `200 r / (1 + r)`.
fn cci_limit(ratio: f64) -> f64 {
    200.0 * ratio / (1.0 + ratio)
}

/// The map under a set summary, with the choice of peak or mean.
pub fn set_summary(ui: &mut Ui, report: &MarkedSetReport, sides: &[Side], metric: &mut SetMetric) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Body map of the set").strong());
        ui.radio_value(metric, SetMetric::Peak, "Peak");
        ui.radio_value(metric, SetMetric::Mean, "Mean");
    });
    let paints = set_paints(report, sides, *metric);
    body_map::show(ui, "set", Vec2::new(220.0, 230.0), &paints, false);
    for sym in &report.symmetry {
        ui.label(crate::analysis::set_symmetry_text(sym));
    }
}

/// Periods the history's map can average over, in weeks (0 = every set).
pub const HISTORY_PERIODS: [u32; 4] = [1, 4, 12, 0];

/// When the last `weeks` weeks before `now` begin; `None` for every set (0).
fn period_start(weeks: u32, now: std::time::SystemTime) -> Option<std::time::SystemTime> {
    let length = std::time::Duration::from_secs(u64::from(weeks) * 7 * 86_400);
    (weeks > 0).then(|| now.checked_sub(length)).flatten()
}

/// The UTC day (`YYYY-MM-DD`) on which the last `weeks` weeks before `now` begin, as
/// [`history_paints`] counts them; `None` for every set (0).
pub fn period_start_day(weeks: u32, now: std::time::SystemTime) -> Option<String> {
    let since = period_start(weeks, now)?;
    let secs = since.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    let (y, m, d) = crate::calendar::civil_from_days((secs / 86_400) as i64);
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Paints for the history: each muscle trained in `sets` by the mean of `metric` over the sets started in
/// the last `weeks` weeks before `now` (every set for 0), scaled to the metric's range (score 0-10, peak
/// and CCI 0-100 %, fatigue 0-20 Hz/min of decline); both sides, as the history keeps no side.
pub fn history_paints(
    sets: &[crate::training::history_db::SetRecord],
    metric: crate::training::history_db::Metric,
    weeks: u32,
    now: std::time::SystemTime,
) -> Vec<RegionPaint> {
    use crate::training::history_db::Metric;
    let since = period_start(weeks, now);
    let mut by_muscle: Vec<(&str, f64, usize)> = Vec::new();
    for r in sets {
        let recent = since.is_none_or(|t| {
            humantime::parse_rfc3339_weak(r.started_at.trim()).is_ok_and(|s| s >= t)
        });
        let Some(v) = metric.value(r).filter(|v| recent && v.is_finite()) else {
            continue;
        };
        match by_muscle.iter_mut().find(|(m, _, _)| *m == r.muscle) {
            Some(e) => {
                e.1 += v;
                e.2 += 1;
            }
            None => by_muscle.push((&r.muscle, v, 1)),
        }
    }
    let (scale, sign) = match metric {
        Metric::Score => (10.0, 1.0),
        Metric::PeakPctMvc | Metric::Cci => (100.0, 1.0),
        Metric::FatigueSlope => (20.0, -1.0),
    };
    let mut paints = Vec::new();
    for (muscle, sum, n) in by_muscle {
        let mean = sum / n as f64;
        let shown = (sign * mean / scale).clamp(0.0, 1.0) as f32;
        for (region, side) in channel_regions(muscle, Side::None) {
            paints.push(RegionPaint {
                muscle: region,
                side,
                fill: activation_colour(shown, 1.0 + f32::EPSILON),
                edge: None,
                value: format!("{} mean {mean:.1} over {n} sets", metric.label()),
            });
        }
    }
    paints
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn the_period_starts_on_the_utc_day_weeks_before_now() {
        // 2026-12-01 00:30 UTC: four weeks back is 2026-11-03 00:30, a day the map's cut falls in.
        let now = UNIX_EPOCH + Duration::from_secs(20_788 * 86_400 + 1_800);
        assert_eq!(period_start_day(4, now).as_deref(), Some("2026-11-03"));
        assert_eq!(period_start_day(1, now).as_deref(), Some("2026-11-24"));
        assert_eq!(period_start_day(0, now), None, "every set");
    }
}
