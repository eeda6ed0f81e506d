# `cmake --install` into a temporary prefix (never the system), then everything a policy
# repository needs, run from there: the binary (--version, --help, check on a policy
# directory copied out of the source tree), a man page for every command covering each of
# its options, a plain Lua 5.4 script that requires attain.testing and attain.fixture from
# the prefix and evaluates a shipped policy, the installed .luacheckrc example refusing a
# global the sandbox does not offer, the LuaLS stubs and the docs.
. "$(dirname "$0")/lib.bash"
: "${ATTAIN_BUILD_DIR:?ATTAIN_BUILD_DIR must name the build directory}"

P=$T/prefix
cmake --install "$ATTAIN_BUILD_DIR" --prefix "$P" > install.log
layout=(bin/attain lib/lua/5.4/attain/testing.so share/lua/5.4/attain/init.lua
  share/lua/5.4/attain/sandbox.lua share/lua/5.4/attain/fixture.lua share/attain/meta/facts.lua
  share/attain/luacheck/policies.lua share/attain/luacheck/luacheckrc.example
  share/attain/policies/cloud-platform.lua share/man/man1/attain.1 share/doc/attain/README.md
  share/doc/attain/docs/packaging.md share/doc/attain/examples/facts.jsonl)
missing=""
for f in "${layout[@]}"; do [ -e "$P/$f" ] || missing="$missing $f"; done
expect_eq "the prefix holds the binary, Lua modules, stubs, luacheck standard, man pages, docs" "$missing" ""
expect_eq "... and every stdlib and test module" \
  "$(cd "$ATTAIN_SOURCE_DIR/stdlib" && ls attain testing/attain | grep '\.lua$' | sort)" \
  "$(cd "$P/share/lua/5.4/attain" && ls | sort)"

# --version: the project's version (CMakeLists.txt), then the linked libraries.
version=$(sed -n 's/^project(attain VERSION \([0-9.]*\) .*/\1/p' "$ATTAIN_SOURCE_DIR/CMakeLists.txt")
out=$("$P/bin/attain" --version)
expect_eq "the installed attain --version starts with the project version" "$(head -n 1 <<< "$out")" "attain $version"
expect_eq "... then Lua, SQLite, libuv, jansson, libmicrohttpd and Nettle" "$(sed 1d <<< "$out" | cut -d' ' -f1 | paste -sd' ')" \
  "Lua SQLite libuv jansson libmicrohttpd Nettle"
# Nettle says its major.minor only (3.8 of pkg-config's 3.8.1).
expect_eq "... at the versions linked" "$(sed 1d <<< "$out" | cut -d' ' -f2 | paste -sd' ')" \
  "$(pkg-config --modversion lua5.4 sqlite3 libuv jansson libmicrohttpd | paste -sd' ') $(pkg-config --modversion nettle | cut -d. -f1,2)"

# Every command has its page, naming each of its options.
commands=$("$P/bin/attain" --help | sed -n '/^commands:$/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
expect_eq "attain --help lists every command" "$(wc -w <<< "$commands")" \
  "$(grep -c '^extern const cli_command' "$ATTAIN_SOURCE_DIR/host/commands.h")"
uncovered=""
checked=0
for c in $commands; do
  page=$P/share/man/man1/attain-$c.1
  if [ ! -f "$page" ]; then uncovered="$uncovered $c(no page)"; continue; fi
  grep -q "^\\\\fB$c\\\\fR$" "$P/share/man/man1/attain.1" || uncovered="$uncovered $c(not in attain.1)"
  for o in $("$P/bin/attain" "$c" --help | sed -n 's/^  --\([a-z-]*\).*/\1/p'); do
    checked=$((checked + 1))
    grep -qF "\\fB\\-\\-${o//-/\\-}\\fR" "$page" || uncovered="$uncovered $c--$o"
  done
done
[ "$checked" -gt 20 ] || uncovered="$uncovered (only $checked options seen in the --help texts)"
expect_eq "a man page per command, with every option ($checked options)" "$uncovered" ""

# A policy repository outside the source tree.
mkdir repo
cp -r "$P/share/attain/policies" repo/policies
cd repo
expect_eq "the installed binary checks a copied policy directory" \
  "$("$P/bin/attain" --policies policies check >/dev/null 2>&1; echo $?)" 0
cat > scenario.lua <<'EOF'
-- A policy spec's scenario, in plain Lua 5.4 with the installed modules only.
local fixture = require "attain.fixture"
local fx = fixture.new { policies = "policies" }
fx:org("contoso")
fx:person("contoso", "u1")
fx:certify("u1", "AZ-104", { earned = "2025-06-01", expires = "2027-06-01" })
fx:person("contoso", "u2")
fx:certify("u2", "AZ-204", { earned = "2025-06-01", expires = "2027-06-01" })
fx:metric_months("contoso", "azure_consumed_revenue", 1250, { to = "2026-11", months = 12 })
local r = fx:evaluate("cloud-platform", "contoso", "2026-11-25")
print(package.searchpath("attain.testing", package.cpath))
print(package.searchpath("attain.fixture", package.path))
print(r.level, fixture.path(r, "consumption", "silver").met)
print(type(require("attain").competency))
EOF
lua_env=(LUA_PATH="$P/share/lua/5.4/?.lua;$P/share/lua/5.4/?/init.lua;;" LUA_CPATH="$P/lib/lua/5.4/?.so;;")
if [ "${ATTAIN_SANITIZE:-0}" = 1 ]; then
  # The module of a sanitizer build needs its runtimes loaded before lua5.4's own code.
  lua_env+=(LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)"
    ASAN_OPTIONS=detect_leaks=0)
fi
out=$(env "${lua_env[@]}" lua5.4 scenario.lua 2>&1 || true)
expect_eq "Lua 5.4 loads attain.testing and attain.fixture from the prefix and evaluates a shipped policy" \
  "$out" "$P/lib/lua/5.4/attain/testing.so
$P/share/lua/5.4/attain/fixture.lua
silver	true
function"

# The luacheck standard, as a policy repository uses it.
cp "$P/share/attain/luacheck/luacheckrc.example" .luacheckrc
expect_eq "the installed .luacheckrc example passes the shipped policies" \
  "$(luacheck --no-color -q policies >/dev/null 2>&1; echo $?)" 0
printf 'local t = os.time()\nreturn t\n' > policies/zz-clock.lua
expect_contains "... and refuses a global the sandbox does not offer" \
  "$(luacheck --no-color -q policies 2>&1 || true)" "policies/zz-clock.lua:1:11: accessing undefined variable 'os'"
expect_eq "the standard installed is the one the repository's .luacheckrc loads" \
  "$(cmp "$ATTAIN_SOURCE_DIR/stdlib/luacheck/attain/luacheck.lua" "$P/share/attain/luacheck/policies.lua" && \
     grep -c '^stds.attain_sandbox = dofile("stdlib/luacheck/attain/luacheck.lua")$' "$ATTAIN_SOURCE_DIR/.luacheckrc")" 1
expect_eq "the LuaLS stubs are ---@meta files" "$(head -n 1 "$P/share/attain/meta/facts.lua")" "---@meta"
finish
