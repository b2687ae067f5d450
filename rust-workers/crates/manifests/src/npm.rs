//! `package.json` and `package-lock.json`.

use serde_json::Value;

use crate::{Dependency, Kind, Manifest};

/// The dependency sections of `package.json` and the scope each gives.
const SECTIONS: [(&str, &str); 4] =
    [("dependencies", "runtime"), ("devDependencies", "dev"), ("peerDependencies", "peer"), ("optionalDependencies", "optional")];

pub(crate) fn package_json(text: &str) -> Result<Manifest, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut m = Manifest::new(Kind::Npm, "npm");
    let string = |key: &str| doc.get(key).and_then(Value::as_str).map(str::to_string);
    m.name = string("name");
    m.version = string("version");
    m.license = string("license");
    for (section, scope) in SECTIONS {
        if let Some(Value::Object(deps)) = doc.get(section) {
            // serde_json's map keeps keys sorted (no preserve_order): the order is by name
            for (name, version) in deps {
                m.dependencies.push(Dependency::new(name, version.as_str().map(str::to_string), scope));
            }
        }
    }
    for key in ["main", "module"] {
        if let Some(entry) = string(key) {
            m.entry_points.push(entry);
        }
    }
    match doc.get("bin") {
        Some(Value::String(bin)) => m.entry_points.push(bin.clone()),
        Some(Value::Object(bins)) => m.entry_points.extend(bins.values().filter_map(Value::as_str).map(str::to_string)),
        _ => {}
    }
    Ok(m)
}

/// Sets `locked` from a lock file: v2/v3 `packages["node_modules/<name>"].version`, v1
/// `dependencies[<name>].version`.
pub(crate) fn apply_package_lock(m: &mut Manifest, text: &str) -> Result<(), String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    for dep in &mut m.dependencies {
        let v2 = doc.get("packages").and_then(|p| p.get(format!("node_modules/{}", dep.name)));
        let v1 = doc.get("dependencies").and_then(|d| d.get(&dep.name));
        dep.locked = v2.or(v1).and_then(|p| p.get("version")).and_then(Value::as_str).map(str::to_string);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{apply_lockfile, parse, Kind};

    #[test]
    fn package_json_sections_and_the_lock_file() {
        let mut m = parse(
            Kind::Npm,
            r#"{"name":"app","version":"1.0.0","license":"MIT","main":"lib/index.js","bin":{"app":"bin/app.js"},
               "dependencies":{"lodash":"^4.17.21","express":"~4.21.2"},"devDependencies":{"jest":"29"}}"#,
        )
        .unwrap();
        apply_lockfile(&mut m, "package-lock.json", r#"{"lockfileVersion":3,"packages":{"node_modules/lodash":{"version":"4.17.21"}}}"#).unwrap();
        let deps: Vec<_> = m.dependencies.iter().map(|d| (d.name.as_str(), d.version.as_deref(), d.scope.as_str(), d.locked.as_deref())).collect();
        assert_eq!(deps, [("express", Some("~4.21.2"), "runtime", None), ("lodash", Some("^4.17.21"), "runtime", Some("4.17.21")), ("jest", Some("29"), "dev", None)]);
        assert_eq!((m.name.as_deref(), m.license.as_deref()), (Some("app"), Some("MIT")));
        assert_eq!(m.entry_points, ["lib/index.js", "bin/app.js"]);
        apply_lockfile(&mut m, "yarn.lock", "").unwrap();
        assert_eq!(m.build_system, "yarn");
    }
}
