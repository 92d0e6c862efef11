//! Where each preset muscle is on the schematic figure ([`super::body_figure`]) and how its electrodes go on:
//! the muscle's region (an ellipse in its segment's coordinates), the fibre direction, the centre of the
//! electrode pair, the bony landmarks the placement text names (SENIAM's where SENIAM has one) and the
//! reference electrode. One table serves the body map, the placement pictures and the printed report.

use super::body_figure::{
    BodySide, Pt, Segment, UNITS_PER_MM, View, segment_direction, segment_ellipse, segment_point,
};
use super::presets::{self, MusclePreset};

/// A place on a segment: (segment, u along it, v across it), see [`super::body_figure`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spot {
    /// The segment.
    pub seg: Segment,
    /// Along the segment: 0 proximal, 1 distal.
    pub u: f32,
    /// Across the segment: -1 medial edge, +1 lateral edge.
    pub v: f32,
}

const fn at(seg: Segment, u: f32, v: f32) -> Spot {
    Spot { seg, u, v }
}

/// A preset muscle on the figure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MuscleShape {
    /// The preset's name ([`presets::PRESETS`]).
    pub muscle: &'static str,
    /// The view it is seen (and its electrodes placed) in.
    pub view: View,
    /// Its segment.
    pub seg: Segment,
    /// The region: centre and radius along the segment (u).
    pub along: (f32, f32),
    /// The region: centre and radius across the segment (v).
    pub across: (f32, f32),
    /// The fibres' direction, degrees from the segment's axis towards its lateral edge.
    pub fibre_deg: f32,
    /// Centre of the electrode pair.
    pub site: Spot,
    /// The bony landmarks the placement is measured from.
    pub landmarks: &'static [(&'static str, Spot)],
    /// The reference electrode: where, and its place.
    pub reference: (&'static str, Spot),
}

use Segment::{Forearm, Shank, Thigh, Trunk, UpperArm};
use View::{Back, Front};

const ACROMION: (&str, Spot) = ("Acromion", at(UpperArm, -0.06, 0.4));
const WRIST: (&str, Spot) = ("Wrist (reference)", at(Forearm, 1.02, 0.0));
const ANKLE: (&str, Spot) = ("Ankle (reference)", at(Shank, 1.0, 0.0));
const C7: (&str, Spot) = ("C7 spinous process (reference)", at(Trunk, -0.05, -1.0));
const ILIAC_CREST_REF: (&str, Spot) = ("Iliac crest (reference)", at(Trunk, 0.82, 0.9));
const ASIS: (&str, Spot) = ("Anterior superior iliac spine", at(Trunk, 0.92, 0.55));

/// The table: one entry per preset, in [`presets::PRESETS`] order.
#[rustfmt::skip]
pub const SHAPES: &[MuscleShape] = &[
    MuscleShape {
        muscle: "Biceps brachii",
        view: Front, seg: UpperArm, along: (0.55, 0.3), across: (0.0, 0.6), fibre_deg: 0.0,
        site: at(UpperArm, 0.67, 0.0),
        landmarks: &[("Medial acromion", at(UpperArm, -0.06, 0.0)), ("Fossa cubiti", at(UpperArm, 1.0, 0.0))],
        reference: WRIST,
    },
    MuscleShape {
        muscle: "Triceps brachii (long head)",
        view: Back, seg: UpperArm, along: (0.5, 0.3), across: (-0.4, 0.45), fibre_deg: 0.0,
        site: at(UpperArm, 0.5, -0.45),
        landmarks: &[("Posterior crista of the acromion", at(UpperArm, -0.06, 0.1)), ("Olecranon", at(UpperArm, 1.02, 0.0))],
        reference: C7,
    },
    MuscleShape {
        muscle: "Triceps brachii (lateral head)",
        view: Back, seg: UpperArm, along: (0.45, 0.28), across: (0.45, 0.45), fibre_deg: 0.0,
        site: at(UpperArm, 0.5, 0.45),
        landmarks: &[("Posterior crista of the acromion", at(UpperArm, -0.06, 0.1)), ("Olecranon", at(UpperArm, 1.02, 0.0))],
        reference: C7,
    },
    MuscleShape {
        muscle: "Brachioradialis",
        view: Front, seg: Forearm, along: (0.25, 0.22), across: (0.5, 0.45), fibre_deg: 0.0,
        site: at(Forearm, 0.17, 0.5),
        landmarks: &[("Lateral epicondyle", at(Forearm, 0.0, 1.0)), ("Radial styloid", at(Forearm, 1.0, 0.8))],
        reference: WRIST,
    },
    MuscleShape {
        muscle: "Forearm flexors",
        view: Front, seg: Forearm, along: (0.35, 0.25), across: (-0.35, 0.5), fibre_deg: 0.0,
        site: at(Forearm, 0.33, -0.3),
        landmarks: &[("Medial epicondyle", at(Forearm, 0.0, -1.0)), ("Middle of the wrist", at(Forearm, 1.0, 0.0))],
        reference: ("Ulnar styloid (reference)", at(Forearm, 1.0, -0.9)),
    },
    MuscleShape {
        muscle: "Forearm extensors",
        view: Back, seg: Forearm, along: (0.35, 0.25), across: (0.3, 0.5), fibre_deg: 0.0,
        site: at(Forearm, 0.33, 0.3),
        landmarks: &[("Lateral epicondyle", at(Forearm, 0.0, 1.0)), ("Middle of the wrist", at(Forearm, 1.0, 0.0))],
        reference: ("Ulnar styloid (reference)", at(Forearm, 1.0, -0.9)),
    },
    MuscleShape {
        muscle: "Pectoralis major (clavicular)",
        view: Front, seg: Trunk, along: (0.1, 0.06), across: (0.05, 0.55), fibre_deg: 55.0,
        site: at(Trunk, 0.1, 0.05),
        landmarks: &[("Sternoclavicular joint", at(Trunk, 0.0, -0.85)), ("Anterior axillary fold", at(Trunk, 0.2, 0.95))],
        reference: ACROMION,
    },
    MuscleShape {
        muscle: "Pectoralis major (sternal)",
        view: Front, seg: Trunk, along: (0.22, 0.07), across: (0.0, 0.6), fibre_deg: 80.0,
        site: at(Trunk, 0.22, 0.5),
        landmarks: &[("Anterior axillary fold", at(Trunk, 0.2, 0.95)), ("Sternum, 4th rib", at(Trunk, 0.22, -1.0))],
        reference: ACROMION,
    },
    MuscleShape {
        muscle: "Anterior deltoid",
        view: Front, seg: UpperArm, along: (0.1, 0.12), across: (-0.1, 0.6), fibre_deg: 0.0,
        site: at(UpperArm, 0.08, 0.0),
        landmarks: &[ACROMION],
        reference: C7,
    },
    MuscleShape {
        muscle: "Medial deltoid",
        view: Front, seg: UpperArm, along: (0.14, 0.14), across: (0.65, 0.35), fibre_deg: 0.0,
        site: at(UpperArm, 0.16, 0.65),
        landmarks: &[ACROMION, ("Lateral epicondyle", at(UpperArm, 1.0, 1.0))],
        reference: C7,
    },
    MuscleShape {
        muscle: "Posterior deltoid",
        view: Back, seg: UpperArm, along: (0.1, 0.12), across: (-0.1, 0.6), fibre_deg: -10.0,
        site: at(UpperArm, 0.1, -0.1),
        landmarks: &[("Angle of the acromion", at(UpperArm, -0.06, 0.4))],
        reference: C7,
    },
    MuscleShape {
        muscle: "Latissimus dorsi",
        view: Back, seg: Trunk, along: (0.4, 0.16), across: (0.45, 0.45), fibre_deg: -40.0,
        site: at(Trunk, 0.36, 0.55),
        landmarks: &[("Posterior axillary fold", at(Trunk, 0.2, 1.0)), ("Inferior angle of the scapula", at(Trunk, 0.3, 0.2)), ("L3 spinous process", at(Trunk, 0.78, -1.0))],
        reference: C7,
    },
    MuscleShape {
        muscle: "Upper trapezius",
        view: Back, seg: Trunk, along: (0.02, 0.05), across: (-0.05, 0.6), fibre_deg: 75.0,
        site: at(Trunk, 0.02, -0.05),
        landmarks: &[ACROMION, ("C7 spinous process", at(Trunk, -0.05, -1.0))],
        reference: ("Wrist (reference)", at(Forearm, 1.02, 0.0)),
    },
    MuscleShape {
        muscle: "Middle trapezius/Rhomboids",
        view: Back, seg: Trunk, along: (0.17, 0.08), across: (-0.5, 0.4), fibre_deg: 85.0,
        site: at(Trunk, 0.15, -0.55),
        landmarks: &[("T3 spinous process", at(Trunk, 0.13, -1.0)), ("Medial border of the scapula", at(Trunk, 0.15, -0.1)), ACROMION],
        reference: C7,
    },
    MuscleShape {
        muscle: "Erector spinae (lumbar)",
        view: Back, seg: Trunk, along: (0.7, 0.15), across: (-0.72, 0.22), fibre_deg: 0.0,
        site: at(Trunk, 0.62, -0.72),
        landmarks: &[("L1 spinous process", at(Trunk, 0.62, -1.0))],
        reference: ILIAC_CREST_REF,
    },
    MuscleShape {
        muscle: "Rectus abdominis",
        view: Front, seg: Trunk, along: (0.6, 0.22), across: (-0.72, 0.25), fibre_deg: 0.0,
        site: at(Trunk, 0.66, -0.7),
        landmarks: &[("Umbilicus", at(Trunk, 0.7, -1.0))],
        reference: ILIAC_CREST_REF,
    },
    MuscleShape {
        muscle: "External oblique",
        view: Front, seg: Trunk, along: (0.6, 0.14), across: (0.45, 0.4), fibre_deg: -40.0,
        site: at(Trunk, 0.55, 0.5),
        landmarks: &[("Lowest rib", at(Trunk, 0.48, 0.6)), ("Umbilicus", at(Trunk, 0.7, -1.0))],
        reference: ILIAC_CREST_REF,
    },
    MuscleShape {
        muscle: "Gluteus maximus",
        view: Back, seg: Thigh, along: (0.06, 0.14), across: (-0.05, 0.8), fibre_deg: 35.0,
        site: at(Thigh, 0.04, 0.0),
        landmarks: &[("Sacral vertebrae", at(Thigh, -0.08, -1.0)), ("Greater trochanter", at(Thigh, 0.1, 1.0))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Gluteus medius",
        view: Back, seg: Trunk, along: (0.9, 0.05), across: (0.7, 0.3), fibre_deg: 0.0,
        site: at(Trunk, 0.9, 0.72),
        landmarks: &[("Iliac crest", at(Trunk, 0.82, 0.9)), ("Greater trochanter", at(Thigh, 0.1, 1.0))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Rectus femoris",
        view: Front, seg: Thigh, along: (0.45, 0.3), across: (0.05, 0.35), fibre_deg: 0.0,
        site: at(Thigh, 0.48, 0.1),
        landmarks: &[ASIS, ("Top of the patella", at(Thigh, 1.0, 0.0))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Vastus lateralis",
        view: Front, seg: Thigh, along: (0.62, 0.28), across: (0.7, 0.28), fibre_deg: -8.0,
        site: at(Thigh, 0.68, 0.7),
        landmarks: &[ASIS, ("Lateral side of the patella", at(Thigh, 1.0, 0.55))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Vastus medialis",
        view: Front, seg: Thigh, along: (0.82, 0.14), across: (-0.55, 0.35), fibre_deg: -55.0,
        site: at(Thigh, 0.82, -0.55),
        landmarks: &[ASIS, ("Medial knee joint space", at(Thigh, 1.05, -0.9))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Biceps femoris",
        view: Back, seg: Thigh, along: (0.55, 0.28), across: (0.45, 0.38), fibre_deg: 5.0,
        site: at(Thigh, 0.55, 0.45),
        landmarks: &[("Ischial tuberosity", at(Thigh, 0.12, -0.3)), ("Lateral epicondyle of the tibia", at(Thigh, 1.02, 0.85))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Semitendinosus",
        view: Back, seg: Thigh, along: (0.55, 0.28), across: (-0.4, 0.38), fibre_deg: -5.0,
        site: at(Thigh, 0.55, -0.45),
        landmarks: &[("Ischial tuberosity", at(Thigh, 0.12, -0.3)), ("Medial epicondyle of the tibia", at(Thigh, 1.02, -0.85))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Gastrocnemius medialis",
        view: Back, seg: Shank, along: (0.25, 0.17), across: (-0.45, 0.42), fibre_deg: 0.0,
        site: at(Shank, 0.22, -0.45),
        landmarks: &[("Medial femoral condyle", at(Shank, 0.0, -0.8)), ("Heel", at(Shank, 1.05, 0.0))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Gastrocnemius lateralis",
        view: Back, seg: Shank, along: (0.24, 0.16), across: (0.45, 0.42), fibre_deg: 0.0,
        site: at(Shank, 0.33, 0.4),
        landmarks: &[("Head of the fibula", at(Shank, 0.02, 0.95)), ("Heel", at(Shank, 1.05, 0.0))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Soleus",
        view: Back, seg: Shank, along: (0.6, 0.14), across: (0.0, 0.65), fibre_deg: 0.0,
        site: at(Shank, 0.66, -0.3),
        landmarks: &[("Medial femoral condyle", at(Shank, 0.0, -0.8)), ("Medial malleolus", at(Shank, 1.0, -0.9))],
        reference: ANKLE,
    },
    MuscleShape {
        muscle: "Tibialis anterior",
        view: Front, seg: Shank, along: (0.35, 0.25), across: (0.3, 0.38), fibre_deg: 0.0,
        site: at(Shank, 0.33, 0.35),
        landmarks: &[("Tip of the fibula", at(Shank, 0.0, 0.9)), ("Medial malleolus", at(Shank, 1.0, -0.9))],
        reference: ANKLE,
    },
];

/// Names the simulated board and older sessions use for a preset muscle.
const ALIASES: &[(&str, &str)] = &[
    ("Gastrocnemius", "Gastrocnemius medialis"),
    ("Wrist flexors", "Forearm flexors"),
    ("Wrist extensors", "Forearm extensors"),
    ("Rhomboids", "Middle trapezius/Rhomboids"),
    ("Middle trapezius", "Middle trapezius/Rhomboids"),
    ("Trapezius", "Upper trapezius"),
];

/// The preset a channel name stands for: [`presets::find`], then a few common short names.
pub fn preset_for(name: &str) -> Option<&'static MusclePreset> {
    presets::find(name).or_else(|| {
        ALIASES
            .iter()
            .find(|(alias, _)| alias.eq_ignore_ascii_case(name.trim()))
            .and_then(|(_, preset)| presets::find(preset))
    })
}

/// The shape of the preset called `name` (exactly as in [`presets::PRESETS`]).
pub fn shape(name: &str) -> Option<&'static MuscleShape> {
    SHAPES.iter().find(|s| s.muscle == name)
}

impl MuscleShape {
    /// A spot as a point in this muscle's view on `side`.
    pub fn point(&self, side: BodySide, s: Spot) -> Pt {
        segment_point(self.view, side, s.seg, s.u, s.v)
    }

    /// The region's outline on `side`.
    pub fn region(&self, side: BodySide) -> Vec<Pt> {
        segment_ellipse(self.view, side, self.seg, self.along, self.across)
    }

    /// The fibre direction on `side`, a unit vector in the view.
    pub fn fibre(&self, side: BodySide) -> Pt {
        // Turning "towards the lateral edge" is mirrored with the side, so the angle follows the body.
        segment_direction(self.view, side, self.seg, self.fibre_deg)
    }

    /// The two electrode centres, 20 mm apart along the fibres, on `side`.
    pub fn electrodes(&self, side: BodySide) -> [Pt; 2] {
        let c = self.point(side, self.site);
        let d = self.fibre(side);
        let h = 10.0 * UNITS_PER_MM;
        [
            [c[0] - d[0] * h, c[1] - d[1] * h],
            [c[0] + d[0] * h, c[1] + d[1] * h],
        ]
    }

    /// The part of the view a placement picture shows on `side`: (min, max) corners around the region,
    /// the electrodes, the landmarks and the reference, with a margin.
    pub fn zoom(&self, side: BodySide) -> (Pt, Pt) {
        let mut pts = self.region(side);
        pts.extend(self.electrodes(side));
        pts.extend(self.landmarks.iter().map(|(_, s)| self.point(side, *s)));
        pts.push(self.point(side, self.reference.1));
        let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
        for p in pts {
            for k in 0..2 {
                lo[k] = lo[k].min(p[k]);
                hi[k] = hi[k].max(p[k]);
            }
        }
        const MARGIN: f32 = 6.0;
        (
            [lo[0] - MARGIN, lo[1] - MARGIN],
            [hi[0] + MARGIN, hi[1] + MARGIN],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::body_figure::contains;

    #[test]
    fn every_preset_has_exactly_one_shape() {
        for p in presets::PRESETS {
            let n = SHAPES.iter().filter(|s| s.muscle == p.name).count();
            assert_eq!(n, 1, "{}", p.name);
        }
        assert_eq!(SHAPES.len(), presets::PRESETS.len());
    }

    #[test]
    fn electrodes_sit_on_their_muscle_20_mm_apart() {
        for s in SHAPES {
            for side in BodySide::BOTH {
                let region = s.region(side);
                let [a, b] = s.electrodes(side);
                assert!(
                    contains(&region, s.point(side, s.site)),
                    "{} {side:?}",
                    s.muscle
                );
                let mm = ((a[0] - b[0]).hypot(a[1] - b[1])) / UNITS_PER_MM;
                assert!((mm - 20.0).abs() < 0.01, "{} {mm}", s.muscle);
            }
        }
    }

    #[test]
    fn the_zoom_holds_everything_and_stays_small() {
        for s in SHAPES {
            let (lo, hi) = s.zoom(BodySide::Right);
            assert!(hi[0] > lo[0] && hi[1] > lo[1]);
            // A zoom, not the whole figure: under 80 % of the body's height.
            assert!(hi[1] - lo[1] < 160.0, "{}: {lo:?}..{hi:?}", s.muscle);
        }
    }

    #[test]
    fn short_names_find_their_presets() {
        assert_eq!(
            preset_for("Gastrocnemius").unwrap().name,
            "Gastrocnemius medialis"
        );
        assert_eq!(preset_for("biceps brachii").unwrap().name, "Biceps brachii");
        assert_eq!(
            preset_for("Triceps brachii").unwrap().name,
            "Triceps brachii (long head)"
        );
        assert!(preset_for("Iliopsoas").is_none());
        assert!(preset_for("").is_none());
    }
}
