//! What a scan finds: each measured file (decoded, or as its finished JSON) and the whole
//! `analyze-metrics` result.

use metrics::{FileMetrics, FileSummary};
use serde::{Serialize, Serializer};

use super::{DirectoryTotals, Skipped, Totals};

/// A measured file of a scan: its roll-up numbers and its metrics, either decoded or as the
/// finished compact JSON (from the scan index, or when [`ScanOptions::json_bodies`] is set).
/// Serializes as the file's [`FileMetrics`] either way.
#[derive(Debug, Clone)]
pub struct ScannedFile {
    pub path: String,
    pub summary: FileSummary,
    pub body: FileBody,
}

#[derive(Debug, Clone)]
pub enum FileBody {
    Metrics(FileMetrics),
    /// `serde_json::to_vec` of the file's [`FileMetrics`] (often a view into the mapped index).
    Json(cache::SharedBytes),
}

impl ScannedFile {
    /// The file's metrics (decoded from the JSON body if need be).
    pub fn metrics(&self) -> Result<std::borrow::Cow<'_, FileMetrics>, serde_json::Error> {
        match &self.body {
            FileBody::Metrics(m) => Ok(std::borrow::Cow::Borrowed(m)),
            FileBody::Json(b) => {
                let mut m: FileMetrics = serde_json::from_slice(b)?;
                m.restore_derived();
                Ok(std::borrow::Cow::Owned(m))
            }
        }
    }

    /// The compact JSON of the file, as `serde_json::to_vec(&metrics)` writes it.
    pub fn json(&self) -> Result<std::borrow::Cow<'_, [u8]>, serde_json::Error> {
        match &self.body {
            FileBody::Metrics(m) => serde_json::to_vec(m).map(std::borrow::Cow::Owned),
            FileBody::Json(b) => Ok(std::borrow::Cow::Borrowed(&b[..])),
        }
    }
}

impl Serialize for ScannedFile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.metrics().map_err(serde::ser::Error::custom)?.serialize(s)
    }
}

/// The `analyze-metrics` result.
#[derive(Debug, Clone, Serialize)]
pub struct DirectoryResult {
    pub root: String,
    pub files: Vec<ScannedFile>,
    pub totals: Totals,
    /// Every directory holding measured files, with its subdirectories rolled in, sorted by path.
    pub directories: Vec<DirectoryTotals>,
    pub skipped: Vec<Skipped>,
}
