#!/usr/bin/env bash
# Campaign rules benchmark (issue 17; not a test, run on demand): what audiences, money budgets and per-period limits cost
# claims and quotes, measured against the same runs without them, alternating, in one process:
#   claims on the Redis path (Redis decision + group commit to MariaDB, durable), every request a new user, on a template
#   without rules and on one with every rule on (a budgeted campaign that stops claims when low, an audience holding the
#   users who claim, one claim per day, week and month in Asia/Shanghai), ROUNDS times each, order swapped every round;
#   quotes of a 50-coupon wallet and a 20-line cart (every cart new), the wallet's templates without rules and with them.
# Prints throughput and latency per run and the CPU each request cost the engine, MariaDB and Redis; checks the claim
# invariants of every template. Usage: bench/rules.sh [seconds per run] (default 10). Environment: C (claim concurrency,
# default 64), QC (quote concurrency, default 4), ROUNDS (default 2), MEMBERS (audience size per rules template, default 200000),
# BENCH_RULES (which rules "on" means: a comma list of audience, budget, periods; default all three), HOST_DIR (an engine
# published before, e.g. of another commit, for A/B runs; default: this checkout, published now).
# Per claims run also the engine's MariaDB work per durable claim, from MariaDB's statistics of the engine's own user (userstat):
# statements, commits, rows read and rows written, and the server's busy and CPU time for it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS=${1:-10}
C=${C:-64}
export BENCH_RULES=${BENCH_RULES:-audience,budget,periods}
QC=${QC:-4}
ROUNDS=${ROUNDS:-2}
MEMBERS=${MEMBERS:-200000}
OUT=bench/out
PORT=${PORT:-5440}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
DB=promo_rbench_$STAMP
# The engine connects as a user of its own, so MariaDB's per-user statistics count its work alone on a server others share.
BENCH_USER=promo_rbench
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=$BENCH_USER;Password=;Database=$DB;Maximum Pool Size=200"

scripts/services.sh start mariadb redis >/dev/null
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
echo "== building (Release)"
HOST_DIR=${HOST_DIR:-$OUT/host}
[ "$HOST_DIR" = $OUT/host ] && dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null

mysql_q() { mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -e "$1"; }
PREV_FLUSH=$(mysql_q "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit")
PREV_USERSTAT=$(mysql_q "SELECT @@GLOBAL.userstat")
mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = 1" # a 201 means fsynced, as in bench/claims.sh
mysql_q "CREATE USER IF NOT EXISTS '$BENCH_USER'@'%'; GRANT ALL PRIVILEGES ON \`promo\\_rbench\\_%\`.* TO '$BENCH_USER'@'%'; SET GLOBAL userstat = 1"
cleanup() {
  mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = $PREV_FLUSH; SET GLOBAL userstat = $PREV_USERSTAT" || true
  [ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true
  mysql_q "DROP DATABASE IF EXISTS $DB" || true
  redis-cli -h 127.0.0.1 --scan --pattern "rbench-$STAMP*" | xargs -r -n 1000 redis-cli -h 127.0.0.1 DEL >/dev/null || true
}
trap cleanup EXIT

# Rate limits off: the setup pushes audiences and makes templates as one merchant and one service, far past their limits;
# the runs with and without rules pay the same for everything else.
taskset -c 0 dotnet $HOST_DIR/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT --Promotion:Auth:SigningKey=$KEY \
  --RateLimits:Enabled=false --Logging:LogLevel:Default=Warning --Promotion:DataDirectory=$OUT/data-$STAMP \
  --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS" \
  --Engine:ClaimGate=Redis --Engine:Redis:KeyPrefix=rbench-$STAMP > $OUT/host-$STAMP.log 2>&1 &
HOST_PID=$!
for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:$PORT/health >/dev/null || { echo "engine did not start: see $OUT/host-$STAMP.log" >&2; exit 1; }

lg() { taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' /proc/$1/stat 2>/dev/null || echo 0; }
# The servers on the ports the engine uses (a Redis Cluster's nodes or other servers may run beside them), as bench/claims.sh.
pid_on_port() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }
MARIADB_PID=$(pid_on_port 3306)
REDIS_PID=$(pid_on_port 6379)
[ -n "$MARIADB_PID" ] && [ -n "$REDIS_PID" ] || { echo "no MariaDB on 3306 or Redis on 6379 found (ss -ltnp)" >&2; exit 1; }
cpu_sample() { echo "$(ticks $HOST_PID) $(ticks "$MARIADB_PID") $(ticks "$REDIS_PID")"; }
# The engine's MariaDB work so far (userstat of its user): statements, commits, rows read, rows written, busy and CPU microseconds.
statements_now() {
  local row; row=$(mysql_q "SELECT SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS, COMMIT_TRANSACTIONS, ROWS_READ,
    ROWS_INSERTED + ROWS_UPDATED + ROWS_DELETED, ROUND(BUSY_TIME * 1000000), ROUND(CPU_TIME * 1000000)
    FROM information_schema.USER_STATISTICS WHERE USER = '$BENCH_USER'")
  echo "${row:-0 0 0 0 0 0}"
}
statements_report() { # $1, $2: statements_now before and after; $3: durable claims
  read -r s0 c0 r0 w0 b0 u0 <<<"$1"; read -r s1 c1 r1 w1 b1 u1 <<<"$2"; local created=$3
  [ "$created" -gt 0 ] || return 0
  echo "   MariaDB per durable claim (userstat): statements $(awk "BEGIN {printf \"%.2f\", ($s1 - $s0) / $created}")," \
       "commits $(awk "BEGIN {printf \"%.3f\", ($c1 - $c0) / $created}"), rows read $(awk "BEGIN {printf \"%.2f\", ($r1 - $r0) / $created}")," \
       "rows written $(awk "BEGIN {printf \"%.2f\", ($w1 - $w0) / $created}"), busy $(( (b1 - b0) / created )) us, cpu $(( (u1 - u0) / created )) us"
}
cpu_report() {
  read -r e0 m0 r0 <<<"$1"; read -r e1 m1 r1 <<<"$2"; local requests=$3
  [ "$requests" -gt 0 ] || return 0
  echo "   cpu per request: engine $(( (e1 - e0) * TICK_US / requests )) us, MariaDB $(( (m1 - m0) * TICK_US / requests )) us," \
       "Redis $(( (r1 - r0) * TICK_US / requests )) us"
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;" \
     "engine on CPU 0, load on CPU 1; MariaDB innodb_flush_log_at_trx_commit=1; ${RUN_SECONDS}s per run after 3s warm-up; $(uptime)"

BASE=1000000000
claims() { # $1: off | on
  BASE=$((BASE + 100000000))
  local template line
  if [ "$1" = on ]; then template=$(lg template --rules --user-base $BASE --members $MEMBERS); else template=$(lg template); fi
  before=$(cpu_sample); stats_before=$(statements_now)
  line=$(lg claims --concurrency $C --seconds $RUN_SECONDS --template $template --user-base $BASE --report-sent)
  stats_after=$(statements_now)
  echo "$line" | grep -v '^created=\|^sent=' | sed "s/^claims/claims, rules $1,/"
  cpu_report "$before" "$(cpu_sample)" "$(echo "$line" | sed -n 's/^sent=//p')"
  statements_report "$stats_before" "$stats_after" "$(echo "$line" | sed -n 's/^created=//p')"
  lg verify --template $template --mysql "$MYSQL_CS" --expect-created "$(echo "$line" | sed -n 's/^created=//p')"
}
quotes() { # $1: off | on
  before=$(cpu_sample)
  if [ "$1" = on ]; then lg quotes --concurrency $QC --seconds $RUN_SECONDS --distinct --rules; \
  else lg quotes --concurrency $QC --seconds $RUN_SECONDS --distinct; fi
}

echo "== claims (Redis path), concurrency $C; rules on: $BENCH_RULES (an audience holds $MEMBERS)"
for round in $(seq 1 $ROUNDS); do
  if [ $((round % 2)) = 1 ]; then claims off; claims on; else claims on; claims off; fi
done
echo "== quotes (50 coupons, 20 lines, every cart new), concurrency $QC"
for round in $(seq 1 $ROUNDS); do
  if [ $((round % 2)) = 1 ]; then quotes off; quotes on; else quotes on; quotes off; fi
done
echo "== $(uptime)"
