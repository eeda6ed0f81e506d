# SIGTERM in the middle of a sweep: attain serve exits 0, the database is intact and
# holds only whole chunks (every stored evaluation has all its results), and a
# restart picks up where it stopped: the first sweep evaluates what was left.
. "$(dirname "$0")/lib.bash"

lua5.4 "$ATTAIN_SOURCE_DIR/tests/bench/gen.lua" --orgs 6000 --seed 7 > facts.jsonl 2>/dev/null
A=("$ATTAIN" --db d.db --policies "$ATTAIN_SOURCE_DIR/policies")
"${A[@]}" init >/dev/null
"${A[@]}" import --quiet facts.jsonl
orgs=$(sqlite3 d.db 'SELECT count(*) FROM org')

start_daemon() {
  "${A[@]}" serve --every 1h --workers 1 2>> serve.log &
  pid=$!
  for _ in $(seq 200); do [ -S d.db.sock ] && break; sleep 0.02; done
}
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT

start_daemon
# The start-up sweep (everything is due) is under way: stop it in the middle.
for _ in $(seq 500); do
  done_orgs=$(sqlite3 d.db 'SELECT count(*) FROM evaluation' 2>/dev/null || echo 0)
  [ "$done_orgs" -gt 0 ] && break
  sleep 0.01
done
kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
expect_eq "SIGTERM during a sweep exits 0" "$rc" 0
expect_eq "the database is intact" "$(sqlite3 d.db 'PRAGMA integrity_check')" ok
stopped_at=$(sqlite3 d.db 'SELECT count(*) FROM evaluation')
if [ "$stopped_at" -gt 0 ] && [ "$stopped_at" -lt "$orgs" ]; then
  pass "the sweep was stopped part-way ($stopped_at of $orgs organisations)"
else
  fail "the sweep was not stopped part-way ($stopped_at of $orgs): the test did not test"
fi
# Whole chunks: the results stored for the organisations evaluated are exactly those a
# complete evaluation at the same time gives them (level none is no row, so a count
# per organisation would not tell).
sqlite3 d.db ".backup c.db"
at=$(sqlite3 d.db 'SELECT DISTINCT at FROM evaluation')
"$ATTAIN" --db c.db --policies "$ATTAIN_SOURCE_DIR/policies" eval --at "$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
diff_rows() { # FROM-DB MINUS-DB
  sqlite3 d.db "ATTACH 'c.db' AS c; SELECT count(*) FROM (
    SELECT oid, competency, level, error FROM $1.result WHERE oid IN (SELECT oid FROM main.evaluation)
    EXCEPT SELECT oid, competency, level, error FROM $2.result WHERE oid IN (SELECT oid FROM main.evaluation))"
}
expect_eq "only whole chunks were stored: the evaluated organisations' results are complete" \
  "$(diff_rows main c)/$(diff_rows c main)" 0/0
stored=$(sqlite3 d.db 'SELECT count(*) FROM result')
if [ "$stored" -gt 0 ]; then pass "... ($stored results compared)"; else fail "no result to compare"; fi
expect_contains "the stop is logged" "$(cat serve.log)" "event=stopping signal=TERM running=due"

start_daemon
for _ in $(seq 1000); do
  [ "$(sqlite3 d.db 'SELECT count(*) FROM evaluation')" -eq "$orgs" ] && break
  sleep 0.02
done
expect_eq "a restart picks up where it stopped" "$(sqlite3 d.db 'SELECT count(*) FROM evaluation')" "$orgs"
"$ATTAIN" --db c.db --policies "$ATTAIN_SOURCE_DIR/policies" eval --at "$(date -u -d "@$(sqlite3 d.db 'SELECT max(at) FROM evaluation')" +%Y-%m-%dT%H:%M:%SZ)" >/dev/null
expect_eq "... and every result is there" "$(sqlite3 d.db 'SELECT count(*) FROM result')" \
  "$(sqlite3 c.db 'SELECT count(*) FROM result')"
kill -TERM "$pid"
wait "$pid" || true
finish
