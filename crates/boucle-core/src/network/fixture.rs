//! A tiny OpenStreetMap PBF (and OSM XML) writer for test fixtures and synthetic networks.
//!
//! Tests build their own small road networks in code and write them as real `.osm.pbf` files, so
//! that the import is exercised end to end without any external tool (osmium) or shared data.
//! The encoding is plain protobuf written by hand: one `OSMHeader` blob, then `OSMData` blobs of
//! non-dense nodes and ways (uncompressed or zlib-compressed). Ids may be negative and elements
//! may come in any order, as in real extracts.

use std::io::Write;

/// A node to write: id, longitude, latitude (WGS84 degrees) and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureNode {
    /// OSM id (may be negative).
    pub id: i64,
    /// Longitude in degrees.
    pub lon: f64,
    /// Latitude in degrees.
    pub lat: f64,
    /// Tags as (key, value) pairs.
    pub tags: Vec<(String, String)>,
}

/// A way to write: id, node references and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureWay {
    /// OSM id (may be negative).
    pub id: i64,
    /// Node ids, in order.
    pub refs: Vec<i64>,
    /// Tags as (key, value) pairs.
    pub tags: Vec<(String, String)>,
}

/// A relation member: `'n'` (node) or `'w'` (way), its id, and its role.
pub type FixtureMember = (char, i64, String);

/// A relation to write: id, members and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct FixtureRelation {
    /// OSM id.
    pub id: i64,
    /// Members, in order.
    pub members: Vec<FixtureMember>,
    /// Tags as (key, value) pairs.
    pub tags: Vec<(String, String)>,
}

/// An in-memory OSM dataset that can be encoded as PBF.
#[derive(Debug, Clone, Default)]
pub struct OsmFixture {
    /// Nodes, in file order.
    pub nodes: Vec<FixtureNode>,
    /// Ways, in file order.
    pub ways: Vec<FixtureWay>,
    /// Relations, written after nodes and ways.
    pub relations: Vec<FixtureRelation>,
    /// Write ways before nodes (an "unsorted" file).
    pub ways_first: bool,
    /// Compress blobs with zlib (as real files do) instead of storing them raw.
    pub zlib: bool,
    /// Maximum number of elements per data blob.
    pub block_size: usize,
}

impl OsmFixture {
    /// An empty dataset (raw blobs, 8,000 elements per blob, nodes first).
    pub fn new() -> Self {
        OsmFixture {
            block_size: 8000,
            ..Default::default()
        }
    }

    /// Add a node with tags given as `&[("k", "v")]`.
    pub fn node(&mut self, id: i64, lon: f64, lat: f64, tags: &[(&str, &str)]) -> &mut Self {
        self.nodes.push(FixtureNode {
            id,
            lon,
            lat,
            tags: owned(tags),
        });
        self
    }

    /// Add a way with tags given as `&[("k", "v")]`.
    pub fn way(&mut self, id: i64, refs: &[i64], tags: &[(&str, &str)]) -> &mut Self {
        self.ways.push(FixtureWay {
            id,
            refs: refs.to_vec(),
            tags: owned(tags),
        });
        self
    }

    /// Add a relation with members given as `&[('w', id, "from"), ('n', id, "via")]`.
    pub fn relation(
        &mut self,
        id: i64,
        members: &[(char, i64, &str)],
        tags: &[(&str, &str)],
    ) -> &mut Self {
        self.relations.push(FixtureRelation {
            id,
            members: members
                .iter()
                .map(|(t, i, r)| (*t, *i, (*r).to_owned()))
                .collect(),
            tags: owned(tags),
        });
        self
    }

    /// A `side` × `side` street grid: node (x, y) at longitude 7.0 + 0.002·x and latitude
    /// 47.8 + 0.0015·y, each jittered by up to 0.0002°, with id `id(x, y)` and the tags
    /// `node_tags` draws; a street (way ids from 1) between each pair of neighbours, left out
    /// with probability 0.1, with the tags `way_tags` draws.
    pub fn street_grid<R: rand::Rng>(
        rng: &mut R,
        side: i64,
        id: impl Fn(i64, i64) -> i64,
        mut node_tags: impl FnMut(&mut R) -> Vec<(&'static str, &'static str)>,
        mut way_tags: impl FnMut(&mut R) -> Vec<(&'static str, &'static str)>,
    ) -> OsmFixture {
        let mut f = OsmFixture::new();
        for y in 0..side {
            for x in 0..side {
                let jx = rng.random_range(-0.0002..0.0002);
                let jy = rng.random_range(-0.0002..0.0002);
                let tags = node_tags(rng);
                f.node(
                    id(x, y),
                    7.0 + x as f64 * 0.002 + jx,
                    47.8 + y as f64 * 0.0015 + jy,
                    &tags,
                );
            }
        }
        let mut wid = 1;
        for y in 0..side {
            for x in 0..side {
                for (dx, dy) in [(1, 0), (0, 1)] {
                    let (x2, y2) = (x + dx, y + dy);
                    if x2 >= side || y2 >= side || rng.random_bool(0.1) {
                        continue;
                    }
                    let tags = way_tags(rng);
                    f.way(wid, &[id(x, y), id(x2, y2)], &tags);
                    wid += 1;
                }
            }
        }
        f
    }

    /// Encode as an `.osm.pbf` byte stream.
    pub fn to_pbf(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut header = Vec::new();
        put_bytes(&mut header, 4, b"OsmSchema-V0.6");
        write_blob(&mut out, "OSMHeader", &header, self.zlib);
        let size = self.block_size.max(1);
        let mut node_blocks: Vec<Vec<u8>> = self.nodes.chunks(size).map(encode_nodes).collect();
        let mut way_blocks: Vec<Vec<u8>> = self.ways.chunks(size).map(encode_ways).collect();
        let blocks: Vec<Vec<u8>> = if self.ways_first {
            way_blocks.append(&mut node_blocks);
            way_blocks
        } else {
            node_blocks.append(&mut way_blocks);
            node_blocks
        };
        for b in blocks {
            write_blob(&mut out, "OSMData", &b, self.zlib);
        }
        for b in self.relations.chunks(size).map(encode_relations) {
            write_blob(&mut out, "OSMData", &b, self.zlib);
        }
        out
    }

    /// Encode and write to `path`.
    pub fn write(&self, path: &std::path::Path) -> std::io::Result<()> {
        std::fs::write(path, self.to_pbf())
    }

    /// The same data as OSM XML (`.osm`), coordinates at the PBF's 1e-7 degree, nodes and ways
    /// in the same order as [`OsmFixture::to_pbf`], relations last.
    pub fn to_osm_xml(&self) -> String {
        use quick_xml::escape::escape;
        use std::fmt::Write as _;
        fn deg(x: f64) -> String {
            let d = (x * 1e7).round() as i64;
            let sign = if d < 0 { "-" } else { "" };
            format!("{sign}{}.{:07}", d.abs() / 10_000_000, d.abs() % 10_000_000)
        }
        fn close_with_tags(out: &mut String, el: &str, tags: &[(String, String)], inner: &str) {
            if tags.is_empty() && inner.is_empty() {
                out.push_str("/>\n");
                return;
            }
            out.push_str(">\n");
            out.push_str(inner);
            for (k, v) in tags {
                let _ = writeln!(out, "    <tag k=\"{}\" v=\"{}\"/>", escape(k), escape(v));
            }
            let _ = writeln!(out, "  </{el}>");
        }
        let mut out = String::from(
            "<?xml version='1.0' encoding='UTF-8'?>\n<osm version=\"0.6\" generator=\"boucle \
             fixture\">\n",
        );
        let mut nodes = String::new();
        for n in &self.nodes {
            let _ = write!(
                nodes,
                "  <node id=\"{}\" lat=\"{}\" lon=\"{}\" version=\"1\"",
                n.id,
                deg(n.lat),
                deg(n.lon)
            );
            close_with_tags(&mut nodes, "node", &n.tags, "");
        }
        let mut ways = String::new();
        for w in &self.ways {
            let _ = write!(ways, "  <way id=\"{}\" version=\"1\"", w.id);
            let inner: String = w
                .refs
                .iter()
                .map(|r| format!("    <nd ref=\"{r}\"/>\n"))
                .collect();
            close_with_tags(&mut ways, "way", &w.tags, &inner);
        }
        if self.ways_first {
            out.push_str(&ways);
            out.push_str(&nodes);
        } else {
            out.push_str(&nodes);
            out.push_str(&ways);
        }
        for r in &self.relations {
            let _ = write!(out, "  <relation id=\"{}\" version=\"1\"", r.id);
            let inner: String = r
                .members
                .iter()
                .map(|(t, id, role)| {
                    let t = if *t == 'n' { "node" } else { "way" };
                    format!(
                        "    <member type=\"{t}\" ref=\"{id}\" role=\"{}\"/>\n",
                        escape(role)
                    )
                })
                .collect();
            close_with_tags(&mut out, "relation", &r.tags, &inner);
        }
        out.push_str("</osm>\n");
        out
    }
}

fn owned(tags: &[(&str, &str)]) -> Vec<(String, String)> {
    tags.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn put_key(out: &mut Vec<u8>, field: u32, wire: u32) {
    put_varint(out, u64::from((field << 3) | wire));
}

fn put_uint(out: &mut Vec<u8>, field: u32, v: u64) {
    put_key(out, field, 0);
    put_varint(out, v);
}

fn put_bytes(out: &mut Vec<u8>, field: u32, b: &[u8]) {
    put_key(out, field, 2);
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn packed(values: impl Iterator<Item = u64>) -> Vec<u8> {
    let mut b = Vec::new();
    for v in values {
        put_varint(&mut b, v);
    }
    b
}

/// String table shared by one block: index 0 is the empty string.
struct Strings {
    list: Vec<String>,
}

impl Strings {
    fn new() -> Self {
        Strings {
            list: vec![String::new()],
        }
    }
    fn index(&mut self, s: &str) -> u64 {
        if let Some(i) = self.list.iter().position(|x| x == s) {
            return i as u64;
        }
        self.list.push(s.to_owned());
        (self.list.len() - 1) as u64
    }
    fn encode(&self) -> Vec<u8> {
        let mut b = Vec::new();
        for s in &self.list {
            put_bytes(&mut b, 1, s.as_bytes());
        }
        b
    }
}

fn block(strings: &Strings, group: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    put_bytes(&mut b, 1, &strings.encode());
    put_bytes(&mut b, 2, group);
    b
}

fn tag_fields(out: &mut Vec<u8>, strings: &mut Strings, tags: &[(String, String)]) {
    if tags.is_empty() {
        return;
    }
    let keys: Vec<u64> = tags.iter().map(|(k, _)| strings.index(k)).collect();
    let vals: Vec<u64> = tags.iter().map(|(_, v)| strings.index(v)).collect();
    put_bytes(out, 2, &packed(keys.into_iter()));
    put_bytes(out, 3, &packed(vals.into_iter()));
}

fn encode_nodes(nodes: &[FixtureNode]) -> Vec<u8> {
    let mut strings = Strings::new();
    let mut group = Vec::new();
    for n in nodes {
        let mut m = Vec::new();
        put_uint(&mut m, 1, zigzag(n.id));
        tag_fields(&mut m, &mut strings, &n.tags);
        // Default granularity 100 nanodegrees: units of 1e-7 degree.
        put_uint(&mut m, 8, zigzag((n.lat * 1e7).round() as i64));
        put_uint(&mut m, 9, zigzag((n.lon * 1e7).round() as i64));
        put_bytes(&mut group, 1, &m);
    }
    block(&strings, &group)
}

fn encode_ways(ways: &[FixtureWay]) -> Vec<u8> {
    let mut strings = Strings::new();
    let mut group = Vec::new();
    for w in ways {
        let mut m = Vec::new();
        put_uint(&mut m, 1, w.id as u64);
        tag_fields(&mut m, &mut strings, &w.tags);
        let mut prev = 0i64;
        let deltas = w.refs.iter().map(|&r| {
            let d = r - prev;
            prev = r;
            zigzag(d)
        });
        put_bytes(&mut m, 8, &packed(deltas));
        put_bytes(&mut group, 3, &m);
    }
    block(&strings, &group)
}

fn encode_relations(rels: &[FixtureRelation]) -> Vec<u8> {
    let mut strings = Strings::new();
    let mut group = Vec::new();
    for r in rels {
        let mut m = Vec::new();
        put_uint(&mut m, 1, r.id as u64);
        tag_fields(&mut m, &mut strings, &r.tags);
        let roles: Vec<u64> = r
            .members
            .iter()
            .map(|(_, _, role)| strings.index(role))
            .collect();
        put_bytes(&mut m, 8, &packed(roles.into_iter()));
        let mut prev = 0i64;
        let ids = r.members.iter().map(|&(_, id, _)| {
            let d = id - prev;
            prev = id;
            zigzag(d)
        });
        put_bytes(&mut m, 9, &packed(ids));
        let types = r.members.iter().map(|(t, _, _)| {
            if *t == 'n' {
                0
            } else if *t == 'w' {
                1
            } else {
                2
            }
        });
        put_bytes(&mut m, 10, &packed(types));
        put_bytes(&mut group, 4, &m);
    }
    block(&strings, &group)
}

fn write_blob(out: &mut Vec<u8>, kind: &str, data: &[u8], zlib: bool) {
    let mut blob = Vec::new();
    if zlib {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(data).expect("writing to a Vec cannot fail");
        let z = enc.finish().expect("writing to a Vec cannot fail");
        put_uint(&mut blob, 2, data.len() as u64);
        put_bytes(&mut blob, 3, &z);
    } else {
        put_bytes(&mut blob, 1, data);
        put_uint(&mut blob, 2, data.len() as u64);
    }
    let mut header = Vec::new();
    put_bytes(&mut header, 1, kind.as_bytes());
    put_uint(&mut header, 3, blob.len() as u64);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&blob);
}
