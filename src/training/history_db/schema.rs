//! The file format of the training history, step by step: the tables of format 1, and the statements
//! that take a format-1 file to format 2. A new file is made the same way (format 1, then each step), so
//! a new history and an upgraded one are the same.

/// Format 1 (Innervate up to the training log): one row per set with its measured numbers.
pub(super) const V1: &str = "
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

/// Format 1 -> 2: the training log (what the user writes down after a set), the kind of row, the unit
/// its activation is in, the competing muscle's role and the target's share of the work. Every new
/// column is nullable or has a default, so old rows keep every value; the two `UPDATE`s only fill the
/// new columns with what old rows already imply (a row with %MVC was calibrated; format 1 knew only
/// antagonists).
pub(super) const V1_TO_V2: &str = "
ALTER TABLE sets ADD COLUMN mean_uv REAL;
ALTER TABLE sets ADD COLUMN kind TEXT NOT NULL DEFAULT 'set';
ALTER TABLE sets ADD COLUMN activation_unit TEXT;
ALTER TABLE sets ADD COLUMN competitor_role TEXT;
ALTER TABLE sets ADD COLUMN target_share_pct REAL;
ALTER TABLE sets ADD COLUMN felt INTEGER;
ALTER TABLE sets ADD COLUMN load_value REAL;
ALTER TABLE sets ADD COLUMN load_unit TEXT;
ALTER TABLE sets ADD COLUMN reps_logged INTEGER;
ALTER TABLE sets ADD COLUMN reps_in_reserve INTEGER;
ALTER TABLE sets ADD COLUMN note TEXT;
UPDATE sets SET activation_unit = CASE WHEN peak_pct_mvc IS NULL THEN 'uV' ELSE '%MVC' END;
UPDATE sets SET competitor_role = 'antagonist' WHERE antagonist IS NOT NULL;
CREATE INDEX IF NOT EXISTS sets_by_muscle_time ON sets (muscle, started_at);
CREATE INDEX IF NOT EXISTS sets_by_exercise_time ON sets (exercise, started_at);
";

/// The steps from format `n` to `n + 1`, in order: `STEPS[0]` makes format 1 from an empty file.
pub(super) const STEPS: [&str; 2] = [V1, V1_TO_V2];
