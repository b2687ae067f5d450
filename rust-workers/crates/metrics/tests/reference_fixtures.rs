//! Agreement with the reference tools: every `tests/fixtures/<lang>/X.<ext>` that has an
//! `X.<ext>.expected.json` beside it (written from cloc / PMD / ESLint / radon output) must give
//! exactly the expected line counts, the same set of functions (matched by reported line, then
//! by column order on a shared line) and the same cyclomatic complexity for each, and the same
//! cognitive complexity where the expectation has one (Java, from PMD's CognitiveComplexity).
//!
//! Where an expectation carries them, also the function's `qualifiedName` and `class` (the name
//! of the class record it counts for, `null` for none), and the `classes` in order (name, kind,
//! line, methods, public methods, WMC, attributes, public attributes). The Go and Ruby class
//! expectations have no reference tool here: they are derived by hand from the rules in
//! `generic.rs` and `lang::members`, and each fixture says beside every declaration how; their
//! line counts are cloc 1.96's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lang::Language;
use serde_json::Value;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// All fixture sources with an expectation, found without recursion.
fn fixture_pairs() -> Vec<(PathBuf, PathBuf)> {
    let mut pairs = Vec::new();
    let mut dirs = vec![fixtures_root()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.ends_with(".expected.json") {
                continue;
            }
            let expected = path.with_file_name(format!("{name}.expected.json"));
            if expected.exists() {
                pairs.push((path, expected));
            }
        }
    }
    pairs.sort();
    pairs
}

/// Mismatches of one fixture, empty when it agrees.
fn check(source: &Path, expected: &Path, compared_cognitive: &mut usize) -> Vec<String> {
    let mut problems = Vec::new();
    let text = std::fs::read(source).expect("read fixture");
    let expected: Value = match std::fs::read_to_string(expected).map(|s| serde_json::from_str(&s)) {
        Ok(Ok(v)) => v,
        other => return vec![format!("unreadable expectation: {other:?}")],
    };
    let head = &text[..text.len().min(256)];
    let Some(lang) = Language::detect(source, head) else {
        return vec!["language not detected".to_string()];
    };
    let got = metrics::analyze_source(lang, &text);

    if let Some(lines) = expected.get("lines") {
        for (key, ours) in [("code", got.lines.code), ("comment", got.lines.comment), ("blank", got.lines.blank)] {
            if let Some(want) = lines.get(key).and_then(Value::as_u64) {
                if want != ours {
                    problems.push(format!("lines.{key}: expected {want}, got {ours}"));
                }
            }
        }
    }

    let Some(functions) = expected.get("functions").and_then(Value::as_array) else {
        return problems;
    };
    // line -> expected entries ordered by column (stable for entries without a column)
    let mut want: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
    for f in functions {
        want.entry(f["line"].as_u64().unwrap_or(0)).or_default().push(f);
    }
    for list in want.values_mut() {
        list.sort_by_key(|f| f.get("column").and_then(Value::as_u64).unwrap_or(0));
    }
    let mut ours: BTreeMap<u64, Vec<&metrics::FunctionMetrics>> = BTreeMap::new();
    for f in &got.functions {
        ours.entry(f.start_line as u64).or_default().push(f);
    }
    for list in ours.values_mut() {
        list.sort_by_key(|f| f.start_column);
    }
    let lines: std::collections::BTreeSet<u64> = want.keys().chain(ours.keys()).copied().collect();
    for line in lines {
        let w = want.get(&line).map(Vec::as_slice).unwrap_or(&[]);
        let o = ours.get(&line).map(Vec::as_slice).unwrap_or(&[]);
        for i in 0..w.len().max(o.len()) {
            match (w.get(i), o.get(i)) {
                (Some(w), Some(o)) => {
                    let cc = w["cyclomatic"].as_u64().unwrap_or(0);
                    if cc != o.cyclomatic as u64 {
                        problems.push(format!(
                            "line {line} {} (ours {}): cyclomatic expected {cc}, got {}",
                            w["name"], o.qualified_name, o.cyclomatic
                        ));
                    }
                    if let Some(q) = w.get("qualifiedName").and_then(Value::as_str) {
                        if q != o.qualified_name {
                            problems.push(format!("line {line}: qualifiedName expected {q}, got {}", o.qualified_name));
                        }
                    }
                    if let Some(class) = w.get("class") {
                        let ours = o.class_index.and_then(|c| got.classes.get(c as usize)).map(|c| Value::from(c.name.as_str()));
                        let ours = ours.unwrap_or(Value::Null);
                        if *class != ours {
                            problems.push(format!("line {line} {}: class expected {class}, got {ours}", o.qualified_name));
                        }
                    }
                    if let Some(cognitive) = w.get("cognitive").and_then(Value::as_u64) {
                        *compared_cognitive += 1;
                        if cognitive != o.cognitive as u64 {
                            problems.push(format!(
                                "line {line} {} (ours {}): cognitive expected {cognitive}, got {}",
                                w["name"], o.qualified_name, o.cognitive
                            ));
                        }
                    }
                }
                (Some(w), None) => problems.push(format!("line {line}: missing function {} (cyclomatic {})", w["name"], w["cyclomatic"])),
                (None, Some(o)) => {
                    problems.push(format!("line {line}: extra function {} ({}, cyclomatic {})", o.qualified_name, o.kind, o.cyclomatic))
                }
                (None, None) => {}
            }
        }
    }
    if let Some(classes) = expected.get("classes").and_then(Value::as_array) {
        if classes.len() != got.classes.len() {
            let names: Vec<&str> = got.classes.iter().map(|c| c.name.as_str()).collect();
            problems.push(format!("classes: expected {}, got {} {names:?}", classes.len(), got.classes.len()));
        }
        for (w, o) in classes.iter().zip(&got.classes) {
            let ours = [
                ("name", Value::from(o.name.as_str())),
                ("kind", Value::from(o.kind)),
                ("line", Value::from(o.start_line)),
                ("methods", Value::from(o.methods)),
                ("publicMethods", Value::from(o.public_methods)),
                ("wmc", Value::from(o.wmc)),
                ("attributes", Value::from(o.attributes)),
                ("publicAttributes", Value::from(o.public_attributes)),
            ];
            for (key, value) in ours {
                if let Some(want) = w.get(key) {
                    if *want != value {
                        problems.push(format!("class {} {key}: expected {want}, got {value}", w["name"]));
                    }
                }
            }
        }
    }
    problems
}

#[test]
fn every_fixture_agrees_with_its_reference_tool() {
    let pairs = fixture_pairs();
    let mut report = String::new();
    let mut compared_cognitive = 0;
    for (source, expected) in &pairs {
        let problems = check(source, expected, &mut compared_cognitive);
        if !problems.is_empty() {
            let rel = source.strip_prefix(fixtures_root()).unwrap_or(source);
            report.push_str(&format!("{}:\n  {}\n", rel.display(), problems.join("\n  ")));
        }
    }
    eprintln!("checked {} fixtures ({compared_cognitive} cognitive values)", pairs.len());
    assert!(compared_cognitive > 0, "no fixture carries PMD cognitive values");
    assert!(report.is_empty(), "fixtures disagreeing with the reference tools:\n{report}");
}
