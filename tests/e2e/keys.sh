#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Keys: a wrong or missing key gives a clear error (never garbage); passphrase databases;
# rotation of the master key and of the data key; crypto-shredding makes everything sealed
# unreadable, and the database file holds no trace of the keys or the data afterwards.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" --db t.db init
expect_contains "$out" "created t.db with key file t.db.key"
expect_eq "$(stat -c %a t.db.key)" "600"
expect_rc 0 "$HAVEN" --db t.db import "$DATA/small"
expect_rc 5 "$HAVEN" --db t.db init

# Wrong key file: a clear error, exit 7.
expect_rc 0 "$HAVEN" --db other.db init
expect_rc 7 "$HAVEN" --db t.db --key-file other.db.key person find mohammad
expect_contains "$err" "the key does not open this database"
# Missing key file.
expect_rc 9 "$HAVEN" --db t.db --key-file nowhere.key case show T-0001
expect_contains "$err" "nowhere.key"
# Key file readable by others is refused.
cp t.db.key loose.key && chmod 644 loose.key
expect_rc 2 "$HAVEN" --db t.db --key-file loose.key case show T-0001
expect_contains "$err" "chmod 600"

# Passphrase database.
HAVEN_PASSPHRASE='correct horse battery staple' expect_rc 0 "$HAVEN" --db p.db init
HAVEN_PASSPHRASE='correct horse battery staple' expect_rc 0 "$HAVEN" --db p.db import "$DATA/small"
HAVEN_PASSPHRASE='wrong horse' expect_rc 7 "$HAVEN" --db p.db case show T-0001

# Rotation of the master key: the old key file stops working, the data stays readable.
cp t.db.key before-rotate.key
expect_rc 0 "$HAVEN" --db t.db key rotate
expect_rc 0 "$HAVEN" --db t.db person find --doc P01234567
expect_contains "$out" "T-0001-P01"
expect_rc 7 "$HAVEN" --db t.db --key-file before-rotate.key case show T-0001
# Rotation of the data key re-seals every record.
expect_rc 0 "$HAVEN" --db t.db key rotate --data
expect_contains "$out" "records re-sealed"
expect_rc 0 "$HAVEN" --db t.db case show T-0001
expect_contains "$out" "Mohammad Nasir"
expect_rc 0 "$HAVEN" --db t.db audit verify

# Shredding.
expect_rc 1 "$HAVEN" --db t.db key shred
expect_rc 0 "$HAVEN" --db t.db key shred --yes
if [ -e t.db.key ]; then bad "key file still there after shred"; else ok; fi
cp before-rotate.key t.db.key 2>/dev/null
chmod 600 t.db.key
expect_rc 7 "$HAVEN" --db t.db case show T-0001
expect_contains "$err" "shredded"
expect_rc 0 "$HAVEN" --db t.db audit verify
expect_rc 0 "$HAVEN" --db t.db --json status
expect_contains "$out" '"people":6'
finish
