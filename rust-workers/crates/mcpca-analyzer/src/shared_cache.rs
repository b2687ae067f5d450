//! `serve`'s shared cache: per-file metrics entries exchanged with the worker, which keeps them
//! in Redis for every worker machine (the analyzer never talks to Redis itself; it only writes
//! and reads JSON lines).
//!
//! One request with `"sharedCache": true` (`calculate-metrics`, `analyze-metrics`, and serve has
//! a cache) is a [`Session`]:
//! 1. The tool lists the content keys it would compute (files served neither by the scan index
//!    nor by the local cache; [`scan::unserved_keys`] reads and hashes them, and remembers each
//!    one's key by path with the stat signature it had) and [`Session::fetch`] writes one
//!    `cacheLookup` line with them.
//! 2. It waits for the worker's `cacheEntries` line, which the stdin reader hands over through
//!    the [`Inbox`], at most `--shared-cache-wait-ms` and never past the request's deadline. Each
//!    entry that was asked for and decodes as a per-file result (decoded once, here) is written
//!    to the local cache byte for byte, for later requests (and for a second file with the same
//!    content), and kept decoded in a [`cache::ReceivedEntries`]; anything else is ignored (the
//!    tool computes that file).
//! 3. The tool runs with [`Session::options`]: the received entries, served from memory (a file
//!    whose signature is unchanged since step 1 is not read again, any other file is found by its
//!    content key), and a [`cache::EntryCollector`]. [`Session::finish`] sends what the tool
//!    computed as `cacheStore` lines, then one `cacheStats` line
//!    `{"id","type":"cacheStats","sharedCache":{"looked","received","stored"}}` just before the
//!    result line (the result itself carries no counts).
//!
//! Wire keys are `<cache version>:<hex content key>`: the version (the analyzer build) keeps the
//! entries of different builds apart in the shared store, as it does on disk.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use metrics::FileMetrics;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

use crate::scan::{self, ScanOptions};

/// Default `--shared-cache-wait-ms`: the worker answers from one Redis lookup, milliseconds even
/// for thousands of keys; 10 s bounds what a stuck worker or Redis costs before we measure alone.
pub const DEFAULT_WAIT_MS: u64 = 10_000;

/// A `cacheStore` line carries at most about this much entry JSON (an entry larger than that goes
/// alone): the worker can store line by line without holding a whole scan's entries at once.
const STORE_LINE_BYTES: usize = 1024 * 1024;

/// The `sharedCache` counts of the `cacheStats` line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SharedCacheStats {
    /// Keys sent in the `cacheLookup` line.
    pub looked: u64,
    /// Entries of the `cacheEntries` answer used (asked for and decoded as per-file results).
    pub received: u64,
    /// Entries sent in `cacheStore` lines (computed by this request).
    pub stored: u64,
}

/// The request waiting for its `cacheEntries` line, if any: set by the handler before it asks,
/// taken by the stdin reader when the answer comes (so a second answer finds nobody waiting).
#[derive(Default)]
pub struct Inbox {
    waiting: Mutex<Option<(String, mpsc::Sender<Box<RawValue>>)>>,
}

impl Inbox {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<(String, mpsc::Sender<Box<RawValue>>)>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn register(&self, id: &str) -> mpsc::Receiver<Box<RawValue>> {
        let (tx, rx) = mpsc::channel();
        *self.slot() = Some((id.to_string(), tx));
        rx
    }

    pub(crate) fn unregister(&self, id: &str) {
        let mut slot = self.slot();
        if slot.as_ref().is_some_and(|(waiting, _)| waiting == id) {
            *slot = None;
        }
    }

    /// Hands `entries` to request `id` if it is waiting; `false` if nobody waits for it.
    pub fn deliver(&self, id: &str, entries: Box<RawValue>) -> bool {
        let mut slot = self.slot();
        match slot.take() {
            Some((waiting, tx)) if waiting == id => tx.send(entries).is_ok(),
            other => {
                *slot = other;
                false
            }
        }
    }
}

/// The id and `entries` of a `cacheEntries` line (`entries` is `{}` when absent); `None` for any
/// other line, which the serve loop treats as a request.
pub fn parse_entries_line(line: &[u8]) -> Option<(String, Box<RawValue>)> {
    #[derive(Deserialize)]
    struct Envelope {
        #[serde(default)]
        id: Option<Value>,
        #[serde(default, rename = "type")]
        kind: Option<String>,
        #[serde(default)]
        entries: Option<Box<RawValue>>,
    }
    // Requests can be megabytes of inline content: only parse lines that can be an answer.
    if !line.windows(b"cacheEntries".len()).any(|w| w == b"cacheEntries") {
        return None;
    }
    let envelope: Envelope = serde_json::from_slice(line).ok()?;
    if envelope.kind.as_deref() != Some("cacheEntries") {
        return None;
    }
    let id = match envelope.id {
        Some(Value::String(s)) => s,
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let empty = || RawValue::from_string("{}".to_string()).expect("{} is JSON");
    Some((id, envelope.entries.unwrap_or_else(empty)))
}

/// What a [`Session`] needs from its request and from serve.
pub struct SessionContext<'a> {
    pub id: &'a str,
    pub cache: Arc<cache::Cache>,
    pub inbox: &'a Inbox,
    /// Writes one line to stdout (in order with the request's progress lines).
    pub send_line: &'a (dyn Fn(String) + Sync),
    /// Hands over the `cacheStats` line, written just before the result line (and not at all if
    /// the request ends in an error, such as its deadline passing meanwhile).
    pub send_stats: &'a (dyn Fn(String) + Sync),
    pub wait: Duration,
    pub deadline: Option<Instant>,
    pub cancelled: &'a AtomicBool,
}

/// One request's exchange with the shared cache (see the module docs).
pub struct Session<'a> {
    cx: SessionContext<'a>,
    collector: Arc<cache::EntryCollector>,
    received: Option<Arc<cache::ReceivedEntries<FileMetrics>>>,
    stats: SharedCacheStats,
}

#[derive(Serialize)]
struct LookupLine<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    keys: &'a BTreeSet<String>,
}

impl<'a> Session<'a> {
    pub fn new(cx: SessionContext<'a>) -> Session<'a> {
        Session { cx, collector: Arc::new(cache::EntryCollector::new()), received: None, stats: SharedCacheStats::default() }
    }

    /// `base` with this session's collector and the entries [`Session::fetch`] received, for the
    /// tool's measurements. The entries go with the options (the session keeps none), so they
    /// are freed once the tool drops its options.
    pub fn options(&mut self, base: &ScanOptions) -> ScanOptions {
        ScanOptions { collector: Some(Arc::clone(&self.collector)), received: self.received.take(), ..base.clone() }
    }

    fn wire_key(&self, hex: &str) -> String {
        format!("{}:{hex}", self.cx.cache.version())
    }

    /// Asks the worker for the `unserved` keys, writes the entries it has into the local cache and
    /// keeps them for [`Session::options`]. Does nothing without keys, or once the request is
    /// cancelled or past its deadline (a late handler must not take the inbox from the next request).
    pub fn fetch(&mut self, unserved: scan::Unserved) {
        let asked: BTreeSet<String> = unserved.keys.iter().map(|k| self.wire_key(k)).collect();
        if asked.is_empty() || self.cx.cancelled.load(Ordering::Relaxed) {
            return;
        }
        let wait = match self.cx.deadline {
            Some(d) => self.cx.wait.min(d.saturating_duration_since(Instant::now())),
            None => self.cx.wait,
        };
        if wait.is_zero() {
            return;
        }
        self.stats.looked = asked.len() as u64;
        let answer = self.cx.inbox.register(self.cx.id);
        let lookup = LookupLine { id: self.cx.id, kind: "cacheLookup", keys: &asked };
        (self.cx.send_line)(serde_json::to_string(&lookup).expect("strings serialize"));
        let entries = answer.recv_timeout(wait);
        self.cx.inbox.unregister(self.cx.id);
        match entries {
            Ok(entries) => self.accept(&asked, &entries, unserved.keys_by_path),
            Err(_) => eprintln!("mcpca-analyzer: no cacheEntries for `{}` within {} ms; measuring locally", self.cx.id, wait.as_millis()),
        }
    }

    /// Writes the asked-for entries of `entries` that decode as per-file results to the local
    /// cache and keeps them, decoded.
    fn accept(&mut self, asked: &BTreeSet<String>, entries: &RawValue, keys_by_path: HashMap<String, cache::KnownKey>) {
        let Ok(entries) = serde_json::from_str::<BTreeMap<String, &RawValue>>(entries.get()) else {
            eprintln!("mcpca-analyzer: cacheEntries for `{}` is not an object; ignored", self.cx.id);
            return;
        };
        let prefix = self.wire_key("");
        let accepted: Vec<(String, FileMetrics)> = entries
            .par_iter()
            .filter_map(|(key, json)| {
                let hex = key.strip_prefix(&prefix).filter(|_| asked.contains(key))?;
                let metrics = scan::metrics_entry(json.get())?;
                // Best effort: a failed write costs a later request, not this one.
                self.cx.cache.put_json(hex, json.get().as_bytes());
                Some((hex.to_string(), metrics))
            })
            .collect();
        if accepted.len() < entries.len() {
            eprintln!("mcpca-analyzer: {} of {} cacheEntries for `{}` not asked for or not results; ignored", entries.len() - accepted.len(), entries.len(), self.cx.id);
        }
        self.stats.received = accepted.len() as u64;
        if accepted.is_empty() {
            return;
        }
        self.received = Some(Arc::new(cache::ReceivedEntries::new(accepted, keys_by_path)));
    }

    /// Sends what the tool computed as `cacheStore` lines and, for a successful result, the
    /// `cacheStats` line that goes just before it. The counts are not part of the result: it
    /// leaves the analyzer in its final form, and the counts say how this analyzer got it, not
    /// what the code is.
    pub fn finish<E>(mut self, result: Result<Box<RawValue>, E>) -> Result<Box<RawValue>, E> {
        let entries = self.collector.take();
        self.stats.stored = entries.len() as u64;
        for line in store_lines(self.cx.id, &self.wire_key(""), &entries) {
            (self.cx.send_line)(line);
        }
        if result.is_ok() {
            let stats = StatsLine { id: self.cx.id, kind: "cacheStats", shared_cache: &self.stats };
            (self.cx.send_stats)(serde_json::to_string(&stats).expect("counts serialize"));
        }
        result
    }
}

/// The `cacheStats` line: `{"id","type":"cacheStats","sharedCache":{"looked","received","stored"}}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatsLine<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    shared_cache: &'a SharedCacheStats,
}

/// `cacheStore` lines holding `entries` (content key → stored JSON) under `<prefix><key>`, each
/// with at most [`STORE_LINE_BYTES`] of entry JSON unless one entry alone is larger.
fn store_lines(id: &str, prefix: &str, entries: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let line = |body: &str| format!("{{\"id\":{},\"type\":\"cacheStore\",\"entries\":{{{body}}}}}", Value::from(id));
    let mut lines = Vec::new();
    let mut body = String::new();
    for (key, json) in entries {
        let json = String::from_utf8_lossy(json);
        if !body.is_empty() && body.len() + json.len() > STORE_LINE_BYTES {
            lines.push(line(&body));
            body.clear();
        }
        if !body.is_empty() {
            body.push(',');
        }
        body.push_str(&Value::from(format!("{prefix}{key}")).to_string());
        body.push(':');
        body.push_str(&json);
    }
    if !body.is_empty() {
        lines.push(line(&body));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cache_entries_lines_are_taken_from_the_request_stream() {
        let (id, entries) = parse_entries_line(br#"{"id":"r1","type":"cacheEntries","entries":{"v:ab":{"x":1}}}"#).unwrap();
        assert_eq!((id.as_str(), entries.get()), ("r1", r#"{"v:ab":{"x":1}}"#));
        assert_eq!(parse_entries_line(br#"{"id":7,"type":"cacheEntries"}"#).map(|(id, e)| (id, e.get().to_string())), Some(("7".into(), "{}".into())));
        assert!(parse_entries_line(br#"{"id":"r","tool":"calculate-metrics","args":{"content":"cacheEntries"}}"#).is_none());
        assert!(parse_entries_line(b"cacheEntries, not json").is_none());
    }

    #[test]
    fn an_answer_reaches_only_the_request_that_waits_for_it() {
        let inbox = Inbox::default();
        let raw = || RawValue::from_string("{}".into()).unwrap();
        assert!(!inbox.deliver("a", raw()), "nobody waits");
        let rx = inbox.register("a");
        assert!(!inbox.deliver("b", raw()), "wrong id");
        assert!(inbox.deliver("a", raw()));
        assert!(!inbox.deliver("a", raw()), "a second answer is late");
        assert_eq!(rx.recv().unwrap().get(), "{}");
    }

    /// Lines stay near the limit, keep every entry whole and byte-exact, and one entry larger
    /// than the limit still goes out (alone).
    #[test]
    fn store_lines_split_near_the_limit_and_keep_entries_exact() {
        let big = format!("{{\"s\":\"{}\"}}", "x".repeat(STORE_LINE_BYTES));
        let small = format!("{{\"s\":\"{}\"}}", "y".repeat(STORE_LINE_BYTES / 3));
        let entries: BTreeMap<String, Vec<u8>> =
            [("a", &small), ("b", &small), ("c", &small), ("d", &big), ("e", &small)].iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec())).collect();
        let lines = store_lines("r\"1", "v:", &entries);
        let parsed: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
        let keys: Vec<Vec<String>> = parsed.iter().map(|v| v["entries"].as_object().unwrap().keys().cloned().collect()).collect();
        assert_eq!(keys, vec![vec!["v:a", "v:b"], vec!["v:c"], vec!["v:d"], vec!["v:e"]]);
        assert!(parsed.iter().all(|v| v["id"] == "r\"1" && v["type"] == "cacheStore"));
        assert!(lines[2].contains(&big));
    }
}
