//! The sets the user marked, each summarised by [`crate::training::summary::summarize`] from the pass's
//! slowed envelopes and epochs. Everything here depends only on frames before the set's end (the filters
//! are causal and epochs start at frame 0), so the summary made when the set ends, from the recording so
//! far, equals the one `analyze` and review make later from the whole session.

use super::AnalyzeOptions;
use super::pass::Pass;
use super::report::{MarkedSetReport, SetMuscle, SetSymmetry};

/// Slack so an epoch that ends exactly at the set's end stays inside despite rounding in its start time, s.
const SLACK_S: f64 = 1e-9;
use crate::dsp::fatigue::{EpochMdf, fatigue_trend};
use crate::session::MarkedSet;
use crate::training::rules::working_threshold_uv;
use crate::training::summary::{SetInput, SetPoint, summarize};

/// The report of one marked set, or `None` when its target channel is not in the recording.
pub(super) fn marked_set_report(
    set: &MarkedSet,
    pass: &Pass,
    names: &[String],
    fs: f64,
    options: &AnalyzeOptions,
) -> Option<MarkedSetReport> {
    let channels = pass.channels.len();
    let plan = &set.plan;
    if plan.target >= channels {
        return None;
    }
    let competing = plan.competing.filter(|&c| c < channels && c != plan.target);
    let end_frame = set.end_frame.unwrap_or(pass.frames).min(pass.frames);
    let start_frame = set.start_frame.min(end_frame);
    // The slowed samples of frames start..end; the first is sample `first`.
    let first = start_frame.div_ceil(pass.slow_every) as usize;
    let target = pass.slow_span(plan.target, start_frame, end_frame);
    let other = competing.map(|c| pass.slow_span(c, start_frame, end_frame));
    let points: Vec<SetPoint> = target
        .iter()
        .enumerate()
        .map(|(i, v)| SetPoint {
            t: (first + i) as f64 * pass.slow_dt,
            target_uv: *v,
            competing_uv: other.and_then(|o| o.get(i).copied()),
        })
        .collect();
    let (start_s, end_s) = (start_frame as f64 / fs, end_frame as f64 / fs);
    // The set's epochs count as active against the set's own rep threshold on the target muscle.
    let threshold = working_threshold_uv(plan.target_level_uv);
    let inside = pass.channels[plan.target]
        .epochs
        .iter()
        .filter(|e| {
            e.start_s >= start_s - SLACK_S && e.start_s + options.epoch_s <= end_s + SLACK_S
        })
        .map(|e| EpochMdf {
            active_fraction: pass.epoch_active_fraction(plan.target, e, fs, threshold),
            ..e.mdf(options.epoch_s)
        });
    let fatigue = fatigue_trend(inside, fs);
    let mvc = |c: usize| {
        options
            .mvc_uv
            .as_ref()
            .and_then(|m| m.get(c).copied())
            .filter(|m| m.is_finite() && *m > 0.0)
    };
    let summary = summarize(&SetInput {
        points: &points,
        target_mvc_uv: mvc(plan.target),
        competing_mvc_uv: competing.and_then(mvc),
        competing_role: plan.competing_role,
        share_limit_pct: plan.share_limit_pct,
        target_level_uv: plan.target_level_uv,
        ratio_limit: plan.ratio_limit,
        rms_window_s: options.dsp.envelope_window_s,
        fatigue,
    });
    let muscles: Vec<SetMuscle> = (0..channels)
        .map(|c| {
            let span = pass.slow_span(c, start_frame, end_frame);
            let peak_uv = span.iter().copied().fold(0.0f32, f32::max) as f64;
            let mean_uv = if span.is_empty() {
                0.0
            } else {
                span.iter().map(|v| *v as f64).sum::<f64>() / span.len() as f64
            };
            let pct = |uv: f64| mvc(c).map(|m| 100.0 * uv / m);
            SetMuscle {
                channel: c,
                name: names[c].clone(),
                peak_uv,
                mean_uv,
                peak_pct_mvc: pct(peak_uv),
                mean_pct_mvc: pct(mean_uv),
            }
        })
        .collect();
    let symmetry = options
        .left_right
        .iter()
        .filter(|(l, r)| *l < channels && *r < channels)
        .map(|&(l, r)| {
            let (symmetry_index_pct, unit) = super::normalised_symmetry(
                (muscles[l].mean_uv, mvc(l)),
                (muscles[r].mean_uv, mvc(r)),
            );
            SetSymmetry {
                left: l,
                right: r,
                label: format!("{} / {}", names[l], names[r]),
                unit: unit.into(),
                symmetry_index_pct,
            }
        })
        .collect();
    Some(MarkedSetReport {
        number: set.number,
        start_s,
        end_s,
        ended_by_marker: set.end_frame.is_some_and(|e| e <= pass.frames),
        plan: plan.clone(),
        plan_recorded: set.plan_recorded,
        target_name: names[plan.target].clone(),
        competing_name: competing.map(|c| names[c].clone()),
        summary,
        muscles,
        symmetry,
    })
}
