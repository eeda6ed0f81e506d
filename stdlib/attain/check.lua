--- attain.check: validation helpers shared by the stdlib constructors.
--
-- Every checker returns nothing when the value is fine and an error message
-- (without position) when it is not; the public constructor raises it with
-- `error(msg, 2)` so the position points at the policy author's line.
-- Pure Lua, no globals, no I/O; uses no string pattern functions. Positions
-- come from attain.sandbox.where.
local M = {}

local format, sort = string.format, table.sort
local type, tostring, pairs = type, tostring, pairs
local getmetatable, sub = getmetatable, string.sub
local tointeger, huge, mtype = math.tointeger, math.huge, math.type
local where = require("attain.sandbox").where

--- Formats a number for labels and messages: integral values without a
--- decimal point (15000, not 15000.0), others with up to 14 significant digits.
---@param x number
---@return string
function M.num(x)
  local i = tointeger(x)
  if i then return format("%d", i) end
  return format("%.14g", x)
end

--- Describes a value for "got ..." in messages: numbers as written,
--- strings quoted, stdlib objects by their marker ("attain.path"), other
--- values by type.
---@param v any
---@return string
function M.show(v)
  local t = type(v)
  if t == "number" then return M.num(v) end
  if t == "string" then return format("'%s'", v) end
  if t == "nil" or t == "boolean" then return tostring(v) end
  local mt = getmetatable(v)
  if type(mt) == "string" and sub(mt, 1, 7) == "attain." then return "an " .. mt end
  return "a " .. t
end

--- Builds a message "<fname>: <problem>" with an optional " (<context>)".
---@param fname string constructor name, e.g. "a.path"
---@param problem string
---@param context? string e.g. "path 'consumption'"
---@return string
function M.msg(fname, problem, context)
  if context then return format("%s: %s (%s)", fname, problem, context) end
  return format("%s: %s", fname, problem)
end

local function show_key(k)
  if type(k) == "string" then return format("'%s'", k) end
  return tostring(k)
end

--- Checks that a constructor table holds only the allowed string keys and,
--- when `item` is given (e.g. "goal"), a gap-free array part of such items.
--- Reports the first unknown key in sorted order so the message does not
--- depend on `pairs` order.
---@param t table
---@param allowed table<string, true>
---@param item? string what positional entries are; nil = none allowed
---@return string? problem
---@return integer count number of positional entries
function M.keys(t, allowed, item)
  local unknown, n, max = nil, 0, 0
  for k in pairs(t) do
    local named = type(k) == "string" and allowed[k]
    if not named then
      if item and mtype(k) == "integer" and k >= 1 then
        n = n + 1
        if k > max then max = k end
      else
        unknown = unknown or {}
        unknown[#unknown + 1] = show_key(k)
      end
    end
  end
  if unknown then
    sort(unknown)
    return "unknown key " .. unknown[1], n
  end
  if max ~= n then
    -- a hole: find the first missing index deterministically
    for i = 1, max do
      if t[i] == nil then return format("%s #%d is nil", item, i), n end
    end
  end
  return nil, n
end

--- Checks that `v` is a non-empty string.
---@param v any
---@param what string field name
---@return string? problem
function M.name(v, what)
  if type(v) ~= "string" or v == "" then
    return format("%s must be a non-empty string, got %s", what, M.show(v))
  end
end

--- Checks that `v` is a finite number greater than zero.
---@param v any
---@param what string
---@return string? problem
function M.positive(v, what)
  if type(v) ~= "number" or v ~= v or v <= 0 or v == huge then
    return format("%s must be a positive number, got %s", what, M.show(v))
  end
end

--- Checks that `v` is a positive integer (an integral float such as 12.0
--- is accepted); returns the integer.
---@param v any
---@param what string
---@return string? problem
---@return integer? value
function M.count(v, what)
  local i = type(v) == "number" and tointeger(v) or nil
  if not i or i <= 0 then
    return format("%s must be a positive integer, got %s", what, M.show(v))
  end
  return nil, i
end

--- Checks a list of achievement codes; returns a private copy.
---@param v any
---@return string? problem
---@return string[]? codes
function M.codes(v)
  if type(v) ~= "table" or v[1] == nil then
    return format("codes must be a non-empty list of strings, got %s", M.show(v))
  end
  local problem, n = M.keys(v, {}, "code")
  if problem then return "codes: " .. problem end
  local copy = {}
  for i = 1, n do
    local c = v[i]
    if type(c) ~= "string" or c == "" then
      return format("codes[%d] must be a non-empty string, got %s", i, M.show(c))
    end
    copy[i] = c
  end
  return nil, copy
end

--- Returns "file:line: " of the innermost line of policy code running (the
--- call of a stdlib constructor, also in a lib/ module), or "" when unknown.
--- Used at construction time only, so that errors found later can still point
--- at the policy line.
---@return string
function M.where()
  return where()
end

return M
