//! The fixtures' edges and cycles against established tools (regenerate the references with
//! `bench/deps/fixture-refs.sh`): JS/TS against madge 8, Python against `bench/deps/py_ref.py`
//! (Python's own `ast` module), Java package edges against `jdeps -verbose:package` on the classes
//! javac compiles from the fixture. The other languages' `expected-edges.txt` were written by hand
//! from each language's rules (no reference tool for them runs here).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use deps::graph::{Graph, Level};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

type Edges = BTreeSet<(String, String)>;

fn our_edges(name: &str, level: Level) -> (Graph, Edges, deps::TreeImports) {
    let tree = deps::imports_of_tree(&fixture(name), &deps::Options::default()).unwrap();
    let g = Graph::build(&tree, level);
    let edges = g.edges().iter().filter(|(a, b, _)| a != b).map(|&(a, b, _)| (g.nodes()[a].clone(), g.nodes()[b].clone())).collect();
    (g, edges, tree)
}

fn json(path: PathBuf) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn madge_edges(name: &str) -> Edges {
    let v = json(fixture(name).join("reference-madge.json"));
    let mut e = Edges::new();
    for (from, tos) in v.as_object().unwrap() {
        for t in tos.as_array().unwrap() {
            e.insert((from.clone(), t.as_str().unwrap().to_string()));
        }
    }
    e
}

/// Every madge cycle lies inside one of our components, and the components hold no file that is
/// on no madge cycle.
fn assert_cycles_agree(name: &str, g: &Graph) {
    let madge: Vec<BTreeSet<String>> = json(fixture(name).join("reference-madge-circular.json"))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect())
        .collect();
    let ours: Vec<BTreeSet<String>> = g.cycles().into_iter().map(|c| c.members.into_iter().collect()).collect();
    for m in &madge {
        assert!(ours.iter().any(|o| m.is_subset(o)), "{name}: madge cycle {m:?} in none of {ours:?}");
    }
    let madge_files: BTreeSet<&String> = madge.iter().flatten().collect();
    let our_files: BTreeSet<&String> = ours.iter().flatten().collect();
    assert_eq!(our_files, madge_files, "{name}: files on cycles");
}

#[test]
fn javascript_agrees_with_madge() {
    let (g, ours, tree) = our_edges("js", Level::File);
    let mut expected = madge_edges("js");
    // madge reads an ES module with ESM syntax only: `require('./c')` beside `import` is no
    // dependency to it; bundlers and Node's CommonJS interop load it, so we keep the edge.
    expected.insert(("src/a.js".into(), "src/c.js".into()));
    assert_eq!(ours, expected);
    assert_cycles_agree("js", &g);
    let cycle = &g.cycles()[0];
    assert_eq!(cycle.members, vec!["src/a.js", "src/b.js", "src/d.js"]);
    assert_eq!(cycle.shortest, vec!["src/a.js", "src/b.js", "src/a.js"]);
    // `./missing` is kept and counted; lodash and fs are external
    assert_eq!(tree.unresolved, 1);
    let externals: BTreeSet<String> = tree.files.iter().flat_map(|f| &f.imports).filter_map(|i| match &i.target {
        deps::Target::External { ecosystem, package } => Some(format!("{ecosystem}:{package}")),
        _ => None,
    }).collect();
    assert_eq!(externals, BTreeSet::from(["node:fs".to_string(), "npm:lodash".to_string()]));
}

#[test]
fn typescript_with_tsconfig_paths_agrees_with_madge() {
    let (g, ours, tree) = our_edges("ts", Level::File);
    assert_eq!(ours, madge_edges("ts"));
    assert_cycles_agree("ts", &g);
    assert_eq!(tree.unresolved, 0);
    let kinds: BTreeMap<String, deps::ImportKind> = tree.files.iter().flat_map(|f| &f.imports).map(|i| (i.spec.clone(), i.kind)).collect();
    assert_eq!(kinds["./types"], deps::ImportKind::TypeOnly);
    assert_eq!(kinds["./re"], deps::ImportKind::ReExport);
}

#[test]
fn python_agrees_with_the_ast_reference() {
    let (g, ours, tree) = our_edges("python", Level::File);
    let v = json(fixture("python").join("reference-ast.json"));
    let mut expected = Edges::new();
    for (from, tos) in v["edges"].as_object().unwrap() {
        for t in tos.as_array().unwrap() {
            expected.insert((from.clone(), t.as_str().unwrap().to_string()));
        }
    }
    assert_eq!(ours, expected);
    // pkg/__init__ -> sub/__init__ only; the cycle is helpers <-> sub/mod, and mod -> pkg/__init__ -> ...
    let cycles = g.cycles();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].members, vec!["pkg/helpers.py", "pkg/sub/mod.py"]);
    // `from pkg.missing import nothing`: pkg is in the tree, pkg.missing is not
    assert_eq!(tree.unresolved, 1);
}

#[test]
fn java_package_edges_agree_with_jdeps() {
    let (g, ours, _) = our_edges("java", Level::Directory);
    let as_package = |d: &str| d.trim_start_matches("src/").replace('/', ".");
    let ours: BTreeSet<String> = ours.iter().map(|(a, b)| format!("{} -> {}", as_package(a), as_package(b))).collect();
    let expected: BTreeSet<String> = std::fs::read_to_string(fixture("java").join("reference-jdeps.txt")).unwrap().lines().map(String::from).collect();
    assert_eq!(ours, expected);
    let cycles = g.cycles();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].shortest, vec!["src/com/acme/core", "src/com/acme/util", "src/com/acme/core"]);
}
