//! The rules on the metric suite's numbers: per function (cyclomatic, cognitive, lines,
//! parameters, nesting, returns, maintainability index), per class (WMC, methods) and per file
//! (code lines). The numbers are `metrics`' own, so each rule agrees with the reference tool
//! wherever the metric does (`metrics/tests/reference_fixtures.rs`).

use metrics::FileMetrics;

use crate::{Settings, Sink};

pub(crate) fn check(m: &FileMetrics, settings: &Settings<'_>, out: &mut Sink<'_>) {
    let t = settings.thresholds;
    for f in &m.functions {
        let name = &f.qualified_name;
        let mut over = |id: &'static str, value: f64, what: &str| {
            if settings.on(id) {
                let max = t.get(id, "max");
                if value > max {
                    out.add(id, f.start_line, f.end_line, format!("{} `{name}` has {what} {value} (max {max})", f.kind));
                }
            }
        };
        over("complex-function", f.cyclomatic as f64, "cyclomatic complexity");
        over("hard-to-read-function", f.cognitive as f64, "cognitive complexity");
        over("long-function", f.lines.physical as f64, "lines:");
        over("long-parameter-list", f.nargs as f64, "parameters:");
        over("deep-nesting", f.nesting as f64, "nesting depth");
        over("too-many-returns", f.nexits as f64, "return statements:");
        if settings.on("low-maintainability") {
            let min = t.get("low-maintainability", "min");
            let mi = f.mi.visual_studio;
            if mi < min {
                out.add("low-maintainability", f.start_line, f.end_line, format!("{} `{name}` has maintainability index {:.1} (min {min})", f.kind, mi));
            }
        }
    }
    if settings.on("large-class") {
        let (max_wmc, max_methods) = (t.get("large-class", "maxWmc"), t.get("large-class", "maxMethods"));
        for c in &m.classes {
            let mut why = Vec::new();
            if c.wmc as f64 >= max_wmc {
                why.push(format!("WMC {} (reported from {max_wmc})", c.wmc));
            }
            if c.methods as f64 > max_methods {
                why.push(format!("{} methods (max {max_methods})", c.methods));
            }
            if !why.is_empty() {
                out.add("large-class", c.start_line, c.end_line, format!("{} `{}` has {}", c.kind, c.qualified_name, why.join(" and ")));
            }
        }
    }
    if settings.on("large-file") {
        let max = t.get("large-file", "max");
        if m.lines.code as f64 > max {
            out.add_with_excerpt("large-file", 1, m.lines.physical.max(1) as u32, format!("file has {} lines of code (max {max})", m.lines.code), String::new());
        }
    }
}
