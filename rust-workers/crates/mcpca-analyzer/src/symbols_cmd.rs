//! `symbols` and `search-symbols`: walk a tree (honouring .gitignore, never following symlinks,
//! skipping large, binary, generated and minified files with a reason), outline every file with
//! a grammar in parallel — through the on-disk cache when one is configured — and answer the
//! outlines or a ranked name search over them.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use lang::Language;
use serde::Serialize;
use symbols::{FileSymbols, SymbolIndex};

/// The cache salt's version of the outline format; bump when `symbols::Symbol` changes shape.
const OUTLINE_FORMAT: &str = "symbols-1";

/// Options shared by the CLI and serve.
pub struct SymbolOptions<'a> {
    pub max_file_bytes: u64,
    pub cache: Option<&'a cache::Cache>,
    /// Stop early (the caller answers DEADLINE_EXCEEDED) once this passes or `cancelled` is set.
    pub deadline: Option<Instant>,
    pub cancelled: Option<&'a AtomicBool>,
}

impl SymbolOptions<'_> {
    /// The deadline passed or the request was cancelled.
    pub fn expired(&self) -> bool {
        self.deadline.map(|d| Instant::now() >= d).unwrap_or(false) || self.cancelled.map(|c| c.load(Ordering::Relaxed)).unwrap_or(false)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// The `symbols` result for a directory (a single file gives one entry in `files`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SymbolsResult {
    pub root: String,
    pub files: Vec<FileSymbols>,
    pub total_symbols: usize,
    pub skipped: Vec<SkippedFile>,
}

/// The analysis ran past its deadline or was cancelled.
#[derive(Debug)]
pub struct DeadlineExceeded;

enum Outcome {
    Outlined(FileSymbols),
    Skipped(String),
}

fn outline_file(path: &Path, shown: String, options: &SymbolOptions<'_>) -> Outcome {
    let (source, lang) = match crate::scan::read_source(path, options.max_file_bytes, None) {
        Ok(found) => found,
        Err(reason) => return Outcome::Skipped(reason),
    };
    if !lang.has_grammar() {
        return Outcome::Skipped("no grammar".into());
    }
    if let Some(reason) = lang::generated::skip_reason(path, &source) {
        return Outcome::Skipped(reason.into());
    }
    let compute = || symbols::outline(lang, &source);
    let list = match options.cache {
        Some(c) => c.get_or_compute(&format!("{OUTLINE_FORMAT}/{}", lang_key(lang)), &source, compute).0,
        None => compute(),
    };
    Outcome::Outlined(FileSymbols { path: shown, language: lang.name().to_string(), symbols: list })
}

/// Tsx and TypeScript share a wire name but not a grammar: the cache key must tell them apart.
fn lang_key(lang: Language) -> String {
    format!("{lang:?}")
}

/// Outlines every file under `root`.
pub fn collect(
    root: &Path,
    relative_to: Option<&Path>,
    options: &SymbolOptions<'_>,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
) -> Result<SymbolsResult, DeadlineExceeded> {
    let expired = || options.expired();
    let walked = crate::scan::walk(root, relative_to, progress, |path, shown| {
        if expired() {
            return None;
        }
        Some(outline_file(path, shown.to_string(), options))
    });
    if expired() || walked.outcomes.iter().any(Option::is_none) {
        return Err(DeadlineExceeded);
    }
    let mut result = SymbolsResult {
        root: crate::scan::shown_root(root, relative_to),
        files: Vec::new(),
        total_symbols: 0,
        skipped: walked.skipped.into_iter().map(|(path, reason)| SkippedFile { path, reason }).collect(),
    };
    for (shown, outcome) in walked.outcomes.into_iter().flatten() {
        match outcome {
            Outcome::Outlined(f) => {
                result.total_symbols += f.symbols.len();
                result.files.push(f);
            }
            Outcome::Skipped(reason) => result.skipped.push(SkippedFile { path: shown, reason }),
        }
    }
    Ok(result)
}

/// The `search-symbols` result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub root: String,
    pub files: usize,
    pub symbols: usize,
    #[serde(flatten)]
    pub search: symbols::SearchResult,
}

/// Outlines `root` and searches the index for `query`; paths (and `root`) relative to
/// `relative_to` when given, as in [`collect`].
pub fn search(
    root: &Path,
    relative_to: Option<&Path>,
    query: &str,
    limit: usize,
    options: &SymbolOptions<'_>,
) -> Result<SearchResult, DeadlineExceeded> {
    let result = collect(root, relative_to, options, &|_, _, _| {})?;
    let files = result.files.len();
    let mut index = SymbolIndex::new();
    for f in result.files {
        index.add(f);
    }
    Ok(SearchResult { root: result.root, files, symbols: index.len(), search: index.search(query, limit) })
}

/// The analyzer version for cache keys: the crate version plus a hash of this executable, so a
/// rebuilt analyzer never reads results of an older build.
pub fn analyzer_version() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| std::fs::read(p).ok()).unwrap_or_default();
    // BLAKE3 (SIMD) rather than a byte-at-a-time hash: this runs once per `metrics --cache-dir`
    // and a warm run over a large tree takes well under a second, so the 10 MB binary showed.
    let h = blake3::hash(&exe).to_hex();
    format!("{}-{}", env!("CARGO_PKG_VERSION"), &h.as_str()[..16])
}

/// [`analyzer_version`], remembered in `cache_root` per executable signature (path, device,
/// inode, size, mtime, ctime): hashing the 35 MB executable was a third of a warm `metrics` run.
/// Any rebuild or copy changes the signature. Like the scan index, a signature younger than
/// [`cache::RACY_MARGIN_NS`] is not remembered (the file could still change within its tick).
pub fn analyzer_version_in(cache_root: &std::path::Path) -> String {
    let Some((exe, meta)) = std::env::current_exe().ok().and_then(|p| std::fs::metadata(&p).ok().map(|m| (p, m))) else {
        return analyzer_version();
    };
    let sig = cache::FileSig::of(&meta);
    let mut h = blake3::Hasher::new();
    h.update(exe.as_os_str().as_encoded_bytes());
    for v in [sig.dev, sig.ino, sig.size, sig.mtime_ns, sig.ctime_ns] {
        h.update(&v.to_le_bytes());
    }
    let id_file = cache_root.join(format!("exe-{}.id", &h.finalize().to_hex().as_str()[..32]));
    let prefix = concat!(env!("CARGO_PKG_VERSION"), "-");
    if let Ok(v) = std::fs::read_to_string(&id_file) {
        if v.starts_with(prefix) && v.len() == prefix.len() + 16 {
            return v;
        }
    }
    let version = analyzer_version();
    let now_ns = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    if sig.ctime_ns.max(sig.mtime_ns) < now_ns.saturating_sub(cache::RACY_MARGIN_NS) {
        let tmp = cache_root.join(format!(".tmp-exe-{}", std::process::id()));
        if std::fs::create_dir_all(cache_root).and_then(|_| std::fs::write(&tmp, &version)).and_then(|_| std::fs::rename(&tmp, &id_file)).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    version
}

/// Table output for the CLI: one line per symbol, indented by nesting.
pub fn write_table(out: &mut impl std::io::Write, result: &SymbolsResult) -> std::io::Result<()> {
    for f in &result.files {
        writeln!(out, "{} ({})", f.path, f.language)?;
        for s in &f.symbols {
            let depth = s.parent.as_deref().map(|p| p.matches('.').count() + 1).unwrap_or(0);
            writeln!(out, "  {:>5}-{:<5} {}{:<11} {:<9} {}", s.start_line, s.end_line, "  ".repeat(depth), s.kind, s.visibility, s.signature)?;
        }
    }
    writeln!(out, "{} files, {} symbols, {} skipped", result.files.len(), result.total_symbols, result.skipped.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn temp(name: &str) -> PathBuf {
        crate::test_dirs::empty("symbols", name)
    }

    fn options<'a>(c: Option<&'a cache::Cache>) -> SymbolOptions<'a> {
        SymbolOptions { max_file_bytes: 1 << 20, cache: c, deadline: None, cancelled: None }
    }

    #[test]
    fn skips_generated_minified_symlinked_and_outlines_the_rest() {
        let dir = temp("skips");
        std::fs::write(dir.join("A.java"), "class A { void f() {} }\n").unwrap();
        std::fs::write(dir.join("gen.go"), "// Code generated by x. DO NOT EDIT.\npackage p\nfunc F() {}\n").unwrap();
        std::fs::write(dir.join("lib.min.js"), "function a(){}").unwrap();
        std::fs::write(dir.join("m.pl"), "sub f {}\n").unwrap();
        let outside = temp("outside");
        std::fs::write(outside.join("Secret.java"), "class Secret {}\n").unwrap();
        std::os::unix::fs::symlink(&outside, dir.join("escape")).unwrap();
        let r = collect(&dir, None, &options(None), &|_, _, _| {}).unwrap();
        assert_eq!(r.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(), vec!["A.java"]);
        assert_eq!(r.total_symbols, 2);
        let mut skipped: Vec<(String, String)> = r.skipped.iter().map(|s| (s.path.clone(), s.reason.clone())).collect();
        skipped.sort();
        assert_eq!(
            skipped,
            vec![
                ("escape".into(), "symlink".into()),
                ("gen.go".into(), "generated".into()),
                ("lib.min.js".into(), "minified".into()),
                ("m.pl".into(), "no grammar".into()),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&outside);
    }

    #[test]
    fn warm_run_reads_the_cache_and_gives_the_same_outline() {
        let dir = temp("cache");
        std::fs::write(dir.join("a.py"), "def f():\n    pass\n").unwrap();
        std::fs::write(dir.join("b.rs"), "struct S;\nimpl S { fn m(&self) {} }\n").unwrap();
        let cache_dir = temp("cache-store");
        let c = cache::Cache::open(&cache_dir, "test").unwrap();
        let cold = collect(&dir, None, &options(Some(&c)), &|_, _, _| {}).unwrap();
        assert_eq!((c.stats().hits, c.stats().misses), (0, 2));
        let warm = collect(&dir, None, &options(Some(&c)), &|_, _, _| {}).unwrap();
        assert_eq!((c.stats().hits, c.stats().misses), (2, 2));
        assert_eq!(serde_json::to_value(&cold.files).unwrap(), serde_json::to_value(&warm.files).unwrap());
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&cache_dir);
    }

    #[test]
    fn an_expired_deadline_stops_the_walk() {
        let dir = temp("deadline");
        std::fs::write(dir.join("a.py"), "def f(): pass\n").unwrap();
        let mut o = options(None);
        o.deadline = Some(Instant::now());
        assert!(collect(&dir, None, &o, &|_, _, _| {}).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn search_ranks_across_files() {
        let dir = temp("search");
        std::fs::write(dir.join("a.py"), "def load_config(): pass\n").unwrap();
        std::fs::write(dir.join("B.java"), "class Config { void load() {} }\n").unwrap();
        let r = search(&dir, None, "config", 10, &options(None)).unwrap();
        let names: Vec<&str> = r.search.matches.iter().map(|m| m.symbol.name.as_str()).collect();
        assert_eq!(names, vec!["Config", "load_config"]);
        assert_eq!((r.files, r.symbols), (2, 3));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
