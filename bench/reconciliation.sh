#!/usr/bin/env bash
# Three-way reconciliation of a generated day (docs/benchmarks.md): ORDERS orders (1 000 000), PARTITIONS partition files (64);
# "drift" as the first argument puts one fen of drift into every 1000th order line.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/ReconciliationBench -v q -nologo >/dev/null
/usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" \
  dotnet bench/ReconciliationBench/bin/Release/net10.0/PromotionEngine.ReconciliationBench.dll "${ORDERS:-1000000}" "${PARTITIONS:-64}" "${1:-clean}"
