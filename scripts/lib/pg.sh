# shellcheck shell=bash
# scripts/lib/pg.sh: PostgreSQL helpers shared by scripts/stack and scripts/pg-pair, sourced
# after scripts/lib/common.sh. The heart is pg_pair_up, which brings up a primary and a
# streaming replica; both scripts start every pair they run with it.
#
# The sourcing script sets:
#   HOST     the address PostgreSQL listens on and we connect to (127.0.0.1)
#   TIMEOUT  seconds to wait for each readiness step
# and may set SCRY_PG_BINDIR (server binaries; default: pg_config --bindir, else the newest
# /usr/lib/postgresql/*/bin).
#
# As root, the servers and their tools run as user postgres (initdb and postgres refuse root);
# as any other user they run as that user.

# libpq reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGOPTIONS...: settings from the caller's
# environment must not redirect our own admin connections. Names starting with PG_ (our own
# inputs, such as PG_PAIR_PRIMARY_PORT) are not libpq's and are kept.
pg_clean_env() {
  local v
  for v in "${!PG@}"; do
    [[ $v == PG_* ]] || unset "$v"
  done
}

find_pg_bindir() {
  local d candidates=()
  if [[ -n ${SCRY_PG_BINDIR:-} ]]; then
    [[ -x $SCRY_PG_BINDIR/initdb ]] || die "SCRY_PG_BINDIR=$SCRY_PG_BINDIR has no initdb"
    echo "$SCRY_PG_BINDIR"
    return
  fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
      echo "$d"
      return
    fi
  fi
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] && candidates+=("$d")
  done
  ((${#candidates[@]} > 0)) || die "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb); run scripts/bootstrap"
  printf '%s\n' "${candidates[@]}" | sort -V | tail -n 1
}

PG_BIN=
pg_bin() { # name -> path
  [[ -n $PG_BIN ]] || PG_BIN=$(find_pg_bindir)
  echo "$PG_BIN/$1"
}

# pg_require_user: as root, user postgres must exist.
pg_require_user() {
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "user postgres does not exist; run scripts/bootstrap (package postgresql)"
  fi
  pg_bin initdb >/dev/null
}

# Run a command as the user that owns the servers, from a directory it can read.
as_pg() {
  if ((EUID == 0)); then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pg_chown() { # path...: give to the server user (only root needs to)
  ((EUID != 0)) || chown postgres:postgres "$@"
}

pg_locale() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then echo C.UTF-8; else echo C; fi
}

pg_ready() { "$(pg_bin pg_isready)" -q -h "$HOST" -p "$1" -U postgres -d postgres -t 2 >/dev/null 2>&1; }

# pg_q PORT DB SQL: run SQL as postgres, unaligned tuples-only output.
pg_q() {
  PGCONNECT_TIMEOUT=5 "$(pg_bin psql)" -X -q -At -v ON_ERROR_STOP=1 -h "$HOST" -p "$1" -U postgres -d "$2" -c "$3"
}

# pg_psql PORT DB: run the SQL on stdin as postgres, stop at the first error.
pg_psql() {
  PGCONNECT_TIMEOUT=5 "$(pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$1" -U postgres -d "$2"
}

pg_dir_pid() { # data dir -> pid of the live postmaster that owns it
  local pid
  pid=$(read_pidfile "$1/postmaster.pid") || return 1
  pid_alive "$pid" postgres || return 1
  echo "$pid"
}

pg_in_recovery() { pg_q "$1" postgres 'select pg_is_in_recovery()' 2>/dev/null; } # port -> t|f

pg_node_ok() { # dir port expected_recovery(t|f)
  pg_dir_pid "$1" >/dev/null || return 1
  pg_ready "$2" || return 1
  [[ $(pg_in_recovery "$2") == "$3" ]]
}

pg_streaming() { # primary_port replica_cluster_name: the replica streams from that primary
  [[ $(pg_q "$1" postgres "select count(*) from pg_stat_replication where application_name = '$2' and state = 'streaming'" 2>/dev/null) == 1 ]]
}

# pg_start DIR PORT LOG WHAT: start the server of DIR, wait until it accepts connections.
# Its output goes to LOG through an inherited fd, so LOG may sit where postgres cannot write.
pg_start() {
  local dir=$1 port=$2 log=$3 what=$4
  if ! run_detached as_pg "$(pg_bin pg_ctl)" -D "$dir" -w -t "$TIMEOUT" start </dev/null >>"$log" 2>&1; then
    die_log "PostgreSQL $what did not start on $HOST:$port" "$log"
  fi
  wait_for "$TIMEOUT" pg_ready "$port" ||
    die_log "PostgreSQL $what is not answering on $HOST:$port after ${TIMEOUT}s" "$log"
}

# pg_stop DIR...: fast shutdown (SIGINT to the postmaster named by DIR/postmaster.pid) of every
# server that runs, at the same time; wait until each is gone, then immediate shutdown
# (SIGQUIT) and SIGKILL for a server that does not go. Returns 1 if none was running.
pg_stop() {
  local dir pid pids=()
  for dir in "$@"; do
    if pid=$(pg_dir_pid "$dir"); then
      kill -INT "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  ((${#pids[@]} > 0)) || return 1
  for pid in "${pids[@]}"; do
    wait_for 20 pid_gone "$pid" && continue
    warn "PostgreSQL (pid $pid) still running 20 s after a fast shutdown request: immediate shutdown"
    kill -QUIT "$pid" 2>/dev/null || true
    wait_for 10 pid_gone "$pid" && continue
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 10 pid_gone "$pid" || warn "PostgreSQL (pid $pid) is still alive after SIGKILL"
  done
}

# ---------------------------------------------------------------------------- data location

# The data dirs of a script live in STATE_DIR/pg, or in a /tmp/scry-pg.* dir recorded in
# STATE_DIR/pg-location when postgres cannot traverse STATE_DIR (a root-owned mktemp -d, say)
# or when STATE_DIR/pg is too long for a Unix socket path, or in a /dev/shm/scry-pg.* dir
# when the caller asks for tmpfs. The base holds the sockets too.

pg_base() { # state_dir -> base
  local base
  if [[ -r $1/pg-location ]] && read -r base <"$1/pg-location" && [[ -n $base ]]; then
    echo "$base"
  else
    echo "$1/pg"
  fi
}

pg_has_base() { [[ -f $1/pg-location || -d $1/pg ]]; } # state_dir

# pg_prepare_base STATE_DIR [PARENT]: choose, create and record the base (STATE_DIR must
# exist). With PARENT (a tmpfs such as /dev/shm, for speed), the base is always a new
# PARENT/scry-pg.* dir.
pg_prepare_base() {
  local base=$1/pg reason="" parent=${2:-/tmp}
  if [[ -n ${2:-} ]]; then
    reason="data on $parent"
  elif ! as_pg test -x "$1"; then
    reason="user postgres cannot traverse $1"
  elif ((${#base} + 20 > 107)); then
    reason="$base is too long for a Unix socket path"
  fi
  if [[ -n $reason ]]; then
    base=$(mktemp -d "$parent/scry-pg.XXXXXX")
    [[ -n ${2:-} ]] || say "$reason: PostgreSQL data goes to $base"
  else
    mkdir -p -- "$base"
  fi
  pg_chown "$base"
  chmod 700 "$base"
  echo "$base" >"$1/pg-location"
}

# pg_remove_base STATE_DIR: delete the base (only where pg_prepare_base puts one) and the record.
pg_remove_base() {
  local base
  base=$(pg_base "$1")
  if [[ $base == "$1/pg" || $base == /tmp/scry-pg.* || $base == /dev/shm/scry-pg.* ]]; then
    rm -rf -- "$base"
  elif [[ -e $base ]]; then
    warn "not deleting unexpected PostgreSQL location '$base' (from $1/pg-location)"
  fi
  rm -f -- "$1/pg-location"
}

# ---------------------------------------------------------------------------- a pair

# pg_pair_up KEY=VALUE...: initdb a primary, start it, create the databases (and a password
# role), clone a streaming replica with pg_basebackup, start it, and return once
# pg_stat_replication on the primary shows it streaming. Dies (with the logs' tails) on failure.
#   sockets=DIR        Unix socket directory of both servers (postgres must reach it)
#   primary_dir=  primary_port=  primary_name=  primary_log=
#   replica_dir=  replica_port=  replica_name=  replica_log=
#                      data dir (must not exist), TCP port, cluster_name (the replica's is its
#                      application_name in pg_stat_replication), log file
#   slot=NAME          physical replication slot of the replica on the primary
#   databases="A B"    databases to create (default: none)
#   secret_role=NAME secret_password=PW
#                      optional: a LOGIN role that must use scram-sha-256 over TCP and the
#                      socket, with CONNECT and SELECT (now and by default) on every database
#   reader_role=NAME   optional: a LOGIN role (trust auth) with only pg_read_all_data: what
#                      the README recommends Scry connect as; scry doctor warns about nothing
#   tls_dir=DIR        optional: certificates made by tls_make (scripts/lib/tls.sh). Both
#                      servers get ssl = on with DIR's server certificate, and trust DIR's CA
#                      for client certificates
#   cert_role=NAME     optional, with tls_dir: a LOGIN role with only pg_read_all_data that
#                      logs in by client certificate over TLS (pg_hba `hostssl ... cert`, the
#                      certificate's CN is the role) and is refused without TLS
# Authentication is trust for everything else, on HOST and the socket only.
pg_pair_up() {
  local kv key
  local -A a=([databases]='' [secret_role]='' [secret_password]='' [reader_role]='' [tls_dir]='' [cert_role]='')
  for kv in "$@"; do
    [[ $kv == *=* ]] || die "pg_pair_up: expected KEY=VALUE, got '$kv'"
    a[${kv%%=*}]=${kv#*=}
  done
  for key in sockets primary_dir primary_port primary_name primary_log \
    replica_dir replica_port replica_name replica_log slot; do
    [[ -n ${a[$key]:-} ]] || die "pg_pair_up: $key= is required"
  done
  local primary=${a[primary_dir]} replica=${a[replica_dir]} pport=${a[primary_port]} rport=${a[replica_port]}
  local plog=${a[primary_log]} rlog=${a[replica_log]} role=${a[secret_role]} reader=${a[reader_role]} db locale
  local tls=${a[tls_dir]} certrole=${a[cert_role]} f
  [[ -z $certrole || -n $tls ]] || die "pg_pair_up: cert_role= needs tls_dir="
  local -a dbs
  read -r -a dbs <<<"${a[databases]}"

  # --- primary
  : >"$plog"
  locale=$(pg_locale)
  say "initdb ${a[primary_name]} ($primary, locale $locale)"
  as_pg "$(pg_bin initdb)" -D "$primary" --auth=trust --no-sync -U postgres --encoding=UTF8 --locale="$locale" \
    </dev/null >>"$plog" 2>&1 || die_log "initdb failed" "$plog"
  cat >>"$primary/postgresql.conf" <<EOF

# ---- scripts/lib/pg.sh (pg_pair_up)
listen_addresses = '$HOST'
port = $pport
unix_socket_directories = '${a[sockets]}'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
fsync = off
synchronous_commit = off
full_page_writes = off
password_encryption = 'scram-sha-256'
# a replica whose primary was down reconnects within 0.2 s of its return (default 5 s)
wal_retrieve_retry_interval = '200ms'
cluster_name = '${a[primary_name]}'
EOF
  if [[ -n $tls ]]; then
    # The files live in the data dir (pg_basebackup copies them to the replica), owned by the
    # server's user: PostgreSQL refuses a key that others can read.
    for f in server.crt server.key ca.crt; do cp -- "$tls/$f" "$primary/$f"; done
    chmod 600 "$primary/server.key"
    pg_chown "$primary/server.crt" "$primary/server.key" "$primary/ca.crt"
    cat >>"$primary/postgresql.conf" <<EOF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_ca_file = 'ca.crt'
EOF
  fi
  {
    echo "# scripts/lib/pg.sh: ${role:+a password-protected role first, }trust for everything else (loopback only)"
    echo "# TYPE  DATABASE     USER           ADDRESS        METHOD"
    if [[ -n $role ]]; then
      echo "host    all          $role    $HOST/32   scram-sha-256"
      echo "local   all          $role                   scram-sha-256"
    fi
    if [[ -n $certrole ]]; then
      echo "hostssl all          $certrole      $HOST/32   cert"
      echo "host    all          $certrole      $HOST/32   reject"
      echo "local   all          $certrole                 reject"
    fi
    echo "host    all          all            $HOST/32   trust"
    echo "host    replication  all            $HOST/32   trust"
    echo "local   all          all                           trust"
    echo "local   replication  all                           trust"
  } >"$primary/pg_hba.conf"
  pg_chown "$primary/postgresql.conf" "$primary/pg_hba.conf"
  say "starting ${a[primary_name]} on $HOST:$pport"
  pg_start "$primary" "$pport" "$plog" "${a[primary_name]}"

  if [[ -n $role || -n $reader || -n $certrole || ${#dbs[@]} -gt 0 ]]; then
    {
      if [[ -n $certrole ]]; then
        echo "CREATE ROLE $certrole LOGIN;"
        echo "GRANT pg_read_all_data TO $certrole;"
      fi
      if [[ -n $role ]]; then
        echo "SET password_encryption = 'scram-sha-256';"
        echo "CREATE ROLE $role LOGIN PASSWORD '${a[secret_password]}';"
      fi
      if [[ -n $reader ]]; then
        echo "CREATE ROLE $reader LOGIN;"
        echo "GRANT pg_read_all_data TO $reader;"
      fi
      for db in "${dbs[@]}"; do echo "CREATE DATABASE $db OWNER postgres;"; done
    } | pg_psql "$pport" postgres >>"$plog" 2>&1 || die_log "creating ${role:+role and }databases failed" "$plog"
  fi
  if [[ -n $role ]]; then
    for db in "${dbs[@]}"; do
      pg_psql "$pport" "$db" >>"$plog" 2>&1 <<EOF || die_log "granting privileges in $db failed" "$plog"
GRANT CONNECT ON DATABASE $db TO $role;
GRANT USAGE ON SCHEMA public TO $role;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO $role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT SELECT ON TABLES TO $role;
EOF
    done
  fi

  # --- replica
  : >"$rlog"
  say "pg_basebackup ${a[replica_name]} ($replica, slot ${a[slot]})"
  as_pg "$(pg_bin pg_basebackup)" -h "$HOST" -p "$pport" -U postgres -D "$replica" \
    -R -X stream -C -S "${a[slot]}" -c fast --no-sync </dev/null >>"$rlog" 2>&1 ||
    die_log "pg_basebackup failed" "$rlog" "$plog"
  cat >>"$replica/postgresql.conf" <<EOF

# ---- scripts/lib/pg.sh (pg_pair_up): replica overrides
port = $rport
cluster_name = '${a[replica_name]}'
# Tests run many replica reads while other tests create and drop tables and databases on
# the primary. By default replay cancels a replica query that blocks it for 30 s
# ("conflict with recovery", SQLSTATE 40001), which made unrelated tests fail at random
# under load. Replay waits for the queries instead, and the primary keeps the rows they
# still see. Scry's handling of that cancellation is tested without depending on it.
max_standby_streaming_delay = -1
max_standby_archive_delay = -1
hot_standby_feedback = on
EOF
  say "starting ${a[replica_name]} on $HOST:$rport"
  pg_start "$replica" "$rport" "$rlog" "${a[replica_name]}"
  wait_for "$TIMEOUT" pg_node_ok "$replica" "$rport" t ||
    die_log "${a[replica_name]} is not in recovery after ${TIMEOUT}s" "$rlog"
  wait_for "$TIMEOUT" pg_streaming "$pport" "${a[replica_name]}" ||
    die_log "${a[replica_name]} is not streaming from ${a[primary_name]} (pg_stat_replication) after ${TIMEOUT}s" "$rlog" "$plog"
}
