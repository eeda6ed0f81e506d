-- tests/bench/change.lua — a small import file that changes the facts of a share of the
-- organisations of a generated stream (tests/bench/gen.lua), for the incremental-sweep
-- benchmark of tests/bench/run.
--
--   lua5.4 tests/bench/change.lua --orgs N [--percent P] [--round R] [--now YYYY-MM-DD] > change.jsonl
--
-- Picks every (100 / P)-th organisation, starting at a different one each round, so
-- successive rounds change different organisations (P% of N each). Every other one gets
-- a new certification on its first user's MSA, earned 10 + R days before --now (so it
-- already counts at --now, R6) and expiring 400 days after; the others get a new value
-- of azure_consumed_revenue for the month of --now (15,000 + 100 R: often enough to
-- change a level). Both kinds of change stamp the
-- organisation's revision (docs/store.md), so `attain eval --due` re-evaluates it. The
-- output is deterministic and refers only to ids gen.lua defines for any seed (org k is
-- `o` + 6 digits, its first user `-u01` with the MSA `-u01@msa.example`).
local args = { percent = "1", round = "0", now = "2026-11-25" }
local i = 1
while i <= #arg do
  local k = arg[i]:match("^%-%-(%a+)$")
  if not k or arg[i + 1] == nil or (k ~= "orgs" and args[k] == nil) then
    io.stderr:write("usage: lua5.4 change.lua --orgs N [--percent P] [--round R] [--now YYYY-MM-DD]\n")
    os.exit(2)
  end
  args[k] = arg[i + 1]
  i = i + 2
end
local orgs, percent, round = tonumber(args.orgs), tonumber(args.percent), math.tointeger(tonumber(args.round))
local y, m, d = args.now:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
if not orgs or orgs < 1 or not percent or percent <= 0 or percent > 100 or not round or not y then
  io.stderr:write("change.lua: bad --orgs, --percent, --round or --now\n")
  os.exit(2)
end

-- The stdlib's calendar (stdlib/attain/time.lua), found relative to this script.
package.path = (arg[0]:match("^(.*)/[^/]+$") or ".") .. "/../../stdlib/?.lua;" .. package.path
local time = require "attain.time"
local days, civil = time.days_from_civil, time.civil_from_days
local function date(z) return string.format("%04d-%02d-%02d", civil(z)) end

local now = days(tonumber(y), tonumber(m), tonumber(d))
local stride = math.max(1, math.floor(100 / percent + 0.5))
local CODES = { "AZ-104", "AZ-204", "AZ-305", "DP-203", "SC-200", "MS-102", "AZ-400", "PL-400" }
local out, n = {}, 0
for k = 1 + round % stride, orgs, stride do
  local org = string.format("o%06d", k)
  if ((k - 1) // stride) % 2 == 0 then
    out[#out + 1] = string.format(
      '{"type":"achievement","msa":"%s-u01@msa.example","code":"%s","kind":"certification",'
        .. '"earned":"%sT12:00:00Z","expires":"%s"}',
      org, CODES[(k // 2 + round) % #CODES + 1], date(now - 10 - round), date(now + 400))
  else
    out[#out + 1] = string.format(
      '{"type":"metric","org":"%s","metric":"azure_consumed_revenue","period":"%s-%s","value":%d}',
      org, y, m, 15000 + 100 * round)
  end
  n = n + 1
end
out[#out + 1] = ""
io.write(table.concat(out, "\n"))
io.stderr:write(string.format("change.lua: round=%d organisations=%d\n", round, n))
