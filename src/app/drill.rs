//! The activation drill in the window: its settings, the block's time cap, the drill in progress (fed with
//! every display point, like the set) and the last result. The drill itself is pure library code
//! ([`crate::training::drill`]); drawing is in [`super::drill_view`].

use super::InnervateApp;
use crate::block::MAX_CHANNELS;
use crate::engine::DisplayChunk;
use crate::training::drill::{Drill, DrillBlock, DrillConfig};
use crate::training::drill_score::{DrillContext, DrillSummary};
use crate::training::history_db::{SetContext, SetRecord};
use crate::training::setup::Role;

/// What the drill panel asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum DrillAction {
    /// Open or close the panel.
    Show(bool),
    /// Start a drill with the panel's settings.
    Start,
    /// Stop the running drill (its holds so far are scored).
    Stop,
    /// New settings.
    Settings(DrillConfig),
    /// A new cap for the block, minutes.
    CapMinutes(f64),
    /// Start a new block (the time used goes back to 0).
    NewBlock,
    /// Close the last result.
    Dismiss,
}

/// The drill panel's state.
#[derive(Clone, Debug, Default)]
pub struct DrillPanel {
    /// The panel is open in the live view.
    pub open: bool,
    /// Settings for the next drill.
    pub config: DrillConfig,
    /// The block's cap and the time used.
    pub block: DrillBlock,
    /// The drill in progress, with its target and competing channels.
    pub running: Option<(Drill, usize, Option<usize>)>,
    /// The last finished drill.
    pub result: Option<DrillSummary>,
    /// The channels (target, competing) of a finished drill not yet stored in the history.
    pub to_store: Option<(usize, Option<usize>)>,
    /// Whether the history took the last drill (and the problem if not).
    pub stored: Option<Result<(), String>>,
    /// The last problem or reminder, in plain words.
    pub status: Option<String>,
}

impl DrillPanel {
    /// Feeds the running drill with a display chunk; when it ends, its time counts against the block and
    /// its result is kept.
    pub fn track(&mut self, chunk: &DisplayChunk) {
        let Some((drill, target, competing)) = self.running.as_mut() else {
            return;
        };
        let (target, competing) = (*target, *competing);
        for p in 0..chunk.points {
            let t = chunk.first_time_s + p as f64 * chunk.step_s;
            let value = |c: usize| f64::from(chunk.envelope[c.min(MAX_CHANNELS - 1)][p]);
            drill.push(t, value(target), competing.map(value));
        }
        if drill.is_done() {
            self.finish();
        }
    }

    /// Ends the running drill: scores it and counts its time.
    fn finish(&mut self) {
        if let Some((drill, target, competing)) = self.running.take() {
            self.block.add(drill.elapsed_s());
            self.result = Some(drill.summary());
            self.to_store = Some((target, competing));
            self.stored = None;
            self.status = self.block.reached().then(|| self.block.reminder());
        }
    }
}

impl InnervateApp {
    /// Applies what the drill panel asked for.
    pub fn drill_action(&mut self, action: DrillAction) {
        let panel = &mut self.training.drill;
        match action {
            DrillAction::Show(open) => panel.open = open,
            DrillAction::Settings(config) => panel.config = config,
            DrillAction::CapMinutes(min) => {
                if min.is_finite() && min > 0.0 {
                    panel.block.cap_s = min * 60.0;
                }
            }
            DrillAction::NewBlock => {
                panel.block.used_s = 0.0;
                panel.status = None;
            }
            DrillAction::Dismiss => panel.result = None,
            DrillAction::Stop => {
                if let Some((drill, _, _)) = panel.running.as_mut() {
                    drill.stop();
                }
                panel.finish();
                self.store_drill();
            }
            DrillAction::Start => self.start_drill(),
        }
    }

    /// Stores a finished drill in the history once, as a row of kind "drill" (rankings leave drills out;
    /// the history and its export list them).
    pub fn store_drill(&mut self) {
        let Some((target, competing)) = self.training.drill.to_store.take() else {
            return;
        };
        let Some(summary) = self
            .training
            .drill
            .result
            .as_ref()
            .map(|r| r.to_set_summary())
        else {
            return;
        };
        let name = |c: usize| self.live.muscles.get(c).map(|m| m.name.clone());
        let exercise = self
            .training
            .setup
            .as_ref()
            .map_or_else(|| "Free training".into(), |s| s.name.clone());
        let started_at = std::time::SystemTime::now()
            .checked_sub(std::time::Duration::from_secs_f64(
                summary.duration_s.max(0.0),
            ))
            .unwrap_or(std::time::UNIX_EPOCH);
        let mut context = SetContext::new(
            &humantime::format_rfc3339_millis(started_at).to_string(),
            &exercise,
            &name(target).unwrap_or_default(),
        );
        context.antagonist = competing.and_then(name);
        let record = SetRecord::from_summary(context, &summary);
        let stored = self.training.db().and_then(|db| {
            db.insert_set(&record)
                .map(|_| ())
                .map_err(|e| e.to_string())
        });
        self.training.drill.stored = Some(stored);
    }

    /// Starts a drill on the setup's target muscle (channel 0 without one), watching its competing muscle.
    pub fn start_drill(&mut self) {
        let (target, competing) = self.training.competition();
        let muscles = &self.live.muscles;
        let panel = &mut self.training.drill;
        if panel.running.is_some() {
            return;
        }
        if let Err(e) = panel.config.validate() {
            panel.status = Some(e);
            return;
        }
        if panel.block.reached() {
            panel.status = Some(panel.block.reminder());
            return;
        }
        let Some(t) = muscles.get(target) else {
            panel.status = Some("No target muscle to drill".into());
            return;
        };
        let competing = competing.filter(|&(c, _)| c < muscles.len() && c != target);
        let context = DrillContext {
            target_level_uv: f64::from(t.target_uv),
            target_mvc_uv: t.mvc_uv.map(f64::from),
            competing_role: competing.map(|(_, r)| r),
            competing_mvc_uv: competing.and_then(|(c, _)| muscles[c].mvc_uv.map(f64::from)),
            share_limit_pct: self
                .training
                .setup
                .as_ref()
                .map_or(crate::training::share::DEFAULT_SHARE_LIMIT_PCT, |s| {
                    s.share_limit_pct
                }),
        };
        let panel = &mut self.training.drill;
        let drill = Drill::new(panel.config, context, panel.block.remaining_s());
        panel.running = Some((drill, target, competing.map(|(c, _)| c)));
        panel.result = None;
        panel.status = None;
    }

    /// The competing muscle's name and role in the running or next drill, for the panel.
    pub fn drill_competitor(&self) -> Option<(String, Role)> {
        let (_, competing) = self.training.competition();
        competing.and_then(|(c, r)| self.live.muscles.get(c).map(|m| (m.name.clone(), r)))
    }
}
