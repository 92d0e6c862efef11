//! The DSP thread: pops blocks from the ring, runs the chain, feeds the UI and the recorder.
//!
//! It holds no lock and allocates nothing per block; it waits for data by parking (the reader unparks it).

use super::display::{DisplayChunk, DisplayDecimator};
use crate::audio::{SoundPoints, SoundRoute, SoundStatus};
use crate::block::{BlockCoalescer, SampleBlock};
use crate::dsp::quality::{ChannelQuality, QualityMonitor};
use crate::dsp::{NotchConfig, Processor};
use crate::session::recorder::RecorderMsg;
use crate::stats::{LinkState, LinkStats};
use crate::stream_out::{EnvelopePoints, OutMsg, OutputStatus};
use crossbeam_channel::{Receiver, Sender, TrySendError};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Called (at most every [`REPAINT_INTERVAL`]) when there is something new to draw.
pub type Notifier = Arc<dyn Fn() + Send + Sync>;

/// Fastest the DSP thread asks the UI to repaint: about 60 frames per second.
pub const REPAINT_INTERVAL: Duration = Duration::from_millis(16);
/// Blocks processed between looks at the command queue.
const BLOCKS_PER_TURN: usize = 32;

/// Requests to the DSP thread.
pub enum DspCommand {
    /// Change the mains notch.
    SetNotch(NotchConfig),
    /// Start sending blocks to a recorder (from the next block on).
    AttachRecorder(Sender<RecorderMsg>),
    /// Send what is pending, then `Finish`, and forget the recorder.
    DetachRecorder,
    /// Mark the current moment in the recording (a set start carries its plan).
    Marker(
        crate::session::MarkerKind,
        String,
        Option<Box<crate::training::plan::SetPlan>>,
    ),
    /// Start handing display points (of these channels) to the sound thread.
    AttachSound(Sender<SoundPoints>, Arc<SoundStatus>, SoundRoute),
    /// Hand other channels to the sound thread (its plan changed).
    SoundRoute(SoundRoute),
    /// Stop handing points to the sound thread.
    DetachSound,
    /// Start handing blocks, display points and markers to the output thread (LSL, OSC).
    AttachOutputs(Sender<OutMsg>, Arc<OutputStatus>),
    /// Stop feeding the output thread.
    DetachOutputs,
    /// Finish any recording and end the thread.
    Stop,
}

struct RecorderLink {
    tx: Sender<RecorderMsg>,
    coalescer: BlockCoalescer,
    open: bool,
}

/// The DSP thread's state.
pub struct DspWorker {
    /// The ring from the reader.
    pub ring: rtrb::Consumer<SampleBlock>,
    /// Commands from the engine.
    pub commands: Receiver<DspCommand>,
    /// The chain.
    pub processor: Processor,
    /// Decimated output for the UI.
    pub display: Sender<DisplayChunk>,
    /// Shared counters.
    pub stats: Arc<LinkStats>,
    /// Repaint request.
    pub notify: Option<Notifier>,
    /// Wait on a full recorder queue instead of dropping (only for sources that can wait).
    pub lossless_recording: bool,
    /// Wait on a full display queue instead of dropping (only when someone always drains it).
    pub lossless_display: bool,
    /// Signal-quality judgements, once per second (dropped if the UI does not take them).
    pub quality: Sender<Vec<ChannelQuality>>,
    /// Markers from the source itself (an LSL marker stream), at stream sample indices.
    pub source_markers: Option<Receiver<(u64, String)>>,
}

impl DspWorker {
    /// Runs until told to stop.
    pub fn run(mut self) {
        let channels = self.processor.channels();
        let eff = self.processor.effective();
        let mut decimator =
            DisplayDecimator::new(channels, self.processor.pairs().len(), eff.sample_rate_hz);
        let mut quality = QualityMonitor::new(
            channels,
            eff.sample_rate_hz,
            eff.bandpass_low_hz,
            eff.bandpass_high_hz,
            self.processor.config().notch.mains_hz,
        );
        let eff_fs = eff.sample_rate_hz;
        let mut recorder: Option<RecorderLink> = None;
        let mut sound: Option<(Sender<SoundPoints>, Arc<SoundStatus>, SoundRoute)> = None;
        let mut outputs: Option<(Sender<OutMsg>, Arc<OutputStatus>)> = None;
        // Source markers wait here until the samples they point at are processed (order in the sidecar).
        let mut pending_markers: std::collections::VecDeque<(u64, String)> = Default::default();
        // Board events (a SpikerBox button) wait here until the samples before them are out.
        let mut board_events: std::collections::VecDeque<(u64, u32)> =
            std::collections::VecDeque::with_capacity(crate::stats::MAX_BOARD_EVENTS);
        let mut expected: Option<u64> = None;
        let mut last_repaint = Instant::now() - REPAINT_INTERVAL;
        let mut dirty = false;
        let mut ended = false;
        loop {
            while let Ok(cmd) = self.commands.try_recv() {
                match cmd {
                    DspCommand::SetNotch(n) => {
                        let _ = self.processor.set_notch(n);
                    }
                    DspCommand::AttachRecorder(tx) => {
                        if let Some(old) = recorder.take() {
                            self.close_recorder(old);
                        }
                        recorder = Some(RecorderLink {
                            tx,
                            coalescer: BlockCoalescer::new(channels),
                            open: true,
                        });
                    }
                    DspCommand::Marker(kind, text, plan) => {
                        if let Some((tx, status)) = &outputs {
                            let at = expected.unwrap_or(0);
                            send_output(
                                tx,
                                status,
                                self.lossless_recording,
                                OutMsg::Marker(at, marker_words(kind, &text)),
                            );
                        }
                        if let Some(link) = recorder.as_mut() {
                            // Pending samples first, so the marker follows exactly the data before it.
                            let (tx, open) = (&link.tx, &mut link.open);
                            let stats = &self.stats;
                            link.coalescer
                                .flush(|b| send_recorder(tx, open, stats, true, b));
                            let at = expected.unwrap_or(0);
                            let _ = link.tx.send(RecorderMsg::Marker {
                                at,
                                kind,
                                text,
                                plan,
                            });
                        }
                    }
                    DspCommand::AttachSound(tx, status, route) => {
                        sound = Some((tx, status, route));
                    }
                    DspCommand::SoundRoute(r) => {
                        if let Some(s) = sound.as_mut() {
                            s.2 = r;
                        }
                    }
                    DspCommand::DetachSound => sound = None,
                    DspCommand::AttachOutputs(tx, status) => outputs = Some((tx, status)),
                    DspCommand::DetachOutputs => outputs = None,
                    DspCommand::DetachRecorder => {
                        if let Some(link) = recorder.take() {
                            self.close_recorder(link);
                        }
                    }
                    DspCommand::Stop => {
                        if let Some(link) = recorder.take() {
                            self.close_recorder(link);
                        }
                        return;
                    }
                }
            }

            let mut processed = 0;
            while processed < BLOCKS_PER_TURN {
                let Ok(block) = self.ring.pop() else { break };
                let started = Instant::now();
                processed += 1;
                if let Some(e) = expected
                    && block.first_sample > e
                {
                    self.stats
                        .frames_missing
                        .fetch_add(block.first_sample - e, Ordering::Relaxed);
                    if let Some((tx, status)) = &outputs {
                        let words = format!("gap: {} samples missing", block.first_sample - e);
                        send_output(
                            tx,
                            status,
                            self.lossless_recording,
                            OutMsg::Marker(e, words),
                        );
                    }
                }
                expected = Some(block.end_sample());
                let display = &self.display;
                let stats = &self.stats;
                let lossless_display = self.lossless_display;
                let lossless_sound = self.lossless_recording;
                let sound = sound.as_ref();
                let fs = eff_fs;
                let outs = outputs.as_ref();
                if let Some((tx, status)) = outs {
                    send_output(
                        tx,
                        status,
                        self.lossless_recording,
                        OutMsg::Block(block, started),
                    );
                }
                let mut emit = |chunk: &DisplayChunk| {
                    send_display(display, stats, lossless_display, chunk);
                    if let Some((tx, status)) = outs
                        && chunk.points > 0
                    {
                        send_output(
                            tx,
                            status,
                            self.lossless_recording,
                            OutMsg::Points(points_of(chunk)),
                        );
                    }
                    if let Some((tx, status, route)) = sound {
                        send_sound(tx, status, *route, lossless_sound, (fs, started), chunk);
                    }
                };
                let mut judged = false;
                self.processor.process_block(&block, |i, out| {
                    decimator.push(i, out, &mut emit);
                    judged |= quality.push(block.frame((i - block.first_sample) as usize), out);
                });
                decimator.flush(&mut emit);
                if judged {
                    // After the display has its values: the spectral work never delays what the user sees.
                    quality.judge();
                    // Once a second; a UI that has not taken the last one simply gets this one later.
                    let _ = self.quality.try_send(quality.latest().to_vec());
                }
                self.stats
                    .frames_processed
                    .fetch_add(block.len() as u64, Ordering::Relaxed);
                if let Some(link) = recorder.as_mut() {
                    let (tx, open) = (&link.tx, &mut link.open);
                    let wait = self.lossless_recording;
                    link.coalescer
                        .push(&block, |full| send_recorder(tx, open, stats, wait, full));
                }
                self.forward_source_markers(
                    &mut pending_markers,
                    expected,
                    &mut recorder,
                    &outputs,
                );
                stats.dsp_blocks.fetch_add(1, Ordering::Relaxed);
                stats
                    .dsp_busy_ns
                    .fetch_add(started.elapsed().as_nanos() as u64, Ordering::Relaxed);
                dirty = true;
            }

            // Taken off the queue even when nothing records, so it never fills; held ones beyond the
            // queue's size are dropped like the queue drops them.
            while let Ok(event) = self.stats.board_events().try_recv() {
                if board_events.len() < crate::stats::MAX_BOARD_EVENTS {
                    board_events.push_back(event);
                }
            }
            if !board_events.is_empty()
                && let (Some(link), Some(done)) = (recorder.as_mut(), expected)
            {
                // Board events become markers once the samples before them are out.
                while let Some(&(at, code)) = board_events.front().filter(|(at, _)| *at <= done) {
                    board_events.pop_front();
                    let (tx, open) = (&link.tx, &mut link.open);
                    let stats = &self.stats;
                    link.coalescer
                        .flush(|b| send_recorder(tx, open, stats, true, b));
                    let _ = link.tx.send(RecorderMsg::Marker {
                        at,
                        kind: crate::session::MarkerKind::User,
                        text: format!("board event {code}"),
                        plan: None,
                    });
                }
            }

            if dirty && last_repaint.elapsed() >= REPAINT_INTERVAL {
                if let Some(n) = &self.notify {
                    n();
                }
                last_repaint = Instant::now();
                dirty = false;
            }

            if processed == 0 {
                let source_done =
                    matches!(self.stats.state(), LinkState::Ended | LinkState::Failed);
                if source_done && self.ring.is_abandoned() && self.ring.is_empty() && !ended {
                    // End of stream: everything received is processed; close the recording so it is complete.
                    ended = true;
                    if let Some(link) = recorder.take() {
                        self.close_recorder(link);
                    }
                    if let Some(n) = &self.notify {
                        n();
                    }
                }
                let wait = if dirty {
                    REPAINT_INTERVAL
                } else {
                    Duration::from_millis(50)
                };
                std::thread::park_timeout(wait);
            }
        }
    }

    /// Hands the source's markers whose sample has been processed to the recorder and the outputs.
    fn forward_source_markers(
        &self,
        pending: &mut std::collections::VecDeque<(u64, String)>,
        processed_to: Option<u64>,
        recorder: &mut Option<RecorderLink>,
        outputs: &Option<(Sender<OutMsg>, Arc<OutputStatus>)>,
    ) {
        if let Some(rx) = &self.source_markers {
            // Bounded: at most what the source's queue holds arrives per block.
            pending.extend(rx.try_iter());
        }
        let done = processed_to.unwrap_or(0);
        while pending.front().is_some_and(|(at, _)| *at < done) {
            let Some((at, text)) = pending.pop_front() else {
                break;
            };
            if let Some((tx, status)) = outputs {
                send_output(
                    tx,
                    status,
                    self.lossless_recording,
                    OutMsg::Marker(at, text.clone()),
                );
            }
            if let Some(link) = recorder.as_mut() {
                let (tx, open) = (&link.tx, &mut link.open);
                link.coalescer
                    .flush(|b| send_recorder(tx, open, &self.stats, true, b));
                let _ = link.tx.send(RecorderMsg::Marker {
                    at,
                    kind: crate::session::MarkerKind::User,
                    text,
                    plan: None,
                });
            }
        }
    }

    fn close_recorder(&self, mut link: RecorderLink) {
        let (tx, open) = (&link.tx, &mut link.open);
        link.coalescer
            .flush(|b| send_recorder(tx, open, &self.stats, true, b));
        let _ = link.tx.send(RecorderMsg::Finish);
    }
}

/// The words of a marker on the LSL marker stream.
fn marker_words(kind: crate::session::MarkerKind, text: &str) -> String {
    use crate::session::MarkerKind as K;
    let what = match kind {
        K::SetStart => "set start",
        K::SetEnd => "set end",
        K::Rep => "rep",
        K::User => "mark",
    };
    if text.is_empty() {
        what.to_string()
    } else if kind == K::User {
        text.to_string()
    } else {
        format!("{what}: {text}")
    }
}

/// The envelope and pair rows of a display chunk, for the outputs.
fn points_of(c: &DisplayChunk) -> EnvelopePoints {
    EnvelopePoints {
        first_time_s: c.first_time_s,
        step_s: c.step_s,
        points: c.points,
        envelope: c.envelope,
        ratio: c.ratio,
        cci: c.cci,
    }
}

/// Hands a message to the output thread; a full queue drops and counts, never waits, except for sources
/// that lose nothing by waiting (`wait`).
fn send_output(tx: &Sender<OutMsg>, status: &OutputStatus, wait: bool, msg: OutMsg) {
    if wait {
        let _ = tx.send(msg);
    } else if let Err(TrySendError::Full(_)) = tx.try_send(msg) {
        status.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

fn send_display(
    tx: &Sender<DisplayChunk>,
    stats: &LinkStats,
    lossless: bool,
    chunk: &DisplayChunk,
) {
    if lossless {
        let _ = tx.send(*chunk);
    } else if let Err(TrySendError::Full(_)) = tx.try_send(*chunk) {
        stats.display_dropped.fetch_add(1, Ordering::Relaxed);
    }
}

/// Hands the routed rows of a chunk to the sound thread; a live source never waits for it. `at` is the
/// sample rate and when the block's processing began (the hand-off time, without another clock read).
fn send_sound(
    tx: &Sender<SoundPoints>,
    status: &SoundStatus,
    route: SoundRoute,
    wait: bool,
    at: (f64, Instant),
    chunk: &DisplayChunk,
) {
    let mut p = SoundPoints::gather(
        route,
        chunk.first_time_s,
        chunk.step_s,
        chunk.points,
        &chunk.envelope,
        &chunk.ratio,
    );
    p.latest_time_s = chunk.latest_sample as f64 / at.0;
    p.made_at = Some(at.1);
    if wait {
        let _ = tx.send(p);
    } else if let Err(TrySendError::Full(_)) = tx.try_send(p) {
        status.dropped_points.fetch_add(1, Ordering::Relaxed);
    }
}

fn send_recorder(
    tx: &Sender<RecorderMsg>,
    open: &mut bool,
    stats: &LinkStats,
    wait: bool,
    block: &SampleBlock,
) {
    if !*open {
        return;
    }
    let result = if wait {
        tx.send(RecorderMsg::Block(*block)).map_err(|_| ())
    } else {
        match tx.try_send(RecorderMsg::Block(*block)) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                // The recorder marks the jump in sample index as a gap; the UI shows the counter.
                stats.recorder_dropped.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(TrySendError::Disconnected(_)) => Err(()),
        }
    };
    if result.is_err() {
        // The recorder closed (frame limit reached, or it failed): stop feeding it.
        *open = false;
    }
}
