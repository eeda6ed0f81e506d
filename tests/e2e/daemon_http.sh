# The daemon's HTTP listener (docs/http.md), driven with curl as an operator or a
# monitoring system would: health and readiness (503 while no good policy set could ever
# be loaded, degraded in the body after a failed reload), /metrics accepted by promtool,
# /v1/orgs/{id} equal to `status --json`, /v1/status equal to `ctl status`, mutations
# refused without the token (403) and done with it, bad requests answered with a clean
# 4xx while the daemon goes on, and the start-up refusals (token file readable by others,
# address in use).
. "$(dirname "$0")/lib.bash"

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
"${A[@]}" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > token
chmod 600 token
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT

serve() { http_serve "$@"; } # lib.bash: a daemon on a free port; sets $pid and $url
# code [CURL ARGS...] URL: the status code only
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
wait_for() { # LOG PATTERN
  for _ in $(seq 400); do grep -q -- "$2" "$1" && return 0; sleep 0.05; done
  return 1
}

# ---- no good policy set yet: live, not ready ----
mkdir broken
printf 'return a.competency {\n' > broken/oops.lua
serve broken.log "$ATTAIN" --db d.db --policies broken serve --http 127.0.0.1:0 --every 1h
wait_for broken.log 'event=reload result=failed' || true
expect_eq "with no good policy set, /health/live answers 200" "$(code "$url/health/live")" 200
expect_eq "... /health/ready answers 503" "$(code "$url/health/ready")" 503
expect_contains "... saying why" "$(curl -s "$url/health/ready")" '"ready":false,"health":"unavailable"'
expect_eq "... and an organisation cannot be shown (503)" "$(code "$url/v1/orgs/contoso")" 503
kill -TERM "$pid"
wait "$pid" || true

# ---- a serving daemon ----
serve serve.log "${A[@]}" serve --http 127.0.0.1:0 --http-token-file token --every 1h
wait_for serve.log 'event=sweep kind=due' || true
expect_contains "the listener is logged with what it allows" "$(grep 'event=http' serve.log)" \
  'mutations=token reads=open'
expect_eq "/health/live answers 200" "$(code "$url/health/live")" 200
expect_eq "/health/ready answers 200 once a good set serves" "$(code "$url/health/ready")" 200
expect_contains "... and says the health is ok" "$(curl -s "$url/health/ready")" '"ready":true,"health":"ok"'

# /v1/orgs/{id} is `status --json`, one document. Both at one fixed time: "now" read twice
# can fall on two sides of a second (more likely the more competencies the set has).
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl -s "$url/v1/orgs/tailspin?at=$now" | jq -c '.competencies[]' > http.jsonl
"${A[@]}" status tailspin --at "$now" --json | jq -c . > cli.jsonl
expect_eq "/v1/orgs/{id} holds exactly what status --json prints" "$(cat http.jsonl)" "$(cat cli.jsonl)"
expect_eq "... every competency" "$(wc -l < http.jsonl)" "$(ls pol/*.lua | wc -l)"
curl -s "$url/v1/orgs/tailspin?at=2026-03-01T00:00:00Z" | jq -c '.competencies[]' > http_at.jsonl
"${A[@]}" status tailspin --json --at 2026-03-01T00:00:00Z | jq -c . > cli_at.jsonl
expect_eq "... and ?at= replays as status --at does" "$(cat http_at.jsonl)" "$(cat cli_at.jsonl)"
expect_eq "an unknown organisation is 404" "$(code "$url/v1/orgs/nobody")" 404
expect_eq "a bad ?at= is 400" "$(code "$url/v1/orgs/tailspin?at=yesterday")" 400

# The lists are what attain orgs|history|alerts --json print.
expect_eq "/v1/orgs is attain orgs --json" "$(curl -s "$url/v1/orgs?state=at_risk&competency=cloud-platform&limit=2" | jq -c .)" \
  "$("${A[@]}" orgs --state at_risk --competency cloud-platform --limit 2 --json | jq -c .)"
expect_eq "... its next page too" "$(curl -s "$url/v1/orgs?limit=2&after=contoso" | jq -c .)" \
  "$("${A[@]}" orgs --limit 2 --after contoso --json | jq -c .)"
expect_eq "... a bad state is 400" "$(code "$url/v1/orgs?state=sleepy")" 400
expect_eq "... an unknown ?after= is 404" "$(code "$url/v1/orgs?after=nobody")" 404
expect_eq "/v1/orgs/{id}/history is attain history --json" "$(curl -s "$url/v1/orgs/tailspin/history" | jq -c .)" \
  "$("${A[@]}" history tailspin --json | jq -c .)"
expect_eq "... 404 for an unknown organisation" "$(code "$url/v1/orgs/nobody/history")" 404
expect_eq "/v1/alerts?state=open is attain alerts --open --json" "$(curl -s "$url/v1/alerts?state=open" | jq -c .)" \
  "$("${A[@]}" alerts --open --json | jq -c .)"
expect_contains "... and has the open alert" "$(curl -s "$url/v1/alerts?state=open&org=tailspin")" '"org":"tailspin"'
expect_eq "... a bad state is 400" "$(code "$url/v1/alerts?state=closed")" 400

# /v1/status is ctl status (less what moves between the two asks).
strip='del(.uptime_s, .running, .queue)'
expect_eq "/v1/status answers what ctl status answers" "$(curl -s "$url/v1/status" | jq -c "$strip")" \
  "$("${A[@]}" ctl status | jq -c "$strip")"

# /metrics: the text format promtool accepts without a warning, no label per organisation.
curl -s "$url/metrics" > metrics.txt
lint=$(promtool check metrics < metrics.txt 2>&1) && rc=0 || rc=$?
expect_eq "promtool check metrics accepts /metrics with no warning" "$rc:$lint" "0:"
for family in attain_evaluations_total attain_evaluation_errors_total attain_sweep_duration_seconds_bucket \
  attain_sweep_last_success_timestamp_seconds attain_reloads_total attain_policy_set_info \
  attain_queue_length attain_organisations attain_alerts_raised_total attain_alerts_cleared_total \
  attain_http_requests_total; do
  expect_contains "/metrics has $family" "$(cat metrics.txt)" "$family"
done
expect_contains "evaluations are counted per competency" "$(cat metrics.txt)" \
  'attain_evaluations_total{competency="cloud-platform"} 6'
expect_contains "organisations are counted by state per competency" "$(cat metrics.txt)" \
  'attain_organisations{competency="cloud-platform",state="at_risk"} 1'
expect_contains "HTTP requests are counted by route and code" "$(cat metrics.txt)" \
  'attain_http_requests_total{route="/v1/orgs/{id}",code="404"} 1'
expect_eq "no sample is labelled with an organisation" "$(grep -c 'tailspin\|contoso\|org=' metrics.txt)" 0
expect_contains "the content type is Prometheus text 0.0.4" \
  "$(curl -s -o /dev/null -w '%{content_type}' "$url/metrics")" "text/plain; version=0.0.4"

# Mutations need the token: 403 without it or with another, done with it.
expect_eq "POST /v1/reload without the token is 403" "$(code -X POST "$url/v1/reload")" 403
expect_eq "... with a wrong token too" "$(code -X POST -H 'Authorization: Bearer not-the-token-at-all' "$url/v1/reload")" 403
auth=(-H "Authorization: Bearer $(cat token)")
out=$(curl -s -X POST "${auth[@]}" "$url/v1/reload")
expect_contains "with the token, POST /v1/reload reloads" "$out" '"ok":true'
expect_contains "POST /v1/reload?dry_run=1 previews without a swap" \
  "$(curl -s -X POST "${auth[@]}" "$url/v1/reload?dry_run=1")" '"ok":true,"dry_run":true'
expect_eq "... a bad dry_run value is 400" "$(code -X POST "${auth[@]}" "$url/v1/reload?dry_run=maybe")" 400
expect_eq "POST /v1/reload?confirm=V with nothing held is 409" \
  "$(code -X POST "${auth[@]}" "$url/v1/reload?confirm=0123456789abcdef")" 409
expect_eq "POST /v1/sweep queues a full sweep (202)" "$(code -X POST "${auth[@]}" "$url/v1/sweep")" 202
wait_for serve.log 'event=sweep kind=full' || true
expect_contains "... which runs" "$(cat serve.log)" 'event=sweep kind=full'
out=$(curl -s -X POST "${auth[@]}" "$url/v1/orgs/contoso/eval")
expect_contains "POST /v1/orgs/{id}/eval evaluates and answers as ctl eval does" "$out" '"ok":true,"org":"contoso"'
expect_eq "... 404 for an unknown organisation" "$(code -X POST "${auth[@]}" "$url/v1/orgs/nobody/eval")" 404
expect_eq "GET on a mutation is 405" "$(code "$url/v1/reload")" 405
expect_eq "POST on a read is 405" "$(code -X POST "$url/v1/status")" 405
expect_eq "an unknown path is 404" "$(code "$url/v2/everything")" 404

# Bad requests: a clean 4xx, and the daemon goes on.
reply=$(printf 'GET /health/live HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n' | timeout 5 nc 127.0.0.1 "${url##*:}" | head -n 1 | tr -d '\r')
expect_eq "a malformed request gets 400" "$reply" "HTTP/1.1 400 Bad Request"
expect_eq "a header block over 32 KiB gets 431" \
  "$(code -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)" "$url/health/live")" 431
expect_eq "a body over 64 KiB gets 413" \
  "$(head -c 100000 /dev/zero | code -X POST "${auth[@]}" --data-binary @- "$url/v1/sweep")" 413
exec 4<>/dev/tcp/127.0.0.1/"${url##*:}" # a client that connects and says nothing
printf 'GET /health/live HTTP/1.1\r\nHo' >&4 # ... or stops half way
expect_eq "... other clients are still answered" "$(code "$url/health/ready")" 200
exec 4>&-
expect_eq "the daemon answers ctl status after all that" "$("${A[@]}" ctl status >/dev/null && echo ok)" ok

# A failed reload: still ready, degraded in the body, ctl status exits non-zero.
cp pol/security.lua security.good
printf 'return a.competency {\n' > pol/security.lua
"${A[@]}" ctl reload >/dev/null || true
expect_eq "after a failed reload /health/ready still answers 200" "$(code "$url/health/ready")" 200
expect_contains "... and says degraded" "$(curl -s "$url/health/ready")" '"health":"degraded"'
expect_contains "... naming the failure" "$(curl -s "$url/health/ready")" 'the last reload failed'
"${A[@]}" ctl status > status.json 2> status.err && rc=0 || rc=$?
expect_eq "ctl status exits 1 while degraded" "$rc" 1
expect_contains "... and says so on stderr" "$(cat status.err)" "degraded"
sleep 1.1 # the view HTTP reads is published every second
expect_contains "/metrics says degraded" "$(curl -s "$url/metrics")" "attain_degraded 1"
cp security.good pol/security.lua
"${A[@]}" ctl reload >/dev/null
expect_contains "back to the serving files, the log says the failure is over" \
  "$(grep 'event=reload' serve.log | tail -n 1)" 'result=unchanged trigger=ctl'
expect_contains "... at info level" "$(grep 'event=reload' serve.log | tail -n 1)" 'level=info'
expect_eq "... and ctl status exits 0 again" "$("${A[@]}" ctl status >/dev/null && echo 0)" 0

kill -TERM "$pid"
wait "$pid" && rc=0 || rc=$?
expect_eq "SIGTERM stops the daemon and its listener, exit 0" "$rc" 0

# ---- reads behind a token ----
cp token read_token
serve read.log "${A[@]}" serve --http 127.0.0.1:0 --http-read-token-file read_token --every 1h
expect_eq "with --http-read-token-file, reads without it are 403" "$(code "$url/v1/status")" 403
expect_eq "... /metrics too" "$(code "$url/metrics")" 403
expect_eq "... with it, 200" "$(code "${auth[@]}" "$url/v1/status")" 200
expect_eq "... health stays open for probes" "$(code "$url/health/live")" 200
expect_eq "... mutations stay refused without --http-token-file" "$(code -X POST "${auth[@]}" "$url/v1/sweep")" 403
port=${url##*:}

# ---- refusals at start ----
"$ATTAIN" --db other.db init >/dev/null
"$ATTAIN" --db other.db --policies pol serve --http 127.0.0.1:"$port" 2> inuse.log && rc=0 || rc=$?
expect_eq "a port in use: serve exits 1" "$rc" 1
expect_contains "... naming the address" "$(cat inuse.log)" "cannot listen on 127.0.0.1:$port"
kill -TERM "$pid"
wait "$pid" || true
chmod 644 token
"${A[@]}" serve --http 127.0.0.1:0 --http-token-file token 2> perm.log && rc=0 || rc=$?
expect_eq "a token file readable by others: serve exits 1" "$rc" 1
expect_contains "... saying so" "$(cat perm.log)" "readable by group or others (chmod 600 it)"
"${A[@]}" serve --http-token-file token 2> usage.log && rc=0 || rc=$?
expect_eq "--http-token-file without --http is a usage error" "$rc" 2
"${A[@]}" serve --http nowhere:80 2> addr.log && rc=0 || rc=$?
expect_eq "a listen address that is not numeric: exit 1" "$rc" 1
expect_contains "... with the forms accepted" "$(cat addr.log)" "expected PORT, ADDRESS:PORT"
finish
