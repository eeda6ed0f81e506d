---@meta
-- LuaLS stub for the facts object the C host passes to policies (not
-- embedded in the host: editors and luacheck-free docs only).
-- One `attain.Facts` describes one organisation as of one evaluation time.

---@alias attain.AchievementKind
---| "certification"
---| "exam"
---| "assessment"

--- Why a person's achievement does not count (or, as `ends_reason`, why it will stop):
---@alias attain.Reason
---| "already_counted" # the person is counted through another achievement
---| "earned_recently" # R6: less than 24 hours since it was earned
---| "linked_recently" # R6: less than 24 hours since the MSA was associated
---| "joined_recently" # R6: less than 24 hours since the user's account started
---| "expired"         # R11
---| "left"            # R8: the user left the organisation
---| "not_joined"      # the user's account starts later
---| "moved_away"      # R7: the MSA is associated with another organisation
---| "moved_user"      # the MSA is associated with another user of the organisation

---@class attain.PersonCounted
---@field user string user id in the organisation
---@field msa string the MSA holding the achievement
---@field code string achievement code, e.g. "AZ-104"
---@field earned integer epoch seconds
---@field counts_from integer epoch seconds: 24 h after the latest of earned, the MSA's
--- association and the user's joining (R6)
---@field expires? integer epoch seconds, when it expires
---@field ends? integer epoch seconds: when it is known to stop counting (an expiry, or a
--- departure or MSA move known in advance)
---@field ends_reason? attain.Reason why it stops then: "expired", "left", "moved_away" or
--- "moved_user"

---@class attain.PersonExcluded
---@field user string
---@field msa string
---@field code string
---@field earned integer epoch seconds
---@field counts_from integer epoch seconds
---@field expires? integer epoch seconds
---@field reason attain.Reason why it does not count
---@field since? integer epoch seconds: when the reason began (the departure, the expiry, the
--- move), or for the 24-hour waits when it will count

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
---@field now integer when goals are checked, epoch seconds UTC (policies never read a
--- clock): the evaluation time, or in a renewal projection the membership's last second
---@field as_of integer the evaluation time: what is known (an event counts once it is
--- known by then) and where metric windows end; equal to `now` except in a renewal projection
local Facts = {}

--- Distinct people of the organisation holding any of `codes` of `kind`
--- at `now`, of what is known at `as_of`: an achievement counts 24 h after the
--- latest of earned, the MSA's association and the user's joining (R6), only
--- for the organisation its MSA is associated with (R7), not after the person
--- left (R8), not after it expired (R11); plus the people credited by
--- overrides in force for `competency` whose code is in `codes` (R15).
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
--- ending with (and including) the month of `as_of`; missing months are 0.
---@param metric string
---@param months integer
---@return number
function Facts:metric_sum(metric, months) end

--- `metric_sum(metric, months) / months`.
---@param metric string
---@param months integer
---@return number
function Facts:metric_avg(metric, months) end

--- Value of the latest reported month at or before the month of `as_of`, or nil.
---@param metric string
---@return number?
function Facts:metric_latest(metric) end
