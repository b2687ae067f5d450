//! Profiling aid: per-language parse throughput and the slowest files (by MB/s).
//! `cargo run --release --example parse_outliers -- DIR [N]`
use std::collections::BTreeMap;
use std::path::PathBuf;

mod common;
use common::files;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("dir"));
    let top: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(20);
    let mut list = Vec::new();
    files(&dir, &mut list);
    let mut per_lang: BTreeMap<&str, (usize, usize, f64, f64)> = BTreeMap::new();
    let mut per_file = Vec::new();
    for p in &list {
        let Some(lang) = lang::Language::detect(p, b"") else { continue };
        if !metrics::has_function_metrics(lang) {
            continue;
        }
        let src = std::fs::read(p).unwrap();
        if lang::generated::skip_reason(p, &src).is_some() {
            continue;
        }
        let t0 = std::time::Instant::now();
        let tree = lang::parse(lang, &src).unwrap();
        let parse = t0.elapsed().as_secs_f64();
        let errors = tree.root_node().has_error();
        drop(tree);
        let t1 = std::time::Instant::now();
        let _m = metrics::analyze_source(lang, &src);
        let full = t1.elapsed().as_secs_f64();
        let e = per_lang.entry(lang.name()).or_default();
        e.0 += 1;
        e.1 += src.len();
        e.2 += parse;
        e.3 += full;
        per_file.push((parse, src.len(), errors, p.clone()));
    }
    for (l, (n, b, parse, full)) in &per_lang {
        println!("{l:<12} {n:>5} files {:>6.1} MB parse {parse:>6.2}s ({:>5.1} MB/s) full {full:>6.2}s ({:>5.1} MB/s)", *b as f64 / 1e6, *b as f64 / 1e6 / parse, *b as f64 / 1e6 / full);
    }
    let total: f64 = per_file.iter().map(|f| f.0).sum();
    let err: f64 = per_file.iter().filter(|f| f.2).map(|f| f.0).sum();
    let err_bytes: usize = per_file.iter().filter(|f| f.2).map(|f| f.1).sum();
    println!("parse total {total:.2}s; files with errors: {:.2}s, {:.1} MB", err, err_bytes as f64 / 1e6);
    per_file.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    for (t, b, e, p) in per_file.iter().take(top) {
        println!("{t:>7.3}s {:>8} B {:>6.1} MB/s err={e} {}", b, *b as f64 / 1e6 / t, p.display());
    }
}
