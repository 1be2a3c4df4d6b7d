#!/usr/bin/env bash
# benchmarks/cache-drift.sh [--keys N] [--keep]
#
# Cache drift against the speed of reading Redis, in one run: N rows (default 1,000,000) in a
# PostgreSQL table and N hashes that mirror them in Redis, with 100 stale hashes (a field
# changed), 50 missing (deleted) and 50 zombies (hashes of rows that do not exist), planted
# over the whole key range.
#   - scry: `scry diff --check cache-stale --check cache-missing --check cache-zombie
#     --settle 0` (release build), as a whole process; its findings are checked against the
#     planted truth (exact: every planted key found, nothing else), and its peak RSS is taken;
#   - the floor: `scry-bench-scan --standalone --fetch hgetall`, a SCAN of the keyspace with a
#     pipelined HGETALL of every key found, as a whole process (and its own timer's figure).
# Prints both and the ratio (the target: at most 1.5, exact).
#
# The table goes into the database `bench` on the stack's primary, the hashes into Redis
# database SCRY_BENCH_REDIS_DB (default 12) of the standalone server; both are dropped
# afterwards unless --keep is given. Needs the stack: scripts/stack up.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd "$REPO_ROOT"

keys=1000000
keep=0
while (($#)); do
  case $1 in
    --keys) keys=${2:?--keys needs a number}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) printf 'cache-drift: unknown argument %s\n' "$1" >&2; exit 2 ;;
  esac
done
say() { printf 'cache-drift: %s\n' "$*" >&2; }

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
scripts/stack status >/dev/null 2>&1 || { say "the local stack is not up: run scripts/stack up first"; exit 1; }
eval "$(scripts/stack env)"

DB=${SCRY_BENCH_DB:-bench}
REDIS_DB=${SCRY_BENCH_REDIS_DB:-12}
TABLE=scry_cache_bench
work=$(mktemp -d)
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
rcli() { redis-cli -h "$SCRY_REDIS_HOST" -p "$SCRY_REDIS_PORT" -n "$REDIS_DB" "$@"; }
cleanup() {
  if ((keep)); then
    say "kept table $TABLE in $DB and Redis database $REDIS_DB"
  else
    psql_db -c "DROP TABLE IF EXISTS $TABLE" >/dev/null 2>&1 || true
    rcli FLUSHDB >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

say "building scry and scry-bench-scan (release)"
swift build -c release --product scry >&2
swift build -c release --product scry-bench-scan >&2
bin=$(swift build -c release --show-bin-path)

[[ $(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'") == 1 ]] ||
  psql -X -q -d postgres -c "CREATE DATABASE \"$DB\""

# The planted truth. Keys are 1..N; stale, missing and zombie ids are spread over the range.
stale_ids=$(awk -v n="$keys" 'BEGIN { for (k = 0; k < 100; k++) print 1 + int(k * (n - 1) / 100) + 3 }')
missing_ids=$(awk -v n="$keys" 'BEGIN { for (k = 0; k < 50; k++) print 1 + int(k * (n - 1) / 50) + 7 }')
zombie_ids=$(awk -v n="$keys" 'BEGIN { for (k = 0; k < 50; k++) print n + 1 + k * 1000 }')

load_start=$(date +%s.%N)
say "loading $keys rows into $DB.$TABLE"
psql_db <<SQL
DROP TABLE IF EXISTS $TABLE;
CREATE TABLE $TABLE (id bigint PRIMARY KEY, name text NOT NULL, score int NOT NULL);
INSERT INTO $TABLE SELECT g, md5(g::text), g % 1000 FROM generate_series(1, $keys) g;
VACUUM ANALYZE $TABLE;
SQL
say "loading $keys hashes into Redis database $REDIS_DB"
rcli FLUSHDB >/dev/null
psql_db -At -F ' ' -c "SELECT 'HSET bench:item:' || id, 'name', name, 'score', score FROM $TABLE" |
  awk '{ printf "%s\r\n", $0 }' | rcli --pipe >/dev/null
for id in $stale_ids; do echo "HSET bench:item:$id score -1"; done | rcli >/dev/null
for id in $missing_ids; do echo "DEL bench:item:$id"; done | rcli >/dev/null
for id in $zombie_ids; do echo "HSET bench:item:$id name zombie score 0"; done | rcli >/dev/null
say "loaded in $(awk -v s="$load_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s; $(rcli DBSIZE) hashes"

cat >"$work/atlas.toml" <<EOF
[atlas]
name = "cache-bench"

[stores.world]
engine = "postgres"
database = "$DB"
primary = "$SCRY_PG_HOST:$SCRY_PG_PRIMARY_PORT"
routing = "primary"

[stores.cache]
engine = "redis"
mode = "standalone"
nodes = ["$SCRY_REDIS_HOST:$SCRY_REDIS_PORT"]
database = $REDIS_DB

[entities.item]
store = "world"
table = "$TABLE"
key = "id"

[[keys]]
pattern = "bench:item:{id}"
store = "cache"
type = "hash"
mirrors = "item"
fields = { name = "name", score = "score" }
complete = true

[checks]
enabled = ["cache-stale", "cache-missing", "cache-zombie"]
EOF

# seconds_rss CMD...: runs CMD, its output into $work/out; prints "SECONDS PEAK_RSS_KIB".
seconds_rss() {
  local start; start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >"$work/out" 2>"$work/err" || true
  awk -v s="$start" -v e="$(date +%s.%N)" -v r="$(tail -1 "$work/rss")" 'BEGIN { printf "%.2f %s\n", e - s, r }'
}

say "timing scry diff"
read -r scry_s scry_rss < <(seconds_rss "$bin/scry" diff --atlas "$work/atlas.toml" --check cache-stale --check cache-missing \
  --check cache-zombie --settle 0 --format json)
cp "$work/out" "$work/scry.json"
exact=$(python3 - "$work/scry.json" "$stale_ids" "$missing_ids" "$zombie_ids" <<'EOF'
import json, sys
try:
    found = json.load(open(sys.argv[1]))["findings"]
except Exception as error:
    print(f"no (unreadable output: {error})"); sys.exit()
got = {(f["check"], f["key"]) for f in found}
want = {("cache-stale", f"bench:item:{i}") for i in sys.argv[2].split()} \
     | {("cache-missing", f"bench:item:{i}") for i in sys.argv[3].split()} \
     | {("cache-zombie", f"bench:item:{i}") for i in sys.argv[4].split()}
print("yes" if got == want and len(found) == len(want) else
      f"no ({len(want - got)} missed, {len(got - want)} extra, {len(found)} findings for {len(want)} planted)")
EOF
)
say "timing the raw pipelined fetch"
read -r floor_s floor_rss < <(seconds_rss "$bin/scry-bench-scan" --standalone "$SCRY_REDIS_HOST:$SCRY_REDIS_PORT" --db "$REDIS_DB" \
  --match 'bench:item:*' --fetch hgetall)
floor_line=$(cat "$work/out")

echo
echo "$keys rows against $keys hashes (100 stale, 50 missing, 50 zombies); one run, whole processes"
printf '%-58s %8s s  %7s KiB peak RSS\n' "scry diff (cache-stale, cache-missing, cache-zombie)" "$scry_s" "$scry_rss"
printf '%-58s %8s s  %7s KiB peak RSS   %s\n' "floor: SCAN + pipelined HGETALL of every key" "$floor_s" "$floor_rss" "$floor_line"
echo
echo "scry exact:      $exact"
echo "scry / floor:    $(awk -v a="$scry_s" -v b="$floor_s" 'BEGIN { printf "%.2f", a / b }')   (target <= 1.5)"
