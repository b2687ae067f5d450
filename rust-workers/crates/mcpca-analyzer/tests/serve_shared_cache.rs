//! `serve`'s shared cache end to end: real `serve` processes over real pipes, with this test
//! playing the Java worker (and its Redis) between them.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::value::RawValue;
use serde_json::{json, Value};

mod common;

struct Server {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: BufReader<std::process::ChildStdout>,
}

/// Everything one request wrote: its `cacheLookup`, `cacheStore` and `cacheStats` lines and its
/// final line.
struct Exchange {
    lookups: Vec<Value>,
    /// The `sharedCache` counts of the `cacheStats` line, which came just before the final line.
    stats: Option<Value>,
    /// `cacheStore` entries by key, as the exact JSON text the server sent.
    stored: BTreeMap<String, Box<RawValue>>,
    store_lines: usize,
    last: Value,
}

impl Exchange {
    /// The `cacheStore` entries as (wire key, JSON text) pairs, in key order: what a worker would
    /// hand another analyzer (`entries_line`).
    fn stored_pairs(&self) -> Vec<(&str, &str)> {
        self.stored.iter().map(|(k, v)| (k.as_str(), v.get())).collect()
    }
}

impl Server {
    fn start(cache: Option<&Path>, wait_ms: u64) -> Server {
        Server::start_with(cache, wait_ms, &[])
    }

    fn start_with(cache: Option<&Path>, wait_ms: u64, extra: &[&str]) -> Server {
        let mut args: Vec<OsString> = vec!["--shared-cache-wait-ms".into(), wait_ms.to_string().into()];
        args.extend(extra.iter().map(OsString::from));
        match cache {
            Some(dir) => args.extend(["--cache-dir".into(), dir.as_os_str().to_owned()]),
            None => args.push("--no-cache".into()),
        }
        let common::Pipes { child, stdin, stdout } = common::spawn_serve(args);
        Server { child, stdin, stdout }
    }

    fn send(&mut self, line: &str) {
        self.stdin.write_all(line.as_bytes()).unwrap();
        self.stdin.write_all(b"\n").unwrap();
        self.stdin.flush().unwrap();
    }

    fn read_line(&mut self) -> String {
        let mut line = String::new();
        assert!(self.stdout.read_line(&mut line).unwrap() > 0, "server closed stdout");
        line
    }

    /// Sends `request`; answers each `cacheLookup` with `answer(lookup)` (a whole `cacheEntries`
    /// line, or `None` to stay silent) and collects everything up to the final line.
    fn call(&mut self, request: Value, mut answer: impl FnMut(&Value) -> Option<String>) -> Exchange {
        self.send(&request.to_string());
        let mut exchange = Exchange { lookups: Vec::new(), stats: None, stored: BTreeMap::new(), store_lines: 0, last: Value::Null };
        loop {
            let line = self.read_line();
            let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            assert_eq!(v["id"], request["id"], "{line}");
            assert!(exchange.stats.is_none() || v["type"] == "result", "only the result line follows cacheStats: {line}");
            match v["type"].as_str() {
                Some("progress") => {}
                Some("cacheLookup") => {
                    assert!(exchange.stored.is_empty() && exchange.lookups.is_empty(), "one lookup, before any store: {line}");
                    if let Some(reply) = answer(&v) {
                        self.send(&reply);
                    }
                    exchange.lookups.push(v);
                }
                Some("cacheStats") => {
                    let head = format!("{{\"id\":{},\"type\":\"cacheStats\",\"sharedCache\":{{", request["id"]);
                    assert!(line.starts_with(&head), "{line}");
                    assert_eq!(v.as_object().unwrap().len(), 3, "{line}");
                    exchange.stats = Some(v["sharedCache"].clone());
                }
                Some("cacheStore") => {
                    #[derive(serde::Deserialize)]
                    struct Store {
                        entries: BTreeMap<String, Box<RawValue>>,
                    }
                    let store: Store = serde_json::from_str(&line).unwrap();
                    exchange.store_lines += 1;
                    exchange.stored.extend(store.entries);
                }
                _ => {
                    assert!(v.get("result").map_or(true, |r| r.get("sharedCache").is_none()), "no counts in the result: {line}");
                    exchange.last = v;
                    return exchange;
                }
            }
        }
    }

    fn finish(mut self) {
        drop(self.stdin);
        assert!(self.child.wait().unwrap().success());
    }
}

/// A `cacheEntries` line for `id` holding `entries` byte for byte.
/// What a first analyzer, with its own empty cache at `seed_cache`, measures of `dir` and hands
/// over in `cacheStore` lines (its worker had nothing for it).
fn seed(dir: &Path, seed_cache: &Path) -> Exchange {
    let mut seed = Server::start(Some(seed_cache), 10_000);
    let seeded = seed.call(analyze("s", dir), |_| Some(entries_line("s", &[])));
    seed.finish();
    seeded
}

fn entries_line(id: &str, entries: &[(&str, &str)]) -> String {
    let body: Vec<String> = entries.iter().map(|(k, v)| format!("{}:{v}", Value::from(*k))).collect();
    format!("{{\"id\":{},\"type\":\"cacheEntries\",\"entries\":{{{}}}}}", Value::from(id), body.join(","))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcpca-shared-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Four measured files in three languages, two of them with the same content (one key), and a
/// file of unknown language (skipped: no key).
fn fixture(name: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("p")).unwrap();
    std::fs::write(dir.join("A.java"), "class A { int f(int a) { return a > 1 && a < 7 ? a * 3 : 0; } }\n").unwrap();
    std::fs::write(dir.join("p/b.py"), "def g(x):\n    return [y for y in x if y]\n").unwrap();
    std::fs::write(dir.join("p/same.py"), "def g(x):\n    return [y for y in x if y]\n").unwrap();
    std::fs::write(dir.join("p/c.ts"), "const h = (a?: number) => a ?? 1.5;\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "hello\n").unwrap();
    dir
}

fn analyze(id: &str, dir: &Path) -> Value {
    json!({"id": id, "tool": "analyze-metrics", "sharedCache": true, "args": {"path": dir}})
}

fn keys(lookup: &Value) -> Vec<String> {
    lookup["keys"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect()
}


/// The bytes of the local cache entry of a wire key `<version>:<hex>` under `root`.
fn local_entry(root: &Path, wire_key: &str) -> Vec<u8> {
    let hex = wire_key.rsplit(':').next().unwrap();
    let found = std::fs::read_dir(root).unwrap().filter_map(|d| std::fs::read(d.ok()?.path().join(&hex[..2]).join(format!("{}.json", &hex[2..]))).ok()).next();
    found.unwrap_or_else(|| panic!("no local entry for {wire_key}"))
}

#[test]
fn a_second_worker_gets_the_first_ones_entries_instead_of_parsing() {
    let dir = fixture("two-workers");
    let (cache1, cache2) = (scratch("two-workers-cache1"), scratch("two-workers-cache2"));

    let mut first = Server::start(Some(&cache1), 10_000);
    let one = first.call(analyze("r1", &dir), |_| Some(entries_line("r1", &[])));
    assert_eq!(one.last["type"], "result", "{}", one.last);
    assert_eq!(one.lookups.len(), 1);
    let looked = keys(&one.lookups[0]);
    assert_eq!(looked.len(), 3, "4 files, two with the same content; notes.txt needs no key: {looked:?}");
    assert!(looked.iter().all(|k| k.split_once(':').is_some_and(|(version, hex)| !version.is_empty() && hex.len() == 64)), "{looked:?}");
    assert_eq!(one.stored.keys().cloned().collect::<Vec<_>>(), looked, "every measured file is stored");
    assert_eq!(one.store_lines, 1);
    assert_eq!(one.stats, Some(json!({"looked": 3, "received": 0, "stored": 3})));
    assert_eq!(one.last["result"]["files"].as_array().unwrap().len(), 4);
    for (key, json) in &one.stored {
        assert_eq!(local_entry(&cache1, key), json.get().as_bytes(), "a stored entry is the local entry, byte for byte");
    }

    // Warm: served by the path index and the local cache; nothing to ask, nothing to store.
    let warm = first.call(analyze("r1b", &dir), |_| panic!("nothing to look up"));
    assert_eq!(warm.stats, Some(json!({"looked": 0, "received": 0, "stored": 0})));
    first.finish();

    let mut second = Server::start(Some(&cache2), 10_000);
    let all = one.stored_pairs();
    let two = second.call(analyze("r2", &dir), |_| Some(entries_line("r2", &all)));
    assert_eq!(two.lookups.len(), 1);
    assert_eq!(keys(&two.lookups[0]), looked);
    assert_eq!(two.stats, Some(json!({"looked": 3, "received": 3, "stored": 0})));
    assert_eq!(two.store_lines, 0);
    assert_eq!(two.last["result"], one.last["result"]);
    for key in &looked {
        assert_eq!(local_entry(&cache2, key), local_entry(&cache1, key), "identical local entries on both machines");
    }
    second.finish();
    for d in [dir, cache1, cache2] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// Without an answer the request is measured as if it had not asked, and a late answer is dropped
/// (not taken for a request); a deadline shorter than the wait cuts the wait short.
#[test]
fn without_an_answer_the_request_is_measured_after_the_wait() {
    let dir = fixture("no-answer");
    let cache = scratch("no-answer-cache");
    let mut s = Server::start(Some(&cache), 200);
    let silent = s.call(analyze("n1", &dir), |_| None);
    assert_eq!(silent.last["type"], "result", "{}", silent.last);
    assert_eq!(silent.stats, Some(json!({"looked": 3, "received": 0, "stored": 3})));
    assert_eq!(silent.last["result"]["totals"]["files"], 4);
    s.send(&entries_line("n1", &[]));
    let pong = s.call(json!({"id": "after", "tool": "ping"}), |_| None);
    assert_eq!(pong.last["result"]["pong"], true, "the late cacheEntries line got no answer of its own");
    s.finish();

    let other_cache = scratch("no-answer-deadline-cache");
    let mut s = Server::start(Some(&other_cache), 600_000);
    let mut request = analyze("n2", &dir);
    request["deadlineMs"] = json!(300);
    let timed_out = s.call(request, |_| None);
    assert_eq!(timed_out.last["error"]["code"], "DEADLINE_EXCEEDED", "{}", timed_out.last);
    let pong = s.call(json!({"id": "alive", "tool": "ping"}), |_| None);
    assert_eq!(pong.last["result"]["pong"], true);
    s.finish();
    for d in [dir, cache, other_cache] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// Entries that are not per-file results, carry another build's version or were never asked
/// for must not be used: those files are measured (and stored) as if nothing had come.
#[test]
fn corrupt_foreign_and_unasked_entries_are_ignored_and_the_files_measured() {
    let dir = fixture("corrupt");
    let (seed_cache, cache) = (scratch("corrupt-seed-cache"), scratch("corrupt-cache"));
    let reference = seed(&dir, &seed_cache);
    let good = reference.stored_pairs();
    let foreign = format!("0.0.0-other:{}", good[1].0.split_once(':').unwrap().1);
    let unasked = format!("{}:{}", good[0].0.split_once(':').unwrap().0, "f".repeat(64));

    let mut s = Server::start(Some(&cache), 10_000);
    let answer = entries_line("c", &[(good[0].0, "{\"nope\":1}"), (&foreign, good[1].1), (good[2].0, good[2].1), (&unasked, good[2].1)]);
    let got = s.call(analyze("c", &dir), |_| Some(answer.clone()));
    assert_eq!(got.stats, Some(json!({"looked": 3, "received": 1, "stored": 2})));
    assert_eq!(got.last["result"], reference.last["result"]);
    assert_eq!(got.stored_pairs(), vec![good[0], good[1]], "the corrupt and the foreign file were measured and stored like on the seed");

    // Also for calculate-metrics: a corrupt entry for its one file is measured anyway.
    let file = dir.join("A.java");
    let request = json!({"id": "f", "tool": "calculate-metrics", "sharedCache": true, "args": {"path": file}});
    let fresh = scratch("corrupt-cache-file");
    let mut s2 = Server::start(Some(&fresh), 10_000);
    let one = s2.call(request, |lookup| Some(entries_line("f", &[(keys(lookup)[0].as_str(), "[1,2]")])));
    assert_eq!(one.stats, Some(json!({"looked": 1, "received": 0, "stored": 1})));
    let java = reference.last["result"]["files"].as_array().unwrap().iter().find(|f| f["path"] == "A.java").unwrap().clone();
    let mut measured = one.last["result"].clone();
    measured["path"] = json!("A.java");
    assert_eq!(measured, java);
    s.finish();
    s2.finish();
    for d in [dir, seed_cache, cache, fresh] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// Without `sharedCache` (or without a cache) nothing new appears on stdout.
#[test]
fn without_shared_cache_no_cache_lines_are_written() {
    let dir = fixture("off");
    let cache = scratch("off-cache");
    for server_cache in [Some(cache.as_path()), None] {
        let mut s = Server::start(server_cache, 10_000);
        let mut plain = analyze("o1", &dir);
        plain.as_object_mut().unwrap().remove("sharedCache");
        let no_cache = analyze("o2", &dir);
        for request in [plain, no_cache].into_iter().take(if server_cache.is_some() { 1 } else { 2 }) {
            let r = s.call(request, |_| panic!("no lookup expected"));
            assert_eq!((r.lookups.len(), r.store_lines, r.stats), (0, 0, None));
            assert_eq!(r.last["type"], "result", "{}", r.last);
            assert_eq!(r.last["result"]["totals"]["files"], 4);
        }
        s.finish();
    }
    for d in [dir, cache] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// A file changed after the lookup hashed it (here: while the worker answers) is measured anew,
/// never served the entry received for its old content, whether its size changed or not. The
/// files are older than the racy margin, so the scan does trust the signatures the lookup saw.
#[test]
fn a_file_changed_after_the_lookup_is_measured_anew_not_served_its_old_entry() {
    let dir = fixture("changed");
    std::thread::sleep(std::time::Duration::from_millis(2_500)); // cache::RACY_MARGIN_NS is 2 s
    let (seed_cache, cache) = (scratch("changed-seed-cache"), scratch("changed-cache"));
    let before = seed(&dir, &seed_cache);
    let all = before.stored_pairs();

    let mut s = Server::start(Some(&cache), 10_000);
    let got = s.call(analyze("c", &dir), |_| {
        std::fs::write(dir.join("p/b.py"), "def g(x):\n    return x and y or xy and 1\n").unwrap(); // same size
        std::fs::write(dir.join("A.java"), "class A { int f(int a) { return a; } }\n").unwrap();
        Some(entries_line("c", &all))
    });
    s.finish();
    assert_eq!(got.stats, Some(json!({"looked": 3, "received": 3, "stored": 2})), "p/same.py and c.ts served");
    let mut plain = Server::start(None, 10_000);
    let fresh = plain.call(json!({"id": "c", "tool": "analyze-metrics", "args": {"path": dir}}), |_| panic!("no cache, no lookup"));
    plain.finish();
    assert_eq!(got.last["result"], fresh.last["result"]);
    let file = |result: &Value, path: &str| result["files"].as_array().unwrap().iter().find(|f| f["path"] == path).cloned();
    for path in ["A.java", "p/b.py"] {
        assert_ne!(file(&before.last["result"], path), file(&fresh.last["result"], path), "{path}: the change shows in its numbers");
    }
    for d in [dir, seed_cache, cache] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// Received entries are in the local cache, byte for byte, by the time the result line comes: a
/// later request without `sharedCache` gives the same result, and the CLI on a copy of the tree
/// (no scan index for it) finds every file in the cache and parses nothing.
#[test]
fn received_entries_are_in_the_local_cache_for_later_requests() {
    let dir = fixture("later");
    let (seed_cache, cache) = (scratch("later-seed-cache"), scratch("later-cache"));
    let seeded = seed(&dir, &seed_cache);
    let all = seeded.stored_pairs();

    let mut s = Server::start(Some(&cache), 10_000);
    let got = s.call(analyze("r", &dir), |_| Some(entries_line("r", &all)));
    assert_eq!(got.stats, Some(json!({"looked": 3, "received": 3, "stored": 0})));
    for (key, json) in &seeded.stored {
        assert_eq!(local_entry(&cache, key), json.get().as_bytes());
    }
    let mut plain = analyze("p", &dir);
    plain.as_object_mut().unwrap().remove("sharedCache");
    let again = s.call(plain, |_| panic!("no lookup without sharedCache"));
    assert_eq!(again.last["result"], got.last["result"]);
    s.finish();

    let copy = fixture("later-copy");
    let cli = Command::new(env!("CARGO_BIN_EXE_mcpca-analyzer")).arg("metrics").arg("--cache-dir").arg(&cache).arg(&copy).output().unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let stderr = String::from_utf8_lossy(&cli.stderr);
    assert!(stderr.contains("cache: 4 hits, 0 misses"), "{stderr}");
    for d in [dir, copy, seed_cache, cache] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// calculate-metrics uses a received entry for its one file (from memory, and it is then in the
/// local cache too): nothing is measured, and the result is the file's as the seed measured it.
#[test]
fn calculate_metrics_uses_a_received_entry() {
    let dir = fixture("calculate");
    let (seed_cache, cache) = (scratch("calculate-seed-cache"), scratch("calculate-cache"));
    let seeded = seed(&dir, &seed_cache);
    let all = seeded.stored_pairs();

    let file = dir.join("A.java");
    let request = json!({"id": "f", "tool": "calculate-metrics", "sharedCache": true, "args": {"path": file}});
    let mut s = Server::start(Some(&cache), 10_000);
    let got = s.call(request, |lookup| {
        assert_eq!(keys(lookup).len(), 1);
        Some(entries_line("f", &all))
    });
    s.finish();
    assert_eq!(got.stats, Some(json!({"looked": 1, "received": 1, "stored": 0})));
    let java = seeded.last["result"]["files"].as_array().unwrap().iter().find(|f| f["path"] == "A.java").unwrap().clone();
    let mut measured = got.last["result"].clone();
    measured["path"] = json!("A.java");
    assert_eq!(measured, java);
    let key = keys(&got.lookups[0]).remove(0);
    assert_eq!(local_entry(&cache, &key), seeded.stored[&key].get().as_bytes());
    for d in [dir, seed_cache, cache] {
        let _ = std::fs::remove_dir_all(d);
    }
}

/// `--small-file-bytes`: a `calculate-metrics` of a file under the size is measured directly, with
/// no cache line at all and nothing written to the local cache, and answers exactly what the
/// cached path answers; a file at or over the size still goes through both caches.
#[test]
fn calculate_metrics_of_a_small_file_skips_both_caches() {
    let dir = fixture("small");
    let (plain_cache, small_cache) = (scratch("small-plain-cache"), scratch("small-small-cache"));
    let file = dir.join("A.java");
    let size = std::fs::metadata(&file).unwrap().len();
    let request = |id: &str| json!({"id": id, "tool": "calculate-metrics", "sharedCache": true, "args": {"path": file}});

    let mut plain = Server::start(Some(&plain_cache), 10_000);
    let cached = plain.call(request("p"), |_| Some(entries_line("p", &[])));
    plain.finish();
    assert_eq!(cached.lookups.len(), 1);

    let limit = (size + 1).to_string();
    let mut small = Server::start_with(Some(&small_cache), 10_000, &["--small-file-bytes", &limit]);
    let direct = small.call(request("s"), |_| panic!("a small file is not looked up"));
    assert!(direct.lookups.is_empty() && direct.store_lines == 0 && direct.stats.is_none(), "no cache lines");
    assert_eq!(direct.last["result"], cached.last["result"]);
    small.finish();
    let key = keys(&cached.lookups[0]).remove(0);
    assert!(std::panic::catch_unwind(|| local_entry(&small_cache, &key)).is_err(), "the file's entry is not in the local cache");

    let mut at_limit = Server::start_with(Some(&small_cache), 10_000, &["--small-file-bytes", &size.to_string()]);
    let through = at_limit.call(request("t"), |_| Some(entries_line("t", &[])));
    at_limit.finish();
    assert_eq!(through.lookups.len(), 1, "a file of the limit's size goes through the caches");
    assert_eq!(through.last["result"], cached.last["result"]);
    for d in [dir, plain_cache, small_cache] {
        let _ = std::fs::remove_dir_all(d);
    }
}

