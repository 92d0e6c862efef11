//! The calling thread's part of the pass: reading, the chain, and handing chunks out.

use super::chunk::{Chunk, Loan};
use super::{AnalyzeError, EnvelopeSink};
use crate::block::{BLOCK_FRAMES, SampleBlock};
use crate::dsp::Processor;
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
        let pairs = self.processor.pairs().len();
        let mut frames = 0u64;
        while let Ok(mut chunk) = self.pool.recv() {
            let n = source.next_frames(&mut chunk.raw)?;
            if n == 0 {
                break;
            }
            chunk.first = frames;
            chunk.frames = n;
            let first = frames;
            let mut sink_error = None;
            let Chunk {
                raw,
                bandpassed,
                filtered,
                envelope: envelopes,
                ratio,
                ..
            } = &mut chunk;
            for (b, frames_in) in raw[..n * channels]
                .chunks(BLOCK_FRAMES * channels)
                .enumerate()
            {
                self.block.reset(first + (b * BLOCK_FRAMES) as u64);
                frames_in.chunks_exact(channels).for_each(|f| {
                    self.block.push_frame(f);
                });
                self.processor.process_block(&self.block, |index, out| {
                    let f = (index - first) as usize;
                    let at = f * channels..(f + 1) * channels;
                    copy(&mut bandpassed[at.clone()], &out.bandpassed);
                    copy(&mut filtered[at.clone()], &out.filtered);
                    copy(&mut envelopes[at], &out.envelope);
                    let ratios = &mut ratio[f * pairs..(f + 1) * pairs];
                    for (r, p) in ratios.iter_mut().zip(&out.pairs[..pairs]) {
                        *r = p.ratio;
                    }
                    if let (Some(sink), None) = (envelope.as_deref_mut(), &sink_error) {
                        sink_error = sink(&out.envelope[..channels]).err();
                    }
                });
            }
            if let Some(e) = sink_error {
                return Err(e.into());
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

/// Copies one frame's values: a loop the compiler keeps inline (a 64-byte `copy_from_slice` of a length
/// known only at run time becomes a call to `memmove` per frame).
#[inline(always)]
fn copy(to: &mut [f32], from: &[f32]) {
    for (t, f) in to.iter_mut().zip(from) {
        *t = *f;
    }
}
