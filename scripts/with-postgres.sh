#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster on loopback (Debian's postgresql).
# The cluster lives in a temporary directory and is removed when the command ends.
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "${PGBIN}" ]; then
  echo "PostgreSQL is not installed: apt-get install postgresql" >&2
  exit 1
fi
PORT=${ZICHT_PG_PORT:-54329}
WORK=$(mktemp -d /tmp/zicht-pg.XXXXXX)
chmod 755 "$WORK"
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  chown postgres:postgres "$WORK"
  RUN_AS=(runuser -u postgres --)
fi

cleanup() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE ROLE zicht LOGIN CREATEDB PASSWORD 'zicht'" >/dev/null
"$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE zicht OWNER zicht" >/dev/null

export DATABASE_URL="postgres://zicht:zicht@127.0.0.1:${PORT}/zicht"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:${PORT}" >&2
"$@"
