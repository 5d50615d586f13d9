#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job on a fresh Debian machine: install what is missing, build Haven, and load the
# 2021 founding scenario into a fresh embedded SQLite database (demo/haven.db), print a
# summary of what it holds, and serve the API and browser UI on it (URL and demo logins
# printed; Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" --target haven
mkdir -p demo
rm -f demo/haven.db demo/haven.db-wal demo/haven.db-shm demo/haven.db.key
build/release/haven --db demo/haven.db init
build/release/haven --db demo/haven.db demo --out demo/scenario
build/release/haven --db demo/haven.db status
echo
echo "Try:  build/release/haven --db demo/haven.db case list --limit 5"
echo "      build/release/haven --db demo/haven.db person find mohammad --limit 3"
echo "      build/release/haven --db demo/haven.db report backlog --as-of 2021-08-31"
echo "      build/release/haven --db demo/haven.db site list"
# Last: the API and the browser UI on the demo database, with one demo login per role
# (HAVEN_NO_SERVE=1 skips it, e.g. in scripts; HAVEN_LISTEN changes the address).
if [ -z "${HAVEN_NO_SERVE:-}" ]; then
  echo
  exec build/release/haven --db demo/haven.db serve --demo-users \
    --listen "${HAVEN_LISTEN:-127.0.0.1:8080}"
fi
