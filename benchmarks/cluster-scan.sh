#!/usr/bin/env bash
# benchmarks/cluster-scan.sh: a full-keyspace SCAN of a 1M-key Redis Cluster, Scry against
# `redis-cli --scan` run on each master, in one run.
#
# Loads KEYS_PER_MASTER keys (default 333334, so 1,000,002 in all) into each master of the
# local stack's cluster, then times, ROUNDS times each (default 3) and reports the median:
#   - scry-bench-scan (release build): Scry's RedisCluster.scan over every master, in parallel,
#     SCAN ... COUNT $COUNT (default 1000), counting the keys it is handed; and the same with
#     COUNT 10, redis-cli's own, for a like-for-like number of round trips;
#   - redis-cli --scan | wc -l on each master, one after the other, and all at once. redis-cli
#     7.0 sends no COUNT (so the server's 10) and has no option to change it;
# and prints the ratio scry / redis-cli from this run, and both key counts, which must match.
# Also times Scry's scan with TYPE and PTTL pipelined per batch, and Scry's scan of the
# replicas (replica-preferred, after READONLY).
#
# Whole processes are timed, start-up included, for both tools.
#
# Keys: not DEBUG POPULATE. It creates keys on the node it is sent to whether or not that
# node owns their slots (SCAN on a master would still return them), but it is not replicated:
# the replicas would hold none of the keys, and a failover during the run (the test suite
# makes some) would lose a third of them or leave them on a demoted master. Instead each
# master gets `SET bench:{TAG}:0 … :N-1` through `redis-cli --pipe` (about 1 s per master),
# with a hash tag chosen so that its slot belongs to that master: a real cluster keyspace,
# every key on its owner and its replica, readable through the cluster.
#
# Afterwards the benchmark's keys are deleted (UNLINK, per master); nothing else is touched
# (no FLUSHALL), so fixtures of tests running at the same time survive. Their keys are counted
# too, though, and a test writing while this runs makes the counts differ: run it on a quiet
# stack. Needs the stack: scripts/stack up.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd "$REPO_ROOT"

KEYS_PER_MASTER=${KEYS_PER_MASTER:-333334}
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-1000}

say() { printf 'cluster-scan: %s\n' "$*" >&2; }
die() { printf 'cluster-scan: error: %s\n' "$*" >&2; exit 1; }

eval "$(scripts/stack env)"
HOST=${SCRY_REDIS_HOST:-127.0.0.1}
IFS=, read -r -a PORTS <<< "${SCRY_REDIS_CLUSTER_PORTS:?scripts/stack env gave no cluster ports}"
cli() { local port=$1; shift; redis-cli -h "$HOST" -p "$port" "$@"; }
cli "${PORTS[0]}" CLUSTER INFO | grep -q 'cluster_state:ok' || die "the cluster is not healthy (scripts/stack status)"

say "building scry-bench-scan (-c release)"
swift build -c release --product scry-bench-scan >&2
BIN=$(swift build -c release --show-bin-path)/scry-bench-scan
SEEDS=$(printf "$HOST:%s," "${PORTS[@]}"); SEEDS=${SEEDS%,}

# The masters that serve slots, and each one's slot ranges, from CLUSTER NODES.
mapfile -t MASTER_LINES < <(cli "${PORTS[0]}" CLUSTER NODES | awk '$3 ~ /master/ && NF >= 9')
((${#MASTER_LINES[@]} == 3)) || die "expected 3 masters with slots, found ${#MASTER_LINES[@]}"

owns() {  # owns SLOT RANGE... : whether one of the ranges holds the slot
  local slot=$1 range low high; shift
  for range in "$@"; do
    [[ $range == \[* ]] && continue
    low=${range%-*}; high=${range#*-}
    ((slot >= low && slot <= high)) && return 0
  done
  return 1
}

MASTERS=(); TAGS=()
for line in "${MASTER_LINES[@]}"; do
  read -r -a fields <<< "$line"
  address=${fields[1]%@*}; port=${address##*:}
  i=0
  while :; do
    tag="scrybench$i"
    slot=$(cli "$port" CLUSTER KEYSLOT "$tag")
    owns "$slot" "${fields[@]:8}" && break
    i=$((i + 1))
  done
  MASTERS+=("$port"); TAGS+=("$tag")
done

cleanup() {
  local index port
  for index in "${!MASTERS[@]}"; do
    port=${MASTERS[$index]}
    cli "$port" --scan --pattern "bench:{${TAGS[$index]}}:*" \
      | xargs -r -n 5000 redis-cli -h "$HOST" -p "$port" UNLINK >/dev/null || say "warning: could not delete the keys on $port"
  done
}
trap cleanup EXIT
cleanup  # what an interrupted run may have left

say "loading $KEYS_PER_MASTER keys into each of ${MASTERS[*]}"
for index in "${!MASTERS[@]}"; do
  awk -v tag="${TAGS[$index]}" -v n="$KEYS_PER_MASTER" 'BEGIN {
    for (i = 0; i < n; i++) { key = "bench:{" tag "}:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nx\r\n", length(key), key }
  }' | cli "${MASTERS[$index]}" --pipe | grep 'errors: 0,' >/dev/null || die "loading ${MASTERS[$index]} failed"
done
for port in "${MASTERS[@]}"; do
  cli "$port" WAIT 1 60000 >/dev/null  # the replica scan needs the replicas to have them all
done

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<< "$2" | head -1; }

scan_scry() {  # scan_scry COUNT ARGS... : sets SCRY_KEYS, SCRY_SECONDS, SCRY_LINE
  local t0 t1 count=$1; shift
  t0=$(now)
  SCRY_LINE=$("$BIN" --seeds "$SEEDS" --count "$count" "$@")
  t1=$(now)
  SCRY_KEYS=$(field keys "$SCRY_LINE")
  SCRY_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

scan_cli_sequential() {  # sets CLI_KEYS, CLI_SECONDS
  local t0 t1 port total=0 n
  t0=$(now)
  for port in "${MASTERS[@]}"; do
    n=$(cli "$port" --scan | wc -l)
    total=$((total + n))
  done
  t1=$(now)
  CLI_KEYS=$total
  CLI_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

scan_cli_parallel() {  # sets CLI_KEYS, CLI_SECONDS
  local t0 t1 port total=0 dir
  dir=$(mktemp -d)
  t0=$(now)
  for port in "${MASTERS[@]}"; do
    (cli "$port" --scan | wc -l > "$dir/$port") &
  done
  wait
  t1=$(now)
  for port in "${MASTERS[@]}"; do total=$((total + $(cat "$dir/$port"))); done
  rm -rf "$dir"
  CLI_KEYS=$total
  CLI_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

scry_times=(); scry10_times=(); seq_times=(); par_times=(); facts_times=(); replica_times=()
mismatch=0
check() {  # check WHAT COUNT
  [[ $2 == "$cli_keys" ]] || { say "round $round: $1 counted $2 keys, redis-cli $cli_keys"; mismatch=1; }
}
for round in $(seq 1 "$ROUNDS"); do
  scan_cli_sequential; seq_times+=("$CLI_SECONDS"); cli_keys=$CLI_KEYS
  scan_scry "$COUNT"; scry_times+=("$SCRY_SECONDS"); scry_keys=$SCRY_KEYS; scry_line=$SCRY_LINE
  check scry "$scry_keys"
  scan_cli_parallel; par_times+=("$CLI_SECONDS")
  check "redis-cli in parallel" "$CLI_KEYS"
  scan_scry 10; scry10_times+=("$SCRY_SECONDS")
  check "scry with COUNT 10" "$SCRY_KEYS"
  scan_scry "$COUNT" --facts; facts_times+=("$SCRY_SECONDS"); facts_line=$SCRY_LINE
  check "scry with TYPE and PTTL" "$SCRY_KEYS"
  scan_scry "$COUNT" --policy replica-preferred; replica_times+=("$SCRY_SECONDS"); replica_line=$SCRY_LINE
  check "scry on the replicas" "$SCRY_KEYS"
  say "round $round: scry ${scry_times[-1]} s (COUNT 10: ${scry10_times[-1]} s), redis-cli one by one ${seq_times[-1]} s, in parallel ${par_times[-1]} s"
done

scry=$(median "${scry_times[@]}"); scry10=$(median "${scry10_times[@]}"); seq_cli=$(median "${seq_times[@]}")
par_cli=$(median "${par_times[@]}"); facts=$(median "${facts_times[@]}"); replica=$(median "${replica_times[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

cat <<REPORT
Full-keyspace SCAN of a 3-master Redis Cluster ($(redis-cli --version)), $(nproc) cores, median of $ROUNDS rounds
keys: scry $scry_keys, redis-cli $cli_keys ($([[ $scry_keys == "$cli_keys" ]] && echo match || echo MISMATCH))
scry-bench-scan, COUNT $COUNT, masters in parallel         $scry s   (last round: $scry_line)
scry-bench-scan, COUNT 10, masters in parallel           $scry10 s
redis-cli --scan | wc -l, masters one after another       $seq_cli s
redis-cli --scan | wc -l, masters in parallel             $par_cli s
ratio scry / redis-cli, both in parallel                  $(ratio "$scry" "$par_cli")
ratio scry / redis-cli, redis-cli one master at a time    $(ratio "$scry" "$seq_cli")
ratio scry COUNT 10 / redis-cli, both in parallel         $(ratio "$scry10" "$par_cli")
scry with TYPE and PTTL pipelined per batch               $facts s   ($(field typed "$facts_line") keys typed)
scry on the replicas (replica-preferred, READONLY)        $replica s   ($(field keys "$replica_line") keys from $(field roles "$replica_line") nodes)
REPORT
exit "$mismatch"
