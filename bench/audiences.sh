#!/usr/bin/env bash
# Audience benchmark (not a test; run on demand): loads an audience of USERS members through the push endpoint
# (POST /api/v1/audiences/{id}/members, 10 000 ids per request, PARALLEL requests at a time) into a Release engine on
# MariaDB with the Redis claim gate, then:
#   1. times the load and checks the audience's size (GET /api/v1/merchant/audiences/{id});
#   2. times the first claim of a template for that audience: it copies the members into Redis beside the template's
#      counters (docs/audiences.md) before it decides; prints the copy's memory (MEMORY USAGE);
#   3. times a member's and a stranger's claim once the copy is there.
# Usage: bench/audiences.sh [users] (default 10000000). Environment: PARALLEL (default 4), PORT, REDIS (127.0.0.1:6379).
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-10000000}
PARALLEL=${PARALLEL:-4}
PER_REQUEST=10000
OUT=bench/out
PORT=${PORT:-5420}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-5421}
REDIS=${REDIS:-127.0.0.1:6379}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
DB=promo_abench_$STAMP
PREFIX=abench-$STAMP
BODIES=$OUT/audience-$STAMP
MYSQL_CS="Server=127.0.0.1;Port=3306;User ID=root;Password=;Database=$DB;Maximum Pool Size=200"

scripts/services.sh start mariadb redis >/dev/null
mkdir -p $OUT $BODIES
echo "== building (Release)"
dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null

mysql_q() { mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -N -e "$1"; }
redis_q() { redis-cli -h "${REDIS%:*}" -p "${REDIS#*:}" "$@"; }
PREV_INFILE=$(mysql_q "SELECT @@GLOBAL.local_infile")
mysql_q "SET GLOBAL local_infile = 1"
cleanup() {
  mysql_q "SET GLOBAL local_infile = $PREV_INFILE" || true
  [ -n "${HOST_PID:-}" ] && kill $HOST_PID 2>/dev/null || true
  mysql_q "DROP DATABASE IF EXISTS $DB" || true
  redis_q --scan --pattern "$PREFIX:*" | xargs -r -n 1000 redis-cli -h "${REDIS%:*}" -p "${REDIS#*:}" DEL >/dev/null || true
  rm -rf $BODIES
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; MariaDB $(mysql_q 'SELECT VERSION()'),"\
     "innodb_flush_log_at_trx_commit=$(mysql_q 'SELECT @@GLOBAL.innodb_flush_log_at_trx_commit'); Redis $(redis_q INFO server | sed -n 's/^redis_version:\(.*\)\r/\1/p');"\
     "$USERS users, $PER_REQUEST per request, $PARALLEL in parallel"
echo "== uptime before: $(uptime)"

# The request bodies, written before the clock starts: user ids 1..USERS, ascending, 10 000 per body.
awk -v users=$USERS -v per=$PER_REQUEST -v dir=$BODIES 'BEGIN {
  for (start = 1; start <= users; start += per) {
    file = sprintf("%s/%08d.json", dir, start); printf "{\"add\":[" > file
    for (u = start; u < start + per && u <= users; u++) printf "%s%d", (u == start ? "" : ","), u > file
    printf "]}" > file; close(file) } }'

COMMON=(--Promotion:Auth:SigningKey=$KEY --Promotion:Database:Provider=MySql "--Promotion:Database:ConnectionString=$MYSQL_CS")
{ read -r MERCHANT; read -r SERVICE; read -r MEMBER; read -r STRANGER; } < <(dotnet $OUT/host/PromotionEngine.Host.dll token \
  --role MERCHANT --id 7 --role SERVICE --id crm --role USER --id $((USERS / 2)) --role USER --id $((USERS + 1)) "${COMMON[@]}")
dotnet $OUT/host/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT --Telemetry:ManagementUrl=http://127.0.0.1:$MANAGEMENT_PORT \
  "${COMMON[@]}" --Logging:LogLevel:Default=Warning --Promotion:DataDirectory=$OUT/data-$STAMP --RateLimits:Enabled=false \
  --Engine:ClaimGate=Redis --Engine:Redis:Configuration=$REDIS --Engine:Redis:KeyPrefix=$PREFIX > $OUT/host-$STAMP.log 2>&1 &
HOST_PID=$!
for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$MANAGEMENT_PORT/health/ready >/dev/null && break; sleep 0.1; done
curl -sf http://127.0.0.1:$MANAGEMENT_PORT/health/ready >/dev/null || { echo "engine did not start: see $OUT/host-$STAMP.log" >&2; exit 1; }

api() { curl -sf "http://127.0.0.1:$PORT$1" -H "Authorization: Bearer $2" "${@:3}"; }
field() { grep -o "\"$1\":\"[^\"]*\"" | head -n 1 | cut -d '"' -f 4; }
now_ms() { date +%s%3N; }

AUDIENCE=$(api /api/v1/merchant/audiences "$MERCHANT" -H 'Content-Type: application/json' -d '{"name":"bench"}' | field id)
echo "== 1. load: $USERS users into audience $AUDIENCE"
T0=$(now_ms)
ls $BODIES | xargs -P $PARALLEL -I{} curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/v1/audiences/$AUDIENCE/members" \
  -H "Authorization: Bearer $SERVICE" -H 'Content-Type: application/json' --data-binary @$BODIES/{}
T1=$(now_ms)
MEMBERS=$(api /api/v1/merchant/audiences/$AUDIENCE "$MERCHANT" | grep -o '"members":[0-9]*' | cut -d: -f2)
[ "$MEMBERS" = "$USERS" ] || { echo "the audience holds $MEMBERS members, not $USERS" >&2; exit 1; }
echo "load_seconds=$(awk -v ms=$((T1 - T0)) 'BEGIN { printf "%.1f", ms / 1000 }') users_per_second=$(( USERS * 1000 / (T1 - T0) )) members=$MEMBERS"
echo "== uptime after the load: $(uptime)"

echo "== 2. the first claim copies the audience into Redis"
TEMPLATE=$(api /api/v1/merchant/templates "$MERCHANT" -H 'Content-Type: application/json' -d '{"name":"bench","currency":"CNY",
  "scope":"PLATFORM","type":"FIXED_AMOUNT","discountAmount":100,"stock":1000000,"perUserLimit":1,"audienceId":"'$AUDIENCE'",
  "validFrom":"'$(date -u -d '1 minute ago' +%FT%TZ)'","validUntil":"'$(date -u -d '1 day' +%FT%TZ)'"}' | field id)
claim() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/claims" -H "Authorization: Bearer $1" \
  -H "Idempotency-Key: k-$2" -H 'Content-Type: application/json' -d '{"templateId":"'$TEMPLATE'"}'; }
T0=$(now_ms)
FIRST=$(claim "$MEMBER" first)
while [ "$FIRST" = 503 ]; do FIRST=$(claim "$MEMBER" first); done # another claim's wait ran out while the copy was built
T1=$(now_ms)
COPY="$PREFIX:{t:$TEMPLATE}:audience"
echo "first_claim=$FIRST first_claim_seconds=$(awk -v ms=$((T1 - T0)) 'BEGIN { printf "%.1f", ms / 1000 }')" \
     "copy_members=$(redis_q SCARD "$COPY") copy_mib=$(( $(redis_q MEMORY USAGE "$COPY" SAMPLES 0) / 1024 / 1024 ))"

echo "== 3. claims once the copy is there"
T0=$(now_ms); M=$(claim "$MEMBER" second-template-user); T1=$(now_ms)
S=$(claim "$STRANGER" stranger); T2=$(now_ms)
echo "member_again=$M ($((T1 - T0)) ms, the user's limit) stranger=$S ($((T2 - T1)) ms)"
echo "== uptime at the end: $(uptime)"
