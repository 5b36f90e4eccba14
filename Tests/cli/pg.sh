# Throwaway PostgreSQL cluster for tests: source this file, then
#   pg_start   -> starts a cluster in a temp dir on a unix socket and a free
#                 port, exports GIVETAKE_TEST_PGURL and PG* for psql
#   pg_stop    -> stops it and removes the directory (also on EXIT via trap)
# As root the server runs as the 'postgres' user (initdb refuses root).

pg_bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  command -v initdb >/dev/null && dirname "$(command -v initdb)" && return 0
  return 1
}

pg_as() {  # run a command as the cluster owner
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_start() {
  PG_BIN=$(pg_bindir) || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; return 1; }
  PG_DIR=$(mktemp -d /tmp/givetake-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  PG_PORT=$(pg_free_port)
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null \
    || { cat "$PG_DIR/server.log" >&2; return 1; }
  export PGHOST=$PG_DIR PGPORT=$PG_PORT PGUSER=postgres PGDATABASE=postgres
  export GIVETAKE_TEST_PGURL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  [ -n "${PG_NO_TRAP:-}" ] || trap pg_stop EXIT
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  PG_DIR=
}
