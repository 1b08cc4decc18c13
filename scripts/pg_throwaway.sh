#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a temporary folder, for the tests and for development.
#
#   eval "$(scripts/pg_throwaway.sh start)"      # prints: export QRPAY_TEST_DATABASE_URL=…; export QRPAY_PG_DIR=…
#   scripts/pg_throwaway.sh stop "$QRPAY_PG_DIR" # stops the server and removes the folder
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user (runuser),
# otherwise to the caller. The server listens on 127.0.0.1 only, on a free port, with its socket in
# the cluster's folder; authentication is `trust` (nobody else can reach a loopback port of a
# throwaway test server that lives for one run). `--durable` keeps fsync on (for benchmarks);
# without it fsync is off: the tests kill clients, never the machine.
set -euo pipefail

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ] && { pg_config --bindir; return; }
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found; run scripts/setup.sh as root, or apt-get install postgresql" >&2
  exit 1
}

as_owner() {  # run a command as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
EOF
}

cmd=${1:-}
case "$cmd" in
  start)
    durable=0; [ "${2:-}" = "--durable" ] && durable=1
    bin=$(pg_bindir)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/qrpay-pg.XXXXXX")
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    port=$(free_port)
    opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200"
    [ $durable -eq 1 ] || opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres qrpay_test
    echo "export QRPAY_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/qrpay_test"
    echo "export QRPAY_PG_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: pg_throwaway.sh stop DIR}
    case "$dir" in *qrpay-pg.*) ;; *) echo "not a throwaway cluster folder: $dir" >&2; exit 1;; esac
    bin=$(pg_bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start [--durable] | stop DIR" >&2; exit 2;;
esac
