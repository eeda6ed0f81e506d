-- policies/devops.lua evaluated by the real host (attain.testing): every path at its thresholds
-- and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "tests/spec/?.lua;" .. package.path
local fixture = require "helpers.fixture"
local path, goal, haves = fixture.path, fixture.goal, fixture.haves

local COMPETENCY = "devops"
local AT = "2026-11-25T00:00:00Z" -- the 12-month window is 2025-12 .. 2026-11
local REVENUE = "devops_revenue"

-- `org` with holders of each certification in `certs` ({ ["AZ-400"] = 2 }), `assessed` people
-- with TA-DEVOPS and `revenue` over the 12 months ending 2026-11,
-- plus a large value just outside the window, which must never count.
local function setup(fx, org, certs, assessed, revenue)
  fx:org(org)
  for _, code in ipairs { "AZ-400", "AZ-104", "AZ-204" } do
    if certs[code] then fx:certified_people(org, certs[code], code) end
  end
  if assessed > 0 then fx:assessed_people(org, assessed, "TA-DEVOPS") end
  if revenue > 0 then fx:metric_total(org, REVENUE, revenue, { to = "2026-11", months = 12 }) end
  fx:metric(org, REVENUE, "2025-11", 1000000) -- outside the window: must never count
  return fx
end

local function evaluate(certs, assessed, revenue)
  return setup(fixture.new(), "contoso", certs, assessed, revenue):evaluate(COMPETENCY, "contoso", AT)
end

describe("devops policy", function()
  describe("silver revenue path (2 certified, 10000 revenue over 12 months)", function()
    it("is met at exactly 2 certified people and 10000 revenue", function()
      local r = evaluate({ ["AZ-104"] = 1, ["AZ-204"] = 1 }, 0, 10000)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 10000 }, haves(p))
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["AZ-104"] = 1 }, 0, 10000)
      assert.is_nil(r.level)
      local p = path(r, "revenue", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 10000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["AZ-104"] = 2 }, 0, 9999)
      assert.is_nil(r.level)
      local p = path(r, "revenue", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 9999 }, haves(p))
    end)
  end)

  describe("silver skills path (1 AZ-400 holder, 3 passed TA-DEVOPS assessments)", function()
    it("is met at exactly 1 AZ-400 holder and 3 assessed people, without revenue", function()
      local r = evaluate({ ["AZ-400"] = 1 }, 3, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "skills", "silver")
      assert.is_true(p.met)
      assert.are.same({ 1, 3 }, haves(p))
    end)

    it("is not met when the certified person holds another DevOps code than AZ-400", function()
      local r = evaluate({ ["AZ-104"] = 1 }, 3, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 0, 3 }, haves(p))
    end)

    it("is not met with one assessed person fewer", function()
      local r = evaluate({ ["AZ-400"] = 1 }, 2, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 2 }, haves(p))
    end)
  end)

  describe("gold revenue path (4 certified, 2 of them AZ-400, 40000 revenue)", function()
    it("is met at exactly 4 certified people, 2 with AZ-400, and 40000 revenue", function()
      local r = evaluate({ ["AZ-400"] = 2, ["AZ-104"] = 1, ["AZ-204"] = 1 }, 0, 40000)
      assert.are.equal("gold", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_true(p.met)
      assert.are.same({ 4, 2, 40000 }, haves(p))
    end)

    it("is not met with one certified person fewer (silver remains)", function()
      local r = evaluate({ ["AZ-400"] = 2, ["AZ-104"] = 1 }, 0, 40000)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 3, 2, 40000 }, haves(p))
    end)

    it("is not met with one AZ-400 holder fewer", function()
      local r = evaluate({ ["AZ-400"] = 1, ["AZ-104"] = 3 }, 0, 40000)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 1, 40000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["AZ-400"] = 2, ["AZ-104"] = 2 }, 0, 39999)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 2, 39999 }, haves(p))
    end)
  end)

  -- Three passed assessments and no revenue: the silver skills path is met exactly when the
  -- AZ-400 holder under test counts.
  describe("what counts (silver skills path, the AZ-400 holder under test)", function()
    local function one_short(fx, org)
      return setup(fx or fixture.new(), org or "contoso", {}, 3, 0)
    end

    local function assert_counted(r, counted)
      local p = path(r, "skills", "silver")
      assert.are.equal(counted and "silver" or nil, r.level)
      assert.are.equal(counted, p.met)
      assert.are.equal(counted and 1 or 0, goal(p, 1).have)
    end

    it("counts a certification from exactly 24 hours after it was earned (R6)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-400", { earned = "2026-11-24T00:00:01Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)
    end)

    it("stops counting a departed person's certification from the time they left (R8)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-400")
      fx:leave("u2", "2026-11-20T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("stops counting a certification when it expires (R11)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-400", { expires = "2026-11-20T00:00:00Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("moves a certification with its MSA to another organisation (R7)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-400")
      one_short(fx, "fabrikam")
      fx:person("fabrikam", "v1")
      fx:move_msa("u2", "v1", "2026-11-10T12:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T11:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T12:00:00Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T11:59:59Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T12:00:00Z"), true)
    end)

    it("counts an override like an AZ-400 holder while it is in force, not from its until (R15)", function()
      local fx = one_short()
      fx:override("contoso", COMPETENCY, "AZ-400", 1, "2026-11-26T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-26T00:00:00Z"), false)
    end)
  end)
end)
