-- examples/modern-workplace/modern-workplace.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local WORKPLACE = "(MS-102, MD-102, MS-700, SC-300)"

scenarios.policy {
  id = "modern-workplace",
  paths = {
    { "silver", "seats",
      "2 certified people " .. WORKPLACE, "deployed seats m365_deployed_seats (latest month) ≥ 200" },
    { "silver", "usage",
      "2 certified people " .. WORKPLACE, "1 person with a passed assessment (TA-MODERN-WORK)",
      "active usage m365_active_usage averaged over 3 months ≥ 150" },
    { "gold", "seats",
      "5 certified people " .. WORKPLACE, "deployed seats m365_deployed_seats (latest month) ≥ 800",
      "active usage m365_active_usage averaged over 3 months ≥ 400" },
  },
  counts = { "silver", "seats" },
  policies = "examples/modern-workplace",
}
