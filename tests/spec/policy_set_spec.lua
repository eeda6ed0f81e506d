-- The policy set as the host loads it (attain.testing): the shipped policies load cleanly,
-- evaluation is reproducible, and a broken policy is reported with its file (and line) without
-- stopping the good policies beside it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local testing = require "attain.testing"
local fixture = require "attain.fixture"

package.path = "tests/bench/?.lua;" .. package.path
local workloads = require "workloads" -- the metric names the benchmark data carries

-- The program's 19 competencies as the catalogue ships them (docs/policies.md, "The catalogue").
local SHIPPED = { "application-development", "application-integration", "cloud-business-applications",
  "cloud-platform", "cloud-productivity", "collaboration-and-content", "communications", "data-analytics",
  "data-platform", "datacenter", "devops", "enterprise-mobility-management", "enterprise-resource-planning",
  "learning", "messaging", "project-and-portfolio-management", "security", "small-and-midmarket-cloud-solutions",
  "windows-and-devices" }

-- A small but varied organisation: people joining, leaving, expiring, a moved MSA, an override
-- and a year of every metric the shipped policies read.
local function varied()
  local fx = fixture.new()
  fx:org("contoso", "Contoso Ltd")
  fx:org("fabrikam")
  for i, code in ipairs { "AZ-104", "AZ-204", "AZ-305", "AZ-400", "DP-203", "PL-300", "MS-102", "SC-100" } do
    local user = "u" .. i
    fx:person("contoso", user, { joined = "2025-0" .. (i % 9 + 1) .. "-01" })
    fx:certify(user, code, { earned = "2025-10-0" .. i, expires = i % 3 == 0 and "2026-10-01" or nil })
    fx:assess(user, ({ "TA-CLOUD", "TA-DATA", "TA-SECURITY", "TA-DEVOPS" })[i % 4 + 1])
  end
  fx:leave("u2", "2026-06-30")
  fx:person("fabrikam", "v1")
  fx:move_msa("u5", "v1", "2026-11-20T08:00:00Z")
  fx:override("contoso", "security", "SC-200", 2, "2026-12-31", { reason = "exam under an old MSA" })
  for _, metric in ipairs(workloads.METRICS) do
    fx:metric_months("contoso", metric[1], 4321, { to = "2026-11", months = 12 })
  end
  return fx
end

local function evaluate_all(fx)
  local results = {}
  for _, competency in ipairs(SHIPPED) do
    results[competency] = fx:evaluate(competency, "contoso", "2026-11-25T00:00:00Z", { explain = true })
  end
  return results
end

describe("the shipped policy set", function()
  it("has no problems", function()
    local problems, version = testing.check("policies")
    assert.are.same({}, problems)
    assert.is_string(version)
    assert.are.equal(version, select(2, testing.check("policies")))
  end)

  it("is the 19 competencies specified here, each with a spec and no level for an empty organisation", function()
    local listing = assert(io.popen("ls policies"))
    local found = {}
    for name in listing:lines() do found[#found + 1] = name:match("^(.+)%.lua$") end
    listing:close()
    assert.are.same(SHIPPED, found)
    local db = testing.new()
    db:import { { type = "org", id = "contoso" } }
    for _, competency in ipairs(SHIPPED) do
      local r = db:evaluate { competency = competency, org = "contoso", at = "2026-11-25" }
      assert.is_nil(r.error)
      assert.is_nil(r.level)
      local spec = io.open("tests/spec/policy_" .. competency .. "_spec.lua")
      assert.is_not_nil(spec, "no spec for " .. competency)
      if spec then spec:close() end
    end
  end)

  it("gives identical results for the same facts, evaluated again or in another database", function()
    local fx = varied()
    local first = evaluate_all(fx)
    assert.are.same(first, evaluate_all(fx))
    assert.are.same(first, evaluate_all(varied()))
    -- the fixture is not trivial: it reaches levels (security with the override's 2 people)
    -- and reports progress with details
    assert.are.equal("silver", first.security.level)
    assert.are.same({ 3, 51852 }, fixture.haves(fixture.path(first.security, "revenue", "silver")))
    assert.are.equal("silver", first.devops.level)
    assert.is_nil(first["cloud-platform"].level)
    assert.is_table(first["cloud-platform"].paths[1].goals[1].detail)
  end)
end)

describe("a policy directory with broken policies", function()
  local dir
  local files = {
    ["good.lua"] = [[
local a = require "attain"
return a.competency { id = "good", name = "Good",
  paths = { a.path { id = "p", level = "silver", a.certified { people = 1, codes = { "AZ-104" } } } } }
]],
    ["syntax.lua"] = [[
local a = require "attain"
return a.competency { id = "syntax", name = "Syntax"
  paths = {} }
]],
    ["runtime.lua"] = [[
local a = require "attain"
return a.competency { id = "runtime", name = "Runtime",
  paths = { a.path { id = "p", level = "silver",
    a.goal { label = "boom", need = 1, measure = function(org)
      return org.nothing.here
    end } } } }
]],
    ["loop.lua"] = [[
local a = require "attain"
return a.competency { id = "loop", name = "Loop",
  paths = { a.path { id = "p", level = "silver",
    a.goal { label = "endless", need = 1, measure = function()
      while true do end
    end } } } }
]],
    ["memory.lua"] = [[
local a = require "attain"
return a.competency { id = "memory", name = "Memory",
  paths = { a.path { id = "p", level = "silver",
    a.goal { label = "hungry", need = 1, measure = function()
      local t = {}
      for i = 1, math.maxinteger do t[i] = string.rep("x", 1 << 20) .. i end
      return #t
    end } } } }
]],
  }

  setup(function()
    dir = os.tmpname()
    os.remove(dir)
    assert(os.execute(string.format("mkdir '%s'", dir)))
    for name, source in pairs(files) do
      local f = assert(io.open(dir .. "/" .. name, "w"))
      f:write(source)
      f:close()
    end
  end)

  teardown(function()
    for name in pairs(files) do os.remove(dir .. "/" .. name) end
    os.remove(dir)
  end)

  local fx
  before_each(function()
    fx = fixture.new { policies = dir }
    fx:org("contoso")
    fx:certified_people("contoso", 1, "AZ-104")
    fx:import()
  end)

  local function evaluate(competency)
    return fx.db:evaluate { competency = competency, org = "contoso", at = "2026-11-25", policies = dir }
  end

  it("reports the compile error with file and line when checked", function()
    local problems = testing.check(dir)
    assert.are.same({ dir .. "/syntax.lua:3: failed to compile: '}' expected (to close '{' at line 2) near 'paths'" },
                    problems)
  end)

  it("fails the evaluation of the file that does not compile", function()
    assert.are.equal(dir .. "/syntax.lua:3: failed to compile: '}' expected (to close '{' at line 2) near 'paths'",
                     evaluate("syntax").error)
  end)

  it("reports a runtime error in a custom measure with file and line, in its path", function()
    local r = evaluate("runtime")
    local why = dir .. "/runtime.lua:5: failed to run: attempt to index a nil value (field 'nothing')"
    assert.are.equal(why, r.error)
    assert.is_nil(r.level)
    assert.are.equal(why, r.paths[1].error)
    assert.is_false(r.paths[1].met)
    assert.are.equal(why, r.paths[1].goals[1].error)
    assert.is_nil(r.paths[1].goals[1].have)
  end)

  it("stops an endless loop in a custom measure at the instruction budget, with file and line", function()
    local r = evaluate("loop")
    assert.are.equal(dir .. "/loop.lua:5: failed to run: instruction budget exceeded (10000000 instructions)", r.error)
  end)

  it("stops a custom measure that allocates without bound at the memory budget, with the file", function()
    local r = evaluate("memory")
    assert.matches("failed to run", r.error, 1, true)
    assert.matches(dir .. "/memory.lua", r.error, 1, true)
    assert.matches("memory budget exceeded", r.error, 1, true)
  end)

  it("still evaluates the good policy, also after the broken ones failed in the same database", function()
    for _, broken in ipairs { "syntax", "runtime", "loop", "memory" } do
      assert.is_string(evaluate(broken).error)
      local r = evaluate("good")
      assert.is_nil(r.error)
      assert.are.equal("silver", r.level)
      assert.are.equal(1, r.paths[1].goals[1].have)
    end
    assert.are.equal(dir .. "/loop.lua:5: failed to run: instruction budget exceeded (10000000 instructions)",
                     evaluate("loop").error)
  end)
end)
