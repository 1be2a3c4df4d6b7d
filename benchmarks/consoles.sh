#!/usr/bin/env bash
# benchmarks/consoles.sh: the consoles against the tools a developer would use instead, one run.
#
#   1. `scry sql --format csv` streaming ROWS rows (default 1,000,000; about 90 MB of CSV) against
#      `psql --csv` with FETCH_COUNT=1000 (a cursor, bounded memory, as scry's) and without it
#      (the whole result in memory), both reading the replica, as scry does. Wall time and peak
#      resident memory (GNU time), and a check that the outputs are byte-for-byte the same.
#   2. `scry keyspace` (every key examined: TYPE, PTTL, MEMORY USAGE, length) on KEYS keys
#      (default 1,000,000, by DEBUG POPULATE, in Redis database 9 of the standalone server)
#      against `redis-cli --memkeys` and `--bigkeys`, and `scry keyspace --sample 10000`.
#
# Ratios are scry / the other tool, from this run. SCRY_BIN=PATH runs that scry binary instead
# of building a release one. The benchmark's table lives in a database of
# its own, dropped at the end, and its keys in database 9, emptied at the end.
# Needs the stack: scripts/stack up.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd "$REPO_ROOT"

ROWS=${ROWS:-1000000}
KEYS=${KEYS:-1000000}
REDIS_DB=${REDIS_DB:-9}
DATABASE=scry_bench_consoles

say() { printf 'consoles: %s\n' "$*" >&2; }

eval "$(scripts/stack env)"
HOST=${SCRY_PG_HOST:-127.0.0.1}
PRIMARY=${SCRY_PG_PRIMARY_PORT:-55432}
REPLICA=${SCRY_PG_REPLICA_PORT:-55433}
REDIS_HOST=${SCRY_REDIS_HOST:-127.0.0.1}
REDIS_PORT=${SCRY_REDIS_PORT:-56379}
WORK=$(mktemp -d)
psql_primary() { psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PRIMARY" -U postgres "$@"; }
cleanup() {
  psql_primary -d postgres -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null 2>&1 || true
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" FLUSHDB >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# SCRY_BIN runs a scry already built (say which build in the report); otherwise a release build.
if [[ -n ${SCRY_BIN:-} ]]; then
  SCRY=$SCRY_BIN
else
  say "building scry (-c release)"
  swift build -c release --product scry >&2
  SCRY=$(swift build -c release --show-bin-path)/scry
fi

# measure OUT COMMAND...: runs COMMAND with its stdout in OUT (stderr dropped) under GNU time;
# prints "seconds peak_kib".
measure() {
  local out=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$out" 2>/dev/null
  cat "$WORK/time"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }

# ---------------------------------------------------------------- scry sql against psql
say "making $ROWS rows in $DATABASE"
psql_primary -d postgres -c "DROP DATABASE IF EXISTS $DATABASE WITH (FORCE)" >/dev/null
psql_primary -d postgres -c "CREATE DATABASE $DATABASE" >/dev/null
psql_primary -d "$DATABASE" -c "CREATE TABLE big AS SELECT n AS id, md5(n::text) AS digest,
  CASE WHEN n % 7 = 0 THEN NULL ELSE 'row \"' || n || E'\",\\n' || repeat('x', n % 40) END AS note, n % 100 AS bucket,
  now() - n * interval '1 second' AS at FROM generate_series(1, $ROWS) AS n" >/dev/null
target=$(psql_primary -d postgres -At -c "SELECT pg_current_wal_insert_lsn()")
until [[ $(psql -X -At -h "$HOST" -p "$REPLICA" -U postgres -d postgres -c "SELECT pg_last_wal_replay_lsn() >= '$target'") == t ]]; do sleep 0.2; done
cat > "$WORK/atlas.toml" <<ATLAS
[atlas]
name = "bench"

[stores.big]
engine = "postgres"
database = "$DATABASE"
primary = "$HOST:$PRIMARY"
replicas = ["$HOST:$REPLICA"]
routing = "replica-preferred"

[stores.keys]
engine = "redis"
nodes = ["$REDIS_HOST:$REDIS_PORT"]
database = $REDIS_DB
ATLAS
QUERY="SELECT * FROM big ORDER BY id"

say "scry sql --format csv"
read -r scry_s scry_kib < <(measure "$WORK/scry.csv" "$SCRY" sql --atlas "$WORK/atlas.toml" --store big --format csv "$QUERY")
say "psql --csv with FETCH_COUNT=1000"
read -r fetch_s fetch_kib < <(measure "$WORK/psql.csv" psql -X --csv -v FETCH_COUNT=1000 -h "$HOST" -p "$REPLICA" -U postgres -d "$DATABASE" -c "$QUERY")
say "psql --csv without FETCH_COUNT"
read -r whole_s whole_kib < <(measure /dev/null psql -X --csv -h "$HOST" -p "$REPLICA" -U postgres -d "$DATABASE" -c "$QUERY")
same=$(cmp -s "$WORK/scry.csv" "$WORK/psql.csv" && echo "identical" || echo "DIFFERENT")
bytes=$(stat -c %s "$WORK/scry.csv")

# ---------------------------------------------------------------- scry keyspace against redis-cli
say "loading $KEYS keys into database $REDIS_DB"
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" FLUSHDB >/dev/null
redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" DEBUG POPULATE "$KEYS" bench:key >/dev/null
say "scry keyspace (every key)"
read -r ks_s ks_kib < <(measure "$WORK/keyspace.json" "$SCRY" keyspace --atlas "$WORK/atlas.toml" --store keys --format json)
say "scry keyspace --sample 10000"
read -r kss_s kss_kib < <(measure /dev/null "$SCRY" keyspace --atlas "$WORK/atlas.toml" --store keys --sample 10000 --format json)
say "redis-cli --memkeys"
read -r mem_s mem_kib < <(measure "$WORK/memkeys.txt" redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" --memkeys)
say "redis-cli --bigkeys"
read -r big_s big_kib < <(measure /dev/null redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" -n "$REDIS_DB" --bigkeys)
scry_keys=$(grep -o '"keys" : [0-9]*' "$WORK/keyspace.json" | head -1 | grep -o '[0-9]*$' || true)
memkeys_keys=$(grep -o 'Sampled [0-9]* keys' "$WORK/memkeys.txt" | head -1 | grep -o '[0-9]*' || true)

cat <<REPORT
scry sql against psql: $ROWS rows, $bytes bytes of CSV, read from the replica (output $same)
  scry sql --format csv           ${scry_s} s   peak ${scry_kib} KiB
  psql --csv, FETCH_COUNT=1000    ${fetch_s} s   peak ${fetch_kib} KiB   ratio scry/psql: time $(ratio "$scry_s" "$fetch_s"), memory $(ratio "$scry_kib" "$fetch_kib")
  psql --csv, whole result        ${whole_s} s   peak ${whole_kib} KiB   ratio scry/psql: time $(ratio "$scry_s" "$whole_s"), memory $(ratio "$scry_kib" "$whole_kib")
scry keyspace against redis-cli: $KEYS keys (scry counted ${scry_keys:-?}, redis-cli --memkeys sampled ${memkeys_keys:-?})
  scry keyspace (every key)       ${ks_s} s   peak ${ks_kib} KiB
  scry keyspace --sample 10000    ${kss_s} s   peak ${kss_kib} KiB
  redis-cli --memkeys             ${mem_s} s   peak ${mem_kib} KiB   ratio scry/memkeys: time $(ratio "$ks_s" "$mem_s")
  redis-cli --bigkeys             ${big_s} s   peak ${big_kib} KiB   ratio scry/bigkeys: time $(ratio "$ks_s" "$big_s")
REPORT
