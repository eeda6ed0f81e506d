package.path = "stdlib/?.lua;stdlib/?/init.lua;tests/spec/?.lua;" .. package.path

local renewal = require "attain.renewal"
local time = require "attain.time"
local T = time.parse

describe("attain.renewal", function()
  it("runs a membership to the end of the calendar year of purchase (R10)", function()
    assert.are.equal(T("2027-01-01"), renewal.year_end(T("2026-02-01")))
    assert.are.equal(T("2027-01-01"), renewal.year_end(T("2026-12-31T23:00:00Z")))
  end)

  it("makes year_end the default rule", function()
    assert.are.equal(renewal.year_end, renewal.default)
  end)

  it("runs an anniversary membership to the same date and time a year later", function()
    assert.are.equal(T("2027-02-01T10:00:00Z"), renewal.anniversary(T("2026-02-01T10:00:00Z")))
  end)

  it("ends an anniversary membership bought on 29 February on 1 March", function()
    assert.are.equal(T("2025-03-01"), renewal.anniversary(T("2024-02-29")))
  end)
end)
