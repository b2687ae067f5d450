//! `folder-structure`: a directory's tree to a depth, with per directory the bytes, file count and
//! files per language of everything below it (at any depth), paged. The walk is `search-code`'s
//! (`.gitignore` honoured, hidden files skipped, symlinks and special files listed in `skipped`,
//! never opened); sizes come from `lstat`, languages from the file name (no file is read).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lang::Language;
use protocol::{ErrorBody, ErrorCode, FolderStructureArgs};
use serde::Serialize;

use crate::paging;
use crate::scan;
use crate::search_cmd::{page_request, MatchPage, MAX_SKIPPED_LISTED};

/// `depth` unless the call says otherwise, and its most.
pub const DEFAULT_DEPTH: usize = 3;
pub const MAX_DEPTH: usize = 32;
/// Entries per page unless `limit` says otherwise.
pub const DEFAULT_PAGE_ENTRIES: usize = 500;

/// Bytes, files and files per language of a directory (everything below it) or of the whole tree.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sizes {
    pub size: u64,
    pub files: usize,
    pub languages: BTreeMap<&'static str, usize>,
}

impl Sizes {
    fn add(&mut self, size: u64, language: Option<&'static str>) {
        self.size += size;
        self.files += 1;
        if let Some(l) = language {
            *self.languages.entry(l).or_default() += 1;
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    path: String,
    #[serde(rename = "type")]
    kind: &'static str,
    depth: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'static str>,
    #[serde(flatten)]
    sizes: Sizes,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TreePage<'a> {
    root: &'a str,
    depth: usize,
    page: MatchPage,
    next_cursor: Option<String>,
    entries: Vec<Box<serde_json::value::RawValue>>,
    totals: &'a Sizes,
    directories: usize,
    skipped: &'a [search::Skipped],
    skipped_count: usize,
}

fn bad(message: impl Into<String>) -> ErrorBody {
    ErrorBody { code: ErrorCode::BadArguments, message: message.into() }
}

pub fn folder_structure(args: &FolderStructureArgs) -> Result<String, ErrorBody> {
    let page = page_request(args.limit, args.cursor.as_deref(), DEFAULT_PAGE_ENTRIES)?;
    let depth = args.depth.unwrap_or(DEFAULT_DEPTH);
    if depth > MAX_DEPTH {
        return Err(bad(format!("`depth` must be at most {MAX_DEPTH}")));
    }
    let root = Path::new(&args.path);
    let relative_to = args.relative_to.as_deref().map(Path::new);
    let shown = scan::shown_root(root, relative_to);
    let meta = crate::files_cmd::named_path(&args.path, "no such directory").map_err(|e| ErrorBody { message: e.message.replace(args.path.as_str(), &shown), ..e })?;
    if !meta.is_dir() {
        return Err(bad(format!("{shown} is not a directory; use get-file")));
    }
    let listed = search::files::list(root, &[], &[]).map_err(|e| ErrorBody { code: ErrorCode::Internal, message: e.to_string() })?;
    let base = relative_to.filter(|b| root.starts_with(b)).unwrap_or(root);
    let level = |p: &Path| p.strip_prefix(root).map_or(0, |r| r.components().count());
    let mut totals = Sizes::default();
    let mut dirs: BTreeMap<PathBuf, Sizes> = listed.directories.iter().filter(|d| level(d) <= depth).map(|d| (d.clone(), Sizes::default())).collect();
    let mut entries = Vec::new();
    for file in &listed.files {
        let size = std::fs::symlink_metadata(file).map_or(0, |m| m.len());
        let language = Language::detect(file, &[]).map(Language::name);
        totals.add(size, language);
        for ancestor in file.ancestors().skip(1).take_while(|a| a.starts_with(root) && *a != root) {
            if let Some(sizes) = dirs.get_mut(ancestor) {
                sizes.add(size, language);
            }
        }
        if level(file) <= depth {
            let mut sizes = Sizes { size, files: 1, languages: BTreeMap::new() };
            sizes.languages.extend(language.map(|l| (l, 1)));
            entries.push((file.clone(), Entry { path: search::files::display(file, base), kind: "file", depth: level(file), language, sizes }));
        }
    }
    for (dir, sizes) in dirs {
        let entry = Entry { path: search::files::display(&dir, base), kind: "directory", depth: level(&dir), language: None, sizes };
        entries.push((dir, entry));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let entries: Vec<Entry> = entries.into_iter().map(|(_, e)| e).collect();
    let skipped: Vec<search::Skipped> = listed.skipped.iter().map(|(p, r)| search::Skipped { path: search::files::display(p, base), reason: r.clone() }).collect();
    let mut answer = TreePage {
        root: &shown,
        depth,
        page: MatchPage { offset: 0, count: 0, total: 0 },
        next_cursor: None,
        entries: Vec::new(),
        totals: &totals,
        directories: listed.directories.len(),
        skipped: &skipped[..skipped.len().min(MAX_SKIPPED_LISTED)],
        skipped_count: skipped.len(),
    };
    let internal = |e: serde_json::Error| ErrorBody { code: ErrorCode::Internal, message: e.to_string() };
    let paged = paging::paginate_beside(&answer, &entries, &page, serde_json::value::to_raw_value).map_err(internal)?;
    answer.page = MatchPage::of(&paged.page);
    answer.next_cursor = paged.next_cursor;
    answer.entries = paged.items;
    serde_json::to_string(&answer).map_err(internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected values from `find . -type f -printf '%s %p\n'` and `du -b` of the files (GNU
    /// findutils 4.9) over the same tree: src/ holds 2 files of 6 + 5 bytes, src/deep/ 1 of 3.
    #[test]
    fn the_tree_to_a_depth_with_sizes_below_each_directory() {
        let dir = crate::test_dirs::empty("tree", "depth");
        std::fs::create_dir_all(dir.join("src/deep/er")).unwrap();
        std::fs::write(dir.join("src/a.py"), "x = 1\n").unwrap();
        std::fs::write(dir.join("src/deep/er/b.rs"), "fn\n").unwrap();
        std::fs::write(dir.join("README.md"), "# r\n").unwrap();
        std::fs::write(dir.join(".gitignore"), "out/\n").unwrap();
        std::fs::create_dir_all(dir.join("out")).unwrap();
        std::fs::write(dir.join("out/x.js"), "1").unwrap();
        let args = FolderStructureArgs { path: dir.to_string_lossy().into_owned(), relative_to: Some(dir.to_string_lossy().into_owned()), depth: Some(2), limit: Some(3), cursor: None };
        let page: serde_json::Value = serde_json::from_str(&folder_structure(&args).unwrap()).unwrap();
        assert_eq!(page["totals"], serde_json::json!({"size": 13, "files": 3, "languages": {"python": 1, "rust": 1}}));
        assert_eq!(page["page"], serde_json::json!({"offset": 0, "count": 3, "total": 4}));
        let entries: Vec<_> = page["entries"].as_array().unwrap().iter().map(|e| (e["path"].as_str().unwrap(), e["type"].as_str().unwrap(), e["size"].as_u64().unwrap(), e["files"].as_u64().unwrap())).collect();
        assert_eq!(entries, [("README.md", "file", 4, 1), ("src", "directory", 9, 2), ("src/a.py", "file", 6, 1)]);
        let next = FolderStructureArgs { cursor: page["nextCursor"].as_str().map(str::to_string), ..args };
        let rest: serde_json::Value = serde_json::from_str(&folder_structure(&next).unwrap()).unwrap();
        assert_eq!(rest["entries"][0]["path"], "src/deep");
        assert_eq!(rest["entries"][0]["languages"], serde_json::json!({"rust": 1}));
        assert_eq!(rest["nextCursor"], serde_json::Value::Null);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
