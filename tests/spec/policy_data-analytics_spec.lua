-- policies/data-analytics.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local fixture = require "attain.fixture"
local rules = require "helpers.rules"

local COMPETENCY = "data-analytics"
local AT = rules.AT -- 2026-11-25: the 12-month window is 2025-12 .. 2026-11
local REVENUE = "data_analytics_revenue"

-- setup(fx, org, certs, assessed, revenue): `org` with holders of each certification in `certs`
-- ({ ["PL-300"] = 2 }), `assessed` people with TA-DATA and `revenue` over the 12 months ending
-- 2026-11, plus a large value just outside the window, which must never count.
local setup = rules.organisation {
  codes = { "DP-203", "DP-100", "PL-300" }, assessment = "TA-DATA",
  metrics = { { REVENUE, months = 12 } }, outside = { { REVENUE, "2025-11" } },
}

local function evaluate(certs, assessed, revenue)
  return setup(fixture.new(), "contoso", certs, assessed, revenue):evaluate(COMPETENCY, "contoso", AT)
end

describe("data-analytics policy", function()
  describe("silver revenue path (2 certified, 10000 revenue over 12 months)", function()
    rules.path_cases(evaluate, "revenue", "silver", {
      { "is met at exactly 2 certified people and 10000 revenue",
        given = { { ["PL-300"] = 1, ["DP-100"] = 1 }, 0, 10000 },
        level = "silver", met = true, haves = { 2, 10000 } },
      { "is not met with one certified person fewer",
        given = { { ["PL-300"] = 1 }, 0, 10000 },
        level = nil, met = false, haves = { 1, 10000 } },
      { "is not met with revenue one unit short",
        given = { { ["PL-300"] = 2 }, 0, 9999 },
        level = nil, met = false, haves = { 2, 9999 } },
    })
  end)

  describe("silver skills path (3 certified, 2 passed TA-DATA assessments)", function()
    rules.path_cases(evaluate, "skills", "silver", {
      { "is met at exactly 3 certified and 2 assessed people, without revenue",
        given = { { ["PL-300"] = 3 }, 2, 0 },
        level = "silver", met = true, haves = { 3, 2 } },
      { "is not met with one certified person fewer",
        given = { { ["PL-300"] = 2 }, 2, 0 },
        level = nil, met = false, haves = { 2, 2 } },
      { "is not met with one assessed person fewer",
        given = { { ["PL-300"] = 3 }, 1, 0 },
        level = nil, met = false, haves = { 3, 1 } },
    })
  end)

  describe("gold revenue path (4 certified, a data engineer or scientist, 50000 revenue)", function()
    rules.path_cases(evaluate, "revenue", "gold", {
      { "is met at exactly 4 certified people, one a data engineer (DP-203), and 50000 revenue",
        given = { { ["PL-300"] = 3, ["DP-203"] = 1 }, 0, 50000 },
        level = "gold", met = true, haves = { 4, 1, 50000 } },
      { "is met with a data scientist (DP-100) instead",
        given = { { ["PL-300"] = 3, ["DP-100"] = 1 }, 0, 50000 },
        level = "gold", met = true, haves = { 4, 1, 50000 } },
      { "counts the alternatives met: both a data engineer and a data scientist make 2",
        given = { { ["PL-300"] = 2, ["DP-203"] = 1, ["DP-100"] = 1 }, 0, 50000 },
        level = "gold", met = true, haves = { 4, 2, 50000 } },
      { "is not met with one certified person fewer (silver remains)",
        given = { { ["PL-300"] = 2, ["DP-203"] = 1 }, 0, 50000 },
        level = "silver", met = false, haves = { 3, 1, 50000 } },
      { "is not met without a data engineer or data scientist",
        given = { { ["PL-300"] = 4 }, 0, 50000 },
        level = "silver", met = false, haves = { 4, 0, 50000 } },
      { "is not met with revenue one unit short",
        given = { { ["PL-300"] = 3, ["DP-203"] = 1 }, 0, 49999 },
        level = "silver", met = false, haves = { 4, 1, 49999 } },
    })
  end)

  -- Three PL-300 holders and 50000 revenue: the gold path is met exactly when the data engineer
  -- (DP-203) under test counts; without them the organisation stays silver.
  describe("what counts (gold revenue path, the data engineer under test)", function()
    rules.certified_person_rules {
      competency = COMPETENCY, path = { "revenue", "gold" },
      one_short = function(fx, org) return setup(fx, org, { ["PL-300"] = 3 }, 0, 50000) end,
      counted = { level = "gold", haves = { 4, 1, 50000 } },
      not_counted = { level = "silver", haves = { 3, 0, 50000 } },
      code = "DP-203", holder = "a data engineer",
    }
  end)
end)
