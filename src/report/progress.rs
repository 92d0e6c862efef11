//! The progress report: weeks of training from the history database on paper. The sets come from the
//! same query `innervate history export` runs ([`HistoryDb::sets_matching`]), each exercise and muscle's
//! plots are the history screen's ([`series`] of every [`Metric`]) and the ranking is `innervate history
//! rank`'s ([`rank_exercises`]); this module only checks the question and lays the answers out.

use super::ReportError;
use super::history_plot::{draw_metric_grid, draw_ranking};
use super::pdf::{Doc, Paper};
use super::session::Writer;
use crate::training::history_db::{HistoryDb, Metric, SetFilter, SetKind, SetRecord, series};
use crate::training::insights::{Ranking, days_since_epoch, rank_exercises};
use std::collections::BTreeMap;
use std::path::Path;

/// A progress report: the PDF's bytes and what it printed.
pub struct ProgressReport {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// The sets reported, oldest first.
    pub sets: Vec<SetRecord>,
    /// One ranking per target muscle of the sets.
    pub rankings: Vec<Ranking>,
}

/// The report of the sets `filter` chooses in the history at `db`. Refuses (with the reason in words) a
/// history that does not exist, a day that is not `YYYY-MM-DD`, `from_day` after `to_day`, a muscle or an
/// exercise the history has never seen and a choice that holds no set.
pub fn progress_report(
    db: &Path,
    filter: &SetFilter,
    paper: Paper,
) -> Result<ProgressReport, ReportError> {
    let refuse = |why: String| Err(ReportError::Question(why));
    if !db.is_file() {
        return refuse(format!(
            "no training history at {} (train a set or `innervate history import` a recording first)",
            db.display()
        ));
    }
    let day = |d: &Option<String>| -> Result<Option<i64>, ReportError> {
        d.as_deref()
            .map(|t| {
                days_since_epoch(t)
                    .filter(|_| t.len() == 10)
                    .ok_or_else(|| {
                        ReportError::Question(format!("`{t}` is not a day (YYYY-MM-DD)"))
                    })
            })
            .transpose()
    };
    if let (Some(a), Some(b)) = (day(&filter.from_day)?, day(&filter.to_day)?)
        && a > b
    {
        return refuse(format!(
            "the period is empty: it starts ({}) after it ends ({})",
            filter.from_day.as_deref().unwrap_or_default(),
            filter.to_day.as_deref().unwrap_or_default()
        ));
    }
    let history = HistoryDb::open(db).map_err(|e| ReportError::Question(e.to_string()))?;
    let known = |what: &str, name: &Option<String>, all: Vec<String>| match name {
        Some(n) if !all.contains(n) => Err(ReportError::Question(format!(
            "the history at {} has no {what} `{n}`; its {what}s are: {}",
            db.display(),
            all.join(", ")
        ))),
        _ => Ok(()),
    };
    let query = |e| ReportError::Question(format!("reading the training history: {e}"));
    known(
        "muscle",
        &filter.muscle,
        history.all_muscles().map_err(query)?,
    )?;
    known(
        "exercise",
        &filter.exercise,
        history.exercises().map_err(query)?,
    )?;
    let sets = history.sets_matching(filter).map_err(query)?;
    if sets.is_empty() {
        return refuse(format!("no sets {} in {}", describe(filter), db.display()));
    }
    // The ranking compares each muscle's exercises over the same days (all of them, not just the chosen one).
    let mut muscles: Vec<String> = sets.iter().map(|s| s.muscle.clone()).collect();
    muscles.sort();
    muscles.dedup();
    let mut rankings = Vec::new();
    for m in &muscles {
        let of_muscle = history
            .sets_matching(&SetFilter {
                exercise: None,
                muscle: Some(m.clone()),
                ..filter.clone()
            })
            .map_err(query)?;
        rankings.push(rank_exercises(&of_muscle, m));
    }
    let mut w = Writer::new(Doc::new(paper));
    write(&mut w, db, filter, &sets, &rankings);
    Ok(ProgressReport {
        pdf: w.doc.finish(),
        sets,
        rankings,
    })
}

/// The choice in words: "of Biceps brachii in Biceps curl from 2026-01-01 to 2026-02-01".
fn describe(f: &SetFilter) -> String {
    let mut parts = Vec::new();
    if let Some(m) = &f.muscle {
        parts.push(format!("of {m}"));
    }
    if let Some(e) = &f.exercise {
        parts.push(format!("in {e}"));
    }
    match (&f.from_day, &f.to_day) {
        (Some(a), Some(b)) => parts.push(format!("from {a} to {b}")),
        (Some(a), None) => parts.push(format!("from {a} on")),
        (None, Some(b)) => parts.push(format!("up to {b}")),
        (None, None) => {}
    }
    parts.join(" ")
}

/// A value in %MVC when the set has one, else in uV, one decimal (as the session report prints it).
fn peak(r: &SetRecord) -> String {
    match r.peak_pct_mvc {
        Some(p) => format!("{p:.1} %MVC"),
        None => format!("{:.1} uV", r.peak_uv),
    }
}

/// One set's line: the history screen's columns, with the metrics the plots draw.
pub fn set_line(r: &SetRecord) -> String {
    let mut line = format!(
        "{} {} / {} set {}: reps {}, good reps {}, score {}/10, peak {}",
        r.started_at
            .get(..16)
            .unwrap_or(&r.started_at)
            .replace('T', " "),
        r.exercise,
        r.muscle,
        r.set_in_session,
        r.reps,
        r.good_reps,
        r.score,
        peak(r),
    );
    if let Some(c) = r.cci_pct {
        line += &format!(", CCI {c:.1} %");
    }
    if let Some(s) = r.target_share_pct {
        line += &format!(", target share {s:.1} %");
    }
    if let Some(f) = r.fatigue_slope_hz_per_min {
        line += &format!(", fatigue slope {f:+.2} Hz/min");
    }
    if let Some(f) = r.log.felt {
        line += &format!(", felt {f}/10");
    }
    if let Some(l) = r.log.load {
        line += &format!(", load {l}");
    }
    if r.kind == SetKind::Drill {
        line += " (drill)";
    }
    line
}

/// One exercise's ranking line.
pub fn rank_line(k: usize, r: &Ranking) -> String {
    let e = &r.exercises[k];
    let unit = r.unit.unit.as_str();
    format!(
        "{}. {}: median peak {:.1} {unit} (IQR {:.1}-{:.1}), mean {}, {} sets, {} to {}",
        k + 1,
        e.exercise,
        e.median_peak,
        e.peak_spread.q1,
        e.peak_spread.q3,
        e.mean_activation
            .map_or("-".into(), |m| format!("{m:.1} {unit}")),
        e.sets,
        e.first_day,
        e.last_day
    )
}

fn write(w: &mut Writer, db: &Path, f: &SetFilter, sets: &[SetRecord], rankings: &[Ranking]) {
    w.doc
        .text(w.left(), w.y, 18.0, true, "Innervate progress report");
    w.y -= 26.0;
    w.line(&format!("Training history: {}", db.display()));
    let chosen = describe(f);
    w.line(&format!(
        "{} sets{}, {} to {}",
        sets.len(),
        if chosen.is_empty() {
            String::new()
        } else {
            format!(" {chosen}")
        },
        crate::training::insights::day(&sets[0].started_at),
        crate::training::insights::day(&sets[sets.len() - 1].started_at),
    ));
    let mut groups: BTreeMap<(&str, &str), Vec<SetRecord>> = BTreeMap::new();
    for s in sets {
        groups
            .entry((s.exercise.as_str(), s.muscle.as_str()))
            .or_default()
            .push(s.clone());
    }
    for ((exercise, muscle), group) in &groups {
        w.need(300.0);
        w.heading(&format!("{exercise}: {muscle} ({} sets)", group.len()));
        w.line(
            "Each set's value against days since the first set shown (the history screen's plots).",
        );
        let plots: Vec<(Metric, Vec<(f64, f64)>)> =
            Metric::ALL.iter().map(|&m| (m, series(group, m))).collect();
        draw_metric_grid(w, &plots);
    }
    w.heading("Sets");
    for s in sets {
        w.line(&set_line(s));
    }
    for r in rankings {
        w.need(80.0 + 16.0 * r.exercises.len() as f32);
        w.heading(&format!("Exercise ranking for {}", r.muscle));
        w.line(&format!(
            "Best first by the median over sets of the peak activation; compared in {}{}",
            r.unit.reason,
            if r.drills_left_out > 0 {
                format!(" ({} drills left out)", r.drills_left_out)
            } else {
                String::new()
            }
        ));
        for k in 0..r.exercises.len() {
            w.line(&rank_line(k, r));
        }
        draw_ranking(w, r);
    }
}
