-- policies/cloud-platform.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local fixture = require "attain.fixture"
local rules = require "helpers.rules"
local path, goal = fixture.path, fixture.goal

local COMPETENCY = "cloud-platform"
local AT = rules.AT -- 2026-11-25: the 12-month window is 2025-12 .. 2026-11
local REVENUE = "azure_consumed_revenue"

-- setup(fx, org, certs, assessed, revenue): `org` with holders of each certification in `certs`
-- ({ ["AZ-104"] = 2 }), `assessed` people with TA-CLOUD and `revenue` Azure revenue over the 12
-- months ending 2026-11, plus a large value just outside the window, which must never count.
local setup = rules.organisation {
  codes = { "AZ-104", "AZ-204", "AZ-305" }, assessment = "TA-CLOUD",
  metrics = { { REVENUE, months = 12 } }, outside = { { REVENUE, "2025-11" } },
}

local function contoso(certs, assessed, revenue)
  return setup(fixture.new(), "contoso", certs, assessed, revenue)
end

local function evaluate(certs, assessed, revenue)
  return contoso(certs, assessed, revenue):evaluate(COMPETENCY, "contoso", AT)
end

describe("cloud-platform policy", function()
  describe("silver consumption path (2 certified, 15000 revenue over 12 months)", function()
    rules.path_cases(evaluate, "consumption", "silver", {
      { "is met at exactly 2 certified people and 15000 revenue",
        given = { { ["AZ-104"] = 1, ["AZ-204"] = 1 }, 0, 15000 },
        level = "silver", met = true, haves = { 2, 15000 } },
      { "is not met with one certified person fewer",
        given = { { ["AZ-104"] = 1 }, 0, 15000 },
        level = nil, met = false, haves = { 1, 15000 } },
      { "is not met with revenue one unit short",
        given = { { ["AZ-104"] = 2 }, 0, 14999 },
        level = nil, met = false, haves = { 2, 14999 } },
    })
  end)

  describe("silver skills path (3 certified, 2 passed TA-CLOUD assessments)", function()
    rules.path_cases(evaluate, "skills", "silver", {
      { "is met at exactly 3 certified and 2 assessed people, without revenue",
        given = { { ["AZ-104"] = 3 }, 2, 0 },
        level = "silver", met = true, haves = { 3, 2 }, unmet = "consumption" },
      { "is not met with one certified person fewer",
        given = { { ["AZ-104"] = 2 }, 2, 0 },
        level = nil, met = false, haves = { 2, 2 } },
      { "is not met with one assessed person fewer",
        given = { { ["AZ-104"] = 3 }, 1, 0 },
        level = nil, met = false, haves = { 3, 1 } },
    })
  end)

  describe("gold consumption path (4 certified, 1 with AZ-305, 60000 revenue)", function()
    rules.path_cases(evaluate, "consumption", "gold", {
      { "is met at exactly 4 certified people, one of them AZ-305, and 60000 revenue",
        given = { { ["AZ-104"] = 2, ["AZ-204"] = 1, ["AZ-305"] = 1 }, 0, 60000 },
        level = "gold", met = true, haves = { 4, 1, 60000 }, unmet = "scale" },
      { "is not met with one certified person fewer (silver remains)",
        given = { { ["AZ-104"] = 2, ["AZ-305"] = 1 }, 0, 60000 },
        level = "silver", met = false, haves = { 3, 1, 60000 } },
      { "is not met without an AZ-305 holder",
        given = { { ["AZ-104"] = 4 }, 0, 60000 },
        level = "silver", met = false, haves = { 4, 0, 60000 } },
      { "is not met with revenue one unit short",
        given = { { ["AZ-104"] = 3, ["AZ-305"] = 1 }, 0, 59999 },
        level = "silver", met = false, haves = { 4, 1, 59999 } },
    })
  end)

  describe("gold scale path (5 certified, 150000 revenue)", function()
    rules.path_cases(evaluate, "scale", "gold", {
      { "is met at exactly 5 certified people and 150000 revenue",
        given = { { ["AZ-104"] = 5 }, 0, 150000 },
        level = "gold", met = true, haves = { 5, 150000 }, unmet = "consumption" }, -- no AZ-305
      { "is not met with one certified person fewer",
        given = { { ["AZ-104"] = 4 }, 0, 150000 },
        level = "silver", met = false, haves = { 4, 150000 } },
      { "is not met with revenue one unit short",
        given = { { ["AZ-104"] = 5 }, 0, 149999 },
        level = "silver", met = false, haves = { 5, 149999 } },
    })
  end)

  describe("a certified person", function()
    it("counts once however many of the codes they hold", function()
      local fx = contoso({ ["AZ-104"] = 1 }, 0, 15000)
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-104")
      fx:certify("u2", "AZ-204")
      fx:certify("u2", "AZ-305")
      local p = path(fx:evaluate(COMPETENCY, "contoso", AT), "consumption", "silver")
      assert.is_true(p.met)
      assert.are.equal(2, goal(p, 1).have)
    end)

    it("needs a certification: an exam or an assessment with the code does not count", function()
      local fx = contoso({ ["AZ-104"] = 1 }, 0, 15000)
      fx:person("contoso", "u2")
      fx:pass_exam("u2", "AZ-104")
      fx:assess("u2", "AZ-305")
      local r = fx:evaluate(COMPETENCY, "contoso", AT)
      assert.is_nil(r.level)
      assert.are.equal(1, goal(path(r, "consumption", "silver"), 1).have)
    end)
  end)

  -- One long-certified person and 15000 revenue: the silver consumption path is met exactly
  -- when the second person under test counts.
  describe("what counts (silver consumption path, one person short without the one under test)", function()
    local one_short, assert_counted = rules.certified_person_rules {
      competency = COMPETENCY, path = { "consumption", "silver" },
      one_short = function(fx, org) return setup(fx, org, { ["AZ-104"] = 1 }, 0, 15000) end,
      counted = { level = "silver", haves = { 2, 15000 } },
      not_counted = { level = nil, haves = { 1, 15000 } },
      code = "AZ-104", codes = { earned = "AZ-305", override = "AZ-305" }, holder = "a certified person",
    }

    it("ignores overrides for another competency or for a code outside the goal", function()
      local fx = one_short()
      fx:override("contoso", "security", "AZ-305", 1, "2027-01-01")
      fx:override("contoso", COMPETENCY, "SC-100", 1, "2027-01-01")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
    end)
  end)
end)
