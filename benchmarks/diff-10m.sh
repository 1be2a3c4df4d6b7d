#!/usr/bin/env bash
# benchmarks/diff-10m.sh: benchmarks/diff-1m.sh with two 10M-row tables (200 planted
# differences, scattered the same way over a key range ten times as wide), one round each
# (ROUNDS=1) and without reladiff (RELADIFF=0: a minute a run); both can be set as usual.
# Loading takes a few minutes and about 5 GB in the database `bench`, dropped afterwards.
set -euo pipefail
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
ROWS=10000000 ROUNDS=${ROUNDS:-1} RELADIFF=${RELADIFF:-0} BUCKETS=${BUCKETS:-64 4096} exec "$SCRIPT_DIR/diff-1m.sh" "$@"
