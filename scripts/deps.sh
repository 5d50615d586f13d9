#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages Haven needs to build and test, when any is missing.
set -euo pipefail
pkgs=(build-essential cmake pkg-config clang-format
      libsqlite3-dev sqlite3 libsodium-dev libjansson-dev libicu-dev libxml2-dev python3 libmicrohttpd-dev
      coinor-libcbc-dev
      chromium nodejs)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm for the browser tests' playwright-core: a Node.js build that ships its own npm conflicts
# with Debian's npm package, so it is asked for only when there is no npm command.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Fuzzing with libFuzzer (optional, not part of the tests) also needs: clang libclang-rt-14-dev
