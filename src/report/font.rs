//! The report's embedded typeface: Ubuntu Light, the proportional face egui itself draws with (the bytes of
//! the `epaint_default_fonts` crate egui already depends on, under the Ubuntu Font Licence 1.0, which allows
//! embedding), so no font file is committed and a printed report looks like the window. It is embedded
//! whole (zlib-compressed, about 200 kB) as a simple TrueType font in WinAnsi encoding: every code's width
//! comes from the font's own advance widths, so readers lay the text out as drawn and text stays
//! extractable. egui ships no bold proportional face; headings are drawn bold by stroking the outline too.

use skrifa::instance::Size;
use skrifa::{FontRef, MetadataProvider};
use std::sync::OnceLock;

/// The PostScript name the PDF gives the font.
pub const NAME: &[u8] = b"Ubuntu-Light";

/// First WinAnsi code with a width (the space); codes run to 255.
pub const FIRST_CHAR: u8 = 32;

/// What the PDF's font dictionary and descriptor need, worked out once from the font file.
pub struct Embedded {
    /// The font file, zlib-compressed (FlateDecode).
    pub compressed: Vec<u8>,
    /// The font file's length before compression (the stream's `/Length1`).
    pub length1: i32,
    /// Advance widths of codes `FIRST_CHAR..=255`, thousandths of the font size.
    pub widths: Vec<f32>,
    /// Ascent, descent and cap height, thousandths.
    pub ascent: f32,
    /// Descent (negative), thousandths.
    pub descent: f32,
    /// Height of capitals, thousandths.
    pub cap_height: f32,
    /// The glyphs' bounding box (x0, y0, x1, y1), thousandths.
    pub bbox: [f32; 4],
}

/// The font, parsed and compressed on first use.
pub fn embedded() -> &'static Embedded {
    static FONT: OnceLock<Embedded> = OnceLock::new();
    FONT.get_or_init(|| build(epaint_default_fonts::UBUNTU_LIGHT))
}

fn build(bytes: &[u8]) -> Embedded {
    // The bytes are compiled in and egui itself reads them at start-up: a parse failure is a build defect.
    let font = FontRef::new(bytes).expect("egui's Ubuntu Light is a valid font");
    let m = font.metrics(Size::unscaled(), skrifa::instance::LocationRef::default());
    let per_em = 1000.0 / f32::from(m.units_per_em.max(1));
    let charmap = font.charmap();
    let advances = font.glyph_metrics(Size::unscaled(), skrifa::instance::LocationRef::default());
    let space = charmap
        .map(' ')
        .and_then(|g| advances.advance_width(g))
        .unwrap_or(0.0);
    let widths = (FIRST_CHAR..=255)
        .map(|code| {
            let w = win_ansi_char(code)
                .and_then(|c| charmap.map(c))
                .and_then(|g| advances.advance_width(g))
                .unwrap_or(space);
            (w * per_em).round()
        })
        .collect();
    let bbox = m.bounds.map_or([0.0, -250.0, 1000.0, 900.0], |b| {
        [b.x_min, b.y_min, b.x_max, b.y_max].map(|v| (v * per_em).round())
    });
    Embedded {
        compressed: miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6),
        length1: bytes.len() as i32,
        widths,
        ascent: (m.ascent * per_em).round(),
        descent: (m.descent * per_em).round(),
        cap_height: (m.cap_height.unwrap_or(m.ascent * 0.7) * per_em).round(),
        bbox,
    }
}

/// The 32 codes 0x80-0x9F of WinAnsi (Windows-1252) that are not Latin-1; `None` where it has no character.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The character a WinAnsi code stands for.
pub fn win_ansi_char(code: u8) -> Option<char> {
    match code {
        0x80..=0x9F => CP1252_HIGH[usize::from(code - 0x80)],
        c => Some(char::from(c)),
    }
}

/// Text in WinAnsi: every character the encoding has as its code, anything else as "?" (a minus sign as
/// a hyphen).
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{2212}' => b'-',
            c if (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32)) => c as u32 as u8,
            c => CP1252_HIGH
                .iter()
                .position(|&h| h == Some(c))
                .map_or(b'?', |k| 0x80 + k as u8),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_the_fonts_own() {
        let f = embedded();
        assert_eq!(f.widths.len(), 224);
        let w = |c: char| f.widths[usize::from(win_ansi(&c.to_string())[0] - FIRST_CHAR)];
        // A proportional face: an "i" is narrower than an "M", and every drawn letter has a width.
        assert!(w('i') < w('M'), "{} vs {}", w('i'), w('M'));
        assert!(('a'..='z').all(|c| w(c) > 100.0));
        assert!(f.ascent > 500.0 && f.descent < 0.0);
        assert!(f.compressed.len() < f.length1 as usize);
        assert_eq!(
            win_ansi("µ–x\u{1F600}€"),
            vec![0xB5, 0x96, b'x', b'?', 0x80]
        );
        assert_eq!(win_ansi_char(0x96), Some('–'));
    }
}
