-- policies/datacenter.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local DATACENTER = "(AZ-800, AZ-801, AZ-104, AZ-140)"

scenarios.policy {
  id = "datacenter",
  paths = {
    { "silver", "skills",
      "2 certified people " .. DATACENTER, "1 person with a passed assessment (TA-DATACENTER)" },
    { "gold", "skills",
      "4 certified people " .. DATACENTER,
      scenarios.any { label = "a Windows Server hybrid administrator (AZ-800 or AZ-801)",
        "1 certified person (AZ-800)", "1 certified person (AZ-801)" },
      "2 people with a passed assessment (TA-DATACENTER)" },
  },
  counts = { "gold", "skills" },
}
