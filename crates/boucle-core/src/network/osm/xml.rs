//! Reading OpenStreetMap XML files (`.osm`, as JOSM, the Overpass API or `osmium cat -f osm`
//! write them) into the OSM model ([`super::RawOsm`]): the same ways, nodes and restrictions as
//! the PBF reader finds in a PBF file, in one streaming pass.
//!
//! Elements marked `action="delete"` (JOSM) or `visible="false"` are skipped. Coordinates are
//! rounded to 1e-7 degree, the PBF resolution, so that a file and its PBF conversion give the
//! same graph. Every node is kept until the ways are known (24 bytes a node, as for small PBF
//! files): XML extracts are usually small; a regional one is better converted to PBF first
//! (`osmium cat FILE.osm -o FILE.osm.pbf`), which is also 2–3 times faster to read.

use std::io::{BufRead, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{ByteProgress, NodeFacts, Via, WayChunk, node_facts, restriction_of};
use crate::error::{Error, InputError, Location, Result};
use crate::network::profile::Profile;
use crate::progress::Progress;

/// The element being read, with what its children add.
enum Open {
    None,
    Node { id: i64, lon: i32, lat: i32 },
    Way { id: i64 },
    Relation { id: i64 },
}

/// The 1-based line of byte `offset` of `path` (for error messages).
fn line_of(path: &Path, offset: u64) -> u64 {
    let Ok(f) = std::fs::File::open(path) else {
        return 0;
    };
    let mut r = std::io::BufReader::new(f).take(offset);
    let mut line = 1;
    let mut buf = Vec::new();
    while let Ok(n) = r.read_until(b'\n', &mut buf) {
        if n == 0 {
            break;
        }
        if buf.last() == Some(&b'\n') {
            line += 1;
        }
        buf.clear();
    }
    line
}

fn xml_error(path: &Path, offset: u64, field: Option<&str>, message: impl Into<String>) -> Error {
    InputError::new(path, Location::Line(line_of(path, offset)), field, message).into()
}

/// Key–value pairs kept in one reusable string: no allocation per pair once warmed up (a
/// `String` per attribute was a fifth of the reading time).
#[derive(Default)]
struct Pairs {
    text: String,
    /// Key start, value start, value end in `text`.
    spans: Vec<[usize; 3]>,
}

impl Pairs {
    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }
    fn push(&mut self, k: &str, v: &str) {
        let a = self.text.len();
        self.text.push_str(k);
        let b = self.text.len();
        self.text.push_str(v);
        self.spans.push([a, b, self.text.len()]);
    }
    fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.spans
            .iter()
            .map(|&[a, b, c]| (&self.text[a..b], &self.text[b..c]))
    }
    fn get(&self, k: &str) -> Option<&str> {
        self.iter().find(|(kk, _)| *kk == k).map(|(_, v)| v)
    }
    fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
    /// The attributes of an element, decoded and unescaped.
    fn fill_attributes(&mut self, e: &BytesStart<'_>) -> std::result::Result<(), String> {
        self.clear();
        for a in e.attributes().with_checks(false) {
            let a = a.map_err(|e| e.to_string())?;
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            self.push(a.key.as_ref(), &value);
        }
        Ok(())
    }
}

/// Degrees as a string to 1e-7 degree.
fn decimicro(s: &str, max: f64) -> Option<i32> {
    let v: f64 = s.trim().parse().ok()?;
    (v.is_finite() && v.abs() <= max).then(|| (v * 1e7).round() as i32)
}

/// Read an OSM XML file: the ways `profile` may drive, every node with what the profile needs
/// to know about it, and the restrictions for the profile.
pub(super) fn read_xml(path: &Path, profile: Profile, progress: &dyn Progress) -> Result<WayChunk> {
    let pb = ByteProgress::new(progress, path, "xml");
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader = Reader::from_reader(std::io::BufReader::with_capacity(1 << 16, file));
    let mut chunk = WayChunk::default();
    let mut buf = Vec::new();
    let mut open = Open::None;
    let mut skipping = false;
    let mut tags = Pairs::default();
    let mut attrs = Pairs::default();
    let mut refs: Vec<i64> = Vec::new();
    let mut members: Vec<(String, Via)> = Vec::new();
    let mut root_seen = false;
    let mut events = 0u32;
    loop {
        let at = reader.buffer_position();
        events = events.wrapping_add(1);
        if events.is_multiple_of(65_536) {
            pb.reached(at);
        }
        let ev = reader.read_event_into(&mut buf).map_err(|e| {
            xml_error(
                path,
                reader.error_position(),
                None,
                format!("not a readable OSM XML file: {e}"),
            )
        })?;
        let bad = |field: &str, what: &str| xml_error(path, at, Some(field), what.to_owned());
        let (e, empty) = match &ev {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if matches!(e.name().as_ref(), "node" | "way" | "relation") {
                    close(
                        profile, &mut open, skipping, &tags, &refs, &members, &mut chunk,
                    );
                    skipping = false;
                }
                buf.clear();
                continue;
            }
            Event::Eof => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        let name = e.name().as_ref().to_owned();
        attrs
            .fill_attributes(e)
            .map_err(|m| xml_error(path, at, None, m))?;
        if !root_seen {
            if name != "osm" {
                return Err(xml_error(
                    path,
                    at,
                    None,
                    format!(
                        "an OSM XML file starts with <osm>, not <{}> (an osmChange or other \
                         file is not an extract)",
                        name
                    ),
                ));
            }
            root_seen = true;
            buf.clear();
            continue;
        }
        let id = || -> Result<i64> {
            attrs
                .get("id")
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| bad("id", "missing or not an integer"))
        };
        match name.as_str() {
            "node" | "way" | "relation" => {
                tags.clear();
                refs.clear();
                members.clear();
                skipping =
                    attrs.get("action") == Some("delete") || attrs.get("visible") == Some("false");
                open = match name.as_str() {
                    "node" => {
                        let lon = attrs.get("lon").and_then(|v| decimicro(v, 180.0));
                        let lat = attrs.get("lat").and_then(|v| decimicro(v, 90.0));
                        match (lon, lat) {
                            (Some(lon), Some(lat)) => Open::Node {
                                id: id()?,
                                lon,
                                lat,
                            },
                            // A deleted node may come without coordinates.
                            _ if skipping => Open::None,
                            (None, _) => {
                                return Err(bad("lon", "missing or not a longitude in degrees"));
                            }
                            (_, None) => {
                                return Err(bad("lat", "missing or not a latitude in degrees"));
                            }
                        }
                    }
                    "way" => Open::Way { id: id()? },
                    _ => Open::Relation { id: id()? },
                };
                if empty {
                    close(
                        profile, &mut open, skipping, &tags, &refs, &members, &mut chunk,
                    );
                    skipping = false;
                }
            }
            "tag" => {
                if let (Some(k), Some(v)) = (attrs.get("k"), attrs.get("v")) {
                    tags.push(k, v);
                }
            }
            "nd" if matches!(open, Open::Way { .. }) => {
                let r = attrs
                    .get("ref")
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| bad("ref", "missing or not a node id"))?;
                refs.push(r);
            }
            "member" if matches!(open, Open::Relation { .. }) => {
                let r: i64 = attrs
                    .get("ref")
                    .and_then(|v| v.trim().parse().ok())
                    .ok_or_else(|| bad("ref", "missing or not an id"))?;
                let role = attrs.get("role").unwrap_or("").to_owned();
                match attrs.get("type") {
                    Some("node") => members.push((role, Via::Node(r))),
                    Some("way") => members.push((role, Via::Way(r))),
                    Some("relation") => {}
                    _ => return Err(bad("type", "a member's type is node, way or relation")),
                }
            }
            _ => {}
        }
        buf.clear();
    }
    pb.finish();
    if !root_seen {
        return Err(xml_error(
            path,
            0,
            None,
            "not an OSM XML file: no <osm> element",
        ));
    }
    Ok(chunk)
}

/// Keep the element just read, if the profile needs it.
fn close(
    profile: Profile,
    open: &mut Open,
    skipping: bool,
    tags: &Pairs,
    refs: &[i64],
    members: &[(String, Via)],
    chunk: &mut WayChunk,
) {
    let el = std::mem::replace(open, Open::None);
    if skipping {
        return;
    }
    let get = |k: &str| tags.get(k);
    match el {
        Open::None => {}
        Open::Node { id, lon, lat } => {
            let facts: NodeFacts = if tags.is_empty() {
                node_facts(profile, id, lon, lat, &[])
            } else {
                let t: Vec<(&str, &str)> = tags.iter().collect();
                node_facts(profile, id, lon, lat, &t)
            };
            chunk.nodes.push(facts);
        }
        Open::Way { id } => {
            if refs.len() >= 2
                && let Some(p) = profile.way(get)
            {
                let start = chunk.refs.len();
                chunk.refs.extend_from_slice(refs);
                chunk.ways.push((id, p, start, refs.len()));
            }
        }
        Open::Relation { id } => {
            let m = members.iter().map(|(r, v)| (r.as_str(), *v));
            if let Some(x) = restriction_of(profile, id, get, m) {
                chunk.restrictions.push(x);
            }
        }
    }
}

/// Whether `head` (the first bytes of a file) looks like XML rather than PBF.
pub fn looks_like_xml(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}
