//! Prints the tree-sitter tree of a file (for writing extraction rules): `sexp <lang> <file>`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let lang = lang::Language::from_name(&args[1]).expect("language");
    let src = std::fs::read(&args[2]).expect("file");
    let tree = lang::parse(lang, &src).expect("parse");
    print(tree.root_node(), &src, 0);
}

fn print(n: lang::tree_sitter::Node, src: &[u8], depth: usize) {
    let text = if n.child_count() == 0 { format!(" {:?}", n.utf8_text(src).unwrap_or("")) } else { String::new() };
    let field = String::new();
    println!("{}{}{}{}", "  ".repeat(depth), field, n.kind(), text);
    let mut c = n.walk();
    for (i, ch) in n.children(&mut c).enumerate() {
        let f = n.field_name_for_child(i as u32).map(|f| format!("{f}: ")).unwrap_or_default();
        print!("{}", if f.is_empty() { String::new() } else { String::new() });
        let _ = f;
        print_named(ch, src, depth + 1, n.field_name_for_child(i as u32));
    }
}

fn print_named(n: lang::tree_sitter::Node, src: &[u8], depth: usize, field: Option<&str>) {
    let text = if n.child_count() == 0 { format!(" {:?}", n.utf8_text(src).unwrap_or("")) } else { String::new() };
    println!("{}{}{}{}", "  ".repeat(depth), field.map(|f| format!("{f}: ")).unwrap_or_default(), n.kind(), text);
    let mut c = n.walk();
    for (i, ch) in n.children(&mut c).enumerate() {
        print_named(ch, src, depth + 1, n.field_name_for_child(i as u32));
    }
}
