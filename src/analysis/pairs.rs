//! Per agonist/antagonist pair: co-contraction over the recording, per window, per epoch and per burst of
//! the agonist; per left/right pair: the symmetry index.

use super::bursts::{ChannelBursts, burst_slice};
use super::pass::{PairPass, Pass};
use super::report::{ChannelReport, PairRep, PairReport, SymmetryReport};
use super::{AnalyzeOptions, normalised_symmetry};
use crate::dsp::MusclePair;
use crate::dsp::cocontraction::{falconer_winter, rudolph};

/// The report of one pair.
pub(super) fn pair_report(
    p: &MusclePair,
    ps: PairPass,
    pass: &Pass,
    bursts: &[ChannelBursts],
    names: &[String],
    options: &AnalyzeOptions,
) -> PairReport {
    let per_frame = |total: f64| {
        if pass.frames > 0 {
            total / pass.frames as f64
        } else {
            0.0
        }
    };
    PairReport {
        agonist: p.agonist,
        antagonist: p.antagonist,
        label: format!("{} / {}", names[p.antagonist], names[p.agonist]),
        falconer_winter_pct: falconer_winter(ps.total_ag, ps.total_ant),
        rudolph: per_frame(ps.total_rudolph),
        mean_ratio: per_frame(ps.total_ratio),
        falconer_winter_windows: ps.windows,
        falconer_winter_epochs: ps.epochs_fw,
        rudolph_epochs: ps.epochs_rudolph,
        reps: bursts[p.agonist]
            .found
            .iter()
            .map(|r| {
                let ag = burst_slice(pass, p.agonist, r, options);
                let ant = burst_slice(pass, p.antagonist, r, options);
                let i_ag: f64 = ag.iter().map(|v| *v as f64).sum();
                let i_ant: f64 = ant.iter().map(|v| *v as f64).sum();
                let rud: f64 = ag
                    .iter()
                    .zip(ant)
                    .map(|(a, b)| rudolph(*a as f64, *b as f64))
                    .sum();
                PairRep {
                    onset_s: r.onset_s,
                    offset_s: r.offset_s,
                    falconer_winter_pct: falconer_winter(i_ag, i_ant),
                    rudolph: if ag.is_empty() {
                        0.0
                    } else {
                        rud / ag.len() as f64
                    },
                }
            })
            .collect(),
    }
}

/// The symmetry of left/right pair (`l`, `r`): in %MVC when both sides are calibrated, else in uV.
pub(super) fn symmetry_report(l: usize, r: usize, channels: &[ChannelReport]) -> SymmetryReport {
    let (cl, cr) = (&channels[l], &channels[r]);
    let (symmetry_index_pct, unit) = normalised_symmetry(
        (cl.envelope_mean_uv, cl.mvc_uv),
        (cr.envelope_mean_uv, cr.mvc_uv),
    );
    SymmetryReport {
        left: l,
        right: r,
        label: format!("{} / {}", cl.name, cr.name),
        unit: unit.into(),
        symmetry_index_pct,
        epochs_pct: cl
            .epochs
            .iter()
            .zip(&cr.epochs)
            .map(|(a, b)| {
                normalised_symmetry(
                    (a.envelope_mean_uv, cl.mvc_uv),
                    (b.envelope_mean_uv, cr.mvc_uv),
                )
                .0
            })
            .collect(),
    }
}
