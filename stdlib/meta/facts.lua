---@meta
-- LuaLS stub for the facts object the C host passes to policies (not
-- embedded in the host: editors and luacheck-free docs only).
-- One `attain.Facts` describes one organisation as of one evaluation time.

---@alias attain.AchievementKind
---| "certification"
---| "exam"
---| "assessment"

---@class attain.PersonCounted
---@field user string user id in the organisation
---@field msa string the MSA holding the achievement
---@field code string achievement code, e.g. "AZ-104"
---@field earned integer epoch seconds
---@field counts_from integer epoch seconds: 24 h after max(earned, MSA association) (R6)

---@class attain.PersonExcluded
---@field user string
---@field msa string
---@field code string
---@field reason string why it does not count, e.g. "earned less than 24 hours ago",
--- "associated less than 24 hours ago", "expired", "left the organisation",
--- "MSA associated with another organisation"

---@class attain.OverrideCredit
---@field code string
---@field people integer people credited
---@field reason string
---@field by string who granted it
---@field until integer? epoch seconds; the override is in force before this time

---@class attain.PeopleDetail
---@field counted attain.PersonCounted[]
---@field excluded attain.PersonExcluded[]
---@field overrides attain.OverrideCredit[]

---@class attain.Facts
---@field id string organisation id
---@field now integer evaluation time, epoch seconds UTC (policies never read a clock)
local Facts = {}

--- Distinct people of the organisation holding any of `codes` of `kind`
--- as of `now`: an achievement counts 24 h after max(earned, MSA association)
--- (R6), only for the organisation its MSA is associated with (R7), not after
--- the person left (R8), not after it expired (R11); plus the people credited
--- by overrides in force for `competency` whose code is in `codes` (R15).
---@param codes string[]
---@param kind? attain.AchievementKind nil = any kind
---@param competency? string competency id; nil = no overrides
---@return integer
function Facts:people(codes, kind, competency) end

--- The people behind `people` (same arguments), for explanations.
--- Arrays are in a deterministic order.
---@param codes string[]
---@param kind? attain.AchievementKind
---@param competency? string
---@return attain.PeopleDetail
function Facts:people_detail(codes, kind, competency) end

--- Sum of the monthly values of `metric` over the `months` calendar months
--- ending with (and including) the month of `now`; missing months are 0.
---@param metric string
---@param months integer
---@return number
function Facts:metric_sum(metric, months) end

--- `metric_sum(metric, months) / months`.
---@param metric string
---@param months integer
---@return number
function Facts:metric_avg(metric, months) end

--- Value of the latest reported month at or before the month of `now`, or nil.
---@param metric string
---@return number?
function Facts:metric_latest(metric) end
