-- The stdlib, the shipped policies and the points example in the real policy sandbox:
-- loaded and evaluated through `attain.testing` (host/sandbox.c, the embedded stdlib, the
-- real facts), each policy in its own strict environment with only the sandbox's globals
-- and a `require` that reaches only the stdlib. Organisations are imported with only the
-- metric names and codes the data generator emits, so a policy that reads another name
-- cannot reach gold on "everything".
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path

local testing = require "attain.testing"
local fixture = require "attain.fixture"

local AT = "2026-03-15"

package.path = "tests/bench/?.lua;" .. package.path
local workloads = require "workloads" -- what tests/bench/gen.lua emits
local METRICS, CERTIFICATIONS, ASSESSMENTS = {}, workloads.CERTIFICATIONS, workloads.ASSESSMENTS
for i, m in ipairs(workloads.METRICS) do METRICS[i] = m[1] end

local SHIPPED = { "application-development", "application-integration", "cloud-business-applications",
  "cloud-platform", "cloud-productivity", "collaboration-and-content", "communications", "data-analytics",
  "data-platform", "datacenter", "devops", "enterprise-mobility-management", "enterprise-resource-planning",
  "learning", "messaging", "project-and-portfolio-management", "security", "small-and-midmarket-cloud-solutions",
  "windows-and-devices" }

-- A directory of one policy file, for what the sandbox refuses.
local function policy_dir(id, source)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. dir))
  local f = assert(io.open(dir .. "/" .. id .. ".lua", "w"))
  f:write(source)
  f:close()
  return dir
end

local function problems(dir)
  return (testing.check(dir))
end

-- Everybody holds everything, and every metric is huge: every path is met.
local function rich(fx)
  fx:org("rich")
  for i = 1, 6 do
    local u = fx:person("rich", "rich-u" .. i)
    for _, code in ipairs(CERTIFICATIONS) do fx:certify(u, code) end
    for _, code in ipairs(ASSESSMENTS) do fx:assess(u, code) end
  end
  for _, m in ipairs(METRICS) do fx:metric_months("rich", m, 1000000, { to = "2026-03", months = 15 }) end
end

describe("the stdlib in the policy sandbox", function()
  it("loads every stdlib module with only the sandbox's globals", function()
    local dir = policy_dir("mods", [[
local a = require "attain"
for _, name in ipairs { "attain.check", "attain.goals", "attain.competency", "attain.renewal",
                        "attain.time", "attain.sandbox" } do
  assert(type(require(name)) == "table", name)
end
return a.competency { id = "mods", name = "Mods",
  paths = { a.path { id = "p", level = "silver", a.certified { people = 1, codes = { "AZ-104" } } } } }
]])
    assert.are.same({}, problems(dir))
  end)

  -- Each refusal twice: found by the static check when the name is in the source, and by
  -- the sandbox itself when it is computed (the check cannot see it, the sandbox still refuses).
  it("refuses modules outside the stdlib, with the file and line", function()
    local why = "module 'os' not found (policies may require the attain stdlib and the modules of the "
                .. "policy directory's lib/)"
    local dir = policy_dir("os", 'local os = require "os"\nreturn os\n')
    assert.are.same({ dir .. "/os.lua:1: failed to validate: " .. why }, problems(dir))
    dir = policy_dir("os", 'local name = "o" .. "s"\nlocal os = require(name)\nreturn os\n')
    assert.are.same({ dir .. "/os.lua:2: failed to validate: " .. why }, problems(dir))
  end)

  it("refuses a global assignment and an undefined global at load, with the line", function()
    local dir = policy_dir("glob", 'local a = require "attain"\nx = 1\nreturn a\n')
    assert.are.same({ dir .. "/glob.lua:2: failed to validate: assignment to global 'x' "
                      .. "(policies cannot set globals; use local)" }, problems(dir))
    dir = policy_dir("glob", 'local a = require "attain"\n_ENV["x" .. 1] = 1\nreturn a\n')
    assert.are.same({ dir .. "/glob.lua:2: failed to validate: assignment to global 'x1' "
                      .. "(policies cannot set globals; use local)" }, problems(dir))
    dir = policy_dir("undef", 'local a = require "attain"\nprint("hi")\nreturn a\n')
    assert.are.same({ dir .. "/undef.lua:2: failed to validate: undefined global 'print' (not available to "
                      .. "policies: nothing is printed during sweeps: use a.trace to see values)" }, problems(dir))
    dir = policy_dir("undef", 'local a = require "attain"\nlocal p = _ENV["pr" .. "int"]\nreturn a, p\n')
    assert.are.same({ dir .. "/undef.lua:2: failed to validate: undefined global 'print'" }, problems(dir))
  end)

  it("keeps the stdlib read-only to policies", function()
    local dir = policy_dir("ro", 'local a = require "attain"\na.level = nil\nreturn a\n')
    assert.are.same({ dir .. "/ro.lua:2: failed to validate: cannot modify read-only module 'attain' "
                      .. "(field 'level')" }, problems(dir))
    dir = policy_dir("ro", 'local a = require "attain"\nlocal t = { a }\nt[1].level = nil\nreturn a\n')
    assert.are.same({ dir .. "/ro.lua:3: failed to validate: cannot modify read-only module 'attain' "
                      .. "(field 'level')" }, problems(dir))
  end)

  local shipped = {}
  for _, p in ipairs(testing.policies("policies")) do shipped[p.id] = p end

  for _, id in ipairs(SHIPPED) do
    describe("policies/" .. id .. ".lua", function()
      it("loads as the competency its file name announces", function()
        local p = shipped[id]
        assert.is_table(p, id)
        assert.is_nil(p.problem)
        assert.is_string(p.name)
      end)

      it("declares benefits for both levels", function()
        assert.is_true(#shipped[id].benefits.silver > 0 and #shipped[id].benefits.gold > 0)
      end)

      it("reaches gold, every path met, for an organisation that has everything", function()
        local fx = fixture.new()
        rich(fx)
        local r = fx:evaluate(id, "rich", AT)
        assert.are.equal("gold", r.level)
        local levels = {}
        for _, p in ipairs(r.paths) do
          assert.is_true(p.met, p.level .. "/" .. p.id)
          levels[p.level] = true
        end
        assert.is_true(levels.silver and levels.gold)
      end)

      it("reaches no level for an empty organisation, and explains every goal", function()
        local fx = fixture.new()
        fx:org("empty")
        local r = fx:evaluate(id, "empty", AT, { explain = true })
        assert.is_nil(r.level)
        assert.are.equal("none", r.state)
        for _, p in ipairs(r.paths) do
          for _, g in ipairs(p.goals) do assert.is_not_nil(g.detail, g.label) end
        end
      end)
    end)
  end

  it("ships several paths to some level (R2) and both goal families", function()
    local multi, skills, performance = 0, 0, 0
    local fx = fixture.new()
    fx:org("empty")
    for _, id in ipairs(SHIPPED) do
      local per = {}
      for _, p in ipairs(fx:evaluate(id, "empty", AT).paths) do
        per[p.level] = (per[p.level] or 0) + 1
        for _, g in ipairs(p.goals) do
          if g.kind == "certified" or g.kind == "assessed" then skills = skills + 1 end
          if g.kind == "revenue" or g.kind == "usage" or g.kind == "seats" or g.kind == "customers" then
            performance = performance + 1
          end
        end
      end
      if (per.silver or 0) > 1 or (per.gold or 0) > 1 then multi = multi + 1 end
    end
    assert.is_true(multi >= 3)
    assert.is_true(skills > 0 and performance > 0)
  end)

  describe("examples/points/cloud-points.lua", function()
    local function points(people, revenue, assessed)
      local fx = fixture.new { policies = "examples/points" }
      fx:org("p")
      fx:certified_people("p", people, "AZ-104")
      if assessed then fx:assessed_people("p", 1, "TA-CLOUD") end
      fx:metric("p", "azure_consumed_revenue", "2026-01", revenue)
      return fx
    end

    it("qualifies for silver at 70 points", function()
      -- 4 people (40) + 10k revenue (10) + assessment (20) = 70
      local r = points(4, 10000, true):evaluate("cloud-points", "p", AT)
      assert.are.equal("silver", r.level)
      assert.are.equal(70, r.paths[1].goals[1].have)
    end)

    it("qualifies for gold at 90 points and caps people points at 40", function()
      local r = points(9, 50000, true):evaluate("cloud-points", "p", AT) -- 40 + 25 + 20 = 85
      assert.are.equal("silver", r.level)
      assert.are.equal(85, r.paths[2].goals[1].have)
      assert.are.equal("gold", points(4, 100000, true):evaluate("cloud-points", "p", AT).level) -- 40 + 40 + 20
    end)

    it("explains the points by source", function()
      local r = points(2, 60000, false):evaluate("cloud-points", "p", AT, { explain = true })
      assert.are.same({ people = 20, revenue = 25, assessment = 0 }, r.paths[1].goals[1].detail)
    end)
  end)
end)
