//! Every colour the window uses, in one place, so screens agree on what "warning" or "calm" looks like.

use egui::Color32;

/// Alarm: an antagonist over its limit, a dropped block, a failed recording.
pub const WARNING: Color32 = Color32::from_rgb(231, 76, 60);
/// Advice that is not an alarm: check an electrode, a rep below target.
pub const CAUTION: Color32 = Color32::from_rgb(243, 156, 18);
/// All is well: a calm co-contraction readout, a good signal.
pub const CALM: Color32 = Color32::from_rgb(46, 204, 113);
/// The share gauge while the target does its share of the work against a synergist (turns to
/// [`WARNING`] when the synergist takes over).
pub const TARGET_SHARE: Color32 = Color32::from_rgb(26, 188, 156);
/// The RMS envelope in plots.
pub const ENVELOPE: Color32 = Color32::from_rgb(52, 152, 219);
/// The raw signal's range behind the envelope (review) and rep markers.
pub const RAW: Color32 = Color32::from_rgb(120, 130, 140);
/// The review's time cursor.
pub const CURSOR: Color32 = Color32::from_rgb(236, 240, 241);
/// The target line, in bars and plots.
pub const TARGET_LINE: Color32 = Color32::from_rgb(241, 196, 15);
/// An activation bar's fill at or above its target.
pub const ON_TARGET: Color32 = Color32::from_rgb(46, 204, 113);
/// An activation bar's fill below its target.
pub const BELOW_TARGET: Color32 = Color32::from_rgb(52, 152, 219);
/// The fatigue trend (median frequency).
pub const FATIGUE: Color32 = Color32::from_rgb(155, 89, 182);
/// One colour per series where a plot compares several (the loads of an exercise), in order.
pub const SERIES: [Color32; 6] = [
    Color32::from_rgb(52, 152, 219),
    Color32::from_rgb(230, 126, 34),
    Color32::from_rgb(46, 204, 113),
    Color32::from_rgb(155, 89, 182),
    Color32::from_rgb(241, 196, 15),
    Color32::from_rgb(231, 76, 60),
];
/// The body figure's skin in the body map and placement pictures.
pub const BODY_FILL: Color32 = Color32::from_rgb(62, 70, 80);
/// The body figure's outlines.
pub const BODY_LINE: Color32 = Color32::from_rgb(135, 145, 155);
/// A muscle region nobody records, or one at rest.
pub const MUSCLE_IDLE: Color32 = Color32::from_rgb(92, 84, 96);
/// A placement picture's electrodes (the recording pair).
pub const ELECTRODE: Color32 = Color32::from_rgb(236, 240, 241);
/// A placement picture's reference electrode.
pub const REFERENCE: Color32 = Color32::from_rgb(46, 204, 113);
/// A placement picture's bony landmarks and the line between them.
pub const LANDMARK: Color32 = Color32::from_rgb(241, 196, 15);
/// The muscle a placement picture is about.
pub const MUSCLE_SHOWN: Color32 = Color32::from_rgb(150, 112, 128);
