//! `pom.xml`, `go.mod`, `Cargo.toml` and (where simple) `build.gradle[.kts]`.

use std::collections::HashMap;

use crate::{Dependency, Kind, Manifest};

pub(crate) fn maven(text: &str) -> Result<Manifest, String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
    let project = doc.root_element();
    let parent = child(project, "parent");
    let group = text_of(project, "groupId").or_else(|| parent.and_then(|p| text_of(p, "groupId")));
    let version = text_of(project, "version").or_else(|| parent.and_then(|p| text_of(p, "version")));
    let mut properties: HashMap<String, String> = HashMap::new();
    if let Some(props) = child(project, "properties") {
        for p in props.children().filter(|c| c.is_element()) {
            properties.insert(p.tag_name().name().to_string(), p.text().unwrap_or("").trim().to_string());
        }
    }
    if let Some(v) = &version {
        properties.insert("project.version".into(), v.clone());
    }
    let resolve = |value: String| -> String {
        match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
            Some(key) => properties.get(key).cloned().unwrap_or(value),
            None => value,
        }
    };
    let mut m = Manifest::new(Kind::Maven, "maven");
    m.name = text_of(project, "artifactId").map(|a| match &group {
        Some(g) => format!("{g}:{a}"),
        None => a,
    });
    m.version = version.clone();
    m.license = child(project, "licenses").and_then(|l| child(l, "license")).and_then(|l| text_of(l, "name"));
    for dep in child(project, "dependencies").into_iter().flat_map(|d| d.children()).filter(|d| d.tag_name().name() == "dependency") {
        let (Some(g), Some(a)) = (text_of(dep, "groupId"), text_of(dep, "artifactId")) else { continue };
        let scope = text_of(dep, "scope").unwrap_or_else(|| "compile".into());
        m.dependencies.push(Dependency::new(format!("{g}:{a}"), text_of(dep, "version").map(&resolve), &scope));
    }
    for main in doc.descendants().filter(|n| n.tag_name().name() == "mainClass") {
        m.entry_points.extend(main.text().map(|t| resolve(t.trim().to_string())));
    }
    Ok(m)
}

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.tag_name().name() == name)
}

fn text_of(node: roxmltree::Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).and_then(|c| c.text()).map(|t| t.trim().to_string())
}

pub(crate) fn go_mod(text: &str) -> Manifest {
    let mut m = Manifest::new(Kind::Go, "go");
    let mut in_block = false;
    for line in text.lines() {
        let line = line.trim();
        if let Some(module) = line.strip_prefix("module ") {
            m.name = Some(module.trim().trim_matches('"').to_string());
        } else if line.starts_with("require (") || line == "require(" {
            in_block = true;
        } else if in_block && line == ")" {
            in_block = false;
        } else if let Some(one) = line.strip_prefix("require ") {
            go_require(&mut m, one);
        } else if in_block {
            go_require(&mut m, line);
        }
    }
    m
}

fn go_require(m: &mut Manifest, line: &str) {
    let (spec, comment) = line.split_once("//").unwrap_or((line, ""));
    let mut parts = spec.split_whitespace();
    if let (Some(path), Some(version)) = (parts.next(), parts.next()) {
        let scope = if comment.trim() == "indirect" { "indirect" } else { "runtime" };
        m.dependencies.push(Dependency::new(path, Some(version.to_string()), scope));
    }
}

pub(crate) fn cargo(text: &str) -> Result<Manifest, String> {
    let doc: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut m = Manifest::new(Kind::Cargo, "cargo");
    let package = doc.get("package");
    let field = |key: &str| package.and_then(|p| p.get(key)).and_then(toml::Value::as_str).map(str::to_string);
    m.name = field("name");
    m.version = field("version");
    m.license = field("license");
    for (section, scope) in [("dependencies", "runtime"), ("dev-dependencies", "dev"), ("build-dependencies", "build")] {
        for (name, spec) in doc.get(section).and_then(toml::Value::as_table).into_iter().flatten() {
            let version = match spec {
                toml::Value::String(v) => Some(v.clone()),
                toml::Value::Table(t) => t
                    .get("version")
                    .and_then(toml::Value::as_str)
                    .map(str::to_string)
                    .or_else(|| t.get("path").and_then(toml::Value::as_str).map(|p| format!("path:{p}")))
                    .or_else(|| t.get("git").and_then(toml::Value::as_str).map(|g| format!("git:{g}")))
                    .or_else(|| t.get("workspace").and_then(toml::Value::as_bool).filter(|w| *w).map(|_| "workspace".to_string())),
                _ => None,
            };
            m.dependencies.push(Dependency::new(name, version, scope));
        }
    }
    for bin in doc.get("bin").and_then(toml::Value::as_array).into_iter().flatten() {
        let path = bin.get("path").and_then(toml::Value::as_str).map(str::to_string);
        let named = bin.get("name").and_then(toml::Value::as_str).map(|n| format!("src/bin/{n}.rs"));
        m.entry_points.extend(path.or(named));
    }
    Ok(m)
}

/// Gradle's string notation, one dependency per line: `implementation 'g:a:v'`,
/// `testImplementation("g:a:v")`; anything else (maps, variables, version catalogs) is not read.
pub(crate) fn gradle(text: &str) -> Manifest {
    let dependency = regex::Regex::new(r#"^\s*([A-Za-z]+)\s*\(?\s*["']([^"':\s]+):([^"':\s]+)(?::([^"'\s]+))?["']\s*\)?"#).expect("a valid pattern");
    let main_class = regex::Regex::new(r#"mainClass(?:Name)?\s*(?:=|\.set\()\s*["']([^"']+)["']"#).expect("a valid pattern");
    let mut m = Manifest::new(Kind::Gradle, "gradle");
    for line in text.lines() {
        if let Some(c) = dependency.captures(line) {
            let version = c.get(4).map(|v| v.as_str().to_string());
            m.dependencies.push(Dependency::new(format!("{}:{}", &c[2], &c[3]), version, &c[1]));
        }
        if let Some(c) = main_class.captures(line) {
            m.entry_points.push(c[1].to_string());
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use crate::{parse, Kind, Manifest};

    fn deps(m: &Manifest) -> Vec<(&str, Option<&str>, &str)> {
        m.dependencies.iter().map(|d| (d.name.as_str(), d.version.as_deref(), d.scope.as_str())).collect()
    }

    #[test]
    fn pom_dependencies_with_properties_and_scopes() {
        let pom = r#"<project xmlns="http://maven.apache.org/POM/4.0.0"><parent><groupId>org.x</groupId><version>2.0</version></parent>
          <artifactId>app</artifactId><properties><junit.version>5.10.0</junit.version></properties>
          <dependencies><dependency><groupId>com.google.guava</groupId><artifactId>guava</artifactId><version>33.2.1-jre</version></dependency>
          <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>${junit.version}</version><scope>test</scope></dependency>
          <dependency><groupId>org.x</groupId><artifactId>core</artifactId><version>${project.version}</version></dependency></dependencies>
          <build><plugins><plugin><configuration><mainClass>org.x.Main</mainClass></configuration></plugin></plugins></build></project>"#;
        let m = parse(Kind::Maven, pom).unwrap();
        assert_eq!((m.name.as_deref(), m.version.as_deref()), (Some("org.x:app"), Some("2.0")));
        assert_eq!(deps(&m), [("com.google.guava:guava", Some("33.2.1-jre"), "compile"), ("org.junit.jupiter:junit-jupiter", Some("5.10.0"), "test"), ("org.x:core", Some("2.0"), "compile")]);
        assert_eq!(m.entry_points, ["org.x.Main"]);
    }

    #[test]
    fn go_mod_requires_single_and_in_blocks() {
        let m = parse(Kind::Go, "module example.com/app\n\ngo 1.21\n\nrequire github.com/a/b v1.2.3\nrequire (\n\tgolang.org/x/text v0.14.0 // indirect\n\tgithub.com/c/d v0.1.0\n)\n").unwrap();
        assert_eq!(m.name.as_deref(), Some("example.com/app"));
        assert_eq!(deps(&m), [("github.com/a/b", Some("v1.2.3"), "runtime"), ("golang.org/x/text", Some("v0.14.0"), "indirect"), ("github.com/c/d", Some("v0.1.0"), "runtime")]);
    }

    #[test]
    fn cargo_sections_and_sources() {
        let m = parse(Kind::Cargo, "[package]\nname = \"x\"\nversion = \"0.1.0\"\nlicense = \"MIT\"\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\nlocal = { path = \"../local\" }\n[dev-dependencies]\ntempfile = \"3\"\n[[bin]]\nname = \"tool\"\n").unwrap();
        assert_eq!(deps(&m), [("local", Some("path:../local"), "runtime"), ("serde", Some("1"), "runtime"), ("tempfile", Some("3"), "dev")]);
        assert_eq!((m.license.as_deref(), m.entry_points.clone()), (Some("MIT"), vec!["src/bin/tool.rs".to_string()]));
    }

    #[test]
    fn gradle_string_notation_only() {
        let m = parse(Kind::Gradle, "plugins { id 'application' }\ndependencies {\n    implementation 'com.google.guava:guava:33.2.1-jre'\n    testImplementation(\"org.junit.jupiter:junit-jupiter:5.10.0\")\n    implementation libs.foo\n    api \"org.slf4j:slf4j-api\"\n}\napplication { mainClass = 'org.x.Main' }\n").unwrap();
        assert_eq!(deps(&m), [("com.google.guava:guava", Some("33.2.1-jre"), "implementation"), ("org.junit.jupiter:junit-jupiter", Some("5.10.0"), "testImplementation"), ("org.slf4j:slf4j-api", None, "api")]);
        assert_eq!(m.entry_points, ["org.x.Main"]);
    }
}
