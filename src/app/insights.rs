//! The insights screen's state: the history's rows, read once in the background when the screen opens, and
//! the three insights of [`crate::training::insights`] (the functions `innervate history rank|feel|load`
//! call) for the chosen muscle and exercise, computed when a choice changes, never per frame, together
//! with the points the plots draw. Drawing is in [`super::insights_view`] and [`super::insights_plots`].

use crate::task::{Poll, Task};
use crate::training::history_db::{HistoryDb, SetFilter, SetKind, SetRecord};
use crate::training::insights::{
    FeelReport, LoadReport, Ranking, activation_by_load, day, days_since_epoch, feel_vs_measured,
    load_key, load_points, rank_exercises,
};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The three insights, one per tab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InsightsTab {
    /// Which exercise works a muscle hardest.
    #[default]
    Ranking,
    /// Felt activation against the measured score.
    Feel,
    /// An exercise's activation against load over time.
    Load,
}

impl InsightsTab {
    /// Every tab, in the order shown.
    pub const ALL: [InsightsTab; 3] = [InsightsTab::Ranking, InsightsTab::Feel, InsightsTab::Load];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            InsightsTab::Ranking => "Exercise ranking",
            InsightsTab::Feel => "Feel vs measured",
            InsightsTab::Load => "Same load, more activation",
        }
    }
}

/// Sets with the same felt and measured score (one bubble of the scatter plot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FeelBubble {
    /// Felt activation, 1-10.
    pub felt: u8,
    /// Measured score, 1-10.
    pub score: u8,
    /// How many sets.
    pub sets: usize,
}

/// The feel-vs-measured tab: the report and what its plots draw.
#[derive(Clone, Debug, PartialEq)]
pub struct FeelView {
    /// The report ([`feel_vs_measured`]).
    pub report: FeelReport,
    /// The sets by (felt, score); scores are whole numbers, so sets pile up on a grid.
    pub bubbles: Vec<FeelBubble>,
    /// Week (days since 1970-01-01 of its Monday) against the mean |felt - score| that week.
    pub weekly_abs_gap: Vec<[f64; 2]>,
    /// The least-squares line through `weekly_abs_gap`, from its first week to its last.
    pub trend_line: Option<[[f64; 2]; 2]>,
    /// In one sentence: is the gap shrinking?
    pub verdict: String,
}

/// One load of an exercise: its sets and its weekly medians.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadLine {
    /// The load as typed (e.g. "40 kg").
    pub label: String,
    /// Each set: day (since 1970-01-01) against its peak.
    pub sets: Vec<[f64; 2]>,
    /// Each week (its Monday) against the median peak of the week's sets ([`LoadReport`]'s cells).
    pub weekly: Vec<[f64; 2]>,
}

/// The same-load tab: the report and, for the chosen target muscle, one line per load.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadView {
    /// The report ([`activation_by_load`]).
    pub report: LoadReport,
    /// Target muscles with loaded sets of the exercise.
    pub muscles: Vec<String>,
    /// The one shown.
    pub muscle: Option<String>,
    /// Lightest load first.
    pub lines: Vec<LoadLine>,
}

/// The open insights screen.
#[derive(Debug, Default)]
pub struct InsightsPanel {
    /// The tab shown.
    pub tab: InsightsTab,
    /// Reading the history's rows (when the screen opens).
    loading: Option<Task<Result<Vec<SetRecord>, String>>>,
    /// Every row of the history, oldest first.
    records: Vec<SetRecord>,
    /// Target muscles in the history.
    pub muscles: Vec<String>,
    /// Exercises in the history (drills left out).
    pub exercises: Vec<String>,
    /// The muscle of the ranking and feel tabs.
    pub muscle: Option<String>,
    /// The exercise of the load tab.
    pub exercise: Option<String>,
    /// The chosen muscle's ranking.
    pub ranking: Option<Ranking>,
    /// The chosen muscle's feel against measurement.
    pub feel: Option<FeelView>,
    /// The chosen exercise's activation by load.
    pub load: Option<LoadView>,
    /// A problem, in plain words.
    pub error: Option<String>,
}

impl InsightsPanel {
    /// The screen over the history at `db_path`, read in the background; `muscle` and `exercise` are shown
    /// first when the history has them (the applied setup's).
    pub fn open(db_path: PathBuf, muscle: Option<String>, exercise: Option<String>) -> Self {
        let task = Task::spawn("insights", move |_| {
            let db = HistoryDb::open_creating_folder(&db_path).map_err(|e| e.to_string())?;
            db.sets_matching(&SetFilter::default())
                .map_err(|e| e.to_string())
        });
        Self {
            loading: Some(task),
            muscle,
            exercise,
            ..Self::default()
        }
    }

    /// The screen over rows already read (oldest first).
    pub fn from_records(
        records: Vec<SetRecord>,
        muscle: Option<String>,
        exercise: Option<String>,
    ) -> Self {
        let mut panel = Self {
            muscle,
            exercise,
            ..Self::default()
        };
        panel.take_records(records);
        panel
    }

    /// True while the rows are being read.
    pub fn loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Takes in the rows once they are read (never blocks).
    pub fn poll(&mut self) {
        let Some(task) = self.loading.as_mut() else {
            return;
        };
        match task.poll() {
            Poll::Running => {}
            Poll::Done(Ok(records)) => {
                self.loading = None;
                self.take_records(records);
            }
            Poll::Done(Err(e)) | Poll::Lost(e) => {
                self.loading = None;
                self.error = Some(format!("Cannot read the training history: {e}"));
            }
        }
    }

    /// Waits (up to `timeout`) for the rows, polling as the UI would (tests).
    pub fn wait(&mut self, timeout: Duration) {
        let until = Instant::now() + timeout;
        while self.loading() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
            self.poll();
        }
    }

    fn take_records(&mut self, records: Vec<SetRecord>) {
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v.dedup();
            v
        };
        self.muscles = sorted(records.iter().map(|r| r.muscle.clone()).collect());
        self.exercises = sorted(
            records
                .iter()
                .filter(|r| r.kind == SetKind::Set)
                .map(|r| r.exercise.clone())
                .collect(),
        );
        self.records = records;
        let keep = |chosen: Option<String>, all: &[String]| {
            chosen
                .filter(|c| all.contains(c))
                .or_else(|| all.first().cloned())
        };
        self.muscle = keep(self.muscle.take(), &self.muscles);
        self.exercise = keep(self.exercise.take(), &self.exercises);
        self.compute_muscle();
        self.compute_load(None);
    }

    /// Shows the ranking and feel of `muscle`.
    pub fn choose_muscle(&mut self, muscle: &str) {
        self.muscle = Some(muscle.to_owned());
        self.compute_muscle();
    }

    /// Shows the load view of `exercise`.
    pub fn choose_exercise(&mut self, exercise: &str) {
        self.exercise = Some(exercise.to_owned());
        self.compute_load(None);
    }

    /// Shows the load view's lines of another target muscle of the exercise.
    pub fn choose_load_muscle(&mut self, muscle: &str) {
        self.compute_load(Some(muscle.to_owned()));
    }

    fn compute_muscle(&mut self) {
        let Some(m) = self.muscle.as_deref() else {
            return;
        };
        self.ranking = Some(rank_exercises(&self.records, m));
        self.feel = Some(feel_view(feel_vs_measured(&self.records, m)));
    }

    fn compute_load(&mut self, muscle: Option<String>) {
        let Some(e) = self.exercise.as_deref() else {
            return;
        };
        let report = activation_by_load(&self.records, e);
        let points = load_points(&self.records, e, report.unit.unit);
        let mut muscles: Vec<String> = report.cells.iter().map(|c| c.muscle.clone()).collect();
        muscles.dedup();
        let muscle = muscle
            .filter(|m| muscles.contains(m))
            .or_else(|| muscles.first().cloned());
        let mut lines: BTreeMap<i64, LoadLine> = BTreeMap::new();
        for c in report
            .cells
            .iter()
            .filter(|c| Some(&c.muscle) == muscle.as_ref())
        {
            let line = lines.entry(load_key(c.load)).or_insert_with(|| LoadLine {
                label: c.load.to_string(),
                sets: Vec::new(),
                weekly: Vec::new(),
            });
            if let Some(d) = days_since_epoch(&c.week) {
                line.weekly.push([d as f64, c.median_peak]);
            }
        }
        for p in points.iter().filter(|p| Some(&p.muscle) == muscle.as_ref()) {
            if let (Some(line), Some(d)) = (
                lines.get_mut(&load_key(p.load)),
                days_since_epoch(&day(&p.started_at)),
            ) {
                line.sets.push([d as f64, p.peak]);
            }
        }
        self.load = Some(LoadView {
            report,
            muscles,
            muscle,
            lines: lines.into_values().collect(),
        });
    }
}

/// What the feel tab draws from its report.
fn feel_view(report: FeelReport) -> FeelView {
    let mut grid: BTreeMap<(u8, u8), usize> = BTreeMap::new();
    for p in &report.points {
        *grid.entry((p.felt, p.score)).or_default() += 1;
    }
    let bubbles = grid
        .into_iter()
        .map(|((felt, score), sets)| FeelBubble { felt, score, sets })
        .collect();
    let weekly_abs_gap: Vec<[f64; 2]> = report
        .weeks
        .iter()
        .filter_map(|w| Some([days_since_epoch(&w.week)? as f64, w.mean_abs_gap]))
        .collect();
    // The report's slope is per week; the plot's x is in days. The line passes through the mean point,
    // as a least-squares line does.
    let trend_line = report.abs_gap_trend_per_week.and_then(|per_week| {
        let (first, last) = (weekly_abs_gap.first()?, weekly_abs_gap.last()?);
        let n = weekly_abs_gap.len() as f64;
        let mx = weekly_abs_gap.iter().map(|p| p[0]).sum::<f64>() / n;
        let my = weekly_abs_gap.iter().map(|p| p[1]).sum::<f64>() / n;
        let at = |x: f64| [x, my + per_week / 7.0 * (x - mx)];
        Some([at(first[0]), at(last[0])])
    });
    let verdict = verdict(&report);
    FeelView {
        report,
        bubbles,
        weekly_abs_gap,
        trend_line,
        verdict,
    }
}

/// One sentence on the weekly gap, as `innervate history feel` says it.
fn verdict(r: &FeelReport) -> String {
    if r.points.is_empty() {
        return "No felt scores yet: type how well you felt the muscle (1-10) under a set's summary."
            .into();
    }
    let weeks = r.weeks.len();
    match r.abs_gap_trend_per_week {
        Some(t) if t < 0.0 => format!(
            "The gap is shrinking: {:.2} points a week over {weeks} weeks, so your feel for the muscle \
             is getting closer to the measurement.",
            -t
        ),
        Some(t) => format!(
            "The gap is not shrinking ({t:+.2} points a week over {weeks} weeks): the feel does not yet \
             follow the measurement better."
        ),
        None => "One week of felt scores so far: no trend yet.".into(),
    }
}
