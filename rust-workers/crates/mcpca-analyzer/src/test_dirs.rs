//! Scratch directories for the unit tests of this crate's modules.

use std::path::PathBuf;

/// An empty directory `mcpca-<module>-<name>-<pid>` under the system's temp dir (emptied first):
/// unique per module, test name and process, so tests running in parallel never share one.
pub(crate) fn empty(module: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mcpca-{module}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
