# The daemon and another process writing to the same database (docs/daemon.md, "Sharing
# the database"): while something else holds the write lock (here the sqlite3 CLI in an
# open transaction, as a long import would), a sweep stops at once instead of waiting per
# chunk, is deferred and retried with backoff (logged as deferred, not as a failure), and a
# ctl eval is answered promptly with "database busy"; once the lock is released the
# deferred sweep completes.
. "$(dirname "$0")/lib.bash"

A=("$ATTAIN" --db d.db --policies "$ATTAIN_SOURCE_DIR/policies")
"${A[@]}" init >/dev/null
"${A[@]}" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
"${A[@]}" serve --every 1s 2> serve.log &
pid=$!
mkfifo lock.fifo
cleanup() {
  exec 3>&- 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || true
}
trap 'cleanup; rm -rf "$T"' EXIT
for _ in $(seq 200); do grep -q 'event=sweep kind=due' serve.log && break; sleep 0.05; done
expect_contains "the first sweep ran" "$(cat serve.log)" "event=sweep kind=due"

# Another process takes the write lock and keeps it.
sqlite3 d.db < lock.fifo > /dev/null 2>&1 &
exec 3> lock.fifo
echo "BEGIN IMMEDIATE;" >&3
echo "INSERT INTO meta(key, value) VALUES ('held', 1);" >&3
for _ in $(seq 100); do
  [ "$(sqlite3 -cmd '.timeout 1' d.db 'BEGIN IMMEDIATE; ROLLBACK;' 2>&1)" != "" ] && break
  sleep 0.05
done

"${A[@]}" ctl sweep >/dev/null
start=$(date +%s%N)
set +e
out=$("${A[@]}" ctl eval contoso); rc=$?
set -e
ms=$((($(date +%s%N) - start) / 1000000))
expect_eq "ctl eval while the database is busy fails" "$rc" 1
expect_contains "... saying so plainly" "$out" '"busy":true,"error":"database busy: another process is writing to it (an import?); retry shortly"'
limit=$((10000 * ${ATTAIN_TIMING_SCALE:-1}))
if [ "$ms" -le "$limit" ]; then pass "... promptly (${ms} ms)"; else fail "... after ${ms} ms (limit $limit)"; fi
for _ in $(seq 100); do grep -q 'result=deferred' serve.log && break; sleep 0.05; done
expect_contains "the full sweep is deferred, not failed" "$(grep 'kind=full' serve.log | head -n 1)" \
  'result=deferred reason="database busy (an import is writing?)"'
expect_eq "no sweep is logged as an error for waiting" "$(grep -c 'level=error event=sweep' serve.log)" 0
expect_eq "no store error text reaches the log" "$(grep -c 'database is locked' serve.log)" 0

# The lock goes away: the deferred sweep completes.
echo "ROLLBACK;" >&3
exec 3>&-
for _ in $(seq 400); do grep -q 'level=info event=sweep kind=full at=[^ ]* orgs=6' serve.log && break; sleep 0.05; done
expect_contains "once the database is free, the deferred full sweep completes" "$(cat serve.log)" \
  "level=info event=sweep kind=full"
out=$("${A[@]}" ctl eval contoso)
expect_contains "and ctl eval answers again" "$out" '"ok":true'
kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
expect_eq "SIGTERM exits 0" "$rc" 0
finish
