--- attain.fixture: the scenario builder for policy specs. Records go through the real
-- importer into an in-memory store (`attain.testing`), and policies are evaluated by the
-- real host. `attain test` serves this module from the binary; plain busted finds it
-- installed (PREFIX/share/lua/5.4/attain/fixture.lua) or, in this repository, through
-- package.path "stdlib/testing/?.lua". Host-side Lua, never inside the sandbox.
--
--   local fixture = require "attain.fixture"
--   local fx = fixture.new()
--   fx:org("contoso")
--   fx:person("contoso", "u1")                         -- a user with one MSA ("u1@msa.example")
--   fx:certify("u1", "AZ-104", { earned = "2025-06-01", expires = "2027-06-01" })
--   fx:metric_months("contoso", "azure_consumed_revenue", 1250, { to = "2026-11", months = 12 })
--   fx:leave("u1", "2026-03-01")
--   local r = fx:evaluate("cloud-platform", "contoso", "2026-11-25")
--   local p = fixture.path(r, "consumption", "silver")
--   assert.are.same({ 0, 15000 }, fixture.haves(p))       -- u1 left in March (R8)
--
-- Records accumulate and are imported on the next evaluate; later records update earlier ones
-- exactly as a later JSON Lines record would. Defaults: people join (and link their MSA) on
-- 2025-01-01 and earn on 2025-06-01, long before the evaluation times the specs use.
local testing = require "attain.testing"

local fixture = {}

fixture.null = testing.null -- JSON null: clears a stored value (`fx:leave(user, fixture.null)`)
fixture.JOINED = "2025-01-01"
fixture.EARNED = "2025-06-01"

local Fixture = {}
Fixture.__index = Fixture

-- "YYYY-MM" <-> month index (year * 12 + month - 1)
local function month_index(period)
  local y, m = assert(period, "fixture: a period is needed"):match("^(%d%d%d%d)-(%d%d)$")
  return tonumber(y) * 12 + tonumber(m) - 1
end
local function period_of(index) return string.format("%04d-%02d", index // 12, index % 12 + 1) end

-- The policy directory a fixture evaluates by default: "policies" (relative to where the
-- tests run); `attain test --policies DIR` sets it to DIR.
fixture.POLICIES = "policies"

-- opts.policies: the policy directory (default fixture.POLICIES). When it declares its
-- vocabulary in schema.json, the fixture's records must use only declared metrics and codes.
function fixture.new(opts)
  opts = opts or {}
  local policies = opts.policies or fixture.POLICIES
  return setmetatable({ db = testing.new { policies = policies }, pending = {}, policies = policies,
                        msas = {}, serial = 0 }, Fixture)
end

-- A raw record, as one JSON Lines object.
function Fixture:add(record)
  self.pending[#self.pending + 1] = record
  return self
end

function Fixture:org(id, name)
  return self:add { type = "org", id = id, name = name }
end

-- A user of `org` with one MSA linked when they joined. Returns the user id.
-- opts: joined, left, msa (default "<user>@msa.example"), linked (default joined).
function Fixture:person(org, user, opts)
  opts = opts or {}
  local joined = opts.joined or fixture.JOINED
  local msa = opts.msa or (user .. "@msa.example")
  self:add { type = "user", id = user, org = org, joined = joined, left = opts.left }
  self:link(msa, user, opts.linked or joined)
  self.msas[user] = msa
  return user
end

-- Associates an MSA with a user from `at` on, ending its previous association (R5, R7).
function Fixture:link(msa, user, at)
  return self:add { type = "msa_link", msa = msa, user = user, at = at }
end

-- An achievement on the user's MSA. opts: earned (default fixture.EARNED), expires, msa.
function Fixture:achieve(user, code, kind, opts)
  opts = opts or {}
  local msa = opts.msa or self.msas[user] or error("fixture: unknown person " .. tostring(user), 2)
  return self:add { type = "achievement", msa = msa, code = code, kind = kind,
                    earned = opts.earned or fixture.EARNED, expires = opts.expires }
end

function Fixture:certify(user, code, opts) return self:achieve(user, code, "certification", opts) end
function Fixture:assess(user, code, opts) return self:achieve(user, code, "assessment", opts) end
function Fixture:pass_exam(user, code, opts) return self:achieve(user, code, "exam", opts) end

-- `n` new people of `org`, each holding one certification `code` (opts as for certify).
-- Returns their user ids.
function Fixture:certified_people(org, n, code, opts)
  return self:people_with(org, n, code, "certification", opts)
end

-- `n` new people of `org`, each with one passed assessment `code`.
function Fixture:assessed_people(org, n, code, opts)
  return self:people_with(org, n, code, "assessment", opts)
end

function Fixture:people_with(org, n, code, kind, opts)
  local users = {}
  for _ = 1, n do
    self.serial = self.serial + 1
    local user = string.format("%s-p%d", org, self.serial)
    self:person(org, user)
    self:achieve(user, code, kind, opts)
    users[#users + 1] = user
  end
  return users
end

-- The user leaves at `at` (R8).
function Fixture:leave(user, at)
  return self:add { type = "user", id = user, left = at }
end

-- The user's MSA is associated with `to_user` (of any organisation) from `at` on (R7).
function Fixture:move_msa(user, to_user, at)
  local msa = self.msas[user] or error("fixture: unknown person " .. tostring(user), 2)
  return self:link(msa, to_user, at)
end

-- One monthly value (period "YYYY-MM").
function Fixture:metric(org, metric, period, value)
  return self:add { type = "metric", org = org, metric = metric, period = period, value = value }
end

-- The same monthly `value` for `opts.months` calendar months ending with `opts.to` ("YYYY-MM").
function Fixture:metric_months(org, metric, value, opts)
  local last = month_index(opts.to)
  for i = last - assert(opts.months, "fixture: metric_months needs months") + 1, last do
    self:metric(org, metric, period_of(i), value)
  end
  return self
end

-- `total` over the `opts.months` calendar months ending with `opts.to`: equal whole monthly
-- values, the remainder in the first month (so `total - 1` is "one unit short", and a window
-- one month shorter would miss the remainder).
function Fixture:metric_total(org, metric, total, opts)
  local months = assert(opts.months, "fixture: metric_total needs months")
  local per = total // months
  local last = month_index(opts.to)
  self:metric(org, metric, period_of(last - months + 1), total - (months - 1) * per)
  if months > 1 then self:metric_months(org, metric, per, { to = opts.to, months = months - 1 }) end
  return self
end

-- An operator override (R15): `people` more holders of `code` for `competency` while
-- from <= t < until. opts: from, reason, by.
function Fixture:override(org, competency, code, people, until_, opts)
  opts = opts or {}
  return self:add { type = "override", org = org, competency = competency, code = code, people = people,
                    reason = opts.reason or "credited by the spec", by = opts.by or "ops@example.com",
                    ["until"] = until_, from = opts.from }
end

-- Imports what has accumulated; raises the importer's message on bad data.
function Fixture:import()
  if #self.pending == 0 then return 0 end
  local n, err = self.db:import(self.pending)
  if not n then error(err, 2) end
  self.pending = {}
  return n
end

-- Imports, then evaluates `competency` for `org` as of `at`. Raises if the evaluation failed.
-- opts: explain.
function Fixture:evaluate(competency, org, at, opts)
  self:import()
  local r = self.db:evaluate { competency = competency, org = org, at = at, policies = self.policies,
                              explain = opts and opts.explain or false }
  if r.error then error("evaluation failed: " .. r.error, 2) end
  return r
end

-- The result of path (id, level); raises if the result has no such path.
function fixture.path(r, id, level)
  for _, p in ipairs(r.paths or {}) do
    if p.id == id and p.level == level then return p end
  end
  error(string.format("no %s path '%s' in the result", tostring(level), tostring(id)), 2)
end

-- Goal `index` of a path result; raises if there is none.
function fixture.goal(path, index)
  return path.goals[index] or error(string.format("path '%s' has no goal #%d", path.id, index), 2)
end

-- The `have` of every goal of a path result, in order.
function fixture.haves(path)
  local haves = {}
  for i, g in ipairs(path.goals) do haves[i] = g.have end
  return haves
end

return fixture
