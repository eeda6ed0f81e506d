# Import reads are bounded by the 1 MiB line limit (issue 12, defect 3): a file of 1,000
# good lines, one 200 MB line and 1,000 more fails whole (exit 65, FILE:LINE, nothing
# stored) under an address-space limit that the old getline() reader ran out of — it took
# the allocation failure for the end of the file and stored the first 1,000 lines; /dev/zero
# is a binary file, not "no records"; a read error fails the file with exit 74.
. "$(dirname "$0")/lib.bash"

"$ATTAIN" --db a.db init >/dev/null
orgs() { for i in $(seq "$2"); do echo "{\"type\":\"org\",\"id\":\"$1$i\"}"; done; }
huge_line_file() {
  orgs a 1000
  head -c 200000000 /dev/zero | tr '\0' x
  echo
  orgs b 1000
}
# An AddressSanitizer build reserves terabytes of address space, so the limit is only set
# on a normal build; the reader is bounded either way.
limit_kb=300000
if [[ $(ldd "$ATTAIN") == *libasan* ]]; then limit_kb=unlimited; fi # (not grep -q: ldd would die of SIGPIPE under pipefail)

set +e +o pipefail # (the generator is cut off by a SIGPIPE: the importer's code counts)
out=$(huge_line_file | (ulimit -v "$limit_kb"; "$ATTAIN" --db a.db import -) 2>&1)
rc=$?
set -e -o pipefail
expect_eq "a file with a 200 MB line exits 65" "$rc" 65
expect_eq "... naming the line" "$out" "<stdin>:1001: line longer than 1048576 bytes"
expect_eq "... and stores none of its 2,000 good lines" "$(sqlite3 a.db 'SELECT count(*) FROM org')" 0

set +e
out=$( (ulimit -v "$limit_kb"; timeout 20 "$ATTAIN" --db a.db import /dev/zero) 2>&1)
rc=$?
set -e
expect_eq "/dev/zero exits 65" "$rc" 65
expect_eq "... as a binary file" "$out" "/dev/zero:1: line holds a NUL byte (is this a binary file?)"

# A line of exactly 1 MiB is allowed; one byte more is not.
{ printf '{"type":"org","id":"big","name":"'; head -c $((1048576 - 35)) /dev/zero | tr '\0' n; printf '"}\n'; } > edge.jsonl
expect_eq "the edge file's line is 1 MiB" "$(head -n 1 edge.jsonl | tr -d '\n' | wc -c)" 1048576
set +e
out=$("$ATTAIN" --db a.db import edge.jsonl 2>&1)
rc=$?
set -e
expect_contains "a line of exactly 1 MiB is read (and judged by its content)" "$out" 'edge.jsonl:1: org: field "name"'
{ printf '{"type":"org","id":"big","name":"'; head -c $((1048576 - 34)) /dev/zero | tr '\0' n; printf '"}\n'; } > over.jsonl
set +e
out=$("$ATTAIN" --db a.db import over.jsonl 2>&1)
rc=$?
set -e
expect_eq "one byte more is too long" "$out" "over.jsonl:1: line longer than 1048576 bytes"

# A read error (a directory: EISDIR at the first read) is exit 74 with the reason.
mkdir adir
set +e
out=$("$ATTAIN" --db a.db import adir 2>&1)
rc=$?
set -e
expect_eq "a read error exits 74" "$rc" 74
expect_eq "... with the reason" "$out" "adir:1: read error: Is a directory"
expect_eq "nothing was stored by any of it" "$(sqlite3 a.db 'SELECT count(*) FROM org')" 0
finish
