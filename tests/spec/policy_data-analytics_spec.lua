-- policies/data-analytics.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local DATA = "(DP-203, DP-100, PL-300)"

scenarios.policy {
  id = "data-analytics",
  paths = {
    { "silver", "revenue",
      "2 certified people " .. DATA, "revenue data_analytics_revenue over 12 months ≥ 10000" },
    { "silver", "skills", "3 certified people " .. DATA, "2 people with a passed assessment (TA-DATA)" },
    { "gold", "revenue",
      "4 certified people " .. DATA,
      scenarios.any { label = "a data engineer or a data scientist",
        "1 certified person (DP-203)", "1 certified person (DP-100)" },
      "revenue data_analytics_revenue over 12 months ≥ 50000" },
  },
  counts = { "gold", "revenue" },
}
