//! The body map on paper: the same figure and regions as the window's ([`crate::training::body_figure`],
//! [`crate::training::muscle_map`]), front and back, with each recorded muscle of a set filled by its peak
//! and, in a second pair of views, by its mean against the set's target line; the target and the competing
//! muscle outlined.

use super::pdf::Rgb;
use super::session::{Writer, rgb};
use crate::analysis::{MarkedSetReport, SetMuscle};
use crate::training::body_figure::{
    BodySide, HEAD, NECK, Pt, SEGMENTS, VIEW_HEIGHT, VIEW_WIDTH, View, segment_outline,
};
use crate::training::muscle_map::{SHAPES, preset_for};

const HEIGHT: f32 = 140.0;

/// Which of a muscle's numbers over the set a map shows.
#[derive(Clone, Copy)]
enum Shown {
    Peak,
    Mean,
}

/// A muscle's value against the set's target line (1 = on the line): %MVC against the plan's %MVC where
/// both exist, else microvolts against the line in microvolts.
fn reached(s: &MarkedSetReport, m: &SetMuscle, shown: Shown) -> f64 {
    let (pct, uv) = match shown {
        Shown::Peak => (m.peak_pct_mvc, m.peak_uv),
        Shown::Mean => (m.mean_pct_mvc, m.mean_uv),
    };
    match (pct, s.plan.target_pct_mvc) {
        (Some(p), Some(t)) => p / t.max(1e-9),
        _ => uv / s.summary.target_level_uv.max(1e-9),
    }
}

/// Idle grey to blue as the value nears the line; green at or above it.
fn fill(reached: f64) -> Rgb {
    if reached >= 1.0 {
        return rgb(46, 170, 100);
    }
    let (a, b) = (rgb(215, 205, 210), rgb(90, 150, 210));
    let t = reached.clamp(0.0, 1.0) as f32;
    [0, 1, 2].map(|k| a[k] + (b[k] - a[k]) * t)
}

/// Draws set `s`'s maps below the writer's line and moves it down: every recorded muscle by its peak
/// (front and back), then by its mean, against the set's target line; the target with an amber edge, the
/// competing muscle with a red one.
pub(super) fn draw_set_map(w: &mut Writer, s: &MarkedSetReport) {
    let scale = HEIGHT / VIEW_HEIGHT;
    let top = w.y - 4.0;
    let target = preset_for(&s.target_name).map(|p| p.name);
    let competing = s
        .competing_name
        .as_deref()
        .and_then(preset_for)
        .map(|p| p.name);
    let step = VIEW_WIDTH * scale + 12.0;
    for (k, shown) in [Shown::Peak, Shown::Mean].into_iter().enumerate() {
        let fills: Vec<(&str, Rgb)> = s
            .muscles
            .iter()
            .filter_map(|m| Some((preset_for(&m.name)?.name, fill(reached(s, m, shown)))))
            .collect();
        for (v, view) in [View::Front, View::Back].into_iter().enumerate() {
            let x0 = w.left() + (2 * k + v) as f32 * step + k as f32 * 16.0;
            draw_view(w, x0, top, scale, view, |muscle| {
                let fill = fills.iter().find(|f| f.0 == muscle).map(|f| f.1);
                let edge = if Some(muscle) == target {
                    Some((1.2, rgb(230, 170, 0)))
                } else if Some(muscle) == competing {
                    Some((1.0, rgb(200, 60, 50)))
                } else {
                    None
                };
                (fill.unwrap_or(rgb(215, 205, 210)), edge)
            });
            let label = match (shown, view) {
                (Shown::Peak, View::Front) => "Peak, front (R | L)",
                (Shown::Peak, View::Back) => "Peak, back (L | R)",
                (Shown::Mean, View::Front) => "Mean, front (R | L)",
                (Shown::Mean, View::Back) => "Mean, back (L | R)",
            };
            w.doc.text(x0, top - HEIGHT - 10.0, 7.0, false, label);
        }
    }
    let target_muscle = s.muscles.get(s.plan.target);
    w.doc.text(
        w.left(),
        top - HEIGHT - 22.0,
        8.5,
        false,
        &format!(
            "Target: {} (peak {:.0} %, mean {:.0} % of its line); competing: {}",
            s.target_name,
            100.0 * target_muscle.map_or(0.0, |m| reached(s, m, Shown::Peak)),
            100.0 * target_muscle.map_or(0.0, |m| reached(s, m, Shown::Mean)),
            s.competing_name.as_deref().unwrap_or("none")
        ),
    );
    w.y = top - HEIGHT - 34.0;
}

/// One view of the figure at (`x0`, `top`), each preset region painted by `paint` (fill, edge).
fn draw_view(
    w: &mut Writer,
    x0: f32,
    top: f32,
    scale: f32,
    view: View,
    paint: impl Fn(&str) -> (Rgb, Option<(f32, Rgb)>),
) {
    let to_page = |p: Pt| [x0 + p[0] * scale, top - p[1] * scale];
    let skin = rgb(235, 228, 220);
    let line = Some((0.4, rgb(120, 120, 120)));
    for side in BodySide::BOTH {
        for seg in SEGMENTS {
            let pts: Vec<[f32; 2]> = segment_outline(view, side, seg)
                .into_iter()
                .map(to_page)
                .collect();
            w.doc.polygon(&pts, skin, line);
        }
    }
    let (a, b) = NECK;
    let neck = [[a[0], a[1]], [b[0], a[1]], [b[0], b[1]], [a[0], b[1]]].map(to_page);
    w.doc.polygon(&neck, skin, None);
    let head: Vec<[f32; 2]> = (0..24)
        .map(|i| {
            let t = i as f32 / 24.0 * std::f32::consts::TAU;
            to_page([HEAD.0[0] + HEAD.1 * t.cos(), HEAD.0[1] + HEAD.1 * t.sin()])
        })
        .collect();
    w.doc.polygon(&head, skin, line);
    for shape in SHAPES.iter().filter(|sh| sh.view == view) {
        let (fill, edge) = paint(shape.muscle);
        for side in BodySide::BOTH {
            let pts: Vec<[f32; 2]> = shape.region(side).into_iter().map(to_page).collect();
            w.doc.polygon(&pts, fill, edge);
        }
    }
}
