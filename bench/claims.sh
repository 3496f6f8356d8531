#!/usr/bin/env bash
# Claim benchmark (not a test; run on demand). Starts MariaDB and Redis, publishes the engine and the load
# generator in Release, pins the engine to CPU 0 and the load to CPU 1, and in one run measures:
#   1. the app's own ceiling: a no-op endpoint under the same load tool;
#   2. claims on the Redis path (Redis decision + group commit to MariaDB) at increasing concurrency;
#   3. redis-benchmark running the claim script itself (Redis's ceiling for the decision);
#   4. claims on the embedded default (SQLite, database gate), same harness;
# then checks the invariants on the stored data, and after every run prints the CPU each request cost the engine,
# MariaDB, Redis and the load tool (from /proc and the shell's `time`: they share the machine's cores), and for claims the
# whole-system CPU per durable claim (engine + Redis + MariaDB, per 201) and claims/s as a share of the same run's no-op ceiling
# at that concurrency. After each claims run it waits (polling, at most DRAIN_SECONDS, default 300) until the event backbone has
# caught up (no due events in the outbox, no deliveries waiting for a consumer) and prints the events consumers handled per
# second during the run, the backlog when the load stopped, the time to drain it, and the whole-system CPU per durable claim
# including its events (from the start of the load until drained). Usage: bench/claims.sh [seconds per run] (default 10)
# Environment: LEVELS="16 32 64 128" concurrency levels; DURABLE=1 (default) runs MariaDB with
# innodb_flush_log_at_trx_commit=1 for the measurement, so a 201 means fsynced.
# LOAD=wrk (default): wrk with bench/claims.lua, one thread, rotating tokens minted beforehand (LoadGen's mint mode, one new
# user per claim) and their own idempotency keys; a 3 s warm-up run precedes each measured run. LOAD=loadgen: the C# generator
# (costlier per request than the engine's no-op: it makes the ceiling read low).
# PATHS="redis redis-benchmark sqlite" (default: all three); ENGINE_ENV="NAME=value …" environment for the engine only (e.g.
# DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0), ENGINE_ARGS="--Section:Key=value …" extra settings for it; HOST_DIR=folder
# runs an engine published there (e.g. from another commit, for before/after runs) instead of publishing this tree's.
# REDIS_PORT=6391 runs the Redis path on a Redis of that port on loopback, e.g. one of your own started beforehand
# (redis-server --port 6391 --save '' --daemonize yes), so the Redis commands per claim it prints (INFO commandstats) are the
# engine's alone; on the shared 6379 (the default) they include whatever else uses that Redis meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_SECONDS=${1:-10}
LEVELS=${LEVELS:-"16 32 64 128"}
DURABLE=${DURABLE:-1}
LOAD=${LOAD:-wrk}
PATHS=${PATHS:-"redis redis-benchmark sqlite"}
ENGINE_ENV=${ENGINE_ENV:-}
ENGINE_ARGS=${ENGINE_ARGS:-}
REDIS_PORT=${REDIS_PORT:-6379}
WARMUP=3
DRAIN_SECONDS=${DRAIN_SECONDS:-300}
OUT=bench/out
PORT=${PORT:-5400}
# Health and the metrics the harness reads (events handled) answer on the management port.
MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 1))}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
DB=promo_bench_$STAMP
# The engine connects as a user of its own, so MariaDB's per-user statistics (userstat) count its commits and statements alone
# on a server other work shares.
BENCH_USER=promo_bench
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=$BENCH_USER;Password=;Database=$DB;Maximum Pool Size=200"

scripts/services.sh start mariadb redis >/dev/null
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
if [ "$LOAD" = wrk ] && ! command -v wrk >/dev/null; then
  echo "== installing wrk (apt)"
  { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >/dev/null
fi
echo "== building (Release)"
HOST_DIR=${HOST_DIR:-$OUT/host}
[ "$HOST_DIR" = $OUT/host ] && dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null

mysql_q() { mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -e "$1"; }
PREV_FLUSH=$(mysql_q "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit")
PREV_USERSTAT=$(mysql_q "SELECT @@GLOBAL.userstat")
[ "$DURABLE" = 1 ] && mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = 1"
mysql_q "CREATE USER IF NOT EXISTS '$BENCH_USER'@'%'; GRANT ALL PRIVILEGES ON \`promo\\_bench\\_%\`.* TO '$BENCH_USER'@'%'; SET GLOBAL userstat = 1"
trap 'mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = $PREV_FLUSH; SET GLOBAL userstat = $PREV_USERSTAT" || true; [ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true' EXIT

# Rate limits stay on with their defaults (every claim is a new user, under its own limit), except the no-op ceiling:
# the load generator pings anonymously from one address, far past the per-address default, so that limit is raised
# (not removed, so the ping still pays for a limiter as every claim does).
start_host() {
  # shellcheck disable=SC2086 # ENGINE_ENV and ENGINE_ARGS are lists of words
  env $ENGINE_ENV taskset -c 0 dotnet $HOST_DIR/PromotionEngine.Host.dll $ENGINE_ARGS --urls http://127.0.0.1:$PORT --Promotion:Auth:SigningKey=$KEY \
    --RateLimits:Other:PerIp:PermitLimit=1000000000 \
    --Telemetry:ManagementUrl=http://127.0.0.1:$MANAGEMENT_PORT \
    --Logging:LogLevel:Default=Warning --Promotion:DataDirectory=$OUT/data-$STAMP "$@" > $OUT/host-$STAMP.log 2>&1 &
  HOST_PID=$!
  for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$MANAGEMENT_PORT/health >/dev/null && return 0; sleep 0.1; done
  echo "engine did not start: see $OUT/host-$STAMP.log" >&2; exit 1
}
stop_host() { kill $HOST_PID; wait $HOST_PID 2>/dev/null || true; HOST_PID=; }
lg() { taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' /proc/$1/stat 2>/dev/null || echo 0; }
# The servers on the ports the engine uses (other redis-server or mariadbd processes may run beside them).
pid_on_port() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }
MARIADB_PID=$(pid_on_port 3306)
REDIS_PID=$(pid_on_port $REDIS_PORT)
# Commands the Redis has run so far (every command's calls in INFO commandstats), and of them EVALSHA and EVAL (scripts).
redis_calls() {
  redis-cli -h 127.0.0.1 -p $REDIS_PORT INFO commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ {all += $3}
    /^cmdstat_(evalsha|eval):/ {scripts += $3} END {printf "%d %d", all, scripts}'
}
cpu_sample() { echo "$(ticks $HOST_PID) $(ticks "$MARIADB_PID") $(ticks "$REDIS_PID") $(date +%s%N)"; }
# CPU per request of the runs between two samples (user + system time, so warm-up requests count on both sides); the load tool's
# from the shell's `time` of its runs (LOAD_US). With created > 0 (claims), also per durable claim and as a share of the ceiling.
cpu_report() {
  read -r e0 m0 r0 t0 <<<"$1"; read -r e1 m1 r1 t1 <<<"$2"; local requests=$3 created=${4:-0} rps=${5:-} c=${6:-}
  [ "$requests" -gt 0 ] || return 0
  local engine=$(( (e1 - e0) * TICK_US )) maria=$(( (m1 - m0) * TICK_US )) redis=$(( (r1 - r0) * TICK_US ))
  echo "   cpu per request: engine $((engine / requests)) us, MariaDB $((maria / requests)) us, Redis $((redis / requests)) us," \
       "load tool ($LOAD) $((LOAD_US / requests)) us; engine used $((engine * 100 / ((t1 - t0) / 1000)))% of its core"
  [ "$created" -gt 0 ] || return 0
  local ceiling=${CEILING[$c]:-0}
  echo "   whole-system CPU per durable claim (engine + Redis + MariaDB): $(( (engine + maria + redis) / created )) us;" \
       "claims/s = $([ "$ceiling" -gt 0 ] && echo "$((rps * 100 / ceiling))% of the no-op ceiling ($ceiling/s)" || echo "(no ceiling at c=$c)")"
}
# Redis calls per claim request (warm-up and measured run, as the CPU figures) between two redis_calls samples: script calls
# (each its own round trip) and every command INFO commandstats counts, which includes the commands a script runs.
redis_report() {
  [ "$STORE" = mysql ] && [ "$3" -gt 0 ] || return 0
  read -r a0 s0 <<<"$1"; read -r a1 s1 <<<"$2"
  echo "   Redis (port $REDIS_PORT) per claim request: $(awk -v a=$((a1 - a0)) -v s=$((s1 - s0)) -v n="$3" \
       'BEGIN {printf "%.2f script calls (EVALSHA, EVAL: a round trip each), %.2f commands counted", s / n, a / n}')" \
       "(the scripts' own calls included)$([ "$REDIS_PORT" = 6379 ] && echo "; shared Redis: includes other clients")"
}
# The event backbone: events consumers handled so far (the engine's promotion.messaging.handled counter, one per event and
# consumer group, summed over consumers; not msg_inbox rows: the in-process transport keeps no inbox), and the backlog in the store
# the engine runs on (STORE=mysql or sqlite: events due in the outbox, deliveries waiting for a consumer).
store_q() {
  if [ "$STORE" = sqlite ]; then sqlite3 -cmd ".timeout 5000" "$OUT/data-$STAMP/promotion.db" "$1"
  else mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -D "$DB" -e "$1"; fi
}
handled_now() {
  curl -sf http://127.0.0.1:$MANAGEMENT_PORT/metrics \
    | awk '/^promotion_messaging_handled_total[{ ]/ {
      l = $0; if (index(l, "} ")) l = substr(l, index(l, "} ") + 2); else l = substr(l, index(l, " ") + 1); split(l, v, " "); s += v[1] } END {printf "%d", s}'
}
# The engine's commits and statements so far (MariaDB's statistics of its user; "0 0" on SQLite).
statements_now() {
  [ "$STORE" = mysql ] || { echo "0 0"; return; }
  local row; row=$(mysql_q "SELECT COMMIT_TRANSACTIONS, SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS
    FROM information_schema.USER_STATISTICS WHERE USER = '$BENCH_USER'")
  echo "${row:-0 0}"
}
backlog_now() {
  store_q "SELECT (SELECT COALESCE(SUM(event_count), 0) FROM msg_outbox WHERE next_attempt_at <= $(($(date +%s%N) / 1000000))),
    (SELECT COUNT(*) FROM msg_deliveries)" | tr '\t|' '  '
}
# After a claims run (load stopped at sample $2, started at sample $1 with HANDLED_BEFORE handled): the events handled per second
# during the run, the backlog then, the time until the backbone is drained (polled, at most DRAIN_SECONDS) and the whole-system
# CPU from the start of the load until then per durable claim.
events_report() {
  local created=$3 stopped handled outbox deliveries e0 m0 r0 t0 e1 m1 r1 t1 drained=1
  read -r e0 m0 r0 t0 <<<"$1"; read -r _ _ _ stopped <<<"$2"
  handled=$(( $(handled_now) - HANDLED_BEFORE ))
  read -r outbox deliveries <<<"$(backlog_now)"
  local at_stop_outbox=$outbox at_stop_deliveries=$deliveries deadline=$(( $(date +%s) + DRAIN_SECONDS ))
  while [ $((outbox + deliveries)) -gt 0 ]; do
    [ "$(date +%s)" -ge $deadline ] && { drained=0; break; }
    sleep 0.2
    read -r outbox deliveries <<<"$(backlog_now)"
  done
  read -r e1 m1 r1 t1 <<<"$(cpu_sample)"
  echo "   events: $handled handled during the run ($((handled * 1000000000 / (stopped - t0)))/s); backlog when the load stopped:" \
       "$at_stop_outbox events due in the outbox, $at_stop_deliveries deliveries waiting;" \
       "$([ $drained = 1 ] && echo "drained in" || echo "NOT drained (backlog $outbox + $deliveries) after") $(( (t1 - stopped) / 1000000 )) ms"
  [ "$created" -gt 0 ] || return 0
  echo "   whole-system CPU per durable claim including its events (engine + Redis + MariaDB, load start to drained):" \
       "$(( ((e1 - e0) + (m1 - m0) + (r1 - r0)) * TICK_US / created )) us"
  [ "$STORE" = mysql ] || return 0
  local c0 q0 c1 q1; read -r c0 q0 <<<"$STATEMENTS_BEFORE"; read -r c1 q1 <<<"$(statements_now)"
  echo "   the engine's MariaDB work per durable claim including its events (load start to drained): $(awk -v c=$((c1 - c0)) \
       -v q=$((q1 - q0)) -v n="$created" 'BEGIN {printf "%.2f commits, %.1f statements", c / n, q / n}') ($((c1 - c0)) commits, $((q1 - q0)) statements)"
}
# MariaDB's rows per durable claim by table of the engine's database, since it was made (userstat's TABLE_STATISTICS: the warm-up
# runs, the template and every level's claims with their events, divided by every 201): what the claims and their events write
# and read, by table, independent of the machine's load.
tables_report() {
  [ "$STORE" = mysql ] || return 0
  echo "   rows per durable claim by table, events included (since the database was made; changed / read):"
  mysql_q "SELECT TABLE_NAME, ROWS_CHANGED, ROWS_READ FROM information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA = '$DB'
    ORDER BY ROWS_CHANGED DESC, ROWS_READ DESC" | awk -v n="$1" 'n > 0 && ($2 + $3) * 100 >= n {printf "     %-28s %6.2f / %6.2f\n", $1, $2 / n, $3 / n}'
}
# One measured run of the load tool (after its warm-up run) at concurrency c: prints the result line, sets SENT (requests of
# both runs), CREATED_RUN (their 201s), RPS (the measured run's) and LOAD_US (the load tool's CPU in both runs).
# Claims with wrk: tokens are minted first (outside the CPU window), one new user per request, users base+1 … on.
run_load() {
  local mode=$1 c=$2 base=${3:-0} line
  SENT=0; CREATED_RUN=0; LOAD_US=0
  if [ "$LOAD" = wrk ]; then
    local args=("$mode") warm=("$mode")
    if [ "$mode" = claims ]; then
      lg mint --count $((WARMUP * 20000)) --user-base $base --file $OUT/tokens-warm-$STAMP
      lg mint --count $((RUN_SECONDS * 20000)) --user-base $((base + 50000000)) --file $OUT/tokens-$STAMP
      warm=(claims $OUT/tokens-warm-$STAMP "$TEMPLATE" "w$STAMP-$c-")
      args=(claims $OUT/tokens-$STAMP "$TEMPLATE" "m$STAMP-$c-")
    fi
    HANDLED_BEFORE=$(handled_now); STATEMENTS_BEFORE=$(statements_now); REDIS_CALLS_BEFORE=$(redis_calls)
    BEFORE=$(cpu_sample)
    for run in warm measure; do
      local seconds=$RUN_SECONDS; local -a a=("${args[@]}")
      [ $run = warm ] && { seconds=$WARMUP; a=("${warm[@]}"); }
      { TIMEFORMAT='%U %S'; time WRK_CONNECTIONS=$c taskset -c 1 wrk -t1 -c"$c" -d"${seconds}s" --timeout 30s -s bench/claims.lua \
          "http://127.0.0.1:$PORT" -- "${a[@]}" > $OUT/wrk-$STAMP.out 2>&1; } 2> $OUT/time-$STAMP
      LOAD_US=$((LOAD_US + $(awk 'END {printf "%d", ($1 + $2) * 1000000}' $OUT/time-$STAMP)))
      SENT=$((SENT + $(sed -n 's/^sent=//p' $OUT/wrk-$STAMP.out)))
      CREATED_RUN=$((CREATED_RUN + $(sed -n 's/^created=//p' $OUT/wrk-$STAMP.out)))
    done
    line=$(grep -v '^sent=\|^created=' $OUT/wrk-$STAMP.out | tail -n 1)
    rm -f $OUT/tokens-warm-$STAMP $OUT/tokens-$STAMP
  else
    local extra=(); [ "$mode" = claims ] && extra=(--template "$TEMPLATE" --user-base "$base")
    HANDLED_BEFORE=$(handled_now); STATEMENTS_BEFORE=$(statements_now)
    BEFORE=$(cpu_sample)
    { TIMEFORMAT='%U %S'; time lg "$mode" --concurrency "$c" --seconds "$RUN_SECONDS" --warmup $WARMUP "${extra[@]}" --report-sent \
        > $OUT/lg-$STAMP.out; } 2> $OUT/time-$STAMP
    LOAD_US=$(awk 'END {printf "%d", ($1 + $2) * 1000000}' $OUT/time-$STAMP)
    SENT=$(sed -n 's/^sent=//p' $OUT/lg-$STAMP.out)
    CREATED_RUN=$(sed -n 's/^created=//p' $OUT/lg-$STAMP.out); CREATED_RUN=${CREATED_RUN:-0}
    line=$(grep -v '^sent=\|^created=' $OUT/lg-$STAMP.out)
  fi
  echo "$line"
  RPS=$(echo "$line" | sed -n 's/.* rps=\([0-9]*\) .*/\1/p')
}
# The ceiling and then claims at every level against the running engine; leaves TEMPLATE, CREATED and IN_FLIGHT for verify
# (wrk stops at its deadline with requests in flight: up to c per run may be stored and never answered).
declare -A CEILING
measure_levels() {
  for c in $LEVELS; do
    run_load noop $c
    CEILING[$c]=$RPS
    cpu_report "$BEFORE" "$(cpu_sample)" "$SENT"
  done
  TEMPLATE=$(lg template)
  CREATED=0; IN_FLIGHT=0
  for c in $LEVELS; do
    run_load claims $c $((c * 100000000))
    STOPPED=$(cpu_sample)
    cpu_report "$BEFORE" "$STOPPED" "$SENT" "$CREATED_RUN" "$RPS" "$c"
    redis_report "$REDIS_CALLS_BEFORE" "$(redis_calls)" "$SENT"
    events_report "$BEFORE" "$STOPPED" "$CREATED_RUN"
    CREATED=$((CREATED + CREATED_RUN))
    [ "$LOAD" = wrk ] && IN_FLIGHT=$((IN_FLIGHT + 2 * c))
  done
  tables_report "$CREATED"
  stop_host
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;" \
     "engine on CPU 0, load on CPU 1; MariaDB innodb_flush_log_at_trx_commit=$(mysql_q 'SELECT @@GLOBAL.innodb_flush_log_at_trx_commit'); ${RUN_SECONDS}s per run after ${WARMUP}s warm-up;" \
     "load tool $LOAD${ENGINE_ENV:+; engine env $ENGINE_ENV}${ENGINE_ARGS:+; engine args $ENGINE_ARGS}; load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ " $PATHS " == *" redis "* ]]; then
  echo "== Redis path (Redis decision + group commit to MariaDB)"
  STORE=mysql
  start_host --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS" \
    --Engine:ClaimGate=Redis --Engine:Redis:KeyPrefix=bench-$STAMP --Engine:Redis:Configuration=127.0.0.1:$REDIS_PORT
  measure_levels
  lg verify --template $TEMPLATE --mysql "$MYSQL_CS" --expect-created $CREATED --in-flight $IN_FLIGHT
fi

if [[ " $PATHS " == *" redis-benchmark "* ]]; then
  echo "== redis-benchmark: the claim script alone (EVALSHA, 50 connections, random users)"
  SHA=$(redis-cli -h 127.0.0.1 SCRIPT LOAD "$(dotnet $HOST_DIR/PromotionEngine.Host.dll claim-script)")
  T="bench-rb-$STAMP:{t:1}"
  redis-cli -h 127.0.0.1 SET "$T:issued" 0 >/dev/null
  NOW=$(($(date +%s) * 1000))
  taskset -c 1 redis-benchmark -h 127.0.0.1 -p 6379 -c 50 -n 300000 -r 1000000000 -q \
    EVALSHA $SHA 5 "$T:issued" "$T:users" "$T:req:__rand_int__" "$T:gen" "$T:audience" __rand_int__ $NOW 0 $((NOW + 86400000)) 0 1000000000000 1 __rand_int__ 600000 "" \
    | tr "\r" "\n" | tail -n 1 | sed "s/^.*: \([0-9.]* requests per second.*\)$/redis-benchmark EVALSHA claim script: \1/"
fi
redis-cli -h 127.0.0.1 -p $REDIS_PORT --scan --pattern "bench-*" | xargs -r -n 1000 redis-cli -h 127.0.0.1 -p $REDIS_PORT DEL >/dev/null

if [[ " $PATHS " == *" sqlite "* ]]; then
  echo "== embedded default (SQLite, database gate), same harness"
  STORE=sqlite
  start_host
  measure_levels
  lg verify --template $TEMPLATE --sqlite $OUT/data-$STAMP/promotion.db --expect-created $CREATED --in-flight $IN_FLIGHT
fi
mysql_q "DROP DATABASE IF EXISTS $DB"
