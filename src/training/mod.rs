//! Training aids around the live view: muscle and exercise presets, saved exercise setups, the summary of a
//! set with its activation score, and the history of past sets.

pub mod history_db;
pub mod presets;
pub mod setup;
pub mod summary;
