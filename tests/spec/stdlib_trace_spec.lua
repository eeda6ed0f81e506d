-- a.trace through the real host (attain.testing): what a policy's own code shows lands in
-- the trace of the goal whose measure (or detail) ran, with the line; values are shown
-- without their metamethods; at load time and beyond 100 lines it does nothing.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local testing = require "attain.testing"

local function policy_dir(id, source)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. dir))
  local f = assert(io.open(dir .. "/" .. id .. ".lua", "w"))
  f:write(source)
  f:close()
  return dir
end

local function evaluate(dir, id, explain)
  local db = testing.new()
  db:import { { type = "org", id = "contoso" },
              { type = "metric", org = "contoso", metric = "m", period = "2026-11", value = 12 } }
  return db:evaluate { competency = id, org = "contoso", at = "2026-11-25", policies = dir, explain = explain }
end

describe("a.trace", function()
  local dir = policy_dir("t", [[
local a = require "attain"
a.trace("at load: nothing to collect it")
local shy = setmetatable({}, { __tostring = function() error("never called") end })
local function measure(org)
  local v = org:metric_sum("m", 12)
  a.trace("revenue", v, { months = 12, nested = { 1, { 2 } } }, shy, nil, true)
  return v
end
return a.competency { id = "t", name = "T",
  paths = { a.path { id = "p", level = "silver",
    a.goal { label = "g", need = 1, measure = measure,
             detail = function(org) a.trace("detail of", org.id) return { ok = true } end },
    a.any { a.goal { label = "h", need = 1, measure = function() a.trace("inner") return 1 end } } } } }
]])

  it("puts each call, with its line, in the trace of the goal whose measure ran", function()
    local r = evaluate(dir, "t")
    assert.is_nil(r.error)
    assert.are.same({ dir .. "/t.lua:6: revenue 12 { months = 12, nested = { 1, a table } } a table nil true" },
                    r.paths[1].goals[1].trace)
    -- a combinator's goal carries what its sub-goals' measures showed
    assert.are.same({ dir .. "/t.lua:13: inner" }, r.paths[1].goals[2].trace)
  end)

  it("adds what a detail function shows when the result is explained", function()
    local r = evaluate(dir, "t", true)
    assert.are.same({ dir .. "/t.lua:6: revenue 12 { months = 12, nested = { 1, a table } } a table nil true",
                      dir .. "/t.lua:12: detail of contoso" }, r.paths[1].goals[1].trace)
  end)

  it("keeps at most 100 lines per evaluation", function()
    local many = policy_dir("many", [[
local a = require "attain"
return a.competency { id = "many", name = "M",
  paths = { a.path { id = "p", level = "silver",
    a.goal { label = "g", need = 1, measure = function() for i = 1, 500 do a.trace(i) end return 1 end } } } }
]])
    local trace = evaluate(many, "many").paths[1].goals[1].trace
    assert.are.equal(100, #trace)
    assert.are.equal(many .. "/many.lua:4: 100", trace[100])
  end)
end)
