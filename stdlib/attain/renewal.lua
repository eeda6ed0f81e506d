--- attain.renewal: how long a membership bought at a given time runs.
--
-- A renewal rule is a function `(bought) -> expires`, both epoch seconds,
-- where `expires` is exclusive (the first second the membership is no
-- longer in force). A competency picks one with `renewal = ...`; the
-- default is `year_end` (R10).
local time = require "attain.time"

local M = {}

---@alias attain.RenewalRule fun(bought: attain.Time): attain.Time

--- R10: a membership runs to the end of the calendar year it was bought in.
--- Returns Jan 1 00:00 UTC of the following year.
---@param bought attain.Time
---@return attain.Time expires exclusive end
function M.year_end(bought)
  return time.year_end(bought)
end

--- A membership runs one year from the purchase: the same date and time a
--- year later (a purchase on 29 February runs to 1 March).
---@param bought attain.Time
---@return attain.Time expires exclusive end
function M.anniversary(bought)
  local y, m, d, hh, mi, ss = time.civil(bought)
  return time.from_civil(y + 1, m, d, hh, mi, ss)
end

M.default = M.year_end

return M
