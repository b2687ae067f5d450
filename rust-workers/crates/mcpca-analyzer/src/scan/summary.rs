//! `mcpca-analyzer summary`: line counts only, no parse, no per-file results kept (each worker
//! thread reads into one reused buffer and folds counts into per-language totals).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lang::Language;
use metrics::LineCounts;
use rayon::prelude::*;
use serde::Serialize;

use super::classify::{read_regular, BINARY_SNIFF_BYTES};
use super::walk::list_files;
use super::totals::LineTotals;
use super::ScanOptions;

/// Line counts and bytes of one language in a summary. Serialized as `files`, `bytes`, then the
/// line counts (the order `summary` has always printed). Dereferences to the line counts.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryTotals {
    pub lines: LineTotals,
    pub bytes: u64,
}

impl SummaryTotals {
    fn add(&mut self, bytes: u64, counts: &LineCounts) {
        self.lines.add(counts);
        self.bytes += bytes;
    }

    fn merge(&mut self, o: &SummaryTotals) {
        self.lines.merge(&o.lines);
        self.bytes += o.bytes;
    }
}

impl std::ops::Deref for SummaryTotals {
    type Target = LineTotals;
    fn deref(&self) -> &LineTotals {
        &self.lines
    }
}

impl Serialize for SummaryTotals {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut t = s.serialize_struct("SummaryTotals", 6)?;
        t.serialize_field("files", &self.lines.files)?;
        t.serialize_field("bytes", &self.bytes)?;
        t.serialize_field("physical", &self.physical)?;
        t.serialize_field("code", &self.code)?;
        t.serialize_field("comment", &self.comment)?;
        t.serialize_field("blank", &self.blank)?;
        t.end()
    }
}

/// The `summary` result: line counts per language, skipped files counted by reason.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryResult {
    pub roots: Vec<String>,
    #[serde(flatten)]
    pub all: SummaryTotals,
    pub by_language: BTreeMap<&'static str, SummaryTotals>,
    pub skipped: BTreeMap<&'static str, u64>,
}

#[derive(Default)]
struct SummaryAcc {
    by_language: Vec<(&'static str, SummaryTotals)>,
    skipped: Vec<(&'static str, u64)>,
}

impl SummaryAcc {
    fn language(&mut self, name: &'static str) -> &mut SummaryTotals {
        let i = match self.by_language.iter().position(|(n, _)| *n == name) {
            Some(i) => i,
            None => {
                self.by_language.push((name, SummaryTotals::default()));
                self.by_language.len() - 1
            }
        };
        &mut self.by_language[i].1
    }

    fn skip(&mut self, reason: &'static str) {
        match self.skipped.iter_mut().find(|(r, _)| *r == reason) {
            Some(e) => e.1 += 1,
            None => self.skipped.push((reason, 1)),
        }
    }

    fn merge(mut self, other: SummaryAcc) -> SummaryAcc {
        for (name, t) in other.by_language {
            self.language(name).merge(&t);
        }
        for (reason, n) in other.skipped {
            for _ in 0..n {
                self.skip(reason);
            }
        }
        self
    }
}

thread_local! {
    /// One read buffer per worker thread, reused across files.
    static READ_BUFFER: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(1 << 20));
}

fn summarize_file(path: &Path, options: &ScanOptions, acc: &mut SummaryAcc) {
    READ_BUFFER.with(|cell| {
        let mut buf = cell.borrow_mut();
        buf.clear();
        if let Err(refusal) = read_regular(path, options.max_file_bytes, &mut buf) {
            return acc.skip(refusal.label());
        }
        if buf[..buf.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
            return acc.skip("binary");
        }
        let Some(lang) = Language::detect(path, &buf[..buf.len().min(256)]) else {
            return acc.skip("unknown language");
        };
        let counts = metrics::count_lines_for(lang, &buf);
        acc.language(lang.name()).add(buf.len() as u64, &counts);
    })
}

/// Line counts per language for `roots` (files or directories), on the current rayon pool.
pub fn summary(roots: &[PathBuf], options: &ScanOptions) -> SummaryResult {
    let mut walk_skips = Vec::new();
    let mut files = Vec::new();
    for root in roots {
        files.extend(list_files(root, &mut walk_skips));
    }
    let acc = files
        .par_iter()
        .fold(SummaryAcc::default, |mut acc, path| {
            summarize_file(path, options, &mut acc);
            acc
        })
        .reduce(SummaryAcc::default, SummaryAcc::merge);
    let mut result = SummaryResult { roots: roots.iter().map(|r| r.to_string_lossy().into_owned()).collect(), ..Default::default() };
    for (name, t) in acc.by_language {
        result.all.merge(&t);
        result.by_language.insert(name, t);
    }
    for (reason, n) in acc.skipped {
        *result.skipped.entry(reason).or_default() += n;
    }
    for (_, reason) in walk_skips {
        let reason = ["symlink", "fifo", "socket", "block device", "character device"].into_iter().find(|known| *known == reason).unwrap_or("walk error");
        *result.skipped.entry(reason).or_default() += 1;
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_lines_per_language_without_parsing() {
        let dir = crate::test_dirs::empty("scan", "summary");
        std::fs::write(dir.join("a.py"), "# c\nx = 1\n\n").unwrap();
        std::fs::write(dir.join("b.py"), "y = 2\n").unwrap();
        std::fs::write(dir.join("c.bin"), b"\0\0").unwrap();
        std::fs::write(dir.join("big.py"), "z = 3\n".repeat(100)).unwrap();
        let r = summary(&[dir.clone()], &ScanOptions { max_file_bytes: 100, ..Default::default() });
        let py = &r.by_language["python"];
        assert_eq!((py.files, py.code, py.comment, py.blank, py.physical), (2, 2, 1, 1, 4));
        assert_eq!(r.all.files, 2);
        assert_eq!(r.skipped.get("too large"), Some(&1));
        assert_eq!(r.skipped.get("binary").or(r.skipped.get("unknown language")), Some(&1));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
