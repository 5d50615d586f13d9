#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `haven audit verify` passes on an untouched database and fails, naming the entry, after an
# audit row is edited or deleted directly in SQLite.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" --db t.db init
expect_rc 0 "$HAVEN" --db t.db import "$DATA/small"
expect_rc 0 "$HAVEN" --db t.db case edit T-0001 risk_level=4
expect_rc 0 "$HAVEN" --db t.db case show T-0001
expect_rc 0 "$HAVEN" --db t.db case edit T-0002 status=closed
expect_rc 0 "$HAVEN" --db t.db audit verify
expect_contains "$out" "audit chain intact: 5 entries"
expect_rc 0 "$HAVEN" --db t.db --json audit verify
expect_contains "$out" '"ok":true'

cp t.db pristine.db
# Edit: make entry 3 claim another actor.
sqlite3 t.db "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3"
expect_rc 2 "$HAVEN" --db t.db audit verify
expect_contains "$out" "BROKEN at entry 3"
expect_rc 2 "$HAVEN" --db t.db --json audit verify
expect_contains "$out" '"bad_seq":3'

# Delete: remove entry 2.
cp pristine.db t.db
sqlite3 t.db "DELETE FROM audit_log WHERE seq = 2"
expect_rc 2 "$HAVEN" --db t.db audit verify
expect_contains "$out" "entry 2"

# Delete the newest entry (the tail).
cp pristine.db t.db
sqlite3 t.db "DELETE FROM audit_log WHERE seq = 5"
expect_rc 2 "$HAVEN" --db t.db audit verify
expect_contains "$out" "BROKEN"

# Change what an edit entry says was changed.
cp pristine.db t.db
sqlite3 t.db "UPDATE audit_log SET detail = 'field=notes' WHERE seq = 3"
expect_rc 2 "$HAVEN" --db t.db audit verify
expect_contains "$out" "BROKEN at entry 3"

# Untouched copy still verifies.
expect_rc 0 "$HAVEN" --db pristine.db audit verify
finish
