# shellcheck shell=bash
# Sourced by scripts/services.sh: how to start and check nats (its variables and helpers are services.sh's).

# ------------------------------------------------------------------- nats

NATS_DIR=$STATE_DIR/nats
NATS_PATTERN=nats-server

nats_port() { echo "$NATS_PORT"; }

nats_ready() {
    port_open "$NATS_PORT" || return 1
    if command -v curl >/dev/null 2>&1; then
        curl -sf --max-time 2 "http://$HOST:$NATS_MONITOR_PORT/healthz" >/dev/null
    fi
}

nats_start() {
    mkdir -p "$NATS_DIR"
    nohup nats-server -a "$HOST" -p "$NATS_PORT" -js -sd "$NATS_DIR" -m "$NATS_MONITOR_PORT" \
        >>"$(log_file nats)" 2>&1 </dev/null &
    echo $! >"$(pid_file nats)"
    wait_for nats nats_ready
}

nats_check_running() { :; }

