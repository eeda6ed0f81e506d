# The dashboard (docs/dashboard.md) in a real browser: `attain serve --http` on the example
# data, pages loaded by headless Chromium and asserted on the DOM it built. The
# Competencies page shows every goal of `status --json` with its numbers as text and a
# <progress> of the same have/need; the list's filters keep what `attain orgs` keeps; a
# signed link opens its organisation's pages and no other, nor the list, the operator's
# page or the JSON API; expired or altered links get a clear 403; the operator's token
# opens everything (also as a Basic password); off loopback nothing of an organisation is
# served without a token; every page passes `tidy -errors`. Chromium and tidy are
# required: missing, the test fails (scripts/install-deps installs them).
. "$(dirname "$0")/lib.bash"

for tool in chromium tidy curl jq openssl; do
  if ! command -v "$tool" >/dev/null; then
    fail "$tool is missing: run scripts/install-deps (the browser tests need it)"
    finish
    exit 1
  fi
done

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
"${A[@]}" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
at=2026-11-25T00:00:00Z # the day the examples describe: the organisation pages replay it
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT

# serve LOG ARGS...: http_serve (lib.bash), then its first sweep.
serve() {
  http_serve "$@"
  for _ in $(seq 200); do grep -q 'event=sweep' "$1" && break; sleep 0.05; done
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }
# dom URL: the document Chromium built (JavaScript would have run; the pages have none)
dom() {
  timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chromium" \
    --dump-dom "$1" 2>/dev/null
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# valid NAME URL [CURL ARGS...]: the HTML as served passes tidy without an error
valid() {
  local name=$1 u=$2
  shift 2
  curl -s "$@" "$u" > "$name.html"
  local out rc
  out=$(tidy -errors -q "$name.html" 2>&1) && rc=0 || rc=$?
  if [ "$rc" -lt 2 ] && [ -z "$out" ] && [ -s "$name.html" ]; then pass "$name validates (tidy -errors)"; else fail "$name: tidy says ($rc): $out"; fi
}
# text DOM: the words of a document, without its tags
text() { sed 's/<[^>]*>//g' <<< "$1"; }
# ids LIST_DOM: the organisations a list page shows, in order
ids() { grep -o '<span class="id">[^<]*</span>' <<< "$1" | sed 's/<[^>]*>//g' | paste -sd' '; }

# ---- on loopback without a read token: open, as the JSON reads ----
serve open.log "${A[@]}" serve --http 127.0.0.1:0 --every 1h
expect_eq "GET / redirects (303) to the organisations" \
  "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$url/")" "303 $url/orgs"

page=$(dom "$url/orgs")
expect_contains "the list is a page with a heading" "$page" "<h1>Organisations</h1>"
expect_eq "... listing every organisation, in import order" "$(ids "$page")" \
  "$("${A[@]}" orgs --json | jq -r '[.orgs[].id] | join(" ")')"
expect_contains "... with the counts per state" "$page" '<span class="k dot at_risk">At risk</span>'
expect_contains "... each organisation linking to its page" "$page" '<a href="/orgs/contoso">Contoso Ltd</a>'
expect_contains "... a search box with its label" "$page" '<label for="f-search">Search by id or name</label>'
expect_eq "... a competency filter offering every competency of the policy set, by name" \
  "$(sed -n 's/.*<select id="f-competency" name="competency">\(.*\)<\/select>.*/\1/p' <<< "$page" |
     grep -o '<option value="[^"]*">[^<]*</option>' | sed 's/<option value="\([^"]*\)">/\1 /; s/<.*//' | sort)" \
  "$(for f in pol/*.lua; do printf '%s %s\n' "$(basename "$f" .lua)" "$(sed -n 's/^ *name = "\(.*\)",$/\1/p' "$f" | head -n 1)"; done | sort)"
nonempty=0 n=0
for f in "state=active" "state=at_risk" "competency=cloud-platform&state=active" "search=north+trad" \
  "state=expired" "level=gold" "level=silver" "search=cont&level=silver"; do
  n=$((n + 1))
  cli=()
  IFS='&' read -ra kv <<< "$f"
  for p in "${kv[@]}"; do cli+=("--${p%%=*}" "${p#*=}"); done
  cli=("${cli[@]//+/ }")
  want=$("${A[@]}" orgs "${cli[@]}" --json | jq -r '[.orgs[].id] | join(" ")')
  [ -n "$want" ] && nonempty=$((nonempty + 1))
  # the browser for the first four, the HTML as served for the rest (the same markup: no script)
  if [ "$n" -le 4 ]; then got=$(dom "$url/orgs?$f"); else got=$(curl -s "$url/orgs?$f"); fi
  expect_eq "the list filtered by $f shows what attain orgs ${cli[*]} lists" "$(ids "$got")" "$want"
done
[ "$nonempty" -ge 3 ] && pass "... $nonempty of those filters keep someone" || fail "only $nonempty filters keep someone: the data does not test them"
page=$(dom "$url/orgs?state=at_risk")
expect_contains "a filter shows its choice selected" "$page" '<option value="at_risk" selected="">At risk</option>'
page=$(dom "$url/orgs?limit=2")
expect_eq "a page of 2" "$(ids "$page")" "contoso fabrikam"
next=$(grep -o 'rel="next" href="[^"]*"' <<< "$page" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
expect_eq "... links the next one after its last organisation, of the same size" "$next" \
  "/orgs?after=fabrikam&limit=2"
expect_eq "... which holds the next two" "$(ids "$(dom "$url$next")")" "northwind adatum"
page=$(dom "$url/orgs?state=active&at=$at")
expect_contains "the list with ?at= opens each organisation's page as of that time" "$page" \
  '<a href="/orgs/contoso?at=2026-11-25T00%3A00%3A00Z">Contoso Ltd</a>'
expect_contains "... keeps it in its filters" "$page" '<input type="hidden" name="at" value="2026-11-25T00:00:00Z">'
expect_contains "... and says so" "$(text "$page")" "Each organisation's page opens as of 2026-11-25."
expect_eq "... and a bad one is 400" "$(code "$url/orgs?at=yesterday")" 400

# The Competencies page: every goal with its numbers and a <progress> of the same values.
page=$(dom "$url/orgs/contoso?at=$at")
"${A[@]}" status contoso --json --at "$at" > status.jsonl
expect_contains "the organisation page is headed by its name" "$page" "<h1>Contoso Ltd</h1>"
expect_contains "... has a summary" "$page" '<h2 id="summary-h">Summary</h2>'
expect_eq "... a section per competency of status --json, one per policy" \
  "$(grep -o '<section class="card" id="c[0-9]*"' <<< "$page" | wc -l) $(wc -l < status.jsonl)" \
  "$(ls pol/*.lua | wc -l) $(ls pol/*.lua | wc -l)"
jq -r '.. | objects | select(has("have") and has("need") and has("label")) |
  "max=\"\(if .need > 0 then .need else 1 end)\" value=\"\(if .need <= 0 then 1 elif .have > .need then .need elif .have < 0 then 0 else .have end)\""' \
  status.jsonl | sort > goals.want
grep -o '<progress max="[^"]*" value="[^"]*"' <<< "$page" | sed 's/^<progress //' | sort > goals.got
expect_eq "... a <progress> for every goal of status --json, with its have and need ($(wc -l < goals.want) goals)" \
  "$(cat goals.got)" "$(cat goals.want)"
expect_contains "... the numbers as text" "$page" '<span class="goal-nums">16,500 of 60,000</span>'
expect_contains "... the next step in the words of attain status" "$(text "$page")" \
  'For gold (path consumption): 2&nbsp;more certified people in AZ-104/AZ-204/AZ-305, 1&nbsp;more certified person in AZ-305, 43,500&nbsp;more revenue (azure_consumed_revenue, 12&nbsp;months)'
expect_contains "... the nearest unmet path first" "$(grep -o 'details class="path nearest" open=""><summary class="path-head"><span class="path-title">Gold path <q>consumption' <<< "$page")" \
  "Gold path <q>consumption"
expect_contains "... who does not count and why" "$(text "$page")" 'AZ-305 does not count: left the organisation (since 2026-10-01)'
expect_eq "... each person once per competency" \
  "$(sed -n '/id="c2"/,/<\/section>/p' <<< "$page" | grep -o '<th scope="row">c-[a-z]*</th>' | sort | uniq -d)" ""
expect_contains "... the membership and its end" "$(text "$page")" "in force until 2026-12-31"
expect_contains "... each competency's name opening it alone" "$page" \
  '<a href="/orgs/contoso?at=2026-11-25T00%3A00%3A00Z&amp;competency=cloud-platform">Cloud Platform</a>'
page=$(dom "$url/orgs/contoso?at=$at&competency=cloud-platform")
expect_eq "the Competencies page of one competency has its section alone" \
  "$(grep -o '<section class="card" id="c[0-9]*"' <<< "$page" | wc -l) $(grep -c '<tr><th scope="row"><a href="/orgs/contoso' <<< "$page")" "1 1"
jq -r 'select(.competency == "cloud-platform") | .. | objects | select(has("have") and has("need") and has("label")) |
  "max=\"\(if .need > 0 then .need else 1 end)\" value=\"\(if .need <= 0 then 1 elif .have > .need then .need elif .have < 0 then 0 else .have end)\""' \
  status.jsonl | sort > goals1.want
expect_eq "... with every goal of that competency ($(wc -l < goals1.want))" \
  "$(grep -o '<progress max="[^"]*" value="[^"]*"' <<< "$page" | sed 's/^<progress //' | sort)" "$(cat goals1.want)"
expect_contains "... and a way back to every competency" "$page" '<a href="/orgs/contoso?at=2026-11-25T00%3A00%3A00Z">Every competency</a>'
expect_contains "... the replay keeping the competency" "$page" '<input type="hidden" name="competency" value="cloud-platform">'
expect_eq "... an unknown competency is 404" "$(code "$url/orgs/contoso?competency=nothing-such")" 404
page=$(dom "$url/orgs/tailspin?at=$at")
expect_contains "an organisation at risk shows the alert and its cause" "$(text "$page")" \
  'Cause: by the end of the membership (2026-12-31): silver path consumption'
expect_contains "... and the status history as a timeline" "$(dom "$url/orgs/tailspin")" '<ol class="timeline">'
expect_eq "... which a replay before it began leaves out" "$(grep -c 'class="timeline"' <<< "$page")" 0
page=$(dom "$url/orgs/fabrikam/profile?at=$at")
expect_contains "the business profile shows the package" "$page" 'Partner level: <span class="badge lv-gold">Gold</span>'
expect_contains "... and each competency's benefits" "$page" "<li>Partner-to-partner referrals</li>"
expect_contains "... keeping the replay time in its tabs" "$page" 'href="/orgs/fabrikam?at=2026-11-25T00%3A00%3A00Z"'
page=$(dom "$url/status")
expect_contains "the operator's page shows the policy set serving" "$page" \
  "<code>$("${A[@]}" ctl status | jq -r .policy)</code>"
expect_contains "... and the health" "$page" '<span class="badge st-active">OK</span>'
expect_contains "an unknown organisation is a page saying so" "$(dom "$url/orgs/nobody")" "<h1>No such organisation</h1>"
expect_eq "... with 404" "$(code "$url/orgs/nobody")" 404
expect_eq "a bad ?at= is 400" "$(code "$url/orgs/contoso?at=yesterday")" 400

for p in "orgs" "orgs?state=at_risk&competency=cloud-platform" "orgs?at=$at&limit=2" "orgs/contoso?at=$at" \
  "orgs/contoso?at=$at&competency=cloud-platform" \
  "orgs/tailspin?at=$at" "orgs/fabrikam/profile" "status" "orgs/nobody"; do
  valid "page-$(tr -c 'a-z0-9' _ <<< "$p")" "$url/$p"
done
timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$T/chromium" \
  --screenshot="$T/contoso.png" --window-size=1280,2000 "$url/orgs/contoso?at=$at" 2>/dev/null || true
expect_eq "a screenshot at 1,280 px is a PNG" "$(head -c 8 "$T/contoso.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" \
  "89504e470d0a1a0a"
stop

# ---- a read token and signed links ----
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > token
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > secret
chmod 600 token secret
serve linked.log "${A[@]}" serve --http 127.0.0.1:0 --http-read-token-file token \
  --http-link-secret-file secret --every 1h
expect_contains "the log says links are signed" "$(grep 'event=http' linked.log)" "reads=token links=signed"
link=$("${A[@]}" link contoso --secret-file secret --days 7 --url "$url/")
expect_contains "attain link prints a link to the organisation's page" "$link" "$url/orgs/contoso?exp="
exp=$(sed 's/.*exp=\([0-9]*\).*/\1/' <<< "$link")
sig=$(sed 's/.*sig=\([0-9a-f]*\).*/\1/' <<< "$link")
now=$(date +%s)
expect_eq "... valid for --days days" "$(( (exp - now + 60) / 86400 ))" 7
q="exp=$exp&sig=$sig"
qa="exp=$exp&amp;sig=$sig"
page=$(dom "$link")
expect_contains "the link opens the organisation's page" "$page" "<h1>Contoso Ltd</h1>"
expect_contains "... with its goals" "$page" '<progress max="'
expect_eq "... and links to nothing but the organisation's own pages, each with the signature" \
  "$(grep -o 'href="/[^"]*"' <<< "$page" |
     grep -v "^href=\"/orgs/contoso\(/profile\)\??$qa\(&amp;at=[^\"&]*\)\?\(&amp;competency=[a-z-]*\)\?\"$" | sort -u)" ""
expect_eq "... both of them" "$(grep -o 'href="/[^"?]*' <<< "$page" | sort -u | paste -sd' ')" \
  'href="/orgs/contoso href="/orgs/contoso/profile'
expect_contains "... one competency alone too" "$(dom "$url/orgs/contoso?$q&competency=cloud-platform")" "This competency alone."
expect_contains "... its profile too" "$(dom "$url/orgs/contoso/profile?$q")" "Business profile"
page=$(dom "$url/orgs/fabrikam?$q")
expect_contains "contoso's link does not open fabrikam's page" "$page" "<h1>This link is not valid</h1>"
expect_eq "... 403" "$(code "$url/orgs/fabrikam?$q")" 403
expect_eq "... nor its profile" "$(code "$url/orgs/fabrikam/profile?$q")" 403
expect_eq "... nor the list (401: a token could)" "$(code "$url/orgs?$q")" 401
expect_contains "... which asks browsers for the operator's token" \
  "$(curl -s -D - -o /dev/null "$url/orgs?$q" | tr -d '\r')" 'WWW-Authenticate: Basic realm="attain"'
expect_eq "... nor the operator's page" "$(code "$url/status?$q")" 401
expect_eq "... nor the JSON API of its own organisation" "$(code "$url/v1/orgs/contoso?$q")" 403
expect_eq "... nor the JSON list" "$(code "$url/v1/orgs?$q")" 403
expect_eq "... nor the alerts" "$(code "$url/v1/alerts?$q")" 403
expect_eq "a later expiry with the same signature is refused" "$(code "$url/orgs/contoso?exp=$((exp + 86400))&sig=$sig")" 403
past=1000000000
old=$(printf 'attain-link-v1\ncontoso\n%s' "$past" | openssl dgst -sha256 -hmac "$(cat secret)" | sed 's/.* //')
page=$(dom "$url/orgs/contoso?exp=$past&sig=$old")
expect_contains "an expired link says so" "$page" "<h1>This link has expired</h1>"
expect_contains "... and until when it was valid" "$page" "valid until 2001-09-09T01:46:40Z"
expect_eq "... 403" "$(code "$url/orgs/contoso?exp=$past&sig=$old")" 403
valid "page-expired" "$url/orgs/contoso?exp=$past&sig=$old"
valid "page-linked" "$link"
expect_eq "without the token the list is refused (401)" "$(code "$url/orgs")" 401
expect_eq "the token as a Basic password opens the list" "$(code -u "ops:$(cat token)" "$url/orgs")" 200
expect_eq "... another organisation's page" "$(code -u "ops:$(cat token)" "$url/orgs/fabrikam")" 200
expect_eq "... and the operator's page" "$(code -u "ops:$(cat token)" "$url/status")" 200
expect_eq "... as a bearer token too" "$(code -H "Authorization: Bearer $(cat token)" "$url/orgs")" 200
expect_eq "a wrong password is refused" "$(code -u "ops:not-the-token-at-all" "$url/orgs")" 401
stop

# ---- off loopback, no token: nothing of an organisation ----
serve wide.log "${A[@]}" serve --http 0.0.0.0:0 --every 1h
expect_contains "off loopback without a read token the log says reads are the daemon's only" \
  "$(grep 'event=http' wide.log)" "reads=daemon"
expect_eq "... the list page is refused" "$(code "$url/orgs")" 403
expect_contains "... saying why" "$(dom "$url/orgs")" "This listener is not on loopback"
expect_eq "... an organisation's page too" "$(code "$url/orgs/contoso")" 403
expect_eq "... and its JSON" "$(code "$url/v1/orgs/contoso")" 403
expect_eq "... the JSON list" "$(code "$url/v1/orgs")" 403
expect_eq "... health stays open" "$(code "$url/health/ready")" 200
expect_eq "... and /v1/status, as documented" "$(code "$url/v1/status")" 200
stop

# ---- attain link refusals ----
"${A[@]}" link nobody --secret-file secret > out.txt 2> err.txt && rc=0 || rc=$?
expect_eq "attain link for an unknown organisation exits 65" "$rc" 65
"${A[@]}" link contoso > out.txt 2> err.txt && rc=0 || rc=$?
expect_eq "attain link without --secret-file is a usage error" "$rc" 2
chmod 644 secret
"${A[@]}" link contoso --secret-file secret > out.txt 2> err.txt && rc=0 || rc=$?
expect_eq "a secret readable by others: attain link exits 1" "$rc:$(cat err.txt)" \
  "1:attain link: --secret-file secret: the secret file is readable by group or others (chmod 600 it)"
"${A[@]}" serve --http 127.0.0.1:0 --http-link-secret-file secret 2> perm.log && rc=0 || rc=$?
expect_eq "... and serve refuses to start" "$rc" 1
expect_contains "... saying why" "$(cat perm.log)" "--http-link-secret-file secret: the secret file is readable by group or others"
finish
