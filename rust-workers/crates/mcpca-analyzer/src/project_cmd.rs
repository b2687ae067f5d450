//! `project-info`: what a project is, in one answer. One walk (`search-code`'s: `.gitignore`
//! honoured, hidden files skipped, `node_modules/` left out, symlinks never followed) gives:
//! * `languages`: files and bytes per language (by file name, as `folder-structure`), most bytes first;
//! * `manifests`: every build manifest the `manifests` crate reads, with its declared
//!   dependencies, its lock file when one sits beside it, or its `error` if it does not parse;
//! * `buildSystems`: the manifests' and those known by a file (`Makefile`, `CMakeLists.txt`,
//!   `build.xml`, `meson.build`, `setup.py`, `WORKSPACE`/`MODULE.bazel`), sorted;
//! * `entryPoints`: the manifests' (npm `main`/`bin`, `mainClass`, scripts, `[[bin]]`) and by
//!   convention: `src/main.rs`, `src/bin/*.rs`, `main.go`, `__main__.py`, `manage.py`, and Java,
//!   Kotlin and C# files declaring a `main` (the only files read besides manifests);
//! * `testDirectories`: the outermost directories named `test`, `tests`, `__tests__`, `spec`,
//!   `specs`, `e2e`, `testing`;
//! * `license`: the licence file at the top (`LICENSE*`, `LICENCE*`, `COPYING*`) and the licence
//!   its text names (a few well-known openings), else the manifests' declared one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use lang::Language;
use protocol::{ErrorBody, ErrorCode, ProjectInfoArgs};
use rayon::prelude::*;
use serde::Serialize;

use crate::scan;

/// Manifests and sources read here are at most this large (a 1 MiB `package.json` is already
/// generated, not declared).
const MAX_READ_BYTES: u64 = 1024 * 1024;

const TEST_DIRECTORY_NAMES: [&str; 7] = ["test", "tests", "__tests__", "spec", "specs", "e2e", "testing"];

/// Build systems known by one file's name.
const BUILD_FILES: [(&str, &str); 8] = [
    ("Makefile", "make"),
    ("GNUmakefile", "make"),
    ("CMakeLists.txt", "cmake"),
    ("build.xml", "ant"),
    ("meson.build", "meson"),
    ("setup.py", "setuptools"),
    ("WORKSPACE", "bazel"),
    ("MODULE.bazel", "bazel"),
];

#[derive(Debug, Default, Serialize)]
pub struct LanguageShare {
    pub language: &'static str,
    pub files: usize,
    pub bytes: u64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestFound {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lockfile: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<manifests::Manifest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct EntryPoint {
    /// A path (relative to the answer's base) or, for a Java main class named in a manifest, a class name.
    pub target: String,
    /// Where it was found: the manifest's path, or `convention` / `main method`.
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct License {
    pub path: Option<String>,
    /// SPDX identifier the file's text (or a manifest) names; `null` when unrecognised.
    pub spdx: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInfo {
    pub root: String,
    pub files: usize,
    pub languages: Vec<LanguageShare>,
    pub build_systems: Vec<String>,
    pub manifests: Vec<ManifestFound>,
    pub entry_points: Vec<EntryPoint>,
    pub test_directories: Vec<String>,
    pub license: Option<License>,
}

fn read_text(path: &Path) -> Result<String, String> {
    let mut buf = Vec::new();
    scan::read_regular(path, MAX_READ_BYTES, &mut buf).map_err(|r| r.to_string())?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn project_info(args: &ProjectInfoArgs) -> Result<ProjectInfo, ErrorBody> {
    let root = Path::new(&args.path);
    let relative_to = args.relative_to.as_deref().map(Path::new);
    let shown = scan::shown_root(root, relative_to);
    let meta = crate::files_cmd::named_path(&args.path, "no such directory").map_err(|e| ErrorBody { message: e.message.replace(args.path.as_str(), &shown), ..e })?;
    if !meta.is_dir() {
        return Err(ErrorBody { code: ErrorCode::BadArguments, message: format!("{shown} is not a directory") });
    }
    let listed = search::files::list(root, &[], &["node_modules/".to_string()]).map_err(|e| ErrorBody { code: ErrorCode::Internal, message: e.to_string() })?;
    let base = relative_to.filter(|b| root.starts_with(b)).unwrap_or(root);
    let show = |p: &Path| search::files::display(p, base);
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();

    let mut languages: BTreeMap<&'static str, LanguageShare> = BTreeMap::new();
    let mut build_systems = BTreeSet::new();
    let mut entry_points = Vec::new();
    let mut mains = Vec::new();
    for file in &listed.files {
        let name = name_of(file);
        let language = Language::detect(file, &[]);
        if let Some(l) = language {
            let share = languages.entry(l.name()).or_insert_with(|| LanguageShare { language: l.name(), ..Default::default() });
            share.files += 1;
            share.bytes += std::fs::symlink_metadata(file).map_or(0, |m| m.len());
        }
        if let Some((_, system)) = BUILD_FILES.iter().find(|(n, _)| *n == name) {
            build_systems.insert(system.to_string());
        }
        let in_src = |dir: &str| file.parent().is_some_and(|p| p.ends_with(dir));
        if matches!(name.as_str(), "main.go" | "__main__.py") || (name == "main.rs" && in_src("src")) || in_src("src/bin") && name.ends_with(".rs") || (name == "manage.py" && file.parent() == Some(root)) {
            entry_points.push(EntryPoint { target: show(file), source: "convention".into() });
        }
        if matches!(language, Some(Language::Java | Language::Kotlin | Language::CSharp)) {
            mains.push(file);
        }
    }
    let with_main: Vec<&&std::path::PathBuf> = mains.par_iter().filter(|f| read_text(f).is_ok_and(|t| declares_main(&t))).collect();
    entry_points.extend(with_main.into_iter().map(|f| EntryPoint { target: show(f), source: "main method".into() }));

    let mut declared_license = None;
    let manifests = manifests_in(root, &listed.files, &show);
    for m in &manifests {
        let Some(manifest) = &m.manifest else { continue };
        build_systems.insert(manifest.build_system.clone());
        if declared_license.is_none() {
            declared_license = manifest.license.clone();
        }
        let dir = Path::new(&m.path).parent().unwrap_or(Path::new(""));
        for target in &manifest.entry_points {
            let is_path = target.contains('/') || target.ends_with(".js") || target.ends_with(".rs");
            let target = if is_path { dir.join(target.trim_start_matches("./")).to_string_lossy().into_owned() } else { target.clone() };
            entry_points.push(EntryPoint { target, source: m.path.clone() });
        }
    }
    let test_directories = listed
        .directories
        .iter()
        .filter(|d| TEST_DIRECTORY_NAMES.contains(&name_of(d).as_str()))
        .filter(|d| !d.ancestors().skip(1).take_while(|a| *a != root).any(|a| TEST_DIRECTORY_NAMES.contains(&name_of(a).as_str())))
        .map(|d| show(d))
        .collect();
    let license_file = listed.files.iter().find(|f| {
        let upper = name_of(f).to_ascii_uppercase();
        f.parent() == Some(root) && ["LICENSE", "LICENCE", "COPYING", "UNLICENSE"].iter().any(|p| upper.starts_with(p))
    });
    let license = match license_file {
        Some(f) => Some(License { path: Some(show(f)), spdx: read_text(f).ok().and_then(|t| spdx_of(&t)).map(str::to_string).or(declared_license) }),
        None => declared_license.map(|d| License { path: None, spdx: Some(d) }),
    };
    let mut languages: Vec<LanguageShare> = languages.into_values().collect();
    languages.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.language.cmp(b.language)));
    Ok(ProjectInfo {
        root: shown,
        files: listed.files.len(),
        languages,
        build_systems: build_systems.into_iter().collect(),
        manifests,
        entry_points,
        test_directories,
        license,
    })
}

/// Every build manifest among `files` (a sorted listing of `root`), parsed, with the lock file
/// beside it applied, or its `error`; paths as `show` names them. `project-info` and
/// `cross-repo-analysis` both read manifests through this one function.
pub fn manifests_in(root: &Path, files: &[std::path::PathBuf], show: &dyn Fn(&Path) -> String) -> Vec<ManifestFound> {
    let name_of = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    files
        .iter()
        .filter_map(|file| manifests::Kind::of_file_name(&name_of(file)).map(|kind| (file, kind)))
        .map(|(file, kind)| {
            let dir = file.parent().unwrap_or(root);
            let lock = kind.lockfiles().iter().map(|l| dir.join(l)).find(|l| files.binary_search(l).is_ok());
            let parsed = read_text(file).and_then(|t| manifests::parse(kind, &t).map_err(|e| e.to_string())).and_then(|mut m| {
                if let Some(lock) = &lock {
                    let text = read_text(lock)?;
                    manifests::apply_lockfile(&mut m, &name_of(lock), &text).map_err(|e| e.to_string())?;
                }
                Ok(m)
            });
            ManifestFound {
                path: show(file),
                lockfile: lock.as_deref().map(show),
                error: parsed.as_ref().err().cloned(),
                manifest: parsed.ok(),
            }
        })
        .collect()
}

/// Whether a Java, Kotlin or C# source declares a program's `main`.
fn declares_main(text: &str) -> bool {
    text.contains("static void main(") || text.contains("static void Main(") || text.contains("static async Task Main(") || text.starts_with("fun main(") || text.contains("\nfun main(")
}

/// The licence a licence file's text names, from the opening words of the common ones.
fn spdx_of(text: &str) -> Option<&'static str> {
    let head: String = text.chars().take(4000).collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
    let has = |s: &str| head.contains(s);
    Some(if has("Apache License") && has("Version 2.0") {
        "Apache-2.0"
    } else if has("MIT License") || has("Permission is hereby granted, free of charge") {
        "MIT"
    } else if has("GNU LESSER GENERAL PUBLIC LICENSE") {
        if has("Version 3") { "LGPL-3.0" } else { "LGPL-2.1" }
    } else if has("GNU AFFERO GENERAL PUBLIC LICENSE") {
        "AGPL-3.0"
    } else if has("GNU GENERAL PUBLIC LICENSE") {
        if has("Version 3") { "GPL-3.0" } else { "GPL-2.0" }
    } else if has("Mozilla Public License Version 2.0") {
        "MPL-2.0"
    } else if has("Redistribution and use in source and binary forms") {
        if has("Neither the name") { "BSD-3-Clause" } else { "BSD-2-Clause" }
    } else if has("Permission to use, copy, modify, and/or distribute this software") {
        "ISC"
    } else if has("This is free and unencumbered software released into the public domain") {
        "Unlicense"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_answer_for_a_small_polyglot_project() {
        let dir = crate::test_dirs::empty("project", "poly");
        for d in ["src/main/java/app", "src/test/java/app", "web/node_modules/x", "web/tests"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        std::fs::write(dir.join("pom.xml"), "<project><groupId>g</groupId><artifactId>app</artifactId><version>1</version><dependencies><dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13</version><scope>test</scope></dependency></dependencies></project>").unwrap();
        std::fs::write(dir.join("src/main/java/app/Main.java"), "class Main { public static void main(String[] a) {} }\n").unwrap();
        std::fs::write(dir.join("src/test/java/app/MainTest.java"), "class MainTest {}\n").unwrap();
        std::fs::write(dir.join("web/package.json"), r#"{"name":"web","main":"index.js","dependencies":{"left-pad":"^1.3.0"}}"#).unwrap();
        std::fs::write(dir.join("web/package-lock.json"), r#"{"lockfileVersion":3,"packages":{"node_modules/left-pad":{"version":"1.3.0"}}}"#).unwrap();
        std::fs::write(dir.join("web/node_modules/x/package.json"), r#"{"name":"x"}"#).unwrap();
        std::fs::write(dir.join("web/index.js"), "module.exports = 1;\n").unwrap();
        std::fs::write(dir.join("LICENSE"), "                                 Apache License\n                           Version 2.0, January 2004\n").unwrap();
        std::fs::write(dir.join("Makefile"), "all:\n").unwrap();
        let args = ProjectInfoArgs { path: dir.to_string_lossy().into_owned(), relative_to: Some(dir.to_string_lossy().into_owned()) };
        let info = serde_json::to_value(project_info(&args).unwrap()).unwrap();
        assert_eq!(info["buildSystems"], serde_json::json!(["make", "maven", "npm"]));
        assert_eq!(info["manifests"].as_array().unwrap().iter().map(|m| m["path"].as_str().unwrap()).collect::<Vec<_>>(), ["pom.xml", "web/package.json"]);
        assert_eq!(info["manifests"][1]["lockfile"], "web/package-lock.json");
        assert_eq!(info["manifests"][1]["dependencies"][0], serde_json::json!({"name": "left-pad", "version": "^1.3.0", "scope": "runtime", "locked": "1.3.0"}));
        assert_eq!(info["manifests"][0]["dependencies"][0]["scope"], "test");
        assert_eq!(info["entryPoints"], serde_json::json!([{"target": "src/main/java/app/Main.java", "source": "main method"}, {"target": "web/index.js", "source": "web/package.json"}]));
        assert_eq!(info["testDirectories"], serde_json::json!(["src/test", "web/tests"]));
        assert_eq!(info["license"], serde_json::json!({"path": "LICENSE", "spdx": "Apache-2.0"}));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
