//! Shared by the examples: the files below a directory.
use std::path::{Path, PathBuf};

/// Appends every regular file below `dir` (recursively, unsorted; symlinks and unreadable
/// entries are left out) to `out`.
pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let Ok(t) = e.file_type() else { continue };
        if t.is_dir() {
            files(&p, out);
        } else if t.is_file() {
            out.push(p);
        }
    }
}
