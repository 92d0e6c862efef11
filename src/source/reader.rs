//! The reader thread: takes frames from a source and pushes fixed-size blocks into the lock-free ring.
//!
//! It never waits on the DSP thread when the source is live: a full ring is a counted overflow, and the
//! next block's sample index jumps so the loss shows up downstream as a gap. Only sources that lose nothing
//! by waiting (a file, the simulator run faster than real time) wait for room.

use super::{FrameGenerator, SourceError};
use crate::block::{BLOCK_FRAMES, MAX_CHANNELS, SampleBlock};
use crate::stats::{LinkState, LinkStats};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

/// How fast a generator source is played.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pace {
    /// At the stream's sample rate times `speed` (1.0 = like a real board).
    RealTime {
        /// Playback speed factor.
        speed: f64,
    },
    /// As fast as the DSP thread takes blocks; waits when the ring is full (nothing is dropped).
    Unthrottled,
}

/// How often a real-time source wakes up to emit what is due.
const TICK: Duration = Duration::from_millis(2);

/// A running reader thread.
pub struct ReaderHandle {
    stop: Arc<AtomicBool>,
    join: Option<JoinHandle<()>>,
}

impl ReaderHandle {
    /// A handle over a reader thread that watches `stop`.
    pub(crate) fn new(stop: Arc<AtomicBool>, join: JoinHandle<()>) -> Self {
        Self {
            stop,
            join: Some(join),
        }
    }

    /// Asks the thread to stop and waits for it.
    pub fn stop(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

impl Drop for ReaderHandle {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// Starts a live source's reader thread (`body` runs until the flag it is given is set); fails only if the
/// OS refuses a new thread.
pub(crate) fn spawn_live(
    name: &str,
    body: impl FnOnce(&AtomicBool) + Send + 'static,
) -> std::io::Result<ReaderHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let join = thread::Builder::new()
        .name(name.into())
        .spawn(move || body(&flag))?;
    Ok(ReaderHandle::new(stop, join))
}

/// Starts a reader thread for a generator source. `wake` is the DSP thread, unparked after each push.
/// Fails only if the OS refuses a new thread.
pub fn spawn_generator_reader(
    mut source: Box<dyn FrameGenerator>,
    mut ring: rtrb::Producer<SampleBlock>,
    pace: Pace,
    stats: Arc<LinkStats>,
    wake: Thread,
) -> std::io::Result<ReaderHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let stop_flag = stop.clone();
    let join = thread::Builder::new()
        .name("innervate-reader".into())
        .spawn(move || {
            let fs = source.info().sample_rate;
            let channels = source.info().channels();
            let mut frame = [0.0f32; MAX_CHANNELS];
            let mut produced: u64 = 0;
            let start = Instant::now();
            stats.set_state(LinkState::Streaming);
            let outcome: Result<(), SourceError> = 'run: loop {
                if stop_flag.load(Ordering::Relaxed) {
                    break Ok(());
                }
                let due = match pace {
                    Pace::RealTime { speed } => (start.elapsed().as_secs_f64() * fs * speed) as u64,
                    Pace::Unthrottled => produced + BLOCK_FRAMES as u64,
                };
                while produced < due {
                    let mut block = SampleBlock::new(produced, channels);
                    let want = ((due - produced) as usize).min(BLOCK_FRAMES);
                    let mut ended = false;
                    for _ in 0..want {
                        match source.next_frame(&mut frame[..channels]) {
                            Ok(true) => {
                                block.push_frame(&frame[..channels]);
                            }
                            Ok(false) => {
                                ended = true;
                                break;
                            }
                            Err(e) => {
                                push_block(&mut ring, block, pace, &stats, &stop_flag);
                                wake.unpark();
                                break 'run Err(e);
                            }
                        }
                    }
                    produced = block.end_sample();
                    if !block.is_empty() {
                        push_block(&mut ring, block, pace, &stats, &stop_flag);
                    }
                    if ended {
                        wake.unpark();
                        break 'run Ok(());
                    }
                }
                wake.unpark();
                if let Pace::RealTime { .. } = pace {
                    thread::sleep(TICK);
                }
            };
            match outcome {
                Ok(()) => stats.set_state(LinkState::Ended),
                Err(e) => stats.set_error(e.to_string()),
            }
            wake.unpark();
        })?;
    Ok(ReaderHandle {
        stop,
        join: Some(join),
    })
}

/// Pushes one block from a live source (a board cannot be asked to wait): a full ring is a counted overflow
/// and the block is lost, which the next block's sample index shows as a gap.
pub(crate) fn push_live(
    ring: &mut rtrb::Producer<SampleBlock>,
    block: SampleBlock,
    stats: &LinkStats,
) {
    let frames = block.len() as u64;
    match ring.push(block) {
        Ok(()) => {
            stats.frames_received.fetch_add(frames, Ordering::Relaxed);
        }
        Err(rtrb::PushError::Full(_)) => {
            stats.ring_overflows.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Pushes one block: counted as an overflow if the ring is full and the source is live; waited for otherwise.
fn push_block(
    ring: &mut rtrb::Producer<SampleBlock>,
    block: SampleBlock,
    pace: Pace,
    stats: &LinkStats,
    stop: &AtomicBool,
) {
    if let Pace::RealTime { .. } = pace {
        push_live(ring, block, stats);
        return;
    }
    let frames = block.len() as u64;
    let mut pending = block;
    loop {
        match ring.push(pending) {
            Ok(()) => {
                stats.frames_received.fetch_add(frames, Ordering::Relaxed);
                return;
            }
            // A source that loses nothing by waiting waits for room.
            Err(rtrb::PushError::Full(b)) => {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                pending = b;
                thread::sleep(Duration::from_micros(200));
            }
        }
    }
}
