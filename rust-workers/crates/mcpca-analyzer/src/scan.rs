//! Directory scans: walk (honouring .gitignore, never following symlinks), classify each file
//! (too large / binary / unknown language), measure the rest in parallel, and total the results:
//! per language, per directory (each directory with everything below it) and for the whole scan.
//!
//! With a cache, a scan also keeps a [`cache::PathIndex`] of the tree: per path, the file's stat
//! signature and its finished result (the file's JSON and its roll-up numbers). A file whose
//! signature has not changed since the last scan is neither read nor hashed nor decoded; its JSON
//! goes to the output as stored. Other files go through the content-hash cache as before.
//!
//! [`summary`] is the fast path of `mcpca-analyzer summary`: line counts only, no parse, no
//! per-file results kept (each worker thread reads into one reused buffer and folds counts into
//! per-language totals).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use lang::Language;
use metrics::{FileMetrics, FileSummary, LineCounts, MetricStats};
use rayon::prelude::*;
use serde::{Serialize, Serializer};

/// Files larger than this are skipped (`--max-file-size`). 10 MiB: far above hand-written
/// source; generated bundles above it would dominate the run and say little about the code.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// A NUL byte within this many leading bytes marks a file as binary (the heuristic of git and
/// ripgrep, which look at the first 8 KiB).
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Totals over a set of files: cloc line counts, logical lines, function count and the roll-up
/// (sum/avg/min/max) of the function and class metrics.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LanguageTotals {
    pub files: u64,
    pub physical: u64,
    pub code: u64,
    pub comment: u64,
    pub blank: u64,
    pub logical: u64,
    pub functions: u64,
    pub metrics: MetricStats,
}

impl LanguageTotals {
    pub fn add(&mut self, m: &FileSummary) {
        self.files += 1;
        self.physical += m.lines.physical;
        self.code += m.lines.code;
        self.comment += m.lines.comment;
        self.blank += m.lines.blank;
        self.logical += m.lines.logical;
        self.functions += m.functions;
        self.metrics.merge(&m.totals);
    }

    pub fn merge(&mut self, o: &LanguageTotals) {
        self.files += o.files;
        self.physical += o.physical;
        self.code += o.code;
        self.comment += o.comment;
        self.blank += o.blank;
        self.logical += o.logical;
        self.functions += o.functions;
        self.metrics.merge(&o.metrics);
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    #[serde(flatten)]
    pub all: LanguageTotals,
    pub by_language: BTreeMap<String, LanguageTotals>,
}

/// Totals of one directory and everything below it (`path` relative like the files' paths;
/// `""` is the scanned directory itself).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryTotals {
    pub path: String,
    #[serde(flatten)]
    pub totals: LanguageTotals,
}

/// A measured file of a scan: its roll-up numbers and its metrics, either decoded or as the
/// finished compact JSON (from the scan index, or when [`ScanOptions::json_bodies`] is set).
/// Serializes as the file's [`FileMetrics`] either way.
#[derive(Debug, Clone)]
pub struct ScannedFile {
    pub path: String,
    pub summary: FileSummary,
    pub body: FileBody,
}

#[derive(Debug, Clone)]
pub enum FileBody {
    Metrics(FileMetrics),
    /// `serde_json::to_vec` of the file's [`FileMetrics`] (often a view into the mapped index).
    Json(cache::SharedBytes),
}

impl ScannedFile {
    /// The file's metrics (decoded from the JSON body if need be).
    pub fn metrics(&self) -> Result<std::borrow::Cow<'_, FileMetrics>, serde_json::Error> {
        match &self.body {
            FileBody::Metrics(m) => Ok(std::borrow::Cow::Borrowed(m)),
            FileBody::Json(b) => {
                let mut m: FileMetrics = serde_json::from_slice(b)?;
                m.restore_derived();
                Ok(std::borrow::Cow::Owned(m))
            }
        }
    }

    /// The compact JSON of the file, as `serde_json::to_vec(&metrics)` writes it.
    pub fn json(&self) -> Result<std::borrow::Cow<'_, [u8]>, serde_json::Error> {
        match &self.body {
            FileBody::Metrics(m) => serde_json::to_vec(m).map(std::borrow::Cow::Owned),
            FileBody::Json(b) => Ok(std::borrow::Cow::Borrowed(&b[..])),
        }
    }
}

impl Serialize for ScannedFile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.metrics().map_err(serde::ser::Error::custom)?.serialize(s)
    }
}

/// The `analyze-metrics` result.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryResult {
    pub root: String,
    pub files: Vec<ScannedFile>,
    pub totals: Totals,
    /// Every directory holding measured files, with its subdirectories rolled in, sorted by path.
    pub directories: Vec<DirectoryTotals>,
    pub skipped: Vec<Skipped>,
}

/// Roll-up per directory: each file counts for its directory and every ancestor up to the root.
pub fn directory_totals(files: &[ScannedFile]) -> Vec<DirectoryTotals> {
    let mut dirs: BTreeMap<&str, LanguageTotals> = BTreeMap::new();
    for f in files {
        let mut path = f.path.as_str();
        loop {
            path = match path.rfind('/') {
                Some(i) => &path[..i],
                None => "",
            };
            dirs.entry(path).or_default().add(&f.summary);
            if path.is_empty() {
                break;
            }
        }
    }
    dirs.into_iter().map(|(path, totals)| DirectoryTotals { path: path.to_string(), totals }).collect()
}

/// The cache salt's version of the per-file metrics; bump when `metrics::FileMetrics` changes
/// shape or meaning in a way the analyzer version (which changes with every build) would miss.
const METRICS_FORMAT: &str = "metrics-v1";

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

/// Outcome of looking at one file.
pub enum FileOutcome {
    Measured(FileMetrics),
    Skipped(String),
}

/// Reads one file and detects its language (`forced` wins over detection); `Err` is the reason
/// to skip it: a symlink, unreadable, too large, binary or of an unknown language.
pub(crate) fn read_source(path: &Path, max_file_bytes: u64, forced: Option<Language>) -> Result<(Vec<u8>, Language), String> {
    let size = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err("symlink".into()),
        Ok(meta) => meta.len(),
        Err(e) => return Err(format!("unreadable: {e}")),
    };
    if size > max_file_bytes {
        return Err("too large".into());
    }
    let mut source = Vec::with_capacity(size as usize);
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut source)) {
        return Err(format!("unreadable: {e}"));
    }
    if source[..source.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err("binary".into());
    }
    let Some(lang) = forced.or_else(|| Language::detect(path, &source[..source.len().min(256)])) else {
        return Err("unknown language".into());
    };
    Ok((source, lang))
}

/// Reads and classifies one file as [`measure_file`] does: `Err` is the reason to skip it (see
/// [`read_source`]; also generated or minified when `options.skip_generated`).
fn read_measurable(path: &Path, options: &ScanOptions, forced: Option<Language>) -> Result<(Vec<u8>, Language), String> {
    let (source, lang) = read_source(path, options.max_file_bytes, forced)?;
    if options.skip_generated {
        if let Some(reason) = lang::generated::skip_reason(path, &source) {
            return Err(reason.into());
        }
    }
    Ok((source, lang))
}

/// The content cache's salt for a file's metrics. Tsx and TypeScript share a name but not a
/// grammar, hence `{lang:?}`.
fn metrics_salt(lang: Language) -> String {
    format!("{METRICS_FORMAT}/{lang:?}")
}

/// Reads, classifies (too large, binary, unknown language, generated or minified) and measures
/// one file, through the cache when one is configured. `display` goes into the `path` field.
pub fn measure_file(path: &Path, display: String, options: &ScanOptions, forced: Option<Language>) -> FileOutcome {
    let (source, lang) = match read_measurable(path, options, forced) {
        Ok(found) => found,
        Err(reason) => return FileOutcome::Skipped(reason),
    };
    if options.parse_only {
        let mut m = metrics::parse_only(lang, &source);
        m.path = display;
        return FileOutcome::Measured(m);
    }
    let compute = || metrics::analyze_source(lang, &source);
    let mut m = match &options.cache {
        Some(c) => {
            let key = c.key(&metrics_salt(lang), &source);
            let (mut m, stored) = match options.received.as_ref().and_then(|r| r.take(&key)) {
                Some(received) => {
                    c.record_hits(1);
                    (received, true)
                }
                None => c.get_or_compute_keyed(&key, compute, options.collector.as_deref()),
            };
            if stored {
                m.restore_derived();
            }
            m
        }
        None => compute(),
    };
    m.path = display;
    FileOutcome::Measured(m)
}

/// The content key under which [`measure_file`] would look `path` up, if it would measure the file
/// through the cache and the cache has no entry for it yet (`None` without a cache, for a file
/// it would skip, or one the cache already holds).
pub fn unserved_key(path: &Path, options: &ScanOptions, forced: Option<Language>) -> Option<String> {
    let cache = options.cache.as_ref()?;
    let (source, lang) = read_measurable(path, options, forced).ok()?;
    let key = cache.key(&metrics_salt(lang), &source);
    (!cache.contains(&key)).then_some(key)
}

/// What [`unserved_keys`] found.
#[derive(Debug, Default)]
pub struct Unserved {
    /// The content keys a scan would look up and not find. Sorted, without duplicates.
    pub keys: Vec<String>,
    /// Those files' keys by display path, with the stat signature each file had before it was
    /// read, for the files whose signature is sure to change with their content (not racy): while
    /// it is unchanged, the scan finds a received entry without reading the file again
    /// ([`cache::ReceivedEntries::take_unchanged`]).
    pub keys_by_path: HashMap<String, cache::KnownKey>,
}

/// The content keys a [`scan`] of `root` would look up and not find: files neither served by the
/// scan index (unchanged signature) nor held by the content cache.
pub fn unserved_keys(root: &Path, relative_to: Option<&Path>, options: &ScanOptions) -> Unserved {
    let Some(cache) = &options.cache else { return Unserved::default() };
    let index = cache.load_index(&index_name(root, relative_to, options));
    let started_ns = cache::now_ns();
    let walked = walk(root, relative_to, &|_, _, _| {}, |path, display| {
        // Stat before reading: a change after this point changes the signature the scan sees.
        let sig = file_sig(path);
        if sig.as_ref().and_then(|sig| index.lookup(display, sig)).is_some() {
            return None;
        }
        let key = unserved_key(path, options, None)?;
        Some((sig.filter(|sig| !cache.is_racy(sig, started_ns)), key))
    });
    let mut keys = BTreeSet::new();
    let mut keys_by_path = HashMap::new();
    for (display, (sig, key)) in walked.outcomes.into_iter().flatten() {
        if let Some(sig) = sig {
            keys_by_path.insert(display, cache::KnownKey { sig, key: key.clone() });
        }
        keys.insert(key);
    }
    Unserved { keys: keys.into_iter().collect(), keys_by_path }
}

/// `json` decoded as a per-file metrics entry as [`measure_file`] stores it in the content cache
/// (an entry from elsewhere is used only if it decodes).
pub fn metrics_entry(json: &str) -> Option<FileMetrics> {
    serde_json::from_str(json).ok()
}

/// Lists the files under `root` (or `root` itself if it is a file): .gitignore/.ignore honoured
/// (also outside a git repository), hidden files skipped, symlinks never followed.
fn list_files(root: &Path, skipped: &mut Vec<(PathBuf, String)>) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let walker = ignore::WalkBuilder::new(root).follow_links(false).require_git(false).build();
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) => match entry.file_type() {
                Some(t) if t.is_file() => files.push(entry.into_path()),
                Some(t) if t.is_symlink() => skipped.push((entry.into_path(), "symlink".into())),
                _ => {}
            },
            Err(e) => skipped.push((root.to_path_buf(), format!("walk error: {e}"))),
        }
    }
    files.sort();
    files
}

/// The `root` (or a named file's `path`) a result reports: the path as given, or — with `relative_to` (serve's workspace
/// root) — relative to it (`.` for the root itself, `..` steps if outside it), so a result never
/// names a server path.
pub(crate) fn shown_root(root: &Path, relative_to: Option<&Path>) -> String {
    let Some(base) = relative_to else { return root.to_string_lossy().into_owned() };
    let (root_parts, base_parts): (Vec<_>, Vec<_>) = (root.components().collect(), base.components().collect());
    let common = root_parts.iter().zip(&base_parts).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..base_parts.len() {
        rel.push("..");
    }
    for part in &root_parts[common..] {
        rel.push(part);
    }
    if rel.as_os_str().is_empty() {
        ".".into()
    } else {
        rel.to_string_lossy().into_owned()
    }
}

fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().into_owned();
    if s.is_empty() {
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(s)
    } else {
        s
    }
}

/// A walk of `root` with one result per file: `skipped` holds what the walk itself skipped
/// (symlinks, walk errors), `outcomes` the per-file results in path order (`None` where the
/// per-file function gave none).
pub(crate) struct Walk<T> {
    pub skipped: Vec<(String, String)>,
    pub outcomes: Vec<Option<(String, T)>>,
}

/// Walks `root` (see `list_files`) and runs `per_file(path, display)` on every file on the
/// current rayon pool, `display` relative to `relative_to` when `root` lies below it, else to
/// `root` (its directory for a file). `progress(done, total, path)` is called from worker threads
/// about a hundred times per walk (and for the last file); a file for which `per_file` gives
/// `None` does not count as done.
pub(crate) fn walk<T: Send>(
    root: &Path,
    relative_to: Option<&Path>,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
    per_file: impl Fn(&Path, &str) -> Option<T> + Sync,
) -> Walk<T> {
    let mut walk_skips = Vec::new();
    let files = list_files(root, &mut walk_skips);
    let base: PathBuf = match relative_to {
        Some(b) if root.starts_with(b) => b.to_path_buf(),
        _ if root.is_file() => root.parent().map(Path::to_path_buf).unwrap_or_default(),
        _ => root.to_path_buf(),
    };
    let total = files.len() as u64;
    let step = (total / 100).max(1);
    let done = AtomicU64::new(0);
    let outcomes = files
        .par_iter()
        .map(|path| {
            let display = display_path(path, &base);
            let outcome = per_file(path, &display)?;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n % step == 0 || n == total {
                progress(n, total, &display);
            }
            Some((display, outcome))
        })
        .collect();
    let skipped = walk_skips.into_iter().map(|(p, reason)| (display_path(&p, &base), reason)).collect();
    Walk { skipped, outcomes }
}

/// Scans `root` on the current rayon pool. `progress(done, total, path)` is called from worker
/// threads about a hundred times per scan (and for the last file).
pub fn scan(
    root: &Path,
    relative_to: Option<&Path>,
    options: &ScanOptions,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
) -> DirectoryResult {
    let index_name = options.cache.as_ref().map(|_| index_name(root, relative_to, options));
    let index = match (&options.cache, &index_name) {
        (Some(c), Some(name)) => c.load_index(name),
        _ => cache::PathIndex::default(),
    };
    let next_index = cache::IndexWriter::new();
    let index_hits = AtomicU64::new(0);
    let walked = walk(root, relative_to, progress, |path, display| {
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
                result.totals.all.add(&file.summary);
                result.totals.by_language.entry(file.summary.language.to_string()).or_default().add(&file.summary);
                result.files.push(file);
            }
            Err(reason) => result.skipped.push(Skipped { path: display, reason }),
        }
    }
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

/// The scan index's name: everything a stored per-path result depends on besides the file and
/// the analyzer version (which names the cache directory).
fn index_name(root: &Path, relative_to: Option<&Path>, options: &ScanOptions) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()).to_string_lossy().into_owned();
    format!(
        "{METRICS_FORMAT}/scan\0{}\0{}\0{}\0{}",
        canonical(root),
        relative_to.map(canonical).unwrap_or_default(),
        options.max_file_bytes,
        options.skip_generated
    )
}

/// The stat signature the scan index keys a regular file by (`None` for a symlink or a file that
/// cannot be stat'ed, which the index never serves).
fn file_sig(path: &Path) -> Option<cache::FileSig> {
    std::fs::symlink_metadata(path).ok().filter(|meta| meta.file_type().is_file()).map(|meta| cache::FileSig::of(&meta))
}

/// Index payloads: a measured file (its [`FileSummary`] bytes, then its JSON) or a skip reason.
const PAYLOAD_MEASURED: u8 = 0;
const PAYLOAD_SKIPPED: u8 = 1;

/// One file of a scan: from the index when its signature is unchanged, else from the received
/// entries when its signature is unchanged since its key was computed, else measured (through the
/// received entries and the content cache); recorded for the next index either way.
fn scan_file(
    path: &Path,
    display: &str,
    options: &ScanOptions,
    index: &cache::PathIndex,
    next_index: &cache::IndexWriter,
    index_hits: &AtomicU64,
) -> Result<ScannedFile, String> {
    let sig = options.cache.as_ref().and_then(|_| file_sig(path));
    if let Some(payload) = sig.as_ref().and_then(|sig| index.lookup(display, sig)) {
        if let Some(found) = decode_payload(display, &payload, options.json_bodies) {
            index_hits.fetch_add(1, Ordering::Relaxed);
            next_index.add(display.to_string(), sig.expect("looked up by signature"), payload);
            return found;
        }
    }
    let outcome = match sig.as_ref().and_then(|sig| received_unchanged(display, sig, options)) {
        Some(m) => FileOutcome::Measured(m),
        None => measure_file(path, display.to_string(), options, None),
    };
    let (found, payload) = match outcome {
        FileOutcome::Measured(m) => {
            let summary = FileSummary::of(&m);
            let needs_json = options.json_bodies || sig.is_some();
            // The payload's tail is the JSON body: one buffer serves both.
            let mut payload = vec![PAYLOAD_MEASURED];
            summary.write_to(&mut payload);
            let json_at = payload.len();
            let json = needs_json && serde_json::to_writer(&mut payload, &m).is_ok();
            let payload = json.then(|| cache::SharedBytes::new(payload));
            let body = match &payload {
                Some(p) if options.json_bodies => FileBody::Json(p.from_offset(json_at)),
                _ => FileBody::Metrics(m),
            };
            let payload = payload.filter(|_| sig.is_some());
            (Ok(ScannedFile { path: display.to_string(), summary, body }), payload)
        }
        FileOutcome::Skipped(reason) => {
            // Unreadable files are not remembered: the next scan tries again.
            let payload = (!reason.starts_with("unreadable")).then(|| cache::SharedBytes::new([&[PAYLOAD_SKIPPED][..], reason.as_bytes()].concat()));
            (Err(reason), payload)
        }
    };
    if let (Some(sig), Some(payload)) = (sig, payload) {
        next_index.add(display.to_string(), sig, payload);
    }
    found
}

/// The received entry of a file whose signature is still the one it had when its key was computed
/// (so neither read nor hashed again), completed as [`measure_file`] completes a cached one.
fn received_unchanged(display: &str, sig: &cache::FileSig, options: &ScanOptions) -> Option<FileMetrics> {
    let mut m = options.received.as_ref()?.take_unchanged(display, sig)?;
    if let Some(c) = &options.cache {
        c.record_hits(1);
    }
    m.restore_derived();
    m.path = display.to_string();
    Some(m)
}

fn decode_payload(display: &str, payload: &cache::SharedBytes, json_bodies: bool) -> Option<Result<ScannedFile, String>> {
    match *payload.first()? {
        PAYLOAD_MEASURED => {
            let (summary, used) = FileSummary::read_from(&payload[1..])?;
            let json = payload.from_offset(1 + used);
            let body = if json_bodies {
                FileBody::Json(json)
            } else {
                let mut m: FileMetrics = serde_json::from_slice(&json).ok()?;
                m.restore_derived();
                FileBody::Metrics(m)
            };
            Some(Ok(ScannedFile { path: display.to_string(), summary, body }))
        }
        PAYLOAD_SKIPPED => Some(Err(std::str::from_utf8(&payload[1..]).ok()?.to_string())),
        _ => None,
    }
}

/// Line counts of one language in a summary.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct SummaryTotals {
    pub files: u64,
    pub bytes: u64,
    pub physical: u64,
    pub code: u64,
    pub comment: u64,
    pub blank: u64,
}

impl SummaryTotals {
    fn add(&mut self, bytes: u64, c: &LineCounts) {
        self.files += 1;
        self.bytes += bytes;
        self.physical += c.physical;
        self.code += c.code;
        self.comment += c.comment;
        self.blank += c.blank;
    }

    fn merge(&mut self, o: &SummaryTotals) {
        self.files += o.files;
        self.bytes += o.bytes;
        self.physical += o.physical;
        self.code += o.code;
        self.comment += o.comment;
        self.blank += o.blank;
    }
}

/// The `summary` result: line counts per language, skipped files counted by reason.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryResult {
    pub roots: Vec<String>,
    #[serde(flatten)]
    pub all: SummaryTotals,
    pub by_language: BTreeMap<&'static str, SummaryTotals>,
    pub skipped: BTreeMap<&'static str, u64>,
}

#[derive(Default)]
struct SummaryAcc {
    by_language: Vec<(&'static str, SummaryTotals)>,
    skipped: Vec<(&'static str, u64)>,
}

impl SummaryAcc {
    fn language(&mut self, name: &'static str) -> &mut SummaryTotals {
        let i = match self.by_language.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                self.by_language.push((name, SummaryTotals::default()));
                self.by_language.len() - 1
            }
        };
        &mut self.by_language[i].1
    }

    fn skip(&mut self, reason: &'static str) {
        match self.skipped.iter_mut().find(|(r, _)| *r == reason) {
            Some(e) => e.1 += 1,
            None => self.skipped.push((reason, 1)),
        }
    }

    fn merge(mut self, other: SummaryAcc) -> SummaryAcc {
        for (name, t) in other.by_language {
            self.language(name).merge(&t);
        }
        for (reason, n) in other.skipped {
            for _ in 0..n {
                self.skip(reason);
            }
        }
        self
    }
}

thread_local! {
    /// One read buffer per worker thread, reused across files.
    static READ_BUFFER: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(1 << 20));
}

fn summarize_file(path: &Path, options: &ScanOptions, acc: &mut SummaryAcc) {
    READ_BUFFER.with(|cell| {
        let mut buf = cell.borrow_mut();
        buf.clear();
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(_) => return acc.skip("unreadable"),
        };
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size > options.max_file_bytes {
            return acc.skip("too large");
        }
        if (&file).take(options.max_file_bytes + 1).read_to_end(&mut buf).is_err() {
            return acc.skip("unreadable");
        }
        if buf[..buf.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
            return acc.skip("binary");
        }
        let Some(lang) = Language::detect(path, &buf[..buf.len().min(256)]) else {
            return acc.skip("unknown language");
        };
        let counts = metrics::count_lines_for(lang, &buf);
        acc.language(lang.name()).add(buf.len() as u64, &counts);
    })
}

/// Line counts per language for `roots` (files or directories), on the current rayon pool.
pub fn summary(roots: &[PathBuf], options: &ScanOptions) -> SummaryResult {
    let mut walk_skips = Vec::new();
    let mut files = Vec::new();
    for root in roots {
        files.extend(list_files(root, &mut walk_skips));
    }
    let acc = files
        .par_iter()
        .fold(SummaryAcc::default, |mut acc, path| {
            summarize_file(path, options, &mut acc);
            acc
        })
        .reduce(SummaryAcc::default, SummaryAcc::merge);
    let mut result = SummaryResult { roots: roots.iter().map(|r| r.to_string_lossy().into_owned()).collect(), ..Default::default() };
    for (name, t) in acc.by_language {
        result.all.merge(&t);
        result.by_language.insert(name, t);
    }
    for (reason, n) in acc.skipped {
        *result.skipped.entry(reason).or_default() += n;
    }
    for (_, reason) in walk_skips {
        let reason = if reason == "symlink" { "symlink" } else { "walk error" };
        *result.skipped.entry(reason).or_default() += 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn summary_counts_lines_per_language_without_parsing() {
        let dir = temp_dir("summary");
        std::fs::write(dir.join("a.py"), "# c\nx = 1\n\n").unwrap();
        std::fs::write(dir.join("b.py"), "y = 2\n").unwrap();
        std::fs::write(dir.join("c.bin"), b"\0\0").unwrap();
        std::fs::write(dir.join("big.py"), "z = 3\n".repeat(100)).unwrap();
        let r = summary(&[dir.clone()], &ScanOptions { max_file_bytes: 100, ..Default::default() });
        let py = &r.by_language["python"];
        assert_eq!((py.files, py.code, py.comment, py.blank, py.physical), (2, 2, 1, 1, 4));
        assert_eq!(r.all.files, 2);
        assert_eq!(r.skipped.get("too large"), Some(&1));
        assert_eq!(r.skipped.get("binary").or(r.skipped.get("unknown language")), Some(&1));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
