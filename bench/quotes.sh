#!/usr/bin/env bash
# HTTP benchmark of POST /api/v1/settlement/quotes (docs/benchmarks.md): the engine on the embedded default (SQLite)
# on CPU 0, the load generator on CPU 1; one user with COUPONS coupons, a cart of LINES lines; the no-op ceiling,
# one cart repeated (the stored answer) and a new cart every request (priced and stored), at each concurrency level.
# Rate limits are raised for what one address and one merchant and user do here: the anonymous no-op ceiling and the
# wallet set-up (a merchant making COUPONS templates, a user claiming each) at every level.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
LEVELS=${LEVELS:-"1 4 16"}
LINES=${LINES:-20}
COUPONS=${COUPONS:-50}
PORT=${PORT:-5077}
KEY=$(head -c 32 /dev/urandom | base64)
DATA=$(mktemp -d)
dotnet publish src/Host -c Release -o bench/out/host -v q --nologo >/dev/null
dotnet publish bench/LoadGen -c Release -o bench/out/loadgen -v q --nologo >/dev/null
taskset -c 0 dotnet bench/out/host/PromotionEngine.Host.dll --urls "http://127.0.0.1:$PORT" --Promotion:DataDirectory="$DATA" \
  --Promotion:Auth:SigningKey="$KEY" --Logging:LogLevel:Default=Warning \
  --RateLimits:Other:PerIp:PermitLimit=1000000000 --RateLimits:Claims:PerCaller:PermitLimit=1000000 \
  --RateLimits:Merchant:PerCaller:PermitLimit=1000000 >"$DATA/host.log" 2>&1 &
HOST=$!
trap 'kill $HOST 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
LG="taskset -c 1 dotnet bench/out/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY"
for c in $LEVELS; do
  $LG noop --concurrency "$c" --seconds "$SECONDS_PER_RUN"
  $LG quotes --concurrency "$c" --seconds "$SECONDS_PER_RUN" --lines "$LINES" --coupons "$COUPONS"
  $LG quotes --concurrency "$c" --seconds "$SECONDS_PER_RUN" --lines "$LINES" --coupons "$COUPONS" --distinct
done
