//! The CSV export: one thread reads the WAV in blocks and runs the envelopes, every core formats blocks of
//! rows into text, and the calling thread writes the text blocks in order ([`super::pipeline`]).

use super::pipeline::ordered;
use super::text::{NumberText, TimeText};
use super::{BLOCK_FRAMES, SessionError, open, read_block};
use crate::block::SampleBlock;
use crate::dsp::{DspConfig, Processor};
use std::io::{BufWriter, Write};
use std::path::Path;

/// A block of frames to format: its first row, the raw samples and the envelopes (both interleaved).
struct Rows {
    first: u64,
    raw: Vec<f32>,
    envelope: Vec<f32>,
}

/// Appends the rows of `rows` (`channels` values per frame) as CSV text.
fn format_rows(
    rows: &Rows,
    channels: usize,
    time: &TimeText,
    numbers: &mut NumberText,
    out: &mut Vec<u8>,
) {
    for (i, (raw, env)) in rows
        .raw
        .chunks_exact(channels)
        .zip(rows.envelope.chunks_exact(channels))
        .enumerate()
    {
        // Room for the row up front (a time, then two numbers of at most 16 bytes and a comma per channel).
        out.reserve(32 + 34 * channels);
        time.push(out, rows.first + i as u64);
        for (&r, &e) in raw.iter().zip(env) {
            out.push(b',');
            numbers.push_f32(out, r);
            out.push(b',');
            numbers.push_f32(out, e);
        }
        out.push(b'\n');
    }
}

/// Writes `wav` as CSV to `out`; returns the rows written.
pub fn export_csv(wav: &Path, out: &Path) -> Result<u64, SessionError> {
    let (session, mut blocks) = open(wav)?;
    let channels = session.channels;
    let dsp = session
        .sidecar
        .as_ref()
        .map(|s| s.dsp.clone())
        .unwrap_or_else(DspConfig::default);
    let mut processor = Processor::new(channels, session.sample_rate, &dsp, &[])
        .map_err(|e| SessionError::bad(wav, e.to_string()))?;
    let file = std::fs::File::create(out).map_err(|e| SessionError::io(out, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let io = |e| SessionError::io(out, e);
    write!(w, "time_s").map_err(io)?;
    for name in &session.channel_names {
        let name = name.replace([',', '"'], " ");
        write!(w, ",{name} raw_uv,{name} envelope_uv").map_err(io)?;
    }
    writeln!(w).map_err(io)?;

    let time = TimeText::new(session.sample_rate);
    let mut rows: u64 = 0;
    ordered(
        |send| {
            let mut first: u64 = 0;
            let mut raw = Vec::new();
            let mut block = SampleBlock::new(0, channels);
            while read_block(wav, &mut blocks, &mut raw, BLOCK_FRAMES)? > 0 {
                let mut envelope = Vec::with_capacity(raw.len());
                for chunk in raw.chunks(crate::block::BLOCK_FRAMES * channels) {
                    block.reset(0);
                    for frame in chunk.chunks_exact(channels) {
                        block.push_frame(frame);
                    }
                    processor.process_block(&block, |_, o| {
                        envelope.extend_from_slice(&o.envelope[..channels]);
                    });
                }
                let n = (raw.len() / channels) as u64;
                let next = Rows {
                    first,
                    raw: std::mem::take(&mut raw),
                    envelope,
                };
                if !send(next) {
                    break; // the writer stopped: its error is the one reported
                }
                first += n;
            }
            Ok(())
        },
        |block: Rows| {
            let mut text = Vec::with_capacity(block.raw.len() * 22 + 16);
            format_rows(&block, channels, &time, &mut NumberText::new(), &mut text);
            (block.raw.len() / channels, text)
        },
        |(n, text)| {
            rows += n as u64;
            w.write_all(&text).map_err(io)
        },
    )?;
    w.flush().map_err(io)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_as_format_writes_them() {
        let rows = Rows {
            first: 4,
            raw: vec![1.5, -0.0, 31.296968, 1e-7],
            envelope: vec![0.12915225, 0.0, 2.0, 1e7],
        };
        let mut out = Vec::new();
        format_rows(
            &rows,
            2,
            &TimeText::new(2000.0),
            &mut NumberText::new(),
            &mut out,
        );
        let mut expect = String::new();
        for (i, (r, e)) in rows
            .raw
            .chunks_exact(2)
            .zip(rows.envelope.chunks_exact(2))
            .enumerate()
        {
            expect += &format!("{:.6}", (4 + i) as f64 / 2000.0);
            for c in 0..2 {
                expect += &format!(",{},{}", r[c], e[c]);
            }
            expect += "\n";
        }
        assert_eq!(String::from_utf8(out).unwrap(), expect);
    }
}
