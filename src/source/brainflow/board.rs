//! Which BrainFlow board, and which of its channels: a board given by id or name, and the choice of at
//! most [`MAX_CHANNELS`] muscle channels.

use super::BrainflowError;
use super::library::BoardController;
use crate::block::MAX_CHANNELS;

/// BrainFlow's playback-file board (`BoardIds::PLAYBACK_FILE_BOARD`).
pub const PLAYBACK_FILE_BOARD: i32 = -3;
/// BrainFlow's streaming board (`BoardIds::STREAMING_BOARD`).
pub const STREAMING_BOARD: i32 = -2;
/// BrainFlow's synthetic board (`BoardIds::SYNTHETIC_BOARD`).
pub const SYNTHETIC_BOARD: i32 = -1;
/// Ids searched for a board name (BrainFlow 5 ends near 70; room for new boards).
const IDS: std::ops::RangeInclusive<i32> = -3..=255;

/// A name compared loosely: letters and digits only, lower case, without a trailing "board"
/// ("SYNTHETIC_BOARD", "Synthetic" and "synthetic" are the same board).
fn normal(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match s.strip_suffix("board") {
        Some(stem) if !stem.is_empty() => stem.to_string(),
        _ => s,
    }
}

/// The board id for `spec`: a number BrainFlow knows, or a board name as BrainFlow spells it (see
/// [`boards`]), `playback_file` or `streaming`.
pub fn resolve(lib: &BoardController, spec: &str) -> Result<i32, BrainflowError> {
    let spec = spec.trim();
    if let Ok(id) = spec.parse::<i32>() {
        let known = {
            let _quiet = lib.quiet();
            lib.device_name(id).is_some()
        };
        if id == PLAYBACK_FILE_BOARD || id == STREAMING_BOARD || known {
            return Ok(id);
        }
        return Err(BrainflowError::Board(format!(
            "BrainFlow {} knows no board with id {id}",
            lib.version
        )));
    }
    let wanted = normal(spec);
    match wanted.as_str() {
        "playback" | "playbackfile" => return Ok(PLAYBACK_FILE_BOARD),
        "streaming" => return Ok(STREAMING_BOARD),
        _ => {}
    }
    let known = boards(lib);
    if let Some((id, _)) = known.iter().find(|(_, name)| normal(name) == wanted) {
        return Ok(*id);
    }
    let list: Vec<String> = known.iter().map(|(id, n)| format!("{n} ({id})")).collect();
    Err(BrainflowError::Board(format!(
        "BrainFlow {} knows no board called `{spec}`; it knows {}",
        lib.version,
        list.join(", ")
    )))
}

/// Every board BrainFlow knows: id and name (`get_device_name`).
pub fn boards(lib: &BoardController) -> Vec<(i32, String)> {
    // BrainFlow logs an error for every id it does not know: quiet while asking.
    let _quiet = lib.quiet();
    IDS.filter_map(|id| lib.device_name(id).map(|n| (id, n)))
        .collect()
}

/// The chosen channels: BrainFlow rows, their 1-based positions among the muscle channels, and a notice
/// when some were left out by default.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelChoice {
    /// BrainFlow row of each channel, in order.
    pub rows: Vec<usize>,
    /// 1-based position of each among the board's muscle channels (for the channel names).
    pub positions: Vec<usize>,
    /// What the user should know about the choice (the first 16 taken of more).
    pub notice: Option<String>,
}

/// Chooses up to [`MAX_CHANNELS`] of `available` (the board's muscle rows): the positions in `spec`
/// (`1-8,10`, 1-based), or the first 16 with a notice.
pub fn choose(available: &[usize], spec: Option<&str>) -> Result<ChannelChoice, BrainflowError> {
    let n = available.len();
    let bad = |why: String| BrainflowError::Board(format!("--brainflow-channels: {why}"));
    let positions: Vec<usize> = match spec.map(str::trim).filter(|s| !s.is_empty()) {
        None => (1..=n.min(MAX_CHANNELS)).collect(),
        Some(s) => {
            let mut out = Vec::new();
            for part in s.split(',') {
                let part = part.trim();
                let (a, b) = part.split_once('-').unwrap_or((part, part));
                let (Ok(a), Ok(b)) = (a.trim().parse::<usize>(), b.trim().parse::<usize>()) else {
                    return Err(bad(format!("`{part}` is not a channel number or range")));
                };
                if a == 0 || b < a || b > n {
                    return Err(bad(format!(
                        "`{part}` is outside the board's channels 1-{n}"
                    )));
                }
                for p in a..=b {
                    if out.contains(&p) {
                        return Err(bad(format!("channel {p} is chosen twice")));
                    }
                    out.push(p);
                    if out.len() > MAX_CHANNELS {
                        return Err(bad(format!("at most {MAX_CHANNELS} channels")));
                    }
                }
            }
            out
        }
    };
    let notice = (spec.is_none_or(|s| s.trim().is_empty()) && n > MAX_CHANNELS).then(|| {
        format!(
            "The board has {n} channels; Innervate takes at most {MAX_CHANNELS}: channels 1-{MAX_CHANNELS} \
             are used (choose others with --brainflow-channels or the Channels field, e.g. 17-32)"
        )
    });
    Ok(ChannelChoice {
        rows: positions.iter().map(|&p| available[p - 1]).collect(),
        positions,
        notice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_loosely() {
        for (a, b) in [
            ("SYNTHETIC_BOARD", "Synthetic"),
            ("cyton-daisy", "CytonDaisy"),
            ("playback file", "PLAYBACK_FILE_BOARD"),
        ] {
            assert_eq!(normal(a), normal(b));
        }
        assert_eq!(normal("board"), "board");
    }

    #[test]
    fn the_first_16_by_default_with_a_notice_or_the_chosen_ones() {
        let rows: Vec<usize> = (1..=32).collect();
        let c = choose(&rows, None).unwrap();
        assert_eq!(c.rows, (1..=16).collect::<Vec<_>>());
        assert!(c.notice.unwrap().contains("32 channels"));
        let c = choose(&rows, Some("17-32")).unwrap();
        assert_eq!(c.rows, (17..=32).collect::<Vec<_>>());
        assert_eq!(c.notice, None);
        let c = choose(&[4, 5, 6], Some(" 3, 1 ")).unwrap();
        assert_eq!((c.rows, c.positions), (vec![6, 4], vec![3, 1]));
        assert_eq!(choose(&[4, 5], None).unwrap().notice, None);
        for (spec, says) in [
            ("0", "outside"),
            ("1-33", "outside"),
            ("1,1", "twice"),
            ("1-17", "at most 16"),
            ("x", "not a channel"),
            ("3-2", "outside"),
        ] {
            let e = choose(&rows, Some(spec)).unwrap_err().to_string();
            assert!(e.contains(says), "{spec}: {e}");
        }
    }
}
