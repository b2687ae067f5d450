//! Debugging aid: per-file cloc-style line counts, one `code comment blank physical language path`
//! line per recognized file, for diffing two builds of the line counter over a large tree.
//! `cargo run --release --example line_counts -- DIR...`
use std::path::Path;

mod common;
use common::files;

fn main() {
    let mut list = Vec::new();
    for dir in std::env::args().skip(1) {
        files(Path::new(&dir), &mut list);
    }
    list.sort();
    for p in &list {
        let Ok(src) = std::fs::read(p) else { continue };
        let head = &src[..src.len().min(256)];
        let Some(lang) = lang::Language::detect(p, head) else { continue };
        let c = metrics::count_lines_for(lang, &src);
        println!("{} {} {} {} {} {}", c.code, c.comment, c.blank, c.physical, lang, p.display());
    }
}
