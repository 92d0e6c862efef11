//! The small typed values of a history row: the training log the user writes after a set, the load with
//! its unit, the kind of row, the unit its activation is measured in and the competing muscle's role. Each
//! is stored as short text, read back strictly (unknown text is a damaged file, not a guess).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};

/// Kilograms in a pound (exact, by definition).
pub const KG_PER_LB: f64 = 0.453_592_37;

/// A text-coded value: how it is written in the database, CSV and JSON.
macro_rules! text_enum {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// Every value, in the order menus show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The text stored in the database and written to exports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Reads the stored text back (exactly, case-insensitively).
            pub fn parse(text: &str) -> Option<Self> {
                let t = text.trim();
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(t))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                Self::parse(text).ok_or_else(|| {
                    FromSqlError::Other(format!("unknown {} `{text}`", stringify!($name)).into())
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                Self::parse(&text).ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown {} `{text}`", stringify!($name)))
                })
            }
        }
    };
}

/// What a row is: a working set, or an activation drill (logged the same way, kept apart in rankings).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SetKind {
    /// A set of an exercise.
    #[default]
    Set,
    /// An activation drill (contracting the target muscle alone).
    Drill,
}
text_enum!(SetKind { Set => "set", Drill => "drill" });

/// The unit a row's activation is in: %MVC when the target muscle had an MVC reference, microvolts when not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ActivationUnit {
    /// Percent of the maximal voluntary contraction.
    #[default]
    PctMvc,
    /// Microvolts of the RMS envelope (no MVC known).
    Microvolts,
}
text_enum!(ActivationUnit { PctMvc => "%MVC", Microvolts => "uV" });

/// What the competing muscle does against the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompetitorRole {
    /// It opposes the movement (co-contraction: ratio and CCI).
    Antagonist,
    /// It helps and tends to take over (the target's share of the work).
    Synergist,
}
text_enum!(CompetitorRole { Antagonist => "antagonist", Synergist => "synergist" });

impl CompetitorRole {
    /// The competing role of a channel in a setup or set plan; `None` for the target and the others.
    pub fn of(role: crate::training::setup::Role) -> Option<Self> {
        use crate::training::setup::Role;
        match role {
            Role::Antagonist => Some(Self::Antagonist),
            Role::Synergist => Some(Self::Synergist),
            _ => None,
        }
    }

    /// The setup role this competing role is.
    pub fn role(self) -> crate::training::setup::Role {
        use crate::training::setup::Role;
        match self {
            Self::Antagonist => Role::Antagonist,
            Self::Synergist => Role::Synergist,
        }
    }
}

/// The unit a load was typed in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LoadUnit {
    /// Kilograms.
    #[default]
    Kg,
    /// Pounds.
    Lb,
}
text_enum!(LoadUnit { Kg => "kg", Lb => "lb" });

/// A load as the user typed it: the number and its unit (kept as typed, so 135 lb stays 135 lb).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// The number typed.
    pub value: f64,
    /// Its unit.
    pub unit: LoadUnit,
}

/// Why a typed load was not taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A number without kg or lb.
    #[error("the load `{0}` has no unit: write it as 40kg or 90lb")]
    NoUnit(String),
    /// Not a number, a negative one, or an unknown unit.
    #[error("`{0}` is not a load: write a number of 0 or more with kg or lb, e.g. 40kg or 90lb")]
    Invalid(String),
}

impl Load {
    /// The load in kilograms (for comparing loads typed in different units).
    pub fn kg(self) -> f64 {
        match self.unit {
            LoadUnit::Kg => self.value,
            LoadUnit::Lb => self.value * KG_PER_LB,
        }
    }

    /// Reads `40kg`, `40 kg`, `92.5lb`, `90 lbs` (a decimal comma is taken too). A number without a unit
    /// is [`LoadError::NoUnit`].
    pub fn parse(text: &str) -> Result<Self, LoadError> {
        let t = text.trim().to_ascii_lowercase().replace(',', ".");
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, unit) = t.split_at(split);
        let value: f64 = number
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| LoadError::Invalid(text.trim().to_owned()))?;
        let unit = match unit.trim() {
            "" => return Err(LoadError::NoUnit(text.trim().to_owned())),
            "kg" | "kgs" => LoadUnit::Kg,
            "lb" | "lbs" => LoadUnit::Lb,
            _ => return Err(LoadError::Invalid(text.trim().to_owned())),
        };
        Ok(Self { value, unit })
    }
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.value, self.unit)
    }
}

/// What the user writes down after a set (every part optional).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetLog {
    /// How well the target muscle was felt, 1 (not at all) to 10 (as well as possible).
    pub felt: Option<u8>,
    /// The load lifted.
    pub load: Option<Load>,
    /// The reps the user confirmed (pre-filled with the counted reps, which stay in the record's `reps`).
    /// Stored and exported as `reps_logged`.
    #[serde(rename = "reps_logged")]
    pub reps: Option<u32>,
    /// Reps in reserve: how many more reps were left.
    pub reps_in_reserve: Option<u32>,
    /// A free note.
    pub note: Option<String>,
}

/// A felt score outside 1-10.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the felt activation `{0}` is not a score from 1 to 10")]
pub struct FeltError(pub String);

/// Reads a felt activation score, 1 to 10.
pub fn parse_felt(text: &str) -> Result<u8, FeltError> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|v| (1..=10).contains(v))
        .ok_or_else(|| FeltError(text.trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_read_with_their_unit_and_without_one_are_refused() {
        let kg = Load::parse("40kg").unwrap();
        assert_eq!((kg.value, kg.unit), (40.0, LoadUnit::Kg));
        let lb = Load::parse(" 92,5 LBS ").unwrap();
        assert_eq!((lb.value, lb.unit), (92.5, LoadUnit::Lb));
        assert!((lb.kg() - 92.5 * KG_PER_LB).abs() < 1e-12);
        assert_eq!(Load::parse("40"), Err(LoadError::NoUnit("40".into())));
        assert!(matches!(Load::parse("-4kg"), Err(LoadError::Invalid(_))));
        assert!(matches!(Load::parse("kg"), Err(LoadError::Invalid(_))));
        assert!(matches!(
            Load::parse("40 stone"),
            Err(LoadError::Invalid(_))
        ));
        assert_eq!(Load::parse(&kg.to_string()), Ok(kg));
    }

    #[test]
    fn felt_is_one_to_ten() {
        assert_eq!(parse_felt("7"), Ok(7));
        assert_eq!(parse_felt("10"), Ok(10));
        for bad in ["0", "11", "-1", "seven", ""] {
            assert!(parse_felt(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_values_round_trip() {
        for k in SetKind::ALL {
            assert_eq!(SetKind::parse(k.as_str()), Some(*k));
        }
        for u in ActivationUnit::ALL {
            assert_eq!(ActivationUnit::parse(u.as_str()), Some(*u));
        }
        for r in CompetitorRole::ALL {
            assert_eq!(CompetitorRole::parse(r.as_str()), Some(*r));
        }
        assert_eq!(CompetitorRole::parse("boss"), None);
    }
}
