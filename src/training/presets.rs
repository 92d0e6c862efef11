//! The muscles a lifter, coach or physio picks from, where to put the electrodes on each, and common
//! exercises with the muscle that should do the work and the one that should stay quiet.
//!
//! Placements follow the SENIAM recommendations (Hermens et al. 2000, seniam.org) where SENIAM has one:
//! bipolar electrodes 20 mm apart centre to centre, along the muscle fibres, at a point on a line between two
//! bony landmarks. SENIAM covers no chest, abdominal, latissimus, rhomboid or forearm muscles; for those the
//! text gives the common surface-EMG atlas practice (Cram's placements and similar) and says so.

/// One muscle (or part of a muscle) with its electrode placement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MusclePreset {
    /// Display name, unique among [`PRESETS`].
    pub name: &'static str,
    /// Body region, for grouping in a picker.
    pub region: &'static str,
    /// Where and how to put the electrodes: site relative to bony landmarks, orientation, inter-electrode
    /// distance, reference electrode, and a test movement to check the signal.
    pub placement: &'static str,
    /// The usual antagonist, by preset name.
    pub antagonist: Option<&'static str>,
}

/// The muscle an exercise watches besides its target, by preset name, and how it competes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Competing {
    /// Works against the target and should stay quiet (judged by ratio and co-contraction index).
    Antagonist(&'static str),
    /// Helps the target and tends to take over (judged by the target's share of the work).
    Synergist(&'static str),
}

impl Competing {
    /// The muscle's preset name.
    pub fn muscle(self) -> &'static str {
        match self {
            Competing::Antagonist(m) | Competing::Synergist(m) => m,
        }
    }

    /// Its role in a setup.
    pub fn role(self) -> Role {
        match self {
            Competing::Antagonist(_) => Role::Antagonist,
            Competing::Synergist(_) => Role::Synergist,
        }
    }

    /// "antagonist" or "synergist", for hover texts.
    pub fn role_name(self) -> &'static str {
        match self {
            Competing::Antagonist(_) => "antagonist",
            Competing::Synergist(_) => "synergist",
        }
    }
}

/// A common exercise: the muscle that should do the work and the one to watch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExerciseTemplate {
    /// Display name, unique among [`EXERCISES`].
    pub name: &'static str,
    /// The muscle the exercise trains, by preset name.
    pub target: &'static str,
    /// The muscle to watch: the antagonist that should stay quiet, or the synergist that tends to take over.
    pub competing: Option<Competing>,
}

/// Region names used in [`PRESETS`].
const UPPER_ARM: &str = "Upper arm";
const FOREARM: &str = "Forearm";
const CHEST: &str = "Chest";
const SHOULDER: &str = "Shoulder";
const UPPER_BACK: &str = "Upper back";
const TRUNK: &str = "Trunk";
const HIP: &str = "Hip";
const THIGH: &str = "Thigh";
const LOWER_LEG: &str = "Lower leg";

use super::setup::Role;
use Competing::{Antagonist, Synergist};

/// The muscle presets.
pub const PRESETS: &[MusclePreset] = &[
    MusclePreset {
        name: "Biceps brachii",
        region: UPPER_ARM,
        placement: "SENIAM: on the line from the medial acromion to the fossa cubiti, one third of the way up \
            from the elbow crease, oriented along that line, electrodes 20 mm apart. Reference electrode on or \
            around the wrist. Check: elbow at about 90 degrees, forearm supinated, flex against resistance.",
        antagonist: Some("Triceps brachii (lateral head)"),
    },
    MusclePreset {
        name: "Triceps brachii (long head)",
        region: UPPER_ARM,
        placement: "SENIAM: halfway along the line from the posterior crista of the acromion to the olecranon, \
            two finger widths medial to that line, oriented along it, electrodes 20 mm apart. Reference \
            electrode on the C7 spinous process or around the wrist. Check: shoulder about 90 degrees flexed, \
            extend the elbow against resistance.",
        antagonist: Some("Biceps brachii"),
    },
    MusclePreset {
        name: "Triceps brachii (lateral head)",
        region: UPPER_ARM,
        placement: "SENIAM: halfway along the line from the posterior crista of the acromion to the olecranon, \
            two finger widths lateral to that line, oriented along it, electrodes 20 mm apart. Reference \
            electrode on the C7 spinous process or around the wrist. Check: shoulder about 90 degrees flexed, \
            extend the elbow against resistance.",
        antagonist: Some("Biceps brachii"),
    },
    MusclePreset {
        name: "Brachioradialis",
        region: FOREARM,
        placement: "Not covered by SENIAM; common atlas practice (Cram): on the fleshy mass about 4 cm distal \
            to the lateral epicondyle, along the line to the radial styloid, electrodes 20 mm apart and \
            parallel to the fibres. Reference electrode on the olecranon or around the wrist. Check: elbow \
            flexed, thumb up (forearm neutral), flex the elbow against resistance.",
        antagonist: Some("Triceps brachii (lateral head)"),
    },
    MusclePreset {
        name: "Forearm flexors",
        region: FOREARM,
        placement: "Not covered by SENIAM; common atlas practice: on the anterior forearm, about one third of \
            the way from the medial epicondyle to the middle of the wrist, on the bulge felt when making a \
            fist, electrodes 20 mm apart along the forearm. Reference electrode on the olecranon or the \
            ulnar styloid. Check: flex the wrist and squeeze a fist against resistance.",
        antagonist: Some("Forearm extensors"),
    },
    MusclePreset {
        name: "Forearm extensors",
        region: FOREARM,
        placement: "Not covered by SENIAM; common atlas practice: on the posterior forearm, about one third of \
            the way from the lateral epicondyle to the middle of the wrist, on the bulge felt when lifting \
            the back of the hand, electrodes 20 mm apart along the forearm. Reference electrode on the \
            olecranon or the ulnar styloid. Check: extend the wrist against resistance.",
        antagonist: Some("Forearm flexors"),
    },
    MusclePreset {
        name: "Pectoralis major (clavicular)",
        region: CHEST,
        placement: "Not covered by SENIAM; common atlas practice: about two finger widths below the middle of \
            the clavicle, oriented along the line from the sternoclavicular joint to the anterior axillary \
            fold, electrodes 20 mm apart. Reference electrode on the clavicle or the acromion. Check: arm \
            raised forward to about 45 degrees, push it up and across the body against resistance.",
        antagonist: Some("Posterior deltoid"),
    },
    MusclePreset {
        name: "Pectoralis major (sternal)",
        region: CHEST,
        placement: "Not covered by SENIAM; common atlas practice: on the chest wall about 4 cm medial to the \
            anterior axillary fold, at the level of the fourth rib (above the nipple line), oriented \
            horizontally along the fibres towards the armpit, electrodes 20 mm apart. Reference electrode on \
            the clavicle or the acromion. Check: arm forward at shoulder height, press it across the body \
            against resistance.",
        antagonist: Some("Posterior deltoid"),
    },
    MusclePreset {
        name: "Anterior deltoid",
        region: SHOULDER,
        placement: "SENIAM: one finger width distal and anterior to the acromion, oriented along the line from \
            the acromion to the thumb, electrodes 20 mm apart. Reference electrode on the C7 spinous process \
            or around the wrist. Check: sitting, arm slightly abducted and externally rotated, raise it \
            forward against resistance.",
        antagonist: Some("Posterior deltoid"),
    },
    MusclePreset {
        name: "Medial deltoid",
        region: SHOULDER,
        placement: "SENIAM: on the line from the acromion to the lateral epicondyle of the elbow, over the \
            greatest bulge of the muscle, oriented along that line, electrodes 20 mm apart. Reference \
            electrode on the C7 spinous process or around the wrist. Check: sitting, abduct the arm without \
            rotating it, against resistance.",
        antagonist: Some("Latissimus dorsi"),
    },
    MusclePreset {
        name: "Posterior deltoid",
        region: SHOULDER,
        placement: "SENIAM: about two finger widths behind the angle of the acromion, oriented along the line \
            from the acromion to the little finger, electrodes 20 mm apart. Reference electrode on the C7 \
            spinous process or around the wrist. Check: arm abducted to 90 degrees, move it horizontally \
            backwards against resistance.",
        antagonist: Some("Anterior deltoid"),
    },
    MusclePreset {
        name: "Latissimus dorsi",
        region: UPPER_BACK,
        placement: "Not covered by SENIAM; common atlas practice: three finger widths below the posterior \
            axillary fold (about 4 cm below the inferior angle of the scapula, lateral to it), oriented \
            obliquely along the line from the axillary fold towards the L3 spinous process, electrodes 20 mm \
            apart. Reference electrode on the C7 spinous process or the acromion. Check: arm at the side, \
            pull it down and back (extend and adduct the shoulder) against resistance.",
        antagonist: Some("Medial deltoid"),
    },
    MusclePreset {
        name: "Upper trapezius",
        region: UPPER_BACK,
        placement: "SENIAM (trapezius descendens): halfway along the line from the acromion to the C7 spinous \
            process, oriented along that line, electrodes 20 mm apart. Reference electrode on the C7 spinous \
            process or around the wrist. Check: sitting, arms hanging, shrug the shoulder up against \
            resistance.",
        antagonist: Some("Latissimus dorsi"),
    },
    MusclePreset {
        name: "Middle trapezius/Rhomboids",
        region: UPPER_BACK,
        placement: "SENIAM (trapezius transversalis): halfway between the medial border of the scapula and the \
            spine at the level of T3, oriented along the line from T5 to the acromion, electrodes 20 mm apart; \
            the rhomboids lie under this site and are not separable with surface electrodes. Reference \
            electrode on the C7 spinous process or around the wrist. Check: arm abducted 90 degrees, palm \
            up, squeeze the shoulder blade towards the spine against resistance.",
        antagonist: Some("Pectoralis major (sternal)"),
    },
    MusclePreset {
        name: "Erector spinae (lumbar)",
        region: TRUNK,
        placement: "SENIAM (longissimus): two finger widths lateral to the L1 spinous process, oriented \
            vertically, electrodes 20 mm apart. Reference electrode on a bony site away from the muscle, \
            such as the iliac crest or the C7 spinous process. Check: lying face down, lift the chest off \
            the table against resistance.",
        antagonist: Some("Rectus abdominis"),
    },
    MusclePreset {
        name: "Rectus abdominis",
        region: TRUNK,
        placement: "Not covered by SENIAM; common atlas practice: about 3 cm lateral to the umbilicus (on the \
            muscle belly, level with or just above the navel), oriented vertically along the fibres, \
            electrodes 20 mm apart. Reference electrode on the iliac crest or the anterior superior iliac \
            spine. Check: lying on the back, curl the trunk up (crunch).",
        antagonist: Some("Erector spinae (lumbar)"),
    },
    MusclePreset {
        name: "External oblique",
        region: TRUNK,
        placement: "Not covered by SENIAM; common atlas practice: about 15 cm lateral to the umbilicus, just \
            below the lowest rib, oriented obliquely along the fibres (down and forwards, towards the pubic \
            tubercle), electrodes 20 mm apart. Reference electrode on the iliac crest. Check: lying on the \
            back, curl up and rotate the trunk towards the opposite side.",
        antagonist: Some("Erector spinae (lumbar)"),
    },
    MusclePreset {
        name: "Gluteus maximus",
        region: HIP,
        placement: "SENIAM: halfway along the line from the sacral vertebrae to the greater trochanter, on the \
            greatest prominence of the buttock, oriented along the line from the posterior superior iliac \
            spine to the middle of the back of the thigh, electrodes 20 mm apart. Reference electrode on or \
            around the ankle. Check: lying face down, knee bent 90 degrees, lift the thigh off the table \
            against resistance.",
        antagonist: Some("Rectus femoris"),
    },
    MusclePreset {
        name: "Gluteus medius",
        region: HIP,
        placement: "SENIAM: halfway along the line from the iliac crest to the greater trochanter, oriented \
            along that line, electrodes 20 mm apart. Reference electrode on or around the ankle. Check: side \
            lying, abduct the straight upper leg against resistance.",
        antagonist: None,
    },
    MusclePreset {
        name: "Rectus femoris",
        region: THIGH,
        placement: "SENIAM: halfway along the line from the anterior superior iliac spine to the top of the \
            patella, oriented along that line, electrodes 20 mm apart. Reference electrode on or around the \
            ankle. Check: sitting, extend the knee against resistance without rotating the thigh.",
        antagonist: Some("Biceps femoris"),
    },
    MusclePreset {
        name: "Vastus lateralis",
        region: THIGH,
        placement: "SENIAM: two thirds of the way along the line from the anterior superior iliac spine to the \
            lateral side of the patella, oriented along the muscle fibres, electrodes 20 mm apart. Reference \
            electrode on or around the ankle. Check: sitting, extend the knee against resistance without \
            rotating the thigh.",
        antagonist: Some("Biceps femoris"),
    },
    MusclePreset {
        name: "Vastus medialis",
        region: THIGH,
        placement: "SENIAM: 80 % of the way along the line from the anterior superior iliac spine to the joint \
            space in front of the medial collateral ligament, oriented almost perpendicular to that line \
            (along the oblique fibres), electrodes 20 mm apart. Reference electrode on or around the ankle. \
            Check: sitting, extend the knee against resistance without rotating the thigh.",
        antagonist: Some("Semitendinosus"),
    },
    MusclePreset {
        name: "Biceps femoris",
        region: THIGH,
        placement: "SENIAM: halfway along the line from the ischial tuberosity to the lateral epicondyle of the \
            tibia, oriented along that line, electrodes 20 mm apart. Reference electrode on or around the \
            ankle. Check: lying face down, knee bent, lower leg turned slightly outwards, flex the knee \
            against resistance.",
        antagonist: Some("Rectus femoris"),
    },
    MusclePreset {
        name: "Semitendinosus",
        region: THIGH,
        placement: "SENIAM: halfway along the line from the ischial tuberosity to the medial epicondyle of the \
            tibia, oriented along that line, electrodes 20 mm apart. Reference electrode on or around the \
            ankle. Check: lying face down, knee bent, lower leg turned slightly inwards, flex the knee \
            against resistance.",
        antagonist: Some("Vastus medialis"),
    },
    MusclePreset {
        name: "Gastrocnemius medialis",
        region: LOWER_LEG,
        placement: "SENIAM: on the most prominent bulge of the medial calf, oriented along the leg, electrodes \
            20 mm apart. Reference electrode on or around the ankle. Check: lying face down, foot over the \
            end of the table, plantar flex pulling the heel up against resistance.",
        antagonist: Some("Tibialis anterior"),
    },
    MusclePreset {
        name: "Gastrocnemius lateralis",
        region: LOWER_LEG,
        placement: "SENIAM: one third of the way along the line from the head of the fibula to the heel, \
            oriented along that line, electrodes 20 mm apart. Reference electrode on or around the ankle. \
            Check: lying face down, foot over the end of the table, plantar flex pulling the heel up against \
            resistance.",
        antagonist: Some("Tibialis anterior"),
    },
    MusclePreset {
        name: "Soleus",
        region: LOWER_LEG,
        placement: "SENIAM: two thirds of the way along the line from the medial condyle of the femur to the \
            medial malleolus, oriented along that line, electrodes 20 mm apart. Reference electrode on or \
            around the ankle. Check: sitting or kneeling with the knee bent 90 degrees (which quiets the \
            gastrocnemius), plantar flex against resistance.",
        antagonist: Some("Tibialis anterior"),
    },
    MusclePreset {
        name: "Tibialis anterior",
        region: LOWER_LEG,
        placement: "SENIAM: one third of the way along the line from the tip of the fibula to the tip of the \
            medial malleolus, oriented along that line, electrodes 20 mm apart. Reference electrode on or \
            around the ankle. Check: lift the foot (dorsiflex and invert) against resistance on its inner \
            top side.",
        antagonist: Some("Gastrocnemius medialis"),
    },
];

/// Common exercises.
pub const EXERCISES: &[ExerciseTemplate] = &[
    ExerciseTemplate {
        name: "Biceps curl",
        target: "Biceps brachii",
        competing: Some(Antagonist("Triceps brachii (lateral head)")),
    },
    ExerciseTemplate {
        name: "Hammer curl",
        target: "Brachioradialis",
        competing: Some(Antagonist("Triceps brachii (lateral head)")),
    },
    ExerciseTemplate {
        name: "Triceps pushdown",
        target: "Triceps brachii (lateral head)",
        competing: Some(Antagonist("Biceps brachii")),
    },
    ExerciseTemplate {
        name: "Overhead triceps extension",
        target: "Triceps brachii (long head)",
        competing: Some(Antagonist("Biceps brachii")),
    },
    ExerciseTemplate {
        name: "Bench press",
        target: "Pectoralis major (sternal)",
        competing: Some(Antagonist("Posterior deltoid")),
    },
    ExerciseTemplate {
        name: "Incline bench press",
        target: "Pectoralis major (clavicular)",
        competing: Some(Antagonist("Posterior deltoid")),
    },
    ExerciseTemplate {
        name: "Lateral raise",
        target: "Medial deltoid",
        competing: Some(Synergist("Upper trapezius")),
    },
    ExerciseTemplate {
        name: "Reverse fly",
        target: "Posterior deltoid",
        competing: Some(Synergist("Upper trapezius")),
    },
    ExerciseTemplate {
        name: "Lat pulldown",
        target: "Latissimus dorsi",
        competing: Some(Synergist("Biceps brachii")),
    },
    ExerciseTemplate {
        name: "Seated row",
        target: "Middle trapezius/Rhomboids",
        competing: Some(Synergist("Upper trapezius")),
    },
    ExerciseTemplate {
        name: "Squat",
        target: "Vastus lateralis",
        competing: Some(Antagonist("Biceps femoris")),
    },
    ExerciseTemplate {
        name: "Leg extension",
        target: "Rectus femoris",
        competing: Some(Antagonist("Biceps femoris")),
    },
    ExerciseTemplate {
        name: "Hip thrust",
        target: "Gluteus maximus",
        competing: Some(Synergist("Biceps femoris")),
    },
    ExerciseTemplate {
        name: "Leg curl",
        target: "Biceps femoris",
        competing: Some(Antagonist("Rectus femoris")),
    },
    ExerciseTemplate {
        name: "Calf raise",
        target: "Gastrocnemius medialis",
        competing: Some(Antagonist("Tibialis anterior")),
    },
    ExerciseTemplate {
        name: "Back extension",
        target: "Erector spinae (lumbar)",
        competing: Some(Antagonist("Rectus abdominis")),
    },
];

/// The preset called `name`, ignoring case and surrounding spaces. A name without a part in brackets also
/// finds the first preset of that muscle ("Triceps brachii" finds "Triceps brachii (long head)").
pub fn find(name: &str) -> Option<&'static MusclePreset> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    PRESETS
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .or_else(|| {
            PRESETS.iter().find(|p| {
                p.name
                    .split_once(" (")
                    .is_some_and(|(base, _)| base.eq_ignore_ascii_case(name))
            })
        })
}

/// The exercise template called `name`, ignoring case and surrounding spaces.
pub fn find_exercise(name: &str) -> Option<&'static ExerciseTemplate> {
    let name = name.trim();
    EXERCISES.iter().find(|e| e.name.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Names the brief asks to be covered (some as a part in brackets).
    const REQUIRED: &[&str] = &[
        "Biceps brachii",
        "Triceps brachii (long head)",
        "Triceps brachii (lateral head)",
        "Pectoralis major (clavicular)",
        "Pectoralis major (sternal)",
        "Anterior deltoid",
        "Medial deltoid",
        "Posterior deltoid",
        "Latissimus dorsi",
        "Upper trapezius",
        "Middle trapezius/Rhomboids",
        "Gluteus maximus",
        "Gluteus medius",
        "Rectus femoris",
        "Vastus lateralis",
        "Vastus medialis",
        "Biceps femoris",
        "Semitendinosus",
        "Gastrocnemius medialis",
        "Gastrocnemius lateralis",
        "Soleus",
        "Tibialis anterior",
        "Rectus abdominis",
        "External oblique",
        "Erector spinae (lumbar)",
        "Brachioradialis",
        "Forearm flexors",
    ];

    #[test]
    fn covers_the_required_muscles() {
        for name in REQUIRED {
            assert!(PRESETS.iter().any(|p| p.name == *name), "{name} missing");
        }
    }

    #[test]
    fn names_are_unique_case_insensitively() {
        let presets: HashSet<String> = PRESETS.iter().map(|p| p.name.to_lowercase()).collect();
        assert_eq!(presets.len(), PRESETS.len());
        let exercises: HashSet<String> = EXERCISES.iter().map(|e| e.name.to_lowercase()).collect();
        assert_eq!(exercises.len(), EXERCISES.len());
    }

    #[test]
    fn every_antagonist_names_a_preset() {
        for p in PRESETS {
            if let Some(a) = p.antagonist {
                let found = PRESETS.iter().find(|q| q.name == a);
                assert!(found.is_some(), "{}: antagonist {a} is no preset", p.name);
                assert_ne!(a, p.name, "{} is its own antagonist", p.name);
            }
        }
    }

    #[test]
    fn every_exercise_muscle_names_a_preset() {
        for e in EXERCISES {
            assert!(
                PRESETS.iter().any(|p| p.name == e.target),
                "{}: {}",
                e.name,
                e.target
            );
            if let Some(a) = e.competing.map(Competing::muscle) {
                assert!(PRESETS.iter().any(|p| p.name == a), "{}: {a}", e.name);
                assert_ne!(a, e.target, "{}", e.name);
            }
        }
    }

    #[test]
    fn the_classic_pairs_are_there() {
        let ant = |n: &str| find(n).and_then(|p| p.antagonist);
        assert_eq!(
            ant("Biceps brachii"),
            Some("Triceps brachii (lateral head)")
        );
        assert_eq!(
            ant("Triceps brachii (lateral head)"),
            Some("Biceps brachii")
        );
        assert_eq!(ant("Rectus femoris"), Some("Biceps femoris"));
        assert_eq!(ant("Biceps femoris"), Some("Rectus femoris"));
        assert_eq!(ant("Tibialis anterior"), Some("Gastrocnemius medialis"));
        assert_eq!(ant("Gastrocnemius medialis"), Some("Tibialis anterior"));
        let raise = find_exercise("lateral raise").unwrap();
        assert_eq!(
            (raise.target, raise.competing),
            ("Medial deltoid", Some(Synergist("Upper trapezius")))
        );
        let bench = find_exercise("Bench press").unwrap();
        assert_eq!(bench.competing, Some(Antagonist("Posterior deltoid")));
    }

    #[test]
    fn the_muscle_that_takes_over_is_a_synergist_not_an_antagonist() {
        let competing = |e: &str| find_exercise(e).and_then(|t| t.competing);
        assert_eq!(
            competing("Lateral raise"),
            Some(Synergist("Upper trapezius"))
        );
        assert_eq!(competing("Lat pulldown"), Some(Synergist("Biceps brachii")));
        assert_eq!(competing("Hip thrust"), Some(Synergist("Biceps femoris")));
        assert_eq!(
            competing("Biceps curl"),
            Some(Antagonist("Triceps brachii (lateral head)"))
        );
        assert_eq!(competing("Leg curl"), Some(Antagonist("Rectus femoris")));
        let raise = competing("Lateral raise").unwrap();
        assert_eq!(
            (raise.role(), raise.role_name()),
            (Role::Synergist, "synergist")
        );
    }

    #[test]
    fn placements_read_like_instructions() {
        for p in PRESETS {
            let sentences = p.placement.matches(". ").count() + 1;
            assert!((2..=4).contains(&sentences), "{}: {sentences}", p.name);
            assert!(p.placement.contains("20 mm"), "{}", p.name);
            assert!(p.placement.contains("Reference electrode"), "{}", p.name);
            assert!(p.placement.contains("Check:"), "{}", p.name);
            assert!(
                p.placement.starts_with("SENIAM")
                    || p.placement.starts_with("Not covered by SENIAM"),
                "{}",
                p.name
            );
            assert!(!p.placement.contains("  "), "{}: double space", p.name);
        }
    }

    #[test]
    fn find_ignores_case_and_bracketed_parts() {
        assert_eq!(find("biceps BRACHII").unwrap().name, "Biceps brachii");
        assert_eq!(find("  Soleus ").unwrap().name, "Soleus");
        assert_eq!(
            find("Triceps brachii").unwrap().name,
            "Triceps brachii (long head)"
        );
        assert_eq!(
            find("pectoralis major").unwrap().name,
            "Pectoralis major (clavicular)"
        );
        assert!(find("Gluteus").is_none());
        assert!(find("").is_none());
        assert!(find("Quadratus lumborum").is_none());
    }
}
