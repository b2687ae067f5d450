//! `analyze-dependencies` (serve) and `deps` (CLI): a tree's imports resolved and its dependency
//! graph described by the `deps` crate, nodes (each with its outgoing edges) paged as in
//! decision 005; the summary, cycles, most depended-on nodes, externals, violations, unresolved
//! imports and skipped files describe the whole tree on every page.
//!
//! Node names and import paths are relative to the analysed directory (`root` itself is relative
//! to `relativeTo`), so a graph reads the same wherever the tree lies.

use std::path::Path;

use deps::analysis::{Analysis, AnalysisOptions, Node};
use deps::graph::Level;
use deps::rules::Rule;
use protocol::{AnalyzeDependenciesArgs, ErrorCode, Response};
use serde::Serialize;
use serde_json::value::RawValue;

use crate::paging::{self, PageRequest};

/// Nodes per page unless `limit` says otherwise: a node with a few edges is ~200 bytes.
pub const DEFAULT_PAGE_NODES: usize = 500;

/// The most `top` nodes one answer lists (every page carries them).
pub const MAX_TOP: usize = 1000;

/// The `page` of an answer.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodePage {
    pub offset: usize,
    pub count: usize,
    pub total_nodes: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Skipped<'a> {
    path: &'a str,
    reason: &'a str,
}

/// One answer: the tree-wide parts, then the page of nodes.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DepsPage<'a> {
    root: &'a str,
    #[serde(flatten)]
    analysis: &'a Analysis,
    skipped: Vec<Skipped<'a>>,
    page: NodePage,
    next_cursor: Option<String>,
    nodes: Vec<Box<RawValue>>,
}

/// The analysis options an `analyze-dependencies` request asks for, or what is wrong with them.
pub fn options_of(args: &AnalyzeDependenciesArgs) -> Result<AnalysisOptions, String> {
    let level = match args.level.as_deref() {
        None => Level::File,
        Some(name) => Level::from_name(name).ok_or_else(|| format!("unknown level `{name}`: file, directory or external"))?,
    };
    let top = args.top.unwrap_or(10);
    if top > MAX_TOP {
        return Err(format!("`top` is at most {MAX_TOP}"));
    }
    let rules: Vec<Rule> = args.rules.iter().flatten().map(|r| Rule { from: r.from.clone(), to: r.to.clone() }).collect();
    if let Some(bad) = rules.iter().find(|r| r.from.trim().is_empty() || r.to.trim().is_empty()) {
        return Err(format!("a rule needs non-empty `from` and `to` globs (got `{}` -> `{}`)", bad.from, bad.to));
    }
    Ok(AnalysisOptions { level, rules, top, ..AnalysisOptions::default() })
}

/// Why a tree could not be analysed, as a serve error code and message.
pub fn error_of(e: deps::Error) -> (ErrorCode, String) {
    match e {
        deps::Error::Cancelled => (ErrorCode::DeadlineExceeded, "deadline exceeded".into()),
        deps::Error::BadRule(m) => (ErrorCode::BadArguments, m),
        deps::Error::Io(e) => (ErrorCode::NotFound, e.to_string()),
    }
}

/// Analyses `root`: the tree-wide parts, the nodes and the skipped files.
pub fn analyze(root: &Path, options: &AnalysisOptions, max_file_bytes: u64, should_stop: &(dyn Fn() -> bool + Sync)) -> Result<(Analysis, Vec<Node>, Vec<(String, String)>), deps::Error> {
    let imports = deps::imports_of_tree(root, &deps::Options { max_file_bytes, include_dirs: Vec::new(), should_stop: Some(should_stop) })?;
    let (analysis, nodes) = deps::analysis::analyze(&imports, options)?;
    Ok((analysis, nodes, imports.skipped))
}

/// One page of the answer for `root` shown as `shown_root`.
pub fn page_json(shown_root: &str, analysis: &Analysis, nodes: &[Node], skipped: &[(String, String)], request: &PageRequest) -> serde_json::Result<String> {
    let mut answer = DepsPage {
        root: shown_root,
        analysis,
        skipped: skipped.iter().map(|(path, reason)| Skipped { path, reason }).collect(),
        page: NodePage { offset: 0, count: 0, total_nodes: nodes.len() },
        next_cursor: None,
        nodes: Vec::new(),
    };
    let paged = paging::paginate_beside(&answer, nodes, request, serde_json::value::to_raw_value)?;
    answer.page = NodePage { offset: paged.page.offset, count: paged.page.count, total_nodes: paged.page.total_files };
    answer.next_cursor = paged.next_cursor;
    answer.nodes = paged.items;
    serde_json::to_string(&answer)
}

/// The whole answer in one (the CLI, which no message limit binds).
pub fn whole_json(shown_root: &str, analysis: &Analysis, nodes: &[Node], skipped: &[(String, String)]) -> serde_json::Result<String> {
    let answer = DepsPage {
        root: shown_root,
        analysis,
        skipped: skipped.iter().map(|(path, reason)| Skipped { path, reason }).collect(),
        page: NodePage { offset: 0, count: nodes.len(), total_nodes: nodes.len() },
        next_cursor: None,
        nodes: nodes.iter().map(serde_json::value::to_raw_value).collect::<serde_json::Result<_>>()?,
    };
    serde_json::to_string(&answer)
}

/// The serve tool.
pub fn serve(id: &str, args: &AnalyzeDependenciesArgs, max_file_bytes: u64, should_stop: &(dyn Fn() -> bool + Sync)) -> Result<Box<RawValue>, Response> {
    let bad = |m: String| Response::error(id, ErrorCode::BadArguments, m);
    let request = PageRequest::of(id, args.limit, args.cursor.as_deref(), DEFAULT_PAGE_NODES)?;
    let options = options_of(args).map_err(bad)?;
    crate::files_cmd::named_path(&args.path, "no such file or directory").map_err(|e| Response::error(id, e.code, e.message))?;
    let root = Path::new(&args.path);
    let (analysis, nodes, skipped) = analyze(root, &options, max_file_bytes, should_stop).map_err(|e| {
        let (code, message) = error_of(e);
        Response::error(id, code, message)
    })?;
    let shown = crate::scan::shown_root(root, args.relative_to.as_deref().map(Path::new));
    page_json(&shown, &analysis, &nodes, &skipped, &request)
        .and_then(RawValue::from_string)
        .map_err(|e| Response::error(id, ErrorCode::Internal, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(path: &Path) -> AnalyzeDependenciesArgs {
        AnalyzeDependenciesArgs { path: path.to_string_lossy().into_owned(), ..Default::default() }
    }

    fn call(a: &AnalyzeDependenciesArgs) -> Result<serde_json::Value, Response> {
        serve("r", a, 1 << 20, &|| false).map(|raw| serde_json::from_str(raw.get()).unwrap())
    }

    #[test]
    fn pages_nodes_and_reports_cycles_and_violations() {
        let dir = crate::test_dirs::empty("deps", "pages");
        std::fs::create_dir_all(dir.join("ui")).unwrap();
        std::fs::write(dir.join("ui/a.js"), "import b from '../core/b.js';\nrequire('lodash');\nrequire('./missing');\n").unwrap();
        std::fs::create_dir_all(dir.join("core")).unwrap();
        std::fs::write(dir.join("core/b.js"), "export * from '../ui/a';\n").unwrap();
        std::fs::write(dir.join("core/c.js"), "import './b';\n").unwrap();
        let mut a = args(&dir);
        a.limit = Some(2);
        a.rules = Some(vec![protocol::LayerRule { from: "core/**".into(), to: "ui/**".into() }]);
        let first = call(&a).unwrap();
        assert_eq!(first["summary"]["imports"], 5);
        assert_eq!(first["summary"]["unresolved"], 1);
        assert_eq!(first["unresolved"][0]["spec"], "./missing");
        assert_eq!(first["externals"][0]["package"], "lodash");
        assert_eq!(first["cycles"][0]["members"], serde_json::json!(["core/b.js", "ui/a.js"]));
        assert_eq!(first["cycles"][0]["shortest"], serde_json::json!(["core/b.js", "ui/a.js", "core/b.js"]));
        assert_eq!(first["violations"], serde_json::json!([{"rule": 0, "from": "core/b.js", "to": "ui/a.js", "count": 1}]));
        assert_eq!(first["page"], serde_json::json!({"offset": 0, "count": 2, "totalNodes": 3}));
        assert_eq!(first["nodes"][0]["name"], "core/b.js");
        a.cursor = first["nextCursor"].as_str().map(String::from);
        let second = call(&a).unwrap();
        assert_eq!(second["nodes"][0]["name"], "ui/a.js");
        assert_eq!(second["nodes"][0]["dependsOn"], serde_json::json!([{"to": "core/b.js", "count": 1}]));
        assert!(second["nextCursor"].is_null());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bad_arguments_are_refused() {
        let dir = crate::test_dirs::empty("deps", "bad");
        for (level, top, code) in [(Some("planet"), None, ErrorCode::BadArguments), (None, Some(1001), ErrorCode::BadArguments)] {
            let mut a = args(&dir);
            a.level = level.map(String::from);
            a.top = top;
            match call(&a) {
                Err(Response::Error { error, .. }) => assert_eq!(error.code, code),
                other => panic!("{other:?}"),
            }
        }
        let mut a = args(&dir);
        a.rules = Some(vec![protocol::LayerRule { from: "a/[".into(), to: "b".into() }]);
        assert!(matches!(call(&a), Err(Response::Error { error, .. }) if error.code == ErrorCode::BadArguments));
        assert!(matches!(call(&args(&dir.join("nope"))), Err(Response::Error { error, .. }) if error.code == ErrorCode::NotFound));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
