//! `PathIndex`: what a previous scan of one tree found, by path, so an unchanged file is neither
//! read nor hashed again (git's index does the same for `git status`).
//!
//! An entry holds the file's stat signature (device, inode, size, mtime, ctime, all in
//! nanoseconds) and an opaque payload (the caller's finished result for that file). A lookup
//! returns the payload only when the file's current signature is identical. ctime cannot be set
//! from user space and changes with every write, rename or chmod, so `touch -d` or an editor that
//! restores the mtime cannot make a changed file look unchanged.
//!
//! Racy entries: timestamps are only as fine as the kernel's clock tick, so a file written in the
//! same tick as the scan read it could change without its signature changing. An entry whose
//! ctime is less than [`RACY_MARGIN_NS`] before the scan started is stored but never trusted; the
//! next scan reads that file again (through the content-hash cache, so nothing is re-parsed) and
//! stores it trusted then.
//!
//! The index file is mapped read-only (`mmap`, populated up front) rather than read: a warm scan
//! of a large tree then copies nothing, and the payloads handed out ([`SharedBytes`]) point into
//! the mapping. The file is only ever replaced by rename, never rewritten in place, so a mapping
//! stays valid while a newer index is written (truncating it by hand while a scan runs would
//! not be).
//!
//! File format (little endian): magic `MCPCAIX1`, the scan's start (u64 ns since the epoch), the
//! entry count (u64), then per entry: path length (u32) and bytes, dev, ino, size, mtime, ctime
//! (u64 each), racy flag (u8), payload length (u32) and bytes. A file that does not parse is an
//! empty index. Written to a temporary file and renamed into place, like the cache entries.

use std::collections::HashMap;
use std::io::Write;
use std::ops::{Deref, Range};
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"MCPCAIX1";

/// Entries whose ctime is closer than this to the scan's start are not trusted next time. 2 s:
/// the coarsest timestamp granularity among the file systems a tree may live on (FAT's mtime);
/// ext4, xfs, btrfs and tmpfs tick every 1-10 ms.
pub const RACY_MARGIN_NS: u64 = 2_000_000_000;

/// The identity and version of a file as `lstat` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSig {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: u64,
    pub ctime_ns: u64,
}

impl FileSig {
    pub fn of(meta: &std::fs::Metadata) -> FileSig {
        let ns = |s: i64, n: i64| (s.max(0) as u64).saturating_mul(1_000_000_000).saturating_add(n.max(0) as u64);
        FileSig {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.len(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// Whether the file may have changed in the same clock tick as a look at it that started at
    /// `started_ns`, so that a later change could keep this signature (see the module docs).
    pub fn is_racy(&self, started_ns: u64, racy_margin_ns: u64) -> bool {
        let trusted_before = started_ns.saturating_sub(racy_margin_ns);
        self.ctime_ns >= trusted_before || self.mtime_ns >= trusted_before
    }
}

/// Bytes shared without copying: a payload inside a mapped index, or a buffer of its own.
#[derive(Clone)]
pub struct SharedBytes {
    buf: Arc<Buffer>,
    range: Range<usize>,
}

enum Buffer {
    Heap(Box<[u8]>),
    /// A read-only private mapping of an index file.
    Mapped { ptr: *mut libc::c_void, len: usize },
}

// SAFETY: the mapping is read-only and never changed after creation; it is unmapped only when
// the last reference goes away.
unsafe impl Send for Buffer {}
unsafe impl Sync for Buffer {}

impl Drop for Buffer {
    fn drop(&mut self) {
        if let Buffer::Mapped { ptr, len } = *self {
            // SAFETY: ptr/len are exactly what mmap returned; no slice into it outlives `self`.
            unsafe { libc::munmap(ptr, len) };
        }
    }
}

impl Buffer {
    fn bytes(&self) -> &[u8] {
        match self {
            Buffer::Heap(b) => b,
            // SAFETY: a live read-only mapping of `len` bytes.
            Buffer::Mapped { ptr, len } => unsafe { std::slice::from_raw_parts(*ptr as *const u8, *len) },
        }
    }

    /// Maps `file` read-only; `None` for an empty or unmappable file.
    fn map(file: &Path) -> Option<Buffer> {
        let f = std::fs::File::open(file).ok()?;
        let len = f.metadata().ok()?.len() as usize;
        if len == 0 {
            return None;
        }
        // SAFETY: a fresh private read-only mapping of an open file; checked for MAP_FAILED.
        let ptr = unsafe {
            libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, libc::MAP_PRIVATE | libc::MAP_POPULATE, f.as_raw_fd(), 0)
        };
        (ptr != libc::MAP_FAILED).then_some(Buffer::Mapped { ptr, len })
    }
}

impl SharedBytes {
    pub fn new(bytes: Vec<u8>) -> SharedBytes {
        let range = 0..bytes.len();
        SharedBytes { buf: Arc::new(Buffer::Heap(bytes.into_boxed_slice())), range }
    }

    /// The bytes from `start` on (a view of the same buffer).
    pub fn from_offset(&self, start: usize) -> SharedBytes {
        let start = (self.range.start + start).min(self.range.end);
        SharedBytes { buf: self.buf.clone(), range: start..self.range.end }
    }
}

impl Deref for SharedBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf.bytes()[self.range.clone()]
    }
}

impl std::fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedBytes({} bytes)", self.range.len())
    }
}

struct Entry {
    sig: FileSig,
    racy: bool,
    payload: Range<usize>,
}

/// A loaded index (possibly empty).
#[derive(Default)]
pub struct PathIndex {
    buf: Option<Arc<Buffer>>,
    entries: HashMap<Box<str>, Entry>,
}

/// Entries of the next index, collected while a scan runs (from any thread). Payloads kept from
/// the previous index are referenced, not copied: most scans write nothing.
pub struct IndexWriter {
    started_ns: u64,
    entries: std::sync::Mutex<Vec<(String, FileSig, SharedBytes)>>,
}

/// Now, in nanoseconds since the epoch (the clock of [`FileSig::is_racy`]'s `started_ns`).
pub fn now_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

impl PathIndex {
    /// The trusted payload for `path` if its signature is still `sig`.
    pub fn lookup(&self, path: &str, sig: &FileSig) -> Option<SharedBytes> {
        let e = self.entries.get(path)?;
        let buf = self.buf.as_ref()?;
        (e.sig == *sig && !e.racy).then(|| SharedBytes { buf: buf.clone(), range: e.payload.clone() })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn read(file: &Path) -> PathIndex {
        let Some(buf) = Buffer::map(file) else { return PathIndex::default() };
        let buf = Arc::new(buf);
        match Self::parse(buf.bytes()) {
            Some(entries) => PathIndex { buf: Some(buf), entries },
            None => PathIndex::default(),
        }
    }

    fn parse(b: &[u8]) -> Option<HashMap<Box<str>, Entry>> {
        let mut r = Reader { b, at: 0 };
        if r.take(8)? != MAGIC {
            return None;
        }
        let _started = r.u64()?;
        let n = r.u64()? as usize;
        let mut entries = HashMap::with_capacity(n.min(1 << 20));
        for _ in 0..n {
            let len = r.u32()? as usize;
            let path: Box<str> = std::str::from_utf8(r.take(len)?).ok()?.into();
            let sig = FileSig { dev: r.u64()?, ino: r.u64()?, size: r.u64()?, mtime_ns: r.u64()?, ctime_ns: r.u64()? };
            let racy = r.take(1)?[0] != 0;
            let len = r.u32()? as usize;
            let start = r.at;
            r.take(len)?;
            entries.insert(path, Entry { sig, racy, payload: start..r.at });
        }
        (r.at == b.len()).then_some(entries)
    }
}

impl IndexWriter {
    /// Starts collecting; call before the scan looks at the first file.
    pub fn new() -> IndexWriter {
        IndexWriter { started_ns: now_ns(), entries: std::sync::Mutex::new(Vec::new()) }
    }

    pub fn add(&self, path: String, sig: FileSig, payload: SharedBytes) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).push((path, sig, payload));
    }

    pub(crate) fn write(self, file: &Path, racy_margin_ns: u64) -> std::io::Result<()> {
        let entries = self.entries.into_inner().unwrap_or_else(|e| e.into_inner());
        let total: usize = entries.iter().map(|(p, _, d)| p.len() + d.len() + 49).sum();
        let mut b = Vec::with_capacity(total + 24);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&self.started_ns.to_le_bytes());
        b.extend_from_slice(&(entries.len() as u64).to_le_bytes());
        for (path, sig, payload) in &entries {
            b.extend_from_slice(&(path.len() as u32).to_le_bytes());
            b.extend_from_slice(path.as_bytes());
            for v in [sig.dev, sig.ino, sig.size, sig.mtime_ns, sig.ctime_ns] {
                b.extend_from_slice(&v.to_le_bytes());
            }
            b.push(sig.is_racy(self.started_ns, racy_margin_ns) as u8);
            b.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            b.extend_from_slice(payload);
        }
        let parent = file.parent().expect("index file has a parent");
        std::fs::create_dir_all(parent)?;
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let tmp = parent.join(format!(".tmp-{}-{}", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed)));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&b)?;
        drop(f);
        std::fs::rename(&tmp, file).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}

impl Default for IndexWriter {
    fn default() -> Self {
        IndexWriter::new()
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Where the index named `name` lives under a cache version directory.
pub(crate) fn file_of(dir: &Path, name: &str) -> PathBuf {
    let h = blake3::hash(name.as_bytes()).to_hex();
    dir.join("index").join(format!("{}.bin", &h.as_str()[..32]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        crate::tests::temp(&format!("index-{name}"))
    }

    fn old_sig(size: u64) -> FileSig {
        FileSig { dev: 1, ino: 2, size, mtime_ns: 1_000, ctime_ns: 2_000 }
    }

    #[test]
    fn round_trip_and_signature_match() {
        let d = temp("rt");
        let w = IndexWriter::new();
        w.add("a/b.java".into(), old_sig(10), SharedBytes::new(b"payload".to_vec()));
        w.add("c.py".into(), old_sig(3), SharedBytes::new(Vec::new()));
        w.write(&d.join("i.bin"), RACY_MARGIN_NS).unwrap();
        let ix = PathIndex::read(&d.join("i.bin"));
        assert_eq!(ix.len(), 2);
        let get = |p: &str, sig: FileSig| ix.lookup(p, &sig).map(|b| b.to_vec());
        assert_eq!(get("a/b.java", old_sig(10)), Some(b"payload".to_vec()));
        assert_eq!(get("c.py", old_sig(3)), Some(vec![]));
        assert_eq!(get("a/b.java", old_sig(11)), None, "size changed");
        assert_eq!(get("a/b.java", FileSig { ctime_ns: 2_001, ..old_sig(10) }), None, "ctime changed");
        assert_eq!(get("x", old_sig(10)), None);
        assert_eq!(&ix.lookup("a/b.java", &old_sig(10)).unwrap().from_offset(3)[..], b"load");
        let _ = std::fs::remove_dir_all(&d);
    }

    /// A file changed in the same clock tick as the scan read it keeps its signature: such
    /// entries must not be trusted by the next scan.
    #[test]
    fn entries_changed_just_before_the_scan_are_not_trusted() {
        let d = temp("racy");
        let w = IndexWriter::new();
        let fresh = FileSig { ctime_ns: now_ns(), ..old_sig(1) };
        w.add("new.js".into(), fresh, SharedBytes::new(b"x".to_vec()));
        w.write(&d.join("i.bin"), RACY_MARGIN_NS).unwrap();
        assert!(PathIndex::read(&d.join("i.bin")).lookup("new.js", &fresh).is_none());
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn truncated_or_foreign_files_are_empty_indexes() {
        let d = temp("corrupt");
        let w = IndexWriter::new();
        w.add("a".into(), old_sig(1), SharedBytes::new(b"abc".to_vec()));
        w.write(&d.join("i.bin"), RACY_MARGIN_NS).unwrap();
        let bytes = std::fs::read(d.join("i.bin")).unwrap();
        std::fs::write(d.join("i.bin"), &bytes[..bytes.len() - 1]).unwrap();
        assert!(PathIndex::read(&d.join("i.bin")).is_empty());
        std::fs::write(d.join("i.bin"), b"{\"json\": true}").unwrap();
        assert!(PathIndex::read(&d.join("i.bin")).is_empty());
        assert!(PathIndex::read(&d.join("missing.bin")).is_empty());
        let _ = std::fs::remove_dir_all(&d);
    }
}
