-- policies/enterprise-resource-planning.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local ERP = "(MB-310, MB-330, MB-500, MB-700, MB-800, MB-820)"

scenarios.policy {
  id = "enterprise-resource-planning",
  paths = {
    { "silver", "revenue",
      "2 certified people " .. ERP, "revenue dynamics_erp_revenue over 12 months ≥ 15000" },
    { "silver", "customers",
      "2 certified people " .. ERP, "new customers erp_new_customers over 12 months ≥ 5" },
    { "gold", "revenue",
      "4 certified people " .. ERP, "1 certified person (MB-700)",
      "revenue dynamics_erp_revenue over 12 months ≥ 75000" },
    { "gold", "customers",
      "4 certified people " .. ERP, "2 people with a passed assessment (TA-ERP)",
      "new customers erp_new_customers over 12 months ≥ 15" },
  },
  counts = { "silver", "revenue" },
}
