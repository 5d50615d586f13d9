#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The browser test (tests/browser/README.md): a fresh small database with sites, crossings and an
# open screening hit; `haven serve` on a free loopback port; ui_flow.cjs in Debian's headless
# Chromium through playwright-core. Screenshots go to $HV_BUILD_DIR/artifacts/browser/.
# Runs only where CMake set HV_BROWSER=1 (the build without sanitizers); skips (77) elsewhere.
set -euo pipefail

if [ "${HV_BROWSER:-}" != 1 ]; then
  echo "skipping: browser tests run only in the build without sanitizers (HV_BROWSER=1)"
  exit 77
fi
SRC=${HV_SOURCE_DIR:?HV_SOURCE_DIR must point at the source tree}
BUILD=${HV_BUILD_DIR:-$SRC/build}
HAVEN=${HAVEN:?HAVEN must name the haven binary}
CHROMIUM=${HV_CHROMIUM:-/usr/bin/chromium}
HERE="$SRC/tests/browser"
ART="$BUILD/artifacts/browser"

fail() {
  echo "FAIL $*"
  echo "0 passed, 1 failed"
  exit 1
}
[ -x "$CHROMIUM" ] || fail "$CHROMIUM not found: scripts/deps.sh installs Debian's chromium"
command -v node >/dev/null || fail "node not found: scripts/deps.sh installs nodejs"
"$HAVEN" serve --help >/dev/null 2>&1 || fail "this haven has no serve command"

# The dictionaries first (no browser needed): every key the pages use exists in English, and
# every other language has the same keys with the same {placeholders}.
python3 - "$SRC/web" <<'PY' || fail "web/i18n dictionaries are inconsistent"
import json, re, sys, pathlib
web = pathlib.Path(sys.argv[1])
en = json.loads((web / "i18n/en.json").read_text())
used = set()
for f in (web / "js").rglob("*.js"):
    used |= set(re.findall(r"\bt\('([a-z_.]+)'", f.read_text()))
bad = sorted(k for k in used if k not in en)
for k in bad:
    print(f"FAIL web/js uses the string {k}, missing from i18n/en.json")
langs = json.loads((web / "i18n/languages.json").read_text())
ph = lambda s: sorted(re.findall(r"\{\w+\}", s))
for lang in langs:
    if lang["code"] == "en":
        continue
    d = json.loads((web / f"i18n/{lang['code']}.json").read_text())
    for k in sorted(set(d) - set(en)):
        bad.append(k); print(f"FAIL i18n/{lang['code']}.json has {k}, unknown in en.json")
    for k in sorted(set(d) & set(en)):
        if ph(d[k]) != ph(en[k]):
            bad.append(k); print(f"FAIL i18n/{lang['code']}.json: {k} has other placeholders")
    if lang.get("dir") not in ("ltr", "rtl"):
        bad.append(lang["code"]); print(f"FAIL languages.json: {lang['code']} has no dir")
print(f"ok   {len(used)} strings used by the pages, {len(en)} in English, {len(langs)} languages")
sys.exit(1 if bad else 0)
PY

WORK=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf "$ART"
mkdir -p "$ART"

# playwright-core, pinned by package-lock.json, installed once per build directory (nothing is
# installed when the same lock file is already installed there).
NODE_DIR="$BUILD/browser-node"
if ! cmp -s "$HERE/package-lock.json" "$NODE_DIR/package-lock.json" ||
   [ ! -f "$NODE_DIR/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null || fail "npm not found: scripts/deps.sh installs it"
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  cp "$HERE/package.json" "$HERE/package-lock.json" "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"
fi

# A fresh database: the small registry, the demo's sites and crossings, and a watchlist whose
# entry X-1 carries the name of T-0003's principal, so screening leaves an open hit.
DB="$WORK/ui.db"
H() { "$HAVEN" --db "$DB" "$@"; }
H init >/dev/null
H import "$SRC/tests/e2e/data/small" >/dev/null
H site load "$SRC/data/demo" >/dev/null
cat >"$WORK/list.csv" <<'CSV'
id,type,name,aliases,dob,nationality,sex,program
X-1,individual,Noorullah Stanekzai,Nurullah Stanikzay,1988,AF,M,test
CSV
H lists load "$WORK/list.csv" --list custom --name internal >/dev/null
H screen run >/dev/null
H hits list --status open | grep -q T-0003 || fail "screening left no open hit for T-0003"

# One user per role the flow needs (site manager scoped to the site the family checks into).
SITE=LOC-SITE-UZ-AIRITOM
add_user() { # name role [site]
  local extra=()
  [ -n "${3:-}" ] && extra=(--site "$3")
  printf '%s\n' "$1-pass-2021" | H user add "$1" --role "$2" "${extra[@]}" >/dev/null
}
add_user ui_registrar registrar
add_user ui_vetting vetting
add_user ui_sites site_manager "$SITE"
add_user ui_planner planner

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$HAVEN" --db "$DB" serve --listen "127.0.0.1:$PORT" --web "$SRC/web" >"$ART/serve.log" 2>&1 &
SERVER=$!
python3 - "$PORT" <<'PY' || fail "haven serve did not answer on port $PORT (see $ART/serve.log)"
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=1).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(1)
PY

rc=0
HV_URL="http://127.0.0.1:$PORT" HV_ARTIFACTS="$ART" HV_CHROMIUM="$CHROMIUM" \
HV_PLAYWRIGHT="$NODE_DIR/node_modules/playwright-core" \
HV_USER_CASES="ui_registrar:ui_registrar-pass-2021" \
HV_USER_VETTING="ui_vetting:ui_vetting-pass-2021" \
HV_USER_SITES="ui_sites:ui_sites-pass-2021" \
HV_USER_PLANNER="ui_planner:ui_planner-pass-2021" \
HV_CASE_QUERY="Mohamad Naseer Ahmadzay" HV_CASE_ID=T-0001 HV_HIT_CASE=T-0003 \
HV_ADVANCE_EVIDENCE="com_application_package:PKG-2021-118" \
HV_SITE_ID="$SITE" HV_CHECKIN_CASE=T-0001 \
  timeout 150 node "$HERE/ui_flow.cjs" || rc=1

# What the pages did is in the audit chain, and the chain is intact.
H audit verify >/dev/null || { echo "FAIL haven audit verify after the browser flow"; rc=1; }
H audit list --json >"$WORK/audit.json"
sqlite3 "$DB" "SELECT p.id FROM person p JOIN hv_case c ON c.id = p.case_id WHERE c.ref = 'T-0001'" \
  >"$WORK/t0001.ids"
sqlite3 "$DB" "SELECT id FROM person WHERE ref = 'T-0003-P01'" >"$WORK/t0003.ids"
python3 - "$WORK" <<'PY' || rc=1
import json, sys, collections
work = sys.argv[1]
log = json.load(open(f"{work}/audit.json"))
seen = collections.Counter((e["actor"], e["action"]) for e in log)
print("audit entries by actor and action:",
      ", ".join(f"{a}/{b}={n}" for (a, b), n in sorted(seen.items()) if a.startswith("ui_")))
def ids(name):
    return {int(x) for x in open(f"{work}/{name}").read().split()}
def read_by(actor):
    return {e["entity_id"] for e in log if e["actor"] == actor and e["action"] == "person.read"}
ok = fail = 0
def check(cond, what):
    global ok, fail
    print(("ok   " if cond else "FAIL ") + what)
    ok, fail = ok + bool(cond), fail + (not cond)
t1 = ids("t0001.ids")
check(t1 and t1 <= read_by("ui_registrar"),
      f"each of T-0001's {len(t1)} people the case officer saw has a person.read audit entry")
check(ids("t0003.ids") <= read_by("ui_vetting"),
      "the vetting officer's read of the hit's person is audited")
check(seen[("ui_registrar", "pipeline.advance")] == 1, "the pipeline step is audited (pipeline.advance)")
check(seen[("ui_vetting", "screening.decide")] == 1, "the hit decision is audited (screening.decide)")
check(seen[("ui_sites", "stay.checkin")] == 1, "the check-in is audited (stay.checkin)")
check(seen[("ui_registrar", "auth.fail")] == 1, "the wrong password is audited (auth.fail)")
check(sum(n for (actor, a), n in seen.items() if actor == "ui_planner" and a.startswith("crossing")) == 1,
      "the crossing status change is audited")
check(seen[("ui_sites", "access.deny")] >= 1,
      "the site manager's refused request for another site's case is audited (access.deny)")
print(f"audit: {ok} passed, {fail} failed")
sys.exit(1 if fail else 0)
PY
exit $rc
