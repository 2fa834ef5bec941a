#!/usr/bin/env bash
# Concurrent writers of a territory folder: TRIALS times, two `actors set-position` on two
# different actors at once, then two `synergies record` at once; counts the updates lost.
#   benches/writers.sh [TRIALS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS="${1:-200}"
cargo build --release --locked --bin boucle
B="${BOUCLE_BIN:-target/release/boucle}"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
cp geodata/*.csv geodata/*.geojson geodata/territory.toml "$D"/
A1=$(sed -n 2p "$D/actors.csv" | cut -d, -f1)
A2=$(sed -n 3p "$D/actors.csv" | cut -d, -f1)
lost=0
for i in $(seq 1 "$TRIALS"); do
  x1=$(printf '7.1%04d1' "$i"); x2=$(printf '7.2%04d1' "$i")
  "$B" actors set-position "$A1" "$x1" 47.8 --data "$D" >/dev/null 2>&1 &
  "$B" actors set-position "$A2" "$x2" 47.8 --data "$D" >/dev/null 2>&1 &
  wait
  grep -q "^$A1,.*,$x1," "$D/actors.csv" || lost=$((lost + 1))
  grep -q "^$A2,.*,$x2," "$D/actors.csv" || lost=$((lost + 1))
done
echo "set-position: $TRIALS trials, 2 concurrent writers each, $lost update(s) lost"
for i in $(seq 1 "$TRIALS"); do
  for k in 1 2; do
    "$B" synergies record --id "t$i-$k" --title T --material pallets --status idea \
      --actors "$A1" --source bench --data "$D" >/dev/null 2>&1 &
  done
  wait
done
n=$(($(wc -l < "$D/synergies.csv") - 1))
echo "synergies record: $TRIALS trials, 2 concurrent writers each, $((2 * TRIALS - n)) record(s) lost"
