#!/usr/bin/env bash
# What the embedded default (SQLite) does per durable claim, counted rather than timed (not a test; run on demand): during the
# measured claims run of `PATHS=sqlite bench/claims.sh`, uprobes on the engine's libe_sqlite3 count statement preparations
# (by SQL text, numbers folded), statement steps, connection opens and closes, and the engine's fsync/fdatasync calls, then
# divides by the coupons stored meanwhile (counted in its database). Per statement and per batch the counts do not move with the
# machine's load; per claim they do through the batch size (a slower engine writes smaller batches), so compare them at like rates.
# Usage: bench/sqlite-counts.sh [name] (default: counts); LEVEL (64), RECORD seconds (8), HOST_DIR, ENGINE_ARGS and PORT as for
# claims.sh (default: a free port picked at random). Needs perf with uprobes (root or perf_event_paranoid <= 1).
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=${1:-counts}
LEVEL=${LEVEL:-64}
RECORD=${RECORD:-8}
OUT=bench/out/$NAME
. bench/perf-common.sh
[ -n "${HOST_DIR:-}" ] || { HOST_DIR=bench/out/host; dotnet publish src/Host -c Release -o "$HOST_DIR" -v q --nologo >/dev/null; }
export HOST_DIR
LIB=$(realpath "$HOST_DIR/runtimes/linux-x64/native/libe_sqlite3.so")
GROUP=sqlcount$$
# The probes are named after this run's group, so another run's (or another engineer's) probes are neither used nor removed.
perf probe -q -x "$LIB" "$GROUP:prepare=sqlite3_prepare_v2 sql=+0(%si):string"
perf probe -q -x "$LIB" "$GROUP:prepare3=sqlite3_prepare_v3 sql=+0(%si):string"
perf probe -q -x "$LIB" "$GROUP:step=sqlite3_step"
perf probe -q -x "$LIB" "$GROUP:open=sqlite3_open_v2"
perf probe -q -x "$LIB" "$GROUP:close=sqlite3_close_v2"
trap 'perf probe -q -d "$GROUP:*" || true' EXIT

record() {
  local pid
  pid=$(measured_engine_pid)
  sleep 1
  # The claims stored while recording, counted in the engine's database (its newest data folder) before and after.
  local db coupons0
  db=$(ls -td bench/out/data-*/promotion.db | head -n 1)
  coupons0=$(sqlite3 -cmd ".timeout 5000" "$db" "SELECT COUNT(*) FROM en_user_coupons")
  perf record -e "$GROUP:*" -e syscalls:sys_enter_fsync -e syscalls:sys_enter_fdatasync -p "$pid" -o "$OUT.data" \
    -- sleep "$RECORD" 2> "$OUT.record.log"
  echo $(( $(sqlite3 -cmd ".timeout 5000" "$db" "SELECT COUNT(*) FROM en_user_coupons") - coupons0 )) > "$OUT.claims"
}
record &
RECORDER=$!
PATHS=sqlite LEVELS=$LEVEL bench/claims.sh 10 | tee "$OUT.bench"
wait $RECORDER || { echo "perf record failed: see $OUT.record.log" >&2; exit 1; }
perf script -i "$OUT.data" -F event,trace 2>/dev/null > "$OUT.events"
python3 - "$OUT.events" "$(cat "$OUT.claims")" "$GROUP" <<'EOF'
import collections, re, sys
events, claims, group = sys.argv[1], max(int(sys.argv[2]), 1), sys.argv[3]
kinds, texts = collections.Counter(), collections.Counter()
for line in open(events, encoding="utf-8", errors="replace"):
    m = re.match(r"\s*([\w]+):(\w+):\s*(.*)$", line)  # group:event: (address) fields; a SQL text's later lines are skipped
    if not m:
        continue
    kind, rest = m.group(2), m.group(3)
    kinds[kind] += 1
    s = re.search(r'sql="(.*)"?$', rest)
    if kind.startswith("prepare") and s:
        sql = re.sub(r"\b\d+\b", "N", s.group(1))
        sql = re.sub(r"([@$:]\w*?)\d+\b", r"\1N", sql)
        texts[sql[:110]] += 1
print(f"per durable claim ({claims} coupons stored while recording; prepare = sqlite3_prepare_v2, a statement of a command text):")
for kind, n in sorted(kinds.items()):
    print(f"  {kind:28s} {n / claims:8.3f}")
print("statement preparations per claim by SQL text (numbers folded):")
for sql, n in texts.most_common(25):
    print(f"  {n / claims:8.3f}  {sql}")
EOF
