-- policies/enterprise-mobility-management.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local MOBILITY = "(MD-102, SC-300, MS-102, SC-400)"

scenarios.policy {
  id = "enterprise-mobility-management",
  paths = {
    { "silver", "seats",
      "2 certified people " .. MOBILITY, "deployed seats ems_deployed_seats (latest month) ≥ 200" },
    { "silver", "usage",
      "2 certified people " .. MOBILITY, "active usage ems_active_usage averaged over 3 months ≥ 150" },
    { "gold", "seats",
      "4 certified people " .. MOBILITY, "1 certified person (SC-300)",
      "deployed seats ems_deployed_seats (latest month) ≥ 800" },
    { "gold", "usage",
      "4 certified people " .. MOBILITY, "2 people with a passed assessment (TA-EMM)",
      "active usage ems_active_usage averaged over 3 months ≥ 600" },
  },
  counts = { "silver", "usage" },
}
