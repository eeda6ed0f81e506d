#!/usr/bin/env lua5.4
-- rules.lua: how well the generated benchmark data tests each counting rule (issue 18;
-- docs/generator.md, "Rule coverage").
--
--   lua5.4 tests/bench/rules.lua [--orgs N] [--seed S] [--min PERCENT] [--attain PATH]
--                                [--keep DIR]
--
-- Generates N organisations (default 10000) with tests/bench/gen.lua, imports them into a
-- fresh attain database and computes every organisation x competency level at
-- 2026-11-25T00:00:00Z with the SQL baseline (tests/bench/baseline/levels.sql). Then, once
-- per counting rule of the host (host/facts.c), it runs a copy of the baseline with that
-- one rule removed — made from levels.sql by text substitution, each substitution
-- required to match — and counts the levels that change. It also evaluates the same
-- database with attain and counts the levels on which attain and the (unchanged)
-- baseline disagree.
--
-- Prints one table (rule, levels changed, organisations whose level changed in some
-- competency and their share, raised / lowered). Exits 1 if attain and the baseline
-- disagree anywhere, or if dropping some rule changes the level of fewer than PERCENT of
-- the organisations (default 0.5) — that rule could then regress unnoticed by the
-- benchmark's agreement check; 2 on a usage error. (The share is of organisations, not of
-- levels: a rule case decides one competency of its organisation, so a share of levels
-- would shrink with every competency the catalogue adds.)
--
-- Needs: lua5.4, sqlite3 (CLI), an attain binary (default build/release/attain; or
-- $ATTAIN). Depends on: gen.lua, baseline/levels.sql and baseline/indexes.sql.

local USAGE = [[
usage: lua5.4 tests/bench/rules.lua [--orgs N] [--seed S] [--min PERCENT] [--attain PATH] [--keep DIR]
  --orgs N       organisations to generate (default 10000)
  --seed S       generator seed (default 1)
  --min PERCENT  fail if dropping a rule changes the level of fewer than PERCENT of the
                 organisations (default 0.5)
  --attain PATH  the attain binary (default build/release/attain, or $ATTAIN)
  --keep DIR     work in DIR and keep it (facts, database); default: a temporary directory
]]

local HERE = arg[0]:match("^(.*)/[^/]+$") or "."
local ROOT = HERE .. "/../.."
-- The evaluation time of tests/bench/run, in Unix seconds and as levels.sql's month index.
package.path = HERE .. "/../../stdlib/?.lua;" .. package.path
local AT = "2026-11-25"
local T_SECONDS = require("attain.time").days_from_civil(2026, 11, 25) * 86400
local T_MONTH = 2026 * 12 + 11 - 1

local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local W          -- the work directory, once made
local keep_w = false
local function die(msg)
  if W and not keep_w then os.execute("rm -rf " .. q(W)) end
  io.stderr:write("rules.lua: ", msg, "\n")
  os.exit(1)
end

local opt = { orgs = 10000, seed = 1, min = 0.5, attain = os.getenv("ATTAIN"), keep = nil }
do
  local i = 1
  while i <= #arg do
    local a, v = arg[i], arg[i + 1]
    if a == "-h" or a == "--help" then io.stdout:write(USAGE) os.exit(0) end
    local key = a:match("^%-%-(%a+)$")
    if not key or opt[key] == nil and key ~= "attain" and key ~= "keep" or v == nil then
      io.stderr:write("rules.lua: bad argument " .. a .. "\n", USAGE)
      os.exit(2)
    end
    if key == "orgs" or key == "seed" or key == "min" then
      local n = tonumber(v)
      if not n or n < 0 or (key ~= "min" and (not math.tointeger(n) or v:match("^%d+$") == nil))
         or (key == "orgs" and n < 1) then
        io.stderr:write("rules.lua: bad number for --" .. key .. ": " .. v .. "\n", USAGE)
        os.exit(2)
      end
      opt[key] = key == "min" and n or math.tointeger(n)
    else
      opt[key] = v
    end
    i = i + 2
  end
end
opt.attain = opt.attain or (ROOT .. "/build/release/attain")

-- Runs a shell command; returns its standard output, or dies with its standard error.
local function run(cmd, what)
  local p = io.popen(cmd .. " 2>&1", "r")
  local out = p:read("a")
  local ok = p:close()
  if not ok then die(what .. " failed: " .. out) end
  return out
end

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end
local function spit(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

-- Every plain-text occurrence of `from` in `s` replaced by `to`; and how many there were.
local function replace_all(s, from, to)
  local parts, n, pos = {}, 0, 1
  while true do
    local i, j = s:find(from, pos, true)
    if not i then break end
    parts[#parts + 1] = s:sub(pos, i - 1)
    parts[#parts + 1] = to
    pos = j + 1
    n = n + 1
  end
  parts[#parts + 1] = s:sub(pos)
  return table.concat(parts), n
end

-- ---------------------------------------------------------------- the rules
-- Each rule: what the host does, and the substitutions into levels.sql that remove it:
-- plain text (or a Lua pattern), every occurrence, each required to occur; `gone`: text
-- that must not remain afterwards. Fragments of levels.sql:
local IN_FORCE = "(l.ended IS NULL OR l.ended > @T@)"
local COUNTS_FROM = "max(a.earned, l.started, coalesce(u.joined, a.earned)) + 86400 <= @T@"
local NOT_LEFT = "(u.left_at IS NULL OR u.left_at > @T@)"
local NOT_EXPIRED = "(a.expires IS NULL OR a.expires > @T@)"
local OV_FROM = "(valid_from IS NULL OR valid_from <= @T@)"
local OV_UNTIL = "valid_until > @T@;"
local NEXT_OID = "(SELECT n.oid FROM msa_link n WHERE n.mid = l.mid AND n.started = l.ended)"
-- (patterns: every window, whatever its length; every seats goal's latest-report query)
local WINDOW = "BETWEEN @M@ %- (%d+) AND @M@"
local SEATS = "(WHERE name = '[%w_]+' AND period) <= @M@"

local RULES = {
  { "R6: 24 h after earning",
    { { COUNTS_FROM,
        "a.earned <= @T@ AND max(l.started, coalesce(u.joined, l.started)) + 86400 <= @T@" } } },
  { "R6: 24 h after association (first link or move)",
    { { COUNTS_FROM, "max(a.earned, coalesce(u.joined, a.earned)) + 86400 <= @T@" } } },
  { "R6: 24 h after joining (joined <= T)",
    { { COUNTS_FROM,
        "max(a.earned, l.started) + 86400 <= @T@ AND (u.joined IS NULL OR u.joined <= @T@)" } } },
  { "user not yet joined (joined > T)",
    { { COUNTS_FROM, "max(a.earned, l.started, CASE WHEN u.joined > @T@ THEN a.earned " ..
        "ELSE coalesce(u.joined, a.earned) END) + 86400 <= @T@" } } },
  { "R7: MSA moved to another organisation",
    { { IN_FORCE, "(l.ended IS NULL OR l.ended > @T@ OR (a.earned < l.ended AND " ..
        NEXT_OID .. " <> l.oid))" } } },
  { "R7: MSA moved to another user, same organisation",
    { { IN_FORCE, "(l.ended IS NULL OR l.ended > @T@ OR (a.earned < l.ended AND " ..
        NEXT_OID .. " = l.oid))" } } },
  { "earned after its association ended",
    { { IN_FORCE, "(l.ended IS NULL OR l.ended > @T@ OR a.earned >= l.ended)" } } },
  { "R8: departure (left <= T)",
    { { NOT_LEFT, "1" } } },
  { "R8: departure dated the day of T",
    { { NOT_LEFT, "(u.left_at IS NULL OR u.left_at >= @T@)" } } },
  { "R11: expiry (expires <= T)",
    { { NOT_EXPIRED, "1" } } },
  { "R11: expiry dated the day of T",
    { { NOT_EXPIRED, "(a.expires IS NULL OR a.expires >= @T@)" } } },
  { "achievement kind (certification / assessment)",
    { { "CASE WHEN kind = '%a+'%s+AND ", "CASE WHEN ", pattern = true } }, gone = "kind = '" },
  { "R15: overrides in force count",
    { { OV_FROM .. " AND " .. OV_UNTIL, "0;" } } },
  { "R15: override lapsed (until <= T)",
    { { OV_UNTIL, "1;" } } },
  { "R15: override until the day of T",
    { { OV_UNTIL, "valid_until >= @T@;" } } },
  { "R15: override not yet in force (from > T)",
    { { OV_FROM, "1" } } },
  { "R15: override from the day of T",
    { { OV_FROM, "(valid_from IS NULL OR valid_from < @T@)" } } },
  { "window: the month before it does not count",
    { { WINDOW, function(n) return "BETWEEN @M@ - " .. (n + 1) .. " AND @M@" end, pattern = true } } },
  { "window: the month of T counts",
    { { WINDOW, "BETWEEN @M@ - %1 AND @M@ - 1", pattern = true } } },
  { "usage: a month not reported counts 0",
    { { "sum%(value%) / %d+%.0 AS usage", "avg(value) AS usage", pattern = true } } },
  { "seats: latest report, also before the month of T",
    { { SEATS, "%1 = @M@", pattern = true } } },
  { "seats: a reported 0 is the latest report",
    { { SEATS, "%1 <= @M@ AND value > 0", pattern = true } } },
}

local function at_time(sql)
  sql = replace_all(sql, "@T@", tostring(T_SECONDS))
  return (replace_all(sql, "@M@", tostring(T_MONTH)))
end

local levels = slurp(HERE .. "/baseline/levels.sql")
local variants = {}
for i, r in ipairs(RULES) do
  local sql = levels
  for _, sub in ipairs(r[2]) do
    local n
    if sub.pattern then sql, n = sql:gsub(sub[1], sub[2])
    else sql, n = replace_all(sql, sub[1], sub[2]) end
    if n == 0 then
      die(string.format("rule %q: levels.sql no longer contains %q (update rules.lua with it)",
        r[1], sub[1]))
    end
  end
  if r.gone and sql:find(r.gone, 1, true) then
    die(string.format("rule %q: levels.sql still contains %q after the substitutions (update rules.lua)",
      r[1], r.gone))
  end
  variants[i] = at_time(sql)
end

-- ---------------------------------------------------------------- the data
if not io.open(opt.attain, "r") then
  die("no attain binary at " .. opt.attain .. " (build build/release, or --attain PATH)")
end
if opt.keep then
  run("mkdir -p " .. q(opt.keep), "mkdir")
  W, keep_w = opt.keep, true
else
  W = run("mktemp -d \"${TMPDIR:-/tmp}/attain-rules.XXXXXX\"", "mktemp"):gsub("%s+$", "")
end
local DB = W .. "/rules.db"

local function sqlite(sql, what)
  spit(W .. "/q.sql", sql)
  local p = io.popen("sqlite3 -init /dev/null -bail -batch " .. q(DB) .. " < " .. q(W .. "/q.sql")
    .. " 2>&1", "r")
  local out = p:read("a")
  if not p:close() then die(what .. " failed: " .. out) end
  return out
end

local started = os.time()
io.stderr:write(string.format("rules.lua: generating %d organisations (seed %d)...\n",
  opt.orgs, opt.seed))
local gen = run(string.format("(lua5.4 %s --orgs %d --seed %d --now %s > %s)",
  q(HERE .. "/gen.lua"), opt.orgs, opt.seed, AT, q(W .. "/facts.jsonl")), "gen.lua")
os.remove(DB)
run(q(opt.attain) .. " --db " .. q(DB) .. " init", "attain init")
io.stderr:write("rules.lua: importing...\n")
run(q(opt.attain) .. " --db " .. q(DB) .. " import " .. q(W .. "/facts.jsonl"), "attain import")
sqlite(slurp(HERE .. "/baseline/indexes.sql"), "indexes.sql")

-- The reference levels, and attain's.
sqlite(at_time(levels) .. [[
DROP TABLE IF EXISTS rules_ref;
CREATE TABLE rules_ref AS SELECT oid, competency, level FROM bench_baseline;
]], "levels.sql")
io.stderr:write("rules.lua: attain eval...\n")
run(q(opt.attain) .. " --db " .. q(DB) .. " --policies " .. q(ROOT .. "/policies") ..
  " eval --at " .. AT, "attain eval")
local RANK = "CASE %s WHEN 'gold' THEN 2 WHEN 'silver' THEN 1 ELSE 0 END"
local agree = sqlite([[
SELECT count(*), coalesce(sum(coalesce(r.level, CASE WHEN r.error IS NOT NULL THEN 'error'
  WHEN e.oid IS NULL THEN 'missing' ELSE 'none' END) IS NOT coalesce(b.level, 'none')), 0)
FROM rules_ref b LEFT JOIN evaluation e ON e.oid = b.oid
LEFT JOIN result r ON r.oid = b.oid AND r.competency = b.competency;
]], "the agreement check")
local compared, disagree = agree:match("^(%d+)|(%d+)")
compared, disagree = tonumber(compared), tonumber(disagree)
local levels_total = compared

-- One variant per rule.
local rows = {}
for i, r in ipairs(RULES) do
  io.stderr:write(string.format("rules.lua: %2d/%d %s\n", i, #RULES, r[1]))
  local out = sqlite(variants[i] .. string.format([[
SELECT count(*), count(DISTINCT b.oid), coalesce(sum(%s > %s), 0), coalesce(sum(%s < %s), 0)
FROM bench_baseline b JOIN rules_ref r ON r.oid = b.oid AND r.competency = b.competency
WHERE b.level IS NOT r.level;
]], RANK:format("b.level"), RANK:format("r.level"), RANK:format("b.level"), RANK:format("r.level")),
    "the baseline without " .. r[1])
  local n, orgs, up, down = out:match("(%d+)|(%d+)|(%d+)|(%d+)%s*$")
  rows[i] = { r[1], tonumber(n), tonumber(up), tonumber(down), tonumber(orgs) }
end

-- ---------------------------------------------------------------- the table
local function thousands(n)
  local s = tostring(n)
  while true do
    local t, k = s:gsub("^(%d+)(%d%d%d)", "%1,%2")
    s = t
    if k == 0 then return s end
  end
end
print(string.format("rules.lua: %s organisations (seed %d), %s organisation x competency levels at %s",
  thousands(opt.orgs), opt.seed, thousands(levels_total), AT))
print((gen:gsub("%s+$", "")))
print()
print(string.format("%-50s %8s %8s %8s %8s %8s", "rule dropped from the baseline", "levels", "orgs",
  "share", "raised", "lowered"))
local weak = {}
for _, row in ipairs(rows) do
  local share = 100 * row[5] / opt.orgs
  print(string.format("%-50s %8s %8s %7.2f%% %8s %8s", row[1], thousands(row[2]), thousands(row[5]), share,
    thousands(row[3]), thousands(row[4])))
  if share < opt.min then weak[#weak + 1] = row[1] end
end
print()
print(string.format("agreement: %s levels compared, attain and the baseline disagree on %s",
  thousands(compared), thousands(disagree)))
io.stderr:write(string.format("rules.lua: done in %d s\n", os.time() - started))
if disagree ~= 0 then die("attain and the SQL baseline disagree on " .. disagree .. " levels") end
if #weak > 0 then
  die(string.format("dropping these rules changes the level of fewer than %g%% of the organisations: %s",
    opt.min, table.concat(weak, "; ")))
end
if not keep_w then os.execute("rm -rf " .. q(W)) end
