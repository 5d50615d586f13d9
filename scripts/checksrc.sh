#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when src/ uses a banned function (STYLE.md C6) or a third-party header outside the
# one place DESIGN.md allows it.
set -uo pipefail
cd "$(dirname "$0")/.."
fail=0
banned=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|strncpy|strncat|atoi|atol|atof|alloca|system|tmpnam|mktemp|rand|localtime|gmtime)\s*\(' src | grep -vE '(snprintf|vsnprintf|_r\s*\()' )
if [ -n "$banned" ]; then echo "banned functions:"; echo "$banned"; fail=1; fi
leaks=$( { grep -rlE '#include [<"](sqlite3|libpq-fe)\.h' src | grep -v '^src/lib/store/';
           grep -rlE '#include [<"]microhttpd\.h' src | grep -v '^src/server/';
           grep -rlE '#include [<"]sodium\.h' src | grep -vE '^src/lib/(vault|access)/';
           grep -rlE '#include [<"]jansson\.h' src | grep -vE '_json\.c$|^src/server/';
           grep -rlE '#include [<"]libxml/' src | grep -vE '^src/lib/screening/.*_xml\.c$';
           grep -rlE '#include [<"]unicode/' src | grep -v '^src/lib/names/';
           grep -rlE '#include [<"](coin/|Cbc|Clp|Coin|Osi|glpk)' src |
             grep -v '^src/lib/placement/backend_cbc\.c$'; } )
if [ -n "$leaks" ]; then echo "third-party header outside its module:"; echo "$leaks"; fail=1; fi
# Formatting (.clang-format): only files git tracks, so work in progress does not trip it.
if command -v clang-format >/dev/null; then
  unformatted=$(git ls-files 'src/*.c' 'src/*.h' 'include/*.h' 'tests/*.c' 'tests/*.h' 'bench/*.c' |
                xargs clang-format --dry-run 2>&1 | grep -o '^[^:]*:[0-9]*' | cut -d: -f1 | sort -u)
  if [ -n "$unformatted" ]; then echo "not clang-formatted (run clang-format -i):"; echo "$unformatted"; fail=1; fi
fi
[ $fail -eq 0 ] && echo "checksrc: ok"
exit $fail
