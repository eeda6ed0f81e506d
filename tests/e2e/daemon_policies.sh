# attain serve and the shape of a policy directory: a change to a shared module in lib/
# reloads the set (its own watch), and a deployment by symbolic link — `ln -sfn v2 current`,
# then SIGHUP — serves the new release, after which edits to the new release reload and
# edits to the old one do not.
. "$(dirname "$0")/lib.bash"

mkdir -p releases/v1/lib
cat > releases/v1/lib/thresholds.lua <<'EOF'
return { revenue = 15000 }
EOF
cat > releases/v1/cloud-platform.lua <<'EOF'
local a = require "attain"
local thresholds = require "lib.thresholds"
return a.competency {
  id = "cloud-platform", name = "Cloud Platform",
  paths = {
    a.path { id = "consumption", level = "silver",
      a.certified { people = 2, codes = { "AZ-104", "AZ-204", "AZ-305" } },
      a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = thresholds.revenue } },
  },
}
EOF
cp -r releases/v1 releases/v2
sed -i 's/15000/16000/' releases/v2/lib/thresholds.lua
ln -s releases/v1 current
version_of() { "$ATTAIN" --policies "$1" check | sed -n 's/.*version \([0-9a-f]*\).*/\1/p'; }
v1=$(version_of releases/v1)
v2=$(version_of releases/v2)

A=("$ATTAIN" --db d.db --policies current)
"${A[@]}" init >/dev/null
"${A[@]}" import "$ATTAIN_SOURCE_DIR"/examples/facts.jsonl >/dev/null
"${A[@]}" serve --every 1s --log-level debug 2> serve.log &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT

ctl() { "${A[@]}" ctl "$@"; }
served_version() { ctl status 2>/dev/null | sed -n 's/.*"policy":"\([0-9a-f]*\)".*/\1/p'; }
# until SECONDS: the served version is $2
wait_version() {
  local i
  for i in $(seq $(($1 * 20))); do
    [ "$(served_version)" == "$2" ] && return 0
    sleep 0.05
  done
  return 1
}
wait_version 10 "$v1" || fail "the daemon did not serve release 1"
expect_eq "the daemon serves the release the link leads to" "$(served_version)" "$v1"

# An edit of the shared module is a new policy set, found by the watch on lib/.
sed -i 's/15000/15500/' releases/v1/lib/thresholds.lua
v1b=$(version_of releases/v1)
[ "$v1b" != "$v1" ] && pass "a lib/ module is part of the version" || fail "editing lib/ left the version"
wait_version $((5 * ${ATTAIN_TIMING_SCALE:-1})) "$v1b"
expect_eq "an edit of lib/thresholds.lua reloads the set" "$(served_version)" "$v1b"
expect_contains "... and the reload is logged" "$(cat serve.log)" "version=$v1b"

# The deployment: swap the link, then SIGHUP.
ln -sfn releases/v2 current
kill -HUP "$pid"
wait_version 5 "$v2"
expect_eq "after ln -sfn and SIGHUP the new release is served" "$(served_version)" "$v2"

# The watch follows the link: an edit of the new release reloads ...
sed -i 's/16000/17000/' releases/v2/lib/thresholds.lua
v2b=$(version_of releases/v2)
wait_version $((5 * ${ATTAIN_TIMING_SCALE:-1})) "$v2b"
expect_eq "an edit of the new release's lib/ reloads" "$(served_version)" "$v2b"
sed -i 's/name = "Cloud Platform"/name = "Cloud"/' releases/v2/cloud-platform.lua
v2c=$(version_of releases/v2)
wait_version $((5 * ${ATTAIN_TIMING_SCALE:-1})) "$v2c"
expect_eq "an edit of the new release's policy reloads" "$(served_version)" "$v2c"

# ... and one of the old release does not.
reloads_before=$(grep -c 'event=reload' serve.log)
sed -i 's/15500/99999/' releases/v1/lib/thresholds.lua
sed -i 's/name = "Cloud Platform"/name = "Old"/' releases/v1/cloud-platform.lua
sleep 1
expect_eq "edits of the old release trigger nothing" "$(grep -c 'event=reload' serve.log)" "$reloads_before"
expect_eq "... and the new release keeps serving" "$(served_version)" "$v2c"

# A module that breaks is refused with its line; the set before it keeps serving.
echo 'return { revenue = 17000 ' > releases/v2/lib/thresholds.lua
for _ in $(seq 100); do
  { ctl status || true; } | grep -q '"reloads_failed":[1-9]' && break
  sleep 0.05
done
expect_contains "a broken lib/ module is refused with file and line" "$(ctl status)" \
  "releases/v2/lib/thresholds.lua:2: failed to compile"
expect_eq "... while the last good set serves" "$(served_version)" "$v2c"

kill -TERM "$pid"
set +e
wait "$pid"; rc=$?
set -e
expect_eq "SIGTERM exits 0" "$rc" 0
finish
