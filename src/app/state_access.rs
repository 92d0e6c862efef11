//! What the window holds, read from outside the drawing code: the tests, the screenshots and other front ends
//! ask the app through these instead of reaching into its fields.

use super::InnervateApp;
use super::history::LiveHistory;
use super::live::{MuscleSettings, PairSettings};
use super::train_view;
use crate::calibration::Profile;
use crate::engine::Engine;

impl InnervateApp {
    /// The training state.
    pub fn training(&self) -> &super::training::Training {
        &self.training
    }

    /// Seconds the current hold has lasted (from when the target muscle reached its line), if holding.
    pub fn hold_elapsed_s(&self) -> Option<f64> {
        self.training.hold_elapsed_s(self.stream_time_s())
    }

    /// Antagonist/target ratio and Falconer & Winter over the last half second of the setup's pair.
    pub fn live_pair_gauge(&self) -> Option<(f64, f64)> {
        train_view::pair_gauge(&self.training, &self.live.history)
    }

    /// How the live body map paints its regions now (the function the panel draws with).
    pub fn live_body_map(&self) -> Vec<super::body_map::RegionPaint> {
        super::body_map_live::live_paints(&self.live, &self.training)
    }

    /// The live symmetry index of the applied setup's left/right pairs.
    pub fn live_symmetry(&self) -> Vec<super::body_map_live::LiveSymmetry> {
        super::body_map_live::live_symmetry(&self.live, self.training.setup.as_ref())
    }

    /// Rep counters per pair (reps of the agonist, with each rep's co-contraction).
    pub fn live_reps(&self) -> &[crate::training::live_reps::LiveReps] {
        &self.live.reps
    }

    /// The latest signal-quality judgement per channel (empty during the first second).
    pub fn quality(&self) -> &[crate::dsp::quality::ChannelQuality] {
        &self.live.quality
    }

    /// The user's profile.
    pub fn profile(&self) -> &Profile {
        &self.prefs.profile
    }

    /// Stream time of the newest processed frame, s.
    pub fn stream_time_s(&self) -> f64 {
        self.live.history.latest_sample as f64 / self.engine.info().sample_rate
    }

    /// Per-muscle settings.
    pub fn muscles(&self) -> &[MuscleSettings] {
        &self.live.muscles
    }

    /// Sets a muscle's target line (uV; negative values become 0).
    pub fn set_target(&mut self, channel: usize, target_uv: f32) {
        self.live.set_target(channel, target_uv);
    }

    /// Per-pair settings.
    pub fn pairs(&self) -> &[PairSettings] {
        &self.live.pairs
    }

    /// The live history.
    pub fn history(&self) -> &LiveHistory {
        &self.live.history
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Samples per second actually received (per channel).
    pub fn received_rate(&self) -> f64 {
        self.live.received_rate()
    }

    /// Whether a pair's agonist is working: only then does the antagonist ratio mean anything.
    pub fn agonist_active(&self, pair: usize) -> bool {
        self.live.agonist_active(pair)
    }

    /// Whether a pair's readout is in the warning state: the agonist works and the antagonist ratio is above
    /// the limit.
    pub fn pair_warning(&self, pair: usize) -> bool {
        self.live.pair_warning(pair)
    }
}
