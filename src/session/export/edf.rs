//! The EDF+ export: a first pass over the WAV for each channel's physical range, then the header and the
//! 1 s data records, converted channel by channel from blocks of frames and written a batch at a time. In
//! both passes every core reads its own parts of the WAV and works on them ([`super::pipeline::indexed`]);
//! the calling thread merges the ranges, then writes the batches in order.

use super::pipeline::indexed;
use super::{BLOCK_FRAMES, SessionError, read_error};
use crate::source::wav_blocks::WavBlocks;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Left-aligned, space-padded ASCII field of `width` bytes (longer text is cut; non-ASCII becomes `_`).
fn field(text: &str, width: usize) -> Vec<u8> {
    let mut b: Vec<u8> = text
        .bytes()
        .map(|c| if (32..127).contains(&c) { c } else { b'_' })
        .take(width)
        .collect();
    b.resize(width, b' ');
    b
}

/// A number in at most 8 characters, as EDF wants for physical ranges.
fn num8(v: f64) -> String {
    for decimals in (0..=6).rev() {
        let s = format!("{v:.decimals$}");
        if s.len() <= 8 {
            return s;
        }
    }
    format!("{v:.0}").chars().take(8).collect()
}

/// Civil date (year, month, day) and time of day from Unix seconds (UTC).
fn civil(unix: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = crate::calendar::civil_from_days(days);
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    )
}

/// Writes `wav` as EDF+ to `out`; returns the number of 1 s data records.
pub fn export_edf(wav: &Path, out: &Path) -> Result<u64, SessionError> {
    // Pass 1: each channel's physical range.
    let session = crate::session::load::open_session(wav)?;
    let reader = || WavBlocks::open(&session.wav_path).map_err(|e| read_error(wav, e));
    let frames = reader()?.frames();
    let sidecar = session.sidecar.clone();
    let channels = session.channels;
    let fs = session.sample_rate;
    if fs.fract() != 0.0 || fs < 1.0 {
        return Err(SessionError::bad(
            wav,
            format!("EDF needs a whole number of samples per second, not {fs}"),
        ));
    }
    let per_record = fs as usize;
    let mut lo = vec![f32::INFINITY; channels];
    let mut hi = vec![f32::NEG_INFINITY; channels];
    let part = 16 * BLOCK_FRAMES as u64;
    indexed(
        frames.div_ceil(part) as usize,
        || Ok((reader()?, vec![0.0f32; BLOCK_FRAMES * channels])),
        |(blocks, raw), i| {
            let mut lo = vec![f32::INFINITY; channels];
            let mut hi = vec![f32::NEG_INFINITY; channels];
            blocks
                .seek(i as u64 * part)
                .map_err(|e| read_error(wav, e))?;
            let mut left = part.min(frames - i as u64 * part) as usize;
            while left > 0 {
                let want = left.min(BLOCK_FRAMES);
                let n = blocks
                    .read(&mut raw[..want * channels])
                    .map_err(|e| read_error(wav, e))?;
                // Samples are finite (the reader makes anything else 0): plain comparisons vectorise.
                for frame in raw[..n * channels].chunks_exact(channels) {
                    for ((l, h), &v) in lo.iter_mut().zip(hi.iter_mut()).zip(frame) {
                        *l = if v < *l { v } else { *l };
                        *h = if v > *h { v } else { *h };
                    }
                }
                left -= n;
            }
            Ok((lo, hi))
        },
        |(block_lo, block_hi)| {
            for (l, b) in lo.iter_mut().zip(block_lo) {
                *l = l.min(b);
            }
            for (h, b) in hi.iter_mut().zip(block_hi) {
                *h = h.max(b);
            }
            Ok(())
        },
    )?;
    let records = frames.div_ceil(per_record as u64).max(1);
    let ranges: Vec<(f64, f64)> = lo
        .iter()
        .zip(&hi)
        .map(|(&l, &h)| {
            let (l, h) = if l.is_finite() {
                (l as f64, h as f64)
            } else {
                (-1.0, 1.0)
            };
            // Round the range outwards to what 8 characters can say, and never let it be empty.
            let (l, h) = if h - l < 1e-3 {
                (l - 1.0, h + 1.0)
            } else {
                (l, h)
            };
            (
                num8(l.floor() - 1.0).parse().unwrap_or(l - 1.0),
                num8(h.ceil() + 1.0).parse().unwrap_or(h + 1.0),
            )
        })
        .collect();

    // Annotations: markers and gaps, and the true end when the last record is padded.
    let mut notes: Vec<(f64, String)> = Vec::new();
    if let Some(s) = &sidecar {
        for m in &s.markers {
            let kind = match m.kind {
                crate::session::MarkerKind::SetStart => "set start",
                crate::session::MarkerKind::SetEnd => "set end",
                crate::session::MarkerKind::Rep => "rep",
                crate::session::MarkerKind::User => "mark",
            };
            let text = if m.text.is_empty() {
                kind.to_string()
            } else {
                format!("{kind}: {}", m.text)
            };
            notes.push((m.time_s, text));
        }
        for g in &s.gaps {
            notes.push((
                g.wav_frame as f64 / fs,
                format!("gap: {} samples lost", g.missing),
            ));
        }
    }
    if !frames.is_multiple_of(per_record as u64) {
        notes.push((frames as f64 / fs, "recording ends (padding after)".into()));
    }
    notes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let tal = |onset: f64, text: &str| -> Vec<u8> {
        let clean: String = text
            .chars()
            .map(|c| {
                if c.is_ascii() && !c.is_control() {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("+{onset:.6}\x14{clean}\x14\0").into_bytes()
    };
    let mut per_record_notes: Vec<Vec<u8>> = (0..records)
        .map(|r| format!("+{r}\x14\x14\0").into_bytes())
        .collect();
    for (t, text) in &notes {
        let r = ((t / 1.0).floor() as u64).min(records - 1) as usize;
        per_record_notes[r].extend(tal(*t, text));
    }
    let note_bytes = per_record_notes
        .iter()
        .map(|n| n.len())
        .max()
        .unwrap_or(0)
        .max(60);
    let note_samples = note_bytes.div_ceil(2);

    // Header.
    let ns = channels + 1;
    let start = sidecar
        .as_ref()
        .and_then(|s| humantime::parse_rfc3339(&s.start_time).ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
        .unwrap_or(473_385_600); // 1985-01-01, EDF's "unknown"
    let (y, mo, d, h, mi, se) = civil(start);
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let mut head = Vec::with_capacity(256 * (ns + 1));
    head.extend(field("0", 8));
    head.extend(field("X X X X", 80));
    head.extend(field(
        &format!(
            "Startdate {d:02}-{}-{y} X X Innervate",
            MONTHS[(mo - 1) as usize]
        ),
        80,
    ));
    head.extend(field(
        &format!("{d:02}.{mo:02}.{:02}", y.rem_euclid(100)),
        8,
    ));
    head.extend(field(&format!("{h:02}.{mi:02}.{se:02}"), 8));
    head.extend(field(&(256 * (ns + 1)).to_string(), 8));
    head.extend(field("EDF+C", 44));
    head.extend(field(&records.to_string(), 8));
    head.extend(field("1", 8));
    head.extend(field(&ns.to_string(), 4));
    let prefilter = sidecar
        .as_ref()
        .map(|s| {
            let e = &s.dsp_effective;
            format!(
                "HP:{}Hz LP:{}Hz (applied in analysis, not to these samples)",
                e.bandpass_low_hz, e.bandpass_high_hz
            )
        })
        .unwrap_or_default();
    let mut per_signal = |f: &dyn Fn(usize) -> Vec<u8>| {
        for i in 0..ns {
            head.extend(f(i));
        }
    };
    per_signal(&|i| {
        field(
            if i < channels {
                &session.channel_names[i]
            } else {
                "EDF Annotations"
            },
            16,
        )
    });
    per_signal(&|i| {
        field(
            if i < channels {
                "surface EMG electrodes"
            } else {
                ""
            },
            80,
        )
    });
    per_signal(&|i| field(if i < channels { "uV" } else { "" }, 8));
    per_signal(&|i| {
        field(
            &if i < channels {
                num8(ranges[i].0)
            } else {
                "-1".into()
            },
            8,
        )
    });
    per_signal(&|i| {
        field(
            &if i < channels {
                num8(ranges[i].1)
            } else {
                "1".into()
            },
            8,
        )
    });
    per_signal(&|_| field("-32768", 8));
    per_signal(&|_| field("32767", 8));
    per_signal(&|i| field(if i < channels { &prefilter } else { "" }, 80));
    per_signal(&|i| {
        field(
            &if i < channels {
                per_record
            } else {
                note_samples
            }
            .to_string(),
            8,
        )
    });
    per_signal(&|_| field("", 32));

    // Pass 2: data records, in batches of about a megabyte; each record is one run of samples per channel,
    // then the annotations.
    let file = std::fs::File::create(out).map_err(|e| SessionError::io(out, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let io = |e| SessionError::io(out, e);
    w.write_all(&head).map_err(io)?;
    let record_len = channels * per_record + note_samples; // 16-bit values
    let batch = ((1 << 19) / record_len).max(1);
    let pmin: Vec<f64> = ranges.iter().map(|r| r.0).collect();
    let span: Vec<f64> = ranges.iter().map(|r| r.1 - r.0).collect();
    // Padding after the end is zero (or the nearest value the range can hold).
    let pad: Vec<i16> = ranges
        .iter()
        .map(|&(lo, hi)| digital(0.0f64.clamp(lo, hi), lo, hi - lo))
        .collect();
    // The annotations as the 16-bit values whose little-endian bytes they are.
    let per_record_notes: Vec<Vec<i16>> = per_record_notes
        .iter_mut()
        .map(|notes| {
            notes.resize(note_samples * 2, 0);
            notes
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect()
        })
        .collect();
    let per_record_notes = &per_record_notes;
    indexed(
        per_record_notes.len().div_ceil(batch),
        || {
            let raw = vec![0.0f32; per_record * channels];
            Ok((reader()?, raw.clone(), raw))
        },
        |(blocks, raw, columns), b| {
            let first = b * batch;
            let last = (first + batch).min(per_record_notes.len());
            blocks
                .seek((first * per_record) as u64)
                .map_err(|e| read_error(wav, e))?;
            let mut values = vec![0i16; (last - first) * record_len];
            for (r, record) in (first..last).zip(values.chunks_exact_mut(record_len)) {
                let n = blocks.read(raw).map_err(|e| read_error(wav, e))?;
                // Frames to one run per channel, then each run converted (contiguous, so it vectorises).
                for (f, frame) in raw[..n * channels].chunks_exact(channels).enumerate() {
                    for (c, &v) in frame.iter().enumerate() {
                        columns[c * per_record + f] = v;
                    }
                }
                let (samples, notes) = record.split_at_mut(channels * per_record);
                for (c, (out, column)) in samples
                    .chunks_exact_mut(per_record)
                    .zip(columns.chunks_exact(per_record))
                    .enumerate()
                {
                    let (data, padding) = out.split_at_mut(n);
                    convert(&column[..n], pmin[c], span[c], data);
                    padding.fill(pad[c]);
                }
                notes.copy_from_slice(&per_record_notes[r]);
            }
            Ok(values)
        },
        |mut values| w.write_all(le_bytes(&mut values)).map_err(io),
    )?;
    w.flush().map_err(io)?;
    Ok(records)
}

/// One channel's samples `column` as 16-bit values (see [`digital`]) in the range from `pmin` over `span`.
fn convert(column: &[f32], pmin: f64, span: f64, out: &mut [i16]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX, checked just above.
        unsafe { convert_avx(column, pmin, span, out) };
        return;
    }
    convert_portable(column, pmin, span, out);
}

/// [`convert_portable`] compiled for AVX (no fused multiply-add, so the same results).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn convert_avx(column: &[f32], pmin: f64, span: f64, out: &mut [i16]) {
    convert_portable(column, pmin, span, out);
}

#[inline(always)]
fn convert_portable(column: &[f32], pmin: f64, span: f64, out: &mut [i16]) {
    for (o, &v) in out.iter_mut().zip(column) {
        *o = digital(v as f64, pmin, span);
    }
}

/// `values` as little-endian bytes, in place.
fn le_bytes(values: &mut [i16]) -> &[u8] {
    for v in values.iter_mut() {
        *v = v.to_le(); // nothing to do on a little-endian machine
    }
    // SAFETY: the bytes of initialised i16s, read as u8s (no alignment needed), for the same borrow.
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), values.len() * 2) }
}

/// The 16-bit value of `v` uV in the physical range from `pmin` over `span`: `round(-32768 + (v - pmin) /
/// span * 65535)` (halves away from zero, as `f64::round`), clamped to the 16 bits.
#[inline(always)]
fn digital(v: f64, pmin: f64, span: f64) -> i16 {
    let x = -32768.0 + (v - pmin) / span * 65535.0;
    // Clamped to +-65536 (NaN as 0, which is what a saturating cast gives it) with plain comparisons, so
    // that the truncation below is defined and the loop vectorises (a saturating cast does not).
    let x = if x.is_nan() { 0.0 } else { x };
    let x = if x < -65536.0 { -65536.0 } else { x };
    let x = if x > 65536.0 { 65536.0 } else { x };
    // f64::round without the library call, and without branches: the fraction after truncation is exact.
    // SAFETY: x is a number within +-65536, so its truncation fits an i32.
    let t: i32 = unsafe { x.to_int_unchecked() };
    let frac = x - t as f64;
    let rounded = t + i32::from(frac >= 0.5) - i32::from(frac <= -0.5);
    rounded.clamp(-32768, 32767) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), (1970, 1, 1, 0, 0, 0));
        assert_eq!(civil(1_795_291_200), (2026, 11, 21, 20, 0, 0));
        assert_eq!(civil(951_782_400), (2000, 2, 29, 0, 0, 0));
    }

    #[test]
    fn digital_values_round_as_f64_round() {
        let (pmin, pmax) = (-12.0, 30.5);
        let mut v = -20.0;
        while v < 40.0 {
            let reference = (-32768.0 + (v - pmin) / (pmax - pmin) * 65535.0f64)
                .round()
                .clamp(-32768.0, 32767.0) as i16;
            assert_eq!(digital(v, pmin, pmax - pmin), reference, "{v}");
            v += 0.000_37;
        }
        assert_eq!(digital(f64::NAN, pmin, pmax - pmin), 0);
        assert_eq!(digital(f64::INFINITY, pmin, pmax - pmin), 32767);
        assert_eq!(digital(f64::NEG_INFINITY, pmin, pmax - pmin), -32768);
        // Exact halves and the largest value below a half.
        for x in [
            0.5,
            -0.5,
            2.5,
            -2.5,
            0.499_999_999_999_999_94,
            -32768.5,
            32767.5,
        ] {
            let v = (x + 32768.0) / 65535.0 * 2.0 - 1.0;
            let reference = (-32768.0 + (v + 1.0) / 2.0 * 65535.0f64)
                .round()
                .clamp(-32768.0, 32767.0) as i16;
            assert_eq!(digital(v, -1.0, 2.0), reference, "{x}");
        }
    }

    #[test]
    fn fields_and_numbers_fit() {
        assert_eq!(field("abc", 5), b"abc  ");
        assert_eq!(field("é", 2), b"__");
        assert!(num8(-12345.678901).len() <= 8);
        assert_eq!(num8(-1.5), "-1.50000");
    }
}
