//! The default command: the live view in a window.

use super::sound_args::SoundArgs;
use super::source_args::SourceArgs;
use anyhow::{Context, Result, bail};
use innervate::app::InnervateApp;
use innervate::app::drill::DrillAction;
use innervate::app::insights::InsightsTab;
use innervate::engine::{Engine, EngineOptions, Notifier};
use std::path::PathBuf;
use std::sync::Arc;

/// What the window starts with.
pub struct GuiArgs {
    /// Where samples come from.
    pub source: SourceArgs,
    /// Folder for recordings made with the Record button.
    pub sessions_dir: Option<PathBuf>,
    /// Profile name holding the MVC calibration.
    pub profile: String,
    /// A recording to open in review mode at start.
    pub review: Option<PathBuf>,
    /// Settings file.
    pub settings: Option<PathBuf>,
    /// Screen to open at start (demos and screenshots).
    pub start_screen: Option<String>,
    /// `DELAY:LENGTH` of a set to run by itself (demos and screenshots).
    pub auto_set: Option<String>,
    /// Sound cues.
    pub sound: SoundArgs,
    /// LSL and OSC outputs.
    pub outputs: super::output_args::OutputArgs,
}

/// Opens the source, then the window; returns when the window closes.
pub fn run(args: GuiArgs) -> Result<()> {
    let GuiArgs {
        source,
        sessions_dir,
        profile,
        review,
        settings,
        start_screen,
        auto_set,
        sound,
        outputs,
    } = args;
    let outputs = outputs.choice()?;
    let profile = profile_path(&profile)?;
    let settings = settings.unwrap_or_else(|| data_root().join("settings.json"));
    let auto_set = parse_auto_set(auto_set.as_deref())?;
    if let Some(wav) = &review {
        // Say what is wrong before a window opens.
        innervate::session::load::open_session(wav)?;
    }
    sound.cues()?;
    let sessions_dir = sessions_dir.unwrap_or_else(|| data_root().join("sessions"));
    let exercise = sound.exercise(&[sessions_dir.join("setups")])?;
    let opened = source.open()?;
    let dsp = source.dsp();
    let mvc = innervate::calibration::Profile::load(&profile)
        .map(|p| p.mvc_for(&opened.info().channel_names))
        .unwrap_or_default();
    let sound = sound.setup(
        opened.info(),
        dsp.envelope_window_s,
        &mvc,
        exercise.as_ref(),
    )?;
    if let Some(device) = sound.as_ref().and_then(|s| s.device.as_ref()) {
        eprintln!("Sound: cues on `{device}` (the window says if the device cannot be used)");
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Innervate")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Innervate",
        options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let notify: Notifier = Arc::new(move || ctx.request_repaint());
            let engine = Engine::start_source(
                opened,
                EngineOptions {
                    dsp,
                    sound,
                    outputs,
                    ..EngineOptions::default()
                },
                Some(notify.clone()),
            )?;
            let mut app = InnervateApp::new(engine, sessions_dir)
                .with_profile(profile)
                .with_notify(notify)
                .with_settings(settings);
            if let Some(setup) = exercise {
                app.apply_setup(setup);
            }
            if let Some(wav) = &review {
                app.open_review(wav);
            }
            match start_screen.as_deref() {
                Some("setup") => app.open_setup(),
                Some("placements") => app.open_placement_guide(),
                Some("calibration") => app.open_calibration(),
                Some("history") => app.open_history(),
                Some(s @ ("insights" | "insights-feel" | "insights-load")) => {
                    app.open_insights();
                    if let Some(p) = app.insights_panel_mut() {
                        p.tab = match s {
                            "insights-feel" => InsightsTab::Feel,
                            "insights-load" => InsightsTab::Load,
                            _ => InsightsTab::Ranking,
                        };
                    }
                }
                // The live view with the activation drill panel open and a drill started.
                Some("drill") => {
                    app.drill_action(DrillAction::Show(true));
                    app.drill_action(DrillAction::Start);
                }
                Some("sessions") => app.open_sessions(),
                Some("connect") => app.open_connect(),
                Some("sound") => app.open(innervate::app::ScreenKind::Sound),
                Some("gym") => app.open(innervate::app::ScreenKind::Gym),
                _ => {}
            }
            if let Some((delay, length)) = auto_set {
                app.schedule_auto_set(delay, length);
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("cannot open the window: {e}"))
}

/// `--auto-set DELAY:LENGTH` in seconds.
fn parse_auto_set(spec: Option<&str>) -> Result<Option<(f64, f64)>> {
    Ok(match spec.map(|s| s.split_once(':')) {
        None => None,
        Some(Some((d, l))) => Some((
            d.parse::<f64>().context("--auto-set DELAY")?,
            l.parse::<f64>().context("--auto-set LENGTH")?,
        )),
        Some(None) => bail!("--auto-set takes DELAY:LENGTH in seconds"),
    })
}

/// The platform data folder's `innervate` folder (profiles, sessions, settings).
pub(crate) fn data_root() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("innervate")
}

/// The file of profile `name`; only plain names, so a profile cannot point outside its folder.
pub(super) fn profile_path(name: &str) -> Result<PathBuf> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        bail!("--profile takes a plain name (letters, digits, - and _), not `{name}`");
    }
    Ok(data_root().join("profiles").join(format!("{name}.json")))
}
