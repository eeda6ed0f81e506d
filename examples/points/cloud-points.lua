-- A points-based program, built only from custom goals (a.goal), to show
-- that the host is not tied to "N people + a threshold" paths.
--
-- 100 points are possible:
--   certified people (AZ-104, AZ-204, AZ-305)  10 points each, at most 40
--   Azure consumed revenue over 12 months      10 / 25 / 40 points at 10k / 50k / 100k
--   a passed TA-CLOUD assessment               20 points if anyone passed it
-- Silver needs 70 points, gold 90. Both paths share one measure function,
-- so the points are computed once per evaluation.
local a = require "attain"

local CERTS = { "AZ-104", "AZ-204", "AZ-305" }
local ASSESSMENT = { "TA-CLOUD" }
local REVENUE_BANDS = { -- highest band first
  { at_least = 100000, points = 40 },
  { at_least = 50000, points = 25 },
  { at_least = 10000, points = 10 },
}

local function people_points(org, competency)
  return math.min(40, 10 * org:people(CERTS, "certification", competency))
end

local function revenue_points(org)
  local revenue = org:metric_sum("azure_consumed_revenue", 12)
  for _, band in ipairs(REVENUE_BANDS) do
    if revenue >= band.at_least then return band.points end
  end
  return 0
end

local function assessment_points(org, competency)
  return org:people(ASSESSMENT, "assessment", competency) > 0 and 20 or 0
end

---@param org attain.Facts
---@param _ integer evaluation time (unused: the facts already apply it)
---@param competency string
---@return number
local function points(org, _, competency)
  return people_points(org, competency) + revenue_points(org) + assessment_points(org, competency)
end

local function breakdown(org, _, competency)
  return {
    people = people_points(org, competency),
    revenue = revenue_points(org),
    assessment = assessment_points(org, competency),
  }
end

return a.competency {
  id = "cloud-points",
  name = "Cloud Points Program",
  benefits = {
    silver = { "Points-program silver badge" },
    gold = { "Points-program gold badge", "Quarterly business review" },
  },
  paths = {
    a.path { id = "points", level = "silver",
      a.goal { label = "70 of 100 program points", need = 70, measure = points, detail = breakdown } },
    a.path { id = "points", level = "gold",
      a.goal { label = "90 of 100 program points", need = 90, measure = points, detail = breakdown } },
  },
}
