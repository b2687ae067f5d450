//! Which syntax-tree node kinds declare functions and types, per grammar language: the seam
//! between the grammars and everything that needs "the functions and classes of a file"
//! (symbols, per-function metrics).
//!
//! Each [`Decl`] row says: a node of kind `node` declares a [`SymbolKind`] (fixed, or chosen by a
//! keyword token or the kind of a field's node), and its name is found by a [`NameRule`]. A
//! `Function` declared directly inside a class-like declaration is a method (the consumer decides
//! from the parent; Go's `method_declaration` is a method by itself). [`anonymous_functions`] lists
//! the lambda/closure kinds, which have no name of their own.
//!
//! | language | function-like (name) | class-like (name) | anonymous |
//! |---|---|---|---|
//! | java | method_declaration, constructor_declaration, compact_constructor_declaration, annotation_type_element_declaration (`name`) | class/interface/enum/record_declaration, annotation_type_declaration (`@interface`; `name`; → annotation) | lambda_expression |
//! | python | function_definition (`name`) | class_definition (`name`) | lambda |
//! | javascript, typescript, tsx | function_declaration, generator_function_declaration, function_expression, method_definition, method_signature, abstract_method_signature, function_signature (`name`) | class_declaration, class, abstract_class_declaration, interface_declaration, enum_declaration, internal_module, module (`name`) | arrow_function, function_expression without name |
//! | rust | function_item, function_signature_item (`name`) | struct_item, enum_item, union_item, trait_item, mod_item (`name`); impl_item (`type`) | closure_expression |
//! | go | function_declaration, method_declaration, method_elem (interface method spec; `name`) | type_spec (`name`; struct_type → struct, interface_type → interface) | func_literal |
//! | c | function_definition (innermost `declarator`) | struct_specifier, union_specifier, enum_specifier (`name`) | — |
//! | cpp | function_definition (innermost `declarator`) | class/struct/union/enum_specifier (`name`), namespace_definition (`name`) | lambda_expression |
//! | csharp | method/constructor/destructor/operator_declaration, local_function_statement (`name`) | class/interface/struct/enum/record_declaration, namespace_declaration, file_scoped_namespace_declaration (`name`) | lambda_expression, anonymous_method_expression |
//! | ruby | method, singleton_method (`name`) | class, module (`name`) | lambda, block, do_block |
//! | php | function_definition, method_declaration (`name`) | class/interface/trait/enum_declaration, namespace_definition (`name`) | anonymous_function, arrow_function |
//! | kotlin | function_declaration (first `simple_identifier` child), secondary_constructor | class_declaration (first `type_identifier`; `interface` keyword → interface, `enum` → enum), object_declaration, companion_object (→ object; first `type_identifier`, else `Companion`) | lambda_literal, anonymous_function |
//! | scala | function_definition, function_declaration (`name`) | class/object/trait/enum_definition (`name`) | lambda_expression |
//! | swift | function_declaration, protocol_function_declaration (`name`), init_declaration, deinit_declaration | class_declaration (`name`; keyword class/struct/enum/extension/actor), protocol_declaration (`name`) | lambda_literal |
//! | shell | function_definition (`name`) | — | — |

use crate::Language;

/// What a declaration declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolKind {
    Function,
    Method,
    Constructor,
    Destructor,
    Class,
    Interface,
    /// A Java annotation type (`@interface Foo { … }`).
    Annotation,
    Enum,
    Struct,
    Union,
    Trait,
    Impl,
    Module,
    Namespace,
    Object,
    Record,
    Extension,
    Type,
}

impl SymbolKind {
    /// Every kind, in declaration order.
    pub const ALL: &'static [SymbolKind] = &[
        SymbolKind::Function,
        SymbolKind::Method,
        SymbolKind::Constructor,
        SymbolKind::Destructor,
        SymbolKind::Class,
        SymbolKind::Interface,
        SymbolKind::Annotation,
        SymbolKind::Enum,
        SymbolKind::Struct,
        SymbolKind::Union,
        SymbolKind::Trait,
        SymbolKind::Impl,
        SymbolKind::Module,
        SymbolKind::Namespace,
        SymbolKind::Object,
        SymbolKind::Record,
        SymbolKind::Extension,
        SymbolKind::Type,
    ];

    /// The kind named `name` (the inverse of [`SymbolKind::name`]).
    pub fn from_name(name: &str) -> Option<SymbolKind> {
        SymbolKind::ALL.iter().copied().find(|k| k.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            SymbolKind::Function => "function",
            SymbolKind::Method => "method",
            SymbolKind::Constructor => "constructor",
            SymbolKind::Destructor => "destructor",
            SymbolKind::Class => "class",
            SymbolKind::Interface => "interface",
            SymbolKind::Annotation => "annotation",
            SymbolKind::Enum => "enum",
            SymbolKind::Struct => "struct",
            SymbolKind::Union => "union",
            SymbolKind::Trait => "trait",
            SymbolKind::Impl => "impl",
            SymbolKind::Module => "module",
            SymbolKind::Namespace => "namespace",
            SymbolKind::Object => "object",
            SymbolKind::Record => "record",
            SymbolKind::Extension => "extension",
            SymbolKind::Type => "type",
        }
    }

    /// Functions, methods, constructors, destructors.
    pub fn is_function_like(self) -> bool {
        matches!(self, SymbolKind::Function | SymbolKind::Method | SymbolKind::Constructor | SymbolKind::Destructor)
    }

    /// Declarations whose nested functions are methods.
    pub fn is_class_like(self) -> bool {
        matches!(
            self,
            SymbolKind::Class
                | SymbolKind::Interface
                | SymbolKind::Annotation
                | SymbolKind::Enum
                | SymbolKind::Struct
                | SymbolKind::Union
                | SymbolKind::Trait
                | SymbolKind::Impl
                | SymbolKind::Object
                | SymbolKind::Record
                | SymbolKind::Extension
        )
    }
}

/// How to find a declaration's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// The text of this field (`name` for most grammars).
    Field(&'static str),
    /// C/C++: follow the `declarator` field down to the identifier (through pointer, reference,
    /// function and parenthesized declarators).
    Declarator,
    /// The first direct named child of one of these kinds (grammars without fields: Kotlin).
    FirstChild(&'static [&'static str]),
    /// A fixed name (Swift `init`/`deinit`, Kotlin secondary `constructor`).
    Fixed(&'static str),
    /// [`NameRule::FirstChild`], else this fixed name (Kotlin's unnamed `companion object` is
    /// `Companion`, the name Kotlin gives it).
    FirstChildOr(&'static [&'static str], &'static str),
}

/// How to decide the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindRule {
    Fixed(SymbolKind),
    /// The first direct keyword token (anonymous child) among these decides; else the default.
    Keyword(&'static [(&'static str, SymbolKind)], SymbolKind),
    /// The kind of the node in this field decides; else the default.
    FieldKind(&'static str, &'static [(&'static str, SymbolKind)], SymbolKind),
}

/// One declaring node kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decl {
    pub node: &'static str,
    pub kind: KindRule,
    pub name: NameRule,
}

const fn d(node: &'static str, kind: SymbolKind) -> Decl {
    Decl { node, kind: KindRule::Fixed(kind), name: NameRule::Field("name") }
}

const fn dn(node: &'static str, kind: SymbolKind, name: NameRule) -> Decl {
    Decl { node, kind: KindRule::Fixed(kind), name }
}

use SymbolKind as K;

const JAVA: &[Decl] = &[
    d("method_declaration", K::Function),
    d("constructor_declaration", K::Constructor),
    d("compact_constructor_declaration", K::Constructor),
    d("class_declaration", K::Class),
    d("interface_declaration", K::Interface),
    d("enum_declaration", K::Enum),
    d("record_declaration", K::Record),
    d("annotation_type_declaration", K::Annotation),
    // `int value() default 0;`: an element of an annotation type (a method record in metrics)
    d("annotation_type_element_declaration", K::Function),
];
const PYTHON: &[Decl] = &[d("function_definition", K::Function), d("class_definition", K::Class)];
const ECMASCRIPT: &[Decl] = &[
    d("function_declaration", K::Function),
    d("generator_function_declaration", K::Function),
    d("function_expression", K::Function),
    d("method_definition", K::Function),
    d("method_signature", K::Function),
    d("abstract_method_signature", K::Function),
    d("function_signature", K::Function),
    d("class_declaration", K::Class),
    d("class", K::Class),
    d("abstract_class_declaration", K::Class),
    d("interface_declaration", K::Interface),
    d("enum_declaration", K::Enum),
    d("internal_module", K::Namespace),
    d("module", K::Module),
];
const RUST: &[Decl] = &[
    d("function_item", K::Function),
    d("function_signature_item", K::Function),
    d("struct_item", K::Struct),
    d("enum_item", K::Enum),
    d("union_item", K::Union),
    d("trait_item", K::Trait),
    d("mod_item", K::Module),
    dn("impl_item", K::Impl, NameRule::Field("type")),
];
const GO: &[Decl] = &[
    d("function_declaration", K::Function),
    d("method_declaration", K::Method),
    // An interface's method spec (`Get(k string) (V, error)`); the outline keeps only those of a
    // named interface type (`type I interface { … }`), whose record is their parent.
    d("method_elem", K::Method),
    Decl {
        node: "type_spec",
        kind: KindRule::FieldKind("type", &[("struct_type", K::Struct), ("interface_type", K::Interface)], K::Type),
        name: NameRule::Field("name"),
    },
];
const C: &[Decl] = &[
    dn("function_definition", K::Function, NameRule::Declarator),
    d("struct_specifier", K::Struct),
    d("union_specifier", K::Union),
    d("enum_specifier", K::Enum),
];
const CPP: &[Decl] = &[
    dn("function_definition", K::Function, NameRule::Declarator),
    d("class_specifier", K::Class),
    d("struct_specifier", K::Struct),
    d("union_specifier", K::Union),
    d("enum_specifier", K::Enum),
    d("namespace_definition", K::Namespace),
];
const CSHARP: &[Decl] = &[
    d("method_declaration", K::Function),
    d("local_function_statement", K::Function),
    d("constructor_declaration", K::Constructor),
    d("destructor_declaration", K::Destructor),
    dn("operator_declaration", K::Function, NameRule::Field("operator")),
    d("class_declaration", K::Class),
    d("interface_declaration", K::Interface),
    d("struct_declaration", K::Struct),
    d("enum_declaration", K::Enum),
    d("record_declaration", K::Record),
    d("namespace_declaration", K::Namespace),
    d("file_scoped_namespace_declaration", K::Namespace),
];
const RUBY: &[Decl] = &[
    d("method", K::Function),
    d("singleton_method", K::Function),
    d("class", K::Class),
    d("module", K::Module),
];
const PHP: &[Decl] = &[
    d("function_definition", K::Function),
    d("method_declaration", K::Function),
    d("class_declaration", K::Class),
    d("interface_declaration", K::Interface),
    d("trait_declaration", K::Trait),
    d("enum_declaration", K::Enum),
    d("namespace_definition", K::Namespace),
];
const KOTLIN: &[Decl] = &[
    dn("function_declaration", K::Function, NameRule::FirstChild(&["simple_identifier"])),
    dn("secondary_constructor", K::Constructor, NameRule::Fixed("constructor")),
    // `class`, `interface`, `enum class` (and `data`/`sealed`/`annotation` classes) are all
    // class_declaration; the keyword token after the modifiers tells them apart. `metrics` takes
    // its class record kinds from this row too.
    Decl {
        node: "class_declaration",
        kind: KindRule::Keyword(&[("interface", K::Interface), ("enum", K::Enum)], K::Class),
        name: NameRule::FirstChild(&["type_identifier"]),
    },
    dn("object_declaration", K::Object, NameRule::FirstChild(&["type_identifier"])),
    // `companion object` / `companion object Factory`: an object inside its class, whose
    // functions are its own (as in `metrics`); unnamed, Kotlin calls it `Companion`.
    dn("companion_object", K::Object, NameRule::FirstChildOr(&["type_identifier"], "Companion")),
];
const SCALA: &[Decl] = &[
    d("function_definition", K::Function),
    d("function_declaration", K::Function),
    d("class_definition", K::Class),
    d("object_definition", K::Object),
    d("trait_definition", K::Trait),
    d("enum_definition", K::Enum),
];
const SWIFT: &[Decl] = &[
    d("function_declaration", K::Function),
    // A protocol's method requirement (`func m(x: Int) -> Int`, no body).
    d("protocol_function_declaration", K::Function),
    dn("init_declaration", K::Constructor, NameRule::Fixed("init")),
    dn("deinit_declaration", K::Destructor, NameRule::Fixed("deinit")),
    Decl {
        node: "class_declaration",
        kind: KindRule::Keyword(
            &[("class", K::Class), ("struct", K::Struct), ("enum", K::Enum), ("extension", K::Extension), ("actor", K::Class)],
            K::Class,
        ),
        name: NameRule::Field("name"),
    },
    d("protocol_declaration", K::Interface),
];
const SHELL: &[Decl] = &[d("function_definition", K::Function)];

impl Language {
    /// The declaring node kinds of this language's grammar (empty without a grammar).
    pub fn decls(self) -> &'static [Decl] {
        match self {
            Language::Java => JAVA,
            Language::Python => PYTHON,
            Language::JavaScript | Language::TypeScript | Language::Tsx => ECMASCRIPT,
            Language::Rust => RUST,
            Language::Go => GO,
            Language::C => C,
            Language::Cpp => CPP,
            Language::CSharp => CSHARP,
            Language::Ruby => RUBY,
            Language::Php => PHP,
            Language::Kotlin => KOTLIN,
            Language::Scala => SCALA,
            Language::Swift => SWIFT,
            Language::Shell => SHELL,
            Language::Other(_) => &[],
        }
    }

    /// The row for a node kind, if it declares something.
    pub fn decl(self, node_kind: &str) -> Option<&'static Decl> {
        self.decls().iter().find(|d| d.node == node_kind)
    }

    /// The row for a syntax node, if it declares something. Only named nodes declare: keyword
    /// tokens can share a declaring node's kind name (JavaScript's and Ruby's `class` keyword
    /// beside the `class` node, TypeScript's and Ruby's `module`).
    pub fn decl_of(self, node: tree_sitter::Node<'_>) -> Option<&'static Decl> {
        if !node.is_named() {
            return None;
        }
        self.decl(node.kind())
    }

    /// Lambda / closure / anonymous function node kinds.
    pub fn anonymous_functions(self) -> &'static [&'static str] {
        match self {
            Language::Java => &["lambda_expression"],
            Language::Python => &["lambda"],
            Language::JavaScript | Language::TypeScript | Language::Tsx => &["arrow_function"],
            Language::Rust => &["closure_expression"],
            Language::Go => &["func_literal"],
            Language::Cpp => &["lambda_expression"],
            Language::CSharp => &["lambda_expression", "anonymous_method_expression"],
            Language::Ruby => &["lambda", "block", "do_block"],
            Language::Php => &["anonymous_function", "arrow_function"],
            Language::Kotlin => &["lambda_literal", "anonymous_function"],
            Language::Scala => &["lambda_expression"],
            Language::Swift => &["lambda_literal"],
            _ => &[],
        }
    }
}

impl Decl {
    /// The kind this node declares.
    pub fn kind_of(&self, node: tree_sitter::Node<'_>) -> SymbolKind {
        match self.kind {
            KindRule::Fixed(k) => k,
            KindRule::Keyword(words, default) => {
                let mut cursor = node.walk();
                let found = node
                    .children(&mut cursor)
                    .filter(|c| !c.is_named())
                    .find_map(|c| words.iter().find(|(w, _)| *w == c.kind()).map(|(_, k)| *k));
                found.unwrap_or(default)
            }
            KindRule::FieldKind(field, kinds, default) => node
                .child_by_field_name(field)
                .and_then(|c| kinds.iter().find(|(k, _)| *k == c.kind()).map(|(_, s)| *s))
                .unwrap_or(default),
        }
    }

    /// The node holding the name (None for anonymous declarations and `Fixed` names).
    pub fn name_node<'t>(&self, node: tree_sitter::Node<'t>) -> Option<tree_sitter::Node<'t>> {
        match self.name {
            NameRule::Field(f) => node.child_by_field_name(f),
            NameRule::Fixed(_) => None,
            NameRule::FirstChild(kinds) | NameRule::FirstChildOr(kinds, _) => {
                let mut cursor = node.walk();
                let found = node.named_children(&mut cursor).find(|c| kinds.contains(&c.kind()));
                found
            }
            NameRule::Declarator => {
                let mut current = node.child_by_field_name("declarator")?;
                // Bounded: declarator chains are a few levels deep; malformed trees cannot loop.
                for _ in 0..64 {
                    match current.child_by_field_name("declarator") {
                        Some(next) => current = next,
                        None => return Some(current),
                    }
                }
                Some(current)
            }
        }
    }

    /// The declared name (`None` when anonymous).
    pub fn name_of(&self, node: tree_sitter::Node<'_>, source: &[u8]) -> Option<String> {
        if let NameRule::Fixed(name) = self.name {
            return Some(name.to_string());
        }
        let Some(n) = self.name_node(node) else {
            return match self.name {
                NameRule::FirstChildOr(_, default) => Some(default.to_string()),
                _ => None,
            };
        };
        let text = String::from_utf8_lossy(&source[n.start_byte()..n.end_byte()]);
        Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip_and_are_distinct() {
        for &kind in SymbolKind::ALL {
            assert_eq!(SymbolKind::from_name(kind.name()), Some(kind));
        }
        let names: std::collections::BTreeSet<&str> = SymbolKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names.len(), SymbolKind::ALL.len());
        assert_eq!(SymbolKind::from_name("protocol"), None);
    }

    /// Java annotation types are `annotation` (they were `interface`); a Kotlin companion object
    /// is an `object` named `Companion` unless it declares a name.
    #[test]
    fn java_annotation_types_and_kotlin_companion_objects() {
        let kinds_and_names = |lang: Language, src: &str, node_kind: &str| {
            let tree = crate::parse(lang, src.as_bytes()).unwrap();
            let mut found = Vec::new();
            let mut stack = vec![tree.root_node()];
            while let Some(n) = stack.pop() {
                if n.kind() == node_kind {
                    let decl = lang.decl_of(n).unwrap();
                    found.push((n.start_position().row, decl.kind_of(n), decl.name_of(n, src.as_bytes())));
                }
                let mut cursor = n.walk();
                stack.extend(n.named_children(&mut cursor));
            }
            found.sort();
            found.into_iter().map(|(_, k, n)| (k, n)).collect::<Vec<_>>()
        };
        assert_eq!(
            kinds_and_names(Language::Java, "@interface A { int v(); }\n", "annotation_type_declaration"),
            vec![(SymbolKind::Annotation, Some("A".to_string()))]
        );
        let kotlin = "class C {\n    companion object { fun f() {} }\n}\nclass D {\n    companion object Factory : Base()\n}\n";
        assert_eq!(
            kinds_and_names(Language::Kotlin, kotlin, "companion_object"),
            vec![(SymbolKind::Object, Some("Companion".to_string())), (SymbolKind::Object, Some("Factory".to_string()))]
        );
    }
}
