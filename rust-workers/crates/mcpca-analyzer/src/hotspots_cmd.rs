//! `hotspots`: where complexity meets churn. Each file of the tree that changed in the window and
//! exists now is measured as `analyze-metrics` measures it (cyclomatic and cognitive complexity
//! of its functions, through the content cache); its score is churn (lines added + removed in the
//! window, `git log --numstat`) x cyclomatic (the sum over its functions). Functions: in the top
//! files, `git blame` of the work tree tells which of each function's current lines were last
//! changed by a commit of the window; a function's score is those lines x its cyclomatic.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use protocol::{ErrorCode, HotspotsArgs, Response};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::history_cmd::{self, git_error, internal, to_raw, Scope, WindowShown};
use crate::paging::{self, Page, PageRequest};
use crate::scan::{self, ScanOptions};

/// Functions listed unless `functions` says otherwise; at most [`MAX_FUNCTIONS`].
const DEFAULT_FUNCTIONS: usize = 10;
const MAX_FUNCTIONS: usize = 1000;
/// Files whose functions are blamed: the top ones by score (one `git blame` each).
const BLAMED_FILES: usize = 20;

pub const METHOD: &str = "score = churn x cyclomatic. churn: lines added + removed in the window (git log --no-merges --numstat, renames followed); cyclomatic: the sum over the file's functions now (the engine's rules per language, as analyze-metrics). Files that changed in the window and exist now, ranked by score, then churn, then path. Functions (top files only): changedLines = the function's current lines that git blame attributes to a commit of the window; function score = changedLines x cyclomatic.";

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileHotspot {
    pub rank: usize,
    pub path: String,
    pub language: String,
    pub score: u64,
    pub churn: u64,
    pub commits: u64,
    pub added: u64,
    pub removed: u64,
    pub cyclomatic: u64,
    pub cognitive: u64,
    pub functions: u64,
    pub code: u64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionHotspot {
    pub path: String,
    pub name: String,
    pub qualified_name: String,
    pub start_line: u32,
    pub end_line: u32,
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub changed_lines: u64,
    pub commits: u64,
    pub score: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HotspotsAnswer<'a> {
    root: &'a str,
    window: WindowShown,
    method: &'static str,
    commits: u64,
    files_changed: u64,
    functions: Vec<FunctionHotspot>,
    page: Page,
    next_cursor: Option<String>,
    files: Vec<Box<RawValue>>,
}

/// The files of `measured` that changed in `log`, ranked by score.
pub fn ranked_files(log: &git::Log, measured: &[scan::ScannedFile]) -> Vec<FileHotspot> {
    let history = git::history::summarize(log, git::dates::Interval::Month, Some(0));
    let changed: HashMap<&str, &git::history::FileHistory> = history.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut files: Vec<FileHotspot> = measured
        .iter()
        .filter_map(|file| {
            let h = changed.get(file.path.as_str())?;
            let totals = &file.summary.totals;
            let cyclomatic = totals.cyclomatic.sum.round() as u64;
            Some(FileHotspot {
                rank: 0,
                path: file.path.clone(),
                language: file.summary.language.to_string(),
                score: h.churn * cyclomatic,
                churn: h.churn,
                commits: h.commits,
                added: h.added,
                removed: h.removed,
                cyclomatic,
                cognitive: totals.cognitive.sum.round() as u64,
                functions: file.summary.functions,
                code: file.summary.lines.code,
            })
        })
        .collect();
    files.sort_by(|a, b| b.score.cmp(&a.score).then(b.churn.cmp(&a.churn)).then_with(|| a.path.cmp(&b.path)));
    for (i, f) in files.iter_mut().enumerate() {
        f.rank = i + 1;
    }
    files
}

pub fn hotspots(id: &str, args: &HotspotsArgs, options: &ScanOptions, deadline: Option<Instant>) -> Result<String, Response> {
    let page = PageRequest::of(id, args.page.limit, args.page.cursor.as_deref(), history_cmd::DEFAULT_PAGE_ITEMS)?;
    let wanted_functions = args.functions.unwrap_or(DEFAULT_FUNCTIONS);
    if wanted_functions > MAX_FUNCTIONS {
        return Err(Response::error(id, ErrorCode::BadArguments, format!("`functions` must be at most {MAX_FUNCTIONS}")));
    }
    let (window, shown) = history_cmd::window(id, &args.window)?;
    let scope = Scope::open(id, &args.window.path, args.window.relative_to.as_deref(), deadline)?;
    if !Path::new(&args.window.path).is_dir() {
        return Err(Response::error(id, ErrorCode::BadArguments, format!("{} is not a directory", scope.root)));
    }
    let log = scope.log(id, &window)?;
    let window_commits: HashSet<&str> = log.commits.iter().map(|c| c.hash.as_str()).collect();
    let measured = scan::scan(Path::new(&args.window.path), args.window.relative_to.as_deref().map(Path::new), options, &|_, _, _| {});
    let files = ranked_files(&log, &measured.files);
    let by_path: HashMap<&str, &scan::ScannedFile> = measured.files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut functions = Vec::new();
    if wanted_functions > 0 {
        for file in files.iter().filter(|f| f.functions > 0 && f.score > 0).take(BLAMED_FILES) {
            let (Some(scanned), Some(git_path)) = (by_path.get(file.path.as_str()), scope.git_path(&file.path)) else { continue };
            let lines = blame(&scope, &git_path).map_err(|e| git_error(id, &scope.root, e))?;
            let metrics = scanned.metrics().map_err(|e| internal(id, e))?;
            for f in &metrics.functions {
                let span = lines.get(f.start_line.saturating_sub(1) as usize..(f.end_line as usize).min(lines.len())).unwrap_or_default();
                let in_window: Vec<&str> = span.iter().map(String::as_str).filter(|h| window_commits.contains(h)).collect();
                let changed = in_window.len() as u64;
                let commits = in_window.iter().collect::<HashSet<_>>().len() as u64;
                functions.push(FunctionHotspot {
                    path: file.path.clone(),
                    name: f.name.clone(),
                    qualified_name: f.qualified_name.clone(),
                    start_line: f.start_line,
                    end_line: f.end_line,
                    cyclomatic: f.cyclomatic,
                    cognitive: f.cognitive,
                    changed_lines: changed,
                    commits,
                    score: changed * u64::from(f.cyclomatic),
                });
            }
        }
    }
    functions.retain(|f| f.score > 0);
    functions.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.path.cmp(&b.path)).then(a.start_line.cmp(&b.start_line)));
    functions.truncate(wanted_functions);
    let files_changed = git::history::summarize(&log, git::dates::Interval::Month, Some(0)).totals.files;
    let mut answer = HotspotsAnswer {
        root: &scope.root,
        window: shown,
        method: METHOD,
        commits: log.commits.len() as u64,
        files_changed,
        functions,
        page: Page { offset: 0, count: 0, total_files: 0 },
        next_cursor: None,
        files: Vec::new(),
    };
    let paged = paging::paginate_beside(&answer, &files, &page, to_raw).map_err(|e| internal(id, e))?;
    (answer.page, answer.next_cursor, answer.files) = (paged.page, paged.next_cursor, paged.items);
    serde_json::to_string(&answer).map_err(|e| internal(id, e))
}

/// The commit that last changed each line of the work tree's file (index 0 = line 1); lines not
/// committed yet get git's zero hash.
fn blame(scope: &Scope, git_path: &str) -> Result<Vec<String>, git::Error> {
    let out = scope.git.run(["blame", "--line-porcelain", "--no-textconv", "--", git_path])?;
    Ok(parse_blame(&out))
}

fn parse_blame(out: &[u8]) -> Vec<String> {
    let mut lines = Vec::new();
    for line in out.split(|b| *b == b'\n') {
        if line.first() == Some(&b'\t') || line.len() < 41 || line[40] != b' ' {
            continue;
        }
        if line[..40].iter().all(u8::is_ascii_hexdigit) {
            lines.push(String::from_utf8_lossy(&line[..40]).into_owned());
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blame_porcelain_gives_one_commit_per_line() {
        let h1 = "a".repeat(40);
        let h2 = "b".repeat(40);
        let out = format!("{h1} 1 1 1\nauthor A\nsummary x\nfilename f\n\tline one\n{h2} 2 2 1\nauthor B\nprevious {h1} f\nfilename f\n\t{h1} 9 9\n");
        assert_eq!(parse_blame(out.as_bytes()), vec![h1, h2]);
    }
}
