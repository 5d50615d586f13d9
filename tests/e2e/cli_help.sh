#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every command explains itself with --help (exit 0, a usage line), and misuse gets exit 1
# with a pointer to the help; unknown commands and missing databases are clear.
source "$(dirname "$0")/lib.sh"

expect_rc 0 "$HAVEN" --help
expect_contains "$out" "usage: haven"
expect_contains "$out" "exit codes"
for cmd in init demo import export case person audit key status site crossing move workflow \
           report dedup lists screen hits names place forecast serve user; do
  expect_rc 0 "$HAVEN" "$cmd" --help
  expect_contains "$out" "usage: haven $cmd"
done
expect_rc 1 "$HAVEN"
expect_rc 1 "$HAVEN" frobnicate
expect_contains "$err" 'unknown command "frobnicate"'
expect_rc 1 "$HAVEN" import
expect_contains "$err" "see haven import --help"
expect_rc 1 "$HAVEN" export --format xml --out x
expect_rc 1 "$HAVEN" case show
expect_rc 1 "$HAVEN" --db
expect_rc 4 "$HAVEN" --db missing.db status
expect_contains "$err" "no database at missing.db"
expect_rc 0 "$HAVEN" --version
# HAVEN_DB is honoured.
expect_rc 0 "$HAVEN" --db env.db init
HAVEN_DB=env.db expect_rc 0 "$HAVEN" --json status
expect_contains "$out" '"db":"env.db"'
finish
