//! `get-file`: a line range of one file, as text. Only a regular file is read (type and size by
//! `lstat` first, opened non-blocking: `scan::read_regular`), at most the scan's `max_file_bytes`;
//! a binary file (a NUL in the first 8 KiB) is refused. The content is the range's exact bytes
//! (newlines included, invalid UTF-8 replaced), cut after the last whole line that fits
//! `maxBytes` (`truncated`, with `endLine` the last line sent); a first line longer than that is
//! cut at a character boundary.

use std::path::Path;

use lang::Language;
use protocol::{ErrorBody, ErrorCode, GetFileArgs};
use serde::Serialize;

use crate::scan;

/// `maxBytes` unless the call says otherwise: 256 KiB of text is thousands of lines, more than an
/// agent reads at once; at most 1 MiB, a quarter of a page budget (the answer carries it twice
/// over MCP: text and structured content).
pub const DEFAULT_MAX_BYTES: usize = 256 * 1024;
pub const MAX_MAX_BYTES: usize = 1024 * 1024;

/// A NUL byte within this many leading bytes marks a file as binary (as `search-code` skips it).
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSlice {
    pub path: String,
    /// The language detected from the name and first line (cloc's names), `null` if unknown.
    pub language: Option<&'static str>,
    /// Bytes in the whole file.
    pub size: usize,
    /// Lines in the whole file (a last line without a newline counts).
    pub total_lines: usize,
    pub start_line: usize,
    /// The last line sent (`startLine - 1` for an empty file).
    pub end_line: usize,
    pub truncated: bool,
    pub content: String,
}

fn bad(message: impl Into<String>) -> ErrorBody {
    ErrorBody { code: ErrorCode::BadArguments, message: message.into() }
}

pub fn get_file(args: &GetFileArgs, max_file_bytes: u64) -> Result<FileSlice, ErrorBody> {
    let shown = scan::shown_root(Path::new(&args.path), args.relative_to.as_deref().map(Path::new));
    let max_bytes = args.max_bytes.unwrap_or(DEFAULT_MAX_BYTES);
    if max_bytes == 0 || max_bytes > MAX_MAX_BYTES {
        return Err(bad(format!("`maxBytes` must be 1 to {MAX_MAX_BYTES}")));
    }
    let start = args.start_line.unwrap_or(1);
    if start == 0 || args.end_line.is_some_and(|end| end < start) {
        return Err(bad("lines count from 1 and `endLine` must not be before `startLine`"));
    }
    let meta = crate::files_cmd::named_path(&args.path, "no such file").map_err(|e| ErrorBody { message: e.message.replace(args.path.as_str(), &shown), ..e })?;
    if meta.is_dir() {
        return Err(bad(format!("{shown} is a directory; use folder-structure")));
    }
    let mut source = Vec::new();
    scan::read_regular(Path::new(&args.path), max_file_bytes, &mut source).map_err(|r| bad(format!("{shown}: {r} (at most {max_file_bytes} bytes are read)")))?;
    if source[..source.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err(bad(format!("{shown} is binary; get-file returns text")));
    }
    let starts = line_starts(&source);
    let total_lines = starts.len();
    if start > total_lines.max(1) {
        return Err(bad(format!("`startLine` {start} is past the end of {shown} ({total_lines} lines)")));
    }
    let end = args.end_line.unwrap_or(total_lines).min(total_lines);
    let line_end = |line: usize| starts.get(line).copied().unwrap_or(source.len()); // `line` counted from 0
    let from = if total_lines == 0 { 0 } else { starts[start - 1] };
    let mut last = end;
    while last > start && line_end(last) - from > max_bytes {
        last -= 1;
    }
    let (to, truncated) = match line_end(last) - from {
        n if n <= max_bytes => (line_end(last), last < end),
        _ => (floor_char_boundary(&source, from + max_bytes), true),
    };
    Ok(FileSlice {
        path: shown.clone(),
        language: Language::detect(Path::new(&args.path), &source[..source.len().min(256)]).map(Language::name),
        size: source.len(),
        total_lines,
        start_line: start,
        end_line: if total_lines == 0 { 0 } else { last },
        truncated,
        content: String::from_utf8_lossy(&source[from..to]).into_owned(),
    })
}

/// Where each line starts; none for an empty file.
fn line_starts(source: &[u8]) -> Vec<usize> {
    if source.is_empty() {
        return Vec::new();
    }
    let mut starts = vec![0];
    starts.extend(memchr::memchr_iter(b'\n', source).map(|i| i + 1).filter(|&i| i < source.len()));
    starts
}

/// The last position at or before `at` that does not split a UTF-8 character.
fn floor_char_boundary(source: &[u8], at: usize) -> usize {
    let mut at = at.min(source.len());
    while at > 0 && at < source.len() && (source[at] & 0b1100_0000) == 0b1000_0000 {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(dir: &Path, name: &str, start: Option<usize>, end: Option<usize>, max: Option<usize>) -> Result<FileSlice, ErrorBody> {
        let args = GetFileArgs {
            path: dir.join(name).to_string_lossy().into_owned(),
            relative_to: Some(dir.to_string_lossy().into_owned()),
            start_line: start,
            end_line: end,
            max_bytes: max,
        };
        get_file(&args, 1024 * 1024)
    }

    /// Expected values from `sed -n '2,3p' a.py` and `wc -l a.py` (GNU coreutils 9.1).
    #[test]
    fn a_line_range_is_the_exact_bytes_of_those_lines() {
        let dir = crate::test_dirs::empty("file", "range");
        std::fs::write(dir.join("a.py"), "import os\ndef f():\n    return 1\nx = f()").unwrap();
        let s = slice(&dir, "a.py", Some(2), Some(3), None).unwrap();
        assert_eq!((s.path.as_str(), s.language, s.size, s.total_lines), ("a.py", Some("python"), 39, 4));
        assert_eq!((s.start_line, s.end_line, s.truncated, s.content.as_str()), (2, 3, false, "def f():\n    return 1\n"));
        let tail = slice(&dir, "a.py", Some(4), Some(99), None).unwrap();
        assert_eq!((tail.end_line, tail.content.as_str()), (4, "x = f()"));
        let cut = slice(&dir, "a.py", None, None, Some(12)).unwrap();
        assert_eq!((cut.end_line, cut.truncated, cut.content.as_str()), (1, true, "import os\n"));
        let mid = slice(&dir, "a.py", Some(3), None, Some(4)).unwrap();
        assert_eq!((mid.end_line, mid.truncated, mid.content.as_str()), (3, true, "    "));
        assert!(slice(&dir, "a.py", Some(5), None, None).unwrap_err().message.contains("past the end of a.py (4 lines)"));
        assert_eq!(slice(&dir, "a.py", Some(3), Some(2), None).unwrap_err().code, ErrorCode::BadArguments);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn binary_empty_and_missing_files() {
        let dir = crate::test_dirs::empty("file", "kinds");
        std::fs::write(dir.join("b.bin"), b"ab\0cd").unwrap();
        std::fs::write(dir.join("e.txt"), b"").unwrap();
        assert!(slice(&dir, "b.bin", None, None, None).unwrap_err().message.contains("b.bin is binary"));
        let e = slice(&dir, "e.txt", None, None, None).unwrap();
        assert_eq!((e.total_lines, e.start_line, e.end_line, e.content.as_str(), e.language), (0, 1, 0, "", None));
        let missing = slice(&dir, "gone.txt", None, None, None).unwrap_err();
        assert_eq!((missing.code, missing.message.as_str()), (ErrorCode::NotFound, "no such file: gone.txt"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
