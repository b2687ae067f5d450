//! Walking a tree: list its files (.gitignore honoured, symlinks never followed), name each one
//! relative to the scan's base, and run a per-file function on the rayon pool with progress.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

/// Lists the files under `root` (or `root` itself if it is a file): .gitignore/.ignore honoured
/// (also outside a git repository), hidden files skipped, symlinks never followed; symlinks,
/// FIFOs, sockets and devices are listed in `skipped` with their kind, never opened.
pub(crate) fn list_files(root: &Path, skipped: &mut Vec<(PathBuf, String)>) -> Vec<PathBuf> {
    list_files_below(root, skipped, None)
}

/// Whether a walk reads a directory (given as listed: `root` joined with the path below it).
pub type Descend = Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// [`list_files`] that reads only the directories `descend` takes (all with `None`): a directory
/// it refuses is neither read nor listed, nor anything below it.
pub(crate) fn list_files_below(root: &Path, skipped: &mut Vec<(PathBuf, String)>, descend: Option<Descend>) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    let mut builder = ignore::WalkBuilder::new(root);
    builder.follow_links(false).require_git(false);
    if let Some(descend) = descend {
        builder.filter_entry(move |entry| entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) || descend(entry.path()));
    }
    let walker = builder.build();
    let mut files = Vec::new();
    for entry in walker {
        match entry {
            Ok(entry) => match entry.file_type() {
                Some(t) if t.is_file() => files.push(entry.into_path()),
                Some(t) if t.is_symlink() => skipped.push((entry.into_path(), "symlink".into())),
                Some(t) => {
                    if let Some(kind) = super::classify::special_kind(t) {
                        skipped.push((entry.into_path(), kind.into()));
                    }
                }
                None => {}
            },
            Err(e) => skipped.push((root.to_path_buf(), format!("walk error: {e}"))),
        }
    }
    files.sort();
    files
}

/// The `root` (or a named file's `path`) a result reports: the path as given, or — with
/// `relative_to` (serve's workspace root) — relative to it (`.` for the root itself, `..` steps if
/// outside it), so a result never names a server path.
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
    walk_part(root, relative_to, &|_| true, None, progress, per_file)
}

/// [`walk`] of the files and walk skips `keep` takes (given the path as listed: `root` joined
/// with the path below it), for a shard of a tree: every shard lists the tree the same way, so
/// the parts of a tree are exactly what one walk of it finds. `descend` leaves out directories
/// that hold nothing `keep` would take (so a shard reads only its own directories).
pub(crate) fn walk_part<T: Send>(
    root: &Path,
    relative_to: Option<&Path>,
    keep: &(dyn Fn(&Path) -> bool + Sync),
    descend: Option<Descend>,
    progress: &(dyn Fn(u64, u64, &str) + Sync),
    per_file: impl Fn(&Path, &str) -> Option<T> + Sync,
) -> Walk<T> {
    let mut walk_skips = Vec::new();
    let mut files = list_files_below(root, &mut walk_skips, descend);
    files.retain(|f| keep(f));
    walk_skips.retain(|(p, _)| keep(p));
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
