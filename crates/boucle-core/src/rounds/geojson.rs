//! A plan as GeoJSON: one LineString per round (its figures as properties) and one Point per
//! place visited (round, order, kind, arrival, load), the plan's own fields kept as foreign
//! members, as `POST /api/rounds` answers.

use serde::Serialize;

use super::answer::{Binding, PlaceKind, RoundsPlan};
use crate::travel::Method;

/// A plan as a GeoJSON FeatureCollection with the plan's fields as foreign members.
#[derive(Debug, Serialize)]
pub struct PlanCollection<'a> {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// One round line, then its places, round after round.
    pub features: Vec<PlanFeature<'a>>,
    /// The plan itself.
    #[serde(flatten)]
    pub plan: &'a RoundsPlan,
}

/// One feature of a [`PlanCollection`].
#[derive(Debug, Serialize)]
pub struct PlanFeature<'a> {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// LineString of a round, or Point of a place.
    pub geometry: serde_json::Value,
    /// The round's figures or the place's visit.
    pub properties: FeatureProperties<'a>,
}

/// Properties of a round line or of a place.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum FeatureProperties<'a> {
    /// A round.
    Round(RoundProperties<'a>),
    /// A place visited.
    Place(PlaceProperties<'a>),
}

/// Properties of a round's line.
#[derive(Debug, Serialize)]
pub struct RoundProperties<'a> {
    /// `round`.
    pub kind: &'static str,
    /// 1-based round number.
    pub round: usize,
    /// Vehicle type id.
    pub vehicle: &'a str,
    /// Holders collected (stops).
    pub stops: usize,
    /// Length, metres.
    pub distance_m: f64,
    /// Duration, seconds.
    pub duration_s: f64,
    /// Cost, euros.
    pub cost_eur: f64,
    /// Emissions, kg CO2e.
    pub co2e_kg: f64,
    /// How distances were obtained.
    pub method: Method,
    /// The constraints that limit the round.
    pub binding: &'a [Binding],
}

/// Properties of a place visited by a round.
#[derive(Debug, Serialize)]
pub struct PlaceProperties<'a> {
    /// Depot, stop or treatment site.
    pub kind: PlaceKind,
    /// 1-based round number.
    pub round: usize,
    /// Position in the round (0: the depot at the start).
    pub order: usize,
    /// Actor or site id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Arrival from the start of the round, seconds.
    pub arrival_s: f64,
    /// Load on board on leaving, kg (`null` in public answers).
    pub load: Option<f64>,
}

impl RoundsPlan {
    /// The plan as a GeoJSON FeatureCollection.
    pub fn feature_collection(&self) -> PlanCollection<'_> {
        let mut features = Vec::new();
        for (i, r) in self.rounds.iter().enumerate() {
            features.push(PlanFeature {
                kind: "Feature",
                geometry: r.geometry.clone(),
                properties: FeatureProperties::Round(RoundProperties {
                    kind: "round",
                    round: i + 1,
                    vehicle: &r.vehicle,
                    stops: r.stops.iter().filter(|s| s.kind == PlaceKind::Stop).count(),
                    distance_m: r.distance_m,
                    duration_s: r.duration_s,
                    cost_eur: r.cost_eur,
                    co2e_kg: r.co2e_kg,
                    method: r.method,
                    binding: &r.binding,
                }),
            });
            for (order, s) in r.stops.iter().enumerate() {
                features.push(PlanFeature {
                    kind: "Feature",
                    geometry: serde_json::json!({ "type": "Point", "coordinates": [s.lon, s.lat] }),
                    properties: FeatureProperties::Place(PlaceProperties {
                        kind: s.kind,
                        round: i + 1,
                        order,
                        id: &s.id,
                        name: &s.name,
                        arrival_s: s.arrival_s,
                        load: s.load,
                    }),
                });
            }
        }
        PlanCollection {
            kind: "FeatureCollection",
            features,
            plan: self,
        }
    }
}
