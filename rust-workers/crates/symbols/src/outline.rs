//! One walk per file: declarations found through `lang::kinds`, parents from a stack.

use lang::tree_sitter::Node;
use lang::{Language, SymbolKind};
use serde::{Deserialize, Serialize};

/// One declared symbol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Symbol {
    pub name: String,
    pub qualified_name: String,
    pub kind: String,
    pub parent: Option<String>,
    pub signature: String,
    pub visibility: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// The outline of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSymbols {
    pub path: String,
    pub language: String,
    pub symbols: Vec<Symbol>,
}

/// Signatures longer than this are cut (a head with a 40-line parameter list is still
/// recognisable from its first 200 characters, and the index stays small).
const MAX_SIGNATURE_CHARS: usize = 200;

/// Node kinds that hold a declaration's body, for grammars without a `body` field.
const BODY_KINDS: &[&str] = &[
    "class_body",
    "function_body",
    "block",
    "compound_statement",
    "declaration_list",
    "field_declaration_list",
    "body_statement",
    "enum_body",
    "enum_class_body",
    "interface_body",
    "protocol_body",
    "enum_variant_list",
    "statement_block",
    "template_body",
    "do_group",
    "compound_command",
];

/// The outline of `source`; empty for languages without a grammar. Syntax errors do not stop
/// it: whatever the tree recognised is listed.
pub fn outline(lang: Language, source: &[u8]) -> Vec<Symbol> {
    let Ok(tree) = lang::parse(lang, source) else { return Vec::new() };
    walk(lang, &tree, source, &mut |_, _, _, _| {})
}

/// The outline of a parsed `tree`; `visit(node, symbols, innermost, declares)` sees every node
/// after the symbol it declares (if any; then `declares`) was pushed, with the index of the
/// innermost enclosing symbol
/// (the structure walk in `structure.rs` collects supertypes and calls this way, in one pass).
pub(crate) fn walk(
    lang: Language,
    tree: &lang::tree_sitter::Tree,
    source: &[u8],
    visit: &mut dyn FnMut(Node<'_>, &[Symbol], Option<usize>, bool),
) -> Vec<Symbol> {
    let mut symbols: Vec<Symbol> = Vec::new();
    // (end byte of the enclosing declaration, index into `symbols`)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        while let Some(&(end, _)) = stack.last() {
            if node.start_byte() >= end {
                stack.pop();
            } else {
                break;
            }
        }
        let mut declares = false;
        if let Some(symbol) = declared(lang, node, source, stack.last().map(|&(_, i)| &symbols[i])) {
            symbols.push(symbol);
            stack.push((node.end_byte().max(node.start_byte() + 1), symbols.len() - 1));
            declares = true;
        }
        visit(node, &symbols, stack.last().map(|&(_, i)| i), declares);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return symbols;
            }
        }
    }
}

pub(crate) fn text<'s>(node: Node<'_>, source: &'s [u8]) -> std::borrow::Cow<'s, str> {
    String::from_utf8_lossy(&source[node.start_byte()..node.end_byte()])
}

/// The symbol `node` declares, if any.
fn declared(lang: Language, node: Node<'_>, source: &[u8], parent: Option<&Symbol>) -> Option<Symbol> {
    let (mut kind, mut name, name_node) = match lang.decl_of(node) {
        Some(decl) => {
            let name_node = decl.name_node(node);
            (decl.kind_of(node), decl.name_of(node, source)?, name_node)
        }
        None => named_function_value(lang, node, source)?,
    };
    if name.is_empty() {
        return None;
    }
    if lang == Language::Go && node.kind() == "method_elem" && !go_named_interface_member(node) {
        return None; // a method of an anonymous interface (`func f(r interface{ Read() })`)
    }
    let mut parent_name = parent.map(|p| p.qualified_name.clone());
    let parent_kind = parent.and_then(|p| SymbolKind::from_name(&p.kind));
    if kind == SymbolKind::Function {
        if parent_kind.map(|k| k.is_class_like()).unwrap_or(false) {
            kind = SymbolKind::Method;
        }
        // C++ `void C::m() {}` and Ruby `def self.m` style qualified names
        if let Some((owner, short)) = name.rsplit_once("::") {
            if !owner.is_empty() && matches!(lang, Language::Cpp) {
                let owner = owner.to_string();
                name = short.to_string();
                kind = if name.starts_with('~') { SymbolKind::Destructor } else { SymbolKind::Method };
                parent_name = Some(match parent_name {
                    Some(p) => format!("{p}.{}", owner.replace("::", ".")),
                    None => owner.replace("::", "."),
                });
            }
        }
    }
    if lang == Language::Go && node.kind() == "method_declaration" {
        // `(s *S)`, `(List[T])`, `(m *Map[K, V])`: the receiver's type is the parent
        if let Some(ty) = lang::members::go_receiver_type(node) {
            parent_name = Some(text(ty, source).into_owned());
        }
    }
    if lang == Language::Rust && node.kind() == "impl_item" {
        if let Some(t) = node.child_by_field_name("trait") {
            name = format!("{} for {}", text(t, source), name);
        }
    }
    if matches!(lang, Language::Ruby) && node.kind() == "singleton_method" {
        kind = if parent_kind.map(|k| k.is_class_like() || k == SymbolKind::Module).unwrap_or(false) {
            SymbolKind::Method
        } else {
            SymbolKind::Function
        };
    }
    if matches!(lang, Language::Ruby) && node.kind() == "method" && parent_kind == Some(SymbolKind::Module) {
        kind = SymbolKind::Method;
    }
    if matches!(kind, SymbolKind::Function | SymbolKind::Method) && name == "__init__" && lang == Language::Python && parent_kind == Some(SymbolKind::Class) {
        kind = SymbolKind::Constructor;
    }
    let qualified_name = match &parent_name {
        Some(p) => format!("{p}.{name}"),
        None => name.clone(),
    };
    let start = node.start_position();
    let end = node.end_position();
    let visibility = match parent {
        // Swift: a protocol's requirements have the protocol's access level (none can be written).
        Some(p) if lang == Language::Swift && parent_kind == Some(SymbolKind::Interface) => p.visibility.clone(),
        _ => visibility(lang, node, name_node, &name, kind, parent_kind, source),
    };
    Some(Symbol {
        visibility,
        signature: signature(node, source),
        name,
        qualified_name,
        kind: kind.name().to_string(),
        parent: parent_name,
        start_line: start.row as u32 + 1,
        start_column: start.column as u32 + 1,
        end_line: end.row as u32 + 1,
        end_column: end.column as u32 + 1,
    })
}

/// Go: a `method_elem` of a named interface type (`type I interface { M() }`): its interface is
/// the `type` of a `type_spec`.
fn go_named_interface_member(node: Node<'_>) -> bool {
    let interface = node.parent().filter(|p| p.kind() == "interface_type");
    let spec = interface.and_then(|i| i.parent()).filter(|s| s.kind() == "type_spec");
    match (interface, spec) {
        (Some(i), Some(s)) => s.child_by_field_name("type").map(|t| t.id()) == Some(i.id()),
        _ => false,
    }
}

/// JS/TS `const f = () => {}` / `const f = function () {}`: a function named by its variable.
fn named_function_value<'t>(lang: Language, node: Node<'t>, source: &[u8]) -> Option<(SymbolKind, String, Option<Node<'t>>)> {
    if !matches!(lang, Language::JavaScript | Language::TypeScript | Language::Tsx) || node.kind() != "variable_declarator" {
        return None;
    }
    let value = node.child_by_field_name("value")?;
    if !matches!(value.kind(), "arrow_function" | "function_expression" | "function") {
        return None;
    }
    let name = node.child_by_field_name("name")?;
    if name.kind() != "identifier" {
        return None;
    }
    Some((SymbolKind::Function, text(name, source).into_owned(), Some(name)))
}

/// Where the declaration head ends: at its body, else at the end of its first line.
fn head_end(node: Node<'_>, source: &[u8]) -> usize {
    let body = node.child_by_field_name("body").or_else(|| {
        let mut cursor = node.walk();
        let found = node.named_children(&mut cursor).find(|c| BODY_KINDS.contains(&c.kind()));
        found
    });
    match body {
        Some(b) if b.start_byte() > node.start_byte() => b.start_byte(),
        _ => {
            let nl = source[node.start_byte()..node.end_byte()].iter().position(|&b| b == b'\n');
            node.start_byte() + nl.unwrap_or(node.end_byte() - node.start_byte())
        }
    }
}

/// The declaration head: from the node's start to its body, on one line.
fn signature(node: Node<'_>, source: &[u8]) -> String {
    let head = String::from_utf8_lossy(&source[node.start_byte()..head_end(node, source)]);
    let mut one_line = head.split_whitespace().collect::<Vec<_>>().join(" ");
    while one_line.ends_with('{') || one_line.ends_with(':') || one_line.ends_with('=') {
        one_line.pop();
        one_line.truncate(one_line.trim_end().len());
    }
    if one_line.chars().count() > MAX_SIGNATURE_CHARS {
        one_line = one_line.chars().take(MAX_SIGNATURE_CHARS).collect::<String>() + "…";
    }
    one_line
}

const VISIBILITY_WORDS: &[&str] = &["public", "private", "protected", "internal", "fileprivate", "open"];

/// Written visibility, else the language default.
fn visibility(
    lang: Language,
    node: Node<'_>,
    name_node: Option<Node<'_>>,
    name: &str,
    kind: SymbolKind,
    parent_kind: Option<SymbolKind>,
    source: &[u8],
) -> String {
    let member = parent_kind.map(|k| k.is_class_like()).unwrap_or(false);
    match lang {
        Language::Go => return if lang::members::go_exported(name) { "public" } else { "package" }.into(),
        Language::Python => {
            return if name.starts_with("__") && !name.ends_with("__") {
                "private"
            } else if name.starts_with('_') && !name.starts_with("__") {
                "protected"
            } else {
                "public"
            }
            .into()
        }
        Language::Rust => {
            let mut cursor = node.walk();
            let vis = node.children(&mut cursor).find(|c| c.kind() == "visibility_modifier").map(|v| text(v, source).into_owned());
            return vis.unwrap_or_else(|| "private".into());
        }
        Language::Ruby if matches!(node.kind(), "method" | "singleton_method") => {
            return lang::members::ruby_method_visibility(node, source).into();
        }
        Language::Shell | Language::Ruby => return "public".into(),
        Language::C => {
            let head = signature(node, source);
            return if head.split_whitespace().any(|w| w == "static") { "private" } else { "public" }.into();
        }
        Language::Cpp if member => {
            // the nearest access specifier before the member in its class body
            let mut sibling = node.prev_sibling();
            while let Some(s) = sibling {
                if s.kind() == "access_specifier" {
                    return text(s, source).trim().to_string();
                }
                sibling = s.prev_sibling();
            }
            return if parent_kind == Some(SymbolKind::Struct) { "public" } else { "private" }.into();
        }
        _ => {}
    }
    // Modifier keywords written before the name (without a name node, in the head: the body of
    // an unnamed Kotlin `companion object` holds its members' modifiers, not its own).
    let modifiers_end = name_node.map(|n| n.start_byte()).unwrap_or_else(|| head_end(node, source)).max(node.start_byte());
    let head = String::from_utf8_lossy(&source[node.start_byte()..modifiers_end]);
    if let Some(word) = head
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .find(|w| VISIBILITY_WORDS.contains(w))
    {
        return word.to_string();
    }
    if matches!(lang, Language::JavaScript | Language::TypeScript | Language::Tsx) {
        if name.starts_with('#') {
            return "private".into();
        }
        if member {
            return "public".into();
        }
        let exported = node.parent().map(|p| p.kind() == "export_statement").unwrap_or(false)
            || node.parent().and_then(|p| p.parent()).map(|p| p.kind() == "export_statement").unwrap_or(false);
        return if exported { "public" } else { "module" }.into();
    }
    match lang {
        Language::Java => {
            // members of interfaces and annotation types are public unless written otherwise
            if matches!(parent_kind, Some(SymbolKind::Interface | SymbolKind::Annotation)) {
                "public"
            } else {
                "package"
            }
        }
        Language::CSharp => {
            if parent_kind == Some(SymbolKind::Interface) {
                "public" // interface members are public unless written otherwise
            } else if member {
                "private"
            } else {
                "internal"
            }
        }
        Language::Swift => "internal",
        Language::Cpp => "public",
        _ => {
            let _ = kind;
            "public"
        }
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief(lang: Language, src: &str) -> Vec<(String, String, Option<String>, String)> {
        outline(lang, src.as_bytes()).into_iter().map(|s| (s.kind, s.qualified_name, s.parent, s.visibility)).collect()
    }

    fn t(kind: &str, q: &str, parent: Option<&str>, vis: &str) -> (String, String, Option<String>, String) {
        (kind.into(), q.into(), parent.map(String::from), vis.into())
    }

    #[test]
    fn java_classes_methods_signatures_and_lines() {
        let src = "package p;\npublic class A extends B {\n  A() {}\n  private int f(int x) {\n    return x;\n  }\n  interface I { void g(); }\n  enum E { X }\n}\n";
        let s = outline(Language::Java, src.as_bytes());
        assert_eq!(
            s.iter().map(|s| (s.kind.as_str(), s.qualified_name.as_str(), s.visibility.as_str())).collect::<Vec<_>>(),
            vec![
                ("class", "A", "public"),
                ("constructor", "A.A", "package"),
                ("method", "A.f", "private"),
                ("interface", "A.I", "package"),
                ("method", "A.I.g", "public"),
                ("enum", "A.E", "package"),
            ]
        );
        assert_eq!(s[0].signature, "public class A extends B");
        assert_eq!(s[2].signature, "private int f(int x)");
        assert_eq!((s[2].start_line, s[2].end_line, s[2].start_column), (4, 6, 3));
    }

    /// Regression: a Java annotation type (`@interface`) was an `interface` symbol (metrics says
    /// `annotation`), and its elements were no symbols (metrics: methods). Its members stay public
    /// unless written otherwise, as an interface's.
    #[test]
    fn java_annotation_types_are_annotations() {
        let src = "public @interface Ann {\n  String value() default \"\";\n  enum Level { LOW }\n  class Holder { void h() {} }\n}\ninterface I { class J {} }\n";
        assert_eq!(
            brief(Language::Java, src),
            vec![
                t("annotation", "Ann", None, "public"),
                t("method", "Ann.value", Some("Ann"), "public"),
                t("enum", "Ann.Level", Some("Ann"), "public"),
                t("class", "Ann.Holder", Some("Ann"), "public"),
                t("method", "Ann.Holder.h", Some("Ann.Holder"), "package"),
                t("interface", "I", None, "package"),
                t("class", "I.J", Some("I"), "public"),
            ]
        );
        assert_eq!(outline(Language::Java, src.as_bytes())[0].signature, "public @interface Ann");
    }

    /// Regression: a Kotlin `companion object` was no symbol, so its functions were methods of the
    /// enclosing class (`C.create`); metrics has a class record for it. It is an `object` named
    /// `Companion` (Kotlin's name for it) unless it declares a name, its functions its methods.
    /// An unnamed one's visibility comes from its head, not from its members' modifiers.
    #[test]
    fn kotlin_companion_objects_own_their_functions() {
        let src = "class C {\n    fun a() {}\n    companion object {\n        private fun create(): C = C()\n    }\n}\nclass D {\n    private companion object Factory : Base() {\n        fun make() {}\n    }\n}\n";
        assert_eq!(
            brief(Language::Kotlin, src),
            vec![
                t("class", "C", None, "public"),
                t("method", "C.a", Some("C"), "public"),
                t("object", "C.Companion", Some("C"), "public"),
                t("method", "C.Companion.create", Some("C.Companion"), "private"),
                t("class", "D", None, "public"),
                t("object", "D.Factory", Some("D"), "private"),
                t("method", "D.Factory.make", Some("D.Factory"), "public"),
            ]
        );
        let s = outline(Language::Kotlin, src.as_bytes());
        assert_eq!((s[2].signature.as_str(), s[2].start_line, s[2].end_line), ("companion object", 3, 5));
        assert_eq!(s[5].signature, "private companion object Factory : Base()");
    }

    #[test]
    fn python_nested_functions_and_visibility() {
        let src = "class A:\n    def __init__(self): pass\n    def _p(self):\n        def inner(): pass\n\ndef __x(): pass\n";
        assert_eq!(
            brief(Language::Python, src),
            vec![
                t("class", "A", None, "public"),
                t("constructor", "A.__init__", Some("A"), "public"),
                t("method", "A._p", Some("A"), "protected"),
                t("function", "A._p.inner", Some("A._p"), "public"),
                t("function", "__x", None, "private"),
            ]
        );
        assert_eq!(outline(Language::Python, src.as_bytes())[2].signature, "def _p(self)");
    }

    #[test]
    fn typescript_interfaces_enums_arrows_and_exports() {
        let src = "export interface I { m(): void }\nenum E { A }\nexport const f = (x: number) => x;\nclass C { #p() {} q() {} }\n";
        assert_eq!(
            brief(Language::TypeScript, src),
            vec![
                t("interface", "I", None, "public"),
                t("method", "I.m", Some("I"), "public"),
                t("enum", "E", None, "module"),
                t("function", "f", None, "public"),
                t("class", "C", None, "module"),
                t("method", "C.#p", Some("C"), "private"),
                t("method", "C.q", Some("C"), "public"),
            ]
        );
    }

    #[test]
    fn rust_go_and_cpp_owners() {
        let rust = "pub struct S;\ntrait T { fn t(&self); }\nimpl T for S { fn t(&self) {} }\nmod m { pub(crate) fn f() {} }\n";
        assert_eq!(
            brief(Language::Rust, rust),
            vec![
                t("struct", "S", None, "pub"),
                t("trait", "T", None, "private"),
                t("method", "T.t", Some("T"), "private"),
                t("impl", "T for S", None, "private"),
                t("method", "T for S.t", Some("T for S"), "private"),
                t("module", "m", None, "private"),
                t("function", "m.f", Some("m"), "pub(crate)"),
            ]
        );
        let go = "package p\ntype S struct{}\ntype I interface{ M() }\nfunc (s *S) M() {}\nfunc f() {}\n";
        assert_eq!(
            brief(Language::Go, go),
            vec![
                t("struct", "S", None, "public"),
                t("interface", "I", None, "public"),
                t("method", "I.M", Some("I"), "public"),
                t("method", "S.M", Some("S"), "public"),
                t("function", "f", None, "package"),
            ]
        );
        let cpp = "namespace n {\nclass C {\n public:\n  void m() {}\n private:\n  int k() { return 1; }\n};\n}\nvoid C::m2() {}\n";
        assert_eq!(
            brief(Language::Cpp, cpp),
            vec![
                t("namespace", "n", None, "public"),
                t("class", "n.C", Some("n"), "public"),
                t("method", "n.C.m", Some("n.C"), "public"),
                t("method", "n.C.k", Some("n.C"), "private"),
                t("method", "C.m2", Some("C"), "public"),
            ]
        );
    }

    #[test]
    fn go_methods_take_their_receiver_type_as_parent() {
        // parent: the receiver's named type, through `*`, type arguments (one or several) and
        // value receivers; a type of another file (Client) is still named. Visibility: exported
        // (capitalised) names `public`, the rest `package` (Go's unexported names are visible in
        // the whole package, as Java's package-private members).
        let go = "package p\ntype Map[K comparable, V any] struct{ m map[K]V }\nfunc (m *Map[K, V]) Get(k K) V { return m.m[k] }\nfunc (m Map[K, V]) size() int { return 0 }\ntype Celsius float64\nfunc (c Celsius) String() string { return \"\" }\nfunc (c *Client) Do() {}\nfunc helper() {}\n";
        assert_eq!(
            brief(Language::Go, go),
            vec![
                t("struct", "Map", None, "public"),
                t("method", "Map.Get", Some("Map"), "public"),
                t("method", "Map.size", Some("Map"), "package"),
                t("type", "Celsius", None, "public"),
                t("method", "Celsius.String", Some("Celsius"), "public"),
                t("method", "Client.Do", Some("Client"), "public"),
                t("function", "helper", None, "package"),
            ]
        );
    }

    /// Regression: a Go interface's method specs were in the class records (`metrics`) but not in
    /// the outline. Like Java's abstract interface methods they are methods of their interface;
    /// visibility by capitalisation; embedded interfaces (`io.Closer`) are no symbols, nor are the
    /// methods of an anonymous interface type (`drain`'s parameter).
    #[test]
    fn go_interface_method_specs_are_methods_of_their_interface() {
        let go = "package p\ntype Store interface {\n\tGet(k string) (V, error)\n\tio.Closer\n\tput(v V)\n}\nfunc drain(r interface{ Read() int }) {}\n";
        let s = outline(Language::Go, go.as_bytes());
        let got: Vec<(&str, &str, Option<&str>, &str, &str, u32, u32, u32, u32)> = s
            .iter()
            .map(|s| {
                let (k, q, p, v, sig) = (s.kind.as_str(), s.qualified_name.as_str(), s.parent.as_deref(), s.visibility.as_str(), s.signature.as_str());
                (k, q, p, v, sig, s.start_line, s.start_column, s.end_line, s.end_column)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("interface", "Store", None, "public", "Store interface", 2, 6, 6, 2),
                ("method", "Store.Get", Some("Store"), "public", "Get(k string) (V, error)", 3, 2, 3, 26),
                ("method", "Store.put", Some("Store"), "package", "put(v V)", 5, 2, 5, 10),
                ("function", "drain", None, "package", "func drain(r interface{ Read() int })", 7, 1, 7, 41),
            ]
        );
        // The Java counterpart: an interface's abstract method is a method of the interface.
        let java = brief(Language::Java, "interface Store { String get(String k); }\n");
        assert_eq!(java, vec![t("interface", "Store", None, "package"), t("method", "Store.get", Some("Store"), "public")]);
    }

    /// Bodiless members of Kotlin interfaces and abstract classes, Scala traits, Swift protocols and
    /// C# interfaces are methods of their type, as Java's. Regressions: Swift protocol methods
    /// (`protocol_function_declaration`) were missing; C# interface members were `internal` (C#
    /// makes them public unless written otherwise); Swift protocol requirements take the protocol's
    /// access level.
    #[test]
    fn bodiless_members_of_interfaces_traits_and_protocols_are_methods() {
        let kotlin = "interface I {\n    fun m(x: Int): Int\n}\nabstract class A { abstract fun n(): String }\n";
        assert_eq!(
            brief(Language::Kotlin, kotlin),
            vec![
                t("interface", "I", None, "public"),
                t("method", "I.m", Some("I"), "public"),
                t("class", "A", None, "public"),
                t("method", "A.n", Some("A"), "public"),
            ]
        );
        let scala = "trait T {\n  def m(x: Int): Int\n  def d(): Int = 1\n}\n";
        assert_eq!(
            brief(Language::Scala, scala),
            vec![t("trait", "T", None, "public"), t("method", "T.m", Some("T"), "public"), t("method", "T.d", Some("T"), "public")]
        );
        let swift = "public protocol P {\n    func m(x: Int) -> Int\n    init(a: Int)\n}\nprotocol Q { func q() }\n";
        assert_eq!(
            brief(Language::Swift, swift),
            vec![
                t("interface", "P", None, "public"),
                t("method", "P.m", Some("P"), "public"),
                t("constructor", "P.init", Some("P"), "public"),
                t("interface", "Q", None, "internal"),
                t("method", "Q.q", Some("Q"), "internal"),
            ]
        );
        let s = outline(Language::Swift, swift.as_bytes());
        assert_eq!((s[1].signature.as_str(), s[1].start_line, s[1].end_line), ("func m(x: Int) -> Int", 2, 2));
        let csharp = "public interface I {\n    int M(int x);\n    private int H() { return 0; }\n}\nclass C { void N() {} }\n";
        assert_eq!(
            brief(Language::CSharp, csharp),
            vec![
                t("interface", "I", None, "public"),
                t("method", "I.M", Some("I"), "public"),
                t("method", "I.H", Some("I"), "private"),
                t("class", "C", None, "internal"),
                t("method", "C.N", Some("C"), "private"),
            ]
        );
    }

    /// `class << self` is no symbol: its defs are methods of the enclosing class or module (their
    /// visibility from the sections of its own body); a top-level `class << obj`'s defs are
    /// top-level functions.
    #[test]
    fn ruby_class_self_defs_belong_to_the_enclosing_class() {
        let src = "class A\n  class << self\n    def x; end\n    private\n    def y; end\n  end\nend\nmodule M\n  class << self\n    def z; end\n  end\nend\nclass << obj\n  def w; end\nend\n";
        assert_eq!(
            brief(Language::Ruby, src),
            vec![
                t("class", "A", None, "public"),
                t("method", "A.x", Some("A"), "public"),
                t("method", "A.y", Some("A"), "private"),
                t("module", "M", None, "public"),
                t("method", "M.z", Some("M"), "public"),
                t("function", "w", None, "public"),
            ]
        );
    }

    /// Regression: every Ruby method was `public`; Ruby sets visibility with calls in the body.
    #[test]
    fn ruby_visibility_follows_sections_and_calls() {
        let src = "class A\n  def a; end\n  private\n  def b; end\n  def self.c; end\n  protected def d; end\n  public\n  def initialize; end\n  def e; end\n  private :e\n  private_class_method :c\nend\nmodule M\n  def f; end\nend\ndef top; end\n";
        assert_eq!(
            brief(Language::Ruby, src),
            vec![
                t("class", "A", None, "public"),
                t("method", "A.a", Some("A"), "public"),       // before any section
                t("method", "A.b", Some("A"), "private"),      // `private` section
                t("method", "A.c", Some("A"), "private"),      // sections skip `def self.`; private_class_method :c
                t("method", "A.d", Some("A"), "protected"),    // `protected def d`
                t("method", "A.initialize", Some("A"), "private"), // always private, even under `public`
                t("method", "A.e", Some("A"), "private"),      // `public` section, then `private :e`
                t("module", "M", None, "public"),
                t("method", "M.f", Some("M"), "public"),
                t("function", "top", None, "public"),          // outside any class body
            ]
        );
    }

    #[test]
    fn every_grammar_yields_its_declarations() {
        let cases: &[(Language, &str, &[&str])] = &[
            (Language::C, "struct s { int a; };\nstatic int *f(int a) { return 0; }\n", &["struct s", "function f"]),
            (Language::CSharp, "namespace N { public class C { C() {} void M() {} } interface I {} }", &["namespace N", "class N.C", "constructor N.C.C", "method N.C.M", "interface N.I"]),
            (Language::Ruby, "module M\n  class C\n    def m; end\n    def self.s; end\n  end\nend\n", &["module M", "class M.C", "method M.C.m", "method M.C.s"]),
            (Language::Php, "<?php\nclass C { public function m() {} }\ninterface I {}\nfunction f() {}\n", &["class C", "method C.m", "interface I", "function f"]),
            (Language::Kotlin, "class C {\n    fun m() {}\n}\ninterface I\nobject O\nfun f(x: Int): Int = x\n", &["class C", "method C.m", "interface I", "object O", "function f"]),
            (Language::Scala, "class C { def m(): Int = 1 }\ntrait T\nobject O\n", &["class C", "method C.m", "trait T", "object O"]),
            (Language::Swift, "class C {\n    init() {}\n    func m() {}\n}\nstruct S {}\nprotocol P {}\nfunc f() {}\n", &["class C", "constructor C.init", "method C.m", "struct S", "interface P", "function f"]),
            (Language::Shell, "f() { echo 1; }\nfunction g { echo 2; }\n", &["function f", "function g"]),
            (Language::JavaScript, "class A { m() {} }\nfunction f() { return () => 1 }\n", &["class A", "method A.m", "function f"]),
            (Language::Tsx, "function C(): JSX.Element { return <div/> }\n", &["function C"]),
        ];
        for (lang, src, expected) in cases {
            let got: Vec<String> = outline(*lang, src.as_bytes()).iter().map(|s| format!("{} {}", s.kind, s.qualified_name)).collect();
            assert_eq!(&got, expected, "{lang}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow_and_errors_do_not_stop_the_outline() {
        let deep = format!("function f() {{ x = {}1{}; }}\nfunction g() {{}}\n", "[".repeat(5_000), "]".repeat(5_000));
        let names: Vec<String> = outline(Language::JavaScript, deep.as_bytes()).into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["f", "g"]);
        let broken = "function f() { if ( }\nfunction g() {}\n";
        let names: Vec<String> = outline(Language::JavaScript, broken.as_bytes()).into_iter().map(|s| s.name).collect();
        assert!(names.contains(&"g".to_string()), "{names:?}");
        assert!(outline(Language::from_name("perl").unwrap(), b"sub f {}").is_empty());
    }
}
