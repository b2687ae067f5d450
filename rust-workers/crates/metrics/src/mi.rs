//! Maintainability index per function, in the three published variants. With `V` = Halstead
//! volume, `G` = cyclomatic complexity, `L` = physical lines of the function and `C` = the share
//! of its lines that are comment-only (0..1):
//!
//! * `original` (Oman & Hagemeister 1992): `171 − 5.2 ln V − 0.23 G − 16.2 ln L`
//! * `sei` (SEI, with the comment term): `171 − 5.2 log2 V − 0.23 G − 16.2 log2 L + 50 sin(√(2.4 C))`
//! * `visualStudio` (Microsoft): `max(0, original × 100 / 171)`
//!
//! These are the formulas rust-code-analysis uses. `V` and `L` below 1 are taken as 1 (an empty
//! function has volume 0, and `ln 0` is not a number); the values are not clamped otherwise, so
//! `original` and `sei` can exceed 100 for tiny functions or go negative for huge ones.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaintainabilityIndex {
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub original: f64,
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub sei: f64,
    #[serde(serialize_with = "crate::rollup::round3", skip_deserializing)]
    pub visual_studio: f64,
}

impl MaintainabilityIndex {
    pub fn compute(volume: f64, cyclomatic: u32, physical_lines: u32, comment_lines: u32) -> MaintainabilityIndex {
        let v = volume.max(1.0);
        let l = (physical_lines as f64).max(1.0);
        let g = cyclomatic as f64;
        let c = (comment_lines as f64 / l).clamp(0.0, 1.0);
        let original = 171.0 - 5.2 * v.ln() - 0.23 * g - 16.2 * l.ln();
        let sei = 171.0 - 5.2 * v.log2() - 0.23 * g - 16.2 * l.log2() + 50.0 * (2.4 * c).sqrt().sin();
        MaintainabilityIndex { original, sei, visual_studio: (original * 100.0 / 171.0).max(0.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas() {
        let mi = MaintainabilityIndex::compute(100.0, 3, 10, 0);
        let original = 171.0 - 5.2 * 100f64.ln() - 0.69 - 16.2 * 10f64.ln();
        assert!((mi.original - original).abs() < 1e-9);
        assert!((mi.visual_studio - original * 100.0 / 171.0).abs() < 1e-9);
        let sei = 171.0 - 5.2 * 100f64.log2() - 0.69 - 16.2 * 10f64.log2();
        assert!((mi.sei - sei).abs() < 1e-9);
        let commented = MaintainabilityIndex::compute(100.0, 3, 10, 5);
        assert!((commented.sei - (sei + 50.0 * 1.2f64.sqrt().sin())).abs() < 1e-9);
    }

    #[test]
    fn empty_functions_are_finite() {
        let mi = MaintainabilityIndex::compute(0.0, 1, 0, 0);
        assert!(mi.original.is_finite() && mi.sei.is_finite() && mi.visual_studio <= 100.0);
    }
}
