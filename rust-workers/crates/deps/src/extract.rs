//! Import extraction from a tree-sitter tree: one iterative pre-order walk (deep nesting cannot
//! overflow the stack), a rule per node kind and language. Import nodes are not descended into.
//!
//! | language | what is an import (node kinds) | spec |
//! | --- | --- | --- |
//! | Java | `import_declaration` (`static`, `.*`); `package_declaration` gives the package | `a.b.C`, `a.b.*` |
//! | Python | `import_statement`, `import_from_statement` (relative dots kept; imported names in `names`), `future_import_statement` | `a.b`, `..a.b`, `.` |
//! | JS/TS/TSX | `import_statement` (`import type`), `export_statement` with a source, `import x = require()`, `require('x')` and `import('x')` calls with one string literal | as written |
//! | Go | `import_spec` | the import path |
//! | Rust | `use_declaration` (one import per leaf of a use tree), `mod x;` (spec: the inline modules around it and `x`, `a::x`), `extern crate` | `crate::a::B` |
//! | C/C++ | `preproc_include` (quoted or angled) | the path |
//! | C# | `using_directive` (`using static`, aliases); namespaces give the package | `A.B` |
//! | Ruby | `require`, `require_relative`, `load` calls with one string literal | as written |
//! | PHP | `namespace_use_declaration` (groups expanded); `include`/`require`(`_once`) of a literal or `__DIR__ . 'literal'` | `A\B`, `__DIR__/x.php` |
//! | Kotlin | `import_header` (`.*`); `package_header` | `a.b.C`, `a.b.*` |
//! | Scala | `import_declaration` (selectors expanded, `_`/`*` wildcards); `package_clause` | `a.b.C`, `a.b._` |
//! | Swift | `import_declaration` (`import struct M.S` keeps the module) | the module path |
//! | Bash | `source x`, `. x` commands | as written |

use lang::tree_sitter::{Node, Tree};

use crate::{FileFacts, ImportKind, Language, RawImport};

pub(crate) fn facts(language: Language, tree: &Tree, source: &[u8]) -> FileFacts {
    let mut out = FileFacts::default();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let descend = visit(language, node, source, &mut out);
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

fn text<'a>(node: Node<'_>, source: &'a [u8]) -> &'a str {
    node.utf8_text(source).unwrap_or("")
}

fn line(node: Node<'_>) -> u32 {
    node.start_position().row as u32 + 1
}

fn push(out: &mut FileFacts, node: Node<'_>, spec: impl Into<String>, kind: ImportKind) {
    let spec: String = spec.into();
    if !spec.is_empty() {
        out.imports.push(RawImport { line: line(node), spec, kind, names: Vec::new() });
    }
}

fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut c = node.walk();
    node.named_children(&mut c).collect()
}

fn children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut c = node.walk();
    node.children(&mut c).collect()
}

fn has_token(node: Node<'_>, token: &str) -> bool {
    children(node).iter().any(|c| !c.is_named() && c.kind() == token)
}

/// The text of a string literal node without quotes (the concatenation of its fragments), or
/// `None` when it holds an interpolation or escape we cannot read statically.
fn literal(node: Node<'_>, source: &[u8]) -> Option<String> {
    let mut s = String::new();
    for c in named_children(node) {
        match c.kind() {
            "string_fragment" | "string_content" | "interpreted_string_literal_content" => s.push_str(text(c, source)),
            _ => return None,
        }
    }
    if named_children(node).is_empty() {
        let t = text(node, source);
        let t = t.trim_matches(|c| c == '"' || c == '\'' || c == '`');
        return Some(t.to_string());
    }
    Some(s)
}

/// Visits one node; returns whether to descend into it.
fn visit(language: Language, node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match language {
        Language::Java => java(node, source, out),
        Language::Python => python(node, source, out),
        Language::JavaScript | Language::TypeScript | Language::Tsx => ecmascript(node, source, out),
        Language::Go => go(node, source, out),
        Language::Rust => rust(node, source, out),
        Language::C | Language::Cpp => c_include(node, source, out),
        Language::CSharp => csharp(node, source, out),
        Language::Ruby => ruby(node, source, out),
        Language::Php => php(node, source, out),
        Language::Kotlin => kotlin(node, source, out),
        Language::Scala => scala(node, source, out),
        Language::Swift => swift(node, source, out),
        Language::Shell => bash(node, source, out),
        Language::Other(_) => false,
    }
}

fn java(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "package_declaration" => {
            if let Some(n) = named_children(node).into_iter().find(|c| matches!(c.kind(), "scoped_identifier" | "identifier")) {
                out.package.get_or_insert_with(|| text(n, source).to_string());
            }
            false
        }
        "import_declaration" => {
            let Some(name) = named_children(node).into_iter().find(|c| matches!(c.kind(), "scoped_identifier" | "identifier")) else { return false };
            let wildcard = named_children(node).iter().any(|c| c.kind() == "asterisk");
            let is_static = has_token(node, "static");
            let mut spec = compact(text(name, source));
            let kind = if wildcard {
                spec.push_str(".*");
                ImportKind::Wildcard
            } else if is_static {
                ImportKind::StaticMember
            } else {
                ImportKind::Static
            };
            push(out, node, spec, kind);
            false
        }
        "class_body" | "block" | "constructor_body" => false,
        _ => true,
    }
}

/// Removes whitespace inside a dotted name (`a . b` is legal Java).
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn python(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "import_statement" => {
            for c in named_children(node) {
                let name = if c.kind() == "aliased_import" { c.child_by_field_name("name") } else { Some(c) };
                if let Some(n) = name.filter(|n| n.kind() == "dotted_name") {
                    push(out, node, compact(text(n, source)), ImportKind::Static);
                }
            }
            false
        }
        "import_from_statement" => {
            let Some(module) = node.child_by_field_name("module_name") else { return false };
            let wildcard = named_children(node).iter().any(|c| c.kind() == "wildcard_import");
            let mut names = Vec::new();
            let mut c = node.walk();
            for n in node.children_by_field_name("name", &mut c) {
                let n = if n.kind() == "aliased_import" { n.child_by_field_name("name").unwrap_or(n) } else { n };
                names.push(compact(text(n, source)));
            }
            out.imports.push(RawImport {
                line: line(node),
                spec: compact(text(module, source)),
                kind: if wildcard { ImportKind::Wildcard } else { ImportKind::Static },
                names,
            });
            false
        }
        "future_import_statement" => {
            push(out, node, "__future__", ImportKind::Static);
            false
        }
        _ => true,
    }
}

fn ecmascript(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "import_statement" => {
            if let Some(req) = named_children(node).into_iter().find(|c| c.kind() == "import_require_clause") {
                if let Some(s) = req.child_by_field_name("source").and_then(|s| literal(s, source)) {
                    push(out, node, s, ImportKind::Require);
                }
                return false;
            }
            if let Some(s) = node.child_by_field_name("source").and_then(|s| literal(s, source)) {
                let kind = if has_token(node, "type") { ImportKind::TypeOnly } else { ImportKind::Static };
                push(out, node, s, kind);
            }
            false
        }
        "export_statement" => match node.child_by_field_name("source").and_then(|s| literal(s, source)) {
            Some(s) => {
                let kind = if has_token(node, "type") { ImportKind::TypeOnly } else { ImportKind::ReExport };
                push(out, node, s, kind);
                false
            }
            None => true,
        },
        "call_expression" => {
            let (Some(function), Some(args)) = (node.child_by_field_name("function"), node.child_by_field_name("arguments")) else { return true };
            let kind = match (function.kind(), text(function, source)) {
                ("import", _) => ImportKind::Dynamic,
                ("identifier", "require") => ImportKind::Require,
                _ => return true,
            };
            let list = named_children(args);
            if let [only] = list.as_slice() {
                if matches!(only.kind(), "string" | "template_string") {
                    if let Some(s) = literal(*only, source) {
                        push(out, node, s, kind);
                        return false;
                    }
                }
            }
            true
        }
        _ => true,
    }
}

fn go(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "package_clause" => {
            if let Some(n) = named_children(node).first() {
                out.package.get_or_insert_with(|| text(*n, source).to_string());
            }
            false
        }
        "import_spec" => {
            if let Some(s) = node.child_by_field_name("path").and_then(|p| literal(p, source)) {
                push(out, node, s, ImportKind::Static);
            }
            false
        }
        "function_declaration" | "method_declaration" | "type_declaration" | "var_declaration" | "const_declaration" => false,
        _ => true,
    }
}

fn rust(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "use_declaration" => {
            if let Some(arg) = node.child_by_field_name("argument") {
                let mut leaves = Vec::new();
                use_tree(arg, source, String::new(), &mut leaves);
                for l in leaves {
                    push(out, node, l, ImportKind::Use);
                }
            }
            false
        }
        "mod_item" => {
            if node.child_by_field_name("body").is_some() {
                return true;
            }
            if let Some(name) = node.child_by_field_name("name") {
                let mut path = vec![text(name, source).to_string()];
                let mut up = node.parent();
                while let Some(p) = up {
                    if p.kind() == "mod_item" {
                        if let Some(n) = p.child_by_field_name("name") {
                            path.push(text(n, source).to_string());
                        }
                    }
                    up = p.parent();
                }
                path.reverse();
                let has_path_attr = node.prev_named_sibling().map(|s| s.kind() == "attribute_item" && text(s, source).contains("path")).unwrap_or(false);
                let kind = ImportKind::Mod;
                if has_path_attr {
                    out.imports.push(RawImport { line: line(node), spec: path.join("::"), kind, names: vec!["#[path]".into()] });
                } else {
                    push(out, node, path.join("::"), kind);
                }
            }
            false
        }
        "extern_crate_declaration" => {
            if let Some(n) = node.child_by_field_name("name") {
                push(out, node, text(n, source), ImportKind::Use);
            }
            false
        }
        "function_item" | "impl_item" | "struct_item" | "enum_item" | "trait_item" => false,
        _ => true,
    }
}

/// Leaves of a Rust use tree as full paths (`a::{b, c::d}` → `a::b`, `a::c::d`).
fn use_tree(node: Node<'_>, source: &[u8], prefix: String, leaves: &mut Vec<String>) {
    let join = |p: &str, s: &str| if p.is_empty() { s.to_string() } else if s.is_empty() { p.to_string() } else { format!("{p}::{s}") };
    match node.kind() {
        "scoped_use_list" => {
            let path = node.child_by_field_name("path").map(|p| compact(text(p, source))).unwrap_or_default();
            let base = join(&prefix, &path);
            if let Some(list) = node.child_by_field_name("list") {
                use_tree(list, source, base, leaves);
            }
        }
        "use_list" => {
            for c in named_children(node) {
                use_tree(c, source, prefix.clone(), leaves);
            }
        }
        "use_as_clause" => {
            if let Some(p) = node.child_by_field_name("path") {
                use_tree(p, source, prefix, leaves);
            }
        }
        "use_wildcard" => {
            let inner = named_children(node).first().map(|p| compact(text(*p, source))).unwrap_or_default();
            leaves.push(join(&join(&prefix, &inner), "*"));
        }
        "self" => leaves.push(if prefix.is_empty() { "self".into() } else { prefix }),
        _ => leaves.push(join(&prefix, &compact(text(node, source)))),
    }
}

fn c_include(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    if node.kind() != "preproc_include" {
        // Includes sit at top level or inside preprocessor conditionals (and C++ namespaces or
        // `extern "C"` blocks); function bodies hold none worth the walk.
        return !matches!(node.kind(), "function_definition" | "compound_statement" | "field_declaration_list");
    }
    if let Some(path) = node.child_by_field_name("path") {
        match path.kind() {
            "system_lib_string" => {
                let t = text(path, source);
                push(out, node, t.trim_start_matches('<').trim_end_matches('>'), ImportKind::Include { angled: true })
            }
            "string_literal" => {
                if let Some(s) = literal(path, source) {
                    push(out, node, s, ImportKind::Include { angled: false })
                }
            }
            _ => {}
        }
    }
    false
}

fn csharp(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "namespace_declaration" | "file_scoped_namespace_declaration" => {
            if let Some(n) = node.child_by_field_name("name") {
                out.package.get_or_insert_with(|| compact(text(n, source)));
            }
            true
        }
        "using_directive" => {
            let alias = node.child_by_field_name("name").map(|n| n.id());
            let target = named_children(node).into_iter().find(|c| Some(c.id()) != alias && matches!(c.kind(), "qualified_name" | "identifier" | "generic_name"));
            if let Some(t) = target {
                let kind = if has_token(node, "static") { ImportKind::StaticMember } else { ImportKind::Use };
                push(out, node, compact(text(t, source)), kind);
            }
            false
        }
        "class_declaration" | "struct_declaration" | "interface_declaration" | "enum_declaration" | "record_declaration" => false,
        _ => true,
    }
}

fn ruby(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    if node.kind() != "call" {
        return true;
    }
    let Some(method) = node.child_by_field_name("method") else { return true };
    let kind = match text(method, source) {
        "require" | "load" => ImportKind::Require,
        "require_relative" => ImportKind::RequireRelative,
        _ => return true,
    };
    if node.child_by_field_name("receiver").is_some() {
        return true;
    }
    if let Some(args) = node.child_by_field_name("arguments") {
        if let [only] = named_children(args).as_slice() {
            if only.kind() == "string" {
                if let Some(s) = literal(*only, source) {
                    push(out, node, s, kind);
                }
            }
        }
    }
    false
}

fn php(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "namespace_definition" => {
            if let Some(n) = node.child_by_field_name("name") {
                out.package.get_or_insert_with(|| text(n, source).to_string());
            }
            true
        }
        "namespace_use_declaration" => {
            let has_group = named_children(node).iter().any(|c| c.kind() == "namespace_use_group");
            let group_prefix = named_children(node)
                .into_iter()
                .find(|c| has_group && c.kind() == "namespace_name")
                .map(|b| text(b, source).trim_start_matches('\\').to_string());
            let mut clauses: Vec<Node<'_>> = Vec::new();
            for c in named_children(node) {
                match c.kind() {
                    "namespace_use_clause" => clauses.push(c),
                    "namespace_use_group" => clauses.extend(named_children(c).into_iter().filter(|g| g.kind() == "namespace_use_clause")),
                    _ => {}
                }
            }
            for clause in clauses {
                let name = named_children(clause).into_iter().find(|n| matches!(n.kind(), "qualified_name" | "name"));
                let Some(name) = name else { continue };
                let own = text(name, source).trim_start_matches('\\').to_string();
                let spec = match &group_prefix {
                    Some(p) => format!("{p}\\{own}"),
                    None => own,
                };
                push(out, node, spec, ImportKind::Use);
            }
            false
        }
        "include_expression" | "include_once_expression" | "require_expression" | "require_once_expression" => {
            let Some(arg) = named_children(node).into_iter().next() else { return false };
            let spec = match arg.kind() {
                "string" | "encapsed_string" => literal(arg, source),
                "binary_expression" => {
                    let left = arg.child_by_field_name("left").map(|l| text(l, source));
                    let right = arg.child_by_field_name("right").filter(|r| matches!(r.kind(), "string" | "encapsed_string"));
                    match (left, right.and_then(|r| literal(r, source))) {
                        (Some("__DIR__"), Some(r)) => Some(format!("__DIR__{r}")),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let Some(s) = spec {
                push(out, node, s, ImportKind::Require);
            }
            false
        }
        _ => true,
    }
}

fn kotlin(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "package_header" => {
            if let Some(n) = named_children(node).into_iter().find(|c| c.kind() == "identifier") {
                out.package.get_or_insert_with(|| compact(text(n, source)));
            }
            false
        }
        "import_header" => {
            let Some(n) = named_children(node).into_iter().find(|c| c.kind() == "identifier") else { return false };
            let mut spec = compact(text(n, source));
            let kind = if named_children(node).iter().any(|c| c.kind() == "wildcard_import") {
                spec.push_str(".*");
                ImportKind::Wildcard
            } else {
                ImportKind::Static
            };
            push(out, node, spec, kind);
            false
        }
        "class_declaration" | "object_declaration" | "function_declaration" | "property_declaration" => false,
        _ => true,
    }
}

fn scala(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "package_clause" => {
            if let Some(n) = node.child_by_field_name("name") {
                let name = compact(text(n, source));
                out.package = Some(match out.package.take() {
                    Some(p) => format!("{p}.{name}"),
                    None => name,
                });
            }
            true
        }
        "import_declaration" => {
            let mut prefix: Vec<String> = Vec::new();
            let mut selected = false;
            for c in named_children(node) {
                match c.kind() {
                    "identifier" | "stable_identifier" => prefix.push(compact(text(c, source))),
                    "namespace_wildcard" => {
                        selected = true;
                        push(out, node, format!("{}._", prefix.join(".")), ImportKind::Wildcard);
                    }
                    "namespace_selectors" => {
                        selected = true;
                        for s in named_children(c) {
                            let name = match s.kind() {
                                "identifier" => Some(text(s, source)),
                                "arrow_renamed_identifier" | "as_renamed_identifier" => s.child_by_field_name("name").map(|n| text(n, source)),
                                "namespace_wildcard" => Some("_"),
                                _ => None,
                            };
                            if let Some(n) = name {
                                let kind = if n == "_" { ImportKind::Wildcard } else { ImportKind::Static };
                                push(out, node, format!("{}.{n}", prefix.join(".")), kind);
                            }
                        }
                    }
                    _ => {}
                }
            }
            if !selected {
                push(out, node, prefix.join("."), ImportKind::Static);
            }
            false
        }
        "template_body" | "block" => true,
        _ => true,
    }
}

fn swift(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    match node.kind() {
        "import_declaration" => {
            if let Some(n) = named_children(node).into_iter().find(|c| c.kind() == "identifier") {
                push(out, node, compact(text(n, source)), ImportKind::Static);
            }
            false
        }
        "class_declaration" | "function_declaration" | "protocol_declaration" => false,
        _ => true,
    }
}

fn bash(node: Node<'_>, source: &[u8], out: &mut FileFacts) -> bool {
    if node.kind() != "command" {
        return true;
    }
    let Some(name) = node.child_by_field_name("name") else { return true };
    if !matches!(text(name, source), "source" | ".") {
        return true;
    }
    let mut c = node.walk();
    let arg = node.children_by_field_name("argument", &mut c).next();
    if let Some(a) = arg {
        let spec = match a.kind() {
            "word" => Some(text(a, source).to_string()),
            "raw_string" => Some(text(a, source).trim_matches('\'').to_string()),
            // `"$DIR/x.sh"`: kept as written; resolution reports it unresolved (a variable)
            _ => Some(text(a, source).trim_matches('"').to_string()),
        };
        if let Some(s) = spec {
            push(out, node, s, ImportKind::Source);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(lang: Language, src: &str) -> Vec<(u32, String, ImportKind)> {
        crate::facts_of_file(lang, src.as_bytes()).imports.into_iter().map(|i| (i.line, i.spec, i.kind)).collect()
    }

    fn s(line: u32, spec: &str, kind: ImportKind) -> (u32, String, ImportKind) {
        (line, spec.to_string(), kind)
    }

    #[test]
    fn java_imports_static_wildcard_and_package() {
        let src = "package com.x.y;\nimport java.util.List;\nimport static java.lang.Math.max;\nimport com.x.z.*;\nclass A { void f() { } }\n";
        let f = crate::facts_of_file(Language::Java, src.as_bytes());
        assert_eq!(f.package.as_deref(), Some("com.x.y"));
        assert_eq!(
            specs(Language::Java, src),
            vec![s(2, "java.util.List", ImportKind::Static), s(3, "java.lang.Math.max", ImportKind::StaticMember), s(4, "com.x.z.*", ImportKind::Wildcard)]
        );
    }

    #[test]
    fn python_relative_levels_and_names() {
        let src = "import os.path, sys as s\nfrom . import a, b as c\nfrom ..pkg.mod import x\nfrom .m import *\ndef f():\n    import json\n";
        let f = crate::facts_of_file(Language::Python, src.as_bytes());
        let got: Vec<(String, Vec<String>)> = f.imports.iter().map(|i| (i.spec.clone(), i.names.clone())).collect();
        assert_eq!(
            got,
            vec![
                ("os.path".into(), vec![]),
                ("sys".into(), vec![]),
                (".".into(), vec!["a".into(), "b".into()]),
                ("..pkg.mod".into(), vec!["x".into()]),
                (".m".into(), vec![]),
                ("json".into(), vec![]),
            ]
        );
        assert_eq!(f.imports[4].kind, ImportKind::Wildcard);
    }

    #[test]
    fn typescript_forms() {
        let src = "import x from './x';\nimport type { T } from \"./t\";\nimport * as ns from 'ns';\nimport './side';\nexport { a } from './a';\nexport * from './b';\nexport type { Q } from './q';\nconst r = require('./r');\nconst d = import('./d');\nimport fs = require('fs');\nconst no = require(name);\n";
        assert_eq!(
            specs(Language::TypeScript, src),
            vec![
                s(1, "./x", ImportKind::Static),
                s(2, "./t", ImportKind::TypeOnly),
                s(3, "ns", ImportKind::Static),
                s(4, "./side", ImportKind::Static),
                s(5, "./a", ImportKind::ReExport),
                s(6, "./b", ImportKind::ReExport),
                s(7, "./q", ImportKind::TypeOnly),
                s(8, "./r", ImportKind::Require),
                s(9, "./d", ImportKind::Dynamic),
                s(10, "fs", ImportKind::Require),
            ]
        );
    }

    #[test]
    fn go_rust_c() {
        assert_eq!(
            specs(Language::Go, "package main\nimport \"fmt\"\nimport (\n  f \"example.com/m/foo\"\n  _ \"example.com/m/bar\"\n)\n"),
            vec![s(2, "fmt", ImportKind::Static), s(4, "example.com/m/foo", ImportKind::Static), s(5, "example.com/m/bar", ImportKind::Static)]
        );
        assert_eq!(
            specs(Language::Rust, "use crate::a::b;\nuse super::{c, d::e};\nuse std::io::*;\nmod m;\nmod inline { mod deep; }\nextern crate serde;\npub use self::x as y;\n"),
            vec![
                s(1, "crate::a::b", ImportKind::Use),
                s(2, "super::c", ImportKind::Use),
                s(2, "super::d::e", ImportKind::Use),
                s(3, "std::io::*", ImportKind::Use),
                s(4, "m", ImportKind::Mod),
                s(5, "inline::deep", ImportKind::Mod),
                s(6, "serde", ImportKind::Use),
                s(7, "self::x", ImportKind::Use),
            ]
        );
        assert_eq!(
            specs(Language::C, "#include \"x/y.h\"\n#include <stdio.h>\n#ifdef A\n#include \"a.h\"\n#endif\n"),
            vec![s(1, "x/y.h", ImportKind::Include { angled: false }), s(2, "stdio.h", ImportKind::Include { angled: true }), s(4, "a.h", ImportKind::Include { angled: false })]
        );
    }

    #[test]
    fn csharp_ruby_php() {
        assert_eq!(
            specs(Language::CSharp, "using System.Text;\nusing static System.Math;\nusing A = N.B;\nnamespace Q.R { class C {} }\n"),
            vec![s(1, "System.Text", ImportKind::Use), s(2, "System.Math", ImportKind::StaticMember), s(3, "N.B", ImportKind::Use)]
        );
        assert_eq!(
            specs(Language::Ruby, "require 'json'\nrequire_relative '../lib/x'\nload 'y.rb'\nfoo.require 'no'\n"),
            vec![s(1, "json", ImportKind::Require), s(2, "../lib/x", ImportKind::RequireRelative), s(3, "y.rb", ImportKind::Require)]
        );
        assert_eq!(
            specs(Language::Php, "<?php\nnamespace App\\Http;\nuse App\\Models\\User;\nuse Foo\\{A, B as C};\nrequire_once __DIR__ . '/x.php';\ninclude 'y.php';\n"),
            vec![
                s(3, "App\\Models\\User", ImportKind::Use),
                s(4, "Foo\\A", ImportKind::Use),
                s(4, "Foo\\B", ImportKind::Use),
                s(5, "__DIR__/x.php", ImportKind::Require),
                s(6, "y.php", ImportKind::Require),
            ]
        );
    }

    #[test]
    fn kotlin_scala_swift_bash() {
        assert_eq!(
            specs(Language::Kotlin, "package com.a.b\nimport com.x.Y\nimport com.z.*\nimport com.q.R as S\n"),
            vec![s(2, "com.x.Y", ImportKind::Static), s(3, "com.z.*", ImportKind::Wildcard), s(4, "com.q.R", ImportKind::Static)]
        );
        assert_eq!(
            specs(Language::Scala, "package com.a\nimport com.x.Y\nimport com.z._\nimport com.q.{R, S => T}\n"),
            vec![s(2, "com.x.Y", ImportKind::Static), s(3, "com.z._", ImportKind::Wildcard), s(4, "com.q.R", ImportKind::Static), s(4, "com.q.S", ImportKind::Static)]
        );
        assert_eq!(
            specs(Language::Swift, "import Foundation\n@testable import MyLib\nimport struct Foo.Bar\n"),
            vec![s(1, "Foundation", ImportKind::Static), s(2, "MyLib", ImportKind::Static), s(3, "Foo.Bar", ImportKind::Static)]
        );
        assert_eq!(
            specs(Language::Shell, "source ./lib.sh\n. \"$DIR/other.sh\"\n. common.sh\n"),
            vec![s(1, "./lib.sh", ImportKind::Source), s(2, "$DIR/other.sh", ImportKind::Source), s(3, "common.sh", ImportKind::Source)]
        );
    }
}
