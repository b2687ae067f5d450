//! Roll-ups of the function and class metrics: `sum`, `avg`, `min`, `max` of each metric over a
//! file's functions, and merged further over a directory and a whole scan. Merging keeps the
//! count, so an average over a directory is the average over its functions (not an average of
//! file averages). Over no functions every statistic is 0.

use serde::{Deserialize, Serialize};

use crate::classes::ClassMetrics;
use crate::walk::FunctionMetrics;

/// Serializes a float rounded to 3 decimals: the digits beyond say nothing about code and would
/// make the JSON twice as long (`247.254` instead of `247.25415011250035`).
pub(crate) fn round3<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((v * 1000.0).round() / 1000.0)
}

/// One statistic over a set of values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Stat {
    #[serde(serialize_with = "round3")]
    pub sum: f64,
    #[serde(serialize_with = "round3")]
    pub avg: f64,
    #[serde(serialize_with = "round3")]
    pub min: f64,
    #[serde(serialize_with = "round3")]
    pub max: f64,
    #[serde(skip)]
    count: u64,
}

impl Stat {
    pub fn add(&mut self, v: f64) {
        if self.count == 0 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        self.count += 1;
        self.sum += v;
        self.avg = self.sum / self.count as f64;
    }

    pub fn merge(&mut self, other: &Stat) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        self.count += other.count;
        self.sum += other.sum;
        self.avg = self.sum / self.count as f64;
    }

    pub fn count(&self) -> u64 {
        self.count
    }
}

/// Roll-up of the function and class metrics of a file, a directory or a scan.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricStats {
    pub functions: u64,
    pub classes: u64,
    pub cyclomatic: Stat,
    pub cognitive: Stat,
    pub nargs: Stat,
    pub nexits: Stat,
    pub nesting: Stat,
    /// Logical lines per function.
    pub logical: Stat,
    /// Physical lines per function.
    pub physical: Stat,
    pub halstead_volume: Stat,
    pub halstead_difficulty: Stat,
    pub halstead_effort: Stat,
    pub halstead_bugs: Stat,
    pub mi_original: Stat,
    pub mi_sei: Stat,
    pub mi_visual_studio: Stat,
    pub abc_magnitude: Stat,
    /// WMC per class.
    pub wmc: Stat,
    pub methods_per_class: Stat,
}

impl MetricStats {
    pub fn of(functions: &[FunctionMetrics], classes: &[ClassMetrics]) -> MetricStats {
        let mut s = MetricStats::default();
        for f in functions {
            s.add_function(f);
        }
        for c in classes {
            s.classes += 1;
            s.wmc.add(c.wmc as f64);
            s.methods_per_class.add(c.methods as f64);
        }
        s
    }

    fn add_function(&mut self, f: &FunctionMetrics) {
        self.functions += 1;
        self.cyclomatic.add(f.cyclomatic as f64);
        self.cognitive.add(f.cognitive as f64);
        self.nargs.add(f.nargs as f64);
        self.nexits.add(f.nexits as f64);
        self.nesting.add(f.nesting as f64);
        self.logical.add(f.lines.logical as f64);
        self.physical.add(f.lines.physical as f64);
        self.halstead_volume.add(f.halstead.volume);
        self.halstead_difficulty.add(f.halstead.difficulty);
        self.halstead_effort.add(f.halstead.effort);
        self.halstead_bugs.add(f.halstead.bugs);
        self.mi_original.add(f.mi.original);
        self.mi_sei.add(f.mi.sei);
        self.mi_visual_studio.add(f.mi.visual_studio);
        self.abc_magnitude.add(f.abc.magnitude);
    }

    pub fn merge(&mut self, o: &MetricStats) {
        self.functions += o.functions;
        self.classes += o.classes;
        for (a, b) in self.stats_mut().into_iter().zip(o.stats()) {
            a.merge(b);
        }
    }

    fn stats(&self) -> [&Stat; 17] {
        [
            &self.cyclomatic,
            &self.cognitive,
            &self.nargs,
            &self.nexits,
            &self.nesting,
            &self.logical,
            &self.physical,
            &self.halstead_volume,
            &self.halstead_difficulty,
            &self.halstead_effort,
            &self.halstead_bugs,
            &self.mi_original,
            &self.mi_sei,
            &self.mi_visual_studio,
            &self.abc_magnitude,
            &self.wmc,
            &self.methods_per_class,
        ]
    }

    fn stats_mut(&mut self) -> [&mut Stat; 17] {
        [
            &mut self.cyclomatic,
            &mut self.cognitive,
            &mut self.nargs,
            &mut self.nexits,
            &mut self.nesting,
            &mut self.logical,
            &mut self.physical,
            &mut self.halstead_volume,
            &mut self.halstead_difficulty,
            &mut self.halstead_effort,
            &mut self.halstead_bugs,
            &mut self.mi_original,
            &mut self.mi_sei,
            &mut self.mi_visual_studio,
            &mut self.abc_magnitude,
            &mut self.wmc,
            &mut self.methods_per_class,
        ]
    }
}

/// What the directory and language roll-ups need of one file, with an exact binary form for the
/// scan index (a warm scan rolls up from it without decoding the file's metrics).
#[derive(Debug, Clone, PartialEq)]
pub struct FileSummary {
    pub language: &'static str,
    pub lines: crate::FileLines,
    pub functions: u64,
    pub totals: MetricStats,
}

impl FileSummary {
    pub fn of(m: &crate::FileMetrics) -> FileSummary {
        FileSummary { language: m.language, lines: m.lines, functions: m.functions.len() as u64, totals: m.totals.clone() }
    }

    /// Appends the binary form: language name (u8 length + bytes), then u64s (line counts,
    /// functions, the roll-up's counts) and f64 bit patterns (so sums stay exact).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.push(self.language.len() as u8);
        out.extend_from_slice(self.language.as_bytes());
        let l = &self.lines;
        let t = &self.totals;
        for v in [l.physical, l.code, l.comment, l.blank, l.logical, self.functions, t.functions, t.classes] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for s in t.stats() {
            out.extend_from_slice(&s.count.to_le_bytes());
            for f in [s.sum, s.avg, s.min, s.max] {
                out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
        }
    }

    /// Reads what [`FileSummary::write_to`] wrote; returns the summary and the bytes it took.
    pub fn read_from(b: &[u8]) -> Option<(FileSummary, usize)> {
        let n = *b.first()? as usize;
        let name = std::str::from_utf8(b.get(1..1 + n)?).ok()?;
        let language = lang::Language::from_name(name).map(|l| l.name()).filter(|l| *l == name)?;
        let mut at = 1 + n;
        let u64_at = |at: &mut usize| -> Option<u64> {
            let v = u64::from_le_bytes(b.get(*at..*at + 8)?.try_into().ok()?);
            *at += 8;
            Some(v)
        };
        let mut v = [0u64; 8];
        for x in v.iter_mut() {
            *x = u64_at(&mut at)?;
        }
        let lines = crate::FileLines {
            counts: crate::LineCounts { physical: v[0], code: v[1], comment: v[2], blank: v[3] },
            logical: v[4],
        };
        let mut totals = MetricStats { functions: v[6], classes: v[7], ..Default::default() };
        for s in totals.stats_mut() {
            s.count = u64_at(&mut at)?;
            let mut f = [0f64; 4];
            for x in f.iter_mut() {
                *x = f64::from_bits(u64_at(&mut at)?);
            }
            [s.sum, s.avg, s.min, s.max] = f;
        }
        Some((FileSummary { language, lines, functions: v[5], totals }, at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_bytes_round_trip_exactly() {
        let m = crate::analyze_source(lang::Language::Java, b"class A { int f(int a) { return a > 1 ? a / 3 : 0; } void g() {} }\n");
        let s = FileSummary::of(&m);
        let mut b = vec![];
        s.write_to(&mut b);
        b.extend_from_slice(b"rest");
        let (back, used) = FileSummary::read_from(&b).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.totals.cyclomatic.count(), 2);
        assert_eq!(&b[used..], b"rest");
        assert!(FileSummary::read_from(&b[..used - 1]).is_none());
    }

    #[test]
    fn stats_merge_like_one_pass() {
        let mut all = Stat::default();
        let (mut a, mut b) = (Stat::default(), Stat::default());
        for v in [3.0, 1.0, 4.0] {
            all.add(v);
            a.add(v);
        }
        for v in [1.0, 5.0] {
            all.add(v);
            b.add(v);
        }
        let mut merged = Stat::default();
        merged.merge(&a);
        merged.merge(&Stat::default());
        merged.merge(&b);
        assert_eq!(merged, all);
        assert_eq!((all.sum, all.min, all.max, all.avg), (14.0, 1.0, 5.0, 2.8));
    }

    #[test]
    fn empty_is_zero() {
        let s = MetricStats::of(&[], &[]);
        assert_eq!(s.cyclomatic.max, 0.0);
        assert_eq!(s.functions, 0);
    }
}
