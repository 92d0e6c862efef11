//! Points to samples: the cue logic and the oscillator bank on the sample clock. Audio frame `n` is stream
//! time `n / SAMPLE_RATE`, so the same points always give the same samples, whether they go to the sound
//! card or to `--audio-to` (one renderer for both).

use super::cues::{CueEngine, CuePlan, CueSet, Voices};
use super::synth::{SAMPLE_RATE, Synth};
use crate::block::MAX_CHANNELS;
use crate::dsp::MAX_PAIRS;
use std::time::Instant;

/// Most points in one [`SoundPoints`] (the display chunk's size).
pub const POINTS: usize = 16;
/// Frames rendered per piece handed to the output.
const PIECE: usize = 240;
/// A jump in stream time longer than this (a gap) is skipped, not rendered, s.
const MAX_GAP_S: f64 = 1.0;

/// Which channels and pair the DSP thread hands to the sound thread (the plan's target, antagonist and
/// pair): only those, so the hand-off costs the DSP thread a few hundred bytes per block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SoundRoute {
    /// The target muscle's channel.
    pub target: usize,
    /// The antagonist's channel.
    pub antagonist: Option<usize>,
    /// The pair whose ratio the warning watches.
    pub pair: Option<usize>,
}

impl SoundRoute {
    /// The route a plan needs.
    pub fn of(plan: &CuePlan) -> Self {
        Self {
            target: plan.target,
            antagonist: plan.antagonist,
            pair: plan.pair,
        }
    }
}

/// Display points for the sound thread: the target's and antagonist's envelopes and the pair's ratio.
#[derive(Clone, Copy, Debug)]
pub struct SoundPoints {
    /// Stream time of point 0, s.
    pub first_time_s: f64,
    /// Time between points, s.
    pub step_s: f64,
    /// Points held.
    pub points: usize,
    /// The target muscle's envelope per point, uV.
    pub target: [f32; POINTS],
    /// The antagonist's envelope per point, uV (0 without one).
    pub antagonist: [f32; POINTS],
    /// The pair's antagonist/agonist ratio per point (0 without a pair).
    pub ratio: [f32; POINTS],
    /// Stream time of the newest processed frame, s.
    pub latest_time_s: f64,
    /// When the DSP thread handed the points over (for the latency figure); `None` offline.
    pub made_at: Option<Instant>,
}

impl SoundPoints {
    /// Gathers `route`'s rows from a display chunk's per-channel envelopes and per-pair ratios.
    pub fn gather(
        route: SoundRoute,
        first_time_s: f64,
        step_s: f64,
        points: usize,
        envelope: &[[f32; POINTS]; MAX_CHANNELS],
        ratio: &[[f32; POINTS]; MAX_PAIRS],
    ) -> Self {
        let zero = [0.0; POINTS];
        Self {
            first_time_s,
            step_s,
            points: points.min(POINTS),
            target: envelope.get(route.target).copied().unwrap_or(zero),
            antagonist: route
                .antagonist
                .and_then(|a| envelope.get(a).copied())
                .unwrap_or(zero),
            ratio: route
                .pair
                .and_then(|k| ratio.get(k).copied())
                .unwrap_or(zero),
            latest_time_s: first_time_s,
            made_at: None,
        }
    }

    /// Stream time of point `p`.
    pub fn time(&self, p: usize) -> f64 {
        self.first_time_s + p as f64 * self.step_s
    }
}

/// The cue logic and the synthesis, on the sample clock.
#[derive(Clone, Debug)]
pub struct Renderer {
    cues: CueEngine,
    synth: Synth,
    voices: Voices,
    volume: f32,
    above: bool,
    crossing_s: Option<f64>,
    buf: [f32; PIECE],
    pcm: [i16; PIECE],
}

impl Renderer {
    /// A renderer for `plan` with `cues` on, at `volume` (0 to 1), starting at stream time 0.
    pub fn new(plan: CuePlan, cues: CueSet, volume: f32) -> Self {
        let engine = CueEngine::new(plan, cues);
        let voices = engine.voices();
        Self {
            cues: engine,
            synth: Synth::new(),
            voices,
            volume: volume.clamp(0.0, 1.0),
            above: false,
            crossing_s: None,
            buf: [0.0; PIECE],
            pcm: [0; PIECE],
        }
    }

    /// The cue logic.
    pub fn cues(&self) -> &CueEngine {
        &self.cues
    }

    /// Switches cues from the next point on.
    pub fn set_cues(&mut self, cues: CueSet) {
        self.cues.set_cues(cues);
    }

    /// Changes the loudness (0 to 1) from the next point on.
    pub fn set_volume(&mut self, volume: f32) {
        self.volume = if volume.is_finite() {
            volume.clamp(0.0, 1.0)
        } else {
            0.0
        };
    }

    /// Follows a new plan (a set started or the setup changed); sounds already playing finish.
    pub fn set_plan(&mut self, plan: CuePlan) {
        let cues = self.cues.cues();
        self.cues = CueEngine::new(plan, cues);
    }

    /// The next audio frame to be rendered.
    pub fn frame(&self) -> u64 {
        self.synth.frame()
    }

    /// The stream time of the latest upward crossing of the target line not yet taken.
    pub fn take_crossing(&mut self) -> Option<f64> {
        self.crossing_s.take()
    }

    /// Renders up to every point of `pts`, handing 16-bit mono samples to `sink` in order.
    pub fn feed(&mut self, pts: &SoundPoints, sink: &mut impl FnMut(&[i16])) {
        for p in 0..pts.points.min(POINTS) {
            self.push_point(
                pts.time(p),
                pts.target[p] as f64,
                pts.antagonist[p] as f64,
                pts.ratio[p] as f64,
                sink,
            );
        }
    }

    /// Renders up to one point at stream time `t`: target and antagonist envelopes (uV) and the ratio.
    pub fn push_point(
        &mut self,
        t: f64,
        target_uv: f64,
        antagonist_uv: f64,
        ratio: f64,
        sink: &mut impl FnMut(&[i16]),
    ) {
        if !t.is_finite() || t < 0.0 {
            return;
        }
        let end = (t * SAMPLE_RATE as f64).round() as u64;
        let start = self.synth.frame();
        if end <= start {
            return;
        }
        if (end - start) as f64 > MAX_GAP_S * SAMPLE_RATE as f64 && start > 0 {
            self.synth.skip_to(end - (0.01 * SAMPLE_RATE as f64) as u64);
        }
        let synth = &mut self.synth;
        let next = self
            .cues
            .push(t, target_uv, antagonist_uv, ratio, &mut |at, s| {
                synth.trigger((at.max(0.0) * SAMPLE_RATE as f64).round() as u64, s);
            });
        let above = target_uv >= self.cues.plan().target_uv;
        if above && !self.above {
            self.crossing_s = Some(t);
        }
        self.above = above;
        let from = self.voices;
        let first = self.synth.frame();
        let total = (end - first) as f32;
        while self.synth.frame() < end {
            let n = ((end - self.synth.frame()) as usize).min(PIECE);
            // The voices move linearly across the whole span, piece by piece.
            let x0 = (self.synth.frame() - first) as f32 / total;
            let x1 = (self.synth.frame() + n as u64 - first) as f32 / total;
            let a = lerp(from, next, x0);
            let b = lerp(from, next, x1);
            self.synth.render(a, b, self.volume, &mut self.buf[..n]);
            for (o, &x) in self.pcm[..n].iter_mut().zip(&self.buf[..n]) {
                *o = (x * i16::MAX as f32).round() as i16;
            }
            sink(&self.pcm[..n]);
        }
        self.voices = next;
    }
}

fn lerp(a: Voices, b: Voices, x: f32) -> Voices {
    Voices {
        tone_hz: a.tone_hz + (b.tone_hz - a.tone_hz) * x,
        tone_level: a.tone_level + (b.tone_level - a.tone_level) * x,
        above_level: b.above_level,
        warn: b.warn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_follow_the_sample_clock_and_the_same_points_give_the_same_samples() {
        let plan = CuePlan::default_for(
            &[crate::dsp::MusclePair {
                agonist: 0,
                antagonist: 1,
            }],
            0,
            0.1,
        );
        let render = || {
            let mut r = Renderer::new(plan.clone(), CueSet::ALL, 0.8);
            let mut out = Vec::new();
            for k in 1..=300 {
                let t = k as f64 * 0.01;
                let env = if (1.0..2.0).contains(&t) { 200.0 } else { 3.0 };
                r.push_point(t, env, 0.5 * env, 0.5, &mut |s| out.extend_from_slice(s));
            }
            out
        };
        let a = render();
        assert_eq!(a.len(), 3 * SAMPLE_RATE as usize);
        assert_eq!(a, render());
        assert!(a[60_000..90_000].iter().any(|&x| x.abs() > 1000));
    }
}
