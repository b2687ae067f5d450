//! `cache`: per-file analysis results on disk, keyed by the BLAKE3 hash of the file's bytes, the
//! analyzer version and a caller's salt (tool and language), so an unchanged file is never
//! parsed twice and a changed analyzer never reads an old result.
//!
//! The analysis function is wrapped, not changed:
//! ```ignore
//! let (metrics, hit) = cache.get_or_compute("metrics/java", &bytes, || metrics::analyze_source(lang, &bytes));
//! ```
//!
//! Layout: `<dir>/<version-id>/<2 hex>/<62 hex>.json`, one JSON document per entry. Entries are
//! written to a temporary file and renamed into place, so concurrent writers (rayon threads,
//! several analyzer processes sharing the directory) never expose a half-written entry; the
//! last writer wins with an identical result. A corrupt or unreadable entry is a miss. Nothing
//! is evicted here: the directory is a cache (`rm -rf` is always safe), and the version directory
//! changes whenever the analyzer does, so old versions can be removed as a whole
//! ([`Cache::prune_other_versions`]).
//!
//! Beside the entries, a [`PathIndex`] per scanned tree (`<dir>/<version-id>/index/`) maps each
//! path to its stat signature and the caller's finished result, so a scan of an unchanged tree
//! reads neither the files nor the entries (see `index.rs`).
//!
//! Sharing across machines: an [`EntryCollector`] passed to [`Cache::get_or_compute_keyed`]
//! receives the exact bytes of every entry computed, so a caller can hand them to another
//! machine, which stores them with [`Cache::put_json`] and gets a byte-identical entry. The
//! receiving machine's scan is served from memory meanwhile ([`ReceivedEntries`]).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::de::DeserializeOwned;
use serde::Serialize;

mod index;
mod received;
pub use index::{now_ns, FileSig, IndexWriter, PathIndex, SharedBytes, RACY_MARGIN_NS};
pub use received::{KnownKey, ReceivedEntries};

/// Errors of this crate (only opening the directory can fail; reads and writes degrade to misses).
#[derive(Debug)]
pub enum Error {
    CreateDir(PathBuf, std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::CreateDir(p, e) => write!(f, "cannot create cache directory {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for Error {}

/// Hit and miss counters since the cache was opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub write_errors: u64,
}

/// The entries computed (cache misses) by the lookups it was passed to, as the JSON bytes the
/// cache stored, by key. Opt-in per call rather than a switch on [`Cache`]: a cache is shared by
/// requests that may overlap (a timed-out request's scan still runs), and each must collect
/// only its own entries.
#[derive(Debug, Default)]
pub struct EntryCollector {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl EntryCollector {
    pub fn new() -> Self {
        Self::default()
    }

    fn record(&self, key: &str, json: &[u8]) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).insert(key.to_string(), json.to_vec());
    }

    /// Everything collected so far (one entry per key, however often it was computed), leaving
    /// the collector empty.
    pub fn take(&self) -> BTreeMap<String, Vec<u8>> {
        std::mem::take(&mut *self.entries.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Whether `key` has the shape of [`Cache::key`]'s output (64 lowercase hex digits). Keys that
/// arrive from outside are checked with this before they become file names.
pub fn is_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// An open cache directory for one analyzer version.
pub struct Cache {
    root: PathBuf,
    dir: PathBuf,
    version: String,
    hits: AtomicU64,
    misses: AtomicU64,
    write_errors: AtomicU64,
    /// See [`Cache::set_racy_margin_ns`].
    racy_margin_ns: AtomicU64,
}

impl Cache {
    /// Opens (creating) `<root>/<id of version>`. `version` should change whenever results could:
    /// the analyzer passes its crate version plus a hash of its own executable.
    pub fn open(root: &Path, version: &str) -> Result<Cache, Error> {
        let id = blake3::hash(version.as_bytes()).to_hex();
        let dir = root.join(&id.as_str()[..16]);
        std::fs::create_dir_all(&dir).map_err(|e| Error::CreateDir(dir.clone(), e))?;
        Ok(Cache {
            root: root.to_path_buf(),
            dir,
            version: version.to_string(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            write_errors: AtomicU64::new(0),
            racy_margin_ns: AtomicU64::new(RACY_MARGIN_NS),
        })
    }

    /// The default location: `$XDG_CACHE_HOME/mcpca`, else `~/.cache/mcpca`, else a temp dir.
    pub fn default_dir() -> PathBuf {
        if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(x).join("mcpca");
        }
        if let Some(h) = std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            return PathBuf::from(h).join(".cache").join("mcpca");
        }
        std::env::temp_dir().join("mcpca-cache")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// The key of `content` under `salt` (tool and language: the same bytes analysed as another
    /// language, or by another tool, is another entry).
    pub fn key(&self, salt: &str, content: &[u8]) -> String {
        let mut h = blake3::Hasher::new();
        h.update(&(salt.len() as u64).to_le_bytes());
        h.update(salt.as_bytes());
        h.update(content);
        h.finalize().to_hex().to_string()
    }

    fn path_of(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{}.json", &key[2..]))
    }

    /// Whether an entry for `key` exists (it may still turn out unreadable: then it is a miss).
    pub fn contains(&self, key: &str) -> bool {
        self.path_of(key).is_file()
    }

    /// The cached value, if present and readable.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let bytes = std::fs::read(self.path_of(key)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Stores `value` (best effort: a full disk or a read-only directory only costs speed).
    pub fn put<T: Serialize>(&self, key: &str, value: &T) {
        self.store(key, value);
    }

    /// [`Cache::put`], returning the JSON bytes it stored (`None` if `value` does not serialize).
    fn store<T: Serialize>(&self, key: &str, value: &T) -> Option<Vec<u8>> {
        let Ok(bytes) = serde_json::to_vec(value) else {
            self.write_errors.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.write_entry(key, &bytes);
        Some(bytes)
    }

    /// Stores an entry given as its JSON, e.g. one another machine's cache computed (its
    /// [`EntryCollector`] bytes). The caller checks that `json` is what the salt's readers expect;
    /// here only the key is checked, since it becomes a file name. Returns whether it was written.
    pub fn put_json(&self, key: &str, json: &[u8]) -> bool {
        is_key(key) && self.write_entry(key, json)
    }

    /// Writes an entry to a temporary file and renames it into place; counts a failure.
    fn write_entry(&self, key: &str, bytes: &[u8]) -> bool {
        let path = self.path_of(key);
        let ok = (|| -> std::io::Result<()> {
            let parent = path.parent().expect("entry has a parent");
            std::fs::create_dir_all(parent)?;
            static SEQ: AtomicU64 = AtomicU64::new(0);
            let tmp = parent.join(format!(".tmp-{}-{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed)));
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path).inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
        })();
        if ok.is_err() {
            self.write_errors.fetch_add(1, Ordering::Relaxed);
        }
        ok.is_ok()
    }

    /// The cached result for (`salt`, `content`), or `compute()`'s, stored for next time.
    /// Returns the value and whether it came from the cache.
    pub fn get_or_compute<T, F>(&self, salt: &str, content: &[u8], compute: F) -> (T, bool)
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> T,
    {
        self.get_or_compute_keyed(&self.key(salt, content), compute, None)
    }

    /// [`Cache::get_or_compute`] for a key the caller computed with [`Cache::key`]; also hands a
    /// computed entry's stored JSON to `collector`.
    pub fn get_or_compute_keyed<T, F>(&self, key: &str, compute: F, collector: Option<&EntryCollector>) -> (T, bool)
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> T,
    {
        if let Some(v) = self.get(key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return (v, true);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let v = compute();
        if let (Some(bytes), Some(c)) = (self.store(key, &v), collector) {
            c.record(key, &bytes);
        }
        (v, false)
    }

    /// The index stored under `name` (a scan's identity: tool, root, options), empty if there is
    /// none or it is unreadable.
    pub fn load_index(&self, name: &str) -> PathIndex {
        PathIndex::read(&index::file_of(&self.dir, name))
    }

    /// Replaces the index stored under `name` (best effort, like [`Cache::put`]).
    pub fn store_index(&self, name: &str, writer: IndexWriter) {
        let margin = self.racy_margin_ns.load(Ordering::Relaxed);
        if writer.write(&index::file_of(&self.dir, name), margin).is_err() {
            self.write_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// How close to a scan's start a file's ctime may be for its index entry to be trusted
    /// ([`RACY_MARGIN_NS`] unless changed; tests that write files and scan at once set 0).
    pub fn set_racy_margin_ns(&self, ns: u64) {
        self.racy_margin_ns.store(ns, Ordering::Relaxed);
    }

    /// Whether a file with signature `sig`, looked at by a scan or listing that started at
    /// `started_ns` ([`now_ns`]), may change later without its signature changing (the scan
    /// index's racy entries, with this cache's margin).
    pub fn is_racy(&self, sig: &FileSig, started_ns: u64) -> bool {
        sig.is_racy(started_ns, self.racy_margin_ns.load(Ordering::Relaxed))
    }

    /// Counts hits served by an index or from memory (they bypass [`Cache::get_or_compute`]).
    pub fn record_hits(&self, n: u64) {
        self.hits.fetch_add(n, Ordering::Relaxed);
    }

    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            write_errors: self.write_errors.load(Ordering::Relaxed),
        }
    }

    /// Removes the directories of other analyzer versions under the same root.
    pub fn prune_other_versions(&self) -> std::io::Result<usize> {
        let mut removed = 0;
        let mine = self.dir.file_name().map(|n| n.to_os_string());
        for entry in std::fs::read_dir(&self.root)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() && Some(entry.file_name()) != mine {
                std::fs::remove_dir_all(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An empty scratch directory for one test (unique per test name and process).
    pub(crate) fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("mcpca-cache-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn second_lookup_is_a_hit_and_does_not_compute() {
        let root = temp("hit");
        let c = Cache::open(&root, "1.0").unwrap();
        let (v, hit) = c.get_or_compute("t/java", b"class A {}", || vec![1u32, 2]);
        assert_eq!((v, hit), (vec![1, 2], false));
        let (v, hit) = c.get_or_compute("t/java", b"class A {}", || -> Vec<u32> { panic!("must not recompute") });
        assert_eq!((v, hit), (vec![1, 2], true));
        assert_eq!(c.stats(), CacheStats { hits: 1, misses: 1, write_errors: 0 });
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn content_salt_and_version_each_change_the_key() {
        let root = temp("keys");
        let c = Cache::open(&root, "1.0").unwrap();
        c.get_or_compute("t/java", b"a", || 1u32);
        assert_eq!(c.get_or_compute("t/java", b"b", || 2u32), (2, false));
        assert_eq!(c.get_or_compute("t/kotlin", b"a", || 3u32), (3, false));
        let c2 = Cache::open(&root, "2.0").unwrap();
        assert_eq!(c2.get_or_compute("t/java", b"a", || 4u32), (4, false));
        assert_eq!(c2.prune_other_versions().unwrap(), 1);
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The collector must see exactly the bytes the cache stored (another machine writes them
    /// with `put_json` and must end up with an identical entry), and only misses.
    #[test]
    fn collected_entries_are_the_stored_bytes_and_only_misses() {
        let root = temp("collect");
        let c = Cache::open(&root, "1.0").unwrap();
        c.get_or_compute("t/java", b"old", || vec![7u32]);
        let collector = EntryCollector::new();
        c.get_or_compute_keyed(&c.key("t/java", b"old"), || vec![8u32], Some(&collector));
        c.get_or_compute_keyed(&c.key("t/java", b"new"), || vec![1u32, 2], Some(&collector));
        let key = c.key("t/java", b"new");
        let collected = collector.take();
        assert_eq!(collected.keys().collect::<Vec<_>>(), vec![&key]);
        assert_eq!(collected[&key], std::fs::read(c.path_of(&key)).unwrap());
        assert!(collector.take().is_empty());

        let other = Cache::open(&temp("collect-other"), "1.0").unwrap();
        assert!(!other.contains(&key));
        assert!(other.put_json(&key, &collected[&key]));
        assert_eq!(std::fs::read(other.path_of(&key)).unwrap(), collected[&key]);
        assert_eq!(other.get_or_compute("t/java", b"new", || -> Vec<u32> { panic!("must be a hit") }), (vec![1, 2], true));
        let _ = std::fs::remove_dir_all(&root);
        let _ = std::fs::remove_dir_all(other.root.clone());
    }

    #[test]
    fn put_json_refuses_keys_that_are_not_hex_digests() {
        let root = temp("put-json");
        let c = Cache::open(&root, "1.0").unwrap();
        assert!(!c.put_json("../../escape", b"1"));
        assert!(!c.put_json(&"A".repeat(64), b"1"));
        assert!(c.put_json(&c.key("s", b"x"), b"1"));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn corrupt_entries_are_misses() {
        let root = temp("corrupt");
        let c = Cache::open(&root, "1.0").unwrap();
        let key = c.key("s", b"x");
        c.put(&key, &5u32);
        std::fs::write(c.path_of(&key), b"{not json").unwrap();
        assert_eq!(c.get_or_compute("s", b"x", || 6u32), (6, false));
        let _ = std::fs::remove_dir_all(&root);
    }
}
