#!/usr/bin/env bash
# Claims through the gateway (issue 15; not a test, run on demand). Runs scripts/cluster.sh's split deployment
# (Release build, MariaDB, Redis claim gate, NATS, nginx with deploy/nginx/) and in one run measures, with the
# load generator pinned to CPU 1 (the deployment shares the machine's cores, as it would share a node):
#   1. the no-op ceiling (GET /api/v1/ping) straight to engine-1, and through the gateway;
#   2. claims straight to engine-1 (one instance, no gateway: the direct-to-instance ceiling);
#   3. claims through the gateway with both engine instances;
#   4. claims through the gateway with engine-2 stopped (one instance behind nginx; `cluster.sh up` brings it back);
# then checks the invariants on the stored data. Usage: bench/gateway.sh [seconds per run] (default 10)
# Environment: CONCURRENCY (default 64).
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS=${1:-10}
C=${CONCURRENCY:-64}
OUT=bench/out
STAMP=$(date +%s)
export PROMO_CLUSTER_DIR=${PROMO_CLUSTER_DIR:-/tmp/promotion-engine-bench-gateway}
export PROMO_CLUSTER_PORT=${PROMO_CLUSTER_PORT:-8180}
export PROMO_CLUSTER_NAME=promo_bench_gw_$STAMP
export PROMO_CLUSTER_RATE=1000000r/s # the load comes from one address: the edge limit is not what is measured
export PROMO_CLUSTER_SIGNING_KEY=$(head -c 32 /dev/urandom | base64 -w0)
# The ping comes anonymously from one address, far past the per-address default: raised, not removed (as claims.sh).
export PROMO_CLUSTER_SETTINGS="--RateLimits:Other:PerIp:PermitLimit=1000000000 --Logging:LogLevel:Default=Warning"
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=root;Password=;Database=$PROMO_CLUSTER_NAME"
GATEWAY=http://127.0.0.1:$PROMO_CLUSTER_PORT
ENGINE_1=http://127.0.0.1:$((PROMO_CLUSTER_PORT + 1))

command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
echo "== building (Release)"
dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null
export PROMO_HOST_DLL=$PWD/$OUT/host/PromotionEngine.Host.dll
trap 'scripts/cluster.sh down >/dev/null; mariadb --no-defaults -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $PROMO_CLUSTER_NAME" || true' EXIT
scripts/cluster.sh up | tail -n 1

lg() { local url=$1; shift; taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll "$url" "$PROMO_CLUSTER_SIGNING_KEY" "$@"; }
CREATED=0
claims() {
  local line
  line=$(lg "$1" claims --concurrency $C --seconds $RUN_SECONDS --template $TEMPLATE --user-base $2 --report-sent)
  echo "$line" | grep -v '^created=\|^sent='
  CREATED=$((CREATED + $(echo "$line" | sed -n 's/^created=//p')))
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;" \
     "load on CPU 1, the six processes and the services unpinned; concurrency $C; ${RUN_SECONDS}s per run after the warm-up"
echo "== no-op ceiling, straight to engine-1";  lg $ENGINE_1 noop --concurrency $C --seconds $RUN_SECONDS
echo "== no-op ceiling, through the gateway";   lg $GATEWAY noop --concurrency $C --seconds $RUN_SECONDS
TEMPLATE=$(lg $GATEWAY template)
echo "== claims straight to engine-1 (one instance, no gateway)";        claims $ENGINE_1 100000000
echo "== claims through the gateway, two engine instances";             claims $GATEWAY 200000000
kill "$(cat "$PROMO_CLUSTER_DIR/engine-2.pid")"
echo "== claims through the gateway, one engine instance (engine-2 stopped)"; claims $GATEWAY 300000000
scripts/cluster.sh up >/dev/null
echo "== claims through the gateway, two again (engine-2 restarted)";  claims $GATEWAY 400000000
lg $GATEWAY verify --template $TEMPLATE --mysql "$MYSQL_CS" --expect-created $CREATED
