-- tests/bench/policy_reader.lua — reads a policy directory as plain data, for the benchmark's
-- other implementations of the same rules: the SQL baseline (baseline/make_levels.lua) and
-- the json-rules-engine peer (peer/rules.lua). Each policy file runs with a stand-in for
-- the stdlib's `attain` module whose constructors only record what they are given, so the
-- reading depends on the policy files and docs/policies.md, not on stdlib/attain.
--
--   local reader = require "policy_reader"
--   for _, c in ipairs(reader.read("policies")) do ... end
--
-- A competency: { id, name, file, paths = { { id, level, goals = { goal... } } } } in file
-- order (sorted by name, as the host loads them). A goal: { kind = "certified" | "assessed",
-- need, codes } | { kind = "revenue" | "usage" | "customers", metric, months, need } |
-- { kind = "seats", metric, need } | { kind = "any" | "all", need, goals }. The defaults are
-- the stdlib's (docs/policies.md): usage over 3 months, customers over 12, any of one. A
-- custom goal (a.goal) has no declarative reading: read() raises, naming the file.
local M = {}

local function people(kind)
  return function(t) return { kind = kind, need = t.people, codes = t.codes } end
end

local DEFAULT_MONTHS = { usage = 3, customers = 12 }

local function performance(kind)
  return function(t)
    local k = kind or t.kind
    return { kind = k, metric = t.metric, months = k ~= "seats" and (t.months or DEFAULT_MONTHS[k]) or nil,
             need = t.at_least }
  end
end

local function combinator(kind)
  return function(t)
    local goals = {}
    for i, g in ipairs(t) do goals[i] = g end
    return { kind = kind, goals = goals, need = kind == "all" and #goals or (t.need or 1), label = t.label }
  end
end

local function stub(file)
  local a = {
    certified = people("certified"), assessed = people("assessed"),
    revenue = performance("revenue"), usage = performance("usage"), seats = performance("seats"),
    customers = performance("customers"), performance = performance(nil),
    all = combinator("all"), any = combinator("any"),
    renewal = { year_end = function() end, anniversary = function() end },
  }
  function a.goal(t)
    error(string.format("%s: a.goal '%s' is a custom goal: no declarative reading", file, tostring(t.label)), 2)
  end
  function a.path(t)
    local goals = {}
    for i, g in ipairs(t) do goals[i] = g end
    return { id = t.id, level = t.level, goals = goals }
  end
  function a.competency(t)
    return { id = t.id, name = t.name, paths = t.paths, file = file }
  end
  return a
end

-- The competencies of every *.lua file directly in `dir`, sorted by file name.
function M.read(dir)
  local p = assert(io.popen("ls '" .. dir .. "'"))
  local files = {}
  for name in p:lines() do
    if name:match("%.lua$") then files[#files + 1] = name end
  end
  p:close()
  table.sort(files)
  local out = {}
  for _, name in ipairs(files) do
    local file = dir .. "/" .. name
    local a = stub(file)
    local env
    env = setmetatable({
      require = function(mod)
        if mod == "attain" then return a end
        -- the policy library (policies/lib/*.lua), read with the same stand-in
        local f = assert(loadfile(dir .. "/" .. mod:gsub("%.", "/") .. ".lua", "t", env))
        return f()
      end,
    }, { __index = _G })
    local chunk = assert(loadfile(file, "t", env))
    local c = chunk()
    if type(c) ~= "table" or not c.id then error(file .. ": did not return a competency") end
    out[#out + 1] = c
  end
  return out
end

-- The distinct leaves of a goal tree, in order.
function M.leaves(g, out)
  out = out or {}
  if g.goals then
    for _, c in ipairs(g.goals) do M.leaves(c, out) end
  else
    out[#out + 1] = g
  end
  return out
end

return M
