-- policies/devops.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local DEVOPS = "(AZ-400, AZ-104, AZ-204)"

scenarios.policy {
  id = "devops",
  paths = {
    { "silver", "revenue", "2 certified people " .. DEVOPS, "revenue devops_revenue over 12 months ≥ 10000" },
    { "silver", "skills", "1 certified person (AZ-400)", "3 people with a passed assessment (TA-DEVOPS)" },
    { "gold", "revenue",
      "4 certified people " .. DEVOPS, "2 certified people (AZ-400)",
      "revenue devops_revenue over 12 months ≥ 40000" },
  },
  counts = { "silver", "skills" },
}
