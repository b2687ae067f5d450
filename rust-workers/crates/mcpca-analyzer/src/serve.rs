//! `serve`: the long-lived mode the Java workers keep warm.
//!
//! Lifecycle:
//! 1. Read one line from stdin (bytes; invalid UTF-8 is replaced, never fatal). A reader thread
//!    reads ahead: a `cacheEntries` line goes straight to the request waiting for it (or is
//!    dropped with a note on stderr if none does); every other line queues for step 2.
//! 2. Parse it; a bad line gets an error line (id `""` if none was readable) and we go on.
//! 3. Run the tool on a handler thread; its progress lines (`analyze-metrics`, `symbols`) are
//!    forwarded as they come.
//! 4. Write exactly one result or error line and flush, so the caller never waits on a buffer.
//!    Every line is `{"id":…,"type":…,…}`; a result line is `{"id","type":"result","result":…}`
//!    with the result last, so the worker takes the result's bytes (the slice from its value to
//!    the line's last `}`) without parsing or rewriting them: results are final here.
//!    If the request's deadline (`"deadlineMs"`, in `args` or top-level) passes first, the answer
//!    is a `DEADLINE_EXCEEDED` error at the deadline; the handler is told to stop (the symbol walk
//!    checks between files) and anything it still sends for that request is dropped.
//! 5. On EOF, exit 0. A panic inside a tool becomes an `INTERNAL` error line; the loop goes on.
//!
//! Shared cache: a request line with the top-level field `"sharedCache": true` makes
//! `calculate-metrics` and `analyze-metrics` (when serve has a cache) exchange per-file entries
//! with the worker before their result line, so worker machines share what they computed:
//! * out `{"id","type":"cacheLookup","keys":["<version>:<hex key>",...]}` — once, before measuring,
//!   for the files neither the scan index nor the local cache serves (not sent if there are none);
//! * in `{"id","type":"cacheEntries","entries":{"<key>": <entry JSON>,...}}` — the worker's answer,
//!   awaited at most `--shared-cache-wait-ms` (default 10000) and never past the deadline; without
//!   it the request measures everything itself. The entries are decoded once, written to the
//!   local cache and used from memory (a file unchanged since the lookup read it is not read again);
//! * out `{"id","type":"cacheStore","entries":{...}}` — the entries the request computed, as the
//!   local cache stored them, ~1 MiB of entry JSON per line; the worker answers nothing.
//!
//! * out `{"id","type":"cacheStats","sharedCache":{"looked","received","stored"}}` — just before
//!   a successful result line (the result itself carries no counts; see `shared_cache.rs`).
//!
//! Requests are handled one at a time; parallelism is inside the tools (rayon) and across
//! processes (the worker's pool).
//!
//! Tools (`protocol::Tool`, their args types there too): `ping`, `calculate-metrics` (args `{"path", "relativeTo"?}` or `{"content", "language"?,
//! "name"?}`; see `protocol`), `analyze-files` (args `{"files": [calculate-metrics args, or
//! `{"path", "error"}` for a path the worker refused], "limit"?: 100, "cursor"?}` → `{"page",
//! "nextCursor", "files"}`: one page of the items in input order, each a file object or `{"path",
//! "error": {"code", "message"}}`; `files_cmd.rs`), and
//! * `analyze-metrics` — args `{"path": dir, "relativeTo"?, "detail"?: "functions" | "files" |
//!   "summary", "limit"?: 100, "cursor"?, "hotspots"?: 10, "directoryDepth"?}` → `{"root", "page": {"offset",
//!   "count", "totalFiles"}, "nextCursor", "files", "totals", "directories", "hotspots": [{"path",
//!   "name", "kind", "startLine", "endLine", "cyclomatic", "cognitive"}], "skipped"}`: one page of
//!   the files (`metrics_page.rs`; `"files"` leaves out each file's `functions` and `classes`,
//!   `"summary"` every file); the rest describes the whole tree on every page. `hotspots` (0 to
//!   1000) lists the tree's most complex functions: cyclomatic, then cognitive descending, then
//!   path and start line. `directoryDepth` lists only the directories at most that many levels
//!   below the analysed one (default: all). Emits progress lines.
//! * `symbols` — args `{"path": file or dir, "relativeTo"?, "limit"?: 200, "cursor"?}` →
//!   `{"root", "page", "nextCursor", "files": [{"path", "language", "symbols": [...]}],
//!   "totalSymbols", "skipped": [{"path","reason"}]}` (symbol fields in the `symbols` crate
//!   docs): one page of the outlined files; `totalSymbols` and `skipped` are the whole tree's.
//!   Emits progress lines.
//! * `search-symbols` — args `{"path": dir, "query": "...", "limit"?: 50, "relativeTo"?}` →
//!   `{"root", "files", "symbols", "query", "total", "matches": [{"path","language","match",
//!   "score", ...symbol}]}`.
//! * `analyze-dependencies` — args `{"path": dir or file, "relativeTo"?, "level"?: "file" |
//!   "directory" | "external", "rules"?: [{"from": glob, "to": glob}], "top"?: 10, "limit"?: 500,
//!   "cursor"?}` → `{"root", "level", "summary", "cycles": [{"members", "shortest"}],
//!   "mostDependedOn", "externals", "violations", "unresolved", "skipped", "page": {"offset",
//!   "count", "totalNodes"}, "nextCursor", "nodes": [{"name", "fanIn", "fanOut", "instability",
//!   "dependsOn": [{"to", "count"}]}]}` (`deps_cmd.rs`, the `deps` crate): one page of the nodes;
//!   the rest is the whole tree's. Node names are relative to the analysed directory.
//! * `visualize-code-structure`, `visualize-dependencies`, `build-knowledge-graph`,
//!   `query-knowledge-graph`, `export-knowledge-graph` — args and answers in `structure_tools.rs`
//!   (logic: `structure_cmd.rs` and the `structure` crate; decision 023). The knowledge-graph tools
//!   exchange one `kg<format>:<build>:<snapshot>` entry over the shared-cache lines when the request
//!   has `sharedCache`: `cacheLookup` before building, `cacheStore` after.
//!
//! * `analyze-quality` — args `{"path": file or dir, "relativeTo"?, "comparePaths"?: [dir],
//!   "compareRelativeTo"?: [dir], "include"?: [glob], "exclude"?: [glob], "rules"?: [id],
//!   "minSeverity"?, "maxIssues"?: 10000, "thresholds"?: {rule: {name: n}}, "limit"?: 100,
//!   "cursor"?}` → one page of the findings with the tree's summary, scores and clone classes
//!   (`quality_cmd.rs`; rules in the `quality` crate). Emits progress lines.
//! * `list-quality-rules` — args `{"language"?}` → `{"rules": [{"id", "severity", "languages",
//!   "description", "reference", "thresholds"}], "severities"}`.
//!
//! * `search-code` (`search_cmd.rs`, the `search` crate) — args `{"path", "pattern", "mode"?: "literal" |
//!   "regex" | "structural", "language"? (structural), "caseSensitive"?: true, "wholeWord"?, "include"?,
//!   "exclude"? (globs), "contextLines"?: 0, "maxResults"?: 1000, "limit"?: 100, "cursor"?}` → `{"root",
//!   "mode", "page": {"offset", "count", "total"}, "nextCursor", "matches": [{"path", "line", "column",
//!   "endLine", "endColumn", "text", "before"?, "after"?, "captures"?}], "totalMatches", "truncated",
//!   "filesSearched", "filesWithMatches", "skipped", "skippedCount"}`. A regex, query or glob that
//!   does not compile is `INVALID_PATTERN`.
//! * `get-file` (`file_cmd.rs`) — args `{"path", "startLine"?, "endLine"?, "maxBytes"?}` → `{"path",
//!   "language", "size", "totalLines", "startLine", "endLine", "truncated", "content"}`.
//! * `folder-structure` (`tree_cmd.rs`) — args `{"path", "depth"?: 3, "limit"?: 500, "cursor"?}` →
//!   `{"root", "depth", "page", "nextCursor", "entries": [{"path", "type", "depth", "language"?,
//!   "size", "files", "languages"}], "totals", "directories", "skipped", "skippedCount"}`.
//! * `project-info` (`project_cmd.rs`, the `manifests` crate) — args `{"path"}` → `{"root", "files",
//!   "languages", "buildSystems", "manifests", "entryPoints", "testDirectories", "license"}`.
//! * `cross-repo-analysis` (`crossrepo_cmd.rs`; decision 032) — args `{"repositories": [{"name", "path",
//!   "relativeTo"?, "commit"?}] (2 to 10), "section"?: "mismatches" | "dependencies" | "imports" |
//!   "identicalFiles", "minFileBytes"?: 256, "limit"?: 200, "cursor"?}` → `{"section", "minFileBytes",
//!   "repositories": [{"name", "root", "commit"?, "files", "manifests", "provides", "jvmPackages"}],
//!   "summary", "page": {"offset", "count", "total"}, "nextCursor", "items"}`.
//!
//! * internal, for a large tree's `analyze-metrics` as shards (`shards.rs`; the worker's, in no tool list):
//!   `plan-shards` (`{"path", "minBytes", "targetBytes", "maxShards"}` → `{"files", "bytes", "shards":
//!   [{"from", "to", "files", "bytes"}]}`), `analyze-metrics-shard` (`analyze-metrics`'s args without
//!   `cursor`, plus `"shard": {"from", "to"}`) and `merge-shards` (`analyze-metrics`'s args plus `"shards"`:
//!   the shard answers in shard order → the first page one scan gives).
//!
//! * the history tools (the `git` crate: `git` by argument list, no hooks; decision 026), each on a file or
//!   directory in a git work tree with a window `{"since"?, "until"?, "maxCommits"?}`: `analyze-history`
//!   (`{"root", "window", "totals", "authors", "interval", "activity", "directories", "page", "nextCursor",
//!   "files"}`, files by churn), `socio-technical-analysis` (`{…, "busFactor", "authors", "directories",
//!   "knowledgeIslands", "authorCoupling", "page", "nextCursor", "files"}`), `change-coupling` (`{…, "page",
//!   "nextCursor", "pairs"}`) (`history_cmd.rs`); `hotspots` (`{…, "method", "functions", "page",
//!   "nextCursor", "files"}`, churn x cyclomatic; `hotspots_cmd.rs`); `evolution-pathway` (`{"root", "method",
//!   "commitsConsidered", "samples", "trend"}`; `evolution_cmd.rs`). A path in no repository is
//!   `BAD_ARGUMENTS` (`… is not inside a git repository`).
//!
//! Paging (`paging.rs`): a page holds at most `limit` files (1 to 10000; more is taken as 10000)
//! and at most 4 MiB of JSON in all (the files get what the tree-wide parts leave), but at least
//! one file while any remain; `nextCursor` (an opaque string, `null` on the last page) passed as
//! `cursor` asks for the next page. Each page scans the tree again, answered from the caches while
//! it is unchanged. A zero `limit`, a cursor serve did not write, an unknown `detail` or
//! `hotspots` above 1000 is `BAD_ARGUMENTS`; a cursor past the end gives an empty page. The CLI's `metrics` and `symbols` print everything.
//!
//! With `relativeTo` (the worker passes its workspace root) every path in a result is relative to
//! it, the top-level `path` (`calculate-metrics` of a file) and `root` included (`.` for the
//! workspace itself), so no answer names a server path and the worker rewrites nothing.
//!
//! Limits: `--memory-limit-mb` (default 2048) caps the address space with `setrlimit(RLIMIT_AS)`;
//! an allocation beyond it aborts the process, which the worker's pool restarts — better than
//! the machine's OOM killer choosing a victim. Outlines and per-file metrics are cached on disk
//! (`--cache-dir`, default `~/.cache/mcpca`; `--no-cache` turns it off) by content hash, so a
//! repeated `symbols`/`search-symbols`/`analyze-metrics`/`calculate-metrics` on an unchanged tree
//! does not parse.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use protocol::{AnalyzeFilesArgs, AnalyzeMetricsArgs, AnalyzeMetricsShardArgs, CalculateMetricsArgs, PlanShardsArgs, ErrorCode, PingArgs, Pong, Request, Response, SearchSymbolsArgs, SymbolsArgs, Tool};
use protocol::{FolderStructureArgs, GetFileArgs, ProjectInfoArgs, SearchCodeArgs};
use serde_json::value::RawValue;

use crate::evolution_cmd;
use crate::files_cmd;
use crate::history_cmd;
use crate::hotspots_cmd;
use crate::metrics_page;
use crate::quality_cmd;
use crate::paging::{self, Page, PageRequest};
use crate::scan::{self, ScanOptions};
use crate::shards;
use crate::shared_cache::{self, Inbox, Session, SessionContext};
use crate::structure_tools;
use crate::symbols_cmd::{self, SkippedFile, SymbolOptions};

/// Default `--memory-limit-mb`: 2 GiB of address space holds a 10 MiB file's tree (tree-sitter
/// needs ~100 bytes per node) many times over plus rayon's stacks, and keeps four analyzers per
/// 8 GiB worker host safe.
pub const DEFAULT_MEMORY_LIMIT_MB: u64 = 2048;

/// Handler threads parse and walk trees; 16 MiB gives deep (but valid) nesting room beyond the
/// 2 MiB default of spawned threads.
const HANDLER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// `search-symbols` answers at most this many matches unless `limit` says otherwise.
const DEFAULT_SEARCH_LIMIT: usize = 50;

/// `symbols` answers at most this many files per page unless `limit` says otherwise.
const DEFAULT_SYMBOLS_PAGE_FILES: usize = 200;

/// Everything a request handler needs; shared with the handler threads.
#[derive(Clone)]
pub struct ServeConfig {
    pub scan: ScanOptions,
    pub cache: Option<Arc<cache::Cache>>,
    /// How long a `sharedCache` request waits for its `cacheEntries` line (`--shared-cache-wait-ms`).
    pub shared_cache_wait: Duration,
    /// Knowledge graphs built or loaded by this process, by snapshot (`structure_cmd`).
    pub graphs: Arc<crate::structure_cmd::GraphMemo>,
    /// `calculate-metrics` of a file smaller than this many bytes measures it directly: no local
    /// cache read or write, no shared-cache exchange (`--small-file-bytes`; 0: every file goes
    /// through the caches). For a tiny file the measurement costs less than either.
    pub small_file_bytes: u64,
}

/// Caps this process's address space (`RLIMIT_AS`); 0 leaves it unlimited.
pub fn set_memory_limit(megabytes: u64) -> std::io::Result<()> {
    if megabytes == 0 {
        return Ok(());
    }
    let bytes = megabytes.saturating_mul(1024 * 1024) as libc::rlim_t;
    let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
    // SAFETY: setrlimit reads a valid, initialised struct; no memory is handed over.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Writes whole lines and flushes after each one; shared with rayon workers for progress.
pub struct LineWriter<W: Write> {
    out: Mutex<W>,
}

impl<W: Write> LineWriter<W> {
    pub fn new(out: W) -> Self {
        LineWriter { out: Mutex::new(out) }
    }

    pub fn send(&self, response: &Response) {
        self.send_line(&response.to_line());
    }

    /// Writes one line that is not a [`Response`] (the shared-cache lines).
    pub fn send_line(&self, line: &str) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        // A closed stdout means the parent is gone; the next read will see EOF and we exit.
        let _ = out.write_all(line.as_bytes()).and_then(|_| out.write_all(b"\n")).and_then(|_| out.flush());
    }
}

/// Runs the request loop until EOF on `input` (no cache).
#[cfg(test)]
pub fn run<R: BufRead + Send, W: Write + Send>(input: R, writer: &LineWriter<W>, options: &ScanOptions) -> Result<()> {
    run_with(input, writer, ServeConfig { scan: options.clone(), cache: None, shared_cache_wait: Duration::from_millis(shared_cache::DEFAULT_WAIT_MS), graphs: Default::default(), small_file_bytes: 0 })
}

/// What a handler thread sends back.
enum Message {
    Progress(Response),
    /// A shared-cache line (`cacheLookup`, `cacheStore`), written in order with the progress.
    Line(String),
    /// The `cacheStats` line: held back and written just before a result line, dropped otherwise.
    Stats(String),
    Done(Response),
}

/// Runs the request loop until EOF on `input`.
pub fn run_with<R: BufRead + Send, W: Write + Send>(input: R, writer: &LineWriter<W>, config: ServeConfig) -> Result<()> {
    let config = Arc::new(config);
    let inbox = Arc::new(Inbox::default());
    let handlers = Handlers::default();
    std::thread::scope(|scope| {
        let (tx, lines) = mpsc::channel();
        let reader_inbox = Arc::clone(&inbox);
        scope.spawn(move || read_lines(input, &reader_inbox, &tx));
        for buf in lines {
            let buf = buf?;
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            match protocol::parse_request(line) {
                Ok(request) => {
                    let flags = RequestFlags::of(line, &request);
                    dispatch(request, flags, writer, &config, &inbox, &handlers);
                }
                Err(e) => writer.send(&e.into_response()),
            }
        }
        Ok(())
    })
}

/// The stdin reader: sends each line to the request loop, except `cacheEntries` answers, which
/// go to the waiting request through `inbox` (it waits while the loop is busy with it). Ends at
/// EOF or after passing on a read error.
fn read_lines<R: BufRead>(mut input: R, inbox: &Inbox, lines: &mpsc::Sender<std::io::Result<Vec<u8>>>) {
    loop {
        let mut buf = Vec::new();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => return,
            Ok(_) => {
                if let Some((id, entries)) = shared_cache::parse_entries_line(&buf) {
                    if !inbox.deliver(&id, entries) {
                        eprintln!("mcpca-analyzer: dropped a cacheEntries line for `{id}`: no request waits for it");
                    }
                } else if lines.send(Ok(buf)).is_err() {
                    return;
                }
            }
            Err(e) => {
                let _ = lines.send(Err(e));
                return;
            }
        }
    }
}

/// What a request line says besides `id`, `tool` and `args`.
struct RequestFlags {
    deadline: Option<Instant>,
    /// Top-level `"sharedCache": true`.
    shared_cache: bool,
}

/// The top-level fields [`RequestFlags`] reads; the rest of the line (its `args`, megabytes for
/// `merge-shards`) is skipped, not built into a second `Value`.
#[derive(serde::Deserialize)]
struct TopLevel {
    #[serde(rename = "deadlineMs")]
    deadline_ms: Option<serde_json::Value>,
    #[serde(rename = "sharedCache")]
    shared_cache: Option<serde_json::Value>,
}

impl RequestFlags {
    fn of(line: &str, request: &Request) -> RequestFlags {
        let top: Option<TopLevel> = serde_json::from_str(line).ok();
        let deadline_ms = request.args.get("deadlineMs").and_then(serde_json::Value::as_u64)
            .or_else(|| top.as_ref()?.deadline_ms.as_ref()?.as_u64());
        RequestFlags {
            deadline: deadline_ms.map(|ms| Instant::now() + Duration::from_millis(ms)),
            shared_cache: top.as_ref().and_then(|t| t.shared_cache.as_ref()).and_then(|v| v.as_bool()) == Some(true),
        }
    }
}

/// A request's work on a handler thread: returns what delivers its answer, run once the thread is
/// idle again (so the next request finds it idle instead of spawning another).
type Job = Box<dyn FnOnce() -> Box<dyn FnOnce() + Send> + Send>;

/// Idle handler threads kept at most; one serves every request unless a request was abandoned at its
/// deadline while its handler still runs (then the next request takes another thread).
const IDLE_HANDLERS: usize = 2;

/// Long-lived handler threads (16 MiB stacks): spawning one per request cost most of a tiny
/// request's own overhead (decision 020). A thread waits for jobs on its own channel and puts
/// itself back on the idle list after each one; beyond [`IDLE_HANDLERS`] idle ones, it ends.
#[derive(Default)]
struct Handlers {
    idle: Arc<Mutex<Vec<mpsc::Sender<Job>>>>,
}

impl Handlers {
    fn run(&self, job: Job) -> std::io::Result<()> {
        let idle = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let job = match idle {
            Some(thread) => match thread.send(job) {
                Ok(()) => return Ok(()),
                // the thread is gone (it cannot be: it ends only off the list); take a new one
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        let (tx, rx) = mpsc::channel::<Job>();
        let list = Arc::clone(&self.idle);
        std::thread::Builder::new().name("request".to_string()).stack_size(HANDLER_STACK_BYTES).spawn(move || {
            let mut next = Some(job);
            while let Some(job) = next.take().or_else(|| rx.recv().ok()) {
                let deliver = job();
                {
                    let mut idle = list.lock().unwrap_or_else(|p| p.into_inner());
                    if idle.len() >= IDLE_HANDLERS {
                        drop(idle);
                        deliver();
                        return;
                    }
                    idle.push(tx.clone());
                }
                deliver();
            }
        })?;
        Ok(())
    }
}

/// Runs one request on a handler thread and writes its progress and its one final line.
fn dispatch<W: Write + Send>(request: Request, flags: RequestFlags, writer: &LineWriter<W>, config: &Arc<ServeConfig>, inbox: &Arc<Inbox>, handlers: &Handlers) {
    if let Some(direct) = small_file_options(&request, config) {
        // a file under --small-file-bytes: bounded, short work, answered here without a handler thread
        let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| calculate_metrics_with(&request, &direct)))
            .unwrap_or_else(|_| Err(Response::error(request.id.clone(), ErrorCode::Internal, "internal error: panic")));
        return writer.send(&match (response, flags.deadline) {
            (_, Some(d)) if Instant::now() >= d => Response::error(request.id, ErrorCode::DeadlineExceeded, "deadline exceeded"),
            (Ok(result), _) => Response::Result { id: request.id, result },
            (Err(error), _) => error,
        });
    }
    let id = request.id.clone();
    let deadline = flags.deadline;
    let handler_inbox = Arc::clone(inbox);
    let (tx, rx) = mpsc::channel::<Message>();
    let cancelled = Arc::new(AtomicBool::new(false));
    let handler_config = Arc::clone(config);
    let handler_cancelled = Arc::clone(&cancelled);
    let spawned = handlers.run(Box::new(move || {
        let progress_tx = tx.clone();
        let progress = move |r: Response| {
            let _ = progress_tx.send(Message::Progress(r));
        };
        let line_tx = Mutex::new(tx.clone());
        let send_line = move |line: String| {
            let _ = line_tx.lock().unwrap_or_else(|p| p.into_inner()).send(Message::Line(line));
        };
        let stats_tx = Mutex::new(tx.clone());
        let send_stats = move |line: String| {
            let _ = stats_tx.lock().unwrap_or_else(|p| p.into_inner()).send(Message::Stats(line));
        };
        let cx = Cx {
            config: &handler_config,
            deadline,
            cancelled: &handler_cancelled,
            progress: &progress,
            send_line: &send_line,
            send_stats: &send_stats,
            shared_cache: flags.shared_cache,
            inbox: &handler_inbox,
        };
        let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(&request, &cx))).unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Response::error(request.id.clone(), ErrorCode::Internal, format!("internal error: {message}"))
        });
        let done: Box<dyn FnOnce() + Send> = Box::new(move || {
            let _ = tx.send(Message::Done(response));
        });
        done
    }));
    if let Err(e) = spawned {
        writer.send(&Response::error(id, ErrorCode::Internal, format!("cannot start handler thread: {e}")));
        return;
    }
    let mut stats = None;
    loop {
        // A passed deadline wins over lines already queued: `recv_timeout` with no time left
        // still hands out a queued message, so a result finished just after the deadline (while
        // its progress or cache lines were written) would otherwise get through.
        let received = match deadline {
            Some(d) if Instant::now() >= d => Err(mpsc::RecvTimeoutError::Timeout),
            Some(d) => rx.recv_timeout(d.saturating_duration_since(Instant::now())),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(Message::Progress(p)) => writer.send(&p),
            Ok(Message::Line(line)) => writer.send_line(&line),
            Ok(Message::Stats(line)) => stats = Some(line),
            Ok(Message::Done(r)) => {
                if let (Response::Result { .. } | Response::Written { .. }, Some(line)) = (&r, stats) {
                    writer.send_line(&line);
                }
                return writer.send(&r);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                cancelled.store(true, Ordering::Relaxed);
                return writer.send(&Response::error(id, ErrorCode::DeadlineExceeded, "deadline exceeded"));
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return writer.send(&Response::error(id, ErrorCode::Internal, "handler ended without an answer"))
            }
        }
    }
}

/// A request's context on its handler thread.
struct Cx<'a> {
    config: &'a ServeConfig,
    deadline: Option<Instant>,
    cancelled: &'a AtomicBool,
    progress: &'a (dyn Fn(Response) + Sync),
    send_line: &'a (dyn Fn(String) + Sync),
    send_stats: &'a (dyn Fn(String) + Sync),
    /// The request asked for the shared cache (top-level `"sharedCache": true`).
    shared_cache: bool,
    inbox: &'a Inbox,
}

impl Cx<'_> {
    /// The request's shared-cache session: only when it asked for one and serve has a cache.
    fn shared_cache_session<'s>(&'s self, id: &'s str) -> Option<Session<'s>> {
        let cache = self.config.scan.cache.clone().filter(|_| self.shared_cache)?;
        Some(Session::new(SessionContext {
            id,
            cache,
            inbox: self.inbox,
            send_line: self.send_line,
            send_stats: self.send_stats,
            wait: self.config.shared_cache_wait,
            deadline: self.deadline,
            cancelled: self.cancelled,
        }))
    }
}

fn now_micros() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
}

fn handle(request: &Request, cx: &Cx<'_>) -> Response {
    let id = request.id.clone();
    let Some(tool) = Tool::from_name(&request.tool) else {
        return Response::error(id, ErrorCode::BadArguments, format!("unknown tool `{}`", request.tool));
    };
    let outcome = match tool {
        Tool::Ping => ping(request),
        Tool::CalculateMetrics => measuring_tool(request, cx, calculate_metrics),
        Tool::AnalyzeMetrics => measuring_tool(request, cx, analyze_metrics),
        Tool::Symbols => symbols_tool(request, cx),
        Tool::SearchSymbols => search_symbols_tool(request, cx),
        Tool::AnalyzeFiles => analyze_files(request, cx),
        Tool::PlanShards => plan_shards(request, cx),
        Tool::AnalyzeMetricsShard => measuring_tool(request, cx, analyze_metrics_shard),
        Tool::MergeShards => merge_shards(request),
        Tool::AnalyzeDependencies => analyze_dependencies(request, cx),
        Tool::AnalyzeHistory => history_tool(request, |id, a| history_cmd::analyze_history(id, &a, cx.deadline)),
        Tool::Hotspots => history_tool(request, |id, a| hotspots_cmd::hotspots(id, &a, &cx.config.scan, cx.deadline)),
        Tool::SocioTechnicalAnalysis => history_tool(request, |id, a| history_cmd::socio_technical(id, &a, cx.deadline)),
        Tool::ChangeCoupling => history_tool(request, |id, a| history_cmd::change_coupling(id, &a, cx.deadline)),
        Tool::EvolutionPathway => history_tool(request, |id, a| evolution_cmd::evolution_pathway(id, &a, cx.config.scan.max_file_bytes, cx.deadline)),
        Tool::AnalyzeQuality => analyze_quality(request, cx),
        Tool::ListQualityRules => list_quality_rules(request),
        Tool::SearchCode => return search_code(request, cx),
        Tool::GetFile => get_file(request, cx),
        Tool::FolderStructure => folder_structure(request),
        Tool::ProjectInfo => project_info(request),
        Tool::VisualizeCodeStructure => structure_tools::visualize_code_structure(request, &symbol_options(cx)),
        Tool::VisualizeDependencies => structure_tools::visualize_dependencies(request, &symbol_options(cx)),
        Tool::BuildKnowledgeGraph => graph_tool(request, cx, structure_tools::build_knowledge_graph),
        Tool::QueryKnowledgeGraph => graph_tool(request, cx, structure_tools::query_knowledge_graph),
        Tool::ExportKnowledgeGraph => graph_tool(request, cx, structure_tools::export_knowledge_graph),
        Tool::CrossRepoAnalysis => cross_repo_analysis(request, cx),
    };
    match outcome {
        Ok(result) => Response::Result { id, result },
        Err(error) => error,
    }
}

/// A knowledge-graph tool: with this process's graph memo and, when the request has a shared
/// cache, the worker's Redis store of graphs (one `cacheLookup` / `cacheStore` exchange).
fn graph_tool(
    request: &Request,
    cx: &Cx<'_>,
    tool: fn(&Request, &SymbolOptions<'_>, &crate::structure_cmd::GraphMemo, Option<&dyn crate::structure_cmd::SharedGraphs>) -> ToolResult,
) -> ToolResult {
    let shared = WorkerGraphs { cx, id: &request.id };
    let shared: Option<&dyn crate::structure_cmd::SharedGraphs> = cx.shared_cache.then_some(&shared as _);
    tool(request, &symbol_options(cx), &cx.config.graphs, shared)
}

/// Graphs in the worker's shared store, asked for and handed over on this request's lines.
struct WorkerGraphs<'a> {
    cx: &'a Cx<'a>,
    id: &'a str,
}

impl crate::structure_cmd::SharedGraphs for WorkerGraphs<'_> {
    fn lookup(&self, key: &str) -> Option<String> {
        let wait = match self.cx.deadline {
            Some(d) => self.cx.config.shared_cache_wait.min(d.saturating_duration_since(Instant::now())),
            None => self.cx.config.shared_cache_wait,
        };
        let answer = self.cx.inbox.register(self.id);
        (self.cx.send_line)(serde_json::json!({"id": self.id, "type": "cacheLookup", "keys": [key]}).to_string());
        let entries = answer.recv_timeout(wait);
        self.cx.inbox.unregister(self.id);
        let entries: std::collections::BTreeMap<String, Box<RawValue>> = serde_json::from_str(entries.ok()?.get()).ok()?;
        entries.get(key).map(|v| v.get().to_string())
    }

    fn store(&self, key: &str, json: &str) {
        (self.cx.send_line)(format!("{{\"id\":{},\"type\":\"cacheStore\",\"entries\":{{{}:{json}}}}}", serde_json::Value::from(self.id), serde_json::Value::from(key)));
    }
}

/// A tool's result, serialized once (see [`to_json`]).
type ToolResult = std::result::Result<Box<RawValue>, Response>;

/// Runs a tool that measures files through the content cache, inside a shared-cache session when
/// the request has one: the tool calls `fetch` on it with the keys it would compute and measures
/// with its `options`, and the session then stores what it computed and adds its counts to the
/// result.
fn measuring_tool(
    request: &Request,
    cx: &Cx<'_>,
    tool: fn(&Request, &Cx<'_>, &ScanOptions, Option<&mut Session<'_>>) -> ToolResult,
) -> ToolResult {
    match cx.shared_cache_session(&request.id) {
        None => tool(request, cx, &cx.config.scan, None),
        Some(mut session) => {
            let result = tool(request, cx, &cx.config.scan, Some(&mut session));
            session.finish(result)
        }
    }
}

/// Serializes a tool's result straight to its JSON text (fields in declaration order, as the CLI
/// prints them), never through a `serde_json::Value`: for a large tree that was about half of the
/// CPU of an `analyze-metrics` answered from caches, and a peak of memory many times the result's
/// size.
fn to_json<T: serde::Serialize>(id: &str, value: &T) -> ToolResult {
    serde_json::to_string(value).and_then(RawValue::from_string).map_err(|e| internal(id, e))
}

fn ping(request: &Request) -> ToolResult {
    let args: PingArgs = protocol::decode_args(request)?;
    let started = now_micros();
    if let Some(ms) = args.sleep_ms {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let pong = Pong { pong: true, pid: std::process::id(), started_at_micros: started, ended_at_micros: now_micros() };
    to_json(&request.id, &pong)
}

fn calculate_metrics(request: &Request, _cx: &Cx<'_>, options: &ScanOptions, shared: Option<&mut Session<'_>>) -> ToolResult {
    let id = request.id.as_str();
    let args: CalculateMetricsArgs = protocol::decode_args(request)?;
    let fail = |e: protocol::ErrorBody| Response::error(id, e.code, e.message);
    let options = match (&args.path, &args.content, shared) {
        (Some(path), None, Some(session)) => {
            let forced = files_cmd::language_arg(args.language.as_deref()).map_err(fail)?;
            let named = ScanOptions { skip_generated: false, ..options.clone() };
            session.fetch(scan::Unserved { keys: scan::unserved_key(Path::new(path), &named, forced).into_iter().collect(), ..Default::default() });
            session.options(options)
        }
        _ => options.clone(),
    };
    measured(id, &args, &options)
}

/// `calculate-metrics` measured with `options` as they are (no shared-cache session).
fn calculate_metrics_with(request: &Request, options: &ScanOptions) -> ToolResult {
    measured(&request.id, &protocol::decode_args(request)?, options)
}

fn measured(id: &str, args: &CalculateMetricsArgs, options: &ScanOptions) -> ToolResult {
    let m = files_cmd::measure_one(args, options).map_err(|e| Response::error(id, e.code, e.message))?;
    to_json(id, &m)
}

/// The options that measure a `calculate-metrics` file directly, without the caches and on the
/// request loop, when it is a regular file under `--small-file-bytes`; `None` for anything else
/// (another tool, inline content, a larger or missing file: those take the usual path and its errors).
fn small_file_options(request: &Request, config: &ServeConfig) -> Option<ScanOptions> {
    if config.small_file_bytes == 0 || request.tool != "calculate-metrics" || request.args.get("content").is_some() {
        return None;
    }
    let path = request.args.get("path")?.as_str()?;
    let meta = std::fs::metadata(path).ok()?;
    (meta.is_file() && meta.len() < config.small_file_bytes).then(|| ScanOptions { cache: None, ..config.scan.clone() })
}

/// `analyze-files`: one page of the items, each measured as `calculate-metrics` would, errors in
/// their items (`files_cmd.rs`).
fn analyze_files(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: AnalyzeFilesArgs = protocol::decode_args(request)?;
    let page = PageRequest::of(id, args.limit, args.cursor.as_deref(), files_cmd::DEFAULT_PAGE_FILES)?;
    let answer = files_cmd::files_page(&args.files, &page, &cx.config.scan).map_err(|e| internal(id, e))?;
    to_json(id, &answer)
}

fn analyze_metrics(request: &Request, cx: &Cx<'_>, options: &ScanOptions, shared: Option<&mut Session<'_>>) -> ToolResult {
    let id = request.id.as_str();
    let args: AnalyzeMetricsArgs = protocol::decode_args(request)?;
    let page = PageRequest::of(id, args.limit, args.cursor.as_deref(), metrics_page::DEFAULT_PAGE_FILES)?;
    let hotspots = args.hotspots.unwrap_or(metrics_page::DEFAULT_HOTSPOTS);
    if hotspots > metrics_page::MAX_HOTSPOTS {
        return Err(Response::error(id, ErrorCode::BadArguments, format!("`hotspots` must be at most {}", metrics_page::MAX_HOTSPOTS)));
    }
    let root = Path::new(&args.path);
    named_path(id, &args.path, "no such directory")?;
    let relative_to = args.relative_to.as_deref().map(Path::new);
    let options = match shared {
        Some(session) => {
            session.fetch(scan::unserved_keys(root, relative_to, options));
            session.options(options)
        }
        None => options.clone(),
    };
    let progress = |done: u64, total: u64, path: &str| {
        (cx.progress)(Response::Progress { id: id.to_string(), progress: done, total, message: path.to_string() });
    };
    let result = scan::scan(root, relative_to, &options, &progress);
    drop(options); // the shared cache's received entries: freed once written, not kept while encoding
    let answer = metrics_page::metrics_page(&result, args.detail, &page, hotspots, deepest_directory(&args)).map_err(|e| internal(id, e))?;
    to_json(id, &answer)
}

/// `directoryDepth` as a number of path components: directory paths are relative to
/// `relativeTo` when the root lies under it, else to the root.
fn deepest_directory(args: &AnalyzeMetricsArgs) -> Option<usize> {
    let root = Path::new(&args.path);
    let relative_to = args.relative_to.as_deref().map(Path::new);
    let root_components = relative_to.and_then(|base| root.strip_prefix(base).ok()).map_or(0, |r| r.components().count());
    args.directory_depth.map(|depth| root_components + depth)
}

/// `analyze-metrics`'s page and hotspot arguments, checked; shards answer first pages only.
fn first_page_args(id: &str, args: &AnalyzeMetricsArgs) -> Result<(usize, usize), Response> {
    if args.cursor.is_some() {
        return Err(Response::error(id, ErrorCode::BadArguments, "a sharded analysis answers the first page; later pages are ordinary calls"));
    }
    let page = PageRequest::of(id, args.limit, None, metrics_page::DEFAULT_PAGE_FILES)?;
    let hotspots = args.hotspots.unwrap_or(metrics_page::DEFAULT_HOTSPOTS);
    if hotspots > metrics_page::MAX_HOTSPOTS {
        return Err(Response::error(id, ErrorCode::BadArguments, format!("`hotspots` must be at most {}", metrics_page::MAX_HOTSPOTS)));
    }
    Ok((page.limit, hotspots))
}

/// `plan-shards` (internal): how to split `analyze-metrics` of a directory (`shards.rs`).
fn plan_shards(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: PlanShardsArgs = protocol::decode_args(request)?;
    if !named_path(id, &args.path, "no such directory")?.is_dir() {
        return Err(Response::error(id, ErrorCode::BadArguments, format!("{} is not a directory", args.path)));
    }
    to_json(id, &shards::plan(Path::new(&args.path), cx.config.scan.max_file_bytes, &args))
}

/// `analyze-metrics-shard` (internal): one shard of a tree, for `merge-shards`.
fn analyze_metrics_shard(request: &Request, cx: &Cx<'_>, options: &ScanOptions, shared: Option<&mut Session<'_>>) -> ToolResult {
    let id = request.id.as_str();
    let args: AnalyzeMetricsArgs = protocol::decode_args(request)?;
    let bounds: AnalyzeMetricsShardArgs = protocol::decode_args(request)?;
    let (limit, hotspots) = first_page_args(id, &args)?;
    let root = Path::new(&args.path);
    named_path(id, &args.path, "no such directory")?;
    let relative_to = args.relative_to.as_deref().map(Path::new);
    let range = shards::Range::of(&bounds.shard);
    let keep = |p: &Path| range.keeps(root, p);
    let part = range.part(root, &keep);
    let options = match shared {
        Some(session) => {
            session.fetch(scan::unserved_keys_part(root, relative_to, options, Some(&part)));
            session.options(options)
        }
        None => options.clone(),
    };
    let progress = |done: u64, total: u64, path: &str| {
        (cx.progress)(Response::Progress { id: id.to_string(), progress: done, total, message: path.to_string() });
    };
    let result = scan::scan_part(root, relative_to, &options, Some(&part), &progress);
    drop(options);
    to_json(id, &shards::shard_result(&result, args.detail, limit, hotspots).map_err(|e| internal(id, e))?)
}

/// `merge-shards` arguments beside `analyze-metrics`'s: the shards' answers in shard order.
#[derive(serde::Deserialize)]
struct MergeShardsArgs {
    shards: Vec<shards::ShardResult>,
}

/// `merge-shards` (internal): the shards' answers merged into the first page one scan gives.
fn merge_shards(request: &Request) -> ToolResult {
    let id = request.id.as_str();
    let args: AnalyzeMetricsArgs = protocol::decode_args(request)?;
    let (limit, hotspots) = first_page_args(id, &args)?;
    // from the borrowed args: the shard answers are most of the line and are decoded once
    let MergeShardsArgs { shards } = <MergeShardsArgs as serde::Deserialize>::deserialize(&request.args)
        .map_err(|e| Response::error(id, ErrorCode::BadArguments, format!("invalid shards: {e}")))?;
    let root = scan::shown_root(Path::new(&args.path), args.relative_to.as_deref().map(Path::new));
    let merged = shards::merge(root, shards, hotspots).map_err(|e| Response::error(id, ErrorCode::BadArguments, format!("invalid shards: {e}")))?;
    to_json(id, &merged.first_page(args.detail, limit, deepest_directory(&args)).map_err(|e| internal(id, e))?)
}

/// A history tool (`history_cmd.rs`, `hotspots_cmd.rs`, `evolution_cmd.rs`): its arguments decoded, its
/// answer's JSON as the result.
fn history_tool<A: for<'de> serde::Deserialize<'de>>(request: &Request, run: impl FnOnce(&str, A) -> Result<String, Response>) -> ToolResult {
    let id = request.id.as_str();
    let args: A = protocol::decode_args(request)?;
    RawValue::from_string(run(id, args)?).map_err(|e| internal(id, e))
}

/// [`files_cmd::named_path`] as the request's error line.
fn named_path(id: &str, path: &str, missing: &str) -> Result<std::fs::Metadata, Response> {
    files_cmd::named_path(path, missing).map_err(|e| Response::error(id, e.code, e.message))
}

/// The error for a result that could not be serialized.
fn internal(id: &str, e: serde_json::Error) -> Response {
    Response::error(id, ErrorCode::Internal, e.to_string())
}

/// The `symbols` result: one page of the outlined files; `totalSymbols` and `skipped` are the
/// whole tree's.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SymbolsPage<'a> {
    root: &'a str,
    page: Page,
    next_cursor: Option<String>,
    files: Vec<Box<RawValue>>,
    total_symbols: usize,
    skipped: &'a [SkippedFile],
}

fn symbol_options<'a>(cx: &'a Cx<'a>) -> SymbolOptions<'a> {
    SymbolOptions {
        max_file_bytes: cx.config.scan.max_file_bytes,
        cache: cx.config.cache.as_deref(),
        deadline: cx.deadline,
        cancelled: Some(cx.cancelled),
    }
}

fn deadline_error(id: &str) -> Response {
    Response::error(id, ErrorCode::DeadlineExceeded, "deadline exceeded")
}

fn symbols_tool(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: SymbolsArgs = protocol::decode_args(request)?;
    let page = PageRequest::of(id, args.limit, args.cursor.as_deref(), DEFAULT_SYMBOLS_PAGE_FILES)?;
    let root = Path::new(&args.path);
    named_path(id, &args.path, "no such file or directory")?;
    let progress = |done: u64, total: u64, path: &str| {
        (cx.progress)(Response::Progress { id: id.to_string(), progress: done, total, message: path.to_string() });
    };
    let result = symbols_cmd::collect(root, args.relative_to.as_deref().map(Path::new), &symbol_options(cx), &progress)
        .map_err(|_| deadline_error(id))?;
    let mut answer = SymbolsPage {
        root: &result.root,
        page: Page { offset: 0, count: 0, total_files: 0 },
        next_cursor: None,
        files: Vec::new(),
        total_symbols: result.total_symbols,
        skipped: &result.skipped,
    };
    // the skipped files come with every page, so the outlines get what they leave of the budget
    let paged = paging::paginate_beside(&answer, &result.files, &page, serde_json::value::to_raw_value).map_err(|e| internal(id, e))?;
    answer.page = paged.page;
    answer.next_cursor = paged.next_cursor;
    answer.files = paged.items;
    to_json(id, &answer)
}

fn search_symbols_tool(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: SearchSymbolsArgs = protocol::decode_args(request)?;
    if args.query.trim().is_empty() {
        return Err(Response::error(id, ErrorCode::BadArguments, "search-symbols needs a non-empty `query`"));
    }
    let root = Path::new(&args.path);
    named_path(id, &args.path, "no such directory")?;
    let limit = args.limit.unwrap_or(DEFAULT_SEARCH_LIMIT).max(1);
    let result = symbols_cmd::search(root, args.relative_to.as_deref().map(Path::new), &args.query, limit, &symbol_options(cx)).map_err(|_| deadline_error(id))?;
    to_json(id, &result)
}

/// `analyze-dependencies` (`deps_cmd.rs`): stops between files at the deadline or on cancel.
fn analyze_dependencies(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let args: protocol::AnalyzeDependenciesArgs = protocol::decode_args(request)?;
    let stop = || cx.deadline.map(|d| Instant::now() >= d).unwrap_or(false) || cx.cancelled.load(Ordering::Relaxed);
    crate::deps_cmd::serve(&request.id, &args, cx.config.scan.max_file_bytes, &stop)
}

/// `analyze-quality`: one page of a tree's findings with its summary, scores and clone classes
/// (`quality_cmd.rs`).
fn analyze_quality(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: protocol::AnalyzeQualityArgs = protocol::decode_args(request)?;
    let page = PageRequest::of(id, args.limit, args.cursor.as_deref(), quality_cmd::DEFAULT_PAGE_FINDINGS)?;
    named_path(id, &args.path, "no such file or directory")?;
    for other in &args.compare_paths {
        if !named_path(id, other, "no such directory")?.is_dir() {
            return Err(Response::error(id, ErrorCode::BadArguments, format!("{other} is not a directory")));
        }
    }
    let progress = |done: u64, total: u64, path: &str| {
        (cx.progress)(Response::Progress { id: id.to_string(), progress: done, total, message: path.to_string() });
    };
    let options = quality_cmd::QualityOptions { max_file_bytes: cx.config.scan.max_file_bytes, deadline: cx.deadline, cancelled: Some(cx.cancelled) };
    let result = quality_cmd::analyze(&args, &options, &progress).map_err(|e| quality_error(id, e))?;
    quality_cmd::page(&result, &page).map_err(|e| internal(id, e))
}

fn list_quality_rules(request: &Request) -> ToolResult {
    let id = request.id.as_str();
    let args: protocol::ListQualityRulesArgs = protocol::decode_args(request)?;
    to_json(id, &quality_cmd::list_rules(&args).map_err(|e| quality_error(id, e))?)
}

fn quality_error(id: &str, e: quality_cmd::QualityError) -> Response {
    match e {
        quality_cmd::QualityError::BadArguments(message) => Response::error(id, ErrorCode::BadArguments, message),
        quality_cmd::QualityError::Deadline => deadline_error(id),
    }
}

/// A tool body's [`protocol::ErrorBody`] as the request's error line.
fn failed(id: &str) -> impl Fn(protocol::ErrorBody) -> Response + '_ {
    move |e| Response::error(id, e.code, e.message)
}

/// `search-code`: one page of matches (`search_cmd.rs`); stops at the deadline. Its JSON is
/// written by serde_json and sent as written ([`Response::Written`]).
fn search_code(request: &Request, cx: &Cx<'_>) -> Response {
    let id = request.id.as_str();
    let args: SearchCodeArgs = match protocol::decode_args(request) {
        Ok(args) => args,
        Err(error) => return error,
    };
    match crate::search_cmd::search_page(&args, cx.config.scan.max_file_bytes, cx.deadline, cx.cancelled) {
        Ok(result) => Response::Written { id: id.to_string(), result },
        Err(error) => failed(id)(error),
    }
}

/// `get-file`: a line range of one file (`file_cmd.rs`).
fn get_file(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let id = request.id.as_str();
    let args: GetFileArgs = protocol::decode_args(request)?;
    to_json(id, &crate::file_cmd::get_file(&args, cx.config.scan.max_file_bytes).map_err(failed(id))?)
}

/// `folder-structure`: one page of a tree's entries (`tree_cmd.rs`).
fn folder_structure(request: &Request) -> ToolResult {
    let id = request.id.as_str();
    let args: FolderStructureArgs = protocol::decode_args(request)?;
    RawValue::from_string(crate::tree_cmd::folder_structure(&args).map_err(failed(id))?).map_err(|e| internal(id, e))
}

/// `project-info`: languages, manifests, entry points, tests, licence (`project_cmd.rs`).
fn project_info(request: &Request) -> ToolResult {
    let id = request.id.as_str();
    let args: ProjectInfoArgs = protocol::decode_args(request)?;
    to_json(id, &crate::project_cmd::project_info(&args).map_err(failed(id))?)
}

/// `cross-repo-analysis`: declared dependencies, imports between the trees and identical files
/// of several trees, one section paged (`crossrepo_cmd.rs`).
fn cross_repo_analysis(request: &Request, cx: &Cx<'_>) -> ToolResult {
    let args: protocol::CrossRepoArgs = protocol::decode_args(request)?;
    let stop = || cx.deadline.map(|d| Instant::now() >= d).unwrap_or(false) || cx.cancelled.load(Ordering::Relaxed);
    crate::crossrepo_cmd::serve(&request.id, &args, cx.config.scan.max_file_bytes, &stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(input: &str) -> Vec<serde_json::Value> {
        let writer = LineWriter::new(Vec::new());
        run(input.as_bytes(), &writer, &ScanOptions::default()).unwrap();
        let out = writer.out.into_inner().unwrap();
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn bad_lines_get_error_lines_and_the_loop_goes_on() {
        let out = exchange("nope\n{\"id\":\"a\",\"tool\":\"dance\"}\n\n{\"id\":\"b\",\"tool\":\"ping\"}\n");
        assert_eq!(out.len(), 3);
        assert_eq!(out[0]["id"], "");
        assert_eq!(out[0]["error"]["code"], "BAD_ARGUMENTS");
        assert_eq!(out[1]["id"], "a");
        assert_eq!(out[2]["result"]["pong"], true);
    }

    /// Results are final when they leave: `id`, `type`, then the `result`, last; with
    /// `relativeTo`, a named file's `path` is relative to it.
    #[test]
    fn result_lines_end_with_the_result_and_name_files_relative_to_relative_to() {
        let dir = crate::test_dirs::empty("serve", "wire");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/a.py"), "x = 1\n").unwrap();
        let (file, base) = (dir.join("src/a.py"), dir.to_string_lossy().into_owned());
        let input = format!("{{\"id\":\"c\",\"tool\":\"calculate-metrics\",\"args\":{{\"path\":{:?},\"relativeTo\":{base:?}}}}}\n", file.to_string_lossy());
        let writer = LineWriter::new(Vec::new());
        run(input.as_bytes(), &writer, &ScanOptions::default()).unwrap();
        let out = String::from_utf8(writer.out.into_inner().unwrap()).unwrap();
        let head = r#"{"id":"c","type":"result","result":{"path":"src/a.py","#;
        assert!(out.starts_with(head) && out.ends_with("}}\n") && !out.contains(&base), "{out}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// `analyze-files` over the wire: one result line per page, items in input order, a bad item
    /// in its place, and the same numbers `calculate-metrics` answers for the same file.
    #[test]
    fn analyze_files_answers_a_page_of_items_with_errors_in_place() {
        let dir = crate::test_dirs::empty("serve", "files");
        std::fs::write(dir.join("a.py"), "def f(x):\n    return x or 1\n").unwrap();
        let (file, base) = (dir.join("a.py").to_string_lossy().into_owned(), dir.to_string_lossy().into_owned());
        let files = serde_json::json!([
            {"path": file, "relativeTo": base},
            {"path": "gone.py", "error": {"code": "NOT_FOUND", "message": "no such file or directory: gone.py"}},
            {"name": "b.py", "content": "x = 1\n"}
        ]);
        let input = format!(
            "{}\n{}\n",
            serde_json::json!({"id": "f", "tool": "analyze-files", "args": {"files": files, "limit": 2}}),
            serde_json::json!({"id": "c", "tool": "calculate-metrics", "args": {"path": file, "relativeTo": base}})
        );
        let out = exchange(&input);
        assert_eq!(out.len(), 2, "{out:?}");
        let page = &out[0]["result"];
        assert_eq!(page["page"], serde_json::json!({"offset": 0, "count": 2, "totalFiles": 3}));
        assert_eq!(page["nextCursor"], "o1:2");
        assert_eq!(page["files"][0], out[1]["result"]);
        assert_eq!(page["files"][0]["functions"][0]["cyclomatic"], 2);
        assert_eq!(page["files"][1], serde_json::json!({"path": "gone.py", "error": {"code": "NOT_FOUND", "message": "no such file or directory: gone.py"}}));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn invalid_utf8_in_content_is_replaced() {
        let mut input = b"{\"id\":\"u\",\"tool\":\"calculate-metrics\",\"args\":{\"content\":\"x = 1 \xff\\n\",\"language\":\"python\"}}\n".to_vec();
        input.extend_from_slice(b"");
        let writer = LineWriter::new(Vec::new());
        run(&input[..], &writer, &ScanOptions::default()).unwrap();
        let out = String::from_utf8(writer.out.into_inner().unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["type"], "result");
        assert_eq!(v["result"]["lines"]["code"], 1);
    }

    #[test]
    fn a_passed_deadline_answers_deadline_exceeded_and_the_loop_goes_on() {
        let out = exchange(
            "{\"id\":\"d\",\"tool\":\"ping\",\"args\":{\"sleepMs\":500,\"deadlineMs\":20}}\n{\"id\":\"t\",\"tool\":\"ping\",\"deadlineMs\":5000,\"args\":{}}\n",
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[0]["id"], "d");
        assert_eq!(out[0]["error"]["code"], "DEADLINE_EXCEEDED");
        assert_eq!(out[1]["result"]["pong"], true);
    }

    /// Issue 13: a FIFO named by a call hung it until the deadline and `/dev/zero` was read until
    /// the analyzer ran out of memory; they are refused by name, at once, and the loop goes on.
    #[test]
    fn special_files_named_by_a_call_are_refused_by_kind_at_once() {
        let dir = crate::test_dirs::empty("serve", "special");
        crate::scan::tests::make_special_files(&dir);
        let mut input = String::new();
        for (i, name) in ["pipe.py", "sock.py", "huge.py"].iter().enumerate() {
            let path = dir.join(name).to_string_lossy().into_owned();
            for tool in ["calculate-metrics", "symbols", "analyze-metrics"] {
                input.push_str(&format!("{{\"id\":\"{tool}-{i}\",\"tool\":\"{tool}\",\"args\":{{\"path\":{path:?}}}}}\n"));
            }
        }
        input.push_str(&format!("{{\"id\":\"z\",\"tool\":\"calculate-metrics\",\"args\":{{\"path\":\"/dev/zero\"}}}}\n"));
        input.push_str("{\"id\":\"p\",\"tool\":\"ping\",\"args\":{}}\n");
        let started = std::time::Instant::now();
        let out: Vec<_> = exchange(&input).into_iter().filter(|v| v["type"] != "progress").collect();
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
        let error = |id: &str| out.iter().find(|v| v["id"] == id).unwrap()["error"].clone();
        for tool in ["calculate-metrics", "symbols", "analyze-metrics"] {
            assert_eq!(error(&format!("{tool}-0"))["code"], "BAD_ARGUMENTS");
            assert!(error(&format!("{tool}-0"))["message"].as_str().unwrap().contains("is a fifo"), "{out:?}");
            assert!(error(&format!("{tool}-1"))["message"].as_str().unwrap().contains("is a socket"), "{out:?}");
        }
        assert!(error("calculate-metrics-2")["message"].as_str().unwrap().contains("too large"), "{out:?}");
        assert!(error("z")["message"].as_str().unwrap().contains("is a character device"), "{out:?}");
        assert_eq!(out.last().unwrap()["result"]["pong"], true);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Issue 17's tools over the wire: answers with paths relative to `relativeTo`, a regex that
    /// does not compile is `INVALID_PATTERN`, and the loop goes on.
    #[test]
    fn code_tools_answer_and_a_bad_pattern_is_invalid_pattern() {
        let dir = crate::test_dirs::empty("serve", "code");
        std::fs::write(dir.join("a.py"), "def load():\n    return 1\n").unwrap();
        let (path, file) = (dir.to_string_lossy().into_owned(), dir.join("a.py").to_string_lossy().into_owned());
        let input: String = [
            serde_json::json!({"id": "s", "tool": "search-code", "args": {"path": path, "relativeTo": path, "pattern": "return"}}),
            serde_json::json!({"id": "r", "tool": "search-code", "args": {"path": path, "pattern": "a(", "mode": "regex"}}),
            serde_json::json!({"id": "g", "tool": "get-file", "args": {"path": file, "relativeTo": path, "startLine": 2}}),
            serde_json::json!({"id": "t", "tool": "folder-structure", "args": {"path": path, "relativeTo": path}}),
            serde_json::json!({"id": "p", "tool": "project-info", "args": {"path": path, "relativeTo": path}}),
        ]
        .iter()
        .map(|line| format!("{line}\n"))
        .collect();
        let out = exchange(&input);
        let of = |id: &str| out.iter().find(|v| v["id"] == id).cloned().unwrap();
        assert_eq!(
            of("s")["result"]["matches"][0],
            serde_json::json!({"path": "a.py", "line": 2, "column": 5, "endLine": 2, "endColumn": 11, "text": "    return 1"})
        );
        assert_eq!(of("r")["error"]["code"], "INVALID_PATTERN");
        assert_eq!(of("g")["result"]["content"], "    return 1\n");
        assert_eq!(of("t")["result"]["entries"][0]["path"], "a.py");
        assert_eq!(of("p")["result"]["languages"][0], serde_json::json!({"language": "python", "files": 1, "bytes": 25}));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn symbols_tools_answer_outlines_and_searches() {
        let dir = crate::test_dirs::empty("serve", "symbols");
        std::fs::write(dir.join("a.go"), "package p\nfunc Load() {}\n").unwrap();
        let path = dir.to_string_lossy();
        let out = exchange(&format!(
            "{{\"id\":\"s\",\"tool\":\"symbols\",\"args\":{{\"path\":\"{path}\"}}}}\n{{\"id\":\"q\",\"tool\":\"search-symbols\",\"args\":{{\"path\":\"{path}\",\"query\":\"load\"}}}}\n"
        ));
        let last = |id: &str| out.iter().rev().find(|v| v["id"] == id && v["type"] != "progress").cloned().unwrap();
        assert_eq!(last("s")["result"]["files"][0]["symbols"][0]["qualifiedName"], "Load");
        assert_eq!(last("q")["result"]["matches"][0]["match"], "exact");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn quality_tools_answer_rules_findings_and_refuse_bad_arguments() {
        let dir = crate::test_dirs::empty("serve", "quality");
        std::fs::write(dir.join("a.py"), "# TODO: x\ndef f(flag=True):\n    return 7\n").unwrap();
        let path = dir.to_string_lossy();
        let out = exchange(&format!(
            concat!(
                "{{\"id\":\"r\",\"tool\":\"list-quality-rules\",\"args\":{{\"language\":\"python\"}}}}\n",
                "{{\"id\":\"q\",\"tool\":\"analyze-quality\",\"args\":{{\"path\":\"{path}\",\"relativeTo\":\"{path}\",\"limit\":2}}}}\n",
                "{{\"id\":\"g\",\"tool\":\"analyze-quality\",\"args\":{{\"path\":\"{path}\",\"exclude\":[\"[\"]}}}}\n",
                "{{\"id\":\"m\",\"tool\":\"analyze-quality\",\"args\":{{\"path\":\"{path}\",\"maxIssues\":100001}}}}\n"
            ),
            path = path
        ));
        let last = |id: &str| out.iter().rev().find(|v| v["id"] == id && v["type"] != "progress").cloned().unwrap();
        assert!(last("r")["result"]["rules"].as_array().unwrap().iter().any(|r| r["id"] == "catch-all"));
        let q = &last("q")["result"];
        let found: Vec<(String, u64)> = q["findings"].as_array().unwrap().iter().map(|f| (f["rule"].as_str().unwrap().to_string(), f["startLine"].as_u64().unwrap())).collect();
        assert_eq!(found, vec![("todo-comment".to_string(), 1), ("boolean-flag-parameter".to_string(), 2)]);
        assert_eq!((q["page"]["total"].as_u64(), q["nextCursor"].as_str()), (Some(3), Some("o1:2")));
        assert_eq!(last("g")["error"]["code"], "BAD_ARGUMENTS");
        assert_eq!(last("m")["error"]["code"], "BAD_ARGUMENTS");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
