#!/usr/bin/env bash
# PostgreSQL from the machine's own binaries, in the foreground: the one way this repository starts a local server,
# for the AppHost's executable database mode (docs/aspire.md), the test fixtures (PostgresServer) and bench/run.sh.
# The caller owns the data folder ($SECRETSHARE_DATA_DIR: a cluster there is started again, else one is made) and
# the port ($PGPORT). SIGTERM to the script is a fast shutdown; killed outright, it takes PostgreSQL down with it.
# Usage: postgres-local.sh DATABASE [POSTGRES OPTION...], e.g. -c max_connections=300; a later -c wins over the
# defaults below. DATABASE is created with a new cluster (postgres: none, the maintenance database is there).
set -euo pipefail
database=${1:?usage: postgres-local.sh DATABASE [POSTGRES OPTION...]}
shift
: "${PGPORT:?PGPORT is not set}" "${SECRETSHARE_DATA_DIR:?SECRETSHARE_DATA_DIR is not set}"

# Debian's newest, unless PG_BIN names another; else whatever PATH has.
bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$bin" ] && command -v initdb >/dev/null; then
  bin=$(dirname "$(command -v initdb)")
fi
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  echo "postgres-local: PostgreSQL is not installed; install it with: apt-get install -y postgresql" >&2
  exit 1
fi

# initdb and postgres refuse to run as root: as root they run as the postgres user. --pdeathsig: if this script is
# killed outright, postgres still gets SIGINT (fast shutdown) instead of running on as an orphan.
as_postgres=(setpriv --pdeathsig INT)
data=$SECRETSHARE_DATA_DIR
mkdir -p "$data"
if [ "$(id -u)" -eq 0 ]; then
  as_postgres+=(--reuid=postgres --regid=postgres --init-groups)
  chown postgres:postgres "$data"
fi
chmod 700 "$data"

if [ ! -f "$data/PG_VERSION" ]; then
  echo "postgres-local: new cluster in $data"
  "${as_postgres[@]}" "$bin/initdb" -D "$data" --auth=trust --no-sync -U postgres -E UTF8 >/dev/null
  if [ "$database" != postgres ]; then
    echo "CREATE DATABASE \"$database\";" | "${as_postgres[@]}" "$bin/postgres" --single -D "$data" postgres >/dev/null
  fi
fi

# SIGTERM from the orchestrator becomes a fast shutdown: postgres's own SIGTERM (smart shutdown) would wait for
# the API's pooled connections to close, and a restart would hang until the orchestrator kills it.
"${as_postgres[@]}" "$bin/postgres" -D "$data" -p "$PGPORT" -k "$data" \
  -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off "$@" &
pid=$!
trap 'kill -INT "$pid" 2>/dev/null' TERM INT
echo "postgres-local: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT, database $database"
status=0
wait "$pid" || status=$?
# A trapped signal interrupts the first wait; the second waits for the shutdown itself.
wait "$pid" 2>/dev/null || true
exit "$status"
