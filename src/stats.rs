//! Counters shared between threads, as atomics: any thread may read them at any time without a lock.

use crossbeam_channel::{Receiver, Sender};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

/// The link's state as the UI shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Not streaming yet.
    Connecting = 0,
    /// Frames are arriving.
    Streaming = 1,
    /// The source ended normally (end of file).
    Ended = 2,
    /// The source failed; see [`LinkStats::error`].
    Failed = 3,
    /// The board went away (cable pulled); the reader is trying to reconnect.
    Disconnected = 4,
}

/// Most board events kept waiting for the DSP thread.
pub const MAX_BOARD_EVENTS: usize = 256;

/// The bounded queue board events travel on, reader to DSP thread.
#[derive(Debug)]
struct BoardEvents {
    tx: Sender<(u64, u32)>,
    rx: Receiver<(u64, u32)>,
}

impl Default for BoardEvents {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::bounded(MAX_BOARD_EVENTS);
        Self { tx, rx }
    }
}

/// Health counters of one acquisition run.
#[derive(Debug, Default)]
pub struct LinkStats {
    state: AtomicU8,
    /// Frames the reader put into the ring.
    pub frames_received: AtomicU64,
    /// Blocks lost because the ring was full (the DSP thread fell behind a live source).
    pub ring_overflows: AtomicU64,
    /// Frames the DSP thread processed.
    pub frames_processed: AtomicU64,
    /// Samples missing between consecutive blocks, as seen by the DSP thread.
    pub frames_missing: AtomicU64,
    /// Display updates dropped because the UI did not keep up (the UI only, never the data).
    pub display_dropped: AtomicU64,
    /// Blocks the recorder's queue could not take (each is a marked gap in the recording).
    pub recorder_dropped: AtomicU64,
    /// Bytes read from a board.
    pub bytes_received: AtomicU64,
    /// Board packets missing by their sequence numbers.
    pub packets_dropped: AtomicU64,
    /// Board frames that failed their integrity check (CRC, footer, unparseable line).
    pub crc_errors: AtomicU64,
    /// Times the decoder had to find the framing again after garbage.
    pub resyncs: AtomicU64,
    /// Times the board was reconnected after going away.
    pub reconnects: AtomicU64,
    /// ERROR messages the board sent (e.g. sampling overruns).
    pub board_errors: AtomicU64,
    /// Samples a bridge delivered with a non-finite value (NaN, infinity): each is dropped and marked as
    /// a one-sample gap, never fed into the filters.
    pub non_finite: AtomicU64,
    /// Blocks the DSP thread processed, and the time it spent on them (the chain and every output it
    /// feeds: display, recorder, sound), ns: its per-block cost.
    pub dsp_blocks: AtomicU64,
    /// See [`LinkStats::dsp_blocks`].
    pub dsp_busy_ns: AtomicU64,
    /// Events the board reported (button presses: rare) on their way to the DSP thread.
    board_events: BoardEvents,
    // What the link is doing, in words (e.g. reconnecting); set at human pace, never per sample.
    notice: Mutex<String>,
    // Only written once, when the source fails: not on any hot path.
    error: Mutex<Option<String>>,
}

impl LinkStats {
    /// Current state.
    pub fn state(&self) -> LinkState {
        match self.state.load(Ordering::Relaxed) {
            1 => LinkState::Streaming,
            2 => LinkState::Ended,
            3 => LinkState::Failed,
            4 => LinkState::Disconnected,
            _ => LinkState::Connecting,
        }
    }

    /// Sets the state.
    pub fn set_state(&self, s: LinkState) {
        self.state.store(s as u8, Ordering::Relaxed);
    }

    /// Marks the source failed with a message for the user.
    pub fn set_error(&self, message: String) {
        if let Ok(mut e) = self.error.lock() {
            *e = Some(message);
        }
        self.set_state(LinkState::Failed);
    }

    /// Sets the link's notice (empty to clear).
    pub fn set_notice(&self, message: String) {
        if let Ok(mut n) = self.notice.lock() {
            *n = message;
        }
    }

    /// The link's notice (empty when there is nothing to say).
    pub fn notice(&self) -> String {
        self.notice.lock().map(|n| n.clone()).unwrap_or_default()
    }

    /// The failure message, if the source failed.
    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }

    /// Hands the DSP thread an event the board reported before stream frame `at` (beyond
    /// [`MAX_BOARD_EVENTS`] waiting it is dropped: events come at human pace, so that many waiting means
    /// nobody takes them). Never blocks.
    pub fn push_board_event(&self, at: u64, code: u32) {
        let _ = self.board_events.tx.try_send((at, code));
    }

    /// The board's events, oldest first: (stream index of the frame they precede, the board's code).
    /// Checking it costs no lock.
    pub fn board_events(&self) -> &Receiver<(u64, u32)> {
        &self.board_events.rx
    }

    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}
