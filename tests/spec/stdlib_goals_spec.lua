package.path = "stdlib/?.lua;stdlib/?/init.lua;tests/spec/?.lua;" .. package.path

local a = require "attain"
local fake = require "helpers.fake_org"

-- Evaluates one goal in a one-path competency and returns its result.
local function eval(goal, org, id)
  local c = a.competency { id = id or "test", name = "Test",
    paths = { a.path { id = "p", level = "silver", goal } } }
  return a.evaluate(c, org).paths[1].goals[1]
end

-- The message of an error raised by f, without its position.
local function err_of(f)
  local ok, e = pcall(f)
  assert.is_false(ok, "expected an error")
  return (tostring(e):gsub("^[^:]*:%d+: ", ""))
end

local AZ = { "AZ-104", "AZ-204", "AZ-305" }

describe("attain goals", function()
  describe("labels", function()
    it("labels certified goals with the count and codes", function()
      assert.are.equal("2 certified people (AZ-104, AZ-204, AZ-305)", a.certified { people = 2, codes = AZ }.label)
      assert.are.equal("1 certified person (SC-100)", a.certified { people = 1, codes = { "SC-100" } }.label)
    end)

    it("labels assessed goals", function()
      assert.are.equal("2 people with a passed assessment (TA-CLOUD)",
        a.assessed { people = 2, codes = { "TA-CLOUD" } }.label)
    end)

    it("labels performance goals with metric, window and threshold", function()
      assert.are.equal("revenue azure_consumed_revenue over 12 months ≥ 15000",
        a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 15000 }.label)
      assert.are.equal("active usage m365_active_usage averaged over 3 months ≥ 300",
        a.usage { metric = "m365_active_usage", at_least = 300 }.label)
      assert.are.equal("deployed seats m365_deployed_seats (latest month) ≥ 500",
        a.seats { metric = "m365_deployed_seats", at_least = 500 }.label)
      assert.are.equal("new customers appdev_new_customers over 12 months ≥ 5",
        a.customers { metric = "appdev_new_customers", at_least = 5 }.label)
      assert.are.equal("revenue x over 1 month ≥ 2.5", a.revenue { metric = "x", months = 1, at_least = 2.5 }.label)
    end)

    it("labels combinators with their sub-goals", function()
      local c1 = a.certified { people = 1, codes = { "DP-203" } }
      local c2 = a.certified { people = 1, codes = { "DP-100" } }
      assert.are.equal("any of [1 certified person (DP-203); 1 certified person (DP-100)]", a.any { c1, c2 }.label)
      assert.are.equal("all of [1 certified person (DP-203); 1 certified person (DP-100)]", a.all { c1, c2 }.label)
      assert.are.equal("2 of [1 certified person (DP-203); 1 certified person (DP-100); 1 certified person (DP-203)]",
        a.any { need = 2, c1, c2, c1 }.label)
      assert.are.equal("a data specialist", a.any { label = "a data specialist", c1, c2 }.label)
    end)

    it("keeps the custom label as given", function()
      assert.are.equal("70 points", a.goal { label = "70 points", need = 70, measure = function() return 0 end }.label)
    end)

    it("makes a.performance build the same goals as the shorthands", function()
      assert.are.equal(a.usage { metric = "m", at_least = 3 }.label,
        a.performance { kind = "usage", metric = "m", at_least = 3 }.label)
      assert.are.equal("seats", a.performance { kind = "seats", metric = "m", at_least = 3 }.kind)
    end)

    it("is read-only", function()
      local g = a.certified { people = 2, codes = AZ }
      assert.has_error(function() g.label = "x" end, "attain goals are read-only")
      assert.are.equal("attain.goal", getmetatable(g))
    end)

    it("is not changed by later edits of the constructor table", function()
      local codes = { "AZ-104" }
      local g = a.certified { people = 1, codes = codes }
      codes[1] = "XX-999"
      local org = fake.new { holdings = fake.people(1, "AZ-104") }
      assert.are.equal(1, eval(g, org).have)
    end)
  end)

  describe("skills goals", function()
    it("counts distinct people holding any of the codes as certifications", function()
      local org = fake.new { holdings = fake.concat(
        fake.people(2, "AZ-104"), fake.people(2, "AZ-204"), fake.people(1, "AZ-305", "certification", 5)) }
      local r = eval(a.certified { people = 4, codes = AZ }, org)
      assert.are.same({ kind = "certified", label = "4 certified people (AZ-104, AZ-204, AZ-305)", have = 3,
                        need = 4, met = false }, r)
      assert.are.equal("people AZ-104,AZ-204,AZ-305 certification test", org.calls[1])
    end)

    it("asks for assessments for assessed goals", function()
      local org = fake.new { holdings = fake.concat(fake.people(2, "TA-CLOUD", "assessment"),
        fake.people(2, "TA-CLOUD", "certification", 3)) }
      local r = eval(a.assessed { people = 2, codes = { "TA-CLOUD" } }, org)
      assert.is_true(r.met)
      assert.are.equal(2, r.have)
      assert.are.equal("people TA-CLOUD assessment test", org.calls[1])
    end)

    it("credits overrides of the competency the goal is evaluated in (R15)", function()
      local org = fake.new { holdings = fake.people(1, "AZ-305"),
        overrides = { { competency = "cloud-platform", code = "AZ-305", people = 1, reason = "old MSA", by = "ops" } } }
      local g = a.certified { people = 2, codes = AZ }
      assert.is_true(eval(g, org, "cloud-platform").met)
      assert.is_false(eval(g, org, "security").met)
    end)
  end)

  describe("performance goals", function()
    local metrics = { m = { ["2025-03"] = 1000, ["2025-04"] = 10, ["2026-01"] = 100, ["2026-03"] = 5, ["2026-04"] = 7000 } }

    it("sums revenue over the calendar months ending with the evaluation month", function()
      local org = fake.new { now = "2026-03-15", metrics = metrics }
      assert.are.equal(115, eval(a.revenue { metric = "m", months = 12, at_least = 100 }, org).have)
      assert.are.equal(1115, eval(a.revenue { metric = "m", months = 13, at_least = 100 }, org).have)
      assert.are.equal("metric_sum m 12", org.calls[1])
    end)

    it("meets a threshold when have equals need", function()
      local org = fake.new { now = "2026-03-15", metrics = metrics }
      local r = eval(a.revenue { metric = "m", months = 3, at_least = 105 }, org)
      assert.are.same({ kind = "revenue", label = "revenue m over 3 months ≥ 105", have = 105, need = 105,
                        met = true }, r)
      assert.is_false(eval(a.revenue { metric = "m", months = 3, at_least = 106 }, org).met)
    end)

    it("averages usage over 3 months by default", function()
      local org = fake.new { now = "2026-03-01", metrics = metrics }
      assert.are.equal(35, eval(a.usage { metric = "m", at_least = 1 }, org).have)
      assert.are.equal("metric_avg m 3", org.calls[1])
    end)

    it("reads the latest reported month for seats, ignoring later months, 0 when none", function()
      local org = fake.new { now = "2026-02-10", metrics = metrics }
      assert.are.equal(100, eval(a.seats { metric = "m", at_least = 1 }, org).have)
      local r = eval(a.seats { metric = "none", at_least = 1 }, org)
      assert.are.equal(0, r.have)
      assert.is_false(r.met)
    end)

    it("sums new customers over 12 months by default", function()
      local org = fake.new { now = "2026-03-15", metrics = metrics }
      eval(a.customers { metric = "m", at_least = 1 }, org)
      assert.are.equal("metric_sum m 12", org.calls[1])
    end)
  end)

  describe("combinators", function()
    local org = fake.new { holdings = fake.people(1, "DP-203") }
    local dp203 = a.certified { people = 1, codes = { "DP-203" } }
    local dp100 = a.certified { people = 1, codes = { "DP-100" } }

    it("meets any-of when one sub-goal is met, reporting how many are", function()
      assert.are.same({ kind = "any", label = "any of [1 certified person (DP-203); 1 certified person (DP-100)]",
        have = 1, need = 1, met = true }, eval(a.any { dp203, dp100 }, org))
    end)

    it("needs every sub-goal for all-of", function()
      local r = eval(a.all { dp203, dp100 }, org)
      assert.are.equal(1, r.have)
      assert.are.equal(2, r.need)
      assert.is_false(r.met)
    end)

    it("needs `need` sub-goals for any-of with need", function()
      assert.is_false(eval(a.any { need = 2, dp203, dp100 }, org).met)
    end)

    it("nests", function()
      assert.is_true(eval(a.all { dp203, a.any { dp100, dp203 } }, org).met)
    end)
  end)

  describe("custom goals", function()
    it("passes org, the evaluation time and the competency id to measure", function()
      local seen
      local g = a.goal { label = "x", need = 3, measure = function(org, now, cid)
        seen = { org.id, now, cid }
        return 3
      end }
      local org = fake.new { id = "fabrikam", now = "2026-03-15" }
      assert.is_true(eval(g, org, "points").met)
      assert.are.same({ "fabrikam", fake.t("2026-03-15"), "points" }, seen)
    end)

    it("fails the goal (and its path) with the goal's line when measure returns something other than a number", function()
      local g = a.goal { label = "bad", need = 1, measure = function() return "lots" end }
      local r = eval(g, fake.new {})
      assert.is_false(r.met)
      assert.are.equal(0, r.have)
      assert.matches("^.*stdlib_goals_spec%.lua:%d+: a%.goal 'bad': measure returned 'lots', expected a number$", r.error)
    end)

    it("fails the goal when measure raises, and the rest of the competency is still evaluated", function()
      local c = a.competency { id = "c", name = "C", paths = {
        a.path { id = "s", level = "silver", a.goal { label = "ok", need = 1, measure = function() return 1 end } },
        a.path { id = "g", level = "gold", a.goal { label = "boom", need = 1, measure = function() error("boom") end } } } }
      local r = a.evaluate(c, fake.new {})
      assert.are.equal("silver", r.level)
      assert.is_true(r.paths[1].met)
      assert.is_nil(r.paths[1].error)
      assert.is_false(r.paths[2].met)
      assert.matches("stdlib_goals_spec%.lua:%d+: boom$", r.paths[2].error)
      local level, error_level, first = a.level(c, fake.new {})
      assert.are.equal("silver", level)
      assert.are.equal("gold", error_level)
      assert.are.equal(r.paths[2].error, first)
    end)
  end)

  describe("validation", function()
    it("rejects people that are not a positive integer", function()
      assert.are.equal("a.certified: people must be a positive integer, got 0",
        err_of(function() a.certified { people = 0, codes = AZ } end))
      assert.are.equal("a.assessed: people must be a positive integer, got 'two'",
        err_of(function() a.assessed { people = "two", codes = AZ } end))
    end)

    it("rejects an empty code list and codes that are not strings", function()
      assert.are.equal("a.certified: codes must be a non-empty list of strings, got a table",
        err_of(function() a.certified { people = 1, codes = {} } end))
      assert.are.equal("a.certified: codes[2] must be a non-empty string, got 104",
        err_of(function() a.certified { people = 1, codes = { "AZ-104", 104 } } end))
    end)

    it("rejects an unknown key, naming it", function()
      assert.are.equal("a.certified: unknown key 'code'",
        err_of(function() a.certified { people = 1, code = "AZ-104" } end))
      assert.are.equal("a.revenue: unknown key 'atleast'",
        err_of(function() a.revenue { metric = "m", months = 12, atleast = 1 } end))
      assert.are.equal("a.seats: unknown key 'months' (seats goals use the latest reported month)",
        err_of(function() a.seats { metric = "m", months = 3, at_least = 1 } end))
      assert.are.equal("a.goal: unknown key 'measures'",
        err_of(function() a.goal { label = "x", need = 1, measures = print } end))
    end)

    it("rejects at_least that is not a positive number", function()
      assert.are.equal("a.revenue: at_least must be a positive number, got 0",
        err_of(function() a.revenue { metric = "m", months = 12, at_least = 0 } end))
      assert.are.equal("a.usage: at_least must be a positive number, got nil",
        err_of(function() a.usage { metric = "m" } end))
    end)

    it("rejects months that are not a positive integer, and requires them for revenue", function()
      assert.are.equal("a.revenue: months must be a positive integer, got 1.5",
        err_of(function() a.revenue { metric = "m", months = 1.5, at_least = 1 } end))
      assert.are.equal("a.customers: months must be a positive integer, got -12",
        err_of(function() a.customers { metric = "m", months = -12, at_least = 1 } end))
      assert.are.equal("a.revenue: months must be a positive integer, got nil",
        err_of(function() a.revenue { metric = "m", at_least = 1 } end))
    end)

    it("rejects a window longer than the facts API reads (120 months)", function()
      assert.are.equal("a.usage: months must be at most 120 (ten years), got 121",
        err_of(function() a.usage { metric = "m", months = 121, at_least = 1 } end))
      assert.are.equal("a.performance: months must be at most 120 (ten years), got 4611686018427387904",
        err_of(function() a.performance { kind = "revenue", metric = "m", months = 1 << 62, at_least = 1 } end))
      assert.are.equal("revenue m over 120 months ≥ 1", a.revenue { metric = "m", months = 120, at_least = 1 }.label)
    end)

    it("rejects a missing metric name", function()
      assert.are.equal("a.usage: metric must be a non-empty string, got nil",
        err_of(function() a.usage { at_least = 1 } end))
    end)

    it("rejects an unknown metric kind", function()
      assert.are.equal("a.performance: unknown metric kind 'x' (expected revenue, usage, seats or customers)",
        err_of(function() a.performance { kind = "x", metric = "m", at_least = 1 } end))
    end)

    it("rejects a constructor argument that is not a table", function()
      assert.are.equal("a.certified: expected a table, got 'AZ-104'", err_of(function() a.certified "AZ-104" end))
    end)

    it("rejects a combinator element that is not a goal", function()
      assert.are.equal("a.any: goal #2 is not a goal, got 'AZ-104'",
        err_of(function() a.any { a.certified { people = 1, codes = AZ }, "AZ-104" } end))
      assert.are.equal("a.all: no goals", err_of(function() a.all {} end))
      assert.are.equal("a.any: need must be at most the number of goals (1), got 2",
        err_of(function() a.any { need = 2, a.certified { people = 1, codes = AZ } } end))
      assert.are.equal("a.all: unknown key 'need'",
        err_of(function() a.all { need = 1, a.certified { people = 1, codes = AZ } } end))
    end)

    it("rejects a custom goal without a valid label, need or measure", function()
      assert.are.equal("a.goal: label must be a non-empty string, got nil",
        err_of(function() a.goal { need = 1, measure = print } end))
      assert.are.equal("a.goal: need must be a positive number, got -5",
        err_of(function() a.goal { label = "x", need = -5, measure = print } end))
      assert.are.equal("a.goal: measure must be a function, got 42",
        err_of(function() a.goal { label = "x", need = 1, measure = 42 } end))
      assert.are.equal("a.goal: detail must be a function, got 'x'",
        err_of(function() a.goal { label = "x", need = 1, measure = print, detail = "x" } end))
    end)

    it("points the error at the policy author's line", function()
      local line = debug.getinfo(1, "l").currentline + 1
      local ok, e = pcall(function() a.certified { people = 0, codes = AZ } end)
      assert.is_false(ok)
      assert.matches("stdlib_goals_spec%.lua:" .. line .. ": a%.certified: ", e)
    end)
  end)
end)
