#!/usr/bin/env bash
# Starts a throwaway PostgreSQL for the tests on 127.0.0.1 and a free port, as user postgres,
# and prints the URL to put in STEPGRAPH_TEST_PG_URL. Needs Debian's postgresql package
# (`apt-get install -y postgresql`). Usage: export STEPGRAPH_TEST_PG_URL="$(bash scripts/pg-start.sh)"
set -euo pipefail
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ]; then echo "pg-start: no PostgreSQL server found under /usr/lib/postgresql (apt-get install -y postgresql)" >&2; exit 1; fi
base="$(mktemp -d /tmp/stepgraph-pg.XXXXXX)"
chown postgres "$base"
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run "'$bin/initdb' -D '$base/data' -U postgres --auth=trust -E UTF8 --no-sync" >"$base/initdb.log" 2>&1 || { cat "$base/initdb.log" >&2; exit 1; }
run "'$bin/pg_ctl' -D '$base/data' -l '$base/server.log' -o \"-c listen_addresses=127.0.0.1 -p $port -k '$base' -c fsync=off -c max_connections=200\" -w start" >"$base/pg_ctl.log" 2>&1 || { cat "$base/pg_ctl.log" "$base/server.log" >&2; exit 1; }
run "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres stepgraph_test" >&2
echo "postgres://postgres@127.0.0.1:$port/stepgraph_test"
