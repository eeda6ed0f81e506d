-- Cloud Productivity: Microsoft 365 deployment and adoption (Exchange Online, SharePoint
-- Online, Teams, devices). Performance is deployed seats, or active usage with a passed
-- assessment.
local a = require "attain"
local codes = require "lib.codes"

return a.competency {
  id = "cloud-productivity",
  name = "Cloud Productivity",
  benefits = {
    silver = { "Microsoft 365 licences for internal use" },
    gold = { "Microsoft 365 licences for internal use", "Deployment planning services vouchers",
             "Priority listing in the partner directory" },
  },
  paths = {
    a.path { id = "seats", level = "silver",
      a.certified { people = 2, codes = codes.PRODUCTIVITY },
      a.seats { metric = "m365_deployed_seats", at_least = 200 } },
    a.path { id = "usage", level = "silver",
      a.certified { people = 2, codes = codes.PRODUCTIVITY },
      a.assessed { people = 1, codes = { "TA-PRODUCTIVITY" } },
      a.usage { metric = "m365_active_usage", months = 3, at_least = 150 } },
    a.path { id = "seats", level = "gold",
      a.certified { people = 4, codes = codes.PRODUCTIVITY },
      a.seats { metric = "m365_deployed_seats", at_least = 800 },
      a.usage { metric = "m365_active_usage", months = 3, at_least = 400 } },
  },
}
