//! The `analyze-metrics` answer: one page of a scan's files at the requested detail, with the
//! whole tree's totals, directories, hotspots and skipped files (the same on every page of an
//! unchanged tree, so a caller may read them from any page and stop there).

use std::borrow::Cow;
use std::cmp::Ordering;

use metrics::{FileLines, FileMetrics, MetricStats, SyntaxError};
use protocol::Detail;
use serde::{Deserialize, Serialize};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hotspot {
    path: String,
    name: String,
    kind: String,
    start_line: u32,
    end_line: u32,
    cyclomatic: u32,
    cognitive: u32,
}

/// A hotspot with its function's place in its file (the last tie-break of the order), as a shard
/// sends it to the merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedHotspot {
    #[serde(flatten)]
    spot: Hotspot,
    index: usize,
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

/// The whole-tree parts of an answer: the same on every page.
pub struct TreeParts<'a> {
    pub root: &'a str,
    pub totals: &'a Totals,
    pub directories: &'a [DirectoryTotals],
    pub skipped: &'a [Skipped],
}

/// The page `request` asks for of `result`, with `hotspots` hotspots of the whole tree.
/// `deepest_directory`: list only directories of at most that many path components (all if none).
pub fn metrics_page<'a>(result: &'a DirectoryResult, detail: Detail, request: &PageRequest, hotspots: usize, deepest_directory: Option<usize>) -> serde_json::Result<MetricsPage<'a>> {
    let decoded: Vec<Cow<'a, FileMetrics>> = result.files.iter().map(ScannedFile::metrics).collect::<serde_json::Result<_>>()?;
    let parts = TreeParts { root: &result.root, totals: &result.totals, directories: &result.directories, skipped: &result.skipped };
    let hot = hottest(&decoded, hotspots).into_iter().map(|r| r.spot).collect();
    assemble(parts, hot, detail, request, deepest_directory, &decoded, decoded.len(), |m| file_json(m, detail))
}

/// The answer from its parts: the page of the tree's `total` files that `request` asks for, of
/// which `prefix` holds the first ones (all of them, or at least all the page could hold), each
/// encoded by `encode`. The tree-wide parts come with every page, so the files get what they
/// leave of the budget. The one place an `analyze-metrics` answer is put together: a scan's and a
/// merge of shards' alike.
#[allow(clippy::too_many_arguments)]
pub fn assemble<'a, T>(
    parts: TreeParts<'a>,
    hotspots: Vec<Hotspot>,
    detail: Detail,
    request: &PageRequest,
    deepest_directory: Option<usize>,
    prefix: &[T],
    total: usize,
    encode: impl Fn(&T) -> serde_json::Result<Box<RawValue>>,
) -> serde_json::Result<MetricsPage<'a>> {
    let mut page = MetricsPage {
        root: parts.root,
        page: Page { offset: 0, count: 0, total_files: 0 },
        next_cursor: None,
        files: Vec::new(),
        totals: parts.totals,
        directories: within_depth(parts.directories, deepest_directory),
        hotspots,
        skipped: parts.skipped,
    };
    let paged = match detail {
        Detail::Functions | Detail::Files => paging::paginate_prefix_beside(&page, prefix, total, request, encode)?,
        Detail::Summary => Paged::empty(request, total),
    };
    page.page = paged.page;
    page.next_cursor = paged.next_cursor;
    page.files = paged.items;
    Ok(page)
}

/// A file's JSON in a page at `detail` (`summary` pages hold no files; this gives the full file).
pub fn file_json(m: &FileMetrics, detail: Detail) -> serde_json::Result<Box<RawValue>> {
    match detail {
        Detail::Files => to_raw_value(&overview(m)),
        _ => to_raw_value(m),
    }
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

/// Hotter first: cyclomatic descending, cognitive descending, path, start line, then the
/// function's place in its file (so that the order is total and the same on every page, and a
/// merge of shards' hottest functions orders them as one scan would).
fn hotter(a: &RankedHotspot, b: &RankedHotspot) -> Ordering {
    let (fa, fb) = (&a.spot, &b.spot);
    fb.cyclomatic
        .cmp(&fa.cyclomatic)
        .then(fb.cognitive.cmp(&fa.cognitive))
        .then(fa.path.cmp(&fb.path))
        .then(fa.start_line.cmp(&fb.start_line))
        .then(a.index.cmp(&b.index))
}

/// The `count` hottest of `candidates`, hottest first.
fn top(mut candidates: Vec<RankedHotspot>, count: usize) -> Vec<RankedHotspot> {
    if candidates.len() > count && count > 0 {
        candidates.select_nth_unstable_by(count - 1, hotter);
    }
    candidates.truncate(count);
    candidates.sort_unstable_by(hotter);
    candidates
}

/// The `count` hottest functions of `files`, with their places in their files.
pub fn hottest(files: &[Cow<'_, FileMetrics>], count: usize) -> Vec<RankedHotspot> {
    let candidates = files
        .iter()
        .flat_map(|m| {
            m.functions.iter().enumerate().map(|(index, f)| RankedHotspot {
                spot: Hotspot {
                    path: m.path.clone(),
                    name: f.name.clone(),
                    kind: f.kind.to_string(),
                    start_line: f.start_line,
                    end_line: f.end_line,
                    cyclomatic: f.cyclomatic,
                    cognitive: f.cognitive,
                },
                index,
            })
        })
        .collect();
    top(candidates, count)
}

/// The `count` hottest of the shards' hottest: the tree's `count` hottest are among the union of
/// each shard's `count` hottest, since the order is total.
pub fn merge_hotspots(shards: impl IntoIterator<Item = RankedHotspot>, count: usize) -> Vec<Hotspot> {
    top(shards.into_iter().collect(), count).into_iter().map(|r| r.spot).collect()
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
        let got: Vec<(&str, &str, u32, u32, u32)> = hot.iter().map(|h| (h.spot.path.as_str(), h.spot.name.as_str(), h.spot.start_line, h.spot.cyclomatic, h.spot.cognitive)).collect();
        assert_eq!(got, [("m.py", "b", 3, 3, 3), ("a.py", "a", 1, 3, 2), ("z.py", "a", 1, 3, 2)]);
        assert_eq!(hottest(&files, 10).len(), 4);
        assert!(hottest(&files, 0).is_empty());
    }
}
