//! SVG through Graphviz: `dot -Tsvg`, started by argument list (no shell), the DOT text on its
//! stdin, killed at a timeout. The binary is `dot` on the PATH, or `MCPCA_DOT` (Debian package
//! `graphviz`; the launcher installs it).

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::Error;

/// Graphviz lays out a few thousand nodes in seconds; 20 s is far past any picture we send
/// (the node budget caps them) and well inside a call's deadline.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// An SVG bigger than this is refused rather than sent (the worker's result limit is 6 MB).
const MAX_SVG_BYTES: usize = 5 * 1024 * 1024;

fn dot_binary() -> String {
    std::env::var("MCPCA_DOT").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "dot".to_string())
}

/// The SVG Graphviz draws for `dot`.
pub fn render(dot: &str, timeout: Duration) -> Result<String, Error> {
    let binary = dot_binary();
    let mut child = Command::new(&binary)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Render(format!("cannot start Graphviz `{binary}` (Debian package graphviz): {e}")))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = dot.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut stdout = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.by_ref().take(MAX_SVG_BYTES as u64 + 1).read_to_end(&mut out);
        out
    });
    let mut stderr = child.stderr.take().expect("piped stderr");
    let errors = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr.by_ref().take(4096).read_to_end(&mut out);
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Render(format!("Graphviz took longer than {} s", timeout.as_secs())));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(Error::Render(format!("waiting for Graphviz: {e}"))),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(Error::Render(format!("Graphviz failed ({status}): {}", String::from_utf8_lossy(&err).trim())));
    }
    if out.len() > MAX_SVG_BYTES {
        return Err(Error::Render(format!("the SVG is larger than {MAX_SVG_BYTES} bytes; lower maxNodes")));
    }
    String::from_utf8(out).map_err(|_| Error::Render("Graphviz wrote invalid UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_an_svg_with_one_group_per_node() {
        let Ok(svg) = render("digraph g { n0 [label=\"A\"]; n1 [label=\"B\"]; n0 -> n1; }", DEFAULT_TIMEOUT) else {
            eprintln!("graphviz not installed: skipped");
            return;
        };
        assert!(svg.contains("<svg"), "{svg}");
        assert_eq!(svg.matches("class=\"node\"").count(), 2);
        assert_eq!(svg.matches("class=\"edge\"").count(), 1);
    }

    #[test]
    fn bad_dot_is_a_render_error() {
        if Command::new(dot_binary()).arg("-V").output().is_err() {
            return;
        }
        assert!(matches!(render("digraph {", DEFAULT_TIMEOUT), Err(Error::Render(_))));
    }
}
