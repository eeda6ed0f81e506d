# The host's layers, as the build sees them (docs/architecture.md): data flows store -> facts ->
# Lua layer (sandbox, policies, the facts binding) -> evaluation -> edges. This test reads
# every #include of host/ (transitively, through the project's own headers) and fails when
#   - the Lua layer (sandbox.*, facts_lua.*, policy_*.*) reaches a store header or SQLite;
#   - the store (store*.*) reaches Lua, libuv, jansson or any layer above it;
#   - anything outside the store includes sqlite3.h (SQLite stays behind the store's door).
# Run with --selftest to check that it notices a violation.
#   bash tests/layering.sh HOST_DIR [--selftest]
set -euo pipefail
host=${1:?usage: layering.sh HOST_DIR [--selftest]}

# includes FILE: the headers FILE names, "local.h" as local.h, <sys.h> as <sys.h>
includes() {
  sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\(["<][^">]*[">]\).*/\1/p' "$1" | tr -d '"'
}

# closure FILE: every header FILE reaches, following the project's own headers
closure() {
  local -A seen=()
  local queue=("$1") f h
  while [ ${#queue[@]} -gt 0 ]; do
    f=${queue[0]}
    queue=("${queue[@]:1}")
    for h in $(includes "$f"); do
      [ -n "${seen[$h]:-}" ] && continue
      seen[$h]=1
      echo "$h"
      if [[ $h != \<* ]] && [ -f "$host/$h" ]; then queue+=("$host/$h"); fi
    done
  done
}

check() { # DIR: prints one line per violation
  local dir=$1 f base reached h
  for f in "$dir"/*.c "$dir"/*.h; do
    [ -e "$f" ] || continue
    base=$(basename "$f")
    reached=$(host=$dir closure "$f")
    case $base in
    sandbox.* | facts_lua.* | policy_*.*)
      for h in $reached; do
        case $h in
        store*.h | "<sqlite3.h>" | "<uv.h>") echo "$base (Lua layer) reaches $h" ;;
        esac
      done
      ;;
    store*.*)
      for h in $reached; do
        case $h in
        "<lua.h>" | "<lauxlib.h>" | "<lualib.h>" | "<uv.h>" | "<jansson.h>" | facts*.h | policy*.h | \
          result*.h | eval*.h | lifecycle.h | sandbox.h)
          echo "$base (store) reaches $h" ;;
        esac
      done
      ;;
    *)
      if includes "$f" | grep -qx '<sqlite3.h>'; then echo "$base includes <sqlite3.h> (only the store may)"; fi
      ;;
    esac
  done
}

if [ "${2:-}" = --selftest ]; then
  t=$(mktemp -d)
  trap 'rm -rf "$t"' EXIT
  printf '#include "store_read.h"\n' > "$t/policy_bad.h"
  printf '#include <stdio.h>\n' > "$t/store_read.h"
  printf '#include "policy_bad.h"\n' > "$t/facts_lua.c"
  printf '#include <lua.h>\n' > "$t/store_x.c"
  printf '#include <sqlite3.h>\n' > "$t/cmd_x.c"
  out=$(check "$t")
  expected="cmd_x.c includes <sqlite3.h> (only the store may)
facts_lua.c (Lua layer) reaches store_read.h
policy_bad.h (Lua layer) reaches store_read.h
store_x.c (store) reaches <lua.h>"
  if [ "$(echo "$out" | sort)" != "$expected" ]; then
    printf 'layering self-test failed; got:\n%s\n' "$out"
    exit 1
  fi
  echo "layering self-test: every violation found"
fi

out=$(check "$host")
if [ -n "$out" ]; then
  printf 'layering violations:\n%s\n' "$out"
  exit 1
fi
echo "layering: $(ls "$host"/*.[ch] | wc -l) files, no violation"
