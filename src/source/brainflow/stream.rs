//! The BrainFlow reader thread: polls BrainFlow's ring, maps what arrived onto frames and pushes them into
//! the lock-free ring without ever waiting on the DSP thread. A counter jump or a non-finite value becomes a
//! jump in the sample index (a marked gap); silence is reported, and the stream goes on when data returns.

use super::frames::Sample;
use super::{BrainflowError, BrainflowSource};
use crate::block::SampleBlock;
use crate::source::reader::{ReaderHandle, push_live};
use crate::stats::{LinkState, LinkStats};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// What the reader needs of a streaming board: BrainFlow's session (`super::session::Session`), which
/// stops and releases the board when dropped.
pub trait BoardStream: Send + 'static {
    /// Samples waiting to be taken.
    fn available(&mut self) -> Result<usize, BrainflowError>;
    /// Takes `n` samples (at most [`BoardStream::available`]) into `out`, row by row (`rows() * n`).
    fn take(&mut self, n: usize, out: &mut [f64]) -> Result<(), BrainflowError>;
    /// Values per sample (BrainFlow's `num_rows`).
    fn rows(&self) -> usize;
}

/// How often BrainFlow's ring is polled.
const POLL: Duration = Duration::from_millis(2);
/// Most samples taken in one call (the buffer is sized once for this).
const MAX_TAKE: usize = 4096;
/// Silence after which the status line says the board sends nothing.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(2);

/// Starts the reader thread for a connected BrainFlow board.
pub fn spawn_brainflow_reader(
    source: BrainflowSource,
    ring: rtrb::Producer<SampleBlock>,
    stats: Arc<LinkStats>,
    wake: Thread,
) -> std::io::Result<ReaderHandle> {
    ReaderHandle::spawn("innervate-brainflow", move |stop| {
        run(source, ring, &stats, &wake, stop)
    })
}

/// The frames on their way to the ring.
struct Timeline<'a> {
    ring: rtrb::Producer<SampleBlock>,
    stats: &'a LinkStats,
    block: SampleBlock,
    channels: usize,
    /// Stream index of the next frame.
    next: u64,
}

impl Timeline<'_> {
    fn take(&mut self, s: Sample<'_>) {
        match s {
            Sample::Frame(f) => {
                self.block.push_frame(f);
                self.next += 1;
                if self.block.is_full() {
                    self.flush();
                }
            }
            Sample::Lost(k) => {
                self.stats.packets_dropped.fetch_add(k, Ordering::Relaxed);
                self.skip(k);
            }
            Sample::NonFinite => {
                self.stats.non_finite.fetch_add(1, Ordering::Relaxed);
                self.skip(1);
            }
        }
    }

    /// Moves the timeline on by `k` samples that will never arrive.
    fn skip(&mut self, k: u64) {
        self.flush();
        self.next += k;
        self.block = SampleBlock::new(self.next, self.channels);
    }

    fn flush(&mut self) {
        if !self.block.is_empty() {
            push_live(&mut self.ring, self.block, self.stats);
        }
        self.block = SampleBlock::new(self.next, self.channels);
    }
}

fn run(
    source: BrainflowSource,
    ring: rtrb::Producer<SampleBlock>,
    stats: &LinkStats,
    wake: &Thread,
    stop: &AtomicBool,
) {
    let BrainflowSource {
        mut stream,
        mut mapper,
        info,
        ..
    } = source;
    let rows = stream.rows();
    let channels = info.channels();
    let mut buf = vec![0.0f64; rows * MAX_TAKE];
    let mut line = Timeline {
        ring,
        stats,
        block: SampleBlock::new(0, channels),
        channels,
        next: 0,
    };
    let mut last_data = Instant::now();
    stats.set_state(LinkState::Streaming);
    let failure = loop {
        if stop.load(Ordering::Relaxed) {
            break None;
        }
        let waiting = match stream.available() {
            Ok(n) => n,
            Err(e) => break Some(e),
        };
        if waiting == 0 {
            if last_data.elapsed() > SILENCE_LIMIT && stats.state() == LinkState::Streaming {
                stats.set_notice(
                    "BrainFlow sends nothing (board off, out of range, or the file ended)".into(),
                );
                stats.set_state(LinkState::Disconnected);
                wake.unpark();
            }
            thread::sleep(POLL);
            continue;
        }
        if stats.state() == LinkState::Disconnected {
            stats.set_notice(String::new());
            stats.set_state(LinkState::Streaming);
        }
        last_data = Instant::now();
        let n = waiting.min(MAX_TAKE);
        if let Err(e) = stream.take(n, &mut buf[..rows * n]) {
            break Some(e);
        }
        mapper.map(&buf[..rows * n], n, |s| line.take(s));
        line.flush();
        wake.unpark();
        if n == waiting {
            thread::sleep(POLL);
        }
    };
    line.flush();
    // Stops and releases the board.
    drop(stream);
    match failure {
        Some(e) => stats.set_error(e.to_string()),
        None => stats.set_state(LinkState::Ended),
    }
    wake.unpark();
}
