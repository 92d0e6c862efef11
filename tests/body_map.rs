//! The body map, the placement pictures and the compact live view, driven through egui_kittest on the
//! simulated board: no display, no GPU.

mod common;

use egui_kittest::kittest::Queryable;
use innervate::app::body_map::region_label;
use innervate::app::placement_view::{self, picture_label};
use innervate::source::reader::Pace;
use innervate::training::body_figure::BodySide;
use innervate::training::muscle_map;
use innervate::training::presets::PRESETS;
use innervate::training::setup::Side;
use std::time::Duration;

fn fast_app(channels: usize, dir: &std::path::Path) -> innervate::app::InnervateApp {
    let engine = common::sim_engine(channels, Pace::RealTime { speed: 2.0 });
    innervate::app::InnervateApp::new(engine, dir.to_path_buf())
}

/// The fill the live map gives `muscle` on `side` now.
fn live_fill(h: &common::AppHarness, muscle: &str, side: BodySide) -> egui::Color32 {
    h.state()
        .live_body_map()
        .into_iter()
        .find(|p| p.muscle == muscle && p.side == side)
        .unwrap_or_else(|| panic!("{muscle} {side:?} not painted"))
        .fill
}

#[test]
fn the_live_map_lights_the_target_muscle_when_it_contracts() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::harness(fast_app(2, dir.path()), [1280.0, 800.0]);
    common::wait_until(&mut h, "data", Duration::from_secs(10), |a| {
        a.stream_time_s() > 0.5
    });
    // Every preset region is on the map with its label; the recorded ones carry their value.
    for p in PRESETS {
        for side in BodySide::BOTH {
            h.get_by_label(&region_label(p.name, side));
        }
    }
    let value = h
        .get_by_label("Biceps brachii, right")
        .value()
        .unwrap_or_default();
    assert!(
        value.contains("µV") && value.contains("target muscle"),
        "{value}"
    );
    // The simulator rests for 3 s, then the first rep's concentric phase peaks at about 3.5-4 s.
    assert!(h.state().stream_time_s() < 2.8, "too late to see the rest");
    let rest = live_fill(&h, "Biceps brachii", BodySide::Right);
    common::wait_until(&mut h, "the first rep", Duration::from_secs(20), |a| {
        a.stream_time_s() > 3.9
    });
    let working = live_fill(&h, "Biceps brachii", BodySide::Right);
    assert_ne!(rest, working, "the region's colour follows the contraction");
    // The target muscle's edge is distinct; the antagonist has none.
    let paints = h.state().live_body_map();
    let edge = |m: &str| paints.iter().find(|p| p.muscle == m).unwrap().edge;
    assert!(edge("Biceps brachii").is_some());
    assert!(edge("Triceps brachii (long head)").is_none());
    // The panel can be hidden and shown again.
    h.get_by_label("Hide body map").click();
    h.run_steps(2);
    assert!(h.query_by_label("Biceps brachii, right").is_none());
    h.get_by_label("Show body map").click();
    h.run_steps(2);
    h.get_by_label("Biceps brachii, right");
}

#[test]
fn clicking_a_region_in_setup_assigns_it_to_the_selected_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::harness(fast_app(2, dir.path()), [1280.0, 1400.0]);
    h.run_steps(2);
    h.state_mut().open_setup();
    h.run_steps(2);
    h.get_by_label("2 (Triceps brachii)").click();
    h.run_steps(2);
    assert_eq!(h.state().setup_panel().unwrap().selected, 1);
    h.get_by_label("Gluteus maximus, left").click();
    h.run_steps(2);
    let draft = &h.state().setup_panel().unwrap().draft;
    assert_eq!(draft.channels[1].muscle, "Gluteus maximus");
    assert_eq!(draft.channels[1].side, Side::Left);
    // The first row kept its muscle; its placement picture and the new one are shown.
    assert_eq!(draft.channels[0].muscle, "Biceps brachii");
    h.get_by_label(&picture_label("Biceps brachii"));
    h.get_by_label(&picture_label("Gluteus maximus"));
    // A click on the right vastus lateralis with row 1 selected.
    h.get_by_label("1 (Biceps brachii)").click();
    h.run_steps(2);
    h.get_by_label("Vastus lateralis, right").click();
    h.run_steps(2);
    let draft = &h.state().setup_panel().unwrap().draft;
    assert_eq!(draft.channels[0].muscle, "Vastus lateralis");
    assert_eq!(draft.channels[0].side, Side::Right);
}

#[test]
fn every_preset_has_a_placement_picture() {
    let mut h = egui_kittest::Harness::builder()
        .with_size([1400.0, 2000.0])
        .build_ui(|ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    for p in PRESETS {
                        let shape = muscle_map::shape(p.name)
                            .unwrap_or_else(|| panic!("{} has no placement picture", p.name));
                        placement_view::show(ui, shape, egui::Vec2::splat(150.0));
                    }
                });
            });
        });
    h.run();
    for p in PRESETS {
        let label = picture_label(p.name);
        let r = h.get_by_label(&label).rect();
        assert!(
            r.width() >= 149.0 && r.height() >= 149.0,
            "{}: {r:?}",
            p.name
        );
    }
}

#[test]
fn sixteen_muscles_fit_at_1280_by_800() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::harness(fast_app(16, dir.path()), [1280.0, 800.0]);
    common::wait_until(&mut h, "data", Duration::from_secs(10), |a| {
        a.stream_time_s() > 0.3
    });
    h.run_steps(2);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0));
    let status = h.get_by_label_contains("Source: Simulated board").rect();
    for m in innervate::source::simulator::SIM_MUSCLES {
        for label in [format!("{m} activation"), format!("Target for {m} (µV)")] {
            let r = h.get_by_label(&label).rect();
            assert!(
                window.contains_rect(r),
                "{label} at {r:?} is outside the window"
            );
            assert!(
                r.bottom() <= status.top(),
                "{label} at {r:?} is under the status line"
            );
        }
        h.get_by_label(m);
    }
    // Eight pairs, each folded into one line with its limit.
    assert_eq!(h.query_all_by_label_contains("Limit for ").count(), 8);
    // The body map is beside them.
    h.get_by_label("Biceps brachii, right");
}

#[test]
fn the_live_map_shows_the_symmetry_of_the_setups_left_right_pair() {
    use innervate::training::setup::{ExerciseSetup, Role};
    let dir = tempfile::tempdir().unwrap();
    let mut h = common::harness(fast_app(2, dir.path()), [1280.0, 800.0]);
    // The first rep: the simulated agonist works, its antagonist much less.
    common::wait_until(&mut h, "the first rep", Duration::from_secs(20), |a| {
        a.stream_time_s() > 3.8
    });
    let template = innervate::training::presets::find_exercise("Biceps curl").unwrap();
    let mut setup = ExerciseSetup::from_template(template);
    setup.channels[0].side = Side::Left;
    setup.channels[1].muscle = "Biceps brachii".into();
    setup.channels[1].role = Role::Other;
    setup.channels[1].side = Side::Right;
    setup.pairs.clear();
    setup.left_right = vec![(0, 1)];
    h.state_mut().apply_setup(setup);
    h.run_steps(2);
    let sym = h.state().live_symmetry();
    assert_eq!(sym.len(), 1);
    // The same half second of display points, averaged here, through the rule analyze --lr uses.
    let history = h.state().history();
    let n = (0.5 / history.step_s()).round() as usize;
    let mean = |c: usize| {
        let e = &history.channels[c].envelope;
        e.iter().rev().take(n).map(|v| f64::from(*v)).sum::<f64>() / n.min(e.len()) as f64
    };
    let (expected, unit) =
        innervate::analysis::normalised_symmetry((mean(0), None), (mean(1), None));
    assert!(
        (sym[0].index_pct - expected).abs() < 1e-9,
        "{sym:?} vs {expected}"
    );
    assert_eq!((sym[0].unit, unit), ("uV", "uV"));
    assert!(
        expected > 20.0,
        "a working and a quiet side differ: {expected}"
    );
    h.get_by_label_contains("L/R symmetry index");
    // Each side lights its own region now.
    let paints = h.state().live_body_map();
    let sides: Vec<BodySide> = paints
        .iter()
        .filter(|p| p.muscle == "Biceps brachii")
        .map(|p| p.side)
        .collect();
    assert_eq!(sides, vec![BodySide::Left, BodySide::Right]);
}

/// Stores a real recording's set in the history at `db` as `innervate history import` does.
fn import(db: &std::path::Path, file: &str, channel: &str, muscle: &str) {
    let wav = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real")
        .join(file);
    common::run_ok(
        common::innervate()
            .args(["history", "--db"])
            .arg(db)
            .arg("import")
            .arg(wav)
            .args([
                "--exercise",
                "Squat",
                "--target",
                channel,
                "--muscle",
                muscle,
            ])
            .args(["--mvc", "400"]),
    );
}

/// How far a colour is from the idle muscle's (further = more activation shown).
fn lit(c: egui::Color32) -> i32 {
    let idle = innervate::app::theme::MUSCLE_IDLE;
    (c.r() as i32 - idle.r() as i32).abs()
        + (c.g() as i32 - idle.g() as i32).abs()
        + (c.b() as i32 - idle.b() as i32).abs()
}

#[test]
fn the_history_map_colours_each_muscle_by_its_sets_and_writes_the_progress_report() {
    use innervate::app::screen::{ScreenAction, ScreenKind};
    use innervate::training::history_db::{HistoryDb, Metric, SetFilter};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    // Two real recordings of one exercise, each with its own target muscle and an MVC of 400 uV.
    import(&db, "subject1_vl_isometric.wav", "1", "Vastus lateralis");
    import(&db, "subject1_ta_isometric.wav", "3", "Tibialis anterior");
    let rows = HistoryDb::open(&db)
        .unwrap()
        .sets_matching(&SetFilter::default())
        .unwrap();
    let value = |muscle: &str, m: Metric| {
        m.value(rows.iter().find(|r| r.muscle == muscle).unwrap())
            .unwrap()
    };
    let mut h = common::harness(fast_app(2, dir.path()), [1280.0, 800.0]);
    h.state_mut().apply(ScreenAction::Open(ScreenKind::History));
    h.run_steps(2);
    // Every set, whenever the files were checked out.
    h.get_by_label("all sets").click();
    h.run_steps(2);
    for metric in [Metric::Score, Metric::PeakPctMvc] {
        if metric != Metric::Score {
            // The map's choice (drawn before the plots of the same name).
            h.get_all_by_label(metric.label()).next().unwrap().click();
            h.run_steps(2);
        }
        let paints = h.state().history_panel().unwrap().map_paints.clone();
        let fill = |muscle: &str| {
            paints
                .iter()
                .find(|p| p.muscle == muscle && p.side == BodySide::Left)
                .unwrap_or_else(|| panic!("{muscle} not painted: {paints:?}"))
                .fill
        };
        let (ta, vl) = (
            value("Tibialis anterior", metric),
            value("Vastus lateralis", metric),
        );
        assert!((ta - vl).abs() > 3.0, "{metric:?}: {ta} vs {vl}");
        let (lit_ta, lit_vl) = (
            lit(fill("Tibialis anterior")),
            lit(fill("Vastus lateralis")),
        );
        assert_eq!(
            lit_ta > lit_vl,
            ta > vl,
            "{metric:?}: the muscle with more shows more ({ta} {lit_ta} vs {vl} {lit_vl})"
        );
        // Its label says the number the history holds.
        let label = h
            .get_by_label(&region_label("Tibialis anterior", BodySide::Right))
            .value()
            .unwrap_or_default();
        assert!(
            label.contains(&format!("mean {ta:.1} over 1 sets")),
            "{label}"
        );
    }
    // The screen's progress report, written off the UI thread next to the history.
    h.get_by_label("PDF progress report").click();
    let pdf = dir.path().join("progress-squat-tibialis-anterior.pdf");
    let until = std::time::Instant::now() + Duration::from_secs(60);
    while !pdf.exists() {
        assert!(std::time::Instant::now() < until, "no {}", pdf.display());
        h.run_steps(1);
        std::thread::sleep(Duration::from_millis(20));
    }
    h.run_steps(2);
    h.get_by_label_contains("Progress report written to");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    // The report covers the map's period: the tibialis set moved 60 days back is outside the last 4
    // weeks (refused in words, no file) and inside the last 12.
    let now = std::time::SystemTime::now();
    let old = humantime::format_rfc3339_seconds(now - Duration::from_secs(60 * 86_400));
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE sets SET started_at = ?1 WHERE muscle = 'Tibialis anterior'",
            [old.to_string()],
        )
        .unwrap();
    let write_for = |h: &mut common::AppHarness, period: &str, weeks: u32| {
        h.get_by_label(period).click();
        h.run_steps(2);
        h.get_by_label("PDF progress report").click();
        // The click is seen in the next frame, which starts the job.
        h.run_steps(2);
        let until = std::time::Instant::now() + Duration::from_secs(60);
        while h.state().report_job_running() {
            assert!(
                std::time::Instant::now() < until,
                "the {period} report hangs"
            );
            h.run_steps(1);
            std::thread::sleep(Duration::from_millis(20));
        }
        h.run_steps(2);
        let day = innervate::app::body_map_panel::period_start_day(weeks, now).unwrap();
        let pdf = dir
            .path()
            .join(format!("progress-squat-tibialis-anterior-since-{day}.pdf"));
        (pdf, day)
    };
    let (pdf, day) = write_for(&mut h, "last 4 weeks", 4);
    h.get_by_label_contains("Progress report not written: no sets");
    h.get_by_label_contains(&format!("from {day}"));
    assert!(!pdf.exists(), "{} written", pdf.display());
    let (pdf, _) = write_for(&mut h, "last 12 weeks", 12);
    h.get_by_label_contains("Progress report written to");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

#[test]
fn the_set_summary_map_colours_every_muscle_by_its_peak_and_its_mean() {
    use innervate::app::body_map_panel::{SetMetric, set_paints, set_summary};
    let dir = tempfile::tempdir().unwrap();
    // One marked set over the simulated reps: biceps against triceps.
    let wav = common::simulated_sets(dir.path(), 20, &[(2.0, 19.0, "Biceps curl", 150.0)]);
    let session = innervate::session::load::open_session(&wav).unwrap();
    let mut replay = session.replay().unwrap();
    let options = innervate::analysis::AnalyzeOptions::for_session(&session);
    let report = innervate::analysis::analyze(&mut replay, &options, &mut |_| {}, None).unwrap();
    let mut set = report.sets[0].clone();
    let (biceps, triceps) = (&set.muscles[0], &set.muscles[1]);
    assert!(
        biceps.peak_uv > biceps.mean_uv && biceps.mean_uv > triceps.mean_uv,
        "{set:?}"
    );
    // The target line between the biceps' mean and peak: its peak reaches it, its mean does not.
    let line = (set.summary.peak_uv * set.summary.mean_uv).sqrt();
    (set.plan.target_level_uv, set.summary.target_level_uv) = (line, line);
    let sides = [Side::Left, Side::Left];
    // The simulator's triceps is drawn as the preset its name maps to.
    let fill = |paints: &[innervate::app::body_map::RegionPaint], muscle: &str| {
        let muscle = muscle_map::preset_for(muscle).unwrap().name;
        paints
            .iter()
            .find(|p| p.muscle == muscle)
            .unwrap_or_else(|| panic!("{muscle} not painted"))
            .fill
    };
    let peak = set_paints(&set, &sides, SetMetric::Peak);
    let mean = set_paints(&set, &sides, SetMetric::Mean);
    assert_eq!(
        fill(&peak, "Biceps brachii"),
        innervate::app::theme::ON_TARGET
    );
    assert_ne!(
        fill(&mean, "Biceps brachii"),
        innervate::app::theme::ON_TARGET
    );
    assert!(lit(fill(&peak, "Triceps brachii")) > lit(fill(&mean, "Triceps brachii")));
    assert!(lit(fill(&mean, "Biceps brachii")) > lit(fill(&mean, "Triceps brachii")));
    // Drawn under the summary, each region says both numbers.
    let mut metric = SetMetric::Peak;
    let mut h = egui_kittest::Harness::new_ui(|ui| set_summary(ui, &set, &sides, &mut metric));
    h.run();
    let label = h
        .get_by_label(&region_label(
            muscle_map::preset_for("Triceps brachii").unwrap().name,
            BodySide::Left,
        ))
        .value()
        .unwrap_or_default();
    assert!(
        label.contains(&format!(
            "peak {:.0} µV, mean {:.0} µV",
            set.muscles[1].peak_uv, set.muscles[1].mean_uv
        )),
        "{label}"
    );
}
