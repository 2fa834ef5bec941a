//! Benchmark instance readers: TSPLIB / CVRPLIB CVRP files (EUC_2D, distances rounded to the
//! nearest integer as CVRPLIB does) and Solomon VRPTW text files (real-valued Euclidean
//! distances, travel time = distance).
//!
//! Every malformed file gives an [`FormatError`] naming the file, the line and the field.

use std::path::{Path, PathBuf};

use super::model::{Problem, Stop, TimeWindow, VehicleType};
use crate::error::{Error, FormatError};
use crate::matrix::{DenseMatrix, Method};

/// Which benchmark format an instance came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchFormat {
    /// TSPLIB / CVRPLIB CVRP.
    Cvrplib,
    /// Solomon VRPTW.
    Solomon,
}

/// A benchmark instance ready to solve.
#[derive(Debug, Clone)]
pub struct BenchInstance {
    /// Instance name.
    pub name: String,
    /// Source format.
    pub format: BenchFormat,
    /// The routing problem (one vehicle type, cost = distance).
    pub problem: Problem,
    /// Distances and travel times between the file's nodes (file order, depot included).
    pub matrix: DenseMatrix,
    /// The file's identifier of each stop of `problem.stops`.
    pub ids: Vec<usize>,
}

/// Reads a CVRPLIB or Solomon file, detecting the format from its content.
pub fn read(path: &Path) -> Result<BenchInstance, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let is_cvrplib = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.contains(':'));
    if is_cvrplib {
        Ok(parse_cvrplib(path, &text)?)
    } else {
        Ok(parse_solomon(path, &text)?)
    }
}

fn euclid(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn matrix(coords: &[(f64, f64)], round: bool) -> DenseMatrix {
    let n = coords.len();
    let mut d = Vec::with_capacity(n * n);
    for &a in coords {
        for &b in coords {
            let x = euclid(a, b);
            d.push(if round { x.round() } else { x });
        }
    }
    DenseMatrix {
        rows: n,
        cols: n,
        durations_s: d.clone(),
        distances_m: d,
        method: Method::CrowFlies,
    }
}

struct Ctx<'a> {
    file: &'a Path,
}

impl Ctx<'_> {
    fn err(&self, line: usize, field: &str, msg: impl Into<String>) -> FormatError {
        FormatError::new(PathBuf::from(self.file), line as u64, field, msg)
    }
    fn num(&self, line: usize, field: &str, s: &str) -> Result<f64, FormatError> {
        s.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| self.err(line, field, format!("expected a number, found `{s}`")))
    }
    fn int(&self, line: usize, field: &str, s: &str) -> Result<i64, FormatError> {
        s.parse::<i64>()
            .map_err(|_| self.err(line, field, format!("expected an integer, found `{s}`")))
    }
}

/// Parses a CVRPLIB CVRP file (`text` read from `file`).
pub fn parse_cvrplib(file: &Path, text: &str) -> Result<BenchInstance, FormatError> {
    let cx = Ctx { file };
    #[derive(PartialEq)]
    enum Sec {
        Header,
        Coords,
        Demands,
        Depots,
        End,
    }
    let mut sec = Sec::Header;
    let mut name = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut dim: Option<(usize, usize)> = None;
    let mut capacity: Option<f64> = None;
    let mut vehicles: Option<usize> = None;
    let mut max_distance: Option<f64> = None;
    let mut service = 0.0;
    let mut coords: Vec<Option<(f64, f64)>> = Vec::new();
    let mut demands: Vec<Option<f64>> = Vec::new();
    let mut depots: Vec<usize> = Vec::new();
    let need_dim = |dim: Option<(usize, usize)>, line: usize, sec: &str| {
        dim.map(|d| d.0)
            .ok_or_else(|| cx.err(line, "DIMENSION", format!("missing before {sec}")))
    };
    for (i, raw) in text.lines().enumerate() {
        let ln = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let upper = line.to_ascii_uppercase();
        let keyword = upper
            .split(|c: char| c == ':' || c.is_whitespace())
            .next()
            .unwrap_or("");
        match keyword {
            "NODE_COORD_SECTION" => {
                need_dim(dim, ln, "NODE_COORD_SECTION")?;
                sec = Sec::Coords;
                continue;
            }
            "DEMAND_SECTION" => {
                need_dim(dim, ln, "DEMAND_SECTION")?;
                sec = Sec::Demands;
                continue;
            }
            "DEPOT_SECTION" => {
                sec = Sec::Depots;
                continue;
            }
            "EOF" => {
                sec = Sec::End;
                continue;
            }
            "EDGE_WEIGHT_SECTION" => {
                return Err(cx.err(
                    ln,
                    "EDGE_WEIGHT_SECTION",
                    "explicit edge weights are not supported (EUC_2D only)",
                ));
            }
            _ => {}
        }
        match sec {
            Sec::Header => {
                let Some((k, v)) = line.split_once(':') else {
                    return Err(cx.err(
                        ln,
                        "header",
                        format!("expected `KEY : VALUE`, found `{line}`"),
                    ));
                };
                let key = k.trim().to_ascii_uppercase();
                let v = v.trim();
                match key.as_str() {
                    "NAME" => name = v.to_owned(),
                    "TYPE" if !v.eq_ignore_ascii_case("CVRP") => {
                        return Err(cx.err(
                            ln,
                            "TYPE",
                            format!("only CVRP is supported, found `{v}`"),
                        ));
                    }
                    "DIMENSION" => {
                        let d = cx.int(ln, "DIMENSION", v)?;
                        if d < 2 {
                            return Err(cx.err(
                                ln,
                                "DIMENSION",
                                format!("must be at least 2 (a depot and a customer), found {d}"),
                            ));
                        }
                        // Each node needs a coordinate line: a DIMENSION larger than the
                        // file's line count cannot be right, and must not size an allocation.
                        let lines = text.lines().count();
                        if d as u64 > lines as u64 || d as u64 > MAX_DIMENSION as u64 {
                            return Err(cx.err(
                                ln,
                                "DIMENSION",
                                format!(
                                    "{d} nodes announced but the file has {lines} lines (at most one node per line, and at most {MAX_DIMENSION} nodes)"
                                ),
                            ));
                        }
                        let d = d as usize;
                        dim = Some((d, ln));
                        coords = vec![None; d];
                        demands = vec![None; d];
                    }
                    "EDGE_WEIGHT_TYPE" if !v.eq_ignore_ascii_case("EUC_2D") => {
                        return Err(cx.err(
                            ln,
                            "EDGE_WEIGHT_TYPE",
                            format!("only EUC_2D is supported, found `{v}`"),
                        ));
                    }
                    "CAPACITY" => {
                        let c = cx.num(ln, "CAPACITY", v)?;
                        if c <= 0.0 {
                            return Err(cx.err(
                                ln,
                                "CAPACITY",
                                format!("must be positive, found {v}"),
                            ));
                        }
                        capacity = Some(c);
                    }
                    "VEHICLES" => {
                        let k = cx.int(ln, "VEHICLES", v)?;
                        if k < 1 {
                            return Err(cx.err(
                                ln,
                                "VEHICLES",
                                format!("must be at least 1, found {k}"),
                            ));
                        }
                        vehicles = Some(k as usize);
                    }
                    "DISTANCE" => max_distance = Some(cx.num(ln, "DISTANCE", v)?),
                    "SERVICE_TIME" => service = cx.num(ln, "SERVICE_TIME", v)?,
                    _ => {}
                }
            }
            Sec::Coords => {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() != 3 {
                    return Err(cx.err(
                        ln,
                        "NODE_COORD_SECTION",
                        format!("expected `id x y`, found `{line}`"),
                    ));
                }
                let id = node_id(&cx, ln, "NODE_COORD_SECTION id", f[0], coords.len())?;
                let x = cx.num(ln, "NODE_COORD_SECTION x", f[1])?;
                let y = cx.num(ln, "NODE_COORD_SECTION y", f[2])?;
                if coords[id - 1].replace((x, y)).is_some() {
                    return Err(cx.err(
                        ln,
                        "NODE_COORD_SECTION id",
                        format!("node {id} given twice"),
                    ));
                }
            }
            Sec::Demands => {
                let f: Vec<&str> = line.split_whitespace().collect();
                if f.len() != 2 {
                    return Err(cx.err(
                        ln,
                        "DEMAND_SECTION",
                        format!("expected `id demand`, found `{line}`"),
                    ));
                }
                let id = node_id(&cx, ln, "DEMAND_SECTION id", f[0], demands.len())?;
                let d = cx.num(ln, "DEMAND_SECTION demand", f[1])?;
                if d < 0.0 {
                    return Err(cx.err(
                        ln,
                        "DEMAND_SECTION demand",
                        format!("must be non-negative, found {d}"),
                    ));
                }
                if demands[id - 1].replace(d).is_some() {
                    return Err(cx.err(ln, "DEMAND_SECTION id", format!("node {id} given twice")));
                }
            }
            Sec::Depots => {
                let v = cx.int(ln, "DEPOT_SECTION", line)?;
                if v == -1 {
                    sec = Sec::End;
                    continue;
                }
                let id = node_id(&cx, ln, "DEPOT_SECTION", line, coords.len())?;
                depots.push(id);
            }
            Sec::End => {}
        }
    }
    let last = text.lines().count().max(1);
    let (n, dim_line) = dim.ok_or_else(|| cx.err(last, "DIMENSION", "missing"))?;
    let capacity = capacity.ok_or_else(|| cx.err(last, "CAPACITY", "missing"))?;
    if let Some(i) = coords.iter().position(Option::is_none) {
        return Err(cx.err(
            dim_line,
            "NODE_COORD_SECTION",
            format!("no coordinates for node {} (DIMENSION is {n})", i + 1),
        ));
    }
    if let Some(i) = demands.iter().position(Option::is_none) {
        return Err(cx.err(
            dim_line,
            "DEMAND_SECTION",
            format!("no demand for node {} (DIMENSION is {n})", i + 1),
        ));
    }
    let depot = match depots.as_slice() {
        [] => 1,
        [d] => *d,
        _ => return Err(cx.err(last, "DEPOT_SECTION", "only one depot is supported")),
    };
    let coords: Vec<(f64, f64)> = coords.into_iter().map(|c| c.expect("checked")).collect();
    let mut stops = Vec::new();
    let mut ids = Vec::new();
    for (i, d) in demands.iter().enumerate() {
        if i + 1 == depot {
            continue;
        }
        stops.push(Stop {
            location: i,
            demand: [d.expect("checked"), 0.0],
            service_s: service,
            time_window: None,
        });
        ids.push(i + 1);
    }
    let mut vt = VehicleType::simple("vehicle", depot - 1, [capacity, 0.0], 1000.0);
    vt.count = vehicles;
    vt.max_distance_m = max_distance;
    Ok(BenchInstance {
        name,
        format: BenchFormat::Cvrplib,
        problem: Problem {
            stops,
            vehicle_types: vec![vt],
            balance_cost_per_hour: 0.0,
        },
        matrix: matrix(&coords, true),
        ids,
    })
}

fn node_id(cx: &Ctx, ln: usize, field: &str, s: &str, n: usize) -> Result<usize, FormatError> {
    let id = cx.int(ln, field, s)?;
    if id < 1 || id as usize > n {
        return Err(cx.err(ln, field, format!("node {id} outside 1..={n} (DIMENSION)")));
    }
    Ok(id as usize)
}

/// Largest DIMENSION accepted in a CVRPLIB file.
pub const MAX_DIMENSION: usize = 1_000_000;

/// Parses a Solomon VRPTW file (`text` read from `file`).
pub fn parse_solomon(file: &Path, text: &str) -> Result<BenchInstance, FormatError> {
    let cx = Ctx { file };
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let last = text.lines().count().max(1);
    let Some(&(_, name)) = lines.first() else {
        return Err(cx.err(1, "name", "empty file"));
    };
    let find = |word: &str| {
        lines
            .iter()
            .position(|(_, l)| l.to_ascii_uppercase().starts_with(word))
    };
    let vi = find("VEHICLE").ok_or_else(|| cx.err(last, "VEHICLE", "section missing"))?;
    let (vl, vals) = lines
        .get(vi + 2)
        .copied()
        .ok_or_else(|| cx.err(last, "VEHICLE", "NUMBER and CAPACITY values missing"))?;
    let f: Vec<&str> = vals.split_whitespace().collect();
    if f.len() != 2 {
        return Err(cx.err(
            vl,
            "VEHICLE",
            format!("expected `NUMBER CAPACITY`, found `{vals}`"),
        ));
    }
    let number = cx.int(vl, "NUMBER", f[0])?;
    if number < 1 {
        return Err(cx.err(vl, "NUMBER", format!("must be at least 1, found {number}")));
    }
    let capacity = cx.num(vl, "CAPACITY", f[1])?;
    if capacity <= 0.0 {
        return Err(cx.err(
            vl,
            "CAPACITY",
            format!("must be positive, found {capacity}"),
        ));
    }
    let ci = find("CUSTOMER").ok_or_else(|| cx.err(last, "CUSTOMER", "section missing"))?;
    let mut start = ci + 1;
    if lines
        .get(start)
        .is_some_and(|(_, l)| l.to_ascii_uppercase().starts_with("CUST"))
    {
        start += 1;
    }
    const FIELDS: [&str; 7] = [
        "CUST NO.",
        "XCOORD.",
        "YCOORD.",
        "DEMAND",
        "READY TIME",
        "DUE DATE",
        "SERVICE TIME",
    ];
    let mut coords = Vec::new();
    let mut rows = Vec::new();
    for &(ln, l) in &lines[start.min(lines.len())..] {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() != 7 {
            return Err(cx.err(
                ln,
                "customer",
                format!(
                    "expected 7 columns ({}), found {}",
                    FIELDS.join(", "),
                    f.len()
                ),
            ));
        }
        let id = cx.int(ln, FIELDS[0], f[0])?;
        if id != rows.len() as i64 {
            return Err(cx.err(
                ln,
                FIELDS[0],
                format!(
                    "expected customer {} (0 is the depot, then in order), found {id}",
                    rows.len()
                ),
            ));
        }
        let mut v = [0.0; 6];
        for k in 0..6 {
            v[k] = cx.num(ln, FIELDS[k + 1], f[k + 1])?;
        }
        if v[2] < 0.0 || v[5] < 0.0 {
            return Err(cx.err(
                ln,
                if v[2] < 0.0 { FIELDS[3] } else { FIELDS[6] },
                "must be non-negative",
            ));
        }
        if v[3] > v[4] {
            return Err(cx.err(
                ln,
                FIELDS[5],
                format!("due date {} before ready time {}", v[4], v[3]),
            ));
        }
        coords.push((v[0], v[1]));
        rows.push(v);
    }
    if rows.len() < 2 {
        return Err(cx.err(
            last,
            "CUSTOMER",
            "needs the depot (0) and at least one customer",
        ));
    }
    let depot = rows[0];
    let stops = rows[1..]
        .iter()
        .map(|r| Stop {
            location: 0,
            demand: [r[2], 0.0],
            service_s: r[5],
            time_window: Some(TimeWindow {
                earliest_s: r[3],
                latest_s: r[4],
            }),
        })
        .enumerate()
        .map(|(i, mut s)| {
            s.location = i + 1;
            s
        })
        .collect();
    let mut vt = VehicleType::simple("vehicle", 0, [capacity, 0.0], 1000.0);
    vt.count = Some(number as usize);
    vt.shift = Some(TimeWindow {
        earliest_s: depot[3],
        latest_s: depot[4],
    });
    Ok(BenchInstance {
        name: name.to_owned(),
        format: BenchFormat::Solomon,
        problem: Problem {
            stops,
            vehicle_types: vec![vt],
            balance_cost_per_hour: 0.0,
        },
        matrix: matrix(&coords, false),
        ids: (1..rows.len()).collect(),
    })
}
