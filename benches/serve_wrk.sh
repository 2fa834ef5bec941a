#!/usr/bin/env bash
# Load test of `boucle serve` on loopback: wrk, 64 connections, 10 s per endpoint, sequential.
#   benches/serve_wrk.sh            # layers + rounds (if the server offers them) + browser timing
# Needs: wrk, web/node_modules (cd web && npm ci), chromium for the browser timing.
# Prints p50 / p99 latency, requests/s and errors per endpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-18787}"
BASE="http://127.0.0.1:${PORT}"
CONN="${CONN:-64}"
DUR="${DUR:-10s}"
THREADS="${THREADS:-2}"
OUT="target/bench-serve"
mkdir -p "$OUT"

[ -f web/vendor/leaflet/leaflet.js ] || (cd web && npm ci)
cargo build --release --locked --bin boucle
target/release/boucle serve --addr "127.0.0.1:${PORT}" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    curl -fsS "$BASE/api/health" >/dev/null 2>&1 && break
    sleep 0.1
done

cat > "$OUT/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
LUA
cat > "$OUT/rounds.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"material":"pallets","time_limit_s":0.2,"seed":1}'
wrk.headers["Content-Type"] = "application/json"
LUA
cat "$OUT/report.lua" >> "$OUT/rounds.lua"

run() {
    local name="$1"; shift
    echo "== $name"
    wrk -t"$THREADS" -c"$CONN" -d"$DUR" --latency "$@" | tee "$OUT/$name.txt" | grep -E "RESULT|Requests/sec|Non-2xx" || true
}

run layers_communes -s "$OUT/report.lua" "$BASE/api/layers/communes.geojson"
run territory -s "$OUT/report.lua" "$BASE/api/territory"
if curl -fsS "$BASE/api/territory" | grep -q '"rounds"'; then
    # Each plan takes ~0.5-1 s of CPU and at most one per core runs at once: queued requests
    # wait longer than wrk's default 2 s socket timeout, so allow 30 s.
    run rounds_pallets --timeout 30s -s "$OUT/rounds.lua" "$BASE/api/rounds"
else
    echo "== rounds: not offered by this build (no rounds in /api/territory computations), skipped"
fi

if [ -x /usr/bin/chromium ] && [ -d web/node_modules/playwright-core ]; then
    echo "== browser: navigation to map drawn (headless Chromium)"
    node tests/e2e/map.mjs "$BASE" "$OUT" | grep -E "^E2E|drawn"
fi
