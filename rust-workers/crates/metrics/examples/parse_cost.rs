//! Profiling aid: CPU split between parsing and measuring.
//! `cargo run --release --example parse_cost -- parse|walk|lines|full DIR`
use std::path::PathBuf;

mod common;
use common::files;

fn main() {
    let mode = std::env::args().nth(1).expect("mode");
    let dir = PathBuf::from(std::env::args().nth(2).expect("dir"));
    let mut list = Vec::new();
    files(&dir, &mut list);
    let (mut bytes, mut n, mut sink) = (0usize, 0usize, 0u64);
    let start = std::time::Instant::now();
    for p in &list {
        let Some(lang) = lang::Language::detect(p, b"") else { continue };
        if !metrics::has_function_metrics(lang) {
            continue;
        }
        let src = std::fs::read(p).unwrap();
        bytes += src.len();
        n += 1;
        match mode.as_str() {
            "parse" => sink += lang::parse(lang, &src).map(|t| t.root_node().child_count() as u64).unwrap_or(0),
            "walk" => {
                let t = lang::parse(lang, &src).unwrap();
                let mut c = t.walk();
                loop {
                    sink += 1;
                    if c.goto_first_child() { continue; }
                    loop {
                        if c.goto_next_sibling() { break; }
                        if !c.goto_parent() { break; }
                    }
                    if c.node().id() == t.root_node().id() { break; }
                }
            }
            "lines" => sink += metrics::count_lines_for(lang, &src).code,
            _ => sink += metrics::analyze_source(lang, &src).functions.len() as u64,
        }
    }
    let s = start.elapsed().as_secs_f64();
    println!("{mode}: {n} files {:.1} MB in {s:.2}s = {:.1} MB/s ({sink})", bytes as f64 / 1e6, bytes as f64 / 1e6 / s);
}
