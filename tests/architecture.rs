//! The layer rules of docs/ARCHITECTURE.md, checked on the source tree: no module uses a module of its own
//! layer or above (so no cycle between layers), the window (`src/app`) starts no thread and touches no file
//! itself, and no file's non-test code passes 500 lines (data tables excepted).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The library's top-level modules by layer, lowest first. A module may use only modules of lower layers.
/// Keep in step with the table in docs/ARCHITECTURE.md.
const LAYERS: &[&[&str]] = &[
    &[
        "block",
        "calendar",
        "stats",
        "file_error",
        "fsio",
        "task",
        "python_package",
    ],
    &["dsp", "lsl"],
    &["protocol"],
    &["source"],
    &["training", "calibration", "settings"],
    &["session", "audio", "stream_out"],
    &["engine"],
    &["analysis"],
    &["review", "perf", "validation", "report"],
    &["app"],
];

/// Most lines of non-test code in one file.
const MAX_LINES: usize = 500;
/// Files that are data tables, not logic.
const DATA_TABLES: &[&str] = &["src/training/presets.rs", "src/training/muscle_map.rs"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code before its test module, without comment lines.
fn code_lines(text: &str) -> Vec<&str> {
    text.lines()
        .take_while(|l| !l.trim_start().starts_with("#[cfg(test)]"))
        .filter(|l| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with("//")
        })
        .collect()
}

/// The top-level module a library file belongs to; `None` for the binary (main.rs, cli/) and lib.rs.
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (!matches!(name.as_str(), "main" | "cli" | "lib")).then_some(name)
}

/// Top-level modules a line names through `crate::` (including `use crate::{a, b::c}`).
fn crate_uses(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

#[test]
fn every_library_module_has_a_layer() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).unwrap();
    for line in lib.lines() {
        if let Some(name) = line.trim().strip_prefix("pub mod ") {
            let name = name.trim_end_matches(';');
            assert!(
                layer_of(name).is_some(),
                "module `{name}` has no layer: add it to LAYERS here and to docs/ARCHITECTURE.md"
            );
        }
    }
}

#[test]
fn no_module_uses_its_own_layer_or_one_above() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut broken: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in files {
        let Some(module) = module_of(&path) else {
            continue;
        };
        let Some(own) = layer_of(&module) else {
            continue; // reported by every_library_module_has_a_layer
        };
        let text = std::fs::read_to_string(&path).unwrap();
        for line in code_lines(&text) {
            for used in crate_uses(line) {
                if used == module {
                    continue;
                }
                if layer_of(&used).is_none_or(|l| l >= own) {
                    broken
                        .entry(format!("{}", path.strip_prefix(src()).unwrap().display()))
                        .or_default()
                        .push(format!("{module} -> {used}"));
                }
            }
        }
    }
    assert!(broken.is_empty(), "layer rule broken: {broken:#?}");
}

#[test]
fn the_window_starts_no_thread_and_touches_no_file() {
    let mut files = Vec::new();
    rust_files(&src().join("app"), &mut files);
    let mut broken = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for line in code_lines(&text) {
            for bad in ["thread::spawn", "thread::Builder", "std::fs", "fs::"] {
                if line.contains(bad) {
                    broken.push(format!("{}: {}", path.display(), line.trim()));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "src/app must use crate::task for background work and the library for files: {broken:#?}"
    );
}

#[test]
fn no_file_passes_500_lines_of_code() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long: Vec<(usize, String)> = files
        .iter()
        .map(|p| {
            let rel = format!("src/{}", p.strip_prefix(src()).unwrap().display());
            let n = code_lines(&std::fs::read_to_string(p).unwrap()).len();
            (n, rel)
        })
        .filter(|(n, rel)| *n > MAX_LINES && !DATA_TABLES.contains(&rel.as_str()))
        .collect();
    long.sort();
    assert!(long.is_empty(), "split these along their seams: {long:?}");
}

#[test]
fn the_checks_see_what_they_look_for() {
    assert_eq!(
        crate_uses("use crate::{dsp::x, source, block::MAX};"),
        ["dsp", "source", "block"]
    );
    assert_eq!(
        crate_uses("let x = crate::engine::Engine::start(crate::task::Task)"),
        ["engine", "task"]
    );
    assert_eq!(
        code_lines("a\n// c\n\nb\n#[cfg(test)]\nmod tests {}"),
        ["a", "b"]
    );
}
