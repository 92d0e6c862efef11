//! The sound panel with ALSA's library made unavailable (the loader pointed at a missing file): the window
//! runs, says plainly that sound is off and how to get it, the cue switches and the volume still reach the
//! sound thread, and the live view goes on. One test in this binary: it sets the loader's variable for the
//! whole process.

mod common;

use common::{harness, sim_app, wait_until};
use egui_kittest::kittest::Queryable;
use innervate::app::ScreenKind;
use std::time::Duration;

#[test]
fn without_the_library_the_window_says_sound_is_off_and_keeps_working() {
    // SAFETY: the only test in this binary, before any thread of ours starts.
    unsafe { std::env::set_var("INNERVATE_ALSA_LIB", "/nonexistent/libasound.so.2") };
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(sim_app(2, dir.path()), [1280.0, 800.0]);
    h.run_steps(2);
    h.get_by_label("Sound").click();
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Sound);
    assert!(
        h.query_all_by_label_contains("apt-get install libasound2")
            .next()
            .is_some(),
        "the panel says how to get sound"
    );
    h.get_by_label("Sound cues").click();
    h.run_steps(2);
    wait_until(
        &mut h,
        "the sound thread's state",
        Duration::from_secs(5),
        |app| {
            matches!(
                app.sound_state(),
                Some(innervate::audio::SoundState::Off(_))
            )
        },
    );
    h.run_steps(1);
    assert!(
        h.query_all_by_label_contains("Sound is off: ALSA's library could not be loaded")
            .next()
            .is_some()
    );
    // The status line says it on every screen.
    assert!(h.query_by_label("Sound is off").is_some());
    // The switches still reach the sound thread.
    h.get_by_label("Tempo ticks").click();
    h.run_steps(2);
    let cues = h.state().engine().sound().unwrap().cues();
    assert!(!cues.tempo && cues.tone && cues.reps && cues.warn);
    // Everything else keeps working: the stream runs on.
    let t0 = h.state().stream_time_s();
    wait_until(&mut h, "more signal", Duration::from_secs(10), |app| {
        app.stream_time_s() > t0 + 0.5
    });
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), ScreenKind::Live);
    h.get_by_label("Sound").click();
    h.run_steps(2);
    h.get_by_label("Sound cues").click();
    h.run_steps(2);
    assert!(h.state().engine().sound().is_none(), "sound off again");
}
