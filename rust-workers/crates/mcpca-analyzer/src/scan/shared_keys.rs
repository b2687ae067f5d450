//! The content keys a scan would look up and not find (neither the scan index nor the content
//! cache serves the file): what `serve`'s shared cache asks the worker for.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use lang::Language;

use super::classify::read_measurable;
use super::index::{file_sig, part_index_name};
use super::measure::metrics_salt;
use super::walk::walk_part;
use super::{ScanOptions, ScanPart};

/// The content key under which [`measure_file`] would look `path` up, if it would measure the file
/// through the cache and the cache has no entry for it yet (`None` without a cache, for a file
/// it would skip, or one the cache already holds).
pub fn unserved_key(path: &Path, options: &ScanOptions, forced: Option<Language>) -> Option<String> {
    let cache = options.cache.as_ref()?;
    let (source, lang) = read_measurable(path, options, forced).ok()?;
    let key = cache.key(&metrics_salt(lang), &source);
    (!cache.contains(&key)).then_some(key)
}

/// What [`unserved_keys`] found.
#[derive(Debug, Default)]
pub struct Unserved {
    /// The content keys a scan would look up and not find. Sorted, without duplicates.
    pub keys: Vec<String>,
    /// Those files' keys by display path, with the stat signature each file had before it was
    /// read, for the files whose signature is sure to change with their content (not racy): while
    /// it is unchanged, the scan finds a received entry without reading the file again
    /// ([`cache::ReceivedEntries::take_unchanged`]).
    pub keys_by_path: HashMap<String, cache::KnownKey>,
}

/// The content keys a [`scan`] of `root` would look up and not find: files neither served by the
/// scan index (unchanged signature) nor held by the content cache.
pub fn unserved_keys(root: &Path, relative_to: Option<&Path>, options: &ScanOptions) -> Unserved {
    unserved_keys_part(root, relative_to, options, None)
}

/// [`unserved_keys`] of one part of the tree (see [`super::scan_part`]).
pub fn unserved_keys_part(root: &Path, relative_to: Option<&Path>, options: &ScanOptions, part: Option<&ScanPart<'_>>) -> Unserved {
    let Some(cache) = &options.cache else { return Unserved::default() };
    let index = cache.load_index(&part_index_name(root, relative_to, options, part));
    let started_ns = cache::now_ns();
    let keep_all = |_: &Path| true;
    let keep = part.map_or(&keep_all as &(dyn Fn(&Path) -> bool + Sync), |p| p.keep);
    let walked = walk_part(root, relative_to, keep, part.and_then(|p| p.descend.clone()), &|_, _, _| {}, |path, display| {
        // Stat before reading: a change after this point changes the signature the scan sees.
        let sig = file_sig(path);
        if sig.as_ref().and_then(|sig| index.lookup(display, sig)).is_some() {
            return None;
        }
        let key = unserved_key(path, options, None)?;
        Some((sig.filter(|sig| !cache.is_racy(sig, started_ns)), key))
    });
    let mut keys = BTreeSet::new();
    let mut keys_by_path = HashMap::new();
    for (display, (sig, key)) in walked.outcomes.into_iter().flatten() {
        if let Some(sig) = sig {
            keys_by_path.insert(display, cache::KnownKey { sig, key: key.clone() });
        }
        keys.insert(key);
    }
    Unserved { keys: keys.into_iter().collect(), keys_by_path }
}
