//! `protocol`: the wire of `mcpca-analyzer serve` — one JSON object per line on stdin (requests),
//! one JSON object per line on stdout (progress, then exactly one result or error per request).
//!
//! ```text
//! {"id":"r1","tool":"ping","args":{"sleepMs":5}}
//! {"id":"r1","type":"result","result":{"pong":true,"pid":1234,"startedAtMicros":…,"endedAtMicros":…}}
//! {"id":"r2","type":"progress","progress":10,"total":120,"message":"src/A.java"}
//! {"id":"r2","type":"error","error":{"code":"NOT_FOUND","message":"…"}}
//! ```
//! Every line starts `{"id":…,"type":…`; a result line ends with its `result`, whose bytes the
//! caller takes as they are (the slice from the value's start to the line's last `}`): results
//! are final when they leave the analyzer, their paths already relative to `relativeTo`.
//! A line that is not a request still gets an error line, with the id if one could be read and
//! `""` otherwise. The types here only describe the wire; `mcpca-analyzer` implements the tools.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// Protocol version; bumped on incompatible changes of the wire.
pub const VERSION: u32 = 1;

/// A request line.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Request {
    pub id: String,
    pub tool: String,
    #[serde(default)]
    pub args: Value,
}

/// The tools `serve` knows: every request is dispatched through this one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Ping,
    CalculateMetrics,
    AnalyzeMetrics,
    Symbols,
    SearchSymbols,
    AnalyzeFiles,
    PlanShards,
    AnalyzeMetricsShard,
    MergeShards,
    AnalyzeDependencies,
    AnalyzeHistory,
    Hotspots,
    SocioTechnicalAnalysis,
    ChangeCoupling,
    EvolutionPathway,
    AnalyzeQuality,
    ListQualityRules,
    SearchCode,
    GetFile,
    FolderStructure,
    ProjectInfo,
    VisualizeCodeStructure,
    VisualizeDependencies,
    BuildKnowledgeGraph,
    QueryKnowledgeGraph,
    ExportKnowledgeGraph,
    CrossRepoAnalysis,
}

impl Tool {
    /// Every tool, with its name on the wire.
    pub const ALL: &'static [(Tool, &'static str)] = &[
        (Tool::Ping, "ping"),
        (Tool::CalculateMetrics, "calculate-metrics"),
        (Tool::AnalyzeMetrics, "analyze-metrics"),
        (Tool::Symbols, "symbols"),
        (Tool::SearchSymbols, "search-symbols"),
        (Tool::AnalyzeFiles, "analyze-files"),
        // internal: a large tree's analyze-metrics as shards (the worker's, never a client's)
        (Tool::PlanShards, "plan-shards"),
        (Tool::AnalyzeMetricsShard, "analyze-metrics-shard"),
        (Tool::MergeShards, "merge-shards"),
        (Tool::AnalyzeDependencies, "analyze-dependencies"),
        // history (the `git` crate; decision 026)
        (Tool::AnalyzeHistory, "analyze-history"),
        (Tool::Hotspots, "hotspots"),
        (Tool::SocioTechnicalAnalysis, "socio-technical-analysis"),
        (Tool::ChangeCoupling, "change-coupling"),
        (Tool::EvolutionPathway, "evolution-pathway"),
        (Tool::AnalyzeQuality, "analyze-quality"),
        (Tool::ListQualityRules, "list-quality-rules"),
        (Tool::SearchCode, "search-code"),
        (Tool::GetFile, "get-file"),
        (Tool::FolderStructure, "folder-structure"),
        (Tool::ProjectInfo, "project-info"),
        // code structure (decision 023)
        (Tool::VisualizeCodeStructure, "visualize-code-structure"),
        (Tool::VisualizeDependencies, "visualize-dependencies"),
        (Tool::BuildKnowledgeGraph, "build-knowledge-graph"),
        (Tool::QueryKnowledgeGraph, "query-knowledge-graph"),
        (Tool::ExportKnowledgeGraph, "export-knowledge-graph"),
        // several trees at once (decision 032)
        (Tool::CrossRepoAnalysis, "cross-repo-analysis"),
    ];

    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.iter().find(|(_, n)| *n == name).map(|(tool, _)| *tool)
    }

    /// The tool's name on the wire.
    pub fn name(self) -> &'static str {
        Tool::ALL.iter().find(|(tool, _)| *tool == self).map(|(_, n)| *n).expect("every tool is listed")
    }
}

/// `ping` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PingArgs {
    #[serde(default)]
    pub sleep_ms: Option<u64>,
}

/// `ping` result; times are epoch microseconds at the start and end of the handling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pong {
    pub pong: bool,
    pub pid: u32,
    pub started_at_micros: u64,
    pub ended_at_micros: u64,
}

/// `calculate-metrics` arguments: a `path`, or inline `content` with a `language`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalculateMetricsArgs {
    #[serde(default)]
    pub path: Option<String>,
    /// The result's `path` is relative to this directory (the worker's workspace root).
    #[serde(default)]
    pub relative_to: Option<String>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// One item of `analyze-files`: a file by `path` (with its `relativeTo`) or inline `content`
/// (language from `language`, else from `name`), as `calculate-metrics` takes them; or the
/// worker's verdict on a path it refused (outside the roots, missing, a FIFO...), which the
/// answer repeats in the item's place so one bad item never fails the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileItem {
    #[serde(flatten)]
    pub file: CalculateMetricsArgs,
    #[serde(default)]
    pub error: Option<ErrorBody>,
}

/// `analyze-files` arguments: many files in one call, answered one page at a time, each item in
/// `calculate-metrics`'s shape (or `{"path", "error"}`), in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeFilesArgs {
    pub files: Vec<FileItem>,
    /// Items per page: at least 1; default 100, more than 10000 is taken as 10000.
    #[serde(default)]
    pub limit: Option<usize>,
    /// The `nextCursor` of the previous page (opaque); none for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `analyze-metrics` arguments. The answer is one page of the tree's files (a whole tree's
/// metrics can be tens of MB, more than an MCP client accepts in one message); the tree's
/// totals, directories, hotspots and skipped files come with every page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeMetricsArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    #[serde(default)]
    pub detail: Detail,
    /// Files per page: at least 1; default 100, more than 10000 is taken as 10000.
    #[serde(default)]
    pub limit: Option<usize>,
    /// The `nextCursor` of the previous page (opaque); none for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// How many of the tree's most complex functions to list: 0 to 1000, default 10.
    #[serde(default)]
    pub hotspots: Option<usize>,
    /// List only the directories at most this many levels below the analysed one (0: itself);
    /// default all. A tree of thousands of directories needs it to stay within one answer.
    #[serde(default)]
    pub directory_depth: Option<usize>,
}

/// `plan-shards` arguments: how to split `analyze-metrics` of `path` (a directory) into shards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanShardsArgs {
    pub path: String,
    /// A tree of fewer bytes of source than this is one shard (one call).
    pub min_bytes: u64,
    /// About this many bytes of source per shard.
    pub target_bytes: u64,
    /// At most this many shards.
    pub max_shards: usize,
}

/// One shard of a tree: the files whose path below the analysed directory is at least `from`
/// (from the first if none) and before `to` (to the last if none), in the walk's path order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardBounds {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

/// `analyze-metrics-shard` arguments: `analyze-metrics`'s (its `cursor` ignored: shards answer
/// first pages) and the shard's bounds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeMetricsShardArgs {
    pub shard: ShardBounds,
}

/// `symbols` arguments: a file or a directory, one page of its outlined files at a time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SymbolsArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    /// Files per page: at least 1; default 200, more than 10000 is taken as 10000.
    #[serde(default)]
    pub limit: Option<usize>,
    /// The `nextCursor` of the previous page (opaque); none for the first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `analyze-dependencies` arguments: a directory (or file), one page of its graph's nodes (each
/// with its outgoing edges) at a time; the summary, cycles, top nodes, externals, violations and
/// unresolved imports describe the whole tree on every page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeDependenciesArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    /// `file` (default), `directory` or `external`.
    #[serde(default)]
    pub level: Option<String>,
    /// Layering rules: no node matching the `from` glob may depend on a node matching `to`.
    #[serde(default)]
    pub rules: Option<Vec<LayerRule>>,
    /// Most depended-on nodes to list: 0 to 1000, default 10.
    #[serde(default)]
    pub top: Option<usize>,
    /// Nodes per page: at least 1; default 500, more than 10000 is taken as 10000.
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One layering rule of [`AnalyzeDependenciesArgs`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct LayerRule {
    pub from: String,
    pub to: String,
}

/// `search-symbols` arguments (not paged: `limit` matches, default 50).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchSymbolsArgs {
    pub path: String,
    pub query: String,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub relative_to: Option<String>,
}

/// The history tools' common arguments: a file or directory in a git work tree and the commits
/// to read (git's `--since`/`--until` dates, at most `maxCommits` of the newest; merges left out).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryWindowArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    #[serde(default)]
    pub since: Option<String>,
    #[serde(default)]
    pub until: Option<String>,
    #[serde(default)]
    pub max_commits: Option<usize>,
}

/// A paged answer's arguments: items per page (at least 1; default per tool, more than 10000 is taken as
/// 10000) and the `nextCursor` of the previous page (opaque; none for the first page).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageArgs {
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `analyze-history` arguments (paged by file, most churn first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeHistoryArgs {
    #[serde(flatten)]
    pub window: HistoryWindowArgs,
    #[serde(flatten)]
    pub page: PageArgs,
    /// `day`, `month` (default) or `year`.
    #[serde(default)]
    pub interval: Option<String>,
    #[serde(default)]
    pub directory_depth: Option<usize>,
}

/// `hotspots` arguments (paged by file, highest score first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HotspotsArgs {
    #[serde(flatten)]
    pub window: HistoryWindowArgs,
    #[serde(flatten)]
    pub page: PageArgs,
    /// How many functions to list (from the top files by score): default 10, at most 1000.
    #[serde(default)]
    pub functions: Option<usize>,
}

/// `socio-technical-analysis` arguments (paged by file).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SocioTechnicalArgs {
    #[serde(flatten)]
    pub window: HistoryWindowArgs,
    #[serde(flatten)]
    pub page: PageArgs,
    #[serde(default)]
    pub directory_depth: Option<usize>,
    /// A file or directory whose main author changed at least this share of its lines is a
    /// knowledge island: default 0.8.
    #[serde(default)]
    pub island_share: Option<f64>,
}

/// `change-coupling` arguments (paged by pair).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeCouplingArgs {
    #[serde(flatten)]
    pub window: HistoryWindowArgs,
    #[serde(flatten)]
    pub page: PageArgs,
    #[serde(default)]
    pub min_support: Option<u64>,
    #[serde(default)]
    pub min_confidence: Option<f64>,
    #[serde(default)]
    pub max_files_per_commit: Option<usize>,
}

/// `evolution-pathway` arguments: a file or directory, the last `commits` commits that changed
/// it, `samples` of them measured.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvolutionPathwayArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    #[serde(default)]
    pub commits: Option<usize>,
    #[serde(default)]
    pub samples: Option<usize>,
}

/// `analyze-quality` arguments: the findings of a file or tree, one page at a time; the summary,
/// scores and clone classes of the whole tree come with every page.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzeQualityArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    /// Further trees whose blocks `duplicated-blocks` compares with this one's (the worker's
    /// confined real paths), each shown relative to the same entry of `compareRelativeTo`.
    #[serde(default)]
    pub compare_paths: Vec<String>,
    #[serde(default)]
    pub compare_relative_to: Vec<String>,
    /// Globs on the paths below `path` (`*` crosses `/`): only matching files / no matching file.
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule ids to run (all by default).
    #[serde(default)]
    pub rules: Option<Vec<String>>,
    /// `info` (default), `minor`, `major` or `critical`.
    #[serde(default)]
    pub min_severity: Option<String>,
    /// At most this many findings in all (default 10000, at most 100000).
    #[serde(default)]
    pub max_issues: Option<usize>,
    /// Per rule id, threshold name → value, over the defaults.
    #[serde(default)]
    pub thresholds: std::collections::BTreeMap<String, std::collections::BTreeMap<String, f64>>,
    /// Findings per page (default 100).
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `list-quality-rules` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListQualityRulesArgs {
    /// Only the rules covering this language (a wire name: `java`, `python`, ...).
    #[serde(default)]
    pub language: Option<String>,
}

/// How `search-code` reads its `pattern`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchMode {
    /// The pattern's characters as they are.
    #[default]
    Literal,
    /// A regular expression (the Rust `regex` crate's syntax).
    Regex,
    /// A tree-sitter query (S-expression patterns with captures) in `language`.
    Structural,
}

/// `search-code` arguments: matches in path, then line order, paged (`limit`, `cursor`) over the
/// first `maxResults`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchCodeArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    pub pattern: String,
    #[serde(default)]
    pub mode: SearchMode,
    /// The grammar a structural query is written for (and the files it reads).
    #[serde(default)]
    pub language: Option<String>,
    /// Default true.
    #[serde(default)]
    pub case_sensitive: Option<bool>,
    #[serde(default)]
    pub whole_word: bool,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Lines before and after each text match: 0 to 20, default 0.
    #[serde(default)]
    pub context_lines: usize,
    /// 1 to 10000, default 1000.
    #[serde(default)]
    pub max_results: Option<usize>,
    /// Matches per page: default 100.
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `get-file` arguments: lines `startLine..=endLine` (from 1; default the whole file) of at most
/// `maxBytes` of text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetFileArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    #[serde(default)]
    pub start_line: Option<usize>,
    #[serde(default)]
    pub end_line: Option<usize>,
    #[serde(default)]
    pub max_bytes: Option<usize>,
}

/// `folder-structure` arguments: the tree to `depth` levels below `path`, paged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderStructureArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    /// 0 to 32, default 3.
    #[serde(default)]
    pub depth: Option<usize>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `project-info` arguments: one directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectInfoArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
}

/// `cross-repo-analysis` arguments: two or more trees (the worker's confined paths or checkouts)
/// and the list to page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossRepoArgs {
    pub repositories: Vec<CrossRepoTree>,
    /// `dependencies`, `mismatches` (default), `imports` or `identicalFiles`.
    #[serde(default)]
    pub section: Option<String>,
    /// Files smaller than this are not compared (default 256 bytes).
    #[serde(default)]
    pub min_file_bytes: Option<u64>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// One tree of a `cross-repo-analysis`: its name in the answer, where it lies, and the commit it
/// was checked out at (a repository given by URL or ref).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossRepoTree {
    pub name: String,
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
}

/// `visualize-code-structure` and `visualize-dependencies` arguments: a picture of a tree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisualizeArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    /// `mermaid` (default), `dot` or `svg`.
    #[serde(default)]
    pub format: Option<String>,
    /// `visualize-dependencies`: `file` (default) or `directory`.
    #[serde(default)]
    pub level: Option<String>,
    /// Most nodes drawn before the picture collapses to directories (default 150).
    #[serde(default)]
    pub max_nodes: Option<usize>,
}

/// `build-knowledge-graph` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildKnowledgeGraphArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    /// The worker's digest of the tree's stat signatures (decision 034): equal digests, unchanged tree.
    #[serde(default)]
    pub tree_digest: Option<String>,
}

/// `query-knowledge-graph` and `export-knowledge-graph` arguments (the query form is in the
/// `structure` crate's `query.rs`; `format` and `maxNodes` are the export's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnowledgeGraphArgs {
    pub path: String,
    #[serde(default)]
    pub relative_to: Option<String>,
    /// As [`BuildKnowledgeGraphArgs::tree_digest`].
    #[serde(default)]
    pub tree_digest: Option<String>,
    #[serde(default)]
    pub op: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub edge_kinds: Option<Vec<String>>,
    #[serde(default)]
    pub direction: Option<String>,
    #[serde(default)]
    pub depth: Option<u32>,
    #[serde(default)]
    pub relation: Option<String>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub max_nodes: Option<usize>,
    /// The snapshot `build-knowledge-graph` answered: its graph, if the analyzer still holds it,
    /// without a look at the tree (else the tree's current graph).
    #[serde(default)]
    pub snapshot: Option<String>,
}

/// How much of each file an `analyze-metrics` page holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Detail {
    /// Every file with its `functions` and `classes`.
    #[default]
    Functions,
    /// Every file without its `functions` and `classes` (lines, totals, errors).
    Files,
    /// No files: the tree's totals, directories, hotspots and skipped files only.
    Summary,
}

/// Error codes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    BadArguments,
    NotFound,
    UnsupportedLanguage,
    Internal,
    /// The request's `deadlineMs` passed before the analysis finished.
    DeadlineExceeded,
    /// A path outside the worker's roots: the worker's refusal, repeated in an `analyze-files`
    /// item (the analyzer itself never sees the roots).
    PathOutsideRoots,
    /// A regular expression, tree-sitter query or glob that does not compile (`search-code`).
    InvalidPattern,
}

/// The `error` object of an error line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// A response line. Every line is written `id`, `type`, then the rest in the order declared here;
/// a result line ends with its `result` (see [`Response::to_line`]).
#[derive(Debug, Clone)]
pub enum Response {
    Progress { id: String, progress: u64, total: u64, message: String },
    /// The tool's result as the JSON it was serialized to once (a whole tree's metrics can be
    /// tens of MB: going through a `Value` would cost a second copy many times its size).
    Result { id: String, result: Box<RawValue> },
    /// A result whose JSON the tool wrote itself with serde_json (every string escaped by it):
    /// [`Response::to_line`] writes it as it is, in the line a [`Response::Result`] of it gives.
    /// A `Box<RawValue>` is made by parsing the JSON again to check it, which for `search-code`'s
    /// 2 MB page was ~9% of the request's CPU time (decision 025).
    Written { id: String, result: String },
    Error { id: String, error: ErrorBody },
}

impl Response {
    pub fn error(id: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Response {
        Response::Error { id: id.into(), error: ErrorBody { code, message: message.into() } }
    }

    /// The line to write (without the newline). A result line is
    /// `{"id":…,"type":"result","result":…}` with nothing after the result, so a reader can take
    /// the result's bytes as the slice from the start of its value to the line's last `}`
    /// without parsing it.
    pub fn to_line(&self) -> String {
        if let Response::Written { id, result } = self {
            let id = serde_json::Value::from(id.as_str()).to_string();
            let mut line = String::with_capacity(id.len() + result.len() + 32);
            for part in [r#"{"id":"#, &id, r#","type":"result","result":"#, result, "}"] {
                line.push_str(part);
            }
            return line;
        }
        // Serializing these types cannot fail: all maps have string keys.
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!(r#"{{"id":"","type":"error","error":{{"code":"INTERNAL","message":"serialize: {e}"}}}}"#)
        })
    }
}

/// Written by hand rather than derived: serde's internally tagged enums put `type` first, and a
/// result line must end with its `result` (see [`Response::to_line`]).
impl Serialize for Response {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            Response::Progress { id, progress, total, message } => {
                let mut line = serializer.serialize_struct("Response", 5)?;
                line.serialize_field("id", id)?;
                line.serialize_field("type", "progress")?;
                line.serialize_field("progress", progress)?;
                line.serialize_field("total", total)?;
                line.serialize_field("message", message)?;
                line.end()
            }
            Response::Result { id, result } => {
                let mut line = serializer.serialize_struct("Response", 3)?;
                line.serialize_field("id", id)?;
                line.serialize_field("type", "result")?;
                line.serialize_field("result", result)?;
                line.end()
            }
            Response::Written { id, result } => {
                // through serde (not `to_line`) the JSON is checked, as a `RawValue` needs
                let result = RawValue::from_string(result.clone()).map_err(serde::ser::Error::custom)?;
                Response::Result { id: id.clone(), result }.serialize(serializer)
            }
            Response::Error { id, error } => {
                let mut line = serializer.serialize_struct("Response", 3)?;
                line.serialize_field("id", id)?;
                line.serialize_field("type", "error")?;
                line.serialize_field("error", error)?;
                line.end()
            }
        }
    }
}

/// A request line that could not be understood; carries the id if one was readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not JSON, or not an object.
    Malformed { id: String, message: String },
    /// JSON object without the required `id`/`tool` fields of the right type.
    BadRequest { id: String, message: String },
}

impl Error {
    pub fn id(&self) -> &str {
        match self {
            Error::Malformed { id, .. } | Error::BadRequest { id, .. } => id,
        }
    }

    pub fn into_response(self) -> Response {
        match self {
            Error::Malformed { id, message } | Error::BadRequest { id, message } => {
                Response::error(id, ErrorCode::BadArguments, message)
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed { message, .. } => write!(f, "malformed request: {message}"),
            Error::BadRequest { message, .. } => write!(f, "bad request: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Parses one request line, salvaging the id for the error line when the rest is wrong.
pub fn parse_request(line: &str) -> Result<Request, Error> {
    let value: Value = serde_json::from_str(line)
        .map_err(|e| Error::Malformed { id: String::new(), message: format!("not JSON: {e}") })?;
    let Value::Object(mut map) = value else {
        return Err(Error::Malformed { id: String::new(), message: "request must be a JSON object".into() });
    };
    let id = match map.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(Error::BadRequest { id: String::new(), message: "missing string field `id`".into() }),
    };
    let tool = match map.get("tool") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(Error::BadRequest { id, message: "missing string field `tool`".into() }),
    };
    // taken, not cloned: a merge-shards line carries megabytes of shard answers in its args
    let args = match map.remove("args") {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err(Error::BadRequest { id, message: "`args` must be an object".into() }),
    };
    Ok(Request { id, tool, args })
}

/// Decodes a tool's arguments, mapping failures to a `BAD_ARGUMENTS` error line.
pub fn decode_args<T: for<'de> Deserialize<'de>>(request: &Request) -> Result<T, Response> {
    // from a borrowed Value: no copy of the args (megabytes for merge-shards) per decode
    T::deserialize(&request.args).map_err(|e| {
        Response::error(request.id.clone(), ErrorCode::BadArguments, format!("invalid args for {}: {e}", request.tool))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_requests_and_salvages_ids() {
        let r = parse_request(r#"{"id":"r1","tool":"ping","args":{"sleepMs":3}}"#).unwrap();
        assert_eq!(r.tool, "ping");
        let a: PingArgs = decode_args(&r).unwrap();
        assert_eq!(a.sleep_ms, Some(3));
        assert_eq!(parse_request("{nope").unwrap_err().id(), "");
        assert_eq!(parse_request(r#"{"id":"x"}"#).unwrap_err().id(), "x");
        assert_eq!(parse_request("[1]").unwrap_err().id(), "");
        assert!(parse_request(r#"{"id":"a","tool":"ping"}"#).is_ok());
    }

    #[test]
    fn responses_have_the_wire_shape() {
        let line = Response::error("r1", ErrorCode::NotFound, "no such file").to_line();
        assert_eq!(line, r#"{"id":"r1","type":"error","error":{"code":"NOT_FOUND","message":"no such file"}}"#);
        let p = Response::Progress { id: "r".into(), progress: 1, total: 2, message: "a".into() }.to_line();
        assert_eq!(p, r#"{"id":"r","type":"progress","progress":1,"total":2,"message":"a"}"#);
    }

    /// A reader takes a result's bytes as the slice from the start of its value to the line's
    /// last `}`: the result must come last, after `id` and `type`.
    #[test]
    fn a_result_line_ends_with_its_result() {
        let result = RawValue::from_string(r#"{"root":".","files":[{"path":"a}b"}]}"#.to_string()).unwrap();
        let line = Response::Result { id: "r\"1".into(), result }.to_line();
        let head = r#"{"id":"r\"1","type":"result","result":"#;
        assert!(line.starts_with(head), "{line}");
        assert_eq!(&line[head.len()..line.len() - 1], r#"{"root":".","files":[{"path":"a}b"}]}"#);
    }

    /// A `Written` result is the line of a `Result` of the same JSON, by `to_line` and by serde.
    #[test]
    fn a_written_result_is_the_line_of_a_result() {
        let json = r#"{"root":".","matches":[{"path":"a\"b}","text":"\u0001é"}]}"#;
        let written = Response::Written { id: "r\"1\n".into(), result: json.into() };
        let result = Response::Result { id: "r\"1\n".into(), result: RawValue::from_string(json.into()).unwrap() };
        assert_eq!(written.to_line(), result.to_line());
        assert_eq!(serde_json::to_string(&written).unwrap(), result.to_line());
    }

    #[test]
    fn tools_are_found_by_their_wire_names() {
        for (tool, name) in Tool::ALL {
            assert_eq!((Tool::from_name(name), tool.name()), (Some(*tool), *name));
        }
        assert_eq!(Tool::from_name("dance"), None);
    }

    #[test]
    fn analyze_files_items_are_paths_inline_content_or_refusals() {
        let r = parse_request(
            r#"{"id":"r","tool":"analyze-files","args":{"files":[{"path":"/a.py","relativeTo":"/"},{"name":"b.js","content":"x"},{"path":"../c","error":{"code":"NOT_FOUND","message":"gone"}}],"limit":2}}"#,
        )
        .unwrap();
        let a: AnalyzeFilesArgs = decode_args(&r).unwrap();
        assert_eq!(a.limit, Some(2));
        assert_eq!((a.files[0].file.path.as_deref(), a.files[0].file.relative_to.as_deref()), (Some("/a.py"), Some("/")));
        assert_eq!((a.files[1].file.name.as_deref(), a.files[1].file.content.as_deref()), (Some("b.js"), Some("x")));
        assert_eq!(a.files[2].error, Some(ErrorBody { code: ErrorCode::NotFound, message: "gone".into() }));
        assert_eq!(Tool::from_name("analyze-files"), Some(Tool::AnalyzeFiles));
    }

    #[test]
    fn missing_required_args_are_bad_arguments() {
        let r = parse_request(r#"{"id":"r","tool":"analyze-metrics","args":{}}"#).unwrap();
        match decode_args::<AnalyzeMetricsArgs>(&r) {
            Err(Response::Error { error, .. }) => assert_eq!(error.code, ErrorCode::BadArguments),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn analyze_metrics_args_default_and_name_the_allowed_details() {
        let r = parse_request(r#"{"id":"r","tool":"analyze-metrics","args":{"path":"src","limit":5,"cursor":"c"}}"#).unwrap();
        let a: AnalyzeMetricsArgs = decode_args(&r).unwrap();
        assert_eq!((a.detail, a.limit, a.cursor.as_deref(), a.hotspots), (Detail::Functions, Some(5), Some("c"), None));
        let r = parse_request(r#"{"id":"r","tool":"analyze-metrics","args":{"path":"src","detail":"everything"}}"#).unwrap();
        match decode_args::<AnalyzeMetricsArgs>(&r) {
            Err(Response::Error { error, .. }) => {
                assert_eq!(error.code, ErrorCode::BadArguments);
                assert!(error.message.contains("`functions`, `files`, `summary`"), "{}", error.message);
            }
            other => panic!("{other:?}"),
        }
    }
}
