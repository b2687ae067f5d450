//! The history tools end to end: the built binary over real pipes, on a repository this test
//! builds (`fixtures/make-history-repo.sh`: fixed authors and dates, a `.mailmap`, a rename, files
//! changed together). Expected values are what git itself prints for that history: `git log
//! --numstat` (per commit, below), `git log --follow --numstat -- <file>` (per file, summed; the
//! test runs it), `git shortlog -sne HEAD` (authors; the test runs it) and `git blame --porcelain`.
//!
//! ```text
//! 2026-03-01 Carol   4 0 docs/guide.md
//! 2026-02-10 Bob     3 0 src/app.py; 2 2 src/helpers.py
//! 2026-02-03 Alice*  4 0 src/{util.py => helpers.py}          (* alice@old.example, mailmapped)
//! 2026-01-20 Bob     3 1 src/app.py; 4 0 src/util.py
//! 2026-01-05 Alice   1 0 .mailmap; 1 0 README.md; 4 0 src/app.py; 2 0 src/util.py
//! ```

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

mod common;

fn repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcpca-history-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/make-history-repo.sh");
    let status = Command::new("sh").arg(&script).arg(&dir).status().unwrap();
    assert!(status.success());
    std::fs::canonicalize(dir).unwrap()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(dir).args(args).env("GIT_CONFIG_NOSYSTEM", "1").env("GIT_CONFIG_GLOBAL", "/dev/null").output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap()
}

struct Server(common::Pipes);

impl Server {
    fn call(&mut self, tool: &str, args: Value) -> Value {
        writeln!(self.0.stdin, "{}", json!({"id": "r", "tool": tool, "args": args})).unwrap();
        self.0.stdin.flush().unwrap();
        loop {
            let mut line = String::new();
            assert!(BufRead::read_line(&mut self.0.stdout, &mut line).unwrap() > 0);
            let v: Value = serde_json::from_str(&line).unwrap();
            if v["type"] != "progress" {
                return v;
            }
        }
    }

    fn result(&mut self, tool: &str, args: Value) -> Value {
        let r = self.call(tool, args);
        assert_eq!(r["type"], "result", "{r}");
        r["result"].clone()
    }
}

fn server() -> Server {
    Server(common::spawn_serve(["--no-cache"]))
}

fn at(dir: &Path, extra: Value) -> Value {
    let mut args = json!({"path": dir.to_string_lossy(), "relativeTo": dir.to_string_lossy()});
    args.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    args
}

#[test]
fn analyze_history_agrees_with_git_log_numstat_and_shortlog() {
    let dir = repo("history");
    let mut s = server();
    let h = s.result("analyze-history", at(&dir, json!({})));
    assert_eq!(h["totals"], json!({"commits": 5, "authors": 3, "files": 5, "added": 28, "removed": 3, "churn": 31,
        "firstCommit": "2026-01-05T10:00:00Z", "lastCommit": "2026-03-01T08:00:00Z"}));
    // per file: git's own rename following (--follow) gives the same commits and lines
    for file in h["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        let numstat = git(&dir, &["log", "--follow", "--numstat", "--format=", "--", path]);
        let rows: Vec<(u64, u64)> = numstat.lines().filter(|l| !l.is_empty()).map(|l| {
            let mut f = l.split('\t');
            (f.next().unwrap().parse().unwrap(), f.next().unwrap().parse().unwrap())
        }).collect();
        assert_eq!(file["commits"], rows.len() as u64, "{path}");
        assert_eq!(file["added"], rows.iter().map(|r| r.0).sum::<u64>(), "{path}");
        assert_eq!(file["removed"], rows.iter().map(|r| r.1).sum::<u64>(), "{path}");
    }
    let order: Vec<&str> = h["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(order, ["src/helpers.py", "src/app.py", "docs/guide.md", ".mailmap", "README.md"]);
    assert_eq!(h["files"][0]["renamedFrom"], json!(["src/util.py"]));
    // authors: git shortlog -sne HEAD (the .mailmap folds alice@old.example into Alice <alice@example.com>)
    let shortlog: Vec<(u64, String)> = git(&dir, &["shortlog", "-sne", "HEAD"]).lines().map(|l| {
        let (n, who) = l.trim().split_once('\t').unwrap();
        (n.parse().unwrap(), who.to_string())
    }).collect();
    let authors: Vec<(u64, String)> = h["authors"].as_array().unwrap().iter()
        .map(|a| (a["commits"].as_u64().unwrap(), format!("{} <{}>", a["name"].as_str().unwrap(), a["email"].as_str().unwrap()))).collect();
    assert_eq!(authors, shortlog);
    assert_eq!((h["authors"][1]["added"].clone(), h["authors"][1]["removed"].clone()), (json!(12), json!(3)));
    assert_eq!(h["activity"], json!([
        {"period": "2026-01", "commits": 2, "added": 15, "removed": 1, "authors": 2},
        {"period": "2026-02", "commits": 2, "added": 9, "removed": 2, "authors": 2},
        {"period": "2026-03", "commits": 1, "added": 4, "removed": 0, "authors": 1}]));
    assert_eq!(h["directories"][2], json!({"path": "src", "files": 2, "commits": 4, "added": 22, "removed": 3, "churn": 25, "authors": 2}));
    // a window: since 2026-02-01 leaves the last three commits (helpers.py 8, guide.md 4, app.py 3); maxCommits
    // the newest one; pages of two
    let w = s.result("analyze-history", at(&dir, json!({"since": "2026-02-01", "limit": 2})));
    assert_eq!((w["totals"]["commits"].clone(), w["totals"]["churn"].clone()), (json!(3), json!(15)));
    assert_eq!((w["page"].clone(), w["nextCursor"].clone()), (json!({"offset": 0, "count": 2, "totalFiles": 3}), json!("o1:2")));
    let next = s.result("analyze-history", at(&dir, json!({"since": "2026-02-01", "limit": 2, "cursor": "o1:2"})));
    assert_eq!((next["files"][0]["path"].clone(), next["nextCursor"].clone()), (json!("src/app.py"), Value::Null));
    let newest = s.result("analyze-history", at(&dir, json!({"maxCommits": 1})));
    assert_eq!(newest["files"], json!([{"path": "docs/guide.md", "commits": 1, "added": 4, "removed": 0, "churn": 4, "authors": 1,
        "firstCommit": "2026-03-01T08:00:00Z", "lastCommit": "2026-03-01T08:00:00Z"}]));
    // a subdirectory: paths stay relative to relativeTo, directories above it are not listed
    let src = s.result("analyze-history", json!({"path": dir.join("src").to_string_lossy(), "relativeTo": dir.to_string_lossy()}));
    assert_eq!((src["root"].clone(), src["totals"]["commits"].clone()), (json!("src"), json!(4)));
    assert_eq!(src["directories"], json!([{"path": "src", "files": 2, "commits": 4, "added": 22, "removed": 3, "churn": 25, "authors": 2}]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn change_coupling_and_ownership_of_the_built_history() {
    let dir = repo("social");
    let mut s = server();
    let c = s.result("change-coupling", at(&dir, json!({})));
    // app.py changed 3 times, helpers.py (util.py before) 4 times, 3 of them together
    assert_eq!(c["pairs"], json!([{"a": "src/app.py", "b": "src/helpers.py", "support": 3, "commitsA": 3, "commitsB": 4,
        "confidenceAToB": 1.0, "confidenceBToA": 0.75, "confidence": 1.0}]));
    assert_eq!((c["commits"].clone(), c["commitsTooLarge"].clone()), (json!(5), json!(0)));
    let small = s.result("change-coupling", at(&dir, json!({"maxFilesPerCommit": 3})));
    assert_eq!((small["commitsTooLarge"].clone(), small["pairs"][0]["support"].clone()), (json!(1), json!(2)));
    let o = s.result("socio-technical-analysis", at(&dir, json!({})));
    // lines changed: Bob 4+3 of app.py, 4+4 of helpers.py = 15; Alice 12; Carol 4 (of 31)
    assert_eq!(o["busFactor"], json!({"busFactor": 2, "authors": ["Bob <bob@example.com>", "Alice <alice@example.com>"]}));
    assert_eq!(o["authors"][0], json!({"author": "Bob <bob@example.com>", "linesChanged": 15, "share": 0.484, "filesOwned": 2}));
    assert_eq!(o["files"][1], json!({"path": "src/app.py", "linesChanged": 11, "authors": 2, "owner": "Bob <bob@example.com>",
        "ownerLines": 7, "ownerShare": 0.636, "busFactor": 1, "island": false}));
    assert_eq!(o["knowledgeIslands"], json!([{"path": "docs", "linesChanged": 4, "authors": 1, "owner": "Carol <carol@example.com>",
        "ownerLines": 4, "ownerShare": 1.0, "busFactor": 1, "island": true}]));
    assert_eq!(o["authorCoupling"], json!([{"a": "Alice <alice@example.com>", "b": "Bob <bob@example.com>", "sharedCommits": 1}]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hotspots_and_evolution_measure_the_history() {
    let dir = repo("hotspots");
    let mut s = server();
    let h = s.result("hotspots", at(&dir, json!({})));
    // helpers.py: churn 14 x cyclomatic 4 (helper 2: `or`; other 1; more 1); app.py: 11 x 5 (if, if, for, if)
    let files: Vec<(String, u64, u64, u64)> = h["files"].as_array().unwrap().iter()
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["score"].as_u64().unwrap(), f["churn"].as_u64().unwrap(), f["cyclomatic"].as_u64().unwrap())).collect();
    assert_eq!(files, [("src/helpers.py".to_string(), 56, 14, 4), ("src/app.py".to_string(), 55, 11, 5)]);
    // run() spans lines 1-9, every one last changed by one of 3 commits, as git blame says
    let blame = git(&dir, &["blame", "--porcelain", "-L", "1,9", "--", "src/app.py"]);
    let commits: std::collections::BTreeSet<&str> = blame.lines().filter(|l| l.len() > 40 && l.as_bytes()[40] == b' ' && l[..40].bytes().all(|b| b.is_ascii_hexdigit())).map(|l| &l[..40]).collect();
    assert_eq!(h["functions"][0], json!({"path": "src/app.py", "name": "run", "qualifiedName": "run", "startLine": 1, "endLine": 9,
        "cyclomatic": 5, "cognitive": 5, "changedLines": 9, "commits": commits.len(), "score": 45}));
    assert_eq!(commits.len(), 3);
    assert!(h["method"].as_str().unwrap().starts_with("score = churn x cyclomatic"));
    let e = s.result("evolution-pathway", at(&dir, json!({"path": dir.join("src/app.py").to_string_lossy()})));
    let samples: Vec<(String, u64, u64, u64, u64)> = e["samples"].as_array().unwrap().iter().map(|x| (
        x["date"].as_str().unwrap().to_string(), x["code"].as_u64().unwrap(), x["cyclomatic"].as_u64().unwrap(), x["churn"].as_u64().unwrap(), x["hotspotRank"].as_u64().unwrap())).collect();
    // at 2026-02-10 helpers.py (14 x 4 = 56) passes app.py (11 x 5 = 55)
    assert_eq!(samples, [("2026-01-05T10:00:00Z".to_string(), 4, 2, 4, 1), ("2026-01-20T09:30:00Z".to_string(), 6, 3, 8, 1), ("2026-02-10T16:45:00Z".to_string(), 9, 5, 11, 2)]);
    assert_eq!(e["trend"]["hotspotRank"], json!({"first": 1, "last": 2, "change": 1}));
    assert_eq!(e["trend"]["cyclomatic"], json!({"first": 2, "last": 5, "change": 3}));
    let two = s.result("evolution-pathway", at(&dir, json!({"path": dir.join("src/app.py").to_string_lossy(), "samples": 2})));
    assert_eq!(two["samples"].as_array().unwrap().len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_gets_clear_errors_and_the_loop_goes_on() {
    let plain = std::env::temp_dir().join(format!("mcpca-history-{}-plain", std::process::id()));
    std::fs::create_dir_all(&plain).unwrap();
    let dir = repo("bad");
    let mut s = server();
    let e = s.call("analyze-history", json!({"path": plain.to_string_lossy(), "relativeTo": plain.to_string_lossy()}));
    assert_eq!(e["error"], json!({"code": "BAD_ARGUMENTS", "message": ". is not inside a git repository"}));
    let e = s.call("hotspots", at(&dir, json!({"since": "--output=/tmp/x"})));
    assert_eq!(e["error"]["code"], "BAD_ARGUMENTS");
    let e = s.call("change-coupling", json!({"path": dir.join("nope").to_string_lossy()}));
    assert_eq!(e["error"]["code"], "NOT_FOUND");
    let e = s.call("evolution-pathway", at(&dir, json!({"samples": 0})));
    assert_eq!(e["error"]["code"], "BAD_ARGUMENTS");
    let e = s.call("analyze-history", at(&dir, json!({"interval": "week"})));
    assert_eq!(e["error"]["code"], "BAD_ARGUMENTS");
    assert_eq!(s.result("analyze-history", at(&dir, json!({})))["totals"]["commits"], 5);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plain);
}

/// No program a repository's own config or attributes name runs: hooks, an external diff, a textconv
/// driver (git blame and log would run it by default), a pager, an fsmonitor.
#[test]
fn programs_the_repository_names_never_run() {
    let dir = repo("hostile");
    let marker = dir.with_extension("ran");
    let _ = std::fs::remove_file(&marker);
    let program = dir.with_extension("sh");
    std::fs::write(&program, format!("#!/bin/sh\necho ran >> '{}'\ncat\n", marker.display())).unwrap();
    Command::new("chmod").arg("+x").arg(&program).status().unwrap();
    let p = program.to_string_lossy().into_owned();
    for (key, value) in [("diff.external", p.as_str()), ("diff.evil.textconv", p.as_str()), ("core.pager", p.as_str()),
                         ("core.fsmonitor", p.as_str()), ("core.hooksPath", dir.join("hooks").to_str().unwrap())] {
        git(&dir, &["config", key, value]);
    }
    std::fs::write(dir.join(".git/info/attributes"), "* diff=evil\n").unwrap();
    // the reference: git's own blame does run the textconv driver of this repository
    git(&dir, &["blame", "--", "src/app.py"]);
    assert!(marker.exists(), "the test's driver is not wired");
    std::fs::remove_file(&marker).unwrap();
    let mut s = server();
    assert_eq!(s.result("analyze-history", at(&dir, json!({})))["totals"]["churn"], 31);
    assert_eq!(s.result("hotspots", at(&dir, json!({})))["functions"][0]["changedLines"], 9);
    assert_eq!(s.result("evolution-pathway", at(&dir, json!({"path": dir.join("src/app.py").to_string_lossy()})))["samples"][2]["cyclomatic"], 5);
    assert_eq!(s.result("change-coupling", at(&dir, json!({})))["pairs"][0]["support"], 3);
    assert!(!marker.exists(), "a program named by the repository ran");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&program);
}
