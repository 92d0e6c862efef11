//! The body map: the schematic figure from the front and the back, drawn with egui's painter from the one
//! vector table ([`crate::training::body_figure`], [`crate::training::muscle_map`]), a region per preset
//! muscle and side. Callers say how each region is painted; every region carries an accessible label
//! ("Biceps brachii, right") so assistive technology and tests find it, and a click says which one it was.

use super::theme::{BODY_FILL, BODY_LINE, MUSCLE_IDLE};
use crate::training::body_figure::{
    BodySide, HEAD, NECK, Pt, SEGMENTS, VIEW_HEIGHT, VIEW_WIDTH, View, contains, segment_outline,
};
use crate::training::muscle_map::{MuscleShape, SHAPES};
use egui::{Color32, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2, WidgetInfo};

/// How one region is painted.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionPaint {
    /// The preset muscle.
    pub muscle: &'static str,
    /// The side.
    pub side: BodySide,
    /// Its fill.
    pub fill: Color32,
    /// A distinct edge (the target muscle), if any.
    pub edge: Option<Color32>,
    /// What the colour stands for, in words ("42 %MVC"), read out with the label.
    pub value: String,
}

/// The accessible label of a region.
pub fn region_label(muscle: &str, side: BodySide) -> String {
    format!("{muscle}, {}", side.word())
}

/// Maps a view's box onto the screen.
#[derive(Clone, Copy)]
pub(super) struct Frame {
    pub(super) origin: Pos2,
    pub(super) scale: f32,
}

impl Frame {
    pub(super) fn to_screen(self, p: Pt) -> Pos2 {
        self.origin + Vec2::new(p[0], p[1]) * self.scale
    }

    fn to_view(self, p: Pos2) -> Pt {
        let v = (p - self.origin) / self.scale;
        [v.x, v.y]
    }
}

/// Draws the figure (front, back) in `size`, painted as `paints` says (other regions stay idle). Returns the
/// region clicked this frame, if `clickable`.
pub fn show(
    ui: &mut Ui,
    id_salt: &str,
    size: Vec2,
    paints: &[RegionPaint],
    clickable: bool,
) -> Option<(&'static str, BodySide)> {
    let sense = if clickable {
        Sense::click()
    } else {
        Sense::hover()
    };
    let (rect, response) = ui.allocate_exact_size(size, sense);
    let gap = 8.0;
    let scale = ((rect.width() - gap) / (2.0 * VIEW_WIDTH))
        .min((rect.height() - 14.0) / VIEW_HEIGHT)
        .max(0.1);
    let frames = [View::Front, View::Back].map(|view| {
        let x = match view {
            View::Front => rect.left(),
            View::Back => rect.left() + VIEW_WIDTH * scale + gap,
        };
        (
            view,
            Frame {
                origin: Pos2::new(x, rect.top() + 14.0),
                scale,
            },
        )
    });
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    for (view, f) in frames {
        draw_silhouette(&painter, f, view);
        let (name, left, right) = match view {
            View::Front => ("Front", "R", "L"),
            View::Back => ("Back", "L", "R"),
        };
        let font = egui::FontId::proportional(11.0);
        let top = f.to_screen([VIEW_WIDTH / 2.0, -13.0]);
        painter.text(top, egui::Align2::CENTER_TOP, name, font.clone(), text);
        for (x, s) in [(8.0, left), (92.0, right)] {
            painter.text(
                f.to_screen([x, -13.0]),
                egui::Align2::CENTER_TOP,
                s,
                font.clone(),
                text,
            );
        }
    }
    let mut hits: Vec<(f32, &'static str, BodySide)> = Vec::new();
    let pointer = response
        .clicked()
        .then(|| response.interact_pointer_pos())
        .flatten();
    for shape in SHAPES {
        let f = frames
            .iter()
            .find(|(v, _)| *v == shape.view)
            .expect("both views")
            .1;
        for side in BodySide::BOTH {
            let paint = paints
                .iter()
                .find(|p| p.muscle == shape.muscle && p.side == side);
            let outline = shape.region(side);
            let pts: Vec<Pos2> = outline.iter().map(|p| f.to_screen(*p)).collect();
            let fill = paint.map_or(MUSCLE_IDLE, |p| p.fill);
            let stroke = match paint.and_then(|p| p.edge) {
                Some(c) => Stroke::new(3.0, c),
                None => Stroke::new(0.6, BODY_LINE),
            };
            painter.add(Shape::convex_polygon(pts.clone(), fill, stroke));
            let label = region_label(shape.muscle, side);
            let value = paint.map(|p| p.value.clone()).filter(|v| !v.is_empty());
            accessible_region(
                ui,
                id_salt,
                shape,
                side,
                Rect::from_points(&pts),
                label,
                value,
            );
            if let Some(pos) = pointer {
                let p = f.to_view(pos);
                if contains(&outline, p) {
                    let c = shape.point(
                        side,
                        crate::training::muscle_map::Spot {
                            seg: shape.seg,
                            u: shape.along.0,
                            v: shape.across.0,
                        },
                    );
                    hits.push(((c[0] - p[0]).hypot(c[1] - p[1]), shape.muscle, side));
                }
            }
        }
    }
    // Regions overlap at their edges: the one whose centre is nearest wins.
    hits.sort_by(|a, b| a.0.total_cmp(&b.0));
    hits.first().map(|&(_, m, s)| (m, s))
}

/// The figure's outline in one view: head, neck and both sides' segments.
pub(super) fn draw_silhouette(painter: &egui::Painter, f: Frame, view: View) {
    let stroke = Stroke::new(1.0, BODY_LINE);
    for side in BodySide::BOTH {
        for seg in SEGMENTS {
            let pts = segment_outline(view, side, seg)
                .into_iter()
                .map(|p| f.to_screen(p))
                .collect();
            painter.add(Shape::convex_polygon(pts, BODY_FILL, stroke));
        }
    }
    let neck = Rect::from_two_pos(f.to_screen(NECK.0), f.to_screen(NECK.1));
    painter.rect_filled(neck, 0.0, BODY_FILL);
    painter.circle(f.to_screen(HEAD.0), HEAD.1 * f.scale, BODY_FILL, stroke);
}

/// A hover-only widget over a region, so it has a node with its label (and value) in the accessibility
/// tree and a hover text; clicks go to the figure underneath.
fn accessible_region(
    ui: &mut Ui,
    id_salt: &str,
    shape: &MuscleShape,
    side: BodySide,
    rect: Rect,
    label: String,
    value: Option<String>,
) {
    let id = egui::Id::unique((id_salt, shape.muscle, side));
    let r = ui.interact(rect, id, Sense::hover());
    let role = egui::accesskit::Role::Button;
    r.widget_info(|| WidgetInfo::labeled(role, true, &label));
    if let Some(v) = &value {
        ui.ctx()
            .accesskit_node_builder(id, |node| node.set_value(v.clone()));
    }
    r.on_hover_text(match value {
        Some(v) => format!("{label}: {v}"),
        None => label,
    });
}
