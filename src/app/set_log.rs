//! The training log of the set just finished: what the user writes down (felt activation 1-10, load with
//! its unit, the reps confirmed, reps in reserve, a note), pre-filled with the counted reps and the
//! exercise's last load, and attached to the set's history row when accepted. Drawn by
//! [`super::set_log_view`].

use super::InnervateApp;
use crate::training::history_db::{Load, LoadUnit, SetLog};

/// Where the entry stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogStatus {
    /// Being filled in.
    Open,
    /// Stored with the set.
    Saved,
    /// The user skipped it (Esc); the summary stays.
    Skipped,
}

/// The log entry under a set summary.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    /// The set's history row.
    pub set_id: i64,
    /// Felt activation of the target, 1-10.
    pub felt: Option<u8>,
    /// The load's number as typed.
    pub load: String,
    /// The load's unit.
    pub unit: LoadUnit,
    /// The reps (pre-filled with the counted reps).
    pub reps: String,
    /// Reps in reserve.
    pub reps_in_reserve: String,
    /// A note.
    pub note: String,
    /// Open, saved or skipped.
    pub status: LogStatus,
    /// Why the last accept was refused, in plain words.
    pub problem: Option<String>,
    /// The felt field takes the keyboard on the first frame it shows.
    pub wants_focus: bool,
}

impl LogEntry {
    /// An entry for the stored set `set_id` with `counted_reps`, the load (and unit) of the exercise's
    /// last log if any, else the preferred unit.
    pub fn new(set_id: i64, counted_reps: usize, last: Option<SetLog>, unit: LoadUnit) -> Self {
        let last_load = last.and_then(|l| l.load);
        Self {
            set_id,
            felt: None,
            load: last_load.map_or(String::new(), |l| l.value.to_string()),
            unit: last_load.map_or(unit, |l| l.unit),
            reps: counted_reps.to_string(),
            reps_in_reserve: String::new(),
            note: String::new(),
            status: LogStatus::Open,
            problem: None,
            wants_focus: true,
        }
    }

    /// The log as typed, or what is wrong with it.
    pub fn to_log(&self) -> Result<SetLog, String> {
        let number = |text: &str, what: &str| -> Result<Option<u32>, String> {
            let t = text.trim();
            (!t.is_empty())
                .then(|| {
                    t.parse::<u32>()
                        .map_err(|_| format!("{what} must be a whole number, not `{t}`"))
                })
                .transpose()
        };
        let load = self.load.trim();
        let load = if load.is_empty() {
            None
        } else {
            Some(Load::parse(&format!("{load} {}", self.unit)).map_err(|e| e.to_string())?)
        };
        let note = self.note.trim();
        Ok(SetLog {
            felt: self.felt,
            load,
            reps: number(&self.reps, "Reps")?,
            reps_in_reserve: number(&self.reps_in_reserve, "Reps in reserve")?,
            note: (!note.is_empty()).then(|| note.to_owned()),
        })
    }
}

impl InnervateApp {
    /// The entry for a set just stored as row `set_id`: pre-filled from the exercise's last log (one
    /// indexed row read) and the preferred unit.
    pub(crate) fn new_log_entry(&mut self, set_id: i64, exercise: &str, reps: usize) -> LogEntry {
        let unit = self.prefs.load_unit();
        let last = self
            .training
            .db()
            .ok()
            .and_then(|db| db.last_log(exercise).ok().flatten());
        LogEntry::new(set_id, reps, last, unit)
    }

    /// Stores the open log entry with its set (one row update), or shows why not.
    pub fn save_set_log(&mut self) {
        let Some(entry) = self.training.finished.as_ref().and_then(|f| f.log.as_ref()) else {
            return;
        };
        let (id, log) = (entry.set_id, entry.to_log());
        let result = log.and_then(|log| {
            self.training
                .db()
                .and_then(|db| db.attach_log(id, &log).map_err(|e| e.to_string()))
        });
        if let Some(entry) = self.training.finished.as_mut().and_then(|f| f.log.as_mut()) {
            match result {
                Ok(()) => {
                    entry.status = LogStatus::Saved;
                    entry.problem = None;
                }
                Err(e) => entry.problem = Some(e),
            }
        }
    }

    /// Skips the log entry; the summary stays.
    pub fn skip_set_log(&mut self) {
        if let Some(entry) = self.training.finished.as_mut().and_then(|f| f.log.as_mut()) {
            entry.status = LogStatus::Skipped;
        }
    }

    /// Chooses kg or lb for loads (kept in the settings) and for the open entry.
    pub fn set_load_unit(&mut self, unit: LoadUnit) {
        self.prefs.settings.load_in_pounds = unit == LoadUnit::Lb;
        self.save_settings();
        if let Some(entry) = self.training.finished.as_mut().and_then(|f| f.log.as_mut()) {
            entry.unit = unit;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_fills_and_checks_what_was_typed() {
        let last = SetLog {
            load: Some(Load {
                value: 135.0,
                unit: LoadUnit::Lb,
            }),
            felt: Some(9),
            ..SetLog::default()
        };
        let mut e = LogEntry::new(4, 8, Some(last), LoadUnit::Kg);
        assert_eq!(
            (e.load.as_str(), e.unit, e.reps.as_str(), e.felt),
            ("135", LoadUnit::Lb, "8", None)
        );
        e.felt = Some(10);
        e.note = "  grip slipped ".into();
        let log = e.to_log().unwrap();
        assert_eq!(
            log.load,
            Some(Load {
                value: 135.0,
                unit: LoadUnit::Lb
            })
        );
        assert_eq!(
            (log.reps, log.note.as_deref(), log.felt),
            (Some(8), Some("grip slipped"), Some(10))
        );
        e.reps_in_reserve = "two".into();
        assert!(e.to_log().unwrap_err().contains("Reps in reserve"));
        e.reps_in_reserve.clear();
        e.load = "heavy".into();
        assert!(e.to_log().is_err());
        let fresh = LogEntry::new(1, 0, None, LoadUnit::Kg);
        assert_eq!((fresh.load.as_str(), fresh.unit), ("", LoadUnit::Kg));
        assert_eq!(fresh.to_log().unwrap().load, None);
    }
}
