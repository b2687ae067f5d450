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

/// Asserts that both the class records and the class-like outline symbols are exactly `expected`
/// ((qualified name, kind, line), in source order).
fn assert_both(lang: Language, src: &str, expected: &[(&str, &str, u32)]) {
    let expected: Vec<(String, String, u32)> = expected.iter().map(|(q, k, l)| (q.to_string(), k.to_string(), *l)).collect();
    assert_eq!(records(lang, src), expected, "{lang}: metrics class records");
    assert_eq!(outline(lang, src), expected, "{lang}: outline symbols");
}

/// Regression: Kotlin interfaces were class records of kind `class` (outline: `interface`).
/// Kotlin `enum class` is `enum` in both now (it was `class` in both).
#[test]
fn kotlin_interfaces_enums_and_objects() {
    let src = "interface I {\n    fun m(x: Int): Int\n}\nsealed interface S\nenum class E { A, B; fun f() {} }\npublic enum class P(val v: Int) { X(1) }\nobject O { fun g() {} }\nclass C { fun h() {} }\ndata class D(val x: Int)\n";
    assert_both(
        Language::Kotlin,
        src,
        &[
        ("I", "interface", 1),
        ("S", "interface", 4),
        ("E", "enum", 5),
        ("P", "enum", 6),
        ("O", "object", 7),
        ("C", "class", 8),
        ("D", "class", 9),
    ],
    );
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

/// Regression: a Java annotation type (`@interface`) was a class record of kind `annotation` but
/// an outline symbol of kind `interface`; both say `annotation` now.
#[test]
fn java_classes_interfaces_enums_records_and_annotation_types() {
    let src = "package p;\npublic class A {\n  interface I { void m(); }\n  @interface Inner { int n() default 0; }\n}\nenum E { X; void f() {} }\nrecord R(int x) {}\npublic @interface Ann {\n  String value() default \"\";\n  enum Level { LOW }\n}\n";
    assert_both(
        Language::Java,
        src,
        &[
        ("A", "class", 2),
        ("A.I", "interface", 3),
        ("A.Inner", "annotation", 4),
        ("E", "enum", 6),
        ("R", "record", 7),
        ("Ann", "annotation", 8),
        ("Ann.Level", "enum", 10),
    ],
    );
    // Annotation elements are methods in both (the outline had none).
    let m = metrics::analyze_source(Language::Java, src.as_bytes());
    let functions: Vec<(String, u32)> = m.functions.iter().map(|f| (f.qualified_name.clone(), f.start_line)).collect();
    let methods: Vec<(String, u32)> = symbols::outline(Language::Java, src.as_bytes())
        .into_iter()
        .filter(|s| s.kind == "method")
        .map(|s| (s.qualified_name, s.start_line))
        .collect();
    assert_eq!(functions, methods);
    assert!(methods.contains(&("A.Inner.n".to_string(), 4)) && methods.contains(&("Ann.value".to_string(), 9)), "{methods:?}");
}

/// Regression: a Kotlin `companion object` was a class record (`C.<anonymous>` when unnamed)
/// holding its functions, but no outline symbol, so the outline made its functions methods of the
/// enclosing class (`C.create`) where metrics said `C.<anonymous>.create`. Both now name it as
/// Kotlin does (`Companion` unless declared with a name), kind `object`, its functions its own.
#[test]
fn kotlin_companion_objects_named_and_unnamed() {
    let src = "class C {\n    fun a() {}\n    companion object {\n        fun create(): C = C()\n    }\n}\nclass D {\n    private companion object Factory : Base() {\n        fun make() {}\n    }\n}\n";
    assert_both(
        Language::Kotlin,
        src,
        &[("C", "class", 1), ("C.Companion", "object", 3), ("D", "class", 7), ("D.Factory", "object", 8)],
    );
    // Functions: the same qualified names in both, each counted in its own record.
    let m = metrics::analyze_source(Language::Kotlin, src.as_bytes());
    let functions: Vec<(String, Option<String>)> = m
        .functions
        .iter()
        .map(|f| (f.qualified_name.clone(), f.class_index.map(|c| m.classes[c as usize].qualified_name.clone())))
        .collect();
    let methods: Vec<(String, Option<String>)> = symbols::outline(Language::Kotlin, src.as_bytes())
        .into_iter()
        .filter(|s| s.kind == "method")
        .map(|s| (s.qualified_name, s.parent))
        .collect();
    assert_eq!(functions, methods);
    assert_eq!(
        methods,
        vec![
            ("C.a".to_string(), Some("C".to_string())),
            ("C.Companion.create".to_string(), Some("C.Companion".to_string())),
            ("D.Factory.make".to_string(), Some("D.Factory".to_string())),
        ]
    );
    let counts: Vec<(&str, u32, u32)> = m.classes.iter().map(|c| (c.qualified_name.as_str(), c.methods, c.public_methods)).collect();
    assert_eq!(counts, vec![("C", 1, 1), ("C.Companion", 1, 1), ("D", 0, 0), ("D.Factory", 1, 1)]);
}
