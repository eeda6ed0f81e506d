--- attain.competency: paths, competencies, and their evaluation.
--
-- `competency` validates a whole policy and compiles it into a private
-- evaluation plan: the distinct measures (facts queries) its goals need,
-- bound to the competency id, and per path the goal nodes that read them.
-- `evaluate` runs the plan: one facts call per distinct measure, then
-- comparisons; labels and query arguments are all prepared here, so an
-- evaluation builds no strings and creates no closures.
-- Competency and path objects are read-only proxies; their plans live in
-- weak tables private to this module (no field a policy could fake).
local check = require "attain.check"
local goals = require "attain.goals"
local renewal = require "attain.renewal"
local time = require "attain.time"
-- The host runs evaluate, level, explain and membership_end without the
-- instruction budget (sandbox_pcall_trusted): their work is bounded by the
-- plan and the facts. Every policy function they reach is called through
-- `budgeted` or `protected`, which run it under the budget (`protected` also
-- catches its ordinary errors, so a failing measure fails its path only);
-- nothing else of a policy's is ever called from them (plans hold only
-- strings, numbers, stdlib tables and those functions, all checked when the
-- competency was made).
local sandbox = require "attain.sandbox"
local budgeted, protected = sandbox.call, sandbox.pcall

local M = {}

local format = string.format
local type, setmetatable, getmetatable, error, tointeger = type, setmetatable, getmetatable, error,
                                                       math.tointeger
local next, select = next, select
local month_index, period_of_index = time.month_index, time.period_of_index
local msg, show = check.msg, check.show

---@alias attain.Level "silver"|"gold"

local function readonly()
  error("attain competencies and paths are read-only", 2)
end

local function proxy(view, marker)
  return setmetatable({}, { __index = view, __newindex = readonly, __metatable = marker })
end

------------------------------------------------------------------------------
-- Paths

---@class attain.Path
---@field id string
---@field level attain.Level
---@field goals string[] labels of the path's goals, in order

local path_specs = setmetatable({}, { __mode = "k" })

local PATH_KEYS = { id = true, level = true }

---@class attain.PathArgs
---@field id string unique within its level
---@field level attain.Level
---@field [integer] attain.Goal the goals, all of which must be met

--- An attainment path: met when all its goals are met (R2).
---@param t attain.PathArgs
---@return attain.Path
function M.path(t)
  local fname = "a.path"
  if type(t) ~= "table" then error(msg(fname, "expected a table, got " .. show(t)), 2) end
  local id, level = t.id, t.level
  local ctx = type(id) == "string" and id ~= "" and format("path '%s'", id) or nil
  if ctx and (level == "silver" or level == "gold") then ctx = level .. " " .. ctx end
  local problem, n = check.keys(t, PATH_KEYS, "goal")
  problem = problem or check.name(id, "id")
  if problem then error(msg(fname, problem, ctx), 2) end
  if level ~= "silver" and level ~= "gold" then
    error(msg(fname, "level must be 'silver' or 'gold', got " .. show(level), ctx), 2)
  end
  if n == 0 then error(msg(fname, "no goals", ctx), 2) end
  local specs, labels = {}, {}
  for i = 1, n do
    local s = goals.spec(t[i])
    if not s then
      error(msg(fname, format("goal #%d is not a goal, got %s", i, show(t[i])), ctx), 2)
    end
    specs[i], labels[i] = s, s.label
  end
  local p = proxy({ id = id, level = level, goals = labels }, "attain.path")
  path_specs[p] = { id = id, level = level, goals = specs, where = check.where() }
  return p
end

--- True if `v` was made by `a.path`.
---@param v any
---@return boolean
function M.is_path(v)
  return path_specs[v] ~= nil
end

------------------------------------------------------------------------------
-- Measures: one facts query each; `fetch(m, org)` returns `have`.

local function fetch_people(m, org)
  return org:people(m.codes, m.kind, m.competency)
end

local function fetch_sum(m, org)
  return org:metric_sum(m.metric, m.months)
end

local function fetch_avg(m, org)
  return org:metric_avg(m.metric, m.months)
end

local function fetch_latest(m, org)
  return org:metric_latest(m.metric) or 0
end

-- A custom measure that fails (raises, or returns no number) fails the goals
-- that read it, and their paths; the rest of the competency is still evaluated.
local function fetch_custom(m, org)
  local ok, have = protected(m.measure, org, org.now, m.competency)
  if not ok then return nil, have end
  if type(have) ~= "number" or have ~= have then
    return nil, format("%sa.goal '%s': measure returned %s, expected a number",
      m.where, m.label, show(have))
  end
  return have
end

local FETCH = {
  people = fetch_people, sum = fetch_sum, avg = fetch_avg,
  latest = fetch_latest, custom = fetch_custom,
}

------------------------------------------------------------------------------
-- Tracing: what a policy's own code shows while it runs (a.trace)

-- The list the running custom measure's (or detail's) a.trace calls append to, or nil:
-- evaluate and explain set it around each policy function they call, level (a sweep)
-- never does, so a.trace costs nothing there and nothing is ever printed.
local tracing = nil
local traced = 0 -- lines kept in this evaluation
local MAX_TRACED, MAX_TRACE_LEN = 100, 500

local function traced_value(v, depth)
  local t = type(v)
  if t == "string" then return v end
  if t ~= "table" or getmetatable(v) ~= nil or depth > 1 then return show(v) end
  local keys = {}
  for k in next, v do keys[#keys + 1] = k end
  table.sort(keys, function(x, y)
    local tx, ty = type(x), type(y)
    if tx ~= ty then return tx < ty end
    if tx == "number" or tx == "string" then return x < y end
    return false
  end)
  local parts = {}
  for i = 1, #keys do
    if i > 20 then
      parts[#parts + 1] = "..."
      break
    end
    local k = keys[i]
    local shown = traced_value(v[k], depth + 1)
    if type(k) == "string" then shown = k .. " = " .. shown end
    parts[#parts + 1] = shown
  end
  return "{ " .. table.concat(parts, ", ") .. " }"
end

--- Shows values while a spec or `attain status` evaluates: each call adds
--- "file:line: v1 v2 ..." to the `trace` of the goal whose custom measure (or
--- detail) is running. During sweeps, and outside measures, it does nothing.
--- Values are shown without calling any of their metamethods.
---@param ... any
function M.trace(...)
  if not tracing or traced >= MAX_TRACED then return end
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = traced_value((select(i, ...)), 0) end
  local line = check.where() .. table.concat(parts, " ")
  if #line > MAX_TRACE_LEN then line = line:sub(1, MAX_TRACE_LEN) .. "..." end
  traced = traced + 1
  tracing[#tracing + 1] = line
end

-- Calls fetch(m, org) collecting what a.trace shows into a new list (nil if empty).
local function fetch_traced(m, org)
  tracing = {}
  local v, err = m.fetch(m, org)
  local lines = tracing[1] and tracing or nil
  tracing = nil
  return v, err, lines
end

-- Array makers of exact sizes: a table constructor sizes the array part
-- once, where filling `{}` would regrow it (1, 2, 4...); chosen per plan at
-- construction so `evaluate` allocates each result array exactly once.
local BLANK = {
  function() return { false } end,
  function() return { false, false } end,
  function() return { false, false, false } end,
  function() return { false, false, false, false } end,
  function() return { false, false, false, false, false } end,
  function() return { false, false, false, false, false, false } end,
  function() return { false, false, false, false, false, false, false } end,
  function() return { false, false, false, false, false, false, false, false } end,
}
local function blank_any() return {} end

-- Maker of arrays of exactly n entries (every entry is overwritten).
local function blank(n)
  return BLANK[n] or blank_any
end

-- Compiles a goal spec into a node; leaf measures are shared through `slots`.
local function compile(spec, cid, plan, slots)
  local node = { label = spec.label, need = spec.need, op = spec.op, kind = spec.kind }
  if spec.children then
    local children = {}
    for i = 1, #spec.children do
      children[i] = compile(spec.children[i], cid, plan, slots)
    end
    node.children = children
    return node
  end
  local slot = slots[spec.key]
  if not slot then
    slot = #plan.measures + 1
    slots[spec.key] = slot
    plan.measures[slot] = {
      fetch = FETCH[spec.op], op = spec.op, competency = cid,
      codes = spec.codes, kind = spec.facts_kind,
      metric = spec.metric, months = spec.months,
      measure = spec.measure, label = spec.label, where = spec.where,
    }
  end
  node.slot = slot
  node.detail = spec.detail
  return node
end

------------------------------------------------------------------------------
-- Competencies

---@class attain.Benefits
---@field silver string[]
---@field gold string[]

---@class attain.Competency
---@field id string
---@field name string
---@field benefits attain.Benefits shown on the business profile (R1, R16)
---@field renewal attain.RenewalRule call as `c.renewal(bought)`, not as a method
---@field paths attain.Path[] in declaration order

local plans = setmetatable({}, { __mode = "k" })

local COMPETENCY_KEYS = { id = true, name = true, paths = true, benefits = true, renewal = true }
local LEVEL_KEYS = { silver = true, gold = true }

local function check_benefits(b)
  if b == nil then return nil, { silver = {}, gold = {} } end
  if type(b) ~= "table" then
    return "benefits must be a table { silver = {...}, gold = {...} }, got " .. show(b)
  end
  local problem = check.keys(b, LEVEL_KEYS)
  if problem then return "benefits: " .. problem end
  local out = {}
  for _, level in ipairs({ "silver", "gold" }) do
    local list = b[level]
    local copy = {}
    if list ~= nil then
      local what = "benefits." .. level
      if type(list) ~= "table" then
        return format("%s must be a list of strings, got %s", what, show(list))
      end
      local bad, n = check.keys(list, {}, "benefit")
      if bad then return what .. ": " .. bad end
      for i = 1, n do
        if type(list[i]) ~= "string" or list[i] == "" then
          return format("%s[%d] must be a non-empty string, got %s", what, i, show(list[i]))
        end
        copy[i] = list[i]
      end
    end
    out[level] = copy
  end
  return nil, out
end

---@class attain.CompetencyArgs
---@field id string e.g. "cloud-platform"
---@field name string e.g. "Cloud Platform"
---@field paths attain.Path[] at least one; ids unique within a level
---@field benefits? { silver?: string[], gold?: string[] }
---@field renewal? attain.RenewalRule default `attain.renewal.year_end` (R10)

--- Validates a competency and compiles its evaluation plan.
--- What a policy file returns.
---@param t attain.CompetencyArgs
---@return attain.Competency
function M.competency(t)
  local fname = "a.competency"
  if type(t) ~= "table" then error(msg(fname, "expected a table, got " .. show(t)), 2) end
  local id = t.id
  local ctx = type(id) == "string" and id ~= "" and format("competency '%s'", id) or nil
  local problem = check.keys(t, COMPETENCY_KEYS) or check.name(id, "id")
                  or check.name(t.name, "name")
  if problem then error(msg(fname, problem, ctx), 2) end
  local bad, benefits = check_benefits(t.benefits)
  if bad then error(msg(fname, bad, ctx), 2) end
  local rule = t.renewal
  if rule == nil then
    rule = renewal.default
  elseif type(rule) ~= "function" then
    error(msg(fname, "renewal must be a function, got " .. show(rule), ctx), 2)
  end
  local paths = t.paths
  if paths ~= nil and type(paths) ~= "table" then
    error(msg(fname, "paths must be a list of a.path, got " .. show(paths), ctx), 2)
  end
  local np = 0
  if paths ~= nil then
    local p
    p, np = check.keys(paths, {}, "path")
    if p then error(msg(fname, "paths: " .. p, ctx), 2) end
  end
  if np == 0 then error(msg(fname, "no paths", ctx), 2) end

  local plan = { id = id, measures = {}, paths = {}, where = check.where(), path_goal_specs = {} }
  local slots, seen, views = {}, { silver = {}, gold = {} }, {}
  for i = 1, np do
    local p = path_specs[paths[i]]
    if not p then
      local hint = goals.is_goal(paths[i]) and "; put goals inside a.path" or ""
      error(msg(fname, format("paths[%d] is not a path, got %s%s", i, show(paths[i]), hint), ctx), 2)
    end
    if seen[p.level][p.id] then
      error(p.where .. msg(fname, format("duplicate %s path id '%s'", p.level, p.id), ctx), 0)
    end
    seen[p.level][p.id] = true
    local nodes = {}
    for j = 1, #p.goals do
      nodes[j] = compile(p.goals[j], id, plan, slots)
    end
    plan.paths[i] = { id = p.id, level = p.level, nodes = nodes, blank = blank(#nodes) }
    plan.path_goal_specs[i] = p.goals
    views[i] = paths[i]
  end

  plan.blank_paths, plan.blank_vals = blank(np), blank(#plan.measures)
  local c = proxy({
    id = id, name = t.name, benefits = benefits, renewal = rule, paths = views,
    evaluate = M.evaluate, explain = M.explain, membership_end = M.membership_end,
  }, "attain.competency")
  plan.renewal = rule
  plans[c] = plan
  return c
end

--- True if `v` was made by `a.competency` (checked against a private table,
--- not a field).
---@param v any
---@return boolean
function M.is_competency(v)
  return plans[v] ~= nil
end

local function plan_of(c, fname)
  local plan = plans[c]
  if not plan then
    error(format("%s: expected a competency made by a.competency, got %s", fname, show(c)), 3)
  end
  return plan
end

--- Which metric rows an evaluation of `c` can read: `months`, the longest
--- window of its revenue, usage and customers goals (calendar months ending
--- with the evaluation month; 0 if it has none), and `any_month`, the metrics
--- of its seats goals (their latest reported month may be any month before),
--- sorted. Nil if it has a custom goal (its functions may read any month).
--- The host reads no other metric rows.
---@param c attain.Competency
---@return integer? months
---@return string[]? any_month
function M.metric_months(c)
  local plan = plan_of(c, "attain.metric_months")
  local months, any_month, seen = 0, {}, {}
  for _, m in ipairs(plan.measures) do
    if m.op == "custom" then return nil end
    if m.op == "latest" and not seen[m.metric] then
      seen[m.metric] = true
      any_month[#any_month + 1] = m.metric
    end
    if (m.op == "sum" or m.op == "avg") and m.months > months then months = m.months end
  end
  table.sort(any_month)
  return months, any_month
end

--- The competency's evaluation plan as plain data, for a host that evaluates
--- declarative goals natively (host/policy_native.c): the measures (op "people",
--- "sum", "avg" or "latest" with their codes, kind, competency, metric, months)
--- and per path its level and goal nodes (`{ slot, need }`, or for a
--- combinator `{ op = "all"|"any", need, children }`). Nil when a goal is
--- custom: its measure is the policy's Lua, so the competency is evaluated here.
--- Same answers as `level`, by construction: the host compares have >= need
--- goal by goal, as `level` does.
---@param c attain.Competency
---@return table?
function M.native_plan(c)
  local plan = plan_of(c, "attain.native_plan")
  local measures = {}
  for i, m in ipairs(plan.measures) do
    if m.op == "custom" then return nil end
    measures[i] = { op = m.op, codes = m.codes, kind = m.kind, competency = m.competency,
                    metric = m.metric, months = m.months }
  end
  local function node(n)
    if not n.children then return { slot = n.slot, need = n.need } end
    local children = {}
    for i, ch in ipairs(n.children) do children[i] = node(ch) end
    return { op = n.op, need = n.need, children = children }
  end
  local paths = {}
  for i, p in ipairs(plan.paths) do
    local nodes = {}
    for j, n in ipairs(p.nodes) do nodes[j] = node(n) end
    paths[i] = { level = p.level, nodes = nodes }
  end
  return { measures = measures, paths = paths }
end

--- Where the competency was made: "file:line: " of its `a.competency` call
--- (also for `return a.competency { ... }`), for the host's messages about it.
---@param c attain.Competency
---@return string
function M.origin(c)
  return plan_of(c, "attain.origin").where
end

---@class attain.Reference
---@field what "metric"|"code"
---@field name string the metric name or achievement code
---@field kind string the goal's metric kind ("revenue", ...) or achievement kind ("certification", ...)
---@field goal string the constructor, e.g. "a.revenue"
---@field where string "file:line: " of the goal's constructor call

-- The goals of a spec tree, depth first, each once.
local function each_leaf(spec, out, seen)
  if seen[spec] then return end
  seen[spec] = true
  if spec.children then
    for i = 1, #spec.children do each_leaf(spec.children[i], out, seen) end
  elseif spec.op ~= "custom" then
    out[#out + 1] = spec
  end
end

--- Every metric name and achievement code the competency's goals name, in
--- declaration order, for checking them against the policy set's schema
--- (docs/policy-repo.md). Custom goals name none.
---@param c attain.Competency
---@return attain.Reference[]
function M.references(c)
  local plan = plan_of(c, "attain.references")
  local leaves, seen, out = {}, {}, {}
  for _, p in ipairs(plan.path_goal_specs) do
    for _, g in ipairs(p) do each_leaf(g, leaves, seen) end
  end
  for _, g in ipairs(leaves) do
    if g.op == "people" then
      for _, code in ipairs(g.codes) do
        out[#out + 1] = { what = "code", name = code, kind = g.facts_kind, goal = g.fname, where = g.where }
      end
    else
      out[#out + 1] = { what = "metric", name = g.metric, kind = g.kind, goal = g.fname, where = g.where }
    end
  end
  return out
end

------------------------------------------------------------------------------
-- Evaluation

---@class attain.GoalResult
---@field kind attain.GoalKind
---@field label string
---@field have number 0 when `error` is set
---@field need number
---@field met boolean
---@field error? string its measure failed: "file:line: message" (never met)
---@field trace? string[] what a.trace showed while its custom measure (or detail) ran
---@field detail? any only from `explain`
---@field detail_error? string only from `explain`: its detail function failed

---@class attain.PathResult
---@field id string
---@field level attain.Level
---@field met boolean
---@field error? string a goal of it failed: the first goal's error (never met)
---@field goals attain.GoalResult[]

---@class attain.Result
---@field level attain.Level? "gold" if a gold path is met, else "silver" if a silver path is met, else nil
---@field paths attain.PathResult[] in declaration order

-- have of a node: its measure's value, or for a combinator how many children
-- are met; nil and the error when a measure it reads failed.
local have_of
local function count_met(node, vals, errs)
  local children, met = node.children, 0
  for i = 1, #children do
    local ch = children[i]
    local have, err = have_of(ch, vals, errs)
    if err then return nil, err end
    if have >= ch.need then met = met + 1 end
  end
  return met
end
have_of = function(n, vals, errs)
  local slot = n.slot
  if slot then
    if errs and errs[slot] then return nil, errs[slot] end
    return vals[slot]
  end
  return count_met(n, vals, errs)
end

-- Every measure's value, and (nil when none failed) the errors by slot; with `trace`,
-- also what custom measures traced, by slot (nil when nothing was).
local function measure_all(plan, org, trace)
  local measures, vals, errs, traces = plan.measures, plan.blank_vals(), nil, nil
  tracing = nil -- (a spent budget may have left the last list behind)
  if trace then traced = 0 end
  for i = 1, #measures do
    local m = measures[i]
    local v, err, lines
    if trace and m.op == "custom" then
      v, err, lines = fetch_traced(m, org)
      if lines then
        traces = traces or {}
        traces[i] = lines
      end
    else
      v, err = m.fetch(m, org)
    end
    if err then
      errs = errs or {}
      errs[i], v = err, 0
    end
    vals[i] = v
  end
  return vals, errs, traces
end

-- What the measures under node n traced, in order (nil if nothing).
local function node_trace(n, traces)
  if not traces then return nil end
  if n.slot then return traces[n.slot] end
  local all
  for i = 1, #n.children do
    local t = node_trace(n.children[i], traces)
    if t then
      all = all or {}
      for j = 1, #t do all[#all + 1] = t[j] end
    end
  end
  return all
end

-- Whether path p is met, or nil and the error of its first failing goal.
local function path_met(p, vals, errs)
  local nodes, met = p.nodes, true
  for j = 1, #nodes do
    local n = nodes[j]
    local have, err = have_of(n, vals, errs)
    if err then return nil, err end
    if have < n.need then met = false end
  end
  return met
end

local RANK = { silver = 1, gold = 2 }

--- Evaluates a competency for one organisation as of `org.now` (R2, R4, R9).
--- Every goal of every path is evaluated, so progress is complete. A goal
--- whose measure fails makes its path fail (`error`, never met); the level is
--- the highest of the met paths.
---@param c attain.Competency
---@param org attain.Facts
---@return attain.Result
function M.evaluate(c, org)
  local plan = plan_of(c, "attain.evaluate")
  local vals, errs, traces = measure_all(plan, org, true)
  local ppaths, out, silver, gold = plan.paths, plan.blank_paths(), false, false
  for i = 1, #ppaths do
    local p = ppaths[i]
    local nodes, results, met, perr = p.nodes, p.blank(), true, nil
    for j = 1, #nodes do
      local n = nodes[j]
      local have, err = have_of(n, vals, errs)
      local ok = not err and have >= n.need
      results[j] = { kind = n.kind, label = n.label, have = have or 0, need = n.need, met = ok,
                     error = err, trace = node_trace(n, traces) }
      if not ok then met = false end
      perr = perr or err
    end
    out[i] = { id = p.id, level = p.level, met = met, error = perr, goals = results }
    if met then
      if p.level == "gold" then gold = true else silver = true end
    end
  end
  return { level = gold and "gold" or silver and "silver" or nil, paths = out }
end

--- The level reached, without the progress report: what a sweep needs. Same
--- level as `evaluate(c, org).level`. When a path failed, also the highest
--- level of a failed path and the first path error (in declaration order):
--- a level the failure may hide.
---@param c attain.Competency
---@param org attain.Facts
---@return attain.Level? level
---@return attain.Level? error_level
---@return string? error
function M.level(c, org)
  local plan = plan_of(c, "attain.level")
  local vals, errs = measure_all(plan, org)
  local ppaths, silver = plan.paths, false
  if not errs then
    for i = 1, #ppaths do
      local p = ppaths[i]
      if p.level == "gold" or not silver then
        local nodes, met = p.nodes, true
        for j = 1, #nodes do
          local n = nodes[j]
          if have_of(n, vals) < n.need then met = false break end
        end
        if met then
          if p.level == "gold" then return "gold" end
          silver = true
        end
      end
    end
    return silver and "silver" or nil
  end
  local best, err_rank, first = 0, 0, nil
  for i = 1, #ppaths do
    local p = ppaths[i]
    local met, err = path_met(p, vals, errs)
    if err then
      first = first or err
      if RANK[p.level] > err_rank then err_rank = RANK[p.level] end
    elseif met and RANK[p.level] > best then
      best = RANK[p.level]
    end
  end
  local names = { "silver", "gold" }
  return names[best], names[err_rank], first
end

-- Monthly values of a metric over the window, oldest first, derived from
-- window sums: value(k months back) = sum(k + 1) - sum(k). Windows end with
-- the month of org.as_of (what is known), also in a renewal projection.
local function monthly(org, metric, months)
  local last = month_index(org.as_of)
  local values, prev = {}, 0
  for k = 1, months do
    local s = org:metric_sum(metric, k)
    values[months - k + 1] = { period = period_of_index(last - k + 1), value = s - prev }
    prev = s
  end
  return values
end

local function explain_node(n, vals, errs, plan, org, traces)
  local r = { kind = n.kind, label = n.label, need = n.need, trace = node_trace(n, traces) }
  if n.children then
    local sub = {}
    for i = 1, #n.children do
      sub[i] = explain_node(n.children[i], vals, errs, plan, org, traces)
    end
    local have, err = count_met(n, vals, errs)
    r.have, r.error = have or 0, err
    r.detail = sub
  else
    local m = plan.measures[n.slot]
    local have, err = have_of(n, vals, errs)
    r.have, r.error = have or 0, err
    if m.op == "people" then
      r.codes = m.codes
      r.detail = org:people_detail(m.codes, m.kind, m.competency)
    elseif m.op == "sum" or m.op == "avg" then
      r.detail = { metric = m.metric, months = m.months, values = monthly(org, m.metric, m.months) }
    elseif m.op == "latest" then
      r.detail = { metric = m.metric, latest = org:metric_latest(m.metric), values = {} }
    elseif n.detail then
      local before = r.trace
      tracing = {}
      if before then for i = 1, #before do tracing[i] = before[i] end end
      local ok, detail = protected(n.detail, org, org.now, m.competency)
      r.trace = tracing[1] and tracing or nil
      tracing = nil
      if ok then r.detail = detail else r.detail_error = detail end
    end
  end
  r.met = not r.error and r.have >= n.need
  return r
end

--- Like `evaluate`, and each goal also has `detail`: for people goals the
--- `org:people_detail` table (and `codes`, the goal's achievement codes); for revenue/usage/customers goals
--- `{ metric, months, values = { {period = "YYYY-MM", value}... } }` (oldest first);
--- for seats `{ metric, latest = number|nil, values = {} }`; for combinators the
--- sub-goal results; for custom goals what their `detail` function returns (or nil;
--- `detail_error` when it failed).
---@param c attain.Competency
---@param org attain.Facts
---@return attain.Result
function M.explain(c, org)
  local plan = plan_of(c, "attain.explain")
  local vals, errs, traces = measure_all(plan, org, true)
  local out, silver, gold = {}, false, false
  for i, p in ipairs(plan.paths) do
    local results, met, perr = {}, true, nil
    for j, n in ipairs(p.nodes) do
      results[j] = explain_node(n, vals, errs, plan, org, traces)
      if not results[j].met then met = false end
      perr = perr or results[j].error
    end
    out[i] = { id = p.id, level = p.level, met = met, error = perr, goals = results }
    if met then
      if p.level == "gold" then gold = true else silver = true end
    end
  end
  return { level = gold and "gold" or silver and "silver" or nil, paths = out }
end

--- Exclusive end time of a membership of `c` bought at `bought` (R10), from
--- the competency's renewal rule; checks what a custom rule returns.
---@param c attain.Competency
---@param bought attain.Time
---@return attain.Time
function M.membership_end(c, bought)
  local plan = plan_of(c, "attain.membership_end")
  local t = budgeted(plan.renewal, bought)
  local i = type(t) == "number" and tointeger(t) or nil
  if not i or i <= bought then
    error(format("%scompetency '%s': renewal returned %s, expected a time after the purchase",
      plan.where, plan.id, show(t)), 0)
  end
  return i
end

return M
