# shellcheck shell=bash
# Sourced by scripts/services.sh: how to start and check clickhouse (its variables and helpers are services.sh's).

# ------------------------------------------------------------- clickhouse

CLICKHOUSE_DIR=$STATE_DIR/clickhouse
CLICKHOUSE_PATTERN=clickhouse

clickhouse_port() { echo "$CLICKHOUSE_HTTP_PORT"; }

clickhouse_ready() {
    [[ $(http_get "$CLICKHOUSE_HTTP_PORT" '/?query=SELECT%201' 2>/dev/null) == 1 ]]
}

# Minimal server config; <yandex> is the root element ClickHouse 18.x expects.
clickhouse_write_config() {
    local d=$CLICKHOUSE_DIR
    mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/format_schemas" "$d/log"
    cat >"$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>$d/log/clickhouse-server.log</log>
        <errorlog>$d/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>3</count>
    </logger>
    <listen_host>$HOST</listen_host>
    <http_port>$CLICKHOUSE_HTTP_PORT</http_port>
    <tcp_port>$CLICKHOUSE_TCP_PORT</tcp_port>
    <max_connections>1024</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <uncompressed_cache_size>1073741824</uncompressed_cache_size>
    <mark_cache_size>1073741824</mark_cache_size>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <format_schema_path>$d/format_schemas/</format_schema_path>
    <users_config>$d/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
</yandex>
EOF
    cat >"$d/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks>
                <ip>::1</ip>
                <ip>127.0.0.1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
}

clickhouse_start() {
    clickhouse_write_config
    nohup clickhouse-server --config-file="$CLICKHOUSE_DIR/config.xml" \
        >>"$(log_file clickhouse)" 2>&1 </dev/null &
    echo $! >"$(pid_file clickhouse)"
    wait_for clickhouse clickhouse_ready
}

clickhouse_check_running() {
    clickhouse_ready || die "clickhouse: port $CLICKHOUSE_HTTP_PORT answers but 'SELECT 1' over HTTP fails"
}

