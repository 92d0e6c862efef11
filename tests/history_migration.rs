//! A training history written by the release before the training log (format 1) opens in this one: every
//! old row is there with every value it had, the new columns hold what the old rows imply, the file says
//! format 2, and new rows with a log go in beside the old ones. The format-1 file is made here with the
//! exact statements that release ran (copied, not taken from the library, so a change there cannot hide).

use innervate::training::history_db::{
    ActivationUnit, CompetitorRole, HistoryDb, Load, LoadUnit, SCHEMA_VERSION, SetKind, SetLog,
};
use rusqlite::params;

/// The schema of format 1, verbatim from `src/training/history_db.rs` before format 2.
const V1_DDL: &str = "
CREATE TABLE IF NOT EXISTS sets (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at               TEXT    NOT NULL,
    exercise                 TEXT    NOT NULL,
    muscle                   TEXT    NOT NULL,
    antagonist               TEXT,
    session_wav              TEXT,
    set_in_session           INTEGER NOT NULL,
    duration_s               REAL    NOT NULL,
    reps                     INTEGER NOT NULL,
    good_reps                INTEGER NOT NULL,
    peak_pct_mvc             REAL,
    peak_uv                  REAL    NOT NULL,
    mean_pct_mvc             REAL,
    time_above_target_s      REAL    NOT NULL,
    cci_pct                  REAL,
    fatigue_slope_hz_per_min REAL,
    score                    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sets_by_exercise_muscle_time ON sets (exercise, muscle, started_at);
CREATE INDEX IF NOT EXISTS sets_by_session ON sets (session_wav);
";

/// One format-1 row: every column of that release.
#[derive(Clone, Debug, PartialEq)]
struct V1Row {
    started_at: String,
    exercise: String,
    muscle: String,
    antagonist: Option<String>,
    session_wav: Option<String>,
    set_in_session: u32,
    duration_s: f64,
    reps: u32,
    good_reps: u32,
    peak_pct_mvc: Option<f64>,
    peak_uv: f64,
    mean_pct_mvc: Option<f64>,
    time_above_target_s: f64,
    cci_pct: Option<f64>,
    fatigue_slope_hz_per_min: Option<f64>,
    score: u8,
}

fn old_rows() -> Vec<V1Row> {
    (0..40)
        .map(|i| {
            let calibrated = i % 3 != 0;
            let paired = i % 4 == 1;
            V1Row {
                started_at: format!("2025-0{}-{:02}T07:{:02}:00.125Z", 1 + i % 9, 1 + i % 28, i),
                exercise: ["Curl", "Row — cable", "Lat pulldown"][i % 3].to_owned(),
                muscle: ["Biceps brachii", "Latissimus 'dorsi'"][i % 2].to_owned(),
                antagonist: paired.then(|| "Triceps brachii".to_owned()),
                session_wav: (i % 5 != 0).then(|| format!("/home/ana/sessions/2025 {i}.wav")),
                set_in_session: 1 + i as u32 % 4,
                duration_s: 0.1 * i as f64 + 1.0 / 3.0,
                reps: i as u32,
                good_reps: i as u32 / 2,
                peak_pct_mvc: calibrated.then(|| 50.0 + i as f64 / 7.0),
                peak_uv: 100.0 + i as f64 * 0.3,
                mean_pct_mvc: calibrated.then(|| 20.0 + i as f64 / 9.0),
                time_above_target_s: i as f64 * 0.25,
                cci_pct: paired.then(|| i as f64 / 11.0),
                fatigue_slope_hz_per_min: (i % 2 == 0).then(|| -(i as f64) / 13.0),
                score: 1 + (i % 10) as u8,
            }
        })
        .collect()
}

/// Writes a format-1 file as that release did: WAL, the schema, its application id and version 1.
fn write_v1(path: &std::path::Path, rows: &[V1Row]) {
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let _: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .unwrap();
    let tx = conn.transaction().unwrap();
    tx.execute_batch(V1_DDL).unwrap();
    tx.pragma_update(None, "application_id", 0x496E_6E76)
        .unwrap();
    tx.pragma_update(None, "user_version", 1).unwrap();
    for r in rows {
        tx.execute(
            "INSERT INTO sets (started_at, exercise, muscle, antagonist, session_wav, \
             set_in_session, duration_s, reps, good_reps, peak_pct_mvc, peak_uv, \
             mean_pct_mvc, time_above_target_s, cci_pct, fatigue_slope_hz_per_min, score) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                r.started_at,
                r.exercise,
                r.muscle,
                r.antagonist,
                r.session_wav,
                r.set_in_session,
                r.duration_s,
                r.reps,
                r.good_reps,
                r.peak_pct_mvc,
                r.peak_uv,
                r.mean_pct_mvc,
                r.time_above_target_s,
                r.cci_pct,
                r.fatigue_slope_hz_per_min,
                r.score,
            ],
        )
        .unwrap();
    }
    tx.commit().unwrap();
}

#[test]
fn a_format_1_history_opens_with_every_old_row_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let rows = old_rows();
    write_v1(&path, &rows);

    let db = HistoryDb::open(&path).unwrap();
    let got = db.sets(None, None).unwrap();
    assert_eq!(got.len(), rows.len());
    // Sets come back oldest first; match them to the old rows by id (ids are kept too).
    for r in &got {
        let id = r.id.unwrap();
        let old = &rows[(id - 1) as usize];
        let back = V1Row {
            started_at: r.started_at.clone(),
            exercise: r.exercise.clone(),
            muscle: r.muscle.clone(),
            antagonist: r.antagonist.clone(),
            session_wav: r.session_wav.clone(),
            set_in_session: r.set_in_session,
            duration_s: r.duration_s,
            reps: r.reps,
            good_reps: r.good_reps,
            peak_pct_mvc: r.peak_pct_mvc,
            peak_uv: r.peak_uv,
            mean_pct_mvc: r.mean_pct_mvc,
            time_above_target_s: r.time_above_target_s,
            cci_pct: r.cci_pct,
            fatigue_slope_hz_per_min: r.fatigue_slope_hz_per_min,
            score: r.score,
        };
        assert_eq!(&back, old, "row {id}");
        // The new columns: what the old row implies, nothing invented.
        assert_eq!(r.kind, SetKind::Set);
        let unit = if old.peak_pct_mvc.is_some() {
            ActivationUnit::PctMvc
        } else {
            ActivationUnit::Microvolts
        };
        assert_eq!(r.activation_unit, unit, "row {id}");
        assert_eq!(
            r.competitor_role,
            old.antagonist.as_ref().map(|_| CompetitorRole::Antagonist)
        );
        assert_eq!((r.mean_uv, r.target_share_pct), (None, None));
        assert_eq!(r.log, SetLog::default());
    }

    // The file now says format 2, and the upgrade is not run twice.
    drop(db);
    let peek = rusqlite::Connection::open(&path).unwrap();
    let version: i32 = peek
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    drop(peek);
    let db = HistoryDb::open(&path).unwrap();
    assert_eq!(db.count().unwrap(), rows.len());

    // An old set takes a log; the next set of that exercise is pre-filled from it.
    let log = SetLog {
        felt: Some(8),
        load: Some(Load {
            value: 135.0,
            unit: LoadUnit::Lb,
        }),
        reps: Some(12),
        reps_in_reserve: Some(1),
        note: Some("first log".into()),
    };
    db.attach_log(3, &log).unwrap();
    assert_eq!(db.last_log(&rows[2].exercise).unwrap(), Some(log));
    let after = db.sets(None, None).unwrap();
    assert_eq!(
        after.iter().filter(|r| r.log != SetLog::default()).count(),
        1
    );
}

#[test]
fn a_format_1_file_whose_upgrade_fails_is_left_as_it_was() {
    // A format-1 file that already has a column of format 2 (written by hand): the upgrade fails as a
    // whole, the file keeps version 1 and its rows.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.sqlite");
    let rows = old_rows();
    write_v1(&path, &rows[..3]);
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch("ALTER TABLE sets ADD COLUMN felt INTEGER;")
            .unwrap();
    }
    let err = HistoryDb::open(&path).unwrap_err();
    assert!(!err.to_string().is_empty());
    let raw = rusqlite::Connection::open(&path).unwrap();
    let version: i32 = raw
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1);
    let n: i64 = raw
        .query_row("SELECT COUNT(*) FROM sets", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3);
    let cols: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('sets') WHERE name = 'kind'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(cols, 0, "no column of the failed upgrade stays");
}
