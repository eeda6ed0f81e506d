-- policies/windows-and-devices.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local DEVICES = "(MD-102, MS-102, AZ-140)"

scenarios.policy {
  id = "windows-and-devices",
  paths = {
    { "silver", "seats",
      "2 certified people " .. DEVICES, "deployed seats windows_deployed_seats (latest month) ≥ 200" },
    { "silver", "skills",
      "2 certified people " .. DEVICES, "2 people with a passed assessment (TA-DEVICES)" },
    { "gold", "seats",
      "4 certified people " .. DEVICES, "1 certified person (MD-102)",
      "deployed seats windows_deployed_seats (latest month) ≥ 800" },
  },
  counts = { "gold", "seats" },
}
