#!/usr/bin/env bash
# Run the official PACT conformance tool (../shared/tools/pact-conformance-service, pinned,
# unmodified) against this gateway's PACT host, for each version given (V3.0, V2.3).
#
#   conformance_tests/pact/run-official.sh V3.0 [V2.3]
#
# The tool is installed with `npm ci` into a temporary folder (never into the repo). For each
# version it runs twice against a fresh gateway (fresh TLS certificate, example footprints):
#   1. the tool's CLI over every case but the callback pair 13/14 (which the CLI can only leave
#      pending); its own output, STATISTICS block included, is printed and judged;
#   2. the tool's server mode on a PostgreSQL database of its own (created and dropped here)
#      over every case, so the asynchronous callbacks 13 and 14.B complete; its results are
#      printed and judged.
# Exit 0 only when nothing failed and nothing is pending; the last line is "N passed, N failed".
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TOOL="${PACT_TOOL:-$ROOT/../shared/tools/pact-conformance-service}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
PG="${PACT_TOOL_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
[ $# -ge 1 ] || { echo "usage: $0 V3.0|V2.3 [...]" >&2; exit 2; }
for v in "$@"; do case "$v" in V3.0|V2.3) ;; *) echo "unsupported version $v (V3.0, V2.3)" >&2; exit 2;; esac; done

WORK="$(mktemp -d)"
DB="pcs_run_$$_$(date +%s)"
PIDS=()
TOOL_PGID=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  # npx starts node as a child: stop the tool server's whole process group.
  [ -n "$TOOL_PGID" ] && { kill -- "-$TOOL_PGID" 2>/dev/null || true; sleep 1; kill -9 -- "-$TOOL_PGID" 2>/dev/null || true; }
  psql "$PG/postgres" -qtAc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if [ -n "${PACT_TOOL_INSTALLED:-}" ]; then  # a folder where an earlier `npm ci` of the same tool ran
  ln -s "$PACT_TOOL_INSTALLED" "$WORK/pcs"
else
  echo "== installing the PACT conformance tool (npm ci into $WORK)"
  cp -r "$TOOL" "$WORK/pcs" && chmod -R u+w "$WORK/pcs"
  (cd "$WORK/pcs" && npm ci --no-audit --no-fund --loglevel=error >"$WORK/npm.log" 2>&1) \
    || { cat "$WORK/npm.log"; exit 1; }
fi

export PCS_CLIENT_SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')"
# The tool's server authenticates callers with these fixed test credentials (its event-handler.ts).
export PCS_PARTNER_SECRET="test_client_secret"
TOOL_PORT="$(free_port)"
export NODE_ENV=development PORT="$TOOL_PORT" CONFORMANCE_API="http://127.0.0.1:$TOOL_PORT" \
       DB_CONNECTION_STRING="$PG/$DB" JWT_SECRET="$PCS_CLIENT_SECRET" JWT_EXP=3600 LOG_OUTPUT=console \
       NODE_TLS_REJECT_UNAUTHORIZED=0 TS_NODE_TRANSPILE_ONLY=true

echo "== the tool's server on 127.0.0.1:$TOOL_PORT, database $DB"
psql "$PG/postgres" -qtAc "CREATE DATABASE $DB" >/dev/null
(cd "$WORK/pcs" && npm run --silent db:migrate >"$WORK/migrate.log" 2>&1) || { cat "$WORK/migrate.log"; exit 1; }
(cd "$WORK/pcs" && exec setsid npx ts-node ./src/server.ts >"$WORK/tool-server.log" 2>&1) &
TOOL_PGID=$!  # setsid without a fork keeps the pid, which now leads its own process group
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$TOOL_PORT/health-check" >/dev/null 2>&1 && break
  sleep 1
done
curl -sf "http://127.0.0.1:$TOOL_PORT/health-check" >/dev/null || { cat "$WORK/tool-server.log"; exit 1; }

TOTAL_PASSED=0
TOTAL_FAILED=0
for VERSION in "$@"; do
  echo
  echo "================ PACT conformance $VERSION ================"
  HOST_DIR="$WORK/host-$VERSION"
  mkfifo "$WORK/host-$VERSION.out"
  "$PY" -m conformance_tests.pact.host "$HOST_DIR" --client-id pcs-conformance --client-secret-env PCS_CLIENT_SECRET \
      --partner "$CONFORMANCE_API" --partner-id test_client_id --partner-secret-env PCS_PARTNER_SECRET \
      >"$WORK/host-$VERSION.out" 2>"$WORK/host-$VERSION.log" &
  HOST_PID=$!
  PIDS+=($HOST_PID)
  read -r -t 60 HOST_LINE <"$WORK/host-$VERSION.out" || { cat "$WORK/host-$VERSION.log"; exit 1; }
  BASE_URL="$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["base_url"])' "$HOST_LINE")"
  echo "gateway PACT host: $BASE_URL ($HOST_LINE)"

  echo "-- CLI mode, cases 1-12,15-40 (the tool's own output)"
  (cd "$WORK/pcs" && npm run --silent cli -- --baseUrl "$BASE_URL" --clientId pcs-conformance \
      --clientSecret "$PCS_CLIENT_SECRET" --version "$VERSION" --organizationName "JJJ Footprint Gateway" \
      --testCases 1-12,15-40) >"$WORK/cli-$VERSION.log" 2>&1 || true  # exit code is not meaningful (PROVENANCE)
  cat "$WORK/cli-$VERSION.log"

  echo "-- server mode, every case (callbacks 13 and 14.B included)"
  curl -sf -X POST "$CONFORMANCE_API/testruns/" -o "$WORK/run-$VERSION.json" -H 'content-type: application/json' -d "$("$PY" -c '
import json, sys
print(json.dumps({"baseUrl": sys.argv[1], "version": sys.argv[2], "clientId": "pcs-conformance",
                  "clientSecret": sys.argv[3], "organizationName": "JJJ Footprint Gateway",
                  "adminEmail": "ops@example.invalid", "adminName": "JJJ CI"}))' "$BASE_URL" "$VERSION" "$PCS_CLIENT_SECRET")"
  RUN_ID="$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("testRunId") or d["id"])' "$WORK/run-$VERSION.json")"
  for _ in $(seq 1 60); do
    curl -sf "$CONFORMANCE_API/testruns/$RUN_ID" >"$WORK/server-$VERSION.json"
    "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if all(x["status"]!="PENDING" for x in r["results"]) else 1)' \
        "$WORK/server-$VERSION.json" && break
    sleep 1
  done

  set +e
  COUNTS="$("$PY" "$HERE/judge.py" "$VERSION" "$WORK/cli-$VERSION.log" "$WORK/server-$VERSION.json")"
  STATUS=$?
  set -e
  echo "$COUNTS" | sed '$d'
  read -r PASSED FAILED <<<"$(echo "$COUNTS" | tail -1)"
  TOTAL_PASSED=$((TOTAL_PASSED + PASSED))
  TOTAL_FAILED=$((TOTAL_FAILED + FAILED))
  [ "$STATUS" -eq 0 ] || { echo "-- gateway log"; tail -40 "$WORK/host-$VERSION.log"; }
  kill "$HOST_PID" 2>/dev/null || true
  wait "$HOST_PID" 2>/dev/null || true
done

echo
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" -eq 0 ]
