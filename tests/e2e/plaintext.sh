#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# After importing the demo, no name, birth date or document number of any person appears in
# plaintext in the database file, its WAL, or a sealed export; with the key shredded nothing
# can be read back.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" demo --no-import --out scen
expect_rc 0 "$HAVEN" --db t.db init
# Import, and keep a copy of the WAL before any checkpoint folds it into the file.
expect_rc 0 "$HAVEN" --db t.db import scen
cp t.db snapshot.db; [ -e t.db-wal ] && cp t.db-wal snapshot.db-wal
expect_rc 0 "$HAVEN" --db t.db export --sealed --out sealed.bin
files=(t.db snapshot.db sealed.bin)
[ -e snapshot.db-wal ] && files+=(snapshot.db-wal)
[ -e t.db-wal ] && files+=(t.db-wal)
python3 "$HV_SOURCE_DIR/tests/e2e/plaintext_check.py" scen "${files[@]}"
if [ $? -eq 0 ]; then ok; else bad "plaintext found (see above)"; fi
# The checker itself must find plaintext where there is some.
expect_rc 0 "$HAVEN" --db t.db export --format json --out clear.json
python3 "$HV_SOURCE_DIR/tests/e2e/plaintext_check.py" scen clear.json >/dev/null 2>&1
if [ $? -ne 0 ]; then ok; else bad "the checker missed plaintext in a clear export"; fi

expect_rc 0 "$HAVEN" --db t.db key shred --yes
expect_rc 7 "$HAVEN" --db t.db person find mohammad
expect_rc 7 "$HAVEN" --db t.db export --format json --out after.json
expect_rc 7 "$HAVEN" --db t.db import sealed.bin
finish
