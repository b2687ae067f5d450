//! `metrics --parse-only` (the benchmark's parse floor) through the real binary.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn corpus(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcpca-parse-only-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("A.java"), "// a class\nclass A {\n  int f(int x) {\n    if (x > 0) { return 1; }\n    return 0;\n  }\n}\n").unwrap();
    std::fs::write(dir.join("b.py"), "def g(a):\n    # note\n    return [x for x in a if x]\n\n").unwrap();
    std::fs::write(dir.join("ci.yml"), "# build\n\nname: ci\n").unwrap();
    dir
}

fn metrics(args: &[&str], dir: &PathBuf) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_mcpca-analyzer")).arg("metrics").args(args).arg(dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn parse_only_counts_the_same_lines_and_measures_nothing_else() {
    let dir = corpus("same-lines");
    let full = metrics(&["--jobs", "2"], &dir);
    let parsed = metrics(&["--jobs", "2", "--parse-only"], &dir);
    let files = |v: &Value| v["files"].as_array().unwrap().clone();
    assert_eq!(files(&full).len(), 3);
    assert_eq!(files(&parsed).len(), 3);
    for (f, p) in files(&full).iter().zip(files(&parsed).iter()) {
        assert_eq!(f["path"], p["path"]);
        for k in ["physical", "code", "comment", "blank"] {
            assert_eq!(f["lines"][k], p["lines"][k], "{} {k}", f["path"]);
        }
        assert_eq!(p["functions"].as_array().unwrap().len(), 0, "{}", p["path"]);
        assert_eq!(p["lines"]["logical"], 0);
    }
    // The full run did measure functions, so the comparison above means something.
    let java = files(&full).into_iter().find(|f| f["path"] == "A.java").unwrap();
    assert_eq!(java["functions"][0]["cyclomatic"], 2);
    assert_eq!(java["lines"]["code"], 6);
    assert_eq!(parsed["totals"]["code"], full["totals"]["code"]);
    assert_eq!(parsed["totals"]["functions"], 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parse_only_refuses_a_cache() {
    let dir = corpus("no-cache");
    let out = Command::new(env!("CARGO_BIN_EXE_mcpca-analyzer"))
        .args(["metrics", "--parse-only", "--cache-dir"])
        .arg(dir.join("cache"))
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--parse-only") && err.contains("--cache-dir"), "{err}");
    assert!(!dir.join("cache").exists(), "no cache directory is made");
    let _ = std::fs::remove_dir_all(&dir);
}
