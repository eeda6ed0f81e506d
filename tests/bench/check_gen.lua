#!/usr/bin/env lua5.4
-- check_gen.lua: verify a JSON Lines stream from tests/bench/gen.lua (see docs/generator.md).
--
--   lua5.4 tests/bench/gen.lua --orgs 1000 | lua5.4 tests/bench/check_gen.lua [--now DATE] [--stats]
--
-- Checks, per line: strict JSON syntax of a flat object (string, integer and null values,
-- which is all the import format uses), a known "type" with exactly the allowed fields,
-- field formats (dates, times, periods, codes, metric names, ranges), and that every
-- reference names something defined on an EARLIER line (user -> org, msa_link -> user,
-- achievement -> linked MSA, metric/override/membership -> org, a departure -> that user
-- in that org). With --stats it also prints distributions and, with an illustrative
-- yardstick (not the shipped policies), how many organisations would qualify silver/gold.
-- Exit status 0 when every line passes, 1 otherwise (the first 20 problems are printed).

local opt_now, opt_stats = "2026-11-25", false
do
  local i = 1
  while i <= #arg do
    if arg[i] == "--now" then opt_now = arg[i + 1]; i = i + 1
    elseif arg[i] == "--stats" then opt_stats = true
    else io.stderr:write("usage: check_gen.lua [--now YYYY-MM-DD] [--stats] < FILE\n") os.exit(2) end
    i = i + 1
  end
end

-- ---------------------------------------------------------------- a strict flat JSON parser
local function parse_string(s, pos)
  -- s:sub(pos,pos) == '"'; returns value, next position (or nil, error)
  local parts, n = {}, 0
  local i = pos + 1
  while true do
    local j = s:find('["\\%c]', i)
    if not j then return nil, "unterminated string" end
    local c = s:sub(j, j)
    if c == '"' then
      n = n + 1; parts[n] = s:sub(i, j - 1)
      return table.concat(parts), j + 1
    elseif c == "\\" then
      n = n + 1; parts[n] = s:sub(i, j - 1)
      local e = s:sub(j + 1, j + 1)
      local map = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
      if map[e] then n = n + 1; parts[n] = map[e]; i = j + 2
      elseif e == "u" and s:sub(j + 2, j + 5):match("^%x%x%x%x$") then
        n = n + 1; parts[n] = utf8.char(tonumber(s:sub(j + 2, j + 5), 16)); i = j + 6
      else return nil, "bad escape" end
    else
      return nil, "control character in string"
    end
  end
end

local function parse_line(s)
  local pos = 1
  local obj, keys = {}, {}
  pos = s:find("%S", pos)
  if not pos or s:sub(pos, pos) ~= "{" then return nil, "expected '{'" end
  pos = s:find("%S", pos + 1)
  if not pos then return nil, "unexpected end" end
  if s:sub(pos, pos) == "}" then
    if s:find("%S", pos + 1) then return nil, "trailing characters" end
    return obj, keys
  end
  while true do
    if s:sub(pos, pos) ~= '"' then return nil, "expected key string at column " .. pos end
    local key, np = parse_string(s, pos)
    if not key then return nil, np end
    if obj[key] ~= nil or keys[key] then return nil, "duplicate key " .. key end
    pos = s:find("%S", np)
    if not pos or s:sub(pos, pos) ~= ":" then return nil, "expected ':'" end
    pos = s:find("%S", pos + 1)
    if not pos then return nil, "unexpected end" end
    local c = s:sub(pos, pos)
    local val
    if c == '"' then
      val, np = parse_string(s, pos)
      if not val then return nil, np end
    elseif s:find("^null", pos) then val, np = false, pos + 4     -- null is kept as false
    elseif s:find("^true", pos) then val, np = true, pos + 4
    elseif s:find("^false", pos) then val, np = false, pos + 5
    else
      local num = s:match("^-?%d[%d%.eE+-]*", pos)
      if not num then return nil, "bad value at column " .. pos end
      local int, rest = num:match("^-?(%d+)(.*)$")
      local ok = not (#int > 1 and int:sub(1, 1) == "0")
      if ok and rest:sub(1, 1) == "." then
        local frac = rest:match("^%.(%d+)")
        if frac then rest = rest:sub(#frac + 2) else ok = false end
      end
      if ok and rest ~= "" and not rest:match("^[eE][-+]?%d+$") then ok = false end
      if not ok then return nil, "bad number at column " .. pos end
      val = math.tointeger(tonumber(num)) or tonumber(num)
      np = pos + #num
    end
    obj[key] = val
    keys[key] = true
    pos = s:find("%S", np)
    if not pos then return nil, "unexpected end" end
    c = s:sub(pos, pos)
    if c == "}" then
      if s:find("%S", pos + 1) then return nil, "trailing characters" end
      return obj, keys
    elseif c == "," then
      pos = s:find("%S", pos + 1)
      if not pos then return nil, "unexpected end" end
    else
      return nil, "expected ',' or '}' at column " .. pos
    end
  end
end

-- ---------------------------------------------------------------- formats
-- The stdlib's calendar (stdlib/attain/time.lua), found relative to this script.
package.path = (arg[0]:match("^(.*)/[^/]+$") or ".") .. "/../../stdlib/?.lua;" .. package.path
local time = require "attain.time"
local days_from_civil = time.days_from_civil
local function valid_ymd(y, m, d)
  return m >= 1 and m <= 12 and d >= 1 and d <= time.days_in_month(y, m)
end
local function date_day(s)            -- "YYYY-MM-DD" -> day number, or nil
  if type(s) ~= "string" then return nil end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not valid_ymd(y, m, d) then return nil end
  return days_from_civil(y, m, d)
end
local function time_ts(s)             -- "YYYY-MM-DDTHH:MM:SSZ" -> epoch seconds, or nil
  if type(s) ~= "string" then return nil end
  local ds, h, mi, se = s:match("^(%d%d%d%d%-%d%d%-%d%d)T(%d%d):(%d%d):(%d%d)Z$")
  if not ds then return nil end
  local day = date_day(ds)
  h, mi, se = tonumber(h), tonumber(mi), tonumber(se)
  if not day or h > 23 or mi > 59 or se > 59 then return nil end
  return day * 86400 + h * 3600 + mi * 60 + se
end
local NOW
do
  local d = date_day(opt_now)
  if not d then io.stderr:write("check_gen.lua: bad --now\n") os.exit(2) end
  NOW = d * 86400
end

local function set(t) local r = {} for _, v in ipairs(t) do r[v] = true end return r end
-- The codes, competencies and metrics the generator knows (tests/bench/workloads.lua).
package.path = (arg[0]:match("^(.*)/[^/]+$") or ".") .. "/?.lua;" .. package.path
local workloads = require "workloads"
local CERTS, ASSESS = set(workloads.CERTIFICATIONS), set(workloads.ASSESSMENTS)
local COMPETENCIES, METRIC_MAX, METRIC_GOAL = {}, {}, {}
for _, c in ipairs(workloads.COMPETENCIES) do COMPETENCIES[c.id] = true end
local GOAL_MAX = { revenue = 20000, usage = 1000, seats = 1000, customers = 5 }
for _, m in ipairs(workloads.METRICS) do
  METRIC_MAX[m[1]] = GOAL_MAX[m[2]]
  METRIC_GOAL[m[1]] = m[2]
end

-- Allowed fields per type: true = required, false = optional.
local FIELDS = {
  org = { type = true, id = true, name = true },
  user = { type = true, id = true, org = true, name = false, joined = false, left = false },
  msa_link = { type = true, msa = true, user = true, at = true },
  achievement = { type = true, msa = true, code = true, kind = true, earned = true, expires = false },
  metric = { type = true, org = true, metric = true, period = true, value = true },
  override = { type = true, org = true, competency = true, code = true, people = true,
    reason = true, by = true, ["until"] = true, from = false },
  membership = { type = true, org = true, competency = true, level = true, bought = true, by = true },
}

-- ---------------------------------------------------------------- state
local orgs = {}          -- org id -> true
local users = {}         -- user id -> org id
local joined = {}        -- user id -> joined day
local msa_owner = {}     -- msa -> user id (latest link)
local msa_first = {}     -- msa -> link time of the first link
local ach_seen = {}      -- msa .. "\0" .. code -> true
local cur_org, cur_metrics = nil, {}
local counts = setmetatable({}, { __index = function() return 0 end })
local errors, nerr = {}, 0
local lineno = 0
local function err(msg)
  nerr = nerr + 1
  if nerr <= 20 then errors[#errors + 1] = "line " .. lineno .. ": " .. msg end
end

-- stats
local st = opt_stats and {
  users_per_org = {}, left = {}, metric_kinds = {}, orgs_ach = {},
  ach = {},               -- list of {msa, code, earned, expires}
  msa_at = {},            -- msa -> ts of the link that currently holds it
  left_day = {},          -- user -> left day
  user_org = users,
  rev12 = {},             -- org -> metric -> sum of last 12 complete-or-current months
  last = {},              -- org -> metric -> value of latest period
} or nil
local PERIOD12 = {}
do
  local y, m = os.date("!*t", NOW).year, os.date("!*t", NOW).month
  for _ = 1, 12 do
    PERIOD12[string.format("%04d-%02d", y, m)] = true
    m = m - 1
    if m == 0 then m = 12; y = y - 1 end
  end
end
local LATEST = string.format("%04d-%02d", os.date("!*t", NOW).year, os.date("!*t", NOW).month)

-- ---------------------------------------------------------------- main loop
for line in io.lines() do
  lineno = lineno + 1
  local o, keys = parse_line(line)
  if not o then err("not valid JSON: " .. keys) goto continue end
  do
    local t = o.type
    local spec = FIELDS[t]
    if not spec then err("unknown type " .. tostring(t)) goto continue end
    for k in pairs(keys) do
      if spec[k] == nil then err(t .. ": unexpected field " .. k) end
    end
    for k, req in pairs(spec) do
      if req and not keys[k] then err(t .. ": missing field " .. k) end
    end
    for k in pairs(keys) do
      local v = o[k]
      if k ~= "value" and k ~= "people" and type(v) ~= "string" then
        err(t .. ": field " .. k .. " is not a string")
      end
    end
    counts[t] = counts[t] + 1

    if t == "org" then
      if orgs[o.id] then err("org " .. o.id .. " defined twice") end
      orgs[o.id] = true
      if st then st.rev12[o.id] = {}; st.last[o.id] = {} end
    elseif t == "user" then
      if not orgs[o.org] then err("user " .. tostring(o.id) .. " references undefined org " .. tostring(o.org)) end
      if keys.left then
        counts.user_left = counts.user_left + 1
        if keys.name or keys.joined then err("departure update carries name/joined") end
        if users[o.id] == nil then err("departure of undefined user " .. tostring(o.id))
        elseif users[o.id] ~= o.org then err("departure of " .. o.id .. " names another org") end
        local ld = date_day(o.left)
        if not ld then err("bad left date " .. tostring(o.left))
        elseif joined[o.id] and ld < joined[o.id] then err("left before joined: " .. o.id)
        elseif ld > NOW // 86400 then err("left after --now: " .. o.id) end
        if st and ld then st.left_day[o.id] = ld end
      else
        if users[o.id] then err("user " .. o.id .. " defined twice") end
        if not keys.name or not keys.joined then err("new user without name/joined") end
        users[o.id] = o.org
        local jd = date_day(o.joined)
        if not jd then err("bad joined date " .. tostring(o.joined)) end
        joined[o.id] = jd
        if st then st.users_per_org[o.org] = (st.users_per_org[o.org] or 0) + 1 end
      end
    elseif t == "msa_link" then
      if users[o.user] == nil then err("msa_link references undefined user " .. tostring(o.user)) end
      local at = time_ts(o.at)
      if not at then err("bad time " .. tostring(o.at)) end
      if at and at >= NOW then err("msa_link at or after --now") end
      if msa_owner[o.msa] then
        counts.msa_move = counts.msa_move + 1
        if users[msa_owner[o.msa]] == users[o.user] then counts.msa_move_same_org = counts.msa_move_same_org + 1 end
        if msa_owner[o.msa] == o.user then err("move to the user it is linked to") end
        if at and msa_first[o.msa] and at <= msa_first[o.msa] then err("move not later than first link") end
      else
        msa_first[o.msa] = at
      end
      msa_owner[o.msa] = o.user
      if st then st.msa_at[o.msa] = at end
    elseif t == "achievement" then
      if not msa_owner[o.msa] then err("achievement for MSA never linked " .. tostring(o.msa)) end
      local key = tostring(o.msa) .. "\0" .. tostring(o.code)
      if ach_seen[key] then err("duplicate achievement " .. o.msa .. " " .. o.code) end
      ach_seen[key] = true
      -- A code is usually held as its own kind; the rule cases also hold certification
      -- codes as an assessment or an exam (docs/generator.md).
      if not CERTS[o.code] and not ASSESS[o.code] then err("unknown code " .. tostring(o.code)) end
      if o.kind ~= "certification" and o.kind ~= "assessment" and o.kind ~= "exam" then
        err("bad kind " .. tostring(o.kind))
      elseif o.kind ~= (CERTS[o.code] and "certification" or "assessment") then
        counts.other_kind = counts.other_kind + 1
      end
      local e = time_ts(o.earned)
      if not e then err("bad earned time " .. tostring(o.earned))
      elseif e >= NOW or e < NOW - 3 * 365 * 86400 then err("earned outside the 3 years before --now") end
      local x
      if keys.expires then
        x = date_day(o.expires)
        if not x then err("bad expires date " .. tostring(o.expires))
        elseif e and x * 86400 <= e then err("expires before earned") end
      end
      if st and e then st.ach[#st.ach + 1] = { o.msa, o.code, e, x and x * 86400 or nil } end
    elseif t == "metric" then
      if not orgs[o.org] then err("metric references undefined org " .. tostring(o.org)) end
      local mx = METRIC_MAX[o.metric]
      if not mx then err("unknown metric " .. tostring(o.metric)) end
      if type(o.period) ~= "string" or not o.period:match("^%d%d%d%d%-%d%d$")
         or tonumber(o.period:sub(6, 7)) < 1 or tonumber(o.period:sub(6, 7)) > 12 then
        err("bad period " .. tostring(o.period))
      end
      if math.type(o.value) ~= "integer" or o.value < 0 or (mx and o.value > mx) then
        err("metric value out of range: " .. tostring(o.value))
      end
      if o.org ~= cur_org then cur_org = o.org; cur_metrics = {} end
      local key = tostring(o.metric) .. "\0" .. tostring(o.period)
      if cur_metrics[key] then err("duplicate metric " .. key) end
      cur_metrics[key] = true
      if st and mx then
        local r = st.rev12[o.org]
        if PERIOD12[o.period] then r[o.metric] = (r[o.metric] or 0) + o.value end
        if o.period == LATEST then st.last[o.org][o.metric] = o.value end
        if not r[o.metric] then r[o.metric] = 0 end
      end
    elseif t == "override" then
      if not orgs[o.org] then err("override references undefined org " .. tostring(o.org)) end
      if not COMPETENCIES[o.competency] then err("unknown competency " .. tostring(o.competency)) end
      if not CERTS[o.code] and not ASSESS[o.code] then err("unknown code " .. tostring(o.code)) end
      if math.type(o.people) ~= "integer" or o.people < 1 then err("bad people") end
      local untl = date_day(o["until"])
      if not untl then err("bad until date") end
      if keys.from then
        local from = date_day(o.from)
        if not from then err("bad from date")
        elseif untl and untl <= from then err("override until not after from") end
      end
    elseif t == "membership" then
      if not orgs[o.org] then err("membership references undefined org " .. tostring(o.org)) end
      if not COMPETENCIES[o.competency] then err("unknown competency " .. tostring(o.competency)) end
      if o.level ~= "silver" and o.level ~= "gold" then err("bad level " .. tostring(o.level)) end
      local b = time_ts(o.bought)
      if not b or b >= NOW then err("bad bought time " .. tostring(o.bought)) end
    end
  end
  ::continue::
end

local order = { "org", "user", "user_left", "msa_link", "msa_move", "msa_move_same_org",
  "achievement", "other_kind", "metric", "override", "membership" }
local parts = {}
for _, k in ipairs(order) do parts[#parts + 1] = k .. "=" .. counts[k] end
print(string.format("check_gen: %d lines, %d problems; %s (user counts new users and departures, " ..
  "msa_link counts links and moves; msa_move_same_org: moves to a user of the same organisation; " ..
  "other_kind: codes held as another kind)", lineno, nerr, table.concat(parts, " ")))
for _, e in ipairs(errors) do print("  " .. e) end

-- ---------------------------------------------------------------- stats
if st and lineno > 0 and nerr == 0 then
  local DAY = 86400
  -- users per org
  local hist, norg, sumu = {}, 0, 0
  for _, n in pairs(st.users_per_org) do hist[n] = (hist[n] or 0) + 1; norg = norg + 1; sumu = sumu + n end
  local hs = {}
  for n = 1, 40 do if hist[n] then hs[#hs + 1] = n .. ":" .. hist[n] end end
  print(string.format("users per org: mean %.1f; histogram %s", sumu / math.max(norg, 1), table.concat(hs, " ")))
  -- achievements
  local na, expired, soon, noexp, recent = #st.ach, 0, 0, 0, 0
  for _, a in ipairs(st.ach) do
    if not a[4] then noexp = noexp + 1
    elseif a[4] <= NOW then expired = expired + 1
    elseif a[4] <= NOW + 90 * DAY then soon = soon + 1 end
    if a[3] > NOW - DAY then recent = recent + 1 end
  end
  print(string.format("achievements: %d; expired %.1f%%, expiring within 90 days %.1f%%, no expiry %.1f%%, earned in the last 24h %d",
    na, 100 * expired / na, 100 * soon / na, 100 * noexp / na, recent))
  -- metrics: distribution of 12-month revenue sums
  local buckets = { 0, 15000, 60000, 200000 }
  local bc = { 0, 0, 0, 0 }
  local nrev = 0
  for _, r in pairs(st.rev12) do
    for m, v in pairs(r) do
      if METRIC_MAX[m] == 20000 then
        nrev = nrev + 1
        local b = 1
        for i = 4, 1, -1 do if v >= buckets[i] then b = i break end end
        bc[b] = bc[b] + 1
      end
    end
  end
  print(string.format("revenue metrics (org x metric, sum of the last 12 months): %d; <15k %.1f%%, 15k-60k %.1f%%, 60k-200k %.1f%%, >=200k %.1f%%",
    nrev, 100 * bc[1] / nrev, 100 * bc[2] / nrev, 100 * bc[3] / nrev, 100 * bc[4] / nrev))

  -- Illustrative yardstick (NOT the shipped policies): per competency, silver = 2 people and
  -- gold = 4 people currently holding one of its certifications (not left, not expired, counted
  -- 24 h after link/earn, MSA still linked to a user of that org), plus its first metric, if it
  -- has one: revenue over 12 months >= 15,000 / 60,000; usage or seats in the latest month
  -- >= 100 / 400; new customers over 12 months >= 3 / 10.
  local BAR = { revenue = { 15000, 60000, "sum" }, customers = { 3, 10, "sum" },
    usage = { 100, 400, "last" }, seats = { 100, 400, "last" } }
  local YARD = {}
  for _, c in ipairs(workloads.COMPETENCIES) do
    local m = c.metrics[1]
    local bar = m and BAR[METRIC_GOAL[m]] or { 0, 0, "none" }
    YARD[#YARD + 1] = { c.id, c.certs, m, bar[1], bar[2], bar[3] }
  end
  -- people per org per code
  local holders = {}  -- org -> code -> set of users
  for _, a in ipairs(st.ach) do
    local msa, code, e, x = a[1], a[2], a[3], a[4]
    local u = msa_owner[msa]
    local org = u and users[u]
    local at = st.msa_at[msa]
    local from = math.max(e, at or e) + DAY
    if org and from <= NOW and (not x or x > NOW) and not (st.left_day[u] and st.left_day[u] * DAY <= NOW) then
      local h = holders[org]; if not h then h = {}; holders[org] = h end
      local s = h[code]; if not s then s = {}; h[code] = s end
      s[u] = true
    end
  end
  local any_silver, any_gold = 0, 0
  local per = {}
  for org in pairs(st.rev12) do
    local best = 0
    for ci, y in ipairs(YARD) do
      local people = {}
      local n = 0
      local h = holders[org]
      if h then for _, code in ipairs(y[2]) do
        if h[code] then for u in pairs(h[code]) do if not people[u] then people[u] = true; n = n + 1 end end end
      end end
      local v = (y[6] == "sum" and st.rev12[org][y[3]]) or (y[6] == "last" and st.last[org][y[3]]) or 0
      if y[6] == "none" then v = 0 end
      local lvl = 0
      if n >= 4 and v >= y[5] then lvl = 2 elseif n >= 2 and v >= y[4] then lvl = 1 end
      per[ci] = per[ci] or { 0, 0 }
      if lvl >= 1 then per[ci][1] = per[ci][1] + 1 end
      if lvl == 2 then per[ci][2] = per[ci][2] + 1 end
      if lvl > best then best = lvl end
    end
    if best >= 1 then any_silver = any_silver + 1 end
    if best == 2 then any_gold = any_gold + 1 end
  end
  print(string.format("yardstick (illustrative rules, see docs/generator.md): orgs qualifying silver+ in some competency %.1f%%, gold in some %.1f%%, none %.1f%%",
    100 * any_silver / norg, 100 * any_gold / norg, 100 * (norg - any_silver) / norg))
  for ci, y in ipairs(YARD) do
    print(string.format("  %-36s silver+ %5.1f%%  gold %5.1f%%", y[1], 100 * per[ci][1] / norg,
      100 * per[ci][2] / norg))
  end
end

os.exit(nerr == 0 and 0 or 1)
