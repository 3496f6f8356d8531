#!/usr/bin/env bash
# The Prometheus rules' tooling: deploy/prometheus/rules/*.yml, checked and unit-tested offline with promtool.
#
#   scripts/prometheus.sh install   Debian's prometheus package (the server, which scripts/cluster.sh runs, and promtool)
#                                   when either is missing; its init script is kept from starting a system-wide
#                                   Prometheus; does nothing when installed
#   scripts/prometheus.sh check     promtool check rules on every rule file and promtool check config on
#                                   deploy/prometheus/prometheus.yml
#   scripts/prometheus.sh test      promtool test rules on every deploy/prometheus/tests/*.yml; prints one line
#                                   "promtool: N test files, N failed" last; exits 1 when any test fails
set -euo pipefail
cd "$(dirname "$0")/.."

RULES=deploy/prometheus/rules
TESTS=deploy/prometheus/tests
CONFIG=deploy/prometheus/prometheus.yml
APT_LOG=/tmp/promotion-engine-prometheus-apt.log

die() { echo "prometheus.sh: error: $*" >&2; exit 1; }

usage() {
    echo "usage: $0 install|check|test" >&2
    exit 2
}

installed() { command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; }

install() {
    installed && return 0
    echo "installing prometheus (apt; it ships promtool)"
    # The package's init script would start a system-wide Prometheus on :9090; policy-rc.d keeps it from starting.
    local policy=/usr/sbin/policy-rc.d added_policy=0 rc=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        added_policy=1
    fi
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus
    } >"$APT_LOG" 2>&1 || rc=$?
    ((added_policy)) && rm -f "$policy"
    if ((rc != 0)); then
        tail -n 20 "$APT_LOG" >&2
        die "installing prometheus failed (log: $APT_LOG)"
    fi
    installed || die "the prometheus package did not install prometheus and promtool"
}

check() {
    install
    promtool check rules "$RULES"/*.yml
    promtool check config "$CONFIG"
}

run_tests() {
    install
    local file failed=0 count=0
    for file in "$TESTS"/*.yml; do
        count=$((count + 1))
        # promtool resolves rule_files relative to the test file.
        promtool test rules "$file" || failed=$((failed + 1))
    done
    echo "promtool: $count test files, $failed failed"
    ((failed == 0))
}

case ${1:-} in
    install) install ;;
    check) check ;;
    test) run_tests ;;
    *) usage ;;
esac
