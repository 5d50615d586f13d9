#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SIGKILL `haven import` at random points (24 times): the database never holds a partial
# import, always passes PRAGMA integrity_check, and a re-run completes the import with no
# duplicate, exactly as a clean import does.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" demo --no-import --cases 2500 --seed 7 --out scen
expect_rc 0 "$HAVEN" --db clean.db init
start=$(date +%s%N)
expect_rc 0 "$HAVEN" --db clean.db import scen
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 0 "$HAVEN" --db clean.db --json status
want=$(echo "$out" | sed 's/"audit_entries":[0-9]*,//; s/"db":"[^"]*",//')

expect_rc 0 "$HAVEN" --db t.db init
RANDOM=4242
kills=0
for i in $(seq 1 24); do
  # A point inside the import: 2% to 98% of a clean run's time.
  delay_ms=$(( took_ms * (2 + RANDOM % 97) / 100 ))
  "$HAVEN" --db t.db --quiet import scen >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null
  expect_eq "$(sqlite3 t.db 'PRAGMA integrity_check')" "ok"
  people=$(sqlite3 t.db 'SELECT count(*) FROM person')
  # All or nothing: either no people yet, or the whole import committed before the kill.
  if [ "$people" -eq 0 ] || [ "$people" -eq "$(sqlite3 clean.db 'SELECT count(*) FROM person')" ]; then
    ok
  else
    bad "partial import after kill $i: $people people"
  fi
done
echo "killed $kills of 24 runs mid-import"
if [ "$kills" -ge 20 ]; then ok; else bad "only $kills kills landed mid-import"; fi

expect_rc 0 "$HAVEN" --db t.db import scen
expect_rc 0 "$HAVEN" --db t.db --json status
got=$(echo "$out" | sed 's/"audit_entries":[0-9]*,//; s/"db":"[^"]*",//')
expect_eq "$got" "$want"
expect_eq "$(sqlite3 t.db 'SELECT count(*) - count(DISTINCT ref) FROM person')" "0"
expect_rc 0 "$HAVEN" --db t.db audit verify
# And a further re-run changes nothing.
expect_rc 0 "$HAVEN" --db t.db --json import scen
expect_contains "$out" '"people":{"created":0,"updated":0'
finish
