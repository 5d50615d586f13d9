#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Forecast end to end on the demo (issue #7): `forecast run` on the 2021 scenario prints beds per
# country per week and the clearance date and writes CSV, JSON and SVG charts; `compare` with
# the Termez-stays-open counterfactual shows the closure's effect; the same seed gives the same
# answer on 1 or 2 threads; malformed scenarios exit 2 naming file, line and field; every line
# of the 2021 scenarios cites a listed source or is marked an assumption.
source "$(dirname "$0")/lib.sh"

SCN="$HV_SOURCE_DIR/data/scenarios"
SOURCES="$HV_SOURCE_DIR/docs/forecast-2021-sources.md"

# --- the scenarios cite their sources ---------------------------------------------------------
for f in "$SCN/2021.scn" "$SCN/2021-termez-open.scn"; do
  missing=$(grep -v '^\s*#' "$f" | grep -v '^\s*$' | grep -vc 'src=')
  expect_eq "$missing" "0"
  for id in $(grep -v '^\s*#' "$f" | grep -o 'src=[A-Za-z0-9,]*' | cut -d= -f2 | tr ',' '\n' | sort -u); do
    if [ "$id" = assumption ]; then ok; continue; fi
    grep -q "^| $id |" "$SOURCES" && ok || bad "$f cites $id, not listed in $SOURCES"
  done
done
grep -q 'status LOC-X-TERMEZ-HAIRATAN closed 2021-08-30 src=S5' "$SCN/2021.scn" && ok || bad "no closure"

# --- the demo ---------------------------------------------------------------------------------
expect_rc 0 "$HAVEN" --db d.db --quiet demo
expect_contains "$out" "9000 cases"

# --- run ----------------------------------------------------------------------------------------
expect_rc 0 "$HAVEN" --db d.db forecast run --scenario "$SCN/2021.scn" --reps 30 --seed 7 \
  --out charts
expect_contains "$out" "Forecast: 2021: Termez closes 30 August"
expect_contains "$out" "Beds in use per country per week"
expect_contains "$out" "UZ (cap 7340)"
expect_contains "$out" "TJ (cap 5550)"
expect_contains "$out" "KZ (cap 2950)"
expect_contains "$out" "1     2021-07-15"
expect_contains "$out" "104   2023-07-06"
expect_contains "$out" "Clearance: the day the last family leaves"
expect_contains "$out" "Cases over the statutory clock (270 days)"
expect_contains "$out" "wrote 27 files to charts"
# Uzbekistan is transit only (30 days) and the bridge closes on 30 August: UZ clears in autumn.
uz=$(printf '%s\n' "$out" | awk '$1 == "UZ" && $2 ~ /^2021-/ {print $3}')
case "$uz" in 2021-09-*|2021-10-*) ok ;; *) bad "UZ clearance P50 '$uz' not in Sep/Oct 2021" ;; esac
for f in forecast.csv forecast.json beds-ALL.svg beds-UZ.svg beds-TJ.svg beds-KZ.svg \
  beds-LOC-SITE-UZ-TERMEZ-CARGO.svg clearance.svg; do
  [ -s "charts/$f" ] && ok || bad "charts/$f not written"
done
expect_eq "$(head -1 charts/forecast.csv)" "series,name,week,week_start,capacity,p10,p50,p90"
expect_eq "$(grep -c '^UZ,' charts/forecast.csv)" "104"
svg=$(cat charts/beds-UZ.svg)
expect_contains "$svg" "<svg xmlns=\"http://www.w3.org/2000/svg\""
expect_contains "$svg" "Beds in use: UZ - 2021: Termez closes 30 August"
expect_contains "$svg" "capacity 7340"
expect_contains "$svg" "2021-09-09" # a dated tick (every 8th week)
expect_contains "$svg" "P10-P90"
expect_contains "$(cat charts/clearance.svg)" "When the last family leaves the host sites"
python3 - charts/forecast.json <<'EOF' && ok || bad "forecast.json malformed"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["replications"] == 30 and r["weeks"] == 104 and r["start"] == "2021-07-15"
keys = [s["key"] for s in r["series"]]
assert keys[:4] == ["ALL", "KZ", "TJ", "UZ"], keys
for s in r["series"]:
    assert len(s["beds"]) == 104 and all(a <= b <= c for a, b, c in s["beds"])
assert len(r["over_statutory_clock"]) == 104
assert r["travelled"]["p50"] > 0 and r["moved_to_host_sites"]["p50"] > 0
EOF
if command -v xmllint >/dev/null; then
  xmllint --noout charts/*.svg && ok || bad "an SVG is not well-formed XML"
fi

# Over five years every replication sees the last family leave: a dated clearance distribution.
expect_rc 0 "$HAVEN" --db d.db forecast run --scenario "$SCN/2021.scn" --reps 10 --weeks 260 \
  --every 52
all=$(printf '%s\n' "$out" | awk '$1 == "ALL" && $2 ~ /^20[0-9][0-9]-/ {print $2, $3, $4, $10}')
case "$all" in 202[3-6]-*" "202[3-6]-*" "202[3-6]-*" "100%) ok ;;
  *) bad "ALL clearance P10/P50/P90 over 260 weeks: '$all'" ;; esac

# --- the same seed, any thread count ---------------------------------------------------------
"$HAVEN" --db d.db --json forecast run --scenario "$SCN/2021.scn" --reps 8 --weeks 30 --seed 3 \
  --threads 1 > t1.json
"$HAVEN" --db d.db --json forecast run --scenario "$SCN/2021.scn" --reps 8 --weeks 30 --seed 3 \
  --threads 2 > t2.json
python3 - t1.json t2.json <<'EOF' && ok || bad "threads changed the result"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for r in (a, b):
    del r["seconds"], r["threads"]
assert a == b
EOF

# --- compare: what the closure did -----------------------------------------------------------
expect_rc 0 "$HAVEN" --db d.db forecast compare "$SCN/2021.scn" "$SCN/2021-termez-open.scn" \
  --reps 20 --seed 7
expect_contains "$out" "A: 2021: Termez closes 30 August"
expect_contains "$out" "B: 2021 counterfactual: Termez stays open"
expect_contains "$out" "peak beds P50 A"
"$HAVEN" --db d.db --json forecast compare "$SCN/2021.scn" "$SCN/2021-termez-open.scn" \
  --reps 20 --seed 7 > cmp.json
python3 - cmp.json <<'EOF' && ok || bad "compare does not show the closure's effect"
import json, sys
r = json.load(open(sys.argv[1]))
s = {x["key"]: x for x in r["series"]}
# With the bridge open, Uzbekistan keeps receiving (it clears months later) and fewer cases are
# left for Tajikistan, whose peak falls; no fewer get out of Afghanistan.
assert r["moved_p50"][1] >= r["moved_p50"][0], r["moved_p50"]
ua, ub = s["UZ"]["clearance_p50"]
assert ua is not None and ub is not None and ub > ua, (ua, ub)
assert s["TJ"]["peak_beds_p50"][1] < s["TJ"]["peak_beds_p50"][0], s["TJ"]
EOF

# --- the model for the SimPy peer ----------------------------------------------------------------
"$HAVEN" --db d.db forecast model --scenario "$SCN/2021.scn" > model.json
python3 -c "
import json; m = json.load(open('model.json'))
assert len(m['steps']) == 14 and len(m['cases']['step']) > 7000 and m['evac_min_step'] == 5
" && ok || bad "forecast model output"

# --- refusals ------------------------------------------------------------------------------------
printf 'start 2021-07-15\nflow via=X from=2021-07-01 per_week=lots\n' > bad.scn
expect_rc 2 "$HAVEN" --db d.db forecast run --scenario bad.scn
expect_contains "$err" "bad.scn:2: per_week: not a number"
printf 'workflow siv-2021\nstart 2021-07-15\nstatus LOC-X-NOWHERE closed 2021-08-30\n' > bad2.scn
expect_rc 2 "$HAVEN" --db d.db forecast run --scenario bad2.scn
expect_contains "$err" "bad2.scn:3: status: no crossing LOC-X-NOWHERE"
printf 'workflow siv-2099\nstart 2021-07-15\n' > bad3.scn
expect_rc 4 "$HAVEN" --db d.db forecast run --scenario bad3.scn
expect_contains "$err" "no workflow siv-2099"
expect_rc 9 "$HAVEN" --db d.db forecast run --scenario no-such-file.scn
expect_rc 1 "$HAVEN" --db d.db forecast run --scenario "$SCN/2021.scn" --reps 0
expect_rc 1 "$HAVEN" --db d.db forecast compare "$SCN/2021.scn"
expect_rc 0 "$HAVEN" forecast --help
expect_contains "$out" "haven forecast compare A B"

finish
