-- policies/cloud-productivity.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local PRODUCTIVITY = "(MS-102, MS-700, MS-203, MD-102)"

scenarios.policy {
  id = "cloud-productivity",
  paths = {
    { "silver", "seats",
      "2 certified people " .. PRODUCTIVITY, "deployed seats m365_deployed_seats (latest month) ≥ 200" },
    { "silver", "usage",
      "2 certified people " .. PRODUCTIVITY, "1 person with a passed assessment (TA-PRODUCTIVITY)",
      "active usage m365_active_usage averaged over 3 months ≥ 150" },
    { "gold", "seats",
      "4 certified people " .. PRODUCTIVITY, "deployed seats m365_deployed_seats (latest month) ≥ 800",
      "active usage m365_active_usage averaged over 3 months ≥ 400" },
  },
  counts = { "silver", "seats" },
}
