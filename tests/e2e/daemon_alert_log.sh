# The daemon's alert log lines with hostile data: organisation, user and MSA ids of ~1,000
# bytes (the importer's limit) holding a newline and a forged key=value line. Regression
# test for a crash (the alert line was formatted into a fixed buffer and copied with the
# untruncated length: SIGSEGV in the periodic sweep and in `ctl eval`) and for log
# injection (ids written unquoted). The alert must be logged, on one line, quoted, with the
# newline escaped; the daemon must stay up; no forged line may appear.
. "$(dirname "$0")/lib.bash"

A=("$ATTAIN" --db d.db --policies "$ATTAIN_SOURCE_DIR/policies")
"${A[@]}" init >/dev/null

long=$(head -c 900 /dev/zero | tr '\0' 'x')
forged='\nts=2026-01-01T00:00:00Z level=error event=stopped code=1'
now=$(date -u +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# org ORG: silver in cloud-platform (two certified people, enough revenue), a silver
# membership bought an hour ago, then one of the two people left half an hour ago: at risk.
org() {
  local o=$1-$long$forged p=$1 m
  echo "{\"type\":\"org\",\"id\":\"$o\"}"
  for u in a b; do
    echo "{\"type\":\"user\",\"id\":\"$p-$u-$long\",\"org\":\"$o\",\"joined\":\"2024-01-01\"}"
    echo "{\"type\":\"msa_link\",\"msa\":\"$p-$u@$long\",\"user\":\"$p-$u-$long\",\"at\":\"2024-01-02T00:00:00Z\"}"
    echo "{\"type\":\"achievement\",\"msa\":\"$p-$u@$long\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2024-06-01T00:00:00Z\"}"
  done
  for m in $(seq 0 11); do
    echo "{\"type\":\"metric\",\"org\":\"$o\",\"metric\":\"azure_consumed_revenue\",\"period\":\"$(date -u -d "$(date -u +%Y-%m-15) -$m month" +%Y-%m)\",\"value\":2000}"
  done
  echo "{\"type\":\"membership\",\"org\":\"$o\",\"competency\":\"cloud-platform\",\"level\":\"silver\",\"bought\":\"$(iso $((now - 3600)))\"}"
  echo "{\"type\":\"user\",\"id\":\"$p-a-$long\",\"left\":\"$(iso $((now - 1800)))\"}"
}
org first > first.jsonl
org second > second.jsonl
"${A[@]}" import first.jsonl >/dev/null

"${A[@]}" serve --every 1h 2> serve.log &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 200); do grep -q 'event=alert' serve.log && break; sleep 0.05; done
expect_contains "the first sweep logs the alert of a ~1,000-byte organisation id" \
  "$(grep 'event=alert' serve.log)" 'action=raised org="first-xxx'
kill -0 "$pid" 2>/dev/null && pass "... and the daemon is still up" || fail "the daemon died in the sweep"

"${A[@]}" import second.jsonl >/dev/null
out=$("${A[@]}" ctl eval "$(printf "second-%s\nts=2026-01-01T00:00:00Z level=error event=stopped code=1" "$long")")
expect_contains "ctl eval of such an organisation answers" "$out" '"ok":true'
kill -0 "$pid" 2>/dev/null && pass "... and the daemon is still up" || fail "the daemon died in ctl eval"
expect_eq "both alerts are logged" "$(grep -c 'event=alert action=raised' serve.log)" 2
line=$(grep 'event=alert' serve.log | tail -n 1)
expect_contains "the newline of the id is escaped inside the quoted value" "$line" \
  'xxx\nts=2026-01-01T00:00:00Z level=error event=stopped code=1'
expect_contains "the cause names the person who left" "$line" 'cause="user second-a-xxx'
expect_eq "no forged line reached the log" "$(grep -c '^ts=2026-01-01T00:00:00Z' serve.log)" 0
expect_eq "every log line starts with ts=" "$(grep -vc '^ts=' serve.log)" 0

kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
expect_eq "SIGTERM exits 0" "$rc" 0
expect_eq "exactly one stopped line, the real one" "$(grep -Ec '^ts=[^ ]+ level=[a-z]+ event=stopped' serve.log)" 1
finish
