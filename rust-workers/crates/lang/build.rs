//! Compiles the pinned tree-sitter grammars (grammars/node_modules, fetched by `npm ci`) into
//! one static library per grammar.
//!
//! It also links Debian's static tree-sitter runtime whole, in place of the shared `libtree-sitter`
//! that the `tree-sitter` crate names (see `link_static_runtime`).
//!
//! cc 1.0.73 names its objects after the source file (`parser.o`, `scanner.o`), so every
//! grammar gets its own `out_dir`; sharing one would let parallel builds link the wrong objects.

use std::path::{Path, PathBuf};

/// (library name, directory under grammars/node_modules holding `src/parser.c`).
const GRAMMARS: &[(&str, &str)] = &[
    ("tree-sitter-java", "tree-sitter-java"),
    ("tree-sitter-python", "tree-sitter-python"),
    ("tree-sitter-javascript", "tree-sitter-javascript"),
    ("tree-sitter-typescript", "tree-sitter-typescript/typescript"),
    ("tree-sitter-tsx", "tree-sitter-typescript/tsx"),
    ("tree-sitter-rust", "tree-sitter-rust"),
    ("tree-sitter-go", "tree-sitter-go"),
    ("tree-sitter-c", "tree-sitter-c"),
    ("tree-sitter-cpp", "tree-sitter-cpp"),
    ("tree-sitter-c-sharp", "tree-sitter-c-sharp"),
    ("tree-sitter-ruby", "tree-sitter-ruby"),
    // `php` (not `php_only`): parses `<?php ... ?>` with the surrounding HTML as `text`.
    ("tree-sitter-php", "tree-sitter-php/php"),
    ("tree-sitter-kotlin", "tree-sitter-kotlin"),
    ("tree-sitter-bash", "tree-sitter-bash"),
    ("tree-sitter-scala", "tree-sitter-scala"),
    ("tree-sitter-swift", "tree-sitter-swift"),
];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let modules = manifest.join("../../grammars/node_modules");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    link_static_runtime();
    println!("cargo:rerun-if-changed={}", manifest.join("../../grammars/package-lock.json").display());
    for (_, dir) in GRAMMARS {
        let parser = modules.join(dir).join("src/parser.c");
        if !parser.exists() {
            panic!(
                "grammar source {} is missing: run `npm ci --ignore-scripts` in rust-workers/grammars \
                 (the Maven build does this when node_modules is absent)",
                parser.display()
            );
        }
    }
    // The grammars are independent C files of 1.5..34 MB; compiling them one after another is
    // most of a clean build, so they are spread over NUM_JOBS threads (cargo's -j), largest first.
    let jobs: usize = std::env::var("NUM_JOBS").ok().and_then(|n| n.parse().ok()).unwrap_or(2).max(1);
    let mut queue: Vec<(&str, PathBuf)> = GRAMMARS.iter().map(|(lib, dir)| (*lib, modules.join(dir).join("src"))).collect();
    // ascending by size: `pop` takes the largest first
    queue.sort_by_key(|(_, src)| std::fs::metadata(src.join("parser.c")).map(|m| m.len()).unwrap_or(0));
    let queue = std::sync::Mutex::new(queue);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let next = queue.lock().unwrap().pop();
                let Some((lib, src)) = next else { break };
                compile(lib, &src, &out.join(lib));
            });
        }
    });
}

/// Links Debian's static tree-sitter runtime (`libtree-sitter.a` of `libtree-sitter-dev`) whole, in
/// place of the shared library the `tree-sitter` crate names: the parser's small helpers are then
/// direct calls instead of calls through the PLT with semantic interposition. Linked with
/// `+whole-archive`, every `ts_*` symbol is defined before the linker reaches the crate's
/// `-ltree-sitter`, which `--as-needed` then drops. No archive (another distribution): the shared
/// library is used as before.
fn link_static_runtime() {
    let libdir = std::process::Command::new("pkg-config")
        .args(["--variable=libdir", "tree-sitter"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|d| !d.is_empty());
    let Some(libdir) = libdir else {
        println!("cargo:warning=pkg-config does not know tree-sitter; linking the shared runtime");
        return;
    };
    let archive = Path::new(&libdir).join("libtree-sitter.a");
    println!("cargo:rerun-if-changed={}", archive.display());
    if !archive.is_file() {
        println!("cargo:warning=no {}; linking the shared runtime", archive.display());
        return;
    }
    println!("cargo:rustc-link-search=native={libdir}");
    println!("cargo:rustc-link-lib=static:+whole-archive,-bundle=tree-sitter");
}

fn compile(lib: &str, src: &Path, out_dir: &Path) {
    std::fs::create_dir_all(out_dir).expect("create grammar out_dir");
    let mut build = cc::Build::new();
    build
        .include(src)
        .out_dir(out_dir)
        .opt_level(2)
        .warnings(false)
        .flag_if_supported("-std=c11")
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-Wno-unused-but-set-variable")
        .flag_if_supported("-Wno-trigraphs")
        .file(src.join("parser.c"));
    let scanner = src.join("scanner.c");
    if scanner.exists() {
        build.file(&scanner);
        println!("cargo:rerun-if-changed={}", scanner.display());
    }
    println!("cargo:rerun-if-changed={}", src.join("parser.c").display());
    build.compile(lib);
}
