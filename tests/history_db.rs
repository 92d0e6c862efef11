//! The training history on a real file: fields survive a round trip and a reopen, filters and
//! ordering hold, a recording's sets can be removed, and bad files give readable errors.

use std::path::{Path, PathBuf};

use innervate::training::history_db::{
    ActivationUnit, CompetitorRole, HistoryDb, HistoryError, Load, LoadUnit, Metric,
    SCHEMA_VERSION, SetKind, SetLog, SetRecord, series,
};

fn record(started_at: &str, exercise: &str, muscle: &str, wav: Option<&str>) -> SetRecord {
    SetRecord {
        id: None,
        started_at: started_at.to_owned(),
        exercise: exercise.to_owned(),
        muscle: muscle.to_owned(),
        antagonist: None,
        session_wav: wav.map(str::to_owned),
        set_in_session: 1,
        duration_s: 42.5,
        reps: 12,
        good_reps: 9,
        peak_pct_mvc: None,
        peak_uv: 318.75,
        mean_pct_mvc: None,
        time_above_target_s: 20.125,
        cci_pct: None,
        fatigue_slope_hz_per_min: None,
        score: 64,
        mean_uv: None,
        kind: SetKind::Set,
        activation_unit: ActivationUnit::Microvolts,
        competitor_role: None,
        target_share_pct: None,
        log: SetLog::default(),
    }
}

fn rich(started_at: &str, wav: &str) -> SetRecord {
    SetRecord {
        antagonist: Some("Triceps brachii".into()),
        set_in_session: 4,
        duration_s: 0.1 + 0.2, // not exactly representable: must come back bit-identical
        peak_pct_mvc: Some(93.25),
        mean_pct_mvc: Some(1.0 / 3.0),
        cci_pct: Some(0.0),
        fatigue_slope_hz_per_min: Some(-2.5e-3),
        score: u8::MAX,
        mean_uv: Some(0.1 + 0.7),
        kind: SetKind::Drill,
        activation_unit: ActivationUnit::PctMvc,
        competitor_role: Some(CompetitorRole::Antagonist),
        target_share_pct: Some(2.0 / 3.0),
        log: SetLog {
            felt: Some(10),
            load: Some(Load {
                value: 0.1 + 0.2,
                unit: LoadUnit::Lb,
            }),
            reps: Some(u32::MAX),
            reps_in_reserve: Some(0),
            note: Some("ça va, \"heavy\",\nnext: 2.5 kg more".into()),
        },
        ..record(
            started_at,
            "Curl — supinated ✓",
            "Biceps brachii 'long head'",
            Some(wav),
        )
    }
}

fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("history.sqlite")
}

fn ids(v: &[SetRecord]) -> Vec<i64> {
    v.iter()
        .map(|r| r.id.expect("stored rows have an id"))
        .collect()
}

fn write_file(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn every_field_survives_a_round_trip_and_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let sparse = record("2025-03-01T09:00:00Z", "Row", "Latissimus dorsi", None);
    let full = rich(
        "2025-03-02T09:30:15.250Z",
        "/home/ana/sessions/2025-03-02 0930.wav",
    );
    let (id1, id2) = {
        let db = HistoryDb::open(&path).unwrap();
        (
            db.insert_set(&sparse).unwrap(),
            db.insert_set(&full).unwrap(),
        )
    };
    assert!(path.is_file());

    let db = HistoryDb::open(&path).unwrap();
    assert_eq!(db.count().unwrap(), 2);
    let want = vec![
        SetRecord {
            id: Some(id1),
            ..sparse
        },
        SetRecord {
            id: Some(id2),
            ..full
        },
    ];
    assert_eq!(db.sets(None, None).unwrap(), want);

    // And once more after new rows were added by the second opening.
    let id3 = db
        .insert_set(&record("2025-03-03T09:00:00Z", "Row", "Rhomboids", None))
        .unwrap();
    drop(db);
    let db = HistoryDb::open(&path).unwrap();
    assert_eq!(ids(&db.sets(None, None).unwrap()), [id1, id2, id3]);
}

#[test]
fn sets_are_ordered_by_start_then_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = HistoryDb::open(&db_path(&dir)).unwrap();
    let c = db
        .insert_set(&record("2025-04-10T07:00:00Z", "Curl", "Biceps", None))
        .unwrap();
    let a1 = db
        .insert_set(&record("2024-12-31T23:59:59Z", "Curl", "Biceps", None))
        .unwrap();
    let a2 = db
        .insert_set(&record("2024-12-31T23:59:59Z", "Curl", "Biceps", None))
        .unwrap();
    let b = db
        .insert_set(&record("2025-01-01T00:00:00Z", "Curl", "Biceps", None))
        .unwrap();
    assert_eq!(ids(&db.sets(None, None).unwrap()), [a1, a2, b, c]);
}

#[test]
fn filters_by_exercise_and_muscle() {
    let dir = tempfile::tempdir().unwrap();
    let db = HistoryDb::open(&db_path(&dir)).unwrap();
    let curl_bi = db
        .insert_set(&record("2025-03-01T10:00:00Z", "Curl", "Biceps", None))
        .unwrap();
    let curl_br = db
        .insert_set(&record(
            "2025-03-02T10:00:00Z",
            "Curl",
            "Brachioradialis",
            None,
        ))
        .unwrap();
    let squat = db
        .insert_set(&record(
            "2025-03-03T10:00:00Z",
            "Squat",
            "Vastus lateralis",
            None,
        ))
        .unwrap();
    let bench_bi = db
        .insert_set(&record(
            "2025-03-04T10:00:00Z",
            "Bench press",
            "Biceps",
            None,
        ))
        .unwrap();

    assert_eq!(
        ids(&db.sets(None, None).unwrap()),
        [curl_bi, curl_br, squat, bench_bi]
    );
    assert_eq!(
        ids(&db.sets(Some("Curl"), None).unwrap()),
        [curl_bi, curl_br]
    );
    assert_eq!(
        ids(&db.sets(None, Some("Biceps")).unwrap()),
        [curl_bi, bench_bi]
    );
    assert_eq!(
        ids(&db.sets(Some("Curl"), Some("Brachioradialis")).unwrap()),
        [curl_br]
    );
    assert!(db.sets(Some("Squat"), Some("Biceps")).unwrap().is_empty());
    assert!(
        db.sets(Some("curl"), None).unwrap().is_empty(),
        "names are exact"
    );

    assert_eq!(db.exercises().unwrap(), ["Bench press", "Curl", "Squat"]);
    assert_eq!(db.muscles("Curl").unwrap(), ["Biceps", "Brachioradialis"]);
    assert_eq!(db.muscles("Squat").unwrap(), ["Vastus lateralis"]);
    assert!(db.muscles("Deadlift").unwrap().is_empty());
}

#[test]
fn delete_session_removes_only_that_recordings_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let one = "/data/sessions/one.wav";
    let two = "/data/sessions/two.wav";
    let db = HistoryDb::open(&path).unwrap();
    for (i, wav) in [Some(one), Some(two), Some(one), None, Some(one)]
        .into_iter()
        .enumerate()
    {
        let mut r = record(
            &format!("2025-05-0{}T12:00:00Z", i + 1),
            "Curl",
            "Biceps",
            wav,
        );
        r.set_in_session = i as u32 + 1;
        db.insert_set(&r).unwrap();
    }
    assert_eq!(db.count().unwrap(), 5);
    assert_eq!(db.delete_session(one).unwrap(), 3);
    assert_eq!(db.count().unwrap(), 2);
    assert_eq!(db.delete_session(one).unwrap(), 0);
    assert_eq!(db.delete_session("/data/sessions/never.wav").unwrap(), 0);
    drop(db);

    let db = HistoryDb::open(&path).unwrap();
    let left: Vec<_> = db
        .sets(None, None)
        .unwrap()
        .into_iter()
        .map(|r| (r.session_wav, r.set_in_session))
        .collect();
    assert_eq!(left, [(Some(two.to_owned()), 2), (None, 4)]);
}

#[test]
fn file_is_in_wal_mode_with_the_current_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let db = HistoryDb::open(&path).unwrap();
    db.insert_set(&record("2025-03-01T10:00:00Z", "Curl", "Biceps", None))
        .unwrap();
    let peek = rusqlite::Connection::open(&path).unwrap();
    let mode: String = peek
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    let version: i32 = peek
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    assert_eq!(SCHEMA_VERSION, 2);
}

#[test]
fn garbage_file_is_a_readable_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    write_file(
        &path,
        &b"this is not a database, just some text the user saved here\n".repeat(100),
    );
    let err = HistoryDb::open(&path).unwrap_err();
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("history.sqlite"), "{msg}");
    assert!(msg.contains("not an SQLite database"), "{msg}");
    assert!(msg.contains("corrupt"), "{msg}");
    // The file is left alone for the user to look at.
    assert!(
        std::fs::read(&path)
            .unwrap()
            .starts_with(b"this is not a database")
    );
}

#[test]
fn short_garbage_file_is_a_readable_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    write_file(&path, b"not a database");
    let err = HistoryDb::open(&path).unwrap_err();
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err:?}");
}

#[test]
fn empty_file_becomes_a_new_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    write_file(&path, b"");
    let db = HistoryDb::open(&path).unwrap();
    assert_eq!(db.count().unwrap(), 0);
}

#[test]
fn damaged_pages_give_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let db = HistoryDb::open(&path).unwrap();
        for i in 0..400 {
            let mut r = rich(
                &format!("2025-03-01T10:{:02}:{:02}Z", i / 60, i % 60),
                "/s/a.wav",
            );
            r.exercise = format!("Exercise {}", i % 7);
            db.insert_set(&r).unwrap();
        }
    } // closing the last connection folds the WAL into the main file
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8192, "{}", bytes.len());
    for (i, b) in bytes[4096..].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(37) ^ 0x5A;
    }
    write_file(&path, &bytes);

    let result = HistoryDb::open(&path).and_then(|db| {
        db.sets(None, None)?;
        db.exercises()?;
        db.count()
    });
    let err = result.expect_err("damaged file must not read as fine");
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("corrupt"), "{err}");
}

#[test]
fn file_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let db = HistoryDb::open(&path).unwrap();
        db.insert_set(&record("2025-03-01T10:00:00Z", "Curl", "Biceps", None))
            .unwrap();
    }
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = HistoryDb::open(&path).unwrap_err();
    match &err {
        HistoryError::NewerVersion {
            found, supported, ..
        } => {
            assert_eq!(*found, 99);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("expected NewerVersion, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("made by a newer Innervate"), "{msg}");
    // Refusing does not touch the file.
    let raw = rusqlite::Connection::open(&path).unwrap();
    let version: i32 = raw
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
}

#[test]
fn bare_database_with_user_version_99_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch("CREATE TABLE sets_v99 (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let err = HistoryDb::open(&path).unwrap_err();
    assert!(
        matches!(err, HistoryError::NewerVersion { found: 99, .. }),
        "{err:?}"
    );
}

#[test]
fn another_programs_database_is_not_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
            .unwrap();
    }
    let err = HistoryDb::open(&path).unwrap_err();
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("another program"), "{err}");
    let raw = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = raw
        .query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1, "nothing was added to the other program's file");
    let mode: String = raw
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(
        mode.to_lowercase(),
        "delete",
        "its journal mode was left alone"
    );
}

#[test]
fn unopenable_path_is_a_cannot_open_error() {
    let dir = tempfile::tempdir().unwrap();
    // A missing folder.
    let err =
        HistoryDb::open(&dir.path().join("no such folder").join("history.sqlite")).unwrap_err();
    assert!(matches!(err, HistoryError::Open { .. }), "{err:?}");
    assert!(err.to_string().starts_with("cannot open"), "{err}");
    // A folder where the file should be.
    let err = HistoryDb::open(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            HistoryError::Open { .. } | HistoryError::Corrupt { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn series_from_stored_rows_is_in_days_and_skips_missing_values() {
    let dir = tempfile::tempdir().unwrap();
    let db = HistoryDb::open(&db_path(&dir)).unwrap();
    let mut first = record("2025-06-01T06:00:00Z", "Curl", "Biceps", None);
    first.score = 50;
    first.peak_pct_mvc = None;
    let mut second = record("2025-06-02T18:00:00Z", "Curl", "Biceps", None);
    second.score = 60;
    second.peak_pct_mvc = Some(80.0);
    second.fatigue_slope_hz_per_min = Some(-1.5);
    let mut third = record("2025-06-08T06:00:00Z", "Curl", "Biceps", None);
    third.score = 75;
    third.peak_pct_mvc = Some(90.0);
    // Inserted out of order: the database orders them.
    for r in [&third, &first, &second] {
        db.insert_set(r).unwrap();
    }
    let rows = db.sets(Some("Curl"), Some("Biceps")).unwrap();

    assert_eq!(
        series(&rows, Metric::Score),
        [(0.0, 50.0), (1.5, 60.0), (7.0, 75.0)]
    );
    // x stays "days since the first record" even when that record lacks the metric.
    assert_eq!(
        series(&rows, Metric::PeakPctMvc),
        [(1.5, 80.0), (7.0, 90.0)]
    );
    assert_eq!(series(&rows, Metric::FatigueSlope), [(1.5, -1.5)]);
    assert!(series(&rows, Metric::Cci).is_empty());
    assert_eq!(Metric::Score.value(&rows[0]), Some(50.0));
    assert!(!Metric::FatigueSlope.label().is_empty());
}

#[test]
fn records_serialize_with_serde() {
    let r = rich("2025-03-02T09:30:15Z", "/s/x.wav");
    let json = serde_json::to_string(&r).unwrap();
    let back: SetRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn current_version_without_the_table_of_sets_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    {
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.pragma_update(None, "user_version", SCHEMA_VERSION)
            .unwrap();
    }
    let err = HistoryDb::open(&path).unwrap_err();
    assert!(matches!(err, HistoryError::Corrupt { .. }), "{err:?}");
    assert!(
        err.to_string().contains("table of sets is missing"),
        "{err}"
    );
}
