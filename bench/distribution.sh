#!/usr/bin/env bash
# Distribution benchmark (not a test; run on demand). Starts MariaDB, publishes the engine and the load tool in
# Release, and in one run measures:
#   1. the physical limit: MariaDB's own LOAD DATA LOCAL INFILE of ROWS user-coupon rows into en_user_coupons
#      (MySqlConnector's MySqlBulkLoader), into the same (empty) table the task then writes;
#   2. a distribution task of ROWS recipients end to end on MariaDB: upload of the CSV, background count and
#      chunking, chunked issue (coupons, counters, CouponClaimed events, checkpoints in one transaction per chunk);
# then checks the invariants (one coupon per row, counters and events in step) and prints rows/s, the total time,
# the ratio to LOAD DATA, and the engine's peak RSS. The engine runs under a GC heap hard limit (HEAP_LIMIT_MB),
# so finishing proves the heap it needs stays under it.
# Usage: bench/distribution.sh [rows] (default 1000000). Environment: HEAP_LIMIT_MB (default 256), DURABLE=1
# (default: innodb_flush_log_at_trx_commit=1 for the run, restored afterwards), EXTRA="--Distribution:Workers=4 ...".
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
HEAP_LIMIT_MB=${HEAP_LIMIT_MB:-256}
DURABLE=${DURABLE:-1}
EXTRA=${EXTRA:-}
OUT=bench/out
PORT=${PORT:-5410}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-5411}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
DB=promo_dbench_$STAMP
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=root;Password=;Database=$DB;Maximum Pool Size=200"

scripts/services.sh start mariadb >/dev/null
mkdir -p $OUT
echo "== building (Release)"
dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null

mysql_q() { mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -e "$1"; }
PREV_FLUSH=$(mysql_q "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit")
PREV_INFILE=$(mysql_q "SELECT @@GLOBAL.local_infile")
[ "$DURABLE" = 1 ] && mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = 1"
mysql_q "SET GLOBAL local_infile = 1"
cleanup() {
  mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = $PREV_FLUSH; SET GLOBAL local_infile = $PREV_INFILE" || true
  [ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true
  mysql_q "DROP DATABASE IF EXISTS $DB" || true
  rm -f $OUT/recipients-$STAMP.csv $OUT/coupons-$STAMP.tsv
}
trap cleanup EXIT
lg() { dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;" \
     "MariaDB $(mysql_q 'SELECT VERSION()'), innodb_flush_log_at_trx_commit=$(mysql_q 'SELECT @@GLOBAL.innodb_flush_log_at_trx_commit'),"\
     "buffer pool $(( $(mysql_q 'SELECT @@GLOBAL.innodb_buffer_pool_size') / 1024 / 1024 )) MiB; engine GC heap hard limit ${HEAP_LIMIT_MB} MiB; $ROWS rows"

DOTNET_GCHeapHardLimit=$(printf '0x%x' $((HEAP_LIMIT_MB * 1024 * 1024))) dotnet $OUT/host/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT \
  --Telemetry:ManagementUrl=http://127.0.0.1:$MANAGEMENT_PORT \
  --Promotion:Auth:SigningKey=$KEY --Logging:LogLevel:Default=Warning --Promotion:DataDirectory=$OUT/data-$STAMP \
  --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS" $EXTRA > $OUT/host-$STAMP.log 2>&1 &
HOST_PID=$!
for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$MANAGEMENT_PORT/health/ready >/dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:$MANAGEMENT_PORT/health/ready >/dev/null || { echo "engine did not start: see $OUT/host-$STAMP.log" >&2; exit 1; }

# What the database wrote for each phase (redo log and data files): the work behind the times, comparable across the two.
written() { mysql_q "SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('INNODB_OS_LOG_WRITTEN','INNODB_DATA_WRITTEN')"; }
report_written() { echo "  MariaDB wrote $(( ($(written) - $1) / 1024 / 1024 )) MiB (redo log + data files) in this phase"; }

echo "== 1. LOAD DATA LOCAL INFILE of the same rows (the physical limit)"
W0=$(written)
LOAD_LINE=$(lg loaddata --rows $ROWS --mysql "$MYSQL_CS" --file $OUT/coupons-$STAMP.tsv)
echo "$LOAD_LINE" | grep -v '^loaddata_rows_per_second='
LOAD_RATE=$(echo "$LOAD_LINE" | sed -n 's/^loaddata_rows_per_second=//p')
report_written $W0

echo "== 2. distribution task end to end"
W0=$(written)
RSS_BEFORE=$(awk '/VmRSS/ {print $2}' /proc/$HOST_PID/status)
DIST=$(lg distribute --rows $ROWS --mysql "$MYSQL_CS" --file $OUT/recipients-$STAMP.csv --metrics http://127.0.0.1:$MANAGEMENT_PORT/metrics) || { echo "$DIST"; echo "distribution run failed" >&2; exit 1; }
echo "$DIST" | grep -v '_rows_per_second='
report_written $W0
DIST_RATE=$(echo "$DIST" | sed -n 's/^distribute_rows_per_second=//p')
ISSUE_RATE=$(echo "$DIST" | sed -n 's/^issue_rows_per_second=//p')
PEAK=$(awk '/VmHWM/ {print $2}' /proc/$HOST_PID/status)
echo "engine memory: RSS before the task $((RSS_BEFORE / 1024)) MiB, peak RSS $((PEAK / 1024)) MiB (GC heap hard limit ${HEAP_LIMIT_MB} MiB held)"
awk -v d="$DIST_RATE" -v i="$ISSUE_RATE" -v l="$LOAD_RATE" 'BEGIN {
  printf "ratio to LOAD DATA: end to end %.1f %%, issuing phase %.1f %% (target >= 50 %%)\n", 100*d/l, 100*i/l }'
