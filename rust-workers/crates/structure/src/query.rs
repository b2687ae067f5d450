//! Queries over a knowledge graph (`query-knowledge-graph`).
//!
//! The query form (every field but `op` optional):
//! * `{"op": "nodes", "kind"?: "class", "name"?: "Pars*"}`: nodes of a kind whose name matches
//!   a glob (`*` any run of characters, `?` one; case-insensitive), by kind then id.
//! * `{"op": "neighbors", "node": X, "edgeKinds"?: ["calls"], "direction"?: "out" | "in" |
//!   "both", "depth"?: 1..=10}`: the nodes reachable from X within `depth` steps (default 1,
//!   `out`), by depth then id, with the edges that reached them.
//! * `{"op": "path", "from": X, "to": Y, "edgeKinds"?, "direction"?}`: one shortest path (BFS;
//!   default `out`), its nodes in order; empty when there is none.
//! * `{"op": "dependents", "node": X, "relation": "imports" | "calls" | "extends" | "implements"
//!   | "subtypes", "depth"?}`: who imports / calls / extends / implements X (`subtypes`: extends
//!   or implements), i.e. `neighbors` on the incoming edges of that kind.
//!
//! A node `X` is named by its id (`file:src/a.py`, `type:src/A.java#A`), else by its path (a file
//! or directory), else by its name or qualified name; a name several nodes share is refused with
//! the ids to choose from.

use std::collections::{BTreeSet, HashSet, VecDeque};

use crate::kg::{Indexed, EDGE_KINDS, NODE_KINDS};
use crate::Error;

/// A query (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub op: String,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub node: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub edge_kinds: Option<Vec<String>>,
    pub direction: Option<String>,
    pub depth: Option<u32>,
    pub relation: Option<String>,
}

/// Deepest `depth`: ten steps cover a call chain or a package tree; more is the whole graph.
pub const MAX_DEPTH: u32 = 10;

/// The answer: nodes in answer order (with their depth from the start, for traversals) and the
/// edges that reached them (indexes into the graph).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pub nodes: Vec<(u32, Option<u32>)>,
    pub edges: Vec<u32>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Out,
    In,
    Both,
}

pub fn run(graph: &Indexed, q: &Query) -> Result<Answer, Error> {
    match q.op.as_str() {
        "nodes" => nodes(graph, q),
        "neighbors" => {
            let start = find(graph, required(&q.node, "node")?)?;
            let kinds = edge_kinds(q.edge_kinds.as_deref())?;
            traverse(graph, start, kinds.as_ref(), direction(q.direction.as_deref())?, depth(q.depth)?)
        }
        "dependents" => {
            let start = find(graph, required(&q.node, "node")?)?;
            let kinds: HashSet<String> = match required(&q.relation, "relation")? {
                "subtypes" => ["extends", "implements"].iter().map(|s| s.to_string()).collect(),
                r @ ("imports" | "calls" | "extends" | "implements") => [r.to_string()].into_iter().collect(),
                other => return Err(Error::BadQuery(format!("unknown relation `{other}`: imports, calls, extends, implements or subtypes"))),
            };
            traverse(graph, start, Some(&kinds), Direction::In, depth(q.depth)?)
        }
        "path" => {
            let from = find(graph, required(&q.from, "from")?)?;
            let to = find(graph, required(&q.to, "to")?)?;
            let kinds = edge_kinds(q.edge_kinds.as_deref())?;
            Ok(shortest_path(graph, from, to, kinds.as_ref(), direction(q.direction.as_deref())?))
        }
        other => Err(Error::BadQuery(format!("unknown op `{other}`: nodes, neighbors, path or dependents"))),
    }
}

fn required<'q>(value: &'q Option<String>, field: &str) -> Result<&'q str, Error> {
    value.as_deref().filter(|v| !v.is_empty()).ok_or_else(|| Error::BadQuery(format!("this op needs `{field}`")))
}

fn depth(depth: Option<u32>) -> Result<u32, Error> {
    match depth.unwrap_or(1) {
        d @ 1..=MAX_DEPTH => Ok(d),
        d => Err(Error::BadQuery(format!("depth {d} is outside 1..={MAX_DEPTH}"))),
    }
}

fn direction(direction: Option<&str>) -> Result<Direction, Error> {
    match direction.unwrap_or("out") {
        "out" => Ok(Direction::Out),
        "in" => Ok(Direction::In),
        "both" => Ok(Direction::Both),
        other => Err(Error::BadQuery(format!("unknown direction `{other}`: out, in or both"))),
    }
}

fn edge_kinds(kinds: Option<&[String]>) -> Result<Option<HashSet<String>>, Error> {
    let Some(kinds) = kinds else { return Ok(None) };
    for k in kinds {
        if !EDGE_KINDS.contains(&k.as_str()) {
            return Err(Error::BadQuery(format!("unknown edge kind `{k}`: {}", EDGE_KINDS.join(", "))));
        }
    }
    Ok(Some(kinds.iter().cloned().collect()))
}

fn nodes(graph: &Indexed, q: &Query) -> Result<Answer, Error> {
    if let Some(kind) = &q.kind {
        if !NODE_KINDS.contains(&kind.as_str()) {
            return Err(Error::BadQuery(format!("unknown node kind `{kind}`: {}", NODE_KINDS.join(", "))));
        }
    }
    let pattern = q.name.as_deref().map(|p| p.to_lowercase().chars().collect::<Vec<char>>());
    let mut found: Vec<u32> = (0..graph.graph.nodes.len() as u32)
        .filter(|&i| {
            let n = &graph.graph.nodes[i as usize];
            q.kind.as_ref().map(|k| &n.kind == k).unwrap_or(true) && pattern.as_ref().map(|p| glob(p, &n.name.to_lowercase().chars().collect::<Vec<_>>())).unwrap_or(true)
        })
        .collect();
    let rank = |k: &str| NODE_KINDS.iter().position(|x| *x == k).unwrap_or(NODE_KINDS.len());
    found.sort_by(|&a, &b| {
        let (a, b) = (&graph.graph.nodes[a as usize], &graph.graph.nodes[b as usize]);
        rank(&a.kind).cmp(&rank(&b.kind)).then_with(|| a.id.cmp(&b.id))
    });
    Ok(Answer { nodes: found.into_iter().map(|n| (n, None)).collect(), edges: Vec::new() })
}

/// `*` and `?` glob match, iterative with one backtrack point (linear for practical patterns).
fn glob(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

/// The node `reference` names (see the module docs).
pub fn find(graph: &Indexed, reference: &str) -> Result<u32, Error> {
    if let Some(&i) = graph.by_id.get(reference) {
        return Ok(i);
    }
    for prefix in ["file:", "dir:"] {
        if let Some(&i) = graph.by_id.get(&format!("{prefix}{reference}")) {
            return Ok(i);
        }
    }
    let suffix = format!("#{reference}");
    let matches: Vec<u32> = (0..graph.graph.nodes.len() as u32)
        .filter(|&i| {
            let n = &graph.graph.nodes[i as usize];
            n.name == reference || n.id.ends_with(&suffix) || (n.kind == "external" && n.id.ends_with(&format!(":{reference}")))
        })
        .collect();
    match matches.len() {
        1 => Ok(matches[0]),
        0 => Err(Error::BadQuery(format!("no node `{reference}`: name a node by its id, path or name (op `nodes` lists them)"))),
        n => {
            let ids: Vec<&str> = matches.iter().take(5).map(|&i| graph.graph.nodes[i as usize].id.as_str()).collect();
            Err(Error::BadQuery(format!("`{reference}` names {n} nodes ({}{}): pass an id", ids.join(", "), if n > 5 { ", ..." } else { "" })))
        }
    }
}

/// Steps from `node`: (edge index, the node at its other end).
fn steps<'g>(graph: &'g Indexed, node: u32, kinds: Option<&'g HashSet<String>>, dir: Direction) -> impl Iterator<Item = (u32, u32)> + 'g {
    let out = matches!(dir, Direction::Out | Direction::Both).then(|| graph.out[node as usize].iter().map(|&e| (e, graph.graph.edges[e as usize].to)));
    let inc = matches!(dir, Direction::In | Direction::Both).then(|| graph.inc[node as usize].iter().map(|&e| (e, graph.graph.edges[e as usize].from)));
    out.into_iter().flatten().chain(inc.into_iter().flatten()).filter(move |&(e, _)| kinds.map(|k| k.contains(&graph.graph.edges[e as usize].kind)).unwrap_or(true))
}

fn traverse(graph: &Indexed, start: u32, kinds: Option<&HashSet<String>>, dir: Direction, max_depth: u32) -> Result<Answer, Error> {
    let mut seen: HashSet<u32> = [start].into_iter().collect();
    let mut frontier = vec![start];
    let mut found: Vec<(u32, u32)> = Vec::new();
    let mut edges: BTreeSet<u32> = BTreeSet::new();
    for d in 1..=max_depth {
        let mut next = Vec::new();
        for &n in &frontier {
            for (e, other) in steps(graph, n, kinds, dir) {
                if seen.insert(other) {
                    next.push(other);
                    found.push((other, d));
                    edges.insert(e);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    found.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| graph.graph.nodes[a.0 as usize].id.cmp(&graph.graph.nodes[b.0 as usize].id)));
    Ok(Answer { nodes: found.into_iter().map(|(n, d)| (n, Some(d))).collect(), edges: edges.into_iter().collect() })
}

fn shortest_path(graph: &Indexed, from: u32, to: u32, kinds: Option<&HashSet<String>>, dir: Direction) -> Answer {
    let mut parent: Vec<Option<(u32, u32)>> = vec![None; graph.graph.nodes.len()];
    let mut seen = vec![false; graph.graph.nodes.len()];
    seen[from as usize] = true;
    let mut queue = VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        if n == to {
            break;
        }
        // neighbours in id order so the path chosen among equals is stable
        let mut next: Vec<(u32, u32)> = steps(graph, n, kinds, dir).collect();
        next.sort_by(|a, b| graph.graph.nodes[a.1 as usize].id.cmp(&graph.graph.nodes[b.1 as usize].id).then(a.0.cmp(&b.0)));
        for (e, other) in next {
            if !seen[other as usize] {
                seen[other as usize] = true;
                parent[other as usize] = Some((n, e));
                queue.push_back(other);
            }
        }
    }
    if !seen[to as usize] {
        return Answer::default();
    }
    let mut nodes = vec![to];
    let mut edges = Vec::new();
    let mut at = to;
    while let Some((p, e)) = parent[at as usize] {
        nodes.push(p);
        edges.push(e);
        at = p;
    }
    nodes.reverse();
    edges.reverse();
    Answer { nodes: nodes.into_iter().enumerate().map(|(i, n)| (n, Some(i as u32))).collect(), edges }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| glob(&p.chars().collect::<Vec<_>>(), &t.chars().collect::<Vec<_>>());
        assert!(m("pars*", "parser"));
        assert!(m("*er", "parser"));
        assert!(m("p?rser", "parser"));
        assert!(m("*a*e*", "parser"));
        assert!(!m("pars", "parser"));
        assert!(!m("x*", "parser"));
    }
}
