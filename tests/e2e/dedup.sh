#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# dedup.sh - identity resolution end to end: a demo registry with planted duplicates, `dedup
# run` (pairs merged or sent to review with duplicate_review holds), review list/show/accept/
# reject, a held case refused until its pair is decided or a supervisor overrides, unmerge by
# pair and by identity, decisions kept by a later run, every decision in the audit log, and
# `dedup csv` on a partner spreadsheet.
. "$(dirname "$0")/lib.sh"
H() { "$HAVEN" --db d.db "$@"; }

expect_rc 0 "$HAVEN" dedup --help
expect_contains "$out" "haven dedup review"
expect_rc 1 "$HAVEN" dedup frobnicate
expect_rc 0 H demo --cases 300 --seed 1

# A strict merge threshold leaves a few pairs for review.
expect_rc 0 H dedup run --merge 0.9999
expect_contains "$out" "1372 people"
expect_contains "$out" "to review"
expect_rc 0 H --json dedup run --merge 0.9999
expect_contains "$out" '"new_pairs":0'

expect_rc 0 H --json dedup review list
list=$out
n_review=$(printf '%s' "$list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$n_review" -ge 2 ]; then ok; else bad "want at least 2 pairs to review, got $n_review"; fi
# Two review pairs across different cases: "pair case_a case_b" each.
read -r P1 A1 B1 P2 A2 B2 < <(printf '%s' "$list" | python3 -c '
import json, sys
v = [p for p in json.load(sys.stdin) if p["case_a"] != p["case_b"]]
print(" ".join("%d %s %s" % (p["pair"], p["case_a"], p["case_b"]) for p in v[:2]))')
[ -n "${P2:-}" ] && ok || bad "need two review pairs across cases"

# next_move CASE: "STEP --evidence kind:E2E-1 ..." for the case's first transition.
next_move() {
  H --json case show "$1" | python3 -c '
import json, sys, os
c = json.load(sys.stdin)["case"]
wf = json.load(open(os.path.join(os.environ["HV_SOURCE_DIR"], "data/workflows", c["workflow"] + ".json")))
step = next(s for s in wf["steps"] if s["id"] == c["step"])
t = step["transitions"][0]
print(" ".join([t["to"]] + ["--evidence %s:E2E-1" % k for k in t["evidence"]]))'
}
export HV_SOURCE_DIR

# Show: side by side with the explanation; an audited read; no such pair -> 4.
expect_rc 0 H dedup review show "P$P1"
expect_contains "$out" "explanation"
expect_contains "$out" "given_name"
expect_rc 0 H --json dedup review show "$P1"
expect_contains "$out" '"explanation":{"fields":[{"field":'
expect_rc 4 H dedup review show 999999
expect_rc 1 H dedup review show abc

# A case with a pair under review cannot advance (5, naming the hold).
move1=$(next_move "$A1")
expect_rc 5 H case advance "$A1" $move1
expect_contains "$err" "duplicate_review"
expect_contains "$err" "pair:$P1"

# Accept the first pair: its holds are released, the case advances, the decision is audited.
expect_rc 1 H dedup review reject "$P1"
expect_rc 2 H dedup review accept "$P1" --reason "not a code"
expect_rc 0 H dedup review accept "$P1" --reason same_passport
expect_contains "$out" "accepted"
expect_rc 5 H dedup review accept "$P1"
expect_rc 0 H --json case history "$A1"
expect_contains "$out" "released"
if H --json dedup review list | grep -q "\"pair\":$P1,"; then bad "accepted pair still listed"; else ok; fi
expect_rc 0 H --json dedup review list --decision accepted
expect_contains "$out" "\"pair\":$P1,"
ida=$(printf '%s' "$out" | python3 -c 'import json,sys; p=json.load(sys.stdin)[0]; print(p["identity_a"], p["identity_b"])')
set -- $ida
expect_eq "$1" "$2"

# The second pair's case is held; a supervisor overrides (audited), then the pair is rejected.
move2=$(next_move "$A2")
expect_rc 5 H case advance "$A2" $move2
expect_contains "$err" "pair:$P2"
expect_rc 0 H --actor supervisor case advance "$A2" $move2 --override --reason reviewed_not_duplicate
expect_contains "$out" "override audited"
expect_rc 0 H dedup review reject "P$P2" --reason different_father
expect_contains "$out" "rejected"
expect_rc 0 H --json dedup review list --decision rejected
expect_contains "$out" "\"pair\":$P2,"

# Unmerge: the accepted pair, then again (5), then a whole identity merged by the run.
expect_rc 0 H dedup unmerge "P$P1" --reason wrong_merge
expect_contains "$out" "unmerged 1 pair"
expect_rc 5 H dedup unmerge "P$P1"
expect_rc 0 H --json dedup review list --decision merged --limit 1
cl=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["identity_a"])')
expect_rc 0 H dedup unmerge "C$cl"
expect_contains "$out" "identity C$cl"
expect_rc 4 H dedup unmerge "C$cl"
expect_rc 0 H --json dedup review list --decision unmerged
n_unmerged=$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
if [ "$n_unmerged" -ge 2 ]; then ok; else bad "want 2+ unmerged pairs, got $n_unmerged"; fi

# A later run with the default thresholds keeps every decision.
expect_rc 0 H --json dedup run
expect_contains "$out" '"known_pairs":'
expect_rc 0 H --json dedup review list --decision rejected
expect_contains "$out" "\"pair\":$P2,"
expect_rc 0 H --json dedup review list --decision unmerged
expect_contains "$out" "\"pair\":$P1,"

# Every decision is in the audit log with ids and codes only; the chain verifies; no names.
expect_rc 0 H audit list
for a in identity.run identity.read identity.accept identity.reject identity.unmerge pipeline.override pipeline.hold; do
  expect_contains "$out" "$a"
done
expect_contains "$out" "reason=same_passport"
expect_rc 0 H audit verify
n_names=$(sqlite3 d.db "SELECT count(*) FROM match_pair WHERE explanation GLOB '*[A-Z][a-z][a-z]*'")
expect_eq "$n_names" "0"
n_people=$(sqlite3 d.db "SELECT count(*) FROM person")
expect_eq "$n_people" "1372"

# Candidates for a registration being typed: a stored person typed again with spelling
# variants and a year-only birth is found first, with an explanation; by document alone too;
# an unrelated name finds nothing; nothing is stored; each look-up is an audited read.
read -r P1REF P1CASE < <(H --json dedup review list --all | python3 -c '
import json, sys
p = json.load(sys.stdin)[0]
print(p["person_a"], p["case_a"])')
read -r G F FA B S DOC < <(H --json case show "$P1CASE" | python3 -c '
import json, sys
ref = sys.argv[1]
v = next(x for x in json.load(sys.stdin)["people"] if x["person"]["ref"] == ref)
p = v["person"]
docs = [d["number"] for d in v.get("documents", []) if d.get("kind") == "tazkira"] + ["-"]
print(p["given_name"].replace(" ", "_"), (p.get("family_name") or "-").replace(" ", "_"),
      p["father_name"].replace(" ", "_"), p["birth_date"][:4], p["sex"], docs[0])' "$P1REF")
typed_g=$(printf '%s' "$G" | sed 's/_/ /g; s/Mohammad/Muhammad/; s/ullah$/ulla/')
typed_fa=$(printf '%s' "$FA" | sed 's/_/ /g; s/Mohammad/Mohd/; s/Abdul /Abd al-/')
fam=()
[ "$F" != "-" ] && fam=(--family "${F//_/ }")
n_pairs_before=$(sqlite3 d.db "SELECT count(*) FROM match_pair")
expect_rc 0 H dedup candidates --given "$typed_g" "${fam[@]}" --father "$typed_fa" --birth "$B" --sex "$S"
expect_contains "$out" "$P1REF"
expect_contains "$out" "father"
expect_rc 0 H --json dedup candidates --given "$typed_g" "${fam[@]}" --father "$typed_fa" --birth "$B" --sex "$S"
# The typed person is among the likely ones (its re-registration may rank with it).
likely=$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join(c["person"] for c in json.load(sys.stdin) if c["prob"] >= 0.9))')
expect_contains " $likely " " $P1REF "
expect_contains "$out" '"explanation":{"fields"'
if [ "$DOC" != "-" ]; then
  expect_rc 0 H --json dedup candidates --given Someone --doc "$DOC" --min 0.0001
  expect_contains "$out" "\"$P1REF\""
  expect_contains "$out" '"level":"exact"'
fi
expect_rc 0 H dedup candidates --given Zzyzx --family Qwrtp --birth 1901
expect_contains "$out" "no likely duplicate"
expect_eq "$(sqlite3 d.db "SELECT count(*) FROM match_pair")" "$n_pairs_before"
expect_rc 1 H dedup candidates --birth 1980
expect_rc 1 H dedup candidates --given X --sex Q
expect_rc 1 H dedup candidates --given X --birth 19x0
expect_rc 0 H audit list
expect_contains "$out" "identity.candidates"
n_blind_plain=$(sqlite3 d.db "SELECT count(*) FROM identity_block WHERE typeof(key) <> 'integer'")
expect_eq "$n_blind_plain" "0"

# dedup csv: deduplicate one file, and link two.
cat > a.csv <<'CSV'
id,name,father,dob,passport
a1,Mohammad Nasir Ahmadzai,Abdul Rahim,1984-03-02,P1234567
a2,Fereshta Karimi,Gul Ahmad,1990,
a3,Zabihullah Stanikzai,Wali Khan,1979-11-20,P7654321
a4,Muhammad Naseer Ahmadzai,Abdul Raheem,1984,P1234567
a5,Gulalai Safi,Sher Ali,2001-01-01,
CSV
cat > b.csv <<'CSV'
id,name,father,dob,passport
b1,Zabiullah Stanekzai,Wali,1979,P7654321
b2,Hamid Popal,Nazar,1965,
CSV
expect_rc 0 "$HAVEN" dedup csv a.csv --map id=id,name=full,father=father,dob=birth,passport=doc --out out1
expect_contains "$(cat out1/pairs.csv)" "a1,a4"
expect_contains "$(cat out1/clusters.csv)" "a4"
expect_rc 0 "$HAVEN" --json dedup csv a.csv --link b.csv --map id=id,name=full,father=father,dob=birth,passport=doc --out out2
expect_contains "$out" '"records":7'
expect_contains "$(cat out2/pairs.csv)" "a3,b1"
if grep -q "a1,a4" out2/pairs.csv; then bad "link mode paired rows of one file"; else ok; fi
expect_rc 2 "$HAVEN" dedup csv a.csv --map nosuch=given --out out3
expect_rc 1 "$HAVEN" dedup csv a.csv --out out3
expect_rc 9 "$HAVEN" dedup csv missing.csv --map name=full --out out3

finish
