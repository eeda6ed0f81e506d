-- The policy specs, generated from one statement of a competency: its paths and the labels of
-- their goals, as the program states them. `scenarios.policy` checks that the host loads
-- exactly those paths and goals, then builds every threshold scenario from the labels (not
-- from the policy file), evaluates each through the real host (attain.testing, via
-- attain.fixture) and compares the whole result — the level, and every path's `met` and
-- goals' `have` — with what the statement implies:
--
--   local scenarios = require "helpers.scenarios"
--   scenarios.policy {
--     id = "data-analytics",
--     paths = {
--       { "silver", "revenue", "2 certified people (DP-203, DP-100, PL-300)",
--         "revenue data_analytics_revenue over 12 months ≥ 10000" },
--       { "gold", "revenue", "4 certified people (DP-203, DP-100, PL-300)",
--         scenarios.any { label = "a data engineer or a data scientist",
--           "1 certified person (DP-203)", "1 certified person (DP-100)" },
--         "revenue data_analytics_revenue over 12 months ≥ 50000" },
--     },
--     counts = { "gold", "revenue" }, -- where R6-R8, R11 and R15 are checked (default: the first path)
--     policies = "policies",           -- the directory the policy file <id>.lua is in (default)
--   }
--
-- For every path: met at exactly its thresholds (people goals share people where their codes
-- overlap, so that each has exactly what it needs); not met one short of each goal (one person
-- fewer, one unit of the metric less); for an "any of", met with each alternative; a usage
-- goal one short with a month not reported, a seats goal met with its report a month early
-- and not met with a reported 0. Every
-- scenario also carries 1,000,000 in the month just before each window and in the month after
-- the evaluation's (and, where it reports seats, in the month before the latest), which must
-- never count; windowed totals put their remainder in the window's first month
-- (fixture.metric_total), so a window one month short fails. On the `counts` path, the rules
-- that decide whether a certified person counts (helpers.rules.certified_person_rules), the
-- achievement kind, one count per person, and overrides of other competencies or codes.
--
-- The expected results come from a small model of the statement (people counted by code and
-- kind, window sums and averages, the latest seats, any/all, gold before silver): a second,
-- independent reading of the rules in docs/policies.md, so a host that evaluates a goal
-- differently fails the scenario that reaches it.
local busted = require "busted" -- `describe`, `it`, `assert` are not globals of a required module
local fixture = require "attain.fixture"
local rules = require "helpers.rules"
local describe, it, assert = busted.describe, busted.it, busted.assert
local teardown = busted.teardown

local scenarios = {}

scenarios.AT = rules.AT -- 2026-11-25: every window ends with 2026-11
local AT_MONTH = 2026 * 12 + 10
local FAR = 1000000 -- outside every window: must never count
-- A code that no shipped competency's goals name, for "an override for a code outside the goal".
local OUTSIDE_CODE = "XX-999"

local function period(index) return string.format("%04d-%02d", index // 12, index % 12 + 1) end

-- ------------------------------------------------------------------ the statement

-- A combinator in a statement: scenarios.any { label = "...", need = 1, "goal", "goal" }.
function scenarios.any(t) return { kind = "any", label = t.label, need = t.need or 1, table.unpack(t) } end
function scenarios.all(t) return { kind = "all", label = t.label, table.unpack(t) } end

local function number(s) return math.tointeger(tonumber(s)) or tonumber(s) end
local function split_codes(s)
  local codes = {}
  for code in (s .. ", "):gmatch("(.-), ") do codes[#codes + 1] = code end
  return codes
end

-- A leaf goal from its label (docs/policies.md, "Label style").
local LEAVES = {
  { "^(%d+) certified person %((.+)%)$", "certified" },
  { "^(%d+) certified people %((.+)%)$", "certified" },
  { "^(%d+) person with a passed assessment %((.+)%)$", "assessed" },
  { "^(%d+) people with a passed assessment %((.+)%)$", "assessed" },
  { "^revenue (%S+) over (%d+) months? ≥ ([%d.]+)$", "revenue" },
  { "^active usage (%S+) averaged over (%d+) months? ≥ ([%d.]+)$", "usage" },
  { "^deployed seats (%S+) %(latest month%) ≥ ([%d.]+)$", "seats" },
  { "^new customers (%S+) over (%d+) months? ≥ ([%d.]+)$", "customers" },
}

local function leaf(label)
  for _, l in ipairs(LEAVES) do
    local a, b, c = label:match(l[1])
    if a then
      local kind = l[2]
      if kind == "certified" or kind == "assessed" then
        return { kind = kind, label = label, need = number(a), codes = split_codes(b),
                 achievement = kind == "certified" and "certification" or "assessment" }
      elseif kind == "seats" then
        return { kind = kind, label = label, metric = a, need = number(b) }
      end
      return { kind = kind, label = label, metric = a, months = number(b), need = number(c) }
    end
  end
  error("scenarios: not a goal label: " .. label, 3)
end

local function goal(g)
  if type(g) == "string" then return leaf(g) end
  local node = { kind = g.kind, children = {} }
  local labels = {}
  for i, child in ipairs(g) do
    node.children[i] = goal(child)
    labels[i] = node.children[i].label
  end
  node.need = g.kind == "all" and #node.children or g.need
  local head = g.kind == "all" and "all of" or (node.need == 1 and "any of" or node.need .. " of")
  node.label = g.label or string.format("%s [%s]", head, table.concat(labels, "; "))
  return node
end

-- The leaves of a goal tree, in order.
local function leaves(g, out)
  out = out or {}
  if g.children then
    for _, c in ipairs(g.children) do leaves(c, out) end
  else
    out[#out + 1] = g
  end
  return out
end

-- ------------------------------------------------------------------ the model
-- A scenario: people = { { {code, kind}, ... }, ... } (each a person with the achievements
-- listed, all counting), metrics = { [metric] = total over its window / latest seats }.

local function holds(person, codes, kind)
  for _, ach in ipairs(person) do
    if ach[2] == kind then
      for _, code in ipairs(codes) do
        if ach[1] == code then return true end
      end
    end
  end
  return false
end

local function have(g, s)
  if g.kind == "certified" or g.kind == "assessed" then
    local n = 0
    for _, p in ipairs(s.people) do
      if holds(p, g.codes, g.achievement) then n = n + 1 end
    end
    return n
  elseif g.kind == "usage" then
    return (s.metrics[g.metric] or 0) / g.months
  elseif g.children then
    local n = 0
    for _, c in ipairs(g.children) do
      if have(c, s) >= c.need then n = n + 1 end
    end
    return n
  end
  return s.metrics[g.metric] or 0
end

-- { level = , paths = { ["silver revenue"] = { met = , haves = {...} } } }, the shape the
-- host's result is compared in.
local function model(statement, s)
  local out, reached = { paths = {} }, {}
  for _, p in ipairs(statement) do
    local haves, met = {}, true
    for i, g in ipairs(p.goals) do
      haves[i] = have(g, s)
      met = met and haves[i] >= g.need
    end
    out.paths[p.level .. " " .. p.id] = { met = met, haves = haves }
    if met then reached[p.level] = true end
  end
  out.level = reached.gold and "gold" or (reached.silver and "silver" or nil)
  return out
end

local function observed(r)
  local out = { level = r.level, paths = {} }
  for _, p in ipairs(r.paths) do
    out.paths[p.level .. " " .. p.id] = { met = p.met, haves = fixture.haves(p) }
  end
  return out
end

-- ------------------------------------------------------------------ building scenarios

local function copy(s)
  local people = {}
  for i, p in ipairs(s.people) do
    local q = {}
    for j, ach in ipairs(p) do q[j] = ach end
    people[i] = q
  end
  local metrics, how = {}, {}
  for k, v in pairs(s.metrics) do metrics[k] = v end
  for k, v in pairs(s.how) do how[k] = v end
  return { people = people, metrics = metrics, how = how }
end

-- The leaves a scenario for path `p` must meet, with `choice[node]` the alternatives chosen for
-- each "any of" (default its first `need`), and the leaves it must keep unmet (the other
-- alternatives: meeting them would raise the combinator's `have`).
local function targets(p, choice)
  local must, avoid = {}, {}
  local function walk(g, wanted)
    if not g.children then
      local list = wanted and must or avoid
      list[#list + 1] = g
      return
    end
    local chosen = {}
    if g.kind == "any" then
      for _, i in ipairs(choice[g] or {}) do chosen[i] = true end
      if not choice[g] then for i = 1, g.need do chosen[i] = true end end
    end
    for i, c in ipairs(g.children) do walk(c, wanted and (g.kind == "all" or chosen[i])) end
  end
  for _, g in ipairs(p.goals) do walk(g, true) end
  return must, avoid
end

-- Tops `s` up to meet every leaf in `must` exactly: people goals from the most specific
-- (fewest codes) to the broadest, each new person holding a code of the goal that raises no
-- other goal already at its need (nor one in `avoid` to its need), rotating through the
-- goal's codes so that each is exercised; each metric at its goal's threshold.
local function fill(s, must, avoid)
  local people = {}
  for _, g in ipairs(must) do
    if g.codes then people[#people + 1] = g
    else
      local total = g.kind == "usage" and g.need * g.months or g.need
      s.metrics[g.metric] = math.max(s.metrics[g.metric] or 0, total)
    end
  end
  table.sort(people, function(x, y)
    if #x.codes ~= #y.codes then return #x.codes < #y.codes end
    return x.label < y.label
  end)
  local function raises(o, code, kind)
    return o.codes and o.achievement == kind and holds({ { code, kind } }, o.codes, o.achievement)
  end
  for _, g in ipairs(people) do
    local turn = 0
    while have(g, s) < g.need do
      local best, cost
      for k = 1, #g.codes do
        local code = g.codes[(turn + k - 1) % #g.codes + 1]
        local c = 0
        for _, o in ipairs(people) do
          if o ~= g and have(o, s) >= o.need and raises(o, code, g.achievement) then c = c + 1 end
        end
        for _, o in ipairs(avoid) do
          if have(o, s) + 1 >= o.need and raises(o, code, g.achievement) then c = c + 100 end
        end
        if not cost or c < cost then best, cost = code, c end
      end
      s.people[#s.people + 1] = { { best, g.achievement } }
      turn = turn + 1
    end
  end
  return s
end

local function build(must, avoid)
  return fill({ people = {}, metrics = {}, how = {} }, must, avoid)
end

-- `s` one short of leaf `g` and still at every other leaf of `must`: one unit of its metric
-- less; or people who count for it taken away (those who count for the fewest other goals
-- first) until it has need - 1, then the other goals topped up with people who do not count
-- for it. Returns the scenario and the people taken away.
local function short(s, g, must, avoid)
  s = copy(s)
  if not g.codes then
    s.metrics[g.metric] = s.metrics[g.metric] - 1
    return s, {}
  end
  local gone = {}
  while have(g, s) >= g.need do
    local pick, cost
    for i, p in ipairs(s.people) do
      if holds(p, g.codes, g.achievement) then
        local c = 0
        for _, o in ipairs(must) do
          if o ~= g and o.codes and holds(p, o.codes, o.achievement) then c = c + 1 end
        end
        if not cost or c < cost then pick, cost = i, c end
      end
    end
    gone[#gone + 1] = table.remove(s.people, pick)
  end
  local others, keep_short = {}, { g }
  for _, o in ipairs(must) do if o ~= g then others[#others + 1] = o end end
  for _, o in ipairs(avoid) do keep_short[#keep_short + 1] = o end
  return fill(s, others, keep_short), gone
end

-- Adds scenario `s` for `org` to fixture `fx`: the people, each metric, and the values outside
-- the windows of every metric the competency reads (`reads`: metric -> months, or false for seats).
-- s.how[metric] reports a metric another way, with the same `have`: "gap" leaves the window's
-- last month unreported (a windowed total over the months before it), "earlier" reports seats
-- in the month before the evaluation's and not in it, "zero" reports 0 seats in the
-- evaluation's month (after a larger report the month before).
local function apply(fx, org, s, reads)
  fx:org(org)
  for i, p in ipairs(s.people) do
    local user = fx:person(org, string.format("%s-s%d", org, i))
    for _, ach in ipairs(p) do fx:achieve(user, ach[1], ach[2]) end
  end
  local names = {}
  for metric in pairs(reads) do names[#names + 1] = metric end
  table.sort(names)
  for _, metric in ipairs(names) do
    local months, value, how = reads[metric], s.metrics[metric] or 0, s.how[metric]
    if months then
      if how == "gap" then
        fx:metric_total(org, metric, value, { to = period(AT_MONTH - 1), months = months - 1 })
      elseif value > 0 then
        fx:metric_total(org, metric, value, { to = period(AT_MONTH), months = months })
      end
      fx:metric(org, metric, period(AT_MONTH - months), FAR)
    else
      local at = how == "earlier" and AT_MONTH - 1 or AT_MONTH
      if value > 0 or how == "zero" then
        fx:metric(org, metric, period(at - 1), FAR)       -- an older, larger report
        fx:metric(org, metric, period(at), value)
      end
      fx:metric(org, metric, period(AT_MONTH + 1), FAR)   -- a report after the evaluation's month
    end
  end
  return fx
end

-- ------------------------------------------------------------------ the spec

function scenarios.policy(spec)
  local id = assert(spec.id, "scenarios.policy: id")
  local statement = {}
  local reads = {}
  for i, p in ipairs(spec.paths) do
    local path = { level = p[1], id = p[2], goals = {} }
    for j = 3, #p do path.goals[#path.goals + 1] = goal(p[j]) end
    statement[i] = path
    for _, g in ipairs(path.goals) do
      for _, l in ipairs(leaves(g)) do
        if l.metric then
          local months = l.months or false
          if reads[l.metric] ~= nil and reads[l.metric] ~= months then
            error("scenarios: " .. l.metric .. " is read over two windows; the scenarios assume one", 2)
          end
          reads[l.metric] = months
        end
      end
    end
  end

  -- The policy alone in a directory of its own: loading one policy per fixture instead of the
  -- whole set keeps the suite fast; the host and the file are the same.
  local from = spec.policies or "policies"
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute(string.format("mkdir '%s' && cp '%s/%s.lua' '%s/'", dir, from, id, dir)))
  if os.execute(string.format("test -d '%s/lib'", from)) then
    assert(os.execute(string.format("cp -r '%s/lib' '%s/'", from, dir)))
  end
  local function new() return fixture.new { policies = dir } end

  local function evaluate(s, org, at)
    return apply(new(), org or "contoso", s, reads):evaluate(id, org or "contoso", at or scenarios.AT)
  end

  -- One `it`: scenario `s` evaluated by the host gives what the model says; `intent` (the path
  -- key and whether it is met) guards the builder itself.
  local function case(name, s, key, met)
    local expected = model(statement, s)
    if expected.paths[key].met ~= met then
      error(string.format("scenarios: the scenario for '%s' does not %s %s", name, met and "meet" or "miss", key))
    end
    it(name, function()
      assert.are.same(expected, observed(evaluate(s)))
    end)
  end

  describe(id .. " policy", function()
    teardown(function() os.execute(string.format("rm -rf '%s'", dir)) end)

    it("has exactly the paths and goals of the program", function()
      local fx = new()
      fx:org("empty")
      local r = fx:evaluate(id, "empty", scenarios.AT, { explain = true })
      local function shape(g)
        if g.kind == "any" or g.kind == "all" then
          local children = {}
          for i, c in ipairs(g.detail or g.children) do children[i] = shape(c) end
          return { g.label, children }
        end
        return g.label
      end
      local got, want = {}, {}
      for i, p in ipairs(r.paths) do
        got[i] = { p.level, p.id }
        for _, g in ipairs(p.goals) do got[i][#got[i] + 1] = shape(g) end
      end
      for i, p in ipairs(statement) do
        want[i] = { p.level, p.id }
        for _, g in ipairs(p.goals) do want[i][#want[i] + 1] = shape(g) end
      end
      assert.are.same(want, got)
      assert.is_nil(r.level)
    end)

    for _, p in ipairs(statement) do
      local key = p.level .. " " .. p.id
      describe(key .. " path", function()
        local must, avoid = targets(p, {})
        local met = build(must, avoid)
        for _, l in ipairs(must) do
          if have(l, met) ~= l.need then
            error(string.format("scenarios: %s: cannot meet '%s' exactly (%s)", key, l.label, tostring(have(l, met))))
          end
        end
        case("is met at exactly its thresholds", met, key, true)
        for _, l in ipairs(must) do
          case("is not met one short of " .. l.label, (short(met, l, must, avoid)), key, false)
        end
        -- months not reported: a usage average still divides by the window's months; seats
        -- are the latest report, also before the evaluation's month, and a reported 0 is one
        for _, l in ipairs(must) do
          if l.kind == "usage" and l.months > 1 then
            local s = short(met, l, must, avoid)
            s.how[l.metric] = "gap"
            case("is not met one short of " .. l.label .. " with a month not reported", s, key, false)
          elseif l.kind == "seats" then
            local s = copy(met)
            s.how[l.metric] = "earlier"
            case("is met with the seats reported the month before the evaluation's", s, key, true)
            s = copy(met)
            s.metrics[l.metric], s.how[l.metric] = 0, "zero"
            case("is not met with 0 seats reported in the evaluation's month", s, key, false)
          end
        end
        -- each other alternative of an "any of" meets the path too
        local function alternatives(g)
          if not g.children then return end
          if g.kind == "any" then
            for i = g.need + 1, #g.children do
              local choice = {}
              for j = 1, g.need - 1 do choice[#choice + 1] = j end
              choice[#choice + 1] = i
              local m, a = targets(p, { [g] = choice })
              case("is met with " .. g.children[i].label .. " instead", build(m, a), key, true)
            end
          end
          for _, c in ipairs(g.children) do alternatives(c) end
        end
        for _, g in ipairs(p.goals) do alternatives(g) end
      end)
    end

    -- The rules that decide whether a certified person counts, on one path: the scenario one
    -- person short of its first certified goal, and the person under test holding that code.
    local counts = spec.counts or { statement[1].level, statement[1].id }
    local path
    for _, p in ipairs(statement) do
      if p.level == counts[1] and p.id == counts[2] then path = p end
    end
    assert(path, "scenarios: no path " .. table.concat(counts, " "))
    local must, avoid = targets(path, {})
    local under
    for _, l in ipairs(must) do
      if l.kind == "certified" and not under then under = l end
    end
    assert(under, "scenarios: the counts path has no certified goal")
    local minus, gone = short(build(must, avoid), under, must, avoid)
    assert(#gone == 1, "scenarios: the counts path's first certified goal is not exactly at its need")
    local code = gone[1][1][1]
    local function with(extra)
      local s = copy(minus)
      s.people[#s.people + 1] = extra
      return s
    end
    local function result(s)
      local m = model(statement, s)
      return { level = m.level, haves = m.paths[counts[1] .. " " .. counts[2]].haves }
    end
    local key = counts[1] .. " " .. counts[2]
    local counted, not_counted = result(with { { code, "certification" } }), result(minus)
    if not (model(statement, with { { code, "certification" } }).paths[key].met
            and not model(statement, minus).paths[key].met) then
      error("scenarios: the " .. key .. " path does not depend on the " .. code .. " holder under test")
    end

    describe("what counts (" .. key .. " path, the " .. code .. " holder under test)", function()
      local one_short, assert_counted = rules.certified_person_rules {
        competency = id, path = { counts[2], counts[1] }, new = new,
        one_short = function(fx, org) return apply(fx, org, minus, reads) end,
        counted = counted, not_counted = not_counted,
        code = code, holder = "a certified person",
      }

      it("counts a person once however many of the codes they hold", function()
        local fx = one_short()
        fx:person("contoso", "u2")
        for _, c in ipairs(under.codes) do fx:certify("u2", c) end
        local all_codes = {}
        for _, c in ipairs(under.codes) do all_codes[#all_codes + 1] = { c, "certification" } end
        local m = model(statement, with(all_codes))
        assert.are.same(m, observed(fx:evaluate(id, "contoso", scenarios.AT)))
      end)

      it("needs a certification: an exam or an assessment with the code does not count", function()
        local fx = one_short()
        fx:person("contoso", "u2")
        fx:pass_exam("u2", code)
        fx:assess("u2", code)
        assert_counted(fx:evaluate(id, "contoso", scenarios.AT), false)
      end)

      it("ignores overrides for another competency or for a code outside the goal", function()
        local fx = one_short()
        fx:override("contoso", id == "security" and "cloud-platform" or "security", code, 1, "2027-01-01")
        fx:override("contoso", id, OUTSIDE_CODE, 1, "2027-01-01")
        assert_counted(fx:evaluate(id, "contoso", scenarios.AT), false)
      end)
    end)
  end)

  -- for specs that add their own cases
  return { evaluate = evaluate, new = new, statement = statement }
end

return scenarios
