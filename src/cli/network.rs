//! `boucle network import|info`, `boucle route`, `boucle matrix`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use geo::Point;
use serde_json::{Value, json};

use super::DataArg;
use crate::error::{InputError, Location};
use crate::io::date::utc_iso8601;
use crate::network::import::{DEFAULT_MARGIN_M, parse_bbox, with_margin};
use crate::network::{
    GRAPH_FILE, ImportOptions, Profile, RoadRouter, Router, RouterOptions, Snapped, VehicleLimits,
    import_pbf, import_pbf_with, open_router_with,
};
use crate::travel::CostMatrix;

/// `boucle network …`
#[derive(Debug, clap::Subcommand)]
pub enum NetworkCommand {
    /// Import an OpenStreetMap extract (.osm.pbf, or OSM XML .osm) into DIR/network.graph.
    Import(ImportArgs),
    /// Describe the imported road graph (or say that the crow-flies fallback is in use).
    Info(InfoArgs),
}

/// Arguments of `network import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The OpenStreetMap extract: PBF, or OSM XML (as JOSM or the Overpass API write it), told
    /// apart by the file's first bytes.
    #[arg(value_name = "FILE.osm.pbf")]
    pub file: PathBuf,
    /// Clip to this box, `W,S,E,N` in degrees (default: the territory's box plus 5 km).
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Keep the whole extract (no clipping).
    #[arg(long, conflicts_with = "bbox")]
    pub no_clip: bool,
    /// Routing profile: `truck` (default) or `car` (OSRM car.lua's model, for comparisons).
    #[arg(long, default_value = "truck", value_parser = ["truck", "car"])]
    pub profile: String,
    /// Time lost at a traffic light, seconds (default: 8 for the truck, 2 for the car).
    #[arg(long, value_name = "S")]
    pub signal_penalty: Option<f64>,
    /// Flat time added per intersection crossed, seconds, on top of the turn costs.
    #[arg(long, default_value_t = 0.0, value_name = "S")]
    pub intersection_penalty: f64,
    /// Output file (default: DIR/network.graph).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Arguments of `network info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Options shared by `route` and `matrix`.
#[derive(Debug, Clone, clap::Args)]
pub struct RoutingOpts {
    /// Largest distance from a point to the road, metres.
    #[arg(long, default_value_t = 1000.0, value_name = "M")]
    pub max_snap: f64,
    /// Crow-flies fallback: road distance / great-circle distance.
    #[arg(long, default_value_t = 1.3)]
    pub circuity: f64,
    /// Crow-flies fallback: mean speed, km/h.
    #[arg(long, default_value_t = 50.0, value_name = "KMH")]
    pub speed: f64,
    /// Route for this vehicle type of the territory (vehicles.csv): roads whose legal limits
    /// (maxweight, maxheight, maxlength, maxaxleload) it breaks are avoided.
    #[arg(long, value_name = "ID")]
    pub vehicle: Option<String>,
}

/// The routers of a command: the one to use (the vehicle's when it changes anything) and the
/// whole graph's, with the vehicle's id and size.
struct Routers {
    router: Arc<dyn Router>,
    base: Arc<dyn Router>,
    vehicle: Option<(String, VehicleLimits)>,
}

impl RoutingOpts {
    fn routers(&self, dir: &Path) -> anyhow::Result<Routers> {
        let opts = RouterOptions {
            crow_flies: crate::travel::CrowFlies {
                circuity: self.circuity,
                speed_kmh: self.speed,
            },
            max_snap_m: self.max_snap,
        };
        let base: Arc<dyn Router> = Arc::from(open_router_with(dir, &opts)?);
        let Some(id) = &self.vehicle else {
            return Ok(Routers {
                router: base.clone(),
                base,
                vehicle: None,
            });
        };
        let limits = vehicle_limits(dir, id)?;
        Ok(Routers {
            router: base.for_vehicle(&limits).unwrap_or_else(|| base.clone()),
            base,
            vehicle: Some((id.clone(), limits)),
        })
    }
}

/// The size of vehicle type `id` of the territory in `dir` (its vehicles.csv), or of boucle's
/// built-in types when `dir` holds no territory.
fn vehicle_limits(dir: &Path, id: &str) -> anyhow::Result<VehicleLimits> {
    let types = if dir.join("territory.toml").is_file() {
        crate::territory::Territory::load(dir)?.vehicles.types
    } else {
        crate::territory::VehicleTypes::builtin().types
    };
    match types.iter().find(|v| v.id == id) {
        Some(v) => Ok(v.road_limits()),
        None => anyhow::bail!(
            "unknown vehicle type `{id}` (vehicle types: {})",
            types
                .iter()
                .map(|v| v.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Arguments of `route`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct RouteArgs {
    /// Start longitude.
    pub lon1: f64,
    /// Start latitude.
    pub lat1: f64,
    /// End longitude.
    pub lon2: f64,
    /// End latitude.
    pub lat2: f64,
    /// Print as JSON (with the GeoJSON geometry).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub routing: RoutingOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// Arguments of `matrix`.
#[derive(Debug, clap::Args)]
pub struct MatrixArgs {
    /// CSV file with columns `lon,lat` and optionally `id`.
    #[arg(long, value_name = "POINTS.csv")]
    pub csv: PathBuf,
    /// Print as JSON shaped like OSRM's /table answer.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub routing: RoutingOpts,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub data: DataArg,
}

/// The default clipping box for a territory folder: its box plus [`DEFAULT_MARGIN_M`].
pub fn default_clip(dir: &Path) -> crate::Result<geo::Rect<f64>> {
    Ok(with_margin(
        crate::territory::Territory::load(dir)?.bbox(),
        DEFAULT_MARGIN_M,
    ))
}

/// Run `network …`.
pub fn run_network(cmd: NetworkCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        NetworkCommand::Import(a) => run_import(a),
        NetworkCommand::Info(a) => run_info(a),
    }
}

fn run_import(a: ImportArgs) -> anyhow::Result<ExitCode> {
    let dir = a.data.resolve();
    let clip = if a.no_clip {
        None
    } else if let Some(b) = &a.bbox {
        Some(parse_bbox(b)?)
    } else {
        Some(default_clip(&dir)?)
    };
    let out = a.out.clone().unwrap_or_else(|| dir.join(GRAPH_FILE));
    let profile = Profile::parse(&a.profile)
        .ok_or_else(|| anyhow::anyhow!("--profile {:?}: expected truck or car", a.profile))?;
    let mut opts = ImportOptions::for_profile(profile);
    opts.clip = clip;
    if let Some(x) = a.signal_penalty {
        opts.signal_penalty_s = x;
    }
    opts.intersection_penalty_s = a.intersection_penalty;
    let s = if a.json {
        import_pbf(&a.file, &out, &opts)?
    } else {
        import_pbf_with(&a.file, &out, &opts, &super::progress::Bar::default())?
    };
    let ts = &s.turn_stats;
    if a.json {
        println!(
            "{}",
            json!({
                "path": s.path, "nodes": s.nodes, "edges": s.edges, "ch_arcs": s.ch_arcs,
                "ch_core_nodes": s.ch_core_nodes,
                "ways": s.ways, "seconds": s.seconds, "profile": s.profile.as_str(),
                "turns": s.turns, "restrictions_applied": ts.restrictions_applied,
                "restrictions_unmatched": ts.restrictions_unmatched,
                "restrictions_via_way_applied": ts.via_way_applied,
                "restrictions_via_way_skipped": ts.via_way_skipped,
                "restrictions_conditional_skipped": ts.conditional_skipped,
            })
        );
    } else {
        println!(
            "{}: profile {}, {} nodes, {} edges, {} turns ({} ways kept, {} hierarchy arcs) \
             in {:.2} s",
            s.path.display(),
            s.profile.as_str(),
            s.nodes,
            s.edges,
            s.turns,
            s.ways,
            s.ch_arcs,
            s.seconds
        );
        if s.ch_core_nodes > 0 {
            println!(
                "hierarchy core: {} nodes left uncontracted (a network without road hierarchy, \
                 such as a grid; routes and matrices cross the core like Dijkstra, more slowly)",
                s.ch_core_nodes
            );
        }
        println!(
            "turn restrictions: {} applied, {} not matching the graph; via a way: {} applied, \
             {} not applied (several via ways, or no via path); {} conditional (read, not \
             applied)",
            ts.restrictions_applied,
            ts.restrictions_unmatched,
            ts.via_way_applied,
            ts.via_way_skipped,
            ts.conditional_skipped
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_info(a: InfoArgs) -> anyhow::Result<ExitCode> {
    let dir = a.data.resolve();
    let path = dir.join(GRAPH_FILE);
    if !path.is_file() {
        if a.json {
            println!(
                "{}",
                json!({"graph": null, "method": "crow_flies", "path": path})
            );
        } else {
            println!(
                "no graph: crow-flies fallback ({} not found)",
                path.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let r = RoadRouter::open(&path)?;
    let bbox = r.graph.bbox();
    let m = &r.meta;
    if a.json {
        println!(
            "{}",
            json!({
                "path": path, "method": "road", "version": m.version, "source": m.source,
                "imported_unix_s": m.imported_unix_s,
                "imported": utc_iso8601(m.imported_unix_s), "nodes": r.graph.nodes.len(),
                "edges": r.graph.edges.len(), "bbox": bbox, "clip": m.clip,
                "ch_arcs": r.ch.fwd.len() + r.ch.bwd.len(),
                "ch_core_nodes": r.ch.core_size(), "profile": m.profile.as_str(),
                "turns": r.turns.len(), "signal_penalty_s": m.signal_penalty_s,
            })
        );
    } else {
        println!("graph file   {} (version {})", path.display(), m.version);
        println!("source       {}", m.source);
        println!("profile      {}", m.profile.as_str());
        println!("imported     {}", utc_iso8601(m.imported_unix_s));
        println!("nodes        {}", r.graph.nodes.len());
        println!("edges        {}", r.graph.edges.len());
        println!("turns        {}", r.turns.len());
        if r.ch.core_size() > 0 {
            println!(
                "core         {} nodes left uncontracted (no road hierarchy: slower queries)",
                r.ch.core_size()
            );
        }
        if let Some(b) = bbox {
            println!(
                "bbox         {:.5},{:.5},{:.5},{:.5}",
                b[0], b[1], b[2], b[3]
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn snapped_json(s: &Snapped, name: Option<&str>) -> Value {
    let mut v = json!({
        "location": [s.location.x(), s.location.y()],
        "distance": s.distance_m,
    });
    if let Some(n) = name {
        v["name"] = json!(n);
    }
    v
}

fn finite(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// Run `route`.
pub fn run_route(a: RouteArgs) -> anyhow::Result<ExitCode> {
    let rs = a.routing.routers(&a.data.resolve())?;
    let (from, to) = (Point::new(a.lon1, a.lat1), Point::new(a.lon2, a.lat2));
    let r = rs.router.route(from, to)?;
    // The limits the vehicle breaks on the route it would take without them.
    let shaped: Vec<String> = match &rs.vehicle {
        Some((_, v)) => rs
            .base
            .limits_on_route(from, to, v)
            .iter()
            .map(|b| b.to_string())
            .collect(),
        None => Vec::new(),
    };
    if a.json {
        let coords: Vec<[f64; 2]> = r.geometry.0.iter().map(|c| [c.x, c.y]).collect();
        println!(
            "{}",
            json!({
                "distance_m": r.distance_m,
                "duration_s": r.duration_s,
                "method": r.method.as_str(),
                "geometry": {"type": "LineString", "coordinates": coords},
                "from": snapped_json(&r.from, None),
                "to": snapped_json(&r.to, None),
                "snap_distance_m": [r.from.distance_m, r.to.distance_m],
                "vehicle": rs.vehicle.as_ref().map(|(id, v)| json!({"id": id, "size": v})),
                "limits_avoided": shaped,
            })
        );
    } else {
        println!(
            "{:.0} m, {:.0} s ({:.1} min), method {}, snapped {:.0} m / {:.0} m",
            r.distance_m,
            r.duration_s,
            r.duration_s / 60.0,
            r.method.as_str(),
            r.from.distance_m,
            r.to.distance_m
        );
        if let Some((id, v)) = &rs.vehicle {
            println!(
                "vehicle {id} ({}): {}",
                v.describe(),
                if shaped.is_empty() {
                    "no legal limit changed the route".to_owned()
                } else {
                    format!("avoided {}", shaped.join("; "))
                }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A point read from a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvPoint {
    /// Position.
    pub point: Point<f64>,
    /// The `id` column, if any.
    pub id: Option<String>,
}

/// Read `lon,lat[,id]` points; errors name the file, line and column.
pub fn read_points_csv(path: &Path) -> crate::Result<Vec<CsvPoint>> {
    let err = |loc: Location, field: Option<&str>, msg: String| -> crate::Error {
        InputError::new(path, loc, field, msg).into()
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| err(Location::File, None, e.to_string()))?;
    let headers = rdr
        .headers()
        .map_err(|e| err(Location::Line(1), None, e.to_string()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(ilon), Some(ilat)) = (col("lon"), col("lat")) else {
        return Err(err(
            Location::Line(1),
            None,
            "the header must have columns `lon` and `lat`".into(),
        ));
    };
    let iid = col("id");
    let mut out = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = rec
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(k as u64 + 2, |p| p.line());
        let rec = rec.map_err(|e| err(Location::Line(line), None, e.to_string()))?;
        let num = |i: usize, name: &str, range: std::ops::RangeInclusive<f64>| {
            let s = rec.get(i).unwrap_or("");
            s.parse::<f64>()
                .ok()
                .filter(|x| range.contains(x))
                .ok_or_else(|| {
                    err(
                        Location::Line(line),
                        Some(name),
                        format!("{s:?} is not a valid {name}"),
                    )
                })
        };
        let lon = num(ilon, "lon", -180.0..=180.0)?;
        let lat = num(ilat, "lat", -90.0..=90.0)?;
        out.push(CsvPoint {
            point: Point::new(lon, lat),
            id: iid.and_then(|i| rec.get(i)).map(str::to_owned),
        });
    }
    Ok(out)
}

/// Run `matrix`.
pub fn run_matrix(a: MatrixArgs) -> anyhow::Result<ExitCode> {
    let pts = read_points_csv(&a.csv)?;
    let rs = a.routing.routers(&a.data.resolve())?;
    let p: Vec<Point<f64>> = pts.iter().map(|x| x.point).collect();
    let t = rs.router.table(&p, &p).map_err(|e| {
        // Name the CSV line of a point that could not be snapped.
        let msg = e.to_string();
        let line = msg
            .split_whitespace()
            .nth(1)
            .and_then(|i| i.parse::<usize>().ok())
            .map(|i| format!(" (CSV line {})", i + 2))
            .unwrap_or_default();
        anyhow::anyhow!("{}: {msg}{line}", a.csv.display())
    })?;
    let n = t.rows();
    if a.json {
        let rows = |f: &dyn Fn(usize, usize) -> f64| -> Vec<Vec<Value>> {
            (0..n)
                .map(|i| (0..t.cols()).map(|j| finite(f(i, j))).collect())
                .collect()
        };
        let names: Vec<Option<&str>> = pts.iter().map(|x| x.id.as_deref()).collect();
        println!(
            "{}",
            json!({
                "code": "Ok",
                "method": t.method().as_str(),
                "vehicle": rs.vehicle.as_ref().map(|(id, v)| json!({"id": id, "size": v})),
                "durations": rows(&|i, j| t.duration_s(i, j)),
                "distances": rows(&|i, j| t.distance_m(i, j)),
                "sources": t.sources.iter().zip(&names).map(|(s, n)| snapped_json(s, *n)).collect::<Vec<_>>(),
                "destinations": t.destinations.iter().zip(&names).map(|(s, n)| snapped_json(s, *n)).collect::<Vec<_>>(),
            })
        );
    } else {
        println!(
            "method {} — durations (s) / distances (m)",
            t.method().as_str()
        );
        for (i, pt) in pts.iter().enumerate().take(n) {
            let cells: Vec<String> = (0..t.cols())
                .map(|j| format!("{:.0}/{:.0}", t.duration_s(i, j), t.distance_m(i, j)))
                .collect();
            let name = pt.id.clone().unwrap_or_else(|| i.to_string());
            println!("{name}\t{}", cells.join("\t"));
        }
    }
    Ok(ExitCode::SUCCESS)
}
