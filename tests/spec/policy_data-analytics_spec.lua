-- policies/data-analytics.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "tests/spec/?.lua;" .. package.path
local fixture = require "helpers.fixture"
local path, haves = fixture.path, fixture.haves

local COMPETENCY = "data-analytics"
local AT = "2026-11-25T00:00:00Z" -- the 12-month window is 2025-12 .. 2026-11
local REVENUE = "data_analytics_revenue"

-- `org` with holders of each certification in `certs` ({ ["PL-300"] = 2 }), `assessed` people
-- with TA-DATA and `revenue` over the 12 months ending 2026-11,
-- plus a large value just outside the window, which must never count.
local function setup(fx, org, certs, assessed, revenue)
  fx:org(org)
  for _, code in ipairs { "DP-203", "DP-100", "PL-300" } do
    if certs[code] then fx:certified_people(org, certs[code], code) end
  end
  if assessed > 0 then fx:assessed_people(org, assessed, "TA-DATA") end
  if revenue > 0 then fx:metric_total(org, REVENUE, revenue, { to = "2026-11", months = 12 }) end
  fx:metric(org, REVENUE, "2025-11", 1000000) -- outside the window: must never count
  return fx
end

local function evaluate(certs, assessed, revenue)
  return setup(fixture.new(), "contoso", certs, assessed, revenue):evaluate(COMPETENCY, "contoso", AT)
end

describe("data-analytics policy", function()
  describe("silver revenue path (2 certified, 10000 revenue over 12 months)", function()
    it("is met at exactly 2 certified people and 10000 revenue", function()
      local r = evaluate({ ["PL-300"] = 1, ["DP-100"] = 1 }, 0, 10000)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 10000 }, haves(p))
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["PL-300"] = 1 }, 0, 10000)
      assert.is_nil(r.level)
      local p = path(r, "revenue", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 10000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["PL-300"] = 2 }, 0, 9999)
      assert.is_nil(r.level)
      local p = path(r, "revenue", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 9999 }, haves(p))
    end)
  end)

  describe("silver skills path (3 certified, 2 passed TA-DATA assessments)", function()
    it("is met at exactly 3 certified and 2 assessed people, without revenue", function()
      local r = evaluate({ ["PL-300"] = 3 }, 2, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "skills", "silver")
      assert.is_true(p.met)
      assert.are.same({ 3, 2 }, haves(p))
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["PL-300"] = 2 }, 2, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 2 }, haves(p))
    end)

    it("is not met with one assessed person fewer", function()
      local r = evaluate({ ["PL-300"] = 3 }, 1, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 3, 1 }, haves(p))
    end)
  end)

  describe("gold revenue path (4 certified, a data engineer or scientist, 50000 revenue)", function()
    it("is met at exactly 4 certified people, one a data engineer (DP-203), and 50000 revenue", function()
      local r = evaluate({ ["PL-300"] = 3, ["DP-203"] = 1 }, 0, 50000)
      assert.are.equal("gold", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_true(p.met)
      assert.are.same({ 4, 1, 50000 }, haves(p))
    end)

    it("is met with a data scientist (DP-100) instead", function()
      local r = evaluate({ ["PL-300"] = 3, ["DP-100"] = 1 }, 0, 50000)
      assert.are.equal("gold", r.level)
      assert.are.same({ 4, 1, 50000 }, haves(path(r, "revenue", "gold")))
    end)

    it("counts the alternatives met: both a data engineer and a data scientist make 2", function()
      local r = evaluate({ ["PL-300"] = 2, ["DP-203"] = 1, ["DP-100"] = 1 }, 0, 50000)
      assert.are.equal("gold", r.level)
      assert.are.same({ 4, 2, 50000 }, haves(path(r, "revenue", "gold")))
    end)

    it("is not met with one certified person fewer (silver remains)", function()
      local r = evaluate({ ["PL-300"] = 2, ["DP-203"] = 1 }, 0, 50000)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 3, 1, 50000 }, haves(p))
    end)

    it("is not met without a data engineer or data scientist", function()
      local r = evaluate({ ["PL-300"] = 4 }, 0, 50000)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 0, 50000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["PL-300"] = 3, ["DP-203"] = 1 }, 0, 49999)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 1, 49999 }, haves(p))
    end)
  end)

  -- Three PL-300 holders and 50000 revenue: the gold path is met exactly when the data engineer
  -- (DP-203) under test counts; without them the organisation stays silver.
  describe("what counts (gold revenue path, the data engineer under test)", function()
    local function one_short(fx, org)
      return setup(fx or fixture.new(), org or "contoso", { ["PL-300"] = 3 }, 0, 50000)
    end

    local function assert_counted(r, counted)
      local p = path(r, "revenue", "gold")
      assert.are.equal(counted and "gold" or "silver", r.level)
      assert.are.equal(counted, p.met)
      assert.are.same({ counted and 4 or 3, counted and 1 or 0, 50000 }, haves(p))
    end

    it("counts a certification from exactly 24 hours after it was earned (R6)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "DP-203", { earned = "2026-11-24T00:00:01Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)
    end)

    it("stops counting a departed person's certification from the time they left (R8)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "DP-203")
      fx:leave("u2", "2026-11-20T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("stops counting a certification when it expires (R11)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "DP-203", { expires = "2026-11-20T00:00:00Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("moves a certification with its MSA to another organisation (R7)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "DP-203")
      one_short(fx, "fabrikam")
      fx:person("fabrikam", "v1")
      fx:move_msa("u2", "v1", "2026-11-10T12:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T11:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T12:00:00Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T11:59:59Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T12:00:00Z"), true)
    end)

    it("counts an override like a data engineer while it is in force, not from its until (R15)", function()
      local fx = one_short()
      fx:override("contoso", COMPETENCY, "DP-203", 1, "2026-11-26T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-26T00:00:00Z"), false)
    end)
  end)
end)
