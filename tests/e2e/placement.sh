#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Placement on the demo (issue 6): propose a plan on 26 August 2021 (Friendship Bridge open),
# check it with the independent checker, look at what-if; close the bridge, re-propose: no
# family goes over it; accept: planned movements appear, none over the bridge; the earlier
# plan's bridge families are skipped with the reason; reject needs a reason; bad instances
# get clear errors or an explicit "cannot place"; the audit chain verifies.
source "$(dirname "$0")/lib.sh"
CHECK="$(dirname "$HAVEN")/bench/placement/check"
[ -x "$CHECK" ] && ok || bad "checker not built at $CHECK"
BRIDGE=LOC-X-TERMEZ-HAIRATAN

expect_rc 0 "$HAVEN" --db d.db demo --cases 400 --out scen
expect_rc 0 "$HAVEN" --db d.db place propose --on 2021-08-26 --time 5 --quota UZ=900 \
  --instance-out i1.txt --plan-out p1.txt
expect_contains "$out" "plan 1 for 2021-08-26"
expect_rc 0 "$CHECK" i1.txt p1.txt
expect_contains "$out" "check: ok"
grep -q "^assign .* via:$BRIDGE@" p1.txt && ok || bad "no family over the open bridge on 26 August"
# the quota holds: people placed in UZ <= 900 (the checker checks it too)
expect_rc 0 "$HAVEN" --db d.db --json place show 1
P1=$(python3 -c "import json,sys; d=json.load(sys.stdin); print(d['placed'], sum(1 for r in d['rows'] if 'TERMEZ-HAIRATAN' in r['route']))" <<<"$out")
set -- $P1
[ "$1" -gt 0 ] && [ "$2" -gt 0 ] && ok || bad "plan 1: placed $1, over the bridge $2"
expect_rc 0 "$HAVEN" --db d.db place show 1 --limit 3
expect_contains "$out" "binding:"
expect_contains "$out" "price of a place (price/value):"

# what-if: the bridge closing moves families elsewhere
expect_rc 0 "$HAVEN" --db d.db --json place whatif --on 2021-08-26 --close $BRIDGE --time 3 --quota UZ=900
python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if d['families_moved'] + d['families_no_longer_placed'] > 0 else 1)" <<<"$out" && ok || bad "whatif: $out"
expect_rc 4 "$HAVEN" --db d.db place whatif --close LOC-X-NOWHERE --on 2021-08-26
expect_rc 0 "$HAVEN" --db d.db place export --lp --on 2021-08-26 --out m.lp
expect_contains "$(head -3 m.lp)" "Maximize"
expect_rc 0 "$HAVEN" --db d.db place export --mps --on 2021-08-26 --out m.mps
expect_contains "$(head -1 m.mps)" "NAME"

# the bridge closes at noon on the 26th: accepting plan 1 now plans every family except those
# over the bridge, which are skipped with the reason
LEGS="SELECT count(*) FROM movement_leg l JOIN crossing x ON x.id = l.crossing_id WHERE x.ref = '$BRIDGE'"
expect_rc 0 "$HAVEN" --db d.db crossing set $BRIDGE closed --at 2021-08-26T12:00Z --source e2e
expect_rc 0 "$HAVEN" --db d.db --json place accept 1
read -r MOVED SKIPPED < <(python3 -c "import json,sys; d=json.load(sys.stdin); print(d['movements'], d['skipped'])" <<<"$out")
[ "$MOVED" -gt 0 ] && [ "$SKIPPED" -gt 0 ] && ok || bad "accept 1: $out"
set -- $P1
expect_eq "$MOVED $SKIPPED" "$(( $1 - $2 )) $2"
expect_eq "$(sqlite3 d.db "SELECT count(*) FROM movement WHERE status = 'planned'")" "$MOVED"
expect_eq "$(sqlite3 d.db "$LEGS")" "0"
MID=$(sqlite3 d.db "SELECT min(id) FROM movement")
expect_rc 0 "$HAVEN" --db d.db move show "$MID"
expect_contains "$out" "planned"
expect_rc 0 "$HAVEN" --db d.db place show 1 --all
expect_contains "$out" "closed on 2021-08-26"
expect_rc 5 "$HAVEN" --db d.db place accept 1

# re-propose: the families left (the bridge ones among them) go elsewhere, none over the bridge
expect_rc 0 "$HAVEN" --db d.db place propose --on 2021-08-26 --time 5 --instance-out i2.txt \
  --plan-out p2.txt
expect_contains "$out" "plan 2 for 2021-08-26"
expect_rc 0 "$CHECK" i2.txt p2.txt
grep -q "crossing $BRIDGE closed" i2.txt && ok || bad "bridge not closed in the instance"
# families with a planned movement hold their beds and are not offered again
expect_eq "$(grep -c '^family ' i2.txt)" "$(( $(grep -c '^family ' i1.txt) - MOVED ))"
grep -q "^assign" p2.txt && ok || bad "plan 2 places nobody"
grep -q "$BRIDGE@" p2.txt && bad "a family routed over the closed bridge" || ok
expect_rc 0 "$HAVEN" --db d.db --json place accept 2
MOVED2=$(python3 -c "import json,sys; print(json.load(sys.stdin)['movements'])" <<<"$out")
[ "$MOVED2" -gt 0 ] && ok || bad "accept 2 made no movement"
expect_eq "$(sqlite3 d.db "SELECT count(*) FROM movement WHERE status = 'planned'")" "$((MOVED + MOVED2))"
expect_eq "$(sqlite3 d.db "$LEGS")" "0"

# nothing left to place: a proposal says so; reject needs a reason
expect_rc 0 "$HAVEN" --db d.db place propose --on 2021-08-26 --time 2
expect_rc 1 "$HAVEN" --db d.db place reject 3
expect_rc 0 "$HAVEN" --db d.db place reject 3 --reason "nothing to place"
expect_rc 4 "$HAVEN" --db d.db place show 99
expect_rc 0 "$HAVEN" --db d.db audit verify
expect_eq "$(sqlite3 d.db "SELECT count(*) FROM audit_log WHERE action LIKE 'place.%'")" "6"

# bad input: clear errors, or an explicit "cannot place" with the reason
cat > good.txt <<'INST'
haven-placement 1
country UZ quota=20
crossing X1 open
crossing X2 closed
site S1 country=UZ family_rooms=2 single_men=1 people=10 medical=1 interp=0 langs=prs
route R1 origin=A site=S1 crossing=X1 risk=0.1 cost=1
route R2 origin=B site=S1 crossing=X2 risk=0.1 cost=1
family F1 origin=A size=4 risk=3 langs=prs
family BIG origin=A size=14 risk=4 langs=prs
family NOWAY origin=B size=2 risk=4 langs=prs
family LOST origin=Z size=1 kind=single_men risk=2 langs=prs
INST
expect_rc 0 "$HAVEN" place solve good.txt
expect_contains "$out" "F1 -> S1 by R1"
expect_contains "$out" "BIG -> (none) by -: cannot place: family larger than any reachable site takes (14 people, largest site takes 10)"
expect_contains "$out" "NOWAY -> (none) by -: cannot place: no open route"
expect_contains "$out" "LOST -> (none) by -: cannot place: no open route"
# the checker passes the engine's plan and catches every kind of broken plan
expect_rc 0 "$HAVEN" place solve good.txt --plan-out good.plan
expect_rc 0 "$CHECK" good.txt good.plan
expect_contains "$out" "check: ok families=4 placed=1"
grep -v '^unplaced BIG' good.plan > missing.plan
expect_rc 2 "$CHECK" good.txt missing.plan
expect_contains "$err" "family BIG is missing from the plan"
{ cat good.plan; echo "assign F1 S1 R1"; } > twice.plan
expect_rc 2 "$CHECK" good.txt twice.plan
expect_contains "$err" "appears more than once"
sed 's/^unplaced NOWAY.*/assign NOWAY S1 R2/' good.plan > closed.plan
expect_rc 2 "$CHECK" good.txt closed.plan
expect_contains "$err" "routed over closed crossing X2"
sed 's/^unplaced BIG.*/assign BIG S1 R1/' good.plan > full.plan
expect_rc 2 "$CHECK" good.txt full.plan
expect_contains "$err" "site S1: people 18 used of 10"
sed 's/^objective .*/objective 1/' good.plan > claim.plan
expect_rc 2 "$CHECK" good.txt claim.plan
expect_contains "$err" "plan claims objective 1.0000"
sed 's/^route R1 origin=A site=S1/route R1 origin=A site=S9/' good.txt > unknown.txt
expect_rc 2 "$HAVEN" place solve unknown.txt
expect_contains "$err" "unknown.txt:6: site: unknown site"
sed 's/family_rooms=2/family_rooms=-2/' good.txt > negative.txt
expect_rc 2 "$HAVEN" place solve negative.txt
expect_contains "$err" "negative.txt:5: family_rooms: is negative"
printf 'haven-placement 1\nfamily F1 origin=A size=0\n' > zero.txt
expect_rc 2 "$HAVEN" place solve zero.txt
expect_contains "$err" "size"
expect_rc 9 "$HAVEN" place solve missing.txt
finish
