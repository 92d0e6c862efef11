//! An LSL stream as a source (`--lsl QUERY`): any device whose software publishes LSL feeds the same ring
//! and DSP chain as a board. The stream's channel labels become the muscle names; the sender's timestamps
//! find gaps (marked like board drops); a non-finite sample is a counted gap, never fed to the filters; a
//! stream that goes away is waited for and picked up again by its `source_id` (liblsl's own recovery), the
//! time away marked as a gap. A marker stream on the same host (or `--lsl-markers QUERY`) becomes the
//! session's markers.

use super::reader::{ReaderHandle, push_live};
use super::{SourceError, SourceKind, StreamInfo};
use crate::block::{MAX_CHANNELS, SampleBlock};
use crate::lsl::{Inlet, Lsl, StreamDescription};
use crate::stats::{LinkState, LinkStats};
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// Slowest and fastest nominal rates accepted, Hz (the chain's 20-450 Hz band needs at least ~1 kHz to be
/// whole; below 200 Hz there is too little of it to be EMG).
pub const RATE_RANGE: (f64, f64) = (200.0, 20_000.0);
/// Silence after which the stream counts as gone (the status line says so).
pub const SILENCE_LIMIT: Duration = Duration::from_secs(2);
/// Markers the queue to the DSP thread holds.
const MARKER_QUEUE: usize = 256;
/// Seconds liblsl buffers for us.
const INLET_BUFFER_S: i32 = 10;

/// Where to find the stream.
#[derive(Clone, Debug, PartialEq)]
pub struct LslConfig {
    /// A stream name, or a predicate such as `type='EMG'`.
    pub query: String,
    /// A marker stream's query; `None` looks for one on the data stream's host.
    pub markers: Option<String>,
    /// How long to look, s.
    pub wait_s: f64,
}

/// A connected LSL stream, ready for the reader thread.
pub struct LslSource {
    inlet: Inlet,
    markers: Option<Inlet>,
    info: StreamInfo,
    marker_tx: Sender<(u64, String)>,
    marker_rx: Option<Receiver<(u64, String)>>,
}

/// Why a stream cannot be an EMG source, in plain words (`None` when it fits).
pub fn unfit(d: &StreamDescription) -> Option<String> {
    if !d.is_numeric() {
        return Some(format!("its values are {} (numbers are needed)", d.format));
    }
    if d.channels == 0 || d.channels > MAX_CHANNELS {
        return Some(format!(
            "it has {} channels (1 to {MAX_CHANNELS} are supported)",
            d.channels
        ));
    }
    if d.rate <= 0.0 {
        return Some("its rate is irregular (EMG needs a fixed sample rate)".into());
    }
    if !(RATE_RANGE.0..=RATE_RANGE.1).contains(&d.rate) {
        return Some(format!(
            "its rate is {} Hz ({} to {} Hz are supported)",
            d.rate, RATE_RANGE.0, RATE_RANGE.1
        ));
    }
    None
}

fn err(m: String) -> SourceError {
    SourceError::Config(m)
}

impl LslSource {
    /// Finds the stream, checks that it fits, connects, and finds its marker stream.
    pub fn connect(config: &LslConfig) -> Result<Self, SourceError> {
        let lsl = Lsl::load().map_err(|e| err(e.to_string()))?;
        let pred = crate::lsl::inlet_predicate(&config.query);
        let found = crate::lsl::resolve(&lsl, Some(&config.query), config.wait_s);
        let Some(first) = found.first() else {
            return Err(err(format!(
                "no LSL stream matches `{}` (looked for {:.0} s; `innervate lsl-streams` or Connect > Find \
                 streams lists them)",
                config.query, config.wait_s
            )));
        };
        if let Some(why) = unfit(first) {
            return Err(err(format!(
                "LSL stream `{}` cannot be used: {why}",
                first.name
            )));
        }
        let inlet = Inlet::open(
            &lsl,
            &first.again_predicate(),
            config.wait_s,
            INLET_BUFFER_S,
        )
        .map_err(|e| err(format!("{e} ({pred})")))?;
        let d = inlet.description().clone();
        let markers = match &config.markers {
            Some(q) => {
                let m = Inlet::open(
                    &lsl,
                    &crate::lsl::inlet_predicate(q),
                    config.wait_s,
                    INLET_BUFFER_S,
                )
                .map_err(|e| err(format!("marker stream: {e}")))?;
                if m.description().format != "string" {
                    return Err(err(format!(
                        "marker stream `{}` carries {}, not strings",
                        m.description().name,
                        m.description().format
                    )));
                }
                Some(m)
            }
            None => {
                // Innervate's own marker outlet is left out, so publishing and reading never loop.
                let same_host = format!(
                    "type='Markers' and hostname='{}' and not(starts-with(source_id,'innervate:'))",
                    d.host.replace('\'', "")
                );
                // Returns as soon as one is there; the wait only costs when there is none.
                let found = crate::lsl::resolve(&lsl, Some(&same_host), 1.5);
                match found.iter().find(|m| m.format == "string") {
                    Some(m) => Inlet::open(&lsl, &m.again_predicate(), 1.0, INLET_BUFFER_S).ok(),
                    None => None,
                }
            }
        };
        let channel_names = super::names_from_labels(&d.labels);
        let marker_note = markers
            .as_ref()
            .map(|m| format!(", markers from {}", m.description().name))
            .unwrap_or_default();
        let info = StreamInfo {
            description: format!(
                "LSL {} ({}) from {}{marker_note}",
                d.name, d.content_type, d.host
            ),
            kind: SourceKind::Lsl,
            sample_rate: d.rate,
            channel_names,
            pairs: super::adjacent_pairs(d.channels),
        };
        let (marker_tx, marker_rx) = crossbeam_channel::bounded(MARKER_QUEUE);
        Ok(Self {
            inlet,
            markers,
            info,
            marker_tx,
            marker_rx: Some(marker_rx),
        })
    }

    /// What the stream carries.
    pub fn info(&self) -> &StreamInfo {
        &self.info
    }

    /// The markers (stream sample index, text), once: the engine hands them to the DSP thread.
    pub fn take_markers(&mut self) -> Option<Receiver<(u64, String)>> {
        self.marker_rx.take()
    }
}

/// Starts the reader thread for a connected stream.
pub fn spawn_lsl_reader(
    source: LslSource,
    ring: rtrb::Producer<SampleBlock>,
    stats: Arc<LinkStats>,
    wake: Thread,
) -> std::io::Result<ReaderHandle> {
    super::reader::ReaderHandle::spawn("innervate-lsl-in", move |stop| {
        Puller::new(source, ring, stats, wake).run(stop)
    })
}

/// Turns the sender's timestamps into stream sample indices.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timeline {
    /// Stream index of the next sample.
    pub next: u64,
    /// Timestamp and index of the last sample seen.
    last: Option<(f64, u64)>,
}

impl Timeline {
    /// The index of a sample stamped `ts` at `fs` Hz and how many samples are missing before it: a step
    /// longer than the jitter allowance (two samples or 20 ms, whichever is more) is a gap of that length.
    pub fn place(&mut self, ts: f64, fs: f64) -> (u64, u64) {
        let mut missing = 0;
        if let Some((prev, _)) = self.last {
            let steps = ((ts - prev) * fs).round() - 1.0;
            let allowance = (0.02 * fs).max(2.0);
            if steps > allowance {
                missing = steps as u64;
            }
        }
        self.next += missing;
        let at = self.next;
        self.next += 1;
        self.last = Some((ts, at));
        (at, missing)
    }

    /// The stream index of a marker stamped `ts` (from the last sample's timestamp and index).
    pub fn index_of(&self, ts: f64, fs: f64) -> u64 {
        match self.last {
            Some((t, i)) => (i as f64 + ((ts - t) * fs).round()).max(0.0) as u64,
            None => 0,
        }
    }
}

struct Puller {
    source: LslSource,
    ring: rtrb::Producer<SampleBlock>,
    stats: Arc<LinkStats>,
    wake: Thread,
    channels: usize,
    fs: f64,
    block: SampleBlock,
    timeline: Timeline,
}

impl Puller {
    fn new(
        source: LslSource,
        ring: rtrb::Producer<SampleBlock>,
        stats: Arc<LinkStats>,
        wake: Thread,
    ) -> Self {
        let channels = source.info.channels();
        let fs = source.info.sample_rate;
        Self {
            source,
            ring,
            stats,
            wake,
            channels,
            fs,
            block: SampleBlock::new(0, channels),
            timeline: Timeline::default(),
        }
    }

    fn run(mut self, stop: &AtomicBool) {
        self.stats.set_state(LinkState::Streaming);
        // About 50 ms of samples per pull.
        let frames = ((self.fs * 0.05) as usize).max(16);
        let mut data = vec![0f32; frames * self.channels];
        let mut stamps = vec![0f64; frames];
        let mut last_data = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            // What is there now: liblsl's timed pull waits until its buffer is full, which would add up
            // to the timeout to every sample's latency; an empty pull sleeps a millisecond instead.
            let pulled = self.source.inlet.pull_chunk(&mut data, &mut stamps, 0.0);
            if pulled.frames == 0 {
                thread::sleep(Duration::from_millis(1));
            }
            if pulled.frames > 0 {
                if self.stats.state() == LinkState::Disconnected {
                    self.stats.reconnects.fetch_add(1, Ordering::Relaxed);
                    self.stats.set_notice(String::new());
                    self.stats.set_state(LinkState::Streaming);
                }
                last_data = Instant::now();
                for f in 0..pulled.frames {
                    self.sample(&data[f * self.channels..(f + 1) * self.channels], stamps[f]);
                }
                self.flush();
            } else if last_data.elapsed() > SILENCE_LIMIT
                && self.stats.state() == LinkState::Streaming
            {
                self.stats.set_state(LinkState::Disconnected);
                self.stats.set_notice(format!(
                    "LSL stream {} gone: waiting for it to come back",
                    self.source.inlet.description().name
                ));
            }
            if pulled.lost {
                // No source_id to recover by: the stream is over.
                self.stats.set_error(format!(
                    "LSL stream {} was lost (it has no source_id to reconnect by)",
                    self.source.inlet.description().name
                ));
                break;
            }
            self.markers();
        }
        self.flush();
        if self.stats.state() != LinkState::Failed {
            self.stats.set_state(LinkState::Ended);
        }
        self.wake.unpark();
    }

    fn sample(&mut self, frame: &[f32], ts: f64) {
        let (at, missing) = self.timeline.place(ts, self.fs);
        if missing > 0 || frame.iter().any(|v| !v.is_finite()) {
            // A gap (or a damaged sample, which becomes a one-sample gap): close the block there.
            self.flush();
        }
        if frame.iter().any(|v| !v.is_finite()) {
            self.stats.crc_errors.fetch_add(1, Ordering::Relaxed);
            self.block = SampleBlock::new(at + 1, self.channels);
            return;
        }
        if self.block.is_empty() {
            self.block.reset(at);
        }
        self.block.push_frame(frame);
        if self.block.is_full() {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.block.is_empty() {
            push_live(&mut self.ring, self.block, &self.stats);
            self.block = SampleBlock::new(self.timeline.next, self.channels);
        }
        self.wake.unpark();
    }

    fn markers(&mut self) {
        let Some(m) = self.source.markers.as_mut() else {
            return;
        };
        while let Some((text, ts)) = m.pull_marker(0.0) {
            let at = self.timeline.index_of(ts, self.fs);
            // A full queue (the DSP thread stalled) drops the marker rather than holding up samples.
            let _ = self.source.marker_tx.try_send((at, text));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_place_samples_and_find_gaps_beyond_the_jitter_allowance() {
        let fs = 2000.0;
        let mut t = Timeline::default();
        assert_eq!(t.place(10.0, fs), (0, 0));
        // 5 ms late: jitter, not a gap.
        assert_eq!(t.place(10.0 + 1.0 / fs + 0.005, fs), (1, 0));
        // 100 samples skipped.
        let ts = 10.0 + 0.005 + 102.0 / fs;
        assert_eq!(t.place(ts, fs), (102, 100));
        assert_eq!(t.index_of(ts + 10.0 / fs, fs), 112);
    }

    #[test]
    fn unfit_streams_are_refused_in_words() {
        let d = StreamDescription {
            name: "x".into(),
            content_type: "EMG".into(),
            channels: 4,
            rate: 2000.0,
            format: "float32",
            host: "h".into(),
            source_id: "s".into(),
            uid: "u".into(),
            labels: vec![],
        };
        assert_eq!(unfit(&d), None);
        let irregular = StreamDescription {
            rate: 0.0,
            ..d.clone()
        };
        assert!(unfit(&irregular).unwrap().contains("irregular"));
        let wide = StreamDescription {
            channels: 32,
            ..d.clone()
        };
        assert!(unfit(&wide).unwrap().contains("32 channels"));
        let text = StreamDescription {
            format: "string",
            ..d
        };
        assert!(unfit(&text).unwrap().contains("string"));
    }
}
