#!/usr/bin/env bash
# Sourced by .ci/run: a private PostgreSQL cluster on 127.0.0.1 for the export-postgresql tests.
# Installs the Debian server package when missing, initialises a cluster in a temp dir owned by
# a non-root user (postgres never runs as root), starts it (reused when already running) and
# exports PGHOST/PGPORT/PGUSER/PGDATABASE. Also installs PySide2's QtSql so perf's own
# export-to-sqlite.py can run as the tests' oracle. Every step is bounded by a timeout.
# Returns non-zero (never exits) when PostgreSQL cannot be started: the tests then skip.

perfkit_pg_start() {
  local port=${PERFKIT_PG_PORT:-54329}
  local dir=${PERFKIT_PG_DIR:-/tmp/perfkit-pg}
  local bin owner run

  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "postgres: installing the Debian package"
    local pkg=postgresql
    apt-cache policy postgresql-15 2>/dev/null | grep -q 'Candidate: [0-9]' && pkg=postgresql-15
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends "$pkg" >/tmp/perfkit-pg-apt.log 2>&1 ||
      { DEBIAN_FRONTEND=noninteractive timeout 120 apt-get update >/dev/null 2>&1 &&
        DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends "$pkg" >>/tmp/perfkit-pg-apt.log 2>&1; }
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi
  [ -n "$bin" ] && [ -x "$bin/pg_ctl" ] || { echo "postgres: no server binaries"; return 1; }

  # The oracle for the SQLite export: perf's script needs PySide2's QtSql with the sqlite driver.
  if [ "$(id -u)" = 0 ] && ! /usr/bin/python3 -c 'from PySide2.QtSql import QSqlDatabase as D; assert {"QSQLITE", "QPSQL"} <= set(D.drivers())' >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y --no-install-recommends \
      python3-pyside2.qtsql libqt5sql5-sqlite libqt5sql5-psql >/tmp/perfkit-pyside-apt.log 2>&1 ||
      echo "postgres: PySide2 unavailable, perf's export-to-sqlite.py oracle will be skipped"
  fi

  # PostgreSQL refuses to run as root: use the postgres (or nobody) account.
  if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id "$owner" >/dev/null 2>&1 || owner=nobody
    run() { timeout 60 runuser -u "$owner" -- "$@"; }
  else
    owner=$(id -un)
    run() { timeout 60 "$@"; }
  fi

  if ! run "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      rm -rf "$dir"
      mkdir -p "$dir" && chmod 700 "$dir" && chown "$owner" "$dir" || return 1
      run "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { echo "postgres: initdb failed"; tail -5 "$dir/initdb.log"; return 1; }
    fi
    run "$bin/pg_ctl" start -w -t 30 -D "$dir/data" -l "$dir/server.log" \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null 2>&1 || { echo "postgres: start failed"; tail -5 "$dir/server.log" 2>/dev/null; return 1; }
  fi
  unset -f run

  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
  timeout 10 "$bin/pg_isready" -q -h "$PGHOST" -p "$PGPORT" || { echo "postgres: not answering on $PGHOST:$PGPORT"; return 1; }
  echo "postgres: ready on $PGHOST:$PGPORT ($("$bin/postgres" --version 2>/dev/null))"
}

perfkit_pg_start
