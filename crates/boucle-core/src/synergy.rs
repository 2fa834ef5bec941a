//! Synergies: matching what one actor gives away ("out" flows) with what another needs or
//! treats ("in" flows, and the materials a treatment site `accepts`), through the territory's
//! controlled vocabulary ([`crate::territory::Vocabulary`]). The register of synergies followed
//! by the programme lives with the territory ([`crate::territory::register`]).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::territory::sides::Exchanges;
use crate::territory::{MatchReason, Territory, Vocabulary};
use crate::travel::{CostMatrix, Method, Travel};

/// One candidate synergy: an out flow and an in side that could take it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynergyCandidate {
    /// Holder of the out flow (actor or site id).
    pub out_holder: String,
    /// Its name.
    pub out_name: String,
    /// Material given away.
    pub out_material: String,
    /// Tonnes per year given away.
    pub out_tonnes_per_year: f64,
    /// Actor or site that needs or treats it.
    pub in_holder: String,
    /// Its name.
    pub in_name: String,
    /// `actor` (an in flow) or `site` (a treatment site's `accepts`).
    pub in_kind: String,
    /// Material on the in side.
    pub in_material: String,
    /// Tonnes per year asked on the in side, when known.
    pub in_tonnes_per_year: Option<f64>,
    /// Why they match.
    pub reason: MatchReason,
    /// The reason in words.
    pub reason_text: String,
    /// min/max of the two tonnages in [0, 1]; 0.5 when the in side gives no quantity.
    pub quantity_compatibility: f64,
    /// One-way travel distance, km, when both have a position.
    pub distance_km: Option<f64>,
    /// Whether the in side lies in the territory.
    pub in_territory: bool,
    /// Whether the in side is in the same intercommunality as the out holder (when both known).
    pub same_epci: Option<bool>,
    /// Ranking score in [0, 1]: reason weight × (½ quantity compatibility + ½ 1/(1 + km/10)).
    pub score: f64,
    /// Whether the out flow is a demonstration or estimated value.
    pub estimate: bool,
}

/// All candidate synergies of a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchReport {
    /// Candidates, best score first.
    pub candidates: Vec<SynergyCandidate>,
    /// How distances were obtained.
    pub method: Method,
    /// Whether any out flow is a demonstration or estimated value.
    pub estimate: bool,
    /// Out flows considered.
    pub out_flows: usize,
    /// In sides considered (in flows + materials accepted by sites).
    pub in_sides: usize,
    /// Out flows with no match at all, as `holder: material`.
    pub unmatched: Vec<String>,
}

/// Candidate out → in matches of the territory, ranked by score (see
/// [`SynergyCandidate::score`]), on the territory's travel costs. An actor is never matched
/// with itself.
pub fn find_candidates(t: &Territory) -> Result<MatchReport> {
    find_candidates_with(t, &Travel::for_territory(t)?)
}

/// [`find_candidates`] with a travel context the caller keeps.
pub fn find_candidates_with(t: &Territory, travel: &Travel) -> Result<MatchReport> {
    let vocab = Vocabulary::new(&t.materials);
    let ex = Exchanges::of(t);
    let m = travel.table(&ex.out_points, &ex.in_points)?.matrix;
    let (outs, ins, out_ix, in_ix) = (&ex.outs, &ex.ins, &ex.out_ix, &ex.in_ix);
    let mut candidates = Vec::new();
    let mut unmatched = Vec::new();
    for (i, o) in outs.iter().enumerate() {
        let mut any = false;
        for (j, n) in ins.iter().enumerate() {
            if o.holder == n.holder {
                continue;
            }
            let Some(reason) = vocab.match_materials(&o.material, &o.ewc, &n.material, &n.ewc)
            else {
                continue;
            };
            any = true;
            let ot = o.tonnes.unwrap_or(0.0);
            let q = match n.tonnes {
                Some(nt) if ot.max(nt) > 0.0 => ot.min(nt) / ot.max(nt),
                Some(_) => 0.0,
                None => 0.5,
            };
            let distance_km = match (out_ix[i], in_ix[j]) {
                (Some(a), Some(b)) => Some(m.distance_m(a, b) / 1000.0),
                _ => None,
            };
            let dscore = distance_km.map_or(0.0, |d| 1.0 / (1.0 + d / 10.0));
            let score = reason.weight() * (0.5 * q + 0.5 * dscore);
            candidates.push(SynergyCandidate {
                out_holder: o.holder.clone(),
                out_name: o.name.clone(),
                out_material: o.material.clone(),
                out_tonnes_per_year: ot,
                in_holder: n.holder.clone(),
                in_name: n.name.clone(),
                in_kind: n.kind.as_str().to_owned(),
                in_material: n.material.clone(),
                in_tonnes_per_year: n.tonnes,
                reason_text: reason.describe(),
                reason,
                quantity_compatibility: q,
                distance_km,
                in_territory: n.in_territory,
                same_epci: match (&o.epci, &n.epci) {
                    (Some(a), Some(b)) => Some(a == b),
                    _ => None,
                },
                score,
                estimate: o.estimate || n.estimate,
            });
        }
        if !any {
            unmatched.push(format!("{}: {}", o.holder, o.material));
        }
    }
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.out_holder.cmp(&b.out_holder))
            .then_with(|| a.in_holder.cmp(&b.in_holder))
    });
    Ok(MatchReport {
        estimate: outs.iter().any(|o| o.estimate),
        method: m.method(),
        out_flows: outs.len(),
        in_sides: ins.len(),
        unmatched,
        candidates,
    })
}
