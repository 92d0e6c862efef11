//! The simulated board's workout: what each muscle does at each moment, as a pure function of time.
//!
//! Because it is pure, it is also the ground truth that tests compare the DSP against: the envelope, the
//! reps (onset/offset), which reps co-contract, and the spectral compression that models fatigue.
//!
//! One loop lasts [`LOOP_S`] seconds: rest, a dynamic set of [`REPS_PER_SET`] reps with a
//! concentric/top/eccentric/bottom tempo, rest, an isometric hold, rest.

/// Rest before the set, s.
pub const REST_BEFORE_SET_S: f64 = 3.0;
/// Reps in the dynamic set.
pub const REPS_PER_SET: usize = 8;
/// Concentric (lifting) phase, s.
pub const CONCENTRIC_S: f64 = 1.0;
/// Pause at the top, s.
pub const TOP_S: f64 = 0.5;
/// Eccentric (lowering) phase, s.
pub const ECCENTRIC_S: f64 = 2.0;
/// Pause at the bottom, s.
pub const BOTTOM_S: f64 = 0.5;
/// One rep, s.
pub const REP_S: f64 = CONCENTRIC_S + TOP_S + ECCENTRIC_S + BOTTOM_S;
/// The dynamic set, s.
pub const SET_S: f64 = REP_S * REPS_PER_SET as f64;
/// Rest between the set and the hold, s.
pub const REST_BEFORE_HOLD_S: f64 = 5.0;
/// Isometric hold, s.
pub const HOLD_S: f64 = 10.0;
/// Rest after the hold, s.
pub const REST_AFTER_HOLD_S: f64 = 5.0;
/// One loop of the workout, s.
pub const LOOP_S: f64 = REST_BEFORE_SET_S + SET_S + REST_BEFORE_HOLD_S + HOLD_S + REST_AFTER_HOLD_S;
/// Every this many reps the antagonist co-contracts (reps 3, 6, ... of a set).
pub const COCONTRACTION_EVERY: usize = 3;
/// Median-frequency compression reached at the end of the dynamic set (0.2 = 20 % lower).
pub const SET_FATIGUE: f64 = 0.20;
/// Median-frequency compression reached at the end of the hold.
pub const HOLD_FATIGUE: f64 = 0.25;
/// Activation level between reps (the muscle never fully relaxes under load).
const BETWEEN_REPS: f64 = 0.03;

/// Where in the workout a moment falls.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Segment {
    /// No load.
    Rest,
    /// Inside rep `index` (0-based within its set) of set `set`, `t` seconds after the rep started.
    Rep {
        /// Loop number (one set per loop).
        set: u64,
        /// Rep number within the set.
        index: usize,
        /// Seconds since the rep started.
        t: f64,
    },
    /// Inside the isometric hold, `t` seconds after it started.
    Hold {
        /// Seconds since the hold started.
        t: f64,
    },
}

/// A rep as the simulator performs it: the truth rep detection is judged against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RepTruth {
    /// Start of the concentric phase, s from stream start.
    pub onset_s: f64,
    /// End of the eccentric phase, s from stream start.
    pub offset_s: f64,
    /// Whether the antagonist co-contracts on this rep.
    pub co_contracted: bool,
}

/// Which segment time `t` (s, >= 0, already shifted for the muscle) falls in.
pub fn segment(t: f64) -> Segment {
    let t = t.max(0.0);
    let set = (t / LOOP_S).floor() as u64;
    let u = t - set as f64 * LOOP_S;
    let set_start = REST_BEFORE_SET_S;
    let hold_start = set_start + SET_S + REST_BEFORE_HOLD_S;
    if (set_start..set_start + SET_S).contains(&u) {
        let in_set = u - set_start;
        let index = ((in_set / REP_S).floor() as usize).min(REPS_PER_SET - 1);
        Segment::Rep {
            set,
            index,
            t: in_set - index as f64 * REP_S,
        }
    } else if (hold_start..hold_start + HOLD_S).contains(&u) {
        Segment::Hold { t: u - hold_start }
    } else {
        Segment::Rest
    }
}

/// Hermite smoothstep on [0, 1]: muscles ramp, they do not jump.
fn smooth(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * (3.0 - 2.0 * x)
}

/// A stable pseudo-random number in [0, 1) for a rep, so peaks vary from rep to rep but never between runs.
fn rep_jitter(set: u64, index: usize) -> f64 {
    let mut x = set.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (index as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Agonist activation in [0, 1] during a rep, `t` s into it, with peak `peak`.
fn rep_shape(t: f64, peak: f64) -> f64 {
    let top = CONCENTRIC_S;
    let ecc = top + TOP_S;
    let bottom = ecc + ECCENTRIC_S;
    if t < top {
        BETWEEN_REPS + (peak - BETWEEN_REPS) * smooth(t / CONCENTRIC_S)
    } else if t < ecc {
        peak - 0.2 * peak * (t - top) / TOP_S
    } else if t < bottom {
        0.8 * peak - 0.55 * peak * (t - ecc) / ECCENTRIC_S
    } else {
        let end = 0.25 * peak;
        end - (end - BETWEEN_REPS) * smooth((t - bottom) / 0.2)
    }
}

/// Whether rep `index` of a set makes the antagonist co-contract.
pub fn co_contracts(index: usize) -> bool {
    index % COCONTRACTION_EVERY == COCONTRACTION_EVERY - 1
}

/// Agonist activation (0..1) at time `t`.
pub fn agonist_activation(t: f64) -> f64 {
    match segment(t) {
        Segment::Rest => 0.0,
        Segment::Rep { set, index, t } => rep_shape(t, 0.8 + 0.15 * rep_jitter(set, index)),
        Segment::Hold { t } => {
            // Ramps in and out; recruitment rises as the muscle tires to keep the same force.
            let ramp = smooth(t / 0.3) * smooth((HOLD_S - t) / 0.3);
            ramp * (0.55 + 0.1 * t / HOLD_S + 0.02 * (2.0 * std::f64::consts::PI * 0.7 * t).sin())
        }
    }
}

/// Antagonist activation (0..1) at time `t`.
pub fn antagonist_activation(t: f64) -> f64 {
    match segment(t) {
        Segment::Rest => 0.0,
        Segment::Rep { index, .. } => {
            let ag = agonist_activation(t);
            if co_contracts(index) {
                0.6 * ag
            } else {
                0.03 + 0.1 * ag
            }
        }
        Segment::Hold { t } => 0.08 * smooth(t / 0.3) * smooth((HOLD_S - t) / 0.3),
    }
}

/// Spectral compression factor at `t` (1 = fresh; below 1 the spectrum, and so the median frequency,
/// shifts down in proportion). Recovers fully during rest.
pub fn spectral_scale(t: f64) -> f64 {
    let u = t.max(0.0) % LOOP_S;
    let set_start = REST_BEFORE_SET_S;
    let hold_start = set_start + SET_S + REST_BEFORE_HOLD_S;
    if (set_start..set_start + SET_S).contains(&u) {
        1.0 - SET_FATIGUE * (u - set_start) / SET_S
    } else if (hold_start..hold_start + HOLD_S).contains(&u) {
        1.0 - HOLD_FATIGUE * (u - hold_start) / HOLD_S
    } else {
        1.0
    }
}

/// Every rep that starts in `[from_s, to_s)` (times already shifted for the muscle).
pub fn reps_between(from_s: f64, to_s: f64) -> Vec<RepTruth> {
    let mut reps = Vec::new();
    if to_s <= from_s {
        return reps;
    }
    let first_loop = (from_s.max(0.0) / LOOP_S).floor() as u64;
    let last_loop = (to_s / LOOP_S).ceil() as u64;
    for l in first_loop..=last_loop {
        for index in 0..REPS_PER_SET {
            let onset = l as f64 * LOOP_S + REST_BEFORE_SET_S + index as f64 * REP_S;
            if onset >= from_s && onset < to_s {
                reps.push(RepTruth {
                    onset_s: onset,
                    offset_s: onset + CONCENTRIC_S + TOP_S + ECCENTRIC_S,
                    co_contracted: co_contracts(index),
                });
            }
        }
    }
    reps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_has_rest_set_and_hold() {
        assert_eq!(segment(1.0), Segment::Rest);
        assert!(matches!(
            segment(REST_BEFORE_SET_S + 0.1),
            Segment::Rep { index: 0, .. }
        ));
        assert!(matches!(
            segment(REST_BEFORE_SET_S + 2.0 * REP_S + 0.1),
            Segment::Rep { index: 2, .. }
        ));
        let hold = REST_BEFORE_SET_S + SET_S + REST_BEFORE_HOLD_S + 1.0;
        assert!(matches!(segment(hold), Segment::Hold { .. }));
        assert!(matches!(
            segment(LOOP_S + REST_BEFORE_SET_S + 0.1),
            Segment::Rep { set: 1, .. }
        ));
    }

    #[test]
    fn activation_is_continuous_and_bounded() {
        let mut prev = agonist_activation(0.0);
        let dt = 0.001;
        for i in 1..(2.0 * LOOP_S / dt) as usize {
            let a = agonist_activation(i as f64 * dt);
            assert!((0.0..=1.0).contains(&a));
            assert!((a - prev).abs() < 0.05, "jump at {}", i as f64 * dt);
            prev = a;
            assert!((0.0..=1.0).contains(&antagonist_activation(i as f64 * dt)));
        }
    }

    #[test]
    fn reps_and_cocontraction_truth() {
        let reps = reps_between(0.0, LOOP_S);
        assert_eq!(reps.len(), REPS_PER_SET);
        assert_eq!(reps.iter().filter(|r| r.co_contracted).count(), 2);
        assert!((reps[1].onset_s - reps[0].onset_s - REP_S).abs() < 1e-12);
    }
}
