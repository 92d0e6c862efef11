//! A big horizontal activation bar with a draggable target line: readable from across a gym.

use super::theme::{BELOW_TARGET, ON_TARGET, TARGET_LINE};
use egui::{Align2, FontId, Pos2, Rect, Response, Sense, Stroke, Ui, Vec2, Widget, WidgetInfo};

/// The bar: `value` against `full_scale`, with a target the user drags (or clicks) to set.
pub struct ActivationBar<'a> {
    value: f32,
    full_scale: f32,
    target: &'a mut f32,
    label: &'a str,
    unit: &'a str,
    height: f32,
}

impl<'a> ActivationBar<'a> {
    /// A bar for `label` showing `value` on a scale 0..`full_scale`, editing `target`.
    pub fn new(
        label: &'a str,
        value: f32,
        full_scale: f32,
        target: &'a mut f32,
        unit: &'a str,
    ) -> Self {
        Self {
            value,
            full_scale: full_scale.max(f32::EPSILON),
            target,
            label,
            unit,
            height: 44.0,
        }
    }

    /// A lower bar (compact rows); 44 points by default.
    pub fn height(mut self, height: f32) -> Self {
        self.height = height.max(12.0);
        self
    }
}

impl Widget for ActivationBar<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        let size = Vec2::new(ui.available_width().clamp(120.0, 360.0), self.height);
        let (rect, mut response) = ui.allocate_exact_size(size, Sense::click_and_drag());
        if (response.dragged() || response.clicked())
            && let Some(pos) = response.interact_pointer_pos()
        {
            let fraction = ((pos.x - rect.left()) / rect.width()).clamp(0.0, 1.0);
            *self.target = fraction * self.full_scale;
            response.mark_changed();
        }
        let value = self.value;
        let label = self.label.to_string();
        response
            .widget_info(|| WidgetInfo::slider(true, value as f64, format!("{label} activation")));

        if ui.is_rect_visible(rect) {
            let painter = ui.painter_at(rect);
            let visuals = ui.visuals();
            painter.rect_filled(rect, 6.0, visuals.extreme_bg_color);
            let fraction = (self.value / self.full_scale).clamp(0.0, 1.0);
            let fill =
                Rect::from_min_size(rect.min, Vec2::new(rect.width() * fraction, rect.height()));
            let colour = if self.value >= *self.target {
                ON_TARGET
            } else {
                BELOW_TARGET
            };
            painter.rect_filled(fill, 6.0, colour);
            let tx = rect.left() + rect.width() * (*self.target / self.full_scale).clamp(0.0, 1.0);
            painter.line_segment(
                [Pos2::new(tx, rect.top()), Pos2::new(tx, rect.bottom())],
                Stroke::new(4.0, TARGET_LINE),
            );
            painter.text(
                rect.left_center() + Vec2::new(10.0, 0.0),
                Align2::LEFT_CENTER,
                format!("{:.0} {}", self.value, self.unit),
                FontId::proportional(self.height * 0.6),
                visuals.strong_text_color(),
            );
        }
        response
    }
}
