-- Modern Workplace: Microsoft 365 deployment, devices and collaboration.
-- Performance is deployed seats or active usage.
local a = require "attain"

local WORKPLACE = { "MS-102", "MD-102", "MS-700", "SC-300" }

return a.competency {
  id = "modern-workplace",
  name = "Modern Workplace",
  benefits = {
    silver = { "Microsoft 365 licences for internal use" },
    gold = { "Microsoft 365 licences for internal use", "Deployment planning services vouchers" },
  },
  paths = {
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = WORKPLACE },
      a.seats { metric = "m365_deployed_seats", at_least = 200 } },
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = WORKPLACE },
      a.assessed { people = 1, codes = { "TA-MODERN-WORK" } },
      a.usage { metric = "m365_active_usage", months = 3, at_least = 150 } },
    a.path { id = "seats", level = "gold",
      a.certified { people = 5, codes = WORKPLACE },
      a.seats { metric = "m365_deployed_seats", at_least = 800 },
      a.usage { metric = "m365_active_usage", months = 3, at_least = 400 } },
  },
}
