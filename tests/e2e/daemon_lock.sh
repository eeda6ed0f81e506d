# One daemon per database and per socket (issue 14): a second `serve` on the same database,
# or on the same socket, exits 1 naming the running daemon, and the first still answers
# `ctl status` (the old second daemon took the socket over and deleted it on exit); a
# stale socket of a daemon killed with -9 is cleaned up at the next start; a live socket
# of another program and a non-socket file are left alone; a socket in a missing
# directory says so (the old message was "permission denied"); --socket-mode and
# --socket-group open the socket to an operators' group.
. "$(dirname "$0")/lib.bash"

cp -r "$ATTAIN_SOURCE_DIR/policies" pol
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
"${A[@]}" --db e.db init >/dev/null
pids=()
trap 'for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
up() { for _ in $(seq 200); do "$ATTAIN" ctl --socket "$1" status 2>/dev/null | grep -q '"ok":true' && return 0; sleep 0.05; done; return 1; }

"${A[@]}" serve --every 1h 2> first.log &
first=$!
pids+=("$first")
up d.db.sock || fail "the first daemon did not start"

set +e
out=$(timeout 10 "${A[@]}" serve --every 1h 2>&1)
rc=$?
set -e
expect_eq "a second serve on the same database exits 1" "$rc" 1
expect_contains "... naming the running one" "$out" \
  "failure=\"d.db is already served by another attain serve (pid $first, control socket $T/d.db.sock); stop it first, or use \`attain ctl\` to talk to it\""
expect_contains "the first still answers ctl status" "$("${A[@]}" ctl status)" '"ok":true'

set +e
out=$(timeout 10 "$ATTAIN" --db e.db --policies pol serve --every 1h --socket d.db.sock 2>&1)
rc=$?
set -e
expect_eq "a serve of another database on the same socket exits 1" "$rc" 1
expect_contains "... naming the running one" "$out" \
  "the control socket d.db.sock is in use by another attain serve (pid $first, database $T/d.db); choose another --socket"
expect_contains "the first still answers ctl status" "$("${A[@]}" ctl status)" '"ok":true'

# kill -9 leaves the socket file behind; the next daemon removes it and starts.
kill -KILL "$first"
wait "$first" 2>/dev/null || true
expect_eq "a daemon killed with -9 leaves its socket" "$(test -S d.db.sock && echo yes)" yes
expect_eq "ctl says nobody listens there" "$("${A[@]}" ctl status 2>&1 || true)" \
  "attain ctl: d.db.sock: cannot connect: no daemon is listening (the socket of a daemon that died?)"
"${A[@]}" serve --every 1h 2> second.log &
second=$!
pids+=("$second")
if up d.db.sock; then pass "the next daemon cleans up the stale socket and serves"; else fail "no daemon after the stale socket: $(cat second.log)"; fi
kill -TERM "$second"
wait "$second"

# A live socket of another program is never unlinked; nor is a file that is no socket.
nc -klU other.sock >/dev/null 2>&1 &
ncpid=$!
pids+=("$ncpid")
for _ in $(seq 100); do test -S other.sock && break; sleep 0.05; done
set +e
out=$(timeout 10 "${A[@]}" serve --every 1h --socket other.sock 2>&1)
rc=$?
set -e
expect_eq "a live socket of another program: exit 1" "$rc" 1
expect_contains "... saying so" "$out" "other.sock: another process is listening on this socket; it is left alone"
expect_eq "... and it is still there" "$(test -S other.sock && kill -0 "$ncpid" && echo yes)" yes
echo data > plain.file
set +e
out=$(timeout 10 "${A[@]}" serve --every 1h --socket plain.file 2>&1)
set -e
expect_contains "a file that is not a socket is refused" "$out" "plain.file: exists and is not a socket"
expect_eq "... and kept" "$(cat plain.file)" data

set +e
out=$(timeout 10 "${A[@]}" serve --every 1h --socket "$T/nodir/x.sock" 2>&1)
rc=$?
set -e
expect_eq "a socket in a missing directory: exit 1" "$rc" 1
expect_contains "... saying what is wrong" "$out" \
  "$T/nodir/x.sock: cannot create the socket: directory $T/nodir: No such file or directory"

# An operators' group: the socket is 0660 and belongs to the group; a member who is not
# the daemon's user can use ctl, someone outside the group cannot.
group=daemon
getent group "$group" >/dev/null || group=$(id -gn)
chmod 755 "$T"
"${A[@]}" serve --every 1h --socket-mode 0660 --socket-group "$group" 2> third.log &
third=$!
pids+=("$third")
up d.db.sock || fail "the daemon with --socket-mode did not start: $(cat third.log)"
expect_eq "--socket-mode 0660 --socket-group $group" "$(stat -c '%a %G' d.db.sock)" "660 $group"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  out=$(setpriv --reuid=nobody --regid="$group" --clear-groups "$ATTAIN" --db d.db ctl status 2>&1 || true)
  expect_contains "a member of the group can use ctl" "$out" '"ok":true'
  out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$ATTAIN" --db d.db ctl status 2>&1 || true)
  expect_contains "someone outside it cannot" "$out" "cannot connect: Permission denied"
fi
kill -TERM "$third"
wait "$third"

set +e
"${A[@]}" serve --socket-mode 0400 >/dev/null 2>&1; rc_mode=$?
"${A[@]}" serve --socket-group no-such-group-here >/dev/null 2>&1; rc_group=$?
set -e
expect_eq "--socket-mode without owner read and write is a usage error" "$rc_mode" 2
expect_eq "an unknown --socket-group is a usage error" "$rc_group" 2
finish
