//! Layering rules: "`from` must not depend on `to`" as globs over node names (`src/ui/**`,
//! `npm:lodash`), and the edges that break them.

use globset::{Glob, GlobMatcher};
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
    /// Index of the rule in the given list.
    pub rule: usize,
    pub from: String,
    pub to: String,
    pub count: u32,
}

fn matcher(glob: &str) -> Result<GlobMatcher, Error> {
    Glob::new(glob).map(|g| g.compile_matcher()).map_err(|e| Error::BadRule(format!("{glob}: {e}")))
}

/// The violations of `rules` in `graph`, by rule then edge order; self-loops never violate.
pub fn violations(graph: &Graph, rules: &[Rule]) -> Result<Vec<Violation>, Error> {
    let mut out = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let (from, to) = (matcher(&rule.from)?, matcher(&rule.to)?);
        for &(a, b, count) in graph.edges() {
            let (na, nb) = (&graph.nodes()[a], &graph.nodes()[b]);
            if a != b && from.is_match(na) && to.is_match(nb) {
                out.push(Violation { rule: i, from: na.clone(), to: nb.clone(), count });
            }
        }
    }
    Ok(out)
}
