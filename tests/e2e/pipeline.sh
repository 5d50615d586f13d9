#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The visa pipeline through the CLI: workflows show and validate; a case moves from the COM
# application to travel with evidence; an illegal jump and missing evidence are refused; an
# open screening hit or duplicate review blocks advancing until released or overridden (the
# override is audited); history and the backlog, clock and throughput reports agree.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" workflow show
expect_contains "$out" "siv-2021"
expect_contains "$out" "siv-2022"
expect_rc 0 "$HAVEN" workflow show siv-2021
expect_contains "$out" "administrative_processing"
expect_contains "$out" "evidence: com_application_package"
expect_rc 0 "$HAVEN" workflow validate "$HV_SOURCE_DIR/data/workflows/siv-2022.json"
expect_contains "$out" "ok, workflow siv-2022 with 12 steps"
# A malformed file: file, step and reason.
sed 's/"to": "interview",/"to": "intervew",/' "$HV_SOURCE_DIR/data/workflows/siv-2021.json" >bad.json
expect_rc 2 "$HAVEN" workflow validate bad.json
expect_contains "$err" 'bad.json: interview_scheduling: transition to unknown step "intervew"'

expect_rc 0 "$HAVEN" --db p.db init
expect_rc 0 "$HAVEN" --db p.db import "$DATA/small"

# An illegal jump is refused with the reason; nothing moves.
expect_rc 2 "$HAVEN" --db p.db case advance T-0002 interview --at 2021-01-05
expect_contains "$err" "no transition from com_application to interview"
# Missing evidence is refused.
expect_rc 2 "$HAVEN" --db p.db case advance T-0002 com_completeness --at 2021-01-05
expect_contains "$err" "needs evidence of kind com_application_package"

# From COM application to travel, with evidence at each step.
adv() { expect_rc 0 "$HAVEN" --db p.db case advance T-0002 "$@"; }
adv com_completeness --evidence com_application_package:PKG-2 --at 2021-01-05 --note "package complete"
adv employment_verification --at 2021-02-01
adv com_decision --evidence employment_letter:EL-2 --evidence recommendation_letter:RL-2 --at 2021-04-01
adv i360_petition --evidence com_approval_letter:COM-2 --at 2021-05-01
adv i360_adjudication --evidence i360_receipt:IOE-2 --at 2021-05-10
adv nvc_documents --evidence i360_approval:I360-2 --at 2021-06-20

# An open screening hit blocks the case until it is released.
expect_rc 0 "$HAVEN" --db p.db case hold T-0002 --kind screening_hit --reason hit:UN-117 --at 2021-06-25
expect_rc 5 "$HAVEN" --db p.db case advance T-0002 interview_scheduling \
  --evidence ds260_confirmation:DS-2 --evidence civil_documents:CD-2 --at 2021-07-01
expect_contains "$err" "open hold"
expect_contains "$err" "screening_hit: hit:UN-117"
expect_rc 0 "$HAVEN" --db p.db case release T-0002 --at 2021-07-02
expect_contains "$out" "released 1 hold"
adv interview_scheduling --evidence ds260_confirmation:DS-2 --evidence civil_documents:CD-2 --at 2021-07-03

# An open duplicate review blocks it; a supervisor overrides with a reason (audited).
expect_rc 0 "$HAVEN" --db p.db case hold T-0002 --kind duplicate_review --reason dup:PAIR-9 --at 2021-07-04
expect_rc 5 "$HAVEN" --db p.db case advance T-0002 interview --evidence interview_appointment:IA-2 --at 2021-07-10
expect_rc 1 "$HAVEN" --db p.db case advance T-0002 interview --override --at 2021-07-10
expect_rc 0 "$HAVEN" --db p.db --actor supervisor case advance T-0002 interview \
  --evidence interview_appointment:IA-2 --override --reason reviewed_not_duplicate --at 2021-07-10
expect_contains "$out" "override audited"
expect_rc 0 "$HAVEN" --db p.db audit list
expect_contains "$out" "pipeline.override"
expect_contains "$out" "holds=2 reason=reviewed_not_duplicate"
expect_rc 0 "$HAVEN" --db p.db audit verify

adv administrative_processing --evidence interview_record:IR-2 --at 2021-07-11
adv medical_exam --evidence security_clearance:SC-2 --at 2021-08-01
adv visa_issuance --evidence medical_report:MR-2 --at 2021-08-05
adv travel --evidence visa_foil:VF-2 --at 2021-08-10
expect_rc 2 "$HAVEN" --db p.db case advance T-0002 visa_issuance --at 2021-08-11
expect_contains "$err" "travel is a terminal step"

# History: every move with its evidence, the override, the holds, the sealed note.
expect_rc 0 "$HAVEN" --db p.db case history T-0002
expect_contains "$out" "com_application           -> com_completeness"
expect_contains "$out" "evidence com_application_package:PKG-2"
expect_contains "$out" "note: package complete"
expect_contains "$out" "OVERRIDE reviewed_not_duplicate"
expect_contains "$out" "hold 2 duplicate_review dup:PAIR-9"
expect_rc 0 "$HAVEN" --db p.db --json case history T-0002
expect_contains "$out" '"step": "travel"'
if sqlite3 p.db "SELECT count(*) FROM step_event WHERE instr(note, 'package') > 0" | grep -qx 0; then
  ok
else
  bad "the note is stored in clear"
fi

# Reports. T-0001 (com_application) and T-0003 (nvc_documents) came in with a step and no
# history; T-0002 is at travel since 2021-08-10.
expect_rc 0 "$HAVEN" --db p.db report backlog --as-of 2021-08-20 --csv
expect_contains "$out" "workflow,step,controlled_by,cases,held,median_days,p90_days"
expect_contains "$out" "siv-2021,travel,applicant,1,0,10,10"
expect_rc 0 "$HAVEN" --db p.db --json report backlog
expect_contains "$out" '"step":"travel","controlled_by":"applicant","cases":1'
expect_rc 0 "$HAVEN" --db p.db report clocks --all --as-of 2021-08-20 --csv
# Government time of T-0002: completeness 27 + employment 59 + decision 30 + adjudication 41
# + scheduling 7 + interview 1 + admin 21 + visa 5 = 191 days; the hold from 07-04 to 07-10
# fell in interview_scheduling: 191 - 6 = 185.
expect_contains "$out" "T-0002,siv-2021,travel,185,270,false,false,false,10"
expect_rc 0 "$HAVEN" --db p.db report throughput --csv
expect_contains "$out" "2021-W01,com_completeness,1"
expect_contains "$out" "2021-W32,travel,1"
expect_rc 0 "$HAVEN" --db p.db report backlog
expect_contains "$out" "median_days"
expect_rc 1 "$HAVEN" --db p.db report nonsense

finish
