-- Runs the stdlib, the shipped policies and the points example the way the
-- C host does: each policy in its own environment holding only the sandbox
-- globals, strict (reading or writing an undefined global fails), with a
-- `require` that loads only stdlib modules. Then evaluates every policy
-- against fake organisations that accept only the metric names and codes
-- the data generator emits.
package.path = "stdlib/?.lua;stdlib/?/init.lua;tests/spec/?.lua;" .. package.path

local fake = require "helpers.fake_org"

local SAFE = { "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber", "tostring",
               "type", "xpcall", "getmetatable", "setmetatable", "rawequal", "rawlen", "rawget" }

local function readonly_copy(t, drop)
  local c = {}
  for k, v in pairs(t) do if not (drop and drop[k]) then c[k] = v end end
  return setmetatable({}, { __index = c, __newindex = function() error("read-only library", 2) end })
end

local function sandbox()
  local env = {}
  for _, name in ipairs(SAFE) do env[name] = _G[name] end
  env.string = readonly_copy(string, { dump = true })
  env.table = readonly_copy(table)
  env.math = readonly_copy(math, { random = true, randomseed = true })
  env.utf8 = readonly_copy(utf8)
  local loaded = {}
  env.require = function(name)
    if loaded[name] then return loaded[name] end
    local file
    if name == "attain" then file = "stdlib/attain/init.lua"
    elseif name:match("^attain%.[%w_]+$") then file = "stdlib/attain/" .. name:sub(8) .. ".lua"
    else error("module '" .. tostring(name) .. "' not found", 2) end
    local chunk = assert(loadfile(file, "t", env))
    loaded[name] = chunk(name) or true
    return loaded[name]
  end
  return setmetatable(env, {
    __index = function(_, k) error("undefined global '" .. tostring(k) .. "'", 2) end,
    __newindex = function(_, k) error("assignment to global '" .. tostring(k) .. "'", 2) end,
  })
end

local function run_policy(file)
  local env = sandbox()
  local chunk = assert(loadfile(file, "t", env))
  local c = chunk()
  return c, env.require("attain")
end

local METRICS = {}
for _, m in ipairs { "azure_consumed_revenue", "data_analytics_revenue", "security_revenue",
  "security_active_usage", "m365_active_usage", "m365_deployed_seats", "appdev_new_customers",
  "devops_revenue" } do METRICS[m] = true end
local CODES = {}
for _, c in ipairs { "AZ-104", "AZ-204", "AZ-305", "AZ-400", "AZ-500", "DP-203", "DP-100", "PL-300",
  "SC-200", "SC-300", "SC-100", "MS-102", "MD-102", "MS-700", "PL-400" } do CODES[c] = "certification" end
for _, c in ipairs { "TA-CLOUD", "TA-DATA", "TA-SECURITY", "TA-MODERN-WORK", "TA-APPDEV", "TA-DEVOPS" } do
  CODES[c] = "assessment"
end

-- A facts object that rejects names the data generator does not emit.
local function strict_org(t)
  local org = fake.new(t)
  local base = getmetatable(org).__index
  local function metric(fn)
    return function(self, name, ...)
      assert(METRICS[name], "unknown metric " .. tostring(name))
      return base[fn](self, name, ...)
    end
  end
  local function people(fn)
    return function(self, codes, kind, competency)
      for _, c in ipairs(codes) do
        assert(CODES[c] == kind, "code " .. c .. " is not a known " .. tostring(kind))
      end
      return base[fn](self, codes, kind, competency)
    end
  end
  return setmetatable(org, { __index = {
    people = people("people"), people_detail = people("people_detail"),
    metric_sum = metric("metric_sum"), metric_avg = metric("metric_avg"),
    metric_latest = metric("metric_latest"),
  } })
end

-- Everybody holds everything, and every metric is huge: every path is met.
local function rich_org()
  local holdings, metrics = {}, {}
  for code, kind in pairs(CODES) do
    for i = 1, 6 do
      holdings[#holdings + 1] = { user = "u" .. i, msa = "u" .. i, code = code, kind = kind, earned = "2025-01-01" }
    end
  end
  for m in pairs(METRICS) do
    metrics[m] = {}
    for mo = 1, 12 do metrics[m][string.format("2025-%02d", mo)] = 1000000 end
    for mo = 1, 3 do metrics[m][string.format("2026-%02d", mo)] = 1000000 end
  end
  return strict_org { now = "2026-03-15", holdings = holdings, metrics = metrics }
end

local SHIPPED = { "application-development", "cloud-platform", "data-analytics", "devops",
                  "modern-workplace", "security" }

describe("the stdlib in the policy sandbox", function()
  it("loads every stdlib module with only the sandbox globals", function()
    local env = sandbox()
    for _, name in ipairs { "attain", "attain.check", "attain.goals", "attain.competency",
                            "attain.renewal", "attain.time" } do
      assert.is_table(env.require(name), name)
    end
  end)

  it("refuses modules outside the stdlib, as the host does", function()
    local env = sandbox()
    assert.has_error(function() env.require("os") end, "module 'os' not found")
  end)

  for _, id in ipairs(SHIPPED) do
    describe("policies/" .. id .. ".lua", function()
      local c, a = run_policy("policies/" .. id .. ".lua")

      it("returns one competency whose id matches its file name", function()
        assert.is_true(a.is_competency(c))
        assert.are.equal(id, c.id)
        assert.is_string(c.name)
      end)

      it("has silver and gold paths and benefits for both levels", function()
        local levels = {}
        for _, p in ipairs(c.paths) do levels[p.level] = (levels[p.level] or 0) + 1 end
        assert.is_true((levels.silver or 0) >= 1 and (levels.gold or 0) >= 1)
        assert.is_true(#c.benefits.silver > 0 and #c.benefits.gold > 0)
      end)

      it("reaches gold for an organisation that has everything", function()
        local r = a.evaluate(c, rich_org())
        assert.are.equal("gold", r.level)
        for _, p in ipairs(r.paths) do assert.is_true(p.met, p.level .. "/" .. p.id) end
      end)

      it("reaches no level for an empty organisation, and explains why", function()
        local org = strict_org { now = "2026-03-15" }
        assert.is_nil(a.evaluate(c, org).level)
        local x = a.explain(c, org)
        assert.is_nil(x.level)
        for _, p in ipairs(x.paths) do
          for _, g in ipairs(p.goals) do assert.is_not_nil(g.detail, g.label) end
        end
      end)
    end)
  end

  it("ships several paths to some level (R2) and both goal families", function()
    local multi, skills, performance = 0, 0, 0
    for _, id in ipairs(SHIPPED) do
      local c = run_policy("policies/" .. id .. ".lua")
      local per = {}
      for _, p in ipairs(c.paths) do
        per[p.level] = (per[p.level] or 0) + 1
        for _, label in ipairs(p.goals) do
          if label:find("certified", 1, true) or label:find("assessment", 1, true) then skills = skills + 1 end
          if label:find("≥", 1, true) then performance = performance + 1 end
        end
      end
      if (per.silver or 0) > 1 or (per.gold or 0) > 1 then multi = multi + 1 end
    end
    assert.is_true(multi >= 3)
    assert.is_true(skills > 0 and performance > 0)
  end)

  describe("examples/points/cloud-points.lua", function()
    local c, a = run_policy("examples/points/cloud-points.lua")
    local T = fake.t

    local function org(people, revenue, assessed)
      local holdings = fake.people(people, "AZ-104")
      if assessed then holdings[#holdings + 1] = fake.people(1, "TA-CLOUD", "assessment", 99)[1] end
      return strict_org { now = "2026-03-15", holdings = holdings,
        metrics = { azure_consumed_revenue = { ["2026-01"] = revenue } } }
    end

    it("qualifies for silver at 70 points", function()
      -- 4 people (40) + 10k revenue (10) + assessment (20) = 70
      local r = a.evaluate(c, org(4, 10000, true))
      assert.are.equal("silver", r.level)
      assert.are.equal(70, r.paths[1].goals[1].have)
    end)

    it("qualifies for gold at 90 points and caps people points at 40", function()
      local r = a.evaluate(c, org(9, 50000, true)) -- 40 + 25 + 20 = 85
      assert.are.equal("silver", r.level)
      assert.are.equal(85, r.paths[2].goals[1].have)
      assert.are.equal("gold", a.evaluate(c, org(4, 100000, true)).level) -- 40 + 40 + 20
    end)

    it("computes the points once per evaluation", function()
      local o = org(1, 0, false)
      a.evaluate(c, o)
      assert.are.equal(3, #o.calls)
      assert.is_true(T("2026-03-15") == o.now)
    end)

    it("explains the points by source", function()
      local x = a.explain(c, org(2, 60000, false))
      assert.are.same({ people = 20, revenue = 25, assessment = 0 }, x.paths[1].goals[1].detail)
    end)
  end)
end)
