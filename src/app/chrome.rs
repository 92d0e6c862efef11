//! What surrounds every screen: the toolbar, the status line and the keyboard shortcuts. Each returns what
//! the user asked for as [`ScreenAction`]s; nothing here changes the app directly.
//!
//! Shortcuts (ignored while typing in a field): Space starts/ends a set (plays/stops a review), M marks,
//! R records, E exercise setup, H history, I insights, C calibration, S sessions, B connect a board, F1 the
//! welcome, F11 the gym display (F11 again leaves it), Esc closes whichever screen is open.

use super::recording::{Recording, RecordingStatus};
use super::screen::{ScreenAction, ScreenKind};
use super::theme::{CAUTION, WARNING};
use crate::engine::Engine;
use crate::stats::{LinkState, LinkStats};
use egui::{Key, RichText, Ui};

/// The shortcuts pressed this frame, for the screen that is open. `keyboard_taken`: a field that reads
/// single keys itself (the set log's felt score) has the keyboard, so no shortcut fires.
pub fn shortcuts(ui: &Ui, open: ScreenKind, keyboard_taken: bool) -> Vec<ScreenAction> {
    let mut acts = Vec::new();
    if keyboard_taken || ui.ctx().egui_wants_keyboard_input() {
        return acts;
    }
    let pressed = |k: Key| ui.input(|i| i.key_pressed(k));
    if pressed(Key::Escape) {
        acts.push(match open {
            // On the live view Esc closes the set summary, the panel that stands in for a screen there.
            ScreenKind::Live => ScreenAction::DismissSummary,
            _ => ScreenAction::Close,
        });
    }
    if pressed(Key::M) {
        acts.push(ScreenAction::AddMarker);
    }
    if pressed(Key::Space) {
        match open {
            ScreenKind::Live | ScreenKind::Gym => acts.push(ScreenAction::ToggleSet),
            ScreenKind::Review => acts.push(ScreenAction::ToggleReplay),
            _ => {}
        }
    }
    if pressed(Key::F11) {
        acts.push(if open == ScreenKind::Gym {
            ScreenAction::Close
        } else {
            ScreenAction::Open(ScreenKind::Gym)
        });
    }
    if open == ScreenKind::Live && pressed(Key::R) {
        acts.push(ScreenAction::ToggleRecording);
    }
    for (key, kind) in [
        (Key::E, ScreenKind::Setup),
        (Key::H, ScreenKind::History),
        (Key::I, ScreenKind::Insights),
        (Key::C, ScreenKind::Calibration),
        (Key::S, ScreenKind::Sessions),
        (Key::B, ScreenKind::Connect),
        (Key::F1, ScreenKind::Welcome),
    ] {
        if pressed(key) && open != kind {
            acts.push(ScreenAction::Open(kind));
        }
    }
    acts
}

/// What the toolbar shows besides its buttons.
pub struct ToolbarView<'a> {
    /// The recording (the marker text is edited in place).
    pub recording: &'a mut Recording,
    /// A training set is running.
    pub in_set: bool,
    /// Raw EMG is shown.
    pub show_raw: bool,
    /// The stream (for the notch settings).
    pub engine: &'a Engine,
}

/// The toolbar: record, mark, set, the screens, and the display switches.
pub fn toolbar(ui: &mut Ui, v: ToolbarView<'_>) -> Vec<ScreenAction> {
    let mut acts = Vec::new();
    ui.horizontal(|ui| {
        ui.heading("Innervate");
        ui.separator();
        let recording = v.recording.is_recording();
        let record_label = if recording { "Stop" } else { "Record" };
        if ui
            .add(egui::Button::new(RichText::new(record_label).size(18.0)))
            .on_hover_text("Record every channel to a WAV file with a JSON sidecar (R)")
            .clicked()
        {
            acts.push(ScreenAction::ToggleRecording);
        }
        if recording {
            let label = ui.label("Marker text");
            ui.add(egui::TextEdit::singleline(&mut v.recording.marker_text).desired_width(140.0))
                .labelled_by(label.id);
            if ui
                .button("Mark (M)")
                .on_hover_text("Mark this moment in the recording")
                .clicked()
            {
                acts.push(ScreenAction::AddMarker);
            }
            // The same set as Space: marked in the recording and summarised when it ends.
            let set_label = if v.in_set { "End set" } else { "Start set" };
            if ui.button(set_label).clicked() {
                acts.push(ScreenAction::ToggleSet);
            }
        }
        let screens = [
            (
                "Exercise (E)",
                ScreenKind::Setup,
                "Muscles per channel, target and antagonist, electrode placement, tempo",
            ),
            (
                "History (H)",
                ScreenKind::History,
                "Every set over the weeks: score, peak %MVC, co-contraction, fatigue",
            ),
            (
                "Insights (I)",
                ScreenKind::Insights,
                "Which exercise works a muscle hardest, how well your feel matches the measurement, \
                 activation at the same load",
            ),
            (
                "Connect",
                ScreenKind::Connect,
                "Choose a board: a serial port, a protocol, or the simulated board (B)",
            ),
            (
                "Sessions",
                ScreenKind::Sessions,
                "Your recordings: review, length, muscles, notes; delete (S)",
            ),
            (
                "Calibrate MVC",
                ScreenKind::Calibration,
                "Measure each muscle's maximal contraction for %MVC (C)",
            ),
            (
                "Sound",
                ScreenKind::Sound,
                "Sound cues: activation tone, rep chime, co-contraction warning, tempo ticks",
            ),
            (
                "Gym display",
                ScreenKind::Gym,
                "Full screen, readable from across the room: huge bar, reps, co-contraction, tempo (F11)",
            ),
            (
                "Help",
                ScreenKind::Welcome,
                "The welcome: electrodes, target and antagonist, calibration, sets (F1)",
            ),
        ];
        for (label, kind, hover) in screens {
            if ui.button(label).on_hover_text(hover).clicked() {
                acts.push(ScreenAction::Open(kind));
            }
        }
        ui.separator();
        let mut raw = v.show_raw;
        if ui
            .checkbox(&mut raw, "Raw EMG")
            .on_hover_text("Show the filtered, unrectified signal instead of the RMS envelope")
            .changed()
        {
            acts.push(ScreenAction::ShowRaw(raw));
        }
        let notch = &v.engine.dsp_config().notch;
        let mut enabled = notch.enabled;
        if ui
            .checkbox(&mut enabled, "Mains notch")
            .on_hover_text("Remove mains hum (it also removes a little real EMG power)")
            .changed()
        {
            acts.push(ScreenAction::Notch(enabled));
        }
        for hz in [50.0, 60.0] {
            if ui
                .selectable_label(notch.mains_hz == hz, format!("{hz:.0} Hz"))
                .clicked()
                && notch.mains_hz != hz
            {
                acts.push(ScreenAction::Mains(hz));
            }
        }
    });
    acts
}

/// What the status line reports.
pub struct StatusView<'a> {
    /// The stream.
    pub engine: &'a Engine,
    /// Samples per second arriving.
    pub received_rate: f64,
    /// The last message for the user.
    pub message: Option<&'a str>,
    /// The recording.
    pub recording: &'a RecordingStatus,
    /// Whether sound plays or why not, while sound is on.
    pub sound: Option<crate::audio::SoundState>,
}

/// The status line: source, rates, losses, the link's health, the last message and the recording.
pub fn status_line(ui: &mut Ui, v: StatusView<'_>) {
    let info = v.engine.info();
    let stats = v.engine.stats();
    let count = |c: &std::sync::atomic::AtomicU64| LinkStats::get(c);
    let warn_if = |text: String, bad: bool| {
        if bad {
            RichText::new(text).color(WARNING)
        } else {
            RichText::new(text)
        }
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("Source: {}", info.description));
        ui.separator();
        ui.label(format!("{:.0} Hz", info.sample_rate));
        ui.separator();
        ui.label(format!("Received {:.0} samples/s", v.received_rate));
        ui.separator();
        let dropped = count(&stats.ring_overflows);
        ui.label(warn_if(format!("Dropped blocks: {dropped}"), dropped > 0));
        let missing = count(&stats.frames_missing);
        if missing > 0 {
            ui.separator();
            ui.label(warn_if(format!("Missing samples: {missing}"), true));
        }
        if let Some(note) = crate::dsp::config::rate_note(info.sample_rate) {
            ui.separator();
            ui.label(warn_if(note.into(), true));
        }
        if info.kind == crate::source::SourceKind::Brainflow {
            ui.separator();
            let (drops, bad) = (count(&stats.packets_dropped), count(&stats.non_finite));
            ui.label(warn_if(
                format!("Link (BrainFlow): board drops {drops}, non-finite values {bad}"),
                drops + bad > 0,
            ))
            .on_hover_text(
                "Drops are samples missing by the board's package counter; a non-finite value (NaN, \
                 infinity) is left out. Both are marked as gaps in the recording.",
            );
        }
        if info.kind == crate::source::SourceKind::Serial {
            ui.separator();
            let health = format!(
                "Link: board drops {}, CRC errors {}, resyncs {}, reconnects {}",
                count(&stats.packets_dropped),
                count(&stats.crc_errors),
                count(&stats.resyncs),
                count(&stats.reconnects)
            );
            let bad = count(&stats.packets_dropped) + count(&stats.crc_errors) > 0;
            let text = if bad {
                RichText::new(health).color(CAUTION)
            } else {
                RichText::new(health)
            };
            ui.label(text).on_hover_text(format!(
                "{} bytes received. Drops are packets missing by their sequence numbers (marked as gaps); \
                 CRC errors are damaged frames; resyncs are times garbage had to be skipped; the board \
                 reported {} errors.",
                count(&stats.bytes_received),
                count(&stats.board_errors)
            ));
        }
        if info.kind == crate::source::SourceKind::Lsl {
            ui.separator();
            let bad = count(&stats.crc_errors);
            ui.label(warn_if(
                format!("LSL: non-finite samples {bad}, reconnects {}", count(&stats.reconnects)),
                bad > 0,
            ));
        }
        if let Some(o) = v.engine.outputs() {
            ui.separator();
            let mut words = Vec::new();
            if o.choice().lsl {
                words.push("LSL out".to_string());
            }
            if let Some((addr, _)) = o.choice().osc {
                words.push(format!("OSC to {addr}"));
            }
            let dropped = count(&o.status().dropped);
            let mut text = words.join(", ");
            if dropped > 0 {
                text.push_str(&format!(" (dropped {dropped})"));
            }
            if let Some(e) = o.status().error() {
                text.push_str(&format!(": {e}"));
            }
            ui.label(warn_if(text, dropped > 0 || o.status().error().is_some()));
        }
        match stats.state() {
            LinkState::Disconnected => {
                ui.separator();
                let text = format!("Board disconnected: reconnecting... ({})", stats.notice());
                ui.label(RichText::new(text).color(WARNING).strong());
            }
            LinkState::Ended => {
                ui.separator();
                ui.label("Source ended");
            }
            LinkState::Failed => {
                ui.separator();
                let msg = stats.error().unwrap_or_else(|| "source failed".into());
                ui.label(RichText::new(msg).color(WARNING));
            }
            _ => {}
        }
        match &v.sound {
            Some(crate::audio::SoundState::On(what)) => {
                ui.separator();
                ui.label(format!("Sound: {what}"));
            }
            Some(crate::audio::SoundState::Off(why)) => {
                ui.separator();
                ui.label(RichText::new("Sound is off").color(CAUTION))
                    .on_hover_text(why.as_str());
            }
            None => {}
        }
        ui.separator();
        if let Some(msg) = v.message {
            ui.label(msg);
            ui.separator();
        }
        recording_status(ui, &v);
    });
}

fn recording_status(ui: &mut Ui, v: &StatusView<'_>) {
    let stats = v.engine.stats();
    match v.recording {
        RecordingStatus::Idle => {}
        RecordingStatus::Recording { path, start_frame } => {
            let frames = LinkStats::get(&stats.frames_processed).saturating_sub(*start_frame);
            let name = path
                .file_name()
                .map(|f| f.to_string_lossy())
                .unwrap_or_default();
            let text = format!(
                "REC {:.1} s  {name}",
                frames as f64 / v.engine.info().sample_rate
            );
            ui.label(RichText::new(text).color(WARNING).strong());
            let lost = LinkStats::get(&stats.recorder_dropped);
            if lost > 0 {
                ui.label(
                    RichText::new(format!(
                        "Recorder fell behind: {lost} blocks marked as gaps"
                    ))
                    .color(WARNING),
                );
            }
        }
        RecordingStatus::Saved(msg) => {
            ui.label(msg);
        }
        RecordingStatus::Failed(msg) => {
            ui.label(RichText::new(msg).color(WARNING));
        }
    }
}
