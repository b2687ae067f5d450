//! `requirements*.txt` and `pyproject.toml` (PEP 621 `[project]` and Poetry).

use toml::Value;

use crate::{Dependency, Kind, Manifest};

pub(crate) fn requirements(text: &str) -> Manifest {
    let mut m = Manifest::new(Kind::Requirements, "pip");
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') {
            continue;
        }
        if let Some(dep) = requirement(line, "runtime") {
            m.dependencies.push(dep);
        }
    }
    m
}

/// One PEP 508 requirement: the name, then the version specifiers up to a `;` marker.
fn requirement(spec: &str, scope: &str) -> Option<Dependency> {
    let spec = spec.split(';').next()?.trim();
    let end = spec.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(spec.len());
    let name = &spec[..end];
    if name.is_empty() {
        return None;
    }
    let mut rest = spec[end..].trim();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| rest[i + 1..].trim());
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    Some(Dependency::new(name, Some(rest.to_string()).filter(|r| !r.is_empty()), scope))
}

pub(crate) fn pyproject(text: &str) -> Result<Manifest, String> {
    let doc: Value = toml::from_str(text).map_err(|e| e.to_string())?;
    let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
    let backend = doc
        .get("build-system")
        .and_then(|b| b.get("requires"))
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .and_then(Value::as_str)
        .and_then(|first| requirement(first, ""))
        .map(|d| d.name.to_ascii_lowercase());
    let build_system = if poetry.is_some() { "poetry".to_string() } else { backend.unwrap_or_else(|| "pip".into()) };
    let mut m = Manifest::new(Kind::Pyproject, &build_system);
    let project = doc.get("project");
    let field = |key: &str| project.and_then(|p| p.get(key)).or_else(|| poetry.and_then(|p| p.get(key))).and_then(Value::as_str).map(str::to_string);
    m.name = field("name");
    m.version = field("version");
    m.license = project
        .and_then(|p| p.get("license"))
        .and_then(|l| l.as_str().or_else(|| l.get("text").and_then(Value::as_str)))
        .map(str::to_string)
        .or_else(|| field("license"));
    for spec in project.and_then(|p| p.get("dependencies")).and_then(Value::as_array).into_iter().flatten() {
        m.dependencies.extend(spec.as_str().and_then(|s| requirement(s, "runtime")));
    }
    if let Some(groups) = project.and_then(|p| p.get("optional-dependencies")).and_then(Value::as_table) {
        for spec in groups.values().filter_map(Value::as_array).flatten() {
            m.dependencies.extend(spec.as_str().and_then(|s| requirement(s, "optional")));
        }
    }
    if let Some(poetry) = poetry {
        poetry_table(&mut m, poetry.get("dependencies"), "runtime");
        poetry_table(&mut m, poetry.get("dev-dependencies"), "dev");
        for group in poetry.get("group").and_then(Value::as_table).into_iter().flat_map(|g| g.values()) {
            poetry_table(&mut m, group.get("dependencies"), "dev");
        }
    }
    for scripts in [project.and_then(|p| p.get("scripts")), poetry.and_then(|p| p.get("scripts"))] {
        for target in scripts.and_then(Value::as_table).into_iter().flat_map(|t| t.values()) {
            m.entry_points.extend(target.as_str().map(str::to_string));
        }
    }
    Ok(m)
}

fn poetry_table(m: &mut Manifest, table: Option<&Value>, scope: &str) {
    for (name, spec) in table.and_then(Value::as_table).into_iter().flatten() {
        if name == "python" {
            continue;
        }
        let version = spec.as_str().or_else(|| spec.get("version").and_then(Value::as_str)).map(str::to_string);
        m.dependencies.push(Dependency::new(name, version, scope));
    }
}

#[cfg(test)]
mod tests {
    use crate::{parse, Kind};

    fn deps(m: &crate::Manifest) -> Vec<(&str, Option<&str>, &str)> {
        m.dependencies.iter().map(|d| (d.name.as_str(), d.version.as_deref(), d.scope.as_str())).collect()
    }

    #[test]
    fn requirements_lines_options_and_markers() {
        let m = parse(Kind::Requirements, "# pinned\nrequests==2.28.1\n-r base.txt\nclick>=8.0,<9 ; python_version >= \"3.8\"\nuvicorn[standard] ~= 0.20  # server\nattrs\n").unwrap();
        assert_eq!(deps(&m), [("requests", Some("==2.28.1"), "runtime"), ("click", Some(">=8.0,<9"), "runtime"), ("uvicorn", Some("~= 0.20"), "runtime"), ("attrs", None, "runtime")]);
    }

    #[test]
    fn pyproject_pep621_and_poetry() {
        let m = parse(
            Kind::Pyproject,
            "[build-system]\nrequires = [\"hatchling>=1.0\"]\n[project]\nname = \"tool\"\nversion = \"0.3\"\ndependencies = [\"jinja2>=3\", \"markdown\"]\n[project.optional-dependencies]\ntest = [\"pytest>=7\"]\n[project.scripts]\ntool = \"tool.cli:main\"\n",
        )
        .unwrap();
        assert_eq!((m.build_system.as_str(), m.name.as_deref()), ("hatchling", Some("tool")));
        assert_eq!(deps(&m), [("jinja2", Some(">=3"), "runtime"), ("markdown", None, "runtime"), ("pytest", Some(">=7"), "optional")]);
        assert_eq!(m.entry_points, ["tool.cli:main"]);
        let p = parse(Kind::Pyproject, "[tool.poetry]\nname = \"p\"\n[tool.poetry.dependencies]\npython = \"^3.10\"\nrequests = \"^2.28\"\n[tool.poetry.group.dev.dependencies]\npytest = { version = \"^7\" }\n").unwrap();
        assert_eq!((p.build_system.as_str(), deps(&p)), ("poetry", vec![("requests", Some("^2.28"), "runtime"), ("pytest", Some("^7"), "dev")]));
    }
}
