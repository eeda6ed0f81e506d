-- policies/security.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local fixture = require "attain.fixture"
local rules = require "helpers.rules"
local path, haves = fixture.path, fixture.haves

local COMPETENCY = "security"
local AT = rules.AT -- 2026-11-25: windows 2025-12 .. 2026-11 (12 months), 2026-09 .. 2026-11 (3)
local REVENUE, USAGE = "security_revenue", "security_active_usage"

-- setup(fx, org, certs, assessed, revenue, usage): `org` with holders of each certification in
-- `certs` ({ ["SC-200"] = 2 }), `assessed` people with TA-SECURITY, `revenue` over 12 months and
-- `usage` in total over 3 months ending 2026-11, plus a large value just outside the window,
-- which must never count.
local setup = rules.organisation {
  codes = { "SC-200", "SC-300", "SC-100", "AZ-500" }, assessment = "TA-SECURITY",
  metrics = { { REVENUE, months = 12 }, { USAGE, months = 3 } },
  outside = { { REVENUE, "2025-11" }, { USAGE, "2026-08" } },
}

local function evaluate(certs, assessed, revenue, usage)
  return setup(fixture.new(), "contoso", certs, assessed, revenue, usage):evaluate(COMPETENCY, "contoso", AT)
end

describe("security policy", function()
  describe("silver revenue path (2 certified, 12000 revenue over 12 months)", function()
    rules.path_cases(evaluate, "revenue", "silver", {
      { "is met at exactly 2 certified people and 12000 revenue",
        given = { { ["SC-200"] = 1, ["AZ-500"] = 1 }, 0, 12000, 0 },
        level = "silver", met = true, haves = { 2, 12000 }, unmet = "usage" },
      { "is not met with one certified person fewer",
        given = { { ["SC-200"] = 1 }, 0, 12000, 0 },
        level = nil, met = false, haves = { 1, 12000 } },
      { "is not met with revenue one unit short",
        given = { { ["SC-200"] = 2 }, 0, 11999, 0 },
        level = nil, met = false, haves = { 2, 11999 } },
    })
  end)

  describe("silver usage path (2 certified, usage averaging 150 over 3 months)", function()
    rules.path_cases(evaluate, "usage", "silver", {
      { "is met at exactly 2 certified people and an average usage of 150",
        given = { { ["SC-300"] = 2 }, 0, 0, 450 },
        level = "silver", met = true, haves = { 2, 150 }, unmet = "revenue" },
      { "is not met with one certified person fewer",
        given = { { ["SC-300"] = 1 }, 0, 0, 450 },
        level = nil, met = false, haves = { 1, 150 } },
      { "is not met with usage one unit short in total (an average of 449/3)",
        given = { { ["SC-300"] = 2 }, 0, 0, 449 },
        level = nil, met = false, haves = { 2, 449 / 3 } },
    })

    it("averages over 3 months, counting months without a value as 0", function()
      local fx = setup(fixture.new(), "contoso", { ["SC-300"] = 2 }, 0, 0, 0)
      fx:metric("contoso", USAGE, "2026-08", 900) -- before the window
      fx:metric("contoso", USAGE, "2026-10", 450)
      local r = fx:evaluate(COMPETENCY, "contoso", AT)
      assert.are.equal("silver", r.level)
      assert.are.same({ 2, 150 }, haves(path(r, "usage", "silver")))
    end)
  end)

  describe("gold revenue path (4 certified, 1 with SC-100, 80000 revenue)", function()
    rules.path_cases(evaluate, "revenue", "gold", {
      { "is met at exactly 4 certified people, one of them SC-100, and 80000 revenue",
        given = { { ["SC-200"] = 2, ["SC-300"] = 1, ["SC-100"] = 1 }, 0, 80000, 0 },
        level = "gold", met = true, haves = { 4, 1, 80000 }, unmet = "usage" },
      { "is not met with one certified person fewer (silver remains)",
        given = { { ["SC-200"] = 2, ["SC-100"] = 1 }, 0, 80000, 0 },
        level = "silver", met = false, haves = { 3, 1, 80000 } },
      { "is not met without an SC-100 holder",
        given = { { ["SC-200"] = 4 }, 0, 80000, 0 },
        level = "silver", met = false, haves = { 4, 0, 80000 } },
      { "is not met with revenue one unit short",
        given = { { ["SC-200"] = 3, ["SC-100"] = 1 }, 0, 79999, 0 },
        level = "silver", met = false, haves = { 4, 1, 79999 } },
    })
  end)

  describe("gold usage path (4 certified, 2 passed TA-SECURITY assessments, usage averaging 600)", function()
    rules.path_cases(evaluate, "usage", "gold", {
      { "is met at exactly 4 certified people, 2 assessed and an average usage of 600",
        given = { { ["SC-200"] = 2, ["AZ-500"] = 2 }, 2, 0, 1800 },
        level = "gold", met = true, haves = { 4, 2, 600 }, unmet = "revenue" },
      { "is not met with one certified person fewer (silver remains)",
        given = { { ["SC-200"] = 3 }, 2, 0, 1800 },
        level = "silver", met = false, haves = { 3, 2, 600 } },
      { "is not met with one assessed person fewer",
        given = { { ["SC-200"] = 4 }, 1, 0, 1800 },
        level = "silver", met = false, haves = { 4, 1, 600 } },
      { "is not met with usage one unit short in total",
        given = { { ["SC-200"] = 4 }, 2, 0, 1799 },
        level = "silver", met = false, haves = { 4, 2, 1799 / 3 } },
    })
  end)

  -- Three SC-200 holders and 80000 revenue: the gold revenue path is met exactly when the
  -- SC-100 holder under test counts; without them the organisation stays silver.
  describe("what counts (gold revenue path, the SC-100 holder under test)", function()
    rules.certified_person_rules {
      competency = COMPETENCY, path = { "revenue", "gold" },
      one_short = function(fx, org) return setup(fx, org, { ["SC-200"] = 3 }, 0, 80000, 0) end,
      counted = { level = "gold", haves = { 4, 1, 80000 } },
      not_counted = { level = "silver", haves = { 3, 0, 80000 } },
      code = "SC-100", holder = "an SC-100 holder",
    }
  end)
end)
