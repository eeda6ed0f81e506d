-- policies/messaging.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local MESSAGING = "(MS-203, MS-102)"

scenarios.policy {
  id = "messaging",
  paths = {
    { "silver", "usage",
      "2 certified people " .. MESSAGING, "active usage exchange_active_usage averaged over 3 months ≥ 150" },
    { "silver", "skills",
      "2 certified people " .. MESSAGING, "2 people with a passed assessment (TA-MESSAGING)" },
    { "gold", "usage",
      "4 certified people " .. MESSAGING, "1 certified person (MS-203)",
      "active usage exchange_active_usage averaged over 3 months ≥ 500" },
  },
  counts = { "silver", "usage" },
}
