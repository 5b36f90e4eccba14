# A private copy of the PostgreSQL 15 server tree with the extension
# installed into it (sourced by the reliability scripts: valgrind, sqlsmith,
# load). PostgreSQL finds its share and lib directories relative to its
# binary, so a copied tree is a complete installation that other builds'
# `make install` cannot disturb. The only files such installs write are the
# extension's own (givetake*, libgivetake*): the copy leaves them out and
# installs this tree's, so it needs no lock on the system directory.
#
#   gt_private_install DIR   copy the tree to DIR, build and install the
#                            extension into it; sets PG_BINDIR for cluster.sh
gt_private_install() {
    local dest="$1" here root pg_config libdir sharedir
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    root="$(cd "$here/../.." && pwd)"
    pg_config="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
    if [ ! -x "$pg_config" ] || [ ! -f "$("$pg_config" --includedir-server)/postgres.h" ]; then
        echo "== installing postgresql-15 and postgresql-server-dev-15"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-server-dev-15 >/dev/null
    fi
    libdir="$(dirname "$("$pg_config" --bindir)")"   # /usr/lib/postgresql/15
    sharedir="$("$pg_config" --sharedir)"             # /usr/share/postgresql/15
    if [ ! -f "$root/dist/lib/libgivetake.so" ]; then make -C "$root" lib; fi
    mkdir -p "$dest$libdir" "$dest$sharedir"
    tar -C / --exclude='givetake*' --exclude='libgivetake*' -cf - "${libdir#/}" "${sharedir#/}" | tar -C "$dest" -xf -
    # Built in a copy of postgres/ so the worktree's objects stay untouched.
    # (The Makefile reads the version from ../include/givetake.h.)
    rm -rf "$dest/build" "$dest/include" && cp -a "$root/postgres" "$dest/build"
    mkdir -p "$dest/include" && cp "$root/include/givetake.h" "$dest/include/"
    make -C "$dest/build" -s clean
    make -C "$dest/build" -s PG_CONFIG="$pg_config" GT_DIST="$root/dist" >/dev/null
    make -C "$dest/build" -s PG_CONFIG="$pg_config" GT_DIST="$root/dist" DESTDIR="$dest" install >/dev/null
    chmod -R a+rX "$dest"
    PG_BINDIR="$dest$libdir/bin"
    export PG_BINDIR
}

# gt_sample_db DB ROWS: a database with the extension, an interactions
# table of ROWS generated rows (gen_interactions.sql), a few user cues and
# the score tables. Needs GT_TMP/GT_PORT from gt_start.
gt_sample_db() {
    local db="$1" rows="$2" here
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    local psql=(psql -X -q -v ON_ERROR_STOP=1 -h "$GT_TMP" -p "$GT_PORT" -U postgres)
    "${psql[@]}" -d postgres -c "CREATE DATABASE $db"
    "${psql[@]}" -d "$db" -f "$here/gen_interactions.sql" >/dev/null
    "${psql[@]}" -d "$db" >/dev/null <<SQL
CREATE EXTENSION givetake;
CREATE TABLE interactions AS SELECT * FROM gen_interactions($rows, 50);
ALTER TABLE interactions ADD PRIMARY KEY (id);
CREATE INDEX ON interactions (account_id);
CREATE INDEX ON interactions (parent_id);
INSERT INTO givetake.lexicon VALUES ('quick guide', 'teaching', 1.5), ('order now', 'selling', 2);
SELECT givetake.refresh_scores('interactions');
ANALYZE;
SQL
}
