//! Walking a tree the way `metrics` and `symbols` do: `ignore` crate (.gitignore/.ignore
//! honoured also outside git, hidden files skipped, symlinks never followed), files sorted, then
//! parsed on the rayon pool. Generated and minified files are skipped (`lang::generated`).

use std::path::Path;

use rayon::prelude::*;

use crate::{Error, FileFacts, Language, Options};

/// What the walk found.
pub(crate) struct Walked {
    /// Every regular file (relative, `/`), also those without a grammar: resolution looks them up.
    pub all_files: Vec<String>,
    /// Parsed files with their facts, in path order.
    pub parsed: Vec<(String, Language, FileFacts)>,
    /// Project files resolution reads: `(relative path, contents)` of `go.mod`,
    /// `tsconfig.json`, `jsconfig.json` and `Cargo.toml`.
    pub project_files: Vec<(String, String)>,
    pub skipped: Vec<(String, String)>,
}

const PROJECT_FILES: &[&str] = &["go.mod", "tsconfig.json", "jsconfig.json", "Cargo.toml"];

pub(crate) fn relative(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(s)
    } else {
        s
    }
}

pub(crate) fn read_tree(root: &Path, options: &Options<'_>) -> Result<Walked, Error> {
    std::fs::metadata(root)?;
    let (base, files, mut skipped) = list(root);
    let mut project_files = Vec::new();
    for f in &files {
        let name = f.rsplit('/').next().unwrap_or(f);
        if PROJECT_FILES.contains(&name) {
            if let Ok(text) = std::fs::read_to_string(base.join(f)) {
                project_files.push((f.clone(), text));
            }
        }
    }
    let stop = || options.should_stop.map(|s| s()).unwrap_or(false);
    let outcomes: Vec<Option<Result<(String, Language, FileFacts), (String, String)>>> = files
        .par_iter()
        .map(|rel| {
            if stop() {
                return None;
            }
            Some(parse_one(&base.join(rel), rel, options.max_file_bytes))
        })
        .collect();
    if stop() || outcomes.iter().any(Option::is_none) {
        return Err(Error::Cancelled);
    }
    let mut parsed = Vec::new();
    for o in outcomes.into_iter().flatten() {
        match o {
            Ok(p) => parsed.push(p),
            // Files no grammar reads are no sources here; they stay in `all_files` for resolution.
            Err(s) if s.1 == "no grammar" => {}
            Err(s) => skipped.push(s),
        }
    }
    skipped.sort();
    Ok(Walked { all_files: files, parsed, project_files, skipped })
}

/// The base paths are relative to, every regular file (relative), and the walk's skips.
fn list(root: &Path) -> (std::path::PathBuf, Vec<String>, Vec<(String, String)>) {
    if root.is_file() {
        let base = root.parent().map(Path::to_path_buf).unwrap_or_default();
        return (base, vec![relative(root, root.parent().unwrap_or(root))], Vec::new());
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for entry in ignore::WalkBuilder::new(root).follow_links(false).require_git(false).build() {
        match entry {
            Ok(entry) => match entry.file_type() {
                Some(t) if t.is_file() => files.push(relative(entry.path(), root)),
                Some(t) if t.is_symlink() => skipped.push((relative(entry.path(), root), "symlink".into())),
                _ => {}
            },
            Err(e) => skipped.push((".".into(), format!("walk error: {e}"))),
        }
    }
    files.sort();
    (root.to_path_buf(), files, skipped)
}

/// Only regular files are opened (the walk lists no FIFOs or devices as files).
fn parse_one(path: &Path, rel: &str, max_bytes: u64) -> Result<(String, Language, FileFacts), (String, String)> {
    let skip = |reason: &str| Err((rel.to_string(), reason.to_string()));
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return skip(&format!("unreadable: {e}")),
    };
    if !meta.is_file() {
        return skip("not a regular file");
    }
    let head_lang = Language::detect(path, b"");
    let lang = match head_lang {
        Some(l) if l.has_grammar() => Some(l),
        Some(_) => return skip("no grammar"),
        None => None,
    };
    if meta.len() > max_bytes {
        return skip("too large");
    }
    let source = match std::fs::read(path) {
        Ok(s) => s,
        Err(e) => return skip(&format!("unreadable: {e}")),
    };
    let lang = match lang.or_else(|| Language::detect(path, &source[..source.len().min(256)])) {
        Some(l) if l.has_grammar() => l,
        _ => return skip("no grammar"),
    };
    if source.contains(&0) {
        return skip("binary");
    }
    if let Some(reason) = lang::generated::skip_reason(path, &source) {
        return skip(reason);
    }
    Ok((rel.to_string(), lang, crate::facts_of_file(lang, &source)))
}
