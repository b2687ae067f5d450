//! A file's structure in one walk: the outline, each type's supertypes (`extends` /
//! `implements` as written, generics cut off) and the names it calls (for the knowledge graph's
//! name-resolved `calls` edges).
//!
//! Supertypes per language (what the grammar says; nothing is inferred):
//! * Java: `extends` (class, interface), `implements`; TypeScript: `extends`, `implements`,
//!   interface `extends`; JavaScript: `extends`; PHP: `extends`, `implements`; Python: the bases
//!   (keyword arguments such as `metaclass=` are no bases); Ruby: the superclass; C++: the base
//!   classes; Rust: `impl Trait for Type` (Type implements Trait), a trait's supertraits.
//! * Kotlin: a supertype called with arguments (`Base()`) is `extends`, one without is
//!   `implements` (an interface; an interface's own supertypes are `extends`). Scala: the first
//!   type after `extends` is `extends`, `with` types `implements`. Swift: a class's first
//!   inherited type is `extends`, the rest (and every one of a struct, enum or protocol...)
//!   `implements`, as protocols. C#: a base named `I` + capital letter is `implements` (the .NET
//!   naming convention; the grammar cannot tell), any other `extends`.
//! * Go, C, Bash, Lua: no inheritance (Go's embedding is no `extends` here).
//!
//! Calls: a call expression's callee reduced to its last identifier (`a.b.run(x)` → `run`,
//! `Foo::new()` → `new`), attributed to the innermost enclosing function or method (none at
//! file level). Receivers are not typed: resolving the names is the caller's job and precision.

use lang::tree_sitter::Node;
use lang::{Language, SymbolKind};
use serde::{Deserialize, Serialize};

use crate::outline::{text, walk, Symbol};

/// A type's supertypes; `symbol` indexes the file's outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Supertypes {
    pub symbol: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implements: Vec<String>,
}

/// One call site: the called name and the innermost enclosing function or method (index into
/// the outline; `None` at file or class level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    pub caller: Option<usize>,
    pub name: String,
    pub line: u32,
}

/// The outline, supertypes and calls of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileStructure {
    pub symbols: Vec<Symbol>,
    pub supertypes: Vec<Supertypes>,
    pub calls: Vec<Call>,
}

/// Node kinds of call expressions, over the grammars.
const CALL_KINDS: &[&str] = &[
    "call_expression",
    "method_invocation",
    "call",
    "invocation_expression",
    "function_call_expression",
    "member_call_expression",
    "scoped_call_expression",
    "method_call_expression",
];

/// The structure of `source`; empty for languages without a grammar.
pub fn file_structure(lang: Language, source: &[u8]) -> FileStructure {
    let Ok(tree) = lang::parse(lang, source) else { return FileStructure::default() };
    let mut supertypes = Vec::new();
    let mut calls = Vec::new();
    let symbols = walk(lang, &tree, source, &mut |node, symbols, innermost, declares| {
        if declares {
            let index = symbols.len() - 1;
            let kind = SymbolKind::from_name(&symbols[index].kind);
            if let Some(found) = supertypes_of(lang, node, kind, source) {
                supertypes.push(Supertypes { symbol: index, extends: found.0, implements: found.1 });
            }
        }
        if CALL_KINDS.contains(&node.kind()) && !(lang == Language::Ruby && node.kind() == "call" && node.child_by_field_name("method").is_none()) {
            if let Some(name) = callee(lang, node, source) {
                let caller = innermost.filter(|&i| is_function(&symbols[i].kind));
                calls.push(Call { caller, name, line: node.start_position().row as u32 + 1 });
            }
        }
    });
    FileStructure { symbols, supertypes, calls }
}

fn is_function(kind: &str) -> bool {
    matches!(SymbolKind::from_name(kind), Some(SymbolKind::Function | SymbolKind::Method | SymbolKind::Constructor | SymbolKind::Destructor))
}

/// The called name: the callee's last identifier.
fn callee(lang: Language, node: Node<'_>, source: &[u8]) -> Option<String> {
    let target = match (lang, node.kind()) {
        (Language::Java, "method_invocation") => node.child_by_field_name("name"),
        (Language::Ruby, "call") => node.child_by_field_name("method"),
        (Language::Php, "member_call_expression" | "scoped_call_expression") => node.child_by_field_name("name"),
        (Language::Python, "call") => node.child_by_field_name("function"),
        _ => node.child_by_field_name("function").or_else(|| node.named_child(0)),
    }?;
    last_identifier(&text(target, source))
}

/// `a.b.run`, `Foo::new`, `x->f`, `obj?.go`, `run<T>` → the last identifier, if it is one.
fn last_identifier(callee: &str) -> Option<String> {
    let head = callee.split(['(', '<', '[', '!']).next().unwrap_or("");
    let last = head.rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).next().unwrap_or("").trim();
    let ok = !last.is_empty() && !last.chars().next().map(char::is_numeric).unwrap_or(true);
    ok.then(|| last.to_string())
}

/// A supertype as written: generics and call arguments cut off, whitespace removed.
fn type_name(node: Node<'_>, source: &[u8]) -> Option<String> {
    let written = text(node, source);
    let head = written.split(['<', '(', '[', '{']).next().unwrap_or("");
    let name: String = head.chars().filter(|c| !c.is_whitespace()).collect();
    let name = name.trim_start_matches(':').trim_start_matches('\\').to_string();
    (!name.is_empty() && name.chars().any(char::is_alphanumeric)).then_some(name)
}

fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    children
}

/// Type names in a list node (`type_list`, `base_list`, ...): its named children that are no
/// punctuation, comments or argument lists.
fn listed_types(node: Node<'_>, source: &[u8]) -> Vec<String> {
    named_children(node)
        .into_iter()
        .filter(|c| !matches!(c.kind(), "comment" | "arguments" | "argument_list" | "value_arguments" | "access_specifier" | "keyword_argument" | "type_arguments"))
        .flat_map(|c| match c.kind() {
            "type_list" | "interface_type_list" => listed_types(c, source),
            _ => type_name(c, source).into_iter().collect(),
        })
        .collect()
}

type Found = (Vec<String>, Vec<String>);

/// `(extends, implements)` of a type declaration, `None` if it names none.
fn supertypes_of(lang: Language, node: Node<'_>, kind: Option<SymbolKind>, source: &[u8]) -> Option<Found> {
    let mut extends = Vec::new();
    let mut implements = Vec::new();
    match lang {
        Language::Rust => match node.kind() {
            "impl_item" => implements.extend(node.child_by_field_name("trait").and_then(|t| type_name(t, source))),
            "trait_item" => extends.extend(node.child_by_field_name("bounds").map(|b| listed_types(b, source)).unwrap_or_default()),
            _ => {}
        },
        Language::Python => {
            if let Some(bases) = node.child_by_field_name("superclasses") {
                extends = listed_types(bases, source);
            }
        }
        _ => {
            for child in named_children(node) {
                match (lang, child.kind()) {
                    (Language::Java, "superclass") | (Language::Ruby, "superclass") | (Language::Php, "base_clause") | (Language::Cpp, "base_class_clause") | (Language::Java, "extends_interfaces") => {
                        extends.extend(listed_types(child, source))
                    }
                    (Language::Java, "super_interfaces") | (Language::Php, "class_interface_clause") => implements.extend(listed_types(child, source)),
                    (Language::JavaScript, "class_heritage") => extends.extend(listed_types(child, source)),
                    (Language::TypeScript | Language::Tsx, "class_heritage") => {
                        for clause in named_children(child) {
                            match clause.kind() {
                                "extends_clause" => extends.extend(listed_types(clause, source)),
                                "implements_clause" => implements.extend(listed_types(clause, source)),
                                _ => {}
                            }
                        }
                    }
                    (Language::TypeScript | Language::Tsx, "extends_type_clause") => extends.extend(listed_types(child, source)),
                    (Language::CSharp, "base_list") => {
                        for name in listed_types(child, source) {
                            let mut chars = name.rsplit('.').next().unwrap_or("").chars();
                            let interface_like = chars.next() == Some('I') && chars.next().map(char::is_uppercase).unwrap_or(false);
                            if interface_like { implements.push(name) } else { extends.push(name) }
                        }
                    }
                    (Language::Kotlin, "delegation_specifier" | "delegation_specifiers") => kotlin_supertypes(child, kind, source, &mut extends, &mut implements),
                    (Language::Scala, "extends_clause") => {
                        let mut types = listed_types(child, source).into_iter();
                        extends.extend(types.next());
                        implements.extend(types);
                    }
                    (Language::Swift, "inheritance_specifier") => {
                        let name = type_name(child, source);
                        if kind == Some(SymbolKind::Class) && extends.is_empty() && implements.is_empty() {
                            extends.extend(name);
                        } else {
                            implements.extend(name);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    (!extends.is_empty() || !implements.is_empty()).then_some((extends, implements))
}

fn kotlin_supertypes(node: Node<'_>, kind: Option<SymbolKind>, source: &[u8], extends: &mut Vec<String>, implements: &mut Vec<String>) {
    for child in named_children(node) {
        match child.kind() {
            "delegation_specifier" => kotlin_supertypes(child, kind, source, extends, implements),
            "constructor_invocation" => extends.extend(child.named_child(0).and_then(|t| type_name(t, source))),
            "user_type" | "explicit_delegation" => {
                let target = if child.kind() == "explicit_delegation" { child.named_child(0) } else { Some(child) };
                let name = target.and_then(|t| type_name(t, source));
                if kind == Some(SymbolKind::Interface) { extends.extend(name) } else { implements.extend(name) }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supers(lang: Language, source: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        let s = file_structure(lang, source.as_bytes());
        s.supertypes.iter().map(|t| (s.symbols[t.symbol].qualified_name.clone(), t.extends.clone(), t.implements.clone())).collect()
    }

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn java_extends_and_implements() {
        let src = "class A extends B<String> implements I, J<K> { void f() { g(); this.h(1); } }\ninterface I extends X, Y {}\n";
        assert_eq!(supers(Language::Java, src), vec![("A".into(), v(&["B"]), v(&["I", "J"])), ("I".into(), v(&["X", "Y"]), v(&[]))]);
        let s = file_structure(Language::Java, src.as_bytes());
        let calls: Vec<_> = s.calls.iter().map(|c| (c.caller.map(|i| s.symbols[i].qualified_name.clone()), c.name.clone())).collect();
        assert_eq!(calls, vec![(Some("A.f".into()), "g".into()), (Some("A.f".into()), "h".into())]);
    }

    #[test]
    fn python_bases_without_keywords() {
        let src = "class A(B, mod.C, metaclass=M):\n    def f(self):\n        self.g()\n        run(1)\n";
        assert_eq!(supers(Language::Python, src), vec![("A".into(), v(&["B", "mod.C"]), v(&[]))]);
        let s = file_structure(Language::Python, src.as_bytes());
        assert_eq!(s.calls.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), vec!["g", "run"]);
    }

    #[test]
    fn typescript_classes_and_interfaces() {
        let src = "class A extends B implements I, J {}\ninterface I extends K<T>, L {}\n";
        assert_eq!(supers(Language::TypeScript, src), vec![("A".into(), v(&["B"]), v(&["I", "J"])), ("I".into(), v(&["K", "L"]), v(&[]))]);
        assert_eq!(supers(Language::JavaScript, "class A extends B {}\n"), vec![("A".into(), v(&["B"]), v(&[]))]);
    }

    #[test]
    fn other_languages() {
        assert_eq!(supers(Language::CSharp, "class A : B, IDisposable {}\n"), vec![("A".into(), v(&["B"]), v(&["IDisposable"]))]);
        assert_eq!(supers(Language::Cpp, "class A : public B, private C {};\n"), vec![("A".into(), v(&["B", "C"]), v(&[]))]);
        assert_eq!(supers(Language::Php, "<?php class A extends B implements I {}\n"), vec![("A".into(), v(&["B"]), v(&["I"]))]);
        assert_eq!(supers(Language::Ruby, "class A < B\nend\n"), vec![("A".into(), v(&["B"]), v(&[]))]);
        assert_eq!(supers(Language::Kotlin, "class A : B(), I\n"), vec![("A".into(), v(&["B"]), v(&["I"]))]);
        assert_eq!(supers(Language::Rust, "trait T: U {}\nimpl T for S {}\n"), vec![("T".into(), v(&["U"]), v(&[])), ("T for S".into(), v(&[]), v(&["T"]))]);
    }
}
