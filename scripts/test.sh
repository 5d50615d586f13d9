#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every test: unit, end-to-end (CLI), fuzz-corpus replays; once in a normal build with
# warnings as errors, once under AddressSanitizer + UndefinedBehaviorSanitizer, once under
# ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc)
scripts/checksrc.sh
status=0
# The import runs a producer thread: ThreadSanitizer checks it (and anything threaded later).
for flavour in release asan tsan; do
  dir=build/test-$flavour
  opts=(-DHV_WERROR=ON)
  if [ "$flavour" = asan ]; then
    opts+=(-DHV_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=Debug)
  elif [ "$flavour" = tsan ]; then
    opts+=(-DHV_SANITIZE=thread -DCMAKE_BUILD_TYPE=RelWithDebInfo)
  else
    opts+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
  fi
  echo "== $flavour build"
  cmake -S . -B "$dir" "${opts[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs"
  echo "== $flavour tests"
  ASAN_OPTIONS=detect_leaks=1 TSAN_OPTIONS=halt_on_error=1 \
    ctest --test-dir "$dir" -j"$jobs" --output-on-failure || status=1
done
exit $status
