//! Training: the rules (when a muscle works, where a rep starts, defaults), muscle and exercise presets,
//! saved exercise setups, the plan of a set as recorded in the session, the set summary with its activation
//! score, the live rep counter, the target's share of the work against a synergist, activation drills, and the
//! history of past sets. No drawing and no threads here.

pub mod body_figure;
pub mod drill;
pub mod drill_score;
pub mod history_csv;
pub mod history_db;
pub mod insights;
pub mod live_reps;
pub mod muscle_map;
pub mod plan;
pub mod presets;
pub mod rules;
pub mod setup;
pub mod setup_store;
pub mod share;
pub mod summary;
