# SPDX-License-Identifier: Apache-2.0
# Helpers for the end-to-end tests: each test sources this, runs the real `haven` binary in a
# scratch directory, and ends with `finish`, which prints the "N passed, N failed" line.
set -uo pipefail
: "${HAVEN:?HAVEN must point at the haven binary}"
HV_SOURCE_DIR=${HV_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
DATA="$HV_SOURCE_DIR/tests/e2e/data"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/haven-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export HAVEN_ACTOR=e2e
unset HAVEN_DB HAVEN_KEY_FILE HAVEN_PASSPHRASE
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect_rc CODE CMD...: runs CMD, checks its exit code; output in $out, errors in $err.
expect_rc() {
  local want=$1; shift
  "$@" >"$WORK/.out" 2>"$WORK/.err"
  local rc=$?
  out=$(cat "$WORK/.out"); err=$(cat "$WORK/.err")
  if [ "$rc" -eq "$want" ]; then ok; else bad "exit $rc (want $want): $* -- $err"; fi
}

# expect_contains HAYSTACK NEEDLE
expect_contains() {
  case "$1" in *"$2"*) ok ;; *) bad "expected \"$2\" in: $1" ;; esac
}

expect_eq() {
  if [ "$1" = "$2" ]; then ok; else bad "expected \"$2\", got \"$1\""; fi
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

# A fingerprint of everything a database holds that a user can see, plus its audit length.
snapshot() {
  local db=$1
  {
    "$HAVEN" --db "$db" export --format json --out - 2>/dev/null
    sqlite3 "$db" "SELECT count(*) FROM audit_log WHERE action <> 'export'"
  } | sha256sum
}
