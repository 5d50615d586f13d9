#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Bad input: each case gets the exact error (file, line, field, reason), exit code 2, and
# leaves the database exactly as it was. With --reject-file the good rows land and each bad
# row is written with its reason.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" --db t.db init
expect_rc 0 "$HAVEN" --db t.db import "$DATA/small"
before=$(snapshot t.db)

H='ref,case_ref,given_name,birth_date,sex'
# check NAME CONTENT EXPECTED-ERROR
check() {
  local name=$1 content=$2 want=$3
  printf '%b' "$content" > "$name"
  expect_rc 2 "$HAVEN" --db t.db import "$name"
  expect_eq "$err" "haven: $want"
  expect_eq "$(snapshot t.db)" "$before"
}

check impossible.csv "$H\nX1,T-0001,Ali,1985-02-30,M\n" \
  'impossible.csv:2: birth_date: "1985-02-30": no such day in that month'
check leap.csv "$H\nX1,T-0001,Ali,1900-02-29,M\n" \
  'leap.csv:2: birth_date: "1900-02-29": no such day in that month'
check range.csv "$H\nX1,T-0001,Ali,1990..1980,M\n" \
  'range.csv:2: birth_date: "1990..1980": range is reversed (the first year is after the second)'
check sex.csv "$H\nX1,T-0001,Ali,1985,male\n" \
  'sex.csv:2: sex: "male" is not one of F, M, X'
check missing.csv "$H\nX1,T-0001,,1985,M\n" \
  'missing.csv:2: given_name: is required'
check utf8.csv "$H\nX1,T-0001,Al\xff\xfei,1985,M\n" \
  'utf8.csv:2: given_name: is not valid UTF-8'
long=$(printf 'A%.0s' $(seq 1 201))
check long.csv "$H\nX1,T-0001,$long,1985,M\n" \
  'long.csv:2: given_name: is 201 bytes long; the limit is 200'
check orphan.csv "$H\nX1,T-9999,Ali,1985,M\n" \
  'orphan.csv:2: case_ref: no case has ref "T-9999"'
check dup.csv "$H\nX1,T-0001,Ali,1985,M\nX2,T-0001,Omar,1985,M\nX1,T-0001,Ali,1986,M\n" \
  'dup.csv:4: ref: "X1" appears twice in this import (first at dup.csv:2)'
check quote.csv "$H\nX1,T-0001,\"Ali,1985,M\n" \
  'quote.csv:2: unterminated quoted field starting on line 2'
check stray.csv "$H\nX1,T-0001,Al\"i,1985,M\n" \
  'stray.csv:2: quote character inside an unquoted field'
check fields.csv "$H\nX1,T-0001,Ali,1985\n" \
  'fields.csv:2: has 4 fields; the header has 5'
check column.csv "ref,case_ref,given_name,nickname\nX1,T-0001,Ali,Al\n" \
  'column.csv:1: unknown column "nickname" in a people file'
check header.csv "ref,case_ref\n" \
  'header.csv:1: given_name: required column is missing from the header'
check twoprincipals.csv "ref,case_ref,relation,given_name\nX1,T-0001,principal,Ali\n" \
  'twoprincipals.csv:2: relation: the case already has a principal applicant'
check control.csv "$H\nX1,T-0001,Al\x01i,1985,M\n" \
  'control.csv:2: given_name: contains a control character (byte 0x01 at offset 2)'
check risk.csv "ref,programme,risk_level\nC1,SIV,7\n" \
  'risk.csv:2: risk_level: "7" is not a whole number from 1 to 4'
check enddate.csv "ref,person_ref,employer,start_date,end_date\nE1,T-0001-P01,ISAF,2012,2010-05\n" \
  'enddate.csv:2: end_date: ends before it starts (start_date is 2012)'
check empty.csv "" 'empty.csv:1: the file is empty: a header row is required'
# A good row before a bad one is not committed either (all-or-nothing).
check partial.csv "$H\nX1,T-0001,Ali,1985,M\nX2,T-0001,Omar,198x,M\n" \
  'partial.csv:3: birth_date: "198x": expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY..YYYY'

# JSON: syntax, wrong type, unknown field, wrong format tag.
check syntax.json '{"format":"haven.registry/1","cases":[{"ref":"C1",}]}' \
  "syntax.json:1: invalid JSON: string or '}' expected near '}'"
check type.json '{"format":"haven.registry/1","cases":[{"ref":"C1","programme":"SIV","risk_level":"high"}]}' \
  'type.json: cases[0].risk_level: "high" is not a whole number from 1 to 4'
check unknown.json '{"format":"haven.registry/1","cases":[{"ref":"C1","programme":"SIV","colour":"red"}]}' \
  'unknown.json: cases[0].colour: unknown field'
check tag.json '{"format":"other/2","cases":[]}' \
  'tag.json: format: must be "haven.registry/1"'
check nested.json '{"format":"haven.registry/1","cases":[{"ref":"C1","programme":"SIV","people":[{"ref":"C1-P1","given_name":"Ali","birth_date":"1985-13"}]}]}' \
  'nested.json: cases[0].people[0].birth_date: "1985-13": month outside 01..12'

# Reject file: good rows land, bad rows are written with their reasons, exit code 3.
printf '%b' "$H\nR1,T-0001,Ali,1985,M\nR2,T-0001,Omar,1985-02-30,M\nR3,T-9999,Wali,1980,M\nR4,T-0002,Karim,1970,M\n" > mixed.csv
expect_rc 3 "$HAVEN" --db t.db import --reject-file rejects.csv mixed.csv
expect_rc 0 "$HAVEN" --db t.db --json status
expect_contains "$out" '"people":8'
expect_eq "$(wc -l < rejects.csv | tr -d ' ')" "3"
expect_contains "$(cat rejects.csv)" 'mixed.csv,3,birth_date,"""1985-02-30"": no such day in that month","R2,T-0001,Omar,1985-02-30,M"'
expect_contains "$(cat rejects.csv)" 'mixed.csv,4,case_ref,"no case has ref ""T-9999""","R3,T-9999,Wali,1980,M"'

finish
