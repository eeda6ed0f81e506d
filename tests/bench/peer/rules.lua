#!/usr/bin/env lua5.4
-- tests/bench/peer/rules.lua — the policy set as json-rules-engine rules, for the benchmark's
-- peer (tests/bench/peer/peer.js; docs/performance.md, "The peer: json-rules-engine").
--
--   lua5.4 tests/bench/peer/rules.lua [--policies DIR] > rules.json
--
-- Reads every policy of DIR (default policies/) with tests/bench/policy_reader.lua and writes
-- one rule per competency x level x path: the path's goals as an `all` of conditions, each
-- "any of" as an `any`, the event { type = "path", params = { competency, level, path } }.
-- A condition reads a fact with parameters, computed by peer.js from the organisation's raw
-- facts: people { codes, kind, competency }, metricSum / metricAvg { metric, months },
-- metricLatest { metric }; operator greaterThanInclusive, value the goal's need. The goals
-- of a path get decreasing priorities in declaration order, so the engine evaluates them one
-- after the other and stops at the first that fails (without priorities it evaluates all of
-- them, in one Promise.all). An "N of" with N > 1 has no json-rules-engine form: refused.
local HERE = arg[0]:match("^(.*)/[^/]+$") or "."
package.path = HERE .. "/../?.lua;" .. package.path
local reader = require "policy_reader"

local dir = HERE .. "/../../../policies"
if arg[1] == "--policies" and arg[2] then dir = arg[2]
elseif arg[1] then io.stderr:write("usage: lua5.4 rules.lua [--policies DIR]\n") os.exit(2) end

-- A minimal JSON writer: objects are { {key, value}, ... } (ordered), arrays plain tables.
local function json(v)
  local t = type(v)
  if t == "string" then return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif t == "number" then return math.tointeger(v) and tostring(math.tointeger(v)) or string.format("%.17g", v)
  elseif t == "boolean" then return tostring(v) end
  local parts = {}
  if v.object then
    for i, kv in ipairs(v.object) do parts[i] = json(kv[1]) .. ":" .. json(kv[2]) end
    return "{" .. table.concat(parts, ",") .. "}"
  end
  for i, x in ipairs(v) do parts[i] = json(x) end
  return "[" .. table.concat(parts, ",") .. "]"
end
local function obj(...) return { object = { ... } } end

local KIND = { certified = "certification", assessed = "assessment" }
local FACT = { revenue = "metricSum", customers = "metricSum", usage = "metricAvg", seats = "metricLatest" }

local function condition(g, competency, priority)
  local c
  if g.goals then
    if g.kind == "any" and g.need ~= 1 then
      error(competency .. ": an 'N of' goal with N > 1 has no json-rules-engine form")
    end
    local subs = {}
    for i, child in ipairs(g.goals) do subs[i] = condition(child, competency, #g.goals - i + 1) end
    c = obj({ g.kind, subs })
  elseif KIND[g.kind] then
    c = obj({ "fact", "people" },
      { "params", obj({ "codes", g.codes }, { "kind", KIND[g.kind] }, { "competency", competency }) },
      { "operator", "greaterThanInclusive" }, { "value", g.need })
  else
    local params = g.months and obj({ "metric", g.metric }, { "months", g.months }) or obj({ "metric", g.metric })
    c = obj({ "fact", FACT[g.kind] }, { "params", params }, { "operator", "greaterThanInclusive" },
      { "value", g.need })
  end
  c.object[#c.object + 1] = { "priority", priority }
  return c
end

local rules = {}
for _, comp in ipairs(reader.read(dir)) do
  for _, p in ipairs(comp.paths) do
    local conds = {}
    for i, g in ipairs(p.goals) do conds[i] = condition(g, comp.id, #p.goals - i + 1) end
    rules[#rules + 1] = obj(
      { "name", comp.id .. "/" .. p.level .. "/" .. p.id },
      { "conditions", obj({ "all", conds }) },
      { "event", obj({ "type", "path" },
        { "params", obj({ "competency", comp.id }, { "level", p.level }, { "path", p.id }) }) })
  end
end
io.write("[\n", (function()
  local lines = {}
  for i, r in ipairs(rules) do lines[i] = json(r) end
  return table.concat(lines, ",\n")
end)(), "\n]\n")
