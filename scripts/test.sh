#!/usr/bin/env bash
# The README's test command. Ends with one line "N passed, N failed" counted from the test results, and exits
# non-zero when anything failed or no test ran.
#
#   scripts/test.sh               the full run CI makes (.ci/run): starts the services the tests need (installing them
#                                 if missing), installs the OpenAPI linters (scripts/openapi.sh install) and promtool
#                                 (scripts/prometheus.sh install), then every test project of the solution
#   scripts/test.sh --fast        unit and architecture tests only: every test project but System.Tests and Client.Tests
#                                 (both start the engine) and without the tests on a ClickHouse server
#                                 ([Trait("Category", "ClickHouse")]), no service started; for the edit-build-test loop
#   scripts/test.sh --skip-slow   the full run without the slow drills ([Trait("Category", "Slow")]: the SIGKILL and
#                                 broker/Redis failure drills, the 10-million-row file, the fuzzer, ...); CI never skips them
#
# Anything after the flags goes to `dotnet test` as is (e.g. --filter "FullyQualifiedName~ClaimApi").
set -uo pipefail
cd "$(dirname "$0")/.."

lane=full
skip_slow=false
while [ $# -gt 0 ]; do
  case "$1" in
    --fast) lane=fast; shift ;;
    --skip-slow) skip_slow=true; shift ;;
    *) break ;;
  esac
done

# The rest goes to dotnet test; without the slow drills, a filter of the caller's is narrowed, not replaced.
args=()
filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) filter=$2; shift 2 ;;
    --filter=*) filter=${1#--filter=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ "$skip_slow" = true ]; then filter=${filter:+($filter)&}Category!=Slow; fi
if [ "$lane" = fast ]; then filter=${filter:+($filter)&}Category!=ClickHouse; fi
if [ -n "$filter" ]; then args+=(--filter "$filter"); fi

results=TestResults
rm -rf "$results"
mkdir -p "$results"

if [ "$lane" = fast ]; then
  # A solution of the fast projects only, so neither the Host nor the system tests are built or started.
  target="$results/fast.slnx"
  {
    echo '<Solution>'
    for project in tests/*/*.csproj; do
      case "$project" in tests/System.Tests/* | tests/Client.Tests/*) continue ;; esac
      echo "  <Project Path=\"../$project\" />"
    done
    echo '</Solution>'
  } >"$target"
else
  target=PromotionEngine.slnx
  scripts/services.sh start mariadb redis nats clickhouse redis-cluster nginx chromium || { echo "0 passed, 1 failed"; echo "could not start MariaDB, Redis, NATS, ClickHouse or the Redis Cluster (or install nginx or Chromium): see above" >&2; exit 1; }
  # Node.js and the pinned OpenAPI linters the DocumentLint system test runs (npm ci the first time, nothing after).
  scripts/openapi.sh install || { echo "0 passed, 1 failed"; echo "could not install the OpenAPI linters: see above" >&2; exit 1; }
  # promtool (Debian's prometheus package), which the AlertRules and DashboardQueries system tests run (apt the first time).
  scripts/prometheus.sh install || { echo "0 passed, 1 failed"; echo "could not install promtool: see above" >&2; exit 1; }
fi

dotnet test "$target" --logger "trx" --results-directory "$results" "${args[@]}"
status=$?

passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); total=$((total + ${t:-0}))
done
# A build failure or a crashed test host leaves fewer results than tests: count that as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
