--- A pure-Lua stand-in for the C facts object (attain.Facts), for busted specs.
--
-- It applies simplified program rules so specs can set up situations
-- directly: a holding counts unless it has a `reason` (excluded with that
-- reason code), its `counts_from` (default earned + 24 h) is after `now`
-- ("earned_recently"), or it has expired (`expires` <= now, "expired").
-- `as_of` (default: `now`) is where metric windows end, as in the host.
-- Overrides credit `people` extra for their competency and code until `until`.
-- Dates are computed independently of attain.time (os.date / a day loop),
-- so specs of attain.time and of windows check against a second opinion.
-- Every facts call is logged in `org.calls` as a string.
local M = {}

local function is_leap(y) return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0) end
local MDAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

--- "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (or an integer) -> epoch seconds (UTC).
function M.t(s)
  if type(s) == "number" then return s end
  local y, mo, d = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)")
  assert(y, "fake_org.t: bad time " .. tostring(s))
  local hh, mi, ss = s:match("T(%d%d):(%d%d):(%d%d)Z$")
  y, mo, d = tonumber(y), tonumber(mo), tonumber(d)
  local days = 0
  for yy = 1970, y - 1 do days = days + (is_leap(yy) and 366 or 365) end
  for mm = 1, mo - 1 do days = days + MDAYS[mm] + ((mm == 2 and is_leap(y)) and 1 or 0) end
  days = days + d - 1
  return days * 86400 + (tonumber(hh) or 0) * 3600 + (tonumber(mi) or 0) * 60 + (tonumber(ss) or 0)
end

local function period_back(now, k)
  local y, m = tonumber(os.date("!%Y", now)), tonumber(os.date("!%m", now))
  local idx = y * 12 + (m - 1) - k
  return string.format("%04d-%02d", idx // 12, idx % 12 + 1)
end

local Org = {}
Org.__index = Org

local function set_of(codes)
  local s = {}
  for _, c in ipairs(codes) do s[c] = true end
  return s
end

local function log(self, ...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  self.calls[#self.calls + 1] = table.concat(parts, " ")
end

-- Why a holding does not count now, or nil if it counts.
local function exclusion(self, h)
  if h.reason then return h.reason end
  if self.now < (h.counts_from or (M.t(h.earned) + 86400)) then
    return "earned_recently"
  end
  if h.expires and M.t(h.expires) <= self.now then return "expired" end
  return nil
end

local function matching(self, codes, kind)
  local want = set_of(codes)
  local out = {}
  for _, h in ipairs(self.holdings) do
    if want[h.code] and (kind == nil or h.kind == kind) then out[#out + 1] = h end
  end
  return out
end

local function overrides_for(self, codes, competency)
  local want, out = set_of(codes), {}
  if competency == nil then return out end
  for _, o in ipairs(self.overrides) do
    if o.competency == competency and want[o.code]
       and (o["until"] == nil or self.now < M.t(o["until"])) then
      out[#out + 1] = o
    end
  end
  return out
end

function Org:people(codes, kind, competency)
  log(self, "people", table.concat(codes, ","), kind, competency)
  local users, n = {}, 0
  for _, h in ipairs(matching(self, codes, kind)) do
    if not exclusion(self, h) and not users[h.user] then
      users[h.user] = true
      n = n + 1
    end
  end
  for _, o in ipairs(overrides_for(self, codes, competency)) do n = n + o.people end
  return n
end

function Org:people_detail(codes, kind, competency)
  log(self, "people_detail", table.concat(codes, ","), kind, competency)
  local d = { counted = {}, excluded = {}, overrides = {} }
  for _, h in ipairs(matching(self, codes, kind)) do
    local why = exclusion(self, h)
    if why then
      d.excluded[#d.excluded + 1] = { user = h.user, msa = h.msa, code = h.code, reason = why }
    else
      local earned = M.t(h.earned)
      d.counted[#d.counted + 1] = { user = h.user, msa = h.msa, code = h.code, earned = earned,
                                    counts_from = h.counts_from or earned + 86400 }
    end
  end
  for _, o in ipairs(overrides_for(self, codes, competency)) do
    d.overrides[#d.overrides + 1] = { code = o.code, people = o.people, reason = o.reason,
                                      by = o.by, ["until"] = o["until"] and M.t(o["until"]) }
  end
  return d
end

function Org:metric_sum(metric, months)
  log(self, "metric_sum", metric, months)
  local series, s = self.metrics[metric] or {}, 0
  for k = 0, months - 1 do s = s + (series[period_back(self.as_of, k)] or 0) end
  return s
end

function Org:metric_avg(metric, months)
  log(self, "metric_avg", metric, months)
  local series, s = self.metrics[metric] or {}, 0
  for k = 0, months - 1 do s = s + (series[period_back(self.as_of, k)] or 0) end
  return s / months
end

function Org:metric_latest(metric)
  log(self, "metric_latest", metric)
  local series, best = self.metrics[metric] or {}, nil
  local cur = period_back(self.as_of, 0)
  for period in pairs(series) do
    if period <= cur and (best == nil or period > best) then best = period end
  end
  return best and series[best] or nil
end

--- Builds a fake organisation:
---   { id = "contoso", now = "2026-03-15" | epoch, as_of = (default: now),
---     holdings = { {user=, msa=, code=, kind=, earned=, expires=?, counts_from=?, reason=?}... },
---     overrides = { {competency=, code=, people=, reason=, by=, ["until"]=?}... },
---     metrics = { name = { ["YYYY-MM"] = value, ... } } }
function M.new(t)
  t = t or {}
  local now = M.t(t.now or "2026-03-15")
  return setmetatable({
    id = t.id or "contoso",
    now = now,
    as_of = t.as_of and M.t(t.as_of) or now,
    holdings = t.holdings or {},
    overrides = t.overrides or {},
    metrics = t.metrics or {},
    calls = {},
  }, Org)
end

--- `n` certified (kind) holdings of `code` by distinct users u1..un, earned long ago.
function M.people(n, code, kind, first)
  local out = {}
  for i = 1, n do
    local u = "u" .. ((first or 1) + i - 1)
    out[i] = { user = u, msa = u .. "@example.com", code = code,
               kind = kind or "certification", earned = "2025-01-01" }
  end
  return out
end

--- Concatenates arrays.
function M.concat(...)
  local out = {}
  for i = 1, select("#", ...) do
    for _, v in ipairs((select(i, ...))) do out[#out + 1] = v end
  end
  return out
end

return M
