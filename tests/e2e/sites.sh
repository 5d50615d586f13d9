#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Sites, stays, crossings and movements through the real binary: a family checks in and out;
# a full site refuses a check-in (and takes it with an audited override); the demo's sites and
# 2021 crossing history load; a movement over the Friendship Bridge planned for 2021-08-31 is
# refused because the bridge was closed, one for 2021-08-26 is accepted and arrives.
source "$(dirname "$0")/lib.sh"

if ! "$HAVEN" site --help >/dev/null 2>&1; then
  bad "haven site is not wired into src/cli/main.c (cmd_site, cmd_crossing, cmd_move)"
  finish
fi

mkdir reg
cat >reg/locations.csv <<'CSV'
ref,kind,country,name,parent_ref,lat,lon
LOC-AF,country,AF,Afghanistan,,,
LOC-AF-BALKH,province,AF,Balkh,LOC-AF,36.7551,66.8975
LOC-AIR-MZR,airport,AF,Mazar-i-Sharif International Airport,,36.7069,67.2097
LOC-AIR-TMJ,airport,UZ,Termez Airport,,37.2867,67.3100
CSV
cat >reg/cases.csv <<'CSV'
ref,programme,location_ref
E2E-FAM1,SIV,LOC-AF-BALKH
E2E-FAM2,SIV,LOC-AF-BALKH
E2E-SOLO,SIV,LOC-AF-BALKH
CSV
cat >reg/people.csv <<'CSV'
ref,case_ref,relation,given_name,sex,birth_date
E2E-FAM1-P1,E2E-FAM1,principal,Ahmad,M,1980
E2E-FAM1-P2,E2E-FAM1,spouse,Mina,F,1985
E2E-FAM1-P3,E2E-FAM1,child,Omid,M,2012
E2E-FAM2-P1,E2E-FAM2,principal,Karim,M,1975
E2E-FAM2-P2,E2E-FAM2,spouse,Laila,F,1979
E2E-SOLO-P1,E2E-SOLO,principal,Jawad,M,1990
CSV
cat >tiny.csv <<'CSV'
ref,name,country,lat,lon,family_rooms,single_men,single_women,minors,services,languages,note
LOC-SITE-E2E-TINY,Tiny guest house,UZ,37.2300,67.2800,1,1,0,0,medical,prs;uzb,one family room
CSV

expect_rc 0 "$HAVEN" --db s.db init
expect_rc 0 "$HAVEN" --db s.db import reg
expect_rc 0 "$HAVEN" --db s.db site load "$HV_SOURCE_DIR/data/demo"
expect_rc 0 "$HAVEN" --db s.db --json site load tiny.csv
expect_contains "$out" '"created":1'
expect_rc 0 "$HAVEN" --db s.db site list
expect_contains "$out" "LOC-SITE-UZ-AIRITOM"
expect_contains "$out" "LOC-SITE-E2E-TINY"

# A bad sites file is refused with its file, line, field and reason.
printf 'ref,name,country,lat,lon,family_rooms,single_men,single_women,minors\nX1,Bad,UZ,99,67,1,1,1,1\n' >bad.csv
expect_rc 2 "$HAVEN" --db s.db site load bad.csv
expect_contains "$err" "bad.csv:2: lat:"

# A family checks in together (one family room, three people) and out again.
expect_rc 0 "$HAVEN" --db s.db site checkin E2E-FAM1 LOC-SITE-E2E-TINY
expect_contains "$out" "3 people, family_rooms bed 1"
expect_rc 0 "$HAVEN" --db s.db --json site show LOC-SITE-E2E-TINY
expect_contains "$out" '"case": "E2E-FAM1"'
expect_contains "$out" '"people": 3'
expect_rc 0 "$HAVEN" --db s.db site checkout E2E-FAM1
expect_contains "$out" "checked out E2E-FAM1 from LOC-SITE-E2E-TINY"
expect_rc 0 "$HAVEN" --db s.db --json site show LOC-SITE-E2E-TINY
case "$out" in *E2E-FAM1*) bad "E2E-FAM1 still shown after check-out" ;; *) ok ;; esac
expect_rc 4 "$HAVEN" --db s.db site checkout E2E-FAM1

# The site is full with one family: the next is refused, an override needs a reason and is
# audited.
expect_rc 0 "$HAVEN" --db s.db site checkin E2E-FAM1 LOC-SITE-E2E-TINY
expect_rc 5 "$HAVEN" --db s.db site checkin E2E-FAM2 LOC-SITE-E2E-TINY
expect_contains "$err" "no free family_rooms: 1 of 1 in use"
expect_rc 2 "$HAVEN" --db s.db site checkin E2E-FAM2 LOC-SITE-E2E-TINY --override
expect_contains "$err" "reason"
expect_rc 0 "$HAVEN" --db s.db site checkin E2E-FAM2 LOC-SITE-E2E-TINY --override --reason "storm night"
expect_contains "$out" "over capacity"
expect_rc 0 "$HAVEN" --db s.db audit list
expect_contains "$out" "stay.override"
expect_contains "$out" "site.read"
# The same case twice, and a family split into single beds, are refused.
expect_rc 5 "$HAVEN" --db s.db site checkin E2E-FAM1 LOC-SITE-UZ-AIRITOM
expect_rc 0 "$HAVEN" --db s.db site checkout E2E-FAM2
expect_rc 2 "$HAVEN" --db s.db site checkin E2E-FAM2 LOC-SITE-UZ-AIRITOM --kind single_men

# Crossing status history of 2021.
expect_rc 0 "$HAVEN" --db s.db crossing status LOC-X-TERMEZ-HAIRATAN --at 2021-08-14
expect_contains "$out" "restricted"
expect_contains "$out" "crowds"
expect_rc 0 "$HAVEN" --db s.db --json crossing status LOC-X-TERMEZ-HAIRATAN --at 2021-08-26
expect_contains "$out" '"status":"open"'
expect_rc 0 "$HAVEN" --db s.db --json crossing status LOC-X-TERMEZ-HAIRATAN --at 2021-08-31
expect_contains "$out" '"status":"closed"'
expect_contains "$out" '"since":"2021-08-30T00:00:00Z"'
expect_rc 0 "$HAVEN" --db s.db crossing list --at 2021-08-27
expect_contains "$out" "LOC-X-KOKUL"

# Movements over the Friendship Bridge: refused on 31 August (closed), accepted on 26 August.
expect_rc 5 "$HAVEN" --db s.db move plan E2E-SOLO --to LOC-SITE-UZ-AIRITOM --via LOC-X-TERMEZ-HAIRATAN --on 2021-08-31
expect_contains "$err" "Termez–Hairatan Friendship Bridge was closed on 2021-08-31 (since 2021-08-30, source Uzbek Foreign Ministry via TASS 2021-08-30)"
expect_rc 5 "$HAVEN" --db s.db move plan E2E-SOLO --to LOC-SITE-UZ-AIRITOM --via LOC-X-TERMEZ-HAIRATAN --on 2021-08-20
expect_contains "$err" "restricted"
expect_rc 0 "$HAVEN" --db s.db --json move plan E2E-SOLO --to LOC-SITE-UZ-AIRITOM --via LOC-X-TERMEZ-HAIRATAN --on 2021-08-26
expect_contains "$out" '"status":"planned"'
id=$(printf '%s' "$out" | sed -n 's/.*"movement":\([0-9]*\).*/\1/p')
expect_rc 0 "$HAVEN" --db s.db move show "$id"
expect_contains "$out" "crossing LOC-AF-BALKH -> LOC-SITE-UZ-AIRITOM via LOC-X-TERMEZ-HAIRATAN"
expect_rc 5 "$HAVEN" --db s.db move arrive "$id"
expect_rc 0 "$HAVEN" --db s.db move start "$id" --at 2021-08-26T07:00Z
expect_rc 0 "$HAVEN" --db s.db move arrive "$id" --at 2021-08-26T16:00Z
expect_contains "$out" "arrived"
expect_rc 0 "$HAVEN" --db s.db --json site show LOC-SITE-UZ-AIRITOM
expect_contains "$out" '"case": "E2E-SOLO"'
expect_contains "$out" '"kind": "single_men"'
expect_rc 0 "$HAVEN" --db s.db audit list
expect_contains "$out" "move.plan"
expect_contains "$out" "move.arrive"

# A flight leg between airports.
expect_rc 0 "$HAVEN" --db s.db --json move plan E2E-FAM2 --to LOC-SITE-UZ-TERMEZ-CITY --flight MZR-TMJ --on 2021-09-02
id2=$(printf '%s' "$out" | sed -n 's/.*"movement":\([0-9]*\).*/\1/p')
expect_rc 0 "$HAVEN" --db s.db move show "$id2"
expect_contains "$out" "flight   LOC-AIR-MZR -> LOC-AIR-TMJ"
expect_rc 0 "$HAVEN" --db s.db move cancel "$id2"
expect_rc 2 "$HAVEN" --db s.db move plan E2E-FAM2 --to LOC-SITE-UZ-TERMEZ-CITY --flight LOC-AF-BALKH,LOC-AIR-TMJ --on 2021-09-02

# A status change is recorded and audited.
expect_rc 0 "$HAVEN" --db s.db crossing set LOC-X-TERMEZ-HAIRATAN open --at 2021-11-01 --source "e2e test" --note "reopened"
expect_rc 0 "$HAVEN" --db s.db --json crossing status LOC-X-TERMEZ-HAIRATAN --at 2021-11-02
expect_contains "$out" '"status":"open"'

# Occupancy: CSV figures, a sparkline and an SVG chart.
expect_rc 0 "$HAVEN" --db s.db site occupancy LOC-SITE-E2E-TINY --from 2021-08-20 --to 2021-08-30 --csv
expect_contains "$out" "site,day,family_rooms_used"
expect_rc 0 "$HAVEN" --db s.db site occupancy --by-country --from 2021-08-25 --to 2021-08-27 --csv
expect_contains "$out" "UZ,2021-08-26,0,"
expect_contains "$out" "UZ,2021-08-27,0,"
expect_rc 0 "$HAVEN" --db s.db site occupancy LOC-SITE-UZ-AIRITOM --from 2021-08-25 --to 2021-08-27 --csv
expect_contains "$out" "LOC-SITE-UZ-AIRITOM,2021-08-25,0,800,0,700,"
expect_contains "$out" "LOC-SITE-UZ-AIRITOM,2021-08-26,0,800,1,700,"
expect_rc 0 "$HAVEN" --db s.db site occupancy LOC-SITE-UZ-AIRITOM --from 2021-08-01 --to 2021-08-31 --svg airitom.svg
expect_contains "$out" "LOC-SITE-UZ-AIRITOM"
if grep -q "<svg" airitom.svg; then ok; else bad "no SVG written"; fi

expect_rc 0 "$HAVEN" --db s.db audit verify

finish
