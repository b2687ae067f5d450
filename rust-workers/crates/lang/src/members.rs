//! Who owns a member and who may see it, where the declaration's own modifiers do not say:
//! shared by the outline (`symbols`) and the class records (`metrics`) so both agree.
//!
//! * **Go** ([`go_exported`], [`go_receiver_type`], [`go_type_name`]): a name is exported when it
//!   starts with an upper-case letter (the Go spec's rule); a method belongs to the named type of
//!   its receiver, with or without `*`, type arguments (`(l *List[T])`) or parentheses. Only the
//!   file at hand is seen: methods declared in other files of the package are not joined.
//! * **Ruby** ([`ruby_method_visibility`]): what Ruby itself does when it runs a class or module
//!   body, read from the statements of that body:
//!   1. a `def` starts with the visibility of the last argument-less `private` / `protected` /
//!      `public` (also `private()`) before it in the same body, else `public`; `initialize`,
//!      `initialize_copy`, `initialize_clone`, `initialize_dup` and `respond_to_missing?` are
//!      always defined `private` (as Ruby's VM does), except in `class << self`;
//!   2. `private def foo … end` (the `def` as the argument of a visibility call) sets it;
//!   3. `private :foo, :bar` (symbols, strings, arrays of them, `%i[…]`) after the `def` in the
//!      same body sets it again; the last such call wins;
//!   4. `def self.x` (a singleton method) is `public` whatever the sections say; only
//!      `private_class_method :x` / `private_class_method def self.x` (and `public_class_method`)
//!      change it. Methods inside `class << self` follow rules 1–3 within that body (its own
//!      sections, starting `public`); being class methods of the enclosing class or module, a
//!      later `private_class_method :x` in that class's body also sets them.
//!
//!   Not followed: a visibility call inside a conditional or `begin` of the body (only the direct
//!   statements of the body count), `module_function`, calls with a receiver
//!   (`self.private :x`), and `send(:private, …)`. A `def` outside any class or module body is
//!   reported `public` (Ruby makes it a private method of `Object`, which says nothing useful in an
//!   outline).

use tree_sitter::Node;

/// Go: whether `name` is exported (starts with an upper-case letter).
pub fn go_exported(name: &str) -> bool {
    name.chars().next().map(char::is_uppercase).unwrap_or(false)
}

/// Go: the `type_identifier` naming the type of a type expression, through `*T`, `(T)`, `T[A]`
/// and `pkg.T` (the last for embedded fields; a receiver cannot name another package's type).
pub fn go_type_name<'t>(ty: Node<'t>) -> Option<Node<'t>> {
    let mut current = ty;
    for _ in 0..8 {
        match current.kind() {
            "type_identifier" => return Some(current),
            "qualified_type" => current = current.child_by_field_name("name")?,
            "generic_type" => current = current.child_by_field_name("type")?,
            "pointer_type" | "parenthesized_type" => current = current.named_child(0)?,
            _ => return None,
        }
    }
    None
}

/// Go: the `type_identifier` of a `method_declaration`'s receiver type (`S` for `(s *S)`,
/// `List` for `(l *List[T])` and `(List[T])`).
pub fn go_receiver_type<'t>(method: Node<'t>) -> Option<Node<'t>> {
    let receiver = method.child_by_field_name("receiver")?;
    let mut cursor = receiver.walk();
    let parameter = receiver.named_children(&mut cursor).find(|c| c.kind() == "parameter_declaration")?;
    go_type_name(parameter.child_by_field_name("type")?)
}

/// Visibility calls that take the following `def`s or the named methods (rules 1–3).
const INSTANCE_VISIBILITY: &[&str] = &["private", "protected", "public"];
/// Visibility calls for singleton methods (rule 4).
const CLASS_VISIBILITY: &[(&str, &str)] = &[("private_class_method", "private"), ("public_class_method", "public")];
/// Methods Ruby's VM defines private whatever the section (`rb_method_entry_make`).
const ALWAYS_PRIVATE: &[&str] = &["initialize", "initialize_copy", "initialize_clone", "initialize_dup", "respond_to_missing?"];

/// Ruby: `"public"`, `"protected"` or `"private"` for a `method` or `singleton_method` node
/// (rules in the module docs).
pub fn ruby_method_visibility(def: Node<'_>, source: &[u8]) -> &'static str {
    let singleton = def.kind() == "singleton_method";
    let name = def.child_by_field_name("name").map(|n| &source[n.byte_range()]).unwrap_or(b"");
    // Rule 2: `private def foo` — the statement of the body is the call around the `def`.
    let mut statement = def;
    let mut wrapper = None;
    if let Some(call) = def.parent().filter(|p| p.kind() == "argument_list").and_then(|l| l.parent()) {
        if let Some(word) = visibility_call(call, source) {
            statement = call;
            wrapper = Some(word);
        }
    }
    let Some(body) = statement.parent() else { return "public" };
    let scope = body.parent().map(|p| p.kind()).unwrap_or("");
    if body.kind() != "body_statement" || !matches!(scope, "class" | "module" | "singleton_class") {
        return "public";
    }
    let mut visibility = "public";
    if !singleton {
        // Rule 1: the section the `def` is in.
        let mut sibling = statement.prev_named_sibling();
        while let Some(s) = sibling {
            if let Some(word) = section_keyword(s, source) {
                visibility = word;
                break;
            }
            sibling = s.prev_named_sibling();
        }
        if scope != "singleton_class" && ALWAYS_PRIVATE.iter().any(|n| n.as_bytes() == name) {
            visibility = "private";
        }
    }
    if let Some(word) = wrapper {
        if let Some(v) = effect(word, singleton) {
            visibility = v;
        }
    }
    // Rule 3 (and 4): later calls naming the method.
    visibility = named_by_later_calls(statement, name, singleton, source, visibility);
    // Rule 4 for the defs of `class << self`: they are class methods of the enclosing class or
    // module, so a later `private_class_method :x` / `public_class_method :x` there names them.
    if scope == "singleton_class" {
        if let Some(outer) = body.parent().filter(|s| singleton_of_enclosing_self(*s)) {
            visibility = named_by_later_calls(outer, name, true, source, visibility);
        }
    }
    visibility
}

/// Ruby: a `class << self` statement directly in a class or module body (its defs are that
/// class's or module's class methods).
fn singleton_of_enclosing_self(singleton_class: Node<'_>) -> bool {
    singleton_class.kind() == "singleton_class"
        && singleton_class.child_by_field_name("value").map(|v| v.kind() == "self").unwrap_or(false)
        && singleton_class.parent().filter(|b| b.kind() == "body_statement").and_then(|b| b.parent()).map(|c| matches!(c.kind(), "class" | "module")).unwrap_or(false)
}

/// The visibility a call word gives a `def` of this kind, if any (`private` does not touch
/// `def self.x`; `private_class_method` touches only it).
/// The visibility the last call after `statement` (among its siblings) that names the method
/// gives it (`private :name`, or `private_class_method :name` for a `singleton` method), else
/// `visibility`.
fn named_by_later_calls(
    statement: Node<'_>,
    name: &[u8],
    singleton: bool,
    source: &[u8],
    mut visibility: &'static str,
) -> &'static str {
    let mut sibling = statement.next_named_sibling();
    while let Some(s) = sibling {
        if let Some(word) = visibility_call(s, source) {
            if let (Some(v), Some(args)) = (effect(word, singleton), s.child_by_field_name("arguments")) {
                if names_method(args, name, source) {
                    visibility = v;
                }
            }
        }
        sibling = s.next_named_sibling();
    }
    visibility
}

fn effect(word: &str, singleton: bool) -> Option<&'static str> {
    if singleton {
        CLASS_VISIBILITY.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
    } else {
        INSTANCE_VISIBILITY.iter().find(|w| **w == word).copied()
    }
}

/// A receiver-less call of a visibility method: its name.
fn visibility_call(call: Node<'_>, source: &[u8]) -> Option<&'static str> {
    if call.kind() != "call" || call.child_by_field_name("receiver").is_some() {
        return None;
    }
    let method = call.child_by_field_name("method")?;
    let text = &source[method.byte_range()];
    INSTANCE_VISIBILITY.iter().copied().chain(CLASS_VISIBILITY.iter().map(|(w, _)| *w)).find(|w| w.as_bytes() == text)
}

/// An argument-less `private` / `protected` / `public` (bare, or `private()`): its name.
fn section_keyword(node: Node<'_>, source: &[u8]) -> Option<&'static str> {
    let word = match node.kind() {
        "identifier" => &source[node.byte_range()],
        "call" if node.child_by_field_name("arguments").map(|a| a.named_child_count() == 0).unwrap_or(true) => {
            visibility_call(node, source)?.as_bytes()
        }
        _ => return None,
    };
    INSTANCE_VISIBILITY.iter().copied().find(|w| w.as_bytes() == word)
}

/// Whether the arguments of a visibility call name `name` (`:foo`, `"foo"`, `[:foo]`, `%i[foo]`).
fn names_method(args: Node<'_>, name: &[u8], source: &[u8]) -> bool {
    let mut cursor = args.walk();
    let found = args.named_children(&mut cursor).any(|a| match a.kind() {
        "simple_symbol" => source[a.byte_range()].strip_prefix(b":") == Some(name),
        "delimited_symbol" | "string" => {
            let mut c = a.walk();
            let parts: Vec<Node<'_>> = a.named_children(&mut c).collect();
            parts.len() == 1 && parts[0].kind() == "string_content" && &source[parts[0].byte_range()] == name
        }
        "bare_symbol" | "bare_string" => &source[a.byte_range()] == name,
        "array" | "symbol_array" | "string_array" => names_method(a, name, source),
        _ => false,
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    /// (name, visibility) of every `def` in `src`, in source order.
    /// (name, visibility) pairs borrowed, to compare with a literal list.
    fn by_name<'a>(got: &'a [(String, &'static str)]) -> Vec<(&'a str, &'static str)> {
        got.iter().map(|(n, v)| (n.as_str(), *v)).collect()
    }

    fn ruby(src: &str) -> Vec<(String, &'static str)> {
        let tree = crate::parse(Language::Ruby, src.as_bytes()).unwrap();
        let mut out = Vec::new();
        let mut stack = vec![tree.root_node()];
        while let Some(n) = stack.pop() {
            if matches!(n.kind(), "method" | "singleton_method") {
                let name = n.child_by_field_name("name").unwrap();
                out.push((n.start_byte(), String::from_utf8_lossy(&src.as_bytes()[name.byte_range()]).into_owned(), ruby_method_visibility(n, src.as_bytes())));
            }
            let mut cursor = n.walk();
            stack.extend(n.children(&mut cursor));
        }
        out.sort();
        out.into_iter().map(|(_, n, v)| (n, v)).collect()
    }

    #[test]
    fn ruby_sections_named_calls_and_singletons() {
        let src = "class A\n  def a; end\n  private\n  def b; end\n  protected def c; end\n  def d; end\n  public\n  def self.e; end\n  def f; end\n  private :a, \"f\"\n  private_class_method :e\n  def initialize; end\n  private %i[g]\n  class << self\n    private()\n    def h; end\n  end\nend\ndef top; end\n";
        let got = ruby(src);
        let want = [
            ("a", "private"),      // `private :a` after it
            ("b", "private"),      // in the `private` section
            ("c", "protected"),    // `protected def c`
            ("d", "private"),      // still the `private` section: a call with arguments is no section
            ("e", "private"),      // `private_class_method :e`; the sections never touch `def self.`
            ("f", "private"),      // `private "f"` (string) after it
            ("initialize", "private"), // always private, even in a `public` section
            ("h", "private"),      // `private()` section of `class << self`
            ("top", "public"),     // outside any class body
        ];
        assert_eq!(by_name(&got), want);
    }

    /// Defs of `class << self` are class methods of the enclosing class: its own sections apply
    /// (rules 1–3), and a later `private_class_method` of the enclosing body (rule 4), but not
    /// that body's `private :name` (instance methods only). A top-level `class << obj` follows
    /// rules 1–3 of its body.
    #[test]
    fn ruby_class_self_defs_are_class_methods() {
        let src = "class A\n  class << self\n    def a; end\n    def b; end\n    def initialize; end\n    private\n    def c; end\n    public :c\n  end\n  private_class_method :b\n  private :a\nend\nclass << obj\n  private\n  def d; end\nend\n";
        let got = ruby(src);
        let want = [
            ("a", "public"),          // `private :a` of the class body names instance methods only
            ("b", "private"),         // `private_class_method :b` after the `class << self`
            ("initialize", "public"), // a singleton `initialize` is not forced private
            ("c", "public"),          // `private` section, then `public :c` in the same body
            ("d", "private"),         // `private` section of a top-level `class << obj`
        ];
        assert_eq!(by_name(&got), want);
    }

    #[test]
    fn go_receivers_and_exported_names() {
        let src = "package p\nfunc (s *S) A() {}\nfunc (List[T]) B() {}\nfunc (m *Map[K, V]) C() {}\nfunc (x (T)) D() {}\n";
        let tree = crate::parse(Language::Go, src.as_bytes()).unwrap();
        let root = tree.root_node();
        let mut cursor = root.walk();
        let names: Vec<String> = root
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "method_declaration")
            .map(|m| go_receiver_type(m).map(|t| String::from_utf8_lossy(&src.as_bytes()[t.byte_range()]).into_owned()).unwrap_or_default())
            .collect();
        assert_eq!(names, vec!["S", "List", "Map", "T"]);
        assert!(go_exported("Server") && go_exported("Ñu") && !go_exported("server") && !go_exported("_x"));
    }
}
