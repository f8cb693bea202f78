#!/bin/bash
set -e
HOST="${SERVER_HOST:-0.0.0.0}"
PORT="${SERVER_PORT:-3000}"
echo "starting on $HOST:$PORT"
cd /app
exec python -u servers/unified_server.py --http --host "$HOST" --port "$PORT"
