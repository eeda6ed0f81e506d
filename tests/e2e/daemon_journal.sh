# attain serve's journal log format: every line starts with its syslog priority ("<3>"
# error, "<4>" warn, "<6>" info, "<7>" debug) when --log-format journal is given or when
# $JOURNAL_STREAM names its standard error (as systemd sets it), so `journalctl -p err`
# finds the errors; an inherited $JOURNAL_STREAM naming another file, or --log-format
# text, keeps the plain lines.
. "$(dirname "$0")/lib.bash"

mkdir pol
cp "$ATTAIN_SOURCE_DIR/policies/cloud-platform.lua" pol/
mkdir -p pol/lib && cp "$ATTAIN_SOURCE_DIR/policies/lib/codes.lua" pol/lib/ # the code lists it requires
printf 'return {\n' > pol/broken.lua # refused: one error line per reload
A=("$ATTAIN" --db d.db --policies pol)
"${A[@]}" init >/dev/null
pid=
trap '[ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT

# serve_once LOG ARGS...: runs the daemon (stderr appended to LOG) until its start-up
# reload is logged, then stops it.
serve_once() {
  local log=$1
  shift
  "${A[@]}" serve --every 1h --log-level debug "$@" 2>> "$log" &
  pid=$!
  for _ in $(seq 400); do grep -q 'event=reload' "$log" && break; sleep 0.025; done
  kill -TERM "$pid"
  wait "$pid" || true
  pid=
}
# The lines at priority err or above, as `journalctl -p err` would select them.
errors_of() { grep -E '^<[0-3]>' "$1" || true; }

: > j.log
JOURNAL_STREAM=$(stat -c %d:%i j.log) serve_once j.log
expect_eq "under the journal every line carries a priority" "$(grep -cv '^<[0-7]>ts=' j.log || true)" 0
expect_contains "the start is info (<6>)" "$(sed -n 1p j.log)" "<6>ts="
expect_contains "... the same key=value line" "$(sed -n 1p j.log)" " level=info event=start db=d.db policies=pol"
expect_eq "journalctl -p err finds the refused reload and nothing else" \
  "$(errors_of j.log | sed 's/^<3>ts=[^ ]* //; s/ version=[0-9a-f]* / version=V /')" \
  "level=error event=reload result=failed trigger=start version=V serving=- error=\"pol/broken.lua:2: failed to compile: unexpected symbol near <eof>\""
expect_contains "the stop is info too" "$(tail -n 1 j.log)" "<6>ts="

: > other.log
: > inherited.log
JOURNAL_STREAM=$(stat -c %d:%i other.log) serve_once inherited.log
expect_eq "an inherited JOURNAL_STREAM naming another file: plain lines" \
  "$(grep -c '^ts=' inherited.log)/$(grep -c '^<' inherited.log || true)" "$(wc -l < inherited.log)/0"

: > explicit.log
serve_once explicit.log --log-format journal
expect_eq "--log-format journal: priorities without the journal too" \
  "$(errors_of explicit.log | wc -l)/$(grep -c '^<6>ts=' explicit.log)" "1/$(($(wc -l < explicit.log) - 1))"

: > text.log
JOURNAL_STREAM=$(stat -c %d:%i text.log) serve_once text.log --log-format text
expect_eq "--log-format text wins over JOURNAL_STREAM" "$(grep -c '^<' text.log || true)" 0

set +e
out=$("${A[@]}" serve --log-format syslog 2>&1)
rc=$?
set -e
expect_eq "an unknown format is a usage error" "$rc" 2
expect_contains "... that says which formats there are" "$out" "attain serve: --log-format must be text or journal"
finish
