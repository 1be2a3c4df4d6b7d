#!/usr/bin/env bash
# benchmarks/tui.sh: Scry's terminal UI on the large demo scale (1,000,000 characters,
# 10,000,000 events, ~1.5M Redis keys of which 1M are cache:character:{id}), in one run, side by
# side with what a user would run instead:
#   1. start-up: process start → first frame, → first data frame (World kinds with their row
#      estimates and the Redis root level's entries drawn), → Redis root level complete (a SCAN
#      of every key), headless (scry-bench-tui); the real `scry` in tmux (ncurses included),
#      polled with capture-pane; against the time to first output of
#      `psql -c 'SELECT * FROM characters ORDER BY id LIMIT 50'` and `redis-cli --scan | head -50`;
#   2. keypress → frame latency: j in World › character with nothing running and while the
#      Redis pane scans cache:character: (1M keys); j/k in that 1M-entry Redis level with nothing
#      running and while World › character reads with a filter that matches nothing (the server
#      scans 1M rows); median, p95 and max of KEYS presses each (default 50);
#   3. peak memory: World › character scrolled with G to row 1,000,000, and the Redis tree at
#      cache:character: scanned whole and scrolled to its end; VmHWM and growth over the RSS at
#      start-up, against /usr/bin/time's max RSS of `psql -c 'SELECT * FROM characters'`
#      (psql holds the whole result), psql with FETCH_COUNT 1000, and
#      `redis-cli --scan --pattern 'cache:character:*'`;
#   4. sorting (SCENARIOS containing sort): s on World › character's `level` (no index) → the
#      first sorted page, against psql's first output of the same ORDER BY … LIMIT; j in the
#      sorted rows; S on the key (an index) and G to row 1,000,000, VmHWM;
#   5. columns (SCENARIOS containing columns): l/h, >/< and -/+ in World › character, keypress
#      → frame;
#   6. 10M rows (SCENARIOS containing scroll10m): World › scroll_row, a table of 10,000,000 rows
#      (generate_series, in the database scry_bench_rows, created once and kept), scrolled with G
#      to its last row; VmHWM against psql with FETCH_COUNT 1000 over the same table.
# SCENARIOS (default "startup latency memory sort columns scroll10m") runs a part of them; ONLY_BENCH=1
# skips the peers and tmux (for comparing two builds of scry-bench-tui, BENCH=path).
# Every figure is from this one run (the machine is shared and noisy): ratios first, absolute
# numbers beside them. Whole processes are timed from bash's $EPOCHREALTIME before they start.
#
# Needs the stack (scripts/stack up) and the large scale in scry_bench_world,
# scry_bench_campaign and Redis database 13: if they are not there, benchmarks/load-large.sh
# --keep loads them (about 3 minutes, 3 GB). They are kept afterwards; to free them:
#   benchmarks/tui.sh --clean      (drops the three databases and flushes Redis database 13)
# Builds: swift build -c release --product scry-bench-tui, and --product scry for tmux.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd "$REPO_ROOT"

KEYS=${KEYS:-50}
WIDTH=160 HEIGHT=48
say() { printf 'tui: %s\n' "$*" >&2; }
die() { printf 'tui: error: %s\n' "$*" >&2; exit 1; }

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then
  export PATH="/opt/swift/usr/bin:$PATH"
fi
eval "$(scripts/stack env)"
export PGUSER=${PGUSER:-postgres}
world_db=${SCRY_BENCH_WORLD_DB:-scry_bench_world}
campaign_db=${SCRY_BENCH_CAMPAIGN_DB:-scry_bench_campaign}
redis_db=${SCRY_BENCH_REDIS_DB:-13}
rows_db=${SCRY_BENCH_ROWS_DB:-scry_bench_rows}
rcli() { redis-cli -h "$SCRY_REDIS_HOST" -p "$SCRY_REDIS_PORT" -n "$redis_db" "$@"; }
psql_world() { psql -X -h "$SCRY_PG_HOST" -p "$SCRY_PG_PRIMARY_PORT" -d "$world_db" "$@"; }

if [[ ${1:-} == --clean ]]; then
  for db in "$world_db" "$campaign_db" "$rows_db"; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"; done
  rcli FLUSHDB >/dev/null
  say "dropped $world_db, $campaign_db and $rows_db, flushed Redis database $redis_db"
  exit 0
fi

# The large scale, loaded unless it is there.
characters=$(psql_world -At -c "SELECT count(*) FROM characters" 2>/dev/null || echo 0)
if [[ $characters != 1000000 ]] || (($(rcli DBSIZE) < 1400000)); then
  say "the large scale is not loaded (characters: $characters): running benchmarks/load-large.sh --keep"
  SCRY_BENCH_WORLD_DB=$world_db SCRY_BENCH_CAMPAIGN_DB=$campaign_db SCRY_BENCH_REDIS_DB=$redis_db \
    benchmarks/load-large.sh --keep >&2
fi
export SCRY_WORLD_DB=$world_db SCRY_CAMPAIGN_DB=$campaign_db SCRY_CACHE_DB=$redis_db

say "building scry-bench-tui and scry (-c release)"
swift build -c release --product scry-bench-tui >&2
swift build -c release --product scry >&2
BIN_DIR=$(swift build -c release --show-bin-path)
BENCH=${BENCH:-$BIN_DIR/scry-bench-tui}
SCENARIOS=${SCENARIOS:-startup latency memory sort columns scroll10m}
has() { [[ " $SCENARIOS " == *" $1 "* ]]; }
SCRY=$BIN_DIR/scry
ATLAS=demo/atlas.toml

field() { sed -n "s/.*\(^\| \)$1=\([^ ]*\).*/\2/p" <<< "$2" | head -1; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# first_output CMD...: milliseconds from start to the first line CMD writes.
first_output() {
  local t0=$EPOCHREALTIME t1
  t1=$("$@" 2>/dev/null | { IFS= read -r _; echo "$EPOCHREALTIME"; cat >/dev/null; })
  ms "$t0" "$t1"
}

line="" lat="" rows="" keys="" sorted="" cols="" rows10m=""
head_first=n/a head_data=n/a head_root=n/a root_keys=n/a psql_first=0 redis_first=0 redis_all=0 both=0 count_option=()
tmux_first=n/a tmux_data=n/a tmux_root=n/a
tmp=$(mktemp)
socket=scry-bench-tui-$$
rows_atlas=$(mktemp)
trap 'rm -f "$tmp" "$rows_atlas"; tmux -L "$socket" kill-session -t bench 2>/dev/null || true' EXIT
if has startup; then
# ---------------------------------------------------------------- 1. start-up
say "1/3 start-up"
t0=$EPOCHREALTIME
line=$("$BENCH" first-frame --atlas "$ATLAS" --width $WIDTH --height $HEIGHT)
head_first=$(ms "$t0" "$(field first_frame_epoch "$line")")
head_data=$(ms "$t0" "$(field first_data_frame_epoch "$line")")
head_root=$(ms "$t0" "$(field redis_root_complete_epoch "$line")")
root_keys=$(field root_keys "$line")
psql_first=$(first_output psql_world -c 'SELECT * FROM characters ORDER BY id LIMIT 50')
count_option=()
if rcli --help 2>&1 | grep -q -- '--count'; then count_option=(--count 1000); fi
redis_first=$(first_output bash -c "redis-cli -h $SCRY_REDIS_HOST -p $SCRY_REDIS_PORT -n $redis_db --scan ${count_option[*]} | head -50")
t0=$EPOCHREALTIME
rcli --scan "${count_option[@]}" | wc -l >/dev/null
redis_all=$(ms "$t0" "$EPOCHREALTIME")
both=$((psql_first > redis_first ? psql_first : redis_first))

# The real binary in tmux, on a server of its own; capture-pane every few ms.
if [[ -z ${ONLY_BENCH:-} ]] && command -v tmux >/dev/null 2>&1; then
  t0=$EPOCHREALTIME
  tmux -L "$socket" -f /dev/null new-session -d -s bench -x $WIDTH -y $HEIGHT \
    "env SCRY_WORLD_DB=$world_db SCRY_CAMPAIGN_DB=$campaign_db SCRY_CACHE_DB=$redis_db PGUSER=$PGUSER TERM=screen-256color $SCRY --atlas $ATLAS"
  deadline=$(awk -v t="$t0" 'BEGIN { printf "%.0f", t + 120 }')
  while [[ ${EPOCHREALTIME%.*} -lt $deadline ]]; do
    screen=$(tmux -L "$socket" capture-pane -p -t bench 2>/dev/null || true)
    now=$EPOCHREALTIME
    if [[ $tmux_first == n/a && $screen == *Scry* ]]; then tmux_first=$(ms "$t0" "$now"); fi
    if [[ $tmux_data == n/a && $screen == *character*≈* && $screen == *▸* ]]; then tmux_data=$(ms "$t0" "$now"); fi
    if [[ $screen == *" entries · "* ]]; then tmux_root=$(ms "$t0" "$now"); break; fi
    sleep 0.003
  done
  tmux -L "$socket" kill-session -t bench 2>/dev/null || true
else
  say "no tmux: the real binary is not timed"
fi

fi

# ---------------------------------------------------------------- 2. latency
if has latency; then
say "2/3 keypress latency ($KEYS keys per case)"
lat=$("$BENCH" latency --atlas "$ATLAS" --width $WIDTH --height $HEIGHT --keys "$KEYS")
fi

# ---------------------------------------------------------------- 3. memory
psql_all_kib=0 psql_all_s=0 psql_fetch_kib=0 psql_fetch_s=0 rcli_kib=0 rcli_s=0
timed() { /usr/bin/time -f '%M %e' -o "$tmp" "$@" >/dev/null 2>&1 || die "failed: $*"; tail -1 "$tmp"; }
if has memory; then
say "3/3 memory: World › character to row 1,000,000"
rows=$("$BENCH" memory-rows --atlas "$ATLAS" --width $WIDTH --height $HEIGHT --keys "$KEYS")
say "3/3 memory: the Redis tree at cache:character:"
keys=$("$BENCH" memory-keys --atlas "$ATLAS" --width $WIDTH --height $HEIGHT --keys "$KEYS")
if [[ -z ${ONLY_BENCH:-} ]]; then
read -r psql_all_kib psql_all_s < <(timed psql -X -h "$SCRY_PG_HOST" -p "$SCRY_PG_PRIMARY_PORT" -d "$world_db" -c 'SELECT * FROM characters')
read -r psql_fetch_kib psql_fetch_s < <(timed bash -c "printf '\\\\set FETCH_COUNT 1000\nSELECT * FROM characters;\n' | psql -X -h $SCRY_PG_HOST -p $SCRY_PG_PRIMARY_PORT -d $world_db")
read -r rcli_kib rcli_s < <(timed redis-cli -h "$SCRY_REDIS_HOST" -p "$SCRY_REDIS_PORT" -n "$redis_db" --scan --pattern 'cache:character:*')
fi
fi

# ---------------------------------------------------------------- 4. sort
psql_sorted_first=0
if has sort; then
  say "4/5 sorting: s on level, S on id and G to row 1,000,000"
  sorted=$("$BENCH" sort --atlas "$ATLAS" --width $WIDTH --height $HEIGHT --keys "$KEYS" --column level)
  if [[ -z ${ONLY_BENCH:-} ]]; then
    psql_sorted_first=$(first_output psql_world -c 'SELECT * FROM characters ORDER BY level, id LIMIT 200')
  fi
fi

# ---------------------------------------------------------------- 5. columns
if has columns; then
  say "5/5 columns: l/h, >/<, -/+"
  cols=$("$BENCH" columns --atlas "$ATLAS" --width $WIDTH --height $HEIGHT --keys "$KEYS")
fi

# ---------------------------------------------------------------- 6. 10M rows
psql_10m_kib=0 psql_10m_s=0 rows10m_hwm="" rows10m_base=""
if has scroll10m; then
  psql_rows() { psql -X -q -v ON_ERROR_STOP=1 -h "$SCRY_PG_HOST" -p "$SCRY_PG_PRIMARY_PORT" -d "$rows_db" "$@"; }
  [[ $(psql -X -At -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$rows_db'") == 1 ]] ||
    psql -X -q -d postgres -c "CREATE DATABASE \"$rows_db\""
  if [[ $(psql_rows -At -c "SELECT count(*) FROM scroll_rows" 2>/dev/null || echo 0) != 10000000 ]]; then
    say "6/6 loading 10,000,000 rows into $rows_db.scroll_rows"
    psql_rows <<'SQL'
DROP TABLE IF EXISTS scroll_rows;
CREATE TABLE scroll_rows (id bigint PRIMARY KEY, name text NOT NULL, level int NOT NULL, score numeric NOT NULL, seen timestamptz NOT NULL);
INSERT INTO scroll_rows SELECT g, 'row-' || md5(g::text), g % 100, (g % 9973) / 7.0, timestamptz '2026-01-01' + g * interval '1 second'
  FROM generate_series(1, 10000000) g;
VACUUM ANALYZE scroll_rows;
SQL
  fi
  cat >"$rows_atlas" <<EOF
[atlas]
name = "scroll-10m"

[stores.world]
engine = "postgres"
database = "$rows_db"
primary = "$SCRY_PG_HOST:$SCRY_PG_PRIMARY_PORT"
routing = "primary"

[entities.scroll_row]
store = "world"
table = "scroll_rows"
key = "id"
EOF
  say "6/6 memory: World › scroll_row to row 10,000,000"
  rows10m=$("$BENCH" memory-rows --atlas "$rows_atlas" --kind scroll_row --width $WIDTH --height $HEIGHT --keys "$KEYS")
  rows10m_hwm=$(field vmhwm_kib "$rows10m") rows10m_base=$(field baseline_rss_kib "$rows10m")
  if [[ -z ${ONLY_BENCH:-} ]]; then
    read -r psql_10m_kib psql_10m_s < <(timed bash -c "printf '\\\\set FETCH_COUNT 1000\nSELECT * FROM scroll_rows;\n' | psql -X -h $SCRY_PG_HOST -p $SCRY_PG_PRIMARY_PORT -d $rows_db")
  fi
fi

rows_hwm=$(field vmhwm_kib "$rows"); rows_base=$(field baseline_rss_kib "$rows")
keys_hwm=$(field vmhwm_kib "$keys"); keys_base=$(field baseline_rss_kib "$keys")
keys_scan_ms=$(awk -v s="$(field scan_seconds "$keys")" 'BEGIN { printf "%.0f", s * 1000 }')
rcli_ms=$(awk -v s="$rcli_s" 'BEGIN { printf "%.0f", s * 1000 }')
lf() { field "$1" "$lat"; }

cat <<REPORT

Scry TUI on the large scale ($(nproc) cores, shared; one run; $WIDTH x $HEIGHT; $(redis-cli --version), $(psql --version | cut -d' ' -f1-3))

1. Start-up, process start to frame (ms)
   scry headless: first frame                        $head_first
   scry headless: first data frame                   $head_data   (World kinds with estimates + Redis root entries)
   scry headless: Redis root level complete          $head_root   (SCAN of all $root_keys keys, grouped)
   scry in tmux (ncurses): first frame               $tmux_first   (capture-pane polled every ~5 ms)
   scry in tmux: first data frame                    $tmux_data
   scry in tmux: Redis root level complete           $tmux_root
   psql -c 'SELECT * FROM characters ORDER BY id LIMIT 50', first output    $psql_first
   redis-cli --scan ${count_option[*]}| head -50, first output           $redis_first   (redis-cli $(redis-cli --version | cut -d' ' -f2) has ${count_option[*]:+a }${count_option[*]:-no --count})
   redis-cli --scan | wc -l, whole keyspace          $redis_all
   ratio scry first data frame / psql                $(ratio "$head_data" "$psql_first")
   ratio scry first data frame / redis-cli           $(ratio "$head_data" "$redis_first")
   ratio scry first data frame / both at once (max)  $(ratio "$head_data" "$both")
   ratio scry first data frame / both in turn (sum)  $(ratio "$head_data" $((psql_first + redis_first)))
   ratio scry in tmux / headless, first data frame   $( [[ $tmux_data == n/a ]] && echo n/a || ratio "$tmux_data" "$head_data")
   ratio scry root level complete / redis-cli --scan | wc -l   $(ratio "$head_root" "$redis_all")

2. Keypress → frame that shows it (ms; median / p95 / max of $KEYS keys)
   j in World › character, nothing else running      $(lf world_j_idle_p50_ms) / $(lf world_j_idle_p95_ms) / $(lf world_j_idle_max_ms)
   j in World › character, Redis scanning 1M keys    $(lf world_j_during_scan_p50_ms) / $(lf world_j_during_scan_p95_ms) / $(lf world_j_during_scan_max_ms)   (scans started: $(lf scans_started))
   j/k in Redis at cache:character: ($(lf level_entries) entries), idle  $(lf redis_jk_idle_p50_ms) / $(lf redis_jk_idle_p95_ms) / $(lf redis_jk_idle_max_ms)
   j/k in Redis, World filter scanning 1M rows       $(lf redis_jk_during_filter_p50_ms) / $(lf redis_jk_during_filter_p95_ms) / $(lf redis_jk_during_filter_max_ms)   (reads started: $(lf filter_reads_started))
   j/k at World row 1,000,000 (after scrolling)      $(field jk_at_last_row_p50_ms "$rows") / $(field jk_at_last_row_p95_ms "$rows") / $(field jk_at_last_row_max_ms "$rows")
   PgUp at the end of the 1M-key level               $(field pgup_p50_ms "$keys") / $(field pgup_p95_ms "$keys") / $(field pgup_max_ms "$keys")
   ratio during scan / idle, World j: median $(ratio "$(lf world_j_during_scan_p50_ms)" "$(lf world_j_idle_p50_ms)"), p95 $(ratio "$(lf world_j_during_scan_p95_ms)" "$(lf world_j_idle_p95_ms)")
   ratio during filter / idle, Redis j/k: median $(ratio "$(lf redis_jk_during_filter_p50_ms)" "$(lf redis_jk_idle_p50_ms)"), p95 $(ratio "$(lf redis_jk_during_filter_p95_ms)" "$(lf redis_jk_idle_p95_ms)")
   ratio at row 1,000,000 / at row 1, World j/k median: $(ratio "$(field jk_at_last_row_p50_ms "$rows")" "$(lf world_j_idle_p50_ms)")

3. Peak memory (MiB)
   scry, World › character to row $(field rows "$rows"): VmHWM $(mib "$rows_hwm"), start-up RSS $(mib "$rows_base"), growth $(mib $((rows_hwm - rows_base)))
        ($(field g_presses "$rows") G presses, $(field seconds "$rows") s, $(field rows_per_second "$rows") rows/s; at the end $(field pages "$rows") pages, $(field rows_held "$rows") rows held)
   psql -c 'SELECT * FROM characters' > /dev/null   max RSS $(mib "$psql_all_kib")   ($psql_all_s s)
   psql, \\set FETCH_COUNT 1000                       max RSS $(mib "$psql_fetch_kib")   ($psql_fetch_s s)
   ratio scry VmHWM / psql                           $(ratio "$rows_hwm" "$psql_all_kib")
   ratio scry VmHWM / psql FETCH_COUNT 1000          $(ratio "$rows_hwm" "$psql_fetch_kib")
   scry, Redis tree at cache:character: ($(field entries "$keys") entries), scanned and scrolled to $(field last_key "$keys"):
        VmHWM $(mib "$keys_hwm"), start-up RSS $(mib "$keys_base"), growth $(mib $((keys_hwm - keys_base))), RSS after the scan $(mib "$(field rss_after_scan_kib "$keys")")
   redis-cli --scan --pattern 'cache:character:*' > /dev/null   max RSS $(mib "$rcli_kib")   ($rcli_s s)
   ratio scry VmHWM / redis-cli                      $(ratio "$keys_hwm" "$rcli_kib")
   ratio scry growth / redis-cli                     $(ratio $((keys_hwm - keys_base)) "$rcli_kib")
   time to the whole level: scry $keys_scan_ms ms (Enter → sorted level drawn), redis-cli $rcli_ms ms; ratio $(ratio "$keys_scan_ms" "$rcli_ms")

4. Sorting World › character (1,000,000 rows) in the store
   s on level (no index on it in the large demo): first sorted page   $(field sort_first_page_ms "$sorted") ms
   psql 'SELECT * FROM characters ORDER BY level, id LIMIT 200', first output   $psql_sorted_first ms
   ratio scry / psql                                  $(ratio "$(field sort_first_page_ms "$sorted")" "$psql_sorted_first")
   j in the sorted rows (median / p95 / max)          $(field sorted_j_p50_ms "$sorted") / $(field sorted_j_p95_ms "$sorted") / $(field sorted_j_max_ms "$sorted")
   S on id (indexed), first page                      $(field key_sort_first_page_ms "$sorted") ms
   G to row $(field rows "$sorted") sorted by id down: $(field seconds "$sorted") s, $(field rows_per_second "$sorted") rows/s, VmHWM $(mib "$(field vmhwm_kib "$sorted")") MiB, start RSS $(mib "$(field baseline_rss_kib "$sorted")") MiB

5. Columns in World › character, keypress → frame (ms; median / p95 / max)
   l / h                                              $(field column_lh_p50_ms "$cols") / $(field column_lh_p95_ms "$cols") / $(field column_lh_max_ms "$cols")
   > / <                                              $(field column_widen_p50_ms "$cols") / $(field column_widen_p95_ms "$cols") / $(field column_widen_max_ms "$cols")
   - / +                                              $(field column_hide_p50_ms "$cols") / $(field column_hide_p95_ms "$cols") / $(field column_hide_max_ms "$cols")

6. Scrolling 10,000,000 rows: World › scroll_row with G to row $(field rows "$rows10m") (MiB)
   scry VmHWM $(mib "${rows10m_hwm:-0}"), start-up RSS $(mib "${rows10m_base:-0}"), growth $(mib $((${rows10m_hwm:-0} - ${rows10m_base:-0})))   (target: VmHWM < 64 MB)
        ($(field g_presses "$rows10m") G presses, $(field seconds "$rows10m") s, $(field rows_per_second "$rows10m") rows/s; at the end $(field pages "$rows10m") pages, $(field rows_held "$rows10m") rows held)
   psql, \\set FETCH_COUNT 1000, SELECT * FROM scroll_rows   max RSS $(mib "$psql_10m_kib")   ($psql_10m_s s)
   ratio scry VmHWM / psql FETCH_COUNT 1000          $(ratio "${rows10m_hwm:-0}" "$psql_10m_kib")

Raw lines:
  first-frame: $line
  latency:     $lat
  memory-rows: $rows
  memory-keys: $keys
  sort:        $sorted
  columns:     $cols
  scroll10m:   $rows10m
The large scale stays loaded for the next run; to free it (about 3 GB): benchmarks/tui.sh --clean
REPORT
