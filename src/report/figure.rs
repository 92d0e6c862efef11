//! The body map on paper: the same figure and regions as the window's ([`crate::training::body_figure`],
//! [`crate::training::muscle_map`]), front and back, with a set's target muscle filled by its peak against
//! the target line and its competing muscle outlined.

use super::session::{Writer, rgb};
use crate::analysis::MarkedSetReport;
use crate::training::body_figure::{
    BodySide, HEAD, NECK, Pt, SEGMENTS, VIEW_HEIGHT, VIEW_WIDTH, View, segment_outline,
};
use crate::training::muscle_map::{SHAPES, preset_for};

const HEIGHT: f32 = 140.0;

/// Draws set `s`'s map below the writer's line and moves it down.
pub(super) fn draw_set_map(w: &mut Writer, s: &MarkedSetReport) {
    let scale = HEIGHT / VIEW_HEIGHT;
    let top = w.y - 4.0;
    let target = preset_for(&s.target_name).map(|p| p.name);
    let competing = s
        .competing_name
        .as_deref()
        .and_then(preset_for)
        .map(|p| p.name);
    let m = &s.summary;
    let reached = match (m.peak_pct_mvc, s.plan.target_pct_mvc) {
        (Some(p), Some(t)) => p / t.max(1e-9),
        _ => m.peak_uv / m.target_level_uv.max(1e-9),
    };
    let target_fill = if reached >= 1.0 {
        rgb(46, 170, 100)
    } else if reached >= 0.25 {
        rgb(90, 150, 210)
    } else {
        rgb(190, 190, 200)
    };
    for (k, view) in [View::Front, View::Back].into_iter().enumerate() {
        let x0 = w.left() + k as f32 * (VIEW_WIDTH * scale + 20.0);
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
            let is_target = Some(shape.muscle) == target;
            let is_competing = Some(shape.muscle) == competing;
            let (fill, edge) = match (is_target, is_competing) {
                (true, _) => (target_fill, Some((1.2, rgb(230, 170, 0)))),
                (_, true) => (rgb(220, 205, 205), Some((1.0, rgb(200, 60, 50)))),
                _ => (rgb(215, 205, 210), None),
            };
            for side in BodySide::BOTH {
                let pts: Vec<[f32; 2]> = shape.region(side).into_iter().map(to_page).collect();
                w.doc.polygon(&pts, fill, edge);
            }
        }
        let label = match view {
            View::Front => "Front (R | L)",
            View::Back => "Back (L | R)",
        };
        w.doc
            .text(x0 + 10.0, top - HEIGHT - 10.0, 7.5, false, label);
    }
    w.doc.text(
        w.left() + 2.0 * (VIEW_WIDTH * scale + 20.0),
        top - 20.0,
        8.5,
        false,
        &format!(
            "Target: {} (peak {:.0} % of its line); competing: {}",
            s.target_name,
            100.0 * reached,
            s.competing_name.as_deref().unwrap_or("none")
        ),
    );
    w.y = top - HEIGHT - 22.0;
}
