//! A large tree's `analyze-metrics` as shards that any worker may run, merged into exactly the
//! answer one scan gives (decision `docs/decisions/018-sharded-tree-analysis.md`):
//!
//! 1. `plan-shards` lists the tree as a scan does (same walk, same order) and cuts the sorted file
//!    list into runs of about equal bytes, preferring cuts between directories; a tree under
//!    `minBytes` is one shard (one ordinary call).
//! 2. `analyze-metrics-shard` scans one run: every shard lists the whole tree the same way and
//!    keeps the files and walk skips within its bounds, so the shards of a tree are exactly what
//!    one walk finds. It answers each file's roll-up summary (exact: f64 bit patterns), the JSON of
//!    its first files that a first page could hold, its hottest functions and its skipped files.
//! 3. `merge-shards` adds the summaries in path order (the order a scan adds them, so every float
//!    sum is the same to the last bit), takes the hottest of the shards' hottest, sorts the skipped
//!    files, and puts the page together with the one function a scan's answer uses
//!    ([`metrics_page::assemble`]).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use metrics::{FileMetrics, FileSummary};
use protocol::{Detail, PlanShardsArgs, ShardBounds};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::metrics_page::{self, Hotspot, MetricsPage, RankedHotspot, TreeParts};
use crate::paging::{self, PageRequest};
use crate::scan::{self, Descend, DirectoryResult, ScanPart, ScannedFile, Skipped, Totals};

/// What a file weighs in a plan besides its bytes: opening, hashing and walking it cost something
/// even when it is small (a tree of many tiny files is not free).
const FILE_OVERHEAD_BYTES: u64 = 512;

/// A cut moves to a directory boundary within this fraction of a shard's share of the bytes: each
/// cut is at most this far from its ideal place, so shards stay within 0.92-1.08 of their share
/// (within 20% of each other, issue 15's target) however the directories fall.
const DIRECTORY_SLACK: f64 = 0.04;

/// A plan: the tree's measurable bytes and files, and its shards in path order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub files: usize,
    pub bytes: u64,
    pub shards: Vec<PlannedShard>,
}

/// One shard of a plan: its bounds and what it weighs.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedShard {
    #[serde(flatten)]
    pub bounds: ShardBounds,
    pub files: usize,
    pub bytes: u64,
}

/// Plans `analyze-metrics` of `root`: lists it as a scan does and weighs each file by its size
/// (files over `max_file_bytes` are skipped unread, so they weigh only the overhead).
pub fn plan(root: &Path, max_file_bytes: u64, args: &PlanShardsArgs) -> Plan {
    let mut skipped = Vec::new();
    let files = scan::list_files(root, &mut skipped);
    let weights: Vec<u64> = files
        .iter()
        .map(|f| {
            let size = std::fs::symlink_metadata(f).map(|m| m.len()).unwrap_or(0);
            FILE_OVERHEAD_BYTES + if size > max_file_bytes { 0 } else { size }
        })
        .collect();
    let relative: Vec<&Path> = files.iter().map(|f| f.strip_prefix(root).unwrap_or(f)).collect();
    plan_of(&relative, &weights, args)
}

/// [`plan`] of a listing: `files` in path order (relative to the analysed directory), `weights`
/// their weights.
fn plan_of(files: &[&Path], weights: &[u64], args: &PlanShardsArgs) -> Plan {
    let total: u64 = weights.iter().sum();
    let wanted = if total < args.min_bytes || files.len() < 2 {
        1
    } else {
        (total.div_ceil(args.target_bytes.max(1)) as usize).clamp(2, args.max_shards.max(1)).min(files.len())
    };
    let mut before = Vec::with_capacity(files.len() + 1); // bytes before file i
    let mut sum = 0;
    for w in weights {
        before.push(sum);
        sum += w;
    }
    before.push(sum);
    let share = total as f64 / wanted as f64;
    let mut cuts = vec![0];
    for k in 1..wanted {
        let ideal = share * k as f64;
        let exact = before.partition_point(|&b| (b as f64) < ideal).min(files.len() - 1);
        let boundary = |j: usize| j > 0 && files[j].parent() != files[j - 1].parent();
        let near = |j: usize| (before[j] as f64 - ideal).abs() <= share * DIRECTORY_SLACK;
        let candidates = (1..files.len()).filter(|&j| near(j) && boundary(j));
        let cut = candidates.min_by(|&a, &b| (before[a] as f64 - ideal).abs().total_cmp(&(before[b] as f64 - ideal).abs())).unwrap_or(exact);
        if cut > *cuts.last().unwrap() && cut < files.len() {
            cuts.push(cut);
        }
    }
    cuts.push(files.len());
    let bound = |j: usize| (j > 0 && j < files.len()).then(|| files[j].to_string_lossy().into_owned());
    let shards = cuts
        .windows(2)
        .map(|w| PlannedShard { bounds: ShardBounds { from: bound(w[0]), to: bound(w[1]) }, files: w[1] - w[0], bytes: before[w[1]] - before[w[0]] })
        .collect();
    Plan { files: files.len(), bytes: total, shards }
}

/// A shard's bounds as paths, compared component by component as the walk sorts them.
pub struct Range {
    from: Option<PathBuf>,
    to: Option<PathBuf>,
}

impl Range {
    pub fn of(bounds: &ShardBounds) -> Range {
        Range { from: bounds.from.as_ref().map(PathBuf::from), to: bounds.to.as_ref().map(PathBuf::from) }
    }

    /// Whether the shard holds `listed` (a path as the walk of `root` lists it; `root` itself, for
    /// a walk error, belongs to the first shard).
    pub fn keeps(&self, root: &Path, listed: &Path) -> bool {
        let rel = listed.strip_prefix(root).unwrap_or(listed);
        self.from.as_deref().map_or(true, |from| rel >= from) && self.to.as_deref().map_or(true, |to| rel < to)
    }

    /// Which directories the shard's walk of `root` reads (a directory as listed): those that may
    /// hold a path within its bounds. A directory's paths all sort after it and before any later
    /// path not below it (paths compare component by component), so a directory is left out when
    /// `to` is at or before it, or `from` is after it and not below it. The first shard reads every
    /// directory (`None`): a walk error is reported as the root's, and the root is the first shard's.
    pub fn descend(&self, root: &Path) -> Option<Descend> {
        let from = self.from.clone()?;
        let to = self.to.clone();
        let root = root.to_path_buf();
        Some(Arc::new(move |listed: &Path| {
            let dir = listed.strip_prefix(&root).unwrap_or(listed);
            let all_before = from.as_path() > dir && !from.starts_with(dir);
            let all_after = to.as_deref().is_some_and(|to| to <= dir);
            !(all_before || all_after)
        }))
    }

    /// The shard as a part of the scan of `root`, keeping `keep` (which must be [`Range::keeps`]
    /// of `root`).
    pub fn part<'a>(&self, root: &Path, keep: &'a (dyn Fn(&Path) -> bool + Sync)) -> ScanPart<'a> {
        ScanPart { name: self.name(), keep, descend: self.descend(root) }
    }

    /// A name for the shard's scan index.
    pub fn name(&self) -> String {
        let show = |p: &Option<PathBuf>| p.as_ref().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        format!("{}\0{}", show(&self.from), show(&self.to))
    }
}

/// What a shard answers, for the merge.
#[derive(Debug, Serialize, Deserialize)]
pub struct ShardResult {
    /// Every measured file of the shard in path order: `[path, summary]`, the summary in its exact
    /// binary form ([`FileSummary::write_to`]) as hex.
    pub files: Vec<(String, String)>,
    /// The JSON (at the request's detail, as text) of the shard's first files, as many as a first
    /// page could hold of them.
    pub page: Vec<String>,
    /// The shard's hottest functions (as many as the request asks for).
    pub hotspots: Vec<RankedHotspot>,
    pub skipped: Vec<Skipped>,
}

/// A shard's answer from its scan.
pub fn shard_result(result: &DirectoryResult, detail: Detail, limit: usize, hotspots: usize) -> serde_json::Result<ShardResult> {
    let decoded: Vec<Cow<'_, FileMetrics>> = result.files.iter().map(ScannedFile::metrics).collect::<serde_json::Result<_>>()?;
    let mut page = Vec::new();
    if detail != Detail::Summary {
        let mut failed = None;
        let sizes = decoded.iter().map(|m| match metrics_page::file_json(m, detail) {
            Ok(json) => {
                let size = json.get().len() + 1;
                page.push(json.get().to_string());
                size
            }
            Err(e) => {
                failed = Some(e);
                0
            }
        });
        let count = paging::first_page_bound(sizes, limit);
        if let Some(e) = failed {
            return Err(e);
        }
        page.truncate(count);
    }
    let files = result
        .files
        .iter()
        .map(|f| {
            let mut bytes = Vec::new();
            f.summary.write_to(&mut bytes);
            (f.path.clone(), hex(&bytes))
        })
        .collect();
    Ok(ShardResult { files, page, hotspots: metrics_page::hottest(&decoded, hotspots), skipped: result.skipped.clone() })
}

/// The merged tree, owning what the answer borrows.
pub struct Merged {
    root: String,
    totals: Totals,
    directories: Vec<scan::DirectoryTotals>,
    skipped: Vec<Skipped>,
    hotspots: Vec<Hotspot>,
    total_files: usize,
    page: Vec<Box<RawValue>>,
}

/// Merges the shards' answers (in shard order) of a tree shown as `root`; `None` if a summary
/// does not decode.
pub fn merge(root: String, shards: Vec<ShardResult>, hotspots: usize) -> Result<Merged, String> {
    let mut totals = Totals::default();
    let mut summaries: Vec<(String, FileSummary)> = Vec::new();
    let mut skipped = Vec::new();
    let mut ranked = Vec::new();
    let mut page = Vec::new();
    let mut page_open = true;
    for shard in shards {
        let count = shard.files.len();
        for (path, encoded) in shard.files {
            let bytes = unhex(&encoded).ok_or_else(|| format!("{path}: summary is not hex"))?;
            let (summary, _) = FileSummary::read_from(&bytes).ok_or_else(|| format!("{path}: summary does not decode"))?;
            totals.add(&summary);
            summaries.push((path, summary));
        }
        if page_open {
            // a shard that sent fewer files than it has ends what a first page can hold
            page_open = shard.page.len() == count;
            for json in shard.page {
                page.push(RawValue::from_string(json).map_err(|e| e.to_string())?);
            }
        }
        skipped.extend(shard.skipped);
        ranked.extend(shard.hotspots);
    }
    scan::sort_skipped(&mut skipped);
    let directories = scan::directory_totals_of(summaries.iter().map(|(p, s)| (p.as_str(), s)));
    Ok(Merged { root, totals, directories, skipped, hotspots: metrics_page::merge_hotspots(ranked, hotspots), total_files: summaries.len(), page })
}

impl Merged {
    /// The first page of the merged tree, as one scan's answer would be.
    pub fn first_page(&self, detail: Detail, limit: usize, deepest_directory: Option<usize>) -> serde_json::Result<MetricsPage<'_>> {
        let parts = TreeParts { root: &self.root, totals: &self.totals, directories: &self.directories, skipped: &self.skipped };
        let request = PageRequest { offset: 0, limit };
        metrics_page::assemble(parts, self.hotspots.clone(), detail, &request, deepest_directory, &self.page, self.total_files, |json| Ok(json.clone()))
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    s.as_bytes().chunks(2).map(|pair| if pair.len() == 2 { Some(digit(pair[0])? << 4 | digit(pair[1])?) } else { None }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::ScanOptions;

    fn args(min_bytes: u64, target_bytes: u64, max_shards: usize) -> PlanShardsArgs {
        PlanShardsArgs { path: String::new(), min_bytes, target_bytes, max_shards }
    }

    #[test]
    fn small_trees_are_one_shard_and_large_ones_are_cut_in_balanced_runs() {
        let names = ["a/1.rs", "a/2.rs", "b/1.rs", "b/2.rs", "c/1.rs", "c/2.rs", "c/3.rs", "d.rs"];
        let files: Vec<&Path> = names.iter().map(Path::new).collect();
        let weights = [100; 8];
        let one = plan_of(&files, &weights, &args(10_000, 100, 8));
        assert_eq!(one.shards.len(), 1);
        assert_eq!((one.shards[0].bounds.from.as_deref(), one.shards[0].bounds.to.as_deref(), one.shards[0].files), (None, None, 8));
        let two = plan_of(&files, &weights, &args(0, 400, 8));
        let bounds: Vec<(Option<&str>, Option<&str>, usize)> = two.shards.iter().map(|s| (s.bounds.from.as_deref(), s.bounds.to.as_deref(), s.files)).collect();
        assert_eq!(bounds, vec![(None, Some("c/1.rs"), 4), (Some("c/1.rs"), None, 4)], "cut at the directory boundary in the middle");
        let capped = plan_of(&files, &weights, &args(0, 1, 3));
        assert_eq!(capped.shards.len(), 3);
        assert_eq!(capped.shards.iter().map(|s| s.files).sum::<usize>(), 8);
        assert_eq!(capped.shards.iter().map(|s| s.bytes).sum::<u64>(), 800);
    }

    /// One big directory is cut inside it rather than left whole: balance first.
    #[test]
    fn a_cut_stays_inside_a_directory_when_no_boundary_is_near() {
        let names: Vec<String> = (0..10).map(|i| format!("big/{i:02}.rs")).chain(["z/1.rs".to_string()]).collect();
        let files: Vec<&Path> = names.iter().map(Path::new).collect();
        let p = plan_of(&files, &[10; 11], &args(0, 55, 2));
        assert_eq!(p.shards.iter().map(|s| s.files).collect::<Vec<_>>(), vec![6, 5]);
    }

    fn tree(name: &str) -> PathBuf {
        let dir = crate::test_dirs::empty("shards", name);
        let write = |p: &str, s: &str| {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, s).unwrap();
        };
        for (i, d) in ["a", "a/x", "b", "b-c", "c/d/e", ""].iter().enumerate() {
            for j in 0..3 {
                let f = if d.is_empty() { format!("f{j}.py") } else { format!("{d}/f{j}.py") };
                write(&f, &format!("def f{i}{j}(x):\n    if x > {j}:\n        return {i} * 0.37 + x / 3\n    return x and {j} or 1.1\n"));
            }
            write(&format!("{d}/g.js").trim_start_matches('/').to_string(), &format!("function g(a) {{ if (a) {{ return {i}; }} for (const b of a) {{ if (b && a) return b; }} return 0.5 * {i}; }}\n"));
        }
        write("b/img.png", "\u{89}PNG\0\0");
        write(".gitignore", "ignored/\n");
        write("ignored/h.py", "x = 1\n");
        std::os::unix::fs::symlink(dir.join("f0.py"), dir.join("a/link.py")).unwrap();
        dir
    }

    fn whole_first_page(dir: &Path, detail: Detail, limit: usize, hotspots: usize) -> String {
        let result = scan::scan(dir, Some(dir), &ScanOptions::default(), &|_, _, _| {});
        let page = metrics_page::metrics_page(&result, detail, &PageRequest { offset: 0, limit }, hotspots, None).unwrap();
        serde_json::to_string(&page).unwrap()
    }

    fn sharded_first_page(dir: &Path, shards: usize, detail: Detail, limit: usize, hotspots: usize) -> String {
        let plan = plan(dir, scan::DEFAULT_MAX_FILE_BYTES, &args(0, 1, shards));
        assert_eq!(plan.shards.len(), shards);
        let results = plan
            .shards
            .iter()
            .map(|s| {
                let range = Range::of(&s.bounds);
                let keep = |p: &Path| range.keeps(dir, p);
                let part = range.part(dir, &keep);
                let r = scan::scan_part(dir, Some(dir), &ScanOptions::default(), Some(&part), &|_, _, _| {});
                let json = serde_json::to_string(&shard_result(&r, detail, limit, hotspots).unwrap()).unwrap();
                serde_json::from_str::<ShardResult>(&json).unwrap() // through the wire form
            })
            .collect();
        let merged = merge(".".into(), results, hotspots).unwrap();
        serde_json::to_string(&merged.first_page(detail, limit, None).unwrap()).unwrap()
    }

    /// The merge of any number of shards is the one scan's answer, byte for byte.
    #[test]
    fn merged_shards_answer_exactly_what_one_scan_does() {
        let dir = tree("merge");
        for detail in [Detail::Functions, Detail::Files, Detail::Summary] {
            for (limit, hotspots) in [(100, 10), (4, 3), (1, 0)] {
                let whole = whole_first_page(&dir, detail, limit, hotspots);
                for shards in [2, 3, 5, 8] {
                    assert_eq!(sharded_first_page(&dir, shards, detail, limit, hotspots), whole, "{detail:?} limit {limit} hotspots {hotspots} in {shards} shards");
                }
            }
        }
        let whole: serde_json::Value = serde_json::from_str(&whole_first_page(&dir, Detail::Functions, 100, 10)).unwrap();
        assert_eq!(whole["page"]["totalFiles"], 24);
        assert_eq!(whole["skipped"].as_array().unwrap().len(), 2, "the png and the symlink: {}", whole["skipped"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A shard reads only the directories that may hold its files (each shard read the whole tree
    /// before: 19 walks of the bench corpus for one call); the first shard reads all of them.
    #[test]
    fn a_shard_reads_only_directories_that_may_hold_its_files() {
        let root = Path::new("/t");
        let bounds = |from: Option<&str>, to: Option<&str>| Range::of(&ShardBounds { from: from.map(String::from), to: to.map(String::from) });
        let middle = bounds(Some("a/x/f1.py"), Some("b-c/f0.py")).descend(root).unwrap();
        let reads = |d: &str| middle(&root.join(d));
        assert!(reads("a") && reads("a/x") && reads("a/x/y") && reads("b") && reads("b-c"), "holders of the bounds and what lies between");
        assert!(!reads("a/w") && !reads("a/x/e") && !reads("0"), "all before `from`");
        assert!(!reads("b-c/z") && !reads("c") && !reads("c/d") && !reads("ignored"), "all at or after `to`");
        let last = bounds(Some("c/d/e/f0.py"), None).descend(root).unwrap();
        assert!(last(&root.join("c")) && last(&root.join("c/d/e")) && last(&root.join("d")) && !last(&root.join("b")));
        assert!(bounds(None, Some("b")).descend(root).is_none(), "the first shard reads every directory");
    }

    #[test]
    fn summaries_survive_hex() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&bytes)).unwrap(), bytes);
        assert!(unhex("abc").is_none() && unhex("zz").is_none());
    }
}
