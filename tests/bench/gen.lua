#!/usr/bin/env lua5.4
-- gen.lua: deterministic, seeded generator of attain import facts (JSON Lines)
-- at partner-program scale, for benchmarks. See docs/generator.md.
--
--   lua5.4 tests/bench/gen.lua --orgs N [--seed S] [--records N] [--now YYYY-MM-DD]
--
-- Records go to stdout, a summary to stderr. Same arguments => byte-identical
-- output. Organisation k's records depend only on (seed, k, now) and on the
-- users of the organisations before it, so the output for --orgs N is a prefix
-- of the output for any larger --orgs, and --records N is the first N lines.
-- Every fourth organisation is a rule case: one counting rule of the host decides
-- its level in one competency (tests/bench/rules.lua measures how well that works).

local USAGE = [[
usage: lua5.4 tests/bench/gen.lua --orgs N [--seed S] [--records N] [--now YYYY-MM-DD]
  --orgs N       number of organisations to generate (may be omitted with --records)
  --seed S       integer seed (default 1)
  --records N    stop after exactly N records (the last organisation may be partial)
  --now DATE     evaluation date the data is shaped around (default 2026-11-25)
Writes JSON Lines to stdout and a summary to stderr.
]]

local function die(msg)
  io.stderr:write("gen.lua: ", msg, "\n", USAGE)
  os.exit(2)
end

-- ---------------------------------------------------------------- arguments
local opt_orgs, opt_seed, opt_records, opt_now = nil, 1, nil, "2026-11-25"
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    local name, inline = a:match("^(%-%-[%w-]+)=(.*)$")
    if not name then name = a end
    if name == "-h" or name == "--help" then io.stdout:write(USAGE) os.exit(0) end
    local v = inline
    if v == nil then i = i + 1; v = arg[i] end
    if v == nil then die("missing value for " .. name) end
    if name == "--orgs" or name == "--seed" or name == "--records" then
      local n = math.tointeger(tonumber(v))
      if not n or n < 0 or (name ~= "--seed" and v:match("^%d+$") == nil) then
        die("bad integer for " .. name .. ": " .. v)
      end
      if name == "--orgs" then opt_orgs = n
      elseif name == "--seed" then opt_seed = n
      else opt_records = n end
    elseif name == "--now" then
      opt_now = v
    else
      die("unknown option " .. a)
    end
    i = i + 1
  end
  if not opt_orgs and not opt_records then die("--orgs N (or --records N) is required") end
end

-- ---------------------------------------------------------------- dates
-- The stdlib's calendar (stdlib/attain/time.lua: Howard Hinnant's integer algorithms),
-- found relative to this script.
local HERE = arg[0]:match("^(.*)/[^/]+$") or "."
package.path = HERE .. "/../../stdlib/?.lua;" .. HERE .. "/?.lua;" .. package.path
local time = require "attain.time"
local days_from_civil, civil_from_days = time.days_from_civil, time.civil_from_days

local NOW_DAY
do
  local y, m, d = opt_now:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not y or m < 1 or m > 12 or d < 1 or d > 31 then die("bad --now date: " .. opt_now) end
  NOW_DAY = days_from_civil(y, m, d)
  local y2, m2, d2 = civil_from_days(NOW_DAY)
  if y2 ~= y or m2 ~= m or d2 ~= d then die("bad --now date: " .. opt_now) end
  if y < 1975 or y > 9000 then die("--now out of range: " .. opt_now) end
end
local DAY = 86400
local NOW = NOW_DAY * DAY                      -- epoch seconds of --now 00:00 UTC
local NOW_Y, NOW_M = civil_from_days(NOW_DAY)
local JAN1_DAY = days_from_civil(NOW_Y, 1, 1)  -- start of the year of --now
local PREVJAN1_DAY = days_from_civil(NOW_Y - 1, 1, 1)

local D2 = {}
for i = 0, 99 do D2[i] = (i < 10 and "0" or "") .. i end

local date_cache = {}
local function dstr(day)               -- "YYYY-MM-DD"
  local s = date_cache[day]
  if s then return s end
  local y, m, d = civil_from_days(day)
  s = string.format("%04d-%02d-%02d", y, m, d)
  date_cache[day] = s
  return s
end

-- "THH:MM:SSZ" for every second of a day, built once (86,400 short strings).
local HMS = {}
for h = 0, 23 do
  for mi = 0, 59 do
    local pre = "T" .. D2[h] .. ":" .. D2[mi] .. ":"
    local base = h * 3600 + mi * 60
    for se = 0, 59 do HMS[base + se] = pre .. D2[se] .. "Z" end
  end
end

local function tstr(ts)                -- "YYYY-MM-DDTHH:MM:SSZ"
  local day = ts // DAY
  return dstr(day) .. HMS[ts - day * DAY]
end

-- The 24 monthly periods ending with the month of --now, oldest first.
local PERIODS, PV = {}, {}   -- PV[i]: the period and the start of the value
do
  local y, m = NOW_Y, NOW_M
  for i = 24, 1, -1 do
    PERIODS[i] = string.format("%04d-%02d", y, m)
    PV[i] = PERIODS[i] .. '","value":'
    m = m - 1
    if m == 0 then m = 12; y = y - 1 end
  end
end

-- ---------------------------------------------------------------- PRNG
-- splitmix64 on Lua 5.4 wrapping 64-bit integers (hex literals wrap too).
local GOLDEN = 0x9E3779B97F4A7C15
local state = 0
local function mix64(z)
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return z ~ (z >> 31)
end
local INV53 = 1.0 / 9007199254740992.0
-- rnd and rint are each a whole splitmix64 step (no nested call): ~150 draws per organisation.
local function rnd()                   -- float in [0, 1)
  local z = state + GOLDEN
  state = z
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return ((z ~ (z >> 31)) >> 11) * INV53
end
local function rint(lo, hi)            -- integer in [lo, hi]
  local z = state + GOLDEN
  state = z
  z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
  z = (z ~ (z >> 27)) * 0x94D049BB133111EB
  return lo + ((z ~ (z >> 31)) >> 11) % (hi - lo + 1)
end
local SEED_BASE = mix64(opt_seed * GOLDEN + 0x5EED)
local function seed_org(k) state = mix64(SEED_BASE ~ (k * GOLDEN)) end

-- ---------------------------------------------------------------- domain tables
-- The competencies of the shipped catalogue, the codes that usually count for them, and
-- their metrics: tests/bench/workloads.lua (found relative to this script, as the calendar).
local workloads = require "workloads"
local COMPS = workloads.COMPETENCIES
local NCOMPS = #COMPS
local ALL_CERTS, ALL_ASSESS = workloads.CERTIFICATIONS, workloads.ASSESSMENTS
-- The goal each metric feeds (docs/policies.md): revenue and customers are summed over a
-- 12-month window, usage averaged over 3 months, seats the latest report.
local METRICS, METRIC_GOAL, METRIC_ASSESSED = {}, {}, {}
for i, m in ipairs(workloads.METRICS) do
  METRICS[i] = m[1]
  METRIC_GOAL[m[1]] = m[2]
  METRIC_ASSESSED[m[1]] = m.assessed or false
end
-- Value range kind: 1 revenue (0..20000/month), 2 usage/seats (0..1000), 3 new customers (0..5).
local GOAL_KIND = { revenue = 1, usage = 2, seats = 2, customers = 3 }
local METRIC_KIND = {}
for _, m in ipairs(METRICS) do METRIC_KIND[m] = GOAL_KIND[METRIC_GOAL[m]] end
-- Monthly base value ranges per tier (0 weak .. 3 very strong).
local REV_LO   = { [0] = 0,   1300, 5200, 15500 }
local REV_HI   = { [0] = 1000, 4800, 13000, 19500 }
local USE_LO   = { [0] = 0,   80,  300, 700 }
local USE_HI   = { [0] = 80,  300, 700, 1000 }
local NEWC_MAX = { [0] = 1,   2,   4,   5 }
-- VS[v]: a metric value and the end of its line, for every value the generator can produce.
local VS = {}
for v = 0, 20000 do VS[v] = v .. "}\n" end
local OVERRIDE_REASONS = { "exam taken under old MSA", "transcript verified manually",
  "certification earned at acquired company", "achievement feed missing for region" }

-- ---------------------------------------------------------------- rule cases
-- Every CASE_EVERY-th organisation is a rule case (docs/generator.md, "Rule cases"): one
-- counting rule of the host decides whether a cohort of 2-3 of its users counts for one
-- competency, the case's, whose codes no other user of the organisation holds and whose
-- metrics are shaped so that the people decide the level. The cases take turns, so every
-- one of them appears at every size. `need`: the metric goal the competency must have.
local CASE_EVERY = 4
local CASES = {
  { "earned_today" }, { "linked_today" }, { "joined_today" }, { "not_joined" },
  { "moved_org" }, { "moved_user" }, { "earned_after_move" },
  { "left_today" }, { "expires_today" }, { "kind" },
  { "override" }, { "override_lapsed" }, { "override_until_today" }, { "override_from" },
  { "override_from_today" },
  { "window_before", need = "window" }, { "window_now", need = "window" },
  { "usage_unreported", need = "usage" }, { "seats_unreported", need = "seats" },
  { "seats_zero", need = "seats" },
}
local MOVED = { moved_org = true, moved_user = true, earned_after_move = true }
local OVERRIDDEN = { override = true, override_lapsed = true, override_until_today = true,
  override_from = true, override_from_today = true }
-- COMP_CODES[i]: competency i's codes. CANDIDATES[need]: the competencies a case with that
-- need can use. TARGET[i][need]: the metric of competency i the case shapes.
local COMP_CODES, CANDIDATES, TARGET = {}, { any = {}, window = {}, usage = {}, seats = {} }, {}
for i, c in ipairs(COMPS) do
  local codes = { [c.assess] = true }
  for _, code in ipairs(c.certs) do codes[code] = true end
  COMP_CODES[i] = codes
  TARGET[i] = {}
  for _, m in ipairs(c.metrics) do
    local g = METRIC_GOAL[m]
    local needs = g == "seats" and { "seats" } or (g == "usage" and { "window", "usage" } or { "window" })
    for _, need in ipairs(needs) do TARGET[i][need] = TARGET[i][need] or m end
  end
  local cand = CANDIDATES.any
  cand[#cand + 1] = i
  for _, need in ipairs({ "window", "usage", "seats" }) do
    if TARGET[i][need] then cand = CANDIDATES[need]; cand[#cand + 1] = i end
  end
end

-- ---------------------------------------------------------------- output
local buf, nbuf = {}, 0
local out = io.stdout
local function flush()
  if nbuf > 0 then
    out:write(table.concat(buf, "", 1, nbuf))
    nbuf = 0
  end
end

local c_org, c_user, c_left, c_link, c_move, c_ach, c_metric, c_override, c_member =
  0, 0, 0, 0, 0, 0, 0, 0, 0

-- Users of earlier organisations, as targets for MSAs moving between organisations (R7).
local RING_SIZE = 4096
local ring, ring_n = {}, 0

-- ---------------------------------------------------------------- metric series
-- One organisation's series of one metric: a line per month, 24 months; SHAPE[p] false
-- for a month with no report (no line).
local SHAPE = {}

-- A series around a monthly base (kinds 1, 2): base x U(0.7, 1.3), capped; 4% of months
-- not reported. Hot loop (most of all lines): the PRNG is inlined, one draw per month, and
-- each line goes to the buffer as three pieces instead of a concatenated string.
local function series_base(mpre, base, cap)
  local n, s, w = nbuf, state, 0
  for p = 1, 24 do
    s = s + GOLDEN
    local z = s
    z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ~ (z >> 27)) * 0x94D049BB133111EB
    z = (z ~ (z >> 31)) >> 11
    if z % 25 ~= 0 then
      local v = base * (700 + (z >> 16) % 601) // 1000
      if v > cap then v = cap end
      buf[n + 1] = mpre; buf[n + 2] = PV[p]; buf[n + 3] = VS[v]
      n = n + 3
      w = w + 1
    end
  end
  nbuf, state = n, s
  return w
end

-- New customers (kind 3): 0 .. mx per month, every month reported; `quiet`: 70% of months 0.
local function series_count(mpre, mx, quiet)
  local n, s, mx1 = nbuf, state, mx + 1
  for p = 1, 24 do
    s = s + GOLDEN
    local z = s
    z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ~ (z >> 27)) * 0x94D049BB133111EB
    z = (z ~ (z >> 31)) >> 11
    local v = z % mx1
    if quiet and (z >> 16) % 10 < 7 then v = 0 end
    buf[n + 1] = mpre; buf[n + 2] = PV[p]; buf[n + 3] = VS[v]
    n = n + 3
  end
  nbuf, state = n, s
  return 24
end

local function series_shape(mpre)
  local w = 0
  for p = 1, 24 do
    local v = SHAPE[p]
    if v then
      nbuf = nbuf + 3
      buf[nbuf - 2] = mpre; buf[nbuf - 1] = PV[p]; buf[nbuf] = VS[v]
      w = w + 1
    end
  end
  return w
end

-- Fills SHAPE for a metric case: the metric decides the level at one edge of its window.
-- Index 24 is the month of --now, 12 the month before a 12-month window, 21 before 3 months.
local function shape_case(case, goal)
  if case == "usage_unreported" then
    -- 2 of the 3 months reported, 160..220 each: 150 on average over the reported months,
    -- not over the window.
    for p = 1, 21 do SHAPE[p] = rint(100, 250) end
    SHAPE[22], SHAPE[23], SHAPE[24] = rint(160, 220), rint(160, 220), false
  elseif case == "seats_unreported" or case == "seats_zero" then
    for p = 1, 22 do SHAPE[p] = rint(200, 700) end
    SHAPE[23] = rint(250, 700)
    SHAPE[24] = case == "seats_zero" and 0 or false
  else
    -- window_before / window_now: small months, and one large month just before the
    -- window, or in the month of --now.
    local edge = case == "window_now" and 24 or (goal == "usage" and 21 or 12)
    for p = 1, 24 do
      if goal == "revenue" then SHAPE[p] = rint(0, 500)       -- 12 months <= 6,000
      elseif goal == "usage" then SHAPE[p] = rint(0, 120)     -- 3-month average <= 120
      else SHAPE[p] = 0 end                                   -- customers
    end
    if goal == "customers" then SHAPE[rint(13, 23)] = rint(0, 3) end
    SHAPE[edge] = goal == "revenue" and 20000 or (goal == "usage" and 1000 or 5)
  end
end

-- ---------------------------------------------------------------- one organisation
local org_users, org_joined = {}, {}
local link_msa, link_at, link_user, nlinks = {}, {}, {}, 0
local move_at = {}
local focus, free = {}, {}
local used = {}

local function gen_org(k)
  seed_org(k)
  local oid = string.format("o%06d", k)
  nbuf = nbuf + 1
  buf[nbuf] = '{"type":"org","id":"' .. oid .. '","name":"Org ' .. k .. '"}\n'
  c_org = c_org + 1

  -- Tier: 0 weak (most qualify for nothing), 1 silver-ish, 2 gold-ish.
  local u = rnd()
  local tier = u < 0.45 and 0 or (u < 0.85 and 1 or 2)
  local nusers
  if tier == 0 then nusers = rint(3, 10)
  elseif tier == 1 then nusers = rint(7, 15)
  else nusers = rint(12, 20) end

  -- Focus competencies: 1 (60%), 2 (30%) or 3 (10%) distinct ones.
  u = rnd()
  local nfocus = u < 0.6 and 1 or (u < 0.9 and 2 or 3)
  for i = 1, NCOMPS do used[i] = false end
  for i = 1, nfocus do
    local c
    repeat c = rint(1, NCOMPS) until not used[c]
    used[c] = true
    focus[i] = COMPS[c]
  end
  local p_focus = tier == 0 and 0.35 or (tier == 1 and 0.75 or 0.85)

  -- The rule case, if any: its competency `cc` (outside the focus when one fits), the
  -- codes only its base and cohort hold, the metric it shapes; users from `first_case` on
  -- are its base (they count), from `first_cohort` on its cohort (the rule decides).
  local case, cc, excl, target
  local first_case, first_cohort = nusers + 1, nusers + 1
  if k % CASE_EVERY == 0 then
    local cs = CASES[(k // CASE_EVERY - 1) % #CASES + 1]
    case = cs[1]
    local cand = CANDIDATES[cs.need or "any"]
    local nfree = 0
    for i = 1, #cand do
      if not used[cand[i]] then nfree = nfree + 1; free[nfree] = cand[i] end
    end
    local ci = nfree > 0 and free[rint(1, nfree)] or cand[rint(1, #cand)]
    cc, excl = COMPS[ci], COMP_CODES[ci]
    target = cs.need and TARGET[ci][cs.need]
    local ncohort = rint(2, 3)
    local nbase = case == "moved_user" and 1 or rint(0, 2)
    if nusers < ncohort + nbase + 1 then nusers = ncohort + nbase + 1 end
    first_cohort = nusers - ncohort + 1
    first_case = first_cohort - nbase
  end
  -- the competency's silver paths, or the one on the shaped metric, want a passed assessment
  local assessed = cc and (cc.assessed or (target and METRIC_ASSESSED[target]))

  -- Users.
  local upre = '{"type":"user","id":"' .. oid .. "-u"
  local uorg = '","org":"' .. oid .. '","name":"User '
  for i = 1, nusers do
    local uid = oid .. "-u" .. D2[i]
    local jday = NOW_DAY - rint(30, 4 * 365)
    if i >= first_cohort then
      if case == "joined_today" then jday = NOW_DAY
      elseif case == "not_joined" then jday = NOW_DAY + rint(1, 60)
      elseif MOVED[case] then jday = NOW_DAY - rint(200, 4 * 365) end
    end
    org_users[i] = uid
    org_joined[i] = jday
    nbuf = nbuf + 1
    buf[nbuf] = upre .. D2[i] .. uorg .. i .. '","joined":"' .. dstr(jday) .. '"}\n'
  end
  c_user = c_user + nusers

  -- MSA links: one MSA per user, 5% a second one.
  nlinks = 0
  local nregular = 0   -- links of the users before first_case
  local lpre = '{"type":"msa_link","msa":"'
  for i = 1, nusers do
    local uid = org_users[i]
    local nm = rnd() < 0.05 and 2 or 1
    for j = 1, nm do
      local msa = j == 1 and (uid .. "@msa.example") or (uid .. "-b@msa.example")
      local at
      if rnd() < 0.005 and i < first_case then
        at = NOW - rint(1, DAY - 1)                       -- associated in the last 24 hours
      else
        at = org_joined[i] * DAY + rint(0, 60 * DAY)
        if at >= NOW then at = NOW - rint(DAY, 3 * DAY) end
      end
      if j == 1 and i >= first_cohort then
        if case == "linked_today" then at = NOW - rint(1, DAY - 1)
        elseif case == "joined_today" or case == "not_joined" then
          at = NOW - rint(2 * DAY, 30 * DAY)              -- before the joining date
        elseif MOVED[case] then
          at = org_joined[i] * DAY + rint(0, 30 * DAY)    -- at least 170 days ago
          move_at[i] = NOW - rint(case == "earned_after_move" and 10 * DAY or 2 * DAY, 90 * DAY)
        end
      end
      nlinks = nlinks + 1
      link_msa[nlinks] = msa
      link_at[nlinks] = at
      link_user[nlinks] = j == 1 and i or 0
      if i < first_case then nregular = nlinks end
      nbuf = nbuf + 1
      buf[nbuf] = lpre .. msa .. '","user":"' .. uid .. '","at":"' .. tstr(at) .. '"}\n'
    end
  end
  c_link = c_link + nlinks

  -- Achievements: 1-2 per MSA, earned over the three years before --now; then the
  -- case's achievements on the first MSA of its base and cohort users.
  local apre = '{"type":"achievement","msa":"'
  local span = 3 * 365 * DAY
  for l = 1, nlinks do
    local msa = link_msa[l]
    local na = rnd() < 0.45 and 2 or 1
    local first
    for _ = 1, na do
      local code, assess
      if rnd() < p_focus then
        local c = focus[rint(1, nfocus)]
        if rnd() < 0.15 then code, assess = c.assess, true
        else local cs = c.certs; code = cs[rint(1, #cs)] end
      elseif rnd() < 0.2 then code, assess = ALL_ASSESS[rint(1, #ALL_ASSESS)], true
      else code = ALL_CERTS[rint(1, #ALL_CERTS)] end
      if excl and excl[code] then
        repeat code = ALL_CERTS[rint(1, #ALL_CERTS)] until not excl[code]
        assess = false
      end
      if code ~= first then
        first = code
        local earned
        if rnd() < 0.01 then earned = NOW - rint(1, DAY - 1)   -- within the last 24 hours
        else earned = NOW - span + rint(0, span - 1) end
        local eday = earned // DAY
        local tail = '"}\n'
        if assess then
          if rnd() < 0.15 then tail = '","expires":"' .. dstr(eday + 365) .. '"}\n' end
        elseif rnd() >= 0.1 then
          tail = '","expires":"' .. dstr(eday + rint(365, 730)) .. '"}\n'
        end
        nbuf = nbuf + 1
        buf[nbuf] = apre .. msa .. '","code":"' .. code .. '","kind":"' ..
          (assess and "assessment" or "certification") .. '","earned":"' .. tstr(earned) .. tail
        c_ach = c_ach + 1
      end
    end
    local i = link_user[l]
    if i >= first_case then
      local cohort = i >= first_cohort
      -- A certification of the case's competency that counts at --now, unless the rule
      -- decides otherwise (the cohort of an override case has none: the override stands in).
      if not (cohort and OVERRIDDEN[case]) then
        local earned = NOW - rint(30 * DAY, 300 * DAY)
        local kind = "certification"
        local expires
        if cohort then
          if case == "earned_today" then earned = NOW - rint(1, DAY - 1)
          elseif case == "expires_today" then
            earned = (NOW_DAY - rint(365, 730)) * DAY + rint(0, DAY - 1)
            expires = NOW_DAY
          elseif case == "kind" then kind = rnd() < 0.5 and "assessment" or "exam"
          elseif case == "earned_after_move" then
            earned = move_at[i] + rint(0, NOW - DAY - move_at[i])
          elseif MOVED[case] then earned = NOW - rint(100 * DAY, 180 * DAY) end
        end
        expires = expires or (earned // DAY + rint(365, 730))
        nbuf = nbuf + 1
        buf[nbuf] = apre .. msa .. '","code":"' .. cc.certs[rint(1, #cc.certs)] .. '","kind":"' ..
          kind .. '","earned":"' .. tstr(earned) .. '","expires":"' .. dstr(expires) .. '"}\n'
        c_ach = c_ach + 1
      end
      if assessed then
        nbuf = nbuf + 1
        buf[nbuf] = apre .. msa .. '","code":"' .. cc.assess .. '","kind":"assessment","earned":"' ..
          tstr(NOW - rint(30 * DAY, 300 * DAY)) .. '"}\n'
        c_ach = c_ach + 1
      end
    end
  end

  -- An MSA of a user before the case's moving to a user of an earlier organisation (R7):
  -- about 3% of organisations. Then the case's moves: the cohort's first MSAs move to users
  -- of earlier organisations, or (moved_user) to the case's base user.
  if ring_n > 0 and rnd() < 0.03 and nregular > 0 then
    local l = rint(1, nregular)
    local from = link_at[l]
    if from < NOW - 2 * DAY then
      local target_user = ring[rint(1, ring_n < RING_SIZE and ring_n or RING_SIZE)]
      local at = from + rint(DAY, NOW - from - 1)
      nbuf = nbuf + 1
      buf[nbuf] = lpre .. link_msa[l] .. '","user":"' .. target_user .. '","at":"' .. tstr(at) .. '"}\n'
      c_move = c_move + 1
    end
  end
  if MOVED[case] then
    for i = first_cohort, nusers do
      local to = case == "moved_user" and org_users[first_case] or
        ring[rint(1, ring_n < RING_SIZE and ring_n or RING_SIZE)]
      nbuf = nbuf + 1
      buf[nbuf] = lpre .. org_users[i] .. '@msa.example","user":"' .. to .. '","at":"' ..
        tstr(move_at[i]) .. '"}\n'
      c_move = c_move + 1
    end
  end

  -- Departures: about 8% of the users before the case's left (an update record with
  -- "left"); left_today: the cohort leaves on the day of --now.
  for i = 1, nusers do
    if rnd() < 0.08 and i < first_case then
      local j = org_joined[i]
      nbuf = nbuf + 1
      buf[nbuf] = upre .. D2[i] .. '","org":"' .. oid .. '","left":"' ..
        dstr(rint(j + 1, NOW_DAY)) .. '"}\n'
      c_left = c_left + 1
    elseif case == "left_today" and i >= first_cohort then
      nbuf = nbuf + 1
      buf[nbuf] = upre .. D2[i] .. '","org":"' .. oid .. '","left":"' .. dstr(NOW_DAY) .. '"}\n'
      c_left = c_left + 1
    end
  end

  -- Metrics: 2-4 kinds, monthly for 24 months; the case's competency's metrics first, then
  -- the focus competencies', then random ones.
  local nmet = rint(2, 4)
  local chosen, nch = {}, 0
  local is_focus, is_case = {}, {}
  if cc then
    local ms = cc.metrics
    for j = 1, #ms do nch = nch + 1; chosen[nch] = ms[j]; is_case[ms[j]] = true end
    if nmet < nch then nmet = nch end
  end
  for i = 1, nfocus do
    local ms = focus[i].metrics
    for j = 1, #ms do
      local m = ms[j]
      if nch < nmet and not is_focus[m] and not is_case[m] then
        nch = nch + 1; chosen[nch] = m; is_focus[m] = true
      end
    end
  end
  while nch < nmet do
    local m = METRICS[rint(1, #METRICS)]
    local dup = false
    for j = 1, nch do if chosen[j] == m then dup = true break end end
    if not dup then nch = nch + 1; chosen[nch] = m end
  end
  for j = 1, nch do
    local m = chosen[j]
    local t
    u = rnd()
    if is_case[m] then
      t = target and -1 or 2     -- -1: weak, below every silver threshold
    elseif is_focus[m] then
      if tier == 0 then t = u < 0.7 and 0 or 1
      elseif tier == 1 then t = u < 0.15 and 0 or (u < 0.9 and 1 or 2)
      else t = u < 0.15 and 1 or (u < 0.7 and 2 or 3) end
    else
      t = u < 0.7 and 0 or (u < 0.95 and 1 or 2)
    end
    local kind = METRIC_KIND[m]
    local mpre = '{"type":"metric","org":"' .. oid .. '","metric":"' .. m .. '","period":"'
    if m == target then
      shape_case(case, METRIC_GOAL[m])
      c_metric = c_metric + series_shape(mpre)
    elseif kind == 3 then
      c_metric = c_metric + series_count(mpre, t < 0 and 0 or NEWC_MAX[t], t == 0)
    elseif kind == 1 then
      c_metric = c_metric + series_base(mpre, t < 0 and rint(0, 600) or rint(REV_LO[t], REV_HI[t]), 20000)
    else
      c_metric = c_metric + series_base(mpre, t < 0 and rint(0, 80) or rint(USE_LO[t], USE_HI[t]), 1000)
    end
  end

  -- Overrides: about 1% of organisations (not an override case: one key each).
  if rnd() < 0.01 and not OVERRIDDEN[case] then
    local c = focus[rint(1, nfocus)]
    local cs = c.certs
    nbuf = nbuf + 1
    buf[nbuf] = '{"type":"override","org":"' .. oid .. '","competency":"' .. c.id ..
      '","code":"' .. cs[rint(1, #cs)] .. '","people":' .. rint(1, 2) .. ',"reason":"' ..
      OVERRIDE_REASONS[rint(1, #OVERRIDE_REASONS)] .. '","by":"ops@example.com","until":"' ..
      dstr(NOW_DAY + rint(-60, 400)) .. '"}\n'
    c_override = c_override + 1
  end
  if OVERRIDDEN[case] then
    -- The cohort's certifications, credited by an operator: in force or not at --now.
    local from, untl
    if case == "override" then untl = NOW_DAY + rint(1, 400)
    elseif case == "override_lapsed" then untl = NOW_DAY - rint(1, 60)
    elseif case == "override_until_today" then untl = NOW_DAY
    elseif case == "override_from" then from = NOW_DAY + rint(1, 60); untl = from + rint(30, 365)
    else from = NOW_DAY; untl = NOW_DAY + rint(1, 400) end
    nbuf = nbuf + 1
    buf[nbuf] = '{"type":"override","org":"' .. oid .. '","competency":"' .. cc.id ..
      '","code":"' .. cc.certs[rint(1, #cc.certs)] .. '","people":' .. (nusers - first_cohort + 1) ..
      ',"reason":"' .. OVERRIDE_REASONS[rint(1, #OVERRIDE_REASONS)] ..
      '","by":"ops@example.com","until":"' .. dstr(untl) ..
      (from and '","from":"' .. dstr(from) or "") .. '"}\n'
    c_override = c_override + 1
  end

  -- Memberships: about 5% of organisations, mostly the stronger ones.
  local p_member = tier == 0 and 0.01 or (tier == 1 and 0.06 or 0.15)
  if rnd() < p_member then
    local c = focus[rint(1, nfocus)]
    local level = (tier == 2 and rnd() < 0.6) and "gold" or "silver"
    local bday
    if rnd() < 0.7 and NOW_DAY > JAN1_DAY then bday = rint(JAN1_DAY, NOW_DAY - 1)
    else bday = rint(PREVJAN1_DAY, JAN1_DAY - 1) end
    nbuf = nbuf + 1
    buf[nbuf] = '{"type":"membership","org":"' .. oid .. '","competency":"' .. c.id ..
      '","level":"' .. level .. '","bought":"' .. tstr(bday * DAY + rint(0, DAY - 1)) ..
      '","by":"admin@example.com"}\n'
    c_member = c_member + 1
  end

  -- This organisation's users become targets for later moves.
  for i = 1, nusers do
    ring_n = ring_n + 1
    ring[(ring_n - 1) % RING_SIZE + 1] = org_users[i]
  end
end

-- ---------------------------------------------------------------- main loop
local total = 0
local k = 0
local limit = opt_records
local started = os.clock()
local function lines_so_far()
  return c_org + c_user + c_left + c_link + c_move + c_ach + c_metric + c_override + c_member
end
while (not opt_orgs or k < opt_orgs) and (not limit or total < limit) do
  k = k + 1
  local before = nbuf
  gen_org(k)
  local after = lines_so_far()
  if limit and after > limit then
    -- Keep the first (limit - total) lines of this organisation. Every line refers only to
    -- lines before it, so any prefix is valid input. Undo the counts of the cut lines (a
    -- move is an msa_link after the organisation's first achievement).
    local chunk = table.concat(buf, "", before + 1, nbuf)
    local keep, pos = limit - total, 0
    for _ = 1, keep do pos = chunk:find("\n", pos + 1, true) end
    local after_ach = chunk:find('{"type":"achievement"', 1, true)
    after_ach = after_ach ~= nil and after_ach <= pos
    for line in chunk:sub(pos + 1):gmatch("[^\n]+") do
      local t = line:match('^{"type":"([%w_]+)"')
      if t == "org" then c_org = c_org - 1
      elseif t == "user" then
        if line:find('"left":', 1, true) then c_left = c_left - 1 else c_user = c_user - 1 end
      elseif t == "msa_link" then
        if after_ach then c_move = c_move - 1 else c_link = c_link - 1 end
      elseif t == "achievement" then c_ach = c_ach - 1; after_ach = true
      elseif t == "metric" then c_metric = c_metric - 1
      elseif t == "override" then c_override = c_override - 1
      elseif t == "membership" then c_member = c_member - 1 end
    end
    buf[before + 1] = chunk:sub(1, pos)
    nbuf = before + 1
    after = limit
  end
  total = after
  if nbuf >= 16384 then flush() end
end
flush()
out:flush()

io.stderr:write(string.format(
  "gen.lua: seed=%d now=%s orgs=%d records=%d (org=%d user=%d user_left=%d msa_link=%d " ..
  "msa_move=%d achievement=%d metric=%d override=%d membership=%d) cpu=%.1fs\n",
  opt_seed, opt_now, c_org, total, c_org, c_user, c_left, c_link, c_move, c_ach, c_metric,
  c_override, c_member, os.clock() - started))
if opt_orgs and limit and total < limit then
  io.stderr:write("gen.lua: warning: --orgs ran out before --records was reached\n")
end
