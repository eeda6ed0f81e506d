-- policies/small-and-midmarket-cloud-solutions.lua through the real host: the program's statement of the competency (its
-- paths and the labels of their goals) and every scenario helpers.scenarios builds from it.
package.path = "stdlib/testing/?.lua;tests/spec/?.lua;" .. package.path
local scenarios = require "helpers.scenarios"

local SMB = "(MS-102, AZ-104, MD-102, MB-800)"

scenarios.policy {
  id = "small-and-midmarket-cloud-solutions",
  paths = {
    { "silver", "customers",
      "2 certified people " .. SMB, "new customers smb_new_customers over 12 months ≥ 5" },
    { "silver", "seats",
      "2 certified people " .. SMB, "1 person with a passed assessment (TA-SMB)",
      "deployed seats smb_deployed_seats (latest month) ≥ 200" },
    { "gold", "customers",
      "4 certified people " .. SMB, "new customers smb_new_customers over 12 months ≥ 15",
      "deployed seats smb_deployed_seats (latest month) ≥ 500" },
  },
  counts = { "silver", "customers" },
}
