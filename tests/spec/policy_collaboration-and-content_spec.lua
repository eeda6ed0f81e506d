-- policies/collaboration-and-content.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local CONTENT = "(MS-102, MS-700, SC-400, PL-200)"

scenarios.policy {
  id = "collaboration-and-content",
  paths = {
    { "silver", "usage",
      "2 certified people " .. CONTENT, "active usage sharepoint_active_usage averaged over 3 months ≥ 150" },
    { "silver", "skills",
      "3 certified people " .. CONTENT, "2 people with a passed assessment (TA-CONTENT)" },
    { "gold", "usage",
      "4 certified people " .. CONTENT, "1 certified person (SC-400)",
      "active usage sharepoint_active_usage averaged over 3 months ≥ 500" },
  },
  counts = { "silver", "usage" },
}
