//! Starting and ending a training set: marking it in the recording (and recording it if nothing was),
//! summarising it when it ends and storing it in the history; applying an exercise setup; scheduled sets.
//! Another change will compute the summary from the recording instead; until then it is worked out here
//! from the points [`super::training::Training::track_set`] collected.

use super::InnervateApp;
use super::training::{ActiveSet, FinishedSet, SetMode};
use crate::session::MarkerKind;
use crate::training::history_db::SetRecord;
use crate::training::setup::ExerciseSetup;
use crate::training::summary::{SetInput, summarize};
use std::path::Path;

impl InnervateApp {
    /// Applies an exercise setup: muscle names per channel, targets in %MVC where calibrated, the ratio
    /// limit of its pair.
    pub fn apply_setup(&mut self, setup: ExerciseSetup) {
        for (m, role) in self.live.muscles.iter_mut().zip(&setup.channels) {
            if !role.muscle.trim().is_empty() {
                m.name = role.muscle.clone();
                m.mvc_uv = None;
            }
        }
        self.live.apply_profile(&self.prefs.profile);
        for m in &mut self.live.muscles {
            if let Some(mvc) = m.mvc_uv {
                m.target_uv = mvc * setup.target_pct_mvc as f32 / 100.0;
            }
        }
        for p in &mut self.live.pairs {
            p.ratio_limit = setup.ratio_limit as f32;
        }
        self.prefs.settings.last_setup = Some(setup.name.clone());
        self.save_settings();
        self.message = Some(format!("Exercise: {}", setup.name));
        self.training.setup = Some(setup);
    }

    /// Chooses reps or hold for the next set.
    pub fn set_mode(&mut self, mode: SetMode) {
        self.training.next_mode = mode;
    }

    /// Starts a set (recording it, if nothing is being recorded) or ends the running one.
    pub fn toggle_training_set(&mut self) {
        if self.training.set.is_some() {
            self.end_set();
        } else {
            self.start_set();
        }
    }

    /// Starts a set now.
    pub fn start_set(&mut self) {
        if self.training.set.is_some() {
            return;
        }
        self.training.finished = None;
        if !self.recording.is_recording() {
            self.toggle_recording();
            self.training.started_recording = self.recording.is_recording();
            self.training.sets_in_session = 0;
        }
        self.engine.add_marker(MarkerKind::SetStart, "");
        self.training.set = Some(ActiveSet {
            started_s: self.stream_time_s(),
            started_at: std::time::SystemTime::now(),
            points: Vec::with_capacity(4096),
            mdf: Vec::new(),
            mode: self.training.next_mode,
            hold_reached_s: None,
        });
    }

    /// Ends the set: marks it, stops the recording we started, summarises and stores it.
    pub fn end_set(&mut self) {
        let Some(set) = self.training.set.take() else {
            return;
        };
        self.engine.add_marker(MarkerKind::SetEnd, "");
        let session_wav = self.recording.path().map(Path::to_path_buf);
        if self.training.started_recording {
            self.toggle_recording();
            self.training.started_recording = false;
        }
        let (target, antagonist) = self.training.channels();
        let target_m = &self.live.muscles[target.min(self.live.muscles.len() - 1)];
        let ratio_limit = antagonist
            .and_then(|a| self.live.pairs.iter().find(|p| p.antagonist == a))
            .map(|p| p.ratio_limit as f64)
            .or(self.training.setup.as_ref().map(|s| s.ratio_limit))
            .unwrap_or(crate::training::rules::DEFAULT_RATIO_LIMIT);
        let minutes: Vec<(f64, f64)> = set
            .mdf
            .iter()
            .map(|&(t, f)| ((t - set.started_s) / 60.0, f))
            .collect();
        let summary = summarize(&SetInput {
            points: &set.points,
            target_mvc_uv: target_m.mvc_uv.map(f64::from),
            antagonist_mvc_uv: antagonist
                .and_then(|a| self.live.muscles.get(a))
                .and_then(|m| m.mvc_uv.map(f64::from)),
            target_level_uv: target_m.target_uv as f64,
            ratio_limit,
            rms_window_s: self.engine.dsp_config().envelope_window_s,
            fatigue: crate::dsp::fatigue::fatigue_trend(
                minutes.iter().map(|&(m, f)| crate::dsp::fatigue::EpochMdf {
                    mid_s: m * 60.0,
                    mdf_hz: Some(f),
                    active_fraction: 1.0,
                }),
                self.engine.info().sample_rate,
            ),
        });
        let exercise = self
            .training
            .setup
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "Free training".into());
        let muscle = target_m.name.clone();
        let antagonist_name = antagonist
            .and_then(|a| self.live.muscles.get(a))
            .map(|m| m.name.clone());
        self.training.sets_in_session += 1;
        let record = SetRecord {
            id: None,
            started_at: humantime::format_rfc3339_millis(set.started_at).to_string(),
            exercise: exercise.clone(),
            muscle: muscle.clone(),
            antagonist: antagonist_name.clone(),
            session_wav: session_wav.as_ref().map(|p| {
                std::path::absolute(p)
                    .unwrap_or(p.clone())
                    .display()
                    .to_string()
            }),
            set_in_session: self.training.sets_in_session,
            duration_s: summary.duration_s,
            reps: summary.reps as u32,
            good_reps: summary.good_reps as u32,
            peak_pct_mvc: summary.peak_pct_mvc,
            peak_uv: summary.peak_uv,
            mean_pct_mvc: summary.mean_pct_mvc,
            time_above_target_s: summary.time_above_target_s,
            cci_pct: summary.cci_pct,
            fatigue_slope_hz_per_min: summary.fatigue_slope_hz_per_min,
            score: summary.score,
        };
        let stored = self
            .training
            .db()
            .and_then(|db| db.insert_set(&record).map_err(|e| e.to_string()))
            .map(|_| ());
        self.training.finished = Some(FinishedSet {
            exercise,
            muscle,
            antagonist: antagonist_name,
            summary,
            session_wav,
            stored,
        });
    }

    /// Starts a set `delay_s` seconds of stream time from now and ends it `length_s` later (demos and
    /// screenshots; the first exercise template is applied if none is).
    pub fn schedule_auto_set(&mut self, delay_s: f64, length_s: f64) {
        if self.training.setup.is_none() {
            let n = self.live.muscles.len();
            let mut s = ExerciseSetup::from_template(&crate::training::presets::EXERCISES[0]);
            s.channels.truncate(n);
            s.pairs.retain(|&(a, b)| a < n && b < n);
            self.apply_setup(s);
        }
        let now = self.stream_time_s();
        self.training.auto_set = Some((now + delay_s, now + delay_s + length_s));
    }

    /// Runs a scheduled set (called from `ingest`).
    pub(crate) fn run_auto_set(&mut self) {
        let Some((start, end)) = self.training.auto_set else {
            return;
        };
        let now = self.stream_time_s();
        if now >= start && self.training.set.is_none() && now < end {
            self.start_set();
        } else if now >= end && self.training.set.is_some() {
            self.end_set();
            self.training.auto_set = None;
        }
    }

    /// Closes the summary.
    pub fn dismiss_summary(&mut self) {
        self.training.finished = None;
    }
}
