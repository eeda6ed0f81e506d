package.path = "stdlib/?.lua;stdlib/?/init.lua;tests/spec/?.lua;" .. package.path

local a = require "attain"
local fake = require "helpers.fake_org"

describe("attain (the module policies require)", function()
  it("exports the policy author's API", function()
    for _, name in ipairs { "competency", "path", "certified", "assessed", "performance", "revenue",
                            "usage", "seats", "customers", "all", "any", "goal", "evaluate", "explain",
                            "membership_end", "is_competency", "is_path", "is_goal" } do
      assert.is_function(a[name], name)
    end
    assert.is_function(a.renewal.year_end)
    assert.is_function(a.renewal.anniversary)
    assert.is_function(a.time.parse)
  end)

  it("is the same module as its parts", function()
    assert.are.equal(require "attain.time", a.time)
    assert.are.equal(require "attain.renewal", a.renewal)
    assert.are.equal((require "attain.goals").certified, a.certified)
  end)

  it("runs the DESIGN.md example end to end", function()
    local c = a.competency {
      id = "cloud-platform", name = "Cloud Platform",
      paths = {
        a.path { id = "consumption", level = "silver",
          a.certified { people = 2, codes = { "AZ-104", "AZ-204", "AZ-305" } },
          a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 15000 } },
        a.path { id = "consumption", level = "gold",
          a.certified { people = 4, codes = { "AZ-104", "AZ-204", "AZ-305" } },
          a.revenue { metric = "azure_consumed_revenue", months = 12, at_least = 60000 } },
      },
    }
    local org = fake.new { now = "2026-11-25", holdings = fake.people(2, "AZ-104"),
      metrics = { azure_consumed_revenue = { ["2026-01"] = 1500, ["2026-06"] = 20000 } } }
    local r = a.evaluate(c, org)
    assert.are.equal("silver", r.level)
    assert.are.same({ kind = "certified", label = "2 certified people (AZ-104, AZ-204, AZ-305)", have = 2,
      need = 2, met = true }, r.paths[1].goals[1])
    assert.are.same({ kind = "revenue", label = "revenue azure_consumed_revenue over 12 months ≥ 60000",
      have = 21500, need = 60000, met = false }, r.paths[2].goals[2])
  end)

  it("does not count an achievement earned less than 24 hours ago (R6, via the facts)", function()
    local c = a.competency { id = "x", name = "X", paths = { a.path { id = "p", level = "silver",
      a.certified { people = 1, codes = { "AZ-104" } } } } }
    local holding = { { user = "u1", msa = "m", code = "AZ-104", kind = "certification", earned = "2026-03-15" } }
    assert.is_nil(a.evaluate(c, fake.new { now = "2026-03-15T23:00:00Z", holdings = holding }).level)
    assert.are.equal("silver", a.evaluate(c, fake.new { now = "2026-03-16", holdings = holding }).level)
  end)
end)
