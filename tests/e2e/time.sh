# What is known as of T, end to end (docs/eval.md): a year of one organisation in Cloud
# Platform (silver "consumption": 2 certified people among AZ-104/AZ-204/AZ-305 and 15,000
# of azure_consumed_revenue over 12 months), with every fact of the year imported up
# front. As of a time before a departure or an MSA move, status, eval and the renewal
# projection behave as if it had not happened; a departure known in advance is projected
# and the alert says "will leave"; evaluations only move forward in time.
. "$(dirname "$0")/lib.bash"

P="$ATTAIN_SOURCE_DIR/policies"
a() { "$ATTAIN" --db y.db --policies "$P" "$@"; }
cp_state() { sed -n 's/.*"competency":"cloud-platform".*"state":"\([^"]*\)".*/\1/p'; }
cp_line() { grep '"competency":"cloud-platform"'; }

year() { # ORG: the facts of the whole year, as imported at its end
  local o=$1 m
  echo "{\"type\":\"org\",\"id\":\"$o\"}"
  echo "{\"type\":\"org\",\"id\":\"$o-other\"}"
  for u in ana ben cy; do
    echo "{\"type\":\"user\",\"id\":\"$o-$u\",\"org\":\"$o\",\"joined\":\"2025-01-01\"}"
    echo "{\"type\":\"msa_link\",\"msa\":\"$o-$u@x\",\"user\":\"$o-$u\",\"at\":\"2025-01-02T00:00:00Z\"}"
  done
  echo "{\"type\":\"user\",\"id\":\"$o-dee\",\"org\":\"$o-other\",\"joined\":\"2025-01-01\"}"
  echo "{\"type\":\"achievement\",\"msa\":\"$o-ana@x\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}"
  echo "{\"type\":\"achievement\",\"msa\":\"$o-ben@x\",\"code\":\"AZ-204\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}"
  for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
    echo "{\"type\":\"metric\",\"org\":\"$o\",\"metric\":\"azure_consumed_revenue\",\"period\":\"2025-$m\",\"value\":2000}"
    echo "{\"type\":\"metric\",\"org\":\"$o\",\"metric\":\"azure_consumed_revenue\",\"period\":\"2026-$m\",\"value\":2000}"
  done
  echo "{\"type\":\"membership\",\"org\":\"$o\",\"competency\":\"cloud-platform\",\"level\":\"silver\",\"bought\":\"2026-02-01\",\"by\":\"ops\"}"
  # Ben leaves on 15 May; Cy earns AZ-305 on 1 June; Ana's MSA goes to another organisation on 1 August.
  echo "{\"type\":\"user\",\"id\":\"$o-ben\",\"left\":\"2026-05-15\"${2:+,\"known\":\"$2\"}}"
  echo "{\"type\":\"achievement\",\"msa\":\"$o-cy@x\",\"code\":\"AZ-305\",\"kind\":\"certification\",\"earned\":\"2026-06-01T00:00:00Z\"}"
  echo "{\"type\":\"msa_link\",\"msa\":\"$o-ana@x\",\"user\":\"$o-dee\",\"at\":\"2026-08-01T00:00:00Z\"}"
}

a init >/dev/null
year lw > lw.jsonl
year kn 2026-02-20 > kn.jsonl # the same year, Ben's departure announced on 20 February
a import lw.jsonl kn.jsonl >/dev/null

echo "# As of 1 March nothing of what follows has happened"
st=$(a status lw --at 2026-03-01 --json | cp_line)
expect_contains "status: active, with the membership in force" "$st" '"state":"active"'
expect_contains "status: no alert" "$st" '"alerts":[]'
expect_contains "Ben still counts as of 1 March" "$(a status lw --at 2026-03-01 --json | cp_line)" '"user":"lw-ben"'
out=$(a status lw --at 2026-03-01)
expect_eq "status text does not mention the departure" "$(echo "$out" | grep -c 'left\|leave')" 0

echo "# Known in advance, the departure is projected"
st=$(a status kn --at 2026-03-01 --json | cp_line)
expect_contains "at risk by the projection" "$st" '"state":"at_risk"'
expect_contains "the alert says he will leave" "$st" \
  '"cause":"by the end of the membership (2026-12-31): user kn-ben will leave on 2026-05-15; AZ-204 held by kn-ben will no longer count"'
expect_contains "before it was announced, nothing is projected" \
  "$(a status kn --at 2026-02-19 --json | cp_line)" '"state":"active"'
expect_contains "status shows when a counting holding will end" "$(COLUMNS=200 a status kn --at 2026-03-01)" \
  "kn-ben: AZ-204 counts since 2025-03-02, will leave the organisation on 2026-05-15"
expect_contains "... and so does status --verbose, under the goal" "$(COLUMNS=200 a status kn --at 2026-03-01 --verbose)" \
  "counts: kn-ben AZ-204 (MSA kn-ben@x, counts since 2025-03-02; until 2026-05-15: will leave the organisation)"

echo "# The year, evaluated (and stored) month by month"
for t in 2026-02-01 2026-03-01 2026-05-16 2026-06-02 2026-08-02 2027-01-01; do
  a eval --org lw --at "$t" >/dev/null 2>&1 || true
done
expect_eq "history: active > at_risk (Ben left) > active (Cy counts) > at_risk (Ana's MSA moved) > expired" \
  "$(sqlite3 y.db "SELECT group_concat(state || ' ' || date(at, 'unixepoch'), ' > ') FROM (SELECT h.state, h.at FROM status_history h JOIN org o USING (oid) WHERE o.key = 'lw' AND h.competency = 'cloud-platform' ORDER BY h.id)")" \
  "active 2026-02-01 > at_risk 2026-05-16 > active 2026-06-02 > at_risk 2026-08-02 > expired 2027-01-01"
expect_eq "the alerts name what happened since the purchase, in the past tense" \
  "$(sqlite3 y.db "SELECT group_concat(cause, ' | ') FROM (SELECT a.cause FROM alert a JOIN org o USING (oid) WHERE o.key = 'lw' ORDER BY a.id)")" \
  "user lw-ben left on 2026-05-15; AZ-204 held by lw-ben no longer counts | MSA lw-ana@x of user lw-ana was associated with another organisation on 2026-08-01; AZ-104 no longer counts; user lw-ben left on 2026-05-15; AZ-204 held by lw-ben no longer counts"

echo "# A replay of the past from the stored history"
st=$(a status lw --at 2026-05-20 --json | cp_line)
expect_contains "status --at in May replays the state then" "$st" '"state":"at_risk"'
expect_contains "... and the alert open then" "$st" '"raised":"2026-05-16T00:00:00Z"'
expect_contains "status --at in July: active, no alert open then" "$(a status lw --at 2026-07-01 --json | cp_line)" '"alerts":[]'

echo "# Evaluations only move forward in time"
set +e
out=$(a eval --org lw --at 2026-04-01 2>&1); rc=$?
set -e
expect_eq "eval --at before the stored evaluation is refused" "$rc" 1
expect_contains "... saying why and what to do" "$out" \
  "attain eval: refused: --at 2026-04-01T00:00:00Z is before the evaluation stored for 1 organisation (the latest at 2027-01-01T00:00:00Z, of lw)"
expect_contains "... and pointing at the replay" "$out" "attain status ORG --at 2026-04-01T00:00:00Z"
expect_eq "nothing was written" \
  "$(sqlite3 y.db "SELECT count(*) FROM status_history h JOIN org o USING (oid) WHERE o.key = 'lw'")" 5
finish
