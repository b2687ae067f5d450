//! Directory scans: walk the tree (`walk`), classify each file (`classify`: too large, binary,
//! unknown language, generated), measure the rest in parallel through the content cache
//! (`measure`), and total the results (`totals`): per language, per directory (each directory
//! with everything below it) and for the whole scan.
//!
//! With a cache, a scan also keeps a [`cache::PathIndex`] of the tree (`index`): per path, the
//! file's stat signature and its finished result (the file's JSON and its roll-up numbers). A file
//! whose signature has not changed since the last scan is neither read nor hashed nor decoded; its
//! JSON goes to the output as stored. Other files go through the content-hash cache.
//! `shared_keys` lists what a scan would not find locally, for `serve`'s shared cache.
//!
//! [`summary`] is the fast path of `mcpca-analyzer summary`: line counts only, no parse, no
//! per-file results kept.

mod classify;
mod index;
mod measure;
mod scanned;
mod shared_keys;
mod summary;
mod totals;
mod walk;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use metrics::FileMetrics;
use serde::{Deserialize, Serialize};

use index::{part_index_name, scan_file};

pub(crate) use classify::{read_listed, read_regular, read_source, special_kind};
pub use measure::{measure_file, metrics_entry, FileOutcome};
pub use scanned::{DirectoryResult, FileBody, ScannedFile};
pub use shared_keys::{unserved_key, unserved_keys, unserved_keys_part, Unserved};
pub use summary::{summary, SummaryResult};
pub use totals::{directory_totals, directory_totals_of, DirectoryTotals, LanguageTotals, Totals};
pub(crate) use walk::{list_files, shown_root, walk, walk_part};
pub use walk::Descend;

/// Files larger than this are skipped (`--max-file-size`). 10 MiB: far above hand-written
/// source; generated bundles above it would dominate the run and say little about the code.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// A file the scan did not measure, and why (`"binary"`, `"too large"`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Skipped files in path order (stable: a path's entries keep their walk order). The walk lists
/// what it skips in directory-read order, which differs between file systems and between a walk
/// of the whole tree and the walks of its shards; the answer must not.
pub fn sort_skipped(skipped: &mut [Skipped]) {
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
}

/// Options of a scan.
#[derive(Clone)]
pub struct ScanOptions {
    pub max_file_bytes: u64,
    /// Per-file results by content hash (`--cache-dir`); `None` measures every file.
    pub cache: Option<Arc<cache::Cache>>,
    /// Skip generated and minified files. On for walks (they would drown a tree's numbers); off when
    /// a caller names one file, since asking for that file is asking for its numbers.
    pub skip_generated: bool,
    /// Keep measured files as their compact JSON ([`FileBody::Json`]) rather than decoded: for
    /// callers that print the JSON (the CLI), so it is written once, on the worker threads.
    pub json_bodies: bool,
    /// Receives every per-file entry this scan computes (cache misses), for `serve`'s shared
    /// cache; `None` outside such a request.
    pub collector: Option<Arc<cache::EntryCollector>>,
    /// Entries `serve`'s shared cache received for this scan, used before the content cache (by
    /// key, and by path for files unchanged since [`unserved_keys`] hashed them); `None` outside
    /// such a request.
    pub received: Option<Arc<cache::ReceivedEntries<FileMetrics>>>,
    /// Parse every file and measure nothing else (`metrics --parse-only`, a benchmark aid: the
    /// cost of tree-sitter's parse alone). The cache is not used: such results are incomplete.
    pub parse_only: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { max_file_bytes: DEFAULT_MAX_FILE_BYTES, cache: None, skip_generated: true, json_bodies: false, collector: None, received: None, parse_only: false }
    }
}

/// Scans `root` on the current rayon pool. `progress(done, total, path)` is called from worker
/// threads about a hundred times per scan (and for the last file).
pub fn scan(
    root: &Path,
    relative_to: Option<&Path>,
    options: &ScanOptions,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
) -> DirectoryResult {
    scan_part(root, relative_to, options, None, progress)
}

/// [`scan`] of one part of the tree (a shard: the files and walk skips `part.keep` takes), with a
/// scan index of its own (`part.name`), so the shards of a tree do not overwrite each other's;
/// the walk reads only the directories `part.descend` takes (`None`: all).
pub struct ScanPart<'a> {
    pub name: String,
    pub keep: &'a (dyn Fn(&Path) -> bool + Sync),
    pub descend: Option<Descend>,
}

pub fn scan_part(
    root: &Path,
    relative_to: Option<&Path>,
    options: &ScanOptions,
    part: Option<&ScanPart<'_>>,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
) -> DirectoryResult {
    let index_name = options.cache.as_ref().map(|_| part_index_name(root, relative_to, options, part));
    let index = match (&options.cache, &index_name) {
        (Some(c), Some(name)) => c.load_index(name),
        _ => cache::PathIndex::default(),
    };
    let next_index = cache::IndexWriter::new();
    let index_hits = AtomicU64::new(0);
    let keep_all = |_: &Path| true;
    let keep = part.map_or(&keep_all as &(dyn Fn(&Path) -> bool + Sync), |p| p.keep);
    let walked = walk_part(root, relative_to, keep, part.and_then(|p| p.descend.clone()), progress, |path, display| {
        Some(scan_file(path, display, options, &index, &next_index, &index_hits))
    });
    let mut result = DirectoryResult {
        root: shown_root(root, relative_to),
        files: Vec::new(),
        totals: Totals::default(),
        directories: Vec::new(),
        skipped: walked.skipped.into_iter().map(|(path, reason)| Skipped { path, reason }).collect(),
    };
    let mut seen = 0;
    for (display, outcome) in walked.outcomes.into_iter().flatten() {
        seen += 1;
        match outcome {
            Ok(file) => {
                result.totals.add(&file.summary);
                result.files.push(file);
            }
            Err(reason) => result.skipped.push(Skipped { path: display, reason }),
        }
    }
    sort_skipped(&mut result.skipped);
    result.directories = directory_totals(&result.files);
    if let (Some(c), Some(name)) = (&options.cache, &index_name) {
        let hits = index_hits.load(Ordering::Relaxed);
        c.record_hits(hits);
        // Rewrite the index only when it would change: a file measured anew, or one gone.
        if hits as usize != seen || index.len() != seen {
            c.store_index(name, next_index);
        }
    }
    result
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::PathBuf;

    use lang::Language;

    fn temp_dir(name: &str) -> PathBuf {
        crate::test_dirs::empty("scan", name)
    }

    #[test]
    fn skips_binary_unknown_large_ignored_and_symlinked_files() {
        let dir = temp_dir("skips");
        std::fs::write(dir.join("A.java"), "class A { void f() { if (x) {} } }\n").unwrap();
        std::fs::write(dir.join("img.png"), b"\x89PNG\0\0").unwrap();
        std::fs::write(dir.join("notes.txt"), "hello\n").unwrap();
        std::fs::write(dir.join("big.py"), "x = 1\n".repeat(100)).unwrap();
        std::fs::write(dir.join(".gitignore"), "gen/\n").unwrap();
        std::fs::create_dir_all(dir.join("gen")).unwrap();
        std::fs::write(dir.join("gen/G.java"), "class G {}\n").unwrap();
        std::os::unix::fs::symlink(dir.join("A.java"), dir.join("link.java")).unwrap();
        let options = ScanOptions { max_file_bytes: 500, ..Default::default() };
        let r = scan(&dir, None, &options, &|_, _, _| {});
        let paths: Vec<&str> = r.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["A.java"]);
        let mut skipped: Vec<(String, String)> = r.skipped.iter().map(|s| (s.path.clone(), s.reason.clone())).collect();
        skipped.sort();
        assert_eq!(
            skipped,
            vec![
                ("big.py".into(), "too large".into()),
                ("img.png".into(), "binary".into()),
                ("link.java".into(), "symlink".into()),
                ("notes.txt".into(), "unknown language".into()),
            ]
        );
        assert_eq!(r.totals.all.files, 1);
        assert_eq!(r.totals.by_language["java"].functions, 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Issue 13: a FIFO in a walked tree hung the scan until the call's deadline, a device node
    /// was read until the analyzer ran out of memory and a 2 GB sparse file was read before being
    /// called too large. Special files are skipped by type, never opened; size is checked first.
    #[test]
    fn fifos_sockets_devices_and_huge_sparse_files_are_skipped_without_being_read() {
        let dir = temp_dir("special");
        std::fs::write(dir.join("a.py"), "x = 1\n").unwrap();
        make_special_files(&dir);
        let started = std::time::Instant::now();
        let r = scan(&dir, None, &ScanOptions::default(), &|_, _, _| {});
        let summary = summary(&[dir.clone()], &ScanOptions::default());
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
        assert_eq!(r.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), vec!["a.py"]);
        let mut skipped: Vec<(String, String)> = r.skipped.iter().map(|s| (s.path.clone(), s.reason.clone())).collect();
        skipped.sort();
        let mut expected = vec![
            ("huge.py".to_string(), "too large".to_string()),
            ("pipe.py".into(), "fifo".into()),
            ("sock.py".into(), "socket".into()),
            ("zero-link.py".into(), "symlink".into()),
        ];
        if dir.join("zero.py").exists() {
            expected.push(("zero.py".into(), "character device".into()));
            expected.sort();
        }
        assert_eq!(skipped, expected);
        assert_eq!(summary.skipped.get("fifo"), Some(&1));
        assert_eq!(summary.skipped.get("too large"), Some(&1));
        for name in ["pipe.py", "sock.py", "huge.py", "zero-link.py"] {
            assert!(read_source(&dir.join(name), ScanOptions::default().max_file_bytes, None).is_err(), "{name}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A FIFO, a UNIX socket, a 2 GB sparse file, a symlink to /dev/zero and (as root) a
    /// character device like /dev/zero (mknod c 1 5) in `dir`, all named `*.py`.
    pub(crate) fn make_special_files(dir: &std::path::Path) {
        let c = |p: &std::path::Path| std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c(&dir.join("pipe.py")).as_ptr(), 0o644) }, 0);
        let _socket = std::os::unix::net::UnixListener::bind(dir.join("sock.py")).unwrap();
        std::fs::File::create(dir.join("huge.py")).unwrap().set_len(2 << 30).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.join("zero-link.py")).unwrap();
        // only root may make device nodes; the test checks the device only where one was made
        unsafe { libc::mknod(c(&dir.join("zero.py")).as_ptr(), libc::S_IFCHR | 0o644, libc::makedev(1, 5)) };
    }

    /// A warm scan must read every file from the cache and give the same JSON as a cold one
    /// (the cache keeps 3 decimals; restore_derived recomputes the exact floats and roll-ups).
    #[test]
    fn warm_scan_reads_the_cache_and_gives_identical_results() {
        let dir = temp_dir("cache");
        std::fs::create_dir_all(dir.join("p")).unwrap();
        std::fs::write(dir.join("A.java"), "class A { int f(int a) { return a > 1 && a < 7 ? a * 3 : 0; } }\n").unwrap();
        std::fs::write(dir.join("p/b.py"), "def g(x):\n    return [y for y in x if y]\n").unwrap();
        std::fs::write(dir.join("p/c.ts"), "const h = (a?: number) => a ?? 1.5;\n").unwrap();
        let store = temp_dir("cache-store");
        let options = ScanOptions { cache: Some(Arc::new(cache::Cache::open(&store, "test").unwrap())), ..Default::default() };
        let plain = serde_json::to_string(&scan(&dir, None, &ScanOptions::default(), &|_, _, _| {})).unwrap();
        let cold = serde_json::to_string(&scan(&dir, None, &options, &|_, _, _| {})).unwrap();
        let warm = serde_json::to_string(&scan(&dir, None, &options, &|_, _, _| {})).unwrap();
        let stats = options.cache.as_ref().unwrap().stats();
        assert_eq!((stats.misses, stats.hits), (3, 3));
        assert_eq!(cold, plain);
        assert_eq!(warm, plain);
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&store);
    }

    /// The scan index serves unchanged files without reading them and notices a changed or a
    /// removed one; JSON bodies and decoded results print the same.
    #[test]
    fn scan_index_serves_unchanged_files_and_notices_changes() {
        let dir = temp_dir("index");
        std::fs::write(dir.join("A.java"), "class A { int f(int a) { return a > 1 ? 2 : 3; } }\n").unwrap();
        std::fs::write(dir.join("b.py"), "def g(x):\n    return x or 1\n").unwrap();
        std::fs::write(dir.join("c.js"), "function h(a) { return a && a.b; }\n").unwrap();
        std::fs::write(dir.join("notes.txt"), "hello\n").unwrap();
        let store = temp_dir("index-store");
        let c = Arc::new(cache::Cache::open(&store, "test").unwrap());
        c.set_racy_margin_ns(0); // the files were written just now; trust them anyway
        let options = ScanOptions { cache: Some(c.clone()), ..Default::default() };
        let json = ScanOptions { json_bodies: true, ..options.clone() };
        let plain = |d: &Path| serde_json::to_string(&scan(d, None, &ScanOptions::default(), &|_, _, _| {})).unwrap();
        let cold = serde_json::to_string(&scan(&dir, None, &options, &|_, _, _| {})).unwrap();
        assert_eq!(cold, plain(&dir));
        assert_eq!((c.stats().misses, c.stats().hits), (3, 0));
        for opts in [&options, &json] {
            let warm = scan(&dir, None, opts, &|_, _, _| {});
            assert_eq!(serde_json::to_string(&warm).unwrap(), cold);
        }
        assert_eq!((c.stats().misses, c.stats().hits), (3, 8), "3 measured + 1 skipped, twice, from the index");
        std::fs::write(dir.join("b.py"), "def g(x):\n    if x:\n        return 1\n    return 2\n").unwrap();
        std::fs::remove_file(dir.join("c.js")).unwrap();
        let changed = serde_json::to_string(&scan(&dir, None, &json, &|_, _, _| {})).unwrap();
        assert_eq!(changed, plain(&dir));
        assert_eq!((c.stats().misses, c.stats().hits), (4, 10));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&store);
    }

    /// Entries as serve's shared cache receives them (decoded and in the local cache), each the
    /// result of the Python `source` it is paired with, not of the file keyed to it: the numbers
    /// show where a file's result came from.
    fn received(c: &cache::Cache, entries: &[(&str, &str)], keys_by_path: HashMap<String, cache::KnownKey>) -> Option<Arc<cache::ReceivedEntries<FileMetrics>>> {
        let entries = entries.iter().map(|(key, source)| {
            let json = serde_json::to_string(&metrics::analyze_source(Language::Python, source.as_bytes())).unwrap();
            assert!(c.put_json(key, json.as_bytes()));
            (key.to_string(), metrics_entry(&json).unwrap())
        });
        Some(Arc::new(cache::ReceivedEntries::new(entries, keys_by_path)))
    }

    /// A file unchanged since the lookup hashed it is served its received entry by path, without
    /// being read (c.py: had it been read, its content would have found another entry); a second
    /// one with the same key (d.py) finds the entry in the cache. A file changed after the lookup
    /// (a.py) is read, and its new content has no entry, so it is measured.
    #[test]
    fn received_entries_serve_files_unchanged_since_the_lookup_without_reading_them() {
        let dir = temp_dir("received");
        for name in ["a.py", "b.py", "c.py", "d.py"] {
            std::fs::write(dir.join(name), "def f(x):\n    return x\n").unwrap();
        }
        let store = temp_dir("received-store");
        let c = Arc::new(cache::Cache::open(&store, "test").unwrap());
        c.set_racy_margin_ns(0); // the files were written just now; trust their signatures anyway
        let options = ScanOptions { cache: Some(c.clone()), ..Default::default() };

        let unserved = unserved_keys(&dir, None, &options);
        assert_eq!((unserved.keys.len(), unserved.keys_by_path.len()), (1, 4), "one content, four paths");
        let mut keys_by_path = unserved.keys_by_path;
        let other = c.key("other", b"");
        keys_by_path.get_mut("c.py").unwrap().key = other.clone();
        std::fs::write(dir.join("a.py"), "def h(x):\n    return 10\n").unwrap();
        let two = "def f(x):\n    return x\ndef g(y):\n    return y\n";
        let three = "def f():\n    pass\ndef g():\n    pass\ndef h():\n    pass\n";
        let served = ScanOptions { received: received(&c, &[(&unserved.keys[0], two), (&other, three)], keys_by_path), ..options.clone() };
        let r = scan(&dir, None, &served, &|_, _, _| {});
        let functions: Vec<(&str, u64)> = r.files.iter().map(|f| (f.path.as_str(), f.summary.functions)).collect();
        assert_eq!(functions, vec![("a.py", 1), ("b.py", 2), ("c.py", 3), ("d.py", 2)]);
        assert_eq!((c.stats().misses, c.stats().hits), (1, 3), "a.py measured; c.py and b.py or d.py from memory, the other from the cache");
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&store);
    }

    #[test]
    fn generated_and_minified_files_are_skipped_with_a_reason() {
        let dir = temp_dir("generated");
        std::fs::write(dir.join("a.js"), "function f(a) { return a || 1; }\n").unwrap();
        let minified = format!("function g(a){{return a&&2}}var x=[{}];\n", "1,".repeat(3000));
        std::fs::write(dir.join("b.min.js"), &minified).unwrap();
        std::fs::write(dir.join("c.js"), &minified).unwrap();
        let r = scan(&dir, None, &ScanOptions::default(), &|_, _, _| {});
        let paths: Vec<&str> = r.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, vec!["a.js"]);
        let mut reasons: Vec<(&str, &str)> = r.skipped.iter().map(|s| (s.path.as_str(), s.reason.as_str())).collect();
        reasons.sort();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons.iter().all(|(_, reason)| *reason == "generated" || *reason == "minified"), "{reasons:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn directories_roll_up_everything_below_them() {
        let dir = temp_dir("dirs");
        std::fs::create_dir_all(dir.join("a/b")).unwrap();
        std::fs::write(dir.join("top.py"), "def f(x):\n    return x or 1\n").unwrap();
        std::fs::write(dir.join("a/one.py"), "def g():\n    pass\n").unwrap();
        std::fs::write(dir.join("a/b/two.js"), "function h(a) { return a && a.b; }\n").unwrap();
        let r = scan(&dir, None, &ScanOptions::default(), &|_, _, _| {});
        let dirs: Vec<(&str, u64, u64)> = r.directories.iter().map(|d| (d.path.as_str(), d.totals.files, d.totals.functions)).collect();
        assert_eq!(dirs, vec![("", 3, 3), ("a", 2, 2), ("a/b", 1, 1)]);
        let root = &r.directories[0].totals.metrics;
        assert_eq!((root.cyclomatic.sum, root.cyclomatic.min, root.cyclomatic.max), (5.0, 1.0, 2.0));
        assert_eq!(r.totals.all.metrics.cyclomatic, root.cyclomatic);
        assert_eq!(r.totals.by_language["python"].metrics.functions, 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
