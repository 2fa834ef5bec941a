//! The "each company alone" baseline, defined once and independent of the pooled plan's depot
//! and vehicle: each company hauls its own material, at its own frequency, with the smallest
//! vehicle type of the fleet that carries its quantity per collection (the largest type, in
//! several loads, when none does), from its own site to the material's treatment site and back.

use serde::{Deserialize, Serialize};

use super::demand::{Demand, Timing};
use super::sensitivity::{Usage, add_usage};
use crate::territory::vehicles::loads;
use crate::territory::{CostModel, Totals};
use crate::travel::CostMatrix;

/// The baseline's definition, in English.
pub const DEFINITION: &str = "Each company alone: every company hauls its own material, at its own collection frequency, with the smallest vehicle type of the fleet that carries its quantity per collection (the largest type, in several loads, when none does), from its own site to the material's treatment site and back; each trip bears the vehicle's fixed cost per round.";

/// The baseline's definition, in French (shown beside the figures).
pub const DEFINITION_FR: &str = "Chacun seul : chaque entreprise transporte elle-même sa matière, à sa propre fréquence de collecte, avec le plus petit véhicule du parc qui emporte sa quantité d'une collecte (le plus grand, en plusieurs chargements, si aucun ne suffit), de son site au site de traitement de la matière et retour ; chaque trajet supporte le coût fixe par tournée du véhicule.";

/// The treatment site of the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineSite {
    /// Site id (`"LON,LAT"` for a point).
    pub id: String,
    /// Name.
    pub name: String,
}

/// One vehicle type's share of the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineVehicle {
    /// Vehicle type id.
    pub vehicle: String,
    /// Companies that use it.
    pub companies: usize,
    /// Trips a year.
    pub trips_per_year: f64,
    /// Kilometres a year.
    pub distance_km: f64,
    /// Hours a year.
    pub hours: f64,
}

/// The baseline: its definition, where it unloads and which vehicles it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The definition, in English.
    pub definition: String,
    /// The definition, in French.
    pub definition_fr: String,
    /// The treatment site the companies would haul to: the material's default one, whatever
    /// the pooled plan's.
    pub treatment_site: BaselineSite,
    /// Whether the pooled rounds unload at the same site (else the comparison includes the
    /// change of site, and `notes` says so).
    pub same_site_as_pooled: bool,
    /// The vehicle types used, with their companies and trips (`None` in public answers).
    pub vehicles: Option<Vec<BaselineVehicle>>,
    /// What in the pooled plan's settings changes the comparison, in words.
    pub notes: Vec<String>,
}

/// The baseline's yearly totals and usage per vehicle type: for each demand, `n` loads per
/// collection (its smallest carrying type in `models`) × its collections a year of
/// company → `dump` → company.
pub fn alone(
    demands: &[Demand],
    dump: usize,
    matrix: &dyn CostMatrix,
    models: &[CostModel],
    volume_capacity: &dyn Fn(&CostModel) -> Option<f64>,
    timing: Timing,
) -> (Totals, Vec<Usage>, Vec<BaselineVehicle>) {
    let mut order: Vec<usize> = (0..models.len()).collect();
    order.sort_by(|&a, &b| {
        models[a]
            .vehicle
            .capacity_kg
            .total_cmp(&models[b].vehicle.capacity_kg)
            .then_with(|| models[a].vehicle.id.cmp(&models[b].vehicle.id))
    });
    let mut total = Totals::default();
    let mut usage = Vec::new();
    let mut by_type: Vec<BaselineVehicle> = Vec::new();
    let Some(&largest) = order.last() else {
        return (total, usage, by_type);
    };
    for d in demands {
        let f = d.collections_per_year;
        if !(f.is_finite() && f > 0.0) {
            continue;
        }
        let (kg, m3) = (d.kg_per_year / f, d.m3_per_year / f);
        let n_of = |i: usize| {
            loads(
                kg,
                m3,
                models[i].vehicle.capacity_kg,
                volume_capacity(&models[i]),
            )
        };
        let (i, n) = order
            .iter()
            .find(|&&i| n_of(i) == 1)
            .map(|&i| (i, 1))
            .unwrap_or_else(|| (largest, n_of(largest)));
        let model = &models[i];
        let dist = matrix.distance_m(d.index, dump) + matrix.distance_m(dump, d.index);
        let dur = matrix.duration_s(d.index, dump)
            + matrix.duration_s(dump, d.index)
            + timing.service_s
            + timing.unload_s;
        let trips = f64::from(n) * f;
        let year = model.round(dist, dur).scaled(trips);
        total = total.plus(year);
        add_usage(
            &mut usage,
            &model.vehicle.id,
            trips,
            year.distance_km,
            year.hours,
        );
        match by_type.iter_mut().find(|b| b.vehicle == model.vehicle.id) {
            Some(b) => {
                b.companies += 1;
                b.trips_per_year += trips;
                b.distance_km += year.distance_km;
                b.hours += year.hours;
            }
            None => by_type.push(BaselineVehicle {
                vehicle: model.vehicle.id.clone(),
                companies: 1,
                trips_per_year: trips,
                distance_km: year.distance_km,
                hours: year.hours,
            }),
        }
    }
    (total, usage, by_type)
}
