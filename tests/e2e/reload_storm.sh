# A reload storm while sweeps run: 300 policy edits — good edits (new versions), broken
# files, torn writes (a file cut short, completed a moment later), renames of a policy
# out of the directory and back, editor-style write-and-rename — with SIGHUP, `ctl
# reload` and `ctl sweep` in between. The daemon never crashes, every result and
# evaluation row names a version the daemon logged as served (never one that was refused
# or never loaded), and after the storm the good set serves and every organisation is
# evaluated under it.
. "$(dirname "$0")/lib.bash"

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
cp pol/cloud-platform.lua good-cloud.lua
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
lua5.4 "$ATTAIN_SOURCE_DIR/tests/bench/gen.lua" --orgs 500 --seed 3 2>/dev/null | "${A[@]}" import --quiet -
"${A[@]}" serve --every 100ms 2> serve.log &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 200); do "${A[@]}" ctl status 2>/dev/null | grep -q '"policy":"' && break; sleep 0.05; done

served() { sed -n 's/.* event=reload result=ok .*version=\([0-9a-f]*\).*/\1/p' serve.log | sort -u; }
# Versions in the database that the daemon never served (empty: none).
unserved() {
  comm -23 <(sqlite3 d.db 'SELECT DISTINCT policy FROM result UNION SELECT DISTINCT policy FROM evaluation' | sort -u) <(served)
}

size=$(wc -c < good-cloud.lua)
checks=0
bad=0
for i in $(seq 300); do
  case $((i % 8)) in
    0) sed -i "s/at_least = [0-9]*000 }/at_least = $((15 + i % 5))000 }/" pol/cloud-platform.lua ;;
    1) printf 'local a = require "attain"\nreturn a.competency {\n  id = "zz" name = "x",\n}\n' > pol/zz-broken.lua ;;
    2) rm -f pol/zz-broken.lua ;;
    3) head -c $((RANDOM % size)) good-cloud.lua > pol/cloud-platform.lua  # torn
       sleep 0.0$((RANDOM % 3))
       cp good-cloud.lua pol/cloud-platform.lua ;;
    4) mv pol/devops.lua devops.lua.away ;;
    5) mv devops.lua.away pol/devops.lua ;;
    6) sed "s/at_least = 15000 }/at_least = $((15 + i % 3))500 }/" good-cloud.lua > pol/.cloud.tmp
       mv pol/.cloud.tmp pol/cloud-platform.lua ;;  # an editor's write-and-rename
    7) echo 'return {' > pol/zz-torn.lua; sleep 0.01; rm -f pol/zz-torn.lua ;;
  esac
  if [ $((i % 10)) = 0 ]; then kill -HUP "$pid"; fi
  if [ $((i % 15)) = 0 ]; then "${A[@]}" ctl reload >/dev/null 2>&1 || true; fi
  if [ $((i % 25)) = 0 ]; then "${A[@]}" ctl sweep >/dev/null 2>&1 || true; fi
  if [ $((i % 12)) = 0 ]; then sleep 0.25; fi # quiet enough for the 150 ms debounce
  if [ $((i % 50)) = 0 ]; then
    checks=$((checks + 1))
    u=$(unserved)
    if [ -n "$u" ]; then bad=$((bad + 1)); fail "after $i edits: stored versions never served: $u"; fi
  fi
  kill -0 "$pid" 2>/dev/null || { fail "the daemon died after $i edits"; break; }
done
expect_eq "300 edits: the daemon is alive and no stored version was never served ($checks checks)" "$bad" 0
reloads=$(grep -c 'event=reload result=' serve.log || true)
refused=$(grep -c 'event=reload result=failed' serve.log || true)
pass "... ($reloads reloads, $refused refused, $(served | wc -l) versions served)"

# Settle: the good set back, reloaded; every organisation evaluated under it.
cp good-cloud.lua pol/cloud-platform.lua
rm -f pol/zz-*.lua
[ -f devops.lua.away ] && mv devops.lua.away pol/devops.lua
out=$("${A[@]}" ctl reload)
expect_contains "after the storm the good set reloads" "$out" '"ok":true'
v=$(echo "$out" | sed -n 's/.*"serving":"\([0-9a-f]*\)".*/\1/p')
expect_eq "... the same version as at the start" "$v" "$(sed -n 's/.* event=reload result=ok trigger=start version=\([0-9a-f]*\).*/\1/p' serve.log)"
settled() { [ "$(sqlite3 d.db "SELECT count(*) FROM evaluation WHERE policy != '$v'")" = 0 ]; }
for _ in $(seq $((100 * ${ATTAIN_TIMING_SCALE:-1}))); do settled && break; sleep 0.1; done
settled && pass "... and every organisation is evaluated under it" || fail "not every organisation was re-evaluated under $v"
expect_eq "no stored version was never served" "$(unserved)" ""
expect_eq "no sweep failed" "$(grep -c 'event=sweep.*failure=' serve.log || true)" 0
kill -TERM "$pid"
wait "$pid"
expect_eq "the daemon exits 0" "$?" 0
finish
