//! Debug aid: prints the tree-sitter syntax tree of a file (`cargo run --example sexp -- FILE`).
fn main() {
    let path = std::env::args().nth(1).expect("usage: sexp FILE");
    let source = std::fs::read(&path).expect("read");
    let lang = lang::Language::detect(std::path::Path::new(&path), &source).expect("language");
    let tree = lang::parse(lang, &source).expect("parse");
    let mut cursor = tree.walk();
    let mut depth = 0;
    loop {
        let n = cursor.node();
        let field = cursor.field_name().map(|f| format!("{f}: ")).unwrap_or_default();
        let text = if n.child_count() == 0 { format!(" {:?}", String::from_utf8_lossy(&source[n.byte_range()])) } else { String::new() };
        println!("{}{}{}{} [{}]", "  ".repeat(depth), field, n.kind(), text, n.start_position().row + 1);
        if cursor.goto_first_child() { depth += 1; continue; }
        loop {
            if cursor.goto_next_sibling() { break; }
            if !cursor.goto_parent() { return; }
            depth -= 1;
        }
    }
}
