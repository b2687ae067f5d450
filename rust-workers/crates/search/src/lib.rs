//! `search`: code search over a tree, the logic of the `search-code` tool.
//!
//! * [`files`]: which files a search reads (`.gitignore` honoured, hidden files skipped, symlinks
//!   never followed, include/exclude globs), sorted by path: the order of the answer.
//! * [`text`]: literal and regular-expression search (the `regex` crate) with `grep -n`'s line
//!   semantics: one match per matching line, line numbers from 1, byte columns from 1; case
//!   (in)sensitive, whole word (`\b` on both sides).
//! * [`structural`]: tree-sitter queries (S-expression patterns with captures) over the files of
//!   one language.
//!
//! Binary files (a NUL byte in the first 8 KiB, git's rule) are skipped; only regular files are
//! read, through the caller's reader (the analyzer's, which checks the type and size by `lstat`
//! and opens non-blocking), so this crate never opens a FIFO or a device. Files are searched in
//! parallel (rayon) a chunk at a time (growing chunks) in path order, so the answer's order is stable and a search
//! stops soon after `max_results`: it reads and walks no further (the walk streams the files in
//! that order, [`files::Walker`]).

use std::path::Path;

use lang::Language;
use serde::Serialize;

pub mod files;
mod required;
pub mod structural;
pub mod text;

pub use structural::StructuralMatcher;
pub use text::TextMatcher;

/// Why a search could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A regular expression or tree-sitter query that does not compile (the message says where).
    InvalidPattern(String),
    /// An include or exclude glob that does not compile.
    InvalidGlob(String),
    /// A structural search in a language without a grammar.
    UnsupportedLanguage(String),
    /// The caller's `stop` said so (a deadline, a cancellation).
    Stopped,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::InvalidPattern(m) => f.write_str(m),
            Error::InvalidGlob(m) => write!(f, "invalid glob {m}"),
            Error::UnsupportedLanguage(l) => write!(f, "no grammar for `{l}`: structural search needs one"),
            Error::Stopped => f.write_str("stopped"),
        }
    }
}

impl std::error::Error for Error {}

/// What to look for.
pub enum Matcher {
    Text(TextMatcher),
    Structural(StructuralMatcher),
}

/// Where and how much.
pub struct Scope<'a> {
    /// The directory (or file) to search.
    pub root: &'a Path,
    /// Paths in the answer are relative to this directory.
    pub base: &'a Path,
    pub include: &'a [String],
    pub exclude: &'a [String],
    /// Lines before and after each text match.
    pub context_lines: usize,
    /// The search stops after this many matches (`truncated` says there were more).
    pub max_results: usize,
}

/// Reads a regular file into the buffer, or says why not (the reason a skip shows).
pub type Reader<'a> = &'a (dyn Fn(&Path, &mut Vec<u8>) -> Result<(), String> + Sync);

/// One match. Lines and columns count from 1, columns in bytes; `endColumn` is the column just
/// after the match (on `endLine`). `text` is the match's (first) line, at most
/// [`MAX_LINE_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    /// Shared by a file's matches (one allocation per file, not per match).
    #[serde(serialize_with = "as_str")]
    pub path: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub before: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub captures: Vec<Capture>,
}

fn as_str<S: serde::Serializer>(text: &std::sync::Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

/// A structural match's capture: its name, where it starts, its text (at most [`MAX_LINE_BYTES`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capture {
    pub name: String,
    pub line: usize,
    pub column: usize,
    pub text: String,
}

/// A file the search did not read, and why (`binary`, `too large`, `symlink`, `fifo`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// A search's answer: every match up to `max_results` in path, then line order.
#[derive(Debug, Default)]
pub struct Found {
    pub matches: Vec<Match>,
    /// Files read (for a structural search: files of its language); up to where it stopped.
    pub files_searched: usize,
    pub files_with_matches: usize,
    /// More matches exist than `max_results`.
    pub truncated: bool,
    /// Files not read, by path; for a truncated search those walked before its last searched file.
    pub skipped: Vec<Skipped>,
}

/// A line or capture longer than this is cut (at a character boundary): a minified file's one
/// line must not fill a page.
pub const MAX_LINE_BYTES: usize = 1000;

/// Files searched in parallel in the first chunk; each chunk after it is twice as large. After a
/// chunk the search may stop (`max_results`, `stop`): small first chunks stop a search with few
/// wanted matches soon, growing ones keep the number of chunk barriers (where every thread waits
/// for the slowest, on a loaded machine for a core) to a dozen for 100,000 files.
const FIRST_CHUNK_FILES: usize = 256;

/// A NUL byte within this many leading bytes marks a file as binary (git's and ripgrep's rule).
const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Searches `scope` with `matcher`, reading files with `read`; `stop` is asked between chunks.
pub fn search(matcher: &Matcher, scope: &Scope<'_>, read: Reader<'_>, stop: &(dyn Fn() -> bool + Sync)) -> Result<Found, Error> {
    let mut matches = Vec::new();
    let per_file = |source: &[u8], shown: &Shown<'_>, language: Option<Language>, wanted: usize| {
        let found = file_matches(matcher, scope, source, shown, language, wanted);
        let n = found.len();
        (found, n)
    };
    let structural = match matcher {
        Matcher::Structural(m) => Some(m),
        Matcher::Text(_) => None,
    };
    let mut found = drive(structural, scope, read, stop, &per_file, &mut |file: Vec<Match>, keep| {
        matches.extend(file.into_iter().take(keep));
        true
    })?;
    found.matches = matches;
    Ok(found)
}

/// A text search's matches as `grep -n` prints them, one `path:line:text\n` record per match
/// (`text` as in [`Match::text`]), handed to `emit` in path then line order, a file's records at
/// a time; the returned [`Found`] has the counts and no `matches`. The same files, lines and
/// stops as [`search`], without a [`Match`] per line ([`search_records`] with a grep-style
/// record), which is what makes a search with 100,000 matching lines as cheap as `grep -rn`
/// (decision 025). `emit` returning false stops the search ([`Error::Stopped`]).
pub fn search_lines(matcher: &TextMatcher, scope: &Scope<'_>, read: Reader<'_>, stop: &(dyn Fn() -> bool + Sync), emit: &mut dyn FnMut(&[u8]) -> bool) -> Result<Found, Error> {
    search_records(matcher, scope, read, stop, &grep_line, &mut |records, _| emit(records))
}

/// `path:line:text\n`, `text` as [`shown_line`] makes it.
fn grep_line(out: &mut Vec<u8>, hit: &TextHit<'_>) {
    out.extend_from_slice(hit.path.as_bytes());
    out.push(b':');
    push_decimal(out, hit.hit.line + 1);
    out.push(b':');
    out.extend_from_slice(shown_line(hit.line_bytes()).as_bytes());
    out.push(b'\n');
}

/// A text match as a record writer of [`search_records`] sees it: the file's shown path and
/// bytes, and where the match is.
pub struct TextHit<'a> {
    pub path: &'a str,
    pub source: &'a [u8],
    pub hit: &'a text::LineHit,
}

impl TextHit<'_> {
    /// The matching line, the newline not included.
    pub fn line_bytes(&self) -> &[u8] {
        &self.source[self.hit.start..self.hit.end]
    }
}

/// Writes one match's record (`out` holds the file's records before it).
pub type RecordWriter<'a> = &'a (dyn Fn(&mut Vec<u8>, &TextHit<'_>) + Sync);

/// A text search whose matches the caller writes as records of its own format (`record`: grep's
/// lines for the CLI, JSON for `search-code`), on the thread that searched the file, into one
/// buffer per file from borrowed line slices (no `String` per line); `emit` gets them in path then
/// line order, a file's at a time: the bytes of the records kept (all but those past
/// `max_results`) and where each ends in them. The same files, lines, stops and counts as
/// [`search`]; the returned [`Found`] has no `matches`. `emit` returning false stops the search
/// ([`Error::Stopped`]).
pub fn search_records(matcher: &TextMatcher, scope: &Scope<'_>, read: Reader<'_>, stop: &(dyn Fn() -> bool + Sync), record: RecordWriter<'_>, emit: &mut dyn FnMut(&[u8], &[usize]) -> bool) -> Result<Found, Error> {
    let per_file = |source: &[u8], shown: &Shown<'_>, _: Option<Language>, wanted: usize| {
        let records = Records::of(matcher, source, shown, wanted, record);
        let n = records.ends.len();
        (records, n)
    };
    drive(None, scope, read, stop, &per_file, &mut |records: Records, keep| {
        let end = if keep == 0 { 0 } else { records.ends[keep - 1] };
        end == 0 || emit(&records.bytes[..end], &records.ends[..keep])
    })
}

/// One file's records, and where each ends.
struct Records {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Records {
    fn of(matcher: &TextMatcher, source: &[u8], shown: &Shown<'_>, wanted: usize, record: RecordWriter<'_>) -> Records {
        let mut records = Records { bytes: Vec::new(), ends: Vec::new() };
        let mut path = None;
        matcher.matching_lines(source, |hit| {
            let path = path.get_or_insert_with(|| shown.path());
            record(&mut records.bytes, &TextHit { path, source, hit: &hit });
            records.ends.push(records.bytes.len());
            records.ends.len() < wanted
        });
        records
    }
}

/// `n` in decimal (what `write!("{n}")` gives, without the formatting machinery).
pub fn push_decimal(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// What one file's search gives (`T`) and how many matches that is.
type PerFile<'a, T> = dyn Fn(&[u8], &Shown<'_>, Option<Language>, usize) -> (T, usize) + Sync + 'a;

/// A file's path as an answer shows it, made when needed: most files of a search have no match.
struct Shown<'a> {
    path: &'a Path,
    base: &'a Path,
}

impl Shown<'_> {
    fn path(&self) -> String {
        files::display(self.path, self.base)
    }
}

/// The search's walk and reads, shared by [`search`] and [`search_lines`]: the walked files (for
/// a `structural` search only those of its languages) in growing chunks, each chunk's files
/// searched in parallel by `per_file` (the file's bytes, its shown path, its language for a
/// structural search, how many matches are wanted), then handed in path order to `take` with how
/// many of their matches to keep (all but those past `max_results`); `take` returning false
/// stops the search. The walk ([`files::Walker`], in the order [`files::list`] sorts by) runs on
/// its own thread, handing entries in batches of [`WALK_BATCH`] (a hand-over per entry cost a tenth
/// of a search's CPU time), at most [`WALK_AHEAD`] batches ahead of the chunk being searched, and ends
/// with the search: a search that has `max_results` matches reads and walks no further. Its
/// skipped entries (symlinks, special files) are those walked before the last searched file.
fn drive<T: Send>(structural: Option<&StructuralMatcher>, scope: &Scope<'_>, read: Reader<'_>, stop: &(dyn Fn() -> bool + Sync), per_file: &PerFile<'_, T>, take: &mut dyn FnMut(T, usize) -> bool) -> Result<Found, Error> {
    let walker = files::Walker::new(scope.root, scope.include, scope.exclude)?;
    let base = if scope.root.starts_with(scope.base) { scope.base } else { scope.root };
    std::thread::scope(|threads| {
        let (sender, walked) = std::sync::mpsc::sync_channel::<Vec<files::Walked>>(WALK_AHEAD);
        threads.spawn(move || {
            let mut batch = Vec::with_capacity(WALK_BATCH);
            let mut going = true;
            walker.run(&mut |entry| {
                batch.push(entry);
                if batch.len() == WALK_BATCH {
                    going = sender.send(std::mem::replace(&mut batch, Vec::with_capacity(WALK_BATCH))).is_ok();
                }
                going
            });
            if going && !batch.is_empty() {
                let _ = sender.send(batch);
            }
        });
        // `walked` is dropped when this returns, which ends the walk (before the scope joins it)
        search_walked(walked, base, structural, scope, read, stop, per_file, take)
    })
}

/// Batches the walk may hand ahead of the search: enough that the searching threads seldom wait
/// for it, few enough that a search which stops early walks little past where it stopped.
const WALK_AHEAD: usize = 4;

/// Walked entries handed over at a time.
const WALK_BATCH: usize = 64;

/// [`drive`]'s search of the files `walked` hands, a chunk at a time.
#[allow(clippy::too_many_arguments)]
fn search_walked<T: Send>(walked: std::sync::mpsc::Receiver<Vec<files::Walked>>, base: &Path, structural: Option<&StructuralMatcher>, scope: &Scope<'_>, read: Reader<'_>, stop: &(dyn Fn() -> bool + Sync), per_file: &PerFile<'_, T>, take: &mut dyn FnMut(T, usize) -> bool) -> Result<Found, Error> {
    let mut found = Found::default();
    let (mut chunk, mut chunk_len, mut kept) = (Vec::new(), FIRST_CHUNK_FILES, 0usize);
    // a batch's entries past a full chunk are the next chunk's
    let mut batch = Vec::new().into_iter();
    loop {
        chunk.clear();
        while chunk.len() < chunk_len {
            let entry = match batch.next() {
                Some(entry) => entry,
                None => match walked.recv() {
                    Ok(next) => {
                        batch = next.into_iter();
                        continue;
                    }
                    Err(_) => break, // the walk ended
                },
            };
            match entry {
                files::Walked::File(path) => chunk.push(path),
                files::Walked::Skipped(path, reason) => found.skipped.push(Skipped { path: files::display(&path, base), reason }),
            }
        }
        if chunk.is_empty() {
            break;
        }
        chunk_len *= 2;
        if stop() {
            return Err(Error::Stopped);
        }
        let wanted = scope.max_results + 1 - kept.min(scope.max_results);
        let results = search_chunk(&chunk, wanted, &|path, wanted| search_file(structural, &Shown { path, base }, read, wanted, per_file));
        for result in results {
            match result {
                FileResult::NotSearched => {}
                FileResult::Skipped(s) => found.skipped.push(s),
                FileResult::Searched(file, n) => {
                    found.files_searched += 1;
                    found.files_with_matches += usize::from(n > 0);
                    let keep = n.min(scope.max_results - kept);
                    found.truncated |= keep < n;
                    kept += keep;
                    if !take(file, keep) {
                        return Err(Error::Stopped);
                    }
                }
            }
        }
        if found.truncated {
            break;
        }
    }
    // by path, then reason (a root's walk errors): the order of the listing's skipped entries
    found.skipped.sort_by(|a, b| (&a.path, &a.reason).cmp(&(&b.path, &b.reason)));
    Ok(found)
}

/// A chunk's files searched in parallel, each by `search` with how many matches are wanted of
/// it, the results in the chunk's order. Every file is searched (the answer counts the chunk's
/// files and those with a match), but one that lies past the `wanted` matches of the files before
/// it needs no matches, only whether it has one, so it is searched for one: the files are started
/// in order (each thread takes the next), and a file started once the files already finished
/// have `wanted` matches between them is such a file, since those files all come before it.
/// For a capped search that is most of the files of its last chunk (which would otherwise each
/// give up to `wanted` matches, all dropped).
fn search_chunk<T: Send>(chunk: &[std::path::PathBuf], wanted: usize, search: &(dyn Fn(&Path, usize) -> FileResult<T> + Sync)) -> Vec<FileResult<T>> {
    use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
    let (next, finished_matches) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let searched = std::sync::Mutex::new(Vec::with_capacity(chunk.len()));
    rayon::scope(|threads| {
        for _ in 0..rayon::current_num_threads().min(chunk.len()) {
            threads.spawn(|_| {
                let mut mine = Vec::new();
                loop {
                    // read before taking a file: the files counted in it were taken before this one
                    let past = finished_matches.load(SeqCst) >= wanted;
                    let i = next.fetch_add(1, SeqCst);
                    let Some(path) = chunk.get(i) else { break };
                    let result = search(path, if past { 1 } else { wanted });
                    if let FileResult::Searched(_, n) = &result {
                        finished_matches.fetch_add(*n, SeqCst);
                    }
                    mine.push((i, result));
                }
                searched.lock().unwrap_or_else(|p| p.into_inner()).append(&mut mine);
            });
        }
    });
    let mut searched = searched.into_inner().unwrap_or_else(|p| p.into_inner());
    searched.sort_unstable_by_key(|(i, _)| *i);
    searched.into_iter().map(|(_, result)| result).collect()
}

enum FileResult<T> {
    /// Not of the structural search's language.
    NotSearched,
    Skipped(Skipped),
    /// What the file gave and how many matches that is.
    Searched(T, usize),
}

fn search_file<T>(structural: Option<&StructuralMatcher>, shown: &Shown<'_>, read: Reader<'_>, wanted: usize, per_file: &PerFile<'_, T>) -> FileResult<T> {
    let path = shown.path;
    let language = match structural {
        Some(m) => match Language::detect(path, &[]) {
            Some(l) if m.searches(l) => Some(l),
            _ => return FileResult::NotSearched,
        },
        None => None,
    };
    SOURCE.with(|buffer| {
        let mut source = buffer.take();
        let result = match read(path, &mut source) {
            Err(reason) => FileResult::Skipped(Skipped { path: shown.path(), reason }),
            Ok(()) if memchr::memchr(0, &source[..source.len().min(BINARY_SNIFF_BYTES)]).is_some() => FileResult::Skipped(Skipped { path: shown.path(), reason: "binary".into() }),
            Ok(()) => {
                let (file, n) = per_file(&source, shown, language, wanted);
                FileResult::Searched(file, n)
            }
        };
        if source.capacity() <= KEPT_BUFFER_BYTES {
            buffer.set(source);
        }
        result
    })
}

thread_local! {
    /// The buffer a thread reads its files into, kept from file to file (a fresh one per file
    /// cost an allocation, and page faults for large files, every time).
    static SOURCE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A thread keeps its read buffer up to this size (a 100 MB file's buffer is let go).
const KEPT_BUFFER_BYTES: usize = 4 << 20;

/// A file's matches as [`Match`]es, at most `wanted`.
fn file_matches(matcher: &Matcher, scope: &Scope<'_>, source: &[u8], shown: &Shown<'_>, language: Option<Language>, wanted: usize) -> Vec<Match> {
    let mut path = None;
    let mut path_shown = || std::sync::Arc::clone(path.get_or_insert_with(|| std::sync::Arc::<str>::from(shown.path())));
    let mut matches = Vec::new();
    match (matcher, language) {
        (Matcher::Text(m), _) => m.matching_lines(source, |hit| {
            let (before, after) = text::context(source, hit.start, hit.end, scope.context_lines);
            matches.push(Match {
                path: path_shown(),
                line: hit.line + 1,
                column: hit.match_start + 1,
                end_line: hit.line + 1,
                end_column: hit.match_end + 1,
                text: shown_text(&source[hit.start..hit.end]),
                before: before.into_iter().map(shown_text).collect(),
                after: after.into_iter().map(shown_text).collect(),
                captures: Vec::new(),
            });
            matches.len() < wanted
        }),
        (Matcher::Structural(m), Some(language)) => {
            for hit in m.matches(language, source).into_iter().take(wanted) {
                let line_start = memchr::memrchr(b'\n', &source[..hit.start_byte]).map_or(0, |i| i + 1);
                let line_end = memchr::memchr(b'\n', &source[hit.start_byte..]).map_or(source.len(), |i| hit.start_byte + i);
                matches.push(Match {
                    path: path_shown(),
                    line: hit.start.0 + 1,
                    column: hit.start.1 + 1,
                    end_line: hit.end.0 + 1,
                    end_column: hit.end.1 + 1,
                    text: shown_text(&source[line_start..line_end]),
                    before: Vec::new(),
                    after: Vec::new(),
                    captures: hit
                        .captures
                        .iter()
                        .map(|c| Capture { name: c.name.clone(), line: c.row + 1, column: c.column + 1, text: shown_text(&source[c.start_byte..c.end_byte]) })
                        .collect(),
                });
            }
        }
        (Matcher::Structural(_), None) => {}
    }
    matches
}

/// Bytes as answer text: invalid UTF-8 replaced, cut to [`MAX_LINE_BYTES`] at a character
/// boundary; borrowed when that changes nothing (most lines).
pub fn shown_line(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if bytes.len() <= MAX_LINE_BYTES {
        if let Ok(text) = std::str::from_utf8(bytes) {
            return std::borrow::Cow::Borrowed(text);
        }
    }
    std::borrow::Cow::Owned(shown_text(bytes))
}

/// [`shown_line`] as a `String`.
fn shown_text(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_LINE_BYTES + 4)]);
    if text.len() <= MAX_LINE_BYTES {
        return text.into_owned();
    }
    let mut cut = MAX_LINE_BYTES;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fresh directory under the system temp dir for one test.
    pub fn fixture_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mcpca-search-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn read(path: &Path, buf: &mut Vec<u8>) -> Result<(), String> {
        *buf = std::fs::read(path).map_err(|e| e.to_string())?;
        Ok(())
    }

    fn scope<'a>(root: &'a Path, max_results: usize, context_lines: usize) -> Scope<'a> {
        Scope { root, base: root, include: &[], exclude: &[], context_lines, max_results }
    }

    /// The fixture tree under `tests/fixtures/tree`; expected values from
    /// `grep -rn --exclude=.gitignore load .` there (GNU grep 3.8), whose lines, sorted by path,
    /// are: `a/Main.java:3`, `a/Main.java:5`, `b/util.py:1`, `b/util.py:4`, `c/app.js:2` (the
    /// ignored `build/out.js` and the binary `data.bin` are grep's extra lines).
    #[test]
    fn text_search_agrees_with_grep_on_the_fixture_tree() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tree");
        let found = search(&Matcher::Text(TextMatcher::new("load", true, true, false).unwrap()), &scope(&root, 100, 0), &read, &|| false).unwrap();
        let lines: Vec<_> = found.matches.iter().map(|m| format!("{}:{}", m.path, m.line)).collect();
        assert_eq!(lines, ["a/Main.java:3", "a/Main.java:5", "b/util.py:1", "b/util.py:4", "c/app.js:2"]);
        assert_eq!((found.files_searched, found.files_with_matches, found.truncated), (4, 3, false));
        assert_eq!(found.skipped, [Skipped { path: "data.bin".into(), reason: "binary".into() }]);
        let first = search(&Matcher::Text(TextMatcher::new("load", true, true, false).unwrap()), &scope(&root, 2, 1), &read, &|| false).unwrap();
        assert_eq!((first.matches.len(), first.truncated), (2, true));
        assert_eq!((first.matches[0].before.len(), first.matches[0].after.len()), (1, 1));
    }

    /// `search_lines` prints what `search` finds as `path:line:text` (the same files, lines,
    /// counts and cut at `max_results`), with `text` as `Match::text` has it: an invalid UTF-8
    /// byte replaced, a long line cut; `emit` saying stop ends the search.
    #[test]
    fn search_lines_prints_the_matches_of_search() {
        let dir = fixture_dir("lines");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("a.txt"), b"load one\nnothing\n\xffload bad\n").unwrap();
        std::fs::write(dir.join("sub/b.txt"), format!("{}load\nload\n", "\u{e9}".repeat(600))).unwrap();
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tree");
        for root in [&dir, &fixture] {
            for max_results in [100, 3, 2, 1] {
                let m = TextMatcher::new("load", true, true, false).unwrap();
                let found = search(&Matcher::Text(TextMatcher::new("load", true, true, false).unwrap()), &scope(root, max_results, 0), &read, &|| false).unwrap();
                let expected: String = found.matches.iter().map(|m| format!("{}:{}:{}\n", m.path, m.line, m.text)).collect();
                let mut printed = Vec::new();
                let counts = search_lines(&m, &scope(root, max_results, 0), &read, &|| false, &mut |records| {
                    printed.extend_from_slice(records);
                    true
                })
                .unwrap();
                assert_eq!(String::from_utf8(printed).unwrap(), expected, "{} at most {max_results}", root.display());
                assert!(counts.matches.is_empty());
                assert_eq!((counts.files_searched, counts.files_with_matches, counts.truncated, counts.skipped), (found.files_searched, found.files_with_matches, found.truncated, found.skipped));
            }
        }
        let found = search(&Matcher::Text(TextMatcher::new("load", true, true, false).unwrap()), &scope(&dir, 100, 0), &read, &|| false).unwrap();
        assert_eq!(found.matches[1].text, "\u{fffd}load bad");
        assert_eq!((found.matches[2].line, found.matches[2].text.len()), (1, MAX_LINE_BYTES));
        let m = TextMatcher::new("load", true, true, false).unwrap();
        assert_eq!(search_lines(&m, &scope(&dir, 100, 0), &read, &|| false, &mut |_| false).unwrap_err(), Error::Stopped);
    }

    /// Matches come in the order of `files::list` (`Path`'s, where `a/b` is before `a b/c` and
    /// `a-c` though both strings sort first) at every `max_results`, in `search` and `search_lines` (the
    /// CLI) alike; a capped search is the full one's prefix with the same counts up to its chunk.
    #[test]
    fn matches_come_in_the_listing_order_at_every_cap() {
        let dir = fixture_dir("order");
        let names = ["a-c", "a/b", "a/x/y", "a.b", "a b/c", "ab", "B", "\u{e9}", "a/\u{ff}z", "a0", "a/b-c", "a/b/d"];
        for name in names.iter().filter(|n| **n != "a/b") {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "hit\nmiss\nhit\n").unwrap();
        }
        let listed: Vec<String> = files::list(&dir, &[], &[]).unwrap().files.iter().map(|f| files::display(f, &dir)).collect();
        assert_eq!(listed, ["B", "a/b/d", "a/b-c", "a/x/y", "a/\u{ff}z", "a b/c", "a-c", "a.b", "a0", "ab", "\u{e9}"]);
        let m = || TextMatcher::new("hit", true, true, false).unwrap();
        let full = search(&Matcher::Text(m()), &scope(&dir, 100, 0), &read, &|| false).unwrap();
        let lines: Vec<String> = full.matches.iter().map(|m| format!("{}:{}", m.path, m.line)).collect();
        let expected: Vec<String> = listed.iter().flat_map(|f| [format!("{f}:1"), format!("{f}:3")]).collect();
        assert_eq!(lines, expected);
        for max_results in 1..=expected.len() {
            let capped = search(&Matcher::Text(m()), &scope(&dir, max_results, 0), &read, &|| false).unwrap();
            let lines: Vec<String> = capped.matches.iter().map(|m| format!("{}:{}", m.path, m.line)).collect();
            assert_eq!(lines, expected[..max_results], "at most {max_results}");
            assert_eq!(capped.truncated, max_results < expected.len());
            let mut printed = Vec::new();
            search_lines(&m(), &scope(&dir, max_results, 0), &read, &|| false, &mut |r| {
                printed.extend_from_slice(r);
                true
            })
            .unwrap();
            let printed: Vec<String> = String::from_utf8(printed).unwrap().lines().map(|l| l.rsplit_once(':').unwrap().0.to_string()).collect();
            assert_eq!(printed, expected[..max_results]);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// On a tree of more files than the first chunk and the walk's batches, a capped search is
    /// the full one's prefix; it searches whole chunks (256, then 512 files) and stops after the
    /// one where it has its matches; its skipped entries (symlinks, one every 50 files) are those
    /// walked before its last searched file, and the full search's are all of them.
    #[test]
    fn a_capped_search_over_chunks_and_batches_is_the_full_ones_prefix() {
        let dir = fixture_dir("chunks");
        let files = 600;
        for i in 0..files {
            std::fs::create_dir_all(dir.join(format!("d{:03}", i / 7))).unwrap();
            std::fs::write(dir.join(format!("d{:03}/f{i:03}", i / 7)), "hit\n").unwrap();
            if i % 50 == 0 {
                std::os::unix::fs::symlink(dir.join("d000/f000"), dir.join(format!("d{:03}/l{i:03}", i / 7))).unwrap();
            }
        }
        let m = || Matcher::Text(TextMatcher::new("hit", true, true, false).unwrap());
        let full = search(&m(), &scope(&dir, 10_000, 0), &read, &|| false).unwrap();
        assert_eq!((full.matches.len(), full.files_searched, full.truncated, full.skipped.len()), (files, files, false, files / 50));
        let full_lines: Vec<String> = full.matches.iter().map(|m| m.path.to_string()).collect();
        for max_results in [1, 63, 64, 65, 200, 255, 256, 257, 300, 599] {
            let capped = search(&m(), &scope(&dir, max_results, 0), &read, &|| false).unwrap();
            let lines: Vec<String> = capped.matches.iter().map(|m| m.path.to_string()).collect();
            assert_eq!(lines, full_lines[..max_results], "at most {max_results}");
            let searched = if max_results < 256 { 256 } else { files };
            // every file has a match: those past the cap, searched for one only, count too
            assert_eq!((capped.files_searched, capped.files_with_matches, capped.truncated), (searched, searched, true), "at most {max_results}");
            // a symlink sorts after its directory's files: walked before the last searched file
            // (`f{searched - 1}`) when its directory comes before that file's
            let links: Vec<&str> = capped.skipped.iter().map(|s| s.path.as_str()).collect();
            let expected: Vec<String> = (0..files).step_by(50).filter(|i| i / 7 < (searched - 1) / 7 || searched == files).map(|i| format!("d{:03}/l{i:03}", i / 7)).collect();
            assert_eq!(links, expected, "at most {max_results}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn structural_search_reads_only_its_language() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tree");
        let q = StructuralMatcher::new("(function_definition name: (identifier) @name)", Language::Python).unwrap();
        let found = search(&Matcher::Structural(q), &scope(&root, 100, 0), &read, &|| false).unwrap();
        assert_eq!(found.files_searched, 1);
        let names: Vec<_> = found.matches.iter().map(|m| (m.line, m.captures[0].text.as_str())).collect();
        assert_eq!(names, [(1, "load"), (3, "fetch")]);
    }

    #[test]
    fn a_stop_ends_the_search() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tree");
        let m = Matcher::Text(TextMatcher::new("x", true, true, false).unwrap());
        assert_eq!(search(&m, &scope(&root, 10, 0), &read, &|| true).unwrap_err(), Error::Stopped);
    }
}
