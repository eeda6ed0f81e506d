# The partner program end to end, one scenario per rule (DOMAIN.md R6-R15): import ->
# eval at a time -> status / profile / alerts, on the shipped cloud-platform policy
# (silver "consumption": 2 certified people among AZ-104/AZ-204/AZ-305 and 15,000 of
# azure_consumed_revenue over 12 months). Each check fails if its rule is broken.
. "$(dirname "$0")/lib.bash"

P="$ATTAIN_SOURCE_DIR/policies"
W="$ATTAIN_SOURCE_DIR/examples/walkthrough"
fresh() { rm -f t.db*; "$ATTAIN" --db t.db init >/dev/null; }
a() { "$ATTAIN" --db t.db --policies "$P" "$@"; }
# level ORG TIME -> the cloud-platform level (or null) as of TIME, from status --json (a
# replay that writes nothing: eval only moves forward in time)
level() { a status "$1" --at "$2" --json 2>/dev/null | grep '"competency":"cloud-platform"' | sed 's/^[^}]*"at":"[^"]*","level":\([^,]*\),.*/\1/'; }
state() { a status "$1" --at "$2" --json 2>/dev/null | grep '"competency":"cloud-platform"' | sed 's/.*"state":"\([^"]*\)".*/\1/'; }
# An organisation with revenue and two certified people (c1 AZ-104, c2 AZ-204).
base() { # ORG
  local o=$1
  {
    echo "{\"type\":\"org\",\"id\":\"$o\"}"
    for u in c1 c2 c3; do
      echo "{\"type\":\"user\",\"id\":\"$o-$u\",\"org\":\"$o\",\"joined\":\"2025-01-01\"}"
      echo "{\"type\":\"msa_link\",\"msa\":\"$o-$u@x\",\"user\":\"$o-$u\",\"at\":\"2025-01-02T00:00:00Z\"}"
    done
    echo "{\"type\":\"achievement\",\"msa\":\"$o-c1@x\",\"code\":\"AZ-104\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}"
    echo "{\"type\":\"achievement\",\"msa\":\"$o-c2@x\",\"code\":\"AZ-204\",\"kind\":\"certification\",\"earned\":\"2025-03-01T00:00:00Z\"}"
    for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
      echo "{\"type\":\"metric\",\"org\":\"$o\",\"metric\":\"azure_consumed_revenue\",\"period\":\"2025-$m\",\"value\":2000}"
      echo "{\"type\":\"metric\",\"org\":\"$o\",\"metric\":\"azure_consumed_revenue\",\"period\":\"2026-$m\",\"value\":2000}"
    done
  } > "$o.jsonl"
  a import "$o.jsonl" >/dev/null
}
rec() { echo "$1" | a import - >/dev/null; }

echo "# R6: an achievement counts only 24 hours after it was earned or associated"
fresh; base r6
rec '{"type":"user","id":"r6-c2","org":"r6","left":"2025-06-01"}'
rec '{"type":"achievement","msa":"r6-c3@x","code":"AZ-305","kind":"certification","earned":"2026-05-10T08:00:00Z"}'
expect_eq "R6: 23:59:59 after earning it does not count" "$(level r6 2026-05-11T07:59:59Z)" null
expect_eq "R6: 24 hours after earning it counts" "$(level r6 2026-05-11T08:00:00Z)" '"silver"'

echo "# R7: an MSA counts for one organisation at a time"
fresh; base r7a; base r7b
rec '{"type":"user","id":"r7b-c2","org":"r7b","left":"2025-06-01"}'
rec '{"type":"msa_link","msa":"r7a-c1@x","user":"r7b-c3","at":"2026-05-10T00:00:00Z"}'
expect_eq "R7: before the move the first organisation counts it" "$(level r7a 2026-05-09T23:59:59Z)" '"silver"'
expect_eq "R7: from the move it no longer does" "$(level r7a 2026-05-10T00:00:00Z)" null
expect_eq "R7: the new organisation counts it 24 hours after the association" "$(level r7b 2026-05-11T00:00:00Z)" '"silver"'
expect_eq "R7: ... and not before" "$(level r7b 2026-05-10T23:00:00Z)" null
expect_eq "R7: evaluated as of before the move, history is kept" "$(level r7a 2026-01-01)" '"silver"'

echo "# R8: when an employee leaves, their achievements stop counting"
fresh; base r8
rec '{"type":"user","id":"r8-c1","org":"r8","left":"2026-03-01"}'
expect_eq "R8: the day before the departure it counts" "$(level r8 2026-02-28T23:59:59Z)" '"silver"'
expect_eq "R8: from the departure it does not" "$(level r8 2026-03-01)" null

echo "# R9: buying silver requires silver skills in at least one path; the profile follows"
fresh; base r9; base r9x
rec '{"type":"user","id":"r9x-c2","org":"r9x","left":"2025-06-01"}'
set +e
out=$(a membership buy r9x cloud-platform silver --at 2026-05-01 2>&1); rc=$?
set -e
expect_eq "R9: buying without qualifying is refused (exit 1)" "$rc" 1
expect_contains "R9: the refusal says which goal is short and by how much" "$out" \
  "silver path consumption: 2 certified people (AZ-104, AZ-204, AZ-305): have 1, need 2 (1 short)"
expect_eq "R9: nothing was bought" "$(sqlite3 t.db 'SELECT count(*) FROM membership')" 0
expect_contains "R9: without a membership the profile shows nothing" "$(a profile r9 --at 2026-05-01)" "no membership in force"
a membership buy r9 cloud-platform silver --at 2026-05-01 --by ops >/dev/null
expect_eq "R9: a qualified purchase is recorded with who and when" \
  "$(sqlite3 t.db "SELECT level, bought_by, datetime(bought, 'unixepoch') FROM membership")" "silver|ops|2026-05-01 00:00:00"
expect_contains "R9: after silver the profile shows the silver competency with its benefits" \
  "$(a profile r9 --at 2026-05-02)" "Cloud Platform (cloud-platform): silver"
set +e
a membership buy r9 cloud-platform gold --at 2026-05-02 >/dev/null 2>&1; rc=$?
set -e
expect_eq "R9: upgrading to gold follows the same rule" "$rc" 1

echo "# R10: a membership stays in force until the end of the calendar year of purchase"
expect_contains "R10: it expires on 31 December" "$(a eval --org r9 --at 2026-12-31T23:59:59Z --json 2>/dev/null | grep cloud-platform)" \
  '"membership":{"level":"silver","bought":"2026-05-01","expires":"2026-12-31","status":"active"}'
expect_eq "R10: on 1 January it has expired" "$(state r9 2027-01-01)" expired

echo "# R14: renewing needs the requirements met again"
rec '{"type":"user","id":"r9-c2","org":"r9","left":"2026-12-01"}'
set +e
a membership buy r9 cloud-platform silver --at 2027-01-02 >/dev/null 2>&1; rc=$?
set -e
expect_eq "R14: after expiry, buying again without qualifying is refused" "$rc" 1
rec '{"type":"achievement","msa":"r9-c3@x","code":"AZ-305","kind":"certification","earned":"2026-12-20T00:00:00Z"}'
a membership buy r9 cloud-platform silver --at 2027-01-02 >/dev/null
expect_eq "R14: qualified again, the renewal is accepted" "$(state r9 2027-01-03)" active

echo "# R11, R12: expiries before renewal put it at risk; one alert, with the cause"
fresh; base r11
rec '{"type":"achievement","msa":"r11-c1@x","code":"AZ-104","kind":"certification","earned":"2025-03-01T00:00:00Z","expires":"2026-10-15"}'
a membership buy r11 cloud-platform silver --at 2026-05-01 >/dev/null
a eval --at 2026-05-01 >/dev/null 2>&1
a eval --at 2026-05-02 >/dev/null 2>&1
expect_eq "R11: met now, but AZ-104 expires before renewal: at risk" "$(state r11 2026-05-02)" at_risk
expect_eq "R12: the alert is raised once, not on every sweep" "$(sqlite3 t.db 'SELECT count(*) FROM alert')" 1
expect_eq "R12: with the exact text" "$(sqlite3 t.db 'SELECT message FROM alert')" \
  "A recent change in your competency attainment put your membership renewal eligibility at risk"
expect_contains "R12: and the cause in data terms" "$(sqlite3 t.db 'SELECT cause FROM alert')" \
  "AZ-104 held by r11-c1 expires on 2026-10-15, before renewal"
expect_contains "R12: status shows the alert" "$(a status r11 --at 2026-05-02)" "ALERT (2026-05-01): A recent change"

echo "# R13: while at risk, the level keeps showing until the membership year ends"
expect_contains "R13: the profile still shows silver while at risk" "$(a profile r11 --at 2026-11-01)" \
  "Cloud Platform (cloud-platform): silver (renewal at risk)"
expect_contains "R13: ... until the year ends" "$(a profile r11 --at 2027-01-01)" "no membership in force"
rec '{"type":"achievement","msa":"r11-c3@x","code":"AZ-305","kind":"certification","earned":"2026-06-01T00:00:00Z"}'
a eval --at 2026-06-02 >/dev/null 2>&1
expect_eq "R12: met again, the alert is cleared with its time" \
  "$(sqlite3 t.db "SELECT datetime(cleared, 'unixepoch') FROM alert")" "2026-06-02 00:00:00"
# Bought while already at risk (the expiry was known), then met again.
expect_eq "R12: every transition is kept with time and cause" \
  "$(sqlite3 t.db "SELECT group_concat(state || ' ' || date(at, 'unixepoch'), ' > ') FROM (SELECT * FROM status_history ORDER BY id)")" \
  "at_risk 2026-05-01 > active 2026-06-02"

echo "# R15: an override counts like the real thing while in force, and is audited"
fresh; base r15
rec '{"type":"user","id":"r15-c2","org":"r15","left":"2025-06-01"}'
rec '{"type":"override","org":"r15","competency":"cloud-platform","code":"AZ-305","people":1,"reason":"exam taken under an old MSA","by":"ops@example.com","until":"2026-07-01"}'
expect_eq "R15: with the override the level is met" "$(level r15 2026-06-30)" '"silver"'
expect_eq "R15: after 'until' it no longer counts" "$(level r15 2026-07-01)" null
expect_contains "R15: status shows who credited it and why" "$(COLUMNS=200 a status r15 --at 2026-06-30)" \
  "override: AZ-305 x1 by ops@example.com until 2026-07-01 (exam taken under an old MSA)"
expect_eq "R15: an override for another competency does not count" \
  "$(rec '{"type":"override","org":"r15","competency":"security","code":"AZ-104","people":5,"reason":"r","by":"b","until":"2027-01-01"}'; level r15 2026-07-02)" null

echo "# The walkthrough in examples/ (README)"
out=$("$W/run" "$ATTAIN" w.db 2>/dev/null)
expect_contains "walkthrough: qualified" "$out" "status: qualified"
expect_contains "walkthrough: history goes qualified > active > at_risk > active > expired" \
  "$(sqlite3 w.db "SELECT group_concat(state, ' > ') FROM (SELECT state FROM status_history ORDER BY id)")" \
  "qualified > active > at_risk > active > expired"
expect_contains "walkthrough: the alert names the departure" "$out" \
  "user lw-ben left on 2026-03-01; AZ-204 held by lw-ben no longer counts"
finish
