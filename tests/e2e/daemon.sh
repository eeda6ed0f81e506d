# attain serve end to end, on a temporary database and policy directory: hot reload by
# file edit (live within 1 s), a broken edit refused while the old set keeps serving and
# recovery on fixing, SIGHUP and `ctl reload`, an import by another process evaluated at
# the next sweep, a time boundary (a certification passing its 24 hours) picked up with
# no data change, the control socket's error handling and many clients, and SIGTERM
# exiting 0 with the database intact.
. "$(dirname "$0")/lib.bash"

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
"${A[@]}" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
"${A[@]}" serve --every 1s --log-level debug 2> serve.log &
pid=$!
cleanup_daemon() { kill -TERM "$pid" 2>/dev/null || true; }
trap 'cleanup_daemon; rm -rf "$T"' EXIT

ctl() { "${A[@]}" ctl "$@"; }
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p" | head -n 1; }
# wait_for SECONDS COMMAND...: until COMMAND succeeds; prints the milliseconds waited
wait_for() {
  local limit=$1 start now
  shift
  start=$(date +%s%N)
  while ! "$@" >/dev/null 2>&1; do
    now=$(date +%s%N)
    if (((now - start) / 1000000 > limit * 1000)); then return 1; fi
    sleep 0.05
  done
  echo $((($(date +%s%N) - start) / 1000000))
}
served_version() { ctl status | field policy; }
results_version_is() { [ "$(sqlite3 d.db 'SELECT group_concat(DISTINCT policy) FROM result')" == "$1" ]; }

wait_for 10 test -S d.db.sock >/dev/null || fail "the daemon did not start"
v0=$(wait_for 10 sh -c "[ -n \"\$(${A[*]} ctl status | grep '\"policy\":\"')\" ]" >/dev/null; served_version)
wait_for 10 results_version_is "$v0" >/dev/null
expect_eq "the first sweep evaluates every organisation under the serving version" \
  "$(sqlite3 d.db "SELECT count(*) FROM evaluation WHERE policy = '$v0'")" 6
expect_eq "the control socket is mode 0600" "$(stat -c %a d.db.sock)" 600

# A policy edit is live within 1 s: new version serving and in the stored results.
sed -i 's/at_least = 15000/at_least = 16000/' pol/cloud-platform.lua
start=$(date +%s%N)
v1=""
for _ in $(seq 100); do
  v1=$(served_version)
  [ "$v1" != "$v0" ] && results_version_is "$v1" && break
  sleep 0.02
done
ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "an edit is served and stored under a new version" "$(results_version_is "$v1" && [ "$v1" != "$v0" ] && echo yes)" yes
# The 1 s of the daemon issue holds for a normal build; a sanitizer build runs several
# times slower, so scripts/test gives it ATTAIN_TIMING_SCALE.
limit=$((1000 * ${ATTAIN_TIMING_SCALE:-1}))
if [ "$ms" -le "$limit" ]; then pass "... within $limit ms (${ms} ms)"; else fail "... took ${ms} ms (limit $limit)"; fi

# A broken edit is refused; the old set keeps serving; the error names file and line.
printf 'local a = require "attain"\nreturn a.competency {\n  id = "cloud-platform" name = "x",\n}\n' > pol/zz-broken.lua
wait_for 5 sh -c "${A[*]} ctl status | grep -q '\"reloads_failed\":[1-9]'" >/dev/null || fail "the broken edit was not noticed"
st=$(ctl status) && rc=0 || rc=$?
expect_eq "ctl status exits 1 while the last reload has failed (degraded)" "$rc" 1
expect_contains "... saying degraded" "$st" '"health":"degraded"'
expect_contains "the broken set is reported with file:line" "$st" 'pol/zz-broken.lua:3: failed to compile'
expect_eq "the last good set keeps serving" "$(echo "$st" | field policy)" "$v1"
"${A[@]}" eval --org contoso --at 2026-11-25 >/dev/null 2>&1 || true # (a CLI run may see the broken file; the daemon does not)
rm pol/zz-broken.lua
wait_for 5 sh -c "${A[*]} ctl status | grep -q '\"reload\":{\"ok\":true'" >/dev/null || fail "fixing the file did not recover"
expect_eq "fixing the file recovers without a restart" "$(served_version)" "$v1"

# SIGHUP and ctl reload.
sed -i 's/at_least = 16000/at_least = 15000/' pol/cloud-platform.lua
sleep 0.3 # (the watch reloads it too; SIGHUP must work on its own)
kill -HUP "$pid"
wait_for 5 sh -c "[ \"\$(${A[*]} ctl status | sed -n 's/.*\"policy\":\"\([^\"]*\)\".*/\1/p')\" = \"$v0\" ]" >/dev/null
expect_eq "SIGHUP (and the watch) bring back the first version" "$(served_version)" "$v0"
out=$(ctl reload)
expect_contains "ctl reload answers with the result" "$out" "\"ok\":true,\"version\":\"$v0\""
expect_contains "the reload is logged" "$(cat serve.log)" "event=reload result=ok"

# An import by another process is evaluated at the next sweep.
rev_before=$(sqlite3 d.db "SELECT e.rev FROM evaluation e JOIN org o USING (oid) WHERE o.key = 'northwind'")
echo '{"type":"metric","org":"northwind","metric":"azure_consumed_revenue","period":"2026-11","value":50000}' | "${A[@]}" import - >/dev/null
rev_after=$(sqlite3 d.db "SELECT rev FROM org WHERE key = 'northwind'")
wait_for 5 sh -c "[ \"\$(sqlite3 d.db \"SELECT e.rev FROM evaluation e JOIN org o USING (oid) WHERE o.key = 'northwind'\")\" = $rev_after ]" >/dev/null
expect_eq "an import by another process is evaluated at the next sweep" \
  "$(sqlite3 d.db "SELECT e.rev FROM evaluation e JOIN org o USING (oid) WHERE o.key = 'northwind'")" "$rev_after"
[ "$rev_before" != "$rev_after" ] && pass "... (the import changed the revision)" || fail "the import did not change the revision"

# A time boundary: a second certification earned 24 h minus 6 s ago starts counting in 6 s,
# with no data change, and the organisation turns silver.
earned=$(date -u -d '-86394 seconds' +%Y-%m-%dT%H:%M:%SZ)
{
  echo '{"type":"org","id":"tick"}'
  for u in t1 t2; do
    echo "{\"type\":\"user\",\"id\":\"$u\",\"org\":\"tick\",\"joined\":\"2024-01-01\"}"
    echo "{\"type\":\"msa_link\",\"msa\":\"$u@x\",\"user\":\"$u\",\"at\":\"2024-01-02T00:00:00Z\"}"
  done
  echo '{"type":"achievement","msa":"t1@x","code":"AZ-104","kind":"certification","earned":"2024-06-01T00:00:00Z"}'
  echo "{\"type\":\"achievement\",\"msa\":\"t2@x\",\"code\":\"AZ-204\",\"kind\":\"certification\",\"earned\":\"$earned\"}"
  for m in $(seq 0 11); do
    echo "{\"type\":\"metric\",\"org\":\"tick\",\"metric\":\"azure_consumed_revenue\",\"period\":\"$(date -u -d "$(date -u +%Y-%m-15) -$m month" +%Y-%m)\",\"value\":2000}"
  done
} > tick.jsonl
"${A[@]}" import tick.jsonl >/dev/null
level_tick() { sqlite3 d.db "SELECT coalesce((SELECT level FROM result JOIN org USING (oid) WHERE key = 'tick' AND competency = 'cloud-platform'), 'none')"; }
wait_for 3 sh -c "[ -n \"\$(sqlite3 d.db \"SELECT 1 FROM evaluation JOIN org USING (oid) WHERE key = 'tick'\")\" ]" >/dev/null
expect_eq "before its 24 hours the certification does not count" "$(level_tick)" none
revs=$(sqlite3 d.db 'SELECT value FROM meta WHERE key = "data_rev"')
wait_for 15 sh -c "[ \"\$(sqlite3 d.db \"SELECT level FROM result JOIN org USING (oid) WHERE key = 'tick' AND competency = 'cloud-platform'\")\" = silver ]" >/dev/null
expect_eq "after 24 hours it counts, with no data change" "$(level_tick)" silver
expect_eq "... (no import happened)" "$(sqlite3 d.db 'SELECT value FROM meta WHERE key = "data_rev"')" "$revs"

# The control socket: errors get error replies, the daemon goes on, many clients work.
out=$(printf 'this is not json\n' | nc -U -q 1 d.db.sock)
expect_contains "a malformed request gets an error reply" "$out" '"ok":false,"error":"malformed request'
out=$(printf '{"cmd":"fly"}\n' | nc -U -q 1 d.db.sock)
expect_contains "an unknown command gets an error reply" "$out" 'unknown cmd'
out=$(head -c 70000 /dev/zero | tr '\0' 'x' | nc -U -q 1 d.db.sock)
expect_contains "an oversized request gets an error reply" "$out" 'request longer than 65536 bytes'
out=$(printf '{"cmd":"status"}\n{"cmd":"eval","org":"contoso"}\n' | nc -U -q 2 d.db.sock)
expect_eq "pipelined requests get one reply each, in order" "$(echo "$out" | wc -l)" 2
for i in $(seq 20); do ctl status > "c$i.out" & done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
ok=0
for i in $(seq 20); do grep -q '"ok":true' "c$i.out" && ok=$((ok + 1)); done
expect_eq "20 clients at once all get their reply" "$ok" 20
out=$(ctl eval contoso)
expect_contains "ctl eval evaluates one organisation" "$out" '"competency":"cloud-platform","level":"silver"'
set +e
ctl eval nobody >/dev/null; rc=$?
set -e
expect_eq "ctl eval of an unknown organisation fails" "$rc" 1

# SIGTERM: exit 0, handles closed, the database intact.
kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
expect_eq "SIGTERM exits 0" "$rc" 0
expect_eq "the database is intact" "$(sqlite3 d.db 'PRAGMA integrity_check')" ok
expect_eq "the socket is removed" "$(test -e d.db.sock && echo present || echo gone)" gone
expect_contains "the stop is logged" "$(cat serve.log)" "event=stopped code=0"
finish
