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

-- Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
local function days(yy, mm, dd)
  yy = mm <= 2 and yy - 1 or yy
  local era = (yy >= 0 and yy or yy - 399) // 400
  local yoe = yy - era * 400
  local doy = (153 * (mm + (mm > 2 and -3 or 9)) + 2) // 5 + dd - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end
local function civil(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local dd = doy - (153 * mp + 2) // 5 + 1
  local mm = mp + (mp < 10 and 3 or -9)
  return yoe + era * 400 + (mm <= 2 and 1 or 0), mm, dd
end
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
