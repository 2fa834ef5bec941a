//! Why a figure is an estimate, as data: stable reason codes that every answer (rounds, their
//! scenario, sites, indicators) carries where a figure rests on something less than measured,
//! and the share of the quantity involved that rests on positions known only to the commune.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// One reason a figure is an estimate. The snake_case word is a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstimateReason {
    /// Quantities come from flows marked as estimates (demonstration values).
    DemonstrationFlows,
    /// Distances and durations are great-circle distances × circuity at a flat speed.
    CrowFlies,
    /// Some pairs of points had no road path: those legs are crow-flies estimates.
    UnreachablePairs,
    /// A consumption or emission factor is marked as an estimate in its source.
    EstimatedFactor,
    /// A vehicle's costs (€/km, €/h, € per round) are orders of magnitude, not read from a
    /// tariff.
    EstimatedCost,
    /// Positions known only to the commune (placed at its representative point).
    CommunePrecision,
    /// A collection frequency is boucle's default (flows.csv gives none).
    DefaultFrequency,
    /// NAF codes not verified against SIRENE.
    UnverifiedNaf,
    /// Rows of the synergy register are demonstration values.
    DemonstrationRegister,
}

impl EstimateReason {
    /// The stable code, as in the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            EstimateReason::DemonstrationFlows => "demonstration_flows",
            EstimateReason::CrowFlies => "crow_flies",
            EstimateReason::UnreachablePairs => "unreachable_pairs",
            EstimateReason::EstimatedFactor => "estimated_factor",
            EstimateReason::EstimatedCost => "estimated_cost",
            EstimateReason::CommunePrecision => "commune_precision",
            EstimateReason::DefaultFrequency => "default_frequency",
            EstimateReason::UnverifiedNaf => "unverified_naf",
            EstimateReason::DemonstrationRegister => "demonstration_register",
        }
    }

    /// What it means, in one English sentence (the viewer words the code in French).
    pub fn meaning(self) -> &'static str {
        match self {
            EstimateReason::DemonstrationFlows => {
                "quantities are demonstration values (flows marked as estimates)"
            }
            EstimateReason::CrowFlies => {
                "distances are great-circle distances times a circuity factor, at a flat speed"
            }
            EstimateReason::UnreachablePairs => {
                "some legs had no road path and were estimated as the crow flies"
            }
            EstimateReason::EstimatedFactor => {
                "a fuel consumption or emission factor is an estimate"
            }
            EstimateReason::EstimatedCost => {
                "vehicle costs are orders of magnitude, not read from a tariff"
            }
            EstimateReason::CommunePrecision => {
                "some positions are known only to the commune (placed at its centre)"
            }
            EstimateReason::DefaultFrequency => {
                "some collection frequencies are boucle's default (12 a year)"
            }
            EstimateReason::UnverifiedNaf => "some NAF codes are not verified against SIRENE",
            EstimateReason::DemonstrationRegister => {
                "synergy register rows are demonstration values"
            }
        }
    }
}

impl std::fmt::Display for EstimateReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a figure is an estimate: its reasons, and how much of the quantity involved rests on
/// commune-precision positions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The reasons, each a stable code, sorted.
    pub reasons: Vec<EstimateReason>,
    /// Share (0–1) of the quantity involved held by holders positioned only at the commune's
    /// centre; absent when no quantity is involved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune_precision_share: Option<f64>,
}

impl Estimate {
    /// An estimate for `reasons`, `None` when there is none (the figure rests on measured data).
    pub fn of(reasons: impl IntoIterator<Item = EstimateReason>) -> Option<Estimate> {
        let set: BTreeSet<EstimateReason> = reasons.into_iter().collect();
        (!set.is_empty()).then(|| Estimate {
            reasons: set.into_iter().collect(),
            commune_precision_share: None,
        })
    }

    /// Whether `reason` is one of the reasons.
    pub fn has(&self, reason: EstimateReason) -> bool {
        self.reasons.contains(&reason)
    }

    /// The reasons in words, joined by "; ".
    pub fn describe(&self) -> String {
        self.reasons
            .iter()
            .map(|r| r.meaning())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Collects reasons and the commune-precision share of a quantity.
#[derive(Debug, Clone, Default)]
pub struct Reasons {
    set: BTreeSet<EstimateReason>,
    total: f64,
    at_commune: f64,
}

impl Reasons {
    /// No reason yet.
    pub fn new() -> Reasons {
        Reasons::default()
    }

    /// Add `reason` when `cond`.
    pub fn when(&mut self, cond: bool, reason: EstimateReason) -> &mut Reasons {
        if cond {
            self.set.insert(reason);
        }
        self
    }

    /// The reasons a travel table gives: crow-flies distances (asked, or the road network's
    /// fallback) and pairs without a road path.
    pub fn travel(&mut self, table: &crate::travel::TravelTable) -> &mut Reasons {
        self.when(
            table.method() == crate::travel::Method::CrowFlies || table.fallback_reason.is_some(),
            EstimateReason::CrowFlies,
        )
        .when(table.unreachable > 0, EstimateReason::UnreachablePairs)
    }

    /// Count `quantity`, held at commune precision or not (adds
    /// [`EstimateReason::CommunePrecision`] when it is and the quantity is positive).
    pub fn quantity(&mut self, quantity: f64, at_commune: bool) -> &mut Reasons {
        if quantity.is_finite() && quantity > 0.0 {
            self.total += quantity;
            if at_commune {
                self.at_commune += quantity;
                self.set.insert(EstimateReason::CommunePrecision);
            }
        }
        self
    }

    /// Merge the reasons of another estimate.
    pub fn with(&mut self, other: Option<&Estimate>) -> &mut Reasons {
        if let Some(o) = other {
            self.set.extend(o.reasons.iter().copied());
        }
        self
    }

    /// The estimate, `None` when there is no reason.
    pub fn build(&self) -> Option<Estimate> {
        let mut e = Estimate::of(self.set.iter().copied())?;
        if self.total > 0.0 {
            e.commune_precision_share = Some(self.at_commune / self.total);
        }
        Some(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_serde_and_none_without_reason() {
        for r in [
            EstimateReason::DemonstrationFlows,
            EstimateReason::CrowFlies,
            EstimateReason::UnreachablePairs,
            EstimateReason::EstimatedFactor,
            EstimateReason::EstimatedCost,
            EstimateReason::CommunePrecision,
            EstimateReason::DefaultFrequency,
            EstimateReason::UnverifiedNaf,
            EstimateReason::DemonstrationRegister,
        ] {
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::json!(r.as_str())
            );
        }
        assert_eq!(Reasons::new().quantity(5.0, false).build(), None);
        let e = Reasons::new()
            .quantity(3.0, true)
            .quantity(1.0, false)
            .when(true, EstimateReason::CrowFlies)
            .build()
            .unwrap();
        assert_eq!(
            e.reasons,
            [EstimateReason::CrowFlies, EstimateReason::CommunePrecision]
        );
        assert_eq!(e.commune_precision_share, Some(0.75));
    }
}
