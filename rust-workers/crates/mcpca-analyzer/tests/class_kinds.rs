//! `metrics` class records and the `symbols` outline name a declaration alike: every named class
//! record has an outline symbol of the same name, kind and line, and every class-like outline
//! symbol a record (in the languages where both list the same declarations).

use lang::Language;

/// (qualified name, kind, line) of the named class records.
fn records(lang: Language, src: &str) -> Vec<(String, String, u32)> {
    let m = metrics::analyze_source(lang, src.as_bytes());
    assert!(m.errors.is_empty(), "{lang}: {:?}", m.errors);
    m.classes.iter().filter(|c| !c.name.starts_with('<')).map(|c| (c.qualified_name.clone(), c.kind.to_string(), c.start_line)).collect()
}

/// (qualified name, kind, line) of the class-like outline symbols.
fn outline(lang: Language, src: &str) -> Vec<(String, String, u32)> {
    symbols::outline(lang, src.as_bytes())
        .into_iter()
        .filter(|s| !matches!(s.kind.as_str(), "function" | "method" | "constructor" | "destructor"))
        .map(|s| (s.qualified_name, s.kind, s.start_line))
        .collect()
}

/// Regression: Kotlin interfaces were class records of kind `class` (outline: `interface`).
/// Kotlin `enum class` is `enum` in both now (it was `class` in both).
#[test]
fn kotlin_interfaces_enums_and_objects() {
    let src = "interface I {\n    fun m(x: Int): Int\n}\nsealed interface S\nenum class E { A, B; fun f() {} }\npublic enum class P(val v: Int) { X(1) }\nobject O { fun g() {} }\nclass C { fun h() {} }\ndata class D(val x: Int)\n";
    let want = |q: &str, k: &str, l: u32| (q.to_string(), k.to_string(), l);
    let expected = vec![
        want("I", "interface", 1),
        want("S", "interface", 4),
        want("E", "enum", 5),
        want("P", "enum", 6),
        want("O", "object", 7),
        want("C", "class", 8),
        want("D", "class", 9),
    ];
    assert_eq!(records(Language::Kotlin, src), expected);
    assert_eq!(outline(Language::Kotlin, src), expected);
}

/// Regression: Swift structs, enums, extensions and protocols were class records of kind `class`
/// and `protocol` (outline: `struct`, `enum`, `extension`, `interface`).
#[test]
fn swift_structs_enums_extensions_and_protocols() {
    let src = "protocol Shape {\n    func area() -> Double\n}\nstruct Square: Shape {\n    func area() -> Double { return 1 }\n}\nenum Kind { case a, b }\nclass Box {}\nextension Box {\n    func open() {}\n}\n";
    let kinds: Vec<String> = records(Language::Swift, src).into_iter().map(|(_, k, _)| k).collect();
    assert_eq!(kinds, ["interface", "struct", "enum", "class", "extension"]);
    assert_eq!(records(Language::Swift, src), outline(Language::Swift, src));
}

#[test]
fn javascript_and_typescript_classes() {
    let js = "class A {\n  m() {}\n}\nexport class B extends A {}\n";
    assert_eq!(records(Language::JavaScript, js), outline(Language::JavaScript, js));
    let ts = "abstract class A {\n  abstract m(): void;\n}\nexport class B extends A { m() {} }\n";
    assert_eq!(records(Language::TypeScript, ts), outline(Language::TypeScript, ts));
    assert_eq!(records(Language::TypeScript, ts).len(), 2);
}
