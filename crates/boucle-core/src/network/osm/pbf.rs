//! Reading OpenStreetMap PBF files into the OSM model ([`super::RawOsm`]): the ways a profile
//! may drive, the nodes they use and the turn restrictions (`type=restriction` relations).
//!
//! Parallel blob decoding (rayon). Ways and relations first, keeping only the ways' profile and
//! node ids and the restrictions that concern the profile; then nodes, keeping the coordinates
//! of the needed ids in a sorted id vector and a parallel coordinate vector (8 bytes a node).
//! Files up to `ONE_PASS_MAX_BYTES` are decoded once (the first pass keeps every node, as the
//! needed ids are known only once every way is read); bigger ones are streamed twice. Files need
//! not be sorted and ids may be negative.

use std::path::Path;

use osmpbf::{BlobDecode, BlobReader};
use rayon::prelude::*;

use super::{
    ByteProgress, FoundNode, NodeFacts, RawOsm, Via, WayChunk, assemble, node_facts, restriction_of,
};
use crate::error::{Error, InputError, Location, Result};
use crate::network::profile::Profile;
use crate::progress::Progress;

fn pbf_error(path: &Path, e: impl std::fmt::Display) -> Error {
    InputError::new(
        path,
        Location::File,
        None,
        format!("not a readable OSM PBF file: {e}"),
    )
    .into()
}

fn blobs(path: &Path) -> Result<BlobReader<std::io::BufReader<std::fs::File>>> {
    if !path.is_file() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    BlobReader::from_path(path).map_err(|e| pbf_error(path, e))
}

/// Files up to this size are decoded once: the first pass keeps every node (24 bytes each)
/// besides the ways. Bigger files are read in two streaming passes (ways, then the nodes they
/// need), so that memory follows the roads kept rather than the file.
const ONE_PASS_MAX_BYTES: u64 = 64 << 20;

/// Every node of a block, or only those `keep` accepts.
fn block_nodes(
    block: &osmpbf::PrimitiveBlock,
    profile: Profile,
    mut keep: impl FnMut(i64) -> bool,
    out: &mut Vec<NodeFacts>,
) {
    let mut tags: Vec<(&str, &str)> = Vec::new();
    // Dense and plain nodes are different types with the same accessors.
    macro_rules! take {
        ($n:expr) => {{
            let n = $n;
            if keep(n.id()) {
                tags.clear();
                tags.extend(n.tags());
                out.push(node_facts(
                    profile,
                    n.id(),
                    n.decimicro_lon(),
                    n.decimicro_lat(),
                    &tags,
                ));
            }
        }};
    }
    for group in block.groups() {
        for n in group.dense_nodes() {
            take!(n);
        }
        for n in group.nodes() {
            take!(n);
        }
    }
}

/// Read the ways of `path` (a PBF file) that `profile` may drive, the coordinates of their nodes
/// and the turn restrictions.
pub fn read_pbf(path: &Path, profile: Profile, progress: &dyn Progress) -> Result<RawOsm> {
    // Pass 1: ways (and every node if the file is small).
    let one_pass = std::fs::metadata(path).is_ok_and(|m| m.len() <= ONE_PASS_MAX_BYTES);
    let pb = ByteProgress::new(progress, path, "ways");
    let chunks: Vec<Result<WayChunk>> = blobs(path)?
        .par_bridge()
        .map(|blob| {
            let blob = blob.map_err(|e| pbf_error(path, e))?;
            if let Some(off) = blob.offset() {
                pb.reached(off.0);
            }
            let mut chunk = WayChunk::default();
            if let BlobDecode::OsmData(block) = blob.decode().map_err(|e| pbf_error(path, e))? {
                if one_pass {
                    block_nodes(&block, profile, |_| true, &mut chunk.nodes);
                }
                for group in block.groups() {
                    for r in group.relations() {
                        let tags: Vec<(&str, &str)> = r.tags().collect();
                        let get = |k: &str| tags.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
                        let members = r.members().filter_map(|m| {
                            let role = m.role().ok()?;
                            let v = match m.member_type {
                                osmpbf::RelMemberType::Node => Via::Node(m.member_id),
                                osmpbf::RelMemberType::Way => Via::Way(m.member_id),
                                osmpbf::RelMemberType::Relation => return None,
                            };
                            Some((role, v))
                        });
                        if let Some(x) = restriction_of(profile, r.id(), get, members) {
                            chunk.restrictions.push(x);
                        }
                    }
                    for w in group.ways() {
                        let tags: Vec<(&str, &str)> = w.tags().collect();
                        let get = |k: &str| tags.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v);
                        if let Some(p) = profile.way(get) {
                            let start = chunk.refs.len();
                            chunk.refs.extend(w.refs());
                            let len = chunk.refs.len() - start;
                            if len >= 2 {
                                chunk.ways.push((w.id(), p, start, len));
                            } else {
                                chunk.refs.truncate(start);
                            }
                        }
                    }
                }
            }
            Ok(chunk)
        })
        .collect();
    pb.finish();
    if one_pass {
        assemble(chunks, None)
    } else {
        assemble(
            chunks,
            Some(&|node_ids| needed_nodes(path, profile, node_ids, progress)),
        )
    }
}

/// Second pass: the nodes among `node_ids` (sorted) found in each block, with their index.
fn needed_nodes(
    path: &Path,
    profile: Profile,
    node_ids: &[i64],
    progress: &dyn Progress,
) -> Result<Vec<Result<Vec<FoundNode>>>> {
    let pb = ByteProgress::new(progress, path, "nodes");
    let found = blobs(path)?
        .par_bridge()
        .map(|blob| {
            let blob = blob.map_err(|e| pbf_error(path, e))?;
            if let Some(off) = blob.offset() {
                pb.reached(off.0);
            }
            let mut nodes = Vec::new();
            if let BlobDecode::OsmData(block) = blob.decode().map_err(|e| pbf_error(path, e))? {
                block_nodes(
                    &block,
                    profile,
                    |id| node_ids.binary_search(&id).is_ok(),
                    &mut nodes,
                );
            }
            Ok(nodes
                .into_iter()
                .map(|(id, lon, lat, sig, barrier, stop, dir)| {
                    let i = node_ids.binary_search(&id).expect("kept above");
                    (i as u32, lon, lat, sig, barrier, stop, dir)
                })
                .collect())
        })
        .collect();
    pb.finish();
    Ok(found)
}
