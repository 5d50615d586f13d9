#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/http: wrk on loopback against `haven serve` - authenticated GET of a case page, a name
# search, and (the reference) a small static file from the same server in the same run.
# Prints requests/s and p50/p99 latency of each and the ratio to the static file.
# Not a test. Usage: bench/http/run.sh [HAVEN_BINARY] [--db DB] [--threads N] [--conns C]
#                                       [--duration S]
# Without --db it builds the full demo (9,000 cases, ~15 s) in a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
HAVEN=${1:-${HAVEN:-$here/../../build/relw/haven}}
[ $# -gt 0 ] && shift
DB="" THREADS=2 CONNS=32 DUR=10
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --duration) DUR=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 1 ;;
  esac
done
command -v wrk >/dev/null || { echo "bench/http needs wrk (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
if [ -z "$DB" ]; then
  DB=$work/bench.db
  echo "building the demo database (9,000 cases)..."
  "$HAVEN" init --db "$DB" >/dev/null
  "$HAVEN" demo --db "$DB" --quiet >/dev/null
fi
"$HAVEN" --db "$DB" serve --listen 127.0.0.1:0 --threads "$THREADS" --demo-users >"$work/serve.out" \
  2>"$work/serve.err" &
pid=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$work/serve.out" | head -1)
[ -n "$url" ] || { echo "haven serve did not start:"; cat "$work/serve.err"; exit 1; }
url=${url%/}
token=$(python3 - "$url" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1] + "/api/v1/login", method="POST",
    data=json.dumps({"username": "registrar", "password": "haven-demo-registrar"}).encode())
print(json.load(urllib.request.urlopen(req))["token"])
PY
)
case_ref=$(python3 - "$DB" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(con.execute("SELECT ref FROM hv_case ORDER BY id LIMIT 1 OFFSET 123").fetchone()[0])
PY
)
static_path=/static/i18n/languages.json
curl -sf "$url$static_path" >/dev/null 2>&1 || static_path=/
run() { # name path auth
  local name=$1 path=$2 auth=$3 hdr=()
  [ "$auth" = yes ] && hdr=(-H "Authorization: Bearer $token")
  wrk -t2 -c"$CONNS" -d"${DUR}s" --latency "${hdr[@]}" "$url$path" >"$work/$name.txt"
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/$name.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/$name.txt")
  p99=$(awk '$1=="99%" {print $2}' "$work/$name.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$name.txt")
  printf '%-22s %12s req/s   p50 %-9s p99 %-9s %s\n' "$name" "$rps" "$p50" "$p99" \
    "${non2xx:+($non2xx non-2xx!)}"
  eval "rps_$name=$rps"
}
echo "haven serve --threads $THREADS, wrk -t2 -c$CONNS -d${DUR}s on loopback ($(nproc) cores)"
run static "$static_path" no
run case_read "/api/v1/cases/$case_ref" yes
run search "/api/v1/cases?q=Mohamad%20Naseer&limit=20" yes
python3 - "$rps_static" "$rps_case_read" "$rps_search" <<'PY'
import sys
s, c, q = (float(x) for x in sys.argv[1:])
print(f"case read / static file: {c / s:.3f}   search / static file: {q / s:.3f}")
print(f"goal: >= 10,000 authenticated case reads/s with p99 <= 10 ms: "
      f"{'met' if c >= 10000 else 'NOT met'} on requests/s (check p99 above)")
PY
audit=$(python3 - "$DB" <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(con.execute("SELECT count(*) FROM audit_log WHERE action = 'person.read'").fetchone()[0])
PY
)
echo "person.read audit entries written during the run: $audit"
