# The command line for people (docs/cli.md): `attain status` starts with a summary, fits the
# width ($COLUMNS, the terminal's, or 80) without breaking a word, uses colour only on a
# terminal and not with NO_COLOR; `profile` lists benefits; `orgs`, `history` and `alerts`
# read what evaluations stored, a page at a time, as text and as JSON.
. "$(dirname "$0")/lib.bash"

P="$ATTAIN_SOURCE_DIR/policies"
W="$ATTAIN_SOURCE_DIR/examples/walkthrough"
a() { "$ATTAIN" --db c.db --policies "$P" "$@"; }
a init >/dev/null
a import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
a eval --at 2026-11-25 >/dev/null 2>&1
# Litware's year (the walkthrough) up to Ben's departure: an alert after tailspin's.
a import "$W/1-qualified.jsonl" >/dev/null
a eval --org litware --at 2026-02-01 >/dev/null 2>&1
a membership buy litware cloud-platform silver --at 2026-02-01T10:00:00Z --by ops@litware.example >/dev/null
a import "$W/2-ben-leaves.jsonl" >/dev/null
a eval --org litware --at 2026-03-02 >/dev/null 2>&1
widest() { LC_ALL=C.UTF-8 wc -L | tr -d ' '; }
words() { tr -s ' \n' '\n\n'; }
rc_of() { set +e; "$@" >/dev/null 2>&1; echo $?; set -e; }

echo "# status: a summary first, fitted to the width"
out=$(COLUMNS=80 a status contoso --at 2026-11-25)
expect_eq "the first line names the organisation, the time and the policy set" "$(echo "$out" | head -1)" \
  "Contoso Ltd (contoso) as of 2026-11-25T00:00:00Z, policy set $(echo "$out" | head -1 | sed 's/.* //')"
expect_eq "then one row per competency: level and membership" \
  "$(COLUMNS=1000 a status contoso --at 2026-11-25 | sed -n '3p;/^  Cloud Platform /p')" \
  "  competency                           level   status
  Cloud Platform                       silver  active: silver membership until 2026-12-31"
expect_eq "fits 80 columns" "$(echo "$out" | widest)" 80
wide=$(COLUMNS=1000 a status contoso --at 2026-11-25)
expect_contains "says what the nearest path lacks, in words and by how much" "$wide" \
  "    next: gold (path consumption): 2 more certified people in AZ-104/AZ-204/AZ-305, 1 more certified person in AZ-305, 43,500 more revenue (azure_consumed_revenue, 12 months)"
expect_contains "says how short each goal is" "$wide" \
  "    [##........] 16,500/60,000  revenue azure_consumed_revenue over 12 months ≥ 60000  43,500 short"
expect_contains "says no alert is open" "$wide" "No alert open."
expect_eq "wrapping only moves line breaks: no word (number, date, code) is cut" \
  "$(echo "$out" | words)" "$(echo "$wide" | words)"
expect_eq "80 columns when not on a terminal and COLUMNS is unset" \
  "$(env -u COLUMNS "$ATTAIN" --db c.db --policies "$P" status contoso --at 2026-11-25 | widest)" 80
expect_eq "fits 60 columns" "$(COLUMNS=60 a status contoso --at 2026-11-25 | widest)" 60
cloud=$(echo "$wide" | sed -n '/^Cloud Platform (cloud-platform)/,/^$/p')
expect_eq "each person once per competency" "$(echo "$cloud" | grep -c 'c-ana')" 1
expect_contains "... with every holding that matters and why" "$cloud" \
  "    c-ana: AZ-104 counts since 2025-02-02, expires on 2027-02-01; TA-CLOUD counts since 2025-03-02"
expect_contains "... and who does not count" "$cloud" \
  "    c-cid: AZ-305 does not count: left the organisation (since 2026-10-01)"

echo "# status: at risk, with the alert in the summary"
out=$(COLUMNS=1000 a status litware --at 2026-03-02 --competency cloud-platform)
expect_contains "a membership at risk says what keeps its level" "$out" \
  "  Cloud Platform  none    AT RISK: silver membership until 2026-12-31
    why: user lw-ben left on 2026-03-01; AZ-204 held by lw-ben no longer counts
    to keep silver (path consumption): 1 more certified person in AZ-104/AZ-204/AZ-305"
expect_contains "the open alert, with its cause" "$out" \
  "Alerts open: 1
  Cloud Platform, ALERT (2026-03-02): A recent change in your competency attainment put your membership renewal eligibility at risk
    cause: user lw-ben left on 2026-03-01; AZ-204 held by lw-ben no longer counts"

echo "# status --competency, --verbose, --json"
out=$(a status contoso --at 2026-11-25 --competency cloud-platform)
expect_eq "--competency shows that competency only" "$(echo "$out" | grep -c ' (\(application-development\|cloud-platform\|devops\)):')" 1
expect_eq "--competency with an unknown id is a usage error" "$(rc_of a status contoso --competency nope)" 2
expect_contains "... naming the ones the policies define" "$(a status contoso --competency nope 2>&1)" \
  "unknown competency 'nope' (the policies define: application-development, application-integration, cloud-business-applications, cloud-platform, cloud-productivity, collaboration-and-content, communications, data-analytics, data-platform, datacenter, devops, enterprise-mobility-management, enterprise-resource-planning, learning, messaging, project-and-portfolio-management, security, small-and-midmarket-cloud-solutions, windows-and-devices)"
out=$(COLUMNS=1000 a status contoso --at 2026-11-25 --verbose)
expect_contains "--verbose starts with the summary too" "$out" "  competency                           level   status"
expect_contains "--verbose lists the people under every goal, with their MSAs" "$out" \
  "    [##########] 2/2  2 certified people (AZ-104, AZ-204, AZ-305)
        counts: c-ana AZ-104 (MSA c-ana@msa.example, counts since 2025-02-02; until 2027-02-01: expires)"
expect_eq "... as many times as goals name them" "$(echo "$out" | sed -n '/^Cloud Platform (cloud-platform)/,/^$/p' | grep -c 'counts: c-ana AZ-104')" 4
expect_eq "--json --competency gives that competency's line of --json" \
  "$(a status contoso --at 2026-11-25 --json --competency devops)" \
  "$(a status contoso --at 2026-11-25 --json | grep '"competency":"devops"')"

echo "# colour only on a terminal, and not with NO_COLOR"
on_tty() { script -qec "$*" /dev/null; }
esc=$'\e['
expect_contains "a terminal gets colour" "$(on_tty env -u NO_COLOR TERM=xterm "$ATTAIN" --db c.db --policies "$P" status contoso --at 2026-11-25)" "$esc"
out=$(on_tty env NO_COLOR=1 TERM=xterm "$ATTAIN" --db c.db --policies "$P" status contoso --at 2026-11-25)
expect_eq "NO_COLOR: none" "$(echo "$out" | grep -cF "$esc")" 0
expect_eq "a pipe: none" "$(a status contoso --at 2026-11-25 | grep -cF "$esc")" 0
out=$(on_tty "stty cols 60; env -u COLUMNS NO_COLOR=1 $ATTAIN --db c.db --policies $P status contoso --at 2026-11-25")
expect_eq "the terminal's width when COLUMNS is unset" "$(echo "$out" | tr -d '\r' | widest)" 60

echo "# profile: benefits as a list"
expect_contains "one benefit per line" "$(a profile contoso --at 2026-11-25)" \
  "  Cloud Platform (cloud-platform): silver
    benefits:
      - Azure credits for internal use
      - Listing in the partner directory"

echo "# orgs"
out=$(COLUMNS=1000 a orgs)
expect_eq "counts first, then one row per organisation" "$(echo "$out" | head -6)" \
  "7 organisations. In all competencies (organisation x competency): 2 qualified, 2 active, 2 at risk, 1 expired; 4 at silver, 1 at gold.

  id         name                competency level state
  contoso    Contoso Ltd         application-development silver qualified; application-integration silver qualified; cloud-platform silver active
  fabrikam   Fabrikam Inc        cloud-platform gold active
  northwind  Northwind Traders   -"
expect_contains "... and how many were shown" "$out" "7 shown."
expect_contains "counts in one competency, with those at none" "$(COLUMNS=1000 a orgs --competency cloud-platform)" \
  "7 organisations. In cloud-platform: 0 qualified, 2 active, 2 at risk, 0 expired, 3 none; 2 at silver, 1 at gold."
keys() { sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' | grep -v '^id$' | tr '\n' ' '; }
expect_eq "--search: every word begins a word of the id or name" "$(a orgs --search 'north trad' | keys)" "northwind "
expect_eq "--search: the id" "$(a orgs --search LIT | keys)" "litware "
expect_eq "--state, in any competency" "$(a orgs --state at_risk | keys)" "tailspin litware "
expect_eq "--competency with --level" "$(a orgs --competency cloud-platform --level gold | keys)" "fabrikam "
expect_eq "--competency alone: a state other than none in it" "$(a orgs --competency cloud-platform | keys)" \
  "contoso fabrikam tailspin litware "
out=$(a orgs --limit 2)
expect_eq "--limit: a page" "$(echo "$out" | keys)" "contoso fabrikam "
expect_contains "... saying where the next one starts" "$out" "2 shown; more: --after fabrikam"
expect_eq "--after: the next page" "$(a orgs --limit 2 --after fabrikam | keys)" "northwind adatum "
expect_eq "--json" "$(a orgs --search fabrikam --json)" \
  '{"counts":{"competency":null,"orgs":7,"qualified":2,"active":2,"at_risk":2,"expired":1,"silver":4,"gold":1},"orgs":[{"id":"fabrikam","name":"Fabrikam Inc","competencies":[{"competency":"cloud-platform","level":"gold","state":"active","since":"2026-11-25T00:00:00Z"}]}],"next":null}'
expect_contains "--json: next names the organisation to continue after" "$(a orgs --limit 1 --json)" '"next":"contoso"}'
expect_eq "a bad --state is a usage error" "$(rc_of a orgs --state happy)" 2
expect_eq "an unknown --after organisation is bad input" "$(rc_of a orgs --after nobody)" 65

echo "# history"
out=$(COLUMNS=1000 a history litware)
expect_eq "every transition, oldest first, with its time and cause" "$out" \
  "Litware Inc (litware): lifecycle history
  2026-02-01T00:00:00Z  cloud-platform  qualified
      the silver level is met
  2026-02-01T10:00:00Z  cloud-platform  active
      silver membership bought on 2026-02-01 by ops@litware.example, in force until 2026-12-31
  2026-03-02T00:00:00Z  cloud-platform  at_risk
      user lw-ben left on 2026-03-01; AZ-204 held by lw-ben no longer counts"
expect_contains "--json" "$(a history litware --competency cloud-platform --json)" \
  '{"org":"litware","name":"Litware Inc","history":[{"at":"2026-02-01T00:00:00Z","competency":"cloud-platform","state":"qualified","cause":"the silver level is met"},{"at":"2026-02-01T10:00:00Z",'
expect_contains "--competency: none in another" "$(a history litware --competency devops)" "(no transition recorded"
expect_eq "an unknown organisation is bad input" "$(rc_of a history nobody)" 65

echo "# alerts"
out=$(COLUMNS=1000 a alerts)
expect_eq "newest first, with the organisation, competency, message and cause" "$(echo "$out" | head -4)" \
  "Alerts, newest first
  #2  litware (Litware Inc)  cloud-platform  raised 2026-03-02  open
      A recent change in your competency attainment put your membership renewal eligibility at risk
      cause: user lw-ben left on 2026-03-01; AZ-204 held by lw-ben no longer counts"
expect_contains "... and the older one" "$out" "  #1  tailspin (Tailspin Toys)  cloud-platform  raised 2026-11-25  open"
out=$(a alerts --limit 1)
expect_contains "--limit: a page, saying where the next starts" "$out" "1 shown; more: --before 2"
expect_eq "--before: the next page" "$(a alerts --before 2 | grep -c '^  #')" 1
expect_eq "--org" "$(a alerts --org tailspin | grep -c '^  #')" 1
expect_eq "--json" "$(a alerts --org tailspin --json | sed 's/"cause":"[^"]*"/"cause":"..."/')" \
  '{"alerts":[{"id":1,"org":"tailspin","name":"Tailspin Toys","competency":"cloud-platform","kind":"renewal_at_risk","message":"A recent change in your competency attainment put your membership renewal eligibility at risk","cause":"...","raised":"2026-11-25T00:00:00Z","cleared":null,"cleared_cause":null}],"next":null}'
# Cy certifies: the alert is cleared, and --open leaves it out.
a import "$W/3-cy-certifies.jsonl" >/dev/null
a eval --org litware --at 2026-04-02 >/dev/null 2>&1
expect_contains "a cleared alert says when and why" "$(COLUMNS=1000 a alerts --org litware)" \
  "  #2  litware (Litware Inc)  cloud-platform  raised 2026-03-02  cleared 2026-04-02"
expect_eq "--open: only those not cleared" "$(a alerts --open | grep '^  #' | cut -c1-12)" "  #1  tailsp"
finish
