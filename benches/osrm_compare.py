#!/usr/bin/env python3
"""Side-by-side check of boucle's road matrices against OSRM (car profile, CH).

Usage (needs the `osrm-bindings` wheel, Python >= 3.12, which ships osrm-extract/contract/routed
and the Lua profiles):
    ~/.pyenv/versions/3.12*/bin/python -m venv /tmp/osrmenv && /tmp/osrmenv/bin/pip install osrm-bindings
    cargo build --release
    /tmp/osrmenv/bin/python benches/osrm_compare.py /work/shared/osm/osrm_monaco.osm.pbf [--points 33] [--seed 1]

Steps: osrm-extract + osrm-contract (timed) and `boucle network import --no-clip` (timed) on the
same extract; osrm-routed on 127.0.0.1 only; seeded random points inside the graph's box, snapped
by OSRM's /nearest so that both tools start from the same road positions; then an N x N table
from both (N*(N-1) off-diagonal pairs, 33 points -> 1,056 pairs) and the share of pairs whose
distance is within 0.5 % of OSRM's, and the median duration ratio.
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


def run(cmd, **kw):
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.time() - t0


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
    ap.add_argument("--boucle", default=os.path.join(ROOT, "target", "release", "boucle"))
    a = ap.parse_args()

    home = osrm_home()
    work = tempfile.mkdtemp(prefix="osrm_compare_")
    pbf = os.path.join(work, "x.osm.pbf")
    shutil.copy(a.pbf, pbf)
    t_extract = run([os.path.join(home, "bin", "osrm-extract"), "-p",
                     os.path.join(home, "share", "profiles", "car.lua"), pbf], cwd=work)
    t_contract = run([os.path.join(home, "bin", "osrm-contract"), os.path.join(work, "x.osrm")], cwd=work)
    graph_dir = os.path.join(work, "boucle")
    os.makedirs(graph_dir)
    t_boucle = run([a.boucle, "network", "import", a.pbf, "--no-clip", "--json",
                    "--profile", a.profile, "--data", graph_dir] + a.import_args.split())
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
    finally:
        routed.terminate()
        routed.wait()

    csv = os.path.join(work, "points.csv")
    with open(csv, "w") as f:
        f.write("id,lon,lat\n")
        for i, p in enumerate(pts):
            f.write(f"p{i},{p[0]},{p[1]}\n")
    b = json.loads(subprocess.check_output([a.boucle, "matrix", "--csv", csv, "--json",
                                            "--max-snap", "100000", "--data", graph_dir]))
    # Points that boucle's truck graph places elsewhere (roads OSRM's car profile has and the
    # truck profile or the largest-SCC filter drops) are left out of the comparison.
    ok = [src["distance"] <= 10.0 for src in b["sources"]]
    within, ratios, n_pairs, worst = 0, [], 0, []
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
            if ot and bt:
                ratios.append(bt / ot)
    print(json.dumps({
        "extract": os.path.basename(a.pbf),
        "points": len(pts),
        "points_on_both_graphs": sum(ok),
        "pairs": n_pairs,
        "distance_within_0.5pct_share": round(within / max(n_pairs, 1), 4),
        "median_duration_ratio_boucle_over_osrm": round(statistics.median(ratios), 4) if ratios else None,
        "osrm_extract_s": round(t_extract, 2),
        "osrm_contract_s": round(t_contract, 2),
        "boucle_import_s": round(t_boucle, 2),
        "method": b["method"],
    }, indent=1))
    if os.environ.get("OSRM_COMPARE_DEBUG"):
        for x in sorted(worst, reverse=True)[:8]:
            rel, f, t, bd, od, bt, ot = x
            print(f"mismatch rel={rel:.3f} from {f} to {t}: boucle {bd} m / {bt} s, osrm {od} m / {ot} s")
        below = sum(1 for x in worst if x[3] < x[4])
        print(f"mismatches: {len(worst)}, boucle shorter in {below}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
