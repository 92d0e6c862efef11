//! What the body map shows: in the live view each recorded muscle's region by its live activation (%MVC, or
//! uV before calibration) with the target muscle's edge and the competing muscle in the warning colour when
//! it takes over, and the live symmetry index of the setup's left/right pairs; after a set, each muscle by
//! its peak or mean. Pure functions of the state, so the panel and the tests see the same paints.

use super::body_map::RegionPaint;
use super::live::LiveState;
use super::theme::{BELOW_TARGET, MUSCLE_IDLE, ON_TARGET, TARGET_LINE, WARNING};
use super::train_view;
use super::training::Training;
use crate::analysis::normalised_symmetry;
use crate::training::body_figure::BodySide;
use crate::training::muscle_map::preset_for;
use crate::training::setup::{ExerciseSetup, Role, Side};
use egui::Color32;

/// The regions a channel named `name` on `side` stands for: one side, or both when the side is not said.
pub fn channel_regions(name: &str, side: Side) -> Vec<(&'static str, BodySide)> {
    let Some(p) = preset_for(name) else {
        return Vec::new();
    };
    match side {
        Side::Left => vec![(p.name, BodySide::Left)],
        Side::Right => vec![(p.name, BodySide::Right)],
        Side::None => BodySide::BOTH.iter().map(|s| (p.name, *s)).collect(),
    }
}

/// The side the setup gives channel `c`.
fn side_of(setup: Option<&ExerciseSetup>, c: usize) -> Side {
    setup
        .and_then(|s| s.channels.get(c))
        .map_or(Side::None, |r| r.side)
}

/// A region's fill for `value` against its `target` (same unit): from idle through the activation bar's
/// blue, and the bar's green at or above the target.
pub fn activation_colour(value: f32, target: f32) -> Color32 {
    if target > 0.0 && value >= target {
        return ON_TARGET;
    }
    let t = if target > 0.0 {
        (value / target).clamp(0.0, 1.0)
    } else {
        0.0
    };
    lerp(MUSCLE_IDLE, BELOW_TARGET, t)
}

fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

/// Whether the competing muscle is taking over now: an antagonist over its ratio limit while the target
/// works, or a synergist doing more than the share limit allows.
fn competitor_taking_over(live: &LiveState, training: &Training) -> Option<usize> {
    let (target, Some((competing, role))) = training.competition() else {
        return None;
    };
    let k = live
        .pairs
        .iter()
        .position(|p| (p.agonist, p.antagonist) == (target, competing))?;
    let over = match role {
        Role::Synergist => {
            live.agonist_active(k)
                && train_view::synergist_share(training, live)
                    .is_some_and(|s| s.taking_over(training.share_limit_pct()))
        }
        _ => live.pair_warning(k),
    };
    over.then_some(competing)
}

/// The live paints: every channel whose muscle is on the map.
pub fn live_paints(live: &LiveState, training: &Training) -> Vec<RegionPaint> {
    let setup = training.setup.as_ref();
    let target = training.competition().0;
    let over = competitor_taking_over(live, training);
    let mut paints = Vec::new();
    for (c, m) in live.muscles.iter().enumerate() {
        let Some(h) = live.history.channels.get(c) else {
            continue;
        };
        let (value, line) = (m.shown(h.latest), m.shown(m.target_uv));
        let fill = if over == Some(c) {
            WARNING
        } else {
            activation_colour(value, line)
        };
        let edge = (c == target).then_some(TARGET_LINE);
        let mut words = format!("{value:.0} {}", m.unit());
        if c == target {
            words.push_str(", target muscle");
        }
        if over == Some(c) {
            words.push_str(", taking over");
        }
        for (muscle, side) in channel_regions(&m.name, side_of(setup, c)) {
            paints.push(RegionPaint {
                muscle,
                side,
                fill,
                edge,
                value: words.clone(),
            });
        }
    }
    paints
}

/// One left/right pair's live symmetry.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveSymmetry {
    /// The muscle's name.
    pub muscle: String,
    /// The symmetry index, %.
    pub index_pct: f64,
    /// What was compared: "%MVC" or "uV".
    pub unit: &'static str,
}

/// The symmetry index of each of the setup's left/right pairs over the last half second of display points
/// ([`normalised_symmetry`], the rule `analyze --lr` and review use).
pub fn live_symmetry(live: &LiveState, setup: Option<&ExerciseSetup>) -> Vec<LiveSymmetry> {
    let Some(setup) = setup else {
        return Vec::new();
    };
    setup
        .left_right
        .iter()
        .filter_map(|&(l, r)| {
            let (a, na, b, nb) = train_view::window_sums(&live.history, l, r)?;
            let mvc = |c: usize| live.muscles.get(c).and_then(|m| m.mvc_uv).map(f64::from);
            let (index_pct, unit) =
                normalised_symmetry((a / na as f64, mvc(l)), (b / nb as f64, mvc(r)));
            Some(LiveSymmetry {
                muscle: live.muscles.get(l)?.name.clone(),
                index_pct,
                unit,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_run_from_idle_to_the_bar_colours() {
        assert_eq!(activation_colour(0.0, 100.0), MUSCLE_IDLE);
        assert_eq!(activation_colour(100.0, 100.0), ON_TARGET);
        assert_eq!(activation_colour(99.0, 0.0), MUSCLE_IDLE);
        let mid = activation_colour(50.0, 100.0);
        assert_ne!(mid, MUSCLE_IDLE);
        assert_ne!(mid, BELOW_TARGET);
    }

    #[test]
    fn sides_follow_the_setup() {
        assert_eq!(
            channel_regions("Biceps brachii", Side::Left),
            vec![("Biceps brachii", BodySide::Left)]
        );
        assert_eq!(channel_regions("Gastrocnemius", Side::None).len(), 2);
        assert!(channel_regions("Iliopsoas", Side::None).is_empty());
    }
}
