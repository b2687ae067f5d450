//! `cross-repo-analysis`: two or more trees side by side (decision 032). Each tree is listed once
//! (`search-code`'s walk: `.gitignore` honoured, hidden files and `node_modules/` left out,
//! symlinks never followed) and gives:
//! 1. its build manifests, read by [`project_cmd::manifests_in`] (the `manifests` crate, lock files
//!    applied), so `project-info` and this tool declare the same dependencies;
//! 2. its imports, resolved by the `deps` crate as `analyze-dependencies` resolves them;
//! 3. the sizes (and, for sizes another tree has too, the BLAKE3 hashes) of its files.
//!
//! Across the trees:
//! * `dependencies`: every package a manifest declares, by ecosystem (`maven` for pom.xml and
//!   Gradle, `npm`, `pypi` for requirements and pyproject with PEP 503 names, `go`, `crates`),
//!   with each tree's declarations; a **mismatch** is two trees declaring it at different versions
//!   (the locked version where a lock file gives one, else the version as declared);
//! * `imports`: a tree's imports of what another tree provides: its `package.json` name, its
//!   `go.mod` module path (and packages below it), its crate name (`-` as `_`), its Python project
//!   name (PEP 503, against the imported top-level module), and the JVM packages its Java, Kotlin
//!   and Scala files declare (the longest declared package prefixing the import); `declared` says
//!   whether the importing tree's manifests also declare the providing tree's package
//!   (for JVM packages: one of the provider's Maven coordinates);
//! * `identicalFiles`: files of at least `minFileBytes` (default 256: licence headers and empty
//!   `__init__.py` files are not news) with the same content in two or more trees.
//!
//! Every page carries the trees (name, root, commit, manifests, what each provides) and the counts;
//! `section` chooses the list that is paged (`limit`, `cursor`, as decision 005).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use deps::{Language, Target, TreeImports};
use protocol::{CrossRepoArgs, ErrorCode, Response};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::paging::{self, PageRequest};
use crate::project_cmd::{self, ManifestFound};
use crate::scan;

/// More trees than this in one call are refused: every tree is parsed whole, and ten trees are
/// already more than one answer can show side by side (the worker's contract says the same).
pub const MAX_REPOSITORIES: usize = 10;
/// Files smaller than this are not compared unless the call says otherwise.
pub const DEFAULT_MIN_FILE_BYTES: u64 = 256;
/// Items per page unless `limit` says otherwise.
pub const DEFAULT_PAGE_ITEMS: usize = 200;
/// Import sites listed per importing pair (all are counted).
const SAMPLE_SITES: usize = 5;
pub const SECTIONS: [&str; 4] = ["dependencies", "mismatches", "imports", "identicalFiles"];

/// One tree, read.
struct Tree {
    name: String,
    root: PathBuf,
    shown: String,
    commit: Option<String>,
    files: Vec<PathBuf>,
    manifests: Vec<ManifestFound>,
    imports: TreeImports,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ManifestSummary<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<manifests::Kind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    dependencies: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// A name another tree may import this one by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
struct Provided {
    ecosystem: &'static str,
    package: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RepositorySummary<'a> {
    name: &'a str,
    root: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    files: usize,
    manifests: Vec<ManifestSummary<'a>>,
    /// Manifest names other trees may import it by (npm name, Go module, crate, Python project, Maven coordinate).
    provides: Vec<Provided>,
    /// JVM packages its Java, Kotlin and Scala files declare.
    jvm_packages: usize,
}

/// One tree's declaration of a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Declaration {
    pub repository: String,
    pub manifest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<String>,
    pub scope: String,
}

/// A package declared by one or more trees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeclaredPackage {
    pub ecosystem: &'static str,
    pub name: String,
    /// Two trees declare it at different versions.
    pub mismatch: bool,
    /// The distinct versions declared (locked where a lock file pins one), sorted.
    pub versions: Vec<String>,
    pub declarations: Vec<Declaration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSite {
    pub path: String,
    pub line: u32,
    pub spec: String,
}

/// One tree's imports of a package another tree provides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossImport {
    pub from: String,
    pub to: String,
    pub ecosystem: String,
    pub package: String,
    /// What of `to` it matched: `npm name`, `go module`, `crate name`, `python project`, `jvm package`.
    pub via: &'static str,
    /// `from`'s manifests declare `to`'s package (or, for a JVM package, one of `to`'s Maven coordinates).
    pub declared: bool,
    pub imports: usize,
    pub files: usize,
    /// The first few import sites, in path and line order.
    pub sample: Vec<ImportSite>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCopy {
    pub repository: String,
    pub path: String,
}

/// Files with the same content in two or more trees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IdenticalFiles {
    /// BLAKE3 of the content, hex.
    pub hash: String,
    pub size: u64,
    pub copies: Vec<FileCopy>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    repositories: usize,
    dependencies: usize,
    mismatches: usize,
    imports: usize,
    identical_files: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemPage {
    offset: usize,
    count: usize,
    total: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    section: &'a str,
    min_file_bytes: u64,
    repositories: Vec<RepositorySummary<'a>>,
    summary: Summary,
    page: ItemPage,
    next_cursor: Option<String>,
    items: Vec<Box<RawValue>>,
}

/// What the whole analysis found (every list, before paging).
pub struct CrossRepo {
    trees: Vec<Tree>,
    pub dependencies: Vec<DeclaredPackage>,
    pub imports: Vec<CrossImport>,
    pub identical: Vec<IdenticalFiles>,
}

/// Limits and stops of one analysis.
pub struct CrossRepoOptions<'a> {
    pub max_file_bytes: u64,
    pub min_file_bytes: u64,
    pub should_stop: &'a (dyn Fn() -> bool + Sync),
}

fn error(code: ErrorCode, message: String) -> protocol::ErrorBody {
    protocol::ErrorBody { code, message }
}

/// The serve tool: one page of the chosen section.
pub fn serve(id: &str, args: &CrossRepoArgs, max_file_bytes: u64, should_stop: &(dyn Fn() -> bool + Sync)) -> Result<Box<RawValue>, Response> {
    let section = args.section.as_deref().unwrap_or("mismatches");
    if !SECTIONS.contains(&section) {
        return Err(Response::error(id, ErrorCode::BadArguments, format!("unknown section `{section}`: {}", SECTIONS.join(", "))));
    }
    let page = PageRequest::of(id, args.limit, args.cursor.as_deref(), DEFAULT_PAGE_ITEMS)?;
    let min_file_bytes = args.min_file_bytes.unwrap_or(DEFAULT_MIN_FILE_BYTES).max(1);
    let options = CrossRepoOptions { max_file_bytes, min_file_bytes, should_stop };
    let found = analyze(args, &options).map_err(|e| Response::error(id, e.code, e.message))?;
    let json = page_json(&found, section, min_file_bytes, &page).map_err(|e| Response::error(id, ErrorCode::Internal, e.to_string()))?;
    RawValue::from_string(json).map_err(|e| Response::error(id, ErrorCode::Internal, e.to_string()))
}

/// Reads every tree and compares them.
pub fn analyze(args: &CrossRepoArgs, options: &CrossRepoOptions<'_>) -> Result<CrossRepo, protocol::ErrorBody> {
    let n = args.repositories.len();
    if !(2..=MAX_REPOSITORIES).contains(&n) {
        return Err(error(ErrorCode::BadArguments, format!("give 2 to {MAX_REPOSITORIES} repositories (got {n})")));
    }
    let mut names = BTreeSet::new();
    if let Some(twice) = args.repositories.iter().find(|r| !names.insert(r.name.as_str())) {
        return Err(error(ErrorCode::BadArguments, format!("two repositories are named `{}`", twice.name)));
    }
    let trees = args.repositories.iter().map(|r| read_tree(r, options)).collect::<Result<Vec<_>, _>>()?;
    let dependencies = declared_packages(&trees);
    let imports = cross_imports(&trees);
    let identical = identical_files(&trees, options)?;
    Ok(CrossRepo { trees, dependencies, imports, identical })
}

fn read_tree(repo: &protocol::CrossRepoTree, options: &CrossRepoOptions<'_>) -> Result<Tree, protocol::ErrorBody> {
    let root = PathBuf::from(&repo.path);
    let shown = scan::shown_root(&root, repo.relative_to.as_deref().map(Path::new));
    let named = |e: protocol::ErrorBody| error(e.code, format!("{}: {}", repo.name, e.message.replace(repo.path.as_str(), &shown)));
    let meta = crate::files_cmd::named_path(&repo.path, "no such directory").map_err(named)?;
    if !meta.is_dir() {
        return Err(error(ErrorCode::BadArguments, format!("{}: {shown} is not a directory", repo.name)));
    }
    let listed = search::files::list(&root, &[], &["node_modules/".to_string()]).map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    let show = |p: &Path| search::files::display(p, &root);
    let manifests = project_cmd::manifests_in(&root, &listed.files, &show);
    let imports = deps::imports_of_tree(&root, &deps::Options { max_file_bytes: options.max_file_bytes, include_dirs: Vec::new(), should_stop: Some(options.should_stop) })
        .map_err(|e| {
            let (code, message) = crate::deps_cmd::error_of(e);
            error(code, format!("{}: {message}", repo.name))
        })?;
    Ok(Tree { name: repo.name.clone(), root, shown, commit: repo.commit.clone(), files: listed.files, manifests, imports })
}

/// The ecosystem of a manifest kind's dependencies, as `deps` names external packages.
fn ecosystem_of(kind: manifests::Kind) -> &'static str {
    use manifests::Kind;
    match kind {
        Kind::Maven | Kind::Gradle => "maven",
        Kind::Npm => "npm",
        Kind::Requirements | Kind::Pyproject => "pypi",
        Kind::Go => "go",
        Kind::Cargo => "crates",
    }
}

/// The name two declarations of one package share: PEP 503 for Python (`Foo_Bar.baz` is
/// `foo-bar-baz`), `-` as `_` for crates (crates.io treats them as one name), else as written.
fn package_key(ecosystem: &str, name: &str) -> String {
    match ecosystem {
        "pypi" => {
            let mut out = String::with_capacity(name.len());
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !out.ends_with('-') {
                        out.push('-');
                    }
                } else {
                    out.push(c.to_ascii_lowercase());
                }
            }
            out
        }
        "crates" => name.replace('-', "_"),
        _ => name.to_string(),
    }
}

fn parsed(tree: &Tree) -> impl Iterator<Item = (&ManifestFound, &manifests::Manifest)> {
    tree.manifests.iter().filter_map(|m| m.manifest.as_ref().map(|parsed| (m, parsed)))
}

/// What a tree's manifests name it: `(ecosystem, key)`.
fn provided(tree: &Tree) -> Vec<Provided> {
    let set: BTreeSet<Provided> = parsed(tree)
        .filter_map(|(_, m)| m.name.as_ref().map(|name| Provided { ecosystem: ecosystem_of(m.kind), package: package_key(ecosystem_of(m.kind), name) }))
        .collect();
    set.into_iter().collect()
}

fn jvm_packages(tree: &Tree) -> BTreeSet<&str> {
    tree.imports
        .files
        .iter()
        .filter(|f| matches!(f.language, Language::Java | Language::Kotlin | Language::Scala))
        .filter_map(|f| f.package.as_deref())
        .collect()
}

/// Every declared package across the trees, by ecosystem and key.
fn declared_packages(trees: &[Tree]) -> Vec<DeclaredPackage> {
    let mut by_key: BTreeMap<(&'static str, String), DeclaredPackage> = BTreeMap::new();
    for tree in trees {
        for (found, manifest) in parsed(tree) {
            let ecosystem = ecosystem_of(manifest.kind);
            for d in &manifest.dependencies {
                let entry = by_key.entry((ecosystem, package_key(ecosystem, &d.name))).or_insert_with(|| DeclaredPackage {
                    ecosystem,
                    name: if ecosystem == "pypi" { package_key(ecosystem, &d.name) } else { d.name.clone() },
                    mismatch: false,
                    versions: Vec::new(),
                    declarations: Vec::new(),
                });
                entry.declarations.push(Declaration {
                    repository: tree.name.clone(),
                    manifest: found.path.clone(),
                    version: d.version.clone(),
                    locked: d.locked.clone(),
                    scope: d.scope.clone(),
                });
            }
        }
    }
    let mut out: Vec<DeclaredPackage> = by_key.into_values().collect();
    for p in &mut out {
        let pinned: Vec<(&str, &str)> = p.declarations.iter().filter_map(|d| d.locked.as_deref().or(d.version.as_deref()).map(|v| (d.repository.as_str(), v))).collect();
        p.mismatch = pinned.iter().any(|(r1, v1)| pinned.iter().any(|(r2, v2)| r1 != r2 && v1 != v2));
        let versions: BTreeSet<&str> = pinned.iter().map(|(_, v)| *v).collect();
        p.versions = versions.into_iter().map(str::to_string).collect();
    }
    out
}

/// What an import of one tree names in another: `(package, via)`.
fn match_import(ecosystem: &str, package: &str, spec: &str, provider: &Provider<'_>) -> Option<(String, &'static str)> {
    match ecosystem {
        "npm" => provider.names.contains(&Provided { ecosystem: "npm", package: package.to_string() }).then(|| (package.to_string(), "npm name")),
        "crates" => {
            let key = package_key("crates", package);
            provider.names.contains(&Provided { ecosystem: "crates", package: key.clone() }).then_some((key, "crate name"))
        }
        "pypi" => {
            let key = package_key("pypi", package);
            provider.names.contains(&Provided { ecosystem: "pypi", package: key.clone() }).then_some((key, "python project"))
        }
        "go" => provider
            .names
            .iter()
            .filter(|p| p.ecosystem == "go" && (spec == p.package || spec.starts_with(&format!("{}/", p.package))))
            .max_by_key(|p| p.package.len())
            .map(|p| (p.package.clone(), "go module")),
        "maven" => {
            let name = spec.strip_suffix(".*").or_else(|| spec.strip_suffix("._")).unwrap_or(spec);
            let segments: Vec<&str> = name.split('.').collect();
            (1..=segments.len()).rev().map(|k| segments[..k].join(".")).find(|p| provider.jvm_packages.contains(p.as_str())).map(|p| (p, "jvm package"))
        }
        _ => None,
    }
}

/// What one tree provides, for matching the others' imports.
struct Provider<'t> {
    names: Vec<Provided>,
    jvm_packages: BTreeSet<&'t str>,
    /// Its Maven coordinates (a JVM package counts as declared when an importer declares one).
    coordinates: Vec<String>,
}

/// Every tree's imports of what another tree provides.
fn cross_imports(trees: &[Tree]) -> Vec<CrossImport> {
    let providers: Vec<Provider<'_>> = trees
        .iter()
        .map(|t| {
            let names = provided(t);
            let coordinates = names.iter().filter(|p| p.ecosystem == "maven").map(|p| p.package.clone()).collect();
            Provider { names, jvm_packages: jvm_packages(t), coordinates }
        })
        .collect();
    let mut out = Vec::new();
    for (i, from) in trees.iter().enumerate() {
        let declared: BTreeSet<(&'static str, String)> = parsed(from)
            .flat_map(|(_, m)| m.dependencies.iter().map(move |d| (ecosystem_of(m.kind), package_key(ecosystem_of(m.kind), &d.name))))
            .collect();
        for (j, to) in trees.iter().enumerate().filter(|(j, _)| *j != i) {
            let provider = &providers[j];
            let mut found: BTreeMap<(String, String), (CrossImport, BTreeSet<&str>)> = BTreeMap::new();
            for file in &from.imports.files {
                for import in &file.imports {
                    let Target::External { ecosystem, package } = &import.target else { continue };
                    let Some((matched, via)) = match_import(ecosystem, package, &import.spec, provider) else { continue };
                    let is_declared = if via == "jvm package" {
                        provider.coordinates.iter().any(|c| declared.contains(&("maven", c.clone())))
                    } else {
                        declared.contains(&(provided_ecosystem(via), matched.clone()))
                    };
                    let (entry, files) = found.entry((ecosystem.clone(), matched.clone())).or_insert_with(|| {
                        let item = CrossImport { from: from.name.clone(), to: to.name.clone(), ecosystem: ecosystem.clone(), package: matched.clone(), via, declared: is_declared, imports: 0, files: 0, sample: Vec::new() };
                        (item, BTreeSet::new())
                    });
                    entry.imports += 1;
                    files.insert(file.path.as_str());
                    if entry.sample.len() < SAMPLE_SITES {
                        entry.sample.push(ImportSite { path: file.path.clone(), line: import.line, spec: import.spec.clone() });
                    }
                }
            }
            out.extend(found.into_values().map(|(mut item, files)| {
                item.files = files.len();
                item
            }));
        }
    }
    out
}

/// The manifest ecosystem whose declarations a match by `via` is checked against.
fn provided_ecosystem(via: &str) -> &'static str {
    match via {
        "npm name" => "npm",
        "go module" => "go",
        "crate name" => "crates",
        "python project" => "pypi",
        _ => "maven",
    }
}

/// Files of at least `min_file_bytes` with the same content in two or more trees: only sizes that
/// two trees share are hashed.
fn identical_files(trees: &[Tree], options: &CrossRepoOptions<'_>) -> Result<Vec<IdenticalFiles>, protocol::ErrorBody> {
    let mut by_size: HashMap<u64, Vec<(usize, &PathBuf)>> = HashMap::new();
    for (i, tree) in trees.iter().enumerate() {
        for file in &tree.files {
            if let Ok(meta) = std::fs::symlink_metadata(file) {
                if meta.is_file() && meta.len() >= options.min_file_bytes && meta.len() <= options.max_file_bytes {
                    by_size.entry(meta.len()).or_default().push((i, file));
                }
            }
        }
    }
    let candidates: Vec<(u64, usize, &PathBuf)> = by_size
        .into_iter()
        .filter(|(_, files)| files.iter().any(|(i, _)| files.iter().any(|(j, _)| i != j)))
        .flat_map(|(size, files)| files.into_iter().map(move |(i, f)| (size, i, f)))
        .collect();
    let hashed: Vec<Option<(String, u64, usize, &PathBuf)>> = candidates
        .par_iter()
        .map_init(Vec::new, |buf, (size, i, file)| {
            if (options.should_stop)() {
                return None;
            }
            // A file that cannot be read now (gone, grown past the limit) is left out, not an error.
            Some(scan::read_regular(file, options.max_file_bytes, buf).ok().map(|_| (blake3::hash(buf).to_hex().to_string(), *size, *i, *file)))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| error(ErrorCode::DeadlineExceeded, "deadline exceeded".into()))?;
    let mut groups: BTreeMap<(std::cmp::Reverse<u64>, String), Vec<(usize, &PathBuf)>> = BTreeMap::new();
    for (hash, size, i, file) in hashed.into_iter().flatten() {
        groups.entry((std::cmp::Reverse(size), hash)).or_default().push((i, file));
    }
    Ok(groups
        .into_iter()
        .filter(|(_, copies)| copies.iter().any(|(i, _)| copies.iter().any(|(j, _)| i != j)))
        .map(|((size, hash), mut copies)| {
            copies.sort();
            IdenticalFiles {
                hash,
                size: size.0,
                copies: copies.into_iter().map(|(i, f)| FileCopy { repository: trees[i].name.clone(), path: search::files::display(f, &trees[i].root) }).collect(),
            }
        })
        .collect())
}

fn repository_summary(tree: &Tree) -> RepositorySummary<'_> {
    RepositorySummary {
        name: &tree.name,
        root: &tree.shown,
        commit: tree.commit.as_deref(),
        files: tree.files.len(),
        manifests: tree
            .manifests
            .iter()
            .map(|m| ManifestSummary {
                path: &m.path,
                kind: m.manifest.as_ref().map(|p| p.kind),
                name: m.manifest.as_ref().and_then(|p| p.name.as_deref()),
                version: m.manifest.as_ref().and_then(|p| p.version.as_deref()),
                dependencies: m.manifest.as_ref().map_or(0, |p| p.dependencies.len()),
                error: m.error.as_deref(),
            })
            .collect(),
        provides: provided(tree),
        jvm_packages: jvm_packages(tree).len(),
    }
}

/// One page of `section`.
pub fn page_json(found: &CrossRepo, section: &str, min_file_bytes: u64, request: &PageRequest) -> serde_json::Result<String> {
    let mismatches: Vec<&DeclaredPackage> = found.dependencies.iter().filter(|d| d.mismatch).collect();
    let mut answer = Answer {
        section,
        min_file_bytes,
        repositories: found.trees.iter().map(repository_summary).collect(),
        summary: Summary {
            repositories: found.trees.len(),
            dependencies: found.dependencies.len(),
            mismatches: mismatches.len(),
            imports: found.imports.len(),
            identical_files: found.identical.len(),
        },
        page: ItemPage { offset: 0, count: 0, total: 0 },
        next_cursor: None,
        items: Vec::new(),
    };
    use serde_json::value::to_raw_value;
    let paged = match section {
        "dependencies" => paging::paginate_beside(&answer, &found.dependencies, request, to_raw_value)?,
        "mismatches" => paging::paginate_beside(&answer, &mismatches, request, to_raw_value)?,
        "imports" => paging::paginate_beside(&answer, &found.imports, request, to_raw_value)?,
        _ => paging::paginate_beside(&answer, &found.identical, request, to_raw_value)?,
    };
    answer.page = ItemPage { offset: paged.page.offset, count: paged.page.count, total: paged.page.total_files };
    answer.next_cursor = paged.next_cursor;
    answer.items = paged.items;
    serde_json::to_string(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three small trees: `lib` (an npm package `@acme/lib`, a Go module, a Java package and a
    /// Python project), `app` and `web` that use it at different versions, one file copied.
    fn fixture(name: &str) -> PathBuf {
        let dir = crate::test_dirs::empty("crossrepo", name);
        let write = |rel: &str, text: &str| {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("lib/package.json", r#"{"name":"@acme/lib","version":"1.4.0","dependencies":{"left-pad":"^1.3.0"}}"#);
        write("lib/index.js", "module.exports = require('left-pad');\n");
        write("lib/go.mod", "module example.com/acme/lib\n\ngo 1.21\n\nrequire github.com/pkg/errors v0.9.1\n");
        write("lib/strutil/strutil.go", "package strutil\n\nimport \"github.com/pkg/errors\"\n\nvar E = errors.New(\"x\")\n");
        write("lib/src/main/java/com/acme/lib/Strings.java", "package com.acme.lib;\n\npublic class Strings {}\n");
        write("lib/pom.xml", "<project><groupId>com.acme</groupId><artifactId>lib</artifactId><version>1.4.0</version></project>");
        write("lib/pyproject.toml", "[project]\nname = \"acme-lib\"\nversion = \"1.4.0\"\ndependencies = [\"requests>=2.31\"]\n");
        let shared = "x".repeat(300) + "\n";
        write("lib/LICENSE.txt", &shared);
        write("lib/tiny.txt", "same\n");
        write("app/package.json", r#"{"name":"app","dependencies":{"@acme/lib":"^1.4.0","left-pad":"^1.3.0"}}"#);
        write("app/package-lock.json", r#"{"lockfileVersion":3,"packages":{"node_modules/@acme/lib":{"version":"1.4.0"},"node_modules/left-pad":{"version":"1.3.0"}}}"#);
        write("app/src/main.ts", "import { pad } from '@acme/lib/pad';\nimport lp from 'left-pad';\nimport x from './x';\n");
        write("app/src/x.ts", "export default 1;\n");
        write("app/src/main/java/com/acme/app/App.java", "package com.acme.app;\n\nimport com.acme.lib.Strings;\nimport org.junit.Test;\n\nclass App {}\n");
        write("app/pom.xml", "<project><groupId>com.acme</groupId><artifactId>app</artifactId><version>1</version><dependencies><dependency><groupId>com.acme</groupId><artifactId>lib</artifactId><version>1.4.0</version></dependency></dependencies></project>");
        write("app/tool.py", "import acme_lib\nimport requests\n");
        write("app/requirements.txt", "requests==2.31.0\nAcme_Lib>=1.4\n");
        write("app/tiny.txt", "same\n");
        write("web/package.json", r#"{"name":"web","dependencies":{"@acme/lib":"^1.2.0","left-pad":"1.1.0"}}"#);
        write("web/app.js", "const lib = require('@acme/lib');\n");
        write("web/go.mod", "module example.com/acme/web\n\ngo 1.21\n\nrequire (\n\texample.com/acme/lib v1.2.0\n\tgithub.com/pkg/errors v0.9.1\n)\n");
        write("web/main.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/acme/lib/strutil\"\n)\n\nfunc main() { fmt.Println(strutil.E) }\n");
        write("web/third_party/LICENSE.txt", &shared);
        dir
    }

    fn args_of(dir: &Path) -> CrossRepoArgs {
        let tree = |name: &str| protocol::CrossRepoTree { name: name.into(), path: dir.join(name).to_string_lossy().into_owned(), relative_to: Some(dir.to_string_lossy().into_owned()), commit: None };
        CrossRepoArgs { repositories: vec![tree("lib"), tree("app"), tree("web")], ..Default::default() }
    }

    fn options() -> CrossRepoOptions<'static> {
        CrossRepoOptions { max_file_bytes: 1 << 20, min_file_bytes: DEFAULT_MIN_FILE_BYTES, should_stop: &|| false }
    }

    #[test]
    fn version_mismatches_are_two_trees_declaring_different_versions() {
        let dir = fixture("mismatch");
        let found = analyze(&args_of(&dir), &options()).unwrap();
        let names: Vec<(&str, &str, bool)> = found.dependencies.iter().map(|d| (d.ecosystem, d.name.as_str(), d.mismatch)).collect();
        assert_eq!(
            names,
            [
                ("go", "example.com/acme/lib", false),
                ("go", "github.com/pkg/errors", false),
                ("maven", "com.acme:lib", false),
                ("npm", "@acme/lib", true),
                ("npm", "left-pad", true),
                ("pypi", "acme-lib", false),
                ("pypi", "requests", true),
            ]
        );
        let lib = &found.dependencies[3];
        // app's lock file pins 1.4.0 (compared instead of ^1.4.0), web declares ^1.2.0
        assert_eq!(lib.versions, ["1.4.0", "^1.2.0"]);
        assert_eq!(lib.declarations[0], Declaration { repository: "app".into(), manifest: "package.json".into(), version: Some("^1.4.0".into()), locked: Some("1.4.0".into()), scope: "runtime".into() });
        // left-pad: lib ^1.3.0, app locked 1.3.0, web 1.1.0
        assert_eq!(found.dependencies[4].versions, ["1.1.0", "1.3.0", "^1.3.0"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn imports_of_another_trees_packages_name_what_they_matched() {
        let dir = fixture("imports");
        let found = analyze(&args_of(&dir), &options()).unwrap();
        let got: Vec<(&str, &str, &str, &str, bool, usize)> = found.imports.iter().map(|i| (i.from.as_str(), i.to.as_str(), i.package.as_str(), i.via, i.declared, i.imports)).collect();
        assert_eq!(
            got,
            [
                ("app", "lib", "com.acme.lib", "jvm package", true, 1),
                ("app", "lib", "@acme/lib", "npm name", true, 1),
                ("app", "lib", "acme-lib", "python project", true, 1),
                ("web", "lib", "example.com/acme/lib", "go module", true, 1),
                ("web", "lib", "@acme/lib", "npm name", true, 1),
            ]
        );
        assert_eq!(found.imports[1].sample, [ImportSite { path: "src/main.ts".into(), line: 1, spec: "@acme/lib/pad".into() }]);
        assert_eq!(found.imports[3].sample[0].spec, "example.com/acme/lib/strutil");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_crate_is_imported_by_its_name_with_underscores() {
        let dir = crate::test_dirs::empty("crossrepo", "crates");
        for (rel, text) in [
            ("core/Cargo.toml", "[package]\nname = \"acme-core\"\nversion = \"0.3.0\"\n"),
            ("core/src/lib.rs", "pub fn parse() {}\n"),
            ("cli/Cargo.toml", "[package]\nname = \"cli\"\nversion = \"0.1.0\"\n[dependencies]\nacme-core = { path = \"../core\" }\n"),
            ("cli/src/main.rs", "use acme_core::parse;\nuse serde::Serialize;\n\nfn main() { parse() }\n"),
        ] {
            std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
            std::fs::write(dir.join(rel), text).unwrap();
        }
        let tree = |name: &str| protocol::CrossRepoTree { name: name.into(), path: dir.join(name).to_string_lossy().into_owned(), ..Default::default() };
        let found = analyze(&CrossRepoArgs { repositories: vec![tree("core"), tree("cli")], ..Default::default() }, &options()).unwrap();
        let got: Vec<(&str, &str, &str, &str, bool)> = found.imports.iter().map(|i| (i.from.as_str(), i.to.as_str(), i.package.as_str(), i.via, i.declared)).collect();
        assert_eq!(got, [("cli", "core", "acme_core", "crate name", true)]);
        assert_eq!(found.dependencies.iter().map(|d| (d.ecosystem, d.name.as_str())).collect::<Vec<_>>(), [("crates", "acme-core")]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn identical_files_skip_small_ones_and_name_every_copy() {
        let dir = fixture("identical");
        let found = analyze(&args_of(&dir), &options()).unwrap();
        assert_eq!(found.identical.len(), 1, "tiny.txt (5 bytes) is under the threshold");
        let group = &found.identical[0];
        assert_eq!(group.size, 301);
        assert_eq!(group.hash, blake3::hash(format!("{}\n", "x".repeat(300)).as_bytes()).to_hex().to_string());
        assert_eq!(group.copies, [FileCopy { repository: "lib".into(), path: "LICENSE.txt".into() }, FileCopy { repository: "web".into(), path: "third_party/LICENSE.txt".into() }]);
        let small = analyze(&args_of(&dir), &CrossRepoOptions { min_file_bytes: 1, ..options() }).unwrap();
        assert_eq!(small.identical.len(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn pages_carry_the_trees_and_counts_and_bad_input_is_refused() {
        let dir = fixture("pages");
        let found = analyze(&args_of(&dir), &options()).unwrap();
        let first: serde_json::Value = serde_json::from_str(&page_json(&found, "dependencies", 256, &PageRequest { offset: 0, limit: 5 }).unwrap()).unwrap();
        assert_eq!(first["summary"], serde_json::json!({"repositories": 3, "dependencies": 7, "mismatches": 3, "imports": 5, "identicalFiles": 1}));
        assert_eq!(first["page"], serde_json::json!({"offset": 0, "count": 5, "total": 7}));
        assert_eq!(first["repositories"][0]["root"], "lib");
        assert_eq!(first["repositories"][0]["jvmPackages"], 1);
        assert_eq!(
            first["repositories"][0]["provides"],
            serde_json::json!([{"ecosystem": "go", "package": "example.com/acme/lib"}, {"ecosystem": "maven", "package": "com.acme:lib"}, {"ecosystem": "npm", "package": "@acme/lib"}, {"ecosystem": "pypi", "package": "acme-lib"}])
        );
        let second: serde_json::Value = serde_json::from_str(&page_json(&found, "dependencies", 256, &PageRequest { offset: 5, limit: 5 }).unwrap()).unwrap();
        assert_eq!((second["page"]["count"].as_u64(), second["nextCursor"].is_null()), (Some(2), true));

        let mut one = args_of(&dir);
        one.repositories.truncate(1);
        assert_eq!(analyze(&one, &options()).err().map(|e| e.code), Some(ErrorCode::BadArguments));
        let mut twice = args_of(&dir);
        twice.repositories[1].name = "lib".into();
        assert_eq!(analyze(&twice, &options()).err().map(|e| e.message), Some("two repositories are named `lib`".into()));
        let mut missing = args_of(&dir);
        missing.repositories[2].path = dir.join("nope").to_string_lossy().into_owned();
        let e = analyze(&missing, &options()).err().unwrap();
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::NotFound, "web: no such directory: nope"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
