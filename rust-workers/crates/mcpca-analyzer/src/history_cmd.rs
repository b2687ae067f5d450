//! The history tools over the `git` crate: `analyze-history`, `socio-technical-analysis` and
//! `change-coupling` (`hotspots_cmd.rs` and `evolution_cmd.rs` add measuring). Each opens the
//! repository holding the named path, reads the log of that path in the window and names files
//! relative to `relativeTo` (else to the path), like every other tool's answer.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use git::dates::Interval;
use git::{Git, Log, Window};
use protocol::{AnalyzeHistoryArgs, ChangeCouplingArgs, ErrorCode, HistoryWindowArgs, Response, SocioTechnicalArgs};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::paging::{self, Page, PageRequest};

/// Files (or pairs) per page unless `limit` says otherwise.
pub const DEFAULT_PAGE_ITEMS: usize = 100;

/// A repository, the part of it a call names, and how its paths are shown.
pub struct Scope {
    pub git: Git,
    /// The named path relative to the work tree's top ("" for the top).
    pub scope: String,
    /// The named path as the answer shows it (`.` for `relativeTo` itself).
    pub root: String,
    /// Answers name paths relative to this directory.
    base: PathBuf,
    top: PathBuf,
}

impl Scope {
    /// Opens the repository holding `path`; `BAD_ARGUMENTS` when there is none, `NOT_FOUND` when
    /// the path does not exist. Git commands stop at the request's deadline.
    pub fn open(id: &str, path: &str, relative_to: Option<&str>, deadline: Option<Instant>) -> Result<Scope, Response> {
        let meta = crate::files_cmd::named_path(path, "no such file or directory").map_err(|e| Response::error(id, e.code, e.message))?;
        let named = Path::new(path);
        let root = crate::scan::shown_root(named, relative_to.map(Path::new));
        let timeout = deadline.map_or(git::DEFAULT_TIMEOUT, |d| d.saturating_duration_since(Instant::now()).min(git::DEFAULT_TIMEOUT)).max(Duration::from_millis(1));
        let git = Git::open(named, timeout).map_err(|e| git_error(id, &root, e))?;
        let scope = git::log::scope_of(&git, named);
        let top = std::fs::canonicalize(git.top()).unwrap_or_else(|_| git.top().to_path_buf());
        let base = match relative_to {
            Some(r) => PathBuf::from(r),
            None if meta.is_dir() => named.to_path_buf(),
            None => named.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let base = std::fs::canonicalize(&base).unwrap_or(base);
        Ok(Scope { git, scope, root, base, top })
    }

    /// A path relative to the top as the answer shows it: relative to the base.
    pub fn display(&self, git_path: &str) -> String {
        let full = self.top.join(git_path);
        match full.strip_prefix(&self.base) {
            Ok(rel) => rel.to_string_lossy().into_owned(),
            Err(_) => git_path.to_string(),
        }
    }

    /// A path as the answer shows it, relative to the work tree's top again (for `git blame`).
    pub fn git_path(&self, shown: &str) -> Option<String> {
        self.base.join(shown).strip_prefix(&self.top).ok().map(|p| p.to_string_lossy().into_owned())
    }

    /// The log of the scope in `window`, paths shown relative to the base.
    pub fn log(&self, id: &str, window: &Window) -> Result<Log, Response> {
        let mut log = git::read_log(&self.git, &self.scope, window).map_err(|e| git_error(id, &self.root, e))?;
        for commit in &mut log.commits {
            for change in &mut commit.changes {
                change.path = self.display(&change.path);
                change.renamed_from = change.renamed_from.as_deref().map(|p| self.display(p));
            }
        }
        Ok(log)
    }
}

/// A git failure as an error line; never names a server path (`shown` is the path as answered).
pub fn git_error(id: &str, shown: &str, e: git::Error) -> Response {
    match e {
        git::Error::NotARepository(_) => Response::error(id, ErrorCode::BadArguments, format!("{shown} is not inside a git repository")),
        git::Error::Timeout(_) => Response::error(id, ErrorCode::DeadlineExceeded, "deadline exceeded while reading the history"),
        other => Response::error(id, ErrorCode::Internal, other.to_string()),
    }
}

/// The window as the answer repeats it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowShown {
    pub since: Option<String>,
    pub until: Option<String>,
    pub max_commits: Option<usize>,
}

/// The window of the arguments, checked: a date must not start with `-` (it would read as an option).
pub fn window(id: &str, args: &HistoryWindowArgs) -> Result<(Window, WindowShown), Response> {
    for (name, value) in [("since", &args.since), ("until", &args.until)] {
        if let Some(v) = value {
            if v.trim().is_empty() || v.starts_with('-') || v.len() > 64 {
                return Err(Response::error(id, ErrorCode::BadArguments, format!("`{name}` must be a date such as 2026-01-31 or 2026-01-31T12:00:00Z")));
            }
        }
    }
    if args.max_commits == Some(0) {
        return Err(Response::error(id, ErrorCode::BadArguments, "`maxCommits` must be at least 1"));
    }
    let window = Window { since: args.since.clone(), until: args.until.clone(), max_commits: args.max_commits };
    let shown = WindowShown { since: args.since.clone(), until: args.until.clone(), max_commits: args.max_commits };
    Ok((window, shown))
}

pub fn to_raw<T: Serialize>(value: &T) -> serde_json::Result<Box<RawValue>> {
    serde_json::value::to_raw_value(value)
}

pub fn internal(id: &str, e: serde_json::Error) -> Response {
    Response::error(id, ErrorCode::Internal, e.to_string())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HistoryAnswer<'a> {
    root: &'a str,
    window: WindowShown,
    totals: git::history::HistoryTotals,
    authors: Vec<git::history::AuthorHistory>,
    interval: &'a str,
    activity: Vec<git::history::Activity>,
    directories: Vec<git::history::DirectoryHistory>,
    page: Page,
    next_cursor: Option<String>,
    files: Vec<Box<RawValue>>,
}

/// `analyze-history`.
pub fn analyze_history(id: &str, args: &AnalyzeHistoryArgs, deadline: Option<Instant>) -> Result<String, Response> {
    let page = PageRequest::of(id, args.page.limit, args.page.cursor.as_deref(), DEFAULT_PAGE_ITEMS)?;
    let (interval, interval_name) = match args.interval.as_deref().unwrap_or("month") {
        "day" => (Interval::Day, "day"),
        "month" => (Interval::Month, "month"),
        "year" => (Interval::Year, "year"),
        other => return Err(Response::error(id, ErrorCode::BadArguments, format!("unknown `interval` `{other}`: expected `day`, `month` or `year`"))),
    };
    let (window, shown) = window(id, &args.window)?;
    let scope = Scope::open(id, &args.window.path, args.window.relative_to.as_deref(), deadline)?;
    let log = scope.log(id, &window)?;
    let depth = args.directory_depth.map(|d| d + base_depth(&scope));
    let history = git::history::summarize(&log, interval, depth);
    let mut answer = HistoryAnswer {
        root: &scope.root,
        window: shown,
        totals: history.totals,
        authors: history.authors,
        interval: interval_name,
        activity: history.activity,
        directories: within_root(&scope.root, history.directories, |d| &d.path),
        page: Page { offset: 0, count: 0, total_files: 0 },
        next_cursor: None,
        files: Vec::new(),
    };
    let paged = paging::paginate_beside(&answer, &history.files, &page, to_raw).map_err(|e| internal(id, e))?;
    (answer.page, answer.next_cursor, answer.files) = (paged.page, paged.next_cursor, paged.items);
    serde_json::to_string(&answer).map_err(|e| internal(id, e))
}

/// Keeps the directories at or below the named path (`root`), not the ones above it.
pub fn within_root<T>(root: &str, items: Vec<T>, path: impl Fn(&T) -> &str) -> Vec<T> {
    if root == "." || root.starts_with("..") || root.starts_with('/') {
        return items;
    }
    items.into_iter().filter(|d| { let p = path(d); p == root || p.strip_prefix(root).map_or(false, |r| r.starts_with('/')) }).collect()
}

/// Levels of the named path below the base, so `directoryDepth` counts from the named path.
fn base_depth(scope: &Scope) -> usize {
    if scope.root == "." || scope.root.starts_with("..") || scope.root.starts_with('/') {
        0
    } else {
        git::history::depth(&scope.root)
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SocialAnswer<'a> {
    root: &'a str,
    window: WindowShown,
    commits: u64,
    lines_changed: u64,
    bus_factor: Option<git::ownership::BusFactor>,
    island_share: f64,
    authors: Vec<git::ownership::AuthorShare>,
    directories: Vec<git::ownership::Ownership>,
    knowledge_islands: Vec<&'a git::ownership::Ownership>,
    author_coupling: Vec<git::ownership::AuthorPair>,
    page: Page,
    next_cursor: Option<String>,
    files: Vec<Box<RawValue>>,
}

/// Author pairs listed at most (the strongest first).
const MAX_AUTHOR_PAIRS: usize = 100;

/// `socio-technical-analysis`.
pub fn socio_technical(id: &str, args: &SocioTechnicalArgs, deadline: Option<Instant>) -> Result<String, Response> {
    let page = PageRequest::of(id, args.page.limit, args.page.cursor.as_deref(), DEFAULT_PAGE_ITEMS)?;
    let island_share = args.island_share.unwrap_or(0.8);
    if !(0.0..=1.0).contains(&island_share) || island_share <= 0.5 {
        return Err(Response::error(id, ErrorCode::BadArguments, "`islandShare` must be above 0.5 and at most 1"));
    }
    let (window, shown) = window(id, &args.window)?;
    let scope = Scope::open(id, &args.window.path, args.window.relative_to.as_deref(), deadline)?;
    let log = scope.log(id, &window)?;
    let depth = args.directory_depth.map(|d| d + base_depth(&scope));
    let mut social = git::ownership::analyze(&log, island_share, depth);
    social.directories = within_root(&scope.root, social.directories, |d| &d.path);
    let mut pairs = social.author_coupling;
    pairs.truncate(MAX_AUTHOR_PAIRS);
    let mut answer = SocialAnswer {
        root: &scope.root,
        window: shown,
        commits: log.commits.len() as u64,
        lines_changed: social.lines_changed,
        bus_factor: social.bus_factor,
        island_share,
        authors: social.authors,
        directories: Vec::new(),
        knowledge_islands: social.directories.iter().filter(|d| d.island).collect(),
        author_coupling: pairs,
        page: Page { offset: 0, count: 0, total_files: 0 },
        next_cursor: None,
        files: Vec::new(),
    };
    answer.directories = social.directories.clone();
    let paged = paging::paginate_beside(&answer, &social.files, &page, to_raw).map_err(|e| internal(id, e))?;
    (answer.page, answer.next_cursor, answer.files) = (paged.page, paged.next_cursor, paged.items);
    serde_json::to_string(&answer).map_err(|e| internal(id, e))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CouplingAnswer<'a> {
    root: &'a str,
    window: WindowShown,
    commits: u64,
    commits_too_large: u64,
    min_support: u64,
    min_confidence: f64,
    max_files_per_commit: usize,
    page: Page,
    next_cursor: Option<String>,
    pairs: Vec<Box<RawValue>>,
}

/// `change-coupling`.
pub fn change_coupling(id: &str, args: &ChangeCouplingArgs, deadline: Option<Instant>) -> Result<String, Response> {
    let page = PageRequest::of(id, args.page.limit, args.page.cursor.as_deref(), DEFAULT_PAGE_ITEMS)?;
    let defaults = git::coupling::CouplingOptions::default();
    let options = git::coupling::CouplingOptions {
        min_support: args.min_support.unwrap_or(defaults.min_support).max(1),
        min_confidence: args.min_confidence.unwrap_or(defaults.min_confidence),
        max_files_per_commit: args.max_files_per_commit.unwrap_or(defaults.max_files_per_commit),
    };
    if !(0.0..=1.0).contains(&options.min_confidence) || options.max_files_per_commit < 2 {
        return Err(Response::error(id, ErrorCode::BadArguments, "`minConfidence` must be within 0..1 and `maxFilesPerCommit` at least 2"));
    }
    let (window, shown) = window(id, &args.window)?;
    let scope = Scope::open(id, &args.window.path, args.window.relative_to.as_deref(), deadline)?;
    let log = scope.log(id, &window)?;
    let (pairs, used, too_large) = git::coupling::change_coupling(&log, &options);
    let mut answer = CouplingAnswer {
        root: &scope.root,
        window: shown,
        commits: used,
        commits_too_large: too_large,
        min_support: options.min_support,
        min_confidence: options.min_confidence,
        max_files_per_commit: options.max_files_per_commit,
        page: Page { offset: 0, count: 0, total_files: 0 },
        next_cursor: None,
        pairs: Vec::new(),
    };
    let paged = paging::paginate_beside(&answer, &pairs, &page, to_raw).map_err(|e| internal(id, e))?;
    (answer.page, answer.next_cursor, answer.pairs) = (paged.page, paged.next_cursor, paged.items);
    serde_json::to_string(&answer).map_err(|e| internal(id, e))
}
