//! The insights as a text table, CSV or JSON.

use anyhow::Result;
use innervate::training::history_db::CompetitorRole;
use innervate::training::insights::{DISAGREE_POINTS, FeelReport, LoadReport, Ranking};

/// Text columns padded to their widest cell.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out += &line(row.iter().map(String::as_str).collect());
    }
    out
}

/// CSV: a header line and the rows, text cells quoted when they need it.
fn csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let cell = |c: &String| {
        if c.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", c.replace('"', "\"\""))
        } else {
            c.clone()
        }
    };
    let mut out = header.join(",") + "\n";
    for row in rows {
        out += &(row.iter().map(cell).collect::<Vec<_>>().join(",") + "\n");
    }
    out
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or(String::new(), |v| format!("{v:.digits$}"))
}

/// `history rank`.
pub fn rank(r: &Ranking, json: bool, as_csv: bool) -> Result<String> {
    if json {
        return Ok(serde_json::to_string_pretty(r)? + "\n");
    }
    let unit = r.unit.unit.as_str();
    if as_csv {
        let header = [
            "rank",
            "exercise",
            "sets",
            "unit",
            "median_peak",
            "peak_min",
            "peak_q1",
            "peak_q3",
            "peak_max",
            "mean_activation",
            "competitor_role",
            "median_cci_pct",
            "median_share_pct",
            "first_day",
            "last_day",
        ];
        let rows: Vec<Vec<String>> = r
            .exercises
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let s = &e.peak_spread;
                vec![
                    (i + 1).to_string(),
                    e.exercise.clone(),
                    e.sets.to_string(),
                    unit.to_owned(),
                    e.median_peak.to_string(),
                    s.min.to_string(),
                    s.q1.to_string(),
                    s.q3.to_string(),
                    s.max.to_string(),
                    opt(e.mean_activation, 6),
                    e.competitor_role.map_or(String::new(), |c| c.to_string()),
                    opt(e.median_cci_pct, 6),
                    opt(e.median_share_pct, 6),
                    e.first_day.clone(),
                    e.last_day.clone(),
                ]
            })
            .collect();
        return Ok(csv(&header, &rows));
    }
    let mut out = format!(
        "Exercises for {}, best first by the median over sets of the peak activation\n\
         Compared in {}\n",
        r.muscle, r.unit.reason
    );
    if r.drills_left_out > 0 {
        out += &format!("({} activation drills left out)\n", r.drills_left_out);
    }
    out += "\n";
    let rows: Vec<Vec<String>> = r
        .exercises
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let competitor = match e.competitor_role {
                Some(CompetitorRole::Synergist) => e
                    .median_share_pct
                    .map_or("-".into(), |s| format!("share {s:.0} %")),
                Some(CompetitorRole::Antagonist) => e
                    .median_cci_pct
                    .map_or("-".into(), |c| format!("CCI {c:.0} %")),
                None => "-".into(),
            };
            vec![
                (i + 1).to_string(),
                e.exercise.clone(),
                e.sets.to_string(),
                format!("{:.1} {unit}", e.median_peak),
                format!("{:.1}-{:.1}", e.peak_spread.q1, e.peak_spread.q3),
                e.mean_activation
                    .map_or("-".into(), |m| format!("{m:.1} {unit}")),
                competitor,
                format!("{} to {}", e.first_day, e.last_day),
            ]
        })
        .collect();
    let header = [
        "#",
        "Exercise",
        "Sets",
        "Median peak",
        "Peak IQR",
        "Mean",
        "Competing muscle",
        "Days",
    ];
    Ok(out + &table(&header, &rows))
}

/// `history feel`.
pub fn feel(r: &FeelReport, json: bool, as_csv: bool) -> Result<String> {
    if json {
        return Ok(serde_json::to_string_pretty(r)? + "\n");
    }
    let rows: Vec<Vec<String>> = r
        .points
        .iter()
        .map(|p| {
            vec![
                p.started_at.clone(),
                p.exercise.clone(),
                p.felt.to_string(),
                p.score.to_string(),
                p.gap.to_string(),
                (p.gap.abs() >= DISAGREE_POINTS).to_string(),
            ]
        })
        .collect();
    if as_csv {
        let header = ["started_at", "exercise", "felt", "score", "gap", "disagree"];
        return Ok(csv(&header, &rows));
    }
    let n = r.points.len();
    let mut out = format!(
        "Felt activation (1-10) against the measured activation score (1-10) for {}\n\
         gap = felt - score; they disagree when |gap| >= {DISAGREE_POINTS}\n\n",
        r.muscle
    );
    if n == 0 {
        out += &format!(
            "No set of {} has a felt score yet ({} sets without one).\n",
            r.muscle, r.sets_without_felt
        );
        return Ok(out);
    }
    out += &format!(
        "{n} sets with a felt score ({} without): disagree in {} ({:.0} %), {} felt higher and {} lower \
         than measured; mean |gap| {}, mean gap {}\n",
        r.sets_without_felt,
        r.disagreements,
        100.0 * r.disagreements as f64 / n as f64,
        r.felt_higher,
        r.felt_lower,
        opt(r.mean_abs_gap, 2),
        opt(r.mean_gap, 2),
    );
    out += &match r.abs_gap_trend_per_week {
        Some(t) if t < 0.0 => format!("The gap shrinks by {:.2} points a week.\n\n", -t),
        Some(t) => format!("The gap does not shrink ({t:+.2} points a week).\n\n"),
        None => "One week so far: no trend yet.\n\n".into(),
    };
    let weeks: Vec<Vec<String>> = r
        .weeks
        .iter()
        .map(|w| {
            vec![
                w.week.clone(),
                w.sets.to_string(),
                format!("{:.2}", w.mean_abs_gap),
                format!("{:+.2}", w.mean_gap),
                w.disagreements.to_string(),
            ]
        })
        .collect();
    out += &table(
        &["Week of", "Sets", "Mean |gap|", "Mean gap", "Disagree"],
        &weeks,
    );
    out += "\n";
    out += &table(
        &["Started", "Exercise", "Felt", "Score", "Gap", "Disagree"],
        &rows,
    );
    Ok(out)
}

/// `history load`.
pub fn load(r: &LoadReport, json: bool, as_csv: bool) -> Result<String> {
    if json {
        return Ok(serde_json::to_string_pretty(r)? + "\n");
    }
    let unit = r.unit.unit.as_str();
    let rows: Vec<Vec<String>> = r
        .cells
        .iter()
        .map(|c| {
            vec![
                c.muscle.clone(),
                if as_csv {
                    c.load_kg.to_string()
                } else {
                    format!("{:.1} kg", c.load_kg)
                },
                c.load.to_string(),
                c.week.clone(),
                c.sets.to_string(),
                if as_csv {
                    c.median_peak.to_string()
                } else {
                    format!("{:.1} {unit}", c.median_peak)
                },
                opt(c.mean_activation, if as_csv { 6 } else { 1 }),
            ]
        })
        .collect();
    if as_csv {
        let header = [
            "muscle",
            "load_kg",
            "load_as_typed",
            "week",
            "sets",
            "median_peak",
            "mean_activation",
        ];
        let mut rows = rows;
        for row in &mut rows {
            row.push(unit.to_owned());
        }
        let header: Vec<&str> = header.into_iter().chain(["unit"]).collect();
        return Ok(csv(&header, &rows));
    }
    let mut out = format!(
        "Activation of {} by load and week (compared in {})\n",
        r.exercise, r.unit.reason
    );
    if r.sets_without_load > 0 {
        out += &format!(
            "({} sets without a logged load left out)\n",
            r.sets_without_load
        );
    }
    if r.cells.is_empty() {
        return Ok(out + "No set of this exercise has a logged load yet.\n");
    }
    out += "\n";
    Ok(out
        + &table(
            &[
                "Muscle",
                "Load",
                "As typed",
                "Week of",
                "Sets",
                "Median peak",
                "Mean",
            ],
            &rows,
        ))
}
