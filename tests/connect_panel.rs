//! The connect panel and link-health readout through egui_kittest, against a virtual board on a real pty.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::app::InnervateApp;
use innervate::protocol::Protocol;
use innervate::source::SourceKind;
use innervate::source::virtual_board::{Faults, VirtualBoard, VirtualBoardConfig};
use std::time::Duration;

fn harness(sessions: &std::path::Path) -> common::AppHarness {
    common::harness(common::sim_app(2, sessions), [1400.0, 1200.0])
}

fn wait_until(h: &mut common::AppHarness, what: &str, ok: impl Fn(&InnervateApp) -> bool) {
    common::wait_until(h, what, Duration::from_secs(8), ok);
}

#[test]
fn connect_to_a_board_by_path_see_link_health_survive_an_unplug_and_go_back_to_the_simulator() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("board");
    let board = VirtualBoard::start(VirtualBoardConfig {
        protocol: Protocol::Innervate,
        channels: 4,
        rate_hz: 1000,
        seed: 3,
        speed: 1.0,
        faults: Faults {
            garbage_every: 5,
            drop_every: 0,
            corrupt_every: 0,
        },
        link: Some(link.clone()),
        stamp_packets: false,
    })
    .unwrap();
    let mut h = harness(dir.path());
    h.run_steps(2);
    h.get_by_label("Connect").click();
    h.run_steps(2);
    h.get_by_label("Connect a board");
    h.get_by_label("Auto");
    h.get_by_label("Use the simulated board");
    h.get_by_label("Port path").click();
    h.run_steps(1);
    h.get_by_label("Port path")
        .type_text(link.to_str().unwrap());
    h.run_steps(1);
    h.get_by_label("Connect to path").click();
    h.run_steps(2);
    h.state_mut().wait_for_connect(Duration::from_secs(10));
    h.run_steps(2);
    assert!(
        h.state().connect_panel().is_none(),
        "the panel closes once connected"
    );
    assert_eq!(h.state().engine().info().kind, SourceKind::Serial);
    assert_eq!(h.state().muscles().len(), 4);
    // The board's own labels name the rows.
    h.get_by_label("Biceps brachii activation");
    h.get_by_label("Biceps femoris activation");
    wait_until(&mut h, "data from the board", |a| {
        a.history().channels[0].envelope.len() > 20
    });
    // Link health: garbage every 5 packets means resyncs, and no loss.
    wait_until(&mut h, "a resync", |a| {
        innervate::stats::LinkStats::get(&a.engine().stats().resyncs) > 0
    });
    h.run_steps(1);
    h.get_by_label_contains("Link: board drops 0, CRC errors");
    h.get_by_label_contains("Source: Innervate virtual board");

    // Pull the cable: the status line says so; plug it back: it streams again.
    board.unplug();
    wait_until(&mut h, "Disconnected", |a| {
        a.engine().stats().state() == innervate::stats::LinkState::Disconnected
    });
    h.run_steps(1);
    h.get_by_label_contains("Board disconnected: reconnecting");
    board.replug();
    wait_until(&mut h, "reconnection", |a| {
        a.engine().stats().state() == innervate::stats::LinkState::Streaming
    });
    h.run_steps(1);
    h.get_by_label_contains("reconnects 1");

    // Back to the simulated board with 3 channels.
    h.get_by_label("Connect").click();
    h.run_steps(2);
    h.get_by_label("Channels").click();
    h.run_steps(1);
    h.get_by_label("Use the simulated board").click();
    h.run_steps(2);
    assert_eq!(h.state().engine().info().kind, SourceKind::Simulator);
}

#[test]
fn a_path_with_no_board_says_why_and_keeps_the_current_stream() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.get_by_label("Connect").click();
    h.run_steps(2);
    h.get_by_label("Port path").click();
    h.run_steps(1);
    h.get_by_label("Port path").type_text("/dev/no-such-board");
    h.run_steps(1);
    h.get_by_label("Connect to path").click();
    h.run_steps(2);
    h.state_mut().wait_for_connect(Duration::from_secs(10));
    h.run_steps(2);
    h.get_by_label_contains("Not connected: cannot open /dev/no-such-board");
    assert_eq!(h.state().engine().info().kind, SourceKind::Simulator);
}

#[test]
fn switching_boards_ends_a_running_set_and_the_recording_it_started() {
    use innervate::session::{MarkerKind, Sidecar};
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.run_steps(2);
    h.key_press(egui::Key::Space);
    h.run_steps(2);
    assert!(h.state().training().set.is_some() && h.state().is_recording());
    std::thread::sleep(Duration::from_millis(300));
    h.run_steps(2);
    h.key_press(egui::Key::B);
    h.run_steps(2);
    h.get_by_label("Use the simulated board").click();
    h.run_steps(2);
    assert_eq!(h.state().screen().kind(), innervate::app::ScreenKind::Live);
    assert!(
        h.state().training().set.is_none(),
        "no set left on the old board"
    );
    assert!(
        h.state_mut()
            .wait_for_set_summary(Duration::from_secs(30))
            .is_some(),
        "it was summarised from its recording"
    );
    assert!(!h.state().is_recording());
    h.get_by_label("Start set (Space)");
    assert!(matches!(
        h.state_mut().wait_for_saved(Duration::from_secs(5)),
        innervate::app::RecordingStatus::Saved(_)
    ));
    let wav = common::find_wav(dir.path());
    let side = Sidecar::read(&wav.with_extension("json")).unwrap();
    let kinds: Vec<MarkerKind> = side.markers.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, vec![MarkerKind::SetStart, MarkerKind::SetEnd]);
}
