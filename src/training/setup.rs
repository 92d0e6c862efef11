//! A saved exercise setup: which muscle is on which channel, the target/competing and left/right pairs,
//! the target, the co-contraction limit (antagonist), the share limit (synergist), the tempo and the hold
//! time; and the folder of saved setups.
//!
//! Each setup is one JSON file, `<slug of the name>.json`, tagged `"format": "innervate-setup"` and
//! `"version": 1`; files from a newer version are refused with a message saying so.

use super::presets::ExerciseTemplate;
use serde::{Deserialize, Serialize};

pub use super::setup_store::{SetupProblem, SetupStore, read_setup, slug};

/// The `format` tag of a setup file.
pub const FORMAT_NAME: &str = "innervate-setup";
/// The newest setup file version this program reads and the one it writes.
pub const FORMAT_VERSION: u64 = 1;

use super::rules::{DEFAULT_HOLD_S, DEFAULT_RATIO_LIMIT, DEFAULT_TARGET_PCT_MVC};
use super::share::DEFAULT_SHARE_LIMIT_PCT;

/// What a muscle does in the exercise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// The muscle the exercise trains (the agonist).
    Target,
    /// The muscle that should stay quiet (it works against the target): judged by its ratio to the target
    /// and the co-contraction index.
    Antagonist,
    /// A muscle that helps the target and tends to take over (the upper trapezius in a lateral raise):
    /// judged by the target's share of the work ([`super::share`]).
    Synergist,
    /// Recorded and shown, not judged.
    #[default]
    Other,
}

/// Which side of the body an electrode is on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Side {
    /// Not said (or a midline muscle).
    #[default]
    None,
    /// Left side.
    Left,
    /// Right side.
    Right,
}

/// The muscle on one channel and its role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelRole {
    /// Muscle name (usually a preset name, but any text is allowed).
    pub muscle: String,
    /// What the muscle does in the exercise.
    pub role: Role,
    /// Body side.
    #[serde(default)]
    pub side: Side,
}

/// The four phases of a rep, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Lifting: the target muscle shortens.
    Concentric,
    /// Pause at the top.
    Top,
    /// Lowering: the target muscle lengthens under load.
    Eccentric,
    /// Pause at the bottom.
    Bottom,
}

impl Phase {
    /// A short label for a metronome.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Concentric => "Lift",
            Phase::Top => "Hold top",
            Phase::Eccentric => "Lower",
            Phase::Bottom => "Hold bottom",
        }
    }
}

/// The rep tempo: seconds for each phase.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tempo {
    /// Lifting, s.
    pub concentric_s: f64,
    /// Pause at the top, s.
    pub top_s: f64,
    /// Lowering, s.
    pub eccentric_s: f64,
    /// Pause at the bottom, s.
    pub bottom_s: f64,
}

impl Default for Tempo {
    /// 1 s up, no pause, 3 s down, no pause: a slow eccentric.
    fn default() -> Self {
        Self {
            concentric_s: 1.0,
            top_s: 0.0,
            eccentric_s: 3.0,
            bottom_s: 0.0,
        }
    }
}

impl Tempo {
    /// One rep, s.
    pub fn total_s(&self) -> f64 {
        self.phases().iter().map(|&(_, d)| d).sum()
    }

    /// The phases in order with their durations (negative or non-finite durations count as 0).
    fn phases(&self) -> [(Phase, f64); 4] {
        let d = |x: f64| if x.is_finite() && x > 0.0 { x } else { 0.0 };
        [
            (Phase::Concentric, d(self.concentric_s)),
            (Phase::Top, d(self.top_s)),
            (Phase::Eccentric, d(self.eccentric_s)),
            (Phase::Bottom, d(self.bottom_s)),
        ]
    }

    /// The phase at `t_in_rep` seconds after a rep started, and the fraction of that phase done (0 to 1).
    /// The cycle repeats every [`total_s`](Self::total_s) seconds, so any time since the set started works;
    /// phases of 0 s are skipped. A tempo of 0 s in total (or a non-finite time) gives the start of the
    /// concentric phase.
    pub fn phase_at(&self, t_in_rep: f64) -> (Phase, f64) {
        let total = self.total_s();
        if !(total > 0.0 && total.is_finite() && t_in_rep.is_finite()) {
            return (Phase::Concentric, 0.0);
        }
        let mut t = t_in_rep.rem_euclid(total);
        let mut last = (Phase::Concentric, 1.0);
        for (phase, d) in self.phases() {
            if d <= 0.0 {
                continue;
            }
            if t < d {
                return (phase, (t / d).clamp(0.0, 1.0));
            }
            t -= d;
            last = (phase, 1.0);
        }
        // Only reached through rounding at the very end of the cycle.
        last
    }
}

/// A saved exercise setup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseSetup {
    /// Display name; also names the file.
    pub name: String,
    /// The muscle on each channel, channel 0 first.
    pub channels: Vec<ChannelRole>,
    /// Target/competing pairs: (target channel, competing channel). The competing channel's role says
    /// whether it is an antagonist (ratio and CCI) or a synergist (the target's share of the work).
    #[serde(default)]
    pub pairs: Vec<(usize, usize)>,
    /// Left/right pairs: (left channel, right channel).
    #[serde(default)]
    pub left_right: Vec<(usize, usize)>,
    /// Target line, %MVC.
    pub target_pct_mvc: f64,
    /// Antagonist/agonist envelope ratio above which co-contraction is flagged.
    pub ratio_limit: f64,
    /// With a synergist: the target's share of the work (%) below which the synergist is taking over.
    /// Setups saved before synergists existed read with [`DEFAULT_SHARE_LIMIT_PCT`].
    #[serde(default = "default_share_limit_pct")]
    pub share_limit_pct: f64,
    /// Rep tempo.
    #[serde(default)]
    pub tempo: Tempo,
    /// Hold time for isometric work, s.
    pub hold_s: f64,
}

fn default_share_limit_pct() -> f64 {
    DEFAULT_SHARE_LIMIT_PCT
}

impl ExerciseSetup {
    /// A setup for a template: the target muscle on channel 0, the competing muscle (antagonist or
    /// synergist, as the template says) on channel 1 as one pair, 60 %MVC target, ratio limit 0.3, share
    /// limit 60 %, the default tempo (1 s up, 3 s down) and a 10 s hold.
    pub fn from_template(t: &ExerciseTemplate) -> ExerciseSetup {
        let mut channels = vec![ChannelRole {
            muscle: t.target.to_string(),
            role: Role::Target,
            side: Side::None,
        }];
        let mut pairs = Vec::new();
        if let Some(competing) = t.competing {
            channels.push(ChannelRole {
                muscle: competing.muscle().to_string(),
                role: competing.role(),
                side: Side::None,
            });
            pairs.push((0, 1));
        }
        ExerciseSetup {
            name: t.name.to_string(),
            channels,
            pairs,
            left_right: Vec::new(),
            target_pct_mvc: DEFAULT_TARGET_PCT_MVC,
            ratio_limit: DEFAULT_RATIO_LIMIT,
            share_limit_pct: DEFAULT_SHARE_LIMIT_PCT,
            tempo: Tempo::default(),
            hold_s: DEFAULT_HOLD_S,
        }
    }

    /// The target channel and the competing one with its role: the first pair, or else the first channels
    /// marked Target and Antagonist (or Synergist); the target defaults to channel 0.
    pub fn competition(&self) -> (usize, Option<(usize, Role)>) {
        let role_of = |c: usize| {
            self.channels
                .get(c)
                .map(|r| r.role)
                .filter(|r| *r == Role::Synergist)
                .unwrap_or(Role::Antagonist)
        };
        if let Some(&(target, competing)) = self.pairs.first() {
            return (target, Some((competing, role_of(competing))));
        }
        let find = |role: Role| self.channels.iter().position(|c| c.role == role);
        let target = find(Role::Target).unwrap_or(0);
        let competing = find(Role::Antagonist).or_else(|| find(Role::Synergist));
        (target, competing.map(|c| (c, role_of(c))))
    }

    /// The pairs the roles give: the first target with the first antagonist, or else the first synergist.
    pub fn pairs_from_roles(&self) -> Vec<(usize, usize)> {
        let find = |role: Role| self.channels.iter().position(|c| c.role == role);
        let competing = find(Role::Antagonist).or_else(|| find(Role::Synergist));
        match (find(Role::Target), competing) {
            (Some(a), Some(b)) => vec![(a, b)],
            _ => Vec::new(),
        }
    }

    /// Checks the setup against a board with `channels` channels; the error is a sentence for the user.
    /// Channels are numbered from 1 in the messages, as in the live view.
    pub fn validate(&self, channels: usize) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("The setup needs a name.".into());
        }
        if self.channels.len() > channels {
            return Err(format!(
                "This setup uses {} channels but the board has only {channels}.",
                self.channels.len()
            ));
        }
        let in_range = |c: usize| c < channels && c < self.channels.len();
        let where_ = |c: usize| {
            if c >= channels {
                format!("but the board has only {channels} channels")
            } else {
                "which has no muscle assigned".to_string()
            }
        };
        for (i, &(a, b)) in self.pairs.iter().enumerate() {
            for c in [a, b] {
                if !in_range(c) {
                    return Err(format!(
                        "Muscle pair {} uses channel {}, {}.",
                        i + 1,
                        c + 1,
                        where_(c)
                    ));
                }
            }
            if a == b {
                return Err(format!(
                    "Muscle pair {} uses channel {} as both the target and the antagonist.",
                    i + 1,
                    a + 1
                ));
            }
        }
        for (i, &(l, r)) in self.left_right.iter().enumerate() {
            for c in [l, r] {
                if !in_range(c) {
                    return Err(format!(
                        "Left/right pair {} uses channel {}, {}.",
                        i + 1,
                        c + 1,
                        where_(c)
                    ));
                }
            }
            if l == r {
                return Err(format!(
                    "Left/right pair {} uses channel {} for both sides.",
                    i + 1,
                    l + 1
                ));
            }
        }
        if !(1.0..=150.0).contains(&self.target_pct_mvc) {
            return Err(format!(
                "The target must be between 1 and 150 % of MVC (it is {}).",
                self.target_pct_mvc
            ));
        }
        if !(0.0..=5.0).contains(&self.ratio_limit) {
            return Err(format!(
                "The antagonist limit must be a ratio between 0 and 5 (it is {}).",
                self.ratio_limit
            ));
        }
        if !(1.0..=99.0).contains(&self.share_limit_pct) {
            return Err(format!(
                "The synergist limit must be a share between 1 and 99 % (it is {}).",
                self.share_limit_pct
            ));
        }
        let t = &self.tempo;
        let phases = [
            ("lifting", t.concentric_s),
            ("top pause", t.top_s),
            ("lowering", t.eccentric_s),
            ("bottom pause", t.bottom_s),
        ];
        for (name, d) in phases {
            if !(d.is_finite() && d >= 0.0) {
                return Err(format!(
                    "The {name} time of the tempo must be 0 s or more (it is {d})."
                ));
            }
        }
        if !(t.total_s() > 0.0 && t.total_s().is_finite()) {
            return Err("The tempo phases must add up to more than 0 s.".into());
        }
        if !(5.0..=120.0).contains(&self.hold_s) {
            return Err(format!(
                "The hold time must be between 5 and 120 s (it is {} s).",
                self.hold_s
            ));
        }
        Ok(())
    }

    /// The setup as a versioned JSON document (pretty-printed, `format` and `version` first).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Tagged<'a> {
            format: &'static str,
            version: u64,
            #[serde(flatten)]
            setup: &'a ExerciseSetup,
        }
        let tagged = Tagged {
            format: FORMAT_NAME,
            version: FORMAT_VERSION,
            setup: self,
        };
        // Cannot fail: every map key is a string.
        serde_json::to_string_pretty(&tagged).unwrap_or_default()
    }

    /// Reads a versioned JSON document; the error says what is wrong in plain words.
    pub fn from_json(text: &str) -> Result<ExerciseSetup, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        if value.get("format").and_then(|v| v.as_str()) != Some(FORMAT_NAME) {
            return Err("not an Innervate exercise setup".into());
        }
        let version = value
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or("the setup has no version number")?;
        if version > FORMAT_VERSION {
            return Err(format!(
                "setup version {version} is newer than this program understands ({FORMAT_VERSION}); \
                 update Innervate"
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("broken setup: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file_error::FileError;
    use crate::training::presets::{EXERCISES, find_exercise};

    fn curl() -> ExerciseSetup {
        ExerciseSetup::from_template(find_exercise("Biceps curl").unwrap())
    }

    #[test]
    fn template_gives_target_antagonist_and_one_pair() {
        let s = curl();
        assert_eq!(s.name, "Biceps curl");
        assert_eq!(s.channels.len(), 2);
        assert_eq!(s.channels[0].muscle, "Biceps brachii");
        assert_eq!(s.channels[0].role, Role::Target);
        assert_eq!(s.channels[1].role, Role::Antagonist);
        assert_eq!(s.pairs, vec![(0, 1)]);
        assert_eq!(s.competition(), (0, Some((1, Role::Antagonist))));
        assert_eq!(s.share_limit_pct, 60.0);
        assert!(s.left_right.is_empty());
        assert_eq!(
            (s.target_pct_mvc, s.ratio_limit, s.hold_s),
            (60.0, 0.3, 10.0)
        );
        assert_eq!(s.tempo, Tempo::default());
        assert_eq!(
            (
                s.tempo.concentric_s,
                s.tempo.top_s,
                s.tempo.eccentric_s,
                s.tempo.bottom_s
            ),
            (1.0, 0.0, 3.0, 0.0)
        );
        for t in EXERCISES {
            assert_eq!(
                ExerciseSetup::from_template(t).validate(2),
                Ok(()),
                "{}",
                t.name
            );
        }
    }

    #[test]
    fn a_lateral_raise_watches_the_upper_trapezius_as_a_synergist() {
        let s = ExerciseSetup::from_template(find_exercise("Lateral raise").unwrap());
        assert_eq!(s.channels[1].muscle, "Upper trapezius");
        assert_eq!(s.channels[1].role, Role::Synergist);
        assert_eq!(s.competition(), (0, Some((1, Role::Synergist))));
        assert_eq!(s.pairs_from_roles(), vec![(0, 1)]);
        // Without pairs the roles decide; an antagonist wins over a synergist.
        let mut s = s;
        s.pairs.clear();
        s.channels.push(ChannelRole {
            muscle: "Latissimus dorsi".into(),
            role: Role::Antagonist,
            side: Side::None,
        });
        assert_eq!(s.competition(), (0, Some((2, Role::Antagonist))));
        assert_eq!(s.pairs_from_roles(), vec![(0, 2)]);
        let text = s.to_json();
        assert!(text.contains("\"Synergist\""), "{text}");
        assert_eq!(ExerciseSetup::from_json(&text), Ok(s));
    }

    #[test]
    fn template_without_antagonist_has_no_pair() {
        let t = ExerciseTemplate {
            name: "Plank",
            target: "Rectus abdominis",
            competing: None,
        };
        let s = ExerciseSetup::from_template(&t);
        assert_eq!(s.channels.len(), 1);
        assert!(s.pairs.is_empty());
        assert_eq!(s.validate(1), Ok(()));
    }

    fn invalid(change: impl FnOnce(&mut ExerciseSetup), channels: usize, words: &str) {
        let mut s = curl();
        s.channels.push(ChannelRole {
            muscle: "Biceps brachii".into(),
            role: Role::Other,
            side: Side::Left,
        });
        s.channels.push(ChannelRole {
            muscle: "Biceps brachii".into(),
            role: Role::Other,
            side: Side::Right,
        });
        s.left_right.push((2, 3));
        assert_eq!(s.validate(4), Ok(()));
        change(&mut s);
        let err = s.validate(channels).expect_err(words);
        assert!(err.contains(words), "{err:?} does not say {words:?}");
        assert!(
            err.ends_with('.') && err.starts_with(char::is_uppercase),
            "{err:?}"
        );
    }

    #[test]
    fn validate_explains_each_problem() {
        invalid(|_| {}, 2, "uses 4 channels but the board has only 2");
        invalid(
            |s| s.pairs.push((0, 7)),
            4,
            "channel 8, but the board has only 4",
        );
        invalid(
            |s| {
                s.channels.truncate(3);
                s.pairs.push((0, 3));
            },
            4,
            "channel 4, which has no muscle assigned",
        );
        invalid(
            |s| s.pairs.push((1, 1)),
            4,
            "both the target and the antagonist",
        );
        invalid(
            |s| s.left_right.push((9, 0)),
            4,
            "Left/right pair 2 uses channel 10",
        );
        invalid(|s| s.left_right[0] = (2, 2), 4, "for both sides");
        invalid(|s| s.target_pct_mvc = 0.5, 4, "between 1 and 150");
        invalid(|s| s.target_pct_mvc = 151.0, 4, "between 1 and 150");
        invalid(|s| s.target_pct_mvc = f64::NAN, 4, "between 1 and 150");
        invalid(|s| s.ratio_limit = -0.1, 4, "between 0 and 5");
        invalid(|s| s.ratio_limit = 5.5, 4, "between 0 and 5");
        invalid(|s| s.tempo.top_s = -1.0, 4, "top pause time");
        invalid(|s| s.tempo.eccentric_s = f64::INFINITY, 4, "lowering time");
        invalid(
            |s| {
                s.tempo = Tempo {
                    concentric_s: 0.0,
                    top_s: 0.0,
                    eccentric_s: 0.0,
                    bottom_s: 0.0,
                }
            },
            4,
            "add up to more than 0 s",
        );
        invalid(|s| s.hold_s = 4.0, 4, "between 5 and 120 s");
        invalid(|s| s.share_limit_pct = 0.5, 4, "between 1 and 99 %");
        invalid(|s| s.share_limit_pct = f64::NAN, 4, "synergist limit");
        invalid(|s| s.hold_s = 121.0, 4, "between 5 and 120 s");
        invalid(|s| s.name = "  ".into(), 4, "needs a name");
        // The edges are allowed.
        let mut s = curl();
        s.target_pct_mvc = 150.0;
        s.ratio_limit = 0.0;
        s.hold_s = 120.0;
        assert_eq!(s.validate(2), Ok(()));
        s.target_pct_mvc = 1.0;
        s.ratio_limit = 5.0;
        s.hold_s = 5.0;
        assert_eq!(s.validate(2), Ok(()));
    }

    #[test]
    fn phase_at_walks_the_tempo_and_repeats() {
        let t = Tempo::default(); // 1 s up, 3 s down
        assert_eq!(t.total_s(), 4.0);
        assert_eq!(t.phase_at(0.0), (Phase::Concentric, 0.0));
        assert_eq!(t.phase_at(0.5), (Phase::Concentric, 0.5));
        assert_eq!(t.phase_at(1.0), (Phase::Eccentric, 0.0));
        assert_eq!(t.phase_at(2.5), (Phase::Eccentric, 0.5));
        assert_eq!(t.phase_at(4.5), (Phase::Concentric, 0.5));
        assert_eq!(t.phase_at(402.5), (Phase::Eccentric, 0.5));
        assert_eq!(t.phase_at(-0.5), (Phase::Eccentric, 2.5 / 3.0));
        let t = Tempo {
            concentric_s: 2.0,
            top_s: 1.0,
            eccentric_s: 2.0,
            bottom_s: 1.0,
        };
        assert_eq!(t.phase_at(2.5), (Phase::Top, 0.5));
        assert_eq!(t.phase_at(4.0), (Phase::Eccentric, 0.5));
        assert_eq!(t.phase_at(5.25), (Phase::Bottom, 0.25));
        assert_eq!(t.phase_at(6.0), (Phase::Concentric, 0.0));
        for i in 0..600 {
            let (_, f) = t.phase_at(i as f64 * 0.01);
            assert!((0.0..=1.0).contains(&f));
        }
        assert_eq!(Phase::Eccentric.label(), "Lower");
    }

    #[test]
    fn phase_at_survives_bad_tempos_and_times() {
        let zero = Tempo {
            concentric_s: 0.0,
            top_s: 0.0,
            eccentric_s: 0.0,
            bottom_s: 0.0,
        };
        assert_eq!(zero.phase_at(3.0), (Phase::Concentric, 0.0));
        let t = Tempo::default();
        assert_eq!(t.phase_at(f64::NAN), (Phase::Concentric, 0.0));
        assert_eq!(t.phase_at(f64::INFINITY), (Phase::Concentric, 0.0));
        let odd = Tempo {
            concentric_s: f64::NAN,
            top_s: -2.0,
            eccentric_s: 2.0,
            bottom_s: f64::INFINITY,
        };
        assert_eq!(odd.phase_at(1.0), (Phase::Eccentric, 0.5));
    }

    #[test]
    fn json_is_versioned_and_round_trips() {
        let mut s = curl();
        s.left_right.push((0, 1));
        s.channels[1].side = Side::Right;
        let text = s.to_json();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["format"], "innervate-setup");
        assert_eq!(value["version"], 1);
        assert_eq!(value["pairs"], serde_json::json!([[0, 1]]));
        assert_eq!(ExerciseSetup::from_json(&text), Ok(s));
    }

    #[test]
    fn bad_json_gives_errors_not_panics() {
        let newer = curl().to_json().replace("\"version\": 1", "\"version\": 2");
        let err = ExerciseSetup::from_json(&newer).unwrap_err();
        assert!(
            err.contains("version 2 is newer") && err.contains("update Innervate"),
            "{err}"
        );
        let other = curl()
            .to_json()
            .replace("innervate-setup", "innervate-session");
        assert!(
            ExerciseSetup::from_json(&other)
                .unwrap_err()
                .contains("not an Innervate")
        );
        assert!(
            curl()
                .to_json()
                .starts_with("{\n  \"format\": \"innervate-setup\",\n  \"version\": 1,")
        );
        let unversioned = curl().to_json().replace("\"version\": 1,", "");
        assert!(
            ExerciseSetup::from_json(&unversioned)
                .unwrap_err()
                .contains("no version")
        );
        for bad in [
            "",
            "{",
            "[]",
            "null",
            "{\"format\": \"innervate-setup\", \"version\": 1}",
            "{\"format\": \"innervate-setup\", \"version\": 1, \"name\": 3}",
            "{\"format\": \"innervate-setup\", \"version\": -1}",
        ] {
            assert!(ExerciseSetup::from_json(bad).is_err(), "{bad}");
        }
        // Fields a newer minor revision might add are ignored; missing optional parts take defaults.
        let minimal = r#"{"format": "innervate-setup", "version": 1, "name": "Squat", "future": true,
            "channels": [{"muscle": "Vastus lateralis", "role": "Target"}],
            "target_pct_mvc": 50, "ratio_limit": 0.5, "hold_s": 20}"#;
        let s = ExerciseSetup::from_json(minimal).unwrap();
        assert_eq!(s.tempo, Tempo::default());
        assert_eq!(s.channels[0].side, Side::None);
        assert!(s.pairs.is_empty());
        // Setups saved before synergists existed get the default share limit.
        assert_eq!(s.share_limit_pct, DEFAULT_SHARE_LIMIT_PCT);
    }

    #[test]
    fn slug_makes_safe_file_names() {
        assert_eq!(slug("Bench press (heavy)"), "bench-press-heavy");
        assert_eq!(slug("  Squat / 5x5  "), "squat-5x5");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug("Übung Bizeps"), "übung-bizeps");
        assert_eq!(slug("!!!"), "setup");
        assert_eq!(slug(""), "setup");
        assert_eq!(slug("CON"), "con-setup");
        assert_eq!(slug("lpt1"), "lpt1-setup");
        assert_eq!(slug("Console"), "console");
        let long = slug(&"é".repeat(300));
        assert!(long.len() <= 100 && !long.is_empty());
    }

    #[test]
    fn store_saves_lists_loads_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let store = SetupStore::new(dir.path().join("setups"));
        assert_eq!(store.list().unwrap(), vec![]);
        let mut squat = ExerciseSetup::from_template(find_exercise("Squat").unwrap());
        let curl = curl();
        let path = store.save(&squat).unwrap();
        assert_eq!(path, dir.path().join("setups").join("squat.json"));
        store.save(&curl).unwrap();
        let names: Vec<String> = store.list().unwrap().into_iter().map(|s| s.name).collect();
        assert_eq!(names, ["Biceps curl", "Squat"]);
        assert_eq!(store.load("Squat").unwrap(), squat);
        assert_eq!(store.load("squat").unwrap(), squat);
        // Saving again replaces, leaving no temporary files.
        squat.target_pct_mvc = 80.0;
        store.save(&squat).unwrap();
        assert_eq!(store.load("Squat").unwrap().target_pct_mvc, 80.0);
        let files: Vec<_> = std::fs::read_dir(store.dir()).unwrap().collect();
        assert_eq!(files.len(), 2);
        store.delete("Squat").unwrap();
        assert_eq!(store.list().unwrap(), vec![curl]);
        assert!(matches!(store.load("Squat"), Err(FileError::Io { .. })));
        assert!(store.delete("Squat").is_err());
    }

    #[test]
    fn store_refuses_invalid_setups() {
        let dir = tempfile::tempdir().unwrap();
        let store = SetupStore::new(dir.path());
        let mut s = curl();
        s.hold_s = f64::NAN;
        let err = store.save(&s).unwrap_err().to_string();
        assert!(err.contains("hold time"), "{err}");
        assert_eq!(store.list().unwrap(), vec![]);
    }

    #[test]
    fn broken_files_are_listed_as_problems_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let store = SetupStore::new(dir.path());
        store.save(&curl()).unwrap();
        std::fs::write(dir.path().join("broken.json"), "{ not json").unwrap();
        let newer = curl().to_json().replace("\"version\": 1", "\"version\": 9");
        std::fs::write(dir.path().join("newer.json"), newer).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
        std::fs::write(dir.path().join(".half.json.tmp"), "ignored").unwrap();
        let (setups, problems) = store.list_with_problems().unwrap();
        assert_eq!(setups, vec![curl()]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, dir.path().join("broken.json"));
        assert!(problems[0].1.contains("not valid JSON"));
        assert_eq!(problems[1].0, dir.path().join("newer.json"));
        assert!(problems[1].1.contains("version 9 is newer"));
        assert_eq!(store.list().unwrap(), vec![curl()]);
        let err = store.load("newer").unwrap_err().to_string();
        assert!(
            err.contains("newer.json") && err.contains("update Innervate"),
            "{err}"
        );
    }

    #[test]
    fn unreadable_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain-file");
        std::fs::write(&file, "x").unwrap();
        assert!(SetupStore::new(&file).list().is_err());
    }
}
