# Crash consistency: kill -9 at random moments during `import`, `eval` and `serve`
# sweeps. After every kill: PRAGMA integrity_check is "ok"; the imported files are all or
# nothing (the database holds exactly the first k files, for some k: its row counts and
# data revision match a clean import of k files); every organisation's stored results
# carry the version of its evaluation row (no sweep chunk half-written). After catching
# up, the content is identical to an uninterrupted run. Bounded: 3,000 organisations,
# 20 + 15 + 15 kills (ATTAIN_CRASH_KILLS scales the counts), delays scaled by
# ATTAIN_TIMING_SCALE for the sanitizer build.
. "$(dirname "$0")/lib.bash"

scale=${ATTAIN_TIMING_SCALE:-1}
kills=${ATTAIN_CRASH_KILLS:-1}
cp -r "$ATTAIN_SOURCE_DIR/policies" pol
lua5.4 "$ATTAIN_SOURCE_DIR/tests/bench/gen.lua" --orgs 3000 --seed 7 > all.jsonl 2>/dev/null
split -d -n l/6 --additional-suffix=.jsonl all.jsonl part-
files=(part-*.jsonl)
AT=2026-11-25T12:00:00Z

tables=$(sqlite3 /dev/null 'SELECT 1' >/dev/null; "$ATTAIN" --db probe.db init >/dev/null;
  sqlite3 probe.db "SELECT name FROM sqlite_schema WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
fact_tables="org user msa msa_link achievement metric override membership"
# counts DB: the fact tables' row counts and the data revision, one line.
counts() {
  local q="SELECT ''" t
  for t in $fact_tables; do q="$q || (SELECT count(*) FROM \"$t\") || ' '"; done
  sqlite3 "$1" "$q || (SELECT coalesce((SELECT value FROM meta WHERE key = 'data_rev'), 0))"
}
# same_content DB: every table's rows without surrogate ids (their order of allocation
# depends on which worker commits first), canonical.
same_content() {
  local db=$1 t cols
  for t in $tables; do
    cols=$(sqlite3 "$db" "SELECT group_concat(name, ',') FROM pragma_table_info('$t') WHERE name != 'id'")
    echo "== $t"
    sqlite3 "$db" "SELECT $cols FROM \"$t\"" | sort
  done
}
integrity() { sqlite3 "$1" 'PRAGMA integrity_check'; }
# Organisations whose results name another version than their evaluation row.
mixed() {
  sqlite3 "$1" "SELECT count(*) FROM result r JOIN evaluation e USING (oid) WHERE r.policy != e.policy"
}
# rand_delay MAX: a random delay in seconds, from 0 to MAX ms (the windows are measured
# on this build, so a sanitizer build's slowness is in them already).
rand_delay() { awk -v r="$RANDOM" -v m="$1" 'BEGIN { printf "%.3f", r / 32767 * m / 1000 }'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# The reference: the files imported one by one (counts after each), then evaluated.
"$ATTAIN" --db ref.db init >/dev/null
declare -A prefix
prefix["$(counts ref.db)"]=0
start=$(now_ms)
k=0
for f in "${files[@]}"; do
  "$ATTAIN" --db ref.db import --quiet "$f"
  k=$((k + 1))
  prefix["$(counts ref.db)"]=$k
done
import_ms=$(($(now_ms) - start))

# ---- import: kill -9 while the six files are imported, then import them again.
"$ATTAIN" --db d.db init >/dev/null
killed=0
bad=0
for try in $(seq $((20 * kills))); do
  "$ATTAIN" --db d.db import --quiet "${files[@]}" 2>/dev/null &
  p=$!
  sleep "$(rand_delay $((import_ms * 4 / 5)))"
  kill -KILL "$p" 2>/dev/null && killed=$((killed + 1))
  wait "$p" 2>/dev/null || true
  c=$(counts d.db)
  if [ "$(integrity d.db)" != ok ]; then bad=$((bad + 1)); fail "import try $try: integrity_check: $(integrity d.db)"; fi
  if [ -z "${prefix[$c]+x}" ]; then bad=$((bad + 1)); fail "import try $try: not a whole number of files: $c"; fi
done
expect_eq "import: $killed kills -9, integrity ok and whole files after each" "$bad" 0
"$ATTAIN" --db d.db import --quiet "${files[@]}"
expect_eq "... after catching up, the facts equal an uninterrupted import" \
  "$(same_content d.db | md5sum)" "$(same_content ref.db | md5sum)"

# ---- eval: kill -9 during `eval --at`, then run it again.
start=$(now_ms)
"$ATTAIN" --db ref.db --policies pol eval --at "$AT" >/dev/null 2>&1
eval_ms=$(($(now_ms) - start))
killed=0
bad=0
for try in $(seq $((15 * kills))); do
  "$ATTAIN" --db d.db --policies pol eval --at "$AT" >/dev/null 2>&1 &
  p=$!
  sleep "$(rand_delay "$eval_ms")"
  kill -KILL "$p" 2>/dev/null && killed=$((killed + 1))
  wait "$p" 2>/dev/null || true
  if [ "$(integrity d.db)" != ok ]; then bad=$((bad + 1)); fail "eval try $try: integrity_check: $(integrity d.db)"; fi
  if [ "$(mixed d.db)" != 0 ]; then bad=$((bad + 1)); fail "eval try $try: results of another version than their evaluation"; fi
done
expect_eq "eval: $killed kills -9, integrity ok and no half-written organisation after each" "$bad" 0
"$ATTAIN" --db d.db --policies pol eval --at "$AT" >/dev/null 2>&1
expect_eq "... after catching up, every table equals an uninterrupted eval" \
  "$(same_content d.db | md5sum)" "$(same_content ref.db | md5sum)"

# ---- serve: kill -9 during sweeps; each try edits a policy first, so that the restarted
# daemon has every organisation to re-evaluate under a new version (a kill between two
# of its chunks leaves organisations of both versions: "mid-sweep").
killed=0
bad=0
midsweep=0
for try in $(seq $((15 * kills))); do
  sed -i "s/at_least = [0-9]*000/at_least = $((15 + try % 2))000/" pol/cloud-platform.lua
  "$ATTAIN" --db d.db --policies pol serve --every 100ms 2>/dev/null &
  p=$!
  sleep "$(rand_delay $((100 * scale + eval_ms * 3 / 2)))"
  kill -KILL "$p" 2>/dev/null && killed=$((killed + 1))
  wait "$p" 2>/dev/null || true
  if [ "$(integrity d.db)" != ok ]; then bad=$((bad + 1)); fail "serve try $try: integrity_check: $(integrity d.db)"; fi
  if [ "$(mixed d.db)" != 0 ]; then bad=$((bad + 1)); fail "serve try $try: results of another version than their evaluation"; fi
  [ "$(sqlite3 d.db 'SELECT count(DISTINCT policy) FROM evaluation')" -gt 1 ] && midsweep=$((midsweep + 1))
done
expect_eq "serve: $killed kills -9 ($midsweep mid-sweep), integrity ok and no half-written organisation after each" "$bad" 0

# Catch up: a daemon that is left to run evaluates everything under its version.
"$ATTAIN" --db d.db --policies pol serve --every 100ms 2> serve.log &
p=$!
trap 'kill -TERM "$p" 2>/dev/null || true; rm -rf "$T"' EXIT
caught_up() {
  local st
  st=$("$ATTAIN" --db d.db ctl status 2>/dev/null) || return 1
  [[ "$st" == *'"running":null,"queue":0'* ]] || return 1
  v=$(echo "$st" | sed -n 's/.*"policy":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$v" ] && [ "$(sqlite3 d.db "SELECT count(*) FROM evaluation WHERE policy != '$v'")" = 0 ] &&
    [ "$(sqlite3 d.db 'SELECT count(*) FROM evaluation')" = "$(sqlite3 d.db 'SELECT count(*) FROM org')" ]
}
for _ in $(seq $((200 * scale))); do caught_up && break; sleep 0.1; done
caught_up && pass "serve: the restarted daemon caught up (version $v)" || fail "serve: no catch-up"
kill -TERM "$p"
wait "$p"
# The reference for each sweep's time: a clean eval of the same facts and policies at it.
ok=1
for at in $(sqlite3 d.db 'SELECT DISTINCT at FROM evaluation'); do
  rm -f r.db r.db-wal r.db-shm
  sqlite3 d.db ".backup r.db"
  # (evaluations stored after `at` would make eval refuse to write history backwards;
  # levels and errors do not depend on them)
  sqlite3 r.db "DELETE FROM evaluation WHERE at > $at"
  iso=$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ)
  "$ATTAIN" --db r.db --policies pol eval --at "$iso" >/dev/null 2>&1 ||
    fail "serve: the reference eval at $iso failed: $("$ATTAIN" --db r.db --policies pol eval --at "$iso" 2>&1 >/dev/null | head -n 2)"
  sqlite3 d.db "SELECT oid, competency, r.policy, level, error FROM result r JOIN evaluation e USING (oid) WHERE e.at = $at ORDER BY 1, 2" > got.txt
  sqlite3 r.db "ATTACH 'd.db' AS d; SELECT oid, competency, policy, level, error FROM result WHERE oid IN (SELECT oid FROM d.evaluation WHERE at = $at) ORDER BY 1, 2" > want.txt
  sqlite3 d.db "SELECT oid FROM evaluation WHERE at = $at ORDER BY 1" > orgs.txt
  if ! cmp -s got.txt want.txt; then
    ok=0
    fail "serve: the results of the sweep at $iso ($(wc -l < orgs.txt) organisations) differ from a clean eval at that time: $(diff got.txt want.txt | head -n 6 | tr '\n' ' ')"
  fi
done
[ "$ok" = 1 ] && pass "... its results equal a clean eval at each sweep's time ($(sqlite3 d.db 'SELECT count(DISTINCT at) FROM evaluation') sweep times)"
expect_eq "... integrity ok at the end" "$(integrity d.db)" ok
finish
