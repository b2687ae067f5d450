//! Every fixture under `tests/fixtures/<lang>/` against its `<file>.expected.json`: the exact
//! list of `[rule, startLine, endLine]` findings (positive cases), so every other line of the
//! fixture is a negative case (a near miss the rule must leave alone).

use std::path::Path;

use lang::Language;
use quality::{check_file, Settings, Thresholds};

#[test]
fn fixtures_give_exactly_their_expected_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let thresholds = Thresholds::default();
    let all = |_: &str| true;
    let settings = Settings { thresholds: &thresholds, enabled: &all };
    let mut checked = 0;
    let mut failures = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        for entry in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with(".expected.json") {
                continue;
            }
            let expected_path = format!("{}.expected.json", path.display());
            let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
            let mut want: Vec<(String, u64, u64)> = expected["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f[0].as_str().unwrap().to_string(), f[1].as_u64().unwrap(), f[2].as_u64().unwrap()))
                .collect();
            let source = std::fs::read(&path).unwrap();
            let lang = Language::detect(&path, &source).unwrap();
            let report = check_file(lang, &source, "f", &settings);
            let mut got: Vec<(String, u64, u64)> = report.findings.iter().map(|f| (f.rule.to_string(), f.start_line as u64, f.end_line as u64)).collect();
            want.sort();
            got.sort();
            if want != got {
                let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
                let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
                let detail: Vec<String> = report.findings.iter().filter(|f| extra.contains(&&(f.rule.to_string(), f.start_line as u64, f.end_line as u64))).map(|f| format!("{} {}: {}", f.rule, f.start_line, f.message)).collect();
                failures.push(format!("{}:\n  missing {missing:?}\n  extra {extra:?}\n  {detail:?}", path.display()));
            }
            checked += 1;
        }
    }
    assert!(checked >= 7, "{checked} fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn secrets_are_never_echoed_in_full() {
    let thresholds = Thresholds::default();
    let all = |_: &str| true;
    let settings = Settings { thresholds: &thresholds, enabled: &all };
    let secret = "Zx9Qw7Er5Ty3Ui1Op0As8Df6Gh4Jk2L";
    let src = format!("const apiKey = \"{secret}\";\nconst aws = 'AKIAIOSFODNN7EXAMPLE';\n");
    let report = check_file(Language::JavaScript, src.as_bytes(), "s.js", &settings);
    let found: Vec<_> = report.findings.iter().filter(|f| f.rule == "hard-coded-secret").collect();
    assert_eq!(found.len(), 2);
    for f in found {
        let json = serde_json::to_string(f).unwrap();
        assert!(!json.contains(secret) && !json.contains("AKIAIOSFODNN7EXAMPLE"), "{json}");
    }
    assert_eq!(report.findings[0].excerpt, "const apiKey = \"Zx9Q…(31 chars)\";");
}

#[test]
fn thresholds_a_call_overrides_change_the_findings() {
    let src = b"def f(a, b):\n    if a:\n        return 1\n    if b:\n        return 2\n    return 3\n";
    let all = |_: &str| true;
    let defaults = Thresholds::default();
    let report = check_file(Language::Python, src, "f.py", &Settings { thresholds: &defaults, enabled: &all });
    assert!(report.findings.iter().all(|f| f.rule != "complex-function" && f.rule != "too-many-returns"));
    let strict = Thresholds::new(
        [("complex-function".to_string(), [("max".to_string(), 2.0)].into()), ("too-many-returns".to_string(), [("max".to_string(), 2.0)].into())].into(),
    )
    .unwrap();
    let report = check_file(Language::Python, src, "f.py", &Settings { thresholds: &strict, enabled: &all });
    let rules: Vec<(&str, u32, u32)> = report.findings.iter().filter(|f| f.rule != "magic-number").map(|f| (f.rule, f.start_line, f.end_line)).collect();
    assert_eq!(rules, vec![("complex-function", 1, 6), ("too-many-returns", 1, 6)]);
    assert_eq!(report.findings[0].message, "function `f` has cyclomatic complexity 3 (max 2)");
}
