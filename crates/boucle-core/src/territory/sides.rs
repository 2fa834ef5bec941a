//! The two sides of potential exchanges in a territory: every out flow (what a holder gives
//! away) and every in side (an in flow, or a material a treatment site accepts), each with its
//! position, intercommunality and yearly tonnes ([`Exchanges`]). Synergy matching and the
//! indicators both read them here.

use std::collections::HashSet;

use geo::Point;

use super::{Direction, Territory};

/// Whether a side is an actor or a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideKind {
    /// A company or organisation (`actors.csv`).
    Actor,
    /// A treatment or reuse site (`sites.csv`).
    Site,
}

impl SideKind {
    /// `actor` or `site`.
    pub fn as_str(self) -> &'static str {
        match self {
            SideKind::Actor => "actor",
            SideKind::Site => "site",
        }
    }
}

/// A side of a potential exchange, with its position and administrative place.
#[derive(Debug, Clone)]
pub struct Side {
    /// Actor or site id.
    pub holder: String,
    /// Its name.
    pub name: String,
    /// Actor or site.
    pub kind: SideKind,
    /// Material slug.
    pub material: String,
    /// EWC code declared on the flow (empty for a site's `accepts`).
    pub ewc: String,
    /// Tonnes per year, when the flow gives a convertible quantity.
    pub tonnes: Option<f64>,
    /// Position, if known.
    pub point: Option<Point<f64>>,
    /// SIREN of its intercommunality, when known.
    pub epci: Option<String>,
    /// Whether it lies in the territory (its commune, or its position, is one of ours).
    pub in_territory: bool,
    /// Whether the flow is a demonstration or estimated value.
    pub estimate: bool,
    /// Whether the side is recorded data: an in flow of flows.csv (`true`), or only a material
    /// a site's `accepts` list names (`false`, a potential taker).
    pub recorded: bool,
}

/// The out and in sides of a territory's potential exchanges, and the points of those that have
/// a position (the rows and columns of a travel table between them).
#[derive(Debug, Clone)]
pub struct Exchanges {
    /// Out flows with a tonnage.
    pub outs: Vec<Side>,
    /// In flows and materials accepted by sites.
    pub ins: Vec<Side>,
    /// Positions of the out sides that have one, in order.
    pub out_points: Vec<Point<f64>>,
    /// Positions of the in sides that have one, in order.
    pub in_points: Vec<Point<f64>>,
    /// For each out side, its row among `out_points`.
    pub out_ix: Vec<Option<usize>>,
    /// For each in side, its column among `in_points`.
    pub in_ix: Vec<Option<usize>>,
}

impl Exchanges {
    /// The exchanges of territory `t` (see [`sides`]).
    pub fn of(t: &Territory) -> Exchanges {
        let (outs, ins) = sides(t);
        Exchanges {
            out_points: outs.iter().filter_map(|s| s.point).collect(),
            in_points: ins.iter().filter_map(|s| s.point).collect(),
            out_ix: position_index(&outs),
            in_ix: position_index(&ins),
            outs,
            ins,
        }
    }
}

/// Out flows and in sides of the territory. A holder's intercommunality is its commune's, else
/// the one its position lies in. Out flows whose tonnage cannot be computed are left out; in
/// flows keep `None` tonnes.
pub fn sides(t: &Territory) -> (Vec<Side>, Vec<Side>) {
    let place = |insee: Option<&str>, point: Option<Point<f64>>| {
        let commune = insee
            .and_then(|i| t.commune(i))
            .or_else(|| point.and_then(|p| t.commune_at(p)));
        match commune {
            Some(c) => (Some(c.epci_siren.clone()), true),
            None => (None, false),
        }
    };
    let mut outs = Vec::new();
    let mut ins = Vec::new();
    let mut in_keys = HashSet::new();
    for f in &t.flows {
        let Some(material) = t.material(&f.material) else {
            continue;
        };
        let tonnes = f.tonnes_per_year(material).ok();
        let (name, insee, point, kind) = if let Some(a) = t.actor(&f.holder) {
            (
                a.name.clone(),
                a.insee.as_deref(),
                a.position,
                SideKind::Actor,
            )
        } else if let Some(s) = t.site(&f.holder) {
            (
                s.name.clone(),
                s.insee.as_deref(),
                s.position,
                SideKind::Site,
            )
        } else {
            continue;
        };
        let (epci, in_territory) = place(insee, point);
        let side = Side {
            holder: f.holder.clone(),
            name,
            kind,
            material: f.material.clone(),
            ewc: f.ewc_code.clone(),
            tonnes,
            point,
            epci,
            in_territory,
            estimate: f.estimate,
            recorded: true,
        };
        match f.direction {
            Direction::Out if tonnes.is_some() => outs.push(side),
            Direction::Out => {}
            Direction::In => {
                in_keys.insert((f.holder.clone(), f.material.clone()));
                ins.push(side);
            }
        }
    }
    for s in &t.sites {
        let (epci, in_territory) = place(s.insee.as_deref(), s.position);
        for m in &s.accepts {
            if in_keys.insert((s.id.clone(), m.clone())) {
                ins.push(Side {
                    holder: s.id.clone(),
                    name: s.name.clone(),
                    kind: SideKind::Site,
                    material: m.clone(),
                    ewc: String::new(),
                    tonnes: None,
                    point: s.position,
                    epci: epci.clone(),
                    in_territory,
                    estimate: false,
                    recorded: false,
                });
            }
        }
    }
    (outs, ins)
}

/// For each side, its row/column in a matrix built from the sides that have a position (in
/// order), or `None` without a position.
pub fn position_index(sides: &[Side]) -> Vec<Option<usize>> {
    let mut k = 0;
    sides
        .iter()
        .map(|s| {
            s.point.map(|_| {
                k += 1;
                k - 1
            })
        })
        .collect()
}
