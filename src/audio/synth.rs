//! A small oscillator bank: the tone (and its second voice), the warning buzz and a few one-shot slots.
//! Fixed size, allocation-free: rendering writes into the caller's buffer.

use super::cues::{Sound, Voices};
use crate::training::setup::Phase;

/// The output's sample rate, Hz (the render and the device alike).
pub const SAMPLE_RATE: u32 = 48_000;
/// One-shot slots: more sounds at once replace the oldest.
const SHOTS: usize = 8;
/// Time constant of the level smoothing (no clicks when a voice starts or stops), s.
const SMOOTH_S: f32 = 0.003;
/// One-shot attack, s.
const ATTACK_S: f32 = 0.002;
/// The warning's two close pitches (their beat makes it rough), Hz.
const WARN_HZ: [f32; 2] = [311.1, 329.6];

/// What a one-shot sounds like: two partials, a length, a loudness.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShotShape {
    /// First partial, Hz.
    pub hz: f32,
    /// Second partial, Hz (0: none).
    pub hz2: f32,
    /// Length, s.
    pub len_s: f32,
    /// Peak loudness, 0 to 1.
    pub amp: f32,
}

/// The shape of each one-shot.
pub fn shape(sound: Sound) -> ShotShape {
    let s = |hz, hz2, len_s, amp| ShotShape {
        hz,
        hz2,
        len_s,
        amp,
    };
    match sound {
        Sound::RepGood => s(1318.5, 1975.5, 0.18, 0.5),
        Sound::RepMissed => s(196.0, 146.8, 0.15, 0.6),
        Sound::Tick(Phase::Concentric) => s(1760.0, 0.0, 0.04, 0.5),
        Sound::Tick(Phase::Top) => s(1174.7, 0.0, 0.04, 0.35),
        Sound::Tick(Phase::Eccentric) => s(880.0, 0.0, 0.06, 0.5),
        Sound::Tick(Phase::Bottom) => s(659.3, 0.0, 0.04, 0.35),
        Sound::HoldSecond => s(1000.0, 0.0, 0.04, 0.45),
        Sound::HoldDone => s(659.3, 987.8, 0.6, 0.5),
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct Shot {
    start: u64,
    len: u64,
    hz: [f32; 2],
    amp: f32,
    phase: [f32; 2],
    active: bool,
}

/// The oscillator bank.
#[derive(Clone, Debug)]
pub struct Synth {
    rate: f32,
    frame: u64,
    tone_phase: f32,
    above_phase: f32,
    warn_phase: [f32; 2],
    tone_level: f32,
    above_level: f32,
    warn_level: f32,
    smooth: f32,
    shots: [Shot; SHOTS],
}

impl Default for Synth {
    fn default() -> Self {
        Self::new()
    }
}

impl Synth {
    /// A silent bank at [`SAMPLE_RATE`], at frame 0.
    pub fn new() -> Self {
        let rate = SAMPLE_RATE as f32;
        Self {
            rate,
            frame: 0,
            tone_phase: 0.0,
            above_phase: 0.0,
            warn_phase: [0.0; 2],
            tone_level: 0.0,
            above_level: 0.0,
            warn_level: 0.0,
            smooth: 1.0 - (-1.0 / (SMOOTH_S * rate)).exp(),
            shots: [Shot::default(); SHOTS],
        }
    }

    /// The next frame [`render`](Self::render) writes.
    pub fn frame(&self) -> u64 {
        self.frame
    }

    /// Moves to `frame` without rendering (after a gap in the stream); voices keep their state.
    pub fn skip_to(&mut self, frame: u64) {
        self.frame = self.frame.max(frame);
    }

    /// Schedules a one-shot to start at `at_frame` (now, if that has passed).
    pub fn trigger(&mut self, at_frame: u64, sound: Sound) {
        let sh = shape(sound);
        let slot = match self.shots.iter().position(|s| !s.active) {
            Some(k) => k,
            None => (0..SHOTS).min_by_key(|&k| self.shots[k].start).unwrap_or(0),
        };
        self.shots[slot] = Shot {
            start: at_frame.max(self.frame),
            len: ((sh.len_s * self.rate) as u64).max(1),
            hz: [sh.hz, sh.hz2],
            amp: sh.amp,
            phase: [0.0; 2],
            active: true,
        };
    }

    /// Renders `out.len()` frames from the current frame on, the continuous voices moving linearly from
    /// `from` to `to` across them. Samples are in -1..1 before `volume` (0 to 1).
    pub fn render(&mut self, from: Voices, to: Voices, volume: f32, out: &mut [f32]) {
        let n = out.len().max(1) as f32;
        let inv_rate = 1.0 / self.rate;
        for (i, o) in out.iter_mut().enumerate() {
            let x = (i + 1) as f32 / n;
            let hz = from.tone_hz + (to.tone_hz - from.tone_hz) * x;
            let target_level = from.tone_level + (to.tone_level - from.tone_level) * x;
            self.tone_level += (target_level - self.tone_level) * self.smooth;
            self.above_level += (to.above_level - self.above_level) * self.smooth;
            let warn = if to.warn { 1.0 } else { 0.0 };
            self.warn_level += (warn - self.warn_level) * self.smooth;
            let mut v = 0.0;
            if self.tone_level > 1e-4 || target_level > 0.0 {
                v += 0.35 * self.tone_level * sine(self.tone_phase);
                v += 0.12 * self.above_level * sine(self.above_phase);
            }
            advance(&mut self.tone_phase, hz * inv_rate);
            advance(&mut self.above_phase, 1.5 * hz * inv_rate);
            if self.warn_level > 1e-4 {
                v += 0.15 * self.warn_level * (sine(self.warn_phase[0]) + sine(self.warn_phase[1]));
            }
            for (p, hz) in self.warn_phase.iter_mut().zip(WARN_HZ) {
                advance(p, hz * inv_rate);
            }
            v += self.shots_sample(inv_rate);
            *o = (v * volume).clamp(-1.0, 1.0);
            self.frame += 1;
        }
    }

    fn shots_sample(&mut self, inv_rate: f32) -> f32 {
        let frame = self.frame;
        let attack = ATTACK_S * self.rate;
        let mut v = 0.0;
        for s in self
            .shots
            .iter_mut()
            .filter(|s| s.active && s.start <= frame)
        {
            let k = (frame - s.start) as f32;
            if frame - s.start >= s.len {
                s.active = false;
                continue;
            }
            // Linear attack, then an exponential fall to about -40 dB at the end.
            let env = (k / attack).min(1.0) * (-4.6 * k / s.len as f32).exp();
            let mut x = sine(s.phase[0]);
            if s.hz[1] > 0.0 {
                x = 0.6 * x + 0.4 * sine(s.phase[1]);
            }
            v += s.amp * env * x;
            for (p, hz) in s.phase.iter_mut().zip(s.hz) {
                advance(p, hz * inv_rate);
            }
        }
        v
    }
}

fn sine(phase: f32) -> f32 {
    (phase * std::f32::consts::TAU).sin()
}

fn advance(phase: &mut f32, cycles: f32) {
    *phase += cycles;
    *phase -= phase.floor();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_stays_silent_and_a_shot_starts_on_its_frame() {
        let mut s = Synth::new();
        let mut out = [1.0f32; 480];
        s.render(Voices::default(), Voices::default(), 1.0, &mut out);
        assert!(out.iter().all(|&x| x == 0.0));
        s.trigger(500, Sound::Tick(Phase::Concentric));
        let mut out = [0.0f32; 480];
        s.render(Voices::default(), Voices::default(), 1.0, &mut out);
        assert!(out[..20].iter().all(|&x| x == 0.0));
        assert!(out[21..40].iter().any(|&x| x.abs() > 0.01));
        assert_eq!(s.frame(), 960);
    }

    #[test]
    fn the_tone_sounds_at_its_pitch() {
        let mut s = Synth::new();
        let on = Voices {
            tone_hz: 480.0,
            tone_level: 1.0,
            above_level: 0.0,
            warn: false,
        };
        let mut out = vec![0.0f32; 4800];
        s.render(on, on, 1.0, &mut out);
        // 480 Hz at 48 kHz: 100 samples a cycle, so 46 rising zero crossings in the last 4600 samples.
        let ups = out[200..]
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
            .count();
        assert!((45..=47).contains(&ups), "{ups}");
    }
}
