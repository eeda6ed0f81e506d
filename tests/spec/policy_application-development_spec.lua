-- policies/application-development.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local APPDEV = "(AZ-204, PL-400, AZ-400)"

scenarios.policy {
  id = "application-development",
  paths = {
    { "silver", "customers",
      "2 certified people " .. APPDEV, "new customers appdev_new_customers over 12 months ≥ 5" },
    { "silver", "skills", "2 certified people " .. APPDEV, "3 people with a passed assessment (TA-APPDEV)" },
    { "gold", "customers",
      "4 certified people " .. APPDEV, "new customers appdev_new_customers over 12 months ≥ 20" },
  },
  counts = { "silver", "customers" },
}
