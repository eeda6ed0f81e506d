-- policies/cloud-business-applications.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local BIZAPPS = "(MB-210, MB-220, MB-230, MB-240, PL-200, PL-400, PL-600)"

scenarios.policy {
  id = "cloud-business-applications",
  paths = {
    { "silver", "revenue",
      "2 certified people " .. BIZAPPS, "revenue dynamics_ce_revenue over 12 months ≥ 12000" },
    { "silver", "seats",
      "2 certified people " .. BIZAPPS, "deployed seats dynamics_ce_seats (latest month) ≥ 150" },
    { "gold", "revenue",
      "4 certified people " .. BIZAPPS, "1 certified person (PL-600)",
      "revenue dynamics_ce_revenue over 12 months ≥ 60000" },
    { "gold", "seats",
      "4 certified people " .. BIZAPPS, "2 people with a passed assessment (TA-BIZAPPS)",
      "deployed seats dynamics_ce_seats (latest month) ≥ 700" },
  },
  counts = { "gold", "revenue" },
}
