# The daemon re-evaluates when an event dated in the future takes effect, or when the
# program learns of one ("known"), with no data change — as it does when a 24-hour wait
# ends (tests/e2e/daemon.sh). Two organisations in Cloud Platform, each with a silver
# membership in force: for "ann", a departure a month away is announced a few seconds
# from now (then the renewal projection puts the membership at risk: "will leave"); for
# "due", a departure dated a few seconds from now (then it is at risk now: "left").
. "$(dirname "$0")/lib.bash"

A=("$ATTAIN" --db d.db --policies "$ATTAIN_SOURCE_DIR/policies")
"${A[@]}" init >/dev/null
scale=${ATTAIN_TIMING_SCALE:-1}
now=$(date -u +%s)
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
soon=$((now + 4 * scale))
org() { # ORG LEFT KNOWN
  local o=$1 m
  echo "{\"type\":\"org\",\"id\":\"$o\"}"
  for u in a b; do
    echo "{\"type\":\"user\",\"id\":\"$o-$u\",\"org\":\"$o\",\"joined\":\"2024-01-01\"}"
    echo "{\"type\":\"msa_link\",\"msa\":\"$o-$u@x\",\"user\":\"$o-$u\",\"at\":\"2024-01-02T00:00:00Z\"}"
    echo "{\"type\":\"achievement\",\"msa\":\"$o-$u@x\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2024-06-01T00:00:00Z\"}"
  done
  for m in $(seq 0 11); do
    echo "{\"type\":\"metric\",\"org\":\"$o\",\"metric\":\"azure_consumed_revenue\",\"period\":\"$(date -u -d "$(date -u +%Y-%m-15) -$m month" +%Y-%m)\",\"value\":2000}"
  done
  echo "{\"type\":\"membership\",\"org\":\"$o\",\"competency\":\"cloud-platform\",\"level\":\"silver\",\"bought\":\"$(iso $((now - 3600)))\"}"
  echo "{\"type\":\"user\",\"id\":\"$o-b\",\"left\":\"$2\"${3:+,\"known\":\"$3\"}}"
}
# (A membership bought in the last hour of a year would end before the departure; the
# test is not meant to run then.)
left_later=$((now + 30 * 86400))
[ "$(date -u -d "@$left_later" +%Y)" = "$(date -u -d "@$now" +%Y)" ] || left_later=$((now + 3600))
{
  org ann "$(iso "$left_later")" "$(iso "$soon")"
  org due "$(iso "$soon")"
} > f.jsonl
"${A[@]}" import f.jsonl >/dev/null

"${A[@]}" serve --every 1s 2> serve.log &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT
state() { sqlite3 d.db "SELECT coalesce((SELECT state FROM status JOIN org USING (oid) WHERE key = '$1' AND competency = 'cloud-platform'), 'none')"; }
for _ in $(seq 100); do [ "$(state ann)" != none ] && [ "$(state due)" != none ] && break; sleep 0.05; done
expect_eq "before it is known, the departure changes nothing (ann)" "$(state ann)" active
expect_eq "before its date, the departure changes nothing (due)" "$(state due)" active
revs=$(sqlite3 d.db 'SELECT value FROM meta WHERE key = "data_rev"')
limit=$((10 * scale))
for _ in $(seq $((limit * 20))); do
  [ "$(state ann)" = at_risk ] && [ "$(state due)" = at_risk ] && break
  sleep 0.05
done
expect_eq "once it is known, the projection puts ann at risk, with no data change" "$(state ann)" at_risk
expect_eq "once it is dated, due is at risk, with no data change" "$(state due)" at_risk
expect_eq "... (no import happened)" "$(sqlite3 d.db 'SELECT value FROM meta WHERE key = "data_rev"')" "$revs"
expect_contains "ann's alert says who will leave" \
  "$(sqlite3 d.db "SELECT cause FROM alert JOIN org USING (oid) WHERE key = 'ann'")" \
  "user ann-b will leave on $(date -u -d "@$left_later" +%Y-%m-%d); AZ-104 held by ann-b will no longer count"
expect_contains "due's alert says who left" \
  "$(sqlite3 d.db "SELECT cause FROM alert JOIN org USING (oid) WHERE key = 'due'")" \
  "user due-b left on $(date -u -d "@$soon" +%Y-%m-%d); AZ-104 held by due-b no longer counts"
kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
expect_eq "SIGTERM exits 0" "$rc" 0
finish
