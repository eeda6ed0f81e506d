-- The rules that decide whether a certified person counts (R6-R8, R11, R15), written once
-- as busted `it` blocks in the enclosing `describe` (`rules.certified_person_rules`);
-- helpers/scenarios.lua runs them on one path of every policy. Every scenario evaluates
-- around rules.AT; the policy specs use it as their evaluation time.
local busted = require "busted" -- `it` and `assert` are not globals of a required module
local fixture = require "attain.fixture"
local it, assert = busted.it, busted.assert
local path, haves = fixture.path, fixture.haves

local rules = {}

rules.AT = "2026-11-25T00:00:00Z"
local AT = rules.AT

-- The rules that decide whether one certified person ("u2" of "contoso") counts, each as an `it`:
-- 24 hours after earning or after the MSA was associated (R6), until they leave (R8; again once
-- the departure is cleared), until the certification expires (R11), moving with the MSA (R7),
-- and an override in force counting like the person (R15).
--
--   spec.competency   the competency evaluated
--   spec.path         { id, level }: the path that depends on the person under test
--   spec.one_short    function(fx, org): sets up `org` in `fx` so that the path is met exactly
--                     when the person under test counts; returns fx
--   spec.counted      { level =, haves = }: the result when they count (the path is met)
--   spec.not_counted  { level =, haves = }: the result when they do not (the path is not met)
--   spec.code         the certification of the person under test (and the override's code)
--   spec.codes        optional, per scenario: { earned =, linked =, left =, returned =,
--                     expired =, moved =, override = } another code than spec.code
--   spec.holder       what an override stands for, for the names ("an SC-100 holder")
--   spec.new          optional: the fixture constructor (default fixture.new)
--
-- Returns `one_short(fx?, org?)` (defaults: a new fixture, "contoso") and
-- `assert_counted(r, counted)`, for the policy's own cases.
function rules.certified_person_rules(spec)
  local competency = spec.competency
  local id, level = spec.path[1], spec.path[2]

  local function code(scenario) return spec.codes and spec.codes[scenario] or spec.code end

  local new = spec.new or fixture.new

  local function one_short(fx, org)
    return spec.one_short(fx or new(), org or "contoso")
  end

  local function assert_counted(r, counted)
    local expected = counted and spec.counted or spec.not_counted
    local p = path(r, id, level)
    assert.are.equal(expected.level, r.level)
    assert.are.equal(counted, p.met)
    assert.are.same(expected.haves, haves(p))
  end

  -- asserts whether the person under test counts for `org` (default "contoso") at `at`
  local function counts_at(fx, at, counted, org)
    assert_counted(fx:evaluate(competency, org or "contoso", at), counted)
  end

  -- one_short() plus "u2" holding the scenario's code (opts as for fixture certify)
  local function with_holder(scenario, opts)
    local fx = one_short()
    fx:person("contoso", "u2")
    fx:certify("u2", code(scenario), opts)
    return fx
  end

  it("counts a certification from exactly 24 hours after it was earned (R6)", function()
    local fx = with_holder("earned", { earned = "2026-11-24T00:00:01Z" })
    counts_at(fx, AT, false) -- 23:59:59 later
    counts_at(fx, "2026-11-25T00:00:01Z", true)

    fx = with_holder("earned", { earned = "2026-11-24T00:00:00Z" })
    counts_at(fx, AT, true)
  end)

  it("counts an older certification from 24 hours after its MSA was associated (R6)", function()
    local fx = one_short()
    fx:person("contoso", "u2", { linked = "2026-11-24T00:00:01Z" })
    fx:certify("u2", code("linked"), { earned = "2024-05-01" })
    counts_at(fx, AT, false)
    counts_at(fx, "2026-11-25T00:00:01Z", true)
  end)

  it("stops counting a departed person's certification from the time they left (R8)", function()
    local fx = with_holder("left")
    fx:leave("u2", "2026-11-20T00:00:00Z")
    counts_at(fx, "2026-11-19T23:59:59Z", true)
    counts_at(fx, "2026-11-20T00:00:00Z", false)
  end)

  it("counts a returning person again once their departure is cleared", function()
    local fx = with_holder("returned")
    fx:leave("u2", "2026-11-20T00:00:00Z")
    counts_at(fx, AT, false)
    fx:leave("u2", fixture.null)
    counts_at(fx, AT, true)
  end)

  it("stops counting a certification when it expires (R11)", function()
    local fx = with_holder("expired", { expires = "2026-11-20T00:00:00Z" })
    counts_at(fx, "2026-11-19T23:59:59Z", true)
    counts_at(fx, "2026-11-20T00:00:00Z", false)
  end)

  it("moves a certification with its MSA to another organisation (R7)", function()
    local fx = with_holder("moved")
    one_short(fx, "fabrikam")
    fx:person("fabrikam", "v1")
    fx:move_msa("u2", "v1", "2026-11-10T12:00:00Z")
    -- the old organisation loses it at the move
    counts_at(fx, "2026-11-10T11:59:59Z", true)
    counts_at(fx, "2026-11-10T12:00:00Z", false)
    -- the new one gains it 24 hours later
    counts_at(fx, "2026-11-11T11:59:59Z", false, "fabrikam")
    counts_at(fx, "2026-11-11T12:00:00Z", true, "fabrikam")
  end)

  it("counts an override like " .. spec.holder .. " while it is in force, not from its until (R15)", function()
    local fx = one_short()
    fx:override("contoso", competency, code("override"), 1, "2026-11-26T00:00:00Z")
    counts_at(fx, AT, true)
    counts_at(fx, "2026-11-26T00:00:00Z", false)
  end)

  it("counts an override like " .. spec.holder .. " from its from, not before (R15)", function()
    local fx = one_short()
    fx:override("contoso", competency, code("override"), 1, "2026-11-26T00:00:00Z",
                { from = "2026-11-24T00:00:00Z" })
    counts_at(fx, "2026-11-23T23:59:59Z", false)
    counts_at(fx, "2026-11-24T00:00:00Z", true)
    counts_at(fx, "2026-11-25T23:59:59Z", true)
    counts_at(fx, "2026-11-26T00:00:00Z", false)
  end)

  return one_short, assert_counted
end

return rules
