-- policies/application-development.lua evaluated by the real host (attain.testing): every path
-- at its thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "tests/spec/?.lua;" .. package.path
local fixture = require "helpers.fixture"
local path, goal, haves = fixture.path, fixture.goal, fixture.haves

local COMPETENCY = "application-development"
local AT = "2026-11-25T00:00:00Z" -- the 12-month window is 2025-12 .. 2026-11
local CUSTOMERS = "appdev_new_customers"

-- `org` with holders of each certification in `certs` ({ ["AZ-204"] = 2 }), `assessed` people
-- with TA-APPDEV and `customers` new customers over the 12 months ending 2026-11,
-- plus a large value just outside the window, which must never count.
local function setup(fx, org, certs, assessed, customers)
  fx:org(org)
  for _, code in ipairs { "AZ-204", "PL-400", "AZ-400" } do
    if certs[code] then fx:certified_people(org, certs[code], code) end
  end
  if assessed > 0 then fx:assessed_people(org, assessed, "TA-APPDEV") end
  if customers > 0 then fx:metric_total(org, CUSTOMERS, customers, { to = "2026-11", months = 12 }) end
  fx:metric(org, CUSTOMERS, "2025-11", 1000000) -- outside the window: must never count
  return fx
end

local function evaluate(certs, assessed, customers)
  return setup(fixture.new(), "contoso", certs, assessed, customers):evaluate(COMPETENCY, "contoso", AT)
end

describe("application-development policy", function()
  describe("silver customers path (2 certified, 5 new customers over 12 months)", function()
    it("is met at exactly 2 certified people and 5 new customers", function()
      local r = evaluate({ ["AZ-204"] = 1, ["PL-400"] = 1 }, 0, 5)
      assert.are.equal("silver", r.level)
      local p = path(r, "customers", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 5 }, haves(p))
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["AZ-204"] = 1 }, 0, 5)
      assert.is_nil(r.level)
      local p = path(r, "customers", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 5 }, haves(p))
    end)

    it("is not met with one new customer fewer", function()
      local r = evaluate({ ["AZ-400"] = 2 }, 0, 4)
      assert.is_nil(r.level)
      local p = path(r, "customers", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 4 }, haves(p))
    end)

  end)

  describe("silver skills path (2 certified, 3 passed TA-APPDEV assessments)", function()
    it("is met at exactly 2 certified and 3 assessed people, without customers", function()
      local r = evaluate({ ["PL-400"] = 2 }, 3, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "skills", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 3 }, haves(p))
      assert.is_false(path(r, "customers", "silver").met)
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["PL-400"] = 1 }, 3, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 3 }, haves(p))
    end)

    it("is not met with one assessed person fewer", function()
      local r = evaluate({ ["PL-400"] = 2 }, 2, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 2 }, haves(p))
    end)
  end)

  describe("gold customers path (4 certified, 20 new customers)", function()
    it("is met at exactly 4 certified people and 20 new customers", function()
      local r = evaluate({ ["AZ-204"] = 2, ["PL-400"] = 1, ["AZ-400"] = 1 }, 0, 20)
      assert.are.equal("gold", r.level)
      local p = path(r, "customers", "gold")
      assert.is_true(p.met)
      assert.are.same({ 4, 20 }, haves(p))
    end)

    it("is not met with one certified person fewer (silver remains)", function()
      local r = evaluate({ ["AZ-204"] = 3 }, 0, 20)
      assert.are.equal("silver", r.level)
      local p = path(r, "customers", "gold")
      assert.is_false(p.met)
      assert.are.same({ 3, 20 }, haves(p))
    end)

    it("is not met with one new customer fewer", function()
      local r = evaluate({ ["AZ-204"] = 4 }, 0, 19)
      assert.are.equal("silver", r.level)
      local p = path(r, "customers", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 19 }, haves(p))
    end)
  end)

  -- One long-certified person and 5 new customers: the silver customers path is met exactly
  -- when the second person under test counts.
  describe("what counts (silver customers path, one person short without the one under test)", function()
    local function one_short(fx, org)
      return setup(fx or fixture.new(), org or "contoso", { ["AZ-204"] = 1 }, 0, 5)
    end

    local function assert_counted(r, counted)
      local p = path(r, "customers", "silver")
      assert.are.equal(counted and "silver" or nil, r.level)
      assert.are.equal(counted, p.met)
      assert.are.equal(counted and 2 or 1, goal(p, 1).have)
    end

    it("counts a certification from exactly 24 hours after it was earned (R6)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "PL-400", { earned = "2026-11-24T00:00:01Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)
    end)

    it("stops counting a departed person's certification from the time they left (R8)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "PL-400")
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

    it("counts an override like a certified person while it is in force, not from its until (R15)", function()
      local fx = one_short()
      fx:override("contoso", COMPETENCY, "PL-400", 1, "2026-11-26T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-26T00:00:00Z"), false)
    end)
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
