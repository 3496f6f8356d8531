# Sourced by scripts/cluster.sh (its settings and helpers: ROOT, STATE, HOST, INSTANCES, PROMETHEUS_*, SCRAPE_INTERVAL,
# say, die, running_pid, port_open, http_status, management_port): the deployment's Prometheus, rendered from the production
# template, started or reloaded, and its state for `status`.
# shellcheck shell=bash

# deploy/prometheus/prometheus.yml, the production template, rendered for this deployment: each target group (labelled
# with a role) gets the management addresses of the instances serving exactly that role, the scrape interval, evaluation
# interval and scrape timeout become SCRAPE_INTERVAL, and relative rule files are read from deploy/prometheus. Fails when
# a role of the deployment has no target group in the template, or a group's role no instance.
write_prometheus_config() {
    local entry name roles offset mapping=""
    declare -A targets_of=()
    for entry in "${INSTANCES[@]}"; do
        read -r name roles offset <<<"$entry"
        targets_of[$roles]+="${targets_of[$roles]:+, }'$HOST:$(management_port "$offset")'"
    done
    for roles in "${!targets_of[@]}"; do mapping+="${mapping:+|}$roles=${targets_of[$roles]}"; done
    mkdir -p "$PROMETHEUS_DIR"
    awk -v mapping="$mapping" -v interval="$SCRAPE_INTERVAL" -v rules="$ROOT/deploy/prometheus" '
        BEGIN {
            print "# Rendered by scripts/cluster.sh from deploy/prometheus/prometheus.yml for this deployment; up writes it anew."
            n = split(mapping, pairs, "|")
            for (i = 1; i <= n; i++) { eq = index(pairs[i], "="); targets[substr(pairs[i], 1, eq - 1)] = substr(pairs[i], eq + 1) }
        }
        /^ *(scrape_interval|evaluation_interval|scrape_timeout):/ { sub(/:.*/, ": " interval); print; next }
        /^rule_files:/ { in_rules = 1; print; next }
        /^[^ #]/ { in_rules = 0 }
        in_rules && /^ *- [^\/]/ { sub(/- /, "- " rules "/"); print; next }
        # A target group: its targets line is held until its role label says whose management ports it lists.
        /^ *- targets:/ {
            if (held != "") { print "the template has a target group without a role label" > "/dev/stderr"; failed = 1 }
            held = $0; labels = ""; next
        }
        held != "" && /^ *labels:/ { labels = $0; next }
        held != "" && /^ *role:/ {
            role = $0; sub(/^ *role: */, "", role); gsub(/["\047]/, "", role)
            if (!(role in targets)) { print "the template has a target group of role " role ", which no instance serves" > "/dev/stderr"; failed = 1 }
            indent = held; sub(/-.*/, "", indent)
            print indent "- targets: [" targets[role] "]"; print labels; print
            used[role] = 1; held = ""; next
        }
        { print }
        END {
            if (held != "") { print "the template has a target group without a role label" > "/dev/stderr"; failed = 1 }
            for (role in targets) if (!(role in used)) { print "the template has no target group of role " role > "/dev/stderr"; failed = 1 }
            exit failed
        }' "$ROOT/deploy/prometheus/prometheus.yml" >"$PROMETHEUS_CONFIG.new" || die "deploy/prometheus/prometheus.yml does not fit this deployment"
    mv "$PROMETHEUS_CONFIG.new" "$PROMETHEUS_CONFIG"
}

start_prometheus() {
    local pid
    "$ROOT/scripts/prometheus.sh" install
    write_prometheus_config
    # promtool also reads the rule files the configuration names.
    promtool check config "$PROMETHEUS_CONFIG" >"$PROMETHEUS_DIR/check.log" 2>&1 ||
        die "the rendered Prometheus configuration does not pass promtool:$(echo; cat "$PROMETHEUS_DIR/check.log")"
    if pid=$(running_pid prometheus "--config.file=$PROMETHEUS_CONFIG"); then
        kill -HUP "$pid"
        say "prometheus: running (pid $pid), configuration reloaded"
        return 0
    fi
    port_open "$PROMETHEUS_PORT" && die "prometheus: port $PROMETHEUS_PORT is taken by a process this script did not start"
    mkdir -p "$PROMETHEUS_DIR/data"
    nohup prometheus "--config.file=$PROMETHEUS_CONFIG" "--storage.tsdb.path=$PROMETHEUS_DIR/data" \
        --storage.tsdb.retention.time=1d "--web.listen-address=$HOST:$PROMETHEUS_PORT" \
        >>"$STATE/prometheus.log" 2>&1 </dev/null &
    echo $! >"$STATE/prometheus.pid"
    say "prometheus: started (pid $!, http://$HOST:$PROMETHEUS_PORT)"
}

# "ready, targets up 4 of 5, firing: PromotionInstanceDown (127.0.0.1:8091)", from Prometheus's HTTP API.
prometheus_state() {
    local base="http://$HOST:$PROMETHEUS_PORT" targets up total firing alert name instance
    [[ $(http_status "$PROMETHEUS_PORT" /-/ready) == 200 ]] || { echo "NOT READY"; return; }
    targets=$(curl -s --max-time 2 "$base/api/v1/targets?state=active" || true)
    up=$(grep -c '"health":"up"' < <(grep -o '"health":"up"' <<<"$targets") || true)
    total=$(grep -c . < <(grep -o '"health":"[a-z]*"' <<<"$targets") || true)
    firing=()
    # Each firing alert: its labels object (alertname, instance, …), then its annotations, then its state.
    while read -r alert; do
        [[ -n $alert ]] || continue
        name=$(grep -o '"alertname":"[^"]*"' <<<"$alert" | cut -d '"' -f 4)
        instance=$(grep -o '"instance":"[^"]*"' <<<"$alert" | cut -d '"' -f 4 || true)
        firing+=("$name${instance:+ ($instance)}")
    done < <(curl -s --max-time 2 "$base/api/v1/alerts" | grep -o '"labels":{[^}]*},"annotations":{[^}]*},"state":"firing"' || true)
    local list=none
    ((${#firing[@]} == 0)) || list=$(printf '%s; ' "${firing[@]}" | sed 's/; $//')
    printf 'ready, targets up %s of %s, firing: %s' "$up" "$total" "$list"
}
