//! The training rules, in one place: when a muscle counts as working, where a rep starts, and the defaults
//! a new muscle, pair or setup starts from. The live view, the set summary, review and `analyze` all read
//! them from here (docs/ARCHITECTURE.md, "One set summary").

/// Default target line for a muscle before calibration, uV.
pub const DEFAULT_TARGET_UV: f64 = 150.0;
/// Default target for a new setup and a freshly calibrated muscle, %MVC.
pub const DEFAULT_TARGET_PCT_MVC: f64 = 60.0;
/// Default competing/target mean envelope ratio above which a rep is not good and the live gauge warns.
pub const DEFAULT_RATIO_LIMIT: f64 = 0.3;
/// Default isometric hold, s.
pub const DEFAULT_HOLD_S: f64 = 10.0;

/// A muscle counts as working once its envelope reaches this fraction of its target line. This is also the
/// **rep rule**: a rep is a burst of the target muscle's envelope above `ACTIVE_FRACTION x target line`
/// (found by [`crate::dsp::reps::RepDetector`] with its defaults: at least 0.3 s long, ended after 0.1 s below),
/// live and in the set summary alike. The line is the user's own, so the count follows what they see.
pub const ACTIVE_FRACTION: f64 = 0.25;

/// The envelope level (uV) at which a muscle with target line `target_uv` counts as working and a rep
/// starts; infinite (never) without a positive, finite line.
pub fn working_threshold_uv(target_uv: f64) -> f64 {
    if target_uv.is_finite() && target_uv > 0.0 {
        ACTIVE_FRACTION * target_uv
    } else {
        f64::INFINITY
    }
}

/// Whether a muscle whose envelope is `envelope_uv` is working against its target line `target_uv`.
pub fn is_working(envelope_uv: f64, target_uv: f64) -> bool {
    envelope_uv >= working_threshold_uv(target_uv)
}

/// The target line in uV for a target of `pct_mvc` %MVC on a muscle whose MVC is `mvc_uv`.
pub fn target_line_uv(pct_mvc: f64, mvc_uv: f64) -> f64 {
    pct_mvc / 100.0 * mvc_uv
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_starts_at_a_quarter_of_the_line_and_never_without_one() {
        assert!(is_working(25.0, 100.0));
        assert!(!is_working(24.9, 100.0));
        assert!(!is_working(1e9, 0.0));
        assert!(!is_working(1e9, f64::NAN));
        assert!((target_line_uv(60.0, 500.0) - 300.0).abs() < 1e-12);
    }
}
