#!/usr/bin/env bash
# CPU profile of the engine during the measured claims run of bench/claims.sh (not a test; run on demand), broken down by
# subsystem per durable claim. Usage: bench/profile-claims.sh [name] (default: profile); PATHS (default redis), LEVEL (64),
# RECORD seconds (8), HOST_DIR, ENGINE_ARGS and PORT as for claims.sh (default: a free port picked at random, so another
# engineer's bench, on 5400 or elsewhere, is never the one profiled nor collided with). Needs perf (linux-perf) and root or perf_event_paranoid <= 1.
#
# Symbols: the JIT's code is named by the perf map the runtime writes (DOTNET_PerfMapEnabled=1: /tmp/perf-PID.map, kept
# after the process exits). Two more settings make it complete: DOTNET_EnableWriteXorExecute=0 (with W^X on, JIT code runs
# from a double-mapped memfd, "memfd:doublemapper (deleted)", which perf never looks up in the map) and DOTNET_ReadyToRun=0
# (the framework's precompiled code lives in the mapped .dll files, which perf cannot read: with it on, ASP.NET Core and the
# BCL show as bare addresses). Frames below libc's send/recv are lost (libc and libSystem.Native have no frame pointers), so
# kernel time in a socket call is attributed to "kernel" rather than to its caller.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=${1:-profile}
LEVEL=${LEVEL:-64}
RECORD=${RECORD:-8}
OUT=bench/out/$NAME
. bench/perf-common.sh

# Once the measured claims run has begun, records the engine on the port.
record() {
  local pid
  pid=$(measured_engine_pid)
  sleep 1
  perf record -F 997 -g -p "$pid" -o "$OUT.data" -- sleep "$RECORD" 2> "$OUT.record.log"
}
record &
RECORDER=$!
PATHS=${PATHS:-redis} LEVELS=$LEVEL \
  ENGINE_ENV="DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0${ENGINE_ENV:+ $ENGINE_ENV}" \
  bench/claims.sh 10 | tee "$OUT.bench"
wait $RECORDER || { echo "perf record failed: see $OUT.record.log" >&2; exit 1; }
perf script -i "$OUT.data" -F tid,comm,ip,sym,dso 2>/dev/null > "$OUT.stacks" \
  || { echo "perf could not read $OUT.data (a truncated recording): run again" >&2; exit 1; }
RPS=$(sed -n 's/^claims.* rps=\([0-9]*\) .*/\1/p' "$OUT.bench" | tail -n 1)
python3 bench/profile_breakdown.py "$OUT.stacks" "$((RPS * RECORD))"
