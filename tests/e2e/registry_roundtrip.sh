#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# import -> find -> edit -> export (CSV and JSON) -> re-import into a fresh database gives
# identical exports; re-importing is idempotent.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" --db a.db init
expect_rc 0 "$HAVEN" --db a.db import "$DATA/small"
expect_rc 0 "$HAVEN" --db a.db --json status
expect_contains "$out" '"cases":3'
expect_contains "$out" '"people":6'
expect_contains "$out" '"documents":4'

# Idempotent: the same import again changes nothing.
expect_rc 0 "$HAVEN" --db a.db --json import "$DATA/small"
expect_contains "$out" '"people":{"created":0,"updated":0,"unchanged":6,"rejected":0}'

# Find by name (case-insensitive), by native script, and by document number.
expect_rc 0 "$HAVEN" --db a.db person find mohammad nasir
expect_contains "$out" "T-0001-P01"
expect_rc 0 "$HAVEN" --db a.db --json person find نورالله
expect_contains "$out" '"ref":"T-0003-P01"'
expect_rc 0 "$HAVEN" --db a.db person find --doc "1400 0101 12345"
expect_contains "$out" "T-0001-P01"
expect_rc 4 "$HAVEN" --db a.db person find nobody-like-this

# Correct a field; the change is validated and audited.
expect_rc 0 "$HAVEN" --db a.db person edit T-0001-P02 birth_date=1990-03-12
expect_rc 2 "$HAVEN" --db a.db person edit T-0001-P02 birth_date=1990-02-31
expect_contains "$err" "birth_date"
expect_rc 0 "$HAVEN" --db a.db case edit T-0002 risk_level=4 status=on_hold
expect_rc 0 "$HAVEN" --db a.db --json case show T-0002
expect_contains "$out" '"risk_level": 4'
expect_contains "$out" '"status": "on_hold"'
expect_rc 0 "$HAVEN" --db a.db audit list
expect_contains "$out" "person.edit"
expect_contains "$out" "case.read"

# Export both ways, re-import each into a fresh database, export again: identical.
expect_rc 0 "$HAVEN" --db a.db export --format csv --out exp1
expect_rc 0 "$HAVEN" --db a.db export --format json --out exp1.json
expect_rc 0 "$HAVEN" --db b.db init
expect_rc 0 "$HAVEN" --db b.db import exp1
expect_rc 0 "$HAVEN" --db b.db export --format csv --out exp2
if diff -r exp1 exp2 >/dev/null; then ok; else bad "CSV round trip differs"; fi
expect_rc 0 "$HAVEN" --db c.db init
expect_rc 0 "$HAVEN" --db c.db import exp1.json
expect_rc 0 "$HAVEN" --db c.db export --format json --out exp3.json
if cmp -s exp1.json exp3.json; then ok; else bad "JSON round trip differs"; fi
expect_rc 0 "$HAVEN" --db c.db export --format csv --out exp3
if diff -r exp1 exp3 >/dev/null; then ok; else bad "JSON import differs from CSV export"; fi

# Sealed export: no plaintext, and it re-imports into a database sharing the key file.
expect_rc 0 "$HAVEN" --db a.db export --sealed --out sealed.bin
if grep -q "Ahmadzai\|1400-0101\|Nasir" sealed.bin; then bad "sealed export has plaintext"; else ok; fi
expect_rc 0 "$HAVEN" --db d.db --key-file a.db.key init --reuse-key
expect_rc 0 "$HAVEN" --db d.db --key-file a.db.key import sealed.bin
expect_rc 0 "$HAVEN" --db d.db --key-file a.db.key export --format csv --out exp4
if diff -r exp1 exp4 >/dev/null; then ok; else bad "sealed round trip differs"; fi
# Another database's key cannot open it.
expect_rc 7 "$HAVEN" --db b.db import sealed.bin

# Dry run writes nothing.
expect_rc 0 "$HAVEN" --db e.db init
expect_rc 0 "$HAVEN" --db e.db import --dry-run "$DATA/small"
expect_rc 0 "$HAVEN" --db e.db --json status
expect_contains "$out" '"cases":0'

finish
