#!/usr/bin/env bash
# benchmarks/redis-tls.sh: what TLS costs Scry's Redis reads, against plain TCP and against
# redis-cli --tls, on the stack's standalone server (one process, a plain port and a TLS port
# that asks for a client certificate), in one run.
#
# Loads KEYS keys (default 200000) named benchtls:N into the standalone server, then times,
# ROUNDS times each (default 3), and reports the median of:
#   - SCAN of those keys (MATCH benchtls:*, COUNT $COUNT, default 1000):
#       scry-bench-scan (release) over plain TCP, and over TLS (Scry's TLSTunnel under hiredis);
#       redis-cli --scan --pattern … | wc -l, plain and with --tls (redis-cli sends no COUNT,
#       so the server's 10: it makes 100x the round trips; the ratio is given as measured);
#   - SCAN with TYPE and PTTL of every key pipelined per batch (scry-bench-scan --facts),
#     plain and TLS; against redis-cli --pipe sending TYPE and PTTL for every key, plain
#     and with --tls (one pipeline of 2 × KEYS commands, replies read as they come);
# and prints the ratios TLS / plain for each tool, and Scry / redis-cli over TLS.
#
# Whole processes are timed, start-up and the TLS handshake included, for both tools.
# Afterwards the benchmark's keys are deleted (UNLINK); nothing else is touched. Needs the
# stack: scripts/stack up.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
cd "$REPO_ROOT"

KEYS=${KEYS:-200000}
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-1000}

say() { printf 'redis-tls: %s\n' "$*" >&2; }
die() { printf 'redis-tls: error: %s\n' "$*" >&2; exit 1; }

eval "$(scripts/stack env)"
HOST=${SCRY_REDIS_HOST:-127.0.0.1}
PLAIN=${SCRY_REDIS_PORT:?}
TLS=${SCRY_REDIS_TLS_PORT:?scripts/stack env gave no TLS port: scripts/stack up}
CERTS=${SCRY_TLS_DIR:?}
TLS_CLI=(--tls --cacert "$CERTS/ca.crt" --cert "$CERTS/client.crt" --key "$CERTS/client.key")
TLS_SCRY=(--tls-ca "$CERTS/ca.crt" --tls-cert "$CERTS/client.crt" --tls-key "$CERTS/client.key")
[[ $(redis-cli -h "$HOST" -p "$PLAIN" PING) == PONG ]] || die "Redis is not answering on $PLAIN (scripts/stack status)"
[[ $(redis-cli -h "$HOST" -p "$TLS" "${TLS_CLI[@]}" PING) == PONG ]] || die "Redis is not answering over TLS on $TLS"

if [[ ${SKIP_BUILD:-0} != 1 ]]; then  # SKIP_BUILD=1: use the release binary already built
  say "building scry-bench-scan (-c release)"
  swift build -c release --product scry-bench-scan >&2
fi
BIN=$(swift build -c release --show-bin-path)/scry-bench-scan

cleanup() {
  redis-cli -h "$HOST" -p "$PLAIN" --scan --pattern 'benchtls:*' \
    | xargs -r -n 5000 redis-cli -h "$HOST" -p "$PLAIN" UNLINK >/dev/null || say "warning: could not delete the keys"
}
trap cleanup EXIT
cleanup

say "loading $KEYS keys"
awk -v n="$KEYS" 'BEGIN { for (i = 0; i < n; i++) { key = "benchtls:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nx\r\n", length(key), key } }' \
  | redis-cli -h "$HOST" -p "$PLAIN" --pipe | grep -q 'errors: 0,' || die "loading failed"

# TYPE and PTTL for every key, as redis-cli --pipe input.
FACTS=$(mktemp)
trap 'cleanup; rm -f "$FACTS"' EXIT
awk -v n="$KEYS" 'BEGIN { for (i = 0; i < n; i++) { key = "benchtls:" i
  printf "*2\r\n$4\r\nTYPE\r\n$%d\r\n%s\r\n*2\r\n$4\r\nPTTL\r\n$%d\r\n%s\r\n", length(key), key, length(key), key } }' >"$FACTS"

now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p; s/^$1=\([^ ]*\).*/\1/p" <<< "$2" | head -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# timed NAME EXPECTED CMD...: runs CMD ROUNDS times; its last output line must contain EXPECTED
# keys (a number, or a redis-cli --pipe summary); sets RESULT to the median seconds.
timed() {
  local name=$1 expected=$2 t0 t1 out times=() i
  shift 2
  for ((i = 0; i < ROUNDS; i++)); do
    t0=$(now)
    out=$("$@" | tail -n 1)
    t1=$(now)
    [[ $out == *"$expected"* ]] || die "$name: expected '$expected' in its output, got '$out'"
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
  done
  RESULT=$(median "${times[@]}")
  say "$name: ${times[*]} s (median $RESULT s)"
}

scry_scan() { "$BIN" --standalone "$HOST:$1" --match 'benchtls:*' --count "$COUNT" "${@:2}"; }
cli_scan() { redis-cli -h "$HOST" -p "$1" "${@:2}" --scan --pattern 'benchtls:*' | wc -l; }
cli_facts() { redis-cli -h "$HOST" -p "$1" "${@:2}" --pipe <"$FACTS" 2>&1; }

timed "scry scan, plain" "keys=$KEYS " scry_scan "$PLAIN"; SCAN_PLAIN=$RESULT
timed "scry scan, TLS" "keys=$KEYS " scry_scan "$TLS" "${TLS_SCRY[@]}"; SCAN_TLS=$RESULT
timed "redis-cli --scan, plain" "$KEYS" cli_scan "$PLAIN"; CLI_SCAN_PLAIN=$RESULT
timed "redis-cli --scan, TLS" "$KEYS" cli_scan "$TLS" "${TLS_CLI[@]}"; CLI_SCAN_TLS=$RESULT
timed "scry scan + TYPE/PTTL pipelined, plain" "typed=$KEYS " scry_scan "$PLAIN" --facts; FACTS_PLAIN=$RESULT
timed "scry scan + TYPE/PTTL pipelined, TLS" "typed=$KEYS " scry_scan "$TLS" --facts "${TLS_SCRY[@]}"; FACTS_TLS=$RESULT
timed "redis-cli --pipe TYPE/PTTL, plain" "replies: $((2 * KEYS))" cli_facts "$PLAIN"; CLI_FACTS_PLAIN=$RESULT
timed "redis-cli --pipe TYPE/PTTL, TLS" "replies: $((2 * KEYS))" cli_facts "$TLS" "${TLS_CLI[@]}"; CLI_FACTS_TLS=$RESULT

cat <<EOF
redis-tls: $KEYS keys, median of $ROUNDS, whole processes (seconds)
                                   plain      TLS   TLS/plain
scry SCAN (COUNT $COUNT)          $(printf '%8s %8s %8s' "$SCAN_PLAIN" "$SCAN_TLS" "$(ratio "$SCAN_TLS" "$SCAN_PLAIN")")
redis-cli --scan (COUNT 10)       $(printf '%8s %8s %8s' "$CLI_SCAN_PLAIN" "$CLI_SCAN_TLS" "$(ratio "$CLI_SCAN_TLS" "$CLI_SCAN_PLAIN")")
scry SCAN + TYPE/PTTL pipelined   $(printf '%8s %8s %8s' "$FACTS_PLAIN" "$FACTS_TLS" "$(ratio "$FACTS_TLS" "$FACTS_PLAIN")")
redis-cli --pipe TYPE/PTTL        $(printf '%8s %8s %8s' "$CLI_FACTS_PLAIN" "$CLI_FACTS_TLS" "$(ratio "$CLI_FACTS_TLS" "$CLI_FACTS_PLAIN")")
over TLS, scry / redis-cli: SCAN $(ratio "$SCAN_TLS" "$CLI_SCAN_TLS"), SCAN + pipelined reads $(ratio "$FACTS_TLS" "$CLI_FACTS_TLS")
EOF
