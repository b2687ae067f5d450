//! `mcpca-analyzer`: the analyzer binary. One binary, two modes:
//!
//! * `mcpca-analyzer metrics <path>... [--format json|table] [--jobs N] [--cache-dir DIR]
//!   [--no-cache]` — every metric of every
//!   file, function and class, rolled up per directory and language (schema: `rust-workers/README.md`,
//!   section "Output schema"). `--parse-only` parses and counts lines but measures nothing else:
//!   the cost of tree-sitter's parse alone, which `bench/analyzer` prints beside `metrics`.
//! * `mcpca-analyzer summary <path>... [--format json|table] [--jobs N]` — line counts per
//!   language only (no parse; the fast path).
//! * `mcpca-analyzer serve [--shared-cache-wait-ms MS]` — JSON lines on stdin/stdout for the Java
//!   workers (see `serve.rs`, `shared_cache.rs` and the `protocol` crate).
//!
//! This is the only crate using `anyhow`; the libraries return typed errors.

mod crossrepo_cmd;
mod deps_cmd;
mod evolution_cmd;
mod file_cmd;
mod files_cmd;
mod history_cmd;
mod hotspots_cmd;
mod metrics_page;
mod paging;
mod quality_cmd;
mod project_cmd;
mod scan;
mod search_cmd;
#[cfg(test)]
mod test_dirs;
mod serve;
mod shards;
mod shared_cache;
mod symbols_cmd;
mod tree_cmd;
mod structure_cmd;
mod structure_tools;

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use scan::{DirectoryResult, ScanOptions};

#[derive(Parser)]
#[command(name = "mcpca-analyzer", version, about = "Code metrics that agree with cloc, PMD, ESLint and radon")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure files and directories (directories honour .gitignore; symlinks are not followed).
    Metrics {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Indent the JSON (default: compact, one line).
        #[arg(long)]
        pretty: bool,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Skip files larger than this many bytes.
        #[arg(long, default_value_t = scan::DEFAULT_MAX_FILE_BYTES)]
        max_file_size: u64,
        /// Per-file result cache directory (no cache unless given): an unchanged file is read
        /// back instead of parsed.
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// Disable the cache even if --cache-dir is given.
        #[arg(long)]
        no_cache: bool,
        /// Parse every file and measure nothing else (lines are counted; functions, classes and
        /// errors stay empty): the cost of tree-sitter's parse alone, for benchmarks.
        #[arg(long, conflicts_with = "cache_dir")]
        parse_only: bool,
    },
    /// Line counts per language only (no parsing): the fast overview.
    Summary {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Skip files larger than this many bytes.
        #[arg(long, default_value_t = scan::DEFAULT_MAX_FILE_BYTES)]
        max_file_size: u64,
    },
    /// Serve JSON-line requests on stdin until EOF.
    Serve {
        /// Worker threads for analyze-metrics (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        #[arg(long, default_value_t = scan::DEFAULT_MAX_FILE_BYTES)]
        max_file_size: u64,
        // --- symbols/cache/limits (serve.rs owner) ---
        /// Per-file result cache (default $XDG_CACHE_HOME/mcpca or ~/.cache/mcpca).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// Disable the on-disk cache.
        #[arg(long)]
        no_cache: bool,
        /// Address-space limit (setrlimit RLIMIT_AS) in MiB; 0 = unlimited.
        #[arg(long, default_value_t = serve::DEFAULT_MEMORY_LIMIT_MB)]
        memory_limit_mb: u64,
        /// How long a `sharedCache` request waits for the worker's `cacheEntries` line before it
        /// measures everything itself (never longer than the request's deadline).
        #[arg(long, default_value_t = shared_cache::DEFAULT_WAIT_MS)]
        shared_cache_wait_ms: u64,
        /// `calculate-metrics` of a file smaller than this (bytes) skips the local and shared
        /// caches: measuring it costs less than they do. 0 = every file goes through them.
        #[arg(long, default_value_t = 0)]
        small_file_bytes: u64,
    },
    /// Outline files (functions, classes, ...) or, with --query, search the symbols by name.
    Symbols {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Search the symbol index for this name (exact > prefix > word > substring).
        #[arg(long)]
        query: Option<String>,
        /// Maximum matches with --query.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        #[arg(long)]
        jobs: Option<usize>,
        #[arg(long, default_value_t = scan::DEFAULT_MAX_FILE_BYTES)]
        max_file_size: u64,
        /// Per-file result cache directory (no cache unless given).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
    },
    /// Imports and the dependency graph of a tree: summary, cycles, most depended-on nodes,
    /// externals, unresolved imports and every node with its edges (JSON, unpaged).
    Deps {
        #[arg(required = true)]
        path: PathBuf,
        /// file, directory or external.
        #[arg(long, default_value = "file")]
        level: String,
        /// Most depended-on nodes to list.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Print every file's imports (spec, kind, target) instead of the graph.
        #[arg(long)]
        imports: bool,
        #[arg(long)]
        jobs: Option<usize>,
        #[arg(long, default_value_t = scan::DEFAULT_MAX_FILE_BYTES)]
        max_file_size: u64,
    },
    /// Search file contents as `grep -rn` prints them (`path:line:text`, paths relative to PATH);
    /// .gitignore honoured, hidden and binary files skipped (the `search-code` tool's search).
    Search {
        pattern: String,
        path: PathBuf,
        /// The pattern is a regular expression (default: a literal).
        #[arg(long)]
        regex: bool,
        #[arg(short = 'i', long)]
        ignore_case: bool,
        #[arg(short = 'w', long)]
        word: bool,
        #[arg(long)]
        include: Vec<String>,
        #[arg(long)]
        exclude: Vec<String>,
        #[arg(long)]
        jobs: Option<usize>,
        #[arg(long, default_value_t = scan::DEFAULT_MAX_FILE_BYTES)]
        max_file_size: u64,
    },
    /// Quality findings of a file or directory (every finding, one JSON answer): `serve`'s
    /// `analyze-quality` with its further arguments as JSON (`--args '{"rules":["duplicated-blocks"]}'`).
    Quality {
        path: PathBuf,
        /// `analyze-quality` arguments besides `path` (JSON object).
        #[arg(long, default_value = "{}")]
        args: String,
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Several trees side by side (`serve`'s `cross-repo-analysis`, one section, unpaged): each
    /// PATH named by its last component.
    CrossRepo {
        #[arg(required = true, num_args = 2..)]
        paths: Vec<PathBuf>,
        /// dependencies, mismatches, imports or identicalFiles.
        #[arg(long, default_value = "mismatches")]
        section: String,
        /// Files smaller than this are not compared.
        #[arg(long, default_value_t = crossrepo_cmd::DEFAULT_MIN_FILE_BYTES)]
        min_file_size: u64,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Table,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Metrics { paths, format, pretty, jobs, max_file_size, cache_dir, no_cache, parse_only } => {
            configure_threads(jobs)?;
            let cache = match cache_dir {
                Some(d) if !no_cache => Some(std::sync::Arc::new(open_cache(&d)?)),
                _ => None,
            };
            // Compact JSON is written from the files' JSON bodies, made on the worker threads.
            let json_bodies = format == Format::Json && !pretty;
            let options = ScanOptions { max_file_bytes: max_file_size, cache: cache.clone(), json_bodies, parse_only, ..Default::default() };
            let mut results = Vec::new();
            for path in &paths {
                check_exists(path)?;
                results.push(scan::scan(path, None, &options, &|_, _, _| {}));
            }
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            match format {
                Format::Json if pretty && results.len() == 1 => serde_json::to_writer_pretty(&mut out, &results[0])?,
                Format::Json if pretty => serde_json::to_writer_pretty(&mut out, &results)?,
                Format::Json if results.len() == 1 => write_directory_json(&mut out, &results[0])?,
                Format::Json => {
                    out.write_all(b"[")?;
                    for (i, r) in results.iter().enumerate() {
                        if i > 0 {
                            out.write_all(b",")?;
                        }
                        write_directory_json(&mut out, r)?;
                    }
                    out.write_all(b"]")?;
                }
                Format::Table => write_table(&mut out, &results)?,
            }
            writeln!(out)?;
            out.flush()?;
            if let Some(c) = &cache {
                report_cache_stats(c);
            }
            Ok(())
        }
        Command::Summary { paths, format, jobs, max_file_size } => {
            configure_threads(jobs)?;
            let options = ScanOptions { max_file_bytes: max_file_size, ..Default::default() };
            for path in &paths {
                check_exists(path)?;
            }
            let result = scan::summary(&paths, &options);
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            match format {
                Format::Json => serde_json::to_writer_pretty(&mut out, &result)?,
                Format::Table => write_summary_table(&mut out, &result)?,
            }
            writeln!(out)?;
            out.flush()?;
            Ok(())
        }
        Command::Serve { jobs, max_file_size, cache_dir, no_cache, memory_limit_mb, shared_cache_wait_ms, small_file_bytes } => {
            configure_threads(jobs)?;
            serve::set_memory_limit(memory_limit_mb).context("set the memory limit")?;
            let cache = if no_cache {
                None
            } else {
                let dir = cache_dir.unwrap_or_else(cache::Cache::default_dir);
                match open_cache(&dir) {
                    Ok(c) => Some(std::sync::Arc::new(c)),
                    Err(e) => {
                        eprintln!("mcpca-analyzer: cache disabled: {e}");
                        None
                    }
                }
            };
            // One cache for outlines and metrics (their salts differ).
            let options = ScanOptions { max_file_bytes: max_file_size, cache: cache.clone(), ..Default::default() };
            let writer = serve::LineWriter::new(std::io::stdout());
            // Not `stdin().lock()`: the lock cannot move to serve's reader thread.
            let stdin = std::io::BufReader::new(std::io::stdin());
            let shared_cache_wait = std::time::Duration::from_millis(shared_cache_wait_ms);
            serve::run_with(stdin, &writer, serve::ServeConfig { scan: options, cache, shared_cache_wait, graphs: Default::default(), small_file_bytes })
        }
        Command::Deps { path, level, top, imports, jobs, max_file_size } => {
            configure_threads(jobs)?;
            check_exists(&path)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            if imports {
                let tree = deps::imports_of_tree(&path, &deps::Options { max_file_bytes: max_file_size, ..Default::default() }).map_err(|e| anyhow::anyhow!("{e}"))?;
                serde_json::to_writer(&mut out, &tree)?;
            } else {
                let args = protocol::AnalyzeDependenciesArgs { path: path.to_string_lossy().into_owned(), level: Some(level), top: Some(top), ..Default::default() };
                let options = deps_cmd::options_of(&args).map_err(anyhow::Error::msg)?;
                let (analysis, nodes, skipped) = deps_cmd::analyze(&path, &options, max_file_size, &|| false).map_err(|e| anyhow::anyhow!("{}", deps_cmd::error_of(e).1))?;
                out.write_all(deps_cmd::whole_json(&path.to_string_lossy(), &analysis, &nodes, &skipped)?.as_bytes())?;
            }
            writeln!(out)?;
            Ok(())
        }
        Command::Search { pattern, path, regex, ignore_case, word, include, exclude, jobs, max_file_size } => {
            configure_threads(jobs)?;
            check_exists(&path)?;
            let matcher = search::TextMatcher::new(&pattern, !regex, !ignore_case, word)?;
            let scope = search::Scope { root: &path, base: &path, include: &include, exclude: &exclude, context_lines: 0, max_results: usize::MAX - 1 };
            let read = |p: &std::path::Path, buf: &mut Vec<u8>| scan::read_listed(p, max_file_size, buf).map_err(|r| r.to_string());
            // each file's records come as one buffer: written through, past the BufWriter when larger
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
            let mut failed = None;
            let searched = search::search_lines(&matcher, &scope, &read, &|| false, &mut |records| match out.write_all(records) {
                Ok(()) => true,
                Err(e) => {
                    failed = Some(e);
                    false
                }
            });
            if let Some(e) = failed {
                return Err(e.into());
            }
            searched?;
            out.flush()?;
            Ok(())
        }
        Command::Symbols { paths, query, limit, format, jobs, max_file_size, cache_dir } => {
            configure_threads(jobs)?;
            let cache = match cache_dir {
                Some(d) => Some(open_cache(&d)?),
                None => None,
            };
            let options = symbols_cmd::SymbolOptions { max_file_bytes: max_file_size, cache: cache.as_ref(), deadline: None, cancelled: None };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for path in &paths {
                check_exists(path)?;
                let timeout = |_| anyhow::anyhow!("deadline exceeded");
                match &query {
                    Some(q) => {
                        let r = symbols_cmd::search(path, None, q, limit, &options).map_err(timeout)?;
                        match format {
                            Format::Json => serde_json::to_writer_pretty(&mut out, &r)?,
                            Format::Table => {
                                for m in &r.search.matches {
                                    writeln!(out, "{:>3} {:<11} {}:{}  {} {}", m.score, m.symbol.kind, m.path, m.symbol.start_line, m.symbol.qualified_name, m.symbol.signature)?;
                                }
                                write!(out, "{} of {} matches", r.search.matches.len(), r.search.total)?;
                            }
                        }
                    }
                    None => {
                        let r = symbols_cmd::collect(path, None, &options, &|_, _, _| {}).map_err(timeout)?;
                        match format {
                            Format::Json => serde_json::to_writer_pretty(&mut out, &r)?,
                            Format::Table => symbols_cmd::write_table(&mut out, &r)?,
                        }
                    }
                }
                writeln!(out)?;
            }
            out.flush()?;
            if let Some(c) = &cache {
                report_cache_stats(c);
            }
            Ok(())
        }
        Command::Quality { path, args, jobs } => {
            configure_threads(jobs)?;
            check_exists(&path)?;
            let mut value: serde_json::Value = serde_json::from_str(&args)?;
            value["path"] = serde_json::Value::String(path.to_string_lossy().into_owned());
            let args: protocol::AnalyzeQualityArgs = serde_json::from_value(value)?;
            let options = quality_cmd::QualityOptions { max_file_bytes: scan::DEFAULT_MAX_FILE_BYTES, deadline: None, cancelled: None };
            let result = quality_cmd::analyze(&args, &options, &|_, _, _| {}).map_err(|e| match e {
                quality_cmd::QualityError::BadArguments(m) => anyhow::anyhow!(m),
                quality_cmd::QualityError::Deadline => anyhow::anyhow!("deadline exceeded"),
            })?;
            println!("{}", quality_cmd::whole(&result)?);
            Ok(())
        }
        Command::CrossRepo { paths, section, min_file_size } => {
            let repositories = paths
                .iter()
                .map(|p| {
                    let name = p.canonicalize().ok().and_then(|c| c.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_else(|| p.to_string_lossy().into_owned());
                    protocol::CrossRepoTree { name, path: p.to_string_lossy().into_owned(), ..Default::default() }
                })
                .collect();
            let args = protocol::CrossRepoArgs { repositories, section: Some(section), min_file_bytes: Some(min_file_size), limit: Some(usize::MAX), cursor: None };
            let result = crossrepo_cmd::serve("cli", &args, scan::DEFAULT_MAX_FILE_BYTES, &|| false).map_err(|e| anyhow::anyhow!(e.to_line()))?;
            println!("{}", result.get());
            Ok(())
        }
    }
}

/// Fails for a path argument that does not exist.
fn check_exists(path: &std::path::Path) -> Result<()> {
    if !path.exists() {
        anyhow::bail!("no such file or directory: {}", path.display());
    }
    Ok(())
}

/// The per-file result cache in `dir`, keyed to this build of the analyzer.
fn open_cache(dir: &std::path::Path) -> Result<cache::Cache, cache::Error> {
    cache::Cache::open(dir, &symbols_cmd::analyzer_version_in(dir))
}

/// The cache's hit/miss line on stderr after a CLI run.
fn report_cache_stats(c: &cache::Cache) {
    let s = c.stats();
    eprintln!("cache: {} hits, {} misses ({})", s.hits, s.misses, c.dir().display());
}

fn configure_threads(jobs: Option<usize>) -> Result<()> {
    if let Some(n) = jobs {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("configure rayon pool")?;
    }
    Ok(())
}

/// Compact JSON of a scan, byte-for-byte what `serde_json::to_writer` writes, with the per-file
/// objects serialized in parallel (one thread writing 100+ MB of JSON would dominate a scan) or,
/// for JSON bodies (`ScanOptions::json_bodies`, the scan index), copied as they are.
fn write_directory_json(out: &mut impl Write, r: &DirectoryResult) -> Result<()> {
    use rayon::prelude::*;
    let files: Vec<std::borrow::Cow<[u8]>> = r.files.par_iter().map(|f| f.json()).collect::<Result<_, _>>()?;
    out.write_all(b"{\"root\":")?;
    serde_json::to_writer(&mut *out, &r.root)?;
    out.write_all(b",\"files\":[")?;
    for (i, f) in files.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(f)?;
    }
    out.write_all(b"],\"totals\":")?;
    serde_json::to_writer(&mut *out, &r.totals)?;
    out.write_all(b",\"directories\":")?;
    serde_json::to_writer(&mut *out, &r.directories)?;
    out.write_all(b",\"skipped\":")?;
    serde_json::to_writer(&mut *out, &r.skipped)?;
    out.write_all(b"}")?;
    Ok(())
}

/// cloc-style summary of a `summary` run.
fn write_summary_table(out: &mut impl Write, r: &scan::SummaryResult) -> Result<()> {
    let rule = "-".repeat(78);
    writeln!(out, "{rule}")?;
    writeln!(out, "{:<18}{:>10}{:>14}{:>12}{:>12}{:>12}", "Language", "files", "bytes", "blank", "comment", "code")?;
    writeln!(out, "{rule}")?;
    let mut rows: Vec<_> = r.by_language.iter().collect();
    rows.sort_by(|a, b| b.1.code.cmp(&a.1.code).then(a.0.cmp(b.0)));
    for (lang, t) in rows {
        writeln!(out, "{:<18}{:>10}{:>14}{:>12}{:>12}{:>12}", lang, t.files, t.bytes, t.blank, t.comment, t.code)?;
    }
    writeln!(out, "{rule}")?;
    let a = &r.all;
    writeln!(out, "{:<18}{:>10}{:>14}{:>12}{:>12}{:>12}", "SUM", a.files, a.bytes, a.blank, a.comment, a.code)?;
    writeln!(out, "{rule}")?;
    let skipped: Vec<String> = r.skipped.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    writeln!(out, "skipped files: {}", if skipped.is_empty() { "none".to_string() } else { skipped.join(", ") })?;
    Ok(())
}

/// cloc-style summary per language with metric averages, then the most complex functions.
fn write_table(out: &mut impl Write, results: &[DirectoryResult]) -> Result<()> {
    let mut by_language: std::collections::BTreeMap<String, scan::LanguageTotals> = Default::default();
    let mut skipped = 0;
    for r in results {
        skipped += r.skipped.len();
        for (lang, t) in &r.totals.by_language {
            by_language.entry(lang.clone()).or_default().merge(t);
        }
    }
    let rule = "-".repeat(112);
    writeln!(out, "{rule}")?;
    let header = ("Language", "files", "blank", "comment", "code", "logical", "functions", "avg cc", "avg cog", "max cc", "avg MI(VS)");
    writeln!(
        out,
        "{:<14}{:>7}{:>9}{:>9}{:>10}{:>9}{:>10}{:>8}{:>9}{:>8}{:>11}",
        header.0, header.1, header.2, header.3, header.4, header.5, header.6, header.7, header.8, header.9, header.10
    )?;
    writeln!(out, "{rule}")?;
    let mut sum = scan::LanguageTotals::default();
    let mut rows: Vec<_> = by_language.into_iter().collect();
    rows.sort_by(|a, b| b.1.code.cmp(&a.1.code).then(a.0.cmp(&b.0)));
    let row = |out: &mut dyn Write, name: &str, t: &scan::LanguageTotals| -> std::io::Result<()> {
        let m = &t.metrics;
        writeln!(
            out,
            "{:<14}{:>7}{:>9}{:>9}{:>10}{:>9}{:>10}{:>8.2}{:>9.2}{:>8}{:>11.1}",
            name, t.files, t.blank, t.comment, t.code, t.logical, t.functions, m.cyclomatic.avg, m.cognitive.avg, m.cyclomatic.max, m.mi_visual_studio.avg
        )
    };
    for (lang, t) in &rows {
        row(out, lang, t)?;
        sum.merge(t);
    }
    writeln!(out, "{rule}")?;
    row(out, "SUM", &sum)?;
    writeln!(out, "{rule}")?;
    writeln!(out, "skipped files: {skipped}")?;

    let decoded: Vec<(&str, std::borrow::Cow<metrics::FileMetrics>)> =
        results.iter().flat_map(|r| r.files.iter()).map(|f| Ok((f.path.as_str(), f.metrics()?))).collect::<Result<_>>()?;
    let mut functions: Vec<(&str, &metrics::FunctionMetrics)> =
        decoded.iter().flat_map(|(path, m)| m.functions.iter().map(move |x| (*path, x))).collect();
    if !functions.is_empty() {
        functions.sort_by(|a, b| b.1.cyclomatic.cmp(&a.1.cyclomatic).then(a.0.cmp(b.0)).then(a.1.start_line.cmp(&b.1.start_line)));
        writeln!(out, "\nmost complex functions:")?;
        writeln!(out, "{:>5}{:>6}{:>7}{:>9}  location  name", "cc", "cog", "MI", "volume")?;
        for (path, f) in functions.iter().take(10) {
            writeln!(
                out,
                "{:>5}{:>6}{:>7.1}{:>9.0}  {}:{}  {}",
                f.cyclomatic, f.cognitive, f.mi.visual_studio, f.halstead.volume, path, f.start_line, f.qualified_name
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_json_equals_serde_output() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../metrics/tests/fixtures");
        let r = scan::scan(std::path::Path::new(dir), None, &ScanOptions::default(), &|_, _, _| {});
        let mut ours = Vec::new();
        write_directory_json(&mut ours, &r).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&r).unwrap());
    }

    #[test]
    fn tables_render() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../metrics/tests/fixtures");
        let r = scan::scan(std::path::Path::new(dir), None, &ScanOptions::default(), &|_, _, _| {});
        let mut out = Vec::new();
        write_table(&mut out, &[r]).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("java") && text.contains("most complex functions"), "{text}");
        let s = scan::summary(&[std::path::PathBuf::from(dir)], &ScanOptions::default());
        let mut out = Vec::new();
        write_summary_table(&mut out, &s).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("SUM"));
    }
}
