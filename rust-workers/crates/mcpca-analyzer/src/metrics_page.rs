//! The `analyze-metrics` answer: one page of a scan's files at the requested detail, with the
//! whole tree's totals, directories, hotspots and skipped files (the same on every page of an
//! unchanged tree, so a caller may read them from any page and stop there).

use std::borrow::Cow;
use std::cmp::Ordering;

use metrics::{FileLines, FileMetrics, FunctionMetrics, MetricStats, SyntaxError};
use protocol::Detail;
use serde::Serialize;
use serde_json::value::{to_raw_value, RawValue};

use crate::paging::{self, Page, PageRequest, Paged};
use crate::scan::{DirectoryResult, DirectoryTotals, ScannedFile, Skipped, Totals};

/// Files per page unless the request's `limit` says otherwise.
pub const DEFAULT_PAGE_FILES: usize = 100;

/// Hotspots listed unless the request's `hotspots` says otherwise.
pub const DEFAULT_HOTSPOTS: usize = 10;

/// The most hotspots a request may ask for: the list comes with every page.
pub const MAX_HOTSPOTS: usize = 1000;

/// The result, fields in wire order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsPage<'a> {
    root: &'a str,
    page: Page,
    next_cursor: Option<String>,
    files: Vec<Box<RawValue>>,
    totals: &'a Totals,
    directories: Vec<&'a DirectoryTotals>,
    hotspots: Vec<Hotspot>,
    skipped: &'a [Skipped],
}

/// One of the tree's most complex functions; the values are the function record's.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hotspot {
    path: String,
    name: String,
    kind: &'static str,
    start_line: u32,
    end_line: u32,
    cyclomatic: u32,
    cognitive: u32,
}

/// A file without its `functions` and `classes` (`detail: "files"`): the other fields of
/// [`FileMetrics`], in its order.
#[derive(Serialize)]
struct FileOverview<'a> {
    path: &'a str,
    language: &'a str,
    lines: &'a FileLines,
    totals: &'a MetricStats,
    errors: &'a [SyntaxError],
}

/// The page `request` asks for of `result`, with `hotspots` hotspots of the whole tree.
/// `deepest_directory`: list only directories of at most that many path components (all if none).
pub fn metrics_page<'a>(result: &'a DirectoryResult, detail: Detail, request: &PageRequest, hotspots: usize, deepest_directory: Option<usize>) -> serde_json::Result<MetricsPage<'a>> {
    let decoded: Vec<Cow<'a, FileMetrics>> = result.files.iter().map(ScannedFile::metrics).collect::<serde_json::Result<_>>()?;
    let mut page = MetricsPage {
        root: &result.root,
        page: Page { offset: 0, count: 0, total_files: 0 },
        next_cursor: None,
        files: Vec::new(),
        totals: &result.totals,
        directories: within_depth(&result.directories, deepest_directory),
        hotspots: hottest(&decoded, hotspots),
        skipped: &result.skipped,
    };
    // the tree-wide parts come with every page, so the files get what they leave of the budget
    let paged = match detail {
        Detail::Functions => paging::paginate_beside(&page, &decoded, request, to_raw_value)?,
        Detail::Files => paging::paginate_beside(&page, &decoded, request, |m| to_raw_value(&overview(m)))?,
        Detail::Summary => Paged::empty(request, result.files.len()),
    };
    page.page = paged.page;
    page.next_cursor = paged.next_cursor;
    page.files = paged.items;
    Ok(page)
}

/// The directories of at most `deepest` path components (all if none); the analysed directory's
/// ancestors, which the roll-up lists too, are never deeper than it.
fn within_depth(directories: &[DirectoryTotals], deepest: Option<usize>) -> Vec<&DirectoryTotals> {
    let components = |path: &str| if path.is_empty() { 0 } else { path.split('/').count() };
    directories.iter().filter(|d| deepest.map_or(true, |deepest| components(&d.path) <= deepest)).collect()
}

fn overview(m: &FileMetrics) -> FileOverview<'_> {
    FileOverview { path: &m.path, language: m.language, lines: &m.lines, totals: &m.totals, errors: &m.errors }
}

/// A function of the tree with its file's path and its place in the file (the last tie-break,
/// so that the order is total and the same on every page).
struct Candidate<'a> {
    path: &'a str,
    index: usize,
    function: &'a FunctionMetrics,
}

/// Hotter first: cyclomatic descending, cognitive descending, path, start line.
fn hotter(a: &Candidate<'_>, b: &Candidate<'_>) -> Ordering {
    let (fa, fb) = (a.function, b.function);
    fb.cyclomatic
        .cmp(&fa.cyclomatic)
        .then(fb.cognitive.cmp(&fa.cognitive))
        .then(a.path.cmp(b.path))
        .then(fa.start_line.cmp(&fb.start_line))
        .then(a.index.cmp(&b.index))
}

/// The `count` hottest functions of `files`.
fn hottest(files: &[Cow<'_, FileMetrics>], count: usize) -> Vec<Hotspot> {
    let mut candidates: Vec<Candidate<'_>> = files
        .iter()
        .flat_map(|m| m.functions.iter().enumerate().map(|(index, function)| Candidate { path: &m.path, index, function }))
        .collect();
    if candidates.len() > count && count > 0 {
        candidates.select_nth_unstable_by(count - 1, hotter);
    }
    candidates.truncate(count);
    candidates.sort_unstable_by(hotter);
    candidates
        .into_iter()
        .map(|c| Hotspot {
            path: c.path.to_string(),
            name: c.function.name.clone(),
            kind: c.function.kind,
            start_line: c.function.start_line,
            end_line: c.function.end_line,
            cyclomatic: c.function.cyclomatic,
            cognitive: c.function.cognitive,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lang::Language;

    fn file(path: &str, source: &str) -> Cow<'static, FileMetrics> {
        let mut m = metrics::analyze_source(Language::Python, source.as_bytes());
        m.path = path.to_string();
        Cow::Owned(m)
    }

    /// Ties on cyclomatic go to the higher cognitive, then to the path and line.
    #[test]
    fn hotspots_are_ordered_by_cyclomatic_cognitive_path_and_line() {
        let branchy = "def a(x):\n    if x and x > 1:\n        return 1\n    return 2\n";
        let nested = "def b(x):\n    if x:\n        if x > 1:\n            return 1\n    return 2\n";
        let plain = "def c():\n    return 0\n";
        let files = [file("z.py", branchy), file("m.py", &format!("{plain}{nested}")), file("a.py", branchy)];
        let hot = hottest(&files, 3);
        let got: Vec<(&str, &str, u32, u32, u32)> = hot.iter().map(|h| (h.path.as_str(), h.name.as_str(), h.start_line, h.cyclomatic, h.cognitive)).collect();
        assert_eq!(got, [("m.py", "b", 3, 3, 3), ("a.py", "a", 1, 3, 2), ("z.py", "a", 1, 3, 2)]);
        assert_eq!(hottest(&files, 10).len(), 4);
        assert!(hottest(&files, 0).is_empty());
    }
}
