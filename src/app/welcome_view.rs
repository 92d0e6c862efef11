//! The welcome shown on the first run (and from Help / F1): electrodes, target and antagonist, calibration,
//! sets, and the ways in.

use super::screen::{ScreenAction, WelcomeChoice};
use egui::{RichText, Ui};

const STEPS: [(&str, &str); 4] = [
    (
        "1. Electrodes",
        "Two electrodes on the muscle belly, 20 mm apart, in line with the fibres; the reference \
         electrode on bone (elbow, knee, collarbone). Shave and clean the skin with alcohol first: \
         a good contact gives a quiet baseline.",
    ),
    (
        "2. Target and antagonist",
        "Put the first sensor on the muscle you want to train and the second on its antagonist. \
         The setup screen lists muscles with SENIAM placement notes and common exercises.",
    ),
    (
        "3. Calibrate",
        "Three maximal contractions per muscle give the MVC, so every bar and target is in %MVC \
         and sets compare week to week.",
    ),
    (
        "4. Train",
        "Press Space to start and end a set: reps are counted, each rep is checked against the \
         target line and the antagonist limit, and the set gets an activation score.",
    ),
];

/// Draws the welcome; a button press ends it.
pub fn show(ui: &mut Ui) -> Option<ScreenAction> {
    ui.heading("Welcome to Innervate");
    ui.label(RichText::new("See which muscle really does the work.").size(18.0));
    ui.add_space(8.0);
    for (title, text) in STEPS {
        ui.label(RichText::new(title).strong());
        ui.label(text);
        ui.add_space(4.0);
    }
    let mut choice = None;
    ui.horizontal(|ui| {
        for (label, c) in [
            ("Try the simulated board", WelcomeChoice::Simulate),
            ("Connect a board", WelcomeChoice::Connect),
            ("Set up an exercise", WelcomeChoice::Setup),
        ] {
            if ui.button(RichText::new(label).size(18.0)).clicked() {
                choice = Some(c);
            }
        }
    });
    choice.map(ScreenAction::Welcome)
}
