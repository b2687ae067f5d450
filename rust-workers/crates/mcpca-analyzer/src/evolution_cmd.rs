//! `evolution-pathway`: how a file or directory grew. From the last `commits` commits that changed
//! it (newest first, merges left out), `samples` are taken evenly from the oldest to the newest;
//! at each the tree of its parent directory is read from git (`ls-tree`, `cat-file --batch`, no
//! checkout) and every source file measured as `analyze-metrics` measures it (each blob once per
//! call). Size and complexity are the path's; its hotspot rank is its place among the entries of
//! its parent directory (files and subdirectories) by cumulative churn since the first
//! considered commit x cyclomatic at the sample. Numbers only: the answer states its method and
//! gives no advice.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use lang::Language;
use protocol::{ErrorCode, EvolutionPathwayArgs, Response};
use serde::Serialize;

use crate::history_cmd::{git_error, internal, Scope};

const DEFAULT_COMMITS: usize = 100;
const MAX_COMMITS: usize = 10_000;
const DEFAULT_SAMPLES: usize = 10;
const MAX_SAMPLES: usize = 50;

const METHOD: &str = "The last `commits` commits that changed the path (git log --no-merges), newest first; `samples` of them taken evenly from the oldest to the newest (both included), listed oldest first. At each sample the path's parent directory is read from git at that commit (ls-tree, cat-file; no checkout) and each source file measured with the engine's rules (code lines, functions, cyclomatic and cognitive sums). churn: lines added + removed in the path from the oldest considered commit up to the sample (git log --numstat, renames followed). hotspotRank: the path's place among the entries (files and subdirectories) of its parent directory by churn x cyclomatic at the sample, churn counted the same way; ties by churn, then name.";

#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Measure {
    files: u64,
    code: u64,
    functions: u64,
    cyclomatic: u64,
    cognitive: u64,
}

impl Measure {
    fn add(&mut self, o: &Measure) {
        self.files += o.files;
        self.code += o.code;
        self.functions += o.functions;
        self.cyclomatic += o.cyclomatic;
        self.cognitive += o.cognitive;
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Sample {
    commit: String,
    date: String,
    #[serde(flatten)]
    measure: Measure,
    churn: u64,
    hotspot_rank: Option<usize>,
    ranked_among: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Change {
    first: i64,
    last: i64,
    change: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Trend {
    code: Change,
    functions: Change,
    cyclomatic: Change,
    cognitive: Change,
    hotspot_rank: Option<Change>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    root: &'a str,
    method: &'static str,
    commits_considered: usize,
    samples: Vec<Sample>,
    trend: Option<Trend>,
}

pub fn evolution_pathway(id: &str, args: &EvolutionPathwayArgs, max_file_bytes: u64, deadline: Option<Instant>) -> Result<String, Response> {
    let commits = args.commits.unwrap_or(DEFAULT_COMMITS);
    let samples = args.samples.unwrap_or(DEFAULT_SAMPLES);
    if !(1..=MAX_COMMITS).contains(&commits) || !(1..=MAX_SAMPLES).contains(&samples) {
        return Err(Response::error(id, ErrorCode::BadArguments, format!("`commits` must be within 1..{MAX_COMMITS} and `samples` within 1..{MAX_SAMPLES}")));
    }
    let scope = Scope::open(id, &args.path, args.relative_to.as_deref(), deadline)?;
    let fail = |e| git_error(id, &scope.root, e);
    let window = git::Window { max_commits: Some(commits), ..Default::default() };
    let own = git::read_log(&scope.git, &scope.scope, &window).map_err(fail)?;
    let (parent, unit) = match scope.scope.rsplit_once('/') {
        Some((parent, unit)) => (parent.to_string(), unit.to_string()),
        None => (String::new(), scope.scope.clone()),
    };
    let mut answer = Answer { root: &scope.root, method: METHOD, commits_considered: own.commits.len(), samples: Vec::new(), trend: None };
    if own.commits.is_empty() {
        return serde_json::to_string(&answer).map_err(|e| internal(id, e));
    }
    let chosen = sample_indices(own.commits.len(), samples);
    // cumulative churn per entry of the parent directory, walking its log from the oldest considered commit
    let parent_log = git::read_log(&scope.git, &parent, &git::Window::default()).map_err(fail)?;
    let oldest = &own.commits[own.commits.len() - 1].hash;
    let start = parent_log.commits.iter().position(|c| &c.hash == oldest).unwrap_or(parent_log.commits.len().saturating_sub(1));
    let mut churn: HashMap<String, u64> = HashMap::new();
    let mut churn_at: HashMap<&str, HashMap<String, u64>> = HashMap::new();
    let wanted: std::collections::HashSet<&str> = chosen.iter().map(|i| own.commits[*i].hash.as_str()).collect();
    for commit in parent_log.commits[..=start.min(parent_log.commits.len().saturating_sub(1))].iter().rev() {
        for change in &commit.changes {
            if let Some(entry) = entry_of(&parent, &change.path) {
                *churn.entry(entry.to_string()).or_default() += change.added + change.removed;
            }
        }
        if wanted.contains(commit.hash.as_str()) {
            churn_at.insert(&commit.hash, churn.clone());
        }
    }
    let mut measured: HashMap<String, Measure> = HashMap::new();
    for index in &chosen {
        let commit = &own.commits[*index];
        let entries = measure_tree(&scope.git, &commit.hash, &parent, max_file_bytes, &mut measured).map_err(fail)?;
        let churn = churn_at.get(commit.hash.as_str()).cloned().unwrap_or_default();
        let mut measure = Measure::default();
        let mut scores: Vec<(u64, u64, &str)> = Vec::new();
        for (entry, m) in &entries {
            if scope.scope.is_empty() || entry == &unit {
                measure.add(m);
            }
            let c = churn.get(entry).copied().unwrap_or(0);
            scores.push((c * m.cyclomatic, c, entry.as_str()));
        }
        scores.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then_with(|| a.2.cmp(b.2)));
        let rank = if scope.scope.is_empty() { None } else { scores.iter().position(|s| s.2 == unit).map(|p| p + 1) };
        answer.samples.push(Sample {
            commit: commit.hash.clone(),
            date: git::dates::timestamp(commit.time),
            measure,
            churn: if scope.scope.is_empty() { churn.values().sum() } else { churn.get(&unit).copied().unwrap_or(0) },
            hotspot_rank: rank,
            ranked_among: scores.len(),
        });
    }
    if let (Some(first), Some(last)) = (answer.samples.first(), answer.samples.last()) {
        let change = |a: u64, b: u64| Change { first: a as i64, last: b as i64, change: b as i64 - a as i64 };
        answer.trend = Some(Trend {
            code: change(first.measure.code, last.measure.code),
            functions: change(first.measure.functions, last.measure.functions),
            cyclomatic: change(first.measure.cyclomatic, last.measure.cyclomatic),
            cognitive: change(first.measure.cognitive, last.measure.cognitive),
            hotspot_rank: match (first.hotspot_rank, last.hotspot_rank) {
                (Some(a), Some(b)) => Some(change(a as u64, b as u64)),
                _ => None,
            },
        });
    }
    serde_json::to_string(&answer).map_err(|e| internal(id, e))
}

/// `count` indices of a newest-first list of `len`, evenly from the oldest (`len - 1`) to the newest (0), oldest
/// first: the answer's samples run forward in time.
fn sample_indices(len: usize, count: usize) -> Vec<usize> {
    let count = count.min(len);
    let mut chosen: Vec<usize> = if count == 1 {
        vec![0]
    } else {
        (0..count).map(|i| (len - 1) - ((i * (len - 1)) as f64 / (count - 1) as f64).round() as usize).collect()
    };
    chosen.dedup();
    chosen
}

/// The entry of `parent` (a directory relative to the top, "" for the top) holding `path`.
fn entry_of<'p>(parent: &str, path: &'p str) -> Option<&'p str> {
    let rest = if parent.is_empty() { path } else { path.strip_prefix(parent)?.strip_prefix('/')? };
    Some(rest.split('/').next().unwrap_or(rest))
}

/// The measures of each entry of `parent` at `commit`, files measured once per blob.
fn measure_tree(git: &git::Git, commit: &str, parent: &str, max_file_bytes: u64, measured: &mut HashMap<String, Measure>) -> Result<HashMap<String, Measure>, git::Error> {
    let mut args = vec!["ls-tree".to_string(), "-r".into(), "-z".into(), "-l".into(), commit.to_string()];
    if !parent.is_empty() {
        args.push("--".into());
        args.push(parent.to_string());
    }
    let out = git.run(&args)?;
    let mut files: Vec<(String, String, Language)> = Vec::new();
    for item in out.split(|b| *b == 0).filter(|i| !i.is_empty()) {
        let text = String::from_utf8_lossy(item);
        let Some((meta, path)) = text.split_once('\t') else { continue };
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, kind, hash, size] = fields[..] else { continue };
        if kind != "blob" || mode == "120000" || size.parse::<u64>().map_or(true, |s| s > max_file_bytes) {
            continue;
        }
        let Some(language) = Language::detect(Path::new(path), b"") else { continue };
        let Some(entry) = entry_of(parent, path) else { continue };
        files.push((entry.to_string(), hash.to_string(), language));
    }
    let missing: Vec<&(String, String, Language)> = files.iter().filter(|f| !measured.contains_key(&f.1)).collect();
    if !missing.is_empty() {
        let request: String = missing.iter().map(|f| format!("{}\n", f.1)).collect();
        let out = git.run_with_input(["cat-file", "--batch"], Some(request.into_bytes()))?;
        let mut rest = &out[..];
        for (_, hash, language) in missing {
            let Some(header_end) = rest.iter().position(|b| *b == b'\n') else { break };
            let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
            let size: usize = header.split(' ').nth(2).and_then(|s| s.parse().ok()).unwrap_or(0);
            let body = &rest[header_end + 1..(header_end + 1 + size).min(rest.len())];
            let m = metrics::analyze_source(*language, body);
            measured.insert(
                hash.clone(),
                Measure {
                    files: 1,
                    code: m.lines.code,
                    functions: m.functions.len() as u64,
                    cyclomatic: m.functions.iter().map(|f| u64::from(f.cyclomatic)).sum(),
                    cognitive: m.functions.iter().map(|f| u64::from(f.cognitive)).sum(),
                },
            );
            rest = rest.get(header_end + 1 + size + 1..).unwrap_or_default();
        }
    }
    let mut entries: HashMap<String, Measure> = HashMap::new();
    for (entry, hash, _) in files {
        entries.entry(entry).or_default().add(measured.get(&hash).unwrap_or(&Measure::default()));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_run_evenly_from_the_oldest_to_the_newest() {
        assert_eq!(sample_indices(10, 3), vec![9, 4, 0]);
        assert_eq!(sample_indices(2, 10), vec![1, 0]);
        assert_eq!(sample_indices(5, 1), vec![0]);
        assert_eq!(entry_of("src", "src/a/b.rs"), Some("a"));
        assert_eq!(entry_of("", "README"), Some("README"));
        assert_eq!(entry_of("src", "srcx/a"), None);
    }
}
