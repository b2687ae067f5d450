//! `hard-coded-secret`: provider key patterns anywhere in a file (the patterns of gitleaks and
//! detect-secrets for the common providers) and high-entropy string literals assigned to a name
//! that says secret. The value is never echoed: a message or excerpt shows its first 4
//! characters and its length ([`redact`]).

use std::sync::OnceLock;

use regex::Regex;

use crate::text::Piece;
use crate::{Settings, Sink};

/// (provider, pattern)
const PROVIDERS: &[(&str, &str)] = &[
    ("AWS access key id", r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    ("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b"),
    ("GitHub fine-grained token", r"\bgithub_pat_[A-Za-z0-9_]{82}\b"),
    ("GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20}\b"),
    ("Slack token", r"\bxox[baprs]-[0-9A-Za-z\-]{10,72}\b"),
    ("Stripe secret key", r"\b(?:sk|rk)_live_[0-9A-Za-z]{24,99}\b"),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    ("OpenAI API key", r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}\b"),
    ("private key", r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"),
];

/// All provider patterns in one regex (one group per provider): one scan of the file, its literal
/// prefixes found by the regex engine's prefilter, instead of one scan per provider.
fn providers() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let alternation: Vec<String> = PROVIDERS.iter().map(|(_, p)| format!("({p})")).collect();
        Regex::new(&alternation.join("|")).expect("valid")
    })
}

/// [`providers`] without its word boundaries: a file without a candidate (nearly every file) costs
/// one scan on the DFA and the literal prefixes instead of the NFA's scan of every byte; only a
/// file with one is scanned by [`providers`].
fn provider_candidates() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let alternation: Vec<&str> = PROVIDERS.iter().map(|(_, p)| *p).collect();
        crate::text::without_word_boundaries(&alternation.join("|"))
    })
}

fn secret_name() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)(pass(?:word|wd)?|secret|token|api[_\-]?key|apikey|private[_\-]?key|access[_\-]?key|auth|credential|pwd)\w*['\x22]?\s*(?::\s*[\w<>\[\]]+\s*)?(?:=|:|=>|:=)\s*$").expect("valid"))
}

/// `abcd…(40 chars)`: enough to find it, never the value.
pub(crate) fn redact(value: &str) -> String {
    let head: String = value.chars().take(4).collect();
    format!("{head}…({} chars)", value.chars().count())
}

/// Shannon entropy in bits per character.
pub(crate) fn entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    let n = s.chars().count() as f64;
    counts.values().map(|&c| {
        let p = c as f64 / n;
        -p * p.log2()
    }).sum()
}

/// Provider keys in `text`, at most one per line.
pub(crate) fn check_lines(text: &str, out: &mut Sink<'_>) -> Vec<u32> {
    let mut lines = Vec::new();
    if !provider_candidates().is_match(text) {
        return lines;
    }
    let (mut line, mut counted_to) = (1u32, 0usize);
    for caps in providers().captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        line += text.as_bytes()[counted_to..m.start()].iter().filter(|&&b| b == b'\n').count() as u32;
        counted_to = m.start();
        if lines.last() == Some(&line) {
            continue;
        }
        let provider = (1..caps.len()).find(|&i| caps.get(i).is_some()).map_or("secret", |i| PROVIDERS[i - 1].0);
        let start = text[..m.start()].rfind('\n').map_or(0, |p| p + 1);
        let end = text[m.end()..].find('\n').map_or(text.len(), |p| m.end() + p);
        let excerpt = crate::cut(&text[start..end].trim().replace(m.as_str(), &redact(m.as_str())));
        let excerpt = if excerpt.contains(m.as_str()) { redact(m.as_str()) } else { excerpt };
        out.add_with_excerpt("hard-coded-secret", line, line, format!("{provider} {}", redact(m.as_str())), excerpt);
        lines.push(line);
    }
    lines
}

/// Provider keys anywhere, then high-entropy literals assigned to a secret-sounding name.
pub(crate) fn check(strings: &[Piece], source: &[u8], settings: &Settings<'_>, out: &mut Sink<'_>) {
    let reported = check_lines(&String::from_utf8_lossy(source), out);
    let min_length = settings.thresholds.get("hard-coded-secret", "minLength");
    let min_entropy = settings.thresholds.get("hard-coded-secret", "minEntropy");
    for s in strings {
        let line = s.line;
        if reported.contains(&line) {
            continue;
        }
        let raw = s.text(source);
        // prefixes (`r"…"`, `f"…"`, `@"…"`, `b'…'`) and quotes are not part of the value
        let value = raw.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '@' || c == '$' || c == '#');
        let value = value.trim_matches(|c| c == '"' || c == '\'' || c == '`' || c == '#');
        if (value.chars().count() as f64) < min_length || value.contains(char::is_whitespace) {
            continue;
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || "+/=_-.".contains(c)) || entropy(value) < min_entropy {
            continue;
        }
        let start = s.start;
        let line_start = source[..start].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let before = String::from_utf8_lossy(&source[line_start..start]);
        if let Some(m) = secret_name().find(&before) {
            let name = m.as_str().split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-')).next().unwrap_or("");
            let full_line = out.line(line);
            let excerpt = crate::cut(&full_line.replace(value, &redact(value)));
            let excerpt = if excerpt.contains(value) { redact(value) } else { excerpt };
            out.add_with_excerpt("hard-coded-secret", line, line, format!("high-entropy literal assigned to `{name}`: {}", redact(value)), excerpt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_four_characters_and_the_length() {
        assert_eq!(redact("AKIAABCDEFGHIJKLMNOP"), "AKIA…(20 chars)");
    }

    #[test]
    fn entropy_of_uniform_and_repeated_strings() {
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-9);
    }
}
