//! Starting and ending a training set: marking it (with its plan) in the recording, and recording it if
//! nothing was; when it ends, its summary is computed from the recording in the background
//! ([`crate::analysis::summarize_recorded_set`], the same numbers review and `analyze` give), stored in the
//! history and shown. Also applying an exercise setup and scheduled sets.

use super::InnervateApp;
use super::training::{ActiveSet, FinishedSet, PendingSummary, SetMode};
use crate::session::MarkerKind;
use crate::task::{Poll, Task};
use crate::training::history_db::{SetContext, SetLog, SetRecord};
use crate::training::plan::SetPlan;
use crate::training::rules::DEFAULT_RATIO_LIMIT;
use crate::training::setup::ExerciseSetup;
use std::time::Duration;

/// How long the summary waits for the recorder to put the set's end on disk (it flushes every second).
const SUMMARY_WAIT: Duration = Duration::from_secs(30);

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

    /// Starts a set now: recorded (a recording starts if none runs), marked with its plan.
    pub fn start_set(&mut self) {
        if self.training.set.is_some() {
            return;
        }
        self.training.finished = None;
        if !self.recording.is_recording() {
            self.toggle_recording();
            self.training.started_recording = self.recording.is_recording();
        }
        let number = match (&self.training.sets_in_recording, self.recording.path()) {
            (Some((path, n)), Some(now)) if path == now => n + 1,
            _ => 1,
        };
        if let Some(path) = self.recording.path() {
            self.training.sets_in_recording = Some((path.to_path_buf(), number));
        }
        self.engine.mark_set_start(self.set_plan());
        self.training.set = Some(ActiveSet {
            started_s: self.stream_time_s(),
            started_at: std::time::SystemTime::now(),
            number,
            mdf: Vec::new(),
            working_points: (0, 0),
            mode: self.training.next_mode,
            hold_reached_s: None,
        });
    }

    /// The plan of a set started now: the setup's target and competing muscle (with its role), the target
    /// line and limits as set in the live view, the mode and the tempo.
    fn set_plan(&self) -> SetPlan {
        let (target, antagonist) = self.training.channels();
        let muscles = &self.live.muscles;
        let target = target.min(muscles.len().saturating_sub(1));
        let m = &muscles[target];
        let ratio_limit = antagonist
            .and_then(|a| self.live.pairs.iter().find(|p| p.antagonist == a))
            .map(|p| p.ratio_limit as f64)
            .or(self.training.setup.as_ref().map(|s| s.ratio_limit))
            .unwrap_or(DEFAULT_RATIO_LIMIT);
        let setup = self.training.setup.as_ref();
        SetPlan {
            exercise: setup.map_or_else(|| "Free training".into(), |s| s.name.clone()),
            target,
            competing: antagonist.filter(|&a| a < muscles.len() && a != target),
            competing_role: self
                .training
                .competition()
                .1
                .map_or(crate::training::setup::Role::Antagonist, |(_, r)| r),
            share_limit_pct: self.training.share_limit_pct(),
            target_level_uv: m.target_uv as f64,
            target_pct_mvc: m
                .mvc_uv
                .filter(|v| *v > 0.0)
                .map(|mvc| 100.0 * m.target_uv as f64 / mvc as f64),
            ratio_limit,
            mode: self.training.next_mode,
            tempo: setup.map(|s| s.tempo).unwrap_or_default(),
            hold_s: setup.map_or(crate::training::rules::DEFAULT_HOLD_S, |s| s.hold_s),
        }
    }

    /// Ends the set: marks its end, stops the recording we started, and starts computing its summary from
    /// the recording (shown and stored when [`Self::poll_set_summary`] sees it done).
    pub fn end_set(&mut self) {
        let Some(set) = self.training.set.take() else {
            return;
        };
        self.engine.add_marker(MarkerKind::SetEnd, "");
        let Some(wav) = self.recording.path().map(std::path::Path::to_path_buf) else {
            self.message = Some("The set was not recorded, so it has no summary".into());
            return;
        };
        if self.training.started_recording {
            self.toggle_recording();
            self.training.started_recording = false;
        }
        let (target, antagonist) = self.training.channels();
        let name = |c: usize| self.live.muscles.get(c).map(|m| m.name.clone());
        let context = SetContext {
            started_at: humantime::format_rfc3339_millis(set.started_at).to_string(),
            exercise: self
                .training
                .setup
                .as_ref()
                .map_or_else(|| "Free training".into(), |s| s.name.clone()),
            muscle: name(target).unwrap_or_default(),
            antagonist: antagonist.and_then(name),
            session_wav: Some(
                std::path::absolute(&wav)
                    .unwrap_or(wav.clone())
                    .display()
                    .to_string(),
            ),
            set_in_session: set.number,
            log: SetLog::default(),
        };
        let job_wav = wav.clone();
        let number = set.number as usize;
        let task = Task::spawn("set-summary", move |cancel| {
            crate::analysis::summarize_recorded_set(&job_wav, number, SUMMARY_WAIT, cancel)
        });
        self.training.pending.push(PendingSummary {
            task,
            context,
            session_wav: wav,
        });
    }

    /// Takes the summaries of sets that ended once they are computed: each is stored in the history, and
    /// the newest is shown.
    pub(crate) fn poll_set_summary(&mut self) {
        // A summary is shown once the recording the set stopped is closed, so "Review this set" opens a
        // complete file without waiting.
        if self.recording.is_finishing() {
            return;
        }
        let mut k = 0;
        while k < self.training.pending.len() {
            let result = match self.training.pending[k].task.poll() {
                Poll::Running => {
                    k += 1;
                    continue;
                }
                Poll::Done(r) => r.map_err(|e| e.to_string()),
                Poll::Lost(why) => Err(why),
            };
            let pending = self.training.pending.remove(k);
            match result {
                Ok(report) => self.store_summary(pending, report),
                Err(e) => self.message = Some(format!("No set summary: {e}")),
            }
        }
    }

    /// Stores a computed summary in the history and shows it.
    fn store_summary(&mut self, pending: PendingSummary, report: crate::analysis::MarkedSetReport) {
        let record = SetRecord::from_summary(pending.context, &report.summary);
        let stored = self
            .training
            .db()
            .and_then(|db| db.insert_set(&record).map_err(|e| e.to_string()));
        let log = stored
            .as_ref()
            .ok()
            .map(|&id| self.new_log_entry(id, &record.exercise, report.summary.reps))
            .map(|mut entry| {
                // A summary that arrives while the next set runs must not take the keyboard (Space ends
                // that set); the user can still click or Tab into the entry.
                entry.wants_focus = self.training.set.is_none();
                entry
            });
        self.training.finished = Some(FinishedSet {
            report: Box::new(report),
            session_wav: Some(pending.session_wav),
            stored: stored.map(|_| ()),
            log,
            sides: self
                .training
                .setup
                .as_ref()
                .map(|s| s.channels.iter().map(|c| c.side).collect())
                .unwrap_or_default(),
            map_metric: Default::default(),
        });
    }

    /// Waits (up to `timeout`) for the summary of the set that ended (tests and shutdown).
    pub fn wait_for_set_summary(&mut self, timeout: Duration) -> Option<&FinishedSet> {
        let until = std::time::Instant::now() + timeout;
        while !self.training.pending.is_empty() && std::time::Instant::now() < until {
            self.recording.poll(&mut self.engine);
            self.poll_set_summary();
            std::thread::sleep(Duration::from_millis(10));
        }
        self.training.finished.as_ref()
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
