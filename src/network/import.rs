//! `network import`: PBF → road graph → contraction hierarchy → graph file.

use std::path::{Path, PathBuf};
use std::time::Instant;

use geo::{Rect, coord};

use super::build::{BuildOptions, build_graph};
use super::ch::{Ch, InputArc};
use super::file::{GraphFile, GraphMeta, VERSION};
use super::graph::RoadGraph;
use super::pbf::read_pbf;
use crate::error::{Error, Result};

/// Margin added around a territory's bounding box by default, metres.
pub const DEFAULT_MARGIN_M: f64 = 5000.0;

/// Import options.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Keep only roads inside this box (lon/lat); `None`: the whole file.
    pub clip: Option<Rect<f64>>,
    /// Show progress bars on stderr.
    pub progress: bool,
    /// Traffic-signal penalty, seconds (see [`BuildOptions`]).
    pub signal_penalty_s: f64,
    /// Intersection (turn-cost) penalty, seconds (see [`BuildOptions`]).
    pub intersection_penalty_s: f64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            clip: None,
            progress: false,
            signal_penalty_s: BuildOptions::default().signal_penalty_s,
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
    /// OSM ways kept by the truck profile (before clipping).
    pub ways: usize,
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

/// The arcs of a road graph for the hierarchy (weight = duration).
pub fn ch_arcs(g: &RoadGraph) -> Vec<InputArc> {
    let mut arcs = Vec::with_capacity(g.edges.len() * 2);
    for (i, e) in g.edges.iter().enumerate() {
        if e.forward() {
            arcs.push(InputArc {
                from: e.from,
                to: e.to,
                weight: e.dur_fwd_ms,
                dist_m: e.dist_m,
                edge: i as u32,
            });
        }
        if e.backward() {
            arcs.push(InputArc {
                from: e.to,
                to: e.from,
                weight: e.dur_bwd_ms,
                dist_m: e.dist_m,
                edge: i as u32,
            });
        }
    }
    arcs
}

/// Read a PBF and build the graph and its hierarchy in memory.
pub fn build_from_pbf(pbf: &Path, opts: &ImportOptions) -> Result<(GraphFile, usize)> {
    let raw = read_pbf(pbf, opts.progress)?;
    let ways = raw.ways.len();
    let graph = build_graph(
        &raw,
        &BuildOptions {
            clip: opts.clip,
            signal_penalty_s: opts.signal_penalty_s,
            intersection_penalty_s: opts.intersection_penalty_s,
        },
    );
    drop(raw);
    if graph.edges.is_empty() {
        return Err(Error::Invalid(format!(
            "{}: no truck-drivable road{}",
            pbf.display(),
            if opts.clip.is_some() {
                " inside the bounding box (use --bbox or --no-clip)"
            } else {
                ""
            }
        )));
    }
    let ch = Ch::build(graph.nodes.len(), &ch_arcs(&graph));
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
    };
    Ok((GraphFile { meta, graph, ch }, ways))
}

/// Import `pbf` and write the graph file to `out` (atomically).
pub fn import_pbf(pbf: &Path, out: &Path, opts: &ImportOptions) -> Result<ImportSummary> {
    let t0 = Instant::now();
    let (file, ways) = build_from_pbf(pbf, opts)?;
    super::file::write(out, &file)?;
    Ok(ImportSummary {
        path: out.to_path_buf(),
        nodes: file.graph.nodes.len(),
        edges: file.graph.edges.len(),
        ch_arcs: file.ch.fwd.len() + file.ch.bwd.len(),
        ways,
        seconds: t0.elapsed().as_secs_f64(),
    })
}
