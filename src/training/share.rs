//! The target muscle's share of the work against a synergist that tends to take over (the upper trapezius
//! in a lateral raise, the biceps in a lat pulldown): `target / (target + synergist)`, in %MVC when both
//! muscles are calibrated and in microvolts before that (and then said so). An antagonist is judged by its
//! ratio and co-contraction index instead ([`crate::dsp::cocontraction`]); a synergist is expected to work,
//! so what matters is whether the target still does most of it.
//!
//! One implementation: the live gauge, the set summary (live and from a recording), review and the
//! activation drills all call [`target_share`].

use serde::{Deserialize, Serialize};

/// Default limit: the target muscle should do at least this share of the work, %.
pub const DEFAULT_SHARE_LIMIT_PCT: f64 = 60.0;

/// The unit the two activations were compared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareUnit {
    /// Both muscles calibrated: each activation as a percentage of its own MVC.
    PctMvc,
    /// At least one muscle not calibrated: raw envelopes in microvolts, which depend on electrode placement
    /// and skin, so the share is only a rough guide.
    Microvolts,
}

impl ShareUnit {
    /// Words for after the value: "in %MVC" or "share in µV, not calibrated".
    pub fn words(self) -> &'static str {
        match self {
            ShareUnit::PctMvc => "in %MVC",
            ShareUnit::Microvolts => "share in µV, not calibrated",
        }
    }
}

/// The target's share of the work.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    /// Target / (target + synergist), 0 to 100 %.
    pub pct: f64,
    /// What was compared.
    pub unit: ShareUnit,
}

impl Share {
    /// Whether the synergist is taking over: the share is below `limit_pct`.
    pub fn taking_over(&self, limit_pct: f64) -> bool {
        self.pct < limit_pct
    }
}

/// `Some(mvc)` when the MVC is finite and positive.
fn calibrated(mvc: Option<f64>) -> Option<f64> {
    mvc.filter(|m| m.is_finite() && *m > 0.0)
}

/// The target's share of the work from the two muscles' mean envelopes (uV) over the same span, and their
/// MVC references: in %MVC when both are calibrated, else in uV. `None` when either value is not finite or
/// both are zero (nothing to share). Negative envelopes count as 0.
pub fn target_share(
    target_uv: f64,
    synergist_uv: f64,
    target_mvc_uv: Option<f64>,
    synergist_mvc_uv: Option<f64>,
) -> Option<Share> {
    if !(target_uv.is_finite() && synergist_uv.is_finite()) {
        return None;
    }
    let (t, s) = (target_uv.max(0.0), synergist_uv.max(0.0));
    let (t, s, unit) = match (calibrated(target_mvc_uv), calibrated(synergist_mvc_uv)) {
        (Some(mt), Some(ms)) => (100.0 * t / mt, 100.0 * s / ms, ShareUnit::PctMvc),
        _ => (t, s, ShareUnit::Microvolts),
    };
    let total = t + s;
    (total > 0.0 && total.is_finite()).then(|| Share {
        pct: 100.0 * t / total,
        unit,
    })
}

/// The warning when a synergist takes over, naming it: "Upper trapezius taking over".
pub fn taking_over_words(synergist: &str) -> String {
    let name = synergist.trim();
    if name.is_empty() {
        "Synergist taking over".into()
    } else {
        format!("{name} taking over")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_is_target_over_both_in_pct_mvc_when_both_are_calibrated() {
        // 60 %MVC against 20 %MVC: 75 % of the work, whatever the raw microvolts.
        let s = target_share(300.0, 40.0, Some(500.0), Some(200.0)).unwrap();
        assert!((s.pct - 75.0).abs() < 1e-12, "{s:?}");
        assert_eq!(s.unit, ShareUnit::PctMvc);
        assert!(!s.taking_over(DEFAULT_SHARE_LIMIT_PCT));
        // The synergist doing more (in %MVC) than the target.
        let s = target_share(100.0, 150.0, Some(500.0), Some(200.0)).unwrap();
        assert!((s.pct - 20.0 / 95.0 * 100.0).abs() < 1e-9);
        assert!(s.taking_over(DEFAULT_SHARE_LIMIT_PCT));
    }

    #[test]
    fn before_calibration_the_share_is_in_microvolts_and_says_so() {
        for (mt, ms) in [
            (None, Some(200.0)),
            (Some(500.0), None),
            (Some(0.0), Some(f64::NAN)),
        ] {
            let s = target_share(300.0, 100.0, mt, ms).unwrap();
            assert!((s.pct - 75.0).abs() < 1e-12);
            assert_eq!(s.unit, ShareUnit::Microvolts);
        }
        assert!(ShareUnit::Microvolts.words().contains("not calibrated"));
    }

    #[test]
    fn nothing_to_share_or_bad_input_gives_none() {
        assert_eq!(target_share(0.0, 0.0, None, None), None);
        assert_eq!(target_share(-5.0, -1.0, None, None), None);
        assert_eq!(target_share(f64::NAN, 1.0, None, None), None);
        assert_eq!(target_share(1.0, f64::INFINITY, None, None), None);
        assert_eq!(target_share(10.0, 0.0, None, None).unwrap().pct, 100.0);
        assert_eq!(target_share(0.0, 10.0, None, None).unwrap().pct, 0.0);
        assert_eq!(target_share(1e308, 1e308, None, None), None);
    }

    #[test]
    fn the_warning_names_the_muscle() {
        assert_eq!(
            taking_over_words("Upper trapezius"),
            "Upper trapezius taking over"
        );
        assert_eq!(taking_over_words(" "), "Synergist taking over");
    }
}
