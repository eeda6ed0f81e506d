-- policies/application-development.lua evaluated by the real host (attain.testing): every path
-- at its thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local fixture = require "attain.fixture"
local rules = require "helpers.rules"
local path, haves = fixture.path, fixture.haves

local COMPETENCY = "application-development"
local AT = rules.AT -- 2026-11-25: the 12-month window is 2025-12 .. 2026-11
local CUSTOMERS = "appdev_new_customers"

-- setup(fx, org, certs, assessed, customers): `org` with holders of each certification in `certs`
-- ({ ["AZ-204"] = 2 }), `assessed` people with TA-APPDEV and `customers` new customers over the
-- 12 months ending 2026-11, plus a large value just outside the window, which must never count.
local setup = rules.organisation {
  codes = { "AZ-204", "PL-400", "AZ-400" }, assessment = "TA-APPDEV",
  metrics = { { CUSTOMERS, months = 12 } }, outside = { { CUSTOMERS, "2025-11" } },
}

local function evaluate(certs, assessed, customers)
  return setup(fixture.new(), "contoso", certs, assessed, customers):evaluate(COMPETENCY, "contoso", AT)
end

describe("application-development policy", function()
  describe("silver customers path (2 certified, 5 new customers over 12 months)", function()
    rules.path_cases(evaluate, "customers", "silver", {
      { "is met at exactly 2 certified people and 5 new customers",
        given = { { ["AZ-204"] = 1, ["PL-400"] = 1 }, 0, 5 },
        level = "silver", met = true, haves = { 2, 5 } },
      { "is not met with one certified person fewer",
        given = { { ["AZ-204"] = 1 }, 0, 5 },
        level = nil, met = false, haves = { 1, 5 } },
      { "is not met with one new customer fewer",
        given = { { ["AZ-400"] = 2 }, 0, 4 },
        level = nil, met = false, haves = { 2, 4 } },
    })
  end)

  describe("silver skills path (2 certified, 3 passed TA-APPDEV assessments)", function()
    rules.path_cases(evaluate, "skills", "silver", {
      { "is met at exactly 2 certified and 3 assessed people, without customers",
        given = { { ["PL-400"] = 2 }, 3, 0 },
        level = "silver", met = true, haves = { 2, 3 }, unmet = "customers" },
      { "is not met with one certified person fewer",
        given = { { ["PL-400"] = 1 }, 3, 0 },
        level = nil, met = false, haves = { 1, 3 } },
      { "is not met with one assessed person fewer",
        given = { { ["PL-400"] = 2 }, 2, 0 },
        level = nil, met = false, haves = { 2, 2 } },
    })
  end)

  describe("gold customers path (4 certified, 20 new customers)", function()
    rules.path_cases(evaluate, "customers", "gold", {
      { "is met at exactly 4 certified people and 20 new customers",
        given = { { ["AZ-204"] = 2, ["PL-400"] = 1, ["AZ-400"] = 1 }, 0, 20 },
        level = "gold", met = true, haves = { 4, 20 } },
      { "is not met with one certified person fewer (silver remains)",
        given = { { ["AZ-204"] = 3 }, 0, 20 },
        level = "silver", met = false, haves = { 3, 20 } },
      { "is not met with one new customer fewer",
        given = { { ["AZ-204"] = 4 }, 0, 19 },
        level = "silver", met = false, haves = { 4, 19 } },
    })
  end)

  -- One long-certified person and 5 new customers: the silver customers path is met exactly
  -- when the second person under test counts.
  describe("what counts (silver customers path, one person short without the one under test)", function()
    rules.certified_person_rules {
      competency = COMPETENCY, path = { "customers", "silver" },
      one_short = function(fx, org) return setup(fx, org, { ["AZ-204"] = 1 }, 0, 5) end,
      counted = { level = "silver", haves = { 2, 5 } },
      not_counted = { level = nil, haves = { 1, 5 } },
      code = "PL-400", codes = { expired = "AZ-400", moved = "AZ-400" }, holder = "a certified person",
    }
  end)

  describe("a passed assessment", function()
    -- 2 certified people and 2 assessed: the skills path needs the third assessment under test.
    local function assert_assessed(r, counted)
      local p = path(r, "skills", "silver")
      assert.are.equal(counted and "silver" or nil, r.level)
      assert.are.equal(counted, p.met)
      assert.are.same({ 2, counted and 3 or 2 }, haves(p))
    end

    it("counts from exactly 24 hours after it was earned (R6)", function()
      local fx = setup(fixture.new(), "contoso", { ["AZ-204"] = 2 }, 2, 0)
      fx:person("contoso", "u3")
      fx:assess("u3", "TA-APPDEV", { earned = "2026-11-24T00:00:01Z" })
      assert_assessed(fx:evaluate(COMPETENCY, "contoso", AT), false)
      assert_assessed(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)
    end)

    it("stops counting when it expires (R11)", function()
      local fx = setup(fixture.new(), "contoso", { ["AZ-204"] = 2 }, 2, 0)
      fx:person("contoso", "u3")
      fx:assess("u3", "TA-APPDEV", { expires = AT })
      assert_assessed(fx:evaluate(COMPETENCY, "contoso", "2026-11-24T23:59:59Z"), true)
      assert_assessed(fx:evaluate(COMPETENCY, "contoso", AT), false)
    end)
  end)
end)
