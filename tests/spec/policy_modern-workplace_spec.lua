-- policies/modern-workplace.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "tests/spec/?.lua;" .. package.path
local fixture = require "helpers.fixture"
local path, goal, haves = fixture.path, fixture.goal, fixture.haves

local COMPETENCY = "modern-workplace"
local AT = "2026-11-25T00:00:00Z" -- the 3-month usage window is 2026-09 .. 2026-11
local SEATS, USAGE = "m365_deployed_seats", "m365_active_usage"

-- `org` with holders of each certification in `certs` ({ ["MS-102"] = 2 }), `assessed` people
-- with TA-MODERN-WORK, `seats` deployed in 2026-11 and `usage` in total over 2026-09 .. 2026-11,
-- plus a large value just outside the window, which must never count.
local function setup(fx, org, certs, assessed, seats, usage)
  fx:org(org)
  for _, code in ipairs { "MS-102", "MD-102", "MS-700", "SC-300" } do
    if certs[code] then fx:certified_people(org, certs[code], code) end
  end
  if assessed > 0 then fx:assessed_people(org, assessed, "TA-MODERN-WORK") end
  if seats > 0 then fx:metric(org, SEATS, "2026-11", seats) end
  if usage > 0 then fx:metric_total(org, USAGE, usage, { to = "2026-11", months = 3 }) end
  fx:metric(org, USAGE, "2026-08", 1000000) -- outside the window: must never count
  fx:metric(org, SEATS, "2026-12", 1000000) -- outside the window: must never count
  return fx
end

local function evaluate(certs, assessed, seats, usage)
  return setup(fixture.new(), "contoso", certs, assessed, seats, usage):evaluate(COMPETENCY, "contoso", AT)
end

describe("modern-workplace policy", function()
  describe("silver seats path (2 certified, 200 deployed seats in the latest month)", function()
    it("is met at exactly 2 certified people and 200 seats", function()
      local r = evaluate({ ["MS-102"] = 1, ["SC-300"] = 1 }, 0, 200, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "seats", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 200 }, haves(p))
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["MS-102"] = 1 }, 0, 200, 0)
      assert.is_nil(r.level)
      local p = path(r, "seats", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 200 }, haves(p))
    end)

    it("is not met with one seat fewer", function()
      local r = evaluate({ ["MD-102"] = 2 }, 0, 199, 0)
      assert.is_nil(r.level)
      local p = path(r, "seats", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 199 }, haves(p))
    end)

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
    it("is met at exactly 2 certified people, 1 assessed and an average usage of 150", function()
      local r = evaluate({ ["MS-700"] = 2 }, 1, 0, 450)
      assert.are.equal("silver", r.level)
      local p = path(r, "usage", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 1, 150 }, haves(p))
      assert.is_false(path(r, "seats", "silver").met)
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["MS-700"] = 1 }, 1, 0, 450)
      assert.is_nil(r.level)
      local p = path(r, "usage", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 1, 150 }, haves(p))
    end)

    it("is not met without a passed assessment", function()
      local r = evaluate({ ["MS-700"] = 2 }, 0, 0, 450)
      assert.is_nil(r.level)
      local p = path(r, "usage", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 0, 150 }, haves(p))
    end)

    it("is not met with usage one unit short in total (an average of 449/3)", function()
      local r = evaluate({ ["MS-700"] = 2 }, 1, 0, 449)
      assert.is_nil(r.level)
      local p = path(r, "usage", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 1, 449 / 3 }, haves(p))
    end)
  end)

  describe("gold seats path (5 certified, 800 seats, usage averaging 400)", function()
    it("is met at exactly 5 certified people, 800 seats and an average usage of 400", function()
      local r = evaluate({ ["MS-102"] = 2, ["MD-102"] = 1, ["MS-700"] = 1, ["SC-300"] = 1 }, 0, 800, 1200)
      assert.are.equal("gold", r.level)
      local p = path(r, "seats", "gold")
      assert.is_true(p.met)
      assert.are.same({ 5, 800, 400 }, haves(p))
    end)

    it("is not met with one certified person fewer (silver remains)", function()
      local r = evaluate({ ["MS-102"] = 4 }, 0, 800, 1200)
      assert.are.equal("silver", r.level)
      local p = path(r, "seats", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 800, 400 }, haves(p))
    end)

    it("is not met with one seat fewer", function()
      local r = evaluate({ ["MS-102"] = 5 }, 0, 799, 1200)
      assert.are.equal("silver", r.level)
      local p = path(r, "seats", "gold")
      assert.is_false(p.met)
      assert.are.same({ 5, 799, 400 }, haves(p))
    end)

    it("is not met with usage one unit short in total", function()
      local r = evaluate({ ["MS-102"] = 5 }, 0, 800, 1199)
      assert.are.equal("silver", r.level)
      local p = path(r, "seats", "gold")
      assert.is_false(p.met)
      assert.are.same({ 5, 800, 1199 / 3 }, haves(p))
    end)
  end)

  -- One long-certified person and 200 seats: the silver seats path is met exactly when the
  -- second person under test counts.
  describe("what counts (silver seats path, one person short without the one under test)", function()
    local function one_short(fx, org)
      return setup(fx or fixture.new(), org or "contoso", { ["MS-102"] = 1 }, 0, 200, 0)
    end

    local function assert_counted(r, counted)
      local p = path(r, "seats", "silver")
      assert.are.equal(counted and "silver" or nil, r.level)
      assert.are.equal(counted, p.met)
      assert.are.equal(counted and 2 or 1, goal(p, 1).have)
    end

    it("counts a certification from exactly 24 hours after it was earned (R6)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-300", { earned = "2026-11-24T00:00:01Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)
    end)

    it("stops counting a departed person's certification from the time they left (R8)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-300")
      fx:leave("u2", "2026-11-20T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("stops counting a certification when it expires (R11)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-300", { expires = "2026-11-20T00:00:00Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("moves a certification with its MSA to another organisation (R7)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "SC-300")
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
      fx:override("contoso", COMPETENCY, "MS-102", 1, "2026-11-26T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-26T00:00:00Z"), false)
    end)
  end)
end)
