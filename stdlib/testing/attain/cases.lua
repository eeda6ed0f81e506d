--- attain.cases: data-driven cases, for policy owners who do not write Lua.
--
-- A *.cases.jsonl file is JSON Lines: facts exactly as `attain import` reads them, and
-- expectations, each one test (docs/policy-repo.md, "Data-driven cases"):
--
--   {"type":"org","id":"contoso"}
--   {"type":"user","id":"u1","org":"contoso","joined":"2025-01-01"}
--   ...
--   {"type":"expect","org":"contoso","competency":"cloud-platform","at":"2026-11-25",
--    "level":"silver","state":"qualified","paths":{"silver/consumption":true}}
--
-- Facts accumulate in file order: an expectation sees every fact above it, so a file
-- can tell a story (facts, expectation, more facts, expectation). {"type":"scenario",
-- "name":"..."} starts again from an empty database and names the tests after it. Lines
-- starting with # are comments. Evaluations go through the real host (attain.testing),
-- with the policy directory of `attain test --policies`; imports are checked against its
-- schema.json when it has one.
local testing = require "attain.testing"

local M = {}

local EXPECT_KEYS = { type = true, org = true, competency = true, at = true, level = true,
                      state = true, paths = true, alert = true, error = true, name = true }
local EXPECTS = { "level", "state", "paths", "alert", "error" }

local function shown(v)
  if v == nil or v == testing.null then return "none" end
  if type(v) == "string" then return v end
  return tostring(v)
end

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

local function num(x)
  if math.type(x) == "float" and x == math.floor(x) and math.abs(x) < 1e15 then
    return string.format("%d", math.floor(x))
  end
  return tostring(x)
end

-- What the organisation has, per path and goal: the explanation a failed case shows.
local function progress(r)
  local out = {}
  if r.error then out[#out + 1] = "  error: " .. r.error end
  for _, p in ipairs(r.paths or {}) do
    out[#out + 1] = string.format("  %s %s: %s", p.level, p.id, p.met and "met" or "not met")
    for _, g in ipairs(p.goals) do
      out[#out + 1] = string.format("    %s %s: have %s, need %s", g.met and "+" or "-", g.label,
                                    g.have and num(g.have) or "error", num(g.need))
    end
  end
  return table.concat(out, "\n")
end

-- The differences between an expectation and a result, as lines.
local function compare(e, r)
  local diffs = {}
  if e.level ~= nil then
    local want = e.level
    if want == testing.null or want == "none" then want = nil end
    if r.level ~= want then
      diffs[#diffs + 1] = string.format("level: expected %s, got %s", shown(want), shown(r.level))
    end
  end
  if e.state ~= nil and r.state ~= e.state then
    diffs[#diffs + 1] = string.format("state: expected %s, got %s", shown(e.state), shown(r.state))
  end
  if e.alert ~= nil then
    local has = #(r.alerts or {}) > 0
    if has ~= e.alert then
      diffs[#diffs + 1] = string.format("alert: expected %s, got %s", e.alert and "an alert" or "no alert",
                                        has and "one" or "none")
    end
  end
  if e.paths ~= nil then
    for _, key in ipairs(sorted_keys(e.paths)) do
      local level, id = tostring(key):match("^(%a+)/(.+)$")
      local found
      for _, p in ipairs(r.paths or {}) do
        if p.level == level and p.id == id then found = p end
      end
      if not found then
        diffs[#diffs + 1] = string.format("paths: the result has no path '%s' (use \"level/id\", e.g. "
                                          .. "\"silver/consumption\")", key)
      elseif found.met ~= e.paths[key] then
        diffs[#diffs + 1] = string.format("paths: %s expected %s, got %s", key,
                                          e.paths[key] and "met" or "not met", found.met and "met" or "not met")
      end
    end
  end
  if e.error ~= nil then
    if not r.error then
      diffs[#diffs + 1] = string.format("error: expected one containing '%s', got none", e.error)
    elseif not r.error:find(e.error, 1, true) then
      diffs[#diffs + 1] = string.format("error: expected one containing '%s', got '%s'", e.error, r.error)
    end
  elseif r.error then
    diffs[#diffs + 1] = "error: " .. r.error
  end
  return diffs
end

-- The problem of an expect record, or nil.
local function invalid(e)
  for _, k in ipairs(sorted_keys(e)) do
    if not EXPECT_KEYS[k] then
      return string.format("expect: unknown key '%s' (expected org, competency, at, level, state, paths, "
                           .. "alert, error, name)", tostring(k))
    end
  end
  for _, k in ipairs { "org", "competency", "at" } do
    if type(e[k]) ~= "string" or e[k] == "" then
      return string.format("expect: \"%s\" must be a non-empty string", k)
    end
  end
  if e.level ~= nil and e.level ~= testing.null and e.level ~= "none" and e.level ~= "silver"
     and e.level ~= "gold" then
    return "expect: \"level\" must be \"silver\", \"gold\", \"none\" or null, got " .. shown(e.level)
  end
  if e.paths ~= nil and type(e.paths) ~= "table" then return "expect: \"paths\" must be an object" end
  if e.paths then
    for _, k in ipairs(sorted_keys(e.paths)) do
      if type(e.paths[k]) ~= "boolean" then
        return string.format("expect: paths[\"%s\"] must be true or false", tostring(k))
      end
    end
  end
  if e.alert ~= nil and type(e.alert) ~= "boolean" then return "expect: \"alert\" must be true or false" end
  for _, k in ipairs(EXPECTS) do
    if e[k] ~= nil then return nil end
  end
  return "expect: nothing to check (give level, state, paths, alert or error)"
end

--- Reads a cases file into scenarios: { name, steps = { {line, fact = text} | {line, expect = t,
--- problem = msg} } }. A line that is not JSON becomes a step with its problem.
---@param path string
---@return table[] scenarios
function M.read(path)
  local f, err = io.open(path, "rb")
  if not f then return { { name = path, steps = { { line = 1, problem = err } } } } end
  local scenarios = { { steps = {} } }
  local n = 0
  for line in f:lines() do
    n = n + 1
    local trimmed = line:match("^%s*(.-)%s*$")
    local steps = scenarios[#scenarios].steps
    if trimmed ~= "" and trimmed:sub(1, 1) ~= "#" then
      local rec, why = testing.decode(trimmed)
      if type(rec) ~= "table" then
        steps[#steps + 1] = { line = n, problem = "not a JSON record: " .. (why or "expected an object") }
      elseif rec.type == "expect" then
        steps[#steps + 1] = { line = n, expect = rec, problem = invalid(rec) }
      elseif rec.type == "scenario" then
        scenarios[#scenarios + 1] = { name = type(rec.name) == "string" and rec.name or ("line " .. n),
                                      steps = {} }
      else
        steps[#steps + 1] = { line = n, fact = line }
      end
    end
  end
  f:close()
  return scenarios
end

-- The JSON Lines text of the facts of steps[from..to], on their own line numbers (the
-- importer then names the file's lines).
local function facts_text(steps, from, to)
  local out, last, any = {}, 0, false
  for i = from, to do
    local s = steps[i]
    if s.fact then
      out[#out + 1] = string.rep("\n", s.line - last - 1) .. s.fact .. "\n"
      last = s.line
      any = true
    end
  end
  return any and table.concat(out) or nil
end

--- Defines the busted tests of one cases file (inside busted's file context).
---@param path string
---@param policies string the policy directory
function M.define(path, policies)
  local busted = require "busted"
  for _, sc in ipairs(M.read(path)) do
    local function tests()
      local state = { db = nil, done = 0, failed = nil }
      for i, step in ipairs(sc.steps) do
        if step.expect or step.problem then
          local e = step.expect or {}
          local title = string.format("%s:%d: %s", path, step.line, type(e.name) == "string" and e.name
            or string.format("%s %s at %s", shown(e.org), shown(e.competency), shown(e.at)))
          M.line = step.line -- for the trace of the test (see loader)
          busted.it(title, function()
            M.line = step.line
            if step.problem then busted.fail(string.format("%s:%d: %s", path, step.line, step.problem), 0) end
            if state.failed then busted.fail(state.failed, 0) end
            state.db = state.db or testing.new { policies = policies }
            local text = facts_text(sc.steps, state.done + 1, i - 1)
            state.done = i
            if text then
              local ok, err = state.db:import(text, path)
              if not ok then
                state.failed = err .. " (the cases after it cannot run)"
                busted.fail(err, 0)
              end
            end
            local r = state.db:evaluate { competency = e.competency, org = e.org, at = e.at, policies = policies }
            local diffs = compare(e, r)
            if #diffs > 0 then
              busted.fail(string.format("%s:%d: %s\n%s", path, step.line, table.concat(diffs, "\n  "),
                                        progress(r)), 0)
            end
          end)
        end
      end
    end
    if sc.name then busted.describe(sc.name, tests) else tests() end
  end
end

--- The busted file loader of *.cases.jsonl files.
---@param policies string
function M.loader(policies)
  return {
    match = function(_, filename) return filename:match("%.cases%.jsonl$") ~= nil end,
    load = function(_, filename)
      -- Reports place a case at its line of the cases file, not in this module.
      local function trace(_, info)
        info.short_src, info.source, info.currentline = filename, "@" .. filename, M.line or 1
        info.traceback = ""
        return info
      end
      return function() M.define(filename, policies) end, trace
    end,
  }
end

return M
