//! Geocoding the territory's actors: positions, precisions, and what needs a human look.
//!
//! Rules:
//! - an actor without address is left alone;
//! - a `manual` position is never replaced unless forced;
//! - otherwise the new position replaces the old one unless the old one is strictly more
//!   precise (a SIRENE or house-number position is not replaced by a street or commune one)
//!   — `force` replaces it anyway;
//! - a result needs review when its score is under the threshold, when another candidate scored
//!   almost as well (ambiguous), when it is outside the territory, when the query contradicts
//!   it (the matcher's `reasons`), when its commune differs from the actor's declared commune,
//!   or when the point lies outside the declared commune's polygon;
//! - a result is written only when its score reaches the threshold (`--min-score`), it is not
//!   ambiguous, and it lies in the territory (by the matcher's answer and by the polygons): the
//!   others are listed for review and the actor keeps its position.

use std::collections::BTreeMap;

use geo::Point;
use serde::Serialize;

use crate::geocode::matcher::{GeocodeResult, Hints, MatchType};
use crate::territory::{Actor, Precision};

/// Options of an actors geocoding run.
#[derive(Debug, Clone, Copy)]
pub struct ActorsOptions {
    /// Results scoring under this need review.
    pub min_score: f64,
    /// Replace manual and more precise positions too.
    pub force: bool,
}

impl Default for ActorsOptions {
    fn default() -> Self {
        ActorsOptions {
            min_score: 0.8,
            force: false,
        }
    }
}

/// An actor whose result needs a human look.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    /// Actor id.
    pub id: String,
    /// Actor name.
    pub name: String,
    /// The address geocoded.
    pub address: String,
    /// Score of the result (none when nothing was found).
    pub score: Option<f64>,
    /// Type of the result.
    #[serde(rename = "type")]
    pub match_type: Option<MatchType>,
    /// Label of the result.
    pub label: Option<String>,
    /// Why it needs review.
    pub reasons: Vec<String>,
}

/// A position that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PositionChange {
    /// Actor id.
    pub id: String,
    /// Old (lon, lat), if any.
    pub old: Option<(f64, f64)>,
    /// Old precision.
    pub old_precision: Precision,
    /// New (lon, lat).
    pub new: (f64, f64),
    /// New precision.
    pub new_precision: Precision,
    /// New score.
    pub score: f64,
}

/// What an actors geocoding run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActorsReport {
    /// Actors with an address that were geocoded.
    pub geocoded: usize,
    /// Actors without address (left alone).
    pub without_address: usize,
    /// Actors whose manual position was kept.
    pub kept_manual: Vec<String>,
    /// Actors whose more precise position was kept.
    pub kept_better: Vec<String>,
    /// Actors whose result was not written (under the threshold, ambiguous, or outside the
    /// territory): they are in `review` with the reasons.
    pub not_written: Vec<String>,
    /// Number of actors at each precision after the run.
    pub by_precision: BTreeMap<String, usize>,
    /// Actors that need review.
    pub review: Vec<ReviewItem>,
    /// Positions that changed.
    pub changes: Vec<PositionChange>,
}

/// Geocode every actor with an address, in place.
///
/// `geocode` answers one query (offline matcher or online service); `commune_at` gives the
/// INSEE code of the commune containing a point (the territory's polygons), `None` outside.
pub fn geocode_actors<E>(
    actors: &mut [Actor],
    opts: ActorsOptions,
    mut geocode: impl FnMut(&str, Hints<'_>) -> Result<Option<GeocodeResult>, E>,
    commune_at: impl Fn(f64, f64) -> Option<String>,
) -> Result<ActorsReport, E> {
    let mut report = ActorsReport::default();
    for a in actors.iter_mut() {
        let Some(address) = a.address.clone().filter(|s| !s.trim().is_empty()) else {
            report.without_address += 1;
            continue;
        };
        if a.precision == Precision::Manual && !opts.force {
            report.kept_manual.push(a.id.clone());
            continue;
        }
        report.geocoded += 1;
        let hints = Hints {
            insee: a.insee.as_deref(),
            park_id: a.park_id.as_deref(),
        };
        let result = geocode(&address, hints)?;
        let Some(r) = result else {
            report.review.push(ReviewItem {
                id: a.id.clone(),
                name: a.name.clone(),
                address,
                score: None,
                match_type: None,
                label: None,
                reasons: vec!["no result".into()],
            });
            continue;
        };
        let mut reasons = Vec::new();
        let mut writable = true;
        if r.score < opts.min_score {
            reasons.push(format!("score {:.2} under {:.2}", r.score, opts.min_score));
            writable = false;
        }
        if r.ambiguous {
            reasons.push(format!(
                "ambiguous: runner-up {}",
                r.runner_up.as_deref().unwrap_or("?")
            ));
            writable = false;
        }
        if !r.in_territory {
            reasons.push("outside the territory".into());
            writable = false;
        }
        reasons.extend(r.reasons.iter().cloned());
        let at = commune_at(r.lon, r.lat);
        if at.is_none() {
            reasons.push("point lies outside the territory".into());
            writable = false;
        }
        if let Some(declared) = &a.insee {
            if !r.insee.is_empty() && &r.insee != declared {
                reasons.push(format!(
                    "result commune {} differs from declared commune {declared}",
                    r.insee
                ));
            }
            match &at {
                Some(c) if c == declared => {}
                Some(c) => reasons.push(format!(
                    "point lies in commune {c}, outside declared commune {declared}"
                )),
                None => {}
            }
        }
        let new_precision = r.match_type.precision();
        let replace = opts.force || a.precision >= new_precision || a.position.is_none();
        if !writable {
            reasons.push("not written".into());
            report.not_written.push(a.id.clone());
        } else if replace {
            let new = (r.lon, r.lat);
            let old = a.position.map(|p| (p.x(), p.y()));
            let moved =
                old.is_none_or(|(x, y)| (x - new.0).abs() > 1e-9 || (y - new.1).abs() > 1e-9);
            if moved || a.precision != new_precision {
                report.changes.push(PositionChange {
                    id: a.id.clone(),
                    old,
                    old_precision: a.precision,
                    new,
                    new_precision,
                    score: r.score,
                });
            }
            a.position = Some(Point::new(r.lon, r.lat));
            a.precision = new_precision;
            a.score = Some((r.score * 1000.0).round() / 1000.0);
        } else {
            report.kept_better.push(a.id.clone());
        }
        if !reasons.is_empty() {
            report.review.push(ReviewItem {
                id: a.id.clone(),
                name: a.name.clone(),
                address,
                score: Some(r.score),
                match_type: Some(r.match_type),
                label: Some(r.label.clone()),
                reasons,
            });
        }
    }
    for a in actors.iter() {
        *report
            .by_precision
            .entry(a.precision.as_str().to_owned())
            .or_default() += 1;
    }
    Ok(report)
}
