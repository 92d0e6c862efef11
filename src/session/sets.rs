//! The sets a user marked in a session: each set-start marker up to the next set-end marker, with the plan
//! recorded on its start (or the plan assumed for sessions written before plans were recorded).

use super::sidecar::{MarkerKind, Sidecar};
use crate::training::plan::SetPlan;

/// One marked set, in WAV frames.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkedSet {
    /// The set's number in the session, from 1.
    pub number: usize,
    /// WAV frame of the set-start marker.
    pub start_frame: u64,
    /// WAV frame of the set-end marker; `None` when the recording ended first (the set runs to its end).
    pub end_frame: Option<u64>,
    /// The set's plan.
    pub plan: SetPlan,
    /// False when the session carried no plan and [`SetPlan::assumed`] stands in for it.
    pub plan_recorded: bool,
}

/// The marked sets of a session, in order. A start while a set is open ends that set there; an end with no
/// open set is ignored.
pub fn marked_sets(sidecar: &Sidecar) -> Vec<MarkedSet> {
    let pairs: Vec<(usize, usize)> = sidecar
        .pairs
        .iter()
        .map(|p| (p.agonist, p.antagonist))
        .collect();
    let assumed = || SetPlan::assumed(&pairs, &sidecar.meta.mvc_uv);
    let mut sets: Vec<MarkedSet> = Vec::new();
    let mut open: Option<MarkedSet> = None;
    for m in &sidecar.markers {
        match m.kind {
            MarkerKind::SetStart => {
                if let Some(mut s) = open.take() {
                    s.end_frame = Some(m.wav_frame);
                    sets.push(s);
                }
                open = Some(MarkedSet {
                    number: sets.len() + 1,
                    start_frame: m.wav_frame,
                    end_frame: None,
                    plan: m.plan.clone().unwrap_or_else(assumed),
                    plan_recorded: m.plan.is_some(),
                });
            }
            MarkerKind::SetEnd => {
                if let Some(mut s) = open.take() {
                    s.end_frame = Some(m.wav_frame.max(s.start_frame));
                    sets.push(s);
                }
            }
            MarkerKind::Rep | MarkerKind::User => {}
        }
    }
    sets.extend(open);
    sets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Marker;

    fn marker(frame: u64, kind: MarkerKind, plan: Option<SetPlan>) -> Marker {
        Marker {
            wav_frame: frame,
            time_s: frame as f64 / 1000.0,
            kind,
            text: String::new(),
            plan,
        }
    }

    /// A format-1 sidecar as that release wrote it (markers carried no plan).
    fn sidecar(markers: Vec<Marker>) -> Sidecar {
        let v = serde_json::json!({
            "format": "innervate-session", "format_version": 1, "app_version": "0.1.0",
            "start_time": "2026-11-30T10:00:00Z", "sample_rate_hz": 1000.0, "units": "uV",
            "channel_names": ["Biceps", "Triceps"], "pairs": [{"agonist": 0, "antagonist": 1}],
            "source": "simulated", "dsp": crate::dsp::DspConfig::default(),
            "dsp_effective": crate::dsp::DspConfig::default().effective(1000.0).unwrap(),
            "first_stream_sample": 0, "frames_written": 1000, "gaps": [], "markers": [],
            "mvc_uv": [400.0, null], "complete": true
        });
        let mut s: Sidecar = serde_json::from_value(v).unwrap();
        s.markers = markers;
        s
    }

    #[test]
    fn pairs_starts_with_ends_and_keeps_plans() {
        let mut plan = SetPlan::assumed(&[], &[]);
        plan.exercise = "Curl".into();
        let s = sidecar(vec![
            marker(10, MarkerKind::SetEnd, None),
            marker(100, MarkerKind::SetStart, Some(plan.clone())),
            marker(150, MarkerKind::User, None),
            marker(200, MarkerKind::SetEnd, None),
            marker(300, MarkerKind::SetStart, None),
            marker(400, MarkerKind::SetStart, None),
        ]);
        let sets = marked_sets(&s);
        assert_eq!(sets.len(), 3);
        assert_eq!((sets[0].start_frame, sets[0].end_frame), (100, Some(200)));
        assert_eq!(sets[0].plan, plan);
        assert!(sets[0].plan_recorded);
        assert_eq!((sets[1].start_frame, sets[1].end_frame), (300, Some(400)));
        assert!(!sets[1].plan_recorded);
        // The assumed plan: the first pair, the default %MVC of the calibrated target.
        assert_eq!((sets[1].plan.target, sets[1].plan.competing), (0, Some(1)));
        assert!((sets[1].plan.target_level_uv - 240.0).abs() < 1e-9);
        assert_eq!((sets[2].number, sets[2].end_frame), (3, None));
    }
}
