//! Arduino Serial Plotter text: one line per frame, values as the board prints them (no scaling).
//!
//! A line ends with `\n` (a trailing `\r` is dropped). Tokens are separated by any mix of spaces, tabs and
//! commas; each is a number (`1.5`, `-3e2`) or `label:value` with a non-empty label. Values must be finite
//! `f32`. Empty lines are ignored. The first valid line fixes the channel count (or
//! [`PlotterDecoder::with_channels`] does); a line of another width, with a token that does not parse, with
//! more than [`MAX_CHANNELS`] values or with invalid UTF-8 is damaged: counted in `crc_errors` and skipped.
//! A line longer than [`MAX_LINE`] bytes is dropped up to the next `\n` (`resyncs`, `skipped_bytes`).
//! Text carries no counter, so [`Event::Lost`] never comes from here.

use super::{DecodeCounters, Decoder, Event};
use crate::block::MAX_CHANNELS;

/// Longest line kept, bytes before the `\n` (a `\r` included).
pub const MAX_LINE: usize = 1024;

/// What one line held.
enum Scan {
    /// No tokens at all.
    Empty,
    /// A token that does not parse, or too many values.
    Bad,
    /// `n` values in the buffer; `labelled` when at least one had a label.
    Values { n: usize, labelled: bool },
}

fn is_separator(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b',')
}

/// The tokens of a line: separated by any mix of spaces, tabs and commas. Scanned as bytes (the separators
/// are ASCII, so every cut falls on a character boundary): 1.4 times as fast as `str::split` on a char set.
fn tokens(line: &str) -> impl Iterator<Item = &str> {
    let bytes = line.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while bytes.get(pos).is_some_and(|&b| is_separator(b)) {
            pos += 1;
        }
        let start = pos;
        while bytes.get(pos).is_some_and(|&b| !is_separator(b)) {
            pos += 1;
        }
        (pos > start).then(|| line.get(start..pos)).flatten()
    })
}

/// One token: `(label, value)`, the label empty when there is none.
fn token(t: &str) -> Option<(&str, f32)> {
    // A short backwards loop: tokens are a few bytes, too short for `memrchr` to pay off.
    let (label, value) = match t.bytes().rposition(|b| b == b':') {
        Some(0) => return None,
        Some(i) => (t.get(..i)?, t.get(i + 1..)?),
        None => ("", t),
    };
    let v: f32 = value.parse().ok()?;
    v.is_finite().then_some((label, v))
}

/// Parses `line` into `values` without allocating.
fn scan(line: &str, values: &mut [f32; MAX_CHANNELS]) -> Scan {
    let mut n = 0;
    let mut labelled = false;
    for t in tokens(line) {
        let Some((label, v)) = token(t) else {
            return Scan::Bad;
        };
        let Some(slot) = values.get_mut(n) else {
            return Scan::Bad;
        };
        *slot = v;
        labelled |= !label.is_empty();
        n += 1;
    }
    if n == 0 {
        Scan::Empty
    } else {
        Scan::Values { n, labelled }
    }
}

/// Cuts one trailing `\n`, then one trailing `\r`.
fn trim_end(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// The values and labels (empty strings where a value has none) of one line, for auto-detection. A trailing
/// `\n` or `\r\n` is allowed. `None` for a line with no values, a token that does not parse or more than
/// [`MAX_CHANNELS`] values.
pub fn parse_line(line: &str) -> Option<(Vec<f32>, Vec<String>)> {
    let line = trim_end(line);
    let mut values = [0.0; MAX_CHANNELS];
    match scan(line, &mut values) {
        Scan::Values { n, .. } => Some((
            values[..n].to_vec(),
            tokens(line)
                .map(|t| token(t).map_or("", |(label, _)| label).to_owned())
                .collect(),
        )),
        Scan::Empty | Scan::Bad => None,
    }
}

/// Decodes Arduino Serial Plotter text lines into frames.
pub struct PlotterDecoder {
    /// The line in progress (capacity [`MAX_LINE`], never grown).
    line: Vec<u8>,
    /// Dropping an overlong line up to its `\n`.
    discarding: bool,
    channels: Option<usize>,
    labels: Option<Vec<String>>,
    values: [f32; MAX_CHANNELS],
    counters: DecodeCounters,
}

impl Default for PlotterDecoder {
    fn default() -> Self {
        Self::new()
    }
}

impl PlotterDecoder {
    /// A decoder that takes the channel count from the first valid line.
    pub fn new() -> Self {
        Self {
            line: Vec::with_capacity(MAX_LINE),
            discarding: false,
            channels: None,
            labels: None,
            values: [0.0; MAX_CHANNELS],
            counters: DecodeCounters::default(),
        }
    }

    /// A decoder for lines of exactly `channels` values (clamped to 1..=[`MAX_CHANNELS`]).
    pub fn with_channels(channels: usize) -> Self {
        let mut d = Self::new();
        d.channels = Some(channels.clamp(1, MAX_CHANNELS));
        d
    }

    /// Values per line, once known.
    pub fn channels(&self) -> Option<usize> {
        self.channels
    }

    /// The labels of the first valid line that had any (empty strings for values without one).
    pub fn labels(&self) -> Option<&[String]> {
        self.labels.as_deref()
    }

    /// One complete line, without its `\n`.
    fn line_done(&mut self, raw: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(text) = std::str::from_utf8(raw) else {
            self.counters.crc_errors += 1;
            return;
        };
        match scan(text, &mut self.values) {
            Scan::Empty => {}
            Scan::Bad => self.counters.crc_errors += 1,
            Scan::Values { n, .. } if self.channels.is_some_and(|c| c != n) => {
                self.counters.crc_errors += 1
            }
            Scan::Values { n, labelled } => {
                self.channels = Some(n);
                if labelled && self.labels.is_none() {
                    // Once per decoder: the only allocation after construction.
                    self.labels = parse_line(text).map(|(_, labels)| labels);
                }
                self.counters.packets += 1;
                self.counters.frames += 1;
                sink(Event::Frame(&self.values[..n]));
            }
        }
    }
}

impl Decoder for PlotterDecoder {
    fn feed(&mut self, mut bytes: &[u8], sink: &mut dyn FnMut(Event<'_>)) {
        self.counters.bytes += bytes.len() as u64;
        while !bytes.is_empty() {
            let end = bytes.iter().position(|&b| b == b'\n');
            let segment = &bytes[..end.unwrap_or(bytes.len())];
            if self.discarding {
                self.counters.skipped_bytes += segment.len() as u64;
            } else if self.line.len() + segment.len() > MAX_LINE {
                // Longer than any line we accept: drop it all up to the next `\n`.
                self.counters.skipped_bytes += (self.line.len() + segment.len()) as u64;
                self.counters.resyncs += 1;
                self.line.clear();
                self.discarding = true;
            } else if end.is_some() && self.line.is_empty() {
                // A whole line in the input: parse it where it is.
                self.line_done(segment, sink);
            } else {
                self.line.extend_from_slice(segment);
            }
            match end {
                Some(e) => {
                    if self.discarding {
                        self.discarding = false;
                    } else if !self.line.is_empty() {
                        let line = std::mem::take(&mut self.line);
                        self.line_done(&line, sink);
                        self.line = line;
                        self.line.clear();
                    }
                    bytes = &bytes[e + 1..];
                }
                None => bytes = &[],
            }
        }
    }

    fn counters(&self) -> DecodeCounters {
        self.counters
    }

    fn buffered(&self) -> usize {
        self.line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dec: &mut PlotterDecoder, bytes: &[u8]) -> Vec<Vec<f32>> {
        let mut out = Vec::new();
        dec.feed(bytes, &mut |e| match e {
            Event::Frame(f) => out.push(f.to_vec()),
            other => panic!("unexpected event {other:?}"),
        });
        out
    }

    #[test]
    fn spaces_tabs_and_commas_separate_values() {
        let mut dec = PlotterDecoder::new();
        let text = b"1 2 3\n1\t2\t3\n1,2,3\n 1, 2 ,\t3,\n1.5e2  -0.25\t,+7\n";
        let f = run(&mut dec, text);
        assert_eq!(
            f,
            vec![
                vec![1.0, 2.0, 3.0],
                vec![1.0, 2.0, 3.0],
                vec![1.0, 2.0, 3.0],
                vec![1.0, 2.0, 3.0],
                vec![150.0, -0.25, 7.0]
            ]
        );
        let c = dec.counters();
        assert_eq!(
            (c.packets, c.frames, c.crc_errors, c.bytes),
            (5, 5, 0, text.len() as u64)
        );
        assert_eq!(dec.channels(), Some(3));
        assert_eq!(dec.labels(), None);
        assert_eq!(dec.buffered(), 0);
    }

    #[test]
    fn labelled_values() {
        let mut dec = PlotterDecoder::new();
        let f = run(&mut dec, b"a:1,b:2\nBiceps:3.5 Triceps:-4\n");
        assert_eq!(f, vec![vec![1.0, 2.0], vec![3.5, -4.0]]);
        assert_eq!(dec.labels(), Some(&["a".to_owned(), "b".to_owned()][..]));
        assert_eq!(
            parse_line("a:1 2\r\n"),
            Some((vec![1.0, 2.0], vec!["a".to_owned(), String::new()]))
        );
        assert_eq!(
            parse_line("x:y:5"),
            Some((vec![5.0], vec!["x:y".to_owned()]))
        );
        assert_eq!(parse_line(":5"), None);
        assert_eq!(parse_line("a:"), None);
        assert_eq!(parse_line("  \r\n"), None);
        assert_eq!(parse_line("1 inf"), None);
        assert_eq!(parse_line("NaN"), None);
        assert_eq!(parse_line("1e39"), None, "overflows f32");
        let seventeen = vec!["1"; 17].join(" ");
        assert_eq!(parse_line(&seventeen), None);
        assert_eq!(parse_line(&seventeen[2..]).map(|(v, _)| v.len()), Some(16));
    }

    #[test]
    fn labels_come_from_the_first_labelled_line() {
        let mut dec = PlotterDecoder::new();
        run(&mut dec, b"1 2\nx:1 y:2\nu:1 v:2\n");
        assert_eq!(dec.labels(), Some(&["x".to_owned(), "y".to_owned()][..]));
    }

    #[test]
    fn crlf_line_ends() {
        let mut dec = PlotterDecoder::new();
        let f = run(&mut dec, b"10,20\r\n30,40\r\n\r\n");
        assert_eq!(f, vec![vec![10.0, 20.0], vec![30.0, 40.0]]);
        assert_eq!(dec.counters().crc_errors, 0);
    }

    #[test]
    fn empty_lines_are_ignored() {
        let mut dec = PlotterDecoder::new();
        let f = run(&mut dec, b"\n\n\r\n  \n, \t,\n5\n");
        assert_eq!(f, vec![vec![5.0]]);
        let c = dec.counters();
        assert_eq!((c.crc_errors, c.resyncs, c.skipped_bytes), (0, 0, 0));
    }

    #[test]
    fn bad_lines_in_the_middle_are_skipped_and_counted() {
        let mut dec = PlotterDecoder::new();
        let mut text = b"1 2\n1 x\n3 4\n1 2 3\n5:6\n:1 2\n".to_vec();
        text.extend_from_slice(b"\xFF\xFE 1\n7 nan\n");
        text.extend_from_slice(vec!["1"; 17].join(" ").as_bytes());
        text.extend_from_slice(b"\n8 9\n");
        let f = run(&mut dec, &text);
        assert_eq!(f, vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![8.0, 9.0]]);
        let c = dec.counters();
        assert_eq!((c.packets, c.frames), (3, 3));
        // "1 x", "1 2 3", "5:6" (one value), ":1 2", invalid UTF-8, "nan", 17 values.
        assert_eq!(c.crc_errors, 7);
        assert_eq!((c.resyncs, c.skipped_bytes, c.lost_frames), (0, 0, 0));
    }

    #[test]
    fn fixed_channel_count() {
        let mut dec = PlotterDecoder::with_channels(3);
        let f = run(&mut dec, b"1 2\n1 2 3\n");
        assert_eq!(f, vec![vec![1.0, 2.0, 3.0]]);
        assert_eq!(dec.counters().crc_errors, 1);
        assert_eq!(PlotterDecoder::with_channels(0).channels(), Some(1));
        assert_eq!(PlotterDecoder::with_channels(99).channels(), Some(16));
    }

    #[test]
    fn too_long_line_is_dropped_up_to_its_end() {
        let mut dec = PlotterDecoder::new();
        let mut text = b"1 2\n".to_vec();
        text.extend(std::iter::repeat_n(b'9', 2000));
        text.extend_from_slice(b"\n3 4\n");
        // Exactly MAX_LINE bytes is still a line.
        text.extend(std::iter::repeat_n(b' ', MAX_LINE - 3));
        text.extend_from_slice(b"5 6\n");
        let f = run(&mut dec, &text);
        assert_eq!(f, vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]]);
        let c = dec.counters();
        assert_eq!((c.resyncs, c.skipped_bytes, c.crc_errors), (1, 2000, 0));
    }

    #[test]
    fn memory_stays_bounded_without_newlines() {
        let mut dec = PlotterDecoder::new();
        for _ in 0..100 {
            run(&mut dec, &[b'7'; 333]);
            assert!(dec.buffered() <= MAX_LINE);
        }
        assert_eq!(dec.line.capacity(), MAX_LINE, "the line buffer never grows");
        run(&mut dec, b"\n1\n");
        let c = dec.counters();
        assert_eq!((c.resyncs, c.skipped_bytes, c.frames), (1, 33_300, 1));
    }

    #[test]
    fn pieces_of_any_size_give_the_same_output() {
        let mut text = Vec::new();
        for i in 0..300 {
            match i % 50 {
                7 => text.extend_from_slice(b"garbage line\n"),
                13 => text.extend(std::iter::repeat_n(b'x', 1500)),
                21 => text.extend_from_slice(b"\r\n"),
                _ => text.extend_from_slice(format!("a:{i},b:{}\tc:-{i}.5\r\n", i * 2).as_bytes()),
            }
        }
        let mut whole = PlotterDecoder::new();
        let want = run(&mut whole, &text);
        assert_eq!(
            want.len(),
            276,
            "line 14 of every 50 is glued to the overlong one"
        );
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for max in [1usize, 2, 5, 17, 100, 1023, 1024, 1025, 4000] {
            let mut dec = PlotterDecoder::new();
            let mut got = Vec::new();
            let mut rest = text.as_slice();
            while !rest.is_empty() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let n = (1 + (seed % max as u64) as usize).min(rest.len());
                got.extend(run(&mut dec, &rest[..n]));
                rest = &rest[n..];
                assert!(dec.buffered() <= MAX_LINE);
            }
            assert_eq!(got, want, "pieces up to {max}");
            assert_eq!(dec.counters(), whole.counters());
            assert_eq!(dec.labels(), whole.labels());
            assert_eq!(dec.line.capacity(), MAX_LINE);
        }
    }
}
