#!/usr/bin/env bash
# benchmarks/load-large.sh [--seed N] [--keep]
#
# Times `scry-demo load --scale large` (1,000,000 characters, 10,000,000 events) from empty,
# with a release build, against the local stack (scripts/stack up), and prints the time of
# each phase and the total.
#
# It loads into databases and a Redis database of its own, created empty for the run, so a
# demo already loaded in world/campaign stays as it is:
#   SCRY_BENCH_WORLD_DB     (default scry_bench_world)
#   SCRY_BENCH_CAMPAIGN_DB  (default scry_bench_campaign)
#   SCRY_BENCH_REDIS_DB     (default 13)
# They are dropped and flushed afterwards (about 3 GB) unless --keep is given.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd "$REPO_ROOT"

seed=42
keep=0
while (($#)); do
  case $1 in
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'load-large: unknown argument %s\n' "$1" >&2; exit 2 ;;
  esac
done

say() { printf 'load-large: %s\n' "$*"; }

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
scripts/stack status >/dev/null 2>&1 || { say "the local stack is not up: run scripts/stack up first" >&2; exit 1; }
eval "$(scripts/stack env)"

world_db=${SCRY_BENCH_WORLD_DB:-scry_bench_world}
campaign_db=${SCRY_BENCH_CAMPAIGN_DB:-scry_bench_campaign}
redis_db=${SCRY_BENCH_REDIS_DB:-13}
redis_url="redis://$SCRY_REDIS_HOST:$SCRY_REDIS_PORT/$redis_db"

say "building scry-demo (release)"
swift build -c release --product scry-demo
bin=$(swift build -c release --show-bin-path)/scry-demo

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "$1"; }
empty_stores() {
  for db in "$world_db" "$campaign_db"; do psql_admin "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; done
  redis-cli -h "$SCRY_REDIS_HOST" -p "$SCRY_REDIS_PORT" -n "$redis_db" FLUSHDB >/dev/null
}
cleanup() {
  if ((keep)); then
    say "kept $world_db, $campaign_db and Redis database $redis_db"
  else
    empty_stores || say "warning: could not drop the benchmark databases"
  fi
  rm -f "$log" "$manifest"
}

empty_stores
for db in "$world_db" "$campaign_db"; do psql_admin "CREATE DATABASE \"$db\""; done
log=$(mktemp)
manifest=$(mktemp)
trap cleanup EXIT

say "loading large, seed $seed, into $world_db, $campaign_db and $redis_url"
start=$(date +%s.%N)
"$bin" load --scale large --seed "$seed" --manifest "$manifest" \
  --world-db "$world_db" --campaign-db "$campaign_db" --redis "$redis_url" 2> >(tee "$log" >&2)
end=$(date +%s.%N)

echo
printf '%-48s %10s\n' "phase" "seconds"
sed -n 's/^scry-demo: \(.*\) (took \([0-9.]*\) s)$/\1\t\2/p' "$log" | while IFS=$'\t' read -r phase seconds; do
  printf '%-48s %10s\n' "$phase" "$seconds"
done
printf '%-48s %10s\n' "total (wall clock, process start to exit)" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')"
echo
say "sizes: $(psql -X -At -d "$campaign_db" -c "SELECT pg_size_pretty(pg_database_size('$world_db')) || ' world, ' || pg_size_pretty(pg_database_size(current_database())) || ' campaign'"), $(redis-cli -h "$SCRY_REDIS_HOST" -p "$SCRY_REDIS_PORT" -n "$redis_db" DBSIZE) Redis keys"
