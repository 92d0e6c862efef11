//! A schematic human figure as vectors: the body segments (torso half, upper arm, forearm, hand, thigh, shank,
//! foot) as tapered bands along a centre line, and a point on a segment named by where it lies along the band
//! (`u`: 0 at the proximal end, 1 at the distal end) and across it (`v`: -1 at the medial edge, +1 at the
//! lateral edge). Muscle regions, electrodes and landmarks ([`super::muscle_map`]) are all given in these
//! coordinates, so the body map, the placement pictures and a printed report draw the same figure.
//!
//! Units: each view is a box 100 wide and 200 tall (about 8.75 mm of a 1.75 m person per unit), y down.
//! The table describes the limbs drawn on the viewer's left half (x < 50); the other side is its mirror.
//! Seen from the front the viewer's left is the person's right; seen from the back it is the person's left.

/// A point in a view's box (x across, y down, 0..100 by 0..200).
pub type Pt = [f32; 2];

/// Width of a view's box.
pub const VIEW_WIDTH: f32 = 100.0;
/// Height of a view's box.
pub const VIEW_HEIGHT: f32 = 200.0;
/// Figure units per millimetre on the skin (a 1.75 m person is 200 units tall).
pub const UNITS_PER_MM: f32 = 200.0 / 1750.0;

/// Which side of the body is seen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// Seen from the front.
    Front,
    /// Seen from the back.
    Back,
}

/// A side of the body (the person's own left or right).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodySide {
    /// The person's left.
    Left,
    /// The person's right.
    Right,
}

impl BodySide {
    /// Both sides, right first.
    pub const BOTH: [BodySide; 2] = [BodySide::Right, BodySide::Left];

    /// "left" or "right".
    pub fn word(self) -> &'static str {
        match self {
            BodySide::Left => "left",
            BodySide::Right => "right",
        }
    }
}

/// A body segment, drawn as a band that tapers from its proximal to its distal end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    /// One half of the trunk, from the shoulder line to the hip (medial edge at the midline).
    Trunk,
    /// Shoulder to elbow.
    UpperArm,
    /// Elbow to wrist.
    Forearm,
    /// Wrist to fingertips.
    Hand,
    /// Hip to knee.
    Thigh,
    /// Knee to ankle.
    Shank,
    /// Ankle to toes.
    Foot,
}

/// A segment's band: centre line from `a` to `b`, half-widths at each end.
struct Band {
    seg: Segment,
    a: Pt,
    b: Pt,
    half_a: f32,
    half_b: f32,
}

/// The limbs of the viewer's left half (the same in both views: this is a schematic).
#[rustfmt::skip]
const BANDS: &[Band] = &[
    Band { seg: Segment::Trunk, a: [39.0, 31.0], b: [41.5, 108.0], half_a: 11.0, half_b: 8.5 },
    Band { seg: Segment::UpperArm, a: [23.0, 36.0], b: [17.0, 80.0], half_a: 6.0, half_b: 4.2 },
    Band { seg: Segment::Forearm, a: [17.0, 80.0], b: [12.0, 117.0], half_a: 4.6, half_b: 3.0 },
    Band { seg: Segment::Hand, a: [12.0, 117.0], b: [10.5, 131.0], half_a: 3.0, half_b: 2.6 },
    Band { seg: Segment::Thigh, a: [40.5, 108.0], b: [40.0, 152.0], half_a: 9.2, half_b: 5.6 },
    Band { seg: Segment::Shank, a: [40.0, 152.0], b: [40.5, 189.0], half_a: 5.6, half_b: 3.0 },
    Band { seg: Segment::Foot, a: [40.5, 189.0], b: [39.5, 198.0], half_a: 3.0, half_b: 3.4 },
];

fn band(seg: Segment) -> &'static Band {
    BANDS
        .iter()
        .find(|b| b.seg == seg)
        .expect("every segment has a band")
}

/// Whether `side` is drawn on the viewer's left half in `view`.
fn on_viewer_left(view: View, side: BodySide) -> bool {
    matches!(
        (view, side),
        (View::Front, BodySide::Right) | (View::Back, BodySide::Left)
    )
}

/// The point at (`u`, `v`) of segment `seg` on `side`, seen in `view`.
pub fn segment_point(view: View, side: BodySide, seg: Segment, u: f32, v: f32) -> Pt {
    let b = band(seg);
    let (dx, dy) = (b.b[0] - b.a[0], b.b[1] - b.a[1]);
    let len = (dx * dx + dy * dy).sqrt();
    // Unit normal pointing away from the midline (to the viewer's left).
    let (nx, ny) = (-dy / len, dx / len);
    let (nx, ny) = if nx > 0.0 { (-nx, -ny) } else { (nx, ny) };
    let half = b.half_a + (b.half_b - b.half_a) * u;
    let x = b.a[0] + dx * u + nx * v * half;
    let y = b.a[1] + dy * u + ny * v * half;
    if on_viewer_left(view, side) {
        [x, y]
    } else {
        [VIEW_WIDTH - x, y]
    }
}

/// The direction along segment `seg` (proximal to distal) turned by `degrees` towards the lateral side, as a
/// unit vector in `view` for `side`.
pub fn segment_direction(view: View, side: BodySide, seg: Segment, degrees: f32) -> Pt {
    let p0 = segment_point(view, side, seg, 0.0, 0.0);
    let p1 = segment_point(view, side, seg, 1.0, 0.0);
    let (dx, dy) = (p1[0] - p0[0], p1[1] - p0[1]);
    let len = (dx * dx + dy * dy).sqrt();
    let (ax, ay) = (dx / len, dy / len);
    // The lateral normal in this view.
    let l0 = segment_point(view, side, seg, 0.5, 1.0);
    let c0 = segment_point(view, side, seg, 0.5, 0.0);
    let (lx, ly) = (l0[0] - c0[0], l0[1] - c0[1]);
    let ll = (lx * lx + ly * ly).sqrt();
    let (lx, ly) = (lx / ll, ly / ll);
    let (s, c) = degrees.to_radians().sin_cos();
    [ax * c + lx * s, ay * c + ly * s]
}

/// The outline of a segment band on `side` in `view`, as a closed polygon.
pub fn segment_outline(view: View, side: BodySide, seg: Segment) -> Vec<Pt> {
    const STEPS: usize = 6;
    let mut pts = Vec::with_capacity(2 * STEPS + 2);
    for i in 0..=STEPS {
        pts.push(segment_point(view, side, seg, i as f32 / STEPS as f32, 1.0));
    }
    for i in (0..=STEPS).rev() {
        pts.push(segment_point(
            view,
            side,
            seg,
            i as f32 / STEPS as f32,
            -1.0,
        ));
    }
    pts
}

/// Every segment.
pub const SEGMENTS: [Segment; 7] = [
    Segment::Trunk,
    Segment::UpperArm,
    Segment::Forearm,
    Segment::Hand,
    Segment::Thigh,
    Segment::Shank,
    Segment::Foot,
];

/// The head: centre and radius.
pub const HEAD: (Pt, f32) = ([50.0, 14.0], 10.0);
/// The neck: a rectangle from its top-left to its bottom-right corner.
pub const NECK: (Pt, Pt) = ([45.0, 22.0], [55.0, 33.0]);

/// Points sampled around an ellipse with centre (`uc`, `vc`) and radii (`ru`, `rv`) in a segment's
/// coordinates: a muscle belly that follows the band's taper and slant.
pub fn segment_ellipse(
    view: View,
    side: BodySide,
    seg: Segment,
    (uc, ru): (f32, f32),
    (vc, rv): (f32, f32),
) -> Vec<Pt> {
    const STEPS: usize = 20;
    (0..STEPS)
        .map(|i| {
            let a = i as f32 / STEPS as f32 * std::f32::consts::TAU;
            segment_point(view, side, seg, uc + ru * a.cos(), vc + rv * a.sin())
        })
        .collect()
}

/// Whether `p` lies inside the closed polygon `poly` (even-odd rule).
pub fn contains(poly: &[Pt], p: Pt) -> bool {
    let mut inside = false;
    let n = poly.len();
    for i in 0..n {
        let (a, b) = (poly[i], poly[(i + n - 1) % n]);
        if (a[1] > p[1]) != (b[1] > p[1])
            && p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]
        {
            inside = !inside;
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_mirror_and_swap_between_views() {
        let p = segment_point(View::Front, BodySide::Right, Segment::Forearm, 0.5, 0.0);
        let q = segment_point(View::Front, BodySide::Left, Segment::Forearm, 0.5, 0.0);
        assert!(p[0] < 50.0 && q[0] > 50.0);
        assert!((p[0] + q[0] - VIEW_WIDTH).abs() < 1e-4 && p[1] == q[1]);
        // From the back the person's right is on the viewer's right.
        let r = segment_point(View::Back, BodySide::Right, Segment::Forearm, 0.5, 0.0);
        assert_eq!(r, q);
    }

    #[test]
    fn lateral_points_away_from_the_midline() {
        for side in BodySide::BOTH {
            for view in [View::Front, View::Back] {
                let c = segment_point(view, side, Segment::Thigh, 0.5, 0.0);
                let l = segment_point(view, side, Segment::Thigh, 0.5, 1.0);
                assert!(
                    (l[0] - 50.0).abs() > (c[0] - 50.0).abs(),
                    "{view:?} {side:?}"
                );
            }
        }
    }

    #[test]
    fn the_figure_fits_its_box_and_polygons_contain_their_centres() {
        for seg in SEGMENTS {
            let outline = segment_outline(View::Front, BodySide::Right, seg);
            for p in &outline {
                assert!((0.0..=VIEW_WIDTH).contains(&p[0]), "{seg:?} {p:?}");
                assert!((0.0..=VIEW_HEIGHT).contains(&p[1]), "{seg:?} {p:?}");
            }
            let c = segment_point(View::Front, BodySide::Right, seg, 0.5, 0.0);
            assert!(contains(&outline, c), "{seg:?}");
            assert!(!contains(&outline, [99.0, 1.0]));
        }
    }
}
