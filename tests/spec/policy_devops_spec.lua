-- policies/devops.lua evaluated by the real host (attain.testing): every path at its thresholds
-- and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local fixture = require "attain.fixture"
local rules = require "helpers.rules"

local COMPETENCY = "devops"
local AT = rules.AT -- 2026-11-25: the 12-month window is 2025-12 .. 2026-11
local REVENUE = "devops_revenue"

-- setup(fx, org, certs, assessed, revenue): `org` with holders of each certification in `certs`
-- ({ ["AZ-400"] = 2 }), `assessed` people with TA-DEVOPS and `revenue` over the 12 months ending
-- 2026-11, plus a large value just outside the window, which must never count.
local setup = rules.organisation {
  codes = { "AZ-400", "AZ-104", "AZ-204" }, assessment = "TA-DEVOPS",
  metrics = { { REVENUE, months = 12 } }, outside = { { REVENUE, "2025-11" } },
}

local function evaluate(certs, assessed, revenue)
  return setup(fixture.new(), "contoso", certs, assessed, revenue):evaluate(COMPETENCY, "contoso", AT)
end

describe("devops policy", function()
  describe("silver revenue path (2 certified, 10000 revenue over 12 months)", function()
    rules.path_cases(evaluate, "revenue", "silver", {
      { "is met at exactly 2 certified people and 10000 revenue",
        given = { { ["AZ-104"] = 1, ["AZ-204"] = 1 }, 0, 10000 },
        level = "silver", met = true, haves = { 2, 10000 } },
      { "is not met with one certified person fewer",
        given = { { ["AZ-104"] = 1 }, 0, 10000 },
        level = nil, met = false, haves = { 1, 10000 } },
      { "is not met with revenue one unit short",
        given = { { ["AZ-104"] = 2 }, 0, 9999 },
        level = nil, met = false, haves = { 2, 9999 } },
    })
  end)

  describe("silver skills path (1 AZ-400 holder, 3 passed TA-DEVOPS assessments)", function()
    rules.path_cases(evaluate, "skills", "silver", {
      { "is met at exactly 1 AZ-400 holder and 3 assessed people, without revenue",
        given = { { ["AZ-400"] = 1 }, 3, 0 },
        level = "silver", met = true, haves = { 1, 3 } },
      { "is not met when the certified person holds another DevOps code than AZ-400",
        given = { { ["AZ-104"] = 1 }, 3, 0 },
        level = nil, met = false, haves = { 0, 3 } },
      { "is not met with one assessed person fewer",
        given = { { ["AZ-400"] = 1 }, 2, 0 },
        level = nil, met = false, haves = { 1, 2 } },
    })
  end)

  describe("gold revenue path (4 certified, 2 of them AZ-400, 40000 revenue)", function()
    rules.path_cases(evaluate, "revenue", "gold", {
      { "is met at exactly 4 certified people, 2 with AZ-400, and 40000 revenue",
        given = { { ["AZ-400"] = 2, ["AZ-104"] = 1, ["AZ-204"] = 1 }, 0, 40000 },
        level = "gold", met = true, haves = { 4, 2, 40000 } },
      { "is not met with one certified person fewer (silver remains)",
        given = { { ["AZ-400"] = 2, ["AZ-104"] = 1 }, 0, 40000 },
        level = "silver", met = false, haves = { 3, 2, 40000 } },
      { "is not met with one AZ-400 holder fewer",
        given = { { ["AZ-400"] = 1, ["AZ-104"] = 3 }, 0, 40000 },
        level = "silver", met = false, haves = { 4, 1, 40000 } },
      { "is not met with revenue one unit short",
        given = { { ["AZ-400"] = 2, ["AZ-104"] = 2 }, 0, 39999 },
        level = "silver", met = false, haves = { 4, 2, 39999 } },
    })
  end)

  -- Three passed assessments and no revenue: the silver skills path is met exactly when the
  -- AZ-400 holder under test counts.
  describe("what counts (silver skills path, the AZ-400 holder under test)", function()
    rules.certified_person_rules {
      competency = COMPETENCY, path = { "skills", "silver" },
      one_short = function(fx, org) return setup(fx, org, {}, 3, 0) end,
      counted = { level = "silver", haves = { 1, 3 } },
      not_counted = { level = nil, haves = { 0, 3 } },
      code = "AZ-400", holder = "an AZ-400 holder",
    }
  end)
end)
