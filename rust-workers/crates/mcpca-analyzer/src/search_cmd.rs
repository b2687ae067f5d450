//! `search-code`: the `search` crate's answer as pages. Every page searches again (up to
//! `maxResults` matches, in path then line order, so pages of an unchanged tree never overlap)
//! and holds at most `limit` matches and the page budget of JSON; `skipped` lists the first
//! [`MAX_SKIPPED_LISTED`] files not read (`skippedCount` all of them: of a `truncated` search,
//! those before where it stopped, as `filesSearched`).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use lang::Language;
use protocol::{ErrorBody, ErrorCode, SearchCodeArgs, SearchMode};
use search::{Matcher, Scope, Skipped, StructuralMatcher, TextMatcher};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::paging::{self, PageRequest};
use crate::scan;

/// Matches per page unless `limit` says otherwise.
pub const DEFAULT_PAGE_MATCHES: usize = 100;
/// `maxResults` unless the call says otherwise, and its most: a page is re-searched up to it, so
/// it bounds every page's work; 10,000 matches is more than an agent reads.
pub const DEFAULT_MAX_RESULTS: usize = 1000;
pub const MAX_MAX_RESULTS: usize = 10_000;
/// `contextLines` at most: 20 lines each side is a screenful around a match.
pub const MAX_CONTEXT_LINES: usize = 20;
/// Skipped files listed on a page (a tree of images would list thousands).
pub const MAX_SKIPPED_LISTED: usize = 100;

/// Where a page of matches lies in the whole list (`total`: every match up to `maxResults`).
#[derive(Serialize)]
pub struct MatchPage {
    pub offset: usize,
    pub count: usize,
    pub total: usize,
}

impl MatchPage {
    pub fn of(page: &paging::Page) -> MatchPage {
        MatchPage { offset: page.offset, count: page.count, total: page.total_files }
    }
}

/// [`PageRequest::of`] with its refusal as an [`ErrorBody`].
pub fn page_request(limit: Option<usize>, cursor: Option<&str>, default_limit: usize) -> Result<PageRequest, ErrorBody> {
    PageRequest::of("", limit, cursor, default_limit).map_err(|r| match r {
        protocol::Response::Error { error, .. } => error,
        _ => bad(ErrorCode::BadArguments, "bad page"),
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchPage<'a> {
    root: &'a str,
    mode: &'static str,
    page: MatchPage,
    next_cursor: Option<String>,
    matches: Vec<Box<RawValue>>,
    total_matches: usize,
    truncated: bool,
    files_searched: usize,
    files_with_matches: usize,
    skipped: &'a [Skipped],
    skipped_count: usize,
}

fn bad(code: ErrorCode, message: impl Into<String>) -> ErrorBody {
    ErrorBody { code, message: message.into() }
}

/// The matcher the arguments describe.
fn matcher(args: &SearchCodeArgs) -> Result<Matcher, ErrorBody> {
    let case_sensitive = args.case_sensitive.unwrap_or(true);
    let invalid = |e: search::Error| match e {
        search::Error::UnsupportedLanguage(_) => bad(ErrorCode::UnsupportedLanguage, e.to_string()),
        _ => bad(ErrorCode::InvalidPattern, e.to_string()),
    };
    match args.mode {
        SearchMode::Literal | SearchMode::Regex => {
            if args.language.is_some() {
                return Err(bad(ErrorCode::BadArguments, "`language` is for `mode: structural`"));
            }
            TextMatcher::new(&args.pattern, args.mode == SearchMode::Literal, case_sensitive, args.whole_word).map(Matcher::Text).map_err(invalid)
        }
        SearchMode::Structural => {
            let name = args.language.as_deref().ok_or_else(|| bad(ErrorCode::BadArguments, "a structural search needs `language` (the query's grammar)"))?;
            let language = Language::from_name(name).ok_or_else(|| bad(ErrorCode::UnsupportedLanguage, format!("unsupported language `{name}`")))?;
            if args.whole_word || !case_sensitive || args.context_lines > 0 {
                return Err(bad(ErrorCode::BadArguments, "`wholeWord`, `caseSensitive` and `contextLines` are for text searches"));
            }
            StructuralMatcher::new(&args.pattern, language).map(Matcher::Structural).map_err(invalid)
        }
    }
}

/// One page of `search-code`; `Err` is the call's error (a `DEADLINE_EXCEEDED` when `deadline`
/// passed or `cancelled` was set while searching).
pub fn search_page(args: &SearchCodeArgs, max_file_bytes: u64, deadline: Option<Instant>, cancelled: &AtomicBool) -> Result<String, ErrorBody> {
    let page = page_request(args.limit, args.cursor.as_deref(), DEFAULT_PAGE_MATCHES)?;
    let max_results = args.max_results.unwrap_or(DEFAULT_MAX_RESULTS);
    if max_results == 0 || max_results > MAX_MAX_RESULTS {
        return Err(bad(ErrorCode::BadArguments, format!("`maxResults` must be 1 to {MAX_MAX_RESULTS}")));
    }
    if args.context_lines > MAX_CONTEXT_LINES {
        return Err(bad(ErrorCode::BadArguments, format!("`contextLines` must be at most {MAX_CONTEXT_LINES}")));
    }
    let matcher = matcher(args)?;
    let root = Path::new(&args.path);
    let relative_to = args.relative_to.as_deref().map(Path::new);
    let shown = scan::shown_root(root, relative_to);
    crate::files_cmd::named_path(&args.path, "no such file or directory").map_err(|e| ErrorBody { message: e.message.replace(args.path.as_str(), &shown), ..e })?;
    let scope = Scope {
        root,
        base: relative_to.unwrap_or(root),
        include: &args.include,
        exclude: &args.exclude,
        context_lines: args.context_lines,
        max_results,
    };
    let read = |path: &Path, buf: &mut Vec<u8>| scan::read_listed(path, max_file_bytes, buf).map_err(|r| r.to_string());
    let stop = || cancelled.load(Ordering::Relaxed) || deadline.is_some_and(|d| Instant::now() >= d);
    let found = search::search(&matcher, &scope, &read, &stop).map_err(|e| match e {
        search::Error::Stopped => bad(ErrorCode::DeadlineExceeded, "deadline exceeded"),
        search::Error::InvalidGlob(_) | search::Error::InvalidPattern(_) => bad(ErrorCode::InvalidPattern, e.to_string()),
        search::Error::UnsupportedLanguage(_) => bad(ErrorCode::UnsupportedLanguage, e.to_string()),
    })?;
    let mut answer = SearchPage {
        root: &shown,
        mode: match args.mode {
            SearchMode::Literal => "literal",
            SearchMode::Regex => "regex",
            SearchMode::Structural => "structural",
        },
        page: MatchPage { offset: 0, count: 0, total: 0 },
        next_cursor: None,
        matches: Vec::new(),
        total_matches: found.matches.len(),
        truncated: found.truncated,
        files_searched: found.files_searched,
        files_with_matches: found.files_with_matches,
        skipped: &found.skipped[..found.skipped.len().min(MAX_SKIPPED_LISTED)],
        skipped_count: found.skipped.len(),
    };
    let internal = |e: serde_json::Error| bad(ErrorCode::Internal, e.to_string());
    let paged = paging::paginate_beside(&answer, &found.matches, &page, serde_json::value::to_raw_value).map_err(internal)?;
    answer.page = MatchPage::of(&paged.page);
    answer.next_cursor = paged.next_cursor;
    answer.matches = paged.items;
    serde_json::to_string(&answer).map_err(internal)
}
