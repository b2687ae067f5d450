//! `serve` paging end to end: spawns the built binary over real pipes and pages through a small
//! tree of real files with `analyze-metrics` and `symbols`.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use serde_json::{json, Value};

mod common;

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
    /// The last final line, as written (a `Value` sorts object keys).
    last_line: String,
}

impl Server {
    fn start() -> Server {
        let common::Pipes { child, stdin, stdout } = common::spawn_serve(["--no-cache"]);
        Server { child, stdin, stdout, last_line: String::new() }
    }

    /// Sends a request and returns its final (non-progress) line.
    fn call(&mut self, request: Value) -> Value {
        writeln!(self.stdin, "{request}").unwrap();
        self.stdin.flush().unwrap();
        loop {
            let mut line = String::new();
            assert!(self.stdout.read_line(&mut line).unwrap() > 0, "server closed stdout");
            let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            if v["type"] != "progress" {
                self.last_line = line;
                return v;
            }
        }
    }

    /// The result of a request that must succeed.
    fn result(&mut self, tool: &str, args: Value) -> Value {
        let r = self.call(json!({"id": "r", "tool": tool, "args": args}));
        assert_eq!(r["type"], "result", "{r}");
        r["result"].clone()
    }

    /// The keys of the last result, in the order the line has them.
    fn result_keys(&self) -> Vec<String> {
        #[derive(serde::Deserialize)]
        struct Line {
            result: Keys,
        }
        serde_json::from_str::<Line>(&self.last_line).unwrap().result.0
    }

    fn finish(mut self) {
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
    }
}

/// Seven files in five languages, one function each, and one file without a language. The
/// complex ones, by the reference tools' rules: `gamma` (ESLint: 2 `if`, `&&`, `?:` → 5; SonarJS
/// cognitive 4), `Beta.beta` (PMD: `if`, `for`, `if` → 4; cognitive 1 + 2 + 3 = 6), `alpha`
/// (radon: `if`, `and`, `elif` → 4; cognitive 3).
fn tree(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcpca-serve-paging-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("a/b")).unwrap();
    std::fs::create_dir_all(dir.join("c")).unwrap();
    let files = [
        ("a/alpha.py", "def alpha(x):\n    if x > 1 and x < 9:\n        return 1\n    elif x == 0:\n        return 2\n    return 3\n"),
        ("a/b/Beta.java", "class Beta {\n  int beta(int a) {\n    if (a > 0) {\n      for (int i = 0; i < a; i++) {\n        if (i == 2) return i;\n      }\n    }\n    return 0;\n  }\n}\n"),
        ("c/delta.go", "package c\n\nfunc Delta() int {\n\treturn 1\n}\n"),
        ("c/epsilon.rs", "fn epsilon() -> u32 {\n    1\n}\n"),
        ("eta.rb", "def eta\n  1\nend\n"),
        ("gamma.js", "function gamma(a, b) {\n  if (a) {\n    return 1;\n  }\n  if (b) {\n    return 2;\n  }\n  return a && b ? 3 : 4;\n}\n"),
        ("zeta.ts", "export function zeta(): number {\n  return 1;\n}\n"),
        ("notes.txt", "not source\n"),
    ];
    for (path, source) in files {
        std::fs::write(dir.join(path), source).unwrap();
    }
    dir
}

/// An object's keys in order.
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(Visitor)
    }
}

const PATHS: [&str; 7] = ["a/alpha.py", "a/b/Beta.java", "c/delta.go", "c/epsilon.rs", "eta.rb", "gamma.js", "zeta.ts"];

fn paths(result: &Value) -> Vec<String> {
    result["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect()
}

/// Follows `nextCursor` from the first page; returns every page.
fn pages(server: &mut Server, tool: &str, args: Value) -> Vec<Value> {
    let mut pages = vec![server.result(tool, args.clone())];
    while let Some(cursor) = pages.last().unwrap()["nextCursor"].as_str() {
        assert!(pages.len() < 20, "cursors do not end");
        let mut next = args.clone();
        next["cursor"] = json!(cursor);
        pages.push(server.result(tool, next));
    }
    pages
}

#[test]
fn analyze_metrics_pages_follow_the_cursor_and_repeat_the_tree_wide_parts() {
    let dir = tree("metrics");
    let path = dir.to_str().unwrap();
    let mut s = Server::start();
    let all = s.result("analyze-metrics", json!({"path": path, "limit": 10000}));
    assert_eq!(paths(&all), PATHS);
    assert_eq!(all["page"], json!({"offset": 0, "count": 7, "totalFiles": 7}));
    assert_eq!(all["nextCursor"], Value::Null);
    assert_eq!(s.result_keys(), ["root", "page", "nextCursor", "files", "totals", "directories", "hotspots", "skipped"]);
    assert_eq!(all["skipped"], json!([{"path": "notes.txt", "reason": "unknown language"}]));
    assert_eq!(all["hotspots"].as_array().unwrap().len(), 7, "10 by default, of the 7 functions there are");

    let pages = pages(&mut s, "analyze-metrics", json!({"path": path, "limit": 3}));
    let counts: Vec<(u64, u64, u64)> = pages.iter().map(|p| (p["page"]["offset"].as_u64().unwrap(), p["page"]["count"].as_u64().unwrap(), p["page"]["totalFiles"].as_u64().unwrap())).collect();
    assert_eq!(counts, [(0, 3, 7), (3, 3, 7), (6, 1, 7)]);
    let files: Vec<Value> = pages.iter().flat_map(|p| p["files"].as_array().unwrap().clone()).collect();
    assert_eq!(files, all["files"].as_array().unwrap().clone(), "the pages' files are the unpaged list, in order, once each");
    assert_eq!(pages.last().unwrap()["nextCursor"], Value::Null);
    for page in &pages {
        for part in ["root", "totals", "directories", "skipped", "hotspots"] {
            assert_eq!(page[part], all[part], "{part}");
        }
    }
    assert_eq!(all["totals"]["files"], 7);
    assert_eq!(all["totals"]["functions"], 7);
    s.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn detail_files_drops_functions_and_classes_and_summary_drops_files() {
    let dir = tree("detail");
    let path = dir.to_str().unwrap();
    let mut s = Server::start();
    let full = s.result("analyze-metrics", json!({"path": path}));
    let files = s.result("analyze-metrics", json!({"path": path, "detail": "files"}));
    assert_eq!(paths(&files), PATHS);
    for (overview, file) in files["files"].as_array().unwrap().iter().zip(full["files"].as_array().unwrap()) {
        let keys: Vec<&str> = overview.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["errors", "language", "lines", "path", "totals"], "no functions, no classes");
        for field in ["lines", "totals", "errors", "language"] {
            assert_eq!(overview[field], file[field], "{field}");
        }
    }
    assert_eq!(files["files"][0]["lines"], json!({"physical": 6, "code": 6, "comment": 0, "blank": 0, "logical": 6}));

    let summary = s.result("analyze-metrics", json!({"path": path, "detail": "summary", "limit": 2}));
    assert_eq!(summary["files"], json!([]));
    assert_eq!(summary["page"], json!({"offset": 0, "count": 0, "totalFiles": 7}));
    assert_eq!(summary["nextCursor"], Value::Null);
    for part in ["totals", "directories", "skipped", "hotspots"] {
        assert_eq!(summary[part], full[part], "{part}");
    }
    s.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hotspots_list_the_most_complex_functions_of_the_whole_tree() {
    let dir = tree("hotspots");
    let path = dir.to_str().unwrap();
    let mut s = Server::start();
    // a page holding neither of the two (the third file): hotspots are the tree's, not the page's
    let cursor = s.result("analyze-metrics", json!({"path": path, "limit": 2, "detail": "files"}))["nextCursor"].clone();
    let r = s.result("analyze-metrics", json!({"path": path, "hotspots": 2, "limit": 1, "cursor": cursor}));
    assert_eq!(paths(&r), ["c/delta.go"]);
    assert_eq!(
        r["hotspots"],
        json!([
            {"path": "gamma.js", "name": "gamma", "kind": "function", "startLine": 1, "endLine": 9, "cyclomatic": 5, "cognitive": 4},
            {"path": "a/b/Beta.java", "name": "beta", "kind": "method", "startLine": 2, "endLine": 9, "cyclomatic": 4, "cognitive": 6},
        ])
    );
    let all = s.result("analyze-metrics", json!({"path": path, "hotspots": 3}));
    assert_eq!(all["hotspots"][2]["path"], "a/alpha.py", "ties on cyclomatic go to the higher cognitive");
    for hotspot in all["hotspots"].as_array().unwrap() {
        let file = all["files"].as_array().unwrap().iter().find(|f| f["path"] == hotspot["path"]).unwrap();
        let function = &file["functions"][0];
        for field in ["name", "kind", "startLine", "endLine", "cyclomatic", "cognitive"] {
            assert_eq!(hotspot[field], function[field], "{field} of {hotspot}");
        }
    }
    assert_eq!(s.result("analyze-metrics", json!({"path": path, "hotspots": 0}))["hotspots"], json!([]));
    s.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_paging_arguments_are_bad_arguments_and_the_server_stays_up() {
    let dir = tree("errors");
    let path = dir.to_str().unwrap();
    let mut s = Server::start();
    let cases = [
        (json!({"path": path, "limit": 0}), "limit"),
        (json!({"path": path, "cursor": "garbage"}), "invalid cursor"),
        (json!({"path": path, "detail": "everything"}), "`functions`, `files`, `summary`"),
        (json!({"path": path, "hotspots": 5000}), "hotspots"),
    ];
    for (args, message) in cases {
        let r = s.call(json!({"id": "bad", "tool": "analyze-metrics", "args": args}));
        assert_eq!(r["type"], "error", "{r}");
        assert_eq!(r["error"]["code"], "BAD_ARGUMENTS", "{r}");
        assert!(r["error"]["message"].as_str().unwrap().contains(message), "{r}");
        assert_eq!(paths(&s.result("analyze-metrics", json!({"path": path}))), PATHS);
    }
    let r = s.call(json!({"id": "bad", "tool": "symbols", "args": {"path": path, "cursor": "garbage"}}));
    assert_eq!(r["error"]["code"], "BAD_ARGUMENTS", "{r}");
    let past = s.result("analyze-metrics", json!({"path": path, "limit": 5}));
    let mut far = past["nextCursor"].as_str().unwrap().to_string();
    far.push('0'); // offset 50: past the end
    let empty = s.result("analyze-metrics", json!({"path": path, "cursor": far}));
    assert_eq!((empty["files"].clone(), empty["nextCursor"].clone(), empty["page"]["count"].clone()), (json!([]), Value::Null, json!(0)));
    s.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn symbols_pages_follow_the_cursor_to_the_unpaged_list() {
    let dir = tree("symbols");
    let path = dir.to_str().unwrap();
    let mut s = Server::start();
    let all = s.result("symbols", json!({"path": path}));
    assert_eq!(s.result_keys(), ["root", "page", "nextCursor", "files", "totalSymbols", "skipped"]);
    assert_eq!(paths(&all), PATHS);
    assert_eq!(all["page"], json!({"offset": 0, "count": 7, "totalFiles": 7}));
    let pages = pages(&mut s, "symbols", json!({"path": path, "limit": 2}));
    assert_eq!(pages.iter().map(|p| p["page"]["count"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 2, 2, 1]);
    let files: Vec<Value> = pages.iter().flat_map(|p| p["files"].as_array().unwrap().clone()).collect();
    assert_eq!(files, all["files"].as_array().unwrap().clone());
    for page in &pages {
        assert_eq!((&page["totalSymbols"], &page["skipped"]), (&all["totalSymbols"], &all["skipped"]));
    }
    assert_eq!(all["totalSymbols"], 8, "seven functions and the class Beta");

    let one = s.result("symbols", json!({"path": dir.join("gamma.js").to_str().unwrap(), "limit": 1}));
    assert_eq!(one["page"], json!({"offset": 0, "count": 1, "totalFiles": 1}));
    assert_eq!((paths(&one), &one["nextCursor"]), (vec!["gamma.js".to_string()], &Value::Null));
    s.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn directory_depth_lists_the_directories_near_the_analysed_one() {
    let dir = tree("depth");
    let path = dir.to_str().unwrap();
    let name = dir.file_name().unwrap().to_str().unwrap();
    let parent = dir.parent().unwrap().to_str().unwrap();
    let mut s = Server::start();
    let listed = |result: &Value| -> Vec<String> {
        result["directories"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap().to_string()).collect()
    };
    let summary = |depth: Option<usize>, relative_to: Option<&str>| {
        let mut args = json!({"path": path, "detail": "summary"});
        if let Some(depth) = depth {
            args["directoryDepth"] = json!(depth);
        }
        if let Some(base) = relative_to {
            args["relativeTo"] = json!(base);
        }
        args
    };
    assert_eq!(listed(&s.result("analyze-metrics", summary(None, None))), ["", "a", "a/b", "c"]);
    assert_eq!(listed(&s.result("analyze-metrics", summary(Some(1), None))), ["", "a", "c"]);
    assert_eq!(listed(&s.result("analyze-metrics", summary(Some(0), None))), [""]);
    // relative to the analysed directory's parent, every path starts with its name; depth counts from it
    let relative = s.result("analyze-metrics", summary(Some(1), Some(parent)));
    let expected: Vec<String> = vec![String::new(), name.to_string(), format!("{name}/a"), format!("{name}/c")];
    assert_eq!(listed(&relative), expected);
    // the totals of a listed directory are the same whatever the depth
    let deep = s.result("analyze-metrics", summary(None, None));
    assert_eq!(deep["directories"][1], s.result("analyze-metrics", summary(Some(1), None))["directories"][1]);
    s.finish();
    let _ = std::fs::remove_dir_all(&dir);
}
