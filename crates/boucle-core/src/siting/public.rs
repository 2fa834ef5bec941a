//! The siting answer as the public may see it ([`crate::disclosure`]).
//!
//! Every per-candidate figure of a siting answer is a weighted sum over the holders
//! (Σ tonnes × distance, Σ trips × distance, shares of tonnage within a radius): with the
//! holders' positions public, enough candidates give a linear system whose solution is each
//! holder's tonnage. The public answer therefore keeps what ranks the candidates (rank, the
//! best site, the best set) and a score coarsened to five classes, and leaves out every figure
//! that sums holders' quantities or frequencies, but the material's total, which rests on at
//! least k holders and is rounded to two significant digits.

use serde_json::Value;

use super::SitingResult;
use crate::disclosure::{Rule, coarsen, score_class};
use crate::error::{Error, Result};

/// Per-candidate keys (result and GeoJSON layer) that sum holders' quantities or frequencies.
const HIDDEN_CANDIDATE_KEYS: &[&str] = &[
    "figures",
    "share_within_10km",
    "share_within_20km",
    "vehicle_km_per_year",
    "tonne_km_per_year",
    "kg_co2e_per_year",
];

impl SitingResult {
    /// The answer with its layer as the public may see it: refused
    /// ([`Error::Confidential`]) when fewer than `rule.k` located holders stand behind it;
    /// without the per-holder assignments, the per-candidate and best-set figures, the
    /// objective value and its bounds; scores in five classes; the material's tonnage rounded
    /// to two significant digits. `figures_hidden` is then `true`.
    pub fn public_answer(self, rule: Rule) -> Result<Value> {
        if !rule.allows(self.sources) {
            return Err(Error::Confidential(format!(
                "fewer than {} located holders of `{}`: their figures are confidential (officer only)",
                rule.k, self.material
            )));
        }
        let mut r = self;
        r.best_set.assignments = None;
        r.assignments_hidden = true;
        r.tonnes_per_year = coarsen(r.tonnes_per_year);
        for c in &mut r.candidates {
            c.score = c.score.map(score_class);
            // A tie between two places is a near-equality of two weighted sums of the holders'
            // tonnes: only ties between candidates at one position (equal by geometry, not by
            // the tonnes) are public.
            let same = c.same_position_as.clone();
            c.tied_with.retain(|id| same.contains(id));
        }
        if let Some(first) = r.best_single_tied.first().cloned() {
            let same = r
                .candidates
                .iter()
                .find(|c| c.id == first)
                .map(|c| c.same_position_as.clone())
                .unwrap_or_default();
            r.best_single_tied
                .retain(|id| *id == first || same.contains(id));
        }
        if r.best_single_tied.len() < 2 {
            r.warnings
                .retain(|w| !w.starts_with("tie for the best single site"));
        }
        if let Some(e) = r.estimate.as_mut() {
            e.commune_precision_share =
                e.commune_precision_share.map(|x| (x * 10.0).round() / 10.0);
        }
        let mut v = serde_json::to_value(r.with_layer())
            .map_err(|e| Error::Invalid(format!("siting answer encoding: {e}")))?;
        if let Some(cands) = v["candidates"].as_array_mut() {
            cands.iter_mut().for_each(hide_candidate_figures);
        }
        if let Some(features) = v["geojson"]["features"].as_array_mut() {
            for f in features {
                hide_candidate_figures(&mut f["properties"]);
            }
        }
        let set = &mut v["best_set"];
        set["figures"] = Value::Null;
        set["objective_value"] = Value::Null;
        set["solver"]["lower_bound"] = Value::Null;
        set["solver"]["gap"] = Value::Null;
        v["figures_hidden"] = Value::Bool(true);
        Ok(v)
    }
}

fn hide_candidate_figures(c: &mut Value) {
    if let Some(o) = c.as_object_mut() {
        for k in HIDDEN_CANDIDATE_KEYS {
            if o.contains_key(*k) {
                o.insert((*k).to_owned(), Value::Null);
            }
        }
    }
}
