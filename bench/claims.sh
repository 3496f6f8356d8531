#!/usr/bin/env bash
# Claim benchmark (not a test; run on demand). Starts MariaDB and Redis, publishes the engine and the load
# generator in Release, pins the engine to CPU 0 and the load to CPU 1, and in one run measures:
#   1. the app's own ceiling: a no-op endpoint under the same load tool;
#   2. claims on the Redis path (Redis decision + group commit to MariaDB) at increasing concurrency;
#   3. redis-benchmark running the claim script itself (Redis's ceiling for the decision);
#   4. claims on the embedded default (SQLite, database gate), same harness;
# then checks the invariants on the stored data, and after every run prints the CPU each request cost the engine,
# MariaDB and Redis (from /proc: they share the machine's cores). Usage: bench/claims.sh [seconds per run] (default 10)
# Environment: LEVELS="16 32 64 128" concurrency levels; DURABLE=1 (default) runs MariaDB with
# innodb_flush_log_at_trx_commit=1 for the measurement, so a 201 means fsynced.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS=${1:-10}
LEVELS=${LEVELS:-"16 32 64 128"}
DURABLE=${DURABLE:-1}
OUT=bench/out
PORT=${PORT:-5400}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
DB=promo_bench_$STAMP
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=root;Password=;Database=$DB;Maximum Pool Size=200"

scripts/services.sh start mariadb redis >/dev/null
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
echo "== building (Release)"
dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null

mysql_q() { mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -e "$1"; }
PREV_FLUSH=$(mysql_q "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit")
[ "$DURABLE" = 1 ] && mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = 1"
trap 'mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = $PREV_FLUSH" || true; [ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true' EXIT

# Rate limits stay on with their defaults (every claim is a new user, under its own limit), except the no-op ceiling:
# the load generator pings anonymously from one address, far past the per-address default, so that limit is raised
# (not removed, so the ping still pays for a limiter as every claim does).
start_host() {
  taskset -c 0 dotnet $OUT/host/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT --Promotion:Auth:SigningKey=$KEY \
    --RateLimits:Other:PerIp:PermitLimit=1000000000 \
    --Logging:LogLevel:Default=Warning --Promotion:DataDirectory=$OUT/data-$STAMP "$@" > $OUT/host-$STAMP.log 2>&1 &
  HOST_PID=$!
  for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && return 0; sleep 0.1; done
  echo "engine did not start: see $OUT/host-$STAMP.log" >&2; exit 1
}
stop_host() { kill $HOST_PID; wait $HOST_PID 2>/dev/null || true; HOST_PID=; }
lg() { taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' /proc/$1/stat 2>/dev/null || echo 0; }
cpu_sample() { echo "$(ticks $HOST_PID) $(ticks "$(pgrep -x mariadbd | head -n 1)") $(ticks "$(pgrep -x redis-server | head -n 1)") $(date +%s%N)"; }
# CPU per request of the run between two samples (user + system time, so warm-up requests count on both sides).
cpu_report() {
  read -r e0 m0 r0 t0 <<<"$1"; read -r e1 m1 r1 t1 <<<"$2"; local requests=$3
  [ "$requests" -gt 0 ] || return 0
  echo "   cpu per request: engine $(( (e1 - e0) * TICK_US / requests )) us, MariaDB $(( (m1 - m0) * TICK_US / requests )) us," \
       "Redis $(( (r1 - r0) * TICK_US / requests )) us; engine used $(( (e1 - e0) * TICK_US * 100 / ((t1 - t0) / 1000) ))% of its core"
}
# The ceiling and then claims at every level against the running engine; leaves TEMPLATE and CREATED for verify.
measure_levels() {
  for c in $LEVELS; do
    before=$(cpu_sample)
    line=$(lg noop --concurrency $c --seconds $RUN_SECONDS --report-sent)
    echo "$line" | grep -v '^sent='
    cpu_report "$before" "$(cpu_sample)" "$(echo "$line" | sed -n 's/^sent=//p')"
  done
  TEMPLATE=$(lg template)
  CREATED=0
  for c in $LEVELS; do
    before=$(cpu_sample)
    line=$(lg claims --concurrency $c --seconds $RUN_SECONDS --template $TEMPLATE --user-base $((c * 100000000)) --report-sent)
    echo "$line" | grep -v '^created=\|^sent='
    cpu_report "$before" "$(cpu_sample)" "$(echo "$line" | sed -n 's/^sent=//p')"
    CREATED=$((CREATED + $(echo "$line" | sed -n 's/^created=//p')))
  done
  stop_host
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;" \
     "engine on CPU 0, load on CPU 1; MariaDB innodb_flush_log_at_trx_commit=$(mysql_q 'SELECT @@GLOBAL.innodb_flush_log_at_trx_commit'); ${RUN_SECONDS}s per run after 3s warm-up"

echo "== Redis path (Redis decision + group commit to MariaDB)"
start_host --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS" \
  --Engine:ClaimGate=Redis --Engine:Redis:KeyPrefix=bench-$STAMP
measure_levels
lg verify --template $TEMPLATE --mysql "$MYSQL_CS" --expect-created $CREATED

echo "== redis-benchmark: the claim script alone (EVALSHA, 50 connections, random users)"
SHA=$(redis-cli -h 127.0.0.1 SCRIPT LOAD "$(dotnet $OUT/host/PromotionEngine.Host.dll claim-script)")
T="bench-rb-$STAMP:{t:1}"
redis-cli -h 127.0.0.1 SET "$T:issued" 0 >/dev/null
NOW=$(($(date +%s) * 1000))
taskset -c 1 redis-benchmark -h 127.0.0.1 -p 6379 -c 50 -n 300000 -r 1000000000 -q \
  EVALSHA $SHA 5 "$T:issued" "$T:users" "$T:req:__rand_int__" "$T:gen" "$T:audience" __rand_int__ $NOW 0 $((NOW + 86400000)) 0 1000000000000 1 __rand_int__ 600000 "" \
  | tr "\r" "\n" | tail -n 1 | sed "s/^.*: \([0-9.]* requests per second.*\)$/redis-benchmark EVALSHA claim script: \1/"
redis-cli -h 127.0.0.1 --scan --pattern "bench-*" | xargs -r -n 1000 redis-cli -h 127.0.0.1 DEL >/dev/null

echo "== embedded default (SQLite, database gate), same harness"
start_host
measure_levels
lg verify --template $TEMPLATE --sqlite $OUT/data-$STAMP/promotion.db --expect-created $CREATED
mysql_q "DROP DATABASE IF EXISTS $DB"
