# shellcheck shell=bash
# scripts/lib/common.sh: helpers shared by scripts/stack and scripts/pg-pair (sourced).
#
# The sourcing script sets:
#   LOG_TAG        prefix of every message ("stack", "pg-pair")
#   SAY_FD         where say() writes: 1 (default) or 2 when stdout carries data
#   POLL_INTERVAL  seconds between two polls of wait_for (default 0.1)
#   HOST           the address port_open and require_free_port look at (default 127.0.0.1)
#   PORT_HINT      optional advice appended to require_free_port's error

say() { printf '%s: %s\n' "${LOG_TAG:-scripts}" "$*" >&"${SAY_FD:-1}"; }
warn() { printf '%s: warning: %s\n' "${LOG_TAG:-scripts}" "$*" >&2; }
die() {
  printf '%s: error: %s\n' "${LOG_TAG:-scripts}" "$*" >&2
  exit 1
}

# die_log MESSAGE LOGFILE...: fail, showing the tail of each log.
die_log() {
  local msg=$1 f
  shift
  printf '%s: error: %s\n' "${LOG_TAG:-scripts}" "$msg" >&2
  for f in "$@"; do
    if [[ -f $f ]]; then
      printf -- '----- last lines of %s -----\n' "$f" >&2
      tail -n 25 "$f" >&2 || true
      printf -- '-----\n' >&2
    fi
  done
  exit 1
}

now_ms() {
  local ns
  ns=$(date +%s%N)
  echo $((ns / 1000000))
}

elapsed_since() { # start_ms -> "1.23s"
  local d=$(($(now_ms) - $1))
  printf '%d.%02ds' $((d / 1000)) $((d % 1000 / 10))
}

# wait_for SECONDS CMD...: poll CMD every POLL_INTERVAL s until it succeeds; 1 on timeout.
wait_for() {
  local deadline=$(($(now_ms) + $1 * 1000))
  shift
  until "$@"; do
    (($(now_ms) < deadline)) || return 1
    sleep "${POLL_INTERVAL:-0.1}"
  done
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

check_port_value() { # name value
  if ! is_uint "$2" || (($2 < 1 || $2 > 65535)); then
    die "$1 must be a port number (1-65535), got '$2'"
  fi
}

# True if something accepts TCP connections on HOST:PORT (HOST defaults to 127.0.0.1).
port_open() { (exec 3<>"/dev/tcp/${HOST:-127.0.0.1}/$1") 2>/dev/null; }

require_free_port() { # port what (PORT_HINT, if set, is appended to the error)
  if port_open "$1"; then
    die "port ${HOST:-127.0.0.1}:$1 ($2) is already in use by a process this script did not start${PORT_HINT:+; $PORT_HINT}"
  fi
}

# pid_alive PID [COMM]: the process exists, is not a zombie, and (optionally) its comm matches.
# A process that has exited can stay a zombie for seconds, and kill -0 succeeds on it.
pid_alive() {
  local pid=$1 comm=${2:-} state
  is_uint "$pid" || return 1
  state=$(awk '/^State:/ {print $2; exit}' "/proc/$pid/status" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]] || return 1
  if [[ -n $comm ]]; then
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]] || return 1
  fi
}

pid_gone() { ! pid_alive "$1"; }

read_pidfile() { # file -> pid on stdout (first line), or fails
  local pid
  [[ -r $1 ]] || return 1
  read -r pid <"$1" || [[ -n ${pid:-} ]] || return 1
  is_uint "$pid" || return 1
  echo "$pid"
}

# stop_pids COMM PID...: SIGTERM all, wait until gone, SIGKILL leftovers.
stop_pids() {
  local comm=$1 pid ours=()
  shift
  for pid in "$@"; do
    if pid_alive "$pid" "$comm"; then
      ours+=("$pid")
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in ${ours[@]+"${ours[@]}"}; do
    if ! wait_for 15 pid_gone "$pid"; then
      warn "process $pid ($comm) ignored SIGTERM for 15 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_for 10 pid_gone "$pid" || warn "process $pid ($comm) is still alive after SIGKILL"
    fi
  done
}

# run_detached CMD...: run CMD (a command or function) in a subshell that has closed every
# inherited fd above 2, so the daemons it starts keep neither our callers' pipes nor our
# lock files open.
run_detached() {
  (
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if is_uint "$fd" && ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    "$@"
  )
}
