-- policies/cloud-platform.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local AZURE = "(AZ-104, AZ-204, AZ-305)"

scenarios.policy {
  id = "cloud-platform",
  paths = {
    { "silver", "consumption",
      "2 certified people " .. AZURE, "revenue azure_consumed_revenue over 12 months ≥ 15000" },
    { "silver", "skills", "3 certified people " .. AZURE, "2 people with a passed assessment (TA-CLOUD)" },
    { "gold", "consumption",
      "4 certified people " .. AZURE, "1 certified person (AZ-305)",
      "revenue azure_consumed_revenue over 12 months ≥ 60000" },
    { "gold", "scale",
      "5 certified people " .. AZURE, "revenue azure_consumed_revenue over 12 months ≥ 150000" },
  },
  counts = { "silver", "consumption" },
}
