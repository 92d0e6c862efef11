//! The insights screen's plots, drawn from numbers worked out once per choice ([`super::insights`]): the
//! ranking's boxes, the feel scatter with its weekly gap, and activation against load over the weeks.

use super::insights::{FeelView, LoadView};
use super::insights_view::unit_label;
use super::theme::{CAUTION, ENVELOPE, RAW, SERIES, TARGET_LINE};
use crate::training::insights::{Ranking, date_of_day};
use egui::{RichText, Ui};
use egui_plot::{BoxElem, BoxPlot, BoxSpread, Legend, Line, LineStyle, MarkerShape, Plot, Points};

/// A day number (since 1970-01-01) on a time axis, as its date.
fn date_axis(mark: egui_plot::GridMark, _: &std::ops::RangeInclusive<f64>) -> String {
    date_of_day(mark.value.round() as i64)
}

/// Every exercise as a box (quartiles, median, whiskers at min and max of its sets' peaks), best at the
/// top, with its mean activation as a diamond.
pub fn ranking(ui: &mut Ui, r: &Ranking) {
    let n = r.exercises.len();
    // Best first, from the top down.
    let row = |i: usize| (n - 1 - i) as f64;
    let boxes: Vec<BoxElem> = r
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let s = &e.peak_spread;
            BoxElem::new(row(i), BoxSpread::new(s.min, s.q1, s.median, s.q3, s.max))
                .name(&e.exercise)
                .box_width(0.5)
                .whisker_width(0.3)
        })
        .collect();
    let means: Vec<[f64; 2]> = r
        .exercises
        .iter()
        .enumerate()
        .filter_map(|(i, e)| Some([e.mean_activation?, row(i)]))
        .collect();
    let names: Vec<String> = r.exercises.iter().map(|e| e.exercise.clone()).collect();
    let unit = unit_label(r.unit.unit);
    ui.label(RichText::new(format!("Peak activation per set, {unit}")).strong());
    // No legend: it would hide the best exercise's box in the top right corner.
    ui.label(
        "Box: the middle half of the sets' peaks, the line at the median, whiskers to the lowest and \
         highest set; diamond: the mean activation in the reps.",
    );
    let right = r
        .exercises
        .iter()
        .map(|e| e.peak_spread.max)
        .fold(0.0, f64::max);
    Plot::new("insights-ranking")
        .height((50.0 + 40.0 * n as f32).min(420.0))
        .x_axis_label(format!("peak, {unit}"))
        .include_x(0.0)
        .include_x(right * 1.05)
        .default_y_bounds(-0.6, n as f64 - 0.4)
        .y_axis_formatter(move |m, _| {
            let v = m.value.round();
            let i = n as f64 - 1.0 - v;
            if (m.value - v).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
                names[i as usize].clone()
            } else {
                String::new()
            }
        })
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [1.0, 1.0, 1.0]))
        .allow_scroll(false)
        .show(ui, |p| {
            p.box_plot(
                BoxPlot::new("peak: median, quartiles, min-max", boxes)
                    .horizontal()
                    .color(ENVELOPE),
            );
            p.points(
                Points::new("mean activation", means)
                    .shape(MarkerShape::Diamond)
                    .radius(5.0)
                    .color(TARGET_LINE),
            );
        });
}

/// Felt against measured (one bubble per pair of scores, sized by its sets) beside the weekly mean gap
/// with its trend.
pub fn feel(ui: &mut Ui, f: &FeelView) {
    ui.columns(2, |cols| {
        cols[0].label(RichText::new("Felt against measured, per set").strong());
        Plot::new("insights-feel")
            .height(300.0)
            .x_axis_label("measured score")
            .y_axis_label("felt")
            .default_x_bounds(0.0, 11.0)
            .default_y_bounds(0.0, 11.0)
            .allow_scroll(false)
            .show(&mut cols[0], |p| {
                p.line(
                    Line::new("felt = measured", vec![[1.0, 1.0], [10.0, 10.0]])
                        .color(RAW)
                        .style(LineStyle::dashed_dense()),
                );
                for b in &f.bubbles {
                    let label = format!("{} set{}", b.sets, if b.sets == 1 { "" } else { "s" });
                    let (x, y) = (f64::from(b.score), f64::from(b.felt));
                    let off = (b.felt as i32 - b.score as i32).abs()
                        >= crate::training::insights::DISAGREE_POINTS;
                    p.points(
                        Points::new(label, vec![[x, y]])
                            .radius(3.0 + 2.5 * (b.sets as f32).sqrt().min(8.0))
                            .color(if off { CAUTION } else { ENVELOPE }),
                    );
                }
            });
        cols[1].label(RichText::new("Mean gap |felt - measured| per week").strong());
        Plot::new("insights-feel-weeks")
            .height(300.0)
            .x_axis_formatter(date_axis)
            .y_axis_label("points")
            .include_y(0.0)
            .allow_scroll(false)
            .legend(Legend::default())
            .show(&mut cols[1], |p| {
                p.line(Line::new("weekly mean gap", f.weekly_abs_gap.clone()).color(ENVELOPE));
                p.points(
                    Points::new("weekly mean gap", f.weekly_abs_gap.clone())
                        .radius(3.0)
                        .color(ENVELOPE),
                );
                if let Some(t) = f.trend_line {
                    p.line(
                        Line::new("trend", t.to_vec())
                            .color(TARGET_LINE)
                            .style(LineStyle::dashed_loose()),
                    );
                }
            });
    });
}

/// Each set's peak over time, coloured by load, with a line through each load's weekly medians.
pub fn load(ui: &mut Ui, v: &LoadView) {
    let unit = unit_label(v.report.unit.unit);
    ui.label(RichText::new(format!("Peak activation per set by load, {unit}")).strong());
    Plot::new("insights-load")
        .height(320.0)
        .legend(Legend::default())
        .x_axis_formatter(date_axis)
        .y_axis_label(format!("peak, {unit}"))
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |p| {
            for (i, line) in v.lines.iter().enumerate() {
                let color = SERIES[i % SERIES.len()];
                p.points(
                    Points::new(line.label.clone(), line.sets.clone())
                        .radius(2.5)
                        .color(color),
                );
                p.line(
                    Line::new(line.label.clone(), line.weekly.clone())
                        .width(2.0)
                        .color(color),
                );
            }
        });
}
