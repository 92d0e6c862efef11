//! The calling thread's part of the pass: reading, the chain, and handing chunks out.

use super::chunk::{CHUNK_FRAMES, Chunk, Loan, PLANE};
use super::{AnalyzeError, EnvelopeSink};
use crate::analysis::EnvelopeRun;
use crate::block::{BLOCK_FRAMES, SampleBlock};
use crate::dsp::Processor;
use crate::dsp::transpose::frames_to_planes;
use crate::source::FrameGenerator;
use crossbeam_channel::{Receiver, Sender};
use std::sync::Arc;

/// The calling thread's part: reading, the chain, and handing chunks out.
pub(super) struct Reader<'a> {
    pub(super) processor: &'a mut Processor,
    pub(super) home: &'a Sender<Chunk>,
    pub(super) pool: &'a Receiver<Chunk>,
    pub(super) senders: &'a [Sender<Arc<Loan>>],
    /// The chain's input, a block at a time (reused).
    pub(super) block: Box<SampleBlock>,
    /// A chunk's frames as read, frame by frame (reused).
    pub(super) input: Vec<f32>,
}

impl Reader<'_> {
    /// Reads to the end; returns the frames read.
    pub(super) fn read_all(
        &mut self,
        source: &mut dyn FrameGenerator,
        progress: &mut dyn FnMut(u64),
        mut envelope: Option<&mut EnvelopeSink<'_>>,
    ) -> Result<u64, AnalyzeError> {
        let channels = self.processor.channels();
        let mut frames = 0u64;
        self.input.resize(CHUNK_FRAMES * channels, 0.0);
        while let Ok(mut chunk) = self.pool.recv() {
            let n = source.next_frames(&mut self.input)?;
            if n == 0 {
                break;
            }
            chunk.first = frames;
            chunk.frames = n;
            let first = frames;
            let Chunk {
                raw,
                bandpassed,
                filtered,
                envelope: envelopes,
                ..
            } = &mut chunk;
            for (b, frames_in) in self.input[..n * channels]
                .chunks(BLOCK_FRAMES * channels)
                .enumerate()
            {
                let block_first = b * BLOCK_FRAMES;
                self.block.reset(first + block_first as u64);
                let n_in = self.block.push_interleaved(frames_in);
                let row = |f: usize| &frames_in[f * channels..(f + 1) * channels];
                frames_to_planes(row, channels, n_in, &mut raw[block_first..], PLANE);
                self.processor.process_block_all(&self.block, |outs| {
                    let n = outs.len();
                    frames_to_planes(
                        |f| &outs[f].bandpassed,
                        channels,
                        n,
                        &mut bandpassed[block_first..],
                        PLANE,
                    );
                    frames_to_planes(
                        |f| &outs[f].filtered,
                        channels,
                        n,
                        &mut filtered[block_first..],
                        PLANE,
                    );
                    frames_to_planes(
                        |f| &outs[f].envelope,
                        channels,
                        n,
                        &mut envelopes[block_first..],
                        PLANE,
                    );
                });
            }
            if let Some(sink) = envelope.as_deref_mut() {
                sink(&EnvelopeRun::new(envelopes, PLANE, channels, n, first))?;
            }
            frames += n as u64;
            let loan = Arc::new(Loan {
                chunk,
                home: self.home.clone(),
            });
            for s in self.senders {
                // A worker gone means it panicked; joining it reports that.
                if s.send(Arc::clone(&loan)).is_err() {
                    return Ok(frames);
                }
            }
            progress(frames);
        }
        Ok(frames)
    }
}
