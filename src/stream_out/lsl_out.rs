//! Innervate's three LSL outlets: raw EMG, envelopes (RMS, %MVC, pair co-contraction) and markers, each
//! sample stamped from the sample clock anchored once to LSL's clock.

use super::EnvelopePoints as DisplayPoints;
use super::{OutputLayout, StreamClock};
use crate::block::SampleBlock;
use crate::lsl::{Lsl, LslError, Outlet, StreamSpec};

/// The outlets while LSL output is on.
pub struct LslPublisher {
    raw: Outlet,
    envelopes: Outlet,
    markers: Outlet,
    channels: usize,
    pairs: usize,
    stamps: Vec<f64>,
    values: Vec<f32>,
}

/// `source_id` of the raw stream; the envelope and marker streams add `/envelopes` and `/markers`.
pub fn source_id(layout: &OutputLayout) -> String {
    format!(
        "innervate:{}:{}ch:{}Hz",
        layout.source,
        layout.channel_names.len(),
        layout.sample_rate
    )
}

/// The three stream descriptions (raw, envelopes, markers) for a layout.
pub fn specs(layout: &OutputLayout) -> [StreamSpec; 3] {
    let id = source_id(layout);
    let acquisition = vec![
        ("manufacturer".to_string(), layout.manufacturer.clone()),
        ("model".to_string(), layout.source.clone()),
    ];
    let raw = StreamSpec {
        name: "Innervate EMG".into(),
        content_type: "EMG".into(),
        rate: layout.sample_rate,
        strings: false,
        source_id: id.clone(),
        channels: layout
            .channel_names
            .iter()
            .map(|n| [n.clone(), "microvolts".into(), "EMG".into()])
            .collect(),
        acquisition: acquisition.clone(),
        extra: vec![],
    };
    let mut env_channels = Vec::new();
    for n in &layout.channel_names {
        env_channels.push([
            format!("{n} RMS"),
            "microvolts".into(),
            "EMG envelope".into(),
        ]);
        env_channels.push([
            format!("{n} %MVC"),
            "percent MVC".into(),
            "EMG envelope".into(),
        ]);
    }
    for p in &layout.pair_names {
        env_channels.push([
            format!("{p} ratio"),
            "ratio".into(),
            "co-contraction".into(),
        ]);
        env_channels.push([
            format!("{p} CCI"),
            "percent".into(),
            "co-contraction".into(),
        ]);
    }
    let envelopes = StreamSpec {
        name: "Innervate Envelopes".into(),
        content_type: "EMG envelope".into(),
        rate: layout.display_rate,
        strings: false,
        source_id: format!("{id}/envelopes"),
        channels: env_channels,
        acquisition: acquisition.clone(),
        extra: vec![
            (
                "envelope".into(),
                format!("RMS over {} ms of the band-passed signal", layout.rms_ms),
            ),
            (
                "mvc".into(),
                "%MVC channels are NaN until the muscle is calibrated".into(),
            ),
        ],
    };
    let markers = StreamSpec {
        name: "Innervate Markers".into(),
        content_type: "Markers".into(),
        rate: 0.0,
        strings: true,
        source_id: format!("{id}/markers"),
        channels: vec![["marker".into(), "".into(), "Marker".into()]],
        acquisition,
        extra: vec![],
    };
    [raw, envelopes, markers]
}

impl LslPublisher {
    /// Opens the three outlets.
    pub fn open(lsl: &Lsl, layout: &OutputLayout) -> Result<Self, LslError> {
        let [raw, env, markers] = specs(layout);
        Ok(Self {
            raw: Outlet::create(lsl, &raw)?,
            envelopes: Outlet::create(lsl, &env)?,
            markers: Outlet::create(lsl, &markers)?,
            channels: layout.channel_names.len(),
            pairs: layout.pair_names.len(),
            stamps: Vec::with_capacity(crate::block::BLOCK_FRAMES),
            values: Vec::new(),
        })
    }

    /// Pushes a block of raw samples, each at its sample's LSL time.
    pub fn raw(&mut self, clock: &StreamClock, block: &SampleBlock) -> Result<(), LslError> {
        self.stamps.clear();
        self.stamps
            .extend((block.first_sample..block.end_sample()).map(|i| clock.at_sample(i)));
        self.raw.push_chunk(block.interleaved(), &self.stamps)
    }

    /// Pushes display points: per channel RMS and %MVC (NaN without a reference), per pair ratio and CCI.
    pub fn envelopes(
        &mut self,
        clock: &StreamClock,
        points: &DisplayPoints,
        mvc: &[Option<f64>],
    ) -> Result<(), LslError> {
        self.stamps.clear();
        self.values.clear();
        for p in 0..points.points {
            self.stamps
                .push(clock.at_time(points.first_time_s + p as f64 * points.step_s));
            for c in 0..self.channels {
                let e = points.envelope[c][p];
                self.values.push(e);
                let pct = match mvc.get(c).copied().flatten() {
                    Some(m) if m > 0.0 => (100.0 * e as f64 / m) as f32,
                    _ => f32::NAN,
                };
                self.values.push(pct);
            }
            for k in 0..self.pairs {
                self.values.push(points.ratio[k][p]);
                self.values.push(points.cci[k][p]);
            }
        }
        self.envelopes.push_chunk(&self.values, &self.stamps)
    }

    /// Pushes one marker at sample `at`'s LSL time.
    pub fn marker(&mut self, clock: &StreamClock, at: u64, text: &str) -> Result<(), LslError> {
        self.markers.push_marker(text, clock.at_sample(at))
    }
}
