//! The Java fixture `tests/fixtures/shop` (four files, two packages) against what `javac` and
//! `javap -c -p` (JDK 17) say about it:
//! * `Book extends Product implements Item, Comparable<Book>`; Item, Product, Product.Sku and Cart
//!   extend Object only (javap's class headers);
//! * call targets bound by javac: `Book.price` → `base` (inherited from Product), `Book.compareTo`
//!   → `price` twice and `java/lang/Integer.compare`, `Cart.put` → `java/util/List.add`,
//!   `Cart.total` → `com/shop/model/Item.price` (an interface call).
//! The graph draws the calls into the tree javac bound (2 edges), leaves `Integer.compare` and
//! `List.add` unresolved and `i.price()` ambiguous (Item.price or Book.price: receivers are not
//! typed), as `kg.rs` documents.

use std::path::Path;

use structure::kg::{self, Import, ImportTarget, Indexed};
use structure::query::{self, Query};
use structure::SourceFile;

fn shop() -> Vec<SourceFile> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shop");
    let mut files: Vec<SourceFile> = ["com/shop/Cart.java", "com/shop/model/Book.java", "com/shop/model/Item.java", "com/shop/model/Product.java"]
        .iter()
        .map(|p| {
            let source = std::fs::read(base.join(p)).unwrap();
            SourceFile {
                path: p.to_string(),
                language: "java".into(),
                package: structure::declared_package("java", &source),
                structure: symbols::file_structure(lang::Language::Java, &source),
            }
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// Cart's imports as javac resolves them (two files of the tree, two JDK types).
fn imports() -> Vec<Import> {
    vec![
        Import { from: "com/shop/Cart.java".into(), target: ImportTarget::File("com/shop/model/Book.java".into()) },
        Import { from: "com/shop/Cart.java".into(), target: ImportTarget::File("com/shop/model/Item.java".into()) },
        Import { from: "com/shop/Cart.java".into(), target: ImportTarget::External { ecosystem: "java".into(), package: "java.util".into() } },
    ]
}

fn edges(g: &Indexed, kind: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = g
        .graph
        .edges
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| (g.graph.nodes[e.from as usize].id.clone(), g.graph.nodes[e.to as usize].id.clone()))
        .collect();
    out.sort();
    out
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn supertypes_and_calls_agree_with_javap() {
    let g = Indexed::new(kg::build(".", &shop(), &imports()));
    assert_eq!(edges(&g, "extends"), pairs(&[("type:com/shop/model/Book.java#Book", "type:com/shop/model/Product.java#Product")]));
    assert_eq!(edges(&g, "implements"), pairs(&[("type:com/shop/model/Book.java#Book", "type:com/shop/model/Item.java#Item")]));
    assert_eq!(
        edges(&g, "calls"),
        pairs(&[
            ("fn:com/shop/model/Book.java#Book.compareTo", "fn:com/shop/model/Book.java#Book.price"),
            ("fn:com/shop/model/Book.java#Book.price", "fn:com/shop/model/Product.java#Product.base"),
        ])
    );
    let r = &g.graph.resolution;
    assert_eq!(
        (r.calls_found, r.calls_resolved, r.calls_ambiguous, r.calls_unresolved, r.supertypes_resolved, r.supertypes_unresolved),
        (6, 3, 1, 2, 2, 1)
    );
    assert_eq!(
        edges(&g, "imports"),
        pairs(&[
            ("file:com/shop/Cart.java", "ext:java:java.util"),
            ("file:com/shop/Cart.java", "file:com/shop/model/Book.java"),
            ("file:com/shop/Cart.java", "file:com/shop/model/Item.java"),
        ])
    );
}

#[test]
fn nodes_and_containment() {
    let g = Indexed::new(kg::build(".", &shop(), &imports()));
    let (nodes, edge_counts) = g.counts();
    let n = |k: &str| nodes.get(k).copied().unwrap_or(0);
    assert_eq!(
        (n("repository"), n("directory"), n("file"), n("module"), n("class"), n("interface"), n("method"), n("external")),
        (1, 3, 4, 2, 4, 1, 6, 1)
    );
    // repo → com → com/shop → com/shop/model, each directory → its files, each package → its files
    assert_eq!(edge_counts["contains"], 3 + 4 + 4);
    // files → 4 top-level types, Product → Sku, types → 6 methods
    assert_eq!(edge_counts["defines"], 4 + 1 + 6);
}

fn ids(g: &Indexed, q: &Query) -> Vec<String> {
    query::run(g, q).unwrap().nodes.iter().map(|(n, _)| g.graph.nodes[*n as usize].id.clone()).collect()
}

#[test]
fn queries() {
    let g = Indexed::new(kg::build(".", &shop(), &imports()));
    let q = |op: &str| Query { op: op.into(), ..Default::default() };
    assert_eq!(
        ids(&g, &Query { kind: Some("method".into()), name: Some("PR*".into()), ..q("nodes") }),
        vec!["fn:com/shop/model/Book.java#Book.price", "fn:com/shop/model/Item.java#Item.price"]
    );
    assert_eq!(ids(&g, &Query { node: Some("Product".into()), relation: Some("subtypes".into()), ..q("dependents") }), vec!["type:com/shop/model/Book.java#Book"]);
    assert_eq!(ids(&g, &Query { node: Some("Book.price".into()), relation: Some("calls".into()), ..q("dependents") }), vec!["fn:com/shop/model/Book.java#Book.compareTo"]);
    assert_eq!(ids(&g, &Query { node: Some("com/shop/model/Item.java".into()), relation: Some("imports".into()), ..q("dependents") }), vec!["file:com/shop/Cart.java"]);
    assert_eq!(
        ids(&g, &Query { from: Some("Book.compareTo".into()), to: Some("Product.base".into()), ..q("path") }),
        vec!["fn:com/shop/model/Book.java#Book.compareTo", "fn:com/shop/model/Book.java#Book.price", "fn:com/shop/model/Product.java#Product.base"]
    );
    assert_eq!(ids(&g, &Query { from: Some("Product.base".into()), to: Some("Book.compareTo".into()), ..q("path") }), Vec::<String>::new());
    let err = query::run(&g, &Query { node: Some("price".into()), relation: Some("calls".into()), ..q("dependents") }).unwrap_err();
    assert_eq!(
        err,
        structure::Error::BadQuery("`price` names 2 nodes (fn:com/shop/model/Book.java#Book.price, fn:com/shop/model/Item.java#Item.price): pass an id".into())
    );
    assert!(query::run(&g, &Query { node: Some("Cart".into()), depth: Some(11), ..q("neighbors") }).is_err());
}

#[test]
fn class_picture_and_its_collapse() {
    let files = shop();
    let d = structure::classes::picture(&files, 150);
    assert_eq!((d.level, d.collapsed, d.picture.nodes.len(), d.picture.edges.len()), ("type", false, 6, 4));
    assert_eq!(
        d.picture.mermaid(),
        "flowchart LR\n  subgraph g0[\"com/shop/Cart.java\"]\n    n0[\"Cart\"]\n  end\n  subgraph g1[\"com/shop/model/Book.java\"]\n    n1[\"Book\"]\n  end\n  subgraph g2[\"com/shop/model/Item.java\"]\n    n2([\"«interface» Item\"])\n  end\n  subgraph g3[\"com/shop/model/Product.java\"]\n    n3[\"Product\"]\n    n4[\"Product.Sku\"]\n  end\n  n5[/\"Comparable\"/]\n  n1 -->|\"extends\"| n3\n  n1 -.->|\"implements\"| n2\n  n1 -.->|\"implements\"| n5\n  n3 ---|\"contains\"| n4\n"
    );
    let c = structure::classes::picture(&files, 2);
    assert_eq!((c.level, c.collapsed, c.picture.nodes.len(), c.picture.edges.len()), ("directory", true, 2, 0));
    assert_eq!(c.note.as_deref(), Some("6 nodes exceed maxNodes 2: collapsed to 2 directories (relations inside a directory and to external types not drawn)"));
}

#[test]
fn exports() {
    let g = Indexed::new(kg::build(".", &shop(), &imports()));
    let book = query::find(&g, "Book").unwrap();
    let product = query::find(&g, "Product").unwrap();
    let nodes = vec![book, product];
    let edges = structure::export::edges_among(&g, &nodes);
    assert_eq!(
        structure::export::write(&g, &nodes, &edges, "cypher").unwrap(),
        format!("CREATE\n  (n{book}:Class {{id: 'type:com/shop/model/Book.java#Book', name: 'Book', path: 'com/shop/model/Book.java', line: 3}}),\n  (n{product}:Class {{id: 'type:com/shop/model/Product.java#Product', name: 'Product', path: 'com/shop/model/Product.java', line: 3}}),\n  (n{book})-[:EXTENDS]->(n{product});\n")
    );
    let json: serde_json::Value = serde_json::from_str(&structure::export::write(&g, &nodes, &edges, "json").unwrap()).unwrap();
    assert_eq!(json["edges"], serde_json::json!([{"from": "type:com/shop/model/Book.java#Book", "to": "type:com/shop/model/Product.java#Product", "kind": "extends"}]));
    let graphml = structure::export::write(&g, &nodes, &edges, "graphml").unwrap();
    assert!(graphml.contains("<edge source=\"type:com/shop/model/Book.java#Book\" target=\"type:com/shop/model/Product.java#Product\"><data key=\"ekind\">extends</data></edge>"), "{graphml}");
    assert!(structure::export::write(&g, &nodes, &edges, "png").is_err());
}
