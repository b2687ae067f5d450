//! `manifests`: what a project's build manifests declare — the build system, the project's name and
//! version, its dependencies with their declared versions and scopes, and entry points. Used by the
//! `project-info` tool; meant for any tool that needs declared dependencies (cross-repository
//! analysis). Reading only: nothing is resolved over the network, no build tool runs.
//!
//! The whole API:
//! ```text
//! Kind::of_file_name("pom.xml") -> Some(Kind::Maven)        // which files are manifests
//! parse(kind, text) -> Result<Manifest, Error>              // one manifest's declarations
//! Kind::lockfiles() -> &["package-lock.json", ...]          // lock files that may sit beside it
//! apply_lockfile(&mut manifest, lock_name, text)             // locked versions (npm's package-lock.json)
//! Manifest { kind, build_system, name, version, license, dependencies: [Dependency], entry_points }
//! Dependency { name, version, scope, locked }                // serializes camelCase, `null`s left out
//! ```
//!
//! | kind | files | build system | dependencies (scope) |
//! | --- | --- | --- | --- |
//! | `maven` | `pom.xml` | maven | `project/dependencies` as `groupId:artifactId`, `${property}` versions resolved from `properties` and the project's version (`compile` when no scope) |
//! | `npm` | `package.json` | npm (yarn, pnpm by lock file) | `dependencies` (runtime), `devDependencies` (dev), `peerDependencies` (peer), `optionalDependencies` (optional); `package-lock.json` v1-v3 gives `locked` |
//! | `requirements` | `requirements*.txt` | pip | one requirement per line (runtime); options (`-r`, `-e`, `--index-url`) and comments skipped |
//! | `pyproject` | `pyproject.toml` | poetry, or `build-system.requires`' first package (setuptools, hatchling, ...) | `project.dependencies` (runtime), `project.optional-dependencies` (optional), poetry's `dependencies` (runtime; not `python`) and `dev-dependencies` / `group.*.dependencies` (dev) |
//! | `go` | `go.mod` | go | `require` lines and blocks (runtime; `indirect` when marked `// indirect`) |
//! | `cargo` | `Cargo.toml` | cargo | `dependencies` (runtime), `dev-dependencies` (dev), `build-dependencies` (build); a version, or `path:`/`git:` for those sources, `workspace` for inherited ones |
//! | `gradle` | `build.gradle`, `build.gradle.kts` | gradle | where simple: `configuration "group:name:version"` / `configuration("…")` string notation only (scope = the configuration) |
//!
//! Entry points: npm `main`, `module`, `bin`; Maven and Gradle `mainClass` (`mainClassName`);
//! Python `project.scripts` and poetry `scripts`; Cargo `[[bin]]` paths.

use serde::Serialize;

mod build_files;
mod npm;
mod python;

/// A kind of manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Maven,
    Npm,
    Requirements,
    Pyproject,
    Go,
    Cargo,
    Gradle,
}

impl Kind {
    /// The kind of manifest a file of this name is, if any.
    pub fn of_file_name(name: &str) -> Option<Kind> {
        Some(match name {
            "pom.xml" => Kind::Maven,
            "package.json" => Kind::Npm,
            "pyproject.toml" => Kind::Pyproject,
            "go.mod" => Kind::Go,
            "Cargo.toml" => Kind::Cargo,
            "build.gradle" | "build.gradle.kts" => Kind::Gradle,
            n if n.starts_with("requirements") && n.ends_with(".txt") => Kind::Requirements,
            _ => return None,
        })
    }

    /// Lock files that may sit beside a manifest of this kind, in the order they are looked for.
    pub fn lockfiles(self) -> &'static [&'static str] {
        match self {
            Kind::Npm => &["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"],
            Kind::Pyproject => &["poetry.lock", "uv.lock", "pdm.lock"],
            Kind::Go => &["go.sum"],
            Kind::Cargo => &["Cargo.lock"],
            Kind::Gradle => &["gradle.lockfile"],
            Kind::Maven | Kind::Requirements => &[],
        }
    }
}

/// What one manifest declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    pub kind: Kind,
    /// `maven`, `npm`, `yarn`, `pnpm`, `pip`, `poetry`, `setuptools`, `go`, `cargo`, `gradle`, ...
    pub build_system: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The licence the manifest declares (an SPDX expression, as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// In the manifest's order.
    pub dependencies: Vec<Dependency>,
    /// Paths (relative to the manifest's directory) or names (a Java main class) of entry points.
    pub entry_points: Vec<String>,
}

/// One declared dependency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    pub name: String,
    /// The version requirement as declared (`^4.17.21`, `>=2.28,<3`, `1.2.3`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `runtime`, `dev`, `peer`, `optional`, `build`, `indirect`, or the build tool's own
    /// (`compile`, `test`, `provided` for Maven; the configuration for Gradle).
    pub scope: String,
    /// The version a lock file pins, if one was applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<String>,
}

impl Dependency {
    pub(crate) fn new(name: impl Into<String>, version: Option<String>, scope: &str) -> Dependency {
        Dependency { name: name.into(), version, scope: scope.to_string(), locked: None }
    }
}

/// A manifest that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not valid XML, JSON or TOML (the parser's message).
    Syntax { kind: Kind, message: String },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Syntax { kind, message } => write!(f, "invalid {kind:?} manifest: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl Manifest {
    pub(crate) fn new(kind: Kind, build_system: &str) -> Manifest {
        Manifest { kind, build_system: build_system.into(), name: None, version: None, license: None, dependencies: Vec::new(), entry_points: Vec::new() }
    }
}

/// Reads one manifest of `kind`.
pub fn parse(kind: Kind, text: &str) -> Result<Manifest, Error> {
    let syntax = |message: String| Error::Syntax { kind, message };
    match kind {
        Kind::Maven => build_files::maven(text).map_err(syntax),
        Kind::Npm => npm::package_json(text).map_err(syntax),
        Kind::Requirements => Ok(python::requirements(text)),
        Kind::Pyproject => python::pyproject(text).map_err(syntax),
        Kind::Go => Ok(build_files::go_mod(text)),
        Kind::Cargo => build_files::cargo(text).map_err(syntax),
        Kind::Gradle => Ok(build_files::gradle(text)),
    }
}

/// Applies the lock file `lock_name` (one of the manifest kind's [`Kind::lockfiles`]) to
/// `manifest`: npm's `package-lock.json` / `npm-shrinkwrap.json` set each direct dependency's
/// `locked` version; `yarn.lock` and `pnpm-lock.yaml` set the build system. Other lock files
/// change nothing (their presence is the caller's to report).
pub fn apply_lockfile(manifest: &mut Manifest, lock_name: &str, text: &str) -> Result<(), Error> {
    match (manifest.kind, lock_name) {
        (Kind::Npm, "package-lock.json" | "npm-shrinkwrap.json") => {
            npm::apply_package_lock(manifest, text).map_err(|message| Error::Syntax { kind: Kind::Npm, message })
        }
        (Kind::Npm, "yarn.lock") => {
            manifest.build_system = "yarn".into();
            Ok(())
        }
        (Kind::Npm, "pnpm-lock.yaml") => {
            manifest.build_system = "pnpm".into();
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_are_known_by_name() {
        assert_eq!(Kind::of_file_name("requirements-dev.txt"), Some(Kind::Requirements));
        assert_eq!(Kind::of_file_name("build.gradle.kts"), Some(Kind::Gradle));
        assert_eq!(Kind::of_file_name("setup.cfg"), None);
    }

    #[test]
    fn broken_manifests_are_syntax_errors() {
        for kind in [Kind::Maven, Kind::Npm, Kind::Pyproject, Kind::Cargo] {
            assert!(matches!(parse(kind, "<<{[ nope"), Err(Error::Syntax { .. })), "{kind:?}");
        }
    }
}
