//! `serve` end to end: spawns the built binary and exchanges JSON lines over real pipes.

use std::io::{BufRead, BufReader, Write};

use serde_json::{json, Value};

mod common;

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Server {
    fn start() -> Server {
        let common::Pipes { child, stdin, stdout } = common::spawn_serve::<[&str; 0], &str>([]);
        Server { child, stdin, stdout }
    }

    fn send_raw(&mut self, line: &[u8]) {
        self.stdin.write_all(line).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut line = String::new();
        assert!(self.stdout.read_line(&mut line).unwrap() > 0, "server closed stdout");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Sends a request and returns (progress lines, final line).
    fn call(&mut self, request: Value) -> (Vec<Value>, Value) {
        self.send_raw(request.to_string().as_bytes());
        let mut progress = Vec::new();
        loop {
            let v = self.read();
            if v["type"] == "progress" {
                progress.push(v);
            } else {
                return (progress, v);
            }
        }
    }

    fn finish(mut self) -> std::process::ExitStatus {
        drop(self.stdin);
        self.child.wait().unwrap()
    }
}

#[test]
fn ping_reports_pid_and_sleeps_between_timestamps() {
    let mut s = Server::start();
    let (_, r) = s.call(json!({"id": "p1", "tool": "ping", "args": {"sleepMs": 30}}));
    assert_eq!(r["id"], "p1");
    assert_eq!(r["type"], "result");
    assert_eq!(r["result"]["pong"], true);
    assert_eq!(r["result"]["pid"], s.child.id());
    let started = r["result"]["startedAtMicros"].as_u64().unwrap();
    let ended = r["result"]["endedAtMicros"].as_u64().unwrap();
    assert!(ended >= started + 30_000, "{started} {ended}");
    assert!(s.finish().success());
}

#[test]
fn inline_metrics_and_every_error_case_keep_the_server_alive() {
    let mut s = Server::start();
    let (_, r) = s.call(json!({"id": "m1", "tool": "calculate-metrics", "args": {
        "content": "class A {\n  // c\n  int f(int a) { if (a > 0 && a < 9) return 1; return 0; }\n}\n",
        "language": "java", "name": "A.java"}}));
    assert_eq!(r["type"], "result", "{r}");
    assert_eq!(r["result"]["path"], "A.java");
    assert_eq!(r["result"]["language"], "java");
    assert_eq!(r["result"]["lines"], json!({"physical": 4, "code": 3, "comment": 1, "blank": 0, "logical": 5}));
    assert_eq!(r["result"]["functions"][0]["qualifiedName"], "A.f");
    assert_eq!(r["result"]["functions"][0]["cyclomatic"], 3);
    assert_eq!(r["result"]["errors"], json!([]));

    s.send_raw(b"this is not json");
    let e = s.read();
    assert_eq!((e["id"].as_str(), e["type"].as_str()), (Some(""), Some("error")));
    assert_eq!(e["error"]["code"], "BAD_ARGUMENTS");

    s.send_raw(b"{\"id\":\"bin\",\"tool\":\"ping\",\"args\":{\"x\":\"\xff\xfe\"}}");
    assert_eq!(s.read()["type"], "result", "invalid UTF-8 is replaced, not fatal");

    let cases = [
        (json!({"id": "e1", "tool": "nope", "args": {}}), "BAD_ARGUMENTS"),
        (json!({"id": "e2", "tool": "calculate-metrics", "args": {}}), "BAD_ARGUMENTS"),
        (json!({"id": "e3", "tool": "calculate-metrics", "args": {"path": "/definitely/not/here.java"}}), "NOT_FOUND"),
        (json!({"id": "e4", "tool": "calculate-metrics", "args": {"content": "x", "language": "cobol"}}), "UNSUPPORTED_LANGUAGE"),
        (json!({"id": "e5", "tool": "analyze-metrics", "args": {"path": "/definitely/not/here"}}), "NOT_FOUND"),
        (json!({"id": "e6", "tool": "analyze-metrics", "args": {"path": 7}}), "BAD_ARGUMENTS"),
        (json!({"id": "e7", "tool": "ping", "args": {"sleepMs": "soon"}}), "BAD_ARGUMENTS"),
    ];
    for (request, code) in cases {
        let id = request["id"].clone();
        let (_, r) = s.call(request);
        assert_eq!(r["id"], id);
        assert_eq!(r["type"], "error", "{r}");
        assert_eq!(r["error"]["code"], code, "{r}");
    }
    let (_, r) = s.call(json!({"id": "alive", "tool": "ping"}));
    assert_eq!(r["result"]["pong"], true);
    let status = s.finish();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn analyze_metrics_streams_progress_then_one_result() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../metrics/tests/fixtures");
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/../metrics/tests");
    let mut s = Server::start();
    let (progress, r) = s.call(json!({"id": "d1", "tool": "analyze-metrics", "args": {"path": fixtures, "relativeTo": base}}));
    assert_eq!(r["type"], "result", "{r}");
    let files = r["result"]["files"].as_array().unwrap();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| f["path"].as_str().unwrap().starts_with("fixtures/")));
    assert!(!progress.is_empty());
    let last = progress.last().unwrap();
    assert_eq!(last["id"], "d1");
    assert_eq!(last["progress"], last["total"]);
    let totals = &r["result"]["totals"];
    assert_eq!(totals["files"].as_u64().unwrap(), files.len() as u64);
    assert!(totals["byLanguage"]["java"]["functions"].as_u64().unwrap() > 0);
    // expected.json files are counted as JSON (line counts only, as cloc does)
    assert!(files.iter().any(|f| f["language"] == "json" && f["functions"].as_array().unwrap().is_empty()));
    assert!(s.finish().success());
}

/// Regression: a minified file named in calculate-metrics was refused as "skipped (minified)"; asking
/// for one file is asking for its numbers, while directory walks still leave such files out.
#[test]
fn a_named_minified_file_is_measured_but_a_walk_skips_it() {
    let dir = std::env::temp_dir().join(format!("mcpca-minified-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let minified = format!("function g(a){{return a&&2}}var x=[{}];\n", "1,".repeat(3000));
    let file = dir.join("lib.min.js");
    std::fs::write(&file, &minified).unwrap();

    let mut server = Server::start();
    let (_, one) = server.call(json!({"id": "f", "tool": "calculate-metrics", "args": {"path": file.to_str().unwrap()}}));
    assert_eq!(one["type"], "result", "{one}");
    assert_eq!(one["result"]["functions"][0]["cyclomatic"], 2, "{one}");

    let (_, walk) = server.call(json!({"id": "d", "tool": "analyze-metrics", "args": {"path": dir.to_str().unwrap()}}));
    assert_eq!(walk["type"], "result", "{walk}");
    assert_eq!(walk["result"]["files"].as_array().unwrap().len(), 0, "{walk}");
    assert_eq!(walk["result"]["skipped"][0]["reason"], "minified", "{walk}");
    assert!(server.finish().success());
    std::fs::remove_dir_all(&dir).ok();
}

/// The wire contract every tool's result line keeps, so the worker passes results on without
/// parsing or rewriting them: fields `id`, `type`, `result` in that order with the result last
/// (its bytes are the slice from the start of its value to the line's last `}`), and with
/// `relativeTo` every top-level `path` and `root` relative to it (the root itself is `.`).
#[test]
fn every_tool_answers_result_last_with_paths_relative_to_relative_to() {
    let base = std::env::temp_dir().join(format!("mcpca-wire-{}", std::process::id()));
    let dir = base.join("src");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("A.java"), "class A { int total(int a) { return a > 1 ? 2 : 3; } }\n").unwrap();
    let (base_s, dir_s, file_s) = (base.to_str().unwrap(), dir.to_str().unwrap(), dir.join("A.java").to_str().unwrap().to_string());
    let calls = [
        (json!({"id": "p", "tool": "ping", "args": {}}), None, None),
        (json!({"id": "c", "tool": "calculate-metrics", "args": {"path": file_s, "relativeTo": base_s}}), Some("src/A.java"), None),
        (json!({"id": "i", "tool": "calculate-metrics", "args": {"content": "x = 1\n", "language": "python", "name": "x.py"}}), Some("x.py"), None),
        (json!({"id": "a", "tool": "analyze-metrics", "args": {"path": dir_s, "relativeTo": base_s}}), None, Some("src")),
        (json!({"id": "w", "tool": "analyze-metrics", "args": {"path": base_s, "relativeTo": base_s}}), None, Some(".")),
        (json!({"id": "s", "tool": "symbols", "args": {"path": file_s, "relativeTo": base_s}}), None, Some("src/A.java")),
        (json!({"id": "d", "tool": "symbols", "args": {"path": dir_s, "relativeTo": base_s}}), None, Some("src")),
        (json!({"id": "q", "tool": "search-symbols", "args": {"path": dir_s, "query": "total", "relativeTo": base_s}}), None, Some("src")),
    ];
    let mut s = Server::start();
    for (request, path, root) in calls {
        let id = request["id"].as_str().unwrap().to_string();
        s.send_raw(request.to_string().as_bytes());
        let line = loop {
            let mut line = String::new();
            assert!(s.stdout.read_line(&mut line).unwrap() > 0, "server closed stdout");
            if !line.contains("\"type\":\"progress\"") {
                break line;
            }
        };
        let line = line.trim_end();
        let head = format!("{{\"id\":\"{id}\",\"type\":\"result\",\"result\":");
        assert!(line.starts_with(&head), "{line}");
        let result: Value = serde_json::from_str(&line[head.len()..line.len() - 1]).unwrap_or_else(|e| panic!("{id}: the slice is not the result ({e})"));
        assert_eq!(serde_json::from_str::<Value>(line).unwrap()["result"], result);
        assert_eq!(result.get("path").and_then(Value::as_str), path, "{id}: {line}");
        assert_eq!(result.get("root").and_then(Value::as_str), root, "{id}: {line}");
        assert!(!line.contains(base_s), "{id}: names a server path: {line}");
    }
    assert!(s.finish().success());
    std::fs::remove_dir_all(&base).ok();
}
