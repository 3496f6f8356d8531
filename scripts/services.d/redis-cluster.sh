# shellcheck shell=bash
# Sourced by scripts/services.sh: how to start and check redis-cluster (its variables and helpers are services.sh's).

# ---------------------------------------------------------- redis-cluster

# A real Redis Cluster on loopback: three masters, one replica each (docs/redis-cluster.md). Each node records its PID in
# $STATE_DIR/redis-cluster-<port>.pid, which the failover drill reads to kill a master. A healthy cluster is left alone; a
# node that died (the drill kills one) is started again and rejoins as a replica; a cluster that stays broken is recreated.

REDIS_CLUSTER_DIR=$STATE_DIR/redis-cluster
REDIS_CLUSTER_PATTERN=redis-server
REDIS_CLUSTER_BASE_PORT=${PROMO_REDIS_CLUSTER_PORT:-7101}
REDIS_CLUSTER_NODES=6
# Small, so a replica takes over within about two seconds of its master's death.
REDIS_CLUSTER_NODE_TIMEOUT=${PROMO_REDIS_CLUSTER_NODE_TIMEOUT:-1000}

redis_cluster_ports() { seq "$REDIS_CLUSTER_BASE_PORT" $((REDIS_CLUSTER_BASE_PORT + REDIS_CLUSTER_NODES - 1)); }

redis-cluster_port() { echo "$REDIS_CLUSTER_BASE_PORT"; }

redis_cluster_node_pid_file() { echo "$STATE_DIR/redis-cluster-$1.pid"; }

redis_cluster_node_up() { [[ $(redis-cli -h "$HOST" -p "$1" ping 2>/dev/null) == PONG ]]; }

# Healthy: every node answers, the cluster says ok, three masters each have a connected replica.
redis_cluster_healthy() {
    local port info nodes
    for port in $(redis_cluster_ports); do redis_cluster_node_up "$port" || return 1; done
    info=$(redis-cli -h "$HOST" -p "$REDIS_CLUSTER_BASE_PORT" cluster info 2>/dev/null) || return 1
    [[ $info == *"cluster_state:ok"* && $info == *"cluster_known_nodes:$REDIS_CLUSTER_NODES"* ]] || return 1
    nodes=$(redis-cli -h "$HOST" -p "$REDIS_CLUSTER_BASE_PORT" cluster nodes 2>/dev/null) || return 1
    # Field 3 holds the flags (myself,master / slave / master,fail ...), field 4 a replica's master, field 8 the link state.
    (($(awk '$3 ~ /master/ && $3 !~ /fail/' <<<"$nodes" | wc -l) == 3)) || return 1
    local master
    for master in $(awk '$3 ~ /master/ && $3 !~ /fail/ {print $1}' <<<"$nodes"); do
        awk -v m="$master" '$3 ~ /slave/ && $3 !~ /fail/ && $4 == m && $8 == "connected"' <<<"$nodes" | grep -q . || return 1
    done
}

redis_cluster_start_node() {
    local port=$1 dir=$REDIS_CLUSTER_DIR/$1 deadline=$((SECONDS + 10))
    mkdir -p "$dir"
    rm -f "$(redis_cluster_node_pid_file "$port")"
    redis-server --daemonize yes --bind "$HOST" --port "$port" --save '' --appendonly no --dir "$dir" \
        --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "$REDIS_CLUSTER_NODE_TIMEOUT" \
        --pidfile "$(redis_cluster_node_pid_file "$port")" --logfile "$STATE_DIR/redis-cluster-$port.log" ||
        die "redis-cluster: redis-server on port $port failed to start (log: $STATE_DIR/redis-cluster-$port.log)"
    until [[ -s $(redis_cluster_node_pid_file "$port") ]] && redis_cluster_node_up "$port"; do
        ((SECONDS < deadline)) || die "redis-cluster: node $port did not answer (log: $STATE_DIR/redis-cluster-$port.log)"
        sleep 0.2
    done
}

redis_cluster_stop_nodes() {
    local port pid
    for port in $(redis_cluster_ports); do
        pid=$(tr -dc '0-9' 2>/dev/null <"$(redis_cluster_node_pid_file "$port")") || continue
        if [[ -n $pid ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "redis-server.*:$port"; then
            kill -TERM "$pid" 2>/dev/null || true
            local deadline=$((SECONDS + 10))
            while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        fi
        rm -f "$(redis_cluster_node_pid_file "$port")"
    done
}

redis_cluster_create() {
    local port addresses=()
    redis_cluster_stop_nodes
    rm -rf "$REDIS_CLUSTER_DIR"
    for port in $(redis_cluster_ports); do
        port_open "$port" && die "redis-cluster: port $port is taken by a process this script did not start"
        redis_cluster_start_node "$port"
        addresses+=("$HOST:$port")
    done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >>"$(log_file redis-cluster)" 2>&1 ||
        die "redis-cluster: redis-cli --cluster create failed (log: $(log_file redis-cluster))"
}

# Waits for a healthy cluster; false after $1 seconds.
redis_cluster_wait_healthy() {
    local deadline=$((SECONDS + $1))
    until redis_cluster_healthy; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
}

redis_cluster_ensure() {
    local port
    redis_cluster_healthy && return 0
    if [[ -s $REDIS_CLUSTER_DIR/$REDIS_CLUSTER_BASE_PORT/nodes.conf ]]; then
        # Nodes that died are started again: each remembers the cluster (nodes.conf) and rejoins it.
        for port in $(redis_cluster_ports); do
            redis_cluster_node_up "$port" || redis_cluster_start_node "$port"
        done
        redis_cluster_wait_healthy 20 && return 0
        say "redis-cluster: still unhealthy after restarting its dead nodes; recreating it"
    fi
    redis_cluster_create
    redis_cluster_wait_healthy "$WAIT_SECONDS" || die "redis-cluster: not healthy after ${WAIT_SECONDS}s (log: $(log_file redis-cluster))"
}

redis-cluster_start() {
    redis_cluster_ensure
    # services.sh checks one PID: the first node's.
    cp "$(redis_cluster_node_pid_file "$REDIS_CLUSTER_BASE_PORT")" "$(pid_file redis-cluster)"
}

redis-cluster_check_running() { redis-cluster_start; }

redis-cluster_stop() {
    redis_cluster_stop_nodes
    rm -f "$(pid_file redis-cluster)"
}
