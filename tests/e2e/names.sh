#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `haven names`: Arabic-script and Latin spellings of one name meet; different names do not.
source "$(dirname "$0")/lib.sh"

score() { "$HAVEN" names compare "$1" "$2" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["score"])'; }
above() { python3 -c "import sys; sys.exit(0 if $1 >= $2 else 1)" && ok || bad "$3: $1 < $2"; }
below() { python3 -c "import sys; sys.exit(0 if $1 < $2 else 1)" && ok || bad "$3: $1 >= $2"; }

above "$(score 'محمد نصیر' 'Mohammad Nasir')" 0.9 "native vs Latin"
above "$(score 'Muhammad Nasir' 'Mohd Naseer')" 0.8 "transliteration variants"
above "$(score 'Haji Abdulrahman' 'Abdul Rahman')" 0.9 "honorific and joined compound"
above "$(score 'Ahmadzai Noorullah' 'Noor Ullah Ahmadzay')" 0.85 "order, split, -zai/-zay"
below "$(score 'Mohammad Nasir' 'Mohammad Karim')" 0.5 "different second name"
below "$(score 'Zabihullah' 'Habibullah')" 0.6 "different -ullah name"
expect_rc 0 "$HAVEN" names normalize "Mullah Abdul Ghani"
expect_contains "$out" "title, optional"
expect_rc 0 "$HAVEN" names compare --help
expect_rc 1 "$HAVEN" names compare onlyone
finish
