package.path = "stdlib/?.lua;stdlib/?/init.lua;tests/spec/?.lua;" .. package.path

local a = require "attain"
local fake = require "helpers.fake_org"

local function err_of(f)
  local ok, e = pcall(f)
  assert.is_false(ok, "expected an error")
  return (tostring(e):gsub("^[^:]*:%d+: ", ""))
end

local AZ = { "AZ-104", "AZ-204", "AZ-305" }

-- The example competency of DESIGN.md, with a second silver path.
local function cloud(extra)
  local t = {
    id = "cloud-platform", name = "Cloud Platform",
    benefits = { silver = { "Silver offer pack" }, gold = { "Gold offer pack", "Discount" } },
    paths = {
      a.path { id = "consumption", level = "silver",
        a.certified { people = 2, codes = AZ },
        a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 15000 } },
      a.path { id = "skills", level = "silver",
        a.certified { people = 3, codes = AZ },
        a.assessed { people = 2, codes = { "TA-CLOUD" } } },
      a.path { id = "consumption", level = "gold",
        a.certified { people = 4, codes = AZ },
        a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 60000 } },
    },
  }
  for k, v in pairs(extra or {}) do t[k] = v end
  return a.competency(t)
end

local function revenue(total)
  return { azure_consumed_revenue = { ["2026-01"] = total } }
end

describe("attain.competency", function()
  describe("evaluate", function()
    it("reports nil when no path is met, with every goal's progress (R4)", function()
      local org = fake.new { now = "2026-03-15", holdings = fake.people(1, "AZ-104"), metrics = revenue(20000) }
      local r = a.evaluate(cloud(), org)
      assert.is_nil(r.level)
      assert.are.same({ id = "consumption", level = "silver", met = false, goals = {
        { kind = "certified", label = "2 certified people (AZ-104, AZ-204, AZ-305)", have = 1, need = 2,
          met = false },
        { kind = "revenue", label = "revenue azure_consumed_revenue over 12 months ≥ 15000", have = 20000,
          need = 15000, met = true },
      } }, r.paths[1])
      assert.are.equal(3, #r.paths)
    end)

    it("reports 'silver' when any one silver path is met (R2)", function()
      local org = fake.new { holdings = fake.concat(fake.people(3, "AZ-204"), fake.people(2, "TA-CLOUD", "assessment")) }
      local r = a.evaluate(cloud(), org)
      assert.are.equal("silver", r.level)
      assert.is_false(r.paths[1].met)
      assert.is_true(r.paths[2].met)
    end)

    it("reports 'gold' when a gold path is met and implies silver", function()
      local org = fake.new { holdings = fake.people(4, "AZ-305"), metrics = revenue(60000) }
      local r = a.evaluate(cloud(), org)
      assert.are.equal("gold", r.level)
      assert.is_true(r.paths[3].met)
    end)

    it("keeps paths in declaration order with their ids and levels", function()
      local r = a.evaluate(cloud(), fake.new {})
      local seen = {}
      for i, p in ipairs(r.paths) do seen[i] = p.level .. "/" .. p.id end
      assert.are.same({ "silver/consumption", "silver/skills", "gold/consumption" }, seen)
    end)

    it("asks the facts once per distinct query, sharing them across paths", function()
      local org = fake.new {}
      a.evaluate(cloud(), org)
      assert.are.same({
        "people AZ-104,AZ-204,AZ-305 certification cloud-platform",
        "metric_sum azure_consumed_revenue 12",
        "people TA-CLOUD assessment cloud-platform",
      }, org.calls)
    end)

    it("binds a shared goal object to each competency it is used in (overrides)", function()
      local shared = a.certified { people = 1, codes = { "SC-100" } }
      local function comp(id)
        return a.competency { id = id, name = id, paths = { a.path { id = "p", level = "silver", shared } } }
      end
      local security, cloudc = comp("security"), comp("cloud")
      local org = fake.new { overrides = { { competency = "security", code = "SC-100", people = 1 } } }
      assert.are.equal("silver", a.evaluate(security, org).level)
      assert.is_nil(a.evaluate(cloudc, org).level)
    end)

    it("is also available as a method", function()
      local org = fake.new { holdings = fake.people(4, "AZ-305"), metrics = revenue(60000) }
      assert.are.equal("gold", cloud():evaluate(org).level)
    end)

    it("does not depend on table iteration order", function()
      local org = fake.new { holdings = fake.people(3, "AZ-104"), metrics = revenue(15000) }
      local first = a.evaluate(cloud(), org)
      for _ = 1, 10 do assert.are.same(first, a.evaluate(cloud(), org)) end
    end)

    it("rejects something that is not a competency", function()
      assert.are.equal("attain.evaluate: expected a competency made by a.competency, got a table",
        err_of(function() a.evaluate({ id = "x", paths = {} }, fake.new {}) end))
    end)
  end)

  describe("explain", function()
    it("adds people details, including exclusions and overrides, to skills goals", function()
      local org = fake.new { now = "2026-03-15T12:00:00Z",
        holdings = {
          { user = "u1", msa = "ana@example.com", code = "AZ-104", kind = "certification", earned = "2025-01-01" },
          { user = "u2", msa = "bo@example.com", code = "AZ-204", kind = "certification", earned = "2026-03-15" },
          { user = "u3", msa = "cy@example.com", code = "AZ-305", kind = "certification", earned = "2025-01-01",
            reason = "left" },
        },
        overrides = { { competency = "cloud-platform", code = "AZ-305", people = 1, reason = "old MSA",
                        by = "ops@example.com", ["until"] = "2026-12-31" } } }
      local g = a.explain(cloud(), org).paths[1].goals[1]
      assert.are.equal(2, g.have)
      assert.is_true(g.met)
      assert.are.same(AZ, g.codes)
      assert.are.same({
        counted = { { user = "u1", msa = "ana@example.com", code = "AZ-104",
                      earned = fake.t("2025-01-01"), counts_from = fake.t("2025-01-02") } },
        excluded = { { user = "u2", msa = "bo@example.com", code = "AZ-204", reason = "earned_recently" },
                     { user = "u3", msa = "cy@example.com", code = "AZ-305", reason = "left" } },
        overrides = { { code = "AZ-305", people = 1, reason = "old MSA", by = "ops@example.com",
                        ["until"] = fake.t("2026-12-31") } },
      }, g.detail)
    end)

    it("lists the monthly values of a metric window, oldest first", function()
      local org = fake.new { now = "2026-02-10", metrics = { azure_consumed_revenue = {
        ["2025-12"] = 500, ["2026-02"] = 250, ["2025-02"] = 1, ["2025-03"] = 7 } } }
      local g = a.explain(cloud(), org).paths[1].goals[2]
      assert.are.equal(757, g.have)
      assert.are.equal("azure_consumed_revenue", g.detail.metric)
      assert.are.equal(12, g.detail.months)
      assert.are.equal(12, #g.detail.values)
      assert.are.same({ period = "2025-03", value = 7 }, g.detail.values[1])
      assert.are.same({ period = "2025-12", value = 500 }, g.detail.values[10])
      assert.are.same({ period = "2026-01", value = 0 }, g.detail.values[11])
      assert.are.same({ period = "2026-02", value = 250 }, g.detail.values[12])
    end)

    it("gives seats goals the latest value", function()
      local c = a.competency { id = "mw", name = "MW", paths = { a.path { id = "p", level = "silver",
        a.seats { metric = "m365_deployed_seats", at_least = 100 } } } }
      local org = fake.new { now = "2026-03-15", metrics = { m365_deployed_seats = { ["2026-01"] = 120 } } }
      local g = a.explain(c, org).paths[1].goals[1]
      assert.are.same({ metric = "m365_deployed_seats", latest = 120, values = {} }, g.detail)
      assert.is_true(g.met)
    end)

    it("gives combinators their sub-goal results and custom goals their detail function's value", function()
      local c = a.competency { id = "x", name = "X", paths = { a.path { id = "p", level = "gold",
        a.any { a.certified { people = 1, codes = { "DP-203" } },
                a.goal { label = "points", need = 5, measure = function() return 7 end,
                         detail = function(org) return { org = org.id } end } } } } }
      local r = a.explain(c, fake.new { id = "contoso" })
      assert.are.equal("gold", r.level)
      local g = r.paths[1].goals[1]
      assert.are.equal(1, g.have)
      assert.are.equal("1 certified person (DP-203)", g.detail[1].label)
      assert.is_false(g.detail[1].met)
      assert.are.same({ kind = "custom", label = "points", have = 7, need = 5, met = true,
                        detail = { org = "contoso" } }, g.detail[2])
    end)

    it("agrees with evaluate on level, met and have", function()
      local org = fake.new { holdings = fake.people(3, "AZ-104"), metrics = revenue(16000) }
      local e, x = a.evaluate(cloud(), org), a.explain(cloud(), org)
      assert.are.equal(e.level, x.level)
      for i, p in ipairs(e.paths) do
        assert.are.equal(p.met, x.paths[i].met)
        for j, g in ipairs(p.goals) do assert.are.equal(g.have, x.paths[i].goals[j].have) end
      end
    end)
  end)

  describe("level", function()
    it("gives the level evaluate gives, without the progress report", function()
      local cases = {
        fake.new { holdings = fake.people(1, "AZ-104"), metrics = revenue(20000) },
        fake.new { holdings = fake.concat(fake.people(3, "AZ-204"), fake.people(2, "TA-CLOUD", "assessment")) },
        fake.new { holdings = fake.people(4, "AZ-305"), metrics = revenue(60000) },
        fake.new { holdings = fake.people(4, "AZ-305"), metrics = revenue(59999) },
      }
      local expected = { nil, "silver", "gold", "silver" }
      for i, org in ipairs(cases) do
        assert.are.equal(expected[i], a.level(cloud(), org))
        assert.are.equal(a.evaluate(cloud(), org).level, a.level(cloud(), org))
      end
    end)

    it("rejects something that is not a competency", function()
      assert.has_error(function() a.level({}, fake.new {}) end)
    end)
  end)

  describe("metric_months", function()
    local function with(...)
      return a.competency { id = "c", name = "C", paths = { a.path { id = "p", level = "silver", ... } } }
    end

    it("is the longest window of the revenue, usage and customers goals", function()
      assert.are.same({ 12, {} }, { a.metric_months(cloud()) })
      assert.are.equal(18, a.metric_months(with(a.usage { metric = "u", at_least = 1 },
        a.any { need = 1, a.customers { metric = "n", months = 18, at_least = 1 } })))
      assert.are.equal(3, a.metric_months(with(a.usage { metric = "u", at_least = 1 })))
    end)

    it("is 0 when no goal reads a metric", function()
      assert.are.same({ 0, {} }, { a.metric_months(with(a.certified { people = 1, codes = AZ })) })
    end)

    it("lists the metrics of seats goals, read at any month, once each and sorted", function()
      assert.are.same({ 12, { "s", "t" } }, { a.metric_months(with(
        a.revenue { metric = "r", months = 12, at_least = 1 }, a.seats { metric = "t", at_least = 1 },
        a.any { a.seats { metric = "s", at_least = 1 }, a.seats { metric = "t", at_least = 2 } })) })
    end)

    it("is nil (any row) with a custom goal", function()
      assert.is_nil(a.metric_months(with(a.revenue { metric = "r", months = 12, at_least = 1 },
        a.goal { label = "x", need = 1, measure = function() return 1 end })))
    end)

    it("rejects something that is not a competency", function()
      assert.has_error(function() a.metric_months({}) end)
    end)
  end)

  describe("the competency object", function()
    it("exposes id, name, benefits and path descriptions", function()
      local c = cloud()
      assert.are.equal("cloud-platform", c.id)
      assert.are.equal("Cloud Platform", c.name)
      assert.are.same({ silver = { "Silver offer pack" }, gold = { "Gold offer pack", "Discount" } }, c.benefits)
      assert.are.equal("skills", c.paths[2].id)
      assert.are.same({ "2 certified people (AZ-104, AZ-204, AZ-305)",
                        "revenue azure_consumed_revenue over 12 months ≥ 15000" }, c.paths[1].goals)
    end)

    it("has empty benefit lists when none are given", function()
      local c = a.competency { id = "x", name = "X", paths = { a.path { id = "p", level = "silver",
        a.certified { people = 1, codes = AZ } } } }
      assert.are.same({ silver = {}, gold = {} }, c.benefits)
    end)

    it("is recognised by is_competency, and a look-alike table is not", function()
      local c = cloud()
      assert.is_true(a.is_competency(c))
      assert.is_false(a.is_competency({ id = "cloud-platform", name = "x", paths = c.paths }))
      assert.is_false(a.is_competency(setmetatable({}, { __index = c })))
      assert.is_false(a.is_competency(nil))
      assert.is_false(a.is_competency(c.paths[1]))
    end)

    it("is read-only and hides its metatable", function()
      local c = cloud()
      assert.has_error(function() c.id = "other" end, "attain competencies and paths are read-only")
      assert.are.equal("attain.competency", getmetatable(c))
    end)

    it("ends memberships at the end of the calendar year by default (R10)", function()
      local c = cloud()
      assert.are.equal(a.renewal.year_end, c.renewal)
      assert.are.equal(fake.t("2027-01-01"), a.membership_end(c, fake.t("2026-02-01")))
    end)

    it("uses a competency's own renewal rule", function()
      local c = cloud { renewal = a.renewal.anniversary }
      assert.are.equal(fake.t("2027-02-01"), a.membership_end(c, fake.t("2026-02-01")))
    end)

    it("rejects a renewal rule that returns no time after the purchase", function()
      local c = cloud { renewal = function(bought) return bought end }
      assert.are.equal("competency 'cloud-platform': renewal returned 1769904000, expected a time after the purchase",
        err_of(function() a.membership_end(c, fake.t("2026-02-01")) end))
    end)
  end)

  describe("validation", function()
    local function path(id, level)
      return a.path { id = id, level = level, a.certified { people = 1, codes = AZ } }
    end

    it("rejects a missing or empty id", function()
      assert.are.equal("a.competency: id must be a non-empty string, got nil",
        err_of(function() a.competency { name = "X", paths = { path("p", "silver") } } end))
      assert.are.equal("a.competency: id must be a non-empty string, got ''",
        err_of(function() a.competency { id = "", name = "X", paths = { path("p", "silver") } } end))
      assert.are.equal("a.path: id must be a non-empty string, got nil",
        err_of(function() a.path { level = "silver", a.certified { people = 1, codes = AZ } } end))
    end)

    it("rejects a name that is not a string, naming the competency", function()
      assert.are.equal("a.competency: name must be a non-empty string, got 42 (competency 'x')",
        err_of(function() a.competency { id = "x", name = 42, paths = { path("p", "silver") } } end))
    end)

    it("rejects a competency with an unknown key, naming it", function()
      assert.are.equal("a.competency: unknown key 'pahts' (competency 'x')",
        err_of(function() a.competency { id = "x", name = "X", pahts = {} } end))
    end)

    it("rejects a path with an unknown key, naming it", function()
      assert.are.equal("a.path: unknown key 'levle' (path 'consumption')",
        err_of(function() a.path { id = "consumption", levle = "silver", a.certified { people = 1, codes = AZ } } end))
    end)

    it("rejects a level other than silver or gold", function()
      assert.are.equal("a.path: level must be 'silver' or 'gold', got 'platinum' (path 'p')",
        err_of(function() path("p", "platinum") end))
    end)

    it("rejects a duplicate path id within a level, at the duplicate's line", function()
      local line = debug.getinfo(1, "l").currentline + 4
      local ok, e = pcall(function()
        return a.competency { id = "x", name = "X", paths = {
          path("p", "silver"), path("p", "gold"),
          a.path { id = "p", level = "silver", a.certified { people = 1, codes = AZ } },
        } }
      end)
      assert.is_false(ok)
      assert.matches("stdlib_competency_spec%.lua:" .. line
        .. ": a%.competency: duplicate silver path id 'p' %(competency 'x'%)$", e)
    end)

    it("accepts a silver and a gold path with the same id", function()
      assert.is_true(a.is_competency(a.competency { id = "x", name = "X",
        paths = { path("p", "silver"), path("p", "gold") } }))
    end)

    it("rejects a competency without paths", function()
      assert.are.equal("a.competency: no paths (competency 'x')",
        err_of(function() a.competency { id = "x", name = "X" } end))
      assert.are.equal("a.competency: no paths (competency 'x')",
        err_of(function() a.competency { id = "x", name = "X", paths = {} } end))
    end)

    it("rejects a path without goals and a goal that is not a goal", function()
      assert.are.equal("a.path: no goals (silver path 'p')",
        err_of(function() a.path { id = "p", level = "silver" } end))
      assert.are.equal("a.path: goal #1 is not a goal, got a table (gold path 'p')",
        err_of(function() a.path { id = "p", level = "gold", { people = 2 } } end))
      assert.are.equal("a.path: goal #2 is nil (silver path 'p')",
        err_of(function() a.path { id = "p", level = "silver", a.certified { people = 1, codes = AZ }, nil,
                                   a.certified { people = 1, codes = AZ } } end))
    end)

    it("rejects a paths entry that is not a path, hinting at goals", function()
      assert.are.equal("a.competency: paths[1] is not a path, got an attain.goal; put goals inside a.path (competency 'x')",
        err_of(function() a.competency { id = "x", name = "X", paths = { a.certified { people = 1, codes = AZ } } } end))
    end)

    it("rejects a renewal that is not a function", function()
      assert.are.equal("a.competency: renewal must be a function, got 'year_end' (competency 'x')",
        err_of(function() a.competency { id = "x", name = "X", renewal = "year_end", paths = { path("p", "gold") } } end))
    end)

    it("rejects malformed benefits", function()
      assert.are.equal("a.competency: benefits: unknown key 'platinum' (competency 'x')",
        err_of(function() a.competency { id = "x", name = "X", benefits = { platinum = {} },
                                         paths = { path("p", "gold") } } end))
      assert.are.equal("a.competency: benefits.gold[2] must be a non-empty string, got 5 (competency 'x')",
        err_of(function() a.competency { id = "x", name = "X", benefits = { gold = { "a", 5 } },
                                         paths = { path("p", "gold") } } end))
    end)

    it("points the error at the policy author's line", function()
      local line = debug.getinfo(1, "l").currentline + 1
      local ok, e = pcall(function() a.path { id = "p", level = "bronze", a.certified { people = 1, codes = AZ } } end)
      assert.is_false(ok)
      assert.matches("stdlib_competency_spec%.lua:" .. line .. ": a%.path: level", e)
    end)
  end)
end)
