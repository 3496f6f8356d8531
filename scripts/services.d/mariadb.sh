# shellcheck shell=bash
# Sourced by scripts/services.sh: how to start and check mariadb (its variables and helpers are services.sh's).

# ---------------------------------------------------------------- mariadb

MARIADB_DIR=$STATE_DIR/mariadb
MARIADB_DATA=$MARIADB_DIR/data
MARIADB_SOCKET=$MARIADB_DIR/mysqld.sock
MARIADB_PATTERN=mariadbd

mariadb_port() { echo "$MARIADB_PORT"; }

mariadb_ready() {
    mariadb --no-defaults --connect-timeout=2 -h"$HOST" -P"$MARIADB_PORT" -uroot -e 'SELECT 1'
}

# Let root log in over TCP from 127.0.0.1 with an empty password, and drop
# the anonymous users mariadb-install-db creates (they shadow real accounts).
mariadb_allow_root_tcp() {
    mariadb --no-defaults -uroot --socket="$MARIADB_SOCKET" -e "
        DROP USER IF EXISTS ''@'localhost';
        DROP USER IF EXISTS ''@'$(hostname)';
        CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
        ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '';
        GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
        FLUSH PRIVILEGES;"
}

mariadb_start() {
    local user pid
    user=$(id -un)
    mkdir -p "$MARIADB_DIR"
    if [[ ! -d $MARIADB_DATA/mysql ]]; then
        say "mariadb: initialising $MARIADB_DATA"
        rm -rf "$MARIADB_DATA"
        mariadb-install-db --no-defaults --user="$user" --datadir="$MARIADB_DATA" \
            --auth-root-authentication-method=normal >"$MARIADB_DIR/install-db.log" 2>&1 ||
            { rm -rf "$MARIADB_DATA"; die "mariadb: mariadb-install-db failed (log: $MARIADB_DIR/install-db.log)"; }
    fi
    nohup mariadbd --no-defaults --user="$user" --datadir="$MARIADB_DATA" \
        --bind-address="$HOST" --port="$MARIADB_PORT" --socket="$MARIADB_SOCKET" \
        --pid-file="$(pid_file mariadb)" --skip-name-resolve \
        --innodb-flush-log-at-trx-commit=2 --max-connections=500 \
        >>"$(log_file mariadb)" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$(pid_file mariadb)"
    wait_for mariadb port_open "$MARIADB_PORT"
    wait_for mariadb test -S "$MARIADB_SOCKET"
    mariadb_allow_root_tcp || die "mariadb: could not grant root@127.0.0.1 over $MARIADB_SOCKET"
    wait_for mariadb mariadb_ready
}

# Port answers already: make sure it is usable the way the tests log in.
mariadb_check_running() {
    mariadb_ready >/dev/null 2>&1 && return 0
    if [[ -S $MARIADB_SOCKET ]] && mariadb_allow_root_tcp >/dev/null 2>&1 && mariadb_ready >/dev/null 2>&1; then
        return 0
    fi
    die "mariadb: port $MARIADB_PORT answers but 'root' with an empty password cannot log in over TCP (another MariaDB/MySQL running?)"
}

