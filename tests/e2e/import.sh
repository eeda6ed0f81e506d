# attain init/import from the command line: the examples import twice to the same
# content, a bad line in the middle exits 65 with FILE:LINE: and stores nothing, files
# before it stay, standard input works, usage errors exit 2.
. "$(dirname "$0")/lib.bash"

"$ATTAIN" --db a.db init >/dev/null
"$ATTAIN" --db a.db import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
first=$(content a.db)
"$ATTAIN" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl --db a.db >/dev/null
expect_eq "importing the examples twice leaves the same content" "$(content a.db)" "$first"

# A file that updates one key twice: importing it again changes nothing, revisions included.
rev() { sqlite3 a.db "SELECT value FROM meta WHERE key = 'data_rev'"; }
{
  echo '{"type":"user","id":"c-ana","org":"contoso","name":"Ana","joined":"2024-01-01"}'
  echo '{"type":"user","id":"c-ana","org":"contoso","name":"Ana","joined":"2024-01-10"}'
} > twice.jsonl
out=$("$ATTAIN" --db a.db import twice.jsonl)
expect_contains "a file changing a user and back changes no organisation" "$out" "0 organisations changed"
before=$(rev)
out=$("$ATTAIN" --db a.db import twice.jsonl)
expect_contains "... nor does importing it again" "$out" "0 organisations changed"
expect_eq "... and the data revision stays" "$(rev)" "$before"
echo '{"type":"user","id":"c-ana","org":"contoso","name":"Ana Lima"}' > rename.jsonl
"$ATTAIN" --db a.db import rename.jsonl >/dev/null
expect_eq "a renamed user is stored" "$(sqlite3 a.db "SELECT name FROM user WHERE key = 'c-ana'")" "Ana Lima"
expect_eq "... without a new revision (nothing to re-evaluate)" "$(rev)" "$before"
echo '{"type":"user","id":"c-ana","org":"contoso","joined":"2024-01-11"}' > moved.jsonl
out=$("$ATTAIN" --db a.db import moved.jsonl)
expect_contains "a real change still counts" "$out" "1 organisations changed"
expect_eq "... with a new revision" "$(rev)" "$((before + 1))"
"$ATTAIN" --db a.db import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
echo '{"type":"user","id":"c-ana","org":"contoso","name":"Ana"}' | "$ATTAIN" --db a.db import - >/dev/null
first=$(content a.db)

head -n 5 "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl > bad.jsonl
echo '{"type":"metric","org":"contoso","metric":"azure_consumed_revenue","period":"2026-02","value":-1}' >> bad.jsonl
tail -n 5 "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >> bad.jsonl
echo '{"type":"org","id":"zzz-new","name":"New"}' > ok.jsonl
set +e
out=$("$ATTAIN" --db a.db import bad.jsonl 2>&1)
rc=$?
set -e
expect_eq "a bad line exits 65" "$rc" 65
expect_contains "the error names the file and line" "$out" "bad.jsonl:6: metric: field \"value\" must not be negative"
expect_eq "nothing of the bad file was stored" "$(content a.db)" "$first"

set +e
out=$("$ATTAIN" --db a.db import ok.jsonl bad.jsonl ok.jsonl 2>&1)
rc=$?
set -e
expect_eq "a bad file among several exits 65" "$rc" 65
expect_eq "the file before the bad one stayed" "$(sqlite3 a.db "SELECT count(*) FROM org WHERE key='zzz-new'")" 1
expect_contains "the files after it are named as not imported" "$out" "1 file(s) not imported"

out=$(echo '{"type":"org","id":"stdin-org"}' | "$ATTAIN" --db a.db import -)
expect_contains "standard input is '-'" "$out" "<stdin>: 1 records"

set +e
"$ATTAIN" --db a.db import >/dev/null 2>&1; rc_usage=$?
"$ATTAIN" --db a.db import --bogus x >/dev/null 2>&1; rc_opt=$?
"$ATTAIN" --db nowhere/x.db import ok.jsonl >/dev/null 2>&1; rc_nodb=$?
: > empty.jsonl
out=$("$ATTAIN" --db a.db import empty.jsonl 2>&1); rc_empty=$?
set -e
expect_eq "a missing argument is a usage error" "$rc_usage" 2
expect_eq "an unknown option is a usage error" "$rc_opt" 2
expect_eq "a database that cannot be opened exits 1" "$rc_nodb" 1
expect_eq "an empty file exits 65" "$rc_empty" 65
expect_contains "an empty file is named" "$out" "empty.jsonl:1: no records"
expect_contains "--help explains the command" "$("$ATTAIN" import --help)" "usage: attain import FILE..."
finish
