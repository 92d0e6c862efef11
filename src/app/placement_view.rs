//! A placement picture: where the two electrodes and the reference go on one preset muscle, the fibre
//! direction and the bony landmarks the placement is measured from, drawn on the body map's figure zoomed
//! to the muscle's segment (the same vector table, so every picture has the same style).

use super::body_map::{Frame, draw_silhouette};
use super::theme::{BODY_LINE, ELECTRODE, LANDMARK, MUSCLE_SHOWN, REFERENCE};
use crate::training::body_figure::{BodySide, Pt, UNITS_PER_MM};
use crate::training::muscle_map::MuscleShape;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, WidgetInfo};

/// The accessible label of a muscle's placement picture.
pub fn picture_label(muscle: &str) -> String {
    format!("Placement picture: {muscle}")
}

/// Draws the placement picture of the preset a channel named `name` stands for, with a legend; nothing for
/// a muscle that is not a preset. Returns whether it drew one.
pub fn show_for_name(ui: &mut Ui, name: &str, size: Vec2) -> bool {
    let Some(shape) = crate::training::muscle_map::preset_for(name)
        .and_then(|p| crate::training::muscle_map::shape(p.name))
    else {
        return false;
    };
    ui.vertical(|ui| {
        ui.set_max_width(size.x);
        show(ui, shape, size);
        legend(ui);
    });
    true
}

/// What the picture's marks mean.
pub fn legend(ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for (colour, words) in [
            (ELECTRODE, "electrodes (20 mm apart)"),
            (REFERENCE, "reference"),
            (LANDMARK, "landmarks"),
        ] {
            // A painted dot: the default fonts have no bullet glyph.
            let (dot, _) = ui.allocate_exact_size(Vec2::splat(10.0), Sense::hover());
            ui.painter().circle_filled(dot.center(), 4.0, colour);
            ui.label(egui::RichText::new(words).small());
        }
        ui.label(egui::RichText::new("thin lines: fibre direction").small());
    });
}

/// Draws `shape`'s placement picture (the person's right side) in a box of `size`.
pub fn show(ui: &mut Ui, shape: &MuscleShape, size: Vec2) {
    let side = BodySide::Right;
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    response.widget_info(|| {
        WidgetInfo::labeled(
            egui::accesskit::Role::Image,
            true,
            picture_label(shape.muscle),
        )
    });
    let (lo, hi) = shape.zoom(side);
    let scale = (rect.width() / (hi[0] - lo[0])).min(rect.height() / (hi[1] - lo[1]));
    let used = Vec2::new(hi[0] - lo[0], hi[1] - lo[1]) * scale;
    let corner = rect.center() - used / 2.0;
    let f = Frame {
        origin: corner - Vec2::new(lo[0], lo[1]) * scale,
        scale,
    };
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    draw_silhouette(&painter, f, shape.view);
    let region: Vec<Pos2> = shape.region(side).iter().map(|p| f.to_screen(*p)).collect();
    painter.add(Shape::convex_polygon(
        region,
        MUSCLE_SHOWN,
        Stroke::new(1.0, BODY_LINE),
    ));
    // The line between the first two landmarks: the one the placement is measured along.
    let marks: Vec<(&str, Pos2)> = shape
        .landmarks
        .iter()
        .map(|(name, s)| (*name, f.to_screen(shape.point(side, *s))))
        .collect();
    if let [(_, a), (_, b), ..] = marks.as_slice() {
        painter.add(Shape::dashed_line(
            &[*a, *b],
            Stroke::new(1.0, LANDMARK),
            6.0,
            4.0,
        ));
    }
    fibre_lines(&painter, f, shape, side);
    let font = FontId::proportional(11.0);
    for (name, p) in &marks {
        painter.circle_filled(*p, 3.5, LANDMARK);
        label(&painter, *p, name, &font, LANDMARK, rect);
    }
    let r = 5.0 * UNITS_PER_MM * scale;
    for e in shape.electrodes(side) {
        painter.circle(
            f.to_screen(e),
            r.max(3.0),
            ELECTRODE,
            Stroke::new(1.0, Color32::BLACK),
        );
    }
    let (ref_name, ref_spot) = shape.reference;
    let rp = f.to_screen(shape.point(side, ref_spot));
    painter.circle(rp, r.max(3.0), REFERENCE, Stroke::new(1.0, Color32::BLACK));
    label(&painter, rp, ref_name, &font, REFERENCE, rect);
}

/// Thin lines across the muscle along its fibres.
fn fibre_lines(painter: &egui::Painter, f: Frame, shape: &MuscleShape, side: BodySide) {
    let d = shape.fibre(side);
    let centre = shape.point(side, shape.site);
    let normal: Pt = [-d[1], d[0]];
    let half = 3.0;
    for k in -2..=2 {
        let o = k as f32 * 1.6;
        let c = [centre[0] + normal[0] * o, centre[1] + normal[1] * o];
        let a = [c[0] - d[0] * half * 2.0, c[1] - d[1] * half * 2.0];
        let b = [c[0] + d[0] * half * 2.0, c[1] + d[1] * half * 2.0];
        painter.line_segment(
            [f.to_screen(a), f.to_screen(b)],
            Stroke::new(0.8, BODY_LINE),
        );
    }
}

/// A name beside a point, kept inside the picture.
fn label(painter: &egui::Painter, p: Pos2, text: &str, font: &FontId, colour: Color32, rect: Rect) {
    let right = p.x < rect.center().x;
    let (anchor, at) = if right {
        (Align2::LEFT_CENTER, p + Vec2::new(6.0, 0.0))
    } else {
        (Align2::RIGHT_CENTER, p - Vec2::new(6.0, 0.0))
    };
    painter.text(at, anchor, text, font.clone(), colour);
}
