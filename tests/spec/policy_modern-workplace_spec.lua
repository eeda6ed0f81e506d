-- policies/modern-workplace.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local fixture = require "attain.fixture"
local rules = require "helpers.rules"
local path, haves = fixture.path, fixture.haves

local COMPETENCY = "modern-workplace"
local AT = rules.AT -- 2026-11-25: the 3-month usage window is 2026-09 .. 2026-11
local SEATS, USAGE = "m365_deployed_seats", "m365_active_usage"

-- setup(fx, org, certs, assessed, seats, usage): `org` with holders of each certification in
-- `certs` ({ ["MS-102"] = 2 }), `assessed` people with TA-MODERN-WORK, `seats` deployed in
-- 2026-11 and `usage` in total over 2026-09 .. 2026-11, plus a large value just outside the
-- window, which must never count.
local setup = rules.organisation {
  codes = { "MS-102", "MD-102", "MS-700", "SC-300" }, assessment = "TA-MODERN-WORK",
  metrics = { { SEATS, months = 1 }, { USAGE, months = 3 } },
  outside = { { USAGE, "2026-08" }, { SEATS, "2026-12" } },
}

local function evaluate(certs, assessed, seats, usage)
  return setup(fixture.new(), "contoso", certs, assessed, seats, usage):evaluate(COMPETENCY, "contoso", AT)
end

describe("modern-workplace policy", function()
  describe("silver seats path (2 certified, 200 deployed seats in the latest month)", function()
    rules.path_cases(evaluate, "seats", "silver", {
      { "is met at exactly 2 certified people and 200 seats",
        given = { { ["MS-102"] = 1, ["SC-300"] = 1 }, 0, 200, 0 },
        level = "silver", met = true, haves = { 2, 200 } },
      { "is not met with one certified person fewer",
        given = { { ["MS-102"] = 1 }, 0, 200, 0 },
        level = nil, met = false, haves = { 1, 200 } },
      { "is not met with one seat fewer",
        given = { { ["MD-102"] = 2 }, 0, 199, 0 },
        level = nil, met = false, haves = { 2, 199 } },
    })

    it("takes the latest reported month at or before the evaluation month", function()
      local fx = setup(fixture.new(), "contoso", { ["MD-102"] = 2 }, 0, 0, 0)
      fx:metric("contoso", SEATS, "2026-08", 1000)
      fx:metric("contoso", SEATS, "2026-09", 199)
      fx:metric("contoso", SEATS, "2026-12", 5000)
      local r = fx:evaluate(COMPETENCY, "contoso", AT)
      assert.is_nil(r.level)
      assert.are.same({ 2, 199 }, haves(path(r, "seats", "silver")))
    end)
  end)

  describe("silver usage path (2 certified, 1 passed assessment, usage averaging 150 over 3 months)", function()
    rules.path_cases(evaluate, "usage", "silver", {
      { "is met at exactly 2 certified people, 1 assessed and an average usage of 150",
        given = { { ["MS-700"] = 2 }, 1, 0, 450 },
        level = "silver", met = true, haves = { 2, 1, 150 }, unmet = "seats" },
      { "is not met with one certified person fewer",
        given = { { ["MS-700"] = 1 }, 1, 0, 450 },
        level = nil, met = false, haves = { 1, 1, 150 } },
      { "is not met without a passed assessment",
        given = { { ["MS-700"] = 2 }, 0, 0, 450 },
        level = nil, met = false, haves = { 2, 0, 150 } },
      { "is not met with usage one unit short in total (an average of 449/3)",
        given = { { ["MS-700"] = 2 }, 1, 0, 449 },
        level = nil, met = false, haves = { 2, 1, 449 / 3 } },
    })
  end)

  describe("gold seats path (5 certified, 800 seats, usage averaging 400)", function()
    rules.path_cases(evaluate, "seats", "gold", {
      { "is met at exactly 5 certified people, 800 seats and an average usage of 400",
        given = { { ["MS-102"] = 2, ["MD-102"] = 1, ["MS-700"] = 1, ["SC-300"] = 1 }, 0, 800, 1200 },
        level = "gold", met = true, haves = { 5, 800, 400 } },
      { "is not met with one certified person fewer (silver remains)",
        given = { { ["MS-102"] = 4 }, 0, 800, 1200 },
        level = "silver", met = false, haves = { 4, 800, 400 } },
      { "is not met with one seat fewer",
        given = { { ["MS-102"] = 5 }, 0, 799, 1200 },
        level = "silver", met = false, haves = { 5, 799, 400 } },
      { "is not met with usage one unit short in total",
        given = { { ["MS-102"] = 5 }, 0, 800, 1199 },
        level = "silver", met = false, haves = { 5, 800, 1199 / 3 } },
    })
  end)

  -- One long-certified person and 200 seats: the silver seats path is met exactly when the
  -- second person under test counts.
  describe("what counts (silver seats path, one person short without the one under test)", function()
    rules.certified_person_rules {
      competency = COMPETENCY, path = { "seats", "silver" },
      one_short = function(fx, org) return setup(fx, org, { ["MS-102"] = 1 }, 0, 200, 0) end,
      counted = { level = "silver", haves = { 2, 200 } },
      not_counted = { level = nil, haves = { 1, 200 } },
      code = "SC-300", codes = { override = "MS-102" }, holder = "a certified person",
    }
  end)
end)
