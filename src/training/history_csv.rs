//! The training history as CSV (`innervate history export --csv`): one row per set, every stored field,
//! in the columns of [`COLUMNS`] (each documented there and in docs/HISTORY.md). Read back with
//! [`from_csv`] to exactly the same records: numbers are written in Rust's shortest round-trip form, an
//! empty cell is a missing value, and text is quoted (so `""` is an empty note, not a missing one).

use super::history_db::{
    ActivationUnit, CompetitorRole, Load, LoadUnit, SetKind, SetLog, SetRecord,
};

/// Every column, in order, with what it holds.
pub const COLUMNS: [(&str, &str); 28] = [
    ("id", "row id in the history database"),
    ("started_at", "when the set started, RFC 3339 UTC"),
    ("exercise", "exercise name as the user named it"),
    ("muscle", "target muscle"),
    (
        "antagonist",
        "the competing muscle watched during the set (its role: competitor_role), empty if none",
    ),
    (
        "session_wav",
        "absolute path of the recording the set came from, empty if not recorded",
    ),
    (
        "set_in_session",
        "the set's number in its recording, from 1",
    ),
    ("duration_s", "length of the set, s"),
    ("reps", "repetitions counted by Innervate"),
    (
        "good_reps",
        "counted reps that reached the target with the competing muscle within its limit",
    ),
    (
        "peak_pct_mvc",
        "highest activation of the target, %MVC (empty without an MVC reference)",
    ),
    ("peak_uv", "highest RMS envelope of the target, microvolts"),
    (
        "mean_pct_mvc",
        "mean activation of the target in its reps, %MVC (empty without an MVC reference)",
    ),
    (
        "mean_uv",
        "mean RMS envelope of the target in its reps, microvolts (empty in sets stored before format 2)",
    ),
    (
        "time_above_target_s",
        "seconds the target spent above its target line",
    ),
    (
        "cci_pct",
        "co-contraction index with the competing muscle (Falconer & Winter), percent",
    ),
    (
        "fatigue_slope_hz_per_min",
        "slope of the target's median frequency over the set, Hz/min (negative: fatiguing)",
    ),
    ("score", "measured activation score, 1 to 10"),
    ("kind", "set (an exercise) or drill (an activation drill)"),
    (
        "activation_unit",
        "%MVC when the set had an MVC reference, uV when not",
    ),
    (
        "competitor_role",
        "antagonist or synergist: what the competing muscle does; empty if none",
    ),
    (
        "target_share_pct",
        "the target's share of the work against a synergist, percent",
    ),
    (
        "felt",
        "felt activation of the target written after the set, 1 to 10",
    ),
    ("load_value", "the load as typed (its unit in load_unit)"),
    ("load_unit", "kg or lb"),
    (
        "reps_logged",
        "the reps the user confirmed (pre-filled with reps)",
    ),
    ("reps_in_reserve", "reps the user could still have done"),
    ("note", "the user's note"),
];

/// Why a CSV could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct CsvError {
    /// The line (from 1) of the record.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// One cell: its text and whether it was quoted.
type Cell = (String, bool);

/// The records as CSV with a header line.
pub fn to_csv(records: &[SetRecord]) -> String {
    let mut out = COLUMNS.map(|c| c.0).join(",");
    out.push('\n');
    for r in records {
        let l = &r.log;
        let n = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
        let i = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
        let t = |v: Option<&str>| v.map_or(String::new(), quote);
        let cells = [
            r.id.map_or(String::new(), |v| v.to_string()),
            quote(&r.started_at),
            quote(&r.exercise),
            quote(&r.muscle),
            t(r.antagonist.as_deref()),
            t(r.session_wav.as_deref()),
            r.set_in_session.to_string(),
            r.duration_s.to_string(),
            r.reps.to_string(),
            r.good_reps.to_string(),
            n(r.peak_pct_mvc),
            r.peak_uv.to_string(),
            n(r.mean_pct_mvc),
            n(r.mean_uv),
            r.time_above_target_s.to_string(),
            n(r.cci_pct),
            n(r.fatigue_slope_hz_per_min),
            r.score.to_string(),
            r.kind.to_string(),
            r.activation_unit.to_string(),
            t(r.competitor_role.map(CompetitorRole::as_str)),
            n(r.target_share_pct),
            i(l.felt.map(u64::from)),
            n(l.load.map(|x| x.value)),
            t(l.load.map(|x| x.unit.as_str())),
            i(l.reps.map(u64::from)),
            i(l.reps_in_reserve.map(u64::from)),
            t(l.note.as_deref()),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// Text in double quotes, inner quotes doubled.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Reads CSV written by [`to_csv`] back into records.
pub fn from_csv(text: &str) -> Result<Vec<SetRecord>, CsvError> {
    let rows = split_rows(text)?;
    let Some(((_, header), body)) = rows.split_first() else {
        return Err(CsvError {
            line: 1,
            reason: "no header".into(),
        });
    };
    let names: Vec<&str> = header.iter().map(|c| c.0.as_str()).collect();
    if names != COLUMNS.map(|c| c.0) {
        return Err(CsvError {
            line: 1,
            reason: format!("unexpected columns {names:?}"),
        });
    }
    body.iter()
        .map(|(line, cells)| {
            record(cells).map_err(|reason| CsvError {
                line: *line,
                reason,
            })
        })
        .collect()
}

/// One data row back into a record.
fn record(c: &[Cell]) -> Result<SetRecord, String> {
    if c.len() != COLUMNS.len() {
        return Err(format!("{} cells, expected {}", c.len(), COLUMNS.len()));
    }
    let bad = |k: usize| format!("column {} cannot hold `{}`", COLUMNS[k].0, c[k].0);
    // A cell is missing when it is empty and unquoted.
    let opt = |k: usize| (c[k].1 || !c[k].0.is_empty()).then_some(c[k].0.as_str());
    let need = |k: usize| opt(k).ok_or_else(|| format!("column {} is empty", COLUMNS[k].0));
    let text = |k: usize| need(k).map(str::to_owned);
    let f = |k: usize| {
        opt(k)
            .map(|s| s.parse::<f64>().map_err(|_| bad(k)))
            .transpose()
    };
    let u = |k: usize| {
        opt(k)
            .map(|s| s.parse::<u32>().map_err(|_| bad(k)))
            .transpose()
    };
    let need_f = |k: usize| f(k)?.ok_or_else(|| bad(k));
    let need_u = |k: usize| u(k)?.ok_or_else(|| bad(k));
    let small = |k: usize| {
        u(k)?
            .map(|v| u8::try_from(v).map_err(|_| bad(k)))
            .transpose()
    };
    let load_unit = opt(24)
        .map(|s| LoadUnit::parse(s).ok_or_else(|| bad(24)))
        .transpose()?;
    Ok(SetRecord {
        id: opt(0)
            .map(|s| s.parse::<i64>().map_err(|_| bad(0)))
            .transpose()?,
        started_at: text(1)?,
        exercise: text(2)?,
        muscle: text(3)?,
        antagonist: opt(4).map(str::to_owned),
        session_wav: opt(5).map(str::to_owned),
        set_in_session: need_u(6)?,
        duration_s: need_f(7)?,
        reps: need_u(8)?,
        good_reps: need_u(9)?,
        peak_pct_mvc: f(10)?,
        peak_uv: need_f(11)?,
        mean_pct_mvc: f(12)?,
        mean_uv: f(13)?,
        time_above_target_s: need_f(14)?,
        cci_pct: f(15)?,
        fatigue_slope_hz_per_min: f(16)?,
        score: small(17)?.ok_or_else(|| bad(17))?,
        kind: SetKind::parse(need(18)?).ok_or_else(|| bad(18))?,
        activation_unit: ActivationUnit::parse(need(19)?).ok_or_else(|| bad(19))?,
        competitor_role: opt(20)
            .map(|s| CompetitorRole::parse(s).ok_or_else(|| bad(20)))
            .transpose()?,
        target_share_pct: f(21)?,
        log: SetLog {
            felt: small(22)?
                .map(|v| (1..=10).contains(&v).then_some(v).ok_or_else(|| bad(22)))
                .transpose()?,
            load: f(23)?.map(|value| Load {
                value,
                unit: load_unit.unwrap_or_default(),
            }),
            reps: u(25)?,
            reps_in_reserve: u(26)?,
            note: opt(27).map(str::to_owned),
        },
    })
}

/// Splits CSV text into records of cells (RFC 4180: quoted cells may hold commas, quotes and line
/// breaks), each with the line it starts on.
fn split_rows(text: &str) -> Result<Vec<(usize, Vec<Cell>)>, CsvError> {
    let mut rows = Vec::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut cell = String::new();
    let (mut quoted, mut in_quotes, mut line, mut start) = (false, false, 1, 1);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (in_quotes, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => {
                line += usize::from(c == '\n');
                cell.push(c);
            }
            (false, '"') if cell.is_empty() && !quoted => (in_quotes, quoted) = (true, true),
            (false, ',') => cells.push((std::mem::take(&mut cell), std::mem::take(&mut quoted))),
            (false, '\r') => {}
            (false, '\n') => {
                cells.push((std::mem::take(&mut cell), std::mem::take(&mut quoted)));
                rows.push((start, std::mem::take(&mut cells)));
                line += 1;
                start = line;
            }
            (false, c) => cell.push(c),
        }
    }
    if in_quotes {
        return Err(CsvError {
            line: start,
            reason: "a quote is never closed".into(),
        });
    }
    if !cell.is_empty() || quoted || !cells.is_empty() {
        cells.push((cell, quoted));
        rows.push((start, cells));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_csv_says_where() {
        assert!(from_csv("").is_err());
        assert!(from_csv("id,started_at\n").is_err());
        let header = COLUMNS.map(|c| c.0).join(",");
        assert!(from_csv(&format!("{header}\n")).unwrap().is_empty());
        let e = from_csv(&format!("{header}\n1,\"x\n")).unwrap_err();
        assert_eq!(e.line, 2);
        let row = "1,\"2025-03-01T00:00:00Z\",\"Curl\",\"Biceps\",,,1,1.5,3,2,,100,,,0,,,5,set,uV,,,11,,,,,";
        let e = from_csv(&format!("{header}\n{row}\n")).unwrap_err();
        assert!(e.to_string().contains("felt"), "{e}");
        let ok = row.replace(",11,", ",7,");
        assert_eq!(
            from_csv(&format!("{header}\r\n{ok}")).unwrap()[0].log.felt,
            Some(7)
        );
    }
}
