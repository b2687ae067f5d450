//! Classifying one file before measuring it: read it and say why it is skipped (a symlink,
//! unreadable, too large, binary, of an unknown language, generated or minified) or which
//! language it is.

use std::io::Read;
use std::path::Path;

use lang::Language;

use super::ScanOptions;

/// A NUL byte within this many leading bytes marks a file as binary (the heuristic of git and
/// ripgrep, which look at the first 8 KiB).
pub(super) const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// Reads one file and detects its language (`forced` wins over detection); `Err` is the reason
/// to skip it: a symlink, unreadable, too large, binary or of an unknown language.
pub(crate) fn read_source(path: &Path, max_file_bytes: u64, forced: Option<Language>) -> Result<(Vec<u8>, Language), String> {
    let size = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err("symlink".into()),
        Ok(meta) => meta.len(),
        Err(e) => return Err(format!("unreadable: {e}")),
    };
    if size > max_file_bytes {
        return Err("too large".into());
    }
    let mut source = Vec::with_capacity(size as usize);
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut source)) {
        return Err(format!("unreadable: {e}"));
    }
    if source[..source.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err("binary".into());
    }
    let Some(lang) = forced.or_else(|| Language::detect(path, &source[..source.len().min(256)])) else {
        return Err("unknown language".into());
    };
    Ok((source, lang))
}

/// Reads and classifies one file as [`measure_file`] does: `Err` is the reason to skip it (see
/// [`read_source`]; also generated or minified when `options.skip_generated`).
pub(super) fn read_measurable(path: &Path, options: &ScanOptions, forced: Option<Language>) -> Result<(Vec<u8>, Language), String> {
    let (source, lang) = read_source(path, options.max_file_bytes, forced)?;
    if options.skip_generated {
        if let Some(reason) = lang::generated::skip_reason(path, &source) {
            return Err(reason.into());
        }
    }
    Ok((source, lang))
}
