#!/usr/bin/env python3
"""Compare boucle's VRP engine with PyVRP, VROOM and OR-Tools on CVRPLIB / Solomon instances.

Every solver runs on one thread with the same time budgets; every cost is recomputed here from
the returned routes (CVRPLIB: Euclidean distances rounded to the nearest integer; Solomon: real
Euclidean distances) after a feasibility check, and compared with bks.csv.

Usage:
    cargo build --release
    python3 -m venv .vrpenv && .vrpenv/bin/pip install pyvrp pyvroom ortools
    .vrpenv/bin/python benches/vrp_compare.py [--all] [--solomon] [--budgets 1,10]
        [--solvers boucle,pyvrp,vroom,ortools] [--bench-dir ../shared/bench]
        [--generated 500,1000 [--gen-variants uc,ue,cc,ce] [--gen-seed 1]]

Generated instances (--generated N,…): `boucle vrp generate` writes, for each size N, one CVRPLIB
instance per variant (u/c: uniform or clustered customers, c/e: central or eccentric depot), seed
--gen-seed. They have no best known solution: their gap is to the best cost any solver found in
this run at any budget (labelled "best of run").

Fleet (--fleet): the best-known solutions of the Augerat A, B and P sets use exactly the k
vehicles of the instance name (e.g. P-n55-k15: 15), while the files do not state a fleet; with an
unbounded fleet some of them have cheaper solutions with more routes, which are not solutions of
the BKS problem. By default (--fleet name) every solver gets k vehicles on A/B/P; X instances
(unbounded fleet in Uchoa et al. 2017, k is the minimum) and Solomon files (fleet in the file) keep
the file's fleet. --fleet file uses the file's fleet everywhere: a result below the BKS with more
routes than k is then flagged "other problem" and left out of the means.

boucle runs with its default stop, the clock (the time limit minus a small margin), like the
other solvers. Its own report gives the time it used against the time granted and, with the first
feasible solution's time, the summary at the end (PyVRP's time to its first feasible solution is
summed from its iteration statistics, setup excluded).

Size classes of the summary: n <= 250, 250 < n <= 500, 500 < n <= 1000 (n customers).

Solvers that cannot be imported are reported as unavailable. Exits with status 2 when the
benchmark folder is absent.
"""

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ANCHORS = ["A-n32-k5", "A-n80-k10", "B-n78-k10", "P-n101-k4", "X-n101-k25",
           "X-n157-k13", "X-n200-k36", "X-n303-k21"]
REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- instances

def read_cvrplib(path):
    coords, demands, cap, depot, vehicles = {}, {}, None, 1, None
    sec = None
    for line in Path(path).read_text().splitlines():
        s = line.strip()
        if not s:
            continue
        up = s.upper()
        if up.startswith("NODE_COORD_SECTION"):
            sec = "c"; continue
        if up.startswith("DEMAND_SECTION"):
            sec = "d"; continue
        if up.startswith("DEPOT_SECTION"):
            sec = "p"; continue
        if up.startswith("EOF"):
            break
        if sec is None:
            if ":" in s:
                k, v = s.split(":", 1)
                k = k.strip().upper()
                if k == "CAPACITY":
                    cap = float(v)
                elif k == "VEHICLES":
                    vehicles = int(v)
        elif sec == "c":
            i, x, y = s.split()
            coords[int(i)] = (float(x), float(y))
        elif sec == "d":
            i, d = s.split()
            demands[int(i)] = float(d)
        elif sec == "p":
            if int(s) != -1:
                depot = int(s)
    ids = sorted(coords)
    return {"kind": "cvrp", "ids": ids, "coords": coords, "demand": demands, "cap": cap,
            "depot": depot, "vehicles": vehicles,
            "customers": [i for i in ids if i != depot]}


def read_solomon(path):
    lines = [l.strip() for l in Path(path).read_text().splitlines() if l.strip()]
    vi = next(i for i, l in enumerate(lines) if l.upper().startswith("VEHICLE"))
    number, cap = lines[vi + 2].split()
    ci = next(i for i, l in enumerate(lines) if l.upper().startswith("CUSTOMER"))
    rows = [list(map(float, l.split())) for l in lines[ci + 2:]]
    coords = {int(r[0]): (r[1], r[2]) for r in rows}
    return {"kind": "vrptw", "ids": sorted(coords), "coords": coords,
            "demand": {int(r[0]): r[3] for r in rows}, "ready": {int(r[0]): r[4] for r in rows},
            "due": {int(r[0]): r[5] for r in rows}, "service": {int(r[0]): r[6] for r in rows},
            "cap": float(cap), "vehicles": int(number), "depot": 0,
            "customers": [int(r[0]) for r in rows[1:]]}


def dist(inst, a, b):
    (x1, y1), (x2, y2) = inst["coords"][a], inst["coords"][b]
    d = math.hypot(x1 - x2, y1 - y2)
    return float(round(d)) if inst["kind"] == "cvrp" else d


def evaluate(inst, routes):
    """Independent cost and feasibility of routes given as customer ids of the file."""
    errors = []
    seen = {}
    total = 0.0
    dep = inst["depot"]
    for r in routes:
        if not r:
            continue
        load = sum(inst["demand"][c] for c in r)
        if load > inst["cap"] + 1e-9:
            errors.append(f"route over capacity ({load} > {inst['cap']})")
        prev, t = dep, 0.0
        for c in r:
            seen[c] = seen.get(c, 0) + 1
            total += dist(inst, prev, c)
            if inst["kind"] == "vrptw":
                t = max(t + dist(inst, prev, c), inst["ready"][c])
                if t > inst["due"][c] + 1e-6:
                    errors.append(f"customer {c} served late")
                t += inst["service"][c]
            prev = c
        total += dist(inst, prev, dep)
        if inst["kind"] == "vrptw" and t + dist(inst, prev, dep) > inst["due"][dep] + 1e-6:
            errors.append("route returns after the depot closes")
    nroutes = sum(1 for r in routes if r)
    if inst.get("vehicles") and nroutes > inst["vehicles"]:
        errors.append(f"{nroutes} routes for {inst['vehicles']} vehicles")
    for c in inst["customers"]:
        if seen.get(c, 0) != 1:
            errors.append(f"customer {c} visited {seen.get(c, 0)} times")
            break
    return total, errors


# ---------------------------------------------------------------- solvers

BOUCLE = REPO / "target" / "release" / "boucle"
# What the last solver run reported besides its routes: seconds used, first feasible solution.
EXTRA = {}


def run_boucle(path, inst, budget, seed):
    exe = Path(BOUCLE)
    if not exe.exists():
        raise RuntimeError(f"{exe} missing: run `cargo build --release`")
    cmd = [str(exe), "vrp", "solve", str(path), "--time-limit", str(budget),
           "--seed", str(seed), "--json"]
    if inst.get("vehicles"):
        cmd += ["--vehicles", str(inst["vehicles"])]
    out = subprocess.run(cmd, capture_output=True, text=True,
                         env={**os.environ, "RAYON_NUM_THREADS": "1"}, timeout=budget * 5 + 60)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip()[-300:])
    js = json.loads(out.stdout)
    st = js.get("stats") or {}
    EXTRA["used_s"] = st.get("elapsed_s")
    EXTRA["first_feasible_s"] = st.get("first_feasible_s")
    return js["routes"]


def scale(inst):
    return 1 if inst["kind"] == "cvrp" else 100


def int_matrix(inst):
    ids, k = inst["ids"], scale(inst)
    return [[int(round(dist(inst, a, b) * k)) for b in ids] for a in ids]


def fleet_size(inst):
    if inst.get("vehicles"):
        return inst["vehicles"]
    total = sum(inst["demand"][c] for c in inst["customers"])
    return min(len(inst["customers"]), int(math.ceil(total / inst["cap"]) * 1.3) + 3)


def run_pyvrp(path, inst, budget, seed):
    import pyvrp
    from pyvrp.stop import MaxRuntime
    ids, k = inst["ids"], scale(inst)
    dep = inst["depot"]
    m = pyvrp.Model()
    vrptw = inst["kind"] == "vrptw"
    nveh = inst["vehicles"] or len(inst["customers"])
    late = int(inst["due"][dep] * k) if vrptw else None
    kw = {"num_available": nveh, "capacity": [int(inst["cap"])]}
    if vrptw:
        kw["tw_late"] = late
    try:
        m.add_vehicle_type(**kw)
    except TypeError:
        kw["capacity"] = int(inst["cap"])
        m.add_vehicle_type(**kw)
    def place(x, y):
        if hasattr(m, "add_location"):  # PyVRP >= 0.13: locations, then depots / clients
            return {"location": m.add_location(x=int(x), y=int(y))}
        return {"x": int(x), "y": int(y)}

    depot = m.add_depot(**place(*inst["coords"][dep]))
    nodes = {dep: depot}
    for c in inst["customers"]:
        ckw = {**place(*inst["coords"][c]), "delivery": [int(inst["demand"][c])]}
        if vrptw:
            ckw.update(service_duration=int(round(inst["service"][c] * k)),
                       tw_early=int(math.ceil(inst["ready"][c] * k)),
                       tw_late=int(math.floor(inst["due"][c] * k)))
        nodes[c] = m.add_client(**ckw)
    mat = int_matrix(inst)
    ends = {c: (m.locations[i] if hasattr(m, "add_location") else nodes[c]) for i, c in enumerate([dep] + inst["customers"])}
    row = {c: i for i, c in enumerate(ids)}
    for a in ids:
        for b in ids:
            if a != b:
                d = mat[row[a]][row[b]]
                m.add_edge(ends[a], ends[b], distance=d, duration=d)
    res = m.solve(stop=MaxRuntime(budget), seed=seed, display=False)
    EXTRA["used_s"] = getattr(res, "runtime", None)
    t = 0.0
    for rt, d in zip(res.stats.runtimes, res.stats.data):
        t += rt
        if d.best_feas:
            EXTRA["first_feasible_s"] = t
            break
    order = [dep] + inst["customers"]  # PyVRP numbers depots first, then clients
    def visits(r):
        if hasattr(r, "visits"):  # PyVRP < 0.13: location indices, depots first
            return [order[v] for v in r.visits()]
        # PyVRP >= 0.13: scheduled activities; client activities carry the client index.
        return [inst["customers"][a.idx] for a in r if a.is_client()]

    return [visits(r) for r in res.best.routes()]


def run_vroom(path, inst, budget, seed):
    import vroom
    ids, dep = inst["ids"], inst["depot"]
    pos = {c: i for i, c in enumerate(ids)}
    p = vroom.Input()
    p.set_durations_matrix(profile="car", matrix_input=int_matrix(inst))
    vrptw = inst["kind"] == "vrptw"
    k = scale(inst)
    for v in range(fleet_size(inst)):
        vkw = dict(id=v, start=pos[dep], end=pos[dep], capacity=[int(inst["cap"])])
        if vrptw:
            vkw["time_window"] = vroom.TimeWindow(0, int(inst["due"][dep] * k))
        p.add_vehicle(vroom.Vehicle(**vkw))
    for c in inst["customers"]:
        jkw = dict(id=c, location=pos[c], delivery=[int(inst["demand"][c])])
        if vrptw:
            jkw["default_service"] = int(round(inst["service"][c] * k))
            jkw["time_windows"] = [vroom.TimeWindow(int(math.ceil(inst["ready"][c] * k)),
                                                    int(math.floor(inst["due"][c] * k)))]
        p.add_job(vroom.Job(**jkw))
    try:
        import datetime
        sol = p.solve(exploration_level=5, nb_threads=1, timeout=datetime.timedelta(seconds=budget))
    except TypeError:
        sol = p.solve(exploration_level=5, nb_threads=1)
    df = sol.routes
    routes = {}
    for _, row in df.iterrows():
        if row["type"] == "job":
            routes.setdefault(row["vehicle_id"], []).append(int(row["id"]))
    return list(routes.values())


def run_ortools(path, inst, budget, seed):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2
    ids, dep = inst["ids"], inst["depot"]
    mat = int_matrix(inst)
    nveh = fleet_size(inst)
    man = pywrapcp.RoutingIndexManager(len(ids), nveh, ids.index(dep))
    model = pywrapcp.RoutingModel(man)
    cb = model.RegisterTransitCallback(lambda i, j: mat[man.IndexToNode(i)][man.IndexToNode(j)])
    model.SetArcCostEvaluatorOfAllVehicles(cb)
    dem = [int(inst["demand"][c]) for c in ids]
    dcb = model.RegisterUnaryTransitCallback(lambda i: dem[man.IndexToNode(i)])
    model.AddDimensionWithVehicleCapacity(dcb, 0, [int(inst["cap"])] * nveh, True, "load")
    if inst["kind"] == "vrptw":
        k = scale(inst)
        svc = [int(round(inst["service"][c] * k)) for c in ids]
        tcb = model.RegisterTransitCallback(
            lambda i, j: mat[man.IndexToNode(i)][man.IndexToNode(j)] + svc[man.IndexToNode(i)])
        horizon = int(inst["due"][dep] * k)
        model.AddDimension(tcb, horizon, horizon, False, "time")
        td = model.GetDimensionOrDie("time")
        for n, c in enumerate(ids):
            if c == dep:
                continue
            td.CumulVar(man.NodeToIndex(n)).SetRange(int(math.ceil(inst["ready"][c] * k)),
                                                     int(math.floor(inst["due"][c] * k)))
    sp = pywrapcp.DefaultRoutingSearchParameters()
    sp.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    sp.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    sp.time_limit.FromMilliseconds(int(budget * 1000))
    sol = model.SolveWithParameters(sp)
    if sol is None:
        raise RuntimeError("no solution")
    routes = []
    for v in range(nveh):
        i = model.Start(v)
        r = []
        i = sol.Value(model.NextVar(i))
        while not model.IsEnd(i):
            r.append(ids[man.IndexToNode(i)])
            i = sol.Value(model.NextVar(i))
        if r:
            routes.append(r)
    return routes


SIZE_CLASSES = [(0, 250, "<= 250"), (250, 500, "250-500"), (500, 1000, "500-1000")]

SOLVERS = {"boucle": run_boucle, "pyvrp": run_pyvrp, "vroom": run_vroom, "ortools": run_ortools}
IMPORTS = {"pyvrp": "pyvrp", "vroom": "vroom", "ortools": "ortools"}


def main():
    global BOUCLE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-dir", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "bench"),
                    help="CVRPLIB/Solomon instances and bks.csv (default: ../shared/bench beside the repository)")
    ap.add_argument("--all", action="store_true", help="every CVRPLIB instance of bks.csv")
    ap.add_argument("--solomon", action="store_true", help="add the Solomon instances")
    ap.add_argument("--budgets", default="1,10")
    ap.add_argument("--solvers", default="boucle,pyvrp,vroom,ortools")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--instances", help="comma-separated instance names (instead of the anchors)")
    ap.add_argument("--json-out", help="write every result to this JSON file")
    ap.add_argument("--boucle", default=str(BOUCLE), help="boucle binary (default: target/release/boucle)")
    ap.add_argument("--fleet", choices=["name", "file"], default="name",
                    help="A/B/P fleet: k of the instance name (default, the BKS problem) or the file's")
    ap.add_argument("--generated", default="",
                    help="sizes of generated instances to add, e.g. 500,1000 (boucle vrp generate)")
    ap.add_argument("--gen-variants", default="uc,ue,cc,ce",
                    help="generated variants: u/c customers uniform/clustered, c/e depot central/eccentric")
    ap.add_argument("--gen-seed", type=int, default=1)
    ap.add_argument("--gen-dir", default=None, help="where generated files go (default: a temporary folder)")
    ap.add_argument("--no-anchors", action="store_true", help="only the generated instances")
    a = ap.parse_args()
    BOUCLE = a.boucle
    bench = Path(a.bench_dir)
    bks_file = bench / "bks.csv"
    if not bks_file.is_file():
        print(f"error: benchmark folder {bench} (with bks.csv) is absent; pass --bench-dir",
              file=sys.stderr)
        sys.exit(2)
    rows = list(csv.DictReader(bks_file.open()))
    bks = {r["instance"]: r for r in rows}
    names = []
    if a.no_anchors:
        pass
    elif a.instances:
        names = a.instances.split(",")
    elif a.all:
        names = [r["instance"] for r in rows if r["set"] != "solomon" and r["path"]]
    else:
        for n in ANCHORS:
            if n in bks and bks[n]["path"] and (bench / "cvrplib" / bks[n]["path"]).exists():
                names.append(n)
            else:
                print(f"note: anchor {n} is not in {bench}; skipped")
    if a.solomon:
        names += [r["instance"] for r in rows if r["set"] == "solomon"]
    if a.generated:
        import tempfile
        gdir = Path(a.gen_dir or tempfile.mkdtemp(prefix="boucle-gen-"))
        gdir.mkdir(parents=True, exist_ok=True)
        for size in [int(x) for x in a.generated.split(",") if x]:
            for v in a.gen_variants.split(","):
                layout = {"u": "uniform", "c": "clustered"}[v[0]]
                depot = {"c": "central", "e": "eccentric"}[v[1]]
                path = gdir / f"gen-{size}-{v}-s{a.gen_seed}.vrp"
                subprocess.run([str(BOUCLE), "vrp", "generate", "--customers", str(size),
                                "--layout", layout, "--depot", depot, "--seed", str(a.gen_seed),
                                "-o", str(path)], check=True, capture_output=True)
                name = Path(path).read_text().splitlines()[0].split(":", 1)[1].strip()
                bks[name] = {"instance": name, "set": "G", "n": str(size), "bks": "",
                             "path": str(path.resolve())}
                names.append(name)
    budgets = [float(b) for b in a.budgets.split(",")]
    solvers = []
    for s in a.solvers.split(","):
        if s in IMPORTS:
            try:
                __import__(IMPORTS[s])
            except Exception as e:  # noqa: BLE001
                print(f"note: {s} unavailable ({e.__class__.__name__}: {e})")
                continue
        solvers.append(s)
    results = []
    for b in budgets:
        for n in names:
            r = bks[n]
            path = bench / "cvrplib" / r["path"]  # an absolute path (generated) stays as it is
            inst = read_solomon(path) if r["set"] == "solomon" else read_cvrplib(path)
            m = re.search(r"-k(\d+)$", n)
            k_name = int(m.group(1)) if m else None
            if r["set"] == "solomon" and r.get("vehicles_bks"):
                # Solomon BKS minimise the vehicles first, then the distance: their vehicle count.
                k_name = int(r["vehicles_bks"])
            if a.fleet == "name" and r["set"] in ("A", "B", "P") and k_name and not inst["vehicles"]:
                inst["vehicles"] = k_name
            for s in solvers:
                t0 = time.time()
                EXTRA.clear()
                try:
                    routes = SOLVERS[s](path, inst, b, a.seed)
                    cost, errs = evaluate(inst, routes)
                except Exception as e:  # noqa: BLE001
                    cost, errs = None, [f"{e.__class__.__name__}: {e}"]
                el = time.time() - t0
                ref = float(r["bks"]) if r["bks"] else None
                gap = None if cost is None or errs or ref is None else 100 * (cost - ref) / ref
                nr = sum(1 for x in routes if x) if cost is not None else None
                # Below the BKS with more routes than the BKS's k: a solution of another problem
                # (unbounded fleet), not a better solution of the BKS problem.
                other = (gap is not None and gap < -1e-9 and r["set"] != "solomon"
                         and k_name is not None and nr > k_name)
                results.append(dict(instance=n, budget=b, solver=s, cost=cost, gap=gap,
                                    errors=errs[:3], elapsed=el, routes=nr, k=k_name,
                                    fleet=inst["vehicles"], other_problem=other,
                                    n=len(inst["customers"]), used_s=EXTRA.get("used_s"),
                                    first_feasible_s=EXTRA.get("first_feasible_s")))
                if errs:
                    g = "infeasible: " + "; ".join(errs[:2])
                elif gap is None:
                    g = "(no BKS)"
                else:
                    g = f"{gap:6.2f} %"
                if other:
                    g += " (other problem: more routes than k)"
                print(f"{b:>5.0f}s {n:<12} {s:<8} cost {cost if cost is None else round(cost, 2)!s:>10}  gap {g}  routes {nr}/k {k_name}  ({el:.1f} s)", flush=True)
    # Generated instances: gap to the best cost any solver found in this run, at any budget.
    for n in {r["instance"] for r in results if not bks[r["instance"]]["bks"]}:
        ok = [r["cost"] for r in results if r["instance"] == n and r["cost"] is not None and not r["errors"]]
        if ok:
            bks[n]["bks"] = f"{min(ok):.0f} (best of run)"
            for r in results:
                if r["instance"] == n and r["cost"] is not None and not r["errors"]:
                    r["gap"] = 100 * (r["cost"] - min(ok)) / min(ok)
    print()
    print(f"fleet: {a.fleet} (A/B/P: {'k of the name' if a.fleet == 'name' else 'as in the file'});"
          " cells: gap to BKS (routes)")
    if any(bks[n]["set"] == "solomon" for n in names):
        print("Solomon: the solvers minimise distance with the file's fleet, the BKS minimise the"
              " vehicles first (k = BKS vehicles): negative gaps compare solvers, not the BKS problem")
    print("| budget | instance | BKS | fleet | " + " | ".join(solvers) + " |")
    print("|---|---|---|---|" + "---|" * len(solvers))

    def mean_cells(sel):
        cells = []
        for s in solvers:
            rs = [r for r in sel if r["solver"] == s]
            ok = [r["gap"] for r in rs if r["gap"] is not None and not r["other_problem"]]
            bad = sum(1 for r in rs if r["gap"] is None)
            oth = sum(1 for r in rs if r["other_problem"])
            note = ", ".join(x for x in [f"{bad} failed" if bad else "", f"{oth} other problem" if oth else ""] if x)
            cells.append((f"{sum(ok) / len(ok):.2f} %" if ok else "n/a") + (f" ({note})" if note else ""))
        return cells

    for b in budgets:
        for n in names:
            cells = []
            fl = "-"
            for s in solvers:
                x = next(r for r in results if r["instance"] == n and r["budget"] == b and r["solver"] == s)
                fl = str(x["fleet"] or "unbounded")
                if x["gap"] is None:
                    cells.append("infeasible")
                else:
                    cells.append(f"{x['gap']:.2f} % ({x['routes']})" + (" other problem" if x["other_problem"] else ""))
            print(f"| {b:g} s | {n} | {bks[n]['bks']} | {fl} | " + " | ".join(cells) + " |")
        sel = [r for r in results if r["budget"] == b]
        print(f"| {b:g} s | **mean** | | | " + " | ".join(mean_cells(sel)) + " |")
        fams = sorted({bks[r["instance"]]["set"] for r in sel})
        if len(fams) > 1:
            for f in fams:
                fs = [r for r in sel if bks[r["instance"]]["set"] == f]
                print(f"| {b:g} s | mean {f} ({len({r['instance'] for r in fs})}) | | | " + " | ".join(mean_cells(fs)) + " |")
        for lo, hi, label in SIZE_CLASSES:
            cs = [r for r in sel if lo < r["n"] <= hi]
            if cs:
                print(f"| {b:g} s | mean n {label} ({len({r['instance'] for r in cs})}) | | | " + " | ".join(mean_cells(cs)) + " |")
    print()
    print("Time used vs granted, and time to the first feasible solution (s; boucle: its own report,"
          " from the call to solve; PyVRP: its runtime and iteration statistics, setup excluded):")
    for s in solvers:
        for b in budgets:
            rs = [r for r in results if r["solver"] == s and r["budget"] == b and r["used_s"] is not None]
            if not rs:
                continue
            used = [r["used_s"] for r in rs]
            over = max(u - b for u in used)
            print(f"  {s:<7} {b:g} s: used {min(used):.3f}-{max(used):.3f} s (mean {sum(used) / len(used) / b:.1%}"
                  f" of the budget, worst {1000 * over:+.0f} ms vs the budget) over {len(rs)} runs")
            for lo, hi, label in SIZE_CLASSES[2:]:
                ff = [r["first_feasible_s"] for r in rs if lo < r["n"] <= hi and r["first_feasible_s"] is not None]
                if ff:
                    print(f"          first feasible at n {label}: {min(ff):.3f}-{max(ff):.3f} s over {len(ff)} runs")
    for b in budgets:
        for s in solvers:
            miss = [r for r in results if r["budget"] == b and r["solver"] == s
                    and bks[r["instance"]]["set"] in ("A", "B", "P")
                    and (r["gap"] is None or r["gap"] > 1e-9)]
            if any(bks[r["instance"]]["set"] in ("A", "B", "P") for r in results):
                items = ["infeasible" if r["gap"] is None else f"+{r['gap']:.2f} %" for r in miss]
                listed = ", ".join(f"{r['instance']} {g}" for r, g in zip(miss, items)) or "none"
                print(f"{b:g} s {s}: A/B/P above BKS or infeasible: {listed}")
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
