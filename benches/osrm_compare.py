#!/usr/bin/env python3
"""Side-by-side check of boucle's road matrices against OSRM (car profile, CH).

Usage (needs the `osrm-bindings` wheel, Python >= 3.12, which ships osrm-extract/contract/routed
and the Lua profiles):
    python3.12 -m venv .osrmenv && .osrmenv/bin/pip install osrm-bindings
    cargo build --release
    .osrmenv/bin/python benches/osrm_compare.py ../shared/osm/osrm_monaco.osm.pbf [--points 33] [--seed 1]

Steps: osrm-extract + osrm-contract (timed) and `boucle network import --no-clip --profile car`
(timed; the car profile is boucle's reading of OSRM's car.lua, for an apples-to-apples comparison;
boucle's own default is the truck profile) on the same extract; osrm-routed on 127.0.0.1 only; seeded random points inside the graph's box, snapped
by OSRM's /nearest so that both tools start from the same road positions; then an N x N table
from both (N*(N-1) off-diagonal pairs, 33 points -> 1,056 pairs) and the share of pairs whose
distance is within 0.5 % of OSRM's, and the median duration ratio.

Cause breakdown of the pairs outside 0.5 % (cheap, from the two tables): `near_tie` when the two
durations are within 1 % (both found routes of about the same cost: equal-cost alternatives or
small weight differences), `boucle_faster` / `boucle_slower` otherwise (a road, turn or access that
one tool allows or prices differently). Points where boucle's table position is more than 10 m
from OSRM's table position (a road one graph has and the other lacks) are left out and listed. For the worst
mismatches, `--geometry N` also fetches OSRM's /route (overview=full) and boucle's route and prints
the share of each route's points lying within 20 m of the other.

Valhalla (PyPI `pyvalhalla`, in-process, `auto` costing), when it is installed in the same venv
(`.osrmenv/bin/pip install pyvalhalla`; `--no-valhalla` skips it): its tiles are built from the
same extract (timed), its matrix on the same points is timed in-process, and the output gives the
share of pairs where boucle's distance, and OSRM's, is within 0.5 % of Valhalla's (how far two
established engines agree on the same data) and the median duration ratios. Valhalla's `auto`
model is not OSRM's car.lua, so it is a second opinion, not the reference.

Peak memory (max RSS, via /usr/bin/time) of boucle's import, osrm-extract, osrm-contract and
valhalla_build_tiles is reported beside their times.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def osrm_home():
    import osrm  # noqa: F401  (from osrm-bindings)
    return os.path.dirname(osrm.__file__)


PEAK_KB = {}


def run(cmd, name=None, **kw):
    """Runs cmd, returns its wall time in s; its peak memory (KiB) goes to PEAK_KB[name]."""
    t0 = time.time()
    if name and os.path.exists("/usr/bin/time"):
        fd, out = tempfile.mkstemp(suffix=".rss")
        os.close(fd)
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + cmd, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        dt = time.time() - t0
        with open(out) as f:
            PEAK_KB[name] = int(f.read().strip().splitlines()[-1])
        os.remove(out)
        return dt
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.time() - t0


def valhalla_table(pbf, work, pts):
    """Valhalla tiles from pbf (timed) and its in-process matrix on pts: (build s, matrix ms,
    distances m, durations s), or None when pyvalhalla is not installed."""
    try:
        from valhalla import Actor, get_config
    except ImportError:
        return None
    vw = os.path.join(work, "valhalla")
    os.makedirs(os.path.join(vw, "tiles"))
    tar = os.path.join(vw, "tiles.tar")
    open(tar, "w").close()  # get_config wants an existing extract path; tiles are read from the dir
    cfg = get_config(tile_extract=tar, tile_dir=os.path.join(vw, "tiles"))
    os.remove(tar)
    cfg_path = os.path.join(vw, "config.json")
    with open(cfg_path, "w") as f:
        json.dump(cfg, f)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    t_build = run([sys.executable, "-m", "valhalla", "valhalla_build_tiles", "-c", cfg_path, pbf],
                  name="valhalla_build_tiles", env=env, cwd=vw)
    actor = Actor(cfg)
    locs = [{"lon": p[0], "lat": p[1]} for p in pts]
    q = json.dumps({"sources": locs, "targets": locs, "costing": "auto", "units": "kilometers"})
    actor.matrix(q)  # warm-up (tile cache)
    t0 = time.perf_counter()
    r = json.loads(actor.matrix(q))
    t_matrix = (time.perf_counter() - t0) * 1000.0
    n = len(pts)
    dist = [[None] * n for _ in range(n)]
    dur = [[None] * n for _ in range(n)]
    for row in r["sources_to_targets"]:
        for c in row:
            if c.get("distance") is not None and c.get("time") is not None:
                dist[c["from_index"]][c["to_index"]] = c["distance"] * 1000.0
                dur[c["from_index"]][c["to_index"]] = c["time"]
    return t_build, t_matrix, dist, dur


def get(url):
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pbf")
    ap.add_argument("--points", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--port", type=int, default=5077)
    ap.add_argument("--profile", default="car",
                    help="boucle profile to import with (default car: OSRM's car.lua model, "
                         "for an apples-to-apples comparison; boucle's own default is truck)")
    ap.add_argument("--import-args", default="", help="extra `network import` options")
    ap.add_argument("--osrm-extract-args", default="",
                    help="extra osrm-extract options, e.g. `--small-component-size 100` (OSRM snaps "
                         "points on components smaller than this, 1000 edge-based nodes by default, "
                         "to the nearest big one; on an extract smaller than that nothing is big)")
    ap.add_argument("--geometry", type=int, default=0,
                    help="compare route geometries of the N worst mismatches")
    ap.add_argument("--boucle", default=os.path.join(ROOT, "target", "release", "boucle"))
    ap.add_argument("--no-valhalla", action="store_true", help="skip Valhalla even if installed")
    a = ap.parse_args()

    home = osrm_home()
    work = tempfile.mkdtemp(prefix="osrm_compare_")
    # OSRM tells PBF from XML by the file name; keep the input's (.osm.pbf or .osm).
    pbf = os.path.join(work, "x.osm" if a.pbf.endswith(".osm") else "x.osm.pbf")
    shutil.copy(a.pbf, pbf)
    t_extract = run([os.path.join(home, "bin", "osrm-extract"), "-p",
                     os.path.join(home, "share", "profiles", "car.lua"), pbf]
                    + a.osrm_extract_args.split(), name="osrm_extract", cwd=work)
    t_contract = run([os.path.join(home, "bin", "osrm-contract"), os.path.join(work, "x.osrm")],
                     name="osrm_contract", cwd=work)
    graph_dir = os.path.join(work, "boucle")
    os.makedirs(graph_dir)
    t_boucle = run([a.boucle, "network", "import", a.pbf, "--no-clip", "--json",
                    "--profile", a.profile, "--data", graph_dir] + a.import_args.split(),
                   name="boucle_import")
    info = json.loads(subprocess.check_output([a.boucle, "network", "info", "--json", "--data", graph_dir]))
    w, s, e, n = info["bbox"]

    routed = subprocess.Popen([os.path.join(home, "bin", "osrm-routed"), "--algorithm", "ch",
                               "-i", "127.0.0.1", "-p", str(a.port), os.path.join(work, "x.osrm")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{a.port}"
    try:
        for _ in range(100):
            try:
                get(f"{base}/nearest/v1/driving/{(w + e) / 2},{(s + n) / 2}")
                break
            except Exception:
                time.sleep(0.1)
        rng = random.Random(a.seed)
        pts = []
        while len(pts) < a.points:
            lon, lat = rng.uniform(w, e), rng.uniform(s, n)
            r = get(f"{base}/nearest/v1/driving/{lon:.6f},{lat:.6f}")
            if r.get("code") == "Ok" and r["waypoints"][0]["distance"] < 200:
                pts.append(r["waypoints"][0]["location"])
        coords = ";".join(f"{p[0]:.6f},{p[1]:.6f}" for p in pts)
        o = get(f"{base}/table/v1/driving/{coords}?annotations=duration,distance")
        v = None if a.no_valhalla else valhalla_table(pbf, work, pts)
        report(a, o, pts, work, graph_dir, base, t_extract, t_contract, t_boucle, v)
    finally:
        routed.terminate()
        routed.wait()
    shutil.rmtree(work, ignore_errors=True)


def valhalla_summary(v, o, b, ok, n):
    """boucle and OSRM against Valhalla on the pairs compared with OSRM."""
    if v is None:
        return "not installed (pip install pyvalhalla) or skipped"
    t_build, t_matrix, vd, vt = v
    pairs, b_in, o_in, b_ratio, o_ratio = 0, 0, 0, [], []
    for i in range(n):
        for j in range(n):
            if i == j or not (ok[i] and ok[j]):
                continue
            d, t = vd[i][j], vt[i][j]
            bd, od = b["distances"][i][j], o["distances"][i][j]
            if d is None or bd is None or od is None or d <= 0:
                continue
            pairs += 1
            b_in += abs(bd - d) <= 0.005 * d
            o_in += abs(od - d) <= 0.005 * d
            if t:
                b_ratio.append(b["durations"][i][j] / t)
                o_ratio.append(o["durations"][i][j] / t)
    return {
        "build_tiles_s": round(t_build, 2),
        "matrix_ms_in_process": round(t_matrix, 1),
        "pairs": pairs,
        "boucle_distance_within_0.5pct_of_valhalla": round(b_in / max(pairs, 1), 4),
        "osrm_distance_within_0.5pct_of_valhalla": round(o_in / max(pairs, 1), 4),
        "median_duration_ratio_boucle_over_valhalla": round(statistics.median(b_ratio), 4) if b_ratio else None,
        "median_duration_ratio_osrm_over_valhalla": round(statistics.median(o_ratio), 4) if o_ratio else None,
    }


def near_share(line_a, line_b, tol_m=20.0):
    """Share of the points of line_a within tol_m of a vertex or segment of line_b."""
    import math
    if not line_a or not line_b:
        return 0.0
    lat0 = math.radians(line_a[0][1])
    kx, ky = 111_320.0 * math.cos(lat0), 110_574.0
    b = [(x * kx, y * ky) for x, y in line_b]
    hits = 0
    for x, y in line_a:
        px, py = x * kx, y * ky
        best = float("inf")
        for (x1, y1), (x2, y2) in zip(b, b[1:] or b):
            dx, dy = x2 - x1, y2 - y1
            L = dx * dx + dy * dy
            t = 0.0 if L == 0 else max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / L))
            d = math.hypot(px - (x1 + t * dx), py - (y1 + t * dy))
            best = min(best, d)
            if best <= tol_m:
                break
        hits += best <= tol_m
    return hits / len(line_a)


def report(a, o, pts, work, graph_dir, base, t_extract, t_contract, t_boucle, v=None):
    csv = os.path.join(work, "points.csv")
    with open(csv, "w") as f:
        f.write("id,lon,lat\n")
        for i, p in enumerate(pts):
            f.write(f"p{i},{p[0]},{p[1]}\n")
    b = json.loads(subprocess.check_output([a.boucle, "matrix", "--csv", csv, "--json",
                                            "--max-snap", "100000", "--data", graph_dir]))
    # Both tools route a point from where their table snaps it: OSRM moves points that /nearest
    # put on a tiny disconnected piece to the nearest road of the big component, as boucle's
    # largest-component graph does. A point is compared when the two table positions are within
    # 10 m; the others (a road one graph has and the other lacks) are left out and listed.
    def gap_m(p, q):
        import math
        kx = 111_320.0 * math.cos(math.radians(p[1]))
        return math.hypot((p[0] - q[0]) * kx, (p[1] - q[1]) * 110_574.0)
    ok = [gap_m(src["location"], o["sources"][i]["location"]) <= 10.0
          for i, src in enumerate(b["sources"])]
    within, ratios, n_pairs, worst = 0, [], 0, []
    causes = {"near_tie": 0, "boucle_faster": 0, "boucle_slower": 0}
    for i in range(len(pts)):
        for j in range(len(pts)):
            if i == j or not (ok[i] and ok[j]):
                continue
            od, bd = o["distances"][i][j], b["distances"][i][j]
            ot, bt = o["durations"][i][j], b["durations"][i][j]
            if od is None or bd is None or od <= 0:
                continue
            n_pairs += 1
            if abs(bd - od) <= 0.005 * od:
                within += 1
            else:
                worst.append((abs(bd - od) / od, pts[i], pts[j], round(bd), round(od), round(bt), round(ot)))
                if ot and bt and abs(bt - ot) <= 0.01 * ot:
                    causes["near_tie"] += 1
                elif bt < ot:
                    causes["boucle_faster"] += 1
                else:
                    causes["boucle_slower"] += 1
            if ot and bt:
                ratios.append(bt / ot)
    print(json.dumps({
        "extract": os.path.basename(a.pbf),
        "boucle_profile": a.profile,
        "points": len(pts),
        "points_on_both_graphs": sum(ok),
        # For each left-out point: how many of its OSRM table cells (to and from the other
        # points) have a route; 0 means OSRM cannot route it either (a disconnected piece).
        "points_left_out": [{"point": pts[i], "boucle_snap_m": round(src["distance"], 1),
                             "gap_between_table_positions_m": round(
                                 gap_m(src["location"], o["sources"][i]["location"]), 1),
                             "osrm_routable_cells": sum(
                                 (o["distances"][i][j] is not None) + (o["distances"][j][i] is not None)
                                 for j in range(len(pts)) if j != i)}
                            for i, src in enumerate(b["sources"]) if not ok[i]],
        "pairs": n_pairs,
        "distance_within_0.5pct_share": round(within / max(n_pairs, 1), 4),
        "median_duration_ratio_boucle_over_osrm": round(statistics.median(ratios), 4) if ratios else None,
        "mismatch_causes": causes,
        "osrm_extract_s": round(t_extract, 3),
        "osrm_contract_s": round(t_contract, 3),
        "boucle_import_s": round(t_boucle, 3),
        "boucle_import_share_of_osrm": round(t_boucle / max(t_extract + t_contract, 1e-9), 4),
        "peak_memory_mib": {k: round(kb / 1024, 1) for k, kb in PEAK_KB.items()},
        "method": b["method"],
        "valhalla": valhalla_summary(v, o, b, ok, len(pts)),
    }, indent=1))
    if os.environ.get("OSRM_COMPARE_DEBUG"):
        for x in sorted(worst, reverse=True)[:8]:
            rel, f, t, bd, od, bt, ot = x
            print(f"mismatch rel={rel:.3f} from {f} to {t}: boucle {bd} m / {bt} s, osrm {od} m / {ot} s")
        below = sum(1 for x in worst if x[3] < x[4])
        print(f"mismatches: {len(worst)}, boucle shorter in {below}")
    for x in sorted(worst, reverse=True)[:a.geometry]:
        rel, f, t, bd, od, bt, ot = x
        r = get(f"{base}/route/v1/driving/{f[0]:.6f},{f[1]:.6f};{t[0]:.6f},{t[1]:.6f}"
                "?overview=full&geometries=geojson")
        og = r["routes"][0]["geometry"]["coordinates"]
        bj = json.loads(subprocess.check_output([a.boucle, "route", str(f[0]), str(f[1]), str(t[0]),
                                                 str(t[1]), "--json", "--max-snap", "100000",
                                                 "--data", graph_dir]))
        bg = bj["geometry"]["coordinates"]
        print(f"geometry {f} -> {t}: boucle {bd} m / {bt} s, osrm {od} m / {ot} s; "
              f"osrm points on boucle's route {near_share(og, bg):.0%}, "
              f"boucle points on osrm's route {near_share(bg, og):.0%}")
        if os.environ.get("OSRM_COMPARE_DEBUG"):
            print("  osrm:", json.dumps([[round(x, 5), round(y, 5)] for x, y in og]))
            print("  boucle:", json.dumps([[round(x, 5), round(y, 5)] for x, y in bg]))


if __name__ == "__main__":
    sys.exit(main())
