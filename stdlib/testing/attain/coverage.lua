--- attain.coverage: what a policy repository's tests never saw (`attain test --coverage`).
--
-- For declarative policies the outcomes are what matter: every path, and every goal of
-- every path, should be seen both met and not met by some test, or a threshold could
-- move without a test noticing. Each evaluation of the policy set under test (through
-- attain.testing, from specs and data-driven cases alike) is watched; paths and goals
-- come from an evaluation of each competency on an empty organisation, so competencies
-- no test evaluates are counted too. For code, the lines of policy functions (custom
-- measures, details, renewal rules, lib/ helpers) that never ran, from the sandbox's
-- line recorder. Host-side Lua.
local testing = require "attain.testing"

local M = {}

local Coverage = {}
Coverage.__index = Coverage

local function mark(c, key, label, met)
  local o = c.outcomes[key]
  if not o then return end
  if met then o.met = true else o.unmet = true end
  o.label = o.label or label
end

-- Every path and path goal of every competency of the set, unseen.
local function structure(policies)
  local comps = {}
  local db = testing.new()
  db:import { { type = "org", id = "attain-coverage" } }
  for _, p in ipairs((testing.policies(policies))) do
    if not p.problem then
      local ok, r = pcall(db.evaluate, db, { competency = p.id, org = "attain-coverage", at = "2026-01-01",
                                             policies = policies })
      local c = { id = p.id, order = {}, outcomes = {}, evaluated = false }
      for _, path in ipairs(ok and r.paths or {}) do
        local key = path.level .. "/" .. path.id
        c.order[#c.order + 1] = key
        c.outcomes[key] = { what = key }
        for j, g in ipairs(path.goals) do
          local gk = key .. "#" .. j
          c.order[#c.order + 1] = gk
          c.outcomes[gk] = { what = string.format("%s goal %d (%s)", key, j, g.label) }
        end
      end
      comps[#comps + 1] = c
      comps[p.id] = c
    end
  end
  db:close()
  return comps
end

--- Starts watching evaluations of the policy set in `policies`.
---@param policies string
function M.start(policies)
  local comps = structure(policies) -- before recording: its evaluations are no test's
  testing.coverage()
  local self = setmetatable({ policies = policies, comps = comps }, Coverage)
  testing.observe(function(req, r) self:record(req, r) end)
  return self
end

function Coverage:record(req, r)
  if (req.policies or "policies") ~= self.policies then return end -- another set (a spec's own)
  local c = self.comps[r.competency]
  if not c then return end
  c.evaluated = true
  for _, p in ipairs(r.paths or {}) do
    local key = p.level .. "/" .. p.id
    if not p.error then mark(c, key, nil, p.met) end
    for j, g in ipairs(p.goals) do
      if not g.error then mark(c, key .. "#" .. j, g.label, g.met) end
    end
  end
end

-- "14-16, 20" from sorted line numbers.
local function ranges(lines)
  local out, i = {}, 1
  while i <= #lines do
    local j = i
    while j < #lines and lines[j + 1] == lines[j] + 1 do j = j + 1 end
    out[#out + 1] = i == j and tostring(lines[i]) or (lines[i] .. "-" .. lines[j])
    i = j + 1
  end
  return table.concat(out, ", ")
end

local function pct(a, b)
  return b == 0 and 100 or 100 * a / b
end

--- Writes the report to `out` and returns whether the total reaches `fail_under` (a
--- percentage, or nil for no threshold), and a summary table for JSON reports.
---@param out file*
---@param fail_under? number
---@return boolean ok
---@return table summary
function Coverage:report(out, fail_under)
  testing.observe(nil)
  local missing, seen, total = {}, 0, 0
  for _, c in ipairs(self.comps) do
    if not c.evaluated and #c.order > 0 then
      missing[#missing + 1] = c.id .. ": never evaluated"
    end
    for _, key in ipairs(c.order) do
      local o = c.outcomes[key]
      total = total + 2
      seen = seen + (o.met and 1 or 0) + (o.unmet and 1 or 0)
      if c.evaluated and not (o.met and o.unmet) then
        local never = not o.met and not o.unmet and "never evaluated"
                      or not o.met and "never met" or "never not met"
        missing[#missing + 1] = string.format("%s: %s %s", c.id, o.what, never)
      end
    end
  end
  local run, lines = 0, 0
  for _, f in ipairs(testing.lines(self.policies)) do
    lines = lines + #f.lines
    run = run + #f.lines - #f.missed
    if #f.missed > 0 then
      missing[#missing + 1] = string.format("%s: line%s %s never run", f.file, #f.missed == 1 and "" or "s",
                                            ranges(f.missed))
    end
  end
  out:write(string.format("coverage of %s:\n", self.policies))
  for _, m in ipairs(missing) do out:write("  ", m, "\n") end
  local all = pct(seen + run, total + lines)
  out:write(string.format("outcomes %d of %d (%.1f%%), lines of policy functions %d of %d (%.1f%%), "
                          .. "total %.1f%%\n", seen, total, pct(seen, total), run, lines, pct(run, lines), all))
  local ok = not fail_under or all + 1e-9 >= fail_under
  if not ok then
    out:write(string.format("coverage %.1f%% is under --fail-under %s\n", all, tostring(fail_under)))
  end
  return ok, { outcomes = { seen = seen, total = total }, lines = { run = run, total = lines },
               percent = all, missing = missing }
end

return M
