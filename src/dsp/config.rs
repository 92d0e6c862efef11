//! Processing parameters, as the user sets them and as they take effect at a given sample rate.

use super::design::{self, Band, Sos};
use serde::{Deserialize, Serialize};

/// Mains-hum notch settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotchConfig {
    /// Whether the notch runs (it removes some real EMG power, so it is switchable).
    pub enabled: bool,
    /// Mains frequency, 50 or 60 Hz.
    pub mains_hz: f64,
    /// Quality factor.
    pub q: f64,
    /// Number of notches: the fundamental plus harmonics (1 = fundamental only).
    pub harmonics: u8,
}

impl Default for NotchConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            mains_hz: 50.0,
            q: 30.0,
            harmonics: 1,
        }
    }
}

/// Processing parameters (defaults from SENIAM practice, see docs/ARCHITECTURE.md section 7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DspConfig {
    /// Band-pass lower edge, Hz.
    pub bandpass_low_hz: f64,
    /// Band-pass upper edge, Hz (clamped to 0.45 fs for slow boards).
    pub bandpass_high_hz: f64,
    /// Butterworth order (a band-pass of order N has 2N poles).
    pub bandpass_order: usize,
    /// Mains notch.
    pub notch: NotchConfig,
    /// Trailing RMS window, s.
    pub envelope_window_s: f64,
    /// Falconer & Winter co-contraction window, s.
    pub cci_window_s: f64,
}

impl Default for DspConfig {
    fn default() -> Self {
        Self {
            bandpass_low_hz: 20.0,
            bandpass_high_hz: 450.0,
            bandpass_order: 4,
            notch: NotchConfig::default(),
            envelope_window_s: 0.1,
            cci_window_s: 0.5,
        }
    }
}

/// Parameters that cannot work.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum DspError {
    /// A filter could not be designed.
    #[error(transparent)]
    Design(#[from] design::DesignError),
    /// Something else out of range.
    #[error("invalid processing settings: {0}")]
    Invalid(String),
}

/// The parameters in force at one sample rate, with the designed filters: what gets reported with results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EffectiveDsp {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Filter family and application, for reporting.
    pub bandpass_type: String,
    /// Butterworth order.
    pub bandpass_order: usize,
    /// Lower edge, Hz.
    pub bandpass_low_hz: f64,
    /// Upper edge actually used, Hz (after the Nyquist clamp).
    pub bandpass_high_hz: f64,
    /// Notch centres in use (empty when off).
    pub notch_hz: Vec<f64>,
    /// Notch quality factor.
    pub notch_q: f64,
    /// Envelope method, for reporting.
    pub envelope_method: String,
    /// RMS window, samples.
    pub envelope_window_samples: usize,
    /// Co-contraction window, samples.
    pub cci_window_samples: usize,
    /// Band-pass sections.
    #[serde(skip)]
    pub bandpass_sos: Vec<Sos>,
    /// Notch sections (one per notch).
    #[serde(skip)]
    pub notch_sos: Vec<Sos>,
}

/// Lowest sample rate at which sEMG envelopes are offered, Hz: the band-pass upper edge is clamped to
/// 0.45 fs (112 Hz at 250 Hz), which still holds most of a muscle's power; below it too little is left.
pub const MIN_ENVELOPE_RATE_HZ: f64 = 250.0;

/// What a board's sample rate allows, in words for the user, or `None` when it allows everything
/// (envelopes from [`MIN_ENVELOPE_RATE_HZ`], spectra and fatigue from [`super::fatigue::MIN_RATE_HZ`]).
pub fn rate_note(fs: f64) -> Option<&'static str> {
    if fs < MIN_ENVELOPE_RATE_HZ {
        Some("Below 250 Hz: too slow for sEMG; envelopes are unreliable, no spectra or fatigue")
    } else if fs < super::fatigue::MIN_RATE_HZ {
        Some(
            "Below 1 kHz: envelopes only (band-pass edge clamped below Nyquist), no spectra or fatigue",
        )
    } else {
        None
    }
}

impl DspConfig {
    /// The upper band-pass edge used at `fs`: the setting, but below Nyquist with margin.
    pub fn effective_high_hz(&self, fs: f64) -> f64 {
        self.bandpass_high_hz.min(0.45 * fs)
    }

    /// Designs everything for sample rate `fs`.
    pub fn effective(&self, fs: f64) -> Result<EffectiveDsp, DspError> {
        if !(self.envelope_window_s > 0.0 && self.envelope_window_s <= 10.0) {
            return Err(DspError::Invalid(format!(
                "RMS window must be in (0, 10] s, got {}",
                self.envelope_window_s
            )));
        }
        if !(self.cci_window_s > 0.0 && self.cci_window_s <= 60.0) {
            return Err(DspError::Invalid(format!(
                "co-contraction window must be in (0, 60] s, got {}",
                self.cci_window_s
            )));
        }
        let high = self.effective_high_hz(fs);
        let bandpass_sos = design::butterworth(
            self.bandpass_order,
            Band::Bandpass(self.bandpass_low_hz, high),
            fs,
        )?;
        let mut notch_hz = Vec::new();
        let mut notch_sos = Vec::new();
        if self.notch.enabled {
            for k in 1..=self.notch.harmonics.max(1) {
                let f = self.notch.mains_hz * k as f64;
                if f < 0.45 * fs {
                    notch_sos.push(design::notch(f, self.notch.q, fs)?);
                    notch_hz.push(f);
                }
            }
        }
        Ok(EffectiveDsp {
            sample_rate_hz: fs,
            bandpass_type: "Butterworth band-pass, second-order sections, causal (forward only)"
                .into(),
            bandpass_order: self.bandpass_order,
            bandpass_low_hz: self.bandpass_low_hz,
            bandpass_high_hz: high,
            notch_hz,
            notch_q: self.notch.q,
            envelope_method: "full-wave rectified trailing RMS (zero before start)".into(),
            envelope_window_samples: super::envelope::window_len(self.envelope_window_s, fs),
            cci_window_samples: super::envelope::window_len(self.cci_window_s, fs),
            bandpass_sos,
            notch_sos,
        })
    }
}
