# Throwaway PostgreSQL clusters for the tests (sourced by run.sh and
# shard_check.sh). Every cluster lives in one mktemp dir, listens on
# 127.0.0.1 and a unix socket in that dir on a free port, trusts local
# connections, and is stopped by gt_stop_all (call it from a trap).

PG_BINDIR="${PG_BINDIR:-$("${PG_CONFIG:-pg_config}" --bindir)}"
GT_CLUSTERS=()
GT_TMP="${GT_TMP:-}"

# Commands run as the postgres user when we are root (postgres refuses root).
gt_as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A port nobody listens on, below Linux's ephemeral range (32768+), so an
# outgoing connection cannot hold it; gt_start retries if it is taken anyway.
gt_free_port() {
    local p
    while :; do
        p=$(( 20000 + RANDOM % 12000 ))
        if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
}

gt_tmpdir() {
    if [ -z "$GT_TMP" ]; then
        GT_TMP="$(mktemp -d /tmp/givetake-pg.XXXXXX)"
        chmod 755 "$GT_TMP"
        if [ "$(id -u)" = 0 ]; then chown postgres "$GT_TMP"; fi
    fi
}

# gt_start NAME: sets GT_PORT; data in $GT_TMP/NAME, socket in $GT_TMP.
# Not in $(...): it records the cluster for gt_stop_all.
gt_start() {
    local name="$1" dir port
    gt_tmpdir
    dir="$GT_TMP"
    port="$(gt_free_port)"
    gt_as_pg "$PG_BINDIR/initdb" -D "$dir/$name" -U postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/$name.initdb.log" 2>&1 \
        || { cat "$dir/$name.initdb.log" >&2; return 1; }
    cat >>"$dir/$name/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 30
shared_buffers = 128MB
max_worker_processes = 8
max_parallel_workers_per_gather = 2
fsync = off
${GT_EXTRA_CONF:-}
CONF
    local try=1
    until gt_as_pg "$PG_BINDIR/pg_ctl" -D "$dir/$name" -l "$dir/$name.log" -w -t 60 start >/dev/null; do
        if [ $try -ge 5 ] || ! grep -q "could not bind\|could not create any" "$dir/$name.log"; then
            cat "$dir/$name.log" >&2
            return 1
        fi
        try=$((try + 1))
        port="$(gt_free_port)"
        sed -i "s/^port = .*/port = $port/" "$dir/$name/postgresql.conf"
    done
    GT_CLUSTERS+=("$dir/$name")
    GT_PORT="$port"
}

gt_stop_all() {
    local d
    for d in "${GT_CLUSTERS[@]}"; do
        gt_as_pg "$PG_BINDIR/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1 || true
    done
    GT_CLUSTERS=()
    if [ -n "$GT_TMP" ] && [ -z "${GT_KEEP_TMP:-}" ]; then
        rm -rf "$GT_TMP"
    fi
}
