//! The binary graph file (`network.graph`): a versioned, little-endian, checksummed image of
//! the road graph and its contraction hierarchy, written atomically.
//!
//! Layout (version 3; version 2 is read too, its edges without the length and axle-load
//! limits), all integers little-endian. The hierarchy is built on the edge-based
//! graph: its nodes are the directed edges (`2 × edge + 0` forward, `+ 1` backward, see
//! [`super::turns`]), its original arcs the allowed turns.
//! ```text
//! magic "BOUCLEGR" | version u32 | source: u32 len + UTF-8 | imported_unix_s u64
//! | clip: u8 (0/1) + 4 × f64 (W, S, E, N) | signal_penalty_s f64 | intersection_penalty_s f64
//! | profile u8 (0 truck, 1 car)
//! | n_nodes u32 | n_edges u32 | n_geometry u32 | n_turns u32 | n_fwd u32 | n_bwd u32
//! | nodes: n_nodes × (lon i32, lat i32) in 1e-7 degree
//! | edges: n_edges × (from u32, to u32, geom_start u32, geom_len u32, dist_m f32,
//!                     dur_fwd_ms u32, dur_bwd_ms u32, flags u8, maxweight_100kg u16,
//!                     maxheight_cm u16, maxlength_dm u16, maxaxleload_100kg u16)
//! | geometry: n_geometry × (lon i32, lat i32)
//! | turns: n_turns × (from u32, to u32, cost_ms u32)   (directed edge ids)
//! | rank: (2 × n_edges) × u32
//! | fwd_start: (2 × n_edges + 1) × u32 | fwd: n_fwd × (target u32, weight_ms u32, dist_m f32, via u32)
//! | bwd_start: (2 × n_edges + 1) × u32 | bwd: n_bwd × (same)
//! | checksum u64 (FNV-1a 64 of every byte before it)
//! ```

use std::path::Path;

use super::ch::{Ch, ChArc, SHORTCUT};
use super::graph::{Edge, RoadGraph};
use super::profile::Profile;
use super::turns::Turn;
use crate::error::{Error, InputError, Location, Result};

/// File magic.
pub const MAGIC: &[u8; 8] = b"BOUCLEGR";
/// Current file version.
pub const VERSION: u32 = 3;
/// The oldest file version still read.
pub const OLDEST_VERSION: u32 = 2;
/// Default file name inside a territory folder.
pub const GRAPH_FILE: &str = "network.graph";

/// Facts about an imported graph.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphMeta {
    /// File format version.
    pub version: u32,
    /// The PBF file it was imported from (file name).
    pub source: String,
    /// Import time, seconds since 1970-01-01 UTC.
    pub imported_unix_s: u64,
    /// The clipping box (W, S, E, N), if any.
    pub clip: Option<[f64; 4]>,
    /// Traffic-signal penalty used, seconds.
    pub signal_penalty_s: f64,
    /// Flat penalty per intersection crossed used, seconds (0 by default: turns are costed).
    pub intersection_penalty_s: f64,
    /// The routing profile the graph was built for.
    pub profile: Profile,
}

/// Everything a graph file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphFile {
    /// Metadata.
    pub meta: GraphMeta,
    /// The road graph.
    pub graph: RoadGraph,
    /// The allowed turns between directed edges, with their costs.
    pub turns: Vec<Turn>,
    /// The contraction hierarchy of the edge-based graph.
    pub ch: Ch,
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn put_arcs(b: &mut Vec<u8>, start: &[u32], arcs: &[ChArc]) {
    for s in start {
        b.extend_from_slice(&s.to_le_bytes());
    }
    for a in arcs {
        b.extend_from_slice(&a.target.to_le_bytes());
        b.extend_from_slice(&a.weight.to_le_bytes());
        b.extend_from_slice(&a.dist_m.to_le_bytes());
        b.extend_from_slice(&a.via.to_le_bytes());
    }
}

/// Encode a graph file.
pub fn encode(f: &GraphFile) -> Vec<u8> {
    let g = &f.graph;
    let mut b = Vec::with_capacity(64 + g.nodes.len() * 24 + g.edges.len() * 35);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&VERSION.to_le_bytes());
    b.extend_from_slice(&(f.meta.source.len() as u32).to_le_bytes());
    b.extend_from_slice(f.meta.source.as_bytes());
    b.extend_from_slice(&f.meta.imported_unix_s.to_le_bytes());
    b.push(u8::from(f.meta.clip.is_some()));
    for x in f.meta.clip.unwrap_or_default() {
        b.extend_from_slice(&x.to_le_bytes());
    }
    b.extend_from_slice(&f.meta.signal_penalty_s.to_le_bytes());
    b.extend_from_slice(&f.meta.intersection_penalty_s.to_le_bytes());
    b.push(match f.meta.profile {
        Profile::Truck => 0,
        Profile::Car => 1,
    });
    for n in [
        g.nodes.len(),
        g.edges.len(),
        g.geometry.len(),
        f.turns.len(),
        f.ch.fwd.len(),
        f.ch.bwd.len(),
    ] {
        b.extend_from_slice(&(n as u32).to_le_bytes());
    }
    for c in g.nodes.iter().chain(&[]) {
        b.extend_from_slice(&c[0].to_le_bytes());
        b.extend_from_slice(&c[1].to_le_bytes());
    }
    for e in &g.edges {
        for x in [e.from, e.to, e.geom_start, e.geom_len] {
            b.extend_from_slice(&x.to_le_bytes());
        }
        b.extend_from_slice(&e.dist_m.to_le_bytes());
        b.extend_from_slice(&e.dur_fwd_ms.to_le_bytes());
        b.extend_from_slice(&e.dur_bwd_ms.to_le_bytes());
        b.push(e.flags);
        b.extend_from_slice(&e.maxweight_100kg.to_le_bytes());
        b.extend_from_slice(&e.maxheight_cm.to_le_bytes());
        b.extend_from_slice(&e.maxlength_dm.to_le_bytes());
        b.extend_from_slice(&e.maxaxleload_100kg.to_le_bytes());
    }
    for c in &g.geometry {
        b.extend_from_slice(&c[0].to_le_bytes());
        b.extend_from_slice(&c[1].to_le_bytes());
    }
    for t in &f.turns {
        for x in [t.from, t.to, t.cost_ms] {
            b.extend_from_slice(&x.to_le_bytes());
        }
    }
    for r in &f.ch.rank {
        b.extend_from_slice(&r.to_le_bytes());
    }
    put_arcs(&mut b, &f.ch.fwd_start, &f.ch.fwd);
    put_arcs(&mut b, &f.ch.bwd_start, &f.ch.bwd);
    let sum = fnv1a(&b);
    b.extend_from_slice(&sum.to_le_bytes());
    b
}

/// Write a graph file atomically (temporary file, then rename).
pub fn write(path: &Path, f: &GraphFile) -> Result<()> {
    crate::io::atomic::write_atomic(path, &encode(f))
}

struct Cursor<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|s| u32::from_le_bytes(s.try_into().expect("4 bytes")))
    }
    fn i32(&mut self) -> Option<i32> {
        self.u32().map(|x| x as i32)
    }
    fn f32(&mut self) -> Option<f32> {
        self.u32().map(f32::from_bits)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .map(|s| u64::from_le_bytes(s.try_into().expect("8 bytes")))
    }
    fn f64(&mut self) -> Option<f64> {
        self.u64().map(f64::from_bits)
    }
    fn count(&mut self, item_size: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        // A count can never exceed what the file holds.
        (n.checked_mul(item_size)? <= self.b.len()).then_some(n)
    }
    fn arcs(&mut self, n_nodes: usize, n: usize) -> Option<(Vec<u32>, Vec<ChArc>)> {
        let start: Vec<u32> = (0..=n_nodes).map(|_| self.u32()).collect::<Option<_>>()?;
        let arcs = (0..n)
            .map(|_| {
                Some(ChArc {
                    target: self.u32()?,
                    weight: self.u32()?,
                    dist_m: self.f32()?,
                    via: self.u32()?,
                })
            })
            .collect::<Option<_>>()?;
        Some((start, arcs))
    }
}

fn bad(path: &Path, msg: impl Into<String>) -> Error {
    InputError::new(path, Location::File, None, msg).into()
}

/// Decode a graph file, checking magic, version, checksum and every index.
pub fn decode(path: &Path, b: &[u8]) -> Result<GraphFile> {
    if b.len() < 12 || &b[..8] != MAGIC {
        return Err(bad(path, "not a boucle graph file (bad magic number)"));
    }
    let version = u32::from_le_bytes(b[8..12].try_into().expect("4 bytes"));
    if !(OLDEST_VERSION..=VERSION).contains(&version) {
        return Err(bad(
            path,
            format!(
                "graph file version {version}, this program reads versions \
                 {OLDEST_VERSION} to {VERSION}: re-run `boucle network import`"
            ),
        ));
    }
    let body = &b[..b.len().saturating_sub(8)];
    let stored = b[body.len()..].try_into().map(u64::from_le_bytes).ok();
    if b.len() < 20 || stored != Some(fnv1a(body)) {
        return Err(bad(
            path,
            "graph file is truncated or corrupt (checksum mismatch)",
        ));
    }
    let mut c = Cursor { b: body, pos: 12 };
    parse(&mut c, version)
        .ok_or_else(|| bad(path, "graph file is inconsistent (bad counts or indices)"))
}

fn parse(c: &mut Cursor<'_>, version: u32) -> Option<GraphFile> {
    let len = c.count(1)?;
    let source = String::from_utf8(c.take(len)?.to_vec()).ok()?;
    let imported_unix_s = c.u64()?;
    let has_clip = c.u8()? == 1;
    let clip = [c.f64()?, c.f64()?, c.f64()?, c.f64()?];
    let signal_penalty_s = c.f64()?;
    let intersection_penalty_s = c.f64()?;
    let profile = match c.u8()? {
        0 => Profile::Truck,
        1 => Profile::Car,
        _ => return None,
    };
    let n_nodes = c.count(8)?;
    let v3 = version >= 3;
    let n_edges = c.count(if v3 { 35 } else { 31 })?;
    let n_geom = c.count(8)?;
    let n_turns = c.count(12)?;
    let n_fwd = c.count(16)?;
    let n_bwd = c.count(16)?;
    let nodes: Vec<[i32; 2]> = (0..n_nodes)
        .map(|_| Some([c.i32()?, c.i32()?]))
        .collect::<Option<_>>()?;
    let edges: Vec<Edge> = (0..n_edges)
        .map(|_| {
            Some(Edge {
                from: c.u32()?,
                to: c.u32()?,
                geom_start: c.u32()?,
                geom_len: c.u32()?,
                dist_m: c.f32()?,
                dur_fwd_ms: c.u32()?,
                dur_bwd_ms: c.u32()?,
                flags: c.u8()?,
                maxweight_100kg: c.u16()?,
                maxheight_cm: c.u16()?,
                maxlength_dm: if v3 { c.u16()? } else { 0 },
                maxaxleload_100kg: if v3 { c.u16()? } else { 0 },
            })
        })
        .collect::<Option<_>>()?;
    let geometry: Vec<[i32; 2]> = (0..n_geom)
        .map(|_| Some([c.i32()?, c.i32()?]))
        .collect::<Option<_>>()?;
    let turns: Vec<Turn> = (0..n_turns)
        .map(|_| {
            Some(Turn {
                from: c.u32()?,
                to: c.u32()?,
                cost_ms: c.u32()?,
            })
        })
        .collect::<Option<_>>()?;
    let n_ch = 2 * n_edges;
    let rank: Vec<u32> = (0..n_ch).map(|_| c.u32()).collect::<Option<_>>()?;
    let (fwd_start, fwd) = c.arcs(n_ch, n_fwd)?;
    let (bwd_start, bwd) = c.arcs(n_ch, n_bwd)?;
    if c.pos != c.b.len() {
        return None;
    }
    // Validate every index so that queries can never go out of bounds.
    for e in &edges {
        let end = u64::from(e.geom_start) + u64::from(e.geom_len);
        if e.from as usize >= n_nodes || e.to as usize >= n_nodes || end > n_geom as u64 {
            return None;
        }
    }
    if turns
        .iter()
        .any(|t| t.from as usize >= n_ch || t.to as usize >= n_ch)
    {
        return None;
    }
    for (start, arcs) in [(&fwd_start, &fwd), (&bwd_start, &bwd)] {
        if start.first() != Some(&0)
            || start.last().map(|&x| x as usize) != Some(arcs.len())
            || start.windows(2).any(|w| w[0] > w[1])
        {
            return None;
        }
        for a in arcs.iter() {
            let ok_via = ((a.via & !SHORTCUT) as usize) < n_ch;
            if a.target as usize >= n_ch || !ok_via {
                return None;
            }
        }
    }
    Some(GraphFile {
        meta: GraphMeta {
            version,
            source,
            imported_unix_s,
            clip: has_clip.then_some(clip),
            signal_penalty_s,
            intersection_penalty_s,
            profile,
        },
        graph: RoadGraph {
            nodes,
            edges,
            geometry,
        },
        turns,
        ch: Ch::from_parts(rank, fwd_start, fwd, bwd_start, bwd),
    })
}

/// Read a graph file.
pub fn read(path: &Path) -> Result<GraphFile> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    decode(path, &bytes)
}
