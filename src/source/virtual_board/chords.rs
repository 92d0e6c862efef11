//! The virtual board as an Upside Down Labs Chords board: `C7 7C`, counter, big-endian codes, `01`; it
//! answers `WHORU`, `START`, `STOP` and `STATUS` as the firmware does, a second after the host falls silent
//! (the firmware reads each command with Arduino's `readString`, which waits for 1 s of silence).

use super::wire::{BoardControl, BoardProtocol, SampleCoding};
use crate::protocol::chords::{self, ChordsBoard, ChordsScale};
use crate::source::SourceError;
use std::time::{Duration, Instant};

/// Silence that ends a command (Arduino's default stream timeout).
const COMMAND_SILENCE: Duration = Duration::from_secs(1);
/// Longest command text kept.
const MAX_COMMAND: usize = 256;

/// The board of the vendor's table with this many channels at this rate.
fn board(channels: usize, rate: u32) -> Result<&'static ChordsBoard, SourceError> {
    chords::board_for(channels, rate).ok_or_else(|| {
        let known: Vec<String> = chords::BOARDS
            .iter()
            .map(|b| format!("{} ({} ch at {} Hz)", b.id, b.channels, b.rate_hz))
            .collect();
        SourceError::Config(format!(
            "no Chords board has {channels} channels at {rate} Hz; the boards: {}",
            known.join(", ")
        ))
    })
}

/// Unsigned codes around mid-scale at the BioAmp's default gain.
pub(super) struct ChordsCoding {
    scale: ChordsScale,
}

impl ChordsCoding {
    /// The coding of the board with `channels` at `rate` (a 10-bit Uno's if there is none: the board
    /// itself refuses to start then).
    pub fn new(channels: usize, rate: u32) -> Self {
        let b = chords::board_for(channels, rate).unwrap_or(&chords::BOARDS[0]);
        Self {
            scale: ChordsScale::of(b, chords::DEFAULT_GAIN),
        }
    }
}

impl SampleCoding for ChordsCoding {
    fn quantise(&self, uv: f64) -> (i32, f32) {
        let top = ((1u32 << self.scale.bits) - 1) as f64;
        let code = (uv / self.scale.uv_per_code() + self.scale.zero_code() as f64)
            .round()
            .clamp(0.0, top) as u16;
        (code as i32, self.scale.code_to_uv(code))
    }
}

/// The board side of the Chords protocol.
pub(super) struct ChordsBoardSide {
    board: &'static ChordsBoard,
    counter: u8,
    /// The command being typed, and when its last byte came.
    command: Vec<u8>,
    heard_at: Instant,
}

impl ChordsBoardSide {
    /// A Chords board with `channels` at `rate`, as the vendor's table lists it.
    pub fn new(channels: usize, rate: u32) -> Result<Self, SourceError> {
        Ok(Self {
            board: board(channels, rate)?,
            counter: 0,
            command: Vec::new(),
            heard_at: Instant::now(),
        })
    }
}

impl BoardProtocol for ChordsBoardSide {
    fn reset_link(&mut self) {
        self.command.clear();
    }

    fn answer(&mut self, bytes: &[u8], _board: &mut dyn BoardControl) {
        let room = MAX_COMMAND.saturating_sub(self.command.len());
        self.command
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.heard_at = Instant::now();
    }

    fn tick(&mut self, board: &mut dyn BoardControl) {
        if self.command.is_empty() || self.heard_at.elapsed() < COMMAND_SILENCE {
            return;
        }
        let text = String::from_utf8_lossy(&std::mem::take(&mut self.command)).to_string();
        match text.trim() {
            "WHORU" => board.reply(format!("{}\r\n", self.board.id).as_bytes()),
            "START" => {
                self.counter = 0;
                board.start_streaming();
            }
            "STOP" => board.stop_streaming(),
            "STATUS" => {
                let s = if board.is_streaming() {
                    "START"
                } else {
                    "STOP"
                };
                board.reply(format!("{s}\r\n").as_bytes());
            }
            // The firmware ignores anything else (two commands run together are one unknown command).
            _ => {}
        }
    }

    fn encode(&mut self, codes: &[i32], _uv: &[f32], out: &mut Vec<u8>) {
        let channels = self.board.channels;
        for frame in codes.chunks(channels) {
            let c: Vec<u16> = frame.iter().map(|&c| c as u16).collect();
            chords::encode_packet(self.counter, &c, out);
            self.counter = self.counter.wrapping_add(1);
        }
    }

    fn damage(&self, out: &mut [u8], _at: usize) {
        // No checksum: only a broken end byte can be noticed.
        if let Some(end) = out.last_mut() {
            *end = 0x00;
        }
    }
}
