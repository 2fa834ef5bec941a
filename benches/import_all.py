#!/usr/bin/env python3
"""Import every OpenStreetMap file of a folder (default ../shared/osm) with `boucle network
import --no-clip` and print nodes, edges, hierarchy arcs and core, wall time and peak memory of
each import. Exits 1 if any import fails, 2 if the folder is absent. Peak memory is the
child's maximum resident set (os.wait4), which counts from the fork: a floor of about 14 MB
(the Python process) below which small imports read the same.

    cargo build --release
    python3 benches/import_all.py [DIR] [--profile truck|car] [--boucle target/release/boucle]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", nargs="?", default=str(HERE.parent.parent / "shared" / "osm"))
    ap.add_argument("--profile", default="truck", choices=["truck", "car"])
    ap.add_argument("--boucle", default=str(HERE.parent / "target" / "release" / "boucle"))
    a = ap.parse_args()
    folder = Path(a.dir)
    if not folder.is_dir():
        print(f"import_all: {folder} not found: nothing imported (pass the folder of the "
              "OSM extracts)", file=sys.stderr)
        return 2
    files = sorted(p for p in folder.iterdir()
                   if p.name.endswith(".osm.pbf") or p.name.endswith(".osm"))
    print(f"{'file':45} {'nodes':>7} {'edges':>7} {'CH arcs':>9} {'core':>6} "
          f"{'wall s':>7} {'peak MB':>8}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            cmd = [a.boucle, "network", "import", str(f), "--no-clip", "--json",
                   "--profile", a.profile, "--out", os.path.join(tmp, "g.graph")]
            out_path, err_path = os.path.join(tmp, "out.json"), os.path.join(tmp, "err.txt")
            with open(out_path, "wb") as out, open(err_path, "wb") as err:
                t0 = time.perf_counter()
                p = subprocess.Popen(cmd, stdout=out, stderr=err)
                # wait4: this child's own resource usage (peak resident memory).
                _, status, ru = os.wait4(p.pid, 0)
                wall = time.perf_counter() - t0
            if os.waitstatus_to_exitcode(status) != 0:
                failed += 1
                print(f"{f.name:45} FAILED: {Path(err_path).read_text().strip()}")
                continue
            s = json.loads(Path(out_path).read_text())
            print(f"{f.name:45} {s['nodes']:>7} {s['edges']:>7} {s['ch_arcs']:>9} "
                  f"{s.get('ch_core_nodes', 0):>6} {wall:>7.2f} {ru.ru_maxrss / 1024:>8.0f}")
    if failed:
        print(f"{failed} of {len(files)} imports failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
