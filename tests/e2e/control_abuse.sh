# The control socket under abuse (issue 12, defects 4 and 5): garbage, an oversized line
# (exactly one error reply, then closed), pipelining 20,001 requests in one write while
# an eval is pending (every one answered, in order: the old server discarded input past
# ~80 KiB), a client that sends for 5 s and never reads (the daemon's memory stays
# bounded: the old one grew by hundreds of MB), and 120 connections against a daemon
# limited to 128 descriptors (64 served, the rest told so; evaluations still open the
# database: the old one ran out of descriptors). The daemon answers `ctl status` after all.
. "$(dirname "$0")/lib.bash"
: "${SOCKPEER:?SOCKPEER must name the sockpeer helper}"

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
"${A[@]}" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
(ulimit -n 128; exec "${A[@]}" serve --every 1h) 2> serve.log &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT
for _ in $(seq 200); do "${A[@]}" ctl status 2>/dev/null | grep -q '"policy":"' && break; sleep 0.05; done
rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$pid/status"; }

# Garbage: every line gets an error reply, nothing else happens.
head -c 60000 /dev/urandom > garbage.bin
lines=$(tr -cd '\n' < garbage.bin | wc -c)
"$SOCKPEER" d.db.sock send garbage.bin 20 > garbage.out || true
expect_eq "garbage: one reply per line" "$(wc -l < garbage.out)" "$lines"
expect_eq "... every one an error" "$(grep -vc '^{"ok":false,"error":"malformed request: ' garbage.out || true)" 0

# Replies that quote bytes which are not UTF-8 (a parser message; a command cut mid
# character) are still one reply each: jansson refuses such strings, and the old server
# then sent nothing for the request (found by tests/fuzz/fuzz_control.c).
printf '{"\\u000\xd4\x8b"}\n{"cmd":"n1"}\n' > utf8-1.txt
printf '{"cmd":"x%s"}\n{"cmd":"n2"}\n' "$(printf '\xc3\xa9%.0s' $(seq 40))" > utf8-2.txt
out=$("$SOCKPEER" d.db.sock send utf8-1.txt 20)
expect_eq "a parser message quoting non-UTF-8 bytes: one reply per request" "$(echo "$out" | wc -l)" 2
expect_contains "... the first a readable error" "$(echo "$out" | head -n 1)" '{"ok":false,"error":"malformed request: invalid escape'
out=$("$SOCKPEER" d.db.sock send utf8-2.txt 20)
expect_eq "a reply the handler could not encode: still one reply per request" "$(echo "$out" | wc -l)" 2
expect_contains "... in order" "$(echo "$out" | tail -n 1)" 'unknown cmd \"n2\"'

# An oversized line: one error reply, then the connection is closed (the request after
# it is never read).
{ head -c 200000 /dev/zero | tr '\0' x; printf '\n{"cmd":"status"}\n'; } > long.txt
"$SOCKPEER" d.db.sock send long.txt 20 > long.out || true
expect_eq "an oversized line gets exactly one reply, and nothing after it" "$(cat long.out)" \
  '{"ok":false,"error":"request longer than 65536 bytes"}'

# Pipelining while an eval is pending: eval, then 10,000 × (status, an unknown command
# numbered k): 20,001 replies, in order.
{
  echo '{"cmd":"eval","org":"contoso"}'
  for k in $(seq 10000); do echo '{"cmd":"status"}'; echo "{\"cmd\":\"n$k\"}"; done
} > pipe.txt
"$SOCKPEER" d.db.sock send pipe.txt 60 > pipe.out || fail "the pipelined requests were not all answered in time"
expect_eq "pipelining: one reply per request" "$(wc -l < pipe.out)" 20001
expect_contains "... the eval first" "$(head -n 1 pipe.out)" '"ok":true,"org":"contoso"'
expect_eq "... no request spliced or lost" "$(grep -c 'malformed' pipe.out || true)" 0
expect_eq "... replies in request order" \
  "$(sed -n 's/.*unknown cmd \\"n\([0-9]*\)\\".*/\1/p' pipe.out | tr '\n' ' ')" "$(seq 10000 | tr '\n' ' ')"
expect_eq "... status and unknown alternating" \
  "$(sed -n '2~2p' pipe.out | grep -c '"uptime_s"')" 10000

# A client that never reads its replies: the daemon stops reading from it; memory stays
# bounded (the old daemon queued every reply: ~80 MB/s).
before=$(rss_kb)
sent=$("$SOCKPEER" d.db.sock flood 5)
after=$(rss_kb)
grown=$(((after - before) / 1024))
if [ "$grown" -lt 20 ]; then pass "a never-reading client grows the daemon by ${grown} MB (< 20; $sent requests sent)"
else fail "a never-reading client grew the daemon by ${grown} MB ($sent requests sent)"; fi
expect_contains "... and the daemon still answers others" "$("${A[@]}" ctl status)" '"ok":true'

# 120 connections at once against 128 descriptors: 64 served, 56 told "too many clients";
# an evaluation on a served connection still opens the database.
out=$("$SOCKPEER" d.db.sock hold 120 1 '{"cmd":"eval","org":"contoso"}')
expect_contains "connections over the cap are told so" "$out" \
  '{"ok":false,"error":"too many clients: at most 64 connections at a time"}'
expect_contains "... 56 of 120" "$out" "refused=56"
expect_contains "... an eval on a served one works" "$out" '"ok":true,"org":"contoso"'
expect_eq "... nothing failed to open the database" "$(grep -c 'unable to open' serve.log || true)" 0
sleep 0.3
expect_contains "once they close, ctl works again" "$("${A[@]}" ctl status)" '"ok":true'

kill -TERM "$pid"
wait "$pid"
expect_eq "the daemon exits 0 after all of it" "$?" 0
finish
