//! The scan index: per path, a file's stat signature and its finished result, so an unchanged
//! file is neither read, hashed nor decoded; other files are measured and recorded for the next
//! scan.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use metrics::{FileMetrics, FileSummary};

use super::measure::{measure_file, FileOutcome, METRICS_FORMAT};
use super::{FileBody, ScanOptions, ScannedFile};

/// The scan index's name: everything a stored per-path result depends on besides the file and
/// the analyzer version (which names the cache directory).
pub(super) fn index_name(root: &Path, relative_to: Option<&Path>, options: &ScanOptions) -> String {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()).to_string_lossy().into_owned();
    format!(
        "{METRICS_FORMAT}/scan\0{}\0{}\0{}\0{}",
        canonical(root),
        relative_to.map(canonical).unwrap_or_default(),
        options.max_file_bytes,
        options.skip_generated
    )
}

/// The index name of a scan of `part` of the tree (the whole tree's name if none): each shard of a
/// tree keeps its own index, so shards never overwrite each other's.
pub(super) fn part_index_name(root: &Path, relative_to: Option<&Path>, options: &ScanOptions, part: Option<&super::ScanPart<'_>>) -> String {
    let whole = index_name(root, relative_to, options);
    match part {
        Some(p) => format!("{whole}\0part\0{}", p.name),
        None => whole,
    }
}

/// The stat signature the scan index keys a regular file by (`None` for a symlink or a file that
/// cannot be stat'ed, which the index never serves).
pub(super) fn file_sig(path: &Path) -> Option<cache::FileSig> {
    std::fs::symlink_metadata(path).ok().filter(|meta| meta.file_type().is_file()).map(|meta| cache::FileSig::of(&meta))
}

/// Index payloads: a measured file (its [`FileSummary`] bytes, then its JSON) or a skip reason.
const PAYLOAD_MEASURED: u8 = 0;
const PAYLOAD_SKIPPED: u8 = 1;

/// One file of a scan: from the index when its signature is unchanged, else from the received
/// entries when its signature is unchanged since its key was computed, else measured (through the
/// received entries and the content cache); recorded for the next index either way.
pub(super) fn scan_file(
    path: &Path,
    display: &str,
    options: &ScanOptions,
    index: &cache::PathIndex,
    next_index: &cache::IndexWriter,
    index_hits: &AtomicU64,
) -> Result<ScannedFile, String> {
    let sig = options.cache.as_ref().and_then(|_| file_sig(path));
    if let Some(payload) = sig.as_ref().and_then(|sig| index.lookup(display, sig)) {
        if let Some(found) = decode_payload(display, &payload, options.json_bodies) {
            index_hits.fetch_add(1, Ordering::Relaxed);
            next_index.add(display.to_string(), sig.expect("looked up by signature"), payload);
            return found;
        }
    }
    let outcome = match sig.as_ref().and_then(|sig| received_unchanged(display, sig, options)) {
        Some(m) => FileOutcome::Measured(m),
        None => measure_file(path, display.to_string(), options, None),
    };
    let (found, payload) = match outcome {
        FileOutcome::Measured(m) => {
            let summary = FileSummary::of(&m);
            let needs_json = options.json_bodies || sig.is_some();
            // The payload's tail is the JSON body: one buffer serves both.
            let mut payload = vec![PAYLOAD_MEASURED];
            summary.write_to(&mut payload);
            let json_at = payload.len();
            let json = needs_json && serde_json::to_writer(&mut payload, &m).is_ok();
            let payload = json.then(|| cache::SharedBytes::new(payload));
            let body = match &payload {
                Some(p) if options.json_bodies => FileBody::Json(p.from_offset(json_at)),
                _ => FileBody::Metrics(m),
            };
            let payload = payload.filter(|_| sig.is_some());
            (Ok(ScannedFile { path: display.to_string(), summary, body }), payload)
        }
        FileOutcome::Skipped(reason) => {
            // Unreadable files are not remembered: the next scan tries again.
            let payload = (!reason.starts_with("unreadable")).then(|| cache::SharedBytes::new([&[PAYLOAD_SKIPPED][..], reason.as_bytes()].concat()));
            (Err(reason), payload)
        }
    };
    if let (Some(sig), Some(payload)) = (sig, payload) {
        next_index.add(display.to_string(), sig, payload);
    }
    found
}

/// The received entry of a file whose signature is still the one it had when its key was computed
/// (so neither read nor hashed again), completed as [`measure_file`] completes a cached one.
fn received_unchanged(display: &str, sig: &cache::FileSig, options: &ScanOptions) -> Option<FileMetrics> {
    let mut m = options.received.as_ref()?.take_unchanged(display, sig)?;
    if let Some(c) = &options.cache {
        c.record_hits(1);
    }
    m.restore_derived();
    m.path = display.to_string();
    Some(m)
}

fn decode_payload(display: &str, payload: &cache::SharedBytes, json_bodies: bool) -> Option<Result<ScannedFile, String>> {
    match *payload.first()? {
        PAYLOAD_MEASURED => {
            let (summary, used) = FileSummary::read_from(&payload[1..])?;
            let json = payload.from_offset(1 + used);
            let body = if json_bodies {
                FileBody::Json(json)
            } else {
                let mut m: FileMetrics = serde_json::from_slice(&json).ok()?;
                m.restore_derived();
                FileBody::Metrics(m)
            };
            Some(Ok(ScannedFile { path: display.to_string(), summary, body }))
        }
        PAYLOAD_SKIPPED => Some(Err(std::str::from_utf8(&payload[1..]).ok()?.to_string())),
        _ => None,
    }
}
