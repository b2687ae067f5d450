//! Function metrics for the languages without a reference tool here (Rust, Go, C, C++, C#,
//! Ruby, PHP, Kotlin, Scala, Swift, Bash), from one table of node kinds per grammar. Which nodes
//! declare function and class records (and closures) is not in that table but in the outline's,
//! `lang::kinds` (its `metrics` column), so metrics and symbols read one list of declarations.
//!
//! The definitions follow the closest reference tool, ESLint's (every function is its own
//! record; a nested function's or closure's decisions are its own):
//!
//! * **records**: named functions and methods (kind `function`, `method` inside a class-like
//!   body, `constructor` where the grammar has one) and closures/lambdas/function literals
//!   (kind `closure`), reported at the start of the declaration. Ruby blocks (`do … end`,
//!   `{ … }`) are not records: their decisions count for the enclosing method (like Python's
//!   `lambda` under radon).
//! * **cyclomatic** = `1` + one per `if`/`elif`/`elsif`/`else if`, `guard` (Swift), loop,
//!   non-default `case`/`when`/match arm (a Rust `_` arm, a Scala `case _`, Bash `*)`, and
//!   `default`/`else` branches do not count), `catch`/`rescue`, conditional expression, and every
//!   `&&`/`||`/`and`/`or` operator (ESLint and radon count them all).
//! * **cognitive** (SonarSource): `+1 + nesting` for `if` (not `else if`), loops, `switch`/`match`/
//!   `when`/`case`, `catch`/`rescue`, conditional expressions; `+1` for each `else`/`elif`
//!   branch; `+1` for each logical operator whose parent is not the same operator (so
//!   `a && b && c` = 1, `a && b || c` = 2); nesting rises inside those structures and inside
//!   closures, whose increments also count for the enclosing function.
//! * **logical lines**: the statements of the language (children of its block nodes) and
//!   declarations; **nesting**: `if` (chains flat), loops, switch-likes, `try`;
//!   **ABC**: assignments (incl. declarations with a value) / calls / comparisons, `else`,
//!   cases, `catch`, conditional expressions; **nargs**: declared parameters (`self` receivers
//!   included where the grammar lists them as parameters, Go receivers not);
//!   **nexits**: `return` statements/expressions.
//! * **classes**: the class-like declarations of each grammar (Rust `impl`/`trait`/`struct`/`enum`,
//!   C++ `class`/`struct`, C# and Kotlin classes/interfaces/objects, Ruby `class`/`module`,
//!   PHP classes/interfaces/traits, Scala classes/objects/traits, Swift classes/protocols).
//!   Kotlin's kinds and names are the outline's (`lang::kinds`): `interface`, `enum`
//!   (`enum class`), `object` (also a `companion object`, named `Companion` unless it declares a
//!   name, as Kotlin names it; its functions are its methods, not the enclosing class's), else
//!   `class`.
//!   Bodiless method declarations are method records of cyclomatic 1, as Java's abstract methods:
//!   C#, Kotlin and PHP interface/abstract methods, Scala `def m(): Int` (`function_declaration`),
//!   Swift protocol requirements `func m()` (`protocol_function_declaration`), Go interface method
//!   specs (below). Ruby's `class << self … end` is no record: its defs are counted in the
//!   enclosing class or module, as `def self.x` is (outside any class or module, `class << obj`'s
//!   defs are classless, like top-level defs).
//!   Public: C++ access sections (`class` private, `struct` public by default); C#/Rust/Kotlin/
//!   PHP/Swift modifiers (`pub`, `public`; Kotlin, PHP, Swift default public; C# and Rust default
//!   private, but members of a C# interface default public, as Java's); Ruby `private`/
//!   `protected`/`public` sections and calls, `private_class_method` ([`lang::members`]); Scala,
//!   Bash all public.
//! * **Go types**: Go declares methods outside their types, with a receiver. A named type
//!   (`type_spec`) is a class record when it is a struct (kind `struct`) or an interface
//!   (`interface`), wherever declared, or a package-level type of another kind (`type Celsius
//!   float64`, kind `type`) with methods in this file. A method joins the package-level type its
//!   receiver names (`(s *S)`, `(s S)`, `(l *List[T])`), declared before or after it, and is
//!   qualified by it (`S.Start`); methods in other files of the package are not joined (the
//!   analyzer sees one file), so their methods stay classless. Interface method signatures
//!   (`method_elem`) are method records of cyclomatic 1 (as Java's abstract methods); embedded
//!   interfaces are not. Attributes: one per field name (`a, b int` = 2), an embedded field
//!   (`*Base`, `sync.Mutex`) one; public = exported (capitalised). Type aliases (`type A = B`)
//!   are no records. The record's lines are the type declaration's, not its methods'.

use lang::tree_sitter::Node;
use lang::{Language, MetricsRecord};

use lang::members::go_exported;

use crate::walk::{Context, Visitor, NodeExt};

/// The node kinds of one grammar (besides the declarations: those are in `lang::kinds`).
pub(crate) struct Rules {
    ifs: &'static [&'static str],
    /// `elif`-like clauses: +1 cyclomatic, +1 cognitive.
    elifs: &'static [&'static str],
    /// `else` clauses: +1 cognitive.
    elses: &'static [&'static str],
    loops: &'static [&'static str],
    switches: &'static [&'static str],
    cases: &'static [&'static str],
    catches: &'static [&'static str],
    ternaries: &'static [&'static str],
    tries: &'static [&'static str],
    /// Binary node kinds holding `&&`-like operators (operator read from the tokens).
    binaries: &'static [&'static str],
    /// Node kinds that are themselves one logical operator (Kotlin/Swift `conjunction_expression`).
    logical_kinds: &'static [&'static str],
    returns: &'static [&'static str],
    calls: &'static [&'static str],
    assignments: &'static [&'static str],
    /// Children of these are statements (logical lines).
    blocks: &'static [&'static str],
    /// Further statement kinds wherever they are.
    statements: &'static [&'static str],
    parameter_lists: &'static [&'static str],
    atoms: &'static [&'static str],
    /// Fields and attributes of classes.
    fields: &'static [&'static str],
    /// Whether members are public without a modifier.
    public_by_default: bool,
    /// How a member's visibility is decided.
    access: Access,
    /// Methods are declared outside their types, with a receiver (Go): they join the type their
    /// receiver names when the walk ends.
    methods_by_receiver: bool,
    /// Named leaves that are a primitive type's keyword: Halstead operators (see `halstead.rs`).
    type_keywords: &'static [&'static str],
}

/// How the visibility of a member (method, attribute) is decided.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Modifier keywords (and C++ access sections), else `public_by_default`.
    Modifiers,
    /// Go: exported (capitalised) names are public ([`lang::members::go_exported`]).
    ExportedNames,
    /// Ruby: `private`/`protected`/`public` sections and calls
    /// ([`lang::members::ruby_method_visibility`]).
    RubyCalls,
}

const NONE: &[&str] = &[];

const RUST: Rules = Rules {
    ifs: &["if_expression"],
    elifs: NONE,
    elses: &["else_clause"],
    loops: &["for_expression", "while_expression", "loop_expression"],
    switches: &["match_expression"],
    cases: &["match_arm"],
    catches: NONE,
    ternaries: NONE,
    tries: NONE,
    binaries: &["binary_expression"],
    logical_kinds: NONE,
    returns: &["return_expression"],
    calls: &["call_expression", "macro_invocation"],
    assignments: &["assignment_expression", "compound_assignment_expr", "let_declaration"],
    blocks: &["block", "source_file", "declaration_list"],
    statements: NONE,
    parameter_lists: &["parameters", "closure_parameters"],
    atoms: &["string_literal", "raw_string_literal", "char_literal"],
    fields: &["field_declaration"],
    public_by_default: false,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: &["primitive_type"],
};

const GO: Rules = Rules {
    ifs: &["if_statement"],
    elifs: NONE,
    elses: NONE,
    loops: &["for_statement"],
    switches: &["expression_switch_statement", "type_switch_statement", "select_statement"],
    cases: &["expression_case", "type_case", "communication_case"],
    catches: NONE,
    ternaries: NONE,
    tries: NONE,
    binaries: &["binary_expression"],
    logical_kinds: NONE,
    returns: &["return_statement"],
    calls: &["call_expression"],
    assignments: &["assignment_statement", "short_var_declaration", "inc_statement", "dec_statement"],
    blocks: &["block", "source_file", "expression_case", "type_case", "communication_case", "default_case"],
    statements: NONE,
    parameter_lists: &["parameter_list"],
    atoms: &["interpreted_string_literal", "raw_string_literal", "rune_literal"],
    fields: &["field_declaration"],
    public_by_default: true,
    access: Access::ExportedNames,
    methods_by_receiver: true,
    type_keywords: NONE,
};

const C: Rules = Rules {
    ifs: &["if_statement"],
    elifs: NONE,
    elses: &["else_clause"],
    loops: &["for_statement", "for_range_loop", "while_statement", "do_statement"],
    switches: &["switch_statement"],
    cases: &["case_statement"],
    catches: &["catch_clause"],
    ternaries: &["conditional_expression"],
    tries: &["try_statement"],
    binaries: &["binary_expression"],
    logical_kinds: NONE,
    returns: &["return_statement", "co_return_statement"],
    calls: &["call_expression", "new_expression"],
    assignments: &["assignment_expression", "update_expression", "init_declarator"],
    blocks: &["compound_statement", "translation_unit", "case_statement", "declaration_list"],
    statements: NONE,
    parameter_lists: &["parameter_list"],
    atoms: &["string_literal", "raw_string_literal", "char_literal", "concatenated_string", "system_lib_string"],
    fields: &["field_declaration"],
    public_by_default: true,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: &["primitive_type"],
};

const CSHARP: Rules = Rules {
    ifs: &["if_statement"],
    elifs: NONE,
    elses: NONE,
    loops: &["for_statement", "foreach_statement", "while_statement", "do_statement"],
    switches: &["switch_statement", "switch_expression"],
    cases: &["switch_section", "switch_expression_arm"],
    catches: &["catch_clause"],
    ternaries: &["conditional_expression"],
    tries: &["try_statement"],
    binaries: &["binary_expression"],
    logical_kinds: NONE,
    returns: &["return_statement"],
    calls: &["invocation_expression", "object_creation_expression"],
    assignments: &["assignment_expression", "variable_declarator"],
    blocks: &["block", "compilation_unit", "switch_section", "declaration_list"],
    statements: NONE,
    parameter_lists: &["parameter_list"],
    atoms: &["string_literal", "verbatim_string_literal", "raw_string_literal", "interpolated_string_expression", "character_literal"],
    fields: &["field_declaration", "property_declaration"],
    public_by_default: false,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: &["predefined_type"],
};

const RUBY: Rules = Rules {
    ifs: &["if", "unless", "if_modifier", "unless_modifier"],
    elifs: &["elsif"],
    elses: &["else"],
    loops: &["while", "until", "for", "while_modifier", "until_modifier"],
    switches: &["case", "case_match"],
    cases: &["when", "in_clause"],
    catches: &["rescue", "rescue_modifier"],
    ternaries: &["conditional"],
    tries: &["begin"],
    binaries: &["binary"],
    logical_kinds: NONE,
    returns: &["return"],
    calls: &["call"],
    assignments: &["assignment", "operator_assignment"],
    blocks: &["body_statement", "program", "then", "else", "do", "block_body", "begin"],
    statements: NONE,
    parameter_lists: &["method_parameters", "lambda_parameters"],
    atoms: &["string", "bare_string", "regex", "heredoc_body", "string_array", "symbol_array"],
    fields: NONE,
    public_by_default: true,
    access: Access::RubyCalls,
    methods_by_receiver: false,
    type_keywords: NONE,
};

const PHP: Rules = Rules {
    ifs: &["if_statement"],
    elifs: &["else_if_clause"],
    elses: &["else_clause"],
    loops: &["for_statement", "foreach_statement", "while_statement", "do_statement"],
    switches: &["switch_statement", "match_expression"],
    cases: &["case_statement", "match_conditional_expression"],
    catches: &["catch_clause"],
    ternaries: &["conditional_expression"],
    tries: &["try_statement"],
    binaries: &["binary_expression"],
    logical_kinds: NONE,
    returns: &["return_statement"],
    calls: &["function_call_expression", "member_call_expression", "scoped_call_expression", "object_creation_expression"],
    assignments: &["assignment_expression", "augmented_assignment_expression", "reference_assignment_expression"],
    blocks: &["compound_statement", "program", "colon_block", "declaration_list", "case_statement", "default_statement"],
    statements: NONE,
    parameter_lists: &["formal_parameters"],
    atoms: &["string", "encapsed_string", "heredoc", "nowdoc"],
    fields: &["property_declaration"],
    public_by_default: true,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: &["cast_type", "bottom_type"],
};

const KOTLIN: Rules = Rules {
    ifs: &["if_expression"],
    elifs: NONE,
    elses: NONE,
    loops: &["for_statement", "while_statement", "do_while_statement"],
    switches: &["when_expression"],
    cases: &["when_entry"],
    catches: &["catch_block"],
    ternaries: NONE,
    tries: &["try_expression"],
    binaries: NONE,
    logical_kinds: &["conjunction_expression", "disjunction_expression"],
    returns: &["jump_expression"],
    calls: &["call_expression"],
    assignments: &["assignment", "property_declaration"],
    blocks: &["statements", "source_file", "class_body"],
    statements: NONE,
    parameter_lists: &["function_value_parameters", "lambda_parameters"],
    atoms: &["string_literal", "multiline_string_literal", "character_literal"],
    fields: &["property_declaration"],
    public_by_default: true,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: NONE,
};

const SCALA: Rules = Rules {
    ifs: &["if_expression"],
    elifs: NONE,
    elses: NONE,
    loops: &["while_expression", "do_while_expression", "for_expression"],
    switches: &["match_expression"],
    cases: &["case_clause"],
    catches: &["catch_clause"],
    ternaries: NONE,
    tries: &["try_expression"],
    binaries: &["infix_expression"],
    logical_kinds: NONE,
    returns: &["return_expression"],
    calls: &["call_expression"],
    assignments: &["assignment_expression", "val_definition", "var_definition"],
    blocks: &["block", "template_body", "indented_block", "compilation_unit"],
    statements: NONE,
    parameter_lists: &["parameters"],
    atoms: &["string", "interpolated_string_expression", "character_literal"],
    fields: &["val_definition", "var_definition"],
    public_by_default: true,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: NONE,
};

const SWIFT: Rules = Rules {
    ifs: &["if_statement", "guard_statement"],
    elifs: NONE,
    elses: NONE,
    loops: &["for_statement", "while_statement", "repeat_while_statement"],
    switches: &["switch_statement"],
    cases: &["switch_entry"],
    catches: &["catch_block"],
    ternaries: &["ternary_expression"],
    tries: &["do_statement"],
    binaries: NONE,
    logical_kinds: &["conjunction_expression", "disjunction_expression"],
    returns: &["control_transfer_statement"],
    calls: &["call_expression"],
    assignments: &["assignment", "property_declaration"],
    blocks: &["statements", "source_file", "class_body"],
    statements: NONE,
    parameter_lists: NONE,
    atoms: &["line_string_literal", "multi_line_string_literal", "raw_string_literal"],
    fields: &["property_declaration"],
    public_by_default: true,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: NONE,
};

const BASH: Rules = Rules {
    ifs: &["if_statement"],
    elifs: &["elif_clause"],
    elses: &["else_clause"],
    loops: &["for_statement", "c_style_for_statement", "while_statement"],
    switches: &["case_statement"],
    cases: &["case_item"],
    catches: NONE,
    ternaries: &["ternary_expression"],
    tries: NONE,
    binaries: &["binary_expression", "list"],
    logical_kinds: NONE,
    returns: NONE,
    calls: &["command"],
    assignments: &["variable_assignment"],
    blocks: &["program", "compound_statement", "do_group", "if_statement", "elif_clause", "else_clause", "case_item", "subshell"],
    statements: NONE,
    parameter_lists: NONE,
    atoms: &["string", "raw_string", "ansi_c_string", "translated_string", "heredoc_body"],
    fields: NONE,
    public_by_default: true,
    access: Access::Modifiers,
    methods_by_receiver: false,
    type_keywords: NONE,
};

/// The table of `lang`, if it has one.
pub(crate) fn rules(lang: Language) -> Option<&'static Rules> {
    Some(match lang {
        Language::Rust => &RUST,
        Language::Go => &GO,
        Language::C | Language::Cpp => &C,
        Language::CSharp => &CSHARP,
        Language::Ruby => &RUBY,
        Language::Php => &PHP,
        Language::Kotlin => &KOTLIN,
        Language::Scala => &SCALA,
        Language::Swift => &SWIFT,
        Language::Shell => &BASH,
        _ => return None,
    })
}

const LOGICAL_OPERATORS: &[&str] = &["&&", "||", "and", "or"];

pub(crate) struct Generic {
    language: Language,
    rules: &'static Rules,
    /// C++ access section per open class (class owner id, public).
    access: Vec<(usize, bool)>,
    /// Go: the receiver type names of the file's methods (read on entering the file), so that a
    /// named type other than a struct or interface is a class record when it has methods here.
    receiver_types: Vec<String>,
    /// Go: (name, class index) of the class records of package-level named types.
    package_types: Vec<(String, usize)>,
    /// Go: (function index, receiver type name) of the methods, joined to their types in `finish`.
    receivers: Vec<(usize, String)>,
}

impl Generic {
    pub fn new(language: Language, rules: &'static Rules) -> Self {
        Generic { language, rules, access: Vec::new(), receiver_types: Vec::new(), package_types: Vec::new(), receivers: Vec::new() }
    }

    /// The logical operator of a node, if it is one.
    fn logical_operator<'t>(&self, node: Node<'t>, kind: &str) -> Option<&'static str> {
        if self.rules.logical_kinds.contains(&kind) {
            return Some(if kind.starts_with("conj") { "&&" } else { "||" });
        }
        if !self.rules.binaries.contains(&kind) {
            return None;
        }
        let op = node.field("operator").filter(|o| !o.is_named()).or_else(|| {
            let mut cursor = node.walk();
            let found = node.children(&mut cursor).find(|c| !c.is_named() && LOGICAL_OPERATORS.contains(&c.kind()));
            found
        })?;
        LOGICAL_OPERATORS.iter().find(|o| **o == op.kind()).copied()
    }

    /// Whether the member `node` (named `name`) is public.
    fn member_public<'t>(&self, node: Node<'t>, name: &str, cx: &Context<'t>) -> bool {
        match self.rules.access {
            Access::ExportedNames => return go_exported(name),
            Access::RubyCalls => return lang::members::ruby_method_visibility(node, cx.source) == "public",
            Access::Modifiers => {}
        }
        if let Some(&(owner, public)) = self.access.last() {
            let class_owner = cx.current_class().map(|c| cx.class_owner(c));
            if class_owner == Some(owner) {
                return public;
            }
        }
        // modifiers: any descendant token among the first children
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            let k = cx.kind(child);
            if k.contains("modifier") || k == "visibility_modifier" || k == "modifiers" {
                let text = cx.bytes(child);
                if contains_word(text, b"public") || text == b"pub" || text.starts_with(b"pub(") || text.starts_with(b"pub ") {
                    return true;
                }
                if contains_word(text, b"private") || contains_word(text, b"protected") || contains_word(text, b"internal")
                    || contains_word(text, b"fileprivate")
                {
                    return false;
                }
            }
            if child.is_named() && !k.contains("modifier") && k != "attribute_item" && k != "attribute_list" && k != "modifiers" {
                break;
            }
        }
        // Members of an interface are public unless written otherwise (C#, as Java).
        self.rules.public_by_default || cx.current_class().map(|c| cx.classes[c].kind == "interface").unwrap_or(false)
    }

    /// The record kind of a class-like node: the outline's where the table says so (Kotlin, Swift), else
    /// the node kind without its suffix (`impl_item` → `impl`, `class_specifier` → `class`).
    fn class_kind(&self, node: Node<'_>, kind: &'static str, outline: bool) -> &'static str {
        if outline {
            if let Some(decl) = self.language.decl_of(node) {
                return decl.kind_of(node).name();
            }
        }
        kind.trim_end_matches("_item").trim_end_matches("_declaration").trim_end_matches("_specifier").trim_end_matches("_definition")
    }

    /// The record name of a class-like node: the outline's where the table says so (a Kotlin
    /// companion object without a name of its own is `Companion`), else the declared name.
    fn class_name<'t>(&self, node: Node<'t>, outline: bool, cx: &Context<'t>) -> Option<String> {
        if outline {
            if let Some(name) = self.language.decl_of(node).and_then(|d| d.name_of(node, cx.source)) {
                return Some(name);
            }
        }
        name_of(node, cx)
    }

    /// The class record kind of a named type declaration, if it is one: `struct`, `interface`,
    /// or (package level, with methods in this file) `type`.
    fn type_record_kind<'t>(&self, node: Node<'t>, name: &str, cx: &Context<'t>) -> Option<&'static str> {
        match node.field("type").map(|t| cx.kind(t)) {
            Some("struct_type") => Some("struct"),
            Some("interface_type") => Some("interface"),
            _ if package_level(cx) && self.receiver_types.iter().any(|t| t == name) => Some("type"),
            _ => None,
        }
    }

    /// Go fields: one attribute per declared name, public when exported; an embedded field
    /// (`*Base`, `io.Reader`) is one attribute named by its type. Fields of an anonymous struct
    /// nested in a field's type are not the record's.
    fn add_named_fields<'t>(&self, node: Node<'t>, cx: &mut Context<'t>) {
        // field_declaration ← field_declaration_list ← struct_type ← type_spec
        let Some(class) = member_of_current_class(cx, 2) else { return };
        let mut cursor = node.walk();
        let mut exported: Vec<bool> = node.children_by_field_name("name", &mut cursor).map(|n| go_exported(&cx.text(n))).collect();
        if exported.is_empty() {
            let embedded = node.field("type").and_then(lang::members::go_type_name);
            exported.push(embedded.map(|t| go_exported(&cx.text(t))).unwrap_or(false));
        }
        for public in exported {
            cx.classes[class].add_attribute(None, public);
        }
    }
}

/// The current class, when the current node is declared directly in it: its `depth`-th ancestor
/// is the class's own node (Go: a field or interface method of the type being declared, not of
/// an anonymous type nested in it).
fn member_of_current_class(cx: &Context<'_>, depth: usize) -> Option<usize> {
    let class = cx.current_class()?;
    let owner = cx.ancestor(depth)?;
    (owner.id() == cx.class_owner(class)).then_some(class)
}

/// Go: the current `type_spec` is declared at package level (`source_file` ← `type_declaration`).
fn package_level(cx: &Context<'_>) -> bool {
    cx.ancestor(1).map(|a| cx.kind(a) == "source_file").unwrap_or(false)
}

/// An `if` with an `else` branch: an `alternative` field or an `else` token.
fn has_else(node: Node<'_>) -> bool {
    if node.field("alternative").is_some() {
        return true;
    }
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| !c.is_named() && c.kind() == "else");
    found
}

fn contains_word(text: &[u8], word: &[u8]) -> bool {
    text.windows(word.len()).any(|w| w == word)
}

/// The name of a function or class node.
fn name_of<'t>(node: Node<'t>, cx: &Context<'t>) -> Option<String> {
    if let Some(n) = node.field("name") {
        return Some(cx.text(n));
    }
    // C/C++: follow the declarator chain to the identifier.
    let mut current = node;
    for _ in 0..8 {
        match current.field("declarator") {
            Some(d) => {
                if matches!(d.kind(), "identifier" | "field_identifier" | "qualified_identifier" | "destructor_name" | "operator_name") {
                    return Some(cx.text(d));
                }
                current = d;
            }
            None => break,
        }
    }
    if let Some(t) = node.field("type") {
        return Some(cx.text(t)); // Rust `impl Type`
    }
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .find(|c| matches!(c.kind(), "simple_identifier" | "identifier" | "type_identifier" | "constant" | "word"))
        .map(|c| cx.text(c));
    found
}

/// Declared parameters of a function node (first parameter list found on it or its declarator).
fn parameter_count(node: Node<'_>, rules: &Rules) -> u32 {
    let mut list = node.field("parameters");
    if list.is_none() {
        let mut current = node;
        for _ in 0..8 {
            match current.field("declarator") {
                Some(d) => {
                    if let Some(p) = d.field("parameters") {
                        list = Some(p);
                        break;
                    }
                    current = d;
                }
                None => break,
            }
        }
    }
    if list.is_none() {
        let mut cursor = node.walk();
        list = node.children(&mut cursor).find(|c| rules.parameter_lists.contains(&c.kind()));
    }
    let count_in = |n: Node<'_>| {
        let mut cursor = n.walk();
        let c = n.named_children(&mut cursor).filter(|c| !c.is_extra() && !c.kind().contains("comment") && c.kind() != "attribute_item").count();
        c as u32
    };
    match list {
        Some(l) => count_in(l),
        None => {
            // Swift: `parameter` children directly on the declaration.
            let mut cursor = node.walk();
            let n = node.named_children(&mut cursor).filter(|c| c.kind() == "parameter").count();
            n as u32
        }
    }
}

/// A `default`/`else`/`_` case, which does not count.
fn is_default_case<'t>(node: Node<'t>, cx: &Context<'t>) -> bool {
    let kind = node.kind();
    if kind == "default_case" {
        return true;
    }
    if kind == "case_statement" && cx.source.get(node.start_byte()..).map(|t| t.starts_with(b"case")).unwrap_or(false) {
        return false; // C/C++/PHP `case X:` (a `default:` is a case_statement too)
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        let k = child.kind();
        if k == "default" || k == "else" {
            return true;
        }
        if k == "case" || k == "when" {
            return false;
        }
        if matches!(k, "match_pattern" | "switch_pattern" | "wildcard" | "pattern") || child.is_named() {
            let text = cx.bytes(child);
            let trimmed = text.strip_prefix(b"case ").unwrap_or(text);
            return matches!(trimmed, b"_" | b"*" | b"default" | b"else");
        }
    }
    kind == "case_statement"
}

impl<'t> Visitor<'t> for Generic {
    fn atoms(&self) -> &'static [&'static str] {
        self.rules.atoms
    }

    fn type_keywords(&self) -> &'static [&'static str] {
        self.rules.type_keywords
    }

    fn leave(&mut self, node: Node<'t>, _cx: &mut Context<'t>) {
        if self.access.last().map(|a| a.0 == node.id()).unwrap_or(false) {
            self.access.pop();
        }
    }

    /// Go: each method joins the package-level type of its receiver, if this file declares it.
    fn finish(&mut self, cx: &mut Context<'t>) {
        for (f, ty) in &self.receivers {
            if let Some(&(_, class)) = self.package_types.iter().find(|(name, _)| name == ty) {
                cx.functions[*f].class_index = Some(class as u32);
            }
        }
    }

    fn enter(&mut self, node: Node<'t>, cx: &mut Context<'t>) {
        let r = self.rules;
        let kind = cx.kind(node);
        let parent = cx.parent();
        let parent_kind = parent.map(|p| cx.kind(p)).unwrap_or("");
        if node.is_named() && !node.is_extra() && (r.blocks.contains(&parent_kind) || r.statements.contains(&kind)) {
            cx.logical(node, 1, true);
        }
        if !node.is_named() {
            // The tables name syntax nodes; Ruby's keyword tokens share their names (`if`, `when`,
            // `class`, `return`, ...) and would count a second time.
            return;
        }
        if r.methods_by_receiver && kind == "source_file" {
            let mut cursor = node.walk();
            self.receiver_types = node
                .named_children(&mut cursor)
                .filter(|c| c.kind() == "method_declaration")
                .filter_map(lang::members::go_receiver_type)
                .map(|t| cx.text(t))
                .collect();
        }
        let record = self.language.metrics_record(kind);
        if let MetricsRecord::Function(record_kind) = record {
            cx.push_cognitive_nesting(node);
            let name = name_of(node, cx).unwrap_or_else(|| "<anonymous>".to_string());
            let public = self.member_public(node, &name, cx);
            // Go: a method is qualified by its receiver's type and joined to it in `finish`.
            let receiver = if r.methods_by_receiver { lang::members::go_receiver_type(node).map(|t| cx.text(t)) } else { None };
            if let Some(ty) = &receiver {
                cx.push_name(node, ty.clone());
            }
            let i = cx.open_function(node, name, record_kind, node);
            if let Some(ty) = receiver {
                self.receivers.push((i, ty));
            }
            let in_class = cx.functions[i].class_index.is_some();
            let f = &mut cx.functions[i];
            if in_class && record_kind == "function" {
                f.kind = "method";
            }
            f.public = public;
            f.nargs = parameter_count(node, r);
            return;
        }
        if self.language.anonymous_functions().contains(&kind) {
            cx.push_cognitive_nesting(node);
            let i = cx.open_function(node, "<closure>".to_string(), "closure", node);
            cx.functions[i].class_index = None;
            cx.functions[i].nargs = parameter_count(node, r);
            return;
        }
        if record == MetricsRecord::Signature && member_of_current_class(cx, 1).is_some() {
            // method_elem ← interface_type ← type_spec
            let name = name_of(node, cx).unwrap_or_else(|| "<anonymous>".to_string());
            let public = self.member_public(node, &name, cx);
            let i = cx.open_function(node, name, "method", node);
            cx.functions[i].public = public;
            cx.functions[i].nargs = parameter_count(node, r);
            return;
        }
        if record == MetricsRecord::TypeSpec {
            let name = name_of(node, cx).unwrap_or_else(|| "<anonymous>".to_string());
            if let Some(class_kind) = self.type_record_kind(node, &name, cx) {
                cx.push_name(node, name.clone());
                let class = cx.open_class(node, name.clone(), class_kind, node);
                if package_level(cx) {
                    self.package_types.push((name, class));
                }
            }
            return;
        }
        if matches!(record, MetricsRecord::Class | MetricsRecord::OutlineClass) {
            let outline = record == MetricsRecord::OutlineClass;
            let name = self.class_name(node, outline, cx).unwrap_or_else(|| "<anonymous>".to_string());
            cx.push_name(node, name.clone());
            let class_kind = self.class_kind(node, kind, outline);
            cx.open_class(node, name, class_kind, node);
            if kind.ends_with("_specifier") {
                self.access.push((node.id(), kind != "class_specifier")); // C++ access sections
            }
            return;
        }
        if kind == "access_specifier" {
            if let Some(a) = self.access.last_mut() {
                a.1 = cx.bytes(node).starts_with(b"public");
            }
            return;
        }
        if r.fields.contains(&kind) && cx.current_class().is_some() {
            if r.access == Access::ExportedNames {
                self.add_named_fields(node, cx);
            } else {
                let public = self.member_public(node, "", cx);
                if let Some(class) = cx.current_class() {
                    cx.classes[class].add_attribute(None, public);
                }
            }
        }
        if r.ifs.contains(&kind) {
            cx.add(1);
            // else-if: an `if` in an else clause, directly in another `if` (its alternative), or
            // (Kotlin) the last body of an `if`
            let else_if = r.elses.contains(&parent_kind)
                || r.ifs.contains(&parent_kind)
                || (parent_kind == "control_structure_body"
                    && cx.ancestor(1).map(|g| r.ifs.contains(&cx.kind(g)) && g.named_child(g.named_child_count().saturating_sub(1)).map(|l| l.id()) == parent.map(|p| p.id())).unwrap_or(false)
                    && cx.ancestor(1).map(|g| g.named_child_count() > 2).unwrap_or(false));
            if !else_if {
                cx.cognitive_structural();
                cx.push_depth(node);
            }
            cx.push_cognitive_nesting(node);
            if r.elses.is_empty() && kind != "guard_statement" && has_else(node) {
                cx.cognitive_add(1); // `else` without a node of its own (Go, C#, Kotlin, Scala, Swift)
                cx.abc(0, 0, 1);
            }
        } else if r.elifs.contains(&kind) {
            cx.add(1);
            cx.cognitive_add(1);
            cx.abc(0, 0, 1);
        } else if r.elses.contains(&kind) {
            cx.cognitive_add(1);
            cx.abc(0, 0, 1);
        } else if r.loops.contains(&kind) {
            cx.add(1);
            cx.cognitive_structural();
            cx.push_cognitive_nesting(node);
            cx.push_depth(node);
        } else if r.switches.contains(&kind) {
            cx.cognitive_structural();
            cx.push_cognitive_nesting(node);
            cx.push_depth(node);
        } else if r.cases.contains(&kind) {
            if !is_default_case(node, cx) {
                cx.add(1);
            }
            cx.abc(0, 0, 1);
        } else if r.catches.contains(&kind) {
            cx.add(1);
            cx.cognitive_structural();
            cx.push_cognitive_nesting(node);
            cx.abc(0, 0, 1);
        } else if r.ternaries.contains(&kind) {
            cx.add(1);
            cx.cognitive_structural();
            cx.push_cognitive_nesting(node);
            cx.abc(0, 0, 1);
        } else if r.tries.contains(&kind) {
            cx.push_depth(node);
        } else if r.returns.contains(&kind) {
            let text = cx.bytes(node);
            if !matches!(kind, "jump_expression" | "control_transfer_statement") || text.starts_with(b"return") {
                cx.exit_point();
            }
        } else if r.calls.contains(&kind) {
            cx.abc(0, 1, 0);
        } else if r.assignments.contains(&kind) {
            let has_value = !matches!(kind, "let_declaration" | "init_declarator" | "variable_declarator" | "property_declaration")
                || node.field("value").is_some()
                || { let mut c = node.walk(); let f = node.children(&mut c).any(|x| x.kind() == "="); f };
            if has_value {
                cx.abc(1, 0, 0);
            }
        }
        if let Some(op) = self.logical_operator(node, kind) {
            cx.add(1);
            let parent_op = cx.parent_skipping_parentheses().and_then(|p| {
                let pk = cx.kind(p);
                self.logical_operator(p, pk)
            });
            if parent_op != Some(op) {
                cx.cognitive_add(1);
            }
        } else if self.rules.binaries.contains(&kind) || kind.contains("comparison") || kind.contains("equality") {
            let mut cursor = node.walk();
            let comparisons = node
                .children(&mut cursor)
                .filter(|c| !c.is_named() && matches!(c.kind(), "==" | "!=" | "<" | ">" | "<=" | ">=" | "===" | "!==" | "<>"))
                .count();
            if comparisons > 0 {
                cx.abc(0, 0, comparisons as u32);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze_source;
    use lang::Language;

    fn summary(lang: Language, src: &str) -> Vec<(String, &'static str, u32, u32, u32)> {
        let m = analyze_source(lang, src.as_bytes());
        m.functions.iter().map(|f| (f.name.clone(), f.kind, f.cyclomatic, f.cognitive, f.nargs)).collect()
    }

    #[test]
    fn rust_functions_closures_and_impls() {
        let src = "struct S { pub x: i32, y: i32 }\nimpl S {\n    pub fn m(&self, a: i32) -> i32 {\n        if a > 0 && a < 5 { 1 } else if a == 2 { 2 } else { 3 };\n        match a { 1 => 1, 2 => 2, _ => 0 };\n        let f = |y: i32| if y > 0 { y } else { 0 };\n        for _i in 0..a { while false {} }\n        return f(a);\n    }\n    fn private(&self) {}\n}\n";
        let got = summary(Language::Rust, src);
        // m: 1 + if 2 + && 1 + arms 2 + for 1 + while 1 = 8; cognitive: if 1 + && 1 + else-if 1 + else 1 + match 1
        //    + closure(if at nesting 1: 2, else 1) + for 1 + while 2 = 11
        assert_eq!(got[0], ("m".to_string(), "method", 8, 11, 2));
        assert_eq!(got[1], ("<closure>".to_string(), "closure", 2, 2, 1));
        let m = analyze_source(Language::Rust, src.as_bytes());
        let imp = m.classes.iter().find(|c| c.kind == "impl").unwrap();
        assert_eq!((imp.methods, imp.public_methods, imp.wmc), (2, 1, 9));
        let st = m.classes.iter().find(|c| c.kind == "struct").unwrap();
        assert_eq!((st.attributes, st.public_attributes), (2, 1));
    }

    #[test]
    fn go_cases_and_else() {
        let src = "package p\nfunc (s *S) M(a int, b int) int {\n\tif a > 0 && b < 1 { return 1 } else if a == 2 { return 2 } else { a = 3 }\n\tswitch a { case 1, 2: return 1; default: return 0 }\n\tf := func(y int) int { return y }\n\treturn f(a)\n}\n";
        let got = summary(Language::Go, src);
        // 1 + if 2 + && 1 + case 1 = 5; cognitive: if 1 + && 1 + else 1 + else 1 + switch 1 = 5
        assert_eq!(got[0], ("M".to_string(), "method", 5, 5, 2));
        assert_eq!(got[1].1, "closure");
        let m = analyze_source(Language::Go, src.as_bytes());
        assert_eq!(m.functions[0].nexits, 5);
    }

    #[test]
    fn c_and_cpp() {
        let src = "int f(int a, char **b) {\n  if (a > 0 && a < 5) return 1; else if (a == 2) return 2; else a = 3;\n  switch (a) { case 1: case 2: break; default: break; }\n  for (;;) {} while (a) {} do {} while (a);\n  return a ? 1 : 2;\n}\n";
        let got = summary(Language::C, src);
        // 1 + if 2 + && 1 + case 2 + loops 3 + ?: 1 = 10
        assert_eq!(got[0].0, "f");
        assert_eq!((got[0].2, got[0].4), (10, 2));
        let cpp = "class K {\n  int hidden() { return 0; }\npublic:\n  int m(int x) { auto l = [](int y) { return y > 0 ? y : 0; }; return l(x); }\n};\n";
        let m = analyze_source(Language::Cpp, cpp.as_bytes());
        assert_eq!(m.classes.len(), 1);
        assert_eq!((m.classes[0].methods, m.classes[0].public_methods), (2, 1));
        assert_eq!(m.functions.iter().map(|f| f.kind).collect::<Vec<_>>(), vec!["method", "method", "closure"]);
    }

    /// Regression: Ruby keyword tokens (`if`, `when`, `return`, `class`, ...) share their node's
    /// kind name and were counted a second time (cyclomatic 5 here, two class records).
    #[test]
    fn ruby_keyword_tokens_do_not_count_twice() {
        let src = "class K\n  def m(a)\n    if a then return 1 end\n    case a\n    when 1 then 2\n    end\n  end\nend\n";
        let m = analyze_source(Language::Ruby, src.as_bytes());
        // 1 + if + when = 3; one `return`; one class record
        assert_eq!((m.functions[0].cyclomatic, m.functions[0].nexits), (3, 1));
        assert_eq!(m.classes.len(), 1);
        assert_eq!((m.classes[0].methods, m.classes[0].wmc), (1, 3));
    }

    #[test]
    fn go_methods_join_their_receiver_type() {
        // T: struct record; M (pointer receiver) and n (value receiver) join it, declared after
        // and before it; X is a type of another file, so its method stays classless.
        let src = "package p\nfunc (t T) n() {}\ntype T struct { A int; b, c string }\nfunc (t *T) M(x int) int { if x > 0 { return 1 }; return 0 }\nfunc (x *X) Y() {}\n";
        let m = analyze_source(Language::Go, src.as_bytes());
        let names: Vec<(&str, Option<u32>)> = m.functions.iter().map(|f| (f.qualified_name.as_str(), f.class_index)).collect();
        assert_eq!(names, vec![("T.n", Some(0)), ("T.M", Some(0)), ("X.Y", None)]);
        let t = &m.classes[0];
        // methods n + M = 2, public M = 1, wmc 1 + 2 = 3; fields A, b, c = 3, public A = 1
        assert_eq!((t.kind, t.methods, t.public_methods, t.wmc, t.attributes, t.public_attributes), ("struct", 2, 1, 3, 3, 1));
        assert_eq!(m.functions[1].nargs, 1); // the receiver is not a parameter
    }

    /// Bodiless methods are method records of cyclomatic 1 of their type, as Java's abstract
    /// methods. Regressions: Scala's `function_declaration` and Swift's
    /// `protocol_function_declaration` were no records; C# interface members counted as not
    /// public (C# makes them public unless written otherwise).
    #[test]
    fn bodiless_methods_are_records_of_their_type() {
        let classes = |lang: Language, src: &str| {
            let m = analyze_source(lang, src.as_bytes());
            let functions: Vec<(String, &str, u32, Option<u32>)> = m.functions.iter().map(|f| (f.qualified_name.clone(), f.kind, f.cyclomatic, f.class_index)).collect();
            let classes: Vec<(String, &str, u32, u32, u32)> = m.classes.iter().map(|c| (c.name.clone(), c.kind, c.methods, c.public_methods, c.wmc)).collect();
            (functions, classes)
        };
        let s = |x: &str| x.to_string();
        // T: m (abstract) + d = 2 methods, both public (Scala default), wmc 1 + 1
        let (f, c) = classes(Language::Scala, "trait T {\n  def m(x: Int): Int\n  def d(): Int = 1\n}\n");
        assert_eq!(f, vec![(s("T.m"), "method", 1, Some(0)), (s("T.d"), "method", 1, Some(0))]);
        assert_eq!(c, vec![(s("T"), "trait", 2, 2, 2)]);
        // P: m + init = 2 methods, public (Swift default), wmc 2
        let (f, c) = classes(Language::Swift, "protocol P {\n    func m(x: Int) -> Int\n    init(a: Int)\n}\n");
        assert_eq!(f, vec![(s("P.m"), "method", 1, Some(0)), (s("P.init"), "constructor", 1, Some(0))]);
        assert_eq!(c, vec![(s("P"), "interface", 2, 2, 2)]); // the outline's kind for a protocol
        assert_eq!(analyze_source(Language::Swift, b"protocol P {\n    func m(x: Int, y: Int) -> Int\n}\n").functions[0].nargs, 2);
        // I: M (no modifier: public) + H (private) = 2 methods, public 1, wmc 1 + 1;
        // C: N (no modifier: private) = 1 method, public 0
        let (f, c) = classes(Language::CSharp, "interface I {\n    int M(int x);\n    private int H() { return 0; }\n}\nclass C { void N() {} }\n");
        assert_eq!(f, vec![(s("I.M"), "method", 1, Some(0)), (s("I.H"), "method", 1, Some(0)), (s("C.N"), "method", 1, Some(1))]);
        assert_eq!(c, vec![(s("I"), "interface", 2, 1, 2), (s("C"), "class", 1, 0, 1)]);
    }

    /// Regression: Kotlin interfaces and enum classes were class records of kind `class` (the
    /// grammar makes all of them class_declaration) and companion objects of kind
    /// `companion_object`; the kinds are now the outline's: `interface`, `enum`, `object`. An
    /// unnamed companion object was `<anonymous>`; it is `Companion`, as Kotlin and the outline
    /// name it.
    #[test]
    fn kotlin_class_record_kinds_match_the_outline() {
        let src = "interface I {\n    fun m(x: Int): Int\n}\nsealed interface S\nenum class E { A, B; fun f() {} }\npublic enum class P(val v: Int) { X(1) }\nobject O { fun g() {} }\nclass C {\n    companion object {\n        fun h() {}\n    }\n}\ndata class D(val x: Int)\n";
        let m = analyze_source(Language::Kotlin, src.as_bytes());
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        let kinds: Vec<(&str, &str)> = m.classes.iter().map(|c| (c.qualified_name.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("I", "interface"),
                ("S", "interface"),
                ("E", "enum"),
                ("P", "enum"),
                ("O", "object"),
                ("C", "class"),
                ("C.Companion", "object"),
                ("D", "class"),
            ]
        );
        let h = m.functions.iter().find(|f| f.name == "h").unwrap();
        assert_eq!((h.qualified_name.as_str(), h.kind, h.class_index), ("C.Companion.h", "method", Some(6)));
    }

    /// `class << self` is no class record: its defs are class methods of the enclosing class
    /// (qualified by it, counted in its record); a top-level `class << obj`'s defs are classless.
    #[test]
    fn ruby_class_self_is_no_record() {
        let src = "class A\n  def i; end\n  class << self\n    def x(a)\n      a ? 1 : 2\n    end\n    private\n    def y; end\n  end\nend\nclass << obj\n  def w; end\nend\n";
        let m = analyze_source(Language::Ruby, src.as_bytes());
        let f: Vec<(&str, u32, Option<u32>)> = m.functions.iter().map(|f| (f.qualified_name.as_str(), f.cyclomatic, f.class_index)).collect();
        assert_eq!(f, vec![("A.i", 1, Some(0)), ("A.x", 2, Some(0)), ("A.y", 1, Some(0)), ("w", 1, None)]);
        // A: i, x, y = 3 methods; public i, x = 2 (y in the `private` section); wmc 1 + 2 + 1
        let c: Vec<(&str, u32, u32, u32)> = m.classes.iter().map(|c| (c.name.as_str(), c.methods, c.public_methods, c.wmc)).collect();
        assert_eq!(c, vec![("A", 3, 2, 4)]);
    }

    #[test]
    fn every_language_with_a_table_measures_functions() {
        let samples: &[(Language, &str)] = &[
            (Language::CSharp, "class K { public int M(int a) { if (a > 0 && a < 5) return 1; return a switch { 1 => 1, _ => 0 }; } }"),
            (Language::Ruby, "class K\n  def m(a, b = 1)\n    if a > 0 && b < 1 then 1 elsif a == 2 then 2 else 3 end\n  end\nend\n"),
            (Language::Php, "<?php\nclass K { public function m($a) { if ($a > 0 && $a < 1) { return 1; } elseif ($a == 2) { return 2; } return 0; } }\n"),
            (Language::Kotlin, "class K { fun m(a: Int): Int { if (a > 0 && a < 5) return 1 else if (a == 2) return 2; return 0 } }\n"),
            (Language::Scala, "class K { def m(a: Int): Int = { if (a > 0 && a < 5) 1 else if (a == 2) 2 else 3 } }\n"),
            (Language::Swift, "class K { func m(a: Int) -> Int { if a > 0 && a < 5 { return 1 } else if a == 2 { return 2 }; return 0 } }\n"),
            (Language::Shell, "f() {\n  if [ -n \"$1\" ] && [ -z \"$2\" ]; then echo a; elif true; then echo b; fi\n}\n"),
        ];
        for (lang, src) in samples {
            let m = analyze_source(*lang, src.as_bytes());
            assert!(m.errors.is_empty(), "{lang}: {:?}", m.errors);
            assert_eq!(m.functions.len(), 1, "{lang}: {:?}", m.functions);
            // 1 + if + elif + && (+ a non-default switch arm in C#)
            let f = &m.functions[0];
            assert!(f.cyclomatic >= 3, "{lang}: {f:?}");
            assert!(f.cognitive >= 2, "{lang}: {f:?}");
            assert!(f.halstead.volume > 0.0 && f.lines.logical > 0, "{lang}: {f:?}");
        }
    }
}
