//! Measuring one file through the content cache: the cache key is the file's content (and
//! language); entries `serve`'s shared cache received are used before the cache.

use std::path::Path;

use lang::Language;
use metrics::FileMetrics;

use super::classify::read_measurable;
use super::ScanOptions;

/// The cache salt's version of the per-file metrics; bump when `metrics::FileMetrics` changes
/// shape or meaning in a way the analyzer version (which changes with every build) would miss.
pub(super) const METRICS_FORMAT: &str = "metrics-v1";

/// Outcome of looking at one file.
pub enum FileOutcome {
    Measured(FileMetrics),
    Skipped(String),
}

/// The content cache's salt for a file's metrics. Tsx and TypeScript share a name but not a
/// grammar, hence `{lang:?}`.
pub(super) fn metrics_salt(lang: Language) -> String {
    format!("{METRICS_FORMAT}/{lang:?}")
}

/// Reads, classifies (too large, binary, unknown language, generated or minified) and measures
/// one file, through the cache when one is configured. `display` goes into the `path` field.
pub fn measure_file(path: &Path, display: String, options: &ScanOptions, forced: Option<Language>) -> FileOutcome {
    let (source, lang) = match read_measurable(path, options, forced) {
        Ok(found) => found,
        Err(reason) => return FileOutcome::Skipped(reason),
    };
    if options.parse_only {
        let mut m = metrics::parse_only(lang, &source);
        m.path = display;
        return FileOutcome::Measured(m);
    }
    let compute = || metrics::analyze_source(lang, &source);
    let mut m = match &options.cache {
        Some(c) => {
            let key = c.key(&metrics_salt(lang), &source);
            let (mut m, stored) = match options.received.as_ref().and_then(|r| r.take(&key)) {
                Some(received) => {
                    c.record_hits(1);
                    (received, true)
                }
                None => c.get_or_compute_keyed(&key, compute, options.collector.as_deref()),
            };
            if stored {
                m.restore_derived();
            }
            m
        }
        None => compute(),
    };
    m.path = display;
    FileOutcome::Measured(m)
}

/// `json` decoded as a per-file metrics entry as [`measure_file`] stores it in the content cache
/// (an entry from elsewhere is used only if it decodes).
pub fn metrics_entry(json: &str) -> Option<FileMetrics> {
    serde_json::from_str(json).ok()
}
