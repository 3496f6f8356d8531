# shellcheck shell=bash
# Sourced by scripts/services.sh: how to start and check redis (its variables and helpers are services.sh's).

# ------------------------------------------------------------------ redis

REDIS_DIR=$STATE_DIR/redis
REDIS_PATTERN=redis-server

redis_port() { echo "$REDIS_PORT"; }

redis_ready() {
    [[ $(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

redis_start() {
    local deadline=$((SECONDS + 10))
    mkdir -p "$REDIS_DIR"
    rm -f "$(pid_file redis)"
    redis-server --daemonize yes --bind "$HOST" --port "$REDIS_PORT" \
        --save '' --appendonly no --dir "$REDIS_DIR" \
        --pidfile "$(pid_file redis)" --logfile "$(log_file redis)" ||
        die "redis: redis-server failed to start (log: $(log_file redis))"
    # The daemonised child writes the pid file shortly after the fork.
    until [[ -s $(pid_file redis) ]]; do
        ((SECONDS < deadline)) || die "redis: no pid file written (log: $(log_file redis))"
        sleep 0.2
    done
    wait_for redis redis_ready
}

redis_check_running() {
    redis_ready || die "redis: port $REDIS_PORT answers but not with PONG to PING"
}

