#!/usr/bin/env bash
# Debian's redis-server, for the AppHost's executable mode (docs/aspire.md): the API replicas' shared rate-limit
# counts, in memory only (nothing is saved; a restart starts every count afresh). The port comes from $REDIS_PORT.
set -euo pipefail
: "${REDIS_PORT:?REDIS_PORT is not set}" "${SECRETSHARE_DATA_DIR:?SECRETSHARE_DATA_DIR is not set}"

if ! command -v redis-server >/dev/null; then
  echo "redis-local: Redis is not installed; install it with: apt-get install -y redis-server" >&2
  exit 1
fi

mkdir -p "$SECRETSHARE_DATA_DIR"
echo "redis-local: $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT"
exec redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$SECRETSHARE_DATA_DIR" --loglevel warning
