#!/usr/bin/env bash
# The README's test command: makes sure the services the tests need are up (installing them if
# missing), runs every test project, and ends with one line "N passed, N failed" counted from the
# test results. Exits non-zero when anything failed or no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh start mariadb redis nats || { echo "0 passed, 1 failed"; echo "could not start MariaDB, Redis or NATS: see above" >&2; exit 1; }

results=TestResults
rm -rf "$results"
dotnet test PromotionEngine.slnx --logger "trx" --results-directory "$results" "$@"
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
