//! `mcpca-analyzer`: the analyzer binary. One binary, two modes:
//!
//! * `mcpca-analyzer metrics <path>... [--format json|table] [--jobs N]` — a CLI for people.
//! * `mcpca-analyzer serve` — JSON lines on stdin/stdout for the Java workers (see `serve.rs`
//!   and the `protocol` crate).
//!
//! This is the only crate using `anyhow`; the libraries return typed errors.

mod scan;
mod serve;

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
        Command::Metrics { paths, format, jobs, max_file_size } => {
            configure_threads(jobs)?;
            let options = ScanOptions { max_file_bytes: max_file_size };
            let mut results = Vec::new();
            for path in &paths {
                if !path.exists() {
                    anyhow::bail!("no such file or directory: {}", path.display());
                }
                results.push(scan::scan(path, None, &options, &|_, _, _| {}));
            }
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            match format {
                Format::Json if results.len() == 1 => serde_json::to_writer_pretty(&mut out, &results[0])?,
                Format::Json => serde_json::to_writer_pretty(&mut out, &results)?,
                Format::Table => write_table(&mut out, &results)?,
            }
            writeln!(out)?;
            Ok(())
        }
        Command::Serve { jobs, max_file_size } => {
            configure_threads(jobs)?;
            let options = ScanOptions { max_file_bytes: max_file_size };
            let writer = serve::LineWriter::new(std::io::stdout());
            let stdin = std::io::stdin();
            serve::run(stdin.lock(), &writer, &options)
        }
    }
}

fn configure_threads(jobs: Option<usize>) -> Result<()> {
    if let Some(n) = jobs {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("configure rayon pool")?;
    }
    Ok(())
}

/// cloc-style summary per language, then the ten most complex functions.
fn write_table(out: &mut impl Write, results: &[DirectoryResult]) -> Result<()> {
    let mut by_language: std::collections::BTreeMap<String, scan::LanguageTotals> = Default::default();
    let mut skipped = 0;
    for r in results {
        skipped += r.skipped.len();
        for (lang, t) in &r.totals.by_language {
            let e = by_language.entry(lang.clone()).or_default();
            e.files += t.files;
            e.physical += t.physical;
            e.code += t.code;
            e.comment += t.comment;
            e.blank += t.blank;
            e.functions += t.functions;
        }
    }
    let rule = "-".repeat(78);
    writeln!(out, "{rule}")?;
    writeln!(out, "{:<14}{:>10}{:>12}{:>12}{:>12}{:>12}", "Language", "files", "blank", "comment", "code", "functions")?;
    writeln!(out, "{rule}")?;
    let mut sum = scan::LanguageTotals::default();
    let mut rows: Vec<_> = by_language.into_iter().collect();
    rows.sort_by(|a, b| b.1.code.cmp(&a.1.code).then(a.0.cmp(&b.0)));
    for (lang, t) in &rows {
        writeln!(out, "{:<14}{:>10}{:>12}{:>12}{:>12}{:>12}", lang, t.files, t.blank, t.comment, t.code, t.functions)?;
        sum.files += t.files;
        sum.blank += t.blank;
        sum.comment += t.comment;
        sum.code += t.code;
        sum.functions += t.functions;
    }
    writeln!(out, "{rule}")?;
    writeln!(out, "{:<14}{:>10}{:>12}{:>12}{:>12}{:>12}", "SUM", sum.files, sum.blank, sum.comment, sum.code, sum.functions)?;
    writeln!(out, "{rule}")?;
    writeln!(out, "skipped files: {skipped}")?;

    let mut functions: Vec<(&str, &metrics::FunctionMetrics)> =
        results.iter().flat_map(|r| r.files.iter()).flat_map(|f| f.functions.iter().map(move |x| (f.path.as_str(), x))).collect();
    functions.sort_by(|a, b| b.1.cyclomatic.cmp(&a.1.cyclomatic).then(a.0.cmp(b.0)).then(a.1.start_line.cmp(&b.1.start_line)));
    if !functions.is_empty() {
        writeln!(out, "\nmost complex functions (cyclomatic):")?;
        for (path, f) in functions.iter().take(10) {
            writeln!(out, "{:>5}  {}:{}  {}", f.cyclomatic, path, f.start_line, f.qualified_name)?;
        }
    }
    Ok(())
}
