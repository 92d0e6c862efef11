//! Exports a session (or any WAV) to formats other tools open: CSV and EDF+.
//!
//! CSV: one row per sample, `time_s`, then each channel's raw value and RMS envelope (uV), computed with the
//! session's own processing settings. EDF+ (EDF+C, 1 s data records): each channel as 16-bit samples with the
//! physical range of that channel (so the resolution is range / 65535 uV), dimension "uV", the band-pass in
//! the prefiltering field, and the sidecar's markers and gaps as EDF+ annotations. A last partial second is
//! padded with zeros (EDF records are whole) and an annotation says where the recording really ends.

use super::SessionError;
use super::sidecar::Sidecar;
use crate::dsp::{DspConfig, Processor};
use crate::source::FrameGenerator;
use crate::source::replay::WavReplay;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A session opened for export (checked by [`super::load::open_session`]): the samples and the sidecar.
fn open(wav: &Path) -> Result<(WavReplay, Option<Sidecar>), SessionError> {
    let session = super::load::open_session(wav)?;
    Ok((session.replay()?, session.sidecar))
}

fn next(replay: &mut WavReplay, frame: &mut [f32], wav: &Path) -> Result<bool, SessionError> {
    replay
        .next_frame(frame)
        .map_err(|e| SessionError::bad(wav, e.to_string()))
}

/// Writes `wav` as CSV to `out`; returns the rows written.
pub fn export_csv(wav: &Path, out: &Path) -> Result<u64, SessionError> {
    let (mut replay, sidecar) = open(wav)?;
    let info = replay.info().clone();
    let dsp = sidecar
        .as_ref()
        .map(|s| s.dsp.clone())
        .unwrap_or_else(DspConfig::default);
    let mut processor = Processor::new(info.channels(), info.sample_rate, &dsp, &[])
        .map_err(|e| SessionError::bad(wav, e.to_string()))?;
    let file = std::fs::File::create(out).map_err(|e| SessionError::io(out, e))?;
    let mut w = BufWriter::new(file);
    let io = |e| SessionError::io(out, e);
    write!(w, "time_s").map_err(io)?;
    for name in &info.channel_names {
        let name = name.replace([',', '"'], " ");
        write!(w, ",{name} raw_uv,{name} envelope_uv").map_err(io)?;
    }
    writeln!(w).map_err(io)?;
    let mut frame = vec![0.0f32; info.channels()];
    let mut n: u64 = 0;
    while next(&mut replay, &mut frame, wav)? {
        let o = processor.process_frame(&frame);
        write!(w, "{:.6}", n as f64 / info.sample_rate).map_err(io)?;
        for (c, raw) in frame.iter().enumerate() {
            write!(w, ",{raw},{}", o.envelope[c]).map_err(io)?;
        }
        writeln!(w).map_err(io)?;
        n += 1;
    }
    w.flush().map_err(io)?;
    Ok(n)
}

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
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
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
    let (mut replay, sidecar) = open(wav)?;
    let info = replay.info().clone();
    let channels = info.channels();
    let fs = info.sample_rate;
    if fs.fract() != 0.0 || fs < 1.0 {
        return Err(SessionError::bad(
            wav,
            format!("EDF needs a whole number of samples per second, not {fs}"),
        ));
    }
    let per_record = fs as usize;
    let mut lo = vec![f32::INFINITY; channels];
    let mut hi = vec![f32::NEG_INFINITY; channels];
    let mut frame = vec![0.0f32; channels];
    let mut frames: u64 = 0;
    while next(&mut replay, &mut frame, wav)? {
        for c in 0..channels {
            lo[c] = lo[c].min(frame[c]);
            hi[c] = hi[c].max(frame[c]);
        }
        frames += 1;
    }
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
                super::MarkerKind::SetStart => "set start",
                super::MarkerKind::SetEnd => "set end",
                super::MarkerKind::Rep => "rep",
                super::MarkerKind::User => "mark",
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
                &info.channel_names[i]
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

    // Pass 2: data records.
    let file = std::fs::File::create(out).map_err(|e| SessionError::io(out, e))?;
    let mut w = BufWriter::new(file);
    let io = |e| SessionError::io(out, e);
    w.write_all(&head).map_err(io)?;
    let (mut replay, _) = open(wav)?;
    let mut block = vec![vec![0i16; per_record]; channels];
    for notes in per_record_notes.iter_mut() {
        for i in 0..per_record {
            let more = next(&mut replay, &mut frame, wav)?;
            for ((samples, &(pmin, pmax)), &value) in block.iter_mut().zip(&ranges).zip(&frame) {
                // Padding after the end is zero (or the nearest value the range can hold).
                let v = if more {
                    value as f64
                } else {
                    0.0f64.clamp(pmin, pmax)
                };
                let digital = -32768.0 + (v - pmin) / (pmax - pmin) * 65535.0;
                samples[i] = digital.round().clamp(-32768.0, 32767.0) as i16;
            }
        }
        for samples in &block {
            for s in samples {
                w.write_all(&s.to_le_bytes()).map_err(io)?;
            }
        }
        notes.resize(note_samples * 2, 0);
        w.write_all(notes).map_err(io)?;
    }
    w.flush().map_err(io)?;
    Ok(records)
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
    fn fields_and_numbers_fit() {
        assert_eq!(field("abc", 5), b"abc  ");
        assert_eq!(field("é", 2), b"__");
        assert!(num8(-12345.678901).len() <= 8);
        assert_eq!(num8(-1.5), "-1.50000");
    }
}
