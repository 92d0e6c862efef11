//! The plan of a set as the session records it: which channel is the target, which one competes with it,
//! the target line, the limit, the mode and the tempo. It travels on the set-start marker in the sidecar,
//! so the set summary can be computed again from the recording alone, anywhere, with the same result.

use super::rules::{
    DEFAULT_HOLD_S, DEFAULT_RATIO_LIMIT, DEFAULT_TARGET_PCT_MVC, DEFAULT_TARGET_UV,
};
use super::setup::{Role, Tempo};
use super::share::DEFAULT_SHARE_LIMIT_PCT;
use serde::{Deserialize, Serialize};

/// What kind of set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetMode {
    /// Reps with a tempo guide.
    #[default]
    Reps,
    /// An isometric hold against a timer.
    Hold,
}

/// Everything the set summary needs besides the samples.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetPlan {
    /// The exercise's name ("Free training" without a setup).
    pub exercise: String,
    /// Channel of the target muscle.
    pub target: usize,
    /// Channel of the competing muscle (antagonist or synergist), if one is recorded.
    pub competing: Option<usize>,
    /// How the competing muscle competes: [`Role::Antagonist`] (ratio and CCI) or [`Role::Synergist`] (the
    /// target's share of the work). Plans recorded before synergists existed read as antagonists.
    #[serde(default = "antagonist")]
    pub competing_role: Role,
    /// The target line, uV.
    pub target_level_uv: f64,
    /// The target line in %MVC, when the target muscle was calibrated.
    #[serde(default)]
    pub target_pct_mvc: Option<f64>,
    /// Competing/target mean envelope ratio above which a rep is not good.
    pub ratio_limit: f64,
    /// With a synergist: the target's share of the work (%) below which a rep is not good.
    #[serde(default = "default_share_limit_pct")]
    pub share_limit_pct: f64,
    /// Reps or hold.
    #[serde(default)]
    pub mode: SetMode,
    /// The rep tempo.
    #[serde(default)]
    pub tempo: Tempo,
    /// Length of a hold, s.
    #[serde(default = "default_hold_s")]
    pub hold_s: f64,
}

fn default_hold_s() -> f64 {
    DEFAULT_HOLD_S
}

fn antagonist() -> Role {
    Role::Antagonist
}

fn default_share_limit_pct() -> f64 {
    DEFAULT_SHARE_LIMIT_PCT
}

impl SetPlan {
    /// The plan assumed for a set recorded without one (a format-1 session, or a plain WAV with markers):
    /// the first pair's agonist is the target and its antagonist competes (channel 0 alone without pairs),
    /// the line is the default %MVC of a calibrated target or the default line in uV, the default limit.
    pub fn assumed(pairs: &[(usize, usize)], mvc_uv: &[Option<f64>]) -> Self {
        let (target, competing) = match pairs.first() {
            Some(&(a, b)) => (a, Some(b)),
            None => (0, None),
        };
        let mvc = mvc_uv
            .get(target)
            .copied()
            .flatten()
            .filter(|m| m.is_finite() && *m > 0.0);
        Self {
            exercise: "Free training".into(),
            target,
            competing,
            competing_role: Role::Antagonist,
            target_level_uv: mvc.map_or(DEFAULT_TARGET_UV, |m| {
                super::rules::target_line_uv(DEFAULT_TARGET_PCT_MVC, m)
            }),
            target_pct_mvc: mvc.map(|_| DEFAULT_TARGET_PCT_MVC),
            ratio_limit: DEFAULT_RATIO_LIMIT,
            share_limit_pct: DEFAULT_SHARE_LIMIT_PCT,
            mode: SetMode::Reps,
            tempo: Tempo::default(),
            hold_s: DEFAULT_HOLD_S,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumed_plan_follows_pairs_and_calibration() {
        let p = SetPlan::assumed(&[(2, 3)], &[None, None, Some(400.0), None]);
        assert_eq!((p.target, p.competing), (2, Some(3)));
        assert!((p.target_level_uv - 240.0).abs() < 1e-9);
        assert_eq!(p.target_pct_mvc, Some(DEFAULT_TARGET_PCT_MVC));
        let p = SetPlan::assumed(&[], &[]);
        assert_eq!((p.target, p.competing), (0, None));
        assert_eq!(p.target_level_uv, DEFAULT_TARGET_UV);
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<SetPlan>(&json).unwrap(), p);
    }

    #[test]
    fn the_competing_role_round_trips_and_old_plans_read_as_antagonists() {
        let mut p = SetPlan::assumed(&[(0, 1)], &[]);
        p.competing_role = Role::Synergist;
        p.share_limit_pct = 70.0;
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"competing_role\":\"Synergist\""), "{json}");
        assert_eq!(serde_json::from_str::<SetPlan>(&json).unwrap(), p);
        // A plan as format-2 sidecars wrote it before synergists existed.
        let old = r#"{"exercise": "Lateral raise", "target": 0, "competing": 1, "target_level_uv": 150.0,
            "ratio_limit": 0.3}"#;
        let p: SetPlan = serde_json::from_str(old).unwrap();
        assert_eq!(p.competing_role, Role::Antagonist);
        assert_eq!(p.share_limit_pct, DEFAULT_SHARE_LIMIT_PCT);
    }
}
