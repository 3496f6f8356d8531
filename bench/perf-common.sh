# Sourced by bench/profile-claims.sh and bench/sqlite-counts.sh (not run alone): the port the engine is started on (PORT, or a free
# one picked at random, so another engineer's bench is never the one recorded nor collided with), perf's presence, and the wait for
# the measured claims run.
if [ -z "${PORT:-}" ]; then
  PORT=$((20000 + RANDOM % 20000))
  while ss -ltnH "sport = :$PORT" | grep -q .; do PORT=$((20000 + RANDOM % 20000)); done
fi
export PORT
mkdir -p bench/out
command -v perf >/dev/null || { echo "perf is required (apt-get install linux-perf)" >&2; exit 1; }

# Waits for the measured claims run at LEVEL (its keys start with m<stamp>-<level>-), then prints the engine's pid (on PORT).
measured_engine_pid() {
  for _ in $(seq 1 2400); do
    pgrep -f "wrk -t1 .*127.0.0.1:$PORT .* claims .* m[0-9]+-$LEVEL-" >/dev/null && break
    sleep 0.25
  done
  ss -ltnpH "sport = :$PORT" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1
}
