-- policies/security.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "tests/spec/?.lua;" .. package.path
local fixture = require "helpers.fixture"
local path, haves = fixture.path, fixture.haves

local COMPETENCY = "security"
local AT = "2026-11-25T00:00:00Z" -- windows: 2025-12 .. 2026-11 (12 months), 2026-09 .. 2026-11 (3)
local REVENUE, USAGE = "security_revenue", "security_active_usage"

-- `org` with holders of each certification in `certs` ({ ["SC-200"] = 2 }), `assessed` people
-- with TA-SECURITY, `revenue` over 12 months and `usage` in total over 3 months ending 2026-11,
-- plus a large value just outside the window, which must never count.
local function setup(fx, org, certs, assessed, revenue, usage)
  fx:org(org)
  for _, code in ipairs { "SC-200", "SC-300", "SC-100", "AZ-500" } do
    if certs[code] then fx:certified_people(org, certs[code], code) end
  end
  if assessed > 0 then fx:assessed_people(org, assessed, "TA-SECURITY") end
  if revenue > 0 then fx:metric_total(org, REVENUE, revenue, { to = "2026-11", months = 12 }) end
  if usage > 0 then fx:metric_total(org, USAGE, usage, { to = "2026-11", months = 3 }) end
  fx:metric(org, REVENUE, "2025-11", 1000000) -- outside the window: must never count
  fx:metric(org, USAGE, "2026-08", 1000000) -- outside the window: must never count
  return fx
end

local function evaluate(certs, assessed, revenue, usage)
  return setup(fixture.new(), "contoso", certs, assessed, revenue, usage):evaluate(COMPETENCY, "contoso", AT)
end

describe("security policy", function()
  describe("silver revenue path (2 certified, 12000 revenue over 12 months)", function()
    it("is met at exactly 2 certified people and 12000 revenue", function()
      local r = evaluate({ ["SC-200"] = 1, ["AZ-500"] = 1 }, 0, 12000, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 12000 }, haves(p))
      assert.is_false(path(r, "usage", "silver").met)
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["SC-200"] = 1 }, 0, 12000, 0)
      assert.is_nil(r.level)
      local p = path(r, "revenue", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 12000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["SC-200"] = 2 }, 0, 11999, 0)
      assert.is_nil(r.level)
      local p = path(r, "revenue", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 11999 }, haves(p))
    end)
  end)

  describe("silver usage path (2 certified, usage averaging 150 over 3 months)", function()
    it("is met at exactly 2 certified people and an average usage of 150", function()
      local r = evaluate({ ["SC-300"] = 2 }, 0, 0, 450)
      assert.are.equal("silver", r.level)
      local p = path(r, "usage", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 150 }, haves(p))
      assert.is_false(path(r, "revenue", "silver").met)
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["SC-300"] = 1 }, 0, 0, 450)
      assert.is_nil(r.level)
      local p = path(r, "usage", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 150 }, haves(p))
    end)

    it("is not met with usage one unit short in total (an average of 449/3)", function()
      local r = evaluate({ ["SC-300"] = 2 }, 0, 0, 449)
      assert.is_nil(r.level)
      local p = path(r, "usage", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 449 / 3 }, haves(p))
    end)

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
    it("is met at exactly 4 certified people, one of them SC-100, and 80000 revenue", function()
      local r = evaluate({ ["SC-200"] = 2, ["SC-300"] = 1, ["SC-100"] = 1 }, 0, 80000, 0)
      assert.are.equal("gold", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_true(p.met)
      assert.are.same({ 4, 1, 80000 }, haves(p))
      assert.is_false(path(r, "usage", "gold").met)
    end)

    it("is not met with one certified person fewer (silver remains)", function()
      local r = evaluate({ ["SC-200"] = 2, ["SC-100"] = 1 }, 0, 80000, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 3, 1, 80000 }, haves(p))
    end)

    it("is not met without an SC-100 holder", function()
      local r = evaluate({ ["SC-200"] = 4 }, 0, 80000, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 0, 80000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["SC-200"] = 3, ["SC-100"] = 1 }, 0, 79999, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "revenue", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 1, 79999 }, haves(p))
    end)
  end)

  describe("gold usage path (4 certified, 2 passed TA-SECURITY assessments, usage averaging 600)", function()
    it("is met at exactly 4 certified people, 2 assessed and an average usage of 600", function()
      local r = evaluate({ ["SC-200"] = 2, ["AZ-500"] = 2 }, 2, 0, 1800)
      assert.are.equal("gold", r.level)
      local p = path(r, "usage", "gold")
      assert.is_true(p.met)
      assert.are.same({ 4, 2, 600 }, haves(p))
      assert.is_false(path(r, "revenue", "gold").met)
    end)

    it("is not met with one certified person fewer (silver remains)", function()
      local r = evaluate({ ["SC-200"] = 3 }, 2, 0, 1800)
      assert.are.equal("silver", r.level)
      local p = path(r, "usage", "gold")
      assert.is_false(p.met)
      assert.are.same({ 3, 2, 600 }, haves(p))
    end)

    it("is not met with one assessed person fewer", function()
      local r = evaluate({ ["SC-200"] = 4 }, 1, 0, 1800)
      assert.are.equal("silver", r.level)
      local p = path(r, "usage", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 1, 600 }, haves(p))
    end)

    it("is not met with usage one unit short in total", function()
      local r = evaluate({ ["SC-200"] = 4 }, 2, 0, 1799)
      assert.are.equal("silver", r.level)
      local p = path(r, "usage", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 2, 1799 / 3 }, haves(p))
    end)
  end)

  -- Three SC-200 holders and 80000 revenue: the gold revenue path is met exactly when the
  -- SC-100 holder under test counts; without them the organisation stays silver.
  describe("what counts (gold revenue path, the SC-100 holder under test)", function()
    local function one_short(fx, org)
      return setup(fx or fixture.new(), org or "contoso", { ["SC-200"] = 3 }, 0, 80000, 0)
    end

    local function assert_counted(r, counted)
      local p = path(r, "revenue", "gold")
      assert.are.equal(counted and "gold" or "silver", r.level)
      assert.are.equal(counted, p.met)
      assert.are.same({ counted and 4 or 3, counted and 1 or 0, 80000 }, haves(p))
    end

    it("counts a certification from exactly 24 hours after it was earned (R6)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-100", { earned = "2026-11-24T00:00:01Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)
    end)

    it("stops counting a departed person's certification from the time they left (R8)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-100")
      fx:leave("u2", "2026-11-20T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("counts a returning person again once their departure is cleared", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-100")
      fx:leave("u2", "2026-11-20T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
      fx:leave("u2", fixture.null)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), true)
    end)

    it("stops counting a certification when it expires (R11)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-100", { expires = "2026-11-20T00:00:00Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("moves a certification with its MSA to another organisation (R7)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-100")
      one_short(fx, "fabrikam")
      fx:person("fabrikam", "v1")
      fx:move_msa("u2", "v1", "2026-11-10T12:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T11:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T12:00:00Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T11:59:59Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T12:00:00Z"), true)
    end)

    it("counts an override like an SC-100 holder while it is in force, not from its until (R15)", function()
      local fx = one_short()
      fx:override("contoso", COMPETENCY, "SC-100", 1, "2026-11-26T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-26T00:00:00Z"), false)
    end)
  end)
end)
