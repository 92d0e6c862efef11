//! The cue logic, pure: display points (target and antagonist envelopes, the pair's ratio) in; the tone's
//! parameters and one-shot sounds out, each at an exact stream time. No clock, no device, no allocation
//! per point, so the same points always give the same sounds (the live output and `--audio-to` alike).
//!
//! - **tone**: silent while the target muscle is not working (below a quarter of its line, the rep rule's
//!   threshold); above it, a pitch rising with the envelope as a fraction of the line; past the line a
//!   second voice (a fifth up) joins, so crossing it is heard.
//! - **reps**: the live rep counter of the app ([`LiveReps`]) fed with the same points; a chime for each
//!   counted rep whose peak reached the line, a low knock for one that missed it, at the point where the
//!   counter knew.
//! - **warn**: while the target works and the antagonist's ratio is above its limit, a short buzz once a
//!   second (never a constant alarm), cut as soon as the ratio is back under.
//! - **tempo**: a tick at each phase boundary of the tempo (a different one per phase), placed at the
//!   boundary's exact time; for a hold, a tick each second from when the line was reached and a final tone.

use crate::dsp::MusclePair;
use crate::training::live_reps::LiveReps;
use crate::training::plan::SetMode;
use crate::training::rules;
use crate::training::setup::{ExerciseSetup, Phase, Role, Tempo};

/// Lowest tone (at the working threshold, a quarter of the line), Hz.
pub const TONE_LOW_HZ: f32 = 220.0;
/// Octaves the tone rises per target line of envelope (so the line itself sounds at 440 Hz... 880 Hz).
pub const OCTAVES_PER_LINE: f32 = 2.0;
/// Highest tone, Hz (envelopes far above the line stop rising here).
pub const TONE_HIGH_HZ: f32 = 1760.0;
/// A warning buzz lasts this long, s.
pub const WARN_ON_S: f64 = 0.15;
/// A warning buzz starts at most this often, s.
pub const WARN_EVERY_S: f64 = 1.0;

/// Which cues sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CueSet {
    /// The activation tone.
    pub tone: bool,
    /// A chime or knock per counted rep.
    pub reps: bool,
    /// The co-contraction warning.
    pub warn: bool,
    /// Tempo ticks and the hold countdown.
    pub tempo: bool,
}

impl Default for CueSet {
    fn default() -> Self {
        Self::ALL
    }
}

impl CueSet {
    /// Every cue.
    pub const ALL: CueSet = CueSet {
        tone: true,
        reps: true,
        warn: true,
        tempo: true,
    };
    /// No cue.
    pub const NONE: CueSet = CueSet {
        tone: false,
        reps: false,
        warn: false,
        tempo: false,
    };

    /// Parses a comma-separated list of `tone`, `reps`, `warn`, `tempo` (or `all`, `none`).
    pub fn parse(text: &str) -> Result<CueSet, String> {
        let mut set = CueSet::NONE;
        for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
            match word {
                "tone" => set.tone = true,
                "reps" => set.reps = true,
                "warn" => set.warn = true,
                "tempo" => set.tempo = true,
                "all" => set = CueSet::ALL,
                "none" => set = CueSet::NONE,
                other => {
                    return Err(format!(
                        "unknown cue `{other}`: choose from tone, reps, warn, tempo (or all, none)"
                    ));
                }
            }
        }
        Ok(set)
    }
}

/// What the cues follow: the setup's target muscle, line, limit and tempo.
#[derive(Clone, Debug, PartialEq)]
pub struct CuePlan {
    /// Channel of the target muscle.
    pub target: usize,
    /// Channel of its antagonist, if any (for the rep counter's co-contraction).
    pub antagonist: Option<usize>,
    /// Index of the (target, antagonist) pair in the stream's pairs, whose ratio the warning watches.
    pub pair: Option<usize>,
    /// The target line, uV.
    pub target_uv: f64,
    /// Antagonist/target ratio above which the warning sounds.
    pub ratio_limit: f64,
    /// Reps (tempo ticks) or a hold (countdown).
    pub mode: SetMode,
    /// The rep tempo.
    pub tempo: Tempo,
    /// Length of a hold, s.
    pub hold_s: f64,
    /// Stream time the tempo (or the hold's wait for the line) starts; `None`: no tempo cues.
    pub tempo_start_s: Option<f64>,
    /// The envelope's RMS window, s (for the rep counter's edges).
    pub rms_window_s: f64,
}

impl CuePlan {
    /// The plan without a setup: `target` at the default line, the default limit and tempo from stream
    /// time 0; `pair` is the stream pair whose agonist is `target`, if there is one.
    pub fn default_for(pairs: &[MusclePair], target: usize, rms_window_s: f64) -> CuePlan {
        let pair = pairs.iter().position(|p| p.agonist == target);
        CuePlan {
            target,
            antagonist: pair.map(|k| pairs[k].antagonist),
            pair,
            target_uv: rules::DEFAULT_TARGET_UV,
            ratio_limit: rules::DEFAULT_RATIO_LIMIT,
            mode: SetMode::Reps,
            tempo: Tempo::default(),
            hold_s: rules::DEFAULT_HOLD_S,
            tempo_start_s: Some(0.0),
            rms_window_s,
        }
    }
}

impl CuePlan {
    /// The plan of a saved exercise setup: its first pair's agonist is the target (else the channel with
    /// the target role, else channel 0), the line is the setup's %MVC of the target's MVC when it is
    /// calibrated (`mvc_uv` per channel), else the default line; its limit, mode, tempo and hold.
    pub fn from_setup(
        setup: &ExerciseSetup,
        pairs: &[MusclePair],
        mvc_uv: &[Option<f64>],
        rms_window_s: f64,
    ) -> CuePlan {
        let (target, antagonist) = match setup.pairs.first() {
            Some(&(a, b)) => (a, Some(b)),
            None => (
                setup
                    .channels
                    .iter()
                    .position(|c| c.role == Role::Target)
                    .unwrap_or(0),
                setup
                    .channels
                    .iter()
                    .position(|c| c.role == Role::Antagonist),
            ),
        };
        let mvc = mvc_uv
            .get(target)
            .copied()
            .flatten()
            .filter(|m| m.is_finite() && *m > 0.0);
        CuePlan {
            target,
            antagonist,
            pair: pairs
                .iter()
                .position(|p| p.agonist == target && Some(p.antagonist) == antagonist),
            target_uv: mvc.map_or(rules::DEFAULT_TARGET_UV, |m| {
                rules::target_line_uv(setup.target_pct_mvc, m)
            }),
            ratio_limit: setup.ratio_limit,
            mode: SetMode::Reps,
            tempo: setup.tempo,
            hold_s: setup.hold_s,
            tempo_start_s: Some(0.0),
            rms_window_s,
        }
    }
}

/// One-shot sounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sound {
    /// A counted rep that reached the line.
    RepGood,
    /// A counted rep whose peak stayed under the line.
    RepMissed,
    /// The start of a tempo phase.
    Tick(Phase),
    /// One more second of a hold.
    HoldSecond,
    /// The hold is done.
    HoldDone,
}

/// The continuous voices at one point.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Voices {
    /// Tone pitch, Hz (held while silent, so a fade keeps its pitch).
    pub tone_hz: f32,
    /// Tone loudness, 0 (silent) to 1.
    pub tone_level: f32,
    /// Loudness of the second voice (the envelope is over the line), 0 to 1.
    pub above_level: f32,
    /// The warning buzz sounds.
    pub warn: bool,
}

/// The tone's pitch for an envelope at `fraction` of the target line (monotonic, clamped).
pub fn tone_hz(fraction: f64) -> f32 {
    let octaves = (fraction - rules::ACTIVE_FRACTION).max(0.0) as f32 * OCTAVES_PER_LINE;
    (TONE_LOW_HZ * octaves.exp2()).min(TONE_HIGH_HZ)
}

/// The cue logic's state.
#[derive(Clone, Debug)]
pub struct CueEngine {
    plan: CuePlan,
    cues: CueSet,
    reps: LiveReps,
    voices: Voices,
    last_t: Option<f64>,
    /// When the last warning buzz started.
    pulse_at: Option<f64>,
    /// Next tempo boundary: (cycle start, phase index 0-3).
    next_tick: Option<(f64, usize)>,
    hold_reached: Option<f64>,
    hold_ticks: u32,
}

impl CueEngine {
    /// Cue logic for `plan` with `cues` switched on.
    pub fn new(plan: CuePlan, cues: CueSet) -> Self {
        let reps = LiveReps::new(
            rules::working_threshold_uv(plan.target_uv),
            plan.rms_window_s,
        );
        let next_tick = plan.tempo_start_s.filter(|s| s.is_finite()).map(|s| (s, 0));
        Self {
            plan,
            cues,
            reps,
            voices: Voices {
                tone_hz: TONE_LOW_HZ,
                ..Voices::default()
            },
            last_t: None,
            pulse_at: None,
            next_tick,
            hold_reached: None,
            hold_ticks: 0,
        }
    }

    /// The plan followed.
    pub fn plan(&self) -> &CuePlan {
        &self.plan
    }

    /// The cues switched on.
    pub fn cues(&self) -> CueSet {
        self.cues
    }

    /// Switches cues on or off from the next point on.
    pub fn set_cues(&mut self, cues: CueSet) {
        self.cues = cues;
    }

    /// Reps counted so far.
    pub fn rep_count(&self) -> usize {
        self.reps.count
    }

    /// The voices as of the last point.
    pub fn voices(&self) -> Voices {
        self.voices
    }

    /// Takes one display point at stream time `t`: the target's and antagonist's envelopes (uV) and the
    /// pair's ratio. One-shots due in `(previous point, t]` go to `sound(at_s, sound)` in time order;
    /// returns the continuous voices at `t`.
    pub fn push(
        &mut self,
        t: f64,
        target_uv: f64,
        antagonist_uv: f64,
        ratio: f64,
        sound: &mut impl FnMut(f64, Sound),
    ) -> Voices {
        if !t.is_finite() {
            return self.voices;
        }
        self.tempo_ticks(t, target_uv, sound);
        let before = self.reps.count;
        self.reps.push(t, target_uv, antagonist_uv);
        if self.reps.count > before
            && self.cues.reps
            && let Some(rep) = self.reps.last
        {
            let good = rep.peak_uv >= self.plan.target_uv;
            sound(
                t,
                if good {
                    Sound::RepGood
                } else {
                    Sound::RepMissed
                },
            );
        }
        let line = self.plan.target_uv;
        let working = rules::is_working(target_uv, line);
        let fraction = if line > 0.0 { target_uv / line } else { 0.0 };
        let tone_on = self.cues.tone && working;
        if tone_on {
            self.voices.tone_hz = tone_hz(fraction);
        }
        self.voices.tone_level = if tone_on {
            (0.4 + 0.6 * fraction.min(1.0) as f32).min(1.0)
        } else {
            0.0
        };
        self.voices.above_level = if tone_on && fraction >= 1.0 { 1.0 } else { 0.0 };
        let over = working && ratio.is_finite() && ratio > self.plan.ratio_limit;
        // A buzz starts at most once every WARN_EVERY_S and sounds only while the ratio stays over.
        let can_warn = self.cues.warn && self.plan.pair.is_some() && over;
        if can_warn && self.pulse_at.is_none_or(|s| t - s >= WARN_EVERY_S - 1e-9) {
            self.pulse_at = Some(t);
        }
        self.voices.warn = can_warn && self.pulse_at.is_some_and(|s| t - s < WARN_ON_S - 1e-9);
        self.last_t = Some(t);
        self.voices
    }

    /// Tempo ticks (or the hold countdown) due up to `t`.
    fn tempo_ticks(&mut self, t: f64, target_uv: f64, sound: &mut impl FnMut(f64, Sound)) {
        match self.plan.mode {
            SetMode::Reps => self.rep_ticks(t, sound),
            SetMode::Hold => self.hold_ticks(t, target_uv, sound),
        }
    }

    fn rep_ticks(&mut self, t: f64, sound: &mut impl FnMut(f64, Sound)) {
        let tempo = self.plan.tempo;
        let total = tempo.total_s();
        if !(total > 0.0 && total.is_finite()) {
            return;
        }
        let phases = [
            (Phase::Concentric, tempo.concentric_s),
            (Phase::Top, tempo.top_s),
            (Phase::Eccentric, tempo.eccentric_s),
            (Phase::Bottom, tempo.bottom_s),
        ];
        let Some((mut cycle, mut k)) = self.next_tick else {
            return;
        };
        // A stream that starts (or jumps) long after the tempo began: go straight to the current cycle.
        if t - cycle > 2.0 * total {
            cycle += ((t - cycle) / total).floor() * total;
            k = 0;
        }
        loop {
            let offset: f64 = phases[..k].iter().map(|&(_, d)| d.max(0.0)).sum();
            let (phase, d) = phases[k];
            let at = cycle + offset;
            if at > t {
                break;
            }
            if d > 0.0 && d.is_finite() && self.cues.tempo {
                sound(at, Sound::Tick(phase));
            }
            k += 1;
            if k == phases.len() {
                k = 0;
                cycle += total;
            }
        }
        self.next_tick = Some((cycle, k));
    }

    fn hold_ticks(&mut self, t: f64, target_uv: f64, sound: &mut impl FnMut(f64, Sound)) {
        let Some(start) = self.plan.tempo_start_s else {
            return;
        };
        if t < start {
            return;
        }
        if self.hold_reached.is_none() && target_uv >= self.plan.target_uv {
            self.hold_reached = Some(t);
        }
        let Some(reached) = self.hold_reached else {
            return;
        };
        let hold = self.plan.hold_s.max(0.0);
        let whole = hold.ceil() as u32;
        while self.hold_ticks < whole {
            let k = self.hold_ticks + 1;
            let at = reached + (k as f64).min(hold);
            if at > t {
                break;
            }
            self.hold_ticks = k;
            if self.cues.tempo {
                sound(
                    at,
                    if k == whole {
                        Sound::HoldDone
                    } else {
                        Sound::HoldSecond
                    },
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> CuePlan {
        CuePlan {
            target_uv: 100.0,
            ..CuePlan::default_for(
                &[MusclePair {
                    agonist: 0,
                    antagonist: 1,
                }],
                0,
                0.1,
            )
        }
    }

    fn run(engine: &mut CueEngine, points: &[(f64, f64, f64)]) -> (Vec<Voices>, Vec<(f64, Sound)>) {
        let mut sounds = Vec::new();
        let voices = points
            .iter()
            .map(|&(t, ag, ratio)| {
                engine.push(t, ag, ag * ratio, ratio, &mut |at, s| sounds.push((at, s)))
            })
            .collect();
        (voices, sounds)
    }

    #[test]
    fn a_setup_gives_its_target_line_limit_and_tempo() {
        use crate::training::presets::EXERCISES;
        let mut setup = ExerciseSetup::from_template(&EXERCISES[0]);
        setup.pairs = vec![(1, 0)];
        setup.ratio_limit = 0.5;
        setup.target_pct_mvc = 50.0;
        let pairs = [
            MusclePair {
                agonist: 0,
                antagonist: 1,
            },
            MusclePair {
                agonist: 1,
                antagonist: 0,
            },
        ];
        let p = CuePlan::from_setup(&setup, &pairs, &[None, Some(400.0)], 0.1);
        assert_eq!((p.target, p.antagonist, p.pair), (1, Some(0), Some(1)));
        assert!((p.target_uv - 200.0).abs() < 1e-9);
        assert_eq!((p.ratio_limit, p.tempo), (0.5, setup.tempo));
        // Uncalibrated: the default line.
        let p = CuePlan::from_setup(&setup, &pairs, &[], 0.1);
        assert_eq!(p.target_uv, rules::DEFAULT_TARGET_UV);
    }

    #[test]
    fn parses_cue_lists() {
        assert_eq!(
            CueSet::parse("tone,reps").unwrap(),
            CueSet {
                tone: true,
                reps: true,
                ..CueSet::NONE
            }
        );
        assert_eq!(CueSet::parse("all").unwrap(), CueSet::ALL);
        assert!(CueSet::parse("tone,bell").unwrap_err().contains("bell"));
    }

    #[test]
    fn tone_is_silent_at_rest_rises_with_the_envelope_and_gains_a_voice_past_the_line() {
        let mut e = CueEngine::new(
            plan(),
            CueSet {
                tone: true,
                ..CueSet::NONE
            },
        );
        let pts: Vec<_> = [5.0, 24.0, 30.0, 60.0, 99.0, 120.0]
            .iter()
            .enumerate()
            .map(|(k, &v)| (k as f64 * 0.01, v, 0.0))
            .collect();
        let (v, sounds) = run(&mut e, &pts);
        assert!(sounds.is_empty());
        assert_eq!((v[0].tone_level, v[1].tone_level), (0.0, 0.0));
        assert!(
            v[2].tone_hz < v[3].tone_hz
                && v[3].tone_hz < v[4].tone_hz
                && v[4].tone_hz < v[5].tone_hz
        );
        assert_eq!((v[4].above_level, v[5].above_level), (0.0, 1.0));
        assert!(v[2..].iter().all(|x| x.tone_level > 0.0 && !x.warn));
    }

    #[test]
    fn tempo_ticks_fall_on_each_phase_boundary_exactly() {
        let mut p = plan();
        p.tempo = Tempo {
            concentric_s: 1.0,
            top_s: 0.5,
            eccentric_s: 2.0,
            bottom_s: 0.0,
        };
        let mut e = CueEngine::new(
            p,
            CueSet {
                tempo: true,
                ..CueSet::NONE
            },
        );
        let pts: Vec<_> = (0..800).map(|k| (k as f64 * 0.01, 0.0, 0.0)).collect();
        let (_, sounds) = run(&mut e, &pts);
        let want = [
            (0.0, Phase::Concentric),
            (1.0, Phase::Top),
            (1.5, Phase::Eccentric),
            (3.5, Phase::Concentric),
            (4.5, Phase::Top),
            (5.0, Phase::Eccentric),
        ];
        assert_eq!(sounds.len(), 7, "{sounds:?}");
        for ((at, s), (w, ph)) in sounds.iter().zip(want) {
            assert!((at - w).abs() < 1e-9, "{at} vs {w}");
            assert_eq!(*s, Sound::Tick(ph));
        }
    }

    #[test]
    fn hold_counts_seconds_from_the_line_then_ends_with_a_tone() {
        let mut p = plan();
        p.mode = SetMode::Hold;
        p.hold_s = 3.0;
        let mut e = CueEngine::new(
            p,
            CueSet {
                tempo: true,
                ..CueSet::NONE
            },
        );
        let pts: Vec<_> = (0..600)
            .map(|k| (k as f64 * 0.01, if k >= 100 { 150.0 } else { 10.0 }, 0.0))
            .collect();
        let (_, sounds) = run(&mut e, &pts);
        let kinds: Vec<_> = sounds.iter().map(|&(_, s)| s).collect();
        assert_eq!(
            kinds,
            [Sound::HoldSecond, Sound::HoldSecond, Sound::HoldDone]
        );
        assert!((sounds[0].0 - 2.0).abs() < 1e-9 && (sounds[2].0 - 4.0).abs() < 1e-9);
    }

    #[test]
    fn warning_pulses_only_while_the_ratio_is_over_its_limit() {
        let mut e = CueEngine::new(
            plan(),
            CueSet {
                warn: true,
                ..CueSet::NONE
            },
        );
        // Working throughout; the ratio is over the 0.3 limit from 1 s to 3.5 s.
        let pts: Vec<_> = (0..500)
            .map(|k| {
                let t = k as f64 * 0.01;
                (t, 80.0, if (1.0..3.5).contains(&t) { 0.6 } else { 0.1 })
            })
            .collect();
        let (v, _) = run(&mut e, &pts);
        let on: Vec<f64> = pts
            .iter()
            .zip(&v)
            .filter(|(_, v)| v.warn)
            .map(|(p, _)| p.0)
            .collect();
        assert!(on.iter().all(|t| (1.0..3.5).contains(t)));
        // Three pulses (at 1, 2 and 3 s), each 150 ms (15 or 16 points): rate-limited, not a constant alarm.
        assert_eq!(on.len(), 45, "{on:?}");
        assert!(on.iter().any(|&t| t < 1.2) && on.iter().any(|&t| t > 3.0));
        assert!(!on.iter().any(|&t| (1.2..2.0).contains(&t)));
    }

    #[test]
    fn a_rep_that_misses_the_line_knocks_and_one_that_reaches_it_chimes() {
        let mut e = CueEngine::new(
            plan(),
            CueSet {
                reps: true,
                ..CueSet::NONE
            },
        );
        let level = |t: f64| match t {
            t if (1.0..2.0).contains(&t) => 150.0,
            t if (3.0..4.0).contains(&t) => 60.0,
            _ => 2.0,
        };
        let pts: Vec<_> = (0..600)
            .map(|k| (k as f64 * 0.01, level(k as f64 * 0.01), 0.0))
            .collect();
        let (_, sounds) = run(&mut e, &pts);
        let kinds: Vec<_> = sounds.iter().map(|&(_, s)| s).collect();
        assert_eq!(kinds, [Sound::RepGood, Sound::RepMissed]);
        assert_eq!(e.rep_count(), 2);
    }
}
