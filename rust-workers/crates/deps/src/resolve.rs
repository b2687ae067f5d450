//! Resolution of raw imports to files (or package directories) of the tree, else to an external
//! package with its ecosystem, else `Unresolved` with a reason (kept and counted).
//!
//! | language | inside the tree | external (`ecosystem:package`) |
//! | --- | --- | --- |
//! | Java, Kotlin, Scala | class `a.b.C` → the file declaring package `a.b` named `C.*` (nested classes and static members by their outer class); wildcards and Kotlin/Scala top-level members → the package's directory | `jdk:java.util`, `maven:org.junit` (two segments) |
//! | Python | package roots found by walking up `__init__.py`; `a.b` → `a/b.py`, `a/b/__init__.py` (`.pyi` too), namespace packages → directory; relative levels from the file's directory; `from m import n` also → submodule `m.n` | `python:os` (stdlib), `pypi:requests` (top-level module) |
//! | JS/TS | relative: as written, + `.ts .tsx .d.ts .js .jsx .mjs .cjs .mts .cts .json`, `/index` + those; `x.js` written for `x.ts`; nearest `tsconfig.json`/`jsconfig.json` `paths` (with `*`) and `baseUrl` | `node:fs`, `npm:@scope/pkg`, `npm:lodash` |
//! | Go | `go.mod` module path + rest → package directory | `go:fmt` (stdlib: no dot in the first element), `go:github.com/a/b` |
//! | Rust | module tree per crate (`Cargo.toml` + `src/lib.rs`/`main.rs`): `mod x;` → `x.rs`/`x/mod.rs`, `crate::`/`self::`/`super::`/uniform paths to the longest module prefix; a workspace crate's name → its root | `rust:std`, `crates:serde` |
//! | C/C++ | quoted: the file's directory, `include_dirs`, the root, every `include/` directory, then a unique path suffix; angled: `include_dirs` and `include/` directories | `system:stdio.h`, `system:boost` |
//! | C# | `using A.B` → the directory of the files declaring namespace `A.B` | `dotnet:System`, `nuget:Newtonsoft` |
//! | Ruby | `require_relative` from the file; `require` from every `lib/` directory and the root | `gem:json` |
//! | PHP | `use A\B\C` → the file of namespace `A\B` named `C.php`; `include` from the file's directory or the root | `composer:Vendor` |
//! | Swift | module `M` → a `Sources/M` directory | `swift:Foundation` |
//! | Bash | `source x` from the file's directory, then the root; a path with `$` is unresolved | — |

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use crate::walk::Walked;
use crate::{FileFacts, FileImports, Import, ImportKind, Language, Options, RawImport, Target, TreeImports};

/// Every file and directory of the tree plus the indexes resolution looks names up in.
pub(crate) struct Index {
    files: HashSet<String>,
    dirs: HashSet<String>,
    /// JVM `package.Class` → file; package → directories of its files (most files first).
    jvm_classes: HashMap<String, String>,
    jvm_packages: HashMap<String, String>,
    /// C# namespace → directory; PHP `Ns\Class` → file.
    cs_namespaces: HashMap<String, String>,
    php_classes: HashMap<String, String>,
    /// Go module path → the directory of its go.mod.
    go_modules: Vec<(String, String)>,
    /// Rust: (crate dir, module path) → file; crate name → its root file.
    rust_modules: HashMap<(String, String), String>,
    rust_crates: HashMap<String, (String, String)>,
    /// Directories named `include`/`inc` (C/C++) and `lib` (Ruby).
    include_dirs: Vec<String>,
    lib_dirs: Vec<String>,
    /// tsconfig/jsconfig: directory → (baseUrl dir, paths).
    ts_configs: Vec<(String, TsConfig)>,
    extra_include_dirs: Vec<String>,
}

#[derive(Debug, Clone, Default)]
struct TsConfig {
    base_url: Option<String>,
    paths: Vec<(String, Vec<String>)>,
}

pub(crate) fn resolve_tree(root: &Path, walked: Walked, options: &Options<'_>) -> TreeImports {
    let index = Index::build(&walked, options);
    let mut files = Vec::with_capacity(walked.parsed.len());
    let mut unresolved = 0;
    for (path, language, facts) in &walked.parsed {
        let imports = resolve_file(&index, path, *language, facts);
        unresolved += imports.iter().filter(|i| matches!(i.target, Target::Unresolved { .. })).count();
        files.push(FileImports { path: path.clone(), language: *language, imports, package: facts.package.clone() });
    }
    TreeImports { root: root.to_path_buf(), files, unresolved, skipped: walked.skipped }
}

fn dir_of(path: &str) -> &str {
    path.rfind('/').map(|i| &path[..i]).unwrap_or("")
}

fn stem_of(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.split('.').next().unwrap_or(name)
}

fn join(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_string()
    } else if rest.is_empty() {
        dir.to_string()
    } else {
        format!("{dir}/{rest}")
    }
}

/// Normalises `a/./b/../c` → `a/c`; `None` if it climbs above the root.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn most_common(dirs: &[String]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for d in dirs {
        *counts.entry(d).or_default() += 1;
    }
    counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0))).map(|(d, _)| d.to_string()).unwrap_or_default()
}

impl Index {
    fn build(walked: &Walked, options: &Options<'_>) -> Index {
        let files: HashSet<String> = walked.all_files.iter().cloned().collect();
        let mut dirs = HashSet::new();
        for f in &walked.all_files {
            let mut d = dir_of(f);
            while !d.is_empty() && dirs.insert(d.to_string()) {
                d = dir_of(d);
            }
        }
        let mut jvm_classes = HashMap::new();
        let mut jvm_dirs: HashMap<String, Vec<String>> = HashMap::new();
        let mut cs_dirs: HashMap<String, Vec<String>> = HashMap::new();
        let mut php_classes = HashMap::new();
        for (path, lang, facts) in &walked.parsed {
            let Some(pkg) = &facts.package else {
                if matches!(lang, Language::Java | Language::Kotlin | Language::Scala) {
                    jvm_classes.entry(stem_of(path).to_string()).or_insert_with(|| path.clone());
                }
                continue;
            };
            match lang {
                Language::Java | Language::Kotlin | Language::Scala => {
                    jvm_classes.entry(format!("{pkg}.{}", stem_of(path))).or_insert_with(|| path.clone());
                    jvm_dirs.entry(pkg.clone()).or_default().push(dir_of(path).to_string());
                }
                Language::CSharp => cs_dirs.entry(pkg.clone()).or_default().push(dir_of(path).to_string()),
                Language::Php => {
                    php_classes.entry(format!("{pkg}\\{}", stem_of(path))).or_insert_with(|| path.clone());
                }
                _ => {}
            }
        }
        let jvm_packages = jvm_dirs.iter().map(|(k, v)| (k.clone(), most_common(v))).collect();
        let cs_namespaces = cs_dirs.iter().map(|(k, v)| (k.clone(), most_common(v))).collect();
        let mut go_modules = Vec::new();
        let mut rust_crates = HashMap::new();
        let mut ts_configs = Vec::new();
        for (path, text) in &walked.project_files {
            let dir = dir_of(path).to_string();
            match path.rsplit('/').next().unwrap_or(path) {
                "go.mod" => {
                    if let Some(m) = text.lines().find_map(|l| l.trim().strip_prefix("module ")) {
                        go_modules.push((m.trim().trim_matches('"').to_string(), dir));
                    }
                }
                "Cargo.toml" => {
                    if let Some(name) = cargo_package_name(text) {
                        for root in ["src/lib.rs", "src/main.rs"] {
                            let f = join(&dir, root);
                            if files.contains(&f) {
                                rust_crates.insert(name.replace('-', "_"), (dir.clone(), f));
                                break;
                            }
                        }
                    }
                }
                _ => {
                    if let Some(c) = parse_tsconfig(text, &dir) {
                        ts_configs.push((dir, c));
                    }
                }
            }
        }
        // Longest module path first so `example.com/m/sub` (its own go.mod) wins over `example.com/m`.
        go_modules.sort_by(|a, b| b.0.len().cmp(&a.0.len()));
        ts_configs.sort_by(|a, b| b.0.len().cmp(&a.0.len()));
        let mut rust_modules = HashMap::new();
        let crate_dirs: Vec<String> = walked.project_files.iter().filter(|(p, _)| p.ends_with("Cargo.toml")).map(|(p, _)| dir_of(p).to_string()).collect();
        for (path, lang, _) in &walked.parsed {
            if *lang != Language::Rust {
                continue;
            }
            if let Some((crate_dir, module)) = rust_module_of(path, &crate_dirs) {
                rust_modules.insert((crate_dir, module), path.clone());
            }
        }
        let mut include_dirs: Vec<String> = dirs.iter().filter(|d| matches!(d.rsplit('/').next(), Some("include") | Some("inc"))).cloned().collect();
        include_dirs.sort();
        let mut lib_dirs: Vec<String> = dirs.iter().filter(|d| d.rsplit('/').next() == Some("lib")).cloned().collect();
        lib_dirs.sort();
        Index {
            files,
            dirs,
            jvm_classes,
            jvm_packages,
            cs_namespaces,
            php_classes,
            go_modules,
            rust_modules,
            rust_crates,
            include_dirs,
            lib_dirs,
            ts_configs,
            extra_include_dirs: options.include_dirs.clone(),
        }
    }

    fn file(&self, path: &str) -> Option<Target> {
        self.files.contains(path).then(|| Target::File { path: path.to_string() })
    }
}

fn cargo_package_name(text: &str) -> Option<String> {
    let mut in_package = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            in_package = l == "[package]";
            continue;
        }
        if in_package {
            if let Some(rest) = l.strip_prefix("name") {
                let v = rest.trim_start().strip_prefix('=')?.trim();
                return Some(v.trim_matches('"').to_string());
            }
        }
    }
    None
}

/// tsconfig.json is JSON with comments and trailing commas: both are removed before parsing.
fn parse_tsconfig(text: &str, dir: &str) -> Option<TsConfig> {
    let cleaned = strip_json_comments(text);
    let value: serde_json::Value = serde_json::from_str(&cleaned).ok()?;
    let options = value.get("compilerOptions")?;
    let base_url = options.get("baseUrl").and_then(|b| b.as_str()).and_then(|b| normalize(&join(dir, b)));
    let paths_base = base_url.clone().unwrap_or_else(|| dir.to_string());
    let mut paths = Vec::new();
    if let Some(map) = options.get("paths").and_then(|p| p.as_object()) {
        for (pattern, targets) in map {
            let list = targets.as_array().map(|a| a.iter().filter_map(|t| t.as_str()).filter_map(|t| normalize(&join(&paths_base, t))).collect()).unwrap_or_default();
            paths.push((pattern.clone(), list));
        }
    }
    Some(TsConfig { base_url, paths })
}

fn strip_json_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        let c = b[i];
        if in_string {
            out.push(c as char);
            if c == b'\\' && i + 1 < b.len() {
                out.push(b[i + 1] as char);
                i += 1;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
            out.push('"');
        } else if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                i += 1;
            }
            i += 2;
            continue;
        } else if c == b',' {
            let next = b[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
            if !matches!(next, Some(b'}') | Some(b']')) {
                out.push(',');
            }
        } else {
            out.push(c as char);
        }
        i += 1;
    }
    // Non-ASCII bytes were pushed one by one; tsconfig keys we read are ASCII.
    out
}

/// (crate dir, module path `a::b`) of a Rust file under a crate's `src/` (crate roots give "").
fn rust_module_of(path: &str, crate_dirs: &[String]) -> Option<(String, String)> {
    let crate_dir = crate_dirs.iter().filter(|d| path.starts_with(&join(d, "src/"))).max_by_key(|d| d.len())?;
    let rel = &path[join(crate_dir, "src/").len()..];
    let rel = rel.strip_suffix(".rs")?;
    if rel.starts_with("bin/") {
        return None;
    }
    let mut parts: Vec<&str> = rel.split('/').collect();
    if matches!(parts.last(), Some(&"mod")) || (parts.len() == 1 && matches!(parts[0], "lib" | "main")) {
        parts.pop();
    }
    Some((crate_dir.clone(), parts.join("::")))
}

fn resolve_file(index: &Index, path: &str, language: Language, facts: &FileFacts) -> Vec<Import> {
    let mut out = Vec::with_capacity(facts.imports.len());
    for raw in &facts.imports {
        let target = match language {
            Language::Java | Language::Kotlin | Language::Scala => jvm(index, raw, language),
            Language::Python => {
                python(index, path, raw, &mut out);
                continue;
            }
            Language::JavaScript | Language::TypeScript | Language::Tsx => ecmascript(index, path, &raw.spec),
            Language::Go => go(index, &raw.spec),
            Language::Rust => rust(index, path, raw),
            Language::C | Language::Cpp => c_include(index, path, raw),
            Language::CSharp => csharp(index, &raw.spec),
            Language::Ruby => ruby(index, path, raw),
            Language::Php => php(index, path, raw),
            Language::Swift => swift(index, &raw.spec),
            Language::Shell => bash(index, path, &raw.spec),
            Language::Other(_) => continue,
        };
        out.push(Import { line: raw.line, spec: raw.spec.clone(), kind: raw.kind, target });
    }
    out
}

fn external(ecosystem: &str, package: impl Into<String>) -> Target {
    Target::External { ecosystem: ecosystem.to_string(), package: package.into() }
}

fn unresolved(reason: &str) -> Target {
    Target::Unresolved { reason: reason.to_string() }
}

fn jvm(index: &Index, raw: &RawImport, language: Language) -> Target {
    let spec = raw.spec.as_str();
    let (name, wildcard) = match spec.strip_suffix(".*").or_else(|| spec.strip_suffix("._")) {
        Some(base) => (base, true),
        None => (spec, false),
    };
    let segments: Vec<&str> = name.split('.').collect();
    if wildcard {
        if let Some(dir) = index.jvm_packages.get(name) {
            return Target::Directory { path: dir.clone() };
        }
    }
    // The longest prefix naming a class: `a.b.C.Inner`, `a.b.C.member` → C's file.
    for k in (1..=segments.len()).rev() {
        if let Some(f) = index.jvm_classes.get(&segments[..k].join(".")) {
            return Target::File { path: f.clone() };
        }
    }
    // Kotlin and Scala import top-level functions and values: `a.b.f` → package `a.b`.
    if language != Language::Java && segments.len() > 1 {
        if let Some(dir) = index.jvm_packages.get(&segments[..segments.len() - 1].join(".")) {
            return Target::Directory { path: dir.clone() };
        }
    }
    let prefix = segments.iter().take(2).copied().collect::<Vec<_>>().join(".");
    match segments[0] {
        "java" | "javax" | "jdk" | "sun" => external("jdk", prefix),
        "kotlin" | "kotlinx" if language == Language::Kotlin => external("kotlin", prefix),
        "scala" if language == Language::Scala => external("scala", prefix),
        _ if segments.len() == 1 => unresolved("class not found in the tree"),
        _ => external("maven", prefix),
    }
}

/// Python module `parts` below directory `base`: a module file, a package, or a namespace package.
fn python_module(index: &Index, base: &str, parts: &[&str]) -> Option<Target> {
    let p = join(base, &parts.join("/"));
    if parts.is_empty() {
        return index.file(&join(&p, "__init__.py")).or_else(|| index.file(&join(&p, "__init__.pyi")));
    }
    index
        .file(&format!("{p}.py"))
        .or_else(|| index.file(&format!("{p}.pyi")))
        .or_else(|| index.file(&join(&p, "__init__.py")))
        .or_else(|| index.file(&join(&p, "__init__.pyi")))
        .or_else(|| index.dirs.contains(&p).then(|| Target::Directory { path: p }))
}

/// The directory Python's absolute imports start from for `path`: the parent of its outermost
/// package (walking up while `__init__.py` exists), i.e. the script's directory for a script.
fn python_root(index: &Index, path: &str) -> String {
    let mut dir = dir_of(path).to_string();
    while !dir.is_empty() && (index.files.contains(&join(&dir, "__init__.py")) || index.files.contains(&join(&dir, "__init__.pyi"))) {
        dir = dir_of(&dir).to_string();
    }
    dir
}

fn python(index: &Index, path: &str, raw: &RawImport, out: &mut Vec<Import>) {
    let spec = raw.spec.as_str();
    let level = spec.chars().take_while(|c| *c == '.').count();
    let rest = &spec[level..];
    let parts: Vec<&str> = if rest.is_empty() { Vec::new() } else { rest.split('.').collect() };
    let base = if level > 0 {
        let mut d = Some(dir_of(path).to_string());
        for _ in 1..level {
            d = d.filter(|d| !d.is_empty()).map(|d| dir_of(&d).to_string());
        }
        d
    } else {
        Some(python_root(index, path))
    };
    // `import a.b.c` imports the deepest module of a.b.c the tree has; `from m import n` needs all of m.
    let plain = raw.names.is_empty() && raw.kind != ImportKind::Wildcard && level == 0;
    let shortest = if plain && !parts.is_empty() { 1 } else { parts.len() };
    let resolved = base.as_deref().and_then(|b| (shortest..=parts.len()).rev().find_map(|k| python_module(index, b, &parts[..k]).map(|t| (b.to_string(), t))));
    let target = match (&resolved, level) {
        (Some((_, t)), _) => t.clone(),
        (None, 0) => {
            let top = parts.first().copied().unwrap_or("");
            let in_tree = base.as_deref().map(|b| python_module(index, b, &parts[..1.min(parts.len())]).is_some()).unwrap_or(false);
            if in_tree {
                unresolved("module not found in the tree")
            } else if crate::stdlib::PYTHON.contains(&top) {
                external("python", top)
            } else {
                external("pypi", top)
            }
        }
        (None, _) => unresolved(if base.is_none() { "relative import beyond the root" } else { "module not found in the tree" }),
    };
    // A package's __init__ importing from itself (`from . import x`) is no edge to itself.
    let to_itself = matches!(&target, Target::File { path: p } if p == path);
    // `from . import x` where the package has no __init__ is only its submodules.
    let skip_module = matches!(target, Target::Directory { .. }) && !raw.names.is_empty();
    if !skip_module && !to_itself {
        out.push(Import { line: raw.line, spec: raw.spec.clone(), kind: raw.kind, target });
    }
    if let Some((b, _)) = resolved {
        for name in &raw.names {
            let mut sub = parts.clone();
            sub.push(name);
            if let Some(t) = python_module(index, &b, &sub).filter(|t| matches!(t, Target::File { .. })) {
                let sep = if spec.ends_with('.') { "" } else { "." };
                out.push(Import { line: raw.line, spec: format!("{spec}{sep}{name}"), kind: raw.kind, target: t });
            }
        }
    }
}

const JS_EXTENSIONS: &[&str] = &[".ts", ".tsx", ".d.ts", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".json"];

/// A JS/TS path as Node and TypeScript try it: the file, with an extension, a directory's index.
fn js_file(index: &Index, p: &str) -> Option<Target> {
    if let Some(t) = index.file(p).filter(|_| !index.dirs.contains(p)) {
        return Some(t);
    }
    for ext in JS_EXTENSIONS {
        if let Some(t) = index.file(&format!("{p}{ext}")) {
            return Some(t);
        }
    }
    // ESM TypeScript writes `./x.js` for `./x.ts`.
    for (written, actual) in [(".js", &[".ts", ".tsx"][..]), (".jsx", &[".tsx"][..]), (".mjs", &[".mts"][..]), (".cjs", &[".cts"][..])] {
        if let Some(stem) = p.strip_suffix(written) {
            for a in actual {
                if let Some(t) = index.file(&format!("{stem}{a}")) {
                    return Some(t);
                }
            }
        }
    }
    for ext in JS_EXTENSIONS {
        if let Some(t) = index.file(&format!("{p}/index{ext}")) {
            return Some(t);
        }
    }
    None
}

fn ecmascript(index: &Index, path: &str, spec: &str) -> Target {
    let spec = spec.split(['?', '#']).next().unwrap_or(spec);
    if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
        return match normalize(&join(dir_of(path), spec)) {
            Some(p) => js_file(index, &p).unwrap_or_else(|| unresolved("file not found in the tree")),
            None => unresolved("relative import beyond the root"),
        };
    }
    if spec.starts_with('/') {
        return unresolved("absolute path");
    }
    // The nearest tsconfig/jsconfig above the file.
    if let Some((_, config)) = index.ts_configs.iter().find(|(d, _)| d.is_empty() || path.starts_with(&format!("{d}/"))) {
        for (pattern, targets) in &config.paths {
            let matched = match pattern.split_once('*') {
                Some((pre, post)) => spec.strip_prefix(pre).and_then(|r| r.strip_suffix(post)),
                None => (pattern == spec).then_some(""),
            };
            if let Some(star) = matched {
                for t in targets {
                    if let Some(found) = normalize(&t.replacen('*', star, 1)).and_then(|p| js_file(index, &p)) {
                        return found;
                    }
                }
            }
        }
        if let Some(base) = &config.base_url {
            if let Some(found) = normalize(&join(base, spec)).and_then(|p| js_file(index, &p)) {
                return found;
            }
        }
    }
    let bare = spec.strip_prefix("node:").unwrap_or(spec);
    let mut segs = bare.split('/');
    let first = segs.next().unwrap_or("");
    if spec.starts_with("node:") || crate::stdlib::NODE.contains(&first) {
        return external("node", first);
    }
    if first.starts_with('@') {
        match segs.next() {
            Some(second) => external("npm", format!("{first}/{second}")),
            None => unresolved("scoped name without a package"),
        }
    } else if first.is_empty() {
        unresolved("empty specifier")
    } else {
        external("npm", first)
    }
}

fn go(index: &Index, spec: &str) -> Target {
    for (module, dir) in &index.go_modules {
        let rest = if spec == module { Some("") } else { spec.strip_prefix(&format!("{module}/")) };
        if let Some(rest) = rest {
            let d = join(dir, rest);
            return if index.dirs.contains(&d) || d.is_empty() { Target::Directory { path: d } } else { unresolved("package directory not found in the tree") };
        }
    }
    let first = spec.split('/').next().unwrap_or(spec);
    if !first.contains('.') {
        return external("go", first);
    }
    // Module paths: host/owner/repo on the code hosts and golang.org/x/<repo>, host/repo elsewhere,
    // plus a major-version element (`/v2`) that follows.
    let parts: Vec<&str> = spec.split('/').collect();
    let mut n = if matches!(first, "github.com" | "gitlab.com" | "bitbucket.org" | "golang.org") { 3 } else { 2 };
    if parts.get(n).map(|p| p.len() > 1 && p.starts_with('v') && p[1..].bytes().all(|b| b.is_ascii_digit())).unwrap_or(false) {
        n += 1;
    }
    external("go", parts[..n.min(parts.len())].join("/"))
}

fn rust(index: &Index, path: &str, raw: &RawImport) -> Target {
    let crate_dirs: Vec<String> = index.rust_crates.values().map(|(d, _)| d.clone()).collect();
    let here = rust_module_of(path, &crate_dirs);
    if raw.kind == ImportKind::Mod {
        if !raw.names.is_empty() {
            return unresolved("#[path] attribute");
        }
        // `mod x;` in a/mod.rs, lib.rs or main.rs → a/x.rs; in a/b.rs → a/b/x.rs.
        let name = path.rsplit('/').next().unwrap_or(path);
        let own_dir = if matches!(name, "mod.rs" | "lib.rs" | "main.rs") || here.as_ref().map(|(_, m)| m.is_empty()).unwrap_or(false) {
            dir_of(path).to_string()
        } else {
            join(dir_of(path), stem_of(path))
        };
        let sub = raw.spec.replace("::", "/");
        return index.file(&format!("{}.rs", join(&own_dir, &sub))).or_else(|| index.file(&join(&join(&own_dir, &sub), "mod.rs"))).unwrap_or_else(|| unresolved("module file not found"));
    }
    let segments: Vec<&str> = raw.spec.split("::").filter(|s| *s != "*").collect();
    let Some(&first) = segments.first() else { return unresolved("empty path") };
    let (crate_dir, start, rest): (Option<String>, Vec<String>, &[&str]) = match first {
        "crate" => (here.as_ref().map(|h| h.0.clone()), Vec::new(), &segments[1..]),
        "self" | "super" => {
            let Some((d, m)) = &here else { return unresolved("file outside a crate's module tree") };
            let mut module: Vec<String> = if m.is_empty() { Vec::new() } else { m.split("::").map(String::from).collect() };
            let mut i = 0;
            while i < segments.len() && matches!(segments[i], "self" | "super") {
                if segments[i] == "super" && module.pop().is_none() {
                    return unresolved("super beyond the crate root");
                }
                i += 1;
            }
            (Some(d.clone()), module, &segments[i..])
        }
        name => {
            if let Some((d, m)) = &here {
                // Uniform paths: a child module of the current one.
                let mut module: Vec<String> = if m.is_empty() { Vec::new() } else { m.split("::").map(String::from).collect() };
                module.push(name.to_string());
                if index.rust_modules.contains_key(&(d.clone(), module.join("::"))) {
                    (Some(d.clone()), module, &segments[1..])
                } else if let Some((cd, _)) = index.rust_crates.get(name) {
                    (Some(cd.clone()), Vec::new(), &segments[1..])
                } else {
                    return rust_external(name);
                }
            } else if let Some((cd, _)) = index.rust_crates.get(name) {
                (Some(cd.clone()), Vec::new(), &segments[1..])
            } else {
                return rust_external(name);
            }
        }
    };
    let Some(crate_dir) = crate_dir else { return unresolved("file outside a crate's module tree") };
    let mut module = start;
    let mut best = index.rust_modules.get(&(crate_dir.clone(), module.join("::"))).cloned();
    for s in rest {
        module.push(s.to_string());
        match index.rust_modules.get(&(crate_dir.clone(), module.join("::"))) {
            Some(f) => best = Some(f.clone()),
            None => break,
        }
    }
    match best {
        Some(f) => Target::File { path: f },
        None => unresolved("module not found in the crate"),
    }
}

fn rust_external(name: &str) -> Target {
    if matches!(name, "std" | "core" | "alloc" | "proc_macro" | "test") {
        external("rust", name)
    } else {
        external("crates", name)
    }
}

fn c_include(index: &Index, path: &str, raw: &RawImport) -> Target {
    let angled = matches!(raw.kind, ImportKind::Include { angled: true });
    let spec = raw.spec.as_str();
    let mut candidates: Vec<String> = Vec::new();
    if !angled {
        candidates.push(join(dir_of(path), spec));
    }
    candidates.extend(index.extra_include_dirs.iter().map(|d| join(d, spec)));
    if !angled {
        candidates.push(spec.to_string());
    }
    candidates.extend(index.include_dirs.iter().map(|d| join(d, spec)));
    for c in candidates {
        if let Some(t) = normalize(&c).and_then(|p| index.file(&p)) {
            return t;
        }
    }
    if !angled {
        let suffix = format!("/{}", spec.trim_start_matches("./"));
        let mut found = index.files.iter().filter(|f| f.ends_with(&suffix));
        if let (Some(only), None) = (found.next(), found.next()) {
            return Target::File { path: only.clone() };
        }
        return unresolved("header not found in the tree");
    }
    external("system", spec.split('/').next().unwrap_or(spec))
}

fn csharp(index: &Index, spec: &str) -> Target {
    if let Some(d) = index.cs_namespaces.get(spec) {
        return Target::Directory { path: d.clone() };
    }
    let first = spec.split('.').next().unwrap_or(spec);
    if matches!(first, "System" | "Microsoft") {
        external("dotnet", first)
    } else {
        external("nuget", first)
    }
}

fn ruby(index: &Index, path: &str, raw: &RawImport) -> Target {
    let with_rb = |p: &str| if p.ends_with(".rb") { p.to_string() } else { format!("{p}.rb") };
    if raw.kind == ImportKind::RequireRelative {
        return normalize(&join(dir_of(path), &with_rb(&raw.spec))).and_then(|p| index.file(&p)).unwrap_or_else(|| unresolved("file not found in the tree"));
    }
    if raw.spec.starts_with("./") || raw.spec.starts_with("../") {
        return normalize(&join(dir_of(path), &with_rb(&raw.spec))).and_then(|p| index.file(&p)).unwrap_or_else(|| unresolved("file not found in the tree"));
    }
    for d in index.lib_dirs.iter().map(String::as_str).chain(std::iter::once("")) {
        if let Some(t) = normalize(&join(d, &with_rb(&raw.spec))).and_then(|p| index.file(&p)) {
            return t;
        }
    }
    external("gem", raw.spec.split('/').next().unwrap_or(&raw.spec))
}

fn php(index: &Index, path: &str, raw: &RawImport) -> Target {
    if raw.kind == ImportKind::Require {
        let spec = raw.spec.strip_prefix("__DIR__").map(|s| s.trim_start_matches('/')).unwrap_or(&raw.spec);
        return normalize(&join(dir_of(path), spec))
            .and_then(|p| index.file(&p))
            .or_else(|| normalize(spec).and_then(|p| index.file(&p)))
            .unwrap_or_else(|| unresolved("file not found in the tree"));
    }
    if let Some(f) = index.php_classes.get(&raw.spec) {
        return Target::File { path: f.clone() };
    }
    external("composer", raw.spec.split('\\').next().unwrap_or(&raw.spec))
}

fn swift(index: &Index, spec: &str) -> Target {
    let module = spec.split('.').next().unwrap_or(spec);
    let mut dirs: Vec<&String> = index.dirs.iter().filter(|d| d.ends_with(&format!("Sources/{module}")) && (d.len() == module.len() + 8 || d.ends_with(&format!("/Sources/{module}")))).collect();
    dirs.sort();
    match dirs.first() {
        Some(d) => Target::Directory { path: (*d).clone() },
        None => external("swift", module),
    }
}

fn bash(index: &Index, path: &str, spec: &str) -> Target {
    if spec.contains('$') || spec.contains('`') {
        return unresolved("path built from a variable");
    }
    normalize(&join(dir_of(path), spec))
        .and_then(|p| index.file(&p))
        .or_else(|| normalize(spec).and_then(|p| index.file(&p)))
        .unwrap_or_else(|| unresolved("file not found in the tree"))
}
