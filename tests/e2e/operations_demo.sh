#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Operations on the demo scenario (issue: operations): a demo case moves from COM application
# to travel with evidence; an illegal jump is refused; an open screening hit or duplicate
# review blocks it until released or overridden (audited); a demo family checks into a demo
# site and out again; a full site refuses a check-in; a movement over the Friendship Bridge
# on 31 August 2021 is refused (closed that day) and one on 26 August is accepted.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" --db d.db demo --cases 400 --out scen
expect_contains "$out" "400 cases"
# The demo spreads its cases over the pipeline: pick families by step and size.
"$HAVEN" --db d.db --json case list > cases.json
pick() { python3 -c "
import json, sys
step, n = sys.argv[1], int(sys.argv[2])
for c in json.load(open('cases.json')):
    if c['case'].get('step') == step and c['people'] >= n:
        print(c['case']['ref']); break
" "$1" "$2"; }
C=$(pick com_application 1)
FAM=$(pick nvc_documents 2)
FAM2=$(pick interview_scheduling 2)
[ -n "$C" ] && [ -n "$FAM" ] && [ -n "$FAM2" ] && ok || bad "no demo case at the wanted steps"

# Pipeline: illegal jump, evidence, holds, override, to travel.
expect_rc 2 "$HAVEN" --db d.db case advance "$C" interview --at 2021-08-20
expect_contains "$err" "no transition from com_application to interview"
adv() { expect_rc 0 "$HAVEN" --db d.db case advance "$C" "$@"; }
adv com_completeness --evidence com_application_package:PKG-1 --at 2021-09-01
adv employment_verification --at 2021-09-02
expect_rc 0 "$HAVEN" --db d.db case hold "$C" --kind screening_hit --reason hit:demo-1 --at 2021-09-03
expect_rc 5 "$HAVEN" --db d.db case advance "$C" com_decision --evidence employment_letter:EL-1 \
  --evidence recommendation_letter:RL-1 --at 2021-09-04
expect_contains "$err" "open hold"
expect_rc 0 "$HAVEN" --db d.db case release "$C" --at 2021-09-05
adv com_decision --evidence employment_letter:EL-1 --evidence recommendation_letter:RL-1 --at 2021-09-06
expect_rc 0 "$HAVEN" --db d.db case hold "$C" --kind duplicate_review --reason dup:demo-1 --at 2021-09-07
expect_rc 5 "$HAVEN" --db d.db case advance "$C" i360_petition --evidence com_approval_letter:COM-1 --at 2021-09-08
expect_rc 0 "$HAVEN" --db d.db --actor supervisor case advance "$C" i360_petition \
  --evidence com_approval_letter:COM-1 --override --reason reviewed_not_duplicate --at 2021-09-08
adv i360_adjudication --evidence i360_receipt:IOE-1 --at 2021-09-10
adv nvc_documents --evidence i360_approval:I360-1 --at 2021-10-01
adv interview_scheduling --evidence ds260_confirmation:DS-1 --evidence civil_documents:CD-1 --at 2021-10-10
adv interview --evidence interview_appointment:IA-1 --at 2021-11-01
adv administrative_processing --evidence interview_record:IR-1 --at 2021-11-02
adv medical_exam --evidence security_clearance:SC-1 --at 2021-12-01
adv visa_issuance --evidence medical_report:MR-1 --at 2021-12-05
adv travel --evidence visa_foil:VF-1 --at 2021-12-10
expect_rc 0 "$HAVEN" --db d.db --json case show "$C"
expect_contains "$out" '"step": "travel"'
expect_rc 0 "$HAVEN" --db d.db audit list
expect_contains "$out" "pipeline.override"
expect_rc 0 "$HAVEN" --db d.db audit verify

# Sites: a demo family in and out of a demo site; a full site refuses.
expect_rc 0 "$HAVEN" --db d.db site checkin "$FAM" LOC-SITE-UZ-AIRITOM --at 2021-08-20T10:00Z
expect_rc 0 "$HAVEN" --db d.db site show LOC-SITE-UZ-AIRITOM
expect_contains "$out" "$FAM"
expect_rc 0 "$HAVEN" --db d.db site checkout "$FAM" --at 2021-08-25T10:00Z
expect_rc 0 "$HAVEN" --db d.db site capacity LOC-SITE-UZ-TERMEZ-CARGO family_rooms 1 --at 2021-08-01T00:00Z
expect_rc 0 "$HAVEN" --db d.db site checkin "$FAM" LOC-SITE-UZ-TERMEZ-CARGO --at 2021-08-26T10:00Z
expect_rc 5 "$HAVEN" --db d.db site checkin "$FAM2" LOC-SITE-UZ-TERMEZ-CARGO --at 2021-08-26T11:00Z
expect_contains "$err" "capacity"
expect_rc 0 "$HAVEN" --db d.db site occupancy LOC-SITE-UZ-TERMEZ-CARGO --from 2021-08-24 --to 2021-08-28 --csv
expect_contains "$out" "2021-08-26"

# Movements over the Termez–Hairatan Friendship Bridge.
expect_rc 5 "$HAVEN" --db d.db move plan "$FAM2" --to LOC-SITE-UZ-AIRITOM --via LOC-X-TERMEZ-HAIRATAN --on 2021-08-31
expect_contains "$err" "Friendship Bridge was closed on 2021-08-31"
expect_rc 0 "$HAVEN" --db d.db move plan "$FAM2" --to LOC-SITE-UZ-AIRITOM --via LOC-X-TERMEZ-HAIRATAN --on 2021-08-26
expect_rc 0 "$HAVEN" --db d.db audit verify
finish
