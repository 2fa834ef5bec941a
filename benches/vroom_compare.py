#!/usr/bin/env python3
"""Territory-like collection rounds through boucle's VROOM JSON door, against PyVRP and VROOM.

Three seeded instances (40, 100 and 250 stops by default) shaped like the territory's rounds: a
depot and a treatment site apart, two capacity dimensions (kg, litres), time windows on 30 % of
the stops, drivers' shifts (06:00-16:00), trucks that unload at the treatment site between trips
(capacity set for about three trips per round), a bounded fleet, and costs fixed + EUR/km + EUR/h
(120 EUR per truck used, 1.20 EUR/km, 35 EUR/h of round duration, waiting included). Travel: the
same integer matrix for every solver (great circle x 1.3 at 50 km/h between generated points of
the Thur-Doller area).

- boucle: `boucle vrp solve FILE.json --time-limit S` on the instance written in VROOM's input
  format with boucle's `"boucle"` vehicle extension (treatment site, unloading time).
- PyVRP 0.14.1: reload depot at the treatment site (its service time = unloading), routes ending
  at the treatment site (the fixed return leg to the depot and the last unloading are added to the
  fixed cost and taken off the shift), duration costs on the whole route.
- VROOM (pyvroom): no reloads. Each truck becomes three VROOM vehicles, one per third of its shift
  (the first from the depot, the others from the treatment site, each ending at the treatment
  site); the trips are chained back into trucks afterwards. VROOM prices travel time only.

Every solution is re-timed and priced here, independently: each stop served once, every trip's
load within both capacities, windows and shifts respected (latest feasible departure, waiting
allowed), at most the fleet's trucks; cost = fixed + km + hours of the whole round.

Usage:
    cargo build --release
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyvrp==0.14.1 pyvroom
    /tmp/venv/bin/python benches/vroom_compare.py [--sizes 40,100,250] [--budgets 1,10]
        [--seed 1] [--solvers boucle,pyvrp,vroom] [--keep DIR]
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BOUCLE = Path(os.environ.get("BOUCLE_BIN", REPO / "target" / "release" / "boucle"))
SHIFT = (6 * 3600, 16 * 3600)
UNLOAD_S = 900
FIXED, PER_KM, PER_H = 120.0, 1.2, 35.0


# ---------------------------------------------------------------- instances

def haversine_m(a, b):
    r = 6371008.8
    la1, la2 = math.radians(a[1]), math.radians(b[1])
    dla, dlo = la2 - la1, math.radians(b[0] - a[0])
    h = math.sin(dla / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dlo / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def generate(n, seed):
    """Locations 0 = depot, 1 = treatment site, 2.. = stops."""
    rng = random.Random(seed * 1000 + n)
    depot, dump = (6.98, 47.82), (7.24, 47.76)
    parks = [(rng.uniform(6.95, 7.30), rng.uniform(47.72, 47.92)) for _ in range(6)]
    pts = []
    for _ in range(n):
        if rng.random() < 0.6:
            cx, cy = rng.choice(parks)
            pts.append((cx + rng.gauss(0, 0.012), cy + rng.gauss(0, 0.008)))
        else:
            pts.append((rng.uniform(6.92, 7.32), rng.uniform(47.70, 47.94)))
    locs = [depot, dump] + pts
    dist = [[int(round(haversine_m(a, b) * 1.3)) for b in locs] for a in locs]
    dur = [[int(round(d / (50 / 3.6))) for d in row] for row in dist]
    stops = []
    for i in range(n):
        kg = rng.randint(50, 600)
        litres = int(kg * rng.uniform(2.0, 8.0))
        tw = None
        if rng.random() < 0.3:
            s = rng.randint(7 * 3600, 13 * 3600)
            tw = (s, s + rng.randint(2 * 3600, 3 * 3600))
        stops.append({"loc": i + 2, "kg": kg, "l": litres, "service": rng.randint(300, 900),
                      "tw": tw})
    rounds = math.ceil(n / 30)
    cap_kg = int(sum(s["kg"] for s in stops) / (3 * rounds))
    cap_l = int(sum(s["l"] for s in stops) / (3 * rounds) * 1.15)
    return {"n": n, "seed": seed, "locs": locs, "dist": dist, "dur": dur, "stops": stops,
            "cap": (max(cap_kg, 600), max(cap_l, 4800)), "fleet": rounds + 1}


def to_vroom_json(inst):
    """The instance in VROOM's input format with boucle's unloading extension (costs in cents)."""
    vehicles = [{
        "id": v + 1, "description": "benne", "start_index": 0, "end_index": 0,
        "capacity": list(inst["cap"]), "time_window": list(SHIFT),
        "costs": {"fixed": int(FIXED * 100), "per_km": int(PER_KM * 100), "per_hour": int(PER_H * 100)},
        "boucle": {"dump_index": 1, "unload_service": UNLOAD_S},
    } for v in range(inst["fleet"])]
    jobs = []
    for i, s in enumerate(inst["stops"]):
        j = {"id": i + 1, "location_index": s["loc"], "location": list(inst["locs"][s["loc"]]),
             "service": s["service"], "pickup": [s["kg"], s["l"]]}
        if s["tw"]:
            j["time_windows"] = [list(s["tw"])]
        jobs.append(j)
    return {"vehicles": vehicles, "jobs": jobs,
            "matrices": {"car": {"durations": inst["dur"], "distances": inst["dist"]}}}


# ---------------------------------------------------------------- independent check

def evaluate(inst, trucks):
    """trucks: list of rounds, each a list of trips, each a list of stop indices (0-based).
    Returns (cost EUR, rounds, errors)."""
    errors, seen = [], {}
    total = 0.0
    dist, dur, st = inst["dist"], inst["dur"], inst["stops"]
    used = [r for r in trucks if any(r)]
    if len(used) > inst["fleet"]:
        errors.append(f"{len(used)} rounds for {inst['fleet']} trucks")
    for r in used:
        trips = [t for t in r if t]
        seq = []  # (loc, service, tw) visits after the depot
        for t in trips:
            kg = sum(st[i]["kg"] for i in t)
            li = sum(st[i]["l"] for i in t)
            if kg > inst["cap"][0] or li > inst["cap"][1]:
                errors.append(f"trip over capacity ({kg} kg, {li} l)")
            for i in t:
                seen[i] = seen.get(i, 0) + 1
                seq.append((st[i]["loc"], st[i]["service"], st[i]["tw"]))
            seq.append((1, UNLOAD_S, None))
        seq.append((0, 0, None))

        def simulate(dep):
            t, prev, late = dep, 0, False
            for loc, svc, tw in seq:
                t += dur[prev][loc]
                if tw:
                    if t > tw[1]:
                        late = True
                    t = max(t, tw[0])
                t += svc
                prev = loc
            return t, late or t > SHIFT[1]

        end, bad = simulate(SHIFT[0])
        if bad:
            errors.append("a window or the shift is broken")
            start = SHIFT[0]
        else:
            lo, hi = SHIFT[0], SHIFT[1]
            for _ in range(40):  # latest feasible departure: the shortest round for this order
                mid = (lo + hi) / 2
                if simulate(mid)[1]:
                    hi = mid
                else:
                    lo = mid
            start = lo
            end = simulate(start)[0]
        d, prev = 0, 0
        for loc, _, _ in seq:
            d += dist[prev][loc]
            prev = loc
        total += FIXED + PER_KM * d / 1000 + PER_H * (end - start) / 3600
    for i in range(inst["n"]):
        if seen.get(i, 0) != 1:
            errors.append(f"stop {i + 1} served {seen.get(i, 0)} times")
            break
    return total, len(used), errors


# ---------------------------------------------------------------- solvers

def run_boucle(inst, budget, seed, workdir):
    path = Path(workdir) / f"t{inst['n']}-s{inst['seed']}.json"
    path.write_text(json.dumps(to_vroom_json(inst)))
    out = subprocess.run([str(BOUCLE), "vrp", "solve", str(path), "--time-limit", str(budget),
                          "--seed", str(seed)], capture_output=True, text=True,
                         timeout=budget * 5 + 60, env={**os.environ, "RAYON_NUM_THREADS": "1"})
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip()[-300:])
    sol = json.loads(out.stdout)
    trucks = []
    for r in sol["routes"]:
        trips, cur = [], []
        for s in r["steps"]:
            if s["type"] == "job":
                cur.append(s["id"] - 1)
            elif s["type"] == "unload":
                trips.append(cur)
                cur = []
        if cur:
            trips.append(cur)
        trucks.append(trips)
    return trucks


def run_pyvrp(inst, budget, seed, workdir):
    import pyvrp
    from pyvrp.stop import MaxRuntime
    m = pyvrp.Model()
    locs = [m.add_location(x=int(x * 1e5), y=int(y * 1e5)) for x, y in inst["locs"]]
    ret_t, ret_d = inst["dur"][1][0], inst["dist"][1][0]
    depot = m.add_depot(locs[0], name="depot")
    dump = m.add_depot(locs[1], service_duration=UNLOAD_S, name="dump")
    # Costs in thousandths of a cent: 120 per metre, 972 per second, fixed 12,000,000.
    fixed = int(FIXED * 1e5 + PER_KM * ret_d * 100 + PER_H / 3600 * (ret_t + UNLOAD_S) * 1e5)
    m.add_vehicle_type(num_available=inst["fleet"], capacity=list(inst["cap"]), start_depot=depot,
                       end_depot=dump, reload_depots=[dump], fixed_cost=fixed,
                       tw_early=SHIFT[0], tw_late=SHIFT[1] - ret_t - UNLOAD_S,
                       unit_distance_cost=int(PER_KM * 100), unit_duration_cost=int(PER_H * 1e5 / 3600))
    clients = []
    for s in inst["stops"]:
        kw = dict(pickup=[s["kg"], s["l"]], service_duration=s["service"])
        if s["tw"]:
            kw.update(tw_early=s["tw"][0], tw_late=s["tw"][1])
        clients.append(m.add_client(locs[s["loc"]], **kw))
    for a in range(len(locs)):
        for b in range(len(locs)):
            if a != b:
                m.add_edge(locs[a], locs[b], distance=inst["dist"][a][b], duration=inst["dur"][a][b])
    res = m.solve(stop=MaxRuntime(budget), seed=seed, display=False)
    trucks = []
    for r in res.best.routes():
        trips, cur = [], []
        acts = list(r)
        for a in acts[1:]:
            if a.is_client():
                cur.append(a.idx)
            else:
                trips.append(cur)
                cur = []
        trucks.append([t for t in trips if t] + ([cur] if cur else []))
    return trucks


def run_vroom(inst, budget, seed, workdir):
    import datetime
    import vroom
    k = 3
    span = (SHIFT[1] - UNLOAD_S - inst["dur"][1][0] - SHIFT[0]) / k
    vehicles = []
    for r in range(inst["fleet"]):
        for i in range(k):
            lo = int(SHIFT[0] + i * span + (UNLOAD_S if i else 0))
            hi = int(SHIFT[0] + (i + 1) * span)
            vehicles.append({
                "id": r * k + i, "start_index": 0 if i == 0 else 1, "end_index": 1,
                "capacity": list(inst["cap"]), "time_window": [lo, hi],
                "costs": {"fixed": int(FIXED * 100) if i == 0 else 0,
                          "per_km": int(PER_KM * 100), "per_hour": int(PER_H * 100)}})
    problem = to_vroom_json(inst)
    problem["vehicles"] = vehicles
    path = Path(workdir) / f"vroom-t{inst['n']}-s{inst['seed']}.json"
    path.write_text(json.dumps(problem))
    p = vroom.Input.from_json(str(path))
    sol = p.solve(exploration_level=5, nb_threads=1, timeout=datetime.timedelta(seconds=budget))
    trips = {}
    for _, row in sol.routes.iterrows():
        if row["type"] == "job":
            trips.setdefault(int(row["vehicle_id"]), []).append(int(row["id"]) - 1)
    trucks = []
    for r in range(inst["fleet"]):
        t = [trips.get(r * k + i, []) for i in range(k)]
        if any(t):
            trucks.append([x for x in t if x])
    return trucks


SOLVERS = {"boucle": run_boucle, "pyvrp": run_pyvrp, "vroom": run_vroom}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="40,100,250")
    ap.add_argument("--budgets", default="1,10")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--solvers", default="boucle,pyvrp,vroom")
    ap.add_argument("--keep", help="folder to keep the JSON instances in")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    budgets = [float(x) for x in a.budgets.split(",")]
    solvers = a.solvers.split(",")
    workdir = a.keep or tempfile.mkdtemp(prefix="vroom-compare-")
    Path(workdir).mkdir(parents=True, exist_ok=True)
    print(f"# machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start; seed {a.seed}")
    print("instance,budget_s," + ",".join(f"{s}_cost,{s}_rounds,{s}_valid,{s}_s" for s in solvers))
    rows = []
    for n in sizes:
        inst = generate(n, a.seed)
        for b in budgets:
            cells = [f"t{n}-s{a.seed}", f"{b:g}"]
            res = {}
            for s in solvers:
                t0 = time.time()
                try:
                    trucks = SOLVERS[s](inst, b, a.seed, workdir)
                    cost, nr, errs = evaluate(inst, trucks)
                    res[s] = (cost, nr, not errs)
                    cells += [f"{cost:.2f}", str(nr), "yes" if not errs else "NO: " + errs[0],
                              f"{time.time() - t0:.1f}"]
                except Exception as e:  # a solver that fails is reported, not fatal
                    cells += ["", "", f"error: {str(e)[:80]}", f"{time.time() - t0:.1f}"]
            rows.append((n, b, res))
            print(",".join(cells), flush=True)
    print(f"# load {os.getloadavg()[0]:.1f} at the end")
    if "boucle" in solvers:
        for n, b, res in rows:
            if "boucle" not in res:
                continue
            parts = []
            for s, (c, _, ok) in res.items():
                if s != "boucle" and ok and res["boucle"][2]:
                    parts.append(f"vs {s} {100 * (res['boucle'][0] - c) / c:+.1f} %")
            print(f"# t{n} {b:g} s: boucle " + ", ".join(parts))


if __name__ == "__main__":
    sys.exit(main())
