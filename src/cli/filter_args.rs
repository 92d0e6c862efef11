//! The processing chain's settings as `analyze` takes them: band-pass, notch and RMS window.

use clap::Args;
use innervate::dsp::DspConfig;

/// Band-pass, mains notch and RMS envelope settings.
#[derive(Args, Debug, Clone)]
pub struct FilterArgs {
    /// Band-pass lower edge, Hz.
    #[arg(long, default_value_t = 20.0)]
    low: f64,
    /// Band-pass upper edge, Hz (clamped to 0.45 x sample rate).
    #[arg(long, default_value_t = 450.0)]
    high: f64,
    /// Butterworth order of the band-pass.
    #[arg(long, default_value_t = 4)]
    order: usize,
    /// Mains frequency of the notch, Hz.
    #[arg(long, default_value_t = 50.0)]
    mains: f64,
    /// Notch quality factor.
    #[arg(long, default_value_t = 30.0)]
    q: f64,
    /// Turn the notch off.
    #[arg(long)]
    no_notch: bool,
    /// RMS window, ms.
    #[arg(long, default_value_t = 100.0)]
    rms_ms: f64,
}

impl FilterArgs {
    /// The chain's settings: these, and the defaults for everything else.
    pub fn dsp(&self) -> DspConfig {
        let mut dsp = DspConfig {
            bandpass_low_hz: self.low,
            bandpass_high_hz: self.high,
            bandpass_order: self.order,
            envelope_window_s: self.rms_ms / 1000.0,
            ..DspConfig::default()
        };
        dsp.notch.mains_hz = self.mains;
        dsp.notch.q = self.q;
        dsp.notch.enabled = !self.no_notch;
        dsp
    }
}
