//! The OpenStreetMap model the graph is built from ([`RawOsm`]: the ways a profile may drive,
//! the nodes they use, the turn restrictions), what both readers share to fill it, and
//! [`read_osm`], which tells a PBF file from an XML one.
//!
//! - [`pbf`]: the PBF reader (parallel blob decoding, one or two passes);
//! - [`xml`]: the OSM XML reader (one streaming pass).
//!
//! Each reader turns what it reads into way chunks (ways, node ids, restrictions, nodes) with
//! `node_facts` and [`restriction_of`]; `assemble` indexes them into a [`RawOsm`]. The readers
//! depend on this module only, never on each other.

pub mod pbf;
pub mod xml;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::profile::{NodeBarrier, Profile, WayProfile};
use crate::error::{Error, InputError, Location, Result};
use crate::progress::Progress;

/// A kept way: its profile and its node references (indices into [`RawOsm::node_ids`]).
#[derive(Debug, Clone)]
pub struct RawWay {
    /// OSM way id.
    pub id: i64,
    /// What the profile keeps of the way.
    pub profile: WayProfile,
    /// First reference in [`RawOsm::refs`].
    pub refs_start: usize,
    /// Number of references.
    pub refs_len: usize,
}

/// The middle of a turn restriction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A node (OSM id).
    Node(i64),
    /// A way (OSM id).
    Way(i64),
}

/// A turn restriction (`type=restriction` relation) that applies to the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restriction {
    /// Relation id.
    pub id: i64,
    /// The `from` way (OSM id).
    pub from: i64,
    /// The `via` node or way.
    pub via: Via,
    /// The `to` way (OSM id).
    pub to: i64,
    /// `only_*` (every other turn from `from` at `via` is forbidden) rather than `no_*`.
    pub only: bool,
    /// Stated only under a condition (`restriction:conditional`, e.g. `no_left_turn @ (Mo-Fr
    /// 07:00-09:00)`): read and counted, not applied (no time of day is routed).
    pub conditional: bool,
    /// More than one via way (`via` is the first): counted with the via-way restrictions.
    pub several_vias: bool,
}

/// The restriction a relation states for `profile`, if any: `restriction:hgv` (truck) or
/// `restriction:motorcar` (car) first, then `restriction`, then `restriction:conditional`
/// (marked [`Restriction::conditional`]); skipped when `except` names the vehicle, or when a
/// member is missing or repeated.
pub fn restriction_of<'a>(
    profile: Profile,
    id: i64,
    get: impl Fn(&str) -> Option<&'a str>,
    members: impl Iterator<Item = (&'a str, Via)>,
) -> Option<Restriction> {
    if get("type") != Some("restriction") {
        return None;
    }
    let (kind, conditional) = match get(profile.restriction_key()).or_else(|| get("restriction")) {
        Some(k) => (k, false),
        // `no_left_turn @ (Mo-Fr 07:00-09:00)`: the kind before the condition.
        None => (
            get("restriction:conditional")?
                .split('@')
                .next()
                .unwrap_or("")
                .trim(),
            true,
        ),
    };
    let only = if kind.starts_with("only_") {
        true
    } else if kind.starts_with("no_") {
        false
    } else {
        return None;
    };
    if get("except").is_some_and(|e| profile.exempt_by(e)) {
        return None;
    }
    let (mut from, mut via, mut to) = (None, None, None);
    let mut vias = 0;
    for (role, m) in members {
        match (role, m) {
            ("from", Via::Way(w)) => from = if from.is_none() { Some(w) } else { return None },
            ("to", Via::Way(w)) => to = if to.is_none() { Some(w) } else { return None },
            ("via", v) => {
                vias += 1;
                // The first via (of several via ways, the one next to `from`).
                via = via.or(Some(v));
            }
            _ => {}
        }
    }
    let several_vias = vias > 1;
    if several_vias && !matches!(via, Some(Via::Way(_))) {
        return None; // several vias that are not ways: malformed
    }
    Some(Restriction {
        id,
        from: from?,
        via: via?,
        to: to?,
        only,
        conditional,
        several_vias,
    })
}

/// Ways and node coordinates read from an OSM file.
#[derive(Debug, Clone, Default)]
pub struct RawOsm {
    /// Kept ways.
    pub ways: Vec<RawWay>,
    /// Node references of all ways, as indices into `node_ids`.
    pub refs: Vec<u32>,
    /// Sorted, distinct OSM ids of the nodes the ways use.
    pub node_ids: Vec<i64>,
    /// Coordinates (lon, lat in 1e-7 degree) of each node; `None` when the file lacks the node.
    pub coords: Vec<Option<[i32; 2]>>,
    /// Whether the node is tagged `highway=traffic_signals`.
    pub signals: Vec<bool>,
    /// The barrier each node forms for the profile.
    pub barriers: Vec<NodeBarrier>,
    /// Seconds lost at a stop sign (`highway=stop`: 2) or give-way sign (`highway=give_way`:
    /// 1), OSRM car.lua's obstacle durations; 0 elsewhere.
    pub stops: Vec<u8>,
    /// Direction of a node's traffic light or sign relative to the ways through it
    /// (`traffic_signals:direction`, else `direction`): 0 both, 1 forward, 2 backward.
    pub obstacle_dir: Vec<u8>,
    /// Turn restrictions that apply to the profile, sorted by relation id.
    pub restrictions: Vec<Restriction>,
}

/// What one PBF block (or a whole XML file) holds for the profile.
#[derive(Debug, Default)]
struct WayChunk {
    /// Kept ways: id, profile, first reference in `refs`, number of references.
    pub ways: Vec<(i64, WayProfile, usize, usize)>,
    /// Node ids of the kept ways.
    pub refs: Vec<i64>,
    /// Restrictions for the profile.
    pub restrictions: Vec<Restriction>,
    /// Every node of the block (when nodes are kept from the first pass).
    pub nodes: Vec<NodeFacts>,
}

/// A node as read: id, lon, lat (1e-7 degree), traffic signal, barrier, stop-sign seconds,
/// direction.
type NodeFacts = (i64, i32, i32, bool, NodeBarrier, u8, u8);

/// A needed node found in the file: index into [`RawOsm::node_ids`], then as [`NodeFacts`].
type FoundNode = (u32, i32, i32, bool, NodeBarrier, u8, u8);

/// A further pass over the file for the needed nodes, given their sorted ids: the nodes found,
/// per block.
type NodePass<'a> = &'a dyn Fn(&[i64]) -> Result<Vec<Result<Vec<FoundNode>>>>;

/// What the profile needs to know about a node from its tags.
fn node_facts(profile: Profile, id: i64, lon: i32, lat: i32, tags: &[(&str, &str)]) -> NodeFacts {
    if tags.is_empty() {
        return (id, lon, lat, false, NodeBarrier::None, 0, 0);
    }
    let get = |k: &str| tags.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
    let sig = get("highway") == Some("traffic_signals");
    let stop = match get("highway") {
        Some("stop") => 2,
        Some("give_way") => 1,
        _ => 0,
    };
    let barrier = profile.node_barrier(get);
    let dir = if sig || stop > 0 {
        let d = if sig {
            get("traffic_signals:direction").or_else(|| get("direction"))
        } else {
            get("direction")
        };
        match d {
            Some("forward") => 1,
            Some("backward") => 2,
            _ => 0,
        }
    } else {
        0
    };
    (id, lon, lat, sig, barrier, stop, dir)
}

/// Progress through a file, in bytes read, reported to a [`Progress`].
struct ByteProgress<'a> {
    progress: &'a dyn Progress,
    at: AtomicU64,
}

impl<'a> ByteProgress<'a> {
    /// Starts a phase named `label` over the bytes of `path`.
    fn new(progress: &'a dyn Progress, path: &Path, label: &str) -> Self {
        let len = std::fs::metadata(path).map(|m| m.len()).ok();
        progress.start(label, len);
        ByteProgress {
            progress,
            at: AtomicU64::new(0),
        }
    }

    /// The reading has reached byte `offset` (offsets may arrive out of order).
    fn reached(&self, offset: u64) {
        let before = self.at.fetch_max(offset, Ordering::Relaxed);
        if offset > before {
            self.progress.advance(offset - before);
        }
    }

    /// The phase is over.
    fn finish(&self) {
        self.progress.finish();
    }
}

/// Read an OpenStreetMap file, PBF or XML (told apart by their first bytes): the ways
/// `profile` may drive, the coordinates of their nodes and the turn restrictions.
pub fn read_osm(path: &Path, profile: Profile, progress: &dyn Progress) -> Result<RawOsm> {
    use std::io::Read;
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Err(
            InputError::new(path, Location::File, None, "empty file: not an OSM extract").into(),
        );
    }
    let compressed = if head.starts_with(&[0x1f, 0x8b]) {
        Some("gzip")
    } else if head.starts_with(b"BZh") {
        Some("bzip2")
    } else {
        None
    };
    if let Some(c) = compressed {
        return Err(InputError::new(
            path,
            Location::File,
            None,
            format!(
                "a {c}-compressed file: decompress it first ({} FILE), or use the .osm.pbf \
                 extract",
                if c == "gzip" { "gunzip" } else { "bunzip2" }
            ),
        )
        .into());
    }
    if xml::looks_like_xml(&head) {
        let chunk = xml::read_xml(path, profile, progress)?;
        return assemble(vec![Ok(chunk)], None);
    }
    pbf::read_pbf(path, profile, progress)
}

/// Index the ways' nodes, then take their coordinates and facts: from `chunks`' nodes, or from
/// `second_pass` when given (the chunks then hold no nodes).
fn assemble(chunks: Vec<Result<WayChunk>>, second_pass: Option<NodePass<'_>>) -> Result<RawOsm> {
    let mut ways_raw = Vec::new();
    let mut refs_i64: Vec<i64> = Vec::new();
    let mut restrictions = Vec::new();
    let mut all_nodes: Vec<Vec<NodeFacts>> = Vec::new();
    for c in chunks {
        let c = c?;
        restrictions.extend(c.restrictions);
        all_nodes.push(c.nodes);
        let base = refs_i64.len();
        refs_i64.extend_from_slice(&c.refs);
        ways_raw.extend(c.ways.into_iter().map(|(id, p, s, l)| (id, p, s + base, l)));
    }
    // Deterministic order whatever the thread scheduling: sort ways by id.
    ways_raw.sort_by_key(|w| w.0);
    restrictions.sort_by_key(|r: &Restriction| r.id);
    let mut node_ids = refs_i64.clone();
    node_ids.par_sort_unstable();
    node_ids.dedup();
    if node_ids.len() > u32::MAX as usize {
        return Err(Error::Invalid("more than 2^32 nodes: not supported".into()));
    }
    let index = |id: i64| node_ids.binary_search(&id).expect("id collected above") as u32;
    let mut refs = Vec::with_capacity(refs_i64.len());
    let mut ways = Vec::with_capacity(ways_raw.len());
    for (id, profile, s, l) in ways_raw {
        let start = refs.len();
        refs.extend(refs_i64[s..s + l].iter().map(|&r| index(r)));
        ways.push(RawWay {
            id,
            profile,
            refs_start: start,
            refs_len: l,
        });
    }
    drop(refs_i64);

    // The nodes the ways use: from the chunks if they kept them, else from the second pass.
    let found: Vec<Result<Vec<FoundNode>>> = match second_pass {
        None => all_nodes
            .into_par_iter()
            .map(|chunk| {
                Ok(chunk
                    .into_iter()
                    .filter_map(|(id, lon, lat, sig, barrier, stop, dir)| {
                        let i = node_ids.binary_search(&id).ok()?;
                        Some((i as u32, lon, lat, sig, barrier, stop, dir))
                    })
                    .collect())
            })
            .collect(),
        Some(pass) => {
            drop(all_nodes);
            pass(&node_ids)?
        }
    };
    let mut coords = vec![None; node_ids.len()];
    let mut signals = vec![false; node_ids.len()];
    let mut barriers = vec![NodeBarrier::None; node_ids.len()];
    let mut stops = vec![0u8; node_ids.len()];
    let mut obstacle_dir = vec![0u8; node_ids.len()];
    for chunk in found {
        for (i, lon, lat, sig, barrier, stop, dir) in chunk? {
            obstacle_dir[i as usize] = dir;
            coords[i as usize] = Some([lon, lat]);
            signals[i as usize] = sig;
            barriers[i as usize] = barrier;
            stops[i as usize] = stop;
        }
    }
    Ok(RawOsm {
        ways,
        refs,
        node_ids,
        coords,
        signals,
        barriers,
        stops,
        obstacle_dir,
        restrictions,
    })
}
