//! `network import`: OSM file (PBF or XML) → road graph → turns (edge-based graph) → contraction hierarchy →
//! graph file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use geo::{Rect, coord};

use super::build::{BuildOptions, build};
use super::ch::{Ch, InputArc};
use super::file::{GraphFile, GraphMeta, VERSION};
use super::graph::RoadGraph;
use super::osm::read_osm;
use super::profile::Profile;
use super::profile::car::CAR_SIGNAL_PENALTY_S;
use super::turns::{Turn, TurnModel, TurnStats, compute_turns, duration_ms};
use crate::error::{Error, Result};
use crate::progress::{Progress, Silent};

/// Margin added around a territory's bounding box by default, metres.
pub const DEFAULT_MARGIN_M: f64 = 5000.0;

/// Import options.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// The routing profile (truck by default).
    pub profile: Profile,
    /// Keep only roads inside this box (lon/lat); `None`: the whole file.
    pub clip: Option<Rect<f64>>,
    /// Traffic-signal penalty, seconds (see [`BuildOptions`]).
    pub signal_penalty_s: f64,
    /// Intersection (turn-cost) penalty, seconds (see [`BuildOptions`]).
    pub intersection_penalty_s: f64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions::for_profile(Profile::Truck)
    }
}

impl ImportOptions {
    /// The defaults of a profile: traffic-signal penalty 8 s for the truck (an estimate of the
    /// mean wait over green and red), 2 s for the car (OSRM car.lua's value).
    pub fn for_profile(profile: Profile) -> ImportOptions {
        ImportOptions {
            profile,
            clip: None,
            signal_penalty_s: match profile {
                Profile::Truck => BuildOptions::default().signal_penalty_s,
                Profile::Car => CAR_SIGNAL_PENALTY_S,
            },
            intersection_penalty_s: BuildOptions::default().intersection_penalty_s,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// Where the graph was written.
    pub path: PathBuf,
    /// Graph nodes (intersections).
    pub nodes: usize,
    /// Graph edges (road stretches).
    pub edges: usize,
    /// Hierarchy arcs (upward, both directions) including shortcuts.
    pub ch_arcs: usize,
    /// Nodes of the edge-based graph left uncontracted in the hierarchy's core (0 on road
    /// networks; see [`crate::network::ch::Ch::build_with_core`]).
    pub ch_core_nodes: usize,
    /// OSM ways kept by the profile (before clipping).
    pub ways: usize,
    /// The profile.
    pub profile: Profile,
    /// Allowed turns (arcs of the edge-based graph).
    pub turns: usize,
    /// What happened to the turn restrictions.
    pub turn_stats: TurnStats,
    /// Wall-clock time, seconds.
    pub seconds: f64,
}

/// `bbox` grown by `margin_m` metres on every side.
pub fn with_margin(bbox: Rect<f64>, margin_m: f64) -> Rect<f64> {
    let lat = (bbox.min().y + bbox.max().y) / 2.0;
    let dy = margin_m / 111_195.0;
    let dx = dy / lat.to_radians().cos().max(0.01);
    Rect::new(
        coord! { x: bbox.min().x - dx, y: bbox.min().y - dy },
        coord! { x: bbox.max().x + dx, y: bbox.max().y + dy },
    )
}

/// Parse `W,S,E,N` (degrees).
pub fn parse_bbox(s: &str) -> Result<Rect<f64>> {
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Invalid(format!("--bbox {s:?}: {e} (expected W,S,E,N)")))?;
    if v.len() != 4 || v[0] >= v[2] || v[1] >= v[3] {
        return Err(Error::Invalid(format!(
            "--bbox {s:?}: expected W,S,E,N with W < E and S < N"
        )));
    }
    Ok(Rect::new(
        coord! { x: v[0], y: v[1] },
        coord! { x: v[2], y: v[3] },
    ))
}

/// The arcs of the edge-based graph for the hierarchy: one per allowed turn `a → b`, weighing
/// the turn's cost plus the time to drive all of `b` (so a node's label is the cost of reaching
/// the *end* of its directed edge), with `b`'s length; `edge` is `b`.
pub fn ch_arcs(g: &RoadGraph, turns: &[Turn]) -> Vec<InputArc> {
    turns
        .iter()
        .map(|t| InputArc {
            from: t.from,
            to: t.to,
            weight: t.cost_ms.saturating_add(duration_ms(g, t.to)),
            dist_m: g.edges[(t.to / 2) as usize].dist_m,
            edge: t.to,
        })
        .collect()
}

/// What [`build_from_pbf`] reports besides the graph file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildReport {
    /// OSM ways kept by the profile.
    pub ways: usize,
    /// What happened to the turn restrictions.
    pub turn_stats: TurnStats,
}

/// Read an OSM file (PBF or XML) and build the graph, its turns and the hierarchy in memory.
pub fn build_from_pbf(pbf: &Path, opts: &ImportOptions) -> Result<(GraphFile, BuildReport)> {
    build_from_pbf_with(pbf, opts, &Silent)
}

/// [`build_from_pbf`], reporting the reading's progress to `progress`.
pub fn build_from_pbf_with(
    pbf: &Path,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<(GraphFile, BuildReport)> {
    let raw = read_osm(pbf, opts.profile, progress)?;
    let ways = raw.ways.len();
    let built = build(
        &raw,
        &BuildOptions {
            clip: opts.clip,
            signal_penalty_s: opts.signal_penalty_s,
            intersection_penalty_s: opts.intersection_penalty_s,
        },
    );
    let (mut turns, mut turn_stats) = compute_turns(
        &built.graph,
        &built.info,
        &built.barriers,
        &built.vertex_of,
        &raw.node_ids,
        &raw.restrictions,
        &TurnModel::default(),
    );
    let mut graph = built.graph;
    super::via_way::apply(
        &mut graph,
        &built.info,
        &mut turns,
        &raw.restrictions,
        &mut turn_stats,
    );
    drop(raw);
    if graph.edges.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no road the {} profile may drive{}",
            pbf.display(),
            opts.profile.as_str(),
            if opts.clip.is_some() {
                " inside the bounding box (use --bbox or --no-clip)"
            } else {
                ""
            }
        )));
    }
    let ch = Ch::build(2 * graph.edges.len(), &ch_arcs(&graph, &turns));
    let meta = GraphMeta {
        version: VERSION,
        source: pbf
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        imported_unix_s: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        clip: opts
            .clip
            .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
        signal_penalty_s: opts.signal_penalty_s,
        intersection_penalty_s: opts.intersection_penalty_s,
        profile: opts.profile,
    };
    Ok((
        GraphFile {
            meta,
            graph,
            turns,
            ch,
        },
        BuildReport { ways, turn_stats },
    ))
}

/// Import `pbf` and write the graph file to `out` (atomically).
pub fn import_pbf(pbf: &Path, out: &Path, opts: &ImportOptions) -> Result<ImportSummary> {
    import_pbf_with(pbf, out, opts, &Silent)
}

/// [`import_pbf`], reporting the reading's progress to `progress`.
pub fn import_pbf_with(
    pbf: &Path,
    out: &Path,
    opts: &ImportOptions,
    progress: &dyn Progress,
) -> Result<ImportSummary> {
    let t0 = Instant::now();
    let (file, report) = build_from_pbf_with(pbf, opts, progress)?;
    super::file::write(out, &file)?;
    Ok(ImportSummary {
        path: out.to_path_buf(),
        nodes: file.graph.nodes.len(),
        edges: file.graph.edges.len(),
        ch_arcs: file.ch.fwd.len() + file.ch.bwd.len(),
        ch_core_nodes: file.ch.core_size(),
        ways: report.ways,
        profile: opts.profile,
        turns: file.turns.len(),
        turn_stats: report.turn_stats,
        seconds: t0.elapsed().as_secs_f64(),
    })
}
