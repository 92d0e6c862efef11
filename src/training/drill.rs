//! Activation drills: the warm-up before the main work and flexing practice. The user contracts the target
//! muscle alone for a chosen time (for example 3 x 10 s with rests), guided by a countdown, the hold and the
//! rest; each hold is scored on how high and how steadily the target holds while the competing muscle stays
//! quiet ([`super::drill_score`]). Too much activation work before lifting tires the user, so a block of
//! drills is capped at a total time (default 10 minutes, [`DrillBlock`]) with a reminder when it is reached.
//!
//! A [`Drill`] is a pure state machine fed with stream time and envelope values (the live display points);
//! it draws nothing and keeps only sums per hold, so a drill of any length uses the same memory.

use super::drill_score::{DrillContext, DrillSummary, HoldAcc};
use serde::{Deserialize, Serialize};

/// Default cap on the drills of one block, s (10 minutes).
pub const DEFAULT_BLOCK_CAP_S: f64 = 600.0;

/// How a drill is run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrillConfig {
    /// Number of holds.
    pub holds: u32,
    /// Length of each hold, s.
    pub hold_s: f64,
    /// Rest between holds, s.
    pub rest_s: f64,
    /// Countdown before the first hold, s.
    pub countdown_s: f64,
}

impl Default for DrillConfig {
    /// 3 x 10 s holds with 10 s rests, after a 3 s countdown.
    fn default() -> Self {
        Self {
            holds: 3,
            hold_s: 10.0,
            rest_s: 10.0,
            countdown_s: 3.0,
        }
    }
}

impl DrillConfig {
    /// The whole drill, s: countdown, holds, and the rests between them.
    pub fn total_s(&self) -> f64 {
        self.countdown_s
            + self.holds as f64 * self.hold_s
            + self.holds.saturating_sub(1) as f64 * self.rest_s
    }

    /// Checks the numbers; the error is a sentence for the user.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=20).contains(&self.holds) {
            return Err(format!(
                "A drill needs 1 to 20 holds (it has {}).",
                self.holds
            ));
        }
        let within = |x: f64, lo: f64, hi: f64| x.is_finite() && (lo..=hi).contains(&x);
        if !within(self.hold_s, 2.0, 120.0) {
            return Err(format!(
                "A hold must last 2 to 120 s (it is {} s).",
                self.hold_s
            ));
        }
        if !within(self.rest_s, 0.0, 300.0) {
            return Err(format!(
                "A rest must last 0 to 300 s (it is {} s).",
                self.rest_s
            ));
        }
        if !within(self.countdown_s, 0.0, 30.0) {
            return Err(format!(
                "The countdown must last 0 to 30 s (it is {} s).",
                self.countdown_s
            ));
        }
        Ok(())
    }

    /// The phase `elapsed` seconds after the drill started, and the seconds left in it.
    pub fn phase_at(&self, elapsed: f64) -> (DrillPhase, f64) {
        let elapsed = if elapsed.is_finite() {
            elapsed.max(0.0)
        } else {
            0.0
        };
        if elapsed < self.countdown_s {
            return (DrillPhase::Countdown, self.countdown_s - elapsed);
        }
        let cycle = self.hold_s + self.rest_s;
        let since = elapsed - self.countdown_s;
        let i = if cycle > 0.0 {
            (since / cycle).floor() as u64
        } else {
            0
        };
        if i >= u64::from(self.holds) {
            return (DrillPhase::Done, 0.0);
        }
        let i = i as u32;
        let within = since - i as f64 * cycle;
        if within < self.hold_s {
            (DrillPhase::Hold(i), self.hold_s - within)
        } else if i + 1 < self.holds {
            (DrillPhase::Rest(i), cycle - within)
        } else {
            (DrillPhase::Done, 0.0)
        }
    }
}

/// Where a drill is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrillPhase {
    /// Get ready.
    Countdown,
    /// Hold number `n` (from 0): contract the target muscle alone.
    Hold(u32),
    /// Rest after hold `n` (from 0).
    Rest(u32),
    /// Finished (all holds done, stopped, or the block's cap reached).
    Done,
}

/// Why a drill ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillEnd {
    /// All holds done.
    Completed,
    /// The user stopped it.
    Stopped,
    /// The block's time cap was reached.
    Capped,
}

/// A drill in progress: feed it with [`Drill::push`], read [`Drill::status`], take [`Drill::summary`].
#[derive(Clone, Debug)]
pub struct Drill {
    config: DrillConfig,
    context: DrillContext,
    /// Seconds this drill may run before the block's cap is reached.
    cap_left_s: f64,
    /// Stream time of the first point, s.
    start_t: Option<f64>,
    /// Stream time of the newest point, s.
    now_t: f64,
    holds: Vec<HoldAcc>,
    end: Option<DrillEnd>,
}

/// What the screen shows of a drill.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrillStatus {
    /// The phase.
    pub phase: DrillPhase,
    /// Seconds left in the phase.
    pub remaining_s: f64,
    /// Seconds since the drill started.
    pub elapsed_s: f64,
    /// Why it ended, once it has.
    pub end: Option<DrillEnd>,
}

impl Drill {
    /// A drill that starts with its first point and may run `cap_left_s` seconds (what is left of the
    /// block's cap); `config` should have passed [`DrillConfig::validate`].
    pub fn new(config: DrillConfig, context: DrillContext, cap_left_s: f64) -> Self {
        Self {
            config,
            context,
            cap_left_s: if cap_left_s.is_nan() {
                0.0
            } else {
                cap_left_s.max(0.0)
            },
            start_t: None,
            now_t: 0.0,
            holds: (0..config.holds).map(|_| HoldAcc::default()).collect(),
            end: None,
        }
    }

    /// The drill's settings.
    pub fn config(&self) -> &DrillConfig {
        &self.config
    }

    /// Seconds since the first point.
    pub fn elapsed_s(&self) -> f64 {
        self.start_t.map_or(0.0, |s| (self.now_t - s).max(0.0))
    }

    /// Takes one envelope point: stream time `t` (s), the target's envelope and the competing muscle's
    /// (uV). Points out of time order or not finite are skipped; nothing happens once the drill ended.
    pub fn push(&mut self, t: f64, target_uv: f64, competing_uv: Option<f64>) {
        if self.end.is_some() || !t.is_finite() || self.start_t.is_some_and(|_| t < self.now_t) {
            return;
        }
        let start = *self.start_t.get_or_insert(t);
        self.now_t = t;
        let elapsed = t - start;
        if elapsed >= self.cap_left_s {
            self.end = Some(DrillEnd::Capped);
            return;
        }
        let (phase, left) = self.config.phase_at(elapsed);
        match phase {
            DrillPhase::Hold(i) => {
                let into = self.config.hold_s - left;
                if let Some(acc) = self.holds.get_mut(i as usize) {
                    acc.add(
                        t,
                        into,
                        self.config.hold_s,
                        target_uv,
                        competing_uv,
                        &self.context,
                    );
                }
            }
            DrillPhase::Done => self.end = Some(DrillEnd::Completed),
            DrillPhase::Countdown | DrillPhase::Rest(_) => {}
        }
    }

    /// Ends the drill now (the holds done so far are scored).
    pub fn stop(&mut self) {
        self.end.get_or_insert(DrillEnd::Stopped);
    }

    /// Whether the drill has ended.
    pub fn is_done(&self) -> bool {
        self.end.is_some()
    }

    /// Where the drill is.
    pub fn status(&self) -> DrillStatus {
        let elapsed = self.elapsed_s();
        let (phase, remaining_s) = match self.end {
            Some(_) => (DrillPhase::Done, 0.0),
            None => self.config.phase_at(elapsed),
        };
        DrillStatus {
            phase,
            remaining_s,
            elapsed_s: elapsed,
            end: self.end,
        }
    }

    /// The drill's score and numbers so far (final once it is done).
    pub fn summary(&self) -> DrillSummary {
        DrillSummary::from_holds(
            &self.config,
            &self.context,
            &self.holds,
            self.elapsed_s(),
            self.end.unwrap_or(DrillEnd::Stopped),
        )
    }
}

/// A block of drills with a cap on their total time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DrillBlock {
    /// The cap, s.
    pub cap_s: f64,
    /// Drill time spent in this block, s.
    pub used_s: f64,
}

impl Default for DrillBlock {
    fn default() -> Self {
        Self {
            cap_s: DEFAULT_BLOCK_CAP_S,
            used_s: 0.0,
        }
    }
}

impl DrillBlock {
    /// Seconds left before the cap.
    pub fn remaining_s(&self) -> f64 {
        let left = self.cap_s - self.used_s;
        if left.is_finite() { left.max(0.0) } else { 0.0 }
    }

    /// Counts a drill's time.
    pub fn add(&mut self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            self.used_s += seconds;
        }
    }

    /// Whether the cap is reached: time to move on to the main work.
    pub fn reached(&self) -> bool {
        self.remaining_s() <= 0.0
    }

    /// The reminder shown when the cap is reached.
    pub fn reminder(&self) -> String {
        format!(
            "{:.0} min of activation drills done: enough for this block. More activation work before \
             lifting tires the muscle; move on to the main work.",
            self.used_s / 60.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short() -> DrillConfig {
        DrillConfig {
            holds: 2,
            hold_s: 5.0,
            rest_s: 3.0,
            countdown_s: 2.0,
        }
    }

    #[test]
    fn the_phases_follow_countdown_hold_rest_hold_done() {
        let c = short();
        assert_eq!(c.total_s(), 15.0);
        assert_eq!(c.phase_at(0.0), (DrillPhase::Countdown, 2.0));
        assert_eq!(c.phase_at(2.0), (DrillPhase::Hold(0), 5.0));
        assert_eq!(c.phase_at(6.0), (DrillPhase::Hold(0), 1.0));
        assert_eq!(c.phase_at(7.0), (DrillPhase::Rest(0), 3.0));
        assert_eq!(c.phase_at(10.0), (DrillPhase::Hold(1), 5.0));
        assert_eq!(c.phase_at(15.0), (DrillPhase::Done, 0.0));
        assert_eq!(c.phase_at(1e9), (DrillPhase::Done, 0.0));
        assert_eq!(c.phase_at(f64::NAN), (DrillPhase::Countdown, 2.0));
        assert_eq!(c.phase_at(-4.0), (DrillPhase::Countdown, 2.0));
        assert_eq!(DrillConfig::default().total_s(), 3.0 + 30.0 + 20.0);
    }

    #[test]
    fn a_drill_runs_to_its_end_from_time_alone() {
        let mut d = Drill::new(short(), DrillContext::uncalibrated(100.0), 600.0);
        assert_eq!(d.status().phase, DrillPhase::Countdown);
        for k in 0..=1600 {
            let t = 50.0 + k as f64 * 0.01;
            d.push(t, 120.0, None);
            if (t - 53.0).abs() < 1e-9 {
                assert_eq!(d.status().phase, DrillPhase::Hold(0));
            }
        }
        assert!(d.is_done());
        let st = d.status();
        assert_eq!(
            (st.phase, st.end),
            (DrillPhase::Done, Some(DrillEnd::Completed))
        );
        assert!((st.elapsed_s - 15.0).abs() < 0.02, "{st:?}");
        // Pushing more changes nothing.
        d.push(80.0, 500.0, None);
        assert!((d.elapsed_s() - 15.0).abs() < 0.02);
        assert_eq!(d.summary().holds.len(), 2);
    }

    #[test]
    fn the_block_cap_ends_a_drill_and_reminds() {
        let mut block = DrillBlock {
            cap_s: 20.0,
            used_s: 0.0,
        };
        let mut first = Drill::new(
            short(),
            DrillContext::uncalibrated(100.0),
            block.remaining_s(),
        );
        for k in 0..2000 {
            first.push(k as f64 * 0.01, 120.0, None);
        }
        assert_eq!(first.status().end, Some(DrillEnd::Completed));
        block.add(first.elapsed_s());
        assert!(!block.reached());
        // Only about 5 s left: the second drill is cut in its first hold.
        let mut second = Drill::new(
            short(),
            DrillContext::uncalibrated(100.0),
            block.remaining_s(),
        );
        for k in 0..2000 {
            second.push(k as f64 * 0.01, 120.0, None);
        }
        assert_eq!(second.status().end, Some(DrillEnd::Capped));
        assert!((second.elapsed_s() - block.remaining_s()).abs() < 0.02);
        block.add(second.elapsed_s());
        assert!(block.reached());
        assert!(block.reminder().contains("move on to the main work"));
        // A full block starts no drill time at all.
        let mut third = Drill::new(
            short(),
            DrillContext::uncalibrated(100.0),
            block.remaining_s(),
        );
        third.push(0.0, 1.0, None);
        assert_eq!(third.status().end, Some(DrillEnd::Capped));
        assert_eq!(DrillBlock::default().cap_s, 600.0);
    }

    #[test]
    fn bad_points_and_configs_are_refused_not_panicked_on() {
        let mut d = Drill::new(short(), DrillContext::uncalibrated(100.0), f64::NAN);
        d.push(f64::NAN, 1.0, None);
        assert!(!d.is_done());
        d.push(1.0, f64::NAN, Some(f64::INFINITY));
        assert!(d.is_done(), "a NaN cap leaves no time");
        let mut d = Drill::new(short(), DrillContext::uncalibrated(100.0), 100.0);
        d.push(5.0, 1.0, None);
        d.push(4.0, 1.0, None);
        assert_eq!(d.elapsed_s(), 0.0, "earlier points are skipped");
        d.stop();
        assert_eq!(d.status().end, Some(DrillEnd::Stopped));
        assert_eq!(d.summary().score, 1);
        assert_eq!(DrillConfig::default().validate(), Ok(()));
        for (bad, words) in [
            (
                DrillConfig {
                    holds: 0,
                    ..short()
                },
                "1 to 20 holds",
            ),
            (
                DrillConfig {
                    hold_s: 1.0,
                    ..short()
                },
                "2 to 120 s",
            ),
            (
                DrillConfig {
                    rest_s: f64::NAN,
                    ..short()
                },
                "rest",
            ),
            (
                DrillConfig {
                    countdown_s: -1.0,
                    ..short()
                },
                "countdown",
            ),
        ] {
            let err = bad.validate().unwrap_err();
            assert!(err.contains(words), "{err}");
        }
        let mut block = DrillBlock::default();
        block.add(f64::NAN);
        block.add(-5.0);
        assert_eq!(block.used_s, 0.0);
    }
}
