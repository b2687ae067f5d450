//! Text search with `grep -n`'s line semantics: a line matches when the pattern matches inside it
//! (the newline not included), each matching line is reported once, numbered from 1, with the
//! byte column of its first match. The pattern runs over the whole file first (one pass of the
//! regex engine for a file without a match, as grep does), and a candidate is confirmed on its
//! own line, so a pattern that could span lines (`a\sb`) still matches within one line only.

use memchr::{memchr, memrchr};
use regex::bytes::{Regex, RegexBuilder};

use crate::required::Prefilter;
use crate::Error;

/// A compiled literal or regular expression.
pub struct TextMatcher {
    regex: Regex,
    /// The literals every match contains, when there are usable ones (`required.rs`).
    prefilter: Option<Prefilter>,
}

/// One matching line: its 0-based number, where it starts and ends in the file (the newline not
/// included) and where its first match starts and ends within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineHit {
    pub line: usize,
    pub start: usize,
    pub end: usize,
    pub match_start: usize,
    pub match_end: usize,
}

/// The most a compiled pattern may take: a pattern like `\w{1000}{1000}` would otherwise take
/// gigabytes (the regex crate's default is 10 MiB too; said here so it stays a decision).
const REGEX_SIZE_LIMIT: usize = 10 * 1024 * 1024;

impl TextMatcher {
    /// `pattern` as a literal (`literal`) or a regular expression (the `regex` crate's syntax);
    /// `whole_word` puts `\b` on both sides. A pattern that does not compile, or an empty one, is
    /// [`Error::InvalidPattern`].
    pub fn new(pattern: &str, literal: bool, case_sensitive: bool, whole_word: bool) -> Result<TextMatcher, Error> {
        if pattern.is_empty() {
            return Err(Error::InvalidPattern("the pattern is empty".into()));
        }
        let body = if literal { regex::escape(pattern) } else { pattern.to_string() };
        let source = if whole_word { format!(r"\b(?:{body})\b") } else { body };
        let regex = RegexBuilder::new(&source)
            .case_insensitive(!case_sensitive)
            .multi_line(true)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| Error::InvalidPattern(format!("invalid regular expression: {e}")))?;
        Ok(TextMatcher { regex, prefilter: Prefilter::of(&source, !case_sensitive) })
    }

    /// Calls `on_hit` for every matching line of `source`, in order; stops when it returns false.
    pub fn matching_lines(&self, source: &[u8], on_hit: impl FnMut(LineHit) -> bool) {
        match &self.prefilter {
            Some(prefilter) => self.lines_with_literals(prefilter, source, on_hit),
            None => self.lines_by_regex(source, on_hit),
        }
    }

    /// [`Self::matching_lines`] through the required literals: only a line with one can hold a
    /// match (a match contains one), so the regex runs on those lines alone, with the file before
    /// the line as its context (`^`, `\b` look back) and the line's end as the haystack's end
    /// (where `$` and `\b` see the same as before a newline). That is the first match within the
    /// line of [`Self::lines_by_regex`], which runs over the whole file (the pattern has no `\A`
    /// or `\z`, see [`Prefilter::of`]). A file without a literal is one `memmem` pass.
    fn lines_with_literals(&self, prefilter: &Prefilter, source: &[u8], mut on_hit: impl FnMut(LineHit) -> bool) {
        let (mut pos, mut line, mut counted_to) = (0, 0, 0);
        while let Some((at, len)) = prefilter.find(source, pos) {
            let line_start = memrchr(b'\n', &source[pos..at]).map_or(pos, |i| pos + i + 1);
            let line_end = memchr(b'\n', &source[at..]).map_or(source.len(), |i| at + i);
            // an exact literal's first occurrence in its line is the line's first match
            let found = if prefilter.exact { Some((at, at + len)) } else { self.regex.find_at(&source[..line_end], line_start).map(|m| (m.start(), m.end())) };
            if let Some((match_start, match_end)) = found {
                line += newlines(&source[counted_to..line_start]);
                counted_to = line_start;
                let hit = LineHit { line, start: line_start, end: line_end, match_start: match_start - line_start, match_end: match_end - line_start };
                if !on_hit(hit) {
                    return;
                }
            }
            pos = line_end + 1;
            if pos >= source.len() {
                return;
            }
        }
    }

    /// [`Self::matching_lines`] by the regex over the whole file.
    fn lines_by_regex(&self, source: &[u8], mut on_hit: impl FnMut(LineHit) -> bool) {
        let (mut pos, mut line, mut counted_to) = (0, 0, 0);
        while pos <= source.len() {
            let Some(candidate) = self.regex.find_at(source, pos) else { return };
            let start = candidate.start();
            let line_start = memrchr(b'\n', &source[..start]).map_or(0, |i| i + 1);
            if line_start == source.len() && (source.is_empty() || source.ends_with(b"\n")) {
                return; // after the last newline there is no line (grep reports none there)
            }
            let line_end = memchr(b'\n', &source[start..]).map_or(source.len(), |i| start + i);
            line += newlines(&source[counted_to..line_start]);
            counted_to = line_start;
            // The candidate is the leftmost match from the line's start; inside its line it is the
            // line's first match. Only one that runs past the line is confirmed on the line alone.
            let within = if candidate.end() <= line_end {
                Some((start - line_start, candidate.end() - line_start))
            } else {
                self.regex.find(&source[line_start..line_end]).map(|m| (m.start(), m.end()))
            };
            if let Some((match_start, match_end)) = within {
                let hit = LineHit { line, start: line_start, end: line_end, match_start, match_end };
                if !on_hit(hit) {
                    return;
                }
            }
            pos = line_end + 1;
        }
    }
}

/// The newlines in `bytes`: many times faster than a `memchr` call per newline on code, where
/// lines are short. On x86_64, SSE2 (part of the architecture): 16 bytes compared at a time, the
/// matches subtracted into 16 byte-sized counters, summed (`psadbw`) before one can overflow.
/// The counts a plain `filter().count()` (LLVM vectorized it into 64-bit lanes, 2 bytes a
/// step) or a byte-lane array (not vectorized) compiled to were a tenth of a search's CPU time
/// with 100,000 matching lines.
#[cfg(target_arch = "x86_64")]
fn newlines(bytes: &[u8]) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_cvtsi128_si64, _mm_loadu_si128, _mm_sad_epu8, _mm_set1_epi8,
        _mm_setzero_si128, _mm_sub_epi8, _mm_unpackhi_epi64,
    };
    const VECTOR: usize = 16;
    let mut total = 0;
    let mut blocks = bytes.chunks(VECTOR * 255);
    for block in &mut blocks {
        let mut vectors = block.chunks_exact(VECTOR);
        // SAFETY: SSE2 is in every x86_64 CPU (the target's baseline); each load reads the 16
        // bytes of one `chunks_exact(16)` chunk, unaligned load allowed.
        let counted = unsafe {
            let newline = _mm_set1_epi8(b'\n' as i8);
            let mut counts = _mm_setzero_si128();
            for vector in &mut vectors {
                let v = _mm_loadu_si128(vector.as_ptr().cast::<__m128i>());
                counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(v, newline)); // a match is -1
            }
            let sums = _mm_sad_epu8(counts, _mm_setzero_si128());
            (_mm_cvtsi128_si64(sums) + _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums))) as usize
        };
        total += counted + vectors.remainder().iter().filter(|&&b| b == b'\n').count();
    }
    total
}

/// The newlines in `bytes` (see the x86_64 version).
#[cfg(not(target_arch = "x86_64"))]
fn newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// The `n` lines before the line starting at `start` and the `n` after the one ending at `end`.
pub fn context(source: &[u8], start: usize, end: usize, n: usize) -> (Vec<&[u8]>, Vec<&[u8]>) {
    let mut before = Vec::new();
    let mut at = start;
    while before.len() < n && at > 0 {
        let prev_end = at - 1; // the newline before the line at `at`
        let prev_start = memrchr(b'\n', &source[..prev_end]).map_or(0, |i| i + 1);
        before.push(&source[prev_start..prev_end]);
        at = prev_start;
    }
    before.reverse();
    let mut after = Vec::new();
    let mut at = end + 1;
    while after.len() < n && at < source.len() {
        let next_end = memchr(b'\n', &source[at..]).map_or(source.len(), |i| at + i);
        after.push(&source[at..next_end]);
        at = next_end + 1;
    }
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(m: &TextMatcher, source: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        m.matching_lines(source.as_bytes(), |h| {
            out.push((h.line + 1, h.match_start + 1));
            true
        });
        out
    }

    /// Expected values: `printf "$SOURCE" | grep -n -b -o` style by hand, checked with
    /// `grep -n 'PATTERN'` (GNU grep 3.8) on the same text.
    #[test]
    fn lines_match_as_grep_numbers_them() {
        let src = "foo bar\nbaz\nfoo\n\nxfoox\n";
        assert_eq!(lines(&TextMatcher::new("foo", true, true, false).unwrap(), src), [(1, 1), (3, 1), (5, 2)]);
        assert_eq!(lines(&TextMatcher::new("foo", true, true, true).unwrap(), src), [(1, 1), (3, 1)]);
        assert_eq!(lines(&TextMatcher::new("^$", false, true, false).unwrap(), src), [(4, 1)]);
        assert_eq!(lines(&TextMatcher::new("BA.", false, false, false).unwrap(), src), [(1, 5), (2, 1)]);
        // a pattern that could span a newline matches within a line only, as grep's does
        assert_eq!(lines(&TextMatcher::new(r"bar\sbaz", false, true, false).unwrap(), src), []);
        assert_eq!(lines(&TextMatcher::new("x*", false, true, false).unwrap(), "a\nb"), [(1, 1), (2, 1)]);
        assert_eq!(lines(&TextMatcher::new("a.b", true, true, false).unwrap(), "axb\na.b"), [(2, 1)]);
    }

    /// The literal path (`lines_with_literals`) gives the whole-file regex path's lines and
    /// columns, on patterns with required literals in every position, anchors, word boundaries,
    /// matches that could span lines, and a file without a final newline.
    #[test]
    fn required_literals_give_the_lines_and_columns_of_the_whole_file_regex() {
        let src = "import java.util.List;\n  import static x;\nx = null; if (a == null) {}\nwhile(b) null\n\
                   // TODO: later\nfoo\nbar TODO\nreturn x;returns\nnotreturn return\nsplit a\nb split\nimport java";
        let patterns = [
            (r"^import (java|static)", false, true),
            (r"^\s*import (java|static)", false, true),
            (r"(if|while) *\(.*null", false, true),
            (r"(if|while).*null", false, true),
            ("return", true, true),
            ("return", false, true),
            (r"\breturn\b", false, true),
            (r"lit\sa", false, true),
            (r"lit\s", false, true),
            (r"split\s+[ab]", false, true),
            (r"(foo|bar)$", false, true),
            (r"java$", false, true),
            (r"TO(DO)?", false, true),
            (r"null;?", false, true),
        ];
        for (pattern, literal, case_sensitive) in patterns {
            // `\b(?:^…)\b` over the whole file misses later lines: see the test below
            for whole_word in [false, true].into_iter().filter(|w| !(*w && pattern.starts_with('^'))) {
                let m = TextMatcher::new(pattern, literal, case_sensitive, whole_word).unwrap();
                let prefilter = m.prefilter.as_ref().unwrap_or_else(|| panic!("{pattern} has required literals"));
                let (mut by_literals, mut by_regex) = (Vec::new(), Vec::new());
                m.lines_with_literals(prefilter, src.as_bytes(), |h| {
                    by_literals.push(h);
                    true
                });
                m.lines_by_regex(src.as_bytes(), |h| {
                    by_regex.push(h);
                    true
                });
                assert_eq!(by_literals, by_regex, "{pattern} (whole word: {whole_word})");
            }
        }
    }

    /// The regex crate (1.7.1) searching the whole file for `\b(?:^import (java|static))\b` from
    /// after the first line finds nothing, though the last line matches: the literal path runs it
    /// on that line and finds it, as `grep -nwE '^import (java|static)'` does (lines 1 and 4).
    #[test]
    fn an_anchored_whole_word_pattern_matches_every_line_grep_does() {
        let src = "import java.util.List;\n  import static x;\nx = null;\nimport java";
        assert_eq!(lines(&TextMatcher::new("^import (java|static)", false, true, true).unwrap(), src), [(1, 1), (4, 1)]);
    }

    /// Counts against the plain count, on lengths around the lane and block sizes.
    #[test]
    fn newlines_are_counted_at_every_length() {
        let text: Vec<u8> = (0..20_000u32).map(|i| if i % 7 == 0 || i % 31 == 3 { b'\n' } else { b'a' }).collect();
        for len in [0, 1, 31, 32, 33, 255, 8159, 8160, 8161, 16_320, 16_353, 20_000] {
            for from in [0, 1, 5] {
                let part = &text[from.min(len)..len];
                assert_eq!(newlines(part), part.iter().filter(|&&b| b == b'\n').count(), "{from}..{len}");
            }
        }
        assert_eq!(newlines(&[b'\n'; 20_000]), 20_000);
    }

    #[test]
    fn bad_and_empty_patterns_are_invalid() {
        assert!(matches!(TextMatcher::new("a(", false, true, false), Err(Error::InvalidPattern(_))));
        assert!(matches!(TextMatcher::new("", true, true, false), Err(Error::InvalidPattern(_))));
    }

    #[test]
    fn context_takes_the_lines_around() {
        let src = b"1\n2\n3\n4\n5";
        let (before, after) = context(src, 4, 5, 2);
        assert_eq!((before, after), (vec![&b"1"[..], b"2"], vec![&b"4"[..], b"5"]));
        let (before, after) = context(src, 0, 1, 1);
        assert_eq!((before.len(), after), (0, vec![&b"2"[..]]));
    }
}
