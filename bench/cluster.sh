#!/usr/bin/env bash
# A hot template on the Redis Cluster (docs/redis-cluster.md): claims on one slice against claims on SLICES slices, alternating
# (1, N, 1, N, ...) in one window, with the CPU each claim cost every master of the cluster, so one sees where the decisions ran.
# Not a test; run on demand. Starts MariaDB and the cluster (scripts/services.sh), publishes the engine and the load generator in
# Release, pins the engine to CPU 0 and the load to CPU 1 (the cluster's nodes float). Every run is a fresh engine and template
# (stock 100 000 000, one claim per user) and is checked against MariaDB afterwards.
# Usage: bench/cluster.sh [seconds per run] (default 10). Environment: C=64 concurrency, SLICES=3, ROUNDS=2.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS=${1:-10}
C=${C:-64}
SLICES=${SLICES:-3}
ROUNDS=${ROUNDS:-2}
OUT=bench/out
PORT=${PORT:-5477}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
DB=promo_cluster_$STAMP
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=root;Password=;Database=$DB;Maximum Pool Size=200"
STATE_DIR=${PROMO_SERVICES_DIR:-/tmp/promotion-engine-services}
FIRST=${PROMO_REDIS_CLUSTER_PORT:-7101}
CLUSTER="127.0.0.1:$FIRST,127.0.0.1:$((FIRST + 1)),127.0.0.1:$((FIRST + 2))"

scripts/services.sh start mariadb redis-cluster >/dev/null
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
echo "== building (Release)"
dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null
mysql_q() { mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -e "$1"; }
trap '[ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true; mysql_q "DROP DATABASE IF EXISTS $DB" || true' EXIT

start_host() {
  if curl -s -m 1 -o /dev/null http://127.0.0.1:$PORT/health; then echo "port $PORT is taken by another process: set PORT" >&2; exit 1; fi
  taskset -c 0 dotnet $OUT/host/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT --Promotion:Auth:SigningKey=$KEY \
    --Logging:LogLevel:Default=Warning --Promotion:DataDirectory=$OUT/data-$STAMP \
    --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS" \
    --Engine:ClaimGate=Redis --Engine:Redis:Configuration=$CLUSTER --Engine:Redis:KeyPrefix=bench-$STAMP "$@" \
    > $OUT/host-$STAMP.log 2>&1 &
  HOST_PID=$!
  for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && return 0; sleep 0.1; done
  echo "engine did not start: see $OUT/host-$STAMP.log" >&2; exit 1
}
stop_host() { kill $HOST_PID; wait $HOST_PID 2>/dev/null || true; HOST_PID=; }
lg() { taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
ticks() { awk '{print $14 + $15}' /proc/$1/stat 2>/dev/null || echo 0; }
# The masters now (a failover drill may have moved them), as "port:pid".
masters() {
  local port
  for port in $(redis-cli -p "$FIRST" cluster nodes | awk '$3 ~ /master/ && $3 !~ /fail/ {split($2, a, "[:@]"); print a[2]}' | sort -n); do
    echo "$port:$(tr -dc '0-9' <"$STATE_DIR/redis-cluster-$port.pid")"
  done
}

echo "== machine: $(nproc) cores, shared with other engineers' builds and tests; engine on CPU 0, load on CPU 1; c=$C, ${RUN_SECONDS}s per run"
for round in $(seq 1 "$ROUNDS"); do
  for slices in 1 "$SLICES"; do
    start_host --Engine:Redis:Slices:Max=$slices
    template=$(lg template)
    nodes=$(masters)
    declare -A before=()
    for node in $nodes; do before[$node]=$(ticks "${node#*:}"); done
    engine0=$(ticks $HOST_PID)
    line=$(lg claims --concurrency $C --seconds $RUN_SECONDS --template $template --user-base $((round * 1000000000 + slices * 100000000)) --report-sent)
    sent=$(echo "$line" | sed -n 's/^sent=//p')
    created=$(echo "$line" | sed -n 's/^created=//p')
    per_master=""
    for node in $nodes; do
      per_master+=" :${node%%:*} $(( ($(ticks "${node#*:}") - before[$node]) * TICK_US / sent ))"
    done
    echo "-- round $round, $slices slice(s): $(echo "$line" | grep -v '^created=\|^sent=' | head -n 1)"
    echo "   cpu per claim: engine $(( ($(ticks $HOST_PID) - engine0) * TICK_US / sent )) us; Redis masters (us):$per_master"
    stop_host
    lg verify --template $template --mysql "$MYSQL_CS" --expect-created $created | sed 's/^/   /'
  done
done
