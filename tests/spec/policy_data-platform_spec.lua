-- policies/data-platform.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local DATA_PLATFORM = "(DP-300, DP-203, DP-420)"

scenarios.policy {
  id = "data-platform",
  paths = {
    { "silver", "revenue",
      "2 certified people " .. DATA_PLATFORM, "revenue azure_data_revenue over 12 months ≥ 10000" },
    { "silver", "skills",
      "2 certified people " .. DATA_PLATFORM, "2 people with a passed assessment (TA-DATA-PLATFORM)" },
    { "gold", "revenue",
      "4 certified people " .. DATA_PLATFORM, "1 certified person (DP-300)",
      "revenue azure_data_revenue over 12 months ≥ 50000" },
  },
  counts = { "silver", "revenue" },
}
