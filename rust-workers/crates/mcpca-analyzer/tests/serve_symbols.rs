//! `serve` end to end for `symbols`, `search-symbols` and deadlines: spawns the built binary
//! with its own cache directory and exchanges JSON lines over real pipes.

use std::io::{BufRead, Write};

use serde_json::{json, Value};

mod common;

fn temp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("mcpca-serve-symbols-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Sends all requests, closes stdin, returns the final (non-progress) line per request.
fn exchange(cache: &std::path::Path, requests: &[Value]) -> Vec<Value> {
    let common::Pipes { mut child, mut stdin, stdout } = common::spawn_serve([std::ffi::OsStr::new("--cache-dir"), cache.as_os_str()]);
    for r in requests {
        writeln!(stdin, "{r}").unwrap();
    }
    drop(stdin);
    let out: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .filter(|v: &Value| v["type"] != "progress")
        .collect();
    assert!(child.wait().unwrap().success());
    out
}

#[test]
fn symbols_search_and_errors_over_pipes_with_a_warm_cache() {
    let dir = temp("tree");
    let cache = temp("cache");
    std::fs::write(dir.join("Shop.java"), "public class Shop {\n  public int total(int a) { return a; }\n}\n").unwrap();
    std::fs::write(dir.join("util.py"), "def total_price(x):\n    return x\n").unwrap();
    let path = dir.to_string_lossy().to_string();
    let requests = [
        json!({"id": "s1", "tool": "symbols", "args": {"path": path}}),
        json!({"id": "q1", "tool": "search-symbols", "args": {"path": path, "query": "total", "limit": 1}}),
        json!({"id": "e1", "tool": "search-symbols", "args": {"path": path, "query": " "}}),
        json!({"id": "e2", "tool": "symbols", "args": {"path": "/no/such/dir"}}),
    ];
    let cold = exchange(&cache, &requests);
    assert_eq!(cold.len(), 4);
    let java = cold[0]["result"]["files"].as_array().unwrap().iter().find(|f| f["language"] == "java").unwrap().clone();
    assert_eq!(java["symbols"][1]["qualifiedName"], "Shop.total");
    assert_eq!(java["symbols"][1]["kind"], "method");
    assert_eq!(java["symbols"][1]["signature"], "public int total(int a)");
    assert_eq!(java["symbols"][1]["startLine"], 2);
    assert_eq!(cold[1]["result"]["total"], 2);
    assert_eq!(cold[1]["result"]["matches"].as_array().unwrap().len(), 1);
    assert_eq!(cold[1]["result"]["matches"][0]["name"], "total");
    assert_eq!(cold[2]["error"]["code"], "BAD_ARGUMENTS");
    assert_eq!(cold[3]["error"]["code"], "NOT_FOUND");
    // a second process reads the same cache and answers the same
    let warm = exchange(&cache, &requests[..2]);
    assert_eq!(warm[0]["result"]["files"], cold[0]["result"]["files"]);
    assert_eq!(warm[1]["result"]["matches"], cold[1]["result"]["matches"]);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn deadline_exceeded_is_an_error_line_and_the_server_stays_up() {
    let cache = temp("deadline-cache");
    let out = exchange(
        &cache,
        &[
            json!({"id": "d1", "tool": "ping", "deadlineMs": 30, "args": {"sleepMs": 2000}}),
            json!({"id": "p2", "tool": "ping"}),
        ],
    );
    assert_eq!(out[0]["id"], "d1");
    assert_eq!(out[0]["error"]["code"], "DEADLINE_EXCEEDED");
    assert_eq!(out[1]["result"]["pong"], true);
    let _ = std::fs::remove_dir_all(&cache);
}

/// Regression: `search-symbols` ignored `relativeTo` and answered absolute server paths (match
/// paths and `root`); the worker passes its workspace root and must never see one.
#[test]
fn search_symbols_reports_paths_and_root_relative_to_relative_to() {
    let workspace = temp("relative");
    let dir = workspace.join("shop");
    std::fs::create_dir_all(dir.join("core")).unwrap();
    std::fs::write(dir.join("core/Shop.java"), "public class Shop {\n  public int total(int a) { return a; }\n}\n").unwrap();
    let cache = temp("relative-cache");
    let (path, base) = (dir.to_string_lossy().to_string(), workspace.to_string_lossy().to_string());
    let out = exchange(
        &cache,
        &[
            json!({"id": "q1", "tool": "search-symbols", "args": {"path": path, "query": "total", "relativeTo": base}}),
            json!({"id": "q2", "tool": "search-symbols", "args": {"path": path, "query": "total", "relativeTo": path}}),
            json!({"id": "s1", "tool": "symbols", "args": {"path": path, "relativeTo": base}}),
        ],
    );
    assert_eq!(out[0]["result"]["root"], "shop");
    assert_eq!(out[0]["result"]["matches"][0]["path"], "shop/core/Shop.java");
    assert_eq!(out[1]["result"]["root"], ".");
    assert_eq!(out[1]["result"]["matches"][0]["path"], "core/Shop.java");
    assert_eq!(out[2]["result"]["root"], "shop");
    assert_eq!(out[2]["result"]["files"][0]["path"], "shop/core/Shop.java");
    for reply in &out {
        assert!(!reply.to_string().contains(&base), "absolute path in {reply}");
    }
    let _ = std::fs::remove_dir_all(&workspace);
    let _ = std::fs::remove_dir_all(&cache);
}
