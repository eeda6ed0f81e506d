-- policies/project-and-portfolio-management.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local PROJECT = "(PL-200, PL-600, MS-102)"

scenarios.policy {
  id = "project-and-portfolio-management",
  paths = {
    { "silver", "seats",
      "2 certified people " .. PROJECT, "deployed seats project_deployed_seats (latest month) ≥ 150" },
    { "silver", "skills",
      "2 certified people " .. PROJECT, "2 people with a passed assessment (TA-PROJECT)" },
    { "gold", "seats",
      "4 certified people " .. PROJECT, "deployed seats project_deployed_seats (latest month) ≥ 600" },
  },
  counts = { "silver", "seats" },
}
