//! Drawing a training set: the exercise header with Start/End set, the co-contraction gauge of the pair
//! (or the share gauge against a synergist),
//! the rep counter with each rep's verdict, the tempo guide or hold timer, the fatigue trend; and the
//! summary when a set ends. Draws from borrows; what the user clicks comes back as [`ScreenAction`]s.

use super::history::LiveHistory;
use super::live::LiveState;
use super::screen::ScreenAction;
use super::theme::{CALM, CAUTION, FATIGUE, TARGET_SHARE, WARNING};
use super::training::{FinishedSet, SetMode, Training};
use crate::analysis::MarkedSetReport;
use crate::dsp::cocontraction::falconer_winter;
use crate::training::rules;
use crate::training::setup::Role;
use crate::training::share::{Share, taking_over_words, target_share};
use crate::training::summary::SCORE_FORMULA;
use egui::{ProgressBar, RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

/// Seconds of history the co-contraction gauge averages.
const GAUGE_WINDOW_S: f64 = 0.5;

/// Antagonist/target ratio and Falconer & Winter over the last half second, from the display history.
pub fn pair_gauge(training: &Training, history: &LiveHistory) -> Option<(f64, f64)> {
    let (target, antagonist) = training.channels();
    let (a, na, b, nb) = window_sums(history, target, antagonist?)?;
    let ratio = if a > 0.0 {
        (b / nb as f64) / (a / na as f64)
    } else {
        0.0
    };
    Some((ratio, falconer_winter(a, b)))
}

/// The target's share of the work against the setup's synergist over the last half second (the one
/// [`target_share`] the set summary uses): in %MVC when both muscles are calibrated, else in uV. `None`
/// without a synergist.
pub fn synergist_share(training: &Training, live: &LiveState) -> Option<Share> {
    let (target, Some((synergist, Role::Synergist))) = training.competition() else {
        return None;
    };
    let (a, na, b, nb) = window_sums(&live.history, target, synergist)?;
    let mvc = |c: usize| live.muscles.get(c).and_then(|m| m.mvc_uv).map(f64::from);
    target_share(a / na as f64, b / nb as f64, mvc(target), mvc(synergist))
}

/// Sums and counts of two channels' newest display points over the gauge window (half a second).
pub(super) fn window_sums(
    history: &LiveHistory,
    target: usize,
    other: usize,
) -> Option<(f64, usize, f64, usize)> {
    let n = ((GAUGE_WINDOW_S / history.step_s()).round() as usize).max(1);
    let ag = history.channels.get(target)?;
    let ant = history.channels.get(other)?;
    // Sums over the newest n points: the same window for both, no allocation per frame.
    let sum = |v: &std::collections::VecDeque<f32>| -> (f64, usize) {
        v.iter()
            .rev()
            .take(n)
            .fold((0.0, 0), |(s, k), x| (s + *x as f64, k + 1))
    };
    let ((a, na), (b, nb)) = (sum(&ag.envelope), sum(&ant.envelope));
    (na > 0 && nb > 0).then_some((a, na, b, nb))
}

/// The training header above the muscle rows.
pub fn header(ui: &mut Ui, training: &Training, live: &LiveState, now_s: f64) -> Vec<ScreenAction> {
    let mut acts = Vec::new();
    let (target, antagonist) = training.channels();
    let exercise = training
        .setup
        .as_ref()
        .map_or("Free training", |s| s.name.as_str());
    let in_set = training.set.is_some();
    ui.horizontal(|ui| {
        ui.label(RichText::new(exercise).size(20.0).strong());
        let label = if in_set {
            "End set (Space)"
        } else {
            "Start set (Space)"
        };
        if ui
            .button(RichText::new(label).size(20.0))
            .on_hover_text("A set is recorded, marked and summarised when it ends")
            .clicked()
        {
            acts.push(ScreenAction::ToggleSet);
        }
        if !in_set {
            let mut mode = training.next_mode;
            ui.radio_value(&mut mode, SetMode::Reps, "Reps with tempo");
            ui.radio_value(&mut mode, SetMode::Hold, "Isometric hold");
            if mode != training.next_mode {
                acts.push(ScreenAction::SetMode(mode));
            }
        }
    });
    match training.competition().1 {
        Some((syn, Role::Synergist)) => share_gauge(ui, training, live, (target, syn)),
        _ => {
            if let (Some(ant), Some((ratio, cci))) =
                (antagonist, pair_gauge(training, &live.history))
            {
                gauge(ui, training, live, (target, ant), ratio, cci);
            }
        }
    }
    // Only what the header needs: the set's points (up to 10 minutes of them) are not copied per frame.
    let Some(set) = training.set.as_ref() else {
        return acts;
    };
    let elapsed = now_s - set.started_s;
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Set {:.0} s", elapsed.max(0.0))).size(18.0));
        let counter = live.reps.get(live.pair_index_of(target));
        let reps = counter.map_or(0, |r| r.count);
        ui.label(RichText::new(format!("Reps {reps}")).size(22.0).strong());
        if let Some(last) = counter.and_then(|r| r.last) {
            let good = last.peak_uv >= live.muscles[target].target_uv as f64;
            let (text, colour) = if good {
                ("last rep: on target", CALM)
            } else {
                ("last rep: below target", CAUTION)
            };
            ui.label(RichText::new(text).color(colour));
        }
    });
    match set.mode {
        SetMode::Reps => {
            if let Some(setup) = &training.setup {
                let (phase, done) = setup.tempo.phase_at(elapsed.max(0.0));
                ui.horizontal(|ui| {
                    ui.label(RichText::new(format!("Tempo: {}", phase.label())).size(18.0));
                    ui.add(ProgressBar::new(done as f32).desired_width(300.0))
                        .on_hover_text(format!(
                            "Metronome: {:.1} s up, {:.1} s down",
                            setup.tempo.concentric_s, setup.tempo.eccentric_s
                        ));
                });
            }
        }
        SetMode::Hold => {
            let goal = training.setup.as_ref().map_or(10.0, |s| s.hold_s);
            let held = training.hold_elapsed_s(now_s);
            let text = match held {
                None => "Hold: contract to reach the target line".to_string(),
                Some(t) if t >= goal => format!("Hold done: {t:.1} s"),
                Some(t) => format!("Hold {t:.1} / {goal:.0} s"),
            };
            let frac = held.map_or(0.0, |t| (t / goal).min(1.0));
            ui.add(
                ProgressBar::new(frac as f32)
                    .desired_width(400.0)
                    .text(text),
            );
        }
    }
    if set.mdf.len() >= 2 {
        let pts: PlotPoints = set
            .mdf
            .iter()
            .map(|&(t, f)| [t - set.started_s, f])
            .collect();
        ui.label("Fatigue trend: median frequency of the target muscle (falls as it tires)");
        Plot::new("mdf-trend")
            .height(80.0)
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .show(ui, |p| p.line(Line::new("MDF (Hz)", pts).color(FATIGUE)));
    }
    acts
}

/// The co-contraction gauge of the setup's pair.
fn gauge(
    ui: &mut Ui,
    training: &Training,
    live: &LiveState,
    (target, ant): (usize, usize),
    ratio: f64,
    cci: f64,
) {
    let limit = training
        .setup
        .as_ref()
        .map_or(rules::DEFAULT_RATIO_LIMIT, |s| s.ratio_limit);
    let working =
        live.history.channels.get(target).is_some_and(|h| {
            rules::is_working(h.latest as f64, live.muscles[target].target_uv as f64)
        });
    let warn = working && ratio > limit;
    ui.horizontal(|ui| {
        let names = format!("{} / {}", live.muscles[ant].name, live.muscles[target].name);
        ui.label(RichText::new(names).size(16.0));
        // At rest the ratio means nothing: say so instead of showing it.
        let (fill, text) = if working {
            (
                (ratio / (2.0 * limit).max(0.01)).min(1.0) as f32,
                format!("ratio {ratio:.2} (limit {limit:.2}), CCI {cci:.0} %"),
            )
        } else {
            (0.0, "target muscle at rest".to_string())
        };
        ui.add(
            ProgressBar::new(fill)
                .desired_width(300.0)
                .fill(if warn { WARNING } else { CALM })
                .text(text),
        )
        .on_hover_text(
            "Co-contraction gauge: the antagonist's envelope over the target's, last 0.5 s",
        );
        if warn {
            ui.label(
                RichText::new("Antagonist taking over")
                    .color(WARNING)
                    .strong(),
            );
        }
    });
}

/// The share gauge against the setup's synergist: the target's share of the work, its limit, and
/// "<synergist> taking over" below it while the target works.
fn share_gauge(ui: &mut Ui, training: &Training, live: &LiveState, (target, syn): (usize, usize)) {
    let (Some(t), Some(s)) = (live.muscles.get(target), live.muscles.get(syn)) else {
        return;
    };
    let limit = training.share_limit_pct();
    let working = live
        .history
        .channels
        .get(target)
        .is_some_and(|h| rules::is_working(h.latest as f64, t.target_uv as f64));
    let share = synergist_share(training, live).filter(|_| working);
    let warn = share.is_some_and(|sh| sh.taking_over(limit));
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("{} vs {}", t.name, s.name)).size(16.0));
        let (fill, text) = match share {
            Some(sh) => (
                (sh.pct / 100.0) as f32,
                format!(
                    "target share {:.0} % (limit {limit:.0} %), {}",
                    sh.pct,
                    sh.unit.words()
                ),
            ),
            None => (0.0, "target muscle at rest".to_string()),
        };
        ui.add(
            ProgressBar::new(fill)
                .desired_width(300.0)
                .fill(if warn { WARNING } else { TARGET_SHARE })
                .text(text),
        )
        .on_hover_text(
            "Share gauge: target %MVC / (target + synergist %MVC) over the last 0.5 s; in µV until both \
             muscles are calibrated",
        );
        if warn {
            ui.label(
                RichText::new(taking_over_words(&s.name))
                    .color(WARNING)
                    .strong(),
            );
        }
    });
}

/// The summary row about the competing muscle: co-contraction against an antagonist, the target's share
/// against a synergist (with "<muscle> taking over" below the limit).
fn competitor_row(report: &MarkedSetReport) -> (&'static str, String) {
    let s = &report.summary;
    match (s.competitor_role, s.target_share_pct) {
        (Some(Role::Synergist), Some(share)) => {
            let limit = report.plan.share_limit_pct;
            let unit = s.share_unit.map_or("", |u| u.words());
            let over = if share < limit {
                let name = report.competing_name.as_deref().unwrap_or_default();
                format!(": {}", taking_over_words(name))
            } else {
                String::new()
            };
            (
                "Target's share",
                format!("{share:.0} % of the work {unit} (limit {limit:.0} %){over}"),
            )
        }
        _ => (
            "Co-contraction",
            s.cci_pct
                .map_or("-".into(), |c| format!("{c:.0} % (Falconer & Winter)")),
        ),
    }
}

/// The summary of the last set.
pub fn summary(ui: &mut Ui, f: &mut FinishedSet) -> Option<ScreenAction> {
    // The log entry is typed in place; the rest is only read.
    let FinishedSet {
        report,
        session_wav,
        stored,
        log,
        sides,
        map_metric,
    } = f;
    let s = &report.summary;
    let mut act = None;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(format!("Set summary: {}", report.plan.exercise));
            let colour = match s.score {
                7.. => CALM,
                4..=6 => CAUTION,
                _ => WARNING,
            };
            ui.label(
                RichText::new(format!("Activation score {} / 10", s.score))
                    .size(26.0)
                    .strong()
                    .color(colour),
            )
            .on_hover_text(SCORE_FORMULA);
        });
        let pct = |v: Option<f64>, uv: f64| match v {
            Some(p) => format!("{p:.0} %MVC"),
            None => format!("{uv:.0} µV"),
        };
        ui.horizontal_top(|ui| {
            egui::Grid::new("summary").striped(true).show(ui, |ui| {
                let rows = [
                    ("Reps", s.reps.to_string()),
                    (
                        "Good reps",
                        format!(
                            "{} (target reached, {} within its limit)",
                            s.good_reps,
                            if s.competitor_role == Some(Role::Synergist) {
                                "share"
                            } else {
                                "antagonist"
                            }
                        ),
                    ),
                    ("Peak", pct(s.peak_pct_mvc, s.peak_uv)),
                    (
                        "Mean in reps",
                        s.mean_pct_mvc
                            .map_or("-".into(), |m| format!("{m:.0} %MVC")),
                    ),
                    (
                        "Time above target",
                        format!("{:.1} s of {:.1} s", s.time_above_target_s, s.duration_s),
                    ),
                    competitor_row(report),
                    (
                        "Fatigue slope",
                        format!(
                            "{} (median frequency, working epochs only)",
                            s.fatigue.describe()
                        ),
                    ),
                ];
                for (k, v) in rows {
                    ui.label(RichText::new(k).strong());
                    ui.label(v);
                    ui.end_row();
                }
            });
            ui.vertical(|ui| super::body_map_panel::set_summary(ui, report, sides, map_metric));
        });
        if let Err(e) = stored {
            ui.label(RichText::new(format!("Not stored in the history: {e}")).color(WARNING));
        }
        if let Some(entry) = log
            && let Some(a) = super::set_log_view::show(ui, entry)
        {
            act = Some(a);
        }
        ui.horizontal(|ui| {
            if ui.button("Close summary").clicked() {
                act = Some(ScreenAction::DismissSummary);
            }
            if let Some(wav) = session_wav.as_ref()
                && ui.button("Review this set").clicked()
            {
                act = Some(ScreenAction::ReviewSet(wav.clone()));
            }
        });
    });
    act
}
