//! `ReceivedEntries`: entries another machine computed, handed to this one for one scan (serve's
//! shared cache). The caller checks and decodes each once, when it arrives, and stores its JSON
//! with [`Cache::put_json`](crate::Cache::put_json); the decoded values are then served from
//! memory, each to one file: by content key, and by path for a file whose key was computed before
//! the entries were asked for and whose stat signature has not changed since (so the scan neither
//! reads nor hashes it again). A second file with the same content finds the entry in the cache.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::FileSig;

/// A file's content key as computed from its bytes, with the stat signature the file had before
/// they were read (see [`ReceivedEntries::take_unchanged`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownKey {
    pub sig: FileSig,
    pub key: String,
}

/// Received entries by key, and the keys of files by path (see the module docs).
pub struct ReceivedEntries<T> {
    /// Each decoded entry until a file takes it.
    entries: HashMap<String, Mutex<Option<T>>>,
    keys_by_path: HashMap<String, KnownKey>,
}

impl<T> ReceivedEntries<T> {
    /// `entries` by key; `keys_by_path` from the file reads that listed the keys, holding only
    /// files whose signature can be trusted to change with their content.
    pub fn new(entries: impl IntoIterator<Item = (String, T)>, keys_by_path: HashMap<String, KnownKey>) -> ReceivedEntries<T> {
        let entries = entries.into_iter().map(|(key, value)| (key, Mutex::new(Some(value)))).collect();
        ReceivedEntries { entries, keys_by_path }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry for `key`, once (`None` afterwards: a second file with the same content).
    pub fn take(&self, key: &str) -> Option<T> {
        self.entries.get(key)?.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// The entry for the file at `path` if its key is known and its signature is still `sig`.
    pub fn take_unchanged(&self, path: &str, sig: &FileSig) -> Option<T> {
        let known = self.keys_by_path.get(path).filter(|known| known.sig == *sig)?;
        self.take(&known.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(ctime_ns: u64) -> FileSig {
        FileSig { dev: 1, ino: 2, size: 3, mtime_ns: 1_000, ctime_ns }
    }

    /// A file whose signature changed after its key was computed gets nothing by path; each
    /// entry is handed out once.
    #[test]
    fn entries_are_served_once_by_key_or_by_unchanged_path() {
        let paths = HashMap::from([("a.py".to_string(), KnownKey { sig: sig(5), key: "k".into() })]);
        let received = ReceivedEntries::new([("k".to_string(), vec![1u32, 2]), ("l".to_string(), vec![3])], paths);
        assert_eq!(received.len(), 2);
        assert_eq!(received.take_unchanged("a.py", &sig(6)), None, "changed since its key was computed");
        assert_eq!(received.take_unchanged("b.py", &sig(5)), None, "no key known");
        assert_eq!(received.take_unchanged("a.py", &sig(5)), Some(vec![1, 2]));
        assert_eq!(received.take("k"), None, "taken");
        assert_eq!(received.take("l"), Some(vec![3]));
        assert_eq!(received.take("other"), None);
    }
}
