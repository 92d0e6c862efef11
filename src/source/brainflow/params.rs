//! BrainFlow's input parameters (`BrainFlowInputParams` in `brainflow_input_params.h`), which every call
//! takes as one JSON string. BrainFlow reads every field and fails with a "general error" when one is
//! missing or of the wrong type, so the user's JSON is checked here and completed with BrainFlow's defaults.

use super::BrainflowError;
use serde_json::{Map, Value};

/// The text fields and their default (empty).
const TEXT_FIELDS: [&str; 10] = [
    "serial_port",
    "mac_address",
    "ip_address",
    "ip_address_aux",
    "ip_address_anc",
    "other_info",
    "serial_number",
    "file",
    "file_aux",
    "file_anc",
];
/// The integer fields and their default (0).
const INT_FIELDS: [&str; 5] = [
    "ip_port",
    "ip_port_aux",
    "ip_port_anc",
    "ip_protocol",
    "timeout",
];
/// BrainFlow's "no board" (`BoardIds::NO_BOARD`), the default `master_board`.
pub const NO_BOARD: i64 = -100;

/// The parameters, complete, with `master_board` still as the user wrote it (an id or a name).
#[derive(Clone, Debug, PartialEq)]
pub struct InputParams {
    fields: Map<String, Value>,
    /// The board that recorded a playback file or feeds a streaming board, as given (id or name).
    pub master_board: Option<String>,
}

impl InputParams {
    /// Parses the user's JSON object (empty text = all defaults).
    pub fn parse(json: &str) -> Result<InputParams, BrainflowError> {
        let bad = |why: String| BrainflowError::Params(why);
        let user: Map<String, Value> = if json.trim().is_empty() {
            Map::new()
        } else {
            match serde_json::from_str::<Value>(json) {
                Ok(Value::Object(m)) => m,
                Ok(_) => return Err(bad("the parameters must be a JSON object".into())),
                Err(e) => return Err(bad(format!("the parameters are not valid JSON: {e}"))),
            }
        };
        let mut fields = Map::new();
        for f in TEXT_FIELDS {
            fields.insert(f.into(), Value::String(String::new()));
        }
        for f in INT_FIELDS {
            fields.insert(f.into(), Value::from(0));
        }
        let mut master_board = None;
        for (key, value) in user {
            if key == "master_board" {
                master_board = Some(match value {
                    Value::String(s) => s,
                    Value::Number(n) if n.is_i64() => n.to_string(),
                    _ => return Err(bad("master_board must be a board id or name".into())),
                });
            } else if TEXT_FIELDS.contains(&key.as_str()) {
                if !value.is_string() {
                    return Err(bad(format!("{key} must be a string")));
                }
                fields.insert(key, value);
            } else if INT_FIELDS.contains(&key.as_str()) {
                let ok = value.as_i64().is_some_and(|v| i32::try_from(v).is_ok());
                if !ok {
                    return Err(bad(format!("{key} must be an integer")));
                }
                fields.insert(key, value);
            } else {
                return Err(bad(format!(
                    "unknown parameter `{key}` (BrainFlow takes {}, {} and master_board)",
                    TEXT_FIELDS.join(", "),
                    INT_FIELDS.join(", ")
                )));
            }
        }
        Ok(InputParams {
            fields,
            master_board,
        })
    }

    /// A text field's value (empty when not given).
    pub fn text(&self, key: &str) -> &str {
        self.fields.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// The JSON BrainFlow takes, with the master board resolved to `master_id` (or "no board").
    pub fn to_json(&self, master_id: Option<i32>) -> String {
        let mut all = self.fields.clone();
        all.insert(
            "master_board".into(),
            Value::from(master_id.map_or(NO_BOARD, i64::from)),
        );
        Value::Object(all).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_is_filled_in_and_the_users_values_kept() {
        let p = InputParams::parse(r#"{"serial_port": "/dev/ttyUSB0", "timeout": 15}"#).unwrap();
        let v: Value = serde_json::from_str(&p.to_json(None)).unwrap();
        assert_eq!(v["serial_port"], "/dev/ttyUSB0");
        assert_eq!(v["timeout"], 15);
        assert_eq!(v["mac_address"], "");
        assert_eq!(v["ip_port"], 0);
        assert_eq!(v["master_board"], NO_BOARD);
        assert_eq!(v.as_object().unwrap().len(), 16);
        let p = InputParams::parse(r#"{"master_board": "cyton", "file": "a.csv"}"#).unwrap();
        assert_eq!(p.master_board.as_deref(), Some("cyton"));
        let v: Value = serde_json::from_str(&p.to_json(Some(0))).unwrap();
        assert_eq!(v["master_board"], 0);
        assert_eq!(InputParams::parse("").unwrap().text("file"), "");
    }

    #[test]
    fn wrong_types_unknown_keys_and_bad_json_are_refused_in_words() {
        for (json, says) in [
            (r#"{"ip_port": "80"}"#, "ip_port must be an integer"),
            (r#"{"ip_port": 1e12}"#, "ip_port must be an integer"),
            (r#"{"file": 3}"#, "file must be a string"),
            (r#"{"serial": "x"}"#, "unknown parameter `serial`"),
            (r#"{"master_board": 1.5}"#, "master_board"),
            ("[1]", "JSON object"),
            ("{", "not valid JSON"),
        ] {
            let e = InputParams::parse(json).unwrap_err().to_string();
            assert!(e.contains(says), "{json}: {e}");
        }
    }
}
