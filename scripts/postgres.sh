#!/usr/bin/env bash
# Starts a real PostgreSQL 15 (Debian's server binaries) on loopback for the
# test suite, in a cluster initialised for the run, and prints its DSN.
#   scripts/postgres.sh start DIR   → initdb and start, prints the DSN
#   scripts/postgres.sh stop DIR    → stop it and remove the cluster
#   scripts/postgres.sh standby DIR PRIMARY_DIR → a streaming-replication
#       standby of the server started in PRIMARY_DIR (pg_basebackup -R),
#       synchronous: the primary's commits wait for its flush; prints its DSN
#   scripts/postgres.sh promote DIR | restart DIR | crash DIR → pg_ctl
#       promote, restart (-m fast), stop -m immediate (a crash)
# As root, the server runs as the unprivileged user greenhelp-pg (created
# when missing): PostgreSQL refuses to run as root. The cluster's folder is
# a temporary directory of that user's (DIR, maybe private to root, keeps
# only its path, the log and the DSN). Loopback TCP only, no Unix socket,
# a free port, fsync on (the default: the tests see what production sees),
# password authentication (SCRAM) with a random password.
set -euo pipefail
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|standby|promote|restart|crash DIR [PRIMARY_DIR]" >&2; exit 2; }
version=15
bin="/usr/lib/postgresql/$version/bin"
user=greenhelp-pg

as_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if [ ! -x "$bin/postgres" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing postgresql-$version (Debian package) for the PostgreSQL store tests…" >&2
      # No cluster of the package's own: the tests make theirs.
      mkdir -p /etc/postgresql-common
      [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold "postgresql-$version" >/dev/null
    else
      echo "no $bin/postgres and not root: install postgresql-$version" >&2; exit 1
    fi
  fi
  if [ "$(id -u)" = 0 ] && ! id "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
  fi
  mkdir -p "$dir"
  pgdata="$(mktemp -d /tmp/greenhelp-pg.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown "$user" "$pgdata"
  echo "$pgdata" > "$dir/pgdata"
  password="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  as_user sh -c "umask 077; printf '%s\n' '$password' > '$pgdata/pwfile'"
  as_user "$bin/initdb" -D "$pgdata/data" -U greenhelp --pwfile="$pgdata/pwfile" --auth=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$pgdata/pwfile"
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
  port=$(free_port)
  as_user sh -c "cat >> '$pgdata/data/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
fsync = on
max_connections = 300
log_min_messages = warning
CONF
  as_user "$bin/pg_ctl" -D "$pgdata/data" -l "$pgdata/server.log" -w -t 60 start >/dev/null ||
    { echo "postgres did not start; log:" >&2; cat "$pgdata/server.log" >&2; exit 1; }
  PGPASSWORD="$password" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U greenhelp -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE greenhelp" >/dev/null
  dsn="postgres://greenhelp:$password@127.0.0.1:$port/greenhelp?sslmode=disable"
  echo "$dsn" > "$dir/dsn"
  echo "$dsn"
  ;;
standby)
  primary="${3:-}"
  [ -f "$primary/dsn" ] || { echo "standby: no primary started in '$primary'" >&2; exit 2; }
  pdsn="$(cat "$primary/dsn")"
  pport="$(echo "$pdsn" | sed -E 's#.*@127\.0\.0\.1:([0-9]+)/.*#\1#')"
  password="$(echo "$pdsn" | sed -E 's#^postgres://greenhelp:([^@]*)@.*#\1#')"
  mkdir -p "$dir"
  pgdata="$(mktemp -d /tmp/greenhelp-pg.XXXXXX)"
  [ "$(id -u)" = 0 ] && chown "$user" "$pgdata"
  echo "$pgdata" > "$dir/pgdata"
  as_user env PGPASSWORD="$password" "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U greenhelp -D "$pgdata/data" -R -X stream -c fast \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; exit 1; }
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
  port=$(free_port)
  as_user sh -c "echo 'port = $port' >> '$pgdata/data/postgresql.conf'"
  as_user "$bin/pg_ctl" -D "$pgdata/data" -l "$pgdata/server.log" -w -t 60 start >/dev/null ||
    { echo "the standby did not start; log:" >&2; cat "$pgdata/server.log" >&2; exit 1; }
  # Synchronous: a commit the primary acknowledges is on the standby's disk
  # too, so a failover loses no acknowledged batch.
  PGPASSWORD="$password" "$bin/psql" -q -h 127.0.0.1 -p "$pport" -U greenhelp -d postgres -v ON_ERROR_STOP=1 \
    -c "ALTER SYSTEM SET synchronous_standby_names = '*'" -c "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 100); do
    state="$(PGPASSWORD="$password" "$bin/psql" -qtA -h 127.0.0.1 -p "$pport" -U greenhelp -d postgres -c "SELECT sync_state FROM pg_stat_replication" 2>/dev/null || true)"
    [ "$state" = sync ] && break
    sleep 0.1
  done
  dsn="postgres://greenhelp:$password@127.0.0.1:$port/greenhelp?sslmode=disable"
  echo "$dsn" > "$dir/dsn"
  echo "$dsn"
  ;;
promote|restart|crash)
  pgdata="$(cat "$dir/pgdata")"
  case "$cmd" in
  promote) as_user "$bin/pg_ctl" -D "$pgdata/data" -w promote >/dev/null ;;
  restart) as_user "$bin/pg_ctl" -D "$pgdata/data" -l "$pgdata/server.log" -m fast -w restart >/dev/null ;;
  crash) as_user "$bin/pg_ctl" -D "$pgdata/data" -m immediate -w stop >/dev/null ;;
  esac
  ;;
stop)
  [ -f "$dir/pgdata" ] || exit 0
  pgdata="$(cat "$dir/pgdata")"
  case "$pgdata" in /tmp/greenhelp-pg.*) ;; *) echo "unexpected cluster folder $pgdata" >&2; exit 1 ;; esac
  if [ -d "$pgdata/data" ]; then
    as_user "$bin/pg_ctl" -D "$pgdata/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pgdata" "$dir/pgdata"
  ;;
*)
  echo "usage: $0 start|stop|standby|promote|restart|crash DIR [PRIMARY_DIR]" >&2; exit 2
  ;;
esac
