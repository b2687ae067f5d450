//! One named file measured, the fact both `calculate-metrics` (one file, errors as the call's
//! error line) and `analyze-files` (many, errors per item) answer with; and `analyze-files`'s
//! pages. A page measures only its own items, in input order: each item is `calculate-metrics`'s
//! file object, or `{"path", "error": {"code", "message"}}` for an item that could not be
//! measured (missing, a directory, unknown language, too large, or refused by the worker), so
//! one bad item never fails the page.

use std::path::Path;

use lang::Language;
use metrics::FileMetrics;
use protocol::{CalculateMetricsArgs, ErrorBody, ErrorCode, FileItem};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::paging::{self, Page, PageRequest};
use crate::scan::{self, FileOutcome, ScanOptions};

/// `analyze-files` answers at most this many items per page unless `limit` says otherwise (as
/// `analyze-metrics`'s files).
pub const DEFAULT_PAGE_FILES: usize = 100;

fn error(code: ErrorCode, message: impl Into<String>) -> ErrorBody {
    ErrorBody { code, message: message.into() }
}

/// The metadata of a path a call names (symlinks followed): `NOT_FOUND` (`<missing>: path`) when
/// it does not exist, `BAD_ARGUMENTS` naming its kind when it is a FIFO, socket or device, which
/// are never opened (a FIFO blocks the open, `/dev/zero` never ends).
pub fn named_path(path: &str, missing: &str) -> Result<std::fs::Metadata, ErrorBody> {
    let meta = std::fs::metadata(path).map_err(|_| error(ErrorCode::NotFound, format!("{missing}: {path}")))?;
    match scan::special_kind(meta.file_type()) {
        Some(kind) => Err(error(ErrorCode::BadArguments, format!("{path} is a {kind}; only regular files and directories are analysed"))),
        None => Ok(meta),
    }
}

/// The language a call forces (`language`), if any; `UNSUPPORTED_LANGUAGE` for a name we lack.
pub fn language_arg(name: Option<&str>) -> Result<Option<Language>, ErrorBody> {
    match name {
        None => Ok(None),
        Some(n) => Language::from_name(n).map(Some).ok_or_else(|| error(ErrorCode::UnsupportedLanguage, format!("unsupported language `{n}`"))),
    }
}

/// Measures one file named by `path` (its `path` field relative to `relativeTo`) or given as
/// inline `content` (its `path` field is `name`). A named file is measured even when generated:
/// asking for that file is asking for its numbers. Inline content is held to the same size
/// limit as a file (`max_file_bytes`).
pub fn measure_one(file: &CalculateMetricsArgs, options: &ScanOptions) -> Result<FileMetrics, ErrorBody> {
    let forced = language_arg(file.language.as_deref())?;
    if let Some(content) = &file.content {
        let name = file.name.clone().unwrap_or_default();
        if content.len() as u64 > options.max_file_bytes {
            return Err(error(
                ErrorCode::BadArguments,
                format!("{name}: too large ({} bytes of inline content; at most {})", content.len(), options.max_file_bytes),
            ));
        }
        let lang = forced
            .or_else(|| Language::detect(Path::new(&name), content.as_bytes()))
            .ok_or_else(|| error(ErrorCode::BadArguments, "inline content needs `language` (or a `name` with a known extension)"))?;
        let mut m = metrics::analyze_source(lang, content.as_bytes());
        m.path = name;
        return Ok(m);
    }
    let Some(path) = &file.path else {
        return Err(error(ErrorCode::BadArguments, "a file needs `path` or `content`"));
    };
    let p = Path::new(path);
    let shown = scan::shown_root(p, file.relative_to.as_deref().map(Path::new));
    if named_path(path, "no such file").map_err(|e| ErrorBody { message: e.message.replace(path.as_str(), &shown), ..e })?.is_dir() {
        return Err(error(ErrorCode::BadArguments, format!("{shown} is a directory; use analyze-metrics")));
    }
    let named = ScanOptions { skip_generated: false, ..options.clone() };
    match scan::measure_file(p, shown.clone(), &named, forced) {
        FileOutcome::Measured(m) => Ok(m),
        FileOutcome::Skipped(reason) if reason == "unknown language" => Err(error(ErrorCode::UnsupportedLanguage, format!("{shown}: unknown language"))),
        FileOutcome::Skipped(reason) => Err(error(ErrorCode::BadArguments, format!("{shown}: skipped ({reason})"))),
    }
}

/// An item that could not be measured, in the place of its file object.
#[derive(Serialize)]
struct FailedItem<'a> {
    path: &'a str,
    error: &'a ErrorBody,
}

/// The `analyze-files` result: one page of the items.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FilesPage {
    pub page: Page,
    pub next_cursor: Option<String>,
    pub files: Vec<Box<RawValue>>,
}

/// What an item that failed is called in its error object: the caller's own words (its `path`
/// as the worker got it, shown relative to `relativeTo`, or the inline `name`).
fn item_name(item: &FileItem) -> String {
    match (&item.file.path, &item.file.name) {
        (Some(path), _) => scan::shown_root(Path::new(path), item.file.relative_to.as_deref().map(Path::new)),
        (None, Some(name)) => name.clone(),
        (None, None) => String::new(),
    }
}

/// One item's JSON: its file object, or its name and error.
fn encode_item(item: &FileItem, options: &ScanOptions) -> serde_json::Result<Box<RawValue>> {
    let outcome = match &item.error {
        Some(refused) => Err(refused.clone()),
        None => measure_one(&item.file, options),
    };
    match outcome {
        Ok(m) => serde_json::value::to_raw_value(&m),
        Err(e) => serde_json::value::to_raw_value(&FailedItem { path: &item_name(item), error: &e }),
    }
}

/// The requested page of `items`: at most `limit` of them and the page budget of JSON; only the
/// page's items are read and measured.
pub fn files_page(items: &[FileItem], request: &PageRequest, options: &ScanOptions) -> serde_json::Result<FilesPage> {
    let mut answer = FilesPage { page: Page { offset: 0, count: 0, total_files: 0 }, next_cursor: None, files: Vec::new() };
    let paged = paging::paginate_beside(&answer, items, request, |item| encode_item(item, options))?;
    answer.page = paged.page;
    answer.next_cursor = paged.next_cursor;
    answer.files = paged.items;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_item(path: &Path, base: &Path) -> FileItem {
        FileItem {
            file: CalculateMetricsArgs {
                path: Some(path.to_string_lossy().into_owned()),
                relative_to: Some(base.to_string_lossy().into_owned()),
                ..Default::default()
            },
            error: None,
        }
    }

    fn inline_item(name: &str, content: &str) -> FileItem {
        FileItem { file: CalculateMetricsArgs { name: Some(name.into()), content: Some(content.into()), ..Default::default() }, error: None }
    }

    fn json(page: &FilesPage) -> serde_json::Value {
        serde_json::from_str(&serde_json::to_string(page).unwrap()).unwrap()
    }

    const PY: &str = "def f(x):\n    if x:\n        return 1\n    return 2\n\n# done\n";

    /// Each item is exactly what `calculate-metrics` answers for the same file (path or inline),
    /// and a missing file, a directory, an unknown language and the worker's refusal are errors in
    /// their own places, in input order.
    #[test]
    fn items_are_calculate_metrics_answers_or_errors_in_input_order() {
        let dir = crate::test_dirs::empty("files", "items");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/a.py"), PY).unwrap();
        std::fs::write(dir.join("notes.xyz"), "hello\n").unwrap();
        let refused = FileItem {
            file: CalculateMetricsArgs { path: Some("../etc/passwd".into()), ..Default::default() },
            error: Some(error(ErrorCode::PathOutsideRoots, "path is outside the configured analysis roots: ../etc/passwd")),
        };
        let items = vec![
            path_item(&dir.join("src/a.py"), &dir),
            inline_item("b.py", PY),
            path_item(&dir.join("missing.py"), &dir),
            path_item(&dir.join("src"), &dir),
            path_item(&dir.join("notes.xyz"), &dir),
            refused,
            inline_item("c.js", "function g(a) { return a && a.b ? 1 : 2; }\n"),
        ];
        let request = PageRequest::of("t", None, None, DEFAULT_PAGE_FILES).unwrap();
        let page = json(&files_page(&items, &request, &ScanOptions::default()).unwrap());
        assert_eq!(page["page"], serde_json::json!({"offset": 0, "count": 7, "totalFiles": 7}));
        assert_eq!(page["nextCursor"], serde_json::Value::Null);
        let files = page["files"].as_array().unwrap();
        // the same numbers calculate-metrics gives: lines as cloc counts them, radon's cyclomatic
        let alone = measure_one(&items[0].file, &ScanOptions::default()).unwrap();
        assert_eq!(files[0], serde_json::to_value(&alone).unwrap());
        assert_eq!((files[0]["path"].as_str(), files[0]["language"].as_str()), (Some("src/a.py"), Some("python")));
        assert_eq!(files[0]["lines"]["code"], 4);
        assert_eq!(files[0]["lines"]["comment"], 1);
        assert_eq!(files[0]["lines"]["blank"], 1);
        assert_eq!(files[0]["functions"][0]["cyclomatic"], 2);
        // inline content: language from the name, path is the name, numbers as for the file
        assert_eq!(files[1]["path"], "b.py");
        assert_eq!(files[1]["lines"], files[0]["lines"]);
        assert_eq!(files[1]["functions"][0]["cyclomatic"], 2);
        assert_eq!(files[2]["path"], "missing.py");
        assert_eq!(files[2]["error"]["code"], "NOT_FOUND");
        assert!(!files[2]["error"]["message"].as_str().unwrap().contains(&*dir.to_string_lossy()), "{}", files[2]);
        assert_eq!(files[3]["error"]["code"], "BAD_ARGUMENTS");
        assert_eq!(files[3]["error"]["message"], "src is a directory; use analyze-metrics");
        assert_eq!(files[4]["error"]["code"], "UNSUPPORTED_LANGUAGE");
        assert_eq!(files[5], serde_json::json!({"path": "../etc/passwd", "error": {"code": "PATH_OUTSIDE_ROOTS",
            "message": "path is outside the configured analysis roots: ../etc/passwd"}}));
        assert_eq!(files[6]["language"], "javascript");
        assert_eq!(files[6]["functions"][0]["cyclomatic"], 3); // ESLint: 1 + && + ?:
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Pages hold `limit` items each, in input order; the cursors walk every item exactly once.
    #[test]
    fn pages_walk_every_item_once_in_order() {
        let items: Vec<FileItem> = (0..7).map(|i| inline_item(&format!("f{i}.py"), &"x = 1\n".repeat(i + 1))).collect();
        let mut cursor: Option<String> = None;
        let mut seen = Vec::new();
        loop {
            let request = PageRequest::of("t", Some(3), cursor.as_deref(), DEFAULT_PAGE_FILES).unwrap();
            let page = json(&files_page(&items, &request, &ScanOptions::default()).unwrap());
            assert!(page["page"]["count"].as_u64().unwrap() <= 3);
            assert_eq!(page["page"]["totalFiles"], 7);
            for f in page["files"].as_array().unwrap() {
                seen.push((f["path"].as_str().unwrap().to_string(), f["lines"]["code"].as_u64().unwrap()));
            }
            match page["nextCursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => break,
            }
        }
        let expected: Vec<_> = (0..7).map(|i| (format!("f{i}.py"), i as u64 + 1)).collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn inline_content_over_the_file_size_limit_is_refused_in_its_item() {
        let options = ScanOptions { max_file_bytes: 10, ..ScanOptions::default() };
        let page = json(&files_page(&[inline_item("big.py", "x = 1\n".repeat(5).as_str()), inline_item("ok.py", "x = 1\n")], &PageRequest::of("t", None, None, 100).unwrap(), &options).unwrap());
        assert_eq!(page["files"][0]["error"]["code"], "BAD_ARGUMENTS");
        assert!(page["files"][0]["error"]["message"].as_str().unwrap().contains("too large"), "{page}");
        assert_eq!(page["files"][1]["lines"]["code"], 1);
    }
}
