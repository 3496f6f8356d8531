#!/usr/bin/env bash
# Manage the local services the test suite talks to, without systemd or Docker.
#
#   scripts/services.sh start|stop|status [mariadb] [redis] [nats] [clickhouse] [redis-cluster] [nginx] [chromium]
#
# No service names means "mariadb". "all" means the first five. redis-cluster is a Redis Cluster of six
# nodes (three masters, one replica each) on ports 7101-7106 (services.d/redis-cluster.sh). nginx and chromium
# are only installed: each gateway (scripts/cluster.sh, the gateway tests) runs its
# own nginx with its own configuration and ports, and the console's browser tests
# start their own headless Chromium, so there is no shared one to start.
# `start` installs missing Debian packages, then starts each requested service
# on 127.0.0.1 unless its port already answers, and waits until it is ready.
# `stop` only stops processes this script started (by the PIDs it recorded).
# State (data, pid files, logs) lives under $PROMO_SERVICES_DIR.
set -euo pipefail

STATE_DIR=${PROMO_SERVICES_DIR:-/tmp/promotion-engine-services}
HOST=127.0.0.1
MARIADB_PORT=${PROMO_MARIADB_PORT:-3306}
REDIS_PORT=${PROMO_REDIS_PORT:-6379}
NATS_PORT=${PROMO_NATS_PORT:-4222}
NATS_MONITOR_PORT=${PROMO_NATS_MONITOR_PORT:-8222}
CLICKHOUSE_HTTP_PORT=${PROMO_CLICKHOUSE_HTTP_PORT:-8123}
CLICKHOUSE_TCP_PORT=${PROMO_CLICKHOUSE_TCP_PORT:-9000}
WAIT_SECONDS=${PROMO_SERVICES_WAIT:-60}

ALL_SERVICES=(mariadb redis nats clickhouse redis-cluster)
INSTALL_ONLY=(nginx chromium) # installed, never started here

# ---------------------------------------------------------------- helpers

say() { echo "$*"; }
die() { echo "services.sh: error: $*" >&2; exit 1; }

usage() {
    echo "usage: $0 start|stop|status [mariadb] [redis] [nats] [clickhouse] [redis-cluster] [nginx] [chromium] [all]" >&2
    exit 2
}

# True if something accepts TCP connections on HOST:$1.
port_open() {
    timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Print the body of http://HOST:$1$2 (curl if present, else plain bash).
http_get() {
    local port=$1 path=$2
    if command -v curl >/dev/null 2>&1; then
        curl -sf --max-time 2 "http://$HOST:$port$path"
    else
        timeout 2 bash -c '
            exec 3<>/dev/tcp/$0/$1 || exit 1
            printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3
            response=$(cat <&3)
            case ${response%%$'"'"'\r'"'"'*} in *" 200 "*) ;; *) exit 1 ;; esac
            printf "%s\n" "${response#*$'"'"'\r\n\r\n'"'"'}"
        ' "$HOST" "$port" "$path"
    fi
}

pid_file() { echo "$STATE_DIR/$1.pid"; }
log_file() { echo "$STATE_DIR/$1.log"; }

# Print the recorded PID of service $1 if that process is still alive and
# still runs the binary we started (pattern $2 matched against its cmdline).
recorded_pid() {
    local file pid
    file=$(pid_file "$1")
    [[ -s $file ]] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
    echo "$pid"
}

# True if the PID recorded for service $1 is alive (no cmdline check: used
# right after the start, when the child may not have exec'd the binary yet).
pid_alive() {
    local pid
    pid=$(tr -dc '0-9' <"$(pid_file "$1")" 2>/dev/null) || return 1
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null
}

# wait_for NAME CHECK_COMMAND...: poll until the check passes.
# Fails early if the process we started has died.
wait_for() {
    local name=$1 deadline=$((SECONDS + WAIT_SECONDS))
    shift
    until "$@" >/dev/null 2>&1; do
        if ! pid_alive "$name"; then
            tail -n 20 "$(log_file "$name")" >&2 2>/dev/null || true
            die "$name: process exited before it became ready (log: $(log_file "$name"))"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 20 "$(log_file "$name")" >&2 2>/dev/null || true
            die "$name: not ready after ${WAIT_SECONDS}s (log: $(log_file "$name"))"
        fi
        sleep 0.5
    done
}

# --------------------------------------------------------------- packages

package_of() {
    case $1 in
        mariadb) echo mariadb-server ;;
        redis | redis-cluster) echo redis-server ;;
        nats) echo nats-server ;;
        clickhouse) echo clickhouse-server ;;
        nginx) echo nginx-core ;;
        # with the CJK fonts the console's Chinese pages (and their screenshots) are drawn with
        chromium) echo chromium fonts-noto-cjk ;;
    esac
}

package_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Install the packages of the given services that are missing, in one go.
ensure_packages() {
    local svc pkg missing=()
    for svc in "$@"; do
        for pkg in $(package_of "$svc"); do
            package_installed "$pkg" || missing+=("$pkg")
        done
    done
    ((${#missing[@]})) || return 0

    say "installing: ${missing[*]}"
    # Keep the packages' init scripts from starting system-wide instances
    # (they would take the ports, with the wrong users and settings).
    local policy=/usr/sbin/policy-rc.d added_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy"
        chmod +x "$policy"
        added_policy=1
    fi
    local rc=0
    {
        apt-get update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
    } >"$STATE_DIR/apt.log" 2>&1 || rc=$?
    ((added_policy)) && rm -f "$policy"
    if ((rc != 0)); then
        tail -n 20 "$STATE_DIR/apt.log" >&2
        die "installing ${missing[*]} failed (log: $STATE_DIR/apt.log)"
    fi
}

# ------------------------------------------------------------ the services

# Each started service is a file of its own: <name>_port, <name>_ready, <name>_start, <name>_check_running.
SERVICES_D="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/services.d"
for service_file in "$SERVICES_D"/*.sh; do
    # shellcheck source=/dev/null
    source "$service_file"
done

# ------------------------------------------------------------------ nginx

# Debian puts nginx in /usr/sbin, outside a plain user's PATH.
nginx_binary() {
    if command -v nginx >/dev/null 2>&1; then nginx "$@"; else /usr/sbin/nginx "$@"; fi
}

install_only() { [[ " ${INSTALL_ONLY[*]} " == *" $1 "* ]]; }

# What an installed-only service is (its version), or that it is missing.
describe_installed() {
    case $1 in
        nginx) nginx_binary -v 2>&1 ;;
        chromium) chromium --version 2>/dev/null || echo "chromium: not runnable" ;;
    esac
}

# ---------------------------------------------------------------- actions

pattern_of() {
    case $1 in
        mariadb) echo "$MARIADB_PATTERN" ;;
        redis) echo "$REDIS_PATTERN" ;;
        nats) echo "$NATS_PATTERN" ;;
        clickhouse) echo "$CLICKHOUSE_PATTERN" ;;
        redis-cluster) echo "$REDIS_CLUSTER_PATTERN" ;;
    esac
}

start_service() {
    local svc=$1 port pid started=$SECONDS
    port=$("${svc}_port")
    if port_open "$port"; then
        "${svc}_check_running"
        say "$svc: up on $HOST:$port (already running)"
        return 0
    fi
    "${svc}_start"
    pid=$(recorded_pid "$svc" "$(pattern_of "$svc")") ||
        die "$svc: the process we started is gone although $HOST:$port answers (log: $(log_file "$svc"))"
    say "$svc: up on $HOST:$port (started, pid $pid, $((SECONDS - started))s)"
}

stop_service() {
    local svc=$1 port pid deadline
    port=$("${svc}_port")
    if declare -F "${svc}_stop" >/dev/null; then # a service of several processes stops them itself
        "${svc}_stop"
        say "$svc: stopped"
        return 0
    fi
    if ! pid=$(recorded_pid "$svc" "$(pattern_of "$svc")"); then
        rm -f "$(pid_file "$svc")"
        if port_open "$port"; then
            say "$svc: port $port is up but was not started by this script; left alone"
        else
            say "$svc: not running"
        fi
        return 0
    fi
    kill -TERM "$pid"
    deadline=$((SECONDS + WAIT_SECONDS))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            say "$svc: pid $pid ignored SIGTERM for ${WAIT_SECONDS}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    rm -f "$(pid_file "$svc")"
    say "$svc: stopped (pid $pid)"
}

status_service() {
    local svc=$1 port pid state extra=''
    port=$("${svc}_port")
    if port_open "$port"; then state=up; else state=down; fi
    if pid=$(recorded_pid "$svc" "$(pattern_of "$svc")"); then
        extra=" (pid $pid)"
    elif [[ $state == up ]]; then
        extra=" (not started by this script)"
    fi
    printf '%-10s %-5s %s%s\n' "$svc" "$port" "$state" "$extra"
}

main() {
    (($# >= 1)) || usage
    local action=$1 svc
    shift
    local services=("$@")
    ((${#services[@]})) || services=(mariadb)
    if [[ " ${services[*]} " == *" all "* ]]; then services=("${ALL_SERVICES[@]}"); fi
    for svc in "${services[@]}"; do
        [[ " ${ALL_SERVICES[*]} ${INSTALL_ONLY[*]} " == *" $svc "* ]] || die "unknown service '$svc' (known: ${ALL_SERVICES[*]} ${INSTALL_ONLY[*]})"
    done

    mkdir -p "$STATE_DIR"
    case $action in
        start)
            ensure_packages "${services[@]}"
            for svc in "${services[@]}"; do
                if install_only "$svc"; then say "$svc: installed ($(describe_installed "$svc"))"; else start_service "$svc"; fi
            done
            ;;
        stop)
            for svc in "${services[@]}"; do install_only "$svc" || stop_service "$svc"; done
            ;;
        status)
            for svc in "${services[@]}"; do
                if install_only "$svc"; then
                    local pkg state=installed
                    for pkg in $(package_of "$svc"); do package_installed "$pkg" || state="not installed"; done
                    printf '%-10s %s\n' "$svc" "$state"
                else
                    status_service "$svc"
                fi
            done
            ;;
        *) usage ;;
    esac
}

main "$@"
