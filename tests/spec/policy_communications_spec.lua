-- policies/communications.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local COMMUNICATIONS = "(MS-700, MS-721, MS-102)"

scenarios.policy {
  id = "communications",
  paths = {
    { "silver", "usage",
      "2 certified people " .. COMMUNICATIONS,
      "active usage teams_active_usage averaged over 3 months ≥ 150" },
    { "silver", "seats",
      "2 certified people " .. COMMUNICATIONS, "deployed seats teams_phone_seats (latest month) ≥ 150" },
    { "gold", "usage",
      "4 certified people " .. COMMUNICATIONS, "1 certified person (MS-721)",
      "active usage teams_active_usage averaged over 3 months ≥ 500" },
    { "gold", "seats",
      "4 certified people " .. COMMUNICATIONS, "1 person with a passed assessment (TA-COMMS)",
      "deployed seats teams_phone_seats (latest month) ≥ 600" },
  },
  counts = { "silver", "seats" },
}
