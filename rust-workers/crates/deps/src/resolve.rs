//! Resolution of imports to files of the tree or external packages.

use std::path::Path;

use crate::walk::Walked;
use crate::{Options, TreeImports};

pub(crate) fn resolve_tree(root: &Path, walked: Walked, _options: &Options<'_>) -> TreeImports {
    TreeImports { root: root.to_path_buf(), files: Vec::new(), unresolved: 0, skipped: walked.skipped }
}
