package.path = "stdlib/?.lua;stdlib/?/init.lua;tests/spec/?.lua;" .. package.path

local time = require "attain.time"
local fake = require "helpers.fake_org"

describe("attain.time", function()
  describe("parse", function()
    it("reads a date as 00:00 UTC", function()
      assert.are.equal(0, time.parse("1970-01-01"))
      assert.are.equal(1772323200, time.parse("2026-03-01"))
    end)

    it("reads a date and time in UTC", function()
      assert.are.equal(1772323200 + 10 * 3600 + 5 * 60 + 7, time.parse("2026-03-01T10:05:07Z"))
    end)

    it("agrees with an independent day count across leap years and centuries", function()
      for _, s in ipairs { "1999-12-31", "2000-02-29", "2000-03-01", "2024-02-29",
                           "2100-03-01", "2026-12-31T23:59:59Z", "1969-12-31" } do
        if s >= "1970" then assert.are.equal(fake.t(s), time.parse(s), s) end
      end
      assert.are.equal(-86400, time.parse("1969-12-31"))
    end)

    it("returns nil and a message for malformed text", function()
      for _, s in ipairs { "2026-3-01", "2026-03-01T10:00:00", "2026/03/01", "", "2026-03-01T10:00Z" } do
        local t, err = time.parse(s)
        assert.is_nil(t, s)
        assert.are.equal("invalid time '" .. s .. "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)", err)
      end
    end)

    it("rejects impossible dates and times of day", function()
      assert.are.same({ nil, "invalid date '2026-02-29'" }, { time.parse("2026-02-29") })
      assert.are.same({ nil, "invalid date '2026-13-01'" }, { time.parse("2026-13-01") })
      assert.are.same({ nil, "invalid time of day in '2026-01-01T24:00:00Z'" },
        { time.parse("2026-01-01T24:00:00Z") })
      assert.is_not_nil(time.parse("2024-02-29"))
    end)

    it("returns nil for a value that is not a string", function()
      assert.are.same({ nil, "time must be a string" }, { time.parse(20260301) })
    end)
  end)

  describe("format", function()
    it("formats dates and times in UTC and round-trips parse", function()
      for _, s in ipairs { "1970-01-01T00:00:00Z", "2000-02-29T12:34:56Z", "2026-12-31T23:59:59Z" } do
        assert.are.equal(s, time.format(time.parse(s)))
      end
      assert.are.equal("2026-03-01", time.format_date(time.parse("2026-03-01T23:59:59Z")))
      assert.are.equal("1969-12-31", time.format_date(-1))
    end)

    it("agrees with os.date over many days", function()
      for t = 0, 400 * 366 * 86400, 86400 * 7 + 3601 do
        assert.are.equal(os.date("!%Y-%m-%dT%H:%M:%SZ", t), time.format(t))
      end
    end)

    it("rejects a time that is not an integer, naming the function", function()
      assert.has_error(function() time.format_date(1.5) end,
        "time.format_date: expected a time in integer seconds, got 1.5")
      assert.has_error(function() time.format("x") end,
        "time.format: expected a time in integer seconds, got string")
    end)
  end)

  describe("year_end", function()
    it("is Jan 1 00:00 UTC of the following year (exclusive end)", function()
      assert.are.equal(time.parse("2027-01-01"), time.year_end(time.parse("2026-02-01")))
      assert.are.equal(time.parse("2027-01-01"), time.year_end(time.parse("2026-12-31T23:59:59Z")))
      assert.are.equal(time.parse("2027-01-01"), time.year_end(time.parse("2026-01-01")))
    end)
  end)

  describe("months", function()
    it("indexes months as year * 12 + month - 1", function()
      assert.are.equal(2026 * 12 + 2, time.month_index(time.parse("2026-03-31T23:59:59Z")))
      assert.are.equal(2026 * 12, time.month_index(time.parse("2026-01-01")))
    end)

    it("names periods YYYY-MM", function()
      assert.are.equal("2026-03", time.period(time.parse("2026-03-15")))
      assert.are.equal("2025-12", time.period_of_index(2026 * 12 - 1))
      assert.are.equal(time.parse("2025-12-01"), time.month_start(2026 * 12 - 1))
    end)

    it("lists a window of months ending with the month of t, oldest first, across a year", function()
      assert.are.same({ "2025-11", "2025-12", "2026-01", "2026-02" },
        time.window(time.parse("2026-02-28"), 4))
    end)

    it("counts days per month with leap years", function()
      assert.are.equal(29, time.days_in_month(2000, 2))
      assert.are.equal(28, time.days_in_month(2100, 2))
      assert.are.equal(30, time.days_in_month(2026, 11))
    end)
  end)
end)
