-- policies/cloud-platform.lua evaluated by the real host (attain.testing): every path at its
-- thresholds and one short of them, and what counts as a certified person (R6-R8, R11, R15).
package.path = "tests/spec/?.lua;" .. package.path
local fixture = require "helpers.fixture"
local path, goal, haves = fixture.path, fixture.goal, fixture.haves

local COMPETENCY = "cloud-platform"
local AT = "2026-11-25T00:00:00Z" -- the 12-month window is 2025-12 .. 2026-11
local REVENUE = "azure_consumed_revenue"

-- `org` with holders of each certification in `certs` ({ ["AZ-104"] = 2 }), `assessed` people
-- with TA-CLOUD and `revenue` Azure revenue over the 12 months ending 2026-11,
-- plus a large value just outside the window, which must never count.
local function setup(fx, org, certs, assessed, revenue)
  fx:org(org)
  for _, code in ipairs { "AZ-104", "AZ-204", "AZ-305" } do
    if certs[code] then fx:certified_people(org, certs[code], code) end
  end
  if assessed > 0 then fx:assessed_people(org, assessed, "TA-CLOUD") end
  if revenue > 0 then fx:metric_total(org, REVENUE, revenue, { to = "2026-11", months = 12 }) end
  fx:metric(org, REVENUE, "2025-11", 1000000) -- outside the window: must never count
  return fx
end

local function contoso(certs, assessed, revenue)
  return setup(fixture.new(), "contoso", certs, assessed, revenue)
end

local function evaluate(certs, assessed, revenue)
  return contoso(certs, assessed, revenue):evaluate(COMPETENCY, "contoso", AT)
end

describe("cloud-platform policy", function()
  describe("silver consumption path (2 certified, 15000 revenue over 12 months)", function()
    it("is met at exactly 2 certified people and 15000 revenue", function()
      local r = evaluate({ ["AZ-104"] = 1, ["AZ-204"] = 1 }, 0, 15000)
      assert.are.equal("silver", r.level)
      local p = path(r, "consumption", "silver")
      assert.is_true(p.met)
      assert.are.same({ 2, 15000 }, haves(p))
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["AZ-104"] = 1 }, 0, 15000)
      assert.is_nil(r.level)
      local p = path(r, "consumption", "silver")
      assert.is_false(p.met)
      assert.are.same({ 1, 15000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["AZ-104"] = 2 }, 0, 14999)
      assert.is_nil(r.level)
      local p = path(r, "consumption", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 14999 }, haves(p))
    end)

  end)

  describe("silver skills path (3 certified, 2 passed TA-CLOUD assessments)", function()
    it("is met at exactly 3 certified and 2 assessed people, without revenue", function()
      local r = evaluate({ ["AZ-104"] = 3 }, 2, 0)
      assert.are.equal("silver", r.level)
      local p = path(r, "skills", "silver")
      assert.is_true(p.met)
      assert.are.same({ 3, 2 }, haves(p))
      assert.is_false(path(r, "consumption", "silver").met)
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["AZ-104"] = 2 }, 2, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 2, 2 }, haves(p))
    end)

    it("is not met with one assessed person fewer", function()
      local r = evaluate({ ["AZ-104"] = 3 }, 1, 0)
      assert.is_nil(r.level)
      local p = path(r, "skills", "silver")
      assert.is_false(p.met)
      assert.are.same({ 3, 1 }, haves(p))
    end)
  end)

  describe("gold consumption path (4 certified, 1 with AZ-305, 60000 revenue)", function()
    it("is met at exactly 4 certified people, one of them AZ-305, and 60000 revenue", function()
      local r = evaluate({ ["AZ-104"] = 2, ["AZ-204"] = 1, ["AZ-305"] = 1 }, 0, 60000)
      assert.are.equal("gold", r.level)
      local p = path(r, "consumption", "gold")
      assert.is_true(p.met)
      assert.are.same({ 4, 1, 60000 }, haves(p))
      assert.is_false(path(r, "scale", "gold").met)
    end)

    it("is not met with one certified person fewer (silver remains)", function()
      local r = evaluate({ ["AZ-104"] = 2, ["AZ-305"] = 1 }, 0, 60000)
      assert.are.equal("silver", r.level)
      local p = path(r, "consumption", "gold")
      assert.is_false(p.met)
      assert.are.same({ 3, 1, 60000 }, haves(p))
    end)

    it("is not met without an AZ-305 holder", function()
      local r = evaluate({ ["AZ-104"] = 4 }, 0, 60000)
      assert.are.equal("silver", r.level)
      local p = path(r, "consumption", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 0, 60000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["AZ-104"] = 3, ["AZ-305"] = 1 }, 0, 59999)
      assert.are.equal("silver", r.level)
      local p = path(r, "consumption", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 1, 59999 }, haves(p))
    end)
  end)

  describe("gold scale path (5 certified, 150000 revenue)", function()
    it("is met at exactly 5 certified people and 150000 revenue", function()
      local r = evaluate({ ["AZ-104"] = 5 }, 0, 150000)
      assert.are.equal("gold", r.level)
      local p = path(r, "scale", "gold")
      assert.is_true(p.met)
      assert.are.same({ 5, 150000 }, haves(p))
      assert.is_false(path(r, "consumption", "gold").met) -- no AZ-305
    end)

    it("is not met with one certified person fewer", function()
      local r = evaluate({ ["AZ-104"] = 4 }, 0, 150000)
      assert.are.equal("silver", r.level)
      local p = path(r, "scale", "gold")
      assert.is_false(p.met)
      assert.are.same({ 4, 150000 }, haves(p))
    end)

    it("is not met with revenue one unit short", function()
      local r = evaluate({ ["AZ-104"] = 5 }, 0, 149999)
      assert.are.equal("silver", r.level)
      local p = path(r, "scale", "gold")
      assert.is_false(p.met)
      assert.are.same({ 5, 149999 }, haves(p))
    end)
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
    local function one_short(fx, org)
      return setup(fx or fixture.new(), org or "contoso", { ["AZ-104"] = 1 }, 0, 15000)
    end

    local function assert_counted(r, counted)
      local p = path(r, "consumption", "silver")
      assert.are.equal(counted and "silver" or nil, r.level)
      assert.are.equal(counted, p.met)
      assert.are.equal(counted and 2 or 1, goal(p, 1).have)
    end

    it("counts a certification from exactly 24 hours after it was earned (R6)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-305", { earned = "2026-11-24T00:00:01Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false) -- 23:59:59 later
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)

      fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-305", { earned = "2026-11-24T00:00:00Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), true)
    end)

    it("counts an older certification from 24 hours after its MSA was associated (R6)", function()
      local fx = one_short()
      fx:person("contoso", "u2", { linked = "2026-11-24T00:00:01Z" })
      fx:certify("u2", "AZ-104", { earned = "2024-05-01" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T00:00:01Z"), true)
    end)

    it("stops counting a departed person's certification from the time they left (R8)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-104")
      fx:leave("u2", "2026-11-20T00:00:00Z")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("stops counting a certification when it expires (R11)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-104", { expires = "2026-11-20T00:00:00Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-19T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-20T00:00:00Z"), false)
    end)

    it("moves a certification with its MSA to another organisation (R7)", function()
      local fx = one_short()
      fx:person("contoso", "u2")
      fx:certify("u2", "AZ-104")
      one_short(fx, "fabrikam")
      fx:person("fabrikam", "v1")
      fx:move_msa("u2", "v1", "2026-11-10T12:00:00Z")
      -- the old organisation loses it at the move
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T11:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-10T12:00:00Z"), false)
      -- the new one gains it 24 hours later
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T11:59:59Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "fabrikam", "2026-11-11T12:00:00Z"), true)
    end)

    it("counts an override like a certified person while it is in force (R15)", function()
      local fx = one_short()
      fx:override("contoso", COMPETENCY, "AZ-305", 1, "2026-11-26T00:00:00Z",
                  { from = "2026-11-24T00:00:00Z" })
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-23T23:59:59Z"), false)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-24T00:00:00Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-25T23:59:59Z"), true)
      assert_counted(fx:evaluate(COMPETENCY, "contoso", "2026-11-26T00:00:00Z"), false)
    end)

    it("ignores overrides for another competency or for a code outside the goal", function()
      local fx = one_short()
      fx:override("contoso", "security", "AZ-305", 1, "2027-01-01")
      fx:override("contoso", COMPETENCY, "SC-100", 1, "2027-01-01")
      assert_counted(fx:evaluate(COMPETENCY, "contoso", AT), false)
    end)
  end)
end)
