//! The training history: one row per set, kept in an embedded SQLite database
//! (`history.sqlite` next to the sessions folder; the caller chooses the path).
//!
//! The file's format version lives in `PRAGMA user_version` (currently
//! [`SCHEMA_VERSION`]); a file written by a newer Innervate is refused rather than
//! misread. The database runs in WAL journal mode, so a crash or a killed process
//! in the middle of a write never leaves a damaged file. A file that is not a
//! database, or is damaged, gives a [`HistoryError`], never a panic.
//!
//! Format 2 added the training log (felt activation, load, confirmed reps, reps in reserve, a note), the
//! kind of row (set or drill), the unit of its activation, the competing muscle's role and the target's
//! share of the work; a format-1 file is upgraded in place when opened, keeping every row
//! ([`schema`] holds each step).

mod error;
mod fields;
mod record;
mod rows;
mod schema;
mod series;

use std::path::Path;

use rows::{COLUMNS, insert_row, log_from_row, record_from_row, update_log};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use error::HistoryError;
pub use fields::{
    ActivationUnit, CompetitorRole, FeltError, KG_PER_LB, Load, LoadError, LoadUnit, SetKind,
    SetLog, parse_felt,
};
pub use record::{SetContext, SetFilter, SetRecord};
pub use series::{Metric, series};

use error::classify;

/// The format version this build writes and reads (stored in `PRAGMA user_version`).
pub const SCHEMA_VERSION: i32 = 2;

/// Marks the file as Innervate's (stored in `PRAGMA application_id`): "Innv".
const APPLICATION_ID: i32 = 0x496E_6E76;

/// How long to wait for another Innervate window that holds the file's write lock.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The label used in messages for a database that only lives in memory.
const IN_MEMORY: &str = "(in-memory training history)";

/// The training history database. Open it once and keep it; every call is one short query.
#[derive(Debug)]
pub struct HistoryDb {
    conn: Connection,
    /// The file, as shown in error messages.
    path: String,
}

impl HistoryDb {
    /// Opens the history at `path`, creating the file and its tables if needed.
    ///
    /// The parent folder must exist. Fails with [`HistoryError::NewerVersion`] for a file
    /// from a newer Innervate, [`HistoryError::Corrupt`] for a file that is not an
    /// Innervate history or is damaged, and [`HistoryError::Open`] when the file cannot
    /// be opened or created at all.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        let shown = path.display().to_string();
        // No SQLITE_OPEN_URI: the path is always a plain file name, never a `file:` URI.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|source| HistoryError::Open {
                path: shown.clone(),
                source,
            })?;
        Self::init(conn, shown, true)
    }

    /// Opens the history at `path` as [`Self::open`] does, creating its folder first (the window's first
    /// set may come before any recording made the sessions folder). If the folder cannot be made, opening
    /// says why.
    pub fn open_creating_folder(path: &Path) -> Result<Self, HistoryError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        Self::open(path)
    }

    /// Opens a fresh, empty history that lives only in memory (for tests and previews).
    pub fn open_in_memory() -> Result<Self, HistoryError> {
        let conn = Connection::open_in_memory().map_err(|source| HistoryError::Open {
            path: IN_MEMORY.to_owned(),
            source,
        })?;
        Self::init(conn, IN_MEMORY.to_owned(), false)
    }

    /// Checks the format version, switches to WAL and creates the tables when missing.
    fn init(mut conn: Connection, path: String, on_disk: bool) -> Result<Self, HistoryError> {
        let fail = |e| classify(&path, e);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;

        // Everything up to the WAL switch only reads, so a refused file is left as it was.
        // The first statement reads the file header: a non-database file fails here.
        let version: i32 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(fail)?;
        if version > SCHEMA_VERSION {
            return Err(HistoryError::NewerVersion {
                path,
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        if version < 0 {
            return Err(HistoryError::Corrupt {
                path,
                reason: format!("unknown format version {version}"),
            });
        }
        let app_id: i32 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .map_err(fail)?;
        if app_id != 0 && app_id != APPLICATION_ID {
            return Err(HistoryError::Corrupt {
                path,
                reason: "it belongs to another program".to_owned(),
            });
        }
        let (has_sets, other_tables): (bool, i64) = conn
            .query_row(
                "SELECT COALESCE(SUM(name = 'sets'), 0) > 0, COALESCE(SUM(name <> 'sets'), 0) \
                 FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(fail)?;
        if version == 0 && other_tables > 0 {
            // A new file has no tables; an SQLite file of some other program does.
            return Err(HistoryError::Corrupt {
                path,
                reason: "it is a database of another program".to_owned(),
            });
        }
        if version >= 1 && !has_sets {
            return Err(HistoryError::Corrupt {
                path,
                reason: "the table of sets is missing".to_owned(),
            });
        }

        if on_disk {
            // Returns the mode actually in force; a file system without shared memory
            // support keeps the rollback journal, which is still crash-safe.
            let _mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
                .map_err(fail)?;
        }
        if version < SCHEMA_VERSION {
            // One transaction: the new format and its version number appear together or not at all, so
            // an upgrade cut short leaves the old file as it was.
            let tx = conn.transaction().map_err(fail)?;
            for step in &schema::STEPS[version as usize..] {
                tx.execute_batch(step).map_err(fail)?;
            }
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(fail)?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(fail)?;
            tx.commit().map_err(fail)?;
        }
        Ok(Self { conn, path })
    }

    /// Adds one set and returns its new row id (the record's own `id` is ignored).
    ///
    /// SQLite stores NaN as NULL: a NaN in an optional field reads back as `None`, and a NaN
    /// in a required one makes the insert fail with [`HistoryError::Query`].
    pub fn insert_set(&self, r: &SetRecord) -> Result<i64, HistoryError> {
        insert_row(&self.conn, r).map_err(|e| self.err(e))
    }

    /// The sets, oldest first (by `started_at`, then by id), optionally only those of one
    /// exercise and/or one target muscle.
    pub fn sets(
        &self,
        exercise: Option<&str>,
        muscle: Option<&str>,
    ) -> Result<Vec<SetRecord>, HistoryError> {
        self.sets_matching(&SetFilter {
            exercise: exercise.map(str::to_owned),
            muscle: muscle.map(str::to_owned),
            ..SetFilter::default()
        })
    }

    /// The sets `filter` lets through, oldest first (by `started_at`, then by id).
    pub fn sets_matching(&self, filter: &SetFilter) -> Result<Vec<SetRecord>, HistoryError> {
        let mut clauses = Vec::new();
        let mut values: Vec<String> = Vec::new();
        let mut add = |clause: &str, value: &Option<String>| {
            if let Some(v) = value {
                values.push(v.clone());
                clauses.push(format!("{clause} ?{}", values.len()));
            }
        };
        add("exercise =", &filter.exercise);
        add("muscle =", &filter.muscle);
        add("substr(started_at, 1, 10) >=", &filter.from_day);
        add("substr(started_at, 1, 10) <=", &filter.to_day);
        let filter = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!("SELECT {COLUMNS} FROM sets {filter} ORDER BY started_at, id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt
            .query(rusqlite::params_from_iter(values))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            out.push(record_from_row(row).map_err(|e| self.err(e))?);
        }
        Ok(out)
    }

    /// Attaches what the user wrote down to the stored set `id` (replacing an earlier log of that set).
    /// Fails with [`HistoryError::NoSuchSet`] when no set has that id.
    pub fn attach_log(&self, id: i64, log: &SetLog) -> Result<(), HistoryError> {
        let changed = update_log(&self.conn, id, log).map_err(|e| self.err(e))?;
        if changed == 0 {
            return Err(HistoryError::NoSuchSet {
                path: self.path.clone(),
                id,
            });
        }
        Ok(())
    }

    /// The newest log entry of `exercise` that holds anything (for pre-filling the next set's entry), or
    /// `None` when the exercise was never logged.
    pub fn last_log(&self, exercise: &str) -> Result<Option<SetLog>, HistoryError> {
        self.conn
            .query_row(
                "SELECT felt, load_value, load_unit, reps_logged, reps_in_reserve, note FROM sets \
                 WHERE exercise = ?1 AND (felt IS NOT NULL OR load_value IS NOT NULL \
                 OR reps_logged IS NOT NULL OR reps_in_reserve IS NOT NULL OR note IS NOT NULL) \
                 ORDER BY started_at DESC, id DESC LIMIT 1",
                [exercise],
                |row| log_from_row(row, 0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Adds `records` in one transaction (all or none) and returns their new ids.
    pub fn insert_all(&mut self, records: &[SetRecord]) -> Result<Vec<i64>, HistoryError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| classify(&self.path, e))?;
        let mut ids = Vec::with_capacity(records.len());
        for r in records {
            ids.push(insert_row(&tx, r).map_err(|e| classify(&self.path, e))?);
        }
        tx.commit().map_err(|e| classify(&self.path, e))?;
        Ok(ids)
    }

    /// Replaces the sets of the recording `session_wav` by `records` in one transaction (all or none),
    /// returning the new ids.
    pub fn replace_session(
        &mut self,
        session_wav: &str,
        records: &[SetRecord],
    ) -> Result<Vec<i64>, HistoryError> {
        let fail = |e| classify(&self.path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        tx.execute("DELETE FROM sets WHERE session_wav = ?1", [session_wav])
            .map_err(fail)?;
        let ids = records
            .iter()
            .map(|r| insert_row(&tx, r))
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(ids)
    }

    /// How many sets came from the recording `session_wav`.
    pub fn count_session(&self, session_wav: &str) -> Result<usize, HistoryError> {
        let n: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM sets WHERE session_wav = ?1",
                [session_wav],
                |row| row.get(0),
            )
            .map_err(|e| self.err(e))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// The sets that came from the recording `session_wav`, in the session's order (their logs: felt,
    /// load, reps written down).
    pub fn sets_of_session(&self, session_wav: &str) -> Result<Vec<SetRecord>, HistoryError> {
        self.sets_where("session_wav = ?1", session_wav)
    }

    /// The sets of every recording whose file is called `file_name` (in any folder), by session, then
    /// in each session's order: where to look for a recording that was moved after its sets were stored.
    pub fn sets_of_file_named(&self, file_name: &str) -> Result<Vec<SetRecord>, HistoryError> {
        let mut escaped = String::with_capacity(file_name.len() + 1);
        for c in file_name.chars() {
            if matches!(c, '%' | '_' | '\\') {
                escaped.push('\\');
            }
            escaped.push(c);
        }
        let mut sets =
            self.sets_where("session_wav LIKE ?1 ESCAPE '\\'", &format!("%{escaped}"))?;
        // LIKE ignores ASCII case and a suffix may be part of a longer name: keep the exact file name.
        sets.retain(|r| {
            r.session_wav
                .as_deref()
                .is_some_and(|w| w.rsplit(['/', '\\']).next() == Some(file_name))
        });
        sets.sort_by(|a, b| a.session_wav.cmp(&b.session_wav));
        Ok(sets)
    }

    /// The sets matching `condition` on the one text parameter `value`, in each session's order.
    fn sets_where(&self, condition: &str, value: &str) -> Result<Vec<SetRecord>, HistoryError> {
        let sql =
            format!("SELECT {COLUMNS} FROM sets WHERE {condition} ORDER BY set_in_session, id");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = stmt.query([value]).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            out.push(record_from_row(row).map_err(|e| self.err(e))?);
        }
        Ok(out)
    }

    /// Every exercise in the history, each once, sorted.
    pub fn exercises(&self) -> Result<Vec<String>, HistoryError> {
        self.strings("SELECT DISTINCT exercise FROM sets ORDER BY exercise", None)
    }

    /// Every target muscle in the history, each once, sorted.
    pub fn all_muscles(&self) -> Result<Vec<String>, HistoryError> {
        self.strings("SELECT DISTINCT muscle FROM sets ORDER BY muscle", None)
    }

    /// Every target muscle trained in `exercise`, each once, sorted.
    pub fn muscles(&self, exercise: &str) -> Result<Vec<String>, HistoryError> {
        self.strings(
            "SELECT DISTINCT muscle FROM sets WHERE exercise = ?1 ORDER BY muscle",
            Some(exercise),
        )
    }

    /// Removes every set that came from the recording `session_wav` (as stored in
    /// [`SetRecord::session_wav`]) and returns how many were removed.
    pub fn delete_session(&self, session_wav: &str) -> Result<usize, HistoryError> {
        self.conn
            .execute("DELETE FROM sets WHERE session_wav = ?1", [session_wav])
            .map_err(|e| self.err(e))
    }

    /// How many sets the history holds.
    pub fn count(&self) -> Result<usize, HistoryError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM sets", [], |row| row.get(0))
            .map_err(|e| self.err(e))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Runs a one-column text query with at most one parameter.
    fn strings(&self, sql: &str, param: Option<&str>) -> Result<Vec<String>, HistoryError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(param), |row| row.get(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<String>, _>>()
            .map_err(|e| self.err(e))
    }

    fn err(&self, e: rusqlite::Error) -> HistoryError {
        classify(&self.path, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(started_at: &str, exercise: &str, muscle: &str) -> SetRecord {
        SetRecord {
            id: None,
            started_at: started_at.to_owned(),
            exercise: exercise.to_owned(),
            muscle: muscle.to_owned(),
            antagonist: None,
            session_wav: None,
            set_in_session: 1,
            duration_s: 30.0,
            reps: 10,
            good_reps: 8,
            peak_pct_mvc: None,
            peak_uv: 412.5,
            mean_pct_mvc: None,
            time_above_target_s: 12.25,
            cci_pct: None,
            fatigue_slope_hz_per_min: None,
            score: 70,
            mean_uv: None,
            kind: SetKind::Set,
            activation_unit: ActivationUnit::Microvolts,
            competitor_role: None,
            target_share_pct: None,
            log: SetLog::default(),
        }
    }

    fn full(started_at: &str) -> SetRecord {
        SetRecord {
            antagonist: Some("triceps".into()),
            session_wav: Some("/home/u/sessions/2025-03-01_1704.wav".into()),
            set_in_session: 3,
            peak_pct_mvc: Some(87.5),
            mean_pct_mvc: Some(41.0625),
            cci_pct: Some(12.5),
            fatigue_slope_hz_per_min: Some(-3.75),
            score: 255,
            mean_uv: Some(123.5),
            kind: SetKind::Drill,
            activation_unit: ActivationUnit::PctMvc,
            competitor_role: Some(CompetitorRole::Synergist),
            target_share_pct: Some(61.25),
            log: SetLog {
                felt: Some(7),
                load: Some(Load {
                    value: 92.5,
                    unit: LoadUnit::Lb,
                }),
                reps: Some(9),
                reps_in_reserve: Some(2),
                note: Some("left arm, \"slow\" tempo; new grip".into()),
            },
            ..record(started_at, "Curl", "biceps")
        }
    }

    #[test]
    fn a_set_without_reps_has_no_mean_in_reps() {
        use crate::dsp::fatigue::FatigueTrend;
        use crate::training::summary::{SetInput, summarize};
        let s = summarize(&SetInput {
            points: &[],
            target_mvc_uv: None,
            competing_mvc_uv: None,
            competing_role: crate::training::setup::Role::Antagonist,
            share_limit_pct: 60.0,
            target_level_uv: 100.0,
            ratio_limit: 0.3,
            rms_window_s: 0.1,
            fatigue: FatigueTrend::default(),
        });
        assert_eq!(s.reps, 0);
        let row =
            SetRecord::from_summary(SetContext::new("2025-03-01T10:00:00Z", "Hold", "quads"), &s);
        assert_eq!(row.mean_uv, None, "no reps: no mean in reps, not 0 uV");
    }

    #[test]
    fn empty_history_has_no_rows() {
        let db = HistoryDb::open_in_memory().unwrap();
        assert_eq!(db.count().unwrap(), 0);
        assert!(db.sets(None, None).unwrap().is_empty());
        assert!(db.exercises().unwrap().is_empty());
        assert!(db.muscles("Curl").unwrap().is_empty());
        assert_eq!(db.delete_session("/nothing.wav").unwrap(), 0);
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let db = HistoryDb::open_in_memory().unwrap();
        let sparse = record("2025-03-01T10:00:00Z", "Row", "lats");
        let rich = full("2025-03-02T10:00:00Z");
        let id1 = db.insert_set(&sparse).unwrap();
        let id2 = db.insert_set(&rich).unwrap();
        assert_ne!(id1, id2);
        let got = db.sets(None, None).unwrap();
        assert_eq!(
            got,
            vec![
                SetRecord {
                    id: Some(id1),
                    ..sparse
                },
                SetRecord {
                    id: Some(id2),
                    ..rich
                },
            ]
        );
    }

    #[test]
    fn ordered_by_start_then_id_and_filtered() {
        let db = HistoryDb::open_in_memory().unwrap();
        let later = db
            .insert_set(&record("2025-03-05T08:00:00Z", "Curl", "biceps"))
            .unwrap();
        let tie_a = db
            .insert_set(&record("2025-03-01T08:00:00Z", "Curl", "brachialis"))
            .unwrap();
        let tie_b = db
            .insert_set(&record("2025-03-01T08:00:00Z", "Curl", "biceps"))
            .unwrap();
        let row = db
            .insert_set(&record("2025-03-03T08:00:00Z", "Row", "biceps"))
            .unwrap();
        let ids = |v: Vec<SetRecord>| v.into_iter().map(|r| r.id.unwrap()).collect::<Vec<_>>();
        assert_eq!(
            ids(db.sets(None, None).unwrap()),
            [tie_a, tie_b, row, later]
        );
        assert_eq!(
            ids(db.sets(Some("Curl"), None).unwrap()),
            [tie_a, tie_b, later]
        );
        assert_eq!(
            ids(db.sets(None, Some("biceps")).unwrap()),
            [tie_b, row, later]
        );
        assert_eq!(
            ids(db.sets(Some("Curl"), Some("biceps")).unwrap()),
            [tie_b, later]
        );
        assert!(db.sets(Some("Squat"), None).unwrap().is_empty());
        assert_eq!(db.exercises().unwrap(), ["Curl", "Row"]);
        assert_eq!(db.muscles("Curl").unwrap(), ["biceps", "brachialis"]);
        assert_eq!(db.muscles("Row").unwrap(), ["biceps"]);
        assert_eq!(db.count().unwrap(), 4);
    }

    #[test]
    fn a_log_is_attached_to_a_stored_set_and_pre_fills_the_next() {
        let db = HistoryDb::open_in_memory().unwrap();
        assert_eq!(db.last_log("Curl").unwrap(), None);
        let first = db
            .insert_set(&record("2025-03-01T08:00:00Z", "Curl", "biceps"))
            .unwrap();
        let second = db
            .insert_set(&record("2025-03-02T08:00:00Z", "Curl", "biceps"))
            .unwrap();
        db.insert_set(&record("2025-03-03T08:00:00Z", "Row", "lats"))
            .unwrap();
        // The newest set without a log does not hide the last one that has it.
        let log = SetLog {
            felt: Some(10),
            load: Some(Load {
                value: 40.0,
                unit: LoadUnit::Kg,
            }),
            reps: Some(11),
            reps_in_reserve: Some(0),
            note: None,
        };
        db.attach_log(first, &log).unwrap();
        assert_eq!(db.last_log("Curl").unwrap(), Some(log.clone()));
        let later = SetLog {
            felt: Some(3),
            ..SetLog::default()
        };
        db.attach_log(second, &later).unwrap();
        assert_eq!(db.last_log("Curl").unwrap(), Some(later.clone()));
        assert_eq!(db.last_log("Row").unwrap(), None);
        let rows = db.sets(Some("Curl"), None).unwrap();
        assert_eq!((rows[0].log.clone(), rows[1].log.clone()), (log, later));
        let err = db.attach_log(9999, &SetLog::default()).unwrap_err();
        assert!(
            matches!(err, HistoryError::NoSuchSet { id: 9999, .. }),
            "{err}"
        );
    }

    #[test]
    fn filter_by_day_range_and_insert_all_is_all_or_nothing() {
        let mut db = HistoryDb::open_in_memory().unwrap();
        let ids = db
            .insert_all(&[
                record("2025-02-28T23:59:59Z", "Curl", "biceps"),
                record("2025-03-01T00:00:00Z", "Curl", "biceps"),
                record("2025-03-02T23:00:00.5Z", "Row", "biceps"),
                record("2025-03-03T00:00:00Z", "Curl", "biceps"),
            ])
            .unwrap();
        let filter = SetFilter {
            from_day: Some("2025-03-01".into()),
            to_day: Some("2025-03-02".into()),
            ..SetFilter::default()
        };
        let got: Vec<_> = db
            .sets_matching(&filter)
            .unwrap()
            .iter()
            .map(|r| r.id.unwrap())
            .collect();
        assert_eq!(got, [ids[1], ids[2]]);
        let mut bad = record("2025-03-04T00:00:00Z", "Curl", "biceps");
        bad.duration_s = f64::NAN; // NULL in a NOT NULL column: the whole batch is refused
        assert!(
            db.insert_all(&[record("2025-03-04T00:00:00Z", "Curl", "biceps"), bad])
                .is_err()
        );
        assert_eq!(db.count().unwrap(), 4);
        assert_eq!(db.count_session("/none.wav").unwrap(), 0);
    }

    #[test]
    fn delete_session_removes_only_that_recording() {
        let db = HistoryDb::open_in_memory().unwrap();
        let a = Some("/s/a.wav".to_owned());
        let b = Some("/s/b.wav".to_owned());
        for (i, wav) in [&a, &a, &b, &None].into_iter().enumerate() {
            let mut r = record(&format!("2025-03-0{}T08:00:00Z", i + 1), "Curl", "biceps");
            r.session_wav = wav.clone();
            db.insert_set(&r).unwrap();
        }
        assert_eq!(db.delete_session("/s/a.wav").unwrap(), 2);
        assert_eq!(db.delete_session("/s/a.wav").unwrap(), 0);
        let left: Vec<_> = db
            .sets(None, None)
            .unwrap()
            .into_iter()
            .map(|r| r.session_wav)
            .collect();
        assert_eq!(left, [b, None]);
    }

    #[test]
    fn sets_of_a_file_name_match_the_whole_name_in_any_folder_and_no_wildcard() {
        let db = HistoryDb::open_in_memory().unwrap();
        let wavs = [
            "/old/2025_03 a.wav",
            "C:\\old\\2025_03 a.wav",
            "/old/x2025_03 a.wav",
            "/old/2025-03 a.wav",
            "/old/2025_03 A.WAV",
        ];
        for (i, wav) in wavs.into_iter().enumerate() {
            let mut r = record(&format!("2025-03-0{}T08:00:00Z", i + 1), "Curl", "biceps");
            r.session_wav = Some(wav.to_owned());
            db.insert_set(&r).unwrap();
        }
        let found: Vec<_> = db
            .sets_of_file_named("2025_03 a.wav")
            .unwrap()
            .into_iter()
            .filter_map(|r| r.session_wav)
            .collect();
        assert_eq!(found, [wavs[0], wavs[1]], "by path, the exact name only");
        assert!(db.sets_of_file_named("%").unwrap().is_empty());
    }

    #[test]
    fn schema_version_and_indexes_are_written() {
        let db = HistoryDb::open_in_memory().unwrap();
        let version: i32 = db
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let mut stmt = db
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'sets' ORDER BY name")
            .unwrap();
        let names: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            names.contains(&"sets_by_exercise_muscle_time".to_owned()),
            "{names:?}"
        );
        assert!(names.contains(&"sets_by_session".to_owned()), "{names:?}");
    }

    #[test]
    fn wrong_data_in_a_column_is_an_error_not_a_panic() {
        let db = HistoryDb::open_in_memory().unwrap();
        db.insert_set(&record("2025-03-01T08:00:00Z", "Curl", "biceps"))
            .unwrap();
        db.conn.execute("UPDATE sets SET score = 300", []).unwrap();
        let err = db.sets(None, None).unwrap_err();
        assert!(matches!(err, HistoryError::Corrupt { .. }), "{err}");
        db.conn
            .execute("UPDATE sets SET score = 'high'", [])
            .unwrap();
        let err = db.sets(None, None).unwrap_err();
        assert!(matches!(err, HistoryError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn metric_values_and_labels() {
        let r = full("2025-03-01T00:00:00Z");
        assert_eq!(Metric::Score.value(&r), Some(255.0));
        assert_eq!(Metric::PeakPctMvc.value(&r), Some(87.5));
        assert_eq!(Metric::Cci.value(&r), Some(12.5));
        assert_eq!(Metric::FatigueSlope.value(&r), Some(-3.75));
        let bare = record("2025-03-01T00:00:00Z", "Curl", "biceps");
        assert_eq!(Metric::PeakPctMvc.value(&bare), None);
        assert_eq!(Metric::Cci.value(&bare), None);
        assert_eq!(Metric::FatigueSlope.value(&bare), None);
        for m in Metric::ALL {
            assert!(!m.label().is_empty());
        }
    }

    #[test]
    fn series_is_in_days_and_skips_missing_values() {
        let mut a = record("2025-03-01T00:00:00Z", "Curl", "biceps");
        a.cci_pct = None;
        let mut b = record("2025-03-01T12:00:00Z", "Curl", "biceps");
        b.cci_pct = Some(10.0);
        let mut c = record("2025-03-04T00:00:00.5Z", "Curl", "biceps");
        c.cci_pct = Some(20.0);
        let mut bad_time = record("yesterday", "Curl", "biceps");
        bad_time.cci_pct = Some(99.0);
        let mut nan = record("2025-03-05T00:00:00Z", "Curl", "biceps");
        nan.cci_pct = Some(f64::NAN);
        let recs = [a, b, c, bad_time, nan];
        let s = series(&recs, Metric::Cci);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0], (0.5, 10.0));
        assert!((s[1].0 - (3.0 + 0.5 / 86_400.0)).abs() < 1e-9, "{s:?}");
        assert_eq!(s[1].1, 20.0);
        let scores = series(&recs, Metric::Score);
        assert_eq!(scores.len(), 4);
        assert_eq!(scores[0], (0.0, 70.0));
        assert!(series(&[], Metric::Score).is_empty());
    }
}
