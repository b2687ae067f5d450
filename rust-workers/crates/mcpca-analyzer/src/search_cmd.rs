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
use search::{Matcher, Scope, Skipped, StructuralMatcher, TextHit, TextMatcher};
use serde::Serialize;

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

/// An answer's fields before its `matches`: `search-code`'s answer is `{root, mode, page,
/// nextCursor, matches, totalMatches, truncated, filesSearched, filesWithMatches, skipped,
/// skippedCount}`, written as this, the matches (JSON written once, [`MatchRecords`]) and
/// [`AnswerTail`].
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerHead<'a> {
    root: &'a str,
    mode: &'static str,
    page: MatchPage,
    next_cursor: Option<String>,
}

/// An answer's fields after its `matches`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AnswerTail<'a> {
    total_matches: usize,
    truncated: bool,
    files_searched: usize,
    files_with_matches: usize,
    skipped: &'a [Skipped],
    skipped_count: usize,
}

/// The answer's JSON: `head`'s fields, `"matches":[` `matches` `]`, `tail`'s fields.
fn write_answer(head: &AnswerHead<'_>, matches: &[u8], tail: &AnswerTail<'_>) -> serde_json::Result<Vec<u8>> {
    let mut out = serde_json::to_vec(head)?;
    out.pop(); // the head's closing `}`
    out.extend_from_slice(b",\"matches\":[");
    out.extend_from_slice(matches);
    out.extend_from_slice(b"],");
    let tail = serde_json::to_vec(tail)?;
    out.extend_from_slice(&tail[1..]); // after the tail's opening `{`
    Ok(out)
}

/// A search's matches as JSON, each followed by a comma, and where each (its comma included)
/// ends: a page is a slice of them, written once on the threads that searched the files.
#[derive(Default)]
struct MatchRecords {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl MatchRecords {
    /// The records from `offset`, `count` of them, without the last comma.
    fn page(&self, offset: usize, count: usize) -> &[u8] {
        if count == 0 {
            return b"";
        }
        let start = if offset == 0 { 0 } else { self.ends[offset - 1] };
        &self.bytes[start..self.ends[offset + count - 1] - 1]
    }

    fn size_of(&self, i: usize) -> usize {
        self.ends[i] - if i == 0 { 0 } else { self.ends[i - 1] }
    }
}

/// A text match's JSON record and its comma: what `search::Match` serializes to for it (the
/// same bytes; a test compares them), written from the file's bytes without a `Match`.
fn text_match_record(out: &mut Vec<u8>, hit: &TextHit<'_>, context_lines: usize) {
    let line = hit.hit.line + 1;
    out.extend_from_slice(b"{\"path\":");
    push_json_str(out, hit.path);
    for (name, n) in [(&b",\"line\":"[..], line), (b",\"column\":", hit.hit.match_start + 1), (b",\"endLine\":", line), (b",\"endColumn\":", hit.hit.match_end + 1)] {
        out.extend_from_slice(name);
        search::push_decimal(out, n);
    }
    out.extend_from_slice(b",\"text\":");
    push_json_str(out, &search::shown_line(hit.line_bytes()));
    let (before, after) = search::text::context(hit.source, hit.hit.start, hit.hit.end, context_lines);
    for (name, lines) in [(&b",\"before\":["[..], before), (b",\"after\":[", after)] {
        if lines.is_empty() {
            continue; // as `Match` skips an empty list
        }
        out.extend_from_slice(name);
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_json_str(out, &search::shown_line(l));
        }
        out.push(b']');
    }
    out.extend_from_slice(b"},");
}

/// `text` as a JSON string, escaped by serde_json as everywhere else in an answer.
fn push_json_str(out: &mut Vec<u8>, text: &str) {
    // writing a string into a Vec cannot fail
    let _ = serde_json::to_writer(out, text);
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
    let mut records = MatchRecords::default();
    let searched = match &matcher {
        Matcher::Text(text) => {
            let record = |out: &mut Vec<u8>, hit: &TextHit<'_>| text_match_record(out, hit, scope.context_lines);
            search::search_records(text, &scope, &read, &stop, &record, &mut |bytes, ends| {
                let at = records.bytes.len();
                records.bytes.extend_from_slice(bytes);
                records.ends.extend(ends.iter().map(|end| at + end));
                true
            })
        }
        Matcher::Structural(_) => search::search(&matcher, &scope, &read, &stop).inspect(|found| {
            for m in &found.matches {
                // writing a `Match` into a Vec cannot fail
                let _ = serde_json::to_writer(&mut records.bytes, m);
                records.bytes.push(b',');
                records.ends.push(records.bytes.len());
            }
        }),
    };
    let found = searched.map_err(|e| match e {
        search::Error::Stopped => bad(ErrorCode::DeadlineExceeded, "deadline exceeded"),
        search::Error::InvalidGlob(_) | search::Error::InvalidPattern(_) => bad(ErrorCode::InvalidPattern, e.to_string()),
        search::Error::UnsupportedLanguage(_) => bad(ErrorCode::UnsupportedLanguage, e.to_string()),
    })?;
    let mut head = AnswerHead {
        root: &shown,
        mode: match args.mode {
            SearchMode::Literal => "literal",
            SearchMode::Regex => "regex",
            SearchMode::Structural => "structural",
        },
        page: MatchPage { offset: 0, count: 0, total: 0 },
        next_cursor: None,
    };
    let total = records.ends.len();
    let tail = AnswerTail {
        total_matches: total,
        truncated: found.truncated,
        files_searched: found.files_searched,
        files_with_matches: found.files_with_matches,
        skipped: &found.skipped[..found.skipped.len().min(MAX_SKIPPED_LISTED)],
        skipped_count: found.skipped.len(),
    };
    let internal = |e: serde_json::Error| bad(ErrorCode::Internal, e.to_string());
    // the page's budget is what the answer without matches leaves (as `paging::paginate_beside`)
    let rest_bytes = write_answer(&head, b"", &tail).map_err(internal)?.len();
    let (page, next_cursor) = paging::page_of_written(&page, total, |i| records.size_of(i), rest_bytes);
    head.page = MatchPage::of(&page);
    head.next_cursor = next_cursor;
    let answer = write_answer(&head, records.page(page.offset, page.count), &tail).map_err(internal)?;
    // serde_json wrote every string of it, and `shown_line` is UTF-8
    String::from_utf8(answer).map_err(|e| bad(ErrorCode::Internal, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records `search-code` writes for text matches are the bytes `search::Match` serializes
    /// to (the one JSON form of a match), on lines with quotes, backslashes, tabs, control bytes,
    /// invalid UTF-8, non-ASCII text and a line over `MAX_LINE_BYTES`, with and without context.
    #[test]
    fn text_match_records_are_the_json_of_match() {
        let dir = std::env::temp_dir().join(format!("mcpca-search-records-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub dir")).unwrap();
        std::fs::write(dir.join("a.txt"), b"hit \"quoted\" \\ back\r\n\thit\x01\x1f tab\nno\n\xffhit bad\n").unwrap();
        let long = format!("{}hit\n{}\nhit \u{e9}\u{2028}\nlast hit", "\u{e9}".repeat(600), "before ".repeat(300));
        std::fs::write(dir.join("sub dir/b \"q\".txt"), long).unwrap();
        let read = |path: &Path, buf: &mut Vec<u8>| std::fs::read(path).map(|b| *buf = b).map_err(|e| e.to_string());
        for context_lines in [0, 1, 3] {
            let scope = Scope { root: &dir, base: &dir, include: &[], exclude: &[], context_lines, max_results: 100 };
            let matcher = TextMatcher::new("hit", true, true, false).unwrap();
            let found = search::search(&Matcher::Text(TextMatcher::new("hit", true, true, false).unwrap()), &scope, &read, &|| false).unwrap();
            let expected: String = found.matches.iter().map(|m| serde_json::to_string(m).unwrap() + ",").collect();
            let mut written = Vec::new();
            let record = |out: &mut Vec<u8>, hit: &TextHit<'_>| text_match_record(out, hit, context_lines);
            search::search_records(&matcher, &scope, &read, &|| false, &record, &mut |bytes, _| {
                written.extend_from_slice(bytes);
                true
            })
            .unwrap();
            assert_eq!(found.matches.len(), 6);
            assert_eq!(String::from_utf8(written).unwrap(), expected, "context {context_lines}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
