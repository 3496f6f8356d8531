#!/usr/bin/env bash
# In-process benchmark of the search read model (docs/benchmarks.md): builds an index of TEMPLATES generated templates
# (names in Chinese and English, every scope) and measures p50/p99 of search and exposure queries, one at a time, with a
# bare Lucene TermQuery over the same index as the comparison figure. Release build, pinned to CPU 1.
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPLATES=${TEMPLATES:-1000000}
QUERIES=${QUERIES:-20000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
dotnet publish bench/SearchBench -c Release -o bench/out/search -v q --nologo >/dev/null
taskset -c 1 dotnet bench/out/search/PromotionEngine.SearchBench.dll --templates "$TEMPLATES" --queries "$QUERIES" --directory "$DIR" "$@"
