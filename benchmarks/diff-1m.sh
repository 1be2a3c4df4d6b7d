#!/usr/bin/env bash
# benchmarks/diff-1m.sh: compares two 1M-row tables with 200 planted differences (100 changed,
# 50 missing, 50 extra, scattered over the key range), in one run:
#   - scry: scry-bench-diff (release build), Scry's checksum-bisection engine (TableDiff), with
#     its default settings, and with each --rows-per-bucket of BUCKETS (default
#     "16 64 512 4096"), each against the best of them;
#   - the limit: one aggregate over each whole table, `count(*)` and `bit_xor` of a 64-bit row
#     hash (hashtextextended, the hash scry uses), both tables at once on the server; taken
#     with JIT on and off, and the faster counts;
#   - pg_comparator (Debian's postgresql-comparator, installed with apt-get when missing and
#     run as root), with its defaults; it builds checksum tables in each database, so it needs
#     the primary, and its pgcmp extension is created in the benchmark database;
#   - reladiff from PyPI (installed into a venv of its own under $RELADIFF_VENV, default
#     /tmp/scry-reladiff-venv), hashdiff algorithm, with its defaults and tuned
#     (--threads 8 --bisection-threshold 100000); RELADIFF=0 leaves it out;
#   - and, with no drift at all (a third, identical table), scry against the limit again.
# Each is timed as a whole process, ROUNDS times (default 3; reladiff RELADIFF_ROUNDS, default
# 1, since it takes seconds a run), and the median is reported with the ratios; scry's and
# pg_comparator's answers are checked against the planted differences, and their peak RSS
# (the largest of the rounds) is shown.
#
# ROWS (default 1000000) sets the table size: benchmarks/diff-10m.sh runs this with 10M.
# Tables go into the database `bench` on the stack's primary (created if missing), named by
# their size (scry_diff_bench_{a,b,c}_ROWS), and are dropped afterwards; with KEEP=1 they are
# kept, and a later run with KEEP=1 uses them again when they hold the planted data (a's row
# count, b's 200 differences by count), skipping the load (minutes at 10M).
# Needs the stack: scripts/stack up.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd "$REPO_ROOT"
eval "$(scripts/stack env)"

ROUNDS=${ROUNDS:-3}
ROWS=${ROWS:-1000000}
BUCKETS=${BUCKETS:-16 64 512 4096}
RELADIFF=${RELADIFF:-1}
RELADIFF_ROUNDS=${RELADIFF_ROUNDS:-1}
RELADIFF_VENV=${RELADIFF_VENV:-/tmp/scry-reladiff-venv}
DB=${SCRY_BENCH_DB:-bench}
HOST=${SCRY_PG_HOST:-127.0.0.1}
PORT=${SCRY_PG_PRIMARY_PORT:-55432}
URI="postgresql://postgres@$HOST:$PORT/$DB"
KEEP=${KEEP:-0}
A=scry_diff_bench_a_$ROWS B=scry_diff_bench_b_$ROWS C=scry_diff_bench_c_$ROWS

psql_db() { psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres -d "$DB" "$@"; }
cleanup() { psql_db -c "DROP TABLE IF EXISTS $A, $B, $C" >/dev/null 2>&1 || true; }
if [ "$KEEP" != 1 ]; then trap cleanup EXIT; fi

now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# time_cmd ROUNDS CMD...: prints the median wall time of CMD over ROUNDS runs; CMD's output goes
# to $LAST_OUTPUT, its largest peak RSS (KiB) to $LAST_RSS.
LAST_OUTPUT=$(mktemp)
LAST_RSS=$(mktemp)
time_cmd() {
    local rounds=$1; shift
    local times=() rss=0
    for _ in $(seq "$rounds"); do
        local start; start=$(now)
        if declare -F "$1" >/dev/null; then
            # A shell function (the limit's pair of psql): timed, its RSS not taken.
            echo 0 >"$LAST_RSS.one"
            "$@" >"$LAST_OUTPUT" 2>&1 || true
        else
            /usr/bin/time -f '%M' -o "$LAST_RSS.one" "$@" >"$LAST_OUTPUT" 2>&1 || true
        fi
        times+=("$(echo "$(now) - $start" | bc)")
        rss=$(awk -v a="$rss" -v b="$(tail -1 "$LAST_RSS.one")" 'BEGIN { print (b + 0 > a + 0) ? b : a }')
    done
    echo "$rss" >"$LAST_RSS"
    printf '%s\n' "${times[@]}" | median
}

echo "building scry-bench-diff (release)..." >&2
swift build -c release --product scry-bench-diff >/dev/null
BIN=$(swift build -c release --show-bin-path)/scry-bench-diff

if ! command -v pg_comparator >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "installing pg_comparator (postgresql-comparator)..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-comparator >&2 || true
fi
if [ "$RELADIFF" = 1 ] && [ ! -x "$RELADIFF_VENV/bin/reladiff" ]; then
    echo "installing reladiff into $RELADIFF_VENV..." >&2
    { python3 -m venv "$RELADIFF_VENV" && "$RELADIFF_VENV/bin/pip" install -q 'reladiff[postgresql]'; } >&2 || true
fi

if [ "$(psql -X -At -h "$HOST" -p "$PORT" -U postgres -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'")" = 0 ]; then
    psql -X -q -h "$HOST" -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE $DB"
fi

loaded() {
    # a holds ROWS rows, b 50 fewer plus 50 extra, c as many as a.
    [ "$(psql_db -At -c "SELECT (SELECT count(*) FROM $A) || ' ' || (SELECT count(*) FROM $B WHERE name = 'extra') || ' ' || (SELECT count(*) FROM $C)" 2>/dev/null)" = "$ROWS 50 $ROWS" ]
}
if [ "$KEEP" = 1 ] && loaded; then
    echo "using the tables of an earlier run (KEEP=1): $A, $B, $C" >&2
else
echo "loading 3 x $ROWS rows into $DB..." >&2
load_start=$(now)
# Source keys are even (2..2 ROWS): extra rows take odd keys between them, scattered.
stride=$((ROWS / 1000000))
psql_db <<SQL
DROP TABLE IF EXISTS $A, $B, $C;
CREATE TABLE $A (id bigint PRIMARY KEY, name text, score int, updated timestamptz);
INSERT INTO $A SELECT 2 * g, md5(g::text), g % 1000, '2026-01-01'::timestamptz + g * interval '1 second' FROM generate_series(1, $ROWS) g;
CREATE TABLE $B (LIKE $A INCLUDING ALL);
INSERT INTO $B SELECT * FROM $A;
CREATE TABLE $C (LIKE $A INCLUDING ALL);
INSERT INTO $C SELECT * FROM $A;
-- 100 changed, 50 missing, 50 extra, spread over the whole key range.
UPDATE $B SET score = -1 WHERE id IN (SELECT 2 * (1 + k * 9973 * $stride) FROM generate_series(0, 99) k);
DELETE FROM $B WHERE id IN (SELECT 2 * (5000 + k * 19961 * $stride) FROM generate_series(0, 49) k);
INSERT INTO $B SELECT 2 * (7000 + k * 19937 * $stride) + 1, 'extra', 1, now() FROM generate_series(0, 49) k;
VACUUM ANALYZE $A; VACUUM ANALYZE $B; VACUUM ANALYZE $C;
SQL
echo "loaded in $(echo "$(now) - $load_start" | bc) s" >&2
fi

limit_query() { echo "SELECT count(*), bit_xor(hashtextextended(t::text, 0)) FROM $1 t"; }
limit_pair() {
    PGOPTIONS="$1" psql_db -At -c "$(limit_query "$2")" >/dev/null &
    PGOPTIONS="$1" psql_db -At -c "$(limit_query "$3")" >/dev/null &
    wait
}
best_limit() {
    local on off
    on=$(time_cmd "$ROUNDS" limit_pair "-c jit=on" "$1" "$2")
    off=$(time_cmd "$ROUNDS" limit_pair "-c jit=off -c work_mem=64MB" "$1" "$2")
    echo "$on $off" | awk '{ print ($1 < $2) ? $1 : $2 }'
}

# scry_exact: whether scry-bench-diff's last output names exactly the planted differences.
scry_exact() { grep -q 'differences=200 changed=100 missing=50 extra=50 ' "$LAST_OUTPUT" && echo yes || echo no; }

echo "timing..." >&2
scry=$(time_cmd "$ROUNDS" "$BIN" --source "$URI" --source-table $A --target "$URI" --target-table $B --key id)
scry_line=$(cat "$LAST_OUTPUT") scry_ok=$(scry_exact) scry_rss=$(cat "$LAST_RSS")
limit=$(best_limit $A $B)

declare -A sweep sweep_ok
best=
for n in $BUCKETS; do
    sweep[$n]=$(time_cmd "$ROUNDS" "$BIN" --source "$URI" --source-table $A --target "$URI" --target-table $B --key id --rows-per-bucket "$n")
    sweep_ok[$n]=$(scry_exact)
    if [ -z "$best" ] || [ "$(echo "${sweep[$n]} < $best" | bc)" = 1 ]; then best=${sweep[$n]}; fi
done

scry_same=$(time_cmd "$ROUNDS" "$BIN" --source "$URI" --source-table $A --target "$URI" --target-table $C --key id)
scry_same_line=$(cat "$LAST_OUTPUT")
limit_same=$(best_limit $A $C)

pgc=n/a pgc_ok=n/a pgc_rss=n/a pgc_line=""
if command -v pg_comparator >/dev/null; then
    psql_db -c "CREATE EXTENSION IF NOT EXISTS pgcmp" >/dev/null
    cols=id:name,score,updated
    pgc=$(time_cmd "$ROUNDS" pg_comparator "pgsql://postgres@$HOST:$PORT/$DB/$A?$cols" "pgsql://postgres@$HOST:$PORT/$DB/$B?$cols")
    pgc_rss=$(cat "$LAST_RSS")
    # What to apply to the second table to make it the first: 100 UPDATE, 50 INSERT (missing
    # there), 50 DELETE (extra there).
    pgc_line=$(grep -cE '^(UPDATE|INSERT|DELETE) ' "$LAST_OUTPUT" || true)
    if [ "$(grep -c '^UPDATE ' "$LAST_OUTPUT")" = 100 ] && [ "$(grep -c '^INSERT ' "$LAST_OUTPUT")" = 50 ] \
       && [ "$(grep -c '^DELETE ' "$LAST_OUTPUT")" = 50 ] && [ "$pgc_line" = 200 ]; then pgc_ok=yes; else pgc_ok=no; fi
    pgc_line="$pgc_line differences reported"
else
    echo "pg_comparator is not installed (postgresql-comparator): its column is left out" >&2
fi

reladiff_default=n/a reladiff_tuned=n/a reladiff_default_line="" reladiff_tuned_line=""
if [ "$RELADIFF" = 1 ] && [ -x "$RELADIFF_VENV/bin/reladiff" ]; then
    # Two database arguments: the cross-database form, so reladiff bisects (hashdiff) rather
    # than joining inside one database, as it must between a primary and a replica.
    columns=(-k id -c name -c score -c updated -a hashdiff --stats)
    reladiff_default=$(time_cmd "$RELADIFF_ROUNDS" "$RELADIFF_VENV/bin/reladiff" "$URI" $A "$URI" $B "${columns[@]}")
    reladiff_default_line=$(tr '\n' ' ' <"$LAST_OUTPUT")
    reladiff_tuned=$(time_cmd "$RELADIFF_ROUNDS" "$RELADIFF_VENV/bin/reladiff" "$URI" $A "$URI" $B "${columns[@]}" --threads 8 --bisection-threshold 100000)
    reladiff_tuned_line=$(tr '\n' ' ' <"$LAST_OUTPUT")
else
    echo "reladiff left out (RELADIFF=0, or it could not be installed)" >&2
fi

ratio() { if [ "$2" = n/a ] || [ "$1" = n/a ]; then echo n/a; else echo "scale=2; $1 / $2" | bc; fi; }
echo
echo "$ROWS rows per table, 200 planted differences; median of $ROUNDS (reladiff: $RELADIFF_ROUNDS), whole processes"
printf '%-50s %8s s   exact=%s rss=%s KiB   %s\n' "scry (scry-bench-diff, defaults)" "$scry" "$scry_ok" "$scry_rss" "$scry_line"
for n in $BUCKETS; do
    printf '%-50s %8s s   exact=%s   %s x the best setting\n' "scry --rows-per-bucket $n" "${sweep[$n]}" "${sweep_ok[$n]}" "$(ratio "${sweep[$n]}" "$best")"
done
printf '%-50s %8s s\n' "limit: one aggregate per table, both at once" "$limit"
printf '%-50s %8s s   exact=%s rss=%s KiB   %s\n' "pg_comparator, defaults" "$pgc" "$pgc_ok" "$pgc_rss" "$pgc_line"
printf '%-50s %8s s   %s\n' "reladiff, defaults" "$reladiff_default" "$reladiff_default_line"
printf '%-50s %8s s   %s\n' "reladiff --threads 8 --bisection-threshold 100000" "$reladiff_tuned" "$reladiff_tuned_line"
printf '%-50s %8s s   %s\n' "scry, no drift (identical tables)" "$scry_same" "$scry_same_line"
printf '%-50s %8s s\n' "limit, no drift" "$limit_same"
echo
echo "scry / limit:                 $(ratio "$scry" "$limit")"
echo "scry / limit, no drift:       $(ratio "$scry_same" "$limit_same")"
echo "pg_comparator / scry:         $(ratio "$pgc" "$scry")   (target > 1)"
echo "worst setting / best setting: $(ratio "$(for n in $BUCKETS; do echo "${sweep[$n]}"; done | sort -n | tail -1)" "$best")   (target <= 1.5)"
echo "reladiff defaults / scry:     $(ratio "$reladiff_default" "$scry")"
echo "reladiff tuned / scry:        $(ratio "$reladiff_tuned" "$scry")"
rm -f "$LAST_OUTPUT" "$LAST_RSS" "$LAST_RSS.one"
