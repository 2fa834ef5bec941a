//! Groups of holders of one material, candidates for a pooled collection.
//!
//! 1. DBSCAN ([`dbscan`]) over the travel-cost matrix: two holders are neighbours when the
//!    shorter of the two travel distances between them is at most `eps_m` (road distance when a
//!    graph exists, else the flagged crow-flies fallback). A holder with at least `min_points`
//!    neighbours (itself included) is a core point; clusters are the connected core points and
//!    the border points they reach; the others are noise (each reported as its own group, with
//!    `noise: true`).
//! 2. Capacity-aware grouping: a cluster whose quantity per collection cycle exceeds what one
//!    vehicle carries is split into parts that each fill at most one vehicle, taking members in
//!    angular order around the cluster's centre (a member larger than a load stays alone and
//!    needs several rounds).

use geo::Point;
use serde::{Deserialize, Serialize};

use crate::disclosure::{Contributors, Rule, coarsen};
use crate::error::Result;
use crate::territory::vehicles::{find_vehicle, loads};
use crate::territory::{Holder, Territory};
use crate::travel::{CostMatrix, Method, Travel};

/// Parameters of [`clusters_for`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterParams {
    /// Neighbourhood radius in metres (travel distance). Default 3000.
    pub eps_m: f64,
    /// Neighbours (the point included) for a core point. Default 2.
    pub min_points: usize,
    /// Vehicle type id used for the capacity split (default: the material's default vehicle).
    pub vehicle: Option<String>,
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams {
            eps_m: 3000.0,
            min_points: 2,
            vehicle: None,
        }
    }
}

/// A member of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterMember {
    /// Actor or site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// Quantity per year, in the material's unit (`None` in public answers).
    pub quantity_per_year: Option<f64>,
}

/// A group of holders for pooling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// 1-based number.
    pub id: usize,
    /// DBSCAN cluster it comes from (several parts after a capacity split); `None` for noise.
    pub dbscan_cluster: Option<usize>,
    /// Whether it is a DBSCAN noise point (a holder with no neighbour group).
    pub noise: bool,
    /// Members.
    pub members: Vec<ClusterMember>,
    /// Total quantity per year, in `unit` (`None` in public answers below
    /// the territory's `min_contributors` members, see [`public`]).
    pub quantity_per_year: Option<f64>,
    /// Unit of the quantities.
    pub unit: String,
    /// Total mass per year, kg (hidden like `quantity_per_year`).
    pub kg_per_year: Option<f64>,
    /// Collection cycles per year (highest frequency among members).
    pub cycles_per_year: f64,
    /// Mass per cycle, kg (hidden like `quantity_per_year`).
    pub kg_per_cycle: Option<f64>,
    /// Volume per cycle, m³ (hidden like `quantity_per_year`).
    pub m3_per_cycle: Option<f64>,
    /// Mean position of the members `[lon, lat]`.
    pub centre: [f64; 2],
    /// Vehicle type used for the capacity split.
    pub vehicle: String,
    /// Rounds (vehicle loads) needed per cycle.
    pub rounds_per_cycle: u32,
    /// Rounds per year.
    pub rounds_per_year: f64,
    /// How distances were obtained.
    pub method: Method,
    /// Whether the quantities are estimates.
    pub estimate: bool,
}

impl Cluster {
    /// The cluster with no member's quantity and no total (the public view of a cluster that
    /// [`public`] suppresses).
    fn without_quantities(mut self) -> Cluster {
        for m in &mut self.members {
            m.quantity_per_year = None;
        }
        self.quantity_per_year = None;
        self.kg_per_year = None;
        self.kg_per_cycle = None;
        self.m3_per_cycle = None;
        self
    }
}

/// The clusters of one material as the public may see them ([`crate::disclosure`]): refused
/// ([`crate::Error::Confidential`]) when fewer than `rule.k` holders make them; no member's
/// quantity; a cluster's totals only when at least `rule.k` members make it and the clusters
/// whose totals are hidden together hold none or at least `rule.k` members (secondary
/// suppression: the material's total minus the totals shown is theirs); the totals shown are
/// rounded to two significant digits ([`crate::disclosure::coarsen`]).
pub fn public(clusters: Vec<Cluster>, rule: Rule) -> Result<Vec<Cluster>> {
    let members: Vec<Contributors> = clusters
        .iter()
        .map(|c| c.members.iter().map(|m| m.id.clone()).collect())
        .collect();
    let all: Contributors = members.iter().flatten().cloned().collect();
    if !rule.allows(all.len()) {
        return Err(crate::Error::Confidential(format!(
            "fewer than {} located holders of the material: their groups are confidential (officer only)",
            rule.k
        )));
    }
    let parts: Vec<&Contributors> = members.iter().collect();
    let shown = rule.protect_parts(&all, &parts);
    Ok(clusters
        .into_iter()
        .zip(shown)
        .map(|(c, on)| {
            let totals = (
                c.quantity_per_year,
                c.kg_per_year,
                c.kg_per_cycle,
                c.m3_per_cycle,
            );
            let mut c = c.without_quantities();
            if on {
                c.quantity_per_year = totals.0.map(coarsen);
                c.kg_per_year = totals.1.map(coarsen);
                c.kg_per_cycle = totals.2.map(coarsen);
                c.m3_per_cycle = totals.3.map(coarsen);
            }
            c
        })
        .collect())
}

/// DBSCAN over a square cost matrix. Returns a label per point: `Some(cluster)` (0-based, in
/// order of discovery) or `None` for noise. Neighbours: `min(d(i,j), d(j,i)) <= eps_m`.
pub fn dbscan(m: &dyn CostMatrix, eps_m: f64, min_points: usize) -> Vec<Option<usize>> {
    let n = m.rows().min(m.cols());
    let neighbours = |i: usize| -> Vec<usize> {
        (0..n)
            .filter(|&j| m.distance_m(i, j).min(m.distance_m(j, i)) <= eps_m)
            .collect()
    };
    let mut label: Vec<Option<usize>> = vec![None; n];
    let mut visited = vec![false; n];
    let mut next = 0;
    for i in 0..n {
        if visited[i] {
            continue;
        }
        visited[i] = true;
        let nb = neighbours(i);
        if nb.len() < min_points.max(1) {
            continue;
        }
        let c = next;
        next += 1;
        label[i] = Some(c);
        let mut queue = nb;
        let mut k = 0;
        while k < queue.len() {
            let j = queue[k];
            k += 1;
            if label[j].is_none() {
                label[j] = Some(c);
            }
            if visited[j] {
                continue;
            }
            visited[j] = true;
            let nb_j = neighbours(j);
            if nb_j.len() >= min_points.max(1) {
                queue.extend(nb_j);
            }
        }
    }
    label
}

/// Clusters of the located holders of `material` (out flows), split by vehicle capacity, on the
/// territory's travel costs. Holders without a position are not in any cluster (see
/// [`Territory::holders`]).
pub fn clusters_for(t: &Territory, material: &str, params: &ClusterParams) -> Result<Vec<Cluster>> {
    clusters_with(t, &Travel::for_territory(t)?, material, params)
}

/// [`clusters_for`] with a travel context the caller keeps.
pub fn clusters_with(
    t: &Territory,
    travel: &Travel,
    material: &str,
    params: &ClusterParams,
) -> Result<Vec<Cluster>> {
    let mat = t.material_or_err(material)?;
    let types = &t.vehicles.types;
    let vehicle = match params.vehicle.as_deref() {
        Some(id) => find_vehicle(types, id)?,
        None => t.default_vehicle(&mat.slug, types, true)?.0,
    };
    let vol_cap = vehicle.volume_capacity_m3(&mat.unit, mat.m3_per_unit);
    let located: Vec<Holder> = t
        .holders(mat)?
        .into_iter()
        .filter(|h| h.position.is_some() && h.kg_per_year > 0.0)
        .collect();
    let points: Vec<Point<f64>> = located.iter().filter_map(|h| h.position).collect();
    let matrix = travel.for_vehicle(&vehicle.road_limits()).square(&points)?;
    let labels = dbscan(&matrix.matrix, params.eps_m, params.min_points);

    let mut groups: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
    let n_clusters = labels.iter().flatten().max().map(|m| m + 1).unwrap_or(0);
    for c in 0..n_clusters {
        groups.push((
            Some(c),
            (0..located.len())
                .filter(|&i| labels[i] == Some(c))
                .collect(),
        ));
    }
    for (i, l) in labels.iter().enumerate() {
        if l.is_none() {
            groups.push((None, vec![i]));
        }
    }

    let mut out = Vec::new();
    for (dbc, members) in groups {
        let cycles = members
            .iter()
            .map(|&i| located[i].collections_or_default())
            .fold(0.0, f64::max);
        let parts = split_by_capacity(&located, &members, cycles, vehicle.capacity_kg, vol_cap);
        for part in parts {
            let hs: Vec<&Holder> = part.iter().map(|&i| &located[i]).collect();
            let kg: f64 = hs.iter().map(|h| h.kg_per_year).sum();
            let m3: f64 = hs.iter().map(|h| h.m3_per_year).sum();
            let n = hs.len() as f64;
            let centre = [
                hs.iter()
                    .filter_map(|h| h.position)
                    .map(|p| p.x())
                    .sum::<f64>()
                    / n,
                hs.iter()
                    .filter_map(|h| h.position)
                    .map(|p| p.y())
                    .sum::<f64>()
                    / n,
            ];
            let rounds = loads(kg / cycles, m3 / cycles, vehicle.capacity_kg, vol_cap);
            out.push(Cluster {
                id: out.len() + 1,
                dbscan_cluster: dbc.map(|c| c + 1),
                noise: dbc.is_none(),
                members: hs
                    .iter()
                    .map(|h| {
                        let p = h.position.unwrap_or_default();
                        ClusterMember {
                            id: h.id.clone(),
                            name: h.name.clone(),
                            lon: p.x(),
                            lat: p.y(),
                            quantity_per_year: Some(h.quantity_per_year),
                        }
                    })
                    .collect(),
                quantity_per_year: Some(hs.iter().map(|h| h.quantity_per_year).sum()),
                unit: mat.unit.clone(),
                kg_per_year: Some(kg),
                cycles_per_year: cycles,
                kg_per_cycle: Some(kg / cycles),
                m3_per_cycle: Some(m3 / cycles),
                centre,
                vehicle: vehicle.id.clone(),
                rounds_per_cycle: rounds,
                rounds_per_year: f64::from(rounds) * cycles,
                method: matrix.method(),
                estimate: hs.iter().any(|h| h.estimate)
                    || matrix.method() == Method::CrowFlies
                    || matrix.unreachable > 0
                    || matrix.fallback_reason.is_some(),
            });
        }
    }
    Ok(out)
}

/// Split `members` (indices into `holders`) into parts whose load per cycle fits one vehicle,
/// in angular order around their centre; a member too big for one load forms its own part.
pub fn split_by_capacity(
    holders: &[Holder],
    members: &[usize],
    cycles: f64,
    capacity_kg: f64,
    capacity_m3: Option<f64>,
) -> Vec<Vec<usize>> {
    let per_cycle = |i: usize| {
        (
            holders[i].kg_per_year / cycles,
            holders[i].m3_per_year / cycles,
        )
    };
    let fits = |kg: f64, m3: f64| {
        kg <= capacity_kg * (1.0 + 1e-9) && capacity_m3.is_none_or(|c| m3 <= c * (1.0 + 1e-9))
    };
    let (tkg, tm3) = members.iter().fold((0.0, 0.0), |(a, b), &i| {
        let (k, v) = per_cycle(i);
        (a + k, b + v)
    });
    if fits(tkg, tm3) {
        return vec![members.to_vec()];
    }
    let n = members.len() as f64;
    let pos = |i: usize| holders[i].position.unwrap_or_default();
    let cx = members.iter().map(|&i| pos(i).x()).sum::<f64>() / n;
    let cy = members.iter().map(|&i| pos(i).y()).sum::<f64>() / n;
    let mut order = members.to_vec();
    order.sort_by(|&a, &b| {
        let aa = (pos(a).y() - cy).atan2(pos(a).x() - cx);
        let ab = (pos(b).y() - cy).atan2(pos(b).x() - cx);
        aa.total_cmp(&ab).then(holders[a].id.cmp(&holders[b].id))
    });
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let (mut ckg, mut cm3) = (0.0, 0.0);
    for i in order {
        let (k, v) = per_cycle(i);
        if !fits(k, v) {
            parts.push(vec![i]);
            continue;
        }
        if !fits(ckg + k, cm3 + v) {
            parts.push(std::mem::take(&mut cur));
            ckg = 0.0;
            cm3 = 0.0;
        }
        cur.push(i);
        ckg += k;
        cm3 += v;
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}
