//! Every import of the per-language fixtures and what it resolved to, against
//! `tests/fixtures/<lang>/expected-imports.txt`: snapshots reviewed line by line against each language's rules (the
//! resolution table in `src/resolve.rs`): one line per import, `path:line spec (kind) -> target`.
//! JS/TS, Python and Java are checked against reference tools in `reference_fixtures.rs`.

use std::path::Path;

fn dump(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let tree = deps::imports_of_tree(&root, &deps::Options::default()).unwrap();
    let mut out = String::new();
    for f in &tree.files {
        for i in &f.imports {
            let target = match &i.target {
                deps::Target::File { path } => format!("file {path}"),
                deps::Target::Directory { path } => format!("dir {path}"),
                deps::Target::External { ecosystem, package } => format!("external {ecosystem}:{package}"),
                deps::Target::Unresolved { reason } => format!("unresolved ({reason})"),
            };
            out.push_str(&format!("{}:{} {} ({:?}) -> {target}\n", f.path, i.line, i.spec, i.kind));
        }
    }
    out.push_str(&format!("unresolved: {}\n", tree.unresolved));
    out
}

fn check(name: &str) {
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name).join("expected-imports.txt");
    let got = dump(name);
    if std::env::var_os("DEPS_PRINT").is_some() {
        println!("==== {name}\n{got}");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert_eq!(got, expected, "{name}");
}

#[test]
fn go() {
    check("go");
}

#[test]
fn rust() {
    check("rust");
}

#[test]
fn c() {
    check("c");
}

#[test]
fn cpp() {
    check("cpp");
}

#[test]
fn csharp() {
    check("csharp");
}

#[test]
fn ruby() {
    check("ruby");
}

#[test]
fn php() {
    check("php");
}

#[test]
fn kotlin() {
    check("kotlin");
}

#[test]
fn scala() {
    check("scala");
}

#[test]
fn swift() {
    check("swift");
}

#[test]
fn bash() {
    check("bash");
}
