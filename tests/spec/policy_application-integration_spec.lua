-- policies/application-integration.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local INTEGRATION = "(AZ-204, AZ-305, PL-400)"

scenarios.policy {
  id = "application-integration",
  paths = {
    { "silver", "skills",
      "2 certified people " .. INTEGRATION, "1 person with a passed assessment (TA-INTEGRATION)" },
    { "gold", "skills",
      "4 certified people " .. INTEGRATION, "1 certified person (AZ-305)",
      "2 people with a passed assessment (TA-INTEGRATION)" },
  },
  counts = { "silver", "skills" },
}
