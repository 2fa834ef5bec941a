//! Statistical disclosure control: what may leave the server without the officer's token.
//!
//! Every figure published to the public knows the *contributors* behind it: the companies
//! (holders) whose quantities it is computed from. The rules follow the practice of French
//! public statistics (primary and secondary suppression, coarsening):
//!
//! - **primary suppression** ([`Rule::allows`]): a figure resting on fewer than `k`
//!   contributors (k = territory.toml `min_contributors`, default
//!   [`crate::territory::MIN_CONTRIBUTORS`]) is not published;
//! - **secondary suppression** ([`Rule::protect_parts`], [`Rule::protect_nested`]): a published
//!   total minus the published parts it contains gives the sum of the suppressed parts; when
//!   that difference rests on 1 to k − 1 contributors, more parts are suppressed (the smallest
//!   first) until it rests on none or on at least k;
//! - **coarsening** ([`coarsen`], [`score_class`]): figures computed from many contributors
//!   but published by several endpoints (a total per cluster, per commune, per material) are
//!   rounded to two significant digits, so that differences across endpoints give ranges, not
//!   a company's exact quantity; ranking scores, which are linear in the quantities, are
//!   published as one of five classes.
//!
//! The threat model (what the public may learn, which attacks are covered) is written in
//! `docs/confidentiality.md`.

use std::collections::BTreeSet;

use crate::territory::Territory;

/// The disclosure rule of a territory: the fewest contributors behind a public figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Fewest contributors behind a published figure (≥ 2).
    pub k: usize,
}

impl Default for Rule {
    fn default() -> Self {
        Rule {
            k: crate::territory::MIN_CONTRIBUTORS,
        }
    }
}

/// A set of contributors (holder ids).
pub type Contributors = BTreeSet<String>;

impl Rule {
    /// The rule of `t` (territory.toml `min_contributors`).
    pub fn of(t: &Territory) -> Rule {
        Rule {
            k: t.min_contributors().max(2),
        }
    }

    /// Primary rule: whether a figure resting on `n` contributors may be published.
    pub fn allows(&self, n: usize) -> bool {
        n >= self.k
    }

    /// Whether a difference of published figures resting on `n` contributors is harmless:
    /// none (the figures are equal by construction) or at least `k`.
    pub fn safe_difference(&self, n: usize) -> bool {
        n == 0 || n >= self.k
    }

    /// Which of `parts` may be published beside a published `total` that contains them
    /// (disjoint parts of a partition or a sub-partition of the total's contributors).
    ///
    /// Primary: a part with fewer than `k` contributors is suppressed. Secondary: the
    /// contributors of the total that no published part covers are what `total − Σ published`
    /// reveals; while they number 1 to k − 1, the published part with the fewest contributors
    /// is suppressed too. Returns one flag per part (`true`: publish).
    pub fn protect_parts(&self, total: &Contributors, parts: &[&Contributors]) -> Vec<bool> {
        let mut published: Vec<bool> = parts.iter().map(|p| self.allows(p.len())).collect();
        loop {
            let covered: BTreeSet<&String> = parts
                .iter()
                .zip(&published)
                .filter(|(_, on)| **on)
                .flat_map(|(p, _)| p.iter())
                .collect();
            let residual = total.iter().filter(|c| !covered.contains(c)).count();
            if self.safe_difference(residual) {
                return published;
            }
            let smallest = parts
                .iter()
                .enumerate()
                .filter(|(i, _)| published[*i])
                .min_by_key(|(i, p)| (p.len(), *i))
                .map(|(i, _)| i);
            match smallest {
                Some(i) => published[i] = false,
                None => return published,
            }
        }
    }

    /// Secondary suppression over any family of published cells: whenever one published cell's
    /// contributors are a strict subset of another's, their difference rests on the others'
    /// extra contributors; when these number 1 to k − 1, the smaller cell is suppressed.
    /// `published` is updated in place (cells already suppressed stay suppressed). Repeats
    /// until no such pair remains.
    pub fn protect_nested(&self, cells: &[&Contributors], published: &mut [bool]) {
        loop {
            let mut changed = false;
            for a in 0..cells.len() {
                if !published[a] {
                    continue;
                }
                for b in 0..cells.len() {
                    if a == b || !published[b] || cells[a].len() >= cells[b].len() {
                        continue;
                    }
                    if cells[a].is_subset(cells[b])
                        && !self.safe_difference(cells[b].len() - cells[a].len())
                    {
                        published[a] = false;
                        changed = true;
                        break;
                    }
                }
            }
            if !changed {
                return;
            }
        }
    }
}

/// A figure rounded to two significant digits (coarsening of published totals): 1234.5 →
/// 1200, 0.0456 → 0.046. Non-finite values and 0 are returned unchanged.
pub fn coarsen(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let magnitude = x.abs().log10().floor() as i32;
    let step = 10f64.powi(magnitude - 1);
    let r = (x / step).round() * step;
    // Print-friendly: strip the binary noise of the multiplication.
    let digits = (1 - magnitude).clamp(0, 15) as usize;
    format!("{r:.digits$}").parse().unwrap_or(r)
}

/// Number of classes of a public ranking score.
pub const SCORE_CLASSES: usize = 5;

/// A score in [0, 1] coarsened to one of [`SCORE_CLASSES`] classes: 0, 0.25, 0.5, 0.75, 1
/// (nearest).
pub fn score_class(score: f64) -> f64 {
    let steps = (SCORE_CLASSES - 1) as f64;
    (score.clamp(0.0, 1.0) * steps).round() / steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(ids: &[&str]) -> Contributors {
        ids.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn primary_suppression_at_k() {
        let r = Rule { k: 3 };
        assert!(!r.allows(2));
        assert!(r.allows(3));
        assert!(r.safe_difference(0) && !r.safe_difference(1) && r.safe_difference(3));
    }

    #[test]
    fn a_lone_suppressed_part_takes_another_with_it() {
        let r = Rule { k: 3 };
        let total = set(&["a", "b", "c", "d", "e", "f", "g"]);
        let big = set(&["a", "b", "c"]);
        let mid = set(&["d", "e", "f"]);
        let small = set(&["g"]);
        // total − big − mid = g alone: mid (tied smallest, first by position after big) goes.
        let p = r.protect_parts(&total, &[&big, &mid, &small]);
        assert_eq!(p.iter().filter(|x| **x).count(), 1, "{p:?}");
        assert!(!p[2]);
        // The residual is then ≥ k.
        let on: BTreeSet<&String> = [&big, &mid, &small]
            .iter()
            .zip(&p)
            .filter(|(_, on)| **on)
            .flat_map(|(c, _)| c.iter())
            .collect();
        assert!(total.len() - on.len() >= 3);
    }

    #[test]
    fn nothing_suppressed_when_the_parts_cover_the_total() {
        let r = Rule { k: 3 };
        let total = set(&["a", "b", "c", "d", "e", "f"]);
        let p = r.protect_parts(&total, &[&set(&["a", "b", "c"]), &set(&["d", "e", "f"])]);
        assert_eq!(p, [true, true]);
    }

    #[test]
    fn nested_cells_differing_by_fewer_than_k_lose_the_smaller() {
        let r = Rule { k: 3 };
        let a = set(&["a", "b", "c"]);
        let b = set(&["a", "b", "c", "d"]);
        let c = set(&["a", "b", "c", "d", "e", "f", "g"]);
        let mut on = [true, true, true];
        r.protect_nested(&[&a, &b, &c], &mut on);
        // a ⊂ b by one: a goes; b ⊂ c by three: kept.
        assert_eq!(on, [false, true, true]);
    }

    #[test]
    fn coarsening_keeps_two_significant_digits() {
        assert_eq!(coarsen(1234.5), 1200.0);
        assert_eq!(coarsen(21.0), 21.0);
        assert_eq!(coarsen(3.675), 3.7);
        assert_eq!(coarsen(0.0456), 0.046);
        assert_eq!(coarsen(-987.0), -990.0);
        assert_eq!(coarsen(0.0), 0.0);
    }

    #[test]
    fn scores_fall_in_five_classes() {
        assert_eq!(score_class(0.93), 1.0);
        assert_eq!(score_class(0.6), 0.5);
        assert_eq!(score_class(0.13), 0.25);
        assert_eq!(score_class(-1.0), 0.0);
    }
}
