--- attain.goals: goal constructors (R3) and their private specs.
--
-- A goal is an opaque, read-only object describing what to measure and how
-- much is needed; its label is fixed here, at construction. Goals do not
-- know their competency: `attain.competency` compiles them into an
-- evaluation plan bound to the competency id (so overrides apply, R15),
-- which lets one goal object be shared by several paths or competencies.
-- Public fields of a goal: `kind`, `label`, `need`.
local check = require "attain.check"

local M = {}

local format, concat, sort = string.format, table.concat, table.sort
local type, setmetatable, error = type, setmetatable, error
local msg, show, num = check.msg, check.show, check.num

---@alias attain.GoalKind
---| "certified"  # distinct people holding a certification
---| "assessed"   # distinct people who passed an assessment
---| "revenue"    # sum of a metric over a window of months
---| "usage"      # average of a metric over a window of months
---| "seats"      # latest reported value of a metric
---| "customers"  # sum of a metric (new customers) over a window of months
---| "all"        # all sub-goals met
---| "any"        # at least `need` (default 1) sub-goals met
---| "custom"     # a.goal with a measure function

---@alias attain.MetricKind "revenue"|"usage"|"seats"|"customers"

---@class attain.Goal
---@field kind attain.GoalKind
---@field label string
---@field need number

-- goal object -> private spec; weak keys so dropped goals are collected.
local specs = setmetatable({}, { __mode = "k" })

local function readonly()
  error("attain goals are read-only", 2)
end

local function new_goal(spec)
  local goal = setmetatable({}, {
    __index = { kind = spec.kind, label = spec.label, need = spec.need },
    __newindex = readonly,
    __metatable = "attain.goal",
  })
  specs[goal] = spec
  return goal
end

--- The private spec of a goal, or nil if `v` is not a goal (for attain.competency).
---@param v any
---@return table?
function M.spec(v)
  return specs[v]
end

--- True if `v` was made by one of the goal constructors.
---@param v any
---@return boolean
function M.is_goal(v)
  return specs[v] ~= nil
end

------------------------------------------------------------------------------
-- Skills-based goals

local PEOPLE_KEYS = { people = true, codes = true }

local function people_goal(fname, kind, facts_kind, one, many, t)
  if type(t) ~= "table" then return nil, msg(fname, "expected a table, got " .. show(t)) end
  local problem = check.keys(t, PEOPLE_KEYS)
  if problem then return nil, msg(fname, problem) end
  local bad, people = check.count(t.people, "people")
  if bad then return nil, msg(fname, bad) end
  local bad2, codes = check.codes(t.codes)
  if bad2 then return nil, msg(fname, bad2) end
  local sorted = {}
  for i = 1, #codes do sorted[i] = codes[i] end
  sort(sorted)
  return new_goal {
    kind = kind, op = "people", facts_kind = facts_kind, codes = codes,
    need = people, fname = fname, where = check.where(),
    label = format("%d %s (%s)", people, people == 1 and one or many, concat(codes, ", ")),
    key = "people\0" .. facts_kind .. "\0" .. concat(sorted, "\0"),
  }
end

---@class attain.PeopleArgs
---@field people integer how many distinct people must hold one of the codes (> 0)
---@field codes string[] achievement codes; holding any one of them counts

--- Skills goal: at least `people` distinct people of the organisation hold a
--- certification among `codes` (as of the evaluation time, R6-R8, plus overrides R15).
--- Label: "2 certified people (AZ-104, AZ-204)".
---@param t attain.PeopleArgs
---@return attain.Goal
function M.certified(t)
  local g, err = people_goal("a.certified", "certified", "certification",
    "certified person", "certified people", t)
  if not g then error(err, 2) end
  return g
end

--- Skills goal: at least `people` distinct people passed an online assessment
--- among `codes`. Label: "2 people with a passed assessment (TA-CLOUD)".
---@param t attain.PeopleArgs
---@return attain.Goal
function M.assessed(t)
  local g, err = people_goal("a.assessed", "assessed", "assessment",
    "person with a passed assessment", "people with a passed assessment", t)
  if not g then error(err, 2) end
  return g
end

------------------------------------------------------------------------------
-- Performance-based goals

local KINDS = {
  revenue = { op = "sum", what = "revenue", months = true },
  usage = { op = "avg", what = "active usage", months = true, default = 3, avg = true },
  seats = { op = "latest", what = "deployed seats", months = false },
  customers = { op = "sum", what = "new customers", months = true, default = 12 },
}

-- The longest window: what the facts API reads (org:metric_sum and metric_avg).
local MAX_MONTHS = 120

local PERF_KEYS = { metric = true, months = true, at_least = true }
local PERFORMANCE_KEYS = { kind = true, metric = true, months = true, at_least = true }

local function window_text(k, months)
  if not k.months then return "(latest month)" end
  local span = months == 1 and "1 month" or format("%d months", months)
  return (k.avg and "averaged over " or "over ") .. span
end

local function performance_goal(fname, kind, t, generic)
  if type(t) ~= "table" then return nil, msg(fname, "expected a table, got " .. show(t)) end
  local k = KINDS[kind]
  if not k then
    return nil, msg(fname, format("unknown metric kind %s (expected revenue, usage, seats or customers)",
      show(kind)))
  end
  local problem = check.keys(t, generic and PERFORMANCE_KEYS or PERF_KEYS)
  if problem then return nil, msg(fname, problem) end
  if not k.months and t.months ~= nil then
    return nil, msg(fname, "unknown key 'months'", kind .. " goals use the latest reported month")
  end
  local bad = check.name(t.metric, "metric") or check.positive(t.at_least, "at_least")
  if bad then return nil, msg(fname, bad) end
  local months = nil
  if k.months then
    local m = t.months
    if m == nil then m = k.default end
    local bad2
    bad2, months = check.count(m, "months")
    if not bad2 and months > MAX_MONTHS then
      bad2 = format("months must be at most %d (ten years), got %d", MAX_MONTHS, months)
    end
    if bad2 then return nil, msg(fname, bad2) end
  end
  return new_goal {
    kind = kind, op = k.op, metric = t.metric, months = months, need = t.at_least,
    fname = fname, where = check.where(),
    label = format("%s %s %s ≥ %s", k.what, t.metric, window_text(k, months), num(t.at_least)),
    key = k.op .. "\0" .. t.metric .. "\0" .. (months or 0),
  }
end

---@class attain.PerformanceArgs
---@field kind attain.MetricKind
---@field metric string monthly metric name, e.g. "azure_consumed_revenue"
---@field months? integer window of calendar months ending with the evaluation month (not for seats)
---@field at_least number threshold (> 0)

--- Performance goal of any metric kind; the four shorthands below use it.
---  * revenue:   sum of `metric` over `months` (required) calendar months
---  * usage:     average of `metric` over `months` (default 3)
---  * seats:     latest reported monthly value of `metric` (no `months`)
---  * customers: sum of `metric` over `months` (default 12)
--- Windows end with (and include) the month of the evaluation time; missing months count 0.
---@param t attain.PerformanceArgs
---@return attain.Goal
function M.performance(t)
  local kind = type(t) == "table" and t.kind or nil
  local g, err = performance_goal("a.performance", kind, t, true)
  if not g then error(err, 2) end
  return g
end

---@class attain.RevenueArgs
---@field metric string
---@field months integer
---@field at_least number

--- Revenue goal: sum of `metric` over `months` calendar months ≥ `at_least`.
--- Label: "revenue azure_consumed_revenue over 12 months ≥ 15000".
---@param t attain.RevenueArgs
---@return attain.Goal
function M.revenue(t)
  local g, err = performance_goal("a.revenue", "revenue", t)
  if not g then error(err, 2) end
  return g
end

---@class attain.UsageArgs
---@field metric string
---@field months? integer default 3
---@field at_least number

--- Active-usage goal: average monthly `metric` over `months` (default 3) ≥ `at_least`.
--- Label: "active usage m365_active_usage averaged over 3 months ≥ 300".
---@param t attain.UsageArgs
---@return attain.Goal
function M.usage(t)
  local g, err = performance_goal("a.usage", "usage", t)
  if not g then error(err, 2) end
  return g
end

---@class attain.SeatsArgs
---@field metric string
---@field at_least number

--- Deployed-seats goal: the latest reported monthly value of `metric` (months
--- after the evaluation month are ignored; none reported = 0) ≥ `at_least`.
--- Label: "deployed seats m365_deployed_seats (latest month) ≥ 500".
---@param t attain.SeatsArgs
---@return attain.Goal
function M.seats(t)
  local g, err = performance_goal("a.seats", "seats", t)
  if not g then error(err, 2) end
  return g
end

---@class attain.CustomersArgs
---@field metric string
---@field months? integer default 12
---@field at_least number

--- New-customers goal: sum of `metric` over `months` (default 12) ≥ `at_least`.
--- Label: "new customers appdev_new_customers over 12 months ≥ 5".
---@param t attain.CustomersArgs
---@return attain.Goal
function M.customers(t)
  local g, err = performance_goal("a.customers", "customers", t)
  if not g then error(err, 2) end
  return g
end

------------------------------------------------------------------------------
-- Combinators

local ALL_KEYS = { label = true }
local ANY_KEYS = { label = true, need = true }

local function combinator(fname, kind, t)
  if type(t) ~= "table" then return nil, msg(fname, "expected a table, got " .. show(t)) end
  local problem, n = check.keys(t, kind == "any" and ANY_KEYS or ALL_KEYS, "goal")
  if problem then return nil, msg(fname, problem) end
  if n == 0 then return nil, msg(fname, "no goals") end
  local children, labels = {}, {}
  for i = 1, n do
    local s = specs[t[i]]
    if not s then
      return nil, msg(fname, format("goal #%d is not a goal, got %s", i, show(t[i])))
    end
    children[i], labels[i] = s, s.label
  end
  if t.label ~= nil then
    local bad = check.name(t.label, "label")
    if bad then return nil, msg(fname, bad) end
  end
  local need = n
  if kind == "any" then
    need = 1
    if t.need ~= nil then
      local bad
      bad, need = check.count(t.need, "need")
      if bad then return nil, msg(fname, bad) end
      if need > n then
        return nil, msg(fname, format("need must be at most the number of goals (%d), got %d", n, need))
      end
    end
  end
  local head = kind == "all" and "all of" or need == 1 and "any of" or format("%d of", need)
  return new_goal {
    kind = kind, op = kind, children = children, need = need,
    label = t.label or format("%s [%s]", head, concat(labels, "; ")),
  }
end

---@class attain.AllArgs
---@field label? string replaces the generated label
---@field [integer] attain.Goal

--- Met when all sub-goals are met. have = sub-goals met, need = number of sub-goals.
--- Label: "all of [A; B]".
---@param t attain.AllArgs
---@return attain.Goal
function M.all(t)
  local g, err = combinator("a.all", "all", t)
  if not g then error(err, 2) end
  return g
end

---@class attain.AnyArgs
---@field label? string replaces the generated label
---@field need? integer how many sub-goals must be met (default 1)
---@field [integer] attain.Goal

--- Met when at least `need` (default 1) sub-goals are met. have = sub-goals met.
--- Label: "any of [A; B]" or "2 of [A; B; C]".
---@param t attain.AnyArgs
---@return attain.Goal
function M.any(t)
  local g, err = combinator("a.any", "any", t)
  if not g then error(err, 2) end
  return g
end

------------------------------------------------------------------------------
-- Custom goals

---@alias attain.Measure fun(org: attain.Facts, now: attain.Time, competency: string): number
---@alias attain.Detail fun(org: attain.Facts, now: attain.Time, competency: string): any

---@class attain.CustomArgs
---@field label string shown as is
---@field need number met when have >= need (> 0)
---@field measure attain.Measure returns `have`; must be pure (facts only)
---@field detail? attain.Detail optional: what `a.explain` shows for this goal

local CUSTOM_KEYS = { label = true, need = true, measure = true, detail = true }

--- Custom goal: `measure(org, now, competency_id)` returns `have`, a number;
--- met when have >= need. Two custom goals with the same measure function
--- are measured once per evaluation.
---@param t attain.CustomArgs
---@return attain.Goal
function M.goal(t)
  local fname = "a.goal"
  if type(t) ~= "table" then error(msg(fname, "expected a table, got " .. show(t)), 2) end
  local problem = check.keys(t, CUSTOM_KEYS)
          or check.name(t.label, "label")
          or check.positive(t.need, "need")
  if problem then error(msg(fname, problem), 2) end
  if type(t.measure) ~= "function" then
    error(msg(fname, "measure must be a function, got " .. show(t.measure)), 2)
  end
  if t.detail ~= nil and type(t.detail) ~= "function" then
    error(msg(fname, "detail must be a function, got " .. show(t.detail)), 2)
  end
  local g = new_goal {
    kind = "custom", op = "custom", label = t.label, need = t.need,
    measure = t.measure, detail = t.detail, key = t.measure,
    where = check.where(),
  }
  return g
end

return M
