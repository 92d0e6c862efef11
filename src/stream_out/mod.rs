//! Outputs to other programs: the Lab Streaming Layer (raw EMG, envelopes, markers; [`lsl_out`]) and OSC
//! over UDP ([`osc`]). Off by default; nothing is opened on the network until the user turns one on.
//!
//! Like sound, the outputs run on their own thread fed by a bounded queue from the DSP thread, which
//! `try_send`s and counts what a full queue drops: acquisition never waits for the network.

pub mod lsl_out;
pub mod osc;

use crate::block::{MAX_CHANNELS, SampleBlock};
use crate::dsp::MAX_PAIRS;
use crate::lsl::{Lsl, LslError};
use crossbeam_channel::{Receiver, Sender};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Instant;

/// Messages the output thread's queue holds (about 10 s of blocks and display points at 2 kHz; its slots,
/// about 9 MB, are held while the outputs are on).
pub const OUTPUT_QUEUE: usize = 2048;
/// Most latency measurements kept (for `innervate bench lsl`); later ones are not kept.
const MAX_LATENCIES: usize = 200_000;

/// What the outputs need to know about the stream: names, rates, where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputLayout {
    /// The source in words (board, simulator, file); the raw stream's `desc/acquisition/model`.
    pub source: String,
    /// Who made the samples (`desc/acquisition/manufacturer`).
    pub manufacturer: String,
    /// Samples per second.
    pub sample_rate: f64,
    /// Display points per second (the envelope stream's rate).
    pub display_rate: f64,
    /// RMS window, ms.
    pub rms_ms: f64,
    /// Muscle name per channel.
    pub channel_names: Vec<String>,
    /// "agonist/antagonist" per pair.
    pub pair_names: Vec<String>,
    /// MVC reference per channel, uV.
    pub mvc_uv: Vec<Option<f64>>,
}

/// Which outputs to run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutputChoice {
    /// Publish the three LSL streams.
    pub lsl: bool,
    /// Send OSC bundles to this address at this many bundles per second.
    pub osc: Option<(SocketAddr, f64)>,
}

impl OutputChoice {
    /// True when nothing is on.
    pub fn is_off(&self) -> bool {
        !self.lsl && self.osc.is_none()
    }
}

/// Display points for the outputs: a copy of a display chunk's envelope and pair rows.
#[derive(Clone, Copy, Debug)]
pub struct EnvelopePoints {
    /// Stream time of point 0, s.
    pub first_time_s: f64,
    /// Time between points, s.
    pub step_s: f64,
    /// Points held.
    pub points: usize,
    /// RMS envelope per channel, uV.
    pub envelope: [[f32; 16]; MAX_CHANNELS],
    /// Antagonist/agonist ratio per pair.
    pub ratio: [[f32; 16]; MAX_PAIRS],
    /// Falconer & Winter index per pair, %.
    pub cci: [[f32; 16]; MAX_PAIRS],
}

/// What the DSP thread hands over. Blocks and points travel by value: the bounded queue holds its slots
/// from the start, so the DSP thread allocates nothing per block (as with the display's chunks).
#[expect(
    clippy::large_enum_variant,
    reason = "by value on purpose: a boxed block would be an allocation per block on the DSP thread"
)]
pub enum OutMsg {
    /// Raw samples, and when the DSP thread took them off the ring (their arrival).
    Block(SampleBlock, Instant),
    /// Display points (envelopes, pairs).
    Points(EnvelopePoints),
    /// A marker at stream sample `at`.
    Marker(u64, String),
    /// New MVC references (a calibration was saved).
    Mvc(Vec<Option<f64>>),
}

/// Stream time to LSL time: anchored once, when the first block arrives (its newest sample is "now").
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StreamClock {
    /// LSL time of sample 0, s.
    pub zero: f64,
    /// Samples per second.
    pub fs: f64,
}

impl StreamClock {
    /// LSL time of sample `i`.
    pub fn at_sample(&self, i: u64) -> f64 {
        self.zero + i as f64 / self.fs
    }

    /// LSL time of stream time `t` s.
    pub fn at_time(&self, t: f64) -> f64 {
        self.zero + t
    }
}

/// Counters the window and `bench` read.
#[derive(Debug, Default)]
pub struct OutputStatus {
    /// Messages a full queue dropped.
    pub dropped: AtomicU64,
    /// Raw samples pushed to LSL.
    pub lsl_samples: AtomicU64,
    /// OSC datagrams sent.
    pub osc_sent: AtomicU64,
    /// Arrival (DSP thread) to LSL push per block, us.
    latencies_us: Mutex<Vec<u32>>,
    /// The last error, in words.
    error: Mutex<Option<String>>,
}

impl OutputStatus {
    /// Arrival-to-push latencies measured so far, us.
    pub fn latencies_us(&self) -> Vec<u32> {
        self.latencies_us
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    /// The last error, if any.
    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }

    fn set_error(&self, e: String) {
        if let Ok(mut s) = self.error.lock() {
            *s = Some(e);
        }
    }
}

/// The running output thread.
pub struct OutputHandle {
    tx: Sender<OutMsg>,
    status: Arc<OutputStatus>,
    choice: OutputChoice,
    join: Option<JoinHandle<()>>,
}

impl OutputHandle {
    /// Opens what `choice` asks for (the LSL outlets are on the network when this returns) and starts the
    /// thread. Fails when liblsl is missing or a socket cannot be opened; nothing is left running then.
    pub fn start(layout: OutputLayout, choice: OutputChoice) -> Result<Self, OutputError> {
        let lsl = if choice.lsl { Some(Lsl::load()?) } else { None };
        let publisher = match &lsl {
            Some(l) => Some(lsl_out::LslPublisher::open(l, &layout)?),
            None => None,
        };
        let osc = match choice.osc {
            Some((addr, rate)) => Some(osc_out::OscOut::open(addr, rate, &layout)?),
            None => None,
        };
        let (tx, rx) = crossbeam_channel::bounded(OUTPUT_QUEUE);
        let status = Arc::new(OutputStatus::default());
        let worker = Worker {
            lsl,
            publisher,
            osc,
            mvc: layout.mvc_uv.clone(),
            clock: None,
            fs: layout.sample_rate,
            status: status.clone(),
        };
        let join = std::thread::Builder::new()
            .name("innervate-outputs".into())
            .spawn(move || worker.run(rx))
            .map_err(|e| OutputError::Socket(e.to_string()))?;
        Ok(Self {
            tx,
            status,
            choice,
            join: Some(join),
        })
    }

    /// The queue the DSP thread feeds.
    pub fn sender(&self) -> Sender<OutMsg> {
        self.tx.clone()
    }

    /// Counters and latencies.
    pub fn status(&self) -> &Arc<OutputStatus> {
        &self.status
    }

    /// What is on.
    pub fn choice(&self) -> &OutputChoice {
        &self.choice
    }

    /// Tells the outputs about new MVC references.
    pub fn set_mvc(&self, mvc: Vec<Option<f64>>) {
        let _ = self.tx.try_send(OutMsg::Mvc(mvc));
    }
}

impl Drop for OutputHandle {
    fn drop(&mut self) {
        // The thread ends when every sender is gone (the DSP thread drops its copy on detach).
        let (dead, _) = crossbeam_channel::bounded(1);
        self.tx = dead;
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

/// Why an output could not start.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// liblsl missing or refusing.
    #[error(transparent)]
    Lsl(#[from] LslError),
    /// The OSC socket could not be opened.
    #[error("cannot open the OSC socket: {0}")]
    Socket(String),
}

mod osc_out;

struct Worker {
    lsl: Option<Lsl>,
    publisher: Option<lsl_out::LslPublisher>,
    osc: Option<osc_out::OscOut>,
    mvc: Vec<Option<f64>>,
    clock: Option<StreamClock>,
    fs: f64,
    status: Arc<OutputStatus>,
}

impl Worker {
    fn run(mut self, rx: Receiver<OutMsg>) {
        while let Ok(msg) = rx.recv() {
            if let Err(e) = self.handle(msg) {
                self.status.set_error(e.to_string());
            }
        }
    }

    fn anchor(&mut self, newest_sample: u64, at: Instant) -> StreamClock {
        let fs = self.fs;
        let lsl = self.lsl.as_ref();
        *self.clock.get_or_insert_with(|| {
            let now = match lsl {
                Some(l) => l.clock_at(at),
                None => 0.0,
            };
            StreamClock {
                zero: now - newest_sample as f64 / fs,
                fs,
            }
        })
    }

    fn handle(&mut self, msg: OutMsg) -> Result<(), LslError> {
        match msg {
            OutMsg::Block(b, at) => {
                let clock = self.anchor(b.end_sample().saturating_sub(1), at);
                if let Some(p) = self.publisher.as_mut() {
                    p.raw(&clock, &b)?;
                    let us = at.elapsed().as_micros().min(u32::MAX as u128) as u32;
                    self.status
                        .lsl_samples
                        .fetch_add(b.len() as u64, Ordering::Relaxed);
                    if let Ok(mut v) = self.status.latencies_us.lock()
                        && v.len() < MAX_LATENCIES
                    {
                        v.push(us);
                    }
                }
            }
            OutMsg::Points(p) => {
                let Some(clock) = self.clock else {
                    return Ok(());
                };
                if let Some(publ) = self.publisher.as_mut() {
                    publ.envelopes(&clock, &p, &self.mvc)?;
                }
                if let Some(o) = self.osc.as_mut() {
                    let sent = o.points(&p, &self.mvc);
                    self.status.osc_sent.fetch_add(sent, Ordering::Relaxed);
                }
            }
            OutMsg::Marker(at, text) => {
                let clock = self.anchor(at, Instant::now());
                if let Some(p) = self.publisher.as_mut() {
                    p.marker(&clock, at, &text)?;
                }
            }
            OutMsg::Mvc(m) => self.mvc = m,
        }
        Ok(())
    }
}
