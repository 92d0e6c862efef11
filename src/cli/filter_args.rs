//! The processing chain's settings as `analyze` takes them: band-pass, notch and RMS window. Each flag
//! overrides one setting; what is not given stays as the recording was processed (its sidecar), or at the
//! defaults for a plain WAV.

use clap::Args;
use innervate::dsp::DspConfig;

/// Band-pass, mains notch and RMS envelope settings.
#[derive(Args, Debug, Clone)]
pub struct FilterArgs {
    /// Band-pass lower edge, Hz [default: the session's, else 20].
    #[arg(long)]
    low: Option<f64>,
    /// Band-pass upper edge, Hz, clamped to 0.45 x sample rate [default: the session's, else 450].
    #[arg(long)]
    high: Option<f64>,
    /// Butterworth order of the band-pass [default: the session's, else 4].
    #[arg(long)]
    order: Option<usize>,
    /// Mains frequency of the notch, Hz [default: the session's, else 50].
    #[arg(long)]
    mains: Option<f64>,
    /// Notch quality factor [default: the session's, else 30].
    #[arg(long)]
    q: Option<f64>,
    /// Turn the notch off.
    #[arg(long)]
    no_notch: bool,
    /// RMS window, ms [default: the session's, else 100].
    #[arg(long)]
    rms_ms: Option<f64>,
}

impl FilterArgs {
    /// `base` with the settings given on the command line in place.
    pub fn apply(&self, base: &DspConfig) -> DspConfig {
        let mut dsp = base.clone();
        if let Some(v) = self.low {
            dsp.bandpass_low_hz = v;
        }
        if let Some(v) = self.high {
            dsp.bandpass_high_hz = v;
        }
        if let Some(v) = self.order {
            dsp.bandpass_order = v;
        }
        if let Some(v) = self.rms_ms {
            dsp.envelope_window_s = v / 1000.0;
        }
        if let Some(v) = self.mains {
            dsp.notch.mains_hz = v;
        }
        if let Some(v) = self.q {
            dsp.notch.q = v;
        }
        if self.no_notch {
            dsp.notch.enabled = false;
        }
        dsp
    }
}
