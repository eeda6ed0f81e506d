# attain serve under a service manager's $NOTIFY_SOCKET (tests/tools/notify_listen plays
# systemd's end): READY=1 once the start-up reload is done and the control socket
# answers, RELOADING=1/READY=1 around a SIGHUP and a file-change reload, a refused set
# named in STATUS=, WATCHDOG=1 every half of $WATCHDOG_USEC, STOPPING=1 on SIGTERM and
# nothing after it but the watchdog; and READY=1 with the reason when no good set loads.
. "$(dirname "$0")/lib.bash"
: "${NOTIFY_LISTEN:?NOTIFY_LISTEN must name tests/tools/notify_listen}"

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT

# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
  local limit=$(($1 * 20 * ${ATTAIN_TIMING_SCALE:-1}))
  shift
  for _ in $(seq "$limit"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.05; done
  return 1
}
# The messages but the watchdog's, one per line; MONOTONIC_USEC's value as N.
said() { grep -v '^WATCHDOG=1$' "$1" | sed 's/MONOTONIC_USEC=[0-9][0-9]* /MONOTONIC_USEC=N /'; }
count_said() { said "$1" | grep -c "^$2" || true; }

"$NOTIFY_LISTEN" "$T/notify.sock" > notify.log &
listener=$!
pids+=("$listener")
wait_for 5 test -S "$T/notify.sock" || fail "the listener did not start"

NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=300000 "${A[@]}" serve --every 1h 2> serve.log &
pid=$!
pids+=("$pid")
wait_for 10 grep -q '^READY=1' notify.log || fail "no READY=1"
ctl_at_ready=$("${A[@]}" ctl status 2>&1 || true)
v0=$(sed -n 's/.*event=reload result=ok trigger=start version=\([0-9a-f]*\).*/\1/p' serve.log)
expect_eq "READY=1 once the start-up set serves, with what serves as STATUS" \
  "$(said notify.log)" "READY=1 STATUS=serving policy set $v0 (19 policies)"
expect_contains "... and the control socket answers by then" "$ctl_at_ready" "\"policy\":\"$v0\""

wait_for 10 sh -c '[ "$(grep -c "^WATCHDOG=1$" notify.log)" -ge 3 ]' \
  && pass "WATCHDOG=1 every half of WATCHDOG_USEC" || fail "fewer than 3 WATCHDOG=1 in 10 s"

kill -HUP "$pid"
wait_for 10 sh -c '[ "$(grep -c "^READY=1" notify.log)" -ge 2 ]' || fail "no READY=1 after SIGHUP"
expect_eq "SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1" "$(said notify.log | sed -n '2,3p')" \
  "RELOADING=1 MONOTONIC_USEC=N STATUS=reloading policies (sighup)
READY=1 STATUS=serving policy set $v0 (19 policies)"

# A broken edit (seen by the directory watch) is refused; STATUS says so, still READY.
printf 'local a = require "attain"\nreturn a.competency {\n  id = "cloud-platform" name = "x",\n}\n' > pol/zz-broken.lua
wait_for 10 grep -q 'the last reload failed' notify.log || fail "the refused set is not in STATUS"
expect_eq "a file change: RELOADING=1 then READY=1 naming the refused file" \
  "$(said notify.log | sed -n '4,5p')" \
  "RELOADING=1 MONOTONIC_USEC=N STATUS=reloading policies (fs)
READY=1 STATUS=serving policy set $v0 (19 policies); the last reload failed: pol/zz-broken.lua:3: failed to compile: '}' expected (to close '{' at line 2) near 'name'"

kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
wait "$listener"; lrc=$?
set -e
expect_eq "SIGTERM exits 0" "$rc" 0
expect_eq "the listener saw STOPPING=1" "$lrc" 0
expect_eq "STOPPING=1 is the last word" "$(said notify.log | tail -n 1)" "STOPPING=1 STATUS=stopping (TERM)"
expect_eq "READY=1 at start and after each reload, RELOADING=1 per reload, STOPPING=1 once" \
  "$(count_said notify.log READY=1)/$(count_said notify.log RELOADING=1)/$(count_said notify.log STOPPING=1)" "3/2/1"

# No good set at start: the daemon is up (it answers ctl and waits for a fix) and says why.
rm pol/*.lua
printf 'return {\n' > pol/broken.lua
"$NOTIFY_LISTEN" "@attain-e2e-notify.$$" > notify2.log &
listener=$!
pids+=("$listener")
wait_for 5 grep -q "@attain-e2e-notify.$$\$" /proc/net/unix || fail "the abstract listener did not start"
NOTIFY_SOCKET="@attain-e2e-notify.$$" "${A[@]}" serve --every 1h 2> serve2.log &
pid=$!
pids+=("$pid")
wait_for 10 grep -q '^READY=1' notify2.log || fail "no READY=1 without a good set"
ctl_at_ready=$("${A[@]}" ctl status 2>&1 || true)
kill -TERM "$pid"
wait "$pid" || true
wait "$listener" || true
expect_eq "READY=1 without a good set names the problem (abstract socket)" "$(said notify2.log)" \
  "READY=1 STATUS=no good policy set is loaded: pol/broken.lua:2: failed to compile: unexpected symbol near <eof>
STOPPING=1 STATUS=stopping (TERM)"
expect_contains "... and the daemon answers ctl, waiting for a good set" "$ctl_at_ready" '"ok":true,"health":"unavailable"'
expect_contains "... its policy null" "$ctl_at_ready" '"policy":null'
expect_eq "no WATCHDOG=1 unless asked for" "$(grep -c '^WATCHDOG=1$' notify2.log || true)" 0
finish
