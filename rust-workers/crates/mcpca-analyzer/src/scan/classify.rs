//! Classifying one file before measuring it: read it and say why it is skipped (a symlink, a
//! FIFO, socket or device, unreadable, too large, binary, of an unknown language, generated or minified) or which
//! language it is.

use std::io::Read;
use std::path::Path;

use lang::Language;

use super::ScanOptions;

/// A NUL byte within this many leading bytes marks a file as binary (the heuristic of git and
/// ripgrep, which look at the first 8 KiB).
pub(super) const BINARY_SNIFF_BYTES: usize = 8 * 1024;

/// What a file that is not a regular file, a directory or a symlink is (`"fifo"`, `"socket"`,
/// `"block device"`, `"character device"`), or `None`: such files are never opened, because
/// opening a FIFO blocks until a writer comes and a device (`/dev/zero`) never ends.
pub(crate) fn special_kind(file_type: std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        Some("fifo")
    } else if file_type.is_socket() {
        Some("socket")
    } else if file_type.is_block_device() {
        Some("block device")
    } else if file_type.is_char_device() {
        Some("character device")
    } else {
        None
    }
}

/// Reads a regular file of at most `max_file_bytes` into `buf` (cleared first); `Err` is the
/// reason to skip it. Only regular files are read: the type and size are checked by `lstat` before
/// opening (a 2 GB sparse file is refused without reading it), the file is opened `O_NONBLOCK` (a
/// FIFO swapped in after the check cannot block the open) and checked again on the open descriptor,
/// and at most `max_file_bytes + 1` bytes are read (a file that grew is still bounded).
pub(crate) fn read_regular(path: &Path, max_file_bytes: u64, buf: &mut Vec<u8>) -> Result<(), Refusal> {
    use std::os::unix::fs::OpenOptionsExt;
    buf.clear();
    let meta = std::fs::symlink_metadata(path).map_err(Refusal::Unreadable)?;
    check_regular(&meta, max_file_bytes)?;
    let file = std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(Refusal::Unreadable)?;
    let opened = file.metadata().map_err(Refusal::Unreadable)?;
    check_regular(&opened, max_file_bytes)?;
    buf.reserve(opened.len() as usize);
    match (&file).take(max_file_bytes + 1).read_to_end(buf) {
        Ok(n) if n as u64 > max_file_bytes => Err(Refusal::Kind("too large")),
        Ok(_) => Ok(()),
        Err(e) => Err(Refusal::Unreadable(e)),
    }
}

/// [`read_regular`] for a path a directory walk has just listed as a regular file (its type from
/// the directory entry): the walk's look stands for the `lstat`; the file is opened
/// `O_NOFOLLOW | O_NONBLOCK` (a symlink swapped in since is refused as one, a FIFO cannot block
/// the open), checked on the descriptor, and read up to the size `fstat` gave it (no further read
/// to see the end: a file that grows meanwhile is read as it was; a file whose size `fstat` does
/// not know, as in `/proc`, reads empty). `search-code` reads every file of a tree: the `lstat`
/// and the read that finds the end were a fifth of its system time.
pub(crate) fn read_listed(path: &Path, max_file_bytes: u64, buf: &mut Vec<u8>) -> Result<(), Refusal> {
    use std::os::unix::fs::OpenOptionsExt;
    buf.clear();
    let file = match std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW).open(path) {
        Ok(file) => file,
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Err(Refusal::Kind("symlink")),
        Err(e) => return Err(Refusal::Unreadable(e)),
    };
    let opened = file.metadata().map_err(Refusal::Unreadable)?;
    check_regular(&opened, max_file_bytes)?;
    buf.reserve(opened.len() as usize);
    // `Take` at its limit answers 0 without a system call
    (&file).take(opened.len()).read_to_end(buf).map(|_| ()).map_err(Refusal::Unreadable)
}

/// Why [`read_regular`] did not read a file: its `label` is the skip reason a result shows.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// `"symlink"`, a [`special_kind`], `"not a regular file"` or `"too large"`.
    Kind(&'static str),
    Unreadable(std::io::Error),
}

impl Refusal {
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Refusal::Kind(kind) => kind,
            Refusal::Unreadable(_) => "unreadable",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Kind(kind) => f.write_str(kind),
            Refusal::Unreadable(e) => write!(f, "unreadable: {e}"),
        }
    }
}

fn check_regular(meta: &std::fs::Metadata, max_file_bytes: u64) -> Result<(), Refusal> {
    let file_type = meta.file_type();
    if file_type.is_symlink() {
        return Err(Refusal::Kind("symlink"));
    }
    if let Some(kind) = special_kind(file_type) {
        return Err(Refusal::Kind(kind));
    }
    if !file_type.is_file() {
        return Err(Refusal::Kind("not a regular file"));
    }
    if meta.len() > max_file_bytes {
        return Err(Refusal::Kind("too large"));
    }
    Ok(())
}

/// Reads one file (see [`read_regular`]) and detects its language (`forced` wins over detection);
/// `Err` is the reason to skip it: a symlink, a special file, unreadable, too large, binary or of
/// an unknown language.
pub(crate) fn read_source(path: &Path, max_file_bytes: u64, forced: Option<Language>) -> Result<(Vec<u8>, Language), String> {
    let mut source = Vec::new();
    read_regular(path, max_file_bytes, &mut source).map_err(|r| r.to_string())?;
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
