//! Pages of `serve` answers: a tree's metrics or outlines in one line can be tens of MB, more than
//! MCP clients accept in one message (the MCP Java SDK refuses SSE lines over 16 MiB), so
//! `analyze-metrics` and `symbols` answer one page of files per request. A page holds at most
//! `limit` files and at most [`PAGE_BUDGET_BYTES`] of file JSON; its `nextCursor` names where the
//! next one starts. Each page scans the tree again (answered from the caches when unchanged), so
//! the pages of a tree that changes between requests may overlap or miss files.

use protocol::{ErrorCode, Response};
use serde::Serialize;
use serde_json::value::RawValue;

/// The most JSON one answer holds, its files and its tree-wide parts together (one file larger
/// than what is left still makes a page): the worker refuses result lines over 6 MiB by default,
/// since an MCP answer carries the result twice and clients refuse messages over 16 MiB.
const PAGE_BUDGET_BYTES: usize = 4 * 1024 * 1024;

/// What is left of [`PAGE_BUDGET_BYTES`] for the files of an answer whose other parts (totals,
/// directories, skipped files...) take `fixed` bytes of JSON.
fn files_budget(fixed: usize) -> usize {
    PAGE_BUDGET_BYTES.saturating_sub(fixed)
}

/// A larger `limit` is taken as this one: the byte budget bounds a page anyway.
const MAX_PAGE_FILES: usize = 10_000;

/// Cursors name a page's first file by its offset in the tree's sorted file list. The prefix
/// lets the format change later without mistaking an old cursor for a new one.
const CURSOR_PREFIX: &str = "o1:";

/// The `page` field of a paged answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// The page's first file in the tree's sorted file list.
    pub offset: usize,
    /// Files in this page.
    pub count: usize,
    /// Files in the whole tree.
    pub total_files: usize,
}

/// Where a requested page starts and how many files it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: usize,
    pub limit: usize,
}

impl PageRequest {
    /// The page a request's `limit` (`default_limit` if absent) and `cursor` (the first page if
    /// absent) ask for; a `BAD_ARGUMENTS` error for a zero `limit` or a cursor this module did not
    /// write.
    pub fn of(id: &str, limit: Option<usize>, cursor: Option<&str>, default_limit: usize) -> Result<PageRequest, Response> {
        let limit = match limit.unwrap_or(default_limit) {
            0 => return Err(Response::error(id, ErrorCode::BadArguments, "`limit` must be at least 1")),
            n => n.min(MAX_PAGE_FILES),
        };
        let offset = match cursor {
            None => 0,
            Some(c) => parse_cursor(c).ok_or_else(|| {
                Response::error(id, ErrorCode::BadArguments, format!("invalid cursor: `{c}` is not the nextCursor of an earlier page"))
            })?,
        };
        Ok(PageRequest { offset, limit })
    }
}

pub(crate) fn cursor(offset: usize) -> String {
    format!("{CURSOR_PREFIX}{offset}")
}

fn parse_cursor(cursor: &str) -> Option<usize> {
    cursor.strip_prefix(CURSOR_PREFIX)?.parse().ok()
}

/// One page of a list: its `page` and `nextCursor` fields (`None` on the last page) and its
/// items' JSON.
pub struct Paged {
    pub page: Page,
    pub next_cursor: Option<String>,
    pub items: Vec<Box<RawValue>>,
}

impl Paged {
    /// A page without items at the requested offset (`detail: "summary"`).
    pub fn empty(request: &PageRequest, total: usize) -> Paged {
        Paged { page: Page { offset: request.offset.min(total), count: 0, total_files: total }, next_cursor: None, items: Vec::new() }
    }
}

/// The requested page of `items` for an answer whose other parts are `rest` (serialized here to
/// measure them): the items get what `rest` leaves of [`PAGE_BUDGET_BYTES`].
pub fn paginate_beside<T>(rest: &impl Serialize, items: &[T], request: &PageRequest, encode: impl Fn(&T) -> serde_json::Result<Box<RawValue>>) -> serde_json::Result<Paged> {
    paginate_prefix_beside(rest, items, items.len(), request, encode)
}

/// [`paginate_beside`] of a list of `total` items of which `prefix` holds the first ones, at
/// least every item the requested page could hold (a merge of shards knows only those).
pub fn paginate_prefix_beside<T>(rest: &impl Serialize, prefix: &[T], total: usize, request: &PageRequest, encode: impl Fn(&T) -> serde_json::Result<Box<RawValue>>) -> serde_json::Result<Paged> {
    let budget = files_budget(serde_json::to_vec(rest)?.len());
    paginate_prefix(prefix, total, request, budget, encode)
}

/// The most bytes of item JSON a page may hold (its tree-wide parts not counted): a shard sends
/// its first files up to this much, of which a merged first page can hold no more.
pub const MAX_PAGE_ITEM_BYTES: usize = PAGE_BUDGET_BYTES;

/// How many of the items from the first one a page starting there may hold, given their JSON sizes
/// (at most `limit`, at most [`MAX_PAGE_ITEM_BYTES`], at least one).
pub fn first_page_bound(sizes: impl IntoIterator<Item = usize>, limit: usize) -> usize {
    page_len(sizes, limit, MAX_PAGE_ITEM_BYTES)
}

/// The requested page of `items`, at most `budget` bytes of them. Each item is encoded once, by
/// `encode`: the length of its JSON (and the comma after it) decides whether it fits the page,
/// the JSON itself goes into the answer.
#[cfg(test)]
fn paginate<T>(items: &[T], request: &PageRequest, budget: usize, encode: impl Fn(&T) -> serde_json::Result<Box<RawValue>>) -> serde_json::Result<Paged> {
    paginate_prefix(items, items.len(), request, budget, encode)
}

/// [`paginate`] of the first items (`items`) of a list of `total`.
fn paginate_prefix<T>(items: &[T], total: usize, request: &PageRequest, budget: usize, encode: impl Fn(&T) -> serde_json::Result<Box<RawValue>>) -> serde_json::Result<Paged> {
    let offset = request.offset.min(items.len());
    let mut encoded = Vec::new();
    let sizes = items[offset..].iter().map(|item| {
        let json = encode(item);
        let size = json.as_ref().map_or(0, |j| j.get().len() + 1);
        encoded.push(json);
        size
    });
    let count = page_len(sizes, request.limit, budget);
    encoded.truncate(count);
    let (page, next_cursor) = placed(offset, count, total);
    Ok(Paged { page, next_cursor, items: encoded.into_iter().collect::<serde_json::Result<_>>()? })
}

/// The requested page of a list of `total` items already written as JSON, the `i`th taking
/// `size_of(i)` bytes with the comma after it, in an answer whose other parts take `rest_bytes`:
/// the page and its `nextCursor`, as [`paginate_beside`] gives them for those items (for a caller
/// that writes its items' JSON itself, `search-code`'s matches).
pub fn page_of_written(request: &PageRequest, total: usize, size_of: impl Fn(usize) -> usize, rest_bytes: usize) -> (Page, Option<String>) {
    let offset = request.offset.min(total);
    let count = page_len((offset..total).map(size_of), request.limit, files_budget(rest_bytes));
    placed(offset, count, total)
}

/// The `page` and `nextCursor` of a page of `count` items from `offset` in a list of `total`.
fn placed(offset: usize, count: usize, total: usize) -> (Page, Option<String>) {
    let end = offset + count;
    (Page { offset, count, total_files: total }, (end < total).then(|| cursor(end)))
}

/// How many items a page holds, given the JSON sizes of the items from its first one on (pulled
/// lazily, at most one past the page): at most `limit`, and none that would take the page past
/// `budget` bytes, except that a page holds at least one item when any remain.
fn page_len(sizes: impl IntoIterator<Item = usize>, limit: usize, budget: usize) -> usize {
    let mut used = 0;
    let mut count = 0;
    for size in sizes.into_iter().take(limit) {
        if count > 0 && used + size > budget {
            break;
        }
        used += size;
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_stop_at_the_limit_or_before_the_file_that_would_pass_the_budget() {
        assert_eq!(page_len([3, 3, 3, 3], 3, 100), 3);
        assert_eq!(page_len([4, 4, 4], 10, 10), 2, "4 + 4 fit in 10, a third 4 would not");
        assert_eq!(page_len([4, 6, 1], 10, 10), 2, "exactly the budget fits");
        assert_eq!(page_len([25, 1], 10, 10), 1, "a file larger than the budget still makes a page of 1");
        assert_eq!(page_len([1, 25], 10, 10), 1, "but does not join a page that has a file");
        assert_eq!(page_len([], 10, 10), 0);
    }

    #[test]
    fn the_tree_wide_parts_leave_the_rest_of_the_budget_to_the_files() {
        assert_eq!(files_budget(1024), PAGE_BUDGET_BYTES - 1024);
        assert_eq!(files_budget(PAGE_BUDGET_BYTES + 5), 0);
        assert_eq!(page_len([7, 7], 10, files_budget(PAGE_BUDGET_BYTES + 5)), 1, "still one file per page");
    }

    fn json(n: usize) -> serde_json::Result<Box<RawValue>> {
        serde_json::value::to_raw_value(&n)
    }

    #[test]
    fn cursors_follow_on_and_the_last_page_has_none() {
        let items: Vec<usize> = (0..7).collect();
        let mut request = PageRequest::of("r", Some(3), None, 100).unwrap();
        let mut seen = Vec::new();
        loop {
            let paged = paginate(&items, &request, PAGE_BUDGET_BYTES, |&n| json(n)).unwrap();
            assert_eq!((paged.page.offset, paged.page.total_files), (seen.len(), 7));
            seen.extend(paged.items.iter().map(|j| j.get().to_string()));
            match paged.next_cursor {
                Some(c) => request = PageRequest::of("r", Some(3), Some(&c), 100).unwrap(),
                None => break,
            }
        }
        assert_eq!(seen, ["0", "1", "2", "3", "4", "5", "6"]);
        let past = paginate(&items, &PageRequest { offset: 50, limit: 3 }, PAGE_BUDGET_BYTES, |&n| json(n)).unwrap();
        assert_eq!((past.page, past.next_cursor, past.items.len()), (Page { offset: 7, count: 0, total_files: 7 }, None, 0));
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        assert_eq!(PageRequest::of("r", None, None, 100).unwrap(), PageRequest { offset: 0, limit: 100 });
        assert_eq!(PageRequest::of("r", Some(1 << 40), None, 100).unwrap().limit, 10_000);
        for (limit, cursor) in [(Some(0), None), (None, Some("garbage")), (None, Some("o1:-1")), (None, Some("12"))] {
            match PageRequest::of("r", limit, cursor, 100) {
                Err(Response::Error { error, .. }) => assert_eq!(error.code, ErrorCode::BadArguments),
                other => panic!("{limit:?} {cursor:?}: {other:?}"),
            }
        }
    }
}
