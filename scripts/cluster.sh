#!/usr/bin/env bash
# A split deployment of one build on loopback, behind the production gateway config (deploy/nginx/):
#
#   scripts/cluster.sh up | down | status | token ROLE ID
#
#   engine-1, engine-2     Promotion:Roles=engine          (two instances, one upstream group)
#   merchant-admin         Promotion:Roles=merchant-admin
#   distribution           Promotion:Roles=distribution
#   settlement-search      Promotion:Roles=settlement,search,clearing
#   console                Promotion:Roles=console (the web console, calling the API through the gateway)
#   gateway                nginx on 127.0.0.1:$PROMO_CLUSTER_PORT (default 8080), routing by path to the roles
#   prometheus             on 127.0.0.1:$PROMO_CLUSTER_PROMETHEUS_PORT (default PORT+20), scraping every instance's
#                          management port with deploy/prometheus/prometheus.yml's job and deploy/prometheus/rules
#
# on MariaDB (one database), Redis (the claim gate) and NATS (the event transport), from scripts/services.sh
# unless PROMO_CLUSTER_MYSQL / _REDIS / _NATS name others. Every instance gets its worker number from the
# database lease; its public port is PORT+1…, its management port (health, metrics) PORT+11….
# `up` starts whatever is not running (so it also restarts a killed instance) and waits until every instance is
# ready, the gateway answers and Prometheus is ready; `down` stops what `up` started, by the PIDs it recorded; the
# database stays. Prometheus (Debian's package, installed by scripts/prometheus.sh when missing) runs the production
# scrape template rendered for this deployment (STATE/prometheus/prometheus.yml: each role's target group gets the
# management ports of that role's instances; scrape and evaluation every PROMO_CLUSTER_SCRAPE_INTERVAL, default 2s, so
# an alert waits for its rule's `for:` and hardly more) and the rule files as they are; its data is STATE/prometheus/data.
#
# Settings (environment): PROMO_CLUSTER_DIR (state: pids, logs, the generated nginx config; default
# /tmp/promotion-engine-cluster), PROMO_CLUSTER_PORT, PROMO_CLUSTER_NAME (database, NATS subject and stream
# prefixes; default promo_cluster), PROMO_CLUSTER_RATE (the gateway's limit per client address, default 100r/s),
# PROMO_CLUSTER_SIGNING_KEY (base64; default: made once in the state folder), PROMO_HOST_DLL (default: a Release
# build of src/Host, built if missing), PROMO_CLUSTER_SETTINGS (more --Key=value settings for every instance,
# separated by spaces), PROMO_CLUSTER_PROMETHEUS_PORT, PROMO_CLUSTER_SCRAPE_INTERVAL.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${PROMO_CLUSTER_DIR:-/tmp/promotion-engine-cluster}
PORT=${PROMO_CLUSTER_PORT:-8080}
NAME=${PROMO_CLUSTER_NAME:-promo_cluster}
RATE=${PROMO_CLUSTER_RATE:-100r/s}
WAIT_SECONDS=${PROMO_CLUSTER_WAIT:-120}
PROMETHEUS_PORT=${PROMO_CLUSTER_PROMETHEUS_PORT:-$((PORT + 20))}
SCRAPE_INTERVAL=${PROMO_CLUSTER_SCRAPE_INTERVAL:-2s}
HOST=127.0.0.1
PROMETHEUS_DIR=$STATE/prometheus
PROMETHEUS_CONFIG=$PROMETHEUS_DIR/prometheus.yml
# Prometheus for this deployment: write_prometheus_config, start_prometheus, prometheus_state.
# shellcheck source=cluster.d/prometheus.sh
source "$ROOT/scripts/cluster.d/prometheus.sh"

# name, roles, public port offset; management port = public + 10
INSTANCES=(
    "engine-1 engine 1"
    "engine-2 engine 2"
    "merchant-admin merchant-admin 3"
    "distribution distribution 4"
    "settlement-search settlement,search,clearing 5"
    "console console 6"
)
# role -> instances serving it (the upstream groups of routes.conf)
declare -A GROUPS_OF=(
    [promo_engine]="engine-1 engine-2"
    [promo_merchant_admin]="merchant-admin"
    [promo_distribution]="distribution"
    [promo_settlement]="settlement-search"
    [promo_search]="settlement-search"
    [promo_clearing]="settlement-search"
    [promo_console]="console"
)

say() { echo "$*"; }
die() { echo "cluster.sh: error: $*" >&2; exit 1; }

usage() {
    echo "usage: $0 up|down|status|token ROLE ID" >&2
    exit 2
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null; }

# HTTP status of GET http://HOST:$1$2 (000 when nothing answers).
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$1$2" || true; }

nginx_binary() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

public_port() { echo $((PORT + $1)); }
management_port() { echo $((PORT + 10 + $1)); }

# The PID recorded for $1 if that process is alive and still runs what we started ($2 in its command line).
running_pid() {
    local file=$STATE/$1.pid pid
    [[ -s $file ]] || return 1
    pid=$(tr -dc '0-9' <"$file")
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
    echo "$pid"
}

host_dll() {
    if [[ -n ${PROMO_HOST_DLL:-} ]]; then echo "$PROMO_HOST_DLL"; return; fi
    local dll=$ROOT/src/Host/bin/Release/net10.0/PromotionEngine.Host.dll
    if [[ ! -f $dll ]]; then
        say "building src/Host (Release)" >&2
        dotnet build "$ROOT/src/Host" -c Release -v q -nologo >&2 || die "the Host did not build"
    fi
    echo "$dll"
}

mysql_server() { echo "${PROMO_CLUSTER_MYSQL:-Server=$HOST;Port=3306;User ID=root;Password=;}"; }
redis_configuration() { echo "${PROMO_CLUSTER_REDIS:-$HOST:6379}"; }
nats_url() { echo "${PROMO_CLUSTER_NATS:-nats://$HOST:4222}"; }

signing_key() {
    if [[ -n ${PROMO_CLUSTER_SIGNING_KEY:-} ]]; then echo "$PROMO_CLUSTER_SIGNING_KEY"; return; fi
    local file=$STATE/signing-key
    if [[ ! -s $file ]]; then
        (umask 077 && head -c 32 /dev/urandom | base64 >"$file")
    fi
    cat "$file"
}

# The settings every instance and command of this deployment shares.
settings() {
    local upper=${NAME^^}
    printf '%s\n' \
        "--Promotion:Database:Provider=MySql" \
        "--Promotion:Database:ConnectionString=$(mysql_server)Database=$NAME" \
        "--Promotion:Database:MigrateOnStart=false" \
        "--Promotion:Auth:SigningKey=$(signing_key)" \
        "--Engine:ClaimGate=Redis" \
        "--Engine:Redis:Configuration=$(redis_configuration)" \
        "--Messaging:Transport=Nats" \
        "--Messaging:Nats:Url=$(nats_url)" \
        "--Messaging:Nats:SubjectPrefix=${NAME//_/-}." \
        "--Messaging:Nats:StreamPrefix=${upper//-/_}" \
        "--ForwardedHeaders:KnownProxies=$HOST"
    local extra
    for extra in ${PROMO_CLUSTER_SETTINGS:-}; do printf '%s\n' "$extra"; done
}

run_host() {
    local dll=$1
    shift
    local args=()
    mapfile -t args < <(settings)
    ASPNETCORE_ENVIRONMENT=Production dotnet "$dll" "$@" "${args[@]}"
}

start_instance() {
    local name=$1 roles=$2 offset=$3 dll=$4 port management pid
    port=$(public_port "$offset")
    management=$(management_port "$offset")
    if pid=$(running_pid "$name" "--Promotion:Roles=$roles"); then
        say "$name: running (pid $pid)"
        return 0
    fi
    port_open "$port" && die "$name: port $port is taken by a process this script did not start"
    port_open "$management" && die "$name: management port $management is taken by a process this script did not start"
    local args=()
    mapfile -t args < <(settings)
    # The console is a client of the API: it reaches every role through the gateway.
    [[ $roles == console ]] && args+=("--Console:ApiBaseUrl=http://$HOST:$PORT")
    mkdir -p "$STATE/data/$name"
    ASPNETCORE_ENVIRONMENT=Production nohup dotnet "$dll" --urls "http://$HOST:$port" \
        "--Telemetry:ManagementUrl=http://$HOST:$management" "--Promotion:Roles=$roles" \
        "--Promotion:DataDirectory=$STATE/data/$name" "${args[@]}" >>"$STATE/$name.log" 2>&1 </dev/null &
    echo $! >"$STATE/$name.pid"
    say "$name: started (pid $!, port $port, management $management, roles $roles)"
}

write_gateway_config() {
    local group name offset servers
    : >"$STATE/upstreams.conf.new"
    for group in "${!GROUPS_OF[@]}"; do
        {
            echo "upstream $group {"
            echo "    zone $group 64k;"
            for name in ${GROUPS_OF[$group]}; do
                offset=$(offset_of "$name")
                echo "    server $HOST:$(public_port "$offset") max_fails=2 fail_timeout=5s;"
            done
            echo "    keepalive 32;"
            echo "}"
        } >>"$STATE/upstreams.conf.new"
    done
    mv "$STATE/upstreams.conf.new" "$STATE/upstreams.conf"
    sed -e "s|@STATE@|$STATE|g" -e "s|@DEPLOY@|$ROOT/deploy/nginx|g" -e "s|@PORT@|$PORT|g" -e "s|@RATE@|$RATE|g" \
        "$ROOT/deploy/nginx/loopback.conf" >"$STATE/nginx.conf"
}

offset_of() {
    local entry name roles offset
    for entry in "${INSTANCES[@]}"; do
        read -r name roles offset <<<"$entry"
        [[ $name == "$1" ]] && { echo "$offset"; return; }
    done
}

start_gateway() {
    local nginx pid
    nginx=$(nginx_binary)
    write_gateway_config
    "$nginx" -t -q -p "$STATE" -c "$STATE/nginx.conf" -e "$STATE/nginx-error.log" || die "the gateway config does not pass nginx -t"
    if pid=$(running_pid gateway "$STATE/nginx.conf"); then
        "$nginx" -s reload -p "$STATE" -c "$STATE/nginx.conf" -e "$STATE/nginx-error.log"
        say "gateway: running (pid $pid), configuration reloaded"
        return 0
    fi
    port_open "$PORT" && die "gateway: port $PORT is taken by a process this script did not start"
    nohup "$nginx" -p "$STATE" -c "$STATE/nginx.conf" -e "$STATE/nginx-error.log" >>"$STATE/gateway.log" 2>&1 </dev/null &
    echo $! >"$STATE/gateway.pid"
    say "gateway: started (pid $!, http://$HOST:$PORT)"
}

# The first failure an instance's log tells (an unhandled exception, a critical or failed entry), else its end.
why_exited() {
    grep -m1 -A25 -E '^Unhandled exception|^crit:|^fail:' "$1" || tail -n 25 "$1"
}

# Waits until every instance answers ready and the gateway passes a request to the engine.
wait_until_ready() {
    local deadline=$((SECONDS + WAIT_SECONDS)) entry pending
    while true; do
        pending=()
        for entry in "${INSTANCES[@]}"; do
            set -- $entry
            running_pid "$1" "--Promotion:Roles=$2" >/dev/null ||
                die "$1 exited (log: $STATE/$1.log):$(echo; why_exited "$STATE/$1.log")"
            [[ $(http_status "$(management_port "$3")" /health/ready) == 200 ]] || pending+=("$1")
        done
        [[ $(http_status "$PORT" /api/v1/ping) == 204 ]] || pending+=(gateway)
        running_pid prometheus "--config.file=$PROMETHEUS_CONFIG" >/dev/null ||
            die "prometheus exited (log: $STATE/prometheus.log):$(echo; tail -n 15 "$STATE/prometheus.log")"
        [[ $(http_status "$PROMETHEUS_PORT" /-/ready) == 200 ]] || pending+=(prometheus)
        ((${#pending[@]} == 0)) && return 0
        ((SECONDS >= deadline)) && die "not ready after ${WAIT_SECONDS}s: ${pending[*]} (logs in $STATE)"
        sleep 0.3
    done
}

up() {
    mkdir -p "$STATE"
    if [[ -z ${PROMO_CLUSTER_MYSQL:-}${PROMO_CLUSTER_REDIS:-}${PROMO_CLUSTER_NATS:-} ]]; then
        "$ROOT/scripts/services.sh" start mariadb redis nats nginx
    else
        "$ROOT/scripts/services.sh" start nginx
    fi
    local dll entry
    dll=$(host_dll)
    [[ -f $dll ]] || die "no Host build at $dll"
    # One migration before any instance starts (each then starts with MigrateOnStart=false): instances never race
    # to create the schema. Creates the database if it is missing; nothing to do when it is current.
    run_host "$dll" migrate >>"$STATE/migrate.log" 2>&1 || die "migration failed:$(echo; tail -n 15 "$STATE/migrate.log")"
    for entry in "${INSTANCES[@]}"; do
        set -- $entry
        start_instance "$1" "$2" "$3" "$dll"
    done
    start_gateway
    start_prometheus
    wait_until_ready
    say "ready: http://$HOST:$PORT (tokens: $0 token USER 1001); prometheus: http://$HOST:$PROMETHEUS_PORT"
}

stop_pid() {
    local name=$1 pattern=$2 pid deadline
    if ! pid=$(running_pid "$name" "$pattern"); then
        rm -f "$STATE/$name.pid"
        say "$name: not running"
        return 0
    fi
    kill -TERM "$pid"
    deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            kill -KILL "$pid" 2>/dev/null || true
            break
        fi
        sleep 0.2
    done
    rm -f "$STATE/$name.pid"
    say "$name: stopped (pid $pid)"
}

down() {
    local entry
    stop_pid prometheus "--config.file=$PROMETHEUS_CONFIG"
    stop_pid gateway "$STATE/nginx.conf"
    for entry in "${INSTANCES[@]}"; do
        set -- $entry
        stop_pid "$1" "--Promotion:Roles=$2"
    done
}

status() {
    local entry pid ready state
    printf '%-18s %-8s %-6s %-6s %s\n' process pid port mgmt readiness
    for entry in "${INSTANCES[@]}"; do
        set -- $entry
        if pid=$(running_pid "$1" "--Promotion:Roles=$2"); then
            ready=$(curl -s --max-time 2 -w ' %{http_code}' "http://$HOST:$(management_port "$3")/health/ready" || echo ' 000')
            case ${ready##* } in
                200) state="ready ($(grep -o 'worker number [0-9]*' <<<"$ready" || echo 'no worker number'))" ;;
                503) state="NOT READY: $(grep -o '"name":"[^"]*","status":"Unhealthy","description":"[^"]*"' <<<"$ready" |
                    sed -E 's/"name":"([^"]*)","status":"Unhealthy","description":"([^"]*)"/\1 (\2)/' | paste -sd ';' -)" ;;
                *) state="NOT READY: the management port does not answer" ;;
            esac
        else
            pid=-
            state=down
        fi
        printf '%-18s %-8s %-6s %-6s %s\n' "$1" "$pid" "$(public_port "$3")" "$(management_port "$3")" "$state"
    done
    if pid=$(running_pid gateway "$STATE/nginx.conf"); then
        state="ping $(http_status "$PORT" /api/v1/ping)"
    else
        pid=-
        state=down
    fi
    printf '%-18s %-8s %-6s %-6s %s\n' gateway "$pid" "$PORT" - "$state"
    if pid=$(running_pid prometheus "--config.file=$PROMETHEUS_CONFIG"); then
        state="http://$HOST:$PROMETHEUS_PORT $(prometheus_state)"
    else
        pid=-
        state=down
    fi
    printf '%-18s %-8s %-6s %-6s %s\n' prometheus "$pid" "$PROMETHEUS_PORT" - "$state"
}

token() {
    (($# == 2)) || usage
    local dll
    dll=$(host_dll)
    mkdir -p "$STATE"
    run_host "$dll" token --role "$1" --id "$2" 2>&1
}

main() {
    (($# >= 1)) || usage
    local action=$1
    shift
    case $action in
        up) up ;;
        down) down ;;
        status) status ;;
        token) token "$@" ;;
        *) usage ;;
    esac
}

main "$@"
