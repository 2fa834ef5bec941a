//! Yearly figures of flows and of the holders of a material: the one place where a flow's
//! quantity, unit, period and frequency become units, kilograms, cubic metres and collections
//! per year. Rounds, clusters, siting, synergy matching and indicators all read them here.

use std::collections::BTreeMap;

use geo::Point;
use serde::{Deserialize, Serialize};

use super::{Direction, Flow, Material, Territory};
use crate::error::{Error, Result};

/// Collections per year assumed when a flow does not say how often it is hauled (monthly).
pub const DEFAULT_COLLECTIONS_PER_YEAR: f64 = 12.0;

/// A flow's quantity that cannot be converted (the field at fault and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    /// The flows.csv column at fault (`unit`).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for QuantityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Flow {
    /// Kilograms in one unit of this flow's `unit` for `material`: the material's own unit,
    /// `t` (also `tonne`, `tonnes`), `kg`, or `m3` when the material has a volume per unit.
    pub fn kg_per_flow_unit(&self, material: &Material) -> Result<f64, QuantityError> {
        let unit = self.unit.trim();
        if unit == material.unit {
            return Ok(material.kg_per_unit);
        }
        match unit.to_lowercase().as_str() {
            "t" | "tonne" | "tonnes" => Ok(1000.0),
            "kg" => Ok(1.0),
            "m3" | "m³" => match material.m3_per_unit {
                Some(v) if v > 0.0 => Ok(material.kg_per_unit / v),
                _ => Err(QuantityError {
                    field: "unit",
                    message: format!(
                        "unit `m3` cannot be converted: material `{}` has no m3_per_unit",
                        material.slug
                    ),
                }),
            },
            _ => Err(QuantityError {
                field: "unit",
                message: format!(
                    "unit `{unit}` cannot be converted for material `{}` (its unit `{}`, t, kg or m3)",
                    material.slug, material.unit
                ),
            }),
        }
    }

    /// Mass per year in kg: quantity × periods per year × kg per unit.
    pub fn kg_per_year(&self, material: &Material) -> Result<f64, QuantityError> {
        Ok(self.quantity * self.period.per_year() * self.kg_per_flow_unit(material)?)
    }

    /// Tonnes per year ([`Self::kg_per_year`] ÷ 1000).
    pub fn tonnes_per_year(&self, material: &Material) -> Result<f64, QuantityError> {
        Ok(self.kg_per_year(material)? / 1000.0)
    }

    /// Collections per year asked (collections per period × periods per year), if the flow
    /// gives a frequency.
    pub fn collections_per_year(&self) -> Option<f64> {
        self.collections_per_period
            .filter(|c| *c > 0.0)
            .map(|c| c * self.period.per_year())
    }
}

/// A holder of a material: its out flows of it summed over the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    /// Actor or site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Position, if known.
    pub position: Option<Point<f64>>,
    /// Quantity per year, in the material's unit.
    pub quantity_per_year: f64,
    /// Mass per year in kg.
    pub kg_per_year: f64,
    /// Volume per year in m³ (0 when the material has no volume per unit).
    pub m3_per_year: f64,
    /// Collections per year asked: the highest of its flows' (`None`: no flow gives one).
    pub collections_per_year: Option<f64>,
    /// Whether any of its flows is an estimate.
    pub estimate: bool,
}

impl Holder {
    /// Collections per year, [`DEFAULT_COLLECTIONS_PER_YEAR`] when no flow gives one.
    pub fn collections_or_default(&self) -> f64 {
        self.collections_per_year
            .unwrap_or(DEFAULT_COLLECTIONS_PER_YEAR)
    }
}

impl Territory {
    /// The material `slug`, or an error listing the known ones.
    pub fn material_or_err(&self, slug: &str) -> Result<&Material> {
        self.material(slug).ok_or_else(|| {
            Error::Invalid(format!(
                "unknown material `{slug}` (known in {}: {})",
                self.manifest.files.materials,
                self.materials
                    .iter()
                    .map(|m| m.slug.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }

    /// The holders of `material` (actors or sites with an `out` flow of it), in flows.csv
    /// order, their yearly quantities summed. A flow whose unit cannot be converted is an
    /// error naming flows.csv, its line and the field.
    pub fn holders(&self, material: &Material) -> Result<Vec<Holder>> {
        let mut out: Vec<Holder> = Vec::new();
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, f) in self.flows.iter().enumerate() {
            if f.material != material.slug || f.direction != Direction::Out {
                continue;
            }
            let kg = f.kg_per_year(material).map_err(|e| {
                Error::Invalid(format!(
                    "{}, line {} (holder {}), field `{}`: {}",
                    self.manifest.files.flows,
                    i + 2,
                    f.holder,
                    e.field,
                    e.message
                ))
            })?;
            let units = kg / material.kg_per_unit;
            let m3 = material.m3_per_unit.map(|v| units * v).unwrap_or(0.0);
            let k = *index.entry(f.holder.as_str()).or_insert_with(|| {
                let (name, position) = self.holder_name_position(&f.holder);
                out.push(Holder {
                    id: f.holder.clone(),
                    name,
                    position,
                    quantity_per_year: 0.0,
                    kg_per_year: 0.0,
                    m3_per_year: 0.0,
                    collections_per_year: None,
                    estimate: false,
                });
                out.len() - 1
            });
            let h = &mut out[k];
            h.quantity_per_year += units;
            h.kg_per_year += kg;
            h.m3_per_year += m3;
            h.collections_per_year = match (h.collections_per_year, f.collections_per_year()) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            h.estimate |= f.estimate;
        }
        Ok(out)
    }

    /// How precisely the actor or site `id` is placed (`None` when it is neither).
    pub fn position_precision(&self, id: &str) -> Option<super::Precision> {
        self.actor(id)
            .map(|a| a.precision)
            .or_else(|| self.site(id).map(|s| s.precision))
    }

    /// The name and position of an actor or site id (the id itself and no position when it is
    /// neither).
    pub fn holder_name_position(&self, id: &str) -> (String, Option<Point<f64>>) {
        if let Some(a) = self.actor(id) {
            (a.name.clone(), a.position)
        } else if let Some(s) = self.site(id) {
            (s.name.clone(), s.position)
        } else {
            (id.to_owned(), None)
        }
    }
}
