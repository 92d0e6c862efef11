//! A small page layer over `pdf-writer`: pages of a chosen paper size, text in the embedded typeface
//! ([`super::font`], WinAnsi), lines, polylines and filled polygons in PDF points (y up), then the finished
//! file's bytes (page contents and the font zlib-compressed).

use super::font::{self, FIRST_CHAR, win_ansi};
use pdf_writer::types::{FontFlags, TextRenderingMode};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

/// Paper sizes, in points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Paper {
    /// ISO A4, 210 x 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 x 11 in.
    Letter,
}

impl Paper {
    /// Width and height, points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// An RGB colour, 0..1 each.
pub type Rgb = [f32; 3];

const FONT: Name<'static> = Name(b"F1");

/// A document being drawn: finished pages' contents and the current page.
pub struct Doc {
    paper: Paper,
    pages: Vec<Vec<u8>>,
    page: Content,
}

impl Doc {
    /// An empty document with one blank page.
    pub fn new(paper: Paper) -> Self {
        Self {
            paper,
            pages: Vec::new(),
            page: Content::new(),
        }
    }

    /// Width and height of a page, points.
    pub fn size(&self) -> (f32, f32) {
        self.paper.size()
    }

    /// Ends the current page and starts a new one.
    pub fn new_page(&mut self) {
        let done = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(done.finish().to_vec());
    }

    /// Text with its baseline starting at (`x`, `y`).
    pub fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let bytes = win_ansi(text);
        self.page.set_fill_rgb(0.0, 0.0, 0.0);
        self.page.begin_text();
        self.page.set_font(FONT, size);
        if bold {
            // One light face only: bold is its outline stroked as well as filled.
            self.page.set_stroke_rgb(0.0, 0.0, 0.0);
            self.page.set_line_width(size * 0.045);
            self.page
                .set_text_rendering_mode(TextRenderingMode::FillStroke);
        }
        self.page.next_line(x, y);
        self.page.show(Str(&bytes));
        if bold {
            self.page.set_text_rendering_mode(TextRenderingMode::Fill);
        }
        self.page.end_text();
    }

    /// An open polyline.
    pub fn polyline(&mut self, pts: &[[f32; 2]], width: f32, colour: Rgb) {
        let [first, rest @ ..] = pts else {
            return;
        };
        self.page.set_stroke_rgb(colour[0], colour[1], colour[2]);
        self.page.set_line_width(width);
        self.page.move_to(first[0], first[1]);
        for p in rest {
            self.page.line_to(p[0], p[1]);
        }
        self.page.stroke();
    }

    /// A closed polygon, filled and outlined.
    pub fn polygon(&mut self, pts: &[[f32; 2]], fill: Rgb, line: Option<(f32, Rgb)>) {
        let [first, rest @ ..] = pts else {
            return;
        };
        self.page.set_fill_rgb(fill[0], fill[1], fill[2]);
        if let Some((w, c)) = line {
            self.page.set_stroke_rgb(c[0], c[1], c[2]);
            self.page.set_line_width(w);
        }
        self.page.move_to(first[0], first[1]);
        for p in rest {
            self.page.line_to(p[0], p[1]);
        }
        self.page.close_path();
        if line.is_some() {
            self.page.fill_nonzero_and_stroke();
        } else {
            self.page.fill_nonzero();
        }
    }

    /// The finished PDF file.
    pub fn finish(mut self) -> Vec<u8> {
        self.new_page();
        let (w, h) = self.paper.size();
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let font = Ref::new(3);
        let descriptor = Ref::new(4);
        let file = Ref::new(5);
        let first = 6;
        let ids: Vec<(Ref, Ref)> = (0..self.pages.len() as i32)
            .map(|k| (Ref::new(first + 2 * k), Ref::new(first + 2 * k + 1)))
            .collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(ids.iter().map(|(p, _)| *p))
            .count(ids.len() as i32);
        for ((page_id, content_id), content) in ids.iter().zip(&self.pages) {
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, w, h));
            page.parent(tree);
            page.contents(*content_id);
            let mut res = page.resources();
            let mut fonts = res.fonts();
            fonts.pair(FONT, font);
            fonts.finish();
            res.finish();
            page.finish();
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(content, 6);
            pdf.stream(*content_id, &packed).filter(Filter::FlateDecode);
        }
        embed_font(&mut pdf, font, descriptor, file);
        pdf.finish()
    }
}

/// The font dictionary, its descriptor and the font file (the whole TrueType file, compressed).
fn embed_font(pdf: &mut Pdf, font: Ref, descriptor: Ref, file: Ref) {
    let f = font::embedded();
    // pdf-writer has no writer for a simple TrueType font dictionary: the same keys as Type 1's (PDF 1.7,
    // 9.6.3), written by hand.
    let mut dict = pdf.indirect(font).dict();
    dict.pair(Name(b"Type"), Name(b"Font"));
    dict.pair(Name(b"Subtype"), Name(b"TrueType"));
    dict.pair(Name(b"BaseFont"), Name(font::NAME));
    dict.pair(Name(b"FirstChar"), i32::from(FIRST_CHAR));
    dict.pair(Name(b"LastChar"), 255);
    dict.insert(Name(b"Widths"))
        .array()
        .items(f.widths.iter().copied());
    dict.pair(Name(b"FontDescriptor"), descriptor);
    dict.pair(Name(b"Encoding"), Name(b"WinAnsiEncoding"));
    dict.finish();
    let [x0, y0, x1, y1] = f.bbox;
    pdf.font_descriptor(descriptor)
        .name(Name(font::NAME))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(0.0)
        .ascent(f.ascent)
        .descent(f.descent)
        .cap_height(f.cap_height)
        .stem_v(70.0)
        .font_file2(file);
    pdf.stream(file, &f.compressed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), f.length1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_a_pdf_with_its_pages() {
        let mut d = Doc::new(Paper::Letter);
        d.text(50.0, 700.0, 12.0, false, "Peak 42 µV");
        d.new_page();
        d.polygon(
            &[[0.0, 0.0], [10.0, 0.0], [5.0, 8.0]],
            [1.0, 0.0, 0.0],
            None,
        );
        let bytes = d.finish();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("%PDF-"));
        assert!(text.contains("/Count 2"));
        assert!(text.contains("612 792"));
        assert!(text.contains("/FontFile2") && !text.contains("Helvetica"));
    }
}
