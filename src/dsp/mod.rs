//! Signal processing: filter design, stateful causal filters, RMS envelopes, co-contraction.
//!
//! One implementation serves the live view, replay and offline analysis. Nothing here allocates per sample
//! or takes a lock; buffers are sized when a [`Processor`] is built.

pub mod bank;
pub mod cocontraction;
pub mod config;
pub mod design;
pub mod edges;
pub mod envelope;
pub mod fatigue;
pub mod hum;
pub mod moving_sum;
pub mod processor;
pub mod quality;
pub mod reps;
#[cfg(test)]
pub mod sos_filter;
pub mod spectrum;
pub mod transpose;

pub use cocontraction::CoContraction;
pub use config::{DspConfig, DspError, EffectiveDsp, NotchConfig};
pub use processor::{FrameOutput, MAX_PAIRS, Processor};

/// An agonist/antagonist pair, by channel index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MusclePair {
    /// The muscle meant to do the work.
    pub agonist: usize,
    /// The opposing muscle, which should stay quiet.
    pub antagonist: usize,
}
