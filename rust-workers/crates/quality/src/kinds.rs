//! What each node kind of a grammar is to the rules, decided once per grammar from the kind
//! names (the same predicates the rules read) and looked up by kind id for every node: the
//! per-node string comparisons of every rule showed in profiles (a fifth of the rules' time).

use std::sync::Mutex;

use lang::Language;

/// A comment (`comment`, `line_comment`, `block_comment`, ...).
pub(crate) const COMMENT: u16 = 1;
/// A string literal node the secret rule reads.
pub(crate) const STRING: u16 = 1 << 1;
/// An import-like declaration (left out of the clone tokens).
pub(crate) const IMPORT: u16 = 1 << 2;
/// A literal: one clone token `LIT` for its whole subtree.
pub(crate) const LITERAL: u16 = 1 << 3;
/// An identifier: the clone token `ID`.
pub(crate) const IDENTIFIER: u16 = 1 << 4;
/// A kind one of the syntax rules looks at (`syntax::looks_at`).
pub(crate) const SYNTAX: u16 = 1 << 5;

/// A grammar's kinds: names and flags by kind id.
pub(crate) struct Kinds {
    names: Vec<&'static str>,
    flags: Vec<u16>,
}

impl Kinds {
    /// The kind name of `kind_id` (`ERROR`'s id lies outside the table: `fallback`, the node's own).
    #[inline]
    pub(crate) fn name(&self, kind_id: u16, fallback: impl FnOnce() -> &'static str) -> &'static str {
        self.names.get(kind_id as usize).copied().unwrap_or_else(fallback)
    }

    #[inline]
    pub(crate) fn flags(&self, kind_id: u16) -> u16 {
        self.flags.get(kind_id as usize).copied().unwrap_or(0)
    }
}

/// The kinds of `lang`'s grammar (empty without one), built at its first use and kept for the
/// life of the process (a dozen grammars, a few KiB each).
pub(crate) fn of(lang: Language) -> &'static Kinds {
    static TABLES: Mutex<Vec<(Language, &'static Kinds)>> = Mutex::new(Vec::new());
    let mut tables = TABLES.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, k)) = tables.iter().find(|(l, _)| *l == lang) {
        return k;
    }
    let names: Vec<&'static str> = match lang.grammar() {
        Some(g) => (0..g.node_kind_count()).map(|i| g.node_kind_for_id(i as u16).unwrap_or("")).collect(),
        None => Vec::new(),
    };
    let flags = names
        .iter()
        .map(|&k| {
            let mut f = 0;
            for (on, bit) in [
                (k.contains("comment"), COMMENT),
                (crate::text::is_string(k), STRING),
                (crate::clones::is_import(k), IMPORT),
                (crate::clones::is_literal(k), LITERAL),
                (crate::clones::is_identifier(k), IDENTIFIER),
                (crate::syntax::looks_at(lang, k), SYNTAX),
            ] {
                if on {
                    f |= bit;
                }
            }
            f
        })
        .collect();
    let kinds: &'static Kinds = Box::leak(Box::new(Kinds { names, flags }));
    tables.push((lang, kinds));
    kinds
}
