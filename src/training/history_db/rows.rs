//! One row of the table of sets in Rust and back: the columns read, the insert, and reading a row.

use super::{ActivationUnit, Load, LoadUnit, SetLog, SetRecord};
use rusqlite::{Connection, Row, params};

/// The columns in the order [`record_from_row`] reads them.
pub(super) const COLUMNS: &str = "id, started_at, exercise, muscle, antagonist, session_wav, set_in_session, \
     duration_s, reps, good_reps, peak_pct_mvc, peak_uv, mean_pct_mvc, time_above_target_s, \
     cci_pct, fatigue_slope_hz_per_min, score, mean_uv, kind, activation_unit, competitor_role, \
     target_share_pct, felt, load_value, load_unit, reps_logged, reps_in_reserve, note";

/// Replaces the training log of row `id`; returns the rows changed (0 when there is no such row).
pub(super) fn update_log(conn: &Connection, id: i64, log: &SetLog) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE sets SET felt = ?2, load_value = ?3, load_unit = ?4, reps_logged = ?5, \
         reps_in_reserve = ?6, note = ?7 WHERE id = ?1",
        params![
            id,
            log.felt,
            log.load.map(|l| l.value),
            log.load.map(|l| l.unit),
            log.reps,
            log.reps_in_reserve,
            log.note,
        ],
    )
}

/// Inserts one record on `conn` (the connection or a transaction on it) and returns its row id.
pub(super) fn insert_row(conn: &Connection, r: &SetRecord) -> rusqlite::Result<i64> {
    let log = &r.log;
    conn.execute(
        "INSERT INTO sets (started_at, exercise, muscle, antagonist, session_wav, \
             set_in_session, duration_s, reps, good_reps, peak_pct_mvc, peak_uv, \
             mean_pct_mvc, time_above_target_s, cci_pct, fatigue_slope_hz_per_min, score, \
             mean_uv, kind, activation_unit, competitor_role, target_share_pct, felt, \
             load_value, load_unit, reps_logged, reps_in_reserve, note) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
             ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
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
            r.mean_uv,
            r.kind,
            r.activation_unit,
            r.competitor_role,
            r.target_share_pct,
            log.felt,
            log.load.map(|l| l.value),
            log.load.map(|l| l.unit),
            log.reps,
            log.reps_in_reserve,
            log.note,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Reads one row selected with [`COLUMNS`].
pub(super) fn record_from_row(row: &Row<'_>) -> rusqlite::Result<SetRecord> {
    Ok(SetRecord {
        id: Some(row.get(0)?),
        started_at: row.get(1)?,
        exercise: row.get(2)?,
        muscle: row.get(3)?,
        antagonist: row.get(4)?,
        session_wav: row.get(5)?,
        set_in_session: row.get(6)?,
        duration_s: row.get(7)?,
        reps: row.get(8)?,
        good_reps: row.get(9)?,
        peak_pct_mvc: row.get(10)?,
        peak_uv: row.get(11)?,
        mean_pct_mvc: row.get(12)?,
        time_above_target_s: row.get(13)?,
        cci_pct: row.get(14)?,
        fatigue_slope_hz_per_min: row.get(15)?,
        score: row.get(16)?,
        mean_uv: row.get(17)?,
        kind: row.get(18)?,
        // Always filled since format 2; a row without it is judged by its %MVC.
        activation_unit: row.get::<_, Option<ActivationUnit>>(19)?.unwrap_or(
            if row.get::<_, Option<f64>>(10)?.is_some() {
                ActivationUnit::PctMvc
            } else {
                ActivationUnit::Microvolts
            },
        ),
        competitor_role: row.get(20)?,
        target_share_pct: row.get(21)?,
        log: log_from_row(row, 22)?,
    })
}

/// Reads the log columns (felt, load value, load unit, reps, reps in reserve, note) starting at `first`.
pub(super) fn log_from_row(row: &Row<'_>, first: usize) -> rusqlite::Result<SetLog> {
    let value: Option<f64> = row.get(first + 1)?;
    let unit: Option<LoadUnit> = row.get(first + 2)?;
    let felt: Option<u8> = row.get(first)?;
    Ok(SetLog {
        felt,
        load: value.map(|value| Load {
            value,
            unit: unit.unwrap_or_default(),
        }),
        reps: row.get(first + 3)?,
        reps_in_reserve: row.get(first + 4)?,
        note: row.get(first + 5)?,
    })
}
