-- policies/security.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local SECURITY = "(SC-200, SC-300, SC-100, AZ-500)"

scenarios.policy {
  id = "security",
  paths = {
    { "silver", "revenue",
      "2 certified people " .. SECURITY, "revenue security_revenue over 12 months ≥ 12000" },
    { "silver", "usage",
      "2 certified people " .. SECURITY, "active usage security_active_usage averaged over 3 months ≥ 150" },
    { "gold", "revenue",
      "4 certified people " .. SECURITY, "1 certified person (SC-100)",
      "revenue security_revenue over 12 months ≥ 80000" },
    { "gold", "usage",
      "4 certified people " .. SECURITY, "2 people with a passed assessment (TA-SECURITY)",
      "active usage security_active_usage averaged over 3 months ≥ 600" },
  },
  counts = { "gold", "revenue" },
}
