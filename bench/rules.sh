#!/usr/bin/env bash
# Campaign rules benchmark (issue 17; not a test, run on demand): what audiences, money budgets and per-period limits cost
# claims and quotes, measured against the same runs without them, alternating, in one process:
#   claims on the Redis path (Redis decision + group commit to MariaDB, durable), every request a new user, on a template
#   without rules and on one with every rule on (a budgeted campaign that stops claims when low, an audience holding the
#   users who claim, one claim per day, week and month in Asia/Shanghai), in ROUNDS pairs ordered off/on, on/off, off/on …;
#   quotes of a 50-coupon wallet and a 20-line cart (every cart new), the wallet's templates without rules and with them.
# Every claims run starts from the same state (why runs of one build differed by a third before: h17-audience in
# docs/benchmarks.md): the engine is warmed up once on both kinds of template before the first measured run (JIT, pools);
# each run makes its own template (an "on" one pushes its audience's members), then claims on it for WARM_SECONDS with users
# the measured run does not use (the first claim copies the audience into Redis; budget and periods are read), then waits
# until MariaDB has purged the undo of what came before and flushed its dirty pages back near the level found at the start
# (or SETTLE_SECONDS have passed: others' load on a shared server may keep them up), and only then measures. It prints per run the throughput and latency, the CPU each request
# cost the engine, MariaDB and Redis, and counts per durable claim no load can move: MariaDB statements, commits, rows read and
# written (userstat of the engine's own user), Redis commands and script calls (INFO commandstats: use a Redis of your own
# with REDIS_PORT, e.g. `redis-server --port 6392 --save '' --daemonize yes`, so that they are the engine's alone), and claims
# and MariaDB statements per group-commit batch (the engine's promotion.claim.batch.size histogram); then the rules-on/off
# ratio of every pair and their median, the same of the engine's CPU per claim request (steadier than claims/s on a loaded
# machine: the engine is pinned to one core and is the bottleneck), and checks the claim invariants of every template.
# Usage: bench/rules.sh [seconds per run] (default 10). Environment: C (claim concurrency, default 64), QC (quote
# concurrency, default 4), ROUNDS (pairs, default 2), MEMBERS (audience size per rules template, default 200000),
# BENCH_RULES (which rules "on" means: a comma list of audience, budget, periods; default all three), HOST_DIR (an engine
# published before, e.g. of another commit, for A/B runs; default: this checkout, published now), REDIS_PORT (default 6379),
# ONLY=quotes: the quote runs alone (after a pair not measured), each with MariaDB statements, rows read and busy time and the
# engine's CPU per quote over its measured window, and the p99 ratio of every pair and their median;
# WARM_SECONDS (default 3), SETTLE_SECONDS (most to wait for MariaDB to settle before a run, default 30), GENERAL_LOG=1:
# MariaDB's general log (to its table) for one second in the middle of each measured claims run, to count the engine's round
# trips per group-commit batch by kind (every Query entry is one round trip; the batch's statements go as one).
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
MANAGEMENT_PORT=${MANAGEMENT_PORT:-$((PORT + 1))}
REDIS_PORT=${REDIS_PORT:-6379}
WARM_SECONDS=${WARM_SECONDS:-3}
SETTLE_SECONDS=${SETTLE_SECONDS:-30}
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
PREV_LOG_OUTPUT=$(mysql_q "SELECT @@GLOBAL.log_output")
cleanup() {
  mysql_q "SET GLOBAL innodb_flush_log_at_trx_commit = $PREV_FLUSH; SET GLOBAL userstat = $PREV_USERSTAT" || true
  [ "${GENERAL_LOG:-0}" = 1 ] && { mysql_q "SET GLOBAL general_log = 0; SET GLOBAL log_output = '$PREV_LOG_OUTPUT'" || true; }
  [ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true
  mysql_q "DROP DATABASE IF EXISTS $DB" || true
  redis-cli -h 127.0.0.1 -p $REDIS_PORT --scan --pattern "rbench-$STAMP*" | xargs -r -n 1000 redis-cli -h 127.0.0.1 -p $REDIS_PORT DEL >/dev/null || true
}
trap cleanup EXIT

# Rate limits off: the setup pushes audiences and makes templates as one merchant and one service, far past their limits;
# the runs with and without rules pay the same for everything else.
taskset -c 0 dotnet $HOST_DIR/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT --Promotion:Auth:SigningKey=$KEY \
  --RateLimits:Enabled=false --Logging:LogLevel:Default=Warning --Promotion:DataDirectory=$OUT/data-$STAMP \
  --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS" \
  --Engine:ClaimGate=Redis --Engine:Redis:KeyPrefix=rbench-$STAMP --Engine:Redis:Configuration=127.0.0.1:$REDIS_PORT \
  --Telemetry:ManagementUrl=http://127.0.0.1:$MANAGEMENT_PORT > $OUT/host-$STAMP.log 2>&1 &
HOST_PID=$!
for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$MANAGEMENT_PORT/health >/dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:$MANAGEMENT_PORT/health >/dev/null || { echo "engine did not start: see $OUT/host-$STAMP.log" >&2; exit 1; }

lg() { taskset -c 1 dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
ticks() { [ -n "$1" ] && awk '{print $14 + $15}' /proc/$1/stat 2>/dev/null || echo 0; }
# The servers on the ports the engine uses (a Redis Cluster's nodes or other servers may run beside them), as bench/claims.sh.
pid_on_port() { ss -ltnpH "sport = :$1" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1; }
MARIADB_PID=$(pid_on_port 3306)
REDIS_PID=$(pid_on_port $REDIS_PORT)
[ -n "$MARIADB_PID" ] && [ -n "$REDIS_PID" ] || { echo "no MariaDB on 3306 or Redis on $REDIS_PORT found (ss -ltnp)" >&2; exit 1; }
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
  # userstat is a global switch of the shared server: another client's script may turn it off (restoring its own start).
  [ "$(mysql_q "SELECT @@GLOBAL.userstat")" = 1 ] && [ "$c1" -gt "$c0" ] \
    || { echo "   MariaDB per durable claim: unknown (userstat was turned off during the run by another client)"; return 0; }
  echo "   MariaDB per durable claim (userstat): statements $(awk "BEGIN {printf \"%.2f\", ($s1 - $s0) / $created}")," \
       "commits $(awk "BEGIN {printf \"%.3f\", ($c1 - $c0) / $created}"), rows read $(awk "BEGIN {printf \"%.2f\", ($r1 - $r0) / $created}")," \
       "rows written $(awk "BEGIN {printf \"%.2f\", ($w1 - $w0) / $created}"), busy $(( (b1 - b0) / created )) us, cpu $(( (u1 - u0) / created )) us"
}
cpu_report() {
  read -r e0 m0 r0 <<<"$1"; read -r e1 m1 r1 <<<"$2"; local requests=$3
  [ "$requests" -gt 0 ] || return 0
  ENGINE_US=$(( (e1 - e0) * TICK_US / requests ))
  echo "   cpu per request: engine $ENGINE_US us, MariaDB $(( (m1 - m0) * TICK_US / requests )) us," \
       "Redis $(( (r1 - r0) * TICK_US / requests )) us"
}

# Redis commands so far (every command's calls in INFO commandstats, a script's own calls included), and script calls.
redis_calls() {
  redis-cli -h 127.0.0.1 -p $REDIS_PORT INFO commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ {all += $3}
    /^cmdstat_(evalsha|eval|fcall):/ {scripts += $3} END {printf "%d %d", all, scripts}'
}
# Group-commit batches and the claims in them so far (the engine's promotion.claim.batch.size histogram: count and sum).
batches_now() {
  curl -sf http://127.0.0.1:$MANAGEMENT_PORT/metrics | awk '/^promotion_claim_batch_size[a-z_]*_count[{ ]/ {c += $NF}
    /^promotion_claim_batch_size[a-z_]*_sum[{ ]/ {s += $NF} END {printf "%d %d", c, s}'
}
# Every command's calls so far, one "name calls" a line (for the per-command counts per claim).
redis_by_command() {
  redis-cli -h 127.0.0.1 -p $REDIS_PORT INFO commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ {sub(/^cmdstat_/, "", $1); print $1, $3}'
}
redis_by_command_report() { # $1, $2: redis_by_command before and after; $3: durable claims
  [ "$3" -gt 0 ] || return 0
  echo "   Redis commands per durable claim, by command: $(awk -v n="$3" 'NR == FNR {b[$1] = $2; next} {d = $2 - b[$1]}
    d > 0 {printf "%s %.2f, ", $1, d / n}' <(echo "$1") <(echo "$2") | sed 's/, $//')"
}
counts_report() { # $1, $2: "redis_calls batches_now statements" before and after; $3: durable claims
  read -r a0 x0 n0 k0 s0 _ <<<"$1"; read -r a1 x1 n1 k1 s1 _ <<<"$2"; local created=$3
  [ "$created" -gt 0 ] || return 0
  echo "   Redis (port $REDIS_PORT) per durable claim: $(awk "BEGIN {printf \"%.2f\", ($x1 - $x0) / $created}") script calls," \
       "$(awk "BEGIN {printf \"%.2f\", ($a1 - $a0) / $created}") commands$([ "$REDIS_PORT" = 6379 ] && echo " (shared Redis: includes other clients)")"
  [ $((n1 - n0)) -gt 0 ] && echo "   group commit: $((n1 - n0)) batches, $(awk "BEGIN {printf \"%.1f\", ($k1 - $k0) / ($n1 - $n0)}") claims" \
       "and $(awk "BEGIN {printf \"%.1f\", ($s1 - $s0) / ($n1 - $n0)}") MariaDB statements (userstat, all of the engine's) per batch"
  return 0
}
# MariaDB's purge backlog (undo of committed transactions not yet purged) and dirty pages: a run starts when both are back
# under what they were at the start (the previous run's writes and the set-up's pushes no longer being worked off).
innodb_state() {
  mysql_q "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_history_list_length', 'Innodb_buffer_pool_pages_dirty')" \
    | awk '{v[$1] = $2} END {printf "%d %d", v["Innodb_history_list_length"], v["Innodb_buffer_pool_pages_dirty"]}'
}
read -r HISTORY0 DIRTY0 <<<"$(innodb_state)"
# One second of the general log (GENERAL_LOG=1), the engine's user only: its round trips by kind, per group-commit batch
# (the batch's one multi-statement round trip begins with its claim requests' insert).
general_log_sample() { # $1: seconds to wait first
  sleep "$1"
  local from; from=$(mysql_q "SELECT NOW(6)")
  mysql_q "SET GLOBAL log_output = 'TABLE'; SET GLOBAL general_log = 1"; sleep 1; mysql_q "SET GLOBAL general_log = 0"
  mysql_q "SET GLOBAL log_output = '$PREV_LOG_OUTPUT'"
  mysql_q "SELECT COUNT(*), LEFT(REGEXP_REPLACE(CONVERT(argument USING utf8mb4), '[[:space:]]+', ' '), 70) k FROM mysql.general_log
    WHERE event_time >= '$from' AND user_host LIKE '$BENCH_USER%' AND command_type = 'Query' GROUP BY k ORDER BY 1 DESC" \
    | awk -F'\t' '{n[NR] = $1; k[NR] = $2; if (index($2, "INSERT INTO en_claim_requests") == 1) b += $1; all += $1}
      END {if (!b) {print "   general log: no group-commit batch in the sampled second"; exit}
        printf "   general log, 1 s: %d group-commit batches; the engine'"'"'s round trips per batch: %.1f, by kind:\n", b, all / b
        for (i = 1; i <= NR && i <= 12; i++) printf "     %5.2f  %s\n", n[i] / b, k[i]}'
}
settle() {
  local waited=0 history dirty
  while :; do
    read -r history dirty <<<"$(innodb_state)"
    { [ "$history" -le $((HISTORY0 + 1000)) ] && [ "$dirty" -le $((2 * DIRTY0 + 1000)) ]; } && break
    [ $waited -ge $SETTLE_SECONDS ] && { echo "   (not settled after ${SETTLE_SECONDS}s: history $history, dirty pages $dirty)"; return 0; }
    sleep 1; waited=$((waited + 1))
  done
  echo "   settled in ${waited}s (history list $history, dirty pages $dirty)"
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;" \
     "engine on CPU 0, load on CPU 1; MariaDB innodb_flush_log_at_trx_commit=1; ${RUN_SECONDS}s per run after its ${WARM_SECONDS}s" \
     "warm-up and 3s more in the run; at the start MariaDB history list $HISTORY0, dirty pages $DIRTY0; $(uptime)"

BASE=1000000000
declare -A RPS ENGINE_CPU
# Users of a run: the measured claims take BASE+1 …, its warm-up BASE+WARM_FROM+1 … (both inside an "on" template's audience).
WARM_FROM=$((MEMBERS / 2))
make_template() { # $1: off | on
  if [ "$1" = on ]; then lg template --rules --user-base $BASE --members $MEMBERS; else lg template; fi
}
warm() { # $1: template, $2: seconds (default WARM_SECONDS); prints the 201s
  lg claims --concurrency $C --warmup 0 --seconds ${2:-$WARM_SECONDS} --template $1 --user-base $((BASE + WARM_FROM)) | sed -n 's/^created=//p'
}
claims() { # $1: off | on; $2: the run's name
  BASE=$((BASE + 100000000))
  local template line warmed created
  template=$(make_template $1)
  warmed=$(warm $template)
  settle
  mysql_q "SET GLOBAL userstat = 1"
  by_command_before=$(redis_by_command)
  before=$(cpu_sample); stats_before=$(statements_now); counts_before="$(redis_calls) $(batches_now) $(echo "$stats_before" | cut -d' ' -f1)"
  local sampler=
  [ "${GENERAL_LOG:-0}" = 1 ] && { general_log_sample $((3 + RUN_SECONDS / 2)) > $OUT/general-$STAMP.txt & sampler=$!; }
  line=$(lg claims --concurrency $C --seconds $RUN_SECONDS --template $template --user-base $BASE --report-sent)
  [ -n "$sampler" ] && wait $sampler
  stats_after=$(statements_now); counts_after="$(redis_calls) $(batches_now) $(echo "$stats_after" | cut -d' ' -f1)"
  by_command_after=$(redis_by_command)
  created=$(echo "$line" | sed -n 's/^created=//p')
  echo "$line" | grep -v '^created=\|^sent=' | sed "s/^claims/claims, rules $1,/"
  RPS[$2]=$(echo "$line" | sed -n 's/.* rps=\([0-9]*\) .*/\1/p')
  ENGINE_US=0; cpu_report "$before" "$(cpu_sample)" "$(echo "$line" | sed -n 's/^sent=//p')"
  ENGINE_CPU[$2]=$ENGINE_US
  statements_report "$stats_before" "$stats_after" "$created"
  counts_report "$counts_before" "$counts_after" "$created"
  redis_by_command_report "$by_command_before" "$by_command_after" "$created"
  [ "${GENERAL_LOG:-0}" = 1 ] && cat $OUT/general-$STAMP.txt
  lg verify --template $template --mysql "$MYSQL_CS" --expect-created $((created + warmed))
}
declare -A P99
quotes() { # $1: off | on; $2: the run's name. Counts per quote over the measured window (LoadGen --userstat, --engine-pid).
  mysql_q "SET GLOBAL userstat = 1"
  local line
  line=$(lg quotes --concurrency $QC --seconds $RUN_SECONDS --distinct $([ "$1" = on ] && echo --rules) \
    --userstat "Server=127.0.0.1;Port=3306;User ID=root;Password=" --userstat-user $BENCH_USER --engine-pid $HOST_PID)
  echo "$line"
  P99[$2]=$(echo "$line" | sed -n 's/.* p99=\([0-9.]*\)ms .*/\1/p')
}

median() { sort -n | awk '{v[NR] = $1} END {printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
pairs() { # $1: the run (claims | quotes), in ROUNDS pairs ordered off/on, on/off …
  for round in $(seq 1 $ROUNDS); do
    if [ $((round % 2)) = 1 ]; then $1 off off$round; $1 on on$round; else $1 on on$round; $1 off off$round; fi
  done
}
ratios() { # $1: the figures by run (RPS | P99); prints every pair's on/off ratio and their median
  local -n by=$1; local all
  all=$(for round in $(seq 1 $ROUNDS); do awk "BEGIN {printf \"%.3f\n\", ${by[off$round]} ? ${by[on$round]} / ${by[off$round]} : 0}"; done)
  echo "$(echo $all | sed 's/ /, /g'); median $(echo "$all" | median)"
}
if [ "${ONLY:-}" != quotes ]; then
  echo "== warm-up of the engine (not measured): $((2 * WARM_SECONDS))s of claims on a template without rules and on one with them"
  for kind in off on; do BASE=$((BASE + 100000000)); warm "$(make_template $kind)" $((2 * WARM_SECONDS)) >/dev/null; done
  echo "== claims (Redis path), concurrency $C; rules on: $BENCH_RULES (an audience holds $MEMBERS)"
  pairs claims
  echo "== claims/s rules on / off per pair: $(ratios RPS)"
  # The engine is pinned to one core and is the bottleneck: its CPU per claim moves less with others' load than claims/s does.
  echo "== engine CPU per claim request (us) off / on per pair: $(for round in $(seq 1 $ROUNDS); do
    printf '%s / %s; ' "${ENGINE_CPU[off$round]}" "${ENGINE_CPU[on$round]}"; done)ratio on / off per pair: $(ratios ENGINE_CPU)"
fi
echo "== quotes (50 coupons, 20 lines, every cart new), concurrency $QC; rules on: $BENCH_RULES"
# ONLY=quotes: a first pair not measured (the engine's JIT and pools), as the claims' warm-up does for them.
[ "${ONLY:-}" = quotes ] && { quotes off warm >/dev/null; quotes on warm >/dev/null; }
pairs quotes
echo "== quotes p99 rules on / off per pair: $(ratios P99)"
echo "== $(uptime)"
