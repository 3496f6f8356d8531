#!/usr/bin/env bash
# Upload-bomb benchmark (not a test; run on demand). Publishes the engine and the load tool in Release, writes the
# workbooks (bench/LoadGen UploadBombs.cs: a 400 MB header cell in ~400 KB, 1.5 GB of whitespace in ~1.5 MB, 200 000
# rows in column XFD, and an honest single-column workbook of ROWS rows), then uploads each to a fresh engine on the
# embedded defaults (SQLite) with curl and reads the engine's /proc/<pid>/status: the answer (status, code, time) and
# RSS before the upload and at its peak (VmHWM). Then 4 header-cell bombs at once on a fresh engine: RSS growth.
# The honest workbook is scheduled an hour ahead, so the engine only imports it: the time until it is counted.
# Usage: bench/upload-bombs.sh [rows] (default 5000000). Environment: HOST_DIR=<a published Host> measures that build
# instead of this checkout's (e.g. main's, for the figures before a change); HEAP_LIMIT_MB sets a GC heap hard limit;
# ONLY="whitespace honest" runs some of the parts (header-cell whitespace xfd concurrent honest).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-5000000}
OUT=bench/out
PORT=${PORT:-5420}
KEY=$(head -c 32 /dev/urandom | base64 -w0)
STAMP=$(date +%s)
HOST_DIR=${HOST_DIR:-}
HEAP_LIMIT_MB=${HEAP_LIMIT_MB:-}
ONLY=${ONLY:-header-cell whitespace xfd concurrent honest}
runs() { [[ " $ONLY " == *" $1 "* ]]; }
mkdir -p $OUT
echo "== building (Release)"
if [ -z "$HOST_DIR" ]; then
  dotnet publish src/Host -c Release -o $OUT/host -v q --nologo >/dev/null
  HOST_DIR=$OUT/host
fi
dotnet publish bench/LoadGen -c Release -o $OUT/loadgen -v q --nologo >/dev/null
BOMBS=$OUT/bombs-$ROWS
lg() { dotnet $OUT/loadgen/PromotionEngine.LoadGen.dll http://127.0.0.1:$PORT $KEY "$@"; }
[ -f $BOMBS/honest.xlsx ] || lg bombs --out $BOMBS --rows $ROWS >/dev/null
TOKEN=$(dotnet $HOST_DIR/PromotionEngine.Host.dll token --role MERCHANT --id 1 --Promotion:Auth:SigningKey=$KEY)

HOST_PID=
start_host() {
  local env=()
  [ -n "$HEAP_LIMIT_MB" ] && env=(env DOTNET_GCHeapHardLimit=$(printf '0x%x' $((HEAP_LIMIT_MB * 1024 * 1024))))
  "${env[@]}" dotnet $HOST_DIR/PromotionEngine.Host.dll --urls http://127.0.0.1:$PORT --Promotion:Auth:SigningKey=$KEY \
    --Promotion:DataDirectory=$OUT/data-$STAMP-$1 --Logging:LogLevel:Default=Warning > $OUT/host-$STAMP-$1.log 2>&1 &
  HOST_PID=$!
  for _ in $(seq 1 300); do curl -sf http://127.0.0.1:$PORT/health >/dev/null && break; sleep 0.1; done
  curl -sf http://127.0.0.1:$PORT/health >/dev/null || { echo "engine did not start: see $OUT/host-$STAMP-$1.log" >&2; exit 1; }
  TEMPLATE=$(lg template)
}
stop_host() {
  if [ -n "$HOST_PID" ]; then kill $HOST_PID 2>/dev/null || true; wait $HOST_PID 2>/dev/null || true; fi
  HOST_PID=
}
cleanup() { stop_host; rm -rf $OUT/data-$STAMP-*; }
trap cleanup EXIT
mib() { awk -v k="$1:" '$1 == k { printf "%d", $2 / 1024 }' /proc/$HOST_PID/status; }
# upload NAME FILE [extra curl args]: prints "status seconds code"
upload() {
  local line
  line=$(curl -s -o $OUT/answer-$STAMP-$1.json -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" \
    -F templateId=$TEMPLATE -F name="$1" -F "file=@$2" "${@:3}" http://127.0.0.1:$PORT/api/v1/merchant/distribution-tasks || echo "000 -")
  local code
  code=$(grep -o '"code":"[A-Z_]*"' $OUT/answer-$STAMP-$1.json 2>/dev/null | head -1 | cut -d'"' -f4 || true)
  echo "$line ${code:-$(grep -o '"status":"[A-Z]*"' $OUT/answer-$STAMP-$1.json 2>/dev/null | head -1 | cut -d'"' -f4 || true)}"
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GiB;" \
     "engine $HOST_DIR${HEAP_LIMIT_MB:+, GC heap hard limit $HEAP_LIMIT_MB MiB}"
for bomb in header-cell whitespace xfd; do
  runs $bomb || continue
  start_host $bomb
  before=$(mib VmRSS)
  read -r status seconds code < <(upload $bomb $BOMBS/$bomb.xlsx)
  alive=yes; kill -0 $HOST_PID 2>/dev/null || alive="no (see $OUT/host-$STAMP-$bomb.log)"
  if [ "$alive" = yes ]; then peak=$(mib VmHWM); after=$(mib VmRSS); else peak=-; after=-; fi
  printf '%-12s %7d bytes: HTTP %s %-32s in %7.2f s; RSS %s MiB before, peak %s MiB, %s MiB after; engine alive: %s\n' \
    $bomb $(stat -c %s $BOMBS/$bomb.xlsx) "$status" "$code" "${seconds/-/0}" "$before" "$peak" "$after" "$alive"
  stop_host
done

if runs concurrent; then
start_host concurrent
before=$(mib VmRSS)
start=$(date +%s.%N)
for i in 1 2 3 4; do upload concurrent-$i $BOMBS/header-cell.xlsx > $OUT/concurrent-$STAMP-$i.txt & done
wait $(jobs -p | grep -v "^$HOST_PID$") 2>/dev/null || true
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
if kill -0 $HOST_PID 2>/dev/null; then peak=$(mib VmHWM); after=$(mib VmRSS); else peak=-; after=-; fi
printf '4 header-cell bombs at once: answers [%s] in %.2f s; RSS %s MiB before, peak %s MiB (growth %s MiB), %s MiB after\n' \
  "$(cat $OUT/concurrent-$STAMP-*.txt | awk '{print $1 " " $3}' | sort | uniq -c | xargs)" "$elapsed" "$before" "$peak" \
  "$([ "$peak" = - ] && echo - || echo $((peak - before)))" "$after"
rm -f $OUT/concurrent-$STAMP-*.txt
stop_host
fi

runs honest || exit 0
start_host honest
before=$(mib VmRSS)
read -r status seconds code < <(upload honest $BOMBS/honest.xlsx -F startAt=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ))
task=$(grep -o '"id":"[0-9]*"' $OUT/answer-$STAMP-honest.json | head -1 | cut -d'"' -f4 || true)
printf 'honest %d rows, %d bytes: HTTP %s %s in %.2f s\n' $ROWS $(stat -c %s $BOMBS/honest.xlsx) "$status" "$code" "$seconds"
if [ -n "$task" ]; then
  start=$(date +%s.%N)
  for _ in $(seq 1 6000); do
    state=$(curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:$PORT/api/v1/merchant/distribution-tasks/$task)
    echo "$state" | grep -q '"totalRows":[0-9]' && break
    echo "$state" | grep -q '"status":"FAILED"' && break
    sleep 0.2
  done
  printf '  imported: %s in %.1f s after the answer; RSS %s MiB before the upload, peak %s MiB\n' \
    "$(echo "$state" | grep -o '"totalRows":[0-9]*\|"failureCode":"[A-Z_]*"\|"failureDetail":"[^"]*"' | xargs)" \
    "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')" "$before" "$(mib VmHWM)"
fi
