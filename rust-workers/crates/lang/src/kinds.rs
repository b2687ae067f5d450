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
//! It is the one list of declarations for the outline (`symbols`) and the metrics records
//! (`metrics`' generic visitor): each row also says what it is to metrics ([`MetricsRecord`]).
//! The two differ on purpose where the reference tools count otherwise than an outline shows:
//! Rust trait `fn` signatures, unions and modules, C/C++ unions, enums and namespaces, C# enums
//! and namespaces, PHP namespaces and Scala enums are outline symbols but no metrics records; C#
//! property accessors and conversion operators are metrics records but no outline symbols.
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
//! | ruby | method, singleton_method (`name`) | class, module (`name`) | lambda |
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

/// What a declaring node is to the per-function metrics of the `metrics` crate's generic visitor
/// (Rust, Go, C, C++, C#, Ruby, PHP, Kotlin, Scala, Swift, Bash). The Java, Python and
/// JavaScript/TypeScript visitors follow PMD, radon and ESLint node by node and do not read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricsRecord {
    /// No record of its own (an outline-only row: its code counts in the enclosing record).
    None,
    /// A function record of this kind (`function`, `method`, `constructor`, `operator`, ...);
    /// a `function` directly in a class record is a `method`.
    Function(&'static str),
    /// A class record, its kind the node kind without its suffix (`impl_item` → `impl`,
    /// `class_specifier` → `class`).
    Class,
    /// A class record whose kind and name are this row's, as in the outline (Kotlin, Swift).
    OutlineClass,
    /// Go's named type declaration: a class record when it declares a struct or an interface,
    /// or when the file declares methods on it.
    TypeSpec,
    /// A bodiless method signature directly in a class record's interface (Go `method_elem`): a
    /// method record of that class, cyclomatic 1 as Java's abstract methods.
    Signature,
}

/// One declaring node kind. Most rows serve both the outline and the metrics; a row that serves
/// only one says so (`outline: false`, or `metrics: MetricsRecord::None`), because the reference
/// tools count some declarations the outline leaves out and the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decl {
    pub node: &'static str,
    pub kind: KindRule,
    pub name: NameRule,
    /// The outline (`symbols`) shows it.
    pub outline: bool,
    pub metrics: MetricsRecord,
}

/// An outline-only row named by its `name` field (the builders below add its metrics record).
const fn d(node: &'static str, kind: SymbolKind) -> Decl {
    dn(node, kind, NameRule::Field("name"))
}

const fn dn(node: &'static str, kind: SymbolKind, name: NameRule) -> Decl {
    Decl { node, kind: KindRule::Fixed(kind), name, outline: true, metrics: MetricsRecord::None }
}

impl Decl {
    /// Also a function record of kind `record` in metrics.
    const fn f(self, record: &'static str) -> Decl {
        Decl { metrics: MetricsRecord::Function(record), ..self }
    }

    /// Also a class record in metrics.
    const fn c(self) -> Decl {
        Decl { metrics: MetricsRecord::Class, ..self }
    }

    /// Also a class record in metrics, of the outline's kind and name.
    const fn oc(self) -> Decl {
        Decl { metrics: MetricsRecord::OutlineClass, ..self }
    }

    /// Only a metrics record: no outline symbol (C# accessors and conversion operators).
    const fn metrics_only(self) -> Decl {
        Decl { outline: false, ..self }
    }
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
// Rust: trait `fn` signatures, unions and modules are outline symbols but no metrics records.
const RUST: &[Decl] = &[
    d("function_item", K::Function).f("function"),
    d("function_signature_item", K::Function),
    d("struct_item", K::Struct).c(),
    d("enum_item", K::Enum).c(),
    d("union_item", K::Union),
    d("trait_item", K::Trait).c(),
    d("mod_item", K::Module),
    dn("impl_item", K::Impl, NameRule::Field("type")).c(),
];
const GO: &[Decl] = &[
    d("function_declaration", K::Function).f("function"),
    d("method_declaration", K::Method).f("method"),
    // An interface's method spec (`Get(k string) (V, error)`); the outline keeps only those of a
    // named interface type (`type I interface { … }`), whose record is their parent.
    Decl { metrics: MetricsRecord::Signature, ..d("method_elem", K::Method) },
    Decl {
        node: "type_spec",
        kind: KindRule::FieldKind("type", &[("struct_type", K::Struct), ("interface_type", K::Interface)], K::Type),
        name: NameRule::Field("name"),
        outline: true,
        metrics: MetricsRecord::TypeSpec,
    },
];
// C and C++: unions, enums and namespaces are outline symbols but no metrics records.
const C: &[Decl] = &[
    dn("function_definition", K::Function, NameRule::Declarator).f("function"),
    d("struct_specifier", K::Struct).c(),
    d("union_specifier", K::Union),
    d("enum_specifier", K::Enum),
];
const CPP: &[Decl] = &[
    dn("function_definition", K::Function, NameRule::Declarator).f("function"),
    d("class_specifier", K::Class).c(),
    d("struct_specifier", K::Struct).c(),
    d("union_specifier", K::Union),
    d("enum_specifier", K::Enum),
    d("namespace_definition", K::Namespace),
];
// C#: enums and namespaces are no metrics records; property accessors and conversion operators
// are metrics records but no outline symbols.
const CSHARP: &[Decl] = &[
    d("method_declaration", K::Function).f("method"),
    d("local_function_statement", K::Function).f("function"),
    d("constructor_declaration", K::Constructor).f("constructor"),
    d("destructor_declaration", K::Destructor).f("destructor"),
    dn("operator_declaration", K::Function, NameRule::Field("operator")).f("operator"),
    d("conversion_operator_declaration", K::Function).f("operator").metrics_only(),
    d("accessor_declaration", K::Function).f("accessor").metrics_only(),
    d("class_declaration", K::Class).c(),
    d("interface_declaration", K::Interface).c(),
    d("struct_declaration", K::Struct).c(),
    d("enum_declaration", K::Enum),
    d("record_declaration", K::Record).c(),
    d("namespace_declaration", K::Namespace),
    d("file_scoped_namespace_declaration", K::Namespace),
];
// Ruby: every `def` is a `method` record in metrics, a top-level one too; the outline calls a
// `def` outside any class or module a function. Not `singleton_class`: `class << self … end` is
// no record and no symbol of its own; its defs are class methods of the enclosing class or module
// (as `def self.x`).
const RUBY: &[Decl] = &[
    d("method", K::Function).f("method"),
    d("singleton_method", K::Function).f("method"),
    d("class", K::Class).c(),
    d("module", K::Module).c(),
];
// PHP: namespaces are no metrics records.
const PHP: &[Decl] = &[
    d("function_definition", K::Function).f("function"),
    d("method_declaration", K::Function).f("method"),
    d("class_declaration", K::Class).c(),
    d("interface_declaration", K::Interface).c(),
    d("trait_declaration", K::Trait).c(),
    d("enum_declaration", K::Enum).c(),
    d("namespace_definition", K::Namespace),
];
const KOTLIN: &[Decl] = &[
    dn("function_declaration", K::Function, NameRule::FirstChild(&["simple_identifier"])).f("function"),
    dn("secondary_constructor", K::Constructor, NameRule::Fixed("constructor")).f("constructor"),
    // `class`, `interface`, `enum class` (and `data`/`sealed`/`annotation` classes) are all
    // class_declaration; the keyword token after the modifiers tells them apart. `metrics` takes
    // its class record kinds from this row too.
    Decl {
        node: "class_declaration",
        kind: KindRule::Keyword(&[("interface", K::Interface), ("enum", K::Enum)], K::Class),
        name: NameRule::FirstChild(&["type_identifier"]),
        outline: true,
        metrics: MetricsRecord::OutlineClass,
    },
    dn("object_declaration", K::Object, NameRule::FirstChild(&["type_identifier"])).oc(),
    // `companion object` / `companion object Factory`: an object inside its class, whose
    // functions are its own (as in `metrics`); unnamed, Kotlin calls it `Companion`.
    dn("companion_object", K::Object, NameRule::FirstChildOr(&["type_identifier"], "Companion")).oc(),
];
// Scala: enums are no metrics records.
const SCALA: &[Decl] = &[
    d("function_definition", K::Function).f("function"),
    d("function_declaration", K::Function).f("function"),
    d("class_definition", K::Class).c(),
    d("object_definition", K::Object).c(),
    d("trait_definition", K::Trait).c(),
    d("enum_definition", K::Enum),
];
const SWIFT: &[Decl] = &[
    d("function_declaration", K::Function).f("function"),
    // A protocol's method requirement (`func m(x: Int) -> Int`, no body): a method record of
    // cyclomatic 1 in metrics, as Java's abstract methods.
    d("protocol_function_declaration", K::Function).f("function"),
    dn("init_declaration", K::Constructor, NameRule::Fixed("init")).f("constructor"),
    dn("deinit_declaration", K::Destructor, NameRule::Fixed("deinit")).f("destructor"),
    Decl {
        node: "class_declaration",
        kind: KindRule::Keyword(
            &[("class", K::Class), ("struct", K::Struct), ("enum", K::Enum), ("extension", K::Extension), ("actor", K::Class)],
            K::Class,
        ),
        name: NameRule::Field("name"),
        outline: true,
        metrics: MetricsRecord::OutlineClass,
    },
    d("protocol_declaration", K::Interface).oc(),
];
const SHELL: &[Decl] = &[d("function_definition", K::Function).f("function")];

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

    /// The outline's row for a node kind, if it declares a symbol.
    pub fn decl(self, node_kind: &str) -> Option<&'static Decl> {
        self.decls().iter().find(|d| d.outline && d.node == node_kind)
    }

    /// The outline's row for a syntax node, if it declares a symbol. Only named nodes declare:
    /// keyword tokens can share a declaring node's kind name (JavaScript's and Ruby's `class`
    /// keyword beside the `class` node, TypeScript's and Ruby's `module`).
    pub fn decl_of(self, node: tree_sitter::Node<'_>) -> Option<&'static Decl> {
        if !node.is_named() {
            return None;
        }
        self.decl(node.kind())
    }

    /// What a node kind is to the metrics' generic visitor ([`MetricsRecord::None`] for a node
    /// that declares nothing or only an outline symbol). The caller checks that the node is named.
    pub fn metrics_record(self, node_kind: &str) -> MetricsRecord {
        self.decls().iter().find(|d| d.node == node_kind).map_or(MetricsRecord::None, |d| d.metrics)
    }

    /// Lambda / closure / anonymous function node kinds: each a `closure` record in metrics.
    /// Ruby's blocks (`block`, `do_block`) are not: a block's code counts in its method, as a
    /// loop body would.
    pub fn anonymous_functions(self) -> &'static [&'static str] {
        match self {
            Language::Java => &["lambda_expression"],
            Language::Python => &["lambda"],
            Language::JavaScript | Language::TypeScript | Language::Tsx => &["arrow_function"],
            Language::Rust => &["closure_expression"],
            Language::Go => &["func_literal"],
            Language::Cpp => &["lambda_expression"],
            Language::CSharp => &["lambda_expression", "anonymous_method_expression"],
            Language::Ruby => &["lambda"],
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

    /// The one table serves both purposes; the rows where metrics and the outline differ say so.
    #[test]
    fn rows_say_what_they_are_to_the_outline_and_to_metrics() {
        use MetricsRecord as M;
        let both = |lang: Language, node: &str| (lang.decl(node).is_some(), lang.metrics_record(node));
        assert_eq!(both(Language::Rust, "function_item"), (true, M::Function("function")));
        assert_eq!(both(Language::Rust, "function_signature_item"), (true, M::None));
        assert_eq!(both(Language::Rust, "impl_item"), (true, M::Class));
        assert_eq!(both(Language::CSharp, "accessor_declaration"), (false, M::Function("accessor")));
        assert_eq!(both(Language::CSharp, "enum_declaration"), (true, M::None));
        assert_eq!(both(Language::Ruby, "method"), (true, M::Function("method")));
        assert_eq!(both(Language::Go, "type_spec"), (true, M::TypeSpec));
        assert_eq!(both(Language::Go, "method_elem"), (true, M::Signature));
        assert_eq!(both(Language::Kotlin, "companion_object"), (true, M::OutlineClass));
        assert_eq!(both(Language::Go, "block"), (false, M::None));
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
