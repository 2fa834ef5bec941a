#!/usr/bin/env bash
# Longer fuzzing run of every parser target of tests/data/fuzz.rs (property-based mutations of a
# valid sample, plus the corpus in tests/fuzz-corpus/). Prints the inputs tried per target.
#   benches/fuzz.sh [CASES]   (default 5000 per target)
set -euo pipefail
cd "$(dirname "$0")/.."
CASES="${1:-5000}"
start=$(date +%s)
PROPTEST_CASES="$CASES" cargo test -p boucle --test data fuzz -- --nocapture --test-threads 1 2>&1 \
  | tee /tmp/boucle-fuzz.log | grep -E '^fuzz:|test result|panicked|FAILED' || true
end=$(date +%s)
echo "fuzzing: $CASES mutated inputs per target, $((end - start)) s in all; findings: $(grep -c 'panicked' /tmp/boucle-fuzz.log || true) panic(s)"
grep -q 'test result: ok' /tmp/boucle-fuzz.log
