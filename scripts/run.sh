#!/usr/bin/env bash
# Runs SecretShare here without Docker: a private database, the API with the web UI, and the cleanup worker.
# It is the Docker-free twin of SecretShare.AppHost: the same variables, the same defaults.
#
#   scripts/run.sh                     DynamoDB Local, in memory (the default)
#   scripts/run.sh --backend postgres  a private PostgreSQL cluster, deleted on exit
#   scripts/run.sh --port 8080         listen on another port (default 5080)
#
# Ctrl+C stops everything it started.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

backend=dynamodb
port=5080
while [ $# -gt 0 ]; do
  case "$1" in
    --backend) backend=${2:-}; shift 2 ;;
    --backend=*) backend=${1#*=}; shift ;;
    --port) port=${2:-}; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option '$1' (try --help)" ;;
  esac
done
case "$backend" in
  dynamodb|postgres) ;;
  postgresql) backend=postgres ;;
  *) fail "--backend must be dynamodb or postgres, not '$backend'" ;;
esac

trap stop_all EXIT
trap 'exit 130' INT TERM

require_dotnet
command -v node >/dev/null || fail "Node.js is missing; install it with: apt-get install -y nodejs"
step "Building SecretShare (Release)"
dotnet build "$REPO_ROOT/SecretShare.Cleanup" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build "$REPO_ROOT/SecretShare.Api" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null

# Each service reads its backend from these variables (SPEC section 4), exactly as under the AppHost.
service_env=()
if [ "$backend" = dynamodb ]; then
  require_dynamodb_local
  step "Starting DynamoDB Local (in memory)"
  start_dynamodb_local "$(free_port)"
  info "$DYNAMODB_LOCAL_URL"
  service_env=(DYNAMODB_TABLE=secretshare-secrets AWS_ENDPOINT_URL_DYNAMODB="$DYNAMODB_LOCAL_URL"
    AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local)
else
  require_postgres
  step "Starting a private PostgreSQL cluster"
  start_postgres "$(free_port)"
  info "$PG_URL"
  service_env=(DATABASE_URL="$PG_URL")
fi

(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port is already in use; choose another with --port"

step "Starting the API and the web UI"
env "${service_env[@]}" ASPNETCORE_URLS="http://127.0.0.1:$port" \
  dotnet "$REPO_ROOT/SecretShare.Api/bin/Release/net10.0/SecretShare.Api.dll" --contentRoot "$REPO_ROOT/SecretShare.Api" &
api_pid=$!
STARTED_PIDS+=("$api_pid")
wait_for_port "$port" 60 "The API"

step "Starting the cleanup worker"
env "${service_env[@]}" dotnet "$REPO_ROOT/SecretShare.Cleanup/bin/Release/net10.0/SecretShare.Cleanup.dll" &
STARTED_PIDS+=($!)

printf '\n\033[1;32mSecretShare is running at http://127.0.0.1:%s\033[0m  (backend: %s; OpenAPI: /openapi/v1.json; Ctrl+C stops)\n\n' "$port" "$backend"
# Runs until Ctrl+C, or until the API stops by itself (its exit code becomes ours).
set +e
wait "$api_pid"
status=$?
trap - INT TERM
exit "$status"
