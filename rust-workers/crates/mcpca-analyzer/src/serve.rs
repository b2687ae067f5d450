//! `serve`: the long-lived mode the Java workers keep warm.
//!
//! Lifecycle:
//! 1. Read one line from stdin (bytes; invalid UTF-8 is replaced, never fatal).
//! 2. Parse it; a bad line gets an error line (id `""` if none was readable) and we go on.
//! 3. Run the tool; `analyze-metrics` writes progress lines while it runs.
//! 4. Write exactly one result or error line and flush, so the caller never waits on a buffer.
//! 5. On EOF, exit 0. A panic inside a tool becomes an `INTERNAL` error line; the loop goes on.
//!
//! Requests are handled one at a time; parallelism is inside `analyze-metrics` (rayon) and
//! across processes (the worker's pool).

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;
use lang::Language;
use protocol::{AnalyzeMetricsArgs, CalculateMetricsArgs, ErrorCode, PingArgs, Pong, Request, Response, Tool};

use crate::scan::{self, FileOutcome, ScanOptions};

/// Writes whole lines and flushes after each one; shared with rayon workers for progress.
pub struct LineWriter<W: Write> {
    out: Mutex<W>,
}

impl<W: Write> LineWriter<W> {
    pub fn new(out: W) -> Self {
        LineWriter { out: Mutex::new(out) }
    }

    pub fn send(&self, response: &Response) {
        let line = response.to_line();
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        // A closed stdout means the parent is gone; the next read will see EOF and we exit.
        let _ = out.write_all(line.as_bytes()).and_then(|_| out.write_all(b"\n")).and_then(|_| out.flush());
    }
}

/// Runs the request loop until EOF on `input`.
pub fn run<R: BufRead, W: Write + Send>(mut input: R, writer: &LineWriter<W>, options: &ScanOptions) -> Result<()> {
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let response = match protocol::parse_request(line) {
            Ok(request) => {
                let id = request.id.clone();
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(&request, writer, options)))
                    .unwrap_or_else(|panic| {
                        let message = panic
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| panic.downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "panic".to_string());
                        Response::error(id, ErrorCode::Internal, format!("internal error: {message}"))
                    })
            }
            Err(e) => e.into_response(),
        };
        writer.send(&response);
    }
}

fn now_micros() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros() as u64).unwrap_or(0)
}

fn handle<W: Write + Send>(request: &Request, writer: &LineWriter<W>, options: &ScanOptions) -> Response {
    let id = request.id.clone();
    let Some(tool) = Tool::from_name(&request.tool) else {
        return Response::error(id, ErrorCode::BadArguments, format!("unknown tool `{}`", request.tool));
    };
    let outcome = match tool {
        Tool::Ping => ping(request),
        Tool::CalculateMetrics => calculate_metrics(request, options),
        Tool::AnalyzeMetrics => analyze_metrics(request, writer, options),
    };
    match outcome {
        Ok(result) => Response::Result { id, result },
        Err(error) => error,
    }
}

type ToolResult = std::result::Result<serde_json::Value, Response>;

fn to_value<T: serde::Serialize>(id: &str, value: &T) -> ToolResult {
    serde_json::to_value(value).map_err(|e| Response::error(id, ErrorCode::Internal, e.to_string()))
}

fn ping(request: &Request) -> ToolResult {
    let args: PingArgs = protocol::decode_args(request)?;
    let started = now_micros();
    if let Some(ms) = args.sleep_ms {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
    let pong = Pong { pong: true, pid: std::process::id(), started_at_micros: started, ended_at_micros: now_micros() };
    to_value(&request.id, &pong)
}

fn language_arg(id: &str, name: Option<&str>) -> std::result::Result<Option<Language>, Response> {
    match name {
        None => Ok(None),
        Some(n) => Language::from_name(n)
            .map(Some)
            .ok_or_else(|| Response::error(id, ErrorCode::UnsupportedLanguage, format!("unsupported language `{n}`"))),
    }
}

fn calculate_metrics(request: &Request, options: &ScanOptions) -> ToolResult {
    let id = request.id.as_str();
    let args: CalculateMetricsArgs = protocol::decode_args(request)?;
    let forced = language_arg(id, args.language.as_deref())?;
    if let Some(content) = &args.content {
        let name = args.name.clone().unwrap_or_default();
        let lang = forced
            .or_else(|| Language::detect(Path::new(&name), content.as_bytes()))
            .ok_or_else(|| Response::error(id, ErrorCode::BadArguments, "inline content needs `language` (or a `name` with a known extension)"))?;
        let mut m = metrics::analyze_source(lang, content.as_bytes());
        m.path = name;
        return to_value(id, &m);
    }
    let Some(path) = &args.path else {
        return Err(Response::error(id, ErrorCode::BadArguments, "calculate-metrics needs `path` or `content`"));
    };
    let p = Path::new(path);
    match std::fs::symlink_metadata(p) {
        Err(_) => return Err(Response::error(id, ErrorCode::NotFound, format!("no such file: {path}"))),
        Ok(meta) if meta.is_dir() => {
            return Err(Response::error(id, ErrorCode::BadArguments, format!("{path} is a directory; use analyze-metrics")))
        }
        Ok(_) => {}
    }
    match scan::measure_file(p, path.clone(), options, forced) {
        FileOutcome::Measured(m) => to_value(id, &m),
        FileOutcome::Skipped(reason) if reason == "unknown language" => {
            Err(Response::error(id, ErrorCode::UnsupportedLanguage, format!("{path}: unknown language")))
        }
        FileOutcome::Skipped(reason) => Err(Response::error(id, ErrorCode::BadArguments, format!("{path}: skipped ({reason})"))),
    }
}

fn analyze_metrics<W: Write + Send>(request: &Request, writer: &LineWriter<W>, options: &ScanOptions) -> ToolResult {
    let id = request.id.as_str();
    let args: AnalyzeMetricsArgs = protocol::decode_args(request)?;
    let root = Path::new(&args.path);
    if !root.exists() {
        return Err(Response::error(id, ErrorCode::NotFound, format!("no such directory: {}", args.path)));
    }
    let progress = |done: u64, total: u64, path: &str| {
        writer.send(&Response::Progress { id: id.to_string(), progress: done, total, message: path.to_string() });
    };
    let result = scan::scan(root, args.relative_to.as_deref().map(Path::new), options, &progress);
    to_value(id, &result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(input: &str) -> Vec<serde_json::Value> {
        let writer = LineWriter::new(Vec::new());
        run(input.as_bytes(), &writer, &ScanOptions::default()).unwrap();
        let out = writer.out.into_inner().unwrap();
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn bad_lines_get_error_lines_and_the_loop_goes_on() {
        let out = exchange("nope\n{\"id\":\"a\",\"tool\":\"dance\"}\n\n{\"id\":\"b\",\"tool\":\"ping\"}\n");
        assert_eq!(out.len(), 3);
        assert_eq!(out[0]["id"], "");
        assert_eq!(out[0]["error"]["code"], "BAD_ARGUMENTS");
        assert_eq!(out[1]["id"], "a");
        assert_eq!(out[2]["result"]["pong"], true);
    }

    #[test]
    fn invalid_utf8_in_content_is_replaced() {
        let mut input = b"{\"id\":\"u\",\"tool\":\"calculate-metrics\",\"args\":{\"content\":\"x = 1 \xff\\n\",\"language\":\"python\"}}\n".to_vec();
        input.extend_from_slice(b"");
        let writer = LineWriter::new(Vec::new());
        run(&input[..], &writer, &ScanOptions::default()).unwrap();
        let out = String::from_utf8(writer.out.into_inner().unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["type"], "result");
        assert_eq!(v["result"]["lines"]["code"], 1);
    }
}
