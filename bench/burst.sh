#!/usr/bin/env bash
# Oversubscribed burst (not a test; run on demand; docs/benchmarks.md "Flash sale: oversubscribed burst", docs/admission.md).
# USERS new users (default 50,000) arrive at once for a template of STOCK coupons (default 5,000: 10x oversubscribed), each
# claiming once under its own Idempotency-Key through CONCURRENCY connections; a 429 is retried with the same key after its
# Retry-After, so each user ends with one final answer (201, or 409 OUT_OF_STOCK). Per run it prints the time to sell out,
# the latency of winners (201) and of refused users (409, and 429 on the way), per request and per user until their final
# answer, the CPU each request cost the engine, MariaDB and Redis and the load tool (from /proc and /usr/bin/time), and the
# invariants: issued = stock = 201s (no over-issue), and on the stored rows one coupon per user and per key (loadgen verify).
# Each path runs with fair admission on (the defaults: "on"), with the sold-out flag alone ("flag": no bound on claims in
# flight, no per-user claim limit) and off (none of the three: "off"), alternated (on flag off on flag off) with a fresh
# engine per run, warmed up on a template of its own (2,000 users, stock 200) before the measured burst. The engine is
# pinned to CPU 0, the load to CPU 1.
# Usage: bench/burst.sh   Environment: USERS, STOCK, CONCURRENCY (default 256), ROUNDS (default 2), PATHS ("redis sqlite"),
# MODES ("on flag off"), BUILD=0 to reuse bench/out's published engine and load generator.
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${USERS:-50000}
STOCK=${STOCK:-5000}
CONCURRENCY=${CONCURRENCY:-256}
ROUNDS=${ROUNDS:-2}
PATHS=${PATHS:-"redis sqlite"}
MODES=${MODES:-"on flag off"}
BUILD=${BUILD:-1}
OUT=bench/out
PORT=${PORT:-5410}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
DB=promo_burst_$STAMP
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=root;Password=;Database=$DB;Maximum Pool Size=200"
NO_BOUNDS="--Engine:Admission:InFlightPerTemplate=1000000 --Engine:Admission:PerUser:PermitLimit=0"

scripts/services.sh start mariadb redis >/dev/null
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
if [ "$BUILD" = 1 ]; then
  echo "== building (Release)"
  dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
  dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null
fi

mysql_q() { mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -e "$1"; }
trap '[ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true' EXIT

# The framework's per-caller claim limit (RateLimits:Claims) stays at its default: each user claims once, plus its retries.
start_host() {
  taskset -c 0 dotnet $OUT/host/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT --Promotion:Auth:SigningKey=$KEY \
    --Logging:LogLevel:Default=Warning "$@" > $OUT/burst-host-$STAMP.log 2>&1 &
  HOST_PID=$!
  for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && return 0; sleep 0.1; done
  echo "engine did not start: see $OUT/burst-host-$STAMP.log" >&2; exit 1
}
stop_host() { kill $HOST_PID; wait $HOST_PID 2>/dev/null || true; HOST_PID=; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' /proc/$1/stat 2>/dev/null || echo 0; }
# The services of scripts/services.sh (other Redis servers, e.g. a cluster's, may run beside them).
cpu_sample() { echo "$(ticks $HOST_PID) $(ticks "$(pgrep -x mariadbd | head -n 1)") $(ticks "$(pgrep -f 'redis-server .*:6379' | head -n 1)")"; }
lg() { taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }

# One burst against a fresh engine: $1 the label, the rest the engine's settings.
burst() {
  local label=$1; shift
  start_host "$@"
  # Warm-up on a template of its own (JIT, connection pools), not measured: the measured template still opens cold.
  lg burst --users 2000 --stock 200 --concurrency $CONCURRENCY --user-base $((RANDOM * 1000000 + 8000000000)) >/dev/null || true
  local before; before=$(cpu_sample)
  local out
  out=$( { /usr/bin/time -f "loadtool_cpu_s=%U %S" taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY \
      burst --users $USERS --stock $STOCK --concurrency $CONCURRENCY --user-base $((RANDOM * 1000000 + 4000000000)); } 2>&1 ) || true
  local after; after=$(cpu_sample)
  echo "-- $label"
  echo "$out" | grep -v '^template=\|^created=\|^sent=\|^loadtool_cpu_s='
  local sent; sent=$(echo "$out" | sed -n 's/^sent=//p')
  read -r e0 m0 r0 <<<"$before"; read -r e1 m1 r1 <<<"$after"
  local load; load=$(echo "$out" | sed -n 's/^loadtool_cpu_s=//p' | awk '{printf "%d", ($1 + $2) * 1000000}')
  [ -n "$sent" ] && [ "$sent" -gt 0 ] && echo "   cpu per request: engine $(( (e1 - e0) * TICK_US / sent )) us, MariaDB $(( (m1 - m0) * TICK_US / sent )) us," \
    "Redis $(( (r1 - r0) * TICK_US / sent )) us, load tool $(( ${load:-0} / sent )) us"
  stop_host
  TEMPLATE=$(echo "$out" | sed -n 's/^template=//p'); CREATED=$(echo "$out" | sed -n 's/^created=//p')
}
verify() { lg verify --template $TEMPLATE --expect-created $CREATED "$@"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); engine on CPU 0, load on CPU 1;" \
     "$USERS users, stock $STOCK, $CONCURRENCY connections"
for path in $PATHS; do
  for round in $(seq 1 $ROUNDS); do
    for admission in $MODES; do
      settings=()
      case $admission in
        flag) read -r -a settings <<<"$NO_BOUNDS" ;;
        off) read -r -a settings <<<"$NO_BOUNDS --Engine:Admission:SoldOutFlag=false" ;;
      esac
      if [ $path = redis ]; then
        burst "Redis path (Redis decision + group commit to MariaDB), admission $admission, round $round" \
          --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS" \
          --Engine:ClaimGate=Redis --Engine:Redis:KeyPrefix=burst-$STAMP "${settings[@]}"
        verify --mysql "$MYSQL_CS"
      else
        burst "embedded default (SQLite, database gate), admission $admission, round $round" \
          --Promotion:DataDirectory=$OUT/burst-data-$STAMP "${settings[@]}"
        verify --sqlite $OUT/burst-data-$STAMP/promotion.db
      fi
    done
  done
done
mysql_q "DROP DATABASE IF EXISTS $DB"
redis-cli -h 127.0.0.1 --scan --pattern "burst-$STAMP*" | xargs -r -n 1000 redis-cli -h 127.0.0.1 DEL >/dev/null
