//! Directory scans: walk (honouring .gitignore, never following symlinks), classify each file
//! (too large / binary / unknown language), measure the rest in parallel, and total the results.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use lang::Language;
use metrics::FileMetrics;
use rayon::prelude::*;
use serde::Serialize;

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

#[derive(Debug, Clone, Default, Serialize)]
pub struct LanguageTotals {
    pub files: u64,
    pub physical: u64,
    pub code: u64,
    pub comment: u64,
    pub blank: u64,
    pub functions: u64,
}

impl LanguageTotals {
    fn add(&mut self, m: &FileMetrics) {
        self.files += 1;
        self.physical += m.lines.physical;
        self.code += m.lines.code;
        self.comment += m.lines.comment;
        self.blank += m.lines.blank;
        self.functions += m.functions.len() as u64;
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    #[serde(flatten)]
    pub all: LanguageTotals,
    pub by_language: BTreeMap<String, LanguageTotals>,
}

/// The `analyze-metrics` result.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryResult {
    pub root: String,
    pub files: Vec<FileMetrics>,
    pub totals: Totals,
    pub skipped: Vec<Skipped>,
}

/// Options of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub max_file_bytes: u64,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions { max_file_bytes: DEFAULT_MAX_FILE_BYTES }
    }
}

/// Outcome of looking at one file.
pub enum FileOutcome {
    Measured(FileMetrics),
    Skipped(String),
}

/// Reads, classifies and measures one file. `display` goes into the `path` field.
pub fn measure_file(path: &Path, display: String, options: &ScanOptions, forced: Option<Language>) -> FileOutcome {
    let size = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return FileOutcome::Skipped("symlink".into()),
        Ok(meta) => meta.len(),
        Err(e) => return FileOutcome::Skipped(format!("unreadable: {e}")),
    };
    if size > options.max_file_bytes {
        return FileOutcome::Skipped("too large".into());
    }
    let mut source = Vec::with_capacity(size as usize);
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut source)) {
        return FileOutcome::Skipped(format!("unreadable: {e}"));
    }
    if source[..source.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return FileOutcome::Skipped("binary".into());
    }
    let Some(lang) = forced.or_else(|| Language::detect(path, &source[..source.len().min(256)])) else {
        return FileOutcome::Skipped("unknown language".into());
    };
    let mut m = metrics::analyze_source(lang, &source);
    m.path = display;
    FileOutcome::Measured(m)
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

fn display_path(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().into_owned();
    if s.is_empty() {
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(s)
    } else {
        s
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
    let outcomes: Vec<(String, FileOutcome)> = files
        .par_iter()
        .map(|path| {
            let display = display_path(path, &base);
            let outcome = measure_file(path, display.clone(), options, None);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n % step == 0 || n == total {
                progress(n, total, &display);
            }
            (display, outcome)
        })
        .collect();

    let mut result = DirectoryResult {
        root: root.to_string_lossy().into_owned(),
        files: Vec::new(),
        totals: Totals::default(),
        skipped: walk_skips
            .into_iter()
            .map(|(p, reason)| Skipped { path: display_path(&p, &base), reason })
            .collect(),
    };
    for (display, outcome) in outcomes {
        match outcome {
            FileOutcome::Measured(m) => {
                result.totals.all.add(&m);
                result.totals.by_language.entry(m.language.to_string()).or_default().add(&m);
                result.files.push(m);
            }
            FileOutcome::Skipped(reason) => result.skipped.push(Skipped { path: display, reason }),
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mcpca-scan-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
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
        let options = ScanOptions { max_file_bytes: 500 };
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
}
