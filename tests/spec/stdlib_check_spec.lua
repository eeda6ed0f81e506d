package.path = "stdlib/?.lua;stdlib/?/init.lua;tests/spec/?.lua;" .. package.path

local check = require "attain.check"

describe("attain.check", function()
  it("formats integral numbers without a decimal point", function()
    assert.are.equal("15000", check.num(15000))
    assert.are.equal("15000", check.num(15000.0))
    assert.are.equal("2.5", check.num(2.5))
  end)

  it("describes values for messages", function()
    assert.are.equal("'x'", check.show("x"))
    assert.are.equal("0", check.show(0))
    assert.are.equal("nil", check.show(nil))
    assert.are.equal("a table", check.show({}))
    assert.are.equal("an attain.goal", check.show(setmetatable({}, { __metatable = "attain.goal" })))
  end)

  it("reports the first unknown key in sorted order, whatever the table order", function()
    for _ = 1, 20 do
      local t = { zeta = 1, alpha = 2, mid = 3, id = 4 }
      assert.are.equal("unknown key 'alpha'", (check.keys(t, { id = true })))
    end
  end)

  it("counts positional items and reports a hole", function()
    local problem, n = check.keys({ "a", "b", id = "x" }, { id = true }, "goal")
    assert.is_nil(problem)
    assert.are.equal(2, n)
    assert.are.equal("goal #2 is nil", (check.keys({ [1] = "a", [3] = "c" }, {}, "goal")))
  end)

  it("rejects positional items where none are allowed", function()
    assert.are.equal("unknown key 1", (check.keys({ "a" }, {})))
  end)

  it("accepts positive numbers only", function()
    assert.is_nil(check.positive(0.5, "need"))
    assert.are.equal("need must be a positive number, got 0", check.positive(0, "need"))
    assert.are.equal("need must be a positive number, got -1", check.positive(-1, "need"))
    assert.are.equal("need must be a positive number, got '3'", check.positive("3", "need"))
    assert.are.equal("need must be a positive number, got inf", check.positive(math.huge, "need"))
    assert.is_not_nil(check.positive(0 / 0, "need"))
  end)

  it("accepts positive integers, including integral floats", function()
    assert.are.same({ nil, 12 }, { check.count(12.0, "months") })
    assert.are.equal("months must be a positive integer, got 1.5", (check.count(1.5, "months")))
    assert.are.equal("months must be a positive integer, got 0", (check.count(0, "months")))
  end)

  it("copies a code list and rejects empty lists and non-string codes", function()
    local src = { "AZ-104" }
    local _, copy = check.codes(src)
    src[1] = "changed"
    assert.are.same({ "AZ-104" }, copy)
    assert.are.equal("codes must be a non-empty list of strings, got a table", (check.codes({})))
    assert.are.equal("codes[2] must be a non-empty string, got 7", (check.codes({ "A", 7 })))
  end)

  it("finds the innermost line outside the stdlib", function()
    local function ctor() local w = check.where(); return w end
    local w = ctor()
    assert.matches("stdlib_check_spec%.lua:%d+: $", w)
  end)
end)
